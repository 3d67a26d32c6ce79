//! The cost of quotas: one market solved under a customs-union policy, with
//! no quota and with three (two binding bilateral quotas and a global
//! tariff-rate quota over its volume), cold-started each time.
//!
//! `cargo bench --bench quotas`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use customs_union::model::QuotaHolder;
use customs_union::policy::{Quota, TrqRates};
use customs_union::solver::MarketSolver;
use customs_union::{DomesticTreatment, Elasticities, SolverConfig};

#[path = "common/mod.rs"]
mod common;

fn with_quotas(m: &customs_union::Market, p: &mut customs_union::SectorPolicy) {
    let n = m.n();
    let x0 = m.flows();
    for (i, j) in [(3, 0), (4, 1)] {
        p.restrictions.quotas.push(Quota {
            importer: Some(j),
            exporter: Some(i),
            cells: vec![(i, j)],
            baseline: vec![x0.get(i, j)],
            volume: 0.8 * x0.get(i, j),
            trq: None,
            holder: QuotaHolder::Importer,
            start: 0.0,
        });
    }
    let j = 2;
    let cells: Vec<(usize, usize)> = (3..n).filter(|&i| i != j).map(|i| (i, j)).collect();
    let baseline: Vec<f64> = cells.iter().map(|&(i, j)| x0.get(i, j)).collect();
    let imports: f64 = baseline.iter().sum();
    let underlying = cells.iter().map(|&(i, j)| p.tariffs.get(i, j)).collect();
    for &(i, j) in &cells {
        p.tariffs.set(i, j, 0.05);
    }
    p.restrictions.quotas.push(Quota {
        importer: Some(j),
        exporter: None,
        cells,
        baseline,
        volume: 0.5 * imports,
        trq: Some(TrqRates {
            in_quota: 0.05,
            out_of_quota: 0.3,
            underlying,
        }),
        holder: QuotaHolder::Exporter,
        start: 0.0,
    });
}

fn bench(c: &mut Criterion) {
    let el = Elasticities::new(5.0, 2.5, 1.0).expect("valid");
    let cfg = SolverConfig::default().with_warm_start(false);
    let mut g = c.benchmark_group("quotas");
    for n in [7usize, 20] {
        let m = common::market(n, 7);
        let plain = common::union_policy(&m);
        let mut quotas = plain.clone();
        with_quotas(&m, &mut quotas);
        for (label, policy) in [("none", &plain), ("three", &quotas)] {
            g.bench_with_input(BenchmarkId::new(label, n), &n, |b, _| {
                b.iter(|| {
                    let mut solver =
                        MarketSolver::new(&m, policy, DomesticTreatment::Nested).expect("prepared");
                    solver.solve(&el, m.supply(), &cfg).expect("converges")
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

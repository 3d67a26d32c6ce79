//! Exact solve of one market by method and size; GSIM-linear solve.
//!
//! `cargo bench --bench solver`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use customs_union::solver::gsim_linear::solve_linear;
use customs_union::solver::{PreparedMarket, Workspace};
use customs_union::{DomesticTreatment, Elasticities, Method, SolverConfig};

#[path = "common/mod.rs"]
mod common;

fn exact(c: &mut Criterion) {
    let el = Elasticities::new(7.6, 3.8, 1.0).expect("valid");
    let mut g = c.benchmark_group("exact_solve");
    for &n in &[3usize, 7, 20, 50, 100, 200] {
        let m = common::market(n, 42 + n as u64);
        let p = common::union_policy(&m);
        let pm = PreparedMarket::new(&m, &p, DomesticTreatment::Nested).expect("prepared");
        let mut ws = Workspace::new(n);
        for (name, cfg) in [
            ("newton", SolverConfig::default().with_warm_start(false)),
            (
                "newton-no-line-search",
                SolverConfig::default()
                    .with_warm_start(false)
                    .with_line_search(false),
            ),
            (
                "diagonal-newton",
                SolverConfig::default()
                    .with_warm_start(false)
                    .with_method(Method::DiagonalNewton)
                    .with_max_iter(2000),
            ),
        ] {
            if name == "diagonal-newton" && n > 50 {
                continue;
            }
            g.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| {
                    let r = pm
                        .solve_in(&el, m.supply(), &cfg, &mut ws, "bench")
                        .expect("converges");
                    black_box(r.iterations)
                })
            });
        }
    }
    g.finish();
}

fn gsim_linear(c: &mut Criterion) {
    let el = Elasticities::new(5.0, 5.0, 1.25).expect("valid");
    let mut g = c.benchmark_group("gsim_linear_solve");
    for &n in &[7usize, 20, 50, 100] {
        let m = common::market(n, 42 + n as u64);
        let p = common::union_policy(&m);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                black_box(
                    solve_linear(&m, &el, &p, "bench")
                        .expect("solves")
                        .world_price_change[0],
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, exact, gsim_linear);
criterion_main!(benches);

//! Exact solve of one market by method and size; GSIM-linear solve.
//!
//! `cargo bench --bench solver`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use customs_union::solver::MarketSolver;
use customs_union::solver::gsim_linear::solve_linear;
use customs_union::{DomesticTreatment, Elasticities, Method, SolverConfig};

#[path = "common/mod.rs"]
mod common;

fn exact(c: &mut Criterion) {
    let el = Elasticities::new(7.6, 3.8, 1.0).expect("valid");
    let mut g = c.benchmark_group("exact_solve");
    for &n in &[3usize, 7, 20, 50, 100, 200] {
        let m = common::market(n, 42 + n as u64);
        let p = common::union_policy(&m);
        let mut solver = MarketSolver::new(&m, &p, DomesticTreatment::Nested)
            .expect("prepared")
            .sector("bench");
        for (name, cfg) in [
            ("newton", SolverConfig::default().with_warm_start(false)),
            (
                "newton-no-line-search",
                SolverConfig::default()
                    .with_warm_start(false)
                    .with_line_search(false),
            ),
            (
                "newton-tol-1e-8",
                SolverConfig::default()
                    .with_warm_start(false)
                    .with_tol(1e-8)
                    .expect("valid tolerance"),
            ),
            (
                "newton-tol-1e-6",
                SolverConfig::default()
                    .with_warm_start(false)
                    .with_tol(1e-6)
                    .expect("valid tolerance"),
            ),
            (
                "diagonal-newton",
                SolverConfig::default()
                    .with_warm_start(false)
                    .with_method(Method::DiagonalNewton)
                    .with_max_iter(2000)
                    .expect("valid cap"),
            ),
        ] {
            let tol_variant = name.starts_with("newton-tol");
            if (name == "diagonal-newton" && n > 50) || (tol_variant && n != 7 && n != 100) {
                continue;
            }
            g.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| {
                    let r = solver.solve(&el, m.supply(), &cfg).expect("converges");
                    black_box(r.iterations)
                })
            });
        }
    }
    g.finish();
}

/// Solves from a first-order prediction, as Monte Carlo draws do: the
/// predictor is built at the central elasticities, each solve perturbs
/// sigma_m, sigma_d and eta by up to 30% (cycling through 64 draws).
fn predicted(c: &mut Criterion) {
    let el0 = Elasticities::new(7.6, 3.8, 1.0).expect("valid");
    let mut g = c.benchmark_group("exact_solve_predicted");
    for &n in &[7usize, 20, 100] {
        let m = common::market(n, 42 + n as u64);
        let p = common::union_policy(&m);
        let mut solver = MarketSolver::new(&m, &p, DomesticTreatment::Nested)
            .expect("prepared")
            .sector("bench");
        let cfg = SolverConfig::default();
        solver
            .solve(&el0, m.supply(), &cfg.with_warm_start(false))
            .expect("central solve");
        assert!(solver.build_predictor(&el0, m.supply()), "predictor");
        let mut r = common::Mix(7);
        let draws: Vec<Elasticities> = (0..64)
            .map(|_| {
                let k = 0.7 + 0.6 * r.next_f64();
                Elasticities::new(7.6 * k, 3.8 * k, 0.5 + r.next_f64()).expect("valid")
            })
            .collect();
        let mut d = 0;
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                let el = &draws[d % draws.len()];
                d += 1;
                solver.start_predicted(el, m.supply());
                let rep = solver.solve(el, m.supply(), &cfg).expect("converges");
                black_box(rep.iterations)
            })
        });
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

criterion_group!(benches, exact, predicted, gsim_linear);
criterion_main!(benches);

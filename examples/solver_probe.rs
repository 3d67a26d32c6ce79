//! Times one synthetic market's exact solve (a profiling target; see docs/performance.md).
//!
//! `cargo run --release --example solver_probe -- N REPS`
use customs_union::solver::MarketSolver;
use customs_union::{DomesticTreatment, Elasticities, SolverConfig};
#[path = "../benches/common/mod.rs"]
mod common;
fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(7);
    let reps = args.get(1).copied().unwrap_or(200_000);
    let el = Elasticities::new(7.6, 3.8, 1.0).expect("valid");
    let m = common::market(n, 42 + n as u64);
    let p = common::union_policy(&m);
    let mut solver = MarketSolver::new(&m, &p, DomesticTreatment::Nested)
        .expect("prepared")
        .sector("probe");
    let cfg = SolverConfig::default().with_warm_start(false);
    let t = std::time::Instant::now();
    let mut it = 0;
    for _ in 0..reps {
        it += solver
            .solve(&el, m.supply(), &cfg)
            .expect("converges")
            .iterations;
    }
    println!(
        "n={n}: {:?} per solve, {} iterations",
        t.elapsed() / reps as u32,
        it / reps
    );
}

//! Which solver settings should I use? Methods, tolerances, line search and
//! warm starts compared on one market.
//!
//! Solves the machinery sector of the embedded 2009 dataset under the 2010
//! CET, and a synthetic 100-country market, with each setting, and prints
//! iterations, final residual, the largest price difference from the
//! reference solution (Newton, tol 1e-14) and the time per solve. The
//! criterion benchmarks (`cargo bench --bench solver`) measure the same
//! settings more carefully; docs/performance.md has their figures.
//!
//! Expected output: Newton converges in 2-4 iterations to ~1e-16 whatever
//! the tolerance; the line search costs nothing when full steps are accepted;
//! warm starts save an iteration when elasticities change a little between
//! solves (as in Monte Carlo); the Jacobi iteration needs 9 to 36 iterations
//! and is two to six times slower.
//!
//! Charts in `out/solver_tuning/`.
//!
//! `cargo run --release --example solver_tuning`

use std::time::Instant;

use customs_union::report::chart::{CategoryChart, Series};
use customs_union::solver::MarketSolver;
use customs_union::{
    Dataset, DomesticTreatment, Elasticities, Market, Method, SectorPolicy, SolverConfig,
};

#[path = "../benches/common/mod.rs"]
mod synthetic;

#[path = "common/mod.rs"]
mod common;

/// Prints the comparison and returns `(setting, µs per solve)`.
fn compare(
    label: &str,
    market: &Market,
    policy: &SectorPolicy,
    el: Elasticities,
) -> Vec<(String, f64)> {
    let mut times = Vec::new();
    let mut solver = MarketSolver::new(market, policy, DomesticTreatment::Nested)
        .expect("prepared")
        .sector(label);
    let n = market.n();
    let reference = SolverConfig::default()
        .with_warm_start(false)
        .with_tol(1e-14)
        .expect("valid tolerance");
    solver
        .solve(&el, market.supply(), &reference)
        .expect("reference solve");
    let p_ref = solver.log_prices().to_vec();
    println!("\n{label} ({n} countries)");
    println!(
        "  {:<34} {:>5} {:>11} {:>11} {:>11}",
        "setting", "iter", "residual", "max |dlnp|", "time/solve"
    );
    let base = SolverConfig::default().with_warm_start(false);
    let settings = [
        ("default (newton, 1e-12)", base),
        ("tol 1e-8", base.with_tol(1e-8).expect("valid tolerance")),
        ("tol 1e-6", base.with_tol(1e-6).expect("valid tolerance")),
        ("no line search", base.with_line_search(false)),
        (
            "Jacobi, tol 1e-12",
            base.with_method(Method::DiagonalNewton)
                .with_max_iter(5000)
                .expect("valid cap"),
        ),
    ];
    for (name, cfg) in settings {
        let reps = if n > 50 { 20 } else { 2000 };
        match solver.solve(&el, market.supply(), &cfg) {
            Ok(r) => {
                let dev = solver
                    .log_prices()
                    .iter()
                    .zip(&p_ref)
                    .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
                let t = Instant::now();
                for _ in 0..reps {
                    let _ = solver.solve(&el, market.supply(), &cfg);
                }
                let us = t.elapsed().as_secs_f64() * 1e6 / reps as f64;
                times.push((name.to_string(), us));
                println!(
                    "  {:<34} {:>5} {:>11.2e} {:>11.2e} {:>9.1} µs",
                    name, r.iterations, r.residual, dev, us
                );
            }
            Err(e) => println!("  {name:<34} failed: {e}"),
        }
    }
    // warm start: solve at slightly different elasticities, as consecutive Monte Carlo draws do
    for warm in [false, true] {
        let cfg = SolverConfig::default().with_warm_start(warm);
        let mut iters = 0;
        let draws = 200;
        let t = Instant::now();
        for d in 0..draws {
            let k = 1.0 + 0.1 * ((d as f64 * 0.7).sin());
            let e = Elasticities::new(el.sigma_import * k, el.sigma_domestic * k, el.demand)
                .expect("valid");
            iters += solver
                .solve(&e, market.supply(), &cfg)
                .expect("converges")
                .iterations;
        }
        let us = t.elapsed().as_secs_f64() * 1e6 / draws as f64;
        let name = if warm {
            "warm start on"
        } else {
            "warm start off"
        };
        times.push((name.to_string(), us));
        println!(
            "  {:<34} {:>5.2} {:>11} {:>11} {:>9.1} µs   (mean over {draws} nearby draws)",
            name,
            iters as f64 / draws as f64,
            "",
            "",
            us
        );
    }
    times
}

/// The 2010 CET of `scenarios/cet_2010.toml` in one market: trade among
/// Kazakhstan, Russia and Belarus duty-free, and Russia's tariffs on every
/// outsider for all three.
fn cet_2010(data: &Dataset, market: &Market) -> SectorPolicy {
    let code = |c: &str| data.country_id(c).expect("a member").0;
    let members = [code("KAZ"), code("RUS"), code("BLR")];
    let mut p = SectorPolicy::baseline(market);
    for o in 0..market.n() {
        for &m in &members {
            if members.contains(&o) {
                if o != m {
                    p.tariffs.set(o, m, 0.0);
                }
            } else {
                p.tariffs.set(o, m, market.tariffs().get(o, members[1]));
            }
        }
    }
    p
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = Dataset::embedded("eaeu2009")?;
    let s = data.sector_id("MACH").expect("MACH sector").0;
    let market = &data.markets()[s];
    let small = compare(
        "MACH sector, 2009 data, 2010 CET",
        market,
        &cet_2010(&data, market),
        data.sectors()[s].elasticities,
    );
    let m = synthetic::market(100, 142);
    let p = synthetic::union_policy(&m);
    let large = compare(
        "synthetic market",
        &m,
        &p,
        Elasticities::new(7.6, 3.8, 1.0)?,
    );
    let dir = common::out_dir("solver_tuning");
    for (file, title, times) in [
        (
            "time_7_countries.svg",
            "Time per solve by solver setting: MACH sector, 7 countries",
            &small,
        ),
        (
            "time_100_countries.svg",
            "Time per solve by solver setting: synthetic market, 100 countries",
            &large,
        ),
    ] {
        let labels: Vec<String> = times.iter().map(|(n, _)| n.clone()).collect();
        common::save(
            &dir.join(file),
            &CategoryChart::new(title, "microseconds per solve (lower is faster)", labels)
                .subtitle("One machine, one run: compare the bars with each other, not across machines. Warm start: mean over 200 nearby draws.")
                .series(Series::bars("time per solve", times.iter().map(|(_, t)| *t).collect()))
                .figure(),
        )?;
    }
    println!("\ncharts written to {}", dir.display());
    Ok(())
}

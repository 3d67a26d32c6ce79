//! The exact solver on hard markets (`tests/fixtures/hard-markets`, see its
//! README): it converges to the true equilibrium or fails clearly, and what it
//! reports is checked from the returned prices alone, with demand and supply
//! recomputed here from the model's formulas.

// Index loops over [origin][destination] read more clearly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use std::path::{Path, PathBuf};

use customs_union::io::{load_data_dir, load_scenario_file, parse_scenario_file};
use customs_union::{
    DomesticTreatment, Elasticities, Equilibrium, Error, Market, SectorPolicy, Simulation,
    SolverConfig, Termination, solve_market,
};

/// The solver's default tolerance on `max_i |R_i| / X_i(p)`.
const TOL: f64 = 1e-12;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hard-markets")
        .join(name)
}

/// The fixture's one market, its elasticities and the scenario's policy,
/// through the library's data and scenario loaders.
fn load(name: &str) -> (Market, Elasticities, SectorPolicy) {
    let dir = fixture(name);
    let data = load_data_dir(&dir).expect("fixture data").dataset;
    let file = load_scenario_file(&dir.join("s.toml")).expect("fixture scenario");
    let policy = Simulation::new(&data)
        .treatment(DomesticTreatment::Nested)
        .policies(&file.set)
        .expect("scenario compiles")
        .swap_remove(0)
        .sectors
        .swap_remove(0);
    (
        data.markets()[0].clone(),
        data.sectors()[0].elasticities,
        policy,
    )
}

/// Demand `sum_j x[i][j]` for each origin at producer prices `p`, straight
/// from the nested CES formulas (no factoring, no log forms).
fn demand(m: &Market, el: &Elasticities, pol: &SectorPolicy, p: &[f64]) -> Vec<f64> {
    let n = m.n();
    let (sm, sd, eta) = (el.sigma_import, el.sigma_domestic, el.demand);
    assert!(
        sm != 1.0 && sd != 1.0,
        "the CES forms below need sigma != 1"
    );
    let q0 = |i: usize, j: usize| (1.0 + m.tariffs().get(i, j)) * (1.0 + m.ntb().get(i, j));
    let q1 = |i: usize, j: usize| (1.0 + pol.tariffs.get(i, j)) * (1.0 + pol.ntb.get(i, j));
    let x0 = |i: usize, j: usize| m.flows().get(i, j);
    let mut d = vec![0.0; n];
    for j in 0..n {
        let spend: f64 = (0..n).map(|i| q0(i, j) * x0(i, j)).sum();
        let nest: f64 = (0..n)
            .filter(|&i| i != j)
            .map(|i| q0(i, j) * x0(i, j))
            .sum();
        if spend == 0.0 {
            continue;
        }
        let r = |i: usize| p[i] * q1(i, j) / q0(i, j);
        let pm = if nest > 0.0 {
            let s: f64 = (0..n)
                .filter(|&i| i != j && !pol.is_banned(i, j))
                .map(|i| q0(i, j) * x0(i, j) / nest * r(i).powf(1.0 - sm))
                .sum();
            s.powf(1.0 / (1.0 - sm))
        } else {
            1.0
        };
        let b = if nest > 0.0 { x0(j, j) / spend } else { 1.0 };
        let pc = (b * p[j].powf(1.0 - sd) + (1.0 - b) * pm.powf(1.0 - sd)).powf(1.0 / (1.0 - sd));
        let q = pc.powf(-eta);
        for i in 0..n {
            if i == j {
                d[i] += x0(j, j) * (p[j] / pc).powf(-sd) * q;
            } else if !pol.is_banned(i, j) && x0(i, j) > 0.0 {
                d[i] += x0(i, j) * (r(i) / pm).powf(-sm) * (pm / pc).powf(-sd) * q;
            }
        }
    }
    d
}

/// How well origin `i`'s market can be seen to clear from prices rounded to
/// double precision: the tolerance, plus the rounding of `p` (1 ulp) magnified
/// by the supply elasticity (`p^eps`) and by the substitution elasticities
/// through the price indices, with a margin for the sums.
fn clearing_bound(el: &Elasticities, eps: f64) -> f64 {
    TOL + 64.0 * f64::EPSILON * (1.0 + eps + el.sigma_import + el.sigma_domestic + el.demand)
}

/// Checks `eq` from its prices alone: every market with a finite supply
/// elasticity and positive output clears relative to its own supply, the
/// returned flows are the demand at those prices, and the reported residual is
/// the measure `max_i |R_i| / X_i(p)` (below the tolerance).
fn assert_clears(m: &Market, el: &Elasticities, pol: &SectorPolicy, eq: &Equilibrium) {
    let n = m.n();
    let p = &eq.producer_prices;
    let d = demand(m, el, pol, p);
    let mut measure = 0.0f64;
    let mut slack = 0.0f64;
    for i in 0..n {
        let eps = m.supply()[i];
        let sold: f64 = eq.flows.row(i).iter().sum();
        let bound = clearing_bound(el, eps);
        assert!(
            sold == d[i] || ((sold - d[i]) / d[i]).abs() <= bound,
            "origin {i}: returned flows sum to {sold:e}, demand at the returned prices is {:e}",
            d[i]
        );
        if !eps.is_finite() || m.output(i) == 0.0 {
            assert_eq!(p[i], 1.0, "price taker {i} keeps its price");
            continue;
        }
        let supply = m.output(i) * p[i].powf(eps);
        let rel = ((d[i] - supply) / supply).abs();
        assert!(
            rel <= bound,
            "origin {i}: demand {:e} vs own supply {supply:e}: {rel:e} of it (bound {bound:e})",
            d[i]
        );
        measure = measure.max(((sold - supply) / supply).abs());
        slack = slack.max(bound);
    }
    assert!(eq.report.converged(), "{}", eq.report);
    assert!(eq.report.residual < TOL, "{}", eq.report);
    assert!(
        (eq.report.residual - measure).abs() <= slack,
        "reported residual {:e}, measure from the returned state {measure:e}",
        eq.report.residual
    );
}

#[test]
fn loose_convergence_converges_to_the_true_relative_residual() {
    let (m, el, pol) = load("loose-convergence");
    let eq = solve_market(
        &m,
        &el,
        &pol,
        DomesticTreatment::Nested,
        &SolverConfig::default(),
    )
    .expect("converges");
    assert_clears(&m, &el, &pol, &eq);
    // the hard part: C04's supply has collapsed to about 6e-11 of its baseline
    let c04 = 4;
    let supply = m.output(c04) * eq.producer_prices[c04].powf(m.supply()[c04]);
    assert!(supply < 1e-10 * m.output(c04), "{supply:e}");
    approx::assert_relative_eq!(
        eq.producer_prices[c04],
        0.999_976_441_78,
        max_relative = 1e-10
    );
}

#[test]
fn newton_gives_up_is_solved_by_continuation_in_the_policy() {
    let (m, el, pol) = load("newton-gives-up");
    let cfg = SolverConfig::default();
    let eq = solve_market(&m, &el, &pol, DomesticTreatment::Nested, &cfg).expect("converges");
    assert_clears(&m, &el, &pol, &eq);
    // the equilibrium found by phasing the tariff changes in over twenty steps
    let expected = [0.17963, 0.17963, 3.0352, 1.0, 1.0, 0.17963, 0.18389];
    for (&p, &e) in eq.producer_prices.iter().zip(&expected) {
        approx::assert_relative_eq!(p, e, max_relative = 5e-5);
    }
    // what was tried is in the report
    let c = eq.report.continuation.expect("the direct search failed");
    assert_ne!(c.direct, Termination::Converged);
    assert!(c.steps >= 1 && c.reached == 1.0, "{}", eq.report);
    assert!(eq.report.iterations <= cfg.max_iter(), "{}", eq.report);
    assert!(
        eq.report.to_string().contains("continuation"),
        "{}",
        eq.report
    );
}

#[test]
fn without_continuation_newton_gives_up_fails_clearly() {
    let (m, el, pol) = load("newton-gives-up");
    let cfg = SolverConfig::default().with_continuation(false);
    match solve_market(&m, &el, &pol, DomesticTreatment::Nested, &cfg) {
        Err(Error::NotConverged { report, .. }) => {
            assert_eq!(report.termination, Termination::MaxIterations);
            assert_eq!(report.iterations, cfg.max_iter());
            assert!(report.continuation.is_none());
            assert!(report.residual > cfg.tol(), "{report}");
        }
        other => panic!("expected non-convergence, got {other:?}"),
    }
}

#[test]
fn a_tolerance_above_the_ceiling_is_refused_in_a_scenario_file() {
    let text = "[solver]\ntol = 1.0\n\n[[scenario]]\nname = \"s\"\n";
    match parse_scenario_file(text, "s.toml") {
        Err(Error::Scenario { key, message, .. }) => {
            assert_eq!(key, "solver.tol");
            assert!(message.contains("1e-4"), "{message}");
        }
        other => panic!("expected a scenario error, got {other:?}"),
    }
    let text = "[solver]\nmax_iter = 0\n\n[[scenario]]\nname = \"s\"\n";
    assert!(matches!(
        parse_scenario_file(text, "s.toml"),
        Err(Error::Scenario { key, .. }) if key == "solver.max_iter"
    ));
}

// ------------------------------------------------ a sweep of stretched markets

/// A xorshift generator: the sweep's markets are fixed by their seeds.
struct Xorshift(u64);

impl Xorshift {
    fn new(seed: u64) -> Self {
        let mut r = Xorshift(0x9E37_79B9_7F4A_7C15 ^ seed);
        for _ in 0..4 {
            r.unit();
        }
        r
    }
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[(self.unit() * v.len() as f64) as usize % v.len()]
    }
}

/// A stretched random market and policy: 3 to 8 countries, 40% of flows
/// zero and the rest spanning 1e-9 to 1e9, supply elasticities 0, 1e-9, 0.5,
/// 1e6 or infinite, sigma_m 1.5 to 49.5, eta 0, 0.5, 1 or 10, and tariffs of
/// up to 1000% and wedges of up to 400% on 40% of the cells.
fn stretched_market(seed: u64) -> (Market, Elasticities, SectorPolicy) {
    let mut r = Xorshift::new(seed);
    let n = 3 + (r.unit() * 6.0) as usize;
    let mut flows = customs_union::Matrix::zeros(n);
    let mut tariffs = customs_union::Matrix::zeros(n);
    let mut ntb = customs_union::Matrix::zeros(n);
    for i in 0..n {
        for j in 0..n {
            if r.unit() < 0.6 || i == j {
                flows.set(i, j, 10f64.powf(-9.0 + 18.0 * r.unit()));
            }
            if i != j {
                tariffs.set(i, j, 0.3 * r.unit());
                if r.unit() < 0.3 {
                    ntb.set(i, j, 0.2 * r.unit());
                }
            }
        }
    }
    let supply: Vec<f64> = (0..n)
        .map(|_| r.pick(&[0.0, 1e-9, 0.5, 1e6, f64::INFINITY]))
        .collect();
    let m = Market::new(flows, tariffs, ntb, supply).expect("a valid market");
    let sm = 1.5 + 48.0 * r.unit();
    let sd = if r.unit() < 0.5 {
        sm
    } else {
        1.0 + (sm - 1.0) * r.unit()
    };
    let eta = r.pick(&[0.0, 0.5, 1.0, 10.0]);
    let el = Elasticities::new(sm, sd, eta).expect("valid elasticities");
    let mut pol = SectorPolicy::baseline(&m);
    for i in 0..n {
        for j in 0..n {
            if i != j && r.unit() < 0.4 {
                let (small, large) = (0.1 * r.unit(), 10.0 * r.unit());
                pol.tariffs.set(i, j, r.pick(&[0.0, small, large]));
                if r.unit() < 0.2 {
                    pol.ntb.set(i, j, 4.0 * r.unit());
                }
            }
        }
    }
    (m, el, pol)
}

/// What a sweep found.
#[derive(Debug, Default)]
struct Sweep {
    converged: usize,
    by_continuation: usize,
    failed: usize,
    failed_with_eta_0: usize,
    undetermined: usize,
}

/// Solves `count` stretched markets of series `series`; every convergence is
/// checked from its prices alone, every failure must be a non-convergence
/// with the report of what was tried, or prices found undetermined.
fn sweep(series: u64, count: u64, cfg: &SolverConfig) -> Sweep {
    let mut s = Sweep::default();
    for k in 0..count {
        let (m, el, pol) = stretched_market(series * 1_000_003 + k);
        match solve_market(&m, &el, &pol, DomesticTreatment::Nested, cfg) {
            Ok(eq) => {
                assert_clears(&m, &el, &pol, &eq);
                s.converged += 1;
                if eq.report.continuation.is_some() {
                    s.by_continuation += 1;
                }
            }
            Err(Error::NotConverged { report, .. }) => {
                assert!(!report.converged() && report.iterations <= cfg.max_iter());
                if cfg.continuation() && report.iterations < cfg.max_iter() {
                    assert!(report.continuation.is_some(), "{report}");
                }
                s.failed += 1;
                if el.demand == 0.0 {
                    s.failed_with_eta_0 += 1;
                }
            }
            Err(Error::Model { message, .. }) if message.contains("not determined") => {
                s.undetermined += 1;
            }
            Err(e) => panic!("market {series}/{k}: {e}"),
        }
    }
    s
}

#[test]
fn stretched_markets_converge_honestly_or_fail_with_a_report() {
    let s = sweep(1, 400, &SolverConfig::default());
    assert_eq!(s.converged + s.failed + s.undetermined, 400);
    assert!(s.by_continuation > 0, "{s:?}");
}

/// The sweep quoted in docs/performance.md: 3 series of 3,000 markets, with
/// and without the continuation in the policy (about 2 s in release).
#[test]
#[ignore = "slow: run with --ignored --nocapture"]
fn sweep_of_9000_stretched_markets() {
    for continuation in [false, true] {
        let cfg = SolverConfig::default().with_continuation(continuation);
        let mut total = Sweep::default();
        for series in 1..=3 {
            let s = sweep(series, 3000, &cfg);
            total.converged += s.converged;
            total.by_continuation += s.by_continuation;
            total.failed += s.failed;
            total.failed_with_eta_0 += s.failed_with_eta_0;
            total.undetermined += s.undetermined;
        }
        println!("continuation {continuation}: {total:?}");
    }
}

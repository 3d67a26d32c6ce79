//! Cases worked by hand or in closed form: a price-taking importer,
//! a symmetric two-country market, the sigma = 1 / eta = 1 limits, the
//! no-domestic-sales import market, one nest when sigma_d = sigma_m, a
//! diagonal tariff under as-import-source, and the solver defaults.
#![allow(clippy::needless_range_loop)]

mod common;

use approx::assert_relative_eq;
use common::*;
use customs_union::{Method, SolverConfig, solve_market};

fn solve(sec: &RefSector, pol: &RefPolicy, tr: Treatment) -> customs_union::Equilibrium {
    solve_market(
        &lib_market(sec),
        &lib_elasticities(sec),
        &lib_policy(pol),
        tr.lib(),
        &SolverConfig::default(),
    )
    .unwrap()
}

/// Importer H buys 60 at home, 30 from A and 10 from B; every supply is
/// infinitely elastic so prices stay at 1 and the CES formulas give the flows.
fn price_taker() -> RefData {
    let inf = f64::INFINITY;
    RefData {
        codes: vec!["H".into(), "A".into(), "B".into()],
        sectors: vec![RefSector {
            code: "S".into(),
            sigma_m: 3.0,
            sigma_d: 2.0,
            eta: 1.5,
            x0: vec![
                vec![60.0, 0.0, 0.0],
                vec![30.0, 100.0, 0.0],
                vec![10.0, 0.0, 100.0],
            ],
            t0: zeros(3),
            c0: zeros(3),
            eps: vec![inf, inf, inf],
        }],
    }
}

fn tariff(importer: usize, exporter: usize, rate: f64) -> RefChange {
    RefChange {
        ntb: false,
        importer: Some(importer),
        exporter: Some(exporter),
        sector: None,
        action: RefAction::Set(rate),
        component: None,
    }
}

#[test]
fn price_taking_importer_matches_the_closed_form() {
    let d = price_taker();
    let sc = RefScenario {
        name: "tariff on A".into(),
        changes: vec![tariff(0, 1, 0.2)],
        ..RefScenario::default()
    };
    let r = &lib_run(&d, &[sc], Treatment::Nested, false).unwrap()[0];
    let s = &r.sectors[0];
    // closed form
    let (sm, sd, eta) = (3.0f64, 2.0f64, 1.5f64);
    let pm = (0.75 * 1.2f64.powf(1.0 - sm) + 0.25).powf(1.0 / (1.0 - sm));
    let b = 0.6;
    let p = (b + (1.0 - b) * pm.powf(1.0 - sd)).powf(1.0 / (1.0 - sd));
    let q = p.powf(-eta);
    let xa = 30.0 * (1.2 / pm).powf(-sm) * (pm / p).powf(-sd) * q;
    let xb = 10.0 * (1.0 / pm).powf(-sm) * (pm / p).powf(-sd) * q;
    let xh = 60.0 * p.powf(sd) * q;
    let cs = -100.0 * (p.powf(1.0 - eta) - 1.0) / (1.0 - eta);
    // the same numbers worked separately (to 1e-12)
    assert_relative_eq!(pm, 1.1389895949029987, max_relative = 1e-12);
    assert_relative_eq!(p, 1.0513163728376422, max_relative = 1e-12);
    assert_relative_eq!(xa, 20.275145860865795, max_relative = 1e-12);
    assert_relative_eq!(xb, 11.678484015858698, max_relative = 1e-12);
    assert_relative_eq!(xh, 61.5202319746562, max_relative = 1e-12);
    assert_relative_eq!(cs, -4.942217952892247, max_relative = 1e-12);

    for c in &s.countries {
        assert_eq!(c.producer_price, 1.0);
        assert_eq!(c.producer_surplus, 0.0);
    }
    assert_eq!(
        r.sectors[0].iterations, 0,
        "nothing to solve with fixed prices"
    );
    let h = &s.countries[0];
    assert_relative_eq!(h.consumer_price_index, p, max_relative = 1e-13);
    assert_relative_eq!(h.consumer_surplus, cs, max_relative = 1e-12);
    assert_relative_eq!(h.tariff_revenue, 0.2 * xa, max_relative = 1e-12);
    assert_relative_eq!(h.welfare, cs + 0.2 * xa, max_relative = 1e-12);
    assert_relative_eq!(h.welfare, -0.8871887807190877, max_relative = 1e-10);
    assert_relative_eq!(h.imports_counterfactual, xa + xb, max_relative = 1e-13);
    let flow = |e: &str| {
        s.flows
            .iter()
            .find(|f| f.exporter == e && f.importer == "H")
            .unwrap()
    };
    assert_relative_eq!(flow("A").counterfactual, xa, max_relative = 1e-13);
    assert_relative_eq!(flow("B").counterfactual, xb, max_relative = 1e-13);
    assert_relative_eq!(flow("H").counterfactual, xh, max_relative = 1e-13);
}

/// Two identical countries raise their mutual tariff from 10% to 30%: by
/// symmetry both prices equal p, the one-source import index is p w, and the
/// equilibrium is the root of one equation, found here by bisection.
#[test]
fn symmetric_two_country_market() {
    let (sm, sd, eta, eps) = (4.0f64, 2.0f64, 1.0f64, 2.0f64);
    let sec = RefSector {
        code: "S".into(),
        sigma_m: sm,
        sigma_d: sd,
        eta,
        x0: vec![vec![80.0, 20.0], vec![20.0, 80.0]],
        t0: vec![vec![0.0, 0.1], vec![0.1, 0.0]],
        c0: zeros(2),
        eps: vec![eps, eps],
    };
    let mut pol = RefPolicy::baseline(&sec);
    pol.t1[0][1] = 0.3;
    pol.t1[1][0] = 0.3;
    let w = 1.3 / 1.1;
    let b = 80.0 / (80.0 + 1.1 * 20.0);
    let excess = |p: f64| {
        let pm = p * w;
        let pc = (b * p.powf(1.0 - sd) + (1.0 - b) * pm.powf(1.0 - sd)).powf(1.0 / (1.0 - sd));
        let q = pc.powf(-eta);
        let dom = 80.0 * (p / pc).powf(-sd) * q;
        let exp = 20.0 * (pm / pc).powf(-sd) * q; // (r/PM) = 1 with one source
        dom + exp - 100.0 * p.powf(eps)
    };
    let (mut lo, mut hi) = (0.5, 1.0);
    assert!(excess(lo) > 0.0 && excess(hi) < 0.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if excess(mid) > 0.0 {
            lo = mid
        } else {
            hi = mid
        }
    }
    let p = 0.5 * (lo + hi);
    let eq = solve(&sec, &pol, Treatment::Nested);
    assert_relative_eq!(eq.producer_prices[0], p, max_relative = 1e-12);
    assert_relative_eq!(eq.producer_prices[1], p, max_relative = 1e-12);
    assert!(eq.report.iterations > 0 && eq.report.iterations < 20);
    // welfare in closed form at the solved price
    let d = RefData {
        codes: vec!["H".into(), "F".into()],
        sectors: vec![sec.clone()],
    };
    let sc = RefScenario {
        name: "war".into(),
        changes: vec![tariff(0, 1, 0.3), tariff(1, 0, 0.3)],
        ..RefScenario::default()
    };
    let r = &lib_run(&d, &[sc], Treatment::Nested, false).unwrap()[0];
    let pc = eq.consumer_price_index[0];
    let x_imp = eq.flows.get(1, 0);
    let cs = -102.0 * pc.ln(); // eta = 1: the log form
    let ps = 100.0 * (p.powf(1.0 + eps) - 1.0) / (1.0 + eps);
    let tr = 0.3 * p * x_imp - 0.1 * 20.0;
    let h = &r.sectors[0].countries[0];
    assert_relative_eq!(h.consumer_surplus, cs, max_relative = 1e-11);
    assert_relative_eq!(h.producer_surplus, ps, max_relative = 1e-11);
    assert_relative_eq!(h.tariff_revenue, tr, max_relative = 1e-11);
    assert_relative_eq!(h.welfare, cs + ps + tr, max_relative = 1e-11);
    assert!(h.welfare < 0.0, "a symmetric tariff war hurts both");
}

/// A fixed 4-country market with a tariff change, elasticities set by the caller.
fn limit_market(sm: f64, sd: f64, eta: f64) -> (RefSector, RefPolicy) {
    let sec = RefSector {
        code: "S".into(),
        sigma_m: sm,
        sigma_d: sd,
        eta,
        x0: vec![
            vec![300.0, 40.0, 10.0, 0.0],
            vec![50.0, 500.0, 30.0, 20.0],
            vec![20.0, 60.0, 0.0, 35.0],
            vec![10.0, 0.0, 45.0, 250.0],
        ],
        t0: vec![
            vec![0.0, 0.1, 0.05, 0.0],
            vec![0.2, 0.0, 0.3, 0.1],
            vec![0.1, 0.0, 0.0, 0.2],
            vec![0.4, 0.0, 0.1, 0.0],
        ],
        c0: zeros(4),
        eps: vec![1.5, 3.0, f64::INFINITY, 0.7],
    };
    let mut pol = RefPolicy::baseline(&sec);
    pol.t1[1][0] = 0.0;
    pol.t1[3][0] = 0.8;
    pol.t1[2][1] = 0.25;
    pol.c1[0][3] = 0.05;
    (sec, pol)
}

/// The policy of [`limit_market`] as a scenario.
fn limit_scenario() -> RefScenario {
    let mut ntb = tariff(3, 0, 0.05);
    ntb.ntb = true;
    RefScenario {
        name: "x".into(),
        changes: vec![
            tariff(0, 1, 0.0),
            tariff(0, 3, 0.8),
            tariff(1, 2, 0.25),
            ntb,
        ],
        ..RefScenario::default()
    }
}

/// Every number the library reports for the limit market.
fn outcomes(sec: &RefSector) -> Vec<f64> {
    let d = RefData {
        codes: country_codes(sec.n()),
        sectors: vec![sec.clone()],
    };
    let r = &lib_run(&d, &[limit_scenario()], Treatment::Nested, false).unwrap()[0];
    let mut v = Vec::new();
    for c in &r.sectors[0].countries {
        v.push(c.producer_price);
        v.push(c.consumer_price_index);
        v.extend(lib_fields(c));
    }
    v.extend(r.sectors[0].flows.iter().map(|f| f.counterfactual));
    v
}

/// Results at an exact limit (sigma = 1, eta = 1) and just off it agree to ~1e-9,
/// and the limit itself agrees with the reference's geometric / log forms.
#[test]
fn cobb_douglas_and_unit_demand_limits_are_continuous() {
    for (name, f) in [
        (
            "sigma_m",
            (|x: f64| (x, 2.5, 0.8)) as fn(f64) -> (f64, f64, f64),
        ),
        ("sigma_d", |x| (4.0, x, 0.8)),
        ("eta", |x| (4.0, 2.5, x)),
        ("all three", |x| (x, x, x)),
    ] {
        let (sm, sd, eta) = f(1.0);
        let (sec, pol) = limit_market(sm, sd, eta);
        let at = outcomes(&sec);
        // against the reference's geometric / log forms at the limit
        let d = RefData {
            codes: country_codes(4),
            sectors: vec![sec.clone()],
        };
        let lib = &lib_run(&d, &[limit_scenario()], Treatment::Nested, false).unwrap()[0];
        let rf = run(&d, &[limit_scenario()], 0, Treatment::Nested);
        assert_eq!(rf.sectors[0].as_ref().unwrap().p.len(), 4);
        let _ = pol;
        compare_result(&d, lib, &rf, 1e-9, name);
        for delta in [1e-9, -1e-9, 1e-7] {
            let (sm, sd, eta) = f(1.0 + delta);
            let (sec, _) = limit_market(sm, sd, eta);
            let off = outcomes(&sec);
            for (k, (a, b)) in at.iter().zip(&off).enumerate() {
                // first-order change: |delta| times a derivative of order the value
                let tol = 50.0 * delta.abs() * a.abs().max(1.0);
                assert!(
                    (a - b).abs() <= tol,
                    "{name} at 1{delta:+e}: entry {k}: {a} vs {b}"
                );
            }
        }
    }
}

/// With no domestic sales anywhere, the nested model is GSIM's nonlinear import
/// market: sigma_d plays no role, it equals the as-import-source model, and
/// with fixed prices x = x0 (r/PM)^(-sigma_m) PM^(-eta).
#[test]
fn no_domestic_sales_is_the_import_market() {
    let inf = f64::INFINITY;
    let mk = |sd: f64, eps: f64| {
        let sec = RefSector {
            code: "S".into(),
            sigma_m: 5.0,
            sigma_d: sd,
            eta: 1.25,
            x0: vec![
                vec![0.0, 50.0, 200.0, 300.0],
                vec![500.0, 0.0, 150.0, 200.0],
                vec![300.0, 100.0, 0.0, 200.0],
                vec![50.0, 100.0, 110.0, 0.0],
            ],
            t0: vec![
                vec![0.0, 0.21, 0.41, 0.22],
                vec![0.37, 0.0, 0.31, 0.23],
                vec![0.32, 0.36, 0.0, 0.18],
                vec![0.57, 0.41, 0.25, 0.0],
            ],
            c0: zeros(4),
            eps: vec![eps; 4],
        };
        let mut pol = RefPolicy::baseline(&sec);
        pol.t1[2][0] = 0.0;
        pol.t1[0][2] = 0.0;
        (sec, pol)
    };
    // elastic supply: nested (any sigma_d) == as-import-source
    let (s1, p1) = mk(0.5, 1.5);
    let (s2, p2) = mk(7.0, 1.5);
    let a = solve(&s1, &p1, Treatment::Nested);
    let b = solve(&s2, &p2, Treatment::Nested);
    let c = solve(&s1, &p1, Treatment::AsImportSource);
    for k in 0..16 {
        assert_close(
            a.flows.as_slice()[k],
            b.flows.as_slice()[k],
            1e-12,
            1e-12,
            "sigma_d irrelevant",
        );
        assert_close(
            a.flows.as_slice()[k],
            c.flows.as_slice()[k],
            1e-12,
            1e-12,
            "same as one nest",
        );
    }
    for i in 0..4 {
        assert_close(
            a.producer_prices[i],
            c.producer_prices[i],
            1e-13,
            0.0,
            "prices",
        );
        assert_close(
            a.consumer_price_index[i],
            c.consumer_price_index[i],
            1e-13,
            0.0,
            "indices",
        );
    }
    // fixed prices: the closed form
    let (s3, p3) = mk(2.0, inf);
    let e = solve(&s3, &p3, Treatment::Nested);
    for j in 0..4 {
        let q0 = |i: usize| (1.0 + s3.t0[i][j]) * s3.x0[i][j];
        let tot: f64 = (0..4).map(q0).sum();
        let r = |i: usize| (1.0 + p3.t1[i][j]) / (1.0 + s3.t0[i][j]);
        let pm = (0..4)
            .filter(|&i| i != j)
            .map(|i| q0(i) / tot * r(i).powf(1.0 - 5.0))
            .sum::<f64>()
            .powf(1.0 / (1.0 - 5.0));
        assert_close(e.consumer_price_index[j], pm, 1e-13, 0.0, "PM");
        for i in (0..4).filter(|&i| i != j) {
            let x = s3.x0[i][j] * (r(i) / pm).powf(-5.0) * pm.powf(-1.25);
            assert_close(e.flows.get(i, j), x, 1e-12, 0.0, &format!("flow {i}->{j}"));
        }
    }
}

/// sigma_d = sigma_m collapses the two nests into one: the nested model then
/// equals the as-import-source model with the diagonal as one more source.
#[test]
fn equal_sigmas_collapse_to_one_nest() {
    for sigma in [0.6, 1.0, 3.0, 9.0] {
        let (sec, pol) = limit_market(sigma, sigma, 1.7);
        let a = solve(&sec, &pol, Treatment::Nested);
        let b = solve(&sec, &pol, Treatment::AsImportSource);
        for i in 0..4 {
            assert_close(
                a.producer_prices[i],
                b.producer_prices[i],
                1e-12,
                0.0,
                "prices",
            );
            assert_close(
                a.consumer_price_index[i],
                b.consumer_price_index[i],
                1e-12,
                0.0,
                "indices",
            );
        }
        for k in 0..16 {
            assert_close(
                a.flows.as_slice()[k],
                b.flows.as_slice()[k],
                1e-11,
                1e-12,
                &format!("sigma {sigma} flow {k}"),
            );
        }
    }
}

/// Under as-import-source the diagonal is a source like any other: it may be
/// taxed (named explicitly), and that revenue counts.
#[test]
fn diagonal_tariff_under_as_import_source_collects_revenue() {
    let inf = f64::INFINITY;
    let d = RefData {
        codes: vec!["H".into(), "A".into()],
        sectors: vec![RefSector {
            code: "S".into(),
            sigma_m: 4.0,
            sigma_d: 0.5, // unused under as-import-source
            eta: 0.5,
            x0: vec![vec![50.0, 0.0], vec![50.0, 80.0]],
            t0: vec![vec![0.1, 0.0], vec![0.1, 0.0]],
            c0: zeros(2),
            eps: vec![inf, inf],
        }],
    };
    let sc = RefScenario {
        name: "own".into(),
        changes: vec![tariff(0, 0, 0.3)],
        ..RefScenario::default()
    };
    let r = &lib_run(
        &d,
        std::slice::from_ref(&sc),
        Treatment::AsImportSource,
        false,
    )
    .unwrap()[0];
    let (s, eta) = (4.0f64, 0.5f64);
    let rh: f64 = 1.3 / 1.1;
    let pm = (0.5 * rh.powf(1.0 - s) + 0.5).powf(1.0 / (1.0 - s));
    let xhh = 50.0 * (rh / pm).powf(-s) * pm.powf(-eta);
    let xah = 50.0 * (1.0 / pm).powf(-s) * pm.powf(-eta);
    let h = &r.sectors[0].countries[0];
    assert_relative_eq!(h.tariff_revenue_baseline, 10.0, max_relative = 1e-14);
    assert_relative_eq!(
        h.tariff_revenue_counterfactual,
        0.3 * xhh + 0.1 * xah,
        max_relative = 1e-12
    );
    let cs = -110.0 * (pm.powf(1.0 - eta) - 1.0) / (1.0 - eta);
    assert_relative_eq!(h.consumer_surplus, cs, max_relative = 1e-12);
    assert_relative_eq!(
        h.welfare,
        cs + 0.3 * xhh + 0.1 * xah - 10.0,
        max_relative = 1e-12
    );
    // imports exclude the diagonal
    assert_relative_eq!(h.imports_counterfactual, xah, max_relative = 1e-12);
    // the same scenario is refused under the nested treatment (data and scenario)
    assert!(lib_run(&d, std::slice::from_ref(&sc), Treatment::Nested, false).is_err());
    let mut d2 = d.clone();
    d2.sectors[0].t0[0][0] = 0.0;
    assert!(lib_run(&d2, &[sc], Treatment::Nested, false).is_err());
}

#[test]
fn solver_defaults_are_pinned() {
    let c = SolverConfig::default();
    assert_eq!(c.method(), Method::Newton);
    assert_eq!(c.tol(), 1e-12);
    assert_eq!(c.max_iter(), 200);
    assert!(c.line_search());
    assert!(c.warm_start());
}

//! Continuation in the policy: what the solver does when Newton's method with
//! line search and Levenberg-Marquardt fails on the whole policy at once.
//!
//! ```text
//! policy(tau), tau in [0, 1]:  ln w(tau) = tau ln w            (every tariff and wedge change)
//!                              ln w(tau) = tau 40 / (sm - 1)   (a banned cell, until tau = 1)
//! tau = 0: the baseline, whose solution is ln p = 0
//! step:    tau' = min(1, tau + dtau), Newton from the secant through the last two
//!          solutions of the path, to CONTINUATION_STEP_TOL
//!          converged: tau = tau', dtau = 2 dtau      failed: dtau = dtau / 4
//! tau = 1: the target market itself, at the solver's tolerance
//! stop:    the max_iter budget is spent, dtau < CONTINUATION_MIN_STEP, or
//!          CONTINUATION_MAX_STEPS steps: ContinuationStalled
//! ```
//! A large policy change can move prices so far that Newton's method, started
//! at the baseline, wanders into a region where demand hardly depends on some
//! price (a country priced out of every market) and stalls. Small steps keep
//! each start inside the basin of the next solution. It runs only after the
//! direct search has failed, so a market that solves directly pays nothing
//! for it; it needs one clone of the prepared market, and no allocation per
//! step. Starting each step on the secant rather than at the last solution
//! halves the markets it leaves unsolved within the default budget.

use super::config::{ContinuationReport, SolverReport, Termination};
use super::newton::{self, RunSettings};
use super::prepared::{PreparedMarket, next_id};
use super::workspace::Workspace;
use crate::model::Elasticities;
use crate::tolerance::{
    BAN_PHASE_DEPTH, CONTINUATION_FIRST_STEP, CONTINUATION_MAX_STEPS, CONTINUATION_MIN_STEP,
    CONTINUATION_STEP_MAX_ITER, CONTINUATION_STEP_TOL,
};

/// Writes into `phased` (a clone of `pm`) the market with a share `tau` of
/// `pm`'s policy change phased in: bans become large wedges, nothing is banned.
fn phase_in(pm: &PreparedMarket, el: &Elasticities, tau: f64, phased: &mut PreparedMarket) {
    let ban_wedge = BAN_PHASE_DEPTH / (el.sigma_import - 1.0);
    for (k, w) in phased.log_wedge.iter_mut().enumerate() {
        *w = if pm.banned[k] && pm.import_weight[k] > 0.0 {
            tau * ban_wedge
        } else {
            tau * pm.log_wedge[k]
        };
    }
    phased.banned.iter_mut().for_each(|b| *b = false);
    phased.all_nest_banned.iter_mut().for_each(|b| *b = false);
    phased.all_sales_banned.iter_mut().for_each(|b| *b = false);
    phased.any_ban = false;
    // the workspace caches wedge constants by market id
    phased.id = next_id();
}

/// Continues in the policy after the direct search, run with `direct` and
/// described by `report`, failed; `ws.active` holds the active countries.
/// The steps use the direct search's method and line search; the whole
/// budget is `report.max_iter` and the last step's tolerance `direct.tol`. Updates `report`: on
/// success the termination is `Converged` and `ws` holds the solution of `pm`;
/// otherwise `ContinuationStalled`, with `ws` evaluated for `pm` at the last
/// point of the path. Either way `report.residual` is the measure of `pm` at
/// the prices left in `ws`.
pub(crate) fn solve(
    pm: &PreparedMarket,
    el: &Elasticities,
    supply: &[f64],
    direct: &RunSettings,
    ws: &mut Workspace,
    report: &mut SolverReport,
) {
    let mut cont = ContinuationReport {
        direct: report.termination,
        direct_iterations: report.iterations,
        steps: 0,
        retried: 0,
        reached: 0.0,
    };
    let step = RunSettings {
        tol: direct.tol.max(CONTINUATION_STEP_TOL),
        max_iter: CONTINUATION_STEP_MAX_ITER,
        ..*direct
    };
    let mut phased = pm.clone();
    // the path so far: its last point (tau) and the one before (tau_before)
    let (mut tau, mut tau_before) = (0.0, 0.0);
    let mut dtau = CONTINUATION_FIRST_STEP;
    ws.path_point.iter_mut().for_each(|v| *v = 0.0);
    ws.path_before.iter_mut().for_each(|v| *v = 0.0);
    let converged = loop {
        let left = report.max_iter.saturating_sub(report.iterations);
        if left == 0
            || cont.steps + cont.retried >= CONTINUATION_MAX_STEPS
            || dtau < CONTINUATION_MIN_STEP
        {
            break false;
        }
        let target = if 1.0 - tau <= dtau { 1.0 } else { tau + dtau };
        // start on the secant through the last two points of the path
        let slope = if tau > tau_before {
            (target - tau) / (tau - tau_before)
        } else {
            0.0
        };
        for ((start, &now), &before) in ws
            .log_prices
            .iter_mut()
            .zip(&ws.path_point)
            .zip(&ws.path_before)
        {
            *start = now + slope * (now - before);
        }
        let settings = RunSettings {
            max_iter: left.min(step.max_iter),
            tol: if target == 1.0 { direct.tol } else { step.tol },
            ..step
        };
        let run = if target == 1.0 {
            newton::iterate(pm, el, supply, &settings, ws)
        } else {
            phase_in(pm, el, target, &mut phased);
            newton::iterate(&phased, el, supply, &settings, ws)
        };
        report.iterations += run.iterations;
        if run.termination == Termination::Converged {
            cont.steps += 1;
            (tau_before, tau) = (tau, target);
            std::mem::swap(&mut ws.path_before, &mut ws.path_point);
            ws.path_point.copy_from_slice(&ws.log_prices);
            if target == 1.0 {
                report.residual = run.residual;
                break true;
            }
            dtau *= 2.0;
        } else {
            cont.retried += 1;
            dtau = (target - tau) / 4.0;
        }
    };
    cont.reached = tau;
    report.continuation = Some(cont);
    if converged {
        report.termination = Termination::Converged;
    } else {
        report.termination = Termination::ContinuationStalled;
        let mut lnp = std::mem::take(&mut ws.log_prices);
        lnp.copy_from_slice(&ws.path_point);
        pm.evaluate(el, supply, &lnp, ws, false);
        ws.log_prices = lnp;
        report.residual = newton::clearing_measure(ws);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::test_fixtures::{hard_market, measure_from_state};
    use crate::solver::{Method, SolverConfig};

    fn failed_direct(cfg: &SolverConfig) -> SolverReport {
        SolverReport {
            method: Method::Newton,
            tol: cfg.tol,
            max_iter: cfg.max_iter,
            iterations: 0,
            residual: f64::INFINITY,
            termination: Termination::LineSearchFailed,
            continuation: None,
        }
    }

    #[test]
    fn the_path_runs_from_the_baseline_to_the_policy_with_its_bans() {
        // the scenario bans C04's sales to C03, its largest market
        let (m, el, pm) = hard_market("loose-convergence");
        assert!(pm.any_ban);
        let n = m.n();
        let mut phased = pm.clone();
        let mut ws = Workspace::new(n);
        // tau = 0 is the baseline: prices 1 clear every market
        phase_in(&pm, &el, 0.0, &mut phased);
        phased.evaluate(&el, m.supply(), &vec![0.0; n], &mut ws, false);
        for i in 0..n {
            assert!((ws.residual()[i] / m.output(i)).abs() < 1e-14, "{i}");
        }
        // tau = 1 is the policy, a ban a weight of e^-40: the same flows to
        // the digits of every origin's sales
        let cfg = SolverConfig::default();
        pm.solve_in(&el, m.supply(), &cfg, &mut ws, "S0")
            .expect("converges");
        let lnp = ws.log_prices().to_vec();
        let flows = ws.flows().to_vec();
        phase_in(&pm, &el, 1.0, &mut phased);
        phased.evaluate(&el, m.supply(), &lnp, &mut ws, false);
        for i in 0..n {
            let row = i * n..(i + 1) * n;
            let total: f64 = flows[row.clone()].iter().sum();
            for (a, b) in flows[row.clone()].iter().zip(&ws.flows()[row]) {
                assert!((a - b).abs() <= 1e-15 * total, "{i}: {a:e} vs {b:e}");
            }
        }
    }

    #[test]
    fn the_path_ends_at_the_direct_solution() {
        let (m, el, pm) = hard_market("loose-convergence");
        let mut ws = Workspace::new(m.n());
        let cfg = SolverConfig::default();
        pm.solve_in(&el, m.supply(), &cfg, &mut ws, "S0")
            .expect("converges");
        let direct = ws.log_prices().to_vec();
        let mut ws = Workspace::new(m.n());
        newton::set_active(&pm, m.supply(), &mut ws);
        let mut report = failed_direct(&cfg);
        let settings = crate::solver::search::direct_settings(&cfg);
        solve(&pm, &el, m.supply(), &settings, &mut ws, &mut report);
        assert!(report.converged(), "{report}");
        let c = report.continuation.expect("reported");
        assert_eq!((c.reached, c.direct), (1.0, Termination::LineSearchFailed));
        assert_eq!(report.residual, measure_from_state(&m, &ws));
        for (a, b) in ws.log_prices().iter().zip(&direct) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn a_spent_budget_stalls_the_path_and_says_how_far_it_got() {
        let (m, el, pm) = hard_market("newton-gives-up");
        let mut ws = Workspace::new(m.n());
        // 50 steps for the direct search, 5 left for the path
        let cfg = SolverConfig::default().with_max_iter(55).expect("valid");
        let report = crate::solver::search::solve(&pm, &el, m.supply(), &cfg, &mut ws);
        assert_eq!(report.termination, Termination::ContinuationStalled);
        assert_eq!(report.iterations, 55);
        let c = report.continuation.expect("reported");
        assert_eq!(c.direct_iterations, 50);
        assert!(c.reached < 1.0, "{report}");
        // the residual is the target market's measure where the path stopped
        assert_eq!(report.residual, measure_from_state(&m, &ws));
        assert!(report.residual > cfg.tol());
        assert!(
            report.to_string().contains("ContinuationStalled"),
            "{report}"
        );
    }
}

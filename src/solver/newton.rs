//! The equilibrium search: Newton's method on log producer prices with the
//! analytic Jacobian and a backtracking line search, or a Jacobi iteration.
//!
//! ```text
//! active set A = { i : epsilon_i finite and X0_i > 0 }   (others: p_i = 1)
//! converged when  max_A |R_i| / X_i(p) < tol               (each market against its own supply)
//! J_AA d = -R_A (rows equilibrated), d capped at MAX_LOG_STEP = 1 per component
//! ln p_A <- ln p_A + lambda d,  lambda in {1, 1/2, 1/4, ...}
//! accept when f(ln p + lambda d) <= (1 - 2e-4 lambda) f(ln p),
//!   f = sum_A (R_i / s_i)^2,  s_i = max(X_i(p), D_i(p)) at the current iterate (fixed during the search)
//! no lambda descends: one Levenberg-Marquardt step on the same scaled residual
//!   (Js^T Js + mu diag(Js^T Js)) d = -Js^T r,  mu = 1e-4 .. 1e8,  rows scaled by 1/s_i
//! ```
//! The merit weighs each market by its own size at the iterate, near the
//! solution the supply the convergence measure divides by. Weighing by
//! baseline output instead hides a country whose supply has collapsed far
//! below it (a price fall with a large supply elasticity): its residual then
//! sits below the rounding noise of the large markets in `f`, no step can
//! improve it, and the search stalls short of the measure. Fixing the weights
//! at the iterate keeps the Newton direction a descent direction of the
//! function the line search compares.

use super::config::{Method, Termination};
use super::lu;
use super::prepared::PreparedMarket;
use super::workspace::Workspace;
use crate::model::Elasticities;
use crate::tolerance::MAX_LOG_STEP;

/// Largest number of step halvings in one line search (2^-40 ≈ 1e-12).
const MAX_HALVINGS: usize = 40;

/// How one Newton (or Jacobi) run is to go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunSettings {
    pub(crate) method: Method,
    pub(crate) line_search: bool,
    pub(crate) tol: f64,
    pub(crate) max_iter: usize,
}

/// How one run ended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunOutcome {
    pub(crate) iterations: usize,
    /// `max_A |R_i| / X_i(p)` at the last iterate.
    pub(crate) residual: f64,
    pub(crate) termination: Termination,
}

/// The active countries of `supply` in `ws.active`; the others' prices are
/// fixed at 1 in `ws.log_prices`.
pub(crate) fn set_active(pm: &PreparedMarket, supply: &[f64], ws: &mut Workspace) {
    ws.active.clear();
    for i in 0..pm.n {
        if supply[i].is_finite() && pm.output[i] > 0.0 {
            ws.active.push(i);
        } else {
            ws.log_prices[i] = 0.0;
        }
    }
}

/// The convergence measure of the last evaluation: `max_A |R_i| / X_i(p)`,
/// each active market's excess demand relative to its own current supply.
/// Infinite when a supply has underflowed to 0 or anything is not finite.
pub(crate) fn clearing_measure(ws: &Workspace) -> f64 {
    ws.active.iter().fold(0.0f64, |m, &i| {
        let r = (ws.residual[i] / ws.supply[i]).abs();
        if r.is_nan() { f64::INFINITY } else { m.max(r) }
    })
}

/// Fixes the merit's scales at the last evaluation: each active market's size
/// there, the larger of its supply and its demand (its baseline output where
/// that is not a positive number). Near the solution that is its supply, the
/// measure's scale; far from it `|R_i| / s_i <= 1`, so a market whose supply
/// has underflowed cannot overflow the merit.
fn fix_scales(pm: &PreparedMarket, ws: &mut Workspace) {
    for &i in &ws.active {
        let supply = ws.supply[i];
        let s = supply.max(supply + ws.residual[i]);
        ws.merit_scale[i] = if s.is_finite() && s > 0.0 {
            s
        } else {
            pm.output[i]
        };
    }
}

/// The line search's merit `sum_A (R_i / s_i)^2` at the last evaluation, and
/// the convergence measure there.
fn merit(ws: &Workspace) -> (f64, f64) {
    let mut sum = 0.0;
    for &i in &ws.active {
        let r = ws.residual[i] / ws.merit_scale[i];
        sum += r * r;
    }
    if sum.is_nan() {
        (f64::INFINITY, f64::INFINITY)
    } else {
        (sum, clearing_measure(ws))
    }
}

/// One Levenberg-Marquardt step from `lnp` (where `ws` holds the residual and
/// the Jacobian): `(Js^T Js + mu diag(Js^T Js)) d = -Js^T r` with rows scaled
/// by the merit's scales, for `mu = 1e-4, 1e-3, ..., 1e8`, accepting the first
/// step that lowers `f`. On success `lnp` moves and `ws` holds the new
/// evaluation; otherwise `ws` is evaluated at `lnp` again.
fn levenberg_marquardt(
    pm: &PreparedMarket,
    el: &Elasticities,
    supply: &[f64],
    lnp: &mut Vec<f64>,
    f: f64,
    ws: &mut Workspace,
) -> bool {
    let n = pm.n;
    let na = ws.active.len();
    // normal equations into ws.normal (na x na) and the gradient into ws.step (na)
    for (a, &ia) in ws.active.iter().enumerate() {
        for (b, &ib) in ws.active.iter().enumerate() {
            let mut v = 0.0;
            for &i in &ws.active {
                let w = 1.0 / (ws.merit_scale[i] * ws.merit_scale[i]);
                v += ws.jacobian[i * n + ia] * ws.jacobian[i * n + ib] * w;
            }
            ws.normal[a * na + b] = v;
        }
        let mut v = 0.0;
        for &i in &ws.active {
            v += ws.jacobian[i * n + ia] * ws.residual[i] / (ws.merit_scale[i] * ws.merit_scale[i]);
        }
        ws.step[a] = -v;
    }
    let mut mu = 1e-4;
    while mu <= 1e8 {
        for a in 0..na {
            for b in 0..na {
                ws.system[a * na + b] = ws.normal[a * na + b];
            }
            ws.system[a * na + a] += mu * ws.normal[a * na + a].max(f64::MIN_POSITIVE);
            ws.rhs[a] = ws.step[a];
        }
        if lu::solve_in_place(&mut ws.system, &mut ws.rhs, na) {
            let biggest = ws.rhs[..na].iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let cap = if biggest > MAX_LOG_STEP {
                MAX_LOG_STEP / biggest
            } else {
                1.0
            };
            ws.trial_log_prices.copy_from_slice(lnp);
            for (r, &i) in ws.active.iter().enumerate() {
                ws.trial_log_prices[i] = lnp[i] + cap * ws.rhs[r];
            }
            let trial = std::mem::take(&mut ws.trial_log_prices);
            pm.evaluate(el, supply, &trial, ws, false);
            ws.trial_log_prices = trial;
            let (f_new, _) = merit(ws);
            if f_new.is_finite() && f_new < f {
                std::mem::swap(lnp, &mut ws.trial_log_prices);
                return true;
            }
        }
        mu *= 10.0;
    }
    pm.evaluate(el, supply, lnp, ws, false);
    false
}

/// One Newton (or Jacobi) run from `ws.log_prices` over the active countries
/// already in `ws.active`. On return `ws` holds the evaluation at the last
/// iterate, whose measure is the outcome's `residual`.
pub(crate) fn iterate(
    pm: &PreparedMarket,
    el: &Elasticities,
    supply: &[f64],
    run: &RunSettings,
    ws: &mut Workspace,
) -> RunOutcome {
    let n = pm.n;
    let mut out = RunOutcome {
        iterations: 0,
        residual: f64::INFINITY,
        termination: Termination::MaxIterations,
    };
    let mut lnp = std::mem::take(&mut ws.log_prices);
    pm.evaluate(el, supply, &lnp, ws, false);
    fix_scales(pm, ws);
    let (mut f, mut measure) = merit(ws);
    if f.is_finite() && measure >= run.tol {
        pm.jacobian(el, supply, ws);
    }
    let na = ws.active.len();
    loop {
        if !f.is_finite() {
            out.termination = Termination::NonFinite;
            break;
        }
        if measure < run.tol {
            out.termination = Termination::Converged;
            break;
        }
        if out.iterations >= run.max_iter {
            out.termination = Termination::MaxIterations;
            break;
        }
        out.iterations += 1;
        // direction
        match run.method {
            Method::Newton => {
                // J_AA column-major, each row equilibrated (the direction is
                // unchanged): a country whose price overshot sells next to
                // nothing, and its row would otherwise look singular next to the
                // big markets' rows
                for (r, &i) in ws.active.iter().enumerate() {
                    let row = &ws.jacobian[i * n..(i + 1) * n];
                    let mut big = 0.0f64;
                    for &k in &ws.active {
                        let v = row[k].abs();
                        if v > big {
                            big = v;
                        }
                    }
                    let d = if big > 0.0 && big.is_finite() {
                        big
                    } else {
                        1.0
                    };
                    ws.row_scale[r] = 1.0 / d;
                    ws.rhs[r] = -ws.residual[i] / d;
                }
                // written column by column (contiguous writes, strided reads)
                for (c, &k) in ws.active.iter().enumerate() {
                    let column = &mut ws.system[c * na..(c + 1) * na];
                    for ((v, &i), &s) in column.iter_mut().zip(&ws.active).zip(&ws.row_scale) {
                        *v = ws.jacobian[i * n + k] * s;
                    }
                }
                if !lu::solve_in_place(&mut ws.system, &mut ws.rhs, na) {
                    out.termination = Termination::SingularJacobian;
                    break;
                }
            }
            Method::DiagonalNewton => {
                let mut bad = false;
                for (r, &i) in ws.active.iter().enumerate() {
                    let d = ws.jacobian[i * n + i];
                    if d == 0.0 || !d.is_finite() {
                        bad = true;
                    }
                    ws.rhs[r] = -ws.residual[i] / d;
                }
                if bad {
                    out.termination = Termination::SingularJacobian;
                    break;
                }
            }
        }
        let biggest = ws.rhs[..na].iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let cap = if biggest > MAX_LOG_STEP {
            MAX_LOG_STEP / biggest
        } else {
            1.0
        };
        for (r, s) in ws.step[..na].iter_mut().enumerate() {
            *s = ws.rhs[r] * cap;
        }
        // line search; the Jacobian is built only at an accepted point that has not converged
        let mut lambda = 1.0;
        let mut accepted = false;
        for _ in 0..=MAX_HALVINGS {
            ws.trial_log_prices.copy_from_slice(&lnp);
            for (r, &i) in ws.active.iter().enumerate() {
                ws.trial_log_prices[i] = lnp[i] + lambda * ws.step[r];
            }
            let trial = std::mem::take(&mut ws.trial_log_prices);
            pm.evaluate(el, supply, &trial, ws, false);
            ws.trial_log_prices = trial;
            let (f_new, measure_new) = merit(ws);
            let good = f_new.is_finite()
                && (!run.line_search
                    || f_new <= (1.0 - 2e-4 * lambda) * f
                    || measure_new < run.tol);
            if good {
                std::mem::swap(&mut lnp, &mut ws.trial_log_prices);
                accepted = true;
                break;
            }
            if !run.line_search {
                break;
            }
            lambda *= 0.5;
        }
        if !accepted && run.line_search && run.method == Method::Newton {
            // the Newton direction does not descend (far from the solution, or a
            // nearly singular Jacobian): Levenberg-Marquardt steps on the scaled
            // residual always do for a large enough damping
            accepted = levenberg_marquardt(pm, el, supply, &mut lnp, f, ws);
        }
        if !accepted {
            out.termination = if run.line_search {
                Termination::LineSearchFailed
            } else {
                Termination::NonFinite
            };
            pm.evaluate(el, supply, &lnp, ws, false);
            measure = clearing_measure(ws);
            break;
        }
        // a new iterate: the merit's scales move to its supplies
        fix_scales(pm, ws);
        (f, measure) = merit(ws);
        if f.is_finite() && measure >= run.tol {
            pm.jacobian(el, supply, ws);
        }
    }
    out.residual = measure;
    ws.log_prices = lnp;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::Workspace;
    use crate::solver::test_fixtures::{hard_market, measure_from_state};

    #[test]
    fn the_reported_residual_is_the_measure_that_decided() {
        let (m, el, pm) = hard_market("loose-convergence");
        let mut ws = Workspace::new(m.n());
        let cfg = crate::solver::SolverConfig::default();
        let report = crate::solver::search::solve(&pm, &el, m.supply(), &cfg, &mut ws);
        assert!(report.converged(), "{report}");
        assert_eq!(report.residual, measure_from_state(&m, &ws));
        assert!(report.residual < cfg.tol());
        // and where the search fails, the measure where it stopped
        let (m, el, pm) = hard_market("newton-gives-up");
        let mut ws = Workspace::new(m.n());
        let cfg = crate::solver::SolverConfig::default().with_continuation(false);
        let report = crate::solver::search::solve(&pm, &el, m.supply(), &cfg, &mut ws);
        assert_eq!(report.termination, Termination::MaxIterations);
        assert_eq!(report.residual, measure_from_state(&m, &ws));
    }
}

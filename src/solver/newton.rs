//! The equilibrium search: Newton's method on log producer prices with the
//! analytic Jacobian and a backtracking line search, or a Jacobi iteration.
//!
//! ```text
//! active set A = { i : epsilon_i finite and X0_i > 0 }   (others: p_i = 1)
//! J_AA d = -R_A (rows equilibrated), d capped at MAX_LOG_STEP = 1 per component
//! ln p_A <- ln p_A + lambda d,  lambda in {1, 1/2, 1/4, ...}
//! accept when f(ln p + lambda d) <= (1 - 2e-4 lambda) f(ln p),  f = sum_A (R_i/X0_i)^2
//! stop when max_A |R_i| / min(X0_i, X_i(p)) < tol   (at least as strict as |R_i| / X0_i),
//! or, when no step improves any more, max_A |R_i| / max(X0_i, X_i(p)) < tol
//! (the rounding floor where supply has grown far above X0)
//! no lambda descends: one Levenberg-Marquardt step
//!   (Js^T Js + mu diag(Js^T Js)) d = -Js^T r,  mu = 1e-4 .. 1e8,  rows scaled by 1/X0
//! ```

use super::config::{Method, SolverConfig, SolverReport, Termination};
use super::lu;
use super::prepared::PreparedMarket;
use super::workspace::Workspace;
use crate::model::Elasticities;
use crate::tolerance::MAX_LOG_STEP;

/// Largest number of step halvings in one line search (2^-40 ≈ 1e-12).
const MAX_HALVINGS: usize = 40;

fn merit(pm: &PreparedMarket, ws: &Workspace) -> (f64, f64) {
    let mut sum = 0.0;
    let mut max = 0.0f64;
    for &i in &ws.active {
        // convergence is judged relative to the smaller of baseline and
        // current supply: when a price falls far (X = X0 p^eps << X0), 1e-12 of
        // X0 would leave that country's flows with only a few correct digits;
        // the line search keeps the smooth X0 scaling
        let r = ws.residual[i] / pm.output[i];
        let scale = pm.output[i].min(ws.supply[i]);
        let strict = if scale > 0.0 {
            ws.residual[i] / scale
        } else {
            r
        };
        sum += r * r;
        max = max.max(strict.abs());
    }
    if sum.is_nan() {
        (f64::INFINITY, f64::INFINITY)
    } else {
        (sum, max)
    }
}

/// `max_A |R_i| / max(X0_i, X_i(p))`: the residual relative to the larger
/// market size, which rounding alone keeps above about 1e-16.
fn relative_to_larger(pm: &PreparedMarket, ws: &Workspace) -> f64 {
    ws.active.iter().fold(0.0f64, |m, &i| {
        m.max((ws.residual[i] / pm.output[i].max(ws.supply[i])).abs())
    })
}

/// One Levenberg-Marquardt step from `lnp` (where `ws` holds the residual and
/// the Jacobian): `(Js^T Js + mu diag(Js^T Js)) d = -Js^T r` with rows scaled
/// by `1/X0`, for `mu = 1e-4, 1e-3, ..., 1e8`, accepting the first step that
/// lowers `f`. On success `lnp` moves and `ws` holds the new evaluation.
fn levenberg_marquardt(
    pm: &PreparedMarket,
    el: &Elasticities,
    supply: &[f64],
    lnp: &mut Vec<f64>,
    f: f64,
    ws: &mut Workspace,
) -> Option<(f64, f64)> {
    let n = pm.n;
    let na = ws.active.len();
    // normal equations into ws.normal (na x na) and the gradient into ws.step (na)
    for (a, &ia) in ws.active.iter().enumerate() {
        for (b, &ib) in ws.active.iter().enumerate() {
            let mut v = 0.0;
            for &i in &ws.active {
                let w = 1.0 / (pm.output[i] * pm.output[i]);
                v += ws.jacobian[i * n + ia] * ws.jacobian[i * n + ib] * w;
            }
            ws.normal[a * na + b] = v;
        }
        let mut v = 0.0;
        for &i in &ws.active {
            v += ws.jacobian[i * n + ia] * ws.residual[i] / (pm.output[i] * pm.output[i]);
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
            let (f_new, fmax_new) = merit(pm, ws);
            if f_new.is_finite() && f_new < f {
                std::mem::swap(lnp, &mut ws.trial_log_prices);
                return Some((f_new, fmax_new));
            }
        }
        mu *= 10.0;
    }
    pm.evaluate(el, supply, lnp, ws, false);
    None
}

/// Solves the market for equilibrium log prices, starting from `ws.log_prices`
/// (zeros for a cold start). On return `ws` holds the flows and prices at the
/// last iterate. The report says whether it converged; the caller turns
/// non-convergence into an error.
pub(crate) fn solve(
    pm: &PreparedMarket,
    el: &Elasticities,
    supply: &[f64],
    cfg: &SolverConfig,
    ws: &mut Workspace,
) -> SolverReport {
    let n = pm.n;
    ws.active.clear();
    for i in 0..n {
        if supply[i].is_finite() && pm.output[i] > 0.0 {
            ws.active.push(i);
        } else {
            ws.log_prices[i] = 0.0;
        }
    }
    let mut report = SolverReport {
        method: cfg.method,
        tol: cfg.tol,
        max_iter: cfg.max_iter,
        iterations: 0,
        residual: f64::INFINITY,
        termination: Termination::MaxIterations,
    };
    let lnp = std::mem::take(&mut ws.log_prices);
    let mut lnp = lnp;
    pm.evaluate(el, supply, &lnp, ws, false);
    let (mut f, mut fmax) = merit(pm, ws);
    if f.is_finite() && fmax >= cfg.tol {
        pm.jacobian(el, supply, ws);
    }
    report.residual = fmax;
    let na = ws.active.len();
    loop {
        if !f.is_finite() {
            report.termination = Termination::NonFinite;
            break;
        }
        if fmax < cfg.tol {
            report.termination = Termination::Converged;
            break;
        }
        if report.iterations >= cfg.max_iter {
            report.termination = Termination::MaxIterations;
            break;
        }
        report.iterations += 1;
        // direction
        match cfg.method {
            Method::Newton => {
                for (r, &i) in ws.active.iter().enumerate() {
                    for (c, &k) in ws.active.iter().enumerate() {
                        ws.system[r * na + c] = ws.jacobian[i * n + k];
                    }
                    ws.rhs[r] = -ws.residual[i];
                    // equilibrate the row (the direction is unchanged): a country
                    // whose price overshot sells next to nothing, and its row would
                    // otherwise look singular next to the big markets' rows
                    let row = &mut ws.system[r * na..(r + 1) * na];
                    let big = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                    if big > 0.0 && big.is_finite() {
                        row.iter_mut().for_each(|v| *v /= big);
                        ws.rhs[r] /= big;
                    }
                }
                if !lu::solve_in_place(&mut ws.system, &mut ws.rhs, na) {
                    report.termination = Termination::SingularJacobian;
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
                    report.termination = Termination::SingularJacobian;
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
            let (f_new, fmax_new) = merit(pm, ws);
            let good = f_new.is_finite()
                && (!cfg.line_search || f_new <= (1.0 - 2e-4 * lambda) * f || fmax_new < cfg.tol);
            if good {
                std::mem::swap(&mut lnp, &mut ws.trial_log_prices);
                f = f_new;
                fmax = fmax_new;
                accepted = true;
                if fmax >= cfg.tol {
                    pm.jacobian(el, supply, ws);
                }
                break;
            }
            if !cfg.line_search {
                break;
            }
            lambda *= 0.5;
        }
        if !accepted && cfg.line_search && cfg.method == Method::Newton {
            // the Newton direction does not descend (far from the solution, or a
            // nearly singular Jacobian): Levenberg-Marquardt steps on the scaled
            // residual always do for a large enough damping
            if let Some((f_new, fmax_new)) = levenberg_marquardt(pm, el, supply, &mut lnp, f, ws) {
                f = f_new;
                fmax = fmax_new;
                accepted = true;
                if fmax >= cfg.tol {
                    pm.jacobian(el, supply, ws);
                }
            }
        }
        if !accepted {
            report.termination = if cfg.line_search {
                Termination::LineSearchFailed
            } else {
                Termination::NonFinite
            };
            pm.evaluate(el, supply, &lnp, ws, false);
            // stuck at the rounding floor: where supply has grown far above X0
            // (p^eps large) 1e-12 of X0 is below the digits of the flows
            let floor = relative_to_larger(pm, ws);
            if floor < cfg.tol {
                report.termination = Termination::Converged;
                fmax = floor;
            }
            break;
        }
        report.residual = fmax;
    }
    report.residual = fmax;
    ws.log_prices = lnp;
    report
}

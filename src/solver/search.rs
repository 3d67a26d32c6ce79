//! The search strategy of the exact solver: Newton (or Jacobi) directly from
//! the start, then, if that fails, a continuation in the policy from the
//! baseline within what is left of the iteration budget.
//!
//! ```text
//! direct:        newton::iterate from ws.log_prices, at most DIRECT_SEARCH_MAX_ITER steps
//! on failure:    continuation::solve (tau from 0 to 1), the rest of max_iter
//! ```

use super::config::{SolverConfig, SolverReport, Termination};
use super::continuation;
use super::newton::{RunSettings, iterate, set_active};
use super::prepared::PreparedMarket;
use super::workspace::Workspace;
use crate::model::Elasticities;
use crate::tolerance::DIRECT_SEARCH_MAX_ITER;

/// Solves the market for equilibrium log prices, starting from `ws.log_prices`
/// (zeros for a cold start); when that direct search fails, continues in the
/// policy from the baseline (unless the settings turn that off), within the
/// same budget of `max_iter` Newton steps. With the continuation on, the
/// direct search takes at most [`DIRECT_SEARCH_MAX_ITER`] of them. On return
/// `ws` holds the flows and prices at the last iterate. The report says
/// whether it converged; the caller turns non-convergence into an error.
pub(crate) fn solve(
    pm: &PreparedMarket,
    el: &Elasticities,
    supply: &[f64],
    cfg: &SolverConfig,
    ws: &mut Workspace,
) -> SolverReport {
    set_active(pm, supply, ws);
    let settings = direct_settings(cfg);
    let run = iterate(pm, el, supply, &settings, ws);
    let mut report = SolverReport {
        method: cfg.method,
        tol: cfg.tol,
        max_iter: cfg.max_iter,
        iterations: run.iterations,
        residual: run.residual,
        termination: run.termination,
        continuation: None,
    };
    // the continuation spends what is left of the iteration budget
    if run.termination != Termination::Converged
        && cfg.continuation
        && run.iterations < cfg.max_iter
    {
        continuation::solve(pm, el, supply, &settings, ws, &mut report);
    }
    report
}

/// The settings of the direct search: those of `cfg`, with at most
/// [`DIRECT_SEARCH_MAX_ITER`] steps when the continuation may follow.
pub(super) fn direct_settings(cfg: &SolverConfig) -> RunSettings {
    RunSettings {
        method: cfg.method,
        line_search: cfg.line_search,
        tol: cfg.tol,
        max_iter: if cfg.continuation {
            cfg.max_iter.min(DIRECT_SEARCH_MAX_ITER)
        } else {
            cfg.max_iter
        },
    }
}

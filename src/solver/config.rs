//! Solver settings and the report every result carries.

use serde::{Deserialize, Serialize};

pub use crate::diagnostics::{ContinuationReport, Method, SolverReport, Termination};
use crate::error::{Error, Result};
pub use crate::model::DomesticTreatment;
use crate::tolerance;

/// Settings of the exact solver, checked where they are set.
///
/// Build one from [`SolverConfig::default`] and the `with_*` setters; a setter
/// refuses a value the solver cannot honour (a tolerance that is not a small
/// positive number, an iteration cap of 0) with [`Error::Invalid`] at that
/// call, so an invalid setting never reaches a solve. Deserialising goes
/// through the same checks.
///
/// Defaults (pinned by a test): `method = Newton`, `tol = 1e-12`,
/// `max_iter = 200`, `line_search = true`, `warm_start = true`,
/// `continuation = true`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SolverConfigFields")]
#[non_exhaustive]
pub struct SolverConfig {
    pub(crate) method: Method,
    pub(crate) tol: f64,
    pub(crate) max_iter: usize,
    pub(crate) line_search: bool,
    pub(crate) warm_start: bool,
    pub(crate) continuation: bool,
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig {
            method: Method::Newton,
            tol: tolerance::SOLVER_TOL,
            max_iter: tolerance::SOLVER_MAX_ITER,
            line_search: true,
            warm_start: true,
            continuation: true,
        }
    }
}

impl SolverConfig {
    setters! {
        /// Sets the method (default [`Method::Newton`]).
        with_method(method: Method) -> method;
        /// Turns the backtracking line search on or off (default on; off: always
        /// take the full Newton step).
        with_line_search(on: bool) -> line_search;
        /// Turns warm starts on or off (default on): start repeated solves and
        /// Monte Carlo draws from the prices already in the workspace.
        with_warm_start(on: bool) -> warm_start;
        /// Turns the continuation in the policy on or off (default on). When the
        /// direct search fails, the policy change is phased in from the baseline
        /// in adaptive steps, each solved from the last, before the solve is
        /// reported as failed; a market the direct search solves never pays for it.
        /// Off, the direct search has the whole `max_iter` budget.
        with_continuation(on: bool) -> continuation;
    }

    /// Sets the convergence tolerance (default 1e-12): a solve converges when
    /// every market clears to `tol` of its own current supply,
    /// `max_i |R_i| / X_i(p) < tol` (the report's `residual`).
    ///
    /// # Errors
    /// [`Error::Invalid`] when `tol` is NaN, not positive, or above
    /// [`SOLVER_TOL_MAX`](tolerance::SOLVER_TOL_MAX) (a looser "equilibrium"
    /// leaves markets visibly uncleared).
    pub fn with_tol(mut self, tol: f64) -> Result<Self> {
        if !(tol > 0.0 && tol <= tolerance::SOLVER_TOL_MAX) {
            return Err(Error::invalid(
                "solver tolerance",
                format!(
                    "must be a number in (0, {:e}], got {tol}",
                    tolerance::SOLVER_TOL_MAX
                ),
            ));
        }
        self.tol = tol;
        Ok(self)
    }

    /// Sets the budget of Newton steps of one solve (default 200): the direct
    /// search and the continuation in the policy together. With the
    /// continuation on, the direct search takes at most
    /// [`DIRECT_SEARCH_MAX_ITER`](tolerance::DIRECT_SEARCH_MAX_ITER) of them
    /// and the continuation the rest. Running out is an error, never a silent
    /// result.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `max_iter` is 0.
    pub fn with_max_iter(mut self, max_iter: usize) -> Result<Self> {
        if max_iter == 0 {
            return Err(Error::invalid(
                "solver iteration cap",
                "must be at least 1, got 0",
            ));
        }
        self.max_iter = max_iter;
        Ok(self)
    }

    /// Search method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Convergence tolerance on `max_i |R_i| / X_i(p)`.
    pub fn tol(&self) -> f64 {
        self.tol
    }

    /// Budget of Newton steps of one solve.
    pub fn max_iter(&self) -> usize {
        self.max_iter
    }

    /// Whether the backtracking line search is on.
    pub fn line_search(&self) -> bool {
        self.line_search
    }

    /// Whether solves start from the prices already in the workspace.
    pub fn warm_start(&self) -> bool {
        self.warm_start
    }

    /// Whether a failed direct search is followed by continuation in the policy.
    pub fn continuation(&self) -> bool {
        self.continuation
    }
}

/// The serialised form of [`SolverConfig`], checked by the setters on the way in.
#[derive(Deserialize)]
struct SolverConfigFields {
    method: Method,
    tol: f64,
    max_iter: usize,
    line_search: bool,
    warm_start: bool,
    #[serde(default = "on")]
    continuation: bool,
}

fn on() -> bool {
    true
}

impl TryFrom<SolverConfigFields> for SolverConfig {
    type Error = Error;

    fn try_from(f: SolverConfigFields) -> Result<Self> {
        Ok(SolverConfig::default()
            .with_method(f.method)
            .with_tol(f.tol)?
            .with_max_iter(f.max_iter)?
            .with_line_search(f.line_search)
            .with_warm_start(f.warm_start)
            .with_continuation(f.continuation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(r: Result<SolverConfig>, what: &str) {
        match r {
            Err(Error::Invalid { what: w, .. }) => assert_eq!(w, what),
            other => panic!("expected Invalid({what}), got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_pinned() {
        // every field, by name, as it serialises
        let text = serde_json::to_string(&SolverConfig::default()).expect("serialises");
        assert_eq!(
            text,
            r#"{"method":"newton","tol":1e-12,"max_iter":200,"line_search":true,"warm_start":true,"continuation":true}"#
        );
    }

    #[test]
    fn a_tolerance_is_a_small_positive_number() {
        let c = SolverConfig::default();
        for bad in [
            f64::NAN,
            -1.0,
            0.0,
            -0.0,
            f64::INFINITY,
            1.0,
            tolerance::SOLVER_TOL_MAX * 1.0001,
        ] {
            refused(c.with_tol(bad), "solver tolerance");
        }
        for good in [1e-15, 1e-8, tolerance::SOLVER_TOL_MAX] {
            assert_eq!(c.with_tol(good).expect("accepted").tol(), good);
        }
    }

    #[test]
    fn an_iteration_cap_of_zero_is_refused() {
        let c = SolverConfig::default();
        refused(c.with_max_iter(0), "solver iteration cap");
        assert_eq!(c.with_max_iter(1).expect("accepted").max_iter(), 1);
    }

    #[test]
    fn infallible_setters_set() {
        let c = SolverConfig::default()
            .with_method(Method::DiagonalNewton)
            .with_line_search(false)
            .with_warm_start(false)
            .with_continuation(false);
        assert_eq!(c.method(), Method::DiagonalNewton);
        assert!(!c.line_search() && !c.warm_start() && !c.continuation());
    }

    #[test]
    fn deserialising_checks_like_the_setters() {
        let c = SolverConfig::default().with_tol(1e-9).expect("accepted");
        let text = serde_json::to_string(&c).expect("serialises");
        let back: SolverConfig = serde_json::from_str(&text).expect("round trip");
        assert_eq!(back, c);
        // written before `continuation` existed: it defaults to on
        let old = r#"{"method":"newton","tol":1e-12,"max_iter":200,"line_search":true,"warm_start":true}"#;
        let old: SolverConfig = serde_json::from_str(old).expect("old form");
        assert_eq!(old, SolverConfig::default());
        for bad in [
            r#"{"method":"newton","tol":-1.0,"max_iter":200,"line_search":true,"warm_start":true}"#,
            r#"{"method":"newton","tol":1.0,"max_iter":200,"line_search":true,"warm_start":true}"#,
            r#"{"method":"newton","tol":1e-12,"max_iter":0,"line_search":true,"warm_start":true}"#,
        ] {
            assert!(serde_json::from_str::<SolverConfig>(bad).is_err(), "{bad}");
        }
    }
}

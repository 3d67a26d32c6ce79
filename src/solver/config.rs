//! Solver settings and the report every result carries.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::model::DomesticTreatment;
use crate::tolerance;

/// How the exact model's equilibrium is searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Newton's method on log prices with the analytic Jacobian (SPEC §2). Default.
    #[default]
    Newton,
    /// Jacobi iteration: each price moves by its own residual over the Jacobian's
    /// diagonal. Linear convergence; kept as a robust, cheap comparison.
    DiagonalNewton,
}

impl Method {
    /// Parses `newton` or `diagonal-newton`.
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "newton" => Some(Method::Newton),
            "diagonal-newton" | "jacobi" => Some(Method::DiagonalNewton),
            _ => None,
        }
    }

    /// The name [`Method::parse`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            Method::Newton => "newton",
            Method::DiagonalNewton => "diagonal-newton",
        }
    }
}

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
    /// Sets the method (default [`Method::Newton`]).
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
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

    /// Turns the backtracking line search on or off (default on; off: always
    /// take the full Newton step).
    pub fn with_line_search(mut self, on: bool) -> Self {
        self.line_search = on;
        self
    }

    /// Turns warm starts on or off (default on): start repeated solves and
    /// Monte Carlo draws from the prices already in the workspace.
    pub fn with_warm_start(mut self, on: bool) -> Self {
        self.warm_start = on;
        self
    }

    /// Turns the continuation in the policy on or off (default on). When the
    /// direct search fails, the policy change is phased in from the baseline
    /// in adaptive steps, each solved from the last, before the solve is
    /// reported as failed; a market the direct search solves never pays for it.
    /// Off, the direct search has the whole `max_iter` budget.
    pub fn with_continuation(mut self, on: bool) -> Self {
        self.continuation = on;
        self
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

/// Why the solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Termination {
    /// The residual fell below the tolerance (directly, or at the end of a
    /// continuation in the policy: see [`SolverReport::continuation`]).
    Converged,
    /// The iteration cap was reached.
    MaxIterations,
    /// No step along the Newton direction reduced the residual.
    LineSearchFailed,
    /// The Jacobian could not be factorised.
    SingularJacobian,
    /// A price or flow became infinite or NaN.
    NonFinite,
    /// The direct search failed, and so did the continuation in the policy:
    /// no equilibrium was found along the path from the baseline. Its step
    /// shrank below the smallest allowed, or the `max_iter` budget ran out,
    /// before the whole policy change was phased in
    /// ([`ContinuationReport::reached`] says how far it got).
    ContinuationStalled,
}

/// What the continuation in the policy did after the direct search failed.
///
/// ```text
/// policy(tau): every price wedge ln w phased in as tau ln w (a ban as a wedge
///              driving r^(1-sigma_m) down to e^-40), tau = 0 the baseline (ln p = 0)
/// each step:   Newton from the secant through the last two solutions;
///              converged: tau moves on and the step doubles;
///              failed: the step is retried at a quarter of its size
/// tau = 1:     the target policy itself, solved to the solver's tolerance
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContinuationReport {
    /// Why the direct search (the whole policy at once) stopped.
    pub direct: Termination,
    /// Newton steps of the direct search (included in [`SolverReport::iterations`]).
    pub direct_iterations: usize,
    /// Continuation steps that converged; the last one solves the target
    /// policy when `reached` is 1.
    pub steps: usize,
    /// Steps that failed and were retried at a quarter of their size.
    pub retried: usize,
    /// Share of the policy change phased in at the last converged step, in `[0, 1]`.
    pub reached: f64,
}

/// What the solver did: settings, iterations, final residual and why it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SolverReport {
    /// Method used.
    pub method: Method,
    /// Tolerance asked for.
    pub tol: f64,
    /// Iteration cap.
    pub max_iter: usize,
    /// Newton (or Jacobi) steps taken, over the direct search and every
    /// continuation step (at most `max_iter`).
    pub iterations: usize,
    /// `max_i |R_i| / X_i(p)`: every market's excess demand relative to its
    /// own current supply `X_i(p) = X0_i p_i^eps_i`, over the countries whose
    /// price is solved for, at the returned prices. This is exactly the
    /// measure that decided convergence (`residual < tol`), never another.
    /// After a failure it is the measure of the target market where the
    /// search stopped: the last iterate of the direct search, or the last
    /// point of a stalled continuation.
    pub residual: f64,
    /// Why it stopped.
    pub termination: Termination,
    /// The continuation in the policy, when the direct search failed and it ran.
    #[serde(default)]
    pub continuation: Option<ContinuationReport>,
}

impl SolverReport {
    /// True when the solver converged.
    pub fn converged(&self) -> bool {
        self.termination == Termination::Converged
    }
}

impl fmt::Display for SolverReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} after {} iterations ({}, tol {:e}, max_iter {}), residual {:e}",
            self.termination,
            self.iterations,
            self.method.name(),
            self.tol,
            self.max_iter,
            self.residual
        )?;
        if let Some(c) = &self.continuation {
            write!(
                f,
                "; the direct search stopped ({:?}) after {} iterations, the continuation in the \
                 policy took {} steps ({} retried smaller) and reached {}% of the policy change",
                c.direct,
                c.direct_iterations,
                c.steps,
                c.retried,
                (c.reached * 1000.0).floor() / 10.0
            )?;
        }
        Ok(())
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

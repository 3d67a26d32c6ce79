//! What a solve did and how it searched: the method, why it stopped, the
//! continuation record and the report every result carries. They sit below
//! every other module so that errors can carry a report without depending on
//! the solver.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How the exact model's equilibrium is searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Newton's method on log prices with the analytic Jacobian. Default.
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

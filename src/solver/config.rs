//! Solver settings and the report every result carries.

use std::fmt;

use serde::{Deserialize, Serialize};

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

/// Settings of the exact solver.
///
/// Defaults (pinned by a test): `method = Newton`, `tol = 1e-12`,
/// `max_iter = 200`, `line_search = true`, `warm_start = true`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SolverConfig {
    /// Search method.
    pub method: Method,
    /// Convergence when `max_i |R_i| / min(X0_i, X_i(p)) < tol` (so also
    /// `max_i |R_i| / X0_i < tol`, and digits are kept where supply has shrunk).
    pub tol: f64,
    /// Iteration cap; reaching it is an error, never a silent result.
    pub max_iter: usize,
    /// Backtracking line search on the scaled residual (`false`: always take the full step).
    pub line_search: bool,
    /// Start Monte Carlo draws and repeated solves from the previous solution.
    pub warm_start: bool,
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig {
            method: Method::Newton,
            tol: tolerance::SOLVER_TOL,
            max_iter: tolerance::SOLVER_MAX_ITER,
            line_search: true,
            warm_start: true,
        }
    }
}

impl SolverConfig {
    /// Sets the method.
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }
    /// Sets the tolerance (default 1e-12).
    pub fn with_tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Sets the iteration cap (default 200).
    pub fn with_max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }
    /// Turns the line search on or off (default on).
    pub fn with_line_search(mut self, on: bool) -> Self {
        self.line_search = on;
        self
    }
    /// Turns warm starts on or off (default on).
    pub fn with_warm_start(mut self, on: bool) -> Self {
        self.warm_start = on;
        self
    }
}

/// Why the solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Termination {
    /// The residual fell below the tolerance.
    Converged,
    /// The iteration cap was reached.
    MaxIterations,
    /// No step along the Newton direction reduced the residual.
    LineSearchFailed,
    /// The Jacobian could not be factorised.
    SingularJacobian,
    /// A price or flow became infinite or NaN.
    NonFinite,
}

/// What the solver did: settings, iterations, final residual and why it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SolverReport {
    /// Method used.
    pub method: Method,
    /// Tolerance asked for.
    pub tol: f64,
    /// Iteration cap.
    pub max_iter: usize,
    /// Newton (or Jacobi) steps taken.
    pub iterations: usize,
    /// Final `max_i |R_i| / X0_i`.
    pub residual: f64,
    /// Why it stopped.
    pub termination: Termination,
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
        )
    }
}

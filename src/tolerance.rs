//! Named tolerances, each with the reason for its value.

/// Default convergence tolerance of the exact solver on `max_i |R_i| / X_i(p)`,
/// each market's excess demand relative to its own current supply.
/// Newton converges quadratically: its last step typically takes the residual
/// from about 1e-7 to 1e-16, so 1e-12 costs no more steps than 1e-8 in
/// practice (`examples/solver_tuning.rs`) and leaves results stable to about
/// 12 significant digits.
pub const SOLVER_TOL: f64 = 1e-12;

/// Largest tolerance a solver setting accepts. The measure is how far each
/// market is from clearing, relative to its own supply: at `1e-4` a reported
/// equilibrium may still leave 0.01% of a country's supply unsold, which
/// already shows in the fourth digit of flows and welfare; looser values
/// accept points that are no equilibrium at all (with `tol = 1` the baseline
/// itself passes after 0 iterations, 21% off the solution). Trading digits for
/// speed is still possible below it: `1e-6` saves one Newton step.
pub const SOLVER_TOL_MAX: f64 = 1e-4;

/// Default iteration cap of the exact solver. Newton with line search needs
/// fewer than 20 steps on every market we have seen; 200 leaves room for the
/// damped phase on extreme tariffs.
pub const SOLVER_MAX_ITER: usize = 200;

/// Revenue-sharing shares must sum to one within this.
pub const SHARES_SUM: f64 = 1e-9;

/// Largest Newton step in log prices (a factor of e ≈ 2.7 in price). A
/// larger cap let a first step price a country's good out of its markets,
/// into a region where the residual no longer depends on its price and the
/// line search stalls (`tests/properties.rs`, `stalled_line_search`); steps of
/// ordinary scenarios are far smaller, so the cap costs them nothing.
pub const MAX_LOG_STEP: f64 = 1.0;

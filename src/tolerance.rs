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

/// Default budget of Newton steps of one exact solve, the direct search and
/// the continuation in the policy together. Newton with line search needs
/// fewer than 20 steps on ordinary markets; a stretched market the direct
/// search fails on (it stops after [`DIRECT_SEARCH_MAX_ITER`]) is typically
/// solved by the continuation in 20 to 100 more.
pub const SOLVER_MAX_ITER: usize = 200;

/// Revenue-sharing shares must sum to one within this.
pub const SHARES_SUM: f64 = 1e-9;

/// Largest Newton step in log prices (a factor of e ≈ 2.7 in price). A
/// larger cap let a first step price a country's good out of its markets,
/// into a region where the residual no longer depends on its price and the
/// line search stalls (`tests/properties.rs`, `stalled_line_search`); steps of
/// ordinary scenarios are far smaller, so the cap costs them nothing.
pub const MAX_LOG_STEP: f64 = 1.0;

/// Newton steps the direct search may take before the continuation in the
/// policy takes over (when it is on; never more than `max_iter`). In a sweep
/// of 9,000 stretched random markets about 99% of the markets the direct
/// search solved took fewer; one that needs more is solved in fewer steps by
/// the continuation, which spends the rest of the `max_iter` budget.
pub const DIRECT_SEARCH_MAX_ITER: usize = 50;

/// First step of the continuation in the policy, as a share of the policy
/// change. Steps double after each converged step and shrink fourfold after a
/// failed one, so 1/16 reaches the target in five steps where the path is
/// easy and still starts small where it is not.
pub const CONTINUATION_FIRST_STEP: f64 = 1.0 / 16.0;

/// Smallest continuation step, as a share of the policy change. Below 2^-20
/// (about 1e-6 of the change) the path has a turning point or no solution,
/// and smaller steps would not pass it.
pub const CONTINUATION_MIN_STEP: f64 = 1.0 / 1_048_576.0;

/// Largest number of continuation steps, converged and retried together. The
/// `max_iter` budget bounds the Newton steps; this bounds the steps that
/// converge at once (a stretch of the path where the policy barely moves prices).
pub const CONTINUATION_MAX_STEPS: usize = 400;

/// Tolerance of the intermediate continuation steps on `max_i |R_i| / X_i(p)`.
/// Their solutions only start the next step, so a few digits less cost
/// nothing; the last step, the target policy itself, uses the solver's own
/// tolerance.
pub const CONTINUATION_STEP_TOL: f64 = 1e-8;

/// Iteration cap of one continuation step. A step started from the path's
/// secant converges in a few Newton steps; one that needs more than this is
/// better retried smaller.
pub const CONTINUATION_STEP_MAX_ITER: usize = 30;

/// How far the continuation drives a banned cell before the ban itself: the
/// cell's CES weight `r^(1-sigma_m)` falls as `e^(-BAN_PHASE_DEPTH tau)`, to
/// 4e-18 of its baseline at `tau = 1`, below any digit of the sums it is in.
pub const BAN_PHASE_DEPTH: f64 = 40.0;

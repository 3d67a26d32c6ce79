//! Units, rounding and numerical tolerances: not data, but fixed choices of
//! how figures are read, fitted and written.

/// Convergence of the RAS fit: largest relative error of a sector margin.
pub const RAS_TOLERANCE: f64 = 1e-12;
/// Iteration cap of the RAS fit (it converges in a few dozen).
pub const RAS_MAX_ITER: usize = 10_000;

/// US$ per US$ million (WDI GDP is in US$).
pub const USD_PER_MILLION: f64 = 1e6;
/// US$ thousand per US$ million (BNS and WITS values are in US$ thousand).
pub const THOUSAND_PER_MILLION: f64 = 1e3;
/// Accepted gap between the BNS chapter sum and its published TOTAL row, as a
/// share of the total plus an absolute US$ thousand (README: rounding of 0.4
/// thousand a month).
pub const BNS_TOTAL_TOLERANCE: (f64, f64) = (1e-6, 10.0);
/// Relative tolerance for identities that hold up to rounding of the inputs
/// (RAS margins that must agree, GTAP ESUBM = 2 ESUBD, shares summing to 1).
pub const IDENTITY_TOLERANCE: f64 = 1e-9;
/// Determinant below which the calibration's 2x2 system counts as singular.
pub const SINGULAR_TOLERANCE: f64 = 1e-15;
/// Largest factor by which the calibration may move a prior (either way);
/// beyond it the prior, not the calibration, needs revising.
pub const CALIBRATION_MAX_FACTOR: f64 = 2.0;

/// Decimals of every written rate (0.0001 = 0.01 percentage point).
pub const RATE_DECIMALS: i32 = 4;
/// Decimals of every written flow (US$ thousand).
pub const FLOW_DECIMALS: i32 = 3;
/// Decimals of every written GDP (US$ 100,000).
pub const GDP_DECIMALS: i32 = 1;
/// Decimals of every written duty collection share.
pub const COLLECTION_DECIMALS: i32 = 4;

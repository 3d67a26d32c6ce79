//! The ranges that input values must lie in, each with its reason. Loaders,
//! scenario compilation and `validate` check them, so that the solver never
//! sees a value it cannot work with.

/// A tariff, NTB or export-tax rate above this (1 = 100%) is allowed but
/// warned about: the usual slip is 15 typed for 0.15.
pub const RATE_WARN: f64 = 1.0;

/// A rate above this (10,000%) is an error: no border measure is that high,
/// and rates near the largest float make every average overflow.
pub const RATE_MAX: f64 = 100.0;

/// Largest substitution or demand elasticity accepted. Published Armington
/// elasticities stay below about 50; beyond 1,000 the CES powers of price
/// changes overflow double precision for ordinary tariff changes.
pub const ELASTICITY_MAX: f64 = 1000.0;

/// Largest finite supply elasticity accepted (use `inf` for a price taker):
/// beyond it supply responses overflow for ordinary price changes.
pub const SUPPLY_ELASTICITY_MAX: f64 = 1e12;

/// Largest baseline flow accepted (in the data's units): sums of flows and
/// their squares must stay far from overflow.
pub const FLOW_MAX: f64 = 1e15;

/// The warning for a rate above [`RATE_WARN`], or the error message for one
/// above [`RATE_MAX`] (`Err`).
pub(crate) fn check_rate(v: f64) -> Result<Option<String>, String> {
    if v > RATE_MAX {
        Err(format!(
            "{v} is a rate of {:.0}%, above the largest accepted ({RATE_MAX} = {:.0}%); rates are fractions (0.15 = 15%)",
            v * 100.0,
            RATE_MAX * 100.0
        ))
    } else if v > RATE_WARN {
        Ok(Some(format!(
            "a rate of {v} is {:.0}%: rates are fractions (0.15 = 15%); check that this is meant",
            v * 100.0
        )))
    } else {
        Ok(None)
    }
}

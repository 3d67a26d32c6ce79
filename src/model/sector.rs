//! Sectors and their demand elasticities.

use serde::{Deserialize, Serialize};

use super::limits::{ELASTICITY_MAX, SUPPLY_ELASTICITY_MAX};
use crate::error::{Error, Result};

/// Demand-side elasticities of one sector, all positive numbers.
///
/// | field | symbol | meaning |
/// |---|---|---|
/// | `sigma_import` | `sigma_m` | substitution among import sources |
/// | `sigma_domestic` | `sigma_d` | substitution between the domestic good and the import composite |
/// | `demand` | `eta` | aggregate (sector) demand elasticity, `Q = P^(-eta)` |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Elasticities {
    /// `sigma_m` > 0.
    pub sigma_import: f64,
    /// `sigma_d` > 0.
    pub sigma_domestic: f64,
    /// `eta` >= 0.
    pub demand: f64,
}

checked_serde!(
    Elasticities,
    "Reads elasticities and checks their ranges.",
    |raw| raw.validate().map(|()| raw)
);

impl Elasticities {
    /// Elasticities `sigma_m`, `sigma_d`, `eta`, validated.
    ///
    /// # Errors
    /// [`Error::Invalid`] when a sigma is not finite and > 0, or eta not finite and >= 0.
    pub fn new(sigma_import: f64, sigma_domestic: f64, demand: f64) -> Result<Self> {
        let e = Elasticities {
            sigma_import,
            sigma_domestic,
            demand,
        };
        e.validate()?;
        Ok(e)
    }

    /// Checks the ranges of [`Elasticities::new`].
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the parameter out of range.
    pub fn validate(&self) -> Result<()> {
        check_sigma("sigma_m", self.sigma_import)?;
        check_sigma("sigma_d", self.sigma_domestic)?;
        if !(self.demand.is_finite() && self.demand >= 0.0) {
            return Err(Error::invalid(
                "eta",
                format!("must be finite and >= 0, got {}", self.demand),
            ));
        }
        if self.demand > ELASTICITY_MAX {
            return Err(Error::invalid(
                "eta",
                format!("must be at most {ELASTICITY_MAX}, got {}", self.demand),
            ));
        }
        Ok(())
    }
}

fn check_sigma(name: &str, v: f64) -> Result<()> {
    if v.is_finite() && v > 0.0 && v <= ELASTICITY_MAX {
        Ok(())
    } else {
        Err(Error::invalid(
            name,
            format!("must be finite, > 0 and at most {ELASTICITY_MAX}, got {v}"),
        ))
    }
}

/// Checks a supply elasticity: finite and >= 0, or `+inf` (price taker).
///
/// # Errors
/// [`Error::Invalid`] otherwise.
pub fn check_supply(v: f64) -> Result<()> {
    if v >= 0.0 && (v <= SUPPLY_ELASTICITY_MAX || v == f64::INFINITY) {
        Ok(())
    } else {
        Err(Error::invalid(
            "epsilon",
            format!("must be >= 0 and at most {SUPPLY_ELASTICITY_MAX}, or inf, got {v}"),
        ))
    }
}

/// A sector: code, name and demand elasticities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sector {
    /// Short code, unique in the dataset (e.g. `AGF`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Demand elasticities.
    pub elasticities: Elasticities,
    /// Default supply elasticity of every country in this sector (`+inf` allowed);
    /// per-country values live in the sector's [`Market`](crate::Market).
    #[serde(with = "super::serde_inf::one")]
    pub supply_default: f64,
}

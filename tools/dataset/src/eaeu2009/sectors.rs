//! Sectors and supply of 2009: GTAP-based sigmas (checked against the raw
//! GTAP values), the demand elasticity, and the supply-elasticity pattern.

use std::fmt::Write as _;
use std::path::Path;

use crate::calibration::mean;
use crate::error::{Error, Result};
use crate::figures::{
    EPSILON_LARGE, ETA, IDENTITY_TOLERANCE, LARGE_SUPPLIERS, PRICE_TAKERS, REGIONS_2009,
    SECTOR_DEFS, SIGMAS, epsilon_default,
};
use crate::sourced::{SectorRow, SupplyRow};
use crate::sources::read_gtap;

/// GTAP cross-check: for each sector, the range and simple mean of the member
/// sectors' ESUBD, and whether ESUBM = 2 ESUBD everywhere.
///
/// # Errors
/// When the raw file fails, or a sigma lies outside its GTAP members' range
/// or breaks sigma_m = 2 sigma_d.
pub fn gtap_check(raw: &Path, text: &mut String) -> Result<()> {
    let gtap = read_gtap(raw)?;
    let _ = writeln!(
        text,
        "Elasticities (D, docs/sources.md#armington-elasticities-gtap) against the raw GTAP ESUBD values; ESUBM = 2 ESUBD in every GTAP sector: {}",
        gtap.rule_of_two
    );
    let _ = writeln!(
        text,
        "  sector  sigma_d  sigma_m   GTAP members' ESUBD: min  mean   max"
    );
    for (code, sd, sm, members) in SIGMAS {
        let vals: Vec<f64> = members
            .split_whitespace()
            .map(|m| gtap.esubd(m))
            .collect::<Result<_>>()?;
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if sd < lo || sd > hi || (sm - 2.0 * sd).abs() > IDENTITY_TOLERANCE * sm {
            return Err(Error::Check(format!(
                "sigma of {code} ({sd}, {sm}) outside the GTAP members' range"
            )));
        }
        let _ = writeln!(
            text,
            "  {code:<6} {sd:>8.2} {sm:>8.2}   {lo:>26.2} {:>5.2} {hi:>5.2}",
            mean(&vals)
        );
    }
    let _ = writeln!(
        text,
        "  (FUEL's mean includes gas at 17.2, capped as not credible for pipeline trade)\n"
    );
    Ok(())
}

/// The 2009 sector rows.
///
/// # Errors
/// [`Error::Check`] when [`SIGMAS`] is not in the order of [`SECTOR_DEFS`].
pub fn sector_rows() -> Result<Vec<SectorRow>> {
    let mut rows = Vec::new();
    for (k, (code, name)) in SECTOR_DEFS.iter().enumerate() {
        let (c2, sd, sm, members) = SIGMAS[k];
        if c2 != *code {
            return Err(Error::Check("SIGMAS out of order".into()));
        }
        rows.push(SectorRow {
            code: code.to_string(),
            name: name.to_string(),
            sigma_m: sm,
            sigma_d: sd,
            eta: ETA,
            epsilon: epsilon_default(code),
            source: format!(
                "D: sigma_d/sigma_m GTAP ESUBD/ESUBM of {members} (V) mapped as in docs/sources.md#armington-elasticities-gtap; eta U; epsilon U (docs/sources.md#demand-and-supply-elasticities) (default of KAZ RUS BLR KGZ{})",
                if *code == "FUEL" { "; FUEL resource-constrained" } else { "" }
            ),
        });
    }
    Ok(rows)
}

/// The 2009 supply rows: price takers and large diversified suppliers.
pub fn supply_rows() -> Vec<SupplyRow> {
    let mut supply = Vec::new();
    for code in REGIONS_2009 {
        for (sector, _) in SECTOR_DEFS.iter() {
            let (epsilon, source) = if PRICE_TAKERS.contains(&code) {
                (
                    f64::INFINITY,
                    "U: price taker (SMART convention; docs/sources.md#demand-and-supply-elasticities)",
                )
            } else if LARGE_SUPPLIERS.contains(&code) && *sector != "FUEL" {
                (
                    EPSILON_LARGE,
                    "U: large diversified supplier (docs/sources.md#demand-and-supply-elasticities)",
                )
            } else {
                continue;
            };
            supply.push(SupplyRow {
                sector: sector.to_string(),
                country: code.to_string(),
                epsilon,
                source: source.to_string(),
            });
        }
    }
    supply
}

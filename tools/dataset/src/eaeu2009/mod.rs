//! The 2009 dataset `eaeu2009`: seven regions, eight sectors, US$ million.
//!
//! ```text
//! off-diagonal cell  = COW v4.0 importer-reported flow (V); EU27<->ROW: the published 2009 matrix (V2)
//! diagonal cell      = gamma (U) x WDI GDP (V) - the matrix's own row sum of exports
//! sector split       = baseline_7x7x8 shares (U), then for Kazakhstan a RAS fit:
//!                      x[KAZ->j][s] and x[i->KAZ][s] scaled so that each partner's
//!                      total stays the COW cell and each sector's total matches
//!                      the 2015 BNS composition (V)
//! tariffs            = priors (U) scaled by t_s = p_s (1 + l1 + l2 w_s), l1, l2 solving
//!                      mean_s t_s = A and sum_s w_s t_s = W (World Bank averages, V)
//! gdp                = WDI 2009 (V; EU27 and ROW D)
//! collection         = k[m] = (s[m] / s[RUS]) (D[RUS] / D[m]) for KAZ and BLR: duties D under
//!                      the 2010 CET solved by the library, s the 2012 collected shares (D)
//! ```

mod cells;
mod checks;
mod collection;
mod countries;
mod policy;
mod sectors;
mod split;
mod tariffs;

use std::path::Path;

use crate::error::Result;
use crate::report::Report;
use crate::sourced::{DatasetRows, SourcedDataset};
use crate::sources::read_bns;

/// Builds `eaeu2009` from the raw files, with its `policy_rates.csv`;
/// figures for the tests go to `report`, the printable report to `text`.
///
/// # Errors
/// When a raw file fails, a check against a published figure fails, the RAS
/// fit does not converge, a calibration target is missed or the library
/// cannot solve the 2010 CET on the data.
pub fn build(raw: &Path, report: &mut Report, text: &mut String) -> Result<SourcedDataset> {
    let cells = cells::aggregate_cells(raw, text)?;
    let bns = read_bns(raw)?;
    let split = split::sector_split(raw, &cells, &bns, report, text)?;
    checks::reported_checks(raw, &split.flows, &bns, report, text)?;
    sectors::gtap_check(raw, text)?;
    let tariffs = tariffs::tariffs(&split.flows, report, text)?;
    let sector_rows = sectors::sector_rows()?;
    let policy = policy::policy_rates(&tariffs.kaz, &tariffs.rus, report, text)?;
    let rows = DatasetRows {
        countries: countries::country_rows(&cells)?,
        sectors: sector_rows,
        flows: split.flows,
        flow_sources: split.sources,
        tariffs: tariffs.rows,
        ntb: tariffs::border_costs(),
        supply: sectors::supply_rows(),
        policy_rates: Some(policy),
    };
    let built = SourcedDataset::build("eaeu2009", rows)?;
    collection::calibrate(built, report, text)
}

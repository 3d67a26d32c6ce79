//! The duty collection shares `k` of `countries.csv`, calibrated once on the
//! 2010 CET: with Russia's share fixed at 1, Kazakhstan's and Belarus's are
//! set so that the members' shares of the duties collected under the CET are
//! the observed 2012 shares.
//!
//! ```text
//! D[m]  = statutory duties of member m under the CET (the library's equilibrium of
//!         the 2010 CET with default elasticities, duties kept where collected)
//! share = k[m] D[m] / sum_n k[n] D[n]  = s[m]  (observed, 2012)
//! k[RUS] = 1  =>  k[m] = (s[m] / s[RUS]) (D[RUS] / D[m])
//! ```
//! Prices use the statutory rate, so `k` changes no equilibrium and the
//! duties `D` need one solve; a second solve with the written (rounded) `k`
//! checks the shares through the library's own `duty_collected_share`.

use std::fmt::Write as _;

use customs_union::policy::{CetRule, CustomsUnion};
use customs_union::scenario::Scenario;
use customs_union::{ScenarioResult, ScenarioSet, Simulation};

use crate::calibration::round_to;
use crate::error::{Error, Result};
use crate::figures::{
    COLLECTED_SHARES_2012, COLLECTION_DECIMALS, COLLECTION_REFERENCE, COLLECTION_TOLERANCE,
    REGION_DEFS_2009, UNION_MEMBERS,
};
use crate::report::{Report, pct};
use crate::sourced::SourcedDataset;

use super::countries::{CollectionOrigin, country_source};

/// The scenario the shares are calibrated on: `cet-2010` of
/// `scenarios/cet_2010.toml`, Kazakhstan and Belarus adopting Russia's
/// schedule, each member keeping the duties it collects.
fn cet_2010() -> ScenarioSet {
    ScenarioSet::new(vec![Scenario::new("cet-2010").with_union(
        CustomsUnion::new(
            "CU",
            &UNION_MEMBERS,
            CetRule::Adopt {
                country: COLLECTION_REFERENCE.to_string(),
            },
        ),
    )])
}

/// Solves the 2010 CET on `d` with its default elasticities.
fn solve(d: &SourcedDataset) -> Result<ScenarioResult> {
    let mut results = Simulation::new(d.data())
        .run(&cet_2010())
        .map_err(|source| Error::Model {
            dataset: d.name().to_string(),
            source,
        })?;
    Ok(results.scenarios.remove(0))
}

/// The observed 2012 share of `code`.
fn observed(code: &str) -> Result<f64> {
    COLLECTED_SHARES_2012
        .iter()
        .find(|(c, _)| *c == code)
        .map(|&(_, s)| s)
        .ok_or_else(|| Error::Calibration(format!("no observed collected share for {code}")))
}

/// Calibrates the collection shares of the union's members in `d` and
/// returns the dataset rebuilt with them; the shares go to `report`, the
/// derivation to `text`.
///
/// # Errors
/// [`Error::Model`] when the library cannot solve the CET; [`Error::Calibration`]
/// when a share would leave (0, 1] or the rebuilt dataset misses an observed
/// share by more than [`COLLECTION_TOLERANCE`].
pub fn calibrate(
    d: SourcedDataset,
    report: &mut Report,
    text: &mut String,
) -> Result<SourcedDataset> {
    let first = solve(&d)?;
    let duties = |r: &ScenarioResult, code: &str| -> Result<f64> {
        r.country(code)
            .map(|c| c.tariff_revenue_counterfactual)
            .ok_or_else(|| Error::Calibration(format!("no result for {code}")))
    };
    let reference = duties(&first, COLLECTION_REFERENCE)?;
    let s_ref = observed(COLLECTION_REFERENCE)?;
    let mut k = Vec::new();
    for code in UNION_MEMBERS {
        let d_m = duties(&first, code)?;
        let share = if code == COLLECTION_REFERENCE {
            1.0
        } else {
            round_to(
                observed(code)? / s_ref * reference / d_m,
                COLLECTION_DECIMALS,
            )
        };
        if !(share > 0.0 && share <= 1.0) {
            return Err(Error::Calibration(format!(
                "{code} would collect {share} of its statutory duties: outside (0, 1]"
            )));
        }
        k.push((code, d_m, share));
    }
    let name = d.name().to_string();
    let mut rows = d.into_rows();
    for &(code, _, share) in &k {
        let (row, def) = rows
            .countries
            .iter_mut()
            .zip(&REGION_DEFS_2009)
            .find(|(r, _)| r.code == code)
            .ok_or_else(|| Error::Calibration(format!("{code} is not a region")))?;
        row.collection = share;
        let origin = if code == COLLECTION_REFERENCE {
            CollectionOrigin {
                status: "D",
                text: "1, the reference of the calibration on the 2010 CET (only ratios of collected duties are observed)",
            }
        } else {
            CollectionOrigin {
                status: "D",
                text: "calibrated on the 2010 CET so that the members' collected shares are those of 2012 (RUS 89.5%, KAZ 6.9%, BLR 3.65%)",
            }
        };
        row.source = country_source(def, origin, row.note.is_some());
    }
    let rebuilt = SourcedDataset::build(&name, rows)?;
    let second = solve(&rebuilt)?;
    let union = second
        .unions
        .first()
        .ok_or_else(|| Error::Calibration("the CET scenario has no union".into()))?;
    let _ = writeln!(
        text,
        "Duty collection shares, calibrated on the 2010 CET (default elasticities; {COLLECTION_REFERENCE} fixed at 1):\n  member  duties under the CET  k       collected share: baseline  under the CET  observed 2012"
    );
    report.collection.clear();
    report.collected_shares.clear();
    for &(code, d_m, share) in &k {
        let m = union
            .duty_collected_share
            .iter()
            .find(|m| m.country == code)
            .ok_or_else(|| Error::Calibration(format!("no collected share for {code}")))?;
        let target = observed(code)?;
        let _ = writeln!(
            text,
            "  {code:<6} {d_m:>20.1}  {share:<6.4} {:>26} {:>14} {:>14}",
            pct(m.baseline),
            pct(m.counterfactual),
            pct(target)
        );
        if (m.counterfactual - target).abs() > COLLECTION_TOLERANCE {
            return Err(Error::Calibration(format!(
                "{code}'s collected share under the CET {} misses the observed {}",
                pct(m.counterfactual),
                pct(target)
            )));
        }
        report.collection.push((code.to_string(), share));
        report
            .collected_shares
            .push((code.to_string(), m.baseline, m.counterfactual));
    }
    text.push('\n');
    Ok(rebuilt)
}

//! `policy_rates.csv`: the schedules scenarios use beyond the baseline:
//! Kazakhstan's 2009 rates, the 2010 CET, the CET after Russia's WTO cuts
//! (2020) and Kazakhstan's WTO bound rates.
//!
//! ```text
//! cet_wto_2020[s]  = CET[s] x bound/applied of s's WTO group x k,  k: simple mean = 7.9%
//! kaz_wto_bound[s] = 7.6% for AGF; cet_wto_2020[s] x k2 otherwise, k2: eight-sector mean = 6.1%
//! ```

use std::fmt::Write as _;

use crate::calibration::{mean, round_to};
use crate::error::{Error, Result};
use crate::figures::{
    CET_2012_SIMPLE, CET_2020_SIMPLE, KAZ_BOUND_AGRICULTURE, KAZ_BOUND_AVERAGE,
    KAZ_BOUND_NON_AGRICULTURE, RATE_DECIMALS, SECTOR_DEFS, WTO_GROUP_RATIOS,
};
use crate::report::{Report, pct};
use crate::sourced::PolicyRow;

/// The policy rows from Kazakhstan's (`kaz`) and Russia's (`rus`) calibrated
/// schedules; the averages go to `report`, a table to `text`.
///
/// # Errors
/// [`Error::Check`] when the WTO groups or sectors are out of order.
pub fn policy_rates(
    kaz: &[f64; 8],
    rus: &[f64; 8],
    report: &mut Report,
    text: &mut String,
) -> Result<Vec<PolicyRow>> {
    let mut shaped = [0.0; 8];
    for s in 0..8 {
        let (code, bound, applied, _) = WTO_GROUP_RATIOS[s];
        if code != SECTOR_DEFS[s].0 {
            return Err(Error::Check("WTO_GROUP_RATIOS out of order".into()));
        }
        shaped[s] = rus[s] * bound / applied;
    }
    let k = CET_2020_SIMPLE / mean(&shaped);
    let cet2020: [f64; 8] = std::array::from_fn(|s| round_to(shaped[s] * k, RATE_DECIMALS));
    // AGF is the first sector: the agricultural bound applies to it alone.
    if SECTOR_DEFS[0].0 != "AGF" {
        return Err(Error::Check("SECTOR_DEFS must start with AGF".into()));
    }
    let count = SECTOR_DEFS.len() as f64;
    let non_ag_target = (count * KAZ_BOUND_AVERAGE - KAZ_BOUND_AGRICULTURE) / (count - 1.0);
    let k2 = non_ag_target / mean(&cet2020[1..]);
    let bound: [f64; 8] = std::array::from_fn(|s| {
        if s == 0 {
            KAZ_BOUND_AGRICULTURE
        } else {
            round_to(cet2020[s] * k2, RATE_DECIMALS)
        }
    });
    let row = |measure: &str, sector: &str, rate: f64, source: String| PolicyRow {
        measure: measure.to_string(),
        sector: sector.to_string(),
        rate,
        source,
    };
    let mut rows = Vec::new();
    for s in 0..8 {
        let code = SECTOR_DEFS[s].0;
        let (_, b, a, group) = WTO_GROUP_RATIOS[s];
        rows.push(row(
            "kaz_mfn_2009",
            code,
            kaz[s],
            "D: Kazakhstan's calibrated 2009 MFN rate (as tariffs.csv)".to_string(),
        ));
        rows.push(row(
            "cet_2010",
            code,
            rus[s],
            "D: Russia's calibrated 2009 schedule adopted as the CET (as tariffs.csv)".to_string(),
        ));
        rows.push(row(
            "cet_wto_2020",
            code,
            cet2020[s],
            format!(
                "D: CET x {group} bound/applied {b}/{a} (V2 WTO 2011) x {k:.4} so that the simple average is 7.9% (V: Shepotylo & Tarr 2012 path 11.5% -> 7.9%)"
            ),
        ));
        rows.push(row(
            "kaz_wto_bound",
            code,
            bound[s],
            if s == 0 {
                "V2: Kazakhstan's WTO bound average for agriculture 7.6%".to_string()
            } else {
                format!(
                    "D: cet_wto_2020 x {k2:.4} so that non-AGF sectors average 5.89% and all eight 6.1% (V2: bound 6.1%; non-agriculture 5.9%)"
                )
            },
        ));
    }
    let _ = writeln!(
        text,
        "policy_rates.csv (%): sector  cet_2010  cet_wto_2020  kaz_wto_bound"
    );
    for s in 0..8 {
        let _ = writeln!(
            text,
            "  {:<6} {:>8.2} {:>12.2} {:>13.2}",
            SECTOR_DEFS[s].0,
            100.0 * rus[s],
            100.0 * cet2020[s],
            100.0 * bound[s]
        );
    }
    let _ = writeln!(
        text,
        "  simple averages: CET 2010 {} -> WTO 2020 {} (target {}; published path {} -> {}); KAZ bound {} (target {}), AGF {}, other sectors {} (published non-agriculture {})\n",
        pct(mean(rus)),
        pct(mean(&cet2020)),
        pct(CET_2020_SIMPLE),
        pct(CET_2012_SIMPLE),
        pct(CET_2020_SIMPLE),
        pct(mean(&bound)),
        pct(KAZ_BOUND_AVERAGE),
        pct(bound[0]),
        pct(mean(&bound[1..])),
        pct(KAZ_BOUND_NON_AGRICULTURE)
    );
    report.cet_2020_simple = mean(&cet2020);
    report.kaz_bound = (mean(&bound), bound[0], mean(&bound[1..]));
    Ok(rows)
}

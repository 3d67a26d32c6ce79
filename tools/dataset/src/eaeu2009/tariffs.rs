//! Tariffs and border costs of 2009: Kazakhstan's and Russia's schedules
//! calibrated to the World Bank averages on Kazakhstan's MFN imports,
//! Belarus's from Russia's, assumed rates elsewhere, duty-free CIS trade, and
//! the border-cost wedge among the CIS countries.

use std::fmt::Write as _;

use crate::calibration::{calibrate, mean, round_to};
use crate::error::{Error, Result};
use crate::figures::{
    BLR_OVER_RUS, CALIBRATION_TOLERANCE, CET_2012_SIMPLE, CET_WEIGHTED_2012_2020, CHN_MFN, CIS_FTA,
    EU27_MFN, KAZ_PRIOR, KAZ_SIMPLE_BEFORE, KAZ_SIMPLE_CET, KAZ_WEIGHTED_BEFORE, KAZ_WEIGHTED_CET,
    KGZ_MFN, MFN_PARTNERS, NTB_KGZ_2009, NTB_UNION_2009, RATE_DECIMALS, REGIONS_2009, ROW_MFN,
    RUS_PRIOR, SECTOR_DEFS, UNION_MEMBERS,
};
use crate::report::{Report, pct};
use crate::sourced::RateRow;
use crate::sources::{region, sector_codes};

/// The tariff rows of 2009 and the two calibrated schedules.
pub struct Tariffs {
    /// `tariffs.csv` rows, in output order.
    pub rows: Vec<RateRow>,
    /// Kazakhstan's 2009 MFN schedule by sector.
    pub kaz: [f64; 8],
    /// Russia's 2009 schedule, the CET of 2010, by sector.
    pub rus: [f64; 8],
}

/// Calibrates the schedules on `flows` (`[s][i][j]`, as written) and builds
/// the tariff rows; the averages go to `report`, the calibration to `text`.
///
/// # Errors
/// When a calibration fails or misses its target by more than
/// [`CALIBRATION_TOLERANCE`].
pub fn tariffs(flows: &[Vec<Vec<f64>>], report: &mut Report, text: &mut String) -> Result<Tariffs> {
    let n = REGIONS_2009.len();
    let sectors = sector_codes();
    let kaz = region("KAZ")?;
    let rus = region("RUS")?;
    let mfn: Vec<usize> = MFN_PARTNERS
        .iter()
        .map(|c| region(c))
        .collect::<Result<_>>()?;
    let out_imports: [f64; 8] =
        std::array::from_fn(|s| mfn.iter().map(|&i| flows[s][i][kaz]).sum());
    let out_total: f64 = out_imports.iter().sum();
    let w: [f64; 8] = std::array::from_fn(|s| out_imports[s] / out_total);
    let kaz_rates = calibrate(&KAZ_PRIOR, &w, KAZ_SIMPLE_BEFORE, KAZ_WEIGHTED_BEFORE)?;
    let rus_rates = calibrate(&RUS_PRIOR, &w, KAZ_SIMPLE_CET, KAZ_WEIGHTED_CET)?;
    let weighted = |t: &[f64; 8]| -> f64 { (0..8).map(|s| w[s] * t[s]).sum() };
    report.kaz_simple_before = mean(&kaz_rates);
    report.kaz_weighted_before = weighted(&kaz_rates);
    report.kaz_simple_cet = mean(&rus_rates);
    report.kaz_weighted_cet = weighted(&rus_rates);
    for (name, got, target) in [
        ("simple before", report.kaz_simple_before, KAZ_SIMPLE_BEFORE),
        (
            "weighted before",
            report.kaz_weighted_before,
            KAZ_WEIGHTED_BEFORE,
        ),
        ("simple CET", report.kaz_simple_cet, KAZ_SIMPLE_CET),
        ("weighted CET", report.kaz_weighted_cet, KAZ_WEIGHTED_CET),
    ] {
        if (got - target).abs() > CALIBRATION_TOLERANCE {
            return Err(Error::Calibration(format!(
                "Kazakhstan {name} average {} misses {}",
                pct(got),
                pct(target)
            )));
        }
    }
    let blr_rates: [f64; 8] =
        std::array::from_fn(|s| round_to(rus_rates[s] * BLR_OVER_RUS, RATE_DECIMALS));
    let schedules: [(&str, [f64; 8], String); 7] = [
        (
            "KAZ",
            kaz_rates,
            "D: calibrated so that KAZ's averages on CHN+EU27+ROW imports are 6.7% simple / 5.3% weighted (V: World Bank 2012); prior".to_string(),
        ),
        (
            "RUS",
            rus_rates,
            "D: calibrated so that this schedule (the CET) gives KAZ 11.1% simple / 9.5% weighted (V: World Bank 2012); prior".to_string(),
        ),
        (
            "BLR",
            blr_rates,
            format!("U: Russia's rate x {BLR_OVER_RUS} (Belarus close to Russia; small declines under the CET V2 Mkrtchyan 2013)"),
        ),
        (
            "KGZ",
            KGZ_MFN,
            "U: plausible 2009 MFN applied sector average (Kyrgyzstan low; about 5%)".to_string(),
        ),
        (
            "CHN",
            CHN_MFN,
            "U: plausible 2009 MFN applied sector average (not checked against WTO tariff profiles)".to_string(),
        ),
        (
            "EU27",
            EU27_MFN,
            "U: plausible 2009 MFN applied sector average (preferences such as GSP ignored)".to_string(),
        ),
        (
            "ROW",
            ROW_MFN,
            "U: plausible 2009 MFN applied sector average for the rest of the world (its preferences ignored)".to_string(),
        ),
    ];
    let mut rows = Vec::new();
    for (importer, rates, src) in &schedules {
        for s in 0..8 {
            let source = match *importer {
                "KAZ" => format!("{src} {}", pct(KAZ_PRIOR[s])),
                "RUS" => format!("{src} {}", pct(RUS_PRIOR[s])),
                _ => src.clone(),
            };
            rows.push(RateRow {
                sector: sectors[s].to_string(),
                exporter: "*".to_string(),
                importer: importer.to_string(),
                rate: rates[s],
                source,
            });
        }
        if CIS_FTA.contains(importer) {
            for exporter in CIS_FTA.iter().filter(|e| *e != importer) {
                for sector in &sectors {
                    rows.push(RateRow {
                        sector: sector.to_string(),
                        exporter: exporter.to_string(),
                        importer: importer.to_string(),
                        rate: 0.0,
                        source: "U: duty-free under the CIS free trade agreements (FTA of 14 Apr 1994 V); exemptions ignored".to_string(),
                    });
                }
            }
        }
    }
    let calibration = Calibration {
        w: &w,
        out_imports: &out_imports,
        kaz: &kaz_rates,
        rus: &rus_rates,
        blr: &blr_rates,
    };
    calibration.write(text, report);
    // The same averages over every non-member (KGZ duty-free) for comparison.
    let kgz = region("KGZ")?;
    let with_kgz = |t: &[f64; 8]| -> f64 {
        let num: f64 = (0..8).map(|s| t[s] * out_imports[s]).sum();
        let den: f64 = out_total + (0..8).map(|s| flows[s][kgz][kaz]).sum::<f64>();
        num / den
    };
    let rus_w: [f64; 8] = std::array::from_fn(|s| {
        (0..n)
            .filter(|&i| i != rus && !CIS_FTA.contains(&REGIONS_2009[i]))
            .map(|i| flows[s][i][rus])
            .sum()
    });
    let rus_wt: f64 = rus_w.iter().sum();
    let rus_own: f64 = (0..8).map(|s| rus_rates[s] * rus_w[s] / rus_wt).sum();
    let _ = writeln!(
        text,
        "  Counting KGZ (duty-free, outside the 2010 union) among the outsiders, the weighted averages are {} before and {} under the CET.\n  Russia's schedule weighted by Russia's own MFN imports: {} (Shepotylo & Tarr 2012 trade-weighted: {}); simple {} (2012: {}; 2011 applied about 10%).\n",
        pct(with_kgz(&kaz_rates)),
        pct(with_kgz(&rus_rates)),
        pct(rus_own),
        pct(CET_WEIGHTED_2012_2020.0),
        pct(mean(&rus_rates)),
        pct(CET_2012_SIMPLE)
    );
    Ok(Tariffs {
        rows,
        kaz: kaz_rates,
        rus: rus_rates,
    })
}

/// What the report says of the tariff calibration.
struct Calibration<'a> {
    w: &'a [f64; 8],
    out_imports: &'a [f64; 8],
    kaz: &'a [f64; 8],
    rus: &'a [f64; 8],
    blr: &'a [f64; 8],
}

impl Calibration<'_> {
    fn write(&self, text: &mut String, report: &Report) {
        let w = self.w;
        let _ = writeln!(
            text,
            "Tariff calibration (rates in %; weights = KAZ's 2009 imports from CHN, EU27, ROW, the MFN partners):"
        );
        let _ = writeln!(
            text,
            "  sector  imports   weight  KAZ prior  KAZ 2009  RUS prior  RUS=CET  BLR 2009"
        );
        for s in 0..8 {
            let _ = writeln!(
                text,
                "  {:<6} {:>8.1} {:>8.2} {:>10.2} {:>9.2} {:>10.2} {:>8.2} {:>9.2}",
                SECTOR_DEFS[s].0,
                self.out_imports[s],
                100.0 * w[s],
                100.0 * KAZ_PRIOR[s],
                100.0 * self.kaz[s],
                100.0 * RUS_PRIOR[s],
                100.0 * self.rus[s],
                100.0 * self.blr[s]
            );
        }
        let _ = writeln!(
            text,
            "  Kazakhstan before the CET: simple {} (target {}), weighted {} (target {})\n  Kazakhstan under the CET:   simple {} (target {}), weighted {} (target {})",
            pct(report.kaz_simple_before),
            pct(KAZ_SIMPLE_BEFORE),
            pct(report.kaz_weighted_before),
            pct(KAZ_WEIGHTED_BEFORE),
            pct(report.kaz_simple_cet),
            pct(KAZ_SIMPLE_CET),
            pct(report.kaz_weighted_cet),
            pct(KAZ_WEIGHTED_CET)
        );
        let _ = writeln!(
            text,
            "  Priors (weighted): KAZ {} RUS {}; rates rounded to {RATE_DECIMALS} decimals before the averages are taken.",
            pct((0..8).map(|s| w[s] * KAZ_PRIOR[s]).sum()),
            pct((0..8).map(|s| w[s] * RUS_PRIOR[s]).sum()),
        );
    }
}

/// The border-cost (NTB) rows of 2009: a wedge on every sector of trade
/// among the CIS countries.
pub fn border_costs() -> Vec<RateRow> {
    let mut ntb = Vec::new();
    for i in CIS_FTA {
        for j in CIS_FTA {
            if i == j {
                continue;
            }
            let (rate, source) = if UNION_MEMBERS.contains(&i) && UNION_MEMBERS.contains(&j) {
                (
                    NTB_UNION_2009,
                    "U: border costs among KAZ RUS BLR before internal controls were removed (docs/sources.md#non-tariff-border-costs; no sourced estimate; MC range 5-20%)",
                )
            } else {
                (
                    NTB_KGZ_2009,
                    "U: the same border-cost assumption extended to KGZ's trade with KAZ RUS BLR",
                )
            };
            ntb.push(RateRow {
                sector: "*".to_string(),
                exporter: i.to_string(),
                importer: j.to_string(),
                rate,
                source: source.to_string(),
            });
        }
    }
    ntb
}

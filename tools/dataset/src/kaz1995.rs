//! The illustrative 1995 dataset `kaz1995`: five regions, five sectors, the
//! essay's seed figures plus labelled assumptions (all in `figures`).
//!
//! ```text
//! off-diagonal cells  = seed or assumed figures; ROW cells = totals - the other cells
//! diagonal cells      = gamma (U; 2009 value) x GDP (U) - exports
//! sector split        = the cell's composition (seed or U); domestic: the 2009
//!                       baseline file's domestic shares aggregated to five sectors (U)
//! ```

use std::fmt::Write as _;
use std::path::Path;

use crate::calibration::round_to;
use crate::error::{Error, Result};
use crate::figures::{
    CELLS_1995, CELLS_1995_BLR_KGZ, CIS_1995, COMPOSITIONS_1995, ETA, FLOW_DECIMALS, GDP_1995,
    IDENTITY_TOLERANCE, NTB_1995, OTHR_1995_MEMBERS, OTHR_1995_SIGMAS, REGION_DEFS_1995,
    SECTOR_DEFS, SECTORS_1995, SIGMAS, TARIFF_INTERNAL_1995, TARIFF_MFN_1995, TOTALS_1995,
    WORLD_GDP_1995, epsilon_default,
};
use crate::report::write_matrix;
use crate::sourced::{CountryRow, DatasetRows, RateRow, SectorRow, SourcedDataset, SupplyRow};
use crate::sources::{gamma, idx, read_baseline_shares, region, sector_codes};

const NAME: &str = "kaz1995";

/// The 1995 region codes, in output order.
fn regions() -> Vec<&'static str> {
    REGION_DEFS_1995.iter().map(|r| r.0).collect()
}

/// Index of a 1995 region code.
fn region_1995(code: &str) -> Result<usize> {
    idx(&regions(), code, NAME, "regions")
}

/// Builds `kaz1995`; adds its matrix and checks to `text`.
///
/// # Errors
/// When the baseline file fails or a derived cell comes out negative.
pub fn build(raw: &Path, text: &mut String) -> Result<SourcedDataset> {
    let (cells, sources) = aggregate_cells()?;
    let (flows, flow_sources) = sector_split(raw, &cells, &sources)?;
    let rows = DatasetRows {
        countries: country_rows()?,
        sectors: sector_rows()?,
        flows,
        flow_sources,
        tariffs: tariff_rows(),
        ntb: border_costs(),
        supply: SECTORS_1995
            .iter()
            .map(|s| SupplyRow {
                sector: s.to_string(),
                country: "ROW".to_string(),
                epsilon: f64::INFINITY,
                source: "U: price taker (docs/sources.md#demand-and-supply-elasticities)"
                    .to_string(),
            })
            .collect(),
        policy_rates: None,
    };
    write_summary(&cells, text)?;
    SourcedDataset::build(NAME, rows)
}

/// GDP of a 1995 region, US$ million, and what it is: an assumed figure, or
/// for ROW the assumed world GDP minus the four others.
fn gdp_1995(code: &str) -> Result<(f64, &'static str)> {
    if code == "ROW" {
        let others: f64 = GDP_1995.iter().map(|g| g.1).sum();
        return Ok((WORLD_GDP_1995 - others, "world GDP (U) minus the four"));
    }
    Ok((
        GDP_1995[idx(&GDP_1995.map(|g| g.0), code, NAME, "GDP_1995")?].1,
        "GDP (U)",
    ))
}

/// The 1995 country rows: the assumed GDP (U; the raw WDI file starts in
/// 2005), full duty collection (U; no 1995 scenario pools duties), no note.
fn country_rows() -> Result<Vec<CountryRow>> {
    let mut rows = CountryRow::from_defs(&REGION_DEFS_1995);
    for row in &mut rows {
        let (gdp, what) = gdp_1995(&row.code)?;
        row.gdp = Some(gdp);
        row.source = format!(
            "{}; gdp {gdp:.0} US$ million = {what}, a recalled order of magnitude of WDI 1995 (docs/data.md#kaz1995); collection 1 (U: full collection assumed; no 1995 scenario pools duties)",
            row.source
        );
    }
    Ok(rows)
}

/// Aggregate 1995 cells (US$ million; rows exporter) and the source of each.
type Cells = (Vec<Vec<f64>>, Vec<Vec<String>>);

/// The aggregate 1995 cells and their sources.
fn aggregate_cells() -> Result<Cells> {
    let regions = regions();
    let n = regions.len();
    let row = region_1995("ROW")?;
    let mut cells = vec![vec![0.0; n]; n];
    let mut src = vec![vec![String::new(); n]; n];
    for (e, i, v, s) in CELLS_1995.iter().chain(CELLS_1995_BLR_KGZ.iter()) {
        let (a, b) = (region_1995(e)?, region_1995(i)?);
        cells[a][b] = *v;
        src[a][b] = s.to_string();
    }
    for (code, exports, imports, s) in TOTALS_1995 {
        let a = region_1995(code)?;
        let other_ex: f64 = (0..n)
            .filter(|&j| j != a && j != row)
            .map(|j| cells[a][j])
            .sum();
        let other_im: f64 = (0..n)
            .filter(|&j| j != a && j != row)
            .map(|j| cells[j][a])
            .sum();
        cells[a][row] = exports - other_ex;
        cells[row][a] = imports - other_im;
        if cells[a][row] <= 0.0 || cells[row][a] <= 0.0 {
            return Err(Error::Check(format!("1995: negative ROW cell for {code}")));
        }
        src[a][row] = format!("D: {s}");
        src[row][a] = format!("D: {s}");
    }
    for a in 0..n {
        let exports: f64 = (0..n).filter(|&j| j != a).map(|j| cells[a][j]).sum();
        let (gdp, gdp_src) = gdp_1995(regions[a])?;
        let gamma = gamma(regions[a], NAME)?;
        cells[a][a] = gamma * gdp - exports;
        if cells[a][a] <= 0.0 {
            return Err(Error::Check(format!(
                "1995: negative domestic sales for {}",
                regions[a]
            )));
        }
        src[a][a] = format!(
            "U: domestic sales = gamma {gamma} (U; 2009 value) x {gdp_src} {gdp:.0} - exports {exports:.0}"
        );
    }
    Ok((cells, src))
}

/// Flows by sector (`[s][i][j]`, rounded as written) and their sources.
type Flows = (Vec<Vec<Vec<f64>>>, Vec<Vec<Vec<String>>>);

/// Splits the cells by sector: compositions off the diagonal, the 2009
/// domestic shares aggregated to five sectors on it.
fn sector_split(raw: &Path, cells: &[Vec<f64>], src: &[Vec<String>]) -> Result<Flows> {
    let regions = regions();
    let n = regions.len();
    let ns = SECTORS_1995.len();
    // Domestic sector shares: the baseline file's 2009 domestic shares
    // aggregated to five sectors (U).
    let shares09 = read_baseline_shares(raw)?.shares;
    let sectors09 = sector_codes();
    let map09 = |s09: &str| -> usize {
        if OTHR_1995_MEMBERS.contains(&s09) {
            ns - 1
        } else {
            SECTORS_1995
                .iter()
                .position(|s| *s == s09)
                .unwrap_or(ns - 1)
        }
    };
    let mut flows = vec![vec![vec![0.0; n]; n]; ns];
    let mut fsrc = vec![vec![vec![String::new(); n]; n]; ns];
    for a in 0..n {
        for b in 0..n {
            if a == b {
                let r09 = region(regions[a])?;
                let mut dom = vec![0.0; ns];
                for (k, s09) in sectors09.iter().enumerate() {
                    dom[map09(s09)] += shares09[k][r09][r09];
                }
                for s in 0..ns {
                    flows[s][a][a] = round_to(cells[a][a] * dom[s], FLOW_DECIMALS);
                    fsrc[s][a][a] = format!(
                        "{}; sector share {:.2}% (U: 2009 baseline_7x7x8 domestic share of {} aggregated)",
                        src[a][a],
                        100.0 * dom[s],
                        regions[a]
                    );
                }
                continue;
            }
            let comp = COMPOSITIONS_1995
                .iter()
                .find(|c| c.0 == regions[a] && c.1 == regions[b])
                .or_else(|| {
                    COMPOSITIONS_1995
                        .iter()
                        .find(|c| c.0 == regions[a] && c.1 == "*")
                })
                .ok_or_else(|| Error::Check(format!("1995: no composition for {}", regions[a])))?;
            let total: f64 = comp.2.iter().map(|x| x.0).sum();
            if (total - 1.0).abs() > IDENTITY_TOLERANCE {
                return Err(Error::Check(format!(
                    "1995: composition of {}->{} sums to {total}",
                    comp.0, comp.1
                )));
            }
            for s in 0..ns {
                let (share, status) = comp.2[s];
                flows[s][a][b] = round_to(cells[a][b] * share, FLOW_DECIMALS);
                let cell_status = src[a][b].split(':').next().unwrap_or("U");
                let status_tok = status.split(':').next().unwrap_or("U");
                let overall = if cell_status == "seed" && status_tok == "seed" {
                    "seed"
                } else {
                    "U"
                };
                fsrc[s][a][b] = format!(
                    "{overall}: cell {:.0} ({}) x share {:.1}% ({})",
                    cells[a][b],
                    src[a][b],
                    100.0 * share,
                    status
                );
            }
        }
    }
    Ok((flows, fsrc))
}

/// MFN rates on every partner, and the pre-union rate on trade among the CIS four.
fn tariff_rows() -> Vec<RateRow> {
    let mut tariffs = Vec::new();
    for (importer, rates) in TARIFF_MFN_1995 {
        for (s, sector) in SECTORS_1995.iter().enumerate() {
            tariffs.push(RateRow {
                sector: sector.to_string(),
                exporter: "*".to_string(),
                importer: importer.to_string(),
                rate: rates[s],
                source: "U: assumed 1995 MFN rate (the essay gives no tariffs)".to_string(),
            });
        }
        if CIS_1995.contains(&importer) {
            for exporter in CIS_1995.iter().filter(|e| **e != importer) {
                for sector in SECTORS_1995 {
                    tariffs.push(RateRow {
                        sector: sector.to_string(),
                        exporter: exporter.to_string(),
                        importer: importer.to_string(),
                        rate: TARIFF_INTERNAL_1995,
                        source: "U: pre-union duties and restrictions on mutual trade (lifted by the 1995 union's first stage; seed)".to_string(),
                    });
                }
            }
        }
    }
    tariffs
}

/// The border-cost wedge on trade among the CIS four.
fn border_costs() -> Vec<RateRow> {
    let mut ntb = Vec::new();
    for i in CIS_1995 {
        for j in CIS_1995 {
            if i != j {
                ntb.push(RateRow {
                    sector: "*".to_string(),
                    exporter: i.to_string(),
                    importer: j.to_string(),
                    rate: NTB_1995,
                    source: "U: illustrative border costs among the union's members and Kyrgyzstan before 1995".to_string(),
                });
            }
        }
    }
    ntb
}

/// The five 1995 sectors: the 2009 ones kept, the rest folded into OTHR.
fn sector_rows() -> Result<Vec<SectorRow>> {
    let sectors09 = sector_codes();
    let mut rows = Vec::new();
    for code in SECTORS_1995 {
        let (name, sd, sm, src) = if code == "OTHR" {
            (
                "All other goods (2009 CHEM, TEXC, WOOD and OTHR)".to_string(),
                OTHR_1995_SIGMAS.0,
                OTHR_1995_SIGMAS.1,
                "D: mean of the 2009 CHEM TEXC WOOD OTHR sigmas (GTAP; docs/sources.md#armington-elasticities-gtap) rounded; eta U; epsilon U".to_string(),
            )
        } else {
            let k = idx(&sectors09, code, NAME, "sectors")?;
            (
                SECTOR_DEFS[k].1.to_string(),
                SIGMAS[k].1,
                SIGMAS[k].2,
                "D: as the 2009 sector (GTAP ESUBD/ESUBM; docs/sources.md#armington-elasticities-gtap); eta U; epsilon U"
                    .to_string(),
            )
        };
        rows.push(SectorRow {
            code: code.to_string(),
            name,
            sigma_m: sm,
            sigma_d: sd,
            eta: ETA,
            epsilon: epsilon_default(code),
            source: src,
        });
    }
    Ok(rows)
}

/// The aggregate matrix and Kazakhstan's trade with Russia.
fn write_summary(cells: &[Vec<f64>], text: &mut String) -> Result<()> {
    let regions = regions();
    let n = regions.len();
    let _ = writeln!(
        text,
        "== kaz1995 (illustrative; seed figures from the essay plus assumptions) ==\nAggregate 1995 matrix (US$ million):"
    );
    write_matrix(text, &regions, cells.iter().map(Vec::as_slice));
    let kaz = region_1995("KAZ")?;
    let rus = region_1995("RUS")?;
    let ex: f64 = (0..n).filter(|&j| j != kaz).map(|j| cells[kaz][j]).sum();
    let im: f64 = (0..n).filter(|&j| j != kaz).map(|j| cells[j][kaz]).sum();
    let _ = writeln!(
        text,
        "  KAZ exports {ex:.0} (to RUS {:.1}%), imports {im:.0} (from RUS {:.1}%); trade with Russia {:.1}% of KAZ trade (the essay's 54% does not follow from its own dollar figures)\n",
        100.0 * cells[kaz][rus] / ex,
        100.0 * cells[rus][kaz] / im,
        100.0 * (cells[kaz][rus] + cells[rus][kaz]) / (ex + im)
    );
    Ok(())
}

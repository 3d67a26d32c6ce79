//! Readers of the raw files in `data/raw/` (their provenance is in
//! `data/raw/PROVENANCE.md`). Each returns the figures the build uses, in
//! US$ million unless said otherwise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::figures::{
    BASE_YEAR, BNS_TOTAL_TOLERANCE, BNS_YEAR_PREFIX, COW_CORE, EU27_COW, GAMMA_2009, HS_RANGES,
    IDENTITY_TOLERANCE, REGIONS_2009, SECTOR_DEFS, THOUSAND_PER_MILLION, USD_PER_MILLION,
};

/// A raw CSV file: its path, header and records.
pub struct RawTable {
    path: PathBuf,
    header: Vec<String>,
    /// The records, as read.
    pub rows: Vec<Vec<String>>,
}

impl RawTable {
    /// Reads `raw/name`.
    ///
    /// # Errors
    /// [`Error::Csv`] when the file cannot be read or parsed.
    pub fn read(raw: &Path, name: &str) -> Result<Self> {
        let path = raw.join(name);
        let csv_error = |source| Error::Csv {
            path: path.clone(),
            source,
        };
        let mut reader = csv::ReaderBuilder::new()
            .from_path(&path)
            .map_err(csv_error)?;
        let header = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|rec| rec.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .map_err(csv_error)?;
        Ok(RawTable { path, header, rows })
    }

    /// An error about this file.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::Raw {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    /// Index of column `name`.
    ///
    /// # Errors
    /// [`Error::Raw`] when the header has no such column.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| self.error(format!("no column {name}")))
    }

    /// The columns `names`, in order.
    ///
    /// # Errors
    /// As [`RawTable::column`].
    pub fn columns<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N]> {
        let mut out = [0; N];
        for (o, name) in out.iter_mut().zip(names) {
            *o = self.column(name)?;
        }
        Ok(out)
    }

    /// `s` parsed as a number; `what` names it in the error.
    ///
    /// # Errors
    /// [`Error::Raw`] when `s` is not a number.
    pub fn number(&self, s: &str, what: &str) -> Result<f64> {
        s.trim()
            .parse::<f64>()
            .map_err(|e| self.error(format!("{what}: cannot parse {s:?}: {e}")))
    }
}

/// Index of `code` in `list`.
///
/// # Errors
/// [`Error::UnknownCode`] naming `dataset` and `what`.
pub fn idx(list: &[&str], code: &str, dataset: &str, what: &str) -> Result<usize> {
    list.iter()
        .position(|c| *c == code)
        .ok_or_else(|| Error::UnknownCode {
            dataset: dataset.to_string(),
            what: what.to_string(),
            code: code.to_string(),
        })
}

/// Index of a 2009 region code.
///
/// # Errors
/// [`Error::UnknownCode`].
pub fn region(code: &str) -> Result<usize> {
    idx(&REGIONS_2009, code, "eaeu2009", "regions")
}

/// The ratio of goods output to GDP of a region (either dataset's code).
///
/// # Errors
/// [`Error::UnknownCode`] for a region without one.
pub fn gamma(code: &str, dataset: &str) -> Result<f64> {
    Ok(GAMMA_2009[idx(&GAMMA_2009.map(|g| g.0), code, dataset, "GAMMA_2009")?].1)
}

/// The sector codes of both datasets' 2009 classification.
pub fn sector_codes() -> Vec<&'static str> {
    SECTOR_DEFS.iter().map(|s| s.0).collect()
}

/// The 2009 region of a COW state abbreviation.
fn region_of(abb: &str) -> &'static str {
    for (cow, code) in COW_CORE {
        if cow == abb {
            return code;
        }
    }
    if EU27_COW.contains(&abb) {
        "EU27"
    } else {
        "ROW"
    }
}

/// The sector of an HS chapter.
fn sector_of_hs(chapter: u32) -> &'static str {
    for (lo, hi, s) in HS_RANGES {
        if (lo..=hi).contains(&chapter) {
            return s;
        }
    }
    "OTHR"
}

/// 7x7 aggregate cells from the COW dyadic extract (importer-reported), and
/// the number of empty flows in the base year's dyads.
///
/// # Errors
/// When the file is unreadable or holds a bad or negative flow.
pub fn read_cow_cells(raw: &Path) -> Result<([[f64; 7]; 7], usize)> {
    let t = RawTable::read(raw, "cow_trade_v4_dyadic_core5_2005_2014.csv")?;
    let [c_abb1, c_abb2, c_year, c_f1, c_f2] =
        t.columns(["abb1", "abb2", "year", "flow1", "flow2"])?;
    let mut m = [[0.0; 7]; 7];
    let mut missing = 0;
    for r in t.rows.iter().filter(|r| r[c_year] == BASE_YEAR) {
        let (a, b) = (region_of(&r[c_abb1]), region_of(&r[c_abb2]));
        // flow1 = imports of state 1 from state 2; flow2 = imports of 2 from 1.
        for (importer, exporter, field) in [(a, b, &r[c_f1]), (b, a, &r[c_f2])] {
            if field.is_empty() {
                missing += 1;
                continue;
            }
            let v = t.number(field, "COW flow")?;
            if v < 0.0 {
                return Err(t.error(format!("negative flow {v}")));
            }
            m[region(exporter)?][region(importer)?] += v;
        }
    }
    Ok((m, missing))
}

/// GDP of the base year in US$ million by 2009 region (EU27 = EU less
/// Croatia plus the United Kingdom; ROW = world less the others).
///
/// # Errors
/// When the file is unreadable or a needed country's GDP is missing.
pub fn read_gdp(raw: &Path) -> Result<[f64; 7]> {
    let t = RawTable::read(raw, "wdi_gdp_current_usd_2005_2014_selected.csv")?;
    let [c_code, c_year, c_val] = t.columns(["Country Code", "Year", "Value"])?;
    let mut by_code = BTreeMap::new();
    for r in t.rows.iter().filter(|r| r[c_year] == BASE_YEAR) {
        by_code.insert(
            r[c_code].clone(),
            t.number(&r[c_val], "WDI GDP")? / USD_PER_MILLION,
        );
    }
    let get = |c: &str| {
        by_code
            .get(c)
            .copied()
            .ok_or_else(|| t.error(format!("no {BASE_YEAR} GDP for {c}")))
    };
    let eu27 = get("EUU")? - get("HRV")? + get("GBR")?;
    let mut gdp = [0.0; 7];
    for (k, code) in REGIONS_2009.iter().enumerate() {
        gdp[k] = match *code {
            "EU27" => eu27,
            "ROW" => 0.0,
            c => get(c)?,
        };
    }
    gdp[6] = get("WLD")? - gdp[..6].iter().sum::<f64>();
    Ok(gdp)
}

/// The sector split of every 2009 cell in the baseline file.
pub struct BaselineShares {
    /// `shares[s][i][j]`: sector s's share of cell i -> j.
    pub shares: Vec<Vec<Vec<f64>>>,
    /// The file's split label of each cell (`pair-specific`, `default`, ...).
    pub labels: Vec<Vec<String>>,
    /// The file's own cell totals (it rounds them), US$ million.
    pub totals: [[f64; 7]; 7],
}

/// Sector shares of every 2009 cell from the baseline file.
///
/// # Errors
/// When the file is unreadable, a row repeats, or a cell is incomplete or empty.
pub fn read_baseline_shares(raw: &Path) -> Result<BaselineShares> {
    let t = RawTable::read(raw, "baseline_7x7x8_2009_2011.csv")?;
    let [c_year, c_e, c_i, c_s, c_v, c_split] = t.columns([
        "year",
        "exporter",
        "importer",
        "sector",
        "value_musd",
        "sector_split",
    ])?;
    let sectors = sector_codes();
    let mut v = vec![vec![vec![f64::NAN; 7]; 7]; 8];
    let mut labels = vec![vec![String::new(); 7]; 7];
    for r in t.rows.iter().filter(|r| r[c_year] == BASE_YEAR) {
        let (s, i, j) = (
            idx(&sectors, &r[c_s], "eaeu2009", "sectors")?,
            region(&r[c_e])?,
            region(&r[c_i])?,
        );
        if !v[s][i][j].is_nan() {
            return Err(t.error(format!("duplicate row {r:?}")));
        }
        v[s][i][j] = t.number(&r[c_v], "baseline value")?;
        labels[i][j] = r[c_split].clone();
    }
    let mut shares = vec![vec![vec![0.0; 7]; 7]; 8];
    let mut totals = [[0.0; 7]; 7];
    for i in 0..7 {
        for j in 0..7 {
            let mut total = 0.0;
            for sv in &v {
                if sv[i][j].is_nan() {
                    return Err(t.error(format!("cell {i},{j} incomplete")));
                }
                total += sv[i][j];
            }
            if total <= 0.0 {
                return Err(t.error(format!("empty cell {i},{j}")));
            }
            totals[i][j] = total;
            for s in 0..8 {
                shares[s][i][j] = v[s][i][j] / total;
            }
        }
    }
    Ok(BaselineShares {
        shares,
        labels,
        totals,
    })
}

/// Kazakhstan's 2015 trade by sector from the statistics bureau.
pub struct Bns {
    /// Export shares by sector.
    pub exports: [f64; 8],
    /// Import shares by sector.
    pub imports: [f64; 8],
    /// HS 26 (ores) as a share of FUEL (HS 25-27) exports.
    pub ores_in_fuel: f64,
    /// Annual exports and imports, US$ million.
    pub totals: (f64, f64),
}

/// Kazakhstan's 2015 export and import composition by sector.
///
/// # Errors
/// When the file is unreadable, holds an unknown flow or chapter, or its
/// chapters do not add up to its published total.
pub fn read_bns(raw: &Path) -> Result<Bns> {
    let t = RawTable::read(raw, "kaz_bns_trade_by_hs2_2015_monthly.csv")?;
    let [c_flow, c_month, c_hs, c_v] = t.columns(["flow", "month", "hs2", "value_thousand_usd"])?;
    let sectors = sector_codes();
    let mut by_sector = [[0.0; 8]; 2];
    let mut totals = [0.0; 2];
    let mut published = [0.0; 2];
    let fuel = idx(&sectors, "FUEL", "eaeu2009", "sectors")?;
    let mut ores_export = 0.0;
    for r in t.rows.iter() {
        if !r[c_month].starts_with(BNS_YEAR_PREFIX) {
            continue;
        }
        let f = match r[c_flow].as_str() {
            "export" => 0,
            "import" => 1,
            other => return Err(t.error(format!("unknown flow {other}"))),
        };
        let v = t.number(&r[c_v], "BNS value")?;
        if r[c_hs] == "TOTAL" {
            published[f] += v;
            continue;
        }
        let ch: u32 = r[c_hs]
            .parse()
            .map_err(|e| t.error(format!("chapter {:?}: {e}", r[c_hs])))?;
        by_sector[f][idx(&sectors, sector_of_hs(ch), "eaeu2009", "sectors")?] += v;
        totals[f] += v;
        if f == 0 && ch == 26 {
            ores_export += v;
        }
    }
    for f in 0..2 {
        let (rel, abs) = BNS_TOTAL_TOLERANCE;
        if (totals[f] - published[f]).abs() > rel * published[f] + abs {
            return Err(t.error(format!(
                "chapter sum {} differs from TOTAL {}",
                totals[f], published[f]
            )));
        }
    }
    let mut ex = [0.0; 8];
    let mut im = [0.0; 8];
    for s in 0..8 {
        ex[s] = by_sector[0][s] / totals[0];
        im[s] = by_sector[1][s] / totals[1];
    }
    Ok(Bns {
        exports: ex,
        imports: im,
        ores_in_fuel: ores_export / by_sector[0][fuel],
        totals: (
            totals[0] / THOUSAND_PER_MILLION,
            totals[1] / THOUSAND_PER_MILLION,
        ),
    })
}

/// Kazakhstan's trade with China in the base year as Kazakhstan reports it.
pub struct Wits {
    /// Exports to China, US$ million.
    pub exports: f64,
    /// Ores-and-metals exports to China, US$ million.
    pub ores_and_metals: f64,
    /// Imports from China, US$ million.
    pub imports: f64,
}

/// WITS KAZ->CHN in the base year.
///
/// # Errors
/// When the file is unreadable or lacks one of the three figures.
pub fn read_wits(raw: &Path) -> Result<Wits> {
    let t = RawTable::read(raw, "wits_kaz_chn_total_and_oresmetals_1995_2023.csv")?;
    let [c_y, c_f, c_p, c_v] = t.columns(["year", "flow", "product", "value_usd_thousand"])?;
    let find = |flow: &str, product: &str| -> Result<f64> {
        let r = t
            .rows
            .iter()
            .find(|r| r[c_y] == BASE_YEAR && r[c_f] == flow && r[c_p] == product)
            .ok_or_else(|| t.error(format!("no {BASE_YEAR} {flow} {product}")))?;
        Ok(t.number(&r[c_v], "WITS value")? / THOUSAND_PER_MILLION)
    };
    Ok(Wits {
        exports: find("export", "Total")?,
        ores_and_metals: find("export", "OresMtls")?,
        imports: find("import", "Total")?,
    })
}

/// National totals (imports, exports) of the COW core states in the base
/// year, US$ million, by region code.
///
/// # Errors
/// When the file is unreadable or holds a bad number.
pub fn read_cow_national(raw: &Path) -> Result<BTreeMap<String, (f64, f64)>> {
    let t = RawTable::read(raw, "cow_trade_v4_national_2005_2014.csv")?;
    let [c_abb, c_y, c_i, c_e] = t.columns(["stateabb", "year", "imports", "exports"])?;
    let mut out = BTreeMap::new();
    for r in t.rows.iter().filter(|r| r[c_y] == BASE_YEAR) {
        for (cow, code) in COW_CORE {
            if r[c_abb] == cow {
                out.insert(
                    code.to_string(),
                    (
                        t.number(&r[c_i], "COW imports")?,
                        t.number(&r[c_e], "COW exports")?,
                    ),
                );
            }
        }
    }
    Ok(out)
}

/// GTAP's Armington elasticities.
pub struct Gtap {
    table: RawTable,
    esubd: BTreeMap<String, f64>,
    /// Whether ESUBM = 2 ESUBD in every GTAP sector (up to [`IDENTITY_TOLERANCE`]).
    pub rule_of_two: bool,
}

impl Gtap {
    /// ESUBD of a GTAP sector.
    ///
    /// # Errors
    /// [`Error::Raw`] when the file has no such sector.
    pub fn esubd(&self, code: &str) -> Result<f64> {
        self.esubd
            .get(code)
            .copied()
            .ok_or_else(|| self.table.error(format!("no GTAP sector {code}")))
    }
}

/// GTAP's ESUBD and ESUBM by GTAP sector.
///
/// # Errors
/// When the file is unreadable or holds a bad number.
pub fn read_gtap(raw: &Path) -> Result<Gtap> {
    let table = RawTable::read(raw, "gtap_armington_esubd_esubm_57.csv")?;
    let [c_code, c_d, c_m] = table.columns(["gtap_code", "esubd", "esubm"])?;
    let mut esubd = BTreeMap::new();
    let mut rule_of_two = true;
    for r in &table.rows {
        let (d, m) = (
            table.number(&r[c_d], "esubd")?,
            table.number(&r[c_m], "esubm")?,
        );
        rule_of_two &= (m - 2.0 * d).abs() < IDENTITY_TOLERANCE * m;
        esubd.insert(r[c_code].clone(), d);
    }
    Ok(Gtap {
        table,
        esubd,
        rule_of_two,
    })
}

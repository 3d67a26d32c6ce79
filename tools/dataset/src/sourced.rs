//! A dataset as the library holds it, with the provenance of every row.
//!
//! The values live in a [`customs_union::Dataset`], built through the
//! library's constructors (which check every range); beside it are the
//! `source` texts of each country, sector and flow, and the tariff, NTB and
//! supply rows as written: a rate row may name `*` for its sector or
//! exporter, and the most specific row wins, as the data format says.

use std::collections::BTreeSet;

use customs_union::{Country, Dataset, Elasticities, Market, Matrix, Sector};

use crate::error::{Error, Result};

/// One `countries.csv` row.
#[derive(Debug, Clone)]
pub struct CountryRow {
    /// Region code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// GDP of the data's year, US$ million (written empty when unknown).
    pub gdp: Option<f64>,
    /// Share of the statutory duties on its imports that the region collects
    /// (0 < k <= 1; 1 is the data format's default).
    pub collection: f64,
    /// A caveat repeated as a warning in every result reporting the region.
    pub note: Option<String>,
    /// Status and origin.
    pub source: String,
}

impl CountryRow {
    /// Rows from `(code, name, source)` definitions: no GDP, full collection,
    /// no note.
    pub fn from_defs(defs: &[(&str, &str, &str)]) -> Vec<CountryRow> {
        defs.iter()
            .map(|(code, name, source)| CountryRow {
                code: code.to_string(),
                name: name.to_string(),
                gdp: None,
                collection: 1.0,
                note: None,
                source: source.to_string(),
            })
            .collect()
    }

    /// The library's country of this row.
    fn country(&self) -> Country {
        let mut c =
            Country::new(self.code.as_str(), self.name.as_str()).with_collection(self.collection);
        if let Some(g) = self.gdp {
            c = c.with_gdp(g);
        }
        if let Some(n) = &self.note {
            c = c.with_note(n.as_str());
        }
        c
    }
}

/// One `sectors.csv` row.
#[derive(Debug, Clone)]
pub struct SectorRow {
    /// Sector code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Substitution among import sources.
    pub sigma_m: f64,
    /// Substitution between the domestic good and imports.
    pub sigma_d: f64,
    /// Aggregate demand elasticity.
    pub eta: f64,
    /// Default supply elasticity of the sector (`inf` allowed).
    pub epsilon: f64,
    /// Status and origin.
    pub source: String,
}

/// One `tariffs.csv` or `ntb.csv` row; `sector` and `exporter` may be `*`.
#[derive(Debug, Clone)]
pub struct RateRow {
    /// Sector code or `*`.
    pub sector: String,
    /// Exporter code or `*` (every other country).
    pub exporter: String,
    /// Importer code.
    pub importer: String,
    /// Ad valorem rate, a fraction.
    pub rate: f64,
    /// Status and origin.
    pub source: String,
}

/// One `supply.csv` row.
#[derive(Debug, Clone)]
pub struct SupplyRow {
    /// Sector code.
    pub sector: String,
    /// Country code.
    pub country: String,
    /// Supply elasticity (`inf` allowed).
    pub epsilon: f64,
    /// Status and origin.
    pub source: String,
}

/// One `policy_rates.csv` row: a named schedule's rate in one sector.
#[derive(Debug, Clone)]
pub struct PolicyRow {
    /// Name of the schedule, e.g. `cet_wto_2020`.
    pub measure: String,
    /// Sector code.
    pub sector: String,
    /// Rate, a fraction.
    pub rate: f64,
    /// Status and origin.
    pub source: String,
}

/// Every row a build step makes, before the library checks them.
#[derive(Debug, Clone)]
pub struct DatasetRows {
    /// Countries, in output order.
    pub countries: Vec<CountryRow>,
    /// Sectors, in output order.
    pub sectors: Vec<SectorRow>,
    /// `flows[s][i][j]`: sector s, exporter i, importer j (US$ million).
    pub flows: Vec<Vec<Vec<f64>>>,
    /// Source of each flow, same indices.
    pub flow_sources: Vec<Vec<Vec<String>>>,
    /// Tariff rows, in output order.
    pub tariffs: Vec<RateRow>,
    /// NTB rows, in output order.
    pub ntb: Vec<RateRow>,
    /// Supply elasticities that differ from their sector's default.
    pub supply: Vec<SupplyRow>,
    /// `policy_rates.csv`, for a dataset that has one.
    pub policy_rates: Option<Vec<PolicyRow>>,
}

/// A dataset built through the library's types, with its rows' provenance.
#[derive(Debug, Clone)]
pub struct SourcedDataset {
    name: String,
    data: Dataset,
    rows: DatasetRows,
}

impl SourcedDataset {
    /// Builds the library dataset of `rows`.
    ///
    /// # Errors
    /// [`Error::UnknownCode`] or [`Error::DuplicateRow`] in a rate or supply
    /// table; [`Error::Check`] for a rate on a country's own sales or out of
    /// its range; [`Error::Model`] when the library refuses a value.
    pub fn build(name: &str, rows: DatasetRows) -> Result<Self> {
        let model = |source| Error::Model {
            dataset: name.to_string(),
            source,
        };
        let codes: Vec<&str> = rows.countries.iter().map(|c| c.code.as_str()).collect();
        let sector_codes: Vec<&str> = rows.sectors.iter().map(|s| s.code.as_str()).collect();
        let tariffs = expand_rates(name, "tariffs", &rows.tariffs, &codes, &sector_codes)?;
        let ntb = expand_rates(name, "ntb", &rows.ntb, &codes, &sector_codes)?;
        let supply = expand_supply(name, &rows, &codes, &sector_codes)?;
        let mut sectors = Vec::with_capacity(rows.sectors.len());
        let mut markets = Vec::with_capacity(rows.sectors.len());
        for (s, row) in rows.sectors.iter().enumerate() {
            sectors.push(Sector {
                code: row.code.clone(),
                name: row.name.clone(),
                elasticities: Elasticities::new(row.sigma_m, row.sigma_d, row.eta)
                    .map_err(model)?,
                supply_default: row.epsilon,
            });
            let flows = Matrix::from_rows(&rows.flows[s]).map_err(model)?;
            markets.push(
                Market::new(flows, tariffs[s].clone(), ntb[s].clone(), supply[s].clone())
                    .and_then(|m| m.with_mfn(mfn_rates(&rows.tariffs, &codes, sector_codes[s])))
                    .map_err(model)?,
            );
        }
        let countries = rows.countries.iter().map(CountryRow::country).collect();
        let data = Dataset::new(countries, sectors, markets).map_err(model)?;
        Ok(SourcedDataset {
            name: name.to_string(),
            data,
            rows,
        })
    }

    /// The dataset's name (its folder under `data/`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The library's dataset.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The rows as built, with their sources.
    pub fn rows(&self) -> &DatasetRows {
        &self.rows
    }

    /// The rows, to change and build again.
    pub fn into_rows(self) -> DatasetRows {
        self.rows
    }
}

/// One matrix per sector from rate rows: for each cell the most specific row
/// wins, (sector, exporter) > (sector, `*`) > (`*`, exporter) > (`*`, `*`);
/// no row means 0; exporter `*` never reaches a country's own sales.
/// Each importer's MFN rate in `sector`: its most specific exporter-`*`
/// tariff row, (sector, `*`) before (`*`, `*`), else 0 (as the library's
/// loader reads it).
fn mfn_rates(rows: &[RateRow], codes: &[&str], sector: &str) -> Vec<f64> {
    codes
        .iter()
        .map(|importer| {
            [sector, "*"]
                .iter()
                .find_map(|sec| {
                    rows.iter()
                        .find(|r| r.exporter == "*" && r.importer == *importer && r.sector == *sec)
                        .map(|r| r.rate)
                })
                .unwrap_or(0.0)
        })
        .collect()
}

fn expand_rates(
    dataset: &str,
    file: &str,
    rows: &[RateRow],
    codes: &[&str],
    sectors: &[&str],
) -> Result<Vec<Matrix>> {
    let lookup = |list: &[&str], code: &str, what: &str| -> Result<Option<usize>> {
        if code == "*" && what != "importer" {
            return Ok(None);
        }
        list.iter()
            .position(|c| *c == code)
            .map(Some)
            .ok_or_else(|| Error::UnknownCode {
                dataset: dataset.to_string(),
                what: format!("{file} {what}"),
                code: code.to_string(),
            })
    };
    let floor_ok = |rate: f64| {
        if file == "ntb" {
            rate >= 0.0
        } else {
            rate > -1.0
        }
    };
    let mut keyed = Vec::with_capacity(rows.len());
    let mut seen = BTreeSet::new();
    for r in rows {
        let key = format!("{} {} {}", r.sector, r.exporter, r.importer);
        if r.exporter == r.importer {
            return Err(Error::Check(format!(
                "{dataset}/{file}: a rate on a country's own sales ({key})"
            )));
        }
        if !(r.rate.is_finite() && floor_ok(r.rate)) {
            return Err(Error::Check(format!(
                "{dataset}/{file}: rate {} out of range ({key})",
                r.rate
            )));
        }
        let s = lookup(sectors, &r.sector, "sector")?;
        let i = lookup(codes, &r.exporter, "exporter")?;
        let j = lookup(codes, &r.importer, "importer")?.unwrap_or_default();
        if !seen.insert((s, i, j)) {
            return Err(Error::DuplicateRow {
                dataset: dataset.to_string(),
                file: file.to_string(),
                row: key,
            });
        }
        keyed.push(((s, i, j), r.rate));
    }
    let n = codes.len();
    let mut out = vec![Matrix::zeros(n); sectors.len()];
    for (s, m) in out.iter_mut().enumerate() {
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i) {
                let rate = [
                    (Some(s), Some(i)),
                    (Some(s), None),
                    (None, Some(i)),
                    (None, None),
                ]
                .iter()
                .find_map(|&(ks, ki)| {
                    keyed
                        .iter()
                        .find(|(key, _)| *key == (ks, ki, j))
                        .map(|&(_, rate)| rate)
                });
                m.set(i, j, rate.unwrap_or(0.0));
            }
        }
    }
    Ok(out)
}

/// Supply elasticities per sector and country: the sector's default unless
/// a supply row names the pair.
fn expand_supply(
    dataset: &str,
    rows: &DatasetRows,
    codes: &[&str],
    sectors: &[&str],
) -> Result<Vec<Vec<f64>>> {
    let unknown = |what: &str, code: &str| Error::UnknownCode {
        dataset: dataset.to_string(),
        what: format!("supply {what}"),
        code: code.to_string(),
    };
    let mut out: Vec<Vec<f64>> = rows
        .sectors
        .iter()
        .map(|s| vec![s.epsilon; codes.len()])
        .collect();
    let mut seen = BTreeSet::new();
    for r in &rows.supply {
        let s = sectors
            .iter()
            .position(|c| *c == r.sector)
            .ok_or_else(|| unknown("sector", &r.sector))?;
        let c = codes
            .iter()
            .position(|c| *c == r.country)
            .ok_or_else(|| unknown("country", &r.country))?;
        if !seen.insert((s, c)) {
            return Err(Error::DuplicateRow {
                dataset: dataset.to_string(),
                file: "supply".to_string(),
                row: format!("{} {}", r.sector, r.country),
            });
        }
        out[s][c] = r.epsilon;
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn rate(sector: &str, exporter: &str, importer: &str, rate: f64) -> RateRow {
        RateRow {
            sector: sector.to_string(),
            exporter: exporter.to_string(),
            importer: importer.to_string(),
            rate,
            source: "test".to_string(),
        }
    }

    /// Three countries, two sectors, the given tariff rows.
    pub(crate) fn rows(tariffs: Vec<RateRow>) -> DatasetRows {
        let country = |code: &str| CountryRow {
            code: code.to_string(),
            name: format!("Country {code}"),
            gdp: Some(100.0),
            collection: 1.0,
            note: None,
            source: "test".to_string(),
        };
        let sector = |code: &str| SectorRow {
            code: code.to_string(),
            name: format!("Sector {code}"),
            sigma_m: 4.0,
            sigma_d: 2.0,
            eta: 1.0,
            epsilon: 1.5,
            source: "test".to_string(),
        };
        let plane = vec![
            vec![5.0, 1.0, 2.0],
            vec![1.5, 6.0, 0.0],
            vec![0.5, 2.5, 7.0],
        ];
        DatasetRows {
            countries: vec![country("A"), country("B"), country("C")],
            sectors: vec![sector("S1"), sector("S2")],
            flows: vec![plane.clone(), plane],
            flow_sources: vec![vec![vec!["test".to_string(); 3]; 3]; 2],
            tariffs,
            ntb: vec![rate("*", "A", "B", 0.1)],
            supply: vec![SupplyRow {
                sector: "S2".to_string(),
                country: "C".to_string(),
                epsilon: f64::INFINITY,
                source: "test".to_string(),
            }],
            policy_rates: None,
        }
    }

    #[test]
    fn the_most_specific_rate_row_wins() {
        let d = SourcedDataset::build(
            "t",
            rows(vec![
                rate("*", "*", "B", 0.01),
                rate("*", "A", "B", 0.02),
                rate("S1", "*", "B", 0.03),
                rate("S1", "C", "B", 0.04),
            ]),
        )
        .unwrap();
        let t = |s: usize, i: usize, j: usize| d.data().markets()[s].tariffs().get(i, j);
        assert_eq!(t(0, 2, 1), 0.04); // (sector, exporter)
        assert_eq!(t(0, 0, 1), 0.03); // (sector, *) beats (*, exporter)
        assert_eq!(t(1, 0, 1), 0.02); // (*, exporter)
        assert_eq!(t(1, 2, 1), 0.01); // (*, *)
        assert_eq!(t(0, 1, 1), 0.0); // `*` never reaches own sales
        assert_eq!(t(0, 1, 0), 0.0); // no row
        let m = &d.data().markets()[1];
        assert_eq!(m.ntb().get(0, 1), 0.1);
        assert_eq!(m.supply(), &[1.5, 1.5, f64::INFINITY]);
    }

    #[test]
    fn bad_rows_are_refused_with_their_reason() {
        let build = |r: Vec<RateRow>| SourcedDataset::build("t", rows(r)).unwrap_err();
        let dup = build(vec![rate("S1", "*", "B", 0.1), rate("S1", "*", "B", 0.2)]);
        assert!(matches!(dup, Error::DuplicateRow { .. }), "{dup}");
        let own = build(vec![rate("S1", "B", "B", 0.1)]);
        assert!(matches!(own, Error::Check(_)), "{own}");
        let low = build(vec![rate("S1", "A", "B", -1.0)]);
        assert!(matches!(low, Error::Check(_)), "{low}");
        let unknown = build(vec![rate("S9", "A", "B", 0.1)]);
        assert!(matches!(unknown, Error::UnknownCode { .. }), "{unknown}");
        let mut bad_sigma = rows(Vec::new());
        bad_sigma.sectors[0].sigma_m = -2.0;
        let model = SourcedDataset::build("t", bad_sigma).unwrap_err();
        assert!(matches!(model, Error::Model { .. }), "{model}");
    }
}

//! Writing a dataset as its data folder, and reading it back through the
//! library's loader to prove the files say what was built.
//!
//! ```text
//! countries.csv     code,name,gdp,collection,note,source    gdp US$ million to 1 decimal (empty: unknown);
//!                                                          collection to 4 decimals; note empty: none
//! sectors.csv       code,name,sigma_m,sigma_d,eta,epsilon,source
//! flows.csv         sector,exporter,importer,value,source      every cell, US$ million to 3 decimals
//! tariffs.csv       sector,exporter,importer,rate,source       rates to 4 decimals; `*` rows as built
//! ntb.csv           sector,exporter,importer,rate,source
//! supply.csv        sector,country,epsilon,source
//! policy_rates.csv  measure,sector,rate,source                 (eaeu2009 only)
//! ```
//! Lines end in `\n`; a field holding a comma is quoted (RFC 4180); fields
//! never hold a quote or a line break and are never empty, except the
//! optional `gdp` and `note` of `countries.csv` (checked).

use std::fs;
use std::path::Path;

use customs_union::io::load_data_dir;

use crate::error::{Error, Result};
use crate::figures::{FLOW_DECIMALS, GDP_DECIMALS, RATE_DECIMALS};
use crate::sourced::{RateRow, SourcedDataset};

/// A CSV table: header and rows.
struct Table {
    file: &'static str,
    header: &'static [&'static str],
    /// Columns that may be empty (the value is absent).
    optional: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(file: &'static str, header: &'static [&'static str]) -> Self {
        Table {
            file,
            header,
            optional: &[],
            rows: Vec::new(),
        }
    }

    fn render(&self, dataset: &str, dir: &Path) -> Result<Vec<u8>> {
        let path = dir.join(self.file);
        let csv_error = |source| Error::Csv {
            path: path.clone(),
            source,
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(self.header).map_err(csv_error)?;
        for (k, row) in self.rows.iter().enumerate() {
            let refuse = |message: String| Error::Table {
                dataset: dataset.to_string(),
                file: self.file.to_string(),
                row: k,
                message,
            };
            if row.len() != self.header.len() {
                return Err(refuse(format!("{} fields", row.len())));
            }
            let bad = row.iter().zip(self.header).any(|(f, h)| {
                (f.is_empty() && !self.optional.contains(h)) || f.contains(['"', '\n', '\r'])
            });
            if bad {
                return Err(refuse("empty field or quote/line break".to_string()));
            }
            w.write_record(row).map_err(csv_error)?;
        }
        w.into_inner().map_err(|e| Error::Io {
            path,
            source: e.into_error(),
        })
    }
}

/// A rate as written.
fn fmt_rate(x: f64) -> String {
    format!("{:.*}", RATE_DECIMALS as usize, x)
}

/// An elasticity as written: shortest round-trip form, `inf` for infinity.
fn fmt_param(x: f64) -> String {
    if x.is_infinite() {
        "inf".to_string()
    } else {
        format!("{x:?}")
    }
}

fn rate_table(file: &'static str, rows: &[RateRow]) -> Table {
    let mut t = Table::new(file, &["sector", "exporter", "importer", "rate", "source"]);
    for r in rows {
        t.rows.push(vec![
            r.sector.clone(),
            r.exporter.clone(),
            r.importer.clone(),
            fmt_rate(r.rate),
            r.source.clone(),
        ]);
    }
    t
}

/// The tables of `d`, in the order they are written.
fn tables(d: &SourcedDataset) -> Vec<Table> {
    let data = d.data();
    let rows = d.rows();
    let mut out = Vec::new();

    let mut t = Table::new(
        "countries.csv",
        &["code", "name", "gdp", "collection", "note", "source"],
    );
    t.optional = &["gdp", "note"];
    for (c, row) in data.countries().iter().zip(&rows.countries) {
        t.rows.push(vec![
            c.code.clone(),
            c.name.clone(),
            c.gdp
                .map(|g| format!("{:.*}", GDP_DECIMALS as usize, g))
                .unwrap_or_default(),
            fmt_rate(c.collection),
            c.note.clone().unwrap_or_default(),
            row.source.clone(),
        ]);
    }
    out.push(t);

    let mut t = Table::new(
        "sectors.csv",
        &[
            "code", "name", "sigma_m", "sigma_d", "eta", "epsilon", "source",
        ],
    );
    for (s, row) in data.sectors().iter().zip(&rows.sectors) {
        let e = s.elasticities;
        t.rows.push(vec![
            s.code.clone(),
            s.name.clone(),
            fmt_param(e.sigma_import),
            fmt_param(e.sigma_domestic),
            fmt_param(e.demand),
            fmt_param(s.supply_default),
            row.source.clone(),
        ]);
    }
    out.push(t);

    let mut t = Table::new(
        "flows.csv",
        &["sector", "exporter", "importer", "value", "source"],
    );
    for (k, (s, m)) in data.sectors().iter().zip(data.markets()).enumerate() {
        for (i, ci) in data.countries().iter().enumerate() {
            for (j, cj) in data.countries().iter().enumerate() {
                t.rows.push(vec![
                    s.code.clone(),
                    ci.code.clone(),
                    cj.code.clone(),
                    format!("{:.*}", FLOW_DECIMALS as usize, m.flows().get(i, j)),
                    rows.flow_sources[k][i][j].clone(),
                ]);
            }
        }
    }
    out.push(t);

    out.push(rate_table("tariffs.csv", &rows.tariffs));
    out.push(rate_table("ntb.csv", &rows.ntb));

    let mut t = Table::new("supply.csv", &["sector", "country", "epsilon", "source"]);
    for r in &rows.supply {
        t.rows.push(vec![
            r.sector.clone(),
            r.country.clone(),
            fmt_param(r.epsilon),
            r.source.clone(),
        ]);
    }
    out.push(t);

    if let Some(policy) = &rows.policy_rates {
        let mut t = Table::new("policy_rates.csv", &["measure", "sector", "rate", "source"]);
        for r in policy {
            t.rows.push(vec![
                r.measure.clone(),
                r.sector.clone(),
                fmt_rate(r.rate),
                r.source.clone(),
            ]);
        }
        out.push(t);
    }
    out
}

/// Writes `d` into `dir` (made if missing), then reads the folder back with
/// the library's loader and checks that it holds exactly the dataset built.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`] or [`Error::Table`] when a file cannot be
/// written; [`Error::Model`] when the library cannot load the folder;
/// [`Error::RoundTrip`] when it loads as another dataset.
pub fn write_dataset(dir: &Path, d: &SourcedDataset) -> Result<()> {
    fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    // render every table before writing any, so a bad row leaves no half folder
    let bodies = tables(d)
        .iter()
        .map(|t| Ok((t.file, t.render(d.name(), dir)?)))
        .collect::<Result<Vec<_>>>()?;
    for (file, body) in bodies {
        let path = dir.join(file);
        fs::write(&path, body).map_err(|source| Error::Io { path, source })?;
    }
    read_back(dir, d)
}

/// Loads `dir` with the library and compares it with `d`'s dataset.
fn read_back(dir: &Path, d: &SourcedDataset) -> Result<()> {
    let loaded = load_data_dir(dir)
        .map_err(|source| Error::Model {
            dataset: d.name().to_string(),
            source,
        })?
        .dataset;
    let built = d.data();
    if loaded == *built {
        return Ok(());
    }
    let what = if loaded.countries() != built.countries() {
        "countries".to_string()
    } else if loaded.sectors() != built.sectors() {
        "sectors".to_string()
    } else {
        let s = (loaded.markets().iter().zip(built.markets()))
            .position(|(a, b)| a != b)
            .unwrap_or_default();
        format!("market of sector {}", built.sectors()[s].code)
    };
    Err(Error::RoundTrip {
        dir: dir.to_path_buf(),
        what,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sourced::tests::rows;

    fn tariff(rate: f64) -> RateRow {
        RateRow {
            sector: "S1".to_string(),
            exporter: "*".to_string(),
            importer: "A".to_string(),
            rate,
            source: "test, with a comma".to_string(),
        }
    }

    #[test]
    fn written_files_read_back_as_the_dataset_built() {
        let d = SourcedDataset::build("t", rows(vec![tariff(0.1234)])).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        write_dataset(tmp.path(), &d).unwrap();
        let tariffs = fs::read_to_string(tmp.path().join("tariffs.csv")).unwrap();
        assert_eq!(
            tariffs,
            "sector,exporter,importer,rate,source\nS1,*,A,0.1234,\"test, with a comma\"\n"
        );
        assert!(!tmp.path().join("policy_rates.csv").exists());
    }

    #[test]
    fn a_value_lost_to_rounding_fails_the_read_back() {
        let d = SourcedDataset::build("t", rows(vec![tariff(0.12345)])).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let err = write_dataset(tmp.path(), &d).unwrap_err();
        assert!(
            matches!(&err, Error::RoundTrip { what, .. } if what == "market of sector S1"),
            "{err}"
        );
    }

    #[test]
    fn a_field_with_a_quote_is_refused_before_anything_is_written() {
        let mut r = rows(Vec::new());
        r.countries[1].source = "say \"no\"".to_string();
        let d = SourcedDataset::build("t", r).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let err = write_dataset(tmp.path(), &d).unwrap_err();
        assert!(matches!(err, Error::Table { row: 1, .. }), "{err}");
        assert!(!tmp.path().join("countries.csv").exists());
    }
}

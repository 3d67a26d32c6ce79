//! The per-draw CSV file: one row per draw with its parameters and the main
//! outcome fields of every country and union, under column names valid in
//! Stata, R and pandas, with a key file that says what each column holds.
//!
//! ```text
//! FILE.csv      draw, status (ok | failed), scenario, reason, p<i>..., s<k>_e<e>_f<j>...
//!               p<i>          varied item i (in the order of the run's parameters)
//!               s<k>_e<e>_f<j> scenario k (file order), entity e (countries in data order,
//!                             then the scenario's unions, then the tracked outputs), field j
//!                             (of CSV_FIELDS; of the output's own fields when tracked); all from 0
//! FILE.key.csv  column, scenario, kind, entity, field   (one row per column of FILE.csv)
//!               kind: draw (the four draw columns), parameter (field = the item's label),
//!                     country or union (an outcome of that scenario's entity), tracked
//!                     (entity MACH/KAZ for a sector row, MACH/CHN->KAZ for a flow)
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use super::block::DrawBlock;
use super::layout::{CSV_FIELDS, RunMeta};
use super::prepared::PreparedRun;
use crate::error::{Error, Result};

/// One column of the per-draw CSV file, as its key file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawColumn {
    /// The column's name in the file (`draw`, `p0`, `s1_e3_f0`, ...).
    pub column: String,
    /// The scenario of an outcome column (empty otherwise).
    pub scenario: String,
    /// `draw`, `parameter`, `country`, `union` or `tracked`.
    pub kind: &'static str,
    /// The country code or union name of an outcome column, or a tracked
    /// output's label (`MACH/KAZ`, `MACH/CHN->KAZ`) (empty otherwise).
    pub entity: String,
    /// The outcome field, the varied item's label, or what a draw column holds.
    pub field: String,
    /// Position of an outcome column's value within a draw.
    value_index: Option<usize>,
}

fn draw_column(column: &str, field: &str) -> DrawColumn {
    DrawColumn {
        column: column.to_string(),
        scenario: String::new(),
        kind: "draw",
        entity: String::new(),
        field: field.to_string(),
        value_index: None,
    }
}

/// The columns of the per-draw CSV file of a run, in file order.
pub fn draws_csv_columns(meta: &RunMeta) -> Vec<DrawColumn> {
    let lay = &meta.layout;
    let mut cols = vec![
        draw_column("draw", "draw index, from 0"),
        draw_column("status", "ok or failed"),
        draw_column("scenario", "scenario where a failed draw failed"),
        draw_column("reason", "why a failed draw failed"),
    ];
    cols.extend(
        meta.parameters
            .iter()
            .enumerate()
            .map(|(i, label)| DrawColumn {
                column: format!("p{i}"),
                scenario: String::new(),
                kind: "parameter",
                entity: String::new(),
                field: label.clone(),
                value_index: None,
            }),
    );
    let nc = lay.countries().len();
    for (s, sl) in lay.scenarios().iter().enumerate() {
        for e in 0..lay.entities(s) {
            for (j, name) in CSV_FIELDS.iter().enumerate() {
                let Some(fi) = lay.field(name) else { continue };
                cols.push(DrawColumn {
                    column: format!("s{s}_e{e}_f{j}"),
                    scenario: sl.name.clone(),
                    kind: if e < nc { "country" } else { "union" },
                    entity: lay.entity_name(s, e).to_string(),
                    field: (*name).to_string(),
                    value_index: Some(lay.index(s, e, fi)),
                });
            }
        }
        // tracked outputs continue the entities: e = entities + t, j = the output's own field
        for (t, tr) in lay.tracked().iter().enumerate() {
            let e = lay.entities(s) + t;
            for (j, (name, at)) in tr
                .fields()
                .into_iter()
                .zip(lay.tracked_range(s, t))
                .enumerate()
            {
                cols.push(DrawColumn {
                    column: format!("s{s}_e{e}_f{j}"),
                    scenario: sl.name.clone(),
                    kind: "tracked",
                    entity: tr.label(),
                    field: name.to_string(),
                    value_index: Some(at),
                });
            }
        }
    }
    cols
}

/// Where the key file of the per-draw CSV file `path` goes: beside it,
/// `draws.csv` → `draws.key.csv` (a name without `.csv` gains `.key.csv`).
pub fn draws_key_path(path: &Path) -> PathBuf {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let base = if is_csv {
        path.with_extension("")
    } else {
        path.to_path_buf()
    };
    let mut name = base.into_os_string();
    name.push(".key.csv");
    PathBuf::from(name)
}

fn io_error(message: String) -> Error {
    Error::io_message("draws csv", message)
}

/// Writes one CSV row per draw of `block` under the names of
/// [`draws_csv_columns`]: `draw, status, scenario, reason`, every varied
/// item's value, then the outcome columns (empty for a failed draw).
///
/// # Errors
/// [`Error::Io`] when writing fails.
pub fn write_draws_csv<W: Write>(run: &PreparedRun, block: &DrawBlock, out: W) -> Result<()> {
    let columns = draws_csv_columns(&run.meta);
    let values: Vec<usize> = columns.iter().filter_map(|c| c.value_index).collect();
    let mut w = csv::Writer::from_writer(out);
    w.write_record(columns.iter().map(|c| c.column.as_str()))
        .map_err(|e| io_error(e.to_string()))?;
    let mut failures = block.failures.iter().peekable();
    let mut row: Vec<String> = Vec::with_capacity(columns.len());
    for k in block.start..block.end {
        row.clear();
        row.push(k.to_string());
        match failures.next_if(|f| f.draw == k) {
            Some(fl) => {
                row.push("failed".into());
                row.push(fl.scenario.clone().unwrap_or_default());
                row.push(fl.reason.clone());
                row.extend(fl.parameters.iter().map(f64::to_string));
                row.extend(values.iter().map(|_| String::new()));
            }
            None => {
                row.push("ok".into());
                row.push(String::new());
                row.push(String::new());
                row.extend(run.mc.parameters(k).iter().map(f64::to_string));
                let v = block.draw(k);
                row.extend(values.iter().map(|&c| v[c].to_string()));
            }
        }
        w.write_record(&row).map_err(|e| io_error(e.to_string()))?;
    }
    w.flush().map_err(|e| io_error(e.to_string()))
}

/// Writes the key of the per-draw CSV file: `column, scenario, kind,
/// entity, field`, one row per column of [`draws_csv_columns`].
///
/// # Errors
/// [`Error::Io`] when writing fails.
pub fn write_draws_key<W: Write>(meta: &RunMeta, out: W) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| io_error(e.to_string());
    w.write_record(["column", "scenario", "kind", "entity", "field"])
        .map_err(err)?;
    for c in draws_csv_columns(meta) {
        w.write_record([c.column.as_str(), &c.scenario, c.kind, &c.entity, &c.field])
            .map_err(err)?;
    }
    w.flush().map_err(|e| io_error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_sits_beside_the_file() {
        assert_eq!(
            draws_key_path(Path::new("out/draws.csv")),
            PathBuf::from("out/draws.key.csv")
        );
        assert_eq!(
            draws_key_path(Path::new("draws.CSV")),
            PathBuf::from("draws.key.csv")
        );
        assert_eq!(
            draws_key_path(Path::new("out/draws")),
            PathBuf::from("out/draws.key.csv")
        );
    }
}

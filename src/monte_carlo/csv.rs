//! The per-draw CSV file: one row per draw with its parameters and the main
//! outcome fields of every country and union.
//!
//! ```text
//! draw, status (ok | failed), scenario, reason, <item label>..., <scenario>/<country or union>/<field>...,
//! <scenario>/<tracked label>/<field>...
//! ```

use std::io::Write;

use super::block::DrawBlock;
use super::layout::CSV_FIELDS;
use super::prepared::PreparedRun;
use crate::error::{Error, Result};

/// Writes one CSV row per draw of `block`: `draw, status, scenario, reason`,
/// every varied item's value, then `<scenario>/<country or union>/<field>`
/// for the [`CSV_FIELDS`] (empty for a failed draw).
///
/// # Errors
/// [`Error::Io`] when writing fails.
pub fn write_draws_csv<W: Write>(run: &PreparedRun, block: &DrawBlock, out: W) -> Result<()> {
    let io = |message: String| Error::io_message("draws csv", message);
    let meta = &run.meta;
    let lay = &meta.layout;
    let field_ix: Vec<usize> = CSV_FIELDS
        .iter()
        .map(|c| lay.field(c).unwrap_or(0))
        .collect();
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = ["draw", "status", "scenario", "reason"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    header.extend(meta.parameters.iter().cloned());
    let mut cols: Vec<usize> = Vec::new();
    for (s, sl) in lay.scenarios().iter().enumerate() {
        for e in 0..lay.entities(s) {
            let name = lay.entity_name(s, e);
            for (c, &fi) in CSV_FIELDS.iter().zip(&field_ix) {
                header.push(format!("{}/{name}/{c}", sl.name));
                cols.push(lay.index(s, e, fi));
            }
        }
        for (t, tr) in lay.tracked().iter().enumerate() {
            for (field, i) in tr.fields().into_iter().zip(lay.tracked_range(s, t)) {
                header.push(format!("{}/{}/{field}", sl.name, tr.label()));
                cols.push(i);
            }
        }
    }
    w.write_record(&header).map_err(|e| io(e.to_string()))?;
    let mut failures = block.failures.iter().peekable();
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for k in block.start..block.end {
        row.clear();
        row.push(k.to_string());
        match failures.next_if(|f| f.draw == k) {
            Some(fl) => {
                row.push("failed".into());
                row.push(fl.scenario.clone().unwrap_or_default());
                row.push(fl.reason.clone());
                row.extend(fl.parameters.iter().map(f64::to_string));
                row.extend(cols.iter().map(|_| String::new()));
            }
            None => {
                row.push("ok".into());
                row.push(String::new());
                row.push(String::new());
                row.extend(run.mc.parameters(k).iter().map(f64::to_string));
                let v = block.draw(k);
                row.extend(cols.iter().map(|&c| v[c].to_string()));
            }
        }
        w.write_record(&row).map_err(|e| io(e.to_string()))?;
    }
    w.flush().map_err(|e| io(e.to_string()))
}

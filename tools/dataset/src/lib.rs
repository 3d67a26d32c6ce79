//! Generator of the embedded datasets `data/eaeu2009` and `data/kaz1995` of
//! the `customs-union` library, from the raw files in `data/raw/`.
//!
//! Every figure written to the CSV files is either read from a raw file
//! ([`sources`]) or is a named constant in [`figures`] whose comment gives its
//! status (V read in the named source, V2 read in a secondary source quoting
//! it, D derived by the stated rule, U assumption, seed stated in the 1995
//! essay) and its origin. The same status and origin go into each row's
//! `source` column.
//!
//! ```text
//! sources      raw files -> figures (US$ million)
//! calibration  RAS fit of Kazakhstan's sector split; least-change tariff calibration
//! eaeu2009     7 regions x 8 sectors, 2009, with policy_rates.csv; duty collection
//!              shares calibrated by solving the 2010 CET with the library
//! kaz1995      5 regions x 5 sectors, illustrative 1995
//! sourced      the library's Dataset built from the rows, with every row's source
//! write        the CSV files, read back through the library's loader
//! ```
//!
//! Arithmetic is plain `+ - * /` on values read from text (no transcendental
//! functions), so the output is byte-identical on every IEEE-754 platform,
//! with one exception: the duty collection shares come from the library's
//! equilibrium of the 2010 CET (exponentials and logarithms of the platform's
//! math library) and are written to 4 decimals, so only a result within
//! about 1e-13 of a rounding boundary could differ between platforms.
//!
//! Run it with `cargo run --release -p customs-union-dataset [RAW_DIR [OUT_DIR]]`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Index loops over [origin][destination] read more clearly than zipped iterators in matrix code.
#![allow(clippy::needless_range_loop)]

pub mod calibration;
pub mod eaeu2009;
pub mod error;
pub mod figures;
pub mod kaz1995;
pub mod report;
pub mod sourced;
pub mod sources;
pub mod write;

use std::fmt::Write as _;
use std::path::Path;

pub use error::{Error, Result};
pub use report::Report;

/// Reads the raw files in `raw_dir` and writes `out_dir/eaeu2009/*.csv` and
/// `out_dir/kaz1995/*.csv`.
///
/// # Errors
/// An [`Error`] naming the file or figure at fault when a raw file is missing
/// or malformed, a check against a published figure fails, the RAS fit does
/// not converge, a calibration target is missed, the library cannot solve the
/// 2010 CET on the data, or the files written do not read back as the
/// dataset built.
pub fn generate(raw_dir: &Path, out_dir: &Path) -> Result<Report> {
    let mut report = Report::default();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "customs-union dataset generation report\n(raw files: {})\n",
        raw_dir.display()
    );
    let eaeu = eaeu2009::build(raw_dir, &mut report, &mut text)?;
    write::write_dataset(&out_dir.join(eaeu.name()), &eaeu)?;
    let kaz = kaz1995::build(raw_dir, &mut text)?;
    write::write_dataset(&out_dir.join(kaz.name()), &kaz)?;
    report.text = text;
    Ok(report)
}

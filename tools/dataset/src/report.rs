//! The generation report: the figures the tests check, and the printable
//! text every build step adds to.

use std::fmt::{self, Write as _};

/// Results the tests check, plus the printable report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Kazakhstan's simple average MFN tariff before the CET, as written.
    pub kaz_simple_before: f64,
    /// Kazakhstan's trade-weighted average before the CET, as written.
    pub kaz_weighted_before: f64,
    /// Russia's schedule (the CET) applied to Kazakhstan: simple average.
    pub kaz_simple_cet: f64,
    /// Russia's schedule applied to Kazakhstan's imports: weighted average.
    pub kaz_weighted_cet: f64,
    /// Kazakhstan's 2009 import shares by partner.
    pub kaz_import_shares: Vec<(String, f64)>,
    /// Iterations of the export and import RAS fits.
    pub ras_iterations: (usize, usize),
    /// Simple average of the CET after the WTO cuts (2020).
    pub cet_2020_simple: f64,
    /// Kazakhstan's bound rates: simple average, AGF, mean of the other sectors.
    pub kaz_bound: (f64, f64, f64),
    /// The duty collection share `k` of each union member, as written.
    pub collection: Vec<(String, f64)>,
    /// Each member's share of the members' collected duties under the 2010
    /// CET, as the library reports it: (code, baseline, under the CET).
    pub collected_shares: Vec<(String, f64, f64)>,
    /// The printable report.
    pub text: String,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A share as a percentage with two decimals.
pub fn pct(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

/// An aggregate matrix (rows exporter, columns importer), one decimal.
pub fn write_matrix<'a>(
    text: &mut String,
    codes: &[&str],
    rows: impl IntoIterator<Item = &'a [f64]>,
) {
    let _ = write!(text, "  {:<6}", "");
    for r in codes {
        let _ = write!(text, "{r:>14}");
    }
    text.push('\n');
    for (code, row) in codes.iter().zip(rows) {
        let _ = write!(text, "  {code:<6}");
        for c in row {
            let _ = write!(text, "{c:>14.1}");
        }
        text.push('\n');
    }
}

//! The 2009 aggregate matrix: COW v4.0 cells (importer-reported), the two
//! EU27<->ROW cells from the published table, and domestic sales
//! `gamma x GDP - exports`; checked cell by cell against the published table.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::figures::{MATRIX_2009_PUBLISHED, MATRIX_CHECK_TOLERANCE, REGIONS_2009};
use crate::report::write_matrix;
use crate::sources::{gamma, read_cow_cells, read_cow_national, read_gdp, region};

/// Aggregate cells of 2009 (US$ million; rows exporter, columns importer) and
/// the source of each.
pub struct Cells {
    /// `values[i][j]`, exporter i, importer j.
    pub values: [[f64; 7]; 7],
    /// Source of each cell.
    pub sources: Vec<Vec<String>>,
    /// GDP of each region in the base year, US$ million (WDI, as read).
    pub gdp: [f64; 7],
}

/// Reads and checks the aggregate cells; adds the matrix and its checks to `text`.
///
/// # Errors
/// When a raw file fails, the core extract unexpectedly holds EU27<->ROW
/// cells, a domestic sale comes out negative, or a cell misses the published
/// table by more than [`MATRIX_CHECK_TOLERANCE`].
pub fn aggregate_cells(raw: &Path, text: &mut String) -> Result<Cells> {
    let n = REGIONS_2009.len();
    let eu = region("EU27")?;
    let row = region("ROW")?;
    let (mut cells, missing) = read_cow_cells(raw)?;
    let mut cell_source = vec![vec![String::new(); n]; n];
    for i in 0..n {
        for j in 0..n {
            let low = REGIONS_2009[i] == "KGZ" || REGIONS_2009[j] == "KGZ";
            cell_source[i][j] = if low {
                "V (COW v4.0 2009; importer-reported; KGZ cell of low reliability: KGZ import cells mostly Chinese-reported re-exports)".to_string()
            } else {
                "V (COW v4.0 2009; importer-reported)".to_string()
            };
        }
    }
    for (i, j) in [(eu, row), (row, eu)] {
        if cells[i][j] != 0.0 {
            return Err(Error::Check(
                "EU27<->ROW cells unexpectedly present in the core-5 extract".into(),
            ));
        }
        cells[i][j] = MATRIX_2009_PUBLISHED[i][j];
        cell_source[i][j] =
            "V2 (COW v4.0 as quoted in the published 2009 matrix, docs/sources.md#the-2009-matrix; the core-5 extract holds no EU27-ROW dyads)"
                .to_string();
    }
    let gdp = read_gdp(raw)?;
    for i in 0..n {
        let exports: f64 = (0..n).filter(|&j| j != i).map(|j| cells[i][j]).sum();
        let gamma = gamma(REGIONS_2009[i], "eaeu2009")?;
        cells[i][i] = gamma * gdp[i] - exports;
        if cells[i][i] <= 0.0 {
            return Err(Error::Check(format!(
                "negative domestic sales for {}",
                REGIONS_2009[i]
            )));
        }
        cell_source[i][i] = format!(
            "D (domestic sales = gamma {gamma} (U) x GDP {:.0} (V: WDI 2009) - exports {:.0} (V: matrix row sum))",
            gdp[i], exports
        );
    }
    let mut max_diff: f64 = 0.0;
    for i in 0..n {
        for j in 0..n {
            let d = (cells[i][j] - MATRIX_2009_PUBLISHED[i][j]).abs();
            if d > MATRIX_CHECK_TOLERANCE {
                return Err(Error::Check(format!(
                    "cell {}->{}: raw files give {:.1}, the published matrix {:.0}",
                    REGIONS_2009[i], REGIONS_2009[j], cells[i][j], MATRIX_2009_PUBLISHED[i][j]
                )));
            }
            max_diff = max_diff.max(d);
        }
    }
    let _ = writeln!(
        text,
        "== eaeu2009 ==\nAggregate 2009 matrix (US$ million; rows exporter, columns importer):"
    );
    write_matrix(text, &REGIONS_2009, cells.iter().map(|r| r.as_slice()));
    let _ = writeln!(
        text,
        "  Matches the published 2009 matrix within {max_diff:.2} (tolerance {MATRIX_CHECK_TOLERANCE}); \
         {missing} empty COW flows in 2009 dyads treated as 0; EU27<->ROW from the published matrix (V2)."
    );
    let national = read_cow_national(raw)?;
    let _ = writeln!(
        text,
        "  Matrix sums vs COW national totals (the matrix's own sums are used):"
    );
    for (code, (imp, exp)) in &national {
        let i = region(code)?;
        let m_imp: f64 = (0..n).filter(|&k| k != i).map(|k| cells[k][i]).sum();
        let m_exp: f64 = (0..n).filter(|&k| k != i).map(|k| cells[i][k]).sum();
        let _ = writeln!(
            text,
            "    {code}: imports {m_imp:>10.0} (national {imp:>10.0})   exports {m_exp:>10.0} (national {exp:>10.0})"
        );
    }
    Ok(Cells {
        values: cells,
        sources: cell_source,
        gdp,
    })
}

//! The sector split of the 2009 cells: the baseline file's shares, then for
//! Kazakhstan a RAS fit of its export and import cells to the 2015 BNS
//! composition (each partner's total stays its aggregate cell).

use std::fmt::Write as _;
use std::path::Path;

use crate::calibration::{ras, round_to};
use crate::error::Result;
use crate::figures::{FLOW_DECIMALS, REGIONS_2009, SECTOR_DEFS};
use crate::report::Report;
use crate::sources::{BaselineShares, Bns, read_baseline_shares, region};

use super::cells::Cells;

/// Flows by sector, as written (rounded), and their sources.
pub struct Split {
    /// `flows[s][i][j]`, US$ million rounded to [`FLOW_DECIMALS`].
    pub flows: Vec<Vec<Vec<f64>>>,
    /// Source of each flow.
    pub sources: Vec<Vec<Vec<String>>>,
}

/// Splits the aggregate cells by sector and fits Kazakhstan's composition;
/// adds the fit to `text` and its iterations to `report`.
///
/// # Errors
/// When a raw file fails or the RAS fit does.
pub fn sector_split(
    raw: &Path,
    cells: &Cells,
    bns: &Bns,
    report: &mut Report,
    text: &mut String,
) -> Result<Split> {
    let n = REGIONS_2009.len();
    let kaz = region("KAZ")?;
    let BaselineShares {
        shares,
        labels,
        totals: base_totals,
    } = read_baseline_shares(raw)?;
    let mut base_dev: f64 = 0.0;
    for i in 0..n {
        for j in 0..n {
            base_dev = base_dev.max((base_totals[i][j] - cells.values[i][j]).abs());
        }
    }
    let _ = writeln!(
        text,
        "  baseline_7x7x8 2009 cell totals differ from these cells by at most {base_dev:.2} (its rounding); only its shares are used.\n"
    );
    let mut flows = vec![vec![vec![0.0; n]; n]; 8];
    for s in 0..8 {
        for i in 0..n {
            for j in 0..n {
                flows[s][i][j] = cells.values[i][j] * shares[s][i][j];
            }
        }
    }
    let partners: Vec<usize> = (0..n).filter(|&k| k != kaz).collect();
    let seed_ex: Vec<[f64; 8]> = partners
        .iter()
        .map(|&j| std::array::from_fn(|s| flows[s][kaz][j]))
        .collect();
    let seed_im: Vec<[f64; 8]> = partners
        .iter()
        .map(|&i| std::array::from_fn(|s| flows[s][i][kaz]))
        .collect();
    let mut ex = seed_ex.clone();
    let mut im = seed_im.clone();
    let ex_rows: Vec<f64> = partners.iter().map(|&j| cells.values[kaz][j]).collect();
    let im_rows: Vec<f64> = partners.iter().map(|&i| cells.values[i][kaz]).collect();
    let ex_total: f64 = ex_rows.iter().sum();
    let im_total: f64 = im_rows.iter().sum();
    let ex_cols: [f64; 8] = std::array::from_fn(|s| ex_total * bns.exports[s]);
    let im_cols: [f64; 8] = std::array::from_fn(|s| im_total * bns.imports[s]);
    let it_ex = ras(&mut ex, &ex_rows, &ex_cols)?;
    let it_im = ras(&mut im, &im_rows, &im_cols)?;
    report.ras_iterations = (it_ex, it_im);
    for (k, &j) in partners.iter().enumerate() {
        for s in 0..8 {
            flows[s][kaz][j] = ex[k][s];
            flows[s][j][kaz] = im[k][s];
        }
    }
    // Round what is written, then compute every reported figure from it.
    for plane in flows.iter_mut() {
        for r in plane.iter_mut() {
            for x in r.iter_mut() {
                *x = round_to(*x, FLOW_DECIMALS);
            }
        }
    }
    let mut flow_sources = vec![vec![vec![String::new(); n]; n]; 8];
    for (s, plane) in flow_sources.iter_mut().enumerate() {
        for i in 0..n {
            for j in 0..n {
                let fitted = i != j && (i == kaz || j == kaz);
                let label = labels[i][j].trim_end_matches(" (U)");
                plane[i][j] = if fitted {
                    format!(
                        "D: cell {}; sector split RAS-fitted to KAZ BNS 2015 {} composition (V) from baseline_7x7x8 {label} shares (U)",
                        cells.sources[i][j],
                        if i == kaz { "export" } else { "import" },
                    )
                } else {
                    format!(
                        "U: cell {}; sector share {:.2}% (baseline_7x7x8 {label}; U)",
                        cells.sources[i][j],
                        100.0 * shares[s][i][j],
                    )
                };
            }
        }
    }
    let fit = Fit {
        partners: &partners,
        seed_ex: &seed_ex,
        seed_im: &seed_im,
        flows: &flows,
        kaz,
        bns,
        iterations: (it_ex, it_im),
    };
    fit.write(text);
    Ok(Split {
        flows,
        sources: flow_sources,
    })
}

/// What the report says of the RAS fit.
struct Fit<'a> {
    partners: &'a [usize],
    seed_ex: &'a [[f64; 8]],
    seed_im: &'a [[f64; 8]],
    flows: &'a [Vec<Vec<f64>>],
    kaz: usize,
    bns: &'a Bns,
    iterations: (usize, usize),
}

impl Fit<'_> {
    /// Kazakhstan's flow to (`export`) or from partner `p` in sector `s`.
    fn flow(&self, s: usize, p: usize, export: bool) -> f64 {
        if export {
            self.flows[s][self.kaz][p]
        } else {
            self.flows[s][p][self.kaz]
        }
    }

    fn write(&self, text: &mut String) {
        let _ = writeln!(
            text,
            "RAS fit of Kazakhstan's trade: held fixed each KAZ export cell (row) and import cell (column) of the matrix and every other cell;\n\
             fitted the sector totals of KAZ's exports and imports to the 2015 BNS composition (totals {:.1} and {:.1} US$ m; 2009 matrix: exports {:.1}, imports {:.1}).\n\
             Converged in {} (exports) and {} (imports) iterations.",
            self.bns.totals.0,
            self.bns.totals.1,
            self.seed_ex.iter().flatten().sum::<f64>(),
            self.seed_im.iter().flatten().sum::<f64>(),
            self.iterations.0,
            self.iterations.1
        );
        let _ = write!(text, "  {:<28}", "");
        for (s, _) in SECTOR_DEFS {
            let _ = write!(text, "{s:>7}");
        }
        text.push('\n');
        for (label, seed, target, export) in [
            ("KAZ exports", self.seed_ex, &self.bns.exports, true),
            ("KAZ imports", self.seed_im, &self.bns.imports, false),
        ] {
            let seed_tot: f64 = seed.iter().flatten().sum();
            let fitted: Vec<f64> = (0..8)
                .map(|s| self.partners.iter().map(|&p| self.flow(s, p, export)).sum())
                .collect();
            let fit_tot: f64 = fitted.iter().sum();
            let lines: [(String, Vec<f64>); 3] = [
                (
                    format!("{label}: baseline shares"),
                    (0..8)
                        .map(|s| seed.iter().map(|r| r[s]).sum::<f64>() / seed_tot)
                        .collect(),
                ),
                (format!("{label}: BNS 2015 target"), target.to_vec()),
                (
                    format!("{label}: fitted"),
                    fitted.iter().map(|x| x / fit_tot).collect(),
                ),
            ];
            for (name, v) in lines {
                let _ = write!(text, "  {name:<28}");
                for x in v {
                    let _ = write!(text, "{:>7.1}", 100.0 * x);
                }
                text.push('\n');
            }
        }
        let _ = writeln!(text, "  Fitted sector shares (%) by partner:");
        for &p in self.partners {
            for export in [true, false] {
                let v: Vec<f64> = (0..8).map(|s| self.flow(s, p, export)).collect();
                let t: f64 = v.iter().sum();
                let name = if export {
                    format!("KAZ->{}", REGIONS_2009[p])
                } else {
                    format!("{}->KAZ", REGIONS_2009[p])
                };
                let _ = write!(text, "  {name:<28}");
                for x in v {
                    let _ = write!(text, "{:>7.1}", 100.0 * x / t);
                }
                text.push('\n');
            }
        }
        text.push('\n');
    }
}

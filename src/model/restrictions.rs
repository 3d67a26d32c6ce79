//! Baseline quantitative restrictions and export taxes of one market: the
//! quotas in force in the data (binding at their baseline volume, with a rent
//! wedge `premium`) and the exporters' taxes on their sales.
//!
//! ```text
//! q0[i][j] = (1+t0)(1+c0) (1+e0[i][j]) (1+u0[i][j])     baseline consumer price factor
//! e0[i][j]   export tax set by exporter i on its sales to j   (> -1)
//! u0[i][j]   premium of the baseline quota covering i->j      (>= 0; 0 when none)
//! a quota covers: one exporter to one importer (bilateral); every other
//! country with a baseline flow to the importer (exporter "*": a global import
//! quota); one exporter's sales to every destination (importer "*": an export quota)
//! ```

use serde::{Deserialize, Serialize};

use super::market::{Market, Matrix};
use crate::error::{Error, Result};

/// Who receives a quota's rent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuotaHolder {
    /// Licences held at home: the importing country (default).
    #[default]
    Importer,
    /// A voluntary export restraint (or an export quota): the exporting country.
    Exporter,
    /// Rent dissipated (e.g. by rent seeking): nobody.
    None,
}

impl QuotaHolder {
    /// Parses `importer`, `exporter` or `none`.
    pub fn parse(s: &str) -> Option<QuotaHolder> {
        match s {
            "importer" => Some(QuotaHolder::Importer),
            "exporter" => Some(QuotaHolder::Exporter),
            "none" => Some(QuotaHolder::None),
            _ => None,
        }
    }

    /// The name [`QuotaHolder::parse`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            QuotaHolder::Importer => "importer",
            QuotaHolder::Exporter => "exporter",
            QuotaHolder::None => "none",
        }
    }
}

/// A baseline quota of one market: a plain quota binding at the baseline
/// volume of the flows it covers, with rent wedge `premium` included in
/// baseline consumer prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineQuota {
    /// Importing country index; `None` for an export quota (every destination).
    pub importer: Option<usize>,
    /// Exporting country index; `None` for a global import quota (every other origin).
    pub exporter: Option<usize>,
    /// Rent wedge at baseline (ad valorem, finite and >= 0).
    pub premium: f64,
    /// Who receives the rent.
    #[serde(default)]
    pub holder: QuotaHolder,
}

/// The flows `(origin, destination)` a quota with this importer and exporter
/// covers in a market with baseline flows `x0`: those with a positive baseline
/// flow, never the diagonal.
///
/// # Errors
/// [`Error::Invalid`] when both sides are `*`, both name one country, or no
/// covered flow exists in the data.
pub fn quota_cells(
    x0: &Matrix,
    importer: Option<usize>,
    exporter: Option<usize>,
) -> Result<Vec<(usize, usize)>> {
    let n = x0.n();
    let cells: Vec<(usize, usize)> = match (exporter, importer) {
        (None, None) => {
            return Err(Error::invalid(
                "quota",
                "exporter and importer cannot both be `*`",
            ));
        }
        (Some(i), Some(j)) if i == j => {
            return Err(Error::invalid(
                "quota",
                "a quota covers trade between two different countries",
            ));
        }
        (Some(i), Some(j)) => vec![(i, j)],
        (None, Some(j)) => (0..n).filter(|&i| i != j).map(|i| (i, j)).collect(),
        (Some(i), None) => (0..n).filter(|&j| j != i).map(|j| (i, j)).collect(),
    };
    let cells: Vec<(usize, usize)> = cells
        .into_iter()
        .filter(|&(i, j)| i < n && j < n && x0.get(i, j) > 0.0)
        .collect();
    if cells.is_empty() {
        return Err(Error::invalid(
            "quota",
            "the data has no baseline flow for it to cover",
        ));
    }
    Ok(cells)
}

impl Market {
    /// The market with baseline export taxes `e0[origin, destination]` (`None`:
    /// none) and baseline quotas.
    ///
    /// # Errors
    /// [`Error::Invalid`] on a wrong size, a tax that is not finite and > -1 or
    /// on the diagonal, a premium that is not finite and >= 0, a quota naming
    /// no flow of the data, or two quotas covering one flow.
    pub fn with_restrictions(
        mut self,
        export_taxes: Option<Matrix>,
        quotas: Vec<BaselineQuota>,
    ) -> Result<Self> {
        let n = self.n();
        if let Some(e) = &export_taxes {
            if e.n() != n {
                return Err(Error::invalid("market export taxes", "wrong size"));
            }
            for i in 0..n {
                for j in 0..n {
                    let v = e.get(i, j);
                    if !(v.is_finite() && v > -1.0) || (i == j && v != 0.0) {
                        return Err(Error::invalid(
                            "market export taxes",
                            format!(
                                "export tax [{i},{j}] must be finite, > -1 and 0 on the diagonal, got {v}"
                            ),
                        ));
                    }
                }
            }
        }
        let mut owner = vec![usize::MAX; n * n];
        for (q, quota) in quotas.iter().enumerate() {
            if !(quota.premium.is_finite() && quota.premium >= 0.0) {
                return Err(Error::invalid(
                    "market quotas",
                    format!(
                        "quota #{q}: premium must be finite and >= 0, got {}",
                        quota.premium
                    ),
                ));
            }
            if quota.importer.is_some_and(|j| j >= n) || quota.exporter.is_some_and(|i| i >= n) {
                return Err(Error::invalid(
                    "market quotas",
                    format!("quota #{q}: country index out of range"),
                ));
            }
            let cells = quota_cells(self.flows(), quota.importer, quota.exporter)
                .map_err(|e| Error::invalid("market quotas", format!("quota #{q}: {e}")))?;
            for (i, j) in cells {
                if owner[i * n + j] != usize::MAX {
                    return Err(Error::invalid(
                        "market quotas",
                        format!(
                            "quotas #{} and #{q} both cover the flow [{i},{j}]",
                            owner[i * n + j]
                        ),
                    ));
                }
                owner[i * n + j] = q;
            }
        }
        self.set_restrictions(
            export_taxes.filter(|e| e.as_slice().iter().any(|&v| v != 0.0)),
            quotas,
        );
        Ok(self)
    }

    /// Baseline export tax `e0[origin, destination]` (0 when the data gives none).
    pub fn export_tax(&self, origin: usize, destination: usize) -> f64 {
        self.export_taxes_ref()
            .map_or(0.0, |e| e.get(origin, destination))
    }

    /// The baseline quotas.
    pub fn quotas(&self) -> &[BaselineQuota] {
        self.quotas_ref()
    }

    /// True when the market has baseline quotas or export taxes.
    pub fn has_restrictions(&self) -> bool {
        self.export_taxes_ref().is_some() || !self.quotas_ref().is_empty()
    }

    /// Per flow (row-major), the baseline factor `(1+e0)(1+u0)` by which export
    /// taxes and quota premia raise the consumer price; `None` when the market
    /// has neither.
    pub fn border_factors(&self) -> Option<Vec<f64>> {
        if !self.has_restrictions() {
            return None;
        }
        let n = self.n();
        let mut f: Vec<f64> = (0..n * n)
            .map(|k| 1.0 + self.export_tax(k / n, k % n))
            .collect();
        for q in self.quotas_ref() {
            // validated at construction: the cells exist
            if let Ok(cells) = quota_cells(self.flows(), q.importer, q.exporter) {
                for (i, j) in cells {
                    f[i * n + j] *= 1.0 + q.premium;
                }
            }
        }
        Some(f)
    }
}

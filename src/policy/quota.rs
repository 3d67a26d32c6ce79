//! Quantitative restrictions and export taxes in a sector's counterfactual
//! policy: the quotas in force (each a tariff-rate quota) and the exporters'
//! taxes.
//!
//! ```text
//! quota on flows S (sector s): volume, in-quota tariff t_in, out-of-quota tariff t_out
//!   plain quota:  t_in = the flows' counterfactual tariffs, t_out = inf
//!   explicit TRQ: t_in and t_out replace the flows' tariffs (t_out >= t_in)
//! rent wedge u, common to S:  q = p (1+e) (1+t_in) (1+u) (1+c)
//!   under: u = 0,            V <= volume
//!   at:    0 <= u <= ubar,   V  = volume        ubar = (1+t_out)/(1+t_in) - 1
//!   over:  u = ubar,         V >= volume        (TRQ only)
//! ```

use serde::{Deserialize, Serialize};

use crate::model::{Market, Matrix, QuotaHolder, quota_cells};

/// The explicit rates of a tariff-rate quota.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrqRates {
    /// In-quota tariff `t_in` (> -1).
    pub in_quota: f64,
    /// Out-of-quota tariff `t_out` (>= `in_quota`; may be infinite).
    #[serde(with = "crate::model::serde_inf::one")]
    pub out_of_quota: f64,
    /// Per covered flow (same order as [`Quota::cells`]), the tariff the
    /// policy gives without this quota: what a lift leaves.
    pub underlying: Vec<f64>,
}

/// One quota in force in a sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    /// Importing country index; `None` for an export quota (every destination).
    pub importer: Option<usize>,
    /// Exporting country index; `None` for a global import quota (every other origin).
    pub exporter: Option<usize>,
    /// Covered flows `(origin, destination)`, those with a positive baseline flow.
    pub cells: Vec<(usize, usize)>,
    /// Baseline flow of each covered cell (same order as `cells`).
    pub baseline: Vec<f64>,
    /// Quota volume (baseline-price quantity units, > 0).
    pub volume: f64,
    /// Explicit tariff-rate quota rates; `None` for a plain quota (`t_in` =
    /// the flows' tariffs, `t_out` infinite).
    pub trq: Option<TrqRates>,
    /// Who receives the rent.
    pub holder: QuotaHolder,
    /// The rent wedge the solve starts from (a baseline quota's premium, else 0).
    pub start: f64,
}

impl Quota {
    /// Out-of-quota tariff (infinite for a plain quota).
    pub fn out_of_quota_tariff(&self) -> f64 {
        self.trq.as_ref().map_or(f64::INFINITY, |t| t.out_of_quota)
    }

    /// True when `(origin, destination)` is one of its flows.
    pub fn covers(&self, origin: usize, destination: usize) -> bool {
        self.cells.contains(&(origin, destination))
    }

    /// True when this quota has the identity `(importer, exporter)`.
    pub fn is(&self, importer: Option<usize>, exporter: Option<usize>) -> bool {
        self.importer == importer && self.exporter == exporter
    }
}

/// Export taxes and quotas of one sector's counterfactual policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SectorRestrictions {
    /// Export taxes `e1[origin, destination]`; `None`: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_taxes: Option<Matrix>,
    /// Quotas in force.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas: Vec<Quota>,
}

impl SectorRestrictions {
    /// The baseline restrictions of a market: its export taxes, and its
    /// quotas binding at their baseline volume with their premium as the
    /// starting rent.
    pub fn baseline(market: &Market) -> Self {
        let n = market.n();
        let export_taxes = market.has_restrictions().then(|| {
            let mut e = Matrix::zeros(n);
            for i in 0..n {
                for j in 0..n {
                    e.set(i, j, market.export_tax(i, j));
                }
            }
            e
        });
        let export_taxes = export_taxes.filter(|e| e.as_slice().iter().any(|&v| v != 0.0));
        let quotas = market
            .quotas()
            .iter()
            .filter_map(|q| {
                let cells = quota_cells(market.flows(), q.importer, q.exporter).ok()?;
                let baseline: Vec<f64> = cells
                    .iter()
                    .map(|&(i, j)| market.flows().get(i, j))
                    .collect();
                let volume = baseline.iter().sum();
                Some(Quota {
                    importer: q.importer,
                    exporter: q.exporter,
                    cells,
                    baseline,
                    volume,
                    trq: None,
                    holder: q.holder,
                    start: q.premium,
                })
            })
            .collect();
        SectorRestrictions {
            export_taxes,
            quotas,
        }
    }

    /// True when there is neither an export tax nor a quota.
    pub fn is_empty(&self) -> bool {
        self.export_taxes.is_none() && self.quotas.is_empty()
    }

    /// Export tax `e1[origin, destination]`.
    pub fn export_tax(&self, origin: usize, destination: usize) -> f64 {
        self.export_taxes
            .as_ref()
            .map_or(0.0, |e| e.get(origin, destination))
    }

    /// Index of the quota covering `(origin, destination)`.
    pub fn quota_of(&self, origin: usize, destination: usize) -> Option<usize> {
        self.quotas
            .iter()
            .position(|q| q.covers(origin, destination))
    }
}

//! A market's export taxes and quotas as the exact solve reads them: the
//! baseline and counterfactual export-tax rates, each quota's cells, volume
//! and bounds on its rent wedge, and the consumer price factors of every
//! flow before and after, from which the rent search and the accounts work.

use std::sync::Arc;

use crate::model::{Market, QuotaHolder};
use crate::policy::SectorPolicy;

/// One quota as the solve and the accounts read it.
#[derive(Debug, Clone)]
pub(crate) struct QuotaTerms {
    /// Importer index, `None` for an export quota.
    pub importer: Option<usize>,
    /// Exporter index, `None` for a global import quota.
    pub exporter: Option<usize>,
    /// Covered cells, row-major `origin * n + destination`.
    pub cells: Vec<usize>,
    /// Volume.
    pub volume: f64,
    /// Out-of-quota tariff (infinite for a plain quota).
    pub out_of_quota: f64,
    /// Upper bound of `theta = ln(1+u)`: `ln((1+t_out)/(1+t_in))` (infinite for a plain quota).
    pub theta_max: f64,
    /// Who receives the rent.
    pub holder: QuotaHolder,
    /// Starting rent wedge.
    pub start: f64,
}

/// A prepared market's export taxes and quotas: what the rent search and the
/// accounts need beyond the plain market.
#[derive(Debug, Clone)]
pub struct PreparedRestrictions {
    n: usize,
    /// Baseline export taxes, row-major.
    pub(crate) export_tax_baseline: Vec<f64>,
    /// Counterfactual export taxes, row-major.
    pub(crate) export_tax: Vec<f64>,
    /// Baseline quotas (binding, rent = `start` = premium).
    pub(crate) baseline_quotas: Vec<QuotaTerms>,
    /// Counterfactual quotas.
    pub(crate) quotas: Vec<QuotaTerms>,
    /// Baseline consumer price factor of each flow, `(1+t0)(1+c0)(1+e0)(1+u0)`.
    pub(crate) q0: Vec<f64>,
    /// Counterfactual `(1+t1)(1+c1)` of each flow.
    q1_tariff: Vec<f64>,
}

fn quota_terms(q: &crate::policy::Quota, n: usize, t_in: impl Fn(usize) -> f64) -> QuotaTerms {
    let cells: Vec<usize> = q.cells.iter().map(|&(i, j)| i * n + j).collect();
    let out = q.out_of_quota_tariff();
    let theta_max = if out.is_finite() {
        // explicit TRQ: one in-quota tariff on every covered flow
        let tin = cells.first().map_or(0.0, |&k| t_in(k));
        ((1.0 + out) / (1.0 + tin)).ln().max(0.0)
    } else {
        f64::INFINITY
    };
    QuotaTerms {
        importer: q.importer,
        exporter: q.exporter,
        cells,
        volume: q.volume,
        out_of_quota: out,
        theta_max,
        holder: q.holder,
        start: q.start,
    }
}

impl PreparedRestrictions {
    /// The restrictions of `market` (baseline) and `policy` (counterfactual);
    /// `None` when neither has any.
    pub(crate) fn new(market: &Market, policy: &SectorPolicy) -> Option<Arc<Self>> {
        let r = &policy.restrictions;
        if !market.has_restrictions() && r.is_empty() {
            return None;
        }
        let n = market.n();
        let t0 = market.tariffs().as_slice();
        let c0 = market.ntb().as_slice();
        let t1 = policy.tariffs.as_slice();
        let c1 = policy.ntb.as_slice();
        let base = crate::policy::SectorRestrictions::baseline(market);
        let factors = market.border_factors().unwrap_or_else(|| vec![1.0; n * n]);
        let q0 = (0..n * n)
            .map(|k| (1.0 + t0[k]) * (1.0 + c0[k]) * factors[k])
            .collect();
        let q1_tariff = (0..n * n).map(|k| (1.0 + t1[k]) * (1.0 + c1[k])).collect();
        Some(Arc::new(PreparedRestrictions {
            n,
            export_tax_baseline: (0..n * n).map(|k| base.export_tax(k / n, k % n)).collect(),
            export_tax: (0..n * n).map(|k| r.export_tax(k / n, k % n)).collect(),
            baseline_quotas: base
                .quotas
                .iter()
                .map(|q| quota_terms(q, n, |k| t0[k]))
                .collect(),
            quotas: r
                .quotas
                .iter()
                .map(|q| quota_terms(q, n, |k| t1[k]))
                .collect(),
            q0,
            q1_tariff,
        }))
    }

    /// The counterfactual consumer price factor of flow `k` with rent wedges
    /// `rents` (one per quota; `(1+t1)(1+c1)(1+e1)(1+u)`), written for every
    /// flow into `out`.
    pub(crate) fn counterfactual_factors(&self, rents: &[f64], out: &mut [f64]) {
        for k in 0..self.n * self.n {
            out[k] = 1.0 + self.export_tax[k];
        }
        for (q, &u) in self.quotas.iter().zip(rents) {
            for &k in &q.cells {
                out[k] *= 1.0 + u;
            }
        }
        for k in 0..self.n * self.n {
            out[k] *= self.q1_tariff[k];
        }
    }

    /// The starting rent wedges (the quotas' `start`, within their bounds).
    pub(crate) fn start_rents(&self) -> Vec<f64> {
        self.quotas
            .iter()
            .map(|q| q.start.clamp(0.0, q.theta_max.exp_m1()))
            .collect()
    }

    /// True when a quota is in force.
    pub(crate) fn has_quotas(&self) -> bool {
        !self.quotas.is_empty()
    }
}

/// `ln(q1 / q0)`, exactly 0 when they are equal.
pub(crate) fn log_wedge(q0: f64, q1: f64) -> f64 {
    if q1 == q0 { 0.0 } else { (q1 / q0).ln() }
}

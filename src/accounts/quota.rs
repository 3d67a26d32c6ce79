//! The accounts of quotas and export taxes: who collects what on each
//! restricted flow, and each quota's regime.
//!
//! ```text
//! per flow i->j in a quota's set S, V = sum_S x, in-quota fraction f = min(V, volume)/V
//! (f = 1 when V = 0 or t_out is infinite), e = the exporter's tax on the flow:
//!   tariff revenue  p (1+e) x [t_in f + t_out (1-f)]   to the importer j (pooled like any duty)
//!   quota rent      p (1+e) (1+t_in) u x f             to the holder (importer j | exporter i | none)
//!   export tax      e p x                              to the exporter i (never pooled)
//! baseline: p = 1, x = x0, u = the premium of a baseline quota (binding: f = 1)
//! regime: at when |V - volume| <= tol volume; else under (u = 0) or over (u = ubar)
//! ```
//! The plain accounts (`close.rs`) count `t p x` on every flow; this module
//! adds what export taxes and quotas change, before duties are pooled.

use serde::{Deserialize, Serialize};

use super::outcome::CountryOutcome;
use crate::model::QuotaHolder;
use crate::solver::{RestrictionTerms, SectorSolution};

/// Which condition a quota ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuotaRegime {
    /// The volume is not reached: no rent (`u = 0`).
    Under,
    /// The volume binds (`V = volume`), `0 <= u <= ubar`.
    At,
    /// Imports beyond the volume pay the out-of-quota tariff (`u = ubar`, TRQ only).
    Over,
}

impl QuotaRegime {
    /// `under`, `at` or `over`.
    pub fn name(self) -> &'static str {
        match self {
            QuotaRegime::Under => "under",
            QuotaRegime::At => "at",
            QuotaRegime::Over => "over",
        }
    }
}

/// How one quota ended: its volumes, regime, rent wedge, rent and holder.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuotaFigures {
    /// Quota volume (baseline-price quantity units).
    pub volume: f64,
    /// Counterfactual volume of its flows, `V`.
    pub counterfactual: f64,
    /// `under`, `at` or `over`.
    pub regime: QuotaRegime,
    /// Rent wedge `u` (ad valorem, a fraction).
    pub rent_rate: f64,
    /// Rent level `sum_S p (1+e) (1+t_in) u x f` (value units).
    pub rent: f64,
    /// Who receives the rent.
    pub holder: QuotaHolder,
}

/// One quota of a solved sector, by country index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuotaOutcome {
    /// Importer index (`None`: an export quota, every destination).
    pub importer: Option<usize>,
    /// Exporter index (`None`: a global import quota).
    pub exporter: Option<usize>,
    /// How it ended.
    pub figures: QuotaFigures,
}

/// The quotas of a solved sector (empty without quotas); `tol` decides the
/// boundary regime `at`.
pub fn quota_outcomes<S: SectorSolution>(sol: &S, tol: f64) -> Vec<QuotaOutcome> {
    let terms = sol.terms();
    let Some(r) = terms.restrictions else {
        return Vec::new();
    };
    let n = terms.n;
    r.prepared
        .quotas
        .iter()
        .zip(r.rents)
        .map(|(q, &u)| {
            let v: f64 = q.cells.iter().map(|&k| sol.flow(k / n, k % n)).sum();
            let f = in_quota_fraction(v, q.volume, q.out_of_quota);
            let rent: f64 = q
                .cells
                .iter()
                .map(|&k| {
                    let (i, j) = (k / n, k % n);
                    sol.producer_price(i)
                        * (1.0 + r.prepared.export_tax[k])
                        * (1.0 + terms.tariffs[k])
                        * u
                        * sol.flow(i, j)
                        * f
                })
                .sum();
            let regime = if (v - q.volume).abs() <= tol * q.volume {
                QuotaRegime::At
            } else if v < q.volume {
                QuotaRegime::Under
            } else if q.theta_max.is_finite() {
                QuotaRegime::Over
            } else {
                QuotaRegime::At
            };
            QuotaOutcome {
                importer: q.importer,
                exporter: q.exporter,
                figures: QuotaFigures {
                    volume: q.volume,
                    counterfactual: v,
                    regime,
                    rent_rate: u,
                    rent,
                    holder: q.holder,
                },
            }
        })
        .collect()
}

/// `f = min(V, volume) / V`; 1 when `V = 0` or the out-of-quota tariff is infinite.
fn in_quota_fraction(v: f64, volume: f64, out_of_quota: f64) -> f64 {
    if v <= volume || v == 0.0 || !out_of_quota.is_finite() {
        1.0
    } else {
        volume / v
    }
}

fn credit(holder: QuotaHolder, origin: usize, destination: usize) -> Option<usize> {
    match holder {
        QuotaHolder::Importer => Some(destination),
        QuotaHolder::Exporter => Some(origin),
        QuotaHolder::None => None,
    }
}

/// Adds export taxes and quotas to the accounts of `out` (one per country,
/// producer prices already set): the tariff base `p (1+e)`, out-of-quota
/// duties, quota rents and export-tax revenue, baseline and counterfactual.
pub(crate) fn restriction_accounts<S: SectorSolution>(
    sol: &S,
    r: RestrictionTerms<'_>,
    out: &mut [CountryOutcome],
) {
    let terms = sol.terms();
    let n = terms.n;
    let pr = r.prepared;
    let mut rent0 = vec![0.0; n];
    let mut rent1 = vec![0.0; n];
    let mut tax0 = vec![0.0; n];
    let mut tax1 = vec![0.0; n];
    for i in 0..n {
        let p = out[i].producer_price;
        for j in (0..n).filter(|&j| j != i) {
            let k = i * n + j;
            let (x0, x) = (terms.baseline_flows[k], sol.flow(i, j));
            let (e0, e1) = (pr.export_tax_baseline[k], pr.export_tax[k]);
            if e0 != 0.0 {
                out[j].tariff_revenue_baseline += terms.baseline_tariffs[k] * e0 * x0;
                tax0[i] += e0 * x0;
            }
            if e1 != 0.0 {
                out[j].tariff_revenue_counterfactual += terms.tariffs[k] * e1 * p * x;
                tax1[i] += e1 * p * x;
            }
        }
    }
    for q in &pr.baseline_quotas {
        for &k in &q.cells {
            let (i, j) = (k / n, k % n);
            // the counterfactual's expression at p = 1, f = 1 (a zero change keeps every digit)
            let value = (1.0 + pr.export_tax_baseline[k]) * terms.baseline_flows[k];
            if let Some(c) = credit(q.holder, i, j) {
                rent0[c] += value * (1.0 + terms.baseline_tariffs[k]) * q.start * 1.0;
            }
        }
    }
    for (q, &u) in pr.quotas.iter().zip(r.rents) {
        let v: f64 = q.cells.iter().map(|&k| sol.flow(k / n, k % n)).sum();
        let f = in_quota_fraction(v, q.volume, q.out_of_quota);
        for &k in &q.cells {
            let (i, j) = (k / n, k % n);
            let value = sol.producer_price(i) * (1.0 + pr.export_tax[k]) * sol.flow(i, j);
            let t_in = terms.tariffs[k];
            if f < 1.0 {
                out[j].tariff_revenue_counterfactual += value * (1.0 - f) * (q.out_of_quota - t_in);
            }
            if let Some(c) = credit(q.holder, i, j) {
                rent1[c] += value * (1.0 + t_in) * u * f;
            }
        }
    }
    for c in 0..n {
        out[c].quota_rent = rent1[c] - rent0[c];
        out[c].export_tax_revenue = tax1[c] - tax0[c];
    }
}

//! What every model variant's solution of one sector offers the accounts:
//! prices, counterfactual flows, the variant's own surplus measures, and the
//! baseline and counterfactual tariffs the revenue is computed from.
//!
//! ```text
//! exact model (exact for CES demand and isoelastic supply):
//!   dCS[j] = -E0[j] (P[j]^(1-eta) - 1) / (1-eta)        (-E0 ln P at eta = 1)
//!   dPS[i] =  X0[i] (p[i]^(1+eps) - 1) / (1+eps)        (0 when eps = inf)
//! ```
//! Every power is evaluated as `ln P * exprel((1-eta) ln P)` with
//! `exprel(z) = expm1(z)/z`, so eta = 1 and tiny price changes keep their
//! digits. The accounts layer turns any [`SectorSolution`] into country
//! outcomes (imports, revenue, pooling, trade effects, welfare) along one path.

use super::{PreparedMarket, Workspace};
use crate::model::{DomesticTreatment, Market};
use crate::policy::SectorPolicy;

/// The market terms every variant's accounts read: baseline flows,
/// baseline and counterfactual tariffs (row-major `[origin * n + destination]`),
/// and whether the diagonal is a taxed source.
#[derive(Debug, Clone, Copy)]
pub struct MarketTerms<'a> {
    /// Number of countries.
    pub n: usize,
    /// Baseline flows (volume = value).
    pub baseline_flows: &'a [f64],
    /// Baseline tariffs.
    pub baseline_tariffs: &'a [f64],
    /// Counterfactual tariffs.
    pub tariffs: &'a [f64],
    /// True when the diagonal is a taxed source (its revenue counts).
    pub diagonal_is_import: bool,
    /// Export taxes and quotas with their solved rents, when there are any.
    pub restrictions: Option<RestrictionTerms<'a>>,
}

/// A solved market's export taxes and quotas with each quota's rent wedge,
/// as the accounts read them.
#[derive(Debug, Clone, Copy)]
pub struct RestrictionTerms<'a> {
    pub(crate) prepared: &'a super::PreparedRestrictions,
    /// Rent wedge of each counterfactual quota.
    pub(crate) rents: &'a [f64],
}

impl<'a> MarketTerms<'a> {
    /// The terms of `market` under `policy`.
    pub fn of(market: &'a Market, policy: &'a SectorPolicy, diagonal_is_import: bool) -> Self {
        MarketTerms {
            n: market.n(),
            baseline_flows: market.flows().as_slice(),
            baseline_tariffs: market.tariffs().as_slice(),
            tariffs: policy.tariffs.as_slice(),
            diagonal_is_import,
            restrictions: None,
        }
    }
}

impl MarketTerms<'_> {
    /// Baseline flow (volume) from `origin` to `destination`.
    pub fn baseline_flow(&self, origin: usize, destination: usize) -> f64 {
        self.baseline_flows[origin * self.n + destination]
    }
}

/// A solved sector as the accounts read it. Indices are country indices;
/// flows are `[origin, destination]` volumes at baseline prices.
pub trait SectorSolution {
    /// The market terms (sizes, baseline flows, tariffs).
    fn terms(&self) -> MarketTerms<'_>;
    /// Counterfactual producer price `p[i]` (1 at baseline).
    fn producer_price(&self, origin: usize) -> f64;
    /// Counterfactual composite consumer price index `P[j]` (1 at baseline).
    fn consumer_price_index(&self, destination: usize) -> f64;
    /// Counterfactual flow (volume).
    fn flow(&self, origin: usize, destination: usize) -> f64;
    /// The variant's consumer surplus change of a destination.
    fn consumer_surplus(&self, destination: usize) -> f64;
    /// The variant's producer surplus change of an origin.
    fn producer_surplus(&self, origin: usize) -> f64;
}

/// `expm1(z) / z`, 1 at z = 0.
#[inline]
pub fn exprel(z: f64) -> f64 {
    if z == 0.0 { 1.0 } else { z.exp_m1() / z }
}

/// Change in consumer surplus of a country with baseline expenditure `e0`
/// whose composite price index moved to `exp(ln_p)`, demand elasticity `eta`.
pub fn consumer_surplus_change(e0: f64, ln_p: f64, eta: f64) -> f64 {
    if e0 == 0.0 {
        0.0
    } else {
        -e0 * ln_p * exprel((1.0 - eta) * ln_p)
    }
}

/// Change in producer surplus of a country with baseline output `x0` whose
/// producer price moved to `exp(ln_p)`, supply elasticity `eps` (`inf`: 0).
pub fn producer_surplus_change(x0: f64, ln_p: f64, eps: f64) -> f64 {
    if eps.is_finite() {
        x0 * ln_p * exprel((1.0 + eps) * ln_p)
    } else {
        0.0
    }
}

/// The exact model's solution of one sector, read in place from the
/// workspace that holds it (no copy: Monte Carlo draws use it too).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExactSolution<'a> {
    pm: &'a PreparedMarket,
    ws: &'a Workspace,
    eta: f64,
    supply: &'a [f64],
}

impl<'a> ExactSolution<'a> {
    /// `ws` must hold the solution of `pm` with demand elasticity `eta` and
    /// supply elasticities `supply`.
    pub(crate) fn new(
        pm: &'a PreparedMarket,
        ws: &'a Workspace,
        eta: f64,
        supply: &'a [f64],
    ) -> Self {
        ExactSolution {
            pm,
            ws,
            eta,
            supply,
        }
    }
}

impl SectorSolution for ExactSolution<'_> {
    #[inline]
    fn terms(&self) -> MarketTerms<'_> {
        MarketTerms {
            n: self.pm.n,
            baseline_flows: &self.pm.x0,
            baseline_tariffs: &self.pm.t0,
            tariffs: &self.pm.t1,
            diagonal_is_import: self.pm.treatment == DomesticTreatment::AsImportSource,
            restrictions: self.pm.restrictions.as_deref().map(|r| RestrictionTerms {
                prepared: r,
                rents: if r.has_quotas() {
                    &self.ws.quota_rents
                } else {
                    &[]
                },
            }),
        }
    }
    #[inline]
    fn producer_price(&self, origin: usize) -> f64 {
        let l = self.ws.log_prices()[origin];
        if l == 0.0 { 1.0 } else { l.exp() }
    }
    #[inline]
    fn consumer_price_index(&self, destination: usize) -> f64 {
        self.ws.log_price_index()[destination].exp()
    }
    #[inline]
    fn flow(&self, origin: usize, destination: usize) -> f64 {
        self.ws.flows()[origin * self.pm.n + destination]
    }
    #[inline]
    fn consumer_surplus(&self, destination: usize) -> f64 {
        consumer_surplus_change(
            self.pm.expenditure[destination],
            self.ws.log_price_index()[destination],
            self.eta,
        )
    }
    #[inline]
    fn producer_surplus(&self, origin: usize) -> f64 {
        producer_surplus_change(
            self.pm.output[origin],
            self.ws.log_prices()[origin],
            self.supply[origin],
        )
    }
}

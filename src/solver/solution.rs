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
use crate::model::DomesticTreatment;

/// A solved sector as the accounts read it. Indices are country indices;
/// flows are `[origin, destination]` volumes at baseline prices.
pub trait SectorSolution {
    /// Number of countries.
    fn n(&self) -> usize;
    /// Counterfactual producer price `p[i]` (1 at baseline).
    fn producer_price(&self, origin: usize) -> f64;
    /// Counterfactual composite consumer price index `P[j]` (1 at baseline).
    fn consumer_price_index(&self, destination: usize) -> f64;
    /// Counterfactual flow (volume).
    fn flow(&self, origin: usize, destination: usize) -> f64;
    /// Baseline flow (volume = value).
    fn baseline_flow(&self, origin: usize, destination: usize) -> f64;
    /// Baseline tariff.
    fn baseline_tariff(&self, origin: usize, destination: usize) -> f64;
    /// Counterfactual tariff.
    fn tariff(&self, origin: usize, destination: usize) -> f64;
    /// The variant's consumer surplus change of a destination.
    fn consumer_surplus(&self, destination: usize) -> f64;
    /// The variant's producer surplus change of an origin.
    fn producer_surplus(&self, origin: usize) -> f64;
    /// True when the diagonal is a taxed source (its revenue counts).
    fn diagonal_is_import(&self) -> bool;
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
    fn n(&self) -> usize {
        self.pm.n
    }
    #[inline]
    fn producer_price(&self, origin: usize) -> f64 {
        let l = self.ws.log_prices()[origin];
        if l == 0.0 { 1.0 } else { l.exp() }
    }
    #[inline]
    fn consumer_price_index(&self, destination: usize) -> f64 {
        self.ws.log_consumer_prices()[destination].exp()
    }
    #[inline]
    fn flow(&self, origin: usize, destination: usize) -> f64 {
        self.ws.flows()[origin * self.pm.n + destination]
    }
    #[inline]
    fn baseline_flow(&self, origin: usize, destination: usize) -> f64 {
        self.pm.x0[origin * self.pm.n + destination]
    }
    #[inline]
    fn baseline_tariff(&self, origin: usize, destination: usize) -> f64 {
        self.pm.t0[origin * self.pm.n + destination]
    }
    #[inline]
    fn tariff(&self, origin: usize, destination: usize) -> f64 {
        self.pm.t1[origin * self.pm.n + destination]
    }
    #[inline]
    fn consumer_surplus(&self, destination: usize) -> f64 {
        consumer_surplus_change(
            self.pm.expenditure[destination],
            self.ws.log_consumer_prices()[destination],
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
    #[inline]
    fn diagonal_is_import(&self) -> bool {
        self.pm.treatment == DomesticTreatment::AsImportSource
    }
}

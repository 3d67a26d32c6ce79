//! Welfare and trade effects of one market's counterfactual, per country.
//!
//! ```text
//! dCS[j]  = -E0[j] (P[j]^(1-eta) - 1) / (1-eta)        (-E0 ln P at eta = 1)
//! dPS[i]  =  X0[i] (p[i]^(1+eps) - 1) / (1+eps)        (0 when eps = inf)
//! TR[j]   =  sum_{i!=j} t[i][j] p[i] x[i][j]            (world-price base; the diagonal
//!                                                         too under as-import-source)
//! pooled:    TR1[m] = share[m] * sum_{k in union} TR1[k]
//! welfare =  dCS + dPS + (TR1 - TR0)
//! dMp = sum_{partners} dx,  dMo = sum_{outsiders} dx      (volumes, baseline prices)
//! TD  = max(0, min(dMp, -dMo)),  TC = dMp - TD,  ETS = -dMo - TD
//! ```
//! All powers are evaluated as `ln P * exprel((1-eta) ln P)` with
//! `exprel(z) = expm1(z)/z`, so eta = 1 and tiny price changes keep their digits.

use serde::{Deserialize, Serialize};

use crate::policy::RevenuePool;
use crate::solver::{DomesticTreatment, PreparedMarket, Workspace};

/// `expm1(z) / z`, 1 at z = 0.
#[inline]
pub fn exprel(z: f64) -> f64 {
    if z == 0.0 { 1.0 } else { z.exp_m1() / z }
}

/// Change in consumer surplus of a country with baseline expenditure `e0`
/// whose composite price index moved to `exp(ln_p)`, demand elasticity `eta`.
pub fn consumer_surplus_change(e0: f64, ln_p: f64, eta: f64) -> f64 {
    -e0 * ln_p * exprel((1.0 - eta) * ln_p)
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

/// Everything reported for one country in one sector (or summed over sectors).
///
/// Changes are counterfactual minus baseline. Flows and imports are volumes
/// (quantities at baseline prices) unless the field name ends in `_value`
/// (at the new producer prices). Trade-effect fields are zero for countries
/// outside every union.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CountryOutcome {
    /// Producer price `p` (1 at baseline); meaningful per sector only.
    pub producer_price: f64,
    /// Composite consumer price index `P` (1 at baseline); per sector only.
    pub consumer_price_index: f64,
    /// Change in consumer surplus.
    pub consumer_surplus: f64,
    /// Change in producer surplus.
    pub producer_surplus: f64,
    /// Change in tariff revenue (after pooling).
    pub tariff_revenue: f64,
    /// `consumer_surplus + producer_surplus + tariff_revenue`.
    pub welfare: f64,
    /// Tariff revenue at baseline.
    pub tariff_revenue_baseline: f64,
    /// Tariff revenue in the counterfactual, after pooling.
    pub tariff_revenue_counterfactual: f64,
    /// Imports (excluding the diagonal) at baseline.
    pub imports_baseline: f64,
    /// Imports in the counterfactual (volume).
    pub imports_counterfactual: f64,
    /// Imports in the counterfactual at the new producer prices.
    pub imports_counterfactual_value: f64,
    /// `dMp`: change in imports from union partners (volume).
    pub imports_from_partners_change: f64,
    /// `dMo`: change in imports from outside the union (volume).
    pub imports_from_outside_change: f64,
    /// Trade creation (volume).
    pub trade_creation: f64,
    /// Trade diversion (volume).
    pub trade_diversion: f64,
    /// External trade suppression (volume).
    pub external_trade_suppression: f64,
    /// `dMp` at the new producer prices.
    pub imports_from_partners_change_value: f64,
    /// `dMo` at the new producer prices.
    pub imports_from_outside_change_value: f64,
    /// Trade creation at the new producer prices.
    pub trade_creation_value: f64,
    /// Trade diversion at the new producer prices.
    pub trade_diversion_value: f64,
    /// External trade suppression at the new producer prices.
    pub external_trade_suppression_value: f64,
}

/// Splits `(dMp, dMo)` into (creation, diversion, suppression) by SPEC §2.
pub fn trade_effects(d_partners: f64, d_outside: f64) -> (f64, f64, f64) {
    let diversion = d_partners.min(-d_outside).max(0.0);
    (d_partners - diversion, diversion, -d_outside - diversion)
}

/// Names of the additive fields of [`CountryOutcome`], in the order of
/// [`CountryOutcome::additive`] (the JSON field names).
pub const ADDITIVE_FIELDS: [&str; 19] = [
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "welfare",
    "tariff_revenue_baseline",
    "tariff_revenue_counterfactual",
    "imports_baseline",
    "imports_counterfactual",
    "imports_counterfactual_value",
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
    "imports_from_partners_change_value",
    "imports_from_outside_change_value",
    "trade_creation_value",
    "trade_diversion_value",
    "external_trade_suppression_value",
];

impl CountryOutcome {
    /// The additive fields (all but the two price levels), in [`ADDITIVE_FIELDS`] order.
    pub fn additive(&self) -> [f64; 19] {
        [
            self.consumer_surplus,
            self.producer_surplus,
            self.tariff_revenue,
            self.welfare,
            self.tariff_revenue_baseline,
            self.tariff_revenue_counterfactual,
            self.imports_baseline,
            self.imports_counterfactual,
            self.imports_counterfactual_value,
            self.imports_from_partners_change,
            self.imports_from_outside_change,
            self.trade_creation,
            self.trade_diversion,
            self.external_trade_suppression,
            self.imports_from_partners_change_value,
            self.imports_from_outside_change_value,
            self.trade_creation_value,
            self.trade_diversion_value,
            self.external_trade_suppression_value,
        ]
    }

    /// Mutable references to the additive fields, in [`ADDITIVE_FIELDS`] order.
    pub fn additive_mut(&mut self) -> [&mut f64; 19] {
        [
            &mut self.consumer_surplus,
            &mut self.producer_surplus,
            &mut self.tariff_revenue,
            &mut self.welfare,
            &mut self.tariff_revenue_baseline,
            &mut self.tariff_revenue_counterfactual,
            &mut self.imports_baseline,
            &mut self.imports_counterfactual,
            &mut self.imports_counterfactual_value,
            &mut self.imports_from_partners_change,
            &mut self.imports_from_outside_change,
            &mut self.trade_creation,
            &mut self.trade_diversion,
            &mut self.external_trade_suppression,
            &mut self.imports_from_partners_change_value,
            &mut self.imports_from_outside_change_value,
            &mut self.trade_creation_value,
            &mut self.trade_diversion_value,
            &mut self.external_trade_suppression_value,
        ]
    }

    /// Sets `dMp`, `dMo` and their split into creation, diversion and external
    /// suppression, on volumes and on values at the new prices (SPEC §2).
    pub fn set_trade_effects(&mut self, dmp: f64, dmo: f64, dmp_value: f64, dmo_value: f64) {
        let (tc, td, ets) = trade_effects(dmp, dmo);
        self.imports_from_partners_change = dmp;
        self.imports_from_outside_change = dmo;
        self.trade_creation = tc;
        self.trade_diversion = td;
        self.external_trade_suppression = ets;
        let (tc, td, ets) = trade_effects(dmp_value, dmo_value);
        self.imports_from_partners_change_value = dmp_value;
        self.imports_from_outside_change_value = dmo_value;
        self.trade_creation_value = tc;
        self.trade_diversion_value = td;
        self.external_trade_suppression_value = ets;
    }

    /// Adds `k * o` to every additive field (price levels untouched).
    pub fn add_scaled(&mut self, o: &CountryOutcome, k: f64) {
        for (a, b) in self.additive_mut().into_iter().zip(o.additive()) {
            *a += k * b;
        }
    }

    /// Adds every additive field of `o`.
    pub fn accumulate(&mut self, o: &CountryOutcome) {
        self.add_scaled(o, 1.0);
    }

    /// `self - o` on every additive field (price levels taken from `self`).
    pub fn minus(&self, o: &CountryOutcome) -> CountryOutcome {
        let mut r = *self;
        r.add_scaled(o, -1.0);
        r
    }
}

/// Computes every country's outcome in one solved market (`ws` holds the
/// solution of `pm`). `union_of[c]` is the union index of country `c`;
/// `pools` are applied to tariff revenue. Writes `out[c]`; allocates nothing.
pub fn market_outcomes(
    pm: &PreparedMarket,
    eta: f64,
    supply: &[f64],
    ws: &Workspace,
    pools: &[RevenuePool],
    union_of: &[Option<usize>],
    out: &mut [CountryOutcome],
) {
    let n = pm.n;
    let nested = pm.treatment == DomesticTreatment::Nested;
    let lnp = ws.log_prices();
    let x = ws.flows();
    for (o, &l) in out.iter_mut().zip(lnp.iter()).take(n) {
        o.producer_price = if l == 0.0 { 1.0 } else { l.exp() };
    }
    for j in 0..n {
        let lnpc = ws.log_price_index()[j];
        let mut o = CountryOutcome {
            producer_price: out[j].producer_price,
            consumer_price_index: lnpc.exp(),
            consumer_surplus: consumer_surplus_change(pm.expenditure[j], lnpc, eta),
            producer_surplus: producer_surplus_change(pm.output[j], lnp[j], supply[j]),
            ..CountryOutcome::default()
        };
        if pm.expenditure[j] == 0.0 {
            o.consumer_surplus = 0.0;
        }
        let (mut tr0, mut tr1) = (0.0, 0.0);
        let (mut dmp, mut dmo, mut dmp_v, mut dmo_v) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..n {
            let k = i * n + j;
            let pi = out[i].producer_price;
            if i != j || !nested {
                tr0 += pm.t0[k] * pm.x0[k];
                tr1 += pm.t1[k] * pi * x[k];
            }
            if i == j {
                continue;
            }
            o.imports_baseline += pm.x0[k];
            o.imports_counterfactual += x[k];
            o.imports_counterfactual_value += pi * x[k];
            if let Some(u) = union_of[j] {
                let d = x[k] - pm.x0[k];
                let dv = pi * x[k] - pm.x0[k];
                if union_of[i] == Some(u) {
                    dmp += d;
                    dmp_v += dv;
                } else {
                    dmo += d;
                    dmo_v += dv;
                }
            }
        }
        o.tariff_revenue_baseline = tr0;
        o.tariff_revenue_counterfactual = tr1;
        if union_of[j].is_some() {
            o.set_trade_effects(dmp, dmo, dmp_v, dmo_v);
        }
        out[j] = o;
    }
    close_accounts(pools, &mut out[..n]);
}

/// Pays pooled revenue out, then sets each country's revenue change and
/// `welfare = consumer_surplus + producer_surplus + tariff_revenue` (the last
/// step of every model variant).
pub fn close_accounts(pools: &[RevenuePool], out: &mut [CountryOutcome]) {
    apply_pools(pools, out);
    for o in out.iter_mut() {
        o.tariff_revenue = o.tariff_revenue_counterfactual - o.tariff_revenue_baseline;
        o.welfare = o.consumer_surplus + o.producer_surplus + o.tariff_revenue;
    }
}

/// Pays members' pooled counterfactual revenue out by shares.
pub fn apply_pools(pools: &[RevenuePool], out: &mut [CountryOutcome]) {
    for pool in pools {
        let total: f64 = pool
            .members
            .iter()
            .map(|&m| out[m].tariff_revenue_counterfactual)
            .sum();
        for (&m, &s) in pool.members.iter().zip(&pool.shares) {
            out[m].tariff_revenue_counterfactual = s * total;
        }
    }
}

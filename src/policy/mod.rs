//! Trade policy: what a scenario changes relative to the baseline.
//!
//! A scenario compiles to a [`PolicyState`]: the counterfactual tariff and
//! non-tariff matrices of every sector, the banned flows, and the revenue
//! pools of customs unions that share their duties.
//!
//! ```text
//! t1[i][j], c1[i][j]   counterfactual tariff and wedge, [origin, destination]
//! banned[i][j]          flow removed (its CES weight drops out)
//! e1[i][j], quotas      export taxes and quotas in force (see [`SectorRestrictions`])
//! pool: members M, shares w, collection k: revenue_m = (1 - k_m) TR_m + w_m * sum_{j in M} k_j TR_j   (per sector)
//! ```

pub(crate) mod feasibility;
mod quota;
mod union;

pub use quota::{Quota, SectorRestrictions, TrqRates};
pub use union::{CetException, CetRule, CustomsUnion, InternalQuotas, Preferences, RevenueSharing};

use serde::{Deserialize, Serialize};

use crate::model::{Market, Matrix};

/// Counterfactual policy of one sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorPolicy {
    /// Ad valorem tariffs `t1[origin, destination]`, as fractions (0.1 = 10%).
    pub tariffs: Matrix,
    /// Ad valorem non-tariff wedges `c1[origin, destination]`, as fractions.
    pub ntb: Matrix,
    /// Banned flows, row-major `[origin * n + destination]`.
    pub banned: Vec<bool>,
    /// Export taxes and quotas in force.
    #[serde(default)]
    pub restrictions: SectorRestrictions,
}

impl SectorPolicy {
    /// The baseline policy of a market: its own tariffs and wedges, nothing banned.
    pub fn baseline(market: &Market) -> Self {
        let n = market.n();
        SectorPolicy {
            tariffs: market.tariffs().clone(),
            ntb: market.ntb().clone(),
            banned: vec![false; n * n],
            restrictions: SectorRestrictions::baseline(market),
        }
    }

    /// True when flow `[origin, destination]` is banned.
    pub fn is_banned(&self, origin: usize, destination: usize) -> bool {
        self.banned[origin * self.tariffs.n() + destination]
    }
}

/// Duty pooling of one customs union: members' counterfactual tariff revenue is
/// summed and paid out by `shares` (summing to 1), sector by sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevenuePool {
    /// Name of the union.
    pub union: String,
    /// Member country indices.
    pub members: Vec<usize>,
    /// Share of each member, same order as `members`.
    pub shares: Vec<f64>,
    /// Share of its statutory duties each member collects (the rest stays
    /// with its importers and is never pooled), same order as `members`.
    pub collection: Vec<f64>,
}

/// The counterfactual policy of every sector, plus revenue pools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyState {
    /// One entry per sector.
    pub sectors: Vec<SectorPolicy>,
    /// Revenue pools (empty: every country keeps what it collects).
    pub pools: Vec<RevenuePool>,
}

impl PolicyState {
    /// The baseline policy of every market.
    pub fn baseline(markets: &[Market]) -> Self {
        PolicyState {
            sectors: markets.iter().map(SectorPolicy::baseline).collect(),
            pools: Vec::new(),
        }
    }
}

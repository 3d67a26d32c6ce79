//! Duty pooling: each pool's members' counterfactual tariff revenue is
//! summed and paid out by shares (sector by sector, so sector rows and totals
//! agree).

use crate::accounts::RefOutcome;
use crate::unions::RefPool;

/// Replaces each pooled member's counterfactual revenue by its share of the pool.
pub fn apply_pools(pools: &[RefPool], out: &mut [RefOutcome]) {
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

//! The one path from any model variant's solution of a sector to every
//! country's outcome: imports, tariff revenue, duty pooling, trade effects
//! and welfare.
//!
//! ```text
//! TR[j]   = sum_{i!=j} t[i][j] p[i] x[i][j]            (world-price base; the diagonal
//!                                                        too when it is a taxed source)
//! pooled:   TR1[m] = (1 - k[m]) TR1[m] + share[m] * sum_{j in union} k[j] TR1[j]
//!           (k = the share of duties each member collects; sector by sector)
//! welfare = dCS + dPS + (TR1 - TR0) + d quota_rent + d export_tax_revenue   (accounts/quota.rs)
//! dMp = sum_{partners} (x - x0),  dMo = sum_{outsiders} (x - x0)   (and at new prices p x - x0)
//! ```

use super::outcome::CountryOutcome;
use crate::policy::RevenuePool;
use crate::solver::SectorSolution;

/// Fills `out[c]` with country `c`'s outcome in the solved sector `sol`.
/// `union_of[c]` is the union index of country `c`; `pools` share duties.
/// Allocates nothing.
pub fn country_outcomes<S: SectorSolution>(
    sol: &S,
    pools: &[RevenuePool],
    union_of: &[Option<usize>],
    out: &mut [CountryOutcome],
) {
    let terms = sol.terms();
    let n = terms.n;
    let taxed_diagonal = terms.diagonal_is_import;
    for (i, o) in out.iter_mut().enumerate().take(n) {
        o.producer_price = sol.producer_price(i);
    }
    for j in 0..n {
        let mut o = CountryOutcome {
            producer_price: out[j].producer_price,
            consumer_price_index: sol.consumer_price_index(j),
            consumer_surplus: sol.consumer_surplus(j),
            producer_surplus: sol.producer_surplus(j),
            ..CountryOutcome::default()
        };
        let (mut tr0, mut tr1) = (0.0, 0.0);
        let (mut dmp, mut dmo, mut dmp_v, mut dmo_v) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..n {
            let pi = out[i].producer_price;
            let k = i * n + j;
            let (x0, x) = (terms.baseline_flows[k], sol.flow(i, j));
            if i != j || taxed_diagonal {
                tr0 += terms.baseline_tariffs[k] * x0;
                tr1 += terms.tariffs[k] * pi * x;
            }
            if i == j {
                continue;
            }
            o.imports_baseline += x0;
            o.imports_counterfactual += x;
            o.imports_counterfactual_value += pi * x;
            if let Some(u) = union_of[j] {
                let (d, dv) = (x - x0, pi * x - x0);
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
    if let Some(r) = terms.restrictions {
        super::quota::restriction_accounts(sol, r, &mut out[..n]);
    }
    pool_and_close(pools, &mut out[..n]);
}

/// Pays pooled (collected) revenue out, then sets each country's revenue
/// change and `welfare = consumer_surplus + producer_surplus + tariff_revenue +
/// quota_rent + export_tax_revenue` (quota rent and export taxes are never
/// pooled). With no pools it only closes the accounts.
pub(crate) fn pool_and_close(pools: &[RevenuePool], out: &mut [CountryOutcome]) {
    for pool in pools {
        let total: f64 = pool
            .members
            .iter()
            .zip(&pool.collection)
            .map(|(&m, &k)| k * out[m].tariff_revenue_counterfactual)
            .sum();
        for ((&m, &s), &k) in pool.members.iter().zip(&pool.shares).zip(&pool.collection) {
            let kept = if k == 1.0 {
                0.0
            } else {
                (1.0 - k) * out[m].tariff_revenue_counterfactual
            };
            out[m].tariff_revenue_counterfactual = kept + s * total;
        }
    }
    for o in out.iter_mut() {
        o.tariff_revenue = o.tariff_revenue_counterfactual - o.tariff_revenue_baseline;
        o.welfare = o.consumer_surplus
            + o.producer_surplus
            + o.tariff_revenue
            + o.quota_rent
            + o.export_tax_revenue;
    }
}

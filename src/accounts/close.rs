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
    let n = sol.terms().n;
    let mut flows = Vec::with_capacity(n * n);
    for i in 0..n {
        flows.extend((0..n).map(|j| sol.flow(i, j)));
    }
    country_accounts(sol, &flows, pools, union_of, out);
    for (j, o) in out.iter_mut().enumerate().take(n) {
        o.consumer_price_index = sol.consumer_price_index(j);
    }
}

/// [`country_outcomes`] but for the consumer price index, left at 0: every
/// additive field and the producer price. `flows` holds `sol`'s flows,
/// row-major (`[origin * n + destination]`). Monte Carlo draws, which
/// report no price level, close their sectors with it.
///
/// Flows are read once each, origin by origin; every destination's sums
/// still add their terms in origin order, so they carry the same bits as a
/// destination-by-destination pass.
pub(crate) fn country_accounts<S: SectorSolution>(
    sol: &S,
    flows: &[f64],
    pools: &[RevenuePool],
    union_of: &[Option<usize>],
    out: &mut [CountryOutcome],
) {
    let terms = sol.terms();
    let n = terms.n;
    debug_assert!(
        (0..n * n).all(|k| flows[k].to_bits() == sol.flow(k / n, k % n).to_bits()),
        "flows are the solution's"
    );
    let taxed_diagonal = terms.diagonal_is_import;
    let out = &mut out[..n];
    let union_of = &union_of[..n];
    for (j, o) in out.iter_mut().enumerate() {
        *o = CountryOutcome {
            producer_price: sol.producer_price(j),
            consumer_surplus: sol.consumer_surplus(j),
            producer_surplus: sol.producer_surplus(j),
            ..CountryOutcome::default()
        };
    }
    let rows = terms.baseline_flows[..n * n]
        .chunks_exact(n)
        .zip(terms.baseline_tariffs[..n * n].chunks_exact(n))
        .zip(terms.tariffs[..n * n].chunks_exact(n))
        .zip(flows[..n * n].chunks_exact(n));
    for (i, (((x0_row, t0_row), t1_row), x_row)) in rows.enumerate() {
        let (pi, union_i) = (out[i].producer_price, union_of[i]);
        let cells = x0_row
            .iter()
            .zip(t0_row)
            .zip(t1_row)
            .zip(x_row)
            .zip(union_of);
        for (j, (o, ((((&x0, &t0), &t1), &x), &union_j))) in out.iter_mut().zip(cells).enumerate() {
            if i == j {
                if taxed_diagonal {
                    o.tariff_revenue_baseline += t0 * x0;
                    o.tariff_revenue_counterfactual += t1 * pi * x;
                }
                continue;
            }
            o.tariff_revenue_baseline += t0 * x0;
            o.tariff_revenue_counterfactual += t1 * pi * x;
            o.imports_baseline += x0;
            o.imports_counterfactual += x;
            o.imports_counterfactual_value += pi * x;
            // dMp and dMo gather in the trade-effect fields until split below
            if union_j.is_some() {
                let (d, dv) = (x - x0, pi * x - x0);
                if union_i == union_j {
                    o.imports_from_partners_change += d;
                    o.imports_from_partners_change_value += dv;
                } else {
                    o.imports_from_outside_change += d;
                    o.imports_from_outside_change_value += dv;
                }
            }
        }
    }
    for (o, union_j) in out.iter_mut().zip(union_of) {
        if union_j.is_some() {
            o.set_trade_effects(
                o.imports_from_partners_change,
                o.imports_from_outside_change,
                o.imports_from_partners_change_value,
                o.imports_from_outside_change_value,
            );
        }
    }
    if let Some(r) = terms.restrictions {
        super::quota::restriction_accounts(sol, r, out);
    }
    pool_and_close(pools, out);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::OutcomeField;
    use crate::solver::MarketTerms;

    /// A solved sector given cell by cell.
    struct Cells {
        n: usize,
        x0: Vec<f64>,
        t0: Vec<f64>,
        t1: Vec<f64>,
        x: Vec<f64>,
        p: Vec<f64>,
        taxed_diagonal: bool,
    }

    impl SectorSolution for Cells {
        fn terms(&self) -> MarketTerms<'_> {
            MarketTerms {
                n: self.n,
                baseline_flows: &self.x0,
                baseline_tariffs: &self.t0,
                tariffs: &self.t1,
                diagonal_is_import: self.taxed_diagonal,
                restrictions: None,
            }
        }
        fn producer_price(&self, origin: usize) -> f64 {
            self.p[origin]
        }
        fn consumer_price_index(&self, destination: usize) -> f64 {
            1.0 + 0.01 * destination as f64
        }
        fn flow(&self, origin: usize, destination: usize) -> f64 {
            self.x[origin * self.n + destination]
        }
        fn consumer_surplus(&self, destination: usize) -> f64 {
            0.25 * destination as f64
        }
        fn producer_surplus(&self, origin: usize) -> f64 {
            -0.5 * origin as f64
        }
    }

    /// Cells whose magnitudes span many orders, so that any other order of
    /// summation changes low bits.
    fn cells(n: usize, seed: u64, taxed_diagonal: bool) -> Cells {
        let mut state = seed;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            u * 10f64.powi((state % 13) as i32 - 6)
        };
        let mut grid = |_| (0..n * n).map(|_| next()).collect::<Vec<f64>>();
        let (x0, t0, t1, x) = (grid(0), grid(1), grid(2), grid(3));
        let p = (0..n).map(|i| 0.9 + 0.03 * i as f64).collect();
        Cells {
            n,
            x0,
            t0,
            t1,
            x,
            p,
            taxed_diagonal,
        }
    }

    #[test]
    fn row_by_row_sums_have_the_bits_of_column_sums() {
        let n = 7;
        let union_of = [Some(0), None, Some(0), Some(1), None, Some(1), Some(0)];
        for (seed, taxed_diagonal) in [(1, false), (2, true), (3, false)] {
            let sol = cells(n, seed, taxed_diagonal);
            let mut out = vec![CountryOutcome::default(); n];
            country_outcomes(&sol, &[], &union_of, &mut out);
            for (j, o) in out.iter().enumerate() {
                // destination by destination, origin after origin
                let mut want = CountryOutcome::default();
                let (mut dmp, mut dmo, mut dmp_v, mut dmo_v) = (0.0, 0.0, 0.0, 0.0);
                for i in 0..n {
                    let k = i * n + j;
                    let (p, x0, x) = (sol.p[i], sol.x0[k], sol.x[k]);
                    if i != j || taxed_diagonal {
                        want.tariff_revenue_baseline += sol.t0[k] * x0;
                        want.tariff_revenue_counterfactual += sol.t1[k] * p * x;
                    }
                    if i == j {
                        continue;
                    }
                    want.imports_baseline += x0;
                    want.imports_counterfactual += x;
                    want.imports_counterfactual_value += p * x;
                    if union_of[j].is_some() && union_of[i] == union_of[j] {
                        (dmp, dmp_v) = (dmp + (x - x0), dmp_v + (p * x - x0));
                    } else if union_of[j].is_some() {
                        (dmo, dmo_v) = (dmo + (x - x0), dmo_v + (p * x - x0));
                    }
                }
                if union_of[j].is_some() {
                    want.set_trade_effects(dmp, dmo, dmp_v, dmo_v);
                }
                want.consumer_surplus = sol.consumer_surplus(j);
                want.producer_surplus = sol.producer_surplus(j);
                pool_and_close(&[], std::slice::from_mut(&mut want));
                assert_eq!(o.producer_price, sol.p[j]);
                assert_eq!(o.consumer_price_index, sol.consumer_price_index(j));
                for f in OutcomeField::ADDITIVE {
                    let (got, want) = (f.get(o).to_bits(), f.get(&want).to_bits());
                    assert_eq!(got, want, "{} of country {j}", f.name());
                }
            }
        }
    }
}

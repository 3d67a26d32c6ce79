//! The GSIM linear variant (Francois & Hall 2003, GSIM v1): one sector's
//! world-price changes from a single dense linear system, and welfare exactly as
//! the GSIM workbook computes it.
//!
//! ```text
//! T = (1+t)(1+c),  That[r][v] = T1/T0 - 1            (tariff and wedge together)
//! theta[v][r] = M[r][v] T0[r][v] / E0_v,  E0_v = sum_s M[s][v] T0[s][v]
//! phi[r][v]   = M[r][v] / R0_r,           R0_r = sum_w M[r][w]
//! Em = -eta,  Es = sigma_m,  Ex_r = epsilon_r
//! N_v(r,r) = theta[v][r] Em - (1 - theta[v][r]) Es,   N_v(r,s) = theta[v][s] (Em + Es)
//! Phat[r][v] = x_r + That[r][v]
//! Mhat[r][v] = N_v(r,r) Phat[r][v] + sum_{s!=r} N_v(r,s) Phat[s][v]
//! market clearing, every r with finite Ex_r and R0_r > 0:
//!   sum_v phi[r][v] Mhat[r][v] = Ex_r x_r                (linear in x; x_r = 0 otherwise)
//! Phat_v = sum_r theta[v][r] Phat[r][v]
//! dPS_r  = R0_r x_r (1 + Ex_r x_r / 2)
//! dCS_v  = E0_v Phat_v^2 sign(Phat_v) Em / 2 - E0_v Phat_v   (the workbook's form)
//! volume M (1 + Mhat),  value at new world prices M1 = M (1 + Mhat)(1 + x_r)
//! TR_v   = sum_r t[r][v] M1[r][v]   (tariff part only; the wedge is dissipated)
//! ```
//! The diagonal is intra-region trade, a source like any other (the model is
//! the exact model's `DomesticTreatment::AsImportSource` import nest, linearised).
//! Nothing is clamped: a large change can drive a linear flow or price below
//! zero, which is the sign to use the exact model.

use nalgebra::{DMatrix, DVector};

use super::{MarketTerms, SectorSolution};
use crate::error::{Error, Result};
use crate::model::{Elasticities, Market, Matrix};
use crate::policy::SectorPolicy;

/// The GSIM linear solution of one sector: every rate of change the workbook
/// reports. Changes are proportional (fractions: 0.01 = 1%); surplus and
/// revenue are in the data's value units (US$ million for the embedded data).
#[derive(Debug, Clone, PartialEq)]
pub struct GsimLinearSolution {
    /// World (producer) price change `x_r` of each exporter (fraction).
    pub world_price_change: Vec<f64>,
    /// Importer's composite (tariff-inclusive) price change `Phat_v` (fraction).
    pub consumer_price_change: Vec<f64>,
    /// Quantity change `Mhat[r][v]` of each flow (fraction), `[origin, destination]`.
    pub quantity_change: Matrix,
    /// Consumer surplus change `dCS_v` (workbook form; value units).
    pub consumer_surplus: Vec<f64>,
    /// Producer surplus change `dPS_r` (value units).
    pub producer_surplus: Vec<f64>,
    /// Baseline tariff revenue of each importer, `sum_r t0 M` (value units).
    pub tariff_revenue_baseline: Vec<f64>,
    /// Counterfactual tariff revenue of each importer (before pooling),
    /// `sum_r t1 M1` (value units).
    pub tariff_revenue_counterfactual: Vec<f64>,
}

/// Solves the GSIM linear system of one market under `policy`. `sector` names
/// the sector in errors.
///
/// # Errors
/// [`Error::Model`] when the policy bans a traded flow (a ban has no linear
/// meaning), a counterfactual tariff is `<= -1` or a wedge negative, the
/// sizes differ, or the system is singular (prices undetermined: `eta = 0` and
/// every free exporter has `epsilon = 0`).
pub fn solve_linear(
    market: &Market,
    el: &Elasticities,
    policy: &SectorPolicy,
    sector: &str,
) -> Result<GsimLinearSolution> {
    let n = market.n();
    if policy.tariffs.n() != n || policy.ntb.n() != n || policy.banned.len() != n * n {
        return Err(Error::model(sector, "policy size differs from the market"));
    }
    let m = market.flows();
    let (t0, c0) = (market.tariffs(), market.ntb());
    let (t1, c1) = (&policy.tariffs, &policy.ntb);
    for r in 0..n {
        for v in 0..n {
            let (t, c) = (t1.get(r, v), c1.get(r, v));
            if !(t.is_finite() && t > -1.0 && c.is_finite() && c >= 0.0) {
                return Err(Error::model(
                    sector,
                    format!("counterfactual tariff {t} / wedge {c} on flow [{r},{v}] out of range"),
                ));
            }
            if policy.is_banned(r, v) && m.get(r, v) > 0.0 {
                return Err(Error::model(
                    sector,
                    format!(
                        "the GSIM linear model cannot ban flow [{r},{v}]: a ban is not a small \
                         price change; use the exact model (--model armington)"
                    ),
                ));
            }
        }
    }
    let em = -el.demand;
    let es = el.sigma_import;
    let ex = market.supply();

    // theta[v][r] stored as theta[r * n + v] (same layout as the flows), E0, R0, That.
    let mut theta = vec![0.0; n * n];
    let mut that = vec![0.0; n * n];
    let mut e0 = vec![0.0; n];
    for v in 0..n {
        for r in 0..n {
            let tt0 = (1.0 + t0.get(r, v)) * (1.0 + c0.get(r, v));
            let tt1 = (1.0 + t1.get(r, v)) * (1.0 + c1.get(r, v));
            that[r * n + v] = tt1 / tt0 - 1.0;
            theta[r * n + v] = m.get(r, v) * tt0;
            e0[v] += theta[r * n + v];
        }
        if e0[v] > 0.0 {
            for r in 0..n {
                theta[r * n + v] /= e0[v];
            }
        }
    }
    let r0: Vec<f64> = (0..n).map(|r| market.output(r)).collect();
    // N_v(r,s) for a source r and another source s of v.
    let elast = |r: usize, s: usize, v: usize| -> f64 {
        let th = theta[s * n + v];
        if r == s {
            th * em - (1.0 - th) * es
        } else {
            th * (em + es)
        }
    };

    // x_r is fixed at 0 for price takers and for countries that export nothing.
    let free: Vec<usize> = (0..n)
        .filter(|&r| ex[r].is_finite() && r0[r] > 0.0)
        .collect();
    let mut x = vec![0.0; n];
    if !free.is_empty() {
        let k = free.len();
        let mut col = vec![None; n];
        for (c, &r) in free.iter().enumerate() {
            col[r] = Some(c);
        }
        let mut a = DMatrix::<f64>::zeros(k, k);
        let mut b = DVector::<f64>::zeros(k);
        for (row, &r) in free.iter().enumerate() {
            for v in 0..n {
                let phi = m.get(r, v) / r0[r];
                if phi == 0.0 {
                    continue;
                }
                for s in 0..n {
                    let nrs = phi * elast(r, s, v);
                    // known part: the tariff changes of every source of v
                    b[row] -= nrs * that[s * n + v];
                    if let Some(c) = col[s] {
                        a[(row, c)] += nrs;
                    }
                }
            }
            a[(row, row)] -= ex[r];
        }
        let sol = a.lu().solve(&b).filter(|s| s.iter().all(|v| v.is_finite()));
        let Some(sol) = sol else {
            return Err(Error::model(
                sector,
                "the GSIM linear system is singular: world prices are not determined \
                 (eta = 0 and every exporter's epsilon = 0?)",
            ));
        };
        for (row, &r) in free.iter().enumerate() {
            x[r] = sol[row];
        }
    }

    let mut mhat = Matrix::zeros(n);
    let mut phat_v = vec![0.0; n];
    let mut cs = vec![0.0; n];
    let mut tr0 = vec![0.0; n];
    let mut tr1 = vec![0.0; n];
    for v in 0..n {
        for r in 0..n {
            phat_v[v] += theta[r * n + v] * (x[r] + that[r * n + v]);
        }
        for r in 0..n {
            let flow = m.get(r, v);
            if flow == 0.0 {
                continue;
            }
            let d: f64 = (0..n)
                .map(|s| elast(r, s, v) * (x[s] + that[s * n + v]))
                .sum();
            mhat.set(r, v, d);
            tr0[v] += t0.get(r, v) * flow;
            tr1[v] += t1.get(r, v) * flow * (1.0 + d) * (1.0 + x[r]);
        }
        let p = phat_v[v];
        cs[v] = e0[v] * p * p * p.signum() * em / 2.0 - e0[v] * p;
        if p == 0.0 {
            cs[v] = 0.0;
        }
    }
    let ps = (0..n)
        .map(|r| {
            if x[r] == 0.0 {
                0.0
            } else {
                r0[r] * x[r] * (1.0 + ex[r] * x[r] / 2.0)
            }
        })
        .collect();
    Ok(GsimLinearSolution {
        world_price_change: x,
        consumer_price_change: phat_v,
        quantity_change: mhat,
        consumer_surplus: cs,
        producer_surplus: ps,
        tariff_revenue_baseline: tr0,
        tariff_revenue_counterfactual: tr1,
    })
}

/// The GSIM linear solution of one sector as the accounts read it.
///
/// | accounts read | value |
/// |---|---|
/// | producer price | `1 + x_r` |
/// | consumer price index | `1 + Phat_v` |
/// | consumer / producer surplus | the workbook's `dCS_v` / `dPS_r` |
/// | flow | volume `M (1 + Mhat)`; its value at new prices `M (1 + Mhat)(1 + x_r)` |
/// | tariffs | the tariff part of `T` only (the wedge is dissipated) |
#[derive(Debug, Clone)]
pub(crate) struct LinearSectorSolution<'a> {
    sol: GsimLinearSolution,
    terms: MarketTerms<'a>,
}

impl<'a> LinearSectorSolution<'a> {
    /// The accounts' view of `sol`, the [`solve_linear`] solution of a market
    /// with these terms (the diagonal is one more taxed source).
    pub(crate) fn new(sol: GsimLinearSolution, terms: MarketTerms<'a>) -> Self {
        debug_assert!(terms.diagonal_is_import);
        LinearSectorSolution { sol, terms }
    }
}

impl SectorSolution for LinearSectorSolution<'_> {
    fn terms(&self) -> MarketTerms<'_> {
        self.terms
    }
    fn producer_price(&self, origin: usize) -> f64 {
        1.0 + self.sol.world_price_change[origin]
    }
    fn consumer_price_index(&self, destination: usize) -> f64 {
        1.0 + self.sol.consumer_price_change[destination]
    }
    fn flow(&self, origin: usize, destination: usize) -> f64 {
        self.terms.baseline_flow(origin, destination)
            * (1.0 + self.sol.quantity_change.get(origin, destination))
    }
    fn consumer_surplus(&self, destination: usize) -> f64 {
        self.sol.consumer_surplus[destination]
    }
    fn producer_surplus(&self, origin: usize) -> f64 {
        self.sol.producer_surplus[origin]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Country, Dataset, Sector};
    use crate::policy::PolicyState;

    /// The GSIM 4x4 workbook: rows exporter, columns importer; US, JP, EU, RW.
    fn workbook() -> Dataset {
        let m = [
            [0.0, 50.0, 200.0, 300.0],
            [500.0, 0.0, 150.0, 200.0],
            [300.0, 100.0, 200.0, 200.0],
            [50.0, 100.0, 110.0, 20.0],
        ];
        let t0 = [
            [1.00, 1.21, 1.41, 1.22],
            [1.37, 1.00, 1.31, 1.23],
            [1.32, 1.36, 1.00, 1.18],
            [1.57, 1.41, 1.25, 1.15],
        ];
        let flows = Matrix::from_rows(&m.map(|r| r.to_vec())).unwrap();
        let tariffs = Matrix::from_rows(&t0.map(|r| r.map(|t| t - 1.0).to_vec())).unwrap();
        let market = Market::new(flows, tariffs, Matrix::zeros(4), vec![1.5; 4]).unwrap();
        let countries = ["US", "JP", "EU", "RW"]
            .iter()
            .map(|c| Country::new(*c, *c))
            .collect();
        let sector = Sector {
            code: "G".into(),
            name: "goods".into(),
            elasticities: Elasticities::new(5.0, 5.0, 1.25).unwrap(),
            supply_default: 1.5,
        };
        Dataset::new(countries, vec![sector], vec![market]).unwrap()
    }

    fn fta(data: &Dataset) -> PolicyState {
        let mut p = PolicyState::baseline(data.markets());
        p.sectors[0].tariffs.set(2, 0, 0.0);
        p.sectors[0].tariffs.set(0, 2, 0.0);
        p
    }

    #[test]
    fn workbook_world_prices() {
        let data = workbook();
        let sol = solve_linear(
            &data.markets()[0],
            &data.sectors()[0].elasticities,
            &fta(&data).sectors[0],
            "G",
        )
        .unwrap();
        let want = [0.0792, -0.0316, 0.0480, -0.0184];
        for (x, w) in sol.world_price_change.iter().zip(want) {
            assert!((x - w).abs() < 5e-5, "{x} vs {w}");
        }
    }
}

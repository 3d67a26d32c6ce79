//! A first-order predictor of the equilibrium when elasticities change:
//! the starting point of repeated solves (Monte Carlo draws).
//!
//! ```text
//! theta = (sigma_m, sigma_d, eta, eps_1 .. eps_N)          at the central solution ln p0
//! S     = -J(ln p0)^-1 dR/dtheta                            (active countries only)
//! ln p(theta) ~ ln p0 + S (theta - theta0)                  each component capped at +-0.5
//! dR/dsigma_m, dR/dsigma_d, dR/deta: forward differences, h = 1e-6 max(1, theta)
//! dR_i/deps_i = -X_i ln p_i                                  (analytic)
//! ```
//! The prediction depends only on the draw's parameters, so starting every
//! draw from it keeps results independent of how draws are split among
//! threads or shards. Newton then needs fewer steps than from `ln p0` alone.

use super::armington::{PreparedMarket, Workspace};
use super::lu;
use crate::model::Elasticities;

/// The central solution of one market and its sensitivities.
#[derive(Debug, Clone)]
pub struct Predictor {
    n: usize,
    el0: Elasticities,
    supply0: Vec<f64>,
    lnp0: Vec<f64>,
    /// `n × (3 + n)`, row-major: row `i` = d ln p_i / d theta.
    sens: Vec<f64>,
}

impl Predictor {
    /// Builds the predictor at the solution `lnp0` of `pm` for `el0`, `supply0`.
    /// Returns `None` when the Jacobian there is singular (then callers start
    /// from `lnp0` itself).
    pub fn new(
        pm: &PreparedMarket,
        el0: &Elasticities,
        supply0: &[f64],
        lnp0: &[f64],
        ws: &mut Workspace,
    ) -> Option<Predictor> {
        let n = pm.n();
        let m = 3 + n;
        let active: Vec<usize> = (0..n)
            .filter(|&i| supply0[i].is_finite() && pm.output(i) > 0.0)
            .collect();
        let na = active.len();
        let mut sens = vec![0.0; n * m];
        if na > 0 {
            pm.evaluate(el0, supply0, lnp0, ws, true);
            let jac = ws.jac.clone();
            let r0 = ws.res.clone();
            let supply_q = ws.supply_q.clone();
            // right-hand sides: columns of dR/dtheta (active rows)
            let mut cols = vec![0.0; na * m];
            for t in 0..3 {
                let mut el = *el0;
                let v = match t {
                    0 => &mut el.sigma_import,
                    1 => &mut el.sigma_domestic,
                    _ => &mut el.demand,
                };
                let h = 1e-6 * v.abs().max(1.0);
                *v += h;
                pm.evaluate(&el, supply0, lnp0, ws, false);
                for (r, &i) in active.iter().enumerate() {
                    cols[r * m + t] = (ws.res[i] - r0[i]) / h;
                }
            }
            for (r, &i) in active.iter().enumerate() {
                cols[r * m + 3 + i] = -supply_q[i] * lnp0[i];
            }
            let mut a = vec![0.0; na * na];
            let mut b = vec![0.0; na];
            for t in 0..m {
                for (r, &i) in active.iter().enumerate() {
                    for (c, &k) in active.iter().enumerate() {
                        a[r * na + c] = jac[i * n + k];
                    }
                    b[r] = -cols[r * m + t];
                }
                if !lu::solve_in_place(&mut a, &mut b, na) {
                    return None;
                }
                for (r, &i) in active.iter().enumerate() {
                    sens[i * m + t] = b[r];
                }
            }
        }
        Some(Predictor {
            n,
            el0: *el0,
            supply0: supply0.to_vec(),
            lnp0: lnp0.to_vec(),
            sens,
        })
    }

    /// Writes the predicted log prices for `el`, `supply` into `lnp`.
    pub fn predict(&self, el: &Elasticities, supply: &[f64], lnp: &mut [f64]) {
        let n = self.n;
        let m = 3 + n;
        let d = [
            el.sigma_import - self.el0.sigma_import,
            el.sigma_domestic - self.el0.sigma_domestic,
            el.demand - self.el0.demand,
        ];
        for i in 0..n {
            let row = &self.sens[i * m..(i + 1) * m];
            let mut delta = row[0] * d[0] + row[1] * d[1] + row[2] * d[2];
            for c in 0..n {
                let (e, e0) = (supply[c], self.supply0[c]);
                if row[3 + c] != 0.0 && e.is_finite() && e0.is_finite() {
                    delta += row[3 + c] * (e - e0);
                }
            }
            let delta = if delta.is_finite() {
                delta.clamp(-0.5, 0.5)
            } else {
                0.0
            };
            lnp[i] = self.lnp0[i] + delta;
        }
    }
}

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

use super::lu;
use super::prepared::PreparedMarket;
use super::workspace::Workspace;
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
            let jac = ws.jacobian.clone();
            let r0 = ws.residual.clone();
            let supply_q = ws.supply.clone();
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
                    cols[r * m + t] = (ws.residual[i] - r0[i]) / h;
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
                        a[c * na + r] = jac[i * n + k];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Market, Matrix};
    use crate::policy::SectorPolicy;
    use crate::solver::{DomesticTreatment, SolverConfig};

    fn market() -> (Market, SectorPolicy) {
        let flows = Matrix::from_rows(&[
            vec![500.0, 40.0, 20.0, 10.0],
            vec![30.0, 900.0, 50.0, 25.0],
            vec![60.0, 80.0, 2000.0, 300.0],
            vec![35.0, 70.0, 400.0, 9000.0],
        ])
        .expect("square");
        let mut tariffs = Matrix::zeros(4);
        for i in 0..4 {
            for j in 0..4 {
                if i != j {
                    tariffs.set(i, j, 0.05 + 0.02 * (i + j) as f64);
                }
            }
        }
        let m = Market::new(
            flows,
            tariffs,
            Matrix::zeros(4),
            vec![2.0, 1.5, 5.0, f64::INFINITY],
        )
        .expect("valid");
        let mut p = SectorPolicy::baseline(&m);
        p.tariffs.set(1, 0, 0.0);
        p.tariffs.set(0, 1, 0.0);
        p.tariffs.set(2, 0, 0.15);
        (m, p)
    }

    fn solve(
        pm: &PreparedMarket,
        el: &Elasticities,
        supply: &[f64],
        ws: &mut Workspace,
    ) -> Vec<f64> {
        let cfg = SolverConfig::default().with_warm_start(false);
        pm.solve_in(el, supply, &cfg, ws, "t").expect("converges");
        ws.log_prices().to_vec()
    }

    fn dist(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn the_prediction_is_much_closer_than_the_central_solution() {
        let (m, p) = market();
        let pm = PreparedMarket::new(&m, &p, DomesticTreatment::Nested).expect("prepared");
        let mut ws = Workspace::new(4);
        let el0 = Elasticities::new(6.0, 3.0, 1.0).expect("valid");
        let lnp0 = solve(&pm, &el0, m.supply(), &mut ws);
        let pred = Predictor::new(&pm, &el0, m.supply(), &lnp0, &mut ws).expect("regular");
        // a draw 10% away in every elasticity, supply of country 0 changed too
        let el1 = Elasticities::new(6.6, 3.3, 1.1).expect("valid");
        let supply1 = [2.2, 1.5, 5.0, f64::INFINITY];
        let truth = solve(&pm, &el1, &supply1, &mut ws);
        let mut guess = vec![0.0; 4];
        pred.predict(&el1, &supply1, &mut guess);
        let (d_central, d_pred) = (dist(&lnp0, &truth), dist(&guess, &truth));
        assert!(d_central > 1e-4, "the draw must move prices ({d_central})");
        assert!(
            d_pred < 0.1 * d_central,
            "prediction {d_pred} vs central {d_central}"
        );
        // at the central values the prediction is the central solution itself
        pred.predict(&el0, m.supply(), &mut guess);
        assert!(dist(&guess, &lnp0) == 0.0);
    }
}

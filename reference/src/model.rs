//! The exact nested-CES demand of one sector, written from the model's
//! equations with plain `powf` formulas (the geometric and log forms only at
//! sigma = 1 and eta = 1), and the market-clearing residual.
//!
//! ```text
//! q[i][j] = p[i] (1 + t[i][j]) (1 + c[i][j]);  r[i][j] = q1[i][j] / q0[i][j]
//! PM[j] = (sum_{i != j} a[i][j] r[i][j]^(1 - sigma_m))^(1 / (1 - sigma_m))
//! P[j]  = (b[j] r[j][j]^(1 - sigma_d) + (1 - b[j]) PM[j]^(1 - sigma_d))^(1 / (1 - sigma_d))
//! x[i][j] = x0[i][j] (r[i][j] / PM[j])^(-sigma_m) (PM[j] / P[j])^(-sigma_d) P[j]^(-eta)
//! x[j][j] = x0[j][j] (r[j][j] / P[j])^(-sigma_d) P[j]^(-eta)
//! as-import-source: the diagonal is one more source in the import nest, P = PM
//! R[i] = (sum_j x[i][j] - X0[i] p[i]^eps[i]) / (X0[i] p[i]^eps[i])
//! ```

use crate::data::{RefSector, Treatment, zeros};
use crate::policy::RefPolicy;

/// Demand at producer prices `p`.
#[derive(Debug, Clone)]
pub struct Demand {
    /// Flows `[origin][destination]` (volumes).
    pub x: Vec<Vec<f64>>,
    /// Composite consumer price index `P[j]`.
    pub pc: Vec<f64>,
    /// Import price index `PM[j]`.
    pub pm: Vec<f64>,
}

fn ces(terms: &[(f64, f64)], sigma: f64) -> f64 {
    // terms: (weight, relative price); a zero weight drops out
    if sigma == 1.0 {
        terms
            .iter()
            .filter(|t| t.0 > 0.0)
            .map(|&(a, r)| a * r.ln())
            .sum::<f64>()
            .exp()
    } else {
        terms
            .iter()
            .filter(|t| t.0 > 0.0)
            .map(|&(a, r)| a * r.powf(1.0 - sigma))
            .sum::<f64>()
            .powf(1.0 / (1.0 - sigma))
    }
}

/// Demand of every destination at producer prices `p` (the two-level CES above).
pub fn demand(sec: &RefSector, pol: &RefPolicy, tr: Treatment, p: &[f64]) -> Demand {
    let n = sec.n();
    let (sm, sd, eta) = (sec.sigma_m, sec.sigma_d, sec.eta);
    let nested = tr == Treatment::Nested;
    let mut x = zeros(n);
    let mut pc = vec![1.0; n];
    let mut pm = vec![1.0; n];
    for j in 0..n {
        let q0 = |i: usize| (1.0 + sec.t0[i][j]) * (1.0 + sec.c0[i][j]);
        let q1 = |i: usize| (1.0 + pol.t1[i][j]) * (1.0 + pol.c1[i][j]);
        let in_nest = |i: usize| !(nested && i == j);
        let e0: f64 = (0..n).map(|i| q0(i) * sec.x0[i][j]).sum();
        let nest0: f64 = (0..n)
            .filter(|&i| in_nest(i))
            .map(|i| q0(i) * sec.x0[i][j])
            .sum();
        // relative consumer price of i's good in j
        let r = |i: usize| p[i] * q1(i) / q0(i);
        if nest0 > 0.0 {
            let terms: Vec<(f64, f64)> = (0..n)
                .filter(|&i| in_nest(i) && !pol.banned[i][j])
                .map(|i| (q0(i) * sec.x0[i][j] / nest0, r(i)))
                .collect();
            pm[j] = ces(&terms, sm);
        }
        if nested {
            let b = if e0 > 0.0 { sec.x0[j][j] / e0 } else { 0.0 };
            pc[j] = if nest0 == 0.0 {
                p[j]
            } else if b == 0.0 {
                pm[j]
            } else {
                ces(&[(b, p[j]), (1.0 - b, pm[j])], sd)
            };
        } else {
            pc[j] = pm[j];
        }
        let q = pc[j].powf(-eta);
        for i in 0..n {
            if sec.x0[i][j] == 0.0 || pol.banned[i][j] {
                continue;
            }
            x[i][j] = if nested && i == j {
                sec.x0[j][j] * (p[j] / pc[j]).powf(-sd) * q
            } else if nested {
                sec.x0[i][j] * (r(i) / pm[j]).powf(-sm) * (pm[j] / pc[j]).powf(-sd) * q
            } else {
                sec.x0[i][j] * (r(i) / pm[j]).powf(-sm) * q
            };
        }
    }
    Demand { x, pc, pm }
}

/// Countries whose price is solved for: finite epsilon and positive output.
pub fn active(sec: &RefSector) -> Vec<usize> {
    (0..sec.n())
        .filter(|&i| sec.eps[i].is_finite() && sec.output(i) > 0.0)
        .collect()
}

/// Relative residual `(sum_j x[i][j] - X0 p^eps) / (X0 p^eps)` of the active countries.
pub fn scaled_residual(
    sec: &RefSector,
    pol: &RefPolicy,
    tr: Treatment,
    p: &[f64],
    act: &[usize],
) -> Vec<f64> {
    let d = demand(sec, pol, tr, p);
    act.iter()
        .map(|&i| {
            // relative to current supply: the natural scale of the rounding noise
            let supply = sec.output(i) * p[i].powf(sec.eps[i]);
            (d.x[i].iter().sum::<f64>() - supply) / supply
        })
        .collect()
}

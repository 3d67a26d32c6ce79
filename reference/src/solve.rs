//! The reference solver, independent of the library's: Newton on log prices
//! with a central finite-difference Jacobian, a Jacobi fallback where the
//! Jacobian is singular, and a backtracking line search, to
//! `max |R_i| < 1e-13` (1e-12 where rounding keeps the last digit moving).

use crate::data::{RefSector, Treatment};
use crate::model::{active, scaled_residual};
use crate::policy::RefPolicy;

/// Gaussian elimination with partial pivoting.
pub fn gauss_solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    // equilibrate rows: a country priced out of its markets has a tiny row
    for (row, rhs) in a.iter_mut().zip(b.iter_mut()) {
        let big = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if big > 0.0 && big.is_finite() {
            row.iter_mut().for_each(|v| *v /= big);
            *rhs /= big;
        }
    }
    for k in 0..n {
        let p = (k..n).max_by(|&r, &s| a[r][k].abs().total_cmp(&a[s][k].abs()))?;
        if a[p][k] == 0.0 || !a[p][k].is_finite() {
            return None;
        }
        a.swap(k, p);
        b.swap(k, p);
        for r in k + 1..n {
            let f = a[r][k] / a[k][k];
            for c in k..n {
                a[r][c] -= f * a[k][c];
            }
            b[r] -= f * b[k];
        }
    }
    let mut x = vec![0.0; n];
    for k in (0..n).rev() {
        let s: f64 = (k + 1..n).map(|c| a[k][c] * x[c]).sum();
        x[k] = (b[k] - s) / a[k][k];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The reference equilibrium: producer prices (1 for inactive countries).
///
/// # Panics
/// When Newton does not reach `max |R_i| / X0_i < 1e-13` (the test then fails loudly).
pub fn solve_prices(sec: &RefSector, pol: &RefPolicy, tr: Treatment) -> Vec<f64> {
    let n = sec.n();
    let act = active(sec);
    let mut lnp = vec![0.0; n];
    let prices = |lnp: &[f64]| lnp.iter().map(|v| v.exp()).collect::<Vec<f64>>();
    let norm = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>();
    let maxabs = |r: &[f64]| r.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut r = scaled_residual(sec, pol, tr, &prices(&lnp), &act);
    for _ in 0..300 {
        if maxabs(&r) < 1e-13 {
            return prices(&lnp);
        }
        // central finite-difference Jacobian in log prices
        let h = 1e-6;
        let mut jac = vec![vec![0.0; act.len()]; act.len()];
        for (c, &k) in act.iter().enumerate() {
            let mut up = lnp.clone();
            let mut dn = lnp.clone();
            up[k] += h;
            dn[k] -= h;
            let ru = scaled_residual(sec, pol, tr, &prices(&up), &act);
            let rd = scaled_residual(sec, pol, tr, &prices(&dn), &act);
            for row in 0..act.len() {
                jac[row][c] = (ru[row] - rd[row]) / (2.0 * h);
            }
        }
        let diag: Vec<f64> = (0..act.len()).map(|c| jac[c][c]).collect();
        // a row can vanish where a price overshot (the country sells nothing):
        // then a damped Jacobi step instead
        let step = gauss_solve(jac, r.iter().map(|v| -v).collect()).unwrap_or_else(|| {
            r.iter()
                .zip(&diag)
                .map(|(v, d)| if *d != 0.0 { -v / d } else { -0.1 * v.signum() })
                .collect()
        });
        let big = step.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let cap = if big > 1.0 { 1.0 / big } else { 1.0 };
        let f0 = norm(&r);
        let mut lambda = cap;
        let mut accepted = false;
        for _ in 0..60 {
            let mut trial = lnp.clone();
            for (c, &k) in act.iter().enumerate() {
                trial[k] += lambda * step[c];
            }
            let rt = scaled_residual(sec, pol, tr, &prices(&trial), &act);
            let ft = norm(&rt);
            if ft.is_finite() && (ft <= (1.0 - 1e-4 * lambda) * f0 || maxabs(&rt) < 1e-13) {
                lnp = trial;
                r = rt;
                accepted = true;
                break;
            }
            lambda *= 0.5;
        }
        if !accepted {
            // at the level of rounding: accept if already tiny
            assert!(
                maxabs(&r) < 1e-12,
                "reference line search failed, residual {:e}",
                maxabs(&r)
            );
            return prices(&lnp);
        }
    }
    // rounding noise of the naive powf formulas (e.g. X0 p^50) can keep the
    // last digit from settling; 1e-12 is still below anything compared
    assert!(
        maxabs(&r) < 1e-12,
        "reference solver did not converge: residual {:e}",
        maxabs(&r)
    );
    prices(&lnp)
}

//! The two fits of the 2009 data: a RAS fit of a sector split to new margins,
//! and the least-change calibration of a tariff schedule to two averages.
//!
//! ```text
//! RAS:          m[p][s] scaled by columns then rows until sum_p m[p][s] = col[s]
//!               (largest relative miss < RAS_TOLERANCE) and sum_s m[p][s] = row[p]
//! calibration:  t_s = p_s (1 + l1 + l2 w_s), l1, l2 solving
//!               mean_s t_s = simple and sum_s w_s t_s = weighted
//!               (the minimum of sum_s (t_s - p_s)^2 / p_s under the two constraints)
//! ```

use crate::error::{Error, Result};
use crate::figures::{
    CALIBRATION_MAX_FACTOR, IDENTITY_TOLERANCE, RAS_MAX_ITER, RAS_TOLERANCE, RATE_DECIMALS,
    SECTOR_DEFS, SINGULAR_TOLERANCE,
};

/// `x` rounded to `decimals` decimals, with no negative zero.
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let r = (x * scale).round() / scale;
    if r == 0.0 { 0.0 } else { r }
}

/// Arithmetic mean.
pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// RAS: scales `m[p][s]` so that rows sum to `row` and columns to `col`.
/// Returns the iterations used.
///
/// # Errors
/// [`Error::Ras`] when the margins' totals disagree, a sector or partner has
/// no seed flow, or the fit does not converge in [`RAS_MAX_ITER`] iterations.
pub fn ras(m: &mut [[f64; 8]], row: &[f64], col: &[f64; 8]) -> Result<usize> {
    let rsum: f64 = row.iter().sum();
    let csum: f64 = col.iter().sum();
    if (rsum - csum).abs() > IDENTITY_TOLERANCE * rsum {
        return Err(Error::Ras(format!("margins disagree: {rsum} vs {csum}")));
    }
    for it in 1..=RAS_MAX_ITER {
        for s in 0..8 {
            let c: f64 = m.iter().map(|r| r[s]).sum();
            if c <= 0.0 {
                return Err(Error::Ras(format!("sector {s} has no seed flow")));
            }
            let f = col[s] / c;
            for r in m.iter_mut() {
                r[s] *= f;
            }
        }
        for (r, target) in m.iter_mut().zip(row) {
            let t: f64 = r.iter().sum();
            if t <= 0.0 {
                return Err(Error::Ras("a partner has no seed flow".to_string()));
            }
            let f = target / t;
            for x in r.iter_mut() {
                *x *= f;
            }
        }
        let err = (0..8)
            .map(|s| (m.iter().map(|r| r[s]).sum::<f64>() / col[s] - 1.0).abs())
            .fold(0.0, f64::max);
        if err < RAS_TOLERANCE {
            return Ok(it);
        }
    }
    Err(Error::Ras(format!(
        "did not converge in {RAS_MAX_ITER} iterations"
    )))
}

/// Least-change calibration of `prior` to a simple average `simple` and a
/// `w`-weighted average `weighted`; rates rounded to [`RATE_DECIMALS`].
///
/// # Errors
/// [`Error::Calibration`] when the 2x2 system is singular or a rate would
/// move by more than [`CALIBRATION_MAX_FACTOR`] from its prior.
pub fn calibrate(prior: &[f64; 8], w: &[f64; 8], simple: f64, weighted: f64) -> Result<[f64; 8]> {
    let n = prior.len() as f64;
    let sp: f64 = prior.iter().sum();
    let spw: f64 = prior.iter().zip(w).map(|(p, w)| p * w).sum();
    let spww: f64 = prior.iter().zip(w).map(|(p, w)| p * w * w).sum();
    // (sp + l1 sp + l2 spw) / n = simple ; spw + l1 spw + l2 spww = weighted
    let (a11, a12, b1) = (sp / n, spw / n, simple - sp / n);
    let (a21, a22, b2) = (spw, spww, weighted - spw);
    let det = a11 * a22 - a12 * a21;
    if det.abs() < SINGULAR_TOLERANCE {
        return Err(Error::Calibration("singular system".to_string()));
    }
    let l1 = (b1 * a22 - a12 * b2) / det;
    let l2 = (a11 * b2 - a21 * b1) / det;
    let mut t = [0.0; 8];
    for s in 0..8 {
        let factor = 1.0 + l1 + l2 * w[s];
        if !(1.0 / CALIBRATION_MAX_FACTOR..=CALIBRATION_MAX_FACTOR).contains(&factor) {
            return Err(Error::Calibration(format!(
                "moves sector {} by a factor {factor:.3}: revise the prior",
                SECTOR_DEFS[s].0
            )));
        }
        t[s] = round_to(prior[s] * factor, RATE_DECIMALS);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ras_meets_both_margins() {
        let mut m = [[1.0; 8], [2.0; 8], [0.5; 8]];
        let row = [10.0, 20.0, 10.0];
        let col = [8.0, 2.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0];
        ras(&mut m, &row, &col).unwrap();
        for (r, target) in m.iter().zip(row) {
            assert!((r.iter().sum::<f64>() / target - 1.0).abs() < 1e-12);
        }
        for s in 0..8 {
            let c: f64 = m.iter().map(|r| r[s]).sum();
            assert!((c / col[s] - 1.0).abs() < RAS_TOLERANCE);
        }
    }

    #[test]
    fn ras_refuses_margins_that_disagree() {
        let mut m = [[1.0; 8]];
        assert!(matches!(ras(&mut m, &[9.0], &[1.0; 8]), Err(Error::Ras(_))));
    }

    #[test]
    fn calibration_hits_both_averages_up_to_rounding() {
        let prior = [0.1, 0.02, 0.04, 0.04, 0.035, 0.1, 0.08, 0.07];
        let w = [0.1, 0.05, 0.2, 0.1, 0.35, 0.1, 0.05, 0.05];
        let t = calibrate(&prior, &w, 0.06, 0.05).unwrap();
        let weighted: f64 = t.iter().zip(&w).map(|(t, w)| t * w).sum();
        // eight rates rounded to 0.00005 each
        assert!((mean(&t) - 0.06).abs() < 5e-5);
        assert!((weighted - 0.05).abs() < 5e-5);
    }

    #[test]
    fn calibration_refuses_to_move_a_prior_too_far() {
        let prior = [0.05; 8];
        let w = [0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
        let err = calibrate(&prior, &w, 0.5, 0.5).unwrap_err();
        assert!(err.to_string().contains("revise the prior"), "{err}");
    }
}

//! Dense LU factorisation with partial pivoting, in place, allocation-free.
//!
//! The Newton step solves `J d = -R` every iteration; factorising into a
//! reused buffer keeps the hot loop free of allocation.

/// Solves `a x = b` in place (`a` row-major `n × n`, overwritten by its LU
/// factors; `b` overwritten by `x`). Returns `false` when a pivot is zero or
/// not finite (the matrix is singular to working precision).
pub fn solve_in_place(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    debug_assert!(a.len() >= n * n && b.len() >= n);
    let scale = a[..n * n].iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(scale.is_finite() && scale > 0.0) {
        return false;
    }
    let tiny = scale * 1e-300_f64.max(f64::EPSILON * 1e-3);
    for k in 0..n {
        // pivot
        let mut p = k;
        let mut best = a[k * n + k].abs();
        for r in k + 1..n {
            let v = a[r * n + k].abs();
            if v > best {
                best = v;
                p = r;
            }
        }
        if !(best.is_finite() && best > tiny) {
            return false;
        }
        if p != k {
            for c in 0..n {
                a.swap(k * n + c, p * n + c);
            }
            b.swap(k, p);
        }
        let pivot = a[k * n + k];
        for r in k + 1..n {
            let f = a[r * n + k] / pivot;
            if f != 0.0 {
                a[r * n + k] = f;
                let (top, bottom) = a.split_at_mut(r * n);
                let krow = &top[k * n + k + 1..k * n + n];
                let rrow = &mut bottom[k + 1..n];
                for (x, &y) in rrow.iter_mut().zip(krow) {
                    *x -= f * y;
                }
                b[r] -= f * b[k];
            } else {
                a[r * n + k] = 0.0;
            }
        }
    }
    for k in (0..n).rev() {
        let mut s = b[k];
        for c in k + 1..n {
            s -= a[k * n + c] * b[c];
        }
        b[k] = s / a[k * n + k];
    }
    b[..n].iter().all(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_pivoting_system() {
        // needs a row swap: zero leading pivot
        let mut a = vec![0.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
        let x_true = [1.0, -2.0, 3.0];
        let a0 = a.clone();
        let mut b: Vec<f64> = (0..3)
            .map(|r| (0..3).map(|c| a0[r * 3 + c] * x_true[c]).sum())
            .collect();
        assert!(solve_in_place(&mut a, &mut b, 3));
        for (x, t) in b.iter().zip(x_true) {
            approx::assert_abs_diff_eq!(*x, t, epsilon = 1e-12);
        }
    }

    #[test]
    fn reports_a_singular_matrix() {
        let mut a = vec![1.0, 2.0, 2.0, 4.0];
        let mut b = vec![1.0, 2.0];
        assert!(!solve_in_place(&mut a, &mut b, 2));
    }
}

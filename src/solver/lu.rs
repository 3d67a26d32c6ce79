//! The linear solves of the Newton, Levenberg-Marquardt and predictor steps:
//! LU factorisation with partial pivoting, plus a check that no pivot is
//! zero, not finite, or negligible against the matrix's largest entry.
//!
//! The caller writes the system column-major into a buffer it keeps. Up to 12
//! unknowns (every market of the embedded data, so the Monte Carlo path) the
//! buffer is factorised in place by the loops below, which allocate nothing
//! and do what nalgebra's LU does in the same order (the same pivots, the
//! same bits) without its generic matrix machinery, which cost more than the
//! arithmetic at these sizes. Larger systems lend the buffer itself to
//! nalgebra as the matrix it factorises in place and take it back afterwards;
//! nalgebra then allocates only its row permutation (one index pair per row),
//! next to O(n^3) work.

use nalgebra::{DMatrix, DVectorViewMut};

/// Solves `a x = b` in place. `a` holds the `n × n` matrix column-major in its
/// first `n * n` entries and is overwritten by scratch (its length is kept);
/// `b` (`n` values) is overwritten by `x`. Returns `false` when a pivot is
/// zero, not finite or below `scale * max(1e-300, eps / 1000)` (`scale` the
/// largest `|a_ij|`: the matrix is singular to working precision), or the
/// solution is not finite.
pub(crate) fn solve_in_place(a: &mut Vec<f64>, b: &mut [f64], n: usize) -> bool {
    debug_assert!(a.len() >= n * n && b.len() >= n);
    let scale = a[..n * n].iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(scale.is_finite() && scale > 0.0) {
        return false;
    }
    let tiny = tiny_pivot(scale);
    macro_rules! fixed {
        ($($k:literal)*) => {
            match n {
                $($k => solve_small::<$k>(a, b, tiny),)*
                _ => solve_dynamic(a, b, n, tiny),
            }
        };
    }
    fixed!(1 2 3 4 5 6 7 8 9 10 11 12)
}

/// Small systems in the caller's buffer, the size known at compile time (the
/// loops unroll).
fn solve_small<const N: usize>(a: &mut [f64], b: &mut [f64], tiny: f64) -> bool {
    let mut perm = [0usize; N];
    factor(&mut a[..N * N], &mut perm, N, tiny) && solve_factored(&a[..N * N], &perm, b, N)
}

/// The pivot threshold of a matrix whose largest `|a_ij|` is `scale`.
fn tiny_pivot(scale: f64) -> f64 {
    scale * 1e-300_f64.max(f64::EPSILON * 1e-3)
}

/// LU factorisation with partial pivoting of the column-major `n × n` matrix
/// `a`, in place (`L` unit lower below the diagonal, `U` on and above), the
/// row chosen at step `k` in `perm[k]`. Returns `false` when a pivot is zero,
/// not finite or not above `tiny`.
#[inline(always)]
fn factor(a: &mut [f64], perm: &mut [usize], n: usize, tiny: f64) -> bool {
    for k in 0..n {
        // pivot: the first largest |a_rk|, r >= k
        let col = &a[k * n..(k + 1) * n];
        let mut p = k;
        let mut big = col[k].abs();
        for (r, v) in col.iter().enumerate().skip(k + 1) {
            if v.abs() > big {
                big = v.abs();
                p = r;
            }
        }
        perm[k] = p;
        if p != k {
            for c in 0..n {
                a.swap(c * n + k, c * n + p);
            }
        }
        let pivot = a[k * n + k];
        if !(pivot.abs().is_finite() && pivot.abs() > tiny) {
            return false;
        }
        let inv = 1.0 / pivot;
        for v in &mut a[k * n + k + 1..(k + 1) * n] {
            *v *= inv;
        }
        let (left, right) = a.split_at_mut((k + 1) * n);
        let lk = &left[k * n + k + 1..(k + 1) * n];
        for c in 0..n - k - 1 {
            let column = &mut right[c * n..(c + 1) * n];
            let u = column[k];
            for (v, &l) in column[k + 1..].iter_mut().zip(lk) {
                *v -= l * u;
            }
        }
    }
    true
}

/// Solves `a x = b` in place with the factors and row choices of [`factor`].
/// Returns `false` when the solution is not finite.
#[inline(always)]
fn solve_factored(a: &[f64], perm: &[usize], b: &mut [f64], n: usize) -> bool {
    for k in 0..n {
        b.swap(k, perm[k]);
    }
    // L y = P b (unit diagonal), column by column
    for k in 0..n {
        let y = b[k];
        for (v, &l) in b[k + 1..n].iter_mut().zip(&a[k * n + k + 1..(k + 1) * n]) {
            *v -= l * y;
        }
    }
    // U x = y, column by column from the last
    for k in (0..n).rev() {
        let x = b[k] / a[k * n + k];
        b[k] = x;
        for (v, &u) in b[..k].iter_mut().zip(&a[k * n..k * n + k]) {
            *v -= u * x;
        }
    }
    b[..n].iter().all(|v| v.is_finite())
}

fn regular(pivots: impl Iterator<Item = f64>, tiny: f64) -> bool {
    pivots
        .into_iter()
        .all(|p| p.abs().is_finite() && p.abs() > tiny)
}

/// Larger systems in the caller's buffer.
fn solve_dynamic(a: &mut Vec<f64>, b: &mut [f64], n: usize, tiny: f64) -> bool {
    let len = a.len();
    let mut buf = std::mem::take(a);
    buf.truncate(n * n);
    let lu = DMatrix::from_vec(n, n, buf).lu();
    // the factors as nalgebra packs them, U on and above the diagonal (its
    // public `u()` would copy U out)
    let factors = lu.lu_internal();
    let solved = regular((0..n).map(|k| factors[(k, k)]), tiny) && {
        let mut x = DVectorViewMut::from_slice(&mut b[..n], n);
        lu.solve_mut(&mut x) && x.iter().all(|v| v.is_finite())
    };
    // hand the buffer back (same length, no reallocation)
    *a = lu.l_unpack().data.into();
    a.resize(len, 0.0);
    solved
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column-major storage of a row-major `n × n` matrix.
    fn columns(rows: &[f64], n: usize) -> Vec<f64> {
        (0..n * n).map(|k| rows[(k % n) * n + k / n]).collect()
    }

    #[test]
    fn solves_a_pivoting_system() {
        // needs a row swap: zero leading pivot
        let rows = [0.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
        let x_true = [1.0, -2.0, 3.0];
        let mut b: Vec<f64> = (0..3)
            .map(|r| (0..3).map(|c| rows[r * 3 + c] * x_true[c]).sum())
            .collect();
        let mut a = columns(&rows, 3);
        a.extend([7.0; 4]); // a longer buffer keeps its length
        assert!(solve_in_place(&mut a, &mut b, 3));
        assert_eq!(a.len(), 13);
        for (x, t) in b.iter().zip(x_true) {
            approx::assert_abs_diff_eq!(*x, t, epsilon = 1e-12);
        }
    }

    #[test]
    fn small_and_large_systems_agree_with_their_products() {
        // 12 unknowns go through the stack, 13 through the buffer
        for n in [12usize, 13] {
            let rows: Vec<f64> = (0..n * n)
                .map(|k| {
                    let (r, c) = (k / n, k % n);
                    if r == c {
                        10.0
                    } else {
                        ((r * 7 + c * 3) % 5) as f64 - 2.0
                    }
                })
                .collect();
            let x_true: Vec<f64> = (0..n).map(|i| i as f64 - 4.5).collect();
            let mut b: Vec<f64> = (0..n)
                .map(|r| (0..n).map(|c| rows[r * n + c] * x_true[c]).sum())
                .collect();
            let mut a = columns(&rows, n);
            assert!(solve_in_place(&mut a, &mut b, n), "{n}");
            for (x, t) in b.iter().zip(&x_true) {
                approx::assert_abs_diff_eq!(*x, *t, epsilon = 1e-12);
            }
            // singular: two equal rows
            let mut rows = rows.clone();
            for c in 0..n {
                rows[n + c] = rows[c];
            }
            let mut a = columns(&rows, n);
            let mut b = vec![1.0; n];
            assert!(!solve_in_place(&mut a, &mut b, n), "{n} singular");
        }
    }

    #[test]
    fn small_systems_give_nalgebras_bits() {
        // the loops do nalgebra's elimination in its order: same pivots, same roundings
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for n in 1..=12 {
            for t in 0..20 {
                // every other matrix a third zeros (zero multipliers and updates)
                let cols: Vec<f64> = (0..n * n)
                    .map(|k| {
                        let v = next() * 1e3;
                        if t % 2 == 1 && k % 3 == 1 && k % (n + 1) != 0 {
                            0.0
                        } else {
                            v
                        }
                    })
                    .collect();
                let b: Vec<f64> = (0..n).map(|_| next()).collect();
                let theirs = nalgebra::DMatrix::from_column_slice(n, n, &cols)
                    .lu()
                    .solve(&nalgebra::DVector::from_column_slice(&b))
                    .expect("regular");
                let (mut a, mut x) = (cols.clone(), b.clone());
                assert!(solve_in_place(&mut a, &mut x, n), "{n}");
                for (mine, theirs) in x.iter().zip(theirs.iter()) {
                    assert_eq!(mine.to_bits(), theirs.to_bits(), "{n}: {mine} vs {theirs}");
                }
            }
        }
    }

    #[test]
    fn reports_a_singular_matrix() {
        let mut a = columns(&[1.0, 2.0, 2.0, 4.0], 2);
        let mut b = vec![1.0, 2.0];
        assert!(!solve_in_place(&mut a, &mut b, 2));
        // a pivot negligible against the largest entry
        let mut a = columns(&[1.0, 0.0, 0.0, 1e-20], 2);
        let mut b = vec![1.0, 1.0];
        assert!(!solve_in_place(&mut a, &mut b, 2));
        // and one that is not
        let mut a = columns(&[1.0, 0.0, 0.0, 1e-12], 2);
        let mut b = vec![1.0, 1.0];
        assert!(solve_in_place(&mut a, &mut b, 2));
        approx::assert_relative_eq!(b[1], 1e12, max_relative = 1e-14);
        // not finite
        let mut a = columns(&[1.0, f64::NAN, 0.0, 1.0], 2);
        let mut b = vec![1.0, 1.0];
        assert!(!solve_in_place(&mut a, &mut b, 2));
        // a NaN multiplier meets only zeros, and still spoils the solution
        let mut a = columns(&[1.0, 0.0, f64::NAN, 1.0], 2);
        let mut b = vec![0.0, 1.0];
        assert!(!solve_in_place(&mut a, &mut b, 2));
    }
}

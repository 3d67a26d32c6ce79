//! Summary statistics of one series of draws.
//!
//! ```text
//! over the n usable draws, in draw order:
//! mean  = sum v / n
//! sd    = sqrt(sum (v - mean)^2 / (n - 1))      (quadrature: / n, the rule's own variance)
//! mcse  = sd / sqrt(n)                           (random; latin hypercube: a conservative bound;
//!                                                 quadrature: null, there is no sampling error)
//! p_q   = v(h) with h = (n - 1) q, linear between order statistics (numpy's default)
//! share_positive = #(v > 0) / n
//! ```

use serde::{Deserialize, Serialize};

use super::sampling::Sampling;

/// Summary statistics of one field over the usable draws, in the field's
/// own units (US$ million for the embedded data's values; shares as
/// fractions). Read back leniently: a statistic that is missing is `None`
/// (a count, 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metric {
    /// Mean (the field's units).
    pub mean: Option<f64>,
    /// Standard deviation (n − 1; quadrature: n), in the field's units.
    pub sd: Option<f64>,
    /// Monte Carlo standard error `sd/√n`, in the field's units (null under quadrature).
    pub mcse: Option<f64>,
    /// 5th percentile (the field's units).
    pub p05: Option<f64>,
    /// Median (the field's units).
    pub p50: Option<f64>,
    /// 95th percentile (the field's units).
    pub p95: Option<f64>,
    /// Share of draws with a value > 0, as a fraction.
    pub share_positive: Option<f64>,
    /// Draws used.
    pub ok: u64,
    /// Draws excluded (failed in some scenario).
    pub failed: u64,
}

/// Where percentile `q` of `n > 0` ordered values lies: the order
/// statistics `lo` and `hi` (0-based) and the weight of `hi`.
fn percentile_at(n: usize, q: f64) -> (usize, usize, f64) {
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    (lo, (lo + 1).min(n - 1), h - lo as f64)
}

/// Percentile `q` (in [0, 1]) of sorted values, linear between order
/// statistics (numpy's default, "type 7").
pub fn percentile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let (lo, hi, w) = percentile_at(sorted.len(), q);
    Some(sorted[lo] + w * (sorted[hi] - sorted[lo]))
}

/// Percentiles `qs` (ascending, in [0, 1]) of `v`, as [`percentile_sorted`]
/// gives them on the sorted values, found by selection: `v` is only
/// partly reordered. Values equal under `total_cmp` have the same bits, so
/// the order statistics, and the percentiles, are those of a full sort.
fn percentiles_by_selection<const K: usize>(v: &mut [f64], qs: [f64; K]) -> [Option<f64>; K] {
    // everything before `from` is no greater than everything from it on, and
    // each order statistic asked for so far sits at its place
    let mut from = 0;
    let mut place = |v: &mut [f64], k: usize| {
        if k >= from {
            v[from..].select_nth_unstable_by(k - from, f64::total_cmp);
            from = k + 1;
        }
        v[k]
    };
    qs.map(|q| {
        if v.is_empty() {
            return None;
        }
        let (lo, hi, w) = percentile_at(v.len(), q);
        let (a, b) = (place(v, lo), place(v, hi));
        Some(a + w * (b - a))
    })
}

/// Summary of `values` (the usable draws, in draw order). `scratch` is
/// reused for selecting the percentiles.
pub fn metric(values: &[f64], failed: u64, sampling: Sampling, scratch: &mut Vec<f64>) -> Metric {
    let n = values.len();
    let mut m = Metric {
        ok: n as u64,
        failed,
        ..Metric::default()
    };
    if n == 0 {
        return m;
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    m.mean = Some(mean);
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    let sd = match sampling {
        Sampling::Quadrature => Some((ss / nf).sqrt()),
        _ if n > 1 => Some((ss / (nf - 1.0)).sqrt()),
        _ => None,
    };
    m.sd = sd;
    m.mcse = match sampling {
        Sampling::Quadrature => None,
        _ => sd.map(|s| s / nf.sqrt()),
    };
    scratch.clear();
    scratch.extend_from_slice(values);
    [m.p05, m.p50, m.p95] = percentiles_by_selection(scratch, [0.05, 0.50, 0.95]);
    m.share_positive = Some(values.iter().filter(|v| **v > 0.0).count() as f64 / nf);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_like_numpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 50, 95]) = [1.2, 3.0, 8.8]
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        let m = metric(&v, 0, Sampling::Random, &mut Vec::new());
        assert!((m.p05.unwrap() - 1.2).abs() < 1e-12);
        assert_eq!(m.p50, Some(3.0));
        assert!((m.p95.unwrap() - 8.8).abs() < 1e-12);
    }

    #[test]
    fn selection_gives_the_percentiles_of_a_full_sort() {
        // ties, signed zeros, a NaN and sizes where the order statistics of
        // two percentiles coincide or neighbour each other
        let mut rng = crate::monte_carlo::seed::draw_rng(7, 0);
        let mut next = || rand::Rng::next_u64(&mut rng);
        for n in (1..40).chain([99, 100, 101, 1000, 4321]) {
            let v: Vec<f64> = (0..n)
                .map(|i| match next() % 10 {
                    0 => 0.0,
                    1 => -0.0,
                    2 if i == 7 => f64::NAN,
                    3 => 1.5,
                    r => (next() >> 11) as f64 * if r % 2 == 0 { 1e-9 } else { -3e-7 },
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let qs = [0.0, 0.05, 0.06, 0.5, 0.95, 1.0];
            let mut work = v.clone();
            let got = percentiles_by_selection(&mut work, qs);
            for (q, g) in qs.into_iter().zip(got) {
                let want = percentile_sorted(&sorted, q).map(f64::to_bits);
                assert_eq!(g.map(f64::to_bits), want, "n = {n}, q = {q}");
            }
        }
        assert_eq!(percentiles_by_selection(&mut [], [0.5]), [None]);
    }
}

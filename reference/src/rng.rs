//! Random numbers for the generators: splitmix64, tiny, seedable and
//! independent of any library's generators, so a seed names a case forever.

use std::ops::RangeInclusive;

/// A small deterministic generator.
#[derive(Debug, Clone)]
pub struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> Self {
        TestRng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unif(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unif()
    }
    pub fn log_range(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.unif()).exp()
    }
    /// Uniform in `range`.
    pub fn within(&mut self, range: &RangeInclusive<f64>) -> f64 {
        self.range(*range.start(), *range.end())
    }
    /// Log-uniform in `range` (both ends > 0).
    pub fn log_within(&mut self, range: &RangeInclusive<f64>) -> f64 {
        self.log_range(*range.start(), *range.end())
    }
    /// Integer in `lo..=hi`.
    pub fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unif() < p
    }
    /// `k` distinct indices out of `0..n`, in random order.
    pub fn pick(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = self.int(i, n - 1);
            v.swap(i, j);
        }
        v.truncate(k.min(n));
        v
    }
}

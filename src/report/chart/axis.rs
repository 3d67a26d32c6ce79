//! Axis scales with round ticks.
//!
//! ```text
//! step  = 1, 2 or 5 x 10^k, the smallest giving at most `max_ticks` ticks
//! lo,hi = the data's range widened to multiples of step (and to 0 when asked)
//! tick labels = the step's decimals less trailing zeros (0, 0.5, 1, 1.5; never 1.0)
//! ```

use crate::report::format;

/// Number of `step` intervals from the multiple of `step` at or below `lo`
/// to the one at or above `hi`.
fn intervals(lo: f64, hi: f64, step: f64) -> usize {
    ((hi / step - 1e-9).ceil() - (lo / step + 1e-9).floor()).max(1.0) as usize
}

/// A linear scale: the domain and its ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// Lower end of the axis (a tick).
    pub lo: f64,
    /// Upper end of the axis (a tick).
    pub hi: f64,
    /// Tick values, ascending.
    pub ticks: Vec<f64>,
    /// Decimals the tick labels need.
    pub decimals: usize,
}

impl Scale {
    /// A scale covering `[lo, hi]` (and 0 when `zero`), with at most
    /// `max_ticks` round ticks; `integer` keeps the step at 1 or more.
    pub fn nice(lo: f64, hi: f64, max_ticks: usize, zero: bool, integer: bool) -> Scale {
        let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
            (lo, hi)
        } else {
            (0.0, 1.0)
        };
        if zero {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        if hi - lo <= f64::EPSILON * hi.abs().max(lo.abs()).max(1.0) {
            // a single value: a unit range around it (or above zero)
            let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.5 };
            if lo >= 0.0 && zero {
                hi += pad;
            } else if hi <= 0.0 && zero {
                lo -= pad;
            } else {
                lo -= pad;
                hi += pad;
            }
        }
        let max_ticks = max_ticks.max(2);
        let raw = (hi - lo) / (max_ticks - 1) as f64;
        let mut exp = raw.log10().floor() as i32;
        let mut step;
        loop {
            let mag = 10f64.powi(exp);
            step = [1.0, 2.0, 5.0, 10.0]
                .iter()
                .map(|m| m * mag)
                .find(|&s| intervals(lo, hi, s) < max_ticks)
                .unwrap_or(10.0 * mag);
            if intervals(lo, hi, step) < max_ticks {
                break;
            }
            exp += 1;
        }
        if integer && step < 1.0 {
            step = 1.0;
        }
        let k0 = (lo / step + 1e-9).floor() as i64;
        let k1 = (hi / step - 1e-9).ceil() as i64;
        let ticks: Vec<f64> = (k0..=k1).map(|k| k as f64 * step).collect();
        let decimals = if step >= 1.0 {
            0
        } else {
            (-(step.log10() + 1e-9).floor()) as usize
        };
        Scale {
            lo: k0 as f64 * step,
            hi: k1 as f64 * step,
            ticks,
            decimals,
        }
    }

    /// Tick label of `v`: grouped, with the step's decimals less trailing
    /// zeros (`1`, `1.5`, `2`; never `2.0`).
    pub fn label(&self, v: f64) -> String {
        let s = format::grouped(v, self.decimals);
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }

    /// Position of `v` on an axis running from `from` (at `lo`) to `to` (at `hi`).
    pub fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        from + (v - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_ticks_through_zero() {
        let s = Scale::nice(-158.1, 1056.5, 7, true, false);
        assert_eq!(s.decimals, 0);
        assert!(s.lo <= -158.1 && s.hi >= 1056.5);
        assert!(s.ticks.contains(&0.0));
        assert!(s.ticks.len() <= 7);
        for t in &s.ticks {
            assert!(!s.label(*t).contains('.'), "{}", s.label(*t));
        }
    }

    #[test]
    fn volumes_start_at_zero() {
        let s = Scale::nice(120.0, 5400.0, 6, true, false);
        assert_eq!(s.lo, 0.0);
        let s = Scale::nice(0.0, 0.12, 6, true, false);
        assert_eq!(s.lo, 0.0);
        assert_eq!(s.decimals, 2);
        assert_eq!(s.label(s.ticks[1]), "0.05");
    }

    #[test]
    fn counts_have_whole_ticks() {
        let s = Scale::nice(0.0, 3.0, 8, true, true);
        assert!(s.ticks.iter().all(|t| t.fract() == 0.0));
        assert_eq!(s.decimals, 0);
    }

    #[test]
    fn degenerate_ranges() {
        let s = Scale::nice(0.0, 0.0, 6, true, false);
        assert!(s.hi > s.lo);
        let s = Scale::nice(-5.0, -5.0, 6, true, false);
        assert!(s.lo <= -5.0 && s.hi == 0.0);
        let s = Scale::nice(f64::NAN, 1.0, 6, true, false);
        assert!(s.hi > s.lo);
    }
}

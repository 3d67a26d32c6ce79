//! Computed draws: a block of consecutive draws' values, and what happened to
//! the draws that could not be used.

use crate::error::Error;

/// What happened to a draw that could not be used.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Draw index.
    pub draw: u64,
    /// The scenario where it failed (None: the sampled values themselves are invalid).
    pub scenario: Option<String>,
    /// Why (the solver's report for non-convergence).
    pub reason: String,
    /// The draw's item values, in [`ParameterSpace::labels`](super::ParameterSpace::labels) order.
    pub parameters: Vec<f64>,
    /// The error behind it, when the draw was computed in this process
    /// (a failure read back from a shard file has only its `reason`).
    pub(crate) cause: Option<Error>,
}

impl PartialEq for Failure {
    /// Equal when everything reported is equal (the cause is not compared:
    /// a failure read from a shard file has none).
    fn eq(&self, other: &Self) -> bool {
        self.draw == other.draw
            && self.scenario == other.scenario
            && self.reason == other.reason
            && self.parameters == other.parameters
    }
}

impl Failure {
    /// The error behind the failure (None for failures read from a shard file).
    pub fn cause(&self) -> Option<&Error> {
        self.cause.as_ref()
    }

    /// The failure as an error naming the draw and the scenario: what a run
    /// that stops at its first failed draw returns.
    pub fn to_error(&self) -> Error {
        draw_error(
            self.draw,
            self.scenario.as_deref(),
            self.cause.as_ref(),
            &self.reason,
        )
    }
}

/// The one place a failed draw becomes an [`Error`]: draw index, scenario
/// (None: the sampled values are infeasible), the underlying error when there
/// is one, and its message (`reason`, which is all a shard file keeps).
pub(crate) fn draw_error(
    draw: u64,
    scenario: Option<&str>,
    cause: Option<&Error>,
    reason: &str,
) -> Error {
    match scenario {
        Some(s) => cause
            .cloned()
            .unwrap_or_else(|| Error::invalid("Monte Carlo draw", reason))
            .in_draw(draw, s),
        // infeasible sampled values: no scenario was solved
        None => Error::invalid(format!("Monte Carlo draw {draw}"), reason),
    }
}

/// The per-draw values of draws `start..end`.
///
/// `values` holds `stride` numbers per draw, draw-major, laid out as the
/// run's [`Layout`](super::Layout) says. Failed draws hold NaN and are listed
/// in `failures` (in draw order).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawBlock {
    /// First draw.
    pub start: u64,
    /// One past the last draw.
    pub end: u64,
    /// Values per draw.
    pub stride: usize,
    /// `(end - start) * stride` values.
    pub values: Vec<f64>,
    /// Failed draws, in draw order.
    pub failures: Vec<Failure>,
}

impl DrawBlock {
    /// Values of draw `k` (absolute index).
    ///
    /// # Panics
    /// When `k` is not in `start..end`.
    pub fn draw(&self, k: u64) -> &[f64] {
        let i = (k - self.start) as usize;
        &self.values[i * self.stride..(i + 1) * self.stride]
    }

    /// Number of draws held.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// True when no draw is held.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// For each draw held, whether it is usable (not failed).
    pub fn ok_mask(&self) -> Vec<bool> {
        let mut ok = vec![true; self.len()];
        for f in &self.failures {
            ok[(f.draw - self.start) as usize] = false;
        }
        ok
    }
}

/// One draw replayed on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawRecord {
    /// Draw index.
    pub draw: u64,
    /// Item values, in [`ParameterSpace::labels`](super::ParameterSpace::labels) order.
    pub parameters: Vec<f64>,
    /// The draw's values (layout of [`DrawBlock`]), or why it failed.
    pub outcome: std::result::Result<Vec<f64>, Failure>,
}

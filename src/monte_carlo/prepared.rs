//! A run together with its identity: what a caller needs to compute draws,
//! summarise them and write shards.

use super::block::DrawBlock;
use super::layout::RunMeta;
use super::run::MonteCarlo;
use super::summary::{McSummary, summarize};
use crate::error::Result;

/// A run ready to compute draws, with its identity (fingerprint, layout).
#[derive(Debug)]
pub struct PreparedRun {
    /// The run.
    pub mc: MonteCarlo,
    /// Its identity and the layout of its values.
    pub meta: RunMeta,
}

impl PreparedRun {
    /// A run and its identity; `fingerprint` identifies its inputs (see
    /// [`fingerprint`](super::fingerprint)).
    pub fn new(mc: MonteCarlo, fingerprint: String) -> Self {
        let meta = mc.meta(fingerprint);
        PreparedRun { mc, meta }
    }

    /// Summaries of a block holding every draw (kept by the summary).
    ///
    /// # Errors
    /// As [`summarize`].
    pub fn summarize(&self, block: DrawBlock) -> Result<McSummary> {
        summarize(&self.meta, block)
    }
}

//! The gsim_linear variant (being written).

use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::policy::PolicyState;
use crate::results::SectorSolution;

/// Solves sector `s` with the gsim_linear variant.
///
/// # Errors
/// Always, until the variant lands.
pub fn solve_sector(
    data: &Dataset,
    s: usize,
    _policy: &PolicyState,
    _union_of: &[Option<usize>],
) -> Result<SectorSolution> {
    Err(Error::model(
        &data.sectors()[s].code,
        "the gsim_linear variant is not available yet",
    ))
}

//! The smart variant (being written).

use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::policy::PolicyState;
use crate::results::SectorSolution;

/// Solves sector `s` with the smart variant.
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
        "the smart variant is not available yet",
    ))
}

//! Resolving a scenario's codes and values against a dataset, with errors
//! naming the scenario key.

use crate::error::{Error, Result};
use crate::model::Dataset;

pub(super) fn country(src: &str, key: &str, data: &Dataset, code: &str) -> Result<usize> {
    data.country_id(code)
        .map(|c| c.0)
        .ok_or_else(|| Error::scenario(src, key, format!("unknown country code `{code}`")))
}

pub(super) fn sector_sel(src: &str, key: &str, data: &Dataset, code: &str) -> Result<Vec<usize>> {
    if code == "*" {
        return Ok((0..data.sectors().len()).collect());
    }
    data.sector_id(code)
        .map(|s| vec![s.0])
        .ok_or_else(|| Error::scenario(src, key, format!("unknown sector code `{code}`")))
}

pub(super) fn check_rate(src: &str, key: &str, v: f64, what: &str) -> Result<()> {
    if !v.is_finite() {
        return Err(Error::scenario(
            src,
            key,
            format!("{what} must be finite, got {v}"),
        ));
    }
    Ok(())
}

//! Resolving a scenario's codes and values against a dataset, with errors
//! naming the scenario key, and its `extends` chain in linear time.
//!
//! ```text
//! chain(s) = Root                     (no `extends`)
//!          | Unknown(at, name)        (the first link naming a scenario that does not exist)
//!          | Cycle(entry)             (the first scenario met twice walking up from s)
//!          | chain(parent(s))         otherwise; every scenario is walked once
//! ```

use std::collections::HashMap;

use super::Scenario;
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

/// How a scenario's `extends` chain ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chain {
    /// At a scenario without `extends`: the chain is whole.
    Root,
    /// At scenario `at`, whose `extends` names no scenario.
    Unknown(usize),
    /// In a cycle, first met again at scenario `entry`.
    Cycle(usize),
}

/// Each scenario's parent index (`None` without `extends`), once every
/// chain is known to be whole.
///
/// # Errors
/// For the first scenario in file order whose chain is not whole: an
/// unknown parent (keyed at the link that names it) or a cycle (keyed at the
/// scenario, naming the first scenario met twice).
pub(super) fn parents(
    src: &str,
    scenarios: &[Scenario],
    names: &HashMap<String, usize>,
) -> Vec<std::result::Result<Option<usize>, Error>> {
    let parent = |k: usize| -> std::result::Result<Option<usize>, ()> {
        match &scenarios[k].extends {
            None => Ok(None),
            Some(p) => names.get(p).copied().map(Some).ok_or(()),
        }
    };
    let mut end: Vec<Option<Chain>> = vec![None; scenarios.len()];
    let mut on_path = vec![false; scenarios.len()];
    for k in 0..scenarios.len() {
        if end[k].is_some() {
            continue;
        }
        // walk up to a scenario whose chain is known, a root, a bad link or a repeat
        let mut path = Vec::new();
        let mut cur = k;
        let found = loop {
            if let Some(e) = end[cur] {
                break e;
            }
            if on_path[cur] {
                // every scenario on the loop is met again first at itself
                let start = path.iter().position(|&p| p == cur).unwrap_or(0);
                for &p in &path[start..] {
                    end[p] = Some(Chain::Cycle(p));
                }
                break Chain::Cycle(cur);
            }
            on_path[cur] = true;
            path.push(cur);
            match parent(cur) {
                Ok(None) => break Chain::Root,
                Err(()) => break Chain::Unknown(cur),
                Ok(Some(p)) => cur = p,
            }
        };
        for &p in &path {
            on_path[p] = false;
            if end[p].is_none() {
                end[p] = Some(found);
            }
        }
    }
    end.iter()
        .enumerate()
        .map(|(k, e)| match e.expect("every chain walked") {
            Chain::Root => Ok(parent(k).unwrap_or(None)),
            Chain::Unknown(at) => Err(Error::scenario(
                src,
                format!("scenario[{at}].extends"),
                format!(
                    "unknown scenario `{}`",
                    scenarios[at].extends.as_deref().unwrap_or_default()
                ),
            )),
            Chain::Cycle(entry) => Err(Error::scenario(
                src,
                format!("scenario[{k}].extends"),
                format!(
                    "`extends` forms a cycle through `{}`",
                    scenarios[entry].name
                ),
            )),
        })
        .collect()
}

//! Splitting a run into shards, the run's fingerprint, and merging shards
//! back into exactly the document one process would have written.
//!
//! ```text
//! shard K of N holds draws floor(K D / N) .. floor((K+1) D / N) - 1
//! fingerprint = SHA-256( "customs-union/mc/fingerprint/v1\n"
//!                        || for each data file: "data <name> <bytes>\n" || contents
//!                        || "scenario <bytes>\n" || scenario file text
//!                        || "seed <S>\ndraws <D>\nsampling <method>\n" )          (hex)
//! per-draw values in a shard: one string per draw, 16 hex digits (the IEEE-754
//! bits, big-endian) per value; "" for a failed draw. Exact: merging re-reads
//! the same bits, and the summaries are recomputed from the full ordered set.
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::run::{DrawBlock, Failure};
use super::sampling::Sampling;
use super::seed::hex;
use super::summary::RunMeta;
use crate::error::{Error, Result};

/// Draws `start..end` of shard `index` of `count` in a run of `draws` draws.
pub fn shard_range(index: u64, count: u64, draws: u64) -> (u64, u64) {
    let at = |k: u64| (u128::from(k) * u128::from(draws) / u128::from(count)) as u64;
    (at(index), at(index + 1))
}

/// The run's fingerprint: SHA-256 (hex) of the data files' contents, the
/// scenario file's text, the seed, the number of draws and the sampling method.
pub fn fingerprint(
    data_files: &[(String, String)],
    scenario_text: &str,
    seed: u64,
    draws: u64,
    sampling: Sampling,
) -> String {
    let mut h = Sha256::new();
    h.update(b"customs-union/mc/fingerprint/v1\n");
    for (name, body) in data_files {
        h.update(format!("data {name} {}\n", body.len()).as_bytes());
        h.update(body.as_bytes());
    }
    h.update(format!("scenario {}\n", scenario_text.len()).as_bytes());
    h.update(scenario_text.as_bytes());
    h.update(format!("seed {seed}\ndraws {draws}\nsampling {}\n", sampling.name()).as_bytes());
    hex(&h.finalize())
}

/// Which part of the run a shard holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// `K`, from 0.
    pub index: u64,
    /// `N`.
    pub count: u64,
    /// First draw.
    pub start: u64,
    /// One past the last draw.
    pub end: u64,
}

/// A failed draw in a shard file (parameters as exact bits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardFailure {
    /// Draw index.
    pub draw: u64,
    /// Scenario where it failed.
    pub scenario: Option<String>,
    /// Why.
    pub reason: String,
    /// Item values, 16 hex digits each.
    pub parameters: String,
}

/// A shard file: the run's identity and layout, the shard's range, and every
/// draw's values as exact bits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardDocument {
    /// Identity and layout of the whole run.
    #[serde(flatten)]
    pub run: RunMeta,
    /// Which draws this is.
    pub shard: ShardInfo,
    /// Failed draws of the shard.
    pub failures: Vec<ShardFailure>,
    /// One string per draw: the values' bits (16 hex digits each), "" when failed.
    pub values: Vec<String>,
}

fn encode(values: &[f64]) -> String {
    let mut s = String::with_capacity(values.len() * 16);
    for v in values {
        let _ = write!(s, "{:016x}", v.to_bits());
    }
    s
}

fn decode(s: &str, what: &str) -> Result<Vec<f64>> {
    if s.len() % 16 != 0 || !s.is_ascii() {
        return Err(Error::invalid(what, "corrupt value string"));
    }
    (0..s.len() / 16)
        .map(|i| {
            u64::from_str_radix(&s[i * 16..(i + 1) * 16], 16)
                .map(f64::from_bits)
                .map_err(|_| Error::invalid(what, "corrupt value string"))
        })
        .collect()
}

impl ShardDocument {
    /// A shard file from a block computed for shard `index` of `count`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the block is not that shard's range.
    pub fn new(run: RunMeta, index: u64, count: u64, block: &DrawBlock) -> Result<Self> {
        let (start, end) = shard_range(index, count, run.draws);
        if block.start != start || block.end != end {
            return Err(Error::invalid(
                "shard",
                format!(
                    "shard {index} of {count} holds draws {start}..{end}, the block has {}..{}",
                    block.start, block.end
                ),
            ));
        }
        let failed: Vec<u64> = block.failures.iter().map(|f| f.draw).collect();
        let values = (start..end)
            .map(|k| {
                if failed.binary_search(&k).is_ok() {
                    String::new()
                } else {
                    encode(block.draw(k))
                }
            })
            .collect();
        Ok(ShardDocument {
            run,
            shard: ShardInfo {
                index,
                count,
                start,
                end,
            },
            failures: block
                .failures
                .iter()
                .map(|f| ShardFailure {
                    draw: f.draw,
                    scenario: f.scenario.clone(),
                    reason: f.reason.clone(),
                    parameters: encode(&f.parameters),
                })
                .collect(),
            values,
        })
    }

    /// The JSON text (pretty, newline-terminated).
    ///
    /// # Errors
    /// Only if serialisation fails.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map(|s| s + "\n")
            .map_err(|e| Error::invalid("JSON", e.to_string()))
    }

    /// Parses a shard file's text; `file` names it in errors.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file when it is not a shard document.
    pub fn from_json(text: &str, file: &str) -> Result<Self> {
        serde_json::from_str(text)
            .map_err(|e| Error::io_message(file, format!("not a Monte Carlo shard file: {e}")))
    }
}

fn list(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// Merges shard files (`(file name, document)`, any order) into the whole
/// run's identity and draws.
///
/// # Errors
/// [`Error::Invalid`] naming the files: no shard, shards of different runs
/// (fingerprint, count or layout), a shard index given twice or out of
/// range, missing shards (listing their indices), or a shard whose range or
/// values do not match its header.
pub fn merge_shards(shards: &[(String, ShardDocument)]) -> Result<(RunMeta, DrawBlock)> {
    let bad = |m: String| Error::invalid("shards", m);
    let Some((first_file, first)) = shards.first() else {
        return Err(bad("no shard file given".into()));
    };
    let count = first.shard.count;
    let run = &first.run;
    let mut by_index: BTreeMap<u64, (&String, &ShardDocument)> = BTreeMap::new();
    for (file, doc) in shards {
        if doc.run.fingerprint != run.fingerprint {
            return Err(bad(format!(
                "{file} has fingerprint {} but {first_file} has {}: they come from different runs \
                 (data, scenario file, seed, draws or sampling differ)",
                doc.run.fingerprint, run.fingerprint
            )));
        }
        if doc.shard.count != count {
            return Err(bad(format!(
                "{file} is a shard of {} but {first_file} of {count}: shards must come from one split",
                doc.shard.count
            )));
        }
        if doc.run != *run {
            return Err(bad(format!(
                "{file} and {first_file} have the same fingerprint but different headers \
                 (parameters or layout): they were written by different program versions"
            )));
        }
        let k = doc.shard.index;
        if k >= count {
            return Err(bad(format!("{file}: shard index {k} is not below {count}")));
        }
        if let Some((other, _)) = by_index.insert(k, (file, doc)) {
            return Err(bad(format!(
                "shard {k} of {count} is given twice: {other} and {file}"
            )));
        }
    }
    let missing: Vec<u64> = (0..count).filter(|k| !by_index.contains_key(k)).collect();
    if !missing.is_empty() {
        return Err(bad(format!(
            "missing shard{} {} of {count} (shards are numbered from 0)",
            if missing.len() > 1 { "s" } else { "" },
            list(&missing)
        )));
    }
    let (_, stride) = run.layout.offsets();
    let n_par = run.parameters.len();
    let mut values = Vec::with_capacity(run.draws as usize * stride);
    let mut failures = Vec::new();
    for (&k, &(file, doc)) in &by_index {
        let (start, end) = shard_range(k, count, run.draws);
        if doc.shard.start != start
            || doc.shard.end != end
            || doc.values.len() as u64 != end - start
        {
            return Err(bad(format!(
                "{file}: shard {k} of {count} must hold draws {start}..{end}, it holds {}..{} with {} values",
                doc.shard.start,
                doc.shard.end,
                doc.values.len()
            )));
        }
        let mut failed = Vec::new();
        for f in &doc.failures {
            if !(start..end).contains(&f.draw) {
                return Err(bad(format!(
                    "{file}: failure of draw {} outside the shard",
                    f.draw
                )));
            }
            let parameters = decode(&f.parameters, file)?;
            if parameters.len() != n_par {
                return Err(bad(format!(
                    "{file}: draw {} has the wrong number of parameters",
                    f.draw
                )));
            }
            failed.push(f.draw);
            failures.push(Failure {
                draw: f.draw,
                scenario: f.scenario.clone(),
                reason: f.reason.clone(),
                parameters,
            });
        }
        for (i, s) in doc.values.iter().enumerate() {
            let d = start + i as u64;
            if s.is_empty() {
                if !failed.contains(&d) {
                    return Err(bad(format!(
                        "{file}: draw {d} has no values and no failure"
                    )));
                }
                values.extend(std::iter::repeat_n(f64::NAN, stride));
            } else {
                let v = decode(s, file)?;
                if v.len() != stride {
                    return Err(bad(format!(
                        "{file}: draw {d} has {} values, the layout needs {stride}",
                        v.len()
                    )));
                }
                values.extend_from_slice(&v);
            }
        }
    }
    failures.sort_by_key(|f| f.draw);
    Ok((
        run.clone(),
        DrawBlock {
            start: 0,
            end: run.draws,
            stride,
            values,
            failures,
        },
    ))
}

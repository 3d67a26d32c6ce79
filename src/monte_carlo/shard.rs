//! Splitting a run into shards, the run's fingerprint, and merging shards
//! back into exactly the document one process would have written.
//!
//! ```text
//! shard K of N holds draws floor(K D / N) .. floor((K+1) D / N) - 1, file shard-K-of-N.json
//! fingerprint = SHA-256 of a canonical serialisation of the data, the scenarios, the
//!               [montecarlo] definition (vary entries, tracked outputs), model, treatment,
//!               seed, draws and sampling (see Simulation::fingerprint)               (hex)
//! per-draw values in a shard: one string per draw, 16 hex digits (the IEEE-754
//! bits, big-endian) per value; "" for a failed draw. Exact: merging re-reads
//! the same bits, and the summaries are recomputed from the full ordered set.
//! checksum = SHA-256( "customs-union/mc/shard/v1\n" || JSON of the run header
//!                     || le64(K) le64(N) le64(start) le64(end)
//!                     || per draw: 0x01 || le64 bits of each value      (usable)
//!                                  0x00                                 (failed)
//!                     || per failure: le64(draw) || scenario || reason || le64 bits of parameters )
//!            (strings as le64(length) || UTF-8 bytes; a missing scenario as length 2^64 - 1)
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::block::{DrawBlock, Failure};
use super::layout::RunMeta;
use super::seed::hex;
use crate::error::{Error, Result};

/// Draws `start..end` of shard `index` of `count` in a run of `draws` draws.
pub fn shard_range(index: u64, count: u64, draws: u64) -> (u64, u64) {
    let at = |k: u64| (u128::from(k) * u128::from(draws) / u128::from(count)) as u64;
    (at(index), at(index + 1))
}

/// The file name of shard `index` of `count`: `shard-<index>-of-<count>.json`.
pub fn shard_file_name(index: u64, count: u64) -> String {
    format!("shard-{index}-of-{count}.json")
}

/// `(index, count)` of a shard file name `shard-K-of-N.json` (decimal
/// digits, `K < N`); None for any other name (a leftover temporary file, a
/// copy, another document).
pub fn parse_shard_file_name(name: &str) -> Option<(u64, u64)> {
    let rest = name.strip_prefix("shard-")?.strip_suffix(".json")?;
    let (k, n) = rest.split_once("-of-")?;
    let number = |s: &str| {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u64>().ok()
    };
    let (k, n) = (number(k)?, number(n)?);
    (k < n).then_some((k, n))
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
/// draw's values as exact bits, sealed by a checksum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardDocument {
    /// Identity and layout of the whole run.
    #[serde(flatten)]
    pub run: RunMeta,
    /// Which draws this is.
    pub shard: ShardInfo,
    /// SHA-256 (hex) of the header, the range, the values and the failures.
    pub checksum: String,
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

/// The checksum of a shard's content (see the module documentation).
fn checksum(run: &RunMeta, shard: &ShardInfo, block: &DrawBlock) -> String {
    let mut h = Sha256::new();
    let text = |h: &mut Sha256, s: Option<&str>| match s {
        Some(s) => {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        None => h.update(u64::MAX.to_le_bytes()),
    };
    let floats = |h: &mut Sha256, v: &[f64]| {
        for x in v {
            h.update(x.to_bits().to_le_bytes());
        }
    };
    h.update(b"customs-union/mc/shard/v1\n");
    // the header's JSON is a pure function of its fields
    h.update(serde_json::to_vec(run).unwrap_or_default());
    for v in [shard.index, shard.count, shard.start, shard.end] {
        h.update(v.to_le_bytes());
    }
    let mut fi = block.failures.iter().peekable();
    for k in block.start..block.end {
        if fi.next_if(|f| f.draw == k).is_some() {
            h.update([0u8]);
        } else {
            h.update([1u8]);
            floats(&mut h, block.draw(k));
        }
    }
    for f in &block.failures {
        h.update(f.draw.to_le_bytes());
        text(&mut h, f.scenario.as_deref());
        text(&mut h, Some(&f.reason));
        floats(&mut h, &f.parameters);
    }
    hex(&h.finalize())
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
        let shard = ShardInfo {
            index,
            count,
            start,
            end,
        };
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
            checksum: checksum(&run, &shard, block),
            run,
            shard,
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

    /// The shard's draws, checked: its range, the values' count, no
    /// non-finite value in a usable draw, and its checksum.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `file` and what does not hold.
    pub fn decode(&self, file: &str) -> Result<DrawBlock> {
        let bad = |m: String| Error::invalid("shards", format!("{file}: {m}"));
        let (k, count) = (self.shard.index, self.shard.count);
        if count == 0 || k >= count {
            return Err(bad(format!("shard index {k} is not below {count}")));
        }
        let (start, end) = shard_range(k, count, self.run.draws);
        if self.shard.start != start
            || self.shard.end != end
            || self.values.len() as u64 != end - start
        {
            return Err(bad(format!(
                "shard {k} of {count} must hold draws {start}..{end}, it holds {}..{} with {} values",
                self.shard.start,
                self.shard.end,
                self.values.len()
            )));
        }
        let stride = self.run.layout.stride();
        let n_par = self.run.parameters.len();
        let mut failures: Vec<Failure> = Vec::with_capacity(self.failures.len());
        for f in &self.failures {
            if !(start..end).contains(&f.draw) {
                return Err(bad(format!("failure of draw {} outside the shard", f.draw)));
            }
            if failures.last().is_some_and(|p| p.draw >= f.draw) {
                return Err(bad(format!(
                    "failures out of order or repeated at draw {}",
                    f.draw
                )));
            }
            let parameters = decode(&f.parameters, file)?;
            if parameters.len() != n_par {
                return Err(bad(format!(
                    "draw {} has the wrong number of parameters",
                    f.draw
                )));
            }
            failures.push(Failure {
                draw: f.draw,
                scenario: f.scenario.clone(),
                reason: f.reason.clone(),
                parameters,
                cause: None,
            });
        }
        let mut values = Vec::with_capacity(self.values.len() * stride);
        let mut fi = failures.iter().peekable();
        for (i, s) in self.values.iter().enumerate() {
            let d = start + i as u64;
            let failed = fi.next_if(|f| f.draw == d).is_some();
            match (s.is_empty(), failed) {
                (true, true) => values.extend(std::iter::repeat_n(f64::NAN, stride)),
                (true, false) => return Err(bad(format!("draw {d} has no values and no failure"))),
                (false, true) => {
                    return Err(bad(format!("draw {d} is listed as failed but has values")));
                }
                (false, false) => {
                    let v = decode(s, file)?;
                    if v.len() != stride {
                        return Err(bad(format!(
                            "draw {d} has {} values, the layout needs {stride}",
                            v.len()
                        )));
                    }
                    if let Some(x) = v.iter().find(|x| !x.is_finite()) {
                        return Err(bad(format!(
                            "draw {d} is marked usable but holds a non-finite value ({x}): \
                             the file was altered or damaged"
                        )));
                    }
                    values.extend_from_slice(&v);
                }
            }
        }
        let block = DrawBlock {
            start,
            end,
            stride,
            values,
            failures,
        };
        if checksum(&self.run, &self.shard, &block) != self.checksum {
            return Err(bad(
                "checksum mismatch: the values, failures or header differ from what was \
                 computed (the file was altered or damaged); compute this shard again"
                    .to_string(),
            ));
        }
        Ok(block)
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
/// range, missing shards (listing their indices), or a shard that does not
/// pass [`ShardDocument::decode`] (range, values, checksum).
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
                 (data, scenario file, seed, draws, sampling, model or treatment differ)",
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
    let stride = run.layout.stride();
    let mut values = Vec::with_capacity((run.draws as usize).saturating_mul(stride));
    let mut failures = Vec::new();
    for &(file, doc) in by_index.values() {
        let block = doc.decode(file)?;
        values.extend_from_slice(&block.values);
        failures.extend(block.failures);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_file_names_are_strict() {
        assert_eq!(shard_file_name(2, 16), "shard-2-of-16.json");
        assert_eq!(parse_shard_file_name("shard-2-of-16.json"), Some((2, 16)));
        assert_eq!(parse_shard_file_name("shard-0-of-1.json"), Some((0, 1)));
        for name in [
            "shard-3-of-3.json",
            "shard-x-of-3.json",
            "shard--of-3.json",
            "shard-+1-of-3.json",
            "shard-1-of-3.json.tmp",
            ".shard-1-of-3.json",
            "shard-1-of-3 (copy).json",
            "shard-1-of-3-of-4.json",
            "shard-1-of-3.JSON",
            "my-shard-1-of-3.json",
        ] {
            assert_eq!(parse_shard_file_name(name), None, "{name}");
        }
    }
}

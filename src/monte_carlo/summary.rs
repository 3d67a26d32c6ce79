//! Summaries of a run's draws and the `mc` JSON document (SPEC §6, §7).
//!
//! ```text
//! over the n = ok draws (a draw failed in any scenario is excluded everywhere), in draw order:
//! mean  = sum v / n
//! sd    = sqrt(sum (v - mean)^2 / (n - 1))      (quadrature: / n, the rule's own variance)
//! mcse  = sd / sqrt(n)                           (random; latin hypercube: a conservative bound;
//!                                                 quadrature: null, there is no sampling error)
//! p_q   = v(h) with h = (n - 1) q, linear between order statistics (numpy's default)
//! share_positive = #(v > 0) / n
//! differences: scenario s minus scenario 0, draw by draw; for a union of s, its
//!              aggregate minus the sum of the same members' totals in scenario 0
//! ```

use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::run::{DrawBlock, FIELDS};
use super::sampling::Sampling;
use crate::error::{Error, Result};

/// A union as laid out in the per-draw values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnionLayout {
    /// Union name.
    pub name: String,
    /// Member codes.
    pub members: Vec<String>,
    /// Member indices into [`Layout::countries`].
    pub member_index: Vec<usize>,
}

/// A scenario as laid out in the per-draw values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioLayout {
    /// Scenario name.
    pub name: String,
    /// Unions in force at the end of its `extends` chain.
    pub unions: Vec<UnionLayout>,
}

/// What the per-draw values hold: fields, countries, scenarios and unions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Field names of each country/union block (the additive outcome fields).
    pub fields: Vec<String>,
    /// Country codes.
    pub countries: Vec<String>,
    /// Scenarios, in file order.
    pub scenarios: Vec<ScenarioLayout>,
}

impl Layout {
    /// Offset of each scenario's block in a draw's values, and the stride.
    pub fn offsets(&self) -> (Vec<usize>, usize) {
        let f = self.fields.len();
        let mut offs = Vec::with_capacity(self.scenarios.len());
        let mut at = 0;
        for s in &self.scenarios {
            offs.push(at);
            at += (self.countries.len() + s.unions.len()) * f;
        }
        (offs, at)
    }
}

/// Everything that identifies a run and lays out its values: written in
/// every shard, so that `merge` needs nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMeta {
    /// Number of draws of the whole run.
    pub draws: u64,
    /// Seed.
    pub seed: u64,
    /// Sampling method.
    pub sampling: Sampling,
    /// SHA-256 (hex) of the data files, the scenario file, seed, draws and sampling.
    pub fingerprint: String,
    /// Labels of the varied items (`sigma_m.AGR`, `epsilon.AGR.HOM`, ...).
    pub parameters: Vec<String>,
    /// Layout of the per-draw values.
    pub layout: Layout,
}

/// Summary statistics of one field over the usable draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metric {
    /// Mean.
    pub mean: Option<f64>,
    /// Standard deviation (n − 1; quadrature: n).
    pub sd: Option<f64>,
    /// Monte Carlo standard error `sd/√n` (null under quadrature).
    pub mcse: Option<f64>,
    /// 5th percentile.
    pub p05: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Share of draws with a value > 0.
    pub share_positive: Option<f64>,
    /// Draws used.
    pub ok: u64,
    /// Draws excluded (failed in some scenario).
    pub failed: u64,
}

/// Percentile `q` (in [0, 1]) of sorted values, linear between order
/// statistics (numpy's default, "type 7").
pub fn percentile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let w = h - lo as f64;
    Some(sorted[lo] + w * (sorted[hi] - sorted[lo]))
}

/// Summary of `values` (the usable draws, in draw order). `scratch` is
/// reused for sorting.
pub fn metric(values: &[f64], failed: u64, sampling: Sampling, scratch: &mut Vec<f64>) -> Metric {
    let n = values.len();
    let mut m = Metric {
        mean: None,
        sd: None,
        mcse: None,
        p05: None,
        p50: None,
        p95: None,
        share_positive: None,
        ok: n as u64,
        failed,
    };
    if n == 0 {
        return m;
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    m.mean = Some(mean);
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    let sd = match sampling {
        Sampling::Quadrature => Some((ss / nf).sqrt()),
        _ if n > 1 => Some((ss / (nf - 1.0)).sqrt()),
        _ => None,
    };
    m.sd = sd;
    m.mcse = match sampling {
        Sampling::Quadrature => None,
        _ => sd.map(|s| s / nf.sqrt()),
    };
    scratch.clear();
    scratch.extend_from_slice(values);
    scratch.sort_by(f64::total_cmp);
    m.p05 = percentile_sorted(scratch, 0.05);
    m.p50 = percentile_sorted(scratch, 0.50);
    m.p95 = percentile_sorted(scratch, 0.95);
    m.share_positive = Some(values.iter().filter(|v| **v > 0.0).count() as f64 / nf);
    m
}

/// Field name → metric, serialised as a JSON object in field order.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics(pub Vec<(String, Metric)>);

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A country's summaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountrySummary {
    /// Country code.
    pub country: String,
    /// Per field.
    pub metrics: Metrics,
}

/// A union's summaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnionSummary {
    /// Union name.
    pub name: String,
    /// Member codes.
    pub members: Vec<String>,
    /// Per field (of the sum over members).
    pub metrics: Metrics,
}

/// One scenario's summaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioSummary {
    /// Scenario name.
    pub name: String,
    /// Per country, totals over sectors.
    pub countries: Vec<CountrySummary>,
    /// Per union.
    pub unions: Vec<UnionSummary>,
}

/// A later scenario minus the first, paired draw by draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DifferenceSummary {
    /// The later scenario.
    pub scenario: String,
    /// The scenario subtracted (the first).
    pub minus: String,
    /// Per country.
    pub countries: Vec<CountrySummary>,
    /// Per union of the later scenario.
    pub unions: Vec<UnionSummary>,
}

/// A failed draw as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureReport {
    /// Draw index.
    pub draw: u64,
    /// Scenario where it failed (null: the sampled values are invalid).
    pub scenario: Option<String>,
    /// Why.
    pub reason: String,
    /// Item label → value (`"inf"` for an infinite epsilon).
    pub parameters: ParameterValues,
}

/// Item label → value, serialised as an object in item order.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterValues(pub Vec<(String, f64)>);

impl Serialize for ParameterValues {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            if v.is_finite() {
                m.serialize_entry(k, v)?;
            } else {
                m.serialize_entry(k, &v.to_string())?;
            }
        }
        m.end()
    }
}

/// The `mc` document: a pure function of the run's identity and its draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McSummary {
    /// Number of draws.
    pub draws: u64,
    /// Draws usable in every scenario.
    pub ok: u64,
    /// Draws that failed in some scenario (excluded everywhere).
    pub failed: u64,
    /// Seed.
    pub seed: u64,
    /// Sampling method.
    pub sampling: Sampling,
    /// What `mcse` means for this sampling method.
    pub mcse: &'static str,
    /// Fingerprint of data, scenario file, seed, draws and sampling.
    pub fingerprint: String,
    /// Labels of the varied items.
    pub parameters: Vec<String>,
    /// Per scenario.
    pub scenarios: Vec<ScenarioSummary>,
    /// Each later scenario minus the first.
    pub differences: Vec<DifferenceSummary>,
    /// Failed draws, in draw order.
    pub failures: Vec<FailureReport>,
}

impl McSummary {
    /// The JSON text (pretty, newline-terminated).
    ///
    /// # Errors
    /// Only if serialisation fails (it does not for these types).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map(|s| s + "\n")
            .map_err(|e| Error::invalid("JSON", e.to_string()))
    }
}

fn mcse_note(s: Sampling) -> &'static str {
    match s {
        Sampling::Random => "sd/sqrt(ok)",
        Sampling::LatinHypercube => {
            "sd/sqrt(ok): a conservative bound, Latin hypercube errors are at most this large"
        }
        Sampling::Quadrature => "null: quadrature is deterministic (no sampling error)",
    }
}

/// Summarises the whole run. `block` must hold every draw `0..meta.draws`.
///
/// # Errors
/// [`Error::Invalid`] when the block does not cover the run or its stride
/// does not match the layout.
pub fn summarize(meta: &RunMeta, block: &DrawBlock) -> Result<McSummary> {
    let (offs, stride) = meta.layout.offsets();
    if block.start != 0 || block.end != meta.draws || block.stride != stride {
        return Err(Error::invalid(
            "Monte Carlo draws",
            format!(
                "summaries need draws 0..{} with {stride} values each, got {}..{} with {}",
                meta.draws, block.start, block.end, block.stride
            ),
        ));
    }
    let f = meta.layout.fields.len();
    debug_assert_eq!(f, FIELDS);
    let nc = meta.layout.countries.len();
    let mut bad = vec![false; block.len()];
    for fl in &block.failures {
        bad[(fl.draw - block.start) as usize] = true;
    }
    let ok_draws: Vec<usize> = (0..block.len()).filter(|&i| !bad[i]).collect();
    let failed = (block.len() - ok_draws.len()) as u64;
    // summary of the series v(draw) for every field; fields are independent,
    // so they are computed in parallel and collected in field order
    let metrics = |value: &(dyn Fn(&[f64], usize) -> f64 + Sync)| -> Metrics {
        Metrics(
            (0..meta.layout.fields.len())
                .into_par_iter()
                .map_init(
                    || {
                        (
                            Vec::with_capacity(ok_draws.len()),
                            Vec::with_capacity(ok_draws.len()),
                        )
                    },
                    |(buf, scratch), fi| {
                        buf.clear();
                        buf.extend(
                            ok_draws
                                .iter()
                                .map(|&i| value(&block.values[i * stride..(i + 1) * stride], fi)),
                        );
                        (
                            meta.layout.fields[fi].clone(),
                            metric(buf, failed, meta.sampling, scratch),
                        )
                    },
                )
                .collect(),
        )
    };
    let mut scenarios = Vec::new();
    let mut differences = Vec::new();
    for (s, sl) in meta.layout.scenarios.iter().enumerate() {
        let off = offs[s];
        let countries = (0..nc)
            .map(|c| CountrySummary {
                country: meta.layout.countries[c].clone(),
                metrics: metrics(&|d, fi| d[off + c * f + fi]),
            })
            .collect();
        let unions = sl
            .unions
            .iter()
            .enumerate()
            .map(|(u, ul)| UnionSummary {
                name: ul.name.clone(),
                members: ul.members.clone(),
                metrics: metrics(&|d, fi| d[off + (nc + u) * f + fi]),
            })
            .collect();
        scenarios.push(ScenarioSummary {
            name: sl.name.clone(),
            countries,
            unions,
        });
        if s == 0 {
            continue;
        }
        let o0 = offs[0];
        let countries = (0..nc)
            .map(|c| CountrySummary {
                country: meta.layout.countries[c].clone(),
                metrics: metrics(&|d, fi| d[off + c * f + fi] - d[o0 + c * f + fi]),
            })
            .collect();
        let unions = sl
            .unions
            .iter()
            .enumerate()
            .map(|(u, ul)| UnionSummary {
                name: ul.name.clone(),
                members: ul.members.clone(),
                metrics: metrics(&|d, fi| {
                    let mut first = 0.0;
                    for &m in &ul.member_index {
                        first += d[o0 + m * f + fi];
                    }
                    d[off + (nc + u) * f + fi] - first
                }),
            })
            .collect();
        differences.push(DifferenceSummary {
            scenario: sl.name.clone(),
            minus: meta.layout.scenarios[0].name.clone(),
            countries,
            unions,
        });
    }
    let failures = block
        .failures
        .iter()
        .map(|fl| FailureReport {
            draw: fl.draw,
            scenario: fl.scenario.clone(),
            reason: fl.reason.clone(),
            parameters: ParameterValues(
                meta.parameters
                    .iter()
                    .cloned()
                    .zip(fl.parameters.iter().copied())
                    .collect(),
            ),
        })
        .collect();
    Ok(McSummary {
        draws: meta.draws,
        ok: ok_draws.len() as u64,
        failed,
        seed: meta.seed,
        sampling: meta.sampling,
        mcse: mcse_note(meta.sampling),
        fingerprint: meta.fingerprint.clone(),
        parameters: meta.parameters.clone(),
        scenarios,
        differences,
        failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_like_numpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 50, 95]) = [1.2, 3.0, 8.8]
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        let m = metric(&v, 0, Sampling::Random, &mut Vec::new());
        assert!((m.p05.unwrap() - 1.2).abs() < 1e-12);
        assert_eq!(m.p50, Some(3.0));
        assert!((m.p95.unwrap() - 8.8).abs() < 1e-12);
    }
}

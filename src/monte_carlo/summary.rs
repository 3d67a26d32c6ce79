//! Summaries of a run's draws: the `mc` document, and labelled lookups of a
//! metric or of one series of draws.
//!
//! ```text
//! a draw that failed in any scenario is excluded from every summary (pairing stays intact)
//! per scenario:  each country's totals over sectors, each union's sum over its members,
//!                each tracked output (a country's sector row, a flow's counterfactual volume)
//! differences:   scenario s minus scenario 0, draw by draw; for a union of s, its
//!                aggregate minus the sum of the same members' totals in scenario 0;
//!                a tracked output minus the same output in scenario 0
//! statistics:    see the stats module (mean, sd, mcse, p05, p50, p95, share > 0, ok, failed)
//! computed:      per country, union or tracked output (of a scenario or a difference), all its
//!                fields gathered in one pass over the draws; those groups in parallel, each
//!                series summed in draw order, so the document has the same bytes whatever the
//!                thread count
//! ```

use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::block::DrawBlock;
use super::layout::{Layout, RunMeta, UnionLayout};
use super::sampling::Sampling;
use super::stats::{Metric, metric};
use super::track::{Subject, Tracked};
use crate::error::{Error, Result};
use crate::run::Meta;

/// Field name → metric, serialised as a JSON object in field order.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics(pub Vec<(String, Metric)>);

impl Metrics {
    /// The metric of field `name`.
    pub fn get(&self, name: &str) -> Option<&Metric> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, m)| m)
    }
}

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

/// A tracked output's summaries: `sector` with `country` (a sector row,
/// metrics keyed by its change fields) or `exporter` and `importer` (a flow,
/// metric `counterfactual`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackedSummary {
    /// What is tracked.
    #[serde(flatten)]
    pub output: Tracked,
    /// Per field.
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
    /// Per tracked output (absent when none is tracked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tracked: Vec<TrackedSummary>,
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
    /// Per tracked output (absent when none is tracked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tracked: Vec<TrackedSummary>,
}

/// The look-ups of a summary with `countries`, `unions` and `tracked` lists:
/// a scenario's and a difference's work the same way.
macro_rules! metric_lookups {
    ($($summary:ty),*) => {$(
        impl $summary {
            /// The metrics of a country (by code) or, failing that, of a union (by name).
            pub fn entity(&self, name: &str) -> Option<&Metrics> {
                self.countries
                    .iter()
                    .find(|c| c.country == name)
                    .map(|c| &c.metrics)
                    .or_else(|| self.unions.iter().find(|u| u.name == name).map(|u| &u.metrics))
            }

            /// The metrics of tracked output `t`.
            pub fn tracked(&self, t: &Tracked) -> Option<&Metrics> {
                self.tracked.iter().find(|x| x.output == *t).map(|x| &x.metrics)
            }

            /// The metrics of a country, union or tracked output.
            pub fn metrics_of(&self, of: Subject) -> Option<&Metrics> {
                match of {
                    Subject::Entity(name) => self.entity(name),
                    Subject::Tracked(t) => self.tracked(t),
                }
            }

            /// The summary of `field` of a country (by code), a union (by
            /// name) or a tracked output (`&Tracked`).
            pub fn metric<'a>(&self, of: impl Into<Subject<'a>>, field: &str) -> Option<&Metric> {
                self.metrics_of(of.into())?.get(field)
            }
        }
    )*};
}

metric_lookups!(ScenarioSummary, DifferenceSummary);

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

/// The draws behind a summary, kept (not copied) for [`McSummary::series`].
#[derive(Debug, Clone)]
struct Draws {
    layout: Layout,
    block: DrawBlock,
    ok: Vec<bool>,
}

impl PartialEq for Draws {
    /// Bit for bit (a failed draw's NaN equals itself).
    fn eq(&self, other: &Self) -> bool {
        self.layout == other.layout
            && self.ok == other.ok
            && self.block.failures == other.block.failures
            && (self.block.start, self.block.end, self.block.stride)
                == (other.block.start, other.block.end, other.block.stride)
            && self.block.values.iter().map(|v| v.to_bits()).eq(other
                .block
                .values
                .iter()
                .map(|v| v.to_bits()))
    }
}

/// The `mc` document: a pure function of the run's identity and its draws,
/// which it keeps for labelled lookups.
///
/// # Examples
/// ```
/// use customs_union::prelude::*;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let data = Dataset::embedded("toy")?;
/// let text = include_str!("../../scenarios/toy_mc.toml").replace("draws = 1000", "draws = 20");
/// let set = ScenarioSet::from_toml_str(&text, "toy_mc.toml")?;
/// let mc: McSummary = Simulation::new(&data).monte_carlo(&set)?;
/// let band = mc.metric("customs-union", "HOM", "welfare").unwrap();
/// let series = mc.series("customs-union", "HP", "welfare").unwrap();
/// assert_eq!(series.len() as u64, band.ok);
/// assert!(band.p05.unwrap() <= band.p95.unwrap());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McSummary {
    /// What was run, on what, in which units (runs through the entry point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
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
    /// Fingerprint of the run's inputs.
    pub fingerprint: String,
    /// Labels of the varied items.
    pub parameters: Vec<String>,
    /// Per scenario.
    pub scenarios: Vec<ScenarioSummary>,
    /// Each later scenario minus the first.
    pub differences: Vec<DifferenceSummary>,
    /// Failed draws, in draw order.
    pub failures: Vec<FailureReport>,
    #[serde(skip)]
    draws_kept: Draws,
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

    /// The summary of `field` for a country (by code), a union (by name) or
    /// a tracked output (`&Tracked`; fields as in [`Tracked::fields`]) in
    /// `scenario`.
    pub fn metric<'a>(
        &self,
        scenario: &str,
        of: impl Into<Subject<'a>>,
        field: &str,
    ) -> Option<&Metric> {
        self.scenario(scenario)?.metric(of, field)
    }

    /// The usable draws' values of `field` for a country, union or tracked
    /// output in `scenario`, in draw order: the series the metric
    /// summarises.
    pub fn series<'a>(
        &self,
        scenario: &str,
        of: impl Into<Subject<'a>>,
        field: &str,
    ) -> Option<Vec<f64>> {
        let at = self
            .draws_kept
            .layout
            .locate_subject(scenario, of.into(), field)?;
        Some(self.values_at(at))
    }

    fn scenario(&self, name: &str) -> Option<&ScenarioSummary> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// The paired difference `scenario` minus the first scenario: look
    /// fields up in it with [`DifferenceSummary::metric`].
    pub fn difference(&self, scenario: &str) -> Option<&DifferenceSummary> {
        self.differences.iter().find(|d| d.scenario == scenario)
    }

    fn values_at(&self, at: usize) -> Vec<f64> {
        let d = &self.draws_kept;
        let stride = d.block.stride;
        d.ok.iter()
            .enumerate()
            .filter(|(_, ok)| **ok)
            .map(|(i, _)| d.block.values[i * stride + at])
            .collect()
    }

    /// Where each value of a draw sits.
    pub fn layout(&self) -> &Layout {
        &self.draws_kept.layout
    }

    /// The draws summarised (every draw of the run, failed ones as NaN).
    pub fn block(&self) -> &DrawBlock {
        &self.draws_kept.block
    }

    /// Gives the draws back.
    pub fn into_block(self) -> DrawBlock {
        self.draws_kept.block
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

/// `metrics` with `welfare_pct_gdp` (percent) added from `welfare` when the
/// GDP is known: every statistic but the share of gains scales by `100 / gdp`.
fn with_pct_gdp(mut metrics: Metrics, gdp: Option<f64>) -> Metrics {
    let (Some(g), Some(w)) = (gdp, metrics.get("welfare").cloned()) else {
        return metrics;
    };
    let k = 100.0 / g;
    let scale = |v: Option<f64>| v.map(|v| v * k);
    let pct = Metric {
        mean: scale(w.mean),
        sd: scale(w.sd),
        mcse: scale(w.mcse),
        p05: scale(w.p05),
        p50: scale(w.p50),
        p95: scale(w.p95),
        ..w
    };
    metrics.0.push(("welfare_pct_gdp".to_string(), pct));
    metrics
}

/// A scenario's own values, or its values minus the first scenario's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    Levels,
    MinusFirst,
}

/// What a series subtracts, draw by draw, from its value at `at + f`.
enum Minus {
    /// Nothing: the value itself.
    Nothing,
    /// The value at `one + f` (the same country or tracked output in the
    /// first scenario).
    One(usize),
    /// The sum, from 0 in member order, of the values at `m + f` (a union's
    /// members in the first scenario).
    Sum(Vec<usize>),
}

/// Series that lie side by side in every draw, `names.len()` of them from
/// `at`, read together in one pass over the draws (each draw's values are
/// then read once per group rather than once per series).
struct SeriesGroup<'a> {
    names: &'a [&'a str],
    at: usize,
    minus: Minus,
}

impl SeriesGroup<'_> {
    /// The usable draws' values of every series of the group into
    /// `columns` (one per series, in draw order).
    ///
    /// The draws are taken in blocks: a block's values of the group stay in
    /// cache while each series is copied out of them, so every series is a
    /// short loop of independent reads.
    fn gather(
        &self,
        values: &[f64],
        stride: usize,
        ok_draws: &[usize],
        columns: &mut Vec<Vec<f64>>,
    ) {
        const BLOCK: usize = 256;
        let k = self.names.len();
        if columns.len() < k {
            columns.resize_with(k, Vec::new);
        }
        let columns = &mut columns[..k];
        for c in columns.iter_mut() {
            // every value is overwritten below: a column reused from the
            // previous group keeps its length
            c.resize(ok_draws.len(), 0.0);
        }
        for (b, draws) in ok_draws.chunks(BLOCK).enumerate() {
            let from = b * BLOCK;
            for (f, c) in columns.iter_mut().enumerate() {
                let c = &mut c[from..from + draws.len()];
                let at = self.at + f;
                match &self.minus {
                    Minus::Nothing => {
                        for (slot, &i) in c.iter_mut().zip(draws) {
                            *slot = values[i * stride + at];
                        }
                    }
                    Minus::One(one) => {
                        for (slot, &i) in c.iter_mut().zip(draws) {
                            *slot = values[i * stride + at] - values[i * stride + one + f];
                        }
                    }
                    Minus::Sum(members) => {
                        for (slot, &i) in c.iter_mut().zip(draws) {
                            let d = i * stride;
                            let mut first = 0.0;
                            for &m in members {
                                first += values[d + m + f];
                            }
                            *slot = values[d + at] - first;
                        }
                    }
                }
            }
        }
    }
}

/// Summarises the whole run. `block` must hold every draw `0..meta.draws`;
/// the summary keeps it (it is not copied).
///
/// # Errors
/// [`Error::Invalid`] when the block does not cover the run or its stride
/// does not match the layout.
pub fn summarize(meta: &RunMeta, block: DrawBlock) -> Result<McSummary> {
    let layout = &meta.layout;
    let stride = layout.stride();
    if block.start != 0 || block.end != meta.draws || block.stride != stride {
        return Err(Error::invalid(
            "Monte Carlo draws",
            format!(
                "summaries need draws 0..{} with {stride} values each, got {}..{} with {}",
                meta.draws, block.start, block.end, block.stride
            ),
        ));
    }
    let ok = block.ok_mask();
    let ok_draws: Vec<usize> = (0..block.len()).filter(|&i| ok[i]).collect();
    let failed = (block.len() - ok_draws.len()) as u64;
    // every series, in groups that lie side by side in a draw (an entity's
    // fields, a tracked output's), in the order the document lists them
    let field_names: Vec<&str> = layout.fields().iter().map(String::as_str).collect();
    let nc = layout.countries().len();
    let tracked_fields: Vec<Vec<&str>> = layout.tracked().iter().map(Tracked::fields).collect();
    let mut groups = Vec::new();
    for (s, sl) in layout.scenarios().iter().enumerate() {
        for pass in [Pass::Levels, Pass::MinusFirst] {
            if pass == Pass::MinusFirst && s == 0 {
                continue;
            }
            let minus = |one: usize| match pass {
                Pass::Levels => Minus::Nothing,
                Pass::MinusFirst => Minus::One(one),
            };
            for c in 0..nc {
                groups.push(SeriesGroup {
                    names: &field_names,
                    at: layout.index(s, c, 0),
                    minus: minus(layout.index(0, c, 0)),
                });
            }
            for (u, ul) in sl.unions.iter().enumerate() {
                groups.push(SeriesGroup {
                    names: &field_names,
                    at: layout.index(s, nc + u, 0),
                    minus: match pass {
                        Pass::Levels => Minus::Nothing,
                        Pass::MinusFirst => Minus::Sum(
                            ul.member_index
                                .iter()
                                .map(|&m| layout.index(0, m, 0))
                                .collect(),
                        ),
                    },
                });
            }
            for (t, names) in tracked_fields.iter().enumerate() {
                groups.push(SeriesGroup {
                    names,
                    at: layout.tracked_range(s, t).start,
                    minus: minus(layout.tracked_range(0, t).start),
                });
            }
        }
    }
    // groups are independent: computed in parallel, collected in order
    let mut computed = groups
        .par_iter()
        .map_init(
            || (Vec::new(), Vec::with_capacity(ok_draws.len())),
            |(columns, scratch), g| {
                g.gather(&block.values, stride, &ok_draws, columns);
                Metrics(
                    g.names
                        .iter()
                        .zip(columns.iter())
                        .map(|(name, col)| {
                            let m = metric(col, failed, meta.sampling, scratch);
                            (name.to_string(), m)
                        })
                        .collect(),
                )
            },
        )
        .collect::<Vec<Metrics>>()
        .into_iter();
    let mut next = || computed.next().expect("one summary per series group");
    let gdp = |c: usize| meta.gdp.get(c).copied().flatten();
    let country = |c: usize, m: Metrics| CountrySummary {
        country: layout.countries()[c].clone(),
        metrics: with_pct_gdp(m, gdp(c)),
    };
    let union = |ul: &UnionLayout, m: Metrics| UnionSummary {
        name: ul.name.clone(),
        members: ul.members.clone(),
        metrics: with_pct_gdp(m, ul.member_index.iter().map(|&c| gdp(c)).sum()),
    };
    let tracked = |next: &mut dyn FnMut() -> Metrics| -> Vec<TrackedSummary> {
        layout
            .tracked()
            .iter()
            .map(|tr| TrackedSummary {
                output: tr.clone(),
                metrics: next(),
            })
            .collect()
    };
    let mut scenarios = Vec::new();
    let mut differences = Vec::new();
    for (s, sl) in layout.scenarios().iter().enumerate() {
        let countries = (0..nc).map(|c| country(c, next())).collect();
        let unions = sl.unions.iter().map(|ul| union(ul, next())).collect();
        scenarios.push(ScenarioSummary {
            name: sl.name.clone(),
            countries,
            unions,
            tracked: tracked(&mut next),
        });
        if s == 0 {
            continue;
        }
        let countries = (0..nc).map(|c| country(c, next())).collect();
        let unions = sl.unions.iter().map(|ul| union(ul, next())).collect();
        differences.push(DifferenceSummary {
            scenario: sl.name.clone(),
            minus: layout.scenarios()[0].name.clone(),
            countries,
            unions,
            tracked: tracked(&mut next),
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
        meta: meta.info.clone(),
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
        draws_kept: Draws {
            layout: layout.clone(),
            block,
            ok,
        },
    })
}

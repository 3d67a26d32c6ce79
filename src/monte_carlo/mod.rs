//! Monte Carlo over uncertain elasticities (SPEC §6).
//!
//! ```text
//! definition   MonteCarloSpec { draws, seed, sampling, vary[] }          ([montecarlo] in a scenario file)
//! draw k       x = F^-1(u(seed, k))  ->  elasticities  ->  every scenario solved (common random numbers)
//! per draw     per scenario: country totals over sectors, union sums    (every additive outcome field)
//! summaries    mean, sd, mcse, p05, p50, p95, share > 0, ok, failed; paired differences vs the first scenario
//! ```
//! A run is prepared once ([`MonteCarlo::new`], or [`prepare_run`] from
//! files), then any range of draws is computed ([`MonteCarlo::run_range`]),
//! in parallel, with results that do not depend on the thread count or on
//! how the draws are split into shards ([`ShardDocument`], [`merge_shards`]).
//! The whole format, the seeding scheme and the guarantees are described in
//! `docs/monte_carlo.md`.

mod params;
mod run;
mod sampling;
mod seed;
mod shard;
mod summary;

pub use params::{
    DEFAULT_DRAWS, Distribution, Link, MAX_DRAWS, Mode, MonteCarloSpec, Param, VaryEntry,
};
pub use run::{
    DrawBlock, DrawRecord, FIELDS, Failure, Item, MonteCarlo, ParameterSpace, RunControl,
};
pub use sampling::{
    Sampling, normal_cdf, normal_pdf, normal_quantile, quadrature_coordinate, quadrature_points,
};
pub use seed::{DrawRng, below, draw_rng, draw_seed, hex, lhs_rng, permutation, unit};
pub use shard::{ShardDocument, ShardFailure, ShardInfo, fingerprint, merge_shards, shard_range};
pub use summary::{
    CountrySummary, DifferenceSummary, FailureReport, Layout, McSummary, Metric, Metrics,
    ParameterValues, RunMeta, ScenarioLayout, ScenarioSummary, UnionLayout, UnionSummary, metric,
    percentile_sorted, summarize,
};

use std::io::Write;

use crate::error::{Error, Result};
use crate::io::{LoadedData, ScenarioFile};
use crate::model::DomesticTreatment;

/// Command-line overrides of the `[montecarlo]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overrides {
    /// Replaces `draws`.
    pub draws: Option<u64>,
    /// Replaces `seed`.
    pub seed: Option<u64>,
}

/// A run ready to compute draws, with its identity (fingerprint, layout).
#[derive(Debug)]
pub struct PreparedRun {
    /// The run.
    pub mc: MonteCarlo,
    /// Its identity and the layout of its values.
    pub meta: RunMeta,
}

impl PreparedRun {
    /// Summaries of a block holding every draw.
    ///
    /// # Errors
    /// As [`summarize`].
    pub fn summarize(&self, block: &DrawBlock) -> Result<McSummary> {
        summarize(&self.meta, block)
    }
}

/// Prepares the Monte Carlo run a scenario file defines, on loaded data
/// (nested treatment of domestic sales, the exact model).
///
/// # Errors
/// [`Error::Scenario`] when the file has no `[montecarlo]` table or it is
/// invalid; the scenario compilation errors; a diagonal tariff row in the data.
pub fn prepare_run(
    loaded: &LoadedData,
    file: &ScenarioFile,
    overrides: Overrides,
) -> Result<PreparedRun> {
    let source = file.set.source.as_str();
    let Some(spec) = &file.set.montecarlo else {
        return Err(Error::scenario(
            source,
            "montecarlo",
            "missing: a Monte Carlo run needs a [montecarlo] table with [[montecarlo.vary]] entries",
        ));
    };
    let mut spec = spec.clone();
    if let Some(d) = overrides.draws {
        if d == 0 || d > MAX_DRAWS {
            return Err(Error::invalid(
                "--draws",
                format!("must be in 1..={MAX_DRAWS}, got {d}"),
            ));
        }
        spec.draws = d;
    }
    if let Some(s) = overrides.seed {
        spec.seed = s;
    }
    if let Some(e) = loaded.diagonal_rows.first() {
        return Err(e.clone());
    }
    let compiled = file
        .set
        .compile(&loaded.dataset, DomesticTreatment::Nested)?;
    let mc = MonteCarlo::new(
        &loaded.dataset,
        &compiled,
        &spec,
        file.set.solver.unwrap_or_default(),
    )?;
    let fp = fingerprint(
        &loaded.contents,
        &file.text,
        mc.seed(),
        mc.draws(),
        mc.sampling(),
    );
    let meta = mc.meta(fp);
    Ok(PreparedRun { mc, meta })
}

/// Outcome fields written per country and union in the per-draw CSV.
pub const CSV_FIELDS: [&str; 9] = [
    "welfare",
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
];

/// Writes one CSV row per draw of `block`: `draw, status, scenario, reason`,
/// every varied item's value, then `<scenario>/<country or union>/<field>`
/// for the [`CSV_FIELDS`] (empty for a failed draw).
///
/// # Errors
/// [`Error::Io`] when writing fails.
pub fn write_draws_csv<W: Write>(run: &PreparedRun, block: &DrawBlock, out: W) -> Result<()> {
    let io = |e: csv::Error| Error::Io {
        source: None,
        file: "draws csv".into(),
        message: e.to_string(),
    };
    let meta = &run.meta;
    let lay = &meta.layout;
    let (offs, _) = lay.offsets();
    let f = lay.fields.len();
    let nc = lay.countries.len();
    let field_ix: Vec<usize> = CSV_FIELDS
        .iter()
        .map(|c| lay.fields.iter().position(|f| f == c).unwrap_or(0))
        .collect();
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = ["draw", "status", "scenario", "reason"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    header.extend(meta.parameters.iter().cloned());
    let mut cols: Vec<usize> = Vec::new();
    for (s, sl) in lay.scenarios.iter().enumerate() {
        let names = lay
            .countries
            .iter()
            .cloned()
            .chain(sl.unions.iter().map(|u| u.name.clone()));
        for (e, name) in names.enumerate() {
            for (c, fi) in CSV_FIELDS.iter().zip(&field_ix) {
                header.push(format!("{}/{name}/{c}", sl.name));
                cols.push(offs[s] + e * f + fi);
            }
        }
        debug_assert!(nc + sl.unions.len() > 0);
    }
    w.write_record(&header).map_err(io)?;
    let mut fi = 0;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for k in block.start..block.end {
        row.clear();
        row.push(k.to_string());
        let failure = block.failures[fi..].first().filter(|x| x.draw == k);
        match failure {
            Some(fl) => {
                fi += 1;
                row.push("failed".into());
                row.push(fl.scenario.clone().unwrap_or_default());
                row.push(fl.reason.clone());
                row.extend(fl.parameters.iter().map(f64::to_string));
                row.extend(cols.iter().map(|_| String::new()));
            }
            None => {
                row.push("ok".into());
                row.push(String::new());
                row.push(String::new());
                row.extend(run.mc.parameters(k).iter().map(f64::to_string));
                let v = block.draw(k);
                row.extend(cols.iter().map(|&c| v[c].to_string()));
            }
        }
        w.write_record(&row).map_err(io)?;
    }
    w.flush().map_err(|e| Error::Io {
        source: None,
        file: "draws csv".into(),
        message: e.to_string(),
    })
}

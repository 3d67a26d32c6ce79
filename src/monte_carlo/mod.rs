//! Monte Carlo over uncertain elasticities, data cells and policy settings.
//!
//! ```text
//! definition   MonteCarloSpec { draws, seed, sampling, vary[], track[] }  ([montecarlo] in a scenario file)
//! draw k       x = F^-1(u(seed, k))  ->  elasticities, baseline cells, policy factors
//!              ->  every scenario solved (common random numbers; a varied baseline is rebuilt)
//! per draw     per scenario: country totals over sectors, union sums    (every additive outcome field),
//!              tracked sector rows and flows
//! summaries    mean, sd, mcse, p05, p50, p95, share > 0, ok, failed; paired differences vs the first scenario
//! ```
//! A run is prepared once from values already loaded ([`MonteCarlo::new`]:
//! data, compiled scenarios, the definition, model, treatment and solver
//! settings), then any range of draws is computed ([`MonteCarlo::run_range`]),
//! in parallel, with results that do not depend on the thread count or on
//! how the draws are split into shards ([`ShardDocument`], [`merge_shards`]).
//! Reading the definition and the data from files is the `io` layer's job.
//! The whole format, the seeding scheme and the guarantees are described in
//! `docs/monte_carlo.md`.
//!
//! Modules, each using only those before it: `sampling`, `seed`,
//! `distribution`, `track` → `spec` → `spec_toml`, `space` → `layout`, `block`,
//! `resources` → `run` → `stats` → `summary` → `prepared` → `shard`, `csv`.

mod block;
mod csv;
mod distribution;
mod layout;
mod prepared;
mod resources;
mod run;
mod sampling;
mod seed;
mod shard;
mod space;
mod spec;
mod spec_toml;
mod stats;
mod summary;
mod track;

pub use block::{DrawBlock, DrawRecord, Failure};
pub use csv::{DrawColumn, draws_csv_columns, draws_key_path, write_draws_csv, write_draws_key};
pub use distribution::{Distribution, DistributionError};
pub use layout::{CSV_FIELDS, Layout, RunMeta, ScenarioLayout, UnionLayout};
pub use prepared::PreparedRun;
pub use resources::{
    MemoryEstimate, MemoryLimit, OutputPlan, THREADS_PER_CORE, available_memory, check_threads,
    max_threads,
};
pub use run::{MonteCarlo, RunControl};
pub use sampling::{Sampling, quadrature_points};
pub use seed::{DrawRng, draw_rng, draw_seed};
pub use shard::{
    ShardDocument, ShardFailure, ShardInfo, merge_shards, parse_shard_file_name, shard_file_name,
    shard_range,
};
pub use space::{Item, ParameterSpace};
pub use spec::{DEFAULT_DRAWS, Link, MAX_DRAWS, Mode, MonteCarloSpec, Param, VaryEntry};
pub use stats::{Metric, metric, percentile_sorted};
pub use summary::{
    CountrySummary, DifferenceSummary, FailureReport, McSummary, Metrics, ParameterValues,
    ScenarioSummary, TrackedSummary, UnionSummary, summarize,
};
pub use track::{FLOW_FIELD, Subject, Tracked};

//! Argument types shared by the commands: model and treatment choices, the
//! data source, `mc`'s arguments and shard specifications.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use customs_union::prelude::*;

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ModelArg {
    Armington,
    GsimLinear,
    Smart,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DomesticArg {
    Nested,
    AsImportSource,
}

pub(crate) fn model_and_treatment(
    model: ModelArg,
    domestic: Option<DomesticArg>,
) -> (ModelVariant, Option<DomesticTreatment>) {
    let model = match model {
        ModelArg::Armington => ModelVariant::Armington,
        ModelArg::GsimLinear => ModelVariant::GsimLinear,
        ModelArg::Smart => ModelVariant::Smart,
    };
    let treatment = domestic.map(|d| match d {
        DomesticArg::Nested => DomesticTreatment::Nested,
        DomesticArg::AsImportSource => DomesticTreatment::AsImportSource,
    });
    (model, treatment)
}

/// Where a command's data comes from.
#[derive(Args)]
pub(crate) struct DataArgs {
    /// Data directory (default: the scenario file's `dataset`, else the embedded eaeu2009).
    #[arg(long, conflicts_with = "dataset")]
    pub(crate) data: Option<PathBuf>,
    /// Embedded dataset to use without --data: eaeu2009, kaz1995, toy.
    #[arg(long)]
    pub(crate) dataset: Option<String>,
}

/// Arguments of `customs-union mc`.
#[derive(Args)]
pub(crate) struct McArgs {
    /// Where the data comes from.
    #[command(flatten)]
    pub(crate) source: DataArgs,
    /// Scenario file (TOML) with a `[montecarlo]` table.
    #[arg(long)]
    pub(crate) scenario: PathBuf,
    /// Model variant (Monte Carlo runs the exact armington model only).
    #[arg(long, value_enum, default_value = "armington")]
    pub(crate) model: ModelArg,
    /// Treatment of domestic sales (default: nested).
    #[arg(long, value_enum)]
    pub(crate) domestic: Option<DomesticArg>,
    /// Number of draws (overrides `montecarlo.draws`).
    #[arg(long)]
    pub(crate) draws: Option<u64>,
    /// Seed (overrides `montecarlo.seed`).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Compute only shard K of N (K from 0), or `slurm` to read
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (or _MIN/_MAX).
    #[arg(long)]
    pub(crate) shard: Option<String>,
    /// Also write one CSV row per draw (parameters and outcomes), with a
    /// `.key.csv` file beside it naming what each column holds.
    #[arg(long)]
    pub(crate) draws_out: Option<PathBuf>,
    /// Also write the summary as long-format CSV files (summary.csv,
    /// meta.csv, README.md) into this folder.
    #[arg(long, conflicts_with_all = ["shard", "replay"])]
    pub(crate) csv: Option<PathBuf>,
    /// Stop at the first failed draw instead of recording it.
    #[arg(long)]
    pub(crate) fail_fast: bool,
    /// No progress bar and no closing message.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Replay one draw: print its parameters and results as JSON.
    #[arg(long, conflicts_with = "shard")]
    pub(crate) replay: Option<u64>,
    /// Output JSON file; with --shard, a directory (existing, or ending
    /// in `/`) receives `shard-<K>-of-<N>.json`.
    #[arg(long, required_unless_present = "replay")]
    pub(crate) out: Option<PathBuf>,
}

pub(crate) fn usage(what: &str, message: impl Into<String>) -> Error {
    Error::invalid(what, message)
}

/// `K/N`, or `slurm` (from the array job's environment).
pub(crate) fn parse_shard(spec: &str) -> Result<(u64, u64), Error> {
    if spec == "slurm" {
        let var = |name: &str| -> Result<Option<u64>, Error> {
            match std::env::var(name) {
                Ok(v) => v.trim().parse::<u64>().map(Some).map_err(|_| {
                    usage(
                        "--shard slurm",
                        format!("{name}={v} is not a non-negative integer"),
                    )
                }),
                Err(_) => Ok(None),
            }
        };
        let id = var("SLURM_ARRAY_TASK_ID")?.ok_or_else(|| {
            usage(
                "--shard slurm",
                "SLURM_ARRAY_TASK_ID is not set: run inside a Slurm array job (sbatch --array=0-N), or give --shard K/N",
            )
        })?;
        let (k, n) = match var("SLURM_ARRAY_TASK_COUNT")? {
            Some(count) => {
                let min = var("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                (id.checked_sub(min).unwrap_or(id), count)
            }
            None => match (var("SLURM_ARRAY_TASK_MIN")?, var("SLURM_ARRAY_TASK_MAX")?) {
                (Some(min), Some(max)) if max >= min && id >= min => (id - min, max - min + 1),
                _ => {
                    return Err(usage(
                        "--shard slurm",
                        "neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX (with MIN <= ID <= MAX) is set",
                    ));
                }
            },
        };
        if k >= n {
            return Err(usage(
                "--shard slurm",
                format!("task {k} is not below the task count {n}"),
            ));
        }
        return Ok((k, n));
    }
    let bad = || {
        usage(
            "--shard",
            format!("`{spec}`: expected K/N with 0 <= K < N, or `slurm`"),
        )
    };
    let (k, n) = spec.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

pub(crate) fn is_dir_target(p: &Path) -> bool {
    p.is_dir() || p.as_os_str().to_string_lossy().ends_with('/')
}

//! `customs-union`: a thin command line over the library.
//!
//! ```text
//! customs-union run [--data DIR] --scenario FILE [--model armington|gsim-linear|smart]
//!                   [--domestic nested|as-import-source] [--decompose] [--out FILE.json]
//! customs-union mc [--data DIR | --dataset NAME] --scenario FILE [--draws N] [--seed S] [--threads T]
//!                  [--domestic nested|as-import-source] [--model armington]
//!                  [--shard K/N | --shard slurm] [--draws-out FILE.csv] [--fail-fast] [--quiet]
//!                  (--out FILE.json | --out DIR/ | --replay K)
//! customs-union merge SHARD.json|DIR... --out FILE.json
//! customs-union report RESULT.json --out REPORT.html [--country CODE]
//! customs-union validate [--data DIR]
//! customs-union export-data DIR
//! ```

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::{LoadedData, load_data_dir, load_scenario_file, mc_files};
use customs_union::monte_carlo;
use customs_union::prelude::*;

#[derive(Parser)]
#[command(
    name = "customs-union",
    version,
    about = "Partial-equilibrium simulation of customs unions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModelArg {
    Armington,
    GsimLinear,
    Smart,
}

#[derive(Clone, Copy, ValueEnum)]
enum DomesticArg {
    Nested,
    AsImportSource,
}

#[derive(Subcommand)]
enum Command {
    /// Solve every scenario of a file and report welfare, trade and tariffs.
    Run {
        /// Data directory (default: the embedded dataset).
        #[arg(long, conflicts_with = "dataset")]
        data: Option<PathBuf>,
        /// Embedded dataset to use without --data: eaeu2009 (default), kaz1995, toy.
        #[arg(long)]
        dataset: Option<String>,
        /// Scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// Model variant.
        #[arg(long, value_enum, default_value = "armington")]
        model: ModelArg,
        /// Treatment of domestic sales (default: nested; gsim-linear implies as-import-source).
        #[arg(long, value_enum)]
        domestic: Option<DomesticArg>,
        /// Shapley decomposition over each scenario's components.
        #[arg(long)]
        decompose: bool,
        /// Write the JSON results here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write long-format CSV files (totals, by sector, bilateral, ...) into this folder.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Print the JSON document on stdout instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Monte Carlo over the uncertain elasticities of the file's `[montecarlo]` table.
    Mc(McArgs),
    /// Merge Monte Carlo shard files into the document of a single run.
    Merge {
        /// Shard files, or directories holding `shard-*-of-*.json`.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output JSON file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a self-contained HTML report of a `run` or `mc` result.
    Report {
        /// The result (JSON written by `run --out` or `mc --out`).
        result: PathBuf,
        /// The HTML file to write.
        #[arg(long)]
        out: PathBuf,
        /// Country whose imports by origin are shown (default: the first union member).
        #[arg(long)]
        country: Option<String>,
    },
    /// Check a data directory (or the embedded dataset) and summarise it.
    Validate {
        /// Data directory (default: the embedded dataset).
        #[arg(long, conflicts_with = "dataset")]
        data: Option<PathBuf>,
        /// Embedded dataset to use without --data: eaeu2009 (default), kaz1995, toy.
        #[arg(long)]
        dataset: Option<String>,
    },
    /// Write the embedded dataset as a CSV data directory.
    ExportData {
        /// Target directory.
        dir: PathBuf,
        /// Embedded dataset to write: eaeu2009 (default), kaz1995, toy.
        #[arg(long)]
        dataset: Option<String>,
    },
}

fn embedded(name: Option<&str>) -> Result<EmbeddedDataset, Error> {
    match name {
        None => Ok(EmbeddedDataset::DEFAULT),
        Some(n) => EmbeddedDataset::by_name(n).ok_or_else(|| {
            Error::invalid(
                "--dataset",
                format!(
                    "no embedded dataset `{n}` (have: {})",
                    EmbeddedDataset::ALL.map(|d| d.name()).join(", ")
                ),
            )
        }),
    }
}

/// The embedded dataset to use: `--dataset`, else the scenario file's
/// `dataset` key; a `--dataset` that differs from the file's is refused
/// (`--data` runs on the user's own data, with a warning in the results).
fn dataset_for(
    set: &ScenarioSet,
    data: Option<&Path>,
    dataset: Option<&str>,
) -> Result<Option<String>, Error> {
    match (&set.dataset, data, dataset) {
        (Some(want), None, Some(given)) if want != given => Err(usage(
            "--dataset",
            format!(
                "{} is written for the embedded dataset `{want}`, not `{given}` \
                 (use --data DIR to run it on your own data)",
                set.source
            ),
        )),
        (Some(want), None, None) => Ok(Some(want.clone())),
        _ => Ok(dataset.map(str::to_string)),
    }
}

/// The dataset of a command: `--data DIR`, else `--dataset NAME`, else the default.
fn dataset(data: Option<&Path>, dataset: Option<&str>) -> Result<Dataset, Error> {
    match data {
        Some(d) => Dataset::from_dir(d),
        None => Dataset::embedded(embedded(dataset)?.name()),
    }
}

fn load(data: Option<&Path>, dataset: Option<&str>) -> Result<LoadedData, Error> {
    match data {
        Some(d) => load_data_dir(d),
        None => embedded(dataset)?.load(),
    }
}

/// Writes `body` to `path` atomically: a failed write leaves the previous file intact.
fn write_file(path: &Path, body: &str) -> Result<(), Error> {
    customs_union::io::atomic::write_file(path, body.as_bytes())
}

/// `--out` writes JSON: a `.csv` name is a mistake for `--csv`.
fn refuse_csv_name(out: &Path) -> Result<(), Error> {
    if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        return Err(usage(
            "--out",
            format!(
                "{} names a CSV file, but --out writes JSON: use --csv DIR for CSV files",
                out.display()
            ),
        ));
    }
    Ok(())
}

/// The files of a data folder that a command reads.
fn data_files(dir: Option<&Path>) -> Vec<PathBuf> {
    let Some(dir) = dir else {
        return Vec::new();
    };
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// A path made absolute without requiring it to exist (its folder, if it
/// exists, is resolved through links).
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let parent = p
        .parent()
        .filter(|q| !q.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (parent.canonicalize(), p.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => p.to_path_buf(),
    }
}

/// Refuses, before any work, an output that is an input of the same command
/// or another output, or a folder that holds an input.
fn refuse_overwrite(outputs: &[PathBuf], inputs: &[PathBuf]) -> Result<(), Error> {
    let ins: Vec<PathBuf> = inputs.iter().map(|p| resolved(p)).collect();
    let outs: Vec<PathBuf> = outputs.iter().map(|p| resolved(p)).collect();
    for (k, (o, given)) in outs.iter().zip(outputs).enumerate() {
        if let Some(i) = ins.iter().find(|i| *i == o || i.starts_with(o)) {
            return Err(usage(
                "output",
                format!(
                    "{} would overwrite the input {}: choose another output path",
                    given.display(),
                    i.display()
                ),
            ));
        }
        if outs[..k].iter().any(|p| p == o) {
            return Err(usage(
                "output",
                format!("{} is given as two outputs", given.display()),
            ));
        }
    }
    Ok(())
}

fn model_and_treatment(
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

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run {
            data,
            dataset,
            scenario,
            model,
            domestic,
            decompose,
            out,
            csv,
            json: as_json,
        } => {
            if let Some(o) = &out {
                refuse_csv_name(o)?;
            }
            let mut inputs = vec![scenario.clone()];
            inputs.extend(data_files(data.as_deref()));
            let outputs: Vec<PathBuf> = out.iter().chain(csv.iter()).cloned().collect();
            refuse_overwrite(&outputs, &inputs)?;
            let set = ScenarioSet::from_toml_file(&scenario)?;
            let dataset = dataset_for(&set, data.as_deref(), dataset.as_deref())?;
            let data = self::dataset(data.as_deref(), dataset.as_deref())?;
            let (model, treatment) = model_and_treatment(model, domestic);
            let mut sim = Simulation::new(&data).model(model).decompose(decompose);
            if let Some(t) = treatment {
                sim = sim.treatment(t);
            }
            let results = sim.run(&set)?;
            for w in results.warnings() {
                eprintln!("warning: {}", printable(w));
            }
            let text = results.to_json()?;
            if let Some(out) = &out {
                write_file(out, &text)?;
            }
            if let Some(dir) = &csv {
                results.write_csv(dir)?;
            }
            let mut stdout = std::io::stdout().lock();
            if as_json {
                let _ = stdout.write_all(text.as_bytes());
            } else {
                let _ = stdout.write_all(customs_union::report::table(&results).as_bytes());

                if let Some(out) = &out {
                    let _ = writeln!(stdout, "results written to {}", out.display());
                }
                if let Some(dir) = &csv {
                    let _ = writeln!(stdout, "CSV files written to {}", dir.display());
                }
            }
            Ok(())
        }
        Command::Mc(args) => mc_command(args),
        Command::Merge { shards, out } => merge_command(&shards, &out),
        Command::Report {
            result,
            out,
            country,
        } => report_command(&result, &out, country),
        Command::Validate { data, dataset } => {
            let loaded = load(data.as_deref(), dataset.as_deref())?;
            let d = &loaded.dataset;
            println!(
                "ok: {} countries, {} sectors, {} nonzero flows",
                d.n_countries(),
                d.sectors().len(),
                d.markets()
                    .iter()
                    .map(|m| m.flows().as_slice().iter().filter(|v| **v > 0.0).count())
                    .sum::<usize>()
            );
            for e in &loaded.diagonal_rows {
                println!(
                    "note: {} (fine under --domestic as-import-source)",
                    printable(&e.to_string())
                );
            }
            for w in &loaded.warnings {
                println!("warning: {}", printable(w));
            }
            Ok(())
        }
        Command::ExportData { dir, dataset } => {
            let d = embedded(dataset.as_deref())?;
            d.export(&dir)?;
            println!(
                "wrote the embedded `{}` dataset to {}",
                d.name(),
                dir.display()
            );
            Ok(())
        }
    }
}

/// Arguments of `customs-union mc`.
#[derive(Args)]
struct McArgs {
    /// Data directory (default: the embedded dataset).
    #[arg(long, conflicts_with = "dataset")]
    data: Option<PathBuf>,
    /// Embedded dataset to use without --data: eaeu2009 (default), kaz1995, toy.
    #[arg(long)]
    dataset: Option<String>,
    /// Scenario file (TOML) with a `[montecarlo]` table.
    #[arg(long)]
    scenario: PathBuf,
    /// Model variant (Monte Carlo runs the exact armington model only).
    #[arg(long, value_enum, default_value = "armington")]
    model: ModelArg,
    /// Treatment of domestic sales (default: nested).
    #[arg(long, value_enum)]
    domestic: Option<DomesticArg>,
    /// Number of draws (overrides `montecarlo.draws`).
    #[arg(long)]
    draws: Option<u64>,
    /// Seed (overrides `montecarlo.seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Compute only shard K of N (K from 0), or `slurm` to read
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (or _MIN/_MAX).
    #[arg(long)]
    shard: Option<String>,
    /// Also write one CSV row per draw (parameters and outcomes).
    #[arg(long)]
    draws_out: Option<PathBuf>,
    /// Stop at the first failed draw instead of recording it.
    #[arg(long)]
    fail_fast: bool,
    /// No progress bar and no closing message.
    #[arg(long)]
    quiet: bool,
    /// Replay one draw: print its parameters and results as JSON.
    #[arg(long, conflicts_with = "shard")]
    replay: Option<u64>,
    /// Output JSON file; with --shard, a directory (existing, or ending
    /// in `/`) receives `shard-<K>-of-<N>.json`.
    #[arg(long, required_unless_present = "replay")]
    out: Option<PathBuf>,
}

fn usage(what: &str, message: impl Into<String>) -> Error {
    Error::invalid(what, message)
}

/// `K/N`, or `slurm` (from the array job's environment).
fn parse_shard(spec: &str) -> Result<(u64, u64), Error> {
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

fn is_dir_target(p: &Path) -> bool {
    p.is_dir() || p.as_os_str().to_string_lossy().ends_with('/')
}

fn outcome_map(names: &[String], values: &[f64]) -> serde_json::Map<String, serde_json::Value> {
    names
        .iter()
        .zip(values)
        .map(|(k, v)| {
            let v = serde_json::Number::from_f64(*v).map_or(serde_json::Value::Null, Into::into);
            (k.clone(), v)
        })
        .collect()
}

fn replay_document(
    run: &monte_carlo::PreparedRun,
    rec: &monte_carlo::DrawRecord,
) -> serde_json::Value {
    use serde_json::{Value, json};
    let meta = &run.meta;
    let lay = &meta.layout;
    let params = monte_carlo::ParameterValues(
        meta.parameters
            .iter()
            .cloned()
            .zip(rec.parameters.iter().copied())
            .collect(),
    );
    let nc = lay.countries().len();
    let (scenarios, failure) = match &rec.outcome {
        Ok(v) => {
            let sc: Vec<Value> = lay
                .scenarios()
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    let countries: Vec<Value> = lay
                        .countries()
                        .iter()
                        .enumerate()
                        .map(|(c, code)| {
                            let mut m = serde_json::Map::new();
                            m.insert("country".into(), json!(code));
                            m.extend(outcome_map(lay.fields(), &v[lay.entity_range(si, c)]));
                            Value::Object(m)
                        })
                        .collect();
                    let unions: Vec<Value> = s
                        .unions
                        .iter()
                        .enumerate()
                        .map(|(u, ul)| {
                            let mut m = serde_json::Map::new();
                            m.insert("name".into(), json!(ul.name));
                            m.insert("members".into(), json!(ul.members));
                            m.extend(outcome_map(lay.fields(), &v[lay.entity_range(si, nc + u)]));
                            Value::Object(m)
                        })
                        .collect();
                    json!({"name": s.name, "countries": countries, "unions": unions})
                })
                .collect();
            (sc, Value::Null)
        }
        Err(fl) => (
            Vec::new(),
            json!({"scenario": fl.scenario, "reason": fl.reason}),
        ),
    };
    json!({
        "draw": rec.draw,
        "seed": meta.seed,
        "sampling": meta.sampling,
        "fingerprint": meta.fingerprint,
        "parameters": serde_json::to_value(&params).unwrap_or(Value::Null),
        "scenarios": scenarios,
        "failure": failure,
    })
}

fn to_json_text(v: &serde_json::Value) -> Result<String, Error> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| Error::invalid("JSON", e.to_string()))
}

fn mc_command(a: McArgs) -> Result<(), Error> {
    if let Some(t) = a.threads {
        monte_carlo::check_threads(t)?;
        // the whole command (draws and summaries) runs on T threads
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .map_err(|e| usage("--threads", e.to_string()))?;
    }
    let mut inputs = vec![a.scenario.clone()];
    inputs.extend(data_files(a.data.as_deref()));
    let outputs: Vec<PathBuf> = a
        .out
        .iter()
        .filter(|o| !is_dir_target(o))
        .chain(a.draws_out.iter())
        .cloned()
        .collect();
    refuse_overwrite(&outputs, &inputs)?;
    let file = load_scenario_file(&a.scenario)?;
    let dataset = dataset_for(&file.set, a.data.as_deref(), a.dataset.as_deref())?;
    let loaded = load(a.data.as_deref(), dataset.as_deref())?;
    let (model, treatment) = model_and_treatment(a.model, a.domestic);
    let overrides = mc_files::Overrides {
        draws: a.draws,
        seed: a.seed,
    };
    let run = mc_files::prepare_run(&loaded, &file, overrides, model, treatment)?;
    if let Some(k) = a.replay {
        let rec = run.mc.replay_draw(k)?;
        let text = to_json_text(&replay_document(&run, &rec))?;
        if let Some(out) = &a.out {
            write_file(out, &text)?;
        }
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return Ok(());
    }
    let Some(out) = a.out else {
        return Err(usage("mc", "--out is required"));
    };
    let shard = a.shard.as_deref().map(parse_shard).transpose()?;
    let draws = run.mc.draws();
    let (start, end) = match shard {
        Some((k, n)) => monte_carlo::shard_range(k, n, draws),
        None => (0, draws),
    };
    let mut plan = match shard {
        Some(_) => monte_carlo::OutputPlan::shard(),
        None => monte_carlo::OutputPlan::summary(rayon::current_num_threads()),
    };
    if a.draws_out.is_some() {
        plan = plan.with_draws_csv();
    }
    run.mc.check_memory(start, end, &plan)?;
    let bar = if !a.quiet && std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new(end - start);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} draws ({per_sec}, eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(pb)
    } else {
        None
    };
    let inc = |n: u64| {
        if let Some(pb) = &bar {
            pb.inc(n);
        }
    };
    let ctl = monte_carlo::RunControl {
        threads: None,
        fail_fast: a.fail_fast,
        progress: bar.as_ref().map(|_| &inc as &(dyn Fn(u64) + Sync)),
    };
    let block = run.mc.run_range(start, end, &ctl)?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let failed = block.failures.len();
    let csv_text = match &a.draws_out {
        Some(_) => {
            let mut buf = Vec::new();
            monte_carlo::write_draws_csv(&run, &block, &mut buf)?;
            Some(String::from_utf8_lossy(&buf).into_owned())
        }
        None => None,
    };
    let (path, text) = match shard {
        Some((k, n)) => {
            let doc = monte_carlo::ShardDocument::new(run.meta.clone(), k, n, &block)?;
            let path = if is_dir_target(&out) {
                out.join(monte_carlo::shard_file_name(k, n))
            } else {
                out.clone()
            };
            (path, doc.to_json()?)
        }
        None => {
            if is_dir_target(&out) {
                return Err(usage(
                    "--out",
                    format!(
                        "{} is a directory: give a file name (directories are for --shard)",
                        out.display()
                    ),
                ));
            }
            let summary = run.summarize(block)?;
            if !a.quiet {
                // a closed pipe (`| head`) is no error of the run's
                let _ = std::io::stdout()
                    .lock()
                    .write_all(customs_union::report::mc_table(&summary).as_bytes());
            }
            (out.clone(), summary.to_json()?)
        }
    };
    write_file(&path, &text)?;
    if let (Some(csv_path), Some(csv_text)) = (&a.draws_out, &csv_text) {
        write_file(csv_path, csv_text)?;
    }
    if !a.quiet {
        println!(
            "{} draws ({}..{} of {draws}), {failed} failed; written to {}",
            end - start,
            start,
            end,
            path.display()
        );
    }
    Ok(())
}

fn merge_command(inputs: &[PathBuf], out: &Path) -> Result<(), Error> {
    let files = mc_files::shard_files(inputs)?;
    refuse_overwrite(&[out.to_path_buf()], &files)?;
    let docs = mc_files::read_shards(&files)?;
    let (meta, block) = monte_carlo::merge_shards(&docs)?;
    let failed = block.failures.len();
    let text = monte_carlo::summarize(&meta, block)?.to_json()?;
    write_file(out, &text)?;
    println!(
        "merged {} shards ({} draws, {} failed) into {}",
        docs.len(),
        meta.draws,
        failed,
        out.display()
    );
    Ok(())
}

fn report_command(result: &Path, out: &Path, country: Option<String>) -> Result<(), Error> {
    refuse_overwrite(&[out.to_path_buf()], &[result.to_path_buf()])?;
    let name = result.display().to_string();
    let text = std::fs::read_to_string(result).map_err(|e| Error::io(name.clone(), e))?;
    let mut options = customs_union::report::html::ReportOptions::new().source(name.clone());
    if let Some(c) = country {
        options = options.country(c);
    }
    // a document that is not a result is this file's fault: name it
    let html = customs_union::report::html::render(&text, &options).map_err(|e| match e {
        Error::Invalid { what, message } if what == "report input" => {
            Error::io_message(name.clone(), message)
        }
        e => e,
    })?;
    write_file(out, &html)?;
    println!("report of {name} written to {}", out.display());
    Ok(())
}

/// `text` with control characters (other than newlines) escaped, so that a
/// value echoed from an input file cannot move the cursor or ring the bell.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

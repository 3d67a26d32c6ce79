//! `customs-union`: a thin command line over the library.
//!
//! ```text
//! customs-union run [--data DIR] --scenario FILE [--model armington|gsim-linear|smart]
//!                   [--domestic nested|as-import-source] [--decompose] [--out FILE.json]
//! customs-union validate [--data DIR]
//! customs-union export-data DIR
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::{LoadedData, json, load_data_dir, load_scenario_file};
use customs_union::results::{ModelVariant, RunOptions, run_scenario};
use customs_union::{DomesticTreatment, Error};

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
        /// Treatment of domestic sales (gsim-linear implies as-import-source).
        #[arg(long, value_enum, default_value = "nested")]
        domestic: DomesticArg,
        /// Shapley decomposition over each scenario's components.
        #[arg(long)]
        decompose: bool,
        /// Write the JSON results here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the JSON document on stdout instead of the table.
        #[arg(long)]
        json: bool,
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

fn load(data: Option<&Path>, dataset: Option<&str>) -> Result<LoadedData, Error> {
    match data {
        Some(d) => load_data_dir(d),
        None => embedded(dataset)?.load(),
    }
}

fn write_file(path: &Path, body: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::Io {
            file: parent.display().to_string(),
            message: e.to_string(),
        })?;
    }
    std::fs::write(path, body).map_err(|e| Error::Io {
        file: path.display().to_string(),
        message: e.to_string(),
    })
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
            json: as_json,
        } => {
            let loaded = load(data.as_deref(), dataset.as_deref())?;
            let model = match model {
                ModelArg::Armington => ModelVariant::Armington,
                ModelArg::GsimLinear => ModelVariant::GsimLinear,
                ModelArg::Smart => ModelVariant::Smart,
            };
            let treatment = match domestic {
                DomesticArg::Nested => DomesticTreatment::Nested,
                DomesticArg::AsImportSource => DomesticTreatment::AsImportSource,
            };
            let file = load_scenario_file(&scenario)?;
            let opts = RunOptions {
                model,
                treatment,
                solver: file.set.solver,
                decompose,
            };
            if opts.effective_treatment() == DomesticTreatment::Nested {
                if let Some(e) = loaded.diagonal_rows.first() {
                    return Err(e.clone());
                }
            }
            let compiled = file
                .set
                .compile(&loaded.dataset, opts.effective_treatment())?;
            let mut results = Vec::with_capacity(compiled.len());
            for cs in &compiled {
                results.push(run_scenario(&loaded.dataset, cs, &opts)?);
            }
            let mut warnings = loaded.warnings.clone();
            for r in &results {
                for w in &r.warnings {
                    let w = format!("scenario {}: {w}", r.name);
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
            }
            let doc = json::run_document(&loaded.dataset, &results, &opts, &warnings);
            let text = serde_json::to_string_pretty(&doc).map_err(|e| Error::Io {
                file: "json".into(),
                message: e.to_string(),
            })? + "\n";
            if let Some(out) = &out {
                write_file(out, &text)?;
            }
            let mut stdout = std::io::stdout().lock();
            if as_json {
                let _ = stdout.write_all(text.as_bytes());
            } else {
                let _ = stdout
                    .write_all(customs_union::report::table(&loaded.dataset, &results).as_bytes());
                for w in &warnings {
                    let _ = writeln!(stdout, "warning: {w}");
                }
                if let Some(out) = &out {
                    let _ = writeln!(stdout, "results written to {}", out.display());
                }
            }
            Ok(())
        }
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
                println!("note: {e} (fine under --domestic as-import-source)");
            }
            for w in &loaded.warnings {
                println!("warning: {w}");
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

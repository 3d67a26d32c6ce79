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
//! customs-union validate [--data DIR]
//! customs-union export-data DIR
//! ```

mod args;
mod files;
mod mc;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use customs_union::prelude::*;

use args::{DataArgs, DomesticArg, McArgs, ModelArg, model_and_treatment};
use files::{
    data_files, dataset, dataset_for, embedded, load, printable, refuse_csv_name, refuse_overwrite,
    write_file,
};
use mc::{mc_command, merge_command};

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

#[derive(Subcommand)]
enum Command {
    /// Solve every scenario of a file and report welfare, trade and tariffs.
    Run {
        /// Where the data comes from.
        #[command(flatten)]
        source: DataArgs,
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
    /// Check a data directory (or the embedded dataset) and summarise it.
    Validate {
        /// Where the data comes from.
        #[command(flatten)]
        source: DataArgs,
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

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run {
            source: DataArgs { data, dataset },
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
        Command::Validate {
            source: DataArgs { data, dataset },
        } => {
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

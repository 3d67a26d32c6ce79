//! `customs-union`: a thin command line over the library.
//!
//! ```text
//! customs-union run [--data DIR] --scenario FILE [--model armington|gsim-linear|smart]
//!                   [--domestic nested|as-import-source] [--decompose] [--out FILE.json]
//!                   [--csv DIR] [--json] [--no-flows]
//! customs-union mc [--data DIR | --dataset NAME] --scenario FILE [--draws N] [--seed S] [--threads T]
//!                  [--domestic nested|as-import-source] [--model armington]
//!                  [--shard K/N | --shard slurm] [--draws-out FILE.csv] [--csv DIR] [--fail-fast] [--quiet]
//!                  (--out FILE.json | --out DIR/ | --replay K)
//! customs-union merge SHARD.json|DIR... --out FILE.json
//! customs-union report RESULT.json --out REPORT.html [--country CODE]
//! customs-union validate [--data DIR]
//! customs-union export-data DIR
//! ```

/// Prints a line on stdout; a closed pipe (`| head`) is no error of the command's.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod args;
mod files;
mod mc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use customs_union::prelude::*;

use args::{DataArgs, DomesticArg, McArgs, ModelArg, model_and_treatment};
use files::{
    data_files, embedded, load, printable, refuse_csv_name, refuse_overwrite,
    scenarios_and_dataset, write_file,
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
        /// Leave the bilateral flows out of the JSON (--out, --json): at the
        /// tariff line they are most of the document. --csv still writes
        /// them; the report then shows each country's total imports.
        #[arg(long)]
        no_flows: bool,
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
            no_flows,
        } => {
            if let Some(o) = &out {
                refuse_csv_name(o)?;
            }
            let mut inputs = vec![scenario.clone()];
            inputs.extend(data_files(data.as_deref()));
            let outputs: Vec<PathBuf> = out.iter().chain(csv.iter()).cloned().collect();
            refuse_overwrite(&outputs, &inputs)?;
            let (set, data) =
                scenarios_and_dataset(&scenario, data.as_deref(), dataset.as_deref())?;
            let (model, treatment) = model_and_treatment(model, domestic);
            let mut sim = Simulation::new(&data).model(model).decompose(decompose);
            if let Some(t) = treatment {
                sim = sim.treatment(t);
            }
            let results = sim.run(&set)?;
            for w in results.warnings() {
                eprintln!("warning: {}", printable(w));
            }
            // the document is written as it is serialised, never held whole
            if let Some(out) = &out {
                customs_union::io::atomic::write_streamed(out, |w| {
                    results.write_json(w, !no_flows)
                })?;
            }
            if let Some(dir) = &csv {
                results.write_csv(dir)?;
            }
            let mut stdout = std::io::stdout().lock();
            if as_json {
                let mut w = std::io::BufWriter::new(&mut stdout);
                let _ = results
                    .write_json(&mut w, !no_flows)
                    .and_then(|()| w.flush());
            } else {
                let _ = stdout.write_all(customs_union::report::table(&results).as_bytes());

                if let Some(out) = &out {
                    let _ = writeln!(stdout, "results written to {}", out.display());
                }
                if let Some(dir) = &csv {
                    let _ = writeln!(stdout, "CSV files written to {}", dir.display());
                }
            }
            // the process ends here: the system takes back the results and
            // the data whole, faster than they are freed piece by piece
            std::mem::forget(results);
            std::mem::forget(data);
            Ok(())
        }
        Command::Mc(args) => mc_command(args),
        Command::Merge { shards, out } => merge_command(&shards, &out),
        Command::Report {
            result,
            out,
            country,
        } => report_command(&result, &out, country),
        Command::Validate {
            source: DataArgs { data, dataset },
        } => {
            let loaded = load(data.as_deref(), dataset.as_deref())?;
            let d = &loaded.dataset;
            say!(
                "ok: {} countries, {} sectors, {} nonzero flows",
                d.n_countries(),
                d.sectors().len(),
                d.markets()
                    .iter()
                    .map(|m| m.flows().as_slice().iter().filter(|v| **v > 0.0).count())
                    .sum::<usize>()
            );
            for e in &loaded.diagonal_rows {
                say!(
                    "note: {} (fine under --domestic as-import-source)",
                    printable(&e.to_string())
                );
            }
            for w in &loaded.warnings {
                say!("warning: {}", printable(w));
            }
            Ok(())
        }
        Command::ExportData { dir, dataset } => {
            let d = embedded(dataset.as_deref())?;
            d.export(&dir)?;
            say!(
                "wrote the embedded `{}` dataset to {}",
                d.name(),
                dir.display()
            );
            Ok(())
        }
    }
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
    say!("report of {name} written to {}", out.display());
    Ok(())
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

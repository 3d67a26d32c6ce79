//! Shared helpers of the example binaries: loading a bundled scenario file,
//! running it, and saving the library's SVG charts.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::parse_scenario_file;
use customs_union::report::chart::Figure;
use customs_union::{Dataset, ScenarioResult, Simulation};

/// Runs every scenario of `toml` (named `file` in errors) on an embedded dataset.
pub fn run_file(
    dataset: EmbeddedDataset,
    toml: &str,
    file: &str,
    decompose: bool,
) -> Result<(Dataset, Vec<ScenarioResult>), customs_union::Error> {
    let data = dataset.load()?.dataset;
    let parsed = parse_scenario_file(toml, file)?;
    let results = Simulation::new(&data)
        .decompose(decompose)
        .run(&parsed.set)?;
    Ok((data, results.scenarios))
}

/// The output folder of an example: `$CU_OUT` or `out/<name>`, created.
pub fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::var_os("CU_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("out").join(name));
    std::fs::create_dir_all(&dir).expect("the output folder can be created");
    dir
}

/// Index of a country code in the dataset.
pub fn idx(data: &Dataset, code: &str) -> usize {
    data.country_id(code).expect("code in the dataset").0
}

/// Imports of `importer` from each origin, summed over sectors: (baseline, counterfactual).
pub fn imports_by_origin(
    data: &Dataset,
    r: &ScenarioResult,
    importer: &str,
) -> Vec<(String, f64, f64)> {
    let mut out: Vec<(String, f64, f64)> = data
        .countries()
        .iter()
        .filter(|c| c.code != importer)
        .map(|c| (c.code.clone(), 0.0, 0.0))
        .collect();
    for s in &r.sectors {
        for f in s
            .flows
            .iter()
            .filter(|f| f.importer == importer && f.exporter != importer)
        {
            if let Some(e) = out.iter_mut().find(|e| e.0 == f.exporter) {
                e.1 += f.baseline;
                e.2 += f.counterfactual;
            }
        }
    }
    out
}

/// Writes a chart as a standalone SVG file.
pub fn save(path: &Path, figure: &Figure) -> std::io::Result<()> {
    std::fs::write(path, figure.to_svg())
}

/// Prints one line per quota of a result: volume, what flows, regime, rent
/// rate and rent with its holder (volumes and rent in the data's units).
pub fn print_quotas(r: &ScenarioResult) {
    for q in r.quotas() {
        println!(
            "  quota {}<-{} {}: volume {:.1}, filled {:.1} ({}), rent rate {:.1}%, rent {:.1} to the {}",
            q.importer,
            q.exporter,
            q.sector,
            q.volume,
            q.counterfactual,
            q.regime.name(),
            100.0 * q.rent_rate,
            q.rent,
            q.holder.name()
        );
    }
}

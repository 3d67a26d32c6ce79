//! Shared helpers of the example binaries: loading a bundled scenario file,
//! running it, and drawing SVG charts with plotters.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::parse_scenario_file;
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

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// A grouped bar chart: one group per label, one bar per series.
pub fn bar_chart(
    path: &Path,
    title: &str,
    y_label: &str,
    labels: &[String],
    series: &[(String, Vec<f64>)],
) -> Result<(), Box<dyn std::error::Error>> {
    let lo = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .fold(0.0f64, f64::min);
    let hi = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .fold(0.0f64, f64::max);
    let pad = 0.08 * (hi - lo).max(1e-9);
    let root = SVGBackend::new(path, (900, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let groups = labels.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..groups as f64 - 0.5, (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        })
        .y_desc(y_label)
        .draw()?;
    let k = series.len().max(1) as f64;
    let width = 0.8 / k;
    for (si, (name, values)) in series.iter().enumerate() {
        let color = COLORS[si % COLORS.len()];
        chart
            .draw_series(values.iter().enumerate().map(|(g, &v)| {
                let x0 = g as f64 - 0.4 + si as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width * 0.95, v)], color.filled())
            }))?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperMiddle)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

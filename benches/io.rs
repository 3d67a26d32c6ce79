//! Load and run a data directory with thousands of sectors (HS6-like detail):
//! the embedded 2009 markets replicated with perturbed flows into 2,000
//! sectors, written as CSV, then loaded, validated and solved under the CET.
//!
//! `cargo bench --bench io`

use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write as _;
use std::hint::black_box;

use customs_union::Simulation;
use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::{load_data_dir, parse_scenario_file};

const SECTORS: usize = 2000;

fn write_dir(dir: &std::path::Path) {
    let data = EmbeddedDataset::Eaeu2009.load().expect("embedded").dataset;
    let codes: Vec<&str> = data.countries().iter().map(|c| c.code.as_str()).collect();
    let mut countries = String::from("code,name\n");
    for c in data.countries() {
        let _ = writeln!(countries, "{},{}", c.code, c.code);
    }
    let (mut sectors, mut flows, mut tariffs) = (
        String::from("code,name,sigma_m,sigma_d,eta,epsilon\n"),
        String::from("sector,exporter,importer,value\n"),
        String::from("sector,exporter,importer,rate\n"),
    );
    let mut supply = String::from("sector,country,epsilon\n");
    for s in 0..SECTORS {
        let base = s % data.sectors().len();
        let sec = &data.sectors()[base];
        let m = &data.markets()[base];
        let code = format!("S{s:05}");
        let e = sec.elasticities;
        let _ = writeln!(
            sectors,
            "{code},{code},{},{},{},2",
            e.sigma_import, e.sigma_domestic, e.demand
        );
        let _ = writeln!(supply, "{code},ROW,inf");
        let k = 1.0 + 0.5 * ((s as f64) * 0.37).sin();
        for i in 0..codes.len() {
            for j in 0..codes.len() {
                let x = m.flows().get(i, j);
                if x > 0.0 {
                    let _ = writeln!(
                        flows,
                        "{code},{},{},{}",
                        codes[i],
                        codes[j],
                        x * k / SECTORS as f64 * 8.0
                    );
                }
                let t = m.tariffs().get(i, j);
                if t != 0.0 {
                    let _ = writeln!(tariffs, "{code},{},{},{}", codes[i], codes[j], t);
                }
            }
        }
    }
    for (name, body) in [
        ("countries.csv", countries),
        ("sectors.csv", sectors),
        ("flows.csv", flows),
        ("tariffs.csv", tariffs),
        ("supply.csv", supply),
    ] {
        std::fs::write(dir.join(name), body).expect("writable temp dir");
    }
}

fn load_and_run(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_dir(dir.path());
    let file = parse_scenario_file(
        "[[scenario]]\nname = \"cet\"\n[[scenario.union]]\nname = \"CU\"\nmembers = [\"KAZ\", \"RUS\", \"BLR\"]\ncet = { rule = \"adopt\", country = \"RUS\" }\n",
        "bench.toml",
    )
    .expect("scenario");
    let mut g = c.benchmark_group("data_dir_2000_sectors");
    g.sample_size(10);
    g.bench_function("load", |b| {
        b.iter(|| {
            black_box(
                load_data_dir(dir.path())
                    .expect("loads")
                    .dataset
                    .sectors()
                    .len(),
            )
        })
    });
    let data = load_data_dir(dir.path()).expect("loads").dataset;
    let sim = Simulation::new(&data);
    g.bench_function("run_cet", |b| {
        b.iter(|| {
            black_box(
                sim.run(&file.set).expect("solves").scenarios[0]
                    .totals
                    .len(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, load_and_run);
criterion_main!(benches);

//! Tariff-line scale end to end, at a size CI can afford: synthetic data of
//! 20 countries × 400 lines (sparse flows, applied rates for every pair),
//! loaded, compiled and run under one customs union with a CET, with 400
//! bilateral line-level changes, and along a 300-link `extends` chain; the
//! JSON written through the streaming writer into a sink. The chain runs
//! on 5 countries × 2 lines, so that compiling it is what is timed.
//!
//! `cargo bench --bench tariff_line`. The full-size figures (30 × 5,000,
//! 100 × 16 with 3,200 changes, a 3,000-link chain) are measured on the
//! command line with data from `cargo run --release --example
//! tariff_line_data` (docs/performance.md, "Tariff-line scale").

#[allow(dead_code)]
#[path = "../examples/tariff_line_data/generate.rs"]
mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use customs_union::Simulation;
use customs_union::io::{load_data_dir, load_scenario_file};

fn tariff_line(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sizes = generate::Sizes {
        countries: 20,
        sectors: 400,
        changes: 400,
        chain: 300,
        ..generate::Sizes::default()
    };
    generate::write(dir.path(), &sizes).expect("writable temp dir");
    // the chain on data small enough that its 300 policies stay small
    let small = tempfile::tempdir().expect("temp dir");
    let chain_sizes = generate::Sizes {
        countries: 5,
        sectors: 2,
        members: 2,
        changes: 1,
        chain: 300,
        ..generate::Sizes::default()
    };
    generate::write(small.path(), &chain_sizes).expect("writable temp dir");
    let scenario = |name: &str| load_scenario_file(&dir.path().join(name)).expect("scenario");
    let (union, changes) = (scenario("union.toml"), scenario("changes.toml"));
    let chain = load_scenario_file(&small.path().join("chain.toml")).expect("scenario");
    let chain_data = load_data_dir(&small.path().join("data"))
        .expect("loads")
        .dataset;
    let data_dir = dir.path().join("data");
    let mut g = c.benchmark_group("tariff_line_20x400");
    g.sample_size(10);
    g.bench_function("load", |b| {
        b.iter(|| {
            black_box(
                load_data_dir(&data_dir)
                    .expect("loads")
                    .dataset
                    .sectors()
                    .len(),
            )
        })
    });
    let data = load_data_dir(&data_dir).expect("loads").dataset;
    let sim = Simulation::new(&data);
    g.bench_function("compile_400_changes", |b| {
        b.iter(|| black_box(sim.policies(&changes.set).expect("compiles").len()))
    });
    let chain_sim = Simulation::new(&chain_data);
    g.bench_function("compile_300_link_chain", |b| {
        b.iter(|| black_box(chain_sim.policies(&chain.set).expect("compiles").len()))
    });
    g.bench_function("run_union_and_write_json", |b| {
        b.iter(|| {
            let results = sim.run(&union.set).expect("solves");
            results
                .write_json(&mut std::io::sink(), true)
                .expect("writes");
            black_box(results.scenarios.len())
        })
    });
    g.finish();
}

criterion_group!(benches, tariff_line);
criterion_main!(benches);

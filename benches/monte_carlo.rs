//! Monte Carlo draws per second on the embedded 2009 dataset (7 regions × 8
//! sectors), one scenario (the 2010 CET with pooling), 1 and 2 threads.
//!
//! `cargo bench --bench monte_carlo`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use customs_union::ModelVariant;
use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::mc_files::{Overrides, prepare_run};
use customs_union::io::parse_scenario_file;
use customs_union::monte_carlo::RunControl;

const SCENARIO: &str = r#"
[[scenario]]
name = "cet-2010-pooled"
[[scenario.union]]
name = "CU"
members = ["KAZ", "RUS", "BLR"]
cet = { rule = "adopt", country = "RUS" }
revenue_sharing = { RUS = 0.8797, KAZ = 0.0733, BLR = 0.0470 }

[montecarlo]
draws = 4000
seed = 1
[[montecarlo.vary]]
param = "sigma_m"
sector = "*"
mode = "scale"
link = "rule-of-two"
dist = { kind = "triangular", low = 0.7, mode = 1.0, high = 1.3 }
[[montecarlo.vary]]
param = "eta"
sector = "*"
mode = "set"
dist = { kind = "uniform", low = 0.5, high = 1.5 }
[[montecarlo.vary]]
param = "epsilon"
sector = "*"
country = "*"
mode = "scale"
dist = { kind = "lognormal", mu = 0.0, sigma = 0.47 }
"#;

fn draws(c: &mut Criterion) {
    let loaded = EmbeddedDataset::Eaeu2009.load().expect("embedded data");
    let file = parse_scenario_file(SCENARIO, "bench.toml").expect("scenario");
    let model = ModelVariant::Armington;
    let run = prepare_run(&loaded, &file, Overrides::default(), model, None).expect("prepared");
    let n = run.mc.draws();
    let mut g = c.benchmark_group("monte_carlo_eaeu2009");
    g.throughput(Throughput::Elements(n));
    g.sample_size(20);
    for threads in [1usize, 2] {
        g.bench_with_input(BenchmarkId::new("draws", threads), &threads, |b, &t| {
            let ctl = RunControl {
                threads: Some(t),
                ..RunControl::default()
            };
            b.iter(|| black_box(run.mc.run(&ctl).expect("runs").values.len()))
        });
    }
    g.finish();
}

criterion_group!(benches, draws);
criterion_main!(benches);

//! The library in twenty lines: load the embedded 2009 dataset, form the
//! customs union with Russia's tariff as the common external tariff and
//! pooled duties, solve, and print each member's welfare change.
//!
//! Expected output: Kazakhstan loses, Russia gains (US$ million).
//!
//! `cargo run --release --example library_quickstart`

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::policy::{CetRule, CustomsUnion};
use customs_union::results::{RunOptions, run_scenario};
use customs_union::scenario::{Scenario, ScenarioSet};

fn main() -> Result<(), customs_union::Error> {
    let data = EmbeddedDataset::Eaeu2009.load()?.dataset;
    let union = CustomsUnion::new(
        "CU",
        &["KAZ", "RUS", "BLR"],
        CetRule::Adopt {
            country: "RUS".into(),
        },
    )
    .with_pooling(&[("RUS", 0.8797), ("KAZ", 0.0733), ("BLR", 0.0470)]);
    let set = ScenarioSet::new(vec![Scenario::new("cet-2010").with_union(union)]);
    let opts = RunOptions::default();
    for scenario in set.compile(&data, opts.effective_treatment())? {
        let result = run_scenario(&data, &scenario, &opts)?;
        for (country, total) in data.countries().iter().zip(&result.totals) {
            println!(
                "{:<5} welfare {:>9.1}  trade creation {:>8.1}  diversion {:>8.1}",
                country.code, total.welfare, total.trade_creation, total.trade_diversion
            );
        }
    }
    Ok(())
}

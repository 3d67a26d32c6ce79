//! The library in twenty lines: load the embedded 2009 dataset, form the
//! customs union with Russia's tariff as the common external tariff and
//! pooled duties, solve, and print each member's welfare change.
//!
//! Expected output: Kazakhstan loses, Russia gains (US$ million).
//!
//! `cargo run --release --example library_quickstart`

use customs_union::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = Dataset::embedded("eaeu2009")?;
    let union = CustomsUnion::new(
        "CU",
        &["KAZ", "RUS", "BLR"],
        CetRule::Adopt {
            country: "RUS".into(),
        },
    )
    .with_pooling(&[("RUS", 0.8797), ("KAZ", 0.0733), ("BLR", 0.0470)]);
    let set = ScenarioSet::new(vec![Scenario::new("cet-2010").with_union(union)]);
    for result in Simulation::new(&data).run(&set)?.iter() {
        for total in &result.totals {
            println!(
                "{:<5} welfare {:>9.1}  trade creation {:>8.1}  diversion {:>8.1}",
                total.country, total.welfare, total.trade_creation, total.trade_diversion
            );
        }
    }
    Ok(())
}

//! Who pays for a tariff-rate quota on meat under the common external
//! tariff, and who collects its rent?
//!
//! On the embedded 2009 dataset (`eaeu2009`) this runs
//! `scenarios/eaeu_meat_trq.toml`: the 2010 CET (Kazakhstan and Belarus adopt
//! Russia's schedule), then Russia's tariff-rate quotas on agri-food imports
//! from the EU and the rest of the world (in-quota 15%, out-of-quota 50%,
//! volumes at 80% of 2009 imports; the AGF sector stands in for meat and
//! poultry — labelled assumptions, docs/data.md), once with the licences held
//! by Russian importers and once allocated to the exporters' suppliers.
//!
//! Expected output: each quota is filled and imports beyond it pay the
//! out-of-quota rate (regime `over`) or stop at the quota (`at`); Russian
//! consumers pay more for agri-food; with licences at home Russia keeps the
//! rent and its welfare loss is smaller; allocated to exporters, the rent
//! moves to the EU and the rest of the world and Russia's loss grows by it.
//! Charts in `out/eaeu_meat_trq/`.
//!
//! `cargo run --release --example eaeu_meat_trq`

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::report::chart::{CategoryChart, Series};

#[path = "common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (data, results) = common::run_file(
        EmbeddedDataset::Eaeu2009,
        include_str!("../scenarios/eaeu_meat_trq.toml"),
        "scenarios/eaeu_meat_trq.toml",
        false,
    )?;
    println!(
        "A tariff-rate quota on Russia's agri-food imports under the CET (US$ million, 2009 data)\n"
    );
    for r in &results {
        println!("{}: {}", r.name, r.description);
        println!(
            "  {:<5} {:>9} {:>10} {:>10} {:>10} {:>10}",
            "", "", "consumer", "producer", "tariff", "quota"
        );
        println!(
            "  {:<5} {:>9} {:>10} {:>10} {:>10} {:>10}",
            "", "welfare", "surplus", "surplus", "revenue", "rent"
        );
        for o in &r.totals {
            println!(
                "  {:<5} {:>9.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
                o.country,
                o.welfare,
                o.consumer_surplus,
                o.producer_surplus,
                o.tariff_revenue,
                o.quota_rent
            );
        }
        common::print_quotas(r);
        println!();
    }
    let dir = common::out_dir("eaeu_meat_trq");
    let labels: Vec<String> = data.countries().iter().map(|c| c.code.clone()).collect();
    let mut chart = CategoryChart::new(
        "Welfare under the CET, with and without Russia's agri-food TRQ",
        "US$ million per year, change from the 2009 baseline",
        labels.clone(),
    )
    .subtitle("TRQ rates and volumes are assumptions; AGF stands in for meat.");
    for r in &results {
        chart = chart.series(Series::bars(
            r.name.as_str(),
            r.totals.iter().map(|o| o.welfare).collect(),
        ));
    }
    common::save(&dir.join("welfare.svg"), &chart.figure())?;
    let mut rent = CategoryChart::new(
        "Who collects the quota rent",
        "US$ million per year, change from the 2009 baseline",
        labels,
    );
    for r in &results[1..] {
        rent = rent.series(Series::bars(
            r.name.as_str(),
            r.totals.iter().map(|o| o.quota_rent).collect(),
        ));
    }
    common::save(&dir.join("quota_rent.svg"), &rent.figure())?;
    println!("charts written to {}", dir.display());
    Ok(())
}

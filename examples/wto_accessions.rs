//! How much of the customs union's trade diversion do the WTO accessions of
//! Russia (2012) and Kazakhstan (2015) undo?
//!
//! Russia's WTO commitments cut its applied tariff, and with it the common
//! external tariff, from 11.5% to 7.9% (simple average) by 2020; Kazakhstan's
//! 2015 accession bound about 3,500 lines below the CET (6.1% average). On the
//! embedded 2009 dataset this runs `scenarios/wto_accessions.toml`: the 2010
//! CET with pooling, then the CET on Russia's WTO path, then Kazakhstan's
//! bound rates as exceptions.
//!
//! Expected output: Kazakhstan's average external tariff falls back from about
//! 11% to 7.9% and then to its bound 6.1%; the trade diverted to Russia
//! shrinks by about half with Russia's cuts and by about three quarters with
//! Kazakhstan's own; Kazakhstan's welfare loss turns into a small gain. Charts
//! in `out/wto_accessions/`.
//!
//! `cargo run --release --example wto_accessions`

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::report::chart::{CategoryChart, Series};

#[path = "common/mod.rs"]
mod common;

/// Readable names of the file's three cumulative stages, in file order.
const STAGES: [&str; 3] = [
    "2010: CET with pooled duties",
    "2012: + Russia's WTO tariff cuts",
    "2015: + Kazakhstan's WTO bound rates",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (data, results) = common::run_file(
        EmbeddedDataset::Eaeu2009,
        include_str!("../scenarios/wto_accessions.toml"),
        "scenarios/wto_accessions.toml",
        false,
    )?;
    let kaz = common::idx(&data, "KAZ");
    let diverted0 = results[0].totals[kaz].trade_diversion;
    println!("Kazakhstan after the WTO accessions (changes from 2009, US$ million)\n");
    println!(
        "{:<22} {:>8} {:>8} {:>9} {:>10} {:>10} {:>9}",
        "stage", "simple", "weighted", "welfare", "diversion", "reversed", "imports"
    );
    for r in &results {
        let o = &r.totals[kaz];
        let a = r.unions[0]
            .article_xxiv_members
            .iter()
            .find(|m| m.country == "KAZ")
            .map(|m| m.averages)
            .unwrap_or_default();
        println!(
            "{:<22} {:>7.2}% {:>7.2}% {:>9.1} {:>10.1} {:>9.0}% {:>9.1}",
            r.name,
            100.0 * a.simple_after,
            100.0 * a.weighted_after,
            o.welfare,
            o.trade_diversion,
            100.0 * (1.0 - o.trade_diversion / diverted0),
            o.imports_counterfactual - o.imports_baseline
        );
    }
    println!(
        "\n(2009 baseline: simple {:.2}%, weighted {:.2}%; `reversed` is the share of the CET's diversion undone)",
        100.0
            * results[0].unions[0].article_xxiv_members[0]
                .averages
                .simple_before,
        100.0
            * results[0].unions[0].article_xxiv_members[0]
                .averages
                .weighted_before
    );
    let dir = common::out_dir("wto_accessions");
    let origins = common::imports_by_origin(&data, &results[0], "KAZ");
    let labels: Vec<String> = origins.iter().map(|e| e.0.clone()).collect();
    let mut chart = CategoryChart::new(
        "Kazakhstan's imports by origin: the 2009 baseline, the CET and the WTO stages",
        "US$ million per year, volumes at 2009 prices (all 8 sectors)",
        labels,
    )
    .subtitle("Each stage includes the ones before it.")
    .series(Series::bars("2009 baseline", origins.iter().map(|e| e.1).collect()).baseline());
    for (r, label) in results.iter().zip(STAGES) {
        let o = common::imports_by_origin(&data, r, "KAZ");
        chart = chart.series(Series::bars(label, o.iter().map(|e| e.2).collect()));
    }
    common::save(&dir.join("kaz_imports_by_origin.svg"), &chart.figure())?;
    println!("charts written to {}", dir.display());
    Ok(())
}

//! What did the 1995 customs union do, stage by stage, and what did
//! Kyrgyzstan's 1996 accession add?
//!
//! On the embedded illustrative 1995 dataset (`kaz1995`: Kazakhstan, Russia,
//! Belarus, Kyrgyzstan, rest of the world; figures from one essay plus
//! labelled assumptions, docs/data.md) this runs `scenarios/cu_1995.toml`:
//! the first stage of 20 January 1995 (mutual tariffs and quantitative limits
//! lifted, external tariffs unified on Russia's, customs control on the
//! Kazakhstan–Russia border lifted in September), the second stage (lower
//! non-tariff costs inside the union) and Kyrgyzstan joining in March 1996.
//!
//! Expected output: every member gains at each stage (internal liberalisation
//! and lower border costs outweigh the higher Kazakh external tariff), the rest
//! of the world loses a little, and the accession extends the gains to
//! Kyrgyzstan. Because the data are illustrative, read the signs and the
//! relative sizes, not the levels. Charts in `out/customs_union_1995/`.
//!
//! `cargo run --release --example customs_union_1995`

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::report::chart::{CategoryChart, Series};

#[path = "common/mod.rs"]
mod common;

/// Readable names of the file's three cumulative stages, in file order.
const STAGES: [&str; 3] = [
    "1995: first stage (mutual tariffs lifted, Russia's external tariff)",
    "1995-96: second stage (lower internal border costs)",
    "1996: Kyrgyzstan joins",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (data, results) = common::run_file(
        EmbeddedDataset::Kaz1995,
        include_str!("../scenarios/cu_1995.toml"),
        "scenarios/cu_1995.toml",
        true,
    )?;
    println!("The 1995 customs union, cumulative stages (illustrative data, US$ million)\n");
    for r in &results {
        println!("{}: {}", r.name, r.description);
        println!(
            "  {:<5} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "", "welfare", "cons.surpl", "prod.surpl", "tariff rev", "creation", "diversion"
        );
        for (c, o) in data.countries().iter().zip(&r.totals) {
            println!(
                "  {:<5} {:>9.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
                c.code,
                o.welfare,
                o.consumer_surplus,
                o.producer_surplus,
                o.tariff_revenue,
                o.trade_creation,
                o.trade_diversion
            );
        }
        if let Some(d) = &r.decomposition {
            println!("  by component (welfare):");
            for c in d {
                let parts: Vec<String> = data
                    .countries()
                    .iter()
                    .zip(&c.countries)
                    .map(|(k, o)| format!("{} {:.1}", k.code, o.welfare))
                    .collect();
                println!("    {:<32} {}", c.component, parts.join("  "));
            }
        }
        println!();
    }
    let dir = common::out_dir("customs_union_1995");
    let labels: Vec<String> = data.countries().iter().map(|c| c.code.clone()).collect();
    let mut chart = CategoryChart::new(
        "Welfare by stage of the 1995 union: change from the 1995 baseline",
        "US$ million per year (illustrative data: read signs and relative sizes)",
        labels,
    )
    .subtitle("Each stage includes the ones before it.");
    for (r, label) in results.iter().zip(STAGES) {
        chart = chart.series(Series::bars(
            label,
            r.totals.iter().map(|o| o.welfare).collect(),
        ));
    }
    common::save(&dir.join("welfare_by_stage.svg"), &chart.figure())?;
    let kaz = common::imports_by_origin(&data, &results[0], "KAZ");
    let labels: Vec<String> = kaz.iter().map(|e| e.0.clone()).collect();
    common::save(
        &dir.join("kaz_imports_stage1.svg"),
        &CategoryChart::new(
            "Kazakhstan's imports by origin: the 1995 baseline and the union's first stage",
            "US$ million per year, volumes at 1995 prices (illustrative data)",
            labels,
        )
        .series(Series::bars("1995 baseline", kaz.iter().map(|e| e.1).collect()).baseline())
        .series(Series::bars(STAGES[0], kaz.iter().map(|e| e.2).collect()))
        .figure(),
    )?;
    println!("charts written to {}", dir.display());
    Ok(())
}

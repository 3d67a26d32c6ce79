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

#[path = "common/mod.rs"]
mod common;

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
    let series: Vec<(String, Vec<f64>)> = results
        .iter()
        .map(|r| (r.name.clone(), r.totals.iter().map(|o| o.welfare).collect()))
        .collect();
    common::bar_chart(
        &dir.join("welfare_by_stage.svg"),
        "Welfare by stage of the 1995 union (illustrative data)",
        "US$ million",
        &labels,
        &series,
    )?;
    let kaz = common::imports_by_origin(&data, &results[0], "KAZ");
    let labels: Vec<String> = kaz.iter().map(|e| e.0.clone()).collect();
    common::bar_chart(
        &dir.join("kaz_imports_stage1.svg"),
        "Kazakhstan's imports by origin: 1995 baseline and first stage",
        "US$ million",
        &labels,
        &[
            ("baseline".into(), kaz.iter().map(|e| e.1).collect()),
            ("stage 1".into(), kaz.iter().map(|e| e.2).collect()),
        ],
    )?;
    println!("charts written to {}", dir.display());
    Ok(())
}

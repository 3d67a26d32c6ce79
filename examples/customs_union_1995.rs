//! What did the 1995 customs union do, stage by stage, and what did
//! Kyrgyzstan's 1996 accession add?
//!
//! On the embedded illustrative 1995 dataset (`kaz1995`: Kazakhstan, Russia,
//! Belarus, Kyrgyzstan, rest of the world; figures from one essay plus
//! labelled assumptions, docs/data.md) this runs `scenarios/cu_1995.toml`:
//! the first stage of 20 January 1995 (mutual tariffs and quantitative limits
//! lifted, external tariffs unified on Russia's, customs control on the
//! Kazakhstan–Russia border lifted in September), the second stage (lower
//! non-tariff costs inside the union) and Kyrgyzstan joining in March 1996,
//! and a shortage after the first stage in which Kazakhstan limits its grain
//! sales to its partners (an export quota whose rent its exporters keep).
//! The quantitative limits on mutual trade among Kazakhstan, Russia and
//! Belarus are modelled as baseline quotas: the dataset's 5% stand-in tariffs
//! among the three become quotas binding at the 1995 volumes with a 5% rent
//! premium held by importers (a labelled assumption, docs/data.md), which the
//! union's first stage lifts.
//!
//! Expected output: every member gains at each stage (internal liberalisation
//! and lower border costs outweigh the higher Kazakh external tariff), the rest
//! of the world loses a little, and the accession extends the gains to
//! Kyrgyzstan. In the shortage Russian and Belarusian buyers pay more for
//! grain, Kazakhstan's exporters keep the rent, and Kazakhstan gains at its
//! partners' expense. Because the data are illustrative, read the signs and the
//! relative sizes, not the levels. Charts in `out/customs_union_1995/`.
//!
//! `cargo run --release --example customs_union_1995`

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::parse_scenario_file;
use customs_union::prelude::*;
use customs_union::report::chart::{CategoryChart, Series};

#[path = "common/mod.rs"]
mod common;

/// Readable names of the file's three cumulative stages, in file order.
const STAGES: [&str; 3] = [
    "1995: first stage (mutual quotas lifted, Russia's external tariff)",
    "1995-96: second stage (lower internal border costs)",
    "1996: Kyrgyzstan joins",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = with_mutual_quotas(&EmbeddedDataset::Kaz1995.load()?.dataset)?;
    let set = parse_scenario_file(
        include_str!("../scenarios/cu_1995.toml"),
        "scenarios/cu_1995.toml",
    )?
    .set;
    let results = Simulation::new(&data).decompose(true).run(&set)?.scenarios;
    println!("The 1995 customs union, cumulative stages (illustrative data, US$ million)\n");
    for r in &results {
        println!("{}: {}", r.name, r.description);
        println!(
            "  {:<5} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "", "", "consumer", "producer", "tariff", "quota", "trade", "trade"
        );
        println!(
            "  {:<5} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "", "welfare", "surplus", "surplus", "revenue", "rent", "creation", "diversion"
        );
        for (c, o) in data.countries().iter().zip(&r.totals) {
            println!(
                "  {:<5} {:>9.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
                c.code,
                o.welfare,
                o.consumer_surplus,
                o.producer_surplus,
                o.tariff_revenue,
                o.quota_rent,
                o.trade_creation,
                o.trade_diversion
            );
        }
        common::print_quotas(r);
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
    for (r, label) in results.iter().take(3).zip(STAGES) {
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
    let shortage = &results[3];
    let stage1 = &results[0];
    let change = |field: fn(&CountryResult) -> f64| -> Vec<f64> {
        shortage
            .totals
            .iter()
            .zip(&stage1.totals)
            .map(|(a, b)| field(a) - field(b))
            .collect()
    };
    common::save(
        &dir.join("shortage_who_pays.svg"),
        &CategoryChart::new(
            "Who pays for Kazakhstan's grain export restriction (change from the first stage)",
            "US$ million per year (illustrative data: read signs and relative sizes)",
            data.countries().iter().map(|c| c.code.clone()).collect(),
        )
        .series(Series::bars("welfare", change(|c| c.welfare)))
        .series(Series::bars("quota rent", change(|c| c.quota_rent)))
        .figure(),
    )?;
    println!("charts written to {}", dir.display());
    Ok(())
}

/// Members whose mutual quantitative limits the 1995 union lifted.
const MEMBERS_1995: [&str; 3] = ["KAZ", "RUS", "BLR"];

/// Rent premium of the baseline quotas among the three (assumed: the
/// tariff equivalent of the 5% stand-in duty it replaces; no source gives one).
const QUOTA_PREMIUM_1995: f64 = 0.05;

/// The dataset with the stand-in duties among KAZ, RUS and BLR replaced by
/// baseline quotas of the same price wedge (binding at the 1995 volumes,
/// licences held by importers): the same baseline prices, the limit's rent
/// counted as quota rent rather than duty.
fn with_mutual_quotas(data: &Dataset) -> Result<Dataset, customs_union::Error> {
    let ids: Vec<usize> = MEMBERS_1995.iter().map(|c| common::idx(data, c)).collect();
    let mut markets = Vec::new();
    for m in data.markets() {
        let mut tariffs = m.tariffs().clone();
        let mut quotas = Vec::new();
        for &i in &ids {
            for &j in ids.iter().filter(|&&j| j != i) {
                tariffs.set(i, j, 0.0);
                if m.flows().get(i, j) > 0.0 {
                    quotas.push(BaselineQuota {
                        importer: Some(j),
                        exporter: Some(i),
                        premium: QUOTA_PREMIUM_1995,
                        holder: QuotaHolder::Importer,
                    });
                }
            }
        }
        let n = m.n();
        markets.push(
            Market::new(
                m.flows().clone(),
                tariffs,
                m.ntb().clone(),
                m.supply().to_vec(),
            )?
            .with_mfn((0..n).map(|j| m.mfn(j)).collect())?
            .with_restrictions(None, quotas)?,
        );
    }
    Ok(
        Dataset::new(data.countries().to_vec(), data.sectors().to_vec(), markets)?
            .with_source("kaz1995 with mutual quotas among KAZ, RUS, BLR"),
    )
}

//! The embedded datasets load, and the 2010 CET on the 2009 data does what
//! the union did: Kazakhstan's external tariff roughly doubles to the
//! published averages, imports shift from China and the EU to Russia (trade
//! diversion), and Kazakhstan's welfare falls.

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::{Dataset, ScenarioResult, ScenarioSet, Simulation};

fn cet_2010() -> (Dataset, ScenarioResult) {
    let data = Dataset::embedded("eaeu2009").expect("embedded data");
    let set =
        ScenarioSet::from_toml_str(include_str!("../scenarios/cet_2010.toml"), "cet_2010.toml")
            .expect("scenario file");
    let results = Simulation::new(&data).run(&set).expect("solves");
    let r = results[0].clone();
    assert_eq!(r.name(), "cet-2010");
    (data, r)
}

#[test]
fn every_embedded_dataset_loads_without_warnings() {
    for d in EmbeddedDataset::ALL {
        let loaded = d.load().unwrap_or_else(|e| panic!("{}: {e}", d.name()));
        assert!(
            loaded.warnings.is_empty(),
            "{}: {:?}",
            d.name(),
            loaded.warnings
        );
        assert!(loaded.diagonal_rows.is_empty(), "{}", d.name());
        assert!(loaded.dataset.n_countries() >= 4);
    }
}

#[test]
fn kazakhstan_average_tariffs_match_the_published_figures() {
    let (_, r) = cet_2010();
    let kaz = r.unions[0]
        .article_xxiv_members
        .iter()
        .find(|m| m.country == "KAZ")
        .expect("KAZ is a member")
        .averages;
    // World Bank (2012): 6.7% -> 11.1% simple, 5.3% -> 9.5% trade-weighted; bar: 0.3 points
    for (got, want) in [
        (kaz.simple_before, 0.067),
        (kaz.simple_after, 0.111),
        (kaz.weighted_before, 0.053),
        (kaz.weighted_after, 0.095),
    ] {
        assert!((got - want).abs() < 0.003, "got {got}, published {want}");
    }
}

#[test]
fn the_cet_alone_diverts_kazakh_imports_to_russia_and_costs_kazakhstan() {
    let (data, r) = cet_2010();
    let k = data.country_id("KAZ").expect("KAZ").0;
    let kaz = &r.totals[k];
    assert!(kaz.welfare < 0.0, "welfare {}", kaz.welfare);
    assert!(kaz.trade_diversion > 0.0);
    let from = |origin: &str| -> (f64, f64) {
        r.sectors
            .iter()
            .flat_map(|s| s.flows.iter())
            .filter(|f| f.importer == "KAZ" && f.exporter == origin)
            .fold((0.0, 0.0), |(b, c), f| {
                (b + f.baseline, c + f.counterfactual)
            })
    };
    let (rus0, rus1) = from("RUS");
    assert!(rus1 > rus0, "imports from Russia {rus0} -> {rus1}");
    for outsider in ["CHN", "EU27"] {
        let (b, c) = from(outsider);
        assert!(c < b, "imports from {outsider} {b} -> {c}");
    }
}

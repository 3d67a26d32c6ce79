//! The hard markets of `tests/fixtures/hard-markets`, loaded for unit tests.

use std::path::Path;

use crate::io::{load_data_dir, load_scenario_file};
use crate::model::{Elasticities, Market};
use crate::solver::{DomesticTreatment, PreparedMarket};

/// The fixture's market prepared under its scenario, with its elasticities.
pub(crate) fn hard_market(name: &str) -> (Market, Elasticities, PreparedMarket) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hard-markets")
        .join(name);
    let data = load_data_dir(&dir).expect("fixture data").dataset;
    let file = load_scenario_file(&dir.join("s.toml")).expect("fixture scenario");
    let compiled = file
        .set
        .compile(&data, DomesticTreatment::Nested)
        .expect("scenario compiles");
    let policy = compiled[0].policy();
    let market = data.markets()[0].clone();
    let pm = PreparedMarket::new(&market, &policy.sectors[0], DomesticTreatment::Nested)
        .expect("prepared");
    (market, data.sectors()[0].elasticities, pm)
}

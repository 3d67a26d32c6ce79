//! The hard markets of `tests/fixtures/hard-markets`, loaded for unit tests.

use std::path::Path;

use crate::io::{load_data_dir, load_scenario_file};
use crate::model::{Elasticities, Market};
use crate::solver::{DomesticTreatment, PreparedMarket, Workspace};

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
    let policy = compiled[0].policy(&data);
    let market = data.markets()[0].clone();
    let pm = PreparedMarket::new(&market, &policy.sectors[0], DomesticTreatment::Nested)
        .expect("prepared");
    (market, data.sectors()[0].elasticities, pm)
}

/// `max_A |R_i| / X_i(p)` of market `m`, recomputed from the flows and log
/// prices left in `ws`.
pub(crate) fn measure_from_state(m: &Market, ws: &Workspace) -> f64 {
    let n = m.n();
    let mut worst = 0.0f64;
    for i in 0..n {
        let eps = m.supply()[i];
        if !eps.is_finite() || m.output(i) == 0.0 {
            continue;
        }
        let sold: f64 = ws.flows()[i * n..(i + 1) * n].iter().sum();
        let lnp = ws.log_prices()[i];
        let supply = if eps == 0.0 || lnp == 0.0 {
            m.output(i)
        } else {
            m.output(i) * (eps * lnp).exp()
        };
        worst = worst.max(((sold - supply) / supply).abs());
    }
    worst
}

//! The `run` JSON document (SPEC §7).
//!
//! Keys are snake_case; maps keep a fixed (alphabetical) key order and floats
//! are written in their shortest round-trip form, so the same results always
//! give the same bytes.

use serde_json::{Map, Value, json};

use crate::model::Dataset;
use crate::results::{RunOptions, ScenarioResult, TariffAverages};
use crate::solver::DomesticTreatment;
use crate::welfare::{ADDITIVE_FIELDS, CountryOutcome};

/// Change fields (differences from the baseline) reported in a decomposition.
pub const CHANGE_FIELDS: [&str; 15] = [
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "welfare",
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
    "imports_from_partners_change_value",
    "imports_from_outside_change_value",
    "trade_creation_value",
    "trade_diversion_value",
    "external_trade_suppression_value",
    "imports_change",
];

fn num(v: f64) -> Value {
    // JSON has no inf/NaN; the model never produces them in a converged result
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// An outcome as a JSON object; `prices` adds the two price levels (sector rows).
pub fn outcome_object(country: &str, o: &CountryOutcome, prices: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("country".into(), Value::String(country.to_string()));
    if prices {
        m.insert("producer_price".into(), num(o.producer_price));
        m.insert("consumer_price_index".into(), num(o.consumer_price_index));
    }
    for (name, v) in ADDITIVE_FIELDS.iter().zip(o.additive()) {
        m.insert((*name).into(), num(v));
    }
    m
}

fn change_object(country: &str, o: &CountryOutcome) -> Map<String, Value> {
    let full = outcome_object(country, o, false);
    let mut m = Map::new();
    m.insert("country".into(), Value::String(country.to_string()));
    for f in CHANGE_FIELDS {
        if f == "imports_change" {
            m.insert(f.into(), num(o.imports_counterfactual - o.imports_baseline));
        } else if let Some(v) = full.get(f) {
            m.insert(f.into(), v.clone());
        }
    }
    m
}

fn averages(a: &TariffAverages) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("simple_before".into(), num(a.simple_before));
    m.insert("simple_after".into(), num(a.simple_after));
    m.insert("weighted_before".into(), num(a.weighted_before));
    m.insert("weighted_after".into(), num(a.weighted_after));
    m
}

/// The whole `run` document.
pub fn run_document(
    data: &Dataset,
    results: &[ScenarioResult],
    opts: &RunOptions,
    warnings: &[String],
) -> Value {
    let codes: Vec<&str> = data.countries().iter().map(|c| c.code.as_str()).collect();
    let scenarios: Vec<Value> = results
        .iter()
        .map(|r| {
            let sectors: Vec<Value> = r
                .sectors
                .iter()
                .map(|s| {
                    json!({
                        "sector": s.sector,
                        "iterations": s.iterations,
                        "residual": num(s.residual),
                        "skipped": s.skipped,
                        "countries": s.countries.iter().zip(&codes)
                            .map(|(o, c)| Value::Object(outcome_object(c, o, true))).collect::<Vec<_>>(),
                        "flows": s.flows.iter().map(|f| json!({
                            "exporter": f.exporter,
                            "importer": f.importer,
                            "baseline": num(f.baseline),
                            "counterfactual": num(f.counterfactual),
                            "counterfactual_value": num(f.counterfactual_value),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let totals: Vec<Value> = r
                .totals
                .iter()
                .zip(&codes)
                .map(|(o, c)| Value::Object(outcome_object(c, o, false)))
                .collect();
            let unions: Vec<Value> = r
                .unions
                .iter()
                .map(|u| {
                    let mut agg = outcome_object(&u.name, &u.aggregate, false);
                    agg.remove("country");
                    let mut ax = averages(&u.article_xxiv);
                    ax.insert(
                        "members".into(),
                        Value::Array(
                            u.article_xxiv_members
                                .iter()
                                .map(|m| {
                                    let mut o = averages(&m.averages);
                                    o.insert("country".into(), Value::String(m.country.clone()));
                                    Value::Object(o)
                                })
                                .collect(),
                        ),
                    );
                    let mut o = agg;
                    o.insert("name".into(), Value::String(u.name.clone()));
                    o.insert(
                        "members".into(),
                        Value::Array(u.members.iter().map(|m| Value::String(m.clone())).collect()),
                    );
                    o.insert("article_xxiv".into(), Value::Object(ax));
                    Value::Object(o)
                })
                .collect();
            let mut o = Map::new();
            o.insert("name".into(), Value::String(r.name.clone()));
            o.insert("description".into(), Value::String(r.description.clone()));
            o.insert("sectors".into(), Value::Array(sectors));
            o.insert("totals".into(), json!({ "countries": totals }));
            o.insert("unions".into(), Value::Array(unions));
            if let Some(d) = &r.decomposition {
                o.insert(
                    "decomposition".into(),
                    Value::Array(
                        d.iter()
                            .map(|c| {
                                json!({
                                    "component": c.component,
                                    "countries": c.countries.iter().zip(&codes)
                                        .map(|(o, code)| Value::Object(change_object(code, o))).collect::<Vec<_>>(),
                                })
                            })
                            .collect(),
                    ),
                );
            }
            o.insert("warnings".into(), json!(r.warnings));
            Value::Object(o)
        })
        .collect();
    let model = match opts.model {
        crate::results::ModelVariant::Armington => "armington",
        crate::results::ModelVariant::GsimLinear => "gsim-linear",
        crate::results::ModelVariant::Smart => "smart",
    };
    let domestic = match opts.effective_treatment() {
        DomesticTreatment::Nested => "nested",
        DomesticTreatment::AsImportSource => "as-import-source",
    };
    json!({
        "model": model,
        "domestic": domestic,
        "solver": {
            "method": opts.solver.method.name(),
            "tol": num(opts.solver.tol),
            "max_iter": opts.solver.max_iter,
            "line_search": opts.solver.line_search,
        },
        "countries": codes,
        "sectors": data.sectors().iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        "scenarios": scenarios,
        "warnings": warnings,
    })
}

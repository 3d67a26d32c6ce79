//! The `run` JSON document: derived `Serialize` views over [`RunResults`].
//!
//! ```text
//! { meta, model, domestic, solver, countries, sectors, warnings,
//!   scenarios: [ { name, description, warnings,
//!                  sectors: [ { sector, iterations, residual, skipped, countries: [row + prices], flows } ],
//!                  totals: { countries: [row] },
//!                  unions: [ { name, members, ...aggregate fields, article_xxiv: { ..., members } } ],
//!                  decomposition?: [ { component, countries: [change fields] } ],
//!                  quotas?: [ { sector, importer, exporter, volume, counterfactual, regime,
//!                               rent_rate, rent, holder } ] } ] }
//! ```
//! Outcome rows list their fields in [`OutcomeField`] order; floats are
//! written in their shortest round-trip form, so the same results always
//! give the same bytes.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::accounts::{CountryOutcome, OutcomeField};
use crate::error::{Error, Result};
use crate::run::{
    CountryResult, FlowResult, QuotaResult, ScenarioResult, TariffAverages, UnionResult,
};
use crate::simulation::{Meta, RunResults};

/// Which fields an outcome row carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fields {
    /// Price levels and every additive field (sector rows).
    WithPrices,
    /// Every additive field (totals, unions).
    Additive,
    /// Change fields only (decomposition).
    Changes,
}

fn write_fields<M: SerializeMap>(
    map: &mut M,
    o: &CountryOutcome,
    fields: Fields,
) -> Result<(), M::Error> {
    if fields == Fields::WithPrices {
        map.serialize_entry("producer_price", &o.producer_price)?;
        map.serialize_entry("consumer_price_index", &o.consumer_price_index)?;
    }
    if fields == Fields::Changes {
        for f in OutcomeField::changes() {
            map.serialize_entry(f.name(), &f.get(o))?;
        }
    } else {
        for f in OutcomeField::ADDITIVE {
            map.serialize_entry(f.name(), &f.get(o))?;
        }
    }
    Ok(())
}

struct Row<'a> {
    row: &'a CountryResult,
    fields: Fields,
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("country", &self.row.country)?;
        write_fields(&mut map, &self.row.outcome, self.fields)?;
        if let Some(p) = self.row.welfare_pct_gdp {
            map.serialize_entry("welfare_pct_gdp", &p)?;
        }
        map.end()
    }
}

fn rows(rows: &[CountryResult], fields: Fields) -> Vec<Row<'_>> {
    rows.iter().map(|row| Row { row, fields }).collect()
}

#[derive(Serialize)]
struct SolverDoc {
    method: &'static str,
    tol: f64,
    max_iter: usize,
    line_search: bool,
}

#[derive(Serialize)]
struct SectorDoc<'a> {
    sector: &'a str,
    iterations: usize,
    residual: f64,
    skipped: bool,
    countries: Vec<Row<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flows: Option<&'a [FlowResult]>,
}

#[derive(Serialize)]
struct Totals<'a> {
    countries: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct MemberAveragesDoc<'a> {
    country: &'a str,
    #[serde(flatten)]
    averages: &'a TariffAverages,
}

#[derive(Serialize)]
struct ArticleXxivDoc<'a> {
    #[serde(flatten)]
    union: &'a TariffAverages,
    members: Vec<MemberAveragesDoc<'a>>,
}

struct UnionDoc<'a>(&'a UnionResult);

impl Serialize for UnionDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let u = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("name", &u.name)?;
        map.serialize_entry("members", &u.members)?;
        write_fields(&mut map, &u.aggregate, Fields::Additive)?;
        if let Some(p) = u.welfare_pct_gdp {
            map.serialize_entry("welfare_pct_gdp", &p)?;
        }
        map.serialize_entry("duty_collected_share", &u.duty_collected_share)?;
        map.serialize_entry("preferences", &u.preferences)?;
        map.serialize_entry(
            "article_xxiv",
            &ArticleXxivDoc {
                union: &u.article_xxiv,
                members: u
                    .article_xxiv_members
                    .iter()
                    .map(|m| MemberAveragesDoc {
                        country: &m.country,
                        averages: &m.averages,
                    })
                    .collect(),
            },
        )?;
        map.end()
    }
}

/// What a part of a scenario's welfare change is: a component of the
/// Shapley decomposition or a stage of the `extends` chain.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum PartLabel<'a> {
    Component(&'a str),
    Stage(&'a str),
}

/// `{ component | stage, countries: [change fields] }`.
#[derive(Serialize)]
struct PartDoc<'a> {
    #[serde(flatten)]
    label: PartLabel<'a>,
    countries: Vec<Row<'a>>,
}

/// The documents of a decomposition or of stages, each part labelled by `label`.
fn parts<'a, T>(
    parts: Option<&'a Vec<T>>,
    label: impl Fn(&'a T) -> (PartLabel<'a>, &'a [CountryResult]),
) -> Option<Vec<PartDoc<'a>>> {
    parts.map(|d| {
        d.iter()
            .map(|p| {
                let (label, countries) = label(p);
                PartDoc {
                    label,
                    countries: rows(countries, Fields::Changes),
                }
            })
            .collect()
    })
}

#[derive(Serialize)]
struct ScenarioDoc<'a> {
    name: &'a str,
    description: &'a str,
    sectors: Vec<SectorDoc<'a>>,
    totals: Totals<'a>,
    unions: Vec<UnionDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decomposition: Option<Vec<PartDoc<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stages: Option<Vec<PartDoc<'a>>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    quotas: &'a [QuotaResult],
    warnings: &'a [String],
}

impl<'a> ScenarioDoc<'a> {
    fn new(r: &'a ScenarioResult, flows: bool) -> Self {
        ScenarioDoc {
            name: &r.name,
            description: &r.description,
            sectors: r
                .sectors
                .iter()
                .map(|s| SectorDoc {
                    sector: &s.sector,
                    iterations: s.iterations,
                    residual: s.residual,
                    skipped: s.skipped,
                    countries: rows(&s.countries, Fields::WithPrices),
                    flows: flows.then_some(s.flows.as_slice()),
                })
                .collect(),
            totals: Totals {
                countries: rows(&r.totals, Fields::Additive),
            },
            unions: r.unions.iter().map(UnionDoc).collect(),
            decomposition: parts(r.decomposition.as_ref(), |c| {
                (PartLabel::Component(&c.component), &c.countries)
            }),
            stages: parts(r.stages.as_ref(), |c| {
                (PartLabel::Stage(&c.stage), &c.countries)
            }),
            quotas: &r.quotas,
            warnings: &r.warnings,
        }
    }
}

#[derive(Serialize)]
struct RunDocument<'a> {
    meta: &'a Meta,
    model: &'static str,
    domestic: &'static str,
    solver: SolverDoc,
    countries: &'a [String],
    sectors: &'a [String],
    scenarios: Vec<ScenarioDoc<'a>>,
    warnings: &'a [String],
}

impl RunResults {
    /// The whole `run` document as pretty-printed JSON (with a final newline).
    ///
    /// # Errors
    /// [`Error::Invalid`] if serialisation fails (it does not for finite results).
    pub fn to_json(&self) -> Result<String> {
        let mut out = Vec::new();
        self.write_json(&mut out, true)
            .map_err(|e| Error::invalid("JSON results", e.to_string()))?;
        String::from_utf8(out).map_err(|e| Error::invalid("JSON results", e.to_string()))
    }

    /// Writes the `run` document to `out` as it is serialised, with no copy
    /// of the document in memory; the bytes are those of
    /// [`RunResults::to_json`]. With `flows` false every sector's bilateral
    /// `flows` array is left out (the country rows and totals stay): at the
    /// tariff line the flows are most of the document.
    ///
    /// # Errors
    /// The writer's error, or serialisation's (it does not fail for finite results).
    pub fn write_json(&self, out: &mut dyn std::io::Write, flows: bool) -> std::io::Result<()> {
        let doc = RunDocument {
            meta: &self.meta,
            model: self.meta.model.name(),
            domestic: self.meta.treatment.name(),
            solver: SolverDoc {
                method: self.solver.method.name(),
                tol: self.solver.tol,
                max_iter: self.solver.max_iter,
                line_search: self.solver.line_search,
            },
            countries: &self.countries,
            sectors: &self.sectors,
            scenarios: self
                .scenarios
                .iter()
                .map(|r| ScenarioDoc::new(r, flows))
                .collect(),
            warnings: &self.warnings,
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    fn results() -> RunResults {
        let data = Dataset::embedded("toy").unwrap();
        let union = CustomsUnion::new("CU", &["HOM", "PAR"], CetRule::SimpleAverage);
        let set = ScenarioSet::new(vec![Scenario::new("cu").with_union(union)]);
        Simulation::new(&data).run(&set).unwrap()
    }

    #[test]
    fn the_streamed_document_is_the_document() {
        let r = results();
        let mut streamed = Vec::new();
        r.write_json(&mut streamed, true).unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), r.to_json().unwrap());
    }

    #[test]
    fn a_document_without_flows_keeps_everything_else_and_reports() {
        let r = results();
        let mut bytes = Vec::new();
        r.write_json(&mut bytes, false).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lean: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut full: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
        let sectors = full["scenarios"][0]["sectors"].as_array_mut().unwrap();
        assert!(
            sectors
                .iter()
                .any(|s| !s["flows"].as_array().unwrap().is_empty())
        );
        for s in sectors {
            s.as_object_mut().unwrap().remove("flows");
        }
        assert_eq!(lean, full);
        // the report shows the country's total imports instead of the split by origin
        let options = crate::report::html::ReportOptions::new().country("HOM");
        let html = crate::report::html::render(&text, &options).unwrap();
        assert!(html.contains("written without bilateral flows"), "{html}");
        assert!(html.contains("imports, all origins"));
        let with_flows = crate::report::html::render(&r.to_json().unwrap(), &options).unwrap();
        assert!(!with_flows.contains("written without bilateral flows"));
    }
}

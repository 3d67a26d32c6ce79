//! Read-only views of the `run` and `mc` JSON documents, lenient by design:
//! a field the report does not know is ignored, a field it knows but does
//! not find is left out of the report, so results written by other
//! versions (with more or fewer fields) still render.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::monte_carlo::{Metric, Tracked};

/// Named values of a JSON object, read by name: numbers, text and nested
/// objects (a result's `meta`, `solver`, a union's Article XXIV averages, a
/// quota). A name the report asks for but does not find reads as absent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct Fields(BTreeMap<String, Value>);

impl Fields {
    /// The number `name`, if present and finite.
    pub fn num(&self, name: &str) -> Option<f64> {
        self.0
            .get(name)
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite())
    }

    /// The whole number `name`, if present.
    pub fn count(&self, name: &str) -> Option<u64> {
        self.0.get(name).and_then(Value::as_u64)
    }

    /// The value `name` as it stands, if present and not null.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// The text `name`, if present.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// The object `name` (empty when absent).
    pub fn object(&self, name: &str) -> Fields {
        self.0
            .get(name)
            .and_then(|v| Fields::deserialize(v).ok())
            .unwrap_or_default()
    }
}

/// A row of numbers labelled by country (or union): every numeric field by name.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Row {
    #[serde(alias = "name")]
    pub country: String,
    #[serde(flatten)]
    pub fields: Fields,
}

impl Row {
    /// The numeric field `name`, if present and finite.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.fields.num(name)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct FlowView {
    pub exporter: String,
    pub importer: String,
    pub baseline: f64,
    pub counterfactual: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SectorView {
    pub sector: String,
    #[serde(default)]
    pub iterations: Option<u64>,
    #[serde(default)]
    pub residual: Option<f64>,
    #[serde(default)]
    pub skipped: bool,
    #[serde(default)]
    pub flows: Vec<FlowView>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ArticleXxivView {
    #[serde(flatten)]
    pub union: Fields,
    #[serde(default)]
    pub members: Vec<Fields>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct UnionView {
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub article_xxiv: Option<ArticleXxivView>,
    #[serde(flatten)]
    pub fields: Fields,
}

/// A union as the report names it: (name, members).
pub(crate) trait UnionParts {
    fn parts(&self) -> (&str, &[String]);
}

impl UnionParts for UnionView {
    fn parts(&self) -> (&str, &[String]) {
        (&self.name, &self.members)
    }
}

impl UnionView {
    /// The union's aggregate as a row.
    pub fn row(&self) -> Row {
        Row {
            country: self.name.clone(),
            fields: self.fields.clone(),
        }
    }
}

/// A component of the Shapley decomposition, or a stage.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PartView {
    #[serde(alias = "stage")]
    pub component: String,
    #[serde(default)]
    pub countries: Vec<Row>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct TotalsView {
    #[serde(default)]
    pub countries: Vec<Row>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ScenarioView {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sectors: Vec<SectorView>,
    #[serde(default)]
    pub totals: TotalsView,
    #[serde(default)]
    pub unions: Vec<UnionView>,
    #[serde(default)]
    pub decomposition: Option<Vec<PartView>>,
    #[serde(default)]
    pub stages: Option<Vec<PartView>>,
    #[serde(default)]
    pub quotas: Option<Vec<Fields>>,
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The `run` document.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RunDoc {
    #[serde(default)]
    pub meta: Fields,
    #[serde(default)]
    pub solver: Fields,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub sectors: Vec<String>,
    pub scenarios: Vec<ScenarioView>,
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A country's or union's metrics.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct McEntity {
    #[serde(alias = "name")]
    pub country: String,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub metrics: BTreeMap<String, Metric>,
}

impl UnionParts for McEntity {
    fn parts(&self) -> (&str, &[String]) {
        (&self.country, &self.members)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct McScenario {
    #[serde(alias = "scenario")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub minus: Option<String>,
    #[serde(default)]
    pub countries: Vec<McEntity>,
    #[serde(default)]
    pub unions: Vec<McEntity>,
    #[serde(default)]
    pub tracked: Vec<McTracked>,
}

/// A tracked output of an `mc` document: what is tracked (a country's row
/// in one sector, or one flow) and its metrics.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct McTracked {
    #[serde(flatten)]
    pub output: Tracked,
    #[serde(default)]
    pub metrics: BTreeMap<String, Metric>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct McFailure {
    pub draw: u64,
    #[serde(default)]
    pub scenario: Option<String>,
    #[serde(default)]
    pub reason: String,
}

/// The `mc` document.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct McDoc {
    #[serde(default)]
    pub meta: Fields,
    pub draws: u64,
    pub scenarios: Vec<McScenario>,
    #[serde(default)]
    pub differences: Vec<McScenario>,
    #[serde(default)]
    pub failures: Vec<McFailure>,
    #[serde(default)]
    pub parameters: Vec<String>,
    /// The rest, read by name: `ok`, `failed`, `seed`, `sampling`, `mcse`,
    /// `fingerprint`.
    #[serde(flatten)]
    pub info: Fields,
}

impl McDoc {
    /// Draws that failed.
    pub fn failed(&self) -> u64 {
        self.info.count("failed").unwrap_or(0)
    }

    /// Usable draws (all but the failed ones when the document does not say).
    pub fn ok(&self) -> u64 {
        self.info
            .count("ok")
            .unwrap_or(self.draws.saturating_sub(self.failed()))
    }
}

/// A result document of either kind.
#[derive(Debug, Clone)]
pub(crate) enum Document {
    Run(Box<RunDoc>),
    Mc(Box<McDoc>),
}

fn not_a_result(detail: &str) -> Error {
    Error::invalid(
        "report input",
        format!("not a result of `run` or `mc`: {detail}"),
    )
}

impl Document {
    /// Recognises and reads a result document.
    pub fn from_value(v: Value) -> Result<Document> {
        let Some(obj) = v.as_object() else {
            return Err(not_a_result("the JSON document is not an object"));
        };
        if obj.contains_key("shard") && obj.contains_key("values") {
            return Err(Error::invalid(
                "report input",
                "this is one shard of a Monte Carlo run: merge the shards into one result first",
            ));
        }
        let Some(scenarios) = obj.get("scenarios").and_then(Value::as_array) else {
            return Err(not_a_result("it has no `scenarios` list"));
        };
        let is_mc = obj.contains_key("draws")
            || scenarios
                .iter()
                .any(|s| s.get("countries").is_some() && s.get("totals").is_none());
        let read_err = |e: serde_json::Error| not_a_result(&e.to_string());
        if is_mc {
            Ok(Document::Mc(Box::new(
                serde_json::from_value(v).map_err(read_err)?,
            )))
        } else {
            Ok(Document::Run(Box::new(
                serde_json::from_value(v).map_err(read_err)?,
            )))
        }
    }
}

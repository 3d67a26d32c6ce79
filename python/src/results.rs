//! A run's results as pandas DataFrames in long format, laid out like the
//! library's CSV files (same columns, same rows, same order) and built from
//! its labelled results and its one list of outcome fields.
//!
//! ```text
//! totals()         scenario, country, field, value                      OutcomeField::ADDITIVE
//! by_sector()      scenario, sector, country, field, value              the two price levels, then ADDITIVE
//! bilateral()      scenario, sector, exporter, importer, baseline, counterfactual, counterfactual_value
//! decomposition()  scenario, component, country, field, value           OutcomeField::changes()
//! stages()         scenario, stage, country, field, value               OutcomeField::changes()
//! unions()         scenario, union, field, value                        ADDITIVE, then article_xxiv_*
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use customs_union::prelude::{
    CountryOutcome, CountryResult, OutcomeField, RunResults, ScenarioResult,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::errors::IntoPy;

/// A table built row by row: text columns, then number columns.
pub struct Table {
    text_names: &'static [&'static str],
    num_names: &'static [&'static str],
    text: Vec<Vec<String>>,
    num: Vec<Vec<f64>>,
}

impl Table {
    pub fn new(text_names: &'static [&'static str], num_names: &'static [&'static str]) -> Self {
        Table {
            text_names,
            num_names,
            text: vec![Vec::new(); text_names.len()],
            num: vec![Vec::new(); num_names.len()],
        }
    }

    /// A long table: the label columns, `field`, and `value`.
    pub fn long(labels_and_field: &'static [&'static str]) -> Self {
        Table::new(labels_and_field, &["value"])
    }

    pub fn row(&mut self, text: &[&str], num: &[f64]) {
        debug_assert_eq!(text.len(), self.text.len());
        debug_assert_eq!(num.len(), self.num.len());
        for (col, v) in self.text.iter_mut().zip(text) {
            col.push((*v).to_string());
        }
        for (col, v) in self.num.iter_mut().zip(num) {
            col.push(*v);
        }
    }

    /// One row per field of `o`: `labels..., field name, value`.
    fn outcome(
        &mut self,
        labels: &[&str],
        o: &CountryOutcome,
        fields: impl Iterator<Item = OutcomeField>,
    ) {
        let mut text: Vec<&str> = labels.to_vec();
        text.push("");
        for f in fields {
            *text.last_mut().expect("field column") = f.name();
            self.row(&text, &[f.get(o)]);
        }
    }

    /// The pandas DataFrame, columns in order.
    pub fn into_frame(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let columns = PyDict::new(py);
        for (name, col) in self.text_names.iter().zip(self.text) {
            columns.set_item(name, PyList::new(py, col)?)?;
        }
        for (name, col) in self.num_names.iter().zip(self.num) {
            columns.set_item(name, PyList::new(py, col)?)?;
        }
        let order: Vec<&str> = self
            .text_names
            .iter()
            .chain(self.num_names.iter())
            .copied()
            .collect();
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", order)?;
        py.import("pandas")?
            .getattr("DataFrame")?
            .call((columns,), Some(&kwargs))
    }
}

/// A value's named numbers, in its serde field order (None for a null).
/// The values are read off `serde_json::Value`, which keeps every f64 as it
/// is but sorts the keys; the order is read off the serialised text.
pub fn named_numbers<T: Serialize>(value: &T) -> Vec<(String, Option<f64>)> {
    let (Ok(serde_json::Value::Object(map)), Ok(text)) =
        (serde_json::to_value(value), serde_json::to_string(value))
    else {
        return Vec::new();
    };
    let keys = serde_json::from_str::<KeyOrder>(&text)
        .map(|k| k.0)
        .unwrap_or_default();
    keys.into_iter()
        .map(|k| {
            let v = map.get(&k).and_then(serde_json::Value::as_f64);
            (k, v)
        })
        .collect()
}

/// A JSON object's keys in their order.
struct KeyOrder(Vec<String>);

impl<'de> Deserialize<'de> for KeyOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = KeyOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(KeyOrder(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// Text parsed as JSON into Python objects (dicts, lists, floats).
pub fn json_value<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// The results of :meth:`Simulation.run`: every scenario, in file order,
/// with the run's metadata and warnings.
#[pyclass(name = "RunResults", module = "customs_union", frozen)]
pub struct PyRunResults {
    inner: Arc<RunResults>,
}

impl PyRunResults {
    pub fn new(results: RunResults) -> Self {
        PyRunResults {
            inner: Arc::new(results),
        }
    }
}

#[pymethods]
impl PyRunResults {
    /// Each country's totals over sectors: columns ``scenario, country,
    /// field, value``, one row per outcome field.
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut t = Table::long(&["scenario", "country", "field"]);
        for r in self.inner.iter() {
            for c in &r.totals {
                t.outcome(
                    &[r.name(), &c.country],
                    &c.outcome,
                    OutcomeField::ADDITIVE.into_iter(),
                );
            }
        }
        t.into_frame(py)
    }

    /// Each sector's rows: columns ``scenario, sector, country, field,
    /// value``; the fields are ``producer_price`` and
    /// ``consumer_price_index`` (levels, baseline 1), then the outcome fields.
    fn by_sector<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut t = Table::long(&["scenario", "sector", "country", "field"]);
        for r in self.inner.iter() {
            for s in &r.sectors {
                for c in &s.countries {
                    let labels = [r.name(), s.sector.as_str(), c.country.as_str()];
                    for (name, v) in [
                        ("producer_price", c.producer_price),
                        ("consumer_price_index", c.consumer_price_index),
                    ] {
                        t.row(&[labels[0], labels[1], labels[2], name], &[v]);
                    }
                    t.outcome(&labels, &c.outcome, OutcomeField::ADDITIVE.into_iter());
                }
            }
        }
        t.into_frame(py)
    }

    /// Every flow with a positive baseline: columns ``scenario, sector,
    /// exporter, importer, baseline, counterfactual`` (volumes, at baseline
    /// prices) and ``counterfactual_value`` (at the new producer prices).
    fn bilateral<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut t = Table::new(
            &["scenario", "sector", "exporter", "importer"],
            &["baseline", "counterfactual", "counterfactual_value"],
        );
        for r in self.inner.iter() {
            for s in &r.sectors {
                for f in &s.flows {
                    t.row(
                        &[r.name(), &s.sector, &f.exporter, &f.importer],
                        &[f.baseline, f.counterfactual, f.counterfactual_value],
                    );
                }
            }
        }
        t.into_frame(py)
    }

    /// The Shapley decomposition: columns ``scenario, component, country,
    /// field, value`` (change fields), each component's share, summing to
    /// the totals. Needs ``Simulation(..., decompose=True)``.
    fn decomposition<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.attribution(py, &["scenario", "component", "country", "field"], |r| {
            let parts = r.decomposition().unwrap_or_default();
            parts
                .iter()
                .map(|d| (d.component.as_str(), d.countries.as_slice()))
                .collect()
        })
    }

    /// The stage-by-stage attribution along ``extends`` (oldest first):
    /// columns ``scenario, stage, country, field, value`` (change fields),
    /// each stage's change over its parent. Needs ``decompose=True``.
    fn stages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.attribution(py, &["scenario", "stage", "country", "field"], |r| {
            let parts = r.stages().unwrap_or_default();
            parts
                .iter()
                .map(|d| (d.stage.as_str(), d.countries.as_slice()))
                .collect()
        })
    }

    /// Each union's aggregate over its members and its Article XXIV tariff
    /// averages: columns ``scenario, union, field, value``; the averages are
    /// ``article_xxiv_<average>`` for the union and
    /// ``article_xxiv_<member>_<average>`` for each member.
    fn unions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut t = Table::long(&["scenario", "union", "field"]);
        for r in self.inner.iter() {
            for u in &r.unions {
                t.outcome(
                    &[r.name(), &u.name],
                    &u.aggregate,
                    OutcomeField::ADDITIVE.into_iter(),
                );
                let members = u
                    .article_xxiv_members
                    .iter()
                    .map(|m| (format!("article_xxiv_{}_", m.country), &m.averages));
                for (prefix, averages) in
                    std::iter::once(("article_xxiv_".to_string(), &u.article_xxiv)).chain(members)
                {
                    for (name, v) in named_numbers(averages) {
                        let field = format!("{prefix}{name}");
                        t.row(&[r.name(), &u.name, &field], &[v.unwrap_or(f64::NAN)]);
                    }
                }
            }
        }
        t.into_frame(py)
    }

    /// Writes the long-format CSV files (``totals.csv``, ``by_sector.csv``,
    /// ``bilateral.csv``, ``decomposition.csv``, ``stages.csv``,
    /// ``unions.csv``, ``meta.csv`` and a ``README.md``) into folder ``dir``,
    /// whole or not at all.
    ///
    /// Raises FileError when the folder cannot be written or holds data files.
    fn write_csv(&self, py: Python<'_>, dir: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.write_csv(&dir)).py_err()
    }

    /// The whole result as the command line's ``run`` JSON document.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().py_err()
    }

    /// What was run: tool version, dataset and its fingerprint, scenario
    /// file, model, treatment and units.
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(self.inner.meta())
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        json_value(py, &text)
    }

    /// Everything worth telling the reader: data notes, then each
    /// scenario's, prefixed by its name.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    /// Scenario names, in file order.
    #[getter]
    fn scenarios(&self) -> Vec<String> {
        self.inner.iter().map(|r| r.name().to_string()).collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "RunResults({} on '{}': {})",
            self.inner.meta().model.name(),
            self.inner.meta().dataset,
            self.scenarios().join(", ")
        )
    }
}

impl PyRunResults {
    /// A long table of change fields, one part (component or stage) of a
    /// scenario at a time.
    fn attribution<'py>(
        &self,
        py: Python<'py>,
        columns: &'static [&'static str],
        parts: impl Fn(&ScenarioResult) -> Vec<(&str, &[CountryResult])>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if self.inner.iter().any(|r| r.decomposition().is_none()) {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "these results have no decomposition: run with Simulation(..., decompose=True)",
            ));
        }
        let mut t = Table::long(columns);
        for r in self.inner.iter() {
            for (label, rows) in parts(r) {
                for c in rows {
                    t.outcome(
                        &[r.name(), label, &c.country],
                        &c.outcome,
                        OutcomeField::changes(),
                    );
                }
            }
        }
        t.into_frame(py)
    }
}

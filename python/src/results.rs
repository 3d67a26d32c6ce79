//! A run's results as pandas DataFrames in long format: the library's own
//! long-format tables (the CSV files it writes), so that the frames and the
//! files hold the same rows, in the same order, to the last digit.
//!
//! ```text
//! totals()         totals.csv         scenario, country, field, value
//! by_sector()      by_sector.csv      scenario, sector, country, field, value
//! bilateral()      bilateral.csv      scenario, sector, exporter, importer, baseline, counterfactual, counterfactual_value
//! decomposition()  decomposition.csv  scenario, component, country, field, value
//! stages()         stages.csv         scenario, stage, country, field, value
//! unions()         unions.csv         scenario, union, field, value
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use customs_union::prelude::{Error, RunResults};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::errors::IntoPy;
use crate::frame::Table;

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
    /// The library's long-format tables, as (file name, CSV bytes).
    files: Vec<(&'static str, Vec<u8>)>,
}

/// The columns of the library's tables that hold numbers.
const NUMBER_COLUMNS: [&str; 4] = [
    "value",
    "baseline",
    "counterfactual",
    "counterfactual_value",
];

impl PyRunResults {
    /// The results and their tables.
    ///
    /// # Errors
    /// As [`RunResults::csv_files`].
    pub fn new(results: RunResults) -> Result<Self, Error> {
        let files = results.csv_files()?;
        Ok(PyRunResults {
            inner: Arc::new(results),
            files,
        })
    }

    fn table<'py>(&self, py: Python<'py>, file: &str) -> PyResult<Bound<'py, PyAny>> {
        let (_, bytes) = self
            .files
            .iter()
            .find(|(name, _)| *name == file)
            .ok_or_else(|| PyRuntimeError::new_err(format!("the library wrote no {file}")))?;
        Table::from_csv(bytes, &NUMBER_COLUMNS)
            .map_err(|e| PyRuntimeError::new_err(format!("{file}: {e}")))?
            .into_frame(py)
    }

    fn need_decomposition(&self) -> PyResult<()> {
        if self.inner.iter().any(|r| r.decomposition().is_none()) {
            return Err(PyValueError::new_err(
                "these results have no decomposition: run with Simulation(..., decompose=True)",
            ));
        }
        Ok(())
    }
}

#[pymethods]
impl PyRunResults {
    /// Each country's totals over sectors: columns ``scenario, country,
    /// field, value``, one row per outcome field.
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table(py, "totals.csv")
    }

    /// Each sector's rows: columns ``scenario, sector, country, field,
    /// value``; the fields are ``producer_price`` and
    /// ``consumer_price_index`` (levels, baseline 1), then the outcome fields.
    fn by_sector<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table(py, "by_sector.csv")
    }

    /// Every flow with a positive baseline: columns ``scenario, sector,
    /// exporter, importer, baseline, counterfactual`` (volumes, at baseline
    /// prices) and ``counterfactual_value`` (at the new producer prices).
    fn bilateral<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table(py, "bilateral.csv")
    }

    /// The Shapley decomposition: columns ``scenario, component, country,
    /// field, value`` (change fields), each component's share, summing to
    /// the totals. Needs ``Simulation(..., decompose=True)``.
    fn decomposition<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.need_decomposition()?;
        self.table(py, "decomposition.csv")
    }

    /// The stage-by-stage attribution along ``extends`` (oldest first):
    /// columns ``scenario, stage, country, field, value`` (change fields),
    /// each stage's change over its parent. Needs ``decompose=True``.
    fn stages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.need_decomposition()?;
        self.table(py, "stages.csv")
    }

    /// Each union's aggregates: columns ``scenario, union, field, value``;
    /// the members' summed outcome fields, ``welfare_pct_gdp`` where the data
    /// has every member's GDP, the Article XXIV tariff averages
    /// (``article_xxiv_<average>``, each member's as
    /// ``article_xxiv_<member>_<average>``) and each member's share of
    /// collected duties before pooling
    /// (``duty_collected_share_<member>_baseline``, ``_counterfactual``).
    fn unions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table(py, "unions.csv")
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

//! A Monte Carlo study's summary as a long DataFrame, its metrics by key and
//! the ok draws' series as NumPy arrays.
//!
//! ```text
//! summary()  scenario, kind, entity, field, statistic, value
//!            kind: country | union | difference (the scenario minus the first, draw by draw)
//!            statistic: the library's Metric fields (mean, sd, mcse, p05, p50, p95,
//!            share_positive, ok, failed); NaN where a statistic is undefined
//! metric(scenario, entity, field)  -> {statistic: value}
//! series(scenario, entity, field)  -> numpy.ndarray, one value per ok draw, in draw order
//! ```

use customs_union::prelude::McSummary;
use pyo3::exceptions::{PyKeyError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPy;
use crate::frame::Table;
use crate::results::{json_value, named_numbers};

/// The summary of a Monte Carlo study (:meth:`Simulation.monte_carlo`).
#[pyclass(name = "McSummary", module = "customs_union", frozen)]
pub struct PyMcSummary {
    summary: McSummary,
}

impl PyMcSummary {
    pub fn new(summary: McSummary) -> Self {
        PyMcSummary { summary }
    }
}

fn no_entry(scenario: &str, entity: &str, field: &str) -> PyErr {
    PyKeyError::new_err(format!(
        "no Monte Carlo values for scenario `{scenario}`, entity `{entity}` (a country code or \
         a union's name), field `{field}`"
    ))
}

#[pymethods]
impl PyMcSummary {
    /// Every summary statistic: columns ``scenario, kind, entity, field,
    /// statistic, value``. ``kind`` is ``country``, ``union`` or
    /// ``difference`` (the scenario minus the first scenario, paired draw by
    /// draw; ``entity`` a country or a union of the later scenario).
    /// ``statistic``: ``mean, sd, mcse, p05, p50, p95, share_positive, ok,
    /// failed``; NaN where a statistic is undefined (``mcse`` under
    /// quadrature, ``sd`` of one draw).
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = &self.summary;
        let mut t = Table::long(&["scenario", "kind", "entity", "field", "statistic"]);
        let scenarios = s
            .scenarios
            .iter()
            .map(|sc| (&sc.name, &sc.countries, &sc.unions, "country", "union"));
        let differences = s.differences.iter().map(|d| {
            (
                &d.scenario,
                &d.countries,
                &d.unions,
                "difference",
                "difference",
            )
        });
        for (name, countries, unions, country_kind, union_kind) in scenarios.chain(differences) {
            let entities = countries
                .iter()
                .map(|c| (country_kind, &c.country, &c.metrics))
                .chain(unions.iter().map(|u| (union_kind, &u.name, &u.metrics)));
            for (kind, entity, metrics) in entities {
                for (field, metric) in &metrics.0 {
                    for (statistic, v) in named_numbers(metric) {
                        t.row(
                            &[name, kind, entity, field, &statistic],
                            &[v.unwrap_or(f64::NAN)],
                        );
                    }
                }
            }
        }
        t.into_frame(py)
    }

    /// The statistics of ``field`` for ``entity`` (a country code or a
    /// union's name) in ``scenario``, as a dict ``{statistic: value}``
    /// (None where undefined).
    ///
    /// Raises KeyError for a scenario, entity or field the study does not have.
    fn metric<'py>(
        &self,
        py: Python<'py>,
        scenario: &str,
        entity: &str,
        field: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let m = self
            .summary
            .metric(scenario, entity, field)
            .ok_or_else(|| no_entry(scenario, entity, field))?;
        let d = PyDict::new(py);
        for (statistic, v) in named_numbers(m) {
            d.set_item(statistic, v)?;
        }
        Ok(d)
    }

    /// The values of ``field`` for ``entity`` (a country code or a union's
    /// name) in ``scenario``: a float64 ``numpy.ndarray`` with one value per
    /// ok draw, in draw order (the series the summary describes).
    ///
    /// Raises KeyError for a scenario, entity or field the study does not have.
    fn series<'py>(
        &self,
        py: Python<'py>,
        scenario: &str,
        entity: &str,
        field: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let v = self
            .summary
            .series(scenario, entity, field)
            .ok_or_else(|| no_entry(scenario, entity, field))?;
        py.import("numpy")?.getattr("array")?.call1((v, "float64"))
    }

    /// The summary as the command line's ``mc`` JSON document.
    fn to_json(&self) -> PyResult<String> {
        self.summary.to_json().py_err()
    }

    /// Draws in the study.
    #[getter]
    fn draws(&self) -> u64 {
        self.summary.draws
    }

    /// Draws usable in every scenario.
    #[getter]
    fn ok(&self) -> u64 {
        self.summary.ok
    }

    /// Draws that failed in some scenario (excluded everywhere).
    #[getter]
    fn failed(&self) -> u64 {
        self.summary.failed
    }

    /// The seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.summary.seed
    }

    /// Labels of the varied items (e.g. ``sigma_m.AGF``).
    #[getter]
    fn parameters(&self) -> Vec<String> {
        self.summary.parameters.clone()
    }

    /// The failed draws: a list of dicts with ``draw``, ``scenario``,
    /// ``reason`` and ``parameters``.
    #[getter]
    fn failures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.summary.failures)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        json_value(py, &text)
    }

    fn __repr__(&self) -> String {
        let s = &self.summary;
        format!(
            "McSummary({} draws, {} ok, {} failed, seed {})",
            s.draws, s.ok, s.failed, s.seed
        )
    }
}

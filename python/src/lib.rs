//! `customs_union._native`: the library's entry point for Python.
//!
//! A thin layer: every class wraps the library's type of the same name, every
//! number comes from the library's results, a run's tables are the library's
//! own long-format tables (its CSV files) and a Monte Carlo summary's table
//! is laid out from the library's summary and the names of its statistics.
//! Solving runs with the interpreter's lock released.
//!
//! ```text
//! Dataset.embedded(name) | Dataset.from_dir(path)        -> Dataset
//! ScenarioSet.from_toml_file(path) | .from_toml_str(..)  -> ScenarioSet
//! Simulation(data, model=, treatment=, decompose=)
//!   .run(sset)         -> RunResults   totals() by_sector() bilateral() decomposition() stages() unions()
//!   .monte_carlo(sset) -> McSummary    summary() metric(..) series(..)
//! ```

mod errors;
mod frame;
mod mc;
mod results;

use std::path::PathBuf;
use std::sync::Arc;

use customs_union::prelude::{
    Dataset, DomesticTreatment, Error, ModelVariant, ScenarioSet, Simulation,
};
use pyo3::prelude::*;

use errors::IntoPy;

/// A dataset: countries, sectors, baseline flows, tariffs, NTBs and
/// elasticities. Load one with :meth:`Dataset.embedded` or
/// :meth:`Dataset.from_dir`.
#[pyclass(name = "Dataset", module = "customs_union", frozen)]
struct PyDataset {
    inner: Arc<Dataset>,
}

#[pymethods]
impl PyDataset {
    /// An embedded dataset by name: ``"eaeu2009"`` (Kazakhstan, Russia,
    /// Belarus, Kyrgyzstan, China, the EU27 and the rest of the world; 8
    /// sectors; 2009), ``"kaz1995"`` or ``"toy"``.
    ///
    /// Raises InvalidError for an unknown name (the message lists the names).
    #[staticmethod]
    fn embedded(name: &str) -> PyResult<Self> {
        Ok(PyDataset {
            inner: Arc::new(Dataset::embedded(name).py_err()?),
        })
    }

    /// Loads a data folder of CSV files (``countries.csv``, ``sectors.csv``,
    /// ``flows.csv``, ``tariffs.csv``, optional ``ntb.csv``, ``supply.csv``
    /// and ``meta.toml``).
    ///
    /// Raises FileError for a missing or unreadable file, DataError naming
    /// the file, line and field of a bad value.
    #[staticmethod]
    fn from_dir(path: PathBuf) -> PyResult<Self> {
        Ok(PyDataset {
            inner: Arc::new(Dataset::from_dir(path).py_err()?),
        })
    }

    /// The embedded dataset's name, or the data folder as given.
    #[getter]
    fn source(&self) -> &str {
        self.inner.source()
    }

    /// Units of values (e.g. ``"US$ million per year at baseline prices"``).
    #[getter]
    fn units(&self) -> &str {
        self.inner.units()
    }

    /// Country codes, in the dataset's order.
    #[getter]
    fn countries(&self) -> Vec<String> {
        self.inner
            .countries()
            .iter()
            .map(|c| c.code.clone())
            .collect()
    }

    /// Sector codes, in the dataset's order.
    #[getter]
    fn sectors(&self) -> Vec<String> {
        self.inner
            .sectors()
            .iter()
            .map(|s| s.code.clone())
            .collect()
    }

    /// SHA-256 (hex) of the dataset's economic content.
    #[getter]
    fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// What loading the data noted (e.g. a country's caveat).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    fn __repr__(&self) -> String {
        format!(
            "Dataset('{}': {} countries, {} sectors)",
            self.inner.source(),
            self.inner.countries().len(),
            self.inner.sectors().len()
        )
    }
}

/// The scenarios of one TOML file, with its ``[solver]`` and
/// ``[montecarlo]`` settings.
#[pyclass(name = "ScenarioSet", module = "customs_union", frozen)]
struct PyScenarioSet {
    inner: Arc<ScenarioSet>,
}

#[pymethods]
impl PyScenarioSet {
    /// Reads a TOML scenario file.
    ///
    /// Raises FileError when it cannot be read, ScenarioError naming the
    /// line or key of what is wrong.
    #[staticmethod]
    fn from_toml_file(path: PathBuf) -> PyResult<Self> {
        Ok(PyScenarioSet {
            inner: Arc::new(ScenarioSet::from_toml_file(path).py_err()?),
        })
    }

    /// Parses scenario-file text; ``source`` names it in error messages and
    /// in the results' metadata.
    ///
    /// Raises ScenarioError naming the line or key of what is wrong.
    #[staticmethod]
    #[pyo3(signature = (text, source = "<string>"))]
    fn from_toml_str(text: &str, source: &str) -> PyResult<Self> {
        Ok(PyScenarioSet {
            inner: Arc::new(ScenarioSet::from_toml_str(text, source).py_err()?),
        })
    }

    /// Where the scenarios came from (the file as given).
    #[getter]
    fn source(&self) -> &str {
        &self.inner.source
    }

    /// The embedded dataset the file is written for (its top-level
    /// ``dataset`` key), or None.
    #[getter]
    fn dataset(&self) -> Option<&str> {
        self.inner.dataset.as_deref()
    }

    /// Scenario names, in file order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.inner
            .scenarios
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// True when the file has a ``[montecarlo]`` table.
    #[getter]
    fn has_monte_carlo(&self) -> bool {
        self.inner.montecarlo.is_some()
    }

    fn __len__(&self) -> usize {
        self.inner.scenarios.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ScenarioSet('{}': {})",
            self.inner.source,
            self.names().join(", ")
        )
    }
}

/// A simulation of a dataset: the model variant, the treatment of domestic
/// sales and whether to decompose.
///
/// ``model``: ``"armington"`` (the exact model; default), ``"gsim-linear"``
/// or ``"smart"``. ``treatment``: ``"nested"`` or ``"as-import-source"``;
/// None takes the model's own (nested; as-import-source for gsim-linear).
/// ``decompose``: also compute each scenario's exact Shapley decomposition
/// and its stages along ``extends``.
///
/// Raises InvalidError for an unknown name, or a model and treatment that
/// cannot go together.
#[pyclass(name = "Simulation", module = "customs_union", frozen)]
struct PySimulation {
    data: Arc<Dataset>,
    model: ModelVariant,
    treatment: Option<DomesticTreatment>,
    decompose: bool,
}

impl PySimulation {
    fn simulation(&self) -> Simulation<'_> {
        let sim = Simulation::new(&self.data)
            .model(self.model)
            .decompose(self.decompose);
        match self.treatment {
            Some(t) => sim.treatment(t),
            None => sim,
        }
    }
}

fn unknown(what: &str, name: &str, there: &[&str]) -> PyErr {
    errors::to_py(Error::Invalid {
        what: what.to_string(),
        message: format!("unknown {what} `{name}` (there are: {})", there.join(", ")),
    })
}

#[pymethods]
impl PySimulation {
    #[new]
    #[pyo3(signature = (data, model = "armington", treatment = None, decompose = false))]
    fn new(
        data: &PyDataset,
        model: &str,
        treatment: Option<&str>,
        decompose: bool,
    ) -> PyResult<Self> {
        let model = ModelVariant::parse(model)
            .ok_or_else(|| unknown("model", model, &["armington", "gsim-linear", "smart"]))?;
        let treatment = treatment
            .map(|t| {
                DomesticTreatment::parse(t)
                    .ok_or_else(|| unknown("treatment", t, &["nested", "as-import-source"]))
            })
            .transpose()?;
        let sim = PySimulation {
            data: Arc::clone(&data.inner),
            model,
            treatment,
            decompose,
        };
        sim.simulation().effective_treatment().py_err()?;
        Ok(sim)
    }

    /// The model variant's name.
    #[getter]
    fn model(&self) -> &'static str {
        self.model.name()
    }

    /// The treatment of domestic sales the runs use.
    #[getter]
    fn treatment(&self) -> PyResult<&'static str> {
        Ok(self.simulation().effective_treatment().py_err()?.name())
    }

    /// Whether runs compute the decomposition.
    #[getter]
    fn decompose(&self) -> bool {
        self.decompose
    }

    /// Runs every scenario of ``sset`` (with its ``[solver]`` settings) and
    /// returns the labelled results.
    ///
    /// Raises ScenarioError for a scenario the data cannot take, SolverError
    /// for a sector that cannot be solved.
    fn run(&self, py: Python<'_>, sset: &PyScenarioSet) -> PyResult<results::PyRunResults> {
        let set = Arc::clone(&sset.inner);
        py.detach(|| results::PyRunResults::new(self.simulation().run(&set)?))
            .py_err()
    }

    /// Runs the Monte Carlo study of ``sset`` (its ``[montecarlo]`` table)
    /// on every core and returns its summary and series. Failed draws are
    /// recorded in the summary, not raised.
    ///
    /// Raises ScenarioError when the set has no ``[montecarlo]`` table,
    /// InvalidError for a model or treatment Monte Carlo does not run.
    fn monte_carlo(&self, py: Python<'_>, sset: &PyScenarioSet) -> PyResult<mc::PyMcSummary> {
        let set = Arc::clone(&sset.inner);
        let summary = py.detach(|| self.simulation().monte_carlo(&set)).py_err()?;
        Ok(mc::PyMcSummary::new(summary))
    }

    fn __repr__(&self) -> String {
        let treatment = self
            .simulation()
            .effective_treatment()
            .map(|t| t.name())
            .unwrap_or("?");
        format!(
            "Simulation('{}', model='{}', treatment='{}', decompose={})",
            self.data.source(),
            self.model.name(),
            treatment,
            if self.decompose { "True" } else { "False" }
        )
    }
}

/// The extension module; `customs_union/__init__.py` re-exports it.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyDataset>()?;
    m.add_class::<PyScenarioSet>()?;
    m.add_class::<PySimulation>()?;
    m.add_class::<results::PyRunResults>()?;
    m.add_class::<mc::PyMcSummary>()?;
    Ok(())
}

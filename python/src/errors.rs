//! The library's errors as Python exceptions: one class per kind of error
//! (defined in `customs_union/_errors.py`, so that each can also derive from
//! the matching built-in: `ValueError`, `OSError`, `RuntimeError`), carrying
//! the library's message and its structured fields as attributes.
//!
//! ```text
//! Error::Data          -> DataError(file, line, field)        ValueError
//! Error::Scenario      -> ScenarioError(file, key)            ValueError
//! Error::Invalid       -> InvalidError(what)                  ValueError
//! Error::Io            -> FileError(file)                     OSError
//! Error::Infeasible,
//! Error::Model,
//! Error::NotConverged  -> SolverError(sector)                 RuntimeError
//! Error::Draw          -> SolverError(draw, scenario)         RuntimeError
//! anything else        -> CustomsUnionError
//! ```

use customs_union::Error;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The Python exception for `e`, with the library's message.
pub fn to_py(e: Error) -> PyErr {
    Python::attach(|py| match exception(py, &e) {
        Ok(err) => err,
        // the exception module itself failed to load: still raise the message
        Err(_) => pyo3::exceptions::PyRuntimeError::new_err(e.to_string()),
    })
}

fn exception(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let attrs = PyDict::new(py);
    let class = match e {
        Error::Data {
            file, line, field, ..
        } => {
            attrs.set_item("file", file)?;
            attrs.set_item("line", line)?;
            attrs.set_item("field", field)?;
            "DataError"
        }
        Error::Scenario { file, key, .. } => {
            attrs.set_item("file", file)?;
            attrs.set_item("key", key)?;
            "ScenarioError"
        }
        Error::Invalid { what, .. } => {
            attrs.set_item("what", what)?;
            "InvalidError"
        }
        Error::Io { file, .. } => {
            attrs.set_item("file", file)?;
            "FileError"
        }
        Error::Infeasible { sector, .. }
        | Error::Model { sector, .. }
        | Error::NotConverged { sector, .. } => {
            attrs.set_item("sector", sector)?;
            "SolverError"
        }
        Error::Draw { draw, scenario, .. } => {
            attrs.set_item("draw", draw)?;
            attrs.set_item("scenario", scenario)?;
            "SolverError"
        }
        _ => "CustomsUnionError",
    };
    let class = py.import("customs_union._errors")?.getattr(class)?;
    let value = class.call((e.to_string(),), Some(&attrs))?;
    Ok(PyErr::from_value(value))
}

/// `Result<T, Error>` into a `PyResult`.
pub trait IntoPy<T> {
    /// The value, or the Python exception for the error.
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

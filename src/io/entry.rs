//! The file-reading constructors of the entry point's types:
//! [`Dataset::embedded`], [`Dataset::from_dir`] and
//! [`ScenarioSet::from_toml_file`].

use std::path::Path;

use super::embedded::EmbeddedDataset;
use super::{LoadedData, load_data_dir, load_scenario_file, parse_scenario_file};
use crate::error::{Error, Result};
use crate::model::{DEFAULT_UNITS, Dataset};
use crate::simulation::ScenarioSet;

fn finish(loaded: LoadedData, source: String, units: String) -> Dataset {
    loaded
        .dataset
        .with_source(source)
        .with_units(units)
        .with_notes(loaded.warnings, loaded.diagonal_rows)
}

/// The `units` key of a data folder's optional `meta.toml`.
fn folder_units(dir: &Path) -> Result<String> {
    let p = dir.join("meta.toml");
    if !p.exists() {
        return Ok(DEFAULT_UNITS.to_string());
    }
    let name = p.display().to_string();
    let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&name, e))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| Error::data(&name, 0, "units", e.message()))?;
    match table.get("units") {
        None => Ok(DEFAULT_UNITS.to_string()),
        Some(toml::Value::String(u)) if !u.trim().is_empty() => Ok(u.clone()),
        Some(_) => Err(Error::data(&name, 0, "units", "must be a non-empty string")),
    }
}

impl Dataset {
    /// An embedded dataset by name: `eaeu2009` (the default: Kazakhstan,
    /// Russia, Belarus, Kyrgyzstan, China, the EU27 and the rest of the
    /// world, 8 sectors, 2009), `kaz1995` or `toy`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the datasets there are, for an unknown name.
    ///
    /// # Examples
    /// ```
    /// # use customs_union::prelude::*;
    /// let data = Dataset::embedded("eaeu2009").unwrap();
    /// assert_eq!(data.n_countries(), 7);
    /// assert_eq!(data.source(), "eaeu2009");
    /// ```
    pub fn embedded(name: &str) -> Result<Dataset> {
        let d = EmbeddedDataset::by_name(name).ok_or_else(|| {
            Error::invalid(
                "embedded dataset",
                format!(
                    "no embedded dataset `{name}` (there are: {})",
                    EmbeddedDataset::ALL.map(|d| d.name()).join(", ")
                ),
            )
        })?;
        Ok(finish(
            d.load()?,
            d.name().to_string(),
            DEFAULT_UNITS.to_string(),
        ))
    }

    /// Loads a data folder of CSV files (and its optional `meta.toml` with a
    /// `units` key).
    ///
    /// # Errors
    /// [`Error::Io`] when a required file is missing or unreadable;
    /// [`Error::Data`] naming file, line and field for every bad value.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Dataset> {
        let dir = dir.as_ref();
        let loaded = load_data_dir(dir)?;
        let units = folder_units(dir)?;
        Ok(finish(loaded, dir.display().to_string(), units))
    }
}

impl ScenarioSet {
    /// Reads a TOML scenario file: `[[scenario]]` tables, optional `[solver]`
    /// and `[montecarlo]` tables and a top-level `dataset` key.
    ///
    /// # Errors
    /// [`Error::Io`] when unreadable; [`Error::Scenario`] naming the line or key.
    ///
    /// # Examples
    /// ```
    /// # use customs_union::prelude::*;
    /// let set = ScenarioSet::from_toml_file("scenarios/cet_2010.toml").unwrap();
    /// assert!(!set.scenarios.is_empty());
    /// ```
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<ScenarioSet> {
        Ok(load_scenario_file(path.as_ref())?.set)
    }

    /// Parses scenario-file text; `source` names it in errors.
    ///
    /// # Errors
    /// [`Error::Scenario`] naming the line or key.
    pub fn from_toml_str(text: &str, source: &str) -> Result<ScenarioSet> {
        Ok(parse_scenario_file(text, source)?.set)
    }
}

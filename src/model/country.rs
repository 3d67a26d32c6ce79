//! Countries (or regions) and the index newtypes used across the crate.

use serde::{Deserialize, Serialize};

/// Index of a country in its [`Dataset`](crate::Dataset) (position in `countries`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CountryId(pub usize);

/// Index of a sector in its [`Dataset`](crate::Dataset) (position in `sectors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SectorId(pub usize);

/// A country or region: a short code (e.g. `KAZ`), a display name, and what
/// the results need to put its gains in scale and to pool its duties.
/// [`Dataset::new`](crate::Dataset::new) checks the ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// Short code, unique in the dataset; used in data files and scenarios.
    pub code: String,
    /// Display name.
    pub name: String,
    /// GDP in the data's value units for the data's year (e.g. US$ million);
    /// with it, results report welfare as a percentage of GDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdp: Option<f64>,
    /// Share `k` of the statutory duties on its imports that it collects
    /// (0 < k <= 1; default 1). Prices use the statutory rate; only collected
    /// duties enter a customs union's pool, the rest stays with the importer.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub collection: f64,
    /// A caveat on its figures (e.g. re-exports), repeated as a warning in
    /// every result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn one() -> f64 {
    1.0
}

fn is_one(v: &f64) -> bool {
    *v == 1.0
}

impl Country {
    /// A country with the given code and name (no GDP, full collection, no note).
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        Country {
            code: code.into(),
            name: name.into(),
            gdp: None,
            collection: 1.0,
            note: None,
        }
    }

    setters! {
        /// The country with its GDP (in the data's value units).
        with_gdp(gdp: f64) -> gdp = Some(gdp);
        /// The country with its duty collection share.
        with_collection(share: f64) -> collection;
        /// The country with a caveat on its figures.
        with_note(note: impl Into<String>) -> note = Some(note.into());
    }
}

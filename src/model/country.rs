//! Countries (or regions) and the index newtypes used across the crate.

use serde::{Deserialize, Serialize};

/// Index of a country in its [`Dataset`](crate::Dataset) (position in `countries`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CountryId(pub usize);

/// Index of a sector in its [`Dataset`](crate::Dataset) (position in `sectors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SectorId(pub usize);

/// A country or region: a short code (e.g. `KAZ`) and a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Country {
    /// Short code, unique in the dataset; used in data files and scenarios.
    pub code: String,
    /// Display name.
    pub name: String,
}

impl Country {
    /// A country with the given code and name.
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        Country {
            code: code.into(),
            name: name.into(),
        }
    }
}

//! How a country's own (diagonal) sales enter its demand system.
//!
//! ```text
//! Nested:          P[j] = CES_sigma_d( p[j] ; PM[j] ),  PM[j] = CES_sigma_m( r[i][j], i != j )
//! AsImportSource:  P[j] = CES_sigma_m( r[i][j], every i including j )   (sigma_d unused)
//! ```

use serde::{Deserialize, Serialize};

/// How a country's own (diagonal) sales enter its demand system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DomesticTreatment {
    /// Two-level CES: domestic good vs the import composite (`sigma_d`), imports
    /// by source (`sigma_m`). Default.
    #[default]
    Nested,
    /// The diagonal is one more source inside the import nest (GSIM's
    /// intra-region trade): `sigma_d` unused, a diagonal tariff is allowed and
    /// its revenue counts.
    AsImportSource,
}

impl DomesticTreatment {
    /// Parses `nested` or `as-import-source`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "nested" => Some(DomesticTreatment::Nested),
            "as-import-source" => Some(DomesticTreatment::AsImportSource),
            _ => None,
        }
    }

    /// The name [`DomesticTreatment::parse`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            DomesticTreatment::Nested => "nested",
            DomesticTreatment::AsImportSource => "as-import-source",
        }
    }
}

//! The data the model runs on: countries, sectors, elasticities, and one
//! market (baseline flows, tariffs, non-tariff wedges, supply elasticities)
//! per sector.
//!
//! ```text
//! x0[i][j]  baseline value shipped from origin i to destination j (producer prices = 1)
//! t[i][j]   ad valorem tariff on i's good in j            (> -1)
//! c[i][j]   ad valorem non-tariff wedge on i's good in j  (>= 0, dissipated)
//! epsilon_i supply elasticity of origin i                  (>= 0 or +inf)
//! e0[i][j]  export tax of exporter i on its sales to j     (> -1; optional)
//! quotas    baseline quotas, binding with a rent premium   (optional)
//! ```
//! Every matrix is indexed `[origin, destination]`.

/// Serde for a type derived with `#[serde(remote = "Self")]`: it is written
/// as derived, and read as derived and then passed through `$check` (the
/// type's own validation, giving `Result<Self, impl Display>` from the raw
/// value `$raw`), so no invalid value is ever read.
macro_rules! checked_serde {
    ($ty:ident, $doc:literal, |$raw:ident| $check:expr) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                $ty::serialize(self, s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            #[doc = $doc]
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                let $raw = $ty::deserialize(d)?;
                $check.map_err(serde::de::Error::custom)
            }
        }
    };
}

mod country;
mod dataset;
pub mod limits;
mod market;
mod restrictions;
pub(crate) mod sector;
pub(crate) mod serde_inf;
mod treatment;

pub use country::{Country, CountryId, SectorId};
pub use dataset::{DEFAULT_UNITS, Dataset};
pub use market::{Market, Matrix};
pub use restrictions::{BaselineQuota, QuotaHolder, quota_cells};
pub use sector::{Elasticities, Sector};
pub use treatment::DomesticTreatment;

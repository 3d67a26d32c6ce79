//! A dataset: the countries, the sectors and one market per sector.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{Country, CountryId, Elasticities, Market, Sector, SectorId};
use crate::error::{Error, Result};

/// What the embedded data and a data folder without a `units` setting are measured in.
pub const DEFAULT_UNITS: &str = "US$ million per year at baseline prices";

/// Countries, sectors and the baseline market of every sector, with where
/// they came from.
///
/// Every constructor validates (codes, sizes, elasticity ranges); so does
/// deserialisation, so a `Dataset` read back from JSON is as checked as one
/// loaded from files. Infinite supply elasticities serialise as `"inf"`.
///
/// # Examples
/// ```
/// use customs_union::prelude::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let data = Dataset::embedded("eaeu2009")?;
/// assert_eq!(data.countries()[0].code, "KAZ");
/// let json = serde_json::to_string(&data)?;
/// let back: Dataset = serde_json::from_str(&json)?;
/// assert_eq!(back, data);
/// # Ok(())
/// # }
/// ```
///
/// Two datasets are equal when their content and provenance are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Dataset {
    countries: Vec<Country>,
    sectors: Vec<Sector>,
    markets: Vec<Market>,
    /// Where the data came from: an embedded dataset's name, the data folder
    /// as given, or `<api>` for data built in code.
    #[serde(default)]
    source: String,
    /// Units of every value (flows, revenue, welfare).
    #[serde(default)]
    units: String,
    /// What the loader noticed (e.g. sectors with no flows).
    #[serde(default)]
    warnings: Vec<String>,
    /// Rows that put a tariff or wedge on a country's own sales: allowed only
    /// under the as-import-source treatment; raised when a run uses the nested one.
    #[serde(skip)]
    diagonal_rows: DeferredErrors,
}

/// Errors the loader deferred (rows with a tariff or wedge on a country's
/// own sales). They follow from the content, so they never make two datasets
/// unequal on their own.
#[derive(Debug, Clone, Default)]
struct DeferredErrors(Vec<Error>);

impl PartialEq for DeferredErrors {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

checked_serde!(
    Dataset,
    "Reads a dataset and checks it as [`Dataset::new`] does.",
    |raw| {
        Dataset::new(raw.countries, raw.sectors, raw.markets).map(|checked| Dataset {
            source: if raw.source.is_empty() {
                checked.source
            } else {
                raw.source
            },
            units: if raw.units.is_empty() {
                checked.units
            } else {
                raw.units
            },
            warnings: raw.warnings,
            ..checked
        })
    }
);

impl Dataset {
    /// A dataset; `markets[s]` belongs to `sectors[s]` and has one row per country.
    ///
    /// # Errors
    /// [`Error::Invalid`] on duplicate or empty codes, a market of the wrong size,
    /// or a sector's elasticities out of range.
    pub fn new(
        countries: Vec<Country>,
        sectors: Vec<Sector>,
        markets: Vec<Market>,
    ) -> Result<Self> {
        if countries.is_empty() {
            return Err(Error::invalid("dataset", "no countries"));
        }
        check_codes("country code", countries.iter().map(|c| c.code.as_str()))?;
        for c in &countries {
            if let Some(g) = c.gdp {
                if !(g.is_finite() && g > 0.0) {
                    return Err(Error::invalid(
                        "country gdp",
                        format!("{}: must be finite and > 0, got {g}", c.code),
                    ));
                }
            }
            if !(c.collection > 0.0 && c.collection <= 1.0) {
                return Err(Error::invalid(
                    "country collection",
                    format!("{}: must be in (0, 1], got {}", c.code, c.collection),
                ));
            }
        }
        check_codes("sector code", sectors.iter().map(|s| s.code.as_str()))?;
        for s in &sectors {
            s.elasticities.validate()?;
            super::sector::check_supply(s.supply_default)?;
        }
        if markets.len() != sectors.len() {
            return Err(Error::invalid(
                "dataset",
                format!("{} sectors but {} markets", sectors.len(), markets.len()),
            ));
        }
        for (s, m) in sectors.iter().zip(&markets) {
            if m.n() != countries.len() {
                return Err(Error::invalid(
                    "dataset",
                    format!(
                        "market of sector {} has {} countries, expected {}",
                        s.code,
                        m.n(),
                        countries.len()
                    ),
                ));
            }
        }
        for (s, m) in sectors.iter().zip(&markets) {
            for (i, &e) in m.supply().iter().enumerate() {
                super::sector::check_supply(e).map_err(|_| {
                    Error::invalid(
                        "supply elasticity",
                        format!(
                            "sector {}, country {}: must be >= 0 or inf, got {e}",
                            s.code, countries[i].code
                        ),
                    )
                })?;
            }
        }
        Ok(Dataset {
            countries,
            sectors,
            markets,
            source: "<api>".to_string(),
            units: DEFAULT_UNITS.to_string(),
            warnings: Vec::new(),
            diagonal_rows: DeferredErrors::default(),
        })
    }

    setters! {
        /// Names where the data came from (kept in every result's metadata).
        with_source(source: impl Into<String>) -> source = source.into();
        /// Sets the units of every value.
        with_units(units: impl Into<String>) -> units = units.into();
    }

    /// Adds what the loader noticed.
    pub(crate) fn with_notes(mut self, warnings: Vec<String>, diagonal_rows: Vec<Error>) -> Self {
        self.warnings = warnings;
        self.diagonal_rows = DeferredErrors(diagonal_rows);
        self
    }

    /// Where the data came from: an embedded dataset's name, the data folder
    /// as given, or `<api>`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Units of every value (flows, revenue, welfare).
    pub fn units(&self) -> &str {
        &self.units
    }

    /// What the loader noticed (e.g. sectors with no flows).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The first data row that taxes a country's own sales, as an error ready
    /// to raise under the nested treatment.
    pub(crate) fn diagonal_row(&self) -> Option<&Error> {
        self.diagonal_rows.0.first()
    }

    /// A SHA-256 fingerprint (hex) of the data's economic content: codes,
    /// names, elasticities, flows, tariffs, wedges and supply elasticities.
    /// Where the data came from does not enter it.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"customs-union/dataset/v1\n");
        // the JSON is hashed as it is written: at the tariff line it is
        // hundreds of megabytes that need not be held
        struct Hashing<'h>(&'h mut Sha256);
        impl std::io::Write for Hashing<'_> {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.update(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let content = (&self.countries, &self.sectors, &self.markets);
        let mut w = std::io::BufWriter::with_capacity(1 << 16, Hashing(&mut h));
        let _ = serde_json::to_writer(&mut w, &content);
        drop(w);
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The countries, in index order.
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The sectors, in index order.
    pub fn sectors(&self) -> &[Sector] {
        &self.sectors
    }

    /// The markets, `markets()[s]` for `sectors()[s]`.
    pub fn markets(&self) -> &[Market] {
        &self.markets
    }

    /// Replaces the elasticities of sector `sector` (an index).
    ///
    /// # Errors
    /// [`Error::Invalid`] when the index is out of range or a value is out of range.
    pub fn set_elasticities(&mut self, sector: usize, elasticities: Elasticities) -> Result<()> {
        elasticities.validate()?;
        let s = self
            .sectors
            .get_mut(sector)
            .ok_or_else(|| Error::invalid("sector index", format!("{sector} is out of range")))?;
        s.elasticities = elasticities;
        Ok(())
    }

    /// Replaces the supply elasticities of sector `sector` (one per country).
    ///
    /// # Errors
    /// [`Error::Invalid`] when the index is out of range, the length differs or
    /// a value is negative or NaN.
    pub fn set_supply(&mut self, sector: usize, supply: Vec<f64>) -> Result<()> {
        let m = self
            .markets
            .get_mut(sector)
            .ok_or_else(|| Error::invalid("sector index", format!("{sector} is out of range")))?;
        m.set_supply(supply)
    }

    /// Index of a country code.
    pub fn country_id(&self, code: &str) -> Option<CountryId> {
        self.countries
            .iter()
            .position(|c| c.code == code)
            .map(CountryId)
    }

    /// Index of a sector code.
    pub fn sector_id(&self, code: &str) -> Option<SectorId> {
        self.sectors
            .iter()
            .position(|s| s.code == code)
            .map(SectorId)
    }

    /// Number of countries.
    pub fn n_countries(&self) -> usize {
        self.countries.len()
    }

    /// The dataset with every flow scaled by `k` (prices and shares unchanged).
    pub fn scaled(&self, k: f64) -> Dataset {
        Dataset {
            markets: self.markets.iter().map(|m| m.scaled(k)).collect(),
            ..self.clone()
        }
    }
}

/// Checks that `codes` are valid (not blank, not the wildcard `*`) and
/// unique; `what` names them in errors ("country code").
fn check_codes<'a>(what: &str, codes: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen = HashSet::new();
    for code in codes {
        if code.trim().is_empty() || code == "*" {
            return Err(Error::invalid(
                what,
                format!("`{code}` is not a valid code"),
            ));
        }
        if !seen.insert(code) {
            return Err(Error::invalid(what, format!("duplicate code {code}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Matrix;

    fn two() -> Dataset {
        let flows = Matrix::from_rows(&[vec![10.0, 2.0], vec![3.0, 20.0]]).unwrap();
        let market = Market::new(
            flows,
            Matrix::zeros(2),
            Matrix::zeros(2),
            vec![1.0, f64::INFINITY],
        )
        .unwrap();
        let sector = Sector {
            code: "G".into(),
            name: "goods".into(),
            elasticities: Elasticities::new(4.0, 2.0, 1.0).unwrap(),
            supply_default: f64::INFINITY,
        };
        Dataset::new(
            vec![
                Country::new("A", "a").with_gdp(100.0),
                Country::new("B", "b"),
            ],
            vec![sector],
            vec![market],
        )
        .unwrap()
    }

    #[test]
    fn json_round_trip_keeps_infinite_supply_elasticities() {
        let d = two();
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"inf\""), "{json}");
        let back: Dataset = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.markets()[0].supply()[1], f64::INFINITY);
        assert_eq!(back.fingerprint(), d.fingerprint());
    }

    #[test]
    fn deserialising_checks_like_the_constructor() {
        let json = serde_json::to_string(&two()).unwrap();
        let bad_sigma = json.replace("\"sigma_import\":4.0", "\"sigma_import\":-4.0");
        assert_ne!(bad_sigma, json);
        assert!(serde_json::from_str::<Dataset>(&bad_sigma).is_err());
        let bad_code = json.replace("\"code\":\"B\"", "\"code\":\"A\"");
        assert!(serde_json::from_str::<Dataset>(&bad_code).is_err());
        let bad_flow = json.replace("[10.0,2.0,3.0,20.0]", "[10.0,-2.0,3.0,20.0]");
        assert_ne!(bad_flow, json);
        assert!(serde_json::from_str::<Dataset>(&bad_flow).is_err());
    }

    #[test]
    fn setters_refuse_what_the_constructor_refuses() {
        let mut d = two();
        let bad = Elasticities {
            sigma_import: -1.0,
            sigma_domestic: 2.0,
            demand: 1.0,
        };
        assert!(d.set_elasticities(0, bad).is_err());
        assert!(d.set_supply(0, vec![1.0, -1.0]).is_err());
        assert!(
            d.set_elasticities(5, Elasticities::new(2.0, 2.0, 1.0).unwrap())
                .is_err()
        );
    }
}

//! A dataset: the countries, the sectors and one market per sector.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Country, CountryId, Market, Sector, SectorId};
use crate::error::{Error, Result};

/// Countries, sectors and the baseline market of every sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    countries: Vec<Country>,
    sectors: Vec<Sector>,
    markets: Vec<Market>,
}

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
        let mut seen = HashMap::new();
        for c in &countries {
            if c.code.trim().is_empty() || c.code == "*" {
                return Err(Error::invalid(
                    "country code",
                    format!("`{}` is not a valid code", c.code),
                ));
            }
            if seen.insert(c.code.as_str(), ()).is_some() {
                return Err(Error::invalid(
                    "country code",
                    format!("duplicate code {}", c.code),
                ));
            }
        }
        let mut seen = HashMap::new();
        for s in &sectors {
            if s.code.trim().is_empty() || s.code == "*" {
                return Err(Error::invalid(
                    "sector code",
                    format!("`{}` is not a valid code", s.code),
                ));
            }
            if seen.insert(s.code.as_str(), ()).is_some() {
                return Err(Error::invalid(
                    "sector code",
                    format!("duplicate code {}", s.code),
                ));
            }
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
        Ok(Dataset {
            countries,
            sectors,
            markets,
        })
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

    /// Mutable sectors (to change elasticities; ranges are re-checked by the solver).
    pub fn sectors_mut(&mut self) -> &mut [Sector] {
        &mut self.sectors
    }

    /// Mutable markets.
    pub fn markets_mut(&mut self) -> &mut [Market] {
        &mut self.markets
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

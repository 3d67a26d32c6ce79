//! # customs-union
//!
//! A partial-equilibrium Armington model of what a customs union does to
//! trade: countries, sectors, tariff regimes (MFN, customs unions with common
//! external tariff rules and duty pooling, free trade areas, any bilateral
//! tariff or non-tariff change), an exact nonlinear equilibrium solver, the
//! GSIM-linear and WITS-SMART variants for comparison with published numbers,
//! welfare and trade creation/diversion reports, and Monte Carlo over
//! uncertain elasticities.
//!
//! The equations are in `docs/model.md` and in each module's documentation.
//!
//! # Quick start
//!
//! ```
//! use customs_union::io::embedded::EmbeddedDataset;
//! use customs_union::policy::{CetRule, CustomsUnion};
//! use customs_union::results::{RunOptions, run_scenario};
//! use customs_union::scenario::{Scenario, ScenarioSet};
//!
//! # fn main() -> Result<(), customs_union::Error> {
//! // the embedded 2009 dataset: KAZ, RUS, BLR, KGZ, CHN, EU27, ROW; 8 sectors
//! let data = EmbeddedDataset::Eaeu2009.load()?.dataset;
//! let union = CustomsUnion::new("CU", &["KAZ", "RUS", "BLR"], CetRule::Adopt { country: "RUS".into() })
//!     .with_pooling(&[("RUS", 0.8797), ("KAZ", 0.0733), ("BLR", 0.0470)]);
//! let set = ScenarioSet::new(vec![Scenario::new("cet-2010").with_union(union)]);
//! let opts = RunOptions::default();
//! let scenario = &set.compile(&data, opts.effective_treatment())?[0];
//! let result = run_scenario(&data, scenario, &opts)?;
//! let kaz = data.country_id("KAZ").unwrap().0;
//! // the common external tariff diverts Kazakhstan's imports and costs it welfare
//! assert!(result.totals[kaz].trade_diversion > 0.0);
//! assert!(result.totals[kaz].welfare < 0.0);
//! # Ok(())
//! # }
//! ```
//!
//! Modules: [`model`] (data types), [`policy`] and [`scenario`] (what changes),
//! [`solver`] (exact, GSIM-linear and SMART), [`welfare`] and [`results`]
//! (what is reported), [`monte_carlo`], [`io`] (CSV, TOML, JSON, embedded data).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Index loops over [origin][destination] read more clearly than zipped iterators in matrix code.
#![allow(clippy::needless_range_loop)]

pub mod error;
pub mod io;
pub mod model;
pub mod monte_carlo;
pub mod policy;
pub mod report;
pub mod results;
pub mod scenario;
pub mod solver;
pub mod tolerance;
pub mod welfare;

pub use error::{Error, Result};
pub use model::{Country, CountryId, Dataset, Elasticities, Market, Matrix, Sector, SectorId};
pub use policy::{PolicyState, SectorPolicy};
pub use solver::{
    DomesticTreatment, Equilibrium, Method, SolverConfig, SolverReport, Termination, solve_market,
};

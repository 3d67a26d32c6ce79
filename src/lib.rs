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

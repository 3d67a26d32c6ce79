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
//! use customs_union::prelude::*;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // the embedded 2009 dataset: KAZ, RUS, BLR, KGZ, CHN, EU27, ROW; 8 sectors
//! let data = Dataset::embedded("eaeu2009")?;
//! let union = CustomsUnion::new("CU", &["KAZ", "RUS", "BLR"], CetRule::Adopt { country: "RUS".into() })
//!     .with_pooling(&[("RUS", 0.8797), ("KAZ", 0.0733), ("BLR", 0.0470)]);
//! let set = ScenarioSet::new(vec![Scenario::new("cet-2010").with_union(union)]);
//! let results = Simulation::new(&data).run(&set)?;
//! let kaz = results[0].country("KAZ").unwrap();
//! // the common external tariff diverts Kazakhstan's imports and costs it welfare
//! assert!(kaz.trade_diversion > 0.0);
//! assert!(kaz.welfare < 0.0);
//! # Ok(())
//! # }
//! ```
//!
//! # Layers
//!
//! Each module depends only on those above it in this list:
//! [`model`] (data types) → [`policy`] (what changes) → [`scenario`] (scenarios
//! and their compilation) → [`solver`] (raw solutions of the exact,
//! GSIM-linear and SMART variants) → [`accounts`] (one path from any
//! solution to country outcomes, trade effects, pooling and welfare) →
//! [`run`] (results, decomposition, Article XXIV) → [`monte_carlo`] →
//! [`simulation`] (the entry point: [`Simulation`], [`ScenarioSet`],
//! [`RunResults`]) → [`io`] (CSV, TOML, JSON, embedded data).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]
// Index loops over [origin][destination] read more clearly than zipped iterators in matrix code.
#![allow(clippy::needless_range_loop)]

#[macro_use]
mod setters;

pub mod accounts;
pub mod diagnostics;
pub mod error;
pub mod io;
pub mod model;
pub mod monte_carlo;
pub mod policy;
pub mod report;
pub mod run;
pub mod scenario;
pub mod simulation;
pub mod solver;
pub mod tolerance;

pub use accounts::{CountryOutcome, OutcomeField};
pub use error::{Error, Infeasible};
pub use model::{
    Country, CountryId, Dataset, DomesticTreatment, Elasticities, Market, Matrix, Sector, SectorId,
};
pub use monte_carlo::McSummary;
pub use policy::{PolicyState, SectorPolicy};
pub use run::{Code, CountryResult, FlowResult, ScenarioResult, SectorResult};
pub use simulation::{Meta, RunResults, ScenarioSet, Simulation};
pub use solver::{
    Equilibrium, Method, ModelVariant, SolverConfig, SolverReport, Termination, solve_market,
};

/// Everything an economist's program needs, in one import:
/// `use customs_union::prelude::*;`. It exports no `Result` alias.
pub mod prelude {
    pub use crate::accounts::QuotaRegime;
    pub use crate::accounts::{CountryOutcome, OutcomeField};
    pub use crate::error::{Error, Infeasible};
    pub use crate::model::{
        BaselineQuota, Country, Dataset, DomesticTreatment, Elasticities, Market, Matrix,
        QuotaHolder, Sector,
    };
    pub use crate::monte_carlo::{
        Distribution, McSummary, Metric, MonteCarloSpec, Sampling, Subject, Tracked,
    };
    pub use crate::policy::{CetException, CetRule, CustomsUnion, InternalQuotas, RevenueSharing};
    pub use crate::run::{
        ComponentContribution, CountryResult, FlowResult, QuotaResult, ScenarioResult,
        SectorResult, UnionResult,
    };
    pub use crate::scenario::{Action, PolicyChange, QuotaChange, Scenario};
    pub use crate::simulation::{Meta, RunResults, ScenarioSet, Simulation};
    pub use crate::solver::{Method, ModelVariant, SolverConfig, SolverReport};
}

/// The README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

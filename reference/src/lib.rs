//! An independent reference implementation of the customs-union model, for
//! the library's tests to compare against.
//!
//! It is written from the model's equations (`docs/model.md`), not from the
//! library's code: plain `Vec<Vec<f64>>` matrices indexed
//! `[origin][destination]`, straightforward `powf` formulas, its own policy
//! compiler and its own solver. It does not depend on the library, so the
//! test build compiles it once and its types never mix with the library's;
//! the conversions live with the tests (`tests/common`).
//!
//! ```text
//! data        one sector's market, a dataset of sectors
//! unions      customs unions: internal tariffs, NTB cut, CET rules, pools
//! policy      tariff/NTB changes, `extends` chains -> one policy per sector
//! model       the exact nested-CES demand and the market-clearing residual
//! solve       Newton on log prices with a finite-difference Jacobian
//! accounts    welfare, trade creation and diversion, totals, union aggregates
//! pooling     duty pooling by shares
//! quotas      quotas, tariff-rate quotas and export taxes (regimes tried in turn)
//! ranges      the parameter ranges the model promises, shared by:
//! generate    the seeded generator (a seed names a case)
//! strategies  proptest strategies for markets, policies, datasets, scenarios
//! files       the cases as a CSV data directory and a TOML scenario file
//! compare     tolerances of the comparison
//! ```
// Index loops over [origin][destination] read more clearly than zipped iterators in matrix code.
#![allow(clippy::needless_range_loop)]
#![forbid(unsafe_code)]

pub mod accounts;
pub mod compare;
pub mod data;
pub mod files;
pub mod generate;
pub mod model;
pub mod policy;
pub mod pooling;
pub mod quotas;
pub mod ranges;
pub mod rng;
pub mod solve;
pub mod strategies;
pub mod unions;

pub use accounts::*;
pub use compare::*;
pub use data::*;
pub use files::*;
pub use generate::*;
pub use model::*;
pub use policy::*;
pub use pooling::*;
pub use quotas::*;
pub use rng::*;
pub use solve::*;
pub use unions::*;

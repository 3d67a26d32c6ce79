//! Accounts: from a model variant's solution of a sector to what each country
//! gains or loses, along one path for every variant.
//!
//! ```text
//! solution (prices, flows, the variant's surplus measures)
//!   -> imports, tariff revenue (world-price base), duty pooling
//!   -> trade creation / diversion / external suppression for union members
//!   -> quota rent to its holder, export-tax revenue to the exporter
//!   -> welfare = dCS + dPS + dTR + d quota rent + d export-tax revenue
//! ```
//! A new model variant implements the solver's crate-internal `SectorSolution`
//! and needs nothing here.

mod close;
mod outcome;
mod quota;

pub(crate) use close::{country_accounts, country_outcomes, pool_and_close};
pub use outcome::{CountryOutcome, OutcomeField, trade_effects};
pub use quota::{QuotaFigures, QuotaOutcome, QuotaRegime, quota_outcomes};

//! The ranges the model promises to handle, shared by the seeded generator
//! ([`crate::generate`]) and the proptest strategies ([`crate::strategies`]),
//! so both cover the same cases.
//!
//! ```text
//! countries 3-12, sectors 1-4
//! sigma_m, sigma_d  log-uniform in [0.3, 15], sometimes exactly 1 or equal
//! eta               uniform in [0, 4], sometimes exactly 0 or 1
//! epsilon           uniform in [0, 50], sometimes 0 or infinite
//! flows             log-uniform in [0.1, 1000], some zero (diagonal too)
//! tariffs [0, 2], NTB wedges [0, 0.5]
//! ```
//! Within [`NEAR_ONE`] of 1 a sigma or eta becomes exactly 1: there the
//! reference's plain `powf` forms lose digits (the model's `expm1` forms do
//! not), while at 1 it uses the closed-form limit.

use std::ops::RangeInclusive;

/// Number of countries.
pub const COUNTRIES: RangeInclusive<usize> = 3..=12;
/// Number of sectors.
pub const SECTORS: RangeInclusive<usize> = 1..=4;
/// Substitution elasticities (log-uniform).
pub const SIGMA: RangeInclusive<f64> = 0.3..=15.0;
/// Aggregate demand elasticity (uniform).
pub const ETA: RangeInclusive<f64> = 0.0..=4.0;
/// Finite supply elasticities (uniform).
pub const EPSILON: RangeInclusive<f64> = 0.0..=50.0;
/// Positive baseline flows (log-uniform).
pub const FLOW: RangeInclusive<f64> = 0.1..=1000.0;
/// Tariffs, baseline and counterfactual.
pub const TARIFF: RangeInclusive<f64> = 0.0..=2.0;
/// Non-tariff wedges, baseline and counterfactual.
pub const NTB: RangeInclusive<f64> = 0.0..=0.5;
/// A union's tariff on its members' mutual trade, when not 0.
pub const INTERNAL_TARIFF: RangeInclusive<f64> = 0.0..=0.1;
/// A union's cut of its members' mutual NTB wedges, when not 0.
pub const NTB_CUT: RangeInclusive<f64> = 0.0..=1.0;
/// A CET schedule's default (`*`) rate.
pub const CET_RATE: RangeInclusive<f64> = 0.0..=0.3;
/// A CET schedule's rate for one sector.
pub const CET_SECTOR_RATE: RangeInclusive<f64> = 0.0..=0.5;
/// A CET schedule's exception for one member and sector.
pub const CET_EXCEPTION_RATE: RangeInclusive<f64> = 0.0..=0.2;
/// Weights behind a pool's shares.
pub const POOL_WEIGHT: RangeInclusive<f64> = 0.05..=1.0;
/// A change's `set` value.
pub const CHANGE_SET: RangeInclusive<f64> = 0.0..=2.0;
/// A change's `add` value.
pub const CHANGE_ADD: RangeInclusive<f64> = 0.0..=0.3;
/// A change's `scale` factor.
pub const CHANGE_SCALE: RangeInclusive<f64> = 0.0..=2.0;
/// Members of a scenario's first union (at most one fewer than the countries).
pub const UNION_MEMBERS: RangeInclusive<usize> = 2..=5;
/// Distance from 1 within which a sigma or eta is taken as exactly 1.
pub const NEAR_ONE: f64 = 1e-3;
/// The epsilon given instead of 0 where eta = 0 (prices must be determined).
pub const EPSILON_WHERE_ETA_ZERO: f64 = 1.5;

/// Chance that a sigma is exactly 1 (Cobb-Douglas).
pub const P_SIGMA_ONE: f64 = 0.08;
/// Chance that sigma_d equals sigma_m (one nest).
pub const P_EQUAL_SIGMAS: f64 = 0.1;
/// Chance that eta is exactly 0, and (then) exactly 1.
pub const P_ETA_ZERO: f64 = 0.08;
/// See [`P_ETA_ZERO`].
pub const P_ETA_ONE: f64 = 0.08;
/// Chance that an origin is a price taker (infinite epsilon), and (then) that epsilon is 0.
pub const P_PRICE_TAKER: f64 = 0.2;
/// See [`P_PRICE_TAKER`].
pub const P_EPSILON_ZERO: f64 = 0.1;
/// Chance that a domestic flow is zero (a country without domestic sales).
pub const P_ZERO_DOMESTIC: f64 = 0.25;
/// Chance that a bilateral flow is zero.
pub const P_ZERO_FLOW: f64 = 0.2;
/// Chance that a baseline cell carries no tariff.
pub const P_NO_TARIFF: f64 = 0.3;
/// Chance that a bilateral baseline cell carries an NTB wedge.
pub const P_NTB: f64 = 0.3;
/// Chance that a counterfactual policy resets a cell's tariff, and its wedge.
pub const P_POLICY_TARIFF: f64 = 0.35;
/// See [`P_POLICY_TARIFF`].
pub const P_POLICY_NTB: f64 = 0.15;

/// `x`, or exactly 1 when within [`NEAR_ONE`] of it.
pub fn snap_to_one(x: f64) -> f64 {
    if (x - 1.0).abs() < NEAR_ONE { 1.0 } else { x }
}

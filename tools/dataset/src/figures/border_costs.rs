//! Non-tariff border costs of 2009 and the union they apply in.

/// Ad valorem equivalent of border costs among KAZ, RUS and BLR before the
/// internal customs controls were removed (U: docs/sources.md#non-tariff-border-costs; Monte Carlo range 5-20%).
pub const NTB_UNION_2009: f64 = 0.10;
/// The same wedge on KGZ's trade with KAZ, RUS and BLR (U: extension of the
/// assumption of docs/sources.md#non-tariff-border-costs, so that the 2015 accession has border costs to cut).
pub const NTB_KGZ_2009: f64 = 0.10;
/// The original customs-union members (V: 1995 agreement; 2010 CET).
pub const UNION_MEMBERS: [&str; 3] = ["KAZ", "RUS", "BLR"];

//! Tariffs of 2009: the World Bank averages Kazakhstan's schedules are
//! calibrated to, the priors they start from, and the other regions' rates.

/// Kazakhstan's simple average tariff before the CET (V: World Bank, "Kazakhstan
/// in the Customs Union: Losses or Gains?", 18 Apr 2012, Report 74356-KZ).
pub const KAZ_SIMPLE_BEFORE: f64 = 0.067;
/// Kazakhstan's trade-weighted average tariff before the CET (V: same).
pub const KAZ_WEIGHTED_BEFORE: f64 = 0.053;
/// Kazakhstan's simple average tariff under the CET (V: same).
pub const KAZ_SIMPLE_CET: f64 = 0.111;
/// Kazakhstan's trade-weighted average tariff under the CET (V: same).
pub const KAZ_WEIGHTED_CET: f64 = 0.095;
/// Largest accepted miss of a calibrated average (0.1 percentage point).
pub const CALIBRATION_TOLERANCE: f64 = 0.001;

/// Outsiders over whose imports the Kazakhstan averages are computed: the MFN
/// partners (D: docs/sources.md#how-the-averages-are-compared; KGZ trades duty-free
/// under the CIS FTA and is left out of the MFN average).
pub const MFN_PARTNERS: [&str; 3] = ["CHN", "EU27", "ROW"];

/// Countries trading duty-free with one another under the CIS free trade
/// agreements (V: CIS FTA of 14 Apr 1994; U: that no duty applied in 2009,
/// sensitive-list exemptions ignored).
pub const CIS_FTA: [&str; 4] = ["KAZ", "RUS", "BLR", "KGZ"];

/// Kazakhstan's 2009 MFN rate by sector before calibration (U: midpoints of
/// the indicative ranges of docs/sources.md#indicative-sector-averages: food 9-12, minerals 1-3, chemicals 3-5, metals
/// 3-5, machinery 2-5 / vehicles 5-10 (mostly machinery lines), textiles and
/// consumer goods 8-12; WOOD and OTHR have no range: assumed).
pub const KAZ_PRIOR: [f64; 8] = [0.105, 0.020, 0.040, 0.040, 0.035, 0.100, 0.080, 0.070];

/// Russia's 2009 MFN rate by sector before calibration, the schedule the CET
/// adopts (U: indicative CET ranges of docs/sources.md#indicative-sector-averages: food 13-15, minerals 3-5,
/// chemicals 6-7, metals 8-10, machinery 5-8 / vehicles 12-15, textiles 12-17;
/// Russia applied 2011 (V2): agriculture 13.2, chemicals 6.5, wood and paper
/// 13.4, manufactures 9.5; OTHR assumed).
pub const RUS_PRIOR: [f64; 8] = [0.145, 0.045, 0.065, 0.095, 0.080, 0.160, 0.134, 0.125];

/// Belarus's 2009 rates relative to Russia's: 4% higher, so that adopting the CET
/// brings "small declines" (U; V2 Mkrtchyan 2013 says small declines).
pub const BLR_OVER_RUS: f64 = 1.04;

/// Kyrgyzstan's 2009 MFN applied rates (U: low, about 5% on average; WTO member
/// since 1998; not checked against its tariff profile).
pub const KGZ_MFN: [f64; 8] = [0.075, 0.020, 0.035, 0.040, 0.040, 0.080, 0.055, 0.055];
/// China's 2009 MFN applied rates (U: plausible sector averages; China's simple
/// MFN average about 9.6%, not checked against WTO tariff profiles).
pub const CHN_MFN: [f64; 8] = [0.152, 0.035, 0.065, 0.070, 0.085, 0.120, 0.050, 0.100];
/// The EU's 2009 MFN applied rates (U: plausible sector averages incl. ad
/// valorem equivalents in agriculture; EU simple average about 5.3%; preferences
/// such as GSP ignored).
pub const EU27_MFN: [f64; 8] = [0.130, 0.007, 0.045, 0.020, 0.030, 0.080, 0.020, 0.030];
/// The rest of the world's 2009 MFN applied rates (U: plausible world sector
/// averages; ROW's own preferential agreements, e.g. CIS members in ROW, ignored).
pub const ROW_MFN: [f64; 8] = [0.140, 0.030, 0.055, 0.055, 0.055, 0.110, 0.060, 0.070];

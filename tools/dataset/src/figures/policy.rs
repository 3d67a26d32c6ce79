//! Policy rates of `policy_rates.csv`: the CET's path under Russia's WTO
//! commitments and Kazakhstan's bound rates.

/// Russia's applied simple average reached on the WTO path in 2020 (V:
/// Shepotylo & Tarr, World Bank PRWP 6161, 2012: 11.5% in 2012 to 7.9%).
pub const CET_2020_SIMPLE: f64 = 0.079;
/// Russia's 2012 applied simple average on the same path (V: same), for the report.
pub const CET_2012_SIMPLE: f64 = 0.115;
/// Russia's trade-weighted averages 2012 and 2020 (V: same), for the report.
pub const CET_WEIGHTED_2012_2020: (f64, f64) = (0.130, 0.058);

/// Bound (final) / applied (2011) ratios of Russia's WTO schedule by sector
/// (D from V2 figures, WTO accession press release Dec 2011): AGF agriculture
/// 10.8/13.2; FUEL, METL, TEXC, OTHR manufactures 7.3/9.5; CHEM chemicals
/// 5.2/6.5; MACH mean of cars 12.0/15.5 and electrical machinery 6.2/8.4; WOOD
/// wood and paper 8.0/13.4. They shape the 2020 cut; one common factor then
/// sets its simple average to [`CET_2020_SIMPLE`].
pub const WTO_GROUP_RATIOS: [(&str, f64, f64, &str); 8] = [
    ("AGF", 10.8, 13.2, "agriculture"),
    ("FUEL", 7.3, 9.5, "manufactures"),
    ("CHEM", 5.2, 6.5, "chemicals"),
    ("METL", 7.3, 9.5, "manufactures"),
    (
        "MACH",
        9.1,
        11.95,
        "mean of cars 12.0/15.5 and electrical machinery 6.2/8.4",
    ),
    ("TEXC", 7.3, 9.5, "manufactures"),
    ("WOOD", 8.0, 13.4, "wood and paper"),
    ("OTHR", 7.3, 9.5, "manufactures"),
];

/// Kazakhstan's WTO bound simple average (V2: several sources).
pub const KAZ_BOUND_AVERAGE: f64 = 0.061;
/// Kazakhstan's WTO bound average for agriculture (V2), used for AGF.
pub const KAZ_BOUND_AGRICULTURE: f64 = 0.076;
/// Kazakhstan's WTO bound average for non-agricultural goods (V2), for the report;
/// the seven non-AGF sectors average (8 x 6.1 - 7.6) / 7 = 5.886 so that the
/// eight-sector mean is 6.1 exactly.
pub const KAZ_BOUND_NON_AGRICULTURE: f64 = 0.059;

/// Members' shares of the union's import duties collected in 2012 (D: derived
/// from Belarus's 2012 receipts; docs/sources.md#duties-collected-in-2012; as
/// rounded the three sum to 100.05%). The collection shares `k` of
/// `countries.csv` are calibrated so that the 2010 CET reproduces them.
pub const COLLECTED_SHARES_2012: [(&str, f64); 3] =
    [("RUS", 0.895), ("KAZ", 0.069), ("BLR", 0.0365)];
/// The member whose collection share is fixed at 1 in that calibration: only
/// the ratios of collected duties are observed, so one `k` is a normalisation.
pub const COLLECTION_REFERENCE: &str = "RUS";
/// Largest accepted miss of a member's collected share under the CET against
/// [`COLLECTED_SHARES_2012`] (0.1 percentage point: the published shares are
/// rounded to 0.1 point and sum to 100.05%, and `k` is written to 4 decimals).
pub const COLLECTION_TOLERANCE: f64 = 0.001;
/// Collection share of every region outside the calibration (U: full
/// collection; it matters only where a region's duties are pooled).
pub const COLLECTION_DEFAULT: f64 = 1.0;

//! Generator of the embedded datasets `data/eaeu2009` and `data/kaz1995`.
//!
//! Every figure written to the CSV files is either read from a file in
//! `data/raw/` or is a named constant below whose comment gives its status
//! (V read in the named source, V2 read in a secondary source quoting it, D
//! derived by the stated rule, U assumption, seed stated in the 1995 essay)
//! and its origin. The same status and origin go into each row's `source`
//! column.
//!
//! ```text
//! eaeu2009 (7 regions x 8 sectors, US$ million, 2009):
//!   off-diagonal cell  = COW v4.0 importer-reported flow (V); EU27<->ROW: FACTS.md table (V2)
//!   diagonal cell      = gamma (U) x WDI GDP (V) - the matrix's own row sum of exports
//!   sector split       = baseline_7x7x8 shares (U), then for Kazakhstan a RAS fit:
//!                        x[KAZ->j][s] and x[i->KAZ][s] scaled so that each partner's
//!                        total stays the COW cell and each sector's total matches
//!                        the 2015 BNS composition (V)
//!   tariffs            = priors (U) scaled by t_s = p_s (1 + l1 + l2 w_s), l1, l2 solving
//!                        mean_s t_s = A and sum_s w_s t_s = W (World Bank averages, V)
//! kaz1995 (5 regions x 5 sectors): essay figures (seed) plus labelled assumptions (U).
//! ```
//!
//! Arithmetic is plain `+ - * /` on values read from text (no transcendental
//! functions), so the output is byte-identical on every IEEE-754 platform.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::fs;
use std::path::Path;

// ---------------------------------------------------------------------------
// Classification (2009)
// ---------------------------------------------------------------------------

/// Regions of the 2009 dataset, in output order.
pub const REGIONS_2009: [&str; 7] = ["KAZ", "RUS", "BLR", "KGZ", "CHN", "EU27", "ROW"];

/// Region names and the `source` text of `countries.csv` (D: region definitions
/// built from COW state codes and WDI codes as described; Armenia stays in ROW).
pub const REGION_DEFS_2009: [(&str, &str, &str); 7] = [
    ("KAZ", "Kazakhstan", "V: COW state KZK (705); WDI KAZ"),
    (
        "RUS",
        "Russian Federation",
        "V: COW state RUS (365); WDI RUS",
    ),
    ("BLR", "Belarus", "V: COW state BLR (370); WDI BLR"),
    (
        "KGZ",
        "Kyrgyz Republic",
        "V: COW state KYR (703); WDI KGZ; trade cells low reliability (import cells mostly Chinese-reported re-exports)",
    ),
    ("CHN", "China", "V: COW state CHN (710); WDI CHN"),
    (
        "EU27",
        "European Union (2007-2013 membership)",
        "D: the 27 COW states of the 2007-2013 EU (incl. UKG; excl. CRO); GDP = WDI EUU - HRV + GBR",
    ),
    (
        "ROW",
        "Rest of the world",
        "D: every other COW state (incl. Armenia ARM; Ukraine; Uzbekistan); GDP = WDI WLD minus the six regions",
    ),
];

/// COW abbreviations of the five core states of the dyadic extract (V: COW
/// state list, `raw/README.md`).
pub const COW_CORE: [(&str, &str); 5] = [
    ("KZK", "KAZ"),
    ("RUS", "RUS"),
    ("BLR", "BLR"),
    ("KYR", "KGZ"),
    ("CHN", "CHN"),
];

/// COW abbreviations of the 27 EU members of 2007-2013 (V: EU membership;
/// FACTS.md "EU27 is the 2007-2013 membership").
pub const EU27_COW: [&str; 27] = [
    "AUS", "BEL", "BUL", "CYP", "CZR", "DEN", "EST", "FIN", "FRN", "GMY", "GRC", "HUN", "IRE",
    "ITA", "LAT", "LIT", "LUX", "MLT", "NTH", "POL", "POR", "ROM", "SLO", "SLV", "SPN", "SWD",
    "UKG",
];

/// The sectors of both datasets: code, name, HS chapters (D: FACTS.md "Sectors").
pub const SECTOR_DEFS: [(&str, &str); 8] = [
    ("AGF", "Agriculture and food (HS 01-24)"),
    ("FUEL", "Mineral products and fuels (HS 25-27)"),
    ("CHEM", "Chemicals, plastics, rubber (HS 28-40)"),
    ("METL", "Base metals and articles (HS 72-83)"),
    (
        "MACH",
        "Machinery, electrical and transport equipment (HS 84-92)",
    ),
    (
        "TEXC",
        "Textiles, apparel, leather, furniture, consumer goods (HS 41-43, 50-67, 94-96)",
    ),
    ("WOOD", "Wood and paper (HS 44-49)"),
    (
        "OTHR",
        "Stone, glass, precious metals, other (HS 68-71, 93, 97-99)",
    ),
];

/// HS chapter ranges (inclusive) of each sector (D: FACTS.md "Sectors").
pub const HS_RANGES: [(u32, u32, &str); 11] = [
    (1, 24, "AGF"),
    (25, 27, "FUEL"),
    (28, 40, "CHEM"),
    (41, 43, "TEXC"),
    (44, 49, "WOOD"),
    (50, 67, "TEXC"),
    (68, 71, "OTHR"),
    (72, 83, "METL"),
    (84, 92, "MACH"),
    (93, 93, "OTHR"),
    (94, 96, "TEXC"),
];
// Chapters 97-99 (and anything else unlisted) fall into OTHR (D: FACTS.md).

/// Baseline year read from the raw files (V: FACTS.md, the last year before
/// the CET and before intra-union trade left customs records).
pub const BASE_YEAR: &str = "2009";

/// Ratio of goods output to GDP, used for domestic sales = gamma x GDP - exports
/// (U: FACTS.md "Trade, 2009").
pub const GAMMA_2009: [(&str, f64); 7] = [
    ("KAZ", 0.95),
    ("RUS", 0.85),
    ("BLR", 1.15),
    ("KGZ", 0.70),
    ("CHN", 1.60),
    ("EU27", 0.75),
    ("ROW", 0.80),
];

/// The FACTS.md 2009 table (US$ million; rows exporter, columns importer, order
/// of [`REGIONS_2009`]). Off-diagonal V (COW v4.0 via FACTS.md), diagonal D.
/// Used as a check of what is read from the raw files, and as the source (V2)
/// of the two EU27<->ROW cells, which the core-5 dyadic extract cannot hold.
pub const FACTS_MATRIX_2009: [[f64; 7]; 7] = [
    [73_469.0, 3_533.0, 75.0, 430.0, 6_238.0, 15_318.0, 10_481.0],
    [
        8_897.0, 720_476.0, 16_717.0, 1_000.0, 21_909.0, 165_401.0, 104_849.0,
    ],
    [367.0, 6_714.0, 41_455.0, 72.0, 535.0, 3_611.0, 5_750.0],
    [117.0, 364.0, 3.0, 2_301.0, 49.0, 40.0, 409.0],
    [
        3_572.0,
        22_926.0,
        1_083.0,
        5_752.0,
        6_822_468.0,
        317_523.0,
        989_382.0,
    ],
    [
        7_781.0,
        72_632.0,
        6_553.0,
        284.0,
        155_826.0,
        11_325_668.0,
        1_266_449.0,
    ],
    [
        7_650.0,
        57_103.0,
        3_651.0,
        685.0,
        918_626.0,
        1_185_287.0,
        27_514_569.0,
    ],
];

/// Largest accepted difference (US$ million) between a cell read from the raw
/// files and the FACTS.md table: the table is rounded to US$ 1 million, and the
/// two EU27<->ROW cells taken from it are themselves rounded, which moves the
/// EU27 and ROW diagonals (gamma x GDP - exports) by up to 1 more.
pub const FACTS_CHECK_TOLERANCE: f64 = 2.0;

// ---------------------------------------------------------------------------
// Elasticities
// ---------------------------------------------------------------------------

/// sigma_d, sigma_m per sector and the GTAP sectors mapped to it
/// (D: ELASTICITIES.md table, import-weighted or simple means of GTAP ESUBD /
/// ESUBM, gas capped; GTAP values V in `raw/gtap_armington_esubd_esubm_57.csv`).
pub const SIGMAS: [(&str, f64, f64, &str); 8] = [
    (
        "AGF",
        2.5,
        5.0,
        "pdr wht gro v_f osd c_b ocr ctl oap rmk fsh cmt omt vol mil pcr sgr ofd b_t",
    ),
    ("FUEL", 3.8, 7.6, "coa oil gas p_c omn"),
    ("CHEM", 3.3, 6.6, "crp"),
    ("METL", 3.6, 7.2, "i_s nfm fmp"),
    ("MACH", 3.85, 7.7, "ele ome mvh otn"),
    ("TEXC", 3.8, 7.6, "tex wap lea omf"),
    ("WOOD", 3.1, 6.2, "frs lum ppp"),
    ("OTHR", 2.9, 5.8, "nmm"),
];

/// Aggregate demand elasticity of every sector (U: ELASTICITIES.md convention;
/// Kee, Nicita & Olarreaga 2008 median import demand elasticity about 1.1, V2).
pub const ETA: f64 = 1.0;

/// Supply elasticity of KAZ, RUS, BLR, KGZ (the sector default) (U: ELASTICITIES.md).
pub const EPSILON_TRANSITION: f64 = 2.0;
/// Supply elasticity of CHN and EU27 (U: ELASTICITIES.md).
pub const EPSILON_LARGE: f64 = 5.0;
/// Supply elasticity of FUEL in every finite-elasticity country
/// (U: ELASTICITIES.md; IMF-ENV uses 0.9-2 for natural resources, V).
pub const EPSILON_FUEL: f64 = 1.0;
/// Regions with supply elasticity [`EPSILON_LARGE`] (U: ELASTICITIES.md).
pub const LARGE_SUPPLIERS: [&str; 2] = ["CHN", "EU27"];
/// Regions that are price takers, infinite supply elasticity (U: ELASTICITIES.md;
/// SMART's convention for partners).
pub const PRICE_TAKERS: [&str; 1] = ["ROW"];

// ---------------------------------------------------------------------------
// RAS fit of Kazakhstan's composition
// ---------------------------------------------------------------------------

/// Year of the statistics-bureau composition (V: raw file; the series starts in 2015).
pub const BNS_YEAR_PREFIX: &str = "2015-";
/// Convergence of the RAS fit: largest relative error of a sector margin.
pub const RAS_TOLERANCE: f64 = 1e-12;
/// Iteration cap of the RAS fit (it converges in a few dozen).
pub const RAS_MAX_ITER: usize = 10_000;

// ---------------------------------------------------------------------------
// Units and numerical tolerances (not data)
// ---------------------------------------------------------------------------

/// US$ per US$ million (WDI GDP is in US$).
pub const USD_PER_MILLION: f64 = 1e6;
/// US$ thousand per US$ million (BNS and WITS values are in US$ thousand).
pub const THOUSAND_PER_MILLION: f64 = 1e3;
/// Accepted gap between the BNS chapter sum and its published TOTAL row, as a
/// share of the total plus an absolute US$ thousand (README: rounding of 0.4
/// thousand a month).
pub const BNS_TOTAL_TOLERANCE: (f64, f64) = (1e-6, 10.0);
/// Relative tolerance for identities that hold up to rounding of the inputs
/// (RAS margins that must agree, GTAP ESUBM = 2 ESUBD, shares summing to 1).
pub const IDENTITY_TOLERANCE: f64 = 1e-9;
/// Determinant below which the calibration's 2x2 system counts as singular.
pub const SINGULAR_TOLERANCE: f64 = 1e-15;
/// Largest factor by which the calibration may move a prior (either way);
/// beyond it the prior, not the calibration, needs revising.
pub const CALIBRATION_MAX_FACTOR: f64 = 2.0;

// ---------------------------------------------------------------------------
// Tariffs 2009
// ---------------------------------------------------------------------------

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
/// partners (D: FACTS.md "How the averages are measured"; KGZ trades duty-free
/// under the CIS FTA and is left out of the MFN average).
pub const MFN_PARTNERS: [&str; 3] = ["CHN", "EU27", "ROW"];

/// Countries trading duty-free with one another under the CIS free trade
/// agreements (V: CIS FTA of 14 Apr 1994; U: that no duty applied in 2009,
/// sensitive-list exemptions ignored).
pub const CIS_FTA: [&str; 4] = ["KAZ", "RUS", "BLR", "KGZ"];

/// Kazakhstan's 2009 MFN rate by sector before calibration (U: midpoints of
/// FACTS.md indicative ranges: food 9-12, minerals 1-3, chemicals 3-5, metals
/// 3-5, machinery 2-5 / vehicles 5-10 (mostly machinery lines), textiles and
/// consumer goods 8-12; WOOD and OTHR have no range: assumed).
pub const KAZ_PRIOR: [f64; 8] = [0.105, 0.020, 0.040, 0.040, 0.035, 0.100, 0.080, 0.070];

/// Russia's 2009 MFN rate by sector before calibration, the schedule the CET
/// adopts (U: FACTS.md indicative CET ranges food 13-15, minerals 3-5,
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

/// Decimals of every written rate (0.0001 = 0.01 percentage point).
pub const RATE_DECIMALS: i32 = 4;
/// Decimals of every written flow (US$ thousand).
pub const FLOW_DECIMALS: i32 = 3;

// ---------------------------------------------------------------------------
// Policy rates (policy_rates.csv)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Non-tariff border costs
// ---------------------------------------------------------------------------

/// Ad valorem equivalent of border costs among KAZ, RUS and BLR before the
/// internal customs controls were removed (U: FACTS.md; Monte Carlo range 5-20%).
pub const NTB_UNION_2009: f64 = 0.10;
/// The same wedge on KGZ's trade with KAZ, RUS and BLR (U: extension of the
/// FACTS.md assumption, so that the 2015 accession has border costs to cut).
pub const NTB_KGZ_2009: f64 = 0.10;
/// The original customs-union members (V: 1995 agreement; 2010 CET).
pub const UNION_MEMBERS: [&str; 3] = ["KAZ", "RUS", "BLR"];

// ---------------------------------------------------------------------------
// Checks reported, not fitted
// ---------------------------------------------------------------------------

/// Mineral products' and machinery's shares of trade inside the union and of
/// its exports to third countries (V2: Eurasian Economic Commission 2011).
pub const EEC_INSIDE_FUEL: f64 = 0.411;
/// See [`EEC_INSIDE_FUEL`].
pub const EEC_INSIDE_MACH: f64 = 0.19;
/// See [`EEC_INSIDE_FUEL`].
pub const EEC_THIRD_FUEL: f64 = 0.726;
/// See [`EEC_INSIDE_FUEL`].
pub const EEC_THIRD_MACH: f64 = 0.024;
/// Fuel's share of Russia's merchandise exports, 2009 (V: WDI).
pub const WDI_RUS_FUEL_SHARE: f64 = 0.630;
/// Fuel's share of China's merchandise exports, 2009 (V: WDI).
pub const WDI_CHN_FUEL_SHARE: f64 = 0.017;
/// Kazakhstan's import shares 2009 -> 2011 quoted in FACTS.md (D: COW cells plus
/// EEC 2011 figures, V2), for comparison with the data's 2009 shares.
pub const FACTS_KAZ_IMPORT_SHARES: [(&str, f64, f64); 3] = [
    ("RUS", 0.31, 0.42),
    ("EU27", 0.27, 0.20),
    ("CHN", 0.13, 0.13),
];

// ---------------------------------------------------------------------------
// kaz1995
// ---------------------------------------------------------------------------

/// Regions of the 1995 dataset and their `countries.csv` source text.
pub const REGION_DEFS_1995: [(&str, &str, &str); 5] = [
    ("KAZ", "Kazakhstan", "seed: essay behind seed-1995.md"),
    (
        "RUS",
        "Russian Federation",
        "U: totals assumed; trade with KAZ seed",
    ),
    (
        "BLR",
        "Belarus",
        "U: every figure assumed (the essay gives none)",
    ),
    (
        "KGZ",
        "Kyrgyz Republic",
        "U: every figure assumed; kept small so that the 1996 accession has a member to add",
    ),
    (
        "ROW",
        "Rest of the world",
        "U: residual of assumed and essay totals (incl. the other CIS states)",
    ),
];

/// Sectors of the 1995 dataset (D: aggregation of the 2009 sectors; OTHR here
/// also holds CHEM, TEXC and WOOD).
pub const SECTORS_1995: [&str; 5] = ["AGF", "FUEL", "METL", "MACH", "OTHR"];

/// The 2009 sectors folded into the 1995 OTHR (D).
pub const OTHR_1995_MEMBERS: [&str; 4] = ["CHEM", "TEXC", "WOOD", "OTHR"];

/// sigma_d and sigma_m of the 1995 catch-all OTHR (D: mean of the 2009 CHEM,
/// TEXC, WOOD and OTHR values, 3.275 and 6.55, rounded to one decimal).
pub const OTHR_1995_SIGMAS: (f64, f64) = (3.3, 6.6);

/// A 1995 aggregate cell: exporter, importer, US$ million, source.
pub type Cell1995 = (&'static str, &'static str, f64, &'static str);

/// Off-diagonal 1995 cells given directly (US$ million). The KAZ->ROW and
/// ROW->X cells are derived from the totals below.
pub const CELLS_1995: [Cell1995; 10] = [
    (
        "KAZ",
        "RUS",
        2_100.0,
        "seed: exports to Russia 1995 US$ 2.1 bn (42% of exports)",
    ),
    (
        "RUS",
        "KAZ",
        1_800.0,
        "seed: imports from Russia 1995 US$ 1.8 bn (49% of imports)",
    ),
    ("KAZ", "BLR", 40.0, "U: assumed small"),
    (
        "BLR",
        "KAZ",
        60.0,
        "U: assumed small (the essay puts 70% of KAZ's CIS imports on Russia)",
    ),
    ("KAZ", "KGZ", 100.0, "U: assumed small"),
    ("KGZ", "KAZ", 40.0, "U: assumed small"),
    ("RUS", "BLR", 2_900.0, "U: assumed order of magnitude"),
    ("BLR", "RUS", 2_200.0, "U: assumed order of magnitude"),
    ("RUS", "KGZ", 130.0, "U: assumed order of magnitude"),
    ("KGZ", "RUS", 110.0, "U: assumed order of magnitude"),
];

/// BLR<->KGZ cells (U: assumed tiny).
pub const CELLS_1995_BLR_KGZ: [Cell1995; 2] = [
    ("BLR", "KGZ", 10.0, "U: assumed tiny"),
    ("KGZ", "BLR", 5.0, "U: assumed tiny"),
];

/// Total exports and imports of each non-ROW region, 1995, US$ million; the ROW
/// cells are these totals minus the cells above.
/// KAZ: seed (exports US$ 4.97 bn; imports US$ 3.7 bn); others U (assumed orders
/// of magnitude, not checked against IMF DOTS).
pub const TOTALS_1995: [(&str, f64, f64, &str); 4] = [
    (
        "KAZ",
        4_970.0,
        3_700.0,
        "seed: total exports US$ 4.97 bn and imports US$ 3.7 bn minus the other cells",
    ),
    (
        "RUS",
        81_100.0,
        61_000.0,
        "U: assumed totals (exports 81.1 bn; imports 61.0 bn) minus the other cells",
    ),
    (
        "BLR",
        4_700.0,
        5_500.0,
        "U: assumed totals (exports 4.7 bn; imports 5.5 bn) minus the other cells",
    ),
    (
        "KGZ",
        410.0,
        520.0,
        "U: assumed totals (exports 0.41 bn; imports 0.52 bn) minus the other cells",
    ),
];

/// GDP 1995, US$ million (U: recalled orders of magnitude of WDI; the raw WDI
/// file starts in 2005). ROW = world minus the four.
pub const GDP_1995: [(&str, f64); 4] = [
    ("KAZ", 20_400.0),
    ("RUS", 395_500.0),
    ("BLR", 13_970.0),
    ("KGZ", 1_660.0),
];
/// World GDP 1995, US$ million (U: recalled order of magnitude).
pub const WORLD_GDP_1995: f64 = 31_000_000.0;

/// Sector compositions of 1995 cells, in [`SECTORS_1995`] order (AGF, FUEL,
/// METL, MACH, OTHR), each share with its status. `importer = "*"` is the
/// exporter's default for every other partner.
pub type Composition1995 = (&'static str, &'static str, [(f64, &'static str); 5]);

/// Compositions of the 1995 off-diagonal cells.
pub const COMPOSITIONS_1995: [Composition1995; 7] = [
    (
        "KAZ",
        "RUS",
        [
            (0.080, "U: grain; assumed"),
            (
                0.300,
                "U: mineral products; the essay gives only oil's 40% of them",
            ),
            (
                0.503,
                "seed: ferrous metals 35.2% + copper and copper articles 15.1%",
            ),
            (0.020, "seed: machinery 2% of all exports (1993 figure)"),
            (0.097, "D: remainder"),
        ],
    ),
    (
        "RUS",
        "KAZ",
        [
            (0.102, "seed: food and food raw materials 10.2%"),
            (
                0.060,
                "U: part of the essay's 10.1% mineral products and metals",
            ),
            (
                0.041,
                "U: rest of the essay's 10.1% mineral products and metals",
            ),
            (0.700, "seed: machinery, equipment, vehicles about 70%"),
            (
                0.097,
                "seed: other consumer goods 7.8% plus the unallocated 1.9% (D)",
            ),
        ],
    ),
    (
        "KAZ",
        "*",
        [
            (0.080, "U: assumed"),
            (
                0.380,
                "U: fuel and metals together 80% as in the essay's 1993 figure (seed)",
            ),
            (
                0.420,
                "U: fuel and metals together 80% as in the essay's 1993 figure (seed)",
            ),
            (0.020, "seed: machinery 2% of exports (1993)"),
            (0.100, "D: remainder"),
        ],
    ),
    (
        "RUS",
        "*",
        [
            (0.050, "U: assumed"),
            (0.450, "U: assumed"),
            (0.250, "U: assumed"),
            (0.100, "U: assumed"),
            (0.150, "U: assumed"),
        ],
    ),
    (
        "BLR",
        "*",
        [
            (0.200, "U: assumed"),
            (0.050, "U: assumed"),
            (0.050, "U: assumed"),
            (0.450, "U: assumed"),
            (0.250, "U: assumed"),
        ],
    ),
    (
        "KGZ",
        "*",
        [
            (0.400, "U: assumed"),
            (0.150, "U: assumed"),
            (0.100, "U: assumed"),
            (0.050, "U: assumed"),
            (0.300, "U: assumed"),
        ],
    ),
    (
        "ROW",
        "*",
        [
            (0.200, "U: assumed"),
            (0.150, "U: assumed (incl. Turkmen and Uzbek gas)"),
            (0.050, "U: assumed"),
            (0.350, "U: assumed"),
            (0.250, "U: assumed"),
        ],
    ),
];

/// Tariff on trade among KAZ, RUS, BLR and KGZ before the 1995 union
/// (U: illustrative stand-in for the duties and restrictions the first stage
/// lifted; the essay gives no rates).
pub const TARIFF_INTERNAL_1995: f64 = 0.05;

/// 1995 MFN rates on ROW by importer, [`SECTORS_1995`] order (U: assumed).
pub const TARIFF_MFN_1995: [(&str, [f64; 5]); 5] = [
    ("KAZ", [0.15, 0.05, 0.05, 0.08, 0.12]),
    ("RUS", [0.15, 0.05, 0.10, 0.12, 0.15]),
    ("BLR", [0.15, 0.05, 0.10, 0.12, 0.15]),
    ("KGZ", [0.10, 0.00, 0.00, 0.05, 0.10]),
    ("ROW", [0.15, 0.02, 0.05, 0.06, 0.09]),
];

/// Border-cost wedge among KAZ, RUS, BLR and KGZ in 1995 (U: illustrative).
pub const NTB_1995: f64 = 0.15;
/// The 1995 union members and the 1996 entrant, among whom [`NTB_1995`] and
/// [`TARIFF_INTERNAL_1995`] apply (V: 1995 agreement; V2: Kyrgyzstan 1996).
pub const CIS_1995: [&str; 4] = ["KAZ", "RUS", "BLR", "KGZ"];

// ---------------------------------------------------------------------------
// Output types
// ---------------------------------------------------------------------------

/// Results the tests check, plus the printable report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Kazakhstan's simple average MFN tariff before the CET, as written.
    pub kaz_simple_before: f64,
    /// Kazakhstan's trade-weighted average before the CET, as written.
    pub kaz_weighted_before: f64,
    /// Russia's schedule (the CET) applied to Kazakhstan: simple average.
    pub kaz_simple_cet: f64,
    /// Russia's schedule applied to Kazakhstan's imports: weighted average.
    pub kaz_weighted_cet: f64,
    /// Kazakhstan's 2009 import shares by partner.
    pub kaz_import_shares: Vec<(String, f64)>,
    /// Iterations of the export and import RAS fits.
    pub ras_iterations: (usize, usize),
    /// Simple average of the CET after the WTO cuts (2020).
    pub cet_2020_simple: f64,
    /// Kazakhstan's bound rates: simple average, AGF, mean of the other sectors.
    pub kaz_bound: (f64, f64, f64),
    /// The printable report.
    pub text: String,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A CSV table: header and rows; a field holding a comma is quoted (RFC 4180),
/// fields never hold a quote or line break (checked).
#[derive(Debug, Clone)]
struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&'static str]) -> Self {
        Table {
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    fn render(&self, name: &str) -> Result<String, String> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(&self.header)
            .map_err(|e| format!("{name}: {e}"))?;
        for (k, row) in self.rows.iter().enumerate() {
            if row.len() != self.header.len() {
                return Err(format!("{name}: row {k} has {} fields", row.len()));
            }
            if row
                .iter()
                .any(|f| f.is_empty() || f.contains(['"', '\n', '\r']))
            {
                return Err(format!("{name}: row {k}: empty field or quote/line break"));
            }
            w.write_record(row).map_err(|e| format!("{name}: {e}"))?;
        }
        let bytes = w.into_inner().map_err(|e| format!("{name}: {e}"))?;
        String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))
    }
}

/// One `policy_rates.csv` row: measure, sector, rate, source.
type PolicyRow = (String, String, f64, String);

/// One tariff or NTB row.
#[derive(Debug, Clone)]
struct RateRow {
    sector: String,
    exporter: String,
    importer: String,
    rate: f64,
    source: String,
}

/// Everything one data directory holds.
struct Dataset {
    regions: Vec<(String, String, String)>,
    sectors: Vec<SectorRow>,
    /// `flows[s][i][j]`: sector s, exporter i, importer j.
    flows: Vec<Vec<Vec<f64>>>,
    flow_sources: Vec<Vec<Vec<String>>>,
    tariffs: Vec<RateRow>,
    ntb: Vec<RateRow>,
    supply: Vec<PolicyRow>,
}

struct SectorRow {
    code: String,
    name: String,
    sigma_m: f64,
    sigma_d: f64,
    eta: f64,
    epsilon: f64,
    source: String,
}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

/// Reads the raw files in `raw_dir` and writes `out_dir/eaeu2009/*.csv` and
/// `out_dir/kaz1995/*.csv`.
///
/// # Errors
/// A message naming the file and what is wrong when a raw file is missing or
/// malformed, a check against FACTS.md fails, the RAS fit does not converge or
/// a calibration target is missed.
pub fn generate(raw_dir: &Path, out_dir: &Path) -> Result<Report, String> {
    let mut report = Report::default();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "customs-union dataset generation report\n(raw files: {})\n",
        raw_dir.display()
    );

    let eaeu = build_2009(raw_dir, &mut report, &mut text)?;
    let (policy, ptext) = policy_rates(&eaeu)?;
    text.push_str(&ptext);
    write_dataset(&out_dir.join("eaeu2009"), &eaeu, Some(&policy))?;

    let kaz = build_1995(raw_dir, &mut text)?;
    write_dataset(&out_dir.join("kaz1995"), &kaz, None)?;

    report.cet_2020_simple = mean(&policy_measure(&policy, "cet_wto_2020"));
    let bound = policy_measure(&policy, "kaz_wto_bound");
    report.kaz_bound = (mean(&bound), bound[0], mean(&bound[1..]));
    report.text = text;
    Ok(report)
}

// ---------------------------------------------------------------------------
// 2009
// ---------------------------------------------------------------------------

fn idx(list: &[&str], code: &str) -> Result<usize, String> {
    list.iter()
        .position(|c| *c == code)
        .ok_or_else(|| format!("unknown code {code}"))
}

fn region_of(abb: &str) -> &'static str {
    for (cow, code) in COW_CORE {
        if cow == abb {
            return code;
        }
    }
    if EU27_COW.contains(&abb) {
        "EU27"
    } else {
        "ROW"
    }
}

fn sector_of_hs(chapter: u32) -> &'static str {
    for (lo, hi, s) in HS_RANGES {
        if (lo..=hi).contains(&chapter) {
            return s;
        }
    }
    "OTHR"
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let r = (x * scale).round() / scale;
    if r == 0.0 { 0.0 } else { r }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn pct(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

/// Reads a CSV file into its header and records.
fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for (k, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: record {}: {e}", path.display(), k + 1))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

fn column(header: &[String], name: &str, path: &Path) -> Result<usize, String> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| format!("{}: no column {name}", path.display()))
}

fn parse_f64(s: &str, what: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|e| format!("{what}: cannot parse {s:?}: {e}"))
}

/// 7x7 aggregate cells from the COW dyadic extract (importer-reported).
fn read_cow_cells(raw: &Path) -> Result<([[f64; 7]; 7], usize), String> {
    let path = raw.join("cow_trade_v4_dyadic_core5_2005_2014.csv");
    let (h, rows) = read_csv(&path)?;
    let (c_abb1, c_abb2, c_year, c_f1, c_f2) = (
        column(&h, "abb1", &path)?,
        column(&h, "abb2", &path)?,
        column(&h, "year", &path)?,
        column(&h, "flow1", &path)?,
        column(&h, "flow2", &path)?,
    );
    let mut m = [[0.0; 7]; 7];
    let mut missing = 0;
    for r in rows.iter().filter(|r| r[c_year] == BASE_YEAR) {
        let (a, b) = (region_of(&r[c_abb1]), region_of(&r[c_abb2]));
        // flow1 = imports of state 1 from state 2; flow2 = imports of 2 from 1.
        for (importer, exporter, field) in [(a, b, &r[c_f1]), (b, a, &r[c_f2])] {
            if field.is_empty() {
                missing += 1;
                continue;
            }
            let v = parse_f64(field, "COW flow")?;
            if v < 0.0 {
                return Err(format!("{}: negative flow {v}", path.display()));
            }
            let (i, j) = (idx(&REGIONS_2009, exporter)?, idx(&REGIONS_2009, importer)?);
            m[i][j] += v;
        }
    }
    Ok((m, missing))
}

/// GDP 2009 in US$ million by region.
fn read_gdp(raw: &Path) -> Result<[f64; 7], String> {
    let path = raw.join("wdi_gdp_current_usd_2005_2014_selected.csv");
    let (h, rows) = read_csv(&path)?;
    let (c_code, c_year, c_val) = (
        column(&h, "Country Code", &path)?,
        column(&h, "Year", &path)?,
        column(&h, "Value", &path)?,
    );
    let mut by_code = BTreeMap::new();
    for r in rows.iter().filter(|r| r[c_year] == BASE_YEAR) {
        by_code.insert(
            r[c_code].clone(),
            parse_f64(&r[c_val], "WDI GDP")? / USD_PER_MILLION,
        );
    }
    let get = |c: &str| {
        by_code
            .get(c)
            .copied()
            .ok_or_else(|| format!("{}: no {BASE_YEAR} GDP for {c}", path.display()))
    };
    let eu27 = get("EUU")? - get("HRV")? + get("GBR")?;
    let mut gdp = [0.0; 7];
    for (k, code) in REGIONS_2009.iter().enumerate() {
        gdp[k] = match *code {
            "EU27" => eu27,
            "ROW" => 0.0,
            c => get(c)?,
        };
    }
    gdp[6] = get("WLD")? - gdp[..6].iter().sum::<f64>();
    Ok(gdp)
}

/// Sector shares of every 2009 cell from the baseline file, and the file's
/// split label per cell.
type Shares = (Vec<Vec<Vec<f64>>>, Vec<Vec<String>>, [[f64; 7]; 7]);

fn read_baseline_shares(raw: &Path) -> Result<Shares, String> {
    let path = raw.join("baseline_7x7x8_2009_2011.csv");
    let (h, rows) = read_csv(&path)?;
    let (c_year, c_e, c_i, c_s, c_v, c_split) = (
        column(&h, "year", &path)?,
        column(&h, "exporter", &path)?,
        column(&h, "importer", &path)?,
        column(&h, "sector", &path)?,
        column(&h, "value_musd", &path)?,
        column(&h, "sector_split", &path)?,
    );
    let sectors: Vec<&str> = SECTOR_DEFS.iter().map(|s| s.0).collect();
    let mut v = vec![vec![vec![f64::NAN; 7]; 7]; 8];
    let mut label = vec![vec![String::new(); 7]; 7];
    for r in rows.iter().filter(|r| r[c_year] == BASE_YEAR) {
        let (s, i, j) = (
            idx(&sectors, &r[c_s])?,
            idx(&REGIONS_2009, &r[c_e])?,
            idx(&REGIONS_2009, &r[c_i])?,
        );
        if !v[s][i][j].is_nan() {
            return Err(format!("{}: duplicate row {:?}", path.display(), r));
        }
        v[s][i][j] = parse_f64(&r[c_v], "baseline value")?;
        label[i][j] = r[c_split].clone();
    }
    let mut shares = vec![vec![vec![0.0; 7]; 7]; 8];
    let mut totals = [[0.0; 7]; 7];
    for i in 0..7 {
        for j in 0..7 {
            let mut total = 0.0;
            for sv in &v {
                if sv[i][j].is_nan() {
                    return Err(format!("{}: cell {i},{j} incomplete", path.display()));
                }
                total += sv[i][j];
            }
            if total <= 0.0 {
                return Err(format!("{}: empty cell {i},{j}", path.display()));
            }
            totals[i][j] = total;
            for s in 0..8 {
                shares[s][i][j] = v[s][i][j] / total;
            }
        }
    }
    Ok((shares, label, totals))
}

/// Kazakhstan's 2015 export and import composition by sector (shares), and
/// the share of HS 26 (ores) in FUEL exports.
/// Kazakhstan's 2015 trade by sector from the statistics bureau.
struct Bns {
    /// Export shares by sector.
    exports: [f64; 8],
    /// Import shares by sector.
    imports: [f64; 8],
    /// HS 26 (ores) as a share of FUEL (HS 25-27) exports.
    ores_in_fuel: f64,
    /// Annual exports and imports, US$ million.
    totals: (f64, f64),
}

fn read_bns(raw: &Path) -> Result<Bns, String> {
    let path = raw.join("kaz_bns_trade_by_hs2_2015_monthly.csv");
    let (h, rows) = read_csv(&path)?;
    let (c_flow, c_month, c_hs, c_v) = (
        column(&h, "flow", &path)?,
        column(&h, "month", &path)?,
        column(&h, "hs2", &path)?,
        column(&h, "value_thousand_usd", &path)?,
    );
    let sectors: Vec<&str> = SECTOR_DEFS.iter().map(|s| s.0).collect();
    let mut by_sector = [[0.0; 8]; 2];
    let mut totals = [0.0; 2];
    let mut published = [0.0; 2];
    let fuel = idx(&sectors, "FUEL")?;
    let mut ores_export = 0.0;
    for r in rows.iter() {
        if !r[c_month].starts_with(BNS_YEAR_PREFIX) {
            continue;
        }
        let f = match r[c_flow].as_str() {
            "export" => 0,
            "import" => 1,
            other => return Err(format!("{}: unknown flow {other}", path.display())),
        };
        let v = parse_f64(&r[c_v], "BNS value")?;
        if r[c_hs] == "TOTAL" {
            published[f] += v;
            continue;
        }
        let ch: u32 = r[c_hs]
            .parse()
            .map_err(|e| format!("{}: chapter {:?}: {e}", path.display(), r[c_hs]))?;
        by_sector[f][idx(&sectors, sector_of_hs(ch))?] += v;
        totals[f] += v;
        if f == 0 && ch == 26 {
            ores_export += v;
        }
    }
    for f in 0..2 {
        let (rel, abs) = BNS_TOTAL_TOLERANCE;
        if (totals[f] - published[f]).abs() > rel * published[f] + abs {
            return Err(format!(
                "{}: chapter sum {} differs from TOTAL {}",
                path.display(),
                totals[f],
                published[f]
            ));
        }
    }
    let mut ex = [0.0; 8];
    let mut im = [0.0; 8];
    for s in 0..8 {
        ex[s] = by_sector[0][s] / totals[0];
        im[s] = by_sector[1][s] / totals[1];
    }
    Ok(Bns {
        exports: ex,
        imports: im,
        ores_in_fuel: ores_export / by_sector[0][fuel],
        totals: (
            totals[0] / THOUSAND_PER_MILLION,
            totals[1] / THOUSAND_PER_MILLION,
        ),
    })
}

/// WITS KAZ->CHN 2009: exports total, ores-and-metals exports, imports (US$ m).
fn read_wits(raw: &Path) -> Result<(f64, f64, f64), String> {
    let path = raw.join("wits_kaz_chn_total_and_oresmetals_1995_2023.csv");
    let (h, rows) = read_csv(&path)?;
    let (c_y, c_f, c_p, c_v) = (
        column(&h, "year", &path)?,
        column(&h, "flow", &path)?,
        column(&h, "product", &path)?,
        column(&h, "value_usd_thousand", &path)?,
    );
    let find = |flow: &str, product: &str| -> Result<f64, String> {
        rows.iter()
            .find(|r| r[c_y] == BASE_YEAR && r[c_f] == flow && r[c_p] == product)
            .ok_or_else(|| format!("{}: no {BASE_YEAR} {flow} {product}", path.display()))
            .and_then(|r| parse_f64(&r[c_v], "WITS value").map(|v| v / THOUSAND_PER_MILLION))
    };
    Ok((
        find("export", "Total")?,
        find("export", "OresMtls")?,
        find("import", "Total")?,
    ))
}

/// National totals (imports, exports) of the COW core states, 2009, US$ m.
fn read_cow_national(raw: &Path) -> Result<BTreeMap<String, (f64, f64)>, String> {
    let path = raw.join("cow_trade_v4_national_2005_2014.csv");
    let (h, rows) = read_csv(&path)?;
    let (c_abb, c_y, c_i, c_e) = (
        column(&h, "stateabb", &path)?,
        column(&h, "year", &path)?,
        column(&h, "imports", &path)?,
        column(&h, "exports", &path)?,
    );
    let mut out = BTreeMap::new();
    for r in rows.iter().filter(|r| r[c_y] == BASE_YEAR) {
        for (cow, code) in COW_CORE {
            if r[c_abb] == cow {
                out.insert(
                    code.to_string(),
                    (
                        parse_f64(&r[c_i], "COW imports")?,
                        parse_f64(&r[c_e], "COW exports")?,
                    ),
                );
            }
        }
    }
    Ok(out)
}

/// GTAP cross-check: for each sector, the range and simple mean of the member
/// sectors' ESUBD, and whether ESUBM = 2 ESUBD everywhere.
fn gtap_check(raw: &Path, text: &mut String) -> Result<(), String> {
    let path = raw.join("gtap_armington_esubd_esubm_57.csv");
    let (h, rows) = read_csv(&path)?;
    let (c_code, c_d, c_m) = (
        column(&h, "gtap_code", &path)?,
        column(&h, "esubd", &path)?,
        column(&h, "esubm", &path)?,
    );
    let mut g = BTreeMap::new();
    let mut rule_of_two = true;
    for r in &rows {
        let (d, m) = (parse_f64(&r[c_d], "esubd")?, parse_f64(&r[c_m], "esubm")?);
        rule_of_two &= (m - 2.0 * d).abs() < IDENTITY_TOLERANCE * m;
        g.insert(r[c_code].clone(), d);
    }
    let _ = writeln!(
        text,
        "Elasticities (ELASTICITIES.md, D) against the raw GTAP ESUBD values; ESUBM = 2 ESUBD in every GTAP sector: {rule_of_two}"
    );
    let _ = writeln!(
        text,
        "  sector  sigma_d  sigma_m   GTAP members' ESUBD: min  mean   max"
    );
    for (code, sd, sm, members) in SIGMAS {
        let vals: Vec<f64> = members
            .split_whitespace()
            .map(|m| {
                g.get(m)
                    .copied()
                    .ok_or_else(|| format!("{}: no GTAP sector {m}", path.display()))
            })
            .collect::<Result<_, _>>()?;
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if sd < lo || sd > hi || (sm - 2.0 * sd).abs() > IDENTITY_TOLERANCE * sm {
            return Err(format!(
                "sigma of {code} ({sd}, {sm}) outside the GTAP members' range"
            ));
        }
        let _ = writeln!(
            text,
            "  {code:<6} {sd:>8.2} {sm:>8.2}   {lo:>26.2} {:>5.2} {hi:>5.2}",
            mean(&vals)
        );
    }
    let _ = writeln!(
        text,
        "  (FUEL's mean includes gas at 17.2, capped in ELASTICITIES.md as not credible for pipeline trade)\n"
    );
    Ok(())
}

/// RAS: scales `m[p][s]` so that rows sum to `row` and columns to `col`.
/// Returns the iterations used.
fn ras(m: &mut [[f64; 8]], row: &[f64], col: &[f64; 8]) -> Result<usize, String> {
    let rsum: f64 = row.iter().sum();
    let csum: f64 = col.iter().sum();
    if (rsum - csum).abs() > IDENTITY_TOLERANCE * rsum {
        return Err(format!("RAS margins disagree: {rsum} vs {csum}"));
    }
    for it in 1..=RAS_MAX_ITER {
        for s in 0..8 {
            let c: f64 = m.iter().map(|r| r[s]).sum();
            if c <= 0.0 {
                return Err(format!("RAS: sector {s} has no seed flow"));
            }
            let f = col[s] / c;
            for r in m.iter_mut() {
                r[s] *= f;
            }
        }
        for (r, target) in m.iter_mut().zip(row) {
            let t: f64 = r.iter().sum();
            if t <= 0.0 {
                return Err("RAS: a partner has no seed flow".to_string());
            }
            let f = target / t;
            for x in r.iter_mut() {
                *x *= f;
            }
        }
        let err = (0..8)
            .map(|s| (m.iter().map(|r| r[s]).sum::<f64>() / col[s] - 1.0).abs())
            .fold(0.0, f64::max);
        if err < RAS_TOLERANCE {
            return Ok(it);
        }
    }
    Err(format!("RAS did not converge in {RAS_MAX_ITER} iterations"))
}

/// Least-change calibration: `t_s = p_s (1 + l1 + l2 w_s)` with l1, l2 such that
/// `mean(t) = simple` and `sum w t = weighted` (the minimum of
/// `sum (t_s - p_s)^2 / p_s` under the two constraints).
fn calibrate(
    prior: &[f64; 8],
    w: &[f64; 8],
    simple: f64,
    weighted: f64,
) -> Result<[f64; 8], String> {
    let n = prior.len() as f64;
    let sp: f64 = prior.iter().sum();
    let spw: f64 = prior.iter().zip(w).map(|(p, w)| p * w).sum();
    let spww: f64 = prior.iter().zip(w).map(|(p, w)| p * w * w).sum();
    // (sp + l1 sp + l2 spw) / n = simple ; spw + l1 spw + l2 spww = weighted
    let (a11, a12, b1) = (sp / n, spw / n, simple - sp / n);
    let (a21, a22, b2) = (spw, spww, weighted - spw);
    let det = a11 * a22 - a12 * a21;
    if det.abs() < SINGULAR_TOLERANCE {
        return Err("calibration: singular system".to_string());
    }
    let l1 = (b1 * a22 - a12 * b2) / det;
    let l2 = (a11 * b2 - a21 * b1) / det;
    let mut t = [0.0; 8];
    for s in 0..8 {
        let factor = 1.0 + l1 + l2 * w[s];
        if !(1.0 / CALIBRATION_MAX_FACTOR..=CALIBRATION_MAX_FACTOR).contains(&factor) {
            return Err(format!(
                "calibration moves sector {} by a factor {factor:.3}: revise the prior",
                SECTOR_DEFS[s].0
            ));
        }
        t[s] = round_to(prior[s] * factor, RATE_DECIMALS);
    }
    Ok(t)
}

fn build_2009(raw: &Path, report: &mut Report, text: &mut String) -> Result<Dataset, String> {
    let n = REGIONS_2009.len();
    let sectors: Vec<&str> = SECTOR_DEFS.iter().map(|s| s.0).collect();
    let kaz = idx(&REGIONS_2009, "KAZ")?;
    let eu = idx(&REGIONS_2009, "EU27")?;
    let row = idx(&REGIONS_2009, "ROW")?;

    // --- aggregate cells -------------------------------------------------
    let (mut cells, missing) = read_cow_cells(raw)?;
    let mut cell_source = vec![vec![String::new(); n]; n];
    for i in 0..n {
        for j in 0..n {
            let low = REGIONS_2009[i] == "KGZ" || REGIONS_2009[j] == "KGZ";
            cell_source[i][j] = if low {
                "V (COW v4.0 2009; importer-reported; KGZ cell of low reliability: KGZ import cells mostly Chinese-reported re-exports)".to_string()
            } else {
                "V (COW v4.0 2009; importer-reported)".to_string()
            };
        }
    }
    for (i, j) in [(eu, row), (row, eu)] {
        if cells[i][j] != 0.0 {
            return Err("EU27<->ROW cells unexpectedly present in the core-5 extract".into());
        }
        cells[i][j] = FACTS_MATRIX_2009[i][j];
        cell_source[i][j] =
            "V2 (FACTS.md table quoting COW v4.0; the core-5 extract holds no EU27-ROW dyads)"
                .to_string();
    }
    let gdp = read_gdp(raw)?;
    for i in 0..n {
        let exports: f64 = (0..n).filter(|&j| j != i).map(|j| cells[i][j]).sum();
        let gamma = GAMMA_2009[idx(&GAMMA_2009.map(|g| g.0), REGIONS_2009[i])?].1;
        cells[i][i] = gamma * gdp[i] - exports;
        if cells[i][i] <= 0.0 {
            return Err(format!("negative domestic sales for {}", REGIONS_2009[i]));
        }
        cell_source[i][i] = format!(
            "D (domestic sales = gamma {gamma} (U) x GDP {:.0} (V: WDI 2009) - exports {:.0} (V: matrix row sum))",
            gdp[i], exports
        );
    }
    let mut max_diff: f64 = 0.0;
    for i in 0..n {
        for j in 0..n {
            let d = (cells[i][j] - FACTS_MATRIX_2009[i][j]).abs();
            if d > FACTS_CHECK_TOLERANCE {
                return Err(format!(
                    "cell {}->{}: raw files give {:.1}, FACTS.md {:.0}",
                    REGIONS_2009[i], REGIONS_2009[j], cells[i][j], FACTS_MATRIX_2009[i][j]
                ));
            }
            max_diff = max_diff.max(d);
        }
    }
    let _ = writeln!(
        text,
        "== eaeu2009 ==\nAggregate 2009 matrix (US$ million; rows exporter, columns importer):"
    );
    let _ = write!(text, "  {:<6}", "");
    for r in REGIONS_2009 {
        let _ = write!(text, "{r:>14}");
    }
    text.push('\n');
    for i in 0..n {
        let _ = write!(text, "  {:<6}", REGIONS_2009[i]);
        for c in &cells[i] {
            let _ = write!(text, "{c:>14.1}");
        }
        text.push('\n');
    }
    let _ = writeln!(
        text,
        "  Matches the FACTS.md table within {max_diff:.2} (tolerance {FACTS_CHECK_TOLERANCE}); \
         {missing} empty COW flows in 2009 dyads treated as 0; EU27<->ROW from the FACTS.md table (V2)."
    );
    let national = read_cow_national(raw)?;
    let _ = writeln!(
        text,
        "  Matrix sums vs COW national totals (the matrix's own sums are used):"
    );
    for (code, (imp, exp)) in &national {
        let i = idx(&REGIONS_2009, code)?;
        let m_imp: f64 = (0..n).filter(|&k| k != i).map(|k| cells[k][i]).sum();
        let m_exp: f64 = (0..n).filter(|&k| k != i).map(|k| cells[i][k]).sum();
        let _ = writeln!(
            text,
            "    {code}: imports {m_imp:>10.0} (national {imp:>10.0})   exports {m_exp:>10.0} (national {exp:>10.0})"
        );
    }

    // --- sector split ----------------------------------------------------
    let (shares, labels, base_totals) = read_baseline_shares(raw)?;
    let mut base_dev: f64 = 0.0;
    for i in 0..n {
        for j in 0..n {
            base_dev = base_dev.max((base_totals[i][j] - cells[i][j]).abs());
        }
    }
    let _ = writeln!(
        text,
        "  baseline_7x7x8 2009 cell totals differ from these cells by at most {base_dev:.2} (its rounding); only its shares are used.\n"
    );
    let mut flows = vec![vec![vec![0.0; n]; n]; 8];
    for s in 0..8 {
        for i in 0..n {
            for j in 0..n {
                flows[s][i][j] = cells[i][j] * shares[s][i][j];
            }
        }
    }
    let Bns {
        exports: bns_ex,
        imports: bns_im,
        ores_in_fuel,
        totals: bns_totals,
    } = read_bns(raw)?;
    let partners: Vec<usize> = (0..n).filter(|&k| k != kaz).collect();
    let seed_ex: Vec<[f64; 8]> = partners
        .iter()
        .map(|&j| std::array::from_fn(|s| flows[s][kaz][j]))
        .collect();
    let seed_im: Vec<[f64; 8]> = partners
        .iter()
        .map(|&i| std::array::from_fn(|s| flows[s][i][kaz]))
        .collect();
    let mut ex = seed_ex.clone();
    let mut im = seed_im.clone();
    let ex_rows: Vec<f64> = partners.iter().map(|&j| cells[kaz][j]).collect();
    let im_rows: Vec<f64> = partners.iter().map(|&i| cells[i][kaz]).collect();
    let ex_total: f64 = ex_rows.iter().sum();
    let im_total: f64 = im_rows.iter().sum();
    let ex_cols: [f64; 8] = std::array::from_fn(|s| ex_total * bns_ex[s]);
    let im_cols: [f64; 8] = std::array::from_fn(|s| im_total * bns_im[s]);
    let it_ex = ras(&mut ex, &ex_rows, &ex_cols)?;
    let it_im = ras(&mut im, &im_rows, &im_cols)?;
    report.ras_iterations = (it_ex, it_im);
    for (k, &j) in partners.iter().enumerate() {
        for s in 0..8 {
            flows[s][kaz][j] = ex[k][s];
            flows[s][j][kaz] = im[k][s];
        }
    }
    // Round what is written, then compute every reported figure from it.
    for plane in flows.iter_mut() {
        for r in plane.iter_mut() {
            for x in r.iter_mut() {
                *x = round_to(*x, FLOW_DECIMALS);
            }
        }
    }
    let mut flow_sources = vec![vec![vec![String::new(); n]; n]; 8];
    for (s, plane) in flow_sources.iter_mut().enumerate() {
        for i in 0..n {
            for j in 0..n {
                let fitted = i != j && (i == kaz || j == kaz);
                let label = labels[i][j].trim_end_matches(" (U)");
                plane[i][j] = if fitted {
                    format!(
                        "D: cell {}; sector split RAS-fitted to KAZ BNS 2015 {} composition (V) from baseline_7x7x8 {label} shares (U)",
                        cell_source[i][j],
                        if i == kaz { "export" } else { "import" },
                    )
                } else {
                    format!(
                        "U: cell {}; sector share {:.2}% (baseline_7x7x8 {label}; U)",
                        cell_source[i][j],
                        100.0 * shares[s][i][j],
                    )
                };
            }
        }
    }
    ras_report(
        text,
        &partners,
        &seed_ex,
        &seed_im,
        &flows,
        kaz,
        &bns_ex,
        &bns_im,
        bns_totals,
        (it_ex, it_im),
    );

    // --- checks ------------------------------------------------------------
    let chn = idx(&REGIONS_2009, "CHN")?;
    let (wits_ex, wits_ores, wits_im) = read_wits(raw)?;
    let kc_total: f64 = (0..8).map(|s| flows[s][kaz][chn]).sum();
    let (fuel, metl_s, mach) = (
        idx(&sectors, "FUEL")?,
        idx(&sectors, "METL")?,
        idx(&sectors, "MACH")?,
    );
    let metl = flows[metl_s][kaz][chn] / kc_total;
    let ores_proxy = metl + ores_in_fuel * flows[fuel][kaz][chn] / kc_total;
    let _ = writeln!(
        text,
        "Checks (reported, not fitted):\n  KAZ->CHN METL share {} (+ HS 26 ores at their {} share of KAZ FUEL exports: {}) vs WITS ores and metals {} (V; SITC 27+28+68, not the same grouping)",
        pct(metl),
        pct(ores_in_fuel),
        pct(ores_proxy),
        pct(wits_ores / wits_ex)
    );
    let _ = writeln!(
        text,
        "  KAZ->CHN cell {:.0} (China-reported) vs WITS Kazakh-reported exports {:.1}; CHN->KAZ {:.0} vs WITS {:.1}",
        kc_total,
        wits_ex,
        (0..8).map(|s| flows[s][chn][kaz]).sum::<f64>(),
        wits_im
    );
    let members: Vec<usize> = UNION_MEMBERS
        .iter()
        .map(|c| idx(&REGIONS_2009, c))
        .collect::<Result<_, _>>()?;
    let share_of = |pairs: &[(usize, usize)], s: usize| {
        let num: f64 = pairs.iter().map(|&(i, j)| flows[s][i][j]).sum();
        let den: f64 = pairs
            .iter()
            .map(|&(i, j)| (0..8).map(|k| flows[k][i][j]).sum::<f64>())
            .sum();
        num / den
    };
    let mut inside = Vec::new();
    let mut third = Vec::new();
    for &i in &members {
        for j in 0..n {
            if members.contains(&j) {
                if j != i {
                    inside.push((i, j));
                }
            } else {
                third.push((i, j));
            }
        }
    }
    let exports_of =
        |i: usize| -> Vec<(usize, usize)> { (0..n).filter(|&j| j != i).map(|j| (i, j)).collect() };
    let rus = idx(&REGIONS_2009, "RUS")?;
    let _ = writeln!(
        text,
        "  inside KAZ-RUS-BLR: FUEL {} (EEC 2011: {}), MACH {} ({})\n  members' exports to third countries: FUEL {} ({}), MACH {} ({})\n  RUS exports FUEL {} (WDI 2009 fuel: {}); CHN exports FUEL {} ({})\n  (FUEL is HS 25-27, WDI fuel SITC 3; EEC figures are 2011, after the collapse of recorded intra-union trade)",
        pct(share_of(&inside, fuel)),
        pct(EEC_INSIDE_FUEL),
        pct(share_of(&inside, mach)),
        pct(EEC_INSIDE_MACH),
        pct(share_of(&third, fuel)),
        pct(EEC_THIRD_FUEL),
        pct(share_of(&third, mach)),
        pct(EEC_THIRD_MACH),
        pct(share_of(&exports_of(rus), fuel)),
        pct(WDI_RUS_FUEL_SHARE),
        pct(share_of(&exports_of(chn), fuel)),
        pct(WDI_CHN_FUEL_SHARE)
    );
    let imports_total: f64 = partners
        .iter()
        .map(|&i| (0..8).map(|s| flows[s][i][kaz]).sum::<f64>())
        .sum();
    let _ = write!(
        text,
        "  KAZ import shares by partner, 2009 (total {imports_total:.0}):"
    );
    report.kaz_import_shares.clear();
    for &i in &partners {
        let sh = (0..8).map(|s| flows[s][i][kaz]).sum::<f64>() / imports_total;
        report
            .kaz_import_shares
            .push((REGIONS_2009[i].to_string(), sh));
        let _ = write!(text, " {} {}", REGIONS_2009[i], pct(sh));
    }
    let _ = write!(text, "\n  FACTS.md 2009 -> 2011:");
    for (c, a, b) in FACTS_KAZ_IMPORT_SHARES {
        let _ = write!(text, " {c} {} -> {}", pct(a), pct(b));
    }
    text.push_str("\n\n");
    gtap_check(raw, text)?;

    // --- tariffs -----------------------------------------------------------
    let mfn: Vec<usize> = MFN_PARTNERS
        .iter()
        .map(|c| idx(&REGIONS_2009, c))
        .collect::<Result<_, _>>()?;
    let out_imports: [f64; 8] =
        std::array::from_fn(|s| mfn.iter().map(|&i| flows[s][i][kaz]).sum());
    let out_total: f64 = out_imports.iter().sum();
    let w: [f64; 8] = std::array::from_fn(|s| out_imports[s] / out_total);
    let kaz_rates = calibrate(&KAZ_PRIOR, &w, KAZ_SIMPLE_BEFORE, KAZ_WEIGHTED_BEFORE)?;
    let rus_rates = calibrate(&RUS_PRIOR, &w, KAZ_SIMPLE_CET, KAZ_WEIGHTED_CET)?;
    let weighted = |t: &[f64; 8]| -> f64 { (0..8).map(|s| w[s] * t[s]).sum() };
    report.kaz_simple_before = mean(&kaz_rates);
    report.kaz_weighted_before = weighted(&kaz_rates);
    report.kaz_simple_cet = mean(&rus_rates);
    report.kaz_weighted_cet = weighted(&rus_rates);
    for (name, got, target) in [
        ("simple before", report.kaz_simple_before, KAZ_SIMPLE_BEFORE),
        (
            "weighted before",
            report.kaz_weighted_before,
            KAZ_WEIGHTED_BEFORE,
        ),
        ("simple CET", report.kaz_simple_cet, KAZ_SIMPLE_CET),
        ("weighted CET", report.kaz_weighted_cet, KAZ_WEIGHTED_CET),
    ] {
        if (got - target).abs() > CALIBRATION_TOLERANCE {
            return Err(format!(
                "Kazakhstan {name} average {} misses {}",
                pct(got),
                pct(target)
            ));
        }
    }
    let blr_rates: [f64; 8] =
        std::array::from_fn(|s| round_to(rus_rates[s] * BLR_OVER_RUS, RATE_DECIMALS));
    let schedules: [(&str, [f64; 8], String); 7] = [
        (
            "KAZ",
            kaz_rates,
            "D: calibrated so that KAZ's averages on CHN+EU27+ROW imports are 6.7% simple / 5.3% weighted (V: World Bank 2012); prior".to_string(),
        ),
        (
            "RUS",
            rus_rates,
            "D: calibrated so that this schedule (the CET) gives KAZ 11.1% simple / 9.5% weighted (V: World Bank 2012); prior".to_string(),
        ),
        (
            "BLR",
            blr_rates,
            format!("U: Russia's rate x {BLR_OVER_RUS} (Belarus close to Russia; small declines under the CET V2 Mkrtchyan 2013)"),
        ),
        (
            "KGZ",
            KGZ_MFN,
            "U: plausible 2009 MFN applied sector average (Kyrgyzstan low; about 5%)".to_string(),
        ),
        (
            "CHN",
            CHN_MFN,
            "U: plausible 2009 MFN applied sector average (not checked against WTO tariff profiles)".to_string(),
        ),
        (
            "EU27",
            EU27_MFN,
            "U: plausible 2009 MFN applied sector average (preferences such as GSP ignored)".to_string(),
        ),
        (
            "ROW",
            ROW_MFN,
            "U: plausible 2009 MFN applied sector average for the rest of the world (its preferences ignored)".to_string(),
        ),
    ];
    let mut tariffs = Vec::new();
    for (importer, rates, src) in &schedules {
        for s in 0..8 {
            let source = match *importer {
                "KAZ" => format!("{src} {}", pct(KAZ_PRIOR[s])),
                "RUS" => format!("{src} {}", pct(RUS_PRIOR[s])),
                _ => src.clone(),
            };
            tariffs.push(RateRow {
                sector: sectors[s].to_string(),
                exporter: "*".to_string(),
                importer: importer.to_string(),
                rate: rates[s],
                source,
            });
        }
        if CIS_FTA.contains(importer) {
            for exporter in CIS_FTA.iter().filter(|e| *e != importer) {
                for sector in &sectors {
                    tariffs.push(RateRow {
                        sector: sector.to_string(),
                        exporter: exporter.to_string(),
                        importer: importer.to_string(),
                        rate: 0.0,
                        source: "U: duty-free under the CIS free trade agreements (FTA of 14 Apr 1994 V); exemptions ignored".to_string(),
                    });
                }
            }
        }
    }
    tariff_report(
        text,
        &w,
        &out_imports,
        &kaz_rates,
        &rus_rates,
        &blr_rates,
        report,
    );
    // The same averages over every non-member (KGZ duty-free) for comparison.
    let kgz = idx(&REGIONS_2009, "KGZ")?;
    let with_kgz = |t: &[f64; 8]| -> f64 {
        let num: f64 = (0..8).map(|s| t[s] * out_imports[s]).sum();
        let den: f64 = out_total + (0..8).map(|s| flows[s][kgz][kaz]).sum::<f64>();
        num / den
    };
    let rus_w: [f64; 8] = std::array::from_fn(|s| {
        (0..n)
            .filter(|&i| i != rus && !CIS_FTA.contains(&REGIONS_2009[i]))
            .map(|i| flows[s][i][rus])
            .sum()
    });
    let rus_wt: f64 = rus_w.iter().sum();
    let rus_own: f64 = (0..8).map(|s| rus_rates[s] * rus_w[s] / rus_wt).sum();
    let _ = writeln!(
        text,
        "  Counting KGZ (duty-free, outside the 2010 union) among the outsiders, the weighted averages are {} before and {} under the CET.\n  Russia's schedule weighted by Russia's own MFN imports: {} (Shepotylo & Tarr 2012 trade-weighted: {}); simple {} (2012: {}; 2011 applied about 10%).\n",
        pct(with_kgz(&kaz_rates)),
        pct(with_kgz(&rus_rates)),
        pct(rus_own),
        pct(CET_WEIGHTED_2012_2020.0),
        pct(mean(&rus_rates)),
        pct(CET_2012_SIMPLE)
    );

    // --- NTB -------------------------------------------------------------
    let mut ntb = Vec::new();
    for i in CIS_FTA {
        for j in CIS_FTA {
            if i == j {
                continue;
            }
            let (rate, source) = if UNION_MEMBERS.contains(&i) && UNION_MEMBERS.contains(&j) {
                (
                    NTB_UNION_2009,
                    "U: border costs among KAZ RUS BLR before internal controls were removed (FACTS.md; no sourced estimate; MC range 5-20%)",
                )
            } else {
                (
                    NTB_KGZ_2009,
                    "U: the same border-cost assumption extended to KGZ's trade with KAZ RUS BLR",
                )
            };
            ntb.push(RateRow {
                sector: "*".to_string(),
                exporter: i.to_string(),
                importer: j.to_string(),
                rate,
                source: source.to_string(),
            });
        }
    }

    // --- sectors and supply -------------------------------------------------
    let mut sector_rows = Vec::new();
    for (k, (code, name)) in SECTOR_DEFS.iter().enumerate() {
        let (c2, sd, sm, members) = SIGMAS[k];
        if c2 != *code {
            return Err("SIGMAS out of order".into());
        }
        let eps = if *code == "FUEL" {
            EPSILON_FUEL
        } else {
            EPSILON_TRANSITION
        };
        sector_rows.push(SectorRow {
            code: code.to_string(),
            name: name.to_string(),
            sigma_m: sm,
            sigma_d: sd,
            eta: ETA,
            epsilon: eps,
            source: format!(
                "D: sigma_d/sigma_m GTAP ESUBD/ESUBM of {members} (V) mapped in ELASTICITIES.md; eta U; epsilon U (default of KAZ RUS BLR KGZ{})",
                if *code == "FUEL" { "; FUEL resource-constrained" } else { "" }
            ),
        });
    }
    let mut supply = Vec::new();
    for code in REGIONS_2009 {
        for (sector, _) in SECTOR_DEFS.iter() {
            if PRICE_TAKERS.contains(&code) {
                supply.push((
                    sector.to_string(),
                    code.to_string(),
                    f64::INFINITY,
                    "U: price taker (ELASTICITIES.md; SMART convention)".to_string(),
                ));
            } else if LARGE_SUPPLIERS.contains(&code) && *sector != "FUEL" {
                supply.push((
                    sector.to_string(),
                    code.to_string(),
                    EPSILON_LARGE,
                    "U: large diversified supplier (ELASTICITIES.md)".to_string(),
                ));
            }
        }
    }

    Ok(Dataset {
        regions: REGION_DEFS_2009
            .iter()
            .map(|(c, nme, s)| (c.to_string(), nme.to_string(), s.to_string()))
            .collect(),
        sectors: sector_rows,
        flows,
        flow_sources,
        tariffs,
        ntb,
        supply,
    })
}

#[allow(clippy::too_many_arguments)]
fn ras_report(
    text: &mut String,
    partners: &[usize],
    seed_ex: &[[f64; 8]],
    seed_im: &[[f64; 8]],
    flows: &[Vec<Vec<f64>>],
    kaz: usize,
    bns_ex: &[f64; 8],
    bns_im: &[f64; 8],
    bns_totals: (f64, f64),
    iterations: (usize, usize),
) {
    let _ = writeln!(
        text,
        "RAS fit of Kazakhstan's trade: held fixed each KAZ export cell (row) and import cell (column) of the matrix and every other cell;\n\
         fitted the sector totals of KAZ's exports and imports to the 2015 BNS composition (totals {:.1} and {:.1} US$ m; 2009 matrix: exports {:.1}, imports {:.1}).\n\
         Converged in {} (exports) and {} (imports) iterations.",
        bns_totals.0,
        bns_totals.1,
        seed_ex.iter().flatten().sum::<f64>(),
        seed_im.iter().flatten().sum::<f64>(),
        iterations.0,
        iterations.1
    );
    let sectors: Vec<&str> = SECTOR_DEFS.iter().map(|s| s.0).collect();
    let _ = write!(text, "  {:<28}", "");
    for s in &sectors {
        let _ = write!(text, "{s:>7}");
    }
    text.push('\n');
    for (label, seed, target, export) in [
        ("KAZ exports", seed_ex, bns_ex, true),
        ("KAZ imports", seed_im, bns_im, false),
    ] {
        let seed_tot: f64 = seed.iter().flatten().sum();
        let fitted: Vec<f64> = (0..8)
            .map(|s| {
                partners
                    .iter()
                    .map(|&p| {
                        if export {
                            flows[s][kaz][p]
                        } else {
                            flows[s][p][kaz]
                        }
                    })
                    .sum()
            })
            .collect();
        let fit_tot: f64 = fitted.iter().sum();
        let lines: [(String, Vec<f64>); 3] = [
            (
                format!("{label}: baseline shares"),
                (0..8)
                    .map(|s| seed.iter().map(|r| r[s]).sum::<f64>() / seed_tot)
                    .collect(),
            ),
            (format!("{label}: BNS 2015 target"), target.to_vec()),
            (
                format!("{label}: fitted"),
                fitted.iter().map(|x| x / fit_tot).collect(),
            ),
        ];
        for (name, v) in lines {
            let _ = write!(text, "  {name:<28}");
            for x in v {
                let _ = write!(text, "{:>7.1}", 100.0 * x);
            }
            text.push('\n');
        }
    }
    let _ = writeln!(text, "  Fitted sector shares (%) by partner:");
    for &p in partners {
        for export in [true, false] {
            let v: Vec<f64> = (0..8)
                .map(|s| {
                    if export {
                        flows[s][kaz][p]
                    } else {
                        flows[s][p][kaz]
                    }
                })
                .collect();
            let t: f64 = v.iter().sum();
            let name = if export {
                format!("KAZ->{}", REGIONS_2009[p])
            } else {
                format!("{}->KAZ", REGIONS_2009[p])
            };
            let _ = write!(text, "  {name:<28}");
            for x in v {
                let _ = write!(text, "{:>7.1}", 100.0 * x / t);
            }
            text.push('\n');
        }
    }
    text.push('\n');
}

fn tariff_report(
    text: &mut String,
    w: &[f64; 8],
    out_imports: &[f64; 8],
    kaz: &[f64; 8],
    rus: &[f64; 8],
    blr: &[f64; 8],
    report: &Report,
) {
    let _ = writeln!(
        text,
        "Tariff calibration (rates in %; weights = KAZ's 2009 imports from CHN, EU27, ROW, the MFN partners):"
    );
    let _ = writeln!(
        text,
        "  sector  imports   weight  KAZ prior  KAZ 2009  RUS prior  RUS=CET  BLR 2009"
    );
    for s in 0..8 {
        let _ = writeln!(
            text,
            "  {:<6} {:>8.1} {:>8.2} {:>10.2} {:>9.2} {:>10.2} {:>8.2} {:>9.2}",
            SECTOR_DEFS[s].0,
            out_imports[s],
            100.0 * w[s],
            100.0 * KAZ_PRIOR[s],
            100.0 * kaz[s],
            100.0 * RUS_PRIOR[s],
            100.0 * rus[s],
            100.0 * blr[s]
        );
    }
    let _ = writeln!(
        text,
        "  Kazakhstan before the CET: simple {} (target {}), weighted {} (target {})\n  Kazakhstan under the CET:   simple {} (target {}), weighted {} (target {})",
        pct(report.kaz_simple_before),
        pct(KAZ_SIMPLE_BEFORE),
        pct(report.kaz_weighted_before),
        pct(KAZ_WEIGHTED_BEFORE),
        pct(report.kaz_simple_cet),
        pct(KAZ_SIMPLE_CET),
        pct(report.kaz_weighted_cet),
        pct(KAZ_WEIGHTED_CET)
    );
    let _ = writeln!(
        text,
        "  Priors (weighted): KAZ {} RUS {}; rates rounded to {RATE_DECIMALS} decimals before the averages are taken.",
        pct((0..8).map(|s| w[s] * KAZ_PRIOR[s]).sum()),
        pct((0..8).map(|s| w[s] * RUS_PRIOR[s]).sum()),
    );
}

/// `policy_rates.csv` rows and report text.
fn policy_rates(d: &Dataset) -> Result<(Vec<PolicyRow>, String), String> {
    let rate_of = |importer: &str| -> [f64; 8] {
        std::array::from_fn(|s| {
            d.tariffs
                .iter()
                .find(|r| {
                    r.importer == importer && r.exporter == "*" && r.sector == SECTOR_DEFS[s].0
                })
                .map_or(f64::NAN, |r| r.rate)
        })
    };
    let kaz = rate_of("KAZ");
    let rus = rate_of("RUS");
    let mut shaped = [0.0; 8];
    for s in 0..8 {
        let (code, bound, applied, _) = WTO_GROUP_RATIOS[s];
        if code != SECTOR_DEFS[s].0 {
            return Err("WTO_GROUP_RATIOS out of order".into());
        }
        shaped[s] = rus[s] * bound / applied;
    }
    let k = CET_2020_SIMPLE / mean(&shaped);
    let cet2020: [f64; 8] = std::array::from_fn(|s| round_to(shaped[s] * k, RATE_DECIMALS));
    // AGF is the first sector: the agricultural bound applies to it alone.
    if SECTOR_DEFS[0].0 != "AGF" {
        return Err("SECTOR_DEFS must start with AGF".into());
    }
    let count = SECTOR_DEFS.len() as f64;
    let non_ag_target = (count * KAZ_BOUND_AVERAGE - KAZ_BOUND_AGRICULTURE) / (count - 1.0);
    let k2 = non_ag_target / mean(&cet2020[1..]);
    let bound: [f64; 8] = std::array::from_fn(|s| {
        if s == 0 {
            KAZ_BOUND_AGRICULTURE
        } else {
            round_to(cet2020[s] * k2, RATE_DECIMALS)
        }
    });
    let mut rows = Vec::new();
    for s in 0..8 {
        let code = SECTOR_DEFS[s].0;
        let (_, b, a, group) = WTO_GROUP_RATIOS[s];
        rows.push((
            "kaz_mfn_2009".to_string(),
            code.to_string(),
            kaz[s],
            "D: Kazakhstan's calibrated 2009 MFN rate (as tariffs.csv)".to_string(),
        ));
        rows.push((
            "cet_2010".to_string(),
            code.to_string(),
            rus[s],
            "D: Russia's calibrated 2009 schedule adopted as the CET (as tariffs.csv)".to_string(),
        ));
        rows.push((
            "cet_wto_2020".to_string(),
            code.to_string(),
            cet2020[s],
            format!(
                "D: CET x {group} bound/applied {b}/{a} (V2 WTO 2011) x {k:.4} so that the simple average is 7.9% (V: Shepotylo & Tarr 2012 path 11.5% -> 7.9%)"
            ),
        ));
        rows.push((
            "kaz_wto_bound".to_string(),
            code.to_string(),
            bound[s],
            if s == 0 {
                "V2: Kazakhstan's WTO bound average for agriculture 7.6%".to_string()
            } else {
                format!(
                    "D: cet_wto_2020 x {k2:.4} so that non-AGF sectors average 5.89% and all eight 6.1% (V2: bound 6.1%; non-agriculture 5.9%)"
                )
            },
        ));
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "policy_rates.csv (%): sector  cet_2010  cet_wto_2020  kaz_wto_bound"
    );
    for s in 0..8 {
        let _ = writeln!(
            text,
            "  {:<6} {:>8.2} {:>12.2} {:>13.2}",
            SECTOR_DEFS[s].0,
            100.0 * rus[s],
            100.0 * cet2020[s],
            100.0 * bound[s]
        );
    }
    let _ = writeln!(
        text,
        "  simple averages: CET 2010 {} -> WTO 2020 {} (target {}; published path {} -> {}); KAZ bound {} (target {}), AGF {}, other sectors {} (published non-agriculture {})\n",
        pct(mean(&rus)),
        pct(mean(&cet2020)),
        pct(CET_2020_SIMPLE),
        pct(CET_2012_SIMPLE),
        pct(CET_2020_SIMPLE),
        pct(mean(&bound)),
        pct(KAZ_BOUND_AVERAGE),
        pct(bound[0]),
        pct(mean(&bound[1..])),
        pct(KAZ_BOUND_NON_AGRICULTURE)
    );
    Ok((rows, text))
}

fn policy_measure(rows: &[PolicyRow], measure: &str) -> Vec<f64> {
    rows.iter()
        .filter(|r| r.0 == measure)
        .map(|r| r.2)
        .collect()
}

// ---------------------------------------------------------------------------
// 1995
// ---------------------------------------------------------------------------

fn build_1995(raw: &Path, text: &mut String) -> Result<Dataset, String> {
    let regions: Vec<&str> = REGION_DEFS_1995.iter().map(|r| r.0).collect();
    let n = regions.len();
    let ns = SECTORS_1995.len();
    let row = idx(&regions, "ROW")?;
    let mut cells = vec![vec![0.0; n]; n];
    let mut src = vec![vec![String::new(); n]; n];
    for (e, i, v, s) in CELLS_1995.iter().chain(CELLS_1995_BLR_KGZ.iter()) {
        let (a, b) = (idx(&regions, e)?, idx(&regions, i)?);
        cells[a][b] = *v;
        src[a][b] = s.to_string();
    }
    for (code, exports, imports, s) in TOTALS_1995 {
        let a = idx(&regions, code)?;
        let other_ex: f64 = (0..n)
            .filter(|&j| j != a && j != row)
            .map(|j| cells[a][j])
            .sum();
        let other_im: f64 = (0..n)
            .filter(|&j| j != a && j != row)
            .map(|j| cells[j][a])
            .sum();
        cells[a][row] = exports - other_ex;
        cells[row][a] = imports - other_im;
        if cells[a][row] <= 0.0 || cells[row][a] <= 0.0 {
            return Err(format!("1995: negative ROW cell for {code}"));
        }
        src[a][row] = format!("D: {s}");
        src[row][a] = format!("D: {s}");
    }
    let world_rest: f64 = GDP_1995.iter().map(|g| g.1).sum();
    for a in 0..n {
        let exports: f64 = (0..n).filter(|&j| j != a).map(|j| cells[a][j]).sum();
        let (gdp, gdp_src) = if a == row {
            (WORLD_GDP_1995 - world_rest, "world GDP (U) minus the four")
        } else {
            (
                GDP_1995[idx(&GDP_1995.map(|g| g.0), regions[a])?].1,
                "GDP (U)",
            )
        };
        let gamma = GAMMA_2009[idx(&GAMMA_2009.map(|g| g.0), regions[a])?].1;
        cells[a][a] = gamma * gdp - exports;
        if cells[a][a] <= 0.0 {
            return Err(format!("1995: negative domestic sales for {}", regions[a]));
        }
        src[a][a] = format!(
            "U: domestic sales = gamma {gamma} (U; 2009 value) x {gdp_src} {gdp:.0} - exports {exports:.0}"
        );
    }
    // Domestic sector shares: the baseline file's 2009 domestic shares
    // aggregated to five sectors (U).
    let (shares09, _, _) = read_baseline_shares(raw)?;
    let sectors09: Vec<&str> = SECTOR_DEFS.iter().map(|s| s.0).collect();
    let map09 = |s09: &str| -> usize {
        if OTHR_1995_MEMBERS.contains(&s09) {
            ns - 1
        } else {
            SECTORS_1995
                .iter()
                .position(|s| *s == s09)
                .unwrap_or(ns - 1)
        }
    };
    let mut flows = vec![vec![vec![0.0; n]; n]; ns];
    let mut fsrc = vec![vec![vec![String::new(); n]; n]; ns];
    for a in 0..n {
        for b in 0..n {
            if a == b {
                let r09 = idx(&REGIONS_2009, regions[a])?;
                let mut dom = vec![0.0; ns];
                for (k, s09) in sectors09.iter().enumerate() {
                    dom[map09(s09)] += shares09[k][r09][r09];
                }
                for s in 0..ns {
                    flows[s][a][a] = round_to(cells[a][a] * dom[s], FLOW_DECIMALS);
                    fsrc[s][a][a] = format!(
                        "{}; sector share {:.2}% (U: 2009 baseline_7x7x8 domestic share of {} aggregated)",
                        src[a][a],
                        100.0 * dom[s],
                        regions[a]
                    );
                }
                continue;
            }
            let comp = COMPOSITIONS_1995
                .iter()
                .find(|c| c.0 == regions[a] && c.1 == regions[b])
                .or_else(|| {
                    COMPOSITIONS_1995
                        .iter()
                        .find(|c| c.0 == regions[a] && c.1 == "*")
                })
                .ok_or_else(|| format!("1995: no composition for {}", regions[a]))?;
            let total: f64 = comp.2.iter().map(|x| x.0).sum();
            if (total - 1.0).abs() > IDENTITY_TOLERANCE {
                return Err(format!(
                    "1995: composition of {}->{} sums to {total}",
                    comp.0, comp.1
                ));
            }
            for s in 0..ns {
                let (share, status) = comp.2[s];
                flows[s][a][b] = round_to(cells[a][b] * share, FLOW_DECIMALS);
                let cell_status = src[a][b].split(':').next().unwrap_or("U");
                let status_tok = status.split(':').next().unwrap_or("U");
                let overall = if cell_status == "seed" && status_tok == "seed" {
                    "seed"
                } else {
                    "U"
                };
                fsrc[s][a][b] = format!(
                    "{overall}: cell {:.0} ({}) x share {:.1}% ({})",
                    cells[a][b],
                    src[a][b],
                    100.0 * share,
                    status
                );
            }
        }
    }

    let mut tariffs = Vec::new();
    for (importer, rates) in TARIFF_MFN_1995 {
        for (s, sector) in SECTORS_1995.iter().enumerate() {
            tariffs.push(RateRow {
                sector: sector.to_string(),
                exporter: "*".to_string(),
                importer: importer.to_string(),
                rate: rates[s],
                source: "U: assumed 1995 MFN rate (the essay gives no tariffs)".to_string(),
            });
        }
        if CIS_1995.contains(&importer) {
            for exporter in CIS_1995.iter().filter(|e| **e != importer) {
                for sector in SECTORS_1995 {
                    tariffs.push(RateRow {
                        sector: sector.to_string(),
                        exporter: exporter.to_string(),
                        importer: importer.to_string(),
                        rate: TARIFF_INTERNAL_1995,
                        source: "U: pre-union duties and restrictions on mutual trade (lifted by the 1995 union's first stage; seed)".to_string(),
                    });
                }
            }
        }
    }
    let mut ntb = Vec::new();
    for i in CIS_1995 {
        for j in CIS_1995 {
            if i != j {
                ntb.push(RateRow {
                    sector: "*".to_string(),
                    exporter: i.to_string(),
                    importer: j.to_string(),
                    rate: NTB_1995,
                    source: "U: illustrative border costs among the union's members and Kyrgyzstan before 1995".to_string(),
                });
            }
        }
    }
    let mut sector_rows = Vec::new();
    for code in SECTORS_1995 {
        let (name, sd, sm, src) = if code == "OTHR" {
            (
                "All other goods (2009 CHEM, TEXC, WOOD and OTHR)".to_string(),
                OTHR_1995_SIGMAS.0,
                OTHR_1995_SIGMAS.1,
                "D: mean of the 2009 CHEM TEXC WOOD OTHR sigmas (GTAP; ELASTICITIES.md) rounded; eta U; epsilon U".to_string(),
            )
        } else {
            let k = idx(&sectors09, code)?;
            (
                SECTOR_DEFS[k].1.to_string(),
                SIGMAS[k].1,
                SIGMAS[k].2,
                "D: as the 2009 sector (GTAP ESUBD/ESUBM via ELASTICITIES.md); eta U; epsilon U"
                    .to_string(),
            )
        };
        sector_rows.push(SectorRow {
            code: code.to_string(),
            name,
            sigma_m: sm,
            sigma_d: sd,
            eta: ETA,
            epsilon: if code == "FUEL" {
                EPSILON_FUEL
            } else {
                EPSILON_TRANSITION
            },
            source: src,
        });
    }
    let supply = SECTORS_1995
        .iter()
        .map(|s| {
            (
                s.to_string(),
                "ROW".to_string(),
                f64::INFINITY,
                "U: price taker (ELASTICITIES.md)".to_string(),
            )
        })
        .collect();

    let _ = writeln!(
        text,
        "== kaz1995 (illustrative; seed figures from the essay plus assumptions) ==\nAggregate 1995 matrix (US$ million):"
    );
    let _ = write!(text, "  {:<6}", "");
    for r in &regions {
        let _ = write!(text, "{r:>14}");
    }
    text.push('\n');
    for (name, r) in regions.iter().zip(&cells) {
        let _ = write!(text, "  {name:<6}");
        for c in r {
            let _ = write!(text, "{c:>14.1}");
        }
        text.push('\n');
    }
    let kaz = idx(&regions, "KAZ")?;
    let rus = idx(&regions, "RUS")?;
    let ex: f64 = (0..n).filter(|&j| j != kaz).map(|j| cells[kaz][j]).sum();
    let im: f64 = (0..n).filter(|&j| j != kaz).map(|j| cells[j][kaz]).sum();
    let _ = writeln!(
        text,
        "  KAZ exports {ex:.0} (to RUS {:.1}%), imports {im:.0} (from RUS {:.1}%); trade with Russia {:.1}% of KAZ trade (the essay's 54% does not follow from its own dollar figures)\n",
        100.0 * cells[kaz][rus] / ex,
        100.0 * cells[rus][kaz] / im,
        100.0 * (cells[kaz][rus] + cells[rus][kaz]) / (ex + im)
    );

    Ok(Dataset {
        regions: REGION_DEFS_1995
            .iter()
            .map(|(c, nme, s)| (c.to_string(), nme.to_string(), s.to_string()))
            .collect(),
        sectors: sector_rows,
        flows,
        flow_sources: fsrc,
        tariffs,
        ntb,
        supply,
    })
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

fn fmt_rate(x: f64) -> String {
    format!("{:.*}", RATE_DECIMALS as usize, x)
}

fn fmt_param(x: f64) -> String {
    if x.is_infinite() {
        "inf".to_string()
    } else {
        format!("{x:?}")
    }
}

/// Checks the rules of SPEC §7 on a dataset before it is written.
fn validate(d: &Dataset, name: &str) -> Result<(), String> {
    let codes: BTreeSet<&str> = d.regions.iter().map(|r| r.0.as_str()).collect();
    let sectors: BTreeSet<&str> = d.sectors.iter().map(|r| r.code.as_str()).collect();
    if codes.len() != d.regions.len() || sectors.len() != d.sectors.len() {
        return Err(format!("{name}: duplicate codes"));
    }
    for s in &d.sectors {
        for v in [s.sigma_m, s.sigma_d, s.eta] {
            if !v.is_finite() || v < 0.0 {
                return Err(format!("{name}: bad elasticity in {}", s.code));
            }
        }
        if s.epsilon.is_nan() || s.epsilon < 0.0 {
            return Err(format!("{name}: bad epsilon in {}", s.code));
        }
    }
    for plane in &d.flows {
        for r in plane {
            for &x in r {
                if !x.is_finite() || x < 0.0 {
                    return Err(format!("{name}: bad flow {x}"));
                }
            }
        }
    }
    for (file, rows) in [("tariffs", &d.tariffs), ("ntb", &d.ntb)] {
        let mut seen = BTreeSet::new();
        for r in rows.iter() {
            if r.exporter == r.importer {
                return Err(format!("{name}/{file}: diagonal row {r:?}"));
            }
            let floor_ok = if file == "ntb" {
                r.rate >= 0.0
            } else {
                r.rate > -1.0
            };
            if !(r.rate.is_finite() && floor_ok) {
                return Err(format!("{name}/{file}: bad rate {r:?}"));
            }
            if (r.sector != "*" && !sectors.contains(r.sector.as_str()))
                || (r.exporter != "*" && !codes.contains(r.exporter.as_str()))
                || !codes.contains(r.importer.as_str())
            {
                return Err(format!("{name}/{file}: unknown code in {r:?}"));
            }
            if !seen.insert((&r.sector, &r.exporter, &r.importer)) {
                return Err(format!("{name}/{file}: duplicate row {r:?}"));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (s, c, e, _) in &d.supply {
        if !sectors.contains(s.as_str()) || !codes.contains(c.as_str()) || e.is_nan() || *e < 0.0 {
            return Err(format!("{name}/supply: bad row {s} {c} {e}"));
        }
        if !seen.insert((s, c)) {
            return Err(format!("{name}/supply: duplicate row {s} {c}"));
        }
    }
    Ok(())
}

fn write_dataset(dir: &Path, d: &Dataset, policy: Option<&Vec<PolicyRow>>) -> Result<(), String> {
    let name = dir.display().to_string();
    validate(d, &name)?;
    fs::create_dir_all(dir).map_err(|e| format!("{name}: {e}"))?;
    let mut files: Vec<(&str, Table)> = Vec::new();

    let mut t = Table::new(&["code", "name", "source"]);
    for (c, n, s) in &d.regions {
        t.push(vec![c.clone(), n.clone(), s.clone()]);
    }
    files.push(("countries.csv", t));

    let mut t = Table::new(&[
        "code", "name", "sigma_m", "sigma_d", "eta", "epsilon", "source",
    ]);
    for s in &d.sectors {
        t.push(vec![
            s.code.clone(),
            s.name.clone(),
            fmt_param(s.sigma_m),
            fmt_param(s.sigma_d),
            fmt_param(s.eta),
            fmt_param(s.epsilon),
            s.source.clone(),
        ]);
    }
    files.push(("sectors.csv", t));

    let mut t = Table::new(&["sector", "exporter", "importer", "value", "source"]);
    for (k, s) in d.sectors.iter().enumerate() {
        for (i, ri) in d.regions.iter().enumerate() {
            for (j, rj) in d.regions.iter().enumerate() {
                t.push(vec![
                    s.code.clone(),
                    ri.0.clone(),
                    rj.0.clone(),
                    format!("{:.*}", FLOW_DECIMALS as usize, d.flows[k][i][j]),
                    d.flow_sources[k][i][j].clone(),
                ]);
            }
        }
    }
    files.push(("flows.csv", t));

    for (file, rows) in [("tariffs.csv", &d.tariffs), ("ntb.csv", &d.ntb)] {
        let mut t = Table::new(&["sector", "exporter", "importer", "rate", "source"]);
        for r in rows.iter() {
            t.push(vec![
                r.sector.clone(),
                r.exporter.clone(),
                r.importer.clone(),
                fmt_rate(r.rate),
                r.source.clone(),
            ]);
        }
        files.push((file, t));
    }

    let mut t = Table::new(&["sector", "country", "epsilon", "source"]);
    for (s, c, e, src) in &d.supply {
        t.push(vec![s.clone(), c.clone(), fmt_param(*e), src.clone()]);
    }
    files.push(("supply.csv", t));

    if let Some(rows) = policy {
        let mut t = Table::new(&["measure", "sector", "rate", "source"]);
        for (m, s, r, src) in rows {
            t.push(vec![m.clone(), s.clone(), fmt_rate(*r), src.clone()]);
        }
        files.push(("policy_rates.csv", t));
    }

    for (file, table) in files {
        let body = table.render(&format!("{name}/{file}"))?;
        fs::write(dir.join(file), body).map_err(|e| format!("{name}/{file}: {e}"))?;
    }
    Ok(())
}

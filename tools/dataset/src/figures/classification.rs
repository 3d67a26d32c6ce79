//! Classification of the 2009 dataset: regions, the COW states they gather,
//! sectors and their HS chapters, the baseline year, the goods-output ratios
//! behind domestic sales, and the published 2009 matrix the raw files are
//! checked against.

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

/// Year of the statistics-bureau composition (V: raw file; the series starts in 2015).
pub const BNS_YEAR_PREFIX: &str = "2015-";

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

//! Classification of the 2009 dataset: regions, the COW states they gather,
//! sectors and their HS chapters, the baseline year, the goods-output ratios
//! behind domestic sales, and the published 2009 matrix the raw files are
//! checked against.

/// Regions of the 2009 dataset, in output order.
pub const REGIONS_2009: [&str; 7] = ["KAZ", "RUS", "BLR", "KGZ", "CHN", "EU27", "ROW"];

/// A region of the 2009 dataset: what it gathers and where its GDP comes from.
#[derive(Debug, Clone, Copy)]
pub struct RegionDef {
    /// Code.
    pub code: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Status of the definition.
    pub status: &'static str,
    /// The COW states it gathers.
    pub definition: &'static str,
    /// Status of its GDP.
    pub gdp_status: &'static str,
    /// The WDI series or rule its GDP comes from (docs/sources.md#gdp).
    pub gdp: &'static str,
}

/// The regions of the 2009 dataset, in output order (D: region definitions
/// built from COW state codes and WDI codes as described; Armenia stays in
/// ROW). Their GDP is the 2009 WDI `NY.GDP.MKTP.CD` read from the raw file.
pub const REGION_DEFS_2009: [RegionDef; 7] = [
    RegionDef {
        code: "KAZ",
        name: "Kazakhstan",
        status: "V",
        definition: "COW state KZK (705)",
        gdp_status: "V",
        gdp: "WDI KAZ",
    },
    RegionDef {
        code: "RUS",
        name: "Russian Federation",
        status: "V",
        definition: "COW state RUS (365)",
        gdp_status: "V",
        gdp: "WDI RUS",
    },
    RegionDef {
        code: "BLR",
        name: "Belarus",
        status: "V",
        definition: "COW state BLR (370)",
        gdp_status: "V",
        gdp: "WDI BLR",
    },
    RegionDef {
        code: "KGZ",
        name: "Kyrgyz Republic",
        status: "V",
        definition: "COW state KYR (703)",
        gdp_status: "V",
        gdp: "WDI KGZ",
    },
    RegionDef {
        code: "CHN",
        name: "China",
        status: "V",
        definition: "COW state CHN (710)",
        gdp_status: "V",
        gdp: "WDI CHN",
    },
    RegionDef {
        code: "EU27",
        name: "European Union (2007-2013 membership)",
        status: "D",
        definition: "the 27 COW states of the 2007-2013 EU (incl. UKG; excl. CRO)",
        gdp_status: "D",
        gdp: "WDI EUU - HRV + GBR",
    },
    RegionDef {
        code: "ROW",
        name: "Rest of the world",
        status: "D",
        definition: "every other COW state (incl. Armenia ARM; Ukraine; Uzbekistan)",
        gdp_status: "D",
        gdp: "WDI WLD minus the six regions",
    },
];

/// The region whose trade cells are mostly re-exports, and the origin whose
/// shipments to it are (D: docs/sources.md#caveats): the two codes of the
/// `note` of `countries.csv`, whose figures are read from the data.
pub const RE_EXPORT_NOTE: (&str, &str) = ("KGZ", "CHN");

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
/// docs/sources.md#the-2009-matrix: EU27 is the 2007-2013 membership).
pub const EU27_COW: [&str; 27] = [
    "AUS", "BEL", "BUL", "CYP", "CZR", "DEN", "EST", "FIN", "FRN", "GMY", "GRC", "HUN", "IRE",
    "ITA", "LAT", "LIT", "LUX", "MLT", "NTH", "POL", "POR", "ROM", "SLO", "SLV", "SPN", "SWD",
    "UKG",
];

/// The sectors of both datasets: code, name, HS chapters (D: docs/data.md#sectors-and-elasticities-sectorscsv-supplycsv).
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

/// HS chapter ranges (inclusive) of each sector (D: docs/data.md#sectors-and-elasticities-sectorscsv-supplycsv).
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
// Chapters 97-99 (and anything else unlisted) fall into OTHR (D: docs/data.md).

/// Baseline year read from the raw files (V: docs/sources.md#known-problems-of-the-trade-sources, the last year before
/// the CET and before intra-union trade left customs records).
pub const BASE_YEAR: &str = "2009";

/// Year of the statistics-bureau composition (V: raw file; the series starts in 2015).
pub const BNS_YEAR_PREFIX: &str = "2015-";

/// Ratio of goods output to GDP, used for domestic sales = gamma x GDP - exports
/// (U: docs/sources.md#gdp).
pub const GAMMA_2009: [(&str, f64); 7] = [
    ("KAZ", 0.95),
    ("RUS", 0.85),
    ("BLR", 1.15),
    ("KGZ", 0.70),
    ("CHN", 1.60),
    ("EU27", 0.75),
    ("ROW", 0.80),
];

/// The published 2009 matrix (docs/sources.md#the-2009-matrix; US$ million; rows exporter, columns importer, order
/// of [`REGIONS_2009`]). Off-diagonal V (COW v4.0), diagonal D.
/// Used as a check of what is read from the raw files, and as the source (V2)
/// of the two EU27<->ROW cells, which the core-5 dyadic extract cannot hold.
pub const MATRIX_2009_PUBLISHED: [[f64; 7]; 7] = [
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
/// files and the published matrix: the table is rounded to US$ 1 million, and the
/// two EU27<->ROW cells taken from it are themselves rounded, which moves the
/// EU27 and ROW diagonals (gamma x GDP - exports) by up to 1 more.
pub const MATRIX_CHECK_TOLERANCE: f64 = 2.0;

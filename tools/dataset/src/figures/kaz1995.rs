//! Every figure of the illustrative 1995 dataset: the essay's seed figures
//! and the labelled assumptions around them.

/// Regions of the 1995 dataset and their `countries.csv` source text.
pub const REGION_DEFS_1995: [(&str, &str, &str); 5] = [
    (
        "KAZ",
        "Kazakhstan",
        "seed: the 1995 essay (docs/sources.md#kazakhstan-and-russia-around-1995)",
    ),
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

//! Elasticities of both datasets: sigma_d and sigma_m from GTAP, the demand
//! elasticity and the supply-elasticity pattern by country.

/// sigma_d, sigma_m per sector and the GTAP sectors mapped to it
/// (D: docs/sources.md#armington-elasticities-gtap, import-weighted or simple means of GTAP ESUBD /
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

/// Aggregate demand elasticity of every sector (U: convention, docs/sources.md#demand-and-supply-elasticities;
/// Kee, Nicita & Olarreaga 2008 median import demand elasticity about 1.1, V2).
pub const ETA: f64 = 1.0;

/// Supply elasticity of KAZ, RUS, BLR, KGZ (the sector default) (U: docs/sources.md#demand-and-supply-elasticities).
pub const EPSILON_TRANSITION: f64 = 2.0;
/// Supply elasticity of CHN and EU27 (U: docs/sources.md#demand-and-supply-elasticities).
pub const EPSILON_LARGE: f64 = 5.0;
/// Supply elasticity of FUEL in every finite-elasticity country
/// (U: docs/sources.md#demand-and-supply-elasticities; IMF-ENV uses 0.9-2 for natural resources, V).
pub const EPSILON_FUEL: f64 = 1.0;
/// Regions with supply elasticity [`EPSILON_LARGE`] (U: docs/sources.md#demand-and-supply-elasticities).
pub const LARGE_SUPPLIERS: [&str; 2] = ["CHN", "EU27"];
/// Regions that are price takers, infinite supply elasticity (U: docs/sources.md#demand-and-supply-elasticities;
/// SMART's convention for partners).
pub const PRICE_TAKERS: [&str; 1] = ["ROW"];

/// The sector's default supply elasticity, that of KAZ, RUS, BLR and KGZ:
/// [`EPSILON_FUEL`] for FUEL, [`EPSILON_TRANSITION`] otherwise (U: docs/sources.md#demand-and-supply-elasticities).
pub fn epsilon_default(sector: &str) -> f64 {
    if sector == "FUEL" {
        EPSILON_FUEL
    } else {
        EPSILON_TRANSITION
    }
}

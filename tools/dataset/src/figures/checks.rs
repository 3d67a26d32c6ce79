//! Published shares the 2009 data are compared with in the report (checked,
//! never fitted).

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
/// Kazakhstan's import shares 2009 -> 2011 (docs/sources.md#kazakhstans-import-shares-2009-and-2011; D: COW cells plus
/// EEC 2011 figures, V2), for comparison with the data's 2009 shares.
pub const KAZ_IMPORT_SHARES_2009_2011: [(&str, f64, f64); 3] = [
    ("RUS", 0.31, 0.42),
    ("EU27", 0.27, 0.20),
    ("CHN", 0.13, 0.13),
];

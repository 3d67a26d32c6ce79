//! The committed datasets `data/eaeu2009` and `data/kaz1995` are exactly what
//! the generator makes from `data/raw`, they follow the data format of `docs/data.md`,
//! and they hit the calibration targets:
//!
//! ```text
//! Kazakhstan, average MFN tariff on imports from CHN, EU27, ROW (2009 baseline weights):
//!   before the CET   simple 6.7%   weighted 5.3%   (World Bank 2012)
//!   Russia's rates   simple 11.1%  weighted 9.5%   (the CET Kazakhstan adopts)
//! CET after the WTO cuts: simple 7.9%; Kazakhstan's bound rates: 6.1%, AGF 7.6%
//! members' shares of the duties collected under the 2010 CET (scenarios/cet_2010.toml,
//!   default elasticities): RUS 89.5%, KAZ 6.9%, BLR 3.65% (2012), each within 0.1 point
//! ```
//!
//! Every check here reads the committed CSV files, not the generator's
//! in-memory values, so a hand edit or a drift of either fails a test.

use customs_union::io::load_data_dir;
use customs_union::{ScenarioSet, Simulation};
use customs_union_dataset::figures::{MATRIX_2009_PUBLISHED, REGIONS_2009};
use customs_union_dataset::generate;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Acceptance tolerance of a calibrated average: 0.1 percentage point.
const TARGET_TOLERANCE: f64 = 0.001;
/// Tolerance of a sum of written flows against an aggregate cell (US$ m):
/// eight values rounded to US$ 1,000 each.
const CELL_TOLERANCE: f64 = 0.01;
/// Tolerance of a fitted composition share against its target.
const SHARE_TOLERANCE: f64 = 1e-6;
/// Acceptance tolerance of a member's collected share under the CET against
/// the observed 2012 share: 0.1 percentage point (the published shares are
/// rounded and sum to 100.05%).
const COLLECTED_TOLERANCE: f64 = 0.001;
/// Observed shares of the members' collected duties, 2012 (docs/sources.md).
const COLLECTED_2012: [(&str, f64); 3] = [("RUS", 0.895), ("KAZ", 0.069), ("BLR", 0.0365)];

const STATUSES: [&str; 5] = ["V", "V2", "D", "U", "seed"];

/// The repository (this crate lives in `tools/dataset`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the repository holds tools/dataset")
        .to_path_buf()
}

type Rows = Vec<BTreeMap<String, String>>;

fn read(path: &Path) -> (Vec<String>, Rows) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

fn num(s: &str) -> f64 {
    if s == "inf" {
        f64::INFINITY
    } else {
        s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }
}

/// Files that differ (or exist on one side only) between two directories.
fn differences(a: &Path, b: &Path) -> Vec<String> {
    let names = |d: &Path| -> BTreeSet<String> {
        fs::read_dir(d)
            .map(|it| {
                it.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (na, nb) = (names(a), names(b));
    let mut out = Vec::new();
    for n in na.union(&nb) {
        match (fs::read(a.join(n)), fs::read(b.join(n))) {
            (Ok(x), Ok(y)) if x == y => {}
            _ => out.push(n.clone()),
        }
    }
    out
}

#[test]
fn committed_csvs_are_byte_identical_to_a_regeneration() {
    let tmp = tempfile::tempdir().unwrap();
    let report = generate(&root().join("data/raw"), tmp.path()).unwrap();
    for d in ["eaeu2009", "kaz1995"] {
        let diff = differences(&root().join("data").join(d), &tmp.path().join(d));
        assert!(
            diff.is_empty(),
            "data/{d}: {diff:?} differ from a regeneration; run `cargo run --release -p customs-union-dataset`"
        );
    }
    // The generator's own view of the targets agrees.
    assert!((report.kaz_simple_before - 0.067).abs() <= TARGET_TOLERANCE);
    assert!((report.kaz_weighted_before - 0.053).abs() <= TARGET_TOLERANCE);
    assert!((report.kaz_simple_cet - 0.111).abs() <= TARGET_TOLERANCE);
    assert!((report.kaz_weighted_cet - 0.095).abs() <= TARGET_TOLERANCE);
    assert_eq!(report.collected_shares.len(), 3);
    for (code, _, under_cet) in &report.collected_shares {
        let target = COLLECTED_2012.iter().find(|t| t.0 == code).unwrap().1;
        assert!((under_cet - target).abs() <= COLLECTED_TOLERANCE, "{code}");
    }
    let k = |code: &str| report.collection.iter().find(|c| c.0 == code).unwrap().1;
    assert_eq!(k("RUS"), 1.0);
}

#[test]
fn the_comparison_notices_a_changed_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("eaeu2009");
    fs::create_dir_all(&copy).unwrap();
    let src = root().join("data/eaeu2009");
    for e in fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    assert!(differences(&src, &copy).is_empty());
    let t = copy.join("tariffs.csv");
    let body = fs::read_to_string(&t).unwrap().replacen("0.", "1.", 1);
    fs::write(&t, body).unwrap();
    assert_eq!(differences(&src, &copy), vec!["tariffs.csv".to_string()]);
}

/// A data directory read back from its CSV files.
struct Data {
    countries: Vec<String>,
    country_rows: Rows,
    sectors: Vec<String>,
    flows: BTreeMap<(String, String, String), f64>,
    tariffs: Rows,
    ntb: Rows,
    supply: Rows,
    sector_rows: Rows,
}

fn load(dir: &Path) -> Data {
    let expect = |file: &str, cols: &[&str]| -> Rows {
        let (h, rows) = read(&dir.join(file));
        assert_eq!(h, cols, "{file}: header");
        rows
    };
    let countries = expect(
        "countries.csv",
        &["code", "name", "gdp", "collection", "note", "source"],
    );
    let sector_rows = expect(
        "sectors.csv",
        &[
            "code", "name", "sigma_m", "sigma_d", "eta", "epsilon", "source",
        ],
    );
    let flow_rows = expect(
        "flows.csv",
        &["sector", "exporter", "importer", "value", "source"],
    );
    let rate_cols = ["sector", "exporter", "importer", "rate", "source"];
    let tariffs = expect("tariffs.csv", &rate_cols);
    let ntb = expect("ntb.csv", &rate_cols);
    let supply = expect("supply.csv", &["sector", "country", "epsilon", "source"]);
    let mut flows = BTreeMap::new();
    for r in &flow_rows {
        let key = (
            r["sector"].clone(),
            r["exporter"].clone(),
            r["importer"].clone(),
        );
        assert!(
            flows.insert(key.clone(), num(&r["value"])).is_none(),
            "duplicate flow {key:?}"
        );
    }
    Data {
        countries: countries.iter().map(|r| r["code"].clone()).collect(),
        country_rows: countries,
        sectors: sector_rows.iter().map(|r| r["code"].clone()).collect(),
        flows,
        tariffs,
        ntb,
        supply,
        sector_rows,
    }
}

impl Data {
    fn flow(&self, s: &str, i: &str, j: &str) -> f64 {
        self.flows[&(s.to_string(), i.to_string(), j.to_string())]
    }

    fn cell(&self, i: &str, j: &str) -> f64 {
        self.sectors.iter().map(|s| self.flow(s, i, j)).sum()
    }

    /// The data format's precedence: (sector, exporter) > (sector, *) > (*, exporter) > (*, *); missing 0.
    fn rate(rows: &Rows, s: &str, i: &str, j: &str) -> f64 {
        assert_ne!(i, j, "no diagonal rates");
        for (ks, ki) in [(s, i), (s, "*"), ("*", i), ("*", "*")] {
            if let Some(r) = rows
                .iter()
                .find(|r| r["importer"] == j && r["sector"] == ks && r["exporter"] == ki)
            {
                return num(&r["rate"]);
            }
        }
        0.0
    }

    fn tariff(&self, s: &str, i: &str, j: &str) -> f64 {
        Self::rate(&self.tariffs, s, i, j)
    }

    fn ntb(&self, s: &str, i: &str, j: &str) -> f64 {
        Self::rate(&self.ntb, s, i, j)
    }

    /// Simple (mean over sectors of the import-weighted rate) and trade-weighted
    /// average of `importer`'s tariff when it charges `schedule_of`'s rates on
    /// imports from `outsiders`, weighted by `importer`'s baseline imports.
    fn averages(&self, importer: &str, schedule_of: &str, outsiders: &[&str]) -> (f64, f64) {
        let mut simple = 0.0;
        let (mut num, mut den) = (0.0, 0.0);
        for s in &self.sectors {
            let (mut sn, mut sd) = (0.0, 0.0);
            for o in outsiders {
                let x = self.flow(s, o, importer);
                sn += x * self.tariff(s, o, schedule_of);
                sd += x;
            }
            simple += sn / sd;
            num += sn;
            den += sd;
        }
        (simple / self.sectors.len() as f64, num / den)
    }
}

fn check_format(dir: &Path) -> Data {
    let d = load(dir);
    let codes: BTreeSet<&String> = d.countries.iter().collect();
    let sectors: BTreeSet<&String> = d.sectors.iter().collect();
    assert_eq!(codes.len(), d.countries.len(), "duplicate country codes");
    assert_eq!(sectors.len(), d.sectors.len(), "duplicate sector codes");
    // Every file's every row names its status.
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let (h, rows) = read(&path);
        assert!(
            h.contains(&"source".to_string()),
            "{}: no source column",
            path.display()
        );
        for r in rows {
            let status = r["source"].split(':').next().unwrap();
            assert!(
                STATUSES.contains(&status),
                "{}: source without status: {:?}",
                path.display(),
                r["source"]
            );
        }
    }
    // A complete, finite, non-negative flow cube.
    assert_eq!(
        d.flows.len(),
        d.sectors.len() * d.countries.len() * d.countries.len()
    );
    for (k, v) in &d.flows {
        assert!(v.is_finite() && *v >= 0.0, "flow {k:?} = {v}");
        assert!(sectors.contains(&k.0) && codes.contains(&k.1) && codes.contains(&k.2));
    }
    for r in &d.sector_rows {
        for c in ["sigma_m", "sigma_d", "eta"] {
            let v = num(&r[c]);
            assert!(v.is_finite() && v > 0.0, "{c} of {}", r["code"]);
        }
        assert!(num(&r["epsilon"]) >= 0.0);
    }
    for (file, rows) in [("tariffs", &d.tariffs), ("ntb", &d.ntb)] {
        let mut seen = BTreeSet::new();
        for r in rows.iter() {
            let key = (
                r["sector"].clone(),
                r["exporter"].clone(),
                r["importer"].clone(),
            );
            assert!(seen.insert(key.clone()), "{file}: duplicate {key:?}");
            assert_ne!(r["exporter"], r["importer"], "{file}: diagonal row");
            assert!(key.0 == "*" || sectors.contains(&key.0), "{file}: {key:?}");
            assert!(key.1 == "*" || codes.contains(&key.1), "{file}: {key:?}");
            assert!(codes.contains(&key.2), "{file}: {key:?}");
            let v = num(&r["rate"]);
            assert!(v.is_finite() && v >= 0.0, "{file}: {key:?} = {v}");
        }
    }
    let mut seen = BTreeSet::new();
    for r in &d.supply {
        assert!(seen.insert((r["sector"].clone(), r["country"].clone())));
        assert!(sectors.contains(&r["sector"]) && codes.contains(&r["country"]));
        assert!(num(&r["epsilon"]) >= 0.0);
    }
    d
}

#[test]
fn eaeu2009_follows_the_data_format() {
    let d = check_format(&root().join("data/eaeu2009"));
    assert_eq!(
        d.countries,
        ["KAZ", "RUS", "BLR", "KGZ", "CHN", "EU27", "ROW"]
    );
    assert_eq!(
        d.sectors,
        [
            "AGF", "FUEL", "CHEM", "METL", "MACH", "TEXC", "WOOD", "OTHR"
        ]
    );
}

#[test]
fn kaz1995_follows_the_data_format() {
    let d = check_format(&root().join("data/kaz1995"));
    assert_eq!(d.countries, ["KAZ", "RUS", "BLR", "KGZ", "ROW"]);
}

#[test]
fn kazakhstan_tariff_averages_hit_the_world_bank_figures() {
    let d = load(&root().join("data/eaeu2009"));
    let mfn = ["CHN", "EU27", "ROW"];
    // Each sector's rate is one MFN rate on every outsider.
    for s in &d.sectors {
        for j in ["KAZ", "RUS"] {
            let t = d.tariff(s, "CHN", j);
            assert_eq!(t, d.tariff(s, "EU27", j));
            assert_eq!(t, d.tariff(s, "ROW", j));
        }
    }
    let (simple, weighted) = d.averages("KAZ", "KAZ", &mfn);
    let (cet_simple, cet_weighted) = d.averages("KAZ", "RUS", &mfn);
    for (name, got, target) in [
        ("simple before", simple, 0.067),
        ("weighted before", weighted, 0.053),
        ("simple CET", cet_simple, 0.111),
        ("weighted CET", cet_weighted, 0.095),
    ] {
        assert!(
            (got - target).abs() <= TARGET_TOLERANCE,
            "Kazakhstan {name}: {got:.5} vs {target}"
        );
    }
    // The CET raises every sector's rate, and Belarus's rates sit a little above Russia's.
    for s in &d.sectors {
        assert!(d.tariff(s, "CHN", "RUS") > d.tariff(s, "CHN", "KAZ"), "{s}");
        let (b, r) = (d.tariff(s, "CHN", "BLR"), d.tariff(s, "CHN", "RUS"));
        assert!(b >= r && b <= r * 1.1, "{s}: BLR {b} RUS {r}");
    }
}

#[test]
fn cis_trade_is_duty_free_and_carries_the_border_cost_wedge() {
    let d = load(&root().join("data/eaeu2009"));
    let cis = ["KAZ", "RUS", "BLR", "KGZ"];
    for s in &d.sectors {
        for i in cis {
            for j in cis.iter().filter(|j| **j != i) {
                assert_eq!(d.tariff(s, i, j), 0.0, "{s} {i}->{j}");
                assert!((d.ntb(s, i, j) - 0.10).abs() < 1e-12, "{s} {i}->{j}");
            }
            for o in ["CHN", "EU27", "ROW"] {
                assert!(d.tariff(s, o, i) > 0.0, "{s} {o}->{i}");
                assert_eq!(d.ntb(s, o, i), 0.0);
                assert_eq!(d.ntb(s, i, o), 0.0);
            }
        }
    }
}

#[test]
fn aggregate_cells_are_the_cow_2009_cells_and_kazakhstan_fits_its_composition() {
    let d = load(&root().join("data/eaeu2009"));
    // Spot checks against the published 2009 matrix (importer-reported COW v4.0, US$ m).
    for (i, j, v) in [
        ("KAZ", "RUS", 3_533.0),
        ("RUS", "KAZ", 8_897.0),
        ("CHN", "KAZ", 3_572.0),
        ("EU27", "KAZ", 7_781.0),
        ("ROW", "KAZ", 7_650.0),
        ("KAZ", "EU27", 15_318.0),
        ("CHN", "KGZ", 5_752.0),
        ("EU27", "ROW", 1_266_449.0),
    ] {
        assert!(
            (d.cell(i, j) - v).abs() < CELL_TOLERANCE,
            "{i}->{j}: {}",
            d.cell(i, j)
        );
    }
    let regions = REGIONS_2009;
    for (a, i) in regions.iter().enumerate() {
        for (b, j) in regions.iter().enumerate() {
            let tol = if a == b { 2.0 } else { CELL_TOLERANCE };
            assert!(
                (d.cell(i, j) - MATRIX_2009_PUBLISHED[a][b]).abs() <= tol,
                "{i}->{j}"
            );
        }
    }
    // Kazakhstan's composition equals the 2015 BNS composition, recomputed here.
    let (_, rows) = read(&root().join("data/raw/kaz_bns_trade_by_hs2_2015_monthly.csv"));
    let sector_of = |ch: u32| match ch {
        1..=24 => "AGF",
        25..=27 => "FUEL",
        28..=40 => "CHEM",
        72..=83 => "METL",
        84..=92 => "MACH",
        41..=43 | 50..=67 | 94..=96 => "TEXC",
        44..=49 => "WOOD",
        _ => "OTHR",
    };
    for (flow, export) in [("export", true), ("import", false)] {
        let mut target: BTreeMap<&str, f64> = BTreeMap::new();
        for r in rows
            .iter()
            .filter(|r| r["flow"] == flow && r["hs2"] != "TOTAL")
        {
            *target
                .entry(sector_of(r["hs2"].parse().unwrap()))
                .or_default() += num(&r["value_thousand_usd"]);
        }
        let t_total: f64 = target.values().sum();
        let got = |s: &str| -> f64 {
            regions
                .iter()
                .filter(|p| **p != "KAZ")
                .map(|p| {
                    if export {
                        d.flow(s, "KAZ", p)
                    } else {
                        d.flow(s, p, "KAZ")
                    }
                })
                .sum()
        };
        let g_total: f64 = d.sectors.iter().map(|s| got(s)).sum();
        for s in &d.sectors {
            let (a, b) = (got(s) / g_total, target[s.as_str()] / t_total);
            assert!((a - b).abs() < SHARE_TOLERANCE, "{flow} {s}: {a} vs {b}");
        }
    }
}

#[test]
fn kazakhstan_import_shares_are_those_of_the_cow_cells() {
    let d = load(&root().join("data/eaeu2009"));
    let total: f64 = ["RUS", "BLR", "KGZ", "CHN", "EU27", "ROW"]
        .iter()
        .map(|p| d.cell(p, "KAZ"))
        .sum();
    for (p, share) in [("RUS", 0.31), ("EU27", 0.27), ("CHN", 0.13)] {
        let got = d.cell(p, "KAZ") / total;
        assert!((got - share).abs() < 0.01, "{p}: {got}");
    }
}

#[test]
fn supply_elasticities_follow_the_country_pattern() {
    let d = load(&root().join("data/eaeu2009"));
    let default: BTreeMap<String, f64> = d
        .sector_rows
        .iter()
        .map(|r| (r["code"].clone(), num(&r["epsilon"])))
        .collect();
    let epsilon = |s: &str, c: &str| -> f64 {
        d.supply
            .iter()
            .find(|r| r["sector"] == s && r["country"] == c)
            .map_or(default[s], |r| num(&r["epsilon"]))
    };
    for s in &d.sectors {
        let fuel = s == "FUEL";
        for c in ["KAZ", "RUS", "BLR", "KGZ"] {
            assert_eq!(epsilon(s, c), if fuel { 1.0 } else { 2.0 });
        }
        for c in ["CHN", "EU27"] {
            assert_eq!(epsilon(s, c), if fuel { 1.0 } else { 5.0 });
        }
        assert!(epsilon(s, "ROW").is_infinite());
    }
}

#[test]
fn policy_rates_hit_the_wto_figures() {
    let (h, rows) = read(&root().join("data/eaeu2009/policy_rates.csv"));
    assert_eq!(h, ["measure", "sector", "rate", "source"]);
    let measure = |m: &str| -> Vec<(String, f64)> {
        rows.iter()
            .filter(|r| r["measure"] == m)
            .map(|r| (r["sector"].clone(), num(&r["rate"])))
            .collect()
    };
    let mean = |v: &[(String, f64)]| v.iter().map(|x| x.1).sum::<f64>() / v.len() as f64;
    let cet2020 = measure("cet_wto_2020");
    let cet2010 = measure("cet_2010");
    let bound = measure("kaz_wto_bound");
    assert_eq!(cet2020.len(), 8);
    assert!((mean(&cet2020) - 0.079).abs() <= 0.0005);
    assert!((mean(&cet2010) - 0.111).abs() <= TARGET_TOLERANCE);
    for (a, b) in cet2020.iter().zip(&cet2010) {
        assert!(a.1 < b.1, "{}: the WTO path cuts every sector", a.0);
    }
    assert!((mean(&bound) - 0.061).abs() <= 0.0005);
    assert_eq!(bound[0], ("AGF".to_string(), 0.076));
    assert!((mean(&bound[1..]) - 0.059).abs() <= 0.0005);
}

#[test]
fn kaz1995_keeps_the_essay_figures() {
    let d = load(&root().join("data/kaz1995"));
    let others = ["RUS", "BLR", "KGZ", "ROW"];
    let exports: f64 = others.iter().map(|p| d.cell("KAZ", p)).sum();
    let imports: f64 = others.iter().map(|p| d.cell(p, "KAZ")).sum();
    assert!((d.cell("KAZ", "RUS") - 2_100.0).abs() < CELL_TOLERANCE);
    assert!((d.cell("RUS", "KAZ") - 1_800.0).abs() < CELL_TOLERANCE);
    assert!((exports - 4_970.0).abs() < CELL_TOLERANCE);
    assert!((imports - 3_700.0).abs() < CELL_TOLERANCE);
    // Ferrous metals 35.2% + copper 15.1% of exports to Russia; machinery ~70% of imports from Russia.
    assert!((d.flow("METL", "KAZ", "RUS") / 2_100.0 - 0.503).abs() < 1e-6);
    assert!((d.flow("MACH", "RUS", "KAZ") / 1_800.0 - 0.700).abs() < 1e-6);
    // The union has tariffs and border costs to lift, Kyrgyzstan included.
    for s in &d.sectors {
        for (i, j) in [
            ("KAZ", "RUS"),
            ("RUS", "KAZ"),
            ("KGZ", "KAZ"),
            ("BLR", "RUS"),
        ] {
            assert!(
                d.tariff(s, i, j) > 0.0 && d.ntb(s, i, j) > 0.0,
                "{s} {i}->{j}"
            );
        }
        assert!(d.tariff(s, "ROW", "KAZ") > 0.0);
    }
}

#[test]
fn gdp_is_the_wdi_2009_figure_of_each_region() {
    let d = load(&root().join("data/eaeu2009"));
    let (_, rows) = read(&root().join("data/raw/wdi_gdp_current_usd_2005_2014_selected.csv"));
    let wdi = |code: &str| -> f64 {
        rows.iter()
            .find(|r| r["Country Code"] == code && r["Year"] == "2009")
            .map(|r| num(&r["Value"]) / 1e6)
            .unwrap_or_else(|| panic!("no 2009 GDP for {code}"))
    };
    let gdp = |code: &str| num(&d.country_rows.iter().find(|r| r["code"] == code).unwrap()["gdp"]);
    for code in ["KAZ", "RUS", "BLR", "KGZ", "CHN"] {
        assert!((gdp(code) - wdi(code)).abs() <= 0.05, "{code}");
    }
    let eu27 = wdi("EUU") - wdi("HRV") + wdi("GBR");
    assert!((gdp("EU27") - eu27).abs() <= 0.05);
    let six: f64 = ["KAZ", "RUS", "BLR", "KGZ", "CHN"]
        .iter()
        .map(|c| wdi(c))
        .sum::<f64>()
        + eu27;
    assert!((gdp("ROW") - (wdi("WLD") - six)).abs() <= 0.05);
    // Every region of both datasets has a GDP; collection shares are in (0, 1].
    for dir in ["data/eaeu2009", "data/kaz1995"] {
        for r in &load(&root().join(dir)).country_rows {
            assert!(num(&r["gdp"]) > 0.0, "{dir} {}", r["code"]);
            let k = num(&r["collection"]);
            assert!(k > 0.0 && k <= 1.0, "{dir} {}", r["code"]);
        }
    }
}

#[test]
fn kyrgyzstan_carries_the_re_export_caveat_with_true_figures() {
    let d = load(&root().join("data/eaeu2009"));
    for r in &d.country_rows {
        if r["code"] == "KGZ" {
            assert!(r["note"].contains("re-export"), "{}", r["note"]);
            let gdp = num(&r["gdp"]);
            assert!(
                d.cell("CHN", "KGZ") > gdp,
                "the note says CHN->KGZ exceeds KGZ's GDP"
            );
            assert!(r["note"].contains(&format!("{:.0}", d.cell("CHN", "KGZ"))));
        } else {
            assert!(r["note"].is_empty(), "{}: {}", r["code"], r["note"]);
        }
    }
}

#[test]
fn the_cet_reproduces_the_observed_shares_of_collected_duties() {
    let data = load_data_dir(&root().join("data/eaeu2009"))
        .unwrap()
        .dataset;
    let k = |code: &str| data.countries()[data.country_id(code).unwrap().0].collection;
    assert_eq!(
        k("RUS"),
        1.0,
        "Russia's share is the calibration's reference"
    );
    // KAZ and BLR collected less than their statutory duties (exemptions, under-collection).
    assert!(k("KAZ") < 1.0 && k("BLR") < 1.0);
    let text = fs::read_to_string(root().join("scenarios/cet_2010.toml")).unwrap();
    let set = ScenarioSet::from_toml_str(&text, "scenarios/cet_2010.toml").unwrap();
    let results = Simulation::new(&data).run(&set).unwrap();
    let cet = results.scenario("cet-2010").unwrap();
    let shares = &cet.unions[0].duty_collected_share;
    assert_eq!(shares.len(), 3);
    for (code, observed) in COLLECTED_2012 {
        let m = shares.iter().find(|m| m.country == code).unwrap();
        assert!(
            (m.counterfactual - observed).abs() <= COLLECTED_TOLERANCE,
            "{code}: {:.4} under the CET vs {observed} observed",
            m.counterfactual
        );
    }
    // The CET raises Kazakhstan's share of collected duties and lowers Belarus's.
    let share = |code: &str| shares.iter().find(|m| m.country == code).unwrap();
    assert!(share("KAZ").counterfactual > share("KAZ").baseline);
    assert!(share("BLR").counterfactual < share("BLR").baseline);
}

/// The anchors of a Markdown file's headings, as a Markdown renderer makes
/// them: lower case, spaces to `-`, punctuation other than `-` and `_` dropped.
fn headings(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

#[test]
fn sources_name_no_file_outside_the_repository() {
    let root = root();
    for d in ["eaeu2009", "kaz1995"] {
        for entry in fs::read_dir(root.join("data").join(d)).unwrap() {
            let path = entry.unwrap().path();
            let (_, rows) = read(&path);
            for r in rows {
                for word in r["source"].split(|c: char| c.is_whitespace() || "();,".contains(c)) {
                    let (file, anchor) = word.split_once('#').unwrap_or((word, ""));
                    if !file.ends_with(".md") {
                        continue;
                    }
                    let text = fs::read_to_string(root.join(file)).unwrap_or_else(|_| {
                        panic!("{}: {file} is not a file of the repository", path.display())
                    });
                    assert!(
                        anchor.is_empty() || headings(&text).contains(anchor),
                        "{}: {file} has no section #{anchor}",
                        path.display()
                    );
                }
            }
        }
    }
}

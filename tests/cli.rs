//! The `customs-union` binary: `validate`, `run` and its JSON,
//! `export-data` round trip, and the reference model against the JSON.
#![allow(clippy::needless_range_loop)]

mod common;

use common::*;
use serde_json::Value;

const TOY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/toy.toml");

fn run_json(args: &[&str]) -> (String, Value) {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out.json");
    let mut a: Vec<&str> = vec!["run"];
    a.extend(args);
    a.extend(["--out", out.to_str().unwrap()]);
    let (ok, _, err) = cli(&a);
    assert!(ok, "{a:?}: {err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let v = serde_json::from_str(&text).unwrap();
    (text, v)
}

#[test]
fn validate_the_embedded_dataset() {
    let (ok, out, err) = cli(&["validate"]);
    assert!(ok, "{err}");
    assert!(out.contains("ok: 4 countries, 2 sectors"), "{out}");
}

const COUNTRY_FIELDS: [&str; 16] = [
    "country",
    "producer_price",
    "consumer_price_index",
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "welfare",
    "tariff_revenue_baseline",
    "tariff_revenue_counterfactual",
    "imports_baseline",
    "imports_counterfactual",
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
];

#[test]
fn run_writes_the_documented_json() {
    let (_, v) = run_json(&["--scenario", TOY, "--decompose"]);
    let scenarios = v["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);
    assert!(v["warnings"].is_array());
    for sc in scenarios {
        for s in sc["sectors"].as_array().unwrap() {
            assert!(s["iterations"].is_u64());
            assert!(s["residual"].as_f64().unwrap() < 1e-12);
            let countries = s["countries"].as_array().unwrap();
            assert_eq!(countries.len(), 4);
            for c in countries {
                for f in COUNTRY_FIELDS {
                    assert!(!c[f].is_null(), "sector country lacks {f}: {c}");
                }
            }
            for f in s["flows"].as_array().unwrap() {
                for k in [
                    "exporter",
                    "importer",
                    "baseline",
                    "counterfactual",
                    "counterfactual_value",
                ] {
                    assert!(!f[k].is_null(), "flow lacks {k}");
                }
            }
        }
        let totals = sc["totals"]["countries"].as_array().unwrap();
        assert_eq!(totals.len(), 4);
        for c in totals {
            for f in &COUNTRY_FIELDS[3..] {
                assert!(!c[*f].is_null(), "total lacks {f}");
            }
            assert!(c["country"].is_string());
        }
        let unions = sc["unions"].as_array().unwrap();
        assert_eq!(unions.len(), 1);
        let ax = &unions[0]["article_xxiv"];
        for k in [
            "simple_before",
            "simple_after",
            "weighted_before",
            "weighted_after",
        ] {
            assert!(ax[k].is_number(), "article_xxiv lacks {k}");
        }
        assert_eq!(ax["members"].as_array().unwrap().len(), 2);
        assert!(unions[0]["welfare"].is_number());
        assert!(sc["warnings"].is_array());
        // the decomposition sums to the totals, field by field
        let d = sc["decomposition"].as_array().unwrap();
        assert!(!d.is_empty());
        for (j, t) in totals.iter().enumerate() {
            for f in [
                "welfare",
                "consumer_surplus",
                "trade_creation",
                "trade_diversion",
            ] {
                let sum: f64 = d
                    .iter()
                    .map(|c| c["countries"][j][f].as_f64().unwrap())
                    .sum();
                assert_close(sum, t[f].as_f64().unwrap(), 1e-9, 1e-9, f);
            }
        }
    }
    // totals are sums over sectors in the JSON too
    let sc = &scenarios[1];
    for j in 0..4 {
        let sum: f64 = sc["sectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["countries"][j]["welfare"].as_f64().unwrap())
            .sum();
        assert_close(
            sum,
            sc["totals"]["countries"][j]["welfare"].as_f64().unwrap(),
            1e-13,
            1e-12,
            "welfare total",
        );
    }
}

#[test]
fn json_on_stdout_equals_the_file_and_runs_are_reproducible() {
    let (text, _) = run_json(&["--scenario", TOY]);
    let (ok, out, err) = cli(&["run", "--scenario", TOY, "--json"]);
    assert!(ok, "{err}");
    assert_eq!(out, text);
    let (again, _) = run_json(&["--scenario", TOY]);
    assert_eq!(again, text, "same input, same bytes");
    // the table mentions every country
    let (ok, table, _) = cli(&["run", "--scenario", TOY]);
    assert!(ok);
    for c in ["HOM", "PAR", "OUT", "ROW"] {
        assert!(table.contains(c));
    }
}

#[test]
fn export_data_round_trip() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("toy");
    let (ok, _, err) = cli(&["export-data", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = cli(&["validate", "--data", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (embedded, _) = run_json(&["--scenario", TOY, "--decompose"]);
    let (exported, _) = run_json(&[
        "--scenario",
        TOY,
        "--decompose",
        "--data",
        dir.to_str().unwrap(),
    ]);
    // the documents differ only in where the data came from, byte for byte:
    // the dataset named in meta, and a warning that the scenario file (written
    // for the embedded `toy`) ran on other data
    let path = dir.to_str().unwrap();
    let from = format!("\"dataset\": {}", serde_json::to_string(path).unwrap());
    let warning = format!(
        "    \"the scenario file is written for the dataset `toy` and runs on `{path}`\",\n"
    );
    assert!(exported.contains(&from), "{exported}");
    assert!(exported.contains(&warning), "{exported}");
    assert!(embedded.contains("\"dataset\": \"toy\""));
    assert_eq!(
        embedded,
        exported
            .replace(&from, "\"dataset\": \"toy\"")
            .replace(&warning, "")
    );
}

/// The reference model against the binary's JSON on random datasets written as CSV and TOML.
#[test]
fn reference_agrees_with_the_cli_json() {
    for (seed, tr) in [
        (11u64, Treatment::Nested),
        (12, Treatment::Nested),
        (13, Treatment::AsImportSource),
        (14, Treatment::Nested),
        (15, Treatment::AsImportSource),
    ] {
        let mut rng = TestRng::new(seed);
        let opts = GenOpts {
            diagonal_tariffs: tr == Treatment::AsImportSource,
            ..GenOpts::default()
        };
        let d = random_data(&mut rng, &opts);
        let parent = random_scenario(&mut rng, &d, "parent");
        let child = random_child(&mut rng, &d, &parent, "child");
        let scs = vec![parent, child];
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("data");
        write_data_dir(&d, &dir);
        let sfile = t.path().join("s.toml");
        std::fs::write(&sfile, scenario_toml(&d, &scs)).unwrap();
        let (_, v) = run_json(&[
            "--data",
            dir.to_str().unwrap(),
            "--scenario",
            sfile.to_str().unwrap(),
            "--domestic",
            tr.cli(),
        ]);
        for (k, sc) in v["scenarios"].as_array().unwrap().iter().enumerate() {
            let rf = run(&d, &scs, k, tr);
            for (s, sec) in d.sectors.iter().enumerate() {
                let js = &sc["sectors"][s];
                assert_eq!(js["sector"], sec.code.as_str());
                let Some(rs) = &rf.sectors[s] else {
                    assert_eq!(js["skipped"], true);
                    continue;
                };
                let abs = abs_floor(sec.total());
                for j in 0..d.n() {
                    let c = &js["countries"][j];
                    assert_eq!(c["country"], d.codes[j].as_str());
                    let o = &rs.outcomes[j];
                    assert_close(
                        c["producer_price"].as_f64().unwrap(),
                        o.producer_price,
                        REL,
                        1e-12,
                        "price",
                    );
                    for (name, want) in FIELDS.iter().zip(o.fields()) {
                        let got = c[*name].as_f64().unwrap();
                        assert_close(
                            got,
                            want,
                            REL,
                            abs,
                            &format!("seed {seed} scenario {k} sector {s} {} {name}", d.codes[j]),
                        );
                    }
                }
                for f in js["flows"].as_array().unwrap() {
                    let i = d
                        .codes
                        .iter()
                        .position(|c| f["exporter"] == c.as_str())
                        .unwrap();
                    let j = d
                        .codes
                        .iter()
                        .position(|c| f["importer"] == c.as_str())
                        .unwrap();
                    assert_close(
                        f["counterfactual"].as_f64().unwrap(),
                        rs.x[i][j],
                        REL,
                        1e-12 * sec.x0[i][j],
                        "flow",
                    );
                }
            }
            let total_scale: f64 = d.sectors.iter().map(RefSector::total).sum();
            for j in 0..d.n() {
                for (name, want) in FIELDS.iter().zip(rf.totals[j].fields()) {
                    let got = sc["totals"]["countries"][j][*name].as_f64().unwrap();
                    assert_close(
                        got,
                        want,
                        REL,
                        abs_floor(total_scale),
                        &format!("seed {seed} totals {name}"),
                    );
                }
            }
        }
    }
}

#[test]
fn unknown_options_are_refused() {
    // unknown values are refused by the argument parser, without a panic
    let (ok, _, err) = cli(&["run", "--scenario", TOY, "--model", "nonsense"]);
    assert!(!ok && !err.contains("panicked"));
    let (ok, _, err) = cli(&["frobnicate"]);
    assert!(!ok && !err.contains("panicked"));
}

/// The country table's columns when no scenario has quotas or export taxes.
const WITHOUT_QUOTAS: &str = "country welfare surplus surplus revenue change creation diversion";

/// The second heading line of the first country table in `out`, words joined by one space.
fn column_names(out: &str) -> String {
    let header = out
        .lines()
        .find(|l| l.trim_start().starts_with("country"))
        .expect("a country table");
    header.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn run_table_names_units_baseline_and_columns() {
    let (ok, out, err) = cli(&["run", "--scenario", TOY]);
    assert!(ok, "{err}");
    assert!(
        out.contains("changes from the toy baseline, US$ million per year at baseline prices"),
        "{out}"
    );
    assert!(
        out.contains("tariff revenue after any duty pooling"),
        "{out}"
    );
    assert_eq!(column_names(&out), WITHOUT_QUOTAS);
    // rounded for reading: no value carries more than two decimals
    for line in out.lines().filter(|l| l.starts_with("  HOM")) {
        for v in line.split_whitespace().skip(1) {
            let decimals = v.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 2, "{line}");
        }
    }
}

#[test]
fn run_table_shows_quota_rent_and_each_quota_when_a_scenario_has_quotas() {
    let trq_file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/eaeu_meat_trq.toml");
    let (ok, out, err) = cli(&["run", "--scenario", trq_file, "--dataset", "eaeu2009"]);
    assert!(ok, "{err}");
    let blocks: Vec<&str> = out.split("\nscenario ").collect();
    // the CET alone has no quota: no rent column, no quota list
    assert!(blocks[0].contains("cet-2010"), "{out}");
    assert_eq!(column_names(blocks[0]), WITHOUT_QUOTAS);
    assert!(!blocks[0].contains("quotas ("), "{out}");
    let trq = blocks[1];
    assert_eq!(
        column_names(trq),
        "country welfare surplus surplus revenue rent change creation diversion"
    );
    assert!(trq.contains("AGF EU27->RUS: volume"), "{trq}");
    assert!(trq.contains("to the importer"), "{trq}");
    // the parts shown sum to welfare (to the rounding of the table)
    let row = trq.lines().find(|l| l.starts_with("  RUS")).unwrap();
    let v: Vec<f64> = row
        .split_whitespace()
        .skip(1)
        .map(|x| x.replace(',', "").parse().unwrap())
        .collect();
    assert!((v[1] + v[2] + v[3] + v[4] - v[0]).abs() < 2.0, "{row}");
    assert!(v[4] > 0.0, "{row}");
}

#[test]
fn quota_results_in_json_and_csv_agree_and_carry_every_field() {
    let trq_file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/eaeu_meat_trq.toml");
    let t = tempfile::tempdir().unwrap();
    let json = t.path().join("r.json");
    let csv = t.path().join("csv");
    let (ok, _, err) = cli(&[
        "run",
        "--scenario",
        trq_file,
        "--dataset",
        "eaeu2009",
        "--out",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rows = std::fs::read_to_string(csv.join("quota_results.csv")).unwrap();
    let mut lines = rows.lines();
    let header =
        "scenario,sector,importer,exporter,volume,counterfactual,regime,rent_rate,rent,holder";
    assert_eq!(lines.next(), Some(header));
    let mut n = 0;
    for sc in v["scenarios"].as_array().unwrap() {
        let rus = (sc["totals"]["countries"].as_array().unwrap().iter())
            .find(|c| c["country"] == "RUS")
            .unwrap();
        let mut rent_at_home = 0.0;
        // a scenario without quotas leaves the list out
        for q in sc["quotas"].as_array().map_or(&[][..], Vec::as_slice) {
            let line = lines.next().expect("a CSV row per JSON quota");
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[0], sc["name"].as_str().unwrap());
            for (k, key) in header.split(',').enumerate().skip(1) {
                match &q[key] {
                    Value::String(s) => assert_eq!(cells[k], s, "{key}"),
                    Value::Number(x) => {
                        assert_eq!(
                            cells[k].parse::<f64>().unwrap(),
                            x.as_f64().unwrap(),
                            "{key}"
                        )
                    }
                    other => panic!("{key}: {other}"),
                }
            }
            if q["holder"] == "importer" && q["importer"] == "RUS" {
                rent_at_home += q["rent"].as_f64().unwrap();
            }
            n += 1;
        }
        // the rent held by Russian importers is Russia's quota rent (no baseline quotas here)
        let rent = rus["quota_rent"].as_f64().unwrap();
        assert!(
            (rent - rent_at_home).abs() <= 1e-9 * rent.abs().max(1.0),
            "{rent} vs {rent_at_home}"
        );
    }
    assert_eq!(lines.next(), None);
    assert!(n >= 4, "{n} quotas");
}

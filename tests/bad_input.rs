//! Every bad input is an error naming the file, line and field (or the
//! scenario key), through the library and through the binary, which exits
//! non-zero without panicking; an empty sector is a warning. Plus fuzzing of
//! the CSV and TOML readers: junk in, `Err` (or `Ok`) out, never a panic.

mod common;

use std::path::{Path, PathBuf};

use common::cli;
use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::{load_data_dir, load_data_files, parse_scenario_file};
use customs_union::{DomesticTreatment, Error, Simulation};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The toy dataset exported into a fresh directory.
fn toy_dir() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("data");
    EmbeddedDataset::Toy.export(&d).unwrap();
    (t, d)
}

fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap_or_default();
    std::fs::write(&p, f(text)).unwrap();
}

fn append(dir: &Path, file: &str, line: &str) {
    edit(dir, file, |t| format!("{t}{line}\n"));
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    edit(dir, file, |t| {
        assert!(t.contains(from), "{file} lacks {from}");
        t.replacen(from, to, 1)
    });
}

fn lines(dir: &Path, file: &str) -> usize {
    std::fs::read_to_string(dir.join(file))
        .unwrap()
        .lines()
        .count()
}

#[track_caller]
fn assert_cli_fails(args: &[&str], needles: &[&str]) -> String {
    let (ok, _out, err) = cli(args);
    assert!(!ok, "{args:?} should fail");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: stderr lacks `{n}`: {err}");
    }
    err
}

/// A bad data directory: the loader and `validate` both name file, line and field.
#[track_caller]
fn expect_data_error(dir: &Path, file: &str, line: usize, field: &str) {
    let e = load_data_dir(dir).expect_err("bad data must be refused");
    let msg = e.to_string();
    let want = format!("{file}:{line}: field `{field}`");
    assert!(msg.contains(&want), "expected `{want}` in `{msg}`");
    assert!(matches!(e, Error::Data { .. }));
    assert_cli_fails(&["validate", "--data", dir.to_str().unwrap()], &[&want]);
}

#[test]
fn unknown_country_code() {
    let (_t, d) = toy_dir();
    append(&d, "flows.csv", "AGR,XYZ,HOM,5,x");
    expect_data_error(&d, "flows.csv", lines(&d, "flows.csv"), "exporter");
    let (_t, d) = toy_dir();
    append(&d, "tariffs.csv", "AGR,*,XYZ,0.1,x");
    expect_data_error(&d, "tariffs.csv", lines(&d, "tariffs.csv"), "importer");
}

#[test]
fn unknown_sector_code() {
    let (_t, d) = toy_dir();
    append(&d, "flows.csv", "FOO,HOM,PAR,5,x");
    expect_data_error(&d, "flows.csv", lines(&d, "flows.csv"), "sector");
}

#[test]
fn duplicate_codes() {
    let (_t, d) = toy_dir();
    append(&d, "countries.csv", "PAR,Again,x");
    expect_data_error(&d, "countries.csv", 6, "code");
    let (_t, d) = toy_dir();
    append(&d, "sectors.csv", "MAN,Again,2,2,1,1,x");
    expect_data_error(&d, "sectors.csv", 4, "code");
}

#[test]
fn duplicate_rows() {
    let (_t, d) = toy_dir();
    append(&d, "flows.csv", "AGR,HOM,PAR,1,x");
    let e = load_data_dir(&d).unwrap_err().to_string();
    assert!(
        e.contains(&format!("flows.csv:{}:", lines(&d, "flows.csv"))),
        "{e}"
    );
    assert!(e.contains("line 6"), "names the first occurrence: {e}");
    assert_cli_fails(
        &["validate", "--data", d.to_str().unwrap()],
        &["flows.csv", "duplicate"],
    );
    let (_t, d) = toy_dir();
    append(&d, "tariffs.csv", "MAN,*,PAR,0.2,x");
    let e = load_data_dir(&d).unwrap_err().to_string();
    assert!(e.contains("tariffs.csv:") && e.contains("duplicate"), "{e}");
}

#[test]
fn negative_and_non_finite_values() {
    for bad in ["-40", "NaN", "inf", "-inf", "abc", ""] {
        let (_t, d) = toy_dir();
        replace(
            &d,
            "flows.csv",
            "AGR,PAR,HOM,40,",
            &format!("AGR,PAR,HOM,{bad},"),
        );
        expect_data_error(&d, "flows.csv", 3, "value");
    }
    for bad in ["NaN", "inf", "-0.5"] {
        let (_t, d) = toy_dir();
        replace(&d, "ntb.csv", "*,HOM,PAR,0.10", &format!("*,HOM,PAR,{bad}"));
        expect_data_error(&d, "ntb.csv", 2, "rate");
    }
    // epsilon may be inf, never NaN or negative
    for bad in ["NaN", "-1"] {
        let (_t, d) = toy_dir();
        replace(&d, "supply.csv", "*,ROW,inf", &format!("*,ROW,{bad}"));
        expect_data_error(&d, "supply.csv", 2, "epsilon");
    }
}

#[test]
fn tariff_at_or_below_minus_one() {
    for bad in ["-1", "-1.5", "NaN", "inf"] {
        let (_t, d) = toy_dir();
        replace(
            &d,
            "tariffs.csv",
            "AGR,*,HOM,0.08",
            &format!("AGR,*,HOM,{bad}"),
        );
        expect_data_error(&d, "tariffs.csv", 2, "rate");
    }
    // -0.5 (a subsidy) is fine
    let (_t, d) = toy_dir();
    replace(&d, "tariffs.csv", "AGR,*,HOM,0.08", "AGR,*,HOM,-0.5");
    load_data_dir(&d).unwrap();
}

#[test]
fn elasticity_out_of_range() {
    // AGR row: code,name,sigma_m,sigma_d,eta,epsilon
    for (row, field) in [
        ("AGR,Agriculture,0,2.5,1.0,2.0", "sigma_m"),
        ("AGR,Agriculture,-2,2.5,1.0,2.0", "sigma_m"),
        ("AGR,Agriculture,inf,2.5,1.0,2.0", "sigma_m"),
        ("AGR,Agriculture,5.0,0,1.0,2.0", "sigma_d"),
        ("AGR,Agriculture,5.0,NaN,1.0,2.0", "sigma_d"),
        ("AGR,Agriculture,5.0,2.5,-0.1,2.0", "eta"),
        ("AGR,Agriculture,5.0,2.5,inf,2.0", "eta"),
        ("AGR,Agriculture,5.0,2.5,1.0,-2", "epsilon"),
        ("AGR,Agriculture,5.0,2.5,1.0,NaN", "epsilon"),
    ] {
        let (_t, d) = toy_dir();
        replace(&d, "sectors.csv", "AGR,Agriculture,5.0,2.5,1.0,2.0", row);
        expect_data_error(&d, "sectors.csv", 2, field);
    }
}

#[test]
fn missing_file_and_missing_column() {
    let (_t, d) = toy_dir();
    std::fs::remove_file(d.join("flows.csv")).unwrap();
    let e = load_data_dir(&d).unwrap_err().to_string();
    assert!(e.contains("flows.csv"), "{e}");
    assert_cli_fails(&["validate", "--data", d.to_str().unwrap()], &["flows.csv"]);
    // optional files may be missing
    let (_t, d) = toy_dir();
    std::fs::remove_file(d.join("ntb.csv")).unwrap();
    std::fs::remove_file(d.join("supply.csv")).unwrap();
    load_data_dir(&d).unwrap();
    // a required column missing: the header line is named
    let (_t, d) = toy_dir();
    replace(
        &d,
        "flows.csv",
        "sector,exporter,importer,value",
        "sector,exporter,importer,amount",
    );
    expect_data_error(&d, "flows.csv", 1, "value");
    // a missing directory
    assert_cli_fails(
        &["validate", "--data", "/nonexistent/dir/for/sure"],
        &["countries.csv"],
    );
}

#[test]
fn ragged_rows_are_errors_with_a_line() {
    let (_t, d) = toy_dir();
    append(&d, "flows.csv", "AGR,HOM");
    let e = load_data_dir(&d).unwrap_err().to_string();
    assert!(e.contains("flows.csv:"), "{e}");
    assert_cli_fails(&["validate", "--data", d.to_str().unwrap()], &["flows.csv"]);
}

/// Writes a scenario file next to the data and returns its path.
fn scenario(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("scenario.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// A bad scenario: the library and `run` both name the file and the key.
#[track_caller]
fn expect_scenario_error(data: Option<&Path>, text: &str, needles: &[&str]) {
    let t = tempfile::tempdir().unwrap();
    let p = scenario(t.path(), text);
    // library
    let loaded = match data {
        Some(d) => load_data_dir(d).unwrap(),
        None => EmbeddedDataset::Toy.load().unwrap(),
    };
    let lib = parse_scenario_file(text, p.to_str().unwrap()).and_then(|f| {
        Simulation::new(&loaded.dataset)
            .treatment(DomesticTreatment::Nested)
            .decompose(true)
            .run(&f.set)
    });
    let msg = lib.expect_err("bad scenario must be refused").to_string();
    for n in needles {
        assert!(msg.contains(n), "library message lacks `{n}`: {msg}");
    }
    // binary
    let mut args = vec!["run", "--scenario", p.to_str().unwrap(), "--decompose"];
    if let Some(d) = data {
        args.push("--data");
        args.push(d.to_str().unwrap());
    }
    let mut all = vec!["scenario.toml"];
    all.extend(needles);
    assert_cli_fails(&args, &all);
}

const CU: &str = "[[scenario]]\nname = \"cu\"\n[[scenario.union]]\nname = \"CU\"\nmembers = [\"HOM\", \"PAR\"]\n";

#[test]
fn shares_not_summing_to_one() {
    expect_scenario_error(
        None,
        &format!("{CU}cet = {{ rule = \"none\" }}\nrevenue_sharing = {{ HOM = 0.3, PAR = 0.6 }}\n"),
        &["union[0].revenue_sharing", "sum"],
    );
    // within 1e-9 is fine
    let f = parse_scenario_file(
        &format!("{CU}cet = {{ rule = \"none\" }}\nrevenue_sharing = {{ HOM = 0.3, PAR = 0.7000000000001 }}\n"),
        "ok.toml",
    )
    .unwrap();
    Simulation::new(&EmbeddedDataset::Toy.load().unwrap().dataset)
        .treatment(DomesticTreatment::Nested)
        .run(&f.set)
        .unwrap();
}

#[test]
fn shares_naming_an_absent_code() {
    expect_scenario_error(
        None,
        &format!("{CU}cet = {{ rule = \"none\" }}\nrevenue_sharing = {{ HOM = 0.3, XYZ = 0.7 }}\n"),
        &["revenue_sharing", "XYZ"],
    );
    // a code in the data but not in the union
    expect_scenario_error(
        None,
        &format!("{CU}cet = {{ rule = \"none\" }}\nrevenue_sharing = {{ HOM = 0.3, OUT = 0.7 }}\n"),
        &["revenue_sharing", "OUT"],
    );
}

#[test]
fn a_country_in_two_unions() {
    expect_scenario_error(
        None,
        &format!(
            "{CU}cet = {{ rule = \"none\" }}\n[[scenario.union]]\nname = \"B\"\nmembers = [\"PAR\", \"OUT\"]\ncet = {{ rule = \"none\" }}\n"
        ),
        &["scenario[0]", "PAR", "two unions"],
    );
    // also across an extends chain
    expect_scenario_error(
        None,
        &format!(
            "{CU}cet = {{ rule = \"none\" }}\n[[scenario]]\nname = \"b\"\nextends = \"cu\"\n[[scenario.union]]\nname = \"B\"\nmembers = [\"OUT\", \"HOM\"]\ncet = {{ rule = \"none\" }}\n"
        ),
        &["scenario[1]", "HOM"],
    );
}

#[test]
fn a_cet_rule_naming_a_non_member() {
    expect_scenario_error(
        None,
        &format!("{CU}cet = {{ rule = \"adopt\", country = \"OUT\" }}\n"),
        &["cet.country", "OUT"],
    );
    expect_scenario_error(
        None,
        &format!(
            "{CU}cet = {{ rule = \"schedule\", rates = {{ \"*\" = 0.1 }}, exceptions = [{{ member = \"ROW\", sector = \"AGR\", rate = 0.0 }}] }}\n"
        ),
        &["exceptions[0].member", "ROW"],
    );
}

const BAN: &str = "[[scenario]]\nname = \"ban\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nsector = \"AGR\"\nban = true\n";

#[test]
fn a_ban_with_sigma_at_most_one() {
    let (_t, d) = toy_dir();
    replace(
        &d,
        "sectors.csv",
        "AGR,Agriculture,5.0,",
        "AGR,Agriculture,1.0,",
    );
    expect_scenario_error(Some(&d), BAN, &["tariff[0]", "sigma_m"]);
    // the same ban is fine with sigma_m = 5
    let (_t, d) = toy_dir();
    let t = tempfile::tempdir().unwrap();
    let p = scenario(t.path(), BAN);
    let (ok, _, err) = cli(&[
        "run",
        "--data",
        d.to_str().unwrap(),
        "--scenario",
        p.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
}

#[test]
fn a_ban_leaving_an_importer_with_nothing_to_buy() {
    // HOM without domestic sales of AGR, every import banned
    let (_t, d) = toy_dir();
    replace(&d, "flows.csv", "AGR,HOM,HOM,500,illustrative\n", "");
    let text = "[[scenario]]\nname = \"ban\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"*\"\nsector = \"AGR\"\nban = true\n";
    expect_scenario_error(Some(&d), text, &["tariff[0]", "HOM", "nothing to buy"]);
}

#[test]
fn an_empty_sector_is_a_warning() {
    let (_t, d) = toy_dir();
    append(&d, "sectors.csv", "SRV,Services,3,2,1,1,x");
    let loaded = load_data_dir(&d).unwrap();
    assert!(
        loaded.warnings.iter().any(|w| w.contains("SRV")),
        "{:?}",
        loaded.warnings
    );
    let (ok, out, _) = cli(&["validate", "--data", d.to_str().unwrap()]);
    assert!(ok);
    assert!(out.contains("warning") && out.contains("SRV"), "{out}");
    let t = tempfile::tempdir().unwrap();
    let p = scenario(t.path(), &format!("{CU}cet = {{ rule = \"min\" }}\n"));
    let o = t.path().join("out.json");
    let (ok, _, err) = cli(&[
        "run",
        "--data",
        d.to_str().unwrap(),
        "--scenario",
        p.to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&o).unwrap()).unwrap();
    let w = j["warnings"].as_array().unwrap();
    assert!(
        w.iter().any(|w| w.as_str().unwrap().contains("SRV")),
        "{w:?}"
    );
    let sec = j["scenarios"][0]["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sector"] == "SRV")
        .unwrap();
    assert_eq!(sec["skipped"], true);
}

#[test]
fn a_diagonal_tariff_row_under_nested() {
    let (_t, d) = toy_dir();
    append(&d, "tariffs.csv", "AGR,HOM,HOM,0.1,x");
    let line = lines(&d, "tariffs.csv");
    // validate accepts it (fine under as-import-source) but says so
    let (ok, out, _) = cli(&["validate", "--data", d.to_str().unwrap()]);
    assert!(ok);
    assert!(out.contains(&format!("tariffs.csv:{line}")), "{out}");
    let t = tempfile::tempdir().unwrap();
    let p = scenario(t.path(), &format!("{CU}cet = {{ rule = \"none\" }}\n"));
    assert_cli_fails(
        &[
            "run",
            "--data",
            d.to_str().unwrap(),
            "--scenario",
            p.to_str().unwrap(),
        ],
        &[&format!("tariffs.csv:{line}: field `exporter`")],
    );
    let (ok, _, err) = cli(&[
        "run",
        "--data",
        d.to_str().unwrap(),
        "--scenario",
        p.to_str().unwrap(),
        "--domestic",
        "as-import-source",
    ]);
    assert!(ok, "{err}");
    // a diagonal rate in a scenario under nested
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"own\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"HOM\"\nset = 0.1\n",
        &["tariff[0]", "exporter", "as-import-source"],
    );
}

#[test]
fn malformed_toml_names_the_line() {
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.union]\nname = 3\n",
        &["line 3"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n\n[[scenario.tariff]]\nimporter = HOM\n",
        &["line 5"],
    );
}

#[test]
fn unknown_toml_key() {
    expect_scenario_error(
        None,
        &format!("{CU}cet = {{ rule = \"none\" }}\nntb_cutt = 0.5\n"),
        &["ntb_cutt"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\ncolour = \"red\"\n",
        &["colour"],
    );
    expect_scenario_error(
        None,
        &format!("{CU}cet = {{ rule = \"adopted\", country = \"HOM\" }}\n"),
        &["adopted"],
    );
}

#[test]
fn set_and_add_both_given() {
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nset = 0.1\nadd = 0.1\n",
        &["tariff[0]", "line 3", "exactly one"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.ntb]]\nimporter = \"HOM\"\nexporter = \"OUT\"\n",
        &["ntb[0]", "exactly one"],
    );
}

#[test]
fn unknown_codes_in_a_scenario() {
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.tariff]]\nimporter = \"XYZ\"\nexporter = \"OUT\"\nset = 0.1\n",
        &["tariff[0].importer", "XYZ"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nsector = \"FOO\"\nset = 0.1\n",
        &["tariff[0].sector", "FOO"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.union]]\nname = \"U\"\nmembers = [\"HOM\", \"XYZ\"]\ncet = { rule = \"none\" }\n",
        &["members", "XYZ"],
    );
}

#[test]
fn a_tariff_change_below_minus_one() {
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nset = -1.0\n",
        &["tariff[0]", "-1"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"x\"\n[[scenario.ntb]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nadd = -0.5\n",
        &["ntb[0]"],
    );
}

#[test]
fn unknown_extends_and_cycles() {
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"a\"\nextends = \"nowhere\"\n",
        &["scenario[0].extends", "nowhere"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"a\"\nextends = \"b\"\n[[scenario]]\nname = \"b\"\nextends = \"a\"\n",
        &["extends", "cycle"],
    );
    expect_scenario_error(
        None,
        "[[scenario]]\nname = \"a\"\nextends = \"a\"\n",
        &["extends", "cycle"],
    );
}

#[test]
fn more_than_twelve_components() {
    let mut text = String::from("[[scenario]]\nname = \"many\"\n");
    for k in 0..13 {
        text += &format!(
            "[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nadd = 0.00{k}1\n"
        );
    }
    // refused before any solve; the message names the scenario (not the file:
    // the decomposition error is raised after compilation)
    let t = tempfile::tempdir().unwrap();
    let p = scenario(t.path(), &text);
    assert_cli_fails(
        &["run", "--scenario", p.to_str().unwrap(), "--decompose"],
        &["many", "13 components", "component = \"label\""],
    );
    // without --decompose the scenario runs
    let (ok, _, err) = cli(&["run", "--scenario", p.to_str().unwrap()]);
    assert!(ok, "{err}");
    // grouped under labels the same changes decompose
    let mut text = String::from("[[scenario]]\nname = \"grouped\"\n");
    for k in 0..13 {
        text += &format!(
            "[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nadd = 0.00{k}1\ncomponent = \"g{}\"\n",
            k % 3
        );
    }
    let t = tempfile::tempdir().unwrap();
    let p = scenario(t.path(), &text);
    let (ok, _, err) = cli(&["run", "--scenario", p.to_str().unwrap(), "--decompose"]);
    assert!(ok, "{err}");
}

#[test]
fn missing_scenario_file() {
    assert_cli_fails(
        &["run", "--scenario", "/nonexistent/s.toml"],
        &["/nonexistent/s.toml"],
    );
}

// ---------------------------------------------------------------------------
// fuzzing: junk never panics
// ---------------------------------------------------------------------------

const NAMES: [&str; 6] = [
    "countries.csv",
    "sectors.csv",
    "flows.csv",
    "tariffs.csv",
    "ntb.csv",
    "supply.csv",
];

fn config() -> Config {
    common::proptest_config(256, "tests/proptest-regressions/bad_input.txt")
}

proptest! {
    #![proptest_config(config())]

    /// One toy file replaced by junk (or by a mutation of itself): the loader returns.
    #[test]
    fn junk_csv_never_panics(which in 0usize..6, junk in "[A-Z0-9a-z,.*\\-+ \"\\n]{0,200}", cut in 0usize..400, insert in "[,\\n\"x0-9eE.\\-]{0,8}") {
        let files = EmbeddedDataset::Toy.files();
        let mutate = |name: &str, body: &str| -> String {
            if name != NAMES[which] {
                return body.to_string();
            }
            if cut % 2 == 0 {
                junk.clone()
            } else {
                let k = (cut / 2).min(body.len());
                let k = (0..=k).rev().find(|&k| body.is_char_boundary(k)).unwrap_or(0);
                format!("{}{}{}", &body[..k], insert, &body[k..])
            }
        };
        let r = load_data_files(
            &|name: &str| Ok(files.iter().find(|(f, _)| *f == name).map(|(f, c)| mutate(f, c))),
            "fuzz",
        );
        if let Ok(loaded) = r {
            // whatever loads must also run
            let f = parse_scenario_file(include_str!("../scenarios/toy.toml"), "toy.toml").unwrap();
            let _ = Simulation::new(&loaded.dataset)
                .treatment(DomesticTreatment::Nested)
                .run(&f.set);
        }
    }

    /// Junk TOML, or the toy scenario file with bytes spliced in: parse and compile return.
    #[test]
    fn junk_toml_never_panics(junk in "[\\[\\]a-z_=\"{}.,0-9 \\n*-]{0,300}", cut in 0usize..1200, insert in "[\\[\\]=\"{},.0-9a-z \\n-]{0,12}") {
        let base = include_str!("../scenarios/toy.toml");
        let text = if cut % 3 == 0 {
            junk
        } else {
            let k = (cut / 2).min(base.len());
            let k = (0..=k).rev().find(|&k| base.is_char_boundary(k)).unwrap_or(0);
            format!("{}{}{}", &base[..k], insert, &base[k..])
        };
        if let Ok(f) = parse_scenario_file(&text, "fuzz.toml") {
            let data = EmbeddedDataset::Toy.load().unwrap().dataset;
            let _ = Simulation::new(&data)
                .treatment(DomesticTreatment::Nested)
                .run(&f.set);
        }
    }
}

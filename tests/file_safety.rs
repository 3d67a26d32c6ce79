//! Nothing lost, nothing misread: outputs never overwrite inputs, a failed
//! write leaves the previous file intact, and inputs that are hard to read
//! (invalid UTF-8, deep nesting, control characters, duplicate exceptions,
//! rates typed in percent) get clear errors or warnings.

use std::path::Path;
use std::process::Command;

const TOY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/toy.toml");
const CET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/cet_2010.toml");

fn cli(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_customs-union"))
        .args(args)
        .output()
        .expect("run the binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn toy_dir(root: &Path) -> String {
    let dir = root.join("toy");
    let (ok, _, err) = cli(&["export-data", dir.to_str().unwrap(), "--dataset", "toy"]);
    assert!(ok, "{err}");
    dir.to_str().unwrap().to_string()
}

#[test]
fn an_output_that_is_an_input_is_refused_before_any_work() {
    let t = tempfile::tempdir().unwrap();
    let scenario = t.path().join("s.toml");
    std::fs::copy(TOY, &scenario).unwrap();
    let before = std::fs::read(&scenario).unwrap();
    let s = scenario.to_str().unwrap();
    let (ok, _, err) = cli(&["run", "--scenario", s, "--out", s]);
    assert!(!ok);
    assert!(err.contains("would overwrite the input"), "{err}");
    assert_eq!(std::fs::read(&scenario).unwrap(), before);

    let data = toy_dir(t.path());
    let flows = format!("{data}/flows.csv");
    let flows_before = std::fs::read(&flows).unwrap();
    let (ok, _, err) = cli(&["run", "--data", &data, "--scenario", s, "--out", &flows]);
    assert!(!ok);
    assert!(err.contains("flows.csv"), "{err}");
    assert_eq!(std::fs::read(&flows).unwrap(), flows_before);
    // a CSV folder that is the data folder
    let (ok, _, err) = cli(&["run", "--data", &data, "--scenario", s, "--csv", &data]);
    assert!(!ok);
    assert!(err.contains("would overwrite the input"), "{err}");
    // the other data files of that folder are inputs too
    let countries = format!("{data}/countries");
    let (ok, _, err) = cli(&[
        "run",
        "--data",
        &data,
        "--scenario",
        s,
        "--out",
        &format!("{countries}.json"),
    ]);
    assert!(ok, "a new file beside the data is no input: {err}");
    assert_eq!(std::fs::read(&flows).unwrap(), flows_before);
}

#[test]
fn out_with_a_csv_name_points_to_csv() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("results.csv");
    let (ok, _, err) = cli(&["run", "--scenario", TOY, "--out", out.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("--csv"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_failed_write_leaves_the_previous_file_intact() {
    // a full disk: a small tmpfs, where the JSON of the 2010 stages cannot fit
    let t = tempfile::tempdir().unwrap();
    let mnt = t.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=64k",
            "tmpfs",
            mnt.to_str().unwrap(),
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: a tmpfs cannot be mounted here (needs root and mount permission)");
        return;
    }
    let out = mnt.join("out.json");
    std::fs::write(&out, b"previous result").unwrap();
    let (ok, _, err) = cli(&["run", "--scenario", CET, "--out", out.to_str().unwrap()]);
    let left: Vec<String> = std::fs::read_dir(&mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let previous = std::fs::read(&out).unwrap();
    let _ = Command::new("umount").arg(&mnt).status();
    assert!(!ok, "the write should not fit in 64 KiB");
    assert!(err.contains("out.json"), "{err}");
    assert_eq!(previous, b"previous result");
    assert_eq!(
        left,
        vec!["out.json".to_string()],
        "no partial file left behind"
    );
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let t = tempfile::tempdir().unwrap();
    let data = toy_dir(t.path());
    let path = format!("{data}/countries.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"CIV,C\xf4te d'Ivoire\n");
    let line = bytes.iter().filter(|&&b| b == b'\n').count();
    std::fs::write(&path, bytes).unwrap();
    let (ok, _, err) = cli(&["validate", "--data", &data]);
    assert!(!ok);
    assert!(err.contains(&format!("countries.csv:{line}")), "{err}");
    assert!(err.contains("UTF-8"), "{err}");

    let s = t.path().join("s.toml");
    std::fs::write(&s, b"[[scenario]]\nname = \"caf\xe9\"\n").unwrap();
    let (ok, _, err) = cli(&["run", "--dataset", "toy", "--scenario", s.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains(":2:") && err.contains("UTF-8"), "{err}");
}

#[test]
fn deep_nesting_gets_a_real_message() {
    let t = tempfile::tempdir().unwrap();
    let s = t.path().join("s.toml");
    std::fs::write(
        &s,
        format!("x = {}{}\n", "[".repeat(5000), "]".repeat(5000)),
    )
    .unwrap();
    let (ok, _, err) = cli(&["run", "--dataset", "toy", "--scenario", s.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("nested too deeply"), "{err}");
}

#[test]
fn control_characters_are_escaped_in_messages() {
    let t = tempfile::tempdir().unwrap();
    let s = t.path().join("s.toml");
    std::fs::write(
        &s,
        "[[scenario]]\nname = \"bell\"\n[[scenario.tariff]]\nimporter = \"HOM\\u001b[2J\\u0007\"\nexporter = \"*\"\nset = 0.1\n",
    )
    .unwrap();
    let (ok, _, err) = cli(&["run", "--dataset", "toy", "--scenario", s.to_str().unwrap()]);
    assert!(!ok);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("\\u{1b}"), "{err}");
}

#[test]
fn duplicate_cet_exceptions_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = t.path().join("s.toml");
    std::fs::write(
        &s,
        "[[scenario]]\nname = \"cu\"\n[[scenario.union]]\nname = \"CU\"\nmembers = [\"HOM\", \"PAR\"]\n\
         cet = { rule = \"schedule\", rates = { \"*\" = 0.05 }, exceptions = [\
         { member = \"HOM\", sector = \"AGR\", rate = 0.1 }, { member = \"HOM\", sector = \"AGR\", rate = 0.2 }] }\n",
    )
    .unwrap();
    let (ok, _, err) = cli(&["run", "--dataset", "toy", "--scenario", s.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("exceptions[1]") && err.contains("second exception"),
        "{err}"
    );
}

#[test]
fn a_rate_typed_in_percent_is_warned_about_and_an_absurd_one_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = t.path().join("s.toml");
    let body = |rate: &str| {
        format!(
            "[[scenario]]\nname = \"slip\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nset = {rate}\n"
        )
    };
    std::fs::write(&s, body("15")).unwrap();
    let out = t.path().join("out.json");
    let (ok, _, err) = cli(&[
        "run",
        "--dataset",
        "toy",
        "--scenario",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        err.contains("warning") && err.contains("above 100%"),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let warned = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("above 100%"));
    assert!(warned, "{json}");

    std::fs::write(&s, body("1e308")).unwrap();
    let (ok, _, err) = cli(&["run", "--dataset", "toy", "--scenario", s.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("above the largest accepted"), "{err}");

    let data = toy_dir(t.path());
    let tariffs = format!("{data}/tariffs.csv");
    let mut text = std::fs::read_to_string(&tariffs).unwrap();
    text.push_str("AGR,OUT,PAR,11.49,typed as a percentage\n");
    std::fs::write(&tariffs, text).unwrap();
    let (ok, out, err) = cli(&["validate", "--data", &data]);
    assert!(ok, "{err}");
    assert!(out.contains("warning") && out.contains("1149%"), "{out}");
}

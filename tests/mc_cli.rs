//! The `mc` and `merge` commands: identical bytes for any thread count and
//! any split into shards, clear refusals, Slurm arrays, per-draw CSV and its
//! key, the long-format CSV summary, replay.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_customs-union");

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/toy_mc.toml")
}

/// Runs the binary; `mc` runs on the embedded toy dataset.
fn cli(args: &[&str]) -> Output {
    let mut args: Vec<&str> = args.to_vec();
    if args.first() == Some(&"mc") {
        args.splice(1..1, ["--dataset", "toy"]);
    }
    Command::new(BIN)
        .args(&args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .env_remove("SLURM_ARRAY_TASK_MIN")
        .env_remove("SLURM_ARRAY_TASK_MAX")
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> Output {
    let out = cli(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn fails(args: &[&str]) -> String {
    let out = cli(args);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const DRAWS: &str = "240";

fn mc(dir: &Path, extra: &[&str], out: &str) -> PathBuf {
    let sc = scenario();
    let mut args = vec!["mc", "--scenario", s(&sc), "--draws", DRAWS, "--quiet"];
    args.extend_from_slice(extra);
    let target = dir.join(out);
    args.extend_from_slice(&["--out", s(&target)]);
    ok(&args);
    target
}

#[test]
fn threads_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = mc(dir.path(), &["--threads", "1"], "a.json");
    let b = mc(dir.path(), &["--threads", "2"], "b.json");
    let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert_eq!(a, b);
    let doc: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(doc["draws"], 240);
    assert_eq!(doc["seed"], 42);
    assert_eq!(doc["sampling"], "random");
    assert_eq!(doc["fingerprint"].as_str().unwrap().len(), 64);
    let w = &doc["scenarios"][0]["countries"][0]["metrics"]["welfare"];
    for k in [
        "mean",
        "sd",
        "mcse",
        "p05",
        "p50",
        "p95",
        "share_positive",
        "ok",
        "failed",
    ] {
        assert!(!w[k].is_null(), "{k}");
    }
    assert_eq!(doc["differences"][0]["scenario"], "customs-union");
    assert_eq!(doc["scenarios"][1]["unions"][0]["name"], "HP");
    assert!(doc["failures"].as_array().unwrap().is_empty());
}

/// The single run (`single.json`) and its three shards (in `shards/`).
fn single_and_three_shards(dir: &Path) -> (PathBuf, PathBuf) {
    let single = mc(dir, &[], "single.json");
    let shards = dir.join("shards");
    let shard_dir = format!("{}/", s(&shards));
    let sc = scenario();
    for k in 0..3 {
        let spec = format!("{k}/3");
        ok(&[
            "mc",
            "--scenario",
            s(&sc),
            "--draws",
            DRAWS,
            "--quiet",
            "--threads",
            "2",
            "--shard",
            &spec,
            "--out",
            &shard_dir,
        ]);
    }
    (single, shards)
}

#[test]
fn three_shards_merge_to_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let (single, shards) = single_and_three_shards(dir.path());
    let sc = scenario();
    for k in 0..3 {
        assert!(shards.join(format!("shard-{k}-of-3.json")).exists());
    }
    let merged = dir.path().join("merged.json");
    ok(&["merge", s(&shards), "--out", s(&merged)]);
    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&single).unwrap()
    );
    // explicit files, any order
    let merged2 = dir.path().join("merged2.json");
    let f = |k: u32| shards.join(format!("shard-{k}-of-3.json"));
    let (f0, f1, f2) = (f(0), f(1), f(2));
    ok(&["merge", s(&f2), s(&f0), s(&f1), "--out", s(&merged2)]);
    assert_eq!(
        std::fs::read(&merged2).unwrap(),
        std::fs::read(&single).unwrap()
    );
    // refusals
    let e = fails(&["merge", s(&f0), s(&f2), "--out", s(&merged2)]);
    assert!(e.contains("missing shard 1 of 3"), "{e}");
    let e = fails(&[
        "merge",
        s(&f0),
        s(&f1),
        s(&f1),
        s(&f2),
        "--out",
        s(&merged2),
    ]);
    assert!(e.contains("given twice"), "{e}");
    let other = dir.path().join("other.json");
    ok(&[
        "mc",
        "--scenario",
        s(&sc),
        "--draws",
        DRAWS,
        "--seed",
        "7",
        "--quiet",
        "--shard",
        "1/3",
        "--out",
        s(&other),
    ]);
    let e = fails(&["merge", s(&f0), s(&other), s(&f2), "--out", s(&merged2)]);
    assert!(e.contains("fingerprint"), "{e}");
}

#[test]
fn slurm_array_variables_select_the_shard() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario();
    let by_hand = mc(dir.path(), &["--shard", "2/4"], "hand.json");
    let out_dir = dir.path().join("slurm");
    std::fs::create_dir_all(&out_dir).unwrap();
    for vars in [
        vec![
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ],
        vec![
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_MAX", "8"),
        ],
    ] {
        let out = Command::new(BIN)
            .args([
                "mc",
                "--dataset",
                "toy",
                "--scenario",
                s(&sc),
                "--draws",
                DRAWS,
                "--quiet",
                "--shard",
                "slurm",
                "--out",
                s(&out_dir),
            ])
            .env_remove("SLURM_ARRAY_TASK_COUNT")
            .envs(vars)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read(out_dir.join("shard-2-of-4.json")).unwrap(),
            std::fs::read(&by_hand).unwrap()
        );
    }
    let e = fails(&[
        "mc",
        "--scenario",
        s(&sc),
        "--shard",
        "slurm",
        "--out",
        s(&out_dir),
    ]);
    assert!(e.contains("SLURM_ARRAY_TASK_ID"), "{e}");
    let e = fails(&[
        "mc",
        "--scenario",
        s(&sc),
        "--shard",
        "3/3",
        "--out",
        s(&out_dir),
    ]);
    assert!(e.contains("K/N"), "{e}");
}

/// The rows of a CSV file, header first.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A name Stata accepts (and R and pandas keep as is).
fn valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 32
}

/// The library's own run of the test scenario, for its series.
fn library_study() -> customs_union::monte_carlo::McSummary {
    use customs_union::prelude::*;
    let text = std::fs::read_to_string(scenario()).unwrap();
    let mut set = ScenarioSet::from_toml_str(&text, "toy_mc.toml").unwrap();
    let spec = set.montecarlo.take().unwrap();
    set.montecarlo = Some(spec.with_draws(DRAWS.parse().unwrap()).unwrap());
    Simulation::new(&Dataset::embedded("toy").unwrap())
        .monte_carlo(&set)
        .unwrap()
}

#[test]
fn draws_csv_columns_are_valid_names_mapped_by_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("draws.csv");
    mc(dir.path(), &["--draws-out", s(&csv)], "a.json");
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 241);
    let header = &rows[0];
    assert_eq!(&header[..4], ["draw", "status", "scenario", "reason"]);
    for name in header {
        assert!(valid_variable_name(name), "{name}");
    }
    // the key maps every column, in file order
    let key = csv_rows(&dir.path().join("draws.key.csv"));
    assert_eq!(key[0], ["column", "scenario", "kind", "entity", "field"]);
    let columns: Vec<&String> = key[1..].iter().map(|r| &r[0]).collect();
    assert_eq!(columns, header.iter().collect::<Vec<_>>());
    let kinds: std::collections::BTreeSet<&str> = key[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["country", "draw", "parameter", "union"]
    );
    // every outcome column holds the library's series of its (scenario, entity, field)
    let study = library_study();
    let mut outcomes = 0;
    for (c, k) in key[1..].iter().enumerate() {
        if k[2] != "country" && k[2] != "union" {
            continue;
        }
        outcomes += 1;
        let values: Vec<f64> = rows[1..]
            .iter()
            .filter(|r| r[1] == "ok")
            .map(|r| r[c].parse().unwrap())
            .collect();
        let series = study.series(&k[1], &k[3], &k[4]).unwrap();
        assert_eq!(values, series, "{k:?}");
    }
    // 2 scenarios x (4 countries + the union HP in both) x 9 fields
    assert_eq!(outcomes, 2 * 5 * 9);
    let param = |label: &str| {
        let k = key.iter().find(|r| r[2] == "parameter" && r[4] == label);
        header.iter().position(|h| *h == k.unwrap()[0]).unwrap()
    };
    let outcome = |scenario: &str, entity: &str, field: &str| {
        let k = key
            .iter()
            .find(|r| r[1] == scenario && r[3] == entity && r[4] == field);
        header.iter().position(|h| *h == k.unwrap()[0]).unwrap()
    };
    assert_eq!(header[outcome("fta", "HOM", "welfare")], "s0_e0_f0");
    let row5 = &rows[6];
    assert_eq!(row5[0], "5");
    // replaying draw 5 prints the same parameters and welfare
    let sc = scenario();
    let out = ok(&["mc", "--scenario", s(&sc), "--replay", "5"]);
    let rep: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["draw"], 5);
    // (serde_json's default float parser may be one ulp off: compare loosely)
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs();
    let sig: f64 = row5[param("sigma_m.AGR")].parse().unwrap();
    assert!(close(
        rep["parameters"]["sigma_m.AGR"].as_f64().unwrap(),
        sig
    ));
    let w: f64 = row5[outcome("fta", "HOM", "welfare")].parse().unwrap();
    assert!(close(
        rep["scenarios"][0]["countries"][0]["welfare"]
            .as_f64()
            .unwrap(),
        w
    ));
    assert!(rep["failure"].is_null());
}

#[test]
fn the_draws_key_is_an_output_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("s.toml");
    std::fs::copy(scenario(), &sc).unwrap();
    let before = std::fs::read(&sc).unwrap();
    // draws.key.csv beside draws.csv would be the scenario file itself
    let renamed = dir.path().join("s.key.csv");
    std::fs::rename(&sc, &renamed).unwrap();
    let draws = dir.path().join("s.csv");
    let out = dir.path().join("a.json");
    let e = fails(&[
        "mc",
        "--scenario",
        s(&renamed),
        "--draws",
        "4",
        "--draws-out",
        s(&draws),
        "--out",
        s(&out),
    ]);
    assert!(e.contains("would overwrite the input"), "{e}");
    assert_eq!(std::fs::read(&renamed).unwrap(), before);
    assert!(!out.exists() && !draws.exists());
    // ... or another output
    let key_named = dir.path().join("d.key.csv");
    let e = fails(&[
        "mc",
        "--scenario",
        s(&scenario()),
        "--draws",
        "4",
        "--draws-out",
        s(&dir.path().join("d.csv")),
        "--csv",
        s(&key_named),
        "--out",
        s(&out),
    ]);
    assert!(e.contains("two outputs"), "{e}");
    assert!(!key_named.exists());
}

/// {(scenario, kind, entity, field, statistic): value} of the `mc` JSON.
fn json_statistics(doc: &serde_json::Value) -> Vec<([String; 5], serde_json::Value)> {
    let mut out = Vec::new();
    let mut add = |scenario: &serde_json::Value,
                   kind: &str,
                   entity: &serde_json::Value,
                   m: &serde_json::Value| {
        for (field, stats) in m.as_object().unwrap() {
            for (statistic, v) in stats.as_object().unwrap() {
                let label = [
                    scenario.as_str().unwrap().to_string(),
                    kind.to_string(),
                    entity.as_str().unwrap().to_string(),
                    field.clone(),
                    statistic.clone(),
                ];
                out.push((label, v.clone()));
            }
        }
    };
    for sc in doc["scenarios"].as_array().unwrap() {
        for c in sc["countries"].as_array().unwrap() {
            add(&sc["name"], "country", &c["country"], &c["metrics"]);
        }
        for u in sc["unions"].as_array().unwrap() {
            add(&sc["name"], "union", &u["name"], &u["metrics"]);
        }
    }
    for d in doc["differences"].as_array().unwrap() {
        for c in d["countries"].as_array().unwrap() {
            add(&d["scenario"], "difference", &c["country"], &c["metrics"]);
        }
        for u in d["unions"].as_array().unwrap() {
            add(&d["scenario"], "difference", &u["name"], &u["metrics"]);
        }
    }
    out
}

#[test]
fn mc_csv_holds_the_json_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mc-csv");
    let json = mc(dir.path(), &["--csv", s(&folder)], "a.json");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["README.md", "meta.csv", "summary.csv"]);
    let rows = csv_rows(&folder.join("summary.csv"));
    assert_eq!(
        rows[0],
        ["scenario", "kind", "entity", "field", "statistic", "value"]
    );
    let got: std::collections::HashMap<&[String], &str> =
        rows[1..].iter().map(|r| (&r[..5], r[5].as_str())).collect();
    assert_eq!(got.len(), rows.len() - 1, "no row twice");
    let expected = json_statistics(&doc);
    let defined = expected.iter().filter(|(_, v)| !v.is_null()).count();
    assert_eq!(rows.len() - 1, defined, "one row per defined statistic");
    for (label, v) in &expected {
        match (v.as_f64(), got.get(&label[..])) {
            (None, None) => {}
            (Some(want), Some(text)) => {
                let g: f64 = text.parse().unwrap();
                // unrounded: the same number, to the last bit
                assert_eq!(g.to_bits(), want.to_bits(), "{label:?}: {g} vs {want}");
            }
            (want, got) => panic!("{label:?}: JSON {want:?}, CSV {got:?}"),
        }
    }
    for r in &rows[1..] {
        assert!(!r[5].eq_ignore_ascii_case("nan"), "{r:?}");
    }
    let kinds: std::collections::BTreeSet<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["country", "difference", "union"]
    );
    let meta: std::collections::HashMap<String, String> = csv_rows(&folder.join("meta.csv"))[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(meta["draws"], "240");
    assert_eq!(meta["seed"], "42");
    assert_eq!(meta["fingerprint"], doc["fingerprint"].as_str().unwrap());
    assert_eq!(meta["dataset"], "toy");
    let readme = std::fs::read_to_string(folder.join("README.md")).unwrap();
    assert!(readme.contains(&meta["units_values"]), "{readme}");
    assert!(readme.contains("share_positive"), "{readme}");
}

#[test]
fn mc_csv_folder_is_written_whole_and_never_into_data() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mc-csv");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("old.csv"), "from an earlier run").unwrap();
    mc(dir.path(), &["--csv", s(&folder)], "a.json");
    // the folder is replaced whole: nothing of the earlier one, no temporary left
    assert!(!folder.join("old.csv").exists());
    assert!(folder.join("summary.csv").exists());
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["a.json", "mc-csv"]);
    // a folder holding data files is refused, and left as it was
    let data = dir.path().join("data");
    ok(&["export-data", s(&data), "--dataset", "toy"]);
    let flows = std::fs::read(data.join("flows.csv")).unwrap();
    let sc = scenario();
    let out = dir.path().join("b.json");
    let refused = |extra: &[&str]| {
        let mut args = vec!["mc", "--scenario", s(&sc), "--draws", "4", "--quiet"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", s(&out)]);
        fails(&args)
    };
    let e = refused(&["--csv", s(&data)]);
    assert!(e.contains("data"), "{e}");
    assert!(!data.join("summary.csv").exists());
    assert_eq!(std::fs::read(data.join("flows.csv")).unwrap(), flows);
    // the CSV folder belongs to the summary of a whole run
    let e = refused(&["--shard", "0/2", "--csv", s(&folder)]);
    assert!(e.contains("--csv"), "{e}");
    // a CSV folder that cannot be written stops the command before the JSON
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "a file, not a folder").unwrap();
    let e = refused(&["--csv", s(&blocked.join("csv"))]);
    assert!(e.contains("file"), "{e}");
    assert!(
        !out.exists(),
        "nothing is written when the CSV folder cannot be"
    );
}

#[test]
fn bad_requests_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let toy = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/toy.toml");
    let out = dir.path().join("x.json");
    let e = fails(&["mc", "--scenario", s(&toy), "--out", s(&out)]);
    assert!(e.contains("[montecarlo]"), "{e}");
    let sc = scenario();
    let d = format!("{}/", s(dir.path()));
    let e = fails(&["mc", "--scenario", s(&sc), "--draws", "10", "--out", &d]);
    assert!(e.contains("directory"), "{e}");
    let e = fails(&["merge", s(dir.path()), "--out", s(&out)]);
    assert!(e.contains("shard-*-of-*.json"), "{e}");
}

#[test]
fn merge_reads_only_shard_files_and_refuses_altered_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (single, shards) = single_and_three_shards(dir.path());
    let f = |name: &str| shards.join(name);
    let one = std::fs::read_to_string(f("shard-1-of-3.json")).unwrap();
    // leftovers of an interrupted write, copies and other documents lie beside the shards
    std::fs::write(f(".shard-1-of-3.json.tmp"), &one[..one.len() / 2]).unwrap();
    std::fs::write(f("shard-1-of-3 (copy).json"), &one).unwrap();
    std::fs::write(f("shard-1-of-3.json.bak"), &one).unwrap();
    std::fs::write(f("shard-x-of-3.json"), "{}").unwrap();
    std::fs::write(f("notes.json"), "{}").unwrap();
    let merged = dir.path().join("merged.json");
    ok(&["merge", s(&shards), "--out", s(&merged)]);
    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&single).unwrap()
    );
    // one value's bits altered: refused, naming the file
    let doc: serde_json::Value = serde_json::from_str(&one).unwrap();
    let v = doc["values"][4].as_str().unwrap().to_string();
    let last = if v.ends_with('0') { "1" } else { "0" };
    let altered_value = format!("{}{last}", &v[..v.len() - 1]);
    std::fs::write(f("shard-1-of-3.json"), one.replace(&v, &altered_value)).unwrap();
    let e = fails(&["merge", s(&shards), "--out", s(&merged)]);
    assert!(
        e.contains("shard-1-of-3.json") && e.contains("checksum"),
        "{e}"
    );
    // a NaN in a usable draw
    let nan = "7ff8000000000000".repeat(v.len() / 16);
    std::fs::write(f("shard-1-of-3.json"), one.replace(&v, &nan)).unwrap();
    let e = fails(&["merge", s(&shards), "--out", s(&merged)]);
    assert!(e.contains("non-finite"), "{e}");
}

#[test]
fn requests_that_cannot_finish_are_refused_in_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario();
    let out = dir.path().join("x.json");
    let start = std::time::Instant::now();
    let res = cli(&[
        "mc",
        "--scenario",
        s(&sc),
        "--draws",
        "4294967295",
        "--out",
        s(&out),
    ]);
    let e = String::from_utf8_lossy(&res.stderr);
    // a clear error and an ordinary exit, not an aborted allocation
    assert_eq!(res.status.code(), Some(1), "{e}");
    assert!(e.contains("memory") && e.contains("shards"), "{e}");
    assert!(e.contains("TB") || e.contains("GB"), "{e}");
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    assert!(!out.exists());
    let start = std::time::Instant::now();
    let e = fails(&[
        "mc",
        "--scenario",
        s(&sc),
        "--threads",
        "100000",
        "--out",
        s(&out),
    ]);
    assert!(e.contains("100000 requested"), "{e}");
    assert!(start.elapsed().as_secs() < 20);
    let e = fails(&[
        "mc",
        "--scenario",
        s(&sc),
        "--threads",
        "0",
        "--out",
        s(&out),
    ]);
    assert!(e.contains("thread"), "{e}");
}

/// `scenarios/toy.toml` with `montecarlo` (the `[montecarlo]` table and its
/// entries) appended, written to `dir/name`.
fn toy_study(dir: &Path, name: &str, montecarlo: &str) -> PathBuf {
    let toy =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/toy.toml"))
            .unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("{toy}\n{montecarlo}")).unwrap();
    path
}

/// The fixed-distribution scenario: every elasticity at its data value.
fn fixed_scenario(dir: &Path) -> PathBuf {
    toy_study(
        dir,
        "fixed.toml",
        "[montecarlo]\ndraws = 2\n[[montecarlo.vary]]\nparam = \"sigma_m\"\n\
         link = \"rule-of-two\"\ndist = { kind = \"fixed\", value = 1.0 }\n",
    )
}

#[test]
fn mc_honours_the_treatment_like_run() {
    let dir = tempfile::tempdir().unwrap();
    let sc = fixed_scenario(dir.path());
    let mut welfare = Vec::new();
    for domestic in ["nested", "as-import-source"] {
        let run_out = dir.path().join(format!("run-{domestic}.json"));
        let mc_out = dir.path().join(format!("mc-{domestic}.json"));
        let common = [
            "--dataset",
            "toy",
            "--scenario",
            s(&sc),
            "--domestic",
            domestic,
        ];
        let mut args = vec!["run"];
        args.extend_from_slice(&common);
        args.extend_from_slice(&["--out", s(&run_out)]);
        ok(&args);
        let mut args = vec!["mc"];
        args.extend_from_slice(&common);
        args.extend_from_slice(&["--quiet", "--out", s(&mc_out)]);
        // (cli() adds --dataset toy to mc again: call the binary directly)
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read = |p: &Path| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
        };
        let (r, m) = (read(&run_out), read(&mc_out));
        for (s_run, s_mc) in r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .zip(m["scenarios"].as_array().unwrap())
        {
            for (c_run, c_mc) in s_run["totals"]["countries"]
                .as_array()
                .unwrap()
                .iter()
                .zip(s_mc["countries"].as_array().unwrap())
            {
                assert_eq!(c_run["country"], c_mc["country"]);
                for f in [
                    "welfare",
                    "consumer_surplus",
                    "tariff_revenue",
                    "trade_diversion",
                ] {
                    let want = c_run[f].as_f64().unwrap();
                    let got = &c_mc["metrics"][f];
                    for stat in ["mean", "p05", "p95"] {
                        let g = got[stat].as_f64().unwrap();
                        assert!(
                            (g - want).abs() <= 1e-12 * want.abs(),
                            "{domestic} {f} {stat}: {g} vs {want}"
                        );
                    }
                }
            }
        }
        welfare.push(
            r["scenarios"][1]["totals"]["countries"][0]["welfare"]
                .as_f64()
                .unwrap(),
        );
    }
    assert!((welfare[0] - welfare[1]).abs() > 1e-6, "{welfare:?}");
    let e = fails(&[
        "mc",
        "--scenario",
        s(&sc),
        "--model",
        "gsim-linear",
        "--out",
        "x.json",
    ]);
    assert!(e.contains("GSIM-linear"), "{e}");
}

/// The toy scenarios with data and policy uncertainty and tracked outputs.
fn policy_scenario(dir: &Path) -> PathBuf {
    toy_study(
        dir,
        "policy_mc.toml",
        "[montecarlo]\ndraws = 90\nseed = 5\n\
         track = [{ sector = \"AGR\", country = \"HOM\" }, { sector = \"MAN\", exporter = \"OUT\", importer = \"PAR\" }]\n\
         [[montecarlo.vary]]\nparam = \"ntb\"\nshared = true\n\
         dist = { kind = \"uniform\", low = 0.5, high = 2.0 }\n\
         [[montecarlo.vary]]\nparam = \"tariff\"\nimporter = \"PAR\"\n\
         dist = { kind = \"uniform\", low = 0.8, high = 1.2 }\n\
         [[montecarlo.vary]]\nparam = \"ntb_cut\"\nunion = \"HP\"\n\
         dist = { kind = \"uniform\", low = 0.5, high = 1.5 }\n\
         [[montecarlo.vary]]\nparam = \"shock\"\ncomponent = \"HP: CET\"\n\
         dist = { kind = \"triangular\", low = 0.0, mode = 1.0, high = 1.0 }\n",
    )
}

#[test]
fn data_and_policy_uncertainty_give_identical_bytes_across_threads_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let sc = policy_scenario(dir.path());
    let run = |extra: &[&str], out: &Path| {
        let mut args = vec!["mc", "--scenario", s(&sc), "--quiet"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", s(out)]);
        ok(&args);
    };
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let csv = dir.path().join("draws.csv");
    run(&["--threads", "1", "--draws-out", s(&csv)], &a);
    run(&["--threads", "2"], &b);
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap());
    let shards = dir.path().join("shards");
    let shard_dir = format!("{}/", s(&shards));
    for k in 0..3 {
        run(
            &["--shard", &format!("{k}/3"), "--threads", "2"],
            Path::new(&shard_dir),
        );
    }
    let merged = dir.path().join("merged.json");
    ok(&["merge", s(&shards), "--out", s(&merged)]);
    assert_eq!(std::fs::read(&merged).unwrap(), bytes);
    // the tidy summary has the tracked outputs and their differences
    let tidy = dir.path().join("tidy");
    let c = dir.path().join("c.json");
    run(&["--csv", s(&tidy)], &c);
    let summary = std::fs::read_to_string(tidy.join("summary.csv")).unwrap();
    assert!(
        summary.contains("customs-union,tracked,MAN/OUT->PAR,counterfactual,p95,"),
        "{summary}"
    );
    assert!(
        summary.contains("customs-union,difference,AGR/HOM,welfare,mean,"),
        "{summary}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["failed"], 0);
    let tracked = &doc["scenarios"][1]["tracked"];
    assert_eq!(tracked[0]["sector"], "AGR");
    assert_eq!(tracked[1]["importer"], "PAR");
    assert_eq!(tracked[1]["metrics"]["counterfactual"]["ok"], 90);
    assert!(
        doc["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "shock.HP: CET")
    );
    // the tracked outputs are columns of the draws file, named in its key
    let key = std::fs::read_to_string(dir.path().join("draws.key.csv")).unwrap();
    let column = key
        .lines()
        .find(|l| l.ends_with(",customs-union,tracked,MAN/OUT->PAR,counterfactual"))
        .unwrap_or_else(|| panic!("{key}"))
        .split(',')
        .next()
        .unwrap()
        .to_string();
    assert!(key.contains(",fta,tracked,AGR/HOM,welfare"), "{key}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == column).unwrap();
    let first: f64 = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(at)
        .unwrap()
        .parse()
        .unwrap();
    assert!(first > 0.0, "{first}");
}

#[test]
fn mc_prints_its_summary_with_units_and_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.json");
    let sc = scenario();
    let printed = ok(&[
        "mc",
        "--scenario",
        s(&sc),
        "--draws",
        "20",
        "--out",
        s(&out),
    ]);
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(
        text.contains("change from the toy baseline, US$ million per year at baseline prices"),
        "{text}"
    );
    assert!(
        text.contains("customs-union minus fta (paired draw by draw)"),
        "{text}"
    );
    // every country and the union, in each scenario and in the difference
    let rows = |name: &str| {
        text.lines()
            .filter(|l| l.split_whitespace().next() == Some(name))
            .count()
    };
    for name in ["HOM", "PAR", "OUT", "ROW", "HP"] {
        assert_eq!(rows(name), 3, "{name}: {text}");
    }
}

#[test]
fn undefined_statistics_have_no_row_in_summary_csv() {
    // under quadrature there is no sampling error: mcse is null in the JSON
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario())
        .unwrap()
        .replace("sampling = \"random\"", "sampling = \"quadrature\"");
    assert!(text.contains("quadrature"));
    let sc = dir.path().join("quadrature.toml");
    std::fs::write(&sc, text).unwrap();
    let out = dir.path().join("q.json");
    let folder = dir.path().join("q");
    ok(&[
        "mc",
        "--scenario",
        s(&sc),
        "--quiet",
        "--csv",
        s(&folder),
        "--out",
        s(&out),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(doc["scenarios"][0]["countries"][0]["metrics"]["welfare"]["mcse"].is_null());
    let rows = csv_rows(&folder.join("summary.csv"));
    assert!(rows.len() > 100);
    assert!(rows[1..].iter().all(|r| r[4] != "mcse"));
    for r in &rows[1..] {
        let v: f64 = r[5].parse().unwrap();
        assert!(!v.is_nan(), "{r:?}");
    }
    let sd = rows[1..].iter().filter(|r| r[4] == "sd").count();
    assert_eq!(
        sd * 8,
        rows.len() - 1,
        "eight statistics per metric without mcse"
    );
}

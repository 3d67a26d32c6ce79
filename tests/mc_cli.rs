//! The `mc` and `merge` commands: identical bytes for any thread count and
//! any split into shards, clear refusals, Slurm arrays, per-draw CSV, replay.

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

#[test]
fn three_shards_merge_to_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let single = mc(dir.path(), &[], "single.json");
    let shards = dir.path().join("shards");
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

#[test]
fn draws_csv_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("draws.csv");
    mc(dir.path(), &["--draws-out", s(&csv)], "a.json");
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 241);
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..4], ["draw", "status", "scenario", "reason"]);
    assert!(header.contains(&"sigma_m.AGR"));
    assert!(header.contains(&"fta/HOM/welfare"));
    assert!(header.contains(&"customs-union/HP/trade_diversion"));
    let row5: Vec<&str> = lines[6].split(',').collect();
    assert_eq!(row5[0], "5");
    // replaying draw 5 prints the same parameters and welfare
    let sc = scenario();
    let out = ok(&["mc", "--scenario", s(&sc), "--replay", "5"]);
    let rep: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["draw"], 5);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // (serde_json's default float parser may be one ulp off: compare loosely)
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs();
    let sig: f64 = row5[col("sigma_m.AGR")].parse().unwrap();
    assert!(close(
        rep["parameters"]["sigma_m.AGR"].as_f64().unwrap(),
        sig
    ));
    let w: f64 = row5[col("fta/HOM/welfare")].parse().unwrap();
    assert!(close(
        rep["scenarios"][0]["countries"][0]["welfare"]
            .as_f64()
            .unwrap(),
        w
    ));
    assert!(rep["failure"].is_null());
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

//! The Slurm example end to end: `tests/slurm/run.sh` starts a one-node Slurm
//! cluster (installing Debian's slurm-wlm and munge), runs a sharded Monte
//! Carlo array job and its merge job, and compares the merged result with a
//! single-process run byte for byte.
//!
//! It installs packages and starts daemons as root, so it runs only when
//! `CU_SLURM_TEST=1` (as in `.ci/run`):
//!
//! ```text
//! CU_SLURM_TEST=1 cargo test --release --test slurm -- --nocapture
//! ```

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn slurm_array_shards_merge_to_the_single_run_bytes() {
    if std::env::var("CU_SLURM_TEST").as_deref() != Ok("1") {
        println!(
            "SKIP: the Slurm test installs slurm-wlm and munge and starts daemons; \
             set CU_SLURM_TEST=1 to run it"
        );
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slurm/run.sh");
    // Stream the script's progress while keeping its stdout for the checks.
    let mut child = Command::new("bash")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_customs-union"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start tests/slurm/run.sh");
    let mut stdout = String::new();
    for line in BufReader::new(child.stdout.take().expect("piped stdout")).lines() {
        let line = line.expect("read the script's output");
        println!("{line}");
        stdout.push_str(&line);
        stdout.push('\n');
    }
    let status = child.wait().expect("wait for tests/slurm/run.sh");
    assert!(status.success(), "tests/slurm/run.sh failed ({status})");
    if stdout.lines().any(|l| l.starts_with("SKIP:")) {
        return;
    }
    assert!(
        stdout.contains("byte-identical"),
        "tests/slurm/run.sh succeeded without reporting a byte-identical merge"
    );
}

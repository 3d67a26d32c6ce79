//! What the integration tests share: the reference model (the
//! `customs-union-reference` crate, re-exported whole), conversions between
//! its types and the library's, the field-by-field comparison, the CLI
//! runner, and the proptest settings.
#![allow(dead_code, unused_imports)]

mod compare;
mod convert;

pub use compare::*;
pub use convert::*;
pub use customs_union_reference::*;

use customs_union::DomesticTreatment;
use proptest::test_runner::{Config, FileFailurePersistence};

/// The library's and the command line's names of a reference treatment.
pub trait TreatmentExt {
    /// The library's treatment.
    fn lib(self) -> DomesticTreatment;
    /// The value of `--domestic`.
    fn cli(self) -> &'static str;
}

impl TreatmentExt for Treatment {
    fn lib(self) -> DomesticTreatment {
        match self {
            Treatment::Nested => DomesticTreatment::Nested,
            Treatment::AsImportSource => DomesticTreatment::AsImportSource,
        }
    }
    fn cli(self) -> &'static str {
        match self {
            Treatment::Nested => "nested",
            Treatment::AsImportSource => "as-import-source",
        }
    }
}

/// Proptest settings: `cases` cases; failures are saved to, and replayed
/// first from, `regressions` (a file under `tests/proptest-regressions/`,
/// relative to the package root where tests run).
pub fn proptest_config(cases: u32, regressions: &'static str) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..Config::default()
    }
}

/// The path of the CLI binary built for the integration tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_customs-union")
}

/// Runs the CLI; returns (success, stdout, stderr).
/// Commands without `--data` run on the embedded toy dataset (the tests' market).
pub fn cli(args: &[&str]) -> (bool, String, String) {
    let mut args: Vec<&str> = args.to_vec();
    let takes_data = matches!(args.first(), Some(&"run" | &"validate" | &"export-data"));
    if takes_data && !args.contains(&"--data") && !args.contains(&"--dataset") {
        args.extend(["--dataset", "toy"]);
    }
    let out = std::process::Command::new(bin())
        .args(&args)
        .output()
        .expect("run the binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

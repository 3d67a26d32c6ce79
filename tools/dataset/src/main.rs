//! Regenerates the embedded datasets from the raw files and prints the
//! calibration report.
//!
//! ```text
//! cargo run --release -p customs-union-dataset [RAW_DIR [OUT_DIR]]
//! ```
//!
//! Defaults: `data/raw` and `data` of the repository; writes
//! `OUT_DIR/eaeu2009/*.csv` and `OUT_DIR/kaz1995/*.csv`. The report shows the
//! aggregate matrix and its checks, the RAS fit of Kazakhstan's composition,
//! the tariff calibration (Kazakhstan's four averages), the policy rates and the
//! calibration of the duty collection shares on the 2010 CET.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    // this crate lives in tools/dataset of the repository
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut args = std::env::args_os().skip(1);
    let raw = args
        .next()
        .map_or_else(|| root.join("data/raw"), PathBuf::from);
    let out = args.next().map_or_else(|| root.join("data"), PathBuf::from);
    match customs_union_dataset::generate(&raw, &out) {
        Ok(report) => {
            print!("{report}");
            println!(
                "wrote {} and {}",
                out.join("eaeu2009").display(),
                out.join("kaz1995").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dataset generation failed: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::FAILURE
        }
    }
}

//! Regenerates the embedded datasets from the raw files and prints the
//! calibration report.
//!
//! ```text
//! cargo run --release --example generate_dataset [RAW_DIR [OUT_DIR]]
//! ```
//!
//! Defaults: `data/raw` and `data` of this crate; writes `OUT_DIR/eaeu2009/*.csv`
//! and `OUT_DIR/kaz1995/*.csv`. The report shows the aggregate matrix and its
//! checks, the RAS fit of Kazakhstan's composition, the tariff calibration
//! (Kazakhstan's four averages) and the policy rates.

#[allow(dead_code)]
#[path = "../tools/dataset/generate.rs"]
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args_os().skip(1);
    let raw = args
        .next()
        .map_or_else(|| root.join("data/raw"), PathBuf::from);
    let out = args.next().map_or_else(|| root.join("data"), PathBuf::from);
    match generate::generate(&raw, &out) {
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
            ExitCode::FAILURE
        }
    }
}

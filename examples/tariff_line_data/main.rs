//! Writes synthetic tariff-line data and scenario files for measuring scale
//! (see `generate.rs` for what is written).
//!
//! ```text
//! cargo run --release --example tariff_line_data -- [--countries 30] [--sectors 5000]
//!     [--density 0.6] [--members 5] [--changes 3200] [--chain 3000] [--seed 15]
//!     [--out target/tariff_line/30x5000]
//! ```
//! Keep the output out of the repository: it is large (30 × 5,000 is about
//! 200 MB of CSV) and regenerated in seconds.

mod generate;

use std::path::PathBuf;

fn main() {
    let mut z = generate::Sizes::default();
    let mut out: Option<PathBuf> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut k = 0;
    while k < args.len() {
        let value = args.get(k + 1).cloned().unwrap_or_default();
        let num = || -> usize {
            value.parse().unwrap_or_else(|_| {
                eprintln!("{} needs a whole number, got `{value}`", args[k]);
                std::process::exit(2)
            })
        };
        match args[k].as_str() {
            "--countries" => z.countries = num(),
            "--sectors" => z.sectors = num(),
            "--members" => z.members = num(),
            "--changes" => z.changes = num(),
            "--chain" => z.chain = num(),
            "--seed" => z.seed = num() as u64,
            "--density" => {
                z.density = value.parse().unwrap_or_else(|_| {
                    eprintln!("--density needs a number in (0, 1], got `{value}`");
                    std::process::exit(2)
                })
            }
            "--out" => out = Some(PathBuf::from(&value)),
            other => {
                eprintln!("unknown argument `{other}`");
                std::process::exit(2)
            }
        }
        k += 2;
    }
    if z.countries < 2 || z.sectors == 0 || !(z.density > 0.0 && z.density <= 1.0) {
        eprintln!("need at least 2 countries, 1 sector and a density in (0, 1]");
        std::process::exit(2);
    }
    let out = out.unwrap_or_else(|| {
        PathBuf::from(format!("target/tariff_line/{}x{}", z.countries, z.sectors))
    });
    if let Err(e) = generate::write(&out, &z) {
        eprintln!("{}: {e}", out.display());
        std::process::exit(1);
    }
    println!("wrote {}", out.display());
}

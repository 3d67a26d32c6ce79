//! Synthetic tariff-line data for measuring scale: N countries × S sectors
//! with sparse bilateral flows (as at the HS6 line, most pairs do not trade
//! most products), an MFN rate per importer and line, preferential lines,
//! and three scenario files on it. Deterministic: the same sizes and seed
//! give the same bytes. The figures are invented, not observations; they
//! exist to time loading, compiling, solving and writing.
//!
//! ```text
//! countries.csv  C001..CNNN
//! sectors.csv    L00001..        sigma_m in [2, 10], sigma_d = sigma_m / 2, eta 1, epsilon 2 or inf
//! flows.csv      every domestic cell; an export cell with probability `density`
//! tariffs.csv    L,*,IMP,mfn for every line and importer, and the applied rate of every
//!                exporter (the MFN rate, or a preferential one for ~5% of pairs)
//! union.toml     one customs union of the first `members` countries adopting C001's schedule as CET
//! changes.toml   one scenario with `changes` bilateral line-level tariff cuts
//! chain.toml     `chain` scenarios, each extending the previous one by one tariff change
//! ```

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Sizes of a generated study.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Countries.
    pub countries: usize,
    /// Sectors (tariff lines).
    pub sectors: usize,
    /// Share of off-diagonal cells that trade, in (0, 1].
    pub density: f64,
    /// Members of the union in `union.toml` (the first countries).
    pub members: usize,
    /// Bilateral tariff changes in `changes.toml`.
    pub changes: usize,
    /// Links of the `extends` chain in `chain.toml`.
    pub chain: usize,
    /// Seed of the generator.
    pub seed: u64,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            countries: 30,
            sectors: 5000,
            density: 0.6,
            members: 5,
            changes: 3200,
            chain: 3000,
            seed: 15,
        }
    }
}

/// SplitMix64: small, fast and fixed, so the data never depends on a crate's version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn country(c: usize) -> String {
    format!("C{:03}", c + 1)
}

fn line(s: usize) -> String {
    format!("L{:05}", s + 1)
}

/// Writes `data/` and the three scenario files under `dir`.
///
/// # Errors
/// Any I/O error.
pub fn write(dir: &Path, z: &Sizes) -> std::io::Result<()> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data)?;
    let mut rng = Rng(z.seed);
    let n = z.countries;
    // country size drives how much it trades
    let size: Vec<f64> = (0..n).map(|_| 0.2 + 4.0 * rng.unit()).collect();
    let mut b = String::from("code,name\n");
    for c in 0..n {
        let _ = writeln!(b, "{},Country {}", country(c), c + 1);
    }
    std::fs::write(data.join("countries.csv"), b)?;
    let mut b = String::from("code,name,sigma_m,sigma_d,eta,epsilon\n");
    for s in 0..z.sectors {
        let sm = 2.0 + (8.0 * rng.unit() * 100.0).round() / 100.0;
        let eps = if rng.unit() < 0.3 { "inf" } else { "2" };
        let _ = writeln!(b, "{},Line {},{sm},{},1,{eps}", line(s), s + 1, sm / 2.0);
    }
    std::fs::write(data.join("sectors.csv"), b)?;
    let mut flows = std::io::BufWriter::new(std::fs::File::create(data.join("flows.csv"))?);
    let mut tariffs = std::io::BufWriter::new(std::fs::File::create(data.join("tariffs.csv"))?);
    writeln!(flows, "sector,exporter,importer,value")?;
    writeln!(tariffs, "sector,exporter,importer,rate")?;
    for s in 0..z.sectors {
        let l = line(s);
        let mfn: Vec<f64> = (0..n)
            .map(|_| (rng.unit() * 0.3 * 1e4).round() / 1e4)
            .collect();
        for (j, t) in mfn.iter().enumerate() {
            writeln!(tariffs, "{l},*,{},{t}", country(j))?;
        }
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    // the applied rate of every pair, as a line-level tariff table gives it
                    let applied = if rng.unit() < 0.05 {
                        (mfn[j] * rng.unit() * 1e4).round() / 1e4
                    } else {
                        mfn[j]
                    };
                    writeln!(tariffs, "{l},{},{},{applied}", country(i), country(j))?;
                }
                let traded = i == j || rng.unit() < z.density;
                if !traded {
                    continue;
                }
                let scale = if i == j { 20.0 } else { 1.0 };
                let v = scale * size[i] * size[j] * (0.05 + rng.unit()) * 10.0;
                writeln!(flows, "{l},{},{},{:.4}", country(i), country(j), v)?;
            }
        }
    }
    flows.flush()?;
    tariffs.flush()?;
    let members: Vec<String> = (0..z.members.min(n)).map(country).collect();
    let quoted = members
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        dir.join("union.toml"),
        format!(
            "# one customs union adopting its first member's schedule as the CET\n\
             [[scenario]]\nname = \"union\"\n\
             [[scenario.union]]\nname = \"CU\"\nmembers = [{quoted}]\n\
             cet = {{ rule = \"adopt\", country = \"{}\" }}\n",
            members[0]
        ),
    )?;
    let mut b = String::from("# bilateral line-level tariff cuts\n[[scenario]]\nname = \"cuts\"\n");
    for _ in 0..z.changes {
        let j = rng.below(n);
        let i = (j + 1 + rng.below(n - 1)) % n;
        let s = rng.below(z.sectors);
        let _ = write!(
            b,
            "[[scenario.tariff]]\nimporter = \"{}\"\nexporter = \"{}\"\nsector = \"{}\"\nscale = 0.5\n",
            country(j),
            country(i),
            line(s)
        );
    }
    std::fs::write(dir.join("changes.toml"), b)?;
    let mut b = String::from("# an extends chain, one tariff change per link\n");
    for k in 0..z.chain {
        let _ = write!(b, "[[scenario]]\nname = \"s{k}\"\n");
        if k > 0 {
            let _ = writeln!(b, "extends = \"s{}\"", k - 1);
        }
        let j = rng.below(n);
        let i = (j + 1 + rng.below(n - 1)) % n;
        let _ = write!(
            b,
            "[[scenario.tariff]]\nimporter = \"{}\"\nexporter = \"{}\"\nsector = \"{}\"\nadd = 0.001\n",
            country(j),
            country(i),
            line(rng.below(z.sectors))
        );
    }
    std::fs::write(dir.join("chain.toml"), b)?;
    Ok(())
}

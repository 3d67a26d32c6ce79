//! Deterministic synthetic markets for the benchmarks.

use customs_union::{Market, Matrix, SectorPolicy};

/// SplitMix64: a tiny deterministic generator, enough for synthetic data.
pub struct Mix(pub u64);

impl Mix {
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// An `n`-country market: domestic sales dominate, bilateral flows spread
/// over two orders of magnitude, MFN tariffs 0-20%, supply elasticities 1-5
/// with the last country a price taker.
pub fn market(n: usize, seed: u64) -> Market {
    let mut r = Mix(seed);
    let mut flows = Matrix::zeros(n);
    let mut tariffs = Matrix::zeros(n);
    for i in 0..n {
        for j in 0..n {
            if i == j {
                flows.set(i, j, 500.0 + 1000.0 * r.next_f64());
            } else {
                flows.set(i, j, 10f64.powf(2.0 * r.next_f64()));
                tariffs.set(i, j, 0.2 * r.next_f64());
            }
        }
    }
    let mut supply: Vec<f64> = (0..n).map(|_| 1.0 + 4.0 * r.next_f64()).collect();
    supply[n - 1] = f64::INFINITY;
    Market::new(flows, tariffs, Matrix::zeros(n), supply).expect("valid synthetic market")
}

/// A customs union of the first three countries: internal tariffs removed,
/// country 0 adopts country 1's external tariffs.
pub fn union_policy(m: &Market) -> SectorPolicy {
    let n = m.n();
    let mut p = SectorPolicy::baseline(m);
    let members = [0, 1, 2.min(n - 1)];
    for &a in &members {
        for &b in &members {
            if a != b {
                p.tariffs.set(a, b, 0.0);
            }
        }
    }
    for o in 3..n {
        let t = m.tariffs().get(o, 1);
        p.tariffs.set(o, 0, t);
    }
    p
}

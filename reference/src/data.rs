//! The reference data: one sector's baseline market as plain
//! `[origin][destination]` matrices, and a dataset of such sectors.
//!
//! ```text
//! x0[i][j]  baseline value shipped from i to j (producer prices = 1)
//! t0[i][j]  ad valorem tariff on i's good in j
//! c0[i][j]  ad valorem non-tariff wedge on i's good in j (dissipated)
//! eps[i]    supply elasticity of i (>= 0 or +inf)
//! ```

/// Domestic sales: second nest (`Nested`) or a source inside the import nest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    Nested,
    AsImportSource,
}

/// One sector's baseline: `[origin][destination]` matrices.
#[derive(Debug, Clone)]
pub struct RefSector {
    pub code: String,
    pub sigma_m: f64,
    pub sigma_d: f64,
    pub eta: f64,
    pub x0: Vec<Vec<f64>>,
    pub t0: Vec<Vec<f64>>,
    pub c0: Vec<Vec<f64>>,
    pub eps: Vec<f64>,
}

impl RefSector {
    pub fn n(&self) -> usize {
        self.x0.len()
    }
    pub fn output(&self, i: usize) -> f64 {
        self.x0[i].iter().sum()
    }
    pub fn total(&self) -> f64 {
        self.x0.iter().flatten().sum()
    }
    pub fn is_empty(&self) -> bool {
        self.x0.iter().flatten().all(|&v| v == 0.0)
    }
}

/// A dataset: country codes and sectors.
#[derive(Debug, Clone)]
pub struct RefData {
    pub codes: Vec<String>,
    pub sectors: Vec<RefSector>,
}

impl RefData {
    pub fn n(&self) -> usize {
        self.codes.len()
    }
}

pub fn zeros(n: usize) -> Vec<Vec<f64>> {
    vec![vec![0.0; n]; n]
}

pub fn country_codes(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("C{i:02}")).collect()
}

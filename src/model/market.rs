//! One sector's market: baseline flows, tariffs, non-tariff wedges and supply
//! elasticities of N countries.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A square matrix indexed `[origin, destination]`, stored row-major
/// (row = origin). Small and plain on purpose: the solver's hot loops walk
/// its rows directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Matrix {
    n: usize,
    data: Vec<f64>,
}

checked_serde!(
    Matrix,
    "Reads a matrix and checks that it is square.",
    |raw| {
        if raw.n.checked_mul(raw.n) == Some(raw.data.len()) {
            Ok(raw)
        } else {
            Err(format!(
                "{} values for a {1}x{1} matrix",
                raw.data.len(),
                raw.n
            ))
        }
    }
);

impl Matrix {
    /// An `n × n` matrix of zeros.
    pub fn zeros(n: usize) -> Self {
        Matrix {
            n,
            data: vec![0.0; n * n],
        }
    }

    /// An `n × n` matrix with every entry `value`.
    pub fn filled(n: usize, value: f64) -> Self {
        Matrix {
            n,
            data: vec![value; n * n],
        }
    }

    /// Builds from rows (`rows[origin][destination]`).
    ///
    /// # Errors
    /// [`Error::Invalid`] when the rows do not form a square matrix.
    pub fn from_rows(rows: &[Vec<f64>]) -> Result<Self> {
        let n = rows.len();
        let mut m = Matrix::zeros(n);
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return Err(Error::invalid(
                    "matrix",
                    format!("row {i} has {} entries, expected {n}", row.len()),
                ));
            }
            m.data[i * n..(i + 1) * n].copy_from_slice(row);
        }
        Ok(m)
    }

    /// Number of countries.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Entry `[origin, destination]`.
    #[inline]
    pub fn get(&self, origin: usize, destination: usize) -> f64 {
        self.data[origin * self.n + destination]
    }

    /// Sets entry `[origin, destination]`.
    #[inline]
    pub fn set(&mut self, origin: usize, destination: usize, value: f64) {
        self.data[origin * self.n + destination] = value;
    }

    /// Row of one origin (its shipments to every destination).
    pub fn row(&self, origin: usize) -> &[f64] {
        &self.data[origin * self.n..(origin + 1) * self.n]
    }

    /// All entries, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// All entries, row-major, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.data
    }

    /// Rows as vectors (`[origin][destination]`).
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        self.data
            .chunks(self.n.max(1))
            .map(<[f64]>::to_vec)
            .collect()
    }

    /// The same matrix scaled by `k`.
    pub fn scaled(&self, k: f64) -> Matrix {
        Matrix {
            n: self.n,
            data: self.data.iter().map(|v| v * k).collect(),
        }
    }
}

/// One sector's baseline market among N countries.
///
/// Baseline producer prices are 1, so flows are both values and quantities.
/// Deserialisation validates as [`Market::new`] does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Market {
    flows: Matrix,
    tariffs: Matrix,
    ntb: Matrix,
    #[serde(with = "super::serde_inf::vec")]
    supply: Vec<f64>,
    /// Each importer's MFN rate (its most specific exporter-`*` tariff row);
    /// empty: 0 for every importer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mfn: Vec<f64>,
    /// Baseline export taxes `e0[origin, destination]`; `None`: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    export_taxes: Option<Matrix>,
    /// Baseline quotas (binding at their baseline volume).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    quotas: Vec<super::BaselineQuota>,
}

checked_serde!(
    Market,
    "Reads a market and checks it as [`Market::new`] does.",
    |raw| {
        Market::new(raw.flows, raw.tariffs, raw.ntb, raw.supply)
            .and_then(|m| m.with_restrictions(raw.export_taxes, raw.quotas))
            .and_then(|m| {
                if raw.mfn.is_empty() {
                    Ok(m)
                } else {
                    m.with_mfn(raw.mfn)
                }
            })
    }
);

impl Market {
    /// A market from baseline flows, tariffs, non-tariff wedges (all `[origin, destination]`)
    /// and supply elasticities (one per country, `f64::INFINITY` for a price taker).
    ///
    /// # Errors
    /// [`Error::Invalid`] when shapes differ, a flow is negative or not finite, a
    /// tariff is `<= -1` or not finite, a wedge is negative or not finite, or a
    /// supply elasticity is negative or NaN.
    pub fn new(flows: Matrix, tariffs: Matrix, ntb: Matrix, supply: Vec<f64>) -> Result<Self> {
        let n = flows.n();
        if tariffs.n() != n || ntb.n() != n || supply.len() != n {
            return Err(Error::invalid(
                "market",
                format!(
                    "shapes differ: flows {n}x{n}, tariffs {0}x{0}, ntb {1}x{1}, supply {2}",
                    tariffs.n(),
                    ntb.n(),
                    supply.len()
                ),
            ));
        }
        // the first bad cell in row-major order, checked flow, tariff, wedge
        let cells = flows
            .as_slice()
            .iter()
            .zip(tariffs.as_slice())
            .zip(ntb.as_slice());
        let bad = cells.enumerate().find(|(_, ((x, t), c))| {
            !(x.is_finite()
                && **x >= 0.0
                && t.is_finite()
                && **t > -1.0
                && c.is_finite()
                && **c >= 0.0)
        });
        if let Some((k, ((&x, &t), &c))) = bad {
            let (i, j) = (k / n, k % n);
            return Err(if !(x.is_finite() && x >= 0.0) {
                Error::invalid(
                    "market flows",
                    format!("flow [{i},{j}] must be finite and >= 0, got {x}"),
                )
            } else if !(t.is_finite() && t > -1.0) {
                Error::invalid(
                    "market tariffs",
                    format!("tariff [{i},{j}] must be finite and > -1, got {t}"),
                )
            } else {
                Error::invalid(
                    "market ntb",
                    format!("wedge [{i},{j}] must be finite and >= 0, got {c}"),
                )
            });
        }
        for (i, &e) in supply.iter().enumerate() {
            super::sector::check_supply(e).map_err(|_| {
                Error::invalid(
                    "market supply",
                    format!("epsilon of country {i} must be >= 0 or inf, got {e}"),
                )
            })?;
        }
        Ok(Market {
            flows,
            tariffs,
            ntb,
            supply,
            mfn: Vec::new(),
            export_taxes: None,
            quotas: Vec::new(),
        })
    }

    pub(super) fn export_taxes_ref(&self) -> Option<&Matrix> {
        self.export_taxes.as_ref()
    }

    pub(super) fn quotas_ref(&self) -> &[super::BaselineQuota] {
        &self.quotas
    }

    pub(super) fn set_restrictions(
        &mut self,
        export_taxes: Option<Matrix>,
        quotas: Vec<super::BaselineQuota>,
    ) {
        self.export_taxes = export_taxes;
        self.quotas = quotas;
    }

    /// The market with each importer's MFN rate (one per country): a
    /// baseline rate below it is a preference, which a common external
    /// tariff keeps unless the union withdraws it.
    ///
    /// # Errors
    /// [`Error::Invalid`] on a wrong length or a rate that is not finite and > -1.
    pub fn with_mfn(mut self, mfn: Vec<f64>) -> Result<Self> {
        if mfn.len() != self.n() {
            return Err(Error::invalid("market MFN rates", "wrong length"));
        }
        if let Some(t) = mfn.iter().find(|t| !(t.is_finite() && **t > -1.0)) {
            return Err(Error::invalid(
                "market MFN rates",
                format!("must be finite and > -1, got {t}"),
            ));
        }
        self.mfn = mfn;
        Ok(self)
    }

    /// Importer `destination`'s MFN rate (0 when the data gives none).
    pub fn mfn(&self, destination: usize) -> f64 {
        self.mfn.get(destination).copied().unwrap_or(0.0)
    }

    /// Number of countries.
    pub fn n(&self) -> usize {
        self.flows.n()
    }

    /// Baseline flows `x0[origin, destination]`.
    pub fn flows(&self) -> &Matrix {
        &self.flows
    }

    /// Baseline tariffs `t0[origin, destination]`.
    pub fn tariffs(&self) -> &Matrix {
        &self.tariffs
    }

    /// Baseline non-tariff wedges `c0[origin, destination]`.
    pub fn ntb(&self) -> &Matrix {
        &self.ntb
    }

    /// Supply elasticities `epsilon[country]`.
    pub fn supply(&self) -> &[f64] {
        &self.supply
    }

    /// Replaces the supply elasticities (used by Monte Carlo draws).
    ///
    /// # Errors
    /// [`Error::Invalid`] on a wrong length or a negative/NaN value.
    pub fn set_supply(&mut self, supply: Vec<f64>) -> Result<()> {
        if supply.len() != self.n() {
            return Err(Error::invalid("market supply", "wrong length"));
        }
        for &e in &supply {
            super::sector::check_supply(e)?;
        }
        self.supply = supply;
        Ok(())
    }

    /// Baseline output `X0[i] = sum_j x0[i][j]`.
    pub fn output(&self, origin: usize) -> f64 {
        self.flows.row(origin).iter().sum()
    }

    /// True when every flow is zero.
    pub fn is_empty(&self) -> bool {
        self.flows.as_slice().iter().all(|&x| x == 0.0)
    }

    /// The market with every flow scaled by `k > 0` (tariffs, wedges and elasticities unchanged).
    pub fn scaled(&self, k: f64) -> Market {
        Market {
            flows: self.flows.scaled(k),
            ..self.clone()
        }
    }
}

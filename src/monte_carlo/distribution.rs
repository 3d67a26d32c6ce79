//! Probability distributions of uncertain values, sampled by inverse CDF.
//!
//! ```text
//! F^-1(u), u in (0, 1):
//! normal {mean, sd, min?, max?}:  mean + sd Phi^-1(a + u (b - a)),  a = Phi((min-mean)/sd), b = Phi((max-mean)/sd)
//!                                 (truncation by inverse CDF: no rejection, stratification kept)
//! lognormal {mu, sigma}:          exp(mu + sigma Phi^-1(u))
//! uniform {low, high}:            low + u (high - low)
//! triangular {low, mode, high}:   low + sqrt(u (high-low)(mode-low))          u <  (mode-low)/(high-low)
//!                                 high - sqrt((1-u)(high-low)(high-mode))     otherwise
//! fixed {value}:                  value
//! ```
//! A [`Distribution`] is only built through its checking constructors
//! ([`Distribution::uniform`], ...) or by deserialising, which runs the same
//! checks: a uniform with `low > high` or a normal with `sd <= 0` never
//! reaches sampling.

use serde::{Deserialize, Serialize};

use super::sampling::{normal_cdf, normal_pdf, normal_quantile};

/// A probability distribution of one uncertain value; always valid.
///
/// # Examples
/// ```
/// use customs_union::monte_carlo::{Distribution, DistributionError};
///
/// let d = Distribution::uniform(0.5, 1.5)?;
/// assert_eq!(d.quantile(0.25), 0.75);
/// assert_eq!(d.mean_sd().0, 1.0);
/// let bad = Distribution::uniform(2.0, 1.0).unwrap_err();
/// assert_eq!(bad.field(), "high");
/// assert!(matches!(bad, DistributionError::EmptyRange { .. }));
/// # Ok::<(), DistributionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DistributionParameters", into = "DistributionParameters")]
pub struct Distribution(DistributionParameters);

/// A distribution's parameters as written in a file
/// (`{ kind = "uniform", low = 0.5, high = 1.5 }`), not yet checked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum DistributionParameters {
    Normal {
        mean: f64,
        sd: f64,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    #[serde(rename = "lognormal")]
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Uniform {
        low: f64,
        high: f64,
    },
    Triangular {
        low: f64,
        mode: f64,
        high: f64,
    },
    Fixed {
        value: f64,
    },
}

/// Why a distribution's parameters were refused; [`DistributionError::field`]
/// names the parameter at fault.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DistributionError {
    /// A parameter is NaN or infinite.
    #[error("{field}: must be finite, got {value}")]
    NotFinite {
        /// The parameter.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// A scale parameter (`sd`, `sigma`) is not positive.
    #[error("{field}: must be > 0, got {value} (use a fixed distribution for no uncertainty)")]
    NotPositive {
        /// The parameter.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// The upper bound does not exceed the lower one.
    #[error("{field}: must be > {lower_field} ({lower}), got {upper}")]
    EmptyRange {
        /// The upper bound's name (`high`, `max`).
        field: &'static str,
        /// The lower bound's name (`low`, `min`).
        lower_field: &'static str,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// A triangular mode outside `[low, high]`.
    #[error("mode: must lie in [{low}, {high}], got {mode}")]
    ModeOutside {
        /// Lower bound.
        low: f64,
        /// The mode given.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// A truncated normal whose interval has (numerically) no probability.
    #[error(
        "min: the truncation interval [{min}, {max}] has probability {mass:e} under N({mean}, {sd}²)"
    )]
    EmptyTruncation {
        /// Lower truncation bound (`-inf` when absent).
        min: f64,
        /// Upper truncation bound (`inf` when absent).
        max: f64,
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        sd: f64,
        /// The interval's probability.
        mass: f64,
    },
}

impl DistributionError {
    /// The parameter at fault (`sd`, `high`, `mode`, ...).
    pub fn field(&self) -> &'static str {
        match self {
            DistributionError::NotFinite { field, .. }
            | DistributionError::NotPositive { field, .. }
            | DistributionError::EmptyRange { field, .. } => field,
            DistributionError::ModeOutside { .. } => "mode",
            DistributionError::EmptyTruncation { .. } => "min",
        }
    }

    /// What is wrong, without the parameter's name (for messages that name
    /// it in a key of their own).
    pub fn problem(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.field());
        full.strip_prefix(&prefix).unwrap_or(&full).to_string()
    }
}

impl From<DistributionError> for crate::Error {
    fn from(e: DistributionError) -> Self {
        crate::Error::invalid(format!("distribution {}", e.field()), e.problem())
    }
}

fn finite(field: &'static str, value: f64) -> Result<(), DistributionError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(DistributionError::NotFinite { field, value })
    }
}

fn positive(field: &'static str, value: f64) -> Result<(), DistributionError> {
    finite(field, value)?;
    if value > 0.0 {
        Ok(())
    } else {
        Err(DistributionError::NotPositive { field, value })
    }
}

fn range(
    lower_field: &'static str,
    lower: f64,
    field: &'static str,
    upper: f64,
) -> Result<(), DistributionError> {
    if lower < upper {
        Ok(())
    } else {
        Err(DistributionError::EmptyRange {
            field,
            lower_field,
            lower,
            upper,
        })
    }
}

impl TryFrom<DistributionParameters> for Distribution {
    type Error = DistributionError;

    fn try_from(p: DistributionParameters) -> Result<Self, DistributionError> {
        match p {
            DistributionParameters::Normal { mean, sd, min, max } => {
                finite("mean", mean)?;
                positive("sd", sd)?;
                if let Some(a) = min {
                    finite("min", a)?;
                }
                if let Some(b) = max {
                    finite("max", b)?;
                }
                if let (Some(a), Some(b)) = (min, max) {
                    range("min", a, "max", b)?;
                }
                let mass = truncated_mass(mean, sd, min, max);
                if mass.is_nan() || mass <= 1e-12 {
                    return Err(DistributionError::EmptyTruncation {
                        min: min.unwrap_or(f64::NEG_INFINITY),
                        max: max.unwrap_or(f64::INFINITY),
                        mean,
                        sd,
                        mass: mass.max(0.0),
                    });
                }
            }
            DistributionParameters::LogNormal { mu, sigma } => {
                finite("mu", mu)?;
                positive("sigma", sigma)?;
            }
            DistributionParameters::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                range("low", low, "high", high)?;
            }
            DistributionParameters::Triangular { low, mode, high } => {
                finite("low", low)?;
                finite("mode", mode)?;
                finite("high", high)?;
                range("low", low, "high", high)?;
                if !(low..=high).contains(&mode) {
                    return Err(DistributionError::ModeOutside { low, mode, high });
                }
            }
            DistributionParameters::Fixed { value } => finite("value", value)?,
        }
        Ok(Distribution(p))
    }
}

impl From<Distribution> for DistributionParameters {
    fn from(d: Distribution) -> Self {
        d.0
    }
}

/// Probability of `[min, max]` under `N(mean, sd²)`, computed in the lower
/// tail (where `Phi` keeps its digits) when the interval lies above the mean.
fn truncated_mass(mean: f64, sd: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    let alpha = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
    let beta = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
    if alpha > 0.0 {
        normal_cdf(-alpha) - normal_cdf(-beta)
    } else {
        normal_cdf(beta) - normal_cdf(alpha)
    }
}

impl Distribution {
    /// Normal with mean `mean` and standard deviation `sd > 0`.
    ///
    /// # Errors
    /// A non-finite parameter or `sd <= 0`.
    pub fn normal(mean: f64, sd: f64) -> Result<Self, DistributionError> {
        Self::truncated_normal(mean, sd, None, None)
    }

    /// Normal `N(mean, sd²)` truncated to `[min, max]` (either bound optional),
    /// drawn by inverse CDF.
    ///
    /// # Errors
    /// A non-finite parameter, `sd <= 0`, `min >= max`, or an interval with
    /// probability below 1e-12.
    pub fn truncated_normal(
        mean: f64,
        sd: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<Self, DistributionError> {
        DistributionParameters::Normal { mean, sd, min, max }.try_into()
    }

    /// `exp(N(mu, sigma²))`.
    ///
    /// # Errors
    /// A non-finite parameter or `sigma <= 0`.
    pub fn lognormal(mu: f64, sigma: f64) -> Result<Self, DistributionError> {
        DistributionParameters::LogNormal { mu, sigma }.try_into()
    }

    /// Uniform on `[low, high]`.
    ///
    /// # Errors
    /// A non-finite bound or `low >= high`.
    pub fn uniform(low: f64, high: f64) -> Result<Self, DistributionError> {
        DistributionParameters::Uniform { low, high }.try_into()
    }

    /// Triangular on `[low, high]` with its peak at `mode`.
    ///
    /// # Errors
    /// A non-finite parameter, `low >= high`, or `mode` outside `[low, high]`.
    pub fn triangular(low: f64, mode: f64, high: f64) -> Result<Self, DistributionError> {
        DistributionParameters::Triangular { low, mode, high }.try_into()
    }

    /// Always `value`: no uncertainty, no random number used.
    ///
    /// # Errors
    /// A non-finite `value`.
    pub fn fixed(value: f64) -> Result<Self, DistributionError> {
        DistributionParameters::Fixed { value }.try_into()
    }

    /// The `kind` as written in files: `normal`, `lognormal`, `uniform`,
    /// `triangular` or `fixed`.
    pub fn kind(&self) -> &'static str {
        match self.0 {
            DistributionParameters::Normal { .. } => "normal",
            DistributionParameters::LogNormal { .. } => "lognormal",
            DistributionParameters::Uniform { .. } => "uniform",
            DistributionParameters::Triangular { .. } => "triangular",
            DistributionParameters::Fixed { .. } => "fixed",
        }
    }

    /// True when the distribution is random (anything but `fixed`).
    pub fn is_random(&self) -> bool {
        !matches!(self.0, DistributionParameters::Fixed { .. })
    }

    /// The inverse CDF at `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        match self.0 {
            DistributionParameters::Normal { mean, sd, min, max } => {
                if min.is_none() && max.is_none() {
                    return mean + sd * normal_quantile(u);
                }
                let alpha = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
                let beta = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
                // work in the lower tail, where Phi keeps its digits
                let z = if alpha > 0.0 {
                    let (pa, pb) = (normal_cdf(-beta), normal_cdf(-alpha));
                    -normal_quantile(pa + (1.0 - u) * (pb - pa))
                } else {
                    let (pa, pb) = (normal_cdf(alpha), normal_cdf(beta));
                    normal_quantile(pa + u * (pb - pa))
                };
                let x = mean + sd * z;
                x.clamp(
                    min.unwrap_or(f64::NEG_INFINITY),
                    max.unwrap_or(f64::INFINITY),
                )
            }
            DistributionParameters::LogNormal { mu, sigma } => {
                (mu + sigma * normal_quantile(u)).exp()
            }
            DistributionParameters::Uniform { low, high } => low + u * (high - low),
            DistributionParameters::Triangular { low, mode, high } => {
                let w = high - low;
                if u * w < mode - low {
                    low + (u * w * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * w * (high - mode)).sqrt()
                }
            }
            DistributionParameters::Fixed { value } => value,
        }
    }

    /// Mean and standard deviation of the distribution (of the truncated
    /// normal when truncated): the moments the quadrature uses.
    pub fn mean_sd(&self) -> (f64, f64) {
        match self.0 {
            DistributionParameters::Normal { mean, sd, min, max } => {
                if min.is_none() && max.is_none() {
                    return (mean, sd);
                }
                let alpha = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
                let beta = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
                let z = truncated_mass(mean, sd, min, max);
                let pdf = |x: f64| if x.is_finite() { normal_pdf(x) } else { 0.0 };
                let (pa, pb) = (pdf(alpha), pdf(beta));
                let apa = if alpha.is_finite() { alpha * pa } else { 0.0 };
                let bpb = if beta.is_finite() { beta * pb } else { 0.0 };
                let d = (pa - pb) / z;
                let var = 1.0 + (apa - bpb) / z - d * d;
                (mean + sd * d, sd * var.max(0.0).sqrt())
            }
            DistributionParameters::LogNormal { mu, sigma } => {
                let m = (mu + 0.5 * sigma * sigma).exp();
                (m, m * (sigma * sigma).exp_m1().sqrt())
            }
            DistributionParameters::Uniform { low, high } => {
                (0.5 * (low + high), (high - low) / 12f64.sqrt())
            }
            DistributionParameters::Triangular { low, mode, high } => {
                let var =
                    (low * low + mode * mode + high * high - low * mode - low * high - mode * high)
                        / 18.0;
                ((low + mode + high) / 3.0, var.max(0.0).sqrt())
            }
            DistributionParameters::Fixed { value } => (value, 0.0),
        }
    }

    /// The value at the median (`u = 1/2`): the central point of a run.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_normal_stays_inside() {
        let d = Distribution::truncated_normal(1.0, 1.0, Some(0.5), Some(4.0)).unwrap();
        for k in 1..100 {
            let x = d.quantile(k as f64 / 100.0);
            assert!((0.5..=4.0).contains(&x));
        }
        // far in the upper tail the median keeps its digits:
        // Phi(-x) = Phi(-6.5) / 2
        let far = Distribution::truncated_normal(0.0, 1.0, Some(6.5), None).unwrap();
        let x = far.quantile(0.5);
        assert!(x > 6.5 && x < 6.7, "{x}");
        let half = 0.5 * normal_cdf(-6.5);
        assert!((normal_cdf(-x) - half).abs() < 1e-12 * half, "{x}");
        // an interval with (numerically) no probability is refused
        assert!(matches!(
            Distribution::truncated_normal(0.0, 1.0, Some(8.0), None),
            Err(DistributionError::EmptyTruncation { .. })
        ));
    }

    #[test]
    fn constructors_refuse_what_cannot_be_sampled() {
        use DistributionError as E;
        let e = Distribution::uniform(2.0, 1.0).unwrap_err();
        assert_eq!(e.field(), "high");
        assert!(matches!(
            e,
            E::EmptyRange {
                lower: 2.0,
                upper: 1.0,
                ..
            }
        ));
        assert_eq!(e.problem(), "must be > low (2), got 1");
        let e = Distribution::normal(1.0, -1.0).unwrap_err();
        assert!(matches!(e, E::NotPositive { field: "sd", .. }));
        let e = Distribution::normal(f64::NAN, 1.0).unwrap_err();
        assert!(matches!(e, E::NotFinite { field: "mean", .. }));
        let e = Distribution::lognormal(0.0, 0.0).unwrap_err();
        assert_eq!(e.field(), "sigma");
        let e = Distribution::triangular(1.0, 3.0, 2.0).unwrap_err();
        assert!(matches!(e, E::ModeOutside { .. }));
        assert_eq!(e.field(), "mode");
        let e = Distribution::truncated_normal(0.0, 1.0, Some(1.0), Some(1.0)).unwrap_err();
        assert_eq!(e.field(), "max");
        let e = Distribution::truncated_normal(0.0, 1.0, Some(50.0), None).unwrap_err();
        assert!(matches!(e, E::EmptyTruncation { .. }));
        assert!(Distribution::fixed(f64::INFINITY).is_err());
        // the crate's error names the parameter
        let e: crate::Error = Distribution::uniform(2.0, 1.0).unwrap_err().into();
        assert!(e.to_string().contains("high"), "{e}");
    }

    #[test]
    fn deserialising_runs_the_same_checks() {
        let ok: Distribution =
            serde_json::from_str(r#"{"kind":"uniform","low":0.5,"high":1.5}"#).unwrap();
        assert_eq!(ok, Distribution::uniform(0.5, 1.5).unwrap());
        let back = serde_json::to_string(&ok).unwrap();
        assert_eq!(serde_json::from_str::<Distribution>(&back).unwrap(), ok);
        let bad = serde_json::from_str::<Distribution>(r#"{"kind":"uniform","low":2,"high":1}"#)
            .unwrap_err()
            .to_string();
        assert!(bad.contains("high"), "{bad}");
    }
}

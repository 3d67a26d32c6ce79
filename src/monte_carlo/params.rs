//! The Monte Carlo definition: which elasticities are uncertain, how they are
//! distributed and how a drawn value changes the data (SPEC §6, `[montecarlo]`).
//!
//! ```text
//! mode = set:    value = x                         x drawn from the entry's distribution
//! mode = scale:  value = base * x                  (base = inf stays inf)
//! link = rule-of-two, scale:  the other sigma     = its base * x       (same factor)
//! link = rule-of-two, set:    sigma_d = sigma_m / 2 when sigma_m is drawn,
//!                             sigma_m = 2 sigma_d when sigma_d is drawn
//! shared = true:  one draw x for every matched item; false: one per item
//! ```
//! Inverse CDFs (`F^-1(u)`, `u` in (0, 1)):
//! ```text
//! normal {mean, sd, min?, max?}:  mean + sd Phi^-1(a + u (b - a)),  a = Phi((min-mean)/sd), b = Phi((max-mean)/sd)
//!                                 (truncation by inverse CDF: no rejection, stratification kept)
//! lognormal {mu, sigma}:          exp(mu + sigma Phi^-1(u))
//! uniform {low, high}:            low + u (high - low)
//! triangular {low, mode, high}:   low + sqrt(u (high-low)(mode-low))          u <  (mode-low)/(high-low)
//!                                 high - sqrt((1-u)(high-low)(high-mode))     otherwise
//! fixed {value}:                  value
//! ```

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::sampling::{Sampling, normal_cdf, normal_pdf, normal_quantile};
use crate::error::{Error, Result};
use crate::scenario::Selector;

/// Which elasticity an entry varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Param {
    /// `sigma_m`, substitution among import sources (per sector).
    SigmaM,
    /// `sigma_d`, substitution between domestic goods and imports (per sector).
    SigmaD,
    /// `eta`, aggregate demand elasticity (per sector).
    Eta,
    /// `epsilon`, supply elasticity (per sector and country).
    Epsilon,
}

impl Param {
    /// The name used in files and labels (`sigma_m`, `sigma_d`, `eta`, `epsilon`).
    pub fn name(self) -> &'static str {
        match self {
            Param::SigmaM => "sigma_m",
            Param::SigmaD => "sigma_d",
            Param::Eta => "eta",
            Param::Epsilon => "epsilon",
        }
    }

    /// Parses [`Param::name`].
    pub fn parse(s: &str) -> Option<Self> {
        [Param::SigmaM, Param::SigmaD, Param::Eta, Param::Epsilon]
            .into_iter()
            .find(|p| p.name() == s)
    }
}

/// How a drawn value changes the base value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The drawn value replaces the base value.
    Set,
    /// The drawn value multiplies the base value (default).
    #[default]
    Scale,
}

/// Whether the other sigma follows a drawn sigma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Link {
    /// Nothing else changes (default).
    #[default]
    None,
    /// The rule of two: `sigma_m = 2 sigma_d` (scale: same factor; set: half or twice the drawn value).
    RuleOfTwo,
}

/// A probability distribution of one uncertain value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// Normal, optionally truncated to `[min, max]` (by inverse CDF).
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal (> 0).
        sd: f64,
        /// Lower truncation bound.
        min: Option<f64>,
        /// Upper truncation bound.
        max: Option<f64>,
    },
    /// `exp(N(mu, sigma²))`.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm (> 0).
        sigma: f64,
    },
    /// Uniform on `[low, high]`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (> low).
        high: f64,
    },
    /// Triangular on `[low, high]` with its peak at `mode`.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Peak (`low <= mode <= high`).
        mode: f64,
        /// Upper bound (> low).
        high: f64,
    },
    /// Always `value` (no uncertainty; uses no random number).
    Fixed {
        /// The value.
        value: f64,
    },
}

impl Distribution {
    /// Checks the parameters; the error message names the bad one.
    ///
    /// # Errors
    /// `(field, message)` for a non-finite parameter, `sd`/`sigma` <= 0,
    /// `low >= high`, a mode outside its range, `min >= max`, or a truncation
    /// interval with (numerically) no probability.
    pub fn validate(&self) -> std::result::Result<(), (&'static str, String)> {
        let finite = |f: &'static str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err((f, format!("must be finite, got {v}")))
            }
        };
        match *self {
            Distribution::Normal { mean, sd, min, max } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd <= 0.0 {
                    return Err((
                        "sd",
                        format!("must be > 0, got {sd} (use kind = \"fixed\" for no uncertainty)"),
                    ));
                }
                if let Some(a) = min {
                    finite("min", a)?;
                }
                if let Some(b) = max {
                    finite("max", b)?;
                }
                if let (Some(a), Some(b)) = (min, max) {
                    if a >= b {
                        return Err(("max", format!("must be > min ({a}), got {b}")));
                    }
                }
                let (pa, pb) = self.truncation();
                let mass = pb - pa;
                if mass.is_nan() || mass <= 1e-12 {
                    return Err((
                        "min",
                        format!(
                            "the truncation interval [{}, {}] has probability {:e} under N({mean}, {sd}²)",
                            min.unwrap_or(f64::NEG_INFINITY),
                            max.unwrap_or(f64::INFINITY),
                            (pb - pa).max(0.0)
                        ),
                    ));
                }
            }
            Distribution::LogNormal { mu, sigma } => {
                finite("mu", mu)?;
                finite("sigma", sigma)?;
                if sigma <= 0.0 {
                    return Err(("sigma", format!("must be > 0, got {sigma}")));
                }
            }
            Distribution::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low >= high {
                    return Err(("high", format!("must be > low ({low}), got {high}")));
                }
            }
            Distribution::Triangular { low, mode, high } => {
                finite("low", low)?;
                finite("mode", mode)?;
                finite("high", high)?;
                if low >= high {
                    return Err(("high", format!("must be > low ({low}), got {high}")));
                }
                if !(low..=high).contains(&mode) {
                    return Err(("mode", format!("must lie in [{low}, {high}], got {mode}")));
                }
            }
            Distribution::Fixed { value } => finite("value", value)?,
        }
        Ok(())
    }

    /// Standardised truncation points of a normal, in the orientation used by
    /// [`Distribution::quantile`]: `(Phi(alpha), Phi(beta))`.
    fn truncation(&self) -> (f64, f64) {
        match *self {
            Distribution::Normal { mean, sd, min, max } => {
                let a = min.map_or(0.0, |m| normal_cdf((m - mean) / sd));
                let b = max.map_or(1.0, |m| normal_cdf((m - mean) / sd));
                (a, b)
            }
            _ => (0.0, 1.0),
        }
    }

    /// True when the distribution is random (anything but `fixed`).
    pub fn is_random(&self) -> bool {
        !matches!(self, Distribution::Fixed { .. })
    }

    /// The inverse CDF at `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            Distribution::Normal { mean, sd, min, max } => {
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
            Distribution::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(u)).exp(),
            Distribution::Uniform { low, high } => low + u * (high - low),
            Distribution::Triangular { low, mode, high } => {
                let w = high - low;
                if u * w < mode - low {
                    low + (u * w * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * w * (high - mode)).sqrt()
                }
            }
            Distribution::Fixed { value } => value,
        }
    }

    /// Mean and standard deviation of the distribution (of the truncated
    /// normal when truncated): the moments the quadrature uses.
    pub fn mean_sd(&self) -> (f64, f64) {
        match *self {
            Distribution::Normal { mean, sd, min, max } => {
                if min.is_none() && max.is_none() {
                    return (mean, sd);
                }
                let alpha = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
                let beta = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
                let z = if alpha > 0.0 {
                    normal_cdf(-alpha) - normal_cdf(-beta)
                } else {
                    normal_cdf(beta) - normal_cdf(alpha)
                };
                let pa = if alpha.is_finite() {
                    normal_pdf(alpha)
                } else {
                    0.0
                };
                let pb = if beta.is_finite() {
                    normal_pdf(beta)
                } else {
                    0.0
                };
                let apa = if alpha.is_finite() { alpha * pa } else { 0.0 };
                let bpb = if beta.is_finite() { beta * pb } else { 0.0 };
                let d = (pa - pb) / z;
                let var = 1.0 + (apa - bpb) / z - d * d;
                (mean + sd * d, sd * var.max(0.0).sqrt())
            }
            Distribution::LogNormal { mu, sigma } => {
                let m = (mu + 0.5 * sigma * sigma).exp();
                (m, m * (sigma * sigma).exp_m1().sqrt())
            }
            Distribution::Uniform { low, high } => {
                (0.5 * (low + high), (high - low) / 12f64.sqrt())
            }
            Distribution::Triangular { low, mode, high } => {
                let var =
                    (low * low + mode * mode + high * high - low * mode - low * high - mode * high)
                        / 18.0;
                ((low + mode + high) / 3.0, var.max(0.0).sqrt())
            }
            Distribution::Fixed { value } => (value, 0.0),
        }
    }

    /// The value at the median (`u = 1/2`): the central point of a run.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }
}

/// One `[[montecarlo.vary]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VaryEntry {
    /// The elasticity varied.
    pub param: Param,
    /// Sector code or every sector.
    pub sector: Selector,
    /// Country code or every country (epsilon only).
    pub country: Selector,
    /// Set or scale.
    pub mode: Mode,
    /// One draw shared by every matched item (true) or one per item (false).
    pub shared: bool,
    /// Rule-of-two link between the sigmas.
    pub link: Link,
    /// Distribution of the drawn value (the value itself in `set` mode, the factor in `scale` mode).
    pub dist: Distribution,
}

impl VaryEntry {
    /// An entry varying `param` in every sector (and country), independent
    /// draws, no link.
    pub fn new(param: Param, mode: Mode, dist: Distribution) -> Self {
        VaryEntry {
            param,
            sector: Selector::All,
            country: Selector::All,
            mode,
            shared: false,
            link: Link::None,
            dist,
        }
    }
}

/// A Monte Carlo definition: number of draws, seed, sampling method and the
/// uncertain parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloSpec {
    /// Number of draws (with quadrature: replaced by `2N`).
    pub draws: u64,
    /// Seed of every random number.
    pub seed: u64,
    /// Sampling method.
    pub sampling: Sampling,
    /// Uncertain parameters.
    pub vary: Vec<VaryEntry>,
    /// Where it came from (file name, or `<api>`), for error messages.
    pub source: String,
}

/// Default number of draws when `draws` is absent.
pub const DEFAULT_DRAWS: u64 = 1000;

/// Most draws a run accepts (Latin hypercube permutations are stored as `u32`).
pub const MAX_DRAWS: u64 = u32::MAX as u64;

impl MonteCarloSpec {
    /// A definition built in code.
    pub fn new(draws: u64, seed: u64, sampling: Sampling, vary: Vec<VaryEntry>) -> Self {
        MonteCarloSpec {
            draws,
            seed,
            sampling,
            vary,
            source: "<api>".to_string(),
        }
    }

    /// Parses the `[montecarlo]` table of a scenario file; `file` names it in
    /// errors, whose keys read `montecarlo.vary[k].field`.
    ///
    /// # Errors
    /// [`Error::Scenario`] for an unknown key, a missing or mistyped value, an
    /// unknown parameter, mode, link, sampling or distribution kind, or a
    /// distribution parameter out of range.
    pub fn from_table(table: &Table, file: &str) -> Result<Self> {
        let err = |key: &str, msg: String| Error::scenario(file, key, msg);
        check_keys(
            table,
            "montecarlo",
            &["draws", "seed", "sampling", "vary"],
            file,
        )?;
        let draws = match table.get("draws") {
            None => DEFAULT_DRAWS,
            Some(v) => {
                let d = int(v, "montecarlo.draws", file)?;
                if d < 1 || d as u64 > MAX_DRAWS {
                    return Err(err(
                        "montecarlo.draws",
                        format!("must be in 1..={MAX_DRAWS}, got {d}"),
                    ));
                }
                d as u64
            }
        };
        let seed = match table.get("seed") {
            None => 0,
            Some(v) => {
                let s = int(v, "montecarlo.seed", file)?;
                if s < 0 {
                    return Err(err("montecarlo.seed", format!("must be >= 0, got {s}")));
                }
                s as u64
            }
        };
        let sampling = match table.get("sampling") {
            None => Sampling::Random,
            Some(v) => {
                let s = string(v, "montecarlo.sampling", file)?;
                Sampling::parse(s).ok_or_else(|| {
                    err(
                        "montecarlo.sampling",
                        format!("unknown method `{s}` (random | latin-hypercube | quadrature)"),
                    )
                })?
            }
        };
        let mut vary = Vec::new();
        if let Some(v) = table.get("vary") {
            let Value::Array(list) = v else {
                return Err(err(
                    "montecarlo.vary",
                    "expected an array of tables ([[montecarlo.vary]])".into(),
                ));
            };
            for (k, e) in list.iter().enumerate() {
                vary.push(parse_entry(e, &format!("montecarlo.vary[{k}]"), file)?);
            }
        }
        Ok(MonteCarloSpec {
            draws,
            seed,
            sampling,
            vary,
            source: file.to_string(),
        })
    }
}

fn check_keys(t: &Table, base: &str, allowed: &[&str], file: &str) -> Result<()> {
    for k in t.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(Error::scenario(
                file,
                format!("{base}.{k}"),
                format!("unknown key (expected one of: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn int(v: &Value, key: &str, file: &str) -> Result<i64> {
    v.as_integer()
        .ok_or_else(|| Error::scenario(file, key, format!("expected an integer, got {v}")))
}

fn string<'a>(v: &'a Value, key: &str, file: &str) -> Result<&'a str> {
    v.as_str()
        .ok_or_else(|| Error::scenario(file, key, format!("expected a string, got {v}")))
}

fn number(v: &Value, key: &str, file: &str) -> Result<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Integer(i) => Ok(*i as f64),
        other => Err(Error::scenario(
            file,
            key,
            format!("expected a number, got {other}"),
        )),
    }
}

fn parse_entry(v: &Value, key: &str, file: &str) -> Result<VaryEntry> {
    let err = |field: &str, msg: String| Error::scenario(file, format!("{key}.{field}"), msg);
    let Value::Table(t) = v else {
        return Err(Error::scenario(file, key, "expected a table".to_string()));
    };
    check_keys(
        t,
        key,
        &[
            "param", "sector", "country", "mode", "shared", "link", "dist",
        ],
        file,
    )?;
    let param_s = match t.get("param") {
        Some(p) => string(p, &format!("{key}.param"), file)?,
        None => {
            return Err(err(
                "param",
                "missing (sigma_m | sigma_d | eta | epsilon)".into(),
            ));
        }
    };
    let param = Param::parse(param_s).ok_or_else(|| {
        err(
            "param",
            format!("unknown parameter `{param_s}` (sigma_m | sigma_d | eta | epsilon)"),
        )
    })?;
    let sector = match t.get("sector") {
        Some(s) => Selector::parse(string(s, &format!("{key}.sector"), file)?),
        None => Selector::All,
    };
    let country = match t.get("country") {
        Some(c) => {
            let c = string(c, &format!("{key}.country"), file)?;
            if param != Param::Epsilon && c != "*" {
                return Err(err(
                    "country",
                    format!(
                        "{} is a sector parameter: only epsilon varies by country",
                        param.name()
                    ),
                ));
            }
            Selector::parse(c)
        }
        None => Selector::All,
    };
    let mode = match t.get("mode") {
        None => Mode::Scale,
        Some(m) => match string(m, &format!("{key}.mode"), file)? {
            "set" => Mode::Set,
            "scale" => Mode::Scale,
            other => return Err(err("mode", format!("unknown mode `{other}` (set | scale)"))),
        },
    };
    let shared = match t.get("shared") {
        None => false,
        Some(Value::Boolean(b)) => *b,
        Some(other) => {
            return Err(err(
                "shared",
                format!("expected true or false, got {other}"),
            ));
        }
    };
    let link = match t.get("link") {
        None => Link::None,
        Some(l) => match string(l, &format!("{key}.link"), file)? {
            "none" => Link::None,
            "rule-of-two" => Link::RuleOfTwo,
            other => {
                return Err(err(
                    "link",
                    format!("unknown link `{other}` (none | rule-of-two)"),
                ));
            }
        },
    };
    if link == Link::RuleOfTwo && !matches!(param, Param::SigmaM | Param::SigmaD) {
        return Err(err(
            "link",
            format!(
                "rule-of-two links sigma_m and sigma_d; it cannot apply to {}",
                param.name()
            ),
        ));
    }
    let dkey = format!("{key}.dist");
    let Some(Value::Table(d)) = t.get("dist") else {
        return Err(err(
            "dist",
            "missing or not a table: e.g. dist = { kind = \"uniform\", low = 0.5, high = 1.5 }"
                .into(),
        ));
    };
    let kind = match d.get("kind") {
        Some(k) => string(k, &format!("{dkey}.kind"), file)?,
        None => {
            return Err(Error::scenario(
                file,
                format!("{dkey}.kind"),
                "missing (normal | lognormal | uniform | triangular | fixed)",
            ));
        }
    };
    let req = |name: &str| -> Result<f64> {
        match d.get(name) {
            Some(v) => number(v, &format!("{dkey}.{name}"), file),
            None => Err(Error::scenario(
                file,
                format!("{dkey}.{name}"),
                format!("missing: a {kind} distribution needs `{name}`"),
            )),
        }
    };
    let opt = |name: &str| -> Result<Option<f64>> {
        d.get(name)
            .map(|v| number(v, &format!("{dkey}.{name}"), file))
            .transpose()
    };
    let (dist, keys): (Distribution, &[&str]) = match kind {
        "normal" => (
            Distribution::Normal {
                mean: req("mean")?,
                sd: req("sd")?,
                min: opt("min")?,
                max: opt("max")?,
            },
            &["kind", "mean", "sd", "min", "max"],
        ),
        "lognormal" => (
            Distribution::LogNormal {
                mu: req("mu")?,
                sigma: req("sigma")?,
            },
            &["kind", "mu", "sigma"],
        ),
        "uniform" => (
            Distribution::Uniform {
                low: req("low")?,
                high: req("high")?,
            },
            &["kind", "low", "high"],
        ),
        "triangular" => (
            Distribution::Triangular {
                low: req("low")?,
                mode: req("mode")?,
                high: req("high")?,
            },
            &["kind", "low", "mode", "high"],
        ),
        "fixed" => (
            Distribution::Fixed {
                value: req("value")?,
            },
            &["kind", "value"],
        ),
        other => {
            return Err(Error::scenario(
                file,
                format!("{dkey}.kind"),
                format!(
                    "unknown distribution `{other}` (normal | lognormal | uniform | triangular | fixed)"
                ),
            ));
        }
    };
    check_keys(d, &dkey, keys, file)?;
    dist.validate()
        .map_err(|(f, m)| Error::scenario(file, format!("{dkey}.{f}"), m))?;
    Ok(VaryEntry {
        param,
        sector,
        country,
        mode,
        shared,
        link,
        dist,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<MonteCarloSpec> {
        let t: Table = toml::from_str(s).unwrap();
        MonteCarloSpec::from_table(t["montecarlo"].as_table().unwrap(), "t.toml")
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse(
            "[montecarlo]\n[[montecarlo.vary]]\nparam = \"sigma_m\"\ndist = { kind = \"normal\", mean = 1, sd = -1 }",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("montecarlo.vary[0].dist.sd"), "{e}");
        let e = parse("[montecarlo]\n[[montecarlo.vary]]\nparam = \"sigma_x\"\ndist = { kind = \"fixed\", value = 1 }")
            .unwrap_err()
            .to_string();
        assert!(e.contains("montecarlo.vary[0].param"), "{e}");
        let e = parse("[montecarlo]\n[[montecarlo.vary]]\nparam = \"eta\"\nfoo = 1\ndist = { kind = \"fixed\", value = 1 }")
            .unwrap_err()
            .to_string();
        assert!(e.contains("montecarlo.vary[0].foo"), "{e}");
        let e = parse("[montecarlo]\n[[montecarlo.vary]]\nparam = \"eta\"\ncountry = \"HOM\"\ndist = { kind = \"fixed\", value = 1 }")
            .unwrap_err()
            .to_string();
        assert!(e.contains("montecarlo.vary[0].country"), "{e}");
    }

    #[test]
    fn truncated_normal_stays_inside() {
        let d = Distribution::Normal {
            mean: 1.0,
            sd: 1.0,
            min: Some(0.5),
            max: Some(4.0),
        };
        for k in 1..100 {
            let x = d.quantile(k as f64 / 100.0);
            assert!((0.5..=4.0).contains(&x));
        }
        let far = Distribution::Normal {
            mean: 0.0,
            sd: 1.0,
            min: Some(8.0),
            max: None,
        };
        let x = far.quantile(0.5);
        assert!(x > 8.0 && x < 8.2, "{x}");
    }
}

//! The Monte Carlo definition: which elasticities are uncertain, how they are
//! distributed and how a drawn value changes the data (`[montecarlo]`).
//!
//! ```text
//! mode = set:    value = x                         x drawn from the entry's distribution
//! mode = scale:  value = base * x                  (base = inf stays inf)
//! link = rule-of-two, scale:  the other sigma     = its base * x       (same factor)
//! link = rule-of-two, set:    sigma_d = sigma_m / 2 when sigma_m is drawn,
//!                             sigma_m = 2 sigma_d when sigma_d is drawn
//! shared = true:  one draw x for every matched item; false: one per item
//! ```
//! Setters never fail; the combination is checked, with the entry's key
//! (`montecarlo.vary[k].field`), when a file is read and again when a run is
//! built from the definition ([`MonteCarlo::new`](super::MonteCarlo::new)).

use serde::{Deserialize, Serialize};

use super::distribution::Distribution;
use super::sampling::Sampling;
use crate::error::{Error, Result};
use crate::scenario::Selector;

/// Which elasticity an entry varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
pub enum Link {
    /// Nothing else changes (default).
    #[default]
    None,
    /// The rule of two: `sigma_m = 2 sigma_d` (scale: same factor; set: half or twice the drawn value).
    RuleOfTwo,
}

/// One `[[montecarlo.vary]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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

    /// Only sector `code` (`"*"`: every sector).
    pub fn with_sector(mut self, code: &str) -> Self {
        self.sector = Selector::parse(code);
        self
    }

    /// Only country `code` (`"*"`: every country); epsilon only.
    pub fn with_country(mut self, code: &str) -> Self {
        self.country = Selector::parse(code);
        self
    }

    /// One draw for every matched item (`true`) or one each (`false`, the default).
    pub fn with_shared(mut self, shared: bool) -> Self {
        self.shared = shared;
        self
    }

    /// Ties the other sigma to this one.
    pub fn with_link(mut self, link: Link) -> Self {
        self.link = link;
        self
    }

    /// Checks the combination of settings; the error names the field at fault.
    pub(crate) fn check(&self) -> std::result::Result<(), (&'static str, String)> {
        if self.param != Param::Epsilon && self.country != Selector::All {
            return Err((
                "country",
                format!(
                    "{} is a sector parameter: only epsilon varies by country",
                    self.param.name()
                ),
            ));
        }
        if self.link == Link::RuleOfTwo && !matches!(self.param, Param::SigmaM | Param::SigmaD) {
            return Err((
                "link",
                format!(
                    "rule-of-two links sigma_m and sigma_d; it cannot apply to {}",
                    self.param.name()
                ),
            ));
        }
        Ok(())
    }
}

/// A Monte Carlo definition: number of draws, seed, sampling method and the
/// uncertain parameters.
///
/// # Examples
/// ```
/// use customs_union::monte_carlo::{Distribution, Mode, MonteCarloSpec, Param, Sampling, VaryEntry};
///
/// let sigma = VaryEntry::new(Param::SigmaM, Mode::Scale, Distribution::uniform(0.5, 1.5)?);
/// let spec = MonteCarloSpec::new(vec![sigma])
///     .with_draws(500)?
///     .with_seed(7)
///     .with_sampling(Sampling::LatinHypercube);
/// assert_eq!((spec.draws(), spec.seed()), (500, 7));
/// assert!(MonteCarloSpec::new(vec![]).with_draws(0).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloSpec {
    draws: u64,
    seed: u64,
    sampling: Sampling,
    vary: Vec<VaryEntry>,
    source: String,
}

/// Default number of draws when `draws` is absent.
pub const DEFAULT_DRAWS: u64 = 1000;

/// Most draws a run accepts (Latin hypercube permutations are stored as `u32`).
pub const MAX_DRAWS: u64 = u32::MAX as u64;

impl MonteCarloSpec {
    /// A definition built in code: [`DEFAULT_DRAWS`] draws, seed 0, random
    /// sampling.
    pub fn new(vary: Vec<VaryEntry>) -> Self {
        MonteCarloSpec {
            draws: DEFAULT_DRAWS,
            seed: 0,
            sampling: Sampling::Random,
            vary,
            source: "<api>".to_string(),
        }
    }

    /// Sets the number of draws (ignored by quadrature, which uses `2N`).
    ///
    /// # Errors
    /// [`Error::Scenario`] keyed `montecarlo.draws` unless `1 <= draws <= MAX_DRAWS`.
    pub fn with_draws(mut self, draws: u64) -> Result<Self> {
        check_draws(draws, &self.source)?;
        self.draws = draws;
        Ok(self)
    }

    /// Sets the seed of every random number.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the sampling method.
    pub fn with_sampling(mut self, sampling: Sampling) -> Self {
        self.sampling = sampling;
        self
    }

    /// Names where the definition came from (a file name) in error messages.
    pub fn with_source(mut self, source: &str) -> Self {
        self.source = source.to_string();
        self
    }

    /// Number of draws (quadrature replaces it by `2N`).
    pub fn draws(&self) -> u64 {
        self.draws
    }

    /// Seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Sampling method.
    pub fn sampling(&self) -> Sampling {
        self.sampling
    }

    /// Uncertain parameters, in order.
    pub fn vary(&self) -> &[VaryEntry] {
        &self.vary
    }

    /// Where it came from (file name, or `<api>`).
    pub fn source(&self) -> &str {
        &self.source
    }

    pub(crate) fn from_parts(
        draws: u64,
        seed: u64,
        sampling: Sampling,
        vary: Vec<VaryEntry>,
        source: &str,
    ) -> Self {
        MonteCarloSpec {
            draws,
            seed,
            sampling,
            vary,
            source: source.to_string(),
        }
    }
}

/// `1 <= draws <= MAX_DRAWS`, keyed `montecarlo.draws` of `source`.
pub(crate) fn check_draws(draws: u64, source: &str) -> Result<()> {
    if draws == 0 || draws > MAX_DRAWS {
        return Err(Error::scenario(
            source,
            "montecarlo.draws",
            format!("must be in 1..={MAX_DRAWS}, got {draws}"),
        ));
    }
    Ok(())
}

//! The Monte Carlo definition: which elasticities, data cells and policy
//! settings are uncertain, how they are distributed, how a drawn value
//! changes the data or the policy (`[montecarlo]`), and which outputs are
//! tracked beyond the country totals.
//!
//! ```text
//! mode = set:    value = x                         x drawn from the entry's distribution
//! mode = scale:  value = base * x                  (base = inf stays inf)
//! ntb, tariff:   one item per (importer, exporter, sector) cell with a baseline flow,
//!                off the diagonal; the drawn value is the cell's baseline rate
//! flows:         scale only; off-diagonal cells, or domestic sales (domestic = true)
//! ntb_cut:       scale only; a union's ntb_cut in every stage = min(1, ntb_cut * x)
//! shock:         scale only; a component's rate = before + x * (rate it sets - before)
//! quota_volume:  scale only; one item per quota in force (sector, importer, exporter);
//!                its volume in every scenario and stage = volume * x  (x must be > 0)
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
use super::track::Tracked;
use crate::error::{Error, Result};
use crate::scenario::Selector;

/// What an entry varies: an elasticity, a cell of the baseline data, or a
/// policy setting.
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
    /// `ntb`, the baseline non-tariff wedge of a cell (importer, exporter, sector).
    Ntb,
    /// `tariff`, the baseline tariff of a cell (importer, exporter, sector).
    Tariff,
    /// `flows`, the baseline flow of a cell (scale only; `domestic = true`
    /// selects domestic sales).
    Flows,
    /// `ntb_cut` of a named union, in every stage (scale only, clamped to [0, 1]).
    NtbCut,
    /// `shock`: how much of what a decomposition component changes is
    /// implemented (scale only).
    Shock,
    /// `quota_volume`: the volume of each matched quota in force, in every
    /// scenario and stage (scale only).
    QuotaVolume,
}

impl Param {
    /// The name used in files and labels (`sigma_m`, `sigma_d`, `eta`, `epsilon`).
    pub fn name(self) -> &'static str {
        match self {
            Param::SigmaM => "sigma_m",
            Param::SigmaD => "sigma_d",
            Param::Eta => "eta",
            Param::Epsilon => "epsilon",
            Param::Ntb => "ntb",
            Param::Tariff => "tariff",
            Param::Flows => "flows",
            Param::NtbCut => "ntb_cut",
            Param::Shock => "shock",
            Param::QuotaVolume => "quota_volume",
        }
    }

    /// Every parameter kind, in the order the documentation lists them.
    pub const ALL: [Param; 10] = [
        Param::SigmaM,
        Param::SigmaD,
        Param::Eta,
        Param::Epsilon,
        Param::Ntb,
        Param::Tariff,
        Param::Flows,
        Param::NtbCut,
        Param::Shock,
        Param::QuotaVolume,
    ];

    /// Parses [`Param::name`].
    pub fn parse(s: &str) -> Option<Self> {
        Param::ALL.into_iter().find(|p| p.name() == s)
    }

    /// True for an elasticity (`sigma_m`, `sigma_d`, `eta`, `epsilon`).
    pub fn is_elasticity(self) -> bool {
        matches!(
            self,
            Param::SigmaM | Param::SigmaD | Param::Eta | Param::Epsilon
        )
    }

    /// True for a cell of the baseline data (`ntb`, `tariff`, `flows`).
    pub fn is_data(self) -> bool {
        matches!(self, Param::Ntb | Param::Tariff | Param::Flows)
    }

    /// True for a policy setting (`ntb_cut`, `shock`, `quota_volume`).
    pub fn is_policy(self) -> bool {
        matches!(self, Param::NtbCut | Param::Shock | Param::QuotaVolume)
    }

    /// True when entries select by importer and exporter (`ntb`, `tariff`,
    /// `flows`, `quota_volume`).
    pub fn selects_pairs(self) -> bool {
        self.is_data() || self == Param::QuotaVolume
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
    /// Importer code or every importer (`ntb`, `tariff`, `flows`,
    /// `quota_volume`: `"*"` also matches an export quota's `*`).
    #[serde(default = "all", skip_serializing_if = "is_all")]
    pub importer: Selector,
    /// Exporter code or every *other* country (`ntb`, `tariff`, `flows`,
    /// `quota_volume`: `"*"` also matches a global quota's `*`).
    #[serde(default = "all", skip_serializing_if = "is_all")]
    pub exporter: Selector,
    /// `flows` only: select domestic sales (the diagonal) instead of trade.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub domestic: bool,
    /// `ntb_cut` only: the union's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union: Option<String>,
    /// `shock` only: the decomposition component's label (e.g. `CU: CET`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
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
            importer: Selector::All,
            exporter: Selector::All,
            domestic: false,
            union: None,
            component: None,
            mode,
            shared: false,
            link: Link::None,
            dist,
        }
    }

    setters! {
        /// Only sector `code` (`"*"`: every sector).
        with_sector(code: &str) -> sector = Selector::parse(code);
        /// Only country `code` (`"*"`: every country); epsilon only.
        with_country(code: &str) -> country = Selector::parse(code);
        /// Only importer `code` (`"*"`: every importer); data items only.
        with_importer(code: &str) -> importer = Selector::parse(code);
        /// Only exporter `code` (`"*"`: every country other than the importer);
        /// data items only.
        with_exporter(code: &str) -> exporter = Selector::parse(code);
        /// `flows` only: domestic sales (`true`) instead of trade (`false`, the default).
        with_domestic(domestic: bool) -> domestic;
        /// `ntb_cut` only: the union whose cut is scaled.
        with_union(name: &str) -> union = Some(name.to_string());
        /// `shock` only: the decomposition component whose changes are scaled.
        with_component(label: &str) -> component = Some(label.to_string());
        /// One draw for every matched item (`true`) or one each (`false`, the default).
        with_shared(shared: bool) -> shared;
        /// Ties the other sigma to this one.
        with_link(link: Link) -> link;
    }

    /// Checks the combination of settings; the error names the field at fault.
    pub(crate) fn check(&self) -> std::result::Result<(), (&'static str, String)> {
        let p = self.param;
        let name = p.name();
        let refuse = |field: &'static str, why: &str| Err((field, format!("{name}: {why}")));
        if p != Param::Epsilon && self.country != Selector::All {
            return refuse(
                "country",
                "only epsilon varies by country (data cells take importer and exporter)",
            );
        }
        if !p.selects_pairs() && (self.importer != Selector::All || self.exporter != Selector::All)
        {
            let field = if self.importer != Selector::All {
                "importer"
            } else {
                "exporter"
            };
            return refuse(
                field,
                "only ntb, tariff, flows and quota_volume select by importer and exporter",
            );
        }
        if self.domestic && p != Param::Flows {
            return refuse("domestic", "only flows select domestic sales");
        }
        if self.domestic && self.exporter != Selector::All {
            return refuse(
                "exporter",
                "domestic sales are a country's sales to itself: give the importer only",
            );
        }
        if self.link == Link::RuleOfTwo && !matches!(p, Param::SigmaM | Param::SigmaD) {
            return refuse(
                "link",
                "rule-of-two links sigma_m and sigma_d; it cannot apply here",
            );
        }
        if (p == Param::Flows || p.is_policy()) && self.mode != Mode::Scale {
            return refuse("mode", "only mode = \"scale\" is available");
        }
        if p.is_policy() && p != Param::QuotaVolume && self.sector != Selector::All {
            return refuse(
                "sector",
                "a union's cut or a component is not selected by sector",
            );
        }
        match (p, &self.union) {
            (Param::NtbCut, None) => return refuse("union", "name the union (union = \"NAME\")"),
            (Param::NtbCut, Some(_)) | (_, None) => {}
            (_, Some(_)) => return refuse("union", "only ntb_cut names a union"),
        }
        match (p, &self.component) {
            (Param::Shock, None) => {
                return refuse(
                    "component",
                    "name the decomposition component (component = \"LABEL\", e.g. \"CU: CET\")",
                );
            }
            (Param::Shock, Some(_)) | (_, None) => {}
            (_, Some(_)) => return refuse("component", "only shock names a component"),
        }
        Ok(())
    }
}

fn all() -> Selector {
    Selector::All
}

fn is_all(s: &Selector) -> bool {
    *s == Selector::All
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    track: Vec<Tracked>,
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
            track: Vec::new(),
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

    setters! {
        /// Sets the seed of every random number.
        with_seed(seed: u64) -> seed;
        /// Sets the sampling method.
        with_sampling(sampling: Sampling) -> sampling;
        /// Sets the outputs tracked draw by draw beyond the country totals.
        with_track(track: Vec<Tracked>) -> track;
        /// Names where the definition came from (a file name) in error messages.
        with_source(source: &str) -> source = source.to_string();
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

    /// Outputs tracked draw by draw beyond the country totals, in order.
    pub fn track(&self) -> &[Tracked] {
        &self.track
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
        track: Vec<Tracked>,
        source: &str,
    ) -> Self {
        MonteCarloSpec {
            draws,
            seed,
            sampling,
            vary,
            track,
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

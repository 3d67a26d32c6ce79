//! What a run reports: per scenario, per sector and per country, labelled by
//! code so that serialised results read on their own, with lookups by code.
//!
//! Units: values in the data's units (US$ million per year at baseline prices
//! for the embedded data), flows and imports as volumes (quantities at
//! baseline prices) unless a field ends in `_value`, rates as fractions,
//! prices as levels with baseline 1.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::accounts::{CountryOutcome, QuotaFigures, QuotaOutcome};
use crate::model::DomesticTreatment;
use crate::solver::ModelVariant;

/// One country's outcome, labelled by its code. Derefs to the outcome, so
/// `row.welfare` reads the field directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryResult {
    /// Country code.
    pub country: String,
    /// Its outcome.
    #[serde(flatten)]
    pub outcome: CountryOutcome,
    /// `100 × welfare / gdp`, in percent (totals of countries with a GDP only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welfare_pct_gdp: Option<f64>,
}

impl Deref for CountryResult {
    type Target = CountryOutcome;
    fn deref(&self) -> &CountryOutcome {
        &self.outcome
    }
}

/// A country code as a flow row carries it: held in place when it is short
/// (up to 14 bytes, as every ISO code is), so that the millions of rows of a
/// tariff-line run need no allocation each for their labels, and 16 bytes
/// wide, so that a flow row takes 56 bytes rather than 72. Reads as a
/// `str` (it derefs to one and compares equal to `str` and `String`), and
/// serialises as a string.
///
/// # Examples
/// ```
/// use customs_union::Code;
/// let kaz = Code::from("KAZ");
/// assert_eq!(kaz, "KAZ");
/// assert_eq!(kaz.len(), 3);
/// assert_eq!(serde_json::to_string(&kaz).unwrap(), "\"KAZ\"");
/// ```
#[derive(Clone)]
pub struct Code(CodeRepr);

/// Longest code held in place: with the length and the variant's tag, the
/// inline form fills 16 bytes.
const INLINE: usize = 14;

#[derive(Clone)]
enum CodeRepr {
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    /// A longer code, behind a thin pointer so that this variant is no wider
    /// than the inline one.
    #[allow(clippy::box_collection)]
    Heap(Box<String>),
}

impl Code {
    /// The code as a `str`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            CodeRepr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).expect("copied from a str")
            }
            CodeRepr::Heap(s) => s.as_str(),
        }
    }

    /// The code's UTF-8 bytes, without the check `as_str` makes (for
    /// writers that copy bytes).
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            CodeRepr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            CodeRepr::Heap(s) => s.as_bytes(),
        }
    }
}

impl From<&str> for Code {
    fn from(s: &str) -> Self {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            // fits: s.len() <= INLINE < 256
            let len = s.len() as u8;
            Code(CodeRepr::Inline { len, bytes })
        } else {
            Code(CodeRepr::Heap(Box::new(s.to_string())))
        }
    }
}

impl From<String> for Code {
    fn from(s: String) -> Self {
        Code::from(s.as_str())
    }
}

impl Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Code {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Code {}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Code) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Code {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

/// `Code == str`, `Code == &str`, `Code == String` and the same the other way round.
macro_rules! code_eq {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Code {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<Code> for $t {
            fn eq(&self, other: &Code) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

code_eq!(str, &str, String);

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        std::borrow::Cow::<'de, str>::deserialize(d).map(|s| Code::from(s.as_ref()))
    }
}

/// One bilateral flow of one sector, in the data's value units (US$ million
/// per year for the embedded data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowResult {
    /// Exporter code.
    pub exporter: Code,
    /// Importer code.
    pub importer: Code,
    /// Baseline volume (= value at baseline prices).
    pub baseline: f64,
    /// Counterfactual volume (quantity at baseline prices).
    pub counterfactual: f64,
    /// Counterfactual value at the new producer price.
    pub counterfactual_value: f64,
}

/// Results of one sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SectorResult {
    /// Sector code.
    pub sector: String,
    /// One per country, dataset order.
    pub countries: Vec<CountryResult>,
    /// Flows with a positive baseline.
    pub flows: Vec<FlowResult>,
    /// Solver iterations (0 for the linear variants and skipped sectors).
    pub iterations: usize,
    /// The residual that decided convergence (0 for the linear variants).
    pub residual: f64,
    /// True when the sector was skipped (no flows).
    pub skipped: bool,
}

impl SectorResult {
    /// The row of country `code`.
    pub fn country(&self, code: &str) -> Option<&CountryResult> {
        self.countries.iter().find(|c| c.country == code)
    }

    /// The flow from `exporter` to `importer` (present when its baseline is positive).
    pub fn flow(&self, exporter: &str, importer: &str) -> Option<&FlowResult> {
        self.flows
            .iter()
            .find(|f| f.exporter == *exporter && f.importer == *importer)
    }
}

/// Average external tariffs before and after (Article XXIV:5 check), as fractions.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TariffAverages {
    /// Simple mean over sectors, baseline (fraction).
    pub simple_before: f64,
    /// Simple mean over sectors, counterfactual (fraction).
    pub simple_after: f64,
    /// Weighted by baseline imports from outsiders, baseline (fraction).
    pub weighted_before: f64,
    /// Weighted by baseline imports from outsiders, counterfactual (fraction).
    pub weighted_after: f64,
}

/// One member's averages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberAverages {
    /// Member code.
    pub country: String,
    /// Its averages.
    #[serde(flatten)]
    pub averages: TariffAverages,
}

/// A member's share of the members' collected duties, before pooling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberDutyShare {
    /// Member code.
    pub country: String,
    /// At baseline (a fraction).
    pub baseline: f64,
    /// In the counterfactual, before pooling (a fraction).
    pub counterfactual: f64,
}

/// A member's preferential rate on an outsider (below the member's MFN rate
/// at baseline) and what the scenario made of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreferenceResult {
    /// Member (importer) code.
    pub member: String,
    /// Outsider (exporter) code.
    pub outsider: String,
    /// Sector code.
    pub sector: String,
    /// Baseline rate (a fraction).
    pub baseline: f64,
    /// Counterfactual rate (a fraction).
    pub counterfactual: f64,
}

/// A union's aggregates and its Article XXIV report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnionResult {
    /// Union name.
    pub name: String,
    /// Member codes.
    pub members: Vec<String>,
    /// Sum over members of their totals.
    pub aggregate: CountryOutcome,
    /// `100 × welfare / gdp` over the members, in percent (when every member has a GDP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welfare_pct_gdp: Option<f64>,
    /// Each member's average external tariff.
    pub article_xxiv_members: Vec<MemberAverages>,
    /// The union's (mean of members' simple averages; weighted over all
    /// members' outside imports).
    pub article_xxiv: TariffAverages,
    /// Each member's share of the members' collected duties, before pooling:
    /// why a pool moves money the way it does.
    pub duty_collected_share: Vec<MemberDutyShare>,
    /// Every preferential pair (member, outsider, sector) and its rate.
    pub preferences: Vec<PreferenceResult>,
}

/// One component's share of the total (its Shapley value), per country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentContribution {
    /// Component label.
    pub component: String,
    /// One per country (only change fields are meaningful).
    pub countries: Vec<CountryResult>,
}

/// One stage's change over its parent along the `extends` chain, per country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageContribution {
    /// The scenario name at that link of the chain (oldest first).
    pub stage: String,
    /// One per country (only change fields are meaningful).
    pub countries: Vec<CountryResult>,
}

/// Everything computed for one scenario.
///
/// # Examples
/// ```
/// use customs_union::prelude::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let data = Dataset::embedded("toy")?;
/// let set = ScenarioSet::new(vec![Scenario::new("fta").with_union(
///     CustomsUnion::new("FTA", &["HOM", "PAR"], CetRule::None),
/// )]);
/// let results = Simulation::new(&data).run(&set)?;
/// let r = &results[0];
/// assert_eq!(r.name(), "fta");
/// let a = r.country("HOM").expect("country HOM");
/// assert!((a.welfare - (a.consumer_surplus + a.producer_surplus + a.tariff_revenue)).abs() < 1e-9);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScenarioResult {
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Per sector.
    pub sectors: Vec<SectorResult>,
    /// Per country, summed over sectors.
    pub totals: Vec<CountryResult>,
    /// Per union.
    pub unions: Vec<UnionResult>,
    /// Shapley decomposition (when asked for).
    pub decomposition: Option<Vec<ComponentContribution>>,
    /// Stage-by-stage attribution along the `extends` chain (with the decomposition).
    pub stages: Option<Vec<StageContribution>>,
    /// What was skipped and why.
    pub warnings: Vec<String>,
    /// Every quota in force, sector by sector.
    #[serde(default)]
    pub quotas: Vec<QuotaResult>,
}

/// One quota in force and how it ended: its regime, filled volume, rent
/// wedge and rent. Derefs to its [`QuotaFigures`], so `q.regime` reads directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaResult {
    /// Sector code.
    pub sector: String,
    /// Importer code (`*`: an export quota, every destination).
    pub importer: String,
    /// Exporter code (`*`: a global import quota).
    pub exporter: String,
    /// Volumes, regime, rent wedge, rent and holder.
    #[serde(flatten)]
    pub figures: QuotaFigures,
}

impl Deref for QuotaResult {
    type Target = QuotaFigures;
    fn deref(&self) -> &QuotaFigures {
        &self.figures
    }
}

impl QuotaResult {
    /// Labels a quota outcome of sector `sector` with country codes.
    pub(crate) fn new(sector: &str, q: &QuotaOutcome, codes: &[&str]) -> Self {
        let code = |c: Option<usize>| c.map_or("*".to_string(), |c| codes[c].to_string());
        QuotaResult {
            sector: sector.to_string(),
            importer: code(q.importer),
            exporter: code(q.exporter),
            figures: q.figures,
        }
    }
}

impl ScenarioResult {
    /// The quotas in force, sector by sector.
    pub fn quotas(&self) -> &[QuotaResult] {
        &self.quotas
    }

    /// The quota of `sector` with this importer and exporter (codes or `*`).
    pub fn quota(&self, sector: &str, importer: &str, exporter: &str) -> Option<&QuotaResult> {
        self.quotas
            .iter()
            .find(|q| q.sector == sector && q.importer == importer && q.exporter == exporter)
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Country `code`'s totals over sectors.
    pub fn country(&self, code: &str) -> Option<&CountryResult> {
        self.totals.iter().find(|c| c.country == code)
    }

    /// The results of sector `code`.
    pub fn sector(&self, code: &str) -> Option<&SectorResult> {
        self.sectors.iter().find(|s| s.sector == code)
    }

    /// The flow of `sector` from `exporter` to `importer`.
    pub fn flow(&self, sector: &str, exporter: &str, importer: &str) -> Option<&FlowResult> {
        self.sector(sector)?.flow(exporter, importer)
    }

    /// The union named `name`.
    pub fn union(&self, name: &str) -> Option<&UnionResult> {
        self.unions.iter().find(|u| u.name == name)
    }

    /// The Shapley decomposition, when it was asked for.
    pub fn decomposition(&self) -> Option<&[ComponentContribution]> {
        self.decomposition.as_deref()
    }

    /// The stage-by-stage attribution, when the decomposition was asked for.
    pub fn stages(&self) -> Option<&[StageContribution]> {
        self.stages.as_deref()
    }

    /// What was skipped and why.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// What every result says about itself: what was run, on what, in which units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Meta {
    /// The library's version.
    pub tool_version: String,
    /// The dataset: an embedded name, or the data folder as given.
    pub dataset: String,
    /// SHA-256 of the dataset's economic content.
    pub dataset_fingerprint: String,
    /// The scenario file as given (or `<api>`).
    pub scenario_file: String,
    /// Model variant.
    pub model: ModelVariant,
    /// Treatment of domestic sales.
    pub treatment: DomesticTreatment,
    /// Units of values: the data's units, and rates as fractions.
    pub units: Units,
}

/// Units of the numbers in a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units {
    /// Flows, revenue, surplus and welfare (e.g. "US$ million per year at baseline prices").
    pub values: String,
    /// Tariffs, wedges, shares: "fractions (0.05 = 5%)".
    pub rates: String,
    /// Prices: levels with baseline 1.
    pub prices: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_compares_and_serialises_as_its_string() {
        let long = "A-COUNTRY-CODE-LONGER-THAN-ANY-ISO-CODE";
        for s in [
            "",
            "KAZ",
            "exactly-14-byt",
            "fifteen-bytes!!",
            "exactly-22-bytes-long!",
            long,
        ] {
            let c = Code::from(s);
            assert_eq!(c.as_str(), s);
            assert_eq!(c, s);
            assert_eq!(s, c);
            assert_eq!(c, s.to_string());
            assert_eq!(c, Code::from(s.to_string()));
            assert_eq!(format!("{c}"), s);
            assert_eq!(format!("{c:?}"), format!("{s:?}"));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, serde_json::to_string(s).unwrap());
            assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), c);
        }
        assert_ne!(Code::from("KAZ"), Code::from("KAZA"));
        // ordered as the strings are, however each is held
        for (a, b) in [(long, "BLR"), ("BLR", "KAZ"), ("KAZ", long)] {
            assert_eq!(Code::from(a).cmp(&Code::from(b)), a.cmp(b));
        }
    }

    #[test]
    fn a_flow_row_is_56_bytes() {
        // the flow rows of a tariff-line run are most of its result memory
        assert_eq!(std::mem::size_of::<Code>(), 16);
        assert_eq!(std::mem::size_of::<FlowResult>(), 56);
    }
}

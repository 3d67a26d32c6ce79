//! Where each number of a draw sits: the one place that knows the offsets.
//!
//! ```text
//! a draw = stride numbers, scenario after scenario (file order)
//! scenario s = entities 0..countries (each country's totals over sectors),
//!              then countries..countries+unions (each union's sum over its members),
//!              then the tracked outputs (each with its own fields)
//! entity e   = the fields, in [`Layout::fields`] order
//! index(s, e, f) = offset[s] + e * fields + f
//! tracked(s, t, f) = offset[s] + entities(s) * fields + tracked_at[t] + f
//! offset[s+1] = offset[s] + entities(s) * fields + sum_t fields(t)
//! ```

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::run::Meta;

use super::sampling::Sampling;
use super::track::{Subject, Tracked};

/// Outcome fields written per country and union in the per-draw CSV.
pub const CSV_FIELDS: [&str; 9] = [
    "welfare",
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
];

/// A union as laid out in the per-draw values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnionLayout {
    /// Union name.
    pub name: String,
    /// Member codes.
    pub members: Vec<String>,
    /// Member indices into [`Layout::countries`].
    pub member_index: Vec<usize>,
}

/// A scenario as laid out in the per-draw values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioLayout {
    /// Scenario name.
    pub name: String,
    /// Unions in force at the end of its `extends` chain.
    pub unions: Vec<UnionLayout>,
}

#[derive(Serialize, Deserialize)]
struct LayoutParts {
    fields: Vec<String>,
    countries: Vec<String>,
    scenarios: Vec<ScenarioLayout>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tracked: Vec<Tracked>,
}

/// What the per-draw values hold (fields, countries, scenarios and unions)
/// and where each value sits.
///
/// # Examples
/// ```
/// use customs_union::monte_carlo::{Layout, ScenarioLayout};
///
/// let fields = vec!["welfare".to_string(), "tariff_revenue".to_string()];
/// let countries = vec!["KAZ".to_string(), "RUS".to_string()];
/// let scenarios = vec![
///     ScenarioLayout { name: "a".into(), unions: vec![] },
///     ScenarioLayout { name: "b".into(), unions: vec![] },
/// ];
/// let l = Layout::new(fields, countries, scenarios);
/// assert_eq!(l.stride(), 8);
/// // scenario b, country RUS, tariff_revenue
/// assert_eq!(l.index(1, 1, 1), 7);
/// assert_eq!(l.locate("b", "RUS", "tariff_revenue"), Some(7));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "LayoutParts", into = "LayoutParts")]
pub struct Layout {
    fields: Vec<String>,
    countries: Vec<String>,
    scenarios: Vec<ScenarioLayout>,
    tracked: Vec<Tracked>,
    /// Offset of each scenario's block, then the stride.
    offsets: Vec<usize>,
    /// Offset of each tracked output within the tracked part of a scenario's
    /// block, then the part's length.
    tracked_at: Vec<usize>,
}

impl From<LayoutParts> for Layout {
    fn from(p: LayoutParts) -> Self {
        Layout::new(p.fields, p.countries, p.scenarios).with_tracked(p.tracked)
    }
}

impl From<Layout> for LayoutParts {
    fn from(l: Layout) -> Self {
        LayoutParts {
            fields: l.fields,
            countries: l.countries,
            scenarios: l.scenarios,
            tracked: l.tracked,
        }
    }
}

impl Layout {
    /// The layout of `fields` per entity, `countries` in every scenario and
    /// each scenario's unions.
    pub fn new(
        fields: Vec<String>,
        countries: Vec<String>,
        scenarios: Vec<ScenarioLayout>,
    ) -> Self {
        let mut l = Layout {
            fields,
            countries,
            scenarios,
            tracked: Vec::new(),
            offsets: Vec::new(),
            tracked_at: vec![0],
        };
        l.place();
        l
    }

    /// The layout with `tracked` outputs after every scenario's countries
    /// and unions.
    pub fn with_tracked(mut self, tracked: Vec<Tracked>) -> Self {
        let mut at = 0;
        self.tracked_at = Vec::with_capacity(tracked.len() + 1);
        for t in &tracked {
            self.tracked_at.push(at);
            at += t.fields().len();
        }
        self.tracked_at.push(at);
        self.tracked = tracked;
        self.place();
        self
    }

    fn place(&mut self) {
        let f = self.fields.len();
        let tracked = self.tracked_at[self.tracked.len()];
        self.offsets = Vec::with_capacity(self.scenarios.len() + 1);
        let mut at = 0;
        for s in &self.scenarios {
            self.offsets.push(at);
            at += (self.countries.len() + s.unions.len()) * f + tracked;
        }
        self.offsets.push(at);
    }

    /// Outputs tracked beyond the countries and unions, in order.
    pub fn tracked(&self) -> &[Tracked] {
        &self.tracked
    }

    /// Tracked output `t`'s fields within a draw of scenario `s`, in
    /// [`Tracked::fields`] order.
    pub fn tracked_range(&self, s: usize, t: usize) -> Range<usize> {
        let at = self.offsets[s] + self.entities(s) * self.fields.len() + self.tracked_at[t];
        at..at + (self.tracked_at[t + 1] - self.tracked_at[t])
    }

    /// The tracked output equal to `t`.
    pub fn tracked_index(&self, t: &Tracked) -> Option<usize> {
        self.tracked.iter().position(|x| x == t)
    }

    /// Position of `field` of tracked output `t` in scenario `scenario`, by name.
    pub fn locate_tracked(&self, scenario: &str, t: &Tracked, field: &str) -> Option<usize> {
        let s = self.scenario(scenario)?;
        let ti = self.tracked_index(t)?;
        let f = t.fields().iter().position(|x| *x == field)?;
        Some(self.tracked_range(s, ti).start + f)
    }

    /// Every value of scenario `s` as (label, field, position): each
    /// country's and union's fields, then each tracked output's (labelled
    /// by [`Tracked::label`]). Any column scheme of the draws can follow it.
    pub fn columns(&self, s: usize) -> Vec<(String, &str, usize)> {
        let mut out = Vec::with_capacity(self.scenario_range(s).len());
        for e in 0..self.entities(s) {
            let name = self.entity_name(s, e);
            for (f, field) in self.fields.iter().enumerate() {
                out.push((name.to_string(), field.as_str(), self.index(s, e, f)));
            }
        }
        for (t, tr) in self.tracked.iter().enumerate() {
            let label = tr.label();
            for (field, i) in tr.fields().into_iter().zip(self.tracked_range(s, t)) {
                out.push((label.clone(), field, i));
            }
        }
        out
    }

    /// `label/field` of position `i` within a draw (e.g. `KAZ/welfare`,
    /// `MACH/CHN->KAZ/counterfactual`), for messages.
    pub fn describe(&self, i: usize) -> String {
        let s = (0..self.scenarios.len())
            .find(|&s| self.scenario_range(s).contains(&i))
            .unwrap_or(0);
        self.columns(s)
            .into_iter()
            .find(|c| c.2 == i)
            .map_or_else(|| format!("value {i}"), |(l, f, _)| format!("{l}/{f}"))
    }

    /// Field names of each entity's block.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// Country codes (the first entities of every scenario).
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// Scenarios, in file order.
    pub fn scenarios(&self) -> &[ScenarioLayout] {
        &self.scenarios
    }

    /// The most values one country, union or tracked output has in a draw
    /// (the fields, or a tracked output's fields when it has more).
    pub(crate) fn widest(&self) -> usize {
        self.tracked_at
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(self.fields.len(), usize::max)
    }

    /// Numbers per draw.
    pub fn stride(&self) -> usize {
        self.offsets[self.scenarios.len()]
    }

    /// Countries and unions of scenario `s`.
    pub fn entities(&self, s: usize) -> usize {
        self.countries.len() + self.scenarios[s].unions.len()
    }

    /// Name of entity `e` of scenario `s`: a country code, or a union's name.
    pub fn entity_name(&self, s: usize, e: usize) -> &str {
        let nc = self.countries.len();
        if e < nc {
            &self.countries[e]
        } else {
            &self.scenarios[s].unions[e - nc].name
        }
    }

    /// Scenario `s`'s numbers within a draw.
    pub fn scenario_range(&self, s: usize) -> Range<usize> {
        self.offsets[s]..self.offsets[s + 1]
    }

    /// The fields of scenario `s`'s countries within a draw (country after
    /// country, each as [`Layout::entity_range`] places it).
    pub fn countries_range(&self, s: usize) -> Range<usize> {
        let at = self.offsets[s];
        at..at + self.countries.len() * self.fields.len()
    }

    /// Entity `e`'s fields within a draw.
    pub fn entity_range(&self, s: usize, e: usize) -> Range<usize> {
        let at = self.offsets[s] + e * self.fields.len();
        at..at + self.fields.len()
    }

    /// Position of field `f` of entity `e` in scenario `s` within a draw.
    pub fn index(&self, s: usize, e: usize, f: usize) -> usize {
        self.offsets[s] + e * self.fields.len() + f
    }

    /// The scenario called `name`.
    pub fn scenario(&self, name: &str) -> Option<usize> {
        self.scenarios.iter().position(|s| s.name == name)
    }

    /// The entity of scenario `s` called `name` (a country code first, then
    /// a union name).
    pub fn entity(&self, s: usize, name: &str) -> Option<usize> {
        let nc = self.countries.len();
        self.countries.iter().position(|c| c == name).or_else(|| {
            self.scenarios[s]
                .unions
                .iter()
                .position(|u| u.name == name)
                .map(|u| nc + u)
        })
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    /// Position of (scenario, entity, field) by name.
    pub fn locate(&self, scenario: &str, entity: &str, field: &str) -> Option<usize> {
        let s = self.scenario(scenario)?;
        Some(self.index(s, self.entity(s, entity)?, self.field(field)?))
    }

    /// Position of `field` of a country, union or tracked output in
    /// `scenario`, by name.
    pub fn locate_subject(&self, scenario: &str, of: Subject, field: &str) -> Option<usize> {
        match of {
            Subject::Entity(name) => self.locate(scenario, name, field),
            Subject::Tracked(t) => self.locate_tracked(scenario, t, field),
        }
    }
}

/// Everything that identifies a run and lays out its values: written in
/// every shard, so that `merge` needs nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// Number of draws of the whole run.
    pub draws: u64,
    /// Seed.
    pub seed: u64,
    /// Sampling method.
    pub sampling: Sampling,
    /// SHA-256 (hex) of the run's inputs (see [`fingerprint`](super::fingerprint)).
    pub fingerprint: String,
    /// Labels of the varied items (`sigma_m.AGR`, `epsilon.AGR.HOM`, ...).
    pub parameters: Vec<String>,
    /// Layout of the per-draw values.
    pub layout: Layout,
    /// What was run, on what, in which units (absent in runs prepared
    /// without the entry point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Meta>,
    /// GDP of each country of the layout (in the data's value units), for
    /// welfare as a percentage of GDP.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gdp: Vec<Option<f64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        let u = UnionLayout {
            name: "HP".into(),
            members: vec!["HOM".into(), "PAR".into()],
            member_index: vec![0, 1],
        };
        Layout::new(
            vec!["a".into(), "b".into(), "c".into()],
            vec!["HOM".into(), "PAR".into(), "OUT".into()],
            vec![
                ScenarioLayout {
                    name: "fta".into(),
                    unions: vec![],
                },
                ScenarioLayout {
                    name: "cu".into(),
                    unions: vec![u],
                },
            ],
        )
    }

    #[test]
    fn offsets_follow_the_entities() {
        let l = layout();
        assert_eq!(l.stride(), 3 * 3 + 4 * 3);
        assert_eq!(l.scenario_range(1), 9..21);
        assert_eq!(l.entity_range(1, 3), 18..21);
        assert_eq!(l.entity_name(1, 3), "HP");
        assert_eq!(l.countries_range(1), 9..18);
        assert_eq!(l.countries_range(1).end, l.entity_range(1, 2).end);
        assert_eq!(l.locate("cu", "HP", "c"), Some(20));
        assert_eq!(l.locate("fta", "HP", "c"), None);
        assert_eq!(l.locate("cu", "PAR", "a"), Some(12));
        // every position is used exactly once
        let mut seen = vec![0; l.stride()];
        for s in 0..2 {
            for e in 0..l.entities(s) {
                for f in 0..3 {
                    seen[l.index(s, e, f)] += 1;
                }
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }

    #[test]
    fn serialises_without_the_offsets_and_rebuilds_them() {
        let l = layout();
        let text = serde_json::to_string(&l).unwrap();
        assert!(!text.contains("offsets"));
        let back: Layout = serde_json::from_str(&text).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.stride(), l.stride());
    }
}

//! The HTML report of a result: one self-contained file (inline CSS and
//! SVG, no script, nothing fetched) that explains a `run` or `mc` result to
//! a reader who has not seen the model.
//!
//! ```text
//! run:  what was run · welfare by country and its parts · trade creation,
//!       diversion and suppression · decomposition (Shapley and stages) ·
//!       Article XXIV averages · quotas (when present) · imports of one
//!       country by origin · solver diagnostics
//! mc:   what was run · welfare with 90% bands and P(gain) · paired
//!       differences · unions · members' trade effects · one country's fields · failed draws
//! ```
//!
//! The report reads the JSON document (not the library's types), so it
//! renders results saved by the command line or by other versions: fields
//! it does not know are ignored and fields it does not find are left out.
//!
//! # Examples
//! ```
//! use customs_union::prelude::*;
//! use customs_union::report::html::{ReportOptions, render};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let data = Dataset::embedded("toy")?;
//! let set = ScenarioSet::new(vec![Scenario::new("fta").with_union(
//!     CustomsUnion::new("FTA", &["HOM", "PAR"], CetRule::None),
//! )]);
//! let results = Simulation::new(&data).run(&set)?;
//! let html = render(&results.to_json()?, &ReportOptions::new().country("HOM"))?;
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(!html.contains("<script"));
//! # Ok(())
//! # }
//! ```

mod doc;
mod mc;
mod page;
mod run;

use crate::error::{Error, Result};
use doc::{Document, Fields};
use page::{Cell, Page, Table};

/// What to put in a report beyond the result itself.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ReportOptions {
    /// The country whose imports by origin are shown (default: the first
    /// member of the first union, else the first country).
    pub country: Option<String>,
    /// Where the result was read from, named in the report.
    pub source: Option<String>,
}

impl ReportOptions {
    /// The defaults.
    pub fn new() -> Self {
        ReportOptions::default()
    }

    setters! {
        /// Shows this country's imports by origin (and, for Monte Carlo, its fields).
        country(code: impl Into<String>) -> country = Some(code.into());
        /// Names the file the result was read from.
        source(source: impl Into<String>) -> source = Some(source.into());
    }
}

/// The report of a `run` or `mc` result given as JSON text.
///
/// # Errors
/// [`Error::Invalid`] when the text is not JSON, is not a result of `run`
/// or `mc` (a Monte Carlo shard is refused: merge the shards first), or the
/// chosen country is not in the result.
pub fn render(json: &str, options: &ReportOptions) -> Result<String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        Error::invalid(
            "report input",
            format!("not a JSON document (line {}: {e})", e.line()),
        )
    })?;
    render_value(value, options)
}

/// The report of a result document already parsed.
///
/// # Errors
/// As [`render`].
pub fn render_value(value: serde_json::Value, options: &ReportOptions) -> Result<String> {
    match Document::from_value(value)? {
        Document::Run(d) => run::render(&d, options),
        Document::Mc(d) => mc::render(&d, options),
    }
}

/// The country a report dwells on: the one asked for (which the result
/// must hold), else the first member of the first union, else the first
/// country ("" for a result without countries).
fn chosen_country(
    asked: Option<&str>,
    countries: &[String],
    first_member: Option<&String>,
) -> Result<String> {
    match asked {
        Some(c) if countries.iter().any(|x| x == c) => Ok(c.to_string()),
        Some(c) => Err(Error::invalid(
            "report country",
            format!(
                "`{c}` is not a country of this result (it has: {})",
                countries.join(", ")
            ),
        )),
        None => Ok(first_member
            .or(countries.first())
            .cloned()
            .unwrap_or_default()),
    }
}

/// A scenario as a report introduces it.
struct Intro<'a> {
    name: &'a str,
    description: &'a str,
    /// Its unions: (name, members).
    unions: Vec<(&'a str, &'a [String])>,
}

/// What a report's sections read: the document `D` (a `run` or an `mc`
/// result), its scenarios as introduced, the wording, the countries shown
/// and the one the report dwells on.
struct Ctx<'a, D> {
    doc: &'a D,
    meta: &'a Fields,
    intros: Vec<Intro<'a>>,
    words: Wording,
    countries: Vec<String>,
    /// The country of the report's last sections ("" for none).
    chosen: String,
    options: &'a ReportOptions,
}

impl<'a> Intro<'a> {
    /// A scenario `name` with its `description` and `unions`.
    fn new<U: doc::UnionParts>(name: &'a str, description: &'a str, unions: &'a [U]) -> Self {
        Intro {
            name,
            description,
            unions: unions.iter().map(U::parts).collect(),
        }
    }
}

impl<'a, D> Ctx<'a, D> {
    /// The context of a report of `doc`.
    ///
    /// # Errors
    /// As [`chosen_country`].
    fn new(
        doc: &'a D,
        meta: &'a Fields,
        intros: Vec<Intro<'a>>,
        countries: Vec<String>,
        options: &'a ReportOptions,
    ) -> Result<Self> {
        let first_member = intros
            .iter()
            .flat_map(|s| &s.unions)
            .find_map(|(_, members)| members.first());
        let chosen = chosen_country(options.country.as_deref(), &countries, first_member)?;
        let items: Vec<(&str, &str)> = intros.iter().map(|s| (s.name, s.description)).collect();
        let words = Wording::new(meta, &items);
        Ok(Ctx {
            doc,
            meta,
            intros,
            words,
            countries,
            chosen,
            options,
        })
    }

    /// The page of these `sections`, in order, titled and introduced as
    /// [`Ctx::finish`] does.
    fn render(&self, sections: &[fn(&mut Page, &Self)], kind: &str, how: &str) -> String {
        let mut page = Page::default();
        for section in sections {
            section(&mut page, self);
        }
        self.finish(page, kind, how)
    }

    /// The opening section: the facts of the run (the report's own
    /// `specific` ones between the common ones), the scenarios, and how to
    /// read the figures.
    fn what_was_run(
        &self,
        page: &mut Page,
        specific: Vec<(&str, Option<String>)>,
        howto: &[String],
    ) {
        let m = self.meta;
        page.h2("what-was-run", "What was run");
        let dataset = m
            .text("dataset")
            .map(|d| match m.text("dataset_fingerprint") {
                Some(f) => format!(
                    "{d} (fingerprint {}…)",
                    f.chars().take(12).collect::<String>()
                ),
                None => d.to_string(),
            });
        let mut facts = vec![
            ("Scenario file", m.text("scenario_file").map(str::to_string)),
            ("Dataset", dataset),
            ("Model", m.text("model").is_some().then(|| model_phrase(m))),
        ];
        facts.extend(specific);
        facts.extend([
            ("Values", Some(self.words.units.clone())),
            ("Rates", m.object("units").text("rates").map(str::to_string)),
            (
                "Prices",
                m.object("units").text("prices").map(str::to_string),
            ),
            ("Tool version", m.text("tool_version").map(str::to_string)),
            ("Result file", self.options.source.clone()),
        ]);
        let items: Vec<(String, String)> = facts
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_string(), v.filter(|v| !v.is_empty())?)))
            .collect();
        page.definitions(&items);
        let mut t = Table::new(&[
            ("scenario", false),
            ("what it does", false),
            ("unions (members)", false),
            ("label in charts", false),
        ]);
        for (s, label) in self.intros.iter().zip(&self.words.labels) {
            let unions: Vec<String> = s
                .unions
                .iter()
                .map(|(name, members)| format!("{name} ({})", members.join(", ")))
                .collect();
            let description = if s.description.is_empty() {
                "(the result does not describe it)"
            } else {
                s.description
            };
            t.plain(vec![
                Cell::text(s.name),
                Cell::text(description),
                Cell::text(unions.join("; ")),
                Cell::text(label),
            ]);
        }
        page.table(&t.caption("Scenarios, in file order"));
        page.howto(howto);
    }

    /// Whether any scenario forms a union.
    fn any_union(&self) -> bool {
        self.intros.iter().any(|s| !s.unions.is_empty())
    }

    /// Opens the section on trade creation, diversion and suppression with
    /// its explanation, unless no scenario forms a union; returns whether it
    /// did.
    fn trade_section(&self, page: &mut Page, howto: &[String]) -> bool {
        if !self.any_union() {
            return false;
        }
        page.h2("trade", "Trade creation, diversion and suppression");
        page.howto(howto);
        true
    }

    /// Each scenario that forms a union: its index, its label, and its
    /// unions' members.
    fn members_by_scenario(&self) -> Vec<(usize, &str, Vec<&'a String>)> {
        self.intros
            .iter()
            .zip(&self.words.labels)
            .enumerate()
            .map(|(k, (s, label))| {
                let members = s.unions.iter().flat_map(|(_, m)| m.iter()).collect();
                (k, label.as_str(), members)
            })
            .filter(|(_, _, members): &(usize, &str, Vec<&String>)| !members.is_empty())
            .collect()
    }

    /// The finished page: titled "Customs-union `kind`: the scenario file",
    /// its lede saying how the scenarios were run (`how`).
    fn finish(&self, page: Page, kind: &str, how: &str) -> String {
        let title = format!(
            "Customs-union {kind}: {}",
            self.meta.text("scenario_file").unwrap_or("results")
        );
        let lede = format!(
            "{} {how}. Every figure is a change from {} unless it says otherwise.",
            scenarios_phrase(self.intros.len()),
            self.words.baseline
        );
        page.finish(&title, &lede, &footer(self.meta, self.options))
    }
}

/// The wording a report shares across its sections.
struct Wording {
    /// Units of values, as the result states them.
    units: String,
    /// The same, short enough for an axis.
    short: String,
    /// "the eaeu2009 baseline".
    baseline: String,
    /// A readable label per scenario.
    labels: Vec<String>,
}

impl Wording {
    /// From the result's `meta` and its scenarios' (name, description).
    fn new(meta: &Fields, scenarios: &[(&str, &str)]) -> Wording {
        let units = value_units(meta);
        Wording {
            short: short_units(&units),
            units,
            baseline: baseline_phrase(meta),
            labels: scenario_labels(scenarios),
        }
    }
}

/// "1 scenario", "3 scenarios".
fn scenarios_phrase(n: usize) -> String {
    format!("{n} scenario{}", if n == 1 { "" } else { "s" })
}

/// Units of values (flows, revenue, surplus, welfare) as the result states them.
fn value_units(meta: &Fields) -> String {
    meta.object("units")
        .text("values")
        .unwrap_or("the data's value units")
        .to_string()
}

/// A short form of the units for axes: "US$ million per year at baseline
/// prices" → "US$ million per year".
fn short_units(units: &str) -> String {
    units
        .split(" at ")
        .next()
        .unwrap_or(units)
        .trim()
        .to_string()
}

/// "the eaeu2009 baseline", or "the baseline".
fn baseline_phrase(meta: &Fields) -> String {
    match meta.text("dataset") {
        Some(d) if !d.is_empty() && !d.contains('/') && !d.contains('\\') => {
            format!("the {d} baseline")
        }
        _ => "the baseline".to_string(),
    }
}

/// A readable label of a scenario for legends: its description up to the
/// first clause break, capitalised and at most 70 characters; its name when
/// it has no description.
fn scenario_label(name: &str, description: &str) -> String {
    let d = description.trim();
    if d.is_empty() {
        return name.to_string();
    }
    let mut cut = d.len();
    for sep in [";", ":", " ("] {
        if let Some(k) = d.find(sep) {
            if k >= 12 {
                cut = cut.min(k);
            }
        }
    }
    let mut s = d[..cut].trim().trim_end_matches(',').to_string();
    if s.chars().count() > 70 {
        let mut out = String::new();
        for w in s.split_whitespace() {
            if out.chars().count() + w.chars().count() + 1 > 68 {
                break;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        s = format!("{out}…");
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => name.to_string(),
    }
}

/// Labels of scenarios, made unique (a repeated label gets its name added).
fn scenario_labels(items: &[(&str, &str)]) -> Vec<String> {
    let labels: Vec<String> = items.iter().map(|(n, d)| scenario_label(n, d)).collect();
    labels
        .iter()
        .zip(items)
        .map(|(l, (n, _))| {
            if labels.iter().filter(|x| *x == l).count() > 1 && l != n {
                format!("{l} ({n})")
            } else {
                l.clone()
            }
        })
        .collect()
}

/// "name: label", or the name alone when the label is the name.
fn titled(name: &str, label: &str) -> String {
    if name == label {
        name.to_string()
    } else {
        format!("{name}: {label}")
    }
}

/// A field's name for people.
fn field_label(field: &str) -> String {
    match field {
        "welfare" => "welfare".into(),
        "consumer_surplus" => "consumer surplus".into(),
        "producer_surplus" => "producer surplus".into(),
        "tariff_revenue" => "tariff revenue (after pooling)".into(),
        "quota_rent" => "quota rent".into(),
        "export_tax_revenue" => "export tax revenue".into(),
        "welfare_pct_gdp" => "welfare, % of GDP".into(),
        "imports_change" => "change in imports".into(),
        "imports_from_partners_change" => "imports from partners (ΔMp)".into(),
        "imports_from_outside_change" => "imports from outside (ΔMo)".into(),
        "trade_creation" => "trade creation".into(),
        "trade_diversion" => "trade diversion".into(),
        "external_trade_suppression" => "external trade suppression".into(),
        other => other.replace('_', " "),
    }
}

/// The document's wording of the model variant and treatment.
fn model_phrase(meta: &Fields) -> String {
    let model = match meta.text("model") {
        Some("armington") => "exact Armington model".to_string(),
        Some("gsim-linear") => "GSIM linear approximation".to_string(),
        Some("smart") => "SMART (one importer) variant".to_string(),
        Some(m) => m.to_string(),
        None => "model not stated".to_string(),
    };
    match meta.text("treatment") {
        Some("nested") => format!("{model}, domestic sales in a separate nest"),
        Some("as-import-source") => format!("{model}, domestic sales as one more source"),
        Some(t) => format!("{model}, domestic treatment {t}"),
        None => model,
    }
}

/// Footer line: what made the report, from what.
fn footer(meta: &Fields, options: &ReportOptions) -> String {
    let tool = meta
        .text("tool_version")
        .map_or("customs-union".to_string(), |v| {
            format!("customs-union {v}")
        });
    let from = options
        .source
        .as_deref()
        .map_or(String::new(), |s| format!(" from {s}"));
    format!(
        "Written by {tool}{from}. This file is self-contained: it runs no script and fetches nothing."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_readable_and_unique() {
        assert_eq!(
            scenario_label(
                "cet-2010",
                "Kazakhstan and Belarus adopt Russia's tariff schedule (the CET); trade among members"
            ),
            "Kazakhstan and Belarus adopt Russia's tariff schedule"
        );
        assert_eq!(
            scenario_label("cu", "the CET with duties pooled: RUS 87.97%"),
            "The CET with duties pooled"
        );
        assert_eq!(scenario_label("fta", ""), "fta");
        let long = "a very long description without any clause break that goes on and on and on past seventy";
        assert!(scenario_label("x", long).ends_with('…'));
        assert_eq!(
            scenario_labels(&[("a", "same thing here"), ("b", "same thing here")]),
            vec!["Same thing here (a)", "Same thing here (b)"]
        );
        assert_eq!(
            short_units("US$ million per year at baseline prices"),
            "US$ million per year"
        );
    }

    #[test]
    fn refuses_what_is_not_a_result() {
        let opts = ReportOptions::new();
        assert!(render("not json", &opts).is_err());
        assert!(render("[1, 2]", &opts).is_err());
        assert!(render("{\"a\": 1}", &opts).is_err());
        let shard = r#"{"shard": {"index": 0}, "values": [], "scenarios": []}"#;
        let e = render(shard, &opts).unwrap_err().to_string();
        assert!(e.contains("merge the shards"), "{e}");
    }
}

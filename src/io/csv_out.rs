//! Tidy (long-format) CSV output of a run and of a Monte Carlo summary,
//! readable as-is by R, Stata and pandas: every row labelled, numbers
//! unrounded (shortest round-trip form, `inf` as `inf`, never NaN), the
//! folder written whole or not at all.
//!
//! ```text
//! a run (RunResults::write_csv):
//! totals.csv         scenario,country,field,value          (country totals over sectors)
//! by_sector.csv      scenario,sector,country,field,value   (with the two price levels)
//! bilateral.csv      scenario,sector,exporter,importer,baseline,counterfactual,counterfactual_value
//! decomposition.csv  scenario,component,country,field,value  (change fields; with the decomposition)
//! stages.csv         scenario,stage,country,field,value      (change fields; with the decomposition)
//! unions.csv         scenario,union,field,value            (aggregates and Article XXIV averages)
//! quota_results.csv  scenario,sector,importer,exporter,volume,counterfactual,regime,rent_rate,rent,holder
//! meta.csv           key,value
//! README.md          units and fields
//!
//! a Monte Carlo summary (McSummary::write_csv):
//! summary.csv        scenario,kind,entity,field,statistic,value
//!                    kind: country | union | tracked | difference (a later scenario minus the first)
//! meta.csv           key,value
//! README.md          units and fields
//! ```

use std::borrow::Cow;
use std::path::Path;

use crate::accounts::{CountryOutcome, OutcomeField};
use crate::error::{Error, Result};
use crate::monte_carlo::{
    CountrySummary, McSummary, Metric, Metrics, TrackedSummary, UnionSummary,
};
use crate::run::{CountryResult, Meta, TariffAverages};
use crate::simulation::RunResults;

/// The files `write_csv` writes; none collides with a data file's name.
pub const RUN_CSV_FILES: [&str; 9] = [
    "totals.csv",
    "by_sector.csv",
    "bilateral.csv",
    "decomposition.csv",
    "stages.csv",
    "unions.csv",
    "quota_results.csv",
    "meta.csv",
    "README.md",
];

/// The files [`McSummary::write_csv`] writes; none collides with a data file's name.
pub const MC_CSV_FILES: [&str; 3] = ["summary.csv", "meta.csv", "README.md"];

/// Data-folder file names: a folder holding one is never written over.
const DATA_FILES: [&str; 8] = [
    "countries.csv",
    "sectors.csv",
    "flows.csv",
    "tariffs.csv",
    "ntb.csv",
    "supply.csv",
    "quotas.csv",
    "export_taxes.csv",
];

struct Table {
    w: csv::Writer<Vec<u8>>,
    name: &'static str,
}

impl Table {
    fn new(name: &'static str, header: &[&str]) -> Result<Self> {
        let mut t = Table {
            w: csv::Writer::from_writer(Vec::new()),
            name,
        };
        t.row(header)?;
        Ok(t)
    }

    /// A long-format table: the `labels` columns, then `field` and `value`.
    fn long(name: &'static str, labels: &[&str]) -> Result<Self> {
        let header: Vec<&str> = labels.iter().copied().chain(["field", "value"]).collect();
        Table::new(name, &header)
    }

    fn row<S: AsRef<[u8]>>(&mut self, fields: &[S]) -> Result<()> {
        self.w
            .write_record(fields)
            .map_err(|e| Error::io_message(self.name, e.to_string()))
    }

    fn finish(self) -> Result<(&'static str, Vec<u8>)> {
        let name = self.name;
        self.w
            .into_inner()
            .map(|b| (name, b))
            .map_err(|e| Error::io_message(name, e.to_string()))
    }
}

/// A number in its shortest round-trip form (`inf`, `-inf`; never NaN in a result).
fn num(v: f64) -> String {
    format!("{v}")
}

fn outcome_rows(
    t: &mut Table,
    labels: &[&str],
    o: &CountryOutcome,
    fields: impl Iterator<Item = OutcomeField>,
) -> Result<()> {
    for f in fields {
        let mut rec: Vec<String> = labels.iter().map(|s| (*s).to_string()).collect();
        rec.push(f.name().to_string());
        rec.push(num(f.get(o)));
        t.row(&rec)?;
    }
    Ok(())
}

/// Rows of every additive field of `o`.
fn additive_rows(t: &mut Table, labels: &[&str], o: &CountryOutcome) -> Result<()> {
    outcome_rows(t, labels, o, OutcomeField::ADDITIVE.into_iter())
}

fn change_rows(t: &mut Table, scenario: &str, label: &str, rows: &[CountryResult]) -> Result<()> {
    for c in rows {
        outcome_rows(
            t,
            &[scenario, label, &c.country],
            &c.outcome,
            OutcomeField::changes(),
        )?;
    }
    Ok(())
}

fn averages_rows(
    t: &mut Table,
    scenario: &str,
    union: &str,
    prefix: &str,
    a: &TariffAverages,
) -> Result<()> {
    for (name, v) in [
        ("simple_before", a.simple_before),
        ("simple_after", a.simple_after),
        ("weighted_before", a.weighted_before),
        ("weighted_after", a.weighted_after),
    ] {
        t.row(&[scenario, union, &format!("{prefix}{name}"), &num(v)])?;
    }
    Ok(())
}

fn readme(results: &RunResults) -> String {
    let m = &results.meta;
    let fields: Vec<String> = OutcomeField::ADDITIVE
        .iter()
        .map(|f| format!("`{}`", f.name()))
        .collect();
    format!(
        "# Results of `customs-union`\n\n\
         Dataset `{}`, scenario file `{}`, model `{}`, domestic sales `{}`, tool version {}.\n\n\
         Units: values in {}; rates as {}; prices as {}. Flows and imports are volumes \
         (quantities at baseline prices) unless a field ends in `_value` (at the new producer \
         prices). Every change is counterfactual minus baseline.\n\n\
         | file | columns | rows |\n|---|---|---|\n\
         | `totals.csv` | scenario, country, field, value | each country's totals over sectors, and `welfare_pct_gdp` (percent) where the data has the country's GDP |\n\
         | `by_sector.csv` | scenario, sector, country, field, value | each sector's rows, with `producer_price` and `consumer_price_index` |\n\
         | `bilateral.csv` | scenario, sector, exporter, importer, baseline, counterfactual, counterfactual_value | every flow with a positive baseline |\n\
         | `decomposition.csv` | scenario, component, country, field, value | Shapley values of each component (change fields; empty without the decomposition) |\n\
         | `stages.csv` | scenario, stage, country, field, value | each stage's change over its parent along `extends` (empty without the decomposition) |\n\
         | `unions.csv` | scenario, union, field, value | members' sums, `welfare_pct_gdp`, Article XXIV averages (`article_xxiv_*`, members' as `article_xxiv_<code>_*`), each member's share of collected duties before pooling (`duty_collected_share_<code>_baseline`, `_counterfactual`) |\n\
         | `quota_results.csv` | scenario, sector, importer, exporter, volume, counterfactual, regime, rent_rate, rent, holder | every quota in force: its volume, filled volume, regime (under, at, over), rent wedge, rent level and who receives it (`*`: every destination or every other origin) |\n\
         | `meta.csv` | key, value | what was run |\n\n\
         Fields: {}, and in decompositions and stages `imports_change`.\n",
        m.dataset,
        m.scenario_file,
        m.model.name(),
        m.treatment.name(),
        m.tool_version,
        m.units.values,
        m.units.rates,
        m.units.prices,
        fields.join(", ")
    )
}

/// `meta.csv`: the rows of `meta` (when known), then `extra`.
fn meta_table(meta: Option<&Meta>, extra: &[(&str, String)]) -> Result<Table> {
    let mut t = Table::new("meta.csv", &["key", "value"])?;
    if let Some(m) = meta {
        for (k, v) in [
            ("tool_version", m.tool_version.as_str()),
            ("dataset", &m.dataset),
            ("dataset_fingerprint", &m.dataset_fingerprint),
            ("scenario_file", &m.scenario_file),
            ("model", m.model.name()),
            ("domestic", m.treatment.name()),
            ("units_values", &m.units.values),
            ("units_rates", &m.units.rates),
            ("units_prices", &m.units.prices),
        ] {
            t.row(&[k, v])?;
        }
    }
    for (k, v) in extra {
        t.row(&[*k, v.as_str()])?;
    }
    Ok(t)
}

/// Writes `files` into folder `dir` whole or not at all, refusing a folder
/// that holds a data file: results never overwrite data.
fn write_results_dir(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    if let Some(f) = DATA_FILES.iter().find(|f| dir.join(f).exists()) {
        return Err(Error::io_message(
            dir.display().to_string(),
            format!("holds the data file {f}: results are never written into a data folder"),
        ));
    }
    super::atomic::write_dir(dir, files)
}

impl RunResults {
    /// Writes the long-format CSV files of every scenario into folder `dir`,
    /// whole or not at all (a temporary folder renamed into place).
    ///
    /// # Errors
    /// [`Error::Io`] when the folder cannot be written, or when it holds data
    /// files (a data folder is never written over).
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> Result<()> {
        write_results_dir(dir.as_ref(), &self.csv_files()?)
    }

    /// The CSV files of [`RunResults::write_csv`], as (name, bytes).
    ///
    /// # Errors
    /// [`Error::Io`] if a record cannot be encoded.
    pub fn csv_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>> {
        let mut totals = Table::long("totals.csv", &["scenario", "country"])?;
        let mut by_sector = Table::long("by_sector.csv", &["scenario", "sector", "country"])?;
        let mut bilateral = Table::new(
            "bilateral.csv",
            &[
                "scenario",
                "sector",
                "exporter",
                "importer",
                "baseline",
                "counterfactual",
                "counterfactual_value",
            ],
        )?;
        let mut decomposition =
            Table::long("decomposition.csv", &["scenario", "component", "country"])?;
        let mut stages = Table::long("stages.csv", &["scenario", "stage", "country"])?;
        let mut unions = Table::long("unions.csv", &["scenario", "union"])?;
        let mut quotas = Table::new(
            "quota_results.csv",
            &[
                "scenario",
                "sector",
                "importer",
                "exporter",
                "volume",
                "counterfactual",
                "regime",
                "rent_rate",
                "rent",
                "holder",
            ],
        )?;
        for r in self.iter() {
            let sc = r.name.as_str();
            for q in &r.quotas {
                quotas.row(&[
                    sc,
                    &q.sector,
                    &q.importer,
                    &q.exporter,
                    &num(q.volume),
                    &num(q.counterfactual),
                    q.regime.name(),
                    &num(q.rent_rate),
                    &num(q.rent),
                    q.holder.name(),
                ])?;
            }
            for c in &r.totals {
                additive_rows(&mut totals, &[sc, &c.country], &c.outcome)?;
                if let Some(p) = c.welfare_pct_gdp {
                    totals.row(&[sc, c.country.as_str(), "welfare_pct_gdp", &num(p)])?;
                }
            }
            for s in &r.sectors {
                for c in &s.countries {
                    let labels = [sc, s.sector.as_str(), c.country.as_str()];
                    for (name, v) in [
                        ("producer_price", c.producer_price),
                        ("consumer_price_index", c.consumer_price_index),
                    ] {
                        by_sector.row(&[sc, &s.sector, &c.country, name, &num(v)])?;
                    }
                    additive_rows(&mut by_sector, &labels, &c.outcome)?;
                }
                for f in &s.flows {
                    bilateral.row(&[
                        sc,
                        &s.sector,
                        &f.exporter,
                        &f.importer,
                        &num(f.baseline),
                        &num(f.counterfactual),
                        &num(f.counterfactual_value),
                    ])?;
                }
            }
            for d in r.decomposition.iter().flatten() {
                change_rows(&mut decomposition, sc, &d.component, &d.countries)?;
            }
            for d in r.stages.iter().flatten() {
                change_rows(&mut stages, sc, &d.stage, &d.countries)?;
            }
            for u in &r.unions {
                additive_rows(&mut unions, &[sc, &u.name], &u.aggregate)?;
                averages_rows(&mut unions, sc, &u.name, "article_xxiv_", &u.article_xxiv)?;
                for m in &u.article_xxiv_members {
                    let prefix = format!("article_xxiv_{}_", m.country);
                    averages_rows(&mut unions, sc, &u.name, &prefix, &m.averages)?;
                }
                if let Some(p) = u.welfare_pct_gdp {
                    unions.row(&[sc, u.name.as_str(), "welfare_pct_gdp", &num(p)])?;
                }
                for d in &u.duty_collected_share {
                    for (when, v) in [
                        ("baseline", d.baseline),
                        ("counterfactual", d.counterfactual),
                    ] {
                        let field = format!("duty_collected_share_{}_{when}", d.country);
                        unions.row(&[sc, u.name.as_str(), &field, &num(v)])?;
                    }
                }
            }
        }
        let meta = meta_table(Some(&self.meta), &[])?;
        let mut files = Vec::with_capacity(RUN_CSV_FILES.len());
        for t in [
            totals,
            by_sector,
            bilateral,
            decomposition,
            stages,
            unions,
            quotas,
            meta,
        ] {
            files.push(t.finish()?);
        }
        files.push(("README.md", readme(self).into_bytes()));
        Ok(files)
    }
}

/// One labelled set of metrics in a Monte Carlo summary: a row group of
/// `summary.csv`.
struct MetricGroup<'a> {
    scenario: &'a str,
    kind: &'static str,
    /// A country code or union name; a tracked output's label is built.
    entity: Cow<'a, str>,
    metrics: &'a Metrics,
}

/// Every set of metrics of `s`, in document order: each scenario's
/// countries, unions and tracked outputs (labelled `MACH/KAZ`,
/// `MACH/CHN->KAZ`), then each difference's. The one place that knows where
/// a summary keeps its metrics.
fn metric_groups(s: &McSummary) -> Vec<MetricGroup<'_>> {
    let mut groups = Vec::new();
    for sc in &s.scenarios {
        let kinds = ["country", "union", "tracked"];
        push_groups(
            &mut groups,
            &sc.name,
            kinds,
            &sc.countries,
            &sc.unions,
            &sc.tracked,
        );
    }
    for d in &s.differences {
        let kinds = ["difference"; 3];
        push_groups(
            &mut groups,
            &d.scenario,
            kinds,
            &d.countries,
            &d.unions,
            &d.tracked,
        );
    }
    groups
}

/// Appends one scenario's (or difference's) countries, unions and tracked
/// outputs to `groups`, labelled with the three `kinds` in that order.
fn push_groups<'a>(
    groups: &mut Vec<MetricGroup<'a>>,
    scenario: &'a str,
    [country, union, tracked]: [&'static str; 3],
    countries: &'a [CountrySummary],
    unions: &'a [UnionSummary],
    outputs: &'a [TrackedSummary],
) {
    let group = |kind, entity, metrics| MetricGroup {
        scenario,
        kind,
        entity,
        metrics,
    };
    groups.extend(
        countries
            .iter()
            .map(|c| group(country, Cow::from(&c.country), &c.metrics)),
    );
    groups.extend(
        unions
            .iter()
            .map(|u| group(union, Cow::from(&u.name), &u.metrics)),
    );
    groups.extend(
        outputs
            .iter()
            .map(|t| group(tracked, Cow::from(t.output.label()), &t.metrics)),
    );
}

/// A metric's statistics by name, in the JSON's order; None where undefined.
fn statistics(m: &Metric) -> [(&'static str, Option<f64>); 9] {
    [
        ("mean", m.mean),
        ("sd", m.sd),
        ("mcse", m.mcse),
        ("p05", m.p05),
        ("p50", m.p50),
        ("p95", m.p95),
        ("share_positive", m.share_positive),
        ("ok", Some(m.ok as f64)),
        ("failed", Some(m.failed as f64)),
    ]
}

fn mc_readme(s: &McSummary) -> String {
    let (about, values) = match &s.meta {
        Some(m) => (
            format!(
                "Dataset `{}`, scenario file `{}`, model `{}`, domestic sales `{}`, tool version {}.\n\n",
                m.dataset,
                m.scenario_file,
                m.model.name(),
                m.treatment.name(),
                m.tool_version
            ),
            m.units.values.clone(),
        ),
        None => (String::new(), "the data's value units".to_string()),
    };
    let first = s.scenarios.first().map_or("", |sc| sc.name.as_str());
    format!(
        "# Monte Carlo results of `customs-union`\n\n\
         {about}{} draws ({} usable in every scenario, {} failed and left out of every \
         statistic), seed {}, sampling `{}`.\n\n\
         ## `summary.csv`\n\n\
         Columns `scenario, kind, entity, field, statistic, value`; one row per statistic.\n\n\
         - `kind`: `country` (the country's totals over sectors), `union` (the sum over the \
         union's members), `tracked` (an output the scenario file asks to track, when it does), \
         or `difference` (the scenario minus the first scenario, `{first}`, paired draw by draw; \
         for a union, its sum minus the same members' totals in `{first}`).\n\
         - `entity`: a country code or a union's name.\n\
         - `field`: an outcome field, each a change from the baseline (counterfactual minus \
         baseline) in {values}, except the levels `*_baseline` and `*_counterfactual` \
         (same units), and `welfare_pct_gdp` (welfare in percent of GDP, where the data \
         gives GDP). Imports and trade effects are volumes (quantities at baseline prices), \
         `*_value` fields are at the new producer prices.\n\
         - `statistic`: `mean`; `sd` (standard deviation over the draws); `mcse` (Monte Carlo \
         standard error of the mean: {}); `p05`, `p50`, `p95` (percentiles, linear between \
         order statistics); `share_positive` (fraction of draws above zero, 0 to 1); `ok` and \
         `failed` (numbers of draws).\n\
         - `value`: unrounded; a statistic that is undefined (null in the JSON: `mcse` \
         under quadrature, `sd` of a single draw) has no row.\n\n\
         ## `meta.csv`\n\n\
         Columns `key, value`: what was run (dataset, scenario file, model, units) and the \
         run's identity (draws, seed, sampling, fingerprint, varied parameters).\n",
        s.draws,
        s.ok,
        s.failed,
        s.seed,
        s.sampling.name(),
        s.mcse,
    )
}

impl McSummary {
    /// Writes `summary.csv` (every statistic of every scenario, union,
    /// tracked output and difference), `meta.csv` and a `README.md` into
    /// folder `dir`, whole or not at all (a temporary folder renamed into
    /// place).
    ///
    /// # Errors
    /// [`Error::Io`] when the folder cannot be written, or when it holds data
    /// files (a data folder is never written over).
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> Result<()> {
        write_results_dir(dir.as_ref(), &self.csv_files()?)
    }

    /// The files of [`McSummary::write_csv`], as (name, bytes).
    ///
    /// # Errors
    /// [`Error::Io`] if a record cannot be encoded.
    pub fn csv_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>> {
        let mut summary = Table::new(
            "summary.csv",
            &["scenario", "kind", "entity", "field", "statistic", "value"],
        )?;
        for g in metric_groups(self) {
            for (field, m) in &g.metrics.0 {
                for (statistic, v) in statistics(m) {
                    if let Some(v) = v {
                        summary.row(&[g.scenario, g.kind, &g.entity, field, statistic, &num(v)])?;
                    }
                }
            }
        }
        let extra = [
            ("draws", self.draws.to_string()),
            ("ok", self.ok.to_string()),
            ("failed", self.failed.to_string()),
            ("seed", self.seed.to_string()),
            ("sampling", self.sampling.name().to_string()),
            ("mcse", self.mcse.to_string()),
            ("fingerprint", self.fingerprint.clone()),
            ("parameters", self.parameters.join(" ")),
        ];
        let meta = meta_table(self.meta.as_ref(), &extra)?;
        Ok(vec![
            summary.finish()?,
            meta.finish()?,
            ("README.md", mc_readme(self).into_bytes()),
        ])
    }
}

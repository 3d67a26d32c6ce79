//! Human-readable tables of results (what `customs-union run` and `mc` print),
//! with numbers rounded for reading (see [`super::format`]).

use std::fmt::Write;

use super::format::{amount, percent, share};
use crate::monte_carlo::{FLOW_FIELD, McSummary, Metrics, Tracked, TrackedSummary};
use crate::run::CountryResult;
use crate::simulation::RunResults;

/// A column of the country table: its two-line heading and its value.
struct Column {
    heading: [&'static str; 2],
    value: fn(&CountryResult) -> f64,
    /// Shown only when some country's value is not zero.
    optional: bool,
}

/// A column always shown.
const fn always(heading: [&'static str; 2], value: fn(&CountryResult) -> f64) -> Column {
    Column {
        heading,
        value,
        optional: false,
    }
}

/// A column shown only where some country's value is not zero.
const fn when_nonzero(heading: [&'static str; 2], value: fn(&CountryResult) -> f64) -> Column {
    Column {
        heading,
        value,
        optional: true,
    }
}

const COLUMNS: [Column; 9] = [
    always(["", "welfare"], |o| o.welfare),
    always(["consumer", "surplus"], |o| o.consumer_surplus),
    always(["producer", "surplus"], |o| o.producer_surplus),
    always(["tariff", "revenue"], |o| o.tariff_revenue),
    when_nonzero(["quota", "rent"], |o| o.quota_rent),
    when_nonzero(["export tax", "revenue"], |o| o.export_tax_revenue),
    always(["imports", "change"], |o| {
        o.imports_counterfactual - o.imports_baseline
    }),
    always(["trade", "creation"], |o| o.trade_creation),
    always(["trade", "diversion"], |o| o.trade_diversion),
];

/// One table per scenario: each country's totals over sectors, then the unions.
pub fn table(results: &RunResults) -> String {
    let mut s = String::new();
    for r in results.iter() {
        let _ = writeln!(
            s,
            "scenario {}{}",
            r.name,
            if r.description.is_empty() {
                String::new()
            } else {
                format!(": {}", r.description)
            }
        );
        let _ = writeln!(
            s,
            "  changes from the {} baseline, {} (imports and trade effects: volumes at baseline prices)",
            results.meta.dataset, results.meta.units.values
        );
        let _ = writeln!(
            s,
            "  tariff revenue after any duty pooling; trade creation and diversion apply to union members (0 elsewhere)"
        );
        // quota rent and export-tax revenue get columns only where a
        // scenario has them, so that the parts shown sum to welfare
        let shown: Vec<&Column> = COLUMNS
            .iter()
            .filter(|c| !c.optional || r.totals.iter().any(|o| (c.value)(o) != 0.0))
            .collect();
        for line in 0..2 {
            let _ = write!(s, "  {:<8}", if line == 0 { "" } else { "country" });
            for c in &shown {
                let _ = write!(s, " {:>11}", c.heading[line]);
            }
            s.push('\n');
        }
        for o in &r.totals {
            let _ = write!(s, "  {:<8}", o.country);
            for c in &shown {
                let _ = write!(s, " {:>11}", amount((c.value)(o)));
            }
            s.push('\n');
        }
        if !r.quotas.is_empty() {
            let _ = writeln!(
                s,
                "  quotas (volumes at baseline prices; rent in the values' units):"
            );
            for q in &r.quotas {
                let _ = writeln!(
                    s,
                    "    {} {}->{}: volume {}, counterfactual {}, {} the quota, rent rate {}, rent {} to the {}",
                    q.sector,
                    q.exporter,
                    q.importer,
                    amount(q.volume),
                    amount(q.counterfactual),
                    q.regime.name(),
                    percent(q.rent_rate, 1),
                    amount(q.rent),
                    q.holder.name()
                );
            }
        }
        for u in &r.unions {
            let a = &u.aggregate;
            let _ = writeln!(
                s,
                "  union {} ({}): welfare {}, trade creation {}, trade diversion {}, external trade suppression {}",
                u.name,
                u.members.join(", "),
                amount(a.welfare),
                amount(a.trade_creation),
                amount(a.trade_diversion),
                amount(a.external_trade_suppression)
            );
            for m in &u.article_xxiv_members {
                let _ = writeln!(
                    s,
                    "    {} external tariff: {}",
                    m.country,
                    averages(&m.averages)
                );
            }
        }
        if let Some(d) = &r.decomposition {
            let rows = d.iter().map(|c| (c.component.as_str(), &c.countries[..]));
            welfare_rows(
                &mut s,
                "welfare by component (Shapley values, summing to the total)",
                rows,
            );
        }
        if let Some(st) = r.stages.as_ref().filter(|st| st.len() > 1) {
            let rows = st.iter().map(|c| (c.stage.as_str(), &c.countries[..]));
            welfare_rows(
                &mut s,
                "welfare by stage (each stage's change over its parent)",
                rows,
            );
        }
        s.push('\n');
    }
    s
}

/// "simple 5.20% -> 6.10%, trade-weighted 4.00% -> 5.30%": external tariff
/// averages before and after.
fn averages(v: &crate::run::TariffAverages) -> String {
    let pct = |x: f64| percent(x, 2);
    format!(
        "simple {} -> {}, trade-weighted {} -> {}",
        pct(v.simple_before),
        pct(v.simple_after),
        pct(v.weighted_before),
        pct(v.weighted_after)
    )
}

/// A titled block of one line per label with each country's welfare.
fn welfare_rows<'a>(
    s: &mut String,
    title: &str,
    rows: impl Iterator<Item = (&'a str, &'a [crate::run::CountryResult])>,
) {
    let _ = writeln!(s, "  {title}:");
    for (label, countries) in rows {
        let parts: Vec<String> = countries
            .iter()
            .map(|o| format!("{} {}", o.country, amount(o.welfare)))
            .collect();
        let _ = writeln!(s, "    {label:<40} {}", parts.join("  "));
    }
}

/// The table rows of tracked outputs, labelled as in the CSV files: a
/// sector row's welfare ("MACH/KAZ"); a flow's volume after the policy
/// ("MACH/CHN->KAZ volume").
fn tracked_rows(tracked: &[TrackedSummary]) -> Vec<(String, &Metrics, &'static str)> {
    tracked
        .iter()
        .map(|t| match &t.output {
            Tracked::SectorRow { .. } => (t.output.label(), &t.metrics, "welfare"),
            Tracked::Flow { .. } => (
                format!("{} volume", t.output.label()),
                &t.metrics,
                FLOW_FIELD,
            ),
        })
        .collect()
}

/// The Monte Carlo summary: each scenario's welfare by country and union
/// (mean, median, 90% band, P(gain)) and its tracked outputs (a sector
/// row's welfare, a flow's volume), then each paired difference; the header
/// names the units and the baseline.
pub fn mc_table(summary: &McSummary) -> String {
    let mut s = String::new();
    let (baseline, units) = match &summary.meta {
        Some(m) => (
            format!("the {} baseline", m.dataset),
            m.units.values.clone(),
        ),
        None => (
            "the baseline".to_string(),
            "the data's value units".to_string(),
        ),
    };
    let _ = writeln!(
        s,
        "Monte Carlo: {} draws, {} failed (left out of every figure), seed {}",
        summary.draws, summary.failed, summary.seed
    );
    let _ = writeln!(s, "welfare: change from {baseline}, {units}");
    let _ = writeln!(
        s,
        "(90% band: 5th to 95th percentile of the draws; P(gain): share of draws with welfare above zero)"
    );
    // tracked outputs follow the countries and unions: a sector row's welfare,
    // a flow's volume after the policy (a level: no P(gain), but in a
    // difference)
    let width = summary
        .scenarios
        .iter()
        .flat_map(|sc| tracked_rows(&sc.tracked))
        .map(|(label, _, _)| label.chars().count())
        .chain(std::iter::once(14))
        .max()
        .unwrap_or(14);
    let any_tracked = summary.scenarios.iter().any(|sc| !sc.tracked.is_empty());
    if any_tracked {
        let _ = writeln!(
            s,
            "(tracked: SECTOR/COUNTRY is a country's welfare in one sector; SECTOR/EXPORTER->IMPORTER volume is a flow's volume after the policy, a level)"
        );
    }
    let mut block = |title: &str,
                     rows: &mut dyn Iterator<Item = (&str, &Metrics)>,
                     tracked: &[TrackedSummary],
                     difference: bool| {
        let _ = writeln!(s, "{title}");
        let _ = writeln!(
            s,
            "  {:<width$} {:>11} {:>11} {:>25} {:>8}",
            "country/union", "mean", "median", "90% band (p05 to p95)", "P(gain)"
        );
        let tracked = tracked_rows(tracked);
        let all = rows
            .map(|(name, metrics)| (name.to_string(), metrics, "welfare"))
            .chain(tracked);
        for (name, metrics, field) in all {
            let Some(m) = metrics.get(field) else {
                continue;
            };
            let f = |v: Option<f64>| v.map_or("-".to_string(), amount);
            let band = format!("{} to {}", f(m.p05), f(m.p95));
            let gain = if field == FLOW_FIELD && !difference {
                "-".to_string()
            } else {
                m.share_positive.map_or("-".to_string(), share)
            };
            let _ = writeln!(
                s,
                "  {:<width$} {:>11} {:>11} {:>25} {:>8}",
                name,
                f(m.mean),
                f(m.p50),
                band,
                gain
            );
        }
    };
    for sc in &summary.scenarios {
        let countries = sc
            .countries
            .iter()
            .map(|c| (c.country.as_str(), &c.metrics));
        let unions = sc.unions.iter().map(|u| (u.name.as_str(), &u.metrics));
        block(
            &format!("scenario {}", sc.name),
            &mut countries.chain(unions),
            &sc.tracked,
            false,
        );
    }
    for d in &summary.differences {
        let countries = d.countries.iter().map(|c| (c.country.as_str(), &c.metrics));
        let unions = d.unions.iter().map(|u| (u.name.as_str(), &u.metrics));
        block(
            &format!("{} minus {} (paired draw by draw)", d.scenario, d.minus),
            &mut countries.chain(unions),
            &d.tracked,
            true,
        );
    }
    s
}

//! The report of an `mc` (Monte Carlo) result.

use super::doc::{McDoc, McEntity, McScenario, McTracked};
use super::page::{Cell, Page, Table};
use super::{Intro, ReportOptions, field_label, titled};
use crate::error::Result;
use crate::monte_carlo::{FLOW_FIELD, Metric, Tracked};
use crate::report::chart::{CategoryChart, Series};
use crate::report::format;
use std::collections::BTreeMap;

/// Fields shown first, in this order; others follow alphabetically.
const FIELD_ORDER: [&str; 15] = [
    "welfare",
    "welfare_pct_gdp",
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "quota_rent",
    "export_tax_revenue",
    "imports_change",
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
    "imports_baseline",
    "imports_counterfactual",
];

type Ctx<'a> = super::Ctx<'a, McDoc>;

/// "10,000 draws", or "9,990 draws (10 failed and left out)".
fn draws_note(doc: &McDoc) -> String {
    let ok = doc.ok();
    if doc.failed() > 0 {
        format!(
            "{} draws ({} failed and left out)",
            format::count(ok),
            format::count(doc.failed())
        )
    } else {
        format!("{} draws", format::count(ok))
    }
}

fn amount(v: Option<f64>) -> Cell {
    v.map_or_else(Cell::none, |v| Cell::num(format::amount(v)))
}

fn band(m: &Metric) -> Cell {
    match (m.p05, m.p95) {
        (Some(a), Some(b)) => Cell::num(format!("{} to {}", format::amount(a), format::amount(b))),
        _ => Cell::none(),
    }
}

fn share(m: &Metric) -> Cell {
    m.share_positive
        .map_or_else(Cell::none, |p| Cell::num(format::share(p)))
}

pub(super) fn render(doc: &McDoc, options: &ReportOptions) -> Result<String> {
    let countries: Vec<String> = doc
        .scenarios
        .first()
        .map(|s| s.countries.iter().map(|c| c.country.clone()).collect())
        .unwrap_or_default();
    let intros = doc
        .scenarios
        .iter()
        .map(|s| Intro::new(&s.name, &s.description, &s.unions));
    let cx = Ctx::new(doc, &doc.meta, intros.collect(), countries, options)?;
    let how = format!("under uncertain elasticities, {}", draws_note(doc));
    let sections: &[fn(&mut Page, &Ctx)] = &[
        what_was_run,
        welfare,
        differences,
        unions,
        trade,
        country,
        tracked,
        failures,
    ];
    Ok(cx.render(sections, "Monte Carlo", &how))
}

/// The varied items grouped by parameter: "sigma_m (8 items), epsilon (56 items)".
fn parameter_summary(labels: &[String]) -> Option<String> {
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for l in labels {
        let key = l.split('.').next().unwrap_or(l);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => groups.push((key, 1)),
        }
    }
    (!groups.is_empty()).then(|| {
        let parts: Vec<String> = groups
            .iter()
            .map(|(k, n)| format!("{k} ({n} item{})", if *n == 1 { "" } else { "s" }))
            .collect();
        format!(
            "{}; each item is listed in the result file",
            parts.join(", ")
        )
    })
}

fn what_was_run(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    let draws = format!(
        "{} ({} usable, {} failed)",
        format::count(doc.draws),
        format::count(doc.ok()),
        format::count(doc.failed())
    );
    let sampling = doc.info.value("sampling").map(|v| match v.as_str() {
        Some(s) => s.to_string(),
        None => v.to_string(),
    });
    let specific = vec![
        ("Draws", Some(draws)),
        ("Sampling", sampling),
        ("Seed", doc.info.count("seed").map(|s| s.to_string())),
        (
            "Monte Carlo standard error",
            doc.info.text("mcse").map(str::to_string),
        ),
        ("Varied parameters", parameter_summary(&doc.parameters)),
        (
            "Fingerprint",
            doc.info.text("fingerprint").map(str::to_string),
        ),
    ];
    cx.what_was_run(
        page,
        specific,
        &[
            format!(
                "Each scenario was solved once per draw of the uncertain elasticities; the same draws were used for every scenario. Every figure is a change from {}, in {} (trade effects: volumes at baseline prices).",
                cx.words.baseline, cx.words.units
            ),
            "The median is the middle draw. The 90% band runs from the 5th to the 95th percentile of the draws: 90% of the draws fall inside it. P(gain) is the share of draws in which the value is above zero.".to_string(),
            "The Monte Carlo standard error says how far the mean could move with more draws; it is not the uncertainty of the result, which the band shows.".to_string(),
        ],
    );
}

/// A chart of one field's medians and 90% bands, one group per entity (of
/// the first series) and one series per scenario.
fn band_chart(
    cx: &Ctx,
    title: String,
    series: &[(String, &[McEntity])],
    field: &str,
) -> CategoryChart {
    let names: Vec<String> = series
        .first()
        .map(|(_, entities)| entities.iter().map(|e| e.country.clone()).collect())
        .unwrap_or_default();
    let mut chart = CategoryChart::new(title, cx.words.short.clone(), names.clone())
        .subtitle(format!("Median and 90% band over {}.", draws_note(cx.doc)))
        .interval_label("90% band (5th to 95th percentile)");
    for (label, entities) in series {
        let metric = |n: &String| {
            entities
                .iter()
                .find(|e| &e.country == n)
                .and_then(|e| e.metrics.get(field))
                .copied()
                .unwrap_or_default()
        };
        chart = chart.series(
            Series::dots(
                label.clone(),
                names
                    .iter()
                    .map(|n| metric(n).p50.unwrap_or(f64::NAN))
                    .collect(),
            )
            .intervals(
                names
                    .iter()
                    .map(|n| {
                        let m = metric(n);
                        (m.p05.unwrap_or(f64::NAN), m.p95.unwrap_or(f64::NAN))
                    })
                    .collect(),
            ),
        );
    }
    chart
}

/// The table of one field's statistics, one row per entity.
fn metric_table(entities: &[McEntity], field: &str, caption: String) -> Table {
    let mut t = Table::new(&[
        ("", false),
        ("mean", true),
        ("median", true),
        ("90% band", true),
        ("sd", true),
        ("MC s.e.", true),
        ("P(gain)", true),
    ]);
    for e in entities {
        let Some(m) = e.metrics.get(field) else {
            continue;
        };
        t.plain(vec![
            Cell::text(&e.country),
            amount(m.mean),
            amount(m.p50),
            band(m),
            amount(m.sd),
            m.mcse
                .map_or_else(Cell::none, |v| Cell::num(format::grouped(v, 2))),
            share(m),
        ]);
    }
    t.caption(caption)
}

fn welfare(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    page.h2("welfare", "Welfare, with its uncertainty");
    let series: Vec<(String, &[McEntity])> = doc
        .scenarios
        .iter()
        .zip(&cx.words.labels)
        .map(|(s, l)| (l.clone(), s.countries.as_slice()))
        .collect();
    page.figure(
        &band_chart(
            cx,
            format!("Welfare by country: change from {}", cx.words.baseline),
            &series,
            "welfare",
        )
        .figure(),
    );
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        page.h3(&titled(&s.name, label));
        page.table(&metric_table(
            &s.countries,
            "welfare",
            format!(
                "Welfare: change from {}, {}",
                cx.words.baseline, cx.words.short
            ),
        ));
    }
}

fn differences(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    if doc.differences.is_empty() {
        return;
    }
    page.h2("differences", "Differences between scenarios, draw by draw");
    page.howto(&[
        "Each later scenario minus the first, computed draw by draw with the same elasticities. Much of the uncertainty is shared by the two scenarios and cancels, so the band of a difference can be narrow even when each scenario's band is wide. P(gain) here is the share of draws in which the later scenario does better than the first.".to_string(),
        "For a union, the difference is its aggregate in the later scenario minus the same members' sum in the first, so a member that joins later counts in both.".to_string(),
    ]);
    let series: Vec<(String, &[McEntity])> = doc
        .differences
        .iter()
        .map(|d| (diff_label(d), d.countries.as_slice()))
        .collect();
    page.figure(
        &band_chart(
            cx,
            "Welfare: difference between scenarios, paired draw by draw".to_string(),
            &series,
            "welfare",
        )
        .figure(),
    );
    for d in &doc.differences {
        page.h3(&diff_label(d));
        let mut entities = d.countries.clone();
        entities.extend(d.unions.iter().map(|u| McEntity {
            country: format!("union {}", u.country),
            members: u.members.clone(),
            metrics: u.metrics.clone(),
        }));
        page.table(&metric_table(
            &entities,
            "welfare",
            format!("Welfare difference, {}", cx.words.short),
        ));
    }
}

fn diff_label(d: &McScenario) -> String {
    match &d.minus {
        Some(m) => format!("{} minus {m}", d.name),
        None => format!("{} minus the first scenario", d.name),
    }
}

fn unions(page: &mut Page, cx: &Ctx) {
    if !cx.any_union() {
        return;
    }
    let doc = cx.doc;
    page.h2("unions", "Unions");
    page.small("Each union's figures add up its members' in every draw; the statistics are those of the sums.");
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        for u in &s.unions {
            page.table(&fields_table(u).caption(format!(
                "{}; union {} ({}); {}",
                titled(&s.name, label),
                u.country,
                u.members.join(", "),
                cx.words.short
            )));
        }
    }
}

/// A level or a value at new prices rather than a change in volume or value units.
fn is_level(field: &str) -> bool {
    field.ends_with("_baseline") || field.ends_with("_counterfactual") || field.ends_with("_value")
}

fn ordered_fields(metrics: &BTreeMap<String, Metric>) -> Vec<String> {
    let mut out: Vec<String> = FIELD_ORDER
        .iter()
        .filter(|f| metrics.contains_key(**f))
        .map(|f| f.to_string())
        .collect();
    // levels (baseline, counterfactual) are left out: the tables are of changes
    out.retain(|k| !is_level(k));
    for k in metrics.keys() {
        if !out.contains(k) && !is_level(k) {
            out.push(k.clone());
        }
    }
    out
}

/// Every change field of a country or union: mean, median, band, P(> 0).
fn fields_table(e: &McEntity) -> Table {
    let mut t = Table::new(&[
        ("", false),
        ("mean", true),
        ("median", true),
        ("90% band", true),
        ("P(> 0)", true),
    ]);
    for f in ordered_fields(&e.metrics) {
        let m = &e.metrics[&f];
        t.plain(vec![
            Cell::text(field_label(&f)),
            amount(m.mean),
            amount(m.p50),
            band(m),
            share(m),
        ]);
    }
    t
}

fn trade(page: &mut Page, cx: &Ctx) {
    if !cx.trade_section(page, &[
        "For union members: trade diversion is the part of new imports from partners that replaces imports from outside; trade creation is the rest of the change in imports from partners (negative when members buy less from each other); external trade suppression is the fall in imports from outside that nothing replaces (negative when they buy more from outside). Volumes at baseline prices; medians with the 90% band.".to_string(),
    ]) {
        return;
    }
    for (k, label, members) in cx.members_by_scenario() {
        let s = &cx.doc.scenarios[k];
        let fields = [
            "trade_creation",
            "trade_diversion",
            "external_trade_suppression",
        ];
        let mut head = vec![("member".to_string(), false)];
        for f in fields {
            head.push((format!("{}: median", field_label(f)), true));
            head.push(("90% band".to_string(), true));
        }
        let mut t = Table::with_head(head);
        for m in members {
            let Some(e) = s.countries.iter().find(|c| &c.country == m) else {
                continue;
            };
            let mut cells = vec![Cell::text(m)];
            for f in fields {
                let x = e.metrics.get(f).copied().unwrap_or_default();
                cells.push(amount(x.p50));
                cells.push(band(&x));
            }
            t.plain(cells);
        }
        page.table(&t.caption(format!(
            "{}; volumes, {}",
            titled(&s.name, label),
            cx.words.short
        )));
    }
}

/// (Nothing without a chosen country.)
fn country(page: &mut Page, cx: &Ctx) {
    let code = cx.chosen.as_str();
    if code.is_empty() {
        return;
    }
    let doc = cx.doc;
    page.h2("country", &format!("{code}: every field"));
    page.small("Imports by origin need the bilateral flows of a single run of the same scenario file; a Monte Carlo result keeps each country's totals.");
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        let Some(e) = s.countries.iter().find(|c| c.country == code) else {
            continue;
        };
        page.table(&fields_table(e).caption(format!(
            "{}; {}",
            titled(&s.name, label),
            cx.words.short
        )));
    }
}

/// The outputs the scenario file asked to track: each a country's row in
/// one sector (its change fields) or one flow's counterfactual volume.
fn tracked(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    let any = |list: &[McScenario]| list.iter().any(|s| !s.tracked.is_empty());
    if !any(&doc.scenarios) && !any(&doc.differences) {
        return;
    }
    page.h2("tracked", "Tracked outputs");
    page.small(&format!(
        "The outputs the scenario file tracks, named as in the result's CSV files: SECTOR/COUNTRY is a country's figures in one sector (changes from {}), SECTOR/EXPORTER->IMPORTER one flow's volume after the policy (a level, at baseline prices). Differences are paired draw by draw, as above.",
        cx.words.baseline
    ));
    let labelled = doc
        .scenarios
        .iter()
        .zip(&cx.words.labels)
        .map(|(s, l)| (titled(&s.name, l), s, false))
        .chain(doc.differences.iter().map(|d| (diff_label(d), d, true)));
    for (title, s, difference) in labelled {
        if s.tracked.is_empty() {
            continue;
        }
        page.table(
            &tracked_table(&s.tracked, difference).caption(format!("{title}; {}", cx.words.short)),
        );
    }
}

/// One row per tracked output and field: mean, median, band, P(> 0). A
/// sector row shows the change fields of the country tables; a flow its
/// volume after the policy (a level: no P(> 0), unless this is a
/// `difference` of two scenarios).
fn tracked_table(outputs: &[McTracked], difference: bool) -> Table {
    let mut t = Table::new(&[
        ("output", false),
        ("field", false),
        ("mean", true),
        ("median", true),
        ("90% band", true),
        ("P(> 0)", true),
    ]);
    for o in outputs {
        let (fields, level) = match o.output {
            Tracked::SectorRow { .. } => (ordered_fields(&o.metrics), false),
            Tracked::Flow { .. } => (vec![FLOW_FIELD.to_string()], !difference),
        };
        let label = o.output.label();
        for (row, f) in fields.iter().enumerate() {
            let Some(m) = o.metrics.get(f) else {
                continue;
            };
            let name = match (&o.output, difference) {
                (Tracked::Flow { .. }, false) => "volume after the policy".to_string(),
                (Tracked::Flow { .. }, true) => "volume after the policy: difference".to_string(),
                (Tracked::SectorRow { .. }, _) => field_label(f),
            };
            t.plain(vec![
                Cell::text(if row == 0 { label.as_str() } else { "" }),
                Cell::text(name),
                amount(m.mean),
                amount(m.p50),
                band(m),
                if level { Cell::none() } else { share(m) },
            ]);
        }
    }
    t
}

fn failures(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    if doc.failures.is_empty() {
        return;
    }
    page.h2("failures", "Failed draws");
    page.small(&format!(
        "{} draw{} failed and {} left out of every summary, so that the scenarios stay paired. The first 50 are listed; the result file holds them all, with their parameters.",
        format::count(doc.failures.len() as u64),
        if doc.failures.len() == 1 { "" } else { "s" },
        if doc.failures.len() == 1 { "is" } else { "are" },
    ));
    let mut t = Table::new(&[("draw", true), ("scenario", false), ("why", false)]);
    for f in doc.failures.iter().take(50) {
        t.plain(vec![
            Cell::num(f.draw.to_string()),
            Cell::text(f.scenario.as_deref().unwrap_or("(sampled values invalid)")),
            Cell::text(&f.reason),
        ]);
    }
    page.table(&t);
}

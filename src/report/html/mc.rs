//! The report of an `mc` (Monte Carlo) result.

use super::doc::{McDoc, McEntity, McScenario, MetricView};
use super::page::{Cell, Page, Table};
use super::{
    ReportOptions, Wording, chosen_country, field_label, footer, model_phrase, scenarios_phrase,
    titled,
};
use crate::error::Result;
use crate::report::chart::{CategoryChart, Series};
use crate::report::format;

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

struct Ctx<'a> {
    doc: &'a McDoc,
    units: String,
    short: String,
    baseline: String,
    labels: Vec<String>,
    draws_note: String,
}

fn amount(v: Option<f64>) -> Cell {
    v.map_or_else(Cell::none, |v| Cell::num(format::amount(v)))
}

fn band(m: &MetricView) -> Cell {
    match (m.p05, m.p95) {
        (Some(a), Some(b)) => Cell::num(format!("{} to {}", format::amount(a), format::amount(b))),
        _ => Cell::none(),
    }
}

fn share(m: &MetricView) -> Cell {
    m.share_positive
        .map_or_else(Cell::none, |p| Cell::num(format::share(p)))
}

pub(super) fn render(doc: &McDoc, options: &ReportOptions) -> Result<String> {
    let countries: Vec<String> = doc
        .scenarios
        .first()
        .map(|s| s.countries.iter().map(|c| c.country.clone()).collect())
        .unwrap_or_default();
    let first_member = doc
        .scenarios
        .iter()
        .flat_map(|s| s.unions.iter())
        .find_map(|u| u.members.first());
    let chosen = chosen_country(options.country.as_deref(), &countries, first_member)?;
    let items: Vec<(&str, &str)> = doc
        .scenarios
        .iter()
        .map(|s| (s.name.as_str(), s.description.as_str()))
        .collect();
    let ok = doc.ok.unwrap_or(doc.draws.saturating_sub(doc.failed));
    let draws_note = if doc.failed > 0 {
        format!(
            "{} draws ({} failed and left out)",
            format::count(ok),
            format::count(doc.failed)
        )
    } else {
        format!("{} draws", format::count(ok))
    };
    let Wording {
        units,
        short,
        baseline,
        labels,
    } = Wording::new(&doc.meta, &items);
    let cx = Ctx {
        doc,
        units,
        short,
        baseline,
        labels,
        draws_note,
    };
    let mut page = Page::default();
    what_was_run(&mut page, &cx, options);
    welfare(&mut page, &cx);
    differences(&mut page, &cx);
    unions(&mut page, &cx);
    trade(&mut page, &cx);
    if !chosen.is_empty() {
        country(&mut page, &cx, &chosen);
    }
    failures(&mut page, &cx);
    let title = format!(
        "Customs-union Monte Carlo: {}",
        doc.meta.scenario_file.as_deref().unwrap_or("results")
    );
    let lede = format!(
        "{} under uncertain elasticities, {}. Every figure is a change from {} unless it says otherwise.",
        scenarios_phrase(doc.scenarios.len()),
        cx.draws_note,
        cx.baseline
    );
    Ok(page.finish(&title, &lede, &footer(&doc.meta, options)))
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

fn what_was_run(page: &mut Page, cx: &Ctx, options: &ReportOptions) {
    let doc = cx.doc;
    let m = &doc.meta;
    page.h2("what-was-run", "What was run");
    let mut items = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            items.push((k.to_string(), v));
        }
    };
    put("Scenario file", m.scenario_file.clone());
    put("Dataset", m.dataset.clone());
    if m.model.is_some() {
        put("Model", Some(model_phrase(m)));
    }
    put(
        "Draws",
        Some(format!(
            "{} ({} usable, {} failed)",
            format::count(doc.draws),
            format::count(doc.ok.unwrap_or(doc.draws.saturating_sub(doc.failed))),
            format::count(doc.failed)
        )),
    );
    put(
        "Sampling",
        doc.sampling.as_ref().map(|v| match v.as_str() {
            Some(s) => s.to_string(),
            None => v.to_string(),
        }),
    );
    put("Seed", doc.seed.map(|s| s.to_string()));
    put("Monte Carlo standard error", doc.mcse.clone());
    put("Varied parameters", parameter_summary(&doc.parameters));
    put("Fingerprint", doc.fingerprint.clone());
    put("Values", Some(cx.units.clone()));
    put("Tool version", m.tool_version.clone());
    put("Result file", options.source.clone());
    page.definitions(&items);
    let mut t = Table::new(&[
        ("scenario", false),
        ("what it does", false),
        ("unions (members)", false),
    ]);
    for s in &doc.scenarios {
        let unions: Vec<String> = s
            .unions
            .iter()
            .map(|u| format!("{} ({})", u.country, u.members.join(", ")))
            .collect();
        t.row(
            vec![
                Cell::text(&s.name),
                Cell::text(if s.description.is_empty() {
                    "(the result does not describe it)"
                } else {
                    &s.description
                }),
                Cell::text(unions.join("; ")),
            ],
            "",
        );
    }
    page.table(&t.caption("Scenarios, in file order"));
    page.howto(&[
        format!(
            "Each scenario was solved once per draw of the uncertain elasticities; the same draws were used for every scenario. Every figure is a change from {}, in {} (trade effects: volumes at baseline prices).",
            cx.baseline, cx.units
        ),
        "The median is the middle draw. The 90% band runs from the 5th to the 95th percentile of the draws: 90% of the draws fall inside it. P(gain) is the share of draws in which the value is above zero.".to_string(),
        "The Monte Carlo standard error says how far the mean could move with more draws; it is not the uncertainty of the result, which the band shows.".to_string(),
    ]);
}

/// A chart of one field's medians and 90% bands, one group per entity and
/// one series per scenario.
fn band_chart(
    cx: &Ctx,
    title: String,
    names: &[String],
    series: &[(String, &[McEntity])],
    field: &str,
) -> CategoryChart {
    let mut chart = CategoryChart::new(title, cx.short.clone(), names.to_vec())
        .subtitle(format!("Median and 90% band over {}.", cx.draws_note))
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
        t.row(
            vec![
                Cell::text(&e.country),
                amount(m.mean),
                amount(m.p50),
                band(m),
                amount(m.sd),
                m.mcse
                    .map_or_else(Cell::none, |v| Cell::num(format::grouped(v, 2))),
                share(m),
            ],
            "",
        );
    }
    t.caption(caption)
}

fn welfare(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    page.h2("welfare", "Welfare, with its uncertainty");
    let names: Vec<String> = doc
        .scenarios
        .first()
        .map(|s| s.countries.iter().map(|c| c.country.clone()).collect())
        .unwrap_or_default();
    let series: Vec<(String, &[McEntity])> = doc
        .scenarios
        .iter()
        .zip(&cx.labels)
        .map(|(s, l)| (l.clone(), s.countries.as_slice()))
        .collect();
    page.figure(
        &band_chart(
            cx,
            format!("Welfare by country: change from {}", cx.baseline),
            &names,
            &series,
            "welfare",
        )
        .figure(),
    );
    for (s, label) in doc.scenarios.iter().zip(&cx.labels) {
        page.h3(&titled(&s.name, label));
        page.table(&metric_table(
            &s.countries,
            "welfare",
            format!("Welfare: change from {}, {}", cx.baseline, cx.short),
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
    let names: Vec<String> = doc
        .differences
        .first()
        .map(|d| d.countries.iter().map(|c| c.country.clone()).collect())
        .unwrap_or_default();
    let series: Vec<(String, &[McEntity])> = doc
        .differences
        .iter()
        .map(|d| (diff_label(d), d.countries.as_slice()))
        .collect();
    page.figure(
        &band_chart(
            cx,
            "Welfare: difference between scenarios, paired draw by draw".to_string(),
            &names,
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
            format!("Welfare difference, {}", cx.short),
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
    let doc = cx.doc;
    if doc.scenarios.iter().all(|s| s.unions.is_empty()) {
        return;
    }
    page.h2("unions", "Unions");
    page.small("Each union's figures add up its members' in every draw; the statistics are those of the sums.");
    for (s, label) in doc.scenarios.iter().zip(&cx.labels) {
        for u in &s.unions {
            page.table(&fields_table(u).caption(format!(
                "{}; union {} ({}); {}",
                titled(&s.name, label),
                u.country,
                u.members.join(", "),
                cx.short
            )));
        }
    }
}

/// A level or a value at new prices rather than a change in volume or value units.
fn is_level(field: &str) -> bool {
    field.ends_with("_baseline") || field.ends_with("_counterfactual") || field.ends_with("_value")
}

fn ordered_fields(e: &McEntity) -> Vec<String> {
    let mut out: Vec<String> = FIELD_ORDER
        .iter()
        .filter(|f| e.metrics.contains_key(**f))
        .map(|f| f.to_string())
        .collect();
    // levels (baseline, counterfactual) are left out: the tables are of changes
    out.retain(|k| !is_level(k));
    for k in e.metrics.keys() {
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
    for f in ordered_fields(e) {
        let m = &e.metrics[&f];
        t.row(
            vec![
                Cell::text(field_label(&f)),
                amount(m.mean),
                amount(m.p50),
                band(m),
                share(m),
            ],
            "",
        );
    }
    t
}

fn trade(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    if doc.scenarios.iter().all(|s| s.unions.is_empty()) {
        return;
    }
    page.h2("trade", "Trade creation, diversion and suppression");
    page.howto(&[
        "For union members: trade diversion is the part of new imports from partners that replaces imports from outside; trade creation is the rest of the change in imports from partners (negative when members buy less from each other); external trade suppression is the fall in imports from outside that nothing replaces (negative when they buy more from outside). Volumes at baseline prices; medians with the 90% band.".to_string(),
    ]);
    for (s, label) in doc.scenarios.iter().zip(&cx.labels) {
        let members: Vec<&String> = s.unions.iter().flat_map(|u| u.members.iter()).collect();
        if members.is_empty() {
            continue;
        }
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
            t.row(cells, "");
        }
        page.table(&t.caption(format!("{}; volumes, {}", titled(&s.name, label), cx.short)));
    }
}

fn country(page: &mut Page, cx: &Ctx, code: &str) {
    let doc = cx.doc;
    page.h2("country", &format!("{code}: every field"));
    page.small("Imports by origin need the bilateral flows of a single run of the same scenario file; a Monte Carlo result keeps each country's totals.");
    for (s, label) in doc.scenarios.iter().zip(&cx.labels) {
        let Some(e) = s.countries.iter().find(|c| c.country == code) else {
            continue;
        };
        page.table(&fields_table(e).caption(format!("{}; {}", titled(&s.name, label), cx.short)));
    }
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
        t.row(
            vec![
                Cell::num(f.draw.to_string()),
                Cell::text(f.scenario.as_deref().unwrap_or("(sampled values invalid)")),
                Cell::text(&f.reason),
            ],
            "",
        );
    }
    page.table(&t);
}

//! The report of a `run` result.

use super::doc::{Fields, PartView, Row, RunDoc, ScenarioView};
use super::page::{Cell, Page, Table};
use super::{Intro, ReportOptions, field_label, model_phrase, titled};
use crate::error::Result;
use crate::report::chart::{CategoryChart, Series, TOTAL_COLOR};
use crate::report::format;

/// Parts of welfare, in the order they are shown, when the result has them.
const WELFARE_PARTS: [&str; 5] = [
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "quota_rent",
    "export_tax_revenue",
];

/// Trade effects of union members (volumes).
const TRADE_FIELDS: [&str; 5] = [
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
];

type Ctx<'a> = super::Ctx<'a, RunDoc>;

impl Ctx<'_> {
    fn label_of(&self, scenario: &str) -> String {
        self.doc
            .scenarios
            .iter()
            .position(|s| s.name == scenario)
            .map_or(scenario.to_string(), |k| self.words.labels[k].clone())
    }
}

fn amount_cell(v: Option<f64>) -> Cell {
    v.map_or_else(Cell::none, |v| Cell::num(format::amount(v)))
}

/// The sum of `field` over `rows` (for parts that must add to a total).
fn value(rows: &[Row], country: &str, field: &str) -> Option<f64> {
    rows.iter().find(|r| r.country == country)?.get(field)
}

pub(super) fn render(doc: &RunDoc, options: &ReportOptions) -> Result<String> {
    let countries: Vec<String> = if doc.countries.is_empty() {
        doc.scenarios
            .first()
            .map(|s| {
                s.totals
                    .countries
                    .iter()
                    .map(|r| r.country.clone())
                    .collect()
            })
            .unwrap_or_default()
    } else {
        doc.countries.clone()
    };
    let intros = doc
        .scenarios
        .iter()
        .map(|s| Intro::new(&s.name, &s.description, &s.unions));
    let cx = Ctx::new(doc, &doc.meta, intros.collect(), countries, options)?;
    let how = format!(
        "on the {} data, {}",
        doc.meta.text("dataset").unwrap_or("given"),
        model_phrase(&doc.meta)
    );
    let sections: &[fn(&mut Page, &Ctx)] = &[
        what_was_run,
        welfare,
        trade,
        decomposition,
        article_xxiv,
        quotas,
        imports,
        diagnostics,
    ];
    Ok(cx.render(sections, "simulation", &how))
}

fn what_was_run(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    let solver = doc.solver.text("method").map(|meth| {
        let mut s = meth.to_string();
        if let Some(t) = doc.solver.num("tol") {
            s.push_str(&format!(", tolerance {t:e}"));
        }
        if let Some(n) = doc.solver.num("max_iter") {
            s.push_str(&format!(", at most {n} iterations"));
        }
        s
    });
    let specific = vec![
        ("Solver", solver),
        (
            "Countries",
            (!cx.countries.is_empty()).then(|| cx.countries.join(", ")),
        ),
        (
            "Sectors",
            (!doc.sectors.is_empty()).then(|| doc.sectors.join(", ")),
        ),
    ];
    cx.what_was_run(
        page,
        specific,
        &[
            format!(
                "Each scenario is compared with {}: the data as they are, before any change. A scenario that extends another includes the other's changes, so its numbers are cumulative.",
                cx.words.baseline
            ),
            format!(
                "Values (surplus, revenue, welfare) are in {}. Imports and trade effects are volumes: quantities valued at baseline prices, in the same units, so that price changes do not show up as trade.",
                cx.words.units
            ),
        ],
    );
    if !doc.warnings.is_empty() {
        page.h3("Warnings");
        page.warnings(&doc.warnings);
    }
}

fn welfare(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    page.h2("welfare", "Welfare by country");
    page.howto(&[
        "Welfare is the sum of its parts: the change in consumer surplus (what buyers gain from lower prices or lose from higher ones), in producer surplus (what producers gain from higher prices and sales) and in tariff revenue. Each part belongs to the country named in the row.".to_string(),
        "Tariff revenue is counted after pooling: when a union pools its import duties, a member's revenue change includes the share of the pool it receives, so pooling moves welfare between members without changing their sum.".to_string(),
        "A positive number is a gain. Union rows add up their members.".to_string(),
    ]);
    let mut chart = CategoryChart::new(
        format!("Welfare by country: change from {}", cx.words.baseline),
        cx.words.short.clone(),
        cx.countries.clone(),
    )
    .subtitle("One bar per scenario; each scenario is measured from the baseline.");
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        chart = chart.series(Series::bars(
            label.clone(),
            cx.countries
                .iter()
                .map(|c| value(&s.totals.countries, c, "welfare").unwrap_or(0.0))
                .collect(),
        ));
    }
    page.figure(&chart.figure());
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        page.h3(&titled(&s.name, label));
        let parts: Vec<&str> = WELFARE_PARTS
            .iter()
            .copied()
            .filter(|f| s.totals.countries.iter().any(|r| r.get(f).is_some()))
            .collect();
        let pct = s
            .totals
            .countries
            .iter()
            .any(|r| r.get("welfare_pct_gdp").is_some());
        let mut head = vec![
            ("country".to_string(), false),
            ("welfare".to_string(), true),
        ];
        head.extend(parts.iter().map(|f| (field_label(f), true)));
        if pct {
            head.push((field_label("welfare_pct_gdp"), true));
        }
        let mut t = Table::with_head(head);
        let mut add = |row: &Row, class: &'static str| {
            let mut cells = vec![Cell::text(&row.country), amount_cell(row.get("welfare"))];
            cells.extend(parts.iter().map(|f| amount_cell(row.get(f))));
            if pct {
                cells.push(row.get("welfare_pct_gdp").map_or_else(Cell::none, |v| {
                    Cell::num(format!("{}%", format::grouped(v, 3)))
                }));
            }
            t.row(cells, class);
        };
        for r in &s.totals.countries {
            add(r, "");
        }
        for u in &s.unions {
            let mut row = u.row();
            row.country = format!("union {} ({})", u.name, u.members.join(", "));
            add(&row, "union");
        }
        page.table(&t.caption(format!(
            "Change from {}, {}",
            cx.words.baseline, cx.words.units
        )));
        let mut chart = CategoryChart::new(
            format!("Welfare and its parts: change from {}", cx.words.baseline),
            cx.words.short.clone(),
            cx.countries.clone(),
        )
        .subtitle(format!("Scenario: {label}"));
        for f in &parts {
            chart = chart.series(Series::bars(
                field_label(f),
                cx.countries
                    .iter()
                    .map(|c| value(&s.totals.countries, c, f).unwrap_or(0.0))
                    .collect(),
            ));
        }
        chart = chart.series(
            Series::bars(
                "welfare (the sum)",
                cx.countries
                    .iter()
                    .map(|c| value(&s.totals.countries, c, "welfare").unwrap_or(0.0))
                    .collect(),
            )
            .color(TOTAL_COLOR),
        );
        page.figure(&chart.figure());
    }
}

fn trade(page: &mut Page, cx: &Ctx) {
    if !cx.trade_section(page, &[
        "For each union member, the change in its imports from partners (ΔMp) and from outside the union (ΔMo) is split three ways. Trade diversion is the part of the new partner imports that replaces imports from outside: TD = max(0, min(ΔMp, −ΔMo)). Trade creation is the rest of the change in partner imports: TC = ΔMp − TD. External trade suppression is the fall in outside imports that no partner import replaces: ETS = −ΔMo − TD.".to_string(),
        "Negative trade creation means the member buys less from its partners than before (ΔMp < 0): for example when a higher common external tariff raises the cost of partners' goods, or a partner's goods become dearer. Negative external trade suppression means the member buys more from outside the union (for example when its external tariff falls under the common schedule). Both are reported as computed, not set to zero.".to_string(),
        format!("All are volumes (quantities at baseline prices) in {}; countries outside every union have none.", cx.words.short),
    ]) {
        return;
    }
    for (k, label, members) in cx.members_by_scenario() {
        let s = &cx.doc.scenarios[k];
        page.h3(&titled(&s.name, label));
        let mut head = vec![("member".to_string(), false)];
        head.extend(TRADE_FIELDS.iter().map(|f| (field_label(f), true)));
        head.push((field_label("imports_change"), true));
        let mut t = Table::with_head(head);
        let mut add = |row: &Row, name: String, class: &'static str| {
            let mut cells = vec![Cell::text(name)];
            cells.extend(TRADE_FIELDS.iter().map(|f| amount_cell(row.get(f))));
            let change = match (
                row.get("imports_counterfactual"),
                row.get("imports_baseline"),
            ) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            };
            cells.push(amount_cell(change));
            t.row(cells, class);
        };
        for m in &members {
            if let Some(r) = s.totals.countries.iter().find(|r| &&r.country == m) {
                add(r, r.country.clone(), "");
            }
        }
        for u in &s.unions {
            add(&u.row(), format!("union {}", u.name), "union");
        }
        page.table(&t.caption(format!(
            "Volumes: change from {}, {}",
            cx.words.baseline, cx.words.short
        )));
        let names: Vec<String> = members.iter().map(|m| m.to_string()).collect();
        let mut chart = CategoryChart::new(
            format!(
                "Trade effects of members: change from {}",
                cx.words.baseline
            ),
            format!("{} (volumes at baseline prices)", cx.words.short),
            names.clone(),
        )
        .subtitle(format!("Scenario: {label}"));
        for f in [
            "trade_creation",
            "trade_diversion",
            "external_trade_suppression",
        ] {
            chart = chart.series(Series::bars(
                field_label(f),
                names
                    .iter()
                    .map(|c| value(&s.totals.countries, c, f).unwrap_or(0.0))
                    .collect(),
            ));
        }
        page.figure(&chart.figure());
    }
}

/// Shapley values and stages side by side: one row per country, the
/// components' columns, then the stages', then the total.
fn side_by_side(cx: &Ctx, s: &ScenarioView, d: &[PartView], stages: &[PartView]) -> Table {
    let mut head = vec![("country".to_string(), false)];
    head.extend(d.iter().map(|p| (p.component.clone(), true)));
    head.extend(stages.iter().map(|p| (p.component.clone(), true)));
    head.push(("total".to_string(), true));
    let mut groups = vec![
        (String::new(), 1),
        ("Shapley values by component".to_string(), d.len()),
    ];
    if !stages.is_empty() {
        groups.push((
            "stages: each one's change over the one before".to_string(),
            stages.len(),
        ));
    }
    groups.push((String::new(), 1));
    let mut t = Table::with_head(head).groups(groups);
    for c in &cx.countries {
        let mut cells = vec![Cell::text(c)];
        cells.extend(
            d.iter()
                .chain(stages)
                .map(|p| amount_cell(value(&p.countries, c, "welfare"))),
        );
        cells.push(amount_cell(value(&s.totals.countries, c, "welfare")));
        t.plain(cells);
    }
    t
}

fn parts_chart(
    cx: &Ctx,
    title: String,
    subtitle: String,
    parts: &[(String, &PartView)],
    s: &ScenarioView,
) -> CategoryChart {
    let mut chart =
        CategoryChart::new(title, cx.words.short.clone(), cx.countries.clone()).subtitle(subtitle);
    for (name, p) in parts {
        chart = chart.series(Series::bars(
            name.clone(),
            cx.countries
                .iter()
                .map(|c| value(&p.countries, c, "welfare").unwrap_or(0.0))
                .collect(),
        ));
    }
    chart.series(
        Series::bars(
            "total",
            cx.countries
                .iter()
                .map(|c| value(&s.totals.countries, c, "welfare").unwrap_or(0.0))
                .collect(),
        )
        .color(TOTAL_COLOR),
    )
}

fn decomposition(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    if doc.scenarios.iter().all(|s| s.decomposition.is_none()) {
        return;
    }
    page.h2("decomposition", "Decomposition: what each part contributed");
    page.howto(&[
        "The Shapley decomposition splits a scenario's welfare change among its components (the common external tariff, internal liberalisation, a cut in non-tariff barriers, duty pooling, …). A component's Shapley value is its average contribution over every order in which the components could be introduced; the values add up exactly to the total.".to_string(),
        "The stages split the same total along the scenario's chain of `extends`: each stage is the change from the scenario it extends, in the order history took. They also add up to the total.".to_string(),
        "The two differ because the components interact. Duty pooling, for example, shares out the revenue that the common external tariff raised: measured stage by stage, the pooling stage carries that interaction; the Shapley split shares it between the tariff and the pooling. Neither is wrong: stages answer \"what did each step add, given the steps before it\", Shapley values answer \"what is each component worth on average\".".to_string(),
        "A component that changes nothing is left out of the charts and named under them.".to_string(),
    ]);
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        let Some(d) = &s.decomposition else { continue };
        page.h3(&titled(&s.name, label));
        let stages: &[PartView] = s.stages.as_deref().filter(|st| st.len() > 1).unwrap_or(&[]);
        page.table(&side_by_side(cx, s, d, stages).caption(format!(
            "Welfare, {}: Shapley values and stages both add up to the total",
            cx.words.short
        )));
        if stages.is_empty() {
            page.small("This scenario extends no other, so it has a single stage: the total.");
        } else {
            let names: Vec<String> = stages
                .iter()
                .map(|p| format!("{} = {}", p.component, cx.label_of(&p.component)))
                .collect();
            page.small(&format!("Stages: {}.", names.join("; ")));
        }
        let named: Vec<(String, &PartView)> = d.iter().map(|p| (p.component.clone(), p)).collect();
        page.figure(
            &parts_chart(
                cx,
                format!(
                    "Welfare by component (Shapley): change from {}",
                    cx.words.baseline
                ),
                format!("Scenario: {label}"),
                &named,
                s,
            )
            .figure(),
        );
        if let Some(st) = s.stages.as_ref().filter(|st| st.len() > 1) {
            let named: Vec<(String, &PartView)> =
                st.iter().map(|p| (cx.label_of(&p.component), p)).collect();
            page.figure(
                &parts_chart(
                    cx,
                    format!(
                        "Welfare by stage: each stage's change over the one before, from {}",
                        cx.words.baseline
                    ),
                    format!("Scenario: {label}"),
                    &named,
                    s,
                )
                .figure(),
            );
        }
    }
}

fn article_xxiv(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    if doc
        .scenarios
        .iter()
        .all(|s| s.unions.iter().all(|u| u.article_xxiv.is_none()))
    {
        return;
    }
    page.h2("article-xxiv", "Article XXIV: average external tariffs");
    page.howto(&[
        "GATT Article XXIV:5 asks that a customs union's duties on outsiders be not higher \"on the whole\" than the members' duties before. The tables give each member's average tariff on imports from outside the union before (the baseline) and after (the scenario), as a simple mean over sectors and weighted by baseline imports from outsiders, and the union's averages.".to_string(),
        "Changes are in percentage points (pp). A member whose average rises (as Kazakhstan's did when it adopted Russia's higher schedule) raises its external protection even if the union's average falls.".to_string(),
    ]);
    // (the union's name, members and averages as shown, where first shown)
    let mut shown: Vec<(String, String)> = Vec::new();
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        for u in &s.unions {
            let Some(a) = &u.article_xxiv else { continue };
            let heading = format!(
                "{}; union {} ({})",
                titled(&s.name, label),
                u.name,
                u.members.join(", ")
            );
            let key = format!("{}|{:?}|{:?}|{:?}", u.name, u.members, a.members, a.union);
            if let Some((_, first)) = shown.iter().find(|(k, _)| *k == key) {
                page.small(&format!("{heading}: the same averages as in {first}."));
                continue;
            }
            shown.push((key, s.name.clone()));
            let mut t = Table::new(&[
                ("", false),
                ("simple, before", true),
                ("simple, after", true),
                ("change", true),
                ("weighted, before", true),
                ("weighted, after", true),
                ("change", true),
            ]);
            let pct =
                |v: Option<f64>| v.map_or_else(Cell::none, |v| Cell::num(format::percent(v, 2)));
            let chg = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => Cell::num(format::points(b - a, 2)),
                _ => Cell::none(),
            };
            let mut add = |name: String, v: &Fields, class: &'static str| {
                let mut cells = vec![Cell::text(name)];
                for kind in ["simple", "weighted"] {
                    let before = v.num(&format!("{kind}_before"));
                    let after = v.num(&format!("{kind}_after"));
                    cells.extend([pct(before), pct(after), chg(before, after)]);
                }
                t.row(cells, class);
            };
            for m in &a.members {
                add(m.text("country").unwrap_or_default().to_string(), m, "");
            }
            add(format!("union {}", u.name), &a.union, "union");
            page.table(&t.caption(heading));
        }
    }
}

fn quotas(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    if doc
        .scenarios
        .iter()
        .all(|s| s.quotas.as_ref().is_none_or(Vec::is_empty))
    {
        return;
    }
    page.h2("quotas", "Quotas");
    page.howto(&[
        "Each quota covers the flows of one sector named by importer and exporter (`*`: every one). Volume is the quota; the counterfactual is the volume that flows. The regime says whether the quota binds (at), does not (under), or is exceeded at the out-of-quota tariff (over). The rent rate is the ad-valorem wedge the quota adds to the price, and the rent goes to its holder.".to_string(),
    ]);
    for (s, label) in doc.scenarios.iter().zip(&cx.words.labels) {
        let Some(q) = s.quotas.as_ref().filter(|q| !q.is_empty()) else {
            continue;
        };
        let mut t = Table::new(&[
            ("sector", false),
            ("importer", false),
            ("exporter", false),
            ("quota volume", true),
            ("volume that flows", true),
            ("regime", false),
            ("rent rate", true),
            ("rent", true),
            ("holder", false),
        ]);
        for x in q {
            let text = |name| Cell::text(x.text(name).unwrap_or_default());
            t.plain(vec![
                text("sector"),
                text("importer"),
                text("exporter"),
                amount_cell(x.num("volume")),
                amount_cell(x.num("counterfactual")),
                text("regime"),
                x.num("rent_rate")
                    .map_or_else(Cell::none, |v| Cell::num(format::percent(v, 1))),
                amount_cell(x.num("rent")),
                text("holder"),
            ]);
        }
        page.table(&t.caption(format!(
            "{} (volumes and rents in {})",
            titled(&s.name, label),
            cx.words.short
        )));
    }
}

/// Imports of `country` from each origin summed over sectors: (origin, baseline, counterfactual).
fn imports_of(s: &ScenarioView, country: &str, origins: &[String]) -> Vec<(f64, f64)> {
    let mut out = vec![(0.0, 0.0); origins.len()];
    for sec in &s.sectors {
        for f in sec
            .flows
            .iter()
            .filter(|f| f.importer == country && f.exporter != country)
        {
            if let Some(k) = origins.iter().position(|o| *o == f.exporter) {
                out[k].0 += f.baseline;
                out[k].1 += f.counterfactual;
            }
        }
    }
    out
}

/// (Nothing without a chosen country.)
fn imports(page: &mut Page, cx: &Ctx) {
    let country = cx.chosen.as_str();
    if country.is_empty() {
        return;
    }
    let doc = cx.doc;
    let origins: Vec<String> = cx
        .countries
        .iter()
        .filter(|c| *c != country)
        .cloned()
        .collect();
    let per: Vec<Vec<(f64, f64)>> = doc
        .scenarios
        .iter()
        .map(|s| imports_of(s, country, &origins))
        .collect();
    page.h2("imports", &format!("Imports of {country} by origin"));
    page.howto(&[
        format!(
            "{country}'s imports from each origin, summed over sectors (its own domestic sales are left out), in the baseline and in each scenario. Volumes: quantities at baseline prices, in {}.",
            cx.words.short
        ),
        "Trade diversion shows as imports moving from outsiders to union partners; the shares tell how the mix of suppliers changes.".to_string(),
    ]);
    let without_flows = doc
        .scenarios
        .iter()
        .all(|s| s.sectors.iter().all(|sec| sec.flows.is_empty()));
    if without_flows {
        total_imports(page, cx, country);
        return;
    }
    if per.iter().all(|p| p.iter().all(|(b, _)| *b == 0.0)) {
        page.p("The result holds no flows for this country (flows are kept only when the run records them).");
        return;
    }
    let baseline: Vec<f64> = per
        .first()
        .map(|p| p.iter().map(|x| x.0).collect())
        .unwrap_or_default();
    let total0: f64 = baseline.iter().sum();
    let mut chart = CategoryChart::new(
        format!(
            "Imports of {country} by origin: {} and each scenario",
            cx.words.baseline.trim_start_matches("the ")
        ),
        format!("{} (volumes at baseline prices)", cx.words.short),
        origins.clone(),
    )
    .series(Series::bars("baseline", baseline.clone()).baseline());
    for (p, label) in per.iter().zip(&cx.words.labels) {
        chart = chart.series(Series::bars(label.clone(), p.iter().map(|x| x.1).collect()));
    }
    page.figure(&chart.figure());
    let mut head = vec![
        ("origin".to_string(), false),
        ("baseline".to_string(), true),
        ("share".to_string(), true),
    ];
    for s in &doc.scenarios {
        head.push((s.name.clone(), true));
        head.push(("change".to_string(), true));
        head.push(("share".to_string(), true));
    }
    let mut t = Table::with_head(head);
    let totals: Vec<f64> = per.iter().map(|p| p.iter().map(|x| x.1).sum()).collect();
    for (k, o) in origins.iter().enumerate() {
        let mut cells = vec![
            Cell::text(o),
            Cell::num(format::amount(baseline[k])),
            share_cell(baseline[k], total0),
        ];
        for (p, total) in per.iter().zip(&totals) {
            let (b, x) = p[k];
            cells.push(Cell::num(format::amount(x)));
            cells.push(if b > 0.0 {
                Cell::num(format::points(x / b - 1.0, 1).replace(" pp", "%"))
            } else {
                Cell::none()
            });
            cells.push(share_cell(x, *total));
        }
        t.plain(cells);
    }
    let mut cells = vec![
        Cell::text("total"),
        Cell::num(format::amount(total0)),
        share_cell(total0, total0),
    ];
    for total in &totals {
        cells.push(Cell::num(format::amount(*total)));
        cells.push(if total0 > 0.0 {
            Cell::num(format::points(total / total0 - 1.0, 1).replace(" pp", "%"))
        } else {
            Cell::none()
        });
        cells.push(share_cell(*total, *total));
    }
    t.row(cells, "total");
    page.table(&t.caption(format!(
        "Volumes in {}; change from the baseline in percent; share of {country}'s imports",
        cx.words.short
    )));
}

/// Imports of `country` from its totals rows, for a result written without
/// bilateral flows: the total over every origin, not the split by origin.
fn total_imports(page: &mut Page, cx: &Ctx, country: &str) {
    page.p("This result was written without bilateral flows, so imports are shown in total over every origin, from the country's totals; the CSV output of the same run holds the flows by origin.");
    let mut head = vec![("".to_string(), false), ("baseline".to_string(), true)];
    for s in &cx.doc.scenarios {
        head.push((s.name.clone(), true));
        head.push(("change".to_string(), true));
    }
    let mut t = Table::with_head(head);
    let rows = |s: &ScenarioView, f: &str| value(&s.totals.countries, country, f);
    let base = cx
        .doc
        .scenarios
        .first()
        .and_then(|s| rows(s, "imports_baseline"));
    let mut cells = vec![Cell::text("imports, all origins"), amount_cell(base)];
    for s in &cx.doc.scenarios {
        let (b, x) = (
            rows(s, "imports_baseline"),
            rows(s, "imports_counterfactual"),
        );
        cells.push(amount_cell(x));
        cells.push(match (b, x) {
            (Some(b), Some(x)) if b > 0.0 => {
                Cell::num(format::points(x / b - 1.0, 1).replace(" pp", "%"))
            }
            _ => Cell::none(),
        });
    }
    t.row(cells, "total");
    page.table(&t.caption(format!(
        "Volumes in {}; change from the baseline in percent",
        cx.words.short
    )));
}

fn share_cell(v: f64, total: f64) -> Cell {
    if total > 0.0 {
        Cell::num(format::percent(v / total, 1))
    } else {
        Cell::none()
    }
}

fn diagnostics(page: &mut Page, cx: &Ctx) {
    let doc = cx.doc;
    if doc.scenarios.iter().all(|s| s.sectors.is_empty()) {
        return;
    }
    page.h2("diagnostics", "Solver diagnostics");
    page.small("Every sector's market was solved to the tolerance stated above; the largest residual and the iterations are reported so that a reader can check. Skipped sectors had no trade.");
    let mut t = Table::new(&[
        ("scenario", false),
        ("sectors solved", true),
        ("skipped", true),
        ("iterations (most in a sector)", true),
        ("largest residual", true),
        ("warnings", false),
    ]);
    for s in &doc.scenarios {
        let solved = s.sectors.iter().filter(|x| !x.skipped).count();
        let skipped: Vec<&str> = s
            .sectors
            .iter()
            .filter(|x| x.skipped)
            .map(|x| x.sector.as_str())
            .collect();
        let iters = s.sectors.iter().filter_map(|x| x.iterations).max();
        let resid = s
            .sectors
            .iter()
            .filter_map(|x| x.residual)
            .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
        t.plain(vec![
            Cell::text(&s.name),
            Cell::num(solved.to_string()),
            Cell::num(if skipped.is_empty() {
                "0".to_string()
            } else {
                skipped.join(", ")
            }),
            iters.map_or_else(Cell::none, |n| Cell::num(n.to_string())),
            resid.map_or_else(Cell::none, |r| Cell::num(format!("{r:.1e}"))),
            Cell::text(s.warnings.join("; ")),
        ]);
    }
    page.table(&t);
}

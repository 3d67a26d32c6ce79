//! Human-readable tables of results (what `customs-union run` prints).

use std::fmt::Write;

use crate::simulation::RunResults;

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
            "  changes from the baseline, {} (imports and trade effects: volumes at baseline prices)",
            results.meta.units.values
        );
        let _ = writeln!(
            s,
            "  {:<8} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}",
            "", "", "consumer", "producer", "tariff", "imports", "trade", "trade"
        );
        let _ = writeln!(
            s,
            "  {:<8} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}",
            "country",
            "welfare",
            "surplus",
            "surplus",
            "revenue",
            "change",
            "creation",
            "diversion"
        );
        for o in &r.totals {
            let _ = writeln!(
                s,
                "  {:<8} {:>11.1} {:>11.1} {:>11.1} {:>11.1} {:>11.1} {:>11.1} {:>11.1}",
                o.country,
                o.welfare,
                o.consumer_surplus,
                o.producer_surplus,
                o.tariff_revenue,
                o.imports_counterfactual - o.imports_baseline,
                o.trade_creation,
                o.trade_diversion
            );
        }
        for u in &r.unions {
            let a = &u.aggregate;
            let _ = writeln!(
                s,
                "  union {} ({}): welfare {:.1}, trade creation {:.1}, trade diversion {:.1}, external trade suppression {:.1}",
                u.name,
                u.members.join(", "),
                a.welfare,
                a.trade_creation,
                a.trade_diversion,
                a.external_trade_suppression
            );
            for m in &u.article_xxiv_members {
                let v = &m.averages;
                let _ = writeln!(
                    s,
                    "    {} external tariff: simple {:.2}% -> {:.2}%, trade-weighted {:.2}% -> {:.2}%",
                    m.country,
                    100.0 * v.simple_before,
                    100.0 * v.simple_after,
                    100.0 * v.weighted_before,
                    100.0 * v.weighted_after
                );
            }
        }
        if let Some(d) = &r.decomposition {
            let _ = writeln!(
                s,
                "  welfare by component (Shapley values, summing to the total):"
            );
            for c in d {
                let parts: Vec<String> = c
                    .countries
                    .iter()
                    .map(|o| format!("{} {:.1}", o.country, o.welfare))
                    .collect();
                let _ = writeln!(s, "    {:<40} {}", c.component, parts.join("  "));
            }
        }
        if let Some(st) = &r.stages {
            if st.len() > 1 {
                let _ = writeln!(
                    s,
                    "  welfare by stage (each stage's change over its parent):"
                );
                for c in st {
                    let parts: Vec<String> = c
                        .countries
                        .iter()
                        .map(|o| format!("{} {:.1}", o.country, o.welfare))
                        .collect();
                    let _ = writeln!(s, "    {:<40} {}", c.stage, parts.join("  "));
                }
            }
        }
        s.push('\n');
    }
    s
}

//! Stage-by-stage attribution along a scenario's `extends` chain, beside the
//! Shapley split: each stage's change over its parent.
//!
//! ```text
//! chain s_1 (oldest) .. s_m = s:   stage_k = totals(s_k) - totals(s_{k-1}),  totals(s_0) = 0
//! sum_k stage_k = totals(s)                        (every change field, exactly up to rounding)
//! ```
//! Unlike Shapley values, stages depend on the order in which the policies
//! were taken: a stage is valued given everything before it.

use super::{CountryResult, ScenarioResult, StageContribution};
use crate::accounts::CountryOutcome;

/// Fills every result's `stages` from the results of its ancestors (all in
/// `results`); `parent(name)` names a scenario's parent.
pub(crate) fn attribute<'a>(
    results: &mut [ScenarioResult],
    parent: impl Fn(&str) -> Option<&'a str>,
) {
    let totals_of = |results: &[ScenarioResult], name: &str| -> Option<Vec<CountryResult>> {
        results
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.totals.clone())
    };
    let mut all = Vec::with_capacity(results.len());
    for r in results.iter() {
        let mut chain = vec![r.name.clone()];
        while let Some(p) = parent(chain.last().map(String::as_str).unwrap_or_default()) {
            if chain.iter().any(|c| c == p) {
                break;
            }
            chain.push(p.to_string());
        }
        chain.reverse();
        let mut stages = Vec::with_capacity(chain.len());
        let mut before: Option<Vec<CountryResult>> = None;
        for name in &chain {
            let Some(now) = totals_of(results, name) else {
                break;
            };
            let countries = now
                .iter()
                .enumerate()
                .map(|(c, row)| {
                    let base = before
                        .as_ref()
                        .map_or(CountryOutcome::default(), |b| b[c].outcome);
                    CountryResult {
                        country: row.country.clone(),
                        outcome: row.outcome.minus(&base),
                        welfare_pct_gdp: None,
                    }
                })
                .collect();
            stages.push(StageContribution {
                stage: name.clone(),
                countries,
            });
            before = Some(now);
        }
        all.push(stages);
    }
    for (r, stages) in results.iter_mut().zip(all) {
        r.stages = Some(stages);
    }
}

//! The exact Shapley decomposition of a scenario's totals over its components.
//!
//! ```text
//! phi_c = sum_{S not containing c} |S|! (n-|S|-1)! / n! [F(S + c) - F(S)]
//! sum_c phi_c = F(all) - F(none) = F(all)                (F a change field)
//! ```

use rayon::prelude::*;

use super::{RunOptions, totals_for};
use crate::accounts::CountryOutcome;
use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::scenario::{CompiledScenario, MAX_COMPONENTS};
use crate::solver::Workspace;

/// Each component's Shapley value for every country, in component order.
///
/// # Errors
/// [`Error::Scenario`] with more than [`MAX_COMPONENTS`] components; any solver error.
pub(crate) fn shapley(
    data: &Dataset,
    cs: &CompiledScenario,
    opts: &RunOptions,
) -> Result<Vec<(String, Vec<CountryOutcome>)>> {
    let k = cs.components.len();
    if k > MAX_COMPONENTS {
        return Err(Error::scenario(
            &cs.source,
            format!("scenario `{}` (decomposition)", cs.name),
            format!(
                "{k} components, at most {MAX_COMPONENTS} can be decomposed (2^k solves): \
                 give related changes the same `component = \"label\"` to group them"
            ),
        ));
    }
    let n = data.n_countries();
    let union_of = cs.union_of(n);
    let subsets = 1usize << k;
    let values: Vec<Result<Vec<CountryOutcome>>> = (0..subsets)
        .into_par_iter()
        .map_init(
            || Workspace::new(n),
            |ws, mask| {
                let include: Vec<bool> = (0..k).map(|c| mask & (1 << c) != 0).collect();
                let policy = cs.policy_subset(data, &include);
                totals_for(data, &policy, opts, &union_of, ws)
            },
        )
        .collect();
    let values: Vec<Vec<CountryOutcome>> = values.into_iter().collect::<Result<_>>()?;
    // weights w(|S|) = |S|! (k-|S|-1)! / k!
    let fact = |m: usize| (1..=m).fold(1.0f64, |a, b| a * b as f64);
    let weight: Vec<f64> = (0..k.max(1))
        .map(|s| fact(s) * fact(k - s - 1) / fact(k))
        .collect();
    let mut out = Vec::with_capacity(k);
    for c in 0..k {
        let mut contrib = vec![CountryOutcome::default(); n];
        for mask in 0..subsets {
            if mask & (1 << c) != 0 {
                continue;
            }
            let w = weight[(mask as u64).count_ones() as usize];
            let with = &values[mask | (1 << c)];
            let without = &values[mask];
            for j in 0..n {
                contrib[j].add_scaled(&with[j], w);
                contrib[j].add_scaled(&without[j], -w);
            }
        }
        out.push((cs.components[c].clone(), contrib));
    }
    Ok(out)
}

//! Whether a market under a policy can have a unique equilibrium at all,
//! decided before any solve (bans and undetermined prices).
//!
//! ```text
//! a ban on a traded flow            needs sigma_m > 1      (its CES weight must vanish)
//! importer j with every nest source banned:
//!     nested and x0[j][j] > 0       needs sigma_d > 1      (else nothing to buy)
//! exporter i with every sale banned and finite epsilon     nothing to sell
//! eta = 0 and every producing origin has epsilon = 0       prices not determined
//! ```

use crate::error::Infeasible;
use crate::model::{DomesticTreatment, Elasticities, Market};
use crate::policy::SectorPolicy;

/// Checks `market` under `policy` with elasticities `el` and supply
/// elasticities `supply` (one per country).
///
/// # Errors
/// The first [`Infeasible`] reason found.
pub fn check(
    market: &Market,
    policy: &SectorPolicy,
    el: &Elasticities,
    supply: &[f64],
    treatment: DomesticTreatment,
) -> Result<(), Infeasible> {
    let n = market.n();
    let x0 = market.flows();
    let nested = treatment == DomesticTreatment::Nested;
    let in_nest = |i: usize, j: usize| !(nested && i == j);
    let any_ban = (0..n).any(|i| (0..n).any(|j| policy.is_banned(i, j) && x0.get(i, j) > 0.0));
    if any_ban {
        if el.sigma_import <= 1.0 {
            return Err(Infeasible::BanNeedsElasticImports);
        }
        for j in 0..n {
            let sources: Vec<usize> = (0..n)
                .filter(|&i| in_nest(i, j) && x0.get(i, j) > 0.0)
                .collect();
            if sources.is_empty() || sources.iter().any(|&i| !policy.is_banned(i, j)) {
                continue;
            }
            if !(nested && x0.get(j, j) > 0.0) {
                return Err(Infeasible::NothingToBuy { importer: j });
            }
            if el.sigma_domestic <= 1.0 {
                return Err(Infeasible::BanNeedsElasticDomestic { importer: j });
            }
        }
        for i in 0..n {
            let output: f64 = x0.row(i).iter().sum();
            let all_banned = (0..n).all(|j| x0.get(i, j) == 0.0 || policy.is_banned(i, j));
            if output > 0.0 && all_banned && supply[i].is_finite() {
                return Err(Infeasible::NothingToSell { exporter: i });
            }
        }
    }
    if el.demand == 0.0 {
        let output = |i: usize| x0.row(i).iter().sum::<f64>();
        let undetermined = (0..n).all(|i| output(i) == 0.0 || supply[i] == 0.0);
        let any = (0..n).any(|i| output(i) > 0.0);
        if undetermined && any {
            return Err(Infeasible::PricesUndetermined);
        }
    }
    Ok(())
}

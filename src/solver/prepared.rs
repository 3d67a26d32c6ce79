//! A sector's market prepared under one policy: everything the equilibrium
//! search needs that depends on neither elasticities nor prices.
//!
//! ```text
//! a[i][j]  = q0 x0 / sum_{k in nest(j)} q0 x0        baseline import-nest weights
//! b[j]     = q0 x0[j][j] / E0[j]                       baseline domestic share (nested)
//! ln w     = ln((1+t1)(1+c1) / ((1+t0)(1+c0)))         policy price wedge of a cell
//! X0[i]    = sum_j x0[i][j],   E0[j] = sum_i q0 x0[i][j]
//! ```
//! `nest(j)` is every source but `j` under the nested treatment, every source
//! under `AsImportSource`. The feasibility of bans and whether prices are
//! determined are checked here too ([`PreparedMarket::check`]).

use crate::error::{Error, Result};
use crate::model::{Elasticities, Market};
use crate::policy::SectorPolicy;
use crate::solver::DomesticTreatment;

/// A sector's market under one policy, with everything that does not depend
/// on elasticities or prices computed once: baseline shares, log price
/// wedges, outputs, expenditure. Solving many draws reuses it.
#[derive(Debug, Clone)]
pub struct PreparedMarket {
    /// Identity of this preparation (workspaces cache per-solve constants by it).
    pub(crate) id: u64,
    pub(crate) n: usize,
    pub(crate) treatment: DomesticTreatment,
    /// Baseline flows, row-major `[origin * n + destination]`.
    pub(crate) x0: Vec<f64>,
    /// Baseline weights `a` in the import nest (per destination, summing to 1 over sources).
    pub(crate) import_weight: Vec<f64>,
    /// Baseline domestic expenditure share `b` (nested treatment).
    pub(crate) domestic_share: Vec<f64>,
    /// Log price wedge of the policy, `ln((1+t1)(1+c1)/((1+t0)(1+c0)))`.
    pub(crate) log_wedge: Vec<f64>,
    /// Cells whose trade the policy bans.
    pub(crate) banned: Vec<bool>,
    /// Some positive baseline flow is banned.
    pub(crate) any_ban: bool,
    /// Destination has a positive import-nest spending at baseline.
    pub(crate) has_imports: Vec<bool>,
    /// Every import-nest source of this destination with a positive flow is banned.
    pub(crate) all_nest_banned: Vec<bool>,
    /// Origin has positive output, all of it banned.
    pub(crate) all_sales_banned: Vec<bool>,
    /// Baseline output `X0[i]`.
    pub(crate) output: Vec<f64>,
    /// Baseline expenditure at consumer prices `E0[j]`.
    pub(crate) expenditure: Vec<f64>,
    /// Baseline tariffs, row-major.
    pub(crate) t0: Vec<f64>,
    /// Counterfactual tariffs, row-major.
    pub(crate) t1: Vec<f64>,
    /// Export taxes and quotas (baseline or counterfactual), when there are any.
    pub(crate) restrictions: Option<std::sync::Arc<super::restrictions::PreparedRestrictions>>,
}

impl PreparedMarket {
    /// Prepares `market` under `policy`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when sizes differ, a counterfactual tariff is `<= -1`
    /// or a wedge negative, or a diagonal tariff/wedge is nonzero under the
    /// nested treatment.
    pub fn new(
        market: &Market,
        policy: &SectorPolicy,
        treatment: DomesticTreatment,
    ) -> Result<Self> {
        let n = market.n();
        if policy.tariffs.n() != n || policy.ntb.n() != n || policy.banned.len() != n * n {
            return Err(Error::invalid("policy", "size differs from the market"));
        }
        let nested = treatment == DomesticTreatment::Nested;
        let x0 = market.flows().as_slice().to_vec();
        let t0 = market.tariffs().as_slice().to_vec();
        let c0 = market.ntb().as_slice();
        let t1 = policy.tariffs.as_slice().to_vec();
        let c1 = policy.ntb.as_slice();
        for k in 0..n * n {
            if !(t1[k].is_finite() && t1[k] > -1.0) {
                return Err(Error::invalid(
                    "counterfactual tariff",
                    format!("[{},{}] must be > -1, got {}", k / n, k % n, t1[k]),
                ));
            }
            if !(c1[k].is_finite() && c1[k] >= 0.0) {
                return Err(Error::invalid(
                    "counterfactual wedge",
                    format!("[{},{}] must be >= 0, got {}", k / n, k % n, c1[k]),
                ));
            }
        }
        if nested {
            for j in 0..n {
                let d = j * n + j;
                if t0[d] != 0.0 || t1[d] != 0.0 || c0[d] != 0.0 || c1[d] != 0.0 {
                    return Err(Error::invalid(
                        "diagonal tariff",
                        format!(
                            "country {j} taxes its own sales; a diagonal tariff or wedge needs the as-import-source treatment"
                        ),
                    ));
                }
                if policy.banned[d] {
                    return Err(Error::invalid(
                        "ban",
                        format!(
                            "country {j}'s domestic sales cannot be banned under the nested treatment"
                        ),
                    ));
                }
            }
        }
        let restrictions = super::restrictions::PreparedRestrictions::new(market, policy);
        let mut border = vec![0.0; if restrictions.is_some() { n * n } else { 0 }];
        if let Some(r) = &restrictions {
            r.counterfactual_factors(&r.start_rents(), &mut border);
        }
        let mut a = vec![0.0; n * n];
        let mut b = vec![0.0; n];
        let mut lnw = vec![0.0; n * n];
        let mut expenditure = vec![0.0; n];
        let mut has_imports = vec![false; n];
        let mut all_nest_banned = vec![false; n];
        for j in 0..n {
            let mut nest = 0.0;
            for i in 0..n {
                let k = i * n + j;
                let (q0, q1) = match &restrictions {
                    // export taxes and quota rents enter the consumer price too
                    Some(r) => (r.q0[k], border[k]),
                    None => ((1.0 + t0[k]) * (1.0 + c0[k]), (1.0 + t1[k]) * (1.0 + c1[k])),
                };
                lnw[k] = (q1 / q0).ln();
                if q1 == q0 {
                    lnw[k] = 0.0;
                }
                let spend = q0 * x0[k];
                expenditure[j] += spend;
                if i == j && nested {
                    continue;
                }
                a[k] = spend;
                nest += spend;
            }
            if nest > 0.0 {
                has_imports[j] = true;
                let mut every = true;
                for i in 0..n {
                    let k = i * n + j;
                    a[k] /= nest;
                    if a[k] > 0.0 && !policy.banned[k] {
                        every = false;
                    }
                }
                all_nest_banned[j] = every;
            }
            if nested && expenditure[j] > 0.0 {
                b[j] = x0[j * n + j] / expenditure[j];
                if nest == 0.0 {
                    b[j] = 1.0;
                }
            }
        }
        let output: Vec<f64> = (0..n)
            .map(|i| x0[i * n..(i + 1) * n].iter().sum())
            .collect();
        let banned = policy.banned.clone();
        let any_ban = banned.iter().zip(&x0).any(|(&bn, &x)| bn && x > 0.0);
        let all_sales_banned = (0..n)
            .map(|i| output[i] > 0.0 && (0..n).all(|j| x0[i * n + j] == 0.0 || banned[i * n + j]))
            .collect();
        Ok(PreparedMarket {
            id: next_id(),
            n,
            treatment,
            x0,
            import_weight: a,
            domestic_share: b,
            log_wedge: lnw,
            banned,
            any_ban,
            has_imports,
            all_nest_banned,
            all_sales_banned,
            output,
            expenditure,
            t0,
            t1,
            restrictions,
        })
    }

    /// Number of countries.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Baseline output `X0[i]`.
    pub fn output(&self, i: usize) -> f64 {
        self.output[i]
    }

    /// Checks that bans are feasible for these elasticities and that prices are determined.
    /// `sector` names the sector in errors.
    ///
    /// # Errors
    /// [`Error::Model`] when a ban needs a sigma > 1 that is not, an importer is left
    /// with nothing to buy, an exporter with nothing to sell, or prices are undetermined.
    pub fn check(&self, el: &Elasticities, supply: &[f64], sector: &str) -> Result<()> {
        let n = self.n;
        let nested = self.treatment == DomesticTreatment::Nested;
        if self.any_ban {
            if el.sigma_import <= 1.0 {
                return Err(Error::model(
                    sector,
                    format!(
                        "a ban needs sigma_m > 1 (a banned source's CES weight must vanish), got {}",
                        el.sigma_import
                    ),
                ));
            }
            for j in 0..n {
                if self.has_imports[j] && self.all_nest_banned[j] {
                    let domestic = nested && self.x0[j * n + j] > 0.0;
                    if !domestic {
                        return Err(Error::model(
                            sector,
                            format!("the bans leave importer #{j} with nothing to buy"),
                        ));
                    }
                    if el.sigma_domestic <= 1.0 {
                        return Err(Error::model(
                            sector,
                            format!(
                                "banning every import of importer #{j} needs sigma_d > 1, got {}",
                                el.sigma_domestic
                            ),
                        ));
                    }
                }
            }
            for i in 0..n {
                if self.all_sales_banned[i] && supply[i].is_finite() {
                    return Err(Error::model(
                        sector,
                        format!("the bans leave exporter #{i} with nothing to sell"),
                    ));
                }
            }
        }
        if el.demand == 0.0 {
            let undetermined = (0..n).all(|i| self.output[i] == 0.0 || supply[i] == 0.0);
            let any = (0..n).any(|i| self.output[i] > 0.0);
            if undetermined && any {
                return Err(Error::model(
                    sector,
                    "prices are not determined: every supply elasticity is 0 and eta is 0 \
                     (demand is homogeneous of degree 0 in prices)",
                ));
            }
        }
        Ok(())
    }
}

/// Source of [`PreparedMarket`] ids (workspaces cache per-solve constants by id).
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

pub(crate) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

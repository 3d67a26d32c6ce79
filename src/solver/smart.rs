//! The WITS-SMART variant (Laird & Yeats 1986): closed-form trade
//! creation and trade diversion, importer by importer, over all of the
//! importer's partners. Domestic sales are ignored; world prices stay at 1.
//!
//! ```text
//! importer j, partners r != j, baseline imports M_r = x0[r][j]
//! Em = -eta,  sigma = sigma_m,  Ex_r = epsilon of exporter r
//! P_r   = (1+t1_r)(1+c1_r) / ((1+t0_r)(1+c0_r))        (tariff and wedge)
//! TC_r  = M_r Em (P_r - 1) / (1 - Em/Ex_r)              (Ex_r = inf: factor 1;
//!                                                        no wedge: P_r - 1 = (t1-t0)/(1+t0))
//! Pbar  = sum_r M_r P_r / sum_r M_r
//! k = {r : P_r < Pbar},  K = the rest                   (k empty: no diversion)
//! P_k, P_K import-weighted means, M_k, M_K group imports
//! g     = -sigma (P_k / P_K - 1)
//! TD_k  = M_k M_K g / (M_k + M_K + M_k g),  capped at M_K;  TD_K = -TD_k
//! TD_r  = TD_k M_r / M_k (r in k),  -TD_k M_r / M_K (r in K)     (sum_r TD_r = 0)
//! M1_r  = max(0, M_r + TC_r + TD_r)
//! dTR   = sum_r t1_r M1_r - sum_r t0_r M_r
//! welfare_smart       = sum_r 0.5 (t0_r + t1_r) TC_r    (sign right for rises too)
//! welfare_laird_yeats = sum_r 0.5 (t0_r - t1_r) TC_r    (as WITS reports it)
//! ```
//! In a country outcome the invariant `welfare = consumer_surplus +
//! producer_surplus + tariff_revenue` is kept by setting `welfare` to
//! `welfare_smart` (before pooling) and `consumer_surplus = welfare_smart - dTR`
//! (own revenue change, before pooling); `producer_surplus = 0`. Neither SMART
//! figure is a consumer surplus: [`smart_importer`] returns both by name.

use super::{MarketTerms, SectorSolution};
use crate::error::{Error, Result};
use crate::model::{Elasticities, Market};
use crate::policy::SectorPolicy;

/// Relative gap below the import-weighted mean price ratio for a partner to
/// count as preferred. Price ratios built from equal tariffs can differ from
/// their own mean by a rounding error; such a gap is not a preference.
const PREFERENCE_GAP: f64 = 1e-12;

/// SMART's results for one importer: one [`SmartPartner`] per exporter
/// (zeros for the importer itself and for partners it does not import from)
/// and the importer's sums. Imports, trade effects, welfare and revenue are
/// in the data's value units (US$ million for the embedded data); tariffs are
/// fractions.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartImporterResult {
    /// Importer index.
    pub importer: usize,
    /// Per exporter, indexed by exporter.
    pub partners: Vec<SmartPartner>,
    /// `sum_r 0.5 (t0_r + t1_r) TC_r`: SMART's welfare, right sign for tariff rises too.
    pub welfare_smart: f64,
    /// `sum_r 0.5 (t0_r - t1_r) TC_r`: the figure WITS-SMART reports.
    pub welfare_laird_yeats: f64,
    /// Baseline tariff revenue `sum_r t0_r M_r`.
    pub revenue_baseline: f64,
    /// Counterfactual tariff revenue `sum_r t1_r M1_r` (before any pooling).
    pub revenue_counterfactual: f64,
    /// `revenue_counterfactual - revenue_baseline`.
    pub revenue_change: f64,
}

/// SMART's results for one exporter `r` to the importer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmartPartner {
    /// Price ratio `P_r` (tariff- and wedge-inclusive, counterfactual / baseline).
    pub price_ratio: f64,
    /// True for the preferred group `k` (`P_r` below the import-weighted mean).
    pub preferred: bool,
    /// Baseline imports `M_r` (value units).
    pub imports_baseline: f64,
    /// Trade creation `TC_r` (value units).
    pub trade_creation: f64,
    /// Trade diversion `TD_r` (value units; sums to zero over partners).
    pub trade_diversion: f64,
    /// Counterfactual imports `M1_r = max(0, M_r + TC_r + TD_r)` (value units).
    pub imports_counterfactual: f64,
}

impl Default for SmartPartner {
    /// No imports at an unchanged price.
    fn default() -> Self {
        SmartPartner {
            price_ratio: 1.0,
            preferred: false,
            imports_baseline: 0.0,
            trade_creation: 0.0,
            trade_diversion: 0.0,
            imports_counterfactual: 0.0,
        }
    }
}

/// `1 / (1 - Em/Ex)` with `Em = -eta`: `Ex / (Ex + eta)`, 1 for `Ex = inf`.
fn supply_factor(eta: f64, ex: f64) -> f64 {
    if ex.is_infinite() || eta == 0.0 {
        1.0
    } else {
        ex / (ex + eta)
    }
}

fn check_policy(market: &Market, policy: &SectorPolicy, sector: &str) -> Result<()> {
    let n = market.n();
    if policy.tariffs.n() != n || policy.ntb.n() != n || policy.banned.len() != n * n {
        return Err(Error::model(sector, "policy size differs from the market"));
    }
    for r in 0..n {
        for v in 0..n {
            let (t, c) = (policy.tariffs.get(r, v), policy.ntb.get(r, v));
            if !(t.is_finite() && t > -1.0 && c.is_finite() && c >= 0.0) {
                return Err(Error::model(
                    sector,
                    format!("counterfactual tariff {t} / wedge {c} on flow [{r},{v}] out of range"),
                ));
            }
            if policy.is_banned(r, v) && market.flows().get(r, v) > 0.0 {
                return Err(Error::model(
                    sector,
                    format!(
                        "SMART's closed forms cannot ban flow [{r},{v}] (a ban is not a \
                         tariff change); use the exact (Armington) model"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// SMART's trade creation, diversion, revenue and the two welfare figures of
/// `importer` in one market under `policy`. `sector` names the sector in errors.
///
/// # Errors
/// [`Error::Model`] when the policy bans a traded flow, a counterfactual tariff
/// is `<= -1` or a wedge negative, the sizes differ, or `importer` is out of range.
pub fn smart_importer(
    market: &Market,
    el: &Elasticities,
    policy: &SectorPolicy,
    importer: usize,
    sector: &str,
) -> Result<SmartImporterResult> {
    check_policy(market, policy, sector)?;
    let n = market.n();
    if importer >= n {
        return Err(Error::model(
            sector,
            format!("importer #{importer} out of range"),
        ));
    }
    Ok(importer_unchecked(market, el, policy, importer))
}

fn importer_unchecked(
    market: &Market,
    el: &Elasticities,
    policy: &SectorPolicy,
    j: usize,
) -> SmartImporterResult {
    let n = market.n();
    let (t0, c0) = (market.tariffs(), market.ntb());
    let (t1, c1) = (&policy.tariffs, &policy.ntb);
    let em = -el.demand;
    let sigma = el.sigma_import;
    let partners: Vec<usize> = (0..n)
        .filter(|&r| r != j && market.flows().get(r, j) > 0.0)
        .collect();
    let mut res = SmartImporterResult {
        importer: j,
        partners: vec![SmartPartner::default(); n],
        welfare_smart: 0.0,
        welfare_laird_yeats: 0.0,
        revenue_baseline: 0.0,
        revenue_counterfactual: 0.0,
        revenue_change: 0.0,
    };
    // creation
    let mut total = 0.0;
    let mut weighted = 0.0;
    for &r in &partners {
        let m = market.flows().get(r, j);
        let p = ((1.0 + t1.get(r, j)) * (1.0 + c1.get(r, j)))
            / ((1.0 + t0.get(r, j)) * (1.0 + c0.get(r, j)));
        res.partners[r].imports_baseline = m;
        res.partners[r].price_ratio = p;
        res.partners[r].trade_creation =
            m * em * (p - 1.0) * supply_factor(el.demand, market.supply()[r]);
        total += m;
        weighted += m * p;
    }
    // diversion between the preferred group k and the rest K
    if total > 0.0 {
        let mean = weighted / total;
        let (mut mk, mut mkk, mut pk, mut pkk) = (0.0, 0.0, 0.0, 0.0);
        for &r in &partners {
            let (m, p) = (
                res.partners[r].imports_baseline,
                res.partners[r].price_ratio,
            );
            if p < mean * (1.0 - PREFERENCE_GAP) {
                res.partners[r].preferred = true;
                mk += m;
                pk += m * p;
            } else {
                mkk += m;
                pkk += m * p;
            }
        }
        if mk > 0.0 && mkk > 0.0 {
            let (pk, pkk) = (pk / mk, pkk / mkk);
            let g = -sigma * (pk / pkk - 1.0);
            let td = (mk * mkk * g / (mk + mkk + mk * g)).clamp(0.0, mkk);
            for &r in &partners {
                let m = res.partners[r].imports_baseline;
                res.partners[r].trade_diversion = if res.partners[r].preferred {
                    td * m / mk
                } else {
                    -td * m / mkk
                };
            }
        }
    }
    for &r in &partners {
        let (m, tc) = (
            res.partners[r].imports_baseline,
            res.partners[r].trade_creation,
        );
        let (a, b) = (t0.get(r, j), t1.get(r, j));
        let m1 = (m + tc + res.partners[r].trade_diversion).max(0.0);
        res.partners[r].imports_counterfactual = m1;
        res.welfare_smart += 0.5 * (a + b) * tc;
        res.welfare_laird_yeats += 0.5 * (a - b) * tc;
        res.revenue_baseline += a * m;
        res.revenue_counterfactual += b * m1;
    }
    res.revenue_change = res.revenue_counterfactual - res.revenue_baseline;
    res
}

/// The SMART solution of one sector ([`smart_importer`] for every importer)
/// as the accounts read it.
///
/// | accounts read | value |
/// |---|---|
/// | producer price | 1 (world prices do not move) |
/// | consumer price index | `sum_r M_r P_r / sum_r M_r` (imports only; 1 without imports) |
/// | consumer surplus | `welfare_smart - dTR` (own revenue change, before pooling), so that welfare before pooling is `welfare_smart` |
/// | producer surplus | 0 |
/// | flow | `M1_r` for imports; domestic sales unchanged |
#[derive(Debug, Clone)]
pub(crate) struct SmartSectorSolution<'a> {
    importers: Vec<SmartImporterResult>,
    terms: MarketTerms<'a>,
}

impl<'a> SmartSectorSolution<'a> {
    /// Solves every importer of `market` under `policy`.
    ///
    /// # Errors
    /// As [`smart_importer`].
    pub(crate) fn solve(
        market: &'a Market,
        el: &Elasticities,
        policy: &'a SectorPolicy,
        sector: &str,
    ) -> Result<Self> {
        check_policy(market, policy, sector)?;
        let importers = (0..market.n())
            .map(|j| importer_unchecked(market, el, policy, j))
            .collect();
        Ok(SmartSectorSolution {
            importers,
            terms: MarketTerms::of(market, policy, false),
        })
    }
}

impl SectorSolution for SmartSectorSolution<'_> {
    fn terms(&self) -> MarketTerms<'_> {
        self.terms
    }
    fn producer_price(&self, _origin: usize) -> f64 {
        1.0
    }
    fn consumer_price_index(&self, destination: usize) -> f64 {
        let r = &self.importers[destination];
        let (mut total, mut weighted) = (0.0, 0.0);
        for (i, x) in r.partners.iter().enumerate() {
            if i != destination {
                total += x.imports_baseline;
                weighted += x.imports_baseline * x.price_ratio;
            }
        }
        if total > 0.0 { weighted / total } else { 1.0 }
    }
    fn flow(&self, origin: usize, destination: usize) -> f64 {
        if origin == destination {
            self.terms.baseline_flow(origin, destination)
        } else {
            self.importers[destination].partners[origin].imports_counterfactual
        }
    }
    fn consumer_surplus(&self, destination: usize) -> f64 {
        let r = &self.importers[destination];
        r.welfare_smart - r.revenue_change
    }
    fn producer_surplus(&self, _origin: usize) -> f64 {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Matrix;

    /// Importer H (index 0) buying 100 from A, 200 from B, 100 from C at 10%.
    fn market(t0: f64, supply: f64) -> Market {
        let flows = Matrix::from_rows(&[
            vec![0.0, 0.0, 0.0, 0.0],
            vec![100.0, 0.0, 0.0, 0.0],
            vec![200.0, 0.0, 0.0, 0.0],
            vec![100.0, 0.0, 0.0, 0.0],
        ])
        .unwrap();
        let mut t = Matrix::zeros(4);
        for r in 1..4 {
            t.set(r, 0, t0);
        }
        Market::new(flows, t, Matrix::zeros(4), vec![supply; 4]).unwrap()
    }

    fn policy(m: &Market, t1: [f64; 3]) -> SectorPolicy {
        let mut p = SectorPolicy::baseline(m);
        for (r, t) in t1.iter().enumerate() {
            p.tariffs.set(r + 1, 0, *t);
        }
        p
    }

    #[test]
    fn preference_for_one_partner_by_hand() {
        // eta 1.5, sigma 2, Ex = inf; A's tariff 10% -> 0.
        // P_A = 1/1.1; TC_A = 100 * 1.5 * 0.1/1.1 = 13.636364
        // mean P = (100/1.1 + 300)/400; k = {A}, K = {B, C}; M_k 100, M_K 300
        // g = 2 (1 - 1/1.1) = 2/11; TD_k = 100*300*(2/11) / (400 + 200/11) = 60000/4600
        let m = market(0.1, f64::INFINITY);
        let el = Elasticities::new(2.0, 2.0, 1.5).unwrap();
        let r = smart_importer(&m, &el, &policy(&m, [0.0, 0.1, 0.1]), 0, "G").unwrap();
        let td = 60000.0 / 4600.0;
        assert!((r.partners[1].trade_creation - 150.0 / 11.0).abs() < 1e-12);
        assert_eq!(r.partners[2].trade_creation, 0.0);
        assert!((r.partners[1].trade_diversion - td).abs() < 1e-12);
        assert!((r.partners[2].trade_diversion + td * 2.0 / 3.0).abs() < 1e-12);
        assert!((r.partners[3].trade_diversion + td / 3.0).abs() < 1e-12);
        assert!(r.partners[1].preferred && !r.partners[2].preferred && !r.partners[3].preferred);
        assert!((r.welfare_smart - 0.05 * 150.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn finite_supply_scales_creation() {
        // Ex = 1.5, eta = 1.5: factor 1 / (1 + 1.5/1.5) = 1/2
        let el = Elasticities::new(2.0, 2.0, 1.5).unwrap();
        let mi = market(0.1, f64::INFINITY);
        let mf = market(0.1, 1.5);
        let p = policy(&mi, [0.0, 0.1, 0.1]);
        let ri = smart_importer(&mi, &el, &p, 0, "G").unwrap();
        let rf = smart_importer(&mf, &el, &p, 0, "G").unwrap();
        assert!(
            (rf.partners[1].trade_creation - 0.5 * ri.partners[1].trade_creation).abs() < 1e-12
        );
        let diversion = |r: &SmartImporterResult| -> Vec<f64> {
            r.partners.iter().map(|x| x.trade_diversion).collect()
        };
        assert_eq!(diversion(&rf), diversion(&ri));
    }
}

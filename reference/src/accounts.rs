//! Welfare and trade effects of a solved sector, totals over sectors and
//! union aggregates over members.
//!
//! ```text
//! consumer surplus  -E0[j] (P^(1 - eta) - 1) / (1 - eta)     (-E0 ln P at eta = 1)
//! producer surplus  X0[j] (p^(1 + eps) - 1) / (1 + eps)       (0 for eps = inf)
//! tariff revenue    sum_{i != j} t[i][j] p[i] x[i][j]          (the diagonal too under as-import-source)
//! welfare           consumer + producer surplus + revenue change (after pooling)
//! members: dMp = sum over partners of dx, dMo = sum over outsiders of dx
//!   diversion = max(0, min(dMp, -dMo)); creation = dMp - diversion;
//!   external suppression = -dMo - diversion
//! ```

use crate::data::{RefData, RefSector, Treatment};
use crate::model::demand;
use crate::policy::{RefCompiled, RefPolicy, RefScenario, compile};
use crate::pooling::apply_pools;
use crate::solve::solve_prices;
use crate::unions::RefPool;

/// One country's outcome in one sector (the fields of the library's results).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RefOutcome {
    pub producer_price: f64,
    pub consumer_price_index: f64,
    pub consumer_surplus: f64,
    pub producer_surplus: f64,
    pub tariff_revenue: f64,
    pub welfare: f64,
    pub tariff_revenue_baseline: f64,
    pub tariff_revenue_counterfactual: f64,
    pub imports_baseline: f64,
    pub imports_counterfactual: f64,
    pub imports_counterfactual_value: f64,
    pub imports_from_partners_change: f64,
    pub imports_from_outside_change: f64,
    pub trade_creation: f64,
    pub trade_diversion: f64,
    pub external_trade_suppression: f64,
    /// True when the country buys nothing in this sector (its price index is meaningless).
    pub no_expenditure: bool,
}

/// Names and accessors of the additive fields compared everywhere.
pub const FIELDS: [&str; 14] = [
    "consumer_surplus",
    "producer_surplus",
    "tariff_revenue",
    "welfare",
    "tariff_revenue_baseline",
    "tariff_revenue_counterfactual",
    "imports_baseline",
    "imports_counterfactual",
    "imports_counterfactual_value",
    "imports_from_partners_change",
    "imports_from_outside_change",
    "trade_creation",
    "trade_diversion",
    "external_trade_suppression",
];

impl RefOutcome {
    pub fn fields(&self) -> [f64; 14] {
        [
            self.consumer_surplus,
            self.producer_surplus,
            self.tariff_revenue,
            self.welfare,
            self.tariff_revenue_baseline,
            self.tariff_revenue_counterfactual,
            self.imports_baseline,
            self.imports_counterfactual,
            self.imports_counterfactual_value,
            self.imports_from_partners_change,
            self.imports_from_outside_change,
            self.trade_creation,
            self.trade_diversion,
            self.external_trade_suppression,
        ]
    }
    pub fn add(&mut self, o: &RefOutcome) {
        self.consumer_surplus += o.consumer_surplus;
        self.producer_surplus += o.producer_surplus;
        self.tariff_revenue += o.tariff_revenue;
        self.welfare += o.welfare;
        self.tariff_revenue_baseline += o.tariff_revenue_baseline;
        self.tariff_revenue_counterfactual += o.tariff_revenue_counterfactual;
        self.imports_baseline += o.imports_baseline;
        self.imports_counterfactual += o.imports_counterfactual;
        self.imports_counterfactual_value += o.imports_counterfactual_value;
        self.imports_from_partners_change += o.imports_from_partners_change;
        self.imports_from_outside_change += o.imports_from_outside_change;
        self.trade_creation += o.trade_creation;
        self.trade_diversion += o.trade_diversion;
        self.external_trade_suppression += o.external_trade_suppression;
    }
}

/// The trade-effect split of a union member: `(creation, diversion, external suppression)`.
pub fn split_trade(dmp: f64, dmo: f64) -> (f64, f64, f64) {
    let td = f64::max(0.0, f64::min(dmp, -dmo));
    (dmp - td, td, -dmo - td)
}

/// A solved sector of the reference model.
#[derive(Debug, Clone)]
pub struct RefSectorSolution {
    pub p: Vec<f64>,
    pub x: Vec<Vec<f64>>,
    pub outcomes: Vec<RefOutcome>,
}

/// Welfare and trade effects of one sector at prices `p`.
pub fn outcomes_at(
    sec: &RefSector,
    pol: &RefPolicy,
    tr: Treatment,
    p: &[f64],
    pools: &[RefPool],
    union_of: &[Option<usize>],
) -> RefSectorSolution {
    let n = sec.n();
    let nested = tr == Treatment::Nested;
    let d = demand(sec, pol, tr, p);
    let mut out = vec![RefOutcome::default(); n];
    for j in 0..n {
        let o = &mut out[j];
        let e0: f64 = (0..n)
            .map(|i| (1.0 + sec.t0[i][j]) * (1.0 + sec.c0[i][j]) * sec.x0[i][j])
            .sum();
        o.no_expenditure = e0 == 0.0;
        o.producer_price = p[j];
        o.consumer_price_index = d.pc[j];
        let pc = d.pc[j];
        o.consumer_surplus = if e0 == 0.0 {
            0.0
        } else if sec.eta == 1.0 {
            -e0 * pc.ln()
        } else {
            -e0 * (pc.powf(1.0 - sec.eta) - 1.0) / (1.0 - sec.eta)
        };
        let eps = sec.eps[j];
        o.producer_surplus = if eps.is_finite() {
            sec.output(j) * (p[j].powf(1.0 + eps) - 1.0) / (1.0 + eps)
        } else {
            0.0
        };
        let (mut dmp, mut dmo) = (0.0, 0.0);
        for i in 0..n {
            if i != j || !nested {
                o.tariff_revenue_baseline += sec.t0[i][j] * sec.x0[i][j];
                o.tariff_revenue_counterfactual += pol.t1[i][j] * p[i] * d.x[i][j];
            }
            if i == j {
                continue;
            }
            o.imports_baseline += sec.x0[i][j];
            o.imports_counterfactual += d.x[i][j];
            o.imports_counterfactual_value += p[i] * d.x[i][j];
            if let Some(u) = union_of[j] {
                if union_of[i] == Some(u) {
                    dmp += d.x[i][j] - sec.x0[i][j];
                } else {
                    dmo += d.x[i][j] - sec.x0[i][j];
                }
            }
        }
        if union_of[j].is_some() {
            let (tc, td, ets) = split_trade(dmp, dmo);
            o.imports_from_partners_change = dmp;
            o.imports_from_outside_change = dmo;
            o.trade_creation = tc;
            o.trade_diversion = td;
            o.external_trade_suppression = ets;
        }
    }
    apply_pools(pools, &mut out);
    for o in &mut out {
        o.tariff_revenue = o.tariff_revenue_counterfactual - o.tariff_revenue_baseline;
        o.welfare = o.consumer_surplus + o.producer_surplus + o.tariff_revenue;
    }
    RefSectorSolution {
        p: p.to_vec(),
        x: d.x,
        outcomes: out,
    }
}

/// Solves one sector and computes its outcomes.
pub fn solve_sector(
    sec: &RefSector,
    pol: &RefPolicy,
    tr: Treatment,
    pools: &[RefPool],
    union_of: &[Option<usize>],
) -> RefSectorSolution {
    let p = solve_prices(sec, pol, tr);
    outcomes_at(sec, pol, tr, &p, pools, union_of)
}

/// A whole scenario in the reference model.
#[derive(Debug, Clone)]
pub struct RefResult {
    /// `None` for an empty (skipped) sector.
    pub sectors: Vec<Option<RefSectorSolution>>,
    pub totals: Vec<RefOutcome>,
    /// (name, members, aggregate over members).
    pub unions: Vec<(String, Vec<usize>, RefOutcome)>,
}

pub fn union_of(n: usize, unions: &[(String, Vec<usize>)]) -> Vec<Option<usize>> {
    let mut v = vec![None; n];
    for (u, (_, members)) in unions.iter().enumerate() {
        for &m in members {
            v[m] = Some(u);
        }
    }
    v
}

pub fn run(data: &RefData, scenarios: &[RefScenario], k: usize, tr: Treatment) -> RefResult {
    let c = compile(data, scenarios, k);
    run_compiled(data, &c, tr)
}

pub fn run_compiled(data: &RefData, c: &RefCompiled, tr: Treatment) -> RefResult {
    let n = data.n();
    let uo = union_of(n, &c.unions);
    let mut totals = vec![RefOutcome::default(); n];
    let mut sectors = Vec::new();
    for (sec, pol) in data.sectors.iter().zip(&c.policies) {
        if sec.is_empty() {
            sectors.push(None);
            continue;
        }
        let sol = solve_sector(sec, pol, tr, &c.pools, &uo);
        for (t, o) in totals.iter_mut().zip(&sol.outcomes) {
            t.add(o);
        }
        sectors.push(Some(sol));
    }
    let unions = c
        .unions
        .iter()
        .map(|(name, members)| {
            let mut agg = RefOutcome::default();
            for &m in members {
                agg.add(&totals[m]);
            }
            (name.clone(), members.clone(), agg)
        })
        .collect();
    RefResult {
        sectors,
        totals,
        unions,
    }
}

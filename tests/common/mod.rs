//! Shared test helpers.
//!
//! * An independent reference implementation of SPEC §2 (the exact nested-CES
//!   model, its welfare and trade effects) and §5 (customs unions, CET rules,
//!   duty pooling, tariff/NTB changes, `extends` chains), written from the
//!   specification with plain `Vec<Vec<f64>>`, straightforward `powf`
//!   formulas (the geometric / log forms only at sigma = 1 and eta = 1) and its
//!   own solver: Newton on log prices with a central finite-difference
//!   Jacobian and a backtracking line search, to `max |R_i| / X0_i < 1e-13`.
//! * A random dataset / scenario generator covering the ranges the model
//!   promises (3–12 countries, several sectors, sigma in [0.3, 15], eta in
//!   [0, 4], epsilon in [0, 50] or infinite, tariffs in [0, 2], zero flows,
//!   countries without domestic sales).
//! * Writers turning the same cases into a CSV data directory and a TOML
//!   scenario file, and converters into the library's types.
//! * Comparison helpers.
#![allow(dead_code, clippy::needless_range_loop)]

use std::fmt::Write as _;
use std::path::Path;

use customs_union::accounts::CountryOutcome;
use customs_union::policy::{CetException, CetRule, CustomsUnion, RevenueSharing};
use customs_union::run::ScenarioResult;
use customs_union::scenario::{Action, Instrument, PolicyChange, Scenario, Selector};
use customs_union::{
    Country, Dataset, DomesticTreatment, Elasticities, Market, Matrix, ScenarioSet, Sector,
    Simulation,
};

// ---------------------------------------------------------------------------
// random numbers (splitmix64: tiny, seedable, independent of the crate's RNGs)
// ---------------------------------------------------------------------------

/// A small deterministic generator.
#[derive(Debug, Clone)]
pub struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> Self {
        TestRng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unif(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unif()
    }
    pub fn log_range(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.unif()).exp()
    }
    /// Integer in `lo..=hi`.
    pub fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unif() < p
    }
    /// `k` distinct indices out of `0..n`, in random order.
    pub fn pick(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = self.int(i, n - 1);
            v.swap(i, j);
        }
        v.truncate(k.min(n));
        v
    }
}

// ---------------------------------------------------------------------------
// reference data
// ---------------------------------------------------------------------------

/// Domestic sales: second nest (`Nested`) or a source inside the import nest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    Nested,
    AsImportSource,
}

impl Treatment {
    pub fn lib(self) -> DomesticTreatment {
        match self {
            Treatment::Nested => DomesticTreatment::Nested,
            Treatment::AsImportSource => DomesticTreatment::AsImportSource,
        }
    }
    pub fn cli(self) -> &'static str {
        match self {
            Treatment::Nested => "nested",
            Treatment::AsImportSource => "as-import-source",
        }
    }
}

/// One sector's baseline: `[origin][destination]` matrices.
#[derive(Debug, Clone)]
pub struct RefSector {
    pub code: String,
    pub sigma_m: f64,
    pub sigma_d: f64,
    pub eta: f64,
    pub x0: Vec<Vec<f64>>,
    pub t0: Vec<Vec<f64>>,
    pub c0: Vec<Vec<f64>>,
    pub eps: Vec<f64>,
}

impl RefSector {
    pub fn n(&self) -> usize {
        self.x0.len()
    }
    pub fn output(&self, i: usize) -> f64 {
        self.x0[i].iter().sum()
    }
    pub fn total(&self) -> f64 {
        self.x0.iter().flatten().sum()
    }
    pub fn is_empty(&self) -> bool {
        self.x0.iter().flatten().all(|&v| v == 0.0)
    }
}

/// A dataset: country codes and sectors.
#[derive(Debug, Clone)]
pub struct RefData {
    pub codes: Vec<String>,
    pub sectors: Vec<RefSector>,
}

impl RefData {
    pub fn n(&self) -> usize {
        self.codes.len()
    }
}

pub fn zeros(n: usize) -> Vec<Vec<f64>> {
    vec![vec![0.0; n]; n]
}

pub fn country_codes(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("C{i:02}")).collect()
}

// ---------------------------------------------------------------------------
// reference policy (§5)
// ---------------------------------------------------------------------------

/// Counterfactual policy of one sector.
#[derive(Debug, Clone)]
pub struct RefPolicy {
    pub t1: Vec<Vec<f64>>,
    pub c1: Vec<Vec<f64>>,
    pub banned: Vec<Vec<bool>>,
}

impl RefPolicy {
    pub fn baseline(s: &RefSector) -> Self {
        RefPolicy {
            t1: s.t0.clone(),
            c1: s.c0.clone(),
            banned: vec![vec![false; s.n()]; s.n()],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RefCet {
    Adopt(usize),
    TradeWeighted,
    SimpleAverage,
    Min,
    Max,
    /// `rates`: (sector or None for "*", rate); `exceptions`: (member, sector, rate).
    Schedule {
        rates: Vec<(Option<usize>, f64)>,
        exceptions: Vec<(usize, usize, f64)>,
    },
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefUnion {
    pub name: String,
    pub members: Vec<usize>,
    pub internal: f64,
    pub ntb_cut: f64,
    pub cet: RefCet,
    /// Pooled shares, same order as `members`.
    pub shares: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RefAction {
    Set(f64),
    Add(f64),
    Scale(f64),
    Ban,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefChange {
    pub ntb: bool,
    pub importer: Option<usize>,
    pub exporter: Option<usize>,
    pub sector: Option<usize>,
    pub action: RefAction,
    pub component: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RefScenario {
    pub name: String,
    pub extends: Option<String>,
    pub unions: Vec<RefUnion>,
    pub changes: Vec<RefChange>,
}

#[derive(Debug, Clone)]
enum RefItem {
    Union(RefUnion),
    Change(RefChange),
}

/// A revenue pool: members and their shares.
#[derive(Debug, Clone)]
pub struct RefPool {
    pub members: Vec<usize>,
    pub shares: Vec<f64>,
}

/// Everything a flattened scenario implies.
#[derive(Debug, Clone)]
pub struct RefCompiled {
    pub policies: Vec<RefPolicy>,
    pub pools: Vec<RefPool>,
    /// Unions in force: (name, members).
    pub unions: Vec<(String, Vec<usize>)>,
}

/// The common external rate of `rule` on outsider `o` in sector `s` (from the baseline).
pub fn cet_rate(data: &RefData, s: usize, u: &RefUnion, o: usize) -> Option<f64> {
    let sec = &data.sectors[s];
    let ts: Vec<f64> = u.members.iter().map(|&m| sec.t0[o][m]).collect();
    let mean = ts.iter().sum::<f64>() / ts.len() as f64;
    match &u.cet {
        RefCet::None => None,
        RefCet::Adopt(c) => Some(sec.t0[o][*c]),
        RefCet::TradeWeighted => {
            let w: f64 = u.members.iter().map(|&m| sec.x0[o][m]).sum();
            if w > 0.0 {
                Some(
                    u.members
                        .iter()
                        .map(|&m| sec.x0[o][m] * sec.t0[o][m])
                        .sum::<f64>()
                        / w,
                )
            } else {
                Some(mean)
            }
        }
        RefCet::SimpleAverage => Some(mean),
        RefCet::Min => Some(ts.iter().copied().fold(f64::INFINITY, f64::min)),
        RefCet::Max => Some(ts.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        RefCet::Schedule { rates, .. } => rates
            .iter()
            .find(|(sec, _)| *sec == Some(s))
            .or_else(|| rates.iter().find(|(sec, _)| sec.is_none()))
            .map(|&(_, r)| r),
    }
}

fn apply_union(
    data: &RefData,
    u: &RefUnion,
    pol: &mut [RefPolicy],
    pools: &mut Vec<(String, RefPool)>,
) {
    for (s, p) in pol.iter_mut().enumerate() {
        for &a in &u.members {
            for &b in &u.members {
                if a != b {
                    p.t1[a][b] = u.internal;
                    p.c1[a][b] *= 1.0 - u.ntb_cut;
                }
            }
        }
        for o in 0..data.n() {
            if u.members.contains(&o) {
                continue;
            }
            if let Some(r) = cet_rate(data, s, u, o) {
                for &m in &u.members {
                    let mut rate = r;
                    if let RefCet::Schedule { exceptions, .. } = &u.cet {
                        if let Some(&(_, _, er)) =
                            exceptions.iter().find(|&&(em, es, _)| em == m && es == s)
                        {
                            rate = er;
                        }
                    }
                    p.t1[o][m] = rate;
                }
            }
        }
    }
    pools.retain(|(name, _)| *name != u.name);
    if let Some(sh) = &u.shares {
        pools.push((
            u.name.clone(),
            RefPool {
                members: u.members.clone(),
                shares: sh.clone(),
            },
        ));
    }
}

fn apply_change(data: &RefData, ch: &RefChange, pol: &mut [RefPolicy]) {
    let n = data.n();
    let sectors: Vec<usize> = match ch.sector {
        Some(s) => vec![s],
        None => (0..data.sectors.len()).collect(),
    };
    let importers: Vec<usize> = match ch.importer {
        Some(j) => vec![j],
        None => (0..n).collect(),
    };
    for &s in &sectors {
        for &j in &importers {
            let exporters: Vec<usize> = match ch.exporter {
                // `*`: every other country
                None => (0..n).filter(|&i| i != j).collect(),
                // a diagonal only when both are named explicitly
                Some(i) if i == j && ch.importer.is_none() => vec![],
                Some(i) => vec![i],
            };
            for i in exporters {
                let p = &mut pol[s];
                if ch.action == RefAction::Ban {
                    p.banned[i][j] = true;
                    continue;
                }
                let m = if ch.ntb { &mut p.c1 } else { &mut p.t1 };
                m[i][j] = match ch.action {
                    RefAction::Set(v) => v,
                    RefAction::Add(v) => m[i][j] + v,
                    RefAction::Scale(v) => m[i][j] * v,
                    RefAction::Ban => unreachable!(),
                };
            }
        }
    }
}

/// Flattens scenario `k`'s `extends` chain and builds its policy.
pub fn compile(data: &RefData, scenarios: &[RefScenario], k: usize) -> RefCompiled {
    let mut chain = vec![k];
    while let Some(parent) = &scenarios[*chain.last().unwrap()].extends {
        let pk = scenarios
            .iter()
            .position(|s| &s.name == parent)
            .expect("known parent");
        assert!(!chain.contains(&pk), "cycle");
        chain.push(pk);
    }
    let mut items: Vec<RefItem> = Vec::new();
    for &ck in chain.iter().rev() {
        let sc = &scenarios[ck];
        items.retain(|it| match it {
            RefItem::Union(u) => !sc.unions.iter().any(|v| v.name == u.name),
            RefItem::Change(_) => true,
        });
        items.extend(sc.unions.iter().cloned().map(RefItem::Union));
        items.extend(sc.changes.iter().cloned().map(RefItem::Change));
    }
    let mut policies: Vec<RefPolicy> = data.sectors.iter().map(RefPolicy::baseline).collect();
    let mut pools = Vec::new();
    let mut unions = Vec::new();
    for it in &items {
        match it {
            RefItem::Union(u) => {
                apply_union(data, u, &mut policies, &mut pools);
                unions.push((u.name.clone(), u.members.clone()));
            }
            RefItem::Change(ch) => apply_change(data, ch, &mut policies),
        }
    }
    RefCompiled {
        policies,
        pools: pools.into_iter().map(|(_, p)| p).collect(),
        unions,
    }
}

// ---------------------------------------------------------------------------
// reference model (§2)
// ---------------------------------------------------------------------------

/// Demand at producer prices `p`.
#[derive(Debug, Clone)]
pub struct Demand {
    /// Flows `[origin][destination]` (volumes).
    pub x: Vec<Vec<f64>>,
    /// Composite consumer price index `P[j]`.
    pub pc: Vec<f64>,
    /// Import price index `PM[j]`.
    pub pm: Vec<f64>,
}

fn ces(terms: &[(f64, f64)], sigma: f64) -> f64 {
    // terms: (weight, relative price); a zero weight drops out
    if sigma == 1.0 {
        terms
            .iter()
            .filter(|t| t.0 > 0.0)
            .map(|&(a, r)| a * r.ln())
            .sum::<f64>()
            .exp()
    } else {
        terms
            .iter()
            .filter(|t| t.0 > 0.0)
            .map(|&(a, r)| a * r.powf(1.0 - sigma))
            .sum::<f64>()
            .powf(1.0 / (1.0 - sigma))
    }
}

/// SPEC §2 demand of every destination at producer prices `p`.
pub fn demand(sec: &RefSector, pol: &RefPolicy, tr: Treatment, p: &[f64]) -> Demand {
    let n = sec.n();
    let (sm, sd, eta) = (sec.sigma_m, sec.sigma_d, sec.eta);
    let nested = tr == Treatment::Nested;
    let mut x = zeros(n);
    let mut pc = vec![1.0; n];
    let mut pm = vec![1.0; n];
    for j in 0..n {
        let q0 = |i: usize| (1.0 + sec.t0[i][j]) * (1.0 + sec.c0[i][j]);
        let q1 = |i: usize| (1.0 + pol.t1[i][j]) * (1.0 + pol.c1[i][j]);
        let in_nest = |i: usize| !(nested && i == j);
        let e0: f64 = (0..n).map(|i| q0(i) * sec.x0[i][j]).sum();
        let nest0: f64 = (0..n)
            .filter(|&i| in_nest(i))
            .map(|i| q0(i) * sec.x0[i][j])
            .sum();
        // relative consumer price of i's good in j
        let r = |i: usize| p[i] * q1(i) / q0(i);
        if nest0 > 0.0 {
            let terms: Vec<(f64, f64)> = (0..n)
                .filter(|&i| in_nest(i) && !pol.banned[i][j])
                .map(|i| (q0(i) * sec.x0[i][j] / nest0, r(i)))
                .collect();
            pm[j] = ces(&terms, sm);
        }
        if nested {
            let b = if e0 > 0.0 { sec.x0[j][j] / e0 } else { 0.0 };
            pc[j] = if nest0 == 0.0 {
                p[j]
            } else if b == 0.0 {
                pm[j]
            } else {
                ces(&[(b, p[j]), (1.0 - b, pm[j])], sd)
            };
        } else {
            pc[j] = pm[j];
        }
        let q = pc[j].powf(-eta);
        for i in 0..n {
            if sec.x0[i][j] == 0.0 || pol.banned[i][j] {
                continue;
            }
            x[i][j] = if nested && i == j {
                sec.x0[j][j] * (p[j] / pc[j]).powf(-sd) * q
            } else if nested {
                sec.x0[i][j] * (r(i) / pm[j]).powf(-sm) * (pm[j] / pc[j]).powf(-sd) * q
            } else {
                sec.x0[i][j] * (r(i) / pm[j]).powf(-sm) * q
            };
        }
    }
    Demand { x, pc, pm }
}

/// Countries whose price is solved for: finite epsilon and positive output.
pub fn active(sec: &RefSector) -> Vec<usize> {
    (0..sec.n())
        .filter(|&i| sec.eps[i].is_finite() && sec.output(i) > 0.0)
        .collect()
}

/// Relative residual `(sum_j x[i][j] - X0 p^eps) / (X0 p^eps)` of the active countries.
pub fn scaled_residual(
    sec: &RefSector,
    pol: &RefPolicy,
    tr: Treatment,
    p: &[f64],
    act: &[usize],
) -> Vec<f64> {
    let d = demand(sec, pol, tr, p);
    act.iter()
        .map(|&i| {
            // relative to current supply: the natural scale of the rounding noise
            let supply = sec.output(i) * p[i].powf(sec.eps[i]);
            (d.x[i].iter().sum::<f64>() - supply) / supply
        })
        .collect()
}

/// Gaussian elimination with partial pivoting.
pub fn gauss_solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    // equilibrate rows: a country priced out of its markets has a tiny row
    for (row, rhs) in a.iter_mut().zip(b.iter_mut()) {
        let big = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if big > 0.0 && big.is_finite() {
            row.iter_mut().for_each(|v| *v /= big);
            *rhs /= big;
        }
    }
    for k in 0..n {
        let p = (k..n).max_by(|&r, &s| a[r][k].abs().total_cmp(&a[s][k].abs()))?;
        if a[p][k] == 0.0 || !a[p][k].is_finite() {
            return None;
        }
        a.swap(k, p);
        b.swap(k, p);
        for r in k + 1..n {
            let f = a[r][k] / a[k][k];
            for c in k..n {
                a[r][c] -= f * a[k][c];
            }
            b[r] -= f * b[k];
        }
    }
    let mut x = vec![0.0; n];
    for k in (0..n).rev() {
        let s: f64 = (k + 1..n).map(|c| a[k][c] * x[c]).sum();
        x[k] = (b[k] - s) / a[k][k];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The reference equilibrium: producer prices (1 for inactive countries).
///
/// # Panics
/// When Newton does not reach `max |R_i| / X0_i < 1e-13` (the test then fails loudly).
pub fn solve_prices(sec: &RefSector, pol: &RefPolicy, tr: Treatment) -> Vec<f64> {
    let n = sec.n();
    let act = active(sec);
    let mut lnp = vec![0.0; n];
    let prices = |lnp: &[f64]| lnp.iter().map(|v| v.exp()).collect::<Vec<f64>>();
    let norm = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>();
    let maxabs = |r: &[f64]| r.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut r = scaled_residual(sec, pol, tr, &prices(&lnp), &act);
    for _ in 0..300 {
        if maxabs(&r) < 1e-13 {
            return prices(&lnp);
        }
        // central finite-difference Jacobian in log prices
        let h = 1e-6;
        let mut jac = vec![vec![0.0; act.len()]; act.len()];
        for (c, &k) in act.iter().enumerate() {
            let mut up = lnp.clone();
            let mut dn = lnp.clone();
            up[k] += h;
            dn[k] -= h;
            let ru = scaled_residual(sec, pol, tr, &prices(&up), &act);
            let rd = scaled_residual(sec, pol, tr, &prices(&dn), &act);
            for row in 0..act.len() {
                jac[row][c] = (ru[row] - rd[row]) / (2.0 * h);
            }
        }
        let diag: Vec<f64> = (0..act.len()).map(|c| jac[c][c]).collect();
        // a row can vanish where a price overshot (the country sells nothing):
        // then a damped Jacobi step instead
        let step = gauss_solve(jac, r.iter().map(|v| -v).collect()).unwrap_or_else(|| {
            r.iter()
                .zip(&diag)
                .map(|(v, d)| if *d != 0.0 { -v / d } else { -0.1 * v.signum() })
                .collect()
        });
        let big = step.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let cap = if big > 1.0 { 1.0 / big } else { 1.0 };
        let f0 = norm(&r);
        let mut lambda = cap;
        let mut accepted = false;
        for _ in 0..60 {
            let mut trial = lnp.clone();
            for (c, &k) in act.iter().enumerate() {
                trial[k] += lambda * step[c];
            }
            let rt = scaled_residual(sec, pol, tr, &prices(&trial), &act);
            let ft = norm(&rt);
            if ft.is_finite() && (ft <= (1.0 - 1e-4 * lambda) * f0 || maxabs(&rt) < 1e-13) {
                lnp = trial;
                r = rt;
                accepted = true;
                break;
            }
            lambda *= 0.5;
        }
        if !accepted {
            // at the level of rounding: accept if already tiny
            assert!(
                maxabs(&r) < 1e-12,
                "reference line search failed, residual {:e}",
                maxabs(&r)
            );
            return prices(&lnp);
        }
    }
    // rounding noise of the naive powf formulas (e.g. X0 p^50) can keep the
    // last digit from settling; 1e-12 is still below anything compared
    assert!(
        maxabs(&r) < 1e-12,
        "reference solver did not converge: residual {:e}",
        maxabs(&r)
    );
    prices(&lnp)
}

/// One country's outcome in one sector (the fields of SPEC §2 / §7).
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

/// The same fields of a library outcome, in [`FIELDS`] order.
pub fn lib_fields(o: &CountryOutcome) -> [f64; 14] {
    [
        o.consumer_surplus,
        o.producer_surplus,
        o.tariff_revenue,
        o.welfare,
        o.tariff_revenue_baseline,
        o.tariff_revenue_counterfactual,
        o.imports_baseline,
        o.imports_counterfactual,
        o.imports_counterfactual_value,
        o.imports_from_partners_change,
        o.imports_from_outside_change,
        o.trade_creation,
        o.trade_diversion,
        o.external_trade_suppression,
    ]
}

/// SPEC §2 trade-effect split.
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
    for pool in pools {
        let total: f64 = pool
            .members
            .iter()
            .map(|&m| out[m].tariff_revenue_counterfactual)
            .sum();
        for (&m, &s) in pool.members.iter().zip(&pool.shares) {
            out[m].tariff_revenue_counterfactual = s * total;
        }
    }
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

// ---------------------------------------------------------------------------
// generators
// ---------------------------------------------------------------------------

/// Ranges of the random generator.
#[derive(Debug, Clone, Copy)]
pub struct GenOpts {
    pub n_min: usize,
    pub n_max: usize,
    pub sectors_min: usize,
    pub sectors_max: usize,
    /// Put random tariffs on the diagonal (valid under as-import-source only).
    pub diagonal_tariffs: bool,
}

impl Default for GenOpts {
    fn default() -> Self {
        GenOpts {
            n_min: 3,
            n_max: 12,
            sectors_min: 1,
            sectors_max: 4,
            diagonal_tariffs: false,
        }
    }
}

/// A random sector of `n` countries.
pub fn random_sector(rng: &mut TestRng, n: usize, code: &str, opts: &GenOpts) -> RefSector {
    // within 1e-3 of 1 the reference's plain powf forms lose digits (the model's
    // expm1 forms do not: reference_cases checks continuity there), so such
    // draws become the exact limit, which the reference handles in closed form
    let near_one = |x: f64| if (x - 1.0).abs() < 1e-3 { 1.0 } else { x };
    let sigma = |rng: &mut TestRng| {
        if rng.chance(0.08) {
            1.0
        } else {
            near_one(rng.log_range(0.3, 15.0))
        }
    };
    let sigma_m = sigma(rng);
    let sigma_d = if rng.chance(0.1) { sigma_m } else { sigma(rng) };
    let eta = if rng.chance(0.08) {
        0.0
    } else if rng.chance(0.08) {
        1.0
    } else {
        near_one(rng.range(0.0, 4.0))
    };
    let mut x0 = zeros(n);
    let mut t0 = zeros(n);
    let mut c0 = zeros(n);
    for i in 0..n {
        for j in 0..n {
            let zero_p = if i == j { 0.25 } else { 0.2 };
            if !rng.chance(zero_p) {
                x0[i][j] = rng.log_range(0.1, 1000.0);
            }
            if i != j || opts.diagonal_tariffs {
                if !rng.chance(0.3) {
                    t0[i][j] = rng.range(0.0, 2.0);
                }
                if i != j && rng.chance(0.3) {
                    c0[i][j] = rng.range(0.0, 0.5);
                }
            }
        }
    }
    let mut eps: Vec<f64> = (0..n)
        .map(|_| {
            if rng.chance(0.2) {
                f64::INFINITY
            } else if rng.chance(0.1) {
                0.0
            } else {
                rng.range(0.0, 50.0)
            }
        })
        .collect();
    let sec0 = RefSector {
        code: code.to_string(),
        sigma_m,
        sigma_d,
        eta,
        x0,
        t0,
        c0,
        eps: eps.clone(),
    };
    // prices must be determined (SPEC §2): with eta = 0 a country with
    // epsilon = 0 whose buyers buy only from it has no price; keep eta = 0
    // markets clear of epsilon = 0
    if eta == 0.0 {
        eps.iter_mut().filter(|e| **e == 0.0).for_each(|e| *e = 1.5);
    }
    RefSector { eps, ..sec0 }
}

pub fn random_data(rng: &mut TestRng, opts: &GenOpts) -> RefData {
    let n = rng.int(opts.n_min, opts.n_max);
    let ns = rng.int(opts.sectors_min, opts.sectors_max);
    let sectors = (0..ns)
        .map(|s| random_sector(rng, n, &format!("S{s}"), opts))
        .collect();
    RefData {
        codes: country_codes(n),
        sectors,
    }
}

fn random_union(rng: &mut TestRng, data: &RefData, name: &str, members: Vec<usize>) -> RefUnion {
    let ns = data.sectors.len();
    let cet = match rng.int(0, 6) {
        0 => RefCet::Adopt(members[rng.int(0, members.len() - 1)]),
        1 => RefCet::TradeWeighted,
        2 => RefCet::SimpleAverage,
        3 => RefCet::Min,
        4 => RefCet::Max,
        5 => {
            let mut rates = vec![(None, rng.range(0.0, 0.3))];
            if rng.chance(0.5) {
                rates.push((Some(rng.int(0, ns - 1)), rng.range(0.0, 0.5)));
            }
            let mut exceptions = Vec::new();
            if rng.chance(0.5) {
                exceptions.push((
                    members[rng.int(0, members.len() - 1)],
                    rng.int(0, ns - 1),
                    rng.range(0.0, 0.2),
                ));
            }
            RefCet::Schedule { rates, exceptions }
        }
        _ => RefCet::None,
    };
    let shares = rng.chance(0.5).then(|| {
        let w: Vec<f64> = members.iter().map(|_| rng.range(0.05, 1.0)).collect();
        let s: f64 = w.iter().sum();
        let mut sh: Vec<f64> = w.iter().map(|v| v / s).collect();
        // make the sum exactly 1 up to rounding
        let rest: f64 = sh[1..].iter().sum();
        sh[0] = 1.0 - rest;
        sh
    });
    RefUnion {
        name: name.to_string(),
        members,
        internal: if rng.chance(0.7) {
            0.0
        } else {
            rng.range(0.0, 0.1)
        },
        ntb_cut: if rng.chance(0.5) {
            0.0
        } else {
            rng.range(0.0, 1.0)
        },
        cet,
        shares,
    }
}

fn random_change(rng: &mut TestRng, data: &RefData, label: Option<String>) -> RefChange {
    let n = data.n();
    let ns = data.sectors.len();
    let importer = (!rng.chance(0.3)).then(|| rng.int(0, n - 1));
    let exporter = if rng.chance(0.4) {
        None
    } else {
        let mut e = rng.int(0, n - 1);
        if Some(e) == importer {
            e = (e + 1) % n;
        }
        Some(e)
    };
    let action = match rng.int(0, 2) {
        0 => RefAction::Set(rng.range(0.0, 2.0)),
        1 => RefAction::Add(rng.range(0.0, 0.3)),
        _ => RefAction::Scale(rng.range(0.0, 2.0)),
    };
    RefChange {
        ntb: rng.chance(0.25),
        importer,
        exporter,
        sector: (!rng.chance(0.4)).then(|| rng.int(0, ns - 1)),
        action,
        component: label,
    }
}

/// A random scenario: up to two unions with random CET rules, pooling and NTB
/// cuts, then a few tariff and NTB changes.
pub fn random_scenario(rng: &mut TestRng, data: &RefData, name: &str) -> RefScenario {
    let n = data.n();
    let mut sc = RefScenario {
        name: name.to_string(),
        ..RefScenario::default()
    };
    let mut free: Vec<usize> = rng.pick(n, n);
    if rng.chance(0.85) {
        let k = rng.int(2, (n - 1).clamp(2, 5));
        let members: Vec<usize> = free.drain(..k).collect();
        sc.unions.push(random_union(rng, data, "U1", members));
        if free.len() >= 3 && rng.chance(0.3) {
            let members: Vec<usize> = free.drain(..2).collect();
            sc.unions.push(random_union(rng, data, "U2", members));
        }
    }
    for _ in 0..rng.int(0, 3) {
        let label = rng.chance(0.3).then(|| "grouped".to_string());
        sc.changes.push(random_change(rng, data, label));
    }
    sc
}

/// A child scenario extending `parent`: either an accession (the parent's first
/// union restated with one more member) or extra changes, or both.
pub fn random_child(
    rng: &mut TestRng,
    data: &RefData,
    parent: &RefScenario,
    name: &str,
) -> RefScenario {
    let mut sc = RefScenario {
        name: name.to_string(),
        extends: Some(parent.name.clone()),
        ..RefScenario::default()
    };
    if let Some(u) = parent.unions.first() {
        let taken: Vec<usize> = parent
            .unions
            .iter()
            .flat_map(|u| u.members.clone())
            .collect();
        let outs: Vec<usize> = (0..data.n()).filter(|c| !taken.contains(c)).collect();
        if !outs.is_empty() && rng.chance(0.7) {
            let mut members = u.members.clone();
            members.push(outs[rng.int(0, outs.len() - 1)]);
            sc.unions.push(random_union(rng, data, &u.name, members));
        }
    }
    for _ in 0..rng.int(0, 2) {
        sc.changes.push(random_change(rng, data, None));
    }
    sc
}

// ---------------------------------------------------------------------------
// conversions to the library and to files
// ---------------------------------------------------------------------------

pub fn to_dataset(d: &RefData) -> Dataset {
    let countries = d
        .codes
        .iter()
        .map(|c| Country::new(c.as_str(), c.as_str()))
        .collect();
    let mut sectors = Vec::new();
    let mut markets = Vec::new();
    for s in &d.sectors {
        sectors.push(Sector {
            code: s.code.clone(),
            name: s.code.clone(),
            elasticities: Elasticities::new(s.sigma_m, s.sigma_d, s.eta).unwrap(),
            supply_default: s.eps[0],
        });
        markets.push(
            Market::new(
                Matrix::from_rows(&s.x0).unwrap(),
                Matrix::from_rows(&s.t0).unwrap(),
                Matrix::from_rows(&s.c0).unwrap(),
                s.eps.clone(),
            )
            .unwrap(),
        );
    }
    Dataset::new(countries, sectors, markets).unwrap()
}

fn lib_cet(d: &RefData, c: &RefCet) -> CetRule {
    match c {
        RefCet::Adopt(m) => CetRule::Adopt {
            country: d.codes[*m].clone(),
        },
        RefCet::TradeWeighted => CetRule::TradeWeighted,
        RefCet::SimpleAverage => CetRule::SimpleAverage,
        RefCet::Min => CetRule::Min,
        RefCet::Max => CetRule::Max,
        RefCet::None => CetRule::None,
        RefCet::Schedule { rates, exceptions } => CetRule::Schedule {
            rates: rates
                .iter()
                .map(|(s, r)| (s.map_or("*".to_string(), |s| d.sectors[s].code.clone()), *r))
                .collect(),
            exceptions: exceptions
                .iter()
                .map(|&(m, s, r)| CetException {
                    member: d.codes[m].clone(),
                    sector: d.sectors[s].code.clone(),
                    rate: r,
                })
                .collect(),
        },
    }
}

pub fn to_scenario(d: &RefData, sc: &RefScenario) -> Scenario {
    let code = |c: Option<usize>| c.map_or("*".to_string(), |c| d.codes[c].clone());
    let sector = |s: Option<usize>| s.map_or("*".to_string(), |s| d.sectors[s].code.clone());
    Scenario {
        name: sc.name.clone(),
        description: String::new(),
        extends: sc.extends.clone(),
        unions: sc
            .unions
            .iter()
            .map(|u| CustomsUnion {
                name: u.name.clone(),
                members: u.members.iter().map(|&m| d.codes[m].clone()).collect(),
                internal_tariff: u.internal,
                ntb_cut: u.ntb_cut,
                cet: lib_cet(d, &u.cet),
                revenue_sharing: match &u.shares {
                    None => RevenueSharing::Destination,
                    Some(sh) => RevenueSharing::Pooled(
                        u.members
                            .iter()
                            .zip(sh)
                            .map(|(&m, &s)| (d.codes[m].clone(), s))
                            .collect(),
                    ),
                },
                preferences: Default::default(),
            })
            .collect(),
        changes: sc
            .changes
            .iter()
            .map(|ch| PolicyChange {
                instrument: if ch.ntb {
                    Instrument::Ntb
                } else {
                    Instrument::Tariff
                },
                importer: Selector::parse(&code(ch.importer)),
                exporter: Selector::parse(&code(ch.exporter)),
                sector: Selector::parse(&sector(ch.sector)),
                action: match ch.action {
                    RefAction::Set(v) => Action::Set(v),
                    RefAction::Add(v) => Action::Add(v),
                    RefAction::Scale(v) => Action::Scale(v),
                    RefAction::Ban => Action::Ban,
                },
                component: ch.component.clone(),
            })
            .collect(),
    }
}

pub fn to_scenario_set(d: &RefData, scs: &[RefScenario]) -> ScenarioSet {
    ScenarioSet::new(scs.iter().map(|s| to_scenario(d, s)).collect())
}

/// Runs scenarios through the library (exact model, default solver).
pub fn lib_run(
    d: &RefData,
    scs: &[RefScenario],
    tr: Treatment,
    decompose: bool,
) -> Result<Vec<ScenarioResult>, customs_union::Error> {
    let data = to_dataset(d);
    let set = to_scenario_set(d, scs);
    let results = Simulation::new(&data)
        .treatment(tr.lib())
        .decompose(decompose)
        .run(&set)?;
    Ok(results.scenarios)
}

fn num(v: f64) -> String {
    if v.is_infinite() {
        "inf".to_string()
    } else {
        format!("{v}")
    }
}

/// Writes `d` as a CSV data directory (with a `source` column to be ignored).
pub fn write_data_dir(d: &RefData, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut c = String::from("code,name,source\n");
    for code in &d.codes {
        writeln!(c, "{code},Country {code},test").unwrap();
    }
    let mut s = String::from("code,name,sigma_m,sigma_d,eta,epsilon,source\n");
    let mut f = String::from("sector,exporter,importer,value\n");
    let mut t = String::from("sector,exporter,importer,rate\n");
    let mut nt = String::from("sector,exporter,importer,rate\n");
    let mut su = String::from("sector,country,epsilon\n");
    for sec in &d.sectors {
        writeln!(
            s,
            "{},Sector {},{},{},{},{},test",
            sec.code,
            sec.code,
            sec.sigma_m,
            sec.sigma_d,
            sec.eta,
            num(sec.eps[0])
        )
        .unwrap();
        for i in 0..d.n() {
            for j in 0..d.n() {
                if sec.x0[i][j] != 0.0 {
                    writeln!(
                        f,
                        "{},{},{},{}",
                        sec.code, d.codes[i], d.codes[j], sec.x0[i][j]
                    )
                    .unwrap();
                }
                if sec.t0[i][j] != 0.0 {
                    writeln!(
                        t,
                        "{},{},{},{}",
                        sec.code, d.codes[i], d.codes[j], sec.t0[i][j]
                    )
                    .unwrap();
                }
                if sec.c0[i][j] != 0.0 {
                    writeln!(
                        nt,
                        "{},{},{},{}",
                        sec.code, d.codes[i], d.codes[j], sec.c0[i][j]
                    )
                    .unwrap();
                }
            }
            if sec.eps[i] != sec.eps[0] {
                writeln!(su, "{},{},{}", sec.code, d.codes[i], num(sec.eps[i])).unwrap();
            }
        }
    }
    for (name, body) in [
        ("countries.csv", c),
        ("sectors.csv", s),
        ("flows.csv", f),
        ("tariffs.csv", t),
        ("ntb.csv", nt),
        ("supply.csv", su),
    ] {
        std::fs::write(dir.join(name), body).unwrap();
    }
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The scenarios as a TOML scenario file.
pub fn scenario_toml(d: &RefData, scs: &[RefScenario]) -> String {
    let code = |c: Option<usize>| toml_str(&c.map_or("*".to_string(), |c| d.codes[c].clone()));
    let sector =
        |s: Option<usize>| toml_str(&s.map_or("*".to_string(), |s| d.sectors[s].code.clone()));
    let mut o = String::new();
    for sc in scs {
        writeln!(o, "[[scenario]]\nname = {}", toml_str(&sc.name)).unwrap();
        if let Some(p) = &sc.extends {
            writeln!(o, "extends = {}", toml_str(p)).unwrap();
        }
        for u in &sc.unions {
            let members: Vec<String> = u.members.iter().map(|&m| toml_str(&d.codes[m])).collect();
            writeln!(
                o,
                "[[scenario.union]]\nname = {}\nmembers = [{}]\ninternal_tariff = {:?}\nntb_cut = {:?}",
                toml_str(&u.name),
                members.join(", "),
                u.internal,
                u.ntb_cut
            )
            .unwrap();
            let cet = match &u.cet {
                RefCet::Adopt(m) => format!(
                    "{{ rule = \"adopt\", country = {} }}",
                    toml_str(&d.codes[*m])
                ),
                RefCet::TradeWeighted => "{ rule = \"trade_weighted\" }".to_string(),
                RefCet::SimpleAverage => "{ rule = \"simple_average\" }".to_string(),
                RefCet::Min => "{ rule = \"min\" }".to_string(),
                RefCet::Max => "{ rule = \"max\" }".to_string(),
                RefCet::None => "{ rule = \"none\" }".to_string(),
                RefCet::Schedule { rates, exceptions } => {
                    let r: Vec<String> = rates
                        .iter()
                        .map(|&(s, v)| format!("{} = {v:?}", sector(s)))
                        .collect();
                    let e: Vec<String> = exceptions
                        .iter()
                        .map(|&(m, s, v)| {
                            format!(
                                "{{ member = {}, sector = {}, rate = {v:?} }}",
                                toml_str(&d.codes[m]),
                                sector(Some(s))
                            )
                        })
                        .collect();
                    format!(
                        "{{ rule = \"schedule\", rates = {{ {} }}, exceptions = [{}] }}",
                        r.join(", "),
                        e.join(", ")
                    )
                }
            };
            writeln!(o, "cet = {cet}").unwrap();
            if let Some(sh) = &u.shares {
                let s: Vec<String> = u
                    .members
                    .iter()
                    .zip(sh)
                    .map(|(&m, v)| format!("{} = {v:?}", toml_str(&d.codes[m])))
                    .collect();
                writeln!(o, "revenue_sharing = {{ {} }}", s.join(", ")).unwrap();
            }
        }
        for ch in &sc.changes {
            let table = if ch.ntb { "ntb" } else { "tariff" };
            writeln!(
                o,
                "[[scenario.{table}]]\nimporter = {}\nexporter = {}\nsector = {}",
                code(ch.importer),
                code(ch.exporter),
                sector(ch.sector)
            )
            .unwrap();
            match ch.action {
                RefAction::Set(v) => writeln!(o, "set = {v:?}"),
                RefAction::Add(v) => writeln!(o, "add = {v:?}"),
                RefAction::Scale(v) => writeln!(o, "scale = {v:?}"),
                RefAction::Ban => writeln!(o, "ban = true"),
            }
            .unwrap();
            if let Some(c) = &ch.component {
                writeln!(o, "component = {}", toml_str(c)).unwrap();
            }
        }
        o.push('\n');
    }
    o
}

// ---------------------------------------------------------------------------
// comparisons
// ---------------------------------------------------------------------------

/// Relative tolerance of model vs reference (the acceptance bar).
pub const REL: f64 = 1e-9;

/// `|a - b| <= rel * max(|a|, |b|) + abs`.
pub fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

#[track_caller]
pub fn assert_close(a: f64, b: f64, rel: f64, abs: f64, what: &str) {
    assert!(
        close(a, b, rel, abs),
        "{what}: {a:e} vs {b:e} (diff {:e}, rel {rel:e}, abs {abs:e})",
        (a - b).abs()
    );
}

/// Absolute floor for comparing changes in a sector whose flows total `scale`:
/// the model stops at a scaled residual of 1e-12, which leaves prices right
/// to about 1e-11; quantities that are small differences of large levels
/// (a consumer surplus of 1e-3 of expenditure) carry that error times the level.
pub fn abs_floor(scale: f64) -> f64 {
    1e-11 * scale.max(1.0)
}

/// Compares a library scenario result with the reference, field by field.
#[track_caller]
pub fn compare_result(d: &RefData, lib: &ScenarioResult, rf: &RefResult, rel: f64, ctx: &str) {
    let n = d.n();
    let total_scale: f64 = d.sectors.iter().map(RefSector::total).sum();
    for (s, sec) in d.sectors.iter().enumerate() {
        let ls = &lib.sectors[s];
        let Some(rs) = &rf.sectors[s] else {
            assert!(ls.skipped, "{ctx}: sector {} should be skipped", sec.code);
            continue;
        };
        let abs = abs_floor(sec.total());
        for j in 0..n {
            let lo = &ls.countries[j];
            let ro = &rs.outcomes[j];
            let w = format!("{ctx}: sector {} country {}", sec.code, d.codes[j]);
            assert_close(
                lo.producer_price,
                ro.producer_price,
                rel,
                1e-12,
                &format!("{w} producer_price"),
            );
            if !ro.no_expenditure {
                assert_close(
                    lo.consumer_price_index,
                    ro.consumer_price_index,
                    rel,
                    1e-12,
                    &format!("{w} consumer_price_index"),
                );
            }
            for ((name, a), b) in FIELDS.iter().zip(lib_fields(lo)).zip(ro.fields()) {
                assert_close(a, b, rel, abs, &format!("{w} {name}"));
            }
        }
        for f in &ls.flows {
            let i = d.codes.iter().position(|c| *c == f.exporter).unwrap();
            let j = d.codes.iter().position(|c| *c == f.importer).unwrap();
            assert_eq!(f.baseline, sec.x0[i][j]);
            assert_close(
                f.counterfactual,
                rs.x[i][j],
                rel,
                abs_floor(sec.x0[i][j]) * 1e-2,
                &format!(
                    "{ctx}: sector {} flow {}->{}",
                    sec.code, f.exporter, f.importer
                ),
            );
            assert_close(
                f.counterfactual_value,
                rs.p[i] * rs.x[i][j],
                rel,
                abs_floor(sec.x0[i][j]) * 1e-2,
                &format!(
                    "{ctx}: sector {} flow value {}->{}",
                    sec.code, f.exporter, f.importer
                ),
            );
        }
        let positive = sec.x0.iter().flatten().filter(|v| **v > 0.0).count();
        assert_eq!(
            ls.flows.len(),
            positive,
            "{ctx}: every positive flow is reported"
        );
    }
    for j in 0..n {
        for ((name, a), b) in FIELDS
            .iter()
            .zip(lib_fields(&lib.totals[j]))
            .zip(rf.totals[j].fields())
        {
            assert_close(
                a,
                b,
                rel,
                abs_floor(total_scale),
                &format!("{ctx}: totals {} {name}", d.codes[j]),
            );
        }
    }
    assert_eq!(lib.unions.len(), rf.unions.len(), "{ctx}: unions in force");
    for (lu, (name, members, agg)) in lib.unions.iter().zip(&rf.unions) {
        assert_eq!(&lu.name, name);
        let codes: Vec<String> = members.iter().map(|&m| d.codes[m].clone()).collect();
        assert_eq!(lu.members, codes);
        for ((fname, a), b) in FIELDS
            .iter()
            .zip(lib_fields(&lu.aggregate))
            .zip(agg.fields())
        {
            assert_close(
                a,
                b,
                rel,
                abs_floor(total_scale),
                &format!("{ctx}: union {name} {fname}"),
            );
        }
    }
}

/// The path of the CLI binary built for the integration tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_customs-union")
}

/// Runs the CLI; returns (success, stdout, stderr).
/// Commands without `--data` run on the embedded toy dataset (the tests' market).
pub fn cli(args: &[&str]) -> (bool, String, String) {
    let mut args: Vec<&str> = args.to_vec();
    let takes_data = matches!(args.first(), Some(&"run" | &"validate" | &"export-data"));
    if takes_data && !args.contains(&"--data") && !args.contains(&"--dataset") {
        args.extend(["--dataset", "toy"]);
    }
    let out = std::process::Command::new(bin())
        .args(&args)
        .output()
        .expect("run the binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The embedded toy dataset as reference data (read through the library's loader).
pub fn toy_data() -> RefData {
    let loaded = customs_union::io::embedded::EmbeddedDataset::Toy
        .load()
        .unwrap();
    from_dataset(&loaded.dataset)
}

/// Reference data from a library dataset.
pub fn from_dataset(d: &Dataset) -> RefData {
    RefData {
        codes: d.countries().iter().map(|c| c.code.clone()).collect(),
        sectors: d
            .sectors()
            .iter()
            .zip(d.markets())
            .map(|(s, m)| RefSector {
                code: s.code.clone(),
                sigma_m: s.elasticities.sigma_import,
                sigma_d: s.elasticities.sigma_domestic,
                eta: s.elasticities.demand,
                x0: m.flows().to_rows(),
                t0: m.tariffs().to_rows(),
                c0: m.ntb().to_rows(),
                eps: m.supply().to_vec(),
            })
            .collect(),
    }
}

/// The library market of a reference sector.
pub fn lib_market(s: &RefSector) -> Market {
    Market::new(
        Matrix::from_rows(&s.x0).unwrap(),
        Matrix::from_rows(&s.t0).unwrap(),
        Matrix::from_rows(&s.c0).unwrap(),
        s.eps.clone(),
    )
    .unwrap()
}

/// The library policy of a reference policy.
pub fn lib_policy(p: &RefPolicy) -> customs_union::SectorPolicy {
    customs_union::SectorPolicy {
        tariffs: Matrix::from_rows(&p.t1).unwrap(),
        ntb: Matrix::from_rows(&p.c1).unwrap(),
        banned: p.banned.iter().flatten().copied().collect(),
    }
}

pub fn lib_elasticities(s: &RefSector) -> Elasticities {
    Elasticities::new(s.sigma_m, s.sigma_d, s.eta).unwrap()
}

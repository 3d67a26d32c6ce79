//! Quotas, tariff-rate quotas and export taxes in the reference model,
//! written from the equations, with a different algorithm from the
//! library's: every combination of regimes is tried in turn, each solved as
//! one square system in (log prices, rent wedges of the binding quotas) by
//! Newton with a central finite-difference Jacobian, and the first
//! combination whose conditions all hold is the answer.
//!
//! ```text
//! consumer price   q = p (1+e) (1+t) (1+u) (1+c)      (t = t_in on a TRQ's flows)
//! regimes          under: u = 0, V <= volume;  at: V = volume, 0 <= u <= ubar;
//!                  over: u = ubar = (1+t_out)/(1+t_in) - 1, V >= volume
//! tariff revenue   p (1+e) x [t_in f + t_out (1-f)],  f = min(V, volume) / V
//! quota rent       p (1+e) (1+t_in) u x f   to the holder
//! export tax       e p x                    to the exporter
//! ```
//! Export taxes and rents are folded into the wedge `c` of a transformed
//! sector and policy, so demand is the reference's own.

use crate::accounts::{RefOutcome, outcomes_at};
use crate::data::{RefSector, Treatment, zeros};
use crate::model::{active, demand, scaled_residual};
use crate::policy::RefPolicy;
use crate::solve::gauss_solve;

/// Who receives a quota's rent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefHolder {
    Importer,
    Exporter,
    Nobody,
}

/// A quota in force in the counterfactual.
#[derive(Debug, Clone)]
pub struct RefQuota {
    pub importer: Option<usize>,
    pub exporter: Option<usize>,
    pub volume: f64,
    /// `(t_in, t_out)` of a tariff-rate quota; `None`: a plain quota.
    pub trq: Option<(f64, f64)>,
    pub holder: RefHolder,
}

/// A baseline quota: binding at the baseline volume with rent wedge `premium`.
#[derive(Debug, Clone)]
pub struct RefBaselineQuota {
    pub importer: Option<usize>,
    pub exporter: Option<usize>,
    pub premium: f64,
    pub holder: RefHolder,
}

/// Export taxes and quotas of one sector, baseline and counterfactual.
#[derive(Debug, Clone)]
pub struct RefRestrictions {
    pub e0: Vec<Vec<f64>>,
    pub baseline: Vec<RefBaselineQuota>,
    pub e1: Vec<Vec<f64>>,
    pub quotas: Vec<RefQuota>,
}

/// The flows a quota covers: positive baseline flows, never the diagonal.
pub fn quota_flows(
    sec: &RefSector,
    importer: Option<usize>,
    exporter: Option<usize>,
) -> Vec<(usize, usize)> {
    let n = sec.n();
    let mut v = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let ok = i != j
                && importer.is_none_or(|m| m == j)
                && exporter.is_none_or(|x| x == i)
                && sec.x0[i][j] > 0.0;
            if ok {
                v.push((i, j));
            }
        }
    }
    v
}

/// The solution: prices, rents, flows, price indices, each quota's volume and regime.
#[derive(Debug, Clone)]
pub struct RefQuotaSolution {
    pub p: Vec<f64>,
    pub rents: Vec<f64>,
    pub x: Vec<Vec<f64>>,
    pub volumes: Vec<f64>,
    pub regimes: Vec<&'static str>,
    /// Outcomes (no pooling), with quota rent and export tax in the welfare.
    pub outcomes: Vec<RefOutcome>,
    pub quota_rent: Vec<f64>,
    pub export_tax_revenue: Vec<f64>,
}

fn t_in(pol: &RefPolicy, q: &RefQuota, i: usize, j: usize) -> f64 {
    q.trq.map_or(pol.t1[i][j], |(a, _)| a)
}

/// The transformed sector (baseline wedge with export taxes and premia).
fn baseline_sector(sec: &RefSector, r: &RefRestrictions) -> RefSector {
    let mut s = sec.clone();
    let n = sec.n();
    let mut u0 = zeros(n);
    for b in &r.baseline {
        for (i, j) in quota_flows(sec, b.importer, b.exporter) {
            u0[i][j] = b.premium;
        }
    }
    for i in 0..n {
        for j in 0..n {
            s.c0[i][j] = (1.0 + sec.c0[i][j]) * (1.0 + r.e0[i][j]) * (1.0 + u0[i][j]) - 1.0;
        }
    }
    s
}

/// The transformed policy with rents `u`.
fn policy_with(sec: &RefSector, pol: &RefPolicy, r: &RefRestrictions, u: &[f64]) -> RefPolicy {
    let mut p = pol.clone();
    let n = sec.n();
    let mut uu = zeros(n);
    for (q, &rent) in r.quotas.iter().zip(u) {
        for (i, j) in quota_flows(sec, q.importer, q.exporter) {
            uu[i][j] = rent;
            p.t1[i][j] = t_in(pol, q, i, j);
        }
    }
    for i in 0..n {
        for j in 0..n {
            p.c1[i][j] = (1.0 + pol.c1[i][j]) * (1.0 + r.e1[i][j]) * (1.0 + uu[i][j]) - 1.0;
        }
    }
    p
}

fn ubar(pol: &RefPolicy, sec: &RefSector, q: &RefQuota) -> f64 {
    match q.trq {
        Some((a, b)) => (1.0 + b) / (1.0 + a) - 1.0,
        None => {
            let _ = (pol, sec);
            f64::INFINITY
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Regime {
    Under,
    At,
    Over,
}

/// Solves one regime combination; `None` when Newton fails or a condition breaks.
fn try_regimes(
    sec0: &RefSector,
    sec: &RefSector,
    pol: &RefPolicy,
    tr: Treatment,
    r: &RefRestrictions,
    regimes: &[Regime],
) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = sec.n();
    let act = active(sec);
    let binding: Vec<usize> = (0..regimes.len())
        .filter(|&q| regimes[q] == Regime::At)
        .collect();
    let flows: Vec<Vec<(usize, usize)>> = r
        .quotas
        .iter()
        .map(|q| quota_flows(sec0, q.importer, q.exporter))
        .collect();
    let fixed: Vec<f64> = r
        .quotas
        .iter()
        .zip(regimes)
        .map(|(q, g)| match g {
            Regime::Over => ubar(pol, sec0, q),
            _ => 0.0,
        })
        .collect();
    let na = act.len();
    let unpack = |z: &[f64]| -> (Vec<f64>, Vec<f64>) {
        let mut p = vec![1.0; n];
        for (c, &k) in act.iter().enumerate() {
            p[k] = z[c].exp();
        }
        let mut u = fixed.clone();
        for (c, &q) in binding.iter().enumerate() {
            u[q] = z[na + c].exp_m1();
        }
        (p, u)
    };
    let resid = |z: &[f64]| -> Vec<f64> {
        let (p, u) = unpack(z);
        let polu = policy_with(sec0, pol, r, &u);
        let mut v = scaled_residual(sec, &polu, tr, &p, &act);
        let d = demand(sec, &polu, tr, &p);
        for &q in &binding {
            let vol: f64 = flows[q].iter().map(|&(i, j)| d.x[i][j]).sum();
            v.push((vol / r.quotas[q].volume).ln());
        }
        v
    };
    let m = na + binding.len();
    let mut z = vec![0.0; m];
    for c in 0..binding.len() {
        z[na + c] = 0.1;
    }
    let maxabs = |v: &[f64]| v.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let mut f = resid(&z);
    let mut ok = false;
    for _ in 0..200 {
        if !f.iter().all(|v| v.is_finite()) {
            return None;
        }
        if maxabs(&f) < 1e-13 {
            ok = true;
            break;
        }
        let h = 1e-6;
        let mut jac = vec![vec![0.0; m]; m];
        for c in 0..m {
            let (mut up, mut dn) = (z.clone(), z.clone());
            up[c] += h;
            dn[c] -= h;
            let (fu, fd) = (resid(&up), resid(&dn));
            for row in 0..m {
                jac[row][c] = (fu[row] - fd[row]) / (2.0 * h);
            }
        }
        let step = gauss_solve(jac, f.iter().map(|v| -v).collect())?;
        let big = step.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let mut lambda = if big > 1.0 { 1.0 / big } else { 1.0 };
        let f0: f64 = f.iter().map(|v| v * v).sum();
        let mut accepted = false;
        for _ in 0..50 {
            let trial: Vec<f64> = z.iter().zip(&step).map(|(a, b)| a + lambda * b).collect();
            let ft = resid(&trial);
            let s: f64 = ft.iter().map(|v| v * v).sum();
            if s.is_finite() && (s <= (1.0 - 1e-4 * lambda) * f0 || maxabs(&ft) < 1e-13) {
                z = trial;
                f = ft;
                accepted = true;
                break;
            }
            lambda *= 0.5;
        }
        if !accepted {
            if maxabs(&f) < 1e-11 {
                ok = true;
            }
            break;
        }
    }
    if !ok && maxabs(&f) >= 1e-11 {
        return None;
    }
    let (p, u) = unpack(&z);
    // the regimes' conditions
    let polu = policy_with(sec0, pol, r, &u);
    let d = demand(sec, &polu, tr, &p);
    for (q, g) in regimes.iter().enumerate() {
        let vol: f64 = flows[q].iter().map(|&(i, j)| d.x[i][j]).sum();
        let target = r.quotas[q].volume;
        let ok = match g {
            Regime::Under => vol <= target * (1.0 + 1e-10),
            Regime::Over => vol >= target * (1.0 - 1e-10),
            Regime::At => u[q] >= -1e-10 && u[q] <= ubar(pol, sec0, &r.quotas[q]) + 1e-10,
        };
        if !ok {
            return None;
        }
    }
    Some((p, u))
}

/// Solves a sector with export taxes and quotas (no pooling).
///
/// # Panics
/// When no combination of regimes solves (the test then fails loudly).
pub fn solve_quotas(
    sec0: &RefSector,
    pol: &RefPolicy,
    tr: Treatment,
    r: &RefRestrictions,
) -> RefQuotaSolution {
    let sec = baseline_sector(sec0, r);
    let m = r.quotas.len();
    let mut found = None;
    'outer: for code in 0..3usize.pow(m as u32) {
        let mut regimes = Vec::with_capacity(m);
        let mut c = code;
        for q in &r.quotas {
            let g = match c % 3 {
                0 => Regime::At,
                1 => Regime::Under,
                _ => Regime::Over,
            };
            c /= 3;
            if g == Regime::Over && q.trq.is_none() {
                continue 'outer;
            }
            regimes.push(g);
        }
        if let Some(sol) = try_regimes(sec0, &sec, pol, tr, r, &regimes) {
            found = Some(sol);
            break;
        }
    }
    let (p, u) = found.expect("some regime combination solves");
    accounts(sec0, &sec, pol, tr, r, p, u)
}

fn accounts(
    sec0: &RefSector,
    sec: &RefSector,
    pol: &RefPolicy,
    tr: Treatment,
    r: &RefRestrictions,
    p: Vec<f64>,
    u: Vec<f64>,
) -> RefQuotaSolution {
    let n = sec.n();
    let polu = policy_with(sec0, pol, r, &u);
    let nouo = vec![None; n];
    let mut outcomes = outcomes_at(sec, &polu, tr, &p, &[], &nouo).outcomes;
    let d = demand(sec, &polu, tr, &p);
    let nested = tr == Treatment::Nested;
    // baseline premia and who covers what
    let mut u0 = zeros(n);
    let mut holder0 = vec![vec![None; n]; n];
    for b in &r.baseline {
        for (i, j) in quota_flows(sec0, b.importer, b.exporter) {
            u0[i][j] = b.premium;
            holder0[i][j] = Some(b.holder);
        }
    }
    let mut tr0 = vec![0.0; n];
    let mut tr1 = vec![0.0; n];
    let mut rent = vec![0.0; n];
    let mut tax = vec![0.0; n];
    let credit = |h: RefHolder, i: usize, j: usize| match h {
        RefHolder::Importer => Some(j),
        RefHolder::Exporter => Some(i),
        RefHolder::Nobody => None,
    };
    for i in 0..n {
        for j in 0..n {
            if i == j && nested {
                continue;
            }
            let (e0, e1) = (r.e0[i][j], r.e1[i][j]);
            tr0[j] += sec0.t0[i][j] * (1.0 + e0) * sec0.x0[i][j];
            tax[i] += e1 * p[i] * d.x[i][j] - e0 * sec0.x0[i][j];
            if let Some(h) = holder0[i][j] {
                if let Some(c) = credit(h, i, j) {
                    rent[c] -= (1.0 + e0) * (1.0 + sec0.t0[i][j]) * u0[i][j] * sec0.x0[i][j];
                }
            }
        }
    }
    let mut volumes = Vec::new();
    let mut regimes = Vec::new();
    let mut covered = vec![vec![false; n]; n];
    for (q, &uq) in r.quotas.iter().zip(&u) {
        let fl = quota_flows(sec0, q.importer, q.exporter);
        let v: f64 = fl.iter().map(|&(i, j)| d.x[i][j]).sum();
        let t_out = q.trq.map_or(f64::INFINITY, |t| t.1);
        let f = if v == 0.0 || v <= q.volume || t_out.is_infinite() {
            1.0
        } else {
            q.volume / v
        };
        for &(i, j) in &fl {
            covered[i][j] = true;
            let value = p[i] * (1.0 + r.e1[i][j]) * d.x[i][j];
            let tin = t_in(pol, q, i, j);
            tr1[j] += value * (tin * f + if f < 1.0 { t_out * (1.0 - f) } else { 0.0 });
            if let Some(c) = credit(q.holder, i, j) {
                rent[c] += value * (1.0 + tin) * uq * f;
            }
        }
        volumes.push(v);
        regimes.push(if (v - q.volume).abs() <= 1e-9 * q.volume {
            "at"
        } else if v < q.volume {
            "under"
        } else if q.trq.is_some() {
            "over"
        } else {
            "at"
        });
    }
    for i in 0..n {
        for j in 0..n {
            if (i == j && nested) || covered[i][j] {
                continue;
            }
            tr1[j] += pol.t1[i][j] * (1.0 + r.e1[i][j]) * p[i] * d.x[i][j];
        }
    }
    for c in 0..n {
        let o = &mut outcomes[c];
        o.tariff_revenue_baseline = tr0[c];
        o.tariff_revenue_counterfactual = tr1[c];
        o.tariff_revenue = tr1[c] - tr0[c];
        o.welfare = o.consumer_surplus + o.producer_surplus + o.tariff_revenue + rent[c] + tax[c];
    }
    RefQuotaSolution {
        p,
        rents: u,
        x: d.x,
        volumes,
        regimes,
        outcomes,
        quota_rent: rent,
        export_tax_revenue: tax,
    }
}

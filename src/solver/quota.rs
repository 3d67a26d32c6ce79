//! Quotas in the exact model: every quota's rent wedge found together with
//! prices, as a mixed complementarity problem around the price equilibrium.
//!
//! ```text
//! consumer price of a flow:  q = p (1+e) (1+t) (1+u) (1+c)   (u on quota flows only)
//! per quota, in theta = ln(1+u) in [0, thetabar],  thetabar = ln((1+t_out)/(1+t_in)):
//!   g(theta)  = ln(V(theta) / volume),   V = sum_{i in S} x[i][j] at the prices that clear every market
//!   F(theta)  = theta - mid(0, thetabar, theta + g(theta)) = 0
//!     F = 0  <=>  under (theta = 0, V <= volume) | at (V = volume) | over (theta = thetabar, V >= volume)
//! semismooth Newton on F: rows of free quotas (0 < theta + g < thetabar) take the
//!   Jacobian dg/dtheta at the current point by the implicit function theorem
//!   from the price Jacobian (no extra price solve; warm-started forward
//!   differences once and good Broyden updates where it does not apply), rows
//!   of quotas at a bound move to the bound;
//! monotone backtracking on |F|_2; when it fails, a bracketed 1-D solve per quota
//!   (Illinois regula falsi on g, the others held) before Newton resumes.
//! ```
//! For given wedges the prices come from the ordinary solve (the wedges
//! enter every consumer price multiplicatively, exactly like a tariff), so the
//! answer has no penalty and no smoothing: each quota ends with `|V − volume|
//! / volume < tol` (binding) or in its under/over regime, and the report's
//! residual is the larger of the price residual and that quota residual.

use super::restrictions::{PreparedRestrictions, QuotaTerms, log_wedge};
use super::workspace::RentBuffers;
use super::{PreparedMarket, SolverConfig, SolverReport, Workspace};
use crate::error::{Error, Result};
use crate::model::Elasticities;

/// Largest rent wedge searched for (ad valorem): a quota whose volume is not
/// reached below it is reported as unreachable.
pub const RENT_MAX: f64 = 1e6;

/// Relative step of the forward differences of `g` in `theta`.
const DIFFERENCE_STEP: f64 = 1e-6;

/// Newton steps of the rent search before it gives up.
const NEWTON_MAX_ITER: usize = 60;

/// The rent search of one solve.
pub(super) struct RentSearch<'a> {
    r: &'a PreparedRestrictions,
    /// The identity of the market searched (for warm starts of the rents).
    market: u64,
    /// The market without its restrictions (re-solved at each trial wedge),
    /// the price factors and rents of a trial: borrowed from the workspace
    /// for the search and handed back after it.
    buffers: RentBuffers,
    el: &'a Elasticities,
    supply: &'a [f64],
    cfg: SolverConfig,
    sector: &'a str,
    iterations: usize,
    last: Option<SolverReport>,
}

impl RentSearch<'_> {
    /// Solves prices with rent wedges `exp(theta) - 1`; returns `g = ln(V / volume)` per quota.
    fn eval(&mut self, theta: &[f64], ws: &mut Workspace) -> Result<Vec<f64>> {
        let mut rents = std::mem::take(&mut self.buffers.rents);
        rents.clear();
        rents.extend(theta.iter().map(|t| t.exp_m1()));
        let g = self.eval_rents(&rents, ws);
        self.buffers.rents = rents;
        g
    }

    fn eval_rents(&mut self, rents: &[f64], ws: &mut Workspace) -> Result<Vec<f64>> {
        let b = &mut self.buffers;
        let inner = b.inner.as_mut().expect("the search holds its market");
        self.r.counterfactual_factors(rents, &mut b.factors);
        for (k, w) in inner.log_wedge.iter_mut().enumerate() {
            *w = log_wedge(self.r.q0[k], b.factors[k]);
        }
        inner.id = super::prepared::next_id();
        let report = inner.solve_in(self.el, self.supply, &self.cfg, ws, self.sector)?;
        self.iterations += report.iterations;
        self.last = Some(report);
        // later solves start from the last prices
        self.cfg = self.cfg.with_warm_start(true);
        let flows = ws.flows();
        Ok(self
            .r
            .quotas
            .iter()
            .map(|q| {
                let v: f64 = q.cells.iter().map(|&k| flows[k]).sum();
                if v > 0.0 {
                    (v / q.volume).ln()
                } else {
                    f64::NEG_INFINITY
                }
            })
            .collect())
    }
}

impl RentSearch<'_> {
    /// `dg/dtheta` at the last price solve (whose prices are in `ws`) by the
    /// implicit function theorem, `jac[q][c] = dg_q / dtheta_c`:
    ///
    /// ```text
    /// R(ln p; theta) = 0  =>  d ln p_A / dtheta = -J_AA^-1 dR_A/dtheta
    /// dV/dtheta = dV/dtheta|_p + dV/d ln p_A  d ln p_A / dtheta,   dg = dV / V
    /// ```
    /// A rent wedge enters `ln r[k][j]` of its cells exactly as `ln p[k]`
    /// enters it, so with `G` of the price Jacobian (`evaluate.rs`)
    /// `d x[i][j] / d ln r[k][j] = x[i][j] (G[k][j] - sm [i=k])` (the nested
    /// domestic flow `x[j][j]` leaves out the import nest's `(sm-sd) a'[k][j]`),
    /// and `d x[i][j] / d ln p_k = x[i][j] (G[k][j] - sm [i=k])` with `G`'s
    /// diagonal. `None` where that does not apply (a quota on a domestic
    /// flow, a volume of 0, a singular `J_AA`): the caller differences instead.
    fn implicit_jacobian(&self, ws: &mut Workspace) -> Option<Vec<Vec<f64>>> {
        let pm = self
            .buffers
            .inner
            .as_deref()
            .expect("the search holds its market");
        let n = pm.n;
        let nested = pm.treatment == super::DomesticTreatment::Nested;
        let terms = &self.r.quotas;
        if terms
            .iter()
            .any(|q| q.cells.iter().any(|&k| k / n == k % n))
        {
            return None;
        }
        // the flows, shares and Jacobian at the solved prices
        super::newton::set_active(pm, self.supply, ws);
        let lnp = std::mem::take(&mut ws.log_prices);
        pm.evaluate(self.el, self.supply, &lnp, ws, true);
        ws.log_prices = lnp;
        let sm = self.el.sigma_import;
        let c1 = sm - self.el.sigma_domestic;
        let (x, ap, gt) = (&ws.flows, &ws.import_share, &ws.share_gradient);
        let active = &ws.active;
        let na = active.len();
        let m = terms.len();
        // dR_i / dtheta_c at fixed prices, over the active countries
        let mut dr = nalgebra::DMatrix::<f64>::zeros(na, m);
        for (c, q) in terms.iter().enumerate() {
            for &cell in &q.cells {
                let (k, j) = (cell / n, cell % n);
                let gkj = gt[j * n + k];
                for (r, &i) in active.iter().enumerate() {
                    let xij = x[i * n + j];
                    let mut d = xij * gkj;
                    if i == k {
                        d -= sm * xij;
                    }
                    if nested && i == j {
                        d -= xij * c1 * ap[k * n + j];
                    }
                    dr[(r, c)] += d;
                }
            }
        }
        let mut jaa = nalgebra::DMatrix::<f64>::zeros(na, na);
        for (r, &i) in active.iter().enumerate() {
            for (c, &k) in active.iter().enumerate() {
                jaa[(r, c)] = ws.jacobian[i * n + k];
            }
        }
        // d ln p_A / dtheta
        let dp = if na == 0 { dr } else { -jaa.lu().solve(&dr)? };
        let mut jac = vec![vec![0.0; m]; m];
        for (qi, q) in terms.iter().enumerate() {
            let v: f64 = q.cells.iter().map(|&cell| x[cell]).sum();
            if !(v > 0.0 && v.is_finite()) {
                return None;
            }
            // dV_q / d ln p_k over the active countries
            let mut dv_dp = vec![0.0; na];
            for &cell in &q.cells {
                let (i, j) = (cell / n, cell % n);
                let xij = x[cell];
                for (r, &k) in active.iter().enumerate() {
                    let mut d = xij * gt[j * n + k];
                    if i == k {
                        d -= sm * xij;
                    }
                    dv_dp[r] += d;
                }
            }
            for (c, qc) in terms.iter().enumerate() {
                // dV_q / dtheta_c at fixed prices: cells of both in one destination
                let mut dv = 0.0;
                for &cell in &q.cells {
                    let (i, j) = (cell / n, cell % n);
                    for &other in &qc.cells {
                        let (k, jj) = (other / n, other % n);
                        if jj == j {
                            dv += x[cell] * (gt[j * n + k] - if i == k { sm } else { 0.0 });
                        }
                    }
                }
                for (r, d) in dv_dp.iter().enumerate() {
                    dv += d * dp[(r, c)];
                }
                jac[qi][c] = dv / v;
            }
        }
        jac.iter()
            .all(|row| row.iter().all(|v| v.is_finite()))
            .then_some(jac)
    }
}

/// The natural residual `theta - mid(0, thetabar, theta + g)`.
fn natural_residual(theta: &[f64], g: &[f64], terms: &[QuotaTerms]) -> Vec<f64> {
    theta
        .iter()
        .zip(g)
        .zip(terms)
        .map(|((&t, &g), q)| t - (t + g).clamp(0.0, q.theta_max.min(theta_cap())))
        .collect()
}

fn theta_cap() -> f64 {
    RENT_MAX.ln_1p()
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// The relative volume residual of each quota in its regime:
/// `max(0, g)` at `theta = 0`, `max(0, -g)` at `thetabar`, `|V/volume - 1|` between.
fn quota_residual(theta: &[f64], g: &[f64], terms: &[QuotaTerms]) -> f64 {
    theta
        .iter()
        .zip(g)
        .zip(terms)
        .map(|((&t, &g), q)| {
            let rel = g.exp_m1();
            if (t <= 0.0 && rel <= 0.0) || (t >= q.theta_max && rel >= 0.0) {
                0.0
            } else {
                rel.abs()
            }
        })
        .fold(0.0, f64::max)
}

impl<'a> RentSearch<'a> {
    /// The rent search of market `pm` with its quotas and export taxes `r`,
    /// taking its buffers from `ws` (the market without its restrictions is
    /// copied only when `ws` last searched another market).
    pub(super) fn new(
        pm: &PreparedMarket,
        r: &'a PreparedRestrictions,
        el: &'a Elasticities,
        supply: &'a [f64],
        cfg: &SolverConfig,
        sector: &'a str,
        ws: &mut Workspace,
    ) -> Self {
        let mut buffers = std::mem::take(&mut ws.rent_search);
        if buffers.market != pm.id || buffers.inner.is_none() {
            let mut inner = pm.clone();
            inner.restrictions = None;
            buffers.inner = Some(Box::new(inner));
            buffers.market = pm.id;
        }
        buffers.factors.resize(pm.n * pm.n, 0.0);
        RentSearch {
            r,
            market: pm.id,
            buffers,
            el,
            supply,
            cfg: *cfg,
            sector,
            iterations: 0,
            last: None,
        }
    }

    /// Solves the market's prices and every quota's rent wedge together (see
    /// the module documentation), leaving prices, flows and the rents
    /// (`ws.quota_rents`) in `ws`, and hands the search's buffers back to
    /// `ws`.
    pub(super) fn solve(mut self, ws: &mut Workspace) -> Result<SolverReport> {
        let out = self.search(ws);
        ws.rent_search = self.buffers;
        out
    }

    fn search(&mut self, ws: &mut Workspace) -> Result<SolverReport> {
        let search = self;
        let (r, cfg, sector, market) = (search.r, search.cfg, search.sector, search.market);
        let m = r.quotas.len();
        let warm = cfg.warm_start
            && ws.quota_rents_of == market
            && ws.quota_rents.len() == m
            && ws.quota_rents.iter().all(|u| u.is_finite() && *u >= 0.0);
        let rents = if warm {
            ws.quota_rents.clone()
        } else {
            r.start_rents()
        };
        let mut rents = rents;
        let mut theta: Vec<f64> = rents.iter().map(|u| u.ln_1p()).collect();
        // evaluate at the exact starting rents (a zero change keeps every digit)
        let mut g = search.eval_rents(&rents, ws)?;
        let mut f = natural_residual(&theta, &g, &r.quotas);
        let tol = cfg.tol;
        let residual = |theta: &[f64], g: &[f64]| quota_residual(theta, g, &r.quotas);
        let check_reach = |theta: &[f64], g: &[f64]| -> Result<()> {
            for (q, (&t, &gq)) in r.quotas.iter().zip(theta.iter().zip(g)) {
                if !q.theta_max.is_finite() && t >= theta_cap() && gq > 0.0 {
                    return Err(unreachable(sector, q));
                }
            }
            Ok(())
        };
        let mut sweeps = 0;
        let mut newton = 0;
        let mut moved = false;
        let mut jacobian: Option<Vec<Vec<f64>>> = None;
        while residual(&theta, &g) >= tol {
            check_reach(&theta, &g)?;
            if newton >= NEWTON_MAX_ITER {
                return Err(not_converged(search, residual(&theta, &g)));
            }
            newton += 1;
            moved = true;
            let step = newton_step(search, &theta, &g, &mut jacobian, ws)?;
            // monotone backtracking on |F|: the merit never rises, so regimes cannot cycle
            let f0 = norm(&f);
            let mut lambda = 1.0;
            let mut accepted = false;
            while lambda >= 1.0 / 64.0 {
                let trial: Vec<f64> = theta
                    .iter()
                    .zip(&step)
                    .zip(&r.quotas)
                    .map(|((&t, &d), q)| (t + lambda * d).clamp(0.0, q.theta_max.min(theta_cap())))
                    .collect();
                let gt = search.eval(&trial, ws)?;
                let ft = natural_residual(&trial, &gt, &r.quotas);
                if norm(&ft) <= (1.0 - 1e-4 * lambda) * f0 || residual(&trial, &gt) < tol {
                    if let Some(jac) = jacobian.as_mut() {
                        let ds: Vec<f64> = trial.iter().zip(&theta).map(|(a, b)| a - b).collect();
                        let dg: Vec<f64> = gt.iter().zip(&g).map(|(a, b)| a - b).collect();
                        broyden(jac, &ds, &dg);
                    }
                    theta = trial;
                    g = gt;
                    f = ft;
                    accepted = true;
                    break;
                }
                lambda *= 0.5;
            }
            if !accepted {
                // a stale Jacobian may be to blame: differences afresh next time
                jacobian = None;
                if sweeps >= 8 {
                    return Err(not_converged(search, residual(&theta, &g)));
                }
                sweeps += 1;
                for q in 0..m {
                    one_dimensional(search, q, &mut theta, ws)?;
                }
                g = search.eval(&theta, ws)?;
                f = natural_residual(&theta, &g, &r.quotas);
            }
        }
        if moved {
            // the last evaluation was at the answer (an accepted trial, or the
            // point after a sweep), so `ws` holds its prices and flows
            rents = theta.iter().map(|t| t.exp_m1()).collect();
        }
        ws.quota_rents.clear();
        ws.quota_rents.extend_from_slice(&rents);
        ws.quota_rents_of = market;
        let mut report = search.last.take().expect("evaluated at least once");
        report.iterations = search.iterations;
        report.residual = report.residual.max(residual(&theta, &g));
        if report.residual >= tol {
            return Err(Error::NotConverged {
                sector: sector.to_string(),
                report: Box::new(report),
            });
        }
        Ok(report)
    }
}

fn unreachable(sector: &str, q: &QuotaTerms) -> Error {
    Error::model(
        sector,
        format!(
            "no finite rent wedge brings the volume of the quota {}<-{} down to {}: \
             demand does not respond enough (sigma <= 1 with eta = 0?), or an exporter with a \
             fixed supply (epsilon = 0) has no other buyer; use a ban or a larger volume",
            q.importer.map_or("*".to_string(), |j| format!("#{j}")),
            q.exporter.map_or("*".to_string(), |i| format!("#{i}")),
            q.volume
        ),
    )
}

fn not_converged(search: &RentSearch<'_>, quota_residual: f64) -> Error {
    let mut report = search.last.expect("evaluated at least once");
    report.iterations = search.iterations;
    report.residual = report.residual.max(quota_residual);
    report.termination = super::Termination::MaxIterations;
    Error::NotConverged {
        sector: search.sector.to_string(),
        report: Box::new(report),
    }
}

/// The semismooth Newton direction at `theta` (where `g` was evaluated).
fn newton_step(
    search: &mut RentSearch<'_>,
    theta: &[f64],
    g: &[f64],
    jacobian: &mut Option<Vec<Vec<f64>>>,
    ws: &mut Workspace,
) -> Result<Vec<f64>> {
    let terms = &search.r.quotas;
    let m = theta.len();
    let cap = theta_cap();
    let mut step = vec![0.0; m];
    let mut free = Vec::new();
    for q in 0..m {
        let hi = terms[q].theta_max.min(cap);
        let z = theta[q] + g[q];
        if z <= 0.0 {
            step[q] = -theta[q];
        } else if z >= hi {
            step[q] = hi - theta[q];
        } else {
            free.push(q);
        }
    }
    if free.is_empty() {
        return Ok(step);
    }
    // dg/dtheta by the implicit function theorem at every step; where that
    // does not apply, by forward differences once and Broyden updates after
    if let Some(jac) = search.implicit_jacobian(ws) {
        *jacobian = Some(jac);
    } else if jacobian.is_none() {
        let mut jac = vec![vec![0.0; m]; m]; // jac[q][r] = dg_q / dtheta_r
        for c in 0..m {
            let h = DIFFERENCE_STEP * (1.0 + theta[c].abs());
            let mut shifted = theta.to_vec();
            // step towards the interior so the difference stays inside the bounds
            shifted[c] = if theta[c] + h <= terms[c].theta_max.min(cap) {
                theta[c] + h
            } else {
                theta[c] - h
            };
            let hs = shifted[c] - theta[c];
            let gs = search.eval(&shifted, ws)?;
            for q in 0..m {
                jac[q][c] = if gs[q].is_finite() && g[q].is_finite() {
                    (gs[q] - g[q]) / hs
                } else {
                    0.0
                };
            }
        }
        *jacobian = Some(jac);
    }
    let jac = jacobian.as_ref().expect("set above");
    // G_ff d_f = -g_f - G_fb d_b
    let k = free.len();
    let mut a = nalgebra::DMatrix::<f64>::zeros(k, k);
    let mut b = nalgebra::DVector::<f64>::zeros(k);
    for (ri, &q) in free.iter().enumerate() {
        let mut rhs = -g[q];
        for c in 0..m {
            if !free.contains(&c) {
                rhs -= jac[q][c] * step[c];
            }
        }
        b[ri] = rhs;
        for (ci, &c) in free.iter().enumerate() {
            a[(ri, ci)] = jac[q][c];
        }
    }
    match a.lu().solve(&b) {
        Some(d) if d.iter().all(|v| v.is_finite()) => {
            for (ri, &q) in free.iter().enumerate() {
                step[q] = d[ri];
            }
        }
        _ => {
            // a volume that does not respond to its own wedge: move it up by one
            for &q in &free {
                step[q] = if g[q] > 0.0 { 1.0 } else { -theta[q] };
            }
        }
    }
    Ok(step)
}

/// Good Broyden update of `jac` (dg/dtheta) after a step `ds` that changed `g` by `dg`.
fn broyden(jac: &mut [Vec<f64>], ds: &[f64], dg: &[f64]) {
    let ss: f64 = ds.iter().map(|v| v * v).sum();
    if ss == 0.0 || dg.iter().any(|v| !v.is_finite()) {
        return;
    }
    for (q, row) in jac.iter_mut().enumerate() {
        let predicted: f64 = row.iter().zip(ds).map(|(a, b)| a * b).sum();
        let k = (dg[q] - predicted) / ss;
        for (a, &d) in row.iter_mut().zip(ds) {
            *a += k * d;
        }
    }
}

/// Solves quota `q`'s own complementarity condition with the others held:
/// the regime at the bounds, else a bracketed root of `g_q` in `theta_q`.
fn one_dimensional(
    search: &mut RentSearch<'_>,
    q: usize,
    theta: &mut [f64],
    ws: &mut Workspace,
) -> Result<()> {
    let tol = search.cfg.tol;
    let hi_bound = search.r.quotas[q].theta_max.min(theta_cap());
    let mut at = |t: f64, theta: &mut [f64], ws: &mut Workspace| -> Result<f64> {
        theta[q] = t;
        Ok(search.eval(theta, ws)?[q])
    };
    let g_lo = at(0.0, theta, ws)?;
    if g_lo <= 0.0 {
        return Ok(());
    }
    // bracket: g(lo) > 0 > g(hi)
    let (mut lo, mut glo) = (0.0, g_lo);
    let mut hi = (theta[q].max(0.0) + 1.0).min(hi_bound);
    let mut ghi = at(hi, theta, ws)?;
    while ghi > 0.0 {
        if hi >= hi_bound {
            return Ok(()); // over (TRQ) or unreachable (reported by the caller)
        }
        lo = hi;
        glo = ghi;
        hi = (2.0 * hi + 1.0).min(hi_bound);
        ghi = at(hi, theta, ws)?;
    }
    // Illinois regula falsi
    let mut side = 0i8;
    for _ in 0..100 {
        let t = if ghi.is_finite() {
            hi - ghi * (hi - lo) / (ghi - glo)
        } else {
            0.5 * (lo + hi)
        };
        let t = if t > lo && t < hi { t } else { 0.5 * (lo + hi) };
        let gt = at(t, theta, ws)?;
        if gt.abs() < 0.1 * tol || hi - lo < 1e-15 * (1.0 + hi) {
            return Ok(());
        }
        if gt > 0.0 {
            lo = t;
            glo = gt;
            if side == 1 {
                ghi *= 0.5;
            }
            side = 1;
        } else {
            hi = t;
            ghi = gt;
            if side == -1 {
                glo *= 0.5;
            }
            side = -1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QuotaHolder;
    use crate::policy::Quota;
    use crate::solver::test_fixtures::hard_market;

    #[test]
    fn the_implicit_jacobian_agrees_with_central_differences() {
        let (market, el, pm) = hard_market("loose-convergence");
        let n = market.n();
        let x0 = market.flows().as_slice();
        let cells: Vec<(usize, usize)> = (0..n * n)
            .filter(|&k| k / n != k % n && x0[k] > 0.0)
            .map(|k| (k / n, k % n))
            .collect();
        assert!(cells.len() >= 3, "the fixture has trade");
        let mut policy = crate::policy::SectorPolicy::baseline(&market);
        // one bilateral quota and one over two flows sharing a destination or not
        for (group, start) in [(&cells[..1], 0.1), (&cells[1..3], 0.3)] {
            policy.restrictions.quotas.push(Quota {
                importer: Some(group[0].1),
                exporter: Some(group[0].0),
                cells: group.to_vec(),
                baseline: group.iter().map(|&(i, j)| x0[i * n + j]).collect(),
                volume: 1.0,
                trq: None,
                holder: QuotaHolder::Importer,
                start,
            });
        }
        let r = PreparedRestrictions::new(&market, &policy).expect("quotas");
        let cfg = SolverConfig::default()
            .with_tol(1e-12)
            .expect("a tolerance");
        let mut ws = Workspace::new(n);
        let mut search = RentSearch::new(&pm, &r, &el, market.supply(), &cfg, "s", &mut ws);
        let theta = [0.1f64.ln_1p(), 0.3f64.ln_1p()];
        search.eval(&theta, &mut ws).expect("solves");
        let jac = search.implicit_jacobian(&mut ws).expect("applies");
        let h = 1e-5;
        for c in 0..2 {
            let (mut up, mut down) = (theta, theta);
            up[c] += h;
            down[c] -= h;
            let gu = search.eval(&up, &mut ws).expect("solves");
            let gd = search.eval(&down, &mut ws).expect("solves");
            for q in 0..2 {
                let fd = (gu[q] - gd[q]) / (2.0 * h);
                assert!(
                    (jac[q][c] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
                    "dg{q}/dtheta{c}: implicit {} vs differences {fd}",
                    jac[q][c]
                );
            }
        }
    }
}

//! Up to [`LANES`] markets of the same size solved in lock-step, one per
//! vector lane: the same model, Newton step and convergence test as the
//! one-market solver (`evaluate.rs`, `newton.rs`), each lane's arithmetic its
//! own, so that a lane's result never depends on which markets share its
//! group or how many iterations they take.
//!
//! ```text
//! per lane:  ln r = ln p_i + ln w_ij;  S_j - 1 = wedge_sum_j + sum_i a (1+Y) expm1((1-sm) ln p_i)
//!            ln PM_j = ln S_j / (1-sm);  ln P_j = ln(b p_j^(1-sd) + (1-b) PM_j^(1-sd)) / (1-sd)
//!            x_ij = x0 w^(-sm) p_i^(-sm) PM_j^(sm-sd) P_j^(sd-eta),  x_jj = x0 p_j^(-sd) P_j^(sd-eta)
//!            R_i = sum_j x_ij - X0_i p_i^eps_i;  J = X G^T + diag terms
//! step:      J d = -R (rows equilibrated, LU with partial pivoting per lane),
//!            |d| capped at 1, the full step taken when the merit
//!            f = sum (R_i/s_i)^2 falls by 2e-4 of itself (or the measure converges)
//! a lane     converges when max_i |R_i| / X_i(p) < tol, and then stops moving;
//!            fails (and is solved again by the one-market solver) when a full
//!            step does not descend, a pivot vanishes, anything is not finite,
//!            or the iterations run out
//! ```
//! Only the common case runs here: the nested treatment of domestic sales,
//! every country producing, importing and buying at home, no ban, quota or
//! export tax, finite supply elasticities, `sigma != 1`, and wedges small
//! enough to factor out of the CES sums (see `evaluate.rs`). A market or a
//! draw outside it goes to the one-market solver, whose line search,
//! Levenberg-Marquardt steps and continuation then apply unchanged.
//!
//! The elementary functions are this module's own (`math.rs`, about one ulp
//! from the standard library's), so a lane's solution can differ from the
//! one-market solver's in the last bits, well inside the tolerance; it is
//! the same on every machine, thread and shard.

mod math;

use math::{LANES, M, V, ces_log, exp, exp_expm1};

use super::config::{Method, SolverConfig};
use super::prepared::PreparedMarket;
use super::workspace::Workspace;
use crate::model::Elasticities;
use crate::solver::DomesticTreatment;
use crate::tolerance::{DIRECT_SEARCH_MAX_ITER, MAX_LOG_STEP};

pub(crate) use math::LANES as GROUP_SIZE;

/// Largest `|(1-sigma) ln w|` whose wedge is factored out of a CES sum (as
/// in `evaluate.rs`); a draw with a larger one in a lane solves that lane
/// alone.
const FACTOR_MAX: f64 = std::f64::consts::LN_10;

/// The markets of one group, lane by lane (`[cell][lane]`): what does not
/// change from draw to draw.
#[derive(Debug, Clone)]
pub(crate) struct LaneGroup {
    n: usize,
    /// Sector index of each real lane (lanes past `sectors.len()` repeat the first).
    sectors: Vec<usize>,
    x0: Vec<V>,
    import_weight: Vec<V>,
    log_wedge: Vec<V>,
    domestic_share: Vec<V>,
    output: Vec<V>,
    /// Off-diagonal cells with a nonzero wedge in some lane.
    wedged: Vec<usize>,
}

/// Whether a prepared market can be solved in a lane.
fn eligible(pm: &PreparedMarket) -> bool {
    let n = pm.n;
    pm.treatment == DomesticTreatment::Nested
        && pm.restrictions.is_none()
        && !pm.banned.iter().any(|&b| b)
        && pm.has_imports.iter().all(|&h| h)
        && pm.output.iter().all(|&x| x > 0.0 && x.is_finite())
        && (0..n).all(|j| pm.x0[j * n + j] > 0.0 && pm.domestic_share[j] > 0.0)
}

/// Fewest markets worth a group: a group costs what its full width costs
/// (measured from a cold start on 7-country markets: a group of 8 about 3.8
/// times one market alone), so fewer markets are solved one at a time.
const MIN_GROUP: usize = 4;

/// The lane groups of a scenario's markets (one per sector, `None` without
/// flows): eligible markets of the same size, in sector order, at most
/// [`LANES`] and at least [`MIN_GROUP`] to a group (the markets of a
/// smaller remainder are solved one at a time).
pub(crate) fn lane_groups(markets: &[Option<PreparedMarket>]) -> Vec<LaneGroup> {
    let mut by_size: Vec<(usize, Vec<usize>)> = Vec::new();
    for (s, pm) in markets.iter().enumerate() {
        let Some(pm) = pm.as_ref().filter(|pm| eligible(pm)) else {
            continue;
        };
        match by_size.iter_mut().find(|(n, _)| *n == pm.n) {
            Some((_, v)) => v.push(s),
            None => by_size.push((pm.n, vec![s])),
        }
    }
    let mut groups = Vec::new();
    for (_, sectors) in by_size {
        for chunk in sectors.chunks(LANES).filter(|c| c.len() >= MIN_GROUP) {
            let pms: Vec<&PreparedMarket> = chunk
                .iter()
                .map(|&s| markets[s].as_ref().expect("eligible markets exist"))
                .collect();
            groups.push(LaneGroup::new(chunk.to_vec(), &pms));
        }
    }
    groups
}

impl LaneGroup {
    fn new(sectors: Vec<usize>, pms: &[&PreparedMarket]) -> Self {
        let n = pms[0].n;
        let lane = |l: usize| if l < pms.len() { pms[l] } else { pms[0] };
        let gather = |f: &dyn Fn(&PreparedMarket) -> &[f64], len: usize| -> Vec<V> {
            (0..len)
                .map(|k| {
                    let mut v = V::default();
                    for l in 0..LANES {
                        v.set_lane(l, f(lane(l))[k]);
                    }
                    v
                })
                .collect()
        };
        let log_wedge = gather(&|p| &p.log_wedge, n * n);
        let wedged = (0..n * n)
            .filter(|&k| k / n != k % n && (0..LANES).any(|l| log_wedge[k].lane(l) != 0.0))
            .collect();
        LaneGroup {
            n,
            x0: gather(&|p| &p.x0, n * n),
            import_weight: gather(&|p| &p.import_weight, n * n),
            log_wedge,
            domestic_share: gather(&|p| &p.domestic_share, n),
            output: gather(&|p| &p.output, n),
            wedged,
            sectors,
        }
    }

    /// Sector index of each real lane.
    pub(crate) fn sectors(&self) -> &[usize] {
        &self.sectors
    }

    /// Number of countries.
    pub(crate) fn n(&self) -> usize {
        self.n
    }
}

/// Per-thread buffers of a lane group's solve, and the draw's parameters
/// lane by lane.
#[derive(Debug, Clone, Default)]
pub(crate) struct LaneWorkspace {
    n: usize,
    sm: V,
    sd: V,
    eta: V,
    eps: Vec<V>,
    /// Per country: the lanes where its price is solved for (finite supply
    /// elasticity; the others are price takers at `ln p = 0`).
    active: Vec<M>,
    /// Lanes not to solve here (set by the caller or found at the start).
    skip: M,
    log_prices: Vec<V>,
    trial: Vec<V>,
    // per-solve constants
    wedged_weight: Vec<V>,
    wedged_flow: Vec<V>,
    wedge_sum: Vec<V>,
    // one evaluation
    price_power_m1: Vec<V>,
    price_power: Vec<V>,
    price_factor: Vec<V>,
    log_price_index: Vec<V>,
    import_share_factor: Vec<V>,
    import_spending_share: Vec<V>,
    destination_factor: Vec<V>,
    domestic_factor: Vec<V>,
    flows: Vec<V>,
    import_share: Vec<V>,
    supply: Vec<V>,
    residual: Vec<V>,
    // the step
    merit_scale: Vec<V>,
    gradient: Vec<V>,
    jacobian: Vec<V>,
    system: Vec<V>,
    rhs: Vec<V>,
}

impl LaneWorkspace {
    /// Buffers for groups of `n`-country markets (allocates only when `n` changes).
    pub(crate) fn resize(&mut self, n: usize) {
        if self.n == n && self.flows.len() == n * n {
            return;
        }
        self.n = n;
        for v in [
            &mut self.wedged_weight,
            &mut self.wedged_flow,
            &mut self.flows,
            &mut self.import_share,
            &mut self.gradient,
            &mut self.jacobian,
            &mut self.system,
        ] {
            *v = vec![V::default(); n * n];
        }
        for v in [
            &mut self.eps,
            &mut self.log_prices,
            &mut self.trial,
            &mut self.wedge_sum,
            &mut self.price_power_m1,
            &mut self.price_power,
            &mut self.price_factor,
            &mut self.log_price_index,
            &mut self.import_share_factor,
            &mut self.import_spending_share,
            &mut self.destination_factor,
            &mut self.domestic_factor,
            &mut self.supply,
            &mut self.residual,
            &mut self.merit_scale,
            &mut self.rhs,
        ] {
            *v = vec![V::default(); n];
        }
        self.active = vec![M::NONE; n];
    }

    /// Sets lane `l`'s elasticities, supply elasticities and start; `solve =
    /// false` leaves the lane to the one-market solver.
    pub(crate) fn set_lane(
        &mut self,
        l: usize,
        el: &Elasticities,
        supply: &[f64],
        start: &[f64],
        solve: bool,
    ) {
        self.sm.set_lane(l, el.sigma_import);
        self.sd.set_lane(l, el.sigma_domestic);
        self.eta.set_lane(l, el.demand);
        let finite = start[..self.n].iter().all(|v| v.is_finite());
        for i in 0..self.n {
            let active = supply[i].is_finite();
            self.eps[i].set_lane(l, supply[i]);
            self.active[i].set_lane(l, active);
            self.log_prices[i].set_lane(l, if finite && active { start[i] } else { 0.0 });
        }
        self.skip.set_lane(
            l,
            !solve || el.sigma_import == 1.0 || el.sigma_domestic == 1.0,
        );
    }

    /// Copies lane `l`'s solution into `out` ([`solution_len`] values: log
    /// prices, log price indices, flows), for [`load_solution`].
    pub(crate) fn copy_lane(&self, l: usize, out: &mut [f64]) {
        let n = self.n;
        let (lnp, rest) = out.split_at_mut(n);
        let (lpi, flows) = rest.split_at_mut(n);
        for i in 0..n {
            lnp[i] = self.log_prices[i].lane(l);
            lpi[i] = self.log_price_index[i].lane(l);
        }
        for (x, v) in flows[..n * n].iter_mut().zip(&self.flows) {
            *x = v.lane(l);
        }
    }
}

/// Values [`LaneWorkspace::copy_lane`] writes for an `n`-country market.
pub(crate) fn solution_len(n: usize) -> usize {
    n * (n + 2)
}

/// Puts a solution copied by [`LaneWorkspace::copy_lane`] into `ws` as the
/// one-market solver leaves it for the accounts: log prices, log price
/// indices and flows of the last evaluation.
pub(crate) fn load_solution(solution: &[f64], n: usize, ws: &mut Workspace) {
    ws.resize(n);
    let (lnp, rest) = solution.split_at(n);
    let (lpi, flows) = rest.split_at(n);
    ws.log_prices[..n].copy_from_slice(lnp);
    ws.log_price_index[..n].copy_from_slice(lpi);
    ws.flows[..n * n].copy_from_slice(&flows[..n * n]);
}

/// Whether `cfg` lets lanes stand in for the one-market solver: Newton with
/// its line search (a lane takes only full steps and hands anything else
/// back), from the draw's start.
pub(crate) fn lanes_apply(cfg: &SolverConfig) -> bool {
    cfg.method == Method::Newton && cfg.line_search
}

impl LaneGroup {
    /// Solves every lane not skipped from the start set in `lws`; returns the
    /// lanes that converged (their solutions are then in `lws`, see
    /// [`LaneWorkspace::write_lane`]). The others are for the one-market
    /// solver.
    pub(crate) fn solve(&self, cfg: &SolverConfig, lws: &mut LaneWorkspace) -> M {
        debug_assert_eq!(lws.n, self.n);
        let n = self.n;
        let tol = cfg.tol;
        let max_iter = cfg.max_iter.min(DIRECT_SEARCH_MAX_ITER);
        let mut failed = lws.skip | self.fill_constants(lws);
        self.evaluate(lws, false);
        self.fix_scales(lws);
        let (mut f, mut measure) = merit(lws);
        failed = failed | !f.is_finite();
        let tol = V::splat(tol);
        let mut converged = measure.lt(tol) & !failed;
        let mut active = !(converged | failed);
        let mut iterations = 0;
        while active.any() {
            if iterations >= max_iter {
                failed = failed | active;
                break;
            }
            iterations += 1;
            self.jacobian(lws);
            let solved = newton_direction(lws);
            let moving = active & solved;
            failed = failed | (active & !solved);
            // the step, capped at MAX_LOG_STEP per component
            let mut biggest = V::splat(0.0);
            for r in 0..n {
                biggest = biggest.max(lws.rhs[r].abs());
            }
            let cap = V::select(
                V::splat(MAX_LOG_STEP).lt(biggest),
                V::splat(MAX_LOG_STEP) / biggest,
                V::splat(1.0),
            );
            for i in 0..n {
                let p = lws.log_prices[i];
                lws.trial[i] = V::select(moving, p + lws.rhs[i] * cap, p);
            }
            self.evaluate(lws, true);
            let (f_new, measure_new) = merit(lws);
            let descends = !(f * V::splat(1.0 - 2e-4)).lt(f_new);
            let good = f_new.is_finite() & (descends | measure_new.lt(tol));
            let accepted = moving & good;
            failed = failed | (moving & !good);
            for i in 0..n {
                lws.log_prices[i] = V::select(accepted, lws.trial[i], lws.log_prices[i]);
            }
            // a new iterate: the merit's scales move to its supplies
            self.fix_scales(lws);
            let (f1, m1) = merit(lws);
            f = V::select(accepted, f1, f);
            measure = V::select(accepted, m1, measure);
            converged = converged | (accepted & measure.lt(tol));
            active = !(converged | failed);
        }
        converged & !failed
    }

    /// The wedge constants of the lanes' elasticities (as
    /// `PreparedMarket::fill_constants`); returns the lanes with a wedge too
    /// large to factor out.
    fn fill_constants(&self, lws: &mut LaneWorkspace) -> M {
        let n = self.n;
        let sm = lws.sm;
        let one_m = V::splat(1.0) - sm;
        let mut unfactored = M::NONE;
        for v in &mut lws.wedge_sum {
            *v = V::default();
        }
        lws.wedged_weight.copy_from_slice(&self.import_weight);
        lws.wedged_flow.copy_from_slice(&self.x0);
        for j in 0..n {
            lws.wedged_weight[j * n + j] = V::default();
        }
        for &k in &self.wedged {
            let j = k % n;
            let a = self.import_weight[k];
            let lnw = self.log_wedge[k];
            let z = one_m * lnw;
            let traded = a.ne(V::default());
            unfactored = unfactored | (V::splat(FACTOR_MAX).lt(z.abs()) & traded);
            let z = V::select(traded, z, V::default());
            let (_, y) = exp_expm1(z);
            lws.wedged_weight[k] = a * (V::splat(1.0) + y);
            lws.wedge_sum[j] = lws.wedge_sum[j] + a * y;
            let zf = V::select(traded, -sm * lnw, V::default());
            lws.wedged_flow[k] = self.x0[k] * exp(zf);
        }
        unfactored
    }

    /// Demand, supply and the residual at `lws.trial` (`trial`) or
    /// `lws.log_prices`, lane by lane.
    fn evaluate(&self, lws: &mut LaneWorkspace, trial: bool) {
        let n = self.n;
        let LaneWorkspace {
            sm,
            sd,
            eta,
            eps,
            active,
            log_prices,
            trial: trial_prices,
            wedged_weight,
            wedged_flow,
            wedge_sum,
            price_power_m1,
            price_power,
            price_factor,
            log_price_index,
            import_share_factor,
            import_spending_share,
            destination_factor,
            domestic_factor,
            flows,
            import_share,
            supply,
            residual,
            ..
        } = lws;
        let lnp: &[V] = if trial { trial_prices } else { log_prices };
        let (sm, sd, eta) = (*sm, *sd, *eta);
        let one = V::splat(1.0);
        let one_m = one - sm;
        let one_d = one - sd;
        for i in 0..n {
            let l = lnp[i];
            let (w, e) = exp_expm1(one_m * l);
            price_power_m1[i] = e;
            price_power[i] = w;
            price_factor[i] = exp(-sm * l);
        }
        for j in 0..n {
            // import nest: S_j - 1 and S_j
            let mut sum_m1 = wedge_sum[j];
            let mut sum = V::default();
            for i in 0..n {
                let a = wedged_weight[i * n + j];
                sum_m1 = sum_m1 + a * price_power_m1[i];
                sum = sum + a * price_power[i];
            }
            let lnpm = ces_log(sum_m1, sum) / one_m;
            import_share_factor[j] = one / sum;
            // upper nest
            let b = self.domestic_share[j];
            let (wd, ed) = exp_expm1(one_d * lnp[j]);
            let (wm, em) = exp_expm1(one_d * lnpm);
            let s2 = b * ed + (one - b) * em;
            let direct2 = b * wd + (one - b) * wm;
            let lnpj = ces_log(s2, direct2) / one_d;
            log_price_index[j] = lnpj;
            import_spending_share[j] = (one - b) * wm / direct2;
            destination_factor[j] = exp((sm - sd) * lnpm + (sd - eta) * lnpj);
            domestic_factor[j] = exp(-sd * lnp[j] + (sd - eta) * lnpj);
        }
        for i in 0..n {
            let u = price_factor[i];
            let g = price_power[i];
            let mut total = V::default();
            for j in 0..n {
                let k = i * n + j;
                let x = if i == j {
                    wedged_flow[k] * domestic_factor[i]
                } else {
                    wedged_flow[k] * u * destination_factor[j]
                };
                flows[k] = x;
                import_share[k] = wedged_weight[k] * g * import_share_factor[j];
                total = total + x;
            }
            // a price taker supplies what is demanded
            let s = V::select(active[i], self.output[i] * exp(eps[i] * lnp[i]), total);
            supply[i] = s;
            residual[i] = total - s;
        }
    }

    /// The merit's scales at the last evaluation (as `newton.rs`).
    fn fix_scales(&self, lws: &mut LaneWorkspace) {
        for i in 0..self.n {
            let s = lws.supply[i].max(lws.supply[i] + lws.residual[i]);
            lws.merit_scale[i] = V::select(s.is_finite() & V::default().lt(s), s, self.output[i]);
        }
    }

    /// The Jacobian `dR_i/d ln p_k` at the last evaluation (as
    /// `PreparedMarket::jacobian`, nested treatment), row-major.
    fn jacobian(&self, lws: &mut LaneWorkspace) {
        let n = self.n;
        let (sm, sd, eta) = (lws.sm, lws.sd, lws.eta);
        let c1 = sm - sd;
        let c2 = sd - eta;
        let one = V::splat(1.0);
        // G^T: g[j][k] = G[k][j]
        for j in 0..n {
            let m = lws.import_spending_share[j];
            let c = c1 + c2 * m;
            for k in 0..n {
                lws.gradient[j * n + k] = lws.import_share[k * n + j] * c;
            }
            lws.gradient[j * n + j] = c2 * (one - m);
        }
        for i in 0..n {
            let mut total = V::default();
            for j in 0..n {
                total = total + lws.flows[i * n + j];
            }
            let xii = lws.flows[i * n + i];
            let f = xii * c1;
            for k in 0..n {
                let mut v = V::default();
                for j in 0..n {
                    v = v + lws.flows[i * n + j] * lws.gradient[j * n + k];
                }
                lws.jacobian[i * n + k] = v - f * lws.import_share[k * n + i];
            }
            let d = sm * (total - xii) + sd * xii + lws.eps[i] * lws.supply[i];
            lws.jacobian[i * n + i] = lws.jacobian[i * n + i] - d;
        }
    }
}

/// The merit `sum (R_i / s_i)^2` and the convergence measure
/// `max |R_i| / X_i(p)` of the last evaluation, lane by lane (infinite where
/// not a number).
fn merit(lws: &LaneWorkspace) -> (V, V) {
    let mut sum = V::default();
    let mut measure = V::default();
    for i in 0..lws.n {
        let active = lws.active[i];
        let r = V::select(active, lws.residual[i] / lws.merit_scale[i], V::default());
        sum = sum + r * r;
        let m = V::select(
            active,
            (lws.residual[i] / lws.supply[i]).abs(),
            V::default(),
        );
        measure = V::select(m.is_nan(), V::splat(f64::INFINITY), measure.max(m));
    }
    let inf = V::splat(f64::INFINITY);
    let bad = sum.is_nan();
    (V::select(bad, inf, sum), V::select(bad, inf, measure))
}

/// The Newton direction into `lws.rhs`: `J d = -R` with each row divided by
/// its largest entry, by LU with partial pivoting (the first largest pivot)
/// lane by lane. Returns the lanes where every pivot is finite and above
/// the threshold of the one-market solver.
fn newton_direction(lws: &mut LaneWorkspace) -> M {
    let n = lws.n;
    let one = V::splat(1.0);
    // a price taker's row becomes the identity's and its column 0: the
    // system of the others is then the one-market solver's, and the price
    // taker's step 0
    for i in 0..n {
        let taker = !lws.active[i];
        if !taker.any() {
            continue;
        }
        for k in 0..n {
            let identity = V::splat(if i == k { 1.0 } else { 0.0 });
            lws.jacobian[i * n + k] = V::select(taker, identity, lws.jacobian[i * n + k]);
            if k != i {
                lws.jacobian[k * n + i] = V::select(taker, V::default(), lws.jacobian[k * n + i]);
            }
        }
        lws.residual[i] = V::select(taker, V::default(), lws.residual[i]);
    }
    let mut scale = V::default();
    for i in 0..n {
        let mut big = V::default();
        for k in 0..n {
            big = big.max(lws.jacobian[i * n + k].abs());
        }
        let d = V::select(V::default().lt(big) & big.is_finite(), big, one);
        let s = one / d;
        for k in 0..n {
            let v = lws.jacobian[i * n + k] * s;
            lws.system[i * n + k] = v;
            scale = scale.max(v.abs());
        }
        lws.rhs[i] = -lws.residual[i] / d;
    }
    let mut ok = scale.is_finite() & V::default().lt(scale);
    let tiny = scale * V::splat(1e-300_f64.max(f64::EPSILON * 1e-3));
    let a = &mut lws.system;
    let b = &mut lws.rhs;
    for k in 0..n {
        let mut big = a[k * n + k].abs();
        let mut pivot_row = V::splat(k as f64);
        for r in k + 1..n {
            let v = a[r * n + k].abs();
            let larger = big.lt(v);
            big = V::select(larger, v, big);
            pivot_row = V::select(larger, V::splat(r as f64), pivot_row);
        }
        for r in k + 1..n {
            let swap = pivot_row.eq(V::splat(r as f64));
            if !swap.any() {
                continue;
            }
            for c in k..n {
                let (top, other) = (a[k * n + c], a[r * n + c]);
                a[k * n + c] = V::select(swap, other, top);
                a[r * n + c] = V::select(swap, top, other);
            }
            let (top, other) = (b[k], b[r]);
            b[k] = V::select(swap, other, top);
            b[r] = V::select(swap, top, other);
        }
        let pivot = a[k * n + k];
        ok = ok & pivot.abs().is_finite() & tiny.lt(pivot.abs());
        let inv = one / pivot;
        for r in k + 1..n {
            let l = a[r * n + k] * inv;
            for c in k + 1..n {
                a[r * n + c] = a[r * n + c] - l * a[k * n + c];
            }
            b[r] = b[r] - l * b[k];
        }
    }
    for k in (0..n).rev() {
        let mut x = b[k];
        for c in k + 1..n {
            x = x - a[k * n + c] * b[c];
        }
        b[k] = x / a[k * n + k];
    }
    ok
}

#[cfg(test)]
mod tests;

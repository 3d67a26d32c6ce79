//! The exact nested-CES (Armington) model of one sector: demand, the market
//! clearing residual and its analytic Jacobian, evaluated at any log producer
//! prices into a [`Workspace`].
//!
//! ```text
//! ln r[i][j] = ln p[i] + ln w[i][j],   w = (1+t1)(1+c1) / ((1+t0)(1+c0))
//! PM[j]^(1-sm) = sum_{i!=j} a[i][j] r[i][j]^(1-sm)          (import nest)
//! P[j]^(1-sd)  = b[j] p[j]^(1-sd) + (1-b[j]) PM[j]^(1-sd)    (domestic vs imports)
//! x[i][j] = x0 r^(-sm) PM^(sm-sd) P^(sd-eta)                 (imports)
//! x[j][j] = x0 p[j]^(-sd) P^(sd-eta)                         (domestic)
//! R[i]    = sum_j x[i][j] - X0[i] p[i]^eps[i]
//! dR_i/dln p_k = sum_j XI[i][j] G[k][j] + x[i][i] (sd-eta) s[k][i]
//!                - [i=k] (sm sum_j XI[i][j] + sd x[i][i] + eps X[i])
//! G[k][j] = (sm-sd) a'[k][j] + (sd-eta) s[k][j]
//! ```
//! `XI` holds the flows inside the import nest (the diagonal too under
//! `AsImportSource`, where `P = PM` and `s = a'`). Every CES index is computed as
//! `ln_1p(sum a expm1((1-sigma) ln r)) / (1-sigma)` so that sigma near 1 and
//! tiny price changes keep their digits, unless that sum is far from 0 (e.g. a
//! large price rise with sigma > 1 drives `S = sum a r^(1-sigma)` towards 0),
//! where `ln(S)` of the plain positive sum keeps them instead; sigma = 1 uses
//! the geometric index.
//!
//! The fixed part of `ln r` (the wedge) is factored out once per solve
//! ([`Workspace`] fields `wedged_weight = a (1+Y)`, `wedge_sum = sum_i a Y`,
//! `wedged_flow = x0 w^(-sm)` with `Y = expm1((1-sm) ln w)`), so an evaluation
//! needs O(N) exponentials: `S_j - 1 = wedge_sum_j + sum_i wedged_weight_ij E_i`
//! with `E_i = expm1((1-sm) ln p_i)`, and
//! `x[i][j] = wedged_flow_ij p_i^(-sm) PM_j^(sm-sd) P_j^(sd-eta)`.

use crate::model::Elasticities;
use crate::solver::DomesticTreatment;

use super::prepared::PreparedMarket;
use super::workspace::Workspace;

impl PreparedMarket {
    /// Fills the elasticity-dependent constants of `ws` (once per market and
    /// elasticities): `wedged_weight = a (1 + Y)`, `Y = expm1((1-sm) ln w)`,
    /// `wedge_sum = sum_i a Y` (or `sum_i a ln w` at sm = 1) and
    /// `wedged_flow = x0 exp(-sm ln w)`. With them an evaluation needs only
    /// O(N) exponentials:
    /// `sum_i a expm1((1-sm) ln r) = wedge_sum + sum_i wedged_weight expm1((1-sm) ln p_i)` exactly.
    fn fill_constants(&self, el: &Elasticities, ws: &mut Workspace) {
        let key = (self.id, el.sigma_import, el.sigma_domestic, el.demand);
        if ws.constants_key == Some(key) {
            return;
        }
        let n = self.n;
        let sm = el.sigma_import;
        let one_m = 1.0 - sm;
        let nested = self.treatment == DomesticTreatment::Nested;
        ws.wedge_sum[..n].iter_mut().for_each(|v| *v = 0.0);
        ws.unfactored.clear();
        for i in 0..n {
            for j in 0..n {
                let k = i * n + j;
                let a = self.import_weight[k];
                if nested && i == j {
                    ws.wedged_weight[k] = 0.0;
                    ws.wedged_flow[k] = self.x0[k];
                    continue;
                }
                if a == 0.0 {
                    ws.wedged_weight[k] = 0.0;
                    ws.wedged_flow[k] = 0.0;
                    continue;
                }
                if self.banned[k] {
                    ws.wedged_weight[k] = 0.0;
                    ws.wedged_flow[k] = 0.0;
                    ws.wedge_sum[j] -= a;
                    continue;
                }
                let lnw = self.log_wedge[k];
                if one_m == 0.0 {
                    ws.wedged_weight[k] = a;
                    ws.wedge_sum[j] += a * lnw;
                } else if lnw == 0.0 {
                    ws.wedged_weight[k] = a;
                } else {
                    let z = one_m * lnw;
                    if z.abs() > FACTOR_MAX {
                        // a large wedge term would cancel against the price term in
                        // the factored sum: this cell is evaluated on its own
                        ws.wedged_weight[k] = 0.0;
                        ws.unfactored.push((k, a));
                    } else {
                        let y = z.exp_m1();
                        ws.wedged_weight[k] = a * (1.0 + y);
                        ws.wedge_sum[j] += a * y;
                    }
                }
                ws.wedged_flow[k] = if lnw == 0.0 {
                    self.x0[k]
                } else {
                    self.x0[k] * (-sm * lnw).exp()
                };
            }
        }
        ws.constants_key = Some(key);
    }

    /// Evaluates demand, the residual and the analytic Jacobian at arbitrary log
    /// producer prices `lnp` (one per country) and returns the Jacobian
    /// `dR_i/d ln p_k`, row-major `[i * n + k]`. Flows and residual of the same
    /// evaluation are then in [`Workspace::flows`] and [`Workspace::residual`].
    /// Meant for diagnostics and for checking the Jacobian against finite
    /// differences; the solver itself does not need it.
    pub fn jacobian_at<'w>(
        &self,
        el: &Elasticities,
        supply: &[f64],
        lnp: &[f64],
        ws: &'w mut Workspace,
    ) -> &'w [f64] {
        ws.resize(self.n);
        self.evaluate(el, supply, lnp, ws, true);
        &ws.jacobian
    }

    /// Evaluates demand at log producer prices `lnp`, filling `ws` with flows,
    /// price indices, shares and the residual; with `jacobian`, also the full
    /// Jacobian `ws.jacobian` (row-major `[i * n + k]`).
    pub(crate) fn evaluate(
        &self,
        el: &Elasticities,
        supply: &[f64],
        lnp: &[f64],
        ws: &mut Workspace,
        jacobian: bool,
    ) {
        macro_rules! sized {
            ($($k:literal)*) => {
                match self.n {
                    $($k => self.evaluate_sized::<$k>(el, supply, lnp, ws),)*
                    _ => self.evaluate_sized::<0>(el, supply, lnp, ws),
                }
            };
        }
        sized!(1 2 3 4 5 6 7 8 9 10 11 12);
        if jacobian {
            self.jacobian(el, supply, ws);
        }
    }

    /// [`PreparedMarket::evaluate`] without the Jacobian for `N` countries, the
    /// loops' bounds known at compile time for small markets (`N = 0`: any
    /// size, read at run time).
    fn evaluate_sized<const N: usize>(
        &self,
        el: &Elasticities,
        supply: &[f64],
        lnp: &[f64],
        ws: &mut Workspace,
    ) {
        let n = if N == 0 { self.n } else { N };
        ws.resize(n);
        self.fill_constants(el, ws);
        let sm = el.sigma_import;
        let sd = el.sigma_domestic;
        let eta = el.demand;
        let nested = self.treatment == DomesticTreatment::Nested;
        let one_m = 1.0 - sm;
        let one_d = 1.0 - sd;
        // per-origin factors: E_i = expm1((1-sm) ln p_i), p_i^(1-sm), p_i^(-sm)
        for i in 0..n {
            let l = lnp[i];
            if l == 0.0 {
                ws.price_power_m1[i] = 0.0;
                ws.price_power[i] = 1.0;
                ws.price_factor[i] = 1.0;
            } else {
                let z = one_m * l;
                let e = z.exp_m1();
                ws.price_power_m1[i] = e;
                ws.price_power[i] = if e > -0.5 { 1.0 + e } else { z.exp() };
                ws.price_factor[i] = (-sm * l).exp();
            }
        }
        // import nest: S_j - 1 = wedge_sum_j + sum_i wedged_weight_ij E_i and
        // S_j = sum_i wedged_weight_ij p_i^(1-sm) (sm = 1: ln PM_j = wedge_sum_j + sum_i a_ij ln p_i)
        ws.ces_sum_m1[..n].copy_from_slice(&ws.wedge_sum[..n]);
        ws.ces_sum[..n].iter_mut().for_each(|d| *d = 0.0);
        for i in 0..n {
            let f = if one_m == 0.0 {
                lnp[i]
            } else {
                ws.price_power_m1[i]
            };
            let wi = ws.price_power[i];
            let row = &ws.wedged_weight[i * n..(i + 1) * n];
            for ((acc, d), &a) in ws.ces_sum_m1[..n]
                .iter_mut()
                .zip(ws.ces_sum[..n].iter_mut())
                .zip(row)
            {
                *acc += a * f;
                *d += a * wi;
            }
        }
        for b in 0..ws.unfactored.len() {
            let (k, a) = ws.unfactored[b];
            let (i, j) = (k / n, k % n);
            let z = one_m * (lnp[i] + self.log_wedge[k]);
            let e = z.exp_m1();
            let w = if e > -0.5 { 1.0 + e } else { z.exp() };
            ws.unfactored_power[b] = w;
            ws.ces_sum_m1[j] += a * e;
            ws.ces_sum[j] += a * w;
        }
        for j in 0..n {
            let sj = ws.ces_sum_m1[j];
            let lnpm = if !self.has_imports[j] {
                0.0
            } else if one_m == 0.0 {
                sj
            } else {
                ces_log(sj, ws.ces_sum[j]) / one_m
            };
            ws.log_import_index[j] = lnpm;
            ws.inv_ces_sum[j] = if one_m == 0.0 || !self.has_imports[j] || ws.ces_sum[j] == 0.0 {
                1.0
            } else {
                1.0 / ws.ces_sum[j]
            };
            // upper nest
            let (lnpj, m) = if !nested {
                (lnpm, 1.0)
            } else if !self.has_imports[j] {
                (lnp[j], 0.0)
            } else {
                let b = self.domestic_share[j];
                if b == 0.0 {
                    (lnpm, 1.0)
                } else if one_d == 0.0 {
                    (b * lnp[j] + (1.0 - b) * lnpm, 1.0 - b)
                } else {
                    let zd = one_d * lnp[j];
                    let zm = one_d * lnpm;
                    let ed = zd.exp_m1();
                    let em = zm.exp_m1();
                    let wd = if ed > -0.5 { 1.0 + ed } else { zd.exp() };
                    let wm = if em > -0.5 { 1.0 + em } else { zm.exp() };
                    let s2 = b * ed + (1.0 - b) * em;
                    let direct2 = b * wd + (1.0 - b) * wm;
                    (ces_log(s2, direct2) / one_d, (1.0 - b) * wm / direct2)
                }
            };
            ws.log_price_index[j] = lnpj;
            ws.import_spending_share[j] = m;
            let common = if nested {
                (if sm == sd { 0.0 } else { (sm - sd) * lnpm }) + (sd - eta) * lnpj
            } else {
                (sm - eta) * lnpm
            };
            ws.destination_factor[j] = if self.all_nest_banned[j] || !self.has_imports[j] {
                0.0
            } else if common == 0.0 {
                1.0
            } else {
                common.exp()
            };
            ws.domestic_factor[j] = if nested && self.x0[j * n + j] > 0.0 {
                let z = -sd * lnp[j] + (sd - eta) * lnpj;
                if z == 0.0 { 1.0 } else { z.exp() }
            } else {
                0.0
            };
        }
        // flows x_ij = wedged_flow_ij p_i^(-sm) destination_factor_j, current import
        // shares a'_ij = wedged_weight_ij p_i^(1-sm) / S_j
        let nn = n * n;
        let Workspace {
            wedged_flow: xw,
            wedged_weight: ay,
            flows: x,
            import_share: ap,
            price_factor: u,
            price_power: w,
            destination_factor: v,
            inv_ces_sum: inv,
            domestic_factor: dom,
            supply: supply_q,
            residual: res,
            unfactored,
            unfactored_power,
            ..
        } = ws;
        let (xw, ay, x, ap) = (&xw[..nn], &ay[..nn], &mut x[..nn], &mut ap[..nn]);
        let (v, inv) = (&v[..n], &inv[..n]);
        for i in 0..n {
            let ui = u[i];
            let gi = if one_m == 0.0 { 1.0 } else { w[i] };
            let r = i * n..(i + 1) * n;
            let (xr, apr) = (&mut x[r.clone()], &mut ap[r.clone()]);
            let (xwr, ayr) = (&xw[r.clone()], &ay[r]);
            for ((((xo, ao), &w), &a), (&vj, &ij)) in xr
                .iter_mut()
                .zip(apr.iter_mut())
                .zip(xwr)
                .zip(ayr)
                .zip(v.iter().zip(inv))
            {
                *xo = w * ui * vj;
                *ao = a * gi * ij;
            }
            if nested {
                // the import formula's value on the diagonal can be huge: replace
                // it before summing, never subtract it from a sum
                xr[i] = xwr[i] * dom[i];
            }
            let total: f64 = xr.iter().sum();
            let eps = supply[i];
            let supply_i = if eps.is_finite() {
                if eps == 0.0 || lnp[i] == 0.0 {
                    self.output[i]
                } else {
                    self.output[i] * (eps * lnp[i]).exp()
                }
            } else {
                total
            };
            supply_q[i] = supply_i;
            res[i] = total - supply_i;
        }
        for (&(k, a), &w) in unfactored.iter().zip(unfactored_power.iter()) {
            ap[k] = a * w * inv[k % n];
        }
    }

    /// The Jacobian `dR_i/d ln p_k` at the state left by the last evaluation:
    /// `J = XI G^T + diag terms`, the product done by a blocked matrix multiply.
    pub(crate) fn jacobian(&self, el: &Elasticities, supply: &[f64], ws: &mut Workspace) {
        let n = self.n;
        let nn = n * n;
        let sm = el.sigma_import;
        let sd = el.sigma_domestic;
        let eta = el.demand;
        let nested = self.treatment == DomesticTreatment::Nested;
        let c1 = sm - sd;
        let c2 = sd - eta;
        let Workspace {
            flows: x,
            import_share: ap,
            share_gradient: g,
            jacobian: jac,
            import_spending_share: m,
            supply: supply_q,
            share_coef: coef,
            ..
        } = ws;
        let (x, ap, g, jac) = (&x[..nn], &ap[..nn], &mut g[..nn], &mut jac[..nn]);
        // G[k][j] = (sm-sd) a'[k][j] + (sd-eta) s[k][j], with s = m a' off the nested diagonal
        // and s[j][j] = 1 - m[j] on it (where a'[j][j] = 0)
        let coef = &mut coef[..n];
        for (c, &mj) in coef.iter_mut().zip(&m[..n]) {
            *c = c1 + c2 * mj;
        }
        // stored transposed, g[j * n + k] = G[k][j], so that the product below
        // runs along contiguous rows
        for j in 0..n {
            let c = coef[j];
            for (k, gv) in g[j * n..(j + 1) * n].iter_mut().enumerate() {
                *gv = ap[k * n + j] * c;
            }
            if nested {
                g[j * n + j] = c2 * (1.0 - m[j]);
            }
        }
        // J = X G^T over all flows; the nested diagonal is corrected below
        if n >= GEMM_MIN {
            let xv = nalgebra::DMatrixView::from_slice_with_strides(x, n, n, n, 1);
            let gt = nalgebra::DMatrixView::from_slice_with_strides(&g[..], n, n, n, 1);
            let mut jv =
                nalgebra::DMatrixViewMut::from_slice_with_strides_mut(&mut jac[..], n, n, n, 1);
            jv.gemm(1.0, &xv, &gt, 0.0);
        } else {
            macro_rules! fixed {
                ($($k:literal)*) => {
                    match n {
                        $($k => product::<$k>(x, g, jac),)*
                        _ => unreachable!("GEMM_MIN bounds the small sizes"),
                    }
                };
            }
            fixed!(0 1 2 3 4 5 6 7 8 9 10 11);
        }
        for i in 0..n {
            let xr = &x[i * n..(i + 1) * n];
            let total: f64 = xr.iter().sum();
            let xii = if nested { xr[i] } else { 0.0 };
            if nested && xii != 0.0 {
                // domestic sales move with P_i only: replacing G[k][i] by (sd-eta) s[k][i]
                // leaves -x_ii (sm-sd) a'[k][i] (a'[i][i] = 0 keeps k = i right)
                let f = xii * c1;
                let jr = &mut jac[i * n..(i + 1) * n];
                for (k, jv) in jr.iter_mut().enumerate() {
                    *jv -= f * ap[k * n + i];
                }
            }
            let eps = supply[i];
            let sup = if eps.is_finite() {
                eps * supply_q[i]
            } else {
                0.0
            };
            jac[i * n + i] -= sm * (total - xii) + sd * xii + sup;
        }
    }
}

/// `J = X G^T` for small markets, `g` holding `G^T` row-major: row `i` of `J`
/// accumulates `x[i][j]` times row `j` of `G^T`, `j` in order. Each entry is
/// the same sum, term by term, as a dot product, but the `N` entries of a row
/// are independent chains held in registers (the size is known at compile
/// time), where a dot product per entry waits on every addition.
fn product<const N: usize>(x: &[f64], g: &[f64], jac: &mut [f64]) {
    for i in 0..N {
        let mut row = [0.0; N];
        for j in 0..N {
            let xij = x[i * N + j];
            let gr = &g[j * N..(j + 1) * N];
            for k in 0..N {
                row[k] += xij * gr[k];
            }
        }
        jac[i * N..(i + 1) * N].copy_from_slice(&row);
    }
}

/// `ln S` of a CES sum `S = sum a r^(1-sigma)` given as `sum_m1 = S - 1` (built
/// from `expm1` terms, exact for small changes) and `direct = S` (a sum of
/// positive terms, exact when `S` is far from 1). `ln_1p(S - 1)` alone loses
/// the digits of `S` when `S` is close to 0 (large price rises with sigma > 1).
#[inline]
fn ces_log(sum_m1: f64, direct: f64) -> f64 {
    if sum_m1.abs() < 0.5 {
        sum_m1.ln_1p()
    } else {
        direct.ln()
    }
}

/// Largest `|(1-sigma) ln w|` whose `expm1` is factored out of the CES sum:
/// `|Y| = |expm1(z)| <= 9`, so the factored terms cancel by at most one digit
/// more than the direct ones; larger wedges (prohibitive tariffs, bans of
/// sorts) are evaluated cell by cell.
const FACTOR_MAX: f64 = std::f64::consts::LN_10;

/// Smallest market for which the Jacobian product goes through the blocked
/// matrix multiply; below it a plain loop is faster.
const GEMM_MIN: usize = 12;

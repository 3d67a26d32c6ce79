//! The exact nested-CES (Armington) model of one sector: demand, market
//! clearing residual and its analytic Jacobian (SPEC §2).
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
    /// Baseline weights in the import nest (per destination, summing to 1 over sources).
    pub(crate) a: Vec<f64>,
    /// Baseline domestic expenditure share (nested treatment).
    pub(crate) b: Vec<f64>,
    /// `ln((1+t1)(1+c1)/((1+t0)(1+c0)))`.
    pub(crate) lnw: Vec<f64>,
    pub(crate) banned: Vec<bool>,
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
    /// Baseline and counterfactual tariffs, row-major.
    pub(crate) t0: Vec<f64>,
    pub(crate) t1: Vec<f64>,
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
                let q0 = (1.0 + t0[k]) * (1.0 + c0[k]);
                let q1 = (1.0 + t1[k]) * (1.0 + c1[k]);
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
            a,
            b,
            lnw,
            banned,
            any_ban,
            has_imports,
            all_nest_banned,
            all_sales_banned,
            output,
            expenditure,
            t0,
            t1,
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

    /// Baseline expenditure at consumer prices `E0[j]`.
    pub fn expenditure(&self, j: usize) -> f64 {
        self.expenditure[j]
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

    /// Fills the elasticity-dependent constants of `ws` (once per solve):
    /// `ay = a (1 + Y)`, `Y = expm1((1-sm) ln w)`, `c = sum_i a Y` (or `sum_i a ln w`
    /// at sm = 1) and `xw = x0 exp(-sm ln w)`. With them an evaluation needs
    /// only O(N) exponentials:
    /// `sum_i a expm1((1-sm) ln r) = c + sum_i ay expm1((1-sm) ln p_i)` exactly.
    fn prepare(&self, el: &Elasticities, ws: &mut Workspace) {
        let key = (self.id, el.sigma_import, el.sigma_domestic, el.demand);
        if ws.prepared == Some(key) {
            return;
        }
        let n = self.n;
        let sm = el.sigma_import;
        let one_m = 1.0 - sm;
        let nested = self.treatment == DomesticTreatment::Nested;
        ws.cvec[..n].iter_mut().for_each(|v| *v = 0.0);
        ws.big.clear();
        for i in 0..n {
            for j in 0..n {
                let k = i * n + j;
                let a = self.a[k];
                if nested && i == j {
                    ws.ay[k] = 0.0;
                    ws.xw[k] = self.x0[k];
                    continue;
                }
                if a == 0.0 {
                    ws.ay[k] = 0.0;
                    ws.xw[k] = 0.0;
                    continue;
                }
                if self.banned[k] {
                    ws.ay[k] = 0.0;
                    ws.xw[k] = 0.0;
                    ws.cvec[j] -= a;
                    continue;
                }
                let lnw = self.lnw[k];
                if one_m == 0.0 {
                    ws.ay[k] = a;
                    ws.cvec[j] += a * lnw;
                } else if lnw == 0.0 {
                    ws.ay[k] = a;
                } else {
                    let z = one_m * lnw;
                    if z.abs() > FACTOR_MAX {
                        // a large wedge term would cancel against the price term in
                        // the factored sum: this cell is evaluated on its own
                        ws.ay[k] = 0.0;
                        ws.big.push((k, a));
                    } else {
                        let y = z.exp_m1();
                        ws.ay[k] = a * (1.0 + y);
                        ws.cvec[j] += a * y;
                    }
                }
                ws.xw[k] = if lnw == 0.0 {
                    self.x0[k]
                } else {
                    self.x0[k] * (-sm * lnw).exp()
                };
            }
        }
        ws.prepared = Some(key);
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
        &ws.jac
    }

    /// Evaluates demand at log producer prices `lnp`, filling `ws` with flows,
    /// price indices, shares and the residual; with `jacobian`, also the full
    /// Jacobian `ws.jac` (row-major `[i * n + k]`).
    pub(crate) fn evaluate(
        &self,
        el: &Elasticities,
        supply: &[f64],
        lnp: &[f64],
        ws: &mut Workspace,
        jacobian: bool,
    ) {
        ws.resize(self.n);
        self.prepare(el, ws);
        let n = self.n;
        let sm = el.sigma_import;
        let sd = el.sigma_domestic;
        let eta = el.demand;
        let nested = self.treatment == DomesticTreatment::Nested;
        let one_m = 1.0 - sm;
        let one_d = 1.0 - sd;
        // per-origin factors: E_i = expm1((1-sm) ln p_i), u_i = exp(-sm ln p_i)
        for i in 0..n {
            let l = lnp[i];
            if l == 0.0 {
                ws.e[i] = 0.0;
                ws.w[i] = 1.0;
                ws.u[i] = 1.0;
            } else {
                let z = one_m * l;
                let e = z.exp_m1();
                ws.e[i] = e;
                ws.w[i] = if e > -0.5 { 1.0 + e } else { z.exp() };
                ws.u[i] = (-sm * l).exp();
            }
        }
        // import nest: S_j - 1 = c_j + sum_i ay_ij E_i and S_j = sum_i ay_ij w_i
        // (sm = 1: ln PM_j = c_j + sum_i a_ij ln p_i)
        ws.s[..n].copy_from_slice(&ws.cvec[..n]);
        ws.direct[..n].iter_mut().for_each(|d| *d = 0.0);
        for i in 0..n {
            let f = if one_m == 0.0 { lnp[i] } else { ws.e[i] };
            let wi = ws.w[i];
            let row = &ws.ay[i * n..(i + 1) * n];
            for ((acc, d), &a) in ws.s[..n].iter_mut().zip(ws.direct[..n].iter_mut()).zip(row) {
                *acc += a * f;
                *d += a * wi;
            }
        }
        for b in 0..ws.big.len() {
            let (k, a) = ws.big[b];
            let (i, j) = (k / n, k % n);
            let z = one_m * (lnp[i] + self.lnw[k]);
            let e = z.exp_m1();
            let w = if e > -0.5 { 1.0 + e } else { z.exp() };
            ws.bigw[b] = w;
            ws.s[j] += a * e;
            ws.direct[j] += a * w;
        }
        for j in 0..n {
            let sj = ws.s[j];
            let lnpm = if !self.has_imports[j] {
                0.0
            } else if one_m == 0.0 {
                sj
            } else {
                ces_log(sj, ws.direct[j]) / one_m
            };
            ws.lnpm[j] = lnpm;
            ws.inv[j] = if one_m == 0.0 || !self.has_imports[j] || ws.direct[j] == 0.0 {
                1.0
            } else {
                1.0 / ws.direct[j]
            };
            // upper nest
            let (lnpj, m) = if !nested {
                (lnpm, 1.0)
            } else if !self.has_imports[j] {
                (lnp[j], 0.0)
            } else {
                let b = self.b[j];
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
            ws.lnpc[j] = lnpj;
            ws.m[j] = m;
            let common = if nested {
                (if sm == sd { 0.0 } else { (sm - sd) * lnpm }) + (sd - eta) * lnpj
            } else {
                (sm - eta) * lnpm
            };
            ws.v[j] = if self.all_nest_banned[j] || !self.has_imports[j] {
                0.0
            } else if common == 0.0 {
                1.0
            } else {
                common.exp()
            };
            ws.dom[j] = if nested && self.x0[j * n + j] > 0.0 {
                let z = -sd * lnp[j] + (sd - eta) * lnpj;
                if z == 0.0 { 1.0 } else { z.exp() }
            } else {
                0.0
            };
        }
        // flows x_ij = xw_ij u_i v_j, current import shares a'_ij = ay_ij (1+E_i) / (1+S_j)
        let nn = n * n;
        let Workspace {
            xw,
            ay,
            x,
            ap,
            u,
            w,
            v,
            inv,
            dom,
            supply_q,
            res,
            big,
            bigw,
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
        for (&(k, a), &w) in big.iter().zip(bigw.iter()) {
            ap[k] = a * w * inv[k % n];
        }
        if jacobian {
            self.jacobian(el, supply, ws);
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
            x,
            ap,
            g,
            jac,
            m,
            supply_q,
            coef,
            ..
        } = ws;
        let (x, ap, g, jac) = (&x[..nn], &ap[..nn], &mut g[..nn], &mut jac[..nn]);
        // G[k][j] = (sm-sd) a'[k][j] + (sd-eta) s[k][j], with s = m a' off the nested diagonal
        // and s[j][j] = 1 - m[j] on it (where a'[j][j] = 0)
        let coef = &mut coef[..n];
        for (c, &mj) in coef.iter_mut().zip(&m[..n]) {
            *c = c1 + c2 * mj;
        }
        for k in 0..n {
            let r = k * n..(k + 1) * n;
            for ((gv, &a), &c) in g[r.clone()].iter_mut().zip(&ap[r]).zip(coef.iter()) {
                *gv = a * c;
            }
            if nested {
                g[k * n + k] = c2 * (1.0 - m[k]);
            }
        }
        // J = X G^T over all flows; the nested diagonal is corrected below
        if n >= GEMM_MIN {
            let xv = nalgebra::DMatrixView::from_slice_with_strides(x, n, n, n, 1);
            let gt = nalgebra::DMatrixView::from_slice_with_strides(&g[..], n, n, 1, n);
            let mut jv =
                nalgebra::DMatrixViewMut::from_slice_with_strides_mut(&mut jac[..], n, n, n, 1);
            jv.gemm(1.0, &xv, &gt, 0.0);
        } else {
            for i in 0..n {
                let xr = &x[i * n..(i + 1) * n];
                let jr = &mut jac[i * n..(i + 1) * n];
                for (k, jv) in jr.iter_mut().enumerate() {
                    let gr = &g[k * n..(k + 1) * n];
                    *jv = xr.iter().zip(gr).map(|(a, b)| a * b).sum();
                }
            }
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

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Reusable buffers for one market size: a thread keeps one and solves draw
/// after draw without allocating.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    n: usize,
    pub(crate) prepared: Option<(u64, f64, f64, f64)>,
    /// Cells `(index, a)` whose wedge term is too large to factor out.
    pub(crate) big: Vec<(usize, f64)>,
    /// `r^(1-sigma)` of those cells at the last evaluation.
    pub(crate) bigw: Vec<f64>,
    pub(crate) ay: Vec<f64>,
    pub(crate) xw: Vec<f64>,
    pub(crate) cvec: Vec<f64>,
    pub(crate) e: Vec<f64>,
    pub(crate) w: Vec<f64>,
    pub(crate) direct: Vec<f64>,
    pub(crate) u: Vec<f64>,
    pub(crate) s: Vec<f64>,
    pub(crate) inv: Vec<f64>,
    pub(crate) v: Vec<f64>,
    pub(crate) dom: Vec<f64>,
    pub(crate) coef: Vec<f64>,
    pub(crate) ap: Vec<f64>,
    pub(crate) sh: Vec<f64>,
    pub(crate) x: Vec<f64>,
    pub(crate) g: Vec<f64>,
    pub(crate) jac: Vec<f64>,
    pub(crate) lnpm: Vec<f64>,
    pub(crate) lnpc: Vec<f64>,
    pub(crate) m: Vec<f64>,
    pub(crate) res: Vec<f64>,
    pub(crate) supply_q: Vec<f64>,
    pub(crate) lnp: Vec<f64>,
    pub(crate) trial: Vec<f64>,
    pub(crate) step: Vec<f64>,
    pub(crate) active: Vec<usize>,
    pub(crate) lu: Vec<f64>,
    pub(crate) rhs: Vec<f64>,
}

impl Workspace {
    /// Buffers for markets of `n` countries.
    pub fn new(n: usize) -> Self {
        let mut w = Workspace::default();
        w.resize(n);
        w
    }

    /// Makes the buffers fit `n` countries (allocates only when `n` changes).
    pub fn resize(&mut self, n: usize) {
        if self.n == n && self.x.len() == n * n {
            return;
        }
        self.n = n;
        self.prepared = None;
        self.big.clear();
        self.big.reserve(n * n);
        self.bigw.clear();
        self.bigw.resize(n * n, 0.0);
        for v in [
            &mut self.ay,
            &mut self.xw,
            &mut self.ap,
            &mut self.sh,
            &mut self.x,
            &mut self.g,
            &mut self.jac,
            &mut self.lu,
        ] {
            v.clear();
            v.resize(n * n, 0.0);
        }
        for v in [
            &mut self.cvec,
            &mut self.e,
            &mut self.w,
            &mut self.direct,
            &mut self.u,
            &mut self.s,
            &mut self.inv,
            &mut self.v,
            &mut self.dom,
            &mut self.coef,
            &mut self.lnpm,
            &mut self.lnpc,
            &mut self.m,
            &mut self.res,
            &mut self.supply_q,
            &mut self.lnp,
            &mut self.trial,
            &mut self.step,
            &mut self.rhs,
        ] {
            v.clear();
            v.resize(n, 0.0);
        }
        self.active.clear();
        self.active.reserve(n);
    }

    /// Sets the starting log producer prices of the next solve (used when the
    /// solver config has `warm_start = true`; e.g. a [`Predictor`](super::Predictor)'s output).
    ///
    /// # Panics
    /// When `lnp` does not have one value per country of the workspace.
    pub fn set_start(&mut self, lnp: &[f64]) {
        self.lnp.copy_from_slice(lnp);
    }

    /// Log producer prices of the last solve.
    pub fn log_prices(&self) -> &[f64] {
        &self.lnp
    }

    /// Log composite consumer price indices of the last evaluation.
    pub fn log_consumer_prices(&self) -> &[f64] {
        &self.lnpc
    }

    /// Flows of the last evaluation, row-major `[origin * n + destination]`.
    pub fn flows(&self) -> &[f64] {
        &self.x
    }

    /// Residual `R` of the last evaluation.
    pub fn residual(&self) -> &[f64] {
        &self.res
    }

    /// Full Jacobian `dR_i/d ln p_k` of the last evaluation with `jacobian = true`, row-major.
    pub fn jacobian(&self) -> &[f64] {
        &self.jac
    }
}

//! One draw: its random numbers, its parameter values written into the
//! elasticities, and every scenario's markets solved with them. Nothing here
//! allocates unless the draw fails.

use super::MonteCarlo;
use crate::accounts::{CountryOutcome, country_outcomes};
use crate::error::Error;
use crate::model::Elasticities;
use crate::monte_carlo::block::Failure;
use crate::monte_carlo::sampling::{Sampling, quadrature_coordinate};
use crate::monte_carlo::seed::{draw_rng, unit};
use crate::monte_carlo::space::check_value;
use crate::monte_carlo::spec::Param;
use crate::solver::{ExactSolution, Workspace};

/// Per-thread buffers: everything a draw writes, allocated once per thread.
pub(super) struct DrawState {
    pub(super) x: Vec<f64>,
    vals: Vec<f64>,
    pub(super) el: Vec<Elasticities>,
    pub(super) supply: Vec<f64>,
    start: Vec<f64>,
    pub(super) ws: Workspace,
    outcomes: Vec<CountryOutcome>,
    totals: Vec<CountryOutcome>,
}

impl MonteCarlo {
    pub(super) fn state(&self) -> DrawState {
        DrawState {
            x: vec![0.0; self.space.dims.len()],
            vals: self.space.base.clone(),
            el: self.base_el.clone(),
            supply: self.base_supply.clone(),
            start: vec![0.0; self.n],
            ws: Workspace::new(self.n),
            outcomes: vec![CountryOutcome::default(); self.n],
            totals: vec![CountryOutcome::default(); self.n],
        }
    }

    /// Draw `k`'s dimension values into `x`.
    fn sample(&self, k: u64, x: &mut [f64]) {
        let dims = &self.space.dims;
        match self.sampling {
            Sampling::Quadrature => {
                let j = k as usize + 1;
                let n = self.space.n_random();
                for (d, dim) in dims.iter().enumerate() {
                    x[d] = match dim.random {
                        Some(r) => dim.mean + dim.sd * quadrature_coordinate(n, j, r),
                        None => dim.dist.median(),
                    };
                }
            }
            Sampling::Random | Sampling::LatinHypercube => {
                let mut rng = draw_rng(self.seed, k);
                for (d, dim) in dims.iter().enumerate() {
                    x[d] = match dim.random {
                        Some(r) => {
                            let v = unit(&mut rng);
                            let u = if self.sampling == Sampling::LatinHypercube {
                                (f64::from(self.lhs[r][k as usize]) + v) / self.draws as f64
                            } else {
                                v
                            };
                            dim.dist.quantile(u)
                        }
                        None => dim.dist.median(),
                    };
                }
            }
        }
    }

    /// The dimension values of draw `k` (one per dimension: per entry when
    /// shared, per matched item otherwise).
    pub fn dimension_values(&self, k: u64) -> Vec<f64> {
        let mut x = vec![0.0; self.space.dims.len()];
        self.sample(k, &mut x);
        x
    }

    /// The item values of draw `k`, in [`ParameterSpace::labels`](crate::monte_carlo::ParameterSpace::labels) order.
    pub fn parameters(&self, k: u64) -> Vec<f64> {
        let mut x = vec![0.0; self.space.dims.len()];
        let mut vals = self.space.base.clone();
        self.sample(k, &mut x);
        self.space.apply(&x, &mut vals);
        vals
    }

    /// Writes `st.x` through the items into the elasticity buffers; the
    /// error names the first item out of range.
    pub(super) fn apply_values(&self, st: &mut DrawState) -> Result<(), String> {
        self.space.apply(&st.x, &mut st.vals);
        let n = self.n;
        st.el.copy_from_slice(&self.base_el);
        st.supply.copy_from_slice(&self.base_supply);
        for ((item, &v), label) in self
            .space
            .items()
            .iter()
            .zip(&st.vals)
            .zip(self.space.labels())
        {
            check_value(item.param, label, v)?;
            let el = &mut st.el[item.sector];
            match item.param {
                Param::SigmaM => el.sigma_import = v,
                Param::SigmaD => el.sigma_domestic = v,
                Param::Eta => el.demand = v,
                Param::Epsilon => st.supply[item.sector * n + item.country] = v,
            }
        }
        Ok(())
    }

    /// Solves draw `k` into `out` (one draw's values, laid out by the run's
    /// layout).
    pub(super) fn solve_draw(
        &self,
        k: u64,
        st: &mut DrawState,
        out: &mut [f64],
    ) -> Result<(), Box<Failure>> {
        let fail = |st: &DrawState, scenario: Option<&str>, reason: String, cause: Error| {
            Box::new(Failure {
                draw: k,
                scenario: scenario.map(str::to_string),
                reason,
                parameters: st.vals.clone(),
                cause: Some(cause),
            })
        };
        self.sample(k, &mut st.x);
        if let Err(reason) = self.apply_values(st) {
            let cause = Error::invalid("Monte Carlo sample", reason.clone());
            return Err(fail(st, None, reason, cause));
        }
        let n = self.n;
        let layout = &self.layout;
        for (si, sc) in self.scenarios.iter().enumerate() {
            st.totals.fill(CountryOutcome::default());
            for (s, pm) in sc.markets.iter().enumerate() {
                let Some(pm) = pm else { continue };
                let supply = &st.supply[s * n..(s + 1) * n];
                let el = st.el[s];
                match &sc.predictors[s] {
                    Some(p) if self.solver.warm_start => p.predict(&el, supply, &mut st.start),
                    _ => st.start.copy_from_slice(&sc.central[s]),
                }
                st.ws.set_start(&st.start);
                if let Err(e) =
                    pm.solve_in(&el, supply, &self.solver, &mut st.ws, &self.sector_codes[s])
                {
                    return Err(fail(st, Some(&sc.name), e.to_string(), e));
                }
                country_outcomes(
                    &ExactSolution::new(pm, &st.ws, el.demand, supply),
                    &sc.pools,
                    &sc.union_of,
                    &mut st.outcomes,
                );
                for (t, o) in st.totals.iter_mut().zip(&st.outcomes) {
                    t.accumulate(o);
                }
            }
            for (c, t) in st.totals.iter().enumerate() {
                out[layout.entity_range(si, c)].copy_from_slice(&t.additive());
            }
            for (u, members) in sc.unions.iter().enumerate() {
                let mut agg = CountryOutcome::default();
                for &m in members {
                    agg.accumulate(&st.totals[m]);
                }
                out[layout.entity_range(si, n + u)].copy_from_slice(&agg.additive());
            }
            let range = layout.scenario_range(si);
            if let Some(bad) = out[range.clone()].iter().position(|v| !v.is_finite()) {
                let i = range.start + bad;
                let fields = layout.fields().len();
                let (e, f) = ((i - range.start) / fields, (i - range.start) % fields);
                let reason = format!(
                    "non-finite result: {}/{} = {}",
                    layout.entity_name(si, e),
                    layout.fields()[f],
                    out[i]
                );
                let cause = Error::invalid("Monte Carlo result", reason.clone());
                return Err(fail(st, Some(&sc.name), reason, cause));
            }
        }
        Ok(())
    }
}

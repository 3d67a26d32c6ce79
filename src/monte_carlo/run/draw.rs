//! One draw: its random numbers, its parameter values written into the
//! elasticities, and every scenario's markets solved with them. When only
//! elasticities vary, nothing here allocates unless the draw fails; draws
//! that vary the data or the policy rebuild their markets first (the
//! `rebuild` module) and share the accounting below.

use super::{MonteCarlo, PreparedScenario};
use crate::accounts::{CountryOutcome, OutcomeField, country_accounts};
use crate::error::Error;
use crate::model::Elasticities;
use crate::monte_carlo::block::Failure;
use crate::monte_carlo::sampling::{Sampling, quadrature_coordinate};
use crate::monte_carlo::seed::{draw_rng, unit};
use crate::monte_carlo::space::check_value;
use crate::monte_carlo::spec::Param;
use crate::monte_carlo::track::TrackedIndex;
use crate::solver::lanes::{GROUP_SIZE, LaneWorkspace, lanes_apply, load_solution, solution_len};
use crate::solver::{ExactSolution, PreparedMarket, SectorSolution, Workspace};

/// Per-thread buffers: everything a draw writes, allocated once per thread.
pub(super) struct DrawState {
    pub(super) x: Vec<f64>,
    pub(super) vals: Vec<f64>,
    pub(super) el: Vec<Elasticities>,
    pub(super) supply: Vec<f64>,
    pub(super) start: Vec<f64>,
    pub(super) ws: Workspace,
    /// Lock-step solves: their buffers, which sectors of the scenario they
    /// solved, and those sectors' solutions.
    lanes: LaneWorkspace,
    lane_solved: Vec<bool>,
    lane_solutions: Vec<f64>,
    /// The outcomes of the sector last closed, one per country.
    outcomes: Vec<CountryOutcome>,
    /// Each country's additive fields summed over the sectors closed so far.
    totals: Vec<[f64; OutcomeField::ADDITIVE.len()]>,
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
            lanes: LaneWorkspace::default(),
            lane_solved: vec![false; self.base_el.len()],
            lane_solutions: vec![0.0; self.base_el.len() * solution_len(self.n)],
            outcomes: vec![CountryOutcome::default(); self.n],
            totals: vec![[0.0; OutcomeField::ADDITIVE.len()]; self.n],
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
                // data and policy items: read by the rebuild of the draw
                _ => {}
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
        if let Some(rb) = &self.rebuild {
            return self.solve_rebuilt(rb, st, out).map_err(|f| {
                let (scenario, reason, cause) = *f;
                fail(st, scenario.as_deref(), reason, cause)
            });
        }
        let n = self.n;
        let lanes = lanes_apply(&self.solver);
        for (si, sc) in self.scenarios.iter().enumerate() {
            self.open_scenario(si, st, out);
            if lanes {
                self.solve_lanes(sc, st);
            }
            for (s, pm) in sc.markets.iter().enumerate() {
                let Some(pm) = pm else { continue };
                if lanes && st.lane_solved[s] {
                    let len = solution_len(n);
                    load_solution(&st.lane_solutions[s * len..(s + 1) * len], n, &mut st.ws);
                } else {
                    let supply = &st.supply[s * n..(s + 1) * n];
                    let el = st.el[s];
                    self.start(sc, s, &el, supply, &mut st.start);
                    st.ws.set_start(&st.start);
                    if let Err(e) =
                        pm.solve_in(&el, supply, &self.solver, &mut st.ws, &self.sector_codes[s])
                    {
                        return Err(fail(st, Some(&sc.name), e.to_string(), e));
                    }
                }
                self.close_sector(si, s, sc, pm, st, out);
            }
            if let Err(reason) = self.close_scenario(si, sc, st, out) {
                let cause = Error::invalid("Monte Carlo result", reason.clone());
                return Err(fail(st, Some(&sc.name), reason, cause));
            }
        }
        Ok(())
    }

    /// The start of sector `s`'s solve: the predicted solution for the
    /// draw's parameters, else the central one.
    fn start(
        &self,
        sc: &PreparedScenario,
        s: usize,
        el: &Elasticities,
        supply: &[f64],
        start: &mut [f64],
    ) {
        match &sc.predictors[s] {
            Some(p) if self.solver.warm_start => p.predict(el, supply, start),
            _ => start.copy_from_slice(&sc.central[s]),
        }
    }

    /// Solves scenario `sc`'s lane groups for the draw in `st`: each sector
    /// a group solves is marked in `st.lane_solved` with its solution in
    /// `st.lane_solutions`; the others are left to the one-market solver
    /// (which also reports any error, in sector order).
    fn solve_lanes(&self, sc: &PreparedScenario, st: &mut DrawState) {
        let n = self.n;
        let len = solution_len(n);
        st.lane_solved.fill(false);
        for g in &sc.lane_groups {
            st.lanes.resize(g.n());
            let sectors = g.sectors();
            for l in 0..GROUP_SIZE {
                // lanes past the group's sectors repeat its first one, unsolved
                let s = sectors[if l < sectors.len() { l } else { 0 }];
                let Some(pm) = &sc.markets[s] else { continue };
                let supply = &st.supply[s * n..(s + 1) * n];
                let el = st.el[s];
                self.start(sc, s, &el, supply, &mut st.start);
                if !self.solver.warm_start {
                    st.start.fill(0.0);
                }
                let solve = l < sectors.len() && pm.check(&el, supply, "").is_ok();
                st.lanes.set_lane(l, &el, supply, &st.start, solve);
            }
            let converged = g.solve(&self.solver, &mut st.lanes);
            for (l, &s) in sectors.iter().enumerate() {
                if converged.lane(l) {
                    st.lanes
                        .copy_lane(l, &mut st.lane_solutions[s * len..(s + 1) * len]);
                    st.lane_solved[s] = true;
                }
            }
        }
    }

    /// Clears scenario `si`'s totals and tracked outputs (a tracked output of
    /// a sector without flows stays 0).
    pub(super) fn open_scenario(&self, si: usize, st: &mut DrawState, out: &mut [f64]) {
        st.totals.fill([0.0; OutcomeField::ADDITIVE.len()]);
        for t in 0..self.tracked.len() {
            out[self.layout.tracked_range(si, t)].fill(0.0);
        }
    }

    /// Adds sector `s`'s solution (held by `st.ws`, of market `pm`) to
    /// scenario `si`'s totals, and writes its tracked outputs.
    pub(super) fn close_sector(
        &self,
        si: usize,
        s: usize,
        sc: &PreparedScenario,
        pm: &PreparedMarket,
        st: &mut DrawState,
        out: &mut [f64],
    ) {
        let n = self.n;
        let supply = &st.supply[s * n..(s + 1) * n];
        let sol = ExactSolution::new(pm, &st.ws, st.el[s].demand, supply);
        let (flows, pools, union_of) = (st.ws.flows(), &sc.pools, &sc.union_of);
        country_accounts(&sol, flows, pools, union_of, &mut st.outcomes);
        for (t, o) in st.totals.iter_mut().zip(&st.outcomes) {
            o.add_to(t);
        }
        for (t, tracked) in self.tracked.iter().enumerate() {
            if tracked.sector() != s {
                continue;
            }
            let range = self.layout.tracked_range(si, t);
            match *tracked {
                TrackedIndex::Row(_, c) => {
                    out[range].copy_from_slice(&st.outcomes[c].change_values());
                }
                TrackedIndex::Flow(_, i, j) => out[range.start] = sol.flow(i, j),
            }
        }
    }

    /// Writes scenario `si`'s country totals and union sums (of their
    /// members' totals, in member order); the error names the first value
    /// that is not finite.
    pub(super) fn close_scenario(
        &self,
        si: usize,
        sc: &PreparedScenario,
        st: &DrawState,
        out: &mut [f64],
    ) -> Result<(), String> {
        let layout = &self.layout;
        out[layout.countries_range(si)].copy_from_slice(st.totals.as_flattened());
        for (u, members) in sc.unions.iter().enumerate() {
            let mut sum = [0.0; OutcomeField::ADDITIVE.len()];
            for &m in members {
                for (a, v) in sum.iter_mut().zip(&st.totals[m]) {
                    *a += v;
                }
            }
            out[layout.entity_range(si, self.n + u)].copy_from_slice(&sum);
        }
        let range = layout.scenario_range(si);
        match out[range.clone()].iter().position(|v| !v.is_finite()) {
            Some(bad) => {
                let i = range.start + bad;
                Err(format!(
                    "non-finite result: {} = {}",
                    layout.describe(i),
                    out[i]
                ))
            }
            None => Ok(()),
        }
    }
}

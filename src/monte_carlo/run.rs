//! Running draws: the parameter space resolved against a dataset, every
//! (scenario, sector) market prepared once, and a rayon loop over draws.
//!
//! ```text
//! draw k:  x[d]  = F_d^-1(u[k][d])                 (or mean_d + sd_d z[k][d] under quadrature)
//!          item  = base * x[d]  |  x[d]  |  x[d]/2  |  2 x[d]     (scale | set | rule-of-two)
//!          for every scenario s, sector:  solve from the central solution of (s, sector)
//!          values[k][s] = per-country totals over sectors, then per-union sums over members
//! ```
//! Each draw starts Newton from the solution at the central parameter values
//! (every distribution at its median), computed once per (scenario, sector).
//! That start depends on nothing but the market, so a draw's result is the
//! same bits whichever thread solves it, after whichever other draw: a
//! warm start from "the previous draw" would make results depend on how
//! rayon split the work. It is also the better start: the centre is closer
//! to a typical draw than another random draw is.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::params::{Distribution, Link, Mode, MonteCarloSpec, Param};
use super::sampling::{Sampling, quadrature_coordinate};
use super::seed::{draw_rng, lhs_rng, permutation, unit};
use super::summary::{Layout, RunMeta, ScenarioLayout, UnionLayout};
use crate::error::{Error, Result};
use crate::model::{Dataset, Elasticities};
use crate::policy::RevenuePool;
use crate::scenario::{CompiledScenario, Selector};
use crate::solver::{Predictor, PreparedMarket, SolverConfig, Workspace};
use crate::welfare::{ADDITIVE_FIELDS, CountryOutcome, market_outcomes};

/// Number of values kept per country (or union) per scenario per draw:
/// every field of [`ADDITIVE_FIELDS`].
pub const FIELDS: usize = ADDITIVE_FIELDS.len();

/// One elasticity of the dataset that a run changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Item {
    /// Which elasticity.
    pub param: Param,
    /// Sector index.
    pub sector: usize,
    /// Country index (epsilon only; 0 otherwise).
    pub country: usize,
}

#[derive(Debug, Clone, Copy)]
enum Role {
    Direct,
    Half,
    Twice,
}

#[derive(Debug, Clone, Copy)]
struct Assign {
    dim: usize,
    item: usize,
    mode: Mode,
    role: Role,
}

#[derive(Debug, Clone, Copy)]
struct Dim {
    dist: Distribution,
    /// Index among the random dimensions (None for `fixed`).
    random: Option<usize>,
    mean: f64,
    sd: f64,
}

/// The uncertain parameters resolved against a dataset: the items changed,
/// the independent random dimensions, and which dimension drives which item.
#[derive(Debug, Clone)]
pub struct ParameterSpace {
    items: Vec<Item>,
    labels: Vec<String>,
    base: Vec<f64>,
    dims: Vec<Dim>,
    assigns: Vec<Assign>,
    n_random: usize,
}

impl ParameterSpace {
    /// Resolves `spec` against `data`.
    ///
    /// # Errors
    /// [`Error::Scenario`] keyed `montecarlo.vary[k]...` for an unknown code,
    /// or an item matched by two entries (directly or through a rule-of-two link).
    pub fn resolve(spec: &MonteCarloSpec, data: &Dataset) -> Result<Self> {
        let file = spec.source.as_str();
        let n = data.n_countries();
        let mut sp = ParameterSpace {
            items: Vec::new(),
            labels: Vec::new(),
            base: Vec::new(),
            dims: Vec::new(),
            assigns: Vec::new(),
            n_random: 0,
        };
        let mut owner: std::collections::HashMap<Item, (usize, bool)> = Default::default();
        for (e, entry) in spec.vary.iter().enumerate() {
            let key = format!("montecarlo.vary[{e}]");
            let sectors: Vec<usize> = match &entry.sector {
                Selector::All => (0..data.sectors().len()).collect(),
                Selector::Code(c) => vec![
                    data.sector_id(c)
                        .ok_or_else(|| {
                            Error::scenario(
                                file,
                                format!("{key}.sector"),
                                format!("unknown sector code `{c}`"),
                            )
                        })?
                        .0,
                ],
            };
            let countries: Vec<usize> = if entry.param == Param::Epsilon {
                match &entry.country {
                    Selector::All => (0..n).collect(),
                    Selector::Code(c) => vec![
                        data.country_id(c)
                            .ok_or_else(|| {
                                Error::scenario(
                                    file,
                                    format!("{key}.country"),
                                    format!("unknown country code `{c}`"),
                                )
                            })?
                            .0,
                    ],
                }
            } else {
                vec![0]
            };
            let mut shared_dim = None;
            for &s in &sectors {
                for &c in &countries {
                    let dim = match shared_dim {
                        Some(d) => d,
                        None => {
                            let d = sp.push_dim(entry.dist);
                            if entry.shared {
                                shared_dim = Some(d);
                            }
                            d
                        }
                    };
                    let item = Item {
                        param: entry.param,
                        sector: s,
                        country: c,
                    };
                    sp.claim(&mut owner, item, e, false, &key, file, data)?;
                    let idx = sp.push_item(item, data);
                    sp.assigns.push(Assign {
                        dim,
                        item: idx,
                        mode: entry.mode,
                        role: Role::Direct,
                    });
                    if entry.link == Link::RuleOfTwo {
                        let (other, role) = match entry.param {
                            Param::SigmaM => (Param::SigmaD, Role::Half),
                            _ => (Param::SigmaM, Role::Twice),
                        };
                        let follower = Item {
                            param: other,
                            sector: s,
                            country: 0,
                        };
                        sp.claim(&mut owner, follower, e, true, &key, file, data)?;
                        let fidx = sp.push_item(follower, data);
                        sp.assigns.push(Assign {
                            dim,
                            item: fidx,
                            mode: entry.mode,
                            role: if entry.mode == Mode::Scale {
                                Role::Direct
                            } else {
                                role
                            },
                        });
                    }
                }
            }
        }
        Ok(sp)
    }

    fn push_dim(&mut self, dist: Distribution) -> usize {
        let random = if dist.is_random() {
            self.n_random += 1;
            Some(self.n_random - 1)
        } else {
            None
        };
        let (mean, sd) = dist.mean_sd();
        self.dims.push(Dim {
            dist,
            random,
            mean,
            sd,
        });
        self.dims.len() - 1
    }

    fn push_item(&mut self, item: Item, data: &Dataset) -> usize {
        let sector = &data.sectors()[item.sector];
        let (label, base) = match item.param {
            Param::SigmaM => (
                format!("sigma_m.{}", sector.code),
                sector.elasticities.sigma_import,
            ),
            Param::SigmaD => (
                format!("sigma_d.{}", sector.code),
                sector.elasticities.sigma_domestic,
            ),
            Param::Eta => (format!("eta.{}", sector.code), sector.elasticities.demand),
            Param::Epsilon => (
                format!(
                    "epsilon.{}.{}",
                    sector.code,
                    data.countries()[item.country].code
                ),
                data.markets()[item.sector].supply()[item.country],
            ),
        };
        self.items.push(item);
        self.labels.push(label);
        self.base.push(base);
        self.items.len() - 1
    }

    #[allow(clippy::too_many_arguments)]
    fn claim(
        &self,
        owner: &mut std::collections::HashMap<Item, (usize, bool)>,
        item: Item,
        entry: usize,
        linked: bool,
        key: &str,
        file: &str,
        data: &Dataset,
    ) -> Result<()> {
        if let Some(&(prev, prev_linked)) = owner.get(&item) {
            let sector = &data.sectors()[item.sector].code;
            let what = if item.param == Param::Epsilon {
                format!(
                    "epsilon of sector {sector}, country {}",
                    data.countries()[item.country].code
                )
            } else {
                format!("{} of sector {sector}", item.param.name())
            };
            let how = |l: bool| {
                if l {
                    "through its rule-of-two link"
                } else {
                    ""
                }
            };
            return Err(Error::scenario(
                file,
                key,
                format!(
                    "{what} is varied twice: by montecarlo.vary[{prev}] {} and by this entry {} \
                     (each item may be matched by one entry only)",
                    how(prev_linked),
                    how(linked)
                )
                .replace("  ", " ")
                .replace(" )", ")"),
            ));
        }
        owner.insert(item, (entry, linked));
        Ok(())
    }

    /// The items changed, in a fixed order (entry order, then sector, then country).
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Labels of the items: `sigma_m.AGR`, `sigma_d.AGR`, `eta.MAN`, `epsilon.AGR.HOM`.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Number of independent random dimensions (`N` of the quadrature).
    pub fn n_random(&self) -> usize {
        self.n_random
    }

    /// Number of dimensions, random and fixed.
    pub fn n_dims(&self) -> usize {
        self.dims.len()
    }

    /// Item values from dimension values `x`, written into `vals`.
    fn apply(&self, x: &[f64], vals: &mut [f64]) {
        for a in &self.assigns {
            let b = self.base[a.item];
            let v = x[a.dim];
            vals[a.item] = match (a.mode, a.role) {
                (Mode::Scale, _) => {
                    if b.is_infinite() {
                        b
                    } else {
                        b * v
                    }
                }
                (Mode::Set, Role::Direct) => v,
                (Mode::Set, Role::Half) => 0.5 * v,
                (Mode::Set, Role::Twice) => 2.0 * v,
            };
        }
    }
}

/// What happened to a draw that could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Draw index.
    pub draw: u64,
    /// The scenario where it failed (None: the sampled values themselves are invalid).
    pub scenario: Option<String>,
    /// Why (the solver's report for non-convergence).
    pub reason: String,
    /// The draw's item values, in [`ParameterSpace::labels`] order.
    pub parameters: Vec<f64>,
}

/// The per-draw values of draws `start..end`.
///
/// `values` holds `stride` numbers per draw, draw-major; within a draw,
/// scenario by scenario: every country's totals over sectors, then every
/// union's sum over its members, each as the [`ADDITIVE_FIELDS`]. Failed
/// draws hold NaN and are listed in `failures` (in draw order).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawBlock {
    /// First draw.
    pub start: u64,
    /// One past the last draw.
    pub end: u64,
    /// Values per draw.
    pub stride: usize,
    /// `(end - start) * stride` values.
    pub values: Vec<f64>,
    /// Failed draws, in draw order.
    pub failures: Vec<Failure>,
}

impl DrawBlock {
    /// Values of draw `k` (absolute index).
    ///
    /// # Panics
    /// When `k` is not in `start..end`.
    pub fn draw(&self, k: u64) -> &[f64] {
        let i = (k - self.start) as usize;
        &self.values[i * self.stride..(i + 1) * self.stride]
    }

    /// Number of draws held.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// True when no draw is held.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// One draw replayed on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawRecord {
    /// Draw index.
    pub draw: u64,
    /// Item values, in [`ParameterSpace::labels`] order.
    pub parameters: Vec<f64>,
    /// The draw's values (layout of [`DrawBlock`]), or why it failed.
    pub outcome: std::result::Result<Vec<f64>, Failure>,
}

/// How a run is carried out (none of it changes the results).
#[derive(Clone, Copy, Default)]
pub struct RunControl<'a> {
    /// Threads (None: rayon's global pool, every core).
    pub threads: Option<usize>,
    /// Stop at the first failed draw and return it as an error.
    pub fail_fast: bool,
    /// Called with 1 after each draw (e.g. to advance a progress bar).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

struct PreparedScenario {
    name: String,
    markets: Vec<Option<PreparedMarket>>,
    central: Vec<Vec<f64>>,
    predictors: Vec<Option<Predictor>>,
    pools: Vec<RevenuePool>,
    union_of: Vec<Option<usize>>,
    unions: Vec<Vec<usize>>,
    union_names: Vec<String>,
    offset: usize,
}

/// Per-thread buffers: everything a draw writes, allocated once per thread.
struct DrawState {
    x: Vec<f64>,
    vals: Vec<f64>,
    el: Vec<Elasticities>,
    supply: Vec<f64>,
    ws: Workspace,
    outcomes: Vec<CountryOutcome>,
    totals: Vec<CountryOutcome>,
}

/// A Monte Carlo run, ready to compute any range of draws.
pub struct MonteCarlo {
    space: ParameterSpace,
    draws: u64,
    seed: u64,
    sampling: Sampling,
    lhs: Vec<Vec<u32>>,
    n: usize,
    country_codes: Vec<String>,
    sector_codes: Vec<String>,
    base_el: Vec<Elasticities>,
    base_supply: Vec<f64>,
    scenarios: Vec<PreparedScenario>,
    solver: SolverConfig,
    stride: usize,
}

impl MonteCarlo {
    /// Prepares a run of `spec` over `scenarios` (compiled against `data`).
    /// Every (scenario, sector) market is prepared once, and solved once at
    /// the central parameter values for the draws' starting point. With
    /// quadrature, the number of draws is `2N` whatever `spec.draws` says.
    ///
    /// # Errors
    /// As [`ParameterSpace::resolve`]; [`Error::Invalid`] for zero draws,
    /// no scenario, or quadrature without an uncertain parameter;
    /// [`Error::Model`] when a scenario's policy cannot be prepared.
    pub fn new(
        data: &Dataset,
        scenarios: &[CompiledScenario],
        spec: &MonteCarloSpec,
        solver: SolverConfig,
    ) -> Result<Self> {
        let space = ParameterSpace::resolve(spec, data)?;
        if scenarios.is_empty() {
            return Err(Error::invalid("Monte Carlo", "no scenario to run"));
        }
        let draws = match spec.sampling {
            Sampling::Quadrature => {
                if space.n_random == 0 {
                    return Err(Error::scenario(
                        &spec.source,
                        "montecarlo.sampling",
                        "quadrature needs at least one uncertain (non-fixed) parameter",
                    ));
                }
                2 * space.n_random as u64
            }
            _ => spec.draws,
        };
        if draws == 0 || draws > super::params::MAX_DRAWS {
            return Err(Error::scenario(
                &spec.source,
                "montecarlo.draws",
                format!("must be in 1..={}, got {draws}", super::params::MAX_DRAWS),
            ));
        }
        let lhs = if spec.sampling == Sampling::LatinHypercube {
            (0..space.n_random)
                .map(|d| permutation(&mut lhs_rng(spec.seed, draws, d as u64), draws as usize))
                .collect()
        } else {
            Vec::new()
        };
        let n = data.n_countries();
        let ns = data.sectors().len();
        let base_el: Vec<Elasticities> = data.sectors().iter().map(|s| s.elasticities).collect();
        let mut base_supply = Vec::with_capacity(ns * n);
        for m in data.markets() {
            base_supply.extend_from_slice(m.supply());
        }
        let mut mc = MonteCarlo {
            space,
            draws,
            seed: spec.seed,
            sampling: spec.sampling,
            lhs,
            n,
            country_codes: data.countries().iter().map(|c| c.code.clone()).collect(),
            sector_codes: data.sectors().iter().map(|s| s.code.clone()).collect(),
            base_el,
            base_supply,
            scenarios: Vec::new(),
            solver,
            stride: 0,
        };
        let mut offset = 0;
        for cs in scenarios {
            let policy = cs.policy();
            let mut markets = Vec::with_capacity(ns);
            for (s, market) in data.markets().iter().enumerate() {
                if market.is_empty() {
                    markets.push(None);
                    continue;
                }
                let pm = PreparedMarket::new(market, &policy.sectors[s], Default::default())
                    .map_err(|e| Error::model(&data.sectors()[s].code, e.to_string()))?;
                markets.push(Some(pm));
            }
            let unions: Vec<Vec<usize>> = cs.unions.iter().map(|u| u.members.clone()).collect();
            let width = (n + unions.len()) * FIELDS;
            mc.scenarios.push(PreparedScenario {
                name: cs.name.clone(),
                markets,
                central: vec![vec![0.0; n]; ns],
                predictors: vec![None; ns],
                pools: policy.pools.clone(),
                union_of: cs.union_of(n),
                unions,
                union_names: cs.unions.iter().map(|u| u.name.clone()).collect(),
                offset,
            });
            offset += width;
        }
        mc.stride = offset;
        mc.solve_central();
        Ok(mc)
    }

    /// Solves every market at the central values (each distribution's
    /// median) from the baseline; the solutions are every draw's start.
    fn solve_central(&mut self) {
        let mut st = self.state();
        for (d, dim) in self.space.dims.iter().enumerate() {
            st.x[d] = dim.dist.median();
        }
        if self.apply_values(&mut st).is_err() {
            return;
        }
        let cfg = self.solver.with_warm_start(false);
        let n = self.n;
        let mut central = Vec::new();
        for sc in &self.scenarios {
            let mut per = Vec::with_capacity(sc.markets.len());
            let mut pred = Vec::with_capacity(sc.markets.len());
            for (s, pm) in sc.markets.iter().enumerate() {
                let mut start = vec![0.0; n];
                let mut predictor = None;
                if let Some(pm) = pm {
                    let supply = &st.supply[s * n..(s + 1) * n];
                    if pm.solve_in(&st.el[s], supply, &cfg, &mut st.ws, "").is_ok() {
                        start.copy_from_slice(st.ws.log_prices());
                        predictor = Predictor::new(pm, &st.el[s], supply, &start, &mut st.ws);
                    }
                }
                per.push(start);
                pred.push(predictor);
            }
            central.push((per, pred));
        }
        for (sc, (c, p)) in self.scenarios.iter_mut().zip(central) {
            sc.central = c;
            sc.predictors = p;
        }
    }

    fn state(&self) -> DrawState {
        DrawState {
            x: vec![0.0; self.space.dims.len()],
            vals: self.space.base.clone(),
            el: self.base_el.clone(),
            supply: self.base_supply.clone(),
            ws: Workspace::new(self.n),
            outcomes: vec![CountryOutcome::default(); self.n],
            totals: vec![CountryOutcome::default(); self.n],
        }
    }

    /// The run's identity and layout, with its `fingerprint`.
    pub fn meta(&self, fingerprint: String) -> RunMeta {
        RunMeta {
            draws: self.draws,
            seed: self.seed,
            sampling: self.sampling,
            fingerprint,
            parameters: self.space.labels.clone(),
            layout: Layout {
                fields: ADDITIVE_FIELDS.iter().map(|f| (*f).to_string()).collect(),
                countries: self.country_codes.clone(),
                scenarios: self
                    .scenarios
                    .iter()
                    .map(|sc| ScenarioLayout {
                        name: sc.name.clone(),
                        unions: sc
                            .unions
                            .iter()
                            .zip(&sc.union_names)
                            .map(|(m, name)| UnionLayout {
                                name: name.clone(),
                                members: m.iter().map(|&c| self.country_codes[c].clone()).collect(),
                                member_index: m.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            },
        }
    }

    /// Number of draws of the run.
    pub fn draws(&self) -> u64 {
        self.draws
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The sampling method.
    pub fn sampling(&self) -> Sampling {
        self.sampling
    }

    /// The resolved parameter space.
    pub fn space(&self) -> &ParameterSpace {
        &self.space
    }

    /// Values per draw (see [`DrawBlock`]).
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Scenario names, in order.
    pub fn scenario_names(&self) -> Vec<String> {
        self.scenarios.iter().map(|s| s.name.clone()).collect()
    }

    /// Draw `k`'s dimension values into `st.x`.
    fn sample(&self, k: u64, x: &mut [f64]) {
        match self.sampling {
            Sampling::Quadrature => {
                let j = k as usize + 1;
                for (d, dim) in self.space.dims.iter().enumerate() {
                    x[d] = match dim.random {
                        Some(r) => {
                            dim.mean + dim.sd * quadrature_coordinate(self.space.n_random, j, r)
                        }
                        None => dim.dist.median(),
                    };
                }
            }
            Sampling::Random | Sampling::LatinHypercube => {
                let mut rng = draw_rng(self.seed, k);
                for (d, dim) in self.space.dims.iter().enumerate() {
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

    /// The item values of draw `k`, in [`ParameterSpace::labels`] order.
    pub fn parameters(&self, k: u64) -> Vec<f64> {
        let mut st = self.state();
        self.sample(k, &mut st.x);
        self.space.apply(&st.x, &mut st.vals);
        st.vals
    }

    /// Writes `st.x` through the items into the elasticity buffers; the
    /// error names the first item out of range.
    fn apply_values(&self, st: &mut DrawState) -> std::result::Result<(), String> {
        self.space.apply(&st.x, &mut st.vals);
        let n = self.n;
        st.el.copy_from_slice(&self.base_el);
        st.supply.copy_from_slice(&self.base_supply);
        for ((item, &v), label) in self
            .space
            .items
            .iter()
            .zip(&st.vals)
            .zip(&self.space.labels)
        {
            let ok = match item.param {
                Param::SigmaM | Param::SigmaD => v.is_finite() && v > 0.0,
                Param::Eta => v.is_finite() && v >= 0.0,
                Param::Epsilon => v >= 0.0,
            };
            if !ok {
                let rule = match item.param {
                    Param::SigmaM | Param::SigmaD => "finite and > 0",
                    Param::Eta => "finite and >= 0",
                    Param::Epsilon => ">= 0 or inf",
                };
                return Err(format!(
                    "infeasible sampled value: {label} = {v} (must be {rule})"
                ));
            }
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

    /// Solves draw `k` into `out` (`stride` values).
    fn solve_draw(
        &self,
        k: u64,
        st: &mut DrawState,
        out: &mut [f64],
    ) -> std::result::Result<(), Failure> {
        self.sample(k, &mut st.x);
        let fail = |st: &DrawState, scenario: Option<&str>, reason: String| Failure {
            draw: k,
            scenario: scenario.map(str::to_string),
            reason,
            parameters: st.vals.clone(),
        };
        if let Err(reason) = self.apply_values(st) {
            return Err(fail(st, None, reason));
        }
        let n = self.n;
        for sc in &self.scenarios {
            st.totals.fill(CountryOutcome::default());
            for (s, pm) in sc.markets.iter().enumerate() {
                let Some(pm) = pm else { continue };
                let supply = &st.supply[s * n..(s + 1) * n];
                let el = st.el[s];
                match &sc.predictors[s] {
                    Some(p) if self.solver.warm_start => {
                        p.predict(&el, supply, st.ws.log_prices_mut())
                    }
                    _ => st.ws.set_start(&sc.central[s]),
                }
                if let Err(e) =
                    pm.solve_in(&el, supply, &self.solver, &mut st.ws, &self.sector_codes[s])
                {
                    return Err(fail(st, Some(&sc.name), e.to_string()));
                }
                market_outcomes(
                    pm,
                    el.demand,
                    supply,
                    &st.ws,
                    &sc.pools,
                    &sc.union_of,
                    &mut st.outcomes,
                );
                for (t, o) in st.totals.iter_mut().zip(&st.outcomes) {
                    t.accumulate(o);
                }
            }
            let row = &mut out[sc.offset..sc.offset + (n + sc.unions.len()) * FIELDS];
            for (c, t) in st.totals.iter().enumerate() {
                row[c * FIELDS..(c + 1) * FIELDS].copy_from_slice(&t.additive());
            }
            for (u, members) in sc.unions.iter().enumerate() {
                let mut agg = CountryOutcome::default();
                for &m in members {
                    agg.accumulate(&st.totals[m]);
                }
                let at = (n + u) * FIELDS;
                row[at..at + FIELDS].copy_from_slice(&agg.additive());
            }
        }
        Ok(())
    }

    /// Runs every draw.
    ///
    /// # Errors
    /// As [`MonteCarlo::run_range`].
    pub fn run(&self, ctl: &RunControl<'_>) -> Result<DrawBlock> {
        self.run_range(0, self.draws, ctl)
    }

    /// Runs draws `start..end`. Failed draws are recorded, never dropped;
    /// results do not depend on the thread count.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a range outside `0..draws` or a thread pool that
    /// cannot be built; with `fail_fast`, the first failed draw.
    pub fn run_range(&self, start: u64, end: u64, ctl: &RunControl<'_>) -> Result<DrawBlock> {
        if start > end || end > self.draws {
            return Err(Error::invalid(
                "draw range",
                format!("{start}..{end} is not within 0..{}", self.draws),
            ));
        }
        let len = (end - start) as usize;
        let stride = self.stride;
        let mut values = vec![f64::NAN; len * stride];
        let mut status: Vec<Option<Failure>> = vec![None; len];
        let stop = AtomicBool::new(false);
        let mut work = || {
            values
                .par_chunks_mut(stride)
                .zip(status.par_iter_mut())
                .enumerate()
                .for_each_init(
                    || self.state(),
                    |st, (i, (chunk, slot))| {
                        if ctl.fail_fast && stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let k = start + i as u64;
                        if let Err(f) = self.solve_draw(k, st, chunk) {
                            chunk.fill(f64::NAN);
                            *slot = Some(f);
                            stop.store(true, Ordering::Relaxed);
                        }
                        if let Some(p) = ctl.progress {
                            p(1);
                        }
                    },
                );
        };
        match ctl.threads {
            Some(t) => rayon::ThreadPoolBuilder::new()
                .num_threads(t.max(1))
                .build()
                .map_err(|e| Error::invalid("threads", e.to_string()))?
                .install(work),
            None => work(),
        }
        let failures: Vec<Failure> = status.into_iter().flatten().collect();
        if ctl.fail_fast {
            if let Some(f) = failures.first() {
                return Err(Error::invalid(
                    format!("Monte Carlo draw {}", f.draw),
                    match &f.scenario {
                        Some(s) => format!("scenario {s}: {}", f.reason),
                        None => f.reason.clone(),
                    },
                ));
            }
        }
        Ok(DrawBlock {
            start,
            end,
            stride,
            values,
            failures,
        })
    }

    /// Replays draw `k` alone: the same numbers as in any run.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `k` is not a draw of the run.
    pub fn replay_draw(&self, k: u64) -> Result<DrawRecord> {
        if k >= self.draws {
            return Err(Error::invalid(
                "draw",
                format!("{k} is not a draw of this run (0..{})", self.draws),
            ));
        }
        let mut st = self.state();
        let mut out = vec![f64::NAN; self.stride];
        let outcome = self.solve_draw(k, &mut st, &mut out).map(|()| out);
        Ok(DrawRecord {
            draw: k,
            parameters: self.parameters(k),
            outcome,
        })
    }
}

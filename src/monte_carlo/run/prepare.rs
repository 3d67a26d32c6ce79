//! Building a run: the definition resolved against the data, the model and
//! treatment checked, every (scenario, sector) market prepared once and
//! solved at the central parameter values.

use super::MonteCarlo;
use super::rebuild::Rebuild;
use crate::accounts::OutcomeField;
use crate::error::{Error, Result};
use crate::model::{Dataset, DomesticTreatment, Elasticities};
use crate::monte_carlo::layout::{Layout, ScenarioLayout, UnionLayout};
use crate::monte_carlo::resources::{Bytes, MemoryLimit, available_memory, lhs_bytes};
use crate::monte_carlo::sampling::Sampling;
use crate::monte_carlo::seed::{lhs_rng, permutation};
use crate::monte_carlo::space::{ParameterSpace, PolicyNames};
use crate::monte_carlo::spec::{MonteCarloSpec, Param, check_draws};
use crate::monte_carlo::track::resolve_tracked;
use crate::policy::RevenuePool;
use crate::scenario::{CompiledScenario, Scenario};
use crate::solver::lanes::{LaneGroup, lane_groups};
use crate::solver::{ModelVariant, Predictor, PreparedMarket, SolverConfig};

/// One scenario's markets, ready for any draw.
#[derive(Debug)]
pub(crate) struct PreparedScenario {
    pub(super) name: String,
    /// One per sector (None: no flows).
    pub(super) markets: Vec<Option<PreparedMarket>>,
    /// Log prices at the central parameter values, per sector.
    pub(super) central: Vec<Vec<f64>>,
    pub(super) predictors: Vec<Option<Predictor>>,
    pub(super) pools: Vec<RevenuePool>,
    pub(super) union_of: Vec<Option<usize>>,
    /// Member indices of each union.
    pub(super) unions: Vec<Vec<usize>>,
    /// The markets solved in lock-step, a group of sectors at a time (empty
    /// when draws rebuild their markets).
    pub(super) lane_groups: Vec<LaneGroup>,
}

/// Refuses a model variant the Monte Carlo cannot run (never a silent switch
/// to another).
fn check_model(model: ModelVariant) -> Result<()> {
    let name = match model {
        ModelVariant::Armington => return Ok(()),
        ModelVariant::GsimLinear => "GSIM-linear",
        ModelVariant::Smart => "SMART",
    };
    Err(Error::invalid(
        "Monte Carlo model",
        format!(
            "the {name} variant cannot be run with uncertain elasticities yet; \
             Monte Carlo runs use the exact Armington model"
        ),
    ))
}

impl MonteCarlo {
    /// Prepares a run of `spec` over `scenarios` (compiled against `data`
    /// with the same `treatment` from `definitions`, read from `source`),
    /// solved with `model` and `solver`. Every (scenario, sector) market is
    /// prepared once, and solved once at the central parameter values for
    /// the draws' starting point. With quadrature, the number of draws is
    /// `2N` whatever `spec` says. When `spec` varies the data or the policy,
    /// each draw rebuilds its data and recompiles `definitions` (see the
    /// `rebuild` module).
    ///
    /// With every distribution `fixed` at the data's values, each draw
    /// equals a deterministic run of the same model and treatment.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a model variant other than
    /// [`ModelVariant::Armington`] (the linear variants are not available
    /// with uncertain elasticities), no scenario, or Latin hypercube
    /// permutations that would not fit in memory; as
    /// [`ParameterSpace::resolve`] and tracked outputs naming unknown codes;
    /// [`Error::Scenario`] keyed
    /// `montecarlo.draws` or `montecarlo.sampling` for a number of draws out
    /// of range or quadrature without an uncertain parameter; [`Error::Model`]
    /// when a scenario's policy cannot be prepared under `treatment` (e.g. a
    /// diagonal tariff under [`DomesticTreatment::Nested`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        data: &Dataset,
        source: &str,
        definitions: &[Scenario],
        scenarios: &[CompiledScenario],
        spec: &MonteCarloSpec,
        model: ModelVariant,
        treatment: DomesticTreatment,
        solver: SolverConfig,
    ) -> Result<Self> {
        check_model(model)?;
        let quotas = spec.vary().iter().any(|e| e.param == Param::QuotaVolume);
        let space = ParameterSpace::resolve(spec, data, &policy_names(scenarios, data, quotas))?;
        let tracked = resolve_tracked(spec.track(), data, spec.source())?;
        if scenarios.is_empty() {
            return Err(Error::invalid("Monte Carlo", "no scenario to run"));
        }
        let draws = match spec.sampling() {
            Sampling::Quadrature => {
                if space.n_random() == 0 {
                    return Err(Error::scenario(
                        spec.source(),
                        "montecarlo.sampling",
                        "quadrature needs at least one uncertain (non-fixed) parameter",
                    ));
                }
                2 * space.n_random() as u64
            }
            _ => spec.draws(),
        };
        check_draws(draws, spec.source())?;
        let lhs = if spec.sampling() == Sampling::LatinHypercube {
            if let Some(limit) = available_memory() {
                check_lhs_memory(draws, space.n_random(), &limit)?;
            }
            (0..space.n_random())
                .map(|d| permutation(&mut lhs_rng(spec.seed(), draws, d as u64), draws as usize))
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
        let codes: Vec<String> = data.countries().iter().map(|c| c.code.clone()).collect();
        let mut prepared = Vec::with_capacity(scenarios.len());
        let mut layouts = Vec::with_capacity(scenarios.len());
        for cs in scenarios {
            // the policy compilation kept, when it kept one
            let policy = cs.full_policy(data);
            let mut markets = Vec::with_capacity(ns);
            for (s, market) in data.markets().iter().enumerate() {
                if market.is_empty() {
                    markets.push(None);
                    continue;
                }
                let pm = PreparedMarket::new(market, &policy.sectors[s], treatment)
                    .map_err(|e| Error::model(&data.sectors()[s].code, e.to_string()))?;
                markets.push(Some(pm));
            }
            layouts.push(ScenarioLayout {
                name: cs.name.clone(),
                unions: cs
                    .unions
                    .iter()
                    .map(|u| UnionLayout {
                        name: u.name.clone(),
                        members: u.members.iter().map(|&c| codes[c].clone()).collect(),
                        member_index: u.members.clone(),
                    })
                    .collect(),
            });
            prepared.push(PreparedScenario {
                name: cs.name.clone(),
                markets,
                central: vec![vec![0.0; n]; ns],
                predictors: vec![None; ns],
                pools: policy.pools.clone(),
                union_of: cs.union_of(n),
                unions: cs.unions.iter().map(|u| u.members.clone()).collect(),
                lane_groups: Vec::new(),
            });
        }
        let space_elasticities_only = space.elasticities_only();
        let fields = OutcomeField::ADDITIVE
            .iter()
            .map(|f| f.name().to_string())
            .collect();
        let mut mc = MonteCarlo {
            space,
            draws,
            seed: spec.seed(),
            sampling: spec.sampling(),
            lhs,
            n,
            sector_codes: data.sectors().iter().map(|s| s.code.clone()).collect(),
            base_el,
            base_supply,
            rebuild: (!space_elasticities_only).then(|| Rebuild {
                source: source.to_string(),
                definitions: definitions.to_vec(),
                // kept for the whole study: without the policies that
                // compilation kept for a plain run (rebuilt draws scale them
                // from the items)
                compiled: scenarios
                    .iter()
                    .map(|cs| {
                        let mut cs = cs.clone();
                        cs.drop_kept_policy();
                        cs
                    })
                    .collect(),
            }),
            data: data.clone(),
            tracked,
            scenarios: prepared,
            solver,
            treatment,
            info: None,
            gdp: data.countries().iter().map(|c| c.gdp).collect(),
            layout: Layout::new(fields, codes, layouts).with_tracked(spec.track().to_vec()),
        };
        mc.solve_central();
        if mc.rebuild.is_none() {
            for sc in &mut mc.scenarios {
                sc.lane_groups = lane_groups(&sc.markets);
            }
        }
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
        if let Some(rb) = &self.rebuild {
            // the central draw's own data and policies: every draw starts
            // from their solution
            let Ok(markets) = self.rebuilt_markets(rb, &st) else {
                return;
            };
            for (sc, m) in self.scenarios.iter_mut().zip(markets) {
                sc.markets = m;
            }
        }
        let cfg = self.solver.with_warm_start(false);
        let n = self.n;
        let mut central = Vec::with_capacity(self.scenarios.len());
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
}

/// The unions and components the scenarios name, and (with `quotas`) the
/// quotas in force in their policies, for policy items.
fn policy_names(scenarios: &[CompiledScenario], data: &Dataset, quotas: bool) -> PolicyNames {
    let mut names = PolicyNames::default();
    for cs in scenarios {
        if quotas {
            for q in cs.quotas_in_force(data) {
                if !names.quotas.contains(&q) {
                    names.quotas.push(q);
                }
            }
        }
        for u in cs.union_names() {
            if cs.cuts_ntbs(&u) && !names.unions_cutting_ntbs.contains(&u) {
                names.unions_cutting_ntbs.push(u.clone());
            }
            if !names.unions.contains(&u) {
                names.unions.push(u);
            }
        }
        for (c, label) in cs.components.iter().enumerate() {
            if !names.components.iter().any(|(l, _)| l == label) {
                names.components.push((label.clone(), cs.unscalable(c)));
            }
        }
    }
    names
}

/// Refuses Latin hypercube permutations (4 bytes per draw and dimension,
/// whatever the shard) that would not fit in `limit`.
fn check_lhs_memory(draws: u64, dims: usize, limit: &MemoryLimit) -> Result<()> {
    let need = lhs_bytes(draws, dims);
    if need <= limit.bytes {
        return Ok(());
    }
    Err(Error::invalid(
        "Monte Carlo memory",
        format!(
            "Latin hypercube sampling of {draws} draws in {dims} dimensions needs about {} \
             for its permutations (in every shard), but about {} is available ({}): \
             run fewer draws, or use random sampling",
            Bytes(need),
            Bytes(limit.bytes),
            limit.source
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_permutations_must_fit() {
        let limit = MemoryLimit {
            bytes: 1_000_000,
            source: "a test limit",
        };
        // 4 bytes per draw and dimension
        assert!(check_lhs_memory(50_000, 5, &limit).is_ok());
        let e = check_lhs_memory(50_001, 5, &limit).unwrap_err().to_string();
        assert!(e.contains("1.0 MB") && e.contains("random sampling"), "{e}");
    }

    #[test]
    fn only_the_exact_model_runs() {
        assert!(check_model(ModelVariant::Armington).is_ok());
        for m in [ModelVariant::GsimLinear, ModelVariant::Smart] {
            let e = check_model(m).unwrap_err().to_string();
            assert!(e.contains("Armington"), "{e}");
        }
    }
}

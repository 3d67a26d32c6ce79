//! Running compiled scenarios on a dataset: every sector solved by the chosen
//! model variant, its solution turned into country outcomes by the accounts,
//! totals over sectors, union aggregates, the Article XXIV tariff report and
//! the exact Shapley decomposition.
//!
//! ```text
//! totals[c]          = sum_s outcome[s][c]                 (every additive field)
//! union aggregate    = sum_{m in union} totals[m]
//! ```

mod article_xxiv;
mod decompose;
mod result;
mod stages;

pub(crate) use stages::attribute as attribute_stages;

pub use result::{
    Code, ComponentContribution, CountryResult, FlowResult, MemberAverages, MemberDutyShare, Meta,
    PreferenceResult, QuotaResult, ScenarioResult, SectorResult, StageContribution, TariffAverages,
    UnionResult, Units,
};

use rayon::prelude::*;

use crate::accounts::{
    CountryOutcome, QuotaOutcome, country_outcomes, pool_and_close, quota_outcomes,
};
use crate::error::{Error, Result};
use crate::model::{Dataset, DomesticTreatment, Matrix};
use crate::policy::PolicyState;
use crate::scenario::CompiledScenario;
use crate::solver::{
    ExactSolution, LinearSectorSolution, MarketTerms, ModelVariant, PreparedMarket,
    SmartSectorSolution, SolverConfig, SolverReport, Workspace, gsim_linear::solve_linear,
};

/// How scenarios are run (checked by the caller: the treatment is the one
/// the scenarios were compiled with).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RunOptions {
    /// Model variant.
    pub model: ModelVariant,
    /// Treatment of domestic sales, as compiled.
    pub treatment: DomesticTreatment,
    /// Exact solver settings.
    pub solver: SolverConfig,
    /// Also compute the Shapley decomposition.
    pub decompose: bool,
}

/// One sector's outcomes under one policy, with what the flows report needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SectorOutcomes {
    /// One outcome per country (pooling applied).
    pub outcomes: Vec<CountryOutcome>,
    /// Counterfactual flows (volumes), `[origin, destination]`.
    pub flows: Matrix,
    /// Solver report (exact model only).
    pub report: Option<SolverReport>,
    /// Each country's counterfactual tariff revenue before pooling.
    pub revenue_unpooled: Vec<f64>,
    /// The quotas in force (exact model only).
    pub quotas: Vec<QuotaOutcome>,
}

/// Solves sector `s` under `policy` with the chosen variant and closes its accounts.
///
/// # Errors
/// The variant's errors (non-convergence, infeasible bans, singular systems).
pub(crate) fn solve_sector(
    data: &Dataset,
    s: usize,
    policy: &PolicyState,
    opts: &RunOptions,
    union_of: &[Option<usize>],
    ws: &mut Workspace,
) -> Result<SectorOutcomes> {
    let sector = &data.sectors()[s];
    let market = &data.markets()[s];
    let sp = &policy.sectors[s];
    let n = market.n();
    let mut outcomes = vec![CountryOutcome::default(); n];
    let mut flows = Matrix::zeros(n);
    let mut quotas = Vec::new();
    if opts.model != ModelVariant::Armington
        && (market.has_restrictions() || !sp.restrictions.is_empty())
    {
        return Err(Error::model(
            &sector.code,
            format!(
                "the {} variant does not model quotas or export taxes (in the data or the \
                 scenario); use the exact Armington model",
                opts.model.name()
            ),
        ));
    }
    let mut fill = |sol: &dyn Fn(usize, usize) -> f64| {
        for i in 0..n {
            for j in 0..n {
                flows.set(i, j, sol(i, j));
            }
        }
    };
    let report = match opts.model {
        ModelVariant::Armington => {
            let pm = PreparedMarket::new(market, sp, opts.treatment)
                .map_err(|e| Error::model(&sector.code, e.to_string()))?;
            let cfg = opts.solver.with_warm_start(false);
            let report = pm.solve_in(
                &sector.elasticities,
                market.supply(),
                &cfg,
                ws,
                &sector.code,
            )?;
            let sol = ExactSolution::new(&pm, ws, sector.elasticities.demand, market.supply());
            country_outcomes(&sol, &[], union_of, &mut outcomes);
            quotas = quota_outcomes(&sol, opts.solver.tol);
            fill(&|i, j| crate::solver::SectorSolution::flow(&sol, i, j));
            Some(report)
        }
        ModelVariant::GsimLinear => {
            let linear = solve_linear(market, &sector.elasticities, sp, &sector.code)?;
            let sol = LinearSectorSolution::new(linear, MarketTerms::of(market, sp, true));
            country_outcomes(&sol, &[], union_of, &mut outcomes);
            fill(&|i, j| crate::solver::SectorSolution::flow(&sol, i, j));
            None
        }
        ModelVariant::Smart => {
            let sol = SmartSectorSolution::solve(market, &sector.elasticities, sp, &sector.code)?;
            country_outcomes(&sol, &[], union_of, &mut outcomes);
            fill(&|i, j| crate::solver::SectorSolution::flow(&sol, i, j));
            None
        }
    };
    let revenue_unpooled = outcomes
        .iter()
        .map(|o| o.tariff_revenue_counterfactual)
        .collect();
    pool_and_close(&policy.pools, &mut outcomes);
    Ok(SectorOutcomes {
        outcomes,
        flows,
        report,
        revenue_unpooled,
        quotas,
    })
}

/// Per-country totals over sectors for one policy.
fn totals_for(
    data: &Dataset,
    policy: &PolicyState,
    opts: &RunOptions,
    union_of: &[Option<usize>],
    ws: &mut Workspace,
) -> Result<Vec<CountryOutcome>> {
    let mut totals = vec![CountryOutcome::default(); data.n_countries()];
    for (s, m) in data.markets().iter().enumerate() {
        if m.is_empty() {
            continue;
        }
        let sol = solve_sector(data, s, policy, opts, union_of, ws)?;
        for (t, o) in totals.iter_mut().zip(&sol.outcomes) {
            t.accumulate(o);
        }
    }
    Ok(totals)
}

fn labelled(codes: &[&str], outcomes: Vec<CountryOutcome>) -> Vec<CountryResult> {
    codes
        .iter()
        .zip(outcomes)
        .map(|(c, outcome)| CountryResult {
            country: (*c).to_string(),
            outcome,
            welfare_pct_gdp: None,
        })
        .collect()
}

/// A union's preferential pairs (a member's baseline rate on an outsider
/// below the member's MFN rate) with their counterfactual rates, and the
/// zero rates on outsiders that the counterfactual raises (as `"KAZ<-KGZ AGF 0 -> 0.05"`).
fn preferences(
    data: &Dataset,
    policy: &PolicyState,
    members: &[usize],
) -> (Vec<PreferenceResult>, Vec<String>) {
    let codes = |c: usize| data.countries()[c].code.clone();
    let (mut prefs, mut raised) = (Vec::new(), Vec::new());
    for (s, market) in data.markets().iter().enumerate() {
        let t1 = &policy.sectors[s].tariffs;
        for &m in members {
            for o in (0..data.n_countries()).filter(|o| !members.contains(o)) {
                let (b, c) = (market.tariffs().get(o, m), t1.get(o, m));
                if b < market.mfn(m) {
                    prefs.push(PreferenceResult {
                        member: codes(m),
                        outsider: codes(o),
                        sector: data.sectors()[s].code.clone(),
                        baseline: b,
                        counterfactual: c,
                    });
                }
                if b == 0.0 && c > 0.0 && market.flows().get(o, m) > 0.0 {
                    raised.push(format!(
                        "{}<-{} {} 0 -> {c}",
                        codes(m),
                        codes(o),
                        data.sectors()[s].code
                    ));
                }
            }
        }
    }
    (prefs, raised)
}

/// Sector `s`'s result row under `policy`, with the outcomes the totals
/// sum (`None` for a sector without flows, which is skipped).
#[allow(clippy::too_many_arguments)]
fn sector_result(
    data: &Dataset,
    s: usize,
    policy: &PolicyState,
    opts: &RunOptions,
    union_of: &[Option<usize>],
    codes: &[&str],
    flow_codes: &[Code],
    ws: &mut Workspace,
) -> Result<(SectorResult, Option<SectorOutcomes>)> {
    let n = codes.len();
    let market = &data.markets()[s];
    let code = &data.sectors()[s].code;
    if market.is_empty() {
        let unit_prices = CountryOutcome {
            producer_price: 1.0,
            consumer_price_index: 1.0,
            ..CountryOutcome::default()
        };
        let skipped = SectorResult {
            sector: code.clone(),
            countries: labelled(codes, vec![unit_prices; n]),
            flows: Vec::new(),
            iterations: 0,
            residual: 0.0,
            skipped: true,
        };
        return Ok((skipped, None));
    }
    let sol = solve_sector(data, s, policy, opts, union_of, ws)?;
    let x0 = market.flows();
    let mut flows = Vec::with_capacity(x0.as_slice().iter().filter(|b| **b > 0.0).count());
    for i in 0..n {
        for j in 0..n {
            let b = x0.get(i, j);
            if b > 0.0 {
                let x = sol.flows.get(i, j);
                flows.push(FlowResult {
                    exporter: flow_codes[i].clone(),
                    importer: flow_codes[j].clone(),
                    baseline: b,
                    counterfactual: x,
                    counterfactual_value: sol.outcomes[i].producer_price * x,
                });
            }
        }
    }
    let result = SectorResult {
        sector: code.clone(),
        countries: labelled(codes, sol.outcomes.clone()),
        flows,
        iterations: sol.report.map_or(0, |r| r.iterations),
        residual: sol.report.map_or(0.0, |r| r.residual),
        skipped: false,
    };
    Ok((result, Some(sol)))
}

/// Runs one compiled scenario.
///
/// # Errors
/// Any sector's solver error; [`Error::Scenario`] when a decomposition would
/// have too many components.
pub(crate) fn run_scenario(
    data: &Dataset,
    cs: &CompiledScenario,
    opts: &RunOptions,
) -> Result<ScenarioResult> {
    let n = data.n_countries();
    let policy = cs.full_policy(data);
    let union_of = cs.union_of(n);
    let mut sectors = Vec::with_capacity(data.sectors().len());
    let mut totals = vec![CountryOutcome::default(); n];
    let mut unpooled = vec![0.0; n];
    let mut warnings = cs.warnings.clone();
    let codes: Vec<&str> = data.countries().iter().map(|c| c.code.as_str()).collect();
    let flow_codes: Vec<Code> = codes.iter().map(|c| Code::from(*c)).collect();
    let mut quotas = Vec::new();
    // sectors are independent: solved in parallel, then summed in sector
    // order, so the bytes of the results do not depend on the thread count
    let solved: Vec<Result<(SectorResult, Option<SectorOutcomes>)>> = (0..data.sectors().len())
        .into_par_iter()
        .map_init(
            || Workspace::new(n),
            |ws, s| sector_result(data, s, &policy, opts, &union_of, &codes, &flow_codes, ws),
        )
        .collect();
    for solved in solved {
        let (result, sol) = solved?;
        match sol {
            None => warnings.push(format!(
                "sector {}: every flow is zero; skipped (all results 0)",
                result.sector
            )),
            Some(sol) => {
                for (t, o) in totals.iter_mut().zip(&sol.outcomes) {
                    t.accumulate(o);
                }
                for (t, r) in unpooled.iter_mut().zip(&sol.revenue_unpooled) {
                    *t += r;
                }
                quotas.extend(
                    sol.quotas
                        .iter()
                        .map(|q| QuotaResult::new(&result.sector, q, &codes)),
                );
            }
        }
        sectors.push(result);
    }
    let unions: Vec<UnionResult> = cs
        .unions
        .iter()
        .map(|u| {
            let mut aggregate = CountryOutcome::default();
            for &m in &u.members {
                aggregate.accumulate(&totals[m]);
            }
            let (members, union_avg) = article_xxiv::averages(data, &policy, &u.members);
            let k = |m: usize| data.countries()[m].collection;
            let base: f64 = u.members.iter().map(|&m| k(m) * totals[m].tariff_revenue_baseline).sum();
            let cf: f64 = u.members.iter().map(|&m| k(m) * unpooled[m]).sum();
            let share = |v: f64, total: f64| if total > 0.0 { v / total } else { 0.0 };
            let duty_collected_share = u
                .members
                .iter()
                .map(|&m| MemberDutyShare {
                    country: codes[m].to_string(),
                    baseline: share(k(m) * totals[m].tariff_revenue_baseline, base),
                    counterfactual: share(k(m) * unpooled[m], cf),
                })
                .collect();
            let gdp: Option<f64> = u.members.iter().map(|&m| data.countries()[m].gdp).sum();
            let (preferences, raised) = preferences(data, &policy, &u.members);
            if let Some(first) = raised.first() {
                warnings.push(format!(
                    "union {}: {} zero rate(s) on imports from outside the union are raised (e.g. {first})",
                    u.name,
                    raised.len()
                ));
            }
            UnionResult {
                name: u.name.clone(),
                members: u.members.iter().map(|&m| codes[m].to_string()).collect(),
                welfare_pct_gdp: gdp.map(|g| 100.0 * aggregate.welfare / g),
                aggregate,
                article_xxiv_members: members,
                article_xxiv: union_avg,
                duty_collected_share,
                preferences,
            }
        })
        .collect();
    let decomposition = if opts.decompose {
        let parts = decompose::shapley(data, cs, opts)?;
        Some(
            parts
                .into_iter()
                .map(|(component, values)| ComponentContribution {
                    component,
                    countries: labelled(&codes, values),
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(ScenarioResult {
        name: cs.name.clone(),
        description: cs.description.clone(),
        sectors,
        totals: labelled(&codes, totals)
            .into_iter()
            .zip(data.countries())
            .map(|(mut row, c)| {
                row.welfare_pct_gdp = c.gdp.map(|g| 100.0 * row.welfare / g);
                row
            })
            .collect(),
        unions,
        decomposition,
        stages: None,
        warnings,
        quotas,
    })
}

//! Running compiled scenarios on a dataset: per-sector solutions, totals over
//! sectors, union aggregates, the Article XXIV tariff report and the exact
//! Shapley decomposition.
//!
//! ```text
//! totals[c]          = sum_s outcome[s][c]                 (every additive field)
//! union aggregate    = sum_{m in union} totals[m]
//! Shapley share of component c in field F:
//!   phi_c = sum_{S not containing c} |S|! (n-|S|-1)! / n! [F(S + c) - F(S)]
//!   sum_c phi_c = F(all) - F(none) = F(all)                (F a change field)
//! Article XXIV, member j, outsiders O, baseline imports x0:
//!   rate_s(j)  = sum_O x0[o][j] t[o][j] / sum_O x0[o][j]   (simple mean over O if no imports)
//!   simple     = mean_s rate_s(j);  weighted = sum_s sum_O x0 t / sum_s sum_O x0
//! ```

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Dataset, Matrix};
use crate::policy::PolicyState;
use crate::scenario::{CompiledScenario, MAX_COMPONENTS};
use crate::solver::{DomesticTreatment, PreparedMarket, SolverConfig, SolverReport, Workspace};
use crate::welfare::{CountryOutcome, market_outcomes};

/// Which model computes the counterfactual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ModelVariant {
    /// The exact nested-CES model (SPEC §2). Default.
    #[default]
    Armington,
    /// GSIM's linearised system (Francois & Hall 2003); implies as-import-source.
    GsimLinear,
    /// WITS-SMART closed forms (Laird & Yeats 1986), importer by importer.
    Smart,
}

impl ModelVariant {
    /// Parses `armington`, `gsim-linear` or `smart`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "armington" => Some(ModelVariant::Armington),
            "gsim-linear" => Some(ModelVariant::GsimLinear),
            "smart" => Some(ModelVariant::Smart),
            _ => None,
        }
    }
}

/// How scenarios are run.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RunOptions {
    /// Model variant.
    pub model: ModelVariant,
    /// Treatment of domestic sales (forced to as-import-source by `GsimLinear`).
    pub treatment: DomesticTreatment,
    /// Exact solver settings.
    pub solver: SolverConfig,
    /// Also compute the Shapley decomposition.
    pub decompose: bool,
}

impl RunOptions {
    /// The treatment actually used by the chosen model.
    pub fn effective_treatment(&self) -> DomesticTreatment {
        match self.model {
            ModelVariant::GsimLinear => DomesticTreatment::AsImportSource,
            _ => self.treatment,
        }
    }
}

/// A model's solution of one sector under one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorSolution {
    /// One outcome per country (pooling applied).
    pub outcomes: Vec<CountryOutcome>,
    /// Counterfactual flows (volumes), `[origin, destination]`.
    pub flows: Matrix,
    /// Producer prices `p` (for flow values).
    pub producer_prices: Vec<f64>,
    /// Solver report (exact model only).
    pub report: Option<SolverReport>,
}

/// One bilateral flow of one sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowResult {
    /// Exporter code.
    pub exporter: String,
    /// Importer code.
    pub importer: String,
    /// Baseline volume (= value).
    pub baseline: f64,
    /// Counterfactual volume.
    pub counterfactual: f64,
    /// Counterfactual value at the new producer price.
    pub counterfactual_value: f64,
}

/// Results of one sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorResult {
    /// Sector code.
    pub sector: String,
    /// One per country, dataset order.
    pub countries: Vec<CountryOutcome>,
    /// Flows with a positive baseline.
    pub flows: Vec<FlowResult>,
    /// Solver iterations (0 for the linear variants and skipped sectors).
    pub iterations: usize,
    /// Final scaled residual.
    pub residual: f64,
    /// True when the sector was skipped (no flows).
    pub skipped: bool,
}

/// Average external tariffs before and after (Article XXIV:5 check).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TariffAverages {
    /// Simple mean over sectors, baseline.
    pub simple_before: f64,
    /// Simple mean over sectors, counterfactual.
    pub simple_after: f64,
    /// Weighted by baseline imports from outsiders, baseline.
    pub weighted_before: f64,
    /// Weighted by baseline imports from outsiders, counterfactual.
    pub weighted_after: f64,
}

/// One member's averages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberAverages {
    /// Member code.
    pub country: String,
    /// Its averages.
    #[serde(flatten)]
    pub averages: TariffAverages,
}

/// A union's aggregates and its Article XXIV report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnionResult {
    /// Union name.
    pub name: String,
    /// Member codes.
    pub members: Vec<String>,
    /// Sum over members of their totals.
    pub aggregate: CountryOutcome,
    /// Each member's average external tariff.
    pub article_xxiv_members: Vec<MemberAverages>,
    /// The union's (mean of members' simple averages; weighted over all members' outside imports).
    pub article_xxiv: TariffAverages,
}

/// One component's share of the total (Shapley value), per country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentContribution {
    /// Component label.
    pub component: String,
    /// One per country (change fields only are meaningful).
    pub countries: Vec<CountryOutcome>,
}

/// Everything computed for one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Per sector.
    pub sectors: Vec<SectorResult>,
    /// Per country, summed over sectors.
    pub totals: Vec<CountryOutcome>,
    /// Per union.
    pub unions: Vec<UnionResult>,
    /// Shapley decomposition (when asked for).
    pub decomposition: Option<Vec<ComponentContribution>>,
    /// What was skipped and why.
    pub warnings: Vec<String>,
}

/// Solves one sector with the exact model under `policy`, using `ws`.
///
/// # Errors
/// As [`PreparedMarket::new`] and [`PreparedMarket::solve_in`].
#[allow(clippy::too_many_arguments)]
pub fn solve_sector_exact(
    data: &Dataset,
    s: usize,
    policy: &PolicyState,
    treatment: DomesticTreatment,
    cfg: &SolverConfig,
    union_of: &[Option<usize>],
    ws: &mut Workspace,
) -> Result<SectorSolution> {
    let sector = &data.sectors()[s];
    let market = &data.markets()[s];
    let pm = PreparedMarket::new(market, &policy.sectors[s], treatment)
        .map_err(|e| Error::model(&sector.code, e.to_string()))?;
    let report = pm.solve_in(&sector.elasticities, market.supply(), cfg, ws, &sector.code)?;
    let n = market.n();
    let mut outcomes = vec![CountryOutcome::default(); n];
    market_outcomes(
        &pm,
        sector.elasticities.demand,
        market.supply(),
        ws,
        &policy.pools,
        union_of,
        &mut outcomes,
    );
    let eq = pm.equilibrium(ws, report);
    Ok(SectorSolution {
        outcomes,
        flows: eq.flows,
        producer_prices: eq.producer_prices,
        report: Some(report),
    })
}

/// Solves one sector with the chosen model variant.
///
/// # Errors
/// The variant's errors (non-convergence, infeasible bans, singular systems).
pub fn solve_sector(
    data: &Dataset,
    s: usize,
    policy: &PolicyState,
    opts: &RunOptions,
    union_of: &[Option<usize>],
    ws: &mut Workspace,
) -> Result<SectorSolution> {
    match opts.model {
        ModelVariant::Armington => solve_sector_exact(
            data,
            s,
            policy,
            opts.effective_treatment(),
            &opts.solver.with_warm_start(false),
            union_of,
            ws,
        ),
        ModelVariant::GsimLinear => {
            crate::solver::gsim_linear::solve_sector(data, s, policy, union_of)
        }
        ModelVariant::Smart => crate::solver::smart::solve_sector(data, s, policy, union_of),
    }
}

/// Per-country totals over sectors for one policy (used by the decomposition).
fn totals_for(
    data: &Dataset,
    policy: &PolicyState,
    opts: &RunOptions,
    union_of: &[Option<usize>],
    ws: &mut Workspace,
) -> Result<Vec<CountryOutcome>> {
    let n = data.n_countries();
    let mut totals = vec![CountryOutcome::default(); n];
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

/// Runs one compiled scenario.
///
/// # Errors
/// Any sector's solver error; [`Error::Scenario`] when a decomposition would
/// have more than [`MAX_COMPONENTS`] components.
pub fn run_scenario(
    data: &Dataset,
    cs: &CompiledScenario,
    opts: &RunOptions,
) -> Result<ScenarioResult> {
    let n = data.n_countries();
    let policy = cs.policy();
    let union_of = cs.union_of(n);
    let mut ws = Workspace::new(n);
    let mut sectors = Vec::with_capacity(data.sectors().len());
    let mut totals = vec![CountryOutcome::default(); n];
    let mut warnings = Vec::new();
    let codes: Vec<&str> = data.countries().iter().map(|c| c.code.as_str()).collect();
    for (s, market) in data.markets().iter().enumerate() {
        let code = &data.sectors()[s].code;
        if market.is_empty() {
            warnings.push(format!(
                "sector {code}: every flow is zero; skipped (all results 0)"
            ));
            let mut countries = vec![CountryOutcome::default(); n];
            for c in &mut countries {
                c.producer_price = 1.0;
                c.consumer_price_index = 1.0;
            }
            sectors.push(SectorResult {
                sector: code.clone(),
                countries,
                flows: Vec::new(),
                iterations: 0,
                residual: 0.0,
                skipped: true,
            });
            continue;
        }
        let sol = solve_sector(data, s, &policy, opts, &union_of, &mut ws)?;
        for (t, o) in totals.iter_mut().zip(&sol.outcomes) {
            t.accumulate(o);
        }
        let x0 = market.flows();
        let mut flows = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let b = x0.get(i, j);
                if b > 0.0 {
                    let x = sol.flows.get(i, j);
                    flows.push(FlowResult {
                        exporter: codes[i].to_string(),
                        importer: codes[j].to_string(),
                        baseline: b,
                        counterfactual: x,
                        counterfactual_value: sol.producer_prices[i] * x,
                    });
                }
            }
        }
        sectors.push(SectorResult {
            sector: code.clone(),
            countries: sol.outcomes,
            flows,
            iterations: sol.report.map_or(0, |r| r.iterations),
            residual: sol.report.map_or(0.0, |r| r.residual),
            skipped: false,
        });
    }
    let unions = cs
        .unions
        .iter()
        .map(|u| {
            let mut aggregate = CountryOutcome::default();
            for &m in &u.members {
                aggregate.accumulate(&totals[m]);
            }
            let (members, union_avg) = article_xxiv(data, &policy, &u.members);
            UnionResult {
                name: u.name.clone(),
                members: u.members.iter().map(|&m| codes[m].to_string()).collect(),
                aggregate,
                article_xxiv_members: members,
                article_xxiv: union_avg,
            }
        })
        .collect();
    let decomposition = if opts.decompose {
        Some(decompose(data, cs, opts)?)
    } else {
        None
    };
    Ok(ScenarioResult {
        name: cs.name.clone(),
        description: cs.description.clone(),
        sectors,
        totals,
        unions,
        decomposition,
        warnings,
    })
}

/// Exact Shapley decomposition of a scenario's totals over its components.
///
/// # Errors
/// [`Error::Scenario`] with more than [`MAX_COMPONENTS`] components; any solver error.
pub fn decompose(
    data: &Dataset,
    cs: &CompiledScenario,
    opts: &RunOptions,
) -> Result<Vec<ComponentContribution>> {
    let k = cs.components.len();
    if k > MAX_COMPONENTS {
        return Err(Error::scenario(
            &cs.source,
            format!("scenario `{}` (--decompose)", cs.name),
            format!(
                "{k} components, at most {MAX_COMPONENTS} can be decomposed (2^k solves): \
                 give related changes the same `component = \"label\"` to group them"
            ),
        ));
    }
    let n = data.n_countries();
    let union_of = cs.union_of(n);
    let subsets = 1usize << k;
    let values: Vec<Result<Vec<CountryOutcome>>> = (0..subsets)
        .into_par_iter()
        .map_init(
            || Workspace::new(n),
            |ws, mask| {
                let include: Vec<bool> = (0..k).map(|c| mask & (1 << c) != 0).collect();
                let policy = cs.policy_subset(&include);
                totals_for(data, &policy, opts, &union_of, ws)
            },
        )
        .collect();
    let values: Vec<Vec<CountryOutcome>> = values.into_iter().collect::<Result<_>>()?;
    // weights w(|S|) = |S|! (k-|S|-1)! / k!
    let fact = |m: usize| (1..=m).fold(1.0f64, |a, b| a * b as f64);
    let weight: Vec<f64> = (0..k.max(1))
        .map(|s| fact(s) * fact(k - s - 1) / fact(k))
        .collect();
    let mut out = Vec::with_capacity(k);
    for c in 0..k {
        let mut contrib = vec![CountryOutcome::default(); n];
        for mask in 0..subsets {
            if mask & (1 << c) != 0 {
                continue;
            }
            let w = weight[(mask as u64).count_ones() as usize];
            let with = &values[mask | (1 << c)];
            let without = &values[mask];
            for j in 0..n {
                contrib[j].add_scaled(&with[j], w);
                contrib[j].add_scaled(&without[j], -w);
            }
        }
        out.push(ComponentContribution {
            component: cs.components[c].clone(),
            countries: contrib,
        });
    }
    Ok(out)
}

/// Article XXIV averages of each member and of the union.
pub fn article_xxiv(
    data: &Dataset,
    policy: &PolicyState,
    members: &[usize],
) -> (Vec<MemberAverages>, TariffAverages) {
    let n = data.n_countries();
    let is_member = |c: usize| members.contains(&c);
    let mut per = Vec::new();
    let (mut uw_b, mut uw_a, mut uw) = (0.0, 0.0, 0.0);
    let (mut us_b, mut us_a) = (0.0, 0.0);
    for &j in members {
        let (mut sb, mut sa) = (0.0, 0.0);
        let (mut wb, mut wa, mut w) = (0.0, 0.0, 0.0);
        let ns = data.markets().len();
        for (s, market) in data.markets().iter().enumerate() {
            let t0 = market.tariffs();
            let t1 = &policy.sectors[s].tariffs;
            let x0 = market.flows();
            let outs: Vec<usize> = (0..n).filter(|&o| o != j && !is_member(o)).collect();
            let m: f64 = outs.iter().map(|&o| x0.get(o, j)).sum();
            let (rb, ra) = if m > 0.0 {
                (
                    outs.iter()
                        .map(|&o| x0.get(o, j) * t0.get(o, j))
                        .sum::<f64>()
                        / m,
                    outs.iter()
                        .map(|&o| x0.get(o, j) * t1.get(o, j))
                        .sum::<f64>()
                        / m,
                )
            } else if !outs.is_empty() {
                let k = outs.len() as f64;
                (
                    outs.iter().map(|&o| t0.get(o, j)).sum::<f64>() / k,
                    outs.iter().map(|&o| t1.get(o, j)).sum::<f64>() / k,
                )
            } else {
                (0.0, 0.0)
            };
            sb += rb / ns as f64;
            sa += ra / ns as f64;
            wb += outs
                .iter()
                .map(|&o| x0.get(o, j) * t0.get(o, j))
                .sum::<f64>();
            wa += outs
                .iter()
                .map(|&o| x0.get(o, j) * t1.get(o, j))
                .sum::<f64>();
            w += m;
        }
        let avg = TariffAverages {
            simple_before: sb,
            simple_after: sa,
            weighted_before: if w > 0.0 { wb / w } else { sb },
            weighted_after: if w > 0.0 { wa / w } else { sa },
        };
        us_b += sb / members.len() as f64;
        us_a += sa / members.len() as f64;
        uw_b += wb;
        uw_a += wa;
        uw += w;
        per.push(MemberAverages {
            country: data.countries()[j].code.clone(),
            averages: avg,
        });
    }
    let union = TariffAverages {
        simple_before: us_b,
        simple_after: us_a,
        weighted_before: if uw > 0.0 { uw_b / uw } else { us_b },
        weighted_after: if uw > 0.0 { uw_a / uw } else { us_a },
    };
    (per, union)
}

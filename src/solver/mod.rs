//! Equilibrium solvers: the exact Armington model (Newton on log prices with
//! the analytic Jacobian), and the GSIM-linear and SMART variants.
//!
//! Each variant returns a raw solution of one sector that implements the
//! crate-internal `SectorSolution`; the accounts layer turns any of them into
//! country outcomes. Nothing here knows about reports or results.
//! [`MarketSolver`] is the public handle on the exact solver of one market,
//! for solving it again and again (benchmarks, tuning, diagnostics).

mod config;
mod continuation;
mod evaluate;
pub mod gsim_linear;
pub(crate) mod lanes;
mod lu;
mod market_solver;
mod newton;
mod predictor;
mod prepared;
mod quota;
mod restrictions;
mod search;
pub mod smart;
mod solution;
#[cfg(test)]
mod test_fixtures;
mod workspace;

pub use config::{
    ContinuationReport, DomesticTreatment, Method, SolverConfig, SolverReport, Termination,
};
pub(crate) use gsim_linear::LinearSectorSolution;
pub use market_solver::MarketSolver;
pub(crate) use predictor::Predictor;
pub(crate) use prepared::PreparedMarket;
pub use quota::RENT_MAX;
pub(crate) use restrictions::PreparedRestrictions;
pub(crate) use smart::SmartSectorSolution;
pub(crate) use solution::ExactSolution;
pub(crate) use solution::{MarketTerms, RestrictionTerms, SectorSolution};
pub(crate) use workspace::Workspace;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Elasticities, Market, Matrix};
use crate::policy::SectorPolicy;

/// Which model computes the counterfactual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ModelVariant {
    /// The exact nested-CES model. Default.
    #[default]
    Armington,
    /// GSIM's linearised system (Francois & Hall 2003); implies the
    /// as-import-source treatment of domestic sales.
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

    /// The name [`ModelVariant::parse`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            ModelVariant::Armington => "armington",
            ModelVariant::GsimLinear => "gsim-linear",
            ModelVariant::Smart => "smart",
        }
    }
}

/// The exact model's solution of one market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Equilibrium {
    /// Producer (world, f.o.b.) prices `p[i]`, baseline 1.
    pub producer_prices: Vec<f64>,
    /// Composite consumer price index `P[j]`, baseline 1.
    pub consumer_price_index: Vec<f64>,
    /// Counterfactual flows (volumes at baseline prices), `[origin, destination]`.
    pub flows: Matrix,
    /// What the solver did.
    pub report: SolverReport,
}

impl PreparedMarket {
    /// Solves for the equilibrium with elasticities `el` and supply elasticities
    /// `supply`, leaving the solution in `ws`. With `cfg.warm_start` the search
    /// starts from the prices already in `ws` (the previous solve), else from
    /// the baseline. `sector` names the sector in errors.
    ///
    /// # Errors
    /// [`Error::Model`] for infeasible bans or undetermined prices (see
    /// [`PreparedMarket::check`]); [`Error::NotConverged`] with the report when
    /// the tolerance is not reached.
    pub fn solve_in(
        &self,
        el: &Elasticities,
        supply: &[f64],
        cfg: &SolverConfig,
        ws: &mut Workspace,
        sector: &str,
    ) -> Result<SolverReport> {
        self.check(el, supply, sector)?;
        if let Some(r) = self.restrictions.as_ref().filter(|r| r.has_quotas()) {
            return quota::RentSearch::new(self, r, el, supply, cfg, sector, ws).solve(ws);
        }
        let n = self.n();
        ws.resize(n);
        if !cfg.warm_start || ws.log_prices().iter().any(|v| !v.is_finite()) {
            ws.log_prices_mut().iter_mut().for_each(|v| *v = 0.0);
        }
        let report = search::solve(self, el, supply, cfg, ws);
        if report.converged() {
            Ok(report)
        } else {
            ws.log_prices_mut().iter_mut().for_each(|v| *v = 0.0);
            Err(Error::NotConverged {
                sector: sector.to_string(),
                report: Box::new(report),
            })
        }
    }

    /// The solution held in `ws` as an owned [`Equilibrium`].
    pub fn equilibrium(&self, ws: &Workspace, report: SolverReport) -> Equilibrium {
        let n = self.n();
        let mut flows = Matrix::zeros(n);
        flows.as_mut_slice().copy_from_slice(&ws.flows()[..n * n]);
        Equilibrium {
            producer_prices: ws.log_prices().iter().map(|v| v.exp()).collect(),
            consumer_price_index: ws.log_price_index().iter().map(|v| v.exp()).collect(),
            flows,
            report,
        }
    }
}

/// Solves one market under `policy` from a cold start: the one-call API
/// (a [`MarketSolver`] solves the same market again and again).
///
/// # Errors
/// As [`MarketSolver::new`] and [`MarketSolver::solve`].
pub fn solve_market(
    market: &Market,
    elasticities: &Elasticities,
    policy: &SectorPolicy,
    treatment: DomesticTreatment,
    config: &SolverConfig,
) -> Result<Equilibrium> {
    elasticities.validate()?;
    let mut solver = MarketSolver::new(market, policy, treatment)?;
    let report = solver.solve(
        elasticities,
        market.supply(),
        &config.with_warm_start(false),
    )?;
    Ok(solver.equilibrium(report))
}

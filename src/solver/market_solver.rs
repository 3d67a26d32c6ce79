//! One market under one policy, solved again and again: the public handle on
//! the exact solver for benchmarks, tuning studies and diagnostics.
//!
//! ```text
//! prepare once:  baseline flows, shares and the policy's price wedges
//! solve often:   R(ln p) = 0 by Newton, for any elasticities, reusing one
//!                workspace (no allocation per solve)
//! optionally:    a first-order start ln p(θ) ≈ ln p(θ0) + S (θ - θ0),
//!                S = -J⁻¹ dR/dθ, as Monte Carlo draws use
//! ```
//!
//! The preparation, workspace and predictor behind it are the crate's own
//! and may change shape as the solver gets faster; this type is the stable
//! way in.

use super::{Equilibrium, Predictor, PreparedMarket, SolverConfig, SolverReport, Workspace};
use crate::error::Result;
use crate::model::{DomesticTreatment, Elasticities, Market};
use crate::policy::SectorPolicy;

/// The exact solver of one market under one policy, with its reusable
/// workspace: the last solution stays in it, so a warm-started solve begins
/// where the previous one ended.
///
/// # Examples
/// ```
/// use customs_union::solver::MarketSolver;
/// use customs_union::{DomesticTreatment, Elasticities, Market, Matrix, SectorPolicy, SolverConfig};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // two countries trading 10 (US$ million) each way, 100 sold at home
/// let mut flows = Matrix::zeros(2);
/// flows.set(0, 0, 100.0);
/// flows.set(1, 1, 100.0);
/// flows.set(0, 1, 10.0);
/// flows.set(1, 0, 10.0);
/// let mut tariffs = Matrix::zeros(2);
/// tariffs.set(0, 1, 0.1); // 10% on country 0's goods in country 1
/// let market = Market::new(flows, tariffs, Matrix::zeros(2), vec![2.0, 2.0])?;
/// let mut policy = SectorPolicy::baseline(&market);
/// policy.tariffs.set(0, 1, 0.0); // a free trade agreement
/// let el = Elasticities::new(5.0, 2.5, 1.0)?;
///
/// let mut solver = MarketSolver::new(&market, &policy, DomesticTreatment::Nested)?;
/// let report = solver.solve(&el, market.supply(), &SolverConfig::default())?;
/// assert!(report.converged());
/// // the duty cut raises country 0's exports to country 1
/// assert!(solver.flow(0, 1) > 10.0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MarketSolver {
    prepared: PreparedMarket,
    workspace: Workspace,
    predictor: Option<Predictor>,
    /// Scratch for predicted starts.
    start: Vec<f64>,
    sector: String,
}

impl MarketSolver {
    /// Prepares `market` under `policy` with the given treatment of domestic
    /// sales. Errors name the sector "market" until [`MarketSolver::sector`]
    /// names it.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] when the policy's size differs from the
    /// market's, a counterfactual tariff is `<= -1` or a wedge negative, or a
    /// diagonal tariff or wedge is nonzero under the nested treatment.
    pub fn new(
        market: &Market,
        policy: &SectorPolicy,
        treatment: DomesticTreatment,
    ) -> Result<Self> {
        let prepared = PreparedMarket::new(market, policy, treatment)?;
        let n = prepared.n();
        Ok(MarketSolver {
            prepared,
            workspace: Workspace::new(n),
            predictor: None,
            start: vec![0.0; n],
            sector: "market".to_string(),
        })
    }

    /// Names the sector in error messages.
    pub fn sector(mut self, name: impl Into<String>) -> Self {
        self.sector = name.into();
        self
    }

    /// Number of countries.
    pub fn n(&self) -> usize {
        self.prepared.n()
    }

    /// Checks, before any solve, that the policy's bans are feasible with
    /// these elasticities and that prices are determined.
    ///
    /// # Errors
    /// [`crate::Error::Model`] when a ban needs a sigma above 1 that is not,
    /// an importer is left with nothing to buy, an exporter with nothing to
    /// sell, or prices are undetermined.
    pub fn check(&self, el: &Elasticities, supply: &[f64]) -> Result<()> {
        self.prepared.check(el, supply, &self.sector)
    }

    /// Solves for the equilibrium with elasticities `el` and supply
    /// elasticities `supply` (one per country, `f64::INFINITY` for a price
    /// taker). With `cfg`'s warm start on, the search starts from the prices
    /// held (the last solve, or a start set by [`MarketSolver::set_start`] or
    /// [`MarketSolver::start_predicted`]); off, from the baseline.
    ///
    /// # Errors
    /// As [`MarketSolver::check`]; [`crate::Error::NotConverged`] with the
    /// report when the tolerance is not reached (the prices held are then
    /// reset to the baseline).
    pub fn solve(
        &mut self,
        el: &Elasticities,
        supply: &[f64],
        cfg: &SolverConfig,
    ) -> Result<SolverReport> {
        self.prepared
            .solve_in(el, supply, cfg, &mut self.workspace, &self.sector)
    }

    /// Log producer prices `ln p[i]` held (baseline 0).
    pub fn log_prices(&self) -> &[f64] {
        self.workspace.log_prices()
    }

    /// Log consumer price indices `ln P[j]` of the last evaluation.
    pub fn log_price_index(&self) -> &[f64] {
        &self.workspace.log_price_index()[..self.n()]
    }

    /// Flows of the last evaluation (volumes at baseline prices, US$ million
    /// for the embedded data), row-major `[origin * n + destination]`.
    pub fn flows(&self) -> &[f64] {
        let n = self.n();
        &self.workspace.flows()[..n * n]
    }

    /// The flow from `origin` to `destination` of the last evaluation.
    pub fn flow(&self, origin: usize, destination: usize) -> f64 {
        self.flows()[origin * self.n() + destination]
    }

    /// Market-clearing residual `R[i]` (supply minus demand, in flow units)
    /// of the last evaluation.
    pub fn residual(&self) -> &[f64] {
        &self.workspace.residual()[..self.n()]
    }

    /// The solution held as an owned [`Equilibrium`] carrying `report`.
    pub fn equilibrium(&self, report: SolverReport) -> Equilibrium {
        self.prepared.equilibrium(&self.workspace, report)
    }

    /// Sets the log producer prices the next warm-started solve starts from.
    ///
    /// # Panics
    /// When `lnp` does not hold one price per country.
    pub fn set_start(&mut self, lnp: &[f64]) {
        assert_eq!(lnp.len(), self.n(), "one log price per country");
        self.workspace.set_start(lnp);
    }

    /// Builds a first-order predictor of the solution around the prices held
    /// (normally the solution for `el`, `supply` just computed). Returns
    /// `false`, and keeps no predictor, when the Jacobian there is singular.
    pub fn build_predictor(&mut self, el: &Elasticities, supply: &[f64]) -> bool {
        let lnp0 = self.workspace.log_prices()[..self.n()].to_vec();
        self.predictor = Predictor::new(&self.prepared, el, supply, &lnp0, &mut self.workspace);
        self.predictor.is_some()
    }

    /// Sets the start of the next warm-started solve to the predicted
    /// solution for `el`, `supply`; returns `false` (and changes nothing)
    /// without a predictor.
    pub fn start_predicted(&mut self, el: &Elasticities, supply: &[f64]) -> bool {
        let Some(p) = &self.predictor else {
            return false;
        };
        p.predict(el, supply, &mut self.start);
        self.workspace.set_start(&self.start);
        true
    }

    /// Evaluates demand, the residual and the analytic Jacobian at the log
    /// producer prices `lnp` and returns the Jacobian `dR[i]/d ln p[k]`,
    /// row-major `[i * n + k]`; [`MarketSolver::flows`] and
    /// [`MarketSolver::residual`] then hold the same evaluation's values.
    /// For diagnostics and for checking the Jacobian against finite
    /// differences.
    pub fn jacobian_at(&mut self, el: &Elasticities, supply: &[f64], lnp: &[f64]) -> &[f64] {
        let n = self.n();
        &self
            .prepared
            .jacobian_at(el, supply, lnp, &mut self.workspace)[..n * n]
    }
}

//! The buffers of one solve: a thread keeps one [`Workspace`] and solves
//! market after market, draw after draw, without allocating.
//!
//! Symbols follow the model's equations (`evaluate.rs`): origins `i`,
//! destinations `j`, `sm`/`sd` the import and domestic substitution
//! elasticities, `w` the policy's price wedge of a cell, `a` its baseline
//! weight in the import nest. Matrices are row-major `[origin * n + destination]`
//! unless a field says otherwise.

/// Reusable buffers for markets of one size.
use super::prepared::PreparedMarket;

#[derive(Debug, Clone, Default)]
pub struct Workspace {
    n: usize,

    // ---- per-solve constants (set once per market and elasticities)
    /// Which market and elasticities the constants below were computed for:
    /// `(market id, sigma_m, sigma_d, eta)`.
    pub(crate) constants_key: Option<(u64, f64, f64, f64)>,
    /// `a (1 + Y)` with `Y = expm1((1-sm) ln w)`: a cell's import-nest weight
    /// with its wedge factored in (0 for domestic, banned and unfactored cells).
    pub(crate) wedged_weight: Vec<f64>,
    /// `x0 w^(-sm)`: baseline flow times the wedge's effect on demand.
    pub(crate) wedged_flow: Vec<f64>,
    /// Per destination: `sum_i a Y` over factored cells, minus the weight of
    /// banned cells (`sum_i a ln w` at `sm = 1`).
    pub(crate) wedge_sum: Vec<f64>,
    /// Cells `(index, a)` whose wedge term is too large to factor out; they
    /// are evaluated one by one.
    pub(crate) unfactored: Vec<(usize, f64)>,

    // ---- one evaluation at log producer prices
    /// Per origin: `E_i = expm1((1-sm) ln p_i)`.
    pub(crate) price_power_m1: Vec<f64>,
    /// Per origin: `p_i^(1-sm)`.
    pub(crate) price_power: Vec<f64>,
    /// Per origin: `p_i^(-sm)`.
    pub(crate) price_factor: Vec<f64>,
    /// Per unfactored cell (in the order of `unfactored`): `r^(1-sm)`.
    pub(crate) unfactored_power: Vec<f64>,
    /// Per destination: the import nest's CES sum `S_j = sum_i a r^(1-sm)`
    /// (sum of positive terms).
    pub(crate) ces_sum: Vec<f64>,
    /// Per destination: `S_j - 1`, built from `expm1` terms (keeps the digits
    /// of small changes).
    pub(crate) ces_sum_m1: Vec<f64>,
    /// Per destination: `1 / S_j` (1 where there is no import nest or `sm = 1`).
    pub(crate) inv_ces_sum: Vec<f64>,
    /// Per destination: `ln PM_j`, the log import price index.
    pub(crate) log_import_index: Vec<f64>,
    /// Per destination: `ln P_j`, the log composite consumer price index.
    pub(crate) log_price_index: Vec<f64>,
    /// Per destination: `m_j`, the import composite's share of spending.
    pub(crate) import_spending_share: Vec<f64>,
    /// Per destination: `PM^(sm-sd) P^(sd-eta)`, the common factor of its import flows.
    pub(crate) destination_factor: Vec<f64>,
    /// Per destination: `p_j^(-sd) P_j^(sd-eta)`, the factor of its domestic flow.
    pub(crate) domestic_factor: Vec<f64>,
    /// Counterfactual flows `x[i][j]` (volumes at baseline prices).
    pub(crate) flows: Vec<f64>,
    /// Current shares `a'[i][j]` of each source in its destination's import nest.
    pub(crate) import_share: Vec<f64>,
    /// Per origin: current supply `X_i(p) = X0_i p_i^eps_i` (its demand for a price taker).
    pub(crate) supply: Vec<f64>,
    /// Per origin: excess demand `R_i = sum_j x[i][j] - X_i(p)`.
    pub(crate) residual: Vec<f64>,

    // ---- the Jacobian
    /// Per destination: `(sm-sd) + (sd-eta) m_j`.
    pub(crate) share_coef: Vec<f64>,
    /// `G[k][j] = (sm-sd) a'[k][j] + (sd-eta) s[k][j]`, stored transposed:
    /// `[j * n + k]`.
    pub(crate) share_gradient: Vec<f64>,
    /// `dR_i / d ln p_k`, row-major `[i * n + k]`.
    pub(crate) jacobian: Vec<f64>,

    // ---- the search
    /// Log producer prices: the start of a solve, its solution afterwards.
    pub(crate) log_prices: Vec<f64>,
    /// Log producer prices solving the policy phased in so far by a continuation.
    pub(crate) path_point: Vec<f64>,
    /// The point of the continuation's path before `path_point`.
    pub(crate) path_before: Vec<f64>,
    /// Log producer prices of a trial step.
    pub(crate) trial_log_prices: Vec<f64>,
    /// Countries whose price is solved for (finite supply elasticity, positive output).
    pub(crate) active: Vec<usize>,
    /// Per origin: the scale `s_i` of its residual in the line search's merit
    /// (its supply at the current iterate).
    pub(crate) merit_scale: Vec<f64>,
    /// Search direction over the active countries.
    pub(crate) step: Vec<f64>,
    /// Linear system of a step over the active countries (row-major), factorised in place.
    pub(crate) system: Vec<f64>,
    /// Per active country: the factor its row of the system was multiplied by
    /// (one over the row's largest entry).
    pub(crate) row_scale: Vec<f64>,
    /// Its right-hand side, overwritten by the solution.
    pub(crate) rhs: Vec<f64>,
    /// Normal equations of a Levenberg-Marquardt step over the active countries.
    pub(crate) normal: Vec<f64>,

    // ---- quotas
    /// Rent wedge `u` of each quota of the last solve with quotas.
    pub(crate) quota_rents: Vec<f64>,
    /// The prepared market whose quotas `quota_rents` belong to.
    pub(crate) quota_rents_of: u64,
    /// The rent search's buffers, kept between solves of markets with quotas.
    pub(crate) rent_search: RentBuffers,
}

/// What the rent search of a market with quotas keeps between solves, so
/// that solving the same prepared market again (the next Monte Carlo draw)
/// copies nothing: the market without its restrictions, which each trial
/// wedge re-solves, and the price factors and rents of a trial.
#[derive(Debug, Clone, Default)]
pub(crate) struct RentBuffers {
    /// The prepared market `inner` was copied from.
    pub(crate) market: u64,
    /// That market without its restrictions.
    pub(crate) inner: Option<Box<PreparedMarket>>,
    /// Counterfactual consumer price factor of every flow at a trial.
    pub(crate) factors: Vec<f64>,
    /// Rent wedges of a trial.
    pub(crate) rents: Vec<f64>,
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
        if self.n == n && self.flows.len() == n * n {
            return;
        }
        self.n = n;
        self.constants_key = None;
        self.quota_rents.clear();
        self.unfactored.clear();
        self.unfactored.reserve(n * n);
        for v in [
            &mut self.wedged_weight,
            &mut self.wedged_flow,
            &mut self.unfactored_power,
            &mut self.flows,
            &mut self.import_share,
            &mut self.share_gradient,
            &mut self.jacobian,
            &mut self.system,
            &mut self.normal,
        ] {
            v.clear();
            v.resize(n * n, 0.0);
        }
        for v in [
            &mut self.wedge_sum,
            &mut self.price_power_m1,
            &mut self.price_power,
            &mut self.price_factor,
            &mut self.ces_sum,
            &mut self.ces_sum_m1,
            &mut self.inv_ces_sum,
            &mut self.log_import_index,
            &mut self.log_price_index,
            &mut self.import_spending_share,
            &mut self.destination_factor,
            &mut self.domestic_factor,
            &mut self.supply,
            &mut self.residual,
            &mut self.share_coef,
            &mut self.log_prices,
            &mut self.trial_log_prices,
            &mut self.path_point,
            &mut self.path_before,
            &mut self.merit_scale,
            &mut self.step,
            &mut self.row_scale,
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
        self.log_prices.copy_from_slice(lnp);
    }

    /// The log producer prices to write a start into (one per country).
    pub(crate) fn log_prices_mut(&mut self) -> &mut [f64] {
        &mut self.log_prices
    }

    /// Log producer prices `ln p_i` of the last solve.
    pub fn log_prices(&self) -> &[f64] {
        &self.log_prices
    }

    /// Log composite consumer price indices `ln P_j` of the last evaluation.
    pub fn log_price_index(&self) -> &[f64] {
        &self.log_price_index
    }

    /// Flows of the last evaluation, row-major `[origin * n + destination]`.
    pub fn flows(&self) -> &[f64] {
        &self.flows
    }

    /// Residual `R_i` of the last evaluation.
    pub fn residual(&self) -> &[f64] {
        &self.residual
    }
}

//! Draws that vary the data or the policy: each draw's dataset is rebuilt
//! from the drawn cells, the scenarios recompiled against it through the
//! same path a deterministic run takes, the policy scaled, and every market
//! prepared afresh.
//!
//! ```text
//! drawn data:  flows, tariffs, wedges = the data's, with the drawn cells;   elasticities as drawn
//!              an importer's MFN rate follows a shared tariff draw over all its partners
//!              (exporter "*"), as editing the data's "*" row would; otherwise it stays as loaded
//! recompiled:  supplies, shares and expenditure (PreparedMarket), CET and Article XXIV weights,
//!              preferences (drawn rate vs MFN), collection shares: all read the drawn data
//! policy:      compiled.policy_scaled(ntb_cut, shock and quota_volume factors)
//! start:       the solution at the central values (of the central draw's own data and policy)
//! ```
//! Only draws of a run with a data or policy item come here; a run that
//! varies elasticities alone keeps the markets prepared once.

use super::MonteCarlo;
use super::draw::DrawState;
use crate::error::{Error, Result};
use crate::model::{Dataset, Market};
use crate::monte_carlo::spec::{Mode, Param};
use crate::scenario::{self, CompiledScenario, PolicyScaling, Scenario};
use crate::solver::PreparedMarket;

/// What a draw that varies the data or the policy rebuilds from.
#[derive(Debug)]
pub(super) struct Rebuild {
    /// Where the scenarios came from (for error messages).
    pub(super) source: String,
    /// The scenario definitions, recompiled against each draw's data.
    pub(super) definitions: Vec<Scenario>,
    /// The scenarios compiled against the loaded data (used as they are when
    /// no data item varies).
    pub(super) compiled: Vec<CompiledScenario>,
}

/// A draw that could not be rebuilt or solved: the scenario (None: the drawn
/// values themselves), the reason, the error.
pub(super) type DrawFailure = Box<(Option<String>, String, Error)>;

/// Every scenario's prepared markets for one draw (None: a sector without flows).
type Markets = Vec<Vec<Option<PreparedMarket>>>;

impl MonteCarlo {
    /// True when some item varies a cell of the data.
    fn varies_data(&self) -> bool {
        self.space.items().iter().any(|i| i.param.is_data())
    }

    /// The dataset of a draw whose item values are in `st` (elasticities
    /// already written by `apply_values`).
    fn drawn_dataset(&self, st: &DrawState) -> Result<Dataset> {
        let data = &self.data;
        let n = self.n;
        let mut sectors = data.sectors().to_vec();
        for (sector, el) in sectors.iter_mut().zip(&st.el) {
            sector.elasticities = *el;
        }
        let mut flows: Vec<_> = data.markets().iter().map(|m| m.flows().clone()).collect();
        let mut tariffs: Vec<_> = data.markets().iter().map(|m| m.tariffs().clone()).collect();
        let mut ntb: Vec<_> = data.markets().iter().map(|m| m.ntb().clone()).collect();
        let mut mfn: Vec<Vec<f64>> = data
            .markets()
            .iter()
            .map(|m| (0..n).map(|j| m.mfn(j)).collect())
            .collect();
        for (item, &v) in self.space.items().iter().zip(&st.vals) {
            let (s, i, j) = (item.sector, item.exporter, item.country);
            match item.param {
                Param::Ntb => ntb[s].set(i, j, v),
                Param::Tariff => tariffs[s].set(i, j, v),
                Param::Flows => flows[s].set(i, j, v),
                _ => {}
            }
        }
        for link in self.space.mfn_links() {
            let x = st.x[link.dim];
            let m = &mut mfn[link.sector][link.importer];
            *m = match link.mode {
                Mode::Scale => *m * x,
                Mode::Set => x,
            };
        }
        let markets = (0..sectors.len())
            .map(|s| {
                Market::new(
                    flows[s].clone(),
                    tariffs[s].clone(),
                    ntb[s].clone(),
                    st.supply[s * n..(s + 1) * n].to_vec(),
                )?
                .with_mfn(std::mem::take(&mut mfn[s]))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Dataset::new(data.countries().to_vec(), sectors, markets)?
            .with_source(data.source())
            .with_units(data.units()))
    }

    /// The policy factors of a draw whose item values are `vals`.
    fn drawn_scaling(&self, vals: &[f64]) -> PolicyScaling {
        let mut scaling = PolicyScaling::default();
        for (item, &v) in self.space.items().iter().zip(vals) {
            if let Some(q) = self.space.quota_of(item) {
                scaling.quota_volume.push((q, v));
                continue;
            }
            let list = match item.param {
                Param::NtbCut => &mut scaling.ntb_cut,
                Param::Shock => &mut scaling.shock,
                _ => continue,
            };
            list.push((self.space.targets()[item.target].clone(), v));
        }
        scaling
    }

    /// Every scenario's markets for the draw whose values are in `st`.
    pub(super) fn rebuilt_markets(
        &self,
        rb: &Rebuild,
        st: &DrawState,
    ) -> std::result::Result<Markets, DrawFailure> {
        let invalid = |e: Error| Box::new((None, format!("the drawn data: {e}"), e));
        let drawn;
        let (data, compiled) = if self.varies_data() {
            drawn = self.drawn_dataset(st).map_err(invalid)?;
            let compiled = scenario::compile(&rb.source, &rb.definitions, &drawn, self.treatment)
                .map_err(invalid)?;
            (&drawn, std::borrow::Cow::Owned(compiled))
        } else {
            (&self.data, std::borrow::Cow::Borrowed(&rb.compiled))
        };
        let scaling = self.drawn_scaling(&st.vals);
        let mut out = Vec::with_capacity(compiled.len());
        for cs in compiled.iter() {
            let policy = cs.policy_scaled(data, &scaling);
            let mut markets = Vec::with_capacity(data.markets().len());
            for (s, market) in data.markets().iter().enumerate() {
                if market.is_empty() {
                    markets.push(None);
                    continue;
                }
                let pm = PreparedMarket::new(market, &policy.sectors[s], self.treatment).map_err(
                    |e| {
                        let e = Error::model(&data.sectors()[s].code, e.to_string());
                        Box::new((Some(cs.name.clone()), e.to_string(), e))
                    },
                )?;
                markets.push(Some(pm));
            }
            out.push(markets);
        }
        Ok(out)
    }

    /// Solves a draw whose values are in `st` on its rebuilt markets into `out`.
    pub(super) fn solve_rebuilt(
        &self,
        rb: &Rebuild,
        st: &mut DrawState,
        out: &mut [f64],
    ) -> std::result::Result<(), DrawFailure> {
        let markets = self.rebuilt_markets(rb, st)?;
        let n = self.n;
        let cfg = self.solver.with_warm_start(false);
        for (si, (sc, markets)) in self.scenarios.iter().zip(&markets).enumerate() {
            self.open_scenario(si, st, out);
            for (s, pm) in markets.iter().enumerate() {
                let Some(pm) = pm else { continue };
                let supply = &st.supply[s * n..(s + 1) * n];
                st.ws.set_start(&sc.central[s]);
                pm.solve_in(&st.el[s], supply, &cfg, &mut st.ws, &self.sector_codes[s])
                    .map_err(|e| Box::new((Some(sc.name.clone()), e.to_string(), e)))?;
                self.close_sector(si, s, sc, pm, st, out);
            }
            self.close_scenario(si, sc, st, out).map_err(|reason| {
                let cause = Error::invalid("Monte Carlo result", reason.clone());
                Box::new((Some(sc.name.clone()), reason, cause))
            })?;
        }
        Ok(())
    }

    /// The dataset of draw `k`: the run's data with the draw's elasticities
    /// and data cells (policy items, which change no data, are not in it).
    /// A deterministic run on it, with the draw's policy, gives the draw's
    /// results.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `k` is not a draw of the run or a drawn value
    /// is infeasible.
    pub fn draw_dataset(&self, k: u64) -> Result<Dataset> {
        self.check_draw(k)?;
        let mut st = self.state();
        for (d, v) in self.dimension_values(k).into_iter().enumerate() {
            st.x[d] = v;
        }
        self.apply_values(&mut st)
            .map_err(|reason| Error::invalid("Monte Carlo sample", reason))?;
        self.drawn_dataset(&st)
    }
}

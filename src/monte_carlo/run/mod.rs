//! Running draws: every (scenario, sector) market prepared once
//! ([`prepare`](self)), each draw solved on its own ([`draw`](self)), and a
//! rayon loop over a range of draws (here).
//!
//! ```text
//! draw k:  x[d]  = F_d^-1(u[k][d])                 (or mean_d + sd_d z[k][d] under quadrature)
//!          item  = base * x[d]  |  x[d]  |  x[d]/2  |  2 x[d]     (scale | set | rule-of-two)
//!          for every scenario s, sector:  solve from the central solution of (s, sector)
//!          values[k] = per scenario: per-country totals over sectors, then per-union sums
//!                      (positions: the run's Layout)
//! ```
//! Each draw starts Newton from the solution at the central parameter values
//! (every distribution at its median), computed once per (scenario, sector).
//! That start depends on nothing but the market, so a draw's result is the
//! same bits whichever thread solves it, after whichever other draw: a
//! warm start from "the previous draw" would make results depend on how
//! rayon split the work. It is also the better start: the centre is closer
//! to a typical draw than another random draw is.

mod draw;
mod prepare;
mod rebuild;

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::block::{DrawBlock, DrawRecord, Failure};
use super::layout::{CSV_FIELDS, Layout, RunMeta};
use super::resources::{MemoryEstimate, OutputPlan, available_memory, check_threads, estimate};
use super::sampling::Sampling;
use super::space::ParameterSpace;
use super::track::TrackedIndex;
use crate::error::{Error, Result};
use crate::model::{Dataset, DomesticTreatment, Elasticities};
use crate::run::Meta;
use crate::solver::SolverConfig;

pub(crate) use prepare::PreparedScenario;
use rebuild::Rebuild;

/// How a run is carried out (none of it changes the results).
#[derive(Clone, Copy, Default)]
pub struct RunControl<'a> {
    /// Threads (None: rayon's global pool, every core); at most
    /// [`max_threads`](super::max_threads).
    pub threads: Option<usize>,
    /// Stop at the first failed draw and return it as an error.
    pub fail_fast: bool,
    /// Called with 1 after each draw (e.g. to advance a progress bar).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl std::fmt::Debug for RunControl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunControl")
            .field("threads", &self.threads)
            .field("fail_fast", &self.fail_fast)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// A Monte Carlo run, ready to compute any range of draws.
#[derive(Debug)]
pub struct MonteCarlo {
    space: ParameterSpace,
    draws: u64,
    seed: u64,
    sampling: Sampling,
    lhs: Vec<Vec<u32>>,
    n: usize,
    sector_codes: Vec<String>,
    base_el: Vec<Elasticities>,
    base_supply: Vec<f64>,
    /// The data the run was prepared on (each draw's data starts from it).
    data: Dataset,
    scenarios: Vec<PreparedScenario>,
    /// What draws that vary the data or the policy rebuild (None: only
    /// elasticities vary, and every draw reuses the prepared markets).
    rebuild: Option<Rebuild>,
    tracked: Vec<TrackedIndex>,
    solver: SolverConfig,
    treatment: DomesticTreatment,
    layout: Layout,
    info: Option<Meta>,
    gdp: Vec<Option<f64>>,
}

impl MonteCarlo {
    /// The run's identity and layout, with its `fingerprint`.
    pub fn meta(&self, fingerprint: String) -> RunMeta {
        RunMeta {
            draws: self.draws,
            seed: self.seed,
            sampling: self.sampling,
            fingerprint,
            parameters: self.space.labels().to_vec(),
            layout: self.layout.clone(),
            info: self.info.clone(),
            gdp: self.gdp.clone(),
        }
    }

    /// The run with what every result says about itself (the entry point
    /// sets it: dataset, scenario file, model, treatment, units).
    pub(crate) fn with_info(mut self, info: Meta) -> Self {
        self.info = Some(info);
        self
    }

    /// Number of draws of the run.
    pub fn draws(&self) -> u64 {
        self.draws
    }

    /// What decides every draw's values besides the data, the scenarios and
    /// the model, one per line as the run's fingerprint hashes them:
    /// treatment, seed, draws and sampling method.
    pub(crate) fn draw_identity(&self) -> String {
        format!(
            "treatment {}\nseed {}\ndraws {}\nsampling {}\n",
            self.treatment.name(),
            self.seed,
            self.draws,
            self.sampling.name()
        )
    }

    /// The treatment of domestic sales every market is solved with.
    pub fn treatment(&self) -> DomesticTreatment {
        self.treatment
    }

    /// The resolved parameter space.
    pub fn space(&self) -> &ParameterSpace {
        &self.space
    }

    /// Where each value of a draw sits.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Values per draw (see [`DrawBlock`]).
    pub fn stride(&self) -> usize {
        self.layout.stride()
    }

    /// Scenario names, in order.
    pub fn scenario_names(&self) -> Vec<String> {
        self.layout
            .scenarios()
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// The memory draws `start..end` will need, with what is made of them.
    pub fn memory_estimate(&self, start: u64, end: u64, plan: &OutputPlan) -> MemoryEstimate {
        let lhs_dims = if self.sampling == Sampling::LatinHypercube {
            self.space.n_random()
        } else {
            0
        };
        let tracked: usize = (0..self.layout.tracked().len())
            .map(|t| self.layout.tracked_range(0, t).len())
            .sum();
        let csv_columns = (0..self.layout.scenarios().len())
            .map(|s| self.layout.entities(s) * CSV_FIELDS.len() + tracked)
            .sum();
        estimate(
            end.saturating_sub(start),
            self.draws,
            &self.layout,
            self.space.labels().len(),
            lhs_dims,
            csv_columns,
            plan,
        )
    }

    /// Refuses, before anything is computed, draws `start..end` that would
    /// not fit in the memory the process can get ([`available_memory`]).
    ///
    /// # Errors
    /// [`Error::Invalid`] with the estimate, the memory available and the
    /// number of shards that would fit.
    pub fn check_memory(&self, start: u64, end: u64, plan: &OutputPlan) -> Result<MemoryEstimate> {
        let est = self.memory_estimate(start, end, plan);
        if let Some(limit) = available_memory() {
            est.check(&limit)?;
        }
        Ok(est)
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
    /// [`Error::Invalid`] for a range outside `0..draws`, a thread count of 0
    /// or above [`max_threads`](super::max_threads), values that would not
    /// fit in memory ([`MonteCarlo::check_memory`]), or a thread pool that
    /// cannot be built; with `fail_fast`, the first failed draw
    /// ([`Failure::to_error`]).
    pub fn run_range(&self, start: u64, end: u64, ctl: &RunControl<'_>) -> Result<DrawBlock> {
        if start > end || end > self.draws {
            return Err(Error::invalid(
                "draw range",
                format!("{start}..{end} is not within 0..{}", self.draws),
            ));
        }
        if let Some(t) = ctl.threads {
            check_threads(t)?;
        }
        self.check_memory(start, end, &OutputPlan::values())?;
        let stride = self.stride();
        let len = usize::try_from(end - start)
            .ok()
            .filter(|l| l.checked_mul(stride).is_some())
            .ok_or_else(|| {
                Error::invalid(
                    "draw range",
                    format!("{start}..{end}: too many values for this machine's address space"),
                )
            })?;
        let mut values = vec![f64::NAN; len * stride];
        let mut status: Vec<Option<Box<Failure>>> = vec![None; len];
        let stop = AtomicBool::new(false);
        let mut work = || {
            values
                .par_chunks_mut(stride.max(1))
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
                .num_threads(t)
                .build()
                .map_err(|e| Error::invalid("thread pool", e.to_string()))?
                .install(work),
            None => work(),
        }
        let failures: Vec<Failure> = status.into_iter().flatten().map(|f| *f).collect();
        if ctl.fail_fast {
            if let Some(f) = failures.first() {
                return Err(f.to_error());
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

    /// Refuses a draw index outside the run.
    fn check_draw(&self, k: u64) -> Result<()> {
        if k >= self.draws {
            return Err(Error::invalid(
                "draw",
                format!("{k} is not a draw of this run (0..{})", self.draws),
            ));
        }
        Ok(())
    }

    /// Replays draw `k` alone: the same numbers as in any run.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `k` is not a draw of the run.
    pub fn replay_draw(&self, k: u64) -> Result<DrawRecord> {
        self.check_draw(k)?;
        let mut st = self.state();
        let mut out = vec![f64::NAN; self.stride()];
        let outcome = self
            .solve_draw(k, &mut st, &mut out)
            .map(|()| out)
            .map_err(|f| *f);
        Ok(DrawRecord {
            draw: k,
            parameters: self.parameters(k),
            outcome,
        })
    }
}

//! The library's one way in: a [`Simulation`] of a [`Dataset`] runs a
//! [`ScenarioSet`] and returns labelled [`RunResults`], or runs the set's
//! Monte Carlo study and returns its [`McSummary`]. The command line does
//! nothing that does not go through here.
//!
//! ```text
//! Simulation::new(&data)                 Armington, nested (the model's own default), the set's [solver]
//!   .model(..).treatment(..).solver(..).decompose(..)
//!   .run(&set)          -> RunResults    (derefs to [ScenarioResult], in file order)
//!   .monte_carlo(&set)  -> McSummary     (the set's [montecarlo] table)
//! ```

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Dataset, DomesticTreatment};
use crate::monte_carlo::{McSummary, MonteCarlo, MonteCarloSpec, RunControl};
use crate::policy::PolicyState;
pub use crate::run::{Meta, Units};
use crate::run::{RunOptions, ScenarioResult, attribute_stages, run_scenario};
use crate::scenario::{self, CompiledScenario, Scenario};
use crate::solver::{ModelVariant, SolverConfig};

/// A study: the scenarios of one file (or built in code), and the solver and
/// Monte Carlo settings they run with.
///
/// # Examples
/// ```
/// use customs_union::prelude::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let union = CustomsUnion::new("CU", &["KAZ", "RUS", "BLR"], CetRule::Adopt { country: "RUS".into() });
/// let set = ScenarioSet::new(vec![Scenario::new("cet").with_union(union)]);
/// assert_eq!(set.scenarios.len(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ScenarioSet {
    /// Where the scenarios came from (the file as given, or `<api>`), used in
    /// error messages and result metadata.
    pub source: String,
    /// The embedded dataset the file is written for (its top-level `dataset` key).
    pub dataset: Option<String>,
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// Solver settings (`[solver]`); `None`: the defaults.
    pub solver: Option<SolverConfig>,
    /// The Monte Carlo study (`[montecarlo]`), if any.
    pub montecarlo: Option<MonteCarloSpec>,
}

impl ScenarioSet {
    /// A set built in code.
    pub fn new(scenarios: Vec<Scenario>) -> Self {
        ScenarioSet {
            source: "<api>".to_string(),
            scenarios,
            ..ScenarioSet::default()
        }
    }

    setters! {
        /// The set with these solver settings.
        with_solver(solver: SolverConfig) -> solver = Some(solver);
        /// The set with this Monte Carlo study.
        with_montecarlo(spec: MonteCarloSpec) -> montecarlo = Some(spec);
    }

    pub(crate) fn compile(
        &self,
        data: &Dataset,
        treatment: DomesticTreatment,
    ) -> Result<Vec<CompiledScenario>> {
        scenario::compile(&self.source, &self.scenarios, data, treatment)
    }
}

/// Every scenario's results, in file order, with the run's metadata and
/// warnings. Derefs to `[ScenarioResult]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunResults {
    /// What was run.
    pub meta: Meta,
    /// Solver settings used.
    pub solver: SolverConfig,
    /// Country codes, dataset order.
    pub countries: Vec<String>,
    /// Sector codes, dataset order.
    pub sectors: Vec<String>,
    /// Per scenario.
    pub scenarios: Vec<ScenarioResult>,
    /// Everything worth telling the reader (data notes, then each scenario's,
    /// prefixed by its name).
    pub warnings: Vec<String>,
}

impl Deref for RunResults {
    type Target = [ScenarioResult];
    fn deref(&self) -> &[ScenarioResult] {
        &self.scenarios
    }
}

impl RunResults {
    /// The scenario named `name`.
    pub fn scenario(&self, name: &str) -> Option<&ScenarioResult> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// What was run.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Everything worth telling the reader.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// A dataset ready to run studies on, with the model settings.
///
/// # Examples
/// ```
/// use customs_union::prelude::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let data = Dataset::embedded("eaeu2009")?;
/// let union = CustomsUnion::new("CU", &["KAZ", "RUS", "BLR"], CetRule::Adopt { country: "RUS".into() })
///     .with_pooling(&[("RUS", 0.8797), ("KAZ", 0.0733), ("BLR", 0.0470)]);
/// let set = ScenarioSet::new(vec![Scenario::new("cet-2010").with_union(union)]);
/// let results = Simulation::new(&data).run(&set)?;
/// let kaz = results[0].country("KAZ").unwrap();
/// // the common external tariff diverts Kazakhstan's imports and costs it welfare
/// assert!(kaz.trade_diversion > 0.0);
/// assert!(kaz.welfare < 0.0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Simulation<'a> {
    data: &'a Dataset,
    model: ModelVariant,
    treatment: Option<DomesticTreatment>,
    solver: Option<SolverConfig>,
    decompose: bool,
}

impl<'a> Simulation<'a> {
    /// A simulation of `data` with the exact (Armington) model, the model's
    /// default treatment of domestic sales (nested; as an import source for
    /// GSIM-linear), the scenario set's solver settings, no decomposition.
    pub fn new(data: &'a Dataset) -> Self {
        Simulation {
            data,
            model: ModelVariant::Armington,
            treatment: None,
            solver: None,
            decompose: false,
        }
    }

    setters! {
        /// The model variant.
        model(model: ModelVariant) -> model;
        /// The treatment of domestic sales. A model that cannot use it refuses
        /// it at [`Simulation::run`].
        treatment(treatment: DomesticTreatment) -> treatment = Some(treatment);
        /// Solver settings, overriding the scenario set's `[solver]`.
        solver(config: SolverConfig) -> solver = Some(config);
        /// Also compute each scenario's exact Shapley decomposition.
        decompose(on: bool) -> decompose;
    }

    /// The treatment the run uses.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a model and treatment that cannot go together.
    pub fn effective_treatment(&self) -> Result<DomesticTreatment> {
        match (self.model, self.treatment) {
            (ModelVariant::GsimLinear, None | Some(DomesticTreatment::AsImportSource)) => {
                Ok(DomesticTreatment::AsImportSource)
            }
            (ModelVariant::GsimLinear, Some(t)) => Err(Error::invalid(
                "model and treatment",
                format!(
                    "the GSIM-linear variant treats domestic sales as an import source; \
                     the {} treatment is not available with it",
                    t.name()
                ),
            )),
            (ModelVariant::Smart, Some(DomesticTreatment::AsImportSource)) => Err(Error::invalid(
                "model and treatment",
                "the SMART variant ignores domestic sales; the as-import-source treatment \
                 is not available with it",
            )),
            (_, t) => Ok(t.unwrap_or_default()),
        }
    }

    fn solver_for(&self, set: &ScenarioSet) -> SolverConfig {
        self.solver.or(set.solver).unwrap_or_default()
    }

    fn compile(&self, set: &ScenarioSet) -> Result<(DomesticTreatment, Vec<CompiledScenario>)> {
        let treatment = self.effective_treatment()?;
        if treatment == DomesticTreatment::Nested {
            if let Some(e) = self.data.diagonal_row() {
                return Err(e.clone());
            }
        }
        Ok((treatment, set.compile(self.data, treatment)?))
    }

    /// The counterfactual policy of every scenario of `set`, in file order:
    /// the tariffs, NTB wedges, bans and revenue pools a run solves with (to
    /// inspect, e.g., the rates a CET rule produces).
    ///
    /// # Errors
    /// As [`Simulation::run`]'s compilation of the set.
    pub fn policies(&self, set: &ScenarioSet) -> Result<Vec<PolicyState>> {
        let (_, compiled) = self.compile(set)?;
        Ok(compiled.iter().map(|cs| cs.policy(self.data)).collect())
    }

    /// The metadata of a run of `set`.
    ///
    /// # Errors
    /// As [`Simulation::effective_treatment`].
    pub fn meta(&self, set: &ScenarioSet) -> Result<Meta> {
        Ok(Meta {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            dataset: self.data.source().to_string(),
            dataset_fingerprint: self.data.fingerprint(),
            scenario_file: set.source.clone(),
            model: self.model,
            treatment: self.effective_treatment()?,
            units: Units {
                values: self.data.units().to_string(),
                rates: "fractions (0.05 = 5%)".to_string(),
                prices: "levels, baseline = 1".to_string(),
            },
        })
    }

    /// Runs every scenario of `set`.
    ///
    /// # Errors
    /// A model and treatment that cannot go together; scenario errors naming
    /// the key; a sector that cannot be solved ([`Error::NotConverged`] with
    /// the solver's report, [`Error::Infeasible`], [`Error::Model`]).
    pub fn run(&self, set: &ScenarioSet) -> Result<RunResults> {
        // the data's fingerprint (a hash of its whole content) is taken on
        // one thread while the scenarios compile and solve on the others:
        // whichever finishes first helps with the solve
        let (solved, meta) = rayon::join(
            || -> Result<_> {
                let (treatment, compiled) = self.compile(set)?;
                let opts = RunOptions {
                    model: self.model,
                    treatment,
                    solver: self.solver_for(set),
                    decompose: self.decompose,
                };
                // each compiled scenario (with the policy compilation may
                // have kept for it) is let go once it has run
                let scenarios = compiled
                    .into_iter()
                    .map(|cs| run_scenario(self.data, &cs, &opts))
                    .collect::<Result<Vec<_>>>()?;
                Ok((opts, scenarios))
            },
            || self.meta(set),
        );
        // a model and treatment that cannot go together fail both; the
        // compilation's error is the one reported
        let (opts, mut scenarios) = solved?;
        let meta = meta?;
        if self.decompose {
            attribute_stages(&mut scenarios, |name| {
                set.scenarios
                    .iter()
                    .find(|s| s.name == name)
                    .and_then(|s| s.extends.as_deref())
            });
        }
        let mut warnings = self.data.warnings().to_vec();
        warnings.extend(self.data_warnings(set));
        for r in &scenarios {
            for w in &r.warnings {
                let w = format!("scenario {}: {w}", r.name);
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
        }
        Ok(RunResults {
            meta,
            solver: opts.solver,
            countries: self
                .data
                .countries()
                .iter()
                .map(|c| c.code.clone())
                .collect(),
            sectors: self.data.sectors().iter().map(|s| s.code.clone()).collect(),
            scenarios,
            warnings,
        })
    }

    /// What every result on this data says about it: the countries' caveats,
    /// missing GDP figures, and a scenario file written for other data.
    fn data_warnings(&self, set: &ScenarioSet) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(want) = &set.dataset {
            if want != self.data.source() {
                out.push(format!(
                    "the scenario file is written for the dataset `{want}` and runs on `{}`",
                    self.data.source()
                ));
            }
        }
        for c in self.data.countries() {
            if let Some(note) = &c.note {
                out.push(format!("{}: {note}", c.code));
            }
        }
        let missing: Vec<&str> = self
            .data
            .countries()
            .iter()
            .filter(|c| c.gdp.is_none())
            .map(|c| c.code.as_str())
            .collect();
        if !missing.is_empty() {
            out.push(format!(
                "no GDP in the data for {}: welfare as a share of GDP is not reported for {}",
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            ));
        }
        out
    }

    /// Prepares the Monte Carlo study of `set` (its `[montecarlo]` table),
    /// ready to compute any range of draws.
    ///
    /// # Errors
    /// [`Error::Scenario`] when the set has no Monte Carlo study; the errors of
    /// [`Simulation::run`]'s preparation; a model variant the Monte Carlo
    /// cannot run.
    pub fn prepare_monte_carlo(&self, set: &ScenarioSet) -> Result<MonteCarlo> {
        let Some(spec) = &set.montecarlo else {
            return Err(Error::scenario(
                &set.source,
                "montecarlo",
                "missing: a Monte Carlo study needs a [montecarlo] table with [[montecarlo.vary]] entries",
            ));
        };
        let (treatment, compiled) = self.compile(set)?;
        Ok(MonteCarlo::new(
            self.data,
            &set.source,
            &set.scenarios,
            &compiled,
            spec,
            self.model,
            treatment,
            self.solver_for(set),
        )?
        .with_info(self.meta(set)?))
    }

    /// Runs the Monte Carlo study of `set` on every core and summarises it.
    ///
    /// # Errors
    /// As [`Simulation::prepare_monte_carlo`]; a failed draw is recorded in
    /// the summary, not raised.
    pub fn monte_carlo(&self, set: &ScenarioSet) -> Result<McSummary> {
        let mc = self.prepare_monte_carlo(set)?;
        let block = mc.run(&RunControl::default())?;
        let meta = mc.meta(self.fingerprint(set, &mc));
        crate::monte_carlo::summarize(&meta, block)
    }

    /// The fingerprint of a Monte Carlo run `mc` of `set`: SHA-256 (hex) of a
    /// canonical serialisation of the data's content, the scenarios, the
    /// Monte Carlo definition, the model, the treatment, seed, draws and
    /// sampling. File bytes and paths do not enter it (a comment added to a
    /// scenario file, or data moved to another folder, leave it unchanged);
    /// `merge` compares it.
    pub fn fingerprint(&self, set: &ScenarioSet, mc: &MonteCarlo) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"customs-union/mc/fingerprint/v4\n");
        h.update(self.data.fingerprint().as_bytes());
        h.update(b"\n");
        h.update(serde_json::to_vec(&set.scenarios).unwrap_or_default());
        h.update(b"\n");
        h.update(serde_json::to_vec(&set.montecarlo).unwrap_or_default());
        h.update(format!("\nmodel {}\n{}", self.model.name(), mc.draw_identity()).as_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{CetRule, CustomsUnion};

    fn toy() -> Dataset {
        Dataset::embedded("toy").unwrap()
    }

    fn set() -> ScenarioSet {
        ScenarioSet::new(vec![
            Scenario::new("cu").with_union(
                CustomsUnion::new("CU", &["HOM", "PAR"], CetRule::SimpleAverage)
                    .with_pooling(&[("HOM", 0.5), ("PAR", 0.5)]),
            ),
        ])
    }

    #[test]
    fn results_survive_a_json_round_trip() {
        let data = toy();
        let r = Simulation::new(&data).decompose(true).run(&set()).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        let back: RunResults = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert_eq!(
            back[0].country("HOM").unwrap().welfare,
            r[0].country("HOM").unwrap().welfare
        );
    }

    #[test]
    fn sectors_solved_on_one_thread_or_several_give_the_same_bytes() {
        let data = Dataset::embedded("eaeu2009").unwrap();
        let set = ScenarioSet::new(vec![
            Scenario::new("cet").with_union(
                CustomsUnion::new(
                    "CU",
                    &["KAZ", "RUS", "BLR"],
                    CetRule::Adopt {
                        country: "RUS".into(),
                    },
                )
                .with_pooling(&[("RUS", 0.8797), ("KAZ", 0.0733), ("BLR", 0.0470)]),
            ),
        ]);
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let r = Simulation::new(&data).decompose(true).run(&set).unwrap();
                r.to_json().unwrap()
            })
        };
        let one = on(1);
        assert!(one.contains("\"flows\""));
        assert_eq!(one, on(2));
        assert_eq!(one, on(3));
    }

    #[test]
    fn an_explicit_solver_overrides_the_sets() {
        let data = toy();
        let loose = SolverConfig {
            max_iter: 1,
            ..SolverConfig::default()
        };
        let set = set().with_solver(loose);
        // one Newton step cannot reach 1e-12 from the baseline of a union
        assert!(Simulation::new(&data).run(&set).is_err());
        assert!(
            Simulation::new(&data)
                .solver(SolverConfig::default())
                .run(&set)
                .is_ok()
        );
    }

    #[test]
    fn a_model_and_treatment_that_cannot_go_together_are_refused() {
        let data = toy();
        let sim = Simulation::new(&data)
            .model(ModelVariant::GsimLinear)
            .treatment(DomesticTreatment::Nested);
        assert!(matches!(sim.run(&set()), Err(Error::Invalid { .. })));
        let sim = Simulation::new(&data)
            .model(ModelVariant::Smart)
            .treatment(DomesticTreatment::AsImportSource);
        assert!(matches!(sim.run(&set()), Err(Error::Invalid { .. })));
        let sim = Simulation::new(&data).model(ModelVariant::GsimLinear);
        assert_eq!(
            sim.effective_treatment().unwrap(),
            DomesticTreatment::AsImportSource
        );
    }
}

//! Monte Carlo from files: the thin layer between what `io` loads (a data
//! folder or embedded dataset, a scenario file with a `[montecarlo]` table,
//! shard files) and the library's Monte Carlo, which takes only loaded values
//! ([`Simulation::prepare_monte_carlo`], [`merge_shards`](crate::monte_carlo::merge_shards)).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io::{LoadedData, ScenarioFile};
use crate::model::DomesticTreatment;
use crate::monte_carlo::{PreparedRun, ShardDocument, parse_shard_file_name};
use crate::simulation::Simulation;
use crate::solver::ModelVariant;

/// Replacements of the `[montecarlo]` table's `draws` and `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overrides {
    /// Replaces `draws`.
    pub draws: Option<u64>,
    /// Replaces `seed`.
    pub seed: Option<u64>,
}

/// Prepares the Monte Carlo run a scenario file defines, on loaded data,
/// through [`Simulation::prepare_monte_carlo`]: the file's `[solver]`
/// settings, `model`, and `treatment` (None: the model's own). Its
/// fingerprint is [`Simulation::fingerprint`] of the set with the overrides
/// in force.
///
/// # Errors
/// [`Error::Scenario`] when the file has no `[montecarlo]` table or an
/// override is out of range; as [`Simulation::prepare_monte_carlo`].
pub fn prepare_run(
    loaded: &LoadedData,
    file: &ScenarioFile,
    overrides: Overrides,
    model: ModelVariant,
    treatment: Option<DomesticTreatment>,
) -> Result<PreparedRun> {
    let mut set = file.set.clone();
    if let Some(mut spec) = set.montecarlo.take() {
        if let Some(d) = overrides.draws {
            spec = spec.with_draws(d)?;
        }
        if let Some(s) = overrides.seed {
            spec = spec.with_seed(s);
        }
        set.montecarlo = Some(spec);
    }
    let mut sim = Simulation::new(&loaded.dataset).model(model);
    if let Some(t) = treatment {
        sim = sim.treatment(t);
    }
    let mc = sim.prepare_monte_carlo(&set)?;
    let fp = sim.fingerprint(&set, &mc);
    Ok(PreparedRun::new(mc, fp))
}

/// The shard files among `inputs`: a file as given, a directory's
/// `shard-K-of-N.json` files (nothing else in it: leftovers of an
/// interrupted write or other documents are passed over), in name order.
///
/// # Errors
/// [`Error::Io`] for a directory that cannot be read or holds no shard file.
pub fn shard_files(inputs: &[impl AsRef<Path>]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in inputs {
        let p = p.as_ref();
        if !p.is_dir() {
            files.push(p.to_path_buf());
            continue;
        }
        let rd = std::fs::read_dir(p).map_err(|e| Error::io(p.display().to_string(), e))?;
        let mut found: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| {
                f.is_file()
                    && f.file_name()
                        .and_then(|n| n.to_str())
                        .and_then(parse_shard_file_name)
                        .is_some()
            })
            .collect();
        if found.is_empty() {
            return Err(Error::io_message(
                p.display().to_string(),
                "no shard-*-of-*.json file (shard-K-of-N.json) in this directory",
            ));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// Reads shard files, each named (as given) in errors.
///
/// # Errors
/// [`Error::Io`] for a file that cannot be read or is not a shard document.
pub fn read_shards(files: &[PathBuf]) -> Result<Vec<(String, ShardDocument)>> {
    files
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            let text = std::fs::read_to_string(f).map_err(|e| Error::io(name.clone(), e))?;
            let doc = ShardDocument::from_json(&text, &name)?;
            Ok((name, doc))
        })
        .collect()
}

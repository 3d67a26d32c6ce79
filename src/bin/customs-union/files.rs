//! Where data comes from and where results go: the dataset a command runs
//! on, atomic writes, and the guards that keep an output from overwriting an
//! input.

use std::path::{Path, PathBuf};

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::{LoadedData, load_data_dir};
use customs_union::prelude::*;

use crate::args::usage;

pub(crate) fn embedded(name: Option<&str>) -> Result<EmbeddedDataset, Error> {
    match name {
        None => Ok(EmbeddedDataset::DEFAULT),
        Some(n) => EmbeddedDataset::by_name(n).ok_or_else(|| {
            Error::invalid(
                "--dataset",
                format!(
                    "no embedded dataset `{n}` (have: {})",
                    EmbeddedDataset::ALL.map(|d| d.name()).join(", ")
                ),
            )
        }),
    }
}

/// The embedded dataset to use: `--dataset`, else the scenario file's
/// `dataset` key; a `--dataset` that differs from the file's is refused
/// (`--data` runs on the user's own data, with a warning in the results).
pub(crate) fn dataset_for(
    set: &ScenarioSet,
    data: Option<&Path>,
    dataset: Option<&str>,
) -> Result<Option<String>, Error> {
    match (&set.dataset, data, dataset) {
        (Some(want), None, Some(given)) if want != given => Err(usage(
            "--dataset",
            format!(
                "{} is written for the embedded dataset `{want}`, not `{given}` \
                 (use --data DIR to run it on your own data)",
                set.source
            ),
        )),
        (Some(want), None, None) => Ok(Some(want.clone())),
        _ => Ok(dataset.map(str::to_string)),
    }
}

/// The dataset of a command: `--data DIR`, else `--dataset NAME`, else the default.
pub(crate) fn dataset(data: Option<&Path>, dataset: Option<&str>) -> Result<Dataset, Error> {
    match data {
        Some(d) => Dataset::from_dir(d),
        None => Dataset::embedded(embedded(dataset)?.name()),
    }
}

/// The scenario file at `scenario` and the dataset it runs on, as
/// [`dataset_for`] and [`dataset`] choose it. A data folder does not depend
/// on the file, so the two are read at the same time; the file's errors
/// come first, as when they are read in turn.
pub(crate) fn scenarios_and_dataset(
    scenario: &Path,
    data: Option<&Path>,
    embedded: Option<&str>,
) -> Result<(ScenarioSet, Dataset), Error> {
    if let Some(dir) = data {
        let (set, data) = rayon::join(
            || ScenarioSet::from_toml_file(scenario),
            || Dataset::from_dir(dir),
        );
        return Ok((set?, data?));
    }
    let set = ScenarioSet::from_toml_file(scenario)?;
    let name = dataset_for(&set, None, embedded)?;
    let data = dataset(None, name.as_deref())?;
    Ok((set, data))
}

pub(crate) fn load(data: Option<&Path>, dataset: Option<&str>) -> Result<LoadedData, Error> {
    let (mut loaded, source) = match data {
        Some(d) => (load_data_dir(d)?, d.display().to_string()),
        None => {
            let e = embedded(dataset)?;
            (e.load()?, e.name().to_string())
        }
    };
    // results name where the data came from
    loaded.dataset = loaded.dataset.with_source(source);
    Ok(loaded)
}

/// Writes `body` to `path` atomically: a failed write leaves the previous file intact.
pub(crate) fn write_file(path: &Path, body: &str) -> Result<(), Error> {
    customs_union::io::atomic::write_file(path, body.as_bytes())
}

/// `--out` writes JSON: a `.csv` name is a mistake for `--csv`.
pub(crate) fn refuse_csv_name(out: &Path) -> Result<(), Error> {
    if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        return Err(usage(
            "--out",
            format!(
                "{} names a CSV file, but --out writes JSON: use --csv DIR for CSV files",
                out.display()
            ),
        ));
    }
    Ok(())
}

/// The files of a data folder that a command reads.
pub(crate) fn data_files(dir: Option<&Path>) -> Vec<PathBuf> {
    let Some(dir) = dir else {
        return Vec::new();
    };
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// A path made absolute without requiring it to exist (its folder, if it
/// exists, is resolved through links).
pub(crate) fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let parent = p
        .parent()
        .filter(|q| !q.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (parent.canonicalize(), p.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => p.to_path_buf(),
    }
}

/// Refuses, before any work, an output that is an input of the same command
/// or another output, or a folder that holds an input.
pub(crate) fn refuse_overwrite(outputs: &[PathBuf], inputs: &[PathBuf]) -> Result<(), Error> {
    let ins: Vec<PathBuf> = inputs.iter().map(|p| resolved(p)).collect();
    let outs: Vec<PathBuf> = outputs.iter().map(|p| resolved(p)).collect();
    for (k, (o, given)) in outs.iter().zip(outputs).enumerate() {
        if let Some(i) = ins.iter().find(|i| *i == o || i.starts_with(o)) {
            return Err(usage(
                "output",
                format!(
                    "{} would overwrite the input {}: choose another output path",
                    given.display(),
                    i.display()
                ),
            ));
        }
        if outs[..k].iter().any(|p| p == o) {
            return Err(usage(
                "output",
                format!("{} is given as two outputs", given.display()),
            ));
        }
    }
    Ok(())
}

/// `text` with control characters (other than newlines) escaped, so that a
/// value echoed from an input file cannot move the cursor or ring the bell.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

//! `mc` and `merge`: Monte Carlo runs, shards, replays and merging.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use customs_union::io::{load_scenario_file, mc_files};
use customs_union::monte_carlo;
use customs_union::prelude::*;

use crate::args::{McArgs, is_dir_target, model_and_treatment, parse_shard, usage};
use crate::files::{data_files, dataset_for, load, refuse_csv_name, refuse_overwrite, write_file};

pub(crate) fn outcome_map(
    names: &[String],
    values: &[f64],
) -> serde_json::Map<String, serde_json::Value> {
    names
        .iter()
        .zip(values)
        .map(|(k, v)| {
            let v = serde_json::Number::from_f64(*v).map_or(serde_json::Value::Null, Into::into);
            (k.clone(), v)
        })
        .collect()
}

pub(crate) fn replay_document(
    run: &monte_carlo::PreparedRun,
    rec: &monte_carlo::DrawRecord,
) -> serde_json::Value {
    use serde_json::{Value, json};
    let meta = &run.meta;
    let lay = &meta.layout;
    let params = monte_carlo::ParameterValues(
        meta.parameters
            .iter()
            .cloned()
            .zip(rec.parameters.iter().copied())
            .collect(),
    );
    let nc = lay.countries().len();
    let (scenarios, failure) = match &rec.outcome {
        Ok(v) => {
            let sc: Vec<Value> = lay
                .scenarios()
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    let countries: Vec<Value> = lay
                        .countries()
                        .iter()
                        .enumerate()
                        .map(|(c, code)| {
                            let mut m = serde_json::Map::new();
                            m.insert("country".into(), json!(code));
                            m.extend(outcome_map(lay.fields(), &v[lay.entity_range(si, c)]));
                            Value::Object(m)
                        })
                        .collect();
                    let unions: Vec<Value> = s
                        .unions
                        .iter()
                        .enumerate()
                        .map(|(u, ul)| {
                            let mut m = serde_json::Map::new();
                            m.insert("name".into(), json!(ul.name));
                            m.insert("members".into(), json!(ul.members));
                            m.extend(outcome_map(lay.fields(), &v[lay.entity_range(si, nc + u)]));
                            Value::Object(m)
                        })
                        .collect();
                    json!({"name": s.name, "countries": countries, "unions": unions})
                })
                .collect();
            (sc, Value::Null)
        }
        Err(fl) => (
            Vec::new(),
            json!({"scenario": fl.scenario, "reason": fl.reason}),
        ),
    };
    json!({
        "draw": rec.draw,
        "seed": meta.seed,
        "sampling": meta.sampling,
        "fingerprint": meta.fingerprint,
        "parameters": serde_json::to_value(&params).unwrap_or(Value::Null),
        "scenarios": scenarios,
        "failure": failure,
    })
}

pub(crate) fn to_json_text(v: &serde_json::Value) -> Result<String, Error> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| Error::invalid("JSON", e.to_string()))
}

pub(crate) fn mc_command(a: McArgs) -> Result<(), Error> {
    if let Some(t) = a.threads {
        monte_carlo::check_threads(t)?;
        // the whole command (draws and summaries) runs on T threads
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .map_err(|e| usage("--threads", e.to_string()))?;
    }
    if let Some(o) = &a.out {
        refuse_csv_name(o)?;
    }
    let mut inputs = vec![a.scenario.clone()];
    inputs.extend(data_files(a.source.data.as_deref()));
    let draws_key = a.draws_out.as_deref().map(monte_carlo::draws_key_path);
    let outputs: Vec<PathBuf> = a
        .out
        .iter()
        .filter(|o| !is_dir_target(o))
        .chain(a.draws_out.iter())
        .chain(draws_key.iter())
        .chain(a.csv.iter())
        .cloned()
        .collect();
    refuse_overwrite(&outputs, &inputs)?;
    let file = load_scenario_file(&a.scenario)?;
    let dataset = dataset_for(
        &file.set,
        a.source.data.as_deref(),
        a.source.dataset.as_deref(),
    )?;
    let loaded = load(a.source.data.as_deref(), dataset.as_deref())?;
    let (model, treatment) = model_and_treatment(a.model, a.domestic);
    let overrides = mc_files::Overrides {
        draws: a.draws,
        seed: a.seed,
    };
    let run = mc_files::prepare_run(&loaded, &file, overrides, model, treatment)?;
    if let Some(k) = a.replay {
        let rec = run.mc.replay_draw(k)?;
        let text = to_json_text(&replay_document(&run, &rec))?;
        if let Some(out) = &a.out {
            write_file(out, &text)?;
        }
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return Ok(());
    }
    let Some(out) = a.out else {
        return Err(usage("mc", "--out is required"));
    };
    let shard = a.shard.as_deref().map(parse_shard).transpose()?;
    let draws = run.mc.draws();
    let (start, end) = match shard {
        Some((k, n)) => monte_carlo::shard_range(k, n, draws),
        None => (0, draws),
    };
    let mut plan = match shard {
        Some(_) => monte_carlo::OutputPlan::shard(),
        None => monte_carlo::OutputPlan::summary(rayon::current_num_threads()),
    };
    if a.draws_out.is_some() {
        plan = plan.with_draws_csv();
    }
    run.mc.check_memory(start, end, &plan)?;
    let bar = if !a.quiet && std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new(end - start);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} draws ({per_sec}, eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(pb)
    } else {
        None
    };
    let inc = |n: u64| {
        if let Some(pb) = &bar {
            pb.inc(n);
        }
    };
    let ctl = monte_carlo::RunControl {
        threads: None,
        fail_fast: a.fail_fast,
        progress: bar.as_ref().map(|_| &inc as &(dyn Fn(u64) + Sync)),
    };
    let block = run.mc.run_range(start, end, &ctl)?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let failed = block.failures.len();
    let draws_csv = match &a.draws_out {
        Some(_) => {
            let mut csv = Vec::new();
            monte_carlo::write_draws_csv(&run, &block, &mut csv)?;
            let mut key = Vec::new();
            monte_carlo::write_draws_key(&run.meta, &mut key)?;
            Some((csv, key))
        }
        None => None,
    };
    let (path, text) = match shard {
        Some((k, n)) => {
            let doc = monte_carlo::ShardDocument::new(run.meta.clone(), k, n, &block)?;
            let path = if is_dir_target(&out) {
                out.join(monte_carlo::shard_file_name(k, n))
            } else {
                out.clone()
            };
            (path, doc.to_json()?)
        }
        None => {
            if is_dir_target(&out) {
                return Err(usage(
                    "--out",
                    format!(
                        "{} is a directory: give a file name (directories are for --shard)",
                        out.display()
                    ),
                ));
            }
            let summary = run.summarize(block)?;
            if !a.quiet {
                // a closed pipe (`| head`) is no error of the run's
                let _ = std::io::stdout()
                    .lock()
                    .write_all(customs_union::report::mc_table(&summary).as_bytes());
            }
            if let Some(dir) = &a.csv {
                summary.write_csv(dir)?;
            }
            (out.clone(), summary.to_json()?)
        }
    };
    write_file(&path, &text)?;
    if let (Some(csv_path), Some(key_path), Some((csv, key))) =
        (&a.draws_out, &draws_key, &draws_csv)
    {
        customs_union::io::atomic::write_file(csv_path, csv)?;
        customs_union::io::atomic::write_file(key_path, key)?;
    }
    if !a.quiet {
        say!(
            "{} draws ({}..{} of {draws}), {failed} failed; written to {}",
            end - start,
            start,
            end,
            path.display()
        );
        if let (Some(csv_path), Some(key_path)) = (&a.draws_out, &draws_key) {
            say!(
                "draws written to {} (columns named in {})",
                csv_path.display(),
                key_path.display()
            );
        }
        if let Some(dir) = &a.csv {
            say!("CSV files written to {}", dir.display());
        }
    }
    Ok(())
}

pub(crate) fn merge_command(inputs: &[PathBuf], out: &Path) -> Result<(), Error> {
    let files = mc_files::shard_files(inputs)?;
    refuse_overwrite(&[out.to_path_buf()], &files)?;
    let docs = mc_files::read_shards(&files)?;
    let (meta, block) = monte_carlo::merge_shards(&docs)?;
    let failed = block.failures.len();
    let text = monte_carlo::summarize(&meta, block)?.to_json()?;
    write_file(out, &text)?;
    say!(
        "merged {} shards ({} draws, {} failed) into {}",
        docs.len(),
        meta.draws,
        failed,
        out.display()
    );
    Ok(())
}

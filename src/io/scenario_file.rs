//! TOML scenario files: `[[scenario]]` tables with unions and
//! changes, `[solver]` settings and a `[montecarlo]` section.
//!
//! Unknown keys are errors (a typo never passes silently). Tariff, NTB,
//! export and quota entries keep their order in the file even when interleaved.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::QuotaHolder;
use crate::monte_carlo::MonteCarloSpec;
use crate::policy::{CustomsUnion, RevenueSharing};
use crate::scenario::{Action, Instrument, PolicyChange, QuotaChange, Scenario, Selector};
use crate::simulation::ScenarioSet;
use crate::solver::{Method, SolverConfig};

use super::scenario_dto::{FileDto, QuotaDto, SharingDto};
use super::scenario_plain::read_plain;

/// A parsed scenario file.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    /// Scenarios, solver and Monte Carlo settings.
    pub set: ScenarioSet,
    /// The file's text.
    pub text: String,
}

/// How many of a set of mutually exclusive keys an entry gives.
fn given(keys: &[bool]) -> usize {
    keys.iter().filter(|b| **b).count()
}

/// A `[[scenario.quota]]` entry.
fn parse_quota(file: &str, key: &str, q: QuotaDto) -> Result<QuotaChange> {
    if given(&[q.volume.is_some(), q.share.is_some(), q.lift.is_some()]) != 1 {
        return Err(Error::scenario(
            file,
            key,
            "give exactly one of volume | share | lift = true",
        ));
    }
    let mut quota = match (q.volume, q.share, q.lift) {
        (Some(v), _, _) => QuotaChange::volume(&q.importer, &q.exporter, &q.sector, v),
        (_, Some(s), _) => QuotaChange::share(&q.importer, &q.exporter, &q.sector, s),
        (_, _, Some(true)) => QuotaChange::lift(&q.importer, &q.exporter, &q.sector),
        _ => {
            return Err(Error::scenario(
                file,
                format!("{key}.lift"),
                "`lift = false` changes nothing: remove the entry",
            ));
        }
    };
    match (q.in_quota_tariff, q.out_of_quota_tariff) {
        (Some(a), Some(b)) => quota = quota.with_tariffs(a, b),
        (None, None) => {}
        _ => {
            return Err(Error::scenario(
                file,
                key,
                "a tariff-rate quota needs both in_quota_tariff and out_of_quota_tariff",
            ));
        }
    }
    if let Some(h) = q.holder {
        let holder = QuotaHolder::parse(&h).ok_or_else(|| {
            Error::scenario(
                file,
                format!("{key}.holder"),
                format!("`{h}`: expected importer | exporter | none"),
            )
        })?;
        quota = quota.with_holder(holder);
    }
    if let Some(c) = q.component {
        quota = quota.with_component(&c);
    }
    Ok(quota)
}

/// Reads and parses a scenario file.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Scenario`] with the line for TOML
/// and schema errors, with the key for semantic ones.
pub fn load_scenario_file(path: &Path) -> Result<ScenarioFile> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(&name, e))?;
    let text = super::data_dir::utf8_text(bytes, &name)?;
    let set = parse_set(&text, &name)?;
    Ok(ScenarioFile { set, text })
}

/// Line numbers of byte offsets: the newlines are found at the first
/// look-up, each look-up is then a binary search (a file of thousands of
/// changes names each one's line in an error, and a file without one never
/// needs them).
struct Lines<'a> {
    text: &'a str,
    newlines: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Lines<'a> {
    fn of(text: &'a str) -> Self {
        Lines {
            text,
            newlines: std::cell::OnceCell::new(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        let newlines = self
            .newlines
            .get_or_init(|| memchr::memchr_iter(b'\n', self.text.as_bytes()).collect());
        newlines.partition_point(|&nl| nl < offset) + 1
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    Lines::of(text).line(offset)
}

/// Parses scenario-file text; `file` names it in errors.
///
/// # Errors
/// As [`load_scenario_file`].
pub fn parse_scenario_file(text: &str, file: &str) -> Result<ScenarioFile> {
    Ok(ScenarioFile {
        set: parse_set(text, file)?,
        text: text.to_string(),
    })
}

/// The file as the general TOML parser reads it; errors name the line.
pub(super) fn parse_toml(text: &str, file: &str) -> Result<FileDto> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let msg = if e.message().contains("recursion") {
            "nested too deeply: a scenario file needs only a few levels of tables and arrays"
                .to_string()
        } else {
            e.message().to_string()
        };
        Error::scenario(
            file,
            match line {
                Some(l) => format!("line {l}"),
                None => "file".to_string(),
            },
            msg,
        )
    })
}

/// The scenarios of scenario-file text; `file` names it in errors. A file
/// of plain change entries is read by [`read_plain`], any other by the
/// general TOML parser; both go through the same checks.
fn parse_set(text: &str, file: &str) -> Result<ScenarioSet> {
    let dto = match read_plain(text) {
        Some(dto) => dto,
        None => parse_toml(text, file)?,
    };
    checked(dto, text, file)
}

/// The scenarios of a file read as `dto` from `text`, checked; `file` names
/// it in errors.
pub(super) fn checked(dto: FileDto, text: &str, file: &str) -> Result<ScenarioSet> {
    let mut solver = None;
    if let Some(s) = dto.solver {
        let mut cfg = SolverConfig::default();
        let at = |key: &'static str| {
            move |e: Error| match e {
                Error::Invalid { message, .. } => Error::scenario(file, key, message),
                e => e,
            }
        };
        if let Some(m) = s.method {
            cfg = cfg.with_method(Method::parse(&m).ok_or_else(|| {
                Error::scenario(
                    file,
                    "solver.method",
                    format!("unknown method `{m}` (newton | diagonal-newton)"),
                )
            })?);
        }
        if let Some(t) = s.tol {
            cfg = cfg.with_tol(t).map_err(at("solver.tol"))?;
        }
        if let Some(m) = s.max_iter {
            let m = usize::try_from(m).map_err(|_| {
                Error::scenario(
                    file,
                    "solver.max_iter",
                    format!("must be at least 1, got {m}"),
                )
            })?;
            cfg = cfg.with_max_iter(m).map_err(at("solver.max_iter"))?;
        }
        if let Some(b) = s.line_search {
            cfg = cfg.with_line_search(b);
        }
        if let Some(b) = s.warm_start {
            cfg = cfg.with_warm_start(b);
        }
        solver = Some(cfg);
    }
    let lines = Lines::of(text);
    let mut scenarios = Vec::new();
    for (k, sc) in dto.scenario.into_iter().enumerate() {
        let base = format!("scenario[{k}] (`{}`)", sc.name);
        let mut unions = Vec::new();
        for (u, un) in sc.union.into_iter().enumerate() {
            let ukey = format!("{base}.union[{u}]");
            let Some(cet) = un.cet else {
                return Err(Error::scenario(
                    file,
                    format!("{ukey}.cet"),
                    "missing: give a CET rule (adopt | trade_weighted | simple_average | min | max | schedule), or `none` for a free trade area",
                ));
            };
            let revenue_sharing = match un.revenue_sharing {
                None => RevenueSharing::Destination,
                Some(SharingDto::Named(s)) if s == "destination" => RevenueSharing::Destination,
                Some(SharingDto::Named(s)) => {
                    return Err(Error::scenario(
                        file,
                        format!("{ukey}.revenue_sharing"),
                        format!("`{s}`: expected \"destination\" or a table of shares"),
                    ));
                }
                Some(SharingDto::Shares(m)) => RevenueSharing::Pooled(m.into_iter().collect()),
            };
            unions.push(CustomsUnion {
                name: un.name,
                members: un.members,
                internal_tariff: un.internal_tariff.unwrap_or(0.0),
                ntb_cut: un.ntb_cut.unwrap_or(0.0),
                cet,
                revenue_sharing,
                preferences: un.preferences.unwrap_or_default(),
                internal_quotas: un.internal_quotas.unwrap_or_default(),
            });
        }
        let mut changes: Vec<(usize, PolicyChange)> = Vec::new();
        let lists = [
            (Instrument::Tariff, sc.tariff),
            (Instrument::Ntb, sc.ntb),
            (Instrument::ExportTax, sc.export),
        ];
        for (instrument, list) in lists {
            let tag = match instrument {
                Instrument::Tariff => "tariff",
                Instrument::Ntb => "ntb",
                _ => "export",
            };
            for (c, sp) in list.into_iter().enumerate() {
                let start = sp.span().start;
                let ch = sp.into_inner();
                // named only in an error
                let key = || format!("{base}.{tag}[{c}] (line {})", lines.line(start));
                let keys = [
                    ch.set.is_some(),
                    ch.add.is_some(),
                    ch.scale.is_some(),
                    ch.ban.is_some(),
                ];
                if given(&keys) != 1 {
                    return Err(Error::scenario(
                        file,
                        key(),
                        "give exactly one of set | add | scale | ban = true",
                    ));
                }
                let action = if let Some(v) = ch.set {
                    Action::Set(v)
                } else if let Some(v) = ch.add {
                    Action::Add(v)
                } else if let Some(v) = ch.scale {
                    Action::Scale(v)
                } else if ch.ban == Some(true) {
                    Action::Ban
                } else {
                    return Err(Error::scenario(
                        file,
                        format!("{}.ban", key()),
                        "`ban = false` changes nothing: remove the entry",
                    ));
                };
                changes.push((
                    start,
                    PolicyChange {
                        instrument,
                        importer: Selector::parse(&ch.importer),
                        exporter: Selector::parse(&ch.exporter),
                        sector: Selector::parse(&ch.sector),
                        action,
                        component: ch.component,
                    },
                ));
            }
        }
        changes.sort_by_key(|(start, _)| *start);
        let mut quotas = Vec::new();
        for (q, sp) in sc.quota.into_iter().enumerate() {
            let start = sp.span().start;
            let key = format!("{base}.quota[{q}] (line {})", lines.line(start));
            let mut quota = parse_quota(file, &key, sp.into_inner())?;
            quota.after_changes = changes.iter().filter(|(s, _)| *s < start).count();
            quotas.push(quota);
        }
        let mut scenario = Scenario::new(&sc.name);
        scenario.description = sc.description;
        scenario.extends = sc.extends;
        scenario.unions = unions;
        scenario.changes = changes.into_iter().map(|(_, c)| c).collect();
        scenario.quotas = quotas;
        scenarios.push(scenario);
    }
    if scenarios.is_empty() {
        return Err(Error::scenario(
            file,
            "scenario",
            "no [[scenario]] in the file",
        ));
    }
    let montecarlo = match &dto.montecarlo {
        Some(table) => Some(MonteCarloSpec::from_table(table, file)?),
        None => None,
    };
    let mut set = ScenarioSet::new(scenarios);
    set.source = file.to_string();
    set.dataset = dto.dataset;
    set.solver = solver;
    set.montecarlo = montecarlo;
    Ok(set)
}

//! TOML scenario files (SPEC §7): `[[scenario]]` tables with unions and
//! changes, `[solver]` settings and a `[montecarlo]` section.
//!
//! Unknown keys are errors (a typo never passes silently). Tariff and NTB
//! changes keep their order in the file even when interleaved.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::policy::{CetException, CetRule, CustomsUnion, RevenueSharing};
use crate::scenario::{Action, Instrument, PolicyChange, Scenario, ScenarioSet, Selector};
use crate::solver::{Method, SolverConfig};

/// A parsed scenario file.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    /// Scenarios and solver settings.
    pub set: ScenarioSet,
    /// The raw `[montecarlo]` table, read by the Monte Carlo module.
    pub montecarlo: Option<toml::Table>,
    /// The file's text (for fingerprints).
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDto {
    #[serde(default)]
    scenario: Vec<ScenarioDto>,
    solver: Option<SolverDto>,
    montecarlo: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SolverDto {
    method: Option<String>,
    tol: Option<f64>,
    max_iter: Option<i64>,
    line_search: Option<bool>,
    warm_start: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioDto {
    name: String,
    #[serde(default)]
    description: String,
    extends: Option<String>,
    #[serde(default)]
    union: Vec<UnionDto>,
    #[serde(default)]
    tariff: Vec<toml::Spanned<ChangeDto>>,
    #[serde(default)]
    ntb: Vec<toml::Spanned<ChangeDto>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnionDto {
    name: String,
    members: Vec<String>,
    internal_tariff: Option<f64>,
    ntb_cut: Option<f64>,
    cet: Option<CetDto>,
    revenue_sharing: Option<SharingDto>,
}

#[derive(Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
enum CetDto {
    Adopt {
        country: String,
    },
    TradeWeighted,
    SimpleAverage,
    Min,
    Max,
    Schedule {
        rates: BTreeMap<String, f64>,
        #[serde(default)]
        exceptions: Vec<ExceptionDto>,
    },
    None,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionDto {
    member: String,
    sector: String,
    rate: f64,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SharingDto {
    Named(String),
    Shares(BTreeMap<String, f64>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeDto {
    importer: String,
    exporter: String,
    #[serde(default = "star")]
    sector: String,
    set: Option<f64>,
    add: Option<f64>,
    scale: Option<f64>,
    ban: Option<bool>,
    component: Option<String>,
}

fn star() -> String {
    "*".to_string()
}

/// Reads and parses a scenario file.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Scenario`] with the line for TOML
/// and schema errors, with the key for semantic ones.
pub fn load_scenario_file(path: &Path) -> Result<ScenarioFile> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        file: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_scenario_file(&text, &path.display().to_string())
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses scenario-file text; `file` names it in errors.
///
/// # Errors
/// As [`load_scenario_file`].
pub fn parse_scenario_file(text: &str, file: &str) -> Result<ScenarioFile> {
    let dto: FileDto = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let msg = e.message().to_string();
        Error::scenario(
            file,
            match line {
                Some(l) => format!("line {l}"),
                None => "file".to_string(),
            },
            msg,
        )
    })?;
    let mut solver = SolverConfig::default();
    if let Some(s) = dto.solver {
        let at = |key: &'static str| {
            move |e: Error| match e {
                Error::Invalid { message, .. } => Error::scenario(file, key, message),
                e => e,
            }
        };
        if let Some(m) = s.method {
            solver = solver.with_method(Method::parse(&m).ok_or_else(|| {
                Error::scenario(
                    file,
                    "solver.method",
                    format!("unknown method `{m}` (newton | diagonal-newton)"),
                )
            })?);
        }
        if let Some(t) = s.tol {
            solver = solver.with_tol(t).map_err(at("solver.tol"))?;
        }
        if let Some(m) = s.max_iter {
            let m = usize::try_from(m).map_err(|_| {
                Error::scenario(
                    file,
                    "solver.max_iter",
                    format!("must be at least 1, got {m}"),
                )
            })?;
            solver = solver.with_max_iter(m).map_err(at("solver.max_iter"))?;
        }
        if let Some(b) = s.line_search {
            solver = solver.with_line_search(b);
        }
        if let Some(b) = s.warm_start {
            solver = solver.with_warm_start(b);
        }
    }
    let mut scenarios = Vec::new();
    for (k, sc) in dto.scenario.into_iter().enumerate() {
        let base = format!("scenario[{k}] (`{}`)", sc.name);
        let mut unions = Vec::new();
        for (u, un) in sc.union.into_iter().enumerate() {
            let ukey = format!("{base}.union[{u}]");
            let cet = match un.cet {
                None => {
                    return Err(Error::scenario(
                        file,
                        format!("{ukey}.cet"),
                        "missing: give a CET rule (adopt | trade_weighted | simple_average | min | max | schedule), or `none` for a free trade area",
                    ));
                }
                Some(CetDto::Adopt { country }) => CetRule::Adopt { country },
                Some(CetDto::TradeWeighted) => CetRule::TradeWeighted,
                Some(CetDto::SimpleAverage) => CetRule::SimpleAverage,
                Some(CetDto::Min) => CetRule::Min,
                Some(CetDto::Max) => CetRule::Max,
                Some(CetDto::None) => CetRule::None,
                Some(CetDto::Schedule { rates, exceptions }) => CetRule::Schedule {
                    rates: rates.into_iter().collect(),
                    exceptions: exceptions
                        .into_iter()
                        .map(|e| CetException {
                            member: e.member,
                            sector: e.sector,
                            rate: e.rate,
                        })
                        .collect(),
                },
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
            });
        }
        let mut changes: Vec<(usize, PolicyChange)> = Vec::new();
        for (instrument, list) in [(Instrument::Tariff, sc.tariff), (Instrument::Ntb, sc.ntb)] {
            let tag = match instrument {
                Instrument::Tariff => "tariff",
                Instrument::Ntb => "ntb",
            };
            for (c, sp) in list.into_iter().enumerate() {
                let start = sp.span().start;
                let ch = sp.into_inner();
                let key = format!("{base}.{tag}[{c}] (line {})", line_of(text, start));
                let given = [
                    ch.set.is_some(),
                    ch.add.is_some(),
                    ch.scale.is_some(),
                    ch.ban.is_some(),
                ]
                .iter()
                .filter(|b| **b)
                .count();
                if given != 1 {
                    return Err(Error::scenario(
                        file,
                        key,
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
                        format!("{key}.ban"),
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
        scenarios.push(Scenario {
            name: sc.name,
            description: sc.description,
            extends: sc.extends,
            unions,
            changes: changes.into_iter().map(|(_, c)| c).collect(),
        });
    }
    if scenarios.is_empty() {
        return Err(Error::scenario(
            file,
            "scenario",
            "no [[scenario]] in the file",
        ));
    }
    Ok(ScenarioFile {
        set: ScenarioSet {
            source: file.to_string(),
            scenarios,
            solver,
        },
        montecarlo: dto.montecarlo,
        text: text.to_string(),
    })
}

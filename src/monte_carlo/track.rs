//! Tracked outputs: per-draw values beyond the country totals
//! (`[montecarlo] track = [...]`).
//!
//! ```text
//! { sector = "MACH", country = "KAZ" }                     a country's sector row: its change fields
//!                                                          (consumer_surplus ... imports_change)
//! { sector = "MACH", exporter = "CHN", importer = "KAZ" }  a flow's counterfactual volume (`counterfactual`)
//! ```
//! Each tracked output adds its fields to every scenario's block of a draw
//! (see the layout), so it is summarised, differenced, written to the draws
//! file and to shards, and merged, like a country's totals.

use serde::{Deserialize, Serialize};

use crate::accounts::OutcomeField;
use crate::error::{Error, Result};
use crate::model::Dataset;

/// An output tracked draw by draw, by codes.
///
/// # Examples
/// ```
/// use customs_union::monte_carlo::Tracked;
///
/// let row = Tracked::sector_row("MACH", "KAZ");
/// let flow = Tracked::flow("MACH", "CHN", "KAZ");
/// assert_eq!(row.label(), "MACH/KAZ");
/// assert_eq!(flow.label(), "MACH/CHN->KAZ");
/// assert_eq!(flow.fields(), vec!["counterfactual"]);
/// assert!(row.fields().contains(&"welfare"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Tracked {
    /// A country's row of a sector: every change field of the sector outcome.
    SectorRow {
        /// Sector code.
        sector: String,
        /// Country code.
        country: String,
    },
    /// One flow's counterfactual volume (quantity at baseline prices).
    Flow {
        /// Sector code.
        sector: String,
        /// Exporter code.
        exporter: String,
        /// Importer code.
        importer: String,
    },
}

/// The field of a tracked flow: its counterfactual volume.
pub const FLOW_FIELD: &str = "counterfactual";

impl Tracked {
    /// Country `country`'s row of sector `sector`.
    pub fn sector_row(sector: &str, country: &str) -> Self {
        Tracked::SectorRow {
            sector: sector.to_string(),
            country: country.to_string(),
        }
    }

    /// The flow of sector `sector` from `exporter` to `importer`.
    pub fn flow(sector: &str, exporter: &str, importer: &str) -> Self {
        Tracked::Flow {
            sector: sector.to_string(),
            exporter: exporter.to_string(),
            importer: importer.to_string(),
        }
    }

    /// The sector code.
    pub fn sector(&self) -> &str {
        match self {
            Tracked::SectorRow { sector, .. } | Tracked::Flow { sector, .. } => sector,
        }
    }

    /// A short label: `MACH/KAZ` for a sector row, `MACH/CHN->KAZ` for a flow.
    pub fn label(&self) -> String {
        match self {
            Tracked::SectorRow { sector, country } => format!("{sector}/{country}"),
            Tracked::Flow {
                sector,
                exporter,
                importer,
            } => format!("{sector}/{exporter}->{importer}"),
        }
    }

    /// The fields recorded per draw: a sector row's change fields
    /// ([`OutcomeField::changes`]), or `counterfactual` for a flow.
    pub fn fields(&self) -> Vec<&'static str> {
        match self {
            Tracked::SectorRow { .. } => OutcomeField::changes().map(OutcomeField::name).collect(),
            Tracked::Flow { .. } => vec![FLOW_FIELD],
        }
    }
}

/// A tracked output resolved against a dataset (indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrackedIndex {
    /// Sector, country.
    Row(usize, usize),
    /// Sector, exporter, importer.
    Flow(usize, usize, usize),
}

impl TrackedIndex {
    /// The sector index.
    pub(crate) fn sector(self) -> usize {
        match self {
            TrackedIndex::Row(s, _) | TrackedIndex::Flow(s, _, _) => s,
        }
    }
}

/// Resolves `tracked` (entry `k` of `montecarlo.track` in `file`) against
/// `data`; a second entry naming the same output is refused.
///
/// # Errors
/// [`Error::Scenario`] keyed `montecarlo.track[k].field` for an unknown code
/// or a repeated entry.
pub(crate) fn resolve_tracked(
    tracked: &[Tracked],
    data: &Dataset,
    file: &str,
) -> Result<Vec<TrackedIndex>> {
    let mut out: Vec<TrackedIndex> = Vec::with_capacity(tracked.len());
    for (k, t) in tracked.iter().enumerate() {
        let key = format!("montecarlo.track[{k}]");
        let code = |field: &str, c: &str, is_sector: bool| -> Result<usize> {
            let id = if is_sector {
                data.sector_id(c).map(|s| s.0)
            } else {
                data.country_id(c).map(|c| c.0)
            };
            id.ok_or_else(|| {
                Error::scenario(
                    file,
                    format!("{key}.{field}"),
                    format!(
                        "unknown {} code `{c}`",
                        if is_sector { "sector" } else { "country" }
                    ),
                )
            })
        };
        let s = code("sector", t.sector(), true)?;
        let idx = match t {
            Tracked::SectorRow { country, .. } => {
                TrackedIndex::Row(s, code("country", country, false)?)
            }
            Tracked::Flow {
                exporter, importer, ..
            } => TrackedIndex::Flow(
                s,
                code("exporter", exporter, false)?,
                code("importer", importer, false)?,
            ),
        };
        if let Some(prev) = out.iter().position(|o| *o == idx) {
            return Err(Error::scenario(
                file,
                key,
                format!(
                    "{} is tracked twice (also by montecarlo.track[{prev}])",
                    t.label()
                ),
            ));
        }
        out.push(idx);
    }
    Ok(out)
}

/// What a summary look-up is about: a country (by code) or union (by name),
/// or a tracked output. References to text (`&str`, `&String`, `&&str`) and
/// `&Tracked` convert into it, so
/// [`McSummary::metric`](super::McSummary::metric) and its siblings take any
/// of them.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Subject<'a> {
    /// A country's code or a union's name.
    Entity(&'a str),
    /// A tracked output.
    Tracked(&'a Tracked),
}

impl<'a, T: AsRef<str> + ?Sized> From<&'a T> for Subject<'a> {
    /// A country code or union name: `&str`, `&String`, `&&str`, a `&Code`.
    fn from(name: &'a T) -> Self {
        Subject::Entity(name.as_ref())
    }
}

impl<'a> From<&'a Tracked> for Subject<'a> {
    fn from(t: &'a Tracked) -> Self {
        Subject::Tracked(t)
    }
}

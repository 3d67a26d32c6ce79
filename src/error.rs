//! The crate's one error type.
//!
//! Every error says what is wrong and where: a data file's name, line and
//! field; a scenario file's key; the sector whose market could not be solved
//! (with the solver's report); the Monte Carlo draw that failed (with its
//! cause as the error's [`source`](std::error::Error::source)). Nothing in the
//! library panics on user input: everything that can go wrong with it is a
//! variant here. Callers add context by wrapping (e.g. [`Error::Draw`]), never
//! by flattening a cause into a string.

use std::fmt;
use std::sync::Arc;

use crate::diagnostics::SolverReport;

/// Result alias used inside the crate (not exported by the prelude, so a
/// user's own `Result` is never shadowed).
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, with enough structure to act on.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A data file holds a bad value; `line` is 1-based (the header is line 1).
    #[error("{file}:{line}: field `{field}`: {message}")]
    Data {
        /// File name, as given or as found in the data directory.
        file: String,
        /// 1-based line number (header = 1); 0 when the file as a whole is at fault.
        line: u64,
        /// Column name.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{file}: {message}")]
    Io {
        /// Path of the file or folder.
        file: String,
        /// What went wrong (the operating system's message when there is one).
        message: String,
        /// The operating system's error, when there is one.
        #[source]
        source: Option<Arc<std::io::Error>>,
    },
    /// A scenario file (or a scenario built through the API) is invalid.
    #[error("{file}: {key}: {message}")]
    Scenario {
        /// File name, or `<api>` for scenarios built in code.
        file: String,
        /// Dotted key of the offending entry, e.g. `scenario[0].union[0].members`.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An invalid value given through the library API (a setting, a
    /// distribution, an elasticity, a dataset built in code).
    #[error("invalid {what}: {message}")]
    Invalid {
        /// The item that is invalid, e.g. `solver tolerance`.
        what: String,
        /// What is wrong.
        message: String,
    },
    /// A sector's market cannot be solved as posed; the reason says why.
    #[error("sector {sector}: {reason}")]
    Infeasible {
        /// Sector code.
        sector: String,
        /// Why the market has no (unique) equilibrium.
        reason: Infeasible,
    },
    /// A model variant cannot solve a sector for another reason (e.g. the
    /// linear system of the GSIM variant is singular).
    #[error("sector {sector}: {message}")]
    Model {
        /// Sector code.
        sector: String,
        /// What is wrong.
        message: String,
    },
    /// The equilibrium solver did not reach its tolerance; the report says how far it got.
    #[error("sector {sector}: solver did not converge: {report}")]
    NotConverged {
        /// Sector code.
        sector: String,
        /// Iterations, residual and why it stopped (boxed: it is large, and
        /// every `Result` of the crate carries this enum).
        report: Box<SolverReport>,
    },
    /// A Monte Carlo draw failed in one scenario; `source` is the cause.
    #[error("draw {draw}, scenario `{scenario}`: {source}")]
    Draw {
        /// Draw index (from 0).
        draw: u64,
        /// Scenario name.
        scenario: String,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },
}

/// Why a market has no (unique) equilibrium.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Infeasible {
    /// A ban needs `sigma_m > 1`: a banned source's CES weight must vanish.
    BanNeedsElasticImports,
    /// The bans leave an importer (country index) with nothing to buy.
    NothingToBuy {
        /// Importer index in the dataset.
        importer: usize,
    },
    /// Banning every import of an importer (country index) needs `sigma_d > 1`.
    BanNeedsElasticDomestic {
        /// Importer index in the dataset.
        importer: usize,
    },
    /// The bans leave an exporter (country index) with nothing to sell.
    NothingToSell {
        /// Exporter index in the dataset.
        exporter: usize,
    },
    /// Every supply elasticity is 0 and `eta` is 0: demand is homogeneous of
    /// degree 0 in prices, so prices are not determined.
    PricesUndetermined,
}

impl fmt::Display for Infeasible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Infeasible::BanNeedsElasticImports => write!(
                f,
                "a ban needs sigma_m > 1 (a banned source's CES weight must vanish)"
            ),
            Infeasible::NothingToBuy { importer } => {
                write!(f, "the bans leave importer {importer} with nothing to buy")
            }
            Infeasible::BanNeedsElasticDomestic { importer } => write!(
                f,
                "banning every import of importer {importer} needs sigma_d > 1"
            ),
            Infeasible::NothingToSell { exporter } => {
                write!(f, "the bans leave exporter {exporter} with nothing to sell")
            }
            Infeasible::PricesUndetermined => write!(
                f,
                "prices are not determined: every supply elasticity is 0 and eta is 0 \
                 (demand is homogeneous of degree 0 in prices)"
            ),
        }
    }
}

impl Infeasible {
    /// The reason with country indices replaced by the codes in `codes`.
    pub fn describe(&self, codes: &[&str]) -> String {
        let code = |i: usize| codes.get(i).copied().unwrap_or("?").to_string();
        match *self {
            Infeasible::NothingToBuy { importer } => {
                format!(
                    "the bans leave importer {} with nothing to buy",
                    code(importer)
                )
            }
            Infeasible::BanNeedsElasticDomestic { importer } => format!(
                "banning every import of importer {} needs sigma_d > 1",
                code(importer)
            ),
            Infeasible::NothingToSell { exporter } => {
                format!(
                    "the bans leave exporter {} with nothing to sell",
                    code(exporter)
                )
            }
            other => other.to_string(),
        }
    }
}

impl Error {
    /// Shorthand for [`Error::Data`].
    pub fn data(
        file: impl Into<String>,
        line: u64,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Data {
            file: file.into(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }

    /// An [`Error::Io`] carrying the operating system's error as its source.
    pub fn io(file: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            file: file.into(),
            message: source.to_string(),
            source: Some(Arc::new(source)),
        }
    }

    /// An [`Error::Io`] without an operating-system cause (e.g. a folder with
    /// no shard file in it).
    pub fn io_message(file: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Io {
            file: file.into(),
            message: message.into(),
            source: None,
        }
    }

    /// Shorthand for [`Error::Scenario`].
    pub fn scenario(
        file: impl Into<String>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Scenario {
            file: file.into(),
            key: key.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            what: what.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Model`].
    pub fn model(sector: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Model {
            sector: sector.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Infeasible`].
    pub fn infeasible(sector: impl Into<String>, reason: Infeasible) -> Self {
        Error::Infeasible {
            sector: sector.into(),
            reason,
        }
    }

    /// Wraps `self` as the cause of a failed Monte Carlo draw.
    pub fn in_draw(self, draw: u64, scenario: impl Into<String>) -> Self {
        Error::Draw {
            draw,
            scenario: scenario.into(),
            source: Box::new(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static + std::error::Error>() {}

    #[test]
    fn error_is_send_sync_static() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn draw_error_keeps_its_cause() {
        let e = Error::model("AGF", "singular").in_draw(7, "cet-2010");
        let src = std::error::Error::source(&e).expect("a source");
        assert_eq!(src.to_string(), "sector AGF: singular");
        assert!(matches!(e, Error::Draw { draw: 7, .. }));
    }

    #[test]
    fn io_error_keeps_the_os_error() {
        let e = Error::io("x.csv", std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(std::error::Error::source(&e).is_some());
    }
}

//! The crate's one error type.
//!
//! Every error says what is wrong and where: a data file's name, line and
//! field; a scenario file's key; or the sector whose market could not be
//! solved (with the solver's report). Nothing in the library panics on user
//! input: everything that can go wrong with it is a variant here.

use crate::solver::SolverReport;

/// Result alias used throughout the crate.
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
        /// Path of the file.
        file: String,
        /// The operating system's message.
        message: String,
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
    /// Invalid input given through the library API (not from a file).
    #[error("invalid {what}: {message}")]
    Invalid {
        /// The item that is invalid, e.g. `market flows`.
        what: String,
        /// What is wrong.
        message: String,
    },
    /// A sector's market cannot be solved as posed (e.g. prices undetermined).
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
        /// Iterations, residual and why it stopped.
        report: SolverReport,
    },
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
}

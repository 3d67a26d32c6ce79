//! What can stop a generation, with the file or figure at fault.

use std::path::PathBuf;

/// Why the datasets could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read, written or its folder made.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file could not be parsed or written.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The CSV reader's or writer's error.
        #[source]
        source: csv::Error,
    },
    /// A raw file lacks a column or figure, or holds a value that cannot be right.
    #[error("{}: {message}", path.display())]
    Raw {
        /// The raw file.
        path: PathBuf,
        /// What is missing or wrong.
        message: String,
    },
    /// A figure disagrees with the published figure it is checked against, or
    /// a derived value is out of its possible range.
    #[error("check failed: {0}")]
    Check(String),
    /// The RAS fit cannot run or does not converge.
    #[error("RAS fit: {0}")]
    Ras(String),
    /// The tariff calibration cannot meet its targets from its priors.
    #[error("calibration: {0}")]
    Calibration(String),
    /// A code that is not in its list (a region, sector or country).
    #[error("{dataset}: unknown code {code} in {what}")]
    UnknownCode {
        /// The dataset being built.
        dataset: String,
        /// Where the code appears, e.g. `tariffs`.
        what: String,
        /// The code.
        code: String,
    },
    /// Two rows of a rate or supply table name the same item.
    #[error("{dataset}/{file}: duplicate row {row}")]
    DuplicateRow {
        /// The dataset being built.
        dataset: String,
        /// The table.
        file: String,
        /// The row's key.
        row: String,
    },
    /// A row of a table cannot be written as CSV as it is.
    #[error("{dataset}/{file}: row {row}: {message}")]
    Table {
        /// The dataset being written.
        dataset: String,
        /// The table.
        file: String,
        /// 0-based row index.
        row: usize,
        /// What is wrong.
        message: String,
    },
    /// The library refuses the dataset as built (a value out of range, a
    /// diagonal rate, shapes that differ).
    #[error("{dataset}: {source}")]
    Model {
        /// The dataset being built or read back.
        dataset: String,
        /// The library's error.
        #[source]
        source: customs_union::Error,
    },
    /// The files written read back, through the library's loader, as another
    /// dataset than the one built.
    #[error("{}: the written files load as a different dataset ({what})", dir.display())]
    RoundTrip {
        /// The data folder written.
        dir: PathBuf,
        /// The first part that differs.
        what: String,
    },
}

/// Result of a generation step.
pub type Result<T, E = Error> = std::result::Result<T, E>;

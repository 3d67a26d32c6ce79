//! Results for people: the tables the command line prints and the charts.
//!
//! ```text
//! format  numbers rounded for reading (shared by both)
//! table   the stdout table of a run
//! chart   SVG charts (also used by the examples)
//! ```

pub mod chart;
pub mod format;
mod table;

pub use table::table;

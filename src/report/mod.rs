//! Results for people: the tables the command line prints, the charts, and
//! the self-contained HTML report of a `run` or `mc` result.
//!
//! ```text
//! format  numbers rounded for reading (shared by all three)
//! table   the stdout table of a run
//! chart   SVG charts (also used by the examples)
//! html    the HTML report, read from a result's JSON document
//! ```

pub mod chart;
pub mod format;
pub mod html;
mod table;

pub use table::table;

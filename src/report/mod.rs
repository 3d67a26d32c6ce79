//! Results for people: the tables the command line prints, the charts, and
//! the self-contained HTML report of a `run` or `mc` result.
//!
//! ```text
//! format  numbers rounded for reading (shared by all three)
//! table   the stdout tables of a run and of a Monte Carlo summary
//! chart   SVG charts (also used by the examples)
//! html    the HTML report, read from a result's JSON document
//! ```

pub mod chart;
pub mod format;
pub mod html;
mod table;

pub use table::{mc_table, table};

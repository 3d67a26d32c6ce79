//! Every figure the generator writes that is not read from a raw file, each
//! a named constant whose comment gives its status and origin:
//!
//! ```text
//! V     read in the named source
//! V2    read in a secondary source quoting it
//! D     derived by the stated rule
//! U     assumption
//! seed  stated in the 1995 essay
//! ```
//! The same status and origin go into the `source` column of each row built
//! from the figure.

mod border_costs;
mod checks;
mod classification;
mod elasticities;
mod kaz1995;
mod policy;
mod tariffs;
mod units;

pub use border_costs::*;
pub use checks::*;
pub use classification::*;
pub use elasticities::*;
pub use kaz1995::*;
pub use policy::*;
pub use tariffs::*;
pub use units::*;

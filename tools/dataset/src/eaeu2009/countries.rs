//! `countries.csv` of 2009: the regions, their GDP (WDI 2009, as read) and
//! Kyrgyzstan's re-export caveat; the collection shares are set afterwards by
//! the calibration in [`super::collection`].

use crate::calibration::round_to;
use crate::error::{Error, Result};
use crate::figures::{
    COLLECTION_DEFAULT, GDP_DECIMALS, RE_EXPORT_NOTE, REGION_DEFS_2009, REGIONS_2009, RegionDef,
};
use crate::sourced::CountryRow;
use crate::sources::region;

use super::cells::Cells;

/// The statuses from strongest to weakest; a row's status is its weakest part's.
const STATUS_ORDER: [&str; 5] = ["V", "V2", "D", "U", "seed"];

/// The weakest of `statuses` (an unknown status counts as the weakest).
fn weakest<'a>(statuses: &[&'a str]) -> &'a str {
    statuses
        .iter()
        .copied()
        .max_by_key(|s| {
            STATUS_ORDER
                .iter()
                .position(|o| o == s)
                .unwrap_or(STATUS_ORDER.len())
        })
        .unwrap_or("U")
}

/// How a region's collection share was set: its status and a phrase.
#[derive(Debug, Clone, Copy)]
pub struct CollectionOrigin {
    /// Status of the share.
    pub status: &'static str,
    /// What it is, e.g. "1, full collection assumed".
    pub text: &'static str,
}

/// The default of every region the calibration leaves alone.
pub const COLLECTION_ASSUMED: CollectionOrigin = CollectionOrigin {
    status: "U",
    text: "1, full collection assumed (it matters only where duties are pooled)",
};

/// The `source` text of a region's row: its weakest status, then the
/// origin of the definition, the GDP and the collection share.
pub fn country_source(def: &RegionDef, collection: CollectionOrigin, note: bool) -> String {
    let status = weakest(&[def.status, def.gdp_status, collection.status]);
    let mut s = format!(
        "{status}: {} ({}); gdp {} 2009, US$ million ({}; docs/sources.md#gdp); collection {} ({}; docs/data.md#collected-duties)",
        def.definition, def.status, def.gdp, def.gdp_status, collection.text, collection.status
    );
    if note {
        s.push_str(
            "; note: trade cells of low reliability, import cells mostly Chinese-reported re-exports (D; docs/sources.md#caveats)",
        );
    }
    s
}

/// The 2009 country rows: GDP rounded to [`GDP_DECIMALS`], collection
/// [`COLLECTION_DEFAULT`], and the re-export note on [`RE_EXPORT_NOTE`]'s
/// region with its figures read from the data.
///
/// # Errors
/// [`Error::Check`] when the regions and their definitions disagree, or the
/// noted region's imports from the re-exporting origin do not exceed its GDP
/// (the note would say something false).
pub fn country_rows(cells: &Cells) -> Result<Vec<CountryRow>> {
    let (noted, origin) = RE_EXPORT_NOTE;
    let (k, o) = (region(noted)?, region(origin)?);
    let (flow, gdp) = (cells.values[o][k], cells.gdp[k]);
    if flow <= gdp {
        return Err(Error::Check(format!(
            "{origin}->{noted} {flow:.0} no longer exceeds {noted}'s GDP {gdp:.0}: revise the note"
        )));
    }
    let note = format!(
        "re-exports: its import cells are mostly {origin}-reported shipments re-exported onward ({origin}->{noted} {flow:.0} exceeds its GDP {gdp:.0}, US$ million); its results are indicative only"
    );
    REGION_DEFS_2009
        .iter()
        .enumerate()
        .map(|(i, def)| {
            if def.code != REGIONS_2009[i] {
                return Err(Error::Check("REGION_DEFS_2009 out of order".into()));
            }
            let noted_here = def.code == noted;
            Ok(CountryRow {
                code: def.code.to_string(),
                name: def.name.to_string(),
                gdp: Some(round_to(cells.gdp[i], GDP_DECIMALS)),
                collection: COLLECTION_DEFAULT,
                note: noted_here.then(|| note.clone()),
                source: country_source(def, COLLECTION_ASSUMED, noted_here),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_takes_its_weakest_status() {
        assert_eq!(weakest(&["V", "D", "V"]), "D");
        assert_eq!(weakest(&["V", "V2"]), "V2");
        assert_eq!(weakest(&["D", "U"]), "U");
        assert_eq!(weakest(&["V", "odd"]), "odd");
    }
}

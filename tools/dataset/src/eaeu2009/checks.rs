//! Checks of the 2009 flows against published figures: reported, never
//! fitted (WITS Kazakh-reported trade with China, EEC and WDI sector shares,
//! Kazakhstan's import shares by partner).

use std::fmt::Write as _;
use std::path::Path;

use crate::error::Result;
use crate::figures::{
    EEC_INSIDE_FUEL, EEC_INSIDE_MACH, EEC_THIRD_FUEL, EEC_THIRD_MACH, KAZ_IMPORT_SHARES_2009_2011,
    REGIONS_2009, UNION_MEMBERS, WDI_CHN_FUEL_SHARE, WDI_RUS_FUEL_SHARE,
};
use crate::report::{Report, pct};
use crate::sources::{Bns, idx, read_wits, region, sector_codes};

/// Adds the checks of `flows` (`[s][i][j]`, as written) to `text` and
/// Kazakhstan's import shares to `report`.
///
/// # Errors
/// When a raw file fails.
pub fn reported_checks(
    raw: &Path,
    flows: &[Vec<Vec<f64>>],
    bns: &Bns,
    report: &mut Report,
    text: &mut String,
) -> Result<()> {
    let n = REGIONS_2009.len();
    let sectors = sector_codes();
    let kaz = region("KAZ")?;
    let chn = region("CHN")?;
    let ores_in_fuel = bns.ores_in_fuel;
    let wits = read_wits(raw)?;
    let kc_total: f64 = (0..8).map(|s| flows[s][kaz][chn]).sum();
    let sector = |code: &str| idx(&sectors, code, "eaeu2009", "sectors");
    let (fuel, metl_s, mach) = (sector("FUEL")?, sector("METL")?, sector("MACH")?);
    let metl = flows[metl_s][kaz][chn] / kc_total;
    let ores_proxy = metl + ores_in_fuel * flows[fuel][kaz][chn] / kc_total;
    let _ = writeln!(
        text,
        "Checks (reported, not fitted):\n  KAZ->CHN METL share {} (+ HS 26 ores at their {} share of KAZ FUEL exports: {}) vs WITS ores and metals {} (V; SITC 27+28+68, not the same grouping)",
        pct(metl),
        pct(ores_in_fuel),
        pct(ores_proxy),
        pct(wits.ores_and_metals / wits.exports)
    );
    let _ = writeln!(
        text,
        "  KAZ->CHN cell {:.0} (China-reported) vs WITS Kazakh-reported exports {:.1}; CHN->KAZ {:.0} vs WITS {:.1}",
        kc_total,
        wits.exports,
        (0..8).map(|s| flows[s][chn][kaz]).sum::<f64>(),
        wits.imports
    );
    let members: Vec<usize> = UNION_MEMBERS
        .iter()
        .map(|c| region(c))
        .collect::<Result<_>>()?;
    let share_of = |pairs: &[(usize, usize)], s: usize| {
        let num: f64 = pairs.iter().map(|&(i, j)| flows[s][i][j]).sum();
        let den: f64 = pairs
            .iter()
            .map(|&(i, j)| (0..8).map(|k| flows[k][i][j]).sum::<f64>())
            .sum();
        num / den
    };
    let mut inside = Vec::new();
    let mut third = Vec::new();
    for &i in &members {
        for j in 0..n {
            if members.contains(&j) {
                if j != i {
                    inside.push((i, j));
                }
            } else {
                third.push((i, j));
            }
        }
    }
    let exports_of =
        |i: usize| -> Vec<(usize, usize)> { (0..n).filter(|&j| j != i).map(|j| (i, j)).collect() };
    let rus = region("RUS")?;
    let _ = writeln!(
        text,
        "  inside KAZ-RUS-BLR: FUEL {} (EEC 2011: {}), MACH {} ({})\n  members' exports to third countries: FUEL {} ({}), MACH {} ({})\n  RUS exports FUEL {} (WDI 2009 fuel: {}); CHN exports FUEL {} ({})\n  (FUEL is HS 25-27, WDI fuel SITC 3; EEC figures are 2011, after the collapse of recorded intra-union trade)",
        pct(share_of(&inside, fuel)),
        pct(EEC_INSIDE_FUEL),
        pct(share_of(&inside, mach)),
        pct(EEC_INSIDE_MACH),
        pct(share_of(&third, fuel)),
        pct(EEC_THIRD_FUEL),
        pct(share_of(&third, mach)),
        pct(EEC_THIRD_MACH),
        pct(share_of(&exports_of(rus), fuel)),
        pct(WDI_RUS_FUEL_SHARE),
        pct(share_of(&exports_of(chn), fuel)),
        pct(WDI_CHN_FUEL_SHARE)
    );
    let partners: Vec<usize> = (0..n).filter(|&k| k != kaz).collect();
    let imports_total: f64 = partners
        .iter()
        .map(|&i| (0..8).map(|s| flows[s][i][kaz]).sum::<f64>())
        .sum();
    let _ = write!(
        text,
        "  KAZ import shares by partner, 2009 (total {imports_total:.0}):"
    );
    report.kaz_import_shares.clear();
    for &i in &partners {
        let sh = (0..8).map(|s| flows[s][i][kaz]).sum::<f64>() / imports_total;
        report
            .kaz_import_shares
            .push((REGIONS_2009[i].to_string(), sh));
        let _ = write!(text, " {} {}", REGIONS_2009[i], pct(sh));
    }
    let _ = write!(text, "\n  published 2009 -> 2011:");
    for (c, a, b) in KAZ_IMPORT_SHARES_2009_2011 {
        let _ = write!(text, " {c} {} -> {}", pct(a), pct(b));
    }
    text.push_str("\n\n");
    Ok(())
}

//! The Article XXIV:5 check: each member's and the union's average tariff on
//! imports from outside the union, before and after.
//!
//! ```text
//! member j, outsiders O, baseline imports x0:
//!   rate_s(j)  = sum_O x0[o][j] t[o][j] / sum_O x0[o][j]   (simple mean over O if no imports)
//!   simple     = mean_s rate_s(j);  weighted = sum_s sum_O x0 t / sum_s sum_O x0
//! union: simple = mean over members of their simple averages; weighted over all members' outside imports
//! ```

use super::{MemberAverages, TariffAverages};
use crate::model::Dataset;
use crate::policy::PolicyState;

/// Article XXIV averages of each member and of the union.
pub(crate) fn averages(
    data: &Dataset,
    policy: &PolicyState,
    members: &[usize],
) -> (Vec<MemberAverages>, TariffAverages) {
    let n = data.n_countries();
    let is_member = |c: usize| members.contains(&c);
    let mut per = Vec::new();
    let (mut uw_b, mut uw_a, mut uw) = (0.0, 0.0, 0.0);
    let (mut us_b, mut us_a) = (0.0, 0.0);
    for &j in members {
        let (mut sb, mut sa) = (0.0, 0.0);
        let (mut wb, mut wa, mut w) = (0.0, 0.0, 0.0);
        let ns = data.markets().len();
        let outs: Vec<usize> = (0..n).filter(|&o| o != j && !is_member(o)).collect();
        for (s, market) in data.markets().iter().enumerate() {
            let t0 = market.tariffs();
            let t1 = &policy.sectors[s].tariffs;
            let x0 = market.flows();
            let m: f64 = outs.iter().map(|&o| x0.get(o, j)).sum();
            // duties on outside imports, before and after
            let db = outs
                .iter()
                .map(|&o| x0.get(o, j) * t0.get(o, j))
                .sum::<f64>();
            let da = outs
                .iter()
                .map(|&o| x0.get(o, j) * t1.get(o, j))
                .sum::<f64>();
            let (rb, ra) = if m > 0.0 {
                (db / m, da / m)
            } else if !outs.is_empty() {
                let k = outs.len() as f64;
                (
                    outs.iter().map(|&o| t0.get(o, j)).sum::<f64>() / k,
                    outs.iter().map(|&o| t1.get(o, j)).sum::<f64>() / k,
                )
            } else {
                (0.0, 0.0)
            };
            sb += rb / ns as f64;
            sa += ra / ns as f64;
            wb += db;
            wa += da;
            w += m;
        }
        let avg = TariffAverages {
            simple_before: sb,
            simple_after: sa,
            weighted_before: if w > 0.0 { wb / w } else { sb },
            weighted_after: if w > 0.0 { wa / w } else { sa },
        };
        us_b += sb / members.len() as f64;
        us_a += sa / members.len() as f64;
        uw_b += wb;
        uw_a += wa;
        uw += w;
        per.push(MemberAverages {
            country: data.countries()[j].code.clone(),
            averages: avg,
        });
    }
    let union = TariffAverages {
        simple_before: us_b,
        simple_after: us_a,
        weighted_before: if uw > 0.0 { uw_b / uw } else { us_b },
        weighted_after: if uw > 0.0 { uw_a / uw } else { us_a },
    };
    (per, union)
}

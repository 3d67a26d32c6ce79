//! Customs unions: internal tariffs, the NTB cut among members, the common
//! external tariff by rule, and the revenue pool.
//!
//! ```text
//! members a != b:     t1[a][b] = internal;  c1[a][b] = c0[a][b] (1 - ntb_cut)
//! outsider o, member m: t1[o][m] = CET rate on o (exception for m if any); none: unchanged
//! CET rules, from baseline tariffs and imports:
//!   adopt(c) t0[o][c]; trade_weighted sum_m x0[o][m] t0[o][m] / sum_m x0[o][m]
//!   (simple mean without imports); simple_average; min; max; schedule (sector, "*" default)
//! ```

use crate::data::RefData;
use crate::policy::RefPolicy;

#[derive(Debug, Clone, PartialEq)]
pub enum RefCet {
    Adopt(usize),
    TradeWeighted,
    SimpleAverage,
    Min,
    Max,
    /// `rates`: (sector or None for "*", rate); `exceptions`: (member, sector, rate).
    Schedule {
        rates: Vec<(Option<usize>, f64)>,
        exceptions: Vec<(usize, usize, f64)>,
    },
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefUnion {
    pub name: String,
    pub members: Vec<usize>,
    pub internal: f64,
    pub ntb_cut: f64,
    pub cet: RefCet,
    /// Pooled shares, same order as `members`.
    pub shares: Option<Vec<f64>>,
}

/// A revenue pool: members and their shares.
#[derive(Debug, Clone)]
pub struct RefPool {
    pub members: Vec<usize>,
    pub shares: Vec<f64>,
}

/// The common external rate of `rule` on outsider `o` in sector `s` (from the baseline).
pub fn cet_rate(data: &RefData, s: usize, u: &RefUnion, o: usize) -> Option<f64> {
    let sec = &data.sectors[s];
    let ts: Vec<f64> = u.members.iter().map(|&m| sec.t0[o][m]).collect();
    let mean = ts.iter().sum::<f64>() / ts.len() as f64;
    match &u.cet {
        RefCet::None => None,
        RefCet::Adopt(c) => Some(sec.t0[o][*c]),
        RefCet::TradeWeighted => {
            let w: f64 = u.members.iter().map(|&m| sec.x0[o][m]).sum();
            if w > 0.0 {
                Some(
                    u.members
                        .iter()
                        .map(|&m| sec.x0[o][m] * sec.t0[o][m])
                        .sum::<f64>()
                        / w,
                )
            } else {
                Some(mean)
            }
        }
        RefCet::SimpleAverage => Some(mean),
        RefCet::Min => Some(ts.iter().copied().fold(f64::INFINITY, f64::min)),
        RefCet::Max => Some(ts.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        RefCet::Schedule { rates, .. } => rates
            .iter()
            .find(|(sec, _)| *sec == Some(s))
            .or_else(|| rates.iter().find(|(sec, _)| sec.is_none()))
            .map(|&(_, r)| r),
    }
}

pub(crate) fn apply_union(
    data: &RefData,
    u: &RefUnion,
    pol: &mut [RefPolicy],
    pools: &mut Vec<(String, RefPool)>,
) {
    for (s, p) in pol.iter_mut().enumerate() {
        for &a in &u.members {
            for &b in &u.members {
                if a != b {
                    p.t1[a][b] = u.internal;
                    p.c1[a][b] *= 1.0 - u.ntb_cut;
                }
            }
        }
        for o in 0..data.n() {
            if u.members.contains(&o) {
                continue;
            }
            if let Some(r) = cet_rate(data, s, u, o) {
                for &m in &u.members {
                    let mut rate = r;
                    if let RefCet::Schedule { exceptions, .. } = &u.cet {
                        if let Some(&(_, _, er)) =
                            exceptions.iter().find(|&&(em, es, _)| em == m && es == s)
                        {
                            rate = er;
                        }
                    }
                    p.t1[o][m] = rate;
                }
            }
        }
    }
    pools.retain(|(name, _)| *name != u.name);
    if let Some(sh) = &u.shares {
        pools.push((
            u.name.clone(),
            RefPool {
                members: u.members.clone(),
                shares: sh.clone(),
            },
        ));
    }
}

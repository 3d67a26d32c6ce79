//! The seeded generator of random markets, datasets, policies and scenarios:
//! a seed names a case, so a failing case is pinned by its seed.

use crate::data::{RefData, RefSector, Treatment, country_codes, zeros};
use crate::policy::{RefAction, RefChange, RefPolicy, RefScenario};
use crate::ranges::*;
use crate::rng::TestRng;
use crate::unions::{RefCet, RefUnion};

/// Ranges of the seeded generator (defaults: those of [`crate::ranges`]).
#[derive(Debug, Clone, Copy)]
pub struct GenOpts {
    pub n_min: usize,
    pub n_max: usize,
    pub sectors_min: usize,
    pub sectors_max: usize,
    /// Put random tariffs on the diagonal (valid under as-import-source only).
    pub diagonal_tariffs: bool,
}

impl Default for GenOpts {
    fn default() -> Self {
        GenOpts {
            n_min: *COUNTRIES.start(),
            n_max: *COUNTRIES.end(),
            sectors_min: *SECTORS.start(),
            sectors_max: *SECTORS.end(),
            diagonal_tariffs: false,
        }
    }
}

/// A random sector of `n` countries.
pub fn random_sector(rng: &mut TestRng, n: usize, code: &str, opts: &GenOpts) -> RefSector {
    // near 1 a draw becomes the exact limit (see `ranges`)
    let sigma = |rng: &mut TestRng| {
        if rng.chance(P_SIGMA_ONE) {
            1.0
        } else {
            snap_to_one(rng.log_within(&SIGMA))
        }
    };
    let sigma_m = sigma(rng);
    let sigma_d = if rng.chance(P_EQUAL_SIGMAS) {
        sigma_m
    } else {
        sigma(rng)
    };
    let eta = if rng.chance(P_ETA_ZERO) {
        0.0
    } else if rng.chance(P_ETA_ONE) {
        1.0
    } else {
        snap_to_one(rng.within(&ETA))
    };
    let mut x0 = zeros(n);
    let mut t0 = zeros(n);
    let mut c0 = zeros(n);
    for i in 0..n {
        for j in 0..n {
            let zero_p = if i == j { P_ZERO_DOMESTIC } else { P_ZERO_FLOW };
            if !rng.chance(zero_p) {
                x0[i][j] = rng.log_within(&FLOW);
            }
            if i != j || opts.diagonal_tariffs {
                if !rng.chance(P_NO_TARIFF) {
                    t0[i][j] = rng.within(&TARIFF);
                }
                if i != j && rng.chance(P_NTB) {
                    c0[i][j] = rng.within(&NTB);
                }
            }
        }
    }
    let mut eps: Vec<f64> = (0..n)
        .map(|_| {
            if rng.chance(P_PRICE_TAKER) {
                f64::INFINITY
            } else if rng.chance(P_EPSILON_ZERO) {
                0.0
            } else {
                rng.within(&EPSILON)
            }
        })
        .collect();
    let sec0 = RefSector {
        code: code.to_string(),
        sigma_m,
        sigma_d,
        eta,
        x0,
        t0,
        c0,
        eps: eps.clone(),
    };
    // prices must be determined: with eta = 0 a country with epsilon = 0
    // whose buyers buy only from it has no price; keep eta = 0 markets clear
    // of epsilon = 0
    if eta == 0.0 {
        eps.iter_mut()
            .filter(|e| **e == 0.0)
            .for_each(|e| *e = EPSILON_WHERE_ETA_ZERO);
    }
    RefSector { eps, ..sec0 }
}

/// A random single-market policy: random tariff / wedge changes on a third of the cells.
pub fn random_policy(rng: &mut TestRng, sec: &RefSector, tr: Treatment) -> RefPolicy {
    let n = sec.n();
    let mut pol = RefPolicy::baseline(sec);
    for i in 0..n {
        for j in 0..n {
            if i == j && tr == Treatment::Nested {
                continue;
            }
            if rng.chance(P_POLICY_TARIFF) {
                pol.t1[i][j] = rng.within(&TARIFF);
            }
            if i != j && rng.chance(P_POLICY_NTB) {
                pol.c1[i][j] = rng.within(&NTB);
            }
        }
    }
    pol
}

/// A random dataset: countries `C00`, `C01`, ..., sectors `S0`, `S1`, ...
pub fn random_data(rng: &mut TestRng, opts: &GenOpts) -> RefData {
    let n = rng.int(opts.n_min, opts.n_max);
    let ns = rng.int(opts.sectors_min, opts.sectors_max);
    let sectors = (0..ns)
        .map(|s| random_sector(rng, n, &format!("S{s}"), opts))
        .collect();
    RefData {
        codes: country_codes(n),
        sectors,
    }
}

/// Pool shares proportional to `weights`, summing to 1 up to rounding
/// (the first takes what the others leave).
pub fn pool_shares(weights: &[f64]) -> Vec<f64> {
    let s: f64 = weights.iter().sum();
    let mut sh: Vec<f64> = weights.iter().map(|v| v / s).collect();
    let rest: f64 = sh[1..].iter().sum();
    sh[0] = 1.0 - rest;
    sh
}

fn random_union(rng: &mut TestRng, data: &RefData, name: &str, members: Vec<usize>) -> RefUnion {
    let ns = data.sectors.len();
    let cet = match rng.int(0, 6) {
        0 => RefCet::Adopt(members[rng.int(0, members.len() - 1)]),
        1 => RefCet::TradeWeighted,
        2 => RefCet::SimpleAverage,
        3 => RefCet::Min,
        4 => RefCet::Max,
        5 => {
            let mut rates = vec![(None, rng.within(&CET_RATE))];
            if rng.chance(0.5) {
                rates.push((Some(rng.int(0, ns - 1)), rng.within(&CET_SECTOR_RATE)));
            }
            let mut exceptions = Vec::new();
            if rng.chance(0.5) {
                exceptions.push((
                    members[rng.int(0, members.len() - 1)],
                    rng.int(0, ns - 1),
                    rng.within(&CET_EXCEPTION_RATE),
                ));
            }
            RefCet::Schedule { rates, exceptions }
        }
        _ => RefCet::None,
    };
    let shares = rng.chance(0.5).then(|| {
        let w: Vec<f64> = members.iter().map(|_| rng.within(&POOL_WEIGHT)).collect();
        pool_shares(&w)
    });
    RefUnion {
        name: name.to_string(),
        members,
        internal: if rng.chance(0.7) {
            0.0
        } else {
            rng.within(&INTERNAL_TARIFF)
        },
        ntb_cut: if rng.chance(0.5) {
            0.0
        } else {
            rng.within(&NTB_CUT)
        },
        cet,
        shares,
    }
}

fn random_change(rng: &mut TestRng, data: &RefData, label: Option<String>) -> RefChange {
    let n = data.n();
    let ns = data.sectors.len();
    let importer = (!rng.chance(0.3)).then(|| rng.int(0, n - 1));
    let exporter = if rng.chance(0.4) {
        None
    } else {
        let mut e = rng.int(0, n - 1);
        if Some(e) == importer {
            e = (e + 1) % n;
        }
        Some(e)
    };
    let action = match rng.int(0, 2) {
        0 => RefAction::Set(rng.within(&CHANGE_SET)),
        1 => RefAction::Add(rng.within(&CHANGE_ADD)),
        _ => RefAction::Scale(rng.within(&CHANGE_SCALE)),
    };
    RefChange {
        ntb: rng.chance(0.25),
        importer,
        exporter,
        sector: (!rng.chance(0.4)).then(|| rng.int(0, ns - 1)),
        action,
        component: label,
    }
}

/// A random scenario: up to two unions with random CET rules, pooling and NTB
/// cuts, then a few tariff and NTB changes.
pub fn random_scenario(rng: &mut TestRng, data: &RefData, name: &str) -> RefScenario {
    let n = data.n();
    let mut sc = RefScenario {
        name: name.to_string(),
        ..RefScenario::default()
    };
    let mut free: Vec<usize> = rng.pick(n, n);
    if rng.chance(0.85) {
        let k = rng.int(
            *UNION_MEMBERS.start(),
            (n - 1).clamp(*UNION_MEMBERS.start(), *UNION_MEMBERS.end()),
        );
        let members: Vec<usize> = free.drain(..k).collect();
        sc.unions.push(random_union(rng, data, "U1", members));
        if free.len() >= 3 && rng.chance(0.3) {
            let members: Vec<usize> = free.drain(..2).collect();
            sc.unions.push(random_union(rng, data, "U2", members));
        }
    }
    for _ in 0..rng.int(0, 3) {
        let label = rng.chance(0.3).then(|| "grouped".to_string());
        sc.changes.push(random_change(rng, data, label));
    }
    sc
}

/// A child scenario extending `parent`: either an accession (the parent's first
/// union restated with one more member) or extra changes, or both.
pub fn random_child(
    rng: &mut TestRng,
    data: &RefData,
    parent: &RefScenario,
    name: &str,
) -> RefScenario {
    let mut sc = RefScenario {
        name: name.to_string(),
        extends: Some(parent.name.clone()),
        ..RefScenario::default()
    };
    if let Some(u) = parent.unions.first() {
        let taken: Vec<usize> = parent
            .unions
            .iter()
            .flat_map(|u| u.members.clone())
            .collect();
        let outs: Vec<usize> = (0..data.n()).filter(|c| !taken.contains(c)).collect();
        if !outs.is_empty() && rng.chance(0.7) {
            let mut members = u.members.clone();
            members.push(outs[rng.int(0, outs.len() - 1)]);
            sc.unions.push(random_union(rng, data, &u.name, members));
        }
    }
    for _ in 0..rng.int(0, 2) {
        sc.changes.push(random_change(rng, data, None));
    }
    sc
}

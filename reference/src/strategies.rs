//! Proptest strategies for markets, policies, datasets and scenarios over the
//! ranges of [`crate::ranges`] (the seeded generator draws from the same).
//!
//! Every random choice is a uniform draw compared with its chance, so a
//! failing case shrinks towards zero flows, baseline policies and the low
//! end of each range.

use std::ops::RangeInclusive;

use proptest::collection::vec;
use proptest::prelude::*;

use crate::data::{RefData, RefSector, Treatment, country_codes};
use crate::generate::pool_shares;
use crate::policy::{RefAction, RefChange, RefPolicy, RefScenario};
use crate::ranges::*;
use crate::unions::{RefCet, RefUnion};

/// Uniform in `range`.
fn within(range: RangeInclusive<f64>) -> impl Strategy<Value = f64> {
    range
}

/// Log-uniform in `range` (both ends > 0).
fn log_within(range: RangeInclusive<f64>) -> impl Strategy<Value = f64> {
    (range.start().ln()..=range.end().ln()).prop_map(|l| l.exp())
}

/// A uniform draw to compare with a chance.
fn chance() -> impl Strategy<Value = f64> {
    0.0..1.0f64
}

/// A substitution elasticity: exactly 1 with [`P_SIGMA_ONE`], else
/// log-uniform in [`SIGMA`].
pub fn sigma() -> impl Strategy<Value = f64> {
    (chance(), log_within(SIGMA)).prop_map(
        |(u, s)| {
            if u < P_SIGMA_ONE { 1.0 } else { snap_to_one(s) }
        },
    )
}

/// The aggregate demand elasticity: 0 or 1 with [`P_ETA_ZERO`] and
/// [`P_ETA_ONE`], else uniform in [`ETA`].
pub fn eta() -> impl Strategy<Value = f64> {
    (chance(), within(ETA)).prop_map(|(u, e)| {
        if u < P_ETA_ZERO {
            0.0
        } else if u < P_ETA_ZERO + P_ETA_ONE {
            1.0
        } else {
            snap_to_one(e)
        }
    })
}

/// A supply elasticity: infinite with [`P_PRICE_TAKER`], 0 with
/// [`P_EPSILON_ZERO`], else uniform in [`EPSILON`].
pub fn epsilon() -> impl Strategy<Value = f64> {
    (chance(), within(EPSILON)).prop_map(|(u, e)| {
        if u < P_PRICE_TAKER {
            f64::INFINITY
        } else if u < P_PRICE_TAKER + P_EPSILON_ZERO {
            0.0
        } else {
            e
        }
    })
}

/// One sector's market of `n` countries, named `code`; tariffs on the
/// diagonal only with `diagonal_tariffs` (valid under as-import-source).
pub fn market_of(
    n: usize,
    code: &str,
    diagonal_tariffs: bool,
) -> impl Strategy<Value = RefSector> + use<> {
    let code = code.to_string();
    let cell = (
        (chance(), log_within(FLOW)),
        (chance(), within(TARIFF)),
        (chance(), within(NTB)),
    );
    (
        (sigma(), chance(), sigma()),
        eta(),
        vec(cell, n * n),
        vec(epsilon(), n),
    )
        .prop_map(move |((sigma_m, same, sigma_d), eta, cells, mut eps)| {
            let mut sec = RefSector {
                code: code.clone(),
                sigma_m,
                sigma_d: if same < P_EQUAL_SIGMAS {
                    sigma_m
                } else {
                    sigma_d
                },
                eta,
                x0: vec![vec![0.0; n]; n],
                t0: vec![vec![0.0; n]; n],
                c0: vec![vec![0.0; n]; n],
                eps: Vec::new(),
            };
            for (k, ((uf, flow), (ut, tariff), (uc, wedge))) in cells.into_iter().enumerate() {
                let (i, j) = (k / n, k % n);
                let zero = if i == j { P_ZERO_DOMESTIC } else { P_ZERO_FLOW };
                if uf >= zero {
                    sec.x0[i][j] = flow;
                }
                if (i != j || diagonal_tariffs) && ut >= P_NO_TARIFF {
                    sec.t0[i][j] = tariff;
                }
                if i != j && uc < P_NTB {
                    sec.c0[i][j] = wedge;
                }
            }
            // prices must be determined: no epsilon = 0 where eta = 0
            if eta == 0.0 {
                eps.iter_mut()
                    .filter(|e| **e == 0.0)
                    .for_each(|e| *e = EPSILON_WHERE_ETA_ZERO);
            }
            sec.eps = eps;
            sec
        })
}

/// A market of [`COUNTRIES`] countries under treatment `tr` (diagonal
/// tariffs only under as-import-source).
pub fn market(tr: Treatment) -> impl Strategy<Value = RefSector> {
    COUNTRIES.prop_flat_map(move |n| market_of(n, "S", tr == Treatment::AsImportSource))
}

/// A counterfactual policy of `sec`: each cell's tariff reset with
/// [`P_POLICY_TARIFF`] and its wedge with [`P_POLICY_NTB`]; the diagonal only
/// under as-import-source.
pub fn policy(sec: &RefSector, tr: Treatment) -> impl Strategy<Value = RefPolicy> + use<> {
    let n = sec.n();
    let baseline = RefPolicy::baseline(sec);
    let cell = ((chance(), within(TARIFF)), (chance(), within(NTB)));
    vec(cell, n * n).prop_map(move |cells| {
        let mut pol = baseline.clone();
        for (k, ((ut, tariff), (uc, wedge))) in cells.into_iter().enumerate() {
            let (i, j) = (k / n, k % n);
            if i == j && tr == Treatment::Nested {
                continue;
            }
            if ut < P_POLICY_TARIFF {
                pol.t1[i][j] = tariff;
            }
            if i != j && uc < P_POLICY_NTB {
                pol.c1[i][j] = wedge;
            }
        }
        pol
    })
}

/// A market and a counterfactual policy of it.
pub fn market_and_policy(tr: Treatment) -> impl Strategy<Value = (RefSector, RefPolicy)> {
    market(tr).prop_flat_map(move |sec| {
        let pol = policy(&sec, tr);
        (Just(sec), pol)
    })
}

/// A dataset of [`COUNTRIES`] countries (`C00`, ...) and [`SECTORS`]
/// sectors (`S0`, ...).
pub fn dataset(tr: Treatment) -> impl Strategy<Value = RefData> {
    (COUNTRIES, SECTORS).prop_flat_map(move |(n, ns)| {
        let sectors: Vec<_> = (0..ns)
            .map(|s| market_of(n, &format!("S{s}"), tr == Treatment::AsImportSource))
            .collect();
        sectors.prop_map(move |sectors| RefData {
            codes: country_codes(n),
            sectors,
        })
    })
}

/// A CET rule for a union of `members` in a dataset of `ns` sectors.
fn cet(members: Vec<usize>, ns: usize) -> impl Strategy<Value = RefCet> {
    let member = proptest::sample::select(members);
    let schedule = (
        within(CET_RATE),
        proptest::option::of((0..ns, within(CET_SECTOR_RATE))),
        proptest::option::of((member.clone(), 0..ns, within(CET_EXCEPTION_RATE))),
    )
        .prop_map(|(rate, sector, exception)| RefCet::Schedule {
            rates: std::iter::once((None, rate))
                .chain(sector.map(|(s, r)| (Some(s), r)))
                .collect(),
            exceptions: exception.into_iter().collect(),
        });
    prop_oneof![
        member.prop_map(RefCet::Adopt),
        Just(RefCet::TradeWeighted),
        Just(RefCet::SimpleAverage),
        Just(RefCet::Min),
        Just(RefCet::Max),
        schedule,
        Just(RefCet::None),
    ]
}

/// A union named `name` of `members`: internal tariff, NTB cut, CET rule and
/// (half the time) pooled revenue.
pub fn union(
    name: &str,
    members: Vec<usize>,
    ns: usize,
) -> impl Strategy<Value = RefUnion> + use<> {
    let name = name.to_string();
    let k = members.len();
    (
        prop_oneof![7 => Just(0.0), 3 => within(INTERNAL_TARIFF)],
        prop_oneof![Just(0.0), within(NTB_CUT)],
        cet(members.clone(), ns),
        proptest::option::of(vec(within(POOL_WEIGHT), k)),
    )
        .prop_map(move |(internal, ntb_cut, cet, weights)| RefUnion {
            name: name.clone(),
            members: members.clone(),
            internal,
            ntb_cut,
            cet,
            shares: weights.map(|w| pool_shares(&w)),
        })
}

/// A tariff or NTB change on a selection of `n` countries and `ns` sectors.
pub fn change(n: usize, ns: usize) -> impl Strategy<Value = RefChange> {
    (
        proptest::option::of(0..n),
        proptest::option::of(0..n),
        proptest::option::of(0..ns),
        prop_oneof![
            within(CHANGE_SET).prop_map(RefAction::Set),
            within(CHANGE_ADD).prop_map(RefAction::Add),
            within(CHANGE_SCALE).prop_map(RefAction::Scale),
        ],
        any::<bool>(),
    )
        .prop_map(move |(importer, exporter, sector, action, ntb)| RefChange {
            ntb,
            importer,
            // a named exporter never equals a named importer
            exporter: exporter.map(|e| if Some(e) == importer { (e + 1) % n } else { e }),
            sector,
            action,
            component: None,
        })
}

/// A scenario named `name` on `data`: one union (of [`UNION_MEMBERS`]
/// countries, at most all but one) and up to three changes.
pub fn scenario(data: &RefData, name: &str) -> impl Strategy<Value = RefScenario> + use<> {
    let (n, ns) = (data.n(), data.sectors.len());
    let name = name.to_string();
    let most = (n - 1).clamp(*UNION_MEMBERS.start(), *UNION_MEMBERS.end());
    let members =
        proptest::sample::subsequence((0..n).collect::<Vec<_>>(), *UNION_MEMBERS.start()..=most);
    (
        members.prop_flat_map(move |m| union("U1", m, ns)),
        vec(change(n, ns), 0..=3),
    )
        .prop_map(move |(union, changes)| RefScenario {
            name: name.clone(),
            extends: None,
            unions: vec![union],
            changes,
        })
}

/// A dataset and a scenario on it.
pub fn dataset_and_scenario(tr: Treatment) -> impl Strategy<Value = (RefData, RefScenario)> {
    dataset(tr).prop_flat_map(|data| {
        let sc = scenario(&data, "s");
        (Just(data), sc)
    })
}

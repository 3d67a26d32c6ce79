//! Lanes against the one-market solver, lane independence, and the markets
//! and draws left to the one-market solver.

use super::*;
use crate::model::{Market, Matrix};
use crate::policy::SectorPolicy;
use crate::solver::test_fixtures::measure_from_state;

/// A small deterministic generator (xorshift) for test markets.
struct Gen(u64);

impl Gen {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

/// A market of `n` countries with random flows, tariffs and supply
/// elasticities (the last country a price taker when `taker`), under a
/// policy that moves every tariff at random by up to ±`change`.
fn market(g: &mut Gen, n: usize, taker: bool, change: f64) -> (Market, SectorPolicy) {
    let mut flows = Matrix::zeros(n);
    let mut tariffs = Matrix::zeros(n);
    for i in 0..n {
        for j in 0..n {
            if i == j {
                flows.set(i, j, g.range(100.0, 1000.0));
            } else {
                flows.set(i, j, g.range(0.5, 80.0));
                tariffs.set(i, j, g.range(0.0, 0.25));
            }
        }
    }
    let supply = (0..n)
        .map(|i| {
            if taker && i == n - 1 {
                f64::INFINITY
            } else {
                g.range(0.2, 5.0)
            }
        })
        .collect();
    let m = Market::new(flows, tariffs, Matrix::zeros(n), supply).expect("market");
    let mut policy = SectorPolicy::baseline(&m);
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let t = m.tariffs().get(i, j) + g.range(-change, change);
                policy.tariffs.set(i, j, t.max(0.0));
            }
        }
    }
    (m, policy)
}

fn elasticities(g: &mut Gen) -> Elasticities {
    let sm = g.range(1.5, 9.0);
    Elasticities::new(sm, sm / 2.0 + g.range(-0.2, 0.2), g.range(0.3, 2.0)).expect("valid")
}

struct Case {
    markets: Vec<Market>,
    prepared: Vec<Option<PreparedMarket>>,
    el: Vec<Elasticities>,
}

fn case(seed: u64, count: usize, change: f64) -> Case {
    let mut g = Gen(seed);
    let mut markets = Vec::new();
    let mut prepared = Vec::new();
    let mut el = Vec::new();
    for s in 0..count {
        let (m, p) = market(&mut g, 7, s % 2 == 0, change);
        prepared.push(Some(
            PreparedMarket::new(&m, &p, DomesticTreatment::Nested).expect("prepared"),
        ));
        markets.push(m);
        el.push(elasticities(&mut g));
    }
    Case {
        markets,
        prepared,
        el,
    }
}

/// Solves `group` with the case's parameters from the baseline (lane `l`
/// holding sector `group.sectors()[l]`, `skip` lanes left out); returns the
/// converged flags and the workspace.
fn solve_group(c: &Case, group: &LaneGroup, skip: &[usize]) -> (M, LaneWorkspace) {
    let mut lws = LaneWorkspace::default();
    lws.resize(group.n());
    let sectors = group.sectors();
    let zero = vec![0.0; group.n()];
    for l in 0..LANES {
        let s = sectors[if l < sectors.len() { l } else { 0 }];
        let solve = l < sectors.len() && !skip.contains(&l);
        lws.set_lane(l, &c.el[s], c.markets[s].supply(), &zero, solve);
    }
    let ok = group.solve(&SolverConfig::default(), &mut lws);
    (ok, lws)
}

fn lane_solution(lws: &LaneWorkspace, l: usize, n: usize) -> Vec<f64> {
    let mut out = vec![0.0; solution_len(n)];
    lws.copy_lane(l, &mut out);
    out
}

#[test]
fn lanes_agree_with_the_one_market_solver_and_clear_every_market() {
    for seed in [1, 2, 3] {
        let c = case(seed, 8, 0.2);
        let groups = lane_groups(&c.prepared);
        assert_eq!(groups.len(), 1);
        let (ok, lws) = solve_group(&c, &groups[0], &[]);
        let cfg = SolverConfig::default();
        for s in 0..8 {
            assert!(ok.lane(s), "seed {seed}, lane {s} did not converge");
            let pm = c.prepared[s].as_ref().unwrap();
            let mut ws = Workspace::new(7);
            pm.solve_in(&c.el[s], c.markets[s].supply(), &cfg, &mut ws, "test")
                .expect("one-market solve");
            let mut lane = Workspace::new(7);
            load_solution(&lane_solution(&lws, s, 7), 7, &mut lane);
            // market clearing rechecked from the flows and prices alone
            let measure = measure_from_state(&c.markets[s], &lane);
            assert!(measure < cfg.tol(), "seed {seed}, lane {s}: {measure}");
            for i in 0..7 {
                let (a, b) = (lane.log_prices()[i], ws.log_prices()[i]);
                assert!(
                    (a - b).abs() <= 1e-11,
                    "seed {seed}, lane {s}, ln p[{i}]: {a} vs {b}"
                );
                let (a, b) = (lane.log_price_index()[i], ws.log_price_index()[i]);
                assert!(
                    (a - b).abs() <= 1e-11,
                    "seed {seed}, lane {s}, ln P[{i}]: {a} vs {b}"
                );
            }
            for k in 0..49 {
                let (a, b) = (lane.flows()[k], ws.flows()[k]);
                assert!(
                    (a - b).abs() <= 1e-10 * b.abs(),
                    "seed {seed}, lane {s}, flow {k}: {a} vs {b}"
                );
            }
        }
    }
}

#[test]
fn a_lane_does_not_depend_on_the_markets_beside_it() {
    let c = case(7, 8, 0.2);
    let all = lane_groups(&c.prepared).remove(0);
    let (ok, lws) = solve_group(&c, &all, &[]);
    // the same markets in reverse order, and sector 3 alone in its group
    let reversed: Vec<&PreparedMarket> = (0..8)
        .rev()
        .map(|s| c.prepared[s].as_ref().unwrap())
        .collect();
    let rev = LaneGroup::new((0..8).rev().collect(), &reversed);
    let (ok_rev, lws_rev) = solve_group(&c, &rev, &[]);
    let alone = LaneGroup::new(vec![3], &[c.prepared[3].as_ref().unwrap()]);
    let (ok_alone, lws_alone) = solve_group(&c, &alone, &[]);
    let bits = |v: Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for s in 0..8 {
        assert!(ok.lane(s) && ok_rev.lane(7 - s));
        assert_eq!(
            bits(lane_solution(&lws, s, 7)),
            bits(lane_solution(&lws_rev, 7 - s, 7)),
            "sector {s}"
        );
    }
    assert!(ok_alone.lane(0));
    assert_eq!(
        bits(lane_solution(&lws, 3, 7)),
        bits(lane_solution(&lws_alone, 0, 7))
    );
}

#[test]
fn lanes_left_out_or_out_of_reach_are_handed_back() {
    let mut c = case(11, 8, 0.2);
    // lane 1: skipped by the caller; lane 2: sigma_m = 1 (the geometric
    // index); lane 5: a wedge too large to factor out of the CES sum
    c.el[2] = Elasticities::new(1.0, 0.5, 1.0).unwrap();
    let (m, mut p) = (c.markets[5].clone(), SectorPolicy::baseline(&c.markets[5]));
    p.tariffs.set(0, 1, 40.0);
    c.prepared[5] = Some(PreparedMarket::new(&m, &p, DomesticTreatment::Nested).unwrap());
    c.el[5] = Elasticities::new(6.0, 3.0, 1.0).unwrap();
    let group = lane_groups(&c.prepared).remove(0);
    let (ok, _) = solve_group(&c, &group, &[1]);
    for l in 0..8 {
        assert_eq!(ok.lane(l), ![1, 2, 5].contains(&l), "lane {l}");
    }
}

#[test]
fn only_markets_of_the_common_case_are_grouped() {
    let mut c = case(5, 10, 0.2);
    // a ban, the as-import-source treatment, a country without domestic sales
    let mut p = SectorPolicy::baseline(&c.markets[1]);
    p.banned[2 * 7 + 3] = true;
    c.prepared[1] =
        Some(PreparedMarket::new(&c.markets[1], &p, DomesticTreatment::Nested).unwrap());
    let p = SectorPolicy::baseline(&c.markets[4]);
    c.prepared[4] =
        Some(PreparedMarket::new(&c.markets[4], &p, DomesticTreatment::AsImportSource).unwrap());
    let mut flows = c.markets[6].flows().clone();
    flows.set(3, 3, 0.0);
    let m = Market::new(
        flows,
        c.markets[6].tariffs().clone(),
        Matrix::zeros(7),
        c.markets[6].supply().to_vec(),
    )
    .unwrap();
    c.prepared[6] = Some(
        PreparedMarket::new(&m, &SectorPolicy::baseline(&m), DomesticTreatment::Nested).unwrap(),
    );
    c.prepared[8] = None;
    let groups = lane_groups(&c.prepared);
    let grouped: Vec<usize> = groups.iter().flat_map(|g| g.sectors().to_vec()).collect();
    assert_eq!(grouped, [0, 2, 3, 5, 7, 9]);
    assert_eq!(groups.len(), 1);
}

#[test]
fn a_remainder_too_small_for_a_group_is_left_to_the_one_market_solver() {
    let c = case(9, 11, 0.2);
    let groups = lane_groups(&c.prepared);
    let grouped: Vec<usize> = groups.iter().flat_map(|g| g.sectors().to_vec()).collect();
    assert_eq!(grouped, (0..8).collect::<Vec<_>>());
    let c = case(9, 12, 0.2);
    assert_eq!(lane_groups(&c.prepared).len(), 2);
    assert!(lane_groups(&case(9, 3, 0.2).prepared).is_empty());
}

//! Properties of the reference model itself, on markets, policies, datasets
//! and scenarios from the shared strategies: the baseline is its own
//! equilibrium, markets clear at the reference prices, and the accounts add
//! up (welfare parts, totals, trade effects, pooling).

use customs_union_reference::strategies::{dataset_and_scenario, market, market_and_policy};
use customs_union_reference::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// Failures are saved to the workspace's committed regressions folder.
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "../tests/proptest-regressions/reference.txt",
        ))),
        ..Config::default()
    }
}

fn treatment() -> impl Strategy<Value = Treatment> {
    prop_oneof![Just(Treatment::Nested), Just(Treatment::AsImportSource)]
}

proptest! {
    #![proptest_config(config(64))]

    /// With the baseline policy every price is 1, every flow stays and every
    /// change is zero.
    #[test]
    fn the_baseline_is_its_own_equilibrium(
        (tr, sec) in treatment().prop_flat_map(|tr| (Just(tr), market(tr)))
    ) {
        let n = sec.n();
        let sol = solve_sector(&sec, &RefPolicy::baseline(&sec), tr, &[], &vec![None; n]);
        let abs = abs_floor(sec.total());
        for i in 0..n {
            prop_assert!(close(sol.p[i], 1.0, 0.0, 1e-12), "price {i}: {}", sol.p[i]);
            for j in 0..n {
                prop_assert!(close(sol.x[i][j], sec.x0[i][j], 1e-10, 1e-12), "flow {i}->{j}");
            }
            let o = &sol.outcomes[i];
            for (name, v) in [
                ("consumer surplus", o.consumer_surplus),
                ("producer surplus", o.producer_surplus),
                ("tariff revenue", o.tariff_revenue),
                ("welfare", o.welfare),
            ] {
                prop_assert!(v.abs() <= abs, "country {i} {name}: {v:e}");
            }
        }
    }

    /// Every active origin's sales equal its supply at the reference prices.
    #[test]
    fn markets_clear_at_the_reference_prices(
        (tr, (sec, pol)) in treatment().prop_flat_map(|tr| (Just(tr), market_and_policy(tr)))
    ) {
        let act = active(&sec);
        let p = solve_prices(&sec, &pol, tr);
        let r = scaled_residual(&sec, &pol, tr, &p, &act);
        for (k, i) in act.iter().enumerate() {
            prop_assert!(r[k].abs() < 1e-12, "origin {i}: residual {:e}", r[k]);
        }
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// Trade effects split the whole change in a member's imports (and are
    /// zero for others), and pooling pays out exactly what the members
    /// collect, by shares.
    #[test]
    fn trade_effects_and_pooling_add_up((data, sc) in dataset_and_scenario(Treatment::Nested)) {
        let tr = Treatment::Nested;
        let scs = [sc];
        let compiled = compile(&data, &scs, 0);
        let r = run_compiled(&data, &compiled, tr);
        let uo = union_of(data.n(), &compiled.unions);
        let scale: f64 = data.sectors.iter().map(RefSector::total).sum();
        let abs = abs_floor(scale);
        for (s, sol) in r.sectors.iter().enumerate() {
            let Some(sol) = sol else { continue };
            for (j, o) in sol.outcomes.iter().enumerate() {
                let (tc, _, ets) = split_trade(o.imports_from_partners_change, o.imports_from_outside_change);
                if uo[j].is_some() {
                    // the split covers the whole change in the member's imports
                    prop_assert!(close(o.imports_counterfactual - o.imports_baseline, tc - ets, 1e-9, abs), "sector {s} member {j}");
                    prop_assert!(o.trade_diversion >= 0.0 && o.trade_diversion <= o.imports_from_partners_change.max(0.0));
                } else {
                    prop_assert_eq!(o.trade_creation, 0.0);
                    prop_assert_eq!(o.trade_diversion, 0.0);
                }
            }
            // pooling: the pool pays out what its members collect, by shares
            let sec = &data.sectors[s];
            let unpooled = outcomes_at(sec, &compiled.policies[s], tr, &sol.p, &[], &uo);
            for pool in &compiled.pools {
                let collected: f64 = pool.members.iter().map(|&m| unpooled.outcomes[m].tariff_revenue_counterfactual).sum();
                for (&m, &share) in pool.members.iter().zip(&pool.shares) {
                    prop_assert!(close(sol.outcomes[m].tariff_revenue_counterfactual, share * collected, 1e-12, 1e-12 * scale.max(1.0)));
                }
            }
        }
    }
}

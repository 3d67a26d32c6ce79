//! The economic contract of the exact model: what must hold whatever the data,
//! checked on the embedded toy dataset and on random datasets.
#![allow(clippy::needless_range_loop)]

mod common;

use common::*;
use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::parse_scenario_file;
use customs_union::{
    CountryOutcome, Dataset, DomesticTreatment, OutcomeField, ScenarioResult, Simulation,
};

fn toy() -> Dataset {
    EmbeddedDataset::Toy.load().unwrap().dataset
}

fn run_toml(data: &Dataset, toml: &str, decompose: bool) -> Vec<ScenarioResult> {
    let f = parse_scenario_file(toml, "test.toml").unwrap();
    Simulation::new(data)
        .treatment(DomesticTreatment::Nested)
        .decompose(decompose)
        .run(&f.set)
        .unwrap()
        .scenarios
}

const TOY_SCENARIOS: &str = include_str!("../scenarios/toy.toml");

#[test]
fn zero_policy_change_reproduces_the_baseline_exactly() {
    let check = |r: &ScenarioResult| {
        for s in &r.sectors {
            assert_eq!(s.iterations, 0, "sector {}", s.sector);
            for c in &s.countries {
                assert_eq!(c.producer_price, 1.0);
                assert_eq!(c.consumer_price_index, 1.0);
                assert_eq!(c.welfare, 0.0);
                assert_eq!(c.consumer_surplus, 0.0);
                assert_eq!(c.producer_surplus, 0.0);
                assert_eq!(c.tariff_revenue, 0.0);
                assert_eq!(c.imports_counterfactual, c.imports_baseline);
            }
            for f in &s.flows {
                assert_eq!(f.counterfactual, f.baseline);
            }
        }
    };
    let toy = toy();
    check(&run_toml(&toy, "[[scenario]]\nname = \"nothing\"\n", false)[0]);
    // random datasets: an empty scenario changes nothing, exactly
    for seed in 0..20 {
        let mut rng = TestRng::new(seed);
        let d = random_data(&mut rng, &GenOpts::default());
        let sc = RefScenario {
            name: "none".into(),
            ..RefScenario::default()
        };
        check(&lib_run(&d, &[sc], Treatment::Nested, false).unwrap()[0]);
    }
}

#[test]
fn markets_clear_at_the_reported_prices() {
    let toy = toy();
    let d = from_dataset(&toy);
    for r in run_toml(&toy, TOY_SCENARIOS, false) {
        for (s, sec) in d.sectors.iter().enumerate() {
            let p: Vec<f64> = r.sectors[s]
                .countries
                .iter()
                .map(|c| c.producer_price)
                .collect();
            // the counterfactual policy, rebuilt by the reference from the flows
            // reported: demand at the reported prices must equal supply
            let flows = &r.sectors[s].flows;
            for i in active(sec) {
                let sold: f64 = flows
                    .iter()
                    .filter(|f| f.exporter == d.codes[i])
                    .map(|f| f.counterfactual)
                    .sum();
                let supply = sec.output(i) * p[i].powf(sec.eps[i]);
                assert_close(
                    sold,
                    supply,
                    1e-11,
                    0.0,
                    &format!("{} {} {}", r.name, sec.code, d.codes[i]),
                );
            }
        }
    }
    // and independently: reference demand at the reported prices, random cases
    for seed in 0..40 {
        let mut rng = TestRng::new(seed);
        let d = random_data(&mut rng, &GenOpts::default());
        let sc = random_scenario(&mut rng, &d, "s");
        let r = &lib_run(&d, std::slice::from_ref(&sc), Treatment::Nested, false).unwrap()[0];
        let c = compile(&d, &[sc], 0);
        for (s, sec) in d.sectors.iter().enumerate() {
            let p: Vec<f64> = r.sectors[s]
                .countries
                .iter()
                .map(|c| c.producer_price)
                .collect();
            let dm = demand(sec, &c.policies[s], Treatment::Nested, &p);
            for i in active(sec) {
                let sold: f64 = dm.x[i].iter().sum();
                let supply = sec.output(i) * p[i].powf(sec.eps[i]);
                assert_close(
                    sold,
                    supply,
                    1e-11,
                    0.0,
                    &format!("seed {seed} sector {s} country {i}"),
                );
            }
        }
    }
}

#[test]
fn a_higher_tariff_never_raises_imports_from_the_taxed_source() {
    for seed in 0..40 {
        let mut rng = TestRng::new(seed);
        let d = random_data(
            &mut rng,
            &GenOpts {
                sectors_max: 1,
                ..GenOpts::default()
            },
        );
        let sec = &d.sectors[0];
        let n = d.n();
        let Some((i, j)) = (0..n * n)
            .map(|k| (k / n, k % n))
            .find(|&(i, j)| i != j && sec.x0[i][j] > 0.0)
        else {
            continue;
        };
        let mut last = f64::INFINITY;
        for rate in [0.0, 0.1, 0.3, 0.7, 1.5, 3.0, 10.0] {
            let sc = RefScenario {
                name: "t".into(),
                changes: vec![RefChange {
                    ntb: false,
                    importer: Some(j),
                    exporter: Some(i),
                    sector: None,
                    action: RefAction::Set(rate),
                    component: None,
                }],
                ..RefScenario::default()
            };
            let r = &lib_run(&d, &[sc], Treatment::Nested, false).unwrap()[0];
            let f = r.sectors[0]
                .flows
                .iter()
                .find(|f| f.exporter == d.codes[i] && f.importer == d.codes[j])
                .unwrap();
            assert!(
                f.counterfactual <= last * (1.0 + 1e-12),
                "seed {seed}: imports rose from {last} to {} at tariff {rate}",
                f.counterfactual
            );
            last = f.counterfactual;
        }
    }
}

#[test]
fn a_prohibitive_tariff_drives_the_flow_towards_zero() {
    // The largest rate the data and scenarios accept is 100 (10,000%); a ban
    // removes a flow exactly (see the ban tests). Along 1, 10, 100 the flow
    // falls monotonically, and at 100 it is below 1e-9 of its baseline.
    let toy = toy();
    let wall = |rate: f64| {
        run_toml(
            &toy,
            &format!(
                "[[scenario]]\nname = \"wall\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nset = {rate}\n"
            ),
            false,
        )
        .remove(0)
    };
    let runs: Vec<ScenarioResult> = [1.0, 10.0, 100.0].into_iter().map(wall).collect();
    for (s, sector) in runs[2].sectors.iter().enumerate() {
        let flows: Vec<f64> = runs
            .iter()
            .map(|r| r.sectors[s].flow("OUT", "HOM").unwrap().counterfactual)
            .collect();
        let base = sector.flow("OUT", "HOM").unwrap().baseline;
        assert!(
            base > flows[0] && flows[0] > flows[1] && flows[1] > flows[2],
            "{}: {flows:?}",
            sector.sector
        );
        assert!(flows[2] < 1e-9 * base, "{}: {}", sector.sector, flows[2]);
        // revenue on it vanishes too: t x -> 0 when sigma_m > 1
        let hom = &sector.countries[0];
        assert!(hom.tariff_revenue_counterfactual < hom.tariff_revenue_baseline * 1.5);
    }
}

#[test]
fn welfare_is_the_sum_of_its_parts_and_totals_are_sums() {
    let toy = toy();
    let toy_codes: Vec<String> = toy.countries().iter().map(|c| c.code.clone()).collect();
    let mut results: Vec<(Vec<String>, ScenarioResult)> = run_toml(&toy, TOY_SCENARIOS, false)
        .into_iter()
        .map(|r| (toy_codes.clone(), r))
        .collect();
    for seed in 0..20 {
        let mut rng = TestRng::new(seed);
        let d = random_data(&mut rng, &GenOpts::default());
        let sc = random_scenario(&mut rng, &d, "s");
        for r in lib_run(&d, &[sc], Treatment::Nested, false).unwrap() {
            results.push((d.codes.clone(), r));
        }
    }
    for (codes, r) in &results {
        let n = r.totals.len();
        for s in &r.sectors {
            for c in &s.countries {
                assert_close(
                    c.welfare,
                    c.consumer_surplus + c.producer_surplus + c.tariff_revenue,
                    1e-13,
                    1e-12,
                    "welfare",
                );
                assert_close(
                    c.tariff_revenue,
                    c.tariff_revenue_counterfactual - c.tariff_revenue_baseline,
                    1e-13,
                    1e-12,
                    "revenue change",
                );
            }
        }
        for j in 0..n {
            let t = &r.totals[j];
            assert_close(
                t.welfare,
                t.consumer_surplus + t.producer_surplus + t.tariff_revenue,
                1e-12,
                1e-10,
                "total welfare",
            );
            for f in OutcomeField::ADDITIVE {
                let sum: f64 = r.sectors.iter().map(|s| f.get(&s.countries[j])).sum();
                assert_close(
                    f.get(t),
                    sum,
                    1e-12,
                    1e-10,
                    &format!("{}: total {}", r.name, f.name()),
                );
            }
        }
        for u in &r.unions {
            let members: Vec<usize> = u
                .members
                .iter()
                .map(|m| codes.iter().position(|c| c == m).unwrap())
                .collect();
            for f in OutcomeField::ADDITIVE {
                let sum: f64 = members.iter().map(|&m| f.get(&r.totals[m])).sum();
                assert_close(
                    f.get(&u.aggregate),
                    sum,
                    1e-12,
                    1e-10,
                    &format!("union {} {}", u.name, f.name()),
                );
            }
        }
    }
}

#[test]
fn trade_identity_holds_for_members() {
    let toy = toy();
    let mut results = run_toml(&toy, TOY_SCENARIOS, false);
    for seed in 0..30 {
        let mut rng = TestRng::new(seed);
        let d = random_data(&mut rng, &GenOpts::default());
        let sc = random_scenario(&mut rng, &d, "s");
        results.extend(lib_run(&d, &[sc], Treatment::Nested, false).unwrap());
    }
    for r in &results {
        for s in &r.sectors {
            for c in &s.countries {
                let dm = c.imports_counterfactual - c.imports_baseline;
                let scale = c.imports_baseline.max(1.0);
                if c.imports_from_partners_change != 0.0 || c.imports_from_outside_change != 0.0 {
                    assert_close(
                        dm,
                        c.trade_creation - c.external_trade_suppression,
                        1e-12,
                        1e-12 * scale,
                        "identity",
                    );
                    assert_close(
                        dm,
                        c.imports_from_partners_change + c.imports_from_outside_change,
                        1e-12,
                        1e-12 * scale,
                        "split",
                    );
                    assert!(c.trade_diversion >= 0.0);
                    assert!(
                        c.trade_diversion
                            <= c.imports_from_partners_change.max(0.0) + 1e-12 * scale
                    );
                } else {
                    assert_eq!(c.trade_creation, 0.0);
                    assert_eq!(c.trade_diversion, 0.0);
                    assert_eq!(c.external_trade_suppression, 0.0);
                }
            }
        }
    }
}

#[test]
fn scaling_every_flow_scales_welfare_and_leaves_prices() {
    let toy = toy();
    for k in [0.001, 3.0, 1e4] {
        let scaled = toy.scaled(k);
        let a = run_toml(&toy, TOY_SCENARIOS, false);
        let b = run_toml(&scaled, TOY_SCENARIOS, false);
        for (ra, rb) in a.iter().zip(&b) {
            for (sa, sb) in ra.sectors.iter().zip(&rb.sectors) {
                for (ca, cb) in sa.countries.iter().zip(&sb.countries) {
                    assert_close(ca.producer_price, cb.producer_price, 1e-12, 0.0, "price");
                    assert_close(
                        ca.consumer_price_index,
                        cb.consumer_price_index,
                        1e-12,
                        0.0,
                        "index",
                    );
                    for f in OutcomeField::ADDITIVE {
                        assert_close(k * f.get(ca), f.get(cb), 1e-10, 1e-12 * k, f.name());
                    }
                }
            }
        }
    }
}

#[test]
fn inputs_are_unchanged_by_solving() {
    let toy = toy();
    let before = toy.clone();
    let f = parse_scenario_file(TOY_SCENARIOS, "toy.toml").unwrap();
    let set_before = f.set.clone();
    let sim = Simulation::new(&toy)
        .treatment(DomesticTreatment::Nested)
        .decompose(true);
    let first = sim.run(&f.set).unwrap();
    assert_eq!(toy, before);
    assert_eq!(f.set, set_before);
    // nothing a run compiles or solves carries over into the next run
    assert_eq!(sim.run(&f.set).unwrap(), first);
}

#[test]
fn pooling_conserves_the_pool_and_pays_by_shares() {
    for seed in 0..30 {
        let mut rng = TestRng::new(seed);
        let d = random_data(&mut rng, &GenOpts::default());
        let mut sc = random_scenario(&mut rng, &d, "pooled");
        if sc.unions.is_empty() {
            continue;
        }
        let members = sc.unions[0].members.clone();
        let raw: Vec<f64> = members.iter().map(|_| rng.range(0.1, 1.0)).collect();
        let tot: f64 = raw.iter().sum();
        let mut shares: Vec<f64> = raw.iter().map(|v| v / tot).collect();
        let rest: f64 = shares[1..].iter().sum();
        shares[0] = 1.0 - rest;
        sc.unions[0].shares = Some(shares.clone());
        let mut dest = sc.clone();
        dest.name = "destination".into();
        dest.unions[0].shares = None;
        let r = lib_run(&d, &[sc, dest], Treatment::Nested, false).unwrap();
        for (s, sec) in d.sectors.iter().enumerate() {
            let pool = |k: usize| -> f64 {
                members
                    .iter()
                    .map(|&m| r[k].sectors[s].countries[m].tariff_revenue_counterfactual)
                    .sum()
            };
            let total = pool(1);
            let abs = abs_floor(sec.total());
            assert_close(pool(0), total, 1e-12, abs, "pool conserved");
            for (&m, &sh) in members.iter().zip(&shares) {
                let got = r[0].sectors[s].countries[m].tariff_revenue_counterfactual;
                assert_close(
                    got,
                    sh * total,
                    1e-12,
                    abs,
                    &format!("seed {seed}: share of {m}"),
                );
                // and the rest of the member's accounts are untouched by pooling
                let a = &r[0].sectors[s].countries[m];
                let b = &r[1].sectors[s].countries[m];
                assert_eq!(a.consumer_surplus, b.consumer_surplus);
                assert_eq!(a.producer_surplus, b.producer_surplus);
                assert_eq!(a.tariff_revenue_baseline, b.tariff_revenue_baseline);
            }
        }
    }
}

type Getter<'a> = &'a dyn Fn(&CountryOutcome) -> f64;

const DECOMPOSE: &str = r#"
[[scenario]]
name = "fta"
[[scenario.union]]
name = "HP"
members = ["HOM", "PAR"]
cet = { rule = "none" }

[[scenario]]
name = "cu"
extends = "fta"
[[scenario.union]]
name = "HP"
members = ["HOM", "PAR"]
ntb_cut = 0.5
internal_tariff = 0.01
cet = { rule = "trade_weighted" }
revenue_sharing = { HOM = 0.3, PAR = 0.7 }
[[scenario.tariff]]
importer = "OUT"
exporter = "*"
add = 0.05
component = "retaliation"
[[scenario.tariff]]
importer = "ROW"
exporter = "HOM"
sector = "AGR"
set = 0.2
component = "retaliation"
[[scenario.ntb]]
importer = "HOM"
exporter = "OUT"
set = 0.03

[[scenario]]
name = "wto"
extends = "cu"
[[scenario.tariff]]
importer = "*"
exporter = "*"
scale = 0.5
"#;

#[test]
fn decomposition_components_sum_to_the_total() {
    let toy = toy();
    for r in run_toml(&toy, DECOMPOSE, true)
        .iter()
        .chain(&run_toml(&toy, TOY_SCENARIOS, true))
    {
        let d = r.decomposition.as_ref().unwrap();
        assert!(!d.is_empty());
        let labels: Vec<&str> = d.iter().map(|c| c.component.as_str()).collect();
        if r.name == "cu" {
            assert_eq!(
                labels.iter().filter(|l| **l == "retaliation").count(),
                1,
                "labels group changes: {labels:?}"
            );
        }
        for j in 0..r.totals.len() {
            let t = &r.totals[j];
            let sum = |f: &dyn Fn(&CountryOutcome) -> f64| -> f64 {
                d.iter().map(|c| f(&c.countries[j])).sum()
            };
            let fields: [(&str, Getter); 9] = [
                ("consumer_surplus", &|o| o.consumer_surplus),
                ("producer_surplus", &|o| o.producer_surplus),
                ("tariff_revenue", &|o| o.tariff_revenue),
                ("welfare", &|o| o.welfare),
                ("imports_from_partners_change", &|o| {
                    o.imports_from_partners_change
                }),
                ("imports_from_outside_change", &|o| {
                    o.imports_from_outside_change
                }),
                ("trade_creation", &|o| o.trade_creation),
                ("trade_diversion", &|o| o.trade_diversion),
                ("external_trade_suppression", &|o| {
                    o.external_trade_suppression
                }),
            ];
            for (name, f) in fields {
                assert_close(
                    sum(f),
                    f(t),
                    1e-9,
                    1e-8,
                    &format!("{}: {name} of country {j}", r.name),
                );
            }
            assert_close(
                sum(&|o| o.imports_counterfactual - o.imports_baseline),
                t.imports_counterfactual - t.imports_baseline,
                1e-9,
                1e-8,
                "imports change",
            );
        }
    }
}

#[test]
fn a_scenario_extending_another_equals_the_flattened_scenario() {
    let toy = toy();
    let staged = run_toml(&toy, DECOMPOSE, false);
    let flat = r#"
[[scenario]]
name = "cu-flat"
[[scenario.union]]
name = "HP"
members = ["HOM", "PAR"]
ntb_cut = 0.5
internal_tariff = 0.01
cet = { rule = "trade_weighted" }
revenue_sharing = { HOM = 0.3, PAR = 0.7 }
[[scenario.tariff]]
importer = "OUT"
exporter = "*"
add = 0.05
[[scenario.tariff]]
importer = "ROW"
exporter = "HOM"
sector = "AGR"
set = 0.2
[[scenario.ntb]]
importer = "HOM"
exporter = "OUT"
set = 0.03
"#;
    let flat = run_toml(&toy, flat, false);
    let (a, b) = (&staged[1], &flat[0]);
    for (sa, sb) in a.sectors.iter().zip(&b.sectors) {
        assert_eq!(sa.countries, sb.countries);
        assert_eq!(sa.flows, sb.flows);
    }
    assert_eq!(a.totals, b.totals);
    assert_eq!(a.unions.len(), 1);
    assert_eq!(a.unions[0].aggregate, b.unions[0].aggregate);
}

#[test]
fn a_union_restated_with_the_same_name_replaces_the_parents() {
    let toy = toy();
    let staged = r#"
[[scenario]]
name = "cu"
[[scenario.union]]
name = "CU"
members = ["HOM", "PAR"]
ntb_cut = 1.0
cet = { rule = "max" }
revenue_sharing = { HOM = 0.5, PAR = 0.5 }

[[scenario]]
name = "accession"
extends = "cu"
[[scenario.union]]
name = "CU"
members = ["HOM", "PAR", "OUT"]
cet = { rule = "adopt", country = "PAR" }
"#;
    let direct = r#"
[[scenario]]
name = "three"
[[scenario.union]]
name = "CU"
members = ["HOM", "PAR", "OUT"]
cet = { rule = "adopt", country = "PAR" }
"#;
    let a = &run_toml(&toy, staged, false)[1];
    let b = &run_toml(&toy, direct, false)[0];
    // the parent's NTB cut, CET and pooling are gone: the same as forming the larger union at once
    assert_eq!(a.totals, b.totals);
    assert_eq!(a.unions.len(), 1);
    assert_eq!(a.unions[0].members, vec!["HOM", "PAR", "OUT"]);
    assert_eq!(a.unions[0].aggregate, b.unions[0].aggregate);
}

//! Customs unions: each CET rule against rates worked by hand on the
//! toy data, the Article XXIV averages by hand, trade creation and diversion
//! in a stylised market, and pooled duties against the reference model.
#![allow(clippy::needless_range_loop)]

mod common;

use approx::assert_relative_eq;
use common::*;
use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::parse_scenario_file;
use customs_union::{Dataset, DomesticTreatment, PolicyState, ScenarioResult, Simulation};

// toy: countries HOM 0, PAR 1, OUT 2, ROW 3; sectors AGR 0, MAN 1
// baseline tariffs: HOM 8% / 4%, PAR 15% / 10% (AGR / MAN), OUT 5%, ROW 6%
const HOM: usize = 0;
const PAR: usize = 1;
const OUT: usize = 2;
const ROW: usize = 3;

fn toy() -> Dataset {
    EmbeddedDataset::Toy.load().unwrap().dataset
}

/// The counterfactual policy of every scenario of `text` on `data` (nested treatment).
fn compiled_policies(text: &str, data: &Dataset) -> customs_union::error::Result<Vec<PolicyState>> {
    let f = parse_scenario_file(text, "u.toml")?;
    Simulation::new(data)
        .treatment(DomesticTreatment::Nested)
        .policies(&f.set)
}

/// Every scenario of `text` run on `data` (nested treatment).
fn run_text(text: &str, data: &Dataset) -> Vec<ScenarioResult> {
    let f = parse_scenario_file(text, "u.toml").unwrap();
    Simulation::new(data)
        .treatment(DomesticTreatment::Nested)
        .run(&f.set)
        .unwrap()
        .scenarios
}

fn policy_of(cet: &str, extra: &str) -> PolicyState {
    let text = format!(
        "[[scenario]]\nname = \"u\"\n[[scenario.union]]\nname = \"HP\"\nmembers = [\"HOM\", \"PAR\"]\ncet = {cet}\n{extra}"
    );
    compiled_policies(&text, &toy()).unwrap().remove(0)
}

/// t1[outsider -> member] per sector: [[AGR HOM, AGR PAR], [MAN HOM, MAN PAR]] for OUT and ROW.
fn external(p: &PolicyState, o: usize) -> [[f64; 2]; 2] {
    let g = |s: usize, m: usize| p.sectors[s].tariffs.get(o, m);
    [[g(0, HOM), g(0, PAR)], [g(1, HOM), g(1, PAR)]]
}

#[track_caller]
fn assert_rates(p: &PolicyState, o: usize, want: [[f64; 2]; 2]) {
    let got = external(p, o);
    for s in 0..2 {
        for m in 0..2 {
            assert_relative_eq!(got[s][m], want[s][m], max_relative = 1e-14);
        }
    }
}

#[test]
fn adopt() {
    let p = policy_of("{ rule = \"adopt\", country = \"PAR\" }", "");
    assert_rates(&p, OUT, [[0.15, 0.15], [0.10, 0.10]]);
    assert_rates(&p, ROW, [[0.15, 0.15], [0.10, 0.10]]);
    let p = policy_of("{ rule = \"adopt\", country = \"HOM\" }", "");
    assert_rates(&p, OUT, [[0.08, 0.08], [0.04, 0.04]]);
}

#[test]
fn trade_weighted() {
    // AGR: OUT sells 60 to HOM, 50 to PAR; ROW 30 and 80. MAN: OUT 150 / 200; ROW 120 / 250.
    let p = policy_of("{ rule = \"trade_weighted\" }", "");
    let out_agr = (60.0 * 0.08 + 50.0 * 0.15) / 110.0;
    let row_agr = (30.0 * 0.08 + 80.0 * 0.15) / 110.0;
    let out_man = (150.0 * 0.04 + 200.0 * 0.10) / 350.0;
    let row_man = (120.0 * 0.04 + 250.0 * 0.10) / 370.0;
    assert_rates(&p, OUT, [[out_agr, out_agr], [out_man, out_man]]);
    assert_rates(&p, ROW, [[row_agr, row_agr], [row_man, row_man]]);
    assert_relative_eq!(out_agr, 0.111_818_181_818_181_8, max_relative = 1e-14);
}

#[test]
fn trade_weighted_without_imports_is_the_simple_mean() {
    let mut d = from_dataset(&toy());
    d.sectors[0].x0[OUT][HOM] = 0.0;
    d.sectors[0].x0[OUT][PAR] = 0.0;
    let data = to_dataset(&d);
    let text = "[[scenario]]\nname = \"u\"\n[[scenario.union]]\nname = \"HP\"\nmembers = [\"HOM\", \"PAR\"]\ncet = { rule = \"trade_weighted\" }\n";
    let p = compiled_policies(text, &data).unwrap().remove(0);
    assert_relative_eq!(
        p.sectors[0].tariffs.get(OUT, HOM),
        0.115,
        max_relative = 1e-14
    );
    assert_relative_eq!(
        p.sectors[0].tariffs.get(OUT, PAR),
        0.115,
        max_relative = 1e-14
    );
}

#[test]
fn simple_average_min_max() {
    let p = policy_of("{ rule = \"simple_average\" }", "");
    assert_rates(&p, OUT, [[0.115, 0.115], [0.07, 0.07]]);
    let p = policy_of("{ rule = \"min\" }", "");
    assert_rates(&p, ROW, [[0.08, 0.08], [0.04, 0.04]]);
    let p = policy_of("{ rule = \"max\" }", "");
    assert_rates(&p, ROW, [[0.15, 0.15], [0.10, 0.10]]);
}

#[test]
fn schedule_with_exceptions() {
    let p = policy_of(
        "{ rule = \"schedule\", rates = { AGR = 0.12, \"*\" = 0.09 }, exceptions = [{ member = \"HOM\", sector = \"MAN\", rate = 0.02 }] }",
        "",
    );
    assert_rates(&p, OUT, [[0.12, 0.12], [0.02, 0.09]]);
    assert_rates(&p, ROW, [[0.12, 0.12], [0.02, 0.09]]);
    // no rate for a sector and no "*": an error naming the key
    let text = "[[scenario]]\nname = \"u\"\n[[scenario.union]]\nname = \"HP\"\nmembers = [\"HOM\", \"PAR\"]\ncet = { rule = \"schedule\", rates = { AGR = 0.12 } }\n";
    let e = compiled_policies(text, &toy()).unwrap_err();
    assert!(e.to_string().contains("cet.rates"), "{e}");
}

#[test]
fn none_is_a_free_trade_area() {
    let p = policy_of("{ rule = \"none\" }", "");
    assert_rates(&p, OUT, [[0.08, 0.15], [0.04, 0.10]]);
    assert_rates(&p, ROW, [[0.08, 0.15], [0.04, 0.10]]);
}

#[test]
fn internal_tariff_and_ntb_cut_touch_members_only() {
    let p = policy_of(
        "{ rule = \"none\" }",
        "internal_tariff = 0.01\nntb_cut = 0.25\n",
    );
    let base = PolicyState::baseline(toy().markets());
    for s in 0..2 {
        let t = &p.sectors[s].tariffs;
        assert_eq!(t.get(HOM, PAR), 0.01);
        assert_eq!(t.get(PAR, HOM), 0.01);
        assert_relative_eq!(p.sectors[s].ntb.get(HOM, PAR), 0.075, max_relative = 1e-14);
        assert_relative_eq!(p.sectors[s].ntb.get(PAR, HOM), 0.075, max_relative = 1e-14);
        for i in 0..4 {
            for j in 0..4 {
                if !(i < 2 && j < 2 && i != j) {
                    assert_eq!(t.get(i, j), base.sectors[s].tariffs.get(i, j), "[{i},{j}]");
                    assert_eq!(p.sectors[s].ntb.get(i, j), base.sectors[s].ntb.get(i, j));
                }
            }
        }
    }
}

#[test]
fn cet_reads_the_baseline_not_an_earlier_stage() {
    // the parent doubles HOM's tariffs; the child's union still averages the baseline
    let text = "[[scenario]]\nname = \"a\"\n[[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"*\"\nscale = 2.0\n\
                [[scenario]]\nname = \"b\"\nextends = \"a\"\n[[scenario.union]]\nname = \"HP\"\nmembers = [\"HOM\", \"PAR\"]\ncet = { rule = \"simple_average\" }\n";
    let p = compiled_policies(text, &toy()).unwrap().remove(1);
    assert_rates(&p, OUT, [[0.115, 0.115], [0.07, 0.07]]);
}

#[test]
fn article_xxiv_averages_by_hand() {
    let data = toy();
    let text = "[[scenario]]\nname = \"u\"\n[[scenario.union]]\nname = \"HP\"\nmembers = [\"HOM\", \"PAR\"]\ncet = { rule = \"adopt\", country = \"PAR\" }\n";
    let r = &run_text(text, &data)[0];
    let u = &r.unions[0];
    let hom = &u.article_xxiv_members[0].averages;
    let par = &u.article_xxiv_members[1].averages;
    // HOM: outside imports AGR 60 + 30 at 8%, MAN 150 + 120 at 4%; after: PAR's 15% / 10%
    assert_relative_eq!(hom.simple_before, 0.06, max_relative = 1e-14);
    assert_relative_eq!(hom.simple_after, 0.125, max_relative = 1e-14);
    assert_relative_eq!(
        hom.weighted_before,
        (90.0 * 0.08 + 270.0 * 0.04) / 360.0,
        max_relative = 1e-14
    );
    assert_relative_eq!(
        hom.weighted_after,
        (90.0 * 0.15 + 270.0 * 0.10) / 360.0,
        max_relative = 1e-14
    );
    // PAR: unchanged; outside imports AGR 50 + 80, MAN 200 + 250
    assert_relative_eq!(par.simple_before, 0.125, max_relative = 1e-14);
    assert_relative_eq!(par.simple_after, 0.125, max_relative = 1e-14);
    let pw = (130.0 * 0.15 + 450.0 * 0.10) / 580.0;
    assert_relative_eq!(par.weighted_before, pw, max_relative = 1e-14);
    assert_relative_eq!(par.weighted_after, pw, max_relative = 1e-14);
    // the union: mean of members' simple averages, weighted over all members' outside imports
    assert_relative_eq!(
        u.article_xxiv.simple_before,
        (0.06 + 0.125) / 2.0,
        max_relative = 1e-14
    );
    assert_relative_eq!(u.article_xxiv.simple_after, 0.125, max_relative = 1e-14);
    assert_relative_eq!(
        u.article_xxiv.weighted_before,
        (18.0 + 64.5) / 940.0,
        max_relative = 1e-14
    );
    assert_relative_eq!(
        u.article_xxiv.weighted_after,
        (40.5 + 64.5) / 940.0,
        max_relative = 1e-14
    );
    assert!(
        u.article_xxiv.weighted_after > u.article_xxiv.weighted_before,
        "adopting the higher tariff raises protection"
    );
}

/// H buys at home and from P and O (prices fixed). A union with P removes H's
/// tariff on P: the CES formulas give H's new imports, and the split follows the trade-effect definitions.
#[test]
fn trade_creation_and_diversion_by_hand() {
    let inf = f64::INFINITY;
    let d = RefData {
        codes: vec!["H".into(), "P".into(), "O".into()],
        sectors: vec![RefSector {
            code: "S".into(),
            sigma_m: 5.0,
            sigma_d: 2.0,
            eta: 1.0,
            x0: vec![
                vec![100.0, 10.0, 0.0],
                vec![20.0, 200.0, 0.0],
                vec![30.0, 0.0, 300.0],
            ],
            t0: vec![
                vec![0.0, 0.0, 0.0],
                vec![0.2, 0.0, 0.0],
                vec![0.2, 0.0, 0.0],
            ],
            c0: zeros(3),
            eps: vec![inf; 3],
        }],
    };
    let union = |cet: RefCet| RefUnion {
        name: "HP".into(),
        members: vec![0, 1],
        internal: 0.0,
        ntb_cut: 0.0,
        cet,
        shares: None,
    };
    // 1) FTA: creation and diversion, no external suppression
    let sc = RefScenario {
        name: "fta".into(),
        unions: vec![union(RefCet::None)],
        ..RefScenario::default()
    };
    let r = &lib_run(&d, &[sc], Treatment::Nested, false).unwrap()[0];
    let (sm, sd) = (5.0f64, 2.0f64);
    let rp: f64 = 1.0 / 1.2;
    let pm = (0.4 * rp.powf(1.0 - sm) + 0.6).powf(1.0 / (1.0 - sm));
    let b: f64 = 100.0 / (100.0 + 1.2 * 50.0);
    let pc = (b + (1.0 - b) * pm.powf(1.0 - sd)).powf(1.0 / (1.0 - sd));
    let q = 1.0 / pc;
    let xp = 20.0 * (rp / pm).powf(-sm) * (pm / pc).powf(-sd) * q;
    let xo = 30.0 * (1.0 / pm).powf(-sm) * (pm / pc).powf(-sd) * q;
    let (dmp, dmo) = (xp - 20.0, xo - 30.0);
    assert!(dmp > 0.0 && dmo < 0.0 && dmp > -dmo);
    let h = &r.sectors[0].countries[0];
    assert_relative_eq!(h.imports_from_partners_change, dmp, max_relative = 1e-12);
    assert_relative_eq!(h.imports_from_outside_change, dmo, max_relative = 1e-12);
    assert_relative_eq!(h.trade_diversion, -dmo, max_relative = 1e-12);
    assert_relative_eq!(h.trade_creation, dmp + dmo, max_relative = 1e-12);
    assert_eq!(h.external_trade_suppression, 0.0);
    // P also joins: it imports nothing, so its effects are zero; O is outside: zero
    for c in &r.sectors[0].countries[1..] {
        assert_eq!(
            (
                c.trade_creation,
                c.trade_diversion,
                c.external_trade_suppression
            ),
            (0.0, 0.0, 0.0)
        );
    }
    // 2) internal tariff kept at 20% and a CET of 100% on O: outside imports fall
    //    by more than partner imports rise (suppression, no creation)
    let mut u = union(RefCet::Schedule {
        rates: vec![(None, 1.0)],
        exceptions: vec![],
    });
    u.internal = 0.2;
    let sc = RefScenario {
        name: "cu".into(),
        unions: vec![u],
        ..RefScenario::default()
    };
    let r = &lib_run(&d, std::slice::from_ref(&sc), Treatment::Nested, false).unwrap()[0];
    let h = &r.sectors[0].countries[0];
    let (dmp, dmo) = (
        h.imports_from_partners_change,
        h.imports_from_outside_change,
    );
    assert!(dmp > 0.0 && -dmo > dmp, "{dmp} {dmo}");
    assert_relative_eq!(h.trade_diversion, dmp, max_relative = 1e-14);
    assert_eq!(h.trade_creation, 0.0);
    assert_relative_eq!(
        h.external_trade_suppression,
        -dmo - dmp,
        max_relative = 1e-14
    );
    // the reference agrees on everything
    let rf = run(&d, &[sc], 0, Treatment::Nested);
    compare_result(&d, r, &rf, 1e-10, "cu");
}

#[test]
fn pooled_duties_agree_with_the_reference() {
    let mut checked = 0;
    for seed in 0..200u64 {
        let mut rng = TestRng::new(seed ^ 0xA5A5);
        let d = random_data(&mut rng, &GenOpts::default());
        let mut sc = random_scenario(&mut rng, &d, "pool");
        let Some(u) = sc.unions.first_mut() else {
            continue;
        };
        if u.shares.is_none() {
            let k = u.members.len();
            let mut sh = vec![1.0 / k as f64; k];
            sh[0] = 1.0 - (k - 1) as f64 / k as f64;
            u.shares = Some(sh);
        }
        for tr in [Treatment::Nested, Treatment::AsImportSource] {
            let lib = lib_run(&d, std::slice::from_ref(&sc), tr, false).unwrap();
            let rf = run(&d, std::slice::from_ref(&sc), 0, tr);
            compare_result(&d, &lib[0], &rf, REL, &format!("seed {seed} {tr:?}"));
        }
        checked += 1;
        if checked == 30 {
            break;
        }
    }
    assert_eq!(checked, 30);
}

#[test]
fn toy_pooling_by_hand() {
    // the toy customs union pools 30/70: each sector's members' revenue is split so
    let data = toy();
    let pooled = &run_text(include_str!("../scenarios/toy.toml"), &data)[1];
    for s in &pooled.sectors {
        let h = &s.countries[HOM];
        let p = &s.countries[PAR];
        let pool = h.tariff_revenue_counterfactual + p.tariff_revenue_counterfactual;
        assert_relative_eq!(
            h.tariff_revenue_counterfactual,
            0.3 * pool,
            max_relative = 1e-14
        );
        assert_relative_eq!(
            p.tariff_revenue_counterfactual,
            0.7 * pool,
            max_relative = 1e-14
        );
    }
    let (h, p) = (&pooled.totals[HOM], &pooled.totals[PAR]);
    assert_relative_eq!(
        h.tariff_revenue_counterfactual
            / (h.tariff_revenue_counterfactual + p.tariff_revenue_counterfactual),
        0.3,
        max_relative = 1e-12
    );
}

//! Quotas, tariff-rate quotas and export taxes: the identities that pin
//! their economics in the exact model.

mod common;

use common::{
    RefBaselineQuota, RefData, RefHolder, RefPolicy, RefQuota, RefRestrictions, RefSector, TestRng,
    Treatment, country_codes, proptest_config, random_sector, solve_quotas, to_dataset,
};
use customs_union::prelude::*;
use proptest::prelude::*;

/// Tolerance of identities between two solves of the same equilibrium.
const SAME: f64 = 1e-9;

/// Three countries (A imports from B and C, and produces at home), one
/// sector; `eps` the supply elasticities.
fn market(tariffs: [[f64; 3]; 3]) -> Dataset {
    let flows = Matrix::from_rows(&[
        vec![60.0, 8.0, 5.0],
        vec![20.0, 50.0, 6.0],
        vec![15.0, 7.0, 40.0],
    ])
    .unwrap();
    let t = Matrix::from_rows(&tariffs.map(|r| r.to_vec())).unwrap();
    let m = Market::new(flows, t, Matrix::zeros(3), vec![1.5, 2.0, 4.0]).unwrap();
    dataset(m)
}

fn dataset(m: Market) -> Dataset {
    let sector = Sector {
        code: "G".into(),
        name: "goods".into(),
        elasticities: Elasticities::new(4.0, 2.0, 0.8).unwrap(),
        supply_default: 1.0,
    };
    Dataset::new(
        vec![
            Country::new("A", "a"),
            Country::new("B", "b"),
            Country::new("C", "c"),
        ],
        vec![sector],
        vec![m],
    )
    .unwrap()
}

fn base_tariffs() -> [[f64; 3]; 3] {
    [[0.0, 0.05, 0.1], [0.1, 0.0, 0.08], [0.15, 0.12, 0.0]]
}

fn run(data: &Dataset, scenarios: Vec<Scenario>) -> RunResults {
    Simulation::new(data)
        .run(&ScenarioSet::new(scenarios))
        .expect("runs")
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

fn assert_same_prices(a: &ScenarioResult, b: &ScenarioResult) {
    for (ra, rb) in a.sectors[0].countries.iter().zip(&b.sectors[0].countries) {
        assert!(
            close(ra.producer_price, rb.producer_price, SAME),
            "{}: {} vs {}",
            ra.country,
            ra.producer_price,
            rb.producer_price
        );
        assert!(close(
            ra.consumer_price_index,
            rb.consumer_price_index,
            SAME
        ));
    }
    for (fa, fb) in a.sectors[0].flows.iter().zip(&b.sectors[0].flows) {
        assert!(close(fa.counterfactual, fb.counterfactual, SAME));
    }
}

#[test]
fn a_binding_quota_is_its_tariff_equivalent_once_rent_is_counted() {
    let data = market(base_tariffs());
    let r = run(
        &data,
        vec![Scenario::new("q").with_quota(QuotaChange::volume("A", "B", "G", 14.0))],
    );
    let q = r[0].quota("G", "A", "B").expect("quota reported");
    assert_eq!(q.regime, QuotaRegime::At);
    assert!((q.counterfactual - 14.0).abs() < 1e-10 * 14.0);
    assert!(q.rent_rate > 0.0);
    let t_in = 0.1; // B -> A
    let equivalent = (1.0 + t_in) * (1.0 + q.rent_rate) - 1.0;
    let t = run(
        &data,
        vec![Scenario::new("t").with_change(PolicyChange::tariff(
            "A",
            "B",
            "G",
            Action::Set(equivalent),
        ))],
    );
    assert_same_prices(&r[0], &t[0]);
    for c in ["A", "B", "C"] {
        let (a, b) = (r[0].country(c).unwrap(), t[0].country(c).unwrap());
        assert!(
            close(a.welfare, b.welfare, SAME),
            "{c}: {} vs {}",
            a.welfare,
            b.welfare
        );
        assert!(close(a.consumer_surplus, b.consumer_surplus, SAME));
    }
    let a = r[0].country("A").unwrap();
    assert!(close(a.quota_rent, q.rent, SAME));
    // the tariff equivalent's extra revenue is the quota rent
    let ta = t[0].country("A").unwrap();
    assert!(close(
        ta.tariff_revenue,
        a.tariff_revenue + a.quota_rent,
        SAME
    ));
}

#[test]
fn a_slack_quota_changes_nothing() {
    let data = market(base_tariffs());
    let r = run(
        &data,
        vec![Scenario::new("q").with_quota(QuotaChange::volume("A", "*", "G", 1000.0))],
    );
    let q = r[0].quota("G", "A", "*").unwrap();
    assert_eq!(q.regime, QuotaRegime::Under);
    assert_eq!(q.rent_rate, 0.0);
    for c in &r[0].totals {
        assert!(c.welfare.abs() < 1e-12, "{}: {}", c.country, c.welfare);
        assert_eq!(c.quota_rent, 0.0);
    }
}

#[test]
fn a_trq_over_quota_acts_as_its_out_of_quota_tariff_with_rent_on_the_quota() {
    let data = market(base_tariffs());
    // a generous in-quota volume at a low in-quota rate, a modest out-of-quota rate:
    // imports exceed the quota and pay t_out at the margin
    let r = run(
        &data,
        vec![
            Scenario::new("trq")
                .with_quota(QuotaChange::volume("A", "*", "G", 20.0).with_tariffs(0.02, 0.2)),
        ],
    );
    let q = r[0].quota("G", "A", "*").unwrap();
    assert_eq!(q.regime, QuotaRegime::Over);
    let ubar = 1.2 / 1.02 - 1.0;
    assert!(close(q.rent_rate, ubar, 1e-12));
    let t = run(
        &data,
        vec![Scenario::new("t").with_change(PolicyChange::tariff("A", "*", "G", Action::Set(0.2)))],
    );
    assert_same_prices(&r[0], &t[0]);
    // rent (t_out - t_in) p on the in-quota units; duties t_in on those, t_out on the rest
    let prices: Vec<f64> = r[0].sectors[0]
        .countries
        .iter()
        .map(|c| c.producer_price)
        .collect();
    let flows = &r[0].sectors[0].flows;
    let imports: Vec<(f64, f64)> = flows
        .iter()
        .filter(|f| f.importer == "A" && f.exporter != "A")
        .map(|f| {
            let i = ["A", "B", "C"]
                .iter()
                .position(|c| *c == f.exporter)
                .unwrap();
            (prices[i], f.counterfactual)
        })
        .collect();
    let v: f64 = imports.iter().map(|(_, x)| x).sum();
    assert!(close(v, q.counterfactual, 1e-12));
    let f = 20.0 / v;
    let rent: f64 = imports.iter().map(|(p, x)| (0.2 - 0.02) * p * x * f).sum();
    assert!(close(q.rent, rent, 1e-10), "{} vs {rent}", q.rent);
    let a = r[0].country("A").unwrap();
    let ta = t[0].country("A").unwrap();
    assert!(close(
        a.tariff_revenue + a.quota_rent,
        ta.tariff_revenue,
        1e-9
    ));
    assert!(close(a.welfare, ta.welfare, 1e-9));
}

#[test]
fn an_export_tax_pays_the_exporter_and_raises_the_importer_price() {
    let data = market(base_tariffs());
    let r = run(
        &data,
        vec![Scenario::new("x").with_change(PolicyChange::export_tax(
            "B",
            "A",
            "G",
            Action::Set(0.2),
        ))],
    );
    let b = r[0].country("B").unwrap();
    let a = r[0].country("A").unwrap();
    let flow = r[0].flow("G", "B", "A").unwrap();
    let pb = r[0].sectors[0].country("B").unwrap().producer_price;
    assert!(close(
        b.export_tax_revenue,
        0.2 * pb * flow.counterfactual,
        1e-12
    ));
    assert_eq!(a.export_tax_revenue, 0.0);
    assert!(r[0].sectors[0].country("A").unwrap().consumer_price_index > 1.0);
    assert!(close(
        b.welfare,
        b.consumer_surplus + b.producer_surplus + b.tariff_revenue + b.export_tax_revenue,
        1e-12
    ));
    // A's duty is levied on the tax-inclusive price p (1+e)
    let t0 = 0.1;
    let collected = a.tariff_revenue + t0 * 20.0 + 0.15 * 15.0;
    let others = 0.15
        * r[0].sectors[0].country("C").unwrap().producer_price
        * r[0].flow("G", "C", "A").unwrap().counterfactual;
    assert!(close(
        collected - others,
        t0 * pb * 1.2 * flow.counterfactual,
        1e-10
    ));
    // same prices as a tariff of the same factor, without the revenue going to A
    let t = run(
        &data,
        vec![Scenario::new("t").with_change(PolicyChange::tariff(
            "A",
            "B",
            "G",
            Action::Set(1.1 * 1.2 - 1.0),
        ))],
    );
    assert_same_prices(&r[0], &t[0]);
}

fn with_baseline_restrictions() -> Dataset {
    let d = market(base_tariffs());
    let m = d.markets()[0].clone();
    let mut e = Matrix::zeros(3);
    e.set(2, 0, 0.05); // C taxes its sales to A
    let m = m
        .with_restrictions(
            Some(e),
            vec![BaselineQuota {
                importer: Some(0),
                exporter: Some(1),
                premium: 0.3,
                holder: QuotaHolder::Importer,
            }],
        )
        .unwrap();
    dataset(m)
}

#[test]
fn zero_change_with_baseline_quotas_and_export_taxes_reproduces_the_baseline() {
    let data = with_baseline_restrictions();
    let r = run(&data, vec![Scenario::new("nothing")]);
    for c in &r[0].sectors[0].countries {
        assert_eq!(c.producer_price, 1.0, "{}", c.country);
        assert_eq!(c.consumer_price_index, 1.0);
    }
    for f in &r[0].sectors[0].flows {
        assert_eq!(f.counterfactual, f.baseline);
    }
    for c in &r[0].totals {
        assert_eq!(c.welfare, 0.0);
        assert_eq!(c.quota_rent, 0.0);
        assert_eq!(c.export_tax_revenue, 0.0);
    }
    let q = r[0].quota("G", "A", "B").unwrap();
    assert_eq!(q.regime, QuotaRegime::At);
    assert_eq!(q.rent_rate, 0.3);
}

#[test]
fn lifting_a_baseline_quota_frees_the_flow() {
    let data = with_baseline_restrictions();
    let r = run(
        &data,
        vec![Scenario::new("lift").with_quota(QuotaChange::lift("A", "B", "G"))],
    );
    assert!(r[0].quotas().is_empty());
    let f = r[0].flow("G", "B", "A").unwrap();
    assert!(f.counterfactual > f.baseline);
    let a = r[0].country("A").unwrap();
    // A loses the baseline rent 0.3 (1 + 0.1) x0
    assert!(close(a.quota_rent, -0.3 * 1.1 * 20.0, 1e-12));
    // lifting equals removing the equivalent tariff
    let t = run(
        &dataset(
            market(base_tariffs()).markets()[0]
                .clone()
                .with_restrictions(
                    Some({
                        let mut e = Matrix::zeros(3);
                        e.set(2, 0, 0.05);
                        e
                    }),
                    vec![],
                )
                .unwrap(),
        ),
        vec![Scenario::new("x")],
    );
    assert!(t[0].country("A").is_some());
}

#[test]
fn the_gsim_linear_variant_refuses_a_quota() {
    let data = market(base_tariffs());
    let set = ScenarioSet::new(vec![
        Scenario::new("q").with_quota(QuotaChange::volume("A", "B", "G", 14.0)),
    ]);
    let err = Simulation::new(&data)
        .model(ModelVariant::GsimLinear)
        .run(&set)
        .unwrap_err();
    assert!(err.to_string().contains("quotas"), "{err}");
    let err = Simulation::new(&with_baseline_restrictions())
        .model(ModelVariant::Smart)
        .run(&ScenarioSet::new(vec![Scenario::new("x")]))
        .unwrap_err();
    assert!(err.to_string().contains("quotas"), "{err}");
}

fn run_err(data: &Dataset, scenarios: Vec<Scenario>) -> String {
    Simulation::new(data)
        .run(&ScenarioSet::new(scenarios))
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_quotas_are_clear_errors() {
    let data = market(base_tariffs());
    // (the scenario's quota entries, words every message must hold)
    let cases: Vec<(Vec<QuotaChange>, [&str; 2])> = vec![
        (
            vec![QuotaChange::volume("A", "B", "G", 10.0).with_tariffs(0.3, 0.1)],
            ["out_of_quota_tariff", ">="],
        ),
        (
            vec![QuotaChange::volume("A", "B", "G", 0.0)],
            ["volume", "ban"],
        ),
        (vec![QuotaChange::lift("A", "B", "G")], ["lift", "no quota"]),
        (
            vec![
                QuotaChange::volume("A", "B", "G", 10.0),
                QuotaChange::volume("A", "*", "G", 30.0),
            ],
            ["overlaps", "A<-B"],
        ),
    ];
    for (quotas, words) in cases {
        let s = quotas
            .into_iter()
            .fold(Scenario::new("x"), |s, q| s.with_quota(q));
        let e = run_err(&data, vec![s]);
        assert!(words.iter().all(|w| e.contains(w)), "{words:?}: {e}");
    }
    // a flow the data lacks
    let mut flows = data.markets()[0].flows().clone();
    flows.set(1, 2, 0.0);
    let m = Market::new(
        flows,
        data.markets()[0].tariffs().clone(),
        Matrix::zeros(3),
        vec![1.5, 2.0, 4.0],
    )
    .unwrap();
    let e = run_err(
        &dataset(m),
        vec![Scenario::new("x").with_quota(QuotaChange::volume("C", "B", "G", 1.0))],
    );
    assert!(e.contains("no baseline flow"), "{e}");
}

#[test]
fn a_volume_no_finite_wedge_reaches_is_an_error() {
    // sigma < 1 and eta = 0: demand for B's good has a floor as its price rises
    let d = market(base_tariffs());
    let mut d = d;
    d.set_elasticities(0, Elasticities::new(0.5, 0.5, 0.0).unwrap())
        .unwrap();
    let e = run_err(
        &d,
        vec![Scenario::new("x").with_quota(QuotaChange::volume("A", "B", "G", 0.5))],
    );
    assert!(e.contains("no finite rent wedge"), "{e}");
}

#[test]
fn several_quotas_in_different_regimes_solve_together() {
    let data = market(base_tariffs());
    let r = run(
        &data,
        vec![
            Scenario::new("many")
                .with_quota(QuotaChange::volume("A", "B", "G", 15.0))
                .with_quota(
                    QuotaChange::share("A", "C", "G", 0.9).with_holder(QuotaHolder::Exporter),
                )
                .with_quota(QuotaChange::volume("B", "C", "G", 100.0))
                .with_quota(
                    QuotaChange::volume("*", "A", "G", 10.0).with_holder(QuotaHolder::None),
                ),
        ],
    );
    let q = |i, e| r[0].quota("G", i, e).unwrap();
    assert_eq!(q("A", "B").regime, QuotaRegime::At);
    assert_eq!(q("A", "C").regime, QuotaRegime::At);
    assert!((q("A", "C").counterfactual - 13.5).abs() < 1e-10);
    assert_eq!(q("B", "C").regime, QuotaRegime::Under);
    assert_eq!(q("*", "A").regime, QuotaRegime::At);
    assert!((q("*", "A").counterfactual - 10.0).abs() < 1e-10);
    // C holds the rent of its sales to A; nobody the rent of A's export quota
    let c = r[0].country("C").unwrap();
    assert!(close(c.quota_rent, q("A", "C").rent, 1e-12));
    let a = r[0].country("A").unwrap();
    assert!(close(a.quota_rent, q("A", "B").rent, 1e-12));
    assert!(r[0].sectors[0].residual < 1e-12);
}

#[test]
fn a_union_lifts_quotas_among_members_unless_kept() {
    let data = with_baseline_restrictions();
    let union = || CustomsUnion::new("U", &["A", "B"], CetRule::None);
    let r = run(&data, vec![Scenario::new("cu").with_union(union())]);
    assert!(r[0].quotas().is_empty());
    let r = run(
        &data,
        vec![Scenario::new("cu").with_union(union().with_internal_quotas(InternalQuotas::Keep))],
    );
    assert_eq!(r[0].quotas().len(), 1);
    // the lift is its own decomposition component and the parts add up
    let r = Simulation::new(&data)
        .decompose(true)
        .run(&ScenarioSet::new(vec![
            Scenario::new("cu").with_union(union()),
        ]))
        .unwrap();
    let parts = r[0].decomposition().unwrap();
    assert!(parts.iter().any(|p| p.component == "U: internal quotas"));
    for c in ["A", "B", "C"] {
        let sum: f64 = parts
            .iter()
            .map(|p| p.countries.iter().find(|x| x.country == c).unwrap().welfare)
            .sum();
        assert!(close(sum, r[0].country(c).unwrap().welfare, 1e-9));
    }
}

#[test]
fn a_member_global_quota_loses_its_member_sources() {
    let d = market(base_tariffs());
    let m = d.markets()[0]
        .clone()
        .with_restrictions(
            None,
            vec![BaselineQuota {
                importer: Some(0),
                exporter: None,
                premium: 0.2,
                holder: QuotaHolder::Importer,
            }],
        )
        .unwrap();
    let data = dataset(m);
    let r = run(
        &data,
        vec![Scenario::new("cu").with_union(CustomsUnion::new("U", &["A", "B"], CetRule::None))],
    );
    let q = r[0].quota("G", "A", "*").unwrap();
    // baseline imports 20 (B) + 15 (C); B's 20 come off
    assert!((q.volume - 15.0).abs() < 1e-12);
    assert!((q.counterfactual - 15.0).abs() < 1e-10);
}

#[test]
fn scenario_files_read_quota_and_export_blocks_in_file_order() {
    let text = r#"
[[scenario]]
name = "trq"
[[scenario.tariff]]
importer = "A"
exporter = "B"
sector = "G"
set = 0.3
[[scenario.quota]]
importer = "A"
exporter = "B"
sector = "G"
volume = 30.0
in_quota_tariff = 0.0
out_of_quota_tariff = 0.5
holder = "exporter"
component = "trq"
[[scenario.export]]
exporter = "C"
importer = "*"
sector = "G"
set = 0.1
"#;
    let file = customs_union::io::parse_scenario_file(text, "t.toml").unwrap();
    let s = &file.set.scenarios[0];
    assert_eq!(s.quotas.len(), 1);
    assert_eq!(s.quotas[0].after_changes, 1);
    let data = market(base_tariffs());
    let p = Simulation::new(&data).policies(&file.set).unwrap();
    // the TRQ set after the tariff entry keeps its in-quota rate
    assert_eq!(p[0].sectors[0].tariffs.get(1, 0), 0.0);
    assert_eq!(p[0].sectors[0].restrictions.export_tax(2, 0), 0.1);
    assert_eq!(p[0].sectors[0].restrictions.export_tax(2, 1), 0.1);
    let bad = text.replace("volume = 30.0", "volume = 30.0\nshare = 0.5");
    let e = customs_union::io::parse_scenario_file(&bad, "t.toml").unwrap_err();
    assert!(e.to_string().contains("exactly one of volume"), "{e}");
    let bad = text.replace("holder = \"exporter\"", "holder = \"state\"");
    let e = customs_union::io::parse_scenario_file(&bad, "t.toml").unwrap_err();
    assert!(e.to_string().contains("holder"), "{e}");
}

#[test]
fn a_tariff_entry_on_a_trq_flow_sets_its_in_quota_rate_and_a_lift_restores_the_rest() {
    let data = market(base_tariffs());
    let s = Scenario::new("x")
        .with_quota(QuotaChange::volume("A", "*", "G", 30.0).with_tariffs(0.0, 0.5))
        .with_change(PolicyChange::tariff("A", "*", "G", Action::Add(0.01)));
    let p = Simulation::new(&data)
        .policies(&ScenarioSet::new(vec![s.clone()]))
        .unwrap();
    let q = &p[0].sectors[0].restrictions.quotas[0];
    assert_eq!(q.trq.as_ref().unwrap().in_quota, 0.01);
    assert_eq!(p[0].sectors[0].tariffs.get(1, 0), 0.01);
    let lifted = s.with_quota(QuotaChange::lift("A", "*", "G"));
    let p = Simulation::new(&data)
        .policies(&ScenarioSet::new(vec![lifted]))
        .unwrap();
    assert!(p[0].sectors[0].restrictions.quotas.is_empty());
    assert_eq!(p[0].sectors[0].tariffs.get(1, 0), 0.1);
    assert_eq!(p[0].sectors[0].tariffs.get(2, 0), 0.15);
}

fn files(extra: &[(&'static str, &'static str)]) -> Result<Dataset, customs_union::Error> {
    let base: Vec<(&str, &str)> = vec![
        ("countries.csv", "code,name\nA,a\nB,b\nC,c\n"),
        (
            "sectors.csv",
            "code,name,sigma_m,sigma_d,eta,epsilon\nG,goods,4,2,0.8,1.5\n",
        ),
        (
            "flows.csv",
            "sector,exporter,importer,value\nG,A,A,60\nG,B,A,20\nG,C,A,15\nG,A,B,8\nG,B,B,50\nG,C,B,7\nG,A,C,5\nG,B,C,6\nG,C,C,40\n",
        ),
        ("tariffs.csv", "sector,exporter,importer,rate\nG,*,A,0.1\n"),
    ];
    let all: Vec<(&str, &str)> = base.into_iter().chain(extra.iter().copied()).collect();
    let read = move |name: &str| -> customs_union::error::Result<Option<String>> {
        Ok(all
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string()))
    };
    customs_union::io::load_data_files(&read, "mem").map(|l| l.dataset)
}

#[test]
fn data_files_carry_baseline_quotas_and_export_taxes() {
    let data = files(&[
        (
            "quotas.csv",
            "sector,exporter,importer,premium,holder\nG,*,A,0.25,importer\nG,C,B,0.1,exporter\n",
        ),
        (
            "export_taxes.csv",
            "sector,exporter,importer,rate\n*,B,*,0.05\nG,B,A,0.2\n",
        ),
    ])
    .unwrap();
    let m = &data.markets()[0];
    assert_eq!(m.quotas().len(), 2);
    assert_eq!(m.export_tax(1, 0), 0.2);
    assert_eq!(m.export_tax(1, 2), 0.05);
    assert_eq!(m.export_tax(0, 1), 0.0);
    let r = run(&data, vec![Scenario::new("same")]);
    for f in &r[0].sectors[0].flows {
        assert_eq!(f.counterfactual, f.baseline);
    }
    for c in &r[0].totals {
        assert_eq!(c.welfare, 0.0);
    }
    // a lift raises A's imports and moves the rent
    let r = run(
        &data,
        vec![Scenario::new("lift").with_quota(QuotaChange::lift("A", "*", "G"))],
    );
    assert!(r[0].country("A").unwrap().imports_counterfactual > 35.0);
    assert!(r[0].country("A").unwrap().quota_rent < 0.0);
}

#[test]
fn bad_restriction_rows_name_file_line_and_field() {
    // (file, text, what the message must name)
    let cases: [(&str, &str, [&str; 2]); 4] = [
        (
            "quotas.csv",
            "sector,exporter,importer,premium,out_of_quota_tariff\nG,B,A,0.1,0.5\n",
            ["quotas.csv", "tariff-rate"],
        ),
        (
            "quotas.csv",
            "sector,exporter,importer,premium\nG,B,A,0.1\nG,*,A,0.2\n",
            ["quotas.csv:3", "overlaps"],
        ),
        (
            "quotas.csv",
            "sector,exporter,importer,premium\nG,B,A,-0.1\n",
            ["quotas.csv:2", "premium"],
        ),
        (
            "export_taxes.csv",
            "sector,exporter,importer,rate\nG,*,A,0.1\n",
            ["export_taxes.csv", "exporter"],
        ),
    ];
    for (file, text, names) in cases {
        let e = files(&[(file, text)]).unwrap_err().to_string();
        assert!(names.iter().all(|n| e.contains(n)), "{names:?}: {e}");
    }
}

// ---- agreement with the independent reference model on random markets

/// What kind of restriction a random case draws.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// One or two bilateral quotas, binding at baseline.
    Bilateral,
    /// A global tariff-rate quota whose volume imports exceed.
    GlobalTrq,
    /// A baseline quota lifted alongside a new export tax.
    LiftAndExportTax,
}

struct Case {
    sec: RefSector,
    r: RefRestrictions,
    scenario: Scenario,
    baseline: Vec<BaselineQuota>,
    codes: Vec<String>,
}

fn holder(rng: &mut TestRng) -> (RefHolder, QuotaHolder) {
    if rng.chance(0.5) {
        (RefHolder::Importer, QuotaHolder::Importer)
    } else {
        (RefHolder::Exporter, QuotaHolder::Exporter)
    }
}

fn offdiagonal_flows(sec: &RefSector) -> Vec<(usize, usize)> {
    let n = sec.n();
    (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .filter(|&(i, j)| i != j && sec.x0[i][j] > 0.0)
        .collect()
}

fn random_case(seed: u64, kind: Kind) -> Option<Case> {
    let mut rng = TestRng::new(seed);
    let n = rng.int(3, 5);
    let opts = common::GenOpts::default();
    let mut sec = random_sector(&mut rng, n, "S0", &opts);
    // a quota's volume must be reachable: demand must respond to its wedge
    // (and an exporter with a fixed supply may have no other buyer to sell to)
    if sec.eta == 0.0 {
        sec.eta = 0.5;
    }
    sec.eps
        .iter_mut()
        .filter(|e| **e == 0.0)
        .for_each(|e| *e = 1.0);
    let codes = country_codes(n);
    let flows = offdiagonal_flows(&sec);
    if flows.len() < 2 {
        return None;
    }
    let mut r = RefRestrictions {
        e0: common::zeros(n),
        baseline: Vec::new(),
        e1: common::zeros(n),
        quotas: Vec::new(),
    };
    let mut scenario = Scenario::new("q");
    let mut baseline = Vec::new();
    match kind {
        Kind::Bilateral => {
            let k = rng.int(1, 2);
            let picks = rng.pick(flows.len(), k);
            for k in picks {
                let (i, j) = flows[k];
                let volume = sec.x0[i][j] * rng.range(0.5, 0.95);
                let (rh, lh) = holder(&mut rng);
                r.quotas.push(RefQuota {
                    importer: Some(j),
                    exporter: Some(i),
                    volume,
                    trq: None,
                    holder: rh,
                });
                scenario = scenario.with_quota(
                    QuotaChange::volume(&codes[j], &codes[i], "S0", volume).with_holder(lh),
                );
            }
        }
        Kind::GlobalTrq => {
            let (_, j) = flows[rng.int(0, flows.len() - 1)];
            let imports: f64 = (0..n).filter(|&i| i != j).map(|i| sec.x0[i][j]).sum();
            // from far over the quota to slack: every regime of a TRQ
            let volume = imports * rng.range(0.3, 1.2);
            let t_in = rng.range(0.0, 0.1);
            let t_out = t_in + rng.range(0.02, 0.6);
            let (rh, lh) = holder(&mut rng);
            r.quotas.push(RefQuota {
                importer: Some(j),
                exporter: None,
                volume,
                trq: Some((t_in, t_out)),
                holder: rh,
            });
            scenario = scenario.with_quota(
                QuotaChange::volume(&codes[j], "*", "S0", volume)
                    .with_tariffs(t_in, t_out)
                    .with_holder(lh),
            );
        }
        Kind::LiftAndExportTax => {
            let picks = rng.pick(flows.len(), 2);
            let (i, j) = flows[picks[0]];
            let premium = rng.range(0.1, 0.5);
            let (rh, lh) = holder(&mut rng);
            r.baseline.push(RefBaselineQuota {
                importer: Some(j),
                exporter: Some(i),
                premium,
                holder: rh,
            });
            baseline.push(BaselineQuota {
                importer: Some(j),
                exporter: Some(i),
                premium,
                holder: lh,
            });
            scenario = scenario.with_quota(QuotaChange::lift(&codes[j], &codes[i], "S0"));
            let (a, b) = flows[picks[1]];
            let e = rng.range(0.05, 0.3);
            r.e1[a][b] = e;
            scenario = scenario.with_change(PolicyChange::export_tax(
                &codes[a],
                &codes[b],
                "S0",
                Action::Set(e),
            ));
        }
    }
    Some(Case {
        sec,
        r,
        scenario,
        baseline,
        codes,
    })
}

fn check_case(seed: u64, kind: Kind) {
    let Some(case) = random_case(seed, kind) else {
        return;
    };
    let data = to_dataset(&RefData {
        codes: case.codes.clone(),
        sectors: vec![case.sec.clone()],
    });
    let market = data.markets()[0]
        .clone()
        .with_restrictions(None, case.baseline.clone())
        .unwrap();
    let data = Dataset::new(
        data.countries().to_vec(),
        data.sectors().to_vec(),
        vec![market],
    )
    .unwrap();
    let lib = Simulation::new(&data)
        .run(&ScenarioSet::new(vec![case.scenario.clone()]))
        .unwrap_or_else(|e| panic!("seed {seed} {kind:?}: {e}"));
    let pol = RefPolicy::baseline(&case.sec);
    let rf = solve_quotas(&case.sec, &pol, Treatment::Nested, &case.r);
    let res = &lib[0];
    let ctx = format!("seed {seed} {kind:?}");
    let sector = &res.sectors[0];
    let scale: f64 = case.sec.x0.iter().flatten().sum();
    let rel = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (b.abs() + 1e-6 * scale);
    for (c, row) in sector.countries.iter().enumerate() {
        assert!(
            (row.producer_price - rf.p[c]).abs() < 1e-7,
            "{ctx}: price of {c}: {} vs {}",
            row.producer_price,
            rf.p[c]
        );
        let o = &rf.outcomes[c];
        for (what, a, b) in [
            ("consumer_surplus", row.consumer_surplus, o.consumer_surplus),
            ("producer_surplus", row.producer_surplus, o.producer_surplus),
            ("tariff_revenue", row.tariff_revenue, o.tariff_revenue),
            (
                "tariff_revenue_baseline",
                row.tariff_revenue_baseline,
                o.tariff_revenue_baseline,
            ),
            ("quota_rent", row.quota_rent, rf.quota_rent[c]),
            (
                "export_tax_revenue",
                row.export_tax_revenue,
                rf.export_tax_revenue[c],
            ),
            ("welfare", row.welfare, o.welfare),
            (
                "imports_counterfactual",
                row.imports_counterfactual,
                o.imports_counterfactual,
            ),
        ] {
            assert!(rel(a, b), "{ctx}: {what} of {c}: {a} vs {b}");
        }
    }
    for f in &sector.flows {
        let i = case.codes.iter().position(|c| *c == f.exporter).unwrap();
        let j = case.codes.iter().position(|c| *c == f.importer).unwrap();
        assert!(rel(f.counterfactual, rf.x[i][j]), "{ctx}: flow {i}->{j}");
    }
    assert_eq!(res.quotas().len(), rf.rents.len(), "{ctx}");
    for (q, (&u, &regime)) in res.quotas().iter().zip(rf.rents.iter().zip(&rf.regimes)) {
        assert!(
            (q.rent_rate - u).abs() <= 1e-7 * (1.0 + u),
            "{ctx}: rent {} vs {u}",
            q.rent_rate
        );
        assert_eq!(q.regime.name(), regime, "{ctx}");
    }
}

proptest! {
    #![proptest_config(proptest_config(48, "tests/proptest-regressions/quotas.txt"))]

    #[test]
    fn bilateral_quotas_agree_with_the_reference(seed in any::<u64>()) {
        check_case(seed, Kind::Bilateral);
    }

    #[test]
    fn global_trqs_agree_with_the_reference(seed in any::<u64>()) {
        check_case(seed, Kind::GlobalTrq);
    }

    #[test]
    fn a_lifted_baseline_quota_with_an_export_tax_agrees_with_the_reference(seed in any::<u64>()) {
        check_case(seed, Kind::LiftAndExportTax);
    }
}

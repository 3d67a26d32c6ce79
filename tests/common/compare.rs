//! Field-by-field comparison of library results with the reference.

use customs_union::accounts::CountryOutcome;
use customs_union::run::ScenarioResult;
use customs_union_reference::{FIELDS, RefData, RefResult, RefSector, abs_floor, assert_close};

/// The fields of a library outcome, in the reference's [`FIELDS`] order.
pub fn lib_fields(o: &CountryOutcome) -> [f64; 14] {
    [
        o.consumer_surplus,
        o.producer_surplus,
        o.tariff_revenue,
        o.welfare,
        o.tariff_revenue_baseline,
        o.tariff_revenue_counterfactual,
        o.imports_baseline,
        o.imports_counterfactual,
        o.imports_counterfactual_value,
        o.imports_from_partners_change,
        o.imports_from_outside_change,
        o.trade_creation,
        o.trade_diversion,
        o.external_trade_suppression,
    ]
}

/// Compares a library scenario result with the reference, field by field.
#[track_caller]
pub fn compare_result(d: &RefData, lib: &ScenarioResult, rf: &RefResult, rel: f64, ctx: &str) {
    let n = d.n();
    let total_scale: f64 = d.sectors.iter().map(RefSector::total).sum();
    for (s, sec) in d.sectors.iter().enumerate() {
        let ls = &lib.sectors[s];
        let Some(rs) = &rf.sectors[s] else {
            assert!(ls.skipped, "{ctx}: sector {} should be skipped", sec.code);
            continue;
        };
        let abs = abs_floor(sec.total());
        for j in 0..n {
            let lo = &ls.countries[j];
            let ro = &rs.outcomes[j];
            let w = format!("{ctx}: sector {} country {}", sec.code, d.codes[j]);
            assert_close(
                lo.producer_price,
                ro.producer_price,
                rel,
                1e-12,
                &format!("{w} producer_price"),
            );
            if !ro.no_expenditure {
                assert_close(
                    lo.consumer_price_index,
                    ro.consumer_price_index,
                    rel,
                    1e-12,
                    &format!("{w} consumer_price_index"),
                );
            }
            for ((name, a), b) in FIELDS.iter().zip(lib_fields(lo)).zip(ro.fields()) {
                assert_close(a, b, rel, abs, &format!("{w} {name}"));
            }
        }
        for f in &ls.flows {
            let i = d.codes.iter().position(|c| *c == f.exporter).unwrap();
            let j = d.codes.iter().position(|c| *c == f.importer).unwrap();
            assert_eq!(f.baseline, sec.x0[i][j]);
            assert_close(
                f.counterfactual,
                rs.x[i][j],
                rel,
                abs_floor(sec.x0[i][j]) * 1e-2,
                &format!(
                    "{ctx}: sector {} flow {}->{}",
                    sec.code, f.exporter, f.importer
                ),
            );
            assert_close(
                f.counterfactual_value,
                rs.p[i] * rs.x[i][j],
                rel,
                abs_floor(sec.x0[i][j]) * 1e-2,
                &format!(
                    "{ctx}: sector {} flow value {}->{}",
                    sec.code, f.exporter, f.importer
                ),
            );
        }
        let positive = sec.x0.iter().flatten().filter(|v| **v > 0.0).count();
        assert_eq!(
            ls.flows.len(),
            positive,
            "{ctx}: every positive flow is reported"
        );
    }
    for j in 0..n {
        for ((name, a), b) in FIELDS
            .iter()
            .zip(lib_fields(&lib.totals[j]))
            .zip(rf.totals[j].fields())
        {
            assert_close(
                a,
                b,
                rel,
                abs_floor(total_scale),
                &format!("{ctx}: totals {} {name}", d.codes[j]),
            );
        }
    }
    assert_eq!(lib.unions.len(), rf.unions.len(), "{ctx}: unions in force");
    for (lu, (name, members, agg)) in lib.unions.iter().zip(&rf.unions) {
        assert_eq!(&lu.name, name);
        let codes: Vec<String> = members.iter().map(|&m| d.codes[m].clone()).collect();
        assert_eq!(lu.members, codes);
        for ((fname, a), b) in FIELDS
            .iter()
            .zip(lib_fields(&lu.aggregate))
            .zip(agg.fields())
        {
            assert_close(
                a,
                b,
                rel,
                abs_floor(total_scale),
                &format!("{ctx}: union {name} {fname}"),
            );
        }
    }
}

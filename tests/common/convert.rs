//! Conversions between the reference's types and the library's.

use customs_union::policy::{CetException, CetRule, CustomsUnion, RevenueSharing};
use customs_union::run::ScenarioResult;
use customs_union::scenario::{Action, Instrument, PolicyChange, Scenario, Selector};
use customs_union::{
    Country, Dataset, Elasticities, Market, Matrix, ScenarioSet, Sector, Simulation,
};
use customs_union_reference::{
    RefAction, RefCet, RefData, RefPolicy, RefScenario, RefSector, Treatment,
};

use super::TreatmentExt;

pub fn to_dataset(d: &RefData) -> Dataset {
    let countries = d
        .codes
        .iter()
        .map(|c| Country::new(c.as_str(), c.as_str()))
        .collect();
    let mut sectors = Vec::new();
    let mut markets = Vec::new();
    for s in &d.sectors {
        sectors.push(Sector {
            code: s.code.clone(),
            name: s.code.clone(),
            elasticities: Elasticities::new(s.sigma_m, s.sigma_d, s.eta).unwrap(),
            supply_default: s.eps[0],
        });
        markets.push(
            Market::new(
                Matrix::from_rows(&s.x0).unwrap(),
                Matrix::from_rows(&s.t0).unwrap(),
                Matrix::from_rows(&s.c0).unwrap(),
                s.eps.clone(),
            )
            .unwrap(),
        );
    }
    Dataset::new(countries, sectors, markets).unwrap()
}

fn lib_cet(d: &RefData, c: &RefCet) -> CetRule {
    match c {
        RefCet::Adopt(m) => CetRule::Adopt {
            country: d.codes[*m].clone(),
        },
        RefCet::TradeWeighted => CetRule::TradeWeighted,
        RefCet::SimpleAverage => CetRule::SimpleAverage,
        RefCet::Min => CetRule::Min,
        RefCet::Max => CetRule::Max,
        RefCet::None => CetRule::None,
        RefCet::Schedule { rates, exceptions } => CetRule::Schedule {
            rates: rates
                .iter()
                .map(|(s, r)| (s.map_or("*".to_string(), |s| d.sectors[s].code.clone()), *r))
                .collect(),
            exceptions: exceptions
                .iter()
                .map(|&(m, s, r)| CetException {
                    member: d.codes[m].clone(),
                    sector: d.sectors[s].code.clone(),
                    rate: r,
                })
                .collect(),
        },
    }
}

pub fn to_scenario(d: &RefData, sc: &RefScenario) -> Scenario {
    let code = |c: Option<usize>| c.map_or("*".to_string(), |c| d.codes[c].clone());
    let sector = |s: Option<usize>| s.map_or("*".to_string(), |s| d.sectors[s].code.clone());
    let mut scenario = Scenario::new(&sc.name);
    scenario.extends = sc.extends.clone();
    for u in &sc.unions {
        let members: Vec<&str> = u.members.iter().map(|&m| d.codes[m].as_str()).collect();
        let sharing = match &u.shares {
            None => RevenueSharing::Destination,
            Some(sh) => RevenueSharing::Pooled(
                u.members
                    .iter()
                    .zip(sh)
                    .map(|(&m, &s)| (d.codes[m].clone(), s))
                    .collect(),
            ),
        };
        scenario = scenario.with_union(
            CustomsUnion::new(u.name.clone(), &members, lib_cet(d, &u.cet))
                .with_internal_tariff(u.internal)
                .with_ntb_cut(u.ntb_cut)
                .with_revenue_sharing(sharing),
        );
    }
    for ch in &sc.changes {
        let action = match ch.action {
            RefAction::Set(v) => Action::Set(v),
            RefAction::Add(v) => Action::Add(v),
            RefAction::Scale(v) => Action::Scale(v),
            RefAction::Ban => Action::Ban,
        };
        let (importer, exporter, sec) = (code(ch.importer), code(ch.exporter), sector(ch.sector));
        let mut change = if ch.ntb {
            PolicyChange::ntb(&importer, &exporter, &sec, action)
        } else {
            PolicyChange::tariff(&importer, &exporter, &sec, action)
        };
        if let Some(label) = &ch.component {
            change = change.with_component(label);
        }
        scenario = scenario.with_change(change);
    }
    scenario
}

pub fn to_scenario_set(d: &RefData, scs: &[RefScenario]) -> ScenarioSet {
    ScenarioSet::new(scs.iter().map(|s| to_scenario(d, s)).collect())
}

/// Runs scenarios through the library (exact model, default solver).
pub fn lib_run(
    d: &RefData,
    scs: &[RefScenario],
    tr: Treatment,
    decompose: bool,
) -> Result<Vec<ScenarioResult>, customs_union::Error> {
    let data = to_dataset(d);
    let set = to_scenario_set(d, scs);
    let results = Simulation::new(&data)
        .treatment(tr.lib())
        .decompose(decompose)
        .run(&set)?;
    Ok(results.scenarios)
}

/// The embedded toy dataset as reference data (read through the library's loader).
pub fn toy_data() -> RefData {
    let loaded = customs_union::io::embedded::EmbeddedDataset::Toy
        .load()
        .unwrap();
    from_dataset(&loaded.dataset)
}

/// Reference data from a library dataset.
pub fn from_dataset(d: &Dataset) -> RefData {
    RefData {
        codes: d.countries().iter().map(|c| c.code.clone()).collect(),
        sectors: d
            .sectors()
            .iter()
            .zip(d.markets())
            .map(|(s, m)| RefSector {
                code: s.code.clone(),
                sigma_m: s.elasticities.sigma_import,
                sigma_d: s.elasticities.sigma_domestic,
                eta: s.elasticities.demand,
                x0: m.flows().to_rows(),
                t0: m.tariffs().to_rows(),
                c0: m.ntb().to_rows(),
                eps: m.supply().to_vec(),
            })
            .collect(),
    }
}

/// The library market of a reference sector.
pub fn lib_market(s: &RefSector) -> Market {
    Market::new(
        Matrix::from_rows(&s.x0).unwrap(),
        Matrix::from_rows(&s.t0).unwrap(),
        Matrix::from_rows(&s.c0).unwrap(),
        s.eps.clone(),
    )
    .unwrap()
}

/// The library policy of a reference policy.
pub fn lib_policy(p: &RefPolicy) -> customs_union::SectorPolicy {
    customs_union::SectorPolicy {
        tariffs: Matrix::from_rows(&p.t1).unwrap(),
        ntb: Matrix::from_rows(&p.c1).unwrap(),
        banned: p.banned.iter().flatten().copied().collect(),
        restrictions: Default::default(),
    }
}

pub fn lib_elasticities(s: &RefSector) -> Elasticities {
    Elasticities::new(s.sigma_m, s.sigma_d, s.eta).unwrap()
}

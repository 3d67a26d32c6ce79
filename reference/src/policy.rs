//! A scenario's counterfactual policy: tariff and NTB changes by
//! (importer, exporter, sector) selection, unions, and `extends` chains,
//! flattened in the order parent first, then the scenario's own unions
//! (a union with a parent's name replaces it), then its changes in order.
//!
//! ```text
//! exporter "*"  every country other than the importer (a diagonal only when named)
//! set v | add v | scale v | ban (the flow leaves its nest)
//! ```

use crate::data::{RefData, RefSector};
use crate::unions::{RefPool, RefUnion, apply_union};

/// Counterfactual policy of one sector.
#[derive(Debug, Clone)]
pub struct RefPolicy {
    pub t1: Vec<Vec<f64>>,
    pub c1: Vec<Vec<f64>>,
    pub banned: Vec<Vec<bool>>,
}

impl RefPolicy {
    pub fn baseline(s: &RefSector) -> Self {
        RefPolicy {
            t1: s.t0.clone(),
            c1: s.c0.clone(),
            banned: vec![vec![false; s.n()]; s.n()],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RefAction {
    Set(f64),
    Add(f64),
    Scale(f64),
    Ban,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefChange {
    pub ntb: bool,
    pub importer: Option<usize>,
    pub exporter: Option<usize>,
    pub sector: Option<usize>,
    pub action: RefAction,
    pub component: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RefScenario {
    pub name: String,
    pub extends: Option<String>,
    pub unions: Vec<RefUnion>,
    pub changes: Vec<RefChange>,
}

#[derive(Debug, Clone)]
enum RefItem {
    Union(RefUnion),
    Change(RefChange),
}

/// Everything a flattened scenario implies.
#[derive(Debug, Clone)]
pub struct RefCompiled {
    pub policies: Vec<RefPolicy>,
    pub pools: Vec<RefPool>,
    /// Unions in force: (name, members).
    pub unions: Vec<(String, Vec<usize>)>,
}

fn apply_change(data: &RefData, ch: &RefChange, pol: &mut [RefPolicy]) {
    let n = data.n();
    let sectors: Vec<usize> = match ch.sector {
        Some(s) => vec![s],
        None => (0..data.sectors.len()).collect(),
    };
    let importers: Vec<usize> = match ch.importer {
        Some(j) => vec![j],
        None => (0..n).collect(),
    };
    for &s in &sectors {
        for &j in &importers {
            let exporters: Vec<usize> = match ch.exporter {
                // `*`: every other country
                None => (0..n).filter(|&i| i != j).collect(),
                // a diagonal only when both are named explicitly
                Some(i) if i == j && ch.importer.is_none() => vec![],
                Some(i) => vec![i],
            };
            for i in exporters {
                let p = &mut pol[s];
                if ch.action == RefAction::Ban {
                    p.banned[i][j] = true;
                    continue;
                }
                let m = if ch.ntb { &mut p.c1 } else { &mut p.t1 };
                m[i][j] = match ch.action {
                    RefAction::Set(v) => v,
                    RefAction::Add(v) => m[i][j] + v,
                    RefAction::Scale(v) => m[i][j] * v,
                    RefAction::Ban => unreachable!(),
                };
            }
        }
    }
}

/// Flattens scenario `k`'s `extends` chain and builds its policy.
pub fn compile(data: &RefData, scenarios: &[RefScenario], k: usize) -> RefCompiled {
    let mut chain = vec![k];
    while let Some(parent) = &scenarios[*chain.last().unwrap()].extends {
        let pk = scenarios
            .iter()
            .position(|s| &s.name == parent)
            .expect("known parent");
        assert!(!chain.contains(&pk), "cycle");
        chain.push(pk);
    }
    let mut items: Vec<RefItem> = Vec::new();
    for &ck in chain.iter().rev() {
        let sc = &scenarios[ck];
        items.retain(|it| match it {
            RefItem::Union(u) => !sc.unions.iter().any(|v| v.name == u.name),
            RefItem::Change(_) => true,
        });
        items.extend(sc.unions.iter().cloned().map(RefItem::Union));
        items.extend(sc.changes.iter().cloned().map(RefItem::Change));
    }
    let mut policies: Vec<RefPolicy> = data.sectors.iter().map(RefPolicy::baseline).collect();
    let mut pools = Vec::new();
    let mut unions = Vec::new();
    for it in &items {
        match it {
            RefItem::Union(u) => {
                apply_union(data, u, &mut policies, &mut pools);
                unions.push((u.name.clone(), u.members.clone()));
            }
            RefItem::Change(ch) => apply_change(data, ch, &mut policies),
        }
    }
    RefCompiled {
        policies,
        pools: pools.into_iter().map(|(_, p)| p).collect(),
        unions,
    }
}

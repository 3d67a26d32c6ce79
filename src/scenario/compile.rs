//! Compiling scenarios against a dataset: codes resolved, `extends` chains
//! flattened, every intermediate rate checked, bans checked for feasibility.
//!
//! ```text
//! policy(s) = policy(parent(s))                 (a same-named union is taken out)
//!             then s's unions, in file order    (internal tariff, NTB cut, CET, pooling)
//!             then s's tariff and NTB changes, in file order (set | add | scale | ban)
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::item::{Item, ItemKind};
use super::resolve::{check_rate, country, sector_sel};
use super::union::compile_union;
use super::{Action, PolicyChange, Scenario, Selector};
use crate::error::{Error, Result};
use crate::model::limits::{self, RATE_WARN};
use crate::model::{Dataset, DomesticTreatment};
use crate::policy::{PolicyState, feasibility};

/// Resolves codes against `data`, checks everything that can be checked
/// before solving, and flattens each scenario's `extends` chain.
///
/// # Errors
/// [`Error::Scenario`] naming the scenario key: unknown codes or parents, a
/// cycle of `extends`, a country in two unions, shares not summing to 1, a
/// CET naming a non-member, a diagonal rate under the nested treatment, an
/// infeasible ban, a rate out of range after a change.
pub(crate) fn compile(
    source: &str,
    scenarios: &[Scenario],
    data: &Dataset,
    treatment: DomesticTreatment,
) -> Result<Vec<CompiledScenario>> {
    let mut names = HashMap::new();
    for (k, s) in scenarios.iter().enumerate() {
        let key = format!("scenario[{k}].name");
        if s.name.trim().is_empty() {
            return Err(Error::scenario(source, key, "a scenario needs a name"));
        }
        if names.insert(s.name.clone(), k).is_some() {
            return Err(Error::scenario(
                source,
                key,
                format!("duplicate scenario name `{}`", s.name),
            ));
        }
    }
    let mut own: Vec<Vec<Item>> = Vec::with_capacity(scenarios.len());
    for (k, s) in scenarios.iter().enumerate() {
        own.push(own_items(source, k, s, data, treatment)?);
    }
    let mut out = Vec::with_capacity(scenarios.len());
    for (k, s) in scenarios.iter().enumerate() {
        let mut chain = vec![k];
        let mut cur = s;
        while let Some(p) = &cur.extends {
            let Some(&pk) = names.get(p) else {
                return Err(Error::scenario(
                    source,
                    format!("scenario[{}].extends", chain[chain.len() - 1]),
                    format!("unknown scenario `{p}`"),
                ));
            };
            if chain.contains(&pk) {
                return Err(Error::scenario(
                    source,
                    format!("scenario[{k}].extends"),
                    format!("`extends` forms a cycle through `{p}`"),
                ));
            }
            chain.push(pk);
            cur = &scenarios[pk];
        }
        // oldest ancestor first
        let mut items: Vec<Item> = Vec::new();
        for &ck in chain.iter().rev() {
            let sc = &scenarios[ck];
            let restated: Vec<&str> = sc.unions.iter().map(|u| u.name.as_str()).collect();
            items.retain(|it| !it.union.as_deref().is_some_and(|n| restated.contains(&n)));
            items.extend(own[ck].iter().cloned());
        }
        out.push(CompiledScenario::new(source, k, s, items, data, treatment)?);
    }
    Ok(out)
}

fn own_items(
    src: &str,
    k: usize,
    s: &Scenario,
    data: &Dataset,
    treatment: DomesticTreatment,
) -> Result<Vec<Item>> {
    let base = format!("scenario[{k}] (`{}`)", s.name);
    let mut items = Vec::new();
    let mut union_names = HashMap::new();
    for (u, un) in s.unions.iter().enumerate() {
        let ukey = format!("{base}.union[{u}]");
        if union_names.insert(un.name.clone(), u).is_some() {
            return Err(Error::scenario(
                src,
                format!("{ukey}.name"),
                format!("union `{}` appears twice in this scenario", un.name),
            ));
        }
        items.extend(compile_union(src, &ukey, un, data)?);
    }
    for (c, ch) in s.changes.iter().enumerate() {
        let ckey = format!("{base}.{}[{c}]", ch.instrument.name());
        items.push(compile_change(src, &ckey, &s.name, c, ch, data, treatment)?);
    }
    Ok(items)
}

#[allow(clippy::too_many_arguments)]
fn compile_change(
    src: &str,
    ckey: &str,
    scenario: &str,
    index: usize,
    ch: &PolicyChange,
    data: &Dataset,
    treatment: DomesticTreatment,
) -> Result<Item> {
    let n = data.n_countries();
    let sectors = sector_sel(src, &format!("{ckey}.sector"), data, &ch.sector.to_string())?;
    let importers: Vec<usize> = match &ch.importer {
        Selector::All => (0..n).collect(),
        Selector::Code(c) => vec![country(src, &format!("{ckey}.importer"), data, c)?],
    };
    let exporter = match &ch.exporter {
        Selector::All => None,
        Selector::Code(c) => Some(country(src, &format!("{ckey}.exporter"), data, c)?),
    };
    match ch.action {
        Action::Set(v) | Action::Add(v) | Action::Scale(v) => {
            check_rate(src, ckey, v, "the value")?;
        }
        Action::Ban => {}
    }
    let explicit_diagonal =
        matches!((&ch.importer, &ch.exporter), (Selector::Code(a), Selector::Code(b)) if a == b);
    if explicit_diagonal && treatment == DomesticTreatment::Nested {
        return Err(Error::scenario(
            src,
            format!("{ckey}.exporter"),
            "a rate on a country's own (domestic) sales needs the as-import-source treatment of domestic sales",
        ));
    }
    let mut cells = Vec::new();
    for &s in &sectors {
        for &j in &importers {
            match exporter {
                None => {
                    for i in (0..n).filter(|&i| i != j) {
                        cells.push((s, i, j));
                    }
                }
                Some(i) => {
                    if i != j || explicit_diagonal {
                        cells.push((s, i, j));
                    }
                }
            }
        }
    }
    let label = ch.component.clone().unwrap_or_else(|| {
        format!(
            "{} {}<-{} {} ({scenario} #{index})",
            ch.instrument.name(),
            ch.importer,
            ch.exporter,
            ch.sector
        )
    });
    Ok(Item {
        key: ckey.to_string(),
        label,
        union: None,
        kind: ItemKind::Change {
            instrument: ch.instrument,
            cells,
            action: ch.action,
        },
    })
}

/// A union as it stands at the end of a scenario's `extends` chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UnionMembership {
    /// Name.
    pub name: String,
    /// Member country indices.
    pub members: Vec<usize>,
}

/// A scenario resolved against a dataset: ready to build its policy, whole or
/// for any subset of its components.
#[derive(Debug, Clone)]
pub(crate) struct CompiledScenario {
    /// Scenario name.
    pub name: String,
    /// The file (or `<api>`) the scenario came from, for error messages.
    pub source: String,
    /// Description.
    pub description: String,
    /// Component labels, in order of first appearance.
    pub components: Vec<String>,
    /// The unions in force (for trade effects and the Article XXIV report).
    pub unions: Vec<UnionMembership>,
    /// Rates the scenario raises above 100% (warned, not refused).
    pub warnings: Vec<String>,
    pub(super) items: Vec<Item>,
    pub(super) item_component: Vec<usize>,
    pub(super) base: PolicyState,
}

/// One warning per (sector, instrument) for counterfactual rates above 100%
/// that were not so at baseline.
fn rate_warnings(base: &PolicyState, p: &PolicyState, data: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    for (si, (b, c)) in base.sectors.iter().zip(&p.sectors).enumerate() {
        for (what, mb, mc) in [
            ("tariff", &b.tariffs, &c.tariffs),
            ("NTB wedge", &b.ntb, &c.ntb),
        ] {
            let n = mc.n();
            let raised: Vec<String> = (0..n)
                .flat_map(|i| (0..n).map(move |j| (i, j)))
                .filter(|&(i, j)| mc.get(i, j) > RATE_WARN && mb.get(i, j) <= RATE_WARN)
                .map(|(i, j)| {
                    format!(
                        "{}->{} {}",
                        data.countries()[i].code,
                        data.countries()[j].code,
                        mc.get(i, j)
                    )
                })
                .collect();
            if let Some(first) = raised.first() {
                out.push(format!(
                    "sector {}: the scenario sets {} {what} rate(s) above 100% (e.g. {first}); \
                     rates are fractions (0.15 = 15%)",
                    data.sectors()[si].code,
                    raised.len()
                ));
            }
        }
    }
    out
}

impl CompiledScenario {
    fn new(
        src: &str,
        k: usize,
        s: &Scenario,
        items: Vec<Item>,
        data: &Dataset,
        treatment: DomesticTreatment,
    ) -> Result<Self> {
        let mut components: Vec<String> = Vec::new();
        let mut item_component = Vec::with_capacity(items.len());
        for it in &items {
            let c = match components.iter().position(|l| *l == it.label) {
                Some(c) => c,
                None => {
                    components.push(it.label.clone());
                    components.len() - 1
                }
            };
            item_component.push(c);
        }
        // unions in force; a country may belong to one only
        let mut unions: Vec<UnionMembership> = Vec::new();
        for it in &items {
            if let (Some(name), ItemKind::Internal { members, .. }) = (&it.union, &it.kind) {
                unions.push(UnionMembership {
                    name: name.clone(),
                    members: members.clone(),
                });
            }
        }
        for (a, ua) in unions.iter().enumerate() {
            for ub in &unions[a + 1..] {
                if let Some(&c) = ua.members.iter().find(|m| ub.members.contains(m)) {
                    return Err(Error::scenario(
                        src,
                        format!("scenario[{k}] (`{}`).union", s.name),
                        format!(
                            "{} is a member of two unions, `{}` and `{}`",
                            data.countries()[c].code,
                            ua.name,
                            ub.name
                        ),
                    ));
                }
            }
        }
        let base = PolicyState::baseline(data.markets());
        let cs = CompiledScenario {
            name: s.name.clone(),
            source: src.to_string(),
            description: s.description.clone(),
            components,
            unions,
            items,
            item_component,
            base,
            warnings: Vec::new(),
        };
        // every intermediate rate must stay in range
        let mut p = cs.base.clone();
        for it in &cs.items {
            it.apply(&mut p);
            for (si, sp) in p.sectors.iter().enumerate() {
                let n = sp.tariffs.n();
                for i in 0..n {
                    for j in 0..n {
                        let t = sp.tariffs.get(i, j);
                        let c = sp.ntb.get(i, j);
                        if let (Err(msg), _) | (_, Err(msg)) =
                            (limits::check_rate(t), limits::check_rate(c))
                        {
                            return Err(Error::scenario(
                                src,
                                &it.key,
                                format!(
                                    "on {}->{} in sector {}: {msg}",
                                    data.countries()[i].code,
                                    data.countries()[j].code,
                                    data.sectors()[si].code
                                ),
                            ));
                        }
                        if !(t.is_finite() && t > -1.0 && c.is_finite() && c >= 0.0) {
                            return Err(Error::scenario(
                                src,
                                &it.key,
                                format!(
                                    "leaves the {} on {}->{} in sector {} out of range (tariff {t}, ntb {c}): \
                                     tariffs must be > -1 and wedges >= 0",
                                    if t > -1.0 { "wedge" } else { "tariff" },
                                    data.countries()[i].code,
                                    data.countries()[j].code,
                                    data.sectors()[si].code
                                ),
                            ));
                        }
                    }
                }
            }
            if let ItemKind::Change {
                action: Action::Ban,
                cells,
                ..
            } = &it.kind
            {
                let mut done: Vec<usize> = Vec::new();
                for &(si, _, _) in cells {
                    if done.contains(&si) {
                        continue;
                    }
                    done.push(si);
                    let sector = &data.sectors()[si];
                    let market = &data.markets()[si];
                    let check = feasibility::check(
                        market,
                        &p.sectors[si],
                        &sector.elasticities,
                        market.supply(),
                        treatment,
                    );
                    if let Err(reason) = check {
                        let codes: Vec<&str> =
                            data.countries().iter().map(|c| c.code.as_str()).collect();
                        return Err(Error::scenario(
                            src,
                            &it.key,
                            format!("ban in sector {}: {}", sector.code, reason.describe(&codes)),
                        ));
                    }
                }
            }
        }
        let mut cs = cs;
        cs.warnings = rate_warnings(&cs.base, &p, data);
        Ok(cs)
    }

    /// The counterfactual policy with every component.
    pub fn policy(&self) -> PolicyState {
        self.policy_subset(&vec![true; self.components.len()])
    }

    /// The policy with only the components flagged in `include` (by index into
    /// [`CompiledScenario::components`]), applied in their usual order.
    pub fn policy_subset(&self, include: &[bool]) -> PolicyState {
        let mut p = self.base.clone();
        for (it, &c) in self.items.iter().zip(&self.item_component) {
            if include.get(c).copied().unwrap_or(false) {
                it.apply(&mut p);
            }
        }
        p
    }

    /// Union index of each country (`None` outside every union).
    pub fn union_of(&self, n: usize) -> Vec<Option<usize>> {
        let mut v = vec![None; n];
        for (u, un) in self.unions.iter().enumerate() {
            for &m in &un.members {
                v[m] = Some(u);
            }
        }
        v
    }
}

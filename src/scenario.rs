//! Scenarios: what a policy experiment changes, and how it compiles to a
//! counterfactual [`PolicyState`].
//!
//! ```text
//! policy(s) = policy(parent(s))                 (a same-named union is taken out)
//!             then s's unions, in file order    (internal tariff, NTB cut, CET, pooling)
//!             then s's tariff and NTB changes, in file order (set | add | scale | ban)
//! ```
//! Every scenario's results are changes from the data's baseline. Each
//! union part and each change (or group of changes sharing a `component`
//! label) is one *component* of the scenario, the unit of the Shapley
//! decomposition.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::policy::{CetRule, CustomsUnion, PolicyState, RevenuePool, RevenueSharing};
use crate::solver::{DomesticTreatment, PreparedMarket, SolverConfig};
use crate::tolerance;

/// Most components a decomposition accepts (2^12 = 4096 solves per sector).
pub const MAX_COMPONENTS: usize = 12;

/// A selection of countries or sectors: one code, or every one (`"*"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selector {
    /// Every item (`"*"`); an exporter `*` means every country other than the importer.
    All,
    /// One code.
    Code(String),
}

impl Selector {
    /// `"*"` → [`Selector::All`], anything else → [`Selector::Code`].
    pub fn parse(s: &str) -> Selector {
        if s == "*" {
            Selector::All
        } else {
            Selector::Code(s.to_string())
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("*"),
            Selector::Code(c) => f.write_str(c),
        }
    }
}

/// Which border measure a change acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Instrument {
    /// Ad valorem tariff.
    Tariff,
    /// Non-tariff wedge (ad valorem equivalent).
    Ntb,
}

impl Instrument {
    fn name(self) -> &'static str {
        match self {
            Instrument::Tariff => "tariff",
            Instrument::Ntb => "ntb",
        }
    }
}

/// What a change does to the selected rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Set the rate.
    Set(f64),
    /// Add to the rate.
    Add(f64),
    /// Multiply the rate.
    Scale(f64),
    /// Remove the flow altogether (needs the nest's sigma > 1).
    Ban,
}

/// A tariff or non-tariff change on an (importer, exporter, sector) selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyChange {
    /// Tariff or NTB.
    pub instrument: Instrument,
    /// Importing country (or all).
    pub importer: Selector,
    /// Exporting country (or every *other* country).
    pub exporter: Selector,
    /// Sector (or all).
    pub sector: Selector,
    /// What is done.
    pub action: Action,
    /// Decomposition label; changes sharing a label count as one component.
    pub component: Option<String>,
}

impl PolicyChange {
    /// A tariff change.
    pub fn tariff(importer: &str, exporter: &str, sector: &str, action: Action) -> Self {
        PolicyChange {
            instrument: Instrument::Tariff,
            importer: Selector::parse(importer),
            exporter: Selector::parse(exporter),
            sector: Selector::parse(sector),
            action,
            component: None,
        }
    }

    /// A non-tariff change.
    pub fn ntb(importer: &str, exporter: &str, sector: &str, action: Action) -> Self {
        PolicyChange {
            instrument: Instrument::Ntb,
            ..PolicyChange::tariff(importer, exporter, sector, action)
        }
    }

    /// Sets the decomposition label.
    pub fn with_component(mut self, label: &str) -> Self {
        self.component = Some(label.to_string());
        self
    }
}

/// One policy experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Scenario {
    /// Unique name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Name of the scenario this one builds on.
    pub extends: Option<String>,
    /// Customs unions and free trade areas formed or restated here.
    pub unions: Vec<CustomsUnion>,
    /// Tariff and NTB changes, applied in order after the unions.
    pub changes: Vec<PolicyChange>,
}

impl Scenario {
    /// An empty scenario (no change from the baseline).
    pub fn new(name: &str) -> Self {
        Scenario {
            name: name.to_string(),
            ..Scenario::default()
        }
    }

    /// Builds on `parent`.
    pub fn extending(mut self, parent: &str) -> Self {
        self.extends = Some(parent.to_string());
        self
    }

    /// Adds a union.
    pub fn with_union(mut self, union: CustomsUnion) -> Self {
        self.unions.push(union);
        self
    }

    /// Adds a change.
    pub fn with_change(mut self, change: PolicyChange) -> Self {
        self.changes.push(change);
        self
    }
}

/// The scenarios of one file (or built in code) and the solver settings they run with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ScenarioSet {
    /// Where they came from (a file name, or `<api>`), used in error messages.
    pub source: String,
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// Solver settings (`[solver]`).
    pub solver: SolverConfig,
}

impl ScenarioSet {
    /// A set built in code.
    pub fn new(scenarios: Vec<Scenario>) -> Self {
        ScenarioSet {
            source: "<api>".to_string(),
            scenarios,
            solver: SolverConfig::default(),
        }
    }

    /// Resolves codes against `data`, checks everything that can be checked
    /// before solving, and flattens each scenario's `extends` chain.
    ///
    /// # Errors
    /// [`Error::Scenario`] naming the scenario key: unknown codes or parents, a
    /// cycle of `extends`, a country in two unions, shares not summing to 1, a
    /// CET naming a non-member, a diagonal rate under the nested treatment, an
    /// infeasible ban, a rate out of range after a change.
    pub fn compile(
        &self,
        data: &Dataset,
        treatment: DomesticTreatment,
    ) -> Result<Vec<CompiledScenario>> {
        let mut names = HashMap::new();
        for (k, s) in self.scenarios.iter().enumerate() {
            let key = format!("scenario[{k}].name");
            if s.name.trim().is_empty() {
                return Err(Error::scenario(
                    &self.source,
                    key,
                    "a scenario needs a name",
                ));
            }
            if names.insert(s.name.clone(), k).is_some() {
                return Err(Error::scenario(
                    &self.source,
                    key,
                    format!("duplicate scenario name `{}`", s.name),
                ));
            }
        }
        let mut own: Vec<Vec<Item>> = Vec::with_capacity(self.scenarios.len());
        for (k, s) in self.scenarios.iter().enumerate() {
            own.push(self.own_items(k, s, data, treatment)?);
        }
        let mut out = Vec::with_capacity(self.scenarios.len());
        for (k, s) in self.scenarios.iter().enumerate() {
            let mut chain = vec![k];
            let mut cur = s;
            while let Some(p) = &cur.extends {
                let Some(&pk) = names.get(p) else {
                    return Err(Error::scenario(
                        &self.source,
                        format!("scenario[{}].extends", chain[chain.len() - 1]),
                        format!("unknown scenario `{p}`"),
                    ));
                };
                if chain.contains(&pk) {
                    return Err(Error::scenario(
                        &self.source,
                        format!("scenario[{k}].extends"),
                        format!("`extends` forms a cycle through `{p}`"),
                    ));
                }
                chain.push(pk);
                cur = &self.scenarios[pk];
            }
            // oldest ancestor first
            let mut items: Vec<Item> = Vec::new();
            for &ck in chain.iter().rev() {
                let sc = &self.scenarios[ck];
                let restated: Vec<&str> = sc.unions.iter().map(|u| u.name.as_str()).collect();
                items.retain(|it| !it.union.as_deref().is_some_and(|n| restated.contains(&n)));
                items.extend(own[ck].iter().cloned());
            }
            out.push(CompiledScenario::new(
                &self.source,
                k,
                s,
                items,
                data,
                treatment,
            )?);
        }
        Ok(out)
    }

    fn own_items(
        &self,
        k: usize,
        s: &Scenario,
        data: &Dataset,
        treatment: DomesticTreatment,
    ) -> Result<Vec<Item>> {
        let src = &self.source;
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
}

fn country(src: &str, key: &str, data: &Dataset, code: &str) -> Result<usize> {
    data.country_id(code)
        .map(|c| c.0)
        .ok_or_else(|| Error::scenario(src, key, format!("unknown country code `{code}`")))
}

fn sector_sel(src: &str, key: &str, data: &Dataset, code: &str) -> Result<Vec<usize>> {
    if code == "*" {
        return Ok((0..data.sectors().len()).collect());
    }
    data.sector_id(code)
        .map(|s| vec![s.0])
        .ok_or_else(|| Error::scenario(src, key, format!("unknown sector code `{code}`")))
}

fn check_rate(src: &str, key: &str, v: f64, what: &str) -> Result<()> {
    if !v.is_finite() {
        return Err(Error::scenario(
            src,
            key,
            format!("{what} must be finite, got {v}"),
        ));
    }
    Ok(())
}

fn compile_union(src: &str, ukey: &str, un: &CustomsUnion, data: &Dataset) -> Result<Vec<Item>> {
    let n = data.n_countries();
    if un.name.trim().is_empty() {
        return Err(Error::scenario(
            src,
            format!("{ukey}.name"),
            "a union needs a name",
        ));
    }
    if un.members.len() < 2 {
        return Err(Error::scenario(
            src,
            format!("{ukey}.members"),
            "a union needs at least two members",
        ));
    }
    let mut members = Vec::new();
    for m in &un.members {
        let id = country(src, &format!("{ukey}.members"), data, m)?;
        if members.contains(&id) {
            return Err(Error::scenario(
                src,
                format!("{ukey}.members"),
                format!("`{m}` is listed twice"),
            ));
        }
        members.push(id);
    }
    let is_member = |c: usize| members.contains(&c);
    check_rate(
        src,
        &format!("{ukey}.internal_tariff"),
        un.internal_tariff,
        "internal_tariff",
    )?;
    if un.internal_tariff <= -1.0 {
        return Err(Error::scenario(
            src,
            format!("{ukey}.internal_tariff"),
            format!("a tariff must be > -1, got {}", un.internal_tariff),
        ));
    }
    if !(0.0..=1.0).contains(&un.ntb_cut) {
        return Err(Error::scenario(
            src,
            format!("{ukey}.ntb_cut"),
            format!("must be in [0, 1], got {}", un.ntb_cut),
        ));
    }
    let tag = Some(un.name.clone());
    let mut items = vec![Item {
        key: format!("{ukey}.internal_tariff"),
        label: format!("{}: internal tariffs", un.name),
        union: tag.clone(),
        kind: ItemKind::Internal {
            members: members.clone(),
            rate: un.internal_tariff,
        },
    }];
    if un.ntb_cut > 0.0 {
        items.push(Item {
            key: format!("{ukey}.ntb_cut"),
            label: format!("{}: NTB cut", un.name),
            union: tag.clone(),
            kind: ItemKind::NtbCut {
                members: members.clone(),
                cut: un.ntb_cut,
            },
        });
    }
    // CET: target rates per sector, read from the baseline
    let ckey = format!("{ukey}.cet");
    let cet_rates: Option<Vec<Vec<(usize, usize, f64)>>> = match &un.cet {
        CetRule::None => None,
        rule => {
            let mut per_sector = Vec::with_capacity(data.sectors().len());
            let mut sched: BTreeMap<usize, f64> = BTreeMap::new();
            let mut star = None;
            let mut exc: HashMap<(usize, usize), f64> = HashMap::new();
            let mut adopt = None;
            match rule {
                CetRule::Adopt { country: c } => {
                    let id = country(src, &format!("{ckey}.country"), data, c)?;
                    if !is_member(id) {
                        return Err(Error::scenario(
                            src,
                            format!("{ckey}.country"),
                            format!("`{c}` is not a member of union `{}`", un.name),
                        ));
                    }
                    adopt = Some(id);
                }
                CetRule::Schedule { rates, exceptions } => {
                    for (sec, r) in rates {
                        let rk = format!("{ckey}.rates.{sec}");
                        check_rate(src, &rk, *r, "a CET rate")?;
                        if *r <= -1.0 {
                            return Err(Error::scenario(
                                src,
                                rk,
                                format!("a tariff must be > -1, got {r}"),
                            ));
                        }
                        if sec == "*" {
                            star = Some(*r);
                        } else {
                            let s = sector_sel(src, &rk, data, sec)?[0];
                            sched.insert(s, *r);
                        }
                    }
                    for (e, ex) in exceptions.iter().enumerate() {
                        let ek = format!("{ckey}.exceptions[{e}]");
                        let m = country(src, &format!("{ek}.member"), data, &ex.member)?;
                        if !is_member(m) {
                            return Err(Error::scenario(
                                src,
                                format!("{ek}.member"),
                                format!("`{}` is not a member of union `{}`", ex.member, un.name),
                            ));
                        }
                        check_rate(src, &format!("{ek}.rate"), ex.rate, "an exception rate")?;
                        if ex.rate <= -1.0 {
                            return Err(Error::scenario(
                                src,
                                format!("{ek}.rate"),
                                format!("a tariff must be > -1, got {}", ex.rate),
                            ));
                        }
                        for s in sector_sel(src, &format!("{ek}.sector"), data, &ex.sector)? {
                            // a sector-specific exception beats a "*" one
                            if ex.sector != "*" || !exc.contains_key(&(m, s)) {
                                exc.insert((m, s), ex.rate);
                            }
                        }
                    }
                }
                _ => {}
            }
            for (s, market) in data.markets().iter().enumerate() {
                let t0 = market.tariffs();
                let x0 = market.flows();
                let mut cells = Vec::new();
                for o in (0..n).filter(|&o| !is_member(o)) {
                    let ts: Vec<f64> = members.iter().map(|&m| t0.get(o, m)).collect();
                    let common = match rule {
                        CetRule::Adopt { .. } => t0.get(o, adopt.unwrap_or(members[0])),
                        CetRule::TradeWeighted => {
                            let w: f64 = members.iter().map(|&m| x0.get(o, m)).sum();
                            if w > 0.0 {
                                members
                                    .iter()
                                    .map(|&m| x0.get(o, m) * t0.get(o, m))
                                    .sum::<f64>()
                                    / w
                            } else {
                                ts.iter().sum::<f64>() / ts.len() as f64
                            }
                        }
                        CetRule::SimpleAverage => ts.iter().sum::<f64>() / ts.len() as f64,
                        CetRule::Min => ts.iter().copied().fold(f64::INFINITY, f64::min),
                        CetRule::Max => ts.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        CetRule::Schedule { .. } => match sched.get(&s).copied().or(star) {
                            Some(r) => r,
                            None => {
                                return Err(Error::scenario(
                                    src,
                                    format!("{ckey}.rates"),
                                    format!(
                                        "no rate for sector `{}` and no \"*\" rate",
                                        data.sectors()[s].code
                                    ),
                                ));
                            }
                        },
                        CetRule::None => unreachable!("handled above"),
                    };
                    for &m in &members {
                        let r = exc.get(&(m, s)).copied().unwrap_or(common);
                        cells.push((o, m, r));
                    }
                }
                per_sector.push(cells);
            }
            Some(per_sector)
        }
    };
    if let Some(rates) = cet_rates {
        items.push(Item {
            key: ckey,
            label: format!("{}: CET", un.name),
            union: tag.clone(),
            kind: ItemKind::Cet { rates },
        });
    }
    if let RevenueSharing::Pooled(shares) = &un.revenue_sharing {
        let skey = format!("{ukey}.revenue_sharing");
        let mut sh = vec![0.0; members.len()];
        let mut sum = 0.0;
        for (code, v) in shares {
            let id = country(src, &format!("{skey}.{code}"), data, code)?;
            let Some(pos) = members.iter().position(|&m| m == id) else {
                return Err(Error::scenario(
                    src,
                    format!("{skey}.{code}"),
                    format!("`{code}` is not a member of union `{}`", un.name),
                ));
            };
            if !(v.is_finite() && *v >= 0.0) {
                return Err(Error::scenario(
                    src,
                    format!("{skey}.{code}"),
                    format!("a share must be finite and >= 0, got {v}"),
                ));
            }
            sh[pos] += v;
            sum += v;
        }
        if (sum - 1.0).abs() > tolerance::SHARES_SUM {
            return Err(Error::scenario(
                src,
                skey,
                format!("shares must sum to 1 (within 1e-9), they sum to {sum}"),
            ));
        }
        items.push(Item {
            key: skey,
            label: format!("{}: duty pooling", un.name),
            union: tag,
            kind: ItemKind::Pool(RevenuePool {
                union: un.name.clone(),
                members: members.clone(),
                shares: sh,
            }),
        });
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
            "a rate on a country's own (domestic) sales needs --domestic as-import-source",
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

/// One applicable piece of a scenario's policy.
#[derive(Debug, Clone)]
struct Item {
    key: String,
    label: String,
    union: Option<String>,
    kind: ItemKind,
}

#[derive(Debug, Clone)]
enum ItemKind {
    Internal {
        members: Vec<usize>,
        rate: f64,
    },
    NtbCut {
        members: Vec<usize>,
        cut: f64,
    },
    Cet {
        rates: Vec<Vec<(usize, usize, f64)>>,
    },
    Pool(RevenuePool),
    Change {
        instrument: Instrument,
        cells: Vec<(usize, usize, usize)>,
        action: Action,
    },
}

impl Item {
    fn apply(&self, p: &mut PolicyState) {
        match &self.kind {
            ItemKind::Internal { members, rate } => {
                for sp in &mut p.sectors {
                    for &a in members {
                        for &b in members {
                            if a != b {
                                sp.tariffs.set(a, b, *rate);
                            }
                        }
                    }
                }
            }
            ItemKind::NtbCut { members, cut } => {
                for sp in &mut p.sectors {
                    for &a in members {
                        for &b in members {
                            if a != b {
                                let v = sp.ntb.get(a, b);
                                sp.ntb.set(a, b, v * (1.0 - cut));
                            }
                        }
                    }
                }
            }
            ItemKind::Cet { rates } => {
                for (sp, cells) in p.sectors.iter_mut().zip(rates) {
                    for &(o, m, r) in cells {
                        sp.tariffs.set(o, m, r);
                    }
                }
            }
            ItemKind::Pool(pool) => {
                p.pools.retain(|q| q.union != pool.union);
                p.pools.push(pool.clone());
            }
            ItemKind::Change {
                instrument,
                cells,
                action,
            } => {
                for &(s, i, j) in cells {
                    let sp = &mut p.sectors[s];
                    let n = sp.tariffs.n();
                    if *action == Action::Ban {
                        sp.banned[i * n + j] = true;
                        continue;
                    }
                    let m = match instrument {
                        Instrument::Tariff => &mut sp.tariffs,
                        Instrument::Ntb => &mut sp.ntb,
                    };
                    let v = m.get(i, j);
                    let nv = match *action {
                        Action::Set(x) => x,
                        Action::Add(x) => v + x,
                        Action::Scale(x) => v * x,
                        Action::Ban => v,
                    };
                    m.set(i, j, nv);
                }
            }
        }
    }
}

/// A union as it stands at the end of a scenario's `extends` chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnionMembership {
    /// Name.
    pub name: String,
    /// Member country indices.
    pub members: Vec<usize>,
}

/// A scenario resolved against a dataset: ready to build its policy, whole or
/// for any subset of its components.
#[derive(Debug, Clone)]
pub struct CompiledScenario {
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
    items: Vec<Item>,
    item_component: Vec<usize>,
    base: PolicyState,
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
                    let check =
                        PreparedMarket::new(market, &p.sectors[si], treatment).and_then(|pm| {
                            pm.check(&sector.elasticities, market.supply(), &sector.code)
                        });
                    if let Err(e) = check {
                        let msg = match e {
                            Error::Model { message, .. } | Error::Invalid { message, .. } => {
                                message.replace(" #", " ").to_string()
                            }
                            other => other.to_string(),
                        };
                        return Err(Error::scenario(
                            src,
                            &it.key,
                            format!(
                                "ban in sector {}: {}",
                                sector.code,
                                name_countries(&msg, data)
                            ),
                        ));
                    }
                }
            }
        }
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

/// Replaces `importer N` / `exporter N` (country indices in solver messages) by codes.
fn name_countries(msg: &str, data: &Dataset) -> String {
    let mut out = msg.to_string();
    for role in ["importer", "exporter", "country"] {
        for (i, c) in data.countries().iter().enumerate().rev() {
            out = out.replace(&format!("{role} {i}"), &format!("{role} {}", c.code));
        }
    }
    out
}

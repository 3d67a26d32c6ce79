//! Compiling scenarios against a dataset: codes resolved, `extends` chains
//! flattened, every intermediate rate checked, bans checked for feasibility.
//!
//! ```text
//! policy(s) = policy(parent(s))                 (a same-named union is taken out)
//!             then s's unions, in file order    (internal tariff, NTB cut, CET, pooling)
//!             then s's tariff and NTB changes, in file order (set | add | scale | ban)
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::item::{Item, ItemKind};
use super::resolve::{check_rate, country, parents, sector_sel};
use super::union::compile_union;
use super::{Action, Instrument, PolicyChange, Scenario, Selector, quota};
use crate::error::{Error, Result};
use crate::model::limits::{self, RATE_WARN};
use crate::model::{Dataset, DomesticTreatment};
use crate::policy::{InternalQuotas, PolicyState, feasibility};

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
    compile_keeping(source, scenarios, data, treatment, KEEP_POLICY_CELLS)
}

/// [`compile`], keeping checked policies for the runs up to `keep_cells`
/// rate cells (and always one).
fn compile_keeping(
    source: &str,
    scenarios: &[Scenario],
    data: &Dataset,
    treatment: DomesticTreatment,
    keep_cells: usize,
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
    let quotas_anywhere = data.markets().iter().any(|m| !m.quotas().is_empty())
        || scenarios.iter().any(|s| !s.quotas.is_empty());
    let mut own: Vec<Vec<Arc<Item>>> = Vec::with_capacity(scenarios.len());
    for (k, s) in scenarios.iter().enumerate() {
        let items = own_items(source, k, s, data, treatment, quotas_anywhere)?;
        own.push(items.into_iter().map(Arc::new).collect());
    }
    let parents = parents(source, scenarios, &names);
    let checker = Checker::new(source, data, treatment);
    // each scenario built once, after its parent; a parent's checked policy
    // is kept until its last child has used it
    let mut children = vec![0usize; scenarios.len()];
    for p in parents
        .iter()
        .filter_map(|p| p.as_ref().ok().copied().flatten())
    {
        children[p] += 1;
    }
    let mut built: Vec<Option<Built>> = vec![None; scenarios.len()];
    // a checked policy no child needs any more is the one the scenario's
    // run solves with: it is kept for the run, in build order, while the
    // kept ones stay small beside the data (at least one is always kept), and
    // dropped past that, to be built again when the scenario runs
    let policy_cells = data.sectors().len() * data.n_countries() * data.n_countries();
    let budget = policy_cells.max(keep_cells);
    let mut kept_cells = 0usize;
    let mut release = |b: &mut Option<Built>| {
        if let Some(Built { checked: Ok(c), .. }) = b {
            if c.policy.is_some() {
                if kept_cells + policy_cells <= budget {
                    kept_cells += policy_cells;
                } else {
                    c.policy = None;
                }
            }
        }
    };
    for k in 0..scenarios.len() {
        let mut path = vec![k];
        while let Some(&Ok(Some(p))) = parents.get(path[path.len() - 1]) {
            if built[p].is_some() {
                break;
            }
            path.push(p);
        }
        for &b in path.iter().rev() {
            if built[b].is_some() || parents[b].is_err() {
                continue;
            }
            let parent = parents[b].as_ref().ok().copied().flatten();
            let done = checker.extend(
                &scenarios[b],
                parent.and_then(|p| built[p].as_ref()),
                &own[b],
            );
            if let Some(p) = parent {
                children[p] -= 1;
                if children[p] == 0 {
                    release(&mut built[p]);
                }
            }
            built[b] = Some(done);
            if children[b] == 0 {
                release(&mut built[b]);
            }
        }
    }
    let mut out = Vec::with_capacity(scenarios.len());
    for (k, s) in scenarios.iter().enumerate() {
        if let Err(e) = &parents[k] {
            return Err(e.clone());
        }
        let b = built[k].take().expect("every whole chain built");
        out.push(CompiledScenario::new(source, k, s, b, data, &checker.base)?);
    }
    Ok(out)
}

/// Fewest changes of a scenario resolved as one piece of parallel work.
const PARALLEL_CHANGES: usize = 64;

/// How many rate cells of checked policies compilation keeps for the runs
/// (each policy holds `sectors x countries^2` of them, in two matrices and a
/// ban mask: about 17 bytes a cell), beyond the one policy always kept.
const KEEP_POLICY_CELLS: usize = 1 << 20;

/// A scenario's items after its `extends` chain, and whether they pass the
/// checks applied in order.
#[derive(Debug, Clone)]
struct Built {
    items: Vec<Arc<Item>>,
    checked: Result<Checked>,
}

/// The policy a checked item list gives (kept while a child still needs
/// it) and its warnings.
#[derive(Debug, Clone)]
struct Checked {
    policy: Option<PolicyState>,
    warnings: Vec<String>,
}

/// Applies items to a policy and checks what each one touched: every
/// intermediate rate in range, every sector with a ban still solvable.
struct Checker<'a> {
    src: &'a str,
    data: &'a Dataset,
    treatment: DomesticTreatment,
    /// The baseline policy, built only when something asks for it (the
    /// checks read the baseline rates from the markets).
    base: Arc<OnceLock<PolicyState>>,
    /// True when every baseline rate is in range, so that a rate can leave
    /// the range only where an item touched it.
    base_in_range: bool,
}

/// Why the rates `t` (tariff) and `c` (wedge) of one cell cannot stand.
enum CellError {
    /// Above the largest accepted rate.
    Limit(String),
    /// A tariff at or below -1, or a negative wedge.
    Range(f64, f64),
}

fn cell_error(t: f64, c: f64) -> Option<CellError> {
    if let (Err(msg), _) | (_, Err(msg)) = (limits::check_rate(t), limits::check_rate(c)) {
        return Some(CellError::Limit(msg));
    }
    if !(t.is_finite() && t > -1.0 && c.is_finite() && c >= 0.0) {
        return Some(CellError::Range(t, c));
    }
    None
}

impl<'a> Checker<'a> {
    fn new(src: &'a str, data: &'a Dataset, treatment: DomesticTreatment) -> Self {
        let base_in_range = data.markets().iter().all(|m| {
            (m.tariffs().as_slice().iter())
                .zip(m.ntb().as_slice())
                .all(|(&t, &c)| cell_error(t, c).is_none())
        });
        Checker {
            src,
            data,
            treatment,
            base: Arc::new(OnceLock::new()),
            base_in_range,
        }
    }

    /// Scenario `s` built on `parent` (`None` at a root): the parent's
    /// items, less a union that `s` restates, then its own.
    fn extend(&self, s: &Scenario, parent: Option<&Built>, own: &[Arc<Item>]) -> Built {
        let mut items = parent.map(|b| b.items.clone()).unwrap_or_default();
        let restated: Vec<&str> = s.unions.iter().map(|u| u.name.as_str()).collect();
        let before = items.len();
        items.retain(|it| !it.union.as_deref().is_some_and(|n| restated.contains(&n)));
        // the parent's checks hold for its items in order: when they are
        // all kept, only the new ones need checking
        let kept = parent.filter(|_| items.len() == before);
        items.extend(own.iter().cloned());
        let checked = match kept.map(|b| &b.checked) {
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(Checked {
                policy: Some(p), ..
            })) => self.check(&items[before..], p.clone()),
            _ => self.check(&items, PolicyState::baseline(self.data.markets())),
        };
        Built { items, checked }
    }

    /// Applies `items` to `p` in order, checking each.
    fn check(&self, items: &[Arc<Item>], mut p: PolicyState) -> Result<Checked> {
        for it in items {
            self.apply_checked(it, &mut p)?;
        }
        let mut warnings = rate_warnings(&p, self.data);
        warnings.extend(quota::export_tax_warnings(&p, self.data));
        Ok(Checked {
            policy: Some(p),
            warnings,
        })
    }

    /// Applies `it` to `p` and checks the rates it touched and the sectors it bans in.
    fn apply_checked(&self, it: &Item, p: &mut PolicyState) -> Result<()> {
        let at = |m: String| Error::scenario(self.src, &it.key, m);
        it.check_quota(p, self.data).map_err(at)?;
        it.apply(p);
        quota::check_state(p, self.data).map_err(at)?;
        let n = self.data.n_countries();
        let mut first: Option<(usize, usize, usize, CellError)> = None;
        let mut look = |s: usize, i: usize, j: usize, p: &PolicyState| {
            let sp = &p.sectors[s];
            if first.as_ref().is_some_and(|f| (f.0, f.1, f.2) <= (s, i, j)) {
                return;
            }
            if let Some(msg) = cell_error(sp.tariffs.get(i, j), sp.ntb.get(i, j)) {
                first = Some((s, i, j, msg));
            }
        };
        if self.base_in_range {
            touched(it, p.sectors.len(), |s, i, j| look(s, i, j, p));
        } else {
            for s in 0..p.sectors.len() {
                for i in 0..n {
                    for j in 0..n {
                        look(s, i, j, p);
                    }
                }
            }
        }
        if let Some((s, i, j, why)) = first {
            let codes = |c: usize| self.data.countries()[c].code.as_str();
            let sector = &self.data.sectors()[s].code;
            let message = match why {
                CellError::Limit(msg) => {
                    format!("on {}->{} in sector {sector}: {msg}", codes(i), codes(j))
                }
                CellError::Range(t, c) => format!(
                    "leaves the {} on {}->{} in sector {sector} out of range (tariff {t}, ntb {c}): \
                     tariffs must be > -1 and wedges >= 0",
                    if t > -1.0 { "wedge" } else { "tariff" },
                    codes(i),
                    codes(j),
                ),
            };
            return Err(Error::scenario(self.src, &it.key, message));
        }
        if let ItemKind::Change {
            action: Action::Ban,
            cells,
            ..
        } = &it.kind
        {
            let mut done = vec![false; p.sectors.len()];
            for &(si, _, _) in cells {
                if std::mem::replace(&mut done[si], true) {
                    continue;
                }
                let sector = &self.data.sectors()[si];
                let market = &self.data.markets()[si];
                let check = feasibility::check(
                    market,
                    &p.sectors[si],
                    &sector.elasticities,
                    market.supply(),
                    self.treatment,
                );
                if let Err(reason) = check {
                    let codes: Vec<&str> = self
                        .data
                        .countries()
                        .iter()
                        .map(|c| c.code.as_str())
                        .collect();
                    return Err(Error::scenario(
                        self.src,
                        &it.key,
                        format!("ban in sector {}: {}", sector.code, reason.describe(&codes)),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Calls `f(sector, origin, destination)` for every cell whose tariff or
/// wedge `it` may change (a ban changes no rate).
fn touched(it: &Item, sectors: usize, mut f: impl FnMut(usize, usize, usize)) {
    match &it.kind {
        ItemKind::Internal { members, .. } | ItemKind::NtbCut { members, .. } => {
            for s in 0..sectors {
                for &a in members {
                    for &b in members {
                        if a != b {
                            f(s, a, b);
                        }
                    }
                }
            }
        }
        ItemKind::Cet { rates } => {
            for (s, cells) in rates.iter().enumerate() {
                for &(o, m, _) in cells {
                    f(s, o, m);
                }
            }
        }
        // pools move revenue; quotas and their lifting are checked whole
        // by `quota::check_state`
        ItemKind::Pool(_) | ItemKind::Quota(_) | ItemKind::InternalQuotas { .. } => {}
        ItemKind::Change { cells, action, .. } => {
            if *action != Action::Ban {
                for &(s, i, j) in cells {
                    f(s, i, j);
                }
            }
        }
    }
}

fn own_items(
    src: &str,
    k: usize,
    s: &Scenario,
    data: &Dataset,
    treatment: DomesticTreatment,
    quotas_anywhere: bool,
) -> Result<Vec<Item>> {
    let base = format!("scenario[{k}] (`{}`)", s.name);
    let mut items = Vec::new();
    let mut union_names = HashMap::new();
    let codes = CodeIndex::new(data, s.changes.len());
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
        if quotas_anywhere && un.internal_quotas == InternalQuotas::Lift {
            if let Some(ItemKind::Internal { members, .. }) = items.first().map(|i| &i.kind) {
                let members = members.clone();
                items.push(Item::internal_quotas(&un.name, &ukey, &members));
            }
        }
    }
    // the changes resolve independently of each other, on every thread when
    // they are many; their errors are still met in file order below
    let changes: Vec<Result<Item>> = (s.changes.par_iter().enumerate())
        .with_min_len(PARALLEL_CHANGES)
        .map(|(c, ch)| {
            let ckey = format!("{base}.{}[{c}]", ch.instrument.name());
            compile_change(src, &ckey, &s.name, c, ch, data, &codes, treatment)
        })
        .collect();
    let mut quota_entries = s.quotas.iter().enumerate().peekable();
    for (c, change) in changes.into_iter().enumerate() {
        while let Some((q, qc)) = quota_entries.next_if(|(_, qc)| qc.after_changes <= c) {
            let qkey = format!("{base}.quota[{q}]");
            let (label, quota) = quota::compile_quota(src, &qkey, &s.name, q, qc, data)?;
            items.push(Item::quota(&qkey, label, quota));
        }
        items.push(change?);
    }
    for (q, qc) in quota_entries {
        let qkey = format!("{base}.quota[{q}]");
        let (label, quota) = quota::compile_quota(src, &qkey, &s.name, q, qc, data)?;
        items.push(Item::quota(&qkey, label, quota));
    }
    Ok(items)
}

/// Looks up the data's country and sector codes: through hash maps built
/// once when a scenario has many changes, else by the dataset's own search.
struct CodeIndex<'a> {
    data: &'a Dataset,
    maps: Option<[HashMap<&'a str, usize>; 2]>,
}

impl<'a> CodeIndex<'a> {
    fn new(data: &'a Dataset, lookups: usize) -> Self {
        let map =
            |codes: Vec<&'a str>| codes.into_iter().enumerate().map(|(k, c)| (c, k)).collect();
        let maps = (lookups >= PARALLEL_CHANGES).then(|| {
            [
                map(data.countries().iter().map(|c| c.code.as_str()).collect()),
                map(data.sectors().iter().map(|s| s.code.as_str()).collect()),
            ]
        });
        CodeIndex { data, maps }
    }

    fn country(&self, code: &str) -> Option<usize> {
        match &self.maps {
            Some([countries, _]) => countries.get(code).copied(),
            None => self.data.country_id(code).map(|c| c.0),
        }
    }

    fn sector(&self, code: &str) -> Option<usize> {
        match &self.maps {
            Some([_, sectors]) => sectors.get(code).copied(),
            None => self.data.sector_id(code).map(|s| s.0),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn compile_change(
    src: &str,
    ckey: &str,
    scenario: &str,
    index: usize,
    ch: &PolicyChange,
    data: &Dataset,
    codes: &CodeIndex,
    treatment: DomesticTreatment,
) -> Result<Item> {
    let n = data.n_countries();
    // the keys of an error are spelled out only when there is one
    let known = match &ch.sector {
        Selector::Code(c) => codes.sector(c),
        Selector::All => None,
    };
    let sectors = match known {
        Some(s) => vec![s],
        None => sector_sel(src, &format!("{ckey}.sector"), data, &ch.sector.to_string())?,
    };
    let country_at = |field: &str, code: &str| match codes.country(code) {
        Some(id) => Ok(id),
        None => country(src, &format!("{ckey}.{field}"), data, code),
    };
    let importers: Vec<usize> = match &ch.importer {
        Selector::All => (0..n).collect(),
        Selector::Code(c) => vec![country_at("importer", c)?],
    };
    let exporter = match &ch.exporter {
        Selector::All => None,
        Selector::Code(c) => Some(country_at("exporter", c)?),
    };
    match ch.action {
        Action::Set(v) | Action::Add(v) | Action::Scale(v) => {
            check_rate(src, ckey, v, "the value")?;
        }
        Action::Ban => {}
    }
    if ch.instrument == Instrument::ExportTax && exporter.is_none() {
        return Err(Error::scenario(
            src,
            format!("{ckey}.exporter"),
            "an export measure is set by one exporter: give its code, not `*`",
        ));
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
    pub(super) items: Vec<Arc<Item>>,
    pub(super) item_component: Vec<usize>,
    /// The baseline policy, shared by the scenarios compiled together and
    /// built the first time one of them needs it.
    pub(super) base: Arc<OnceLock<PolicyState>>,
    /// The policy with every component, when compilation kept the one it
    /// checked (else [`CompiledScenario::policy`] builds it again).
    pub(super) checked: Option<PolicyState>,
}

/// One warning per (sector, instrument) for counterfactual rates above 100%
/// that were not so at baseline (the markets' own rates).
fn rate_warnings(p: &PolicyState, data: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    for (si, (b, c)) in data.markets().iter().zip(&p.sectors).enumerate() {
        for (what, mb, mc) in [
            ("tariff", b.tariffs(), &c.tariffs),
            ("NTB wedge", b.ntb(), &c.ntb),
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
        built: Built,
        data: &Dataset,
        base: &Arc<OnceLock<PolicyState>>,
    ) -> Result<Self> {
        let items = built.items;
        let mut components: Vec<String> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut item_component = Vec::with_capacity(items.len());
        for it in &items {
            let c = *index.entry(it.label.as_str()).or_insert_with(|| {
                components.push(it.label.clone());
                components.len() - 1
            });
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
        let checked = built.checked?;
        Ok(CompiledScenario {
            name: s.name.clone(),
            source: src.to_string(),
            description: s.description.clone(),
            components,
            unions,
            items,
            item_component,
            base: Arc::clone(base),
            warnings: checked.warnings,
            checked: checked.policy,
        })
    }

    /// The baseline policy of `data` (the dataset the scenario was compiled
    /// against), built the first time it is asked for.
    pub(super) fn base(&self, data: &Dataset) -> &PolicyState {
        self.base
            .get_or_init(|| PolicyState::baseline(data.markets()))
    }

    /// The counterfactual policy with every component (`data` is the dataset
    /// the scenario was compiled against).
    pub fn policy(&self, data: &Dataset) -> PolicyState {
        self.full_policy(data).into_owned()
    }

    /// The counterfactual policy with every component, borrowed when
    /// compilation kept it.
    pub fn full_policy(&self, data: &Dataset) -> Cow<'_, PolicyState> {
        match &self.checked {
            Some(p) => Cow::Borrowed(p),
            None => Cow::Owned(self.policy_subset(data, &vec![true; self.components.len()])),
        }
    }

    /// Lets go of the policy compilation kept: [`CompiledScenario::policy`]
    /// builds it again when asked.
    pub fn drop_kept_policy(&mut self) {
        self.checked = None;
    }

    /// The policy with only the components flagged in `include` (by index into
    /// [`CompiledScenario::components`]), applied in their usual order.
    pub fn policy_subset(&self, data: &Dataset, include: &[bool]) -> PolicyState {
        let mut p = PolicyState::clone(self.base(data));
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

#[cfg(test)]
mod tests {
    //! The indexed, memoised compilation against the plain one it replaced:
    //! every chain walked from its end, every item applied to the baseline
    //! in turn, every cell of every sector checked after each.
    use super::*;
    use crate::model::{Country, Elasticities, Market, Matrix, Sector};
    use crate::policy::{CetRule, CustomsUnion};
    use crate::scenario::PolicyChange;

    type Outcome = (
        String,
        Vec<String>,
        Vec<UnionMembership>,
        PolicyState,
        Vec<String>,
    );

    fn plain(scenarios: &[Scenario], data: &Dataset, t: DomesticTreatment) -> Result<Vec<Outcome>> {
        let names: HashMap<&str, usize> = (scenarios.iter().enumerate())
            .map(|(k, s)| (s.name.as_str(), k))
            .collect();
        let mut own = Vec::new();
        for (k, s) in scenarios.iter().enumerate() {
            // these markets carry no quotas
            own.push(own_items("f", k, s, data, t, false)?);
        }
        let base = Arc::new(OnceLock::new());
        let everywhere = Checker {
            base_in_range: false,
            ..Checker::new("f", data, t)
        };
        let mut out = Vec::new();
        for (k, s) in scenarios.iter().enumerate() {
            let mut chain = vec![k];
            while let Some(p) = &scenarios[chain[chain.len() - 1]].extends {
                let at = chain[chain.len() - 1];
                let Some(&pk) = names.get(p.as_str()) else {
                    return Err(Error::scenario(
                        "f",
                        format!("scenario[{at}].extends"),
                        format!("unknown scenario `{p}`"),
                    ));
                };
                if chain.contains(&pk) {
                    return Err(Error::scenario(
                        "f",
                        format!("scenario[{k}].extends"),
                        format!("`extends` forms a cycle through `{p}`"),
                    ));
                }
                chain.push(pk);
            }
            let mut items: Vec<Arc<Item>> = Vec::new();
            for &ck in chain.iter().rev() {
                let restated: Vec<&str> = scenarios[ck]
                    .unions
                    .iter()
                    .map(|u| u.name.as_str())
                    .collect();
                items.retain(|it| !it.union.as_deref().is_some_and(|n| restated.contains(&n)));
                items.extend(own[ck].iter().cloned().map(Arc::new));
            }
            let built = Built {
                checked: everywhere.check(&items, PolicyState::baseline(data.markets())),
                items,
            };
            let cs = CompiledScenario::new("f", k, s, built, data, &base)?;
            out.push((
                cs.name.clone(),
                cs.components.clone(),
                cs.unions.clone(),
                // built from the items, not the policy the check kept
                cs.policy_subset(data, &vec![true; cs.components.len()]),
                cs.warnings.clone(),
            ));
        }
        Ok(out)
    }

    /// Compiled as the plain way compiles, whether every checked policy is
    /// kept for the runs or only one (the others built again).
    fn same(scenarios: Vec<Scenario>, data: &Dataset) {
        let treatments = [DomesticTreatment::Nested, DomesticTreatment::AsImportSource];
        for (t, keep) in treatments
            .into_iter()
            .flat_map(|t| [(t, KEEP_POLICY_CELLS), (t, 0)])
        {
            let new = compile_keeping("f", &scenarios, data, t, keep).map(|v| {
                v.iter()
                    .map(|cs| {
                        (
                            cs.name.clone(),
                            cs.components.clone(),
                            cs.unions.clone(),
                            cs.policy(data),
                            cs.warnings.clone(),
                        )
                    })
                    .collect::<Vec<Outcome>>()
            });
            match (new, plain(&scenarios, data, t)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("differ: {:?} vs {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
    }

    fn eaeu() -> Dataset {
        Dataset::embedded("eaeu2009").unwrap()
    }

    fn cu(cut: f64) -> CustomsUnion {
        CustomsUnion::new(
            "CU",
            &["KAZ", "RUS", "BLR"],
            CetRule::Adopt {
                country: "RUS".into(),
            },
        )
        .with_ntb_cut(cut)
    }

    fn tariff(i: &str, e: &str, s: &str, a: Action) -> PolicyChange {
        PolicyChange::tariff(i, e, s, a)
    }

    #[test]
    fn restated_unions_and_overlapping_changes_compile_as_before() {
        // children before parents, a union restated half way, changes that
        // overlap and act on what earlier ones left
        let scenarios = vec![
            Scenario::new("c")
                .extending("b")
                .with_union(cu(0.5))
                .with_change(tariff("KAZ", "*", "AGF", Action::Scale(2.0))),
            Scenario::new("a").with_union(cu(0.0)).with_change(tariff(
                "KAZ",
                "CHN",
                "*",
                Action::Set(0.3),
            )),
            Scenario::new("b")
                .extending("a")
                .with_change(tariff("*", "CHN", "AGF", Action::Add(0.05)))
                .with_change(
                    PolicyChange::ntb("KAZ", "RUS", "*", Action::Scale(0.5))
                        .with_component("border"),
                ),
            Scenario::new("d")
                .extending("c")
                .with_change(tariff("KAZ", "CHN", "*", Action::Ban).with_component("border")),
            Scenario::new("e").extending("b"),
        ];
        same(scenarios, &eaeu());
    }

    #[test]
    fn errors_are_the_same_and_come_in_the_same_order() {
        let bad = |s: Scenario| s.with_change(tariff("KAZ", "CHN", "AGF", Action::Add(-2.0)));
        let cases = vec![
            // a child listed first meets its parent's out-of-range rate
            vec![Scenario::new("b").extending("a"), bad(Scenario::new("a"))],
            // a rate out of range that a restated union takes away again
            vec![
                bad(Scenario::new("a").with_union(cu(0.0))),
                Scenario::new("b").extending("a"),
            ],
            // two unions sharing a member, in a child of a parent with a bad rate
            vec![
                bad(Scenario::new("a")),
                Scenario::new("b")
                    .extending("a")
                    .with_union(CustomsUnion::new("FTA", &["KAZ", "KGZ"], CetRule::None)),
                Scenario::new("c").extending("b").with_union(cu(0.0)),
            ],
            vec![Scenario::new("a").with_change(tariff("KAZ", "*", "*", Action::Set(150.0)))],
            vec![Scenario::new("a"), Scenario::new("b").extending("zz")],
            vec![
                Scenario::new("t").extending("a"),
                Scenario::new("a").extending("b"),
                Scenario::new("b").extending("a"),
            ],
            vec![Scenario::new("a").extending("a")],
            vec![
                Scenario::new("a").extending("b"),
                Scenario::new("b").extending("c"),
                Scenario::new("c").extending("b"),
                Scenario::new("d").extending("a"),
            ],
        ];
        for scenarios in cases {
            same(scenarios, &eaeu());
        }
    }

    #[test]
    fn a_baseline_rate_out_of_range_is_reported_as_before() {
        let flows = Matrix::from_rows(&[vec![10.0, 2.0], vec![3.0, 20.0]]).unwrap();
        let tariffs = Matrix::from_rows(&[vec![0.0, 0.1], vec![150.0, 0.0]]).unwrap();
        let market = Market::new(flows, tariffs, Matrix::zeros(2), vec![1.0, 1.0]).unwrap();
        let sector = Sector {
            code: "G".into(),
            name: "g".into(),
            elasticities: Elasticities::new(4.0, 2.0, 1.0).unwrap(),
            supply_default: 1.0,
        };
        let data = Dataset::new(
            vec![Country::new("A", "a"), Country::new("B", "b")],
            vec![sector],
            vec![market],
        )
        .unwrap();
        same(
            vec![Scenario::new("a").with_change(tariff("B", "A", "G", Action::Set(0.2)))],
            &data,
        );
        same(vec![Scenario::new("a")], &data);
    }

    #[test]
    fn many_changes_resolve_as_few_do_and_the_first_error_is_reported() {
        let data = eaeu();
        let countries: Vec<String> = data.countries().iter().map(|c| c.code.clone()).collect();
        let sectors: Vec<String> = data.sectors().iter().map(|s| s.code.clone()).collect();
        let n = countries.len();
        let changes: Vec<PolicyChange> = (0..2 * PARALLEL_CHANGES)
            .map(|k| {
                let sector = if k % 5 == 0 {
                    "*"
                } else {
                    &sectors[k % sectors.len()]
                };
                let i = k % n;
                let j = (i + 1 + (k / n) % (n - 1)) % n;
                let action = Action::Add(0.001 * (k + 1) as f64);
                tariff(&countries[j], &countries[i], sector, action)
            })
            .collect();
        let half = PARALLEL_CHANGES;
        let mut whole = Scenario::new("whole");
        let mut first = Scenario::new("first");
        let mut second = Scenario::new("second").extending("first");
        for (k, ch) in changes.iter().enumerate() {
            whole = whole.with_change(ch.clone());
            if k < half {
                first = first.with_change(ch.clone());
            } else {
                second = second.with_change(ch.clone());
            }
        }
        let t = DomesticTreatment::Nested;
        let compiled = compile("f", &[whole.clone(), first, second], &data, t).unwrap();
        assert_eq!(compiled[0].items.len(), 2 * half);
        assert_eq!(compiled[0].policy(&data), compiled[2].policy(&data));
        assert_ne!(compiled[0].policy(&data), compiled[1].policy(&data));
        // two bad entries: the first in file order is the one reported
        let mut bad = whole.clone();
        bad.changes[half + 3].sector = Selector::Code("NOPE".into());
        bad.changes[half + 9].importer = Selector::Code("XXX".into());
        let e = compile("f", &[bad], &data, t).unwrap_err().to_string();
        assert!(e.contains(&format!("tariff[{}].sector", half + 3)), "{e}");
        assert!(e.contains("NOPE"), "{e}");
    }

    #[test]
    fn checked_policies_are_kept_within_the_budget_and_one_always() {
        let scenarios: Vec<Scenario> = (0..4)
            .map(|k| {
                let rate = Action::Set(0.01 * f64::from(k));
                Scenario::new(&format!("s{k}")).with_change(tariff("KAZ", "CHN", "AGF", rate))
            })
            .collect();
        let data = eaeu();
        let t = DomesticTreatment::Nested;
        let kept = |keep: usize| {
            let compiled = compile_keeping("f", &scenarios, &data, t, keep).unwrap();
            let kept: Vec<bool> = compiled.iter().map(|cs| cs.checked.is_some()).collect();
            kept
        };
        let cells = data.sectors().len() * data.n_countries() * data.n_countries();
        assert_eq!(kept(0), [true, false, false, false]);
        assert_eq!(kept(3 * cells), [true, true, true, false]);
        assert_eq!(kept(KEEP_POLICY_CELLS), [true; 4]);
    }

    #[test]
    fn a_long_chain_compiles_in_order() {
        let mut scenarios = vec![Scenario::new("s0")];
        for k in 1..200 {
            let change = tariff("KAZ", "CHN", "AGF", Action::Add(0.001));
            scenarios.push(
                Scenario::new(&format!("s{k}"))
                    .extending(&format!("s{}", k - 1))
                    .with_change(change),
            );
        }
        scenarios.reverse();
        same(scenarios, &eaeu());
    }
}

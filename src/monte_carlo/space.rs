//! The uncertain parameters resolved against a dataset and the scenarios:
//! which items (one elasticity of one sector, or of one sector and country;
//! one cell of the baseline data; one union's NTB cut, one decomposition
//! component or one quota's volume) a run changes, the independent dimensions that drive them, and
//! the values a draw gives.
//!
//! ```text
//! dimension d:  one per entry when shared, else one per matched item; random unless fixed
//! item value:   base * x[d]  |  x[d]  |  x[d]/2  |  2 x[d]     (scale | set | rule-of-two set)
//!               (a policy item's base is 1: its value is the factor itself)
//! data cells:   (importer, exporter, sector) with a baseline flow > 0, off the diagonal
//!               (flows with domestic = true: the diagonal only); in scale mode a tariff or
//!               wedge cell whose rate is 0 is not an item (scaling it changes nothing)
//! feasible:     sigma_m, sigma_d finite and > 0;  eta finite and >= 0;  epsilon >= 0 or inf;
//!               ntb, flows finite and >= 0;  tariff finite and > -1;
//!               ntb_cut factor finite and >= 0;  shock factor finite;
//!               quota_volume factor finite and > 0
//! quotas:       one item per quota (sector, importer, exporter) in force in some scenario's
//!               policy; a selector code matches that code only, "*" matches any country
//!               and also a global (exporter "*") or export (importer "*") quota's own "*"
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::distribution::Distribution;
use super::spec::{Link, Mode, MonteCarloSpec, Param, VaryEntry};
use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::scenario::{QuotaId, Selector};

/// One value of the data or of the policy that a run changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Item {
    /// What is varied.
    pub param: Param,
    /// Sector index (a quota's sector; 0 for another policy item).
    pub sector: usize,
    /// Country index: epsilon's country, or a data cell's importer (0 otherwise).
    pub country: usize,
    /// A data cell's exporter (0 otherwise).
    pub exporter: usize,
    /// A policy item's target: its index in [`ParameterSpace::targets`] (0 otherwise).
    pub target: usize,
}

impl Item {
    fn new(param: Param, sector: usize, country: usize) -> Self {
        Item {
            param,
            sector,
            country,
            exporter: 0,
            target: 0,
        }
    }
}

/// The names policy items may refer to: the unions, the decomposition
/// components and the quotas in force of the scenarios of a run.
#[derive(Debug, Clone, Default)]
pub(crate) struct PolicyNames {
    /// Quotas in force in some scenario's counterfactual policy, in order of
    /// first appearance.
    pub(crate) quotas: Vec<QuotaId>,
    /// Union names, in order of first appearance.
    pub(crate) unions: Vec<String>,
    /// The unions of `unions` with a positive `ntb_cut` in some scenario.
    pub(crate) unions_cutting_ntbs: Vec<String>,
    /// Component labels, in order of first appearance, with why a component
    /// cannot be scaled (pooling, a ban), if it cannot.
    pub(crate) components: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, Copy)]
enum Role {
    Direct,
    Half,
    Twice,
}

#[derive(Debug, Clone, Copy)]
struct Assign {
    dim: usize,
    item: usize,
    mode: Mode,
    role: Role,
}

/// An importer's MFN rate in a sector that follows a shared tariff draw over
/// all its partners (an entry with exporter `*` and `shared = true`), as an
/// edit of the data's exporter-`*` row would move it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MfnLink {
    pub(crate) sector: usize,
    pub(crate) importer: usize,
    pub(crate) dim: usize,
    pub(crate) mode: Mode,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Dim {
    pub(crate) dist: Distribution,
    /// Index among the random dimensions (None for `fixed`).
    pub(crate) random: Option<usize>,
    pub(crate) mean: f64,
    pub(crate) sd: f64,
}

/// The uncertain parameters resolved against a dataset: the items changed,
/// the independent random dimensions, and which dimension drives which item.
#[derive(Debug, Clone)]
pub struct ParameterSpace {
    items: Vec<Item>,
    labels: Vec<String>,
    targets: Vec<String>,
    /// The quota each target names (`None` for a union or a component).
    target_quotas: Vec<Option<QuotaId>>,
    pub(crate) base: Vec<f64>,
    pub(crate) dims: Vec<Dim>,
    assigns: Vec<Assign>,
    mfn: Vec<MfnLink>,
    n_random: usize,
}

impl ParameterSpace {
    /// Resolves `spec` against `data` and the names of the run's unions and
    /// components.
    ///
    /// # Errors
    /// [`Error::Scenario`] keyed `montecarlo.vary[k]...` for an unknown code,
    /// union or component, settings that do not go together, an entry that
    /// matches no item, or an item matched by two entries (directly or
    /// through a rule-of-two link).
    pub(crate) fn resolve(
        spec: &MonteCarloSpec,
        data: &Dataset,
        names: &PolicyNames,
    ) -> Result<Self> {
        let mut sp = ParameterSpace {
            items: Vec::new(),
            labels: Vec::new(),
            targets: Vec::new(),
            target_quotas: Vec::new(),
            base: Vec::new(),
            dims: Vec::new(),
            assigns: Vec::new(),
            mfn: Vec::new(),
            n_random: 0,
        };
        let file = spec.source();
        let mut owner: HashMap<Item, (usize, bool)> = HashMap::new();
        for (e, entry) in spec.vary().iter().enumerate() {
            let key = format!("montecarlo.vary[{e}]");
            entry
                .check()
                .map_err(|(field, m)| Error::scenario(file, format!("{key}.{field}"), m))?;
            let items = sp.matched_items(entry, data, names, &key, file)?;
            if items.is_empty() && entry.param == Param::QuotaVolume {
                return Err(Error::scenario(
                    file,
                    &key,
                    format!(
                        "quota_volume matches no quota in force (sector {}, importer {}, \
                         exporter {}; quotas come from the data and the scenarios' quota \
                         entries)",
                        entry.sector, entry.importer, entry.exporter
                    ),
                ));
            }
            if items.is_empty() {
                return Err(Error::scenario(
                    file,
                    &key,
                    format!(
                        "{} matches no cell with a baseline flow{}{}",
                        entry.param.name(),
                        if matches!(entry.param, Param::Ntb | Param::Tariff)
                            && entry.mode == Mode::Scale
                        {
                            " and a nonzero rate to scale"
                        } else {
                            ""
                        },
                        if entry.param == Param::Flows && !entry.domestic {
                            " (domestic sales are selected with domestic = true)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            let mut shared_dim = None;
            for item in items {
                let dim = match shared_dim {
                    Some(d) => d,
                    None => {
                        let d = sp.push_dim(entry.dist);
                        if entry.shared {
                            shared_dim = Some(d);
                        }
                        d
                    }
                };
                if entry.param == Param::Tariff && entry.shared && entry.exporter == Selector::All {
                    let link = MfnLink {
                        sector: item.sector,
                        importer: item.country,
                        dim,
                        mode: entry.mode,
                    };
                    if !sp.mfn.contains(&link) {
                        sp.mfn.push(link);
                    }
                }
                // the item, and the other sigma when the rule of two ties it
                let mut cell = vec![(item, false, Role::Direct)];
                if entry.link == Link::RuleOfTwo {
                    let (other, role) = match entry.param {
                        Param::SigmaM => (Param::SigmaD, Role::Half),
                        _ => (Param::SigmaM, Role::Twice),
                    };
                    let role = if entry.mode == Mode::Scale {
                        Role::Direct
                    } else {
                        role
                    };
                    cell.push((Item::new(other, item.sector, 0), true, role));
                }
                for (item, linked, role) in cell {
                    sp.claim(&mut owner, item, e, linked, &key, file, data)?;
                    let idx = sp.push_item(item, data);
                    sp.assigns.push(Assign {
                        dim,
                        item: idx,
                        mode: entry.mode,
                        role,
                    });
                }
            }
        }
        Ok(sp)
    }

    /// The items `entry` matches, in order (sector, then importer, then exporter).
    fn matched_items(
        &mut self,
        entry: &VaryEntry,
        data: &Dataset,
        names: &PolicyNames,
        key: &str,
        file: &str,
    ) -> Result<Vec<Item>> {
        let codes = |sel: &Selector, field: &str, sector: bool| -> Result<Vec<usize>> {
            match sel {
                Selector::All if sector => Ok((0..data.sectors().len()).collect()),
                Selector::All => Ok((0..data.n_countries()).collect()),
                Selector::Code(c) => {
                    let id = if sector {
                        data.sector_id(c).map(|s| s.0)
                    } else {
                        data.country_id(c).map(|c| c.0)
                    };
                    id.map(|i| vec![i]).ok_or_else(|| {
                        Error::scenario(
                            file,
                            format!("{key}.{field}"),
                            format!(
                                "unknown {} code `{c}`",
                                if sector { "sector" } else { "country" }
                            ),
                        )
                    })
                }
            }
        };
        let p = entry.param;
        let mut out = Vec::new();
        match p {
            Param::SigmaM | Param::SigmaD | Param::Eta => {
                for s in codes(&entry.sector, "sector", true)? {
                    out.push(Item::new(p, s, 0));
                }
            }
            Param::Epsilon => {
                let countries = codes(&entry.country, "country", false)?;
                for s in codes(&entry.sector, "sector", true)? {
                    for &c in &countries {
                        out.push(Item::new(p, s, c));
                    }
                }
            }
            Param::Ntb | Param::Tariff | Param::Flows => {
                let importers = codes(&entry.importer, "importer", false)?;
                let exporters = codes(&entry.exporter, "exporter", false)?;
                for s in codes(&entry.sector, "sector", true)? {
                    let market = &data.markets()[s];
                    let flows = market.flows();
                    let rate = match p {
                        Param::Ntb => Some(market.ntb()),
                        Param::Tariff => Some(market.tariffs()),
                        _ => None,
                    };
                    for &j in &importers {
                        for &i in &exporters {
                            if (i == j) != entry.domestic || flows.get(i, j) <= 0.0 {
                                continue;
                            }
                            // scaling a zero rate changes nothing: such a cell is not an item
                            if entry.mode == Mode::Scale && rate.is_some_and(|m| m.get(i, j) == 0.0)
                            {
                                continue;
                            }
                            out.push(Item {
                                exporter: i,
                                ..Item::new(p, s, j)
                            });
                        }
                    }
                }
            }
            Param::QuotaVolume => {
                let sectors = codes(&entry.sector, "sector", true)?;
                let side = |sel: &Selector, field: &str| -> Result<Option<usize>> {
                    Ok(match sel {
                        Selector::All => None,
                        Selector::Code(_) => Some(codes(sel, field, false)?[0]),
                    })
                };
                let (imp, exp) = (
                    side(&entry.importer, "importer")?,
                    side(&entry.exporter, "exporter")?,
                );
                let matches =
                    |want: Option<usize>, got: Option<usize>| want.is_none() || want == got;
                let mut found: Vec<QuotaId> = names
                    .quotas
                    .iter()
                    .copied()
                    .filter(|&(s, j, i)| sectors.contains(&s) && matches(imp, j) && matches(exp, i))
                    .collect();
                found.sort_unstable_by_key(|&(s, j, i)| {
                    (s, j.map_or(0, |j| j + 1), i.map_or(0, |i| i + 1))
                });
                for q in found {
                    let target = match self.target_quotas.iter().position(|t| *t == Some(q)) {
                        Some(t) => t,
                        None => {
                            self.targets.push(quota_label(q, data));
                            self.target_quotas.push(Some(q));
                            self.targets.len() - 1
                        }
                    };
                    out.push(Item {
                        target,
                        ..Item::new(p, q.0, 0)
                    });
                }
            }
            Param::NtbCut | Param::Shock => {
                let (field, wanted, known): (&str, &str, Vec<&str>) = if p == Param::NtbCut {
                    (
                        "union",
                        entry.union.as_deref().unwrap_or_default(),
                        names.unions.iter().map(String::as_str).collect(),
                    )
                } else {
                    (
                        "component",
                        entry.component.as_deref().unwrap_or_default(),
                        names.components.iter().map(|c| c.0.as_str()).collect(),
                    )
                };
                if !known.contains(&wanted) {
                    let list = if known.is_empty() {
                        "none".to_string()
                    } else {
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    return Err(Error::scenario(
                        file,
                        format!("{key}.{field}"),
                        format!(
                            "no scenario has the {field} `{wanted}` (the scenarios have: {list})"
                        ),
                    ));
                }
                if p == Param::NtbCut && !names.unions_cutting_ntbs.iter().any(|u| u == wanted) {
                    return Err(Error::scenario(
                        file,
                        format!("{key}.union"),
                        format!(
                            "union `{wanted}` cuts no non-tariff barriers in any scenario (its ntb_cut is 0), so scaling its cut would change nothing: give it an ntb_cut above 0, or vary `ntb` instead"
                        ),
                    ));
                }
                if let Some((_, Some(why))) = names.components.iter().find(|c| c.0 == wanted) {
                    if p == Param::Shock {
                        return Err(Error::scenario(
                            file,
                            format!("{key}.component"),
                            format!("`{wanted}` cannot be partly implemented: {why}"),
                        ));
                    }
                }
                let named = |(t, q): (&String, &Option<QuotaId>)| t == wanted && q.is_none();
                let target = match self.targets.iter().zip(&self.target_quotas).position(named) {
                    Some(t) => t,
                    None => {
                        self.targets.push(wanted.to_string());
                        self.target_quotas.push(None);
                        self.targets.len() - 1
                    }
                };
                out.push(Item {
                    target,
                    ..Item::new(p, 0, 0)
                });
            }
        }
        Ok(out)
    }

    fn push_dim(&mut self, dist: Distribution) -> usize {
        let random = if dist.is_random() {
            self.n_random += 1;
            Some(self.n_random - 1)
        } else {
            None
        };
        let (mean, sd) = dist.mean_sd();
        self.dims.push(Dim {
            dist,
            random,
            mean,
            sd,
        });
        self.dims.len() - 1
    }

    fn push_item(&mut self, item: Item, data: &Dataset) -> usize {
        let (label, base) = self.describe(item, data);
        self.items.push(item);
        self.labels.push(label);
        self.base.push(base);
        self.items.len() - 1
    }

    /// The label of `item` (`sigma_m.AGR`, `epsilon.AGR.HOM`,
    /// `ntb.MACH.CHN->KAZ`, `ntb_cut.CU`, `shock.CU: CET`) and its base value.
    fn describe(&self, item: Item, data: &Dataset) -> (String, f64) {
        let sector = &data.sectors()[item.sector];
        let market = &data.markets()[item.sector];
        let code = |c: usize| &data.countries()[c].code;
        let cell = |m: &crate::model::Matrix| {
            (
                format!(
                    "{}.{}.{}->{}",
                    item.param.name(),
                    sector.code,
                    code(item.exporter),
                    code(item.country)
                ),
                m.get(item.exporter, item.country),
            )
        };
        match item.param {
            Param::SigmaM => (
                format!("sigma_m.{}", sector.code),
                sector.elasticities.sigma_import,
            ),
            Param::SigmaD => (
                format!("sigma_d.{}", sector.code),
                sector.elasticities.sigma_domestic,
            ),
            Param::Eta => (format!("eta.{}", sector.code), sector.elasticities.demand),
            Param::Epsilon => (
                format!("epsilon.{}.{}", sector.code, code(item.country)),
                market.supply()[item.country],
            ),
            Param::Ntb => cell(market.ntb()),
            Param::Tariff => cell(market.tariffs()),
            Param::Flows => cell(market.flows()),
            Param::NtbCut | Param::Shock | Param::QuotaVolume => (
                format!("{}.{}", item.param.name(), self.targets[item.target]),
                1.0,
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn claim(
        &self,
        owner: &mut HashMap<Item, (usize, bool)>,
        item: Item,
        entry: usize,
        linked: bool,
        key: &str,
        file: &str,
        data: &Dataset,
    ) -> Result<()> {
        if let Some(&(prev, prev_linked)) = owner.get(&item) {
            let sector = &data.sectors()[item.sector].code;
            let what = match item.param {
                Param::Epsilon => format!(
                    "epsilon of sector {sector}, country {}",
                    data.countries()[item.country].code
                ),
                Param::SigmaM | Param::SigmaD | Param::Eta => {
                    format!("{} of sector {sector}", item.param.name())
                }
                _ => self.describe(item, data).0,
            };
            let how = |l: bool| {
                if l {
                    "through its rule-of-two link"
                } else {
                    ""
                }
            };
            return Err(Error::scenario(
                file,
                key,
                format!(
                    "{what} is varied twice: by montecarlo.vary[{prev}] {} and by this entry {} \
                     (each item may be matched by one entry only)",
                    how(prev_linked),
                    how(linked)
                )
                .replace("  ", " ")
                .replace(" )", ")"),
            ));
        }
        owner.insert(item, (entry, linked));
        Ok(())
    }

    /// The items changed, in a fixed order (entry order, then sector, then country).
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Labels of the items: `sigma_m.AGR`, `sigma_d.AGR`, `eta.MAN`,
    /// `epsilon.AGR.HOM`, `ntb.MACH.CHN->KAZ` (sector, exporter -> importer),
    /// `tariff...`, `flows...`, `ntb_cut.CU`, `shock.CU: CET`,
    /// `quota_volume.MEAT.*->KAZ` (sector, exporter -> importer; `*` on a
    /// global or export quota's open side).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The unions, components and quotas (`MEAT.*->KAZ`) that policy items
    /// name ([`Item::target`]).
    pub fn targets(&self) -> &[String] {
        &self.targets
    }

    /// The quota a `quota_volume` item scales.
    pub(crate) fn quota_of(&self, item: &Item) -> Option<QuotaId> {
        self.target_quotas.get(item.target).copied().flatten()
    }

    /// True when every item is an elasticity: draws then reuse the markets
    /// prepared once (the fast path); otherwise each draw rebuilds its data
    /// and policies.
    pub fn elasticities_only(&self) -> bool {
        self.items.iter().all(|i| i.param.is_elasticity())
    }

    /// MFN rates that follow a shared tariff draw.
    pub(crate) fn mfn_links(&self) -> &[MfnLink] {
        &self.mfn
    }

    /// Number of independent random dimensions (`N` of the quadrature).
    pub fn n_random(&self) -> usize {
        self.n_random
    }

    /// Number of dimensions, random and fixed.
    pub fn n_dims(&self) -> usize {
        self.dims.len()
    }

    /// Item values from dimension values `x`, written into `vals`.
    pub(crate) fn apply(&self, x: &[f64], vals: &mut [f64]) {
        for a in &self.assigns {
            let b = self.base[a.item];
            let v = x[a.dim];
            vals[a.item] = match (a.mode, a.role) {
                (Mode::Scale, _) => {
                    if b.is_infinite() {
                        b
                    } else {
                        b * v
                    }
                }
                (Mode::Set, Role::Direct) => v,
                (Mode::Set, Role::Half) => 0.5 * v,
                (Mode::Set, Role::Twice) => 2.0 * v,
            };
        }
    }
}

/// Checks a drawn item value; the message names the item by its label.
pub(crate) fn check_value(param: Param, label: &str, v: f64) -> std::result::Result<(), String> {
    let (ok, rule) = match param {
        Param::SigmaM | Param::SigmaD => (v.is_finite() && v > 0.0, "finite and > 0"),
        Param::Eta => (v.is_finite() && v >= 0.0, "finite and >= 0"),
        Param::Epsilon => (v >= 0.0, ">= 0 or inf"),
        Param::Ntb | Param::Flows | Param::NtbCut => (v.is_finite() && v >= 0.0, "finite and >= 0"),
        Param::Tariff => (v.is_finite() && v > -1.0, "finite and > -1"),
        Param::Shock => (v.is_finite(), "finite"),
        Param::QuotaVolume => (v.is_finite() && v > 0.0, "finite and > 0"),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "infeasible sampled value: {label} = {v} (must be {rule})"
        ))
    }
}

/// A quota's name in labels: `SECTOR.EXPORTER->IMPORTER`, `*` on an open side.
fn quota_label((s, j, i): QuotaId, data: &Dataset) -> String {
    let code = |c: Option<usize>| c.map_or("*", |c| data.countries()[c].code.as_str());
    format!("{}.{}->{}", data.sectors()[s].code, code(i), code(j))
}

//! Scaling parts of a compiled policy, for policy uncertainty: a union's NTB
//! cut in every stage, what one decomposition component changes, and the
//! volume of a quota in force.
//!
//! ```text
//! ntb_cut of union U:      cut' = min(1, max(0, cut * f))          (every stage that states U)
//! shock on component C:    rate' = before + f * (rate C sets - before)   (every cell C touches;
//!                          before = the rate just before C acts: the baseline for a first stage)
//! quota (s, importer, exporter):  volume' = volume * f   (the quota in force once every
//!                          item has acted: a scenario's own, or the data's at its baseline volume)
//! ```
//! A component that pools revenue or bans a flow has no rate to scale and is
//! refused by name ([`CompiledScenario::unscalable`]).

use super::Action;
use super::compile::CompiledScenario;
use super::item::ItemKind;
use crate::model::Dataset;
use crate::policy::PolicyState;

/// A quota's identity: (sector, importer, exporter); `None` is the `*` of
/// an export quota (importer) or a global import quota (exporter).
pub(crate) type QuotaId = (usize, Option<usize>, Option<usize>);

/// Factors scaling a compiled policy: union name → factor on its NTB cut,
/// component label → share of its change implemented.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PolicyScaling {
    /// `(union name, factor)`.
    pub ntb_cut: Vec<(String, f64)>,
    /// `(component label, factor)`.
    pub shock: Vec<(String, f64)>,
    /// `((sector, importer, exporter), factor)`; `None` is a quota's `*` side.
    pub quota_volume: Vec<(QuotaId, f64)>,
}

impl CompiledScenario {
    /// Names of the unions the scenario's `extends` chain states, in order
    /// of first appearance.
    pub fn union_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for it in &self.items {
            if let Some(u) = &it.union {
                if !out.contains(u) {
                    out.push(u.clone());
                }
            }
        }
        out
    }

    /// True when union `name` cuts non-tariff barriers (a positive
    /// `ntb_cut`) in some stage of this scenario: only then has a scaled
    /// `ntb_cut` anything to act on.
    pub fn cuts_ntbs(&self, name: &str) -> bool {
        self.items.iter().any(|it| {
            it.union.as_deref() == Some(name) && matches!(it.kind, ItemKind::NtbCut { .. })
        })
    }

    /// Why component `c` (an index into [`CompiledScenario::components`])
    /// cannot be partly implemented (it pools revenue or bans a flow), if so.
    pub fn unscalable(&self, c: usize) -> Option<String> {
        self.items
            .iter()
            .zip(&self.item_component)
            .filter(|(_, ic)| **ic == c)
            .find_map(|(it, _)| match &it.kind {
                ItemKind::Pool(_) => {
                    Some("it pools tariff revenue, which has no rate to scale".into())
                }
                ItemKind::Change {
                    action: Action::Ban,
                    ..
                } => Some("it bans a flow, which cannot be done in part".into()),
                _ => None,
            })
    }

    /// The counterfactual policy with every component, scaled by `scaling`.
    /// With nothing to scale it equals [`CompiledScenario::policy`].
    /// `data` is the dataset the scenario was compiled against.
    pub fn policy_scaled(&self, data: &Dataset, scaling: &PolicyScaling) -> PolicyState {
        let mut p = PolicyState::clone(self.base(data));
        for (it, &c) in self.items.iter().zip(&self.item_component) {
            let label = &self.components[c];
            let cut = it
                .union
                .as_ref()
                .and_then(|u| scaling.ntb_cut.iter().find(|(n, _)| n == u));
            let scaled;
            let it = match (&it.kind, cut) {
                (ItemKind::NtbCut { members, cut }, Some((_, f))) => {
                    scaled = super::item::Item {
                        kind: ItemKind::NtbCut {
                            members: members.clone(),
                            cut: (cut * f).clamp(0.0, 1.0),
                        },
                        ..super::item::Item::clone(it)
                    };
                    &scaled
                }
                _ => it,
            };
            match scaling.shock.iter().find(|(l, _)| l == label) {
                None | Some(&(_, 1.0)) => it.apply(&mut p),
                Some(&(_, f)) => {
                    let before: Vec<_> = p
                        .sectors
                        .iter()
                        .map(|s| (s.tariffs.clone(), s.ntb.clone()))
                        .collect();
                    it.apply(&mut p);
                    for (sp, (t0, c0)) in p.sectors.iter_mut().zip(&before) {
                        for (m, m0) in [(&mut sp.tariffs, t0), (&mut sp.ntb, c0)] {
                            for (v, &b) in m.as_mut_slice().iter_mut().zip(m0.as_slice()) {
                                if *v != b {
                                    *v = b + f * (*v - b);
                                }
                            }
                        }
                    }
                }
            }
        }
        for &((s, importer, exporter), f) in &scaling.quota_volume {
            let quotas = &mut p.sectors[s].restrictions.quotas;
            if let Some(q) = quotas.iter_mut().find(|q| q.is(importer, exporter)) {
                q.volume *= f;
            }
        }
        p
    }

    /// The quotas in force once every item has acted, as
    /// `(sector, importer, exporter)`.
    pub(crate) fn quotas_in_force(&self, data: &Dataset) -> Vec<QuotaId> {
        let p = self.full_policy(data);
        let mut out = Vec::new();
        for (s, sp) in p.sectors.iter().enumerate() {
            for q in &sp.restrictions.quotas {
                out.push((s, q.importer, q.exporter));
            }
        }
        out
    }
}

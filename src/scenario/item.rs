//! One applicable piece of a scenario's policy (a union part or a change),
//! and how it changes a policy state.

use super::quota::{QuotaItem, TariffEdit, lift_internal, settle_trqs};
use super::{Action, Instrument};
use crate::policy::{PolicyState, RevenuePool};

/// One applicable piece of a scenario's policy.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub(super) key: String,
    pub(super) label: String,
    pub(super) union: Option<String>,
    pub(super) kind: ItemKind,
}

#[derive(Debug, Clone)]
pub(super) enum ItemKind {
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
    Quota(QuotaItem),
    InternalQuotas {
        members: Vec<usize>,
    },
}

impl Item {
    /// The item of quota entry `key`.
    pub(super) fn quota(key: &str, label: String, q: QuotaItem) -> Item {
        Item {
            key: key.to_string(),
            label,
            union: None,
            kind: ItemKind::Quota(q),
        }
    }

    /// The item of a union's lift of its members' mutual quotas.
    pub(super) fn internal_quotas(union: &str, ukey: &str, members: &[usize]) -> Item {
        Item {
            key: format!("{ukey}.internal_quotas"),
            label: format!("{union}: internal quotas"),
            union: Some(union.to_string()),
            kind: ItemKind::InternalQuotas {
                members: members.to_vec(),
            },
        }
    }

    /// Checks a quota item against the policy in force before it (a lift
    /// needs a quota, a new quota may not overlap another).
    pub(super) fn check_quota(
        &self,
        p: &PolicyState,
        data: &crate::model::Dataset,
    ) -> Result<(), String> {
        match &self.kind {
            ItemKind::Quota(q) => q.check(p, data),
            _ => Ok(()),
        }
    }

    /// Changes `p` by this item.
    pub(super) fn apply(&self, p: &mut PolicyState) {
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
                        Instrument::ExportTax => sp
                            .restrictions
                            .export_taxes
                            .get_or_insert_with(|| crate::model::Matrix::zeros(n)),
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
            ItemKind::Quota(q) => q.apply(p),
            ItemKind::InternalQuotas { members } => lift_internal(p, members),
        }
        match &self.kind {
            ItemKind::Internal { .. } | ItemKind::Cet { .. } => {
                settle_trqs(p, TariffEdit::Underlying);
            }
            ItemKind::Change {
                instrument: Instrument::Tariff,
                cells,
                action,
            } => settle_trqs(
                p,
                TariffEdit::Entry {
                    cells,
                    action: *action,
                },
            ),
            _ => {}
        }
    }
}

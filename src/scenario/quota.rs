//! Quotas and export measures in scenarios: the `[[scenario.quota]]` entry,
//! how a quota item changes a policy state, what a union's lift of internal
//! quotas does, and the checks only the whole policy can make.
//!
//! ```text
//! quota identity: (sector, importer, exporter); a later entry replaces the
//!   volume and the keys it gives, keeps the others
//! volume = volume | share x (baseline volume of S) | lift (the quota goes)
//! explicit TRQ: its flows' tariffs become t_in; what a CET, an internal tariff
//!   or a lift would leave is kept aside ("underlying"); a tariff entry on a
//!   TRQ flow changes t_in
//! union lift: bilateral quotas among members go; a member's global (export)
//!   quota loses its member sources (destinations) and their baseline flows
//! ```

use serde::{Deserialize, Serialize};

use super::Selector;
use crate::model::{Dataset, QuotaHolder, limits};
use crate::policy::{PolicyState, Quota, SectorPolicy, TrqRates};

/// How much a quota entry allows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum QuotaAmount {
    /// A volume in baseline-price quantity units (> 0).
    Volume(f64),
    /// A share (> 0) of the data's baseline volume of the covered flows.
    Share(f64),
    /// Removes the quota with this identity (one must be in force).
    Lift,
}

/// A quota entry of a scenario: a plain quota, a tariff-rate quota, an
/// export quota (`importer = "*"`) or the lift of one in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuotaChange {
    /// Importing country, or every destination (an export quota).
    pub importer: Selector,
    /// Exporting country, or every other origin (a global import quota).
    pub exporter: Selector,
    /// Sector code.
    pub sector: String,
    /// Volume, share or lift.
    pub amount: QuotaAmount,
    /// `(in_quota_tariff, out_of_quota_tariff)` of a tariff-rate quota.
    pub tariff_rate_quota: Option<(f64, f64)>,
    /// Who receives the rent (a new quota: the importer).
    pub holder: Option<QuotaHolder>,
    /// Decomposition label; entries sharing a label count as one component.
    pub component: Option<String>,
    /// The entry applies after this many of the scenario's tariff, NTB and
    /// export changes (their order in the file).
    pub after_changes: usize,
}

impl QuotaChange {
    /// A plain quota of `volume` on `sector` flows from `exporter` to
    /// `importer` (codes, or `"*"` on one side).
    pub fn volume(importer: &str, exporter: &str, sector: &str, volume: f64) -> Self {
        QuotaChange {
            importer: Selector::parse(importer),
            exporter: Selector::parse(exporter),
            sector: sector.to_string(),
            amount: QuotaAmount::Volume(volume),
            tariff_rate_quota: None,
            holder: None,
            component: None,
            after_changes: usize::MAX,
        }
    }

    /// A quota at `share` of the baseline volume of its flows.
    pub fn share(importer: &str, exporter: &str, sector: &str, share: f64) -> Self {
        QuotaChange {
            amount: QuotaAmount::Share(share),
            ..QuotaChange::volume(importer, exporter, sector, 1.0)
        }
    }

    /// Lifts the quota with this identity.
    pub fn lift(importer: &str, exporter: &str, sector: &str) -> Self {
        QuotaChange {
            amount: QuotaAmount::Lift,
            ..QuotaChange::volume(importer, exporter, sector, 1.0)
        }
    }

    /// Makes it a tariff-rate quota.
    pub fn with_tariffs(mut self, in_quota: f64, out_of_quota: f64) -> Self {
        self.tariff_rate_quota = Some((in_quota, out_of_quota));
        self
    }

    /// Sets who receives the rent.
    pub fn with_holder(mut self, holder: QuotaHolder) -> Self {
        self.holder = Some(holder);
        self
    }

    /// Sets the decomposition label.
    pub fn with_component(mut self, label: &str) -> Self {
        self.component = Some(label.to_string());
        self
    }
}

/// A quota entry resolved against the data.
#[derive(Debug, Clone)]
pub(super) struct QuotaItem {
    sector: usize,
    importer: Option<usize>,
    exporter: Option<usize>,
    cells: Vec<(usize, usize)>,
    baseline: Vec<f64>,
    /// `None`: lift.
    volume: Option<f64>,
    trq: Option<(f64, f64)>,
    holder: Option<QuotaHolder>,
}

fn side(src: &str, key: &str, data: &Dataset, s: &Selector) -> crate::error::Result<Option<usize>> {
    match s {
        Selector::All => Ok(None),
        Selector::Code(c) => super::resolve::country(src, key, data, c).map(Some),
    }
}

/// Resolves a quota entry into its label and quota; `scenario` and `index`
/// name it in its default label.
pub(super) fn compile_quota(
    src: &str,
    qkey: &str,
    scenario: &str,
    index: usize,
    q: &QuotaChange,
    data: &Dataset,
) -> crate::error::Result<(String, QuotaItem)> {
    use crate::error::Error;
    let err = |field: &str, msg: String| Error::scenario(src, format!("{qkey}.{field}"), msg);
    let sector = match data.sector_id(&q.sector) {
        Some(s) => s.0,
        None if q.sector == "*" => {
            return Err(err("sector", "a quota names one sector, not `*`".into()));
        }
        None => return Err(err("sector", format!("unknown sector code `{}`", q.sector))),
    };
    let importer = side(src, &format!("{qkey}.importer"), data, &q.importer)?;
    let exporter = side(src, &format!("{qkey}.exporter"), data, &q.exporter)?;
    let x0 = data.markets()[sector].flows();
    let cells = crate::model::quota_cells(x0, importer, exporter).map_err(|e| {
        let msg = match e {
            Error::Invalid { message, .. } => message,
            e => e.to_string(),
        };
        err(
            "exporter",
            format!(
                "{}<-{} in sector {}: {msg}",
                q.importer, q.exporter, q.sector
            ),
        )
    })?;
    let baseline: Vec<f64> = cells.iter().map(|&(i, j)| x0.get(i, j)).collect();
    let volume = match q.amount {
        QuotaAmount::Volume(v) => {
            if !(v.is_finite() && v > 0.0) {
                return Err(err(
                    "volume",
                    format!("must be finite and > 0 (to stop the trade use a ban), got {v}"),
                ));
            }
            Some(v)
        }
        QuotaAmount::Share(s) => {
            if !(s.is_finite() && s > 0.0) {
                return Err(err(
                    "share",
                    format!("must be finite and > 0 (to stop the trade use a ban), got {s}"),
                ));
            }
            Some(s * baseline.iter().sum::<f64>())
        }
        QuotaAmount::Lift => {
            if q.tariff_rate_quota.is_some() || q.holder.is_some() {
                return Err(err("lift", "a lift takes no tariffs and no holder".into()));
            }
            None
        }
    };
    if let Some((tin, tout)) = q.tariff_rate_quota {
        if !(tin.is_finite() && tin > -1.0) {
            return Err(err(
                "in_quota_tariff",
                format!("must be finite and > -1, got {tin}"),
            ));
        }
        if tout.is_nan() || tout < tin {
            return Err(err(
                "out_of_quota_tariff",
                format!("must be >= the in-quota tariff {tin}, got {tout}"),
            ));
        }
        for (what, v) in [("in_quota_tariff", tin), ("out_of_quota_tariff", tout)] {
            if v.is_finite() {
                limits::check_rate(v).map_err(|m| err(what, m))?;
            }
        }
    }
    let label = q.component.clone().unwrap_or_else(|| {
        format!(
            "quota {}<-{} {} ({scenario} #{index})",
            q.importer, q.exporter, q.sector
        )
    });
    let item = QuotaItem {
        sector,
        importer,
        exporter,
        cells,
        baseline,
        volume,
        trq: q.tariff_rate_quota,
        holder: q.holder,
    };
    Ok((label, item))
}

fn name(data: &Dataset, c: Option<usize>) -> String {
    c.map_or("*".to_string(), |c| data.countries()[c].code.clone())
}

fn describe(data: &Dataset, sector: usize, q: &Quota) -> String {
    format!(
        "the quota {}<-{} in sector {}",
        name(data, q.importer),
        name(data, q.exporter),
        data.sectors()[sector].code
    )
}

/// Removes quota `k` of `sp`, giving its flows back the tariffs the policy
/// has without it.
fn remove(sp: &mut SectorPolicy, k: usize) {
    let q = sp.restrictions.quotas.remove(k);
    if let Some(t) = q.trq {
        for (&(i, j), &u) in q.cells.iter().zip(&t.underlying) {
            sp.tariffs.set(i, j, u);
        }
    }
}

impl QuotaItem {
    /// Checks what only the policy in force can tell: a lift needs a quota,
    /// a new quota may not overlap one in force.
    pub(super) fn check(&self, p: &PolicyState, data: &Dataset) -> Result<(), String> {
        let sp = &p.sectors[self.sector];
        let own = sp
            .restrictions
            .quotas
            .iter()
            .position(|q| q.is(self.importer, self.exporter));
        if self.volume.is_none() && own.is_none() {
            return Err(format!(
                "`lift`: no quota {}<-{} in sector {} is in force",
                name(data, self.importer),
                name(data, self.exporter),
                data.sectors()[self.sector].code
            ));
        }
        if own.is_none() {
            if let Some(other) = sp
                .restrictions
                .quotas
                .iter()
                .find(|q| self.cells.iter().any(|&(i, j)| q.covers(i, j)))
            {
                return Err(format!(
                    "this quota {}<-{} overlaps {}: a flow belongs to at most one quota",
                    name(data, self.importer),
                    name(data, self.exporter),
                    describe(data, self.sector, other)
                ));
            }
        }
        Ok(())
    }

    pub(super) fn apply(&self, p: &mut PolicyState) {
        let sp = &mut p.sectors[self.sector];
        let own = sp
            .restrictions
            .quotas
            .iter()
            .position(|q| q.is(self.importer, self.exporter));
        let Some(volume) = self.volume else {
            if let Some(k) = own {
                remove(sp, k);
            }
            return;
        };
        let k = match own {
            Some(k) => k,
            None => {
                // (a decomposition subset may meet a quota that a left-out
                // lift would have removed: the newer one replaces it)
                while let Some(k) = sp
                    .restrictions
                    .quotas
                    .iter()
                    .position(|q| self.cells.iter().any(|&(i, j)| q.covers(i, j)))
                {
                    remove(sp, k);
                }
                sp.restrictions.quotas.push(Quota {
                    importer: self.importer,
                    exporter: self.exporter,
                    cells: self.cells.clone(),
                    baseline: self.baseline.clone(),
                    volume,
                    trq: None,
                    holder: QuotaHolder::Importer,
                    start: 0.0,
                });
                sp.restrictions.quotas.len() - 1
            }
        };
        let q = &mut sp.restrictions.quotas[k];
        q.volume = volume;
        if let Some(h) = self.holder {
            q.holder = h;
        }
        if let Some((tin, tout)) = self.trq {
            let underlying = match q.trq.take() {
                Some(t) => t.underlying,
                None => q.cells.iter().map(|&(i, j)| sp.tariffs.get(i, j)).collect(),
            };
            for &(i, j) in &q.cells {
                sp.tariffs.set(i, j, tin);
            }
            q.trq = Some(TrqRates {
                in_quota: tin,
                out_of_quota: tout,
                underlying,
            });
        }
    }
}

/// A union's lift of quotas among `members`, in every sector.
pub(super) fn lift_internal(p: &mut PolicyState, members: &[usize]) {
    let member = |c: Option<usize>| c.is_some_and(|c| members.contains(&c));
    for sp in &mut p.sectors {
        let mut k = 0;
        while k < sp.restrictions.quotas.len() {
            let q = &sp.restrictions.quotas[k];
            let inside = |&(i, j): &(usize, usize)| members.contains(&i) && members.contains(&j);
            let all_inside = q.cells.iter().all(inside);
            let whole = (member(q.importer) && member(q.exporter)) || all_inside;
            if whole {
                remove(sp, k);
                continue;
            }
            if q.cells.iter().any(inside) {
                let q = &mut sp.restrictions.quotas[k];
                let mut kept = Vec::new();
                let mut kept_base = Vec::new();
                let mut kept_under = Vec::new();
                for (c, (&(i, j), &x0)) in q.cells.iter().zip(&q.baseline).enumerate() {
                    if inside(&(i, j)) {
                        q.volume -= x0;
                        if let Some(t) = &q.trq {
                            sp.tariffs.set(i, j, t.underlying[c]);
                        }
                    } else {
                        kept.push((i, j));
                        kept_base.push(x0);
                        if let Some(t) = &q.trq {
                            kept_under.push(t.underlying[c]);
                        }
                    }
                }
                q.cells = kept;
                q.baseline = kept_base;
                if let Some(t) = &mut q.trq {
                    t.underlying = kept_under;
                }
            }
            k += 1;
        }
    }
}

/// What an item did to tariffs, as tariff-rate quotas see it.
#[derive(Debug, Clone, Copy)]
pub(super) enum TariffEdit<'a> {
    /// A tariff entry on these (sector, exporter, importer) cells.
    Entry {
        cells: &'a [(usize, usize, usize)],
        action: super::Action,
    },
    /// A union's internal rate or CET: what the flows would pay without the
    /// quota.
    Underlying,
}

/// Keeps explicit tariff-rate quotas in charge of their flows' tariffs after
/// an item that may have changed them: a tariff entry on a TRQ flow changes
/// its in-quota tariff (once per quota); anything else (a CET, an internal
/// tariff) changes what the flows would pay without the quota.
pub(super) fn settle_trqs(p: &mut PolicyState, edit: TariffEdit) {
    for (s, sp) in p.sectors.iter_mut().enumerate() {
        if sp.restrictions.quotas.iter().all(|q| q.trq.is_none()) {
            continue;
        }
        let SectorPolicy {
            tariffs,
            restrictions,
            ..
        } = sp;
        for q in restrictions.quotas.iter_mut() {
            let Some(t) = &mut q.trq else { continue };
            let mut entry_done = false;
            for (c, &(i, j)) in q.cells.iter().enumerate() {
                let now = tariffs.get(i, j);
                match edit {
                    TariffEdit::Entry { cells, action }
                        if !entry_done && cells.contains(&(s, i, j)) =>
                    {
                        entry_done = true;
                        t.in_quota = match action {
                            super::Action::Set(v) => v,
                            super::Action::Add(v) => t.in_quota + v,
                            super::Action::Scale(v) => t.in_quota * v,
                            super::Action::Ban => t.in_quota,
                        };
                    }
                    TariffEdit::Underlying => {
                        t.underlying[c] = now;
                    }
                    TariffEdit::Entry { .. } => {}
                }
            }
            for &(i, j) in &q.cells {
                tariffs.set(i, j, t.in_quota);
            }
        }
    }
}

/// Checks the quotas and export taxes in force after an item: TRQ rates in
/// order, volumes left after a union's lift, export taxes in range.
pub(super) fn check_state(p: &PolicyState, data: &Dataset) -> Result<(), String> {
    for (s, sp) in p.sectors.iter().enumerate() {
        for q in &sp.restrictions.quotas {
            if let Some(t) = &q.trq {
                if !(t.in_quota > -1.0 && t.in_quota.is_finite()) || t.out_of_quota < t.in_quota {
                    return Err(format!(
                        "{}: the out-of-quota tariff {} must be >= the in-quota tariff {} (> -1)",
                        describe(data, s, q),
                        t.out_of_quota,
                        t.in_quota
                    ));
                }
            }
            if q.volume.is_nan() || q.volume <= 0.0 {
                return Err(format!(
                    "{}: no volume is left for the flows it still covers once the union's \
                     members are taken out (give it a smaller volume first, or lift it)",
                    describe(data, s, q)
                ));
            }
        }
        if let Some(e) = &sp.restrictions.export_taxes {
            let n = e.n();
            for i in 0..n {
                for j in 0..n {
                    let v = e.get(i, j);
                    limits::check_rate(v)?;
                    if !(v.is_finite() && v > -1.0) {
                        return Err(format!(
                            "leaves the export tax on {}->{} in sector {} at {v}: it must be > -1",
                            data.countries()[i].code,
                            data.countries()[j].code,
                            data.sectors()[s].code
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// One warning per sector for counterfactual export taxes above 100% that
/// were not so at baseline (the markets' own taxes).
pub(super) fn export_tax_warnings(p: &PolicyState, data: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    for (s, (b, c)) in data.markets().iter().zip(&p.sectors).enumerate() {
        let n = c.tariffs.n();
        let raised = (0..n * n)
            .filter(|&k| {
                c.restrictions.export_tax(k / n, k % n) > limits::RATE_WARN
                    && b.export_tax(k / n, k % n) <= limits::RATE_WARN
            })
            .count();
        if raised > 0 {
            out.push(format!(
                "sector {}: the scenario sets {raised} export-tax rate(s) above 100%; \
                 rates are fractions (0.15 = 15%)",
                data.sectors()[s].code
            ));
        }
    }
    out
}

//! A customs union compiled to items: internal tariffs, the NTB cut, the
//! common external tariff by its rule, and duty pooling.
//!
//! ```text
//! CET rate on outsider o, sector s, by rule: adopt(m): t[o][m];  trade_weighted:
//! sum_m x0[o][m] t[o][m] / sum_m x0[o][m] (simple mean if no imports);
//! simple_average, min, max over members; schedule: rates[s] (member exceptions)
//! ```

use std::collections::{BTreeMap, HashMap};

use super::item::{Item, ItemKind};
use super::resolve::{check_rate, country, sector_sel};
use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::policy::{CetRule, CustomsUnion, Preferences, RevenuePool, RevenueSharing};
use crate::tolerance;

/// Refuses the union definition at `key` of `src`, saying `why`.
fn refuse<T>(src: &str, key: impl Into<String>, why: impl Into<String>) -> Result<T> {
    Err(Error::scenario(src, key, why))
}

pub(super) fn compile_union(
    src: &str,
    ukey: &str,
    un: &CustomsUnion,
    data: &Dataset,
) -> Result<Vec<Item>> {
    let n = data.n_countries();
    if un.name.trim().is_empty() {
        return refuse(src, format!("{ukey}.name"), "a union needs a name");
    }
    if un.members.len() < 2 {
        return refuse(
            src,
            format!("{ukey}.members"),
            "a union needs at least two members",
        );
    }
    let mut members = Vec::new();
    for m in &un.members {
        let id = country(src, &format!("{ukey}.members"), data, m)?;
        if members.contains(&id) {
            return refuse(
                src,
                format!("{ukey}.members"),
                format!("`{m}` is listed twice"),
            );
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
        return refuse(
            src,
            format!("{ukey}.internal_tariff"),
            format!("a tariff must be > -1, got {}", un.internal_tariff),
        );
    }
    if !(0.0..=1.0).contains(&un.ntb_cut) {
        return refuse(
            src,
            format!("{ukey}.ntb_cut"),
            format!("must be in [0, 1], got {}", un.ntb_cut),
        );
    }
    let tag = Some(un.name.clone());
    // an item of this union, set by its `field`
    let item = |field: &str, what: &str, kind: ItemKind| Item {
        key: format!("{ukey}.{field}"),
        label: format!("{}: {what}", un.name),
        union: tag.clone(),
        kind,
    };
    let internal = ItemKind::Internal {
        members: members.clone(),
        rate: un.internal_tariff,
    };
    let mut items = vec![item("internal_tariff", "internal tariffs", internal)];
    if un.ntb_cut > 0.0 {
        let cut = ItemKind::NtbCut {
            members: members.clone(),
            cut: un.ntb_cut,
        };
        items.push(item("ntb_cut", "NTB cut", cut));
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
                        return refuse(
                            src,
                            format!("{ckey}.country"),
                            format!("`{c}` is not a member of union `{}`", un.name),
                        );
                    }
                    adopt = Some(id);
                }
                CetRule::Schedule { rates, exceptions } => {
                    for (sec, r) in rates {
                        let rk = format!("{ckey}.rates.{sec}");
                        check_rate(src, &rk, *r, "a CET rate")?;
                        if *r <= -1.0 {
                            return refuse(src, rk, format!("a tariff must be > -1, got {r}"));
                        }
                        if sec == "*" {
                            star = Some(*r);
                        } else {
                            let s = sector_sel(src, &rk, data, sec)?[0];
                            sched.insert(s, *r);
                        }
                    }
                    let mut seen: HashMap<(usize, &str), usize> = HashMap::new();
                    for (e, ex) in exceptions.iter().enumerate() {
                        let ek = format!("{ckey}.exceptions[{e}]");
                        let m = country(src, &format!("{ek}.member"), data, &ex.member)?;
                        if let Some(prev) = seen.insert((m, ex.sector.as_str()), e) {
                            return refuse(
                                src,
                                ek,
                                format!(
                                    "a second exception for {} in sector {} (the first is exceptions[{prev}]): give one",
                                    ex.member, ex.sector
                                ),
                            );
                        }
                        if !is_member(m) {
                            return refuse(
                                src,
                                format!("{ek}.member"),
                                format!("`{}` is not a member of union `{}`", ex.member, un.name),
                            );
                        }
                        check_rate(src, &format!("{ek}.rate"), ex.rate, "an exception rate")?;
                        if ex.rate <= -1.0 {
                            return refuse(
                                src,
                                format!("{ek}.rate"),
                                format!("a tariff must be > -1, got {}", ex.rate),
                            );
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
                                return refuse(
                                    src,
                                    format!("{ckey}.rates"),
                                    format!(
                                        "no rate for sector `{}` and no \"*\" rate",
                                        data.sectors()[s].code
                                    ),
                                );
                            }
                        },
                        CetRule::None => unreachable!("handled above"),
                    };
                    for &m in &members {
                        let mut r = exc.get(&(m, s)).copied().unwrap_or(common);
                        let baseline = t0.get(o, m);
                        if un.preferences == Preferences::Keep && baseline < market.mfn(m) {
                            r = r.min(baseline);
                        }
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
                return refuse(
                    src,
                    format!("{skey}.{code}"),
                    format!("`{code}` is not a member of union `{}`", un.name),
                );
            };
            if !(v.is_finite() && *v >= 0.0) {
                return refuse(
                    src,
                    format!("{skey}.{code}"),
                    format!("a share must be finite and >= 0, got {v}"),
                );
            }
            sh[pos] += v;
            sum += v;
        }
        if (sum - 1.0).abs() > tolerance::SHARES_SUM {
            return refuse(
                src,
                skey,
                format!("shares must sum to 1 (within 1e-9), they sum to {sum}"),
            );
        }
        items.push(Item {
            key: skey,
            label: format!("{}: duty pooling", un.name),
            union: tag,
            kind: ItemKind::Pool(RevenuePool {
                union: un.name.clone(),
                collection: members
                    .iter()
                    .map(|&m| data.countries()[m].collection)
                    .collect(),
                members: members.clone(),
                shares: sh,
            }),
        });
    }
    Ok(items)
}

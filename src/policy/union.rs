//! Customs unions: members, internal tariff, cut in members' mutual
//! non-tariff wedges, common external tariff (CET) rules and duty pooling.
//!
//! ```text
//! internal:  t1[m][n] = internal_tariff                       m != n members, every sector
//! NTB cut:   c1[m][n] = c[m][n] (1 - ntb_cut)
//! CET:       t1[o][m] = cet(s, o, m)                          o outside, m member
//!   adopt(c)        t0[o][c]
//!   trade_weighted  sum_m x0[o][m] t0[o][m] / sum_m x0[o][m]  (simple mean if all zero)
//!   simple_average  mean_m t0[o][m];  min / max over m
//!   schedule        rate(s) (sector code or "*"), with per-member exceptions
//!   none            members keep their own external tariffs (a free trade area)
//! pooling:   revenue_m = share_m * sum_k revenue_k               (sector by sector)
//! ```
//! CET rules read the baseline tariffs and imports, never an earlier stage.

use serde::{Deserialize, Serialize};

/// A common external tariff rule, per sector and outside supplier. In a
/// scenario file: `cet = { rule = "adopt", country = "RUS" }`, `{ rule =
/// "trade_weighted" }`, ..., `{ rule = "schedule", rates = { AGF = 0.12, "*" =
/// 0.08 }, exceptions = [...] }`, `{ rule = "none" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum CetRule {
    /// Every member adopts this member's baseline tariff on each outsider.
    Adopt {
        /// Code of the member whose schedule is adopted.
        country: String,
    },
    /// Members' baseline tariffs on the outsider weighted by their baseline imports from it.
    TradeWeighted,
    /// Simple mean of members' baseline tariffs on the outsider.
    SimpleAverage,
    /// Lowest member tariff on the outsider.
    Min,
    /// Highest member tariff on the outsider.
    Max,
    /// Explicit sector rates (`"*"` for every sector not named) with per-member exceptions.
    Schedule {
        /// `(sector code or "*", rate)`.
        #[serde(with = "pairs_as_table")]
        rates: Vec<(String, f64)>,
        /// Members that keep another rate on some sectors.
        #[serde(default)]
        exceptions: Vec<CetException>,
    },
    /// No common tariff: a free trade area.
    None,
}

/// A member's exception to a scheduled CET.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CetException {
    /// Member code.
    pub member: String,
    /// Sector code or `"*"`.
    pub sector: String,
    /// The member's rate on imports from outside in that sector.
    pub rate: f64,
}

/// `(key, value)` pairs as a table (`{ AGF = 0.12, "*" = 0.08 }`), in key order.
mod pairs_as_table {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
        v.iter()
            .map(|(k, r)| (k.as_str(), *r))
            .collect::<BTreeMap<&str, f64>>()
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(String, f64)>, D::Error> {
        Ok(BTreeMap::<String, f64>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

/// Who keeps the tariff revenue collected by members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub enum RevenueSharing {
    /// Each member keeps what it collects (default).
    #[default]
    Destination,
    /// Members' revenue is pooled and paid out by these shares (summing to 1).
    Pooled(Vec<(String, f64)>),
}

/// What a common external tariff does to a member's preferential rates
/// (baseline rates on an outsider below the member's MFN rate, e.g. duty-free
/// trade with a free-trade partner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Preferences {
    /// The CET never raises a preferential rate: it becomes
    /// `min(baseline rate, CET rate)`. Default.
    #[default]
    Keep,
    /// The CET applies to preferential partners too.
    Withdraw,
}

/// What a union does to the quotas among its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InternalQuotas {
    /// Every quota among members goes: a bilateral quota between members is
    /// removed; a member's global or export quota loses its member partners
    /// (their baseline flows come off its volume). Default.
    #[default]
    Lift,
    /// Quotas among members stay.
    Keep,
}

/// A customs union (or, with [`CetRule::None`], a free trade area). Built
/// with [`CustomsUnion::new`] and the `with_*` setters; the scenario
/// compilation checks every value (members, shares, rates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomsUnion {
    /// Name; a later stage's union with the same name replaces this one.
    pub name: String,
    /// Member codes.
    pub members: Vec<String>,
    /// Ad valorem tariff on trade among members, as a fraction (default 0).
    pub internal_tariff: f64,
    /// Fraction of members' mutual non-tariff wedge removed, in [0, 1] (default 0).
    pub ntb_cut: f64,
    /// Common external tariff rule.
    pub cet: CetRule,
    /// Duty sharing (default: destination).
    pub revenue_sharing: RevenueSharing,
    /// What the CET does to members' preferential rates (default: keep them).
    #[serde(default)]
    pub preferences: Preferences,
    /// What happens to quotas among members (default: lifted).
    #[serde(default)]
    pub internal_quotas: InternalQuotas,
}

impl CustomsUnion {
    /// A union of `members` with internal tariff 0, no NTB cut, the given CET and
    /// destination revenue. Adjust fields or use the `with_*` setters.
    pub fn new(name: impl Into<String>, members: &[&str], cet: CetRule) -> Self {
        CustomsUnion {
            name: name.into(),
            members: members.iter().map(|s| s.to_string()).collect(),
            internal_tariff: 0.0,
            ntb_cut: 0.0,
            cet,
            revenue_sharing: RevenueSharing::Destination,
            preferences: Preferences::Keep,
            internal_quotas: InternalQuotas::Lift,
        }
    }

    setters! {
        /// Sets what happens to quotas among members.
        with_internal_quotas(internal_quotas: InternalQuotas) -> internal_quotas;
        /// Sets who keeps the duties.
        with_revenue_sharing(sharing: RevenueSharing) -> revenue_sharing;
        /// Sets what the CET does to members' preferential rates.
        with_preferences(preferences: Preferences) -> preferences;
        /// Sets the NTB cut.
        with_ntb_cut(cut: f64) -> ntb_cut;
        /// Sets the internal tariff.
        with_internal_tariff(t: f64) -> internal_tariff;
    }

    /// Pools duties with these `(member, share)` pairs.
    pub fn with_pooling(mut self, shares: &[(&str, f64)]) -> Self {
        self.revenue_sharing =
            RevenueSharing::Pooled(shares.iter().map(|(c, s)| (c.to_string(), *s)).collect());
        self
    }
}

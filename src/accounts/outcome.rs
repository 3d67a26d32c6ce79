//! What is reported for one country in one sector (or summed over sectors,
//! or over a union's members), and the one list of its fields.
//!
//! ```text
//! welfare = consumer_surplus + producer_surplus + tariff_revenue + quota_rent + export_tax_revenue
//! tariff_revenue = tariff_revenue_counterfactual (after pooling) - tariff_revenue_baseline
//! dMp = sum_{partners} dx,  dMo = sum_{outsiders} dx      (volumes, baseline prices)
//! TD  = max(0, min(dMp, -dMo)),  TC = dMp - TD,  ETS = -dMo - TD
//! ```

use serde::{Deserialize, Serialize};

/// Everything reported for one country in one sector (or summed over sectors).
///
/// Units: values in the data's units (US$ million per year at baseline prices
/// for the embedded data); prices are levels with baseline 1. Changes are
/// counterfactual minus baseline. Flows and imports are volumes (quantities at
/// baseline prices) unless the field name ends in `_value` (at the new
/// producer prices). Trade-effect fields are zero for countries outside every
/// union.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CountryOutcome {
    /// Producer price `p` (level, 1 at baseline); meaningful per sector only.
    pub producer_price: f64,
    /// Composite consumer price index `P` (level, 1 at baseline); per sector only.
    pub consumer_price_index: f64,
    /// Change in consumer surplus (value units).
    pub consumer_surplus: f64,
    /// Change in producer surplus (value units).
    pub producer_surplus: f64,
    /// Change in tariff revenue, after pooling (value units).
    pub tariff_revenue: f64,
    /// `consumer_surplus + producer_surplus + tariff_revenue + quota_rent +
    /// export_tax_revenue` (value units).
    pub welfare: f64,
    /// Tariff revenue at baseline (value units).
    pub tariff_revenue_baseline: f64,
    /// Tariff revenue in the counterfactual, after pooling (value units).
    pub tariff_revenue_counterfactual: f64,
    /// Imports (excluding the diagonal) at baseline (volume).
    pub imports_baseline: f64,
    /// Imports in the counterfactual (volume).
    pub imports_counterfactual: f64,
    /// Imports in the counterfactual at the new producer prices (value units).
    pub imports_counterfactual_value: f64,
    /// `dMp`: change in imports from union partners (volume).
    pub imports_from_partners_change: f64,
    /// `dMo`: change in imports from outside the union (volume).
    pub imports_from_outside_change: f64,
    /// Trade creation (volume).
    pub trade_creation: f64,
    /// Trade diversion (volume).
    pub trade_diversion: f64,
    /// External trade suppression (volume).
    pub external_trade_suppression: f64,
    /// `dMp` at the new producer prices (value units).
    pub imports_from_partners_change_value: f64,
    /// `dMo` at the new producer prices (value units).
    pub imports_from_outside_change_value: f64,
    /// Trade creation at the new producer prices (value units).
    pub trade_creation_value: f64,
    /// Trade diversion at the new producer prices (value units).
    pub trade_diversion_value: f64,
    /// External trade suppression at the new producer prices (value units).
    pub external_trade_suppression_value: f64,
    /// Change in quota rent received (as a quota's holder; value units).
    #[serde(default)]
    pub quota_rent: f64,
    /// Change in export-tax revenue (as the exporter; never pooled; value units).
    #[serde(default)]
    pub export_tax_revenue: f64,
}

macro_rules! outcome_fields {
    ($( $(#[$doc:meta])* $variant:ident => $field:ident, $change:expr; )*) => {
        /// One reported field of a [`CountryOutcome`]: the one list that JSON,
        /// CSV, Monte Carlo and tests iterate. [`OutcomeField::ADDITIVE`] holds
        /// the stored, additive fields in storage order; `ImportsChange` is
        /// derived (`imports_counterfactual - imports_baseline`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum OutcomeField {
            $( $(#[$doc])* $variant, )*
            /// `imports_counterfactual - imports_baseline` (volume; derived).
            ImportsChange,
        }

        impl OutcomeField {
            /// The stored additive fields (every field but the two price
            /// levels and the derived `ImportsChange`), in storage order.
            pub const ADDITIVE: [OutcomeField; 21] = [$( OutcomeField::$variant, )*];

            /// The field's name in JSON and CSV output (snake_case).
            pub const fn name(self) -> &'static str {
                match self {
                    $( OutcomeField::$variant => stringify!($field), )*
                    OutcomeField::ImportsChange => "imports_change",
                }
            }

            /// True for a change from the baseline (false for the levels
            /// `*_baseline`, `*_counterfactual`, `*_counterfactual_value`).
            pub const fn is_change(self) -> bool {
                match self {
                    $( OutcomeField::$variant => $change, )*
                    OutcomeField::ImportsChange => true,
                }
            }

            /// The field's value in `o`.
            pub fn get(self, o: &CountryOutcome) -> f64 {
                match self {
                    $( OutcomeField::$variant => o.$field, )*
                    OutcomeField::ImportsChange => o.imports_counterfactual - o.imports_baseline,
                }
            }

        }

        impl CountryOutcome {
            /// The additive fields, in [`OutcomeField::ADDITIVE`] order.
            pub fn additive(&self) -> [f64; 21] {
                [$( self.$field, )*]
            }

            /// Adds `k * o` to every additive field (price levels untouched).
            pub fn add_scaled(&mut self, o: &CountryOutcome, k: f64) {
                $( self.$field += k * o.$field; )*
            }

            /// Adds every additive field of `o`.
            pub fn accumulate(&mut self, o: &CountryOutcome) {
                $( self.$field += o.$field; )*
            }

            /// Adds the additive fields to `sums` (one per field, in
            /// [`OutcomeField::ADDITIVE`] order).
            pub fn add_to(&self, sums: &mut [f64; 21]) {
                let [$( $field, )*] = sums;
                $( *$field += self.$field; )*
            }
        }
    };
}

outcome_fields! {
    /// Change in consumer surplus.
    ConsumerSurplus => consumer_surplus, true;
    /// Change in producer surplus.
    ProducerSurplus => producer_surplus, true;
    /// Change in tariff revenue (after pooling).
    TariffRevenue => tariff_revenue, true;
    /// Welfare change.
    Welfare => welfare, true;
    /// Tariff revenue at baseline.
    TariffRevenueBaseline => tariff_revenue_baseline, false;
    /// Tariff revenue in the counterfactual (after pooling).
    TariffRevenueCounterfactual => tariff_revenue_counterfactual, false;
    /// Imports at baseline.
    ImportsBaseline => imports_baseline, false;
    /// Imports in the counterfactual (volume).
    ImportsCounterfactual => imports_counterfactual, false;
    /// Imports in the counterfactual at new prices.
    ImportsCounterfactualValue => imports_counterfactual_value, false;
    /// Change in imports from union partners.
    ImportsFromPartnersChange => imports_from_partners_change, true;
    /// Change in imports from outside the union.
    ImportsFromOutsideChange => imports_from_outside_change, true;
    /// Trade creation.
    TradeCreation => trade_creation, true;
    /// Trade diversion.
    TradeDiversion => trade_diversion, true;
    /// External trade suppression.
    ExternalTradeSuppression => external_trade_suppression, true;
    /// Change in imports from partners at new prices.
    ImportsFromPartnersChangeValue => imports_from_partners_change_value, true;
    /// Change in imports from outside at new prices.
    ImportsFromOutsideChangeValue => imports_from_outside_change_value, true;
    /// Trade creation at new prices.
    TradeCreationValue => trade_creation_value, true;
    /// Trade diversion at new prices.
    TradeDiversionValue => trade_diversion_value, true;
    /// External trade suppression at new prices.
    ExternalTradeSuppressionValue => external_trade_suppression_value, true;
    /// Change in quota rent received.
    QuotaRent => quota_rent, true;
    /// Change in export-tax revenue.
    ExportTaxRevenue => export_tax_revenue, true;
}

/// Positions in [`OutcomeField::ADDITIVE`] of its change fields, in order.
const ADDITIVE_CHANGES: [usize; 16] = {
    let mut at = [0; 16];
    let (mut f, mut k) = (0, 0);
    while f < OutcomeField::ADDITIVE.len() {
        if OutcomeField::ADDITIVE[f].is_change() {
            at[k] = f;
            k += 1;
        }
        f += 1;
    }
    assert!(k == at.len(), "every change field has a place");
    at
};

impl OutcomeField {
    /// The change fields reported by a decomposition and by stages (every
    /// additive change field, then `imports_change`).
    pub fn changes() -> impl Iterator<Item = OutcomeField> {
        OutcomeField::ADDITIVE
            .into_iter()
            .filter(|f| f.is_change())
            .chain(std::iter::once(OutcomeField::ImportsChange))
    }

    /// The field named `name` (as [`OutcomeField::name`] gives it).
    pub fn parse(name: &str) -> Option<OutcomeField> {
        OutcomeField::ADDITIVE
            .into_iter()
            .chain(std::iter::once(OutcomeField::ImportsChange))
            .find(|f| f.name() == name)
    }
}

/// Splits `(dMp, dMo)` into (creation, diversion, suppression).
pub fn trade_effects(d_partners: f64, d_outside: f64) -> (f64, f64, f64) {
    let diversion = d_partners.min(-d_outside).max(0.0);
    (d_partners - diversion, diversion, -d_outside - diversion)
}

impl CountryOutcome {
    /// Sets `dMp`, `dMo` and their split into creation, diversion and external
    /// suppression, on volumes and on values at the new prices.
    pub fn set_trade_effects(&mut self, dmp: f64, dmo: f64, dmp_value: f64, dmo_value: f64) {
        let split = |mp: f64, mo: f64| {
            let (tc, td, ets) = trade_effects(mp, mo);
            [mp, mo, tc, td, ets]
        };
        let (v, w) = (split(dmp, dmo), split(dmp_value, dmo_value));
        (
            self.imports_from_partners_change,
            self.imports_from_partners_change_value,
        ) = (v[0], w[0]);
        (
            self.imports_from_outside_change,
            self.imports_from_outside_change_value,
        ) = (v[1], w[1]);
        (self.trade_creation, self.trade_creation_value) = (v[2], w[2]);
        (self.trade_diversion, self.trade_diversion_value) = (v[3], w[3]);
        (
            self.external_trade_suppression,
            self.external_trade_suppression_value,
        ) = (v[4], w[4]);
    }

    /// The values of [`OutcomeField::changes`], in its order.
    pub fn change_values(&self) -> [f64; 17] {
        let additive = self.additive();
        let mut values = [0.0; 17];
        for (v, &f) in values.iter_mut().zip(&ADDITIVE_CHANGES) {
            *v = additive[f];
        }
        values[16] = OutcomeField::ImportsChange.get(self);
        values
    }

    /// `self - o` on every additive field (price levels taken from `self`).
    pub fn minus(&self, o: &CountryOutcome) -> CountryOutcome {
        let mut r = *self;
        r.add_scaled(o, -1.0);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names: Vec<&str> = OutcomeField::ADDITIVE.iter().map(|f| f.name()).collect();
        names.push(OutcomeField::ImportsChange.name());
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        for n in names {
            assert_eq!(OutcomeField::parse(n).unwrap().name(), n);
        }
        assert_eq!(OutcomeField::changes().count(), 17);
    }

    #[test]
    fn additive_values_follow_the_field_list() {
        let mut o = CountryOutcome::default();
        o.set_trade_effects(5.0, -3.0, 6.0, -2.5);
        o.consumer_surplus = 1.0;
        o.welfare = 2.0;
        o.imports_baseline = 7.0;
        o.quota_rent = 8.0;
        o.export_tax_revenue = 9.0;
        let values = o.additive();
        for (f, v) in OutcomeField::ADDITIVE.into_iter().zip(values) {
            assert_eq!(f.get(&o), v, "{}", f.name());
        }
        let mut sum = o;
        sum.accumulate(&o);
        for (f, v) in OutcomeField::ADDITIVE.into_iter().zip(values) {
            assert_eq!(f.get(&sum), 2.0 * v, "{}", f.name());
        }
        assert_eq!(o.trade_diversion, 3.0);
        assert_eq!(o.trade_creation_value, 3.5);
        let mut sums = [0.5; 21];
        o.add_to(&mut sums);
        for ((f, v), s) in OutcomeField::ADDITIVE.into_iter().zip(values).zip(sums) {
            assert_eq!(s, 0.5 + v, "{}", f.name());
        }
    }

    #[test]
    fn change_values_follow_the_change_fields() {
        let o = CountryOutcome {
            producer_price: 1.5,
            consumer_price_index: 0.5,
            consumer_surplus: 1.0,
            producer_surplus: 2.0,
            tariff_revenue: 3.0,
            welfare: 4.0,
            tariff_revenue_baseline: 5.0,
            tariff_revenue_counterfactual: 6.0,
            imports_baseline: 7.0,
            imports_counterfactual: 30.0,
            imports_counterfactual_value: 9.0,
            imports_from_partners_change: 10.0,
            imports_from_outside_change: 11.0,
            trade_creation: 12.0,
            trade_diversion: 13.0,
            external_trade_suppression: 14.0,
            imports_from_partners_change_value: 15.0,
            imports_from_outside_change_value: 16.0,
            trade_creation_value: 17.0,
            trade_diversion_value: 18.0,
            external_trade_suppression_value: 19.0,
            quota_rent: 20.0,
            export_tax_revenue: 21.0,
        };
        let values = o.change_values();
        let fields: Vec<OutcomeField> = OutcomeField::changes().collect();
        assert_eq!(fields.len(), values.len());
        for (f, v) in fields.into_iter().zip(values) {
            assert_eq!(v, f.get(&o), "{}", f.name());
        }
        assert_eq!(values[16], 23.0);
    }

    #[test]
    fn add_scaled_touches_additive_fields_only() {
        let mut a = CountryOutcome {
            producer_price: 1.5,
            welfare: 1.0,
            ..CountryOutcome::default()
        };
        let b = CountryOutcome {
            producer_price: 9.0,
            welfare: 2.0,
            trade_creation: 3.0,
            ..CountryOutcome::default()
        };
        a.add_scaled(&b, 0.5);
        assert_eq!(a.producer_price, 1.5);
        assert_eq!(a.welfare, 2.0);
        assert_eq!(a.trade_creation, 1.5);
    }

    #[test]
    fn trade_effects_identity() {
        for (dmp, dmo) in [(5.0, -3.0), (-2.0, 4.0), (1.0, 2.0), (2.0, -7.0)] {
            let (tc, td, ets) = trade_effects(dmp, dmo);
            assert!(td >= 0.0);
            assert!((dmp + dmo - (tc - ets)).abs() < 1e-12);
        }
    }
}

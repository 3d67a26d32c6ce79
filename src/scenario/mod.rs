//! Scenarios: what a policy experiment changes, and how it compiles to a
//! counterfactual [`PolicyState`].
//!
//! ```text
//! policy(s) = policy(parent(s))                 (a same-named union is taken out)
//!             then s's unions, in file order    (internal tariff, NTB cut, CET, pooling)
//!             then s's tariff, NTB, quota and export entries, in file order
//! ```
//! Every scenario's results are changes from the data's baseline. Each
//! union part and each change (or group of changes sharing a `component`
//! label) is one *component* of the scenario, the unit of the Shapley
//! decomposition.

mod compile;
mod item;
mod quota;
mod resolve;
mod scaling;
mod union;

pub use quota::{QuotaAmount, QuotaChange};

pub(crate) use compile::{CompiledScenario, compile};
pub(crate) use scaling::{PolicyScaling, QuotaId};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::policy::CustomsUnion;

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
#[non_exhaustive]
pub enum Instrument {
    /// Ad valorem tariff.
    Tariff,
    /// Non-tariff wedge (ad valorem equivalent).
    Ntb,
    /// The exporter's tax on its sales (ad valorem on the producer price;
    /// revenue to the exporter). A ban stops the flow.
    ExportTax,
}

impl Instrument {
    fn name(self) -> &'static str {
        match self {
            Instrument::Tariff => "tariff",
            Instrument::Ntb => "ntb",
            Instrument::ExportTax => "export",
        }
    }
}

/// What a change does to the selected rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
#[non_exhaustive]
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

    /// An export measure of `exporter` on its sales of `sector` to
    /// `importer` (a code or `"*"`: every other country).
    pub fn export_tax(exporter: &str, importer: &str, sector: &str, action: Action) -> Self {
        PolicyChange {
            instrument: Instrument::ExportTax,
            ..PolicyChange::tariff(importer, exporter, sector, action)
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

/// One policy experiment. Built with [`Scenario::new`] and the `with_*`
/// setters; compiling it against a dataset checks every code and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct Scenario {
    /// Unique name.
    pub name: String,
    /// Name of the scenario this one builds on.
    pub extends: Option<String>,
    /// Free text.
    pub description: String,
    /// Customs unions and free trade areas formed or restated here.
    pub unions: Vec<CustomsUnion>,
    /// Tariff, NTB and export changes, applied in order after the unions.
    pub changes: Vec<PolicyChange>,
    /// Quota entries, each placed among `changes` by its `after_changes`.
    #[serde(default)]
    pub quotas: Vec<QuotaChange>,
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

    /// Sets the description.
    pub fn with_description(mut self, description: &str) -> Self {
        self.description = description.to_string();
        self
    }

    /// Adds a change.
    pub fn with_change(mut self, change: PolicyChange) -> Self {
        self.changes.push(change);
        self
    }

    /// Adds a quota entry, after the changes added so far.
    pub fn with_quota(mut self, mut quota: QuotaChange) -> Self {
        quota.after_changes = self.changes.len();
        self.quotas.push(quota);
        self
    }
}

//! The scenario file's fields as read, before any check: what the general
//! TOML parser deserialises into and what the plain-entry reader builds, so
//! that both go through the same checks in `scenario_file`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::policy::{CetRule, InternalQuotas, Preferences};

/// A scenario file as read, before its checks (the general parser's, or
/// the plain reader's of `scenario_plain`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDto {
    pub(super) dataset: Option<String>,
    #[serde(default)]
    pub(super) scenario: Vec<ScenarioDto>,
    pub(super) solver: Option<SolverDto>,
    pub(super) montecarlo: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SolverDto {
    pub(super) method: Option<String>,
    pub(super) tol: Option<f64>,
    pub(super) max_iter: Option<i64>,
    pub(super) line_search: Option<bool>,
    pub(super) warm_start: Option<bool>,
}

/// A `[[scenario]]` table as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScenarioDto {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    pub(super) extends: Option<String>,
    #[serde(default)]
    pub(super) union: Vec<UnionDto>,
    #[serde(default)]
    pub(super) tariff: Vec<toml::Spanned<ChangeDto>>,
    #[serde(default)]
    pub(super) ntb: Vec<toml::Spanned<ChangeDto>>,
    #[serde(default)]
    pub(super) export: Vec<toml::Spanned<ChangeDto>>,
    #[serde(default)]
    pub(super) quota: Vec<toml::Spanned<QuotaDto>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QuotaDto {
    pub(super) importer: String,
    pub(super) exporter: String,
    pub(super) sector: String,
    pub(super) volume: Option<f64>,
    pub(super) share: Option<f64>,
    pub(super) lift: Option<bool>,
    pub(super) in_quota_tariff: Option<f64>,
    pub(super) out_of_quota_tariff: Option<f64>,
    pub(super) holder: Option<String>,
    pub(super) component: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UnionDto {
    pub(super) name: String,
    pub(super) members: Vec<String>,
    pub(super) internal_tariff: Option<f64>,
    pub(super) ntb_cut: Option<f64>,
    pub(super) cet: Option<CetRule>,
    pub(super) revenue_sharing: Option<SharingDto>,
    pub(super) preferences: Option<Preferences>,
    pub(super) internal_quotas: Option<InternalQuotas>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum SharingDto {
    Named(String),
    Shares(BTreeMap<String, f64>),
}

/// A tariff, NTB or export-tax entry as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChangeDto {
    pub(super) importer: String,
    pub(super) exporter: String,
    #[serde(default = "star")]
    pub(super) sector: String,
    pub(super) set: Option<f64>,
    pub(super) add: Option<f64>,
    pub(super) scale: Option<f64>,
    pub(super) ban: Option<bool>,
    pub(super) component: Option<String>,
}

fn star() -> String {
    "*".to_string()
}

//! The uncertain parameters resolved against a dataset: which items (one
//! elasticity of one sector, or of one sector and country) a run changes,
//! the independent dimensions that drive them, and the values a draw gives.
//!
//! ```text
//! dimension d:  one per entry when shared, else one per matched item; random unless fixed
//! item value:   base * x[d]  |  x[d]  |  x[d]/2  |  2 x[d]     (scale | set | rule-of-two set)
//! feasible:     sigma_m, sigma_d finite and > 0;  eta finite and >= 0;  epsilon >= 0 or inf
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::distribution::Distribution;
use super::spec::{Link, Mode, MonteCarloSpec, Param};
use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::scenario::Selector;

/// One elasticity of the dataset that a run changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Item {
    /// Which elasticity.
    pub param: Param,
    /// Sector index.
    pub sector: usize,
    /// Country index (epsilon only; 0 otherwise).
    pub country: usize,
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
    pub(crate) base: Vec<f64>,
    pub(crate) dims: Vec<Dim>,
    assigns: Vec<Assign>,
    n_random: usize,
}

impl ParameterSpace {
    /// Resolves `spec` against `data`.
    ///
    /// # Errors
    /// [`Error::Scenario`] keyed `montecarlo.vary[k]...` for an unknown code,
    /// settings that do not go together (a country for a sector parameter, a
    /// rule-of-two link on a parameter other than a sigma), or an item matched
    /// by two entries (directly or through a rule-of-two link).
    pub fn resolve(spec: &MonteCarloSpec, data: &Dataset) -> Result<Self> {
        let file = spec.source();
        let n = data.n_countries();
        let mut sp = ParameterSpace {
            items: Vec::new(),
            labels: Vec::new(),
            base: Vec::new(),
            dims: Vec::new(),
            assigns: Vec::new(),
            n_random: 0,
        };
        let mut owner: HashMap<Item, (usize, bool)> = HashMap::new();
        for (e, entry) in spec.vary().iter().enumerate() {
            let key = format!("montecarlo.vary[{e}]");
            entry
                .check()
                .map_err(|(field, m)| Error::scenario(file, format!("{key}.{field}"), m))?;
            let sectors: Vec<usize> = match &entry.sector {
                Selector::All => (0..data.sectors().len()).collect(),
                Selector::Code(c) => vec![
                    data.sector_id(c)
                        .ok_or_else(|| {
                            Error::scenario(
                                file,
                                format!("{key}.sector"),
                                format!("unknown sector code `{c}`"),
                            )
                        })?
                        .0,
                ],
            };
            let countries: Vec<usize> = if entry.param == Param::Epsilon {
                match &entry.country {
                    Selector::All => (0..n).collect(),
                    Selector::Code(c) => vec![
                        data.country_id(c)
                            .ok_or_else(|| {
                                Error::scenario(
                                    file,
                                    format!("{key}.country"),
                                    format!("unknown country code `{c}`"),
                                )
                            })?
                            .0,
                    ],
                }
            } else {
                vec![0]
            };
            let mut shared_dim = None;
            for &s in &sectors {
                for &c in &countries {
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
                    // the item, and the other sigma when the rule of two ties it
                    let mut cell = vec![(
                        Item {
                            param: entry.param,
                            sector: s,
                            country: c,
                        },
                        false,
                        Role::Direct,
                    )];
                    if entry.link == Link::RuleOfTwo {
                        let (other, role) = match entry.param {
                            Param::SigmaM => (Param::SigmaD, Role::Half),
                            _ => (Param::SigmaM, Role::Twice),
                        };
                        let follower = Item {
                            param: other,
                            sector: s,
                            country: 0,
                        };
                        let role = if entry.mode == Mode::Scale {
                            Role::Direct
                        } else {
                            role
                        };
                        cell.push((follower, true, role));
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
        }
        Ok(sp)
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
        let sector = &data.sectors()[item.sector];
        let (label, base) = match item.param {
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
                format!(
                    "epsilon.{}.{}",
                    sector.code,
                    data.countries()[item.country].code
                ),
                data.markets()[item.sector].supply()[item.country],
            ),
        };
        self.items.push(item);
        self.labels.push(label);
        self.base.push(base);
        self.items.len() - 1
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
            let what = if item.param == Param::Epsilon {
                format!(
                    "epsilon of sector {sector}, country {}",
                    data.countries()[item.country].code
                )
            } else {
                format!("{} of sector {sector}", item.param.name())
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

    /// Labels of the items: `sigma_m.AGR`, `sigma_d.AGR`, `eta.MAN`, `epsilon.AGR.HOM`.
    pub fn labels(&self) -> &[String] {
        &self.labels
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
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "infeasible sampled value: {label} = {v} (must be {rule})"
        ))
    }
}

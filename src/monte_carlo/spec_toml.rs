//! The `[montecarlo]` table of a scenario file, read with serde.
//!
//! ```text
//! [montecarlo]                      draws (1..=MAX_DRAWS, default 1000), seed (default 0),
//!                                   sampling (random | latin-hypercube | quadrature)
//! [[montecarlo.vary]]               param, sector, country | importer, exporter, domestic
//!                                   | union | component, mode, shared, link, dist
//! track = [{ sector, country } | { sector, exporter, importer }, ...]
//! dist = { kind = "...", ... }      normal {mean, sd, min?, max?} | lognormal {mu, sigma}
//!                                   | uniform {low, high} | triangular {low, mode, high} | fixed {value}
//! ```
//! Every table denies unknown keys. Errors name the file and the full key,
//! e.g. `montecarlo.vary[2].dist.low`: each entry is read on its own (so its
//! index is known), the key inside it comes from the TOML reader, and the
//! distribution's checks name their own parameter.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::distribution::{Distribution, DistributionParameters};
use super::sampling::Sampling;
use super::spec::{DEFAULT_DRAWS, Link, Mode, MonteCarloSpec, Param, VaryEntry, check_draws};
use super::track::Tracked;
use crate::error::{Error, Result};
use crate::scenario::Selector;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableDto {
    draws: Option<u64>,
    seed: Option<u64>,
    sampling: Option<Sampling>,
    #[serde(default)]
    vary: Vec<toml::Value>,
    #[serde(default)]
    track: Vec<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackDto {
    sector: String,
    country: Option<String>,
    exporter: Option<String>,
    importer: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDto {
    param: Param,
    sector: Option<String>,
    country: Option<String>,
    importer: Option<String>,
    exporter: Option<String>,
    #[serde(default)]
    domestic: bool,
    union: Option<String>,
    component: Option<String>,
    #[serde(default)]
    mode: Mode,
    #[serde(default)]
    shared: bool,
    #[serde(default)]
    link: Link,
    dist: DistributionParameters,
}

/// Deserialises `value`; an error is keyed `base` plus the key the TOML
/// reader names inside it (and the field a missing/unknown-field message names).
fn read<T: DeserializeOwned>(value: toml::Value, base: &str, file: &str) -> Result<T> {
    value.try_into().map_err(|e: toml::de::Error| {
        let message = e.message().to_string();
        let mut key = base.to_string();
        // the reader appends "in `a.b`" naming the table the message is about
        let shown = e.to_string();
        if let Some(inner) = shown
            .lines()
            .find_map(|l| l.strip_prefix("in `").and_then(|r| r.strip_suffix('`')))
        {
            key.push('.');
            key.push_str(inner);
        }
        for lead in ["missing field `", "unknown field `"] {
            if let Some(name) = message.strip_prefix(lead).and_then(|r| r.split('`').next()) {
                key.push('.');
                key.push_str(name);
            }
        }
        Error::scenario(file, key, message)
    })
}

impl MonteCarloSpec {
    /// Parses the `[montecarlo]` table of a scenario file; `file` names it in
    /// errors, whose keys read `montecarlo.vary[k].field`.
    ///
    /// # Errors
    /// [`Error::Scenario`] for an unknown key, a missing or mistyped value, an
    /// unknown parameter, mode, link, sampling or distribution kind, a
    /// distribution parameter out of range, or settings that do not go
    /// together (a country for a sector parameter, a rule-of-two link on a
    /// parameter other than a sigma).
    pub fn from_table(table: &toml::Table, file: &str) -> Result<Self> {
        let dto: TableDto = read(toml::Value::Table(table.clone()), "montecarlo", file)?;
        let draws = dto.draws.unwrap_or(DEFAULT_DRAWS);
        check_draws(draws, file)?;
        let mut vary = Vec::with_capacity(dto.vary.len());
        for (k, v) in dto.vary.into_iter().enumerate() {
            let key = format!("montecarlo.vary[{k}]");
            let e: EntryDto = read(v, &key, file)?;
            let dist = Distribution::try_from(e.dist).map_err(|d| {
                Error::scenario(file, format!("{key}.dist.{}", d.field()), d.problem())
            })?;
            let entry = VaryEntry {
                param: e.param,
                sector: e.sector.as_deref().map_or(Selector::All, Selector::parse),
                country: e.country.as_deref().map_or(Selector::All, Selector::parse),
                importer: e.importer.as_deref().map_or(Selector::All, Selector::parse),
                exporter: e.exporter.as_deref().map_or(Selector::All, Selector::parse),
                domestic: e.domestic,
                union: e.union,
                component: e.component,
                mode: e.mode,
                shared: e.shared,
                link: e.link,
                dist,
            };
            entry
                .check()
                .map_err(|(field, m)| Error::scenario(file, format!("{key}.{field}"), m))?;
            vary.push(entry);
        }
        let mut track = Vec::with_capacity(dto.track.len());
        for (k, v) in dto.track.into_iter().enumerate() {
            let key = format!("montecarlo.track[{k}]");
            let t: TrackDto = read(v, &key, file)?;
            track.push(match (t.country, t.exporter, t.importer) {
                (Some(c), None, None) => Tracked::sector_row(&t.sector, &c),
                (None, Some(e), Some(i)) => Tracked::flow(&t.sector, &e, &i),
                (Some(_), _, _) => {
                    return Err(Error::scenario(
                        file,
                        format!("{key}.country"),
                        "give either a country (a sector row) or an exporter and an importer (a flow), not both",
                    ));
                }
                (None, e, _) => {
                    let missing = if e.is_none() { "exporter" } else { "importer" };
                    return Err(Error::scenario(
                        file,
                        format!("{key}.{missing}"),
                        "missing: a tracked output is { sector, country } (a sector row) \
                         or { sector, exporter, importer } (a flow)",
                    ));
                }
            });
        }
        Ok(MonteCarloSpec::from_parts(
            draws,
            dto.seed.unwrap_or(0),
            dto.sampling.unwrap_or_default(),
            vary,
            track,
            file,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<MonteCarloSpec> {
        let t: toml::Table = toml::from_str(s).unwrap();
        MonteCarloSpec::from_table(t["montecarlo"].as_table().unwrap(), "t.toml")
    }

    fn key_of(s: &str) -> String {
        match parse(s).unwrap_err() {
            Error::Scenario { file, key, .. } => {
                assert_eq!(file, "t.toml");
                key
            }
            other => panic!("not a scenario error: {other}"),
        }
    }

    const FIXED: &str = "dist = { kind = \"fixed\", value = 1 }";

    #[test]
    fn errors_name_the_field() {
        // (the entry of [[montecarlo.vary]], the key its error must name)
        let cases = [
            (
                "param = \"sigma_m\"\ndist = { kind = \"normal\", mean = 1, sd = -1 }".to_string(),
                "dist.sd",
            ),
            (format!("param = \"sigma_x\"\n{FIXED}"), "param"),
            (format!("param = \"eta\"\nfoo = 1\n{FIXED}"), "foo"),
            (
                format!("param = \"eta\"\ncountry = \"HOM\"\n{FIXED}"),
                "country",
            ),
        ];
        for (entry, key) in cases {
            let e = parse(&format!("[montecarlo]\n[[montecarlo.vary]]\n{entry}"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(&format!("montecarlo.vary[0].{key}")), "{e}");
        }
    }

    #[test]
    fn keys_reach_into_entries_and_distributions() {
        let entry = |i: usize, body: &str| {
            let mut s = "[montecarlo]\n".to_string();
            for _ in 0..i {
                s.push_str(&format!(
                    "[[montecarlo.vary]]\nparam = \"eta\"\nsector = \"X\"\n{FIXED}\n"
                ));
            }
            s.push_str(&format!("[[montecarlo.vary]]\n{body}\n"));
            key_of(&s)
        };
        let p = "param = \"sigma_m\"\n";
        assert_eq!(
            entry(
                2,
                &format!("{p}dist = {{ kind = \"uniform\", low = 2, high = 1 }}")
            ),
            "montecarlo.vary[2].dist.high"
        );
        assert_eq!(
            entry(
                2,
                &format!("{p}dist = {{ kind = \"uniform\", low = \"x\", high = 1 }}")
            ),
            "montecarlo.vary[2].dist"
        );
        assert_eq!(
            entry(1, &format!("{p}dist = {{ kind = \"uniform\", high = 1 }}")),
            "montecarlo.vary[1].dist.low"
        );
        assert_eq!(
            entry(
                1,
                &format!("{p}dist = {{ kind = \"uniform\", low = 1, high = 2, mode = 1 }}")
            ),
            "montecarlo.vary[1].dist.mode"
        );
        assert_eq!(
            entry(0, &format!("{p}dist = {{ kind = \"beta\", a = 1 }}")),
            "montecarlo.vary[0].dist.kind"
        );
        assert_eq!(
            entry(0, &format!("{p}shared = \"yes\"\n{FIXED}")),
            "montecarlo.vary[0].shared"
        );
        assert_eq!(
            entry(0, &format!("{p}mode = \"add\"\n{FIXED}")),
            "montecarlo.vary[0].mode"
        );
        assert_eq!(
            entry(
                0,
                &format!("param = \"eta\"\nlink = \"rule-of-two\"\n{FIXED}")
            ),
            "montecarlo.vary[0].link"
        );
        assert_eq!(entry(0, p), "montecarlo.vary[0].dist");
        assert_eq!(key_of("[montecarlo]\ndraws = 0\n"), "montecarlo.draws");
        assert_eq!(key_of("[montecarlo]\ndraws = -3\n"), "montecarlo.draws");
        assert_eq!(key_of("[montecarlo]\nseed = 1.5\n"), "montecarlo.seed");
        assert_eq!(
            key_of("[montecarlo]\nsampling = \"sobol\"\n"),
            "montecarlo.sampling"
        );
        assert_eq!(key_of("[montecarlo]\nwarmup = 3\n"), "montecarlo.warmup");
    }

    #[test]
    fn defaults_and_aliases() {
        let s = parse(&format!(
            "[montecarlo]\nsampling = \"lhs\"\n[[montecarlo.vary]]\nparam = \"eta\"\n{FIXED}"
        ))
        .unwrap();
        assert_eq!((s.draws(), s.seed()), (DEFAULT_DRAWS, 0));
        assert_eq!(s.sampling(), Sampling::LatinHypercube);
        let v = &s.vary()[0];
        assert_eq!(
            (v.mode, v.shared, v.link, &v.sector),
            (Mode::Scale, false, Link::None, &Selector::All)
        );
        assert_eq!(s.source(), "t.toml");
    }
}

//! Tidy (long-format) CSV output of a run and of a Monte Carlo summary,
//! readable as-is by R, Stata and pandas: every row labelled, numbers
//! unrounded (shortest round-trip form, `inf` as `inf`, never NaN), the
//! folder written whole or not at all.
//!
//! ```text
//! a run (RunResults::write_csv):
//! totals.csv         scenario,country,field,value          (country totals over sectors)
//! by_sector.csv      scenario,sector,country,field,value   (with the two price levels)
//! bilateral.csv      scenario,sector,exporter,importer,baseline,counterfactual,counterfactual_value
//! decomposition.csv  scenario,component,country,field,value  (change fields; with the decomposition)
//! stages.csv         scenario,stage,country,field,value      (change fields; with the decomposition)
//! unions.csv         scenario,union,field,value            (aggregates and Article XXIV averages)
//! quota_results.csv  scenario,sector,importer,exporter,volume,counterfactual,regime,rent_rate,rent,holder
//! meta.csv           key,value
//! README.md          units and fields
//!
//! a Monte Carlo summary (McSummary::write_csv):
//! summary.csv        scenario,kind,entity,field,statistic,value
//!                    kind: country | union | tracked | difference (a later scenario minus the first)
//! meta.csv           key,value
//! README.md          units and fields
//! ```

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::accounts::{CountryOutcome, OutcomeField};
use crate::error::{Error, Result};
use crate::monte_carlo::{
    CountrySummary, McSummary, Metric, Metrics, TrackedSummary, UnionSummary,
};
use crate::run::{CountryResult, Meta, ScenarioResult, SectorResult, TariffAverages};
use crate::simulation::RunResults;

/// The files `write_csv` writes; none collides with a data file's name.
pub const RUN_CSV_FILES: [&str; 9] = [
    "totals.csv",
    "by_sector.csv",
    "bilateral.csv",
    "decomposition.csv",
    "stages.csv",
    "unions.csv",
    "quota_results.csv",
    "meta.csv",
    "README.md",
];

/// The order `write_csv` starts the files of [`RUN_CSV_FILES`] in (by
/// index), the largest first (at the tariff line the bilateral flows are
/// most of the bytes): the folder is complete only when its last file is on
/// disk, so the one that takes longest to format and sync starts at once
/// while the small ones share the other threads.
const RUN_CSV_WRITE_ORDER: [usize; 9] = [2, 1, 0, 3, 4, 5, 6, 7, 8];

/// The columns of `bilateral.csv`, one row per flow with a positive baseline.
const BILATERAL_COLUMNS: [&str; 7] = [
    "scenario",
    "sector",
    "exporter",
    "importer",
    "baseline",
    "counterfactual",
    "counterfactual_value",
];

/// The files [`McSummary::write_csv`] writes; none collides with a data file's name.
pub const MC_CSV_FILES: [&str; 3] = ["summary.csv", "meta.csv", "README.md"];

/// Data-folder file names: a folder holding one is never written over.
const DATA_FILES: [&str; 8] = [
    "countries.csv",
    "sectors.csv",
    "flows.csv",
    "tariffs.csv",
    "ntb.csv",
    "supply.csv",
    "quotas.csv",
    "export_taxes.csv",
];

/// One cell of a row: text (quoted as the csv crate quotes a field: only
/// when it holds a comma, a quote or a line break) or a number.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Num(f64),
}

use Cell::{Num, Text};

/// CSV rows as bytes, appended without an allocation per row or field;
/// the caller writes them out.
#[derive(Default)]
struct Rows {
    buf: Vec<u8>,
}

/// True when `v`'s exact decimal value has at most 18 significant digits
/// (or `v` is an integer): only then can it lie exactly halfway between two
/// shortest candidates of 17 digits or fewer.
fn exactly_short(v: f64) -> bool {
    let bits = v.to_bits();
    let (frac, biased) = (bits & ((1 << 52) - 1), ((bits >> 52) & 0x7ff) as i32);
    // v = mant x 2^e
    let (mant, e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    };
    if mant == 0 || e >= 0 {
        return true;
    }
    let a = mant.trailing_zeros() as i32;
    // v = odd x 2^-j = odd x 5^j / 10^j: its significant digits are odd x 5^j's
    let (odd, j) = (u128::from(mant >> a), -e - a);
    j <= 0 || (j <= 25 && odd * 5u128.pow(j as u32) < 10u128.pow(18))
}

/// Appends `v` exactly as `format!("{v}")` writes it (the shortest digits
/// that read back as `v`, the point placed without an exponent, `inf`,
/// `-inf`, `NaN`), several times faster than `core::fmt`: the digits come
/// from `zmij` and are laid out here the way std lays them out. Both find
/// the shortest digits closest to `v`; they differ only on an exact tie
/// between two candidates (std rounds half up, `zmij` half to even), which
/// needs a value with a short exact decimal expansion: those go through std.
fn push_display(buf: &mut Vec<u8>, v: f64) {
    if !v.is_finite() || exactly_short(v) {
        use std::io::Write as _;
        // writing into a Vec cannot fail
        let _ = write!(buf, "{v}");
        return;
    }
    let mut zmij = zmij::Buffer::new();
    let text = zmij.format_finite(v).as_bytes();
    if !text.contains(&b'e') {
        // `zmij` writes such a value as std does, but for the `.0` it
        // gives an integer
        buf.extend_from_slice(text.strip_suffix(b".0").unwrap_or(text));
        return;
    }
    let text = text.strip_prefix(b"-").map_or(text, |rest| {
        buf.push(b'-');
        rest
    });
    let (mantissa, exp) = match text.iter().position(|&c| c == b'e') {
        Some(e) => {
            let exp = std::str::from_utf8(&text[e + 1..])
                .ok()
                .and_then(|x| x.parse::<i32>().ok())
                .unwrap_or(0);
            (&text[..e], exp)
        }
        None => (text, 0),
    };
    // the value is 0.DIGITS x 10^point
    let mut all = [0u8; 40];
    let (mut n, mut before) = (0usize, None);
    for &c in mantissa {
        if c == b'.' {
            before = Some(n);
        } else {
            all[n] = c;
            n += 1;
        }
    }
    let lead = all[..n].iter().take_while(|&&d| d == b'0').count();
    let point = before.unwrap_or(n) as i32 + exp - lead as i32;
    let mut digits = &all[lead..n];
    while let [rest @ .., b'0'] = digits {
        digits = rest;
    }
    let n = digits.len();
    if point <= 0 {
        buf.extend_from_slice(b"0.");
        buf.resize(buf.len() + (-point) as usize, b'0');
        buf.extend_from_slice(digits);
    } else if (point as usize) < n {
        let (int, frac) = digits.split_at(point as usize);
        buf.extend_from_slice(int);
        buf.push(b'.');
        buf.extend_from_slice(frac);
    } else {
        buf.extend_from_slice(digits);
        buf.resize(buf.len() + (point as usize - n), b'0');
    }
}

/// Past this many bytes, rows are handed to the file.
const FLUSH_AT: usize = 1 << 20;

impl Rows {
    /// Rows starting with a header of `names`.
    fn with_header(names: &[&str]) -> Self {
        let mut rows = Rows::default();
        rows.header(names);
        rows
    }

    fn header(&mut self, names: &[&str]) {
        for (k, name) in names.iter().enumerate() {
            if k > 0 {
                self.buf.push(b',');
            }
            self.text(name);
        }
        self.buf.push(b'\n');
    }

    fn text(&mut self, s: &str) {
        self.text_bytes(s.as_bytes());
    }

    /// A text field given as its UTF-8 bytes.
    fn text_bytes(&mut self, s: &[u8]) {
        if s.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.buf.push(b'"');
            for &b in s {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(s);
        }
    }

    /// A number in its shortest round-trip form (`inf`, `-inf`; never NaN in
    /// a result), formatted in place: see [`push_display`].
    fn num(&mut self, v: f64) {
        push_display(&mut self.buf, v);
    }

    fn row(&mut self, cells: &[Cell]) {
        for (k, cell) in cells.iter().enumerate() {
            if k > 0 {
                self.buf.push(b',');
            }
            match *cell {
                Text(s) => self.text(s),
                Num(v) => self.num(v),
            }
        }
        self.buf.push(b'\n');
    }

    /// Hands the rows to `out` once they are many, keeping the buffer.
    fn flush_if_full(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Hands every row to `out`.
    fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.buf)
    }
}

/// Writes to `out` the rows `each` makes of every item of `items`, in
/// order: runs of items are formatted in parallel, each into its own
/// buffer, and written as they come, so the bytes are those of a serial pass
/// and only a few runs are held at once.
fn par_rows<T: Sync>(
    out: &mut dyn Write,
    header: &[&str],
    items: &[T],
    each: impl Fn(&mut Rows, &T) + Sync,
) -> io::Result<()> {
    let threads = rayon::current_num_threads().max(1);
    let run = (items.len() / (8 * threads)).clamp(1, 32);
    out.write_all(&Rows::with_header(header).buf)?;
    // one buffer per run of a window, kept for the next window: each grows
    // to the size of a run's rows once, not once per window
    let mut parts: Vec<Rows> = Vec::new();
    for window in items.chunks(run * 2 * threads) {
        let n = window.len().div_ceil(run);
        if parts.len() < n {
            parts.resize_with(n, Rows::default);
        }
        window
            .par_chunks(run)
            .zip(parts.par_iter_mut())
            .for_each(|(part, rows)| {
                rows.buf.clear();
                for item in part {
                    each(rows, item);
                }
            });
        for rows in &parts[..n] {
            out.write_all(&rows.buf)?;
        }
    }
    Ok(())
}

/// The long-format header: the `labels` columns, then `field` and `value`.
fn long_header<'a>(labels: &[&'a str]) -> Vec<&'a str> {
    labels.iter().copied().chain(["field", "value"]).collect()
}

/// Rows `labels..., field, value` of `fields` of `o`.
fn outcome_rows(
    t: &mut Rows,
    labels: &[&str],
    o: &CountryOutcome,
    fields: impl Iterator<Item = OutcomeField>,
) {
    for f in fields {
        let mut cells = [Text(""); 5];
        for (cell, l) in cells.iter_mut().zip(labels) {
            *cell = Text(l);
        }
        let k = labels.len();
        cells[k] = Text(f.name());
        cells[k + 1] = Num(f.get(o));
        t.row(&cells[..k + 2]);
    }
}

/// Rows of every additive field of `o`.
fn additive_rows(t: &mut Rows, labels: &[&str], o: &CountryOutcome) {
    outcome_rows(t, labels, o, OutcomeField::ADDITIVE.into_iter());
}

fn change_rows(t: &mut Rows, scenario: &str, label: &str, rows: &[CountryResult]) {
    for c in rows {
        outcome_rows(
            t,
            &[scenario, label, &c.country],
            &c.outcome,
            OutcomeField::changes(),
        );
    }
}

fn averages_rows(t: &mut Rows, scenario: &str, union: &str, prefix: &str, a: &TariffAverages) {
    for (name, v) in [
        ("simple_before", a.simple_before),
        ("simple_after", a.simple_after),
        ("weighted_before", a.weighted_before),
        ("weighted_after", a.weighted_after),
    ] {
        t.row(&[
            Text(scenario),
            Text(union),
            Text(&format!("{prefix}{name}")),
            Num(v),
        ]);
    }
}
fn readme(results: &RunResults) -> String {
    let m = &results.meta;
    let fields: Vec<String> = OutcomeField::ADDITIVE
        .iter()
        .map(|f| format!("`{}`", f.name()))
        .collect();
    format!(
        "# Results of `customs-union`\n\n\
         Dataset `{}`, scenario file `{}`, model `{}`, domestic sales `{}`, tool version {}.\n\n\
         Units: values in {}; rates as {}; prices as {}. Flows and imports are volumes \
         (quantities at baseline prices) unless a field ends in `_value` (at the new producer \
         prices). Every change is counterfactual minus baseline.\n\n\
         | file | columns | rows |\n|---|---|---|\n\
         | `totals.csv` | scenario, country, field, value | each country's totals over sectors, and `welfare_pct_gdp` (percent) where the data has the country's GDP |\n\
         | `by_sector.csv` | scenario, sector, country, field, value | each sector's rows, with `producer_price` and `consumer_price_index` |\n\
         | `bilateral.csv` | scenario, sector, exporter, importer, baseline, counterfactual, counterfactual_value | every flow with a positive baseline |\n\
         | `decomposition.csv` | scenario, component, country, field, value | Shapley values of each component (change fields; empty without the decomposition) |\n\
         | `stages.csv` | scenario, stage, country, field, value | each stage's change over its parent along `extends` (empty without the decomposition) |\n\
         | `unions.csv` | scenario, union, field, value | members' sums, `welfare_pct_gdp`, Article XXIV averages (`article_xxiv_*`, members' as `article_xxiv_<code>_*`), each member's share of collected duties before pooling (`duty_collected_share_<code>_baseline`, `_counterfactual`) |\n\
         | `quota_results.csv` | scenario, sector, importer, exporter, volume, counterfactual, regime, rent_rate, rent, holder | every quota in force: its volume, filled volume, regime (under, at, over), rent wedge, rent level and who receives it (`*`: every destination or every other origin) |\n\
         | `meta.csv` | key, value | what was run |\n\n\
         Fields: {}, and in decompositions and stages `imports_change`.\n",
        m.dataset,
        m.scenario_file,
        m.model.name(),
        m.treatment.name(),
        m.tool_version,
        m.units.values,
        m.units.rates,
        m.units.prices,
        fields.join(", ")
    )
}

/// `meta.csv`: the rows of `meta` (when known), then `extra`.
fn meta_table(meta: Option<&Meta>, extra: &[(&str, String)]) -> Rows {
    let mut t = Rows::with_header(&["key", "value"]);
    if let Some(m) = meta {
        for (k, v) in [
            ("tool_version", m.tool_version.as_str()),
            ("dataset", &m.dataset),
            ("dataset_fingerprint", &m.dataset_fingerprint),
            ("scenario_file", &m.scenario_file),
            ("model", m.model.name()),
            ("domestic", m.treatment.name()),
            ("units_values", &m.units.values),
            ("units_rates", &m.units.rates),
            ("units_prices", &m.units.prices),
        ] {
            t.row(&[Text(k), Text(v)]);
        }
    }
    for (k, v) in extra {
        t.row(&[Text(k), Text(v)]);
    }
    t
}

/// Writes the files `names` into folder `dir` whole or not at all, each as
/// `write(k, sink)` streams it, refusing a folder that holds a data file:
/// results never overwrite data.
fn write_results_dir(
    dir: &Path,
    names: &[&str],
    write: impl Fn(usize, &mut dyn Write) -> io::Result<()> + Sync,
) -> Result<()> {
    if let Some(f) = DATA_FILES.iter().find(|f| dir.join(f).exists()) {
        return Err(Error::io_message(
            dir.display().to_string(),
            format!("holds the data file {f}: results are never written into a data folder"),
        ));
    }
    super::atomic::write_dir_streamed(dir, names, write)
}

/// The files as (name, bytes), each as `write(k, sink)` makes it.
fn files_in_memory(
    names: &[&'static str],
    write: impl Fn(usize, &mut dyn Write) -> io::Result<()>,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let mut bytes = Vec::new();
            write(k, &mut bytes).map_err(|e| Error::io_message(*name, e.to_string()))?;
            Ok((*name, bytes))
        })
        .collect()
}

impl RunResults {
    /// Writes the long-format CSV files of every scenario into folder `dir`,
    /// whole or not at all (a temporary folder renamed into place). The
    /// files are written as they are formatted, in parallel, without a
    /// copy of them in memory.
    ///
    /// # Errors
    /// [`Error::Io`] when the folder cannot be written, or when it holds data
    /// files (a data folder is never written over).
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> Result<()> {
        let names = RUN_CSV_WRITE_ORDER.map(|k| RUN_CSV_FILES[k]);
        write_results_dir(dir.as_ref(), &names, |k, out| {
            self.write_csv_file(names[k], out)
        })
    }

    /// The CSV files of [`RunResults::write_csv`], as (name, bytes).
    ///
    /// # Errors
    /// [`Error::Io`] if a record cannot be encoded.
    pub fn csv_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>> {
        files_in_memory(&RUN_CSV_FILES, |k, out| {
            self.write_csv_file(RUN_CSV_FILES[k], out)
        })
    }

    /// Writes the file `name` of [`RUN_CSV_FILES`] to `out`.
    fn write_csv_file(&self, name: &str, out: &mut dyn Write) -> io::Result<()> {
        // every sector of every scenario, in document order
        let sectors = || -> Vec<(&str, &SectorResult)> {
            self.iter()
                .flat_map(|r| r.sectors.iter().map(move |s| (r.name.as_str(), s)))
                .collect()
        };
        match name {
            "totals.csv" => self.totals_rows(out),
            "by_sector.csv" => par_rows(
                out,
                &long_header(&["scenario", "sector", "country"]),
                &sectors(),
                |t, (sc, s)| {
                    for c in &s.countries {
                        let labels = [*sc, s.sector.as_str(), c.country.as_str()];
                        for (name, v) in [
                            ("producer_price", c.producer_price),
                            ("consumer_price_index", c.consumer_price_index),
                        ] {
                            t.row(&[
                                Text(sc),
                                Text(&s.sector),
                                Text(&c.country),
                                Text(name),
                                Num(v),
                            ]);
                        }
                        additive_rows(t, &labels, &c.outcome);
                    }
                },
            ),
            "bilateral.csv" => par_rows(out, &BILATERAL_COLUMNS, &sectors(), |t, (sc, s)| {
                // the scenario and sector of every row of the sector, as
                // `Rows::row` writes them
                let mut labels = Rows::default();
                labels.row(&[Text(sc), Text(&s.sector), Text("")]);
                let labels = labels.buf.strip_suffix(b"\n").unwrap_or(&labels.buf);
                for f in &s.flows {
                    t.buf.extend_from_slice(labels);
                    t.text_bytes(f.exporter.as_bytes());
                    t.buf.push(b',');
                    t.text_bytes(f.importer.as_bytes());
                    for v in [f.baseline, f.counterfactual, f.counterfactual_value] {
                        t.buf.push(b',');
                        t.num(v);
                    }
                    t.buf.push(b'\n');
                }
            }),
            "decomposition.csv" => self.parts_rows(
                out,
                "component",
                |r| &r.decomposition,
                |d| (&d.component, &d.countries),
            ),
            "stages.csv" => {
                self.parts_rows(out, "stage", |r| &r.stages, |d| (&d.stage, &d.countries))
            }
            "unions.csv" => self.unions_rows(out),
            "quota_results.csv" => self.quota_rows(out),
            "meta.csv" => meta_table(Some(&self.meta), &[]).finish(out),
            "README.md" => out.write_all(readme(self).as_bytes()),
            other => Err(io::Error::other(format!("no run file {other}"))),
        }
    }

    /// A long table with `columns` before `field, value`: each scenario's
    /// rows written by `rows`, the buffer flushed between scenarios.
    fn scenario_rows(
        &self,
        out: &mut dyn Write,
        columns: &[&str],
        mut rows: impl FnMut(&mut Rows, &ScenarioResult),
    ) -> io::Result<()> {
        let mut t = Rows::with_header(&long_header(columns));
        for r in self.iter() {
            rows(&mut t, r);
            t.flush_if_full(out)?;
        }
        t.finish(out)
    }

    fn totals_rows(&self, out: &mut dyn Write) -> io::Result<()> {
        self.scenario_rows(out, &["scenario", "country"], |t, r| {
            let sc = r.name.as_str();
            for c in &r.totals {
                additive_rows(t, &[sc, &c.country], &c.outcome);
                if let Some(p) = c.welfare_pct_gdp {
                    t.row(&[Text(sc), Text(&c.country), Text("welfare_pct_gdp"), Num(p)]);
                }
            }
        })
    }

    /// The change rows of each scenario's `parts` (decomposition components
    /// or stages), each labelled by `part` in the column `label`.
    fn parts_rows<T>(
        &self,
        out: &mut dyn Write,
        label: &str,
        parts: impl Fn(&ScenarioResult) -> &Option<Vec<T>>,
        part: impl Fn(&T) -> (&String, &Vec<CountryResult>),
    ) -> io::Result<()> {
        self.scenario_rows(out, &["scenario", label, "country"], |t, r| {
            for p in parts(r).iter().flatten() {
                let (name, countries) = part(p);
                change_rows(t, &r.name, name, countries);
            }
        })
    }

    fn unions_rows(&self, out: &mut dyn Write) -> io::Result<()> {
        self.scenario_rows(out, &["scenario", "union"], |t, r| {
            let sc = r.name.as_str();
            for u in &r.unions {
                additive_rows(t, &[sc, &u.name], &u.aggregate);
                averages_rows(t, sc, &u.name, "article_xxiv_", &u.article_xxiv);
                for m in &u.article_xxiv_members {
                    let prefix = format!("article_xxiv_{}_", m.country);
                    averages_rows(t, sc, &u.name, &prefix, &m.averages);
                }
                if let Some(p) = u.welfare_pct_gdp {
                    t.row(&[Text(sc), Text(&u.name), Text("welfare_pct_gdp"), Num(p)]);
                }
                for d in &u.duty_collected_share {
                    for (when, v) in [
                        ("baseline", d.baseline),
                        ("counterfactual", d.counterfactual),
                    ] {
                        let field = format!("duty_collected_share_{}_{when}", d.country);
                        t.row(&[Text(sc), Text(&u.name), Text(&field), Num(v)]);
                    }
                }
            }
        })
    }

    fn quota_rows(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut t = Rows::with_header(&[
            "scenario",
            "sector",
            "importer",
            "exporter",
            "volume",
            "counterfactual",
            "regime",
            "rent_rate",
            "rent",
            "holder",
        ]);
        for r in self.iter() {
            for q in &r.quotas {
                t.row(&[
                    Text(&r.name),
                    Text(&q.sector),
                    Text(&q.importer),
                    Text(&q.exporter),
                    Num(q.volume),
                    Num(q.counterfactual),
                    Text(q.regime.name()),
                    Num(q.rent_rate),
                    Num(q.rent),
                    Text(q.holder.name()),
                ]);
                t.flush_if_full(out)?;
            }
        }
        t.finish(out)
    }
}

/// One labelled set of metrics in a Monte Carlo summary: a row group of
/// `summary.csv`.
struct MetricGroup<'a> {
    scenario: &'a str,
    kind: &'static str,
    /// A country code or union name; a tracked output's label is built.
    entity: Cow<'a, str>,
    metrics: &'a Metrics,
}

/// Every set of metrics of `s`, in document order: each scenario's
/// countries, unions and tracked outputs (labelled `MACH/KAZ`,
/// `MACH/CHN->KAZ`), then each difference's. The one place that knows where
/// a summary keeps its metrics.
fn metric_groups(s: &McSummary) -> Vec<MetricGroup<'_>> {
    let mut groups = Vec::new();
    for sc in &s.scenarios {
        let kinds = ["country", "union", "tracked"];
        push_groups(
            &mut groups,
            &sc.name,
            kinds,
            &sc.countries,
            &sc.unions,
            &sc.tracked,
        );
    }
    for d in &s.differences {
        let kinds = ["difference"; 3];
        push_groups(
            &mut groups,
            &d.scenario,
            kinds,
            &d.countries,
            &d.unions,
            &d.tracked,
        );
    }
    groups
}

/// Appends one scenario's (or difference's) countries, unions and tracked
/// outputs to `groups`, labelled with the three `kinds` in that order.
fn push_groups<'a>(
    groups: &mut Vec<MetricGroup<'a>>,
    scenario: &'a str,
    [country, union, tracked]: [&'static str; 3],
    countries: &'a [CountrySummary],
    unions: &'a [UnionSummary],
    outputs: &'a [TrackedSummary],
) {
    let group = |kind, entity, metrics| MetricGroup {
        scenario,
        kind,
        entity,
        metrics,
    };
    groups.extend(
        countries
            .iter()
            .map(|c| group(country, Cow::from(&c.country), &c.metrics)),
    );
    groups.extend(
        unions
            .iter()
            .map(|u| group(union, Cow::from(&u.name), &u.metrics)),
    );
    groups.extend(
        outputs
            .iter()
            .map(|t| group(tracked, Cow::from(t.output.label()), &t.metrics)),
    );
}

/// A metric's statistics by name, in the JSON's order; None where undefined.
fn statistics(m: &Metric) -> [(&'static str, Option<f64>); 9] {
    [
        ("mean", m.mean),
        ("sd", m.sd),
        ("mcse", m.mcse),
        ("p05", m.p05),
        ("p50", m.p50),
        ("p95", m.p95),
        ("share_positive", m.share_positive),
        ("ok", Some(m.ok as f64)),
        ("failed", Some(m.failed as f64)),
    ]
}

fn mc_readme(s: &McSummary) -> String {
    let (about, values) = match &s.meta {
        Some(m) => (
            format!(
                "Dataset `{}`, scenario file `{}`, model `{}`, domestic sales `{}`, tool version {}.\n\n",
                m.dataset,
                m.scenario_file,
                m.model.name(),
                m.treatment.name(),
                m.tool_version
            ),
            m.units.values.clone(),
        ),
        None => (String::new(), "the data's value units".to_string()),
    };
    let first = s.scenarios.first().map_or("", |sc| sc.name.as_str());
    format!(
        "# Monte Carlo results of `customs-union`\n\n\
         {about}{} draws ({} usable in every scenario, {} failed and left out of every \
         statistic), seed {}, sampling `{}`.\n\n\
         ## `summary.csv`\n\n\
         Columns `scenario, kind, entity, field, statistic, value`; one row per statistic.\n\n\
         - `kind`: `country` (the country's totals over sectors), `union` (the sum over the \
         union's members), `tracked` (an output the scenario file asks to track, when it does), \
         or `difference` (the scenario minus the first scenario, `{first}`, paired draw by draw; \
         for a union, its sum minus the same members' totals in `{first}`).\n\
         - `entity`: a country code or a union's name.\n\
         - `field`: an outcome field, each a change from the baseline (counterfactual minus \
         baseline) in {values}, except the levels `*_baseline` and `*_counterfactual` \
         (same units), and `welfare_pct_gdp` (welfare in percent of GDP, where the data \
         gives GDP). Imports and trade effects are volumes (quantities at baseline prices), \
         `*_value` fields are at the new producer prices.\n\
         - `statistic`: `mean`; `sd` (standard deviation over the draws); `mcse` (Monte Carlo \
         standard error of the mean: {}); `p05`, `p50`, `p95` (percentiles, linear between \
         order statistics); `share_positive` (fraction of draws above zero, 0 to 1); `ok` and \
         `failed` (numbers of draws).\n\
         - `value`: unrounded; a statistic that is undefined (null in the JSON: `mcse` \
         under quadrature, `sd` of a single draw) has no row.\n\n\
         ## `meta.csv`\n\n\
         Columns `key, value`: what was run (dataset, scenario file, model, units) and the \
         run's identity (draws, seed, sampling, fingerprint, varied parameters).\n",
        s.draws,
        s.ok,
        s.failed,
        s.seed,
        s.sampling.name(),
        s.mcse,
    )
}

impl McSummary {
    /// Writes `summary.csv` (every statistic of every scenario, union,
    /// tracked output and difference), `meta.csv` and a `README.md` into
    /// folder `dir`, whole or not at all (a temporary folder renamed into
    /// place).
    ///
    /// # Errors
    /// [`Error::Io`] when the folder cannot be written, or when it holds data
    /// files (a data folder is never written over).
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> Result<()> {
        let files = self.csv_files()?;
        write_results_dir(dir.as_ref(), &MC_CSV_FILES, |k, out| {
            out.write_all(&files[k].1)
        })
    }

    /// The files of [`McSummary::write_csv`], as (name, bytes).
    ///
    /// # Errors
    /// [`Error::Io`] if a record cannot be encoded.
    pub fn csv_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>> {
        let mut summary =
            Rows::with_header(&["scenario", "kind", "entity", "field", "statistic", "value"]);
        for g in metric_groups(self) {
            for (field, m) in &g.metrics.0 {
                for (statistic, v) in statistics(m) {
                    if let Some(v) = v {
                        summary.row(&[
                            Text(g.scenario),
                            Text(g.kind),
                            Text(&g.entity),
                            Text(field),
                            Text(statistic),
                            Num(v),
                        ]);
                    }
                }
            }
        }
        let extra = [
            ("draws", self.draws.to_string()),
            ("ok", self.ok.to_string()),
            ("failed", self.failed.to_string()),
            ("seed", self.seed.to_string()),
            ("sampling", self.sampling.name().to_string()),
            ("mcse", self.mcse.to_string()),
            ("fingerprint", self.fingerprint.clone()),
            ("parameters", self.parameters.join(" ")),
        ];
        let meta = meta_table(self.meta.as_ref(), &extra);
        let readme = mc_readme(self).into_bytes();
        let files = [summary.buf, meta.buf, readme];
        Ok(MC_CSV_FILES.into_iter().zip(files).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_the_bytes_the_csv_crate_writes() {
        let texts = [
            "",
            "a",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\rhere",
            " padded ",
            "#x",
            "tab\tin",
            "ü",
        ];
        let nums = [
            0.1,
            -0.0,
            5.0,
            1e300,
            1e-300,
            -2.5e-7,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut rows = Rows::with_header(&["a", "b,c", "value"]);
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(["a", "b,c", "value"]).unwrap();
        for a in texts {
            for b in texts {
                for v in nums {
                    rows.row(&[Text(a), Text(b), Num(v)]);
                    csv.write_record([a, b, &format!("{v}")]).unwrap();
                }
            }
        }
        assert_eq!(rows.buf, csv.into_inner().unwrap());
    }

    /// `push_display` against `format!("{v}")`.
    fn same_as_std(v: f64) {
        let mut buf = Vec::new();
        push_display(&mut buf, v);
        assert_eq!(String::from_utf8(buf).unwrap(), format!("{v}"), "{v:e}");
    }

    #[test]
    fn numbers_are_written_as_std_writes_them() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.5,
            1.5,
            10.0,
            100.0,
            123.456,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            1e23,
            1e300,
            1e-5,
            1e-6,
            1e-7,
            1e-300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            0.3,
            2.0 / 3.0,
            9007199254740993.0,
            4.35,
            0.000123,
            1234567.0,
        ] {
            same_as_std(v);
            same_as_std(-v);
        }
        for v in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            same_as_std(v);
        }
        // every power of two and its neighbours (where the shortest digits are
        // found in an interval of unequal halves)
        for e in -1074..=1023 {
            let p = 2f64.powi(e);
            for v in [p, p.next_up(), p.next_down()] {
                same_as_std(v);
            }
        }
        // decimal fractions, integers, and a million arbitrary bit patterns
        for k in 0..100_000u64 {
            same_as_std(k as f64 / 1000.0);
            same_as_std(k as f64 * 1e10);
        }
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1_000_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            same_as_std(f64::from_bits(x));
        }
    }

    #[test]
    fn the_write_order_holds_every_run_file_once() {
        let mut order = RUN_CSV_WRITE_ORDER;
        order.sort_unstable();
        assert_eq!(order, std::array::from_fn(|k| k));
        assert_eq!(RUN_CSV_FILES[RUN_CSV_WRITE_ORDER[0]], "bilateral.csv");
    }

    #[test]
    fn bilateral_rows_are_the_bytes_the_csv_crate_writes() {
        use crate::prelude::*;
        use crate::run::Code;
        let data = Dataset::embedded("toy").unwrap();
        let union = CustomsUnion::new("CU", &["HOM", "PAR"], CetRule::SimpleAverage);
        let set = ScenarioSet::new(vec![Scenario::new("cu").with_union(union)]);
        let mut results = Simulation::new(&data).run(&set).unwrap();
        // labels that need quoting, in every column
        let r = &mut results.scenarios[0];
        r.name = "cu, \"pooled\"".to_string();
        r.sectors[0].sector = "two\nlines".to_string();
        r.sectors[0].flows[0].exporter = Code::from("E,1");
        r.sectors[0].flows[1].importer = Code::from("a \"long\" code beyond the inline size");
        // what the csv crate writes, numbers as std's Display writes them
        let mut want = csv::Writer::from_writer(Vec::new());
        want.write_record(BILATERAL_COLUMNS).unwrap();
        for r in results.iter() {
            for s in &r.sectors {
                for f in &s.flows {
                    let values = [f.baseline, f.counterfactual, f.counterfactual_value];
                    let mut record = vec![r.name.clone(), s.sector.clone()];
                    record.extend([&f.exporter, &f.importer].map(|c| c.to_string()));
                    record.extend(values.map(|v| format!("{v}")));
                    want.write_record(&record).unwrap();
                }
            }
        }
        let want = want.into_inner().unwrap();
        let mut got = Vec::new();
        results.write_csv_file("bilateral.csv", &mut got).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(want).unwrap()
        );
    }

    #[test]
    fn rows_in_parallel_runs_are_the_rows_of_one_pass() {
        let items: Vec<usize> = (0..1000).collect();
        let each = |t: &mut Rows, k: &usize| {
            for j in 0..*k % 7 {
                t.row(&[Text("k"), Num(*k as f64 / (j + 1) as f64)]);
            }
        };
        let mut serial = Rows::with_header(&["k", "v"]);
        for k in &items {
            each(&mut serial, k);
        }
        let mut out = Vec::new();
        par_rows(&mut out, &["k", "v"], &items, each).unwrap();
        assert_eq!(out, serial.buf);
    }
}

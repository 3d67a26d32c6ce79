//! The CSV data directory: countries, sectors, flows, tariffs, NTB wedges and supply elasticities.
//!
//! ```text
//! countries.csv  code,name
//! sectors.csv    code,name,sigma_m,sigma_d,eta,epsilon      (epsilon may be inf)
//! flows.csv      sector,exporter,importer,value             (exporter = importer: domestic sales)
//! tariffs.csv    sector,exporter,importer,rate              (sector, exporter may be *)
//! ntb.csv        same as tariffs.csv                        (optional)
//! supply.csv     sector,country,epsilon                     (optional; sector may be *)
//! quotas.csv     sector,exporter,importer,premium,holder    (optional; baseline quotas, binding)
//! export_taxes.csv sector,exporter,importer,rate            (optional; sector, importer may be *)
//! ```
//! Extra columns (e.g. `source`) are ignored. Tariff and NTB precedence:
//! (sector, exporter) > (sector, *) > (*, exporter) > (*, *); missing is 0;
//! exporter `*` is every country other than the importer, so a diagonal rate
//! exists only where a row names it.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::code_map::{self, CodeMap};
use super::csv_scan;

use crate::error::{Error, Result};
use crate::model::{
    BaselineQuota, Country, Dataset, Elasticities, Market, Matrix, QuotaHolder, Sector,
};

/// A dataset as loaded, with what the loader noticed.
#[derive(Debug, Clone)]
pub struct LoadedData {
    /// The validated dataset.
    pub dataset: Dataset,
    /// Things worth telling the user (e.g. sectors with no flows).
    pub warnings: Vec<String>,
    /// Rows that put a tariff or wedge on a country's own sales (allowed only
    /// under the as-import-source treatment): `file:line` errors ready to raise.
    pub diagonal_rows: Vec<Error>,
}

/// Loads a data directory.
///
/// # Errors
/// [`Error::Io`] when a required file is missing; [`Error::Data`] naming file,
/// line and field for every bad value.
pub fn load_data_dir(dir: &Path) -> Result<LoadedData> {
    let mut loaded = load_data_files_in(dir).map_err(|e| in_dir(dir, e))?;
    loaded.diagonal_rows = std::mem::take(&mut loaded.diagonal_rows)
        .into_iter()
        .map(|e| in_dir(dir, e))
        .collect();
    Ok(loaded)
}

/// Names a data error's file by its path in `dir` (the loader itself sees bare names).
fn in_dir(dir: &Path, e: Error) -> Error {
    within(&dir.display().to_string(), e)
}

/// Names a data error's bare file name `f` as `folder/f`.
pub(crate) fn within(folder: &str, e: Error) -> Error {
    let path = |file: String| format!("{folder}{}{file}", std::path::MAIN_SEPARATOR);
    match e {
        Error::Data {
            file,
            line,
            field,
            message,
        } => Error::Data {
            file: path(file),
            line,
            field,
            message,
        },
        Error::Io {
            file,
            message,
            source,
        } if !file.contains(std::path::MAIN_SEPARATOR) => Error::Io {
            file: path(file),
            message,
            source,
        },
        other => other,
    }
}

/// Every file [`load_data_files`] reads, the two largest first in each half
/// (so that they are read on different threads).
const DATA_FILES: [&str; 8] = [
    "flows.csv",
    "countries.csv",
    "sectors.csv",
    "supply.csv",
    "tariffs.csv",
    "ntb.csv",
    "quotas.csv",
    "export_taxes.csv",
];

fn load_data_files_in(dir: &Path) -> Result<LoadedData> {
    let read = |name: &str| -> Result<Option<String>> {
        let p = dir.join(name);
        if !p.exists() {
            return Ok(None);
        }
        let bytes = std::fs::read(&p).map_err(|e| Error::io(p.display().to_string(), e))?;
        utf8_text(bytes, name).map(Some)
    };
    // the files are read and checked as UTF-8 side by side; each outcome,
    // error or text, is handed over when the loader asks for the file
    let mut early: Vec<(&str, Result<Option<String>>)> = Vec::new();
    DATA_FILES
        .par_iter()
        .map(|&name| (name, read(name)))
        .collect_into_vec(&mut early);
    let early = std::cell::RefCell::new(early);
    load_data_files(
        &|name: &str| {
            let mut early = early.borrow_mut();
            match early.iter().position(|(f, _)| *f == name) {
                Some(k) => early.swap_remove(k).1,
                None => read(name),
            }
        },
        &dir.display().to_string(),
    )
}

/// The text of a file, or an error naming the line of its first invalid
/// UTF-8 byte (e.g. a file saved from a spreadsheet in a legacy encoding).
pub(crate) fn utf8_text(bytes: Vec<u8>, file: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let column = at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Error::data(
            file,
            line,
            "text",
            format!(
                "invalid UTF-8 at byte {column} of the line (byte 0x{:02x}): save the file as UTF-8",
                bytes[at]
            ),
        )
    })
}

type Reader<'a> = &'a dyn Fn(&str) -> Result<Option<String>>;

/// A file's header, and (for a small file) its rows.
struct Table {
    file: String,
    headers: Vec<String>,
    rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    fn parse(file: &str, text: &str, required: &[&str]) -> Result<Table> {
        let (mut t, body) = Table::open(file, text, required)?;
        let mut rows = Vec::new();
        each_row(&t, text, body, |r| {
            rows.push((r.line, r.vals.iter().map(|v| (*v).to_string()).collect()));
            Ok(())
        })?;
        t.rows = rows;
        Ok(t)
    }

    /// Reads and checks the header; returns where the rows start.
    fn open(file: &str, text: &str, required: &[&str]) -> Result<(Table, Body)> {
        let mut rdr = reader(text);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| Error::data(file, 1, "header", e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut seen = HashMap::new();
        for h in &headers {
            if seen.insert(h.clone(), ()).is_some() {
                return Err(Error::data(file, 1, h, "column appears twice"));
            }
        }
        for r in required {
            if !headers.iter().any(|h| h == r) {
                return Err(Error::data(
                    file,
                    1,
                    *r,
                    format!(
                        "required column missing (header has: {})",
                        headers.join(",")
                    ),
                ));
            }
        }
        let body = Body {
            start: usize::try_from(rdr.position().byte()).unwrap_or(usize::MAX),
            line: rdr.position().line(),
        };
        let t = Table {
            file: file.to_string(),
            headers,
            rows: Vec::new(),
        };
        Ok((t, body))
    }

    fn col(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or(usize::MAX)
    }

    /// The column `name` (absent: `usize::MAX`), found once for every row.
    fn column<'n>(&self, name: &'n str) -> Col<'n> {
        Col {
            at: self.col(name),
            name,
        }
    }
}

/// Where a file's rows start, as the `csv` crate reports it after the header.
#[derive(Debug, Clone, Copy)]
struct Body {
    start: usize,
    line: u64,
}

/// The `csv` reader of every data file: header trimmed, every row as wide as it.
fn reader(text: &str) -> csv::Reader<&[u8]> {
    // fields are trimmed as rows are handed on (see `each_row`): the
    // reader's own trimming allocates a new record per row
    csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .flexible(false)
        .from_reader(text.as_bytes())
}

/// A column of a table: where it is in each row and its name in messages.
#[derive(Debug, Clone, Copy)]
struct Col<'n> {
    at: usize,
    name: &'n str,
}

/// One row: its line and its trimmed fields (`String` for the small files
/// kept whole, `&str` into the text for the streamed large ones).
struct Row<'a, V = String> {
    t: &'a Table,
    line: u64,
    vals: &'a [V],
}

impl<V: AsRef<str>> Row<'_, V> {
    fn str(&self, field: &str) -> Result<&str> {
        self.str_at(self.t.column(field))
    }

    fn str_at(&self, c: Col) -> Result<&str> {
        let v = self.vals[c.at].as_ref();
        if v.is_empty() {
            return Err(Error::data(&self.t.file, self.line, c.name, "empty"));
        }
        Ok(v)
    }

    fn num(&self, field: &str) -> Result<f64> {
        self.num_at(self.t.column(field))
    }

    fn num_at(&self, c: Col) -> Result<f64> {
        let v = self.str_at(c)?;
        let x: f64 = match csv_scan::plain_decimal(v) {
            Some(x) => x,
            None => v
                .parse()
                .map_err(|_| self.err(c.name, format!("`{v}` is not a number")))?,
        };
        if x.is_nan() {
            return Err(self.err(c.name, "NaN is not allowed"));
        }
        Ok(x)
    }

    fn finite(&self, field: &str) -> Result<f64> {
        self.finite_at(self.t.column(field))
    }

    fn finite_at(&self, c: Col) -> Result<f64> {
        let x = self.num_at(c)?;
        if !x.is_finite() {
            return Err(self.err(c.name, format!("must be finite, got {x}")));
        }
        Ok(x)
    }

    /// True when the optional column `field` exists and is not empty on this row.
    fn has(&self, field: &str) -> bool {
        let c = self.t.col(field);
        c != usize::MAX && !self.vals[c].as_ref().is_empty()
    }

    /// The row's `code` of a new `what` ("country", "sector"): not `*`,
    /// without blanks, and not in `index` yet, where it is entered at `next`.
    fn new_code<S: std::hash::BuildHasher>(
        &self,
        what: &str,
        index: &mut HashMap<String, usize, S>,
        next: usize,
    ) -> Result<&str> {
        let code = self.str("code")?;
        if code == "*" || code.contains(char::is_whitespace) {
            return Err(self.err("code", format!("`{code}` is not a valid {what} code")));
        }
        if index.insert(code.to_string(), next).is_some() {
            return Err(self.err("code", format!("duplicate {what} code `{code}`")));
        }
        Ok(code)
    }

    fn err(&self, field: &str, msg: impl Into<String>) -> Error {
        Error::data(&self.t.file, self.line, field, msg)
    }
}

/// Hands `each` every row of `text` after its header (which `body`
/// describes), its fields borrowed from the text when it is plain: a large
/// file is read without keeping or copying anything per row.
fn each_row(
    t: &Table,
    text: &str,
    body: Body,
    mut each: impl FnMut(Row<&str>) -> Result<()>,
) -> Result<()> {
    let width = t.headers.len();
    // checked here, not with the header, so that large files are checked side by side
    if body.start <= text.len() && csv_scan::is_plain(text.as_bytes()) {
        let whole =
            csv_scan::each_plain_record(text, body.start, body.line, width, |line, vals| {
                each(Row { t, line, vals })
            })?;
        if whole {
            return Ok(());
        }
        // a row of another width: the csv reader names it
        return Err(ragged_row(t, text));
    }
    // quoted fields or lone carriage returns: the csv reader, which skips the header
    let mut rdr = reader(text);
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(csv_error(t, &e)),
        }
        let vals: Vec<&str> = rec.iter().map(str::trim).collect();
        let line = rec.position().map_or(0, csv::Position::line);
        each(Row {
            t,
            line,
            vals: &vals,
        })?;
    }
}

fn csv_error(t: &Table, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    Error::data(&t.file, line, "row", e.to_string())
}

/// The `csv` reader's error for the first row of `text` whose width differs
/// from the header's.
fn ragged_row(t: &Table, text: &str) -> Error {
    let mut rdr = reader(text);
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => {
                return Error::data(
                    &t.file,
                    0,
                    "row",
                    format!(
                        "a row does not have the {} fields of the header",
                        t.headers.len()
                    ),
                );
            }
            Err(e) => return csv_error(t, &e),
        }
    }
}

/// A country column that may hold `*` (every country, `None`); otherwise
/// the country's index.
fn country_or_all<V: AsRef<str>>(r: &Row<V>, c: Col, index: &CodeIndex) -> Result<Option<usize>> {
    if r.str_at(c)? == "*" {
        Ok(None)
    } else {
        index.country(r, c).map(Some)
    }
}

fn rows(t: &Table) -> impl Iterator<Item = Row<'_>> {
    t.rows.iter().map(move |(line, vals)| Row {
        t,
        line: *line,
        vals,
    })
}

fn read_table(
    read: Reader,
    name: &str,
    required: &[&str],
    optional: bool,
) -> Result<Option<Table>> {
    match read(name)? {
        Some(text) => Ok(Some(Table::parse(name, &text, required)?)),
        None if optional => Ok(None),
        None => Err(Error::io_message(name, "required file not found")),
    }
}

/// Code → index, looked up for every row of the large files: FNV-1a, as
/// codes are short and come from the user's own files (no adversary to
/// resist, as SipHash does at several times the cost).
type Codes = HashMap<String, usize, std::hash::BuildHasherDefault<Fnv>>;

/// The 64-bit FNV-1a hash.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The country and sector codes of a dataset, each with its index.
struct CodeIndex {
    countries: CodeMap,
    sectors: CodeMap,
}

impl CodeIndex {
    fn new(countries: &Codes, sectors: &Codes) -> Self {
        let map = |codes: &Codes| CodeMap::new(codes.iter().map(|(c, &k)| (c.as_str(), k)));
        CodeIndex {
            countries: map(countries),
            sectors: map(sectors),
        }
    }

    /// The country whose code is in column `c`.
    fn country<V: AsRef<str>>(&self, r: &Row<V>, c: Col) -> Result<usize> {
        let v = r.str_at(c)?;
        self.countries
            .get(v)
            .ok_or_else(|| r.err(c.name, format!("unknown country code `{v}`")))
    }

    /// The sector whose code is in column `c`; `None` for `*` where `star` allows it.
    fn sector<V: AsRef<str>>(&self, r: &Row<V>, c: Col, star: bool) -> Result<Option<usize>> {
        let v = r.str_at(c)?;
        if star && v == "*" {
            return Ok(None);
        }
        self.sectors
            .get(v)
            .map(Some)
            .ok_or_else(|| r.err(c.name, format!("unknown sector code `{v}`")))
    }
}

/// The code a column held on the previous row (packed, see [`code_map::pack`])
/// and what it meant: rows come sorted by sector and exporter, so most rows
/// repeat them.
#[derive(Default)]
struct Recent {
    key: Option<u128>,
    found: Option<usize>,
}

impl Recent {
    /// What `code` means: as on the previous row when it is the same code,
    /// else what `look` finds.
    fn get(
        &mut self,
        code: &str,
        look: impl FnOnce() -> Result<Option<usize>>,
    ) -> Result<Option<usize>> {
        let key = code_map::pack(code);
        if key.is_some() && key == self.key {
            return Ok(self.found);
        }
        let found = look()?;
        self.key = key;
        self.found = found;
        Ok(found)
    }
}

/// The columns of a row of flows, tariffs or wedges.
#[derive(Clone, Copy)]
struct PairColumns<'n> {
    sector: Col<'n>,
    exporter: Col<'n>,
    importer: Col<'n>,
    value: Col<'n>,
}

/// A row of flows, tariffs or wedges by index, through caches of the
/// previous row's codes.
struct PairRows<'c> {
    index: &'c CodeIndex,
    sector: Recent,
    exporter: Recent,
}

impl<'c> PairRows<'c> {
    fn new(index: &'c CodeIndex) -> Self {
        PairRows {
            index,
            sector: Recent::default(),
            exporter: Recent::default(),
        }
    }

    /// The row's sector (`None`: `*`, where `star` allows it), exporter
    /// (`None`: `*`, where `star` allows it) and importer.
    fn key(
        &mut self,
        r: &Row<&str>,
        c: &PairColumns,
        star: bool,
    ) -> Result<(Option<usize>, Option<usize>, usize)> {
        let index = self.index;
        let s = self
            .sector
            .get(r.str_at(c.sector)?, || index.sector(r, c.sector, star))?;
        let i = self.exporter.get(r.str_at(c.exporter)?, || {
            if star {
                country_or_all(r, c.exporter, index)
            } else {
                index.country(r, c.exporter).map(Some)
            }
        })?;
        let j = index.country(r, c.importer)?;
        Ok((s, i, j))
    }
}

const FLOW_COLUMNS: &[&str] = &["sector", "exporter", "importer", "value"];
const RATE_COLUMNS: &[&str] = &["sector", "exporter", "importer", "rate"];

/// A large file read whole and its header checked, its rows still to be
/// streamed (flows, tariffs, NTB wedges: one row per line and pair).
struct Streamed {
    header: Table,
    body: Body,
    text: String,
}

fn read_text(
    read: Reader,
    name: &str,
    required: &[&str],
    optional: bool,
) -> Result<Option<Streamed>> {
    match read(name)? {
        Some(text) => {
            let (header, body) = Table::open(name, &text, required)?;
            Ok(Some(Streamed { header, body, text }))
        }
        None if optional => Ok(None),
        None => Err(Error::io_message(name, "required file not found")),
    }
}

/// The fields that make a row of flows, tariffs or wedges unique.
fn key_of(r: &Row<&str>) -> Vec<String> {
    ["sector", "exporter", "importer"]
        .iter()
        .map(|f| r.vals[r.t.col(f)].to_string())
        .collect()
}

impl Streamed {
    /// Hands `each` every row; nothing is kept per row.
    fn rows(&self, each: impl FnMut(Row<&str>) -> Result<()>) -> Result<()> {
        each_row(&self.header, &self.text, self.body, each)
    }

    /// The columns of a row of pairs with `value` as its value column.
    fn columns<'n>(&self, value: &'n str) -> PairColumns<'n> {
        PairColumns {
            sector: self.header.column("sector"),
            exporter: self.header.column("exporter"),
            importer: self.header.column("importer"),
            value: self.header.column(value),
        }
    }

    /// `err` from streaming, or, when `dup` holds a repeated row (its line
    /// and the key fields that repeat), the error naming the line it repeats.
    fn explain_duplicate(&self, err: Error, dup: Option<(u64, Vec<String>)>) -> Result<()> {
        let Some((line, key)) = dup else {
            return Err(err);
        };
        let mut first = 0;
        let _ = self.rows(|r| {
            if key_of(&r) == key {
                first = r.line;
                return Err(Error::io_message("", "found"));
            }
            Ok(())
        });
        Err(Error::data(
            &self.header.file,
            line,
            "sector",
            format!("duplicate row: the same sector, exporter and importer as line {first}"),
        ))
    }
}

/// Loads a dataset from files supplied by `read` (file name → contents, `None`
/// when absent). Messages name each file as `read` knows it; `origin` is not
/// used ([`load_data_dir`] adds the folder to its messages itself).
///
/// # Errors
/// As [`load_data_dir`].
pub fn load_data_files(read: Reader, origin: &str) -> Result<LoadedData> {
    let _ = origin;
    let mut warnings = Vec::new();
    // the files this reader knows, with their required columns and whether
    // they may be missing; errors are reported in the order countries,
    // sectors, flows, tariffs, ntb, supply. The three large files only have
    // their header checked here: their rows are streamed below.
    let [countries_t, sectors_t, supply_t] = [
        ("countries.csv", &["code", "name"][..], false),
        (
            "sectors.csv",
            &["code", "name", "sigma_m", "sigma_d", "eta", "epsilon"],
            false,
        ),
        ("supply.csv", &["sector", "country", "epsilon"], true),
    ]
    .map(|(name, columns, optional)| read_table(read, name, columns, optional));
    let [flows_t, tariffs_t, ntb_t] = [
        ("flows.csv", FLOW_COLUMNS, false),
        ("tariffs.csv", RATE_COLUMNS, false),
        ("ntb.csv", RATE_COLUMNS, true),
    ]
    .map(|(name, columns, optional)| read_text(read, name, columns, optional));
    let required = |t: Result<Option<Table>>| t.map(|t| t.expect("a required file"));
    let countries_t = required(countries_t)?;
    let sectors_t = required(sectors_t)?;
    let flows_t = flows_t?.expect("a required file");
    let tariffs_t = tariffs_t?.expect("a required file");
    let (ntb_t, supply_t) = (ntb_t?, supply_t?);

    // countries
    let mut countries = Vec::new();
    let mut cidx = Codes::default();
    for r in rows(&countries_t) {
        let code = r.new_code("country", &mut cidx, countries.len())?;
        let name = r.vals[countries_t.col("name")].clone();
        let mut country = Country::new(code, name);
        if r.has("gdp") {
            let g = r.finite("gdp")?;
            if g <= 0.0 {
                return Err(r.err("gdp", format!("must be > 0 (US$ million), got {g}")));
            }
            country.gdp = Some(g);
        }
        if r.has("collection") {
            let k = r.finite("collection")?;
            if !(k > 0.0 && k <= 1.0) {
                return Err(r.err(
                    "collection",
                    format!("the share of duties collected must be in (0, 1], got {k}"),
                ));
            }
            country.collection = k;
        }
        if r.has("note") {
            country.note = Some(r.str("note")?.to_string());
        }
        countries.push(country);
    }
    if countries.is_empty() {
        return Err(Error::data("countries.csv", 0, "code", "no countries"));
    }
    let n = countries.len();
    // sectors
    let mut sectors = Vec::new();
    let mut sidx = Codes::default();
    for r in rows(&sectors_t) {
        let code = r.new_code("sector", &mut sidx, sectors.len())?;
        let max = crate::model::limits::ELASTICITY_MAX;
        let sm = r.finite("sigma_m")?;
        if !(sm > 0.0 && sm <= max) {
            return Err(r.err(
                "sigma_m",
                format!("must be > 0 and at most {max}, got {sm}"),
            ));
        }
        let sd = r.finite("sigma_d")?;
        if !(sd > 0.0 && sd <= max) {
            return Err(r.err(
                "sigma_d",
                format!("must be > 0 and at most {max}, got {sd}"),
            ));
        }
        let eta = r.finite("eta")?;
        if !(eta >= 0.0 && eta <= max) {
            return Err(r.err("eta", format!("must be >= 0 and at most {max}, got {eta}")));
        }
        let eps = r.num("epsilon")?;
        crate::model::sector::check_supply(eps).map_err(|e| r.err("epsilon", e.to_string()))?;
        sectors.push(Sector {
            code: code.to_string(),
            name: r.vals[sectors_t.col("name")].clone(),
            elasticities: Elasticities::new(sm, sd, eta)
                .map_err(|e| r.err("sigma_m", e.to_string()))?,
            supply_default: eps,
        });
    }
    if sectors.is_empty() {
        return Err(Error::data("sectors.csv", 0, "code", "no sectors"));
    }
    let ns = sectors.len();
    let index = CodeIndex::new(&cidx, &sidx);
    // flows on one thread, tariffs and wedges on another; their errors
    // are still reported in the order flows, tariffs, ntb
    let (flows, rates) = rayon::join(
        || flow_matrices(&flows_t, &index, n, ns),
        || -> Result<_> {
            let mut diagonal_rows = Vec::new();
            let mut warnings = Vec::new();
            let tariffs = rate_matrices(
                &tariffs_t,
                &index,
                n,
                ns,
                -1.0,
                &mut diagonal_rows,
                &mut warnings,
            );
            let ntb = tariffs.is_ok().then(|| {
                ntb_t.as_ref().map(|t| {
                    rate_matrices(t, &index, n, ns, 0.0, &mut diagonal_rows, &mut warnings)
                })
            });
            Ok((tariffs, ntb, diagonal_rows, warnings))
        },
    );
    let flows = flows?;
    let (tariffs, ntb, diagonal_rows, rate_warnings) = rates?;
    let (tariffs, mfn) = tariffs?;
    let ntb = match ntb.flatten() {
        Some(ntb) => ntb?.0,
        None => vec![Matrix::zeros(n); ns],
    };
    warnings.extend(rate_warnings);
    // supply
    let mut supply: Vec<Vec<f64>> = sectors.iter().map(|s| vec![s.supply_default; n]).collect();
    if let Some(t) = &supply_t {
        let (sector_c, country_c) = (t.column("sector"), t.column("country"));
        let mut spec: HashMap<(Option<usize>, Option<usize>), (u64, f64)> = HashMap::new();
        for r in rows(t) {
            let s = index.sector(&r, sector_c, true)?;
            let c = country_or_all(&r, country_c, &index)?;
            let e = r.num("epsilon")?;
            crate::model::sector::check_supply(e).map_err(|e| r.err("epsilon", e.to_string()))?;
            if let Some((prev, _)) = spec.insert((s, c), (r.line, e)) {
                return Err(r.err(
                    "sector",
                    format!("duplicate row: the same sector and country as line {prev}"),
                ));
            }
        }
        for (s, sup) in supply.iter_mut().enumerate() {
            for (c, v) in sup.iter_mut().enumerate() {
                for key in [
                    (Some(s), Some(c)),
                    (Some(s), None),
                    (None, Some(c)),
                    (None, None),
                ] {
                    if let Some(&(_, e)) = spec.get(&key) {
                        *v = e;
                        break;
                    }
                }
            }
        }
    }
    let mut markets = Vec::with_capacity(ns);
    let parts = flows.into_iter().zip(tariffs).zip(ntb).zip(supply).zip(mfn);
    for (s, ((((x, t), c), e), mfn)) in parts.enumerate() {
        let m = Market::new(x, t, c, e)
            .and_then(|m| m.with_mfn(mfn))
            .map_err(|e| {
                Error::data(
                    "flows.csv",
                    0,
                    "value",
                    format!("sector {}: {e}", sectors[s].code),
                )
            })?;
        if m.is_empty() {
            warnings.push(format!(
                "sector {}: every flow is zero; it will be skipped",
                sectors[s].code
            ));
        }
        markets.push(m);
    }
    let markets = with_restrictions(read, &countries, &sectors, markets)?;
    let dataset = Dataset::new(countries, sectors, markets)?;
    Ok(LoadedData {
        dataset,
        warnings,
        diagonal_rows,
    })
}

/// Each sector's baseline flows from `flows.csv`: a cell no row gives is 0,
/// a cell two rows give is an error naming both lines.
fn flow_matrices(t: &Streamed, index: &CodeIndex, n: usize, ns: usize) -> Result<Vec<Matrix>> {
    let cells = n * n;
    let mut flows: Vec<Matrix> = (0..ns).map(|_| Matrix::zeros(n)).collect();
    // one bit per cell: set once a row has given it
    let mut given = vec![0u64; (ns * cells).div_ceil(64)];
    let columns = t.columns("value");
    let mut pairs = PairRows::new(index);
    let mut dup: Option<(u64, Vec<String>)> = None;
    t.rows(|r| {
        let (s, i, j) = pairs.key(&r, &columns, false)?;
        let (s, i) = (s.expect("no star"), i.expect("no star"));
        let v = r.finite_at(columns.value)?;
        if v < 0.0 {
            return Err(r.err("value", format!("must be >= 0, got {v}")));
        }
        if v > crate::model::limits::FLOW_MAX {
            return Err(r.err(
                "value",
                format!(
                    "must be at most {:e}, got {v:e}",
                    crate::model::limits::FLOW_MAX
                ),
            ));
        }
        let bit = s * cells + i * n + j;
        let (word, mask) = (bit / 64, 1u64 << (bit % 64));
        if given[word] & mask != 0 {
            dup = Some((r.line, key_of(&r)));
            return Err(r.err("sector", "duplicate"));
        }
        given[word] |= mask;
        flows[s].set(i, j, v);
        Ok(())
    })
    .or_else(|e| t.explain_duplicate(e, dup.take()))?;
    Ok(flows)
}

#[allow(clippy::type_complexity)]
fn rate_matrices(
    t: &Streamed,
    index: &CodeIndex,
    n: usize,
    ns: usize,
    floor: f64,
    diagonal_rows: &mut Vec<Error>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Matrix>, Vec<Vec<f64>>)> {
    // one slot per key, NaN until a row gives it:
    // (sector, exporter, importer) in the output itself, (sector, *, importer),
    // (*, exporter, importer), (*, *, importer)
    let mut out: Vec<Matrix> = (0..ns).map(|_| Matrix::filled(n, f64::NAN)).collect();
    let mut sector_star = vec![f64::NAN; ns * n];
    let mut star_exporter = vec![f64::NAN; n * n];
    let mut star_star = vec![f64::NAN; n];
    let columns = t.columns("rate");
    let mut pairs = PairRows::new(index);
    let mut dup: Option<(u64, Vec<String>)> = None;
    t.rows(|r| {
        let (s, i, j) = pairs.key(&r, &columns, true)?;
        let v = r.finite_at(columns.value)?;
        match crate::model::limits::check_rate(v) {
            Err(msg) => return Err(r.err("rate", msg)),
            Ok(Some(w)) => warnings.push(format!("{}:{}: field `rate`: {w}", t.header.file, r.line)),
            Ok(None) => {}
        }
        if floor < 0.0 {
            if v <= floor {
                return Err(r.err("rate", format!("a tariff must be > -1, got {v}")));
            }
        } else if v < floor {
            return Err(r.err("rate", format!("a non-tariff wedge must be >= 0, got {v}")));
        }
        if i == Some(j) {
            diagonal_rows.push(r.err(
                "exporter",
                "a rate on a country's own (domestic) sales is allowed only under the as-import-source treatment of domestic sales",
            ));
        }
        let slot = match (s, i) {
            (Some(s), Some(i)) => &mut out[s].as_mut_slice()[i * n + j],
            (Some(s), None) => &mut sector_star[s * n + j],
            (None, Some(i)) => &mut star_exporter[i * n + j],
            (None, None) => &mut star_star[j],
        };
        if !slot.is_nan() {
            dup = Some((r.line, key_of(&r)));
            return Err(r.err("sector", "duplicate"));
        }
        *slot = v;
        Ok(())
    })
    .or_else(|e| t.explain_duplicate(e, dup.take()))?;
    let given = |v: f64| (!v.is_nan()).then_some(v);
    let mfn: Vec<Vec<f64>> = (0..ns)
        .map(|s| {
            (0..n)
                .map(|j| {
                    given(sector_star[s * n + j])
                        .or(given(star_star[j]))
                        .unwrap_or(0.0)
                })
                .collect()
        })
        .collect();
    // precedence: (sector, exporter) > (sector, *) > (*, exporter) > (*, *);
    // exporter * is every country other than the importer
    for (m, by_sector) in out.iter_mut().zip(sector_star.chunks(n)) {
        let rows = m.as_mut_slice().chunks_mut(n).zip(star_exporter.chunks(n));
        for (i, (row, by_exporter)) in rows.enumerate() {
            for (j, v) in row.iter_mut().enumerate().filter(|(_, v)| v.is_nan()) {
                let rate = if i == j {
                    given(by_exporter[j])
                } else {
                    given(by_sector[j])
                        .or(given(by_exporter[j]))
                        .or(given(star_star[j]))
                };
                *v = rate.unwrap_or(0.0);
            }
        }
    }
    Ok((out, mfn))
}

/// Reads the optional `quotas.csv` and `export_taxes.csv` and adds them to
/// each sector's market.
///
/// ```text
/// quotas.csv        sector,exporter,importer,premium[,holder]   sector a code; exporter or
///                   importer may be * (a global import quota, an export quota); premium >= 0
/// export_taxes.csv  sector,exporter,importer,rate               sector and importer may be *:
///                   (sector, importer) > (sector, *) > (*, importer) > (*, *)
/// ```
fn with_restrictions(
    read: Reader,
    countries: &[Country],
    sectors: &[Sector],
    markets: Vec<Market>,
) -> Result<Vec<Market>> {
    let [quotas_t, taxes_t] = [
        (
            "quotas.csv",
            &["sector", "exporter", "importer", "premium"][..],
        ),
        ("export_taxes.csv", RATE_COLUMNS),
    ]
    .map(|(name, columns)| read_table(read, name, columns, true));
    let (quotas_t, taxes_t) = (quotas_t?, taxes_t?);
    if quotas_t.is_none() && taxes_t.is_none() {
        return Ok(markets);
    }
    let (n, ns) = (countries.len(), sectors.len());
    let ccodes: Vec<&str> = countries.iter().map(|c| c.code.as_str()).collect();
    let scodes: Vec<&str> = sectors.iter().map(|s| s.code.as_str()).collect();
    let country = |r: &Row, field: &str, star: bool| code_in(r, field, star, "country", &ccodes);
    let sector = |r: &Row, star: bool| code_in(r, "sector", star, "sector", &scodes);
    let mut quotas: Vec<Vec<BaselineQuota>> = vec![Vec::new(); ns];
    if let Some(t) = &quotas_t {
        for field in ["in_quota_tariff", "out_of_quota_tariff", "volume"] {
            if t.col(field) != usize::MAX {
                return Err(Error::data(
                    "quotas.csv",
                    1,
                    field,
                    "baseline tariff-rate quotas and volumes are not part of the data format: a \
                     baseline quota binds at the baseline volume with its `premium`; give a \
                     tariff-rate quota in a scenario's [[scenario.quota]]",
                ));
            }
        }
        // (sector, cell) -> line of the quota covering it
        let mut owner: HashMap<(usize, usize, usize), u64> = HashMap::new();
        let mut seen: HashMap<(usize, Option<usize>, Option<usize>), u64> = HashMap::new();
        for r in rows(t) {
            let s = sector(&r, false)?.expect("a code");
            let exporter = country(&r, "exporter", true)?;
            let importer = country(&r, "importer", true)?;
            let premium = r.finite("premium")?;
            if premium < 0.0 {
                return Err(r.err("premium", format!("must be >= 0, got {premium}")));
            }
            let holder = if r.has("holder") {
                let h = r.str("holder")?;
                QuotaHolder::parse(h).ok_or_else(|| {
                    r.err(
                        "holder",
                        format!("`{h}`: expected importer | exporter | none"),
                    )
                })?
            } else {
                QuotaHolder::Importer
            };
            if let Some(prev) = seen.insert((s, importer, exporter), r.line) {
                return Err(r.err(
                    "exporter",
                    format!("duplicate row: the same quota as line {prev}"),
                ));
            }
            let cells =
                crate::model::quota_cells(markets[s].flows(), importer, exporter).map_err(|e| {
                    match e {
                        Error::Invalid { message, .. } => r.err("exporter", message),
                        e => r.err("exporter", e.to_string()),
                    }
                })?;
            for (i, j) in cells {
                if let Some(prev) = owner.insert((s, i, j), r.line) {
                    return Err(r.err(
                        "exporter",
                        format!(
                            "overlaps the quota of line {prev} on {}->{}: a flow belongs to at most one quota",
                            countries[i].code, countries[j].code
                        ),
                    ));
                }
            }
            quotas[s].push(BaselineQuota {
                importer,
                exporter,
                premium,
                holder,
            });
        }
    }
    let mut taxes: Vec<Option<Matrix>> = vec![None; ns];
    if let Some(t) = &taxes_t {
        // (sector?, exporter, importer?) -> (line, rate)
        type Key = (Option<usize>, usize, Option<usize>);
        let mut spec: HashMap<Key, (u64, f64)> = HashMap::new();
        for r in rows(t) {
            let s = sector(&r, true)?;
            let exporter = country(&r, "exporter", false)?.expect("a code");
            let importer = country(&r, "importer", true)?;
            if importer == Some(exporter) {
                return Err(r.err("importer", "an export tax applies to sales abroad only"));
            }
            let rate = r.finite("rate")?;
            if rate <= -1.0 {
                return Err(r.err("rate", format!("must be > -1, got {rate}")));
            }
            crate::model::limits::check_rate(rate).map_err(|m| r.err("rate", m))?;
            if let Some((prev, _)) = spec.insert((s, exporter, importer), (r.line, rate)) {
                return Err(r.err(
                    "sector",
                    format!("duplicate row: the same sector, exporter and importer as line {prev}"),
                ));
            }
        }
        for (s, slot) in taxes.iter_mut().enumerate() {
            let mut m = Matrix::zeros(n);
            for i in 0..n {
                for j in (0..n).filter(|&j| j != i) {
                    for key in [
                        (Some(s), Some(j)),
                        (Some(s), None),
                        (None, Some(j)),
                        (None, None),
                    ] {
                        if let Some(&(_, v)) = spec.get(&(key.0, i, key.1)) {
                            m.set(i, j, v);
                            break;
                        }
                    }
                }
            }
            if m.as_slice().iter().any(|&v| v != 0.0) {
                *slot = Some(m);
            }
        }
    }
    markets
        .into_iter()
        .zip(taxes.into_iter().zip(quotas))
        .enumerate()
        .map(|(s, (m, (e, q)))| {
            m.with_restrictions(e, q).map_err(|e| {
                Error::data(
                    "quotas.csv",
                    0,
                    "sector",
                    format!("sector {}: {e}", sectors[s].code),
                )
            })
        })
        .collect()
}

/// The index of the code in column `field` among `codes`, or `None` for `*`
/// where `star` allows it.
fn code_in(r: &Row, field: &str, star: bool, what: &str, codes: &[&str]) -> Result<Option<usize>> {
    let v = r.str(field)?;
    if v == "*" {
        if star {
            return Ok(None);
        }
        return Err(r.err(
            field,
            format!("`*` is not allowed here: give a {what} code"),
        ));
    }
    codes
        .iter()
        .position(|c| *c == v)
        .map(Some)
        .ok_or_else(|| r.err(field, format!("unknown {what} code `{v}`")))
}

fn fmt_num(v: f64) -> String {
    if v.is_infinite() {
        "inf".to_string()
    } else {
        format!("{v}")
    }
}

/// Writes `data` as a CSV data directory (each importer's MFN rate as an
/// exporter-`*` row, explicit rows for every other nonzero
/// rate; `source` column from `source`).
///
/// # Errors
/// [`Error::Io`] when a file cannot be written.
pub fn export_data(data: &Dataset, dir: &Path, source: &str) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let write = |name: &str, body: String| -> Result<()> {
        let p = dir.join(name);
        std::fs::write(&p, body).map_err(|e| Error::io(p.display().to_string(), e))
    };
    let q = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let src = q(source);
    let extra = data
        .countries()
        .iter()
        .any(|c| c.gdp.is_some() || c.collection != 1.0 || c.note.is_some());
    let mut b = if extra {
        String::from("code,name,gdp,collection,note,source\n")
    } else {
        String::from("code,name,source\n")
    };
    for c in data.countries() {
        if extra {
            b += &format!(
                "{},{},{},{},{},{src}\n",
                c.code,
                q(&c.name),
                c.gdp.map(fmt_num).unwrap_or_default(),
                fmt_num(c.collection),
                q(c.note.as_deref().unwrap_or(""))
            );
        } else {
            b += &format!("{},{},{src}\n", c.code, q(&c.name));
        }
    }
    write("countries.csv", b)?;
    let mut b = String::from("code,name,sigma_m,sigma_d,eta,epsilon,source\n");
    for s in data.sectors() {
        let e = s.elasticities;
        b += &format!(
            "{},{},{},{},{},{},{src}\n",
            s.code,
            q(&s.name),
            e.sigma_import,
            e.sigma_domestic,
            e.demand,
            fmt_num(s.supply_default)
        );
    }
    write("sectors.csv", b)?;
    let codes: Vec<&str> = data.countries().iter().map(|c| c.code.as_str()).collect();
    let mut fl = String::from("sector,exporter,importer,value,source\n");
    let mut ta = String::from("sector,exporter,importer,rate,source\n");
    let mut nt = String::from("sector,exporter,importer,rate,source\n");
    let mut su = String::from("sector,country,epsilon,source\n");
    for (s, m) in data.sectors().iter().zip(data.markets()) {
        let n = m.n();
        for j in 0..n {
            if m.mfn(j) != 0.0 {
                ta += &format!("{},*,{},{},{src}\n", s.code, codes[j], m.mfn(j));
            }
        }
        for i in 0..n {
            for j in 0..n {
                let x = m.flows().get(i, j);
                if x != 0.0 {
                    fl += &format!("{},{},{},{},{src}\n", s.code, codes[i], codes[j], x);
                }
                let t = m.tariffs().get(i, j);
                let covered = if i == j { 0.0 } else { m.mfn(j) };
                if t != covered {
                    ta += &format!("{},{},{},{},{src}\n", s.code, codes[i], codes[j], t);
                }
                let c = m.ntb().get(i, j);
                if c != 0.0 {
                    nt += &format!("{},{},{},{},{src}\n", s.code, codes[i], codes[j], c);
                }
            }
            let e = m.supply()[i];
            if e != s.supply_default && !(e.is_infinite() && s.supply_default.is_infinite()) {
                su += &format!("{},{},{},{src}\n", s.code, codes[i], fmt_num(e));
            }
        }
    }
    write("flows.csv", fl)?;
    write("tariffs.csv", ta)?;
    write("ntb.csv", nt)?;
    write("supply.csv", su)?;
    let code = |c: Option<usize>| c.map_or("*", |c| codes[c]);
    let mut qu = String::from("sector,exporter,importer,premium,holder,source\n");
    let mut ex = String::from("sector,exporter,importer,rate,source\n");
    for (s, m) in data.sectors().iter().zip(data.markets()) {
        for q in m.quotas() {
            qu += &format!(
                "{},{},{},{},{},{src}\n",
                s.code,
                code(q.exporter),
                code(q.importer),
                q.premium,
                q.holder.name()
            );
        }
        let n = m.n();
        for i in 0..n {
            for j in 0..n {
                let e = m.export_tax(i, j);
                if e != 0.0 {
                    ex += &format!("{},{},{},{},{src}\n", s.code, codes[i], codes[j], e);
                }
            }
        }
    }
    if data.markets().iter().any(|m| !m.quotas().is_empty()) {
        write("quotas.csv", qu)?;
    }
    if data.markets().iter().any(|m| m.has_restrictions()) {
        write("export_taxes.csv", ex)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::embedded::EmbeddedDataset;

    /// The toy dataset's files (plain text) with `edit` applied to each.
    fn load_edited(edit: impl Fn(&str, &str) -> String) -> Result<LoadedData> {
        let files = EmbeddedDataset::Toy.files();
        load_data_files(
            &|name: &str| {
                Ok(files
                    .iter()
                    .find(|(f, _)| *f == name)
                    .map(|(f, c)| edit(f, c)))
            },
            "<test>",
        )
    }

    /// Every field of a file quoted (blank lines kept blank): the csv
    /// reader reads it, not the plain splitter.
    fn quoted(text: &str) -> String {
        text.lines()
            .map(|l| {
                if l.is_empty() {
                    return "\n".to_string();
                }
                let fields: Vec<String> = l.split(',').map(|f| format!("\"{f}\"")).collect();
                fields.join(",") + "\n"
            })
            .collect()
    }

    #[test]
    fn plain_crlf_and_quoted_files_load_the_same_dataset() {
        let plain = load_edited(|_, c| c.to_string()).unwrap();
        let crlf = load_edited(|_, c| c.replace('\n', "\r\n")).unwrap();
        let quoted = load_edited(|_, c| quoted(c)).unwrap();
        assert_eq!(plain.dataset, crlf.dataset);
        assert_eq!(plain.dataset, quoted.dataset);
        assert_eq!(plain.dataset.fingerprint(), quoted.dataset.fingerprint());
    }

    #[test]
    fn plain_and_quoted_files_name_the_same_line_and_field() {
        // a bad value, an unknown code, a duplicate row and a ragged row,
        // each appended after a blank line to the file the splitter reads
        for (file, row) in [
            ("flows.csv", "AGR,HOM,PAR,abc,x"),
            ("tariffs.csv", "AGR,XYZ,HOM,0.1,x"),
            ("flows.csv", "AGR,HOM,HOM,1,x"),
            ("tariffs.csv", "AGR,HOM"),
        ] {
            let with_row = |plain: bool| {
                load_edited(|f, c| {
                    let c = if f == file {
                        format!("{c}\n{row}\n")
                    } else {
                        c.to_string()
                    };
                    if plain { c } else { quoted(&c) }
                })
                .expect_err("a bad row")
                .to_string()
            };
            // the csv reader's own message for a ragged row also gives its
            // byte offset, which the quotes move
            let unquoted_part = |m: String| m.split(", byte").next().unwrap_or("").to_string();
            let (plain, quoted) = (with_row(true), with_row(false));
            assert!(plain.contains(file), "{plain}");
            assert_eq!(unquoted_part(plain), unquoted_part(quoted), "{file}: {row}");
        }
    }
}

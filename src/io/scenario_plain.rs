//! A fast reader for scenario files written as plain lines: comments,
//! `[[scenario]]` tables with a name, description and `extends`, and their
//! `[[scenario.tariff]]`, `[[scenario.ntb]]` and `[[scenario.export]]`
//! entries with one `key = value` per line. A file of thousands of
//! line-level changes is read several times faster than through the
//! general TOML parser, and without its token lists.
//!
//! ```text
//! dataset = "eaeu2009"          # optional, before the first table
//! [[scenario]]
//! name = "cuts"                 # description, extends: optional
//! [[scenario.tariff]]           # or ntb, export
//! importer = "KAZ"              # exporter, sector, component: strings
//! scale = 0.5                   # set | add | scale: numbers; ban: true | false
//! ```
//!
//! The reader accepts only what it recognises and reads exactly as the
//! general parser does: anything else (another table, an inline table or
//! array, an escaped or multi-line string, a number with `_` or `+`, a key
//! given twice, a missing required key, a key of the wrong type, a lone
//! carriage return) makes it give up, and the general parser reads the file
//! and reports its errors with their lines. What it returns goes through the
//! same checks as the general parser's result.

use super::scenario_dto::{ChangeDto, FileDto, ScenarioDto};

/// The entry lists a plain file may hold.
#[derive(Clone, Copy)]
enum List {
    Tariff,
    Ntb,
    Export,
}

/// A value on the right of `=`.
enum Value<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
}

/// The table that keys go to.
enum Table {
    Top,
    Scenario,
    Change,
}

/// An entry being read: its list, where its header starts and its keys.
struct Entry {
    list: List,
    start: usize,
    importer: Option<String>,
    exporter: Option<String>,
    sector: Option<String>,
    set: Option<f64>,
    add: Option<f64>,
    scale: Option<f64>,
    ban: Option<bool>,
    component: Option<String>,
}

impl Entry {
    fn new(list: List, start: usize) -> Self {
        Entry {
            list,
            start,
            importer: None,
            exporter: None,
            sector: None,
            set: None,
            add: None,
            scale: None,
            ban: None,
            component: None,
        }
    }

    /// Takes `key = value`; `None` for a key the entry does not have, one
    /// given twice or a value of the wrong type.
    fn take(&mut self, key: &[u8], value: Value) -> Option<()> {
        let text = |slot: &mut Option<String>| match (slot.is_none(), &value) {
            (true, Value::Text(s)) => {
                *slot = Some((*s).to_string());
                Some(())
            }
            _ => None,
        };
        let number = |slot: &mut Option<f64>| match (slot.is_none(), &value) {
            (true, Value::Number(v)) => {
                *slot = Some(*v);
                Some(())
            }
            _ => None,
        };
        match key {
            b"importer" => text(&mut self.importer),
            b"exporter" => text(&mut self.exporter),
            b"sector" => text(&mut self.sector),
            b"component" => text(&mut self.component),
            b"set" => number(&mut self.set),
            b"add" => number(&mut self.add),
            b"scale" => number(&mut self.scale),
            b"ban" => match (self.ban.is_none(), &value) {
                (true, Value::Bool(b)) => {
                    self.ban = Some(*b);
                    Some(())
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The entry as the general parser gives it, into its scenario's list;
    /// `None` without an importer or an exporter.
    fn finish(self, scenario: &mut ScenarioDto) -> Option<()> {
        let change = ChangeDto {
            importer: self.importer?,
            exporter: self.exporter?,
            sector: self.sector.unwrap_or_else(|| "*".to_string()),
            set: self.set,
            add: self.add,
            scale: self.scale,
            ban: self.ban,
            component: self.component,
        };
        // the general parser's span of an entry is its `[[...]]` header
        let end = self.start + header(self.list).len();
        let spanned = toml::Spanned::new(self.start..end, change);
        match self.list {
            List::Tariff => scenario.tariff.push(spanned),
            List::Ntb => scenario.ntb.push(spanned),
            List::Export => scenario.export.push(spanned),
        }
        Some(())
    }
}

fn header(list: List) -> &'static str {
    match list {
        List::Tariff => "[[scenario.tariff]]",
        List::Ntb => "[[scenario.ntb]]",
        List::Export => "[[scenario.export]]",
    }
}

/// A scenario being read: its table's keys (the name required) and entries.
struct Open {
    name: Option<String>,
    description: Option<String>,
    dto: ScenarioDto,
}

/// The file as the general parser would read it, when it is written in the
/// plain subset this module describes; `None` otherwise.
pub(super) fn read_plain(text: &str) -> Option<FileDto> {
    let mut dataset: Option<String> = None;
    let mut done: Vec<ScenarioDto> = Vec::new();
    let mut open: Option<Open> = None;
    let mut entry: Option<Entry> = None;
    let mut table = Table::Top;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |k| at + k);
        let mut line = &bytes[at..end];
        // a carriage return ends a line only before its newline
        if let ([rest @ .., b'\r'], true) = (line, end < bytes.len()) {
            line = rest;
        }
        let indent = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let start = at + indent;
        let line = &line[indent..];
        at = end + 1;
        match line.first() {
            None => {}
            Some(b'#') => comment(line)?,
            Some(b'[') => {
                let (name, rest) = table_header(line)?;
                comment_or_nothing(rest)?;
                if let Some(e) = entry.take() {
                    e.finish(&mut open.as_mut()?.dto)?;
                }
                table = match name {
                    None => {
                        if let Some(o) = open.take() {
                            done.push(close(o)?);
                        }
                        open = Some(Open {
                            name: None,
                            description: None,
                            dto: empty_scenario(),
                        });
                        Table::Scenario
                    }
                    Some(list) => {
                        open.as_ref()?;
                        entry = Some(Entry::new(list, start));
                        Table::Change
                    }
                };
            }
            Some(_) => {
                let (key, value, rest) = key_value(line)?;
                comment_or_nothing(rest)?;
                match table {
                    Table::Top => match (key, value) {
                        (b"dataset", Value::Text(s)) if dataset.is_none() => {
                            dataset = Some(s.to_string());
                        }
                        _ => return None,
                    },
                    Table::Scenario => {
                        let o = open.as_mut()?;
                        let slot = match key {
                            b"name" => &mut o.name,
                            b"extends" => &mut o.dto.extends,
                            b"description" => &mut o.description,
                            _ => return None,
                        };
                        match (slot.is_none(), value) {
                            (true, Value::Text(s)) => *slot = Some(s.to_string()),
                            _ => return None,
                        }
                    }
                    Table::Change => entry.as_mut()?.take(key, value)?,
                }
            }
        }
    }
    if let Some(e) = entry.take() {
        e.finish(&mut open.as_mut()?.dto)?;
    }
    done.push(close(open?)?);
    Some(FileDto {
        dataset,
        scenario: done,
        solver: None,
        montecarlo: None,
    })
}

fn empty_scenario() -> ScenarioDto {
    ScenarioDto {
        name: String::new(),
        description: String::new(),
        extends: None,
        union: Vec::new(),
        tariff: Vec::new(),
        ntb: Vec::new(),
        export: Vec::new(),
        quota: Vec::new(),
    }
}

/// A scenario whose table is complete; `None` without a name.
fn close(o: Open) -> Option<ScenarioDto> {
    let mut dto = o.dto;
    dto.name = o.name?;
    dto.description = o.description.unwrap_or_default();
    Some(dto)
}

/// A comment: no control character but a tab.
fn comment(line: &[u8]) -> Option<()> {
    line.iter()
        .all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
        .then_some(())
}

/// What follows a value or a header: blanks, then a comment or nothing.
fn comment_or_nothing(rest: &[u8]) -> Option<()> {
    let blanks = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    match rest.get(blanks) {
        None => Some(()),
        Some(b'#') => comment(&rest[blanks..]),
        Some(_) => None,
    }
}

/// `[[scenario]]` (`None`) or an entry list's header, and what follows it.
fn table_header(line: &[u8]) -> Option<(Option<List>, &[u8])> {
    for (name, list) in [
        ("[[scenario]]", None),
        ("[[scenario.tariff]]", Some(List::Tariff)),
        ("[[scenario.ntb]]", Some(List::Ntb)),
        ("[[scenario.export]]", Some(List::Export)),
    ] {
        if let Some(rest) = line.strip_prefix(name.as_bytes()) {
            return Some((list, rest));
        }
    }
    None
}

/// `key = value`, and what follows the value.
fn key_value(line: &[u8]) -> Option<(&[u8], Value<'_>, &[u8])> {
    let n = line
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
        .count();
    if n == 0 {
        return None;
    }
    let (key, rest) = line.split_at(n);
    let blanks = |s: &[u8]| s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let rest = &rest[blanks(rest)..];
    let rest = rest.strip_prefix(b"=")?;
    let rest = &rest[blanks(rest)..];
    let (value, rest) = value(rest)?;
    Some((key, value, rest))
}

/// A string without escapes, `true`, `false` or a plain decimal number.
fn value(s: &[u8]) -> Option<(Value<'_>, &[u8])> {
    match *s.first()? {
        quote @ (b'"' | b'\'') => {
            let body = &s[1..];
            let n = body.iter().position(|&b| b == quote)?;
            let text = &body[..n];
            let plain = text
                .iter()
                .all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f && b != b'\\'));
            if !plain {
                return None;
            }
            // the text is a slice of a `str` cut at ASCII quotes
            let text = std::str::from_utf8(text).ok()?;
            Some((Value::Text(text), &body[n + 1..]))
        }
        b't' => Some((Value::Bool(true), word(s, b"true")?)),
        b'f' => Some((Value::Bool(false), word(s, b"false")?)),
        _ => number(s),
    }
}

/// What follows `word` at the start of `s`, when a value may end there.
fn word<'a>(s: &'a [u8], word: &[u8]) -> Option<&'a [u8]> {
    let rest = s.strip_prefix(word)?;
    ends_value(rest).then_some(rest)
}

/// True when a value may end before `rest`: at a blank, a comment or the end.
fn ends_value(rest: &[u8]) -> bool {
    matches!(rest.first(), None | Some(b' ' | b'\t' | b'#'))
}

/// A decimal integer (`-?(0|[1-9][0-9]*)`, read as an integer and then
/// converted, as the general parser reads an integer given for a number)
/// or a float (the integer part, then `.digits`, an exponent `[eE][+-]?digits`
/// or both, read by `str::parse`); a finite value only.
fn number(s: &[u8]) -> Option<(Value<'_>, &[u8])> {
    let digits = |from: usize| s[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut k = usize::from(s.first() == Some(&b'-'));
    let int = digits(k);
    if int == 0 || (int > 1 && s[k] == b'0') {
        return None;
    }
    k += int;
    let mut float = false;
    if s.get(k) == Some(&b'.') {
        let frac = digits(k + 1);
        if frac == 0 {
            return None;
        }
        k += 1 + frac;
        float = true;
    }
    if matches!(s.get(k), Some(b'e' | b'E')) {
        k += 1;
        if matches!(s.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        let exp = digits(k);
        if exp == 0 {
            return None;
        }
        k += exp;
        float = true;
    }
    let (text, rest) = s.split_at(k);
    if !ends_value(rest) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let v = if float {
        text.parse::<f64>().ok()?
    } else {
        // an integer the general parser reads as i64, then as f64
        text.parse::<i64>().ok()? as f64
    };
    v.is_finite().then_some((Value::Number(v), rest))
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::super::scenario_file::{checked, parse_toml};
    use super::*;

    const FILE: &str = "s.toml";

    /// Reads `text` with both readers and checks that the plain reader, when
    /// it reads the file at all, gives what the general parser gives (the
    /// same scenarios, or the same error); true when it read it.
    fn agrees(text: &str) -> bool {
        let Some(dto) = read_plain(text) else {
            return false;
        };
        let general = parse_toml(text, FILE).unwrap_or_else(|e| {
            panic!("the plain reader read a file the parser refuses ({e}):\n{text}")
        });
        let (plain, general) = (checked(dto, text, FILE), checked(general, text, FILE));
        match (&plain, &general) {
            (Ok(p), Ok(g)) => assert_eq!(p, g, "{text}"),
            (Err(p), Err(g)) => assert_eq!(p.to_string(), g.to_string(), "{text}"),
            _ => panic!("the readers disagree: {plain:?} against {general:?}\n{text}"),
        }
        true
    }

    const PLAIN: &str = "\
# line-level changes\r
dataset = \"eaeu2009\"   # the data\r
\r
[[scenario]]\r
name = \"cuts\"\r
description = 'cuts on \"lines\" – à la carte'\r
[[scenario.tariff]]   # first\r
importer = \"KAZ\"\r
  exporter=\"RUS\"\r
\tsector = \"AGF\"\r
scale = 0.5\r
[[scenario.ntb]]\r
importer = \"KAZ\"\r
exporter = \"*\"\r
add = -0\r
component = \"border\"\r
[[scenario.tariff]]\r
importer = \"BLR\"\r
exporter = \"CHN\"\r
set = 1.5e-2\r
[[scenario.export]]\r
importer = \"*\"\r
exporter = \"KAZ\"\r
sector = \"FUEL\"\r
ban = true\r
\r
[[scenario]]\r
name = \"more\"\r
extends = \"cuts\"\r
[[scenario.tariff]]\r
importer = \"KAZ\"\r
exporter = \"CHN\"\r
set = 12\r
[[scenario.tariff]]\r
importer = \"KAZ\"\r
exporter = \"EU27\"\r
scale = -0.0   # trailing\r
[[scenario.tariff]]\r
importer = \"KAZ\"\r
exporter = \"ROW\"\r
add = 1E+2\r
";

    #[test]
    fn reads_plain_files_as_the_general_parser_does() {
        assert!(agrees(PLAIN));
        let lf = PLAIN.replace("\r\n", "\n");
        assert!(agrees(&lf));
        let set = checked(read_plain(&lf).unwrap(), &lf, FILE).unwrap();
        assert_eq!(set.dataset.as_deref(), Some("eaeu2009"));
        assert_eq!(set.scenarios.len(), 2);
        assert_eq!(set.scenarios[0].changes.len(), 4);
        assert_eq!(set.scenarios[1].extends.as_deref(), Some("cuts"));
        // a change file without a dataset key, one entry per line group
        let mut text = String::from("[[scenario]]\nname = \"s\"\n");
        for k in 0..50 {
            text.push_str(&format!(
                "[[scenario.tariff]]\nimporter = \"C{k:03}\"\nexporter = \"C{:03}\"\nsector = \"L{k}\"\nscale = 0.{k}1\n",
                k + 1
            ));
        }
        assert!(agrees(&text));
    }

    #[test]
    fn leaves_everything_else_to_the_general_parser() {
        let head =
            "[[scenario]]\nname = \"s\"\n[[scenario.tariff]]\nimporter = \"A\"\nexporter = \"B\"\n";
        for tail in [
            "scale = +0.5\n",
            "scale = 1_000\n",
            "scale = .5\n",
            "scale = 5.\n",
            "scale = 05\n",
            "scale = inf\n",
            "scale = nan\n",
            "scale = 1e400\n",
            "scale = 99999999999999999999\n",
            "scale = 0x10\n",
            "scale = \"0.5\"\n",
            "scale = 1979-05-27\n",
            "scale = 0.5\nscale = 0.5\n",
            "ban = 1\n",
            "sector = \"A\\tB\"\nscale = 1\n",
            "sector = \"\"\"AGF\"\"\"\nscale = 1\n",
            "sector = { code = \"AGF\" }\nscale = 1\n",
            "sector = [\"AGF\"]\nscale = 1\n",
            "unknown = 1\n",
            "\"scale\" = 1\n",
            "a.scale = 1\n",
            "scale = 1 junk\n",
            "scale = 1\r\r\n",
            "scale = 1\r",
            "scale = 1 # bell \u{7}\n",
            "[solver]\ntol = 1e-9\n",
            "[[scenario.union]]\nname = \"CU\"\n",
            "[[scenario.quota]]\nimporter = \"A\"\n",
            "[[ scenario ]]\nname = \"t\"\n",
            "[[scenario]]\n",
        ] {
            let text = format!("{head}{tail}");
            assert!(read_plain(&text).is_none(), "read:\n{text}");
        }
        for text in [
            "",
            "dataset = \"x\"\n",
            "[[scenario.tariff]]\nimporter = \"A\"\nexporter = \"B\"\nscale = 1\n",
            "[[scenario]]\ndescription = \"no name\"\n",
            "[[scenario]]\nname = \"s\"\n[[scenario.tariff]]\nimporter = \"A\"\nscale = 1\n",
            "\u{feff}[[scenario]]\nname = \"s\"\n",
        ] {
            assert!(read_plain(text).is_none(), "read:\n{text}");
        }
    }

    #[test]
    fn entries_the_checks_refuse_are_refused_with_the_same_words() {
        let text = "[[scenario]]\nname = \"s\"\n\n[[scenario.tariff]]\nimporter = \"A\"\nexporter = \"B\"\nscale = 1\nset = 2\n";
        assert!(agrees(text));
        let e = checked(read_plain(text).unwrap(), text, FILE).unwrap_err();
        assert!(e.to_string().contains("tariff[0] (line 4)"), "{e}");
        let text = "[[scenario]]\nname = \"s\"\n[[scenario.ntb]]\nimporter = \"A\"\nexporter = \"B\"\nban = false\n";
        assert!(agrees(text));
        assert!(checked(read_plain(text).unwrap(), text, FILE).is_err());
    }

    /// Random edits of a plain file: whenever the plain reader still reads
    /// one, the general parser reads it too, to the same scenarios or error.
    #[test]
    fn random_edits_never_make_the_readers_disagree() {
        let base = PLAIN.replace("\r\n", "\n");
        let pieces = [
            "\"",
            "'",
            "\\",
            "\r",
            "\n",
            "#",
            "[",
            "]",
            "[[",
            "]]",
            "=",
            ".",
            ",",
            "_",
            "+",
            "-",
            "e",
            "E",
            "0",
            "1",
            "9",
            "a",
            " ",
            "\t",
            "true",
            "false",
            "scale",
            "set",
            "ban",
            "importer",
            "name",
            "[[scenario]]",
            "[[scenario.ntb]]",
            "\u{e9}",
            "\u{7f}",
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(15);
        let (mut read, mut left) = (0, 0);
        for _ in 0..20_000 {
            let mut text = base.clone();
            for _ in 0..rng.random_range(1..4) {
                let mut at = rng.random_range(0..=text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.random_range(0..3) {
                    0 => text.insert_str(at, pieces[rng.random_range(0..pieces.len())]),
                    1 => {
                        let mut end = (at + rng.random_range(1..4)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        // a whole line repeated or moved
                        let lines: Vec<&str> = text.lines().collect();
                        let k = rng.random_range(0..lines.len());
                        let line = format!("{}\n", lines[k]);
                        let mut at = rng.random_range(0..=text.len());
                        while !text.is_char_boundary(at) {
                            at -= 1;
                        }
                        text.insert_str(at, &line);
                    }
                }
            }
            if agrees(&text) {
                read += 1;
            } else {
                left += 1;
            }
        }
        // both paths are taken many times
        assert!(read > 1_000 && left > 1_000, "read {read}, left {left}");
    }
}

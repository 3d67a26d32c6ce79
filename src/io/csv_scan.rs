//! A fast splitter for the rows of plain CSV text: the millions of lines of
//! a tariff-line dataset's flows, tariffs and wedges.
//!
//! ```text
//! plain text   no `"` anywhere; a `\r` only right before a `\n` (or at the end)
//! record       field ("," field)*, one per line, ended by "\n", "\r\n" or the end
//! blank line   skipped
//! field        trimmed of white space
//! line number  the one the `csv` crate gives the record: 1 + the line feeds
//!              up to the end of the previous record (blank lines before a
//!              record do not count; after a "\r\n" the "\n" counts later)
//! ```
//!
//! The `csv` crate reads any CSV, but per record it copies the bytes through
//! its buffers and checks them as UTF-8 again; on a tariff-line dataset that
//! costs more than everything else the loader does. Plain text is split here
//! directly on `,` and `\n` with the same fields and line numbers; any
//! other text (quoted fields, lone carriage returns) is left to the `csv`
//! crate by the caller, as is the message for a record of the wrong width.

/// True when `text` is plain: no `"`, and every `\r` is followed by `\n` or
/// ends the text.
pub(crate) fn is_plain(text: &[u8]) -> bool {
    // one pass for both bytes
    memchr::memchr2_iter(b'"', b'\r', text)
        .all(|p| text[p] == b'\r' && (p + 1 == text.len() || text[p + 1] == b'\n'))
}

/// Hands `each` the line number and trimmed fields of every record of the
/// plain text `text[start..]`, where the `csv` crate would give the first
/// record line `first_line`.
///
/// Returns `Ok(false)`, having handed on the records before it, at the first
/// record without `width` fields (the caller names it as the `csv` crate does).
///
/// # Errors
/// The first error of `each`.
pub(crate) fn each_plain_record<'t, E>(
    text: &'t str,
    start: usize,
    first_line: u64,
    width: usize,
    mut each: impl FnMut(u64, &[&'t str]) -> Result<(), E>,
) -> Result<bool, E> {
    let bytes = text.as_bytes();
    let mut fields: Vec<&str> = Vec::with_capacity(width + 1);
    let mut line = first_line;
    let mut newlines = 0u64;
    // where the current line and its current field start
    let (mut line_start, mut from) = (start, start);
    let mut record = |end: usize, ended: u64, from: usize, fields: &mut Vec<&'t str>| {
        let crlf = end > line_start && bytes[end - 1] == b'\r';
        let stop = end - usize::from(crlf);
        if stop > line_start {
            fields.push(trimmed(&text[from..stop]));
            if fields.len() != width {
                return Ok(false);
            }
            each(line, fields)?;
            // the csv crate ends a "\r\n" record at the "\r": its "\n" is
            // counted with what follows
            line = first_line + newlines + ended - u64::from(crlf && ended == 1);
        }
        fields.clear();
        newlines += ended;
        line_start = end + 1;
        Ok(true)
    };
    // one pass over the bytes, splitting on both separators at once
    for (p, &b) in bytes.iter().enumerate().skip(start) {
        if b == b',' {
            fields.push(trimmed(&text[from..p]));
            from = p + 1;
        } else if b == b'\n' {
            if !record(p, 1, from, &mut fields)? {
                return Ok(false);
            }
            from = p + 1;
        }
    }
    if from < bytes.len() || !fields.is_empty() {
        return record(bytes.len(), 0, from, &mut fields);
    }
    Ok(true)
}

/// The value of a field of 1 to 15 decimal digits with at most one `.` (as
/// most values in a data file are), computed as `str::parse` would: the
/// digits as an integer, exact below 2^53, divided by an exact power of ten,
/// which IEEE division rounds correctly. `None` for anything else (signs,
/// exponents, `inf`, more digits, errors), which `str::parse` is left to read.
pub(crate) fn plain_decimal(field: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (mut mantissa, mut digits, mut decimals) = (0u64, 0usize, None);
    for &b in field.as_bytes() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if digits > 15 {
                    return None;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(digits),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let scale = digits - decimals.unwrap_or(digits);
    Some(mantissa as f64 / POWERS[scale])
}

/// `field` trimmed as `str::trim` does, without its scan when both ends
/// are visible ASCII (as in nearly every field of a data file).
fn trimmed(field: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    if visible(field.as_bytes().first()) && visible(field.as_bytes().last()) {
        field
    } else {
        field.trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Records as `(line, fields)`.
    type Records = Vec<(u64, Vec<String>)>;

    /// Records as the `csv` crate reads them (with headers, not flexible, as
    /// the loader does): the header's end, then `(line, fields)` of each record,
    /// and whether a record of another width stopped it.
    fn by_csv_crate(text: &str) -> ((usize, u64), Records, bool) {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::Headers)
            .flexible(false)
            .from_reader(text.as_bytes());
        let _ = rdr.headers();
        let p = rdr.position().clone();
        let mut out = Vec::new();
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(false) => return ((p.byte() as usize, p.line()), out, false),
                Ok(true) => out.push((
                    rec.position().map_or(0, csv::Position::line),
                    rec.iter().map(|f| f.trim().to_string()).collect(),
                )),
                Err(_) => return ((p.byte() as usize, p.line()), out, true),
            }
        }
    }

    fn by_scanner(text: &str, start: usize, line: u64, width: usize) -> (Records, bool) {
        let mut out = Vec::new();
        let whole = each_plain_record(text, start, line, width, |line, f| {
            out.push((line, f.iter().map(|s| s.to_string()).collect()));
            Ok::<(), ()>(())
        })
        .unwrap();
        (out, !whole)
    }

    fn check(text: &str) {
        if !is_plain(text.as_bytes()) {
            return;
        }
        let Ok(width) = csv::ReaderBuilder::new()
            .from_reader(text.as_bytes())
            .headers()
            .map(csv::StringRecord::len)
        else {
            return;
        };
        let ((start, line), want, ragged) = by_csv_crate(text);
        assert_eq!(
            by_scanner(text, start, line, width),
            (want, ragged),
            "{text:?}"
        );
    }

    #[test]
    fn line_numbers_follow_the_csv_crate() {
        for text in [
            "a,b\n1,2\n3,4\n",
            "a,b\n1,2\n\n3,4",
            "a,b\r\n1,2\r\n\r\n3,4\r\n",
            "a,b\n\n\n1,2\n \n3,4\n",
            "\u{feff}a,b\n1,2\n",
            "\n\na,b\n1,2\n",
            " a , b \n1 , 2\n",
            "a,b\n1,2,3\n",
            "a,b\n1,2\n,\n",
            "a\n\n1\n \n2\r",
            "a,b\n\u{a0}x\u{a0}, y\t\n",
        ] {
            check(text);
        }
    }

    #[test]
    fn quotes_and_lone_carriage_returns_are_not_plain() {
        assert!(!is_plain(b"a,b\n\"1\",2\n"));
        assert!(!is_plain(b"a,b\r1,2\n"));
        assert!(is_plain(b"a,b\r\n1,2\r"));
    }

    #[test]
    fn plain_decimals_read_as_str_parse_reads_them() {
        for field in [
            "0",
            "1",
            "131.0230",
            "0.1",
            ".5",
            "5.",
            "999999999999999",
            "0.00000000000001",
            "12345.6789012345",
        ] {
            assert_eq!(
                plain_decimal(field).map(f64::to_bits),
                Some(field.parse::<f64>().unwrap().to_bits()),
                "{field}"
            );
        }
        for field in [
            "",
            ".",
            "-1",
            "+1",
            "1e5",
            "inf",
            "NaN",
            "1.2.3",
            "1 ",
            "1234567890123456",
            "0.000000000000001",
            "0x1",
        ] {
            assert_eq!(plain_decimal(field), None, "{field}");
        }
    }

    proptest! {
        /// Any short decimal: bit for bit the value `str::parse` gives.
        #[test]
        fn plain_decimals_are_correctly_rounded(field in "[0-9]{0,9}\\.?[0-9]{0,9}") {
            if let Some(x) = plain_decimal(&field) {
                prop_assert_eq!(x.to_bits(), field.parse::<f64>().unwrap().to_bits(), "{}", field);
            }
        }


        /// Any plain text: the same records, fields and line numbers as the
        /// `csv` crate, and the same first record of another width.
        #[test]
        fn plain_text_splits_as_the_csv_crate_reads_it(
            text in "(a|b|é|,|\n|\r\n| |\t|\u{a0}|1){0,60}"
        ) {
            check(&text);
        }
    }
}

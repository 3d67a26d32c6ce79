//! Numbers rounded for reading: the one set of rules that tables, charts
//! and the HTML report share.
//!
//! ```text
//! amount:  |v| >= 100: no decimals; >= 1: one; >= 0.01: two; smaller: 0
//!          thousands grouped with commas; never "-0"
//! percent: a fraction as a percentage with the decimals asked for (0.1095 -> "10.95%")
//! share:   a probability as a whole percentage, "<1%" and ">99%" short of 0 and 1
//! ticks:   the decimals the tick step needs, none for whole steps (never "5.0")
//! ```

/// `v` with `decimals` decimals and thousands grouped by commas
/// (`-1234.5`, 1 → `"-1,234.5"`); a value that rounds to zero has no sign.
pub fn grouped(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "n/a".to_string()
        } else if v > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        };
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let zero = int.bytes().all(|b| b == b'0') && frac.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    let mut out = String::with_capacity(text.len() + 4);
    if v < 0.0 && !zero {
        out.push('-');
    }
    let digits = int.len();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (digits - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The decimals an amount of this size is shown with.
pub fn amount_decimals(v: f64) -> usize {
    let a = v.abs();
    if a >= 100.0 {
        0
    } else if a >= 1.0 {
        1
    } else {
        2
    }
}

/// A value in the data's units rounded for reading: `-158.1` → `"-158"`,
/// `37.54` → `"37.5"`, `0.0412` → `"0.04"`, `1056.6` → `"1,057"`; values
/// below 0.005 in size read `"0"`.
pub fn amount(v: f64) -> String {
    if v.abs() < 0.005 {
        return "0".to_string();
    }
    grouped(v, amount_decimals(v))
}

/// An amount with an explicit sign for changes: `"+37.5"`, `"-158"`, `"0"`.
pub fn signed_amount(v: f64) -> String {
    let s = amount(v);
    if v > 0.0 && s != "0" {
        format!("+{s}")
    } else {
        s
    }
}

/// A fraction as a percentage: `percent(0.1095, 2)` → `"10.95%"`.
pub fn percent(fraction: f64, decimals: usize) -> String {
    format!("{}%", grouped(100.0 * fraction, decimals))
}

/// A change of a rate in percentage points: `points(0.0435, 2)` → `"+4.35 pp"`.
pub fn points(change: f64, decimals: usize) -> String {
    let s = grouped(100.0 * change, decimals);
    if change > 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        format!("+{s} pp")
    } else {
        format!("{s} pp")
    }
}

/// A probability as a whole percentage, never rounding a share short of 0
/// or 1 to them: `0.999` → `">99%"`, `0.003` → `"<1%"`, `1.0` → `"100%"`.
pub fn share(p: f64) -> String {
    if p > 0.99 && p < 1.0 {
        ">99%".to_string()
    } else if p > 0.0 && p < 0.01 {
        "<1%".to_string()
    } else {
        format!("{:.0}%", 100.0 * p)
    }
}

/// A count with thousands grouped: `10000` → `"10,000"`.
pub fn count(n: u64) -> String {
    grouped(n as f64, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_a_report() {
        assert_eq!(amount(-158.1), "-158");
        assert_eq!(amount(37.54), "37.5");
        assert_eq!(amount(0.0412), "0.04");
        assert_eq!(amount(1056.6), "1,057");
        assert_eq!(amount(-1_234_567.0), "-1,234,567");
        assert_eq!(amount(-0.001), "0");
        assert_eq!(amount(0.0), "0");
        assert_eq!(amount(-0.0), "0");
        assert_eq!(signed_amount(37.5), "+37.5");
        assert_eq!(signed_amount(-0.001), "0");
    }

    #[test]
    fn percentages_and_shares() {
        assert_eq!(percent(0.10953, 2), "10.95%");
        assert_eq!(points(0.0435, 2), "+4.35 pp");
        assert_eq!(points(0.0, 2), "0.00 pp");
        assert_eq!(points(-0.0045, 2), "-0.45 pp");
        assert_eq!(share(1.0), "100%");
        assert_eq!(share(0.999), ">99%");
        assert_eq!(share(0.003), "<1%");
        assert_eq!(share(0.0), "0%");
        assert_eq!(share(0.5), "50%");
        assert_eq!(count(10_000), "10,000");
    }

    #[test]
    fn grouping_and_non_finite() {
        assert_eq!(grouped(999.96, 1), "1,000.0");
        assert_eq!(grouped(-0.04, 1), "0.0");
        assert_eq!(grouped(f64::INFINITY, 0), "inf");
        assert_eq!(grouped(f64::NAN, 0), "n/a");
    }
}

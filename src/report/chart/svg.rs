//! Writing SVG by hand: escaped text, coordinates, and text measured ahead
//! of layout so that nothing overlaps.
//!
//! Widths are estimated from DejaVu Sans advance widths (the widest of the
//! usual sans-serif faces), so text measured here fits in any of them.

use std::fmt::Write;

/// Font stack of every chart and of the HTML report: system faces only.
pub const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

/// Text escaped for XML and HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal (`12.0` → `"12"`).
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Advance width of `c` in em (DejaVu Sans).
fn advance(c: char) -> f64 {
    match c {
        ' ' | '.' | ',' | '\'' | '’' | '|' | '!' => 0.32,
        'i' | 'j' | 'l' | 'I' | 'J' => 0.295,
        ':' | ';' => 0.337,
        '-' => 0.361,
        '(' | ')' | '[' | ']' | '{' | '}' => 0.39,
        'f' | 't' | 'r' => 0.41,
        '0'..='9' | '$' | '+' | '=' | '<' | '>' | '#' | '_' => 0.636,
        '%' => 0.95,
        'm' | 'w' | 'M' | 'W' | '@' => 0.9,
        'c' | 's' | 'z' => 0.55,
        'k' | 'v' | 'x' | 'y' => 0.6,
        'a'..='z' => 0.63,
        'A'..='Z' => 0.7,
        '−' | '–' => 0.636,
        '—' => 1.0,
        _ => 0.7,
    }
}

/// Estimated width in pixels of `s` at font size `size`.
pub fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    // 3% to spare for hinting and kerning differences between faces
    let w: f64 = s.chars().map(advance).sum::<f64>() * size * 1.03;
    if bold { w * 1.16 } else { w }
}

/// `s` broken at spaces into lines no wider than `max` pixels; a word wider
/// than `max` is cut with an ellipsis.
pub fn wrap(s: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let trial = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&trial, size, bold) <= max || line.is_empty() {
            line = trial;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| fit(&l, size, bold, max))
        .collect()
}

/// `s` shortened with an ellipsis to fit in `max` pixels.
pub fn fit(s: &str, size: f64, bold: bool, max: f64) -> String {
    if text_width(s, size, bold) <= max {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && text_width(&format!("{out}…"), size, bold) > max {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// `lines` of text, wrapped to `max`, capped at `max_lines` (the last one
/// ending with an ellipsis when text was left out).
pub fn wrap_lines(s: &str, size: f64, bold: bool, max: f64, max_lines: usize) -> Vec<String> {
    let mut lines = wrap(s, size, bold, max);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let mut l = last.clone();
            l.push_str(" …");
            *last = fit(&l, size, bold, max);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}

/// Horizontal anchor of a text element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Left-aligned at x.
    Start,
    /// Centred on x.
    Middle,
    /// Right-aligned at x.
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Style of one text element.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    /// Font size, pixels.
    pub size: f64,
    /// Bold.
    pub bold: bool,
    /// Fill colour.
    pub fill: &'static str,
    /// Anchor.
    pub anchor: Anchor,
}

/// An SVG body being written (elements only; [`super::Figure`] wraps it).
#[derive(Debug, Default, Clone)]
pub struct Canvas {
    out: String,
}

impl Canvas {
    /// The elements written so far.
    pub fn into_body(self) -> String {
        self.out
    }

    /// Raw markup (already escaped).
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Ends an element whose attributes are written: with a tooltip, or self-closed.
    fn close(&mut self, tag: &str, tip: Option<&str>) {
        match tip {
            Some(t) => {
                let _ = writeln!(self.out, "><title>{}</title></{tag}>", escape(t));
            }
            None => self.out.push_str("/>\n"),
        }
    }

    /// One line of text with its baseline at `y`.
    pub fn text(&mut self, x: f64, y: f64, s: &str, st: TextStyle) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\"",
            num(x),
            num(y),
            num(st.size),
            st.fill
        );
        if st.anchor != Anchor::Start {
            let _ = write!(self.out, " text-anchor=\"{}\"", st.anchor.name());
        }
        if st.bold {
            self.out.push_str(" font-weight=\"bold\"");
        }
        let _ = writeln!(self.out, ">{}</text>", escape(s));
    }

    /// A rectangle from its corner and size (negative sizes are normalised),
    /// with an optional tooltip.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: Option<&str>) {
        let (x, w) = if w < 0.0 { (x + w, -w) } else { (x, w) };
        let (y, h) = if h < 0.0 { (y + h, -h) } else { (y, h) };
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
            num(x),
            num(y),
            num(w),
            num(h),
            fill
        );
        self.close("rect", tip);
    }

    /// A line segment.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        self.segment([x1, y1, x2, y2], stroke, width, "");
    }

    /// A dashed line segment.
    pub fn dashed(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        self.segment([x1, y1, x2, y2], stroke, width, " stroke-dasharray=\"4 3\"");
    }

    fn segment(&mut self, [x1, y1, x2, y2]: [f64; 4], stroke: &str, width: f64, extra: &str) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{extra}/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            stroke,
            num(width)
        );
    }

    /// A filled circle with a white rim, with an optional tooltip.
    pub fn dot(&mut self, x: f64, y: f64, r: f64, fill: &str, tip: Option<&str>) {
        let _ = write!(
            self.out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"",
            num(x),
            num(y),
            num(r),
            fill
        );
        self.close("circle", tip);
    }

    /// An interval from `y1` to `y2` at `x` with caps `cap` pixels wide:
    /// the caps keep a band visible however narrow it is.
    pub fn whisker(&mut self, x: f64, y1: f64, y2: f64, cap: f64, stroke: &str, tip: Option<&str>) {
        let (top, bottom) = if y1 < y2 { (y1, y2) } else { (y2, y1) };
        let h = cap / 2.0;
        let _ = write!(
            self.out,
            "<path d=\"M{} {}V{}M{} {}H{}M{} {}H{}\" stroke=\"{}\" stroke-width=\"1.6\" fill=\"none\"",
            num(x),
            num(top),
            num(bottom),
            num(x - h),
            num(top),
            num(x + h),
            num(x - h),
            num(bottom),
            num(x + h),
            stroke
        );
        self.close("path", tip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("a<b & \"c\" 'd'\u{7}"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;\u{fffd}"
        );
    }

    #[test]
    fn coordinates_without_trailing_zero() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(-3.25), "-3.3");
    }

    #[test]
    fn wrapping_keeps_lines_within_width() {
        let s = "Kazakhstan and Belarus adopt Russia's tariff schedule (the CET)";
        let lines = wrap(s, 12.0, false, 150.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(text_width(l, 12.0, false) <= 150.0, "{l}");
        }
        assert_eq!(lines.join(" "), s);
        let capped = wrap_lines(s, 12.0, false, 150.0, 2);
        assert_eq!(capped.len(), 2);
        assert!(capped[1].ends_with('…'));
        assert!(fit("Supercalifragilistic", 12.0, false, 60.0).ends_with('…'));
    }
}

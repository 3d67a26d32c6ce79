//! The page: its style sheet (screen and A4 print), and builders for
//! headings, explanations and tables that escape every value they are given.

use std::fmt::Write;

use crate::report::chart::Figure;
use crate::report::chart::svg::{FONT_FAMILY, escape};

/// The style sheet: one column for reading on screen, A4 pages in print.
fn style_sheet() -> String {
    format!(
        r#"
:root {{ color-scheme: light; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT_FAMILY}; font-size: 15px; line-height: 1.45; color: #1a1a1a;
  background: #ffffff; max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }}
h1 {{ font-size: 26px; margin: 0 0 4px; }}
h2 {{ font-size: 21px; margin: 36px 0 8px; padding-top: 10px; border-top: 2px solid #1a1a1a; }}
h3 {{ font-size: 16.5px; margin: 24px 0 6px; }}
p {{ margin: 6px 0 10px; }}
.lede {{ color: #444444; margin-top: 0; }}
.muted {{ color: #555555; font-size: 13px; }}
code {{ font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.92em; }}
nav.toc {{ background: #f4f6f8; padding: 10px 16px; border-radius: 4px; margin: 16px 0; }}
nav.toc ol {{ margin: 4px 0; padding-left: 22px; columns: 2; }}
nav.toc a {{ color: #0b5394; text-decoration: none; }}
.howto {{ background: #f6f8fb; border-left: 4px solid #0072B2; padding: 8px 14px; margin: 10px 0 16px; font-size: 14px; }}
.howto h4 {{ margin: 2px 0 4px; font-size: 14px; }}
.howto p {{ margin: 4px 0; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; font-size: 13.5px; }}
caption {{ text-align: left; font-weight: 600; padding: 4px 0; caption-side: top; }}
th, td {{ padding: 4px 9px; border-bottom: 1px solid #dddddd; vertical-align: top; }}
thead th {{ border-bottom: 2px solid #1a1a1a; text-align: left; font-weight: 600; }}
tr.groups th {{ border-bottom: 1px solid #888888; text-align: center; font-weight: 600; color: #333333; }}
th.num {{ text-align: right; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
tbody th {{ text-align: left; font-weight: 600; }}
tr.total td {{ font-weight: 600; border-top: 1.5px solid #1a1a1a; }}
tr.total th {{ border-top: 1.5px solid #1a1a1a; }}
tr.union th, tr.union td {{ font-style: italic; background: #f6f6f6; }}
td.neg {{ color: #a3300b; }}
dl.meta {{ display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0 16px; }}
dl.meta dt {{ font-weight: 600; }}
dl.meta dd {{ margin: 0; overflow-wrap: anywhere; }}
figure {{ margin: 12px 0 18px; }}
figure svg.chart {{ display: block; width: 100%; max-width: 860px; height: auto; }}
.wide {{ overflow-x: auto; }}
ul.warnings li {{ color: #7a4a00; }}
footer {{ margin-top: 40px; color: #555555; font-size: 12.5px; border-top: 1px solid #cccccc; padding-top: 8px; }}
@page {{ size: A4; margin: 14mm 12mm; }}
@media print {{
  body {{ font-size: 10pt; max-width: none; padding: 0; }}
  nav.toc {{ display: none; }}
  h2 {{ break-after: avoid; margin-top: 18px; }}
  h3 {{ break-after: avoid; }}
  figure, table, .howto, dl.meta {{ break-inside: avoid; }}
  table {{ font-size: 8.5pt; }}
  th, td {{ padding: 2px 6px; }}
  a {{ color: inherit; text-decoration: none; }}
}}
@media (max-width: 760px) {{ nav.toc ol {{ columns: 1; }} }}
"#
    )
}

/// One table cell: text (escaped when written) and how it is set.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    text: String,
    numeric: bool,
    negative: bool,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            numeric: false,
            negative: false,
        }
    }

    /// A number already formatted; set right-aligned, negatives marked.
    pub fn num(s: impl Into<String>) -> Cell {
        let text = s.into();
        let negative = text.starts_with('-');
        Cell {
            text,
            numeric: true,
            negative,
        }
    }

    /// An empty numeric cell (a value the result does not hold).
    pub fn none() -> Cell {
        Cell::num("–")
    }
}

/// A table being built.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    caption: Option<String>,
    groups: Vec<(String, usize)>,
    head: Vec<(String, bool)>,
    rows: Vec<(Vec<Cell>, &'static str)>,
}

impl Table {
    /// A table with these column heads; `numeric` marks right-aligned columns.
    pub fn new(head: &[(&str, bool)]) -> Table {
        Table {
            caption: None,
            groups: Vec::new(),
            head: head.iter().map(|(h, n)| (h.to_string(), *n)).collect(),
            rows: Vec::new(),
        }
    }

    /// A table with owned column heads.
    pub fn with_head(head: Vec<(String, bool)>) -> Table {
        Table {
            caption: None,
            groups: Vec::new(),
            head,
            rows: Vec::new(),
        }
    }

    /// A caption above the table.
    pub fn caption(mut self, s: impl Into<String>) -> Table {
        self.caption = Some(s.into());
        self
    }

    /// A header row above the column heads grouping them: (text, columns spanned).
    pub fn groups(mut self, groups: Vec<(String, usize)>) -> Table {
        self.groups = groups;
        self
    }

    /// Adds a row (class: "", "total" or "union").
    pub fn row(&mut self, cells: Vec<Cell>, class: &'static str) {
        self.rows.push((cells, class));
    }

    /// Adds a plain row (no class).
    pub fn plain(&mut self, cells: Vec<Cell>) {
        self.row(cells, "");
    }

    fn write(&self, out: &mut String) {
        out.push_str("<div class=\"wide\"><table>");
        if let Some(c) = &self.caption {
            let _ = write!(out, "<caption>{}</caption>", escape(c));
        }
        out.push_str("<thead>");
        if !self.groups.is_empty() {
            out.push_str("<tr class=\"groups\">");
            for (g, span) in &self.groups {
                let _ = write!(
                    out,
                    "<th scope=\"colgroup\" colspan=\"{span}\">{}</th>",
                    escape(g)
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("<tr>");
        for (h, numeric) in &self.head {
            let _ = write!(
                out,
                "<th scope=\"col\"{}>{}</th>",
                if *numeric { " class=\"num\"" } else { "" },
                escape(h)
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (cells, class) in &self.rows {
            if class.is_empty() {
                out.push_str("<tr>");
            } else {
                let _ = write!(out, "<tr class=\"{class}\">");
            }
            for (k, c) in cells.iter().enumerate() {
                let mut classes = Vec::new();
                if c.numeric {
                    classes.push("num");
                }
                if c.negative {
                    classes.push("neg");
                }
                let tag = if k == 0 && !c.numeric { "th" } else { "td" };
                let scope = if tag == "th" { " scope=\"row\"" } else { "" };
                if classes.is_empty() {
                    let _ = write!(out, "<{tag}{scope}>{}</{tag}>", escape(&c.text));
                } else {
                    let _ = write!(
                        out,
                        "<{tag}{scope} class=\"{}\">{}</{tag}>",
                        classes.join(" "),
                        escape(&c.text)
                    );
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
    }
}

/// The page being written.
#[derive(Debug, Default)]
pub(crate) struct Page {
    body: String,
    toc: Vec<(String, String)>,
}

impl Page {
    /// A section heading (listed in the contents).
    pub fn h2(&mut self, id: &str, title: &str) {
        self.toc.push((id.to_string(), title.to_string()));
        let _ = writeln!(
            self.body,
            "<h2 id=\"{}\">{}</h2>",
            escape(id),
            escape(title)
        );
    }

    /// A sub-heading.
    pub fn h3(&mut self, title: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", escape(title));
    }

    /// A paragraph of plain text.
    pub fn p(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p>{}</p>", escape(text));
    }

    /// A paragraph in small, muted type.
    pub fn small(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"muted\">{}</p>", escape(text));
    }

    /// A "How to read this" box of plain-text paragraphs.
    pub fn howto(&mut self, paragraphs: &[String]) {
        self.body
            .push_str("<aside class=\"howto\"><h4>How to read this</h4>\n");
        for p in paragraphs {
            let _ = writeln!(self.body, "<p>{}</p>", escape(p));
        }
        self.body.push_str("</aside>\n");
    }

    /// A table.
    pub fn table(&mut self, t: &Table) {
        t.write(&mut self.body);
    }

    /// A chart.
    pub fn figure(&mut self, f: &Figure) {
        self.body.push_str("<figure>");
        self.body.push_str(&f.to_inline_svg());
        self.body.push_str("</figure>\n");
    }

    /// Name–value pairs.
    pub fn definitions(&mut self, items: &[(String, String)]) {
        self.body.push_str("<dl class=\"meta\">\n");
        for (k, v) in items {
            let _ = writeln!(self.body, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
        }
        self.body.push_str("</dl>\n");
    }

    /// A bulleted list of warnings.
    pub fn warnings(&mut self, items: &[String]) {
        self.body.push_str("<ul class=\"warnings\">\n");
        for w in items {
            let _ = writeln!(self.body, "<li>{}</li>", escape(w));
        }
        self.body.push_str("</ul>\n");
    }

    /// The whole document.
    pub fn finish(self, title: &str, lede: &str, footer: &str) -> String {
        let mut out = String::with_capacity(self.body.len() + 8192);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        // nothing is fetched: no scripts, fonts, images or style sheets from anywhere
        out.push_str(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
        );
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<title>{}</title>", escape(title));
        let _ = writeln!(out, "<style>{}</style>\n</head>\n<body>", style_sheet());
        let _ = writeln!(
            out,
            "<header><h1>{}</h1><p class=\"lede\">{}</p></header>",
            escape(title),
            escape(lede)
        );
        out.push_str("<nav class=\"toc\"><strong>Contents</strong><ol>\n");
        for (id, t) in &self.toc {
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\">{}</a></li>",
                escape(id),
                escape(t)
            );
        }
        out.push_str("</ol></nav>\n<main>\n");
        out.push_str(&self.body);
        let _ = writeln!(
            out,
            "</main>\n<footer>{}</footer>\n</body>\n</html>",
            escape(footer)
        );
        out
    }
}

//! Charts as SVG, written by hand: the one set of rules that the HTML
//! report and the examples draw with.
//!
//! The rules every chart keeps, by construction:
//! - the title says what and relative to what ("Welfare: change from the
//!   2009 baseline"); the unit sits above the value axis, never across its
//!   tick labels;
//! - legends sit outside the plot area, between the title and the plot;
//! - value axes of bars and intervals include zero (a volume never gets an
//!   axis that starts below it), ticks are round (1, 2 or 5 × 10ⁿ) and
//!   whole steps carry no ".0";
//! - a series that is zero throughout is not drawn, and a note under the
//!   chart names it;
//! - interval whiskers have caps of a fixed width in pixels and are drawn
//!   over the marks, so a band stays visible however narrow it is;
//! - text is measured before layout and wrapped or shortened to its room, so
//!   labels do not overlap; every mark carries a tooltip with its value.
//!
//! ```text
//! CategoryChart  groups (countries, origins, settings) x series (scenarios, parts):
//!                bars or dots, optional intervals
//! Histogram      a distribution of draws, with its 90% band and median marked
//! grid           figures side by side, in columns
//! Figure         what each draws: .to_svg() standalone file, .to_inline_svg() for HTML
//! ```
//!
//! # Examples
//! ```
//! use customs_union::report::chart::{CategoryChart, Series};
//!
//! let svg = CategoryChart::new(
//!     "Welfare: change from the 2009 baseline",
//!     "US$ million per year",
//!     vec!["KAZ".into(), "RUS".into()],
//! )
//! .series(Series::bars("common external tariff", vec![-158.1, 37.5]))
//! .series(Series::bars("internal tariffs", vec![0.0, 0.0]))
//! .figure()
//! .to_svg();
//! assert!(svg.contains("common external tariff"));
//! assert!(svg.contains("not drawn")); // the all-zero series is named in a note
//! ```

pub mod axis;
mod category;
mod histogram;
pub mod svg;

pub use category::{CategoryChart, Mark, Series};
pub use histogram::Histogram;

use std::fmt::Write;

use svg::{Anchor, Canvas, FONT_FAMILY, TextStyle, escape, num, text_width, wrap};

/// Colours of series, in order: the Okabe–Ito palette, distinguishable
/// with the common colour-vision deficiencies and in greyscale print.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
];

/// Colour of baseline series (a neutral grey).
pub const BASELINE_COLOR: &str = "#9E9E9E";

/// Colour of totals drawn beside their parts (a dark grey).
pub const TOTAL_COLOR: &str = "#3A3A3A";

/// Colour of interval whiskers.
pub const WHISKER_COLOR: &str = "#1A1A1A";

const INK: &str = "#1A1A1A";
const MUTED: &str = "#555555";
const GRID: &str = "#E3E3E3";

/// Outer padding of every chart, pixels.
const PAD: f64 = 14.0;
const TITLE_SIZE: f64 = 15.0;
const SUBTITLE_SIZE: f64 = 12.0;
const LEGEND_SIZE: f64 = 12.0;
const TICK_SIZE: f64 = 11.0;
const UNIT_SIZE: f64 = 11.5;
const NOTE_SIZE: f64 = 11.0;

/// A drawn chart: its size and SVG elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Width, pixels.
    pub width: f64,
    /// Height, pixels.
    pub height: f64,
    /// Text for assistive technology (the title).
    pub label: String,
    body: String,
}

impl Figure {
    fn new(width: f64, height: f64, label: &str, body: String) -> Self {
        Figure {
            width,
            height,
            label: label.to_string(),
            body,
        }
    }

    fn open_tag(&self, extra: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             font-family=\"{font}\" role=\"img\" aria-label=\"{label}\"{extra}>\n",
            w = num(self.width),
            h = num(self.height),
            font = escape(FONT_FAMILY),
            label = escape(&self.label),
        )
    }

    /// A standalone SVG file (white background).
    pub fn to_svg(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n{}</svg>\n",
            self.open_tag(""),
            self.body
        )
    }

    /// The SVG element to put inside an HTML page (it scales down with the page).
    pub fn to_inline_svg(&self) -> String {
        format!(
            "{}{}</svg>\n",
            self.open_tag(" class=\"chart\" preserveAspectRatio=\"xMinYMin meet\""),
            self.body
        )
    }
}

/// Figures laid out in `columns` columns (rows as tall as their tallest
/// figure) under a common `title`.
pub fn grid(figures: &[Figure], columns: usize, title: &str) -> Figure {
    let columns = columns.max(1);
    let cell_w = figures.iter().map(|f| f.width).fold(0.0, f64::max);
    let width = cell_w * columns.min(figures.len().max(1)) as f64;
    let mut c = Canvas::default();
    let mut y = header(&mut c, width, title, None, &[]) + 4.0;
    let mut body = c.into_body();
    for row in figures.chunks(columns) {
        let row_h = row.iter().map(|f| f.height).fold(0.0, f64::max);
        for (k, f) in row.iter().enumerate() {
            let _ = writeln!(
                body,
                "<g transform=\"translate({} {})\">\n{}</g>",
                num(k as f64 * cell_w),
                num(y),
                f.body
            );
        }
        y += row_h;
    }
    Figure::new(width, y.ceil(), title, body)
}

/// What a legend entry shows beside its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Swatch {
    Square,
    Dot,
    Whisker,
    Line,
    Band,
}

#[derive(Debug, Clone)]
struct LegendItem {
    swatch: Swatch,
    color: String,
    text: String,
}

fn style(size: f64, bold: bool, fill: &'static str, anchor: Anchor) -> TextStyle {
    TextStyle {
        size,
        bold,
        fill,
        anchor,
    }
}

/// Title, subtitle and legend from the top of a chart `width` wide; returns
/// the y below them.
fn header(
    c: &mut Canvas,
    width: f64,
    title: &str,
    subtitle: Option<&str>,
    legend: &[LegendItem],
) -> f64 {
    let room = width - 2.0 * PAD;
    let mut y = PAD;
    for line in wrap(title, TITLE_SIZE, true, room) {
        y += TITLE_SIZE * 1.2;
        c.text(PAD, y, &line, style(TITLE_SIZE, true, INK, Anchor::Start));
    }
    if let Some(sub) = subtitle {
        for line in wrap(sub, SUBTITLE_SIZE, false, room) {
            y += SUBTITLE_SIZE * 1.3;
            c.text(
                PAD,
                y,
                &line,
                style(SUBTITLE_SIZE, false, MUTED, Anchor::Start),
            );
        }
    }
    if !legend.is_empty() {
        y += 6.0;
        let mut x = PAD;
        y += LEGEND_SIZE * 1.4;
        for item in legend {
            let text = svg::fit(&item.text, LEGEND_SIZE, false, room - 20.0);
            let w = 18.0 + text_width(&text, LEGEND_SIZE, false) + 16.0;
            if x > PAD && x + w > width - PAD {
                x = PAD;
                y += LEGEND_SIZE * 1.5;
            }
            let cy = y - LEGEND_SIZE * 0.35;
            match item.swatch {
                Swatch::Square => c.rect(x, cy - 5.5, 11.0, 11.0, &item.color, None),
                Swatch::Dot => c.dot(x + 5.5, cy, 4.0, &item.color, None),
                Swatch::Whisker => c.whisker(x + 5.5, cy - 6.0, cy + 6.0, 9.0, &item.color, None),
                Swatch::Line => c.dashed(x, cy, x + 12.0, cy, &item.color, 1.6),
                Swatch::Band => c.rect(x, cy - 5.5, 11.0, 11.0, &item.color, None),
            }
            c.text(
                x + 18.0,
                y,
                &text,
                style(LEGEND_SIZE, false, INK, Anchor::Start),
            );
            x += w;
        }
    }
    y
}

/// The top of a chart: a title, an optional subtitle under it, then (with
/// the legend) the unit of the value axis on its own line above the plot.
#[derive(Debug, Clone, PartialEq)]
struct Heading {
    title: String,
    subtitle: Option<String>,
}

impl Heading {
    fn new(title: impl Into<String>) -> Self {
        Heading {
            title: title.into(),
            subtitle: None,
        }
    }

    /// Draws the heading, `legend` and `unit` across a chart `width` wide;
    /// returns the top and bottom of a plot `plot_height` tall under them.
    fn draw(
        &self,
        c: &mut Canvas,
        width: f64,
        legend: &[LegendItem],
        unit: &str,
        plot_height: f64,
    ) -> (f64, f64) {
        let y = header(c, width, &self.title, self.subtitle.as_deref(), legend) + 8.0 + UNIT_SIZE;
        c.text(PAD, y, unit, style(UNIT_SIZE, false, MUTED, Anchor::Start));
        let top = y + 14.0;
        (top, top + plot_height)
    }
}

/// Notes under a chart from `y`; returns the y below them.
fn notes(c: &mut Canvas, width: f64, mut y: f64, notes: &[String]) -> f64 {
    for note in notes {
        for line in wrap(note, NOTE_SIZE, false, width - 2.0 * PAD) {
            y += NOTE_SIZE * 1.35;
            c.text(PAD, y, &line, style(NOTE_SIZE, false, MUTED, Anchor::Start));
        }
    }
    y
}

/// Horizontal grid lines and tick labels of a value axis from `top` to
/// `bottom`, labels right-aligned at `label_x`; the zero line is darker.
fn value_axis(
    c: &mut Canvas,
    scale: &axis::Scale,
    label_x: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
) {
    for &t in &scale.ticks {
        let y = scale.map(t, bottom, top);
        if t != 0.0 {
            c.line(left, y, right, y, GRID, 1.0);
        }
        c.text(
            label_x,
            y + TICK_SIZE * 0.35,
            &scale.label(t),
            style(TICK_SIZE, false, MUTED, Anchor::End),
        );
    }
    if scale.lo <= 0.0 && scale.hi >= 0.0 {
        let y = scale.map(0.0, bottom, top);
        c.line(left, y, right, y, "#444444", 1.2);
    }
}

/// Width of the widest tick label of `scale`.
fn tick_width(scale: &axis::Scale) -> f64 {
    scale
        .ticks
        .iter()
        .map(|&t| text_width(&scale.label(t), TICK_SIZE, false))
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_places_cells_side_by_side() {
        let a = CategoryChart::new("a", "u", vec!["X".into()])
            .series(Series::bars("s", vec![1.0]))
            .figure();
        let g = grid(&[a.clone(), a.clone(), a.clone()], 2, "three");
        assert_eq!(g.width, 2.0 * a.width);
        assert!(g.height > 2.0 * a.height, "two rows under the title");
        assert!(g.to_svg().contains(">three</text>"));
        assert_eq!(g.to_svg().matches("translate(").count(), 3);
    }
}

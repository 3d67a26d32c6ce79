//! The distribution of a result over Monte Carlo draws: counts per bin,
//! the 90% band shaded, the median and zero marked.
//!
//! ```text
//! bins  = equal widths from the smallest to the largest draw
//!         (default: sqrt(n), at least 10 and at most 40)
//! x     = round ticks over the draws' range; the unit sits under the tick labels
//! y     = draws per bin, whole ticks from zero
//! ```

use super::svg::{Anchor, Canvas};
use super::{
    Figure, Heading, LegendItem, PAD, PALETTE, Swatch, TICK_SIZE, UNIT_SIZE, axis::Scale, notes,
    style, tick_width, value_axis,
};
use crate::report::format;

const BAND_COLOR: &str = "#DCE9F5";
const MEDIAN_COLOR: &str = "#D55E00";

/// A histogram of draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    heading: Heading,
    unit: String,
    values: Vec<f64>,
    bins: Option<usize>,
    band: Option<(f64, f64)>,
    median: Option<f64>,
    notes: Vec<String>,
    width: f64,
    plot_height: f64,
}

impl Histogram {
    /// A histogram of `values` (non-finite ones are left out), titled
    /// `title`, with values in `unit`.
    pub fn new(title: impl Into<String>, unit: impl Into<String>, values: Vec<f64>) -> Self {
        Histogram {
            heading: Heading::new(title),
            unit: unit.into(),
            values,
            bins: None,
            band: None,
            median: None,
            notes: Vec::new(),
            width: 480.0,
            plot_height: 180.0,
        }
    }

    /// A line under the title (e.g. the number of draws).
    pub fn subtitle(mut self, s: impl Into<String>) -> Self {
        self.heading.subtitle = Some(s.into());
        self
    }

    setters! {
        /// Number of bins (default: √n, from 10 to 40).
        bins(bins: usize) -> bins = Some(bins.max(1));
        /// Marks the median.
        median(m: f64) -> median = Some(m);
    }

    /// Shades the band from `low` to `high` (e.g. the 5th to 95th percentiles).
    pub fn band(mut self, low: f64, high: f64) -> Self {
        self.band = Some((low, high));
        self
    }

    /// A note under the chart.
    pub fn note(mut self, s: impl Into<String>) -> Self {
        self.notes.push(s.into());
        self
    }

    /// Overall width in pixels (default 480).
    pub fn width(mut self, w: f64) -> Self {
        self.width = w.max(240.0);
        self
    }

    /// The drawn chart.
    pub fn figure(&self) -> Figure {
        let width = self.width;
        let values: Vec<f64> = self
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let (lo, hi) = if values.is_empty() {
            (0.0, 1.0)
        } else if hi > lo {
            (lo, hi)
        } else {
            let pad = if lo == 0.0 { 0.5 } else { lo.abs() * 0.01 };
            (lo - pad, hi + pad)
        };
        let bins = self
            .bins
            .unwrap_or_else(|| ((values.len() as f64).sqrt() as usize).clamp(10, 40));
        let w = (hi - lo) / bins as f64;
        let mut counts = vec![0u64; bins];
        for v in &values {
            counts[(((v - lo) / w) as usize).min(bins - 1)] += 1;
        }
        let top_count = counts.iter().copied().max().unwrap_or(0);
        let y_scale = Scale::nice(0.0, top_count as f64, 6, true, true);
        let x_scale = Scale::nice(lo, hi, 6, false, false);
        let mut legend = Vec::new();
        if self.band.is_some() {
            legend.push(LegendItem {
                swatch: Swatch::Band,
                color: BAND_COLOR.to_string(),
                text: "90% band (5th to 95th percentile)".to_string(),
            });
        }
        if self.median.is_some() {
            legend.push(LegendItem {
                swatch: Swatch::Line,
                color: MEDIAN_COLOR.to_string(),
                text: "median".to_string(),
            });
        }
        if x_scale.lo < 0.0 && x_scale.hi > 0.0 {
            legend.push(LegendItem {
                swatch: Swatch::Line,
                color: super::INK.to_string(),
                text: "zero".to_string(),
            });
        }
        let mut c = Canvas::default();
        let label_x = PAD + tick_width(&y_scale);
        let left = label_x + 8.0;
        let right = width
            - PAD
            - 0.5 * super::svg::text_width(&x_scale.label(x_scale.hi), TICK_SIZE, false);
        let (top, bottom) = self
            .heading
            .draw(&mut c, width, &legend, "draws", self.plot_height);
        let xmap = |v: f64| x_scale.map(v, left, right);
        if let Some((a, b)) = self.band {
            c.rect(
                xmap(a),
                top,
                xmap(b) - xmap(a),
                bottom - top,
                BAND_COLOR,
                Some(&format!(
                    "90% band: {} to {}",
                    format::amount(a),
                    format::amount(b)
                )),
            );
        }
        value_axis(&mut c, &y_scale, label_x, left, right, top, bottom);
        for (k, &n) in counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let a = lo + k as f64 * w;
            let yv = y_scale.map(n as f64, bottom, top);
            c.rect(
                xmap(a) + 0.5,
                yv,
                (xmap(a + w) - xmap(a) - 1.0).max(0.8),
                bottom - yv,
                PALETTE[0],
                Some(&format!(
                    "{} to {}: {} draws",
                    format::amount(a),
                    format::amount(a + w),
                    n
                )),
            );
        }
        if x_scale.lo < 0.0 && x_scale.hi > 0.0 {
            c.line(xmap(0.0), top, xmap(0.0), bottom, super::INK, 1.2);
        }
        if let Some(m) = self.median {
            c.dashed(xmap(m), top, xmap(m), bottom, MEDIAN_COLOR, 1.6);
        }
        for &t in &x_scale.ticks {
            let x = xmap(t);
            c.line(x, bottom, x, bottom + 4.0, super::MUTED, 1.0);
            c.text(
                x,
                bottom + 6.0 + TICK_SIZE,
                &x_scale.label(t),
                style(TICK_SIZE, false, super::MUTED, Anchor::Middle),
            );
        }
        let unit_y = bottom + 6.0 + TICK_SIZE + 8.0 + UNIT_SIZE;
        c.text(
            (left + right) / 2.0,
            unit_y,
            &self.unit,
            style(UNIT_SIZE, false, super::MUTED, Anchor::Middle),
        );
        let y = notes(&mut c, width, unit_y + 2.0, &self.notes);
        Figure::new(width, (y + PAD).ceil(), &self.heading.title, c.into_body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_draw_and_marks_the_band() {
        let values: Vec<f64> = (0..1000).map(|k| (k as f64 - 500.0) / 10.0).collect();
        let svg = Histogram::new("Welfare", "US$ million", values)
            .subtitle("1,000 draws")
            .band(-45.0, 45.0)
            .median(0.0)
            .figure()
            .to_svg();
        let total: u64 = svg
            .split(" draws</title>")
            .filter_map(|s| s.rsplit(": ").next()?.parse::<u64>().ok())
            .sum();
        assert_eq!(total, 1000);
        assert!(svg.contains("90% band (5th to 95th percentile)"));
        assert!(svg.contains(">zero</text>"));
        assert!(!svg.contains(".0</text>"));
    }

    #[test]
    fn unit_label_sits_below_the_tick_labels() {
        let fig = Histogram::new("t", "US$ million", vec![1.0, 2.0, 3.0]).figure();
        let svg = fig.to_svg();
        let y_of = |text: &str| -> f64 {
            let at = svg.find(&format!(">{text}</text>")).expect(text);
            let start = svg[..at].rfind("<text").expect("text element");
            let tag = &svg[start..at];
            let y = tag
                .split("y=\"")
                .nth(1)
                .expect("y")
                .split('"')
                .next()
                .expect("y");
            y.parse().expect("number")
        };
        assert!(y_of("US$ million") > y_of("3") + TICK_SIZE);
    }

    #[test]
    fn a_single_value_still_draws() {
        let svg = Histogram::new("t", "u", vec![5.0; 10]).figure().to_svg();
        assert!(svg.contains(": 10 draws"));
    }
}

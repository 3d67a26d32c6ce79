//! Groups along the horizontal axis, one mark per series in each group:
//! bars from zero, or dots, each with an optional interval.
//!
//! ```text
//! | title / subtitle
//! | legend (outside the plot)
//! | unit
//! |  1,000 ┤   ▇            value axis: round ticks, zero included
//! |      0 ┼───▇──▁───       zero line
//! |          KAZ   RUS      group labels, wrapped to the group's width
//! | notes (series not drawn, sources)
//! ```

use super::svg::{Anchor, Canvas, wrap_lines};
use super::{
    BASELINE_COLOR, Figure, Heading, LegendItem, PAD, PALETTE, Swatch, TICK_SIZE, WHISKER_COLOR,
    axis::Scale, notes, style, tick_width, value_axis,
};
use crate::report::format;

const GROUP_LABEL_SIZE: f64 = 11.5;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A bar from zero to the value.
    Bar,
    /// A dot at the value (for medians with their bands).
    Dot,
}

/// One series: a value per group, optionally an interval per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    name: String,
    values: Vec<f64>,
    intervals: Option<Vec<(f64, f64)>>,
    mark: Mark,
    color: Option<String>,
}

impl Series {
    /// Bars.
    pub fn bars(name: impl Into<String>, values: Vec<f64>) -> Self {
        Series {
            name: name.into(),
            values,
            intervals: None,
            mark: Mark::Bar,
            color: None,
        }
    }

    /// Dots.
    pub fn dots(name: impl Into<String>, values: Vec<f64>) -> Self {
        Series {
            mark: Mark::Dot,
            ..Series::bars(name, values)
        }
    }

    /// With an interval `(low, high)` per group (e.g. the 5th and 95th percentiles).
    pub fn intervals(mut self, intervals: Vec<(f64, f64)>) -> Self {
        self.intervals = Some(intervals);
        self
    }

    /// With this colour (CSS colour) instead of the palette's next one.
    pub fn color(mut self, color: impl Into<String>) -> Self {
        self.color = Some(color.into());
        self
    }

    /// The series drawn in the baseline grey.
    pub fn baseline(self) -> Self {
        self.color(BASELINE_COLOR)
    }

    /// The series' name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when every value (and interval end) is zero or not finite.
    fn is_zero(&self, tolerance: f64) -> bool {
        let zero = |v: f64| !v.is_finite() || v.abs() <= tolerance;
        self.values.iter().all(|&v| zero(v))
            && self
                .intervals
                .as_ref()
                .is_none_or(|iv| iv.iter().all(|&(a, b)| zero(a) && zero(b)))
    }
}

/// A chart of groups by series.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryChart {
    heading: Heading,
    unit: String,
    categories: Vec<String>,
    series: Vec<Series>,
    notes: Vec<String>,
    interval_label: String,
    width: f64,
    plot_height: f64,
    keep_zero_series: bool,
}

impl CategoryChart {
    /// A chart titled `title` (what, relative to what), with values in
    /// `unit`, and one group per category.
    pub fn new(title: impl Into<String>, unit: impl Into<String>, categories: Vec<String>) -> Self {
        CategoryChart {
            heading: Heading::new(title),
            unit: unit.into(),
            categories,
            series: Vec::new(),
            notes: Vec::new(),
            interval_label: "interval".to_string(),
            width: 720.0,
            plot_height: 240.0,
            keep_zero_series: false,
        }
    }

    /// A line under the title (e.g. the scenario, or the number of draws).
    pub fn subtitle(mut self, s: impl Into<String>) -> Self {
        self.heading.subtitle = Some(s.into());
        self
    }

    /// Adds a series.
    pub fn series(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }

    /// A note under the chart.
    pub fn note(mut self, s: impl Into<String>) -> Self {
        self.notes.push(s.into());
        self
    }

    setters! {
        /// What the intervals are, for the legend (e.g. "90% band of 1,000 draws").
        interval_label(s: impl Into<String>) -> interval_label = s.into();
        /// Overall width in pixels (default 720).
        width(w: f64) -> width = w.max(240.0);
        /// Height of the plot area in pixels (default 240).
        plot_height(h: f64) -> plot_height = h.max(80.0);
        /// Draws series that are zero throughout too (default: they are left
        /// out and named in a note).
        keep_zero_series(keep: bool) -> keep_zero_series;
    }

    /// The drawn chart.
    pub fn figure(&self) -> Figure {
        let width = self.width;
        let mut c = Canvas::default();
        let scale_of_data = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let tolerance = 1e-9 * scale_of_data.max(1e-3);
        type Indexed<'s> = Vec<(usize, &'s Series)>;
        let (kept, dropped): (Indexed, Indexed) = self
            .series
            .iter()
            .enumerate()
            .partition(|(_, s)| self.keep_zero_series || !s.is_zero(tolerance));
        let mut notes_text = Vec::new();
        if !dropped.is_empty() {
            let names: Vec<&str> = dropped.iter().map(|(_, s)| s.name.as_str()).collect();
            notes_text.push(format!("Zero throughout, not drawn: {}.", names.join("; ")));
        }
        notes_text.extend(self.notes.iter().cloned());
        // palette colours go to the series without a colour of their own, in
        // order, counting dropped series too (a series keeps its colour
        // whether or not another is drawn)
        let color = |k: usize, s: &Series| -> String {
            s.color.clone().unwrap_or_else(|| {
                let nth = self.series[..k]
                    .iter()
                    .filter(|x| x.color.is_none())
                    .count();
                PALETTE[nth % PALETTE.len()].to_string()
            })
        };
        let mut legend: Vec<LegendItem> = if kept.len() > 1 {
            kept.iter()
                .map(|&(k, s)| LegendItem {
                    swatch: match s.mark {
                        Mark::Bar => Swatch::Square,
                        Mark::Dot => Swatch::Dot,
                    },
                    color: color(k, s),
                    text: s.name.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        if kept.iter().any(|(_, s)| s.intervals.is_some()) {
            legend.push(LegendItem {
                swatch: Swatch::Whisker,
                color: WHISKER_COLOR.to_string(),
                text: self.interval_label.clone(),
            });
        }
        // value axis over values and intervals, zero included
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for (_, s) in &kept {
            for &v in s.values.iter().filter(|v| v.is_finite()) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            for &(a, b) in s.intervals.iter().flatten() {
                for v in [a, b].into_iter().filter(|v| v.is_finite()) {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        if !lo.is_finite() {
            lo = 0.0;
            hi = 0.0;
        }
        let scale = Scale::nice(lo, hi, 8, true, false);
        let label_x = PAD + tick_width(&scale);
        let left = label_x + 8.0;
        let right = width - PAD;
        let (top, bottom) = self
            .heading
            .draw(&mut c, width, &legend, &self.unit, self.plot_height);
        value_axis(&mut c, &scale, label_x, left, right, top, bottom);
        let n = self.categories.len().max(1);
        let group = (right - left) / n as f64;
        let slots = kept.len().max(1);
        let slot = (group * 0.8 / slots as f64).min(56.0);
        let y0 = scale.map(0.0, bottom, top);
        let mut max_lines = 1;
        for (g, cat) in self.categories.iter().enumerate() {
            let centre = left + (g as f64 + 0.5) * group;
            let first = centre - slot * slots as f64 / 2.0;
            for (k, &(si, s)) in kept.iter().enumerate() {
                let Some(&v) = s.values.get(g) else { continue };
                if !v.is_finite() {
                    continue;
                }
                let x = first + k as f64 * slot;
                let col = color(si, s);
                let iv = s.intervals.as_ref().and_then(|iv| iv.get(g)).copied();
                let tip = match iv {
                    Some((a, b)) => format!(
                        "{cat}, {}: {} ({} to {})",
                        s.name,
                        format::amount(v),
                        format::amount(a),
                        format::amount(b)
                    ),
                    None => format!("{cat}, {}: {}", s.name, format::amount(v)),
                };
                let yv = scale.map(v, bottom, top);
                let interval = iv.filter(|(a, b)| a.is_finite() && b.is_finite());
                let cap = (slot * 0.5).clamp(8.0, 14.0);
                let whisker = |c: &mut Canvas, stroke: &str| {
                    if let Some((a, b)) = interval {
                        c.whisker(
                            x + slot / 2.0,
                            scale.map(a, bottom, top),
                            scale.map(b, bottom, top),
                            cap,
                            stroke,
                            Some(&tip),
                        );
                    }
                };
                match s.mark {
                    // a bar's interval in ink over the bar
                    Mark::Bar => {
                        c.rect(x + slot * 0.06, y0, slot * 0.88, yv - y0, &col, Some(&tip));
                        whisker(&mut c, WHISKER_COLOR);
                    }
                    // a dot's interval in its colour under the dot; the caps,
                    // wider than the dot, show however narrow the band is
                    Mark::Dot => {
                        whisker(&mut c, &col);
                        c.dot(x + slot / 2.0, yv, 3.5, &col, Some(&tip));
                    }
                }
            }
            let lines = wrap_lines(cat, GROUP_LABEL_SIZE, false, group - 4.0, 3);
            max_lines = max_lines.max(lines.len());
            for (k, line) in lines.iter().enumerate() {
                c.text(
                    centre,
                    bottom + 6.0 + TICK_SIZE + k as f64 * GROUP_LABEL_SIZE * 1.25,
                    line,
                    style(GROUP_LABEL_SIZE, false, super::INK, Anchor::Middle),
                );
            }
        }
        let y = bottom + 6.0 + TICK_SIZE + (max_lines - 1) as f64 * GROUP_LABEL_SIZE * 1.25 + 4.0;
        let y = notes(&mut c, width, y, &notes_text);
        Figure::new(width, (y + PAD).ceil(), &self.heading.title, c.into_body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> CategoryChart {
        CategoryChart::new(
            "Imports by origin: change from the 2009 baseline",
            "US$ million",
            vec!["RUS".into(), "CHN".into(), "EU27".into()],
        )
    }

    #[test]
    fn zero_series_are_named_not_drawn() {
        let svg = chart()
            .series(Series::bars("CET", vec![1.0, -2.0, 3.0]))
            .series(Series::bars("internal tariffs", vec![0.0, 0.0, 0.0]))
            .figure()
            .to_svg();
        assert!(svg.contains("Zero throughout, not drawn: internal tariffs."));
        assert!(
            !svg.contains("internal tariffs, "),
            "no mark of the zero series"
        );
        // one series left: no legend needed, its name is in the tooltips
        assert!(svg.contains("RUS, CET: 1.0"));
    }

    #[test]
    fn legend_sits_above_the_plot() {
        let svg = chart()
            .series(Series::bars("2009", vec![10.0, 20.0, 30.0]).baseline())
            .series(Series::bars("CET", vec![12.0, 18.0, 25.0]))
            .figure()
            .to_svg();
        // the legend text comes before the unit line, which sits above the plot
        let legend = svg.find(">CET</text>").expect("legend entry");
        let unit = svg.find(">US$ million</text>").expect("unit");
        assert!(legend < unit);
        assert!(!svg.contains(".0</text>"), "no .0 tick labels: {svg}");
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn volumes_have_no_negative_ticks() {
        let svg = chart()
            .series(Series::bars("2009", vec![10.0, 2000.0, 30.0]))
            .figure()
            .to_svg();
        assert!(!svg.contains(">-"), "{svg}");
    }

    #[test]
    fn narrow_intervals_keep_visible_caps() {
        let svg = chart()
            .series(
                Series::dots("EAEU", vec![1000.0, 2000.0, 3000.0]).intervals(vec![
                    (999.9, 1000.1),
                    (1990.0, 2010.0),
                    (2900.0, 3100.0),
                ]),
            )
            .interval_label("90% band")
            .figure()
            .to_svg();
        assert_eq!(svg.matches("stroke-width=\"1.6\" fill=\"none\"").count(), 4);
        assert!(svg.contains("90% band"));
        assert!(svg.contains("H"), "caps drawn as horizontal strokes");
    }

    #[test]
    fn long_labels_wrap_within_their_group() {
        let long = "Kazakhstan and Belarus adopt Russia's tariff schedule";
        let fig = CategoryChart::new("t", "u", vec![long.into(), "b".into()])
            .width(300.0)
            .series(Series::bars("s", vec![1.0, 2.0]))
            .figure();
        let short = CategoryChart::new("t", "u", vec!["a".into(), "b".into()])
            .width(300.0)
            .series(Series::bars("s", vec![1.0, 2.0]))
            .figure();
        assert!(fig.height > short.height);
        assert!(fig.to_svg().contains('…'));
    }
}

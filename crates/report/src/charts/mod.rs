//! The charts of a run, drawn with plotters: each chart is one function
//! generic over the drawing backend, rendered once to SVG (inlined in the
//! HTML report) and once to PNG (for the README and image viewers).
//!
//! Text is rendered with DejaVu Sans embedded through the `dejavu` crate and
//! plotters' `ab_glyph` backend, so no system font library is needed.

use std::path::Path;

use plotters::coord::Shift;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

use hdrhistogram::Histogram;
use plotters::prelude::*;

use handoff_model::error::{Error, Result};
use handoff_model::metrics::{ReportData, Summary};

mod bars;
mod daily;
mod experiment;
mod pooled;
mod quality;
mod time;
mod trigger;
mod waits;

#[cfg(test)]
mod tests;

pub use daily::daily_panels;
pub use experiment::{
    ForestPanel, ForestRow, PrMark, SweepSeries, TargetLine, forest_plot, pr_chart, sweep_chart,
};
pub use pooled::{pooled_cdf_x_end_s, render_replicated};
pub use time::{Panel, pooled_occupancy_panel, pooled_over_time_panels};
pub use waits::{WaitHistogram, cdf_x_end_s};

use bars::category_bars;
use quality::quality;
use time::{occupancy, over_time};
use trigger::{decision_latency, detection_delay, trigger_outcomes};
use waits::{queue_wait_cdf, queue_wait_histogram};

/// A rendered chart: its file stem, title and SVG text.
#[derive(Debug, Clone)]
pub struct Chart {
    pub name: String,
    pub title: String,
    pub svg: String,
}

const CHAT: RGBColor = RGBColor(31, 119, 180);
const VOICE: RGBColor = RGBColor(230, 120, 20);
const GREEN: RGBColor = RGBColor(44, 160, 44);
const RED: RGBColor = RGBColor(200, 40, 40);
const PURPLE: RGBColor = RGBColor(148, 103, 189);
const GREY: RGBColor = RGBColor(120, 120, 120);
const PALETTE: [RGBColor; 8] = [
    CHAT,
    VOICE,
    GREEN,
    RED,
    PURPLE,
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];
const CHANNELS: [(&str, RGBColor); 2] = [("chat", CHAT), ("voice", VOICE)];

fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // The bytes are a valid TrueType font shipped by the `dejavu` crate.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn chart_error(name: &str, e: impl std::fmt::Display) -> Error {
    Error::Chart(format!("{name}: {e}"))
}

/// Renders `draw` to an SVG string and to `<dir>/<name>.png`.
macro_rules! render {
    ($dir:expr, $name:expr, $title:expr, $size:expr, $draw:expr) => {{
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, $size).into_drawing_area();
            $draw(&root).map_err(|e| chart_error(&$name, e))?;
            root.present().map_err(|e| chart_error(&$name, e))?;
        }
        let png = $dir.join(format!("{}.partial.png", &$name));
        {
            let root = BitMapBackend::new(&png, $size).into_drawing_area();
            $draw(&root).map_err(|e| chart_error(&$name, e))?;
            root.present().map_err(|e| chart_error(&$name, e))?;
        }
        let final_png = $dir.join(format!("{}.png", &$name));
        std::fs::rename(&png, &final_png).map_err(|source| Error::Output {
            path: final_png,
            source,
        })?;
        Chart {
            name: $name.to_string(),
            title: $title.to_string(),
            svg,
        }
    }};
}
use render;

/// Draws every chart of the run; PNGs go to `dir`, SVGs are returned (the
/// caller writes them and inlines them in the HTML).
pub fn render_all(
    dir: &Path,
    summary: &Summary,
    data: &ReportData,
    latency_ns: &Histogram<u64>,
) -> Result<Vec<Chart>> {
    register_fonts();
    let mut charts = vec![
        render!(
            dir,
            "queue_wait_histogram",
            "Queue wait distribution",
            (900, 640),
            |root| { queue_wait_histogram(root, summary, data) }
        ),
        render!(
            dir,
            "queue_wait_cdf",
            "Queue wait CDF",
            (900, 640),
            |root| queue_wait_cdf(root, summary, data)
        ),
        render!(dir, "over_time", "Over the day", (1000, 1100), |root| {
            over_time(root, time::over_time_panels(data))
        }),
        render!(
            dir,
            "occupancy",
            "Agent occupancy over time",
            (1000, 450),
            |root| occupancy(root, time::occupancy_panel(summary, data))
        ),
        render!(dir, "quality", "Handoff quality", (1100, 520), |root| {
            quality(root, summary)
        }),
    ];
    let days = daily_panels(summary);
    if !days.is_empty() {
        let height = 60 + 300 * days.len() as u32;
        charts.push(render!(
            dir,
            "daily",
            "Day by day",
            (1100, height),
            |root| { over_time(root, days.clone()) }
        ));
    }
    if summary.measured.triggers.is_some() {
        charts.push(render!(
            dir,
            "trigger_outcomes",
            "Trigger outcomes against ground truth",
            (1000, 580),
            |root| trigger_outcomes(root, summary)
        ));
        charts.push(render!(
            dir,
            "detection_delay",
            "Detection delay per rule",
            (1100, 640),
            |root| detection_delay(root, data)
        ));
        charts.push(render!(
            dir,
            "decision_latency",
            "Trigger engine decision latency",
            (900, 450),
            |root| decision_latency(root, latency_ns)
        ));
    }
    Ok(charts)
}

fn caption_style() -> FontDesc<'static> {
    ("sans-serif", 24).into_font().style(FontStyle::Bold)
}

fn label_font() -> (&'static str, u32) {
    ("sans-serif", 16)
}

/// What a legend entry shows.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key {
    Line(RGBColor),
    Dashed(RGBColor),
    Block(RGBColor),
    Dot(RGBColor),
    /// An operating-point marker of that shape.
    Mark(Marker, RGBColor),
    /// No mark: a line of explanation under the entries.
    Note,
}

/// The shape of a marked point, so marks at one spot stay told apart: a
/// ring drawn round whatever sits inside it, a filled triangle, a cross.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Ring,
    Triangle,
    Cross,
}

impl Marker {
    /// Draws the marker centred on pixel `at` of `area`.
    pub(super) fn draw_at<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        at: (i32, i32),
        colour: RGBColor,
    ) -> DrawResult<DB> {
        let (x, y) = at;
        match self {
            Marker::Ring => area.draw(&Circle::new(at, 10, colour.stroke_width(3)))?,
            Marker::Triangle => area.draw(&Polygon::new(
                vec![(x, y - 7), (x - 7, y + 5), (x + 7, y + 5)],
                colour.filled(),
            ))?,
            Marker::Cross => {
                let style = colour.stroke_width(3);
                area.draw(&PathElement::new(
                    vec![(x - 6, y - 6), (x + 6, y + 6)],
                    style,
                ))?;
                area.draw(&PathElement::new(
                    vec![(x - 6, y + 6), (x + 6, y - 6)],
                    style,
                ))?;
            }
        }
        Ok(())
    }
}

/// Pixels one legend entry takes at `font_size`.
fn key_step(font_size: u32) -> i32 {
    font_size as i32 + 9
}

/// The height of a legend of `n` entries.
pub(super) fn legend_height(n: usize, font_size: u32) -> u32 {
    (n as i32 * key_step(font_size) + 16) as u32
}

/// Legend entries one per line in `area`, from `top` pixels down. The area
/// is cut off the chart beside its plot, so a legend never covers data.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[(String, Key)],
    font_size: u32,
    top: i32,
) -> DrawResult<DB> {
    let (x0, x1) = (8, 30);
    for (i, (label, key)) in keys.iter().enumerate() {
        let y = top + i as i32 * key_step(font_size);
        let line = |c: &RGBColor| ShapeStyle::from(c).stroke_width(3);
        match key {
            Key::Line(c) => area.draw(&PathElement::new(vec![(x0, y), (x1, y)], line(c)))?,
            Key::Dashed(c) => {
                area.draw(&PathElement::new(vec![(x0, y), (x0 + 8, y)], line(c)))?;
                area.draw(&PathElement::new(vec![(x0 + 14, y), (x1, y)], line(c)))?;
            }
            Key::Block(c) => area.draw(&Rectangle::new(
                [(x0 + 4, y - 6), (x0 + 18, y + 6)],
                c.filled(),
            ))?,
            Key::Dot(c) => area.draw(&Circle::new((x0 + 11, y), 6, c.filled()))?,
            Key::Mark(m, c) => m.draw_at(area, (x0 + 11, y), *c)?,
            Key::Note => {}
        }
        let style = TextStyle::from(("sans-serif", font_size).into_font())
            .pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(label.clone(), (x1 + 8, y), style))?;
    }
    Ok(())
}

/// `area` split into the plot and a legend column of `width` pixels on
/// its right.
pub(super) fn legend_right<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    width: u32,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let total = area.dim_in_pixel().0;
    area.split_horizontally(total.saturating_sub(width))
}

/// `area` split into the plot and a legend strip of `height` pixels below.
pub(super) fn legend_below<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    height: u32,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let total = area.dim_in_pixel().1;
    area.split_vertically(total.saturating_sub(height))
}

/// The label of the category bar at axis position `v` (bars stand at 0, 1,
/// 2, …; `reversed` when the first label is drawn at the top); empty between
/// bars.
fn category_label(labels: &[String], v: f64, reversed: bool) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 || i as usize >= labels.len() {
        return String::new();
    }
    let index = if reversed {
        labels.len() - 1 - i as usize
    } else {
        i as usize
    };
    labels[index].clone()
}

/// Axis numbers with as many decimals as an axis spanning `span` needs to
/// tell its ticks apart (about ten ticks): 0 for 20 or more, 1 for 2–20, …
fn ticks_for(span: f64) -> impl Fn(&f64) -> String {
    let decimals = if span > 0.0 {
        (-(span / 20.0).log10()).ceil().clamp(0.0, 4.0) as usize
    } else {
        1
    };
    move |v: &f64| unsign_zero(format!("{v:.decimals$}"))
}

/// Axis numbers without needless decimals: 50 not 50.0, 0.5 stays 0.5;
/// a zero is never "-0.0".
fn tick(v: &f64) -> String {
    let text = if v.abs() >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    unsign_zero(text)
}

/// "-0.0" (or "-0") is a zero.
fn unsign_zero(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

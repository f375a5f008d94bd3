//! The charts of a run, drawn with plotters: each chart is one function
//! generic over the drawing backend, rendered once to SVG (inlined in the
//! HTML report) and once to PNG (for the README and image viewers).
//!
//! Text is rendered with DejaVu Sans embedded through the `dejavu` crate and
//! plotters' `ab_glyph` backend, so no system font library is needed.

use std::ops::Range;
use std::path::Path;
use std::sync::Once;

use hdrhistogram::Histogram;
use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_logic::triggers::TriggerKind;
use handoff_model::error::{Error, Result};
use handoff_model::metrics::{ReportData, Summary};

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
            (900, 500),
            |root| { queue_wait_histogram(root, data) }
        ),
        render!(
            dir,
            "queue_wait_cdf",
            "Queue wait CDF",
            (900, 500),
            |root| queue_wait_cdf(root, data)
        ),
        render!(dir, "over_time", "Over the day", (1000, 1100), |root| {
            over_time(root, data)
        }),
        render!(
            dir,
            "occupancy",
            "Agent occupancy over time",
            (1000, 450),
            |root| occupancy(root, summary, data)
        ),
        render!(dir, "quality", "Handoff quality", (1100, 520), |root| {
            quality(root, summary)
        }),
    ];
    if summary.measured.triggers.is_some() {
        charts.push(render!(
            dir,
            "trigger_outcomes",
            "Trigger outcomes against ground truth",
            (1000, 500),
            |root| trigger_outcomes(root, summary)
        ));
        charts.push(render!(
            dir,
            "detection_delay",
            "Detection delay per rule",
            (1100, 500),
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

/// Draws the series legend in a framed, nearly opaque box.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    font_size: u32,
) -> DrawResult<DB> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", font_size))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
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

/// Axis numbers without needless decimals: 50 not 50.0, 0.5 stays 0.5.
fn tick(v: &f64) -> String {
    if v.abs() >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Share of answered contacts per wait bin, per channel.
fn wait_bins(h: &Histogram<u64>, width_ms: u64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0u64; bins];
    for v in h.iter_recorded() {
        let bin = ((v.value_iterated_to() / width_ms) as usize).min(bins - 1);
        counts[bin] += v.count_at_value();
    }
    let total = h.len().max(1) as f64;
    counts.iter().map(|c| *c as f64 / total * 100.0).collect()
}

/// A round step for an axis running to `max`.
fn nice_step(max: f64, target_ticks: f64) -> f64 {
    let raw = (max / target_ticks).max(1e-9);
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let step = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    step * magnitude
}

fn wait_range(data: &ReportData) -> f64 {
    let p99 = data
        .wait_ms
        .iter()
        .filter(|h| !h.is_empty())
        .map(|h| h.value_at_quantile(0.99) as f64 / 1000.0)
        .fold(0.0, f64::max);
    (p99 * 1.1).max(data.threshold_s * 2.0).max(10.0)
}

fn threshold_line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Xy>,
    threshold: f64,
    top: f64,
) -> DrawResult<DB> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(threshold, 0.0), (threshold, top)],
            ShapeStyle::from(&RED).stroke_width(2),
        )))?
        .label(format!("service-level threshold {threshold:.0} s"))
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 20, y)],
                ShapeStyle::from(&RED).stroke_width(2),
            )
        });
    Ok(())
}

fn queue_wait_histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let max_s = wait_range(data);
    let width_s = nice_step(max_s, 30.0);
    let bins = (max_s / width_s).ceil() as usize + 1;
    let series: Vec<Vec<f64>> = data
        .wait_ms
        .iter()
        .map(|h| wait_bins(h, (width_s * 1000.0) as u64, bins))
        .collect();
    // Waits of zero dominate; cap the axis so the tail stays visible and
    // label the first bar with its value.
    let tail_max = series
        .iter()
        .flat_map(|s| s.iter().skip(1))
        .fold(0.0f64, |a, b| a.max(*b));
    let top = (tail_max * 1.3).clamp(5.0, 100.0);
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Queue wait of answered contacts, per channel",
            caption_style(),
        )
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..bins as f64 * width_s, 0f64..top)?;
    chart
        .configure_mesh()
        .x_desc(format!("wait (s), bins of {width_s} s"))
        .y_desc("share of answered contacts (%)")
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for (c, (name, color)) in CHANNELS.iter().enumerate() {
        let n = data.wait_ms[c].len();
        if n == 0 {
            continue;
        }
        let offset = if c == 0 { 0.0 } else { 0.5 };
        chart
            .draw_series(series[c].iter().enumerate().map(|(i, share)| {
                let x0 = (i as f64 + offset) * width_s;
                Rectangle::new(
                    [(x0, 0.0), (x0 + width_s * 0.5, share.min(top))],
                    color.mix(0.8).filled(),
                )
            }))?
            .label(format!(
                "{name} (n={n}; {:.0} % waited under {width_s} s)",
                series[c][0]
            ))
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    threshold_line(&mut chart, data.threshold_s, top)?;
    legend(&mut chart, SeriesLabelPosition::UpperRight, 16)?;
    Ok(())
}

fn queue_wait_cdf<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let max_s = wait_range(data);
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Answered within t (cumulative), per channel",
            caption_style(),
        )
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..max_s, 0f64..100f64)?;
    chart
        .configure_mesh()
        .x_desc("wait t (s)")
        .y_desc("answered within t (%)")
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for (c, (name, color)) in CHANNELS.iter().enumerate() {
        let h = &data.wait_ms[c];
        if h.is_empty() {
            continue;
        }
        let steps = 200;
        let points = (0..=steps).map(|i| {
            let t = max_s * i as f64 / steps as f64;
            let below = h.count_between(0, (t * 1000.0) as u64) as f64 / h.len() as f64 * 100.0;
            (t, below)
        });
        chart
            .draw_series(LineSeries::new(
                points,
                ShapeStyle::from(color).stroke_width(3),
            ))?
            .label(format!("{name} (n={})", h.len()))
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 20, y)],
                    ShapeStyle::from(color).stroke_width(3),
                )
            });
    }
    threshold_line(&mut chart, data.threshold_s, 100.0)?;
    legend(&mut chart, SeriesLabelPosition::LowerRight, 16)?;
    Ok(())
}

fn hours(s: f64) -> f64 {
    s / 3600.0
}

/// A line of a time panel: label, colour, points, dashed.
type Line = (String, RGBColor, Vec<(f64, f64)>, bool);

/// One panel of the over-time chart: `series` are (label, colour, points).
fn time_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    x_range: Range<f64>,
    y_max: f64,
    series: Vec<Line>,
) -> DrawResult<DB> {
    // Room on the right for the legend, so it never hides the data.
    let x_range = x_range.start..x_range.end + (x_range.end - x_range.start) * 0.32;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 19).into_font().style(FontStyle::Bold))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range, 0f64..y_max.max(1e-9) * 1.1)?;
    chart
        .configure_mesh()
        .x_desc("time (h)")
        .y_desc(y_desc)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for (label, color, points, dashed) in series {
        let style = ShapeStyle::from(&color).stroke_width(if dashed { 2 } else { 3 });
        let drawn = if dashed {
            chart.draw_series(DashedLineSeries::new(points, 8, 5, style))?
        } else {
            chart.draw_series(LineSeries::new(points, style))?
        };
        drawn
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 14)?;
    Ok(())
}

fn over_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let rows = &data.intervals;
    if rows.is_empty() {
        return Ok(());
    }
    let step = data.interval_s;
    let mid = |start: f64| hours(start + step / 2.0);
    let x_range = hours(rows[0].start_s)..hours(rows[rows.len() - 1].start_s + step);
    let panels = root.split_evenly((4, 1));
    // Rates per hour over the measured part of each interval.
    let per_hour = |count: f64, r: &handoff_model::metrics::IntervalRow| {
        count * 3600.0 / r.measured_s.max(1e-9)
    };
    let arrivals = |c: usize| -> Vec<(f64, f64)> {
        rows.iter()
            .map(|r| (mid(r.start_s), per_hour(r.channels[c].arrivals as f64, r)))
            .collect()
    };
    let first: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| {
            let n = r.channels[0].first_contacts + r.channels[1].first_contacts;
            (mid(r.start_s), per_hour(n as f64, r))
        })
        .collect();
    let expected: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (mid(r.start_s), per_hour(r.expected_arrivals, r)))
        .collect();
    let (chat, voice) = (arrivals(0), arrivals(1));
    let max_arrivals = first
        .iter()
        .chain(&expected)
        .chain(&chat)
        .chain(&voice)
        .map(|p| p.1)
        .fold(0.0, f64::max);
    time_panel(
        &panels[0],
        "Arrivals (per hour)",
        "arrivals / h",
        x_range.clone(),
        max_arrivals,
        vec![
            ("first contacts, all channels".into(), BLACK, first, false),
            ("arrival profile (expected)".into(), GREY, expected, true),
            ("chat, with repeat contacts".into(), CHAT, chat, false),
            ("voice, with repeat contacts".into(), VOICE, voice, false),
        ],
    )?;

    let queue: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (mid(r.start_s), r.mean_queue))
        .collect();
    let max_queue = queue.iter().map(|p| p.1).fold(0.0, f64::max);
    time_panel(
        &panels[1],
        "Queue length (time average, all queues)",
        "contacts waiting",
        x_range.clone(),
        max_queue.max(1.0),
        vec![("waiting for a human".into(), PURPLE, queue, false)],
    )?;

    let asa = |c: usize| -> Vec<(f64, f64)> {
        rows.iter()
            .filter_map(|r| Some((mid(r.start_s), r.channels[c].asa_s?)))
            .collect()
    };
    let asa_series: Vec<_> = CHANNELS
        .iter()
        .enumerate()
        .map(|(c, (name, color))| (format!("ASA {name}"), *color, asa(c), false))
        .collect();
    let max_asa = asa_series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    time_panel(
        &panels[2],
        "Average speed of answer",
        "ASA (s)",
        x_range.clone(),
        max_asa.max(1.0),
        asa_series,
    )?;

    let rate = |c: usize,
                f: fn(&handoff_model::metrics::IntervalChannel) -> Option<f64>|
     -> Vec<(f64, f64)> {
        rows.iter()
            .filter_map(|r| Some((mid(r.start_s), f(&r.channels[c])? * 100.0)))
            .collect()
    };
    let mut series = Vec::new();
    for (c, (name, color)) in CHANNELS.iter().enumerate() {
        series.push((
            format!("service level {name}"),
            *color,
            rate(c, |x| x.service_level),
            false,
        ));
        series.push((
            format!("abandonment {name}"),
            *color,
            rate(c, |x| x.abandonment_rate),
            true,
        ));
    }
    time_panel(
        &panels[3],
        &format!("Service level ({:.0} s) and abandonment", data.threshold_s),
        "%",
        x_range,
        100.0,
        series,
    )?;
    Ok(())
}

fn occupancy<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summary: &Summary,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let rows = &data.intervals;
    if rows.is_empty() {
        return Ok(());
    }
    let step = data.interval_s;
    let x_range = hours(rows[0].start_s)..hours(rows[rows.len() - 1].start_s + step);
    let series = summary
        .pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let points = rows
                .iter()
                .map(|r| {
                    (
                        hours(r.start_s + step / 2.0),
                        r.occupancy.get(p).copied().unwrap_or(0.0) * 100.0,
                    )
                })
                .collect();
            (
                format!(
                    "{} ({} agents × {} slots, {:.1} % overall)",
                    pool.name,
                    pool.agents,
                    pool.slots_per_agent,
                    pool.occupancy.value * 100.0
                ),
                PALETTE[p % PALETTE.len()],
                points,
                false,
            )
        })
        .collect();
    time_panel(
        root,
        "Agent occupancy per pool (slot utilisation)",
        "slots in use, incl. wrap-up (%)",
        x_range,
        100.0,
        series,
    )
}

type Xy =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// A chart with one horizontal band per label (the first at the top) and a
/// numeric x axis from 0 to `x_max`.
fn horizontal_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    caption_size: u32,
    label_width: u32,
    x_max: f64,
    labels: &[String],
    x_desc: &str,
) -> std::result::Result<ChartContext<'a, DB, Xy>, DrawingAreaErrorKind<DB::ErrorType>> {
    let n = labels.len();
    let mut chart = ChartBuilder::on(area)
        .caption(
            title,
            ("sans-serif", caption_size)
                .into_font()
                .style(FontStyle::Bold),
        )
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0f64..x_max, -0.5f64..n as f64 - 0.5)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|y| category_label(labels, *y, true))
        .x_label_formatter(&tick)
        .x_desc(x_desc)
        .label_style(("sans-serif", 15))
        .axis_desc_style(label_font())
        .draw()?;
    Ok(chart)
}

/// Labelled horizontal bars of percentages, value printed at each bar's end.
fn horizontal_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    rates: &[(&str, f64)],
) -> DrawResult<DB> {
    let n = rates.len();
    let labels: Vec<String> = rates.iter().map(|(l, _)| l.to_string()).collect();
    let mut chart = horizontal_chart(area, title, 19, 170, 115.0, &labels, "%")?;
    for (i, (_, v)) in rates.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let pct = v * 100.0;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.35), (pct, y + 0.35)],
            GREEN.filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("{pct:.1} %"),
            (pct + 1.5, y + 0.15),
            ("sans-serif", 15),
        )))?;
    }
    Ok(())
}

/// Horizontal-category bar chart helper: bars at x = 0, 1, 2, … with labels.
fn category_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    y_max: f64,
    labels: &[String],
    groups: &[(&str, RGBColor, Vec<f64>)],
) -> DrawResult<DB> {
    let n = labels.len().max(1);
    let labels_owned = labels.to_vec();
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 19).into_font().style(FontStyle::Bold))
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..y_max)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n * 2 + 1)
        .x_label_formatter(&move |x| category_label(&labels_owned, *x, false))
        .y_label_formatter(&tick)
        .y_desc(y_desc)
        .label_style(("sans-serif", 14))
        .axis_desc_style(label_font())
        .draw()?;
    let width = 0.8 / groups.len().max(1) as f64;
    for (g, (name, color, values)) in groups.iter().enumerate() {
        let color = *color;
        chart
            .draw_series(values.iter().enumerate().map(move |(i, v)| {
                let x0 = i as f64 - 0.4 + g as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width * 0.95, *v)], color.filled())
            }))?
            .label(*name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    if groups.len() > 1 {
        legend(&mut chart, SeriesLabelPosition::UpperRight, 14)?;
    }
    Ok(())
}

fn quality<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, summary: &Summary) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let m = &summary.measured;
    let h = &m.handoff;
    let (left, right) = root.split_horizontally(430);
    let halves = right.split_evenly((1, 2));
    let panels = [left, halves[0].clone(), halves[1].clone()];
    let bot = m.bot.as_ref();
    let rates = [
        ("handoff rate", bot.map_or(0.0, |b| b.handoff_rate.value)),
        ("containment", bot.map_or(0.0, |b| b.containment_rate.value)),
        ("context completeness", h.context_completeness.value),
        ("post-handoff FCR", m.human_queue.post_handoff_fcr.value),
        ("repeat contacts", h.repeat_contact_rate.value),
    ];
    horizontal_bars(&panels[0], "Headline rates", &rates)?;
    let handoffs = h.handoffs.max(1) as f64;
    category_bars(
        &panels[1],
        "Context completeness (fields of 6)",
        "handoffs (%)",
        100.0,
        &(0..=6).map(|k| format!("{k}/6")).collect::<Vec<_>>(),
        &[(
            "handoffs",
            CHAT,
            h.completeness_sixths
                .iter()
                .map(|n| *n as f64 / handoffs * 100.0)
                .collect(),
        )],
    )?;
    let c = &h.csat;
    let share = |counts: &[u64; 9]| {
        let total = counts.iter().sum::<u64>().max(1) as f64;
        counts
            .iter()
            .map(|n| *n as f64 / total * 100.0)
            .collect::<Vec<f64>>()
    };
    let automated = format!(
        "automated (mean {:.2}, n={})",
        c.automated.value, c.automated.n
    );
    let escalated = format!(
        "escalated (mean {:.2}, n={})",
        c.escalated.value, c.escalated.n
    );
    let (sa, se) = (
        share(&c.automated_by_half_point),
        share(&c.escalated_by_half_point),
    );
    let top = sa.iter().chain(&se).fold(0.0f64, |a, b| a.max(*b)) * 1.35;
    category_bars(
        &panels[2],
        "CSAT score: automated vs escalated",
        "conversations (%)",
        top.max(10.0),
        &(0..9)
            .map(|k| format!("{:.1}", 1.0 + k as f64 / 2.0))
            .collect::<Vec<_>>(),
        &[(&automated, GREEN, sa), (&escalated, VOICE, se)],
    )?;
    Ok(())
}

fn trigger_outcomes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summary: &Summary,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let Some(t) = &summary.measured.triggers else {
        return Ok(());
    };
    // One row per rule (needed + needless stacked), then the missed row.
    let mut rows: Vec<(String, f64, f64, f64)> = t
        .by_rule
        .iter()
        .map(|(name, r)| (name.clone(), r.needed as f64, r.needless as f64, 0.0))
        .collect();
    rows.push((
        "missed (no trigger)".into(),
        0.0,
        0.0,
        t.missed_escalations.total as f64,
    ));
    let n = rows.len();
    let top = rows
        .iter()
        .map(|r| r.1 + r.2 + r.3)
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.45;
    let title = format!(
        "Escalations by rule against ground truth — precision {:.1} %, recall {:.1} %",
        t.precision.value * 100.0,
        t.recall.value * 100.0
    );
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut chart = horizontal_chart(
        root,
        &title,
        20,
        190,
        top,
        &labels,
        "conversations (primary rule of each escalation)",
    )?;
    let bar = |i: usize, lo: f64, hi: f64, color: RGBColor| {
        let y = (n - 1 - i) as f64;
        Rectangle::new([(lo, y - 0.35), (hi, y + 0.35)], color.filled())
    };
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .map(|(i, r)| bar(i, 0.0, r.1, GREEN)),
        )?
        .label("needed (a human was needed)")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], GREEN.filled()));
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .map(|(i, r)| bar(i, r.1, r.1 + r.2, VOICE)),
        )?
        .label("needless (the bot could have solved it)")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], VOICE.filled()));
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| bar(i, 0.0, r.3, RED)))?
        .label(format!(
            "missed: gave up in bot {}, bot fallback {}",
            t.missed_escalations.gave_up_in_bot, t.missed_escalations.bot_fallback
        ))
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], RED.filled()));
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let total = r.1 + r.2 + r.3;
        let text = if r.3 > 0.0 {
            format!("{total:.0}")
        } else {
            format!(
                "{:.0} ({:.0} % needed)",
                total,
                if total > 0.0 {
                    r.1 / total * 100.0
                } else {
                    0.0
                }
            )
        };
        Text::new(
            text,
            (total + top * 0.01, (n - 1 - i) as f64 + 0.12),
            ("sans-serif", 14),
        )
    }))?;
    legend(&mut chart, SeriesLabelPosition::LowerRight, 14)?;
    Ok(())
}

/// Rules with fewer needed escalations than this are left out of the
/// detection-delay chart: a handful of points makes a misleading histogram.
const MIN_DELAY_SAMPLES: u64 = 20;

fn detection_delay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, 2));
    let rules: Vec<&(TriggerKind, Histogram<u64>, Histogram<u64>)> = data
        .detection
        .iter()
        .filter(|(_, ms, _)| ms.len() >= MIN_DELAY_SAMPLES)
        .collect();
    // Seconds: share of needed escalations per bin, one line per rule.
    let max_s = rules
        .iter()
        .map(|(_, ms, _)| ms.value_at_quantile(0.99) as f64 / 1000.0)
        .fold(10.0, f64::max)
        * 1.1;
    let width = nice_step(max_s, 25.0);
    let bins = (max_s / width).ceil() as usize + 1;
    let shares: Vec<Vec<f64>> = rules
        .iter()
        .map(|(_, ms, _)| wait_bins(ms, (width * 1000.0) as u64, bins))
        .collect();
    let top = shares.iter().flatten().fold(0.0f64, |a, b| a.max(*b)) * 1.15;
    let mut chart = ChartBuilder::on(&panels[0])
        .caption(
            format!("Detection delay, seconds (rules with n ≥ {MIN_DELAY_SAMPLES})"),
            ("sans-serif", 19).into_font().style(FontStyle::Bold),
        )
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(65)
        .build_cartesian_2d(0f64..bins as f64 * width, 0f64..top.max(1.0))?;
    chart
        .configure_mesh()
        .x_desc(format!("first message → escalation (s), bins of {width} s"))
        .y_desc("needed escalations (%)")
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for (r, ((kind, ms, _), share)) in rules.iter().zip(&shares).enumerate() {
        let color = PALETTE[r % PALETTE.len()];
        let points = share
            .iter()
            .enumerate()
            .map(|(i, v)| ((i as f64 + 0.5) * width, *v));
        chart
            .draw_series(LineSeries::new(
                points,
                ShapeStyle::from(&color).stroke_width(3),
            ))?
            .label(format!("{} (n={})", kind.name(), ms.len()))
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 20, y)],
                    ShapeStyle::from(&color).stroke_width(3),
                )
            });
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 13)?;
    // Turns: share of needed escalations at each turn, grouped by rule.
    let max_turn = rules
        .iter()
        .map(|(_, _, t)| t.max())
        .max()
        .unwrap_or(1)
        .max(1) as usize;
    let labels: Vec<String> = (1..=max_turn).map(|t| format!("turn {t}")).collect();
    let groups: Vec<(&str, RGBColor, Vec<f64>)> = rules
        .iter()
        .enumerate()
        .map(|(r, (kind, _, turns))| {
            let total = turns.len().max(1) as f64;
            let values = (1..=max_turn as u64)
                .map(|t| turns.count_at(t) as f64 / total * 100.0)
                .collect();
            (kind.name(), PALETTE[r % PALETTE.len()], values)
        })
        .collect();
    category_bars(
        &panels[1],
        "Detection delay (bot turns)",
        "needed escalations (%)",
        105.0,
        &labels,
        &groups,
    )
}

fn decision_latency<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    latency_ns: &Histogram<u64>,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    if latency_ns.is_empty() {
        return Ok(());
    }
    // Log-spaced bins, ten per decade, from 100 ns to the maximum.
    let lo = 100f64;
    // Up to three times the 99.9th percentile; the maximum is in the caption.
    let hi = (latency_ns.value_at_quantile(0.999) as f64 * 3.0).max(lo * 10.0);
    let edges: Vec<f64> = (0..)
        .map(|k| lo * 10f64.powf(k as f64 / 10.0))
        .take_while(|e| *e <= hi * 1.26)
        .collect();
    let total = latency_ns.len() as f64;
    let shares: Vec<(f64, f64, f64)> = edges
        .windows(2)
        .map(|w| {
            // The last bin also holds everything beyond the axis.
            let upper = if w[1] >= hi {
                u64::MAX
            } else {
                w[1] as u64 - 1
            };
            let n = latency_ns.count_between(w[0] as u64, upper);
            (w[0], w[1], n as f64 / total * 100.0)
        })
        .collect();
    let top = shares.iter().map(|s| s.2).fold(0.0, f64::max) * 1.15;
    let caption = format!(
        "Decision latency per evaluation (wall clock; p50 {} ns, p99 {} ns, max {} ns, n={})",
        latency_ns.value_at_quantile(0.5),
        latency_ns.value_at_quantile(0.99),
        latency_ns.max(),
        latency_ns.len()
    );
    let mut chart = ChartBuilder::on(root)
        .caption(
            caption,
            ("sans-serif", 19).into_font().style(FontStyle::Bold),
        )
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(65)
        .build_cartesian_2d((lo..hi).log_scale(), 0f64..top.max(1.0))?;
    chart
        .configure_mesh()
        .x_desc("nanoseconds per evaluation (log scale)")
        .y_desc("evaluations (%)")
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    chart.draw_series(
        shares
            .iter()
            .map(|(a, b, v)| Rectangle::new([(*a, 0.0), (*b, *v)], PURPLE.mix(0.8).filled())),
    )?;
    Ok(())
}

/// One row of a forest plot: label, difference, paired and unpaired
/// half-widths, all in % of the baseline, and whether it is significant.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    pub label: String,
    pub difference: f64,
    pub paired: f64,
    pub unpaired: f64,
    pub significant: bool,
}

/// The forest plot of a comparison: one row per metric and variant, the
/// difference to the baseline (in % of the baseline) with its paired 95 %
/// interval (thick) and the unpaired one (thin, grey) for contrast.
pub fn forest_plot(dir: &Path, rows: &[ForestRow]) -> Result<Chart> {
    register_fonts();
    let height = (140 + 34 * rows.len().max(1)) as u32;
    Ok(render!(
        dir,
        "forest",
        "Differences to the baseline",
        (1100, height),
        |root| forest(root, rows)
    ))
}

fn forest<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, rows: &[ForestRow]) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let n = rows.len().max(1);
    let reach = rows
        .iter()
        .map(|r| r.difference.abs() + r.unpaired.max(r.paired))
        .filter(|x| x.is_finite())
        .fold(1.0_f64, f64::max)
        .min(500.0)
        * 1.1;
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Difference to the baseline (% of baseline), 95 % CI: paired (black), unpaired (grey)",
            ("sans-serif", 19).into_font().style(FontStyle::Bold),
        )
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(330)
        .build_cartesian_2d(-reach..reach, -0.5f64..n as f64 - 0.5)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|y| category_label(&labels, *y, true))
        .x_label_formatter(&tick)
        .x_desc("% of the baseline's value")
        .label_style(("sans-serif", 15))
        .axis_desc_style(label_font())
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
        BLACK.stroke_width(1),
    )))?;
    let clip = |x: f64| x.clamp(-reach, reach);
    for (i, r) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let grey = RGBColor(170, 170, 170);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                (clip(r.difference - r.unpaired), y - 0.18),
                (clip(r.difference + r.unpaired), y - 0.18),
            ],
            grey.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                (clip(r.difference - r.paired), y),
                (clip(r.difference + r.paired), y),
            ],
            BLACK.stroke_width(4),
        )))?;
        let colour = if r.significant {
            RGBColor(200, 40, 40)
        } else {
            RGBColor(60, 90, 200)
        };
        chart.draw_series(std::iter::once(Circle::new(
            (clip(r.difference), y),
            6,
            colour.filled(),
        )))?;
    }
    Ok(())
}

/// One line of a sweep chart: its label and points (x, mean, low, high).
pub type SweepSeries = (String, Vec<(f64, f64, f64, f64)>);

/// A metric against a swept parameter: one line per combination of the
/// other parameters, with 95 % interval bars. `x_labels` names the x
/// positions when the parameter is not numeric.
pub fn sweep_chart(
    dir: &Path,
    name: &str,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x_labels: Option<&[String]>,
    series: &[SweepSeries],
) -> Result<Chart> {
    register_fonts();
    Ok(render!(dir, name, title, (760, 420), |root| {
        sweep_panel(root, title, x_desc, y_desc, x_labels, series)
    }))
}

fn sweep_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x_labels: Option<&[String]>,
    series: &[SweepSeries],
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let points = series.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, _, low, high) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(low);
        y1 = y1.max(high);
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    // 5 % either side; half a step for a single point.
    let pad_x = if x1 > x0 { (x1 - x0) * 0.05 } else { 0.5 };
    let pad_y = ((y1 - y0) * 0.1).max(1e-3);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18).into_font().style(FontStyle::Bold))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x0 - pad_x..x1 + pad_x, y0 - pad_y..y1 + pad_y)?;
    let label = |x: &f64| match x_labels {
        Some(labels) => {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
        None => tick(x),
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&label)
        .y_label_formatter(&tick)
        .label_style(("sans-serif", 13))
        .axis_desc_style(label_font())
        .draw()?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|&(x, mean, _, _)| (x, mean)),
                colour.stroke_width(2),
            ))?
            .label(name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
            });
        chart.draw_series(pts.iter().map(|&(x, mean, low, high)| {
            ErrorBar::new_vertical(x, low, mean, high, colour.stroke_width(1), 8)
        }))?;
    }
    if series.len() > 1 {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 12))
            .draw()?;
    }
    Ok(())
}

/// A marked point of a precision–recall chart: label, recall and precision
/// with their 95 % intervals (`[low, high]`).
pub struct PrMark {
    pub label: String,
    pub recall: (f64, [f64; 2]),
    pub precision: (f64, [f64; 2]),
}

/// A precision–recall curve (recall on x, precision on y, one point per
/// threshold) with marked operating points and their 95 % intervals.
pub fn pr_chart(
    dir: &Path,
    name: &str,
    title: &str,
    curve: &[(f64, f64)],
    marks: &[PrMark],
) -> Result<Chart> {
    register_fonts();
    Ok(render!(dir, name, title, (560, 460), |root| {
        pr_panel(root, title, curve, marks)
    }))
}

fn pr_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    curve: &[(f64, f64)],
    marks: &[PrMark],
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 16).into_font().style(FontStyle::Bold))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.02f64..1.02, -0.02f64..1.02)?;
    chart
        .configure_mesh()
        .x_desc("recall")
        .y_desc("precision")
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(("sans-serif", 13))
        .axis_desc_style(label_font())
        .draw()?;
    let line = PALETTE[0];
    chart
        .draw_series(LineSeries::new(curve.iter().copied(), line.stroke_width(2)))?
        .label("one point per threshold")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], line.stroke_width(3)));
    chart.draw_series(
        curve
            .iter()
            .map(|&(r, p)| Circle::new((r, p), 2, line.filled())),
    )?;
    for (i, mark) in marks.iter().enumerate() {
        let colour = PALETTE[(i + 1) % PALETTE.len()];
        let (r, [r_lo, r_hi]) = mark.recall;
        let (p, [p_lo, p_hi]) = mark.precision;
        chart.draw_series(std::iter::once(ErrorBar::new_vertical(
            r,
            p_lo,
            p,
            p_hi,
            colour.stroke_width(2),
            8,
        )))?;
        chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
            p,
            r_lo,
            r,
            r_hi,
            colour.stroke_width(2),
            8,
        )))?;
        chart
            .draw_series(std::iter::once(Circle::new((r, p), 6, colour.filled())))?
            .label(mark.label.clone())
            .legend(move |(x, y)| Circle::new((x + 9, y), 5, colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()?;
    Ok(())
}

//! The charts over simulated time: arrivals, queue, waits and handoffs per
//! reporting interval, and occupancy per pool.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_model::metrics::{ReportData, Summary};

use super::DrawResult;
use super::*;

fn hours(s: f64) -> f64 {
    s / 3600.0
}

/// A line of a time panel: label, colour, points, dashed.
pub type Line = (String, RGBColor, Vec<(f64, f64)>, bool);

/// One panel over simulated time, computed before drawing so a test can
/// hold its axes to its data. The x axis is the measured window (hours),
/// the y axis runs from 0 to a little above the largest value.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub y_desc: String,
    pub x: Range<f64>,
    pub y: Range<f64>,
    pub series: Vec<Line>,
    /// Pixels of the legend column beside the plot.
    legend_width: u32,
}

impl Panel {
    fn new(title: &str, y_desc: &str, x: Range<f64>, y_max: f64, series: Vec<Line>) -> Panel {
        Panel {
            title: title.to_string(),
            y_desc: y_desc.to_string(),
            x,
            y: 0.0..y_max.max(1e-9) * 1.05,
            series,
            legend_width: 250,
        }
    }
}

fn time_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: Panel) -> DrawResult<DB> {
    let (plot, key_area) = legend_right(area, panel.legend_width);
    let mut chart = ChartBuilder::on(&plot)
        .caption(
            &panel.title,
            ("sans-serif", 19).into_font().style(FontStyle::Bold),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(panel.x.clone(), panel.y.clone())?;
    chart
        .configure_mesh()
        .x_desc("time (h)")
        .y_desc(&panel.y_desc)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    let mut keys = Vec::new();
    for (label, color, points, dashed) in panel.series {
        let style = ShapeStyle::from(&color).stroke_width(if dashed { 2 } else { 3 });
        if dashed {
            chart.draw_series(DashedLineSeries::new(points, 8, 5, style))?;
            keys.push((label, Key::Dashed(color)));
        } else {
            chart.draw_series(LineSeries::new(points, style))?;
            keys.push((label, Key::Line(color)));
        }
    }
    draw_legend(&key_area, &keys, 14, 45)?;
    Ok(())
}

pub(super) fn over_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let panels = over_time_panels(data);
    if panels.is_empty() {
        return Ok(());
    }
    let areas = root.split_evenly((panels.len(), 1));
    for (panel, area) in panels.into_iter().zip(&areas) {
        time_panel(area, panel)?;
    }
    Ok(())
}

/// The measured window in hours: the end of the warm-up (inside the first
/// interval when the warm-up is not a whole number of intervals) to the end
/// of the last interval's measured part (the end of the run).
fn window(data: &ReportData) -> Range<f64> {
    let rows = &data.intervals;
    let start = rows.first().map_or(0.0, |r| r.start_s.max(data.warm_up_s));
    let end = rows.last().map_or(0.0, |r| r.start_s + r.measured_s);
    hours(start)..hours(end.max(start + 1.0))
}

/// The four panels of the over-the-day chart: arrivals, queue length, ASA,
/// service level and abandonment.
pub fn over_time_panels(data: &ReportData) -> Vec<Panel> {
    let rows = &data.intervals;
    if rows.is_empty() {
        return Vec::new();
    }
    let x_range = window(data);
    let step = data.interval_s;
    // An interval's value is drawn at its middle, inside the window.
    let mid = |start: f64| hours(start + step / 2.0).clamp(x_range.start, x_range.end);
    let mut panels = Vec::new();
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
    panels.push(Panel::new(
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
    ));

    let queue: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (mid(r.start_s), r.mean_queue))
        .collect();
    let max_queue = queue.iter().map(|p| p.1).fold(0.0, f64::max);
    panels.push(Panel::new(
        "Queue length (time average, all queues)",
        "contacts waiting",
        x_range.clone(),
        max_queue.max(1.0),
        vec![("waiting for a human".into(), PURPLE, queue, false)],
    ));

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
    panels.push(Panel::new(
        "Average speed of answer",
        "ASA (s)",
        x_range.clone(),
        max_asa.max(1.0),
        asa_series,
    ));

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
    panels.push(Panel::new(
        &format!("Service level ({:.0} s) and abandonment", data.threshold_s),
        "%",
        x_range,
        100.0,
        series,
    ));
    panels
}

pub(super) fn occupancy<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summary: &Summary,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let rows = &data.intervals;
    if rows.is_empty() {
        return Ok(());
    }
    time_panel(root, occupancy_panel(summary, data))
}

/// Occupancy per pool over the measured window.
pub fn occupancy_panel(summary: &Summary, data: &ReportData) -> Panel {
    let rows = &data.intervals;
    let step = data.interval_s;
    let x_range = window(data);
    let series = summary
        .pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let points = rows
                .iter()
                .map(|r| {
                    (
                        hours(r.start_s + step / 2.0).clamp(x_range.start, x_range.end),
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
    let mut panel = Panel::new(
        "Agent occupancy per pool (slot utilisation)",
        "slots in use, incl. wrap-up (%)",
        x_range,
        100.0,
        series,
    );
    panel.legend_width = 360;
    panel
}

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

pub(super) fn over_time<DB: DrawingBackend>(
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

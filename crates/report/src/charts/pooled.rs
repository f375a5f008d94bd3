//! The charts of a replicated run: the single run's charts with every
//! figure pooled over the replications — the time charts and the waits'
//! distribution with a band for the 95 % interval where a single run has a
//! line, the shares as bars with whiskers.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_experiment::Replicated;
use handoff_experiment::pooling::Aggregate;
use handoff_experiment::trace::PooledRun;
use handoff_model::error::Result;
use handoff_model::figures::Unit;

use super::bars::horizontal_chart;
use super::time::{occupancy, over_time, pooled_occupancy_panel, pooled_over_time_panels};
use super::waits::{cdf_axes, nice_step};
use super::*;
use super::{DrawResult, GREEN, RED};

/// Draws the charts of a replicated run; PNGs go to `dir`, SVGs are
/// returned. Without pooled series (results without traces) only the
/// shares chart.
pub fn render_replicated(dir: &Path, r: &Replicated) -> Result<Vec<Chart>> {
    register_fonts();
    let mut charts = Vec::new();
    if let Some(run) = &r.series {
        let labels = pool_labels(r);
        charts.push(render!(
            dir,
            "over_time",
            "Over the day",
            (1000, 1100),
            |root| { over_time(root, pooled_over_time_panels(run)) }
        ));
        charts.push(render!(
            dir,
            "occupancy",
            "Agent occupancy over time",
            (1000, 450),
            |root| occupancy(root, pooled_occupancy_panel(run, labels.clone()))
        ));
        charts.push(render!(
            dir,
            "queue_wait_cdf",
            "Queue wait CDF",
            (900, 640),
            |root| pooled_wait_cdf(root, run, r)
        ));
    }
    charts.push(render!(
        dir,
        "shares",
        "Shares with their intervals",
        (1200, 700),
        |root| shares(root, r)
    ));
    Ok(charts)
}

/// "general (73.1 % overall, 72.4–73.8)" per pool, in the series' order.
fn pool_labels(r: &Replicated) -> Vec<String> {
    r.parts
        .pools
        .iter()
        .map(|p| match p.figure("occupancy") {
            Some(f) => format!(
                "{} ({:.1} % overall{})",
                p.name,
                f.aggregate.mean * 100.0,
                f.aggregate
                    .ci95_range
                    .map(|[l, h]| format!(", {:.1}–{:.1}", l * 100.0, h * 100.0))
                    .unwrap_or_default()
            ),
            None => p.name.clone(),
        })
        .collect()
}

/// The x axis of the pooled waits' distribution: to the longest wait.
pub fn pooled_cdf_x_end_s(run: &PooledRun) -> f64 {
    let longest = run.waits.iter().map(|w| w.longest_s).max().unwrap_or(0) as f64;
    let step = nice_step(longest.max(10.0), 10.0);
    ((longest / step).floor() + 1.0) * step
}

fn pooled_wait_cdf<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    run: &PooledRun,
    r: &Replicated,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let max_s = pooled_cdf_x_end_s(run);
    let mut keys: Vec<(String, Key)> = Vec::new();
    for (c, (name, colour)) in CHANNELS.iter().enumerate() {
        let waits = &run.waits[c];
        if waits.n == 0 {
            continue;
        }
        let sl = r
            .parts
            .channels
            .iter()
            .find(|p| p.name == *name)
            .and_then(|p| p.figure("service_level"))
            .map(|f| {
                format!(
                    "; service level {}",
                    crate::format::format_aggregate(Unit::Share, &f.aggregate)
                )
            })
            .unwrap_or_default();
        keys.push((format!("{name}: {} waits{sl}", waits.n), Key::Line(*colour)));
    }
    keys.push((
        format!("service-level threshold {:.0} s", run.threshold_s),
        Key::Line(RED),
    ));
    keys.push((
        format!(
            "line: pooled over {} replications; band: its 95 % interval",
            run.replications
        ),
        Key::Note,
    ));
    let (plot, key_area) = legend_below(root, legend_height(keys.len(), 15));
    // Waits are counted by whole second: a point is the share under t.
    let mut chart = cdf_axes(
        &plot,
        max_s,
        "Waited under t (cumulative), per channel",
        "waits under t (%)",
    )?;
    for (c, (_, colour)) in CHANNELS.iter().enumerate() {
        let cdf = &run.waits[c].cdf;
        if cdf.is_empty() {
            continue;
        }
        let at = |t: u64| (t as f64).min(max_s);
        let outline: Vec<(f64, f64)> = cdf
            .iter()
            .map(|(t, a)| (at(*t), a.high() * 100.0))
            .chain(cdf.iter().rev().map(|(t, a)| (at(*t), a.low() * 100.0)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            colour.mix(0.2).filled(),
        )))?;
        chart.draw_series(LineSeries::new(
            cdf.iter().map(|(t, a)| (at(*t), a.mean * 100.0)),
            ShapeStyle::from(colour).stroke_width(3),
        ))?;
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(run.threshold_s, 0.0), (run.threshold_s, 100.0)],
        ShapeStyle::from(&RED).stroke_width(2),
    )))?;
    draw_legend(&key_area, &keys, 15, 14)?;
    Ok(())
}

/// The shares of the replicated run: every share of its printed table —
/// the headline ones and each pool's and channel's — (left) and each
/// rule's precision (right), bars to the pooled value, whiskers across
/// the 95 % interval.
fn shares<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, r: &Replicated) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let headline: Vec<(String, Aggregate)> = r
        .metrics
        .iter()
        .filter(|m| m.metric.unit == Unit::Share && !m.metric.name.starts_with("theory"))
        .map(|m| (m.metric.prose(), m.aggregate))
        .collect();
    let precision: Vec<(String, Aggregate)> = r
        .parts
        .rules
        .iter()
        .filter_map(|p| Some((p.name.clone(), p.figure("precision")?.aggregate)))
        .collect();
    if precision.is_empty() {
        return interval_bars(
            root,
            "Shares, pooled (95 % interval)",
            &headline,
            230,
            145.0,
            GREEN,
        );
    }
    let (left, right) = root.split_horizontally(720);
    interval_bars(
        &left,
        "Shares, pooled (95 % interval)",
        &headline,
        230,
        145.0,
        GREEN,
    )?;
    interval_bars(
        &right,
        "Precision by primary rule",
        &precision,
        190,
        185.0,
        PURPLE,
    )
}

/// Horizontal bars of shares to their pooled value, a whisker across each
/// interval and the figure written past it (the axis runs to `x_max` %
/// to leave room for it).
fn interval_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[(String, Aggregate)],
    label_width: u32,
    x_max: f64,
    colour: RGBColor,
) -> DrawResult<DB> {
    let n = rows.len();
    let labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
    let mut chart = horizontal_chart(area, title, 19, label_width, x_max, &labels, "%")?;
    for (i, (_, a)) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let (mean, low, high) = (a.mean * 100.0, a.low() * 100.0, a.high() * 100.0);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.3), (mean, y + 0.3)],
            colour.mix(0.75).filled(),
        )))?;
        let whisker = ShapeStyle::from(&BLACK).stroke_width(2);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(low, y), (high, y)],
            whisker,
        )))?;
        for end in [low, high] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(end, y - 0.18), (end, y + 0.18)],
                whisker,
            )))?;
        }
        chart.draw_series(std::iter::once(Text::new(
            crate::format::format_aggregate(Unit::Share, a),
            (high.max(mean) + 2.0, y + 0.15),
            ("sans-serif", 14),
        )))?;
    }
    Ok(())
}

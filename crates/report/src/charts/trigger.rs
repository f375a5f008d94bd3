//! The trigger charts: outcomes per rule, detection delay and decision
//! latency.

use hdrhistogram::Histogram;
use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_logic::triggers::TriggerKind;
use handoff_model::metrics::{ReportData, Summary};

use super::bars::horizontal_chart;
use super::waits::{nice_step, wait_bins};
use super::*;
use super::{DrawResult, GREEN, RED};

pub(super) fn trigger_outcomes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summary: &Summary,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let Some(t) = &summary.measured.triggers else {
        return Ok(());
    };
    let keys = vec![
        ("needed (a human was needed)".to_string(), Key::Block(GREEN)),
        (
            "needless (the bot could have solved it)".to_string(),
            Key::Block(VOICE),
        ),
        (
            format!(
                "missed: gave up in bot {}, bot fallback {}",
                t.missed_escalations.gave_up_in_bot, t.missed_escalations.bot_fallback
            ),
            Key::Block(RED),
        ),
    ];
    let (plot, key_area) = legend_below(root, legend_height(keys.len(), 14));
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
        * 1.3;
    let title = format!(
        "Escalations by rule against ground truth — precision {:.1} %, recall {:.1} %",
        t.precision.value * 100.0,
        t.recall.value * 100.0
    );
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut chart = horizontal_chart(
        &plot,
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
    chart.draw_series(
        rows.iter()
            .enumerate()
            .map(|(i, r)| bar(i, 0.0, r.1, GREEN)),
    )?;
    chart.draw_series(
        rows.iter()
            .enumerate()
            .map(|(i, r)| bar(i, r.1, r.1 + r.2, VOICE)),
    )?;
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| bar(i, 0.0, r.3, RED)))?;
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
    draw_legend(&key_area, &keys, 14, 10)?;
    Ok(())
}

/// Rules with fewer needed escalations than this are left out of the
/// detection-delay chart: a handful of points makes a misleading histogram.
const MIN_DELAY_SAMPLES: u64 = 20;

pub(super) fn detection_delay<DB: DrawingBackend>(
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
    // Seconds: share of needed escalations per bin.
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
    let top = (shares.iter().flatten().fold(0.0f64, |a, b| a.max(*b)) * 1.1).clamp(1.0, 100.0);
    // Small multiples: one panel per rule on the same axes, so rules whose
    // delays coincide stay apart.
    let left = panels[0].titled(
        &format!("Detection delay, seconds (rules with n ≥ {MIN_DELAY_SAMPLES}; same axes)"),
        ("sans-serif", 19).into_font().style(FontStyle::Bold),
    )?;
    let columns = if rules.len() > 3 { 2 } else { 1 };
    let grid_rows = rules.len().div_ceil(columns).max(1);
    let cells = left.split_evenly((grid_rows, columns));
    for (r, ((kind, ms, _), share)) in rules.iter().zip(&shares).enumerate() {
        let color = PALETTE[r % PALETTE.len()];
        // The last cell of its column: nothing drawn below it.
        let last_row = r + columns >= rules.len();
        let mut chart = ChartBuilder::on(&cells[r])
            .caption(
                format!("{} (n={})", kind.name(), ms.len()),
                ("sans-serif", 14).into_font().color(&color),
            )
            .margin(6)
            .x_label_area_size(if last_row { 38 } else { 18 })
            .y_label_area_size(45)
            .build_cartesian_2d(0f64..bins as f64 * width, 0f64..top)?;
        let mut mesh = chart.configure_mesh();
        mesh.x_labels(5)
            .y_labels(4)
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .label_style(("sans-serif", 12));
        if last_row {
            mesh.x_desc("s from the first message (last bin: all later)");
        }
        mesh.draw()?;
        chart.draw_series(share.iter().enumerate().map(|(i, v)| {
            Rectangle::new(
                [(i as f64 * width, 0.0), ((i as f64 + 0.9) * width, *v)],
                color.mix(0.85).filled(),
            )
        }))?;
    }
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
        100.0,
        &labels,
        &groups,
    )
}

pub(super) fn decision_latency<DB: DrawingBackend>(
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

//! The queue-wait charts: the histogram of answered contacts' waits per
//! channel and its cumulative form, with the service-level threshold marked.

use hdrhistogram::Histogram;
use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_model::metrics::ReportData;

use super::bars::Xy;
use super::*;
use super::{DrawResult, RED};

/// Share of answered contacts per wait bin, per channel.
pub(super) fn wait_bins(h: &Histogram<u64>, width_ms: u64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0u64; bins];
    for v in h.iter_recorded() {
        let bin = ((v.value_iterated_to() / width_ms) as usize).min(bins - 1);
        counts[bin] += v.count_at_value();
    }
    let total = h.len().max(1) as f64;
    counts.iter().map(|c| *c as f64 / total * 100.0).collect()
}

/// A round step for an axis running to `max`.
pub(super) fn nice_step(max: f64, target_ticks: f64) -> f64 {
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

pub(super) fn queue_wait_histogram<DB: DrawingBackend>(
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

pub(super) fn queue_wait_cdf<DB: DrawingBackend>(
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

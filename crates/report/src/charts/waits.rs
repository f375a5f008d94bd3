//! The queue-wait charts: the histogram of waits per channel and its
//! cumulative form, with the service-level threshold marked.
//!
//! Both show every wait. The histogram's last bar is a tail bin ("> 480 s")
//! that holds every wait beyond the regular bins, and a bar that dwarfs the
//! rest (waits of zero, usually) is cut at the axis with a break mark and
//! its value written beside it. The cumulative chart runs to the longest
//! wait. The legends give the service level with the table's denominator.

use hdrhistogram::Histogram;
use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_model::metrics::{ReportData, Summary};

use super::bars::Xy;
use super::*;
use super::{DrawResult, RED};
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Share of recorded values per bin of `width_ms`, the last bin holding
/// everything beyond (used by the detection-delay chart).
pub(super) fn wait_bins(h: &Histogram<u64>, width_ms: u64, bins: usize) -> Vec<f64> {
    let counts = bin_counts(h, width_ms, bins);
    let total = h.len().max(1) as f64;
    counts.iter().map(|c| *c as f64 / total * 100.0).collect()
}

/// Counts per bin of `width_ms`; the last of `bins` holds every value from
/// `(bins − 1) × width_ms` on.
fn bin_counts(h: &Histogram<u64>, width_ms: u64, bins: usize) -> Vec<u64> {
    let mut counts = vec![0u64; bins];
    for v in h.iter_recorded() {
        let bin = ((v.value_iterated_to() / width_ms.max(1)) as usize).min(bins - 1);
        counts[bin] += v.count_at_value();
    }
    counts
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

/// The longest wait of any channel, in seconds (the histograms' maximum,
/// to their precision).
fn longest_wait_s(data: &ReportData) -> f64 {
    data.wait_ms
        .iter()
        .filter(|h| !h.is_empty())
        .map(|h| h.max() as f64 / 1000.0)
        .fold(0.0, f64::max)
}

/// What the histogram draws, computed before drawing so a test can hold
/// it to its data.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitHistogram {
    pub width_s: f64,
    /// Waits from here on are in the tail bin, the last of each channel's
    /// counts.
    pub tail_from_s: f64,
    /// Per channel (chat, voice): waits per bin, the last the tail bin.
    pub counts: [Vec<u64>; 2],
    /// Per channel: all waits (answered, and still waiting at the end).
    pub n: [u64; 2],
    /// The x axis: 0 to the end of the tail bin.
    pub x_end_s: f64,
    /// The y axis (% of a channel's waits). Bars above it are clipped and
    /// annotated with their value.
    pub y_top: f64,
}

impl WaitHistogram {
    pub fn of(data: &ReportData) -> WaitHistogram {
        // Regular bins to the 99th percentile (at least twice the
        // threshold), the rest in the tail bin.
        let p99 = data
            .wait_ms
            .iter()
            .filter(|h| !h.is_empty())
            .map(|h| h.value_at_quantile(0.99) as f64 / 1000.0)
            .fold(0.0, f64::max);
        let regular_to = (p99 * 1.1).max(data.threshold_s * 2.0).max(10.0);
        let width_s = nice_step(regular_to, 25.0);
        let regular = (regular_to / width_s).ceil() as usize;
        let tail_from_s = regular as f64 * width_s;
        let counts =
            [0, 1].map(|c| bin_counts(&data.wait_ms[c], (width_s * 1000.0) as u64, regular + 1));
        let n = [0, 1].map(|c| data.wait_ms[c].len());
        let share = |c: usize, k: u64| k as f64 / n[c].max(1) as f64 * 100.0;
        let largest_of = |from: usize| {
            (0..2)
                .flat_map(|c| counts[c].iter().skip(from).map(move |k| share(c, *k)))
                .fold(0.0, f64::max)
        };
        let (largest, rest) = (largest_of(0), largest_of(1));
        // Waits of zero usually dwarf the rest: then the axis is cut above
        // the other bars and the cut bars carry their value.
        let y_top = if rest > 0.0 && largest > 2.5 * rest {
            (rest * 1.3).max(5.0)
        } else {
            (largest * 1.1).clamp(1.0, 100.0)
        };
        WaitHistogram {
            width_s,
            tail_from_s,
            counts,
            n,
            x_end_s: tail_from_s + width_s,
            y_top,
        }
    }

    /// Channel `c`'s share of waits in bin `i`, in %.
    pub fn share(&self, c: usize, i: usize) -> f64 {
        self.counts[c][i] as f64 / self.n[c].max(1) as f64 * 100.0
    }

    /// Bars above the axis: (channel, bin, share).
    pub fn clipped(&self) -> Vec<(usize, usize, f64)> {
        (0..2)
            .flat_map(|c| (0..self.counts[c].len()).map(move |i| (c, i)))
            .map(|(c, i)| (c, i, self.share(c, i)))
            .filter(|(_, _, share)| *share > self.y_top)
            .collect()
    }

    fn tail(&self, c: usize) -> u64 {
        *self.counts[c].last().unwrap_or(&0)
    }
}

/// The legend of a channel: its waits and its service level with the
/// table's denominator.
fn channel_key(summary: &Summary, name: &str, n: u64) -> String {
    match summary.measured.by_channel.get(name) {
        Some(s) if s.service_level.n > 0 => format!(
            "{name}: {n} waits; service level {:.1} % (of {})",
            s.service_level.value * 100.0,
            s.service_level.n
        ),
        _ => format!("{name}: {n} waits"),
    }
}

fn threshold_line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Xy>,
    threshold: f64,
    top: f64,
) -> DrawResult<DB> {
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(threshold, 0.0), (threshold, top)],
        ShapeStyle::from(&RED).stroke_width(2),
    )))?;
    Ok(())
}

fn keys(summary: &Summary, data: &ReportData, line: bool) -> Vec<(String, Key)> {
    let mut keys: Vec<(String, Key)> = CHANNELS
        .iter()
        .enumerate()
        .filter(|(c, _)| !data.wait_ms[*c].is_empty())
        .map(|(c, (name, color))| {
            let key = if line {
                Key::Line(*color)
            } else {
                Key::Block(*color)
            };
            (channel_key(summary, name, data.wait_ms[c].len()), key)
        })
        .collect();
    keys.push((
        format!("service-level threshold {:.0} s", data.threshold_s),
        Key::Line(RED),
    ));
    keys.push((
        "service level: answered in time / (answered + abandoned".into(),
        Key::Note,
    ));
    keys.push((
        "+ still waiting past the threshold), as in the table".into(),
        Key::Note,
    ));
    keys
}

pub(super) fn queue_wait_histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summary: &Summary,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let layout = WaitHistogram::of(data);
    let keys = keys(summary, data, false);
    let (plot, key_area) = legend_below(root, legend_height(keys.len(), 15));
    let (w, top) = (layout.width_s, layout.y_top);
    let mut chart = ChartBuilder::on(&plot)
        .caption(
            "Queue wait per channel (answered, and still waiting at the end)",
            caption_style(),
        )
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..layout.x_end_s, 0f64..top)?;
    let tail_from = layout.tail_from_s;
    chart
        .configure_mesh()
        .x_desc(format!(
            "wait (s), bins of {w} s; the last bin holds every wait over {tail_from} s"
        ))
        .y_desc("share of the channel's waits (%)")
        .x_label_formatter(&|x| {
            if *x > tail_from + 1e-9 {
                String::new()
            } else {
                tick(x)
            }
        })
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for (c, (_, color)) in CHANNELS.iter().enumerate() {
        if layout.n[c] == 0 {
            continue;
        }
        let offset = if c == 0 { 0.0 } else { 0.5 };
        let bars = (0..layout.counts[c].len()).map(|i| {
            let x0 = (i as f64 + offset) * w;
            let tail = i + 1 == layout.counts[c].len();
            let style = if tail {
                color.mix(0.45).filled()
            } else {
                color.mix(0.8).filled()
            };
            Rectangle::new(
                [(x0, 0.0), (x0 + w * 0.5, layout.share(c, i).min(top))],
                style,
            )
        });
        chart.draw_series(bars)?;
    }
    // Clipped bars: a break mark across the bar, the value beside it.
    for (k, (c, i, share)) in layout.clipped().into_iter().enumerate() {
        let offset = if c == 0 { 0.0 } else { 0.5 };
        let (x0, x1) = ((i as f64 + offset) * w, (i as f64 + offset + 0.5) * w);
        for dy in [0.93, 0.96] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![
                    (x0 - w * 0.05, top * (dy - 0.02)),
                    (x1 + w * 0.05, top * dy),
                ],
                ShapeStyle::from(&WHITE).stroke_width(3),
            )))?;
        }
        let name = CHANNELS[c].0;
        chart.draw_series(std::iter::once(Text::new(
            format!("{name} {share:.0} % (axis cut)"),
            (x1 + w * 0.6, top * (0.97 - 0.07 * k as f64)),
            ("sans-serif", 15).into_font().color(&CHANNELS[c].1),
        )))?;
    }
    // The tail bin's counts, above it.
    let tail_text = CHANNELS
        .iter()
        .enumerate()
        .filter(|(c, _)| layout.n[*c] > 0)
        .map(|(c, (name, _))| format!("{name} {}", layout.tail(c)))
        .collect::<Vec<_>>()
        .join(", ");
    let tail_top = (0..2)
        .map(|c| layout.share(c, layout.counts[c].len() - 1).min(top))
        .fold(0.0, f64::max);
    let style =
        TextStyle::from(("sans-serif", 14).into_font()).pos(Pos::new(HPos::Right, VPos::Bottom));
    chart.draw_series(std::iter::once(Text::new(
        format!("last bin, > {tail_from} s: {tail_text}"),
        (layout.x_end_s, (tail_top + top * 0.04).min(top * 0.9)),
        style,
    )))?;
    threshold_line(&mut chart, data.threshold_s, top)?;
    draw_legend(&key_area, &keys, 15, 14)?;
    Ok(())
}

/// The cumulative chart's x axis: to the longest wait.
pub fn cdf_x_end_s(data: &ReportData) -> f64 {
    let longest = longest_wait_s(data);
    let step = nice_step(longest.max(10.0), 10.0);
    ((longest / step).floor() + 1.0) * step
}

/// The cumulative chart's axes, 0 to `max_s` seconds and 0 to 100 %, for a
/// run's waits and for the replications' pooled.
pub(super) fn cdf_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    max_s: f64,
    caption: &str,
    y_desc: &str,
) -> std::result::Result<ChartContext<'a, DB, Xy>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(plot)
        .caption(caption, caption_style())
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..max_s, 0f64..100f64)?;
    chart
        .configure_mesh()
        .x_desc("wait t (s), to the longest wait")
        .y_desc(y_desc)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    Ok(chart)
}

pub(super) fn queue_wait_cdf<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summary: &Summary,
    data: &ReportData,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let max_s = cdf_x_end_s(data);
    let keys = keys(summary, data, true);
    let (plot, key_area) = legend_below(root, legend_height(keys.len(), 15));
    let mut chart = cdf_axes(
        &plot,
        max_s,
        "Waited at most t (cumulative), per channel",
        "waits of at most t (%)",
    )?;
    for (c, (_, color)) in CHANNELS.iter().enumerate() {
        let h = &data.wait_ms[c];
        if h.is_empty() {
            continue;
        }
        let steps = 300;
        let points = (0..=steps).map(|i| {
            let t = max_s * i as f64 / steps as f64;
            let below = h.count_between(0, (t * 1000.0) as u64) as f64 / h.len() as f64 * 100.0;
            (t, below)
        });
        chart.draw_series(LineSeries::new(
            points,
            ShapeStyle::from(color).stroke_width(3),
        ))?;
    }
    threshold_line(&mut chart, data.threshold_s, 100.0)?;
    draw_legend(&key_area, &keys, 15, 14)?;
    Ok(())
}

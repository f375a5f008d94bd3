//! The charts over simulated time: arrivals, queue, waits and handoffs per
//! reporting interval, and occupancy per pool.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_experiment::pooling::Aggregate;
use handoff_experiment::trace::PooledRun;
use handoff_model::metrics::{ReportData, Summary};

use super::DrawResult;
use super::*;

fn hours(s: f64) -> f64 {
    s / 3600.0
}

/// A line of a time panel: label, colour, points, dashed.
pub type Line = (String, RGBColor, Vec<(f64, f64)>, bool);

/// The 95 % interval around a line, pooled over replications: colour and
/// (x, low, high) per point, drawn as a translucent band under the line.
pub type Band = (RGBColor, Vec<(f64, f64, f64)>);

/// One panel over simulated time, computed before drawing so a test can
/// hold its axes to its data. The x axis is the measured window (hours),
/// the y axis runs from 0 to a little above the largest value (and the
/// bands, up to 1.5 times that; a band beyond is cut at the axis).
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub y_desc: String,
    /// The x axis's name ("time (h)" unless set).
    pub x_desc: String,
    pub x: Range<f64>,
    pub y: Range<f64>,
    pub series: Vec<Line>,
    /// Intervals around the lines (none for a single run).
    pub bands: Vec<Band>,
    /// Stretches of x shaded grey behind the lines (AI incident windows),
    /// cut to the axis.
    pub shaded: Vec<(f64, f64)>,
    /// Pixels of the legend column beside the plot.
    pub(super) legend_width: u32,
}

impl Panel {
    /// A panel of `series` (each with its band, if any); the y axis runs to
    /// `y_max` or, when that is `None`, to the largest value or band end.
    pub(super) fn new(
        title: &str,
        y_desc: &str,
        x: Range<f64>,
        y_max: Option<f64>,
        series: Vec<(Line, Option<Band>)>,
    ) -> Panel {
        let (series, bands): (Vec<Line>, Vec<Option<Band>>) = series.into_iter().unzip();
        let bands: Vec<Band> = bands.into_iter().flatten().collect();
        let top = series
            .iter()
            .flat_map(|s| s.2.iter().map(|p| p.1))
            .fold(0.0, f64::max);
        let band_top = bands
            .iter()
            .flat_map(|b| b.1.iter().map(|p| p.2))
            .fold(0.0, f64::max);
        // The axis holds every line, and the bands up to half as high
        // again: one interval few replications had (a long ASA bound) is
        // cut at the axis rather than flattening every line.
        let y_max = y_max.unwrap_or(top.max(band_top.min(top * 1.5)).max(1.0));
        Panel {
            title: title.to_string(),
            y_desc: y_desc.to_string(),
            x_desc: "time (h)".to_string(),
            x,
            y: 0.0..y_max.max(1e-9) * 1.05,
            series,
            bands,
            shaded: Vec::new(),
            legend_width: 250,
        }
    }
}

/// A figure of one interval: its value and, pooled over replications, its
/// 95 % interval.
#[derive(Debug, Clone, Copy)]
struct Sample {
    value: f64,
    band: Option<[f64; 2]>,
}

impl Sample {
    fn point(value: f64) -> Sample {
        Sample { value, band: None }
    }

    fn pooled(a: &Aggregate) -> Sample {
        Sample {
            value: a.mean,
            band: a.ci95_range,
        }
    }

    fn scaled(self, k: f64) -> Sample {
        Sample {
            value: self.value * k,
            band: self.band.map(|[l, h]| [l * k, h * k]),
        }
    }
}

/// One interval as the time charts draw it, from a single run or pooled
/// over replications.
struct Row {
    /// Hours: the interval's middle, inside the window.
    x: f64,
    /// Per hour.
    first_contacts: Sample,
    expected: f64,
    /// Per channel, per hour, repeat contacts included.
    arrivals: [Sample; 2],
    mean_queue: Sample,
    asa: [Option<Sample>; 2],
    service_level: [Option<Sample>; 2],
    abandonment: [Option<Sample>; 2],
    /// Per pool.
    occupancy: Vec<Sample>,
}

/// The rows and the window of a run or of replications.
struct Rows {
    x: Range<f64>,
    threshold_s: f64,
    rows: Vec<Row>,
}

/// The measured window in hours: the end of the warm-up (inside the first
/// interval when the warm-up is not a whole number of intervals) to the end
/// of the last interval's measured part (the end of the run).
fn window(first_start_s: f64, warm_up_s: f64, end_s: f64) -> Range<f64> {
    let start = first_start_s.max(warm_up_s);
    hours(start)..hours(end_s.max(start + 1.0))
}

/// The window of intervals given as (start, measured length), in seconds,
/// and each interval's x: its middle in hours, inside the window.
fn placed(spans: &[(f64, f64)], warm_up_s: f64, interval_s: f64) -> (Range<f64>, Vec<f64>) {
    let x = window(
        spans.first().map_or(0.0, |s| s.0),
        warm_up_s,
        spans.last().map_or(0.0, |s| s.0 + s.1),
    );
    let mids = spans
        .iter()
        .map(|s| hours(s.0 + interval_s / 2.0).clamp(x.start, x.end))
        .collect();
    (x, mids)
}

impl Rows {
    fn of_run(data: &ReportData) -> Rows {
        let rows = &data.intervals;
        let spans: Vec<(f64, f64)> = rows.iter().map(|r| (r.start_s, r.measured_s)).collect();
        let (x, mids) = placed(&spans, data.warm_up_s, data.interval_s);
        let rows = rows
            .iter()
            .zip(mids)
            .map(|(r, mid)| {
                let per_hour = 3600.0 / r.measured_s.max(1e-9);
                let c = &r.channels;
                let share = |v: Option<f64>| v.map(|v| Sample::point(v * 100.0));
                Row {
                    x: mid,
                    first_contacts: Sample::point(
                        (c[0].first_contacts + c[1].first_contacts) as f64 * per_hour,
                    ),
                    expected: r.expected_arrivals * per_hour,
                    arrivals: [0, 1].map(|i| Sample::point(c[i].arrivals as f64 * per_hour)),
                    mean_queue: Sample::point(r.mean_queue),
                    asa: [0, 1].map(|i| c[i].asa_s.map(Sample::point)),
                    service_level: [0, 1].map(|i| share(c[i].service_level)),
                    abandonment: [0, 1].map(|i| share(c[i].abandonment_rate)),
                    occupancy: r
                        .occupancy
                        .iter()
                        .map(|o| Sample::point(o * 100.0))
                        .collect(),
                }
            })
            .collect();
        Rows {
            x,
            threshold_s: data.threshold_s,
            rows,
        }
    }

    fn of_pooled(run: &PooledRun) -> Rows {
        let rows = &run.intervals;
        let spans: Vec<(f64, f64)> = rows.iter().map(|r| (r.start_s, r.measured_s)).collect();
        let (x, mids) = placed(&spans, run.warm_up_s, run.interval_s);
        let rows = rows
            .iter()
            .zip(mids)
            .map(|(r, mid)| {
                let per_hour = 3600.0 / r.measured_s.max(1e-9);
                let c = &r.channels;
                let share =
                    |a: &Option<Aggregate>| a.as_ref().map(|a| Sample::pooled(a).scaled(100.0));
                Row {
                    x: mid,
                    first_contacts: Sample::pooled(&r.first_contacts).scaled(per_hour),
                    expected: r.expected_arrivals * per_hour,
                    arrivals: [0, 1].map(|i| Sample::pooled(&c[i].arrivals).scaled(per_hour)),
                    mean_queue: Sample::pooled(&r.mean_queue),
                    asa: [0, 1].map(|i| c[i].asa_s.as_ref().map(Sample::pooled)),
                    service_level: [0, 1].map(|i| share(&c[i].service_level)),
                    abandonment: [0, 1].map(|i| share(&c[i].abandonment_rate)),
                    occupancy: r
                        .occupancy
                        .iter()
                        .map(|o| Sample::pooled(o).scaled(100.0))
                        .collect(),
                }
            })
            .collect();
        Rows {
            x,
            threshold_s: run.threshold_s,
            rows,
        }
    }

    /// A line (and its band, where the samples have intervals) of the
    /// figure `f` picks from each row that has it.
    fn line(
        &self,
        label: String,
        colour: RGBColor,
        dashed: bool,
        f: impl Fn(&Row) -> Option<Sample>,
    ) -> (Line, Option<Band>) {
        let samples: Vec<(f64, Sample)> = self
            .rows
            .iter()
            .filter_map(|r| Some((r.x, f(r)?)))
            .collect();
        let points = samples.iter().map(|(x, s)| (*x, s.value)).collect();
        let band: Vec<(f64, f64, f64)> = samples
            .iter()
            .filter_map(|(x, s)| s.band.map(|[l, h]| (*x, l.max(0.0), h)))
            .collect();
        (
            (label, colour, points, dashed),
            (!band.is_empty()).then_some((colour, band)),
        )
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
        .x_desc(&panel.x_desc)
        .y_desc(&panel.y_desc)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    let shade = RGBColor(120, 120, 120);
    for &(from, to) in &panel.shaded {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(from, panel.y.start), (to, panel.y.end)],
            shade.mix(0.15).filled(),
        )))?;
    }
    for (colour, band) in &panel.bands {
        // The band's outline: the highs left to right, the lows back.
        let outline: Vec<(f64, f64)> = band
            .iter()
            .map(|p| (p.0, p.2.min(panel.y.end)))
            .chain(band.iter().rev().map(|p| (p.0, p.1)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            colour.mix(0.18).filled(),
        )))?;
    }
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
    if !panel.shaded.is_empty() {
        keys.push((
            "AI incident".to_string(),
            Key::Block(RGBColor(235, 235, 235)),
        ));
    }
    draw_legend(&key_area, &keys, 14, 45)?;
    Ok(())
}

pub(super) fn over_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: Vec<Panel>,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    if panels.is_empty() {
        return Ok(());
    }
    let areas = root.split_evenly((panels.len(), 1));
    for (panel, area) in panels.into_iter().zip(&areas) {
        time_panel(area, panel)?;
    }
    Ok(())
}

/// The four panels of the over-the-day chart of a run: arrivals, queue
/// length, ASA, service level and abandonment.
pub fn over_time_panels(data: &ReportData) -> Vec<Panel> {
    let mut panels = panels_of(&Rows::of_run(data));
    // The incident windows, in hours, cut to each panel's axis.
    for panel in &mut panels {
        panel.shaded = data
            .incident_windows
            .iter()
            .map(|&(from, to)| (hours(from).max(panel.x.start), hours(to).min(panel.x.end)))
            .filter(|(from, to)| to > from)
            .collect();
    }
    panels
}

/// The same panels pooled over replications: each line the mean, its band
/// the 95 % interval.
pub fn pooled_over_time_panels(run: &PooledRun) -> Vec<Panel> {
    panels_of(&Rows::of_pooled(run))
}

fn panels_of(rows: &Rows) -> Vec<Panel> {
    if rows.rows.is_empty() {
        return Vec::new();
    }
    let x = rows.x.clone();
    let mut panels = Vec::new();
    let mut arrivals = vec![
        rows.line("first contacts, all channels".into(), BLACK, false, |r| {
            Some(r.first_contacts)
        }),
        rows.line("arrival profile (expected)".into(), GREY, true, |r| {
            Some(Sample::point(r.expected))
        }),
    ];
    for (c, (name, colour)) in CHANNELS.iter().enumerate() {
        arrivals.push(rows.line(
            format!("{name}, with repeat contacts"),
            *colour,
            false,
            |r| Some(r.arrivals[c]),
        ));
    }
    panels.push(Panel::new(
        "Arrivals (per hour)",
        "arrivals / h",
        x.clone(),
        None,
        arrivals,
    ));
    panels.push(Panel::new(
        "Queue length (time average, all queues)",
        "contacts waiting",
        x.clone(),
        None,
        vec![rows.line("waiting for a human".into(), PURPLE, false, |r| {
            Some(r.mean_queue)
        })],
    ));
    let asa = CHANNELS
        .iter()
        .enumerate()
        .map(|(c, (name, colour))| rows.line(format!("ASA {name}"), *colour, false, |r| r.asa[c]))
        .collect();
    panels.push(Panel::new(
        "Average speed of answer",
        "ASA (s)",
        x.clone(),
        None,
        asa,
    ));
    let mut rates = Vec::new();
    for (c, (name, colour)) in CHANNELS.iter().enumerate() {
        rates.push(
            rows.line(format!("service level {name}"), *colour, false, |r| {
                r.service_level[c]
            }),
        );
        rates.push(
            rows.line(format!("abandonment {name}"), *colour, true, |r| {
                r.abandonment[c]
            }),
        );
    }
    panels.push(Panel::new(
        &format!("Service level ({:.0} s) and abandonment", rows.threshold_s),
        "%",
        x,
        Some(100.0),
        rates,
    ));
    panels
}

pub(super) fn occupancy<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panel: Panel,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    if panel.series.iter().all(|s| s.2.is_empty()) {
        return Ok(());
    }
    time_panel(root, panel)
}

/// Occupancy per pool over the measured window of a run.
pub fn occupancy_panel(summary: &Summary, data: &ReportData) -> Panel {
    let labels = summary
        .pools
        .iter()
        .map(|pool| {
            format!(
                "{} ({} agents × {} slots, {:.1} % overall)",
                pool.name,
                pool.agents,
                pool.slots_per_agent,
                pool.occupancy.value * 100.0
            )
        })
        .collect();
    occupancy_of(&Rows::of_run(data), labels)
}

/// The same pooled over replications; `labels` name the pools in order.
pub fn pooled_occupancy_panel(run: &PooledRun, labels: Vec<String>) -> Panel {
    occupancy_of(&Rows::of_pooled(run), labels)
}

fn occupancy_of(rows: &Rows, labels: Vec<String>) -> Panel {
    let series = labels
        .into_iter()
        .enumerate()
        .map(|(p, label)| {
            rows.line(label, PALETTE[p % PALETTE.len()], false, |r| {
                r.occupancy.get(p).copied()
            })
        })
        .collect();
    let mut panel = Panel::new(
        "Agent occupancy per pool (slot utilisation)",
        "slots in use, incl. wrap-up (%)",
        rows.x.clone(),
        Some(100.0),
        series,
    );
    panel.legend_width = 360;
    panel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wide_band_is_cut_at_the_axis_not_flattening_the_lines() {
        let line: Line = ("ASA".into(), CHAT, vec![(0.0, 10.0), (1.0, 20.0)], false);
        let band: Band = (CHAT, vec![(0.0, 5.0, 15.0), (1.0, 10.0, 4000.0)]);
        let p = Panel::new("t", "s", 0.0..1.0, None, vec![(line.clone(), Some(band))]);
        assert!((p.y.end - 30.0 * 1.05).abs() < 1e-9, "{:?}", p.y);
        // Narrow bands are held whole.
        let narrow: Band = (CHAT, vec![(0.0, 5.0, 15.0), (1.0, 10.0, 24.0)]);
        let p = Panel::new("t", "s", 0.0..1.0, None, vec![(line, Some(narrow))]);
        assert!((p.y.end - 24.0 * 1.05).abs() < 1e-9, "{:?}", p.y);
    }
}

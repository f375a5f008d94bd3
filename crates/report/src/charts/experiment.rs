//! The experiment charts: the forest plot of a comparison, sweep panels and
//! the precision-recall chart of a calibration.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_model::error::{Error, Result};

use super::DrawResult;
use super::render;
use super::*;

/// One row of a forest plot: the variant, its difference to the baseline
/// and the paired and unpaired 95 % half-widths, all in the metric's own
/// units (points for a share, seconds, score points), and whether the
/// paired interval excludes zero.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    pub label: String,
    pub difference: f64,
    pub paired: f64,
    pub unpaired: f64,
    pub significant: bool,
}

/// One metric's panel of a forest plot: its name in words, the unit of
/// its axis ("percentage points", "seconds", …) and a row per variant.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestPanel {
    pub metric: String,
    pub unit: String,
    pub rows: Vec<ForestRow>,
}

const SIGNIFICANT: RGBColor = RGBColor(200, 40, 40);
const NOT_SIGNIFICANT: RGBColor = RGBColor(60, 90, 200);
const UNPAIRED: RGBColor = RGBColor(170, 170, 170);

/// Pixels of one panel: its caption and axis, and a band per row.
fn panel_height(rows: usize) -> u32 {
    (78 + 30 * rows.max(1)) as u32
}

/// The forest plot of a comparison: a panel per metric, each on its own
/// axis in the metric's units, a row per variant: the difference to the
/// baseline with its paired 95 % interval (thick black) and the unpaired
/// one (thin grey) for contrast; the dot red where the paired interval
/// excludes zero. The legend is a strip above the panels.
pub fn forest_plot(dir: &Path, panels: &[ForestPanel]) -> Result<Chart> {
    register_fonts();
    let height = 70
        + panels
            .iter()
            .map(|p| panel_height(p.rows.len()))
            .sum::<u32>();
    Ok(render!(
        dir,
        "forest",
        "Differences to the baseline",
        (1000, height.max(160)),
        |root| forest(root, panels)
    ))
}

fn forest<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: &[ForestPanel],
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (legend, body) = root.split_vertically(70);
    legend.draw(&Text::new(
        "Difference to the baseline, each metric in its own units; 95 % intervals",
        (12, 8),
        ("sans-serif", 19).into_font().style(FontStyle::Bold),
    ))?;
    let keys = [
        (
            "significant (paired interval excludes 0)",
            Key::Dot(SIGNIFICANT),
        ),
        ("not significant", Key::Dot(NOT_SIGNIFICANT)),
        ("paired interval (common random numbers)", Key::Line(BLACK)),
        ("unpaired interval, for contrast", Key::Line(UNPAIRED)),
    ];
    let (left_keys, right_keys) = legend.split_horizontally(500);
    let as_keys = |k: &[(&str, Key)]| -> Vec<(String, Key)> {
        k.iter().map(|(l, k)| (l.to_string(), *k)).collect()
    };
    draw_legend(&left_keys, &as_keys(&keys[..2]), 13, 38)?;
    draw_legend(&right_keys, &as_keys(&keys[2..]), 13, 38)?;
    let heights: Vec<u32> = panels.iter().map(|p| panel_height(p.rows.len())).collect();
    let mut rest = body;
    for (panel, h) in panels.iter().zip(heights) {
        let (area, below) = rest.split_vertically(h);
        forest_panel(&area, panel)?;
        rest = below;
    }
    Ok(())
}

fn forest_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &ForestPanel,
) -> DrawResult<DB> {
    let rows = &panel.rows;
    let n = rows.len().max(1);
    let reach = rows
        .iter()
        .map(|r| r.difference.abs() + r.unpaired.max(r.paired))
        .filter(|x| x.is_finite())
        .fold(0.0_f64, f64::max);
    let reach = if reach > 0.0 { reach * 1.15 } else { 1.0 };
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{} ({})", panel.metric, panel.unit),
            ("sans-serif", 15).into_font().style(FontStyle::Bold),
        )
        .margin(6)
        .x_label_area_size(26)
        .y_label_area_size(230)
        .build_cartesian_2d(-reach..reach, -0.5f64..n as f64 - 0.5)?;
    let ticks = ticks_for(2.0 * reach);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n * 2 + 1)
        .x_labels(9)
        .y_label_formatter(&|y| category_label(&labels, *y, true))
        .x_label_formatter(&ticks)
        .label_style(("sans-serif", 13))
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
        BLACK.stroke_width(1),
    )))?;
    for (i, r) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                (r.difference - r.unpaired, y - 0.22),
                (r.difference + r.unpaired, y - 0.22),
            ],
            UNPAIRED.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(r.difference - r.paired, y), (r.difference + r.paired, y)],
            BLACK.stroke_width(4),
        )))?;
        let colour = if r.significant {
            SIGNIFICANT
        } else {
            NOT_SIGNIFICANT
        };
        chart.draw_series(std::iter::once(Circle::new(
            (r.difference, y),
            6,
            colour.filled(),
        )))?;
    }
    Ok(())
}

/// One line of a sweep chart: its label and points (x, mean, low, high).
pub type SweepSeries = (String, Vec<(f64, f64, f64, f64)>);

/// A horizontal line across a chart: a declared target or threshold, in
/// the chart's y units.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    pub label: String,
    pub value: f64,
}

/// A metric against a swept parameter: one line per combination of the
/// other parameters, with 95 % interval bars (dodged sideways when several
/// lines have them, so bars at one x do not cover each other), and a
/// dashed line per target. `x_labels` names the x positions when the
/// parameter is not numeric. The legend is beside the plot, never over it.
#[allow(clippy::too_many_arguments)]
pub fn sweep_chart(
    dir: &Path,
    name: &str,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x_labels: Option<&[String]>,
    series: &[SweepSeries],
    targets: &[TargetLine],
) -> Result<Chart> {
    register_fonts();
    let size = if series.len() + targets.len() > 1 {
        (980, 420)
    } else {
        (760, 420)
    };
    Ok(render!(dir, name, title, size, |root| {
        sweep_panel(root, title, x_desc, y_desc, x_labels, series, targets)
    }))
}

/// How far to shift each series sideways: none unless two or more series
/// carry interval bars; then spread over a fifth of the smallest step
/// between x positions.
fn dodge(series: &[SweepSeries]) -> Vec<f64> {
    let with_bars = series
        .iter()
        .filter(|(_, pts)| pts.iter().any(|&(_, _, lo, hi)| hi > lo))
        .count();
    if with_bars < 2 {
        return vec![0.0; series.len()];
    }
    let mut xs: Vec<f64> = series
        .iter()
        .flat_map(|(_, pts)| pts.iter().map(|p| p.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let step = xs
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    let step = if step.is_finite() { step } else { 1.0 };
    let k = series.len() as f64;
    let spread = 0.2 * step;
    (0..series.len())
        .map(|i| spread * (i as f64 - (k - 1.0) / 2.0) / (k - 1.0).max(1.0))
        .collect()
}

fn sweep_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x_labels: Option<&[String]>,
    series: &[SweepSeries],
    targets: &[TargetLine],
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let shift = dodge(series);
    let points = series.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, _, low, high) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(low);
        y1 = y1.max(high);
    }
    for t in targets {
        y0 = y0.min(t.value);
        y1 = y1.max(t.value);
    }
    let widest = shift.iter().fold(0.0_f64, |m, s| m.max(s.abs()));
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    // 5 % either side (and room for the dodge); half a step for a single
    // point.
    let pad_x = if x1 > x0 { (x1 - x0) * 0.05 } else { 0.5 } + widest;
    let pad_y = ((y1 - y0) * 0.1).max(1e-3);
    // Several lines (or a target) get a legend column beside the plot,
    // never over it.
    let keyed = series.len() > 1 || !targets.is_empty();
    let legend_width = if keyed { 240 } else { 0 };
    let (plot, key_area) = legend_right(root, legend_width);
    let mut chart = ChartBuilder::on(&plot)
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
    let (left, right) = (x0 - pad_x, x1 + pad_x);
    let target_colour = RGBColor(90, 90, 90);
    for t in targets {
        chart.draw_series(DashedLineSeries::new(
            vec![(left, t.value), (right, t.value)],
            8,
            5,
            target_colour.stroke_width(2),
        ))?;
    }
    for (i, (_, pts)) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let dx = shift[i];
        chart.draw_series(LineSeries::new(
            pts.iter().map(|&(x, mean, _, _)| (x + dx, mean)),
            colour.stroke_width(2),
        ))?;
        chart.draw_series(pts.iter().filter(|&&(_, _, low, high)| high > low).map(
            |&(x, mean, low, high)| {
                ErrorBar::new_vertical(x + dx, low, mean, high, colour.stroke_width(1), 8)
            },
        ))?;
    }
    if keyed {
        let mut keys: Vec<(String, Key)> = series
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), Key::Line(PALETTE[i % PALETTE.len()])))
            .collect();
        keys.extend(
            targets
                .iter()
                .map(|t| (t.label.clone(), Key::Dashed(target_colour))),
        );
        draw_legend(&key_area, &keys, 13, 40)?;
    }
    Ok(())
}

/// A marked point of a precision–recall chart: label, shape, recall and
/// precision with their 95 % intervals (`[low, high]`).
pub struct PrMark {
    pub label: String,
    pub marker: Marker,
    pub recall: (f64, [f64; 2]),
    pub precision: (f64, [f64; 2]),
}

/// A precision–recall curve (recall on x, precision on y, one point per
/// threshold, in %) with marked operating points and their 95 % intervals.
/// The axes span the curve and every mark's interval, not 0–100 %.
pub fn pr_chart(
    dir: &Path,
    name: &str,
    title: &str,
    curve: &[(f64, f64)],
    marks: &[PrMark],
) -> Result<Chart> {
    register_fonts();
    Ok(render!(dir, name, title, (620, 600), |root| {
        pr_panel(root, title, curve, marks)
    }))
}

/// The range of `values` (shares), in %, padded by 6 % of its span (at
/// least a point either side) and kept within 0–100 %.
fn zoomed(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if lo > hi { (0.0, 1.0) } else { (lo, hi) };
    let pad = ((hi - lo) * 0.06).max(0.01);
    ((lo - pad).max(0.0) * 100.0)..((hi + pad).min(1.0) * 100.0)
}

fn pr_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    curve: &[(f64, f64)],
    marks: &[PrMark],
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let colour = |i: usize| PALETTE[(i + 1) % PALETTE.len()];
    let mut keys = vec![("one point per threshold".to_string(), Key::Line(PALETTE[0]))];
    keys.extend(
        marks
            .iter()
            .enumerate()
            .map(|(i, m)| (m.label.clone(), Key::Mark(m.marker, colour(i)))),
    );
    keys.push(("bars: 95 % Wilson intervals".to_string(), Key::Note));
    let (plot, key_area) = legend_below(root, legend_height(keys.len(), 13));
    let xs = zoomed(
        curve
            .iter()
            .map(|c| c.0)
            .chain(marks.iter().flat_map(|m| [m.recall.1[0], m.recall.1[1]])),
    );
    let ys = zoomed(
        curve.iter().map(|c| c.1).chain(
            marks
                .iter()
                .flat_map(|m| [m.precision.1[0], m.precision.1[1]]),
        ),
    );
    let (x_tick, y_tick) = (ticks_for(xs.end - xs.start), ticks_for(ys.end - ys.start));
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", 16).into_font().style(FontStyle::Bold))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(xs, ys)?;
    chart
        .configure_mesh()
        .x_desc("recall (%)")
        .y_desc("precision (%)")
        .x_label_formatter(&x_tick)
        .y_label_formatter(&y_tick)
        .label_style(("sans-serif", 13))
        .axis_desc_style(label_font())
        .draw()?;
    let pc = |v: f64| v * 100.0;
    let line = PALETTE[0];
    chart.draw_series(LineSeries::new(
        curve.iter().map(|&(r, p)| (pc(r), pc(p))),
        line.stroke_width(2),
    ))?;
    chart.draw_series(
        curve
            .iter()
            .map(|&(r, p)| Circle::new((pc(r), pc(p)), 2, line.filled())),
    )?;
    for (i, mark) in marks.iter().enumerate() {
        let colour = colour(i);
        let (r, [r_lo, r_hi]) = mark.recall;
        let (p, [p_lo, p_hi]) = mark.precision;
        chart.draw_series(std::iter::once(ErrorBar::new_vertical(
            pc(r),
            pc(p_lo),
            pc(p),
            pc(p_hi),
            colour.stroke_width(1),
            8,
        )))?;
        chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
            pc(p),
            pc(r_lo),
            pc(r),
            pc(r_hi),
            colour.stroke_width(1),
            8,
        )))?;
    }
    // The markers last, over every bar; a ring round a point that shares
    // its spot.
    let plotting = chart.plotting_area();
    let (bx, by) = plotting.get_base_pixel();
    let area = plotting.strip_coord_spec();
    for (i, mark) in marks.iter().enumerate() {
        let (x, y) = plotting.map_coordinate(&(pc(mark.recall.0), pc(mark.precision.0)));
        mark.marker.draw_at(&area, (x - bx, y - by), colour(i))?;
    }
    draw_legend(&key_area, &keys, 13, 10)?;
    Ok(())
}

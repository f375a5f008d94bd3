//! The experiment charts: the forest plot of a comparison, sweep panels and
//! the precision-recall chart of a calibration.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_model::error::{Error, Result};

use super::DrawResult;
use super::render;
use super::*;

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
    let size = if series.len() > 1 {
        (980, 420)
    } else {
        (760, 420)
    };
    Ok(render!(dir, name, title, size, |root| {
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
    // Several lines get a legend column beside the plot, never over it.
    let legend_width = if series.len() > 1 { 220 } else { 0 };
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
    for (i, (_, pts)) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        chart.draw_series(LineSeries::new(
            pts.iter().map(|&(x, mean, _, _)| (x, mean)),
            colour.stroke_width(2),
        ))?;
        chart.draw_series(pts.iter().map(|&(x, mean, low, high)| {
            ErrorBar::new_vertical(x, low, mean, high, colour.stroke_width(1), 8)
        }))?;
    }
    if series.len() > 1 {
        let keys: Vec<(String, Key)> = series
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), Key::Line(PALETTE[i % PALETTE.len()])))
            .collect();
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

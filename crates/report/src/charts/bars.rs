//! Horizontal bar-chart building blocks shared by the quality and trigger
//! charts.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use super::{DrawResult, GREEN};

pub(super) type Xy =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// A chart with one horizontal band per label (the first at the top) and a
/// numeric x axis from 0 to `x_max`; a percentage axis (`x_desc` "%")
/// numbers its ticks to 100 only, the room beyond being for the values
/// written past the bars.
pub(super) fn horizontal_chart<'a, DB: DrawingBackend>(
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
        .x_label_formatter(&|x| {
            if x_desc == "%" && *x > 100.0 + 1e-9 {
                String::new()
            } else {
                tick(x)
            }
        })
        .x_desc(x_desc)
        .label_style(("sans-serif", 15))
        .axis_desc_style(label_font())
        .draw()?;
    Ok(chart)
}

/// Labelled horizontal bars of percentages, value printed at each bar's end.
pub(super) fn horizontal_bars<DB: DrawingBackend>(
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
pub(super) fn category_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    y_max: f64,
    labels: &[String],
    groups: &[(&str, RGBColor, Vec<f64>)],
) -> DrawResult<DB> {
    let n = labels.len().max(1);
    let labels_owned = labels.to_vec();
    // Several groups get a legend between the title and the plot.
    let titled = area.titled(title, ("sans-serif", 19).into_font().style(FontStyle::Bold))?;
    let key_height = if groups.len() > 1 {
        legend_height(groups.len(), 14)
    } else {
        0
    };
    let (key_area, plot) = titled.split_vertically(key_height);
    let mut chart = ChartBuilder::on(&plot)
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
    for (g, (_, color, values)) in groups.iter().enumerate() {
        let color = *color;
        chart.draw_series(values.iter().enumerate().map(move |(i, v)| {
            let x0 = i as f64 - 0.4 + g as f64 * width;
            Rectangle::new([(x0, 0.0), (x0 + width * 0.95, *v)], color.filled())
        }))?;
    }
    if groups.len() > 1 {
        let keys: Vec<(String, Key)> = groups
            .iter()
            .map(|(name, color, _)| (name.to_string(), Key::Block(*color)))
            .collect();
        draw_legend(&key_area, &keys, 14, 14)?;
    }
    Ok(())
}

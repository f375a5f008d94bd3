//! The run day by day (`summary.json`'s `daily`, and `learning` when the
//! bot learns): what a learning bot or a changing week moves, one point per
//! simulated day, each share with its 95 % Wilson band.

use handoff_model::metrics::{Estimate, Period, Summary};

use super::time::{Band, Line, Panel};
use super::*;

/// A share line (in %) over the days and its band, from `f` of each day
/// that has the figure.
fn share_line(
    days: &[Period],
    label: &str,
    colour: RGBColor,
    dashed: bool,
    f: impl Fn(&Period) -> Option<Estimate>,
) -> (Line, Option<Band>) {
    let points: Vec<(f64, Estimate)> = days
        .iter()
        .filter_map(|d| Some((f64::from(d.from_day), f(d)?)))
        .collect();
    let band: Vec<(f64, f64, f64)> = points
        .iter()
        .filter_map(|(x, e)| e.ci95_range.map(|[l, h]| (*x, l * 100.0, h * 100.0)))
        .collect();
    (
        (
            label.to_string(),
            colour,
            points.iter().map(|(x, e)| (*x, e.value * 100.0)).collect(),
            dashed,
        ),
        (!band.is_empty()).then_some((colour, band)),
    )
}

fn day_panel(
    title: &str,
    y_desc: &str,
    n: usize,
    y_max: Option<f64>,
    series: Vec<(Line, Option<Band>)>,
) -> Panel {
    let mut panel = Panel::new(title, y_desc, 0.0..(n.max(2) - 1) as f64, y_max, series);
    panel.x_desc = "day".to_string();
    panel.legend_width = 300;
    panel
}

/// The panels of the day-by-day chart (empty for a run of a day or less).
pub fn daily_panels(summary: &Summary) -> Vec<Panel> {
    let Some(daily) = &summary.daily else {
        return Vec::new();
    };
    let days = &daily.days;
    let n = days.len();
    let mut panels = vec![
        day_panel(
            "Bot and triggers, by day of arrival",
            "share (%)",
            n,
            Some(100.0),
            vec![
                share_line(days, "handoff rate", RED, false, |d| Some(d.handoff_rate)),
                share_line(days, "containment", GREEN, true, |d| Some(d.containment)),
                share_line(days, "durable containment", GREEN, false, |d| {
                    d.durable_containment
                }),
                share_line(days, "trigger precision", PURPLE, false, |d| d.precision),
                share_line(days, "trigger recall", GREY, false, |d| d.recall),
            ],
        ),
        day_panel(
            "Service level, by day the contact joined the queue",
            "answered within threshold (%)",
            n,
            Some(100.0),
            vec![share_line(days, "service level", CHAT, false, |d| {
                d.service_level
            })],
        ),
        day_panel(
            "Agent hours the day's contacts took",
            "agent hours",
            n,
            None,
            vec![(
                (
                    "agent hours".to_string(),
                    VOICE,
                    days.iter()
                        .map(|d| (f64::from(d.from_day), d.agent_hours))
                        .collect(),
                    false,
                ),
                None,
            )],
        ),
    ];
    if let Some(learning) = &summary.learning {
        let mut series: Vec<(Line, Option<Band>)> = learning
            .intents
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    (
                        format!("resolve p, {name}"),
                        PALETTE[i % PALETTE.len()],
                        learning
                            .days
                            .iter()
                            .map(|d| (f64::from(d.day), d.resolve_probability[i] * 100.0))
                            .collect(),
                        false,
                    ),
                    None,
                )
            })
            .collect();
        series.push((
            (
                format!("ceiling {:.0} %", learning.ceiling * 100.0),
                GREY,
                vec![
                    (0.0, learning.ceiling * 100.0),
                    ((n.max(2) - 1) as f64, learning.ceiling * 100.0),
                ],
                true,
            ),
            None,
        ));
        if learning.target_precision.is_some() {
            let threshold: Vec<(f64, f64)> = learning
                .days
                .iter()
                .filter_map(|d| Some((f64::from(d.day), d.confidence_threshold? * 100.0)))
                .collect();
            series.push((
                (
                    "confidence threshold × 100".to_string(),
                    RED,
                    threshold,
                    true,
                ),
                None,
            ));
        }
        panels.push(day_panel(
            "What the bot learned: the model each day ran",
            "%",
            n,
            Some(100.0),
            series,
        ));
    }
    panels
}

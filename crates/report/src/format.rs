//! How figures and verdicts read: a value in its unit, a pooled figure
//! with its interval, the threshold lines of a printed table, and an
//! experiment's result as JSON with its verdicts. Shared by the printed
//! tables, the pages and the charts.

use std::fmt::Write as _;

use serde::Serialize;

use handoff_experiment::pooling::Aggregate;
use handoff_model::figures::Unit;
use handoff_model::thresholds::Verdict;

/// A value in its unit: "81.2 %", "23.4 s", "+0.12".
pub fn format_value(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1} %", value * 100.0),
        Unit::Seconds => format!("{value:.1} s"),
        // A score near zero reads 0.00, not -0.00 or +0.00.
        Unit::Score if (value * 100.0).round() == 0.0 => "0.00".to_string(),
        Unit::Score => format!("{value:+.2}"),
        Unit::Count => count_text(value),
    }
}

pub(crate) fn format_half(unit: Unit, half: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1}", half * 100.0),
        Unit::Seconds => format!("{half:.1}"),
        Unit::Score => format!("{half:.2}"),
        Unit::Count => count_text(half),
    }
}

/// A count or a mean count: a whole number as it is (1576, 3), otherwise
/// one decimal from 10 on and two below (177.3 escalations, 1.34 contacts
/// per agent).
fn count_text(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// " (10.1–15.2)" in percent; two decimals where the upper end is below
/// 0.1 % but above 0.
pub(crate) fn pct_range(low: f64, high: f64) -> String {
    let decimals = if high > 0.0 && high < 0.000_95 { 2 } else { 1 };
    format!(
        " ({:.*}–{:.*})",
        decimals,
        low * 100.0,
        decimals,
        high * 100.0
    )
}

pub(crate) fn format_aggregate(unit: Unit, a: &Aggregate) -> String {
    aggregate_text(unit, a, true)
}

/// [`format_aggregate`] without the unit, for a column whose header has
/// it: "39.7 (8.7–81.8)", "66.0 ± 67.9".
pub(crate) fn bare_aggregate(unit: Unit, a: &Aggregate) -> String {
    aggregate_text(unit, a, false)
}

/// The mean and its interval: "39.7 % (8.7–81.8)", "66.0 s ± 67.9"; the
/// mean's unit left out when `with_unit` is false (a score has none).
fn aggregate_text(unit: Unit, a: &Aggregate, with_unit: bool) -> String {
    let mean = match unit {
        Unit::Share | Unit::Seconds if !with_unit => format_half(unit, a.mean),
        _ => format_value(unit, a.mean),
    };
    match (a.ci95, a.ci95_range) {
        (Some(h), _) => format!("{mean} ± {}", format_half(unit, h)),
        (None, Some([low, high])) if unit == Unit::Share => {
            format!("{mean}{}", pct_range(low, high))
        }
        (None, Some([low, high])) => format!(
            "{mean} ({}–{})",
            format_half(unit, low),
            format_half(unit, high)
        ),
        (None, None) => mean,
    }
}

/// One line per threshold, after a blank line (nothing without thresholds).
pub fn threshold_lines(out: &mut String, verdicts: &[Verdict]) {
    if verdicts.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nThresholds");
    for v in verdicts {
        let _ = writeln!(out, "  {}", v.line());
    }
}

#[derive(Serialize)]
struct WithThresholds<'a, T: Serialize> {
    #[serde(flatten)]
    result: &'a T,
    thresholds: &'a [Verdict],
}

pub(crate) fn json<T: Serialize>(result: &T, verdicts: &[Verdict]) -> String {
    let mut text = serde_json::to_string_pretty(&WithThresholds {
        result,
        thresholds: verdicts,
    })
    .expect("experiment results serialise");
    text.push('\n');
    text
}

//! Outputs of `handoff-sim calibrate`: `calibration.json`, per rule a
//! precision–recall chart and a threshold-vs-metric chart, and
//! `calibration.html`; and the printed table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::charts::{self, PrMark, SweepSeries};
use crate::html::{STYLE, escape, figure};
use crate::write_svgs;
use handoff_calibration::calibrate::{Calibration, Interval, Point, RuleSweep, describe_threshold};
use handoff_model::error::Result;
use handoff_model::output::write_atomic;
use handoff_model::scenario::Scenario;

fn pct(i: Option<Interval>) -> String {
    match i {
        Some(i) => format!(
            "{:5.1} % ({:.1}–{:.1}, n={})",
            i.value * 100.0,
            i.low * 100.0,
            i.high * 100.0,
            i.n
        ),
        None => "—".into(),
    }
}

fn point_line(sweep: &RuleSweep, label: &str, threshold: f64, p: &Point) -> String {
    format!(
        "  {label:<13} {:<10} precision {}  recall {}  F1 {}  needless {}  delay {} turns\n",
        describe_threshold(sweep.rule, threshold),
        pct(p.precision),
        pct(p.recall),
        p.f1.map_or("—".into(), |f| format!("{f:.3}")),
        p.needless_rate
            .map_or("—".into(), |r| format!("{:.1} %", r * 100.0)),
        p.mean_delay_turns.map_or("—".into(), |d| format!("{d:.2}")),
    )
}

/// The printed summary: per rule, the scenario's setting and the operating
/// points for the target, with 95 % Wilson intervals and n.
pub fn table(c: &Calibration) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} conversations, {} labelled ({} needed a human). Target: {}. 95 % Wilson intervals; n is each figure's denominator.",
        c.transcripts.display(),
        c.conversations,
        c.labelled,
        c.needed_human,
        c.target.describe(),
    );
    for sweep in &c.sweeps {
        let _ = writeln!(
            out,
            "\n{} ({} thresholds counted, {} shown; other rules as in the scenario)",
            sweep.rule.name(),
            sweep.counted,
            sweep.points.len()
        );
        out.push_str(&point_line(
            sweep,
            "scenario",
            sweep.current,
            &sweep.at_current,
        ));
        match &sweep.recommended {
            Some(op) => out.push_str(&point_line(sweep, "recommended", op.threshold, &op.point)),
            None => {
                let _ = writeln!(
                    out,
                    "  recommended   none: no threshold reaches {}",
                    c.target.describe()
                );
            }
        }
        match &sweep.conservative {
            Some(op) => out.push_str(&point_line(sweep, "conservative", op.threshold, &op.point)),
            None => {
                let _ = writeln!(
                    out,
                    "  conservative  none: no threshold reaches {} at the lower end of its interval",
                    c.target.describe()
                );
            }
        }
    }
    out
}

/// Writes `calibration.json`, the charts and `calibration.html` into `dir`;
/// returns the HTML's path.
pub fn write(dir: &Path, c: &Calibration, scenario: &Scenario) -> Result<PathBuf> {
    let mut json = serde_json::to_string_pretty(c).expect("a calibration serialises");
    json.push('\n');
    write_atomic(&dir.join("calibration.json"), json.as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    let mut charts_out = Vec::new();
    for sweep in &c.sweeps {
        let name = sweep.rule.name();
        let curve: Vec<(f64, f64)> = sweep
            .points
            .iter()
            .filter_map(|p| Some((p.recall?.value, p.precision?.value)))
            .collect();
        let mark = |label: &str, p: &Point| {
            let (r, pr) = (p.recall?, p.precision?);
            Some(PrMark {
                label: label.to_string(),
                recall: (r.value, [r.low, r.high]),
                precision: (pr.value, [pr.low, pr.high]),
            })
        };
        let mut marks: Vec<PrMark> = Vec::new();
        marks.extend(mark(
            &format!("scenario {}", describe_threshold(sweep.rule, sweep.current)),
            &sweep.at_current,
        ));
        if let Some(op) = &sweep.recommended {
            marks.extend(mark(
                &format!(
                    "recommended {} ({})",
                    describe_threshold(sweep.rule, op.threshold),
                    c.target.describe()
                ),
                &op.point,
            ));
        }
        charts_out.push(charts::pr_chart(
            dir,
            &format!("pr_{name}"),
            &format!("Precision–recall, {name}"),
            &curve,
            &marks,
        )?);
        let with_ci = |label: &str, pick: &dyn Fn(&Point) -> Option<Interval>| -> SweepSeries {
            (
                label.to_string(),
                sweep
                    .points
                    .iter()
                    .filter_map(|p| {
                        let i = pick(p)?;
                        Some((p.threshold, i.value, i.low, i.high))
                    })
                    .collect(),
            )
        };
        let flat = |label: &str, pick: &dyn Fn(&Point) -> Option<f64>| -> SweepSeries {
            (
                label.to_string(),
                sweep
                    .points
                    .iter()
                    .filter_map(|p| pick(p).map(|v| (p.threshold, v, v, v)))
                    .collect(),
            )
        };
        let series = vec![
            with_ci("precision (95 % CI)", &|p| p.precision),
            with_ci("recall (95 % CI)", &|p| p.recall),
            flat("F1", &|p| p.f1),
            flat("needless-escalation rate", &|p| p.needless_rate),
        ];
        charts_out.push(charts::sweep_chart(
            dir,
            &format!("threshold_{name}"),
            &format!("Metrics against the threshold, {name}"),
            &format!("{name} threshold"),
            "share",
            None,
            &series,
        )?);
    }
    write_svgs(dir, &charts_out)?;
    let html = dir.join("calibration.html");
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · calibrate · {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · calibrate · {name}</h1>\n<p class=\"sub\">{file}: {n} conversations, {l} labelled, {h} needed a human. Target: {target}. Data: <a href=\"calibration.json\">calibration.json</a>.</p>\n\
         <p class=\"sub\">Each rule's threshold is swept with the other rules as in the scenario. Precision = needed / (needed + premature + needless), recall = needed / (needed + premature + missed); the needless-escalation rate is over conversations that needed no human; the delay is in turns from the need to the escalation. Intervals: 95 % Wilson score intervals (n: each figure's denominator). The recommended threshold meets the target at the point estimate (the highest recall, or precision, among those that do); the conservative one at the lower end of its interval.</p>\n",
        name = escape(&scenario.name),
        file = escape(&c.transcripts.display().to_string()),
        n = c.conversations,
        l = c.labelled,
        h = c.needed_human,
        target = escape(&c.target.describe()),
    );
    let _ = write!(
        page,
        "<h2>Operating points</h2>\n<pre>{}</pre>\n",
        escape(&table(c))
    );
    for chart in &charts_out {
        page.push_str(&figure(chart));
    }
    let _ = write!(
        page,
        "<h2>Scenario</h2>\n<pre>{}</pre>\n</body></html>\n",
        escape(&scenario.source)
    );
    write_atomic(&html, page.as_bytes())?;
    Ok(html)
}

//! Outputs of `handoff-sim calibrate`: `calibration.json`, per rule a
//! precision–recall chart and a threshold-vs-metric chart, and
//! `calibration.html`; and the printed table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::charts::{self, Marker, PrMark, SweepSeries};
use crate::html::{Cell, STYLE, data_table, escape, figure};
use crate::write_svgs;
use handoff_calibration::calibrate::{
    Calibration, Interval, OperatingPoint, Point, RuleSweep, Score, describe_threshold,
};
use handoff_model::error::Result;
use handoff_model::output::write_atomic;
use handoff_model::scenario::Scenario;

/// A share with its Wilson interval and n, as `replay` and `calibrate`
/// print it: "81.8 % (52.3–94.9, n=11)".
pub(crate) fn wilson_text(i: &Interval) -> String {
    format!(
        "{:.1} % ({:.1}–{:.1}, n={})",
        i.value * 100.0,
        i.low * 100.0,
        i.high * 100.0,
        i.n
    )
}

fn pct(i: Option<Interval>) -> String {
    match i {
        // The value padded to the width of "100.0", so the columns line up.
        Some(i) => {
            let pad = 5usize.saturating_sub(format!("{:.1}", i.value * 100.0).len());
            format!("{}{}", " ".repeat(pad), wilson_text(&i))
        }
        // As wide as a figure, so the columns stay aligned.
        None => format!("{:<28}", "    —"),
    }
}

fn score_line(label: &str, threshold: &str, s: &Score) -> String {
    format!(
        "  {label:<16} {threshold:<12} precision {}  recall {}  F1 {}  needless {}  delay {}\n",
        pct(s.precision),
        pct(s.recall),
        s.f1.map_or("—".into(), |f| format!("{f:.3}")),
        s.needless_rate
            .map_or("—".into(), |r| format!("{:.1} %", r * 100.0)),
        s.mean_delay_turns
            .map_or("—".into(), |d| format!("{d:.2} turns")),
    )
}

fn operating_line(
    out: &mut String,
    sweep: &RuleSweep,
    label: &str,
    op: Option<&OperatingPoint>,
    none: &str,
) {
    match op {
        Some(op) => {
            out.push_str(&score_line(
                label,
                &describe_threshold(sweep.rule, op.threshold),
                &op.point.score,
            ));
            let _ = writeln!(
                out,
                "  {:<16} every threshold in {} gives these figures{}",
                "",
                op.range.describe(sweep.rule),
                if op.threshold == sweep.current {
                    "; the scenario's setting is one of them"
                } else {
                    "; the middle is recommended"
                }
            );
        }
        None => {
            let _ = writeln!(out, "  {label:<16} none: {none}");
        }
    }
}

/// What the sweeps kept of the other rules.
fn others(c: &Calibration) -> &'static str {
    match c.only {
        Some(_) => "alone: every other rule off",
        None => "other rules as in the scenario",
    }
}

/// The printed summary: per rule, the scenario's setting and the operating
/// points for the target (with the thresholds tied with each), then each
/// rule without a threshold measured alone; 95 % Wilson intervals and n.
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
            "\n{} ({} thresholds counted, {} shown; {})",
            sweep.rule.name(),
            sweep.counted,
            sweep.points.len(),
            others(c)
        );
        out.push_str(&score_line(
            "scenario",
            &describe_threshold(sweep.rule, sweep.current),
            &sweep.at_current.score,
        ));
        if !sweep.decides {
            let (lo, hi) = sweep.rule.valid();
            let why = match c.only {
                Some(_) => "the rule never fires on this data",
                None => "the rule never fires before another rule does",
            };
            let _ = writeln!(
                out,
                "  {:<16} no threshold changes a decision on this data: every value from {lo} to {hi} gives these figures ({why})",
                ""
            );
            continue;
        }
        let target = c.target.describe();
        operating_line(
            &mut out,
            sweep,
            "recommended",
            sweep.recommended.as_ref(),
            &format!("no threshold reaches {target}"),
        );
        operating_line(
            &mut out,
            sweep,
            "conservative",
            sweep.conservative.as_ref(),
            &format!("no threshold reaches {target} at the lower end of its interval"),
        );
    }
    if !c.points.is_empty() {
        let _ = writeln!(
            out,
            "\nRules without a threshold, each alone (every other rule off): one point each"
        );
        for p in &c.points {
            out.push_str(&score_line(p.rule.name(), &p.setting, &p.score));
        }
    }
    out
}

/// The operating points as rows: per rule the scenario's setting, the
/// recommended and the conservative threshold, then each rule without a
/// threshold; the numbers of the printed table, unrounded in `data-value`.
pub(crate) fn operating_rows(c: &Calibration) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
    let headers = vec![
        "rule",
        "point",
        "threshold",
        "tied range",
        "precision",
        "precision 95 % low",
        "precision 95 % high",
        "precision n",
        "recall",
        "recall 95 % low",
        "recall 95 % high",
        "recall n",
        "F1",
        "needless-escalation rate",
        "mean delay (turns)",
    ];
    let pct_cell = |v: f64| Cell::number(format!("{:.1} %", v * 100.0), v);
    let row = |rule: &str, label: &str, threshold: Cell, range: String, s: &Score| {
        let interval = |i: Option<Interval>| match i {
            Some(i) => [
                pct_cell(i.value),
                pct_cell(i.low),
                pct_cell(i.high),
                Cell::number(i.n.to_string(), i.n as f64),
            ],
            None => std::array::from_fn(|_| Cell::text("—")),
        };
        let mut cells = vec![
            Cell::text(rule),
            Cell::text(label),
            threshold,
            Cell::text(range),
        ];
        cells.extend(interval(s.precision));
        cells.extend(interval(s.recall));
        cells.push(Cell::maybe(s.f1, |f| format!("{f:.3}")));
        cells.push(Cell::maybe(s.needless_rate, |r| {
            format!("{:.1} %", r * 100.0)
        }));
        cells.push(Cell::maybe(s.mean_delay_turns, |d| format!("{d:.2}")));
        cells
    };
    let mut rows = Vec::new();
    for sweep in &c.sweeps {
        let name = sweep.rule.name();
        let threshold = |t: f64| Cell::number(describe_threshold(sweep.rule, t), t);
        rows.push(row(
            name,
            "scenario",
            threshold(sweep.current),
            String::new(),
            &sweep.at_current.score,
        ));
        if !sweep.decides {
            continue;
        }
        for (label, op) in [
            ("recommended", &sweep.recommended),
            ("conservative", &sweep.conservative),
        ] {
            if let Some(op) = op {
                rows.push(row(
                    name,
                    label,
                    threshold(op.threshold),
                    op.range.describe(sweep.rule),
                    &op.point.score,
                ));
            }
        }
    }
    for p in &c.points {
        rows.push(row(
            p.rule.name(),
            "alone",
            Cell::text(p.setting.clone()),
            String::new(),
            &p.score,
        ));
    }
    (headers, rows)
}

/// Writes `calibration.json`, the charts and `calibration.html` into `dir`;
/// returns the HTML's path.
pub fn write(dir: &Path, c: &Calibration, scenario: &Scenario) -> Result<PathBuf> {
    let mut json = serde_json::to_string_pretty(c).expect("a calibration serialises");
    json.push('\n');
    write_atomic(&dir.join("calibration.json"), json.as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    let mut charts_out = Vec::new();
    for sweep in c.sweeps.iter().filter(|s| s.decides) {
        let name = sweep.rule.name();
        let prose = sweep.rule.prose();
        let curve: Vec<(f64, f64)> = sweep
            .points
            .iter()
            .filter_map(|p| Some((p.score.recall?.value, p.score.precision?.value)))
            .collect();
        let mark = |label: String, marker: Marker, p: &Point| {
            let (r, pr) = (p.score.recall?, p.score.precision?);
            Some(PrMark {
                label,
                marker,
                recall: (r.value, [r.low, r.high]),
                precision: (pr.value, [pr.low, pr.high]),
            })
        };
        let threshold = |t: f64| describe_threshold(sweep.rule, t);
        let target = c.target.describe();
        let mut marks: Vec<PrMark> = Vec::new();
        marks.extend(mark(
            format!("scenario's setting {}", threshold(sweep.current)),
            Marker::Ring,
            &sweep.at_current,
        ));
        if let Some(op) = &sweep.recommended {
            marks.extend(mark(
                format!("recommended {} ({target})", threshold(op.threshold)),
                Marker::Triangle,
                &op.point,
            ));
        }
        if let Some(op) = &sweep.conservative {
            marks.extend(mark(
                format!(
                    "conservative {} ({target} at the interval's low end)",
                    threshold(op.threshold)
                ),
                Marker::Cross,
                &op.point,
            ));
        }
        charts_out.push(charts::pr_chart(
            dir,
            &format!("pr_{name}"),
            &format!("Precision–recall by threshold: {prose}"),
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
            with_ci("precision (95 % CI)", &|p| p.score.precision),
            with_ci("recall (95 % CI)", &|p| p.score.recall),
            flat("F1", &|p| p.score.f1),
            flat("needless-escalation rate", &|p| p.score.needless_rate),
        ];
        charts_out.push(charts::sweep_chart(
            dir,
            &format!("threshold_{name}"),
            &format!("Metrics against the threshold: {prose}"),
            &format!("{prose} [{name}]"),
            "share",
            None,
            &series,
            &[],
        )?);
    }
    write_svgs(dir, &charts_out)?;
    let html = dir.join("calibration.html");
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · calibrate · {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · calibrate · {name}</h1>\n<p class=\"sub\">{file}: {n} conversations, {l} labelled, {h} needed a human. Target: {target}. Data: <a href=\"calibration.json\">calibration.json</a>.</p>\n\
         <p class=\"sub\">{how} Precision = needed / (needed + premature + needless), recall = needed / (needed + premature + missed); the needless-escalation rate is over conversations that needed no human; the delay is in turns from the need to the escalation. Intervals: 95 % Wilson score intervals (n: each figure's denominator). The recommended threshold meets the target at the point estimate (the highest recall, or precision, among those that do); the conservative one at the lower end of its interval.</p>\n",
        name = escape(&scenario.name),
        file = escape(&c.transcripts.display().to_string()),
        n = c.conversations,
        l = c.labelled,
        h = c.needed_human,
        target = escape(&c.target.describe()),
        how = escape(&match c.only {
            Some(rule) => format!(
                "`--only {}`: the rule alone, every other rule switched off.",
                rule.name()
            ),
            None => "Each rule's threshold is swept with the other rules as in the scenario; each rule without a threshold that is on is measured alone, as one point.".to_string(),
        }),
    );
    let (headers, rows) = operating_rows(c);
    let _ = write!(
        page,
        "<h2>Operating points</h2>\n<p class=\"sub\">A rule whose thresholds all give the same figures on this data shows its setting only. \"tied range\": every threshold in it decides every labelled conversation the same way.</p>\n{}",
        data_table(&headers, &rows)
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

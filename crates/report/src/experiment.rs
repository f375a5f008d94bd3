//! Outputs of experiments: the replicated run (`replications.json` and a
//! table) and the comparison of variants (`comparison.json`, the forest
//! plot, `compare.html` and a table). Like the run report, these only read
//! the results; nothing here feeds back into the model.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::charts::{self, ForestRow, SweepSeries};
use crate::html::{STYLE, escape, figure, thresholds_html};
use handoff_experiment::pooling::Aggregate;
use handoff_experiment::session::{Analysis, Design, Session};
use handoff_experiment::sweep::{self, PointResult};
use handoff_experiment::{Comparison, Replicated};
use handoff_model::error::Result;
use handoff_model::figures::Unit;
use handoff_model::output::write_atomic;
use handoff_model::overrides::Parameter;
use handoff_model::scenario::Scenario;
use handoff_model::thresholds::Verdict;

/// A value in its unit: "81.2 %", "23.4 s", "+0.12".
pub fn format_value(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1} %", value * 100.0),
        Unit::Seconds => format!("{value:.1} s"),
        Unit::Score => format!("{value:+.2}"),
    }
}

fn format_half(unit: Unit, half: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1}", half * 100.0),
        Unit::Seconds => format!("{half:.1}"),
        Unit::Score => format!("{half:.2}"),
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

fn format_aggregate(unit: Unit, a: &Aggregate) -> String {
    match (a.ci95, a.ci95_range) {
        (Some(h), _) => format!("{} ± {}", format_value(unit, a.mean), format_half(unit, h)),
        (None, Some([low, high])) if unit == Unit::Share => {
            format!("{}{}", format_value(unit, a.mean), pct_range(low, high))
        }
        (None, Some([low, high])) => format!(
            "{} ({}–{})",
            format_value(unit, a.mean),
            format_half(unit, low),
            format_half(unit, high)
        ),
        (None, None) => format_value(unit, a.mean),
    }
}

/// The printed table of a replicated run, with the threshold verdicts.
pub fn replicated_table(r: &Replicated, verdicts: &[Verdict]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} replications (seed {}); mean ± 95 % CI across replications",
        r.scenario, r.replications, r.seed
    );
    for m in &r.metrics {
        let _ = writeln!(
            out,
            "  {:<26} {:>22}   n={}",
            m.metric.name,
            format_aggregate(m.metric.unit, &m.aggregate),
            m.aggregate.n
        );
    }
    threshold_lines(&mut out, verdicts);
    out
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

fn json<T: Serialize>(result: &T, verdicts: &[Verdict]) -> String {
    let mut text = serde_json::to_string_pretty(&WithThresholds {
        result,
        thresholds: verdicts,
    })
    .expect("experiment results serialise");
    text.push('\n');
    text
}

/// Writes `replications.json` and `scenario.toml`; returns the JSON's path.
pub fn write_replicated(
    dir: &Path,
    r: &Replicated,
    verdicts: &[Verdict],
    scenario: &Scenario,
) -> Result<PathBuf> {
    let path = dir.join("replications.json");
    write_atomic(&path, json(r, verdicts).as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    Ok(path)
}

/// The printed table of a comparison.
pub fn comparison_table(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} variants × {} replications on common random numbers; baseline `{}`",
        c.scenario,
        c.variants.len(),
        c.replications,
        c.baseline
    );
    for m in &c.metrics {
        let _ = writeln!(out, "\n  {}", m.metric.name);
        for (i, (name, a)) in c.variants.iter().zip(&m.variants).enumerate() {
            let diff = match i.checked_sub(1).and_then(|j| m.differences[j]) {
                Some(d) => format!(
                    "   Δ {} ± {} paired (± {} unpaired){}",
                    signed(m.metric.unit, d.difference),
                    format_half(m.metric.unit, d.paired_ci95),
                    format_half(m.metric.unit, d.unpaired_ci95),
                    if d.significant { "  significant" } else { "" }
                ),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "    {:<22} {:>20}{diff}",
                name,
                format_aggregate(m.metric.unit, a)
            );
        }
    }
    let _ = writeln!(out, "\n{}", c.method);
    out
}

fn signed(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Share => format!("{:+.1} pt", value * 100.0),
        Unit::Seconds => format!("{value:+.1} s"),
        Unit::Score => format!("{value:+.2}"),
    }
}

/// The forest plot's rows: every metric × non-baseline variant with a
/// difference, in % of the baseline's value.
pub fn forest_rows(c: &Comparison) -> Vec<ForestRow> {
    let mut rows = Vec::new();
    for m in &c.metrics {
        let base = m.variants[0].mean;
        if base.abs() < 1e-12 {
            continue;
        }
        for (j, d) in m.differences.iter().enumerate() {
            let Some(d) = d else { continue };
            let scale = 100.0 / base.abs();
            rows.push(ForestRow {
                label: format!("{} · {}", m.metric.name, c.variants[j + 1]),
                difference: d.difference * scale,
                paired: d.paired_ci95 * scale,
                unpaired: d.unpaired_ci95 * scale,
                significant: d.significant,
            });
        }
    }
    rows
}

/// Writes `comparison.json`, the forest plot (SVG, PNG), `compare.html` and
/// `scenario.toml`; returns the HTML's path.
pub fn write_comparison(
    dir: &Path,
    c: &Comparison,
    verdicts: &[Verdict],
    scenario: &Scenario,
) -> Result<PathBuf> {
    write_atomic(&dir.join("comparison.json"), json(c, verdicts).as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    let forest = charts::forest_plot(dir, &forest_rows(c))?;
    write_atomic(&dir.join("forest.svg"), forest.svg.as_bytes())?;
    let html = dir.join("compare.html");
    write_atomic(
        &html,
        compare_html(c, verdicts, &forest, &scenario.source).as_bytes(),
    )?;
    Ok(html)
}

/// The comparison page, in the style of `report.html`: self-contained.
pub fn compare_html(
    c: &Comparison,
    verdicts: &[Verdict],
    forest: &charts::Chart,
    scenario_text: &str,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · compare · {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · compare · {name}</h1>\n<p class=\"sub\">{n} variants × {r} replications on common random numbers (seed {seed}); baseline <b>{base}</b></p>\n",
        name = escape(&c.scenario),
        n = c.variants.len(),
        r = c.replications,
        seed = c.seed,
        base = escape(&c.baseline),
    );
    out.push_str("<h2>Metrics</h2>\n<table><tr><th>metric</th>");
    for v in &c.variants {
        let _ = write!(out, "<th>{}</th>", escape(v));
    }
    for v in c.variants.iter().skip(1) {
        let _ = write!(out, "<th>Δ {} (paired · unpaired)</th>", escape(v));
    }
    out.push_str("</tr>\n");
    for m in &c.metrics {
        let _ = write!(out, "<tr><td>{}</td>", escape(&m.metric.name));
        for a in &m.variants {
            let _ = write!(
                out,
                "<td class=\"value\">{}</td>",
                escape(&format_aggregate(m.metric.unit, a))
            );
        }
        for d in &m.differences {
            let cell = match d {
                Some(d) => format!(
                    "{} ± {} · ± {}{}",
                    signed(m.metric.unit, d.difference),
                    format_half(m.metric.unit, d.paired_ci95),
                    format_half(m.metric.unit, d.unpaired_ci95),
                    if d.significant { " ★" } else { "" }
                ),
                None => "–".into(),
            };
            let _ = write!(out, "<td class=\"value\">{}</td>", escape(&cell));
        }
        out.push_str("</tr>\n");
    }
    let _ = writeln!(
        out,
        "</table>\n<p class=\"sub\">{} ★ = significant.</p>",
        escape(c.method)
    );
    out.push_str(&thresholds_html(verdicts));
    out.push_str(&figure(forest));
    let _ = write!(
        out,
        "<h2>Scenario</h2>\n<pre>{}</pre>\n</body></html>\n",
        escape(scenario_text)
    );
    out
}

/// The metrics a sweep prints per point (those present).
const SWEEP_TABLE: [&str; 5] = [
    "service_level",
    "asa",
    "abandonment",
    "handoff_rate",
    "missed_escalation_rate",
];

/// The printed table of a sweep: one line per point.
pub fn sweep_table(scenario: &str, replications: u32, results: &[PointResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{scenario}: sweep of {} points × {replications} replications; mean ± 95 % CI",
        results.len()
    );
    for r in results {
        let settings: Vec<String> = r.settings.iter().map(|(p, v)| format!("{p}={v}")).collect();
        let _ = writeln!(out, "  {}", settings.join(", "));
        for name in SWEEP_TABLE {
            if let Some(m) = r.metrics.iter().find(|m| m.metric.name == name) {
                let _ = writeln!(
                    out,
                    "      {:<24} {:>20}",
                    name,
                    format_aggregate(m.metric.unit, &m.aggregate)
                );
            }
        }
    }
    out
}

/// Writes `sweep.csv`, a chart per headline metric against the first
/// parameter (one line per combination of the others), `sweep.html` and
/// `scenario.toml`; returns the HTML's path.
pub fn write_sweep(
    dir: &Path,
    parameters: &[Parameter],
    results: &[PointResult],
    replications: u32,
    verdicts: &[Verdict],
    scenario: &Scenario,
) -> Result<PathBuf> {
    if !verdicts.is_empty() {
        let mut text = serde_json::to_string_pretty(verdicts).expect("verdicts serialise");
        text.push('\n');
        write_atomic(&dir.join("thresholds.json"), text.as_bytes())?;
    }
    write_atomic(
        &dir.join("sweep.csv"),
        sweep::csv(parameters, results).as_bytes(),
    )?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    let x_param = &parameters[0];
    let x_text: Vec<String> = x_param
        .values
        .iter()
        .map(|v| v.to_string().trim().trim_matches('"').to_string())
        .collect();
    let numeric: Option<Vec<f64>> = x_text.iter().map(|t| t.parse::<f64>().ok()).collect();
    let x_of = |value: &str| -> f64 {
        let text = value.trim_matches('"');
        let i = x_text.iter().position(|t| t == text).unwrap_or(0);
        numeric.as_ref().map_or(i as f64, |xs| xs[i])
    };
    let mut charts = Vec::new();
    for metric in handoff_model::figures::headline() {
        let mut series: Vec<SweepSeries> = Vec::new();
        for r in results {
            let Some(m) = r.metrics.iter().find(|m| m.metric.name == metric.name) else {
                continue;
            };
            let others: Vec<String> = r.settings[1..]
                .iter()
                .map(|(p, v)| format!("{p}={v}"))
                .collect();
            let label = if others.is_empty() {
                metric.name.clone()
            } else {
                others.join(", ")
            };
            let scale = if metric.unit == Unit::Share {
                100.0
            } else {
                1.0
            };
            let a = &m.aggregate;
            let point = (
                x_of(&r.settings[0].1),
                a.mean * scale,
                a.low() * scale,
                a.high() * scale,
            );
            match series.iter_mut().find(|(l, _)| *l == label) {
                Some((_, pts)) => pts.push(point),
                None => series.push((label, vec![point])),
            }
        }
        if series.is_empty() {
            continue;
        }
        let unit = match metric.unit {
            Unit::Share => "%",
            Unit::Seconds => "s",
            Unit::Score => "score",
        };
        let chart = charts::sweep_chart(
            dir,
            &format!("sweep_{}", metric.name),
            &format!("{} against {}", metric.name, x_param.path),
            &x_param.path,
            &format!("{} ({unit})", metric.name),
            numeric.is_none().then_some(x_text.as_slice()),
            &series,
        )?;
        write_atomic(
            &dir.join(format!("{}.svg", chart.name)),
            chart.svg.as_bytes(),
        )?;
        charts.push(chart);
    }
    let html = dir.join("sweep.html");
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · sweep · {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · sweep · {name}</h1>\n<p class=\"sub\">{points} points × {replications} replications (seed {seed}); every figure is the mean over replications with its 95 % interval (bars). Data: <a href=\"sweep.csv\">sweep.csv</a>.</p>\n",
        name = escape(&scenario.name),
        points = results.len(),
        seed = scenario.seed,
    );
    page.push_str(&thresholds_html(verdicts));
    for chart in &charts {
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

/// Writes an analysed experiment into `dir` ([`Session::analyse`]) and
/// returns the table to print and the main output's path.
pub fn write_experiment(
    dir: &Path,
    session: &Session,
    analysis: &Analysis,
    verdicts: &[Verdict],
) -> Result<(String, PathBuf)> {
    match analysis {
        Analysis::Replicated(result) => {
            let table = replicated_table(result, verdicts);
            let path = write_replicated(dir, result, verdicts, &session.scenario)?;
            Ok((table, path))
        }
        Analysis::Compared(result) => {
            let mut table = comparison_table(result);
            threshold_lines(&mut table, verdicts);
            let path = write_comparison(dir, result, verdicts, &session.scenario)?;
            Ok((table, path))
        }
        Analysis::Swept(results) => {
            let Design::Sweep { parameters, .. } = &session.design else {
                unreachable!("a sweep's analysis comes from a sweep design");
            };
            let mut table = sweep_table(&session.scenario.name, session.replications, results);
            threshold_lines(&mut table, verdicts);
            let path = write_sweep(
                dir,
                parameters,
                results,
                session.replications,
                verdicts,
                &session.scenario,
            )?;
            Ok((table, path))
        }
    }
}

/// A session's results judged, analysed and written into `dir`: the table
/// to print, the main output's path and the verdicts.
pub fn finish(
    dir: &Path,
    session: &Session,
    results: Vec<(usize, serde_json::Value)>,
) -> Result<(String, PathBuf, Vec<Verdict>)> {
    let (analysis, verdicts) = session.analyse(results)?;
    let (table, path) = write_experiment(dir, session, &analysis, &verdicts)?;
    Ok((table, path, verdicts))
}

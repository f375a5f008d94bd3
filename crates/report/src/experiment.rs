//! Outputs of experiments: the replicated run (`replications.json` and a
//! table) and the comparison of variants (`comparison.json`, the forest
//! plot, `compare.html` and a table). Like the run report, these only read
//! the results; nothing here feeds back into the model.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::charts::{self, ForestPanel, ForestRow, SweepSeries};
use crate::format::{bare_aggregate, format_aggregate, format_half, json};
pub use crate::format::{format_value, threshold_lines};
use crate::html::{Cell, STYLE, data_table, escape, figure, thresholds_html};
use handoff_experiment::Comparison;
use handoff_experiment::sweep::{self, PointResult};
use handoff_model::error::Result;
use handoff_model::figures::Unit;
use handoff_model::output::write_atomic;
use handoff_model::overrides::Parameter;
use handoff_model::scenario::Scenario;
use handoff_model::thresholds::Verdict;

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
        let _ = writeln!(out, "\n  {} [{}]", m.metric.prose(), m.metric.name);
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

/// A difference with its sign, "+1.9 s", "-2.0 pt"; one that rounds to
/// zero has none ("0.0 pt", never "-0.0 pt").
fn signed(unit: Unit, value: f64) -> String {
    let (scaled, decimals, suffix) = match unit {
        Unit::Share => (value * 100.0, 1, " pt"),
        Unit::Seconds => (value, 1, " s"),
        Unit::Score | Unit::Count => (value, 2, ""),
    };
    let step = 10f64.powi(decimals as i32);
    if (scaled * step).round() == 0.0 {
        return format!("{:.*}{suffix}", decimals, 0.0);
    }
    format!("{scaled:+.decimals$}{suffix}")
}

/// Rows of text under a header, each column as wide as its widest cell:
/// the first `left` columns left-aligned (names, settings), the rest
/// right-aligned (figures).
pub(crate) fn text_grid(headers: &[String], rows: &[Vec<String>], left: usize) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain(std::iter::once(headers[i].chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..headers.len()).map(width).collect();
    let line = |cells: &[String]| {
        let mut text = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            text.push_str("  ");
            if i < left {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            }
        }
        text.trim_end().to_string()
    };
    let mut out = line(headers);
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// The forest plot's panels: per metric, each non-baseline variant's
/// difference in the metric's own units (points for a share). A metric on
/// which no variant differs at all (identical on common random numbers:
/// the difference and its paired interval are zero on every replication)
/// gets no panel; its name is in the second list.
pub fn forest_panels(c: &Comparison) -> (Vec<ForestPanel>, Vec<String>) {
    let mut panels = Vec::new();
    let mut identical = Vec::new();
    for m in &c.metrics {
        let (scale, unit) = match m.metric.unit {
            Unit::Share => (100.0, "percentage points"),
            Unit::Seconds => (1.0, "seconds"),
            Unit::Score => (1.0, "score points"),
            Unit::Count => (1.0, "count"),
        };
        let rows: Vec<ForestRow> = m
            .differences
            .iter()
            .enumerate()
            .filter_map(|(j, d)| {
                let d = d.as_ref()?;
                Some(ForestRow {
                    label: c.variants[j + 1].clone(),
                    difference: d.difference * scale,
                    paired: d.paired_ci95 * scale,
                    unpaired: d.unpaired_ci95 * scale,
                    significant: d.significant,
                })
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        if rows.iter().all(|r| r.difference == 0.0 && r.paired == 0.0) {
            identical.push(m.metric.prose().to_string());
            continue;
        }
        panels.push(ForestPanel {
            metric: format!("{} [{}]", m.metric.prose(), m.metric.name),
            unit: unit.to_string(),
            rows,
        });
    }
    (panels, identical)
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
    let (panels, identical) = forest_panels(c);
    let forest = charts::forest_plot(dir, &panels)?;
    write_atomic(&dir.join("forest.svg"), forest.svg.as_bytes())?;
    let html = dir.join("compare.html");
    write_atomic(
        &html,
        compare_html(c, verdicts, &forest, &identical, &scenario.source).as_bytes(),
    )?;
    Ok(html)
}

/// The comparison page, in the style of `report.html`: self-contained.
pub fn compare_html(
    c: &Comparison,
    verdicts: &[Verdict],
    forest: &charts::Chart,
    identical: &[String],
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
        let _ = write!(
            out,
            "<tr><td>{} <code>[{}]</code></td>",
            escape(&m.metric.prose()),
            escape(&m.metric.name)
        );
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
    if !identical.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"sub\">No variant differs at all from the baseline (the same value on every replication, common random numbers) in: {}; they have no panel.</p>",
            escape(&identical.join(", "))
        );
    }
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

/// The sweep as a grid: one row per point (its settings, then the mean
/// and 95 % interval of each of [`SWEEP_TABLE`]'s metrics).
pub(crate) fn sweep_grid(results: &[PointResult]) -> (Vec<String>, Vec<Vec<String>>, usize) {
    let Some(first) = results.first() else {
        return (Vec::new(), Vec::new(), 0);
    };
    let parameters: Vec<String> = first.settings.iter().map(|(p, _)| p.clone()).collect();
    // A column for every metric any point has (as sweep.csv).
    let metrics: Vec<&handoff_model::figures::Metric> = SWEEP_TABLE
        .iter()
        .filter_map(|name| {
            results
                .iter()
                .flat_map(|r| &r.metrics)
                .find(|m| m.metric.name == *name)
                .map(|m| &m.metric)
        })
        .collect();
    // A parameter by its last key segment when that is unambiguous (the
    // full keys are listed under the grid).
    let last = |p: &String| p.rsplit('.').next().unwrap_or(p).to_string();
    let unique = parameters
        .iter()
        .all(|p| parameters.iter().filter(|q| last(q) == last(p)).count() == 1);
    let mut headers: Vec<String> = parameters
        .iter()
        .map(|p| if unique { last(p) } else { p.clone() })
        .collect();
    headers.extend(metrics.iter().map(|m| {
        let unit = match m.unit {
            Unit::Share => ", %",
            Unit::Seconds => ", s",
            Unit::Score | Unit::Count => "",
        };
        format!("{}{unit}", m.prose())
    }));
    let rows = results
        .iter()
        .map(|r| {
            let mut row: Vec<String> = r
                .settings
                .iter()
                .map(|(_, v)| v.trim_matches('"').to_string())
                .collect();
            for metric in &metrics {
                row.push(
                    r.metrics
                        .iter()
                        .find(|m| m.metric.name == metric.name)
                        .map_or("—".into(), |m| {
                            bare_aggregate(m.metric.unit, &m.aggregate)
                        }),
                );
            }
            row
        })
        .collect();
    (headers, rows, parameters.len())
}

/// The grid as page rows: the full parameter keys and the metrics' words
/// as headers; each figure with its exact mean and bounds in data
/// attributes (the numbers of sweep.csv).
pub(crate) fn sweep_html_rows(results: &[PointResult]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let Some(first) = results.first() else {
        return (Vec::new(), Vec::new());
    };
    let names: Vec<&str> = SWEEP_TABLE
        .iter()
        .copied()
        .filter(|name| {
            results
                .iter()
                .any(|r| r.metrics.iter().any(|m| m.metric.name == *name))
        })
        .collect();
    let mut headers: Vec<String> = first.settings.iter().map(|(p, _)| p.clone()).collect();
    headers.extend(names.iter().map(|n| {
        let words = handoff_model::figures::prose(n).unwrap_or(n);
        format!("{words} [{n}]")
    }));
    let rows = results
        .iter()
        .map(|r| {
            let mut row: Vec<Cell> = r
                .settings
                .iter()
                .map(|(_, v)| Cell::text(v.trim_matches('"')))
                .collect();
            for name in &names {
                row.push(match r.metrics.iter().find(|m| m.metric.name == *name) {
                    Some(m) => {
                        let a = &m.aggregate;
                        Cell::estimate(
                            format_aggregate(m.metric.unit, a),
                            a.mean,
                            (a.ci95.is_some() || a.ci95_range.is_some())
                                .then(|| [a.low(), a.high()]),
                        )
                    }
                    None => Cell::text("—"),
                });
            }
            row
        })
        .collect();
    (headers, rows)
}

/// The printed table of a sweep: the grid of points × metrics, then which
/// key each column is.
pub fn sweep_table(scenario: &str, replications: u32, results: &[PointResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{scenario}: sweep of {} points × {replications} replications; mean and 95 % CI over replications\n",
        results.len()
    );
    let (headers, rows, left) = sweep_grid(results);
    if headers.is_empty() {
        return out;
    }
    out.push_str(&text_grid(&headers, &rows, left));
    let mut keys: Vec<String> = results[0]
        .settings
        .iter()
        .zip(&headers)
        .filter(|((p, _), h)| p != *h)
        .map(|((p, _), h)| format!("{h} [{p}]"))
        .collect();
    keys.extend(SWEEP_TABLE.iter().filter_map(|name| {
        let m = results
            .iter()
            .flat_map(|r| &r.metrics)
            .find(|m| m.metric.name == *name)?;
        (m.metric.prose() != *name).then(|| format!("{} [{name}]", m.metric.prose()))
    }));
    let _ = writeln!(
        out,
        "\ncolumns: {}; every headline metric is in sweep.csv",
        keys.join(", ")
    );
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
        let scale = if metric.unit == Unit::Share {
            100.0
        } else {
            1.0
        };
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
            Unit::Count => "count",
        };
        // Every threshold declared on this metric, once, as a line.
        let mut targets: Vec<charts::TargetLine> = Vec::new();
        for v in verdicts {
            // A sweep's verdict names its point: "count=6, …: service_level".
            let name = v
                .threshold
                .metric
                .rsplit_once(": ")
                .map_or(v.threshold.metric.as_str(), |(_, m)| m);
            if name != metric.name && name != metric.path {
                continue;
            }
            let t = handoff_model::thresholds::Threshold {
                metric: name.to_string(),
                ..v.threshold.clone()
            };
            let label = format!("threshold {}", t.describe());
            if targets.iter().all(|l| l.label != label) {
                targets.push(charts::TargetLine {
                    label,
                    value: t.bound * scale,
                });
            }
        }
        let chart = charts::sweep_chart(
            dir,
            &format!("sweep_{}", metric.name),
            &format!("{} against {}", metric.prose(), x_param.path),
            &x_param.path,
            &format!("{} ({unit}) [{}]", metric.prose(), metric.name),
            numeric.is_none().then_some(x_text.as_slice()),
            &series,
            &targets,
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
    let (headers, rows) = sweep_html_rows(results);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let _ = write!(
        page,
        "<h2>Points</h2>\n<p class=\"sub\">Mean over replications and its 95 % interval; every headline metric is in sweep.csv.</p>\n{}",
        data_table(&headers, &rows)
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_that_rounds_to_zero_has_no_sign() {
        assert_eq!(signed(Unit::Share, -0.000_04), "0.0 pt");
        assert_eq!(signed(Unit::Share, 0.000_04), "0.0 pt");
        assert_eq!(signed(Unit::Share, -0.02), "-2.0 pt");
        assert_eq!(signed(Unit::Seconds, 19.06), "+19.1 s");
        assert_eq!(signed(Unit::Seconds, -0.04), "0.0 s");
        assert_eq!(signed(Unit::Score, -0.004), "0.00");
        assert_eq!(signed(Unit::Score, -0.76), "-0.76");
    }

    #[test]
    fn a_text_grid_aligns_every_column_to_its_widest_cell() {
        let headers = vec!["count".to_string(), "service level, %".to_string()];
        let rows = vec![
            vec!["6".to_string(), "39.7 (8.7–81.8)".to_string()],
            vec!["10".to_string(), "61.1 (49.7–71.4)".to_string()],
        ];
        let grid = text_grid(&headers, &rows, 1);
        let lines: Vec<&str> = grid.lines().collect();
        assert_eq!(
            lines,
            [
                "   count  service level, %",
                "   6       39.7 (8.7–81.8)",
                "   10     61.1 (49.7–71.4)",
            ]
        );
    }
}

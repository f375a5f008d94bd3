//! Outputs of experiments: the replicated run (`replications.json` and a
//! table) and the comparison of variants (`comparison.json`, the forest
//! plot, `compare.html` and a table). Like the run report, these only read
//! the results; nothing here feeds back into the model.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::charts::{self, ForestRow};
use super::html::{STYLE, escape, strip_xml_declaration};
use super::write_atomic;
use crate::error::Result;
use crate::experiment::metrics::{Aggregate, Unit};
use crate::experiment::thresholds::Verdict;
use crate::experiment::{Comparison, Replicated};
use crate::scenario::Scenario;

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

fn format_aggregate(unit: Unit, a: &Aggregate) -> String {
    match a.ci95 {
        Some(h) => format!("{} ± {}", format_value(unit, a.mean), format_half(unit, h)),
        None => format_value(unit, a.mean),
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
        compare_html(c, &forest.svg, &scenario.source).as_bytes(),
    )?;
    Ok(html)
}

/// The comparison page, in the style of `report.html`: self-contained.
pub fn compare_html(c: &Comparison, forest_svg: &str, scenario_text: &str) -> String {
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
    let _ = writeln!(
        out,
        "<figure id=\"forest\"><figcaption>Differences to the baseline</figcaption>\n{}\n<p class=\"sub\">Also as <a href=\"forest.svg\">forest.svg</a> and <a href=\"forest.png\">forest.png</a>.</p></figure>",
        strip_xml_declaration(forest_svg)
    );
    let _ = write!(
        out,
        "<h2>Scenario</h2>\n<pre>{}</pre>\n</body></html>\n",
        escape(scenario_text)
    );
    out
}

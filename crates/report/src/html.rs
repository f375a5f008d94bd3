//! `report.html`: one self-contained page — headline table, every chart as
//! inline SVG, and the scenario text — with no scripts and no external
//! resources, so it opens anywhere, offline.
//!
//! Each headline value carries its exact number in a `data-value` attribute
//! (the same JSON number as in `summary.json`), so tools and tests can read
//! the page without parsing the rounded text.

use std::fmt::Write as _;

use crate::charts::Chart;
use crate::format::format_aggregate;
use crate::{pct, secs};
use handoff_experiment::parts::{Part, Parts};
use handoff_experiment::pooling::Aggregate;
use handoff_model::figures::Unit;
use handoff_model::metrics::Summary;
use handoff_model::thresholds::Verdict;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One headline figure: key, label, value, sample size, formatted text.
pub struct Headline {
    pub key: &'static str,
    pub label: &'static str,
    pub value: f64,
    pub n: u64,
    pub text: String,
}

/// The headline figures of a run, in display order. Every value is the one
/// in `summary.json` (the JSON path is in `key`).
pub fn headlines(summary: &Summary) -> Vec<Headline> {
    let m = &summary.measured;
    let q = &m.human_queue;
    let mut rows = vec![
        Headline {
            key: "measured.human_queue.service_level.value",
            label: "Service level",
            value: q.service_level.value,
            n: q.service_level.n,
            text: format!("{} within {:.0} s", pct(&q.service_level), q.threshold_s),
        },
        Headline {
            key: "measured.human_queue.asa_s.value",
            label: "Average speed of answer",
            value: q.asa_s.value,
            n: q.asa_s.n,
            text: secs(&q.asa_s),
        },
        Headline {
            key: "measured.human_queue.abandonment_rate.value",
            label: "Abandonment (queue)",
            value: q.abandonment_rate.value,
            n: q.abandonment_rate.n,
            text: pct(&q.abandonment_rate),
        },
    ];
    if let Some(bot) = &m.bot {
        rows.push(Headline {
            key: "measured.bot.handoff_rate.value",
            label: "Handoff rate",
            value: bot.handoff_rate.value,
            n: bot.handoff_rate.n,
            text: pct(&bot.handoff_rate),
        });
    }
    rows.push(Headline {
        key: "measured.human_queue.post_handoff_fcr.value",
        label: "Post-handoff FCR",
        value: q.post_handoff_fcr.value,
        n: q.post_handoff_fcr.n,
        text: pct(&q.post_handoff_fcr),
    });
    rows.push(Headline {
        key: "measured.handoff.repeat_contact_rate.value",
        label: "Repeat contacts (48 h)",
        value: m.handoff.repeat_contact_rate.value,
        n: m.handoff.repeat_contact_rate.n,
        text: pct(&m.handoff.repeat_contact_rate),
    });
    let csat = &m.handoff.csat;
    if let Some(delta) = csat.delta {
        rows.push(Headline {
            key: "measured.handoff.csat.delta",
            label: "CSAT delta (escalated − automated)",
            value: delta,
            n: csat.automated.n + csat.escalated.n,
            text: format!(
                "{delta:+.2} ({:.2} vs {:.2} of 5)",
                csat.escalated.value, csat.automated.value
            ),
        });
    }
    for (p, pool) in summary.pools.iter().enumerate() {
        rows.push(Headline {
            key: POOL_KEYS
                .get(p)
                .copied()
                .unwrap_or("pools[].occupancy.value"),
            label: "Occupancy",
            value: pool.occupancy.value,
            n: u64::from(pool.agents),
            text: format!("{:.1} % — {}", pool.occupancy.value * 100.0, pool.name),
        });
    }
    rows
}

/// JSON paths of the first pools' occupancy (the headline key must be static).
const POOL_KEYS: [&str; 8] = [
    "pools[0].occupancy.value",
    "pools[1].occupancy.value",
    "pools[2].occupancy.value",
    "pools[3].occupancy.value",
    "pools[4].occupancy.value",
    "pools[5].occupancy.value",
    "pools[6].occupancy.value",
    "pools[7].occupancy.value",
];

pub(crate) const STYLE: &str = "body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}\
h1{margin-bottom:.2em}.sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:1em 0}\
td,th{border-bottom:1px solid #ddd;padding:.35em .9em;text-align:left}td.value{font-weight:bold;text-align:right;white-space:nowrap}\
td.n{color:#666;text-align:right}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
table.data th{position:sticky;top:0;background:#fff}\
div.wide{overflow-x:auto}table.data{font-size:.85em}table.data td,table.data th{padding:.3em .55em}table.data td{white-space:nowrap}figure{margin:2em 0}figcaption{font-weight:bold;margin-bottom:.4em}\
svg{max-width:100%;height:auto}pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:.85em}";

/// The whole page.
pub fn report_html(
    summary: &Summary,
    charts: &[Chart],
    scenario_text: &str,
    timing: &super::Timing,
) -> String {
    let mut out = String::new();
    let c = &summary.conversations;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · {name}</h1>\n<p class=\"sub\">seed {seed} · replication {rep} · {hours:.1} h simulated, {warm:.1} h warm-up · {arrivals} conversations ({repeats} repeat contacts), peak {peak} at once</p>\n",
        name = escape(&summary.scenario),
        seed = summary.seed,
        rep = summary.replication,
        hours = summary.duration_s / 3600.0,
        warm = summary.warm_up_s / 3600.0,
        arrivals = c.arrivals,
        repeats = c.repeat_arrivals,
        peak = summary.peak_concurrency,
    );
    out.push_str("<h2>Headline</h2>\n<table><tr><th>figure</th><th>value</th><th>n</th></tr>\n");
    for h in headlines(summary) {
        let value = serde_json::to_string(&h.value).unwrap_or_else(|_| "null".into());
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"value\" data-key=\"{}\" data-value=\"{}\">{}</td><td class=\"n\">n={}</td></tr>",
            escape(h.label),
            escape(h.key),
            escape(&value),
            escape(&h.text),
            h.n
        );
    }
    out.push_str("</table>\n<p class=\"sub\">± is the half-width of a 95 % batch-means confidence interval, (a–b) the bounds of an asymmetric one (the logit scale for shares, which stays inside [0, 1]; the reciprocal scale for mean waits); batches are sized from the data and the queue's relaxation time. n is the number of observations behind each figure. Every term is defined in the <a href=\"#glossary\">glossary</a> below.</p>\n");
    let q = &summary.measured.human_queue;
    if let Some(reason) = q.service_level.ci_withheld {
        let _ = writeln!(
            out,
            "<p class=\"sub\">No confidence intervals: {}.</p>",
            escape(reason)
        );
    }
    if q.still_waiting > 0 {
        let _ = writeln!(
            out,
            "<p class=\"sub\">Still waiting for a human at the end: {} of {} offered (counted as offered; their waits, censored at the end, are in the wait figures).</p>",
            q.still_waiting, q.offered
        );
    }
    out.push_str(&thresholds_html(&summary.thresholds));
    let json = serde_json::to_value(summary).expect("a summary serialises");
    out.push_str(&part_tables(
        &Parts::of(&[json]),
        1,
        summary.measured.human_queue.threshold_s,
    ));
    out.push_str(&wait_quotes_html(q));
    out.push_str("<h2>Charts</h2>\n");
    for chart in charts {
        out.push_str(&figure(chart));
    }
    if timing.decision_latency_ns.n > 0 {
        out.push_str("<h2>Decision latency by rule family</h2>\n<table><tr><th>part</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th><th>n</th></tr>\n");
        let rows = std::iter::once(("whole decision", &timing.decision_latency_ns)).chain(
            timing
                .decision_latency_by_family_ns
                .iter()
                .map(|(name, stats)| (*name, stats)),
        );
        for (name, l) in rows {
            let _ = writeln!(
                out,
                "<tr><td>{name}</td><td>{} ns</td><td>{} ns</td><td>{} ns</td><td>{} ns</td><td class=\"n\">n={}</td></tr>",
                l.p50, l.p99, l.p99_9, l.max, l.n
            );
        }
        let _ = write!(
            out,
            "</table>\n<p class=\"sub\">Wall-clock nanoseconds per evaluation of the trigger engine during this run, of every {}-th of its {} decisions, evaluated in full (the others reuse the engine's reading of a phrase seen before; not part of summary.json; also in timing.json). text: normalising, tokens and fingerprint, shared by every rule; contextual includes sentiment scoring. Timer overhead is included in each part.</p>\n",
            timing.decision_latency_sample_every, timing.decisions
        );
    }
    out.push_str(&glossary_html());
    let _ = write!(
        out,
        "<h2>Scenario</h2>\n<pre>{}</pre>\n<p class=\"sub\">Machine-readable: summary.json, intervals.csv, timing.json (and conversations.csv with <code>--conversations</code>).</p>\n</body></html>\n",
        escape(scenario_text)
    );
    out
}

/// Every wait estimator against the same answered contacts: bias and MAE,
/// each with its interval where the run has one. Empty when no contact
/// queued.
fn wait_quotes_html(queue: &handoff_model::metrics::ServiceStats) -> String {
    use handoff_model::metrics::Estimate;
    let quotes = &queue.wait_quotes;
    if quotes.values().all(|q| q.n == 0) {
        return String::new();
    }
    let rows: Vec<Vec<Cell>> = quotes
        .iter()
        .map(|(name, q)| {
            let bounds = |e: &Estimate| e.ci95.map(|h| [e.value - h, e.value + h]);
            vec![
                Cell::text(if q.heard {
                    format!("{name} (heard)")
                } else {
                    name.clone()
                }),
                Cell::estimate(secs(&q.bias_s), q.bias_s.value, bounds(&q.bias_s)),
                Cell::estimate(secs(&q.mae_s), q.mae_s.value, bounds(&q.mae_s)),
                Cell::number(q.n.to_string(), q.n as f64),
            ]
        })
        .collect();
    format!(
        "<h2>Wait quotes compared</h2>\n{}<p class=\"sub\">Every estimator quoted in shadow for every contact that queued; customers heard the one marked. Error = actual wait − quote over the contacts answered (bias &gt; 0: the quote was optimistic); MAE = mean |error|. Formulas in the glossary under <i>wait quote</i>.</p>\n",
        data_table(&["estimator", "bias", "MAE", "n"], &rows)
    )
}

/// The glossary of `reports/README.md`, built in, so the page defines its
/// terms wherever it is opened.
const README: &str = include_str!("../../../reports/README.md");

/// The glossary section of the reports README as HTML, `id="glossary"`.
pub fn glossary_html() -> String {
    let start = README.find("## Glossary").unwrap_or(README.len());
    let section = &README[start..];
    let end = section
        .get(3..)
        .and_then(|rest| rest.find("\n## "))
        .map_or(section.len(), |i| i + 3);
    let parser =
        pulldown_cmark::Parser::new_ext(&section[..end], pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html.replacen("<h2>Glossary</h2>", "<h2 id=\"glossary\">Glossary</h2>", 1)
}

/// A chart as an inline-SVG figure with links to its files.
pub(crate) fn figure(chart: &Chart) -> String {
    format!(
        "<figure id=\"{name}\"><figcaption>{title}</figcaption>\n{svg}\n<p class=\"sub\">Also as <a href=\"{name}.svg\">{name}.svg</a> and <a href=\"{name}.png\">{name}.png</a>.</p></figure>\n",
        name = chart.name,
        title = escape(&chart.title),
        svg = strip_xml_declaration(&chart.svg),
    )
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// One cell of a [`data_table`]: the text shown and, for a number, the
/// exact value (a `data-value` attribute, as in the CSV) so a reader or a
/// spreadsheet paste gets the figure, not only its rounding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub text: String,
    pub value: Option<f64>,
    /// An interval's bounds (`data-low`, `data-high`).
    pub bounds: Option<[f64; 2]>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            value: None,
            bounds: None,
        }
    }

    pub fn number(text: impl Into<String>, value: f64) -> Cell {
        Cell {
            text: text.into(),
            value: value.is_finite().then_some(value),
            bounds: None,
        }
    }

    /// An estimate with its interval: the text shows both, the attributes
    /// hold the three exact numbers.
    pub fn estimate(text: impl Into<String>, value: f64, bounds: Option<[f64; 2]>) -> Cell {
        Cell {
            bounds,
            ..Cell::number(text, value)
        }
    }

    /// A number, or "—" when there is none.
    pub fn maybe(value: Option<f64>, format: impl Fn(f64) -> String) -> Cell {
        match value {
            Some(v) => Cell::number(format(v), v),
            None => Cell::text("—"),
        }
    }
}

/// A table of rows: a header row of `<th>`, then one `<tr>` per row,
/// numbers right-aligned with their exact value in `data-value`.
pub(crate) fn data_table(headers: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("<div class=\"wide\"><table class=\"data\">\n<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        debug_assert_eq!(row.len(), headers.len(), "a row per header");
        out.push_str("<tr>");
        for cell in row {
            match cell.value {
                Some(v) => {
                    let bounds = cell.bounds.map_or(String::new(), |[lo, hi]| {
                        format!(" data-low=\"{lo}\" data-high=\"{hi}\"")
                    });
                    let _ = write!(
                        out,
                        "<td class=\"num\" data-value=\"{v}\"{bounds}>{}</td>",
                        escape(&cell.text)
                    );
                }
                None => {
                    let _ = write!(out, "<td>{}</td>", escape(&cell.text));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// A pooled figure as a table cell: the mean and its interval, the
/// replications behind it when some lacked the figure.
pub(crate) fn cell(unit: Unit, a: &Aggregate, replications: u32) -> Cell {
    let mut text = format_aggregate(unit, a);
    if a.n < replications as usize {
        let _ = write!(text, " n={}", a.n);
    }
    Cell::estimate(text, a.mean, a.ci95_range)
}

/// One row of a part table: its name, then `figures` (by short name) in
/// order, "—" where no replication had one.
fn part_row(part: &Part, figures: &[&str], replications: u32) -> Vec<Cell> {
    std::iter::once(Cell::text(part.name.clone()))
        .chain(figures.iter().map(|name| match part.figure(name) {
            Some(f) => cell(f.metric.unit, &f.aggregate, replications),
            None => Cell::text("—"),
        }))
        .collect()
}

/// The per-channel, per-pool and per-rule tables of a report, from the
/// parts of `replications` runs (1: a single run's figures, as the printed
/// summary has them; more: pooled, each with its 95 % interval).
pub(crate) fn part_tables(parts: &Parts, replications: u32, threshold: f64) -> String {
    let mut out = String::new();
    let many = replications > 1;
    let per = |what: &str| {
        if many {
            format!("{what} per replication")
        } else {
            what.to_string()
        }
    };
    let (p90, delay) = if many {
        (
            "Queue wait p90: the mean of each replication's 90th percentile.",
            "Detection delay: the mean of each replication's median, over the needed escalations.",
        )
    } else {
        (
            "",
            "Detection delay: the median over the needed escalations.",
        )
    };
    out.push_str("<h2>Per channel</h2>\n");
    let channel_figures = [
        "offered",
        "service_level",
        "asa",
        "probability_wait",
        "abandonment",
        "aht",
        "post_handoff_fcr",
        "p90_queue_wait",
    ];
    let sl_header = format!("service level ({threshold:.0} s)");
    let rows: Vec<Vec<Cell>> = parts
        .channels
        .iter()
        .map(|p| part_row(p, &channel_figures, replications))
        .collect();
    out.push_str(&data_table(
        &[
            "queue",
            &per("offered"),
            &sl_header,
            "ASA",
            "P(wait > 0)",
            "abandonment",
            "AHT",
            "post-handoff FCR",
            "queue wait p90",
        ],
        &rows,
    ));
    let _ = writeln!(
        out,
        "<p class=\"sub\">Service level: answered within the threshold / (answered + abandoned + still waiting past it). {p90}</p>"
    );

    out.push_str("<h2>Per pool</h2>\n");
    let rows: Vec<Vec<Cell>> = parts
        .pools
        .iter()
        .map(|p| {
            part_row(
                p,
                &["occupancy", "agents_engaged", "mean_concurrency"],
                replications,
            )
        })
        .collect();
    out.push_str(&data_table(
        &[
            "pool",
            "occupancy",
            "agents engaged",
            "mean concurrent contacts per agent",
        ],
        &rows,
    ));
    out.push_str("<p class=\"sub\">Occupancy: slot time in use (wrap-up included) / slot time staffed. Agents engaged: the share of staffed agent time with at least one contact.</p>\n");

    if !parts.rules.is_empty() {
        out.push_str("<h2>Per rule</h2>\n");
        let rows: Vec<Vec<Cell>> = parts
            .rules
            .iter()
            .map(|p| {
                part_row(
                    p,
                    &[
                        "fired",
                        "needed",
                        "precision",
                        "detection_delay_p50",
                        "detection_delay_turns_p50",
                    ],
                    replications,
                )
            })
            .collect();
        out.push_str(&data_table(
            &[
                "primary rule",
                &per("fired"),
                &per("needed"),
                "precision",
                "detection delay p50",
                "detection delay p50, turns",
            ],
            &rows,
        ));
        let _ = writeln!(
            out,
            "<p class=\"sub\">By the primary rule of each escalation. Needed: a human was needed; precision = needed / fired. {delay}</p>"
        );
    }

    out
}

/// A "Thresholds" table (nothing without thresholds).
pub fn thresholds_html(verdicts: &[Verdict]) -> String {
    if verdicts.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<h2>Thresholds</h2>\n<table><tr><th>threshold</th><th>measured</th><th>judged</th><th>result</th></tr>\n",
    );
    for v in verdicts {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"value\">{:.4}</td><td class=\"value\">{:.4}</td><td>{}</td></tr>",
            escape(&v.threshold.describe()),
            v.measured,
            v.judged,
            if v.pass { "pass" } else { "<b>FAIL</b>" }
        );
    }
    out.push_str("</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_carries_the_readme_glossary() {
        let html = glossary_html();
        assert!(
            html.starts_with("<h2 id=\"glossary\">Glossary</h2>"),
            "{}",
            &html[..80]
        );
        assert!(html.contains("<table>"));
        assert!(html.contains("<strong>service level (20 s)</strong>"));
        assert!(!html.contains("<h2>"), "one section only");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn strips_an_xml_prolog() {
        assert_eq!(
            strip_xml_declaration("<?xml version=\"1.0\"?><svg/>"),
            "<svg/>"
        );
        assert_eq!(strip_xml_declaration("<svg/>"), "<svg/>");
    }
}

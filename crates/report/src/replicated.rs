//! The replicated run's outputs: the printed table, `replications.json`,
//! and the same report a single run writes — `report.html` with the
//! headline, per-channel, per-pool and per-rule tables and the charts,
//! and `intervals.csv` — with every figure pooled over the replications:
//! the mean, its 95 % interval and n (the replications with the figure).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use handoff_experiment::pooling::Aggregate;
use handoff_experiment::trace::PooledRun;
use handoff_experiment::{METHOD, Replicated};
use handoff_model::error::{Error, Result};
use handoff_model::output::write_atomic;
use handoff_model::scenario::Scenario;
use handoff_model::thresholds::Verdict;

use crate::charts;
use crate::exports::{INTERVAL_FIGURES, csv_number};
use crate::format::{format_aggregate, json, threshold_lines};
use crate::html::{
    Cell, STYLE, cell, data_table, escape, figure, glossary_html, part_tables, thresholds_html,
};

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
            "  {:<36} {:>22}   n={:<4} [{}]",
            m.metric.prose(),
            format_aggregate(m.metric.unit, &m.aggregate),
            m.aggregate.n,
            m.metric.name
        );
    }
    threshold_lines(&mut out, verdicts);
    out
}

/// Writes `replications.json`, `scenario.toml`, `intervals.csv` (where the
/// replications kept their series), the charts and `report.html`; returns
/// the report's path.
pub fn write_replicated(
    dir: &Path,
    r: &Replicated,
    verdicts: &[Verdict],
    scenario: &Scenario,
) -> Result<PathBuf> {
    write_atomic(&dir.join("replications.json"), json(r, verdicts).as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    if let Some(run) = &r.series {
        let pools: Vec<&str> = r.parts.pools.iter().map(|p| p.name.as_str()).collect();
        write_atomic(
            &dir.join("intervals.csv"),
            pooled_intervals_csv(run, &pools, scenario.chat_share)?.as_bytes(),
        )?;
    }
    let charts = charts::render_replicated(dir, r)?;
    crate::write_svgs(dir, &charts)?;
    let report = dir.join("report.html");
    write_atomic(
        &report,
        replicated_html(r, verdicts, &charts, scenario).as_bytes(),
    )?;
    Ok(report)
}

/// `intervals.csv` of a replicated run: one row per interval and channel,
/// each figure as its pooled mean with `_ci_low`, `_ci_high` and `_n` (the
/// replications with the figure) beside it. Counts are per replication.
pub fn pooled_intervals_csv(run: &PooledRun, pools: &[&str], chat_share: f64) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "interval_start_s",
        "channel",
        "measured_s",
        "replications",
        "expected_first_contacts",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let names: Vec<String> = INTERVAL_FIGURES
        .iter()
        .map(|s| s.to_string())
        .chain(pools.iter().map(|p| format!("occupancy_{p}")))
        .collect();
    for name in &names {
        for suffix in ["", "_ci_low", "_ci_high", "_n"] {
            header.push(format!("{name}{suffix}"));
        }
    }
    let csv_error = |e: csv::Error| Error::Chart(format!("intervals.csv: {e}"));
    writer.write_record(&header).map_err(csv_error)?;
    let cells = |a: Option<&Aggregate>| -> [String; 4] {
        match a {
            Some(a) => [
                csv_number(a.mean),
                a.ci95_range.map(|r| csv_number(r[0])).unwrap_or_default(),
                a.ci95_range.map(|r| csv_number(r[1])).unwrap_or_default(),
                a.n.to_string(),
            ],
            None => [String::new(), String::new(), String::new(), "0".into()],
        }
    };
    for row in &run.intervals {
        for (c, channel) in ["chat", "voice"].iter().enumerate() {
            let share = if c == 0 { chat_share } else { 1.0 - chat_share };
            let ch = &row.channels[c];
            let mut record = vec![
                csv_number(row.start_s),
                channel.to_string(),
                csv_number(row.measured_s),
                run.replications.to_string(),
                csv_number(row.expected_arrivals * share),
            ];
            let figures: [Option<&Aggregate>; 10] = [
                Some(&ch.arrivals),
                Some(&ch.first_contacts),
                Some(&ch.offered),
                Some(&ch.answered),
                Some(&ch.abandoned),
                Some(&ch.still_waiting),
                ch.asa_s.as_ref(),
                ch.service_level.as_ref(),
                ch.abandonment_rate.as_ref(),
                Some(&row.mean_queue),
            ];
            for f in figures.into_iter().chain(row.occupancy.iter().map(Some)) {
                record.extend(cells(f));
            }
            writer.write_record(&record).map_err(csv_error)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Chart(format!("intervals.csv: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}

/// The whole page.
pub fn replicated_html(
    r: &Replicated,
    verdicts: &[Verdict],
    charts: &[charts::Chart],
    scenario: &Scenario,
) -> String {
    let mut out = String::new();
    let hours = scenario.duration.as_secs_f64() / 3600.0;
    let warm = scenario.warm_up.as_secs_f64() / 3600.0;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · {name} · {reps} replications</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · {name} · {reps} replications</h1>\n<p class=\"sub\">seed {seed}, replications 0–{last} · {hours:.1} h simulated each, {warm:.1} h warm-up · every figure pooled over the replications: the mean with its 95 % interval; n is the replications with the figure (shown where some lacked it)</p>\n",
        name = escape(&r.scenario),
        reps = r.replications,
        seed = r.seed,
        last = r.replications.saturating_sub(1),
    );
    out.push_str("<h2>Headline</h2>\n");
    let rows: Vec<Vec<Cell>> = r
        .metrics
        .iter()
        .filter(|m| !m.metric.name.contains('['))
        .map(|m| {
            vec![
                Cell::text(m.metric.prose()),
                cell(m.metric.unit, &m.aggregate, r.replications),
                Cell::number(m.aggregate.n.to_string(), m.aggregate.n as f64),
                Cell::text(m.metric.name.clone()),
            ]
        })
        .collect();
    out.push_str(&data_table(
        &["figure", "mean (95 % interval)", "n", "key"],
        &rows,
    ));
    let _ = writeln!(
        out,
        "<p class=\"sub\">{}. Each channel's and each pool's figures are in the tables below; every figure with its value in each replication is in replications.json.</p>",
        escape(METHOD)
    );
    out.push_str(&thresholds_html(verdicts));

    out.push_str(&part_tables(
        &r.parts,
        r.replications,
        scenario.service_level_threshold.as_secs_f64(),
    ));

    out.push_str("<h2>Charts</h2>\n");
    if r.series.is_none() {
        // Only a library caller builds one from summaries alone.
        out.push_str("<p class=\"sub\">These results were pooled from summaries alone, without the runs' per-interval series: the time and wait charts and intervals.csv are left out.</p>\n");
    }
    for chart in charts {
        out.push_str(&figure(chart));
    }
    out.push_str("<p class=\"sub\">Lines are pooled over the replications, bands their 95 % intervals (shares on the logit scale, so a band stays inside [0, 100 %]). A single run's wait histogram, detection-delay histograms and decision latency are in its own report: <code>run</code> without <code>--replications</code> is replication 0 of this set.</p>\n");
    out.push_str(&glossary_html());
    let _ = write!(
        out,
        "<h2>Scenario</h2>\n<pre>{}</pre>\n<p class=\"sub\">Machine-readable: replications.json, intervals.csv (pooled per interval and channel), scenario.toml.</p>\n</body></html>\n",
        escape(&scenario.source)
    );
    out
}

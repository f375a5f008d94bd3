//! Outputs of `handoff-sim staff`: `staffing.csv`, `staffing.json`, the two
//! charts (requirement per interval by method; achieved service level per
//! interval, with 95 % intervals) and `staffing.html`; and the printed table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::charts::{self, SweepSeries};
use crate::html::{Cell, STYLE, data_table, escape, figure};
use crate::write_svgs;
use handoff_experiment::shift_plan::{self, ScheduleReport};
use handoff_experiment::staff::{self, Achieved, StaffingReport, Target};
use handoff_model::error::Result;
use handoff_model::output::write_atomic;
use handoff_model::scenario::Scenario;

/// Interval labels for a chart axis: the time of day alone when every
/// interval falls on the same weekday ("08:30" rather than "mon 08:30").
fn axis_labels<'a>(labels: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
    let day = |l: &'a str| l.split_once(' ').map(|(d, _)| d);
    let first = labels.clone().next().and_then(day);
    let same_day = labels.clone().all(|l| day(l) == first);
    labels
        .map(|l| match (same_day, l.split_once(' ')) {
            (true, Some((_, time))) => time.to_string(),
            _ => l.to_string(),
        })
        .collect()
}

fn pct(a: Option<Achieved>) -> String {
    match a {
        Some(a) => match a.ci95_range {
            Some([lo, hi]) => format!(
                "{:5.1} % ({:.1}–{:.1})",
                a.value * 100.0,
                lo * 100.0,
                hi * 100.0
            ),
            None => format!("{:5.1} %", a.value * 100.0),
        },
        None => "—".into(),
    }
}

/// The intervals a table or chart shows: from the first in which the
/// centre is open (contacts offered, or agents required or scheduled) to
/// the last, so closed night hours neither pad the axis nor draw a drop
/// to 0 % after closing.
fn open_span(open: impl Iterator<Item = bool>) -> std::ops::Range<usize> {
    let open: Vec<bool> = open.collect();
    match (open.iter().position(|&o| o), open.iter().rposition(|&o| o)) {
        (Some(first), Some(last)) => first..last + 1,
        _ => 0..open.len(),
    }
}

fn staff_open(r: &staff::IntervalStaffing) -> bool {
    r.offered > 0.0 || r.simulated > 0 || r.erlang_c > 0
}

fn schedule_open(r: &shift_plan::PlanInterval) -> bool {
    r.required > 0 || r.scheduled > 0 || r.service_level.is_some()
}

/// A share with its interval for a table cell: "92.1 % (88.0–95.2)".
fn achieved_cell(a: Option<Achieved>) -> Cell {
    match a {
        Some(a) => Cell::estimate(pct(Some(a)).trim_start(), a.value, a.ci95_range),
        None => Cell::text("—"),
    }
}

fn n_cell(a: Option<Achieved>) -> Cell {
    a.map_or(Cell::text("—"), |a| {
        Cell::number(a.n.to_string(), a.n as f64)
    })
}

/// The "Per interval" rows of `staffing.html`: the open intervals, with
/// the numbers of `staffing.csv` (exact in `data-value`, `data-low`,
/// `data-high`).
pub(crate) fn staffing_rows(report: &StaffingReport) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
    let headers = vec![
        "interval",
        "offered",
        "hold (s)",
        "Erlang C",
        "Erlang A",
        "simulated",
        "SL with simulated staffing (95 % CI)",
        "n",
        "abandonment with simulated staffing (95 % CI)",
        "SL with Erlang C staffing (95 % CI)",
        "SL with Erlang A staffing (95 % CI)",
    ];
    let span = open_span(report.intervals.iter().map(staff_open));
    let rows = report.intervals[span]
        .iter()
        .map(|r| {
            vec![
                Cell::text(if r.warm_up {
                    format!("{} (warm-up)", r.label)
                } else {
                    r.label.clone()
                }),
                Cell::number(format!("{:.1}", r.offered), r.offered),
                Cell::maybe(r.holding_s, |h| format!("{h:.0}")),
                Cell::number(r.erlang_c.to_string(), f64::from(r.erlang_c)),
                Cell::maybe(r.erlang_a.map(f64::from), |a| format!("{a}")),
                Cell::number(r.simulated.to_string(), f64::from(r.simulated)),
                achieved_cell(r.service_level),
                n_cell(r.service_level),
                achieved_cell(r.abandonment),
                achieved_cell(r.erlang_c_service_level),
                achieved_cell(r.erlang_a_service_level),
            ]
        })
        .collect();
    (headers, rows)
}

/// The "Per interval" rows of `schedule.html`, as in `schedule.csv`.
pub(crate) fn schedule_rows(report: &ScheduleReport) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
    let headers = vec![
        "interval",
        "required",
        "scheduled",
        "service level (95 % CI)",
        "n",
        "abandonment (95 % CI)",
    ];
    let span = open_span(report.intervals.iter().map(schedule_open));
    let rows = report.intervals[span]
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.label.clone()),
                Cell::number(r.required.to_string(), f64::from(r.required)),
                Cell::number(r.scheduled.to_string(), f64::from(r.scheduled)),
                achieved_cell(r.service_level),
                n_cell(r.service_level),
                achieved_cell(r.abandonment),
            ]
        })
        .collect();
    (headers, rows)
}

/// The service-level targets as lines on a chart in %.
fn service_level_targets(targets: &[Target]) -> Vec<charts::TargetLine> {
    targets
        .iter()
        .filter_map(|t| match t {
            Target::ServiceLevel(v) => Some(charts::TargetLine {
                label: format!("target {}", t.describe()),
                value: v * 100.0,
            }),
            _ => None,
        })
        .collect()
}

/// The printed table: one row per interval with contacts, then the totals.
pub fn table(report: &StaffingReport) -> String {
    let mut out = String::new();
    let targets: Vec<String> = report.targets.iter().map(Target::describe).collect();
    let _ = writeln!(
        out,
        "handoff-sim · staff · {} · pool {} · {} (confidence {}) · {} replications",
        report.scenario,
        report.pool,
        targets.join(", "),
        report.confidence,
        report.replications
    );
    let _ = writeln!(
        out,
        "\n{:<10} {:>8} {:>8} {:>8} {:>8} {:>9}  {:<24} {:<24}",
        "interval",
        "offered",
        "Erlang C",
        "Erlang A",
        "sim",
        "hold (s)",
        "SL with sim (95 % CI)",
        "SL with Erlang C"
    );
    for row in &report.intervals[open_span(report.intervals.iter().map(staff_open))] {
        let _ = writeln!(
            out,
            "{:<10} {:>8.1} {:>8} {:>8} {:>8}{} {:>9}  {:<24} {:<24}",
            row.label,
            row.offered,
            row.erlang_c,
            row.erlang_a.map_or("—".into(), |a| a.to_string()),
            row.simulated,
            if row.warm_up { "*" } else { " " },
            row.holding_s.map_or("—".into(), |h| format!("{h:.0}")),
            pct(row.service_level),
            pct(row.erlang_c_service_level),
        );
    }
    let _ = writeln!(
        out,
        "\nservice levels: contacts that joined the queue in the interval, on {} fresh replications; the 95 % interval is over replications (n per interval in staffing.csv)",
        report.replications
    );
    let _ = writeln!(
        out,
        "Erlang figures are net (agents on the phone, no shrinkage); the simulated requirement is agents scheduled, this pool's absence and off-phone time included.\nagent-hours: Erlang C {:.1} · Erlang A {} · simulated {:.1}",
        report.agent_hours_erlang_c,
        report
            .agent_hours_erlang_a
            .map_or("—".into(), |h| format!("{h:.1}")),
        report.agent_hours_simulated
    );
    if report.shrinkage > 0.0 {
        let _ = writeln!(
            out,
            "Erlang grossed up for this pool's shrinkage ({:.1} %: absence and off-phone time), as workforce tools do: Erlang C {:.1} · Erlang A {}",
            report.shrinkage * 100.0,
            report.agent_hours_erlang_c_gross,
            report
                .agent_hours_erlang_a_gross
                .map_or("—".into(), |h| format!("{h:.1}"))
        );
    }
    let _ = writeln!(
        out,
        "intervals meeting the targets on fresh seeds: simulated {}/{} ({:.0} %), Erlang C {}/{} ({:.0} %){}",
        report.meets_simulated.met,
        report.meets_simulated.intervals,
        report.meets_simulated.share() * 100.0,
        report.meets_erlang_c.met,
        report.meets_erlang_c.intervals,
        report.meets_erlang_c.share() * 100.0,
        report.meets_erlang_a.map_or(String::new(), |m| format!(
            ", Erlang A {}/{} ({:.0} %)",
            m.met,
            m.intervals,
            m.share() * 100.0
        ))
    );
    let _ = writeln!(
        out,
        "search: {} iterations, {}",
        report.iterations.len(),
        if report.stable {
            "stable (the last changed nothing)"
        } else {
            "stopped at the iteration cap, not stable"
        }
    );
    let _ = writeln!(
        out,
        "robustness round (2R new seeds, +1 where an interval missed): {:?}",
        report.robustness_rounds
    );
    if report.intervals.iter().any(|r| r.warm_up) {
        let _ = writeln!(
            out,
            "* in the warm-up: not simulated, the Erlang figure stands"
        );
    }
    out
}

/// Writes the staffing report into `dir`; returns the HTML page's path.
pub fn write(dir: &Path, report: &StaffingReport, scenario: &Scenario) -> Result<PathBuf> {
    write_atomic(&dir.join("staffing.csv"), staff::csv(report).as_bytes())?;
    let mut json = serde_json::to_string_pretty(report).expect("a staffing report serialises");
    json.push('\n');
    write_atomic(&dir.join("staffing.json"), json.as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    let span = open_span(report.intervals.iter().map(staff_open));
    let intervals = &report.intervals[span];
    let labels = axis_labels(intervals.iter().map(|r| r.label.as_str()));
    let x = |k: usize| k as f64;
    let flat = |name: &str, values: Vec<Option<f64>>| -> SweepSeries {
        (
            name.to_string(),
            values
                .into_iter()
                .enumerate()
                .filter_map(|(k, v)| v.map(|v| (x(k), v, v, v)))
                .collect(),
        )
    };
    let mut requirement = vec![
        flat(
            "Erlang C",
            intervals
                .iter()
                .map(|r| Some(f64::from(r.erlang_c)))
                .collect(),
        ),
        flat(
            "simulated",
            intervals
                .iter()
                .map(|r| Some(f64::from(r.simulated)))
                .collect(),
        ),
    ];
    if report.agent_hours_erlang_a.is_some() {
        requirement.insert(
            1,
            flat(
                "Erlang A",
                intervals
                    .iter()
                    .map(|r| r.erlang_a.map(f64::from))
                    .collect(),
            ),
        );
    }
    let mut charts_out = vec![charts::sweep_chart(
        dir,
        "staffing_requirement",
        &format!("Agents required per interval, pool {}", report.pool),
        "interval",
        "agents",
        Some(&labels),
        &requirement,
        &[],
    )?];
    let with_ci = |name: &str, pick: &dyn Fn(&staff::IntervalStaffing) -> Option<Achieved>| {
        (
            name.to_string(),
            intervals
                .iter()
                .enumerate()
                .filter_map(|(k, r)| {
                    let a = pick(r)?;
                    let [lo, hi] = a.ci95_range.unwrap_or([a.value, a.value]);
                    Some((x(k), a.value * 100.0, lo * 100.0, hi * 100.0))
                })
                .collect::<Vec<_>>(),
        )
    };
    let mut achieved = vec![
        with_ci("simulated staffing", &|r| r.service_level),
        with_ci("Erlang C staffing", &|r| r.erlang_c_service_level),
    ];
    if report.meets_erlang_a.is_some() {
        achieved.push(with_ci("Erlang A staffing", &|r| r.erlang_a_service_level));
    }
    let targets = service_level_targets(&report.targets);
    charts_out.push(charts::sweep_chart(
        dir,
        "staffing_service_level",
        &format!(
            "Service level ({} s) per interval on fresh seeds, 95 % CI",
            report.threshold_s
        ),
        "interval",
        "service level (%)",
        Some(&labels),
        &achieved,
        &targets,
    )?);
    write_svgs(dir, &charts_out)?;
    let html = dir.join("staffing.html");
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · staff · {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · staff · {name} · pool {pool}</h1>\n<p class=\"sub\">Targets: {targets}; {reps} replications per iteration; data: <a href=\"staffing.csv\">staffing.csv</a>, <a href=\"staffing.json\">staffing.json</a>.</p>\n\
         <p>Agent-hours (Erlang: net of shrinkage; simulated: scheduled, absence and off-phone time included): Erlang C <b>{c:.1}</b> · Erlang A <b>{a}</b> · simulated <b>{s:.1}</b>. Intervals meeting the targets on fresh seeds: simulated staffing {ms}/{mn}, Erlang C staffing {cs}/{cn}. Search: {iters} iterations, {stable}.</p>\n<p class=\"sub\">{method}</p>\n",
        name = escape(&report.scenario),
        pool = escape(&report.pool),
        targets = escape(
            &report
                .targets
                .iter()
                .map(Target::describe)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        reps = report.replications,
        c = report.agent_hours_erlang_c,
        a = report
            .agent_hours_erlang_a
            .map_or("—".into(), |h| format!("{h:.1}")),
        s = report.agent_hours_simulated,
        ms = report.meets_simulated.met,
        mn = report.meets_simulated.intervals,
        cs = report.meets_erlang_c.met,
        cn = report.meets_erlang_c.intervals,
        iters = report.iterations.len(),
        stable = if report.stable {
            "stable"
        } else {
            "stopped at the cap"
        },
        method = escape(report.method),
    );
    for chart in &charts_out {
        page.push_str(&figure(chart));
    }
    let (headers, rows) = staffing_rows(report);
    let _ = write!(
        page,
        "<h2>Per interval</h2>\n<p class=\"sub\">Open hours only: from the first to the last interval with contacts or staff; every interval of the day is in staffing.csv. Erlang figures are net agents; the simulated requirement is agents scheduled (shrinkage included). Service levels on {reps} fresh replications, 95 % intervals over replications.</p>\n{table}<h2>Scenario</h2>\n<pre>{source}</pre>\n</body></html>\n",
        reps = report.replications,
        table = data_table(&headers, &rows),
        source = escape(&scenario.source)
    );
    write_atomic(&html, page.as_bytes())?;
    Ok(html)
}

/// The printed table of `schedule`.
pub fn schedule_table(report: &ScheduleReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "handoff-sim · schedule · {} · pool {} · requirement {} ({:?})",
        report.scenario,
        report.pool,
        report.requirement.display(),
        report.column
    );
    let _ = writeln!(
        out,
        "\nplan: {:.1} agent-hours (paid, breaks included) · LP relaxation bound {:.1} · gap {:.2} % · {}",
        report.agent_hours,
        report.lp_bound_hours,
        report.gap * 100.0,
        report.method
    );
    let _ = writeln!(
        out,
        "\n{:<10} {:>8} {:>9}  {:<24} {:<24}",
        "interval", "required", "scheduled", "service level (95 % CI)", "abandonment"
    );
    for row in &report.intervals[open_span(report.intervals.iter().map(schedule_open))] {
        let _ = writeln!(
            out,
            "{:<10} {:>8} {:>9}  {:<24} {:<24}",
            row.label,
            row.required,
            row.scheduled,
            pct(row.service_level),
            pct(row.abandonment)
        );
    }
    let targets: Vec<String> = report.targets.iter().map(Target::describe).collect();
    let _ = writeln!(
        out,
        "\nsimulated on {} fresh replications: {}/{} staffed intervals meet {} ({:.0} %)",
        report.replications,
        report.meets.met,
        report.meets.intervals,
        targets.join(", "),
        report.meets.share() * 100.0
    );
    out
}

/// Writes `schedule`'s outputs into `dir`; returns the HTML page's path.
pub fn write_schedule(dir: &Path, report: &ScheduleReport, scenario: &Scenario) -> Result<PathBuf> {
    write_atomic(&dir.join("shifts.toml"), report.fragment.as_bytes())?;
    write_atomic(
        &dir.join("schedule.csv"),
        shift_plan::csv(report).as_bytes(),
    )?;
    let mut json = serde_json::to_string_pretty(report).expect("a schedule report serialises");
    json.push('\n');
    write_atomic(&dir.join("schedule.json"), json.as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    let span = open_span(report.intervals.iter().map(schedule_open));
    let intervals = &report.intervals[span];
    let labels = axis_labels(intervals.iter().map(|r| r.label.as_str()));
    let flat = |name: &str, values: Vec<f64>| -> SweepSeries {
        (
            name.to_string(),
            values
                .into_iter()
                .enumerate()
                .map(|(k, v)| (k as f64, v, v, v))
                .collect(),
        )
    };
    let cover = charts::sweep_chart(
        dir,
        "schedule_coverage",
        &format!("Required and scheduled agents, pool {}", report.pool),
        "interval",
        "agents",
        Some(&labels),
        &[
            flat(
                "required",
                intervals.iter().map(|r| f64::from(r.required)).collect(),
            ),
            flat(
                "scheduled (on duty, not on break)",
                intervals.iter().map(|r| f64::from(r.scheduled)).collect(),
            ),
        ],
        &[],
    )?;
    let series: Vec<SweepSeries> = vec![(
        "service level with the plan".to_string(),
        intervals
            .iter()
            .enumerate()
            .filter_map(|(k, r)| {
                let a = r.service_level?;
                let [lo, hi] = a.ci95_range.unwrap_or([a.value, a.value]);
                Some((k as f64, a.value * 100.0, lo * 100.0, hi * 100.0))
            })
            .collect(),
    )];
    let targets = service_level_targets(&report.targets);
    let level = charts::sweep_chart(
        dir,
        "schedule_service_level",
        "Service level per interval with the shift plan (fresh seeds, 95 % CI)",
        "interval",
        "service level (%)",
        Some(&labels),
        &series,
        &targets,
    )?;
    let charts_out = [cover, level];
    write_svgs(dir, &charts_out)?;
    let html = dir.join("schedule.html");
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>handoff-sim · schedule · {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>handoff-sim · schedule · {name} · pool {pool}</h1>\n<p>Plan: <b>{hours:.1}</b> agent-hours; LP relaxation bound {bound:.1} (gap {gap:.2} %, {method}). Simulated on {reps} fresh replications: {met}/{of} staffed intervals meet the targets. Shift plan: <a href=\"shifts.toml\">shifts.toml</a>; data: <a href=\"schedule.csv\">schedule.csv</a>, <a href=\"schedule.json\">schedule.json</a>.</p>\n",
        name = escape(&report.scenario),
        pool = escape(&report.pool),
        hours = report.agent_hours,
        bound = report.lp_bound_hours,
        gap = report.gap * 100.0,
        method = escape(&report.method),
        reps = report.replications,
        met = report.meets.met,
        of = report.meets.intervals,
    );
    for chart in &charts_out {
        page.push_str(&figure(chart));
    }
    let (headers, rows) = schedule_rows(report);
    let _ = write!(
        page,
        "<h2>Shift plan</h2>\n<pre>{}</pre>\n<h2>Per interval</h2>\n<p class=\"sub\">Open hours only: from the first to the last interval with contacts or staff; every interval of the day is in schedule.csv.</p>\n{}</body></html>\n",
        escape(&report.fragment),
        data_table(&headers, &rows)
    );
    write_atomic(&html, page.as_bytes())?;
    Ok(html)
}

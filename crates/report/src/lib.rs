//! Output: the printed tables, the plotters charts, the self-contained HTML
//! pages and the CSV/JSON writers, for runs, experiments, staffing and
//! calibration. The only crate that draws. Reads summaries and analyses;
//! never feeds anything back into a model or a run.
//!
//! Output of a run: the printed summary table and the run folder with
//! `summary.json` and `timing.json`.
//!
//! A run folder is `<out>/<scenario>/<run-id>/`; the run id starts with the
//! UTC start time, so folders sort by time, and a folder is never reused.
//! Files are written to a temporary name and renamed, so an interrupted run
//! leaves no half-written file. Wall-clock time is used only here, for the
//! run id, never in the summary.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

pub mod calibration;
pub mod charts;
pub mod experiment;
pub mod exports;
mod format;
pub mod html;
pub mod replicated;
pub mod session;
pub mod staffing;
mod table;

pub use table::{GLOSSARY, summary_table};
pub(crate) use table::{pct, secs};

use handoff_actors::RunOutput;
use handoff_calibration::replay::{ReplayReport, Truth};
use handoff_model::error::{Error, Result};
use handoff_model::metrics::Summary;
use handoff_model::output::{io_error, write_atomic};
use handoff_model::scenario::Scenario;
use handoff_model::theory::{StaffingCurve, StaffingTarget};

/// A new run folder, `<out>/<scenario>/<run-id>/`, partial until the run is
/// written: [`RunFolder::discard`] removes it, and the parent folders that
/// creating it made, when a run fails or is interrupted.
#[derive(Debug, Clone)]
pub struct RunFolder {
    path: PathBuf,
    /// Folders that did not exist before, outermost first.
    created_parents: Vec<PathBuf>,
}

impl RunFolder {
    /// Creates a new, unique run folder under `<out>/<scenario>/`. An `out`
    /// that is a file (or lies under one) is [`Error::OutputIsAFile`].
    pub fn create(out: &Path, scenario: &str, seed: u64) -> Result<RunFolder> {
        let parent = out.join(scenario);
        // The nearest existing ancestor must be a folder; an error from
        // `create_dir_all` would only say "Not a directory".
        let existing = parent.ancestors().find(|p| p.exists());
        if let Some(file) = existing.filter(|p| !p.is_dir()) {
            return Err(Error::OutputIsAFile {
                out: out.to_path_buf(),
                file: file.to_path_buf(),
            });
        }
        let mut created_parents: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|p| !p.as_os_str().is_empty() && !p.exists())
            .map(Path::to_path_buf)
            .collect();
        created_parents.reverse();
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let stamp: String = humantime::format_rfc3339_seconds(SystemTime::now())
            .to_string()
            .chars()
            .filter(|c| !matches!(c, '-' | ':'))
            .collect();
        for attempt in 1u32.. {
            let name = match attempt {
                1 => format!("{stamp}-seed{seed}"),
                n => format!("{stamp}-seed{seed}-{n}"),
            };
            let path = parent.join(name);
            match fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(RunFolder {
                        path,
                        created_parents,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_error(&path)(e)),
            }
        }
        unreachable!("the attempt counter is unbounded")
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the run folder with everything in it, then the parents that
    /// [`RunFolder::create`] made if they are empty. Safe to call while the
    /// run is still writing (from a signal handler): a file created between
    /// listing the folder and removing it makes the removal retry.
    pub fn discard(&self) -> std::io::Result<()> {
        let mut result = Ok(());
        for _ in 0..20 {
            result = match fs::remove_dir_all(&self.path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            };
            if result.is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        for parent in self.created_parents.iter().rev() {
            // Fails, as it should, when the folder is not empty.
            if fs::remove_dir(parent).is_err() {
                break;
            }
        }
        result
    }
}

/// Writes each chart's SVG as `<dir>/<name>.svg` (the PNG is written when
/// the chart is drawn).
pub(crate) fn write_svgs(dir: &Path, charts: &[charts::Chart]) -> Result<()> {
    for chart in charts {
        write_atomic(
            &dir.join(format!("{}.svg", chart.name)),
            chart.svg.as_bytes(),
        )?;
    }
    Ok(())
}

/// `summary.json` bytes: pretty JSON with a trailing newline. Deterministic.
pub fn summary_json(summary: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(summary).expect("the summary serializes");
    text.push('\n');
    text
}

/// Wall-clock measurements of a run: they vary from run to run, so they are
/// kept out of the deterministic `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub wall_seconds: f64,
    pub conversations_per_second: f64,
    /// Trigger-engine decisions in the run.
    pub decisions: u64,
    /// The latencies below are of every this-many-th decision, evaluated in
    /// full (the others reuse the engine's reading of a text seen before).
    pub decision_latency_sample_every: u64,
    /// Trigger-engine decision latency in nanoseconds.
    pub decision_latency_ns: LatencyStats,
    /// The same per part of the evaluation: `text` (normalising, tokens,
    /// fingerprint, shared by every rule), then the rule families
    /// `explicit`, `contextual` (sentiment scoring included) and
    /// `confidence`.
    pub decision_latency_by_family_ns: std::collections::BTreeMap<&'static str, LatencyStats>,
    /// Threads the run used: a run is one simulation on one thread.
    pub threads: u32,
    /// Cores this process could use.
    pub cores: usize,
    /// The machine's one-minute load average at the end of the run, where
    /// the system tells it (Linux): what else was competing for the cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_average_1m: Option<f64>,
}

/// The one-minute load average from `/proc/loadavg`, where there is one.
fn load_average() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[derive(Debug, Clone, Serialize)]
pub struct LatencyStats {
    pub n: u64,
    pub mean: f64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub p99_9: u64,
    pub max: u64,
}

impl LatencyStats {
    pub fn of(h: &hdrhistogram::Histogram<u64>) -> LatencyStats {
        LatencyStats {
            n: h.len(),
            mean: if h.is_empty() { 0.0 } else { h.mean() },
            p50: h.value_at_quantile(0.5),
            p90: h.value_at_quantile(0.9),
            p99: h.value_at_quantile(0.99),
            p99_9: h.value_at_quantile(0.999),
            max: h.max(),
        }
    }
}

impl Timing {
    pub fn of(output: &RunOutput) -> Timing {
        let h = &output.decision_latency_ns;
        Timing {
            wall_seconds: output.wall_seconds,
            conversations_per_second: output.summary.conversations.arrivals as f64
                / output.wall_seconds.max(1e-9),
            decisions: output.decisions,
            decision_latency_sample_every: handoff_actors::DECISION_TIMING_EVERY,
            decision_latency_ns: LatencyStats::of(h),
            decision_latency_by_family_ns: handoff_logic::triggers::Part::ALL
                .iter()
                .zip(&output.decision_part_latency_ns)
                .map(|(part, h)| (part.name(), LatencyStats::of(h)))
                .collect(),
            threads: 1,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load_average_1m: load_average(),
        }
    }

    /// For people: the speed and the decision latency with what they
    /// depend on (threads, load, sampling) and where the reference figures
    /// are, in lines of at most 80 columns.
    pub fn lines(&self) -> String {
        let l = &self.decision_latency_ns;
        let load = self
            .load_average_1m
            .map(|a| format!(", load average {a:.2}"))
            .unwrap_or_default();
        let micros = |ns: u64| format!("{:.1} µs", ns as f64 / 1000.0);
        let text = [
            format!(
                "speed: {:.0} conversations/s ({:.3} s wall on {} thread; {} cores{load}).",
                self.conversations_per_second, self.wall_seconds, self.threads, self.cores
            ),
            if l.n == 0 {
                "trigger decision latency: no decision (the bot is off).".to_string()
            } else {
                format!(
                    "trigger decision latency p50 {}, p99 {}: wall clock, every {}th of {} \
                     decisions timed in full (n={}), timer calls included; it moves with the \
                     machine's load and the run's messages. Reference on an idle core: \
                     README.md#performance (cargo bench --bench trigger_engine).",
                    micros(l.p50),
                    micros(l.p99),
                    self.decision_latency_sample_every,
                    self.decisions,
                    l.n
                )
            },
        ];
        text.iter()
            .flat_map(|t| table::wrap(t, table::WIDTH))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Writes the run's files into `dir`: `summary.json` (deterministic),
/// `timing.json` (wall-clock measurements), `intervals.csv`, every chart as
/// SVG and PNG, `report.html` and `scenario.toml`. Returns the report's path.
pub fn write_run(dir: &Path, output: &RunOutput, scenario: &Scenario) -> Result<PathBuf> {
    write_atomic(
        &dir.join("summary.json"),
        summary_json(&output.summary).as_bytes(),
    )?;
    let mut timing = serde_json::to_string_pretty(&Timing::of(output)).expect("timing serializes");
    timing.push('\n');
    write_atomic(&dir.join("timing.json"), timing.as_bytes())?;
    let intervals = exports::intervals_csv(&output.summary, &output.data, scenario.chat_share)?;
    write_atomic(&dir.join("intervals.csv"), intervals.as_bytes())?;
    write_atomic(&dir.join("scenario.toml"), scenario.source.as_bytes())?;
    let charts = charts::render_all(
        dir,
        &output.summary,
        &output.data,
        &output.decision_latency_ns,
    )?;
    write_svgs(dir, &charts)?;
    let report = dir.join("report.html");
    write_atomic(
        &report,
        html::report_html(
            &output.summary,
            &charts,
            &scenario.source,
            &Timing::of(output),
        )
        .as_bytes(),
    )?;
    Ok(report)
}

/// What `handoff-sim replay` prints: one line per conversation, then the
/// confusion counts and precision/recall over the labelled ones.
pub fn replay_table(report: &ReplayReport) -> String {
    let mut out = String::new();
    for v in &report.verdicts {
        let verdict = match &v.escalation {
            Some((turn, reasons)) => format!(
                "escalate at turn {turn}/{}: {}",
                v.turns,
                reasons
                    .iter()
                    .map(|r| format!("{} ({:.2})", r.kind.name(), r.score))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!("stays with the bot ({} turns)", v.turns),
        };
        let truth = match v.truth {
            Some(Truth::Needed { delay_turns }) => {
                format!("  [needed, {delay_turns} turn(s) late]")
            }
            Some(Truth::Premature { early_turns }) => {
                format!("  [PREMATURE, {early_turns} turn(s) before a human was needed]")
            }
            Some(Truth::Needless) => "  [NEEDLESS]".to_string(),
            Some(Truth::Missed) => format!("  [MISSED]{}", near_misses(&v.nearest)),
            Some(Truth::CorrectStay) => "  [correct stay]".to_string(),
            None => String::new(),
        };
        let _ = writeln!(out, "{}: {verdict}{truth}", v.id);
    }
    let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{:.1} %", v * 100.0));
    let _ = writeln!(
        out,
        "\n{} conversations, {} labelled: {} needed, {} premature, {} needless, {} missed escalations",
        report.verdicts.len(),
        report.labelled(),
        report.needed(),
        report.premature(),
        report.needless(),
        report.missed()
    );
    let score = report.score();
    let interval = |i: Option<handoff_calibration::score::Interval>| {
        i.map_or("n/a".to_string(), |i| calibration::wilson_text(&i))
    };
    let _ = writeln!(
        out,
        "precision {}, recall {}, F1 {}; 95 % Wilson intervals, n each figure's denominator",
        interval(score.precision),
        interval(score.recall),
        score.f1.map_or("n/a".to_string(), |f| format!("{f:.3}")),
    );
    let _ = writeln!(
        out,
        "premature {} of escalations, needless escalations {} of conversations that needed no human, mean detection delay {} turn(s)",
        fmt(report.premature_rate()),
        fmt(score.needless_rate),
        score
            .mean_delay_turns
            .map_or("n/a".to_string(), |d| format!("{d:.2}"))
    );
    if let Some((same, checked)) = report.simulation_agreement() {
        let _ = writeln!(
            out,
            "the replay escalates at the simulation's turn, by its rule, in {same} of {checked} generated conversations"
        );
    }
    let _ = writeln!(out, "{}", handoff_model::metrics::quality::DEFINITION);
    out
}

/// Why a conversation that stayed with the bot did: for each thresholded
/// rule, the nearest its statistic came to the threshold ("confidence
/// 0.52 at turn 2, fires < 0.40").
fn near_misses(nearest: &[handoff_calibration::replay::NearMiss]) -> String {
    if nearest.is_empty() {
        return "  no thresholded rule had a value to compare (none is on, or none applied to any turn); no rule without a threshold fired".into();
    }
    let parts: Vec<String> = nearest
        .iter()
        .map(|n| {
            let value = if n.rule.integer() {
                format!("{}", n.statistic)
            } else {
                format!("{:.2}", n.statistic)
            };
            format!(
                "{} {value} at turn {} (fires {})",
                n.rule.name(),
                n.turn,
                handoff_calibration::calibrate::describe_threshold(n.rule, n.threshold)
            )
        })
        .collect();
    format!("  nearest: {}", parts.join("; "))
}

/// A staffing curve of at most this many rows is printed whole.
pub const FULL_CURVE_ROWS: usize = 60;

/// Rows printed on each side of a target's row in a long curve.
const ROWS_AROUND_TARGET: usize = 2;

/// What `handoff-sim erlang` prints: the queue, one row per number of
/// agents (rows meeting a target first are marked), and for a range the
/// smallest staffing meeting each target. A curve longer than
/// [`FULL_CURVE_ROWS`] keeps its first and last rows and those around each
/// target; a line says how many rows were skipped at each gap.
pub fn staffing_table(curve: &StaffingCurve, targets: &[StaffingTarget]) -> String {
    let mut out = String::new();
    let load = curve.arrival_rate * curve.mean_handle;
    let model = match curve.mean_patience {
        Some(p) => format!("Erlang A (M/M/c+M), patience {p:.1} s"),
        None => "Erlang C (M/M/c)".to_string(),
    };
    let _ = writeln!(
        out,
        "{model}: {} arrivals/h, AHT {:.1} s, offered load {load:.3} Erl",
        trimmed(curve.arrival_rate * 3600.0),
        curve.mean_handle
    );
    let sl_label = format!("SL({:.0}s)", curve.threshold);
    let _ = writeln!(
        out,
        "{:>7} {:>9} {:>10} {:>14} {:>12} {:>12}",
        "agents", "P(wait)", "mean wait", sl_label, "abandon", "occupancy"
    );
    let met: Vec<(StaffingTarget, Option<usize>)> = targets
        .iter()
        .map(|t| (*t, curve.first_meeting(*t)))
        .collect();
    let rows = &curve.rows;
    let shown: Vec<usize> = if rows.len() <= FULL_CURVE_ROWS {
        (0..rows.len()).collect()
    } else {
        let mut shown = vec![0, rows.len() - 1];
        for at in met.iter().filter_map(|(_, at)| *at) {
            let from = at.saturating_sub(ROWS_AROUND_TARGET);
            let to = (at + ROWS_AROUND_TARGET).min(rows.len() - 1);
            shown.extend(from..=to);
        }
        shown.sort_unstable();
        shown.dedup();
        shown
    };
    let mut previous: Option<usize> = None;
    for &i in &shown {
        let skipped = previous.map_or(i, |p| i - p - 1);
        if skipped > 0 {
            let _ = writeln!(out, "{:>7} {skipped} rows skipped", "…");
        }
        previous = Some(i);
        let (c, prediction) = &rows[i];
        let marks: Vec<String> = met
            .iter()
            .filter(|(_, at)| *at == Some(i))
            .map(|(t, _)| target_label(t, &sl_label))
            .collect();
        let mark = if marks.is_empty() {
            String::new()
        } else {
            format!("  ← {}", marks.join(", "))
        };
        match prediction {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "{c:>7} {:>8.2}% {:>9.1}s {:>13.2}% {:>11.2}% {:>11.2}%{mark}",
                    p.probability_wait * 100.0,
                    p.mean_wait,
                    p.service_level * 100.0,
                    p.probability_abandon * 100.0,
                    p.occupancy * 100.0
                );
            }
            None if curve.mean_patience.is_none() => {
                let _ = writeln!(
                    out,
                    "{c:>7}   unstable: load {load:.2} Erl ≥ {c} agents (no steady state)"
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "{c:>7}   no result: patience too long against the handle time to evaluate"
                );
            }
        }
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last())
        && rows.len() > 1
    {
        let goals: Vec<String> = met
            .iter()
            .map(|(t, at)| {
                let label = target_label(t, &sl_label);
                match at {
                    Some(i) => format!("{label} from {} agents", rows[*i].0),
                    None => format!("{label} not met in {}..{}", first.0, last.0),
                }
            })
            .collect();
        let _ = writeln!(out, "Smallest staffing: {}", goals.join("; "));
        if shown.len() < rows.len() {
            let _ = writeln!(
                out,
                "Printed {} of {} rows (a range of at most {FULL_CURVE_ROWS} rows prints them all).",
                shown.len(),
                rows.len()
            );
        }
    }
    out
}

/// What `erlang --target` prints: the model, the fewest agents meeting
/// every target with that row's figures, and the head count grossed up for
/// shrinkage when one is given.
pub fn agents_needed_table(
    arrival_rate: f64,
    mean_handle: f64,
    mean_patience: Option<f64>,
    threshold: f64,
    targets: &[StaffingTarget],
    needed: Option<(u32, handoff_model::theory::Prediction)>,
    shrinkage: Option<f64>,
) -> String {
    let mut out = String::new();
    let model = match mean_patience {
        Some(p) => format!("Erlang A (M/M/c+M), patience {p:.1} s"),
        None => "Erlang C (M/M/c)".to_string(),
    };
    let sl_label = format!("SL({}s)", trimmed(threshold));
    let goals: Vec<String> = targets.iter().map(|t| target_label(t, &sl_label)).collect();
    let _ = writeln!(
        out,
        "{model}: {} arrivals/h × {} s = {:.2} Erlangs; targets {}",
        trimmed(arrival_rate * 3600.0),
        trimmed(mean_handle),
        arrival_rate * mean_handle,
        goals.join(", ")
    );
    match needed {
        None => {
            let _ = writeln!(
                out,
                "no number of agents up to {} meets every target",
                handoff_model::theory::MAX_CURVE_AGENTS
            );
        }
        Some((agents, p)) => {
            let _ = writeln!(
                out,
                "agents needed: {agents} on the phone (net of shrinkage)"
            );
            let _ = writeln!(
                out,
                "  at {agents}: {sl_label} {:.1} %, P(wait) {:.1} %, mean wait {:.1} s, abandonment {:.1} %, occupancy {:.1} %",
                p.service_level * 100.0,
                p.probability_wait * 100.0,
                p.mean_wait,
                p.probability_abandon * 100.0,
                p.occupancy * 100.0
            );
            if let Some(s) = shrinkage {
                let scheduled = (f64::from(agents) / (1.0 - s) - 1e-9).ceil();
                let _ = writeln!(
                    out,
                    "  with {:.1} % shrinkage: {scheduled} scheduled ({agents} / (1 − {s}), rounded up)",
                    s * 100.0
                );
            }
        }
    }
    out
}

fn target_label(target: &StaffingTarget, sl_label: &str) -> String {
    match *target {
        StaffingTarget::ServiceLevelAtLeast(s) => format!("{sl_label} ≥ {:.0}%", s * 100.0),
        StaffingTarget::AbandonmentAtMost(s) => format!("abandon ≤ {:.0}%", s * 100.0),
        StaffingTarget::OccupancyAtMost(s) => format!("occupancy ≤ {:.0}%", s * 100.0),
        StaffingTarget::AsaAtMost(s) => format!("ASA ≤ {s:.0} s"),
    }
}

/// A number without trailing zeros (720, 12.5).
fn trimmed(x: f64) -> String {
    let text = format!("{x:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

//! The `handoff-sim` binary: parses arguments and calls the library.
//! Exit codes: 0 success, 2 bad input (scenario or arguments), 1 other errors,
//! 130 when `run` is interrupted (Ctrl-C, SIGTERM; the partial run folder is
//! removed first).

use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use handoff_sim::report::RunFolder;
use handoff_sim::theory::{MAX_CURVE_AGENTS, StaffingCurve, StaffingTarget};
use handoff_sim::triggers::TriggerEngine;
use handoff_sim::{Error, Scenario, replay, report, sim};

/// The run folder while `run` writes it. The interrupt handler takes it,
/// removes it and exits; `run` takes it back when the run is complete (or
/// failed), so a complete run is never removed.
static PARTIAL_RUN: Mutex<Option<RunFolder>> = Mutex::new(None);

/// Simulate AI-to-human handoffs in contact centres.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write its summary into a new run folder.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Override the scenario's seed (0 to 2^63 − 1, as in TOML).
        #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
        seed: Option<u64>,
        /// Folder for run outputs.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Also write conversations.csv (one row per conversation).
        #[arg(long)]
        conversations: bool,
    },
    /// Check a scenario without running it.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Run the scenario's trigger engine over recorded conversations (JSON Lines).
    Replay {
        /// Transcripts, one conversation per line.
        transcripts: PathBuf,
        /// Scenario whose `[triggers]` configure the engine.
        #[arg(long)]
        scenario: PathBuf,
    },
    /// Erlang C (or, with --patience, Erlang A) predictions for one queue.
    ///
    /// A range of agents prints a staffing curve and the smallest staffing
    /// meeting each target: service level ≥ 80 % at --threshold, abandonment
    /// ≤ 5 % (with --patience) and occupancy ≤ 85 %. A range of more than 60
    /// rows prints only the first and last rows and those around each target,
    /// and says how many rows it skipped.
    Erlang {
        /// Arrivals per hour.
        #[arg(long)]
        rate: f64,
        /// Mean handle time, e.g. "5m".
        #[arg(long, value_parser = humantime::parse_duration)]
        aht: Duration,
        /// Number of agents (1 to 100 000), or a range "20..30" for a staffing
        /// curve (start ≤ end ≤ 100 000).
        #[arg(long, value_parser = parse_agents)]
        agents: RangeInclusive<u32>,
        /// Mean patience (Erlang A), e.g. "3m"; omit for Erlang C.
        #[arg(long, value_parser = humantime::parse_duration)]
        patience: Option<Duration>,
        /// Service-level threshold.
        #[arg(long, default_value = "20s", value_parser = humantime::parse_duration)]
        threshold: Duration,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            let bad_input = error
                .downcast_ref::<Error>()
                .is_some_and(Error::is_bad_input);
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn execute(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Run {
            scenario,
            seed,
            out,
            conversations,
        } => {
            let mut loaded = Scenario::load(&scenario).map_err(Error::from)?;
            if let Some(seed) = seed {
                loaded.set_seed(seed);
            }
            ctrlc::set_handler(discard_partial_run_and_exit)
                .context("installing the Ctrl-C / SIGTERM handler")?;
            let folder = RunFolder::create(&out, &loaded.name, loaded.seed)?;
            *partial_run() = Some(folder.clone());
            let result = run_into(folder.path(), &loaded, conversations);
            {
                // Complete or failed, the run is no longer the handler's to
                // remove; a failed one goes here, under the lock, so an
                // interrupt now cannot exit before it is gone.
                let mut partial = partial_run();
                partial.take();
                if result.is_err() {
                    let _ = folder.discard();
                }
            }
            let report_path = result?;
            println!("\nreport: {}", report_path.display());
            Ok(())
        }
        Command::Validate { scenario } => {
            let loaded = Scenario::load(&scenario).map_err(Error::from)?;
            println!(
                "{}: ok ({} intents, {} pools, {} agents, {:.0} expected arrivals)",
                scenario.display(),
                loaded.intents.len(),
                loaded.pools.len(),
                loaded.total_agents(),
                loaded.expected_arrivals()
            );
            Ok(())
        }
        Command::Replay {
            transcripts,
            scenario,
        } => {
            let loaded = Scenario::load(&scenario).map_err(Error::from)?;
            let engine = TriggerEngine::new(loaded.triggers.clone());
            let report = replay::replay_file(&engine, &transcripts)?;
            print!("{}", report::replay_table(&report));
            Ok(())
        }
        Command::Erlang {
            rate,
            aht,
            agents,
            patience,
            threshold,
        } => erlang(rate, aht, agents, patience, threshold),
    }
}

/// Runs the scenario and writes every output into `dir`; returns the path
/// of `report.html`.
fn run_into(
    dir: &std::path::Path,
    scenario: &Scenario,
    conversations: bool,
) -> anyhow::Result<PathBuf> {
    let partial = dir.join("conversations.csv.tmp");
    let options = sim::RunOptions {
        conversations_csv: conversations.then(|| partial.clone()),
        ..sim::RunOptions::default()
    };
    let output = sim::run_with(scenario, &options)?;
    print!("{}", report::summary_table(&output.summary));
    eprintln!("\n{}", report::Timing::of(&output).line());
    let report_path = report::write_run(dir, &output, scenario)
        .with_context(|| format!("writing the run into {}", dir.display()))?;
    if conversations {
        let final_path = dir.join("conversations.csv");
        std::fs::rename(&partial, &final_path)
            .with_context(|| format!("renaming {}", partial.display()))?;
    }
    Ok(report_path)
}

fn partial_run() -> std::sync::MutexGuard<'static, Option<RunFolder>> {
    PARTIAL_RUN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// On SIGINT, SIGTERM or SIGHUP during `run`: removes the partial run folder
/// and exits with 130. It keeps the lock until the process ends, so `run`
/// cannot report a run whose folder is being removed.
fn discard_partial_run_and_exit() {
    let mut partial = partial_run();
    match partial.take() {
        Some(folder) => {
            let removed = folder.discard();
            match removed {
                Ok(()) => eprintln!(
                    "\ninterrupted: removed the partial run folder {}",
                    folder.path().display()
                ),
                Err(e) => eprintln!(
                    "\ninterrupted: could not remove the partial run folder {}: {e}",
                    folder.path().display()
                ),
            }
        }
        None => eprintln!("\ninterrupted"),
    }
    std::process::exit(130);
}

/// `--agents`: a count or a range `lo..hi` (or `lo..=hi`), each rule
/// reported on its own.
fn parse_agents(text: &str) -> Result<RangeInclusive<u32>, String> {
    let count = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{text}` is not a count (e.g. 25) or a range (e.g. 20..30)"))
    };
    let (start, end) = match text.split_once("..") {
        Some((lo, hi)) => (count(lo)?, count(hi.strip_prefix('=').unwrap_or(hi))?),
        None => (count(text)?, count(text)?),
    };
    if start == 0 {
        return Err("the number of agents must be at least 1, got 0".into());
    }
    if start > end {
        return Err(format!(
            "the range start ({start}) must not exceed its end ({end})"
        ));
    }
    if end > u64::from(MAX_CURVE_AGENTS) {
        return Err(format!("at most {MAX_CURVE_AGENTS} agents, got {end}"));
    }
    // Both are at most MAX_CURVE_AGENTS, so they fit.
    Ok(start as u32..=end as u32)
}

fn erlang(
    rate: f64,
    aht: Duration,
    agents: RangeInclusive<u32>,
    patience: Option<Duration>,
    threshold: Duration,
) -> anyhow::Result<()> {
    if !(rate.is_finite() && rate > 0.0) {
        return Err(Error::InvalidArgument {
            name: "--rate",
            message: format!("must be > 0 arrivals per hour, got {rate}"),
        }
        .into());
    }
    if aht.is_zero() || patience.is_some_and(|p| p.is_zero()) {
        return Err(Error::InvalidArgument {
            name: "--aht/--patience",
            message: "durations must be greater than 0s".into(),
        }
        .into());
    }
    let curve = StaffingCurve::compute(
        rate / 3600.0,
        aht.as_secs_f64(),
        patience.map(|p| p.as_secs_f64()),
        agents,
        threshold.as_secs_f64(),
    );
    let targets = StaffingTarget::defaults(patience.is_some());
    print!("{}", report::staffing_table(&curve, &targets));
    Ok(())
}

//! The `handoff-sim` binary: parses arguments and calls the library.
//! Exit codes: 0 success, 2 bad input (scenario or arguments), 1 other errors,
//! 3 when a threshold fails, 130 when `run` or `compare` is interrupted
//! (Ctrl-C, SIGTERM; the partial run folder is removed first).

mod interrupt;
mod terminal;

use interrupt::in_run_folder;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use terminal::TerminalProgress;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use experiment::session::{Options, Session};
use experiment::shard::{Kind, Shard};
use handoff_sim::theory::{MAX_CURVE_AGENTS, StaffingCurve, StaffingTarget};
use handoff_sim::thresholds::Threshold;
use handoff_sim::triggers::TriggerEngine;
use handoff_sim::{Error, Scenario, experiment, replay, report, sim};

/// Prints to stdout. A closed pipe (`… | head`) is not an error: the outputs
/// are written by then, and the exit code must still say how the run went.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// [`out!`] with a newline.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

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
        /// Also write conversations.csv (one row per conversation; single runs).
        #[arg(long)]
        conversations: bool,
        #[command(flatten)]
        experiment: ExperimentArgs,
    },
    /// Run every `[[variants]]` of a scenario × replications on common random
    /// numbers and compare each variant with the first (paired intervals,
    /// Holm correction); writes comparison.json, compare.html and a forest plot.
    Compare {
        /// Scenario file (TOML) with two or more `[[variants]]`.
        scenario: PathBuf,
        #[command(flatten)]
        experiment: ExperimentArgs,
    },
    /// Run a grid of overrides × replications in parallel; writes sweep.csv
    /// (one row per point: each headline metric's mean and 95 % CI) and
    /// sweep.html (each metric against the first parameter).
    Sweep {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// A swept parameter: PATH=FROM..TO:STEP (inclusive), PATH=A,B,C or
        /// PATH=VALUE, e.g. agents.general.count=8..16:2 (repeatable; the
        /// grid is their Cartesian product; replaces the scenario's [sweep]).
        #[arg(long = "set", value_name = "PATH=VALUES")]
        set: Vec<String>,
        #[command(flatten)]
        experiment: ExperimentArgs,
    },
    /// Staffing requirement of one pool per interval: Erlang C and Erlang A
    /// on the load measured after the bot, and by simulation (iterative
    /// staffing, verified on fresh seeds). Writes staffing.csv,
    /// staffing.json, staffing.html and two charts.
    Staff {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// A target every interval must meet: "service_level >= 0.8" or
        /// "abandonment <= 0.05" (repeatable; default service_level >= 0.8).
        #[arg(long = "target", value_name = "METRIC OP VALUE")]
        targets: Vec<String>,
        /// The pool to staff (required when the scenario has several).
        #[arg(long)]
        pool: Option<String>,
        /// Replications per iteration (2 to 1 000).
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(2..=1000))]
        replications: u32,
        /// One-sided confidence with which each interval must meet its
        /// targets in the search (0.5 = the point estimate).
        #[arg(long, default_value_t = 0.9)]
        confidence: f64,
        /// Most search iterations.
        #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=100))]
        max_iterations: u32,
        /// Override the scenario's seed.
        #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
        seed: Option<u64>,
        /// Folder for outputs.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Worker threads (default: every core).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
        jobs: Option<u32>,
        /// No progress display (it is also hidden when stderr is not a
        /// terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Cover a per-interval requirement (a staffing.csv from `staff`) with
    /// the fewest agent-hours from allowed shift templates (an integer
    /// programme), write the plan as a scenario fragment (shifts.toml), and
    /// simulate the plan: service level per interval with 95 % intervals.
    Schedule {
        /// Scenario file (TOML): the centre the plan staffs.
        scenario: PathBuf,
        /// staffing.csv written by `handoff-sim staff`.
        #[arg(long)]
        requirement: PathBuf,
        /// Which requirement to cover: simulated, erlang_c or erlang_a.
        #[arg(long, default_value = "simulated")]
        column: String,
        /// Allowed shift templates (TOML: [[templates]] with starts, length,
        /// breaks, max_count).
        #[arg(long)]
        shift_templates: PathBuf,
        /// The pool to staff (required when the scenario has several).
        #[arg(long)]
        pool: Option<String>,
        /// A target each interval is judged against (repeatable; default
        /// service_level >= 0.8).
        #[arg(long = "target", value_name = "METRIC OP VALUE")]
        targets: Vec<String>,
        /// Replications of the plan's simulation.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(2..=1000))]
        replications: u32,
        /// Time limit for the solver, e.g. "20s".
        #[arg(long, default_value = "20s", value_parser = humantime::parse_duration)]
        time_limit: Duration,
        /// Folder for outputs.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Worker threads (default: every core).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
        jobs: Option<u32>,
        /// No progress display (it is also hidden when stderr is not a
        /// terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Join a complete set of shard files (from `--shard K/N` runs of one
    /// experiment) and write the report one machine would have written.
    Merge {
        /// Folders holding the shard files (searched recursively).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Folder for the merged report.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
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
        /// Replay with this rule alone, every other rule off (a thresholded
        /// rule at the scenario's setting, or explicit_request, urgency,
        /// topic, repeat_contact).
        #[arg(long)]
        only: Option<String>,
    },
    /// Sweep each thresholded trigger rule over labelled transcripts:
    /// precision, recall, F1, needless escalations and detection delay per
    /// threshold, with 95 % Wilson intervals, and the operating point for
    /// a target. Writes calibration.json, calibration.html and the charts.
    Calibrate {
        /// Labelled transcripts, one conversation per line (JSON Lines).
        transcripts: PathBuf,
        /// Scenario whose `[triggers]` configure the engine.
        #[arg(long)]
        scenario: PathBuf,
        /// A rule to sweep (repeatable): confidence_threshold,
        /// max_failed_attempts, max_failed_in_a_row, sentiment_threshold,
        /// sentiment_drop, circular_repeats, topic_confidence. Default:
        /// every one that is on.
        #[arg(long = "rule", conflicts_with = "only")]
        rules: Vec<String>,
        /// Measure this rule alone, every other rule off: a thresholded
        /// rule is swept, a rule without a threshold (explicit_request,
        /// urgency, topic, repeat_contact) is one point.
        #[arg(long)]
        only: Option<String>,
        /// Choose the threshold with the highest recall whose precision is
        /// at least this (in (0, 1]; the default, 0.9, when neither target
        /// is given).
        #[arg(long, conflicts_with = "target_recall")]
        target_precision: Option<f64>,
        /// Choose the threshold with the highest precision whose recall is
        /// at least this (in (0, 1]).
        #[arg(long)]
        target_recall: Option<f64>,
        /// Folder for the run folder.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// No progress display (it is also hidden when stderr is not a
        /// terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Write simulated conversations in the replay format (JSON Lines): the
    /// customer's messages, the bot's replies with confidence and recognised
    /// intent, the ground-truth label and what the simulation decided.
    Transcripts {
        /// Scenario file (TOML); its bot and triggers make the conversations.
        scenario: PathBuf,
        /// The JSON Lines file to write.
        #[arg(long)]
        out: PathBuf,
        /// How many conversations (1 to 1 000 000).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        conversations: u32,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
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
        #[arg(long, value_parser = parse_agents, required_unless_present = "targets")]
        agents: Option<RangeInclusive<u32>>,
        /// The inverse: the fewest agents meeting every target given
        /// (repeatable): "service_level>=0.8", "asa<=30s" (Erlang C),
        /// "abandonment<=0.05" (with --patience), "occupancy<=0.85".
        #[arg(
            long = "target",
            value_name = "METRIC<OP>VALUE",
            conflicts_with = "agents"
        )]
        targets: Vec<String>,
        /// With --target: the share of paid time agents are not on the
        /// phone (absence, breaks, training), in [0, 1); the head count
        /// scheduled is the net one grossed up by it.
        #[arg(long, requires = "targets")]
        shrinkage: Option<f64>,
        /// Mean patience (Erlang A), e.g. "3m"; omit for Erlang C.
        #[arg(long, value_parser = humantime::parse_duration)]
        patience: Option<Duration>,
        /// Service-level threshold.
        #[arg(long, default_value = "20s", value_parser = humantime::parse_duration)]
        threshold: Duration,
    },
}

/// Seed, output folder, replications, parallelism and thresholds, shared by
/// `run`, `compare` and `sweep`.
#[derive(clap::Args)]
struct ExperimentArgs {
    /// Override the scenario's seed (0 to 2^63 − 1, as in TOML).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Folder for outputs.
    #[arg(long, default_value = "reports")]
    out: PathBuf,
    /// Replications (1 to 10 000); default: `[experiment] replications`, else
    /// 1 for `run` (a single run with batch-means intervals) and 10 for
    /// `compare`.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replications: Option<u32>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// A threshold such as "service_level>=0.8" or "p95_queue_wait<=60s"
    /// (repeatable; added to the scenario's `[thresholds]`). A failed
    /// threshold makes the exit code 3.
    #[arg(long = "threshold", value_name = "METRIC<OP>VALUE")]
    thresholds: Vec<String>,
    /// With replications, judge thresholds on the mean (default) or on the
    /// pessimistic end of the 95 % interval ("ci").
    #[arg(long, value_name = "mean|ci")]
    threshold_on: Option<String>,
    /// Run only shard K of N (jobs whose index is K − 1 modulo N) and write
    /// a shard file; `handoff-sim merge` joins a complete set.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// No progress bar for replications, comparisons and sweeps (it is also
    /// hidden when stderr is not a terminal).
    #[arg(long)]
    quiet: bool,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    Shard::parse(text)
}

impl ExperimentArgs {
    fn options(&self, sets: &[String]) -> Options {
        Options {
            replications: self.replications,
            sets: sets.to_vec(),
            thresholds: self.thresholds.clone(),
            threshold_on: self.threshold_on.clone(),
        }
    }

    fn jobs(&self) -> usize {
        self.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j as usize,
        )
    }
}

/// What a command ended with, when it did not fail.
enum Finished {
    Ok,
    /// Some threshold failed (exit code 3).
    ThresholdFailed,
}

fn finished(verdicts: &[handoff_sim::thresholds::Verdict]) -> Finished {
    if verdicts.iter().all(|v| v.pass) {
        Finished::Ok
    } else {
        Finished::ThresholdFailed
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every command, from its first step: an interrupt (Ctrl-C, SIGTERM,
    // SIGHUP) removes whatever partial output there is and exits 130, also
    // during a long computation that has not made its folder yet.
    if let Err(e) = interrupt::install() {
        eprintln!("error: installing the Ctrl-C / SIGTERM handler: {e}");
        return ExitCode::from(1);
    }
    match execute(cli.command) {
        Ok(Finished::Ok) => ExitCode::SUCCESS,
        Ok(Finished::ThresholdFailed) => ExitCode::from(3),
        Err(error) => {
            eprintln!("error: {error:#}");
            let bad_input = error
                .downcast_ref::<Error>()
                .is_some_and(Error::is_bad_input);
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn load(path: &std::path::Path, seed: Option<u64>) -> Result<Scenario, Error> {
    let mut loaded = Scenario::load(path)?;
    if let Some(seed) = seed {
        loaded.set_seed(seed);
    }
    Ok(loaded)
}

fn execute(command: Command) -> anyhow::Result<Finished> {
    match command {
        Command::Run {
            scenario,
            conversations,
            experiment,
        } => {
            let loaded = load(&scenario, experiment.seed)?;
            // A single run is judged on its value: `--threshold-on` is
            // checked but has nothing to choose.
            let (thresholds, _on) = experiment.options(&[]).thresholds(&loaded)?;
            let replications = experiment
                .replications
                .unwrap_or(loaded.experiment.replications);
            if replications > 1 || experiment.shard.is_some() {
                if conversations {
                    return Err(Error::InvalidArgument {
                        name: "--conversations",
                        message: "exports one run's conversations; it cannot be combined with replications or --shard".into(),
                    }
                    .into());
                }
                return run_experiment(Kind::Run, &scenario, &[], &experiment);
            }
            let out = &experiment.out;
            let (report_path, verdicts) = in_run_folder(out, &loaded.name, loaded.seed, |dir| {
                run_into(dir, &loaded, conversations, &thresholds)
            })?;
            outln!("\nreport: {}", report_path.display());
            Ok(finished(&verdicts))
        }
        Command::Compare {
            scenario,
            experiment,
        } => run_experiment(Kind::Compare, &scenario, &[], &experiment),
        Command::Merge { dirs, out } => {
            let (plan, results) = experiment::shard::merge(&dirs)?;
            let session = Session::from_plan(&plan)?;
            let (table, path, verdicts) =
                in_run_folder(&out, &session.folder_name(), session.scenario.seed, |dir| {
                    Ok(report::session::finish(dir, &session, results)?)
                })?;
            out!("{table}");
            outln!("\nreport: {}", path.display());
            Ok(finished(&verdicts))
        }
        Command::Sweep {
            scenario,
            set,
            experiment,
        } => run_experiment(Kind::Sweep, &scenario, &set, &experiment),
        Command::Staff {
            scenario,
            targets,
            pool,
            replications,
            max_iterations,
            confidence,
            seed,
            out,
            jobs,
            quiet,
        } => {
            let loaded = load(&scenario, seed)?;
            let options = experiment::staff::StaffOptions {
                targets: parse_targets(&targets)?,
                pool,
                replications,
                jobs: jobs_or_cores(jobs),
                max_iterations,
                confidence,
            };
            // Check the arguments before making a folder.
            let progress = TerminalProgress::new(quiet, "runs");
            let staffing = experiment::staff::staff_with_progress(&loaded, &options, &progress)?;
            progress.finish();
            let name = format!("{}-staffing", loaded.name);
            let path = in_run_folder(&out, &name, loaded.seed, |dir| {
                Ok(report::staffing::write(dir, &staffing, &loaded)?)
            })?;
            out!("{}", report::staffing::table(&staffing));
            outln!("\nreport: {}", path.display());
            Ok(Finished::Ok)
        }
        Command::Schedule {
            scenario,
            requirement,
            column,
            shift_templates,
            pool,
            targets,
            replications,
            time_limit,
            out,
            jobs,
            quiet,
        } => {
            let loaded = load(&scenario, None)?;
            let column = experiment::shift_plan::Column::parse(&column).map_err(|message| {
                Error::InvalidArgument {
                    name: "column",
                    message,
                }
            })?;
            let options = experiment::shift_plan::ScheduleOptions {
                requirement,
                column,
                templates: shift_templates,
                pool,
                targets: parse_targets(&targets)?,
                replications,
                jobs: jobs_or_cores(jobs),
                time_limit,
            };
            let progress = TerminalProgress::new(quiet, "runs");
            let planned = experiment::shift_plan::plan_with_progress(&loaded, &options, &progress)?;
            progress.finish();
            let name = format!("{}-schedule", loaded.name);
            let path = in_run_folder(&out, &name, loaded.seed, |dir| {
                Ok(report::staffing::write_schedule(dir, &planned, &loaded)?)
            })?;
            out!("{}", report::staffing::schedule_table(&planned));
            outln!("\nreport: {}", path.display());
            Ok(Finished::Ok)
        }
        Command::Validate { scenario } => {
            validate(&scenario)?;
            Ok(Finished::Ok)
        }
        Command::Replay {
            transcripts,
            scenario,
            only,
        } => {
            replay(&transcripts, &scenario, only.as_deref())?;
            Ok(Finished::Ok)
        }
        Command::Calibrate {
            transcripts,
            scenario,
            rules,
            only,
            target_precision,
            target_recall,
            out,
            quiet,
        } => {
            use handoff_sim::calibrate::{self, Target};
            let target = match (target_precision, target_recall) {
                (_, Some(r)) => Target::Recall(r),
                (p, None) => Target::Precision(p.unwrap_or(0.9)),
            }
            .new_checked()?;
            let loaded = Scenario::load(&scenario).map_err(Error::from)?;
            let conversations = replay::read_file(&transcripts)?;
            let progress = TerminalProgress::new(quiet, "conversations");
            let calibration = match only {
                Some(name) => {
                    let rule = calibrate::parse_only(&name, &loaded.triggers, &scenario)?;
                    calibrate::calibrate_only(
                        &conversations,
                        &transcripts,
                        &loaded.triggers,
                        rule,
                        target,
                        &progress,
                    )?
                }
                None => {
                    let rules = calibrate::select_rules(&rules, &loaded.triggers, &scenario)?;
                    calibrate::calibrate(
                        &conversations,
                        &transcripts,
                        &loaded.triggers,
                        &rules,
                        target,
                        &progress,
                    )?
                }
            };
            progress.finish();
            let name = format!("{}-calibration", loaded.name);
            let path = in_run_folder(&out, &name, loaded.seed, |dir| {
                Ok(report::calibration::write(dir, &calibration, &loaded)?)
            })?;
            out!("{}", report::calibration::table(&calibration));
            outln!("\nreport: {}", path.display());
            Ok(Finished::Ok)
        }
        Command::Transcripts {
            scenario,
            out,
            conversations,
            seed,
        } => {
            let loaded = load(&scenario, seed)?;
            let generated = handoff_sim::transcripts::generate(&loaded, conversations as usize, 0)?;
            // write_atomic's temporary file, removed if interrupted now.
            interrupt::with_partial_file(&out.with_extension("tmp"), || {
                handoff_sim::transcripts::write_file(&out, &loaded, &generated)
            })?;
            let escalated = generated
                .iter()
                .filter(|t| t.escalated_at().is_some())
                .count();
            let needs_human = generated.iter().filter(|t| t.needs_human).count();
            outln!(
                "{} conversations ({} needed a human, {} escalated by a trigger) written to {}",
                generated.len(),
                needs_human,
                escalated,
                out.display()
            );
            Ok(Finished::Ok)
        }
        Command::Erlang {
            rate,
            aht,
            agents,
            targets,
            shrinkage,
            patience,
            threshold,
        } => {
            erlang(rate, aht, agents, &targets, shrinkage, patience, threshold)?;
            Ok(Finished::Ok)
        }
    }
}

/// A replicated run, a comparison or a sweep (`sets`: its `--set` values).
fn run_experiment(
    kind: Kind,
    scenario: &std::path::Path,
    sets: &[String],
    args: &ExperimentArgs,
) -> anyhow::Result<Finished> {
    let loaded = load(scenario, args.seed)?;
    let session = Session::new(kind, loaded, scenario, &args.options(sets))?;
    run_session(&session, args)
}

/// Runs a session — all of it, or one shard — in a new run folder, with a
/// progress bar when asked for and stderr is a terminal.
fn run_session(session: &Session, args: &ExperimentArgs) -> anyhow::Result<Finished> {
    let out = &args.out;
    let progress = !args.quiet;
    use std::io::IsTerminal as _;
    let jobs = args.jobs();
    let total = match args.shard {
        Some(shard) => shard.select(session.plan.total_jobs).len(),
        None => session.plan.total_jobs,
    } as u64;
    let bar = (progress && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}",
            )
            .expect("a valid progress template"),
        );
        bar
    });
    if let Some(shard) = args.shard {
        let name = format!("{}-shards", session.folder_name());
        let path = in_run_folder(out, &name, session.scenario.seed, |dir| {
            Ok(session.run_shard(shard, dir, jobs, bar.as_ref())?)
        })?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        outln!(
            "shard {}/{}: {total} of {} runs\nshard file: {}",
            shard.index,
            shard.count,
            session.plan.total_jobs,
            path.display()
        );
        return Ok(Finished::Ok);
    }
    let (table, path, verdicts) =
        in_run_folder(out, &session.folder_name(), session.scenario.seed, |dir| {
            let all = experiment::all_jobs(session.scenarios().len(), session.replications);
            let results = session.run(&all, jobs, bar.as_ref())?;
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            Ok(report::session::finish(dir, session, results)?)
        })?;
    out!("{table}");
    outln!("\nreport: {}", path.display());
    Ok(finished(&verdicts))
}

/// `--target` values, or the 80/20 default.
fn parse_targets(targets: &[String]) -> Result<Vec<experiment::staff::Target>, Error> {
    if targets.is_empty() {
        return Ok(vec![experiment::staff::Target::ServiceLevel(0.8)]);
    }
    targets
        .iter()
        .map(|t| experiment::staff::Target::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|message| Error::InvalidArgument {
            name: "target",
            message,
        })
}

fn jobs_or_cores(jobs: Option<u32>) -> usize {
    jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    )
}

fn validate(scenario: &std::path::Path) -> anyhow::Result<()> {
    let loaded = Scenario::load(scenario).map_err(Error::from)?;
    outln!(
        "{}: ok ({} intents, {} pools, {} agents, {:.0} expected arrivals)",
        scenario.display(),
        loaded.intents.len(),
        loaded.pools.len(),
        loaded.total_agents(),
        loaded.expected_arrivals()
    );
    Ok(())
}

fn replay(
    transcripts: &std::path::Path,
    scenario: &std::path::Path,
    only: Option<&str>,
) -> anyhow::Result<()> {
    let loaded = Scenario::load(scenario).map_err(Error::from)?;
    let config = match only {
        Some(name) => handoff_sim::calibrate::parse_only(name, &loaded.triggers, scenario)?
            .alone(&loaded.triggers),
        None => loaded.triggers.clone(),
    };
    let engine = TriggerEngine::new(config);
    let report = replay::replay_file(&engine, transcripts)?;
    out!("{}", report::replay_table(&report));
    Ok(())
}

/// Runs the scenario, judges the thresholds and writes every output into
/// `dir`; returns the path of `report.html` and the verdicts.
fn run_into(
    dir: &std::path::Path,
    scenario: &Scenario,
    conversations: bool,
    thresholds: &[Threshold],
) -> anyhow::Result<(PathBuf, Vec<handoff_sim::thresholds::Verdict>)> {
    let partial = dir.join("conversations.csv.tmp");
    let options = sim::RunOptions {
        conversations_csv: conversations.then(|| partial.clone()),
        ..sim::RunOptions::default()
    };
    let mut output = sim::run_with(scenario, &options)?;
    let json = serde_json::to_value(&output.summary).context("summary as JSON")?;
    let verdicts =
        experiment::thresholds::judge_run(&json, thresholds).map_err(Error::Threshold)?;
    output.summary.thresholds = verdicts.clone();
    out!("{}", report::summary_table(&output.summary));
    eprintln!("\n{}", report::Timing::of(&output).lines());
    let report_path = report::write_run(dir, &output, scenario)
        .with_context(|| format!("writing the run into {}", dir.display()))?;
    if conversations {
        let final_path = dir.join("conversations.csv");
        std::fs::rename(&partial, &final_path)
            .with_context(|| format!("renaming {}", partial.display()))?;
    }
    Ok((report_path, verdicts))
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
    agents: Option<RangeInclusive<u32>>,
    targets: &[String],
    shrinkage: Option<f64>,
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
    let (rate_s, aht_s, patience_s, threshold_s) = (
        rate / 3600.0,
        aht.as_secs_f64(),
        patience.map(|p| p.as_secs_f64()),
        threshold.as_secs_f64(),
    );
    let Some(agents) = agents else {
        let goals = targets
            .iter()
            .map(|t| StaffingTarget::parse(t, patience.is_some()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|message| Error::InvalidArgument {
                name: "--target",
                message,
            })?;
        if let Some(s) = shrinkage
            && !(0.0..1.0).contains(&s)
        {
            return Err(Error::InvalidArgument {
                name: "--shrinkage",
                message: format!("must be in [0, 1), got {s}"),
            }
            .into());
        }
        let needed = handoff_sim::theory::agents_needed(
            rate_s,
            aht_s,
            patience_s,
            threshold_s,
            &goals,
            MAX_CURVE_AGENTS,
        );
        out!(
            "{}",
            report::agents_needed_table(
                rate_s,
                aht_s,
                patience_s,
                threshold_s,
                &goals,
                needed,
                shrinkage
            )
        );
        return Ok(());
    };
    let curve = StaffingCurve::compute(rate_s, aht_s, patience_s, agents, threshold_s);
    let targets = StaffingTarget::defaults(patience.is_some());
    out!("{}", report::staffing_table(&curve, &targets));
    Ok(())
}

//! The actor shell: the `Clock` seam, the virtual-time `Timeline` and the
//! actix actors that run the model and the handoff logic, and [`run`].
//! Actors own state and timers and pass messages to plain functions of
//! `handoff-model` and `handoff-logic`; they never make a modelling decision
//! of their own, draw a chart or run an experiment.
//!
//! [`run`] builds a current-thread tokio runtime and a `LocalSet`, wires the
//! actors once ([`assemble`]), lets the [`Timeline`] drive them to the
//! simulated horizon (virtual time), and collects the summary. Actors own state and timers and translate
//! messages into calls on the core (`routing`, `triggers`, `customer`, `ai`,
//! `metrics`); none of them contains a modelling decision of its own.
//!
//! Message flow of one conversation:
//! `ArrivalSource` starts a `Customer` → `CustomerTurn` → `AiAgent`
//! (after the response time) → `AiReplied` → `TriggerActor` → `TurnOutcome`
//! → `Customer` … → `RequestHuman` → `RouterActor` → `Connected` + `Assign`
//! → `HumanAgent` (after the handle time) → `HumanFinished` → `Customer` →
//! the record sink; the agent sends `Released` to the router after wrap-up.
//! With `[learning]` on, `LearningDay` ends each simulated day: the learner
//! in the wiring moves the bot's resolve probabilities (read by the next
//! arrivals) and sends the trigger engine its next confidence threshold.

mod ai_agent;
mod arrival_source;
mod clock;
mod customer;
mod human_agent;
mod learning_day;
mod messages;
mod recorder;
mod router_actor;
pub mod transcript;
mod trigger_actor;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant as WallInstant;

use actix::prelude::*;

pub use clock::{Clock, Timeline};
use hdrhistogram::Histogram;
use messages::{DecisionLatency, Snapshot, StopArrivals};
use recorder::{EndOfRun, RecordSink};
pub use trigger_actor::TIMING_EVERY as DECISION_TIMING_EVERY;
use trigger_actor::TriggerActor;

use crate::transcript::BotTranscript;
use handoff_logic::triggers::TriggerEngine;
use handoff_model::error::{Error, Result};
use handoff_model::incidents::Incidents;
use handoff_model::learning::Learner;
use handoff_model::metrics::{Recorder, ReportData, Summary};
use handoff_model::rng::Streams;
use handoff_model::routing::Router;
use handoff_model::scenario::Scenario;

/// What every actor may reach: the scenario, the clock, the random streams,
/// the record sink and the addresses it sends to. Built once by
/// [`assemble`]; actors never look each other up. One run lives on one
/// thread, so the wiring is shared by `Rc` and the sink by `RefCell`.
pub struct Wiring {
    pub scenario: Arc<Scenario>,
    pub clock: Clock,
    pub streams: Streams,
    pub ai: Option<Addr<ai_agent::AiAgent>>,
    pub router: Addr<router_actor::RouterActor>,
    /// Where every actor reports what happened (a synchronous call).
    pub records: RefCell<RecordSink>,
    /// Conversations in progress, counted by the customer actors themselves.
    pub live: Cell<u64>,
    /// Customer actors between conversations, for the next arrival.
    pub idle_customers: RefCell<Vec<Addr<customer::Customer>>>,
    /// Bot phases, collected when [`RunOptions::transcripts`] is on.
    pub transcripts: Option<RefCell<Vec<BotTranscript>>>,
    /// What the bot has learned so far (`[learning]` on): read at each
    /// arrival, told of each handoff, moved at each day boundary.
    pub learning: RefCell<Option<Learner>>,
    /// The run's AI incident windows (written and drawn).
    pub incidents: Incidents,
}

/// The actors of one run.
struct Bench {
    wiring: Rc<Wiring>,
    arrivals: Addr<arrival_source::ArrivalSource>,
    triggers: Option<Addr<TriggerActor>>,
}

/// Builds the actor graph for a validated scenario. Must run inside a
/// `LocalSet` (actors are spawned on it).
fn assemble(
    scenario: Arc<Scenario>,
    clock: Clock,
    streams: Streams,
    conversations: Option<csv::Writer<std::fs::File>>,
    transcripts: bool,
) -> Bench {
    let incidents = scenario.ai.as_ref().map_or_else(Incidents::default, |ai| {
        Incidents::for_run(
            &ai.incidents,
            &ai.incident_processes,
            &streams,
            scenario.duration.as_secs_f64(),
        )
    });
    let records = RecordSink {
        recorder: Recorder::new(&scenario).with_incidents(incidents.clone()),
        scenario: Arc::clone(&scenario),
        conversations,
        export_error: None,
    };
    let ai = scenario.ai.as_ref().map(|model| {
        let triggers = TriggerActor::new(
            TriggerEngine::new(scenario.triggers.clone()),
            Arc::clone(&scenario),
        )
        .start();
        (
            triggers.clone(),
            ai_agent::AiAgent {
                model: model.clone(),
                intents: scenario.intents.len(),
                streams,
                clock: clock.clone(),
                triggers,
                voice: scenario.voice.clone(),
                incidents: incidents.clone(),
            }
            .start(),
        )
    });
    let (triggers, ai) = match ai {
        Some((triggers, ai)) => (Some(triggers), Some(ai)),
        None => (None, None),
    };
    let mut wiring = None;
    let measure_from = scenario.warm_up.as_secs_f64();
    router_actor::RouterActor::create(|ctx| {
        let mut router = Router::new(&scenario, measure_from);
        let shared = Rc::new(Wiring {
            scenario: Arc::clone(&scenario),
            clock: clock.clone(),
            streams,
            ai,
            router: ctx.address(),
            records: RefCell::new(records),
            live: Cell::new(0),
            idle_customers: RefCell::new(Vec::new()),
            transcripts: transcripts.then(|| RefCell::new(Vec::new())),
            learning: RefCell::new(Learner::new(&scenario)),
            incidents,
        });
        let horizon = scenario.duration.as_secs_f64();
        let mut in_pool = vec![0u32; scenario.pools.len()];
        let agents = (0..router.agent_count())
            .map(|id| {
                let pool = router.pool_of(id);
                let spec = &scenario.pools[pool];
                let periods = handoff_model::roster::duty_periods(
                    handoff_model::roster::RosterInputs {
                        staffing: &spec.staffing,
                        absence: spec.absence,
                        off_phone_per_hour_s: spec.off_phone_per_hour_s,
                    },
                    &scenario.calendar,
                    horizon,
                    pool,
                    in_pool[pool],
                    &streams,
                );
                in_pool[pool] += 1;
                let agent = human_agent::HumanAgent::new(id, pool, Rc::clone(&shared), periods);
                if !agent.on_duty {
                    router.set_duty(0.0, id, false, true);
                }
                agent.start()
            })
            .collect();
        wiring = Some(Rc::clone(&shared));
        router_actor::RouterActor {
            router,
            agents,
            clock: clock.clone(),
            scenario: Arc::clone(&scenario),
            waiting: BTreeMap::new(),
            streams,
        }
    });
    let wiring = wiring.expect("RouterActor::create runs its closure at once");
    let arrivals = arrival_source::ArrivalSource::new(Rc::clone(&wiring)).start();
    if wiring.learning.borrow().is_some() {
        learning_day::LearningDay::new(Rc::clone(&wiring), triggers.clone()).start();
    }
    Bench {
        wiring,
        arrivals,
        triggers,
    }
}

/// A finished run: the deterministic summary plus how fast it ran.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub summary: Summary,
    /// Distributions and per-interval series for charts and exports.
    pub data: ReportData,
    /// Wall-clock seconds the run took (not part of the summary).
    pub wall_seconds: f64,
    /// Contacts waiting and held by agents at the end (a cross-check of
    /// `summary.conversations.in_progress`).
    pub waiting_at_end: usize,
    pub held_at_end: u32,
    /// Wall-clock nanoseconds per trigger-engine evaluation, of every
    /// [`DECISION_TIMING_EVERY`]-th decision (empty with the bot off).
    /// Varies run to run, so it is not part of the summary.
    pub decision_latency_ns: Histogram<u64>,
    /// The same per part of the evaluation, in [`handoff_logic::triggers::Part::ALL`]
    /// order: text preparation, explicit, contextual (with sentiment
    /// scoring), confidence rules.
    pub decision_part_latency_ns: [Histogram<u64>; 4],
    /// Trigger-engine decisions made in the run (timed or not).
    pub decisions: u64,
    /// The bot phases that ended during the run, in the order they ended
    /// (empty unless [`RunOptions::transcripts`]).
    pub transcripts: Vec<BotTranscript>,
}

/// How simulated time relates to real time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeMode {
    /// Virtual time: the clock jumps from event to event (the default).
    Virtual,
    /// The wall clock, sped up by this factor (simulated seconds per real
    /// second): the same actors on a real clock, the seam load mode uses.
    Accelerated(f64),
}

/// How to run: which replication, which clock, what to export on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub replication: u64,
    pub time: TimeMode,
    /// Write one CSV row per conversation to this file as they end.
    pub conversations_csv: Option<PathBuf>,
    /// Keep every bot phase's turns ([`RunOutput::transcripts`]).
    pub transcripts: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            replication: 0,
            time: TimeMode::Virtual,
            conversations_csv: None,
            transcripts: false,
        }
    }
}

/// Runs one replication of the scenario in virtual time.
pub fn run(scenario: &Scenario, replication: u64) -> Result<RunOutput> {
    run_with(
        scenario,
        &RunOptions {
            replication,
            ..RunOptions::default()
        },
    )
}

/// Runs the scenario with the given options.
pub fn run_with(scenario: &Scenario, options: &RunOptions) -> Result<RunOutput> {
    let (replication, time, transcripts) = (options.replication, options.time, options.transcripts);
    let conversations = match &options.conversations_csv {
        Some(path) => Some(csv::Writer::from_path(path).map_err(|e| Error::Output {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?),
        None => None,
    };
    let speed = match time {
        TimeMode::Virtual => 1.0,
        TimeMode::Accelerated(speed) if speed.is_finite() && speed > 0.0 => speed,
        TimeMode::Accelerated(speed) => {
            return Err(Error::InvalidArgument {
                name: "speed",
                message: format!("must be a finite number > 0, got {speed}"),
            });
        }
    };
    let started = WallInstant::now();
    let scenario = Arc::new(scenario.clone());
    let end = scenario.duration.as_secs_f64();
    let streams = Streams::new(scenario.seed, replication);
    let setup = move |clock: Clock| {
        assemble(
            Arc::clone(&scenario),
            clock,
            streams,
            conversations,
            transcripts,
        )
    };
    let collected = match time {
        TimeMode::Virtual => {
            // Virtual time: the timeline drives the actors' LocalSet itself;
            // the runtime has no timer driver, so nothing can wait on tokio
            // time by mistake.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a current-thread tokio runtime can always be built");
            let _runtime = runtime.enter();
            let mut local = tokio::task::LocalSet::new();
            let timeline = Rc::new(Timeline::new());
            let bench = {
                let _inside = local.enter();
                setup(Clock::virtual_time(Rc::clone(&timeline)))
            };
            timeline.run(&mut local, end);
            local.block_on(&runtime, collect(bench, replication, end))
        }
        TimeMode::Accelerated(_) => {
            let system = actix::System::with_tokio_rt(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .expect("a current-thread tokio runtime can always be built")
            });
            system.block_on(async move {
                let clock = Clock::wall(speed);
                let bench = setup(clock.clone());
                let (done, wait) = tokio::sync::oneshot::channel();
                clock.at(end, move || {
                    let _ = done.send(());
                });
                let _ = wait.await;
                collect(bench, replication, end).await
            })
        }
    };
    let (
        (summary, data, export_error),
        (waiting_at_end, held_at_end),
        (decision_latency_ns, decision_part_latency_ns, decisions),
        transcripts,
    ) = collected.map_err(|e| Error::Runtime(e.to_string()))?;
    if !summary.conversations.holds() {
        return Err(Error::Runtime(format!(
            "conservation violated (a bug): {:?}",
            summary.conversations
        )));
    }
    if let (Some(path), Some(message)) = (&options.conversations_csv, export_error) {
        return Err(Error::Output {
            path: path.clone(),
            source: std::io::Error::other(message),
        });
    }
    Ok(RunOutput {
        summary,
        data,
        wall_seconds: started.elapsed().as_secs_f64(),
        waiting_at_end,
        held_at_end,
        decision_latency_ns,
        decision_part_latency_ns,
        decisions,
        transcripts,
    })
}

/// What the end of a run collects: the summary and report data, the queue
/// at the end, the decision latencies and the transcripts.
type Collected = (
    (Summary, ReportData, Option<String>),
    (usize, u32),
    (Histogram<u64>, [Histogram<u64>; 4], u64),
    Vec<BotTranscript>,
);

/// Ends the run at simulated time `end`: stops arrivals and collects what
/// every actor holds.
async fn collect(
    bench: Bench,
    replication: u64,
    end: f64,
) -> std::result::Result<Collected, MailboxError> {
    bench.arrivals.send(StopArrivals).await?;
    let latency = match &bench.triggers {
        Some(triggers) => triggers.send(DecisionLatency).await?,
        None => {
            let empty = || Histogram::new(3).expect("valid histogram precision");
            (empty(), std::array::from_fn(|_| empty()), 0)
        }
    };
    let snapshot = bench.wiring.router.send(Snapshot).await?;
    // Reports are synchronous calls, so the live count and the records agree
    // at this point: a conversation is either ended in the records or in
    // progress.
    let in_progress = bench.wiring.live.get();
    let mut summarised = bench.wiring.records.borrow_mut().finish(EndOfRun {
        replication,
        end,
        in_progress,
        occupancy: &snapshot.occupancy,
        series: &snapshot.series,
        waiting: &snapshot.waiting,
    });
    summarised.0.learning = bench
        .wiring
        .learning
        .take()
        .map(|learner| learner.finish(&bench.wiring.scenario));
    let transcripts = bench
        .wiring
        .transcripts
        .as_ref()
        .map(|t| std::mem::take(&mut *t.borrow_mut()))
        .unwrap_or_default();
    Ok((
        summarised,
        (snapshot.waiting.len(), snapshot.held_contacts),
        latency,
        transcripts,
    ))
}

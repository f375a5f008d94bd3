//! handoff-sim: simulation of AI-to-human handoffs in contact centres.
//!
//! The workspace's crates are its layers, each depending only on those
//! below it (see `ARCHITECTURE.md`):
//!
//! | crate | what it is | here as |
//! |---|---|---|
//! | `handoff-logic` | the handoff logic a support system embeds: trigger engine, context package, transfer policy | [`triggers`], [`handoff`], [`Channel`] |
//! | `handoff-model` | the pure model: scenario, streams, arrivals, rosters, customers, AI, routing, theory, metrics | [`scenario`], [`metrics`], … |
//! | `handoff-actors` | the actor shell: the clock seam, the timeline and the actix actors | [`sim`] |
//! | `handoff-experiment` | replications, comparisons, sweeps, shards, thresholds, staffing, schedules | [`experiment`] |
//! | `handoff-calibration` | replay, calibrate and transcripts | [`replay`], [`calibrate`], [`transcripts`] |
//! | `handoff-report` | tables, charts, HTML pages, CSV/JSON writers | [`report`] |
//!
//! This crate is the `handoff-sim` binary (`src/main.rs`: arguments in,
//! library calls, exit code out) and this facade, which names each layer
//! once so a program or test needs one dependency.
//!
//! From scenario to figures, in Rust:
//!
//! ```no_run
//! use std::path::Path;
//! use handoff_sim::{Scenario, experiment, sim};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A scenario file, parsed and validated once (errors name file, key, line).
//! let scenario = Scenario::load(Path::new("scenarios/basic.toml"))?;
//! // One run: the summary (every figure with its n and, where the run
//! // allows, a batch-means interval) and the data behind the charts.
//! let run = sim::run(&scenario, 0)?;
//! println!("{}", handoff_sim::report::summary_table(&run.summary));
//! // Twenty replications on two threads, pooled with Student-t intervals.
//! let summaries = experiment::replicate(&scenario, 20, 2)?;
//! let pooled = experiment::Replicated::new(&scenario, &summaries);
//! # let _ = pooled;
//! # Ok(())
//! # }
//! ```
//!
//! `examples/` holds two small programs: the trigger engine embedded on its
//! own (`embed_trigger_engine`, which needs only `handoff-logic`) and a
//! comparison of variants on common random numbers (`compare_from_rust`).

pub use handoff_actors as sim;
pub use handoff_calibration::{calibrate, replay, score, transcripts};
pub use handoff_experiment as experiment;
pub use handoff_experiment::schedule;
pub use handoff_logic::{Channel, handoff, triggers};
pub use handoff_model::{
    Error, Result, Scenario, ScenarioError, ai, arrivals, customer, error, figures, forecast,
    learning, metrics, output, overrides, progress, rng, roster, routing, scenario, stats, theory,
    thresholds,
};
pub use handoff_report as report;

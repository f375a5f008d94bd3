//! handoff-sim: simulation of AI-to-human handoffs in contact centres.
//!
//! The crate is split into a pure core (scenario model, arrival process,
//! customer and AI behaviour, trigger engine, routing decisions, metrics
//! maths, queueing theory) and a thin actor shell in [`sim`] that runs the
//! core in virtual time. See `ARCHITECTURE.md` for the code map and the
//! invariants.
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
//! own (`embed_trigger_engine`) and a comparison of variants on common
//! random numbers (`compare_from_rust`).

pub mod ai;
pub mod arrivals;
pub mod calibrate;
pub mod customer;
pub mod error;
pub mod experiment;
pub mod forecast;
pub mod handoff;
pub mod metrics;
pub mod replay;
pub mod report;
pub mod rng;
pub mod roster;
pub mod routing;
pub mod scenario;
pub mod schedule;
pub mod sim;
pub mod theory;
pub mod transcripts;
pub mod triggers;

pub use error::{Error, Result, ScenarioError};
pub use scenario::{Channel, Scenario};

//! handoff-sim: simulation of AI-to-human handoffs in contact centres.
//!
//! The crate is split into a pure core (scenario model, arrival process,
//! customer and AI behaviour, trigger engine, routing decisions, metrics
//! maths, queueing theory) and a thin actor shell in [`sim`] that runs the
//! core in virtual time. See `ARCHITECTURE.md` for the code map and the
//! invariants.

pub mod ai;
pub mod arrivals;
pub mod customer;
pub mod error;
pub mod experiment;
pub mod handoff;
pub mod metrics;
pub mod replay;
pub mod report;
pub mod rng;
pub mod routing;
pub mod scenario;
pub mod sim;
pub mod theory;
pub mod triggers;

pub use error::{Error, Result, ScenarioError};
pub use scenario::{Channel, Scenario};

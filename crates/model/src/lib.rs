//! The contact-centre model, pure and without actors: the scenario (parsed
//! and validated once), seeded random streams, the arrival process, rosters
//! and forecasts, customers and the AI's answers, routing decisions,
//! queueing theory, and the metrics every run reports. Experiment
//! declarations a scenario carries (thresholds, swept parameters, variants)
//! are plain data here.
//!
//! Never depends on actix, tokio, plotters, rayon or good_lp, and never reads
//! the wall clock or an unseeded random source.

pub mod ai;
pub mod arrivals;
pub mod callbacks;
pub mod customer;
pub mod error;
pub mod figures;
pub mod forecast;
pub mod handling;
pub mod incidents;
pub mod learning;
pub mod metrics;
pub mod output;
pub mod overrides;
pub mod progress;
pub mod rng;
pub mod roster;
pub mod routing;
pub mod scenario;
pub mod stats;
pub mod theory;
pub mod thresholds;
pub mod voice;

pub use error::{Error, Result, ScenarioError};
pub use scenario::Scenario;

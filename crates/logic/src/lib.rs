//! The handoff logic a production support system could embed: after each bot
//! turn, the trigger engine decides whether to hand the customer to a human
//! and why; at the handoff, the context package, the transfer policy and the
//! expectation message. Plain types and pure functions, configured by types
//! of its own ([`triggers::TriggerConfig`], [`handoff::TransferPolicy`]).
//!
//! Never depends on the scenario file format, the simulation, actix, tokio,
//! plotters, rayon or good_lp, and never reads a clock or draws a random number.

pub mod channel;
pub mod handoff;
pub mod triggers;

pub use channel::Channel;

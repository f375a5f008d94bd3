//! What happens at the moment of handoff: the context package the agent
//! receives, the transfer mode, and the message the customer gets.
//!
//! Pure functions of what the bot knew at that moment; the customer actor
//! calls them and the human agent and router act on the results.

mod context;
mod expectation;
mod transfer;

pub use context::{ContextFacts, ContextMode, ContextPackage, Spoiled, Transcription};
pub use expectation::{ExpectationMessage, expectation_message};
pub use transfer::{PolicyRule, TransferInputs, TransferMode, TransferPlan, TransferPolicy};

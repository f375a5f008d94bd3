//! Metrics: what each conversation reports when it ends, the cheap recorder
//! that aggregates it on the hot path, and the summary built once at the end.
//!
//! The recorder holds counters per reporting interval and channel plus
//! hdrhistograms, never a list of conversations, so memory is bounded by the
//! run's length in intervals, not by its volume. Conversations that arrive
//! during the warm-up are counted for conservation but left out of every
//! statistic. Pure: no actors, no clock.
//!
//! Every outcome is recorded when it is decided, so nothing in progress at
//! the horizon drops out of a denominator: a conversation counts for the bot
//! when it arrives, its handoff (reason, trigger verdict, transfer, package)
//! and its offer to the human queue when the bot hands it over, its queue
//! outcome when it leaves the queue, and contacts still waiting at the end
//! are folded in with censored waits ([`Recorder::waiting_at_end`]).

pub mod csat;
mod daily;
pub mod quality;
mod record;
mod recorder;
pub mod row;
mod summarise;
mod summary;

pub use daily::{DAILY_RULE, Daily, Period, WEEK_DAYS};
pub use record::{
    ConversationRecord, Durability, Escalation, HandoffReason, Outcome, QueueExit, QueueLeft,
    StillWaiting, durability,
};
pub use recorder::{FNV_OFFSET, Recorder, fnv1a_bytes};
pub use summarise::erlang_reference;
pub use summary::{
    BotStats, CallbackStats, Conservation, DURABILITY_RULE, DurabilityStats, IncidentSummary,
    IntervalChannel, IntervalRow, Measured, MeasuredOutcomes, PoolSummary, ReportData,
    SCHEMA_VERSION, ServiceStats, SideStats, Summary, VoiceStats, WaitPercentiles, WaitQuote,
};

pub use crate::stats::Estimate;
pub use quality::{HandoffQuality, TriggerQuality};
pub use row::ConversationRow;

#[cfg(test)]
mod tests;

//! One conversation as a row of `conversations.csv`: the record flattened,
//! with names for its enums and the conversation's modelled CSAT. The
//! actors' record sink streams these rows when a run asks for the file.

use serde::Serialize;

use super::ConversationRecord;
use super::csat::csat;
use crate::scenario::Scenario;

/// One row of `conversations.csv`. Times in seconds from the start.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationRow<'a> {
    pub id: u64,
    pub channel: &'static str,
    pub intent: &'a str,
    pub arrived_at_s: f64,
    /// False for conversations that arrived during the warm-up.
    pub measured: bool,
    pub repeat_contact: bool,
    pub needs_human: bool,
    pub bot_turns: u32,
    pub handoff: &'static str,
    pub trigger: &'static str,
    pub escalation_turn: Option<u32>,
    pub transfer_mode: &'static str,
    pub context_completeness: Option<f64>,
    pub estimated_wait_s: Option<f64>,
    pub queue_wait_s: Option<f64>,
    pub waited: bool,
    pub handle_time_s: Option<f64>,
    pub outcome: &'static str,
    pub csat: f64,
}

impl<'a> ConversationRow<'a> {
    pub fn new(record: &ConversationRecord, scenario: &'a Scenario) -> ConversationRow<'a> {
        use super::Outcome::*;
        ConversationRow {
            id: record.id,
            channel: record.channel.name(),
            intent: &scenario.intents[record.intent].name,
            arrived_at_s: record.arrived_at,
            measured: record.arrived_at >= scenario.warm_up.as_secs_f64(),
            repeat_contact: record.previous_contact_age.is_some(),
            needs_human: record.needs_human,
            bot_turns: record.bot_turns,
            handoff: record.handoff.map_or("", |h| h.name()),
            trigger: record.escalation.map_or("", |e| e.kind.name()),
            escalation_turn: record.escalation.map(|e| e.turn),
            transfer_mode: record.transfer.map_or("", |m| m.name()),
            context_completeness: record.context_completeness,
            estimated_wait_s: record.estimated_wait,
            queue_wait_s: record.queue_wait,
            waited: record.waited,
            handle_time_s: record.handle_time,
            outcome: match record.outcome {
                ResolvedByAi => "resolved_by_ai",
                ResolvedByHuman => "resolved_by_human",
                Unresolved => "unresolved",
                AbandonedInBot => "abandoned_in_bot",
                AbandonedInQueue => "abandoned_in_queue",
                Closed => "closed",
                Dropped => "dropped",
                CallbackMissed => "callback_missed",
            },
            csat: csat(record),
        }
    }
}

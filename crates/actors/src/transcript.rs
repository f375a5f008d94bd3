//! What the customer actors record of each bot phase when
//! [`crate::RunOptions::transcripts`] is on: every turn as the simulation ran
//! it and how the phase ended. The calibration crate writes them in the
//! replay format.

use handoff_logic::Channel;
use handoff_logic::triggers::TriggerKind;
use handoff_model::customer::ConversationId;

/// One bot turn as the simulation ran it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BotTurnLog {
    pub utterance: &'static str,
    /// What the bot reported.
    pub confidence: f64,
    /// Index into the scenario's intents.
    pub recognised_intent: usize,
    /// Ground truth: the answer solved the problem.
    pub correct: bool,
}

/// How the bot phase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotEnd {
    /// A trigger rule escalated (the reported rule).
    Escalated(TriggerKind),
    ResolvedByAi,
    AbandonedInBot,
    /// The bot ran out of turns and handed over.
    BotFallback,
    /// The bot was out (an outage incident).
    AiOutage,
}

impl BotEnd {
    pub fn name(self) -> &'static str {
        match self {
            BotEnd::Escalated(_) => "escalated",
            BotEnd::ResolvedByAi => "resolved_by_ai",
            BotEnd::AbandonedInBot => "abandoned_in_bot",
            BotEnd::BotFallback => "bot_fallback",
            BotEnd::AiOutage => "ai_outage",
        }
    }
}

/// The bot phase of one simulated conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct BotTranscript {
    /// The replication it was simulated in.
    pub replication: u64,
    pub id: ConversationId,
    /// The person (the same on every contact of a returning customer).
    pub customer: u64,
    /// 1 for a first contact, 2 for the first repeat, …
    pub contact: u32,
    pub arrived_at: f64,
    pub channel: Channel,
    /// Seconds since the customer's previous contact started, for a repeat.
    pub previous_contact_age: Option<f64>,
    /// Ground truth: a human is needed (from the first message).
    pub needs_human: bool,
    pub turns: Vec<BotTurnLog>,
    pub end: BotEnd,
}

impl BotTranscript {
    /// The turn at which a trigger escalated, if one did (1-based).
    pub fn escalated_at(&self) -> Option<(u32, TriggerKind)> {
        match self.end {
            BotEnd::Escalated(kind) => Some((self.turns.len() as u32, kind)),
            _ => None,
        }
    }
}

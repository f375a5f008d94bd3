//! What a conversation reports: its terminal outcome, why it was handed off,
//! the record it ends with, and the queue events (exit, still waiting,
//! escalation) the recorder is told about.

use serde::Serialize;

use crate::customer::ConversationId;
use crate::routing::WaitEstimates;
use handoff_logic::Channel;
use handoff_logic::handoff::TransferMode;
use handoff_logic::triggers::TriggerKind;

/// The terminal state of a conversation: exactly one per conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    ResolvedByAi,
    ResolvedByHuman,
    /// Handled by a human who did not resolve it.
    Unresolved,
    AbandonedInBot,
    AbandonedInQueue,
    /// Reached the queue when nobody who could take it was on duty, heard the
    /// closed message and left (`handoff.when_closed = "closed_message"`).
    Closed,
    /// A voice transfer from the bot dropped on the call path before the
    /// call reached the queue (`voice.transfer_failure_probability`).
    Dropped,
    /// Accepted a callback that was never reached (every attempt unanswered).
    CallbackMissed,
}

/// Why a conversation went to the human queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HandoffReason {
    /// A trigger rule fired.
    Trigger(TriggerKind),
    /// The bot ran out of turns and handed over as a fallback.
    BotFallback,
    /// No bot: the AI agent is switched off.
    Direct,
    /// The bot was out (an `outage` incident): straight to a human, with
    /// the outage message (`incidents::OUTAGE_MESSAGE`).
    AiOutage,
}

impl HandoffReason {
    pub fn name(self) -> &'static str {
        match self {
            HandoffReason::Trigger(kind) => kind.name(),
            HandoffReason::BotFallback => "bot_fallback",
            HandoffReason::Direct => "direct",
            HandoffReason::AiOutage => "ai_outage",
        }
    }
}

/// What a conversation reports when it ends. Times in seconds from the start.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRecord {
    pub id: ConversationId,
    pub channel: Channel,
    pub intent: usize,
    pub arrived_at: f64,
    pub outcome: Outcome,
    pub bot_turns: u32,
    pub handoff: Option<HandoffReason>,
    /// When the conversation joined the human queue.
    pub queued_at: Option<f64>,
    /// True when no agent was free at once.
    pub waited: bool,
    /// Time from joining the queue to an agent (or to abandoning).
    pub queue_wait: Option<f64>,
    /// Human handle time, when a human handled it.
    pub handle_time: Option<f64>,
    /// Of the handle time, clarifying questions (what the package lacked).
    pub clarification: Option<f64>,
    /// Ground truth: the conversation needed a human from its first message.
    pub needs_human: bool,
    /// The trigger escalation, if a trigger escalated it.
    pub escalation: Option<Escalation>,
    /// Seconds since this customer's previous contact, for a repeat contact.
    pub previous_contact_age: Option<f64>,
    /// How it was transferred, when it reached the human queue.
    pub transfer: Option<TransferMode>,
    /// Completeness of the context package handed to the agent.
    pub context_completeness: Option<f64>,
    /// The wait quoted to the customer at handoff, in seconds (the
    /// configured estimator's).
    pub estimated_wait: Option<f64>,
    /// Every estimator's quote, computed in shadow when the contact queued.
    pub wait_estimates: Option<WaitEstimates>,
    /// The customer's frustration at the end, 0 … 1.
    pub frustration: f64,
    /// Frustration when an agent first took the contact (carried from the
    /// bot and the wait; `handoff.effects`).
    pub frustration_at_connection: Option<f64>,
    /// Whether the customer had to repeat themselves to the agent (`None`:
    /// no agent, or a direct contact that had told nothing before).
    pub repeated: Option<bool>,
    /// Agent seconds this contact took: handling, wrap-up, and the
    /// briefings of warm transfers declined.
    pub agent_time: f64,
    /// Warm transfers of this contact declined by the receiving agent.
    pub declines: u32,
    /// Seconds a voice consult (the whisper of a warm transfer) held the
    /// bot's line as well as the agent.
    pub consult_line: f64,
    /// The customer came back (a repeat contact) within the run.
    pub came_back: bool,
    /// For a bot resolution: whether it held ([`durability`]).
    pub durability: Option<Durability>,
    /// Seconds of dead air the caller heard in the bot (voice, silence).
    pub dead_air: f64,
    /// The caller hung up in the bot after too long a silence.
    pub hung_up_on_dead_air: bool,
    /// An accepted callback reached the customer this long after acceptance.
    pub callback_reached_after: Option<f64>,
}

/// Whether a bot resolution held: the customer did not come back on the
/// same issue within the durable window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The window closed inside the run without a return.
    Durable,
    /// The customer came back within the window (and within the run).
    NotDurable,
    /// The window reaches past the end of the run and no return was seen
    /// before it: unknown, and never assumed durable.
    Censored,
}

/// The durability of a bot resolution that ended at `ended_at`, whose
/// customer comes back after `returns_after` seconds (`None`: never), for a
/// `window` and a run ending at `horizon`. Only a window that closed inside
/// the run is settled (complete follow-up); one still open at the horizon is
/// censored even if the customer is already back. Settling the early
/// returns of open windows but not their quiet ones would make the settled
/// resolutions look less durable than they are.
pub fn durability(
    ended_at: f64,
    returns_after: Option<f64>,
    window: f64,
    horizon: f64,
) -> Durability {
    if ended_at + window > horizon {
        return Durability::Censored;
    }
    match returns_after {
        Some(d) if d <= window => Durability::NotDurable,
        _ => Durability::Durable,
    }
}

impl ConversationRecord {
    /// The record of a conversation that has just arrived: nothing has
    /// happened yet (the outcome is set when it ends).
    pub fn new(
        id: ConversationId,
        channel: Channel,
        intent: usize,
        arrived_at: f64,
    ) -> ConversationRecord {
        ConversationRecord {
            id,
            channel,
            intent,
            arrived_at,
            outcome: Outcome::AbandonedInBot,
            bot_turns: 0,
            handoff: None,
            queued_at: None,
            waited: false,
            queue_wait: None,
            handle_time: None,
            clarification: None,
            needs_human: false,
            escalation: None,
            previous_contact_age: None,
            transfer: None,
            context_completeness: None,
            estimated_wait: None,
            wait_estimates: None,
            frustration: 0.0,
            frustration_at_connection: None,
            repeated: None,
            agent_time: 0.0,
            declines: 0,
            consult_line: 0.0,
            came_back: false,
            durability: None,
            dead_air: 0.0,
            hung_up_on_dead_air: false,
            callback_reached_after: None,
        }
    }
}

/// A contact leaving the human queue. Times in seconds from the start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueExit {
    pub channel: Channel,
    pub arrived_at: f64,
    pub queued_at: f64,
    /// True when no agent was free at once.
    pub waited: bool,
    /// Time in the queue.
    pub wait: f64,
    /// How it left: to an agent, by abandoning, or for a callback.
    pub how: QueueLeft,
    /// The router's wait estimate when the contact was queued.
    pub estimated_wait: Option<f64>,
    /// Every estimator's quote when it was queued (measured in shadow).
    pub wait_estimates: Option<WaitEstimates>,
}

/// How a contact left the human queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueLeft {
    Answered,
    Abandoned,
    /// Accepted a callback: off the line, to be called back.
    Callback,
}

/// A contact still waiting for a human at the end of the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StillWaiting {
    pub channel: Channel,
    pub arrived_at: f64,
    pub queued_at: f64,
}

/// When and why a trigger escalated a conversation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Escalation {
    pub kind: TriggerKind,
    /// The bot turn at which it fired (1-based).
    pub turn: u32,
    /// Seconds from the conversation's first message.
    pub after: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolution_is_durable_only_once_its_window_has_closed_without_a_return() {
        let (window, horizon) = (100.0, 1000.0);
        assert_eq!(durability(10.0, None, window, horizon), Durability::Durable);
        assert_eq!(
            durability(10.0, Some(150.0), window, horizon),
            Durability::Durable
        );
        assert_eq!(
            durability(10.0, Some(50.0), window, horizon),
            Durability::NotDurable
        );
        // The window is still open at the horizon: no return seen yet.
        assert_eq!(
            durability(950.0, None, window, horizon),
            Durability::Censored
        );
        assert_eq!(
            durability(950.0, Some(80.0), window, horizon),
            Durability::Censored
        );
        // Nor does a return seen before the horizon settle it: the quiet
        // windows beside it are still open.
        assert_eq!(
            durability(950.0, Some(20.0), window, horizon),
            Durability::Censored
        );
        assert_eq!(
            durability(900.0, None, window, horizon),
            Durability::Durable
        );
    }
}

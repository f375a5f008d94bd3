//! Messages between the actors. Each names the domain event it carries; the
//! hidden ground truth travels only to the AI model, never to the trigger
//! engine.

use actix::prelude::*;

use crate::customer::Customer;
use handoff_logic::handoff::TransferPlan;
use std::sync::Arc;

use handoff_logic::Channel;
use handoff_logic::triggers::{Decision, TurnSignals};
use handoff_model::customer::ConversationId;
use handoff_model::routing::{AgentId, PoolOccupancy, Returned, WaitEstimates};
use handoff_model::scenario::SkillId;

/// Wiring → an idle customer actor: a new conversation begins.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Begin {
    pub profile: handoff_model::customer::CustomerProfile,
    pub arrived_at: f64,
}

/// Customer → AI agent: the customer's message for bot turn `turn` (1-based).
#[derive(Message)]
#[rtype(result = "()")]
pub struct CustomerTurn {
    pub conversation: ConversationId,
    pub channel: Channel,
    pub turn: u32,
    pub utterance: &'static str,
    /// Bot answers the customer rejected before this turn, in total and in a row.
    pub failed_attempts: u32,
    pub failed_in_a_row: u32,
    /// Signals of the customer's earlier messages (shared, not copied: the
    /// customer appends to it only when the turn has come back).
    pub history: Arc<Vec<TurnSignals>>,
    pub previous_contact_age: Option<f64>,
    /// Ground truth for the AI model (not passed to the trigger engine).
    pub ai_can_solve: bool,
    pub intent: usize,
    pub customer: Addr<Customer>,
}

/// AI agent → trigger engine: the bot replied to a turn.
#[derive(Message)]
#[rtype(result = "()")]
pub struct AiReplied {
    pub conversation: ConversationId,
    pub turn: u32,
    pub utterance: &'static str,
    pub confidence: f64,
    pub recognised_intent: usize,
    pub failed_attempts: u32,
    pub failed_in_a_row: u32,
    pub history: Arc<Vec<TurnSignals>>,
    pub previous_contact_age: Option<f64>,
    /// Ground truth, passed through to the customer who experiences it.
    pub correct: bool,
    pub customer: Addr<Customer>,
}

/// Trigger engine → customer: the reply and the escalation decision.
#[derive(Message)]
#[rtype(result = "()")]
pub struct TurnOutcome {
    /// The conversation the turn belongs to: a caller who hung up on dead
    /// air is gone when the reply comes, and its actor may be on the next
    /// conversation already.
    pub conversation: ConversationId,
    pub turn: u32,
    pub correct: bool,
    /// The confidence the bot reported (kept for transcripts).
    pub confidence: f64,
    pub recognised_intent: usize,
    pub decision: Decision,
}

/// Customer → router: hand me to a human.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RequestHuman {
    pub conversation: ConversationId,
    pub channel: Channel,
    pub skill: SkillId,
    pub request: HandoffRequest,
}

/// Router → customer: no agent is free; the estimated wait in seconds,
/// and the wait the expectation message quotes (`None`: none is heard).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Queued {
    /// The configured estimator's quote.
    pub estimated_wait: f64,
    /// Offered a callback, and whether the caller took it (then it waits
    /// off the line for the call back).
    pub callback: Option<bool>,
    /// Every estimator's quote, measured in shadow.
    pub estimates: WaitEstimates,
    pub quoted_wait: Option<f64>,
}

/// Customer → router: my patience ran out.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Abandon {
    pub conversation: ConversationId,
}

/// Router → customer: you left the queue (the abandonment took effect).
#[derive(Message)]
#[rtype(result = "()")]
pub struct LeftQueue;

/// Router → customer: an agent took you.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Connected {
    pub agent: AgentId,
    /// False when an agent was free at once.
    pub waited: bool,
}

/// Router → human agent: handle this contact.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Assign {
    pub conversation: ConversationId,
    pub channel: Channel,
    pub request: HandoffRequest,
    /// When the contact first joined the queue (kept across a hand-back).
    pub since: f64,
}

/// Human agent → router: the agent comes on duty (`on`) or goes off it.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Duty {
    pub agent: AgentId,
    pub on: bool,
    /// Going off duty ends a shift (not a break or off-phone time).
    pub shift_end: bool,
    /// Going off duty because the agent dropped off mid-contact.
    pub drop_off: bool,
}

/// Human agent → router: at its shift end (`shift_end = "hand_back"`) the
/// agent returns a contact it was handling to the head of the queue.
#[derive(Message)]
#[rtype(result = "()")]
pub struct HandBack {
    pub agent: AgentId,
    pub conversation: ConversationId,
    pub channel: Channel,
    pub request: HandoffRequest,
    pub since: f64,
    pub why: Returned,
}

/// Human agent → customer: your agent's shift ended; you are back at the
/// head of the queue, your context package with you.
#[derive(Message)]
#[rtype(result = "()")]
pub struct HandedBack {
    /// The receiving agent declined the warm transfer after its briefing
    /// (`handoff.effects.warm_decline_probability`), rather than going off duty.
    pub declined: bool,
}

/// Router → customer: nobody who could take you is on duty; the closed
/// message is played and the contact ends.
#[derive(Message)]
#[rtype(result = "()")]
pub struct CentreClosed;

/// What the router and the agent need to know about a handed-off contact.
#[derive(Clone)]
pub struct HandoffRequest {
    pub intent: usize,
    /// When the conversation arrived (for the end-of-run queue figures).
    pub arrived_at: f64,
    pub plan: TransferPlan,
    /// `None` for a direct contact (no bot, so nothing to pass on).
    pub context_completeness: Option<f64>,
    /// Frustration the customer carries from the bot to the queue.
    pub frustration: f64,
    /// The wait the customer was quoted when queued (`None`: none).
    pub quoted_wait: Option<f64>,
    /// Warm transfers of this contact declined so far.
    pub declines: u32,
    /// An accepted callback not reached yet: the attempts made so far.
    pub callback: Option<u32>,
    pub customer: Addr<Customer>,
}

/// Customer → router: try the callback again (after an unanswered attempt).
#[derive(Message)]
#[rtype(result = "()")]
pub struct RetryCallback {
    pub conversation: ConversationId,
    pub channel: Channel,
    pub skill: SkillId,
    pub request: HandoffRequest,
}

/// Human agent → customer: the callback reached you (the call goes on as a
/// contact with the agent).
#[derive(Message)]
#[rtype(result = "()")]
pub struct CallbackAnswered;

/// Human agent → customer: the callback attempt went unanswered; the
/// request comes back with the attempt counted.
#[derive(Message)]
#[rtype(result = "()")]
pub struct CallbackUnanswered {
    pub request: HandoffRequest,
}

/// Human agent → customer: the contact is over.
#[derive(Message)]
#[rtype(result = "()")]
pub struct HumanFinished {
    pub resolved: bool,
    pub handle_time: f64,
    /// Of the handle time, seconds spent re-asking what the context package
    /// lacked (the customer repeating themselves).
    pub clarification: f64,
    /// The customer had to repeat themselves (`None`: a direct contact).
    pub repeated: Option<bool>,
    /// Frustration when the agent took the contact, and at its end.
    pub frustration_at_connection: f64,
    pub frustration: f64,
    /// The agent's wrap-up after it (agent time, not handle time).
    pub wrap_up: f64,
}

/// Human agent → router: a slot is free again (after wrap-up).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Released {
    pub agent: AgentId,
    pub channel: Channel,
    /// A contact handled to its end; false for a callback attempt nobody
    /// answered, whose ring is not a completed contact (it does not count
    /// in the mean holding time the wait quotes use).
    pub finished: bool,
}

/// Driver → arrival source: no more arrivals.
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopArrivals;

/// Driver → router: the state at the end of the run.
#[derive(Message)]
#[rtype(result = "RouterSnapshot")]
pub struct Snapshot;

#[derive(Debug, Clone)]
pub struct RouterSnapshot {
    pub occupancy: Vec<PoolOccupancy>,
    pub series: handoff_model::routing::IntervalSeries,
    pub waiting: Vec<handoff_model::metrics::StillWaiting>,
    pub held_contacts: u32,
}

/// Driver → trigger engine: its decision latencies so far (nanoseconds),
/// whole and per part of the evaluation, of the decisions timed, and how
/// many decisions it made.
#[derive(Message)]
#[rtype(result = "(hdrhistogram::Histogram<u64>, [hdrhistogram::Histogram<u64>; 4], u64)")]
pub struct DecisionLatency;

/// Timer → the learning day: the simulated day ending at `at` is over.
#[derive(Message)]
#[rtype(result = "()")]
pub struct DayEnded {
    pub at: f64,
}

/// Learning day → trigger engine: the next day's confidence threshold.
#[derive(Message)]
#[rtype(result = "()")]
pub struct SetConfidenceThreshold(pub f64);

/// Timer → arrival source: the next arrival is due.
#[derive(Message)]
#[rtype(result = "()")]
pub struct NextArrival {
    pub at: f64,
}

/// Timer → human agent: the handle time of this contact is over.
#[derive(Message)]
#[rtype(result = "()")]
pub struct HandlingDone {
    pub conversation: ConversationId,
}

/// Timer → human agent: it drops off now (if on duty), or comes back
/// (`back`) after the absence.
#[derive(Message)]
#[rtype(result = "()")]
pub struct DropOff {
    pub back: bool,
}

/// Timer → customer: the message it wrote reaches a bot that is out (an
/// outage incident): straight to a human.
#[derive(Message)]
#[rtype(result = "()")]
pub struct BotUnavailable;

/// Timer → voice caller on silence: `line_dead_after` seconds of dead air
/// since the message of bot turn `turn` (stale if the reply came first).
#[derive(Message)]
#[rtype(result = "()")]
pub struct LineDead {
    pub conversation: ConversationId,
    pub turn: u32,
}

/// Timer → human agent: its next duty change is due.
#[derive(Message)]
#[rtype(result = "()")]
pub struct DutyChange;

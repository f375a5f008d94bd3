//! The summary types: what `summary.json`, the report and the exports carry.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

pub use crate::stats::Estimate;
pub use quality::{HandoffQuality, TriggerQuality};

use crate::theory::Prediction;
use handoff_logic::triggers::TriggerKind;

use super::*;

/// Version of the `summary.json` layout; bump on any breaking change.
pub const SCHEMA_VERSION: u32 = 7;

/// The measured window's distributions and per-interval series: what the
/// charts and the CSV exports need beyond the summary.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub interval_s: f64,
    pub threshold_s: f64,
    /// The end of the warm-up: where the measured window starts.
    pub warm_up_s: f64,
    /// Measured intervals in time order.
    pub intervals: Vec<IntervalRow>,
    /// Queue waits in ms, per channel (chat, voice): answered contacts and,
    /// censored at the end, contacts still waiting.
    pub wait_ms: [Histogram<u64>; 2],
    /// AI incident windows, (start, end) in seconds, for the shading of the
    /// over-time chart.
    pub incident_windows: Vec<(f64, f64)>,
    /// Detection delay per rule (needed escalations): ms and turns.
    pub detection: Vec<(TriggerKind, Histogram<u64>, Histogram<u64>)>,
}

/// One reporting interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalRow {
    pub start_s: f64,
    /// Length of the measured part of the interval (shorter at the warm-up
    /// boundary and at the end of the run).
    pub measured_s: f64,
    /// Arrivals the profile predicts in the measured part of this interval.
    pub expected_arrivals: f64,
    /// Chat, voice.
    pub channels: [IntervalChannel; 2],
    /// Time-average number of contacts waiting for a human.
    pub mean_queue: f64,
    /// Per pool: slot utilisation (occupancy) in this interval.
    pub occupancy: Vec<f64>,
}

/// One interval and channel: arrivals by arrival time, queue figures by the
/// time the contact joined the queue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalChannel {
    /// All arrivals, repeat contacts included.
    pub arrivals: u64,
    /// Arrivals of the arrival process alone (no repeat contacts).
    pub first_contacts: u64,
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    /// Joined in this interval and still waiting at the end of the run.
    pub still_waiting: u64,
    pub asa_s: Option<f64>,
    /// Service level = `answered_within` / `service_level_base` (answered +
    /// abandoned + still waiting past the threshold).
    pub answered_within: u64,
    pub service_level_base: u64,
    /// Contacts whose handling finished, and their summed handle time
    /// (briefing and clarification included, wrap-up not).
    pub handled: u64,
    pub handle_s: f64,
    pub service_level: Option<f64>,
    pub abandonment_rate: Option<f64>,
}

/// Every conversation of the run, warm-up included: arrivals equal the sum
/// of the terminal outcomes plus `in_progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Conservation {
    pub arrivals: u64,
    /// Of the arrivals, returning customers (repeat contacts).
    pub repeat_arrivals: u64,
    pub resolved_by_ai: u64,
    pub resolved_by_human: u64,
    pub unresolved: u64,
    pub abandoned_in_bot: u64,
    pub abandoned_in_queue: u64,
    /// Turned away by the closed message (nobody on duty).
    pub closed: u64,
    /// Voice transfers from the bot that dropped on the call path.
    pub dropped: u64,
    /// Accepted a callback that was never reached.
    pub callback_missed: u64,
    pub in_progress: u64,
}

impl Conservation {
    pub fn terminal(&self) -> u64 {
        self.resolved_by_ai
            + self.resolved_by_human
            + self.unresolved
            + self.abandoned_in_bot
            + self.abandoned_in_queue
            + self.closed
            + self.dropped
            + self.callback_missed
    }

    /// The invariant: nothing is ever lost.
    pub fn holds(&self) -> bool {
        self.arrivals == self.terminal() + self.in_progress
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MeasuredOutcomes {
    pub resolved_by_ai: u64,
    pub resolved_by_human: u64,
    pub unresolved: u64,
    pub abandoned_in_bot: u64,
    pub abandoned_in_queue: u64,
    pub closed: u64,
    pub dropped: u64,
    pub callback_missed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BotStats {
    /// Measured conversations that entered the bot, counted on arrival:
    /// contained + handed off + abandoned in bot + still in the bot.
    pub conversations: u64,
    pub contained: u64,
    pub handed_off: u64,
    pub abandoned: u64,
    /// Still talking to the bot when the run ended.
    pub still_in_bot: u64,
    /// Containment: resolved by the AI over all bot conversations (those
    /// still in the bot at the end count as not contained). Naive: a
    /// resolution the customer comes back on still counts.
    pub containment_rate: Estimate,
    /// Durable containment: containment × the share of bot resolutions
    /// whose durable window closed inside the run without a return
    /// ([`Durability`]); `None` when no window closed.
    pub durable_containment: Option<Estimate>,
    pub durability: DurabilityStats,
    /// Handed to the human queue (triggers and fallback) over all bot
    /// conversations.
    pub handoff_rate: Estimate,
    pub abandonment_rate: Estimate,
    /// Bot turns of conversations whose bot phase is over.
    pub mean_turns: Estimate,
    pub handoffs_by_reason: BTreeMap<String, u64>,
}

/// Bot resolutions by durability (`[simulation] durable_window`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurabilityStats {
    pub window_s: f64,
    /// The window closed inside the run without a return.
    pub durable: u64,
    /// The customer came back on the same issue within the window.
    pub not_durable: u64,
    /// The window reaches past the end of the run with no return seen yet.
    pub censored: u64,
    pub rule: &'static str,
}

/// How durable containment treats a window still open at the end.
pub const DURABILITY_RULE: &str = "durable containment = contained / bot conversations × durable / (durable + not durable), \
over bot resolutions whose window closed inside the run; a resolution whose window is still open at the end \
(censored, even if the customer is already back) is counted but never assumed durable: it is taken to hold at the rate of the closed ones";

/// Queue-wait percentiles, in seconds (hdrhistogram, 3 significant figures,
/// 1 ms resolution), of answered contacts and, censored at the end of the
/// run, of contacts still waiting (so with any still waiting, the upper
/// percentiles are lower bounds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WaitPercentiles {
    pub n: u64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// Human-queue figures over the contacts that joined the queue in the
/// measured window: offered = answered + abandoned + still waiting at the end.
/// Confidence intervals are batch means sized from the data (see
/// [`stats`]); where the run is too short, `ci_withheld` says so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceStats {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    /// Left the line for a callback they accepted (`[callbacks]`): offered,
    /// so in the abandonment rate's base, but out of the service level's
    /// (a callback's own figures are in `measured.callbacks`). Their wait in
    /// `mean_wait_s` and `probability_wait` is their time on the line
    /// before they accepted. offered = answered + abandoned + callbacks +
    /// still_waiting.
    pub callbacks: u64,
    /// Still waiting when the run ended (offered, neither answered nor
    /// abandoned yet).
    pub still_waiting: u64,
    pub threshold_s: f64,
    /// Answered within the threshold over contacts whose outcome is known:
    /// answered + abandoned (missed) + still waiting past the threshold
    /// (missed). Only a contact still waiting under the threshold is left
    /// out, because it may yet be answered in time.
    pub service_level: Estimate,
    /// P(wait > 0): no agent was free on arrival (still waiting ones waited).
    pub probability_wait: Estimate,
    /// Average speed of answer: mean wait of answered contacts.
    pub asa_s: Estimate,
    /// Mean wait over all offered contacts: abandoned ones to their
    /// abandonment, still waiting ones censored at the end (a lower bound).
    pub mean_wait_s: Estimate,
    /// Abandoned over offered.
    pub abandonment_rate: Estimate,
    pub aht_s: Estimate,
    /// Mean seconds of clarifying questions per handled contact (the
    /// customer repeating what the context package lacked; part of AHT).
    pub clarification_s: Estimate,
    pub post_handoff_fcr: Estimate,
    /// The router's wait estimate against the actual wait, answered contacts:
    /// mean of actual − estimated (> 0: the estimate was optimistic).
    pub wait_estimate_error_s: Estimate,
    /// Every wait estimator (`routing::WaitEstimator`) against the waits of
    /// the answered contacts that queued, each computed in shadow for every
    /// one of them, by name; `heard` marks the one customers were told.
    pub wait_quotes: BTreeMap<String, WaitQuote>,
    pub queue_wait_s: WaitPercentiles,
}

/// One wait estimator's error over the answered contacts that queued.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitQuote {
    /// The estimator behind the expectation message (`[routing] wait_estimator`).
    pub heard: bool,
    /// Answered contacts that queued, each with this estimator's quote.
    pub n: u64,
    /// Mean of actual − quoted wait (> 0: the quote was optimistic).
    pub bias_s: Estimate,
    /// Mean of |actual − quoted wait|.
    pub mae_s: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measured {
    /// Conversations that arrived after the warm-up.
    pub arrivals: u64,
    pub ended: MeasuredOutcomes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotStats>,
    pub human_queue: ServiceStats,
    pub by_channel: BTreeMap<String, ServiceStats>,
    /// The whole centre's occupancy: slot-seconds used over available,
    /// summed over every pool (each pool's own is in `pools`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupancy: Option<Estimate>,
    /// The trigger engine against ground truth (when the bot is on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triggers: Option<TriggerQuality>,
    pub handoff: HandoffQuality,
    /// Callbacks (`[callbacks]` on), over measured conversations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<CallbackStats>,
    /// Voice calls in the bot (`[voice]` on and the bot on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceStats>,
}

/// Callbacks of measured conversations, each step counted when it happens:
/// accepted = reached + never reached + pending at the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallbackStats {
    pub offered: u64,
    pub accepted: u64,
    /// Accepted over offered (Wilson interval).
    pub acceptance_rate: Estimate,
    pub reached: u64,
    /// Every attempt unanswered (outcome `callback_missed`).
    pub never_reached: u64,
    /// Accepted, not reached or given up when the run ended.
    pub pending_at_end: u64,
    pub unanswered_attempts: u64,
    /// Acceptance to reaching the customer, in seconds, over those reached.
    pub time_to_callback_s: super::quality::DelayStats,
}

/// The run's AI incidents and the figures inside and outside their windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentSummary {
    /// Every window, written or drawn, by start.
    pub windows: Vec<crate::incidents::Window>,
    pub inside: SideStats,
    pub outside: SideStats,
}

/// Figures on one side of the incident windows: bot conversations by their
/// arrival, queue figures by the time a contact joined the queue. The bases
/// are the queue's own ([`ServiceStats`]): abandonment over every contact
/// that joined (answered, abandoned, left for a callback, still waiting at
/// the end), the service level over answered + abandoned + still waiting
/// past the threshold. Shares with Wilson intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideStats {
    /// Measured hours on this side.
    pub hours: f64,
    pub bot_conversations: u64,
    pub handoff_rate: Estimate,
    pub answered: u64,
    pub abandoned: u64,
    /// Left the line for an accepted callback.
    pub callbacks: u64,
    /// Still waiting when the run ended.
    pub still_waiting: u64,
    pub asa_s: Estimate,
    pub abandonment_rate: Estimate,
    /// Answered within the threshold over answered + abandoned + still
    /// waiting past the threshold.
    pub service_level: Estimate,
}

/// What voice did to the calls that entered the bot, over the measured
/// calls that ended (a call still in progress at the end is not counted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoiceStats {
    /// Measured voice calls that entered the bot and ended.
    pub calls: u64,
    /// Seconds of dead air a call heard in the bot (0 unless `on_hold =
    /// "silence"`), mean over those calls.
    pub dead_air_per_call_s: Estimate,
    /// Calls that hung up in the bot after `line_dead_after` of silence,
    /// over those calls (Wilson interval).
    pub hung_up_on_dead_air: Estimate,
    /// Transfers from the bot, and the share that dropped on the call path
    /// (Wilson interval).
    pub transfers: u64,
    pub transfer_failure_rate: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolSummary {
    pub name: String,
    pub agents: u32,
    /// Contact slots per agent (chat concurrency; 1 for voice-only pools).
    pub slots_per_agent: u32,
    /// Occupancy as slot utilisation: time contacts held a slot (handling
    /// and wrap-up; a voice call holds all of an agent's slots) over agents ×
    /// slots × measured time. For a voice pool, the classic busy share.
    pub occupancy: Estimate,
    /// Share of agent time with at least one contact or wrap-up (for chat
    /// pools higher than occupancy: one chat of three counts).
    pub agents_engaged: f64,
    /// Mean contacts held per agent.
    pub mean_concurrency: f64,
    /// Agent-hours present in the measured window: on duty, or finishing a
    /// contact after going off duty (the occupancy denominator).
    pub staffed_hours: f64,
    /// Of those, hours spent finishing contacts after a shift ended
    /// (`shift_end = "finish_contact"`). Contacts finished after a break or
    /// off-phone time began are not overtime: the break just starts late.
    pub overtime_hours: f64,
    /// Contacts returned to the queue at a shift end (`shift_end = "hand_back"`).
    pub handed_back: u64,
    /// Agents' drop-offs mid-contact over the whole run
    /// (`drop_off_per_hour`), and the contacts they returned to the head
    /// of the queue with their package (none is lost).
    pub drop_offs: u64,
    pub returned_by_drop_off: u64,
}

/// The run summary (`summary.json`). Deterministic: no wall-clock values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub schema_version: u32,
    pub scenario: String,
    pub seed: u64,
    pub replication: u64,
    pub duration_s: f64,
    pub warm_up_s: f64,
    pub conversations: Conservation,
    /// Hash of the first-contact arrival sequence (ids, times, channels,
    /// intents): equal in two runs iff they saw the same customers (common
    /// random numbers). Repeat contacts depend on outcomes and are left out.
    pub arrival_fingerprint: String,
    /// Most conversations alive at once (bot, queue or with an agent).
    pub peak_concurrency: u64,
    pub measured: Measured,
    pub pools: Vec<PoolSummary>,
    /// Erlang C / A prediction when the scenario is a single M/M/c(+M) queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theory: Option<Prediction>,
    /// The run day by day (runs longer than a day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily: Option<super::Daily>,
    /// AI incidents (`[[ai_agent.incidents]]` or drawn ones) and the
    /// figures inside and outside their windows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<IncidentSummary>,
    /// What the bot learned day by day (`[learning]` on; set by the run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning: Option<crate::learning::LearningSummary>,
    /// Thresholds judged on this run (set by the caller; empty: none asked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<crate::thresholds::Verdict>,
}

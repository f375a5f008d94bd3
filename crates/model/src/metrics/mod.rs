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
pub mod quality;
pub mod row;

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::stats::Batching;
pub use crate::stats::Estimate;
use quality::QualityRecorder;
pub use quality::{HandoffQuality, TriggerQuality};
pub use row::ConversationRow;

use crate::arrivals::ArrivalProcess;
use crate::customer::ConversationId;
use crate::routing::{IntervalSeries, PoolOccupancy};
use crate::scenario::Scenario;
use crate::theory::{Prediction, Queue};
use handoff_logic::Channel;
use handoff_logic::handoff::TransferMode;
use handoff_logic::triggers::TriggerKind;

/// Version of the `summary.json` layout; bump on any breaking change.
pub const SCHEMA_VERSION: u32 = 3;

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
}

impl HandoffReason {
    pub fn name(self) -> &'static str {
        match self {
            HandoffReason::Trigger(kind) => kind.name(),
            HandoffReason::BotFallback => "bot_fallback",
            HandoffReason::Direct => "direct",
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
    /// The wait quoted to the customer at handoff, in seconds.
    pub estimated_wait: Option<f64>,
    /// The customer's frustration at the end, 0 … 1.
    pub frustration: f64,
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
            frustration: 0.0,
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
    /// Left by abandoning rather than to an agent.
    pub abandoned: bool,
    /// The router's wait estimate when the contact was queued.
    pub estimated_wait: Option<f64>,
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

/// Human-queue counters for one interval and channel, by the interval in
/// which the contact joined the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct QueueCounters {
    /// Joined the queue (counted then): answered + abandoned + still waiting.
    offered: u64,
    /// Left the queue after waiting (no agent free at once).
    waited: u64,
    answered: u64,
    answered_within: u64,
    abandoned: u64,
    wait_answered: f64,
    /// Waits of contacts that left the queue (answered or abandoned).
    wait_all: f64,
    /// Still waiting at the end of the run (set by [`Recorder::queue_series`]).
    still_waiting: u64,
    /// Of those, waiting longer than the service-level threshold: missed.
    waiting_past_threshold: u64,
    /// Waits of those still waiting, censored at the end of the run.
    wait_censored: f64,
    /// Answered contacts that had a wait estimate, and Σ (actual − estimate).
    estimates: u64,
    estimate_error: f64,
    /// Contacts whose human handling finished before the end.
    handled: u64,
    handle: f64,
    clarification: f64,
    resolved: u64,
}

impl QueueCounters {
    fn add(&mut self, other: &QueueCounters) {
        self.offered += other.offered;
        self.waited += other.waited;
        self.answered += other.answered;
        self.answered_within += other.answered_within;
        self.abandoned += other.abandoned;
        self.wait_answered += other.wait_answered;
        self.wait_all += other.wait_all;
        self.still_waiting += other.still_waiting;
        self.waiting_past_threshold += other.waiting_past_threshold;
        self.wait_censored += other.wait_censored;
        self.estimates += other.estimates;
        self.estimate_error += other.estimate_error;
        self.handled += other.handled;
        self.handle += other.handle;
        self.clarification += other.clarification;
        self.resolved += other.resolved;
    }

    /// Contacts whose service-level outcome is known: answered, abandoned,
    /// or still waiting past the threshold (missed whatever happens next).
    fn service_level_base(&self) -> u64 {
        self.answered + self.abandoned + self.waiting_past_threshold
    }

    /// Contacts that were not connected at once: left after waiting, or
    /// still waiting.
    fn waited_total(&self) -> u64 {
        self.waited + self.still_waiting
    }
}

/// Bot-side counters (measured conversations that entered the bot), each
/// counted when it is decided.
#[derive(Debug, Clone, Default, PartialEq)]
struct BotCounters {
    /// Counted on arrival.
    conversations: u64,
    contained: u64,
    abandoned: u64,
    handoffs: BTreeMap<HandoffReason, u64>,
    /// Conversations whose bot phase is over, and their bot turns.
    left: u64,
    turns: u64,
}

/// Aggregates conversation records during the run.
#[derive(Debug, Clone)]
pub struct Recorder {
    warm_up: f64,
    interval: f64,
    threshold: f64,
    /// The AI agent is on: every conversation starts in the bot.
    bot_on: bool,
    /// All arrivals and terminal outcomes, warm-up included (conservation).
    arrivals: u64,
    repeat_arrivals: u64,
    ended: BTreeMap<Outcome, u64>,
    live: u64,
    peak_live: u64,
    /// Measured arrivals by interval of arrival, per channel.
    arrivals_by_interval: Vec<[u64; 2]>,
    /// Of those, first contacts (the arrival process; no repeat contacts).
    first_contacts_by_interval: Vec<[u64; 2]>,
    /// Measured queue counters by interval of joining the queue, per channel.
    queue_by_interval: Vec<[QueueCounters; 2]>,
    bot: BotCounters,
    /// Answered waits in milliseconds, per channel.
    wait_ms: [Histogram<u64>; 2],
    /// Contacts still waiting when the run ended (set once, at the end).
    waiting_at_end: Vec<StillWaiting>,
    /// When the run ended (with `waiting_at_end`).
    ended_at: f64,
    /// Measured outcomes.
    measured_outcomes: BTreeMap<Outcome, u64>,
    /// FNV-1a hash of every arrival (id, time, channel, intent) in order.
    fingerprint: u64,
    quality: QualityRecorder,
}

pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over `bytes`, continuing from `hash` (start from [`FNV_OFFSET`]).
pub fn fnv1a_bytes(hash: u64, bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(hash, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// FNV-1a over the 8 little-endian bytes of `word`.
fn fnv1a(hash: u64, word: u64) -> u64 {
    fnv1a_bytes(hash, word.to_le_bytes())
}

fn histogram() -> Histogram<u64> {
    Histogram::new(3).expect("3 significant figures is a valid histogram precision")
}

fn to_ms(seconds: f64) -> u64 {
    (seconds * 1000.0).round().max(0.0) as u64
}

impl Recorder {
    pub fn new(scenario: &Scenario) -> Recorder {
        let interval = scenario.interval.as_secs_f64();
        let intervals = (scenario.duration.as_secs_f64() / interval).ceil() as usize + 1;
        Recorder {
            warm_up: scenario.warm_up.as_secs_f64(),
            interval,
            threshold: scenario.service_level_threshold.as_secs_f64(),
            bot_on: scenario.ai.is_some(),
            arrivals: 0,
            repeat_arrivals: 0,
            ended: BTreeMap::new(),
            live: 0,
            peak_live: 0,
            arrivals_by_interval: vec![[0; 2]; intervals],
            first_contacts_by_interval: vec![[0; 2]; intervals],
            queue_by_interval: vec![[QueueCounters::default(); 2]; intervals],
            bot: BotCounters::default(),
            wait_ms: [histogram(), histogram()],
            waiting_at_end: Vec::new(),
            ended_at: 0.0,
            measured_outcomes: BTreeMap::new(),
            fingerprint: FNV_OFFSET,
            quality: QualityRecorder::default(),
        }
    }

    /// The reporting intervals of the measured window: from the one holding
    /// the end of the warm-up to the last one that starts before `end`.
    fn measured_intervals(&self, end: f64) -> std::ops::Range<usize> {
        let first = self.interval_of(self.warm_up);
        let last = ((end / self.interval).ceil() as usize).min(self.arrivals_by_interval.len());
        first..last.max(first + 1)
    }

    fn interval_of(&self, t: f64) -> usize {
        ((t / self.interval) as usize).min(self.arrivals_by_interval.len() - 1)
    }

    /// A conversation arrived at `t` (seconds); `repeat` when it is a
    /// returning customer rather than a fresh arrival of the Poisson stream.
    pub fn arrived(
        &mut self,
        id: ConversationId,
        t: f64,
        channel: Channel,
        intent: usize,
        repeat: bool,
    ) {
        self.arrivals += 1;
        if repeat {
            self.repeat_arrivals += 1;
        } else {
            for word in [id, t.to_bits(), channel.index() as u64, intent as u64] {
                self.fingerprint = fnv1a(self.fingerprint, word);
            }
        }
        self.live += 1;
        self.peak_live = self.peak_live.max(self.live);
        if t >= self.warm_up {
            let i = self.interval_of(t);
            self.arrivals_by_interval[i][channel.index()] += 1;
            if !repeat {
                self.first_contacts_by_interval[i][channel.index()] += 1;
            }
            self.bot.conversations += u64::from(self.bot_on);
        }
    }

    /// A conversation was handed to the human queue (by a trigger, the bot's
    /// fallback, or directly with the bot off). Everything decided at this
    /// moment is recorded now: the offer to the queue, the handoff reason,
    /// the trigger verdict, the transfer mode and the context package.
    pub fn handed_off(&mut self, record: &ConversationRecord) {
        if record.arrived_at < self.warm_up {
            return;
        }
        let (Some(reason), Some(queued_at)) = (record.handoff, record.queued_at) else {
            return;
        };
        let i = self.interval_of(queued_at);
        self.queue_by_interval[i][record.channel.index()].offered += 1;
        if reason != HandoffReason::Direct {
            *self.bot.handoffs.entry(reason).or_default() += 1;
            self.bot.left += 1;
            self.bot.turns += u64::from(record.bot_turns);
        }
        self.quality.handed_off(record);
    }

    /// A conversation ended. Its bot outcome is recorded here when it ended
    /// in the bot (contained or abandoned there); a handoff was recorded when
    /// it happened.
    pub fn ended(&mut self, record: &ConversationRecord) {
        *self.ended.entry(record.outcome).or_default() += 1;
        self.live -= 1;
        if record.arrived_at < self.warm_up {
            return;
        }
        *self.measured_outcomes.entry(record.outcome).or_default() += 1;
        self.quality.ended(record);
        if record.handoff.is_none() {
            self.bot.left += 1;
            self.bot.turns += u64::from(record.bot_turns);
            match record.outcome {
                Outcome::ResolvedByAi => self.bot.contained += 1,
                Outcome::AbandonedInBot => self.bot.abandoned += 1,
                _ => {}
            }
        }
        // A contact turned away by the closed message was counted as offered
        // at its handoff; it never joined a queue, so it is not offered
        // (workforce tools leave calls into a closed centre out of the
        // service level). It counts as `closed` among the outcomes.
        if let (Outcome::Closed, Some(queued_at)) = (record.outcome, record.queued_at) {
            let i = self.interval_of(queued_at);
            self.queue_by_interval[i][record.channel.index()].offered -= 1;
        }
        // The wait was recorded when the contact left the queue
        // (`left_queue`); here only the human handling, now that it is over.
        if let (Some(queued_at), Some(handle)) = (record.queued_at, record.handle_time) {
            let i = self.interval_of(queued_at);
            let c = &mut self.queue_by_interval[i][record.channel.index()];
            c.handled += 1;
            c.handle += handle;
            c.clarification += record.clarification.unwrap_or(0.0);
            c.resolved += u64::from(record.outcome == Outcome::ResolvedByHuman);
        }
    }

    /// A contact left the human queue: answered by an agent, or abandoned.
    /// Recorded at that moment, so a contact still with an agent at the end
    /// of the run counts as answered. (It was counted as offered when it
    /// joined the queue.)
    pub fn left_queue(&mut self, exit: &QueueExit) {
        if exit.arrived_at < self.warm_up {
            return;
        }
        let i = self.interval_of(exit.queued_at);
        let c = &mut self.queue_by_interval[i][exit.channel.index()];
        c.waited += u64::from(exit.waited);
        c.wait_all += exit.wait;
        if exit.abandoned {
            c.abandoned += 1;
        } else {
            c.answered += 1;
            c.wait_answered += exit.wait;
            c.answered_within += u64::from(exit.wait <= self.threshold);
            if let Some(estimate) = exit.estimated_wait {
                c.estimates += 1;
                c.estimate_error += exit.wait - estimate;
                self.quality.wait_estimated(estimate, exit.wait);
            }
            self.wait_ms[exit.channel.index()]
                .record(to_ms(exit.wait))
                .expect("auto-resizing histogram accepts any u64");
        }
    }

    /// The contacts still waiting for a human when the run ended at `end`.
    /// They stay offered; their waits are censored at `end` (a lower bound),
    /// and one that has waited past the threshold is a service-level miss.
    /// Replaces any earlier call.
    pub fn waiting_at_end(&mut self, end: f64, waiting: &[StillWaiting]) {
        self.ended_at = end;
        self.waiting_at_end = waiting
            .iter()
            .filter(|w| w.arrived_at >= self.warm_up)
            .copied()
            .collect();
    }

    /// The queue counters per measured interval and channel, with the
    /// contacts still waiting at the end folded in.
    fn queue_series(&self) -> Vec<[QueueCounters; 2]> {
        let mut series = self.queue_by_interval.clone();
        for w in &self.waiting_at_end {
            let c = &mut series[self.interval_of(w.queued_at)][w.channel.index()];
            let wait = (self.ended_at - w.queued_at).max(0.0);
            c.wait_censored += wait;
            c.waiting_past_threshold += u64::from(wait > self.threshold);
        }
        for per_channel in &mut series {
            for c in per_channel {
                // Counted from the recorder's own books: a contact that
                // joined in the very last instant and is not in the router's
                // list yet still counts (with a zero wait).
                c.still_waiting = c.offered.saturating_sub(c.answered + c.abandoned);
            }
        }
        series
    }

    /// Waits for the percentiles: answered contacts and, censored at the
    /// end, contacts still waiting (per channel).
    fn wait_histograms(&self) -> [Histogram<u64>; 2] {
        let mut waits = self.wait_ms.clone();
        for w in &self.waiting_at_end {
            waits[w.channel.index()]
                .record(to_ms((self.ended_at - w.queued_at).max(0.0)))
                .expect("auto-resizing histogram accepts any u64");
        }
        waits
    }

    /// Conversations arrived and not yet ended.
    pub fn live(&self) -> u64 {
        self.live
    }

    /// The distributions and per-interval series behind the charts, over the
    /// measured window up to `end`. `series` comes from the router.
    pub fn report_data(
        &self,
        scenario: &Scenario,
        end: f64,
        series: &IntervalSeries,
    ) -> ReportData {
        let process = ArrivalProcess::new(&scenario.arrivals);
        let queue = self.queue_series();
        let intervals = self
            .measured_intervals(end)
            .map(|k| {
                let start = k as f64 * self.interval;
                let stop = ((k + 1) as f64 * self.interval).min(end);
                let channel = |c: Channel| {
                    let q = &queue[k][c.index()];
                    let ratio = |num: f64, den: u64| (den > 0).then(|| num / den as f64);
                    IntervalChannel {
                        arrivals: self.arrivals_by_interval[k][c.index()],
                        first_contacts: self.first_contacts_by_interval[k][c.index()],
                        offered: q.offered,
                        answered: q.answered,
                        abandoned: q.abandoned,
                        still_waiting: q.still_waiting,
                        asa_s: ratio(q.wait_answered, q.answered),
                        answered_within: q.answered_within,
                        service_level_base: q.service_level_base(),
                        handled: q.handled,
                        handle_s: q.handle,
                        service_level: ratio(q.answered_within as f64, q.service_level_base()),
                        abandonment_rate: ratio(q.abandoned as f64, q.offered),
                    }
                };
                let measured_from = start.max(self.warm_up);
                IntervalRow {
                    start_s: start,
                    measured_s: stop - measured_from,
                    expected_arrivals: process.cumulative(stop) - process.cumulative(measured_from),
                    channels: [channel(Channel::Chat), channel(Channel::Voice)],
                    mean_queue: series.mean_queue.get(k).copied().unwrap_or(0.0),
                    occupancy: series
                        .occupancy
                        .iter()
                        .map(|pool| pool.get(k).copied().unwrap_or(0.0))
                        .collect(),
                }
            })
            .collect();
        ReportData {
            interval_s: self.interval,
            threshold_s: self.threshold,
            intervals,
            wait_ms: self.wait_histograms(),
            detection: self.quality.detection_histograms(),
        }
    }

    /// Builds the summary. `end` is the simulated end time; `in_progress` is
    /// the number of conversations still alive, counted independently of this
    /// recorder (by the actors), so that conservation is a real check.
    pub fn summary(
        &self,
        scenario: &Scenario,
        replication: u64,
        end: f64,
        in_progress: u64,
        occupancy: &[PoolOccupancy],
    ) -> Summary {
        let count = |o| self.ended.get(&o).copied().unwrap_or(0);
        let conversations = Conservation {
            arrivals: self.arrivals,
            repeat_arrivals: self.repeat_arrivals,
            resolved_by_ai: count(Outcome::ResolvedByAi),
            resolved_by_human: count(Outcome::ResolvedByHuman),
            unresolved: count(Outcome::Unresolved),
            abandoned_in_bot: count(Outcome::AbandonedInBot),
            abandoned_in_queue: count(Outcome::AbandonedInQueue),
            closed: count(Outcome::Closed),
            in_progress,
        };
        let measured_intervals = self.measured_intervals(end);
        // Batches at least a few relaxation times of the slowest pool long.
        let slowest = occupancy
            .iter()
            .filter_map(|o| o.relaxation_s)
            .fold(None, |max: Option<f64>, r| {
                Some(max.map_or(r, |m| m.max(r)))
            });
        let batching = Batching::from_relaxation(slowest, self.interval);
        let queue = self.queue_series();
        let histograms = self.wait_histograms();
        let channel_stats = |channels: &[Channel]| {
            let series: Vec<QueueCounters> = queue[measured_intervals.clone()]
                .iter()
                .map(|per_channel| {
                    let mut sum = QueueCounters::default();
                    for c in channels {
                        sum.add(&per_channel[c.index()]);
                    }
                    sum
                })
                .collect();
            let mut waits = histogram();
            for c in channels {
                waits
                    .add(&histograms[c.index()])
                    .expect("same-precision histograms merge");
            }
            service_stats(&series, &waits, self.threshold, batching)
        };
        let by_channel = Channel::ALL
            .iter()
            .map(|&c| (c.name().to_string(), channel_stats(&[c])))
            .collect();
        let measured_arrivals: u64 = self.arrivals_by_interval.iter().flatten().sum();
        let bot = &self.bot;
        let handoffs: u64 = bot
            .handoffs
            .iter()
            .filter(|(r, _)| **r != HandoffReason::Direct)
            .map(|(_, n)| n)
            .sum();
        let still_in_bot = bot
            .conversations
            .saturating_sub(bot.contained + bot.abandoned + handoffs);
        let measured_count = |o| self.measured_outcomes.get(&o).copied().unwrap_or(0);
        let (triggers, handoff) = self.quality.summary();
        Summary {
            schema_version: SCHEMA_VERSION,
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            replication,
            duration_s: scenario.duration.as_secs_f64(),
            warm_up_s: self.warm_up,
            conversations,
            arrival_fingerprint: format!("{:016x}", self.fingerprint),
            peak_concurrency: self.peak_live,
            measured: Measured {
                arrivals: measured_arrivals,
                ended: MeasuredOutcomes {
                    resolved_by_ai: measured_count(Outcome::ResolvedByAi),
                    resolved_by_human: measured_count(Outcome::ResolvedByHuman),
                    unresolved: measured_count(Outcome::Unresolved),
                    abandoned_in_bot: measured_count(Outcome::AbandonedInBot),
                    abandoned_in_queue: measured_count(Outcome::AbandonedInQueue),
                    closed: measured_count(Outcome::Closed),
                },
                bot: (bot.conversations > 0).then(|| BotStats {
                    conversations: bot.conversations,
                    contained: bot.contained,
                    handed_off: handoffs,
                    abandoned: bot.abandoned,
                    still_in_bot,
                    containment_rate: Estimate::ratio(bot.contained as f64, bot.conversations),
                    handoff_rate: Estimate::ratio(handoffs as f64, bot.conversations),
                    abandonment_rate: Estimate::ratio(bot.abandoned as f64, bot.conversations),
                    mean_turns: Estimate::ratio(bot.turns as f64, bot.left),
                    handoffs_by_reason: bot
                        .handoffs
                        .iter()
                        .map(|(r, n)| (r.name().to_string(), *n))
                        .collect(),
                }),
                human_queue: channel_stats(&Channel::ALL),
                by_channel,
                triggers: (bot.conversations > 0).then_some(triggers),
                handoff,
            },
            pools: occupancy
                .iter()
                .map(|o| PoolSummary {
                    name: scenario.pools[o.pool].name.clone(),
                    agents: o.agents,
                    slots_per_agent: o.slots_per_agent,
                    occupancy: o.occupancy,
                    agents_engaged: o.agents_engaged,
                    mean_concurrency: o.mean_concurrency,
                    staffed_hours: o.staffed_seconds / 3600.0,
                    overtime_hours: o.overtime_seconds / 3600.0,
                    handed_back: o.handed_back,
                })
                .collect(),
            theory: erlang_reference(scenario),
            thresholds: Vec::new(),
        }
    }
}

fn service_stats(
    series: &[QueueCounters],
    waits: &Histogram<u64>,
    threshold: f64,
    batching: Batching,
) -> ServiceStats {
    let mut total = QueueCounters::default();
    series.iter().for_each(|c| total.add(c));
    let column = |f: &dyn Fn(&QueueCounters) -> f64| series.iter().map(f).collect::<Vec<f64>>();
    let offered = column(&|c| c.offered as f64);
    let answered = column(&|c| c.answered as f64);
    // Shares get a symmetric interval; mean waits one on the reciprocal
    // scale (see `stats`).
    let with = |mean_wait: bool| {
        move |num: &dyn Fn(&QueueCounters) -> f64,
              den: &dyn Fn(&QueueCounters) -> f64,
              den_values: &[f64]| {
            let n = den(&total) as u64;
            let ci = if mean_wait {
                batching.mean_wait(&column(num), den_values)
            } else {
                batching.ratio(&column(num), den_values)
            };
            Estimate::ratio(num(&total), n).with_batch_means(ci)
        }
    };
    let estimate = with(false);
    let mean_wait = with(true);
    let percentile = |q: f64| waits.value_at_quantile(q) as f64 / 1000.0;
    let sl_base = column(&|c| c.service_level_base() as f64);
    ServiceStats {
        offered: total.offered,
        answered: total.answered,
        abandoned: total.abandoned,
        still_waiting: total.still_waiting,
        threshold_s: threshold,
        service_level: estimate(
            &|c| c.answered_within as f64,
            &|c| c.service_level_base() as f64,
            &sl_base,
        ),
        probability_wait: estimate(
            &|c| c.waited_total() as f64,
            &|c| c.offered as f64,
            &offered,
        ),
        asa_s: mean_wait(&|c| c.wait_answered, &|c| c.answered as f64, &answered),
        mean_wait_s: mean_wait(
            &|c| c.wait_all + c.wait_censored,
            &|c| c.offered as f64,
            &offered,
        ),
        abandonment_rate: estimate(&|c| c.abandoned as f64, &|c| c.offered as f64, &offered),
        aht_s: Estimate::ratio(total.handle, total.handled),
        clarification_s: Estimate::ratio(total.clarification, total.handled),
        post_handoff_fcr: Estimate::ratio(total.resolved as f64, total.handled),
        wait_estimate_error_s: estimate(
            &|c| c.estimate_error,
            &|c| c.estimates as f64,
            &column(&|c| c.estimates as f64),
        ),
        queue_wait_s: WaitPercentiles {
            n: waits.len(),
            p50: percentile(0.50),
            p90: percentile(0.90),
            p95: percentile(0.95),
            p99: percentile(0.99),
            max: waits.max() as f64 / 1000.0,
        },
    }
}

/// The Erlang C / Erlang A prediction for the scenario when it is a single
/// M/M/c(+M) queue: AI off, no repeat contacts, flat arrivals, one pool
/// serving one skill with one contact at a time and a fixed head count,
/// exponential handle times (and patience).
pub fn erlang_reference(scenario: &Scenario) -> Option<Prediction> {
    let single_contact =
        scenario.chat_share == 0.0 || scenario.pools.iter().all(|p| p.chat_concurrency == 1);
    let flat = scenario.arrivals.profile.windows(2).all(|w| w[0] == w[1]);
    let exponential_patience = scenario
        .customers
        .patience
        .is_none_or(|p| p.is_exponential());
    if scenario.ai.is_some()
        || scenario.customers.repeat_probability > 0.0
        || scenario.pools.len() != 1
        || !matches!(
            scenario.pools[0].staffing,
            crate::roster::Staffing::Fixed(_)
        )
        || scenario.pools[0].absence > 0.0
        || scenario.pools[0].off_phone_per_hour_s > 0.0
        || !scenario.arrivals.aht_s.is_empty()
        || scenario.intents.len() != 1
        || scenario.pools[0].wrap_up.is_some()
        || !single_contact
        || !flat
        || !exponential_patience
        || !scenario.intents[0].handle_time.is_exponential()
    {
        return None;
    }
    // With the bot off nobody hears a handoff message, so the patience is
    // the configured one (the expectation boost applies only after a bot
    // handoff).
    Queue {
        arrival_rate: scenario.arrivals.base_rate * scenario.arrivals.profile[0],
        mean_handle: scenario.intents[0].handle_time.mean_secs(),
        agents: scenario.pools[0].count(),
        mean_patience: scenario.customers.patience.map(|p| p.mean_secs()),
    }
    .predict(scenario.service_level_threshold.as_secs_f64())
}

/// The measured window's distributions and per-interval series: what the
/// charts and the CSV exports need beyond the summary.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub interval_s: f64,
    pub threshold_s: f64,
    /// Measured intervals in time order.
    pub intervals: Vec<IntervalRow>,
    /// Queue waits in ms, per channel (chat, voice): answered contacts and,
    /// censored at the end, contacts still waiting.
    pub wait_ms: [Histogram<u64>; 2],
    /// Detection delay per rule (needed escalations): ms and turns.
    pub detection: Vec<(TriggerKind, Histogram<u64>, Histogram<u64>)>,
}

/// One reporting interval.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// still in the bot at the end count as not contained).
    pub containment_rate: Estimate,
    /// Handed to the human queue (triggers and fallback) over all bot
    /// conversations.
    pub handoff_rate: Estimate,
    pub abandonment_rate: Estimate,
    /// Bot turns of conversations whose bot phase is over.
    pub mean_turns: Estimate,
    pub handoffs_by_reason: BTreeMap<String, u64>,
}

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
    pub queue_wait_s: WaitPercentiles,
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
    /// The trigger engine against ground truth (when the bot is on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triggers: Option<TriggerQuality>,
    pub handoff: HandoffQuality,
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
    /// Thresholds judged on this run (set by the caller; empty: none asked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<crate::thresholds::Verdict>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn scenario() -> Scenario {
        Scenario::parse(
            r#"
[simulation]
name = "m"
duration = "2h"
warm_up = "1h"
interval = "30m"
[arrivals]
rate_per_hour = 10
[channels]
chat = 0.0
voice = 1.0
[[intents]]
name = "x"
share = 1.0
handle_time = { dist = "exponential", mean = "5m" }
skill = "s"
[[agents]]
name = "p"
count = 2
skills = ["s"]
"#,
            Path::new("m.toml"),
        )
        .unwrap()
    }

    /// A bot to switch the test scenario's AI on with.
    fn bot() -> crate::scenario::AiAgent {
        crate::scenario::AiAgent {
            response_time: crate::scenario::Dist::exponential(2.0),
            max_turns: 3,
            turn_success_probability: 0.5,
            confidence_when_right: 0.8,
            confidence_when_wrong: 0.4,
            confidence_noise: 0.1,
            intent_error_rate: 0.1,
        }
    }

    fn record(id: u64, arrived: f64, outcome: Outcome, wait: f64) -> ConversationRecord {
        ConversationRecord {
            outcome,
            handoff: Some(HandoffReason::Direct),
            queued_at: Some(arrived),
            waited: wait > 0.0,
            queue_wait: Some(wait),
            handle_time: (outcome != Outcome::AbandonedInQueue).then_some(300.0),
            ..ConversationRecord::new(id, Channel::Voice, 0, arrived)
        }
    }

    fn exit(at: f64, wait: f64, abandoned: bool) -> QueueExit {
        QueueExit {
            channel: Channel::Voice,
            arrived_at: at,
            queued_at: at,
            waited: wait > 0.0,
            wait,
            abandoned,
            estimated_wait: None,
        }
    }

    #[test]
    fn warm_up_is_counted_for_conservation_but_not_measured() {
        let s = scenario();
        let mut r = Recorder::new(&s);
        for (id, t) in [(1, 100.0), (2, 4000.0), (3, 5000.0), (4, 6000.0)] {
            r.arrived(id, t, Channel::Voice, 0, false);
            r.handed_off(&record(id, t, Outcome::ResolvedByHuman, 0.0));
        }
        for (id, at, outcome, wait) in [
            (1, 100.0, Outcome::ResolvedByHuman, 0.0),
            (2, 4000.0, Outcome::ResolvedByHuman, 30.0),
            (3, 5000.0, Outcome::AbandonedInQueue, 50.0),
        ] {
            r.left_queue(&exit(at, wait, outcome == Outcome::AbandonedInQueue));
            r.ended(&record(id, at, outcome, wait));
        }
        // Conversation 4 is answered but still with an agent at the end: it
        // counts as answered, though its handling is not over.
        r.left_queue(&exit(6000.0, 0.0, false));
        let summary = r.summary(&s, 0, 7200.0, 1, &[]);
        assert!(summary.conversations.holds());
        assert_eq!(summary.conversations.arrivals, 4);
        assert_eq!(summary.peak_concurrency, 4);
        let q = &summary.measured.human_queue;
        assert_eq!((q.offered, q.answered, q.abandoned), (3, 2, 1));
        assert!((q.service_level.value - 1.0 / 3.0).abs() < 1e-12); // 30 s > 20 s threshold
        assert!((q.probability_wait.value - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(q.asa_s.value, 15.0);
        assert!((q.mean_wait_s.value - 80.0 / 3.0).abs() < 1e-12);
        assert!((q.abandonment_rate.value - 1.0 / 3.0).abs() < 1e-12);
        // Handle time and FCR only over handling that finished.
        assert_eq!((q.aht_s.value, q.aht_s.n), (300.0, 1));
        assert_eq!(q.post_handoff_fcr.n, 1);
        // hdrhistogram keeps 3 significant figures: waits 0, 30 s and 0.
        assert_eq!(q.queue_wait_s.p50, 0.0);
        assert!(
            (q.queue_wait_s.max - 30.0).abs() <= 0.03,
            "{}",
            q.queue_wait_s.max
        );
        assert_eq!(summary.measured.arrivals, 3);
        // Two hours of 30-minute intervals: far too few for an interval.
        assert_eq!(q.service_level.ci95, None);
        assert_eq!(q.service_level.ci_withheld, Some(crate::stats::TOO_SHORT));
    }

    #[test]
    fn contacts_still_waiting_at_the_end_stay_offered() {
        let s = scenario();
        let mut r = Recorder::new(&s);
        // Four contacts join the queue after the warm-up; one is answered
        // after 10 s, the others are still waiting at 7200 s, queued at
        // 7000 s (past the 20 s threshold), 7190 s (under it) and one that
        // joined in the last instant and is not in the router's list.
        for (id, t) in [(1, 4000.0), (2, 7000.0), (3, 7190.0), (4, 7199.9)] {
            r.arrived(id, t, Channel::Voice, 0, false);
            r.handed_off(&record(id, t, Outcome::ResolvedByHuman, 0.0));
        }
        r.left_queue(&exit(4000.0, 10.0, false));
        let waiting = |at: f64| StillWaiting {
            channel: Channel::Voice,
            arrived_at: at,
            queued_at: at,
        };
        r.waiting_at_end(7200.0, &[waiting(7000.0), waiting(7190.0)]);
        let summary = r.summary(&s, 0, 7200.0, 4, &[]);
        let q = &summary.measured.human_queue;
        assert_eq!((q.offered, q.answered, q.still_waiting), (4, 1, 3));
        // Known outcomes: the answered one (in time) and the one past 20 s.
        assert_eq!(q.service_level.n, 2);
        assert_eq!(q.service_level.value, 0.5);
        // All four waited.
        assert_eq!(q.probability_wait.value, 1.0);
        // Waits 10 + 200 + 10 (censored) + 0 over 4.
        assert!((q.mean_wait_s.value - 220.0 / 4.0).abs() < 1e-9);
        assert_eq!(q.asa_s.value, 10.0);
        // The censored 200 s wait is in the percentiles.
        assert!(
            (q.queue_wait_s.max - 200.0).abs() < 0.5,
            "{:?}",
            q.queue_wait_s
        );
        assert_eq!(q.queue_wait_s.n, 3);
    }

    #[test]
    fn bot_outcomes_are_counted_when_decided() {
        let mut s = scenario();
        s.ai = Some(bot());
        let mut r = Recorder::new(&s);
        for id in 1..=4 {
            r.arrived(id, 4000.0, Channel::Voice, 0, false);
        }
        // 1: contained; 2: handed off by a trigger, still queued at the end;
        // 3: abandoned in the bot; 4: still talking to the bot.
        r.ended(&ConversationRecord {
            outcome: Outcome::ResolvedByAi,
            bot_turns: 1,
            ..ConversationRecord::new(1, Channel::Voice, 0, 4000.0)
        });
        r.handed_off(&ConversationRecord {
            handoff: Some(HandoffReason::Trigger(TriggerKind::Explicit)),
            queued_at: Some(4010.0),
            bot_turns: 2,
            needs_human: true,
            escalation: Some(Escalation {
                kind: TriggerKind::Explicit,
                turn: 2,
                after: 10.0,
            }),
            transfer: Some(TransferMode::Cold),
            context_completeness: Some(1.0),
            ..ConversationRecord::new(2, Channel::Voice, 0, 4000.0)
        });
        r.ended(&ConversationRecord {
            outcome: Outcome::AbandonedInBot,
            bot_turns: 3,
            ..ConversationRecord::new(3, Channel::Voice, 0, 4000.0)
        });
        let summary = r.summary(&s, 0, 7200.0, 2, &[]);
        let bot = summary.measured.bot.as_ref().unwrap();
        assert_eq!(
            (
                bot.conversations,
                bot.contained,
                bot.handed_off,
                bot.abandoned,
                bot.still_in_bot
            ),
            (4, 1, 1, 1, 1)
        );
        assert_eq!(bot.handoff_rate.value, 0.25);
        assert_eq!(bot.mean_turns.value, 2.0);
        // The queue saw the handoff when it happened.
        assert_eq!(summary.measured.human_queue.offered, bot.handed_off);
        assert_eq!(summary.measured.handoff.handoffs, 1);
        let t = summary.measured.triggers.as_ref().unwrap();
        assert_eq!((t.judged_conversations, t.needed_escalations), (3, 1));
    }

    #[test]
    fn erlang_reference_only_for_single_mmc_queues() {
        let s = scenario();
        let p = erlang_reference(&s).unwrap();
        assert!((p.offered_load - 10.0 / 3600.0 * 300.0).abs() < 1e-12);
        let mut with_bot = s.clone();
        with_bot.ai = Some(bot());
        assert!(erlang_reference(&with_bot).is_none());
    }
}

//! The recorder on the hot path: counters per reporting interval and channel
//! and hdrhistograms, fed one event at a time, never a list of conversations.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

use super::daily::DailyRecorder;
use quality::QualityRecorder;

use crate::customer::ConversationId;
use crate::routing::WaitEstimator;
use crate::scenario::Scenario;
use handoff_logic::Channel;

use super::*;

/// Human-queue counters for one interval and channel, by the interval in
/// which the contact joined the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct QueueCounters {
    /// Joined the queue (counted then): answered + abandoned + still waiting.
    pub(super) offered: u64,
    /// Left the queue after waiting (no agent free at once).
    pub(super) waited: u64,
    pub(super) answered: u64,
    pub(super) answered_within: u64,
    pub(super) abandoned: u64,
    /// Left the line for a callback they accepted (neither answered nor
    /// abandoned: out of the service level's base, in `offered`).
    pub(super) callbacks: u64,
    pub(super) wait_answered: f64,
    /// Waits of contacts that left the queue (answered or abandoned).
    pub(super) wait_all: f64,
    /// Still waiting at the end of the run (set by [`Recorder::queue_series`]).
    pub(super) still_waiting: u64,
    /// Of those, waiting longer than the service-level threshold: missed.
    waiting_past_threshold: u64,
    /// Waits of those still waiting, censored at the end of the run.
    pub(super) wait_censored: f64,
    /// Answered contacts that had a wait estimate, and Σ (actual − estimate).
    pub(super) estimates: u64,
    pub(super) estimate_error: f64,
    /// Answered contacts with every estimator's quote (shadow), and per
    /// estimator Σ (actual − quote) and Σ |actual − quote|.
    pub(super) shadowed: u64,
    pub(super) shadow_error: [f64; 4],
    pub(super) shadow_abs_error: [f64; 4],
    /// Contacts whose human handling finished before the end.
    pub(super) handled: u64,
    pub(super) handle: f64,
    pub(super) clarification: f64,
    pub(super) resolved: u64,
}

impl QueueCounters {
    pub(super) fn add(&mut self, other: &QueueCounters) {
        self.offered += other.offered;
        self.waited += other.waited;
        self.answered += other.answered;
        self.answered_within += other.answered_within;
        self.abandoned += other.abandoned;
        self.callbacks += other.callbacks;
        self.wait_answered += other.wait_answered;
        self.wait_all += other.wait_all;
        self.still_waiting += other.still_waiting;
        self.waiting_past_threshold += other.waiting_past_threshold;
        self.wait_censored += other.wait_censored;
        self.estimates += other.estimates;
        self.estimate_error += other.estimate_error;
        self.shadowed += other.shadowed;
        for k in 0..4 {
            self.shadow_error[k] += other.shadow_error[k];
            self.shadow_abs_error[k] += other.shadow_abs_error[k];
        }
        self.handled += other.handled;
        self.handle += other.handle;
        self.clarification += other.clarification;
        self.resolved += other.resolved;
    }

    /// Contacts whose service-level outcome is known: answered, abandoned,
    /// or still waiting past the threshold (missed whatever happens next).
    pub(super) fn service_level_base(&self) -> u64 {
        self.answered + self.abandoned + self.waiting_past_threshold
    }

    /// Contacts that were not connected at once: left after waiting, or
    /// still waiting.
    pub(super) fn waited_total(&self) -> u64 {
        self.waited + self.still_waiting
    }
}

/// Bot-side counters (measured conversations that entered the bot), each
/// counted when it is decided.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct BotCounters {
    /// Counted on arrival.
    pub(super) conversations: u64,
    pub(super) contained: u64,
    pub(super) abandoned: u64,
    pub(super) handoffs: BTreeMap<HandoffReason, u64>,
    /// Conversations whose bot phase is over, and their bot turns.
    pub(super) left: u64,
    pub(super) turns: u64,
}

/// Voice calls that entered the bot (`[voice]` on), counted when they end.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct VoiceCounters {
    pub(super) calls: u64,
    pub(super) dead_air: f64,
    pub(super) hung_up: u64,
    /// Transfers from the bot, and of those, dropped on the call path.
    pub(super) transfers: u64,
    pub(super) dropped: u64,
}

/// Callbacks of measured conversations, counted when each step happens.
#[derive(Debug, Clone)]
pub(super) struct CallbackCounters {
    pub(super) offered: u64,
    pub(super) accepted: u64,
    pub(super) reached: u64,
    pub(super) unanswered_attempts: u64,
    pub(super) never_reached: u64,
    /// Acceptance to reaching the customer, in ms.
    pub(super) reached_after_ms: Histogram<u64>,
}

/// Figures on one side of the incident windows (inside or outside).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct SideCounters {
    /// Measured bot conversations by arrival, and of them handed off.
    pub(super) bot_conversations: u64,
    pub(super) handoffs: u64,
    /// Contacts that left the queue, by the time they joined it.
    pub(super) answered: u64,
    pub(super) answered_within: u64,
    pub(super) abandoned: u64,
    /// Left the line for a callback.
    pub(super) callbacks: u64,
    pub(super) wait_answered: f64,
}

/// Aggregates conversation records during the run.
#[derive(Debug, Clone)]
pub struct Recorder {
    pub(super) warm_up: f64,
    pub(super) interval: f64,
    pub(super) threshold: f64,
    /// The wait estimator customers hear.
    pub(super) heard: WaitEstimator,
    /// The AI agent is on: every conversation starts in the bot.
    bot_on: bool,
    /// All arrivals and terminal outcomes, warm-up included (conservation).
    pub(super) arrivals: u64,
    pub(super) repeat_arrivals: u64,
    pub(super) ended: BTreeMap<Outcome, u64>,
    live: u64,
    pub(super) peak_live: u64,
    /// Measured arrivals by interval of arrival, per channel.
    pub(super) arrivals_by_interval: Vec<[u64; 2]>,
    /// Of those, first contacts (the arrival process; no repeat contacts).
    pub(super) first_contacts_by_interval: Vec<[u64; 2]>,
    /// Measured queue counters by interval of joining the queue, per channel.
    queue_by_interval: Vec<[QueueCounters; 2]>,
    pub(super) bot: BotCounters,
    /// Answered waits in milliseconds, per channel.
    pub(super) wait_ms: [Histogram<u64>; 2],
    /// Contacts still waiting when the run ended (set once, at the end).
    pub(super) waiting_at_end: Vec<StillWaiting>,
    /// When the run ended (with `waiting_at_end`).
    ended_at: f64,
    /// Measured outcomes.
    pub(super) measured_outcomes: BTreeMap<Outcome, u64>,
    /// FNV-1a hash of every arrival (id, time, channel, intent) in order.
    pub(super) fingerprint: u64,
    pub(super) quality: QualityRecorder,
    pub(super) daily: DailyRecorder,
    /// `Some` when the scenario has `[voice]`.
    pub(super) voice: Option<VoiceCounters>,
    /// The run's incident windows, and the figures inside (0) and outside
    /// (1) them.
    pub(super) incidents: crate::incidents::Incidents,
    pub(super) sides: [SideCounters; 2],
    /// `Some` when the scenario has `[callbacks]`.
    pub(super) callbacks: Option<CallbackCounters>,
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

pub(super) fn histogram() -> Histogram<u64> {
    Histogram::new(3).expect("3 significant figures is a valid histogram precision")
}

pub(super) fn to_ms(seconds: f64) -> u64 {
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
            heard: scenario.wait_estimator,
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
            daily: DailyRecorder::new(scenario.duration.as_secs_f64()),
            voice: scenario.voice.as_ref().map(|_| VoiceCounters::default()),
            incidents: crate::incidents::Incidents::default(),
            sides: [SideCounters::default(); 2],
            callbacks: scenario.callbacks.map(|_| CallbackCounters {
                offered: 0,
                accepted: 0,
                reached: 0,
                unanswered_attempts: 0,
                never_reached: 0,
                reached_after_ms: histogram(),
            }),
        }
    }

    /// The run's AI incident windows, for the figures inside and outside them.
    pub fn with_incidents(self, incidents: crate::incidents::Incidents) -> Recorder {
        Recorder { incidents, ..self }
    }

    /// Inside (0) or outside (1) the incident windows at `t`.
    fn side(&mut self, t: f64) -> &mut SideCounters {
        let outside = usize::from(!self.incidents.inside(t));
        &mut self.sides[outside]
    }

    /// The reporting intervals of the measured window: from the one holding
    /// the end of the warm-up to the last one that starts before `end`.
    pub(super) fn measured_intervals(&self, end: f64) -> std::ops::Range<usize> {
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
            self.daily.arrived(t, self.bot_on);
            let bot_on = self.bot_on;
            self.side(t).bot_conversations += u64::from(bot_on);
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
            // Counted when decided, so transfers still in the queue at the
            // end are in the failure rate's base (a drop ends at once).
            if let Some(v) = &mut self.voice
                && record.channel == Channel::Voice
            {
                v.transfers += 1;
            }
            self.side(record.arrived_at).handoffs += 1;
            *self.bot.handoffs.entry(reason).or_default() += 1;
            self.bot.left += 1;
            self.bot.turns += u64::from(record.bot_turns);
        }
        self.quality.handed_off(record);
        self.daily.handed_off(record);
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
        if let (Some(c), Outcome::CallbackMissed) = (&mut self.callbacks, record.outcome) {
            c.never_reached += 1;
        }
        if let Some(v) = &mut self.voice
            && record.channel == Channel::Voice
            && self.bot_on
        {
            v.calls += 1;
            v.dead_air += record.dead_air;
            v.hung_up += u64::from(record.hung_up_on_dead_air);
            v.dropped += u64::from(record.outcome == Outcome::Dropped);
        }
        self.quality.ended(record);
        self.daily.ended(record);
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
        // A dropped transfer likewise never reached the queue.
        if let (Outcome::Closed | Outcome::Dropped, Some(queued_at)) =
            (record.outcome, record.queued_at)
        {
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
        let threshold = self.threshold;
        let side = self.side(exit.queued_at);
        match exit.how {
            QueueLeft::Abandoned => side.abandoned += 1,
            QueueLeft::Answered => {
                side.answered += 1;
                side.answered_within += u64::from(exit.wait <= threshold);
                side.wait_answered += exit.wait;
            }
            QueueLeft::Callback => side.callbacks += 1,
        }
        let i = self.interval_of(exit.queued_at);
        let c = &mut self.queue_by_interval[i][exit.channel.index()];
        c.waited += u64::from(exit.waited);
        c.wait_all += exit.wait;
        if exit.how == QueueLeft::Callback {
            c.callbacks += 1;
        } else if exit.how == QueueLeft::Abandoned {
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
            if let Some(quotes) = exit.wait_estimates {
                c.shadowed += 1;
                for (k, quote) in quotes.0.iter().enumerate() {
                    let error = exit.wait - quote;
                    c.shadow_error[k] += error;
                    c.shadow_abs_error[k] += error.abs();
                }
            }
            self.wait_ms[exit.channel.index()]
                .record(to_ms(exit.wait))
                .expect("auto-resizing histogram accepts any u64");
        }
    }

    /// A measured caller was offered a callback, and took it or not.
    pub fn callback_offered(&mut self, arrived_at: f64, accepted: bool) {
        if let (Some(c), true) = (&mut self.callbacks, arrived_at >= self.warm_up) {
            c.offered += 1;
            c.accepted += u64::from(accepted);
        }
    }

    /// A callback reached its customer `after` seconds after acceptance.
    pub fn callback_reached(&mut self, arrived_at: f64, after: f64) {
        if let (Some(c), true) = (&mut self.callbacks, arrived_at >= self.warm_up) {
            c.reached += 1;
            c.reached_after_ms
                .record(to_ms(after))
                .expect("auto-resizing histogram accepts any u64");
        }
    }

    /// A callback attempt went unanswered.
    pub fn callback_unanswered(&mut self, arrived_at: f64) {
        if let (Some(c), true) = (&mut self.callbacks, arrived_at >= self.warm_up) {
            c.unanswered_attempts += 1;
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
    pub(super) fn queue_series(&self) -> Vec<[QueueCounters; 2]> {
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
                c.still_waiting = c
                    .offered
                    .saturating_sub(c.answered + c.abandoned + c.callbacks);
            }
        }
        series
    }

    /// Waits for the percentiles: answered contacts and, censored at the
    /// end, contacts still waiting (per channel).
    pub(super) fn wait_histograms(&self) -> [Histogram<u64>; 2] {
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
}

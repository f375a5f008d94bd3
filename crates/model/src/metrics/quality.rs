//! Handoff quality: the trigger engine measured against the simulation's
//! ground truth, and the handoff itself (transfer modes, context
//! completeness, wait estimates, repeat contacts).
//!
//! Ground truth per conversation: it *needs a human* when the AI cannot
//! really solve it (a regulated case or one beyond the bot), from its first
//! message. Then, for conversations that talked to the bot:
//! - a trigger escalation of a conversation that needed a human is
//!   **needed**; of one that did not (the bot could have resolved it),
//!   **needless**;
//! - a conversation that needed a human and was not escalated by a trigger
//!   is **missed**: the customer gave up in the bot, or reached a human only
//!   through the bot's turn-limit fallback;
//! - **detection delay** runs from the first message to the escalation, in
//!   bot turns and in simulated seconds.
//!
//! One definition for the simulation and for replayed transcripts
//! ([`handoff_calibration::replay`]): precision = needed / (needed + needless + premature),
//! recall = needed / (needed + missed + premature). A *premature* escalation
//! (before the turn from which a human was needed) is an error in both; it
//! exists only in labelled transcripts, because in the simulation a
//! conversation needs a human from its first message, so premature is 0 here
//! and the formulas reduce to needed / (needed + needless) and needed /
//! (needed + missed).
//!
//! Each verdict is recorded when it is decided — at the handoff, or when the
//! conversation ends in the bot — so a conversation still in the bot at the
//! end has no verdict yet and is not judged.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

use super::{ConversationRecord, Durability, Estimate, HandoffReason, Outcome};
use handoff_logic::handoff::TransferMode;
use handoff_logic::triggers::{TriggerCategory, TriggerKind};

/// Window within which a second contact by the same customer counts as a
/// repeat contact (DESIGN.md: 24–48 h).
pub const REPEAT_WINDOW_SECONDS: f64 = 48.0 * 3600.0;

/// The trigger engine's verdict on a bot conversation whose bot phase is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// A trigger escalated a conversation that needed a human.
    Needed,
    /// A trigger escalated one the bot could have resolved.
    Needless,
    /// It needed a human and no trigger escalated it: the customer gave up
    /// in the bot, or the bot's fallback handed it over.
    Missed,
}

/// The verdict on `r` (`None`: it needed no human and no trigger fired, or
/// it is not over in the bot yet).
pub(super) fn verdict(r: &ConversationRecord) -> Option<Verdict> {
    match (r.escalation, r.needs_human) {
        (Some(_), true) => Some(Verdict::Needed),
        (Some(_), false) => Some(Verdict::Needless),
        (None, true)
            if r.handoff == Some(HandoffReason::BotFallback)
                || r.outcome == Outcome::AbandonedInBot =>
        {
            Some(Verdict::Missed)
        }
        _ => None,
    }
}

/// Detection delays are recorded in milliseconds and in turns.
#[derive(Debug, Clone)]
struct RuleCounters {
    needed: u64,
    needless: u64,
    delay_ms: Histogram<u64>,
    delay_turns: Histogram<u64>,
}

impl RuleCounters {
    fn new() -> RuleCounters {
        RuleCounters {
            needed: 0,
            needless: 0,
            delay_ms: super::recorder::histogram(),
            delay_turns: super::recorder::histogram(),
        }
    }
}

/// Aggregates the quality figures of measured conversations.
#[derive(Debug, Clone)]
pub struct QualityRecorder {
    bot_conversations: u64,
    needed_human: u64,
    missed_gave_up: u64,
    missed_fallback: u64,
    rules: BTreeMap<TriggerKind, RuleCounters>,
    handoffs: u64,
    modes: BTreeMap<TransferMode, u64>,
    /// Count of handoffs by completeness in sixths (0/6 … 6/6).
    completeness_sixths: [u64; 7],
    completeness_sum: f64,
    estimate_abs_ms: Histogram<u64>,
    conversations: u64,
    repeats: u64,
    /// CSAT of automated (index 0) and escalated (index 1) conversations.
    csat: [CsatCounters; 2],
    effects: EffectCounters,
    /// Bot resolutions by durability: (durable, not durable, censored).
    durability: (u64, u64, u64),
}

/// What the handoff effects are measured by, over ended conversations.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct EffectCounters {
    /// Contacts from the bot an agent handled, and of those the customers
    /// who had to repeat themselves.
    handled_from_bot: u64,
    repeated: u64,
    /// Contacts an agent took, and their frustration at connection.
    connected: u64,
    frustration_at_connection: f64,
    agent_time: f64,
    resolved_by_human: u64,
    /// Ended conversations handed off by the bot, and of those the ones
    /// whose customer came back within the run.
    handed_off: u64,
    came_back: u64,
    declines: u64,
    consult_line: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct CsatCounters {
    n: u64,
    sum: f64,
    satisfied: u64,
    /// Scores by half point: index (score − 1) × 2, 0 … 8.
    by_half_point: [u64; 9],
}

impl Default for QualityRecorder {
    fn default() -> Self {
        QualityRecorder {
            bot_conversations: 0,
            needed_human: 0,
            missed_gave_up: 0,
            missed_fallback: 0,
            rules: BTreeMap::new(),
            handoffs: 0,
            modes: BTreeMap::new(),
            completeness_sixths: [0; 7],
            completeness_sum: 0.0,
            estimate_abs_ms: super::recorder::histogram(),
            conversations: 0,
            repeats: 0,
            csat: [CsatCounters::default(); 2],
            effects: EffectCounters::default(),
            durability: (0, 0, 0),
        }
    }
}

impl QualityRecorder {
    /// A measured conversation was handed to the human queue: its trigger
    /// verdict (for a bot conversation), transfer mode and context package.
    pub fn handed_off(&mut self, r: &ConversationRecord) {
        if r.handoff != Some(HandoffReason::Direct) {
            self.judge(r);
        }
        if let Some(mode) = r.transfer {
            self.handoffs += 1;
            *self.modes.entry(mode).or_default() += 1;
        }
        if let Some(c) = r.context_completeness {
            self.completeness_sum += c;
            self.completeness_sixths[(c * 6.0).round().clamp(0.0, 6.0) as usize] += 1;
        }
    }

    /// An answered contact had been quoted `estimate` and waited `wait`
    /// (the signed mean error is in the queue figures, with its interval).
    pub fn wait_estimated(&mut self, estimate: f64, wait: f64) {
        self.estimate_abs_ms
            .record(super::recorder::to_ms((wait - estimate).abs()))
            .expect("auto-resizing histogram");
    }

    /// The trigger verdict of a bot conversation whose bot phase is over.
    fn judge(&mut self, r: &ConversationRecord) {
        self.bot_conversations += 1;
        self.needed_human += u64::from(r.needs_human);
        let Some(v) = verdict(r) else { return };
        match (v, r.escalation) {
            (Verdict::Needed, Some(e)) => {
                let rule = self.rules.entry(e.kind).or_insert_with(RuleCounters::new);
                rule.needed += 1;
                rule.delay_ms
                    .record(super::recorder::to_ms(e.after))
                    .expect("auto-resizing histogram");
                rule.delay_turns
                    .record(u64::from(e.turn))
                    .expect("auto-resizing histogram");
            }
            (Verdict::Needless, Some(e)) => {
                self.rules
                    .entry(e.kind)
                    .or_insert_with(RuleCounters::new)
                    .needless += 1;
            }
            _ if r.handoff == Some(HandoffReason::BotFallback) => self.missed_fallback += 1,
            _ => self.missed_gave_up += 1,
        }
    }

    /// A measured conversation ended: the figures of a whole conversation
    /// (CSAT, repeat contact), and the verdict of one that ended in the bot.
    pub fn ended(&mut self, r: &ConversationRecord) {
        self.conversations += 1;
        let score = super::csat::csat(r);
        let group = &mut self.csat[usize::from(r.handoff.is_some())];
        group.n += 1;
        group.sum += score;
        group.satisfied += u64::from(super::csat::satisfied(score));
        group.by_half_point[((score - 1.0) * 2.0).round().clamp(0.0, 8.0) as usize] += 1;
        if r.previous_contact_age
            .is_some_and(|age| age <= REPEAT_WINDOW_SECONDS)
        {
            self.repeats += 1;
        }
        if r.handoff.is_none() {
            self.judge(r);
        }
        let e = &mut self.effects;
        if let Some(repeated) = r.repeated {
            e.handled_from_bot += 1;
            e.repeated += u64::from(repeated);
        }
        if let Some(f) = r.frustration_at_connection {
            e.connected += 1;
            e.frustration_at_connection += f;
        }
        e.agent_time += r.agent_time;
        e.resolved_by_human += u64::from(r.outcome == Outcome::ResolvedByHuman);
        if r.transfer.is_some() {
            e.handed_off += 1;
            e.came_back += u64::from(r.came_back);
        }
        e.declines += u64::from(r.declines);
        e.consult_line += r.consult_line;
        let d = &mut self.durability;
        match r.durability {
            Some(Durability::Durable) => d.0 += 1,
            Some(Durability::NotDurable) => d.1 += 1,
            Some(Durability::Censored) => d.2 += 1,
            None => {}
        }
    }

    /// Bot resolutions by durability: (durable, not durable, censored).
    pub fn durability(&self) -> (u64, u64, u64) {
        self.durability
    }

    /// Detection-delay histograms per rule: (rule, milliseconds, turns).
    pub fn detection_histograms(&self) -> Vec<(TriggerKind, Histogram<u64>, Histogram<u64>)> {
        self.rules
            .iter()
            .map(|(kind, r)| (*kind, r.delay_ms.clone(), r.delay_turns.clone()))
            .collect()
    }

    pub fn summary(&self) -> (TriggerQuality, HandoffQuality) {
        let needed: u64 = self.rules.values().map(|r| r.needed).sum();
        let needless: u64 = self.rules.values().map(|r| r.needless).sum();
        let missed = self.missed_gave_up + self.missed_fallback;
        let mut by_category: BTreeMap<TriggerCategory, CategoryQuality> = BTreeMap::new();
        let by_rule = TriggerKind::ALL
            .iter()
            .filter_map(|kind| Some((kind, self.rules.get(kind)?)))
            .map(|(kind, r)| {
                let category = by_category.entry(kind.category()).or_default();
                category.needed += r.needed;
                category.needless += r.needless;
                (
                    kind.name().to_string(),
                    RuleQuality {
                        category: kind.category(),
                        fired: r.needed + r.needless,
                        needed: r.needed,
                        needless: r.needless,
                        precision: Estimate::ratio(r.needed as f64, r.needed + r.needless),
                        detection_delay_s: DelayStats::from_histogram(&r.delay_ms, 1000.0),
                        detection_delay_turns: DelayStats::from_histogram(&r.delay_turns, 1.0),
                    },
                )
            })
            .collect();
        for category in by_category.values_mut() {
            category.fired = category.needed + category.needless;
            category.precision = Estimate::ratio(category.needed as f64, category.fired);
        }
        let triggers = TriggerQuality {
            definition: DEFINITION,
            judged_conversations: self.bot_conversations,
            needed_human: self.needed_human,
            escalations: needed + needless,
            needed_escalations: needed,
            needless_escalations: needless,
            premature_escalations: 0,
            missed_escalations: Missed {
                total: missed,
                gave_up_in_bot: self.missed_gave_up,
                bot_fallback: self.missed_fallback,
            },
            precision: Estimate::ratio(needed as f64, needed + needless),
            recall: Estimate::ratio(needed as f64, needed + missed),
            missed_rate: Estimate::ratio(missed as f64, self.bot_conversations),
            by_category,
            by_rule,
        };
        let handoff = HandoffQuality {
            handoffs: self.handoffs,
            by_mode: TransferMode::ALL
                .iter()
                .map(|m| {
                    (
                        m.name().to_string(),
                        self.modes.get(m).copied().unwrap_or(0),
                    )
                })
                .collect(),
            context_completeness: Estimate::ratio(self.completeness_sum, self.handoffs),
            completeness_sixths: self.completeness_sixths,
            wait_estimate: WaitEstimate {
                abs_error_s: DelayStats::from_histogram(&self.estimate_abs_ms, 1000.0),
            },
            repeat_contact_rate: Estimate::ratio(self.repeats as f64, self.conversations),
            repetition_rate: Estimate::ratio(
                self.effects.repeated as f64,
                self.effects.handled_from_bot,
            ),
            frustration_at_connection: Estimate::ratio(
                self.effects.frustration_at_connection,
                self.effects.connected,
            ),
            agent_time_per_resolved_s: Estimate::ratio(
                self.effects.agent_time,
                self.effects.resolved_by_human,
            ),
            repeats_per_100_handoffs: Estimate::ratio(
                100.0 * self.effects.came_back as f64,
                self.effects.handed_off,
            ),
            declined_warm_transfers: self.effects.declines,
            consult_line_s: self.effects.consult_line,
            csat: {
                let [automated, escalated] = self.csat;
                let mean = |c: CsatCounters| Estimate::ratio(c.sum, c.n);
                CsatStats {
                    automated: mean(automated),
                    escalated: mean(escalated),
                    delta: (automated.n > 0 && escalated.n > 0)
                        .then(|| mean(escalated).value - mean(automated).value),
                    satisfied_automated: Estimate::ratio(automated.satisfied as f64, automated.n),
                    satisfied_escalated: Estimate::ratio(escalated.satisfied as f64, escalated.n),
                    automated_by_half_point: automated.by_half_point,
                    escalated_by_half_point: escalated.by_half_point,
                }
            },
        };
        (triggers, handoff)
    }
}

/// Summary of a histogram, scaled by `1/unit` (1000 for ms → s).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DelayStats {
    pub n: u64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl DelayStats {
    pub fn from_histogram(h: &Histogram<u64>, unit: f64) -> DelayStats {
        let q = |x: f64| h.value_at_quantile(x) as f64 / unit;
        DelayStats {
            n: h.len(),
            mean: if h.is_empty() { 0.0 } else { h.mean() / unit },
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
            max: h.max() as f64 / unit,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleQuality {
    pub category: TriggerCategory,
    /// Escalations where this rule was the primary reason.
    pub fired: u64,
    pub needed: u64,
    pub needless: u64,
    pub precision: Estimate,
    /// From the first message to the escalation, for needed escalations.
    pub detection_delay_s: DelayStats,
    pub detection_delay_turns: DelayStats,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CategoryQuality {
    pub fired: u64,
    pub needed: u64,
    pub needless: u64,
    pub precision: Estimate,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Missed {
    pub total: u64,
    /// Needed a human, got none: left the bot.
    pub gave_up_in_bot: u64,
    /// Needed a human, reached one only when the bot ran out of turns.
    pub bot_fallback: u64,
}

/// How precision and recall are defined, in the summary and the replay table.
pub const DEFINITION: &str = "precision = needed / (needed + premature + needless), \
recall = needed / (needed + premature + missed): a premature escalation (before a human was needed) \
is an error in both; in simulation none is premature (a human is needed from the first message)";

/// The trigger engine against ground truth (measured bot conversations).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerQuality {
    /// How precision and recall are computed ([`DEFINITION`]).
    pub definition: &'static str,
    /// Bot conversations whose bot phase is over (handed off, contained or
    /// abandoned in the bot): the ones with a verdict.
    pub judged_conversations: u64,
    /// Of those, how many needed a human (ground truth).
    pub needed_human: u64,
    pub escalations: u64,
    pub needed_escalations: u64,
    pub needless_escalations: u64,
    /// Escalated before a human was needed (replay only; 0 in simulation).
    pub premature_escalations: u64,
    pub missed_escalations: Missed,
    pub precision: Estimate,
    pub recall: Estimate,
    /// Missed escalations over judged bot conversations.
    pub missed_rate: Estimate,
    pub by_category: BTreeMap<TriggerCategory, CategoryQuality>,
    pub by_rule: BTreeMap<String, RuleQuality>,
}

/// The router's wait estimate against the actual wait (answered contacts
/// that were quoted): the size of the error. Its signed mean, with an
/// interval, is `human_queue.wait_estimate_error_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WaitEstimate {
    /// |actual − estimated| (its `n` counts the quoted contacts).
    pub abs_error_s: DelayStats,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandoffQuality {
    /// Measured conversations that were handed to the human queue.
    pub handoffs: u64,
    pub by_mode: BTreeMap<String, u64>,
    /// Mean completeness of the context package.
    pub context_completeness: Estimate,
    /// Handoffs by completeness: index k counts packages with k of 6 fields.
    pub completeness_sixths: [u64; 7],
    pub wait_estimate: WaitEstimate,
    /// Conversations whose customer had another contact in the previous 48 h.
    pub repeat_contact_rate: Estimate,
    /// Of the contacts from the bot whose handling ended in the run, the
    /// share whose customer had to repeat themselves (`handoff.effects`).
    pub repetition_rate: Estimate,
    /// Mean frustration (0 … 1) when an agent took the contact: carried
    /// from the bot and the wait (`n`: contacts whose handling ended in the
    /// run; one still with an agent at the end is not counted).
    pub frustration_at_connection: Estimate,
    /// Agent seconds (handling, wrap-up, briefings of declined warm
    /// transfers) of every ended conversation over the contacts a human
    /// resolved (`n`).
    pub agent_time_per_resolved_s: Estimate,
    /// Of 100 ended conversations the bot handed off, how many customers
    /// came back within the run (`n`: ended handoffs; a return after the
    /// end of the run is not seen).
    pub repeats_per_100_handoffs: Estimate,
    /// Warm transfers the receiving agent declined (each went back to the
    /// head of the queue).
    pub declined_warm_transfers: u64,
    /// Seconds voice consults (whispers) held the bot's line as well as an
    /// agent: a second resource a warm voice transfer uses.
    pub consult_line_s: f64,
    pub csat: CsatStats,
}

/// Customer satisfaction (see [`super::csat`]): fully automated
/// conversations (never handed to the human queue) against escalated ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsatStats {
    /// Mean score, 1 … 5.
    pub automated: Estimate,
    pub escalated: Estimate,
    /// Escalated minus automated mean score (both groups needed).
    pub delta: Option<f64>,
    /// Share scoring 4 or 5.
    pub satisfied_automated: Estimate,
    pub satisfied_escalated: Estimate,
    /// Counts by half point from 1.0 (index 0) to 5.0 (index 8).
    pub automated_by_half_point: [u64; 9],
    pub escalated_by_half_point: [u64; 9],
}

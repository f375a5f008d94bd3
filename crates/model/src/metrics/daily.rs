//! The run day by day (runs longer than a day): per simulated day, the
//! figures a learning bot or a changing week moves — handoff rate,
//! containment naive and durable, trigger precision and recall, service
//! level and the agent hours the day's contacts took — and the same pooled
//! over the last seven days.
//!
//! A conversation belongs to the day it arrived (measured conversations
//! only); the service level to the day the contact joined the queue. Every
//! share carries its n and a 95 % Wilson interval that treats the day's
//! conversations as independent: fair for a bot outcome or a trigger
//! verdict (one per customer), optimistic for a service level, whose misses
//! come in congestion episodes. A paired comparison of runs (`compare`)
//! gives the honest interval of a difference.

use serde::Serialize;

use super::quality::{Verdict, verdict};
use super::recorder::QueueCounters;
use super::{ConversationRecord, Durability, HandoffReason, Outcome};
use crate::learning::DAY_SECONDS;
use crate::stats::Estimate;

/// How the daily figures are attributed.
pub const DAILY_RULE: &str = "a conversation counts on the day it arrived (measured conversations), \
a service-level outcome on the day the contact joined the queue; agent hours are the agent time \
(handling, wrap-up, declined briefings) of the day's contacts whose handling ended in the run; \
durable containment is the day's containment × durable / (durable + not durable) of its bot resolutions";

/// Days pooled into `last_week`, offered when the run spans at least twice as many.
pub const WEEK_DAYS: usize = 7;

/// Counters of one day, by arrival.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct DayCounters {
    bot_conversations: u64,
    contained: u64,
    handed_off: u64,
    durable: u64,
    not_durable: u64,
    needed: u64,
    needless: u64,
    missed: u64,
    agent_seconds: f64,
}

impl DayCounters {
    fn add(&mut self, o: &DayCounters) {
        self.bot_conversations += o.bot_conversations;
        self.contained += o.contained;
        self.handed_off += o.handed_off;
        self.durable += o.durable;
        self.not_durable += o.not_durable;
        self.needed += o.needed;
        self.needless += o.needless;
        self.missed += o.missed;
        self.agent_seconds += o.agent_seconds;
    }
}

/// The per-day counters of a run.
#[derive(Debug, Clone, Default)]
pub(super) struct DailyRecorder {
    days: Vec<DayCounters>,
}

impl DailyRecorder {
    pub(super) fn new(duration: f64) -> DailyRecorder {
        DailyRecorder {
            days: vec![DayCounters::default(); (duration / DAY_SECONDS).ceil().max(1.0) as usize],
        }
    }

    fn day(&mut self, t: f64) -> &mut DayCounters {
        let last = self.days.len() - 1;
        &mut self.days[((t / DAY_SECONDS) as usize).min(last)]
    }

    /// A measured conversation arrived (`bot`: it starts in the bot).
    pub(super) fn arrived(&mut self, t: f64, bot: bool) {
        self.day(t).bot_conversations += u64::from(bot);
    }

    /// A measured conversation was handed to the human queue.
    pub(super) fn handed_off(&mut self, r: &ConversationRecord) {
        if r.handoff == Some(HandoffReason::Direct) {
            return;
        }
        let d = self.day(r.arrived_at);
        d.handed_off += 1;
        match verdict(r) {
            Some(Verdict::Needed) => d.needed += 1,
            Some(Verdict::Needless) => d.needless += 1,
            Some(Verdict::Missed) => d.missed += 1,
            None => {}
        }
    }

    /// A measured conversation ended.
    pub(super) fn ended(&mut self, r: &ConversationRecord) {
        let d = self.day(r.arrived_at);
        d.agent_seconds += r.agent_time;
        if r.handoff.is_some() {
            return;
        }
        d.contained += u64::from(r.outcome == Outcome::ResolvedByAi);
        match r.durability {
            Some(Durability::Durable) => d.durable += 1,
            Some(Durability::NotDurable) => d.not_durable += 1,
            _ => {}
        }
        if let Some(Verdict::Missed) = verdict(r) {
            d.missed += 1;
        }
    }

    /// The figures per day and of the last week, from the day counters and
    /// the queue `series` (per reporting interval of `interval` seconds,
    /// contacts still waiting folded in). `None` for a run of a day or less.
    pub(super) fn summary(
        &self,
        series: &[[QueueCounters; 2]],
        interval: f64,
        duration: f64,
    ) -> Option<Daily> {
        if duration <= DAY_SECONDS {
            return None;
        }
        let mut queues = vec![QueueCounters::default(); self.days.len()];
        for (k, per_channel) in series.iter().enumerate() {
            let day = ((k as f64 * interval / DAY_SECONDS) as usize).min(queues.len() - 1);
            for c in per_channel {
                queues[day].add(c);
            }
        }
        let days: Vec<Period> = self
            .days
            .iter()
            .zip(&queues)
            .enumerate()
            .map(|(i, (d, q))| Period::of(i as u32, i as u32, d, q))
            .collect();
        let n = days.len();
        let last_week = (n >= 2 * WEEK_DAYS).then(|| {
            let mut d = DayCounters::default();
            let mut q = QueueCounters::default();
            for (day, queue) in self.days.iter().zip(&queues).skip(n - WEEK_DAYS) {
                d.add(day);
                q.add(queue);
            }
            Period::of((n - WEEK_DAYS) as u32, (n - 1) as u32, &d, &q)
        });
        Some(Daily {
            rule: DAILY_RULE,
            days,
            last_week,
        })
    }
}

/// `summary.json`'s `daily`: the run day by day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Daily {
    pub rule: &'static str,
    pub days: Vec<Period>,
    /// The last seven days pooled (runs of at least 14 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_week: Option<Period>,
}

/// The figures of one day or of several pooled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// First and last day (from 0), inclusive.
    pub from_day: u32,
    pub to_day: u32,
    /// Measured conversations that started in the bot.
    pub bot_conversations: u64,
    pub handoff_rate: Estimate,
    pub containment: Estimate,
    /// `None` while no bot resolution's window has closed.
    pub durable_containment: Option<Estimate>,
    /// Trigger verdicts: needed / (needed + needless).
    pub precision: Option<Estimate>,
    /// needed / (needed + missed).
    pub recall: Option<Estimate>,
    /// Answered within the threshold / (answered + abandoned + still waiting
    /// past it), by day of joining the queue.
    pub service_level: Option<Estimate>,
    pub agent_hours: f64,
}

/// `part / whole` with its Wilson interval; `None` when `whole` is 0.
fn share(part: u64, whole: u64) -> Option<Estimate> {
    (whole > 0).then(|| Estimate::wilson(part, whole))
}

impl Period {
    fn of(from_day: u32, to_day: u32, d: &DayCounters, q: &QueueCounters) -> Period {
        let n = d.bot_conversations;
        let containment = share(d.contained, n).unwrap_or_default();
        Period {
            from_day,
            to_day,
            bot_conversations: n,
            handoff_rate: share(d.handed_off, n).unwrap_or_default(),
            durable_containment: (d.durable + d.not_durable > 0).then(|| {
                let held = d.durable as f64 / (d.durable + d.not_durable) as f64;
                Estimate::ratio(d.contained as f64 * held, n)
            }),
            containment,
            precision: share(d.needed, d.needed + d.needless),
            recall: share(d.needed, d.needed + d.missed),
            service_level: share(q.answered_within, q.service_level_base()),
            agent_hours: d.agent_seconds / 3600.0,
        }
    }
}

//! The end of a run: the report data and the summary, built once from the
//! recorder (service statistics with their batch-means intervals, and the
//! Erlang reference when the scenario is a single M/M/c(+M) queue).

use hdrhistogram::Histogram;

use crate::stats::Batching;
pub use crate::stats::Estimate;

use crate::arrivals::ArrivalProcess;
use crate::routing::{IntervalSeries, PoolOccupancy, WaitEstimator};
use crate::scenario::Scenario;
use crate::theory::{Prediction, Queue};
use handoff_logic::Channel;

use super::recorder::{QueueCounters, histogram};
use super::*;

impl Recorder {
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
            warm_up_s: self.warm_up,
            intervals,
            wait_ms: self.wait_histograms(),
            incident_windows: self
                .incidents
                .windows()
                .iter()
                .map(|w| (w.start_s, w.end_s()))
                .collect(),
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
            dropped: count(Outcome::Dropped),
            callback_missed: count(Outcome::CallbackMissed),
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
            service_stats(&series, &waits, self.threshold, self.heard, batching)
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
        let (durable, not_durable, censored) = self.quality.durability();
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
                    dropped: measured_count(Outcome::Dropped),
                    callback_missed: measured_count(Outcome::CallbackMissed),
                },
                bot: (bot.conversations > 0).then(|| BotStats {
                    conversations: bot.conversations,
                    contained: bot.contained,
                    handed_off: handoffs,
                    abandoned: bot.abandoned,
                    still_in_bot,
                    containment_rate: Estimate::ratio(bot.contained as f64, bot.conversations),
                    durable_containment: (durable + not_durable > 0).then(|| {
                        let held = durable as f64 / (durable + not_durable) as f64;
                        Estimate::ratio(bot.contained as f64 * held, bot.conversations)
                    }),
                    durability: DurabilityStats {
                        window_s: scenario.durable_window.as_secs_f64(),
                        durable,
                        not_durable,
                        censored,
                        rule: DURABILITY_RULE,
                    },
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
                occupancy: crate::routing::centre_occupancy(occupancy, self.interval),
                triggers: (bot.conversations > 0).then_some(triggers),
                handoff,
                callbacks: self.callbacks.as_ref().map(|c| CallbackStats {
                    offered: c.offered,
                    accepted: c.accepted,
                    acceptance_rate: Estimate::wilson(c.accepted, c.offered),
                    reached: c.reached,
                    never_reached: c.never_reached,
                    pending_at_end: c.accepted.saturating_sub(c.reached + c.never_reached),
                    unanswered_attempts: c.unanswered_attempts,
                    time_to_callback_s: super::quality::DelayStats::from_histogram(
                        &c.reached_after_ms,
                        1000.0,
                    ),
                }),
                voice: self.voice.map(|v| VoiceStats {
                    calls: v.calls,
                    dead_air_per_call_s: Estimate::ratio(v.dead_air, v.calls),
                    hung_up_on_dead_air: Estimate::wilson(v.hung_up, v.calls),
                    transfers: v.transfers,
                    transfer_failure_rate: Estimate::wilson(v.dropped, v.transfers),
                }),
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
                    drop_offs: o.drop_offs,
                    returned_by_drop_off: o.returned_by_drop_off,
                })
                .collect(),
            theory: erlang_reference(scenario),
            daily: self
                .daily
                .summary(&queue, self.interval, scenario.duration.as_secs_f64()),
            incidents: (!self.incidents.is_empty()).then(|| {
                let inside_s = self.incidents.seconds_inside(self.warm_up, end);
                let measured_s = (end - self.warm_up).max(0.0);
                // Contacts still waiting at the end, by the side they
                // joined the queue on: [inside, outside] × [all, past the
                // service-level threshold].
                let mut still = [[0u64; 2]; 2];
                for w in &self.waiting_at_end {
                    let side = usize::from(!self.incidents.inside(w.queued_at));
                    still[side][0] += 1;
                    still[side][1] += u64::from(end - w.queued_at > self.threshold);
                }
                let side =
                    |c: &super::recorder::SideCounters, seconds: f64, [waiting, past]: [u64; 2]| {
                        SideStats {
                            hours: seconds / 3600.0,
                            bot_conversations: c.bot_conversations,
                            handoff_rate: Estimate::wilson(c.handoffs, c.bot_conversations),
                            answered: c.answered,
                            abandoned: c.abandoned,
                            callbacks: c.callbacks,
                            still_waiting: waiting,
                            asa_s: Estimate::ratio(c.wait_answered, c.answered),
                            abandonment_rate: Estimate::wilson(
                                c.abandoned,
                                c.answered + c.abandoned + c.callbacks + waiting,
                            ),
                            service_level: Estimate::wilson(
                                c.answered_within,
                                c.answered + c.abandoned + past,
                            ),
                        }
                    };
                IncidentSummary {
                    windows: self.incidents.windows().to_vec(),
                    inside: side(&self.sides[0], inside_s, still[0]),
                    outside: side(&self.sides[1], measured_s - inside_s, still[1]),
                }
            }),
            learning: None,
            thresholds: Vec::new(),
        }
    }
}

fn service_stats(
    series: &[QueueCounters],
    waits: &Histogram<u64>,
    threshold: f64,
    heard: WaitEstimator,
    batching: Batching,
) -> ServiceStats {
    let mut total = QueueCounters::default();
    series.iter().for_each(|c| total.add(c));
    let column = |f: &dyn Fn(&QueueCounters) -> f64| series.iter().map(f).collect::<Vec<f64>>();
    let offered = column(&|c| c.offered as f64);
    let answered = column(&|c| c.answered as f64);
    // Shares get a logit-scale interval on the batch-means standard error
    // (it stays inside [0, 1]), mean waits one on the reciprocal scale, other
    // ratios a symmetric one (see `stats`).
    #[derive(Clone, Copy)]
    enum Kind {
        Share,
        MeanWait,
        Ratio,
    }
    let with = |kind: Kind| {
        move |num: &dyn Fn(&QueueCounters) -> f64,
              den: &dyn Fn(&QueueCounters) -> f64,
              den_values: &[f64]| {
            let n = den(&total) as u64;
            let ci = match kind {
                Kind::Share => batching.share(&column(num), den_values, Some(n as f64)),
                Kind::MeanWait => batching.mean_wait(&column(num), den_values),
                Kind::Ratio => batching.ratio(&column(num), den_values),
            };
            Estimate::ratio(num(&total), n).with_batch_means(ci)
        }
    };
    let share = with(Kind::Share);
    let mean_wait = with(Kind::MeanWait);
    let ratio = with(Kind::Ratio);
    let percentile = |q: f64| waits.value_at_quantile(q) as f64 / 1000.0;
    let sl_base = column(&|c| c.service_level_base() as f64);
    ServiceStats {
        offered: total.offered,
        answered: total.answered,
        abandoned: total.abandoned,
        callbacks: total.callbacks,
        still_waiting: total.still_waiting,
        threshold_s: threshold,
        service_level: share(
            &|c| c.answered_within as f64,
            &|c| c.service_level_base() as f64,
            &sl_base,
        ),
        probability_wait: share(
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
        abandonment_rate: share(&|c| c.abandoned as f64, &|c| c.offered as f64, &offered),
        aht_s: Estimate::ratio(total.handle, total.handled),
        clarification_s: Estimate::ratio(total.clarification, total.handled),
        post_handoff_fcr: Estimate::ratio(total.resolved as f64, total.handled),
        wait_estimate_error_s: ratio(
            &|c| c.estimate_error,
            &|c| c.estimates as f64,
            &column(&|c| c.estimates as f64),
        ),
        wait_quotes: WaitEstimator::ALL
            .iter()
            .map(|&e| {
                let k = e.index();
                let shadowed = column(&|c| c.shadowed as f64);
                let quote = WaitQuote {
                    heard: e == heard,
                    n: total.shadowed,
                    bias_s: ratio(&|c| c.shadow_error[k], &|c| c.shadowed as f64, &shadowed),
                    mae_s: ratio(
                        &|c| c.shadow_abs_error[k],
                        &|c| c.shadowed as f64,
                        &shadowed,
                    ),
                };
                (e.name().to_string(), quote)
            })
            .collect(),
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

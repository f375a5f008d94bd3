//! The wait quote a contact is told on arrival, and the estimators compared
//! with it in shadow.
//!
//! Every contact that must queue gets all four estimates ([`WaitEstimates`]);
//! the one `[routing] wait_estimator` names is what the customer hears, and
//! the recorder measures each one's error against the waits of the contacts
//! that were answered. With `n` contacts ahead (weighted as in
//! [`Router::estimate_wait`]), `s` contact slots serving the queue, a mean
//! slot-holding time `h` observed so far and an abandonment rate `θ` of the
//! contacts waiting (1 / their mean patience):
//!
//! - **position** (today's quote): `(n + 1) · h / s`;
//! - **head of line** (HOL): how long the contact at the head of its queue
//!   has waited so far; with nobody ahead in its queue, the last-to-enter
//!   value, and before anyone has entered service, the position quote;
//! - **last to enter service** (LES): the wait of the last contact that left
//!   its queue for an agent; before that, the position quote;
//! - **queue length with abandonment** (QL, Ibrahim & Whitt, Management
//!   Science 2009, eq. for M/M/s+M): `Σ_{i=0}^{n} 1 / (s/h + i·θ)` — each
//!   contact ahead leaves by service (rate `s/h`) or by abandoning (rate
//!   `θ` each). With infinite patience it is the position quote; it is
//!   exact in expectation for M/M/s+M with `n` an integer, and a fractional
//!   `n` takes the last term in proportion.
//!
//! All four are 0 when an agent is free for the contact.

use crate::scenario::SkillId;
pub use crate::scenario::WaitEstimator;
use handoff_logic::Channel;

use super::*;

/// Every estimator's quote for one contact, in [`WaitEstimator::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WaitEstimates(pub [f64; 4]);

impl WaitEstimates {
    pub fn get(&self, estimator: WaitEstimator) -> f64 {
        self.0[estimator.index()]
    }
}

/// What the estimators need beyond the router's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EstimateInputs {
    pub channel: Channel,
    pub skill: SkillId,
    pub priority: u8,
    /// The mean holding time to use before any slot has been released.
    pub fallback_holding: f64,
    /// Abandonment rate per waiting contact, per second (1 / mean
    /// patience; 0 with infinite patience).
    pub abandonment_rate: f64,
}

/// `Σ_{i=0}^{n} 1 / (service + i·θ)` for a real `n ≥ 0`: the whole terms,
/// then the fractional one in proportion.
fn queue_length_quote(ahead: f64, service_rate: f64, theta: f64) -> f64 {
    let whole = ahead.floor();
    let k = whole as u64;
    let mut sum: f64 = (0..=k)
        .map(|i| 1.0 / (service_rate + i as f64 * theta))
        .sum();
    let fraction = ahead - whole;
    if fraction > 0.0 {
        sum += fraction / (service_rate + (k + 1) as f64 * theta);
    }
    sum
}

impl Router {
    /// Every estimator's quote for a contact about to arrive at `now`.
    pub fn estimate_waits(&self, now: f64, inputs: &EstimateInputs) -> WaitEstimates {
        let EstimateInputs {
            channel,
            skill,
            priority,
            fallback_holding,
            abandonment_rate,
        } = *inputs;
        if self.free_agent(channel, skill).is_some() {
            return WaitEstimates::default();
        }
        let (ahead, slots, holding) =
            self.position_terms(now, channel, skill, priority, fallback_holding);
        let position = (ahead + 1.0) * holding / slots;
        let q = queue_index(skill, channel, priority);
        let les = self.last_entered_wait[q].unwrap_or(position);
        let hol = self.queues[q]
            .iter()
            .find(|e| self.waiting.get(&e.conversation) == Some(&q))
            .map_or(les, |head| now - head.since);
        let ql = if holding > 0.0 {
            queue_length_quote(ahead, slots / holding, abandonment_rate)
        } else {
            0.0
        };
        WaitEstimates([position, hol, les, ql])
    }

    /// Position-based estimate of the wait, in seconds, of a contact about to
    /// arrive at `now`: 0 if an agent is free for it, else the contacts
    /// ahead plus one, times the mean slot-holding time, shared over the
    /// contact slots that serve its queue ([`Router::estimate_waits`]'s
    /// `position`).
    pub fn estimate_wait(
        &self,
        now: f64,
        channel: Channel,
        skill: SkillId,
        priority: u8,
        fallback_holding: f64,
    ) -> f64 {
        if self.free_agent(channel, skill).is_some() {
            return 0.0;
        }
        let (ahead, slots, holding) =
            self.position_terms(now, channel, skill, priority, fallback_holding);
        (ahead + 1.0) * holding / slots
    }

    /// The terms of the position and queue-length quotes: the contacts
    /// ahead, the slots serving the queue (at least 1) and the mean holding
    /// time. Ahead are the contacts waiting at the contact's priority or
    /// higher in every queue of its channel that the serving pools drain,
    /// each weighted by the share of that queue's slots they hold. The
    /// holding time is the one observed so far on this channel in the
    /// serving pools ([`Router::mean_holding`]); before any slot has been
    /// released, `fallback_holding`.
    fn position_terms(
        &self,
        now: f64,
        channel: Channel,
        skill: SkillId,
        priority: u8,
        fallback_holding: f64,
    ) -> (f64, f64, f64) {
        // Contacts ahead: those waiting, at this priority or higher, in every
        // queue of this channel that the serving pools also drain (all of
        // them joined earlier, and agents take the oldest first), each
        // weighted by the share of its queue's slots these pools hold.
        // No allocation: this runs for every contact that must queue.
        let serving = || {
            self.pools.iter().filter(move |pool| {
                pool.channels.contains(&channel) && pool.skills.contains(&skill)
            })
        };
        let pool_slots = |pool: &PoolState| {
            f64::from(pool.on_duty)
                * match channel {
                    Channel::Voice => 1.0,
                    Channel::Chat => f64::from(pool.chat_concurrency),
                }
        };
        let slots = self.slots[skill * 2 + channel.index()].max(1.0);
        let mut ahead = 0.0;
        for other in 0..self.slots.len() / 2 {
            let ours: f64 = serving()
                .filter(|pool| pool.skills.contains(&other))
                .map(pool_slots)
                .sum();
            let all = self.slots[other * 2 + channel.index()];
            if ours <= 0.0 || all <= 0.0 {
                continue;
            }
            let waiting: usize = (priority..PRIORITIES as u8)
                .map(|p| self.live[queue_index(other, channel, p)])
                .sum();
            ahead += waiting as f64 * ours / all;
        }
        // Callbacks served before the callers are ahead too.
        if self.callbacks_first {
            ahead += self.callback_lanes[skill * 2 + channel.index()].len() as f64;
        }
        let holding = self
            .mean_holding(now, channel, skill)
            .unwrap_or(fallback_holding);
        (ahead, slots, holding)
    }

    /// Mean time a contact of `channel` held a slot (handle time, briefing,
    /// clarifications and wrap-up) in the pools serving `skill`, from the
    /// start of the run to `now`: ∫(contacts held) dt / releases, which tends
    /// to the mean holding time by Little's law. `None` before any release.
    pub fn mean_holding(&self, now: f64, channel: Channel, skill: SkillId) -> Option<f64> {
        let c = channel.index();
        let (held_seconds, releases) = self
            .pools
            .iter()
            .filter(|pool| pool.channels.contains(&channel) && pool.skills.contains(&skill))
            .fold((0.0, 0u64), |(seconds, releases), pool| {
                let open = f64::from(pool.held_by_channel[c]) * (now - pool.last_change).max(0.0);
                (
                    seconds + pool.held_seconds_by_channel[c] + open,
                    releases + pool.releases_by_channel[c],
                )
            });
        (releases > 0).then(|| held_seconds / releases as f64)
    }
}

//! The wait estimate a contact is told on arrival: contacts ahead, shared
//! over the slots serving its queue, times the observed mean slot-holding
//! time (see the module doc of `routing`).

use crate::scenario::SkillId;
use handoff_logic::Channel;

use super::*;

impl Router {
    /// Position-based estimate of the wait, in seconds, of a contact about to
    /// arrive at `now`: 0 if an agent is free for it, else the contacts
    /// ahead plus one, times the mean slot-holding time, shared over the
    /// contact slots that serve its queue. Ahead are the contacts waiting at
    /// its priority or higher in every queue of its channel that the serving
    /// pools drain, each weighted by the share of that queue's slots they
    /// hold. The holding time is the one
    /// observed so far on this channel in the serving pools
    /// ([`Router::mean_holding`]); before any slot has been released,
    /// `fallback_holding`.
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
        let holding = self
            .mean_holding(now, channel, skill)
            .unwrap_or(fallback_holding);
        (ahead + 1.0) * holding / slots
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

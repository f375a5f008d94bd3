//! Routing decisions: skills-based queues, agent capacity and who takes what.
//!
//! [`Router`] is the single source of truth for which conversation waits and
//! which agent holds which contact. It is plain data: the router actor feeds
//! it events (arrive, abandon, release) with the current time and forwards
//! its decisions. Rules:
//!
//! - one FIFO queue per (skill, channel, priority); a freed agent takes the
//!   highest-priority, then oldest, waiting contact among the queues it serves;
//! - pools are tried in the order the scenario lists them (the first pool is
//!   the primary, later ones are overflow); inside a pool the least-loaded
//!   agent wins, ties to the lowest id;
//! - voice is one at a time and never mixed with chats; chats go up to the
//!   pool's `chat_concurrency`.
//!
//! Occupancy is slot utilisation (the contact-centre meaning: the share of
//! paid capacity spent handling contacts, wrap-up included): a chat holds one
//! of an agent's `chat_concurrency` slots, a voice call holds the whole agent.
//! The wait estimate shares the contacts ahead over the slots serving the
//! queue, each released after the *observed* mean slot-holding time (handle
//! time, briefing, clarification and wrap-up: ∫held dt / releases, Little's
//! law), so it carries no built-in bias. The contacts ahead are counted in
//! every queue of the channel that the serving pools drain, each weighted by
//! the share of that queue's slots those pools hold: with shared pools,
//! counting the contact's own queue alone was optimistic by 24 s for voice
//! in `basic.toml`; now +1.7 s, CI −1.8…+5.1 over 20 replications.
//!
//! Invariant: a conversation is in at most one place — waiting in one queue
//! or held by one agent — and every decision is deterministic (ordered
//! containers only).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::customer::ConversationId;
use crate::scenario::{Scenario, Select, SkillId, WhenClosed};
use crate::stats::{Batching, Estimate};
use handoff_logic::Channel;

pub type AgentId = usize;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    conversation: ConversationId,
    since: f64,
}

#[derive(Debug, Clone)]
struct Agent {
    pool: usize,
    on_voice: bool,
    chats: u32,
    /// On duty: may take new contacts. Off duty (between shifts, on a
    /// break, off the phone) an agent only finishes what it holds.
    on_duty: bool,
    /// When the agent last became idle (free of every contact, or on duty).
    idle_since: f64,
    /// Off duty because its shift ended (not a break or off-phone time):
    /// the contacts it still finishes are overtime.
    after_shift: bool,
}

impl Agent {
    /// Its key among a pool's available agents: the least loaded first;
    /// then, for `longest_idle`, idle the longest (times are ≥ 0, so their
    /// bit patterns sort like the numbers); then the lowest id.
    fn key(&self, id: AgentId, select: Select) -> (u32, u64, AgentId) {
        let idle = if select == Select::LongestIdle && self.load() == 0 {
            self.idle_since.max(0.0).to_bits()
        } else {
            0
        };
        (self.chats, idle, id)
    }

    fn load(&self) -> u32 {
        self.chats + u32::from(self.on_voice)
    }
}

#[derive(Debug, Clone)]
struct PoolState {
    skills: Vec<SkillId>,
    channels: Vec<Channel>,
    chat_concurrency: u32,
    count: u32,
    /// Capacity units per agent: `chat_concurrency` when the pool takes
    /// chats, else 1. A chat uses one unit, a voice call all of them.
    units_per_agent: u32,
    /// Capacity units in use now.
    units_used: u32,
    /// Time integral of `units_used` per reporting interval, measured part only.
    units_by_interval: Vec<f64>,
    /// Contacts held now, per channel (chat, voice), wrap-up included.
    held_by_channel: [u32; 2],
    /// Time integral of `held_by_channel` over the whole run.
    held_seconds_by_channel: [f64; 2],
    /// Slots released so far, per channel.
    releases_by_channel: [u64; 2],
    /// Agents not on voice with a free chat slot, keyed (chats, id).
    /// Keyed (chats, idle-since rank, id): see [`Agent::key`].
    available: BTreeSet<(u32, u64, AgentId)>,
    /// Proficiency per skill id (1 = standard).
    proficiency: Vec<f64>,
    /// Agents holding at least one contact (or in wrap-up).
    busy_agents: u32,
    /// Time integral of `busy_agents` since the start of measurement.
    busy_agent_seconds: f64,
    /// Time integral of `busy_agents` per reporting interval (whole run).
    busy_by_interval: Vec<f64>,
    /// Time integral of the number of held contacts.
    contact_seconds: f64,
    held_contacts: u32,
    last_change: f64,
    /// Agents on duty now.
    on_duty: u32,
    /// Agents present now: on duty, or off duty but still finishing a
    /// contact (the staffed, logged-in agents occupancy is measured over).
    present: u32,
    /// Time integral of `present` per reporting interval, measured part only.
    present_by_interval: Vec<f64>,
    /// Time integral of `present` since the start of measurement.
    present_seconds: f64,
    /// Agents off duty still finishing a contact, and its time integral
    /// since the start of measurement: overtime.
    overtime_agents: u32,
    overtime_seconds: f64,
    /// Contacts handed back to the queue at a shift end.
    handed_back: u64,
}

/// Occupancy of one pool over the measured window.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolOccupancy {
    pub pool: usize,
    pub agents: u32,
    /// Contact slots per agent (chat concurrency; 1 for voice-only pools).
    pub slots_per_agent: u32,
    /// Slot utilisation: time contacts held slots (handling and wrap-up; a
    /// voice call holds all of an agent's slots) over agents × slots × time,
    /// with its batch-means interval.
    pub occupancy: Estimate,
    /// Fraction of staffed agent time with at least one contact or wrap-up
    /// (not occupancy: an agent with one chat of three counts as engaged).
    pub agents_engaged: f64,
    /// Mean number of contacts an agent held at once.
    pub mean_concurrency: f64,
    /// Agent-seconds present in the measured window (on duty, or finishing a
    /// contact after it): the denominator.
    pub staffed_seconds: f64,
    /// Agent-seconds spent finishing contacts after going off duty.
    pub overtime_seconds: f64,
    /// Contacts handed back to the queue at a shift end.
    pub handed_back: u64,
    /// Mean time a contact held a slot (whole run); `None` before any release.
    pub mean_holding_s: Option<f64>,
    /// The pool's relaxation time ([`crate::theory::relaxation_time`]) at an
    /// upper bound of its occupancy; infinite when (nearly) saturated.
    pub relaxation_s: Option<f64>,
}

/// Router figures per reporting interval, from time 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IntervalSeries {
    /// Time-average number of contacts waiting.
    pub mean_queue: Vec<f64>,
    /// Per pool, per interval: slot utilisation (occupancy) over the measured
    /// part of the interval.
    pub occupancy: Vec<Vec<f64>>,
}

/// What happened to an arriving contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    /// Connected at once to this agent.
    Assigned(AgentId),
    /// Waiting in its queue.
    Queued,
    /// Nobody who could take it is on duty and the centre sends the closed
    /// message: it leaves.
    Closed,
}

/// A queued contact handed to a freed agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    pub conversation: ConversationId,
    pub agent: AgentId,
    pub channel: Channel,
    /// When the contact joined the queue.
    pub since: f64,
}

/// A contact an agent going off duty returns to the queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandedBack {
    pub conversation: ConversationId,
    pub channel: Channel,
    pub skill: SkillId,
    pub priority: u8,
    /// When it first joined the queue.
    pub since: f64,
    /// Returned unstarted (not counted as a hand-back).
    pub bounced: bool,
}

/// The routing state of the whole centre.
#[derive(Debug, Clone)]
pub struct Router {
    pools: Vec<PoolState>,
    agents: Vec<Agent>,
    /// Queues indexed by [`queue_index`].
    queues: Vec<VecDeque<Entry>>,
    /// Live (not abandoned) entries per queue.
    live: Vec<usize>,
    /// Contact slots per (skill, channel) of the agents on duty: Σ agents ×
    /// slots over serving pools.
    slots: Vec<f64>,
    /// The same for agents on shift (on duty, or on a break or off-phone
    /// time within their shift): with none, the centre is closed.
    shift_slots: Vec<f64>,
    /// Conversations waiting now and their queue (abandoned ones are removed
    /// here at once and skipped lazily in the deque).
    waiting: BTreeMap<ConversationId, usize>,
    measure_from: f64,
    /// Reporting interval in seconds.
    interval: f64,
    /// Time integral of the number waiting, per reporting interval.
    queue_by_interval: Vec<f64>,
    /// When the number waiting last changed.
    queue_changed: f64,
    when_closed: WhenClosed,
    select: Select,
    /// Contacts back in the queue after a hand-back: they were answered
    /// once, so they are not counted as still waiting at the end.
    handed_back: BTreeSet<ConversationId>,
}

/// Adds `level × dt` over [from, to] to `series`, split at interval bounds.
fn spread(series: &mut [f64], interval: f64, from: f64, to: f64, level: f64) {
    if level == 0.0 || to <= from {
        return;
    }
    let mut t = from;
    while t < to {
        let k = ((t / interval) as usize).min(series.len() - 1);
        let end = ((k + 1) as f64 * interval).min(to);
        let end = if end <= t { to } else { end };
        series[k] += level * (end - t);
        t = end;
    }
}

/// Priority classes: 0 normal, 1 priority.
const PRIORITIES: usize = 2;

fn queue_index(skill: SkillId, channel: Channel, priority: u8) -> usize {
    (skill * 2 + channel.index()) * PRIORITIES + usize::from(priority.min(1))
}

fn queue_channel(q: usize) -> Channel {
    if (q / PRIORITIES) % 2 == Channel::Voice.index() {
        Channel::Voice
    } else {
        Channel::Chat
    }
}

fn queue_priority(q: usize) -> u8 {
    (q % PRIORITIES) as u8
}

impl Router {
    /// Builds the agents of every pool; statistics count from `measure_from`
    /// (the end of the warm-up), in seconds.
    pub fn new(scenario: &Scenario, measure_from: f64) -> Router {
        let interval = scenario.interval.as_secs_f64();
        let intervals = (scenario.duration.as_secs_f64() / interval).ceil() as usize + 1;
        let mut agents = Vec::new();
        let mut pools = Vec::new();
        for (p, pool) in scenario.pools.iter().enumerate() {
            let units_per_agent = if pool.channels.contains(&Channel::Chat) {
                pool.chat_concurrency.max(1)
            } else {
                1
            };
            let mut available = BTreeSet::new();
            for _ in 0..pool.count() {
                agents.push(Agent {
                    pool: p,
                    on_voice: false,
                    chats: 0,
                    on_duty: true,
                    idle_since: 0.0,
                    after_shift: false,
                });
                let id = agents.len() - 1;
                available.insert(agents[id].key(id, scenario.select));
            }
            pools.push(PoolState {
                skills: pool.skills.clone(),
                channels: pool.channels.clone(),
                chat_concurrency: pool.chat_concurrency,
                count: pool.count(),
                units_per_agent,
                units_used: 0,
                units_by_interval: vec![0.0; intervals],
                held_by_channel: [0; 2],
                held_seconds_by_channel: [0.0; 2],
                releases_by_channel: [0; 2],
                available,
                proficiency: (0..scenario.skills.len())
                    .map(|k| pool.proficiency(k))
                    .collect(),
                busy_agents: 0,
                busy_agent_seconds: 0.0,
                busy_by_interval: vec![0.0; intervals],
                contact_seconds: 0.0,
                held_contacts: 0,
                last_change: 0.0,
                on_duty: pool.count(),
                present: pool.count(),
                present_by_interval: vec![0.0; intervals],
                present_seconds: 0.0,
                overtime_agents: 0,
                overtime_seconds: 0.0,
                handed_back: 0,
            });
        }
        let mut slots = vec![0.0; scenario.skills.len() * 2];
        for pool in &scenario.pools {
            for &skill in &pool.skills {
                for &channel in &pool.channels {
                    let per_agent = match channel {
                        Channel::Voice => 1.0,
                        Channel::Chat => f64::from(pool.chat_concurrency),
                    };
                    slots[skill * 2 + channel.index()] += f64::from(pool.count()) * per_agent;
                }
            }
        }
        let queues = scenario.skills.len() * 2 * PRIORITIES;
        Router {
            pools,
            agents,
            queues: vec![VecDeque::new(); queues],
            live: vec![0; queues],
            shift_slots: slots.clone(),
            slots,
            waiting: BTreeMap::new(),
            measure_from,
            interval,
            queue_by_interval: vec![0.0; intervals],
            queue_changed: 0.0,
            when_closed: scenario.handoff.when_closed,
            select: scenario.select,
            handed_back: BTreeSet::new(),
        }
    }

    /// Contact slots one agent of `pool` gives `channel`.
    fn slots_per_agent(pool: &PoolState, channel: Channel) -> f64 {
        match channel {
            Channel::Voice => 1.0,
            Channel::Chat => f64::from(pool.chat_concurrency),
        }
    }

    /// An agent comes on duty (`on`) or goes off it. Off duty it takes no
    /// new contact and finishes those it holds (the caller hands them back
    /// first under `shift_end = "hand_back"`). On duty it takes the queued
    /// contacts it can at once: they are returned.
    /// `shift_end`: going off duty ends a shift (the time still spent on
    /// contacts is overtime), rather than starting a break or off-phone time.
    pub fn set_duty(
        &mut self,
        now: f64,
        agent: AgentId,
        on: bool,
        shift_end: bool,
    ) -> Vec<Assignment> {
        let select = self.select;
        let a = &mut self.agents[agent];
        if a.on_duty == on {
            return Vec::new();
        }
        let pool = &mut self.pools[a.pool];
        Self::integrate(pool, now, self.measure_from, self.interval);
        pool.available.remove(&a.key(agent, select));
        let was_on_shift = a.on_duty || !a.after_shift;
        a.on_duty = on;
        if a.load() == 0 {
            a.idle_since = now;
        }
        let busy = a.load() > 0;
        if on {
            pool.on_duty += 1;
            if !busy {
                pool.present += 1;
            } else if a.after_shift {
                pool.overtime_agents -= 1;
            }
            a.after_shift = false;
            if !a.on_voice && a.chats < pool.chat_concurrency {
                pool.available.insert(a.key(agent, select));
            }
        } else {
            pool.on_duty -= 1;
            a.after_shift = shift_end;
            if !busy {
                pool.present -= 1;
            } else if shift_end {
                pool.overtime_agents += 1;
            }
        }
        let is_on_shift = a.on_duty || !a.after_shift;
        let sign = if on { 1.0 } else { -1.0 };
        let shift_sign = match (was_on_shift, is_on_shift) {
            (false, true) => 1.0,
            (true, false) => -1.0,
            _ => 0.0,
        };
        for &skill in &pool.skills {
            for &channel in &pool.channels {
                let per_agent = Self::slots_per_agent(pool, channel);
                self.slots[skill * 2 + channel.index()] += sign * per_agent;
                self.shift_slots[skill * 2 + channel.index()] += shift_sign * per_agent;
            }
        }
        if on {
            self.fill(now, agent)
        } else {
            Vec::new()
        }
    }

    /// Under `when_closed = "closed_message"`: the contacts waiting in
    /// queues that nobody on shift serves any more (the last shift ended)
    /// hear the closed message and leave the queue; returned so the caller
    /// can tell them. Nothing under `wait`.
    pub fn close_empty_queues(&mut self, now: f64) -> Vec<ConversationId> {
        if self.when_closed != WhenClosed::ClosedMessage {
            return Vec::new();
        }
        let mut closed = Vec::new();
        for q in 0..self.queues.len() {
            let skill = q / (2 * PRIORITIES);
            let channel = queue_channel(q);
            if self.live[q] == 0 || self.shift_slots[skill * 2 + channel.index()] > 0.0 {
                continue;
            }
            self.queue_will_change(now);
            for entry in std::mem::take(&mut self.queues[q]) {
                if self.waiting.get(&entry.conversation) == Some(&q) {
                    self.waiting.remove(&entry.conversation);
                    self.handed_back.remove(&entry.conversation);
                    closed.push(entry.conversation);
                }
            }
            self.live[q] = 0;
        }
        closed.sort_unstable();
        closed
    }

    /// An agent going off duty hands a contact back: its slot is freed (not
    /// counted as a release: the contact was not finished) and the contact
    /// goes to the head of its queue, keeping the time it first queued. If
    /// an agent on duty can take it at once, it is returned.
    pub fn hand_back(&mut self, now: f64, agent: AgentId, back: HandedBack) -> Option<Assignment> {
        let HandedBack {
            conversation,
            channel,
            skill,
            priority,
            since,
            bounced,
        } = back;
        self.put_back(now, agent, channel);
        let pool = self.agents[agent].pool;
        self.pools[pool].releases_by_channel[channel.index()] -= 1;
        self.pools[pool].handed_back += u64::from(!bounced);
        if let Some(to) = self.free_agent(channel, skill) {
            self.take(now, to, channel);
            return Some(Assignment {
                conversation,
                agent: to,
                channel,
                since,
            });
        }
        self.queue_will_change(now);
        let q = queue_index(skill, channel, priority);
        self.queues[q].push_front(Entry {
            conversation,
            since,
        });
        self.live[q] += 1;
        self.waiting.insert(conversation, q);
        self.handed_back.insert(conversation);
        None
    }

    pub fn agent_count(&self) -> usize {
        self.agents.len()
    }

    pub fn pool_of(&self, agent: AgentId) -> usize {
        self.agents[agent].pool
    }

    /// Contacts waiting now.
    pub fn queue_len(&self) -> usize {
        self.waiting.len()
    }

    /// Contacts held by agents now (including wrap-up).
    pub fn held_contacts(&self) -> u32 {
        self.pools.iter().map(|p| p.held_contacts).sum()
    }

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

    /// The contacts waiting now: (conversation, channel, joined the queue at).
    pub fn waiting_contacts(&self) -> Vec<(ConversationId, Channel, f64)> {
        let mut out: Vec<_> = self
            .queues
            .iter()
            .enumerate()
            .flat_map(|(q, entries)| {
                entries
                    .iter()
                    .filter(move |e| {
                        self.waiting.get(&e.conversation) == Some(&q)
                            && !self.handed_back.contains(&e.conversation)
                    })
                    .map(move |e| (e.conversation, queue_channel(q), e.since))
            })
            .collect();
        out.sort_by_key(|&(id, _, _)| id);
        out
    }

    /// The agent that would take a contact now, if any.
    fn free_agent(&self, channel: Channel, skill: SkillId) -> Option<AgentId> {
        let candidates = self
            .pools
            .iter()
            .filter(|pool| pool.channels.contains(&channel) && pool.skills.contains(&skill))
            .filter_map(|pool| {
                let &(chats, idle, agent) = pool.available.iter().next()?;
                (channel == Channel::Chat || chats == 0).then_some((pool, (chats, idle, agent)))
            });
        match self.select {
            Select::PoolOrder => candidates.map(|(_, (_, _, agent))| agent).next(),
            Select::LongestIdle => candidates
                .map(|(_, key)| key)
                .min()
                .map(|(_, _, agent)| agent),
            // Highest proficiency; `max_by` keeps the last of equals, so
            // walk the pools in reverse to keep ties in pool order.
            Select::MostProficient => candidates
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .max_by(|(a, _), (b, _)| a.proficiency[skill].total_cmp(&b.proficiency[skill]))
                .map(|(_, (_, _, agent))| agent),
        }
    }

    /// A contact asks for a human: connect it to a free agent or queue it.
    /// Priority 1 contacts are served before priority 0 ones.
    pub fn arrive(
        &mut self,
        now: f64,
        conversation: ConversationId,
        channel: Channel,
        skill: SkillId,
        priority: u8,
    ) -> Routed {
        if let Some(agent) = self.free_agent(channel, skill) {
            self.take(now, agent, channel);
            return Routed::Assigned(agent);
        }
        // Closed: nobody who could take it is on shift (agents on a break
        // or off the phone are coming back).
        if self.when_closed == WhenClosed::ClosedMessage
            && self.shift_slots[skill * 2 + channel.index()] <= 0.0
        {
            return Routed::Closed;
        }
        self.queue_will_change(now);
        let q = queue_index(skill, channel, priority);
        self.queues[q].push_back(Entry {
            conversation,
            since: now,
        });
        self.live[q] += 1;
        self.waiting.insert(conversation, q);
        Routed::Queued
    }

    /// The customer gave up waiting. `true` if it was waiting (it leaves the
    /// queue); `false` if it was already connected or gone.
    pub fn abandon(&mut self, now: f64, conversation: ConversationId) -> bool {
        if !self.waiting.contains_key(&conversation) {
            return false;
        }
        self.queue_will_change(now);
        self.handed_back.remove(&conversation);
        match self.waiting.remove(&conversation) {
            Some(q) => {
                self.live[q] -= 1;
                true
            }
            None => false,
        }
    }

    /// An agent finished a contact (after wrap-up). Returns the queued contacts
    /// the agent takes next, oldest first, as far as its capacity allows.
    pub fn release(&mut self, now: f64, agent: AgentId, channel: Channel) -> Vec<Assignment> {
        self.put_back(now, agent, channel);
        self.fill(now, agent)
    }

    /// The queued contacts `agent` takes now, oldest first, as far as its
    /// capacity allows (none when it is off duty).
    fn fill(&mut self, now: f64, agent: AgentId) -> Vec<Assignment> {
        let mut assigned = Vec::new();
        if !self.agents[agent].on_duty {
            return assigned;
        }
        while let Some((q, entry)) = self.oldest_for(agent) {
            self.queue_will_change(now);
            self.queues[q].pop_front();
            self.waiting.remove(&entry.conversation);
            self.handed_back.remove(&entry.conversation);
            self.live[q] -= 1;
            let channel = queue_channel(q);
            self.take(now, agent, channel);
            assigned.push(Assignment {
                conversation: entry.conversation,
                agent,
                channel,
                since: entry.since,
            });
        }
        assigned
    }

    /// The oldest live queue head this agent may take now.
    fn oldest_for(&mut self, agent: AgentId) -> Option<(usize, Entry)> {
        let a = &self.agents[agent];
        let pool = &self.pools[a.pool];
        let can_voice = a.load() == 0;
        let can_chat = !a.on_voice && a.chats < pool.chat_concurrency;
        // Highest priority first, then oldest, then lowest id.
        let rank = |q: usize, e: &Entry| {
            (
                std::cmp::Reverse(queue_priority(q)),
                e.since,
                e.conversation,
            )
        };
        let mut best: Option<(usize, Entry)> = None;
        for &skill in &pool.skills {
            for &channel in &pool.channels {
                let allowed = match channel {
                    Channel::Voice => can_voice,
                    Channel::Chat => can_chat,
                };
                if !allowed {
                    continue;
                }
                for priority in 0..PRIORITIES as u8 {
                    let q = queue_index(skill, channel, priority);
                    // Drop abandoned entries at the head.
                    while let Some(head) = self.queues[q].front() {
                        if self.waiting.get(&head.conversation) == Some(&q) {
                            break;
                        }
                        self.queues[q].pop_front();
                    }
                    if let Some(&head) = self.queues[q].front()
                        && best.is_none_or(|(bq, b)| rank(q, &head) < rank(bq, &b))
                    {
                        best = Some((q, head));
                    }
                }
            }
        }
        best
    }

    fn integrate(pool: &mut PoolState, now: f64, measure_from: f64, interval: f64) {
        let from = pool.last_change.max(measure_from);
        if now > from {
            let dt = now - from;
            pool.busy_agent_seconds += f64::from(pool.busy_agents) * dt;
            pool.contact_seconds += f64::from(pool.held_contacts) * dt;
            pool.present_seconds += f64::from(pool.present) * dt;
            pool.overtime_seconds += f64::from(pool.overtime_agents) * dt;
        }
        spread(
            &mut pool.present_by_interval,
            interval,
            from,
            now,
            f64::from(pool.present),
        );
        let since = (now - pool.last_change).max(0.0);
        for c in 0..2 {
            pool.held_seconds_by_channel[c] += f64::from(pool.held_by_channel[c]) * since;
        }
        let busy = f64::from(pool.busy_agents);
        spread(
            &mut pool.busy_by_interval,
            interval,
            pool.last_change,
            now,
            busy,
        );
        spread(
            &mut pool.units_by_interval,
            interval,
            from,
            now,
            f64::from(pool.units_used),
        );
        pool.last_change = now;
    }

    /// Call before the number waiting changes.
    fn queue_will_change(&mut self, now: f64) {
        let waiting = self.waiting.len() as f64;
        spread(
            &mut self.queue_by_interval,
            self.interval,
            self.queue_changed,
            now,
            waiting,
        );
        self.queue_changed = now;
    }

    /// Per reporting interval up to `now`: mean number waiting, and per pool
    /// the mean share of agents busy (occupancy over time).
    pub fn interval_series(&mut self, now: f64) -> IntervalSeries {
        self.queue_will_change(now);
        let (interval, measure_from) = (self.interval, self.measure_from);
        for pool in &mut self.pools {
            Self::integrate(pool, now, measure_from, interval);
        }
        let length =
            |k: usize| ((now - k as f64 * interval).clamp(0.0, interval)).max(f64::MIN_POSITIVE);
        let intervals = ((now / interval).ceil() as usize).min(self.queue_by_interval.len());
        IntervalSeries {
            mean_queue: (0..intervals)
                .map(|k| self.queue_by_interval[k] / length(k))
                .collect(),
            occupancy: self
                .pools
                .iter()
                .map(|pool| {
                    (0..intervals)
                        .map(|k| {
                            let capacity =
                                pool.present_by_interval[k] * f64::from(pool.units_per_agent);
                            if capacity > 0.0 {
                                pool.units_by_interval[k] / capacity
                            } else {
                                0.0
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    }

    fn take(&mut self, now: f64, agent: AgentId, channel: Channel) {
        let select = self.select;
        let a = &mut self.agents[agent];
        let pool = &mut self.pools[a.pool];
        Self::integrate(pool, now, self.measure_from, self.interval);
        pool.available.remove(&a.key(agent, select));
        if a.load() == 0 {
            pool.busy_agents += 1;
        }
        pool.held_contacts += 1;
        pool.held_by_channel[channel.index()] += 1;
        match channel {
            Channel::Voice => {
                a.on_voice = true;
                pool.units_used += pool.units_per_agent;
            }
            Channel::Chat => {
                a.chats += 1;
                pool.units_used += 1;
            }
        }
        if a.on_duty && !a.on_voice && a.chats < pool.chat_concurrency {
            pool.available.insert(a.key(agent, select));
        }
    }

    fn put_back(&mut self, now: f64, agent: AgentId, channel: Channel) {
        let select = self.select;
        let a = &mut self.agents[agent];
        let pool = &mut self.pools[a.pool];
        Self::integrate(pool, now, self.measure_from, self.interval);
        pool.available.remove(&a.key(agent, select));
        match channel {
            Channel::Voice => {
                assert!(
                    a.on_voice,
                    "agent {agent} released a voice call it did not hold"
                );
                a.on_voice = false;
                pool.units_used -= pool.units_per_agent;
            }
            Channel::Chat => {
                assert!(a.chats > 0, "agent {agent} released a chat it did not hold");
                a.chats -= 1;
                pool.units_used -= 1;
            }
        }
        pool.held_contacts -= 1;
        pool.held_by_channel[channel.index()] -= 1;
        pool.releases_by_channel[channel.index()] += 1;
        if a.load() == 0 {
            a.idle_since = now;
            pool.busy_agents -= 1;
            if !a.on_duty {
                // The last contact is done: the agent leaves (its overtime
                // ends if its shift had).
                pool.overtime_agents -= u32::from(a.after_shift);
                pool.present -= 1;
            }
        }
        if a.on_duty {
            pool.available.insert(a.key(agent, select));
        }
    }

    /// Occupancy per pool from the start of measurement to `now`, with a
    /// batch-means interval over the reporting intervals.
    pub fn occupancy(&mut self, now: f64) -> Vec<PoolOccupancy> {
        let (measure_from, interval) = (self.measure_from, self.interval);
        let intervals = ((now / interval).ceil() as usize).min(self.queue_by_interval.len());
        self.pools
            .iter_mut()
            .enumerate()
            .map(|(p, pool)| {
                Self::integrate(pool, now, measure_from, interval);
                // Staffed time: agents present (on duty, or finishing a
                // contact after it), as workforce tools count logged-in time.
                let staffed = pool.present_seconds;
                let ratio = |x: f64| if staffed > 0.0 { x / staffed } else { 0.0 };
                let per_agent = f64::from(pool.units_per_agent);
                // Intervals with nobody present have no capacity to use.
                let (used, capacity): (Vec<f64>, Vec<f64>) = (0..intervals)
                    .filter_map(|k| {
                        let length = measured_length(k, interval, measure_from, now);
                        let capacity = pool.present_by_interval[k] * per_agent;
                        (length > 0.0 && capacity > 0.0)
                            .then(|| (pool.units_by_interval[k], capacity))
                    })
                    .unzip();
                // Mean agents present over the measured window.
                let window = (now - measure_from).max(f64::MIN_POSITIVE);
                let mean_present = staffed / window;
                let units = mean_present * per_agent;
                let used_total: f64 = used.iter().sum();
                let capacity_total: f64 = capacity.iter().sum();
                let utilisation = if capacity_total > 0.0 {
                    used_total / capacity_total
                } else {
                    0.0
                };
                let releases: u64 = pool.releases_by_channel.iter().sum();
                let mean_holding_s = (releases > 0)
                    .then(|| pool.held_seconds_by_channel.iter().sum::<f64>() / releases as f64);
                // Near saturation the relaxation time is steep in the load,
                // and a run that happened to see a little less load than
                // the model offers would get too short a floor. So take it
                // at an upper bound of the load: two standard errors of a
                // load estimate from N served contacts (Poisson arrivals,
                // holding times with a coefficient of variation near 1:
                // relative variance ≈ 2 / N).
                let load_high = utilisation * (1.0 + 2.0 * (2.0 / releases.max(1) as f64).sqrt());
                // A voice call needs an agent with no chats: for voice the
                // servers are the agents, not the chat slots, and the queue
                // relaxes more slowly. Take the slower of the two.
                let servers = if pool.channels.contains(&Channel::Voice) {
                    mean_present
                } else {
                    units
                };
                let relaxation_s = mean_holding_s
                    .and_then(|h| crate::theory::relaxation_time(h, servers, load_high));
                let occupancy = Estimate {
                    value: utilisation,
                    // Observations: the measured reporting intervals.
                    n: used.len() as u64,
                    ci95: None,
                    ci95_range: None,
                    ci_withheld: None,
                }
                .with_batch_means(
                    Batching::from_relaxation(relaxation_s, interval).ratio(&used, &capacity),
                );
                PoolOccupancy {
                    pool: p,
                    agents: pool.count,
                    slots_per_agent: pool.units_per_agent,
                    occupancy,
                    agents_engaged: ratio(pool.busy_agent_seconds),
                    mean_concurrency: ratio(pool.contact_seconds),
                    staffed_seconds: staffed,
                    overtime_seconds: pool.overtime_seconds,
                    handed_back: pool.handed_back,
                    mean_holding_s,
                    relaxation_s,
                }
            })
            .collect()
    }
}

/// The part of reporting interval `k` inside [measure_from, now].
fn measured_length(k: usize, interval: f64, measure_from: f64, now: f64) -> f64 {
    let start = (k as f64 * interval).max(measure_from);
    let end = ((k + 1) as f64 * interval).min(now);
    (end - start).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn scenario(pools: &str) -> Scenario {
        let text = format!(
            r#"
[simulation]
name = "routing"
duration = "1h"
[arrivals]
rate_per_hour = 10
[channels]
chat = 0.5
voice = 0.5
[[intents]]
name = "billing"
share = 1.0
handle_time = {{ dist = "exponential", mean = "5m" }}
skill = "billing"
{pools}
"#
        );
        Scenario::parse(&text, Path::new("routing.toml")).unwrap()
    }

    #[test]
    fn voice_takes_a_free_agent_and_then_queues() {
        let s = scenario("[[agents]]\nname = \"a\"\ncount = 1\nskills = [\"billing\"]\n");
        let mut r = Router::new(&s, 0.0);
        assert_eq!(r.arrive(0.0, 1, Channel::Voice, 0, 0), Routed::Assigned(0));
        assert_eq!(r.arrive(1.0, 2, Channel::Voice, 0, 0), Routed::Queued);
        assert_eq!(r.arrive(2.0, 3, Channel::Chat, 0, 0), Routed::Queued);
        // Freed: takes the oldest (the voice call from t = 1).
        let next = r.release(10.0, 0, Channel::Voice);
        assert_eq!(next.len(), 1);
        assert_eq!((next[0].conversation, next[0].since), (2, 1.0));
        assert_eq!(r.queue_len(), 1);
    }

    #[test]
    fn chats_fill_up_to_concurrency_least_loaded_first() {
        let s = scenario(
            "[[agents]]\nname = \"a\"\ncount = 2\nchat_concurrency = 2\nskills = [\"billing\"]\n",
        );
        let mut r = Router::new(&s, 0.0);
        let got: Vec<_> = (0..5)
            .map(|i| r.arrive(0.0, i, Channel::Chat, 0, 0))
            .collect();
        assert_eq!(
            got,
            vec![
                Routed::Assigned(0),
                Routed::Assigned(1),
                Routed::Assigned(0),
                Routed::Assigned(1),
                Routed::Queued
            ]
        );
        // A voice call cannot go to an agent holding chats.
        assert_eq!(r.arrive(0.0, 9, Channel::Voice, 0, 0), Routed::Queued);
        // Agent 1 frees one chat: it takes the oldest queued chat (id 4, same
        // time as the voice call but a lower id), not the voice call.
        let next = r.release(5.0, 1, Channel::Chat);
        assert_eq!(
            next.iter().map(|a| a.conversation).collect::<Vec<_>>(),
            vec![4]
        );
    }

    #[test]
    fn abandoned_contacts_are_skipped() {
        let s = scenario("[[agents]]\nname = \"a\"\ncount = 1\nskills = [\"billing\"]\n");
        let mut r = Router::new(&s, 0.0);
        r.arrive(0.0, 1, Channel::Voice, 0, 0);
        r.arrive(1.0, 2, Channel::Voice, 0, 0);
        r.arrive(2.0, 3, Channel::Voice, 0, 0);
        assert!(r.abandon(0.0, 2));
        assert!(!r.abandon(0.0, 2), "abandoning twice is a no-op");
        assert!(
            !r.abandon(0.0, 1),
            "a connected contact cannot abandon the queue"
        );
        let next = r.release(3.0, 0, Channel::Voice);
        assert_eq!(next[0].conversation, 3);
        assert_eq!(r.queue_len(), 0);
    }

    #[test]
    fn priority_contacts_are_served_first_and_estimates_count_who_is_ahead() {
        let s = scenario("[[agents]]\nname = \"a\"\ncount = 2\nskills = [\"billing\"]\n");
        let mut r = Router::new(&s, 0.0);
        assert_eq!(r.estimate_wait(0.0, Channel::Voice, 0, 0, 300.0), 0.0);
        r.arrive(0.0, 1, Channel::Voice, 0, 0);
        r.arrive(0.0, 2, Channel::Voice, 0, 0);
        r.arrive(1.0, 3, Channel::Voice, 0, 0);
        // One ahead, two voice slots: (1 + 1) × 300 / 2.
        assert_eq!(r.estimate_wait(1.0, Channel::Voice, 0, 0, 300.0), 300.0);
        // A priority contact has nobody ahead of it.
        assert_eq!(r.estimate_wait(1.0, Channel::Voice, 0, 1, 300.0), 150.0);
        r.arrive(2.0, 4, Channel::Voice, 0, 1);
        let next = r.release(3.0, 0, Channel::Voice);
        assert_eq!(
            next[0].conversation, 4,
            "the later priority contact goes first"
        );
        let next = r.release(4.0, 1, Channel::Voice);
        assert_eq!(next[0].conversation, 3);
    }

    #[test]
    fn interval_series_average_queue_and_occupancy() {
        let mut s = scenario("[[agents]]\nname = \"a\"\ncount = 1\nskills = [\"billing\"]\n");
        s.interval = std::time::Duration::from_secs(100);
        let mut r = Router::new(&s, 0.0);
        r.arrive(0.0, 1, Channel::Voice, 0, 0); // agent busy 0..150
        r.arrive(50.0, 2, Channel::Voice, 0, 0); // waits 50..150
        r.release(150.0, 0, Channel::Voice); // takes 2, busy until 250
        r.release(250.0, 0, Channel::Voice);
        let series = r.interval_series(300.0);
        assert_eq!(series.mean_queue.len(), 3);
        assert!((series.mean_queue[0] - 0.5).abs() < 1e-12, "{series:?}");
        assert!((series.mean_queue[1] - 0.5).abs() < 1e-12);
        assert_eq!(series.mean_queue[2], 0.0);
        assert_eq!(series.occupancy[0], vec![1.0, 1.0, 0.5]);
    }

    #[test]
    fn chat_occupancy_counts_slots_and_voice_takes_the_whole_agent() {
        let s = scenario(
            "[[agents]]\nname = \"a\"\ncount = 2\nchat_concurrency = 3\nskills = [\"billing\"]\n",
        );
        let mut r = Router::new(&s, 0.0);
        // Agent 0 and 1 each get one chat for the whole 100 s: 2 of 6 slots.
        r.arrive(0.0, 1, Channel::Chat, 0, 0);
        r.arrive(0.0, 2, Channel::Chat, 0, 0);
        let occ = r.occupancy(100.0);
        assert!(
            (occ[0].occupancy.value - 2.0 / 6.0).abs() < 1e-12,
            "{occ:?}"
        );
        assert_eq!(occ[0].agents_engaged, 1.0, "both agents hold a chat");
        assert_eq!(occ[0].slots_per_agent, 3);
        // Then a voice call holds agent 0 (after its chat ends) entirely.
        r.release(100.0, 0, Channel::Chat);
        r.release(100.0, 1, Channel::Chat);
        r.arrive(100.0, 3, Channel::Voice, 0, 0);
        let occ = r.occupancy(200.0);
        // 200 slot-seconds of chat + 3 × 100 of voice over 6 × 200.
        assert!((occ[0].occupancy.value - 500.0 / 1200.0).abs() < 1e-12);
    }

    #[test]
    fn wait_estimate_counts_the_queues_the_serving_agents_also_drain() {
        // Pool a (2 agents) serves billing only; pool b (2 agents) serves
        // billing and other. Four voice calls hold everyone; then 2 billing
        // and 4 "other" calls wait.
        let s = scenario(
            "[[agents]]\nname = \"a\"\ncount = 2\nskills = [\"billing\"]\n\
             [[agents]]\nname = \"b\"\ncount = 2\nskills = [\"billing\", \"other\"]\n",
        );
        let mut r = Router::new(&s, 0.0);
        for id in 0..4 {
            r.arrive(0.0, id, Channel::Voice, 0, 0);
        }
        for id in 4..6 {
            assert_eq!(r.arrive(1.0, id, Channel::Voice, 0, 0), Routed::Queued);
        }
        for id in 6..10 {
            assert_eq!(r.arrive(1.0, id, Channel::Voice, 1, 0), Routed::Queued);
        }
        // A new billing call: 2 billing ahead (all 4 slots serve billing)
        // and 4 "other" ahead, which only pool b's 2 of... all 2 "other"
        // slots take, so all 4 count: (2 + 4 + 1) × 300 / 4 slots.
        let e = r.estimate_wait(2.0, Channel::Voice, 0, 0, 300.0);
        assert!((e - 7.0 * 300.0 / 4.0).abs() < 1e-9, "{e}");
        // A new "other" call: only pool b serves it; billing contacts are
        // shared with pool a, so half of them count: (2/2 + 4 + 1) × 300 / 2.
        let e = r.estimate_wait(2.0, Channel::Voice, 1, 0, 300.0);
        assert!((e - 6.0 * 300.0 / 2.0).abs() < 1e-9, "{e}");
    }

    #[test]
    fn wait_estimate_uses_the_observed_holding_time() {
        let s = scenario("[[agents]]\nname = \"a\"\ncount = 1\nskills = [\"billing\"]\n");
        let mut r = Router::new(&s, 0.0);
        r.arrive(0.0, 1, Channel::Voice, 0, 0);
        assert_eq!(r.mean_holding(50.0, Channel::Voice, 0), None);
        // Before any release: the fallback (one ahead-or-self × 300 s).
        assert_eq!(r.estimate_wait(50.0, Channel::Voice, 0, 0, 300.0), 300.0);
        r.arrive(10.0, 2, Channel::Voice, 0, 0);
        r.release(400.0, 0, Channel::Voice); // held 0..400 (handle + wrap-up)
        // Contact 2 now held since 400; at 400: 400 s held over 1 release.
        assert_eq!(r.mean_holding(400.0, Channel::Voice, 0), Some(400.0));
        assert_eq!(r.estimate_wait(400.0, Channel::Voice, 0, 0, 300.0), 400.0);
        assert_eq!(r.waiting_contacts(), vec![]);
        r.arrive(450.0, 3, Channel::Voice, 0, 0);
        assert_eq!(r.waiting_contacts(), vec![(3, Channel::Voice, 450.0)]);
    }

    #[test]
    fn overflow_goes_to_the_next_pool_in_order() {
        let s = scenario(
            "[[agents]]\nname = \"primary\"\ncount = 1\nskills = [\"billing\"]\n\
             [[agents]]\nname = \"overflow\"\ncount = 1\nskills = [\"billing\", \"other\"]\n",
        );
        let mut r = Router::new(&s, 0.0);
        assert_eq!(r.arrive(0.0, 1, Channel::Voice, 0, 0), Routed::Assigned(0));
        assert_eq!(r.arrive(0.0, 2, Channel::Voice, 0, 0), Routed::Assigned(1));
        assert_eq!(r.pool_of(1), 1);
    }

    #[test]
    fn the_centre_is_closed_only_when_nobody_is_on_shift() {
        let mut s = scenario("[[agents]]\nname = \"a\"\ncount = 1\nskills = [\"billing\"]\n");
        s.handoff.when_closed = WhenClosed::ClosedMessage;
        let mut r = Router::new(&s, 0.0);
        // On a break: contacts wait for the agent to come back.
        r.set_duty(0.0, 0, false, false);
        assert_eq!(r.arrive(1.0, 1, Channel::Voice, 0, 0), Routed::Queued);
        let back = r.set_duty(2.0, 0, true, false);
        assert_eq!(back.len(), 1);
        assert_eq!((back[0].conversation, back[0].since), (1, 1.0));
        // The shift ends while the agent holds the call: closed for new
        // contacts, and the call in hand is overtime until released.
        r.set_duty(3.0, 0, false, true);
        assert_eq!(r.arrive(4.0, 2, Channel::Voice, 0, 0), Routed::Closed);
        assert!(r.release(5.0, 0, Channel::Voice).is_empty());
        let occupancy = r.occupancy(6.0);
        assert!(
            (occupancy[0].overtime_seconds - 2.0).abs() < 1e-9,
            "{occupancy:?}"
        );
        // Present: 0–2 on a break and idle (not present), 2–5 on duty, then
        // finishing the call.
        assert!(
            (occupancy[0].staffed_seconds - 3.0).abs() < 1e-9,
            "{occupancy:?}"
        );
    }

    #[test]
    fn occupancy_integrates_busy_time_after_warm_up() {
        let s = scenario("[[agents]]\nname = \"a\"\ncount = 2\nskills = [\"billing\"]\n");
        let mut r = Router::new(&s, 100.0);
        r.arrive(0.0, 1, Channel::Voice, 0, 0); // busy 0..300, measured 100..300
        r.release(300.0, 0, Channel::Voice);
        let occ = r.occupancy(500.0);
        // 200 busy agent-seconds over 2 agents × 400 s.
        assert!((occ[0].occupancy.value - 0.25).abs() < 1e-12, "{occ:?}");
        assert!((occ[0].agents_engaged - 0.25).abs() < 1e-12);
        assert!((occ[0].staffed_seconds - 800.0).abs() < 1e-12);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            Arrive(bool),
            Abandon(u64),
            Release(usize),
            /// Agent goes on (true) or off duty; off duty with `hand_back`
            /// returns what it holds to the queue.
            Duty(usize, bool, bool),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                any::<bool>().prop_map(Op::Arrive),
                (0u64..60).prop_map(Op::Abandon),
                (0usize..8).prop_map(Op::Release),
                (0usize..5, any::<bool>(), any::<bool>())
                    .prop_map(|(a, on, back)| Op::Duty(a, on, back)),
            ]
        }

        proptest! {
            /// Whatever happens, a conversation is in one place at most, no
            /// agent exceeds its capacity, voice never shares an agent with
            /// chats, and nobody waits while an agent could take them.
            #[test]
            fn router_invariants(ops in prop::collection::vec(op(), 1..200)) {
                let s = scenario(
                    "[[agents]]\nname = \"a\"\ncount = 3\nchat_concurrency = 2\nskills = [\"billing\"]\n\
                     [[agents]]\nname = \"b\"\ncount = 2\nchannels = [\"voice\"]\nskills = [\"billing\"]\n",
                );
                let mut r = Router::new(&s, 0.0);
                let mut on_duty = [true; 5];
                // Where each conversation is: Some(agent) or None when waiting.
                let mut held: BTreeMap<ConversationId, (AgentId, Channel)> = BTreeMap::new();
                let mut waiting: BTreeMap<ConversationId, Channel> = BTreeMap::new();
                let mut next = 0u64;
                for (step, op) in ops.into_iter().enumerate() {
                    let now = step as f64;
                    match op {
                        Op::Arrive(voice) => {
                            let channel = if voice { Channel::Voice } else { Channel::Chat };
                            match r.arrive(now, next, channel, 0, 0) {
                                Routed::Assigned(agent) => { held.insert(next, (agent, channel)); }
                                Routed::Queued => { waiting.insert(next, channel); }
                                Routed::Closed => prop_assert!(false, "closed with when_closed = wait"),
                            }
                            next += 1;
                        }
                        Op::Abandon(id) => {
                            let removed = r.abandon(step as f64, id);
                            prop_assert_eq!(removed, waiting.remove(&id).is_some());
                        }
                        Op::Release(agent) => {
                            let Some((&id, &(_, channel))) = held.iter().find(|(_, (a, _))| *a == agent) else { continue };
                            held.remove(&id);
                            for a in r.release(now, agent, channel) {
                                prop_assert_eq!(a.agent, agent);
                                prop_assert_eq!(waiting.remove(&a.conversation), Some(a.channel), "assigned a conversation that was not waiting");
                                held.insert(a.conversation, (a.agent, a.channel));
                            }
                        }
                        Op::Duty(agent, on, back) => {
                            on_duty[agent] = on;
                            let mut assigned = r.set_duty(now, agent, on, back);
                            if !on && back {
                                let mine: Vec<(ConversationId, Channel)> = held.iter()
                                    .filter(|(_, (a, _))| *a == agent)
                                    .map(|(id, (_, c))| (*id, *c)).collect();
                                for (id, channel) in mine {
                                    held.remove(&id);
                                    waiting.insert(id, channel);
                                    assigned.extend(r.hand_back(now, agent, HandedBack {
                                        conversation: id, channel, skill: 0, priority: 0, since: now, bounced: false,
                                    }));
                                }
                            }
                            for a in assigned {
                                prop_assert!(on_duty[a.agent], "assigned to agent {} off duty", a.agent);
                                prop_assert_eq!(waiting.remove(&a.conversation), Some(a.channel));
                                held.insert(a.conversation, (a.agent, a.channel));
                            }
                        }
                    }
                    prop_assert_eq!(r.queue_len(), waiting.len());
                    prop_assert_eq!(r.held_contacts() as usize, held.len());
                    for agent in 0..r.agent_count() {
                        let mine: Vec<Channel> = held.values().filter(|(a, _)| *a == agent).map(|(_, c)| *c).collect();
                        let voice = mine.iter().filter(|c| **c == Channel::Voice).count();
                        let chats = mine.len() - voice;
                        prop_assert!(voice <= 1 && (voice == 0 || chats == 0), "agent {} holds {:?}", agent, mine);
                        let limit = if r.pool_of(agent) == 0 { 2 } else { 0 };
                        prop_assert!(chats <= limit, "agent {} holds {} chats", agent, chats);
                    }
                    // Work conservation: nobody waits while an agent on
                    // duty could take them.
                    for channel in waiting.values() {
                        for agent in (0..r.agent_count()).filter(|a| on_duty[*a]) {
                            let mine: Vec<Channel> = held.values().filter(|(a, _)| *a == agent).map(|(_, c)| *c).collect();
                            let could = match (r.pool_of(agent), channel) {
                                (_, Channel::Voice) => mine.is_empty(),
                                (0, Channel::Chat) => mine.len() < 2 && !mine.contains(&Channel::Voice),
                                _ => false,
                            };
                            prop_assert!(!could, "agent {} could take a waiting {:?}", agent, channel);
                        }
                    }
                }
            }
        }
    }
}

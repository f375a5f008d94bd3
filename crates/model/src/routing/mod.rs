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
use handoff_logic::Channel;

mod estimate;
mod measure;

pub use estimate::{EstimateInputs, WaitEstimates, WaitEstimator};
pub use measure::{IntervalSeries, PoolOccupancy, centre_occupancy};

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
    /// Agents' drop-offs mid-contact, and the contacts they returned.
    drop_offs: u64,
    returned_by_drop_off: u64,
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
    pub why: Returned,
    /// An accepted callback not reached yet: back to its callback lane.
    pub callback: bool,
}

/// Why an agent returns a contact to the head of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    /// Its shift ended mid-contact (`shift_end = "hand_back"`).
    ShiftEnd,
    /// Assigned in the instant the agent went off duty: returned
    /// unstarted, not counted.
    Bounced,
    /// The agent dropped off mid-contact (`drop_off_per_hour`).
    DropOff,
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
    /// Per queue, the wait of the last contact that left it for an agent
    /// (the last-to-enter-service quote).
    last_entered_wait: Vec<Option<f64>>,
    /// Accepted callbacks waiting for an agent, one lane per (skill,
    /// channel), oldest first; served before or after the callers.
    callback_lanes: Vec<VecDeque<Entry>>,
    callbacks_waiting: BTreeMap<ConversationId, usize>,
    callbacks_first: bool,
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
                drop_offs: 0,
                returned_by_drop_off: 0,
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
            last_entered_wait: vec![None; queues],
            callback_lanes: vec![VecDeque::new(); scenario.skills.len() * 2],
            callbacks_waiting: BTreeMap::new(),
            callbacks_first: scenario
                .callbacks
                .is_some_and(|c| c.served == crate::callbacks::Served::BeforeCallers),
        }
    }

    /// Contact slots one agent of `pool` gives `channel`.
    /// Adds `sign` × one agent of `pool`'s slots to every (skill, channel)
    /// the pool serves, in a per-(skill, channel) slot table.
    fn add_slots(slots: &mut [f64], pool: &PoolState, sign: f64) {
        for &skill in &pool.skills {
            for &channel in &pool.channels {
                slots[skill * 2 + channel.index()] += sign * Self::slots_per_agent(pool, channel);
            }
        }
    }

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
            // Already off duty (away after a drop-off) when its shift ends
            // or starts again: the shift boundary still moves, so the
            // closed message and overtime see it.
            if !on && a.after_shift != shift_end {
                let pool = &mut self.pools[a.pool];
                Self::integrate(pool, now, self.measure_from, self.interval);
                if a.load() > 0 {
                    if shift_end {
                        pool.overtime_agents += 1;
                    } else {
                        pool.overtime_agents -= 1;
                    }
                }
                a.after_shift = shift_end;
                let shift_sign = if shift_end { -1.0 } else { 1.0 };
                Self::add_slots(&mut self.shift_slots, pool, shift_sign);
            }
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
        Self::add_slots(&mut self.slots, pool, sign);
        Self::add_slots(&mut self.shift_slots, pool, shift_sign);
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
            why,
            callback,
        } = back;
        self.put_back(now, agent, channel);
        let pool = &mut self.pools[self.agents[agent].pool];
        pool.releases_by_channel[channel.index()] -= 1;
        match why {
            Returned::ShiftEnd => pool.handed_back += 1,
            Returned::DropOff => pool.returned_by_drop_off += 1,
            Returned::Bounced => {}
        }
        if let Some(to) = self.free_agent(channel, skill) {
            self.take(now, to, channel);
            return Some(Assignment {
                conversation,
                agent: to,
                channel,
                since,
            });
        }
        if callback {
            let lane = skill * 2 + channel.index();
            self.callback_lanes[lane].push_front(Entry {
                conversation,
                since,
            });
            self.callbacks_waiting.insert(conversation, lane);
            return None;
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

    /// `agent` dropped off (a lost connection, a crashed desktop): counted
    /// for its pool. The caller takes it off duty and returns its contacts
    /// ([`Router::hand_back`] with [`Returned::DropOff`]).
    pub fn dropped_off(&mut self, agent: AgentId) {
        self.pools[self.agents[agent].pool].drop_offs += 1;
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

    /// Callers waiting now in the queues of `skill` and `channel` (every
    /// priority), for the callback offer.
    pub fn callers_waiting(&self, channel: Channel, skill: SkillId) -> usize {
        (0..PRIORITIES as u8)
            .map(|p| self.live[queue_index(skill, channel, p)])
            .sum()
    }

    /// A waiting caller accepted a callback: it leaves its queue for the
    /// callback lane, keeping its place in time. `false` if it was not
    /// waiting (already connected or gone).
    pub fn to_callback(&mut self, now: f64, conversation: ConversationId) -> bool {
        let Some(q) = self.waiting.remove(&conversation) else {
            return false;
        };
        self.queue_will_change(now);
        self.live[q] -= 1;
        self.handed_back.remove(&conversation);
        let lane = q / PRIORITIES;
        self.callback_lanes[lane].push_back(Entry {
            conversation,
            since: now,
        });
        self.callbacks_waiting.insert(conversation, lane);
        true
    }

    /// A callback to try (again): to a free agent now, or to its lane.
    pub fn callback(
        &mut self,
        now: f64,
        conversation: ConversationId,
        channel: Channel,
        skill: SkillId,
    ) -> Option<AgentId> {
        if let Some(agent) = self.free_agent(channel, skill) {
            self.take(now, agent, channel);
            return Some(agent);
        }
        let lane = skill * 2 + channel.index();
        self.callback_lanes[lane].push_back(Entry {
            conversation,
            since: now,
        });
        self.callbacks_waiting.insert(conversation, lane);
        None
    }

    /// Callbacks waiting for an agent now.
    pub fn callbacks_pending(&self) -> usize {
        self.callbacks_waiting.len()
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

    /// `agent`'s slot is free again after work that was not a completed
    /// contact (a callback attempt nobody answered): as
    /// [`Router::release`], but not counted in the mean holding time.
    pub fn release_unfinished(
        &mut self,
        now: f64,
        agent: AgentId,
        channel: Channel,
    ) -> Vec<Assignment> {
        self.put_back(now, agent, channel);
        self.pools[self.agents[agent].pool].releases_by_channel[channel.index()] -= 1;
        self.fill(now, agent)
    }

    /// The queued contacts `agent` takes now, oldest first, as far as its
    /// capacity allows (none when it is off duty).
    fn fill(&mut self, now: f64, agent: AgentId) -> Vec<Assignment> {
        let mut assigned = Vec::new();
        if !self.agents[agent].on_duty {
            return assigned;
        }
        loop {
            let caller = self.oldest_for(agent);
            let callback = self.oldest_callback_for(agent);
            let take_callback = match (caller, callback) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(_), Some(_)) => self.callbacks_first,
            };
            let (entry, channel) = if take_callback {
                let (lane, entry) = callback.expect("checked");
                self.callback_lanes[lane].pop_front();
                self.callbacks_waiting.remove(&entry.conversation);
                // Lanes are indexed skill × 2 + channel, like `slots`.
                let channel = if lane % 2 == Channel::Voice.index() {
                    Channel::Voice
                } else {
                    Channel::Chat
                };
                (entry, channel)
            } else {
                let Some((q, entry)) = caller else { break };
                self.queue_will_change(now);
                self.queues[q].pop_front();
                self.waiting.remove(&entry.conversation);
                self.handed_back.remove(&entry.conversation);
                self.live[q] -= 1;
                self.last_entered_wait[q] = Some(now - entry.since);
                (entry, queue_channel(q))
            };
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

    /// Whether `agent` could take one more contact of `channel` now: voice
    /// only when it holds nothing, chat up to its pool's concurrency and
    /// never beside a call.
    fn has_room(&self, agent: AgentId, channel: Channel) -> bool {
        let a = &self.agents[agent];
        match channel {
            Channel::Voice => a.load() == 0,
            Channel::Chat => !a.on_voice && a.chats < self.pools[a.pool].chat_concurrency,
        }
    }

    /// The oldest callback this agent may take now: (lane, entry).
    fn oldest_callback_for(&self, agent: AgentId) -> Option<(usize, Entry)> {
        if self.callbacks_waiting.is_empty() {
            return None;
        }
        let pool = &self.pools[self.agents[agent].pool];
        let mut best: Option<(usize, Entry)> = None;
        for &skill in &pool.skills {
            for &channel in &pool.channels {
                let allowed = self.has_room(agent, channel);
                let lane = skill * 2 + channel.index();
                if let (true, Some(&head)) = (allowed, self.callback_lanes[lane].front())
                    && best.is_none_or(|(_, b)| {
                        (head.since, head.conversation) < (b.since, b.conversation)
                    })
                {
                    best = Some((lane, head));
                }
            }
        }
        best
    }

    /// The oldest live queue head this agent may take now.
    fn oldest_for(&mut self, agent: AgentId) -> Option<(usize, Entry)> {
        let pool = &self.pools[self.agents[agent].pool];
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
                if !self.has_room(agent, channel) {
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
}

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::customer::ConversationId;
use crate::scenario::{Scenario, WhenClosed};
use handoff_logic::Channel;

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
fn a_shift_that_ends_while_the_agent_is_away_still_closes_the_centre() {
    let mut s = scenario("[[agents]]\nname = \"a\"\ncount = 1\nskills = [\"billing\"]\n");
    s.handoff.when_closed = WhenClosed::ClosedMessage;
    let mut r = Router::new(&s, 0.0);
    // Dropped off: off duty but on shift, so contacts wait.
    r.dropped_off(0);
    r.set_duty(0.0, 0, false, false);
    assert_eq!(r.arrive(1.0, 1, Channel::Voice, 0, 0), Routed::Queued);
    assert!(r.close_empty_queues(1.5).is_empty());
    // Its shift ends while it is away: nobody is on shift any more.
    r.set_duty(2.0, 0, false, true);
    assert_eq!(r.close_empty_queues(2.0), vec![1]);
    assert_eq!(r.arrive(3.0, 2, Channel::Voice, 0, 0), Routed::Closed);
    // The next shift starts while it is still away: open again, waiting.
    r.set_duty(4.0, 0, false, false);
    assert_eq!(r.arrive(5.0, 3, Channel::Voice, 0, 0), Routed::Queued);
    let back = r.set_duty(6.0, 0, true, false);
    assert_eq!(
        back.iter().map(|a| a.conversation).collect::<Vec<_>>(),
        vec![3]
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
                                    conversation: id, channel, skill: 0, priority: 0, since: now, why: Returned::ShiftEnd, callback: false,
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

use crate::scenario::Scenario;
use handoff_logic::Channel;
use handoff_logic::handoff::TransferMode;
use handoff_logic::triggers::TriggerKind;

use super::{record::*, recorder::*, summarise::*};
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
        incidents: Vec::new(),
        incident_processes: Vec::new(),
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
        how: if abandoned {
            QueueLeft::Abandoned
        } else {
            QueueLeft::Answered
        },
        estimated_wait: None,
        wait_estimates: None,
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

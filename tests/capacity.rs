//! Capacity planning in the engine: shifts and gaps, shift ends in both
//! modes, closed intervals, absence, concurrency stretch, proficiency and
//! agent selection. Each test states the direction it expects and asserts
//! numbers.

mod common;

use handoff_sim::sim;
use proptest::prelude::*;

/// One voice queue, AI off, 1 h intervals; `staffing` replaces the pool's
/// `count` (e.g. `[[agents.shifts]]` tables after `pool_extra`).
fn centre(rate_per_hour: f64, aht: &str, patience: &str, handoff: &str, pool: &str) -> String {
    format!(
        r#"
[simulation]
name = "capacity"
seed = 11
duration = "1d"
interval = "1h"
service_level_threshold = "20s"
[arrivals]
rate_per_hour = {rate_per_hour}
[channels]
chat = 0.0
voice = 1.0
[[intents]]
name = "any"
share = 1.0
handle_time = {{ dist = "exponential", mean = "{aht}" }}
skill = "s"
[customers]
patience = {patience}
repeat_probability = 0.0
[ai_agent]
enabled = false
{handoff}
[[agents]]
name = "pool"
skills = ["s"]
{pool}
"#
    )
}

fn service_levels(run: &sim::RunOutput) -> Vec<Option<f64>> {
    run.data
        .intervals
        .iter()
        .map(|i| i.channels[1].service_level)
        .collect()
}

#[test]
fn a_gap_between_shifts_raises_the_waits_in_exactly_those_hours() {
    // 60 calls an hour of 5 minutes (5 Erlang) and 12 agents, except from
    // 10:00 to 12:00, when nobody is on duty. Patience 5 minutes, so the
    // backlog at 12:00 is short and clears at once.
    let text = centre(
        60.0,
        "5m",
        r#"{ dist = "exponential", mean = "5m" }"#,
        "",
        r#"
[[agents.shifts]]
start = "00:00"
end = "10:00"
count = 12
[[agents.shifts]]
start = "12:00"
end = "24:00"
count = 12
"#,
    );
    let run = sim::run(&common::scenario(&text), 0).unwrap();
    let levels = service_levels(&run);
    assert_eq!(levels.len(), 24);
    for (hour, level) in levels.iter().enumerate() {
        let level = level.expect("every hour has calls");
        if hour == 10 || hour == 11 {
            assert!(level < 0.05, "hour {hour}: nobody on duty, SL {level}");
        } else {
            assert!(
                level > 0.9,
                "hour {hour}: 12 agents for 5 Erlang, SL {level}"
            );
        }
    }
    let mean_queue: Vec<f64> = run.data.intervals.iter().map(|i| i.mean_queue).collect();
    assert!(
        mean_queue[10] > 2.0 && mean_queue[11] > 2.0,
        "{mean_queue:?}"
    );
    assert!(
        mean_queue[9] < 0.5 && mean_queue[13] < 0.5,
        "{mean_queue:?}"
    );
    // Staffed time is 22 h × 12 agents (plus minutes of overtime at 10:00).
    let pool = &run.summary.pools[0];
    let on_duty = pool.staffed_hours - pool.overtime_hours;
    assert!((on_duty - 264.0).abs() < 1e-6, "{pool:?}");
    assert!(pool.overtime_hours > 0.0 && pool.overtime_hours < 12.0 * 0.5);
}

#[test]
fn an_hour_with_nobody_on_duty_runs_and_the_closed_message_turns_contacts_away() {
    let shifts = r#"
[[agents.shifts]]
start = "08:00"
end = "16:00"
count = 10
"#;
    let patience = r#"{ dist = "exponential", mean = "10m" }"#;
    // Waiting: contacts outside opening hours wait and mostly abandon.
    let waiting = sim::run(
        &common::scenario(&centre(40.0, "5m", patience, "", shifts)),
        0,
    )
    .unwrap();
    let c = waiting.summary.conversations;
    assert_eq!(c.closed, 0);
    assert!(c.abandoned_in_queue > 300, "{c:?}");
    // The closed message: every contact outside 08:00–16:00 leaves at once
    // (about 16 h × 40 = 640 of them), none inside.
    let closed = sim::run(
        &common::scenario(&centre(
            40.0,
            "5m",
            patience,
            "[handoff]\nwhen_closed = \"closed_message\"",
            shifts,
        )),
        0,
    )
    .unwrap();
    let c = closed.summary.conversations;
    assert!((540..=740).contains(&c.closed), "{c:?}");
    let q = &closed.summary.measured.human_queue;
    assert_eq!(q.offered, q.answered + q.abandoned + q.still_waiting);
    assert_eq!(q.offered + c.closed, closed.summary.measured.arrivals);
    for (hour, row) in closed.data.intervals.iter().enumerate() {
        let offered = row.channels[1].offered;
        if (8..16).contains(&hour) {
            assert!(offered > 20, "hour {hour}: {offered}");
        } else {
            assert_eq!(offered, 0, "hour {hour}: closed, yet offered");
        }
    }
}

#[test]
fn absence_lowers_the_agents_present_by_its_share() {
    // 50 agents, 08:00–16:00 every day for 10 days, 8 % absence: the
    // on-duty hours are 92 % of the schedule within the binomial interval
    // of 500 agent-days.
    let text = centre(
        20.0,
        "3m",
        r#"{ dist = "exponential", mean = "10m" }"#,
        "",
        r#"
absence = 0.08
[[agents.shifts]]
start = "08:00"
end = "16:00"
count = 50
"#,
    )
    .replace("duration = \"1d\"", "duration = \"10d\"");
    let run = sim::run(&common::scenario(&text), 0).unwrap();
    let pool = &run.summary.pools[0];
    let scheduled = 50.0 * 8.0 * 10.0;
    let absent = 1.0 - (pool.staffed_hours - pool.overtime_hours) / scheduled;
    let se = (0.08_f64 * 0.92 / 500.0).sqrt();
    eprintln!("absent share {absent:.4} (se {se:.4})");
    assert!((absent - 0.08).abs() < 3.0 * se, "absent share {absent}");
}

#[test]
fn concurrency_stretch_raises_chat_handle_time_as_the_formula_says() {
    // An overloaded chat pool keeps three chats in hand: the first, second
    // and third chat an agent takes run 1, 1.15 and 1.3 × the base time,
    // and in steady state each new chat joins two others (× 1.3).
    let text = |stretch: f64| {
        centre(
            900.0,
            "4m",
            r#"{ dist = "constant", value = "1h" }"#,
            "",
            &format!("count = 10\nchat_concurrency = 3\nconcurrency_stretch = {stretch}"),
        )
        .replace("chat = 0.0\nvoice = 1.0", "chat = 1.0\nvoice = 0.0")
        .replace("duration = \"1d\"", "duration = \"8h\"\nwarm_up = \"1h\"")
    };
    let aht = |stretch: f64| {
        let run = sim::run(&common::scenario(&text(stretch)), 0).unwrap();
        run.summary.measured.human_queue.aht_s.value
    };
    let (base, stretched) = (aht(0.0), aht(0.15));
    let ratio = stretched / base;
    eprintln!("AHT {base:.1} s → {stretched:.1} s, ratio {ratio:.3}");
    assert!((ratio - 1.3).abs() < 0.05, "ratio {ratio}");
}

#[test]
fn proficiency_and_selection_steer_contacts() {
    // Two pools serve the same skill; the second is listed last but is the
    // more proficient (1.5: handle time ÷ 1.5). With `most_proficient` it
    // takes the contacts first, and the AHT falls.
    let two_pools = |select: &str| {
        let text = centre(
            30.0,
            "6m",
            r#"{ dist = "exponential", mean = "10m" }"#,
            &format!("[routing]\nselect = \"{select}\""),
            "count = 5",
        ) + "\n[[agents]]\nname = \"experts\"\nskills = [\"s\"]\ncount = 5\nproficiency = { s = 1.5 }\n";
        sim::run(&common::scenario(&text), 0).unwrap().summary
    };
    let order = two_pools("pool_order");
    let proficient = two_pools("most_proficient");
    let idle = two_pools("longest_idle");
    let hours = |s: &handoff_sim::metrics::Summary, p: usize| s.pools[p].occupancy.value;
    eprintln!(
        "occupancy pool_order {:.3}/{:.3}, most_proficient {:.3}/{:.3}, longest_idle {:.3}/{:.3}",
        hours(&order, 0),
        hours(&order, 1),
        hours(&proficient, 0),
        hours(&proficient, 1),
        hours(&idle, 0),
        hours(&idle, 1)
    );
    assert!(hours(&order, 0) > hours(&order, 1) * 1.5);
    assert!(hours(&proficient, 1) > hours(&proficient, 0));
    let aht = |s: &handoff_sim::metrics::Summary| s.measured.human_queue.aht_s.value;
    assert!(
        aht(&proficient) < aht(&order) * 0.9,
        "{} vs {}",
        aht(&proficient),
        aht(&order)
    );
    // Longest idle spreads the work: the two pools' occupancies are closer
    // than under pool order.
    let spread = |s: &handoff_sim::metrics::Summary| (hours(s, 0) - hours(s, 1)).abs();
    assert!(spread(&idle) < spread(&order) / 2.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Whatever the shift plan, in either shift-end mode, with or without
    /// the closed message, absence and off-phone time, no conversation
    /// is lost: arrivals = outcomes + in progress (checked inside `run`),
    /// offered = answered + abandoned + still waiting, and at the end every
    /// contact is waiting, with an agent, or finished.
    #[test]
    fn no_conversation_is_lost_at_a_shift_end(
        shifts in prop::collection::vec((0u32..24, 1u32..12, 1u32..4, prop::option::of(1u32..6)), 1..4),
        hand_back in any::<bool>(),
        chat in any::<bool>(),
        closed in any::<bool>(),
        shrinkage in any::<bool>(),
    ) {
        let mut pool = format!(
            "chat_concurrency = 2\nshift_end = \"{}\"\n{}",
            if hand_back { "hand_back" } else { "finish_contact" },
            if shrinkage { "absence = 0.2\nunplanned_off_phone = \"10m\"\n" } else { "" }
        );
        for (start, hours, count, break_after) in &shifts {
            let end = start + hours;
            pool += &format!(
                "[[agents.shifts]]\nstart = \"{:02}:00\"\nend = \"{:02}:00\"\ncount = {count}\n{}",
                start,
                end % 24,
                if end > 24 { "overnight = true\n" } else { "" }
            );
            if let Some(after) = break_after.filter(|a| a < hours) {
                pool += &format!("breaks = [{{ at = \"{:02}:00\", length = \"30m\" }}]\n", (start + after) % 24);
            }
        }
        let mut text = centre(
            25.0,
            "20m",
            r#"{ dist = "exponential", mean = "30m" }"#,
            if closed { "[handoff]\nwhen_closed = \"closed_message\"" } else { "" },
            &pool,
        );
        if chat {
            text = text.replace("chat = 0.0\nvoice = 1.0", "chat = 0.5\nvoice = 0.5");
        }
        let run = sim::run(&common::scenario(&text), 0).unwrap();
        let c = run.summary.conversations;
        prop_assert!(c.holds());
        let q = &run.summary.measured.human_queue;
        prop_assert_eq!(q.offered, q.answered + q.abandoned + q.still_waiting);
        prop_assert_eq!(q.offered + c.closed, run.summary.measured.arrivals);
        let p = &run.summary.pools[0];
        prop_assert!(p.overtime_hours <= p.staffed_hours + 1e-9);
        prop_assert!(p.occupancy.value <= 1.0 + 1e-9, "{:?}", p);
        if !closed {
            prop_assert_eq!(c.closed, 0);
        }
        // In progress at the end: waiting, with an agent, or just ended.
        prop_assert!(c.in_progress >= run.waiting_at_end as u64);
        if !hand_back {
            prop_assert_eq!(run.summary.pools[0].handed_back, 0);
        }
    }
}

#[test]
fn hand_back_returns_contacts_to_the_queue_and_finish_contact_works_overtime() {
    // Long calls and shifts that end while agents are busy.
    let text = |mode: &str| {
        centre(
            30.0,
            "30m",
            r#"{ dist = "exponential", mean = "2h" }"#,
            "",
            &format!(
                "shift_end = \"{mode}\"\n[[agents.shifts]]\nstart = \"00:00\"\nend = \"12:00\"\ncount = 10\n[[agents.shifts]]\nstart = \"12:00\"\nend = \"24:00\"\ncount = 12\n"
            ),
        )
    };
    let finish = sim::run(&common::scenario(&text("finish_contact")), 0).unwrap();
    let back = sim::run(&common::scenario(&text("hand_back")), 0).unwrap();
    let (f, b) = (&finish.summary.pools[0], &back.summary.pools[0]);
    eprintln!(
        "finish: overtime {:.2} h; hand back: {} contacts, overtime {:.2} h",
        f.overtime_hours, b.handed_back, b.overtime_hours
    );
    assert_eq!(f.handed_back, 0);
    assert!(f.overtime_hours > 1.0, "{f:?}");
    assert!(b.handed_back >= 5, "{b:?}");
    // Handed-back calls are not finished by the leaving agent (only those
    // in wrap-up are, and this pool has none).
    assert!(b.overtime_hours < 1e-9, "{b:?}");
    // Every handed-back contact was answered once and is counted once.
    let q = &back.summary.measured.human_queue;
    assert_eq!(q.offered, q.answered + q.abandoned + q.still_waiting);
}

#[test]
fn a_common_shift_end_under_hand_back_leaves_no_overtime_and_no_one_stranded() {
    // Four chat agents (three chats each) whose shift ends at 09:00 for
    // all of them; the line is closed afterwards. Whatever the order in
    // which the agents' hand-backs and duty changes reach the router, no
    // agent works past 09:00, every contact in hand goes back, and the
    // contacts left waiting hear the closed message.
    for seed in 1..=6 {
        let text = format!(
            r#"
[simulation]
name = "common_end"
seed = {seed}
start = "2026-03-02T08:00"
duration = "2h"
interval = "30m"
[arrivals]
rate_per_hour = 60
[channels]
chat = 1.0
voice = 0.0
[[intents]]
name = "billing"
share = 1.0
handle_time = {{ dist = "exponential", mean = "8m" }}
skill = "s"
[ai_agent]
enabled = false
[handoff]
when_closed = "closed_message"
[[agents]]
name = "a"
skills = ["s"]
channels = ["chat"]
chat_concurrency = 3
shift_end = "hand_back"
[[agents.shifts]]
start = "08:00"
end = "09:00"
count = 4
"#
        );
        let run = sim::run(&common::scenario(&text), 0).unwrap();
        let pool = &run.summary.pools[0];
        let c = run.summary.conversations;
        assert_eq!(pool.overtime_hours, 0.0, "seed {seed}: {pool:?}");
        assert!(pool.handed_back > 0, "seed {seed}: {pool:?}");
        assert_eq!(c.in_progress, 0, "seed {seed}: {c:?}");
        assert!(c.closed > 30, "seed {seed}: {c:?}");
        // Staffed exactly the hour of the shift: 4 agent-hours.
        assert!(
            (pool.staffed_hours - 4.0).abs() < 1e-9,
            "seed {seed}: {pool:?}"
        );
    }
}

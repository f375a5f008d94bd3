//! AI incidents end to end: an outage sends everyone to the humans inside
//! its window and not outside; a slow bot grows voice dead air; a
//! miscalibrated one escalates on low confidence; incidents drawn from a
//! process differ by replication and lose nothing.

mod common;

use handoff_sim::Scenario;
use handoff_sim::sim::run;
use serde_json::Value;

/// The bot on, 240 conversations an hour (the bot resolves about half, so
/// about 6 Erlang reach 9 agents; AHT 3 min), one day after a 2-hour
/// warm-up; `channel` is "chat" or "voice"; `extra` goes after the
/// `[ai_agent]` table (incidents), `tail` at the end (`[voice]`).
fn centre(channel: &str, extra: &str, tail: &str) -> Scenario {
    let (chat, voice) = if channel == "chat" {
        (1.0, 0.0)
    } else {
        (0.0, 1.0)
    };
    common::scenario(&format!(
        r#"
[simulation]
name = "incidents"
seed = 43
duration = "26h"
warm_up = "2h"
interval = "1h"
[arrivals]
rate_per_hour = 240
[channels]
chat = {chat}
voice = {voice}
[[intents]]
name = "billing"
share = 1.0
ai_resolve_probability = 0.5
handle_time = {{ dist = "exponential", mean = "3m" }}
skill = "general"
[customers]
patience = {{ dist = "exponential", mean = "5m" }}
request_human_probability = 0.2
repeat_probability = 0.0
[triggers]
confidence_threshold = 0.3
[ai_agent]
enabled = true
max_turns = 4
response_time = {{ dist = "lognormal", median = "2s", p95 = "5s" }}
{extra}
[[agents]]
name = "general"
count = 9
skills = ["general"]
chat_concurrency = 1
{tail}
"#
    ))
}

fn summary(scenario: &Scenario) -> Value {
    let output = run(scenario, 0).unwrap();
    assert!(
        output.summary.conversations.holds(),
        "{:?}",
        output.summary.conversations
    );
    serde_json::to_value(&output.summary).unwrap()
}

fn value(v: &Value) -> f64 {
    v["value"].as_f64().unwrap()
}

const OUTAGE: &str =
    "[[ai_agent.incidents]]\nstart = \"10h\"\nlength = \"75m\"\neffect = \"outage\"\n";

#[test]
fn an_outage_raises_handoffs_and_queue_waits_inside_its_window_and_not_outside() {
    let calm = summary(&centre("chat", "", ""));
    let outage = summary(&centre("chat", OUTAGE, ""));
    let incidents = &outage["incidents"];
    assert_eq!(incidents["windows"].as_array().unwrap().len(), 1);
    assert_eq!(incidents["windows"][0]["effect"], "outage");
    let (inside, outside) = (&incidents["inside"], &incidents["outside"]);
    assert!((inside["hours"].as_f64().unwrap() - 1.25).abs() < 1e-9);
    let calm_rate = value(&calm["measured"]["bot"]["handoff_rate"]);
    let calm_asa = value(&calm["measured"]["human_queue"]["asa_s"]);
    eprintln!(
        "handoff rate inside {:.3}, outside {:.3}, calm {calm_rate:.3}; ASA inside {:.1} s, outside {:.1} s, calm {calm_asa:.1} s",
        value(&inside["handoff_rate"]),
        value(&outside["handoff_rate"]),
        value(&inside["asa_s"]),
        value(&outside["asa_s"]),
    );
    // Inside: everyone who arrives goes to a human (ai_outage).
    assert!(value(&inside["handoff_rate"]) > 0.97, "{inside}");
    assert!(inside["bot_conversations"].as_u64().unwrap() > 250);
    let by_reason = &outage["measured"]["bot"]["handoffs_by_reason"];
    assert!(
        by_reason["ai_outage"].as_u64().unwrap() > 250,
        "{by_reason}"
    );
    // Outside: the customers of the calm run, decided the same way.
    assert!((value(&outside["handoff_rate"]) - calm_rate).abs() < 0.01);
    // The queue: twice the load for 75 minutes.
    assert!(
        value(&inside["asa_s"]) > 5.0 * calm_asa.max(1.0),
        "{inside}"
    );
    assert!(value(&inside["abandonment_rate"]) > value(&outside["abandonment_rate"]) + 0.1);
    // Outside the window the waits stay near the calm run's (the backlog
    // clears within minutes of the outage's end).
    assert!(value(&outside["asa_s"]) < 2.0 * calm_asa + 5.0, "{outside}");
}

#[test]
fn a_slow_bot_grows_voice_dead_air_and_a_miscalibrated_one_escalates_on_low_confidence() {
    let silence = "[voice]\non_hold = \"silence\"\n";
    let calm = summary(&centre("voice", "", silence));
    let slow = summary(&centre(
        "voice",
        "[[ai_agent.incidents]]\nstart = \"2h\"\nlength = \"24h\"\neffect = \"slow\"\nslow_factor = 3.0\n",
        silence,
    ));
    let dead = |s: &Value| value(&s["measured"]["voice"]["dead_air_per_call_s"]);
    let hung = |s: &Value| value(&s["measured"]["voice"]["hung_up_on_dead_air"]);
    eprintln!(
        "dead air {:.1} → {:.1} s, hung up {:.3} → {:.3}",
        dead(&calm),
        dead(&slow),
        hung(&calm),
        hung(&slow)
    );
    // Measured 7.3 → 10.7 s of dead air per call and 2.1 % → 52.7 % hung
    // up: the growth in dead air is held back because a caller who hangs
    // up hears no more than `line_dead_after` (9 s) on that turn.
    assert!(dead(&slow) > 1.3 * dead(&calm));
    assert!(hung(&slow) > 2.0 * hung(&calm));
    let low = |s: &Value| {
        s["measured"]["bot"]["handoffs_by_reason"]["low_confidence"]
            .as_u64()
            .unwrap_or(0)
    };
    let chat_calm = summary(&centre("chat", "", ""));
    let shifted = summary(&centre(
        "chat",
        "[[ai_agent.incidents]]\nstart = \"2h\"\nlength = \"24h\"\neffect = \"miscalibrated\"\nconfidence_shift = -0.3\n",
        "",
    ));
    eprintln!(
        "low-confidence escalations {} → {}",
        low(&chat_calm),
        low(&shifted)
    );
    assert!(low(&shifted) > 2 * low(&chat_calm).max(1));
}

#[test]
fn drawn_incidents_differ_by_replication_fit_the_horizon_and_lose_nothing() {
    let process = "[[ai_agent.incident_processes]]\neffect = \"outage\"\nrate_per_day = 4.0\nlength = { dist = \"lognormal\", median = \"30m\", p95 = \"2h\" }\n";
    let scenario = centre("chat", process, "");
    let windows = |replication| {
        let output = run(&scenario, replication).unwrap();
        assert!(output.summary.conversations.holds());
        let s = serde_json::to_value(&output.summary).unwrap();
        s["incidents"]["windows"].as_array().unwrap().clone()
    };
    let (a, b) = (windows(0), windows(1));
    assert_ne!(a, b);
    for w in a.iter().chain(&b) {
        assert_eq!(w["drawn"], true);
        let end = w["start_s"].as_f64().unwrap() + w["length_s"].as_f64().unwrap();
        assert!(end <= 26.0 * 3600.0 + 1e-6, "{w}");
    }
    assert_eq!(a, windows(0));
}

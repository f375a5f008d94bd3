//! Every kind of bad scenario gets a message naming the file, the key, the
//! line where known and what is allowed; the binary exits with code 2 and
//! writes nothing.

use std::path::Path;
use std::process::Command;

const GOOD: &str = r#"[simulation]
name = "err"
duration = "1h"

[arrivals]
rate_per_hour = 100

[channels]
chat = 0.5
voice = 0.5

[[intents]]
name = "a"
share = 0.5
handle_time = { dist = "exponential", mean = "4m" }
skill = "general"

[[intents]]
name = "b"
share = 0.5
handle_time = { dist = "exponential", mean = "4m" }
skill = "general"

[[agents]]
name = "pool"
count = 10
skills = ["general"]
"#;

struct Failure {
    code: Option<i32>,
    stderr: String,
    wrote_anything: bool,
}

fn run_with(text: &str) -> Failure {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    Failure {
        code: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        wrote_anything: out.exists(),
    }
}

/// Replaces the first occurrence of `from` in the good scenario.
fn mutate(from: &str, to: &str) -> String {
    assert!(
        GOOD.contains(from),
        "test bug: `{from}` not in the base scenario"
    );
    GOOD.replacen(from, to, 1)
}

/// Asserts exit code 2, nothing written, and every `needle` in the message.
fn expect_error(text: &str, needles: &[&str]) {
    let failure = run_with(text);
    assert_eq!(failure.code, Some(2), "stderr: {}", failure.stderr);
    assert!(!failure.wrote_anything, "a failed run wrote output");
    assert!(
        failure.stderr.contains("bad.toml"),
        "no file name in: {}",
        failure.stderr
    );
    for needle in needles {
        assert!(
            failure.stderr.contains(needle),
            "`{needle}` missing from: {}",
            failure.stderr
        );
    }
}

#[test]
fn the_base_scenario_is_valid() {
    let scenario = handoff_sim::Scenario::parse(GOOD, Path::new("good.toml"));
    assert!(scenario.is_ok(), "{scenario:?}");
}

#[test]
fn unknown_key() {
    expect_error(
        &mutate("duration = \"1h\"", "duration = \"1h\"\nspeed = 3"),
        &[
            "bad.toml:4",
            "`simulation.speed`",
            "unknown field `speed`",
            "expected one of",
        ],
    );
}

#[test]
fn unknown_key_in_a_distribution() {
    expect_error(
        &mutate("mean = \"4m\" }", "mean = \"4m\", sd = \"1m\" }"),
        &["`intents[0].handle_time`", "unknown field `sd`"],
    );
}

#[test]
fn wrong_type() {
    expect_error(
        &mutate("rate_per_hour = 100", "rate_per_hour = \"fast\""),
        &["bad.toml:6", "`arrivals.rate_per_hour`", "invalid type"],
    );
}

#[test]
fn bad_duration_string() {
    expect_error(
        &mutate("duration = \"1h\"", "duration = \"an hour\""),
        &[
            "bad.toml:3",
            "`simulation.duration`",
            "not a duration",
            "\"90s\"",
        ],
    );
}

#[test]
fn zero_and_negative_rates() {
    for rate in ["0", "-5"] {
        expect_error(
            &mutate("rate_per_hour = 100", &format!("rate_per_hour = {rate}")),
            &[
                "bad.toml:6",
                "`arrivals.rate_per_hour`",
                "must be a number > 0",
            ],
        );
    }
}

#[test]
fn zero_mean_handle_time() {
    expect_error(
        &mutate("mean = \"4m\"", "mean = \"0s\""),
        &["bad.toml:15", "`intents[0].handle_time`", "greater than 0s"],
    );
}

#[test]
fn intent_shares_not_summing_to_one() {
    expect_error(
        &mutate("share = 0.5", "share = 0.6"),
        &["`intents`", "must sum to 1", "1.1"],
    );
}

#[test]
fn channel_shares_not_summing_to_one() {
    expect_error(
        &mutate("voice = 0.5", "voice = 0.3"),
        &["bad.toml:8", "`channels`", "must sum to 1"],
    );
}

#[test]
fn a_skill_no_pool_has() {
    expect_error(
        &mutate("skill = \"general\"", "skill = \"legal\""),
        &[
            "bad.toml:16",
            "`intents[0].skill`",
            "no [[agents]] pool has skill `legal`",
            "general",
        ],
    );
}

#[test]
fn zero_agents_with_arrivals() {
    expect_error(
        &mutate("count = 10", "count = 0"),
        &["`agents`", "at least one agent is required"],
    );
}

#[test]
fn too_many_expected_arrivals() {
    expect_error(
        &mutate("rate_per_hour = 100", "rate_per_hour = 20000000"),
        &["`arrivals.rate_per_hour`", "at most 10000000"],
    );
}

#[test]
fn too_many_agents() {
    expect_error(
        &mutate("count = 10", "count = 100001"),
        &["`agents`", "at most 100000 agents"],
    );
}

#[test]
fn probability_out_of_range() {
    expect_error(
        &mutate(
            "share = 0.5\nhandle_time",
            "share = 0.5\nai_resolve_probability = 1.5\nhandle_time",
        ),
        &[
            "bad.toml:15",
            "`intents[0].ai_resolve_probability`",
            "probability in [0, 1]",
        ],
    );
}

#[test]
fn warm_up_longer_than_the_run() {
    expect_error(
        &mutate("duration = \"1h\"", "duration = \"1h\"\nwarm_up = \"2h\""),
        &["bad.toml:4", "`simulation.warm_up`", "must be shorter"],
    );
}

#[test]
fn not_toml_at_all() {
    expect_error("[simulation\nname = ", &["bad.toml:1", "(document)"]);
}

#[test]
fn missing_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .args(["validate", "/nonexistent/scenario.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read the scenario"));
}

#[test]
fn handoff_effects_are_checked_key_by_key() {
    let with = |effects: &str| format!("{GOOD}\n[handoff.effects]\n{effects}\n");
    expect_error(
        &with("warm_decline_probability = 0.95"),
        &[
            "handoff.effects.warm_decline_probability",
            "must be in [0, 0.9]",
        ],
    );
    expect_error(
        &with("warm_resolution_uplift = 1.5"),
        &["handoff.effects.warm_resolution_uplift", "[0, 1]"],
    );
    expect_error(
        &with("repetition_time = \"2h\""),
        &["handoff.effects.repetition_time", "at most 1h"],
    );
    expect_error(&with("warm_uplift = 0.2"), &["unknown field `warm_uplift`"]);
}

#[test]
fn learning_is_checked_key_by_key_and_needs_what_it_moves() {
    let with = |learning: &str| format!("{GOOD}\n[learning]\n{learning}\n");
    expect_error(
        &with("enabled = true\nrate_per_day = 0"),
        &["learning.rate_per_day", "(0, 1]"],
    );
    expect_error(&with("ceiling = 1.2"), &["learning.ceiling", "[0, 1]"]);
    expect_error(
        &with("full_step_escalations = 0"),
        &["learning.full_step_escalations", "between 1 and 1000000"],
    );
    expect_error(
        &with("target_precision = 1.0"),
        &["learning.target_precision", "strictly between 0 and 1"],
    );
    expect_error(
        &with("threshold_gain = 9"),
        &["learning.threshold_gain", "(0, 5]"],
    );
    expect_error(&with("rate = 0.1"), &["unknown field `rate`"]);
    // Learning needs the bot, and a nudge the rule it moves.
    expect_error(
        &with("enabled = true"),
        &["learning.enabled", "needs the AI agent"],
    );
    let no_confidence = format!(
        "{GOOD}\n[ai_agent]\nenabled = true\nresponse_time = {{ dist = \"constant\", value = \"2s\" }}\n\n[triggers]\nconfidence_threshold = 0\n"
    );
    expect_error(
        &format!("{no_confidence}\n[learning]\nenabled = true\ntarget_precision = 0.8\n"),
        &["learning.target_precision", "triggers.confidence_threshold"],
    );
    // Off, the keys are checked but nothing is required.
    handoff_sim::Scenario::parse(
        &format!("{no_confidence}\n[learning]\ntarget_precision = 0.8\n"),
        std::path::Path::new("t.toml"),
    )
    .unwrap();
}

#[test]
fn voice_wait_estimator_and_drop_off_keys_are_checked_key_by_key_with_their_line() {
    let with = |voice: &str| format!("{GOOD}\n[voice]\n{voice}\n");
    expect_error(
        &with("transfer_failure_probability = 1.5"),
        &[
            "voice.transfer_failure_probability",
            "[0, 1]",
            "bad.toml:30:",
        ],
    );
    expect_error(
        &with("redial_frustration = -0.1"),
        &["voice.redial_frustration", "[0, 1]"],
    );
    expect_error(
        &with("repeat_after = \"10s\"\nline_dead_after = \"5s\""),
        &["voice.line_dead_after", "longer than voice.repeat_after"],
    );
    expect_error(
        &with("silent_hold_patience_factor = 0"),
        &["voice.silent_hold_patience_factor", "(0, 1]"],
    );
    expect_error(
        &with("speech_latency = { dist = \"lognormal\", median = \"3s\", p95 = \"1s\" }"),
        &["voice.speech_latency"],
    );
    expect_error(
        &with("on_hold = \"jingle\""),
        &["unknown variant `jingle`", "message", "silence"],
    );
    expect_error(
        &mutate("count = 10\n", "count = 10\ndrop_off_per_hour = -1\n"),
        &["agents[0].drop_off_per_hour", "[0, 60]", "bad.toml:27:"],
    );
    expect_error(
        &format!("{GOOD}\n[routing]\nwait_estimator = \"oracle\"\n"),
        &["unknown variant `oracle`", "queue_length"],
    );
}

#[test]
fn incidents_are_checked_inside_the_horizon_without_overlaps_and_with_their_parameter() {
    let bot =
        "[ai_agent]\nenabled = true\nresponse_time = { dist = \"exponential\", mean = \"2s\" }\n";
    let with = |incidents: &str| format!("{GOOD}\n{bot}\n{incidents}\n");
    let window = |start: &str, length: &str, effect: &str| {
        format!(
            "[[ai_agent.incidents]]\nstart = \"{start}\"\nlength = \"{length}\"\neffect = \"{effect}\"\n"
        )
    };
    expect_error(
        &with(&window("50m", "20m", "outage")),
        &["ai_agent.incidents[0].length", "past the end of the run"],
    );
    expect_error(
        &with(&format!(
            "{}{}",
            window("10m", "20m", "outage"),
            window("20m", "5m", "outage")
        )),
        &[
            "ai_agent.incidents[1].start",
            "overlaps ai_agent.incidents[0]",
            "bad.toml:38:",
        ],
    );
    expect_error(
        &with(&window("10m", "0s", "outage")),
        &["ai_agent.incidents[0].length", "longer than 0s"],
    );
    expect_error(&with(&window("10m", "-5m", "outage")), &["not a duration"]);
    expect_error(
        &with(&window("10m", "5m", "slow")),
        &["ai_agent.incidents[0].slow_factor", "is required"],
    );
    expect_error(
        &with(&format!(
            "{}slow_factor = 0.5\n",
            window("10m", "5m", "slow")
        )),
        &["ai_agent.incidents[0].slow_factor", "(1, 100]"],
    );
    expect_error(
        &with(&format!(
            "{}confidence_shift = 0.2\n",
            window("10m", "5m", "outage")
        )),
        &["ai_agent.incidents[0].confidence_shift", "miscalibrated"],
    );
    expect_error(
        &with(
            "[[ai_agent.incident_processes]]\neffect = \"outage\"\nrate_per_day = 0\nlength = { dist = \"exponential\", mean = \"1h\" }\n",
        ),
        &["ai_agent.incident_processes[0].rate_per_day", "(0, 100]"],
    );
    expect_error(
        &format!("{GOOD}\n{}", window("10m", "5m", "outage")),
        &["ai_agent.incidents", "needs the AI agent"],
    );
}

#[test]
fn callback_keys_are_checked_key_by_key() {
    let with = |callbacks: &str| format!("{GOOD}\n[callbacks]\n{callbacks}\n");
    expect_error(
        &with("served = \"after_callers\""),
        &[
            "callbacks",
            "needs `offer_over_quote`",
            "`offer_over_queue`",
        ],
    );
    expect_error(
        &with("offer_over_quote = \"3m\"\naccept_probability = 1.5"),
        &["callbacks.accept_probability", "[0, 1]"],
    );
    expect_error(
        &with("offer_over_queue = 5\nunanswered_probability = -0.1"),
        &["callbacks.unanswered_probability", "[0, 1]"],
    );
    expect_error(
        &with("offer_over_queue = 5\nmax_attempts = 0"),
        &["callbacks.max_attempts", "between 1 and 10", "got 0"],
    );
    expect_error(
        &with("offer_over_queue = 5\nring_time = \"0s\""),
        &["callbacks.ring_time", "longer than 0s", "at most"],
    );
    expect_error(
        &with("offer_over_queue = 5\nserved = \"sometimes\""),
        &["served", "before_callers", "after_callers"],
    );
    expect_error(&with("offer_over_queue = 5\nretries = 3"), &["retries"]);
}

//! Nothing is ever lost: arrivals = terminal outcomes + in progress, where
//! "in progress" is counted by the customer actors themselves, not derived
//! from the recorder.

mod common;

use handoff_sim::sim;
use proptest::prelude::*;

fn assert_conserved(run: &sim::RunOutput) {
    let c = &run.summary.conversations;
    assert!(c.holds(), "{c:?}");
    // Every conversation waiting in a queue is alive.
    assert!(
        c.in_progress >= run.waiting_at_end as u64,
        "{c:?} waiting {}",
        run.waiting_at_end
    );
}

#[test]
fn bundled_scenarios_conserve_conversations_on_several_seeds() {
    for name in ["basic.toml", "erlang_c.toml"] {
        let mut scenario = common::bundled(name);
        for seed in [1, 2, 3] {
            scenario.seed = seed;
            let run = sim::run(&scenario, 0).unwrap();
            assert_conserved(&run);
            assert!(run.summary.conversations.arrivals > 1000);
        }
    }
}

#[test]
fn a_heavily_overloaded_centre_conserves_conversations() {
    // Four agents for forty Erlangs with impatient customers: long queues and
    // many abandonments at the end of the run.
    let scenario = common::mmc(2400.0, "1m", 4, Some("30s"), "12h");
    let run = sim::run(&scenario, 0).unwrap();
    assert_conserved(&run);
    let c = &run.summary.conversations;
    assert!(c.abandoned_in_queue > c.resolved_by_human, "{c:?}");
    assert!(run.waiting_at_end > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random small centres, bot on or off, with and without patience and
    /// wrap-up: conservation always holds.
    #[test]
    fn random_centres_conserve_conversations(
        seed in 0u64..1_000,
        agents in 1u32..8,
        concurrency in 1u32..4,
        chat_share in 0.0f64..=1.0,
        bot in any::<bool>(),
        patience in prop::option::of(10u32..600),
        wrap_up in prop::option::of(1u32..60),
        rate in 20.0f64..400.0,
    ) {
        let patience = patience
            .map(|p| format!("patience = {{ dist = \"exponential\", mean = \"{p}s\" }}"))
            .unwrap_or_default();
        let wrap_up = wrap_up
            .map(|w| format!("wrap_up = {{ dist = \"constant\", value = \"{w}s\" }}"))
            .unwrap_or_default();
        let scenario = common::scenario(&format!(r#"
[simulation]
name = "prop"
seed = {seed}
duration = "3h"
warm_up = "30m"
[arrivals]
rate_per_hour = {rate}
profile = [1.0, 0.2, 1.5]
[channels]
chat = {chat_share}
voice = {voice}
[[intents]]
name = "a"
share = 0.7
ai_resolve_probability = 0.6
human_resolve_probability = 0.8
handle_time = {{ dist = "gamma", mean = "4m", cv = 1.2 }}
skill = "s"
[[intents]]
name = "b"
share = 0.3
handle_time = {{ dist = "exponential", mean = "8m" }}
skill = "t"
[customers]
{patience}
[ai_agent]
enabled = {bot}
response_time = {{ dist = "exponential", mean = "3s" }}
[[agents]]
name = "p"
count = {agents}
skills = ["s", "t"]
chat_concurrency = {concurrency}
{wrap_up}
"#, voice = 1.0 - chat_share));
        let run = sim::run(&scenario, 0).unwrap();
        assert_conserved(&run);
    }
}

/// The clock seam: the same actors on the real clock (sped up 1 800×, so
/// 30 simulated minutes take about a second) still conserve every
/// conversation and see about the expected number of arrivals.
#[test]
fn the_same_model_runs_on_an_accelerated_real_clock() {
    let mut scenario = common::mmc(600.0, "2m", 8, Some("1m"), "7h");
    scenario.duration = std::time::Duration::from_secs(30 * 60);
    scenario.warm_up = std::time::Duration::ZERO;
    let options = |time| sim::RunOptions {
        time,
        ..sim::RunOptions::default()
    };
    let run = sim::run_with(&scenario, &options(sim::TimeMode::Accelerated(1800.0))).unwrap();
    assert_conserved(&run);
    let arrivals = run.summary.conversations.arrivals;
    // 300 expected; Poisson sd ≈ 17.
    assert!((230..=370).contains(&arrivals), "{arrivals}");
    assert!(
        run.wall_seconds >= 0.9,
        "ran in {} s: not on the real clock",
        run.wall_seconds
    );
    assert!(sim::run_with(&scenario, &options(sim::TimeMode::Accelerated(0.0))).is_err());
}

/// Absurdly heavy-tailed handle times and patience (draws beyond any clock)
/// neither panic nor lose conversations: such delays simply outlast the run.
#[test]
fn heavy_tailed_draws_outlast_the_run_without_panicking() {
    let scenario = common::scenario(
        r#"
[simulation]
name = "heavy"
duration = "2h"
[arrivals]
rate_per_hour = 300
[channels]
chat = 0.5
voice = 0.5
[[intents]]
name = "a"
share = 1.0
handle_time = { dist = "lognormal", median = "1m", p95 = "100000000d" }
skill = "s"
[customers]
patience = { dist = "lognormal", median = "1m", p95 = "100000000d" }
[[agents]]
name = "p"
count = 5
skills = ["s"]
"#,
    );
    let run = sim::run(&scenario, 0).unwrap();
    assert_conserved(&run);
    assert!(run.summary.conversations.in_progress > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Every fault on at once over a week — voice latency and silence,
    /// live transcription, dropped transfers and redials, callbacks with
    /// unanswered attempts, written and drawn AI incidents of every kind,
    /// agents dropping off, shift-end hand-backs, repeat contacts — and
    /// every new terminal outcome (dropped, callback never reached) is in
    /// the sum: nothing is lost.
    #[test]
    fn a_week_with_every_fault_on_conserves_conversations(
        seed in 0u64..1_000,
        agents in 1u32..7,
        chat_share in 0.0f64..=0.6,
        rate in 10.0f64..90.0,
        failure in 0.0f64..0.5,
        unanswered in 0.0f64..0.9,
        drop_offs in 0.0f64..3.0,
        silence in any::<bool>(),
        before in any::<bool>(),
        outage_at in 1u32..150,
    ) {
        let on_hold = if silence { "silence" } else { "message" };
        let served = if before { "before_callers" } else { "after_callers" };
        let scenario = common::scenario(&format!(r#"
[simulation]
name = "faults"
seed = {seed}
duration = "7d"
warm_up = "1h"
interval = "1h"
[arrivals]
rate_per_hour = {rate}
profile = [1.0, 0.3, 1.6, 0.8]
[channels]
chat = {chat_share}
voice = {voice}
[[intents]]
name = "a"
share = 0.7
ai_resolve_probability = 0.6
human_resolve_probability = 0.7
handle_time = {{ dist = "gamma", mean = "5m", cv = 1.2 }}
skill = "s"
[[intents]]
name = "b"
share = 0.3
regulated = true
handle_time = {{ dist = "exponential", mean = "8m" }}
skill = "s"
[customers]
patience = {{ dist = "exponential", mean = "3m" }}
repeat_probability = 0.5
repeat_delay = {{ dist = "exponential", mean = "2h" }}
[ai_agent]
enabled = true
response_time = {{ dist = "lognormal", median = "2s", p95 = "6s" }}
[[ai_agent.incidents]]
start = "{outage_at}h"
length = "2h"
effect = "outage"
[[ai_agent.incident_processes]]
effect = "slow"
rate_per_day = 1.0
length = {{ dist = "exponential", mean = "1h" }}
slow_factor = 4.0
[[ai_agent.incident_processes]]
effect = "miscalibrated"
rate_per_day = 1.0
length = {{ dist = "exponential", mean = "1h" }}
confidence_shift = -0.3
[[ai_agent.incident_processes]]
effect = "outage"
rate_per_day = 0.5
length = {{ dist = "exponential", mean = "30m" }}
[handoff]
when_closed = "closed_message"
[voice]
on_hold = "{on_hold}"
transfer_failure_probability = {failure}
[callbacks]
offer_over_quote = "30s"
offer_over_queue = 3
served = "{served}"
unanswered_probability = {unanswered}
retry_after = "5m"
max_attempts = 2
[[agents]]
name = "p"
skills = ["s"]
chat_concurrency = 2
shift_end = "hand_back"
drop_off_per_hour = {drop_offs}
drop_off_absence = {{ dist = "exponential", mean = "10m" }}
[[agents.shifts]]
start = "06:00"
end = "22:00"
count = {agents}
breaks = [{{ at = "12:00", length = "30m" }}]
"#, voice = 1.0 - chat_share));
        let run = sim::run(&scenario, 0).unwrap();
        assert_conserved(&run);
        let c = &run.summary.conversations;
        prop_assert!(c.repeat_arrivals > 0);
        if failure > 0.05 && chat_share < 0.5 {
            prop_assert!(c.dropped > 0, "{c:?}");
        }
        // The fault paths were taken, not merely configured: the centre
        // closes at night, the written outage saw conversations, and the
        // agents dropped off.
        prop_assert!(c.closed > 0, "{c:?}");
        let incidents = run.summary.incidents.as_ref().expect("incident windows");
        prop_assert!(incidents.inside.bot_conversations > 0);
        if drop_offs > 1.0 {
            prop_assert!(run.summary.pools[0].drop_offs > 0);
        }
    }
}

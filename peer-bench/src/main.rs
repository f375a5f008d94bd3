//! The peer bench: one M/M/c+M workload (Erlang A) run by a minimal
//! event-heap loop, by nexosim 1.0 (two models, one thread) and by
//! handoff-sim's actors, in one process, with each one's ratio to the bare
//! loop and its agreement with Erlang A; then the floor of actix in
//! handoff-sim's virtual time (what a message, a timer and an actor cost with
//! no model at all).
//!
//! `cargo run --release --manifest-path peer-bench/Cargo.toml [-- --reps N]`

mod bare;
mod floor;
mod nexosim_mmcm;
mod workload;

use std::path::Path;

use handoff_sim::theory::Queue;
use handoff_sim::{Scenario, sim};
use workload::{AGENTS, ARRIVAL_RATE, HORIZON_SECS, MEAN_HANDLE, MEAN_PATIENCE, Outcome};

/// The best (shortest) of `reps` runs.
fn best(reps: usize, mut run: impl FnMut() -> Outcome) -> Outcome {
    (0..reps)
        .map(|_| run())
        .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .expect("at least one repetition")
}

/// The workload as a handoff-sim scenario: no bot, one pool, FIFO, nobody
/// told the wait (so patience is the plain exponential one).
fn scenario() -> Scenario {
    let text = format!(
        r#"
[simulation]
name = "peer-mmcm"
seed = 3
duration = "{}s"
interval = "1h"
[arrivals]
rate_per_hour = {}
[channels]
chat = 0.0
voice = 1.0
[[intents]]
name = "any"
share = 1.0
handle_time = {{ dist = "exponential", mean = "{MEAN_HANDLE}s" }}
skill = "s"
[customers]
patience = {{ dist = "exponential", mean = "{MEAN_PATIENCE}s" }}
[handoff]
expectation_message = false
[[agents]]
name = "pool"
count = {AGENTS}
skills = ["s"]
"#,
        HORIZON_SECS,
        ARRIVAL_RATE * 3600.0
    );
    Scenario::parse(&text, Path::new("peer-mmcm.toml")).expect("a valid scenario")
}

fn handoff_sim_run() -> Outcome {
    let run = sim::run(&scenario(), 0).expect("the run succeeds");
    let queue = &run.summary.measured.human_queue;
    let calls = run.summary.conversations.arrivals;
    Outcome {
        calls,
        waited: (queue.probability_wait.value * calls as f64).round() as u64,
        abandoned: (queue.abandonment_rate.value * calls as f64).round() as u64,
        seconds: run.wall_seconds,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let reps = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(3);
    let theory = Queue {
        arrival_rate: ARRIVAL_RATE,
        mean_handle: MEAN_HANDLE,
        agents: AGENTS,
        mean_patience: Some(MEAN_PATIENCE),
    }
    .predict(20.0)
    .expect("a stable queue");
    println!(
        "M/M/{AGENTS}+M: {ARRIVAL_RATE} calls/s, handle {MEAN_HANDLE} s, patience {MEAN_PATIENCE} s, {} days; best of {reps}, one thread",
        HORIZON_SECS / 86_400
    );
    println!(
        "{:<28} {:>8} {:>9} {:>11} {:>8} {:>8} {:>10}",
        "engine", "calls", "wall s", "calls/s", "× bare", "P(wait)", "P(abandon)"
    );
    println!(
        "{:<28} {:>8} {:>9} {:>11} {:>8} {:>8.4} {:>10.4}",
        "Erlang A (theory)", "", "", "", "", theory.probability_wait, theory.probability_abandon
    );
    let bare = best(reps, || bare::run(3));
    let rows = [
        ("bare event-heap loop", bare),
        (
            "nexosim 1.0 (2 models)",
            best(reps, || nexosim_mmcm::run_nexosim(3)),
        ),
        ("handoff-sim (actors)", best(reps, handoff_sim_run)),
    ];
    let per_call = |o: &Outcome| o.seconds / o.calls as f64;
    for (name, o) in rows {
        println!(
            "{name:<28} {:>8} {:>9.3} {:>11.0} {:>7.1}× {:>8.4} {:>10.4}",
            o.calls,
            o.seconds,
            o.calls as f64 / o.seconds,
            per_call(&o) / per_call(&bare),
            o.waited as f64 / o.calls as f64,
            o.abandoned as f64 / o.calls as f64,
        );
    }
    println!();
    floor::print();
}

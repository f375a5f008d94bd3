//! `cargo bench --bench virtual_time`: what the actor model costs.
//!
//! 1. The same M/M/c+M workload (260 agents, 0.95 Erl per agent, exponential
//!    patience) run by the full actor simulation and by a minimal hand-written
//!    event-heap loop; the ratio is the price of actors on a paused tokio
//!    clock. Both must agree with Erlang A, which is printed beside them.
//! 2. `scenarios/basic.toml` scaled to about 100 000 conversations (rate and
//!    staff multiplied alike): conversations simulated per second.
//! 3. `scenarios/stress.toml`: wall time (peak memory: see the README, measured
//!    with `/usr/bin/time -v`).
//!
//! Each figure is the best of a few repetitions on one core.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::path::Path;
use std::time::Instant;

use handoff_sim::theory::Queue;
use handoff_sim::{Scenario, sim};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_pcg::Pcg64Mcg;

const AGENTS: u32 = 260;
const AHT: f64 = 300.0;
const PATIENCE: f64 = 180.0;
const LOAD: f64 = 0.95;
const DAYS: f64 = 10.0;

fn rate() -> f64 {
    LOAD * f64::from(AGENTS) / AHT
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Departure,
    Abandon(u64),
    Arrival,
}

/// Minimal M/M/c+M: a binary heap of (time in ns, event), FIFO queue with
/// lazy removal of abandoned customers. Returns (arrivals, P(wait), P(abandon)).
fn event_heap(seed: u64) -> (u64, f64, f64) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let (inter, service, patience) = (
        Exp::new(rate()).unwrap(),
        Exp::new(1.0 / AHT).unwrap(),
        Exp::new(1.0 / PATIENCE).unwrap(),
    );
    let ns = |s: f64| (s * 1e9) as u64;
    let horizon = ns(DAYS * 86_400.0);
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((ns(inter.sample(&mut rng)), Kind::Arrival)));
    let mut queue: VecDeque<u64> = VecDeque::new();
    let mut waiting = std::collections::HashSet::new();
    let (mut busy, mut next_id) = (0u32, 0u64);
    let (mut arrivals, mut waited, mut abandoned) = (0u64, 0u64, 0u64);
    while let Some(Reverse((t, kind))) = heap.pop() {
        if t >= horizon {
            break;
        }
        match kind {
            Kind::Arrival => {
                arrivals += 1;
                heap.push(Reverse((t + ns(inter.sample(&mut rng)), Kind::Arrival)));
                if busy < AGENTS {
                    busy += 1;
                    heap.push(Reverse((t + ns(service.sample(&mut rng)), Kind::Departure)));
                } else {
                    waited += 1;
                    let id = next_id;
                    next_id += 1;
                    queue.push_back(id);
                    waiting.insert(id);
                    heap.push(Reverse((
                        t + ns(patience.sample(&mut rng)),
                        Kind::Abandon(id),
                    )));
                }
            }
            Kind::Abandon(id) => {
                if waiting.remove(&id) {
                    abandoned += 1;
                }
            }
            Kind::Departure => {
                busy -= 1;
                while let Some(id) = queue.pop_front() {
                    if waiting.remove(&id) {
                        busy += 1;
                        heap.push(Reverse((t + ns(service.sample(&mut rng)), Kind::Departure)));
                        break;
                    }
                }
            }
        }
    }
    (
        arrivals,
        waited as f64 / arrivals as f64,
        abandoned as f64 / arrivals as f64,
    )
}

fn mmcm_scenario() -> Scenario {
    let text = format!(
        r#"
[simulation]
name = "mmcm"
seed = 3
duration = "{DAYS}d"
interval = "1h"
[arrivals]
rate_per_hour = {}
[channels]
chat = 0.0
voice = 1.0
[[intents]]
name = "any"
share = 1.0
handle_time = {{ dist = "exponential", mean = "{AHT}s" }}
skill = "s"
[customers]
patience = {{ dist = "exponential", mean = "{PATIENCE}s" }}
[handoff]
# The plain M/M/c+M model: nobody is told the wait, patience is unchanged.
expectation_message = false
[[agents]]
name = "pool"
count = {AGENTS}
skills = ["s"]
"#,
        rate() * 3600.0
    );
    Scenario::parse(&text, Path::new("mmcm.toml")).unwrap()
}

fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..reps {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed().as_secs_f64());
        last = Some(out);
    }
    (best, last.expect("at least one repetition"))
}

fn scaled_basic(target: f64) -> Scenario {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut scenario = Scenario::load(&root.join("scenarios/basic.toml")).unwrap();
    let factor = target / scenario.expected_arrivals();
    scenario.arrivals.base_rate *= factor;
    for pool in &mut scenario.pools {
        pool.staffing =
            handoff_sim::roster::Staffing::Fixed((f64::from(pool.count()) * factor).round() as u32);
    }
    scenario
}

/// One workload, once, for a profiler:
/// `perf record -g target/release/deps/virtual_time-* --profile mmcm|basic|stress`.
fn profile(workload: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = match workload {
        "mmcm" => mmcm_scenario(),
        "basic" => scaled_basic(100_000.0),
        "stress" => Scenario::load(&root.join("scenarios/stress.toml")).unwrap(),
        other => panic!("--profile takes mmcm, basic or stress, not {other}"),
    };
    let started = Instant::now();
    let run = sim::run(&scenario, 0).unwrap();
    println!(
        "{workload}: {} conversations in {:.3} s",
        run.summary.conversations.arrivals,
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        return profile(args.get(at + 1).map_or("", String::as_str));
    }
    // `cargo bench` passes --bench; `cargo test --benches` does not: then run
    // nothing heavy, so the test suite stays fast.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let theory = Queue {
        arrival_rate: rate(),
        mean_handle: AHT,
        agents: AGENTS,
        mean_patience: Some(PATIENCE),
    }
    .predict(20.0)
    .unwrap();
    println!(
        "M/M/{AGENTS}+M, {LOAD} Erl/agent, {DAYS} days — Erlang A: P(wait) {:.4}, P(abandon) {:.4}",
        theory.probability_wait, theory.probability_abandon
    );

    let (heap_s, (n, pw, pa)) = best_of(5, || event_heap(3));
    println!(
        "  event heap : {n} calls in {heap_s:.3} s = {:>10.0} calls/s  (P(wait) {pw:.4}, P(abandon) {pa:.4})",
        n as f64 / heap_s
    );

    let scenario = mmcm_scenario();
    let (actor_s, run) = best_of(3, || sim::run(&scenario, 0).unwrap());
    let q = &run.summary.measured.human_queue;
    let calls = run.summary.conversations.arrivals;
    println!(
        "  actors     : {calls} calls in {actor_s:.3} s = {:>10.0} calls/s  (P(wait) {:.4}, P(abandon) {:.4})",
        calls as f64 / actor_s,
        q.probability_wait.value,
        q.abandonment_rate.value
    );
    println!(
        "  actor overhead: {:.1}× the event heap per call",
        (actor_s / calls as f64) / (heap_s / n as f64)
    );

    let basic = scaled_basic(100_000.0);
    let (basic_s, run) = best_of(3, || sim::run(&basic, 0).unwrap());
    let n = run.summary.conversations.arrivals;
    println!(
        "basic.toml scaled to {n} conversations: {basic_s:.3} s = {:.0} conversations/s (peak concurrency {})",
        n as f64 / basic_s,
        run.summary.peak_concurrency
    );

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stress = Scenario::load(&root.join("scenarios/stress.toml")).unwrap();
    let (stress_s, run) = best_of(1, || sim::run(&stress, 0).unwrap());
    println!(
        "stress.toml: {} conversations in {stress_s:.3} s (peak concurrency {})",
        run.summary.conversations.arrivals, run.summary.peak_concurrency
    );
}

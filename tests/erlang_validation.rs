//! With the AI off, Poisson arrivals and exponential handle times, the
//! simulator must reproduce Erlang C (M/M/c) and, with exponential patience,
//! Erlang A (M/M/c+M).
//!
//! Tolerance: the run's own statistical error. Each run reports a 95 %
//! batch-means confidence interval (batches sized from the data; these
//! runs are 20–80 days of 1-hour intervals with AHT 1 min, so there are
//! dozens of batches); we accept a difference up to the 99.9 % interval
//! (each side × 1.95 ≥ t_{df,0.9995} / t_{df,0.975} for df ≥ 15), and we
//! also require the interval to be narrow (under 10 % of the predicted
//! value each side) so that the test can actually fail.

mod common;

use handoff_sim::metrics::Estimate;
use handoff_sim::sim;

/// t(15, 0.9995) / t(15, 0.975) = 4.073 / 2.131 (smaller for more df).
const CI999_OVER_CI95: f64 = 1.95;

fn check(name: &str, estimate: &Estimate, theory: f64) {
    let [low, high] = estimate
        .ci95_range
        .unwrap_or_else(|| panic!("{name}: no confidence interval: {estimate:?}"));
    eprintln!(
        "{name}: simulated {:.4} ({low:.4}–{high:.4}, 95 %, n={}), Erlang {theory:.4}",
        estimate.value, estimate.n
    );
    assert!(
        high - estimate.value < 0.10 * theory && estimate.value - low < 0.10 * theory,
        "{name}: interval {low:.4}–{high:.4} too wide to test against {theory:.4}"
    );
    assert!(
        estimate.covers(theory, CI999_OVER_CI95),
        "{name}: simulated {:.4} ({low:.4}–{high:.4}, 95 %), Erlang {theory:.4}",
        estimate.value
    );
}

fn erlang_c_at(load_per_agent: f64, days: u32) {
    let agents = 20;
    // AHT 60 s: λ per hour = load × agents × 60.
    let rate = load_per_agent * f64::from(agents) * 60.0;
    let scenario = common::mmc(rate, "1m", agents, None, &format!("{days}d"));
    let theory = handoff_sim::metrics::erlang_reference(&scenario).expect("an M/M/c scenario");
    let run = sim::run(&scenario, 0).unwrap();
    let q = &run.summary.measured.human_queue;
    assert!(q.offered > 100_000, "{} offered", q.offered);
    check(
        &format!("ρ={load_per_agent} P(wait)"),
        &q.probability_wait,
        theory.probability_wait,
    );
    check(
        &format!("ρ={load_per_agent} mean wait"),
        &q.mean_wait_s,
        theory.mean_wait,
    );
    check(
        &format!("ρ={load_per_agent} SL(20 s)"),
        &q.service_level,
        theory.service_level,
    );
    // Occupancy is the offered load per agent (within 1 %).
    let occupancy = run.summary.pools[0].occupancy.value;
    assert!(
        (occupancy - load_per_agent).abs() < 0.01 * load_per_agent,
        "occupancy {occupancy}"
    );
}

#[test]
fn erlang_c_at_load_0_70() {
    erlang_c_at(0.70, 60);
}

#[test]
fn erlang_c_at_load_0_85() {
    erlang_c_at(0.85, 40);
}

#[test]
fn erlang_c_at_load_0_95() {
    erlang_c_at(0.95, 80);
}

#[test]
fn erlang_a_with_exponential_patience() {
    // 20 agents offered 1.0 Erl each, patience mean 2 min (twice the AHT):
    // overloaded without abandonment, stable with it.
    let scenario = common::mmc(1200.0, "1m", 20, Some("2m"), "20d");
    let theory = handoff_sim::metrics::erlang_reference(&scenario).expect("an M/M/c+M scenario");
    assert!(theory.probability_abandon > 0.02, "{theory:?}");
    let run = sim::run(&scenario, 0).unwrap();
    let q = &run.summary.measured.human_queue;
    check(
        "Erlang A P(wait)",
        &q.probability_wait,
        theory.probability_wait,
    );
    check(
        "Erlang A P(abandon)",
        &q.abandonment_rate,
        theory.probability_abandon,
    );
    check("Erlang A mean wait", &q.mean_wait_s, theory.mean_wait);
    check("Erlang A SL(20 s)", &q.service_level, theory.service_level);
}

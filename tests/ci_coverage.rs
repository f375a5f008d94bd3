//! Do the single-run confidence intervals cover? Measured the way a
//! statistician would: many independent runs of an M/M/20 queue (AI off,
//! Poisson arrivals, exponential 5-minute handle times), each with its own
//! batch-means 95 % interval, against the Erlang C value. An honest interval
//! covers in about 95 % of the runs; we accept 88–99 % (40 runs: the binomial
//! sd of a 95 % coverage is 3.4 points).
//!
//! Two cases a capacity planner would run:
//! - one day at 0.95 Erlang per agent (relaxation time of hours): the
//!   interval must cover, or be withheld with the reason;
//! - five days at 0.85 Erlang per agent: the interval must be given in every
//!   run, and cover.
//!
//! The runs are fast (a day of this queue is ~5 500 calls), so both are part
//! of the default test run with 40 seeds; `coverage_many_seeds` (ignored)
//! repeats them, and neighbouring loads and lengths, over 200 seeds for the
//! figures in ARCHITECTURE.md:
//! `cargo test --release --test ci_coverage -- --ignored --nocapture`.

mod common;

use handoff_sim::metrics::{Estimate, erlang_reference};
use handoff_sim::stats;
use handoff_sim::{Scenario, sim};

fn mm20(load_per_agent: f64, duration: &str) -> Scenario {
    // AHT 300 s: λ per hour = load × 20 agents × 12.
    common::SingleQueue {
        rate_per_hour: load_per_agent * 20.0 * 12.0,
        aht: "5m",
        agents: 20,
        duration,
        warm_up: "2h",
        interval: "15m",
        seed: 1,
        extra: "",
        pool_extra: "",
    }
    .scenario()
}

/// Per metric: runs with an interval, of which covering, and runs withheld.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    given: u32,
    covered: u32,
    withheld: u32,
}

impl Tally {
    fn add(&mut self, e: &Estimate, truth: f64) {
        match e.ci95_range {
            Some(_) => {
                self.given += 1;
                self.covered += u32::from(e.covers(truth, 1.0));
            }
            None => {
                assert_eq!(e.ci_withheld, Some(stats::TOO_SHORT), "{e:?}");
                self.withheld += 1;
            }
        }
    }

    fn coverage(&self) -> f64 {
        f64::from(self.covered) / f64::from(self.given.max(1))
    }
}

/// Service level, P(wait), ASA over `seeds` replications.
fn coverage(load_per_agent: f64, duration: &str, seeds: u64) -> [Tally; 3] {
    let scenario = mm20(load_per_agent, duration);
    let theory = erlang_reference(&scenario).expect("an M/M/c scenario");
    let mut tallies = [Tally::default(); 3];
    for replication in 0..seeds {
        let q = sim::run(&scenario, replication)
            .unwrap()
            .summary
            .measured
            .human_queue;
        tallies[0].add(&q.service_level, theory.service_level);
        tallies[1].add(&q.probability_wait, theory.probability_wait);
        // Without abandonment every contact is answered: ASA is E[W].
        tallies[2].add(&q.asa_s, theory.mean_wait);
    }
    for (name, t) in ["service level", "P(wait)", "ASA"].iter().zip(&tallies) {
        eprintln!(
            "{load_per_agent} Erl/agent, {duration}: {name}: interval in {} of {seeds} runs, covers in {} ({:.1} %), withheld in {}",
            t.given,
            t.covered,
            100.0 * t.coverage(),
            t.withheld
        );
    }
    tallies
}

fn assert_honest(tallies: &[Tally; 3], must_give: bool) {
    for t in tallies {
        if must_give {
            assert_eq!(t.withheld, 0, "{t:?}");
        }
        if t.given > 0 {
            // With few runs given, one miss moves coverage a lot: judge the
            // band only on a sample that can show it.
            if t.given >= 20 {
                assert!((0.88..=0.99).contains(&t.coverage()), "{t:?}");
            } else {
                assert!(t.given - t.covered <= 2, "{t:?}");
            }
        }
    }
}

#[test]
fn one_day_at_0_95_erlang_covers_or_withholds() {
    let tallies = coverage(0.95, "1d", 40);
    assert_honest(&tallies, false);
}

#[test]
fn five_days_at_0_85_erlang_always_gives_an_interval_that_covers() {
    let tallies = coverage(0.85, "5d", 40);
    assert_honest(&tallies, true);
}

#[test]
#[ignore = "200 seeds of each case; the figures quoted in ARCHITECTURE.md (~2 min)"]
fn coverage_many_seeds() {
    // (load, run length, interval required in every run, coverage asserted)
    for (load, duration, must_give, asserted) in [
        (0.95, "1d", false, true),
        (0.85, "5d", true, true),
        (0.70, "1d", false, true),
        (0.85, "2d", false, true),
        (0.85, "1d", false, false),
        (0.90, "3d", false, false),
        (0.95, "5d", false, false),
    ] {
        let tallies = coverage(load, duration, 200);
        // Near the edge of what a run length allows, the runs that pass the
        // relaxation floor are the calmer ones, and coverage among them
        // drops: printed, not asserted (ARCHITECTURE.md has the figures).
        if asserted {
            assert_honest(&tallies, must_give);
        }
    }
}

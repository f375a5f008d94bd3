//! Wait quotes compared: every estimator is computed in shadow for every
//! queued contact, and on an overloaded Erlang A queue the abandonment-
//! corrected queue-length estimator beats the position-based quote, as
//! Ibrahim & Whitt (Management Science 2009) found.

mod common;

use handoff_sim::experiment::replicate;
use handoff_sim::stats::mean_ci95;
use serde_json::Value;

/// M/M/20+M at 1.1 Erlang per agent: AHT 5 min, 264 calls an hour
/// (22 Erlang), patience exponential with mean 3 min, one day after a
/// 6-hour warm-up.
fn overloaded(estimator: &str) -> handoff_sim::Scenario {
    common::SingleQueue {
        rate_per_hour: 264.0,
        aht: "5m",
        agents: 20,
        duration: "30h",
        warm_up: "6h",
        interval: "1h",
        seed: 19,
        extra: &format!(
            "[customers]\npatience = {{ dist = \"exponential\", mean = \"3m\" }}\n\
             [routing]\nwait_estimator = \"{estimator}\"\n"
        ),
        pool_extra: "",
    }
    .scenario()
}

fn quote<'a>(summary: &'a Value, name: &str) -> &'a Value {
    &summary["measured"]["human_queue"]["wait_quotes"][name]
}

const ESTIMATORS: [&str; 4] = ["position", "head_of_line", "last_to_enter", "queue_length"];

#[test]
fn on_an_overloaded_erlang_a_queue_the_abandonment_corrected_quote_beats_the_position_quote() {
    const REPLICATIONS: u32 = 10;
    let summaries = replicate(&overloaded("position"), REPLICATIONS, 2).unwrap();
    let mae = |s: &Value, name: &str| quote(s, name)["mae_s"]["value"].as_f64().unwrap();
    for s in &summaries {
        let queue = &s["measured"]["human_queue"];
        let answered = queue["answered"].as_u64().unwrap();
        // The answered contacts that queued: those told a wait.
        let quoted = queue["wait_estimate_error_s"]["n"].as_u64().unwrap();
        for name in ESTIMATORS {
            let q = quote(s, name);
            let shadowed = q["n"].as_u64().unwrap();
            assert_eq!(shadowed, quoted, "{name}: {q}");
            assert!(
                shadowed > answered / 2 && shadowed < answered,
                "{name}: {q}"
            );
            assert_eq!(q["heard"].as_bool(), Some(name == "position"));
        }
    }
    // Paired over replications: the same contacts, four quotes each.
    let gap: Vec<f64> = summaries
        .iter()
        .map(|s| mae(s, "queue_length") - mae(s, "position"))
        .collect();
    let mean = gap.iter().sum::<f64>() / gap.len() as f64;
    let half = mean_ci95(&gap).unwrap();
    let position: f64 = summaries.iter().map(|s| mae(s, "position")).sum::<f64>() / 10.0;
    let ql: f64 = summaries
        .iter()
        .map(|s| mae(s, "queue_length"))
        .sum::<f64>()
        / 10.0;
    eprintln!(
        "MAE position {position:.1} s, queue length {ql:.1} s, gap {mean:.1} ± {half:.1} s; \
         bias position {:.1} s",
        summaries
            .iter()
            .map(|s| quote(s, "position")["bias_s"]["value"].as_f64().unwrap())
            .sum::<f64>()
            / 10.0
    );
    for name in ESTIMATORS {
        let m = summaries.iter().map(|s| mae(s, name)).sum::<f64>() / 10.0;
        let b = summaries
            .iter()
            .map(|s| quote(s, name)["bias_s"]["value"].as_f64().unwrap())
            .sum::<f64>()
            / 10.0;
        eprintln!("{name}: MAE {m:.1} bias {b:.1}");
    }
    assert!(mean + half < 0.0, "gap {mean} ± {half}");
}

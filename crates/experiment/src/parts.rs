//! A replicated run's figures per part — each channel's queue, each pool,
//! each trigger rule — pooled over replications like the headline figures
//! ([`crate::pooling`]): what a single run's tables show per channel, pool
//! and rule, with a 95 % interval and n.
//!
//! A part missing from a replication's summary (no voice contact, a rule
//! that never fired) counts 0 for its counts in that replication, and has
//! no observation for its rates: a count's mean is per replication, a
//! rate's is over the replications that had a denominator.

use serde::Serialize;
use serde_json::Value;

use handoff_model::figures::{self, Metric, Observation, Unit};

use crate::MetricResult;
use crate::pooling;

/// One part's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// "all channels", "chat", a pool's or a rule's name.
    pub name: String,
    pub figures: Vec<MetricResult>,
}

/// The parts of a replicated run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parts {
    /// The human queue of all channels, then each channel.
    pub channels: Vec<Part>,
    pub pools: Vec<Part>,
    /// Trigger rules by primary rule of each escalation (none without a
    /// bot).
    pub rules: Vec<Part>,
}

/// A figure of a part: its short name, its JSON path below the part, its
/// unit, and whether a replication without the part counts it 0 (a count
/// of things) rather than having no observation (a rate, a mean).
type Figure = (&'static str, &'static str, Unit, bool);

/// A channel's queue figures.
const CHANNEL: [Figure; 8] = [
    ("offered", "offered", Unit::Count, true),
    ("service_level", "service_level", Unit::Share, false),
    ("asa", "asa_s", Unit::Seconds, false),
    ("probability_wait", "probability_wait", Unit::Share, false),
    ("abandonment", "abandonment_rate", Unit::Share, false),
    ("aht", "aht_s", Unit::Seconds, false),
    ("post_handoff_fcr", "post_handoff_fcr", Unit::Share, false),
    ("p90_queue_wait", "queue_wait_s.p90", Unit::Seconds, false),
];

const POOL: [Figure; 3] = [
    ("occupancy", "occupancy", Unit::Share, false),
    ("agents_engaged", "agents_engaged", Unit::Share, false),
    ("mean_concurrency", "mean_concurrency", Unit::Count, false),
];

const RULE: [Figure; 5] = [
    ("fired", "fired", Unit::Count, true),
    ("needed", "needed", Unit::Count, true),
    ("precision", "precision", Unit::Share, false),
    (
        "detection_delay_p50",
        "detection_delay_s.p50",
        Unit::Seconds,
        false,
    ),
    (
        "detection_delay_turns_p50",
        "detection_delay_turns.p50",
        Unit::Count,
        false,
    ),
];

/// The names under `object_path` (an object's keys, or an array's
/// elements' `name`s) over every summary, in order of first appearance.
fn names(summaries: &[Value], object_path: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for s in summaries {
        let found: Vec<String> = match figures::lookup(s, object_path) {
            Some(Value::Object(o)) => o.keys().cloned().collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|e| e["name"].as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        };
        for n in found {
            if !seen.contains(&n) {
                seen.push(n);
            }
        }
    }
    seen
}

/// `figures` of the part at `prefix` pooled over `summaries`.
fn part(summaries: &[Value], name: &str, prefix: &str, figures: &[Figure]) -> Part {
    let figures = figures
        .iter()
        .filter_map(|&(short, path, unit, zero_when_missing)| {
            let metric = Metric {
                name: short.to_string(),
                path: format!("{prefix}.{path}"),
                unit,
            };
            let obs: Vec<Option<Observation>> = summaries
                .iter()
                .map(|s| {
                    figures::observe(s, &metric.path).or_else(|| {
                        // A count of a part the run did not have is 0.
                        zero_when_missing.then_some(Observation {
                            value: 0.0,
                            weight: 1.0,
                        })
                    })
                })
                .collect();
            let present: Vec<Observation> = obs.iter().flatten().copied().collect();
            (!present.is_empty()).then(|| MetricResult {
                aggregate: pooling::aggregate_reported(&metric, &present),
                per_replication: obs.iter().map(|o| o.map(|o| o.value)).collect(),
                metric,
            })
        })
        .collect();
    Part {
        name: name.to_string(),
        figures,
    }
}

impl Parts {
    /// From the replications' summaries as JSON.
    pub fn of(summaries: &[Value]) -> Parts {
        let mut channels = vec![part(
            summaries,
            "all channels",
            "measured.human_queue",
            &CHANNEL,
        )];
        channels.extend(
            names(summaries, "measured.by_channel")
                .iter()
                .map(|c| part(summaries, c, &format!("measured.by_channel.{c}"), &CHANNEL)),
        );
        let pools = names(summaries, "pools")
            .iter()
            .map(|p| part(summaries, p, &format!("pools[{p}]"), &POOL))
            .collect();
        let rules = names(summaries, "measured.triggers.by_rule")
            .iter()
            .map(|r| {
                part(
                    summaries,
                    r,
                    &format!("measured.triggers.by_rule.{r}"),
                    &RULE,
                )
            })
            .collect();
        Parts {
            channels,
            pools,
            rules,
        }
    }
}

impl Part {
    /// The figure named `name`, if any replication had it.
    pub fn figure(&self, name: &str) -> Option<&MetricResult> {
        self.figures.iter().find(|f| f.metric.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(voice: Option<u64>, rule_fired: Option<u64>) -> Value {
        let queue = |offered: u64, sl: f64| json!({"offered": offered, "service_level": {"value": sl, "n": offered}});
        let mut by_channel = json!({"chat": queue(100, 0.8)});
        if let Some(v) = voice {
            by_channel["voice"] = queue(v, 0.5);
        }
        let mut by_rule = json!({});
        if let Some(f) = rule_fired {
            by_rule["topic"] =
                json!({"fired": f, "needed": f / 2, "precision": {"value": 0.5, "n": f}});
        }
        json!({
            "measured": {
                "human_queue": queue(100 + voice.unwrap_or(0), 0.7),
                "by_channel": by_channel,
                "triggers": {"by_rule": by_rule},
            },
            "pools": [{"name": "general", "occupancy": {"value": 0.8, "n": 16},
                       "agents_engaged": 0.9, "mean_concurrency": 1.5}],
        })
    }

    #[test]
    fn a_part_missing_from_a_replication_counts_zero_but_has_no_rate() {
        let summaries = [summary(Some(40), Some(10)), summary(None, None)];
        let parts = Parts::of(&summaries);
        let names: Vec<&str> = parts.channels.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["all channels", "chat", "voice"]);
        let voice = &parts.channels[2];
        let offered = voice.figure("offered").unwrap();
        assert_eq!(offered.aggregate.mean, 20.0);
        assert_eq!(offered.per_replication, vec![Some(40.0), Some(0.0)]);
        let sl = voice.figure("service_level").unwrap();
        assert_eq!(sl.aggregate.mean, 0.5);
        assert_eq!(sl.aggregate.n, 1);
        let topic = &parts.rules[0];
        assert_eq!(topic.name, "topic");
        assert_eq!(topic.figure("fired").unwrap().aggregate.mean, 5.0);
        assert_eq!(topic.figure("precision").unwrap().aggregate.n, 1);
        // A figure no replication has is left out.
        assert!(topic.figure("detection_delay_p50").is_none());
        let pool = &parts.pools[0];
        assert_eq!(pool.name, "general");
        let engaged = pool.figure("agents_engaged").unwrap().aggregate;
        assert_eq!(engaged.mean, 0.9);
        // A share of time: no binomial floor from a count of 2 "trials".
        assert_eq!(engaged.ci95_range, Some([0.9, 0.9]));
    }
}

//! The figures of a run by name: the headline metrics every experiment
//! reports (a short name, usable in thresholds, and its `summary.json`
//! path) and the reading of any figure from a summary's JSON by its path.

use serde::Serialize;
use serde_json::Value;

/// What a metric measures, for formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Share,
    Seconds,
    Score,
    /// A number of things (contacts, escalations) per run, or a mean
    /// number (contacts at once per agent).
    Count,
}

/// A metric: its short name (usable in thresholds) and where it lives in
/// `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub name: String,
    pub path: String,
    pub unit: Unit,
}

type Entry = (&'static str, &'static str, Unit);

const fn metric(name: &'static str, path: &'static str, unit: Unit) -> Entry {
    (name, path, unit)
}

/// The metrics every experiment reports (those present in a run): name,
/// `summary.json` path, unit.
pub const HEADLINE: &[Entry] = &[
    metric(
        "service_level",
        "measured.human_queue.service_level",
        Unit::Share,
    ),
    metric("asa", "measured.human_queue.asa_s", Unit::Seconds),
    metric(
        "probability_wait",
        "measured.human_queue.probability_wait",
        Unit::Share,
    ),
    metric(
        "abandonment",
        "measured.human_queue.abandonment_rate",
        Unit::Share,
    ),
    metric(
        "p95_queue_wait",
        "measured.human_queue.queue_wait_s.p95",
        Unit::Seconds,
    ),
    metric("aht", "measured.human_queue.aht_s", Unit::Seconds),
    metric(
        "clarification_time",
        "measured.human_queue.clarification_s",
        Unit::Seconds,
    ),
    metric(
        "post_handoff_fcr",
        "measured.human_queue.post_handoff_fcr",
        Unit::Share,
    ),
    metric("containment", "measured.bot.containment_rate", Unit::Share),
    metric(
        "durable_containment",
        "measured.bot.durable_containment",
        Unit::Share,
    ),
    metric("handoff_rate", "measured.bot.handoff_rate", Unit::Share),
    metric("precision", "measured.triggers.precision", Unit::Share),
    metric("recall", "measured.triggers.recall", Unit::Share),
    metric(
        "missed_escalation_rate",
        "measured.triggers.missed_rate",
        Unit::Share,
    ),
    metric(
        "context_completeness",
        "measured.handoff.context_completeness",
        Unit::Share,
    ),
    metric(
        "repeat_contact_rate",
        "measured.handoff.repeat_contact_rate",
        Unit::Share,
    ),
    metric(
        "repeats_per_100_handoffs",
        "measured.handoff.repeats_per_100_handoffs",
        Unit::Count,
    ),
    metric(
        "repetition_rate",
        "measured.handoff.repetition_rate",
        Unit::Share,
    ),
    metric(
        "agent_time_per_resolved",
        "measured.handoff.agent_time_per_resolved_s",
        Unit::Seconds,
    ),
    metric("csat_delta", "measured.handoff.csat.delta", Unit::Score),
    metric("occupancy", "measured.occupancy", Unit::Share),
    metric(
        "last_week_handoff_rate",
        "daily.last_week.handoff_rate",
        Unit::Share,
    ),
    metric(
        "last_week_durable_containment",
        "daily.last_week.durable_containment",
        Unit::Share,
    ),
    metric(
        "last_week_precision",
        "daily.last_week.precision",
        Unit::Share,
    ),
];

/// A headline metric's name in words, as a contact-centre reader says it
/// (the short name stays the key in files, thresholds and `--set`).
pub fn prose(name: &str) -> Option<&'static str> {
    Some(match name {
        "service_level" => "service level",
        "asa" => "ASA",
        "probability_wait" => "P(wait > 0)",
        "abandonment" => "abandonment",
        "p95_queue_wait" => "queue wait p95",
        "aht" => "AHT",
        "clarification_time" => "clarification time",
        "post_handoff_fcr" => "post-handoff FCR",
        "containment" => "containment (AI resolved)",
        "durable_containment" => "durable containment",
        "repeats_per_100_handoffs" => "repeat contacts per 100 handoffs",
        "repetition_rate" => "customers who had to repeat",
        "agent_time_per_resolved" => "agent time per resolved contact",
        "handoff_rate" => "handoff rate",
        "precision" => "trigger precision",
        "recall" => "trigger recall",
        "missed_escalation_rate" => "missed escalations",
        "context_completeness" => "context completeness",
        "repeat_contact_rate" => "repeat contacts",
        "csat_delta" => "CSAT delta (escalated − automated)",
        "occupancy" => "occupancy (all pools)",
        "last_week_handoff_rate" => "handoff rate, last 7 days",
        "last_week_durable_containment" => "durable containment, last 7 days",
        "last_week_precision" => "trigger precision, last 7 days",
        _ => return None,
    })
}

/// The headline metrics, in report order.
pub fn headline() -> Vec<Metric> {
    HEADLINE
        .iter()
        .map(|&(name, path, unit)| Metric {
            name: name.into(),
            path: path.into(),
            unit,
        })
        .collect()
}

/// The metric named `name` (a headline name), or a metric for any other
/// `summary.json` path (unit guessed from the name).
pub fn resolve(name: &str) -> Metric {
    if let Some(m) = part_metric(name) {
        return m;
    }
    if let Some(&(name, path, unit)) = HEADLINE.iter().find(|m| m.0 == name) {
        return Metric {
            name: name.into(),
            path: path.into(),
            unit,
        };
    }
    let unit = if name.ends_with("_s") || name.contains("_s.") || name.contains("wait") {
        Unit::Seconds
    } else {
        Unit::Share
    };
    Metric {
        name: name.into(),
        path: name.into(),
        unit,
    }
}

impl Metric {
    /// The name in words ([`prose`]) — "service level, voice" for
    /// `service_level[voice]`, "occupancy, pool general" for
    /// `occupancy[general]` — or the key itself for a path.
    pub fn prose(&self) -> String {
        if let Some((base, part)) = split_part(&self.name) {
            let words = prose(base).unwrap_or(base);
            return if base == "occupancy" {
                format!("occupancy, pool {part}")
            } else {
                format!("{words}, {part}")
            };
        }
        prose(&self.name).unwrap_or(&self.name).to_string()
    }
}

/// The headline metrics that have a figure per channel (the human queue's
/// service figures).
pub const PER_CHANNEL: [&str; 3] = ["service_level", "asa", "abandonment"];

/// `service_level[voice]` → (`service_level`, `voice`).
fn split_part(name: &str) -> Option<(&str, &str)> {
    let (base, rest) = name.split_once('[')?;
    let part = rest.strip_suffix(']')?;
    (!part.is_empty() && HEADLINE.iter().any(|m| m.0 == base)).then_some((base, part))
}

/// A headline metric for one channel (`service_level[voice]`) or one pool
/// (`occupancy[general]`), or `None` when `name` is neither.
fn part_metric(name: &str) -> Option<Metric> {
    let (base, part) = split_part(name)?;
    let &(_, path, unit) = HEADLINE.iter().find(|m| m.0 == base)?;
    let path = if base == "occupancy" {
        format!("pools[{part}].occupancy")
    } else if PER_CHANNEL.contains(&base) {
        path.replacen("human_queue", &format!("by_channel.{part}"), 1)
    } else {
        return None;
    };
    Some(Metric {
        name: name.to_string(),
        path,
        unit,
    })
}

/// What replications, comparisons and sweeps report for these runs: the
/// headline metrics, then — where a run has two or more — each pool's
/// occupancy (`occupancy[general]`) and each channel's service level, ASA
/// and abandonment (`service_level[voice]`), so that no figure for one
/// part passes for the whole centre's.
pub fn reported(summaries: &[Value]) -> Vec<Metric> {
    let mut out = headline();
    let names = |key: &str| -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for s in summaries {
            let found: Vec<String> = match key {
                "pools" => s["pools"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| p["name"].as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => s["measured"]["by_channel"]
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default(),
            };
            for n in found {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
        }
        seen
    };
    let pools = names("pools");
    if pools.len() > 1 {
        out.extend(
            pools
                .iter()
                .filter_map(|p| part_metric(&format!("occupancy[{p}]"))),
        );
    }
    let channels = names("by_channel");
    if channels.len() > 1 {
        for base in PER_CHANNEL {
            out.extend(
                channels
                    .iter()
                    .filter_map(|c| part_metric(&format!("{base}[{c}]"))),
            );
        }
    }
    out
}

/// True for a headline name or a path of the documented shape.
pub fn is_known(name: &str) -> bool {
    HEADLINE.iter().any(|m| m.0 == name)
        || part_metric(name).is_some()
        || ["measured.", "pools[", "conversations.", "theory."]
            .iter()
            .any(|p| name.starts_with(p))
}

/// The node at `path` (`a.b[0].c`, or `pools[general].occupancy`: an
/// index that is not a number picks the element with that `name`) in a
/// summary's JSON, if there is one.
pub fn lookup<'a>(summary: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = summary;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, Some(rest.strip_suffix(']')?)),
            None => (part, None),
        };
        node = node.get(key)?;
        if let Some(index) = index {
            node = match index.parse::<usize>() {
                Ok(i) => node.get(i)?,
                Err(_) => node
                    .as_array()?
                    .iter()
                    .find(|e| e.get("name").and_then(Value::as_str) == Some(index))?,
            };
        }
    }
    Some(node)
}

/// One replication's value of a metric and its weight (the estimate's n; 1
/// for a plain number).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub value: f64,
    pub weight: f64,
}

/// The value at `path` (`a.b[0].c`) in a summary's JSON: an estimate gives
/// its value and n, a number itself with weight 1. `None` where the run has
/// no such figure (e.g. no bot).
pub fn observe(summary: &Value, path: &str) -> Option<Observation> {
    match lookup(summary, path)? {
        Value::Number(n) => Some(Observation {
            value: n.as_f64()?,
            weight: 1.0,
        }),
        // An estimate without observations is no figure at all.
        Value::Object(o) => Some(Observation {
            value: o.get("value")?.as_f64()?,
            weight: o.get("n")?.as_f64().filter(|&n| n > 0.0)?,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_headline_metric_has_words_and_a_path_keeps_its_key() {
        for m in headline() {
            let words = prose(&m.name).unwrap_or_else(|| panic!("{} has no prose", m.name));
            assert!(!words.contains('_'), "{words}");
            assert_eq!(m.prose(), words);
        }
        assert_eq!(
            resolve("measured.bot.turns_mean").prose(),
            "measured.bot.turns_mean"
        );
    }

    #[test]
    fn observes_estimates_and_numbers_by_path() {
        let summary: Value = serde_json::json!({
            "measured": {"human_queue": {"service_level": {"value": 0.8, "n": 120},
                                         "queue_wait_s": {"p95": 42.0}}},
            "pools": [{"occupancy": {"value": 0.7, "n": 32}}]
        });
        assert_eq!(
            observe(&summary, "measured.human_queue.service_level"),
            Some(Observation {
                value: 0.8,
                weight: 120.0
            })
        );
        assert_eq!(
            observe(&summary, "measured.human_queue.queue_wait_s.p95"),
            Some(Observation {
                value: 42.0,
                weight: 1.0
            })
        );
        assert_eq!(
            observe(&summary, "pools[0].occupancy").map(|o| o.value),
            Some(0.7)
        );
        assert_eq!(observe(&summary, "measured.bot.handoff_rate"), None);
    }
}

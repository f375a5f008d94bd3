//! The trigger rules as calibration names them: the thresholded rules a
//! sweep can move ([`Rule`]), the rules without a threshold that can only be
//! measured as one point ([`PointRule`]), and [`AnyRule`], either of them,
//! which `--only` runs alone with every other rule switched off.
//!
//! Never changes how a rule decides: a configuration is built from the
//! scenario's own settings (the engine is the one `run` uses).

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use handoff_logic::triggers::{
    Observation, TopicAction, TriggerConfig, TriggerKind, TurnSignals, best_sentiment, restatements,
};
use handoff_model::error::{Error, Result};

/// The thresholded rules `calibrate` can sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    ConfidenceThreshold,
    MaxFailedAttempts,
    MaxFailedInARow,
    SentimentThreshold,
    SentimentDrop,
    CircularRepeats,
    TopicConfidence,
}

/// Which side of the threshold fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Fires when the statistic is below the threshold (confidence).
    Below,
    /// Fires when the statistic is at or below it (sentiment).
    AtOrBelow,
    /// Fires when the statistic is at or above it (counts, a fall).
    AtOrAbove,
}

impl Direction {
    pub(crate) fn fires(self, statistic: f64, threshold: f64) -> bool {
        match self {
            Direction::Below => statistic < threshold,
            Direction::AtOrBelow => statistic <= threshold,
            Direction::AtOrAbove => statistic >= threshold,
        }
    }
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::ConfidenceThreshold,
        Rule::MaxFailedAttempts,
        Rule::MaxFailedInARow,
        Rule::SentimentThreshold,
        Rule::SentimentDrop,
        Rule::CircularRepeats,
        Rule::TopicConfidence,
    ];

    /// The rule's name: its `[triggers]` key (`topic_confidence` for the
    /// `confidence_below` of the topic rules).
    pub fn name(self) -> &'static str {
        match self {
            Rule::ConfidenceThreshold => "confidence_threshold",
            Rule::MaxFailedAttempts => "max_failed_attempts",
            Rule::MaxFailedInARow => "max_failed_in_a_row",
            Rule::SentimentThreshold => "sentiment_threshold",
            Rule::SentimentDrop => "sentiment_drop",
            Rule::CircularRepeats => "circular_repeats",
            Rule::TopicConfidence => "topic_confidence",
        }
    }

    /// What the threshold is, in words (for axes and headings).
    pub fn prose(self) -> &'static str {
        match self {
            Rule::ConfidenceThreshold => "bot confidence below which to escalate",
            Rule::MaxFailedAttempts => "failed bot answers before escalating",
            Rule::MaxFailedInARow => "failed bot answers in a row before escalating",
            Rule::SentimentThreshold => "message sentiment at or below which to escalate",
            Rule::SentimentDrop => "sentiment fall from the best earlier message",
            Rule::CircularRepeats => "restatements of one request before escalating",
            Rule::TopicConfidence => "topic rules' confidence below which to escalate",
        }
    }

    pub fn parse(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }

    pub fn direction(self) -> Direction {
        match self {
            Rule::ConfidenceThreshold | Rule::TopicConfidence => Direction::Below,
            Rule::SentimentThreshold => Direction::AtOrBelow,
            _ => Direction::AtOrAbove,
        }
    }

    /// The values the scenario accepts for the key (the sweep stays within
    /// them): confidences in [0, 1], sentiment in [−1, 1], a fall in
    /// (0, 2], counts from 1 (2 for restatements).
    pub fn valid(self) -> (f64, f64) {
        match self {
            Rule::ConfidenceThreshold | Rule::TopicConfidence => (0.0, 1.0),
            Rule::SentimentThreshold => (-1.0, 1.0),
            Rule::SentimentDrop => (0.0, 2.0),
            _ => (1.0, 100.0),
        }
    }

    /// Whether the threshold takes whole numbers.
    pub fn integer(self) -> bool {
        matches!(
            self,
            Rule::MaxFailedAttempts | Rule::MaxFailedInARow | Rule::CircularRepeats
        )
    }

    /// The scenario's setting, `None` when the rule is off.
    pub fn setting(self, config: &TriggerConfig) -> Option<f64> {
        match self {
            Rule::ConfidenceThreshold => config.confidence_threshold,
            Rule::MaxFailedAttempts => config.max_failed_attempts.map(f64::from),
            Rule::MaxFailedInARow => config.max_failed_in_a_row.map(f64::from),
            Rule::SentimentThreshold => config.sentiment_threshold,
            Rule::SentimentDrop => config.sentiment_drop,
            Rule::CircularRepeats => config.circular_repeats.map(f64::from),
            Rule::TopicConfidence => config.topics.iter().find_map(|t| match t.action {
                TopicAction::ConfidenceBelow(c) => Some(c),
                TopicAction::Always => None,
            }),
        }
    }

    /// The configuration with this rule at `threshold` (`None`: off).
    pub fn with(self, config: &TriggerConfig, threshold: Option<f64>) -> TriggerConfig {
        let mut c = config.clone();
        // Counts: a threshold between k − 1 and k fires from k on.
        let count = |t: f64| (t.ceil().max(1.0)) as u32;
        match self {
            Rule::ConfidenceThreshold => c.confidence_threshold = threshold,
            Rule::MaxFailedAttempts => c.max_failed_attempts = threshold.map(count),
            Rule::MaxFailedInARow => c.max_failed_in_a_row = threshold.map(count),
            Rule::SentimentThreshold => c.sentiment_threshold = threshold,
            Rule::SentimentDrop => c.sentiment_drop = threshold,
            Rule::CircularRepeats => c.circular_repeats = threshold.map(|t| count(t).max(2)),
            Rule::TopicConfidence => {
                for topic in &mut c.topics {
                    if let TopicAction::ConfidenceBelow(_) = topic.action {
                        // Off: the stricter confidence never fires.
                        topic.action = TopicAction::ConfidenceBelow(threshold.unwrap_or(0.0));
                    }
                }
            }
        }
        c
    }

    /// The rule's statistic on one turn (what its threshold is compared
    /// with), or `None` when the rule cannot fire on this turn.
    pub(crate) fn statistic(
        self,
        config: &TriggerConfig,
        observation: &Observation<'_>,
        signals: &TurnSignals,
    ) -> Option<f64> {
        match self {
            Rule::ConfidenceThreshold => Some(observation.ai_confidence),
            Rule::MaxFailedAttempts => Some(f64::from(observation.failed_attempts)),
            Rule::MaxFailedInARow => Some(f64::from(observation.failed_in_a_row)),
            Rule::SentimentThreshold => signals.sentiment,
            Rule::SentimentDrop => {
                let score = signals.sentiment?;
                let best = best_sentiment(observation.history);
                (score < 0.0 && best.is_finite()).then_some(best - score)
            }
            Rule::CircularRepeats => Some(f64::from(restatements(observation.history, signals))),
            Rule::TopicConfidence => {
                let intent = observation.recognised_intent?;
                config
                    .topics
                    .iter()
                    .any(|t| {
                        t.intent == intent && matches!(t.action, TopicAction::ConfidenceBelow(_))
                    })
                    .then_some(observation.ai_confidence)
            }
        }
    }
}

/// The rules without a threshold: each fires or not, so on a labelled set
/// it is one point (precision and recall), not a curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointRule {
    /// The customer asks for a human (`explicit_request`).
    ExplicitRequest,
    /// Urgency words (`urgency`).
    Urgency,
    /// The topic rules that always escalate (`[[triggers.topics]]` without
    /// `confidence_below`).
    Topic,
    /// A recent previous contact (`repeat_contact_window`: a window the
    /// sweep does not move).
    RepeatContact,
}

impl PointRule {
    pub const ALL: [PointRule; 4] = [
        PointRule::ExplicitRequest,
        PointRule::Urgency,
        PointRule::Topic,
        PointRule::RepeatContact,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PointRule::ExplicitRequest => "explicit_request",
            PointRule::Urgency => "urgency",
            PointRule::Topic => "topic",
            PointRule::RepeatContact => "repeat_contact",
        }
    }

    pub fn parse(name: &str) -> Option<PointRule> {
        PointRule::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The reason the engine reports when it fires.
    pub fn kind(self) -> TriggerKind {
        match self {
            PointRule::ExplicitRequest => TriggerKind::Explicit,
            PointRule::Urgency => TriggerKind::Urgency,
            PointRule::Topic => TriggerKind::Topic,
            PointRule::RepeatContact => TriggerKind::RepeatContact,
        }
    }

    /// Whether the scenario has the rule on.
    pub fn is_on(self, config: &TriggerConfig) -> bool {
        match self {
            PointRule::ExplicitRequest => config.explicit_request,
            PointRule::Urgency => config.urgency,
            PointRule::Topic => always_topics(config).next().is_some(),
            PointRule::RepeatContact => config.repeat_contact_window.is_some(),
        }
    }

    /// Whether `--only` needs the scenario's setting (a topic list, a
    /// window); the other two are switched on as they are.
    fn needs_setting(self) -> bool {
        matches!(self, PointRule::Topic | PointRule::RepeatContact)
    }

    /// The setting in words, for tables: "on", "window 48 h", "dispute".
    pub fn describe_setting(self, config: &TriggerConfig) -> String {
        match self {
            PointRule::ExplicitRequest | PointRule::Urgency => "on".into(),
            PointRule::Topic => always_topics(config)
                .map(|t| t.intent.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            PointRule::RepeatContact => config
                .repeat_contact_window
                .map_or("off".into(), |w| format!("window {} h", w / 3600.0)),
        }
    }
}

fn always_topics(
    config: &TriggerConfig,
) -> impl Iterator<Item = &handoff_logic::triggers::TopicRule> {
    config
        .topics
        .iter()
        .filter(|t| matches!(t.action, TopicAction::Always))
}

/// A rule of either kind, by the name `--only` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AnyRule {
    Swept(Rule),
    Point(PointRule),
}

impl AnyRule {
    pub fn parse(name: &str) -> Option<AnyRule> {
        Rule::parse(name)
            .map(AnyRule::Swept)
            .or_else(|| PointRule::parse(name).map(AnyRule::Point))
    }

    pub fn name(self) -> &'static str {
        match self {
            AnyRule::Swept(r) => r.name(),
            AnyRule::Point(r) => r.name(),
        }
    }

    /// The scenario's configuration with this rule alone on, at the
    /// scenario's setting; every other rule off. Sentiment scoring and its
    /// model are kept (they change no decision by themselves).
    pub fn alone(self, config: &TriggerConfig) -> TriggerConfig {
        let off = TriggerConfig {
            score_sentiment: config.score_sentiment,
            sentiment_model: config.sentiment_model,
            ..TriggerConfig::default()
        };
        let topics = |always: bool| {
            config
                .topics
                .iter()
                .filter(|t| matches!(t.action, TopicAction::Always) == always)
                .cloned()
                .collect()
        };
        match self {
            AnyRule::Swept(Rule::TopicConfidence) => TriggerConfig {
                topics: topics(false),
                ..off
            },
            AnyRule::Swept(rule) => rule.with(&off, rule.setting(config)),
            AnyRule::Point(PointRule::ExplicitRequest) => TriggerConfig {
                explicit_request: true,
                ..off
            },
            AnyRule::Point(PointRule::Urgency) => TriggerConfig {
                urgency: true,
                ..off
            },
            AnyRule::Point(PointRule::Topic) => TriggerConfig {
                topics: topics(true),
                ..off
            },
            AnyRule::Point(PointRule::RepeatContact) => TriggerConfig {
                repeat_contact_window: config.repeat_contact_window,
                ..off
            },
        }
    }
}

/// Every name `--only` takes, thresholded first.
pub fn only_names() -> String {
    Rule::ALL
        .iter()
        .map(|r| r.name())
        .chain(PointRule::ALL.iter().map(|r| r.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names of the rules without a threshold.
pub fn point_names() -> String {
    PointRule::ALL
        .iter()
        .map(|r| r.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `topic_confidence` moves every topic rule's `confidence_below` as one
/// value, so they must agree.
pub(crate) fn check_topic_thresholds(
    rule: Rule,
    config: &TriggerConfig,
    scenario: &Path,
) -> Result<()> {
    if rule != Rule::TopicConfidence {
        return Ok(());
    }
    let thresholds: BTreeSet<u64> = config
        .topics
        .iter()
        .filter_map(|t| match t.action {
            TopicAction::ConfidenceBelow(c) => Some(c.to_bits()),
            TopicAction::Always => None,
        })
        .collect();
    if thresholds.len() > 1 {
        return Err(Error::InvalidArgument {
            name: "rule",
            message: format!(
                "`topic_confidence` sweeps one threshold for every topic rule with `confidence_below`, but {} gives them different values; give them one value to calibrate it",
                scenario.display()
            ),
        });
    }
    Ok(())
}

/// `--only NAME`, checked against the scenario: an unknown name lists the
/// allowed ones; a rule that needs a setting the scenario does not give
/// (a thresholded rule that is off, no `always` topic, no repeat-contact
/// window) says so. `explicit_request` and `urgency` have nothing to set
/// and are switched on.
pub fn parse_only(name: &str, config: &TriggerConfig, scenario: &Path) -> Result<AnyRule> {
    let rule = AnyRule::parse(name).ok_or_else(|| Error::InvalidArgument {
        name: "only",
        message: format!(
            "unknown rule `{name}`; --only takes one of: {}",
            only_names()
        ),
    })?;
    let off = match rule {
        AnyRule::Swept(r) => r.setting(config).is_none(),
        AnyRule::Point(r) => r.needs_setting() && !r.is_on(config),
    };
    if off {
        return Err(Error::InvalidArgument {
            name: "only",
            message: format!(
                "rule `{name}` is off in {}: set it in [triggers] to measure it alone",
                scenario.display()
            ),
        });
    }
    if let AnyRule::Swept(r) = rule {
        check_topic_thresholds(r, config, scenario)?;
    }
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_logic::triggers::TopicRule;

    fn everything() -> TriggerConfig {
        TriggerConfig {
            explicit_request: true,
            confidence_threshold: Some(0.4),
            max_failed_attempts: Some(3),
            max_failed_in_a_row: Some(2),
            sentiment_threshold: Some(-0.6),
            sentiment_drop: Some(0.8),
            urgency: true,
            topics: vec![
                TopicRule {
                    intent: "dispute".into(),
                    action: TopicAction::ConfidenceBelow(0.7),
                },
                TopicRule {
                    intent: "fraud".into(),
                    action: TopicAction::Always,
                },
            ],
            repeat_contact_window: Some(48.0 * 3600.0),
            circular_repeats: Some(3),
            ..TriggerConfig::default()
        }
    }

    #[test]
    fn alone_switches_every_other_rule_off() {
        let config = everything();
        let alone = AnyRule::Swept(Rule::SentimentThreshold).alone(&config);
        assert_eq!(
            alone,
            TriggerConfig {
                sentiment_threshold: Some(-0.6),
                ..TriggerConfig::default()
            }
        );
        let explicit = AnyRule::Point(PointRule::ExplicitRequest).alone(&TriggerConfig::default());
        assert!(explicit.explicit_request);
        assert_eq!(
            explicit,
            TriggerConfig {
                explicit_request: true,
                ..TriggerConfig::default()
            }
        );
        let topic = AnyRule::Point(PointRule::Topic).alone(&config);
        assert_eq!(topic.topics.len(), 1);
        assert_eq!(topic.topics[0].intent, "fraud");
        let topic_confidence = AnyRule::Swept(Rule::TopicConfidence).alone(&config);
        assert_eq!(topic_confidence.topics.len(), 1);
        assert_eq!(topic_confidence.topics[0].intent, "dispute");
        assert!(
            !topic_confidence.explicit_request && topic_confidence.confidence_threshold.is_none()
        );
        let window = AnyRule::Point(PointRule::RepeatContact).alone(&config);
        assert_eq!(window.repeat_contact_window, Some(172_800.0));
        assert_eq!(window.circular_repeats, None);
    }

    #[test]
    fn only_refuses_unknown_names_and_rules_without_a_setting() {
        let err = parse_only("explicit", &everything(), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown rule `explicit`"), "{err}");
        assert!(
            err.contains("confidence_threshold") && err.contains("explicit_request"),
            "{err}"
        );
        let off = TriggerConfig::default();
        for name in ["confidence_threshold", "topic", "repeat_contact"] {
            let err = parse_only(name, &off, Path::new("s.toml")).unwrap_err();
            assert!(err.to_string().contains("is off in s.toml"), "{err}");
        }
        assert_eq!(
            parse_only("explicit_request", &off, Path::new("s.toml")).unwrap(),
            AnyRule::Point(PointRule::ExplicitRequest)
        );
    }
}

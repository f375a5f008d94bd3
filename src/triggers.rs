//! The trigger engine: decides, after each bot turn, whether to hand the
//! customer to a human and why.
//!
//! It sees only what a production engine could observe (the customer's text,
//! the AI's reported confidence, attempt counts), never the simulation's
//! ground truth. Pure and deterministic: no actors, no clock, no randomness,
//! so the same engine can be embedded in a real system or replayed on logs.
//!
//! This is the first trigger set (explicit request, confidence threshold,
//! failed attempts). Its interface — [`TriggerEngine::evaluate`] taking an
//! [`Observation`] and returning a [`Decision`] — is the seam the full engine
//! (sentiment, topics, repeat contact) grows behind.

use serde::Serialize;

/// Which rules are switched on, from the scenario's `[triggers]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerConfig {
    /// Escalate when the customer asks for a human.
    pub explicit_request: bool,
    /// Escalate when the AI's confidence is below this; `None` = rule off.
    pub confidence_threshold: Option<f64>,
    /// Escalate once this many bot answers have failed; `None` = rule off.
    pub max_failed_attempts: Option<u32>,
}

/// The kind of rule that fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    /// The customer asked for a human.
    Explicit,
    /// The AI's confidence was below the threshold.
    Confidence,
    /// Too many failed bot answers.
    FailedAttempts,
}

impl TriggerKind {
    pub const ALL: [TriggerKind; 3] = [
        TriggerKind::Explicit,
        TriggerKind::Confidence,
        TriggerKind::FailedAttempts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TriggerKind::Explicit => "explicit",
            TriggerKind::Confidence => "confidence",
            TriggerKind::FailedAttempts => "failed_attempts",
        }
    }
}

/// What the engine can observe after one bot turn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation<'a> {
    /// The customer's latest message.
    pub utterance: &'a str,
    /// The AI's reported confidence in its reply, in [0, 1].
    pub ai_confidence: f64,
    /// Bot answers the customer rejected before this turn.
    pub failed_attempts: u32,
}

/// One rule that fired, with the evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reason {
    pub kind: TriggerKind,
    /// The rule's evidence: confidence for [`TriggerKind::Confidence`], the
    /// failed count for [`TriggerKind::FailedAttempts`], 1 for explicit.
    pub score: f64,
}

/// The engine's verdict. Escalate iff at least one reason fired; reasons are
/// in [`TriggerKind`] order, so the first one is the most direct.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub reasons: Vec<Reason>,
}

impl Decision {
    pub fn escalate(&self) -> bool {
        !self.reasons.is_empty()
    }

    /// The reason reported when several fired.
    pub fn primary(&self) -> Option<TriggerKind> {
        self.reasons.first().map(|r| r.kind)
    }
}

/// Phrases that, as whole words, ask for a human.
const HUMAN_REQUESTS: [&str; 7] = [
    "human",
    "agent",
    "real person",
    "representative",
    "operator",
    "someone",
    "talk to a person",
];

/// The configured trigger rules.
///
/// Evaluating a turn needs no simulation:
///
/// ```
/// use handoff_sim::triggers::{Observation, TriggerConfig, TriggerEngine, TriggerKind};
///
/// let engine = TriggerEngine::new(TriggerConfig {
///     explicit_request: true,
///     confidence_threshold: Some(0.5),
///     max_failed_attempts: Some(3),
/// });
/// let decision = engine.evaluate(&Observation {
///     utterance: "This is useless, get me a real person!",
///     ai_confidence: 0.42,
///     failed_attempts: 1,
/// });
/// assert!(decision.escalate());
/// assert_eq!(decision.primary(), Some(TriggerKind::Explicit));
/// assert_eq!(decision.reasons.len(), 2); // explicit and low confidence
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerEngine {
    config: TriggerConfig,
}

impl TriggerEngine {
    pub fn new(config: TriggerConfig) -> TriggerEngine {
        TriggerEngine { config }
    }

    pub fn config(&self) -> &TriggerConfig {
        &self.config
    }

    /// Evaluates one turn. Pure: the same observation gives the same decision.
    pub fn evaluate(&self, observation: &Observation<'_>) -> Decision {
        let mut reasons = Vec::new();
        if self.config.explicit_request && asks_for_human(observation.utterance) {
            reasons.push(Reason {
                kind: TriggerKind::Explicit,
                score: 1.0,
            });
        }
        if let Some(threshold) = self.config.confidence_threshold
            && observation.ai_confidence < threshold
        {
            reasons.push(Reason {
                kind: TriggerKind::Confidence,
                score: observation.ai_confidence,
            });
        }
        if let Some(limit) = self.config.max_failed_attempts
            && observation.failed_attempts >= limit
        {
            reasons.push(Reason {
                kind: TriggerKind::FailedAttempts,
                score: f64::from(observation.failed_attempts),
            });
        }
        Decision { reasons }
    }
}

/// True when the text contains a request phrase as whole words, ignoring case
/// and punctuation. (No negation handling yet: "I don't need a human" matches.)
pub fn asks_for_human(text: &str) -> bool {
    let normalized: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let padded = format!(
        " {} ",
        normalized.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    HUMAN_REQUESTS
        .iter()
        .any(|phrase| padded.contains(&format!(" {phrase} ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> TriggerEngine {
        TriggerEngine::new(TriggerConfig {
            explicit_request: true,
            confidence_threshold: Some(0.5),
            max_failed_attempts: Some(3),
        })
    }

    fn observe(text: &str, confidence: f64, failed: u32) -> Decision {
        engine().evaluate(&Observation {
            utterance: text,
            ai_confidence: confidence,
            failed_attempts: failed,
        })
    }

    #[test]
    fn explicit_request_fires_on_whole_words_any_case() {
        assert_eq!(
            observe("Let me talk to an AGENT!!", 0.9, 0).primary(),
            Some(TriggerKind::Explicit)
        );
        assert_eq!(
            observe("a real   person, please", 0.9, 0).primary(),
            Some(TriggerKind::Explicit)
        );
        assert!(!observe("where is my order?", 0.9, 0).escalate());
        // "agents" in "reagents" is not a request.
        assert!(!observe("I ordered reagents", 0.9, 0).escalate());
    }

    #[test]
    fn confidence_below_threshold_fires_and_equal_does_not() {
        assert_eq!(
            observe("hi", 0.49, 0).primary(),
            Some(TriggerKind::Confidence)
        );
        assert!(!observe("hi", 0.5, 0).escalate());
    }

    #[test]
    fn failed_attempts_fire_at_the_limit() {
        assert!(!observe("hi", 0.9, 2).escalate());
        let decision = observe("hi", 0.9, 3);
        assert_eq!(decision.primary(), Some(TriggerKind::FailedAttempts));
        assert_eq!(decision.reasons[0].score, 3.0);
    }

    #[test]
    fn all_reasons_are_reported_in_order() {
        let decision = observe("operator", 0.1, 5);
        let kinds: Vec<_> = decision.reasons.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, TriggerKind::ALL.to_vec());
    }

    #[test]
    fn switched_off_rules_never_fire() {
        let off = TriggerEngine::new(TriggerConfig {
            explicit_request: false,
            confidence_threshold: None,
            max_failed_attempts: None,
        });
        let decision = off.evaluate(&Observation {
            utterance: "human please",
            ai_confidence: 0.0,
            failed_attempts: 50,
        });
        assert!(!decision.escalate());
    }
}

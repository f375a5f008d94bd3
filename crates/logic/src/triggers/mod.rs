//! The trigger engine: decides, after each bot turn, whether to hand the
//! customer to a human, and why.
//!
//! It sees only what a production engine could observe — the customer's
//! text, the AI's reported confidence and recognised intent, attempt counts,
//! the conversation so far and the customer's contact history — never the
//! simulation's ground truth. Pure and deterministic: no actors, no clock, no
//! randomness, so it can be embedded in a real system or replayed on logs.
//!
//! Three kinds of rule, each switchable ([`TriggerConfig`]):
//! - **explicit**: the customer asks for a human (negation-aware);
//! - **confidence**: reply confidence below a threshold; N failed attempts in
//!   total or in a row;
//! - **contextual**: negative sentiment or a falling sentiment trend (VADER,
//!   Hutto & Gilbert, ICWSM-14, via `vader-sentimental`, with a
//!   support-domain layer by default: [`sentiment`]), urgency words,
//!   topic rules on the recognised intent, a repeat contact within a window,
//!   and a circular conversation (the same message or intent restated).
//!
//! The explicit and sentiment detectors each end in a learned layer
//! (logistic regression, [`learned`]) trained on labelled messages by many
//! independent writers; the weights are committed beside the code and
//! reproducible from the dev part of `tests/data/`. Known limit: short
//! irony without a marker ("Amazing, so helpful.") still reads as praise.

pub mod learned;
pub mod request;
pub mod sentiment;
pub mod text;
pub mod vader;

use serde::Serialize;

pub use sentiment::SentimentModel;

/// What a topic rule does when the recognised intent matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TopicAction {
    /// Escalate at once.
    Always,
    /// Escalate when the confidence is below this (stricter) threshold.
    ConfidenceBelow(f64),
}

/// A topic rule: an intent (or category) that escalates always or sooner.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicRule {
    pub intent: String,
    pub action: TopicAction,
}

/// Which rules are on and their parameters, from the scenario's `[triggers]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerConfig {
    /// Escalate when the customer asks for a human.
    pub explicit_request: bool,
    /// Escalate when the AI's confidence is below this.
    pub confidence_threshold: Option<f64>,
    /// Escalate once this many bot answers failed in total.
    pub max_failed_attempts: Option<u32>,
    /// Escalate once this many bot answers failed in a row.
    pub max_failed_in_a_row: Option<u32>,
    /// Escalate when the message's sentiment (compound, −1…1) is at or below this.
    pub sentiment_threshold: Option<f64>,
    /// Escalate when the sentiment fell by at least this much from the
    /// conversation's best message to a negative latest message.
    pub sentiment_drop: Option<f64>,
    /// Escalate on urgency words.
    pub urgency: bool,
    pub topics: Vec<TopicRule>,
    /// Escalate when the customer's previous contact is at most this many
    /// seconds old.
    pub repeat_contact_window: Option<f64>,
    /// Escalate when the same message or the same recognised intent has now
    /// been stated this many times in a row.
    pub circular_repeats: Option<u32>,
    /// Score every message's sentiment even when no sentiment rule is on
    /// (the transfer policy and the context package use it).
    pub score_sentiment: bool,
    /// Which scorer gives the sentiment (`[triggers] sentiment_model`).
    pub sentiment_model: SentimentModel,
}

impl Default for TriggerConfig {
    /// Every rule off: an engine that never escalates (switch rules on with
    /// struct update syntax).
    fn default() -> Self {
        TriggerConfig {
            explicit_request: false,
            confidence_threshold: None,
            max_failed_attempts: None,
            max_failed_in_a_row: None,
            sentiment_threshold: None,
            sentiment_drop: None,
            urgency: false,
            topics: Vec::new(),
            repeat_contact_window: None,
            circular_repeats: None,
            score_sentiment: false,
            sentiment_model: SentimentModel::default(),
        }
    }
}

impl TriggerConfig {
    /// Only the explicit, confidence and failed-attempt rules.
    pub fn basic(confidence_threshold: f64, max_failed_attempts: u32) -> TriggerConfig {
        TriggerConfig {
            explicit_request: true,
            confidence_threshold: Some(confidence_threshold),
            max_failed_attempts: Some(max_failed_attempts),
            ..TriggerConfig::default()
        }
    }

    /// True when the engine computes each message's sentiment.
    pub fn scores_sentiment(&self) -> bool {
        self.score_sentiment || self.sentiment_threshold.is_some() || self.sentiment_drop.is_some()
    }
}

/// The three kinds of trigger of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerCategory {
    Explicit,
    Confidence,
    Contextual,
}

/// The rule that fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    /// The customer asked for a human.
    Explicit,
    /// A topic rule on the recognised intent.
    Topic,
    /// Urgency words.
    Urgency,
    /// The customer's previous contact was recent.
    RepeatContact,
    /// Negative sentiment in this message.
    Sentiment,
    /// Sentiment fell over the conversation.
    SentimentTrend,
    /// The same message or intent restated.
    Circular,
    /// The AI's confidence was below the threshold.
    Confidence,
    /// Too many failed bot answers in total.
    FailedAttempts,
    /// Too many failed bot answers in a row.
    FailedInARow,
}

impl TriggerKind {
    pub const ALL: [TriggerKind; 10] = [
        TriggerKind::Explicit,
        TriggerKind::Topic,
        TriggerKind::Urgency,
        TriggerKind::RepeatContact,
        TriggerKind::Sentiment,
        TriggerKind::SentimentTrend,
        TriggerKind::Circular,
        TriggerKind::Confidence,
        TriggerKind::FailedAttempts,
        TriggerKind::FailedInARow,
    ];

    /// The rule's name, as reported.
    pub fn name(self) -> &'static str {
        match self {
            TriggerKind::Explicit => "explicit_request",
            TriggerKind::Topic => "topic",
            TriggerKind::Urgency => "urgency",
            TriggerKind::RepeatContact => "repeat_contact",
            TriggerKind::Sentiment => "negative_sentiment",
            TriggerKind::SentimentTrend => "sentiment_trend",
            TriggerKind::Circular => "circular_conversation",
            TriggerKind::Confidence => "low_confidence",
            TriggerKind::FailedAttempts => "failed_attempts",
            TriggerKind::FailedInARow => "failed_in_a_row",
        }
    }

    pub fn category(self) -> TriggerCategory {
        match self {
            TriggerKind::Explicit => TriggerCategory::Explicit,
            TriggerKind::Confidence | TriggerKind::FailedAttempts | TriggerKind::FailedInARow => {
                TriggerCategory::Confidence
            }
            _ => TriggerCategory::Contextual,
        }
    }
}

/// What the engine derived from one customer message; the caller keeps these
/// as the conversation's history so earlier messages are never re-scored.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TurnSignals {
    /// VADER compound sentiment of the message, −1 … 1; `None` when the
    /// engine does not score sentiment (see [`TriggerConfig::score_sentiment`]).
    pub sentiment: Option<f64>,
    /// Hash of the normalised message text.
    pub fingerprint: u64,
    /// Hash of the recognised intent (0 when none).
    pub intent: u64,
}

/// What the engine can observe after one bot turn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation<'a> {
    /// The customer's latest message.
    pub utterance: &'a str,
    /// The AI's reported confidence in its reply, in [0, 1].
    pub ai_confidence: f64,
    /// The intent the AI recognised, if any.
    pub recognised_intent: Option<&'a str>,
    /// Bot answers the customer rejected before this turn.
    pub failed_attempts: u32,
    /// Of those, how many in a row just before this turn.
    pub failed_in_a_row: u32,
    /// Signals of the earlier messages of this conversation, oldest first.
    pub history: &'a [TurnSignals],
    /// Seconds since the customer's previous contact, if there was one.
    pub previous_contact_age: Option<f64>,
}

impl<'a> Observation<'a> {
    /// A first turn with only text and confidence (no history).
    pub fn new(utterance: &'a str, ai_confidence: f64) -> Observation<'a> {
        Observation {
            utterance,
            ai_confidence,
            recognised_intent: None,
            failed_attempts: 0,
            failed_in_a_row: 0,
            history: &[],
            previous_contact_age: None,
        }
    }
}

/// One rule that fired, with its evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reason {
    pub kind: TriggerKind,
    /// The rule's evidence: confidence, sentiment, failed count, contact age
    /// in seconds, restatement count; 1 for explicit, urgency and topic.
    pub score: f64,
}

/// The engine's verdict: escalate iff a reason fired. Reasons are in
/// [`TriggerKind`] order, most direct first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub reasons: Vec<Reason>,
    /// The signals of this turn's message, to append to the history.
    pub signals: TurnSignals,
}

impl Decision {
    pub fn escalate(&self) -> bool {
        !self.reasons.is_empty()
    }

    /// The reason reported when several fired.
    pub fn primary(&self) -> Option<TriggerKind> {
        self.reasons.first().map(|r| r.kind)
    }

    pub fn fired(&self, kind: TriggerKind) -> bool {
        self.reasons.iter().any(|r| r.kind == kind)
    }
}

/// Does this message ask for a human? The explicit-request rule's
/// detector ([`request::asks_for_human`]) on raw text.
pub fn asks_for_human(text: &str) -> bool {
    let normalized = text::normalize(text);
    request::asks_for_human(&text::tokens(&normalized))
}

/// The sentiment of `text` under `model`, −1 (very negative, frustrated) …
/// 1 (very positive): what the engine records for a message.
pub fn sentiment_of(model: SentimentModel, text: &str) -> f64 {
    let normalized = text::normalize(text);
    sentiment::score(model, text, &text::tokens(&normalized))
}

/// The best (highest) sentiment of the earlier messages; −∞ when none was
/// scored. The sentiment-trend rule measures the fall from it.
pub fn best_sentiment(history: &[TurnSignals]) -> f64 {
    history
        .iter()
        .filter_map(|h| h.sentiment)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// How many times in a row, this message included, the same text or the
/// same recognised intent has now been stated (the circular rule's count).
pub fn restatements(history: &[TurnSignals], signals: &TurnSignals) -> u32 {
    let restated = |same: &dyn Fn(&TurnSignals) -> bool| {
        1 + history.iter().rev().take_while(|h| same(h)).count() as u32
    };
    let same_text = restated(&|h| h.fingerprint == signals.fingerprint);
    let same_intent = if signals.intent == 0 {
        0
    } else {
        restated(&|h| h.intent == signals.intent)
    };
    same_text.max(same_intent)
}

/// The parts of one evaluation, in order: preparing the text (normalising,
/// tokens, fingerprint), then the three rule families of DESIGN.md
/// (sentiment scoring counts as contextual).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Text,
    Explicit,
    Contextual,
    Confidence,
}

impl Part {
    pub const ALL: [Part; 4] = [
        Part::Text,
        Part::Explicit,
        Part::Contextual,
        Part::Confidence,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Part::Text => "text",
            Part::Explicit => "explicit",
            Part::Contextual => "contextual",
            Part::Confidence => "confidence",
        }
    }
}

/// Told when each [`Part`] of an evaluation ends.
pub trait Probe {
    fn mark(&mut self, part: Part);
}

/// The probe of a plain [`TriggerEngine::evaluate`]: does nothing.
pub struct NoProbe;

impl Probe for NoProbe {
    #[inline(always)]
    fn mark(&mut self, _: Part) {}
}

/// The configured trigger rules.
///
/// Evaluating a turn needs no simulation:
///
/// ```
/// use handoff_logic::triggers::{Observation, TriggerConfig, TriggerEngine, TriggerKind};
///
/// let engine = TriggerEngine::new(TriggerConfig::basic(0.5, 3));
/// let decision = engine.evaluate(&Observation::new(
///     "This is useless, get me a real person!",
///     0.42,
/// ));
/// assert!(decision.escalate());
/// assert_eq!(decision.primary(), Some(TriggerKind::Explicit));
/// assert!(decision.fired(TriggerKind::Confidence));
/// // "I don't need a human" is not a request.
/// let calm = engine.evaluate(&Observation::new("I don't need a human, where is my parcel?", 0.9));
/// assert!(!calm.escalate());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerEngine {
    config: TriggerConfig,
    /// Topic rules with their intent hashed once.
    topics: Vec<(u64, TopicAction)>,
}

impl TriggerEngine {
    pub fn new(config: TriggerConfig) -> TriggerEngine {
        let topics = config
            .topics
            .iter()
            .map(|t| (text::hash_str(&t.intent), t.action))
            .collect();
        if config.scores_sentiment() {
            // Load the sentiment lexicons now, not inside the first decision.
            sentiment::warm_up();
        }
        TriggerEngine { config, topics }
    }

    /// Moves the confidence rule's threshold (a calibration step between
    /// decisions, e.g. a daily nudge towards a target precision). Has no
    /// effect when the confidence rule is off.
    pub fn set_confidence_threshold(&mut self, threshold: f64) {
        if let Some(t) = &mut self.config.confidence_threshold {
            *t = threshold;
        }
    }

    /// The confidence rule's threshold (`None`: the rule is off).
    pub fn confidence_threshold(&self) -> Option<f64> {
        self.config.confidence_threshold
    }

    pub fn config(&self) -> &TriggerConfig {
        &self.config
    }

    /// Evaluates one turn. Pure: the same observation gives the same decision.
    pub fn evaluate(&self, observation: &Observation<'_>) -> Decision {
        self.evaluate_probed(observation, &mut NoProbe)
    }

    /// [`evaluate`](Self::evaluate), telling `probe` when each part of the
    /// work ends ([`Part`]: text preparation, then the explicit, contextual
    /// and confidence rule families), so a caller can time them. The
    /// decision does not depend on the probe.
    pub fn evaluate_probed(
        &self,
        observation: &Observation<'_>,
        probe: &mut impl Probe,
    ) -> Decision {
        let reading = self.read_text(observation.utterance, probe);
        self.decide(observation, &reading, probe)
    }

    /// What the engine reads from a message's text alone (normalised
    /// fingerprint, explicit request, sentiment, urgency): a pure function of
    /// the text and the configuration, so a caller that sees the same text
    /// again — a templated message, a quick-reply button, the simulation's
    /// phrasebook — may keep it and pass it to [`decide`](Self::decide).
    /// Marks [`Part::Text`] and [`Part::Explicit`]; the sentiment scoring
    /// that follows belongs to the contextual part.
    pub fn read_text(&self, utterance: &str, probe: &mut impl Probe) -> TextReading {
        let c = &self.config;
        let normalized = text::normalize(utterance);
        let tokens = text::tokens(&normalized);
        let fingerprint = text::fingerprint(&tokens);
        probe.mark(Part::Text);
        let explicit = c.explicit_request && request::asks_for_human(&tokens);
        probe.mark(Part::Explicit);
        TextReading {
            fingerprint,
            explicit,
            sentiment: c
                .scores_sentiment()
                .then(|| sentiment::score(c.sentiment_model, utterance, &tokens)),
            urgent: c.urgency && text::is_urgent(&tokens),
        }
    }

    /// The decision for a turn whose text reads `reading` (from
    /// [`read_text`](Self::read_text) on `observation.utterance`). Marks
    /// [`Part::Contextual`] and [`Part::Confidence`].
    pub fn decide(
        &self,
        observation: &Observation<'_>,
        reading: &TextReading,
        probe: &mut impl Probe,
    ) -> Decision {
        let c = &self.config;
        let intent = observation.recognised_intent.map_or(0, text::hash_str);
        let mut reasons = Vec::new();
        let mut fire = |kind, score| reasons.push(Reason { kind, score });

        if reading.explicit {
            fire(TriggerKind::Explicit, 1.0);
        }
        let signals = TurnSignals {
            sentiment: reading.sentiment,
            fingerprint: reading.fingerprint,
            intent,
        };
        if intent != 0 {
            let topic_fires = self.topics.iter().any(|(hash, action)| {
                *hash == intent
                    && match *action {
                        TopicAction::Always => true,
                        TopicAction::ConfidenceBelow(t) => observation.ai_confidence < t,
                    }
            });
            if topic_fires {
                fire(TriggerKind::Topic, 1.0);
            }
        }
        if reading.urgent {
            fire(TriggerKind::Urgency, 1.0);
        }
        if let (Some(window), Some(age)) =
            (c.repeat_contact_window, observation.previous_contact_age)
            && age <= window
        {
            fire(TriggerKind::RepeatContact, age);
        }
        let score = signals.sentiment.unwrap_or(0.0);
        if let Some(threshold) = c.sentiment_threshold
            && score <= threshold
        {
            fire(TriggerKind::Sentiment, score);
        }
        if let Some(drop) = c.sentiment_drop {
            let best = best_sentiment(observation.history);
            if score < 0.0 && best - score >= drop {
                fire(TriggerKind::SentimentTrend, score - best);
            }
        }
        if let Some(repeats) = c.circular_repeats {
            let count = restatements(observation.history, &signals);
            if count >= repeats {
                fire(TriggerKind::Circular, f64::from(count));
            }
        }
        probe.mark(Part::Contextual);
        if let Some(threshold) = c.confidence_threshold
            && observation.ai_confidence < threshold
        {
            fire(TriggerKind::Confidence, observation.ai_confidence);
        }
        if let Some(limit) = c.max_failed_attempts
            && observation.failed_attempts >= limit
        {
            fire(
                TriggerKind::FailedAttempts,
                f64::from(observation.failed_attempts),
            );
        }
        if let Some(limit) = c.max_failed_in_a_row
            && observation.failed_in_a_row >= limit
        {
            fire(
                TriggerKind::FailedInARow,
                f64::from(observation.failed_in_a_row),
            );
        }
        probe.mark(Part::Confidence);
        Decision { reasons, signals }
    }
}

/// What [`TriggerEngine::read_text`] reads from a message's text alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextReading {
    /// Hash of the normalised text ([`TurnSignals::fingerprint`]).
    pub fingerprint: u64,
    /// The customer asks for a human (false when the rule is off).
    pub explicit: bool,
    /// Sentiment, when the engine scores it.
    pub sentiment: Option<f64>,
    /// Urgency words (false when the rule is off).
    pub urgent: bool,
}

#[cfg(test)]
mod tests;

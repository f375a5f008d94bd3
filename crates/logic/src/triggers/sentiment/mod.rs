//! Sentiment for the trigger engine: VADER, or VADER with a support-domain
//! layer (the default, `[triggers] sentiment_model = "support"`).
//!
//! VADER (Hutto & Gilbert, ICWSM-14, via `vader-sentimental`) is a
//! general-purpose lexicon scorer. On support messages that any agent reads
//! as frustrated it often scores near zero: complaints about repetition
//! ("this is the third time I'm asking"), unhelpfulness ("that doesn't
//! answer my question"), effort ("why is this so hard"), churn threats
//! ("I'll switch to another provider"), waiting ("I've been on hold for an
//! hour") and sarcasm ("Brilliant, the app crashed again"). It also scores
//! calm problem reports ("my package arrived damaged, can I get a
//! replacement?") as negative, though nobody is annoyed.
//!
//! The **support** model has two parts:
//! 1. *Cue rules* ([`cue_score`]): VADER's compound score `v` plus cue
//!    evidence from the message's words in six families (repetition,
//!    unhelpfulness, effort, churn, waiting, exasperation words), sarcasm
//!    (a positive VADER score next to a frustration cue or a marker such as
//!    "thanks for nothing"), calm requests (a polite request or question
//!    with no cue keeps a third of its negative VADER score: a problem
//!    report is not frustration) and shouting (capitals, "!!").
//! 2. A *learned layer*: an L2-penalised logistic regression of
//!    "frustrated" on VADER's score, the cue rules' score and flags,
//!    shouting, and the message's words and word pairs, trained on the dev
//!    part of `tests/data/frustration.tsv` ([`train`]; the weights are
//!    committed as `frustration_model.tsv`, and a test checks that they are
//!    what training on the dev part gives). Hand-written cues alone
//!    generalised poorly to messages by new writers (held-out AUC 0.76 to
//!    0.83); the words learned from the labelled set carry the rest.
//!
//! The score is `1 − 2p`, with p the layer's probability that the message
//! is frustrated: −1 … 1 like VADER's compound, negative when frustrated is
//! the likelier reading; −0.6 means p ≥ 0.8.
//!
//! Urgency is not frustration: "my card was stolen, block it now" is the
//! urgency rule's business, and scores calm here.
//!
//! Measured on `tests/data/frustration.tsv` (frustrated vs the rest, ROC
//! AUC on the held-out part): see the README.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use vader_sentimental::SentimentIntensityAnalyzer;

mod cues;
mod learned;

pub use crate::triggers::learned::{Learned, Training};
pub use cues::cue_score;
pub use learned::{MODEL, TRAINING, model_file, score_with, train};

use crate::triggers::learned::sigmoid;
use learned::{features, learned};

/// The support layer reads at most this many tokens of a message (the cue
/// rules look around each word, so an unbounded message would cost
/// quadratic time; support messages are far shorter).
pub const MAX_TOKENS: usize = 96;

/// Which scorer gives a message its sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentimentModel {
    /// VADER's compound score alone.
    Vader,
    /// VADER with the support-domain layer.
    #[default]
    Support,
}

impl SentimentModel {
    pub fn name(self) -> &'static str {
        match self {
            SentimentModel::Vader => "vader",
            SentimentModel::Support => "support",
        }
    }
}

fn analyzer() -> &'static SentimentIntensityAnalyzer<'static> {
    static ANALYZER: OnceLock<SentimentIntensityAnalyzer<'static>> = OnceLock::new();
    ANALYZER.get_or_init(SentimentIntensityAnalyzer::new)
}

/// VADER compound sentiment of `text`, −1 (very negative) … 1 (very
/// positive): the port in [`super::vader`] for ASCII text, the crate for
/// any other.
pub fn vader(text: &str) -> f64 {
    super::vader::compound(text).unwrap_or_else(|| vader_crate(text))
}

/// VADER as `vader-sentimental` computes it.
pub fn vader_crate(text: &str) -> f64 {
    analyzer().polarity_scores(text).compound
}

/// Loads the lexicons (so the first scored message does not pay for it).
pub fn warm_up() {
    super::vader::warm_up();
    vader_crate("warm up");
}

/// The message's sentiment under `model`. `tokens` are the normalised
/// tokens of `text` ([`super::text::tokens`]).
pub fn score(model: SentimentModel, text: &str, tokens: &[&str]) -> f64 {
    let v = vader(text);
    match model {
        SentimentModel::Vader => v,
        SentimentModel::Support => {
            let z = learned().logit(|emit| features(v, text, tokens, |f, x| emit(f.hash(), x)));
            1.0 - 2.0 * sigmoid(z)
        }
    }
}

#[cfg(test)]
mod tests;

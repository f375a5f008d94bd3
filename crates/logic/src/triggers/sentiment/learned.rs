//! The learned layer of the support model: its features (hashed words and
//! word pairs, VADER, the cue rules), the committed logistic-regression
//! weights (`frustration_model.tsv` beside this file), and the training
//! that reproduces them from the dev part ([`crate::triggers::learned`]
//! does the regression).

use std::sync::OnceLock;

use crate::triggers::learned::{self, Feature, Learned, Part, Row, Training, sigmoid};
use crate::triggers::text::is_clause_end;

use super::cues::{Cues, cue_score_with, shouting};
use super::*;

/// Does the word open a negation's scope?
fn is_negator(word: &str) -> bool {
    matches!(
        word,
        "not"
            | "no"
            | "never"
            | "dont"
            | "doesnt"
            | "didnt"
            | "isnt"
            | "wasnt"
            | "cant"
            | "cannot"
            | "wont"
            | "arent"
            | "havent"
            | "nothing"
    )
}

/// The learned layer's features of one message: VADER's score, the cue
/// rules' score and flags, shouting, and the message's words (those in a
/// negation's scope as their own features), word pairs and five-letter
/// stems (counts).
pub(super) fn features<'a>(
    v: f64,
    text: &str,
    tokens: &[&'a str],
    mut emit: impl FnMut(Feature<'a>, f64),
) {
    let tokens = &tokens[..tokens.len().min(MAX_TOKENS)];
    let cues = Cues::of(tokens);
    emit(Feature::named("bias"), 1.0);
    emit(Feature::named("vader"), v);
    let shout = shouting(text);
    emit(Feature::named("rules"), cue_score_with(v, shout, &cues));
    emit(Feature::named("shout"), shout);
    for (name, on) in cues.flags() {
        if on {
            emit(Feature::flag("cue:", name), 1.0);
        }
    }
    // Words in a negation's scope are other features ("not bad" is not
    // "bad"): the scope runs for three words or to the clause's end (Das &
    // Chen 2001; Pang, Lee & Vaithyanathan 2002).
    let mut negated = 0u8;
    let mut prev: Option<Part<'a>> = None;
    for t in tokens {
        if is_clause_end(t) {
            negated = 0;
        }
        let prefix = if negated > 0 { "n:" } else { "w:" };
        negated = if is_negator(t) {
            3
        } else {
            negated.saturating_sub(1)
        };
        let part = Part::new(t);
        emit(Feature::of(prefix, part), 1.0);
        if let Some(p) = prev {
            emit(Feature::pair("b:", p, part), 1.0);
        }
        prev = Some(part);
        // A crude stem: "frustrating", "frustrated" and "frustration" share
        // "frust" (a five-letter prefix stems English nearly as well as a
        // suffix stripper, at no cost).
        if t.len() > 6
            && let Some(stem) = t.get(..5)
        {
            emit(Feature::of("p:", Part::new(stem)), 1.0);
        }
    }
}

/// The committed weights: a logistic regression of "frustrated" on
/// [`features`], trained on the dev part of `tests/data/frustration.tsv`
/// ([`train`]).
pub const MODEL: &str = include_str!("frustration_model.tsv");

pub(super) fn learned() -> &'static Learned {
    static MODEL_WEIGHTS: OnceLock<Learned> = OnceLock::new();
    MODEL_WEIGHTS.get_or_init(|| Learned::parse(MODEL))
}

/// The support score of `text` (−1 … 1) under `model`'s weights (the
/// committed ones are [`MODEL`]; others come from [`train`]).
pub fn score_with(model: &Learned, text: &str) -> f64 {
    let normalized = crate::triggers::text::normalize(text);
    let tokens = crate::triggers::text::tokens(&normalized);
    let v = vader(text);
    let z = model.logit(|emit| features(v, text, &tokens, |f, x| emit(f.hash(), x)));
    1.0 - 2.0 * sigmoid(z)
}

/// How the committed weights were trained.
pub const TRAINING: Training = Training {
    l2: 0.0003,
    steps: 8000,
    learning_rate: 0.5,
    min_count: 2,
};

/// Trains the learned layer on `(message, frustrated)` pairs.
pub fn train(examples: &[(&str, bool)], options: Training) -> Vec<(String, f64)> {
    let rows: Vec<Row> = examples
        .iter()
        .map(|(text, frustrated)| {
            let normalized = crate::triggers::text::normalize(text);
            let tokens = crate::triggers::text::tokens(&normalized);
            let mut named = Vec::new();
            features(vader(text), text, &tokens, |f, x| named.push((f.name(), x)));
            (named, *frustrated)
        })
        .collect();
    learned::train(&rows, options)
}

/// The model file for trained weights.
pub fn model_file(weights: &[(String, f64)], options: Training, trained_on: usize) -> String {
    let header = format!(
        "The learned layer of the support sentiment model (triggers::sentiment::train):\n\
         logistic regression of frustrated vs the rest on the dev part of\n\
         tests/data/frustration.tsv ({trained_on} messages); l2 {}, {} steps, learning rate {}, min count {}.\n\
         Regenerate: UPDATE_MODEL=1 cargo test --release --test frustration -- --ignored train",
        options.l2, options.steps, options.learning_rate, options.min_count
    );
    learned::model_file(&header, weights)
}

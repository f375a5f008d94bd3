//! The learned layer: hashed word and word-pair features, the committed
//! logistic-regression weights (`frustration_model.tsv` beside this file),
//! and the training that reproduces them from the dev part.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use crate::triggers::text::{FNV_OFFSET, FNV_PRIME, hash_str as fnv};

use super::cues::{Cues, cue_score_with, shouting};
use super::*;

/// A feature of the learned layer: a name made of a prefix and up to two
/// tokens, hashed without allocating (FNV-1a over the name's bytes, so the
/// hash of a name written in the model file is the same).
#[derive(Debug, Clone, Copy)]
pub struct Feature<'a> {
    prefix: &'static str,
    pub(super) a: &'a str,
    pub(super) b: Option<&'a str>,
}

impl<'a> Feature<'a> {
    pub(super) fn named(prefix: &'static str) -> Feature<'a> {
        Feature {
            prefix,
            a: "",
            b: None,
        }
    }

    pub fn hash(&self) -> u64 {
        let mut h = FNV_OFFSET;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h = (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME);
            }
        };
        eat(self.prefix.as_bytes());
        eat(self.a.as_bytes());
        if let Some(b) = self.b {
            eat(b" ");
            eat(b.as_bytes());
        }
        h
    }

    pub fn name(&self) -> String {
        match self.b {
            Some(b) => format!("{}{} {b}", self.prefix, self.a),
            None => format!("{}{}", self.prefix, self.a),
        }
    }
}

/// The learned layer's features of one message: VADER's score, the cue
/// rules' score and flags, shouting, and the message's words and word
/// pairs (counts).
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
            emit(Feature::named(name), 1.0);
        }
    }
    for (i, t) in tokens.iter().enumerate() {
        emit(
            Feature {
                prefix: "w:",
                a: t,
                b: None,
            },
            1.0,
        );
        if let Some(next) = tokens.get(i + 1) {
            emit(
                Feature {
                    prefix: "b:",
                    a: t,
                    b: Some(next),
                },
                1.0,
            );
        }
    }
}

/// Hashes that are already well mixed (FNV-1a) need no second hash.
#[derive(Default)]
pub(super) struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Weights = HashMap<u64, f64, BuildHasherDefault<PassThrough>>;

/// The learned layer: a logistic regression of "frustrated" on
/// [`features`], trained on the dev part of `tests/data/frustration.tsv`
/// ([`train`]; the weights are in `frustration_model.tsv` beside this file).
pub struct Learned {
    pub(super) weights: Weights,
}

/// The committed weights.
pub const MODEL: &str = include_str!("frustration_model.tsv");

pub(super) fn learned() -> &'static Learned {
    static MODEL_WEIGHTS: OnceLock<Learned> = OnceLock::new();
    MODEL_WEIGHTS.get_or_init(|| Learned::parse(MODEL))
}

impl Learned {
    /// Reads `name<TAB>weight` lines (`#` starts a comment).
    pub fn parse(text: &str) -> Learned {
        let weights = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (name, weight) = l.rsplit_once('\t')?;
                Some((fnv(name), weight.parse().ok()?))
            })
            .collect();
        Learned { weights }
    }

    /// The support score of `text` under these weights (−1 … 1).
    pub fn score(&self, text: &str) -> f64 {
        let normalized = crate::triggers::text::normalize(text);
        let tokens = crate::triggers::text::tokens(&normalized);
        let v = vader(text);
        let z = self.logit(|emit| features(v, text, &tokens, |f, x| emit(f.hash(), x)));
        1.0 - 2.0 * sigmoid(z)
    }

    pub(super) fn logit(&self, each: impl FnOnce(&mut dyn FnMut(u64, f64))) -> f64 {
        let mut z = 0.0;
        each(&mut |hash, value| {
            if let Some(w) = self.weights.get(&hash) {
                z += w * value;
            }
        });
        z
    }
}

/// How the learned layer is trained.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    /// L2 penalty (not on the bias).
    pub l2: f64,
    /// Full-batch gradient steps.
    pub steps: usize,
    pub learning_rate: f64,
    /// Word and pair features seen in fewer training messages are dropped.
    pub min_count: usize,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            l2: 0.003,
            steps: 3000,
            learning_rate: 0.5,
            min_count: 2,
        }
    }
}

/// Trains the learned layer on `(message, frustrated)` pairs: L2-penalised
/// logistic regression by full-batch gradient descent (deterministic).
/// Returns the weights by feature name, sorted, rounded to 1e-6 and without
/// the ones that round to zero.
pub fn train(examples: &[(&str, bool)], options: Training) -> Vec<(String, f64)> {
    let rows: Vec<(Vec<(String, f64)>, bool)> = examples
        .iter()
        .map(|(text, frustrated)| {
            let normalized = crate::triggers::text::normalize(text);
            let tokens = crate::triggers::text::tokens(&normalized);
            let mut named = Vec::new();
            features(vader(text), text, &tokens, |f, x| named.push((f.name(), x)));
            (named, *frustrated)
        })
        .collect();
    // Vocabulary: every non-word feature, and words and pairs seen in at
    // least `min_count` messages.
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (named, _) in &rows {
        let distinct: std::collections::BTreeSet<&String> = named.iter().map(|(n, _)| n).collect();
        for n in distinct {
            *seen.entry(n.clone()).or_default() += 1;
        }
    }
    let vocabulary: Vec<String> = seen
        .into_iter()
        .filter(|(n, c)| !(n.starts_with("w:") || n.starts_with("b:")) || *c >= options.min_count)
        .map(|(n, _)| n)
        .collect();
    let index: HashMap<&str, usize> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let sparse: Vec<(Vec<(usize, f64)>, f64)> = rows
        .iter()
        .map(|(named, y)| {
            let x = named
                .iter()
                .filter_map(|(n, v)| index.get(n.as_str()).map(|i| (*i, *v)))
                .collect();
            (x, if *y { 1.0 } else { 0.0 })
        })
        .collect();
    let bias = index["bias"];
    let n = sparse.len().max(1) as f64;
    let mut w = vec![0.0; vocabulary.len()];
    let mut grad = vec![0.0; vocabulary.len()];
    for _ in 0..options.steps {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (x, y) in &sparse {
            let z: f64 = x.iter().map(|(i, v)| w[*i] * v).sum();
            let err = sigmoid(z) - y;
            for (i, v) in x {
                grad[*i] += err * v / n;
            }
        }
        for (i, wi) in w.iter_mut().enumerate() {
            let penalty = if i == bias { 0.0 } else { options.l2 * *wi };
            *wi -= options.learning_rate * (grad[i] + penalty);
        }
    }
    vocabulary
        .into_iter()
        .zip(w)
        .map(|(name, weight)| (name, (weight * 1e6).round() / 1e6))
        .filter(|(_, weight)| *weight != 0.0)
        .collect()
}

/// The model file for trained weights.
pub fn model_file(weights: &[(String, f64)], options: Training, trained_on: usize) -> String {
    let mut out = format!(
        "# The learned layer of the support sentiment model (triggers::sentiment::train):\n\
         # logistic regression of frustrated vs the rest on the dev part of\n\
         # tests/data/frustration.tsv ({trained_on} messages); l2 {}, {} steps, learning rate {}, min count {}.\n\
         # Regenerate: UPDATE_MODEL=1 cargo test --release --test frustration -- --ignored train\n",
        options.l2, options.steps, options.learning_rate, options.min_count
    );
    for (name, weight) in weights {
        out.push_str(&format!("{name}\t{weight}\n"));
    }
    out
}

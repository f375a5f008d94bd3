//! Logistic regression over hashed text features, shared by the learned
//! layers of the trigger engine (frustration in [`super::sentiment`],
//! explicit requests in [`super::request`]).
//!
//! A layer names its features ([`Feature`]: a prefix and up to two parts),
//! trains weights on labelled messages with [`train`] (L2-penalised,
//! full-batch gradient descent: deterministic, so the committed weights can
//! be checked against a fresh training run), and scores a message by
//! summing the weights of its features ([`Learned::logit`]), looked up by
//! hash without allocating.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use crate::triggers::text::{FNV_PRIME, hash_str as fnv};

/// Prefixes of the lexical features (words, words in a negation's scope,
/// word pairs, word stems, class bigrams): only
/// those seen in at least [`Training::min_count`] training messages are
/// kept. Every other feature (a rule's flag, a score) is always kept.
pub const LEXICAL: [&str; 5] = ["w:", "n:", "b:", "p:", "k:"];

/// A token of a feature's name, with its hash computed once: a message's
/// word takes part in several features (the word, its pairs), and each
/// feature's hash combines its parts' hashes instead of rehashing bytes.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    text: &'a str,
    hash: u64,
}

impl<'a> Part<'a> {
    pub fn new(text: &'a str) -> Part<'a> {
        Part {
            text,
            hash: fnv(text),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// A feature: a prefix and up to two parts. Its name is the prefix and
/// the parts joined by spaces ("b:talk to"); its hash combines the
/// prefix's and the parts' FNV-1a hashes, and [`hash_name`] gives the same
/// hash from the name, so a model file's weights are found without
/// allocating.
#[derive(Debug, Clone, Copy)]
pub struct Feature<'a> {
    prefix: &'static str,
    parts: [Option<Part<'a>>; 2],
}

/// One step of a feature's hash.
fn combine(h: u64, part: u64) -> u64 {
    (h.rotate_left(23) ^ part).wrapping_mul(FNV_PRIME)
}

/// The hash of a feature named `name`: the prefix runs to the first `:`
/// (the whole name without one), the parts follow it, split at spaces.
pub fn hash_name(name: &str) -> u64 {
    match name.find(':') {
        Some(at) => name[at + 1..]
            .split(' ')
            .fold(fnv(&name[..=at]), |h, part| combine(h, fnv(part))),
        None => fnv(name),
    }
}

impl<'a> Feature<'a> {
    /// A feature that is its name, without a `:` ("bias", "vader").
    pub fn named(name: &'static str) -> Feature<'a> {
        debug_assert!(!name.contains(':'), "{name}: use Feature::flag");
        Feature {
            prefix: name,
            parts: [None; 2],
        }
    }

    /// A rule's flag: `prefix` and the flag's name ("cue:" "churn").
    pub fn flag(prefix: &'static str, name: &'static str) -> Feature<'a> {
        Feature::of(prefix, Part::new(name))
    }

    /// `prefix` and one part ("w:again").
    pub fn of(prefix: &'static str, a: Part<'a>) -> Feature<'a> {
        Feature {
            prefix,
            parts: [Some(a), None],
        }
    }

    /// `prefix` and two parts ("b:talk to").
    pub fn pair(prefix: &'static str, a: Part<'a>, b: Part<'a>) -> Feature<'a> {
        Feature {
            prefix,
            parts: [Some(a), Some(b)],
        }
    }

    pub fn hash(&self) -> u64 {
        self.parts
            .iter()
            .flatten()
            .fold(fnv(self.prefix), |h, part| combine(h, part.hash))
    }

    pub fn name(&self) -> String {
        let mut name = self.prefix.to_string();
        for (k, part) in self.parts.iter().flatten().enumerate() {
            if k > 0 {
                name.push(' ');
            }
            name.push_str(part.text);
        }
        name
    }
}

/// Hashes that are already well mixed (FNV-1a) need no second hash.
#[derive(Default)]
pub struct PassThrough(u64);

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

/// Trained weights, by feature hash.
pub struct Learned {
    weights: Weights,
}

impl Learned {
    /// Reads `name<TAB>weight` lines (`#` starts a comment).
    pub fn parse(text: &str) -> Learned {
        let weights = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (name, weight) = l.rsplit_once('\t')?;
                Some((hash_name(name), weight.parse().ok()?))
            })
            .collect();
        Learned { weights }
    }

    /// Number of weights.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The weighted sum of the features `each` emits (hash, value);
    /// features without a weight count zero.
    pub fn logit(&self, each: impl FnOnce(&mut dyn FnMut(u64, f64))) -> f64 {
        let mut z = 0.0;
        each(&mut |hash, value| {
            if let Some(w) = self.weights.get(&hash) {
                z += w * value;
            }
        });
        z
    }
}

/// How a learned layer is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Training {
    /// L2 penalty (not on the bias).
    pub l2: f64,
    /// Full-batch gradient steps.
    pub steps: usize,
    pub learning_rate: f64,
    /// Lexical features ([`LEXICAL`]) seen in fewer training messages are
    /// dropped.
    pub min_count: usize,
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One training message: its features by name, and its label.
pub type Row = (Vec<(String, f64)>, bool);

/// Trains a logistic regression on `rows`: L2-penalised, full-batch
/// gradient descent from zero (deterministic). Returns the weights by
/// feature name, sorted, rounded to 1e-6 and without the ones that round to
/// zero. The rows must name a `bias` feature.
pub fn train(rows: &[Row], options: Training) -> Vec<(String, f64)> {
    // Vocabulary: every non-lexical feature, and lexical ones seen in at
    // least `min_count` messages.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (named, _) in rows {
        let distinct: BTreeSet<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
        for n in distinct {
            *seen.entry(n).or_default() += 1;
        }
    }
    let vocabulary: Vec<&str> = seen
        .into_iter()
        .filter(|(n, c)| !LEXICAL.iter().any(|p| n.starts_with(p)) || *c >= options.min_count)
        .map(|(n, _)| n)
        .collect();
    let index: HashMap<&str, usize> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, i))
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
    let bias = index.get("bias").copied();
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
            let penalty = if Some(i) == bias {
                0.0
            } else {
                options.l2 * *wi
            };
            *wi -= options.learning_rate * (grad[i] + penalty);
        }
    }
    vocabulary
        .into_iter()
        .zip(w)
        .map(|(name, weight)| (name.to_string(), (weight * 1e6).round() / 1e6))
        .filter(|(_, weight)| *weight != 0.0)
        .collect()
}

/// The `name<TAB>weight` lines of a model file, after its `header` (each
/// header line is written as a `#` comment).
pub fn model_file(header: &str, weights: &[(String, f64)]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    for (name, weight) in weights {
        out.push_str(&format!("{name}\t{weight}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(names: &[&str], y: bool) -> Row {
        let mut v: Vec<(String, f64)> = vec![("bias".into(), 1.0)];
        v.extend(names.iter().map(|n| (n.to_string(), 1.0)));
        (v, y)
    }

    #[test]
    fn training_separates_and_scores_by_hash() {
        let rows = vec![
            row(&["w:human"], true),
            row(&["w:human", "w:please"], true),
            row(&["w:bill"], false),
            row(&["w:bill", "w:please"], false),
        ];
        let options = Training {
            l2: 0.001,
            steps: 500,
            learning_rate: 0.5,
            min_count: 1,
        };
        let weights = train(&rows, options);
        let human = weights.iter().find(|(n, _)| n == "w:human").unwrap().1;
        let bill = weights.iter().find(|(n, _)| n == "w:bill").unwrap().1;
        assert!(human > 1.0 && bill < -1.0, "{weights:?}");
        let model = Learned::parse(&model_file("a test\nmodel", &weights));
        assert_eq!(model.len(), weights.len());
        let z = model.logit(|emit| {
            emit(Feature::named("bias").hash(), 1.0);
            emit(Feature::of("w:", Part::new("human")).hash(), 1.0);
        });
        assert!(sigmoid(z) > 0.8, "{z}");
    }

    #[test]
    fn rare_lexical_features_are_dropped_but_flags_kept() {
        let rows = vec![row(&["w:once", "flag"], true), row(&[], false)];
        let options = Training {
            l2: 0.01,
            steps: 50,
            learning_rate: 0.5,
            min_count: 2,
        };
        let names: Vec<String> = train(&rows, options).into_iter().map(|w| w.0).collect();
        assert!(names.contains(&"flag".to_string()));
        assert!(!names.contains(&"w:once".to_string()));
    }

    #[test]
    fn a_feature_hashes_as_its_name() {
        let (talk, to, ss) = (Part::new("talk"), Part::new("to"), Part::new(":"));
        for f in [
            Feature::pair("b:", talk, to),
            Feature::pair("k:", to, ss),
            Feature::of("w:", ss),
            Feature::named("bias"),
            Feature::flag("cue:", "churn"),
        ] {
            assert_eq!(f.hash(), hash_name(&f.name()), "{}", f.name());
        }
        assert_eq!(Feature::pair("k:", to, ss).name(), "k:to :");
        assert_ne!(
            Feature::pair("b:", talk, to).hash(),
            Feature::pair("b:", to, talk).hash()
        );
    }
}

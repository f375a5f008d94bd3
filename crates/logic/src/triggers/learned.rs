//! Logistic regression over hashed text features, shared by the learned
//! layers of the trigger engine (frustration in [`super::sentiment`],
//! explicit requests in [`super::request`]).
//!
//! A layer names its features ([`Feature`]: a prefix and up to two tokens),
//! trains weights on labelled messages with [`train`] (L2-penalised,
//! full-batch gradient descent: deterministic, so the committed weights can
//! be checked against a fresh training run), and scores a message by
//! summing the weights of its features ([`Learned::logit`]), looked up by
//! hash without allocating.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use crate::triggers::text::{FNV_OFFSET, FNV_PRIME, hash_str as fnv};

/// Prefixes of the lexical features (words, word pairs, word stems): only
/// those seen in at least [`Training::min_count`] training messages are
/// kept. Every other feature (a rule's flag, a score) is always kept.
pub const LEXICAL: [&str; 5] = ["w:", "n:", "b:", "p:", "k:"];

/// A feature: a name made of a prefix and up to two tokens, hashed without
/// allocating (FNV-1a over the name's bytes, so the hash of a name written
/// in a model file is the same).
#[derive(Debug, Clone, Copy)]
pub struct Feature<'a> {
    prefix: &'static str,
    a: &'a str,
    b: Option<&'a str>,
    c: Option<&'a str>,
}

impl<'a> Feature<'a> {
    /// A feature that is its name ("bias", "cue:churn").
    pub fn named(prefix: &'static str) -> Feature<'a> {
        Feature {
            prefix,
            a: "",
            b: None,
            c: None,
        }
    }

    /// `prefix` and one token ("w:again").
    pub fn of(prefix: &'static str, a: &'a str) -> Feature<'a> {
        Feature {
            prefix,
            a,
            b: None,
            c: None,
        }
    }

    /// `prefix` and two tokens ("b:talk to").
    pub fn pair(prefix: &'static str, a: &'a str, b: &'a str) -> Feature<'a> {
        Feature {
            prefix,
            a,
            b: Some(b),
            c: None,
        }
    }

    /// `prefix` and three tokens ("k:MOVE me to").
    pub fn triple(prefix: &'static str, a: &'a str, b: &'a str, c: &'a str) -> Feature<'a> {
        Feature {
            prefix,
            a,
            b: Some(b),
            c: Some(c),
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
        for part in [self.b, self.c].into_iter().flatten() {
            eat(b" ");
            eat(part.as_bytes());
        }
        h
    }

    pub fn name(&self) -> String {
        let mut name = format!("{}{}", self.prefix, self.a);
        for part in [self.b, self.c].into_iter().flatten() {
            name.push(' ');
            name.push_str(part);
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
                Some((fnv(name), weight.parse().ok()?))
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
            emit(Feature::of("w:", "human").hash(), 1.0);
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
    fn a_pair_hashes_as_its_name() {
        let f = Feature::pair("b:", "talk", "to");
        assert_eq!(f.name(), "b:talk to");
        assert_eq!(f.hash(), fnv("b:talk to"));
    }
}

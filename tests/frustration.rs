//! Frustration scoring on its labelled set (`tests/data/frustration.tsv`,
//! written for this purpose): frustrated vs the rest (neutral, positive,
//! urgent but calm), ROC AUC of −sentiment. Tuned on the dev part; the test
//! part is held out and must reach an AUC of 0.9 with the support model.

use handoff_sim::triggers::{SentimentModel, sentiment_of};

struct Example {
    split: String,
    label: String,
    text: String,
}

fn corpus() -> Vec<Example> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/frustration.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("split\tlabel\ttext"));
    lines
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 3, "{line}");
            Example {
                split: f[0].into(),
                label: f[1].into(),
                text: f[2].into(),
            }
        })
        .collect()
}

/// ROC AUC: the probability that a frustrated message scores more negative
/// than another (ties count half).
fn auc(split: &str, model: SentimentModel, show: bool) -> (f64, usize, usize) {
    let part: Vec<(bool, f64, &Example)> = Vec::new();
    let corpus = corpus();
    let mut part = part;
    for e in corpus.iter().filter(|e| e.split == split) {
        part.push((e.label == "frustrated", -sentiment_of(model, &e.text), e));
    }
    let pos: Vec<f64> = part.iter().filter(|p| p.0).map(|p| p.1).collect();
    let neg: Vec<f64> = part.iter().filter(|p| !p.0).map(|p| p.1).collect();
    let mut wins = 0.0;
    for p in &pos {
        for n in &neg {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    if show {
        let mut sorted: Vec<_> = part
            .iter()
            .map(|(f, s, e)| (*s, *f, e.label.as_str(), e.text.as_str()))
            .collect();
        sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (s, f, label, text) in sorted {
            eprintln!("{s:+.2} {} {label:>12} {text}", if f { "*" } else { " " });
        }
    }
    (wins / (pos.len() * neg.len()) as f64, pos.len(), neg.len())
}

#[test]
fn the_set_is_as_specified() {
    let corpus = corpus();
    assert!(corpus.len() >= 150);
    for label in ["frustrated", "neutral", "positive", "urgent_calm"] {
        for split in ["dev", "test"] {
            assert!(
                corpus
                    .iter()
                    .filter(|e| e.label == label && e.split == split)
                    .count()
                    >= 15,
                "{label} {split}"
            );
        }
    }
}

#[test]
fn held_out_frustration_auc_is_at_least_0_9() {
    let (support, pos, neg) = auc("test", SentimentModel::Support, false);
    let (vader, ..) = auc("test", SentimentModel::Vader, false);
    eprintln!(
        "test part ({pos} frustrated, {neg} other): AUC support {support:.3}, VADER {vader:.3}"
    );
    assert!(support >= 0.9, "{support}");
    assert!(support > vader);
}

/// `cargo test --release --test frustration -- --ignored --nocapture`: the
/// dev part ranked by score, for tuning (never the test part).
#[test]
#[ignore]
fn dev_ranking() {
    let (support, ..) = auc("dev", SentimentModel::Support, true);
    let (vader, ..) = auc("dev", SentimentModel::Vader, false);
    eprintln!("dev: AUC support {support:.3}, VADER {vader:.3}");
}

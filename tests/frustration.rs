//! Frustration scoring on its labelled set (`tests/data/frustration.tsv`;
//! labelling policy and held-out protocol in `tests/data/README.md`):
//! frustrated vs the rest (neutral, positive, urgent but calm). The support
//! model's learned layer is trained on the dev part only. The `test` rounds
//! are held out: round 4 (the first held-out part: AUC ≥ 0.9) and rounds
//! 11–13, the fresh rounds by writers who never saw the detectors or
//! another round (F1 ≥ 0.92 each).
//!
//! `round` says which writing round a message came from: every other round
//! was scored once as `test`, then folded into dev (README).

use handoff_sim::triggers::sentiment::{self, Training};
use handoff_sim::triggers::{SentimentModel, sentiment_of};

struct Example {
    split: String,
    round: u32,
    label: String,
    text: String,
}

fn corpus() -> Vec<Example> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/frustration.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("split\tround\tlabel\ttext"));
    lines
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "{line}");
            Example {
                split: f[0].into(),
                round: f[1].parse().unwrap(),
                label: f[2].into(),
                text: f[3].into(),
            }
        })
        .collect()
}

/// ROC AUC: the probability that a frustrated message scores higher than
/// another (ties count half).
fn auc(scored: &[(bool, f64)]) -> f64 {
    let pos: Vec<f64> = scored.iter().filter(|p| p.0).map(|p| p.1).collect();
    let neg: Vec<f64> = scored.iter().filter(|p| !p.0).map(|p| p.1).collect();
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
    wins / (pos.len() * neg.len()) as f64
}

fn auc_of(part: &[&Example], model: SentimentModel) -> f64 {
    let scored: Vec<(bool, f64)> = part
        .iter()
        .map(|e| (e.label == "frustrated", -sentiment_of(model, &e.text)))
        .collect();
    auc(&scored)
}

fn part<'a>(corpus: &'a [Example], split: &str) -> Vec<&'a Example> {
    corpus.iter().filter(|e| e.split == split).collect()
}

fn training_pairs<'a>(examples: &[&'a Example]) -> Vec<(&'a str, bool)> {
    examples
        .iter()
        .map(|e| (e.text.as_str(), e.label == "frustrated"))
        .collect()
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

/// The first held-out part (round 4, written by the same process as the
/// dev part) keeps an AUC of at least 0.9 and above VADER's.
#[test]
fn held_out_frustration_auc_is_at_least_0_9() {
    let corpus = corpus();
    let test: Vec<&Example> = corpus.iter().filter(|e| e.round == 4).collect();
    assert!(test.iter().all(|e| e.split == "test"));
    let support = auc_of(&test, SentimentModel::Support);
    let vader = auc_of(&test, SentimentModel::Vader);
    let frustrated = test.iter().filter(|e| e.label == "frustrated").count();
    eprintln!(
        "round 4 ({frustrated} frustrated, {} other): AUC support {support:.3}, VADER {vader:.3}",
        test.len() - frustrated
    );
    assert!(support >= 0.9, "{support}");
    assert!(support > vader);
}

#[test]
fn the_committed_model_is_trained_on_the_dev_part() {
    let corpus = corpus();
    let dev = part(&corpus, "dev");
    let weights = sentiment::train(&training_pairs(&dev), sentiment::TRAINING);
    let expected = sentiment::model_file(&weights, sentiment::TRAINING, dev.len());
    assert!(
        expected == sentiment::MODEL,
        "frustration_model.tsv is stale: regenerate it (UPDATE_MODEL=1 cargo test --release --test frustration -- --ignored train)"
    );
}

/// `UPDATE_MODEL=1 cargo test --release --test frustration -- --ignored train`
/// writes `crates/logic/src/triggers/sentiment/frustration_model.tsv` from the dev part.
#[test]
#[ignore]
fn train() {
    let corpus = corpus();
    let dev = part(&corpus, "dev");
    let weights = sentiment::train(&training_pairs(&dev), sentiment::TRAINING);
    let file = sentiment::model_file(&weights, sentiment::TRAINING, dev.len());
    if std::env::var("UPDATE_MODEL").is_ok() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/logic/src/triggers/sentiment/frustration_model.tsv"
        );
        std::fs::write(path, &file).unwrap();
        eprintln!("wrote {path}: {} weights", weights.len());
    }
}

/// Precision, recall and F1 of "frustrated" for the messages scoring at or
/// below `threshold` (the sentiment rule's test).
fn f1_at(part: &[&Example], threshold: f64) -> (u32, u32, u32, f64) {
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for e in part {
        let fired = sentiment_of(SentimentModel::Support, &e.text) <= threshold;
        match (fired, e.label == "frustrated") {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            _ => {}
        }
    }
    let f1 = 2.0 * f64::from(tp) / f64::from(2 * tp + fp + fn_);
    (tp, fp, fn_, f1)
}

/// The rounds written by writers who never saw the detectors or another
/// round, kept out of training (tests/data/README.md).
const FRESH_ROUNDS: [u32; 3] = [11, 12, 13];

/// The decision threshold the F1 figures use: p ≥ 0.5 (a score ≤ 0),
/// chosen by leave-one-writer-out validation (`writers`).
const F1_THRESHOLD: f64 = 0.0;

/// On each fresh round: F1 ≥ 0.92 at the validated threshold.
#[test]
fn fresh_rounds_reach_f1_0_92() {
    let corpus = corpus();
    for round in FRESH_ROUNDS {
        let part: Vec<&Example> = corpus.iter().filter(|e| e.round == round).collect();
        assert!(part.iter().all(|e| e.split == "test"));
        let (tp, fp, fn_, f1) = f1_at(&part, F1_THRESHOLD);
        let (pl, ph) = handoff_sim::score::wilson(tp.into(), (tp + fp).into());
        let (rl, rh) = handoff_sim::score::wilson(tp.into(), (tp + fn_).into());
        eprintln!(
            "round {round}: AUC {:.3}, precision {:.3} ({pl:.3}–{ph:.3}, n {}), recall {:.3} ({rl:.3}–{rh:.3}, n {}), F1 {f1:.3}",
            auc_of(&part, SentimentModel::Support),
            f64::from(tp) / f64::from(tp + fp),
            tp + fp,
            f64::from(tp) / f64::from(tp + fn_),
            tp + fn_,
        );
        assert!(f1 >= 0.92, "round {round}: F1 {f1:.3}");
    }
    // Without the fresh lines that repeat a dev line word for word (short
    // stock phrases: "thanks for nothing"), which could flatter them.
    let key = |t: &str| {
        let n = handoff_sim::triggers::text::normalize(t);
        handoff_sim::triggers::text::tokens(&n).join(" ")
    };
    let dev_lines: std::collections::BTreeSet<String> =
        part(&corpus, "dev").iter().map(|e| key(&e.text)).collect();
    let unseen: Vec<&Example> = corpus
        .iter()
        .filter(|e| FRESH_ROUNDS.contains(&e.round) && !dev_lines.contains(&key(&e.text)))
        .collect();
    let (_, _, _, f1) = f1_at(&unseen, F1_THRESHOLD);
    eprintln!(
        "fresh rounds pooled, lines not in dev ({}): F1 {f1:.3}",
        unseen.len()
    );
    assert!(f1 >= 0.92, "{f1}");
}

/// `cargo test --release --test frustration -- --ignored --nocapture by_round`:
/// each round's AUC, and precision, recall and F1 at a few thresholds, with
/// 95 % Wilson intervals.
#[test]
#[ignore]
fn by_round() {
    let corpus = corpus();
    let rounds: std::collections::BTreeSet<(u32, String)> =
        corpus.iter().map(|e| (e.round, e.split.clone())).collect();
    for (round, split) in rounds {
        let part: Vec<&Example> = corpus
            .iter()
            .filter(|e| e.round == round && e.split == split)
            .collect();
        let mut line = format!(
            "round {round} ({split}, n {}): AUC {:.3}",
            part.len(),
            auc_of(&part, SentimentModel::Support)
        );
        for threshold in [-0.6, -0.05, 0.0] {
            let (tp, fp, fn_, f1) = f1_at(&part, threshold);
            let (pl, ph) = handoff_sim::score::wilson(tp.into(), (tp + fp).into());
            let (rl, rh) = handoff_sim::score::wilson(tp.into(), (tp + fn_).into());
            line += &format!(
                " | at {threshold}: P {:.3} ({pl:.2}-{ph:.2}) R {:.3} ({rl:.2}-{rh:.2}) F1 {f1:.3}",
                f64::from(tp) / f64::from(tp + fp),
                f64::from(tp) / f64::from(tp + fn_),
            );
        }
        eprintln!("{line}");
    }
}

/// Leave one independent writer's dev round (6 and up) out, train on the
/// rest of the dev part: each left-out round with its model.
fn leave_one_writer_out<'a>(
    dev: &[&'a Example],
    options: Training,
) -> Vec<(u32, Vec<&'a Example>, sentiment::Learned)> {
    let writers: std::collections::BTreeSet<u32> =
        dev.iter().map(|e| e.round).filter(|r| *r >= 6).collect();
    writers
        .into_iter()
        .map(|round| {
            let (held, rest): (Vec<&Example>, Vec<&Example>) =
                dev.iter().partition(|e| e.round == round);
            let model = sentiment::Learned::parse(&sentiment::model_file(
                &sentiment::train(&training_pairs(&rest), options),
                options,
                rest.len(),
            ));
            (round, held, model)
        })
        .collect()
}

/// `cargo test --release --test frustration -- --ignored --nocapture writers`:
/// leave one independent writer's dev round (6 and up) out, train on the rest
/// of the dev part, and score the left-out round: AUC and F1 at a few
/// thresholds (how TRAINING was chosen, without the fresh rounds).
#[test]
#[ignore]
fn writers() {
    let corpus = corpus();
    let dev = part(&corpus, "dev");
    for (l2, steps) in [
        (0.001, 3000),
        (0.0003, 3000),
        (0.0003, 8000),
        (0.0001, 8000),
    ] {
        let options = Training {
            l2,
            steps,
            ..sentiment::TRAINING
        };
        let mut f1s = vec![Vec::new(); 4];
        let mut line = format!("l2 {l2} steps {steps}:");
        for (round, held, model) in leave_one_writer_out(&dev, options) {
            let scored: Vec<(bool, f64)> = held
                .iter()
                .map(|e| {
                    (
                        e.label == "frustrated",
                        sentiment::score_with(&model, &e.text),
                    )
                })
                .collect();
            let neg: Vec<(bool, f64)> = scored.iter().map(|(y, s)| (*y, -s)).collect();
            line += &format!("  {round}: AUC {:.3} F1", auc(&neg));
            for (k, t) in [-0.4, -0.2, 0.0, 0.2].iter().enumerate() {
                let tp = scored.iter().filter(|(y, s)| *y && s <= t).count() as f64;
                let fp = scored.iter().filter(|(y, s)| !*y && s <= t).count() as f64;
                let fn_ = scored.iter().filter(|(y, s)| *y && s > t).count() as f64;
                let f1 = 2.0 * tp / (2.0 * tp + fp + fn_);
                f1s[k].push(f1);
                line += &format!(" {f1:.3}");
            }
        }
        let means: Vec<String> = f1s
            .iter()
            .map(|v| format!("{:.3}", v.iter().sum::<f64>() / v.len() as f64))
            .collect();
        eprintln!("{line}  | mean F1 at -0.4/-0.2/0/0.2: {}", means.join(" "));
    }
}

/// `cargo test --release --test frustration -- --ignored --nocapture writer_errors`:
/// the leave-one-writer-out errors on the independent writers' dev rounds at threshold 0.
#[test]
#[ignore]
fn writer_errors() {
    let corpus = corpus();
    let dev = part(&corpus, "dev");
    for (round, held, model) in leave_one_writer_out(&dev, sentiment::TRAINING) {
        for e in held {
            let s = sentiment::score_with(&model, &e.text);
            if (s <= 0.0) != (e.label == "frustrated") {
                eprintln!("{round} {:>11} {s:+.2} {}", e.label, e.text);
            }
        }
    }
}

/// `PROBE='text|text' cargo test --release --test frustration -- --ignored --nocapture probe`:
/// the support score of each text.
#[test]
#[ignore]
fn probe() {
    for text in std::env::var("PROBE").unwrap_or_default().split('|') {
        eprintln!(
            "{:+.3} (vader {:+.3}) {text}",
            sentiment_of(SentimentModel::Support, text),
            sentiment_of(SentimentModel::Vader, text)
        );
    }
}

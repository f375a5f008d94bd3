//! The explicit-request detector on its labelled corpus
//! (`tests/data/explicit_requests.tsv`; labelling policy and held-out
//! protocol in `tests/data/README.md`). The learned layer is trained on the
//! dev part only (a test checks the committed weights are what training
//! gives); the `test` rounds are held out: round 2 (the first corpus's
//! held-out part) and rounds 23–25, the second cycle's fresh rounds by
//! writers who never saw the rules or any other round.

use std::collections::BTreeSet;

use handoff_sim::score::wilson;
use handoff_sim::triggers::request::{self, THRESHOLD, TRAINING};
use handoff_sim::triggers::{asks_for_human, learned::Learned, text};

struct Example {
    split: String,
    round: u32,
    label: bool,
    kind: String,
    text: String,
}

fn corpus() -> Vec<Example> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/explicit_requests.tsv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("split\tround\tlabel\tkind\ttext"));
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 5, "{line}");
            Example {
                split: fields[0].to_string(),
                round: fields[1].parse().unwrap(),
                label: fields[2] == "1",
                kind: fields[3].to_string(),
                text: fields[4].to_string(),
            }
        })
        .collect()
}

/// The rounds written by writers who never saw the rules or another round,
/// kept out of training (tests/data/README.md).
const FRESH_ROUNDS: [u32; 3] = [23, 24, 25];

#[derive(Debug, Default, Clone, Copy)]
struct Scores {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Scores {
    fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from(self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from(self.tp + self.fn_)
    }
    fn line(&self) -> String {
        let (pl, ph) = wilson(self.tp.into(), (self.tp + self.fp).into());
        let (rl, rh) = wilson(self.tp.into(), (self.tp + self.fn_).into());
        format!(
            "precision {:.3} ({pl:.3}–{ph:.3}, n {}), recall {:.3} ({rl:.3}–{rh:.3}, n {})",
            self.precision(),
            self.tp + self.fp,
            self.recall(),
            self.tp + self.fn_
        )
    }
}

fn score<'a>(
    part: impl IntoIterator<Item = &'a Example>,
    detector: impl Fn(&str) -> bool,
    show_errors: bool,
) -> Scores {
    let mut s = Scores::default();
    for e in part {
        let fired = detector(&e.text);
        match (fired, e.label) {
            (true, true) => s.tp += 1,
            (true, false) => s.fp += 1,
            (false, true) => s.fn_ += 1,
            (false, false) => s.tn += 1,
        }
        if show_errors && fired != e.label {
            eprintln!(
                "{} {:>18} {}",
                if fired { "FP" } else { "FN" },
                e.kind,
                e.text
            );
        }
    }
    s
}

fn keywords(message: &str) -> bool {
    text::keyword_baseline(&text::tokens(&text::normalize(message)))
}

fn rules(message: &str) -> bool {
    request::rule_asks(&text::tokens(&text::normalize(message)))
}

fn dev(corpus: &[Example]) -> Vec<&Example> {
    corpus.iter().filter(|e| e.split == "dev").collect()
}

fn round(corpus: &[Example], round: u32) -> Vec<&Example> {
    corpus.iter().filter(|e| e.round == round).collect()
}

fn pairs<'a>(examples: &[&'a Example]) -> Vec<(&'a str, bool)> {
    examples
        .iter()
        .map(|e| (e.text.as_str(), e.label))
        .collect()
}

#[test]
fn the_corpus_is_as_specified() {
    let corpus = corpus();
    assert!(corpus.len() >= 2000);
    let hard = corpus
        .iter()
        .filter(|e| !e.label && e.kind != "plain")
        .count();
    assert!(
        hard as f64 >= 0.35 * corpus.len() as f64,
        "{hard} hard negatives"
    );
    for r in FRESH_ROUNDS {
        let part = round(&corpus, r);
        assert!(part.iter().all(|e| e.split == "test"), "round {r}");
        assert!(part.len() >= 150 && part.iter().filter(|e| e.label).count() >= 60);
    }
    // The policy's cases are labelled in the dev part and in fresh rounds.
    for kind in [
        "typo",
        "chatspeak",
        "indirect",
        "negated",
        "past_report",
        "profession",
        "callback",
        "on_behalf",
        "doer",
        "in_person",
        "hypothetical",
        "third_party",
    ] {
        for split in ["dev", "test"] {
            assert!(
                corpus.iter().any(|e| e.kind == kind && e.split == split),
                "{kind} {split}"
            );
        }
    }
}

/// The committed weights are what training on the dev part gives: the
/// layer is reproducible, and no held-out round played a part in it.
#[test]
fn the_committed_model_is_trained_on_the_dev_part() {
    let corpus = corpus();
    let dev = dev(&corpus);
    let weights = request::train(&pairs(&dev), TRAINING);
    let expected = request::model_file(&weights, TRAINING, dev.len());
    assert!(
        expected == request::MODEL,
        "request_model.tsv is stale: regenerate it (UPDATE_MODEL=1 cargo test --release --test explicit_requests -- --ignored train)"
    );
}

/// `UPDATE_MODEL=1 cargo test --release --test explicit_requests -- --ignored train`
/// writes `crates/logic/src/triggers/request/request_model.tsv` from the dev part.
#[test]
#[ignore]
fn train() {
    let corpus = corpus();
    let dev = dev(&corpus);
    let weights = request::train(&pairs(&dev), TRAINING);
    let file = request::model_file(&weights, TRAINING, dev.len());
    if std::env::var("UPDATE_MODEL").is_ok() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/logic/src/triggers/request/request_model.tsv"
        );
        std::fs::write(path, &file).unwrap();
        eprintln!("wrote {path}: {} weights", weights.len());
    }
}

/// The second cycle's fresh rounds (23–25, by writers who never saw the
/// rules or another round), scored once when the method was fixed, hold
/// their figures: precision ≥ 0.95 on each, recall ≥ 0.92 on each and ≥
/// 0.95 pooled. The target (recall ≥ 0.93 on every round) was missed by one
/// message on round 25 (79 of 85, 0.929) and, in the first cycle, on round
/// 8 (77 of 85): README, "Generalisation".
#[test]
fn fresh_rounds_hold_their_measured_figures() {
    let corpus = corpus();
    let mut all = Scores::default();
    for r in FRESH_ROUNDS {
        let part = round(&corpus, r);
        assert!(part.iter().all(|e| e.split == "test"), "round {r}");
        let s = score(part, asks_for_human, false);
        let before = score(round(&corpus, r), rules, false);
        eprintln!(
            "round {r}: layer {}; rules alone {}",
            s.line(),
            before.line()
        );
        assert!(
            s.precision() >= 0.95 && s.recall() >= 0.92,
            "round {r}: {s:?}"
        );
        all.tp += s.tp;
        all.fp += s.fp;
        all.fn_ += s.fn_;
    }
    eprintln!("fresh rounds pooled: {}", all.line());
    // Without the fresh lines that repeat a dev line word for word (short
    // stock phrases: "agent", "Human, please."), which could flatter them.
    let key = |t: &str| text::tokens(&text::normalize(t)).join(" ");
    let dev_lines: BTreeSet<String> = dev(&corpus).iter().map(|e| key(&e.text)).collect();
    let unseen: Vec<&Example> = corpus
        .iter()
        .filter(|e| FRESH_ROUNDS.contains(&e.round) && !dev_lines.contains(&key(&e.text)))
        .collect();
    let s = score(unseen.iter().copied(), asks_for_human, false);
    eprintln!(
        "fresh rounds pooled, lines not in dev ({}): {}",
        unseen.len(),
        s.line()
    );
    assert!(all.recall() >= 0.95 && all.precision() >= 0.95, "{all:?}");
    assert!(s.recall() >= 0.95 && s.precision() >= 0.95, "{s:?}");
}

/// The first held-out part (round 2, written by the same process as the
/// dev part) stays within the interval of its figures before the learned
/// layer (the rules alone: precision 0.964, 0.899–0.988, n 83; recall
/// 0.976, 0.915–0.993, n 82), and beats the keyword baseline.
#[test]
fn the_first_held_out_part_stays_within_its_interval() {
    let corpus = corpus();
    assert!(round(&corpus, 2).iter().all(|e| e.split == "test"));
    let test = score(round(&corpus, 2), asks_for_human, false);
    let old = score(round(&corpus, 2), keywords, false);
    eprintln!(
        "round 2: layer {}; keyword baseline {}",
        test.line(),
        old.line()
    );
    assert!(test.precision() >= 0.899, "{test:?}");
    assert!(test.recall() >= 0.915, "{test:?}");
    assert!(test.precision() > old.precision());
}

/// Leave one dev round of an independent writer (3 and up) out, train on
/// the rest of the dev part, and give each left-out message's probability:
/// how the layer generalises to a new writer, without touching the fresh
/// rounds.
fn leave_one_writer_out(
    corpus: &[Example],
    options: request::Training,
) -> Vec<(u32, Vec<(&Example, f64)>)> {
    let dev = dev(corpus);
    let writers: BTreeSet<u32> = dev.iter().map(|e| e.round).filter(|r| *r >= 3).collect();
    writers
        .into_iter()
        .map(|r| {
            let (held, rest): (Vec<&Example>, Vec<&Example>) =
                dev.iter().partition(|e| e.round == r);
            let model = Learned::parse(&request::model_file(
                &request::train(&pairs(&rest), options),
                options,
                rest.len(),
            ));
            let scored = held
                .into_iter()
                .map(|e| {
                    let n = text::normalize(&e.text);
                    (e, request::probability_with(&model, &text::tokens(&n)))
                })
                .collect();
            (r, scored)
        })
        .collect()
}

/// `cargo test --release --test explicit_requests -- --ignored --nocapture writers`:
/// leave-one-writer-out scores for a few penalties and thresholds (how
/// TRAINING and THRESHOLD were chosen).
#[test]
#[ignore]
fn writers() {
    let corpus = corpus();
    for l2 in [0.0003, 0.001, 0.003] {
        let options = request::Training { l2, ..TRAINING };
        let rounds = leave_one_writer_out(&corpus, options);
        for threshold in [0.3, 0.4, 0.5] {
            let mut line = format!("l2 {l2} threshold {threshold}:");
            let mut all = Scores::default();
            for (r, scored) in &rounds {
                let mut s = Scores::default();
                for (e, p) in scored {
                    match (*p >= threshold, e.label) {
                        (true, true) => s.tp += 1,
                        (true, false) => s.fp += 1,
                        (false, true) => s.fn_ += 1,
                        (false, false) => s.tn += 1,
                    }
                }
                all.tp += s.tp;
                all.fp += s.fp;
                all.fn_ += s.fn_;
                line += &format!("  {r}: {:.3}/{:.3}", s.precision(), s.recall());
            }
            eprintln!(
                "{line}  | pooled P {:.3} R {:.3}",
                all.precision(),
                all.recall()
            );
        }
    }
}

/// `cargo test --release --test explicit_requests -- --ignored --nocapture by_round`:
/// every round's figures, the layer and the rules alone.
#[test]
#[ignore]
fn by_round() {
    let corpus = corpus();
    let rounds: BTreeSet<(u32, String)> =
        corpus.iter().map(|e| (e.round, e.split.clone())).collect();
    for (r, split) in rounds {
        let s = score(round(&corpus, r), asks_for_human, false);
        let before = score(round(&corpus, r), rules, false);
        eprintln!(
            "round {r} ({split}): layer {}; rules {}",
            s.line(),
            before.line()
        );
    }
}

/// `cargo test --release --test explicit_requests -- --ignored --nocapture dev_errors`:
/// the dev part's errors, for tuning (never a held-out round's).
#[test]
#[ignore]
fn dev_errors() {
    let corpus = corpus();
    let s = score(dev(&corpus), asks_for_human, true);
    eprintln!("dev: {}", s.line());
}

/// `cargo test --release --test explicit_requests -- --ignored --nocapture writer_errors`:
/// the leave-one-writer-out errors on the dev rounds of independent writers.
#[test]
#[ignore]
fn writer_errors() {
    let corpus = corpus();
    for (r, scored) in leave_one_writer_out(&corpus, TRAINING) {
        for (e, p) in scored {
            if (p >= THRESHOLD) != e.label {
                eprintln!("{r} {:>18} {p:.2} {}", e.kind, e.text);
            }
        }
    }
}

/// `PROBE='text|text' cargo test --release --test explicit_requests -- --ignored --nocapture probe`:
/// the layer's probability and the rules' decision for each text.
#[test]
#[ignore]
fn probe() {
    for t in std::env::var("PROBE").unwrap_or_default().split('|') {
        let n = text::normalize(t);
        let tokens = text::tokens(&n);
        eprintln!(
            "{:.3} rules {} {t}",
            request::probability(&tokens),
            request::rule_asks(&tokens)
        );
    }
}

//! The learned layer over the request rules: a logistic regression of
//! "asks for a human" on the rules' decision, a few frame flags (a role
//! noun, contact asked for, a human as the doer, a writer on someone's
//! behalf, negation, the past, "in person") and the message's mapped words,
//! word pairs and word stems, trained on the dev part of
//! `tests/data/explicit_requests.tsv` (`request_model.tsv` beside this file;
//! a test checks that the committed weights are what training gives).
//!
//! Why a layer and not more rules: messages by writers the rules were never
//! tuned on ask for a human in forms no hand-written list anticipates
//! (callbacks, "a human would be great", "can a real person review my
//! claim", "my dad would like to speak to someone"). The rules found 55–78 %
//! of them. The words and frames learned from many independent writers
//! carry over to new ones (README, "Generalisation").
//!
//! Only a message with a *gate word* (a role noun, or a verb of talking,
//! moving or contacting, typos included) is scored; every other message is
//! not a request, and costs one hash lookup per token.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use crate::triggers::learned::{self, Feature, Learned, Row, Training, sigmoid};
use crate::triggers::text::{Fnv, is_clause_end, normalize, tokens as tokens_of};

use super::lexicon::{
    Known, MOVE_VERBS, NEGATORS, PAST_VERBS, TALK_VERBS, TARGET_WORDS, WANT_VERBS, Word,
    known_words, rejoined, typo_of,
};
use super::{MAX_TOKENS, is_boundary, is_conditional, parse_words, subject_is_third_party, words};

/// Role nouns beyond the rules' targets: the company's people by any name.
const ROLES: [&str; 30] = [
    "executive",
    "executives",
    "exec",
    "senior",
    "folk",
    "folks",
    "tech",
    "techs",
    "employee",
    "employees",
    "boss",
    "member",
    "members",
    "consultants",
    "advisors",
    "advisers",
    "associate",
    "associates",
    "officer",
    "officers",
    "whoever",
    "lady",
    "gentleman",
    "guy",
    "bloke",
    "specialists",
    "managers",
    "supervisors",
    "persons",
    "being",
];

/// Verbs and nouns of contact a human makes: "call me back", "give me a
/// ring", "email me".
const CONTACT: [&str; 16] = [
    "call",
    "ring",
    "phone",
    "telephone",
    "email",
    "message",
    "text",
    "contact",
    "callback",
    "whatsapp",
    "write",
    "reach",
    "respond",
    "reply",
    "dm",
    "back",
];

/// Words that make the contact the customer's: "call *me*", "ring *her*".
const CONTACTED: [&str; 6] = ["me", "us", "him", "her", "them", "back"];

/// Writers on someone's behalf: the account's people.
const BEHALF: [&str; 24] = [
    "behalf", "carer", "holder", "owner", "wife", "husband", "partner", "mum", "mom", "mother",
    "dad", "father", "gran", "nan", "grandad", "grandma", "grandpa", "grandmother", "grandfather",
    "son", "daughter", "assistant", "pa", "she",
];

const MODALS: [&str; 6] = ["can", "could", "would", "will", "may", "cld"];

/// Words that welcome a human: "a human would be *great*".
const WELCOME: [&str; 8] = [
    "great",
    "welcome",
    "helpful",
    "amazing",
    "appreciate",
    "grateful",
    "obliged",
    "nice",
];

/// Words dropped from the class sequence: "talk to *a real* person" and
/// "talk to *one of your* people" read alike.
const DROPPED: [&str; 14] = [
    "a", "an", "the", "one", "of", "your", "some", "any", "real", "live", "actual", "proper",
    "just", "please",
];

/// The word's class, for the class-sequence features: the frames of a
/// request are learned on classes ("MOVE me to ROLE"), so a role noun or a
/// verb the training messages never used in that frame still counts.
fn class(words: &[Word<'_>], i: usize) -> Option<&'static str> {
    let w = words[i];
    if w.is("person") && i > 0 && words[i - 1].is("in") {
        return Some("INPERSON");
    }
    Some(if is_role(w) {
        "ROLE"
    } else if w.is_any(&TALK_VERBS) || w.is("discuss") {
        "TALK"
    } else if w.is_any(&MOVE_VERBS) || w.is("through") {
        "MOVE"
    } else if w.is_any(&["get", "give", "fetch", "find", "bring", "grab"]) {
        "GIVE"
    } else if w.is_any(&CONTACT) && !w.is("back") {
        "CONTACT"
    } else if w.is_any(&WANT_VERBS) || w.is_any(&WELCOME) {
        "WANT"
    } else if w.is_any(&MODALS) {
        "MODAL"
    } else if w.is_any(&NEGATORS) {
        "NEG"
    } else if w.is_any(&PAST_VERBS) {
        "PAST"
    } else if w.is_any(&BEHALF) && !w.is_any(&["behalf", "she"]) {
        "KIN"
    } else if w.is_any(&["he", "she", "they"]) {
        "THEY"
    } else if w.is_any(&["me", "us"]) {
        "ME"
    } else {
        return None;
    })
}

type Set = HashSet<&'static str, BuildHasherDefault<Fnv>>;

fn gate_words() -> &'static Set {
    static GATE: OnceLock<Set> = OnceLock::new();
    GATE.get_or_init(|| {
        let mut set = Set::default();
        set.extend(TARGET_WORDS);
        set.extend(ROLES);
        set.extend(CONTACT);
        set.extend(TALK_VERBS);
        set.extend(MOVE_VERBS);
        set.extend([
            "customer",
            "through",
            "escalate",
            "transferred",
            "connected",
            "speaking",
        ]);
        set
    })
}

/// May this token (after `prev`) make the message a request, with typos,
/// split words and chat-speak undone? One hash lookup, and a typo check for
/// unknown tokens.
fn gate(prev: Option<&str>, token: &str) -> bool {
    let gate = gate_words();
    match known_words().get(token) {
        Some(Known::Is(key)) => gate.contains(key),
        Some(Known::Split(pair)) => pair.iter().any(|w| gate.contains(w)),
        Some(Known::Tail(joins)) => prev.is_some_and(|p| rejoined(p, joins).is_some()),
        None => gate.contains(token) || typo_of(token).is_some_and(|key| gate.contains(key)),
    }
}

/// Does any token pass the [`gate`]?
fn gated(tokens: &[&str]) -> bool {
    tokens
        .iter()
        .enumerate()
        .any(|(i, t)| gate(i.checked_sub(1).map(|j| tokens[j]), t))
}

fn is_role(w: Word<'_>) -> bool {
    w.is_any(&TARGET_WORDS) || w.is_any(&ROLES)
}

/// The layer's features of a message's mapped words. `rule` is the rules'
/// decision.
fn features<'a>(words: &[Word<'a>], rule: bool, mut emit: impl FnMut(Feature<'a>, f64)) {
    emit(Feature::named("bias"), 1.0);
    if rule {
        emit(Feature::named("rule"), 1.0);
    }
    let mut flags = Flags::default();
    let mut content = 0;
    for (i, &w) in words.iter().enumerate() {
        let text = w.text();
        if is_clause_end(text) {
            continue;
        }
        content += 1;
        let before = |k: usize| i.checked_sub(k).map(|j| words[j]);
        let after = |k: usize| words.get(i + k).copied();
        if is_role(w) {
            flags.role = true;
            let near_before = (1..=3).filter_map(before);
            for p in near_before {
                flags.modal_role |= p.is_any(&MODALS);
            }
            flags.want_role |= (1..=8)
                .filter_map(before)
                .any(|p| p.is_any(&WANT_VERBS) || p.is_any(&WELCOME));
            flags.welcome_after |= (1..=4)
                .filter_map(after)
                .any(|n| n.is_any(&WELCOME) || n.is("help"));
        }
        if w.is_any(&CONTACT) {
            flags.contact_me |= w.is("callback")
                || (1..=2)
                    .filter_map(after)
                    .any(|n| n.is_any(&CONTACTED) && !n.is(text))
                || before(1).is_some_and(|p| p.is_any(&["a", "me"]));
        }
        flags.who |= w.is("who") || w.is("whoever") || w.is("whos");
        flags.talk |= w.is_any(&TALK_VERBS);
        flags.behalf |= w.is_any(&BEHALF);
        flags.negated |= w.is_any(&NEGATORS);
        flags.past |= w.is_any(&PAST_VERBS);
        flags.in_person |= w.is("in") && after(1).is_some_and(|n| n.is("person"));
        emit(Feature::of("w:", text), 1.0);
        if let Some(next) = after(1) {
            emit(Feature::pair("b:", text, next.text()), 1.0);
        }
        if text.len() > 6
            && let Some(stem) = text.get(..5)
        {
            emit(Feature::of("p:", stem), 1.0);
        }
    }
    flags.bare = flags.role && content <= 4;
    if flags.role || flags.talk {
        (flags.conditional, flags.third_party) = rule_signals(words);
    }
    class_features(words, &mut emit);
    for (name, on) in flags.named() {
        if on {
            emit(Feature::named(name), 1.0);
        }
    }
}

/// Bigrams and trigrams of the class sequence (classes, and the words that
/// have none, without [`DROPPED`] words), where a class takes part.
fn class_features<'a>(words: &[Word<'a>], emit: &mut impl FnMut(Feature<'a>, f64)) {
    // The last two items of the sequence: (text, is a class).
    let mut last: [(&'a str, bool); 2] = [("", false); 2];
    let mut len = 0;
    for i in 0..words.len() {
        let w = words[i];
        if w.is_any(&DROPPED) {
            continue;
        }
        let item = match class(words, i) {
            Some(c) => (c, true),
            None => (w.text(), false),
        };
        if is_clause_end(item.0) {
            len = 0;
            continue;
        }
        if len >= 1 && (item.1 || last[1].1) {
            emit(Feature::pair("k:", last[1].0, item.0), 1.0);
        }
        if len >= 2 && (item.1 || last[1].1 || last[0].1) {
            emit(Feature::triple("k:", last[0].0, last[1].0, item.0), 1.0);
        }
        last = [last[1], item];
        len += 1;
    }
}

/// The rules' reasons to say no, as features: a sentence naming a human is
/// hypothetical; a clause's subject is someone else ("my dad wants …",
/// which the layer weighs against the words: on the customer's behalf, or
/// about their own case).
fn rule_signals(words: &[Word<'_>]) -> (bool, bool) {
    let mut conditional = false;
    let mut third_party = false;
    let sentence_end = |w: &Word<'_>| is_clause_end(w.text()) && !w.is(",") && !w.is(":");
    for sentence in words.split(sentence_end) {
        if !sentence.iter().any(|w| is_role(*w) || w.is_any(&TALK_VERBS)) {
            continue;
        }
        conditional |= is_conditional(sentence);
        for clause in sentence.split(|w| is_boundary(*w)) {
            if let Some(v) = clause
                .iter()
                .position(|w| is_role(*w) || w.is_any(&TALK_VERBS) || w.is_any(&WANT_VERBS))
            {
                third_party |= subject_is_third_party(clause, v);
            }
        }
    }
    (conditional, third_party)
}

#[derive(Default)]
struct Flags {
    conditional: bool,
    third_party: bool,
    role: bool,
    bare: bool,
    modal_role: bool,
    want_role: bool,
    welcome_after: bool,
    contact_me: bool,
    who: bool,
    talk: bool,
    behalf: bool,
    negated: bool,
    past: bool,
    in_person: bool,
}

impl Flags {
    fn named(&self) -> [(&'static str, bool); 14] {
        [
            ("r:conditional", self.conditional),
            ("r:third_party", self.third_party),
            ("f:role", self.role),
            ("f:bare", self.bare),
            ("f:modal_role", self.modal_role),
            ("f:want_role", self.want_role),
            ("f:welcome_after", self.welcome_after),
            ("f:contact_me", self.contact_me),
            ("f:who_talk", self.who && self.talk),
            ("f:behalf", self.behalf),
            ("f:negated", self.negated),
            ("f:past", self.past),
            ("f:in_person", self.in_person),
            ("f:role_talk", self.role && self.talk),
        ]
    }
}

/// The committed weights.
pub const MODEL: &str = include_str!("request_model.tsv");

/// The decision threshold on the layer's probability, chosen by
/// leave-one-writer-out validation on the dev rounds (README).
pub const THRESHOLD: f64 = 0.4;

/// How the committed weights were trained.
pub const TRAINING: Training = Training {
    l2: 0.0003,
    steps: 3000,
    learning_rate: 0.5,
    min_count: 2,
};

fn model() -> &'static Learned {
    static WEIGHTS: OnceLock<Learned> = OnceLock::new();
    WEIGHTS.get_or_init(|| Learned::parse(MODEL))
}

/// The probability, under `model`'s weights, that the tokens ask for a
/// human: 0 for a message without a gate word.
pub fn probability_with(model: &Learned, tokens: &[&str]) -> f64 {
    let tokens = &tokens[..tokens.len().min(MAX_TOKENS)];
    if !gated(tokens) {
        return 0.0;
    }
    let words = words(tokens);
    let rule = parse_words(&words);
    sigmoid(model.logit(|emit| features(&words, rule, |f, x| emit(f.hash(), x))))
}

/// The probability, under the committed weights, that the tokens ask for a
/// human.
pub fn probability(tokens: &[&str]) -> f64 {
    probability_with(model(), tokens)
}

/// True when the words ask for a human: the layer's probability is at least
/// [`THRESHOLD`].
pub fn asks_for_human(tokens: &[&str]) -> bool {
    probability(tokens) >= THRESHOLD
}

/// Trains the layer on `(message, asks for a human)` pairs; messages
/// without a gate word are never scored, so they are not trained on.
pub fn train(examples: &[(&str, bool)], options: Training) -> Vec<(String, f64)> {
    let rows: Vec<Row> = examples
        .iter()
        .filter_map(|(text, asks)| {
            let normalized = normalize(text);
            let tokens = tokens_of(&normalized);
            let tokens = &tokens[..tokens.len().min(MAX_TOKENS)];
            if !gated(tokens) {
                return None;
            }
            let words = words(tokens);
            let mut named = Vec::new();
            features(&words, parse_words(&words), |f, x| {
                named.push((f.name(), x))
            });
            Some((named, *asks))
        })
        .collect();
    learned::train(&rows, options)
}

/// The model file for trained weights.
pub fn model_file(weights: &[(String, f64)], options: Training, trained_on: usize) -> String {
    let header = format!(
        "The learned layer over the explicit-request rules (triggers::request::train):\n\
         logistic regression of 'asks for a human' on the dev part of\n\
         tests/data/explicit_requests.tsv ({trained_on} messages); l2 {}, {} steps, learning rate {}, min count {}.\n\
         Regenerate: UPDATE_MODEL=1 cargo test --release --test explicit_requests -- --ignored train",
        options.l2, options.steps, options.learning_rate, options.min_count
    );
    learned::model_file(&header, weights)
}

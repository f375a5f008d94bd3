//! The learned layer over the request rules: a logistic regression of
//! "asks for a human" on the rules' decision and their reasons to say no,
//! a few frame flags (a role noun, contact asked for, a human as the doer,
//! a writer on someone's behalf, negation, the past, "in person") and the
//! message's mapped words, word pairs and class bigrams, trained on the dev part of
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
//! Only a message with a *gate word* (a role noun; a verb of talking,
//! moving or contacting; "through", "customer", "escalate" and the
//! participles "transferred", "connected", "speaking"; typos and split
//! words included) is scored. Every other message is not a request, and
//! costs two hash lookups per token and a typo check for an unknown one.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use crate::triggers::learned::{self, Feature, Learned, Part, Row, Training, sigmoid};
use crate::triggers::text::{Fnv, is_clause_end, normalize, tokens as tokens_of};

use super::lexicon::{
    Known, MOVE_VERBS, NEGATORS, PAST_VERBS, TALK_VERBS, TARGET_WORDS, WANT_VERBS, Word,
    known_words, rejoined, typo_of,
};
use super::{
    MAX_TOKENS, is_boundary, is_conditional, is_sentence_end, parse_words, subject_is_third_party,
    words,
};

/// Role nouns beyond the rules' targets: the company's people by any name.
const ROLES: [&str; 31] = [
    "engineer",
    "engineers",
    "csm",
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
    "persons",
    "being",
];

/// Verbs and nouns of contact a human makes: "call me back", "give me a
/// ring", "email me".
const CONTACT_WORDS: [&str; 16] = [
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
const CONTACTED_WORDS: [&str; 6] = ["me", "us", "him", "her", "them", "back"];

/// The account's people by relation (the class KIN).
const KIN_WORDS: [&str; 20] = [
    "carer",
    "wife",
    "husband",
    "partner",
    "mum",
    "mom",
    "mother",
    "dad",
    "father",
    "gran",
    "nan",
    "grandad",
    "grandma",
    "grandpa",
    "grandmother",
    "grandfather",
    "son",
    "daughter",
    "assistant",
    "pa",
];

/// Words of writing on someone's behalf, besides the account's people
/// ([`KIN_WORDS`]).
const BEHALF_WORDS: [&str; 4] = ["behalf", "holder", "owner", "she"];

const MODALS: [&str; 6] = ["can", "could", "would", "will", "may", "cld"];

/// Words that welcome a human: "a human would be *great*".
const WELCOME_WORDS: [&str; 8] = [
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
const DROPPED_WORDS: [&str; 14] = [
    "a", "an", "the", "one", "of", "your", "some", "any", "real", "live", "actual", "proper",
    "just", "please",
];

/// What a word is, for the layer: a bit per class, looked up once.
mod bits {
    pub const ROLE: u32 = 1;
    pub const TALK: u32 = 1 << 1;
    pub const MOVE: u32 = 1 << 2;
    pub const GIVE: u32 = 1 << 3;
    pub const CONTACT: u32 = 1 << 4;
    pub const WANT: u32 = 1 << 5;
    pub const WELCOME: u32 = 1 << 6;
    pub const MODAL: u32 = 1 << 7;
    pub const NEG: u32 = 1 << 8;
    pub const PAST: u32 = 1 << 9;
    pub const KIN: u32 = 1 << 10;
    pub const THEY: u32 = 1 << 11;
    pub const ME: u32 = 1 << 12;
    pub const DROPPED: u32 = 1 << 13;
    pub const CONTACTED: u32 = 1 << 14;
    pub const BEHALF: u32 = 1 << 15;
    pub const WHO: u32 = 1 << 16;
    pub const GATE: u32 = 1 << 17;
}

type Lexicon = HashMap<&'static str, u32, BuildHasherDefault<Fnv>>;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        use bits::*;
        let mut map = Lexicon::default();
        let mut add = |words: &[&'static str], bit: u32| {
            for w in words {
                *map.entry(*w).or_default() |= bit;
            }
        };
        add(&TARGET_WORDS, ROLE | GATE);
        add(&ROLES, ROLE | GATE);
        add(&TALK_VERBS, TALK | GATE);
        add(&["discuss"], TALK);
        add(&MOVE_VERBS, MOVE | GATE);
        add(&["through"], MOVE | GATE);
        add(&["get", "give", "fetch", "find", "bring", "grab"], GIVE);
        add(&CONTACT_WORDS, CONTACT | GATE);
        add(&CONTACTED_WORDS, CONTACTED);
        add(&WANT_VERBS, WANT);
        add(&WELCOME_WORDS, WELCOME);
        add(&MODALS, MODAL);
        add(&NEGATORS, NEG);
        add(&PAST_VERBS, PAST);
        add(&BEHALF_WORDS, BEHALF);
        add(&KIN_WORDS, KIN | BEHALF);
        add(&["he", "she", "they"], THEY);
        add(&["me", "us"], ME);
        add(&DROPPED_WORDS, DROPPED);
        add(&["who", "whoever", "whos"], WHO);
        add(
            &[
                "customer",
                "escalate",
                "transferred",
                "connected",
                "speaking",
            ],
            GATE,
        );
        map
    })
}

fn bits_of(word: &str) -> u32 {
    lexicon().get(word).copied().unwrap_or(0)
}

/// The class a word stands for in the class sequence: the frames of a
/// request are learned on classes ("MOVE me to ROLE"), so a role noun or a
/// verb the training messages never used in that frame still counts.
fn class_name(bits: u32, word: Word<'_>, prev: Option<Word<'_>>) -> Option<&'static str> {
    use bits::*;
    if word.is("person") && prev.is_some_and(|p| p.is("in")) {
        return Some("INPERSON");
    }
    const ORDER: [(u32, &str); 12] = [
        (ROLE, "ROLE"),
        (TALK, "TALK"),
        (MOVE, "MOVE"),
        (GIVE, "GIVE"),
        (CONTACT, "CONTACT"),
        (WANT | WELCOME, "WANT"),
        (MODAL, "MODAL"),
        (NEG, "NEG"),
        (PAST, "PAST"),
        (KIN, "KIN"),
        (THEY, "THEY"),
        (ME, "ME"),
    ];
    if word.is("back") {
        return None;
    }
    ORDER
        .iter()
        .find(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| *name)
}

/// May this token (after `prev`) make the message a request, with typos,
/// split words and chat-speak undone? Two hash lookups, and a typo check for
/// an unknown token.
fn gate(prev: Option<&str>, token: &str) -> bool {
    let gate = |w: &str| bits_of(w) & bits::GATE != 0;
    match known_words().get(token) {
        Some(Known::Is(key)) => gate(key),
        Some(Known::Split(pair)) => pair.iter().any(|w| gate(w)),
        Some(Known::Tail(joins)) => prev.is_some_and(|p| rejoined(p, joins).is_some()),
        None => gate(token) || typo_of(token).is_some_and(gate),
    }
}

/// Does any token pass the [`gate`]?
fn gated(tokens: &[&str]) -> bool {
    tokens
        .iter()
        .enumerate()
        .any(|(i, t)| gate(i.checked_sub(1).map(|j| tokens[j]), t))
}

/// The layer's features of a message's mapped words. `rule` is the rules'
/// decision.
fn features<'a>(words: &[Word<'a>], rule: bool, mut emit: impl FnMut(Feature<'a>, f64)) {
    use bits::*;
    emit(Feature::named("bias"), 1.0);
    if rule {
        emit(Feature::named("rule"), 1.0);
    }
    let classes: Vec<u32> = words.iter().map(|w| bits_of(w.text())).collect();
    let parts: Vec<Part<'a>> = words.iter().map(|w| Part::new(w.text())).collect();
    let any = |from: usize, to: usize, bit: u32| classes[from..to].iter().any(|c| c & bit != 0);
    let mut flags = Flags::default();
    let mut content = 0;
    let mut seen = 0u32;
    for (i, &w) in words.iter().enumerate() {
        let text = w.text();
        if is_clause_end(text) {
            continue;
        }
        content += 1;
        let c = classes[i];
        seen |= c;
        if c & ROLE != 0 {
            flags.role = true;
            flags.modal_role |= any(i.saturating_sub(3), i, MODAL);
            flags.want_role |= any(i.saturating_sub(8), i, WANT | WELCOME);
            let end = (i + 5).min(words.len());
            flags.welcome_after |=
                any(i + 1, end, WELCOME) || words[i + 1..end].iter().any(|n| n.is("help"));
        }
        if c & CONTACT != 0 {
            let end = (i + 3).min(words.len());
            flags.contact_me |= w.is("callback")
                || (i + 1..end).any(|k| classes[k] & CONTACTED != 0 && !words[k].is(text))
                || i > 0 && words[i - 1].is_any(&["a", "me"]);
        }
        flags.in_person |= w.is("in") && words.get(i + 1).is_some_and(|n| n.is("person"));
        emit(Feature::of("w:", parts[i]), 1.0);
        if let Some(next) = parts.get(i + 1) {
            emit(Feature::pair("b:", parts[i], *next), 1.0);
        }
    }
    flags.who = seen & WHO != 0;
    flags.talk = seen & TALK != 0;
    flags.behalf = seen & BEHALF != 0;
    flags.negated = seen & NEG != 0;
    flags.past = seen & PAST != 0;
    flags.bare = flags.role && content <= 4;
    // Why the rules said no, when they did.
    if !rule && (flags.role || flags.talk) {
        (flags.conditional, flags.third_party) = rule_signals(words);
    }
    class_features(words, &classes, &parts, &mut emit);
    for (prefix, name, on) in flags.named() {
        if on {
            emit(Feature::flag(prefix, name), 1.0);
        }
    }
}

/// Bigrams of the class sequence (classes, and the words that have none,
/// without [`DROPPED_WORDS`] words), where a class takes part: "to ROLE"
/// in "talk to one of your advisors". (Trigrams scored no better in
/// leave-one-writer-out validation, at a third more lookups.)
fn class_features<'a>(
    words: &[Word<'a>],
    classes: &[u32],
    parts: &[Part<'a>],
    emit: &mut impl FnMut(Feature<'a>, f64),
) {
    // The previous item of the sequence: (part, is a class).
    let mut last: Option<(Part<'a>, bool)> = None;
    for (i, &w) in words.iter().enumerate() {
        if classes[i] & bits::DROPPED != 0 {
            continue;
        }
        let prev = i.checked_sub(1).map(|j| words[j]);
        let item = match class_name(classes[i], w, prev) {
            Some(c) => (Part::new(c), true),
            None => (parts[i], false),
        };
        if is_clause_end(item.0.text()) {
            last = None;
            continue;
        }
        if let Some(last) = last
            && (item.1 || last.1)
        {
            emit(Feature::pair("k:", last.0, item.0), 1.0);
        }
        last = Some(item);
    }
}

/// The rules' reasons to say no, as features (computed when they said
/// no): a sentence naming a human is
/// hypothetical; a clause's subject is someone else ("my dad wants …",
/// which the layer weighs against the words: on the customer's behalf, or
/// about their own case).
fn rule_signals(words: &[Word<'_>]) -> (bool, bool) {
    use bits::*;
    let has = |w: &Word<'_>, bit: u32| bits_of(w.text()) & bit != 0;
    let mut conditional = false;
    let mut third_party = false;
    for sentence in words.split(is_sentence_end) {
        if !sentence.iter().any(|w| has(w, ROLE | TALK)) {
            continue;
        }
        conditional |= is_conditional(sentence);
        for clause in sentence.split(|w| is_boundary(*w)) {
            if let Some(v) = clause.iter().position(|w| has(w, ROLE | TALK | WANT)) {
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
    fn named(&self) -> [(&'static str, &'static str, bool); 14] {
        [
            ("r:", "conditional", self.conditional),
            ("r:", "third_party", self.third_party),
            ("f:", "role", self.role),
            ("f:", "bare", self.bare),
            ("f:", "modal_role", self.modal_role),
            ("f:", "want_role", self.want_role),
            ("f:", "welcome_after", self.welcome_after),
            ("f:", "contact_me", self.contact_me),
            ("f:", "who_talk", self.who && self.talk),
            ("f:", "behalf", self.behalf),
            ("f:", "negated", self.negated),
            ("f:", "past", self.past),
            ("f:", "in_person", self.in_person),
            ("f:", "role_talk", self.role && self.talk),
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

/// Emits the layer's features of the tokens (the first [`MAX_TOKENS`]);
/// false, and nothing emitted, for a message without a gate word, which is
/// never a request. Scoring and training both read a message through here.
fn read<'a>(tokens: &[&'a str], emit: impl FnMut(Feature<'a>, f64)) -> bool {
    let tokens = &tokens[..tokens.len().min(MAX_TOKENS)];
    if !gated(tokens) {
        return false;
    }
    let words = words(tokens);
    features(&words, parse_words(&words), emit);
    true
}

/// The probability, under `model`'s weights, that the tokens ask for a
/// human: 0 for a message without a gate word.
pub fn probability_with(model: &Learned, tokens: &[&str]) -> f64 {
    let mut gated = false;
    let z = model.logit(|emit| gated = read(tokens, |f, x| emit(f.hash(), x)));
    if gated { sigmoid(z) } else { 0.0 }
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
            let mut named = Vec::new();
            read(&tokens, |f, x| named.push((f.name(), x))).then_some((named, *asks))
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

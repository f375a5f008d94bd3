//! VADER (Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model for
//! Sentiment Analysis of Social Media Text", ICWSM-14) for ASCII text: a
//! port of `vader-sentimental` 0.1.3 (MIT; its lexicon is
//! `vader_lexicon.tsv` beside this file, word and mean valence), made for
//! the trigger engine's hot path.
//!
//! The crate's `polarity_scores` spends its time on a per-character emoji
//! lookup (a no-op for ASCII text, whose characters are never emoji) and on
//! case-folding hash lookups; here a message is lower-cased once into one
//! buffer, tokens are slices of it, and the lexicon and the rule word lists
//! are looked up by those slices. Text with any non-ASCII character goes to
//! the crate unchanged, so emoji and Unicode case folding behave exactly as
//! before.
//!
//! Fidelity: the same rules in the same order (boosters, capitals in mixed
//! case, negation three words back, "never so", "without doubt", special
//! idioms, "least", "but", "!" and "?" emphasis, normalisation). One
//! deliberate difference: where the crate walks a hash map (the booster
//! phrases and idioms looked for in the three words before a lexicon word),
//! whose order varies from process to process, this walks a fixed order, so
//! a score never changes between runs. A test holds the compound score to
//! the crate's within 1e-9 on every message of the labelled sets.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::text::Fnv;

type Fast = BuildHasherDefault<Fnv>;

const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const NEGATION_SCALAR: f64 = -0.740;
const QMARK_INCR: f64 = 0.180;
const EMARK_INCR: f64 = 0.292;
const MAX_EMARK: usize = 4;
const MAX_QMARK: usize = 3;
const MAX_QMARK_INCR: f64 = 0.96;
const NORMALIZATION_ALPHA: f64 = 15.0;

/// The crate's punctuation set for trimming words (its string literal,
/// brackets included).
const PUNCTUATION: &str = "[!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~]";

const NEGATIONS: [&str; 59] = [
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

const BOOST_UP: [&str; 60] = [
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];

const BOOST_DOWN: [&str; 24] = [
    "almost",
    "barely",
    "hardly",
    "just enough",
    "kind of",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sort of",
    "sorta",
    "sortof",
    "sort-of",
];

const IDIOMS: [(&str, f64); 7] = [
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
];

struct Tables {
    lexicon: HashMap<String, f64, Fast>,
    boosters: HashMap<&'static str, f64, Fast>,
    /// Every booster phrase in a fixed order (for the substring check).
    booster_phrases: Vec<(&'static str, f64)>,
    /// The words of the booster phrases and of the idioms.
    booster_words: HashSet<&'static str, Fast>,
    idiom_words: HashSet<&'static str, Fast>,
    negations: HashSet<&'static str, Fast>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut lexicon = HashMap::with_hasher(Fast::default());
        for line in include_str!("vader_lexicon.tsv").lines() {
            if let Some((word, value)) = line.split_once('\t')
                && let Ok(value) = value.parse::<f64>()
            {
                // The crate's keys are case-insensitive; a later line wins.
                lexicon.insert(word.to_ascii_lowercase(), value);
            }
        }
        let booster_phrases: Vec<(&'static str, f64)> = BOOST_UP
            .iter()
            .map(|w| (*w, B_INCR))
            .chain(BOOST_DOWN.iter().map(|w| (*w, B_DECR)))
            .collect();
        let booster_words = booster_phrases
            .iter()
            .flat_map(|(p, _)| p.split_whitespace())
            .collect();
        let idiom_words = IDIOMS
            .iter()
            .flat_map(|(p, _)| p.split_whitespace())
            .collect();
        Tables {
            lexicon,
            boosters: booster_phrases.iter().copied().collect(),
            booster_phrases,
            booster_words,
            idiom_words,
            negations: NEGATIONS.iter().copied().collect(),
        }
    })
}

/// Loads the tables (so the first scored message does not pay for it).
pub fn warm_up() {
    tables();
}

/// One token: the original text (for capitals) and its lower-case form.
struct Token<'a> {
    original: &'a str,
    lower: &'a str,
}

/// The crate's `is_all_caps`: every character an ASCII capital or a
/// non-word character (`^[A-Z\W]+$`), and more than one byte.
fn is_all_caps(token: &str) -> bool {
    token.len() > 1
        && token
            .bytes()
            .all(|b| b.is_ascii_uppercase() || !(b.is_ascii_alphanumeric() || b == b'_'))
}

/// The crate's `is_negated`: a negation word (any case), or "n't" as
/// written (lower case).
fn is_negated(token: &Token<'_>) -> bool {
    tables().negations.contains(token.lower) || token.original.contains("n't")
}

fn normalize(score: f64) -> f64 {
    (score / (score * score + NORMALIZATION_ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// VADER's compound score of ASCII `text`; `None` for other text (the
/// caller uses the crate).
pub fn compound(text: &str) -> Option<f64> {
    if !text.is_ascii() {
        return None;
    }
    let t = tables();
    let lowered = text.to_ascii_lowercase();
    // Tokens: whitespace-separated, longer than one byte, punctuation
    // trimmed unless that leaves one byte or less (emoticons survive).
    let mut tokens: Vec<Token<'_>> = Vec::with_capacity(24);
    for piece in text.split_whitespace() {
        // `piece` is a slice of `text`: its byte offset.
        let start = piece.as_ptr() as usize - text.as_ptr() as usize;
        if piece.len() <= 1 {
            continue;
        }
        let stripped = piece.trim_matches(|c| PUNCTUATION.contains(c));
        let (from, len) = if stripped.len() <= 1 {
            (start, piece.len())
        } else {
            let lead = piece.len() - piece.trim_start_matches(|c| PUNCTUATION.contains(c)).len();
            (start + lead, stripped.len())
        };
        tokens.push(Token {
            original: &text[from..from + len],
            lower: &lowered[from..from + len],
        });
    }
    let mut caps = false;
    let mut non_caps = false;
    for token in &tokens {
        if is_all_caps(token.original) {
            caps = true;
        } else {
            non_caps = true;
        }
    }
    let mixed_caps = caps && non_caps;
    let emarks = text.bytes().filter(|b| *b == b'!').count();
    let qmarks = text.bytes().filter(|b| *b == b'?').count();
    let qmark_emphasis = if qmarks > MAX_QMARK {
        MAX_QMARK_INCR
    } else {
        qmarks as f64 * QMARK_INCR
    };
    let punctuation = emarks.min(MAX_EMARK) as f64 * EMARK_INCR + qmark_emphasis;

    let has_idiom_word = tokens.iter().any(|k| t.idiom_words.contains(k.lower));
    let has_booster_word = tokens.iter().any(|k| t.booster_words.contains(k.lower));
    let mut sentiments: Vec<f64> = Vec::with_capacity(tokens.len());
    for (i, word) in tokens.iter().enumerate() {
        if t.boosters.contains_key(word.lower)
            || (word.lower == "kind" && tokens.get(i + 1).is_some_and(|n| n.lower == "of"))
        {
            sentiments.push(0.0);
            continue;
        }
        sentiments.push(valence(
            t,
            &tokens,
            i,
            mixed_caps,
            has_idiom_word,
            has_booster_word,
        ));
    }
    // "but": what comes before it counts half, what follows one and a half.
    if let Some(but) = tokens.iter().position(|k| k.lower == "but") {
        for (i, s) in sentiments.iter_mut().enumerate() {
            if i < but {
                *s *= 0.5;
            } else if i > but {
                *s *= 1.5;
            }
        }
    }
    if sentiments.is_empty() {
        return Some(0.0);
    }
    let mut total: f64 = sentiments.iter().sum();
    if total > 0.0 {
        total += punctuation;
    } else {
        total -= punctuation;
    }
    Some(normalize(total))
}

fn valence(
    t: &Tables,
    tokens: &[Token<'_>],
    i: usize,
    mixed_caps: bool,
    has_idiom_word: bool,
    has_booster_word: bool,
) -> f64 {
    let word = &tokens[i];
    let Some(&base) = t.lexicon.get(word.lower) else {
        return 0.0;
    };
    let mut valence = base;
    if is_all_caps(word.original) && mixed_caps {
        valence += if valence > 0.0 { C_INCR } else { -C_INCR };
    }
    for start in 0..3 {
        if i <= start {
            continue;
        }
        let before = &tokens[i - start - 1];
        if t.lexicon.contains_key(before.lower) {
            continue;
        }
        let mut scalar = 0.0;
        if let Some(&b) = t.boosters.get(before.lower) {
            scalar = if valence < 0.0 { -b } else { b };
            if is_all_caps(before.original) && mixed_caps {
                scalar += if valence > 0.0 { C_INCR } else { -C_INCR };
            }
        }
        if start == 1 {
            scalar *= 0.95;
        } else if start == 2 {
            scalar *= 0.9;
        }
        valence += scalar;
        valence = negation(valence, tokens, start, i);
        if start == 2 {
            valence = idioms(t, valence, tokens, i, has_idiom_word, has_booster_word);
        }
    }
    // "least": "at least" is not a negation in VADER's intent, but the
    // crate's condition for it can never hold, so every "least" negates.
    if i > 0 && tokens[i - 1].lower == "least" {
        valence *= NEGATION_SCALAR;
    }
    valence
}

fn negation(valence: f64, tokens: &[Token<'_>], start: usize, i: usize) -> f64 {
    let w = |k: usize| tokens[k].lower;
    match start {
        0 => {
            if is_negated(&tokens[i - 1]) {
                return valence * NEGATION_SCALAR;
            }
        }
        1 => {
            if w(i - 2) == "never" && (w(i - 1) == "so" || w(i - 1) == "this") {
                return valence * 1.25;
            } else if w(i - 2) == "without" && w(i - 1) == "doubt" {
                return valence;
            } else if is_negated(&tokens[i - 2]) {
                return valence * NEGATION_SCALAR;
            }
        }
        _ => {
            if w(i - 3) == "never" && w(i - 2) == "so"
                || w(i - 2) == "this"
                || w(i - 1) == "so"
                || w(i - 1) == "this"
            {
                return valence * 1.25;
            } else if w(i - 3) == "without" && w(i - 2) == "doubt" || w(i - 1) == "doubt" {
                return valence;
            } else if is_negated(&tokens[i - 3]) {
                return valence * NEGATION_SCALAR;
            }
        }
    }
    valence
}

fn idioms(
    t: &Tables,
    valence: f64,
    tokens: &[Token<'_>],
    i: usize,
    has_idiom_word: bool,
    has_booster_word: bool,
) -> f64 {
    let mut valence = valence;
    let end = if tokens.len() - 1 > i {
        (i + 3).min(tokens.len())
    } else {
        i + 1
    };
    let join = |range: std::ops::Range<usize>| {
        tokens[range]
            .iter()
            .map(|k| k.lower)
            .collect::<Vec<_>>()
            .join(" ")
    };
    if has_idiom_word {
        let window = join(i - 3..end);
        if let Some((_, v)) = IDIOMS.iter().find(|(idiom, _)| window.contains(idiom)) {
            valence = *v;
        }
    }
    if has_booster_word {
        let before = join(i - 3..i);
        for (phrase, v) in &t.booster_phrases {
            if before.contains(phrase) {
                valence += v;
            }
        }
    }
    valence
}

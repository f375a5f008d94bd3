//! Text signals for the trigger engine: tokens, urgency words, a
//! fingerprint for spotting a restated message, and the keyword baseline of
//! the explicit-request detector (the detector itself is [`super::request`]).
//!
//! A message is normalised once ([`normalize`]: lowercase, apostrophes
//! dropped, so "Don’t" and "dont" match); tokens are slices of that string,
//! and every comparison after that is a plain string comparison.

/// Punctuation that ends a clause: negation does not reach past it.
const CLAUSE_ENDS: [char; 6] = [',', '.', ';', '!', '?', ':'];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Lowercase with apostrophes removed.
pub fn normalize(text: &str) -> String {
    // Fast path: ASCII without apostrophes is one lowercase copy.
    if text.is_ascii() && !text.contains('\'') {
        return text.to_ascii_lowercase();
    }
    normalize_general(text)
}

fn normalize_general(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\'' | '’' => {}
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits normalised text into word tokens (letters and digits) and
/// clause-ending punctuation tokens (`,` `.` `;` `!` `?` `:`).
pub fn tokens(normalized: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(24);
    if normalized.is_ascii() {
        // Byte scan: every byte is a char.
        let bytes = normalized.as_bytes();
        let mut start = None;
        for (i, b) in bytes.iter().enumerate() {
            if b.is_ascii_alphanumeric() {
                start.get_or_insert(i);
                continue;
            }
            if let Some(s) = start.take() {
                out.push(&normalized[s..i]);
            }
            if CLAUSE_ENDS.contains(&(*b as char)) {
                out.push(&normalized[i..i + 1]);
            }
        }
        if let Some(s) = start {
            out.push(&normalized[s..]);
        }
        return out;
    }
    tokens_general(normalized)
}

fn tokens_general(normalized: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(24);
    let mut start = None;
    for (i, c) in normalized.char_indices() {
        if is_word_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(&normalized[s..i]);
        }
        if CLAUSE_ENDS.contains(&c) {
            out.push(&normalized[i..i + c.len_utf8()]);
        }
    }
    if let Some(s) = start {
        out.push(&normalized[s..]);
    }
    out
}

pub(crate) fn is_clause_end(token: &str) -> bool {
    // The bytes of CLAUSE_ENDS (a match compiles to a table; a char-array
    // pattern searches).
    matches!(token.as_bytes(), [b',' | b'.' | b';' | b'!' | b'?' | b':'])
}

/// Optimal-string-alignment distance ≤ 1 (one insertion, deletion,
/// substitution or swap of neighbours), on bytes; both words are lowercase.
pub(crate) fn within_one_edit(token: &str, word: &str) -> bool {
    let (a, b) = (token.as_bytes(), word.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match (ra.len(), rb.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        (x, y) if x > y => ra[1..] == *rb,
        _ => *ra == rb[1..],
    }
}

/// Words that ask for a human on their own (matched with one typo allowed
/// when at least five letters long).
const REQUEST_WORDS: [&str; 6] = [
    "human",
    "agent",
    "representative",
    "operator",
    "supervisor",
    "manager",
];

/// Two-word phrases that ask for a human.
const REQUEST_PAIRS: [(&str, &str); 6] = [
    ("real", "person"),
    ("live", "person"),
    ("actual", "person"),
    ("a", "person"),
    ("to", "someone"),
    ("live", "chat"),
];

/// Words that negate a request when they stand shortly before it:
/// "I don't need a human", "no need for an agent".
const NEGATORS: [&str; 10] = [
    "no", "not", "dont", "doesnt", "didnt", "never", "without", "wont", "nobody", "neednt",
];

/// How many tokens before a request phrase a negator still applies.
const NEGATION_WINDOW: usize = 4;

/// Real words one edit away from a request word: never read as typos.
const NOT_TYPOS: [&str; 4] = ["manage", "managed", "manages", "humane"];

/// A likely typo of `word`: one edit away, same first letter (typos rarely
/// hit the first letter), at least five letters, and not a real word.
fn is_typo_of(token: &str, word: &str) -> bool {
    word.len() >= 5
        && token.is_ascii()
        && token.as_bytes().first() == word.as_bytes().first()
        && !NOT_TYPOS.contains(&token)
        && within_one_edit(token, word)
}

/// Letters a request word starts with (typos keep the first letter).
const REQUEST_INITIALS: &[u8] = b"harosm";

fn is_request_at(tokens: &[&str], i: usize) -> bool {
    let t = tokens[i];
    if REQUEST_WORDS.contains(&t) {
        return true;
    }
    let first = t.as_bytes().first().copied().unwrap_or(0);
    if (4..=15).contains(&t.len())
        && REQUEST_INITIALS.contains(&first)
        && REQUEST_WORDS.iter().any(|w| is_typo_of(t, w))
    {
        return true;
    }
    tokens
        .get(i + 1)
        .is_some_and(|next| REQUEST_PAIRS.iter().any(|(a, b)| t == *a && next == b))
}

fn negated_before(tokens: &[&str], i: usize) -> bool {
    tokens[i.saturating_sub(NEGATION_WINDOW)..i]
        .iter()
        .rev()
        .take_while(|t| !is_clause_end(t) && **t != "but")
        .any(|t| NEGATORS.contains(t))
}

/// The keyword detector the engine used before the request parser
/// ([`super::request`]): a request word or phrase not negated by a word
/// shortly before it. Kept as the baseline the labelled corpus is measured
/// against (README); the engine no longer calls it.
pub fn keyword_baseline(tokens: &[&str]) -> bool {
    (0..tokens.len()).any(|i| is_request_at(tokens, i) && !negated_before(tokens, i))
}

const URGENCY_WORDS: [&str; 8] = [
    "urgent",
    "urgently",
    "emergency",
    "immediately",
    "asap",
    "critical",
    "fraud",
    "stolen",
];

const URGENCY_PAIRS: [(&str, &str); 2] = [("right", "now"), ("right", "away")];

/// True when the text signals urgency ("urgent", "right now", "fraud", …).
pub fn is_urgent(tokens: &[&str]) -> bool {
    tokens.iter().enumerate().any(|(i, t)| {
        URGENCY_WORDS.contains(t)
            || tokens
                .get(i + 1)
                .is_some_and(|next| URGENCY_PAIRS.iter().any(|(a, b)| t == a && next == b))
    })
}

/// FNV-1a hash of the folded tokens: equal for messages that differ only in
/// case, punctuation, spacing or apostrophes.
pub fn fingerprint(tokens: &[&str]) -> u64 {
    let mut hash: u64 = FNV_OFFSET;
    let mut eat = |b: u8| {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    };
    for t in tokens.iter().filter(|t| !is_clause_end(t)) {
        t.bytes().for_each(&mut eat);
        eat(b' ');
    }
    hash
}

/// FNV-1a's offset basis and prime (64-bit).
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
pub(crate) const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a as a `Hasher`, for maps keyed by short words: one pass beats
/// SipHash there (no untrusted keys reach these maps).
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { FNV_OFFSET } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME);
        }
        self.0 = h;
    }
}

/// FNV-1a hash of a string (recognised intents, feature names).
pub fn hash_str(text: &str) -> u64 {
    text.bytes().fold(FNV_OFFSET, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asks(text: &str) -> bool {
        keyword_baseline(&tokens(&normalize(text)))
    }

    fn urgent(text: &str) -> bool {
        is_urgent(&tokens(&normalize(text)))
    }

    fn print(text: &str) -> u64 {
        fingerprint(&tokens(&normalize(text)))
    }

    #[test]
    fn requests_in_many_forms() {
        for text in [
            "agent",
            "AGENT!!!",
            "Let me talk to a human.",
            "Can I speak to a real person please?",
            "get me a REPRESENTATIVE",
            "i want an operator",
            "let me talk to someone",
            "Why can't I talk to a human?",
            "no bot, a real person please",
            "put me through to someone",
        ] {
            assert!(asks(text), "{text}");
        }
    }

    #[test]
    fn negated_requests_are_not_requests() {
        for text in [
            "I don't need a human, just tell me where my order is",
            "I dont need an agent",
            "No need for a human",
            "I do not want an operator",
            "I don’t need a representative",
            "never mind the agent",
        ] {
            assert!(!asks(text), "{text}");
        }
    }

    #[test]
    fn one_typo_is_tolerated_on_long_words() {
        assert!(asks("agnet please"));
        assert!(asks("humna now"));
        assert!(asks("a represenative"));
        // Short or distant words are not requests.
        assert!(!asks("urgent"), "urgent is two edits from agent");
        assert!(!asks("I ordered reagents"));
        assert!(!asks("where is my order"));
        assert!(!asks("Someone used my card"));
        assert!(!asks("I can't manage to log in"));
        assert!(!asks("that is not humane"));
        // Plurals still ask: "one of your agents".
        assert!(asks("can I talk to one of your agents"));
    }

    #[test]
    fn urgency() {
        assert!(urgent("This is URGENT"));
        assert!(urgent("fix it right now"));
        assert!(urgent("my card was stolen"));
        assert!(!urgent("whenever you can"));
    }

    #[test]
    fn negation_stops_at_the_end_of_a_clause() {
        assert!(asks("I don't want the bot. Human please"));
        assert!(asks("not the bot but a human"));
        assert!(!urgent("right, now what"));
        assert_eq!(
            tokens(&normalize("Hi, Agent’s!")),
            vec!["hi", ",", "agents", "!"]
        );
    }

    #[test]
    fn ascii_and_unicode_text_tokenise_alike() {
        assert_eq!(
            tokens(&normalize("Ça ne marche pas, AGENT!")),
            vec!["ça", "ne", "marche", "pas", ",", "agent", "!"]
        );
        assert!(asks("Ça ne marche pas, AGENT!"));
        assert_eq!(normalize("Don’t"), "dont");
        assert_eq!(normalize("Don't"), "dont");
    }

    proptest::proptest! {
        /// The ASCII fast paths give exactly what the general code gives.
        #[test]
        fn fast_paths_agree_with_the_general_code(text in "[a-zA-Z0-9',.;!?: ]{0,80}") {
            proptest::prop_assert_eq!(normalize(&text), normalize_general(&text));
            let normalized = normalize(&text);
            proptest::prop_assert_eq!(tokens(&normalized), tokens_general(&normalized));
        }
    }

    #[test]
    fn fingerprint_ignores_case_and_punctuation() {
        let a = print("It still doesn't work!");
        let b = print("it still DOESNT work");
        let c = print("It works now");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn edit_distance_one() {
        assert!(within_one_edit("agnet", "agent"));
        assert!(within_one_edit("agents", "agent"));
        assert!(within_one_edit("agen", "agent"));
        assert!(!within_one_edit("urgent", "agent"));
        assert!(!within_one_edit("ag", "agent"));
    }
}

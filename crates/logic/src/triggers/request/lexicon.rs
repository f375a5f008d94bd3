//! The request parser's lexicon: the word lists it reads a sentence with,
//! chat-speak and two-word contractions undone, and typo correction of the
//! words that matter (edit distance one, never onto a known word).

/// A token mapped to the word it stands for (chat-speak and typos undone).
/// `Other` keeps the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Word<'a> {
    Key(&'static str),
    Other(&'a str),
}

impl<'a> Word<'a> {
    pub(super) fn text(self) -> &'a str {
        match self {
            Word::Key(k) => k,
            Word::Other(t) => t,
        }
    }

    pub(super) fn is(self, word: &str) -> bool {
        self.text() == word
    }

    pub(super) fn is_any(self, words: &[&str]) -> bool {
        // Length and first byte before the bytes: most candidates differ
        // there, and a call to memcmp costs more than the comparison.
        let t = self.text().as_bytes();
        words.iter().any(|w| {
            let w = w.as_bytes();
            w.len() == t.len() && w.first() == t.first() && w == t
        })
    }
}

/// Chat-speak and contractions, mapped to the word they stand for.
const SLANG: [(&str, &str); 28] = [
    ("sum1", "someone"),
    ("some1", "someone"),
    ("any1", "anyone"),
    ("2", "to"),
    ("w", "with"),
    ("wit", "with"),
    ("plz", "please"),
    ("pls", "please"),
    ("plez", "please"),
    ("plox", "please"),
    ("rep", "representative"),
    ("reps", "representatives"),
    ("tlk", "talk"),
    ("tlak", "talk"),
    ("spk", "speak"),
    ("u", "you"),
    ("ur", "your"),
    ("cust", "customer"),
    ("svc", "service"),
    ("hooman", "human"),
    ("hoomans", "humans"),
    ("ppl", "people"),
    ("sb", "somebody"),
    ("smb", "somebody"),
    ("thru", "through"),
    ("cs", "customer_service"),
    ("wnat", "want"),
    ("xfer", "transfer"),
];

/// Words that stand for two ("gimme" = give me).
const SPLITS: [(&str, [&str; 2]); 5] = [
    ("gimme", ["give", "me"]),
    ("lemme", ["let", "me"]),
    ("wanna", ["want", "to"]),
    ("gotta", ["got", "to"]),
    ("needa", ["need", "to"]),
];

/// Words whose typos are recognised (one edit, same first letter, five
/// letters or more; two edits from nine letters).
const TYPO_WORDS: [&str; 16] = [
    "human",
    "person",
    "agent",
    "representative",
    "operator",
    "supervisor",
    "manager",
    "someone",
    "somebody",
    "speak",
    "connect",
    "transfer",
    "escalate",
    "customer",
    "service",
    "through",
];

/// Real words one or two edits from a key word: never typos.
const NOT_TYPOS: [&str; 16] = [
    "manage",
    "managed",
    "manages",
    "humane",
    "humans",
    "persons",
    "agents",
    "urgent",
    "spear",
    "speck",
    "connects",
    "services",
    "customers",
    "operators",
    "servicing",
    "thorough",
];

/// Single-word human targets (plurals included).
pub(super) const TARGET_WORDS: [&str; 28] = [
    "human",
    "humans",
    "person",
    "agent",
    "agents",
    "representative",
    "representatives",
    "operator",
    "operators",
    "supervisor",
    "manager",
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "staff",
    "team",
    "customer_service",
    "people",
    "advisor",
    "adviser",
    "technician",
    "specialist",
    "expert",
    "colleague",
    "colleagues",
    "consultant",
    "department",
];

/// Words before a target that make it a profession or a compound, not a
/// person to talk to ("travel agent", "password manager").
pub(super) const COMPOUND_BEFORE: [&str; 44] = [
    "travel",
    "insurance",
    "estate",
    "sales",
    "property",
    "office",
    "account",
    "nurse",
    "crane",
    "password",
    "task",
    "download",
    "stage",
    "cleaning",
    "ssh",
    "user",
    "delivery",
    "general",
    "project",
    "product",
    "branch",
    "store",
    "shift",
    "secret",
    "free",
    "booking",
    "letting",
    "leasing",
    "rental",
    "shipping",
    "sports",
    "talent",
    "literary",
    "claims",
    "loan",
    "mortgage",
    "bank",
    "hiring",
    "case",
    "billing",
    "fraud",
    "loyalty",
    "tech",
    "technical",
];

/// Words after a target that make it an identifier or a compound ("agent
/// number", "human error", "agent of record").
pub(super) const COMPOUND_AFTER: [&str; 43] = [
    "number",
    "id",
    "code",
    "reference",
    "ref",
    "override",
    "error",
    "errors",
    "resources",
    "discount",
    "name",
    "names",
    "login",
    "portal",
    "software",
    "app",
    "mode",
    "level",
    "web",
    "field",
    "extension",
    "readable",
    "tab",
    "pin",
    "password",
    "settings",
    "role",
    "dashboard",
    "page",
    "menu",
    "panel",
    "console",
    "tool",
    "rights",
    "permissions",
    "access",
    "approval",
    "licence",
    "license",
    "entrance",
    "parking",
    "card",
    "rate",
];

/// Determiners that make a target someone's own person, not the company's.
pub(super) const THIRD_PARTY_OWNERS: [&str; 7] =
    ["my", "our", "his", "her", "its", "partys", "thier"];

/// Subjects that make a request someone else's ("my wife wants to …").
pub(super) const THIRD_PARTY_SUBJECTS: [&str; 32] = [
    "he",
    "she",
    "they",
    "wife",
    "husband",
    "son",
    "daughter",
    "lawyer",
    "client",
    "tenant",
    "neighbour",
    "neighbor",
    "grandmother",
    "grandfather",
    "mother",
    "father",
    "mom",
    "mum",
    "dad",
    "roommate",
    "friend",
    "boss",
    "colleague",
    "customers",
    "people",
    "partner",
    "brother",
    "sister",
    "accountant",
    "landlord",
    "parents",
    "kids",
];

pub(super) const NEGATORS: [&str; 16] = [
    "no", "not", "dont", "doesnt", "didnt", "never", "without", "wont", "nobody", "neednt", "cant",
    "cannot", "shouldnt", "arent", "isnt", "havent",
];

/// Words that put a clause in the past ("already spoke", "last week").
pub(super) const PAST_VERBS: [&str; 26] = [
    "spoke",
    "talked",
    "chatted",
    "was",
    "were",
    "had",
    "got",
    "called",
    "told",
    "asked",
    "connected",
    "transferred",
    "escalated",
    "said",
    "promised",
    "sent",
    "emailed",
    "gave",
    "wanted",
    "needed",
    "requested",
    "reached",
    "passed",
    "handed",
    "demanded",
    "tried",
];

/// Verbs that take the target after "to" / "with": "talk to a human".
pub(super) const TALK_VERBS: [&str; 6] =
    ["talk", "speak", "chat", "speaking", "talking", "chatting"];

/// Verbs that move the customer: "connect me to", "transfer me to".
pub(super) const MOVE_VERBS: [&str; 10] = [
    "connect", "transfer", "pass", "hand", "put", "switch", "patch", "forward", "route", "send",
];

/// Their participles, a request only in the passive: "be transferred to".
pub(super) const MOVED: [&str; 5] = ["connected", "transferred", "passed", "handed", "switched"];

/// Their gerunds, a request after "mind" / "try": "would you mind connecting me".
pub(super) const MOVING: [&str; 4] = ["connecting", "transferring", "passing", "putting"];

/// Verbs of wanting: "I want a person", "I need to talk to someone".
pub(super) const WANT_VERBS: [&str; 12] = [
    "want",
    "need",
    "like",
    "rather",
    "prefer",
    "appreciate",
    "needs",
    "demand",
    "requesting",
    "wish",
    "wishing",
    "wanting",
];

/// Words a bare request may carry besides its target ("human pls", "I SAID
/// REPRESENTATIVE", "speak to agent").
pub(super) const BARE_FILLERS: [&str; 38] = [
    "please",
    "now",
    "asap",
    "i",
    "said",
    "a",
    "an",
    "the",
    "just",
    "ok",
    "okay",
    "yes",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thx",
    "again",
    "real",
    "live",
    "actual",
    "right",
    "away",
    "immediately",
    "speak",
    "talk",
    "to",
    "with",
    "me",
    "get",
    "give",
    "want",
    "need",
    "your",
    "being",
    "lol",
    "already",
    "chat",
];

/// What a token is known to stand for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Known {
    Is(&'static str),
    Split(&'static [&'static str; 2]),
    /// The second half of a key word split in two, as speech recognition
    /// and hurried typing split them ("a gent", "per son", "some one"):
    /// the (first half, key word) pairs it completes.
    Tail(&'static [(&'static str, &'static str)]),
}

/// The key word `head` + `tail` rejoins to, if any.
pub(super) fn rejoined(head: &str, joins: &[(&'static str, &'static str)]) -> Option<&'static str> {
    joins.iter().find(|(h, _)| *h == head).map(|(_, key)| *key)
}

type KnownWords = std::collections::HashMap<
    &'static str,
    Known,
    std::hash::BuildHasherDefault<crate::triggers::text::Fnv>,
>;

/// Slang, splits and the key words themselves, looked up once per token.
pub(super) fn known_words() -> &'static KnownWords {
    static KNOWN: std::sync::OnceLock<KnownWords> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut map = KnownWords::default();
        for w in TYPO_WORDS {
            map.insert(w, Known::Is(w));
        }
        for (slang, w) in SLANG {
            map.insert(slang, Known::Is(w));
        }
        for (word, pair) in &SPLITS {
            map.insert(word, Known::Split(pair));
        }
        // Every split of a key word with a tail of two letters or more,
        // unless the tail already means something.
        let mut tails: std::collections::BTreeMap<&'static str, Vec<(&'static str, &'static str)>> =
            std::collections::BTreeMap::new();
        // The key words that name a human.
        let split_keys = TYPO_WORDS
            .into_iter()
            .filter(|w| TARGET_WORDS.contains(w) || *w == "customer");
        for key in split_keys {
            for at in 1..key.len() - 1 {
                let (head, tail) = key.split_at(at);
                if !map.contains_key(tail) {
                    tails.entry(tail).or_default().push((head, key));
                }
            }
        }
        for (tail, joins) in tails {
            map.insert(tail, Known::Tail(Vec::leak(joins)));
        }
        map
    })
}

/// Whether a token can become a human target once chat-speak and typos are
/// undone (a cheap test before the full mapping: most messages name no
/// human).
pub(super) fn may_name_a_human(token: &str) -> bool {
    match known_words().get(token) {
        Some(Known::Is(key)) => TARGET_WORDS.contains(key) || *key == "customer",
        Some(Known::Split(_) | Known::Tail(_)) => false,
        None => {
            TARGET_WORDS.contains(&token)
                || typo_of(token)
                    .is_some_and(|key| TARGET_WORDS.contains(&key) || key == "customer")
        }
    }
}

/// Whether any token can become a human target: [`may_name_a_human`], or
/// the second half of a split target ("a gent").
pub(super) fn names_a_human(tokens: &[&str]) -> bool {
    tokens.iter().enumerate().any(|(i, t)| {
        may_name_a_human(t)
            || i > 0
                && matches!(known_words().get(t), Some(Known::Tail(joins))
                    if rejoined(tokens[i - 1], joins)
                        .is_some_and(|key| TARGET_WORDS.contains(&key) || key == "customer"))
    })
}

/// Optimal-string-alignment distance, capped: `None` when above `max`.
pub(super) fn edit_distance_within(a: &[u8], b: &[u8], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // Small words: a full table on the stack is cheap.
    const N: usize = 24;
    if a.len() >= N || b.len() >= N {
        return false;
    }
    let mut d = [[0u8; N]; N];
    for (i, row) in d.iter_mut().enumerate().take(a.len() + 1) {
        row[0] = i as u8;
    }
    for (j, cell) in d[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let mut row_min = u8::MAX;
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
            row_min = row_min.min(v);
        }
        if usize::from(row_min) > max {
            return false;
        }
    }
    usize::from(d[a.len()][b.len()]) <= max
}

/// The key word a token is a typo of, if any.
pub(super) fn typo_of(token: &str) -> Option<&'static str> {
    let t = token.as_bytes();
    if t.len() < 4 || !token.is_ascii() || NOT_TYPOS.contains(&token) {
        return None;
    }
    TYPO_WORDS.iter().copied().find(|w| {
        let w_bytes = w.as_bytes();
        let max = if w.len() >= 9 { 2 } else { 1 };
        w.len() >= 5
            && w_bytes[0] == t[0]
            && t.len().abs_diff(w.len()) <= max
            && if max == 1 {
                crate::triggers::text::within_one_edit(token, w)
            } else {
                edit_distance_within(t, w_bytes, max)
            }
    })
}

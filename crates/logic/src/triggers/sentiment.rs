//! Sentiment for the trigger engine: VADER, or VADER with a support-domain
//! layer (the default, `[triggers] sentiment_model = "support"`).
//!
//! VADER (Hutto & Gilbert, ICWSM-14, via `vader-sentimental`) is a
//! general-purpose lexicon scorer. On support messages that any agent reads
//! as frustrated it often scores near zero: complaints about repetition
//! ("this is the third time I'm asking"), unhelpfulness ("that doesn't
//! answer my question"), effort ("why is this so hard"), churn threats
//! ("I'll switch to another provider"), waiting ("I've been on hold for an
//! hour") and sarcasm ("Brilliant, the app crashed again"). It also scores
//! calm problem reports ("my package arrived damaged, can I get a
//! replacement?") as negative, though nobody is annoyed.
//!
//! The **support** model has two parts:
//! 1. *Cue rules* ([`cue_score`]): VADER's compound score `v` plus cue
//!    evidence from the message's words in six families (repetition,
//!    unhelpfulness, effort, churn, waiting, exasperation words), sarcasm
//!    (a positive VADER score next to a frustration cue or a marker such as
//!    "thanks for nothing"), calm requests (a polite request or question
//!    with no cue keeps a third of its negative VADER score: a problem
//!    report is not frustration) and shouting (capitals, "!!").
//! 2. A *learned layer*: an L2-penalised logistic regression of
//!    "frustrated" on VADER's score, the cue rules' score and flags,
//!    shouting, and the message's words and word pairs, trained on the dev
//!    part of `tests/data/frustration.tsv` ([`train`]; the weights are
//!    committed as `frustration_model.tsv`, and a test checks that they are
//!    what training on the dev part gives). Hand-written cues alone
//!    generalised poorly to messages by new writers (held-out AUC 0.76 to
//!    0.83); the words learned from the labelled set carry the rest.
//!
//! The score is `1 − 2p`, with p the layer's probability that the message
//! is frustrated: −1 … 1 like VADER's compound, negative when frustrated is
//! the likelier reading; −0.6 means p ≥ 0.8.
//!
//! Urgency is not frustration: "my card was stolen, block it now" is the
//! urgency rule's business, and scores calm here.
//!
//! Measured on `tests/data/frustration.tsv` (frustrated vs the rest, ROC
//! AUC on the held-out part): see the README.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use vader_sentimental::SentimentIntensityAnalyzer;

/// The support layer reads at most this many tokens of a message (the cue
/// rules look around each word, so an unbounded message would cost
/// quadratic time; support messages are far shorter).
pub const MAX_TOKENS: usize = 96;

/// Which scorer gives a message its sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentimentModel {
    /// VADER's compound score alone.
    Vader,
    /// VADER with the support-domain layer.
    #[default]
    Support,
}

impl SentimentModel {
    pub fn name(self) -> &'static str {
        match self {
            SentimentModel::Vader => "vader",
            SentimentModel::Support => "support",
        }
    }
}

fn analyzer() -> &'static SentimentIntensityAnalyzer<'static> {
    static ANALYZER: OnceLock<SentimentIntensityAnalyzer<'static>> = OnceLock::new();
    ANALYZER.get_or_init(SentimentIntensityAnalyzer::new)
}

/// VADER compound sentiment of `text`, −1 (very negative) … 1 (very
/// positive): the port in [`super::vader`] for ASCII text, the crate for
/// any other.
pub fn vader(text: &str) -> f64 {
    super::vader::compound(text).unwrap_or_else(|| vader_crate(text))
}

/// VADER as `vader-sentimental` computes it.
pub fn vader_crate(text: &str) -> f64 {
    analyzer().polarity_scores(text).compound
}

/// Loads the lexicons (so the first scored message does not pay for it).
pub fn warm_up() {
    super::vader::warm_up();
    vader_crate("warm up");
}

/// The message's sentiment under `model`. `tokens` are the normalised
/// tokens of `text` ([`super::text::tokens`]).
pub fn score(model: SentimentModel, text: &str, tokens: &[&str]) -> f64 {
    let v = vader(text);
    match model {
        SentimentModel::Vader => v,
        SentimentModel::Support => {
            let z = learned().logit(|emit| features(v, text, tokens, |f, x| emit(f.hash(), x)));
            1.0 - 2.0 * sigmoid(z)
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The cue rules alone, as a score in −1 … 1 (one feature of the learned
/// layer).
pub fn cue_score(v: f64, text: &str, tokens: &[&str]) -> f64 {
    cue_score_with(v, shouting(text), &Cues::of(tokens))
}

/// The cue rules' score given VADER's `v` and the message's [`shouting`].
fn cue_score_with(v: f64, shout: f64, cues: &Cues) -> f64 {
    let evidence = cues.evidence();
    let mut v = v;
    if cues.sarcasm || (v > 0.0 && evidence > 0.0 && cues.praise) {
        // "Brilliant, the app crashed again": the praise is ironic.
        v = -v.abs();
    } else if v > 0.0 && evidence > 0.0 {
        // Politeness around a complaint does not cancel it.
        v = 0.0;
    }
    // Without a cue, negative words mostly describe the problem, not the
    // customer's mood ("a paper jam error", "my card was stolen"): VADER's
    // negativity counts half, and a third in a calm request.
    if v < 0.0 && evidence == 0.0 {
        v *= if cues.calm_request { 0.35 } else { 0.5 };
    }
    // A whole message in capitals is shouting, whatever its words.
    let evidence = if shout >= 1.0 && v < 0.5 && !cues.praise && !cues.thanks {
        evidence + 0.4
    } else {
        evidence
    };
    let negative = (-v).max(0.0) + evidence;
    if negative <= 0.0 {
        return v;
    }
    let intensity = 1.0 + 0.6 * shout;
    -(1.2 * negative * intensity).tanh()
}

/// 0 … 1: words in capitals and repeated "!" / "?".
fn shouting(text: &str) -> f64 {
    // One pass over the bytes: per word (split at ASCII whitespace) its
    // letters, whether it has a digit or a lower-case letter; and whether
    // "!!", "??" or "?!" occurs.
    let (mut words, mut capitals) = (0u32, 0u32);
    let (mut letters, mut digit, mut lower) = (0u32, false, false);
    let mut bangs = false;
    let mut previous = 0u8;
    let mut end_word = |letters: u32, digit: bool, lower: bool| {
        // Codes and postcodes ("SW19", "E204") are not shouting.
        if letters > 0 && !digit {
            words += 1;
            if letters >= 3 && !lower {
                capitals += 1;
            }
        }
    };
    for b in text.bytes() {
        if b.is_ascii_whitespace() {
            end_word(letters, digit, lower);
            (letters, digit, lower) = (0, false, false);
        } else {
            letters += u32::from(b.is_ascii_alphabetic());
            digit |= b.is_ascii_digit();
            lower |= b.is_ascii_lowercase();
        }
        bangs |= matches!((previous, b), (b'!', b'!') | (b'?', b'?') | (b'?', b'!'));
        previous = b;
    }
    end_word(letters, digit, lower);
    let caps = if words > 0 && capitals >= 2 && f64::from(capitals) >= 0.5 * f64::from(words) {
        1.0
    } else if capitals >= 1 && words > 1 {
        0.4
    } else {
        0.0
    };
    f64::min(1.0, caps + if bangs { 0.6 } else { 0.0 })
}

/// What the support layer found in a message.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Cues {
    repetition: bool,
    unhelpful: bool,
    effort: bool,
    churn: bool,
    waiting: bool,
    exasperation: bool,
    sarcasm: bool,
    /// Words of praise ("great", "brilliant") that may be ironic.
    praise: bool,
    /// "please", "can you", "could you", a question: a calm request.
    calm_request: bool,
    /// "thanks", "thank you", "cheers".
    thanks: bool,
}

impl Cues {
    /// The flags as named features of the learned layer.
    fn flags(&self) -> [(&'static str, bool); 10] {
        [
            ("cue:repetition", self.repetition),
            ("cue:unhelpful", self.unhelpful),
            ("cue:effort", self.effort),
            ("cue:churn", self.churn),
            ("cue:waiting", self.waiting),
            ("cue:exasperation", self.exasperation),
            ("cue:sarcasm", self.sarcasm),
            ("cue:praise", self.praise),
            ("cue:calm_request", self.calm_request),
            ("cue:thanks", self.thanks),
        ]
    }

    /// Frustration evidence: 0.6 for the first cue family, 0.3 for each more.
    fn evidence(&self) -> f64 {
        let n = [
            self.repetition,
            self.unhelpful,
            self.effort,
            self.churn,
            self.waiting,
            self.exasperation,
            self.sarcasm,
        ]
        .iter()
        .filter(|b| **b)
        .count();
        match n {
            0 => 0.0,
            n => 0.6 + 0.3 * (n - 1) as f64,
        }
    }

    fn of(tokens: &[&str]) -> Cues {
        let tokens = &tokens[..tokens.len().min(MAX_TOKENS)];
        let mut c = Cues::default();
        let at = |i: usize| tokens.get(i).copied().unwrap_or("");
        let before = |i: usize, k: usize| if i >= k { tokens[i - k] } else { "" };
        let n = tokens.len();
        for (i, &t) in tokens.iter().enumerate() {
            let next = at(i + 1);
            match t {
                // Repetition.
                // "again", but not "thanks again" or "working again".
                "again"
                    if !matches!(
                        before(i, 1),
                        "thanks"
                            | "working"
                            | "works"
                            | "back"
                            | "online"
                            | "fine"
                            | "ok"
                            | "normal"
                    ) =>
                {
                    c.repetition = true
                }
                "repeat" | "repeats" | "repeating" | "repeated" | "circles" | "looping" => {
                    c.repetition = true
                }
                "third" | "fourth" | "fifth" | "sixth" | "tenth" | "umpteenth" | "3rd" | "4th"
                | "5th" | "6th" | "10th" => c.repetition = true,
                "more" if next == "time" && before(i, 1) == "one" => c.repetition = true,
                "once" if before(i, 1) == "for" => c.exasperation = true,
                // "explained this twice", not "charged twice".
                "twice"
                    if matches!(
                        before(i, 1),
                        "explained"
                            | "asked"
                            | "told"
                            | "said"
                            | "tried"
                            | "called"
                            | "written"
                            | "this"
                            | "it"
                            | "you"
                    ) || matches!(
                        before(i, 2),
                        "explained" | "asked" | "told" | "said" | "tried" | "called" | "written"
                    ) =>
                {
                    c.repetition = true
                }
                // "I SAID …", "as I said".
                "said"
                    if before(i, 1) == "i"
                        && (i == 1 || matches!(before(i, 2), "as" | "like" | "already")) =>
                {
                    c.repetition = true
                }
                "time"
                    if before(i, 1) == "this"
                        && tokens
                            .iter()
                            .any(|w| matches!(*w, "actually" | "fixed" | "properly")) =>
                {
                    c.repetition = true
                }
                "actually"
                    if matches!(
                        before(i, 1),
                        "you" | "anyone" | "anybody" | "someone" | "this" | "it"
                    ) =>
                {
                    c.exasperation = true
                }
                "second" | "nth" if next == "time" => c.repetition = true,
                "times"
                    if matches!(
                        before(i, 1),
                        "many" | "three" | "four" | "five" | "ten" | "multiple" | "several"
                    ) =>
                {
                    c.repetition = true
                }
                "same"
                    if matches!(
                        next,
                        "answer"
                            | "question"
                            | "thing"
                            | "reply"
                            | "message"
                            | "link"
                            | "problem"
                            | "issue"
                    ) =>
                {
                    c.repetition = true
                }
                "keep" | "keeps" if at(i + 1).ends_with("ing") || next == "on" => {
                    c.repetition = true
                }
                "already"
                    if matches!(
                        next,
                        "explained"
                            | "told"
                            | "said"
                            | "asked"
                            | "tried"
                            | "done"
                            | "read"
                            | "gave"
                            | "sent"
                            | "did"
                            | "answered"
                    ) || matches!(
                        before(i, 1),
                        "explained" | "told" | "tried" | "done" | "read" | "said"
                    ) =>
                {
                    c.repetition = true
                }
                "row" if before(i, 1) == "a" && before(i, 2) == "in" => c.repetition = true,
                "still"
                    if matches!(
                        next,
                        "not"
                            | "no"
                            | "doesnt"
                            | "dont"
                            | "cant"
                            | "isnt"
                            | "hasnt"
                            | "havent"
                            | "waiting"
                            | "nothing"
                            | "broken"
                            | "wrong"
                            | "getting"
                            | "charged"
                            | "wont"
                    ) =>
                {
                    c.repetition = true
                }
                // Unhelpfulness.
                "useless" | "unhelpful" | "irrelevant" | "pointless" | "clueless" | "nonsense"
                | "rubbish" | "garbage" => c.unhelpful = true,
                "helpful" | "help" | "helping" | "helped"
                    if matches!(
                        before(i, 1),
                        "not" | "no" | "didnt" | "doesnt" | "wont" | "cant"
                    ) || before(i, 2) == "not" =>
                {
                    c.unhelpful = true
                }
                "answer" | "answers" | "answered"
                    if matches!(before(i, 1), "doesnt" | "didnt" | "not" | "never") =>
                {
                    c.unhelpful = true
                }
                "listening" | "understanding" | "understand" | "reading"
                    if matches!(
                        before(i, 1),
                        "not" | "dont" | "arent" | "isnt" | "doesnt" | "never"
                    ) =>
                {
                    c.unhelpful = true
                }
                "nothing"
                    if matches!(next, "to" | "works" | "worked" | "useful" | "helps")
                        || before(i, 1) == "understands"
                        || tokens[i + 1..]
                            .iter()
                            .take(3)
                            .any(|w| matches!(*w, "works" | "worked" | "helps" | "helped")) =>
                {
                    c.unhelpful = true
                }
                "none" if next == "of" => c.unhelpful = true,
                "waste" | "wasting" | "wasted" => c.unhelpful = true,
                "works" | "worked" | "helps" if matches!(before(i, 1), "nothing" | "never") => {
                    c.unhelpful = true
                }
                // Effort.
                "hard" | "difficult" | "complicated" | "impossible"
                    if matches!(before(i, 1), "so" | "this" | "that" | "too" | "be") =>
                {
                    c.effort = true
                }
                "why"
                    if matches!(
                        next,
                        "do" | "does" | "is" | "cant" | "must" | "should" | "would" | "on"
                    ) =>
                {
                    c.effort = true
                }
                "work" | "effort" | "hassle" if matches!(before(i, 1), "much" | "such" | "a") => {
                    c.effort = true
                }
                "every" if next == "single" => c.effort = true,
                "every" if matches!(next, "month" | "week" | "day" | "bill") => c.repetition = true,
                "just" if next == "to" => c.effort = true,
                "ridiculous" | "absurd" | "joke" | "rude" | "nightmare" | "kidding"
                | "patience" | "enough" | "shocking" | "outrageous" | "nowhere" | "hopeless"
                | "sigh" | "wth" | "jeez" => c.exasperation = true,
                "seriously" | "really" | "srsly" if next == "?" || n <= 2 => c.exasperation = true,
                "serious" if matches!(before(i, 1), "you" | "are" | "u") => c.exasperation = true,
                "exhausting" | "exhausted" | "tired" | "swear" | "ombudsman" | "regulator" => {
                    c.exasperation = true
                }
                "point"
                    if matches!(before(i, 1), "the" | "whats")
                        && (next == "of" || before(i, 2) == "whats" || before(i, 2) == "is") =>
                {
                    c.unhelpful = true
                }
                "people" if before(i, 1) == "you" => c.exasperation = true,
                "treat" | "treated" if matches!(before(i, 1), "you" | "how") => {
                    c.exasperation = true
                }
                "guess" if before(i, 1) == "me" && before(i, 2) == "let" => c.sarcasm = true,
                "supposed" if matches!(before(i, 1), "im" | "am") => c.exasperation = true,
                "give" if next == "up" => c.churn = true,
                "warning" if before(i, 1) == "final" || before(i, 1) == "last" => c.churn = true,
                "customer"
                    if next == "for"
                        && tokens
                            .iter()
                            .any(|w| matches!(*w, "years" | "decade" | "decades")) =>
                {
                    c.churn = true
                }
                "chase" | "chasing" | "chased" => c.waiting = true,
                "stop" if i == 0 && (next.ends_with("ing") || next == ".") => c.exasperation = true,
                "just"
                    if before(i, 1) == "please"
                        || matches!(next, "answer" | "fix" | "tell" | "do") && i > 0 =>
                {
                    c.exasperation = true
                }
                "knows" | "cares" if before(i, 1) == "nobody" => c.unhelpful = true,
                "address" | "addresses" if matches!(before(i, 1), "not" | "doesnt" | "didnt") => {
                    c.unhelpful = true
                }
                "copied" | "copy" | "pasted" if next == "from" || next == "paste" => {
                    c.unhelpful = true
                }
                "impressed" if before(i, 1) == "not" => c.exasperation = true,
                // Rhetorical questions: "how is my order still not here",
                // "did you even read", "how come", "what is wrong with".
                "even" if matches!(before(i, 1), "you" | "anyone" | "u") => c.unhelpful = true,
                "come" if before(i, 1) == "how" => c.effort = true,
                "on" if next == "earth" || (before(i, 1) == "come" && i + 2 >= n) => {
                    c.exasperation = true
                }
                "how"
                    if matches!(next, "is" | "hard" | "many" | "long" | "difficult")
                        && tokens.iter().any(|w| {
                            matches!(
                                *w,
                                "still" | "so" | "such" | "even" | "more" | "it" | "this"
                            )
                        })
                        && tokens.contains(&"?") =>
                {
                    c.effort = true
                }
                "hard" | "difficult" if before(i, 1) == "how" && matches!(next, "can" | "is") => {
                    c.effort = true
                }
                // Time gone by: "it's been 9 days", "for a month with zero updates".
                "been"
                    if (before(i, 1) == "its" || before(i, 1) == "has" && next != "received")
                        && tokens[i + 1..].iter().take(4).any(|w| {
                            matches!(
                                *w,
                                "days"
                                    | "weeks"
                                    | "months"
                                    | "hours"
                                    | "month"
                                    | "week"
                                    | "day"
                                    | "ages"
                                    | "forever"
                            ) || w.bytes().all(|b| b.is_ascii_digit())
                        }) =>
                {
                    c.waiting = true
                }
                "zero" | "no"
                    if matches!(
                        next,
                        "updates"
                            | "update"
                            | "reply"
                            | "replies"
                            | "response"
                            | "answer"
                            | "progress"
                            | "news"
                            | "use"
                    ) =>
                {
                    c.waiting = true
                }
                "yet" if i + 2 >= n => c.waiting = true,
                // Broken promises: "you said 5 to 7 business days", "you promised".
                "said" | "promised" | "told" if before(i, 1) == "you" => c.waiting = true,
                // Repetition in other words.
                "time" if before(i, 1) == "every" || before(i, 1) == "each" => c.repetition = true,
                "scratch" | "canned" | "constant" | "constantly" | "literally" => {
                    c.repetition = true
                }
                "another"
                    if matches!(
                        next,
                        "automated"
                            | "three"
                            | "two"
                            | "week"
                            | "month"
                            | "hour"
                            | "form"
                            | "link"
                            | "useless"
                    ) =>
                {
                    c.repetition = true
                }
                "asked" if before(i, 1) == "i" && before(i, 2) == "what" => c.unhelpful = true,
                "wrong" if next == "with" && before(i, 1) == "is" => c.exasperation = true,
                // Effort and hoops.
                "simplest" | "hoops" | "runaround" => c.effort = true,
                "want" | "wanted" if before(i, 1) == "i" && before(i, 2) == "all" => {
                    c.effort = true
                }
                "shouldnt" | "should" if matches!(next, "take" | "be" | "not") => c.effort = true,
                // Churn in other words.
                "renewing" | "renew" if matches!(before(i, 1), "not" | "wont") => c.churn = true,
                "end" | "terminate"
                    if next == "my"
                        && matches!(
                            at(i + 2),
                            "contract" | "account" | "subscription" | "membership"
                        ) =>
                {
                    c.churn = true
                }
                "everything" if before(i, 1) == "cancel" => c.churn = true,
                "had" if next == "enough" => c.churn = true,
                "notice" if before(i, 1) == "my" => c.churn = true,
                "retention" => c.churn = true,
                // Irony: "oh perfect", "yeah thanks", "no problem at all" after "I'll just wait".
                "oh" | "yeah" | "yea"
                    if matches!(
                        next,
                        "perfect"
                            | "great"
                            | "thanks"
                            | "wonderful"
                            | "brilliant"
                            | "right"
                            | "sure"
                            | "fantastic"
                            | "lovely"
                    ) && !tokens[i + 2..]
                        .iter()
                        .any(|w| matches!(*w, "thank" | "thanks" | "so" | "that")) =>
                {
                    c.sarcasm = true
                }
                "cleared" if before(i, 1) == "really" => c.sarcasm = true,
                "wait" if before(i, 1) == "just" && before(i, 2) == "ill" => c.sarcasm = true,
                // Churn.
                "leaving" | "elsewhere" | "competitor" | "competitors" => c.churn = true,
                "switch" | "switching" | "move" | "moving" | "go" | "going"
                    if matches!(next, "to")
                        && matches!(at(i + 2), "another" | "a" | "your" | "someone") =>
                {
                    c.churn = true
                }
                "another"
                    if matches!(
                        next,
                        "provider" | "bank" | "company" | "supplier" | "network"
                    ) =>
                {
                    c.churn = true
                }
                "cancel" | "cancelling" | "canceling" | "close" | "closing"
                    if matches!(
                        at(i + 2),
                        "subscription" | "contract" | "membership" | "plan"
                    ) && next == "my"
                        && before(i, 1) != "to" =>
                {
                    c.churn = true
                }
                "never"
                    if matches!(
                        next,
                        "ordering" | "buying" | "using" | "again" | "coming" | "shopping"
                    ) =>
                {
                    c.churn = true
                }
                "done" if before(i, 1) == "im" || before(i, 1) == "am" => c.churn = true,
                "good" if before(i, 1) == "for" => c.churn = true,
                "dropping" | "ditching" | "quitting" => c.churn = true,
                // Waiting.
                "waiting" | "waited" | "ages" | "forever" => c.waiting = true,
                "hold" if before(i, 1) == "on" => c.waiting = true,
                "hour" | "hours" | "minutes" | "days" | "weeks" | "months"
                    if (matches!(
                        before(i, 1),
                        "an" | "for" | "over" | "two" | "three" | "several" | "many"
                    ) || before(i, 2) == "for"
                        || before(i, 1).bytes().all(|b| b.is_ascii_digit())
                            && !before(i, 1).is_empty())
                        && tokens.iter().any(|w| {
                            matches!(*w, "been" | "still" | "waiting" | "ive" | "after" | "now")
                        }) =>
                {
                    c.waiting = true
                }
                "nobody" | "noone"
                    if matches!(
                        next,
                        "ever" | "called" | "answered" | "replied" | "helps" | "cares"
                    ) =>
                {
                    c.waiting = true
                }
                "promised" => c.waiting = true,
                // Exasperation words VADER underrates.
                "ffs" | "smh" | "wtf" | "ugh" | "argh" | "omg" | "unacceptable" | "appalling"
                | "fed" | "sick" | "furious" | "fuming" | "frustrating" | "frustrated"
                | "annoying" | "annoyed" | "shambles" | "disgrace" | "disgraceful" | "worst"
                | "terrible" | "horrible" | "awful" | "pathetic" | "incompetent"
                | "unbelievable" => c.exasperation = true,
                // "Hello?? Is anyone there?"
                "hello" if next == "?" => c.waiting = true,
                "believe" if matches!(before(i, 1), "cant" | "cannot") => c.exasperation = true,
                // Sarcasm markers and praise that may be ironic.
                "thanks" | "thank" if next == "for" && at(i + 2) == "nothing" => c.sarcasm = true,
                "love" | "loving" if next.ends_with("ing") || next == "being" => c.sarcasm = true,
                "not" if i + 2 == n && tokens[n - 1] == "." || i + 1 == n => c.sarcasm = true,
                "great" | "brilliant" | "fantastic" | "wonderful" | "perfect" | "lovely"
                | "amazing" | "awesome" | "super" | "nice" => c.praise = true,
                "thanks" | "thank" | "cheers" | "thx" | "ty" => {
                    c.thanks = true;
                    c.calm_request = true
                }
                "please" | "could" | "can" | "would" | "?" | "how" | "what" | "when" | "where"
                | "which" | "is" => c.calm_request = true,
                "like" if matches!(before(i, 1), "id" | "would") => c.calm_request = true,
                _ => {}
            }
        }
        // "Well that was a wonderful use of my afternoon": irony about time.
        if c.praise && tokens.windows(2).any(|p| p == ["use", "of"]) {
            c.sarcasm = true;
        }
        c
    }
}

/// A feature of the learned layer: a name made of a prefix and up to two
/// tokens, hashed without allocating (FNV-1a over the name's bytes, so the
/// hash of a name written in the model file is the same).
#[derive(Debug, Clone, Copy)]
pub struct Feature<'a> {
    prefix: &'static str,
    a: &'a str,
    b: Option<&'a str>,
}

impl<'a> Feature<'a> {
    fn named(prefix: &'static str) -> Feature<'a> {
        Feature {
            prefix,
            a: "",
            b: None,
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
        if let Some(b) = self.b {
            eat(b" ");
            eat(b.as_bytes());
        }
        h
    }

    pub fn name(&self) -> String {
        match self.b {
            Some(b) => format!("{}{} {b}", self.prefix, self.a),
            None => format!("{}{}", self.prefix, self.a),
        }
    }
}

use super::text::{FNV_OFFSET, FNV_PRIME, hash_str as fnv};

/// The learned layer's features of one message: VADER's score, the cue
/// rules' score and flags, shouting, and the message's words and word
/// pairs (counts).
fn features<'a>(v: f64, text: &str, tokens: &[&'a str], mut emit: impl FnMut(Feature<'a>, f64)) {
    let tokens = &tokens[..tokens.len().min(MAX_TOKENS)];
    let cues = Cues::of(tokens);
    emit(Feature::named("bias"), 1.0);
    emit(Feature::named("vader"), v);
    let shout = shouting(text);
    emit(Feature::named("rules"), cue_score_with(v, shout, &cues));
    emit(Feature::named("shout"), shout);
    for (name, on) in cues.flags() {
        if on {
            emit(Feature::named(name), 1.0);
        }
    }
    for (i, t) in tokens.iter().enumerate() {
        emit(
            Feature {
                prefix: "w:",
                a: t,
                b: None,
            },
            1.0,
        );
        if let Some(next) = tokens.get(i + 1) {
            emit(
                Feature {
                    prefix: "b:",
                    a: t,
                    b: Some(next),
                },
                1.0,
            );
        }
    }
}

/// Hashes that are already well mixed (FNV-1a) need no second hash.
#[derive(Default)]
struct PassThrough(u64);

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

/// The learned layer: a logistic regression of "frustrated" on
/// [`features`], trained on the dev part of `tests/data/frustration.tsv`
/// ([`train`]; the weights are in `frustration_model.tsv` beside this file).
pub struct Learned {
    weights: Weights,
}

/// The committed weights.
pub const MODEL: &str = include_str!("frustration_model.tsv");

fn learned() -> &'static Learned {
    static MODEL_WEIGHTS: OnceLock<Learned> = OnceLock::new();
    MODEL_WEIGHTS.get_or_init(|| Learned::parse(MODEL))
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

    /// The support score of `text` under these weights (−1 … 1).
    pub fn score(&self, text: &str) -> f64 {
        let normalized = super::text::normalize(text);
        let tokens = super::text::tokens(&normalized);
        let v = vader(text);
        let z = self.logit(|emit| features(v, text, &tokens, |f, x| emit(f.hash(), x)));
        1.0 - 2.0 * sigmoid(z)
    }

    fn logit(&self, each: impl FnOnce(&mut dyn FnMut(u64, f64))) -> f64 {
        let mut z = 0.0;
        each(&mut |hash, value| {
            if let Some(w) = self.weights.get(&hash) {
                z += w * value;
            }
        });
        z
    }
}

/// How the learned layer is trained.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    /// L2 penalty (not on the bias).
    pub l2: f64,
    /// Full-batch gradient steps.
    pub steps: usize,
    pub learning_rate: f64,
    /// Word and pair features seen in fewer training messages are dropped.
    pub min_count: usize,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            l2: 0.003,
            steps: 3000,
            learning_rate: 0.5,
            min_count: 2,
        }
    }
}

/// Trains the learned layer on `(message, frustrated)` pairs: L2-penalised
/// logistic regression by full-batch gradient descent (deterministic).
/// Returns the weights by feature name, sorted, rounded to 1e-6 and without
/// the ones that round to zero.
pub fn train(examples: &[(&str, bool)], options: Training) -> Vec<(String, f64)> {
    let rows: Vec<(Vec<(String, f64)>, bool)> = examples
        .iter()
        .map(|(text, frustrated)| {
            let normalized = super::text::normalize(text);
            let tokens = super::text::tokens(&normalized);
            let mut named = Vec::new();
            features(vader(text), text, &tokens, |f, x| named.push((f.name(), x)));
            (named, *frustrated)
        })
        .collect();
    // Vocabulary: every non-word feature, and words and pairs seen in at
    // least `min_count` messages.
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (named, _) in &rows {
        let distinct: std::collections::BTreeSet<&String> = named.iter().map(|(n, _)| n).collect();
        for n in distinct {
            *seen.entry(n.clone()).or_default() += 1;
        }
    }
    let vocabulary: Vec<String> = seen
        .into_iter()
        .filter(|(n, c)| !(n.starts_with("w:") || n.starts_with("b:")) || *c >= options.min_count)
        .map(|(n, _)| n)
        .collect();
    let index: HashMap<&str, usize> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
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
    let bias = index["bias"];
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
            let penalty = if i == bias { 0.0 } else { options.l2 * *wi };
            *wi -= options.learning_rate * (grad[i] + penalty);
        }
    }
    vocabulary
        .into_iter()
        .zip(w)
        .map(|(name, weight)| (name, (weight * 1e6).round() / 1e6))
        .filter(|(_, weight)| *weight != 0.0)
        .collect()
}

/// The model file for trained weights.
pub fn model_file(weights: &[(String, f64)], options: Training, trained_on: usize) -> String {
    let mut out = format!(
        "# The learned layer of the support sentiment model (triggers::sentiment::train):\n\
         # logistic regression of frustrated vs the rest on the dev part of\n\
         # tests/data/frustration.tsv ({trained_on} messages); l2 {}, {} steps, learning rate {}, min count {}.\n\
         # Regenerate: UPDATE_MODEL=1 cargo test --release --test frustration -- --ignored train\n",
        options.l2, options.steps, options.learning_rate, options.min_count
    );
    for (name, weight) in weights {
        out.push_str(&format!("{name}\t{weight}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triggers::text::{normalize, tokens};

    fn support_score(text: &str) -> f64 {
        let normalized = normalize(text);
        score(SentimentModel::Support, text, &tokens(&normalized))
    }

    #[test]
    fn support_complaints_vader_misses_score_frustrated() {
        for text in [
            "This is the third time I'm asking the same question.",
            "That doesn't answer my question.",
            "Why is this so hard?",
            "I'll switch to another provider.",
            "I've been on hold for over an hour.",
            "Great, just great. Thanks for nothing.",
            "It still doesn't work.",
            "This is not helpful.",
        ] {
            let v = vader(text);
            let s = support_score(text);
            assert!(s <= -0.6, "{text}: support {s:.2} (vader {v:.2})");
        }
    }

    #[test]
    fn calm_and_positive_messages_stay_above_frustration() {
        for text in [
            "My package arrived damaged, can I get a replacement?",
            "My card was stolen, please block it right away.",
            "Thanks, that fixed it!",
            "THANK YOU so much!!",
            "Cancel my order please.",
        ] {
            let s = support_score(text);
            assert!(s > -0.4, "{text}: {s:.2}");
        }
    }

    #[test]
    fn shouting_intensifies_only_negative_evidence() {
        let plain = support_score("this is terrible");
        let shouted = support_score("this is TERRIBLE!!!");
        assert!(shouted < plain);
        assert!(support_score("GREAT, THANK YOU!!") > 0.5);
    }

    #[test]
    fn scores_stay_in_range() {
        for text in [
            "",
            "!!!",
            "WHY WHY WHY!!! again again again useless waste ffs",
            "ok",
        ] {
            let s = support_score(text);
            assert!((-1.0..=1.0).contains(&s), "{text}: {s}");
        }
    }
}

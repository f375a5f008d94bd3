//! The cue rules of the support model: VADER's score plus evidence from six
//! families of frustration cues, sarcasm, calm requests and shouting (see
//! the module doc of `sentiment`).

use super::*;

/// The cue rules alone, as a score in −1 … 1 (one feature of the learned
/// layer).
pub fn cue_score(v: f64, text: &str, tokens: &[&str]) -> f64 {
    cue_score_with(v, shouting(text), &Cues::of(tokens))
}

/// The cue rules' score given VADER's `v` and the message's [`shouting`].
pub(super) fn cue_score_with(v: f64, shout: f64, cues: &Cues) -> f64 {
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
pub(super) fn shouting(text: &str) -> f64 {
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
pub(super) struct Cues {
    pub(super) repetition: bool,
    unhelpful: bool,
    pub(super) effort: bool,
    pub(super) churn: bool,
    pub(super) waiting: bool,
    pub(super) exasperation: bool,
    pub(super) sarcasm: bool,
    /// Words of praise ("great", "brilliant") that may be ironic.
    praise: bool,
    /// "please", "can you", "could you", a question: a calm request.
    calm_request: bool,
    /// "thanks", "thank you", "cheers".
    pub(super) thanks: bool,
}

impl Cues {
    /// The flags as named features of the learned layer.
    pub(super) fn flags(&self) -> [(&'static str, bool); 10] {
        [
            ("repetition", self.repetition),
            ("unhelpful", self.unhelpful),
            ("effort", self.effort),
            ("churn", self.churn),
            ("waiting", self.waiting),
            ("exasperation", self.exasperation),
            ("sarcasm", self.sarcasm),
            ("praise", self.praise),
            ("calm_request", self.calm_request),
            ("thanks", self.thanks),
        ]
    }

    /// Frustration evidence: 0.6 for the first cue family, 0.3 for each more.
    pub(super) fn evidence(&self) -> f64 {
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

    pub(super) fn of(tokens: &[&str]) -> Cues {
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

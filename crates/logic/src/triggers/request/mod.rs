//! Does a message ask for a human? Rules, and a learned layer over them.
//!
//! The **learned layer** ([`layer`], [`asks_for_human`]) decides: it weighs
//! the rules' decision and their reasons to say no with frame flags and the
//! message's words, pairs and class bigrams, trained on many independent
//! writers' messages (`tests/data/README.md` has the labelling policy:
//! callbacks and requests on the account holder's behalf are requests).
//! [`rule_asks`] is the rules alone.
//!
//! The **rules** are a small parser of request acts, not keyword spotting.
//! They fire on a **request act whose target is a human**, in a clause that
//! is not negated, not a report of the past, not hypothetical, not a
//! question about what the bot is, and not about someone else:
//!
//! - *Targets:* human, person, agent, representative (rep), operator,
//!   supervisor, manager, staff, someone / somebody / anyone, "your team",
//!   "customer service", "a live/real …". Not in their other senses: a
//!   profession or compound ("travel agent", "password manager", "human
//!   error", "agent of record"), an identifier ("agent number 4471"), a
//!   third party's person ("my manager", "the property manager"), a
//!   possessive ("a person's name"), someone as the subject of another verb
//!   ("somebody stole my card").
//! - *Request acts:* talk / speak / chat to or with, connect / transfer /
//!   pass / hand me (or "be transferred") to, put me through to, get / give
//!   me, escalate to, want / need / would like / rather / prefer, ask for,
//!   "is there … (I can talk to)", "can a human take over", "are any agents
//!   free", and a message that is nothing but the target ("AGENT!!!",
//!   "human pls", "customer service please").
//! - *Not requests:* a negation in the clause before the act ("I don't need
//!   a person", "no need to get somebody" — but "why can't I talk to a
//!   human?" is a request), a past-tense act or passive ("I already spoke to
//!   a person", "I was transferred to a manager"), a hypothetical sentence
//!   ("if I need a person later, …", "… next time"), an identity question
//!   ("are you a bot or a human?", "am I talking to a real person?"), and a
//!   third party's request ("my wife wants to talk to …").
//!
//! Clauses end at `,` `.` `;` `!` `?` `:` and "but", so "I don't want the
//! bot, give me a person" is a request. Spelling: chat-speak is mapped
//! ("sum1", "2", "w/", "plz", "gimme", "lemme", "wanna", "tlk") and key words
//! tolerate one typo (two in words of nine letters or more: "representive").
//!
//! Measured on the labelled corpus `tests/data/explicit_requests.tsv` (dev
//! part for tuning and training, fresh rounds held out): see the README.

use super::text::is_clause_end;

mod layer;
mod lexicon;

pub use crate::triggers::learned::Training;
pub use layer::{
    MODEL, THRESHOLD, TRAINING, asks_for_human, model_file, probability, probability_with, train,
};

use lexicon::{
    BARE_FILLERS, COMPOUND_AFTER, COMPOUND_BEFORE, Known, MOVE_VERBS, MOVED, MOVING, NEGATORS,
    PAST_VERBS, TALK_VERBS, TARGET_WORDS, THIRD_PARTY_OWNERS, THIRD_PARTY_SUBJECTS, WANT_VERBS,
    Word, known_words, names_a_human, rejoined, typo_of,
};

/// The parser reads at most this many tokens of a message.
pub const MAX_TOKENS: usize = 128;

/// Maps the tokens to words: chat-speak, two-word contractions, typos, and
/// "customer service" as one word.
fn words<'a>(tokens: &[&'a str]) -> Vec<Word<'a>> {
    let mut out: Vec<Word<'a>> = Vec::with_capacity(tokens.len() + 2);
    let known = known_words();
    for &t in tokens {
        let word = match known.get(t) {
            Some(Known::Split(pair)) => {
                out.extend(pair.iter().map(|w| Word::Key(w)));
                continue;
            }
            Some(Known::Is(key)) => Word::Key(key),
            Some(Known::Tail(joins)) => {
                // "a gent" is "agent", "per son" is "person".
                if let Some(last) = out.last_mut()
                    && let Some(key) = rejoined(last.text(), joins)
                {
                    *last = Word::Key(key);
                    continue;
                }
                Word::Other(t)
            }
            None => typo_of(t).map_or(Word::Other(t), Word::Key),
        };
        // "customer service" is one target.
        if word.is("service")
            && let Some(last) = out.last_mut()
            && last.is("customer")
        {
            *last = Word::Key("customer_service");
            continue;
        }
        out.push(word);
    }
    out
}

/// Sentences end at . ! ? ; — the scope of "if" and of identity questions.
fn is_sentence_end(w: &Word<'_>) -> bool {
    is_clause_end(w.text()) && !w.is(",") && !w.is(":")
}

fn is_boundary(w: Word<'_>) -> bool {
    is_clause_end(w.text()) || w.is("but")
}

/// Is `words[i]` a human the customer could be handed to?
fn is_target(words: &[Word<'_>], i: usize) -> bool {
    let w = words[i];
    if !w.is_any(&TARGET_WORDS) {
        // "real person" style pairs are covered by the head noun.
        return false;
    }
    let before = |k: usize| i.checked_sub(k).map(|j| words[j]);
    let after = words.get(i + 1).copied();
    let after2 = words.get(i + 2).copied();
    // "agent of record" and "person-to-person", but "a representative of
    // your company" is a person.
    let of_record = after.is_some_and(|n| n.is("of")) && after2.is_some_and(|n| n.is("record"));
    let to_person = after.is_some_and(|n| n.is("to")) && after2.is_some_and(|n| n.is(w.text()))
        || before(1).is_some_and(|p| p.is("to")) && before(2).is_some_and(|p| p.is(w.text()));
    if of_record || to_person {
        return false;
    }
    if let Some(next) = after
        && next.is_any(&COMPOUND_AFTER)
    {
        // "human error", "agent number"; but "someone of your team" is rare.
        return false;
    }
    // "your billing team", "your fraud department": the company's people.
    let yours = w.is_any(&["team", "staff", "department", "people"])
        && before(2).is_some_and(|p| p.is("your"));
    if let Some(prev) = before(1)
        && !yours
    {
        if prev.is_any(&COMPOUND_BEFORE) || prev.is_any(&THIRD_PARTY_OWNERS) {
            return false;
        }
        // "the property manager", "the agent who sold her the house":
        // a definite, described person, not a request for one. "the" before
        // a bare role stays a target only with "your" ("your team").
        if prev.is("the") && after.is_some_and(|n| n.is_any(&["who", "i", "that"])) {
            return false;
        }
    }
    // Someone *else* is another sense: "can someone else use my account".
    if w.is_any(&["someone", "somebody", "anyone", "anybody"])
        && after.is_some_and(|n| n.is_any(&["else", "stole", "is", "used", "has", "hacked"]))
    {
        return false;
    }
    // "team" and "staff" only as the company's: "your team", "your staff",
    // "customer service team", "support team" when asked for.
    if w.is_any(&["team", "staff", "people", "department"]) {
        return yours
            || before(1).is_some_and(|p| {
                p.is_any(&[
                    "your", "the", "a", "real", "live", "some", "support", "service", "of", "with",
                    "to",
                ]) || p.is("customer_service")
            });
    }
    true
}

/// A verb in the past or a passive: "spoke", "was transferred".
fn is_past(word: Word<'_>) -> bool {
    word.is_any(&PAST_VERBS)
}

/// True when the request rules alone find a request (see the module doc).
pub fn rule_asks(tokens: &[&str]) -> bool {
    // The clause analysis looks back from each target, so an unbounded
    // message would cost quadratic time: the first MAX_TOKENS are read.
    let tokens = &tokens[..tokens.len().min(MAX_TOKENS)];
    names_a_human(tokens) && parse(tokens)
}

/// The full analysis, for a message that may name a human.
fn parse(tokens: &[&str]) -> bool {
    parse_words(&words(tokens))
}

/// The rules' analysis of mapped words.
fn parse_words(words: &[Word<'_>]) -> bool {
    // No human target, no request: most messages stop here.
    if !words.iter().any(|w| w.is_any(&TARGET_WORDS)) {
        return false;
    }
    if words.split(is_sentence_end).any(sentence_asks) {
        return true;
    }
    // A clause that is nothing but its target: "no bot, a real person please".
    words.split(|w| is_boundary(*w)).any(bare_request)
}

/// Conditions that are only politeness: "if possible", "if you can".
fn polite_if(sentence: &[Word<'_>], at: usize) -> bool {
    let next = |k: usize| sentence.get(at + k).map_or("", |w| w.text());
    matches!(next(1), "possible" | "you" | "its" | "it" | "thats" | "not")
        && !matches!((next(1), next(2)), ("it", "doesnt") | ("its", "not") if next(3) != "too")
}

/// Does a real condition, or a later time, make the sentence hypothetical
/// ("if I need a person later", "next time", "tomorrow I'll call")?
fn is_conditional(sentence: &[Word<'_>]) -> bool {
    sentence.iter().enumerate().any(|(i, w)| {
        // "I don't know if I paid": "if" as "whether".
        let whether = i > 0
            && sentence[i - 1].is_any(&["know", "see", "wonder", "check", "sure", "ask", "tell"]);
        w.is("if") && !whether && !polite_if(sentence, i)
    }) || sentence.windows(2).any(|p| {
        matches!(
            (p[0].text(), p[1].text()),
            ("next", "time")
                | ("in", "case")
                | ("the", "future")
                | ("the", "event")
                | ("should", "i")
                | ("lets", "say")
                | ("say", "i")
                | ("ill", _)
                | ("next", "week" | "month" | "year")
        )
    }) || sentence.iter().any(|w| {
        w.is_any(&[
            "later",
            "hypothetically",
            "suppose",
            "supposing",
            "someday",
            "whenever",
            "tomorrow",
            "once",
        ])
    })
}

fn sentence_asks(sentence: &[Word<'_>]) -> bool {
    !is_conditional(sentence) && sentence.split(|w| is_boundary(*w)).any(clause_asks)
}

/// Is the clause before position `v` someone else's, or the past?
fn subject_is_third_party(clause: &[Word<'_>], v: usize) -> bool {
    let before = &clause[..v];
    let first_person = before.iter().any(|w| {
        w.is_any(&[
            "i", "me", "we", "us", "im", "id", "ive", "ill", "this", "it",
        ])
    });
    !first_person && before.iter().any(|w| w.is_any(&THIRD_PARTY_SUBJECTS))
}

fn negated(clause: &[Word<'_>], v: usize) -> bool {
    // "I'm not answering until you get me a person": the negation ends at
    // a conjunction.
    let scope = clause[..v]
        .iter()
        .rposition(|w| w.is_any(&["until", "unless", "because", "so", "and", "then", "just"]))
        .map_or(0, |i| i + 1);
    let clause = &clause[scope..];
    let v = v - scope;
    clause[..v].iter().enumerate().any(|(i, w)| {
        if !w.is_any(&NEGATORS) {
            return false;
        }
        // "why can't I talk to a human", "isn't there a manager I can
        // speak to" are requests.
        let why = clause[i.saturating_sub(3)..i].iter().any(|p| p.is("why"))
            || (w.is_any(&["isnt", "arent"]) && clause.get(i + 1).is_some_and(|n| n.is("there")));
        // "no" as an answer: "No, …" is cut by the comma; "no bot, …" too.
        !why
    }) || clause[..v]
        .windows(2)
        .any(|p| p[0].is("rather") && p[1].is("not"))
}

/// An identity question: "are you a bot or a human", "am I talking to a
/// real person", "is this a human".
fn identity_question(clause: &[Word<'_>]) -> bool {
    // "is this a human" (not "why is it so hard to talk to a human").
    let is_this_a = clause.windows(3).any(|p| {
        p[0].is("i") && p[1].is("am") && p[2].is_any(&["a", "an", "the"])
            || (p[0].is("is") && p[1].is_any(&["this", "it"]) || p[0].is("r") && p[1].is("you"))
                && p[2].is_any(&["a", "an", "the", "really", "actually", "real", "human"])
    });
    // "you sound like a real person", "you write like a human".
    let remark = clause.windows(3).any(|p| {
        p[0].is("you")
            && p[1].is_any(&["sound", "write", "seem", "talk", "type", "sounds", "act"])
            && p[2].is_any(&["like", "human", "real"])
    });
    let pairs = [
        ("are", "you"),
        ("am", "i"),
        ("you", "are"),
        ("youre", "a"),
        ("were", "you"),
        ("im", "a"),
        ("im", "the"),
        ("as", "a"),
    ];
    is_this_a
        || remark
        || clause
            .windows(2)
            .any(|p| pairs.iter().any(|(a, b)| p[0].is(a) && p[1].is(b)))
        || clause
            .iter()
            .any(|w| w.is_any(&["bot", "robot", "ai", "chatbot", "automated", "software"]))
            && clause.iter().any(|w| w.is("or"))
}

fn clause_asks(clause: &[Word<'_>]) -> bool {
    if clause.is_empty() || identity_question(clause) {
        return false;
    }
    (0..clause.len()).any(|t| is_target(clause, t) && requested(clause, t))
}

/// Is the target at `t` the object of a request act in this clause?
fn requested(clause: &[Word<'_>], t: usize) -> bool {
    // Look left for the request act, at most eight words back.
    let from = t.saturating_sub(8);
    for v in (from..t).rev() {
        let w = clause[v];
        let act = if w.is_any(&TALK_VERBS) {
            // "talk to / with / w a human"
            clause[v + 1..t]
                .first()
                .is_some_and(|p| p.is_any(&["to", "with"]))
        } else if w.is_any(&MOVE_VERBS) {
            moves_the_customer(clause, v, t)
        } else if w.is_any(&MOVING) {
            v > 0
                && clause[v - 1].is_any(&["mind", "try", "consider"])
                && moves_the_customer(clause, v, t)
        } else if w.is_any(&MOVED) {
            v > 0
                && clause[v - 1].is_any(&["be", "get", "being"])
                && moves_the_customer(clause, v, t)
        } else if w.is("escalate") {
            true
        } else if w.is("getting") {
            // "any chance of getting a live agent".
            v > 0 && clause[v - 1].is_any(&["of", "try", "about"])
        } else if w.is_any(&["get", "give", "find", "send", "have"]) {
            // "get me a human", "can I get a human", not "get me the number".
            clause.get(v + 1).is_some_and(|n| n.is_any(&["me", "us"]))
                || (v > 0 && clause[v - 1].is_any(&["i", "we", "you"]))
                // Imperative: "get somebody from customer service on this".
                || clause[..v].iter().all(|p| p.is_any(&["just", "please", "now", "so", "then", "and"]))
        } else if w.is("like") {
            // "I'd like a human", not "you sound like a human".
            v > 0 && clause[v - 1].is_any(&["id", "would", "wed", "d", "really"])
        } else if w.is_any(&WANT_VERBS) {
            true
        } else if w.is("asking") || w.is("ask") {
            clause.get(v + 1).is_some_and(|n| n.is("for"))
        } else if w.is_any(&["reach", "contact", "see", "deal"]) {
            v > 0
                && clause[..v]
                    .iter()
                    .any(|p| p.is_any(&["i", "me", "let", "can", "could"]))
        } else {
            false
        };
        if !act {
            // A past verb between the act and the target reports the past:
            // "I already spoke to a person" is found as "spoke".
            let have_got = w.is("got") && v > 0 && clause[v - 1].is_any(&["you", "ive", "weve"]);
            if is_past(w)
                && !have_got
                && !clause[..v].iter().any(|p| p.is_any(&["be", "to", "being"]))
            {
                return false;
            }
            continue;
        }
        if is_past_act(clause, v) || negated(clause, v) || subject_is_third_party(clause, v) {
            return false;
        }
        // Third person "wants" / "needs" / "asks": only "this needs a human".
        return true;
    }
    other_frames(clause, t)
}

/// "connect me to", "put me through to", "be transferred to".
fn moves_the_customer(clause: &[Word<'_>], v: usize, t: usize) -> bool {
    let between = &clause[v + 1..t];
    // "put a live agent on this chat".
    if clause[v].is("put")
        && between
            .iter()
            .all(|w| w.is_any(&["a", "an", "the", "real", "live", "actual", "someone"]))
        && clause.get(t + 1).is_some_and(|n| n.is("on"))
    {
        return true;
    }
    // The customer, or the conversation: "transfer my call", not "transfer
    // my subscription to another person".
    let me = between.iter().take(2).enumerate().any(|(k, w)| {
        w.is_any(&["me", "us", "this", "it"])
            || w.is("my")
                && between.get(k + 1).is_some_and(|n| {
                    n.is_any(&[
                        "call",
                        "chat",
                        "case",
                        "complaint",
                        "query",
                        "issue",
                        "ticket",
                    ])
                })
    });
    let passive = v > 0 && clause[v - 1].is_any(&["be", "get", "being"]);
    // Elliptical imperative: "xfer to human agent plz".
    let elliptical = clause[..v]
        .iter()
        .all(|w| w.is_any(&["just", "please", "pls", "now"]))
        && between.first().is_some_and(|w| w.is("to"));
    if elliptical {
        return true;
    }
    (me || passive)
        && between
            .iter()
            .any(|w| w.is_any(&["to", "with", "through", "over"]))
}

/// A request verb used in the past: "was connected", "spoke", or with "already".
fn is_past_act(clause: &[Word<'_>], v: usize) -> bool {
    let before = &clause[..v];
    // "demanded to see", "asked to speak"; not "I was hoping to speak".
    let recent_past = before.iter().rev().take(3).enumerate().any(|(k, w)| {
        let polite = k > 0 && before[v - k].is_any(&["hoping", "wondering", "going", "trying"]);
        is_past(*w) && !w.is("got") && !polite && !w.is_any(&["was", "were"])
    });
    if recent_past {
        return true;
    }
    before
        .last()
        .is_some_and(|w| w.is_any(&["was", "were", "been", "had", "have", "got"]))
        || before
            .iter()
            .any(|w| w.is_any(&["already", "yesterday", "earlier", "ago"]))
            && !before.iter().any(|w| w.is_any(&["want", "need", "like"]))
}

/// Requests without a verb before the target.
fn other_frames(clause: &[Word<'_>], t: usize) -> bool {
    let at = |k: usize| clause.get(k).copied();
    // "is there a person (I can talk to)", "is there anyone …", "surely
    // there's a real person I can chat with".
    let there = clause[..t]
        .windows(2)
        .any(|p| (p[0].is("is") || p[0].is("any")) && p[1].is("there"))
        || clause[..t].iter().any(|w| w.is_any(&["theres", "anyone"]))
            && clause[..t].iter().any(|w| w.is("there") || w.is("theres"));
    let after = at(t + 1);
    let next_is_participle = after.is_some_and(|w| w.text().ends_with("ing"));
    // "is there a number for customer service" asks for information.
    let informational = clause[..t].iter().any(|w| {
        w.is_any(&[
            "number", "way", "phone", "email", "fee", "cost", "charge", "address", "form", "line",
        ])
    });
    if (there || clause[..t].iter().any(|w| w.is("theres")))
        && !next_is_participle
        && !informational
    {
        return !negated(clause, t);
    }
    // "a person I can talk to", "anyone who can help".
    if clause[t + 1..]
        .windows(2)
        .take(3)
        .any(|p| p[0].is_any(&["i", "we", "who"]) && p[1].is_any(&["can", "could"]))
        && clause[..t]
            .iter()
            .any(|w| w.is_any(&["any", "anyone", "a", "someone"]))
        && !negated(clause, t)
    {
        return true;
    }
    // "can a human take over", "could somebody from your staff take this over".
    let modal_before = clause[..t]
        .iter()
        .rev()
        .take(3)
        .any(|w| w.is_any(&["can", "could", "will", "would"]));
    let takes_over = clause[t + 1..].iter().take(6).any(|w| {
        w.is_any(&[
            "take", "pick", "handle", "help", "call", "assist", "look", "deal",
        ])
    });
    if modal_before && takes_over && !negated(clause, t) {
        return true;
    }
    // "u got a live agent?", "do you have a real person".
    let you_have = clause[t.saturating_sub(4)..t]
        .windows(2)
        .any(|p| p[0].is("you") && p[1].is_any(&["got", "have"]));
    if you_have && !negated(clause, t) {
        return true;
    }
    // "are any agents free to chat", "is an agent available".
    let available = clause[t + 1..]
        .iter()
        .take(2)
        .any(|w| w.is_any(&["free", "available", "online", "around"]));
    available && clause[..t].iter().any(|w| w.is_any(&["are", "is", "any"]))
}

/// A message that is nothing but its target (and fillers): "AGENT!!!",
/// "human pls", "I SAID REPRESENTATIVE", "tlk 2 agent".
fn bare_request(words: &[Word<'_>]) -> bool {
    let mut target = false;
    for (i, w) in words.iter().enumerate() {
        if is_clause_end(w.text()) || w.is_any(&BARE_FILLERS) {
            continue;
        }
        if is_target(words, i) && !w.is_any(&["team", "staff", "anyone", "anybody", "people"]) {
            target = true;
            continue;
        }
        return false;
    }
    target
}

#[cfg(test)]
mod tests;

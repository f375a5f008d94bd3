//! Customers as the model sees them: who arrives (channel, intent, hidden
//! ground truth, patience) and how they behave between bot turns.
//!
//! Pure functions of the scenario and the customer's own random streams, so a
//! customer is the same person in every variant of a scenario (common random
//! numbers). The customer actor calls these; it adds only timing.

use rand::RngExt;

use crate::learning::Learner;
use crate::rng::{Purpose, Streams};
use crate::scenario::Scenario;
use handoff_logic::Channel;
use handoff_logic::handoff::TransferPlan;

/// A conversation's id: unique in a run, in arrival order.
pub type ConversationId = u64;

/// Everything drawn about a customer at arrival.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerProfile {
    /// The conversation's id (unique per contact).
    pub id: ConversationId,
    /// The person's id: the same on every contact of a returning customer.
    pub customer: u64,
    /// 1 for a first contact, 2 for the first repeat, …
    pub contact: u32,
    /// When the previous contact started (seconds), for a repeat contact.
    pub previous_contact_at: Option<f64>,
    pub channel: Channel,
    pub intent: usize,
    /// Ground truth: the case must go to a human (regulated, dispute).
    pub requires_human: bool,
    /// Ground truth, hidden from the trigger engine: can the AI really solve
    /// this instance? Never when a human is required.
    pub ai_can_solve: bool,
    /// Seconds this customer will wait for a human; `None` = forever.
    pub patience: Option<f64>,
    /// Frustration at the start, 0 … 1.
    pub frustration: f64,
}

/// Bits of a conversation id that number the contact (repeats).
const CONTACT_SHIFT: u32 = 48;

impl CustomerProfile {
    /// Ground truth: this conversation needs a human from its first message.
    pub fn needs_human(&self) -> bool {
        !self.ai_can_solve
    }

    /// Draws the customer with id `id` (a first contact) from its own stream.
    /// `at` is the arrival time (a forecast may give the channel split per
    /// interval). With learning on, `learned` holds the day's bot: the
    /// customer's uniform draw is compared with its resolve probability
    /// instead of the scenario's, and no other draw moves.
    pub fn draw(
        scenario: &Scenario,
        streams: &Streams,
        id: ConversationId,
        at: f64,
        learned: Option<&Learner>,
    ) -> CustomerProfile {
        let mut rng = streams.stream(Purpose::Customer, id, 0);
        let channel = if rng.random::<f64>() < scenario.chat_share_at(at) {
            Channel::Chat
        } else {
            Channel::Voice
        };
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let mut intent = scenario.intents.len() - 1;
        for (i, it) in scenario.intents.iter().enumerate() {
            acc += it.share;
            if u < acc {
                intent = i;
                break;
            }
        }
        let spec = &scenario.intents[intent];
        let requires_human = rng.random::<f64>() < spec.requires_human_probability;
        let resolve = learned.map_or(spec.ai_resolve_probability, |l| {
            l.resolve_probability(intent)
        });
        let solvable = rng.random::<f64>() < resolve;
        let frustration = rng.random::<f64>() * 0.3;
        // Drawn last, so switching patience on or off shifts no other draw.
        let patience = scenario.customers.patience.map(|p| p.sample_secs(&mut rng));
        CustomerProfile {
            id,
            customer: id,
            contact: 1,
            previous_contact_at: None,
            channel,
            intent,
            requires_human,
            ai_can_solve: solvable && !requires_human,
            patience,
            frustration,
        }
    }

    /// The same person coming back after an unresolved contact that started
    /// at `previous_at`: same issue and ground truth, more frustrated, with
    /// fresh draws for this contact.
    pub fn repeat(
        &self,
        scenario: &Scenario,
        streams: &Streams,
        previous_at: f64,
    ) -> CustomerProfile {
        let contact = self.contact + 1;
        let id = self.customer | (u64::from(contact) << CONTACT_SHIFT);
        let mut rng = streams.stream(Purpose::Customer, id, 0);
        let patience = scenario.customers.patience.map(|p| p.sample_secs(&mut rng));
        CustomerProfile {
            id,
            contact,
            previous_contact_at: Some(previous_at),
            patience,
            frustration: (self.frustration + 0.3).min(1.0),
            ..self.clone()
        }
    }

    /// Whether, after an unresolved contact transferred with `plan` (`None`:
    /// it never reached a human), this customer comes back, and after how
    /// many seconds. A briefed transfer may lower the probability
    /// (`handoff.effects.warm_repeat_reduction`); the draw is the same.
    pub fn comes_back(
        &self,
        scenario: &Scenario,
        streams: &Streams,
        plan: Option<&TransferPlan>,
    ) -> Option<f64> {
        let mut rng = streams.stream(Purpose::Customer, self.id, 1);
        let customers = &scenario.customers;
        let p = scenario
            .handoff
            .effects
            .repeat_probability(customers.repeat_probability, plan);
        (rng.random::<f64>() < p).then(|| customers.repeat_delay.sample_secs(&mut rng))
    }

    /// Whether a contact the bot resolved was not really resolved
    /// (`customers.ai_relapse_probability`): the customer comes back after
    /// a `repeat_delay`, in seconds. Its own stream, so it moves no other draw.
    pub fn relapses(&self, scenario: &Scenario, streams: &Streams) -> Option<f64> {
        let customers = &scenario.customers;
        if customers.ai_relapse_probability == 0.0 {
            return None;
        }
        let mut rng = streams.stream(Purpose::Customer, self.id, 3);
        (rng.random::<f64>() < customers.ai_relapse_probability)
            .then(|| customers.repeat_delay.sample_secs(&mut rng))
    }
}

/// What the customer does after a bot answer that did not solve the problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NextStep {
    /// Leaves the bot, unresolved, at `frustration`.
    GiveUp { frustration: f64 },
    /// Writes again after `think_time` seconds, saying `utterance`, now at
    /// `frustration`.
    Reply {
        think_time: f64,
        utterance: &'static str,
        frustration: f64,
        /// Ground truth: the message asks for a human (whatever the engine reads).
        asks_human: bool,
    },
}

/// The phrasebook: what customers write, by mood. Varied and sometimes
/// misleading on purpose (sarcasm, typos, negated mentions of a human), so
/// the trigger engine works on what a real one would see.
pub mod phrasebook {
    pub const OPENING: [&str; 4] = [
        "Hi, I need help with my account.",
        "Hello, something is wrong with my order.",
        "I have a question about my bill.",
        "hi i dont need a human, just tell me my balance",
    ];
    pub const ASK_HUMAN_CALM: [&str; 4] = [
        "Can I talk to a real person please?",
        "I'd like to speak to an agent.",
        "Could you transfer me to a representative?",
        "can i talk to a humna",
    ];
    pub const ASK_HUMAN_ANGRY: [&str; 4] = [
        "AGENT!!!",
        "Get me a human NOW, this is ridiculous!",
        "agnet pls",
        "Stop wasting my time and put me through to someone.",
    ];
    pub const RESTATE_CALM: [&str; 4] = [
        "That's not what I asked.",
        "Could you check again?",
        "No, my question is about something else.",
        "I don't need a human, I just want the status.",
    ];
    pub const RESTATE_ANNOYED: [&str; 4] = [
        "It still doesn't work.",
        "This is not helpful.",
        "You're not understanding me.",
        "It still doesn't work.",
    ];
    pub const SARCASTIC: [&str; 2] = [
        "Great, just great. Thanks for nothing.",
        "Wow, super helpful. Really.",
    ];
    pub const ANGRY: [&str; 4] = [
        "This is useless! I have asked THREE times already!!",
        "Terrible service, nothing works!!",
        "I need this fixed right now, it's urgent!",
        "This is the worst support I have ever had.",
    ];
}

/// Frustration above which a customer sounds annoyed, and angry.
const ANNOYED_AT: f64 = 0.35;
const ANGRY_AT: f64 = 0.7;

/// The customer's first message.
pub fn opening(streams: &Streams, id: ConversationId) -> &'static str {
    let mut rng = streams.stream(Purpose::CustomerTurn, id, 0);
    phrasebook::OPENING[rng.random_range(0..phrasebook::OPENING.len())]
}

/// The customer's reaction after failed bot turn `turn` (1-based), at
/// `frustration` before this turn.
pub fn after_failed_turn(
    scenario: &Scenario,
    streams: &Streams,
    id: ConversationId,
    turn: u32,
    frustration: f64,
) -> NextStep {
    use phrasebook::*;
    let mut rng = streams.stream(Purpose::CustomerTurn, id, u64::from(turn));
    let customers = &scenario.customers;
    let frustration = (frustration + customers.frustration_per_failed_turn).min(1.0);
    let give_up =
        rng.random::<f64>() < (customers.bot_give_up_probability * (1.0 + frustration)).min(1.0);
    let asks_human = rng.random::<f64>()
        < (customers.request_human_probability * (1.0 + 2.0 * frustration)).min(1.0);
    let think_time = customers.think_time.sample_secs(&mut rng);
    let sarcastic = rng.random::<f64>() < 0.25;
    let pick: usize = rng.random_range(0..4);
    if give_up {
        return NextStep::GiveUp { frustration };
    }
    let utterance = match (asks_human, frustration) {
        (true, f) if f >= ANGRY_AT => ASK_HUMAN_ANGRY[pick],
        (true, _) => ASK_HUMAN_CALM[pick],
        (false, f) if f >= ANGRY_AT => ANGRY[pick],
        (false, f) if f >= ANNOYED_AT && sarcastic => SARCASTIC[pick % SARCASTIC.len()],
        (false, f) if f >= ANNOYED_AT => RESTATE_ANNOYED[pick],
        (false, _) => RESTATE_CALM[pick],
    };
    NextStep::Reply {
        think_time,
        utterance,
        frustration,
        asks_human,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            r#"
[simulation]
name = "c"
duration = "1h"
[arrivals]
rate_per_hour = 10
[channels]
chat = 0.25
voice = 0.75
[[intents]]
name = "a"
share = 0.2
ai_resolve_probability = 1.0
handle_time = {{ dist = "exponential", mean = "5m" }}
skill = "s"
[[intents]]
name = "b"
share = 0.8
handle_time = {{ dist = "exponential", mean = "5m" }}
skill = "s"
[[agents]]
name = "p"
count = {extra}
skills = ["s"]
"#
        );
        Scenario::parse(&text, Path::new("c.toml")).unwrap()
    }

    #[test]
    fn profiles_follow_the_shares() {
        let s = scenario("3");
        let streams = Streams::new(s.seed, 0);
        let n = 40_000;
        let profiles: Vec<_> = (0..n)
            .map(|id| CustomerProfile::draw(&s, &streams, id, 0.0, None))
            .collect();
        let chat = profiles
            .iter()
            .filter(|p| p.channel == Channel::Chat)
            .count() as f64
            / n as f64;
        let intent_a = profiles.iter().filter(|p| p.intent == 0).count() as f64 / n as f64;
        // Binomial standard errors ≈ 0.0022 and 0.0020; allow 4.
        assert!((chat - 0.25).abs() < 0.009, "{chat}");
        assert!((intent_a - 0.2).abs() < 0.008, "{intent_a}");
        // Ground truth follows the intent: a is always solvable, b never.
        assert!(profiles.iter().all(|p| p.ai_can_solve == (p.intent == 0)));
        assert!(profiles.iter().all(|p| p.needs_human() == (p.intent == 1)));
    }

    #[test]
    fn a_repeat_contact_is_the_same_person_with_a_new_conversation() {
        let s = scenario("3");
        let streams = Streams::new(1, 0);
        let first = CustomerProfile::draw(&s, &streams, 17, 0.0, None);
        let again = first.repeat(&s, &streams, 120.0);
        assert_ne!(again.id, first.id);
        assert_eq!((again.customer, again.contact), (17, 2));
        assert_eq!(
            (again.intent, again.channel, again.ai_can_solve),
            (first.intent, first.channel, first.ai_can_solve)
        );
        assert_eq!(again.previous_contact_at, Some(120.0));
        assert!(again.frustration > first.frustration);
        assert_ne!(again.repeat(&s, &streams, 500.0).id, again.id);
    }

    #[test]
    fn frustration_makes_requests_for_a_human_likelier_and_angrier() {
        let s = scenario("3");
        let streams = Streams::new(2, 0);
        let asks = |f: f64| {
            (0..5000)
                .filter(|id| {
                    matches!(
                        after_failed_turn(&s, &streams, *id, 1, f),
                        NextStep::Reply {
                            asks_human: true,
                            ..
                        }
                    )
                })
                .count()
        };
        assert!(asks(0.8) > asks(0.0));
        let angry = (0..200).any(|id| {
            matches!(after_failed_turn(&s, &streams, id, 1, 0.9), NextStep::Reply { utterance, .. } if phrasebook::ANGRY.contains(&utterance))
        });
        assert!(angry);
    }

    #[test]
    fn a_customer_does_not_depend_on_staffing() {
        let (small, large) = (scenario("3"), scenario("300"));
        let streams = Streams::new(7, 0);
        for id in 0..100 {
            assert_eq!(
                CustomerProfile::draw(&small, &streams, id, 0.0, None),
                CustomerProfile::draw(&large, &streams, id, 0.0, None)
            );
            assert_eq!(
                after_failed_turn(&small, &streams, id, 2, 0.1),
                after_failed_turn(&large, &streams, id, 2, 0.1)
            );
        }
    }

    /// A learned bot moves only the bar the customer's own draw is compared
    /// with: nobody the day-0 bot could solve becomes unsolvable, and every
    /// other attribute is the same person's (common random numbers).
    #[test]
    fn a_learned_bot_only_lowers_the_bar_of_the_same_customers() {
        let mut s = scenario("3");
        s.learning = Some(crate::scenario::Learning {
            rate_per_day: 1.0,
            ceiling: 0.9,
            full_step_escalations: 1,
            nudge: None,
        });
        let mut learned = Learner::new(&s).unwrap();
        learned.handed_off(1, true, true);
        learned.end_day();
        assert!((learned.resolve_probability(1) - 0.9).abs() < 1e-12);
        let streams = Streams::new(11, 0);
        let (mut before, mut after) = (0, 0);
        for id in 0..4000 {
            let plain = CustomerProfile::draw(&s, &streams, id, 0.0, None);
            let day_one = CustomerProfile::draw(&s, &streams, id, 0.0, Some(&learned));
            assert_eq!(
                CustomerProfile {
                    ai_can_solve: plain.ai_can_solve,
                    ..day_one.clone()
                },
                plain
            );
            assert!(!plain.ai_can_solve || day_one.ai_can_solve);
            if plain.intent == 1 {
                before += u64::from(plain.ai_can_solve);
                after += u64::from(day_one.ai_can_solve);
            }
        }
        let b = (0..4000)
            .filter(|&id| CustomerProfile::draw(&s, &streams, id, 0.0, None).intent == 1)
            .count() as f64;
        let share = |n: u64| n as f64 / b;
        assert!((share(before) - s.intents[1].ai_resolve_probability).abs() < 0.03);
        assert!((share(after) - 0.9).abs() < 0.02, "{}", share(after));
    }

    /// A reading kept and reused (`TriggerEngine::read_text`, as the trigger
    /// actor keeps one per phrase) decides exactly as a full evaluation does —
    /// on every phrasebook message, in every context, with the bundled
    /// scenario's rules, either sentiment model and the text rules off.
    #[test]
    fn a_kept_reading_decides_as_a_full_evaluation() {
        use handoff_logic::triggers::{
            NoProbe, Observation, SentimentModel, TextReading, TriggerConfig, TriggerEngine,
        };
        use phrasebook::*;
        let all_rules = || {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/basic.toml");
            Scenario::load(Path::new(path)).unwrap().triggers
        };
        let texts = [
            &OPENING[..],
            &ASK_HUMAN_CALM,
            &ASK_HUMAN_ANGRY,
            &RESTATE_CALM,
            &RESTATE_ANNOYED,
            &SARCASTIC,
            &ANGRY,
        ]
        .concat();
        let mut configs = vec![all_rules(), TriggerConfig::basic(0.5, 3)];
        configs.push(TriggerConfig {
            sentiment_model: SentimentModel::Vader,
            ..all_rules()
        });
        configs.push(TriggerConfig {
            explicit_request: false,
            urgency: false,
            ..all_rules()
        });
        let mut checked = 0;
        for config in configs {
            let engine = TriggerEngine::new(config);
            let readings: Vec<TextReading> = texts
                .iter()
                .map(|t| engine.read_text(t, &mut NoProbe))
                .collect();
            let mut history = Vec::new();
            for (round, confidence) in [0.2, 0.45, 0.9].into_iter().enumerate() {
                for (text, reading) in texts.iter().zip(&readings) {
                    let observation = Observation {
                        utterance: text,
                        ai_confidence: confidence,
                        recognised_intent: Some(["dispute", "billing", "other"][round]),
                        failed_attempts: round as u32,
                        failed_in_a_row: round as u32,
                        history: &history,
                        previous_contact_age: (round == 1).then_some(3600.0),
                    };
                    let full = engine.evaluate(&observation);
                    assert_eq!(engine.decide(&observation, reading, &mut NoProbe), full);
                    history.push(full.signals);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 4 * 3 * 26);
    }
}

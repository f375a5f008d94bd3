//! Scenario files: parsing, validation, and the typed model the simulation runs.
//!
//! A scenario is parsed once into `raw` structs (serde, unknown keys rejected),
//! then validated into [`Scenario`]: rates per second, shares that sum to one,
//! durations as `Duration`, skills as indices. Nothing downstream re-checks or
//! re-parses. Every error names the file, the key path, the line (when it can
//! be found in the source) and what is allowed. Keys are documented in
//! `scenarios/README.md`.

mod dist;
mod faults;
mod locate;
mod raw;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::roster::{Calendar, ShiftEnd, Staffing};
pub use dist::{Dist, DistSpec, HumanDuration};
pub use faults::{
    Callbacks, Effect, LiveTranscription, OnHold, Process, Served, Voice, WaitEstimator, Window,
};

use crate::arrivals::Arrivals;
use crate::error::ScenarioError;
use handoff_logic::Channel;
use handoff_logic::handoff::{ContextMode, TransferPolicy};
use handoff_logic::triggers::TriggerConfig;

/// Largest number of expected arrivals a scenario may ask for.
pub const MAX_EXPECTED_ARRIVALS: f64 = 10_000_000.0;
/// Largest number of human agents over all pools.
pub const MAX_AGENTS: u64 = 100_000;
/// Tolerance on shares summing to one.
pub const SHARE_TOLERANCE: f64 = 1e-6;
/// Longest simulated horizon (a year), to keep the interval tables bounded.
pub const MAX_DURATION: Duration = Duration::from_secs(366 * 86_400);

/// Index of a skill in [`Scenario::skills`].
pub type SkillId = usize;

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub duration: Duration,
    /// Conversations that arrive before this are simulated but not measured.
    pub warm_up: Duration,
    /// "Answered within" threshold for the service level (e.g. 20 s).
    pub service_level_threshold: Duration,
    /// A bot resolution not followed by a repeat contact within this window
    /// is durable (`[simulation] durable_window`, default 24 h).
    pub durable_window: Duration,
    /// Width of the reporting intervals (and of the batches for batch means).
    pub interval: Duration,
    /// Date and time of day of simulated time 0.
    pub calendar: Calendar,
    pub arrivals: Arrivals,
    /// Share of conversations that arrive by chat; the rest are voice.
    pub chat_share: f64,
    pub intents: Vec<Intent>,
    /// Every skill named by an intent or a pool; a [`SkillId`] indexes this.
    pub skills: Vec<String>,
    pub customers: Customers,
    /// `None` when the AI agent is switched off: every contact goes to a human.
    pub ai: Option<AiAgent>,
    pub triggers: TriggerConfig,
    pub handoff: Handoff,
    /// `[routing] select`: which free agent takes a contact.
    pub select: Select,
    /// `[routing] wait_estimator`: the estimator behind the quoted wait
    /// (every one is computed in shadow and measured).
    pub wait_estimator: WaitEstimator,
    pub pools: Vec<Pool>,
    /// `[learning]`: the bot learning from its escalations day by day
    /// (`None`: off, the default).
    pub learning: Option<Learning>,
    /// `[voice]`: speech latency, dead air, silent hold and dropped
    /// transfers (`None`: voice as the model without the table).
    pub voice: Option<Voice>,
    /// `[callbacks]`: voice callers offered a call back (`None`: never).
    pub callbacks: Option<Callbacks>,
    /// The scenario text as read, for reports that explain themselves.
    pub source: String,
    /// `[experiment]`, `[[variants]]` and `[thresholds]`.
    pub experiment: Experiment,
}

/// What a scenario declares for experiments.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// `[experiment] replications` (1: a single run with batch means).
    pub replications: u32,
    pub variants: Vec<VariantSpec>,
    pub thresholds: Vec<crate::thresholds::Threshold>,
    pub threshold_on: crate::thresholds::On,
    /// `[sweep]`: the parameters of `handoff-sim sweep`, in the order written.
    pub sweep: Vec<crate::overrides::Parameter>,
}

/// One `[[variants]]` entry: a name and overrides by dotted key path.
#[derive(Debug, Clone)]
pub struct VariantSpec {
    pub name: String,
    pub overrides: Vec<(String, toml_edit::Value)>,
    /// Line of the entry in the scenario file.
    pub line: Option<usize>,
}

/// One customer intent.
#[derive(Debug, Clone)]
pub struct Intent {
    pub name: String,
    pub share: f64,
    /// Probability that the AI can truly solve an instance of this intent.
    pub ai_resolve_probability: f64,
    /// Probability that a human agent resolves the contact.
    pub human_resolve_probability: f64,
    /// Probability that an instance must go to a human whatever the bot can
    /// do (regulated, dispute): the AI cannot resolve it.
    pub requires_human_probability: f64,
    /// How hard the case is for a human, 0 … 1 (drives the transfer policy).
    pub complexity: f64,
    /// A regulated or risky topic (priority-specialist transfer).
    pub regulated: bool,
    pub handle_time: Dist,
    pub skill: SkillId,
}

/// Customer behaviour.
#[derive(Debug, Clone)]
pub struct Customers {
    /// Time a customer waits in the human queue before abandoning; `None` =
    /// infinite patience.
    pub patience: Option<Dist>,
    /// Probability, after each failed bot turn, that the customer asks for a human.
    pub request_human_probability: f64,
    /// Probability, after each failed bot turn, that the customer gives up on the bot.
    pub bot_give_up_probability: f64,
    /// Time the customer takes to write (or say) their next message.
    pub think_time: Dist,
    /// Frustration (0 … 1) added by each failed bot answer.
    pub frustration_per_failed_turn: f64,
    /// Probability that a customer whose contact ended unresolved comes back.
    pub repeat_probability: f64,
    /// Time until such a customer comes back.
    pub repeat_delay: Dist,
    /// Probability that a conversation the bot resolved was not really
    /// resolved: the customer comes back after `repeat_delay` (assumed;
    /// default 0).
    pub ai_relapse_probability: f64,
}

/// The AI agent's behaviour.
#[derive(Debug, Clone)]
pub struct AiAgent {
    pub response_time: Dist,
    /// After this many unsuccessful turns the bot hands the customer to a human.
    pub max_turns: u32,
    /// Probability that a turn gives the right answer when the AI can solve the case.
    pub turn_success_probability: f64,
    pub confidence_when_right: f64,
    pub confidence_when_wrong: f64,
    /// Standard deviation of the noise on the reported confidence.
    pub confidence_noise: f64,
    /// Probability that the AI recognises the wrong intent.
    pub intent_error_rate: f64,
    /// `[[ai_agent.incidents]]`: written incident windows, by start.
    pub incidents: Vec<Window>,
    /// `[[ai_agent.incident_processes]]`: incidents drawn per replication.
    pub incident_processes: Vec<Process>,
}

/// How handoffs are done: context package, transfer policy, expectations.
#[derive(Debug, Clone)]
pub struct Handoff {
    pub context: ContextMode,
    /// Probability that the customer and account data are found and attached.
    pub account_lookup_success: f64,
    /// Extra handle time, in seconds, when the agent has none of the context
    /// (scaled by the missing fraction; halved for warm transfers).
    pub clarification_time: f64,
    /// Relative drop in the human resolution probability with no context.
    pub missing_context_resolution_penalty: f64,
    pub policy: TransferPolicy,
    /// Tell the customer a human is coming, that they see the history, and
    /// the estimated wait.
    pub expectation_message: bool,
    /// Patience multiplier for customers who got that message.
    pub expectation_patience_boost: f64,
    /// What a contact meets when no agent who could take it is on duty.
    pub when_closed: WhenClosed,
    /// `[handoff.effects]`: how a handoff helps or hurts, as hypotheses.
    pub effects: Effects,
}

/// `[handoff.effects]`: the mechanisms by which a handoff helps or hurts
/// (their formulas are in `handling.rs`).
/// Frustration is on the model's 0 … 1 scale; CSAT falls one point per unit
/// of frustration at the end (`metrics::csat`), so every frustration effect
/// is also a CSAT effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    /// Frustration added per minute in the bot, carried to the queue.
    pub frustration_per_bot_minute: f64,
    /// Frustration added per minute waited beyond the quoted wait.
    pub frustration_per_minute_over_quote: f64,
    /// Seconds of service time added per minute waited beyond the quoted
    /// wait (Webb, Yu & Bretthauer, SSRN 3706565: up to 21 s).
    pub handle_time_per_minute_over_quote: f64,
    /// Handle time × (1 + this × frustration at connection, after any warm
    /// relief) (LimeBridge: repeat contacts take 30–50 % longer).
    pub frustration_handle_factor: f64,
    /// Probability that a cold transfer with a complete package still makes
    /// the customer repeat themselves (the agent starts without a brief).
    pub cold_repetition: f64,
    /// Share of the repetition a briefed agent spares the customer.
    pub warm_repetition_relief: f64,
    /// Seconds a repetition adds to the handle time.
    pub repetition_time: f64,
    /// Frustration a repetition adds.
    pub repetition_frustration: f64,
    /// Share of the carried frustration a briefed agent removes at connection.
    pub warm_frustration_relief: f64,
    /// Resolution uplift of a briefed agent on the most complex or
    /// emotional contact: p + uplift × g × (1 − p), g = 1 − (1 − complexity)(1 − frustration).
    pub warm_resolution_uplift: f64,
    /// Relative drop in the repeat-contact probability after a briefed
    /// (warm or specialist) transfer.
    pub warm_repeat_reduction: f64,
    /// Probability that the receiving agent declines a warm transfer after
    /// the briefing (the contact goes back to the head of the queue).
    pub warm_decline_probability: f64,
}

/// `[learning]`: closed-loop learning across days (its rule is in
/// `learning.rs`). After each simulated day, that day's needed escalations
/// of an intent move the bot's resolve probability for it towards the
/// ceiling; optionally the confidence threshold is nudged towards a target
/// precision.
#[derive(Debug, Clone, PartialEq)]
pub struct Learning {
    /// Share of the gap to the ceiling closed by a day with enough examples.
    pub rate_per_day: f64,
    /// The resolve probability learning tends to (an intent already at or
    /// above it does not move).
    pub ceiling: f64,
    /// Needed escalations of an intent in one day that make a full step;
    /// fewer make a proportional one.
    pub full_step_escalations: u32,
    /// The daily nudge of the confidence threshold, when asked for.
    pub nudge: Option<Nudge>,
}

/// The confidence threshold's daily nudge: θ ← θ + gain × (precision − target),
/// kept in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nudge {
    pub target_precision: f64,
    pub gain: f64,
}

impl Handoff {
    /// The wait a customer queued after a bot handoff is told (the
    /// expectation message quotes the router's estimate); a direct contact
    /// or a platform without the message is told nothing.
    pub fn quoted_wait(&self, from_bot: bool, estimate: f64) -> Option<f64> {
        (self.expectation_message && from_bot).then_some(estimate)
    }
}

/// What happens to a contact that reaches the queue when no agent who
/// could serve it is on duty (night, a closed day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenClosed {
    /// It waits for the next agent on duty (patience permitting).
    #[default]
    Wait,
    /// It hears the closed message and leaves (outcome `closed`).
    ClosedMessage,
}

/// A pool of identical human agents.
#[derive(Debug, Clone)]
pub struct Pool {
    pub name: String,
    /// Who is on duty when; [`Pool::count`] agents in all.
    pub staffing: Staffing,
    /// Share of scheduled agent-days not worked.
    pub absence: f64,
    /// Seconds per hour on duty that an agent is unexpectedly off the phone.
    pub off_phone_per_hour_s: f64,
    pub shift_end: ShiftEnd,
    pub skills: Vec<SkillId>,
    /// Chats an agent works at once (voice is always one at a time).
    pub chat_concurrency: u32,
    pub channels: Vec<Channel>,
    /// After-contact work; `None` = none.
    pub wrap_up: Option<Dist>,
    /// Chat handle time stretches with the chats in hand: a chat assigned
    /// as the k-th in hand takes (1 + stretch × (k − 1)) × its base time.
    pub concurrency_stretch: f64,
    /// (skill, proficiency) for skills not at the standard 1.
    pub proficiency: Vec<(SkillId, f64)>,
    /// Agents dropping off mid-contact (a lost connection, a crashed
    /// desktop), per agent-hour on duty; 0: never (no public rate exists).
    pub drop_off_per_hour: f64,
    /// How long a dropped-off agent is away.
    pub drop_off_absence: Dist,
}

/// Which free agent takes a contact (`[routing] select`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Select {
    /// Pools in the order the scenario lists them (primary, then
    /// overflow); in a pool the least-loaded agent, ties to the lowest id.
    #[default]
    PoolOrder,
    /// The least-loaded free agent idle the longest, over all serving pools.
    LongestIdle,
    /// The pool most proficient in the contact's skill (ties in pool
    /// order), then as `pool_order` inside it.
    MostProficient,
}

impl Pool {
    /// Agents in the pool: the most on duty at any time (for shifts, the
    /// sum of the shift lines).
    pub fn count(&self) -> u32 {
        self.staffing.agents()
    }

    /// Proficiency in `skill` (1 = standard).
    pub fn proficiency(&self, skill: SkillId) -> f64 {
        self.proficiency
            .iter()
            .find(|(s, _)| *s == skill)
            .map_or(1.0, |(_, p)| *p)
    }

    pub fn serves(&self, channel: Channel, skill: SkillId) -> bool {
        self.channels.contains(&channel) && self.skills.contains(&skill)
    }
}

impl Scenario {
    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let source = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: path.to_path_buf(),
            key: "(document)".into(),
            line: None,
            message: format!("cannot read the scenario: {e}"),
        })?;
        Scenario::parse(&source, path)
    }

    /// Parses and validates scenario text; `file` is used in error messages.
    pub fn parse(source: &str, file: &Path) -> Result<Scenario, ScenarioError> {
        let raw = raw::parse(source, file)?;
        raw::validate(raw, source, file).map_err(|(key, message)| ScenarioError {
            file: PathBuf::from(file),
            line: locate::line_of_key(source, &key),
            key,
            message,
        })
    }

    /// Runs with `seed` instead of the file's, and rewrites `simulation.seed`
    /// in [`Scenario::source`] so the saved copy reproduces the run.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        // TOML integers are i64; the CLI keeps seeds in that range.
        if let (Ok(mut doc), Ok(value)) = (
            self.source.parse::<toml_edit::DocumentMut>(),
            i64::try_from(seed),
        ) && let Some(simulation) = doc
            .get_mut("simulation")
            .and_then(|t| t.as_table_like_mut())
        {
            simulation.insert("seed", toml_edit::value(value));
            self.source = doc.to_string();
        }
    }

    #[cfg(test)]
    fn reparsed(&self) -> Scenario {
        Scenario::parse(&self.source, Path::new("copy.toml")).expect("the copy is valid")
    }

    /// Expected number of arrivals over the whole run.
    pub fn expected_arrivals(&self) -> f64 {
        crate::arrivals::ArrivalProcess::new(&self.arrivals).expected_count(self.duration)
    }

    /// Share of the contacts arriving at `t` that come by chat: the
    /// forecast's for that interval, if it gives one, else `[channels]`.
    pub fn chat_share_at(&self, t: f64) -> f64 {
        self.segment_value(&self.arrivals.chat_share, t)
            .unwrap_or(self.chat_share)
    }

    /// Handle-time multiplier for contacts arriving at `t`: the forecast's
    /// AHT for that interval over the intents' mix mean (Σ share × mean
    /// handle time), so the mix keeps its shape and its mean follows the
    /// forecast. 1 without a forecast AHT.
    pub fn handle_time_factor(&self, t: f64) -> f64 {
        match self.segment_value(&self.arrivals.aht_s, t) {
            Some(aht) => {
                let mix: f64 = self
                    .intents
                    .iter()
                    .map(|i| i.share * i.handle_time.mean_secs())
                    .sum();
                if mix > 0.0 { aht / mix } else { 1.0 }
            }
            None => 1.0,
        }
    }

    fn segment_value(&self, values: &[Option<f64>], t: f64) -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        let k = (t / self.arrivals.profile_interval.as_secs_f64())
            .floor()
            .max(0.0) as usize;
        values.get(k.min(values.len() - 1)).copied().flatten()
    }

    /// The rate, per second, at which a contact waiting in the queue
    /// abandons, for the queue-length wait quote: 1 / its mean patience,
    /// that patience stretched by the expectation boost when the contact
    /// heard the message, and on voice changed by what the caller hears on
    /// hold (`[voice] on_hold`: silence shortens it); 0 with infinite
    /// patience. (Exact for exponential patience; for others the mean
    /// stands for the hazard.)
    pub fn abandonment_rate(&self, heard_message: bool, channel: Channel) -> f64 {
        let Some(patience) = self.customers.patience else {
            return 0.0;
        };
        let boost = if heard_message {
            self.handoff.expectation_patience_boost
        } else {
            1.0
        };
        let mut mean = patience.mean_secs() * boost;
        if let (Channel::Voice, Some(voice)) = (channel, &self.voice) {
            mean = voice.queue_patience(mean);
        }
        if mean > 0.0 { 1.0 / mean } else { 0.0 }
    }

    pub fn total_agents(&self) -> u64 {
        self.pools.iter().map(|p| u64::from(p.count())).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_seed_rewrites_the_saved_source_and_keeps_the_rest() {
        let text = "# comment kept\n[simulation]\nname = \"s\"\nseed = 1\nduration = \"1h\"\n[arrivals]\nrate_per_hour = 10\n[channels]\nchat = 1.0\nvoice = 0.0\n[[intents]]\nname = \"a\"\nshare = 1.0\nhandle_time = { dist = \"exponential\", mean = \"1m\" }\nskill = \"k\"\n[[agents]]\nname = \"p\"\ncount = 2\nskills = [\"k\"]\n";
        let mut scenario = Scenario::parse(text, Path::new("s.toml")).unwrap();
        scenario.set_seed(77);
        assert_eq!(scenario.seed, 77);
        let copy = scenario.reparsed();
        assert_eq!(copy.seed, 77);
        assert_eq!(copy.name, "s");
        assert_eq!(copy.pools[0].count(), 2);
        assert!(scenario.source.starts_with("# comment kept"));
        // A file without a seed key gets one.
        let mut unseeded =
            Scenario::parse(&text.replace("seed = 1\n", ""), Path::new("s.toml")).unwrap();
        unseeded.set_seed(5);
        assert_eq!(unseeded.reparsed().seed, 5);
    }
}

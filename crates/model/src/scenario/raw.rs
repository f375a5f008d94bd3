//! The scenario as written (serde structs that reject unknown keys) and its
//! validation into the typed [`Scenario`].

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::dist::{DistSpec, HumanDuration};
use super::locate::line_of_offset;
use super::*;
use handoff_logic::handoff::{ContextMode, PolicyRule, TransferPolicy};
use handoff_logic::triggers::{TopicAction, TopicRule, TriggerConfig};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    simulation: RawSimulation,
    arrivals: RawArrivals,
    channels: RawChannels,
    intents: Vec<RawIntent>,
    #[serde(default)]
    customers: RawCustomers,
    #[serde(default)]
    ai_agent: RawAiAgent,
    #[serde(default)]
    triggers: RawTriggers,
    #[serde(default)]
    handoff: RawHandoff,
    #[serde(default)]
    routing: RawRouting,
    agents: Vec<RawPool>,
    #[serde(default)]
    experiment: RawExperiment,
    #[serde(default)]
    variants: Vec<RawVariant>,
    #[serde(default)]
    thresholds: std::collections::BTreeMap<String, String>,
    /// In the order written (toml's `preserve_order`): the first parameter
    /// varies slowest and is the x axis of the charts.
    #[serde(default)]
    sweep: toml::Table,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExperiment {
    #[serde(default)]
    replications: Option<u32>,
}

/// `[[variants]]`: a `name`, and every other key a dotted override path.
#[derive(Debug, Deserialize)]
struct RawVariant {
    name: String,
    #[serde(flatten)]
    overrides: std::collections::BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSimulation {
    name: String,
    #[serde(default = "default_seed")]
    seed: u64,
    duration: HumanDuration,
    #[serde(default)]
    warm_up: Option<HumanDuration>,
    #[serde(default)]
    service_level_threshold: Option<HumanDuration>,
    #[serde(default)]
    interval: Option<HumanDuration>,
    /// Date and time of day of simulated time 0, e.g. `2026-03-02T00:00`.
    #[serde(default)]
    start: Option<String>,
}

fn default_seed() -> u64 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArrivals {
    #[serde(default)]
    rate_per_hour: Option<f64>,
    /// A workforce-tool forecast (CSV), relative to the scenario file.
    #[serde(default)]
    forecast_file: Option<String>,
    #[serde(default)]
    profile: Option<Vec<f64>>,
    #[serde(default)]
    profile_interval: Option<HumanDuration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannels {
    chat: f64,
    voice: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntent {
    name: String,
    share: f64,
    #[serde(default)]
    ai_resolve_probability: f64,
    #[serde(default = "one")]
    human_resolve_probability: f64,
    #[serde(default)]
    requires_human_probability: f64,
    #[serde(default = "half")]
    complexity: f64,
    #[serde(default)]
    regulated: bool,
    handle_time: DistSpec,
    skill: String,
}

fn half() -> f64 {
    0.5
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustomers {
    #[serde(default)]
    patience: Option<DistSpec>,
    #[serde(default = "default_request_human")]
    request_human_probability: f64,
    #[serde(default = "default_bot_give_up")]
    bot_give_up_probability: f64,
    #[serde(default = "default_think_time")]
    think_time: DistSpec,
    #[serde(default = "default_frustration_step")]
    frustration_per_failed_turn: f64,
    #[serde(default)]
    repeat_probability: f64,
    #[serde(default = "default_repeat_delay")]
    repeat_delay: DistSpec,
}

fn default_frustration_step() -> f64 {
    0.2
}
fn default_repeat_delay() -> DistSpec {
    DistSpec::Exponential {
        mean: HumanDuration(Duration::from_secs(4 * 3600)),
    }
}

fn default_request_human() -> f64 {
    0.1
}
fn default_bot_give_up() -> f64 {
    0.05
}
fn default_think_time() -> DistSpec {
    DistSpec::Constant {
        value: HumanDuration(Duration::from_secs(10)),
    }
}

impl Default for RawCustomers {
    fn default() -> Self {
        RawCustomers {
            patience: None,
            request_human_probability: default_request_human(),
            bot_give_up_probability: default_bot_give_up(),
            think_time: default_think_time(),
            frustration_per_failed_turn: default_frustration_step(),
            repeat_probability: 0.0,
            repeat_delay: default_repeat_delay(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAiAgent {
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    response_time: Option<DistSpec>,
    #[serde(default = "default_max_turns")]
    max_turns: u32,
    #[serde(default = "default_turn_success")]
    turn_success_probability: f64,
    #[serde(default = "default_confidence_right")]
    confidence_when_right: f64,
    #[serde(default = "default_confidence_wrong")]
    confidence_when_wrong: f64,
    #[serde(default = "default_confidence_noise")]
    confidence_noise: f64,
    #[serde(default = "default_intent_error")]
    intent_error_rate: f64,
}

fn default_intent_error() -> f64 {
    0.1
}

fn default_max_turns() -> u32 {
    5
}
fn default_turn_success() -> f64 {
    0.6
}
fn default_confidence_right() -> f64 {
    0.8
}
fn default_confidence_wrong() -> f64 {
    0.45
}
fn default_confidence_noise() -> f64 {
    0.12
}

impl Default for RawAiAgent {
    fn default() -> Self {
        RawAiAgent {
            enabled: false,
            response_time: None,
            max_turns: default_max_turns(),
            turn_success_probability: default_turn_success(),
            confidence_when_right: default_confidence_right(),
            confidence_when_wrong: default_confidence_wrong(),
            confidence_noise: default_confidence_noise(),
            intent_error_rate: default_intent_error(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTriggers {
    #[serde(default = "yes")]
    explicit_request: bool,
    #[serde(default = "default_confidence_threshold")]
    confidence_threshold: f64,
    #[serde(default = "default_max_failed")]
    max_failed_attempts: u32,
    #[serde(default)]
    max_failed_in_a_row: u32,
    #[serde(default)]
    sentiment_threshold: Option<f64>,
    #[serde(default)]
    sentiment_drop: Option<f64>,
    #[serde(default)]
    urgency: bool,
    #[serde(default)]
    repeat_contact: bool,
    #[serde(default)]
    repeat_contact_window: Option<HumanDuration>,
    #[serde(default)]
    circular_repeats: u32,
    #[serde(default)]
    topics: Vec<RawTopic>,
    #[serde(default)]
    sentiment_model: handoff_logic::triggers::SentimentModel,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    intent: String,
    #[serde(default)]
    always: bool,
    #[serde(default)]
    confidence_below: Option<f64>,
}

fn yes() -> bool {
    true
}
fn default_confidence_threshold() -> f64 {
    0.5
}
fn default_max_failed() -> u32 {
    3
}

impl Default for RawTriggers {
    fn default() -> Self {
        RawTriggers {
            explicit_request: true,
            confidence_threshold: default_confidence_threshold(),
            max_failed_attempts: default_max_failed(),
            max_failed_in_a_row: 0,
            sentiment_threshold: None,
            sentiment_drop: None,
            urgency: false,
            repeat_contact: false,
            repeat_contact_window: None,
            circular_repeats: 0,
            topics: Vec::new(),
            sentiment_model: handoff_logic::triggers::SentimentModel::default(),
        }
    }
}

/// `[handoff]`: context package, transfer policy, expectation message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHandoff {
    #[serde(default)]
    context: RawContextMode,
    #[serde(default = "default_account_lookup")]
    account_lookup_success: f64,
    #[serde(default = "default_clarification")]
    clarification_time: HumanDuration,
    #[serde(default = "default_missing_context_penalty")]
    missing_context_resolution_penalty: f64,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default = "default_warm_sentiment")]
    warm_sentiment_below: f64,
    #[serde(default = "default_warm_complexity")]
    warm_complexity_above: f64,
    #[serde(default = "default_warm_briefing")]
    warm_briefing: HumanDuration,
    #[serde(default = "default_voice_whisper")]
    voice_whisper: HumanDuration,
    #[serde(default = "yes")]
    expectation_message: bool,
    #[serde(default = "default_patience_boost")]
    expectation_patience_boost: f64,
    #[serde(default)]
    when_closed: RawWhenClosed,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawWhenClosed {
    #[default]
    Wait,
    ClosedMessage,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawContextMode {
    #[default]
    Structured,
    TranscriptOnly,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawPolicy {
    #[default]
    IntentAware,
    AlwaysCold,
    AlwaysWarm,
}

fn default_account_lookup() -> f64 {
    0.95
}
fn default_clarification() -> HumanDuration {
    HumanDuration(Duration::from_secs(120))
}
fn default_missing_context_penalty() -> f64 {
    0.3
}
fn default_warm_sentiment() -> f64 {
    -0.3
}
fn default_warm_complexity() -> f64 {
    0.6
}
fn default_warm_briefing() -> HumanDuration {
    HumanDuration(Duration::from_secs(30))
}
fn default_voice_whisper() -> HumanDuration {
    HumanDuration(Duration::from_secs(15))
}
fn default_patience_boost() -> f64 {
    1.25
}

impl Default for RawHandoff {
    fn default() -> Self {
        RawHandoff {
            context: RawContextMode::Structured,
            account_lookup_success: default_account_lookup(),
            clarification_time: default_clarification(),
            missing_context_resolution_penalty: default_missing_context_penalty(),
            policy: RawPolicy::IntentAware,
            warm_sentiment_below: default_warm_sentiment(),
            warm_complexity_above: default_warm_complexity(),
            warm_briefing: default_warm_briefing(),
            voice_whisper: default_voice_whisper(),
            expectation_message: true,
            expectation_patience_boost: default_patience_boost(),
            when_closed: RawWhenClosed::Wait,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPool {
    name: String,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    shifts: Option<Vec<RawShift>>,
    /// Head counts per `staffing_interval`, from the start of the run.
    #[serde(default)]
    staffing: Option<Vec<u32>>,
    #[serde(default)]
    staffing_interval: Option<HumanDuration>,
    /// Head counts per interval from a CSV file (relative to the scenario):
    /// `interval_start_s` and the `staffing_column` (e.g. a staffing.csv
    /// from `handoff-sim staff`, column `simulated`).
    #[serde(default)]
    staffing_file: Option<String>,
    #[serde(default)]
    staffing_column: Option<String>,
    #[serde(default)]
    absence: f64,
    #[serde(default)]
    unplanned_off_phone: Option<HumanDuration>,
    #[serde(default)]
    shift_end: RawShiftEnd,
    #[serde(default)]
    concurrency_stretch: f64,
    /// Per skill: handle time ÷ proficiency, resolution probability ×
    /// proficiency (capped at 1). 1 for skills not listed.
    #[serde(default)]
    proficiency: std::collections::BTreeMap<String, f64>,
    skills: Vec<String>,
    #[serde(default = "default_concurrency")]
    chat_concurrency: u32,
    #[serde(default = "both_channels")]
    channels: Vec<RawChannel>,
    #[serde(default)]
    wrap_up: Option<DistSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRouting {
    #[serde(default)]
    select: RawSelect,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawSelect {
    #[default]
    PoolOrder,
    LongestIdle,
    MostProficient,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShift {
    start: String,
    end: String,
    #[serde(default)]
    overnight: bool,
    count: u32,
    #[serde(default)]
    days: Option<Vec<String>>,
    #[serde(default)]
    breaks: Vec<RawBreak>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    at: String,
    length: HumanDuration,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawShiftEnd {
    #[default]
    FinishContact,
    HandBack,
}

fn default_concurrency() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawChannel {
    Chat,
    Voice,
}

fn both_channels() -> Vec<RawChannel> {
    vec![RawChannel::Chat, RawChannel::Voice]
}

/// Parses TOML text into the raw structs; errors carry the key path and line.
pub fn parse(source: &str, file: &Path) -> Result<RawScenario, ScenarioError> {
    let error = |key: String, line: Option<usize>, message: String| ScenarioError {
        file: file.to_path_buf(),
        key,
        line,
        message,
    };
    let deserializer = toml::Deserializer::parse(source).map_err(|e| {
        let line = e.span().map(|s| line_of_offset(source, s.start));
        error("(document)".into(), line, e.message().trim().to_string())
    })?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = match e.path().to_string() {
            root if root == "." => "(document)".to_string(),
            path => path,
        };
        let inner = e.inner();
        let line = inner
            .span()
            .map(|s| line_of_offset(source, s.start))
            .or_else(|| super::locate::line_of_key(source, &key));
        error(key, line, inner.message().trim().to_string())
    })
}

type Invalid = (String, String);

fn invalid(key: impl Into<String>, message: impl Into<String>) -> Invalid {
    (key.into(), message.into())
}

fn probability(key: String, value: f64) -> Result<f64, Invalid> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(
            key,
            format!("must be a probability in [0, 1], got {value}"),
        ))
    }
}

fn dist(key: String, spec: &DistSpec) -> Result<Dist, Invalid> {
    spec.validate().map_err(|message| invalid(key, message))
}

fn positive_duration(key: &str, d: HumanDuration) -> Result<Duration, Invalid> {
    if d.0.is_zero() {
        Err(invalid(key, "must be greater than 0s"))
    } else {
        Ok(d.0)
    }
}

/// Checks every value and builds the typed scenario. `Err` is (key path, message).
pub fn validate(raw: RawScenario, source: &str, file: &Path) -> Result<Scenario, Invalid> {
    let sim = &raw.simulation;
    if sim.name.trim().is_empty()
        || !sim
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(invalid(
            "simulation.name",
            "must be non-empty and use only letters, digits, `_` and `-` (it names the report folder)",
        ));
    }
    let duration = positive_duration("simulation.duration", sim.duration)?;
    if duration > MAX_DURATION {
        return Err(invalid("simulation.duration", "must be at most 366d"));
    }
    let warm_up = sim.warm_up.map_or(Duration::ZERO, |d| d.0);
    if warm_up >= duration {
        return Err(invalid(
            "simulation.warm_up",
            format!(
                "must be shorter than simulation.duration ({}s), got {}s",
                duration.as_secs_f64(),
                warm_up.as_secs_f64()
            ),
        ));
    }
    let service_level_threshold = sim
        .service_level_threshold
        .map_or(Duration::from_secs(20), |d| d.0);
    let interval = match sim.interval {
        Some(d) => positive_duration("simulation.interval", d)?,
        None => Duration::from_secs(15 * 60),
    };
    if duration.as_secs_f64() / interval.as_secs_f64() > 200_000.0 {
        return Err(invalid(
            "simulation.interval",
            "gives more than 200 000 reporting intervals; use a longer interval",
        ));
    }

    let calendar = match &sim.start {
        None => Calendar::default(),
        Some(text) => Calendar {
            start: text.trim().parse::<jiff::civil::DateTime>().map_err(|_| {
                invalid(
                    "simulation.start",
                    format!("must be a date and time like \"2026-03-02T08:00\", got \"{text}\""),
                )
            })?,
        },
    };
    let arrivals = validate_arrivals(&raw.arrivals, &calendar, duration, file)?;
    let chat_share = validate_channels(&raw.channels)?;

    if raw.intents.is_empty() {
        return Err(invalid(
            "intents",
            "at least one [[intents]] table is required",
        ));
    }
    let mut skills: Vec<String> = Vec::new();
    let mut skill_id = |name: &str| match skills.iter().position(|s| s == name) {
        Some(i) => i,
        None => {
            skills.push(name.to_string());
            skills.len() - 1
        }
    };
    // Skills are numbered pools first, so that an intent's unknown skill is
    // detected below as "no pool has it".
    let mut pools = Vec::with_capacity(raw.agents.len());
    let mut pool_names = BTreeSet::new();
    let mut total_agents: u64 = 0;
    if raw.agents.is_empty() {
        return Err(invalid(
            "agents",
            "at least one [[agents]] pool is required",
        ));
    }
    for (i, pool) in raw.agents.iter().enumerate() {
        let key = |field: &str| format!("agents[{i}].{field}");
        if pool.name.trim().is_empty() || !pool_names.insert(pool.name.clone()) {
            return Err(invalid(
                key("name"),
                "must be non-empty and unique among pools",
            ));
        }
        if pool.skills.is_empty() {
            return Err(invalid(key("skills"), "must name at least one skill"));
        }
        if pool.chat_concurrency == 0 || pool.chat_concurrency > 20 {
            return Err(invalid(
                key("chat_concurrency"),
                format!("must be between 1 and 20, got {}", pool.chat_concurrency),
            ));
        }
        if pool.channels.is_empty() {
            return Err(invalid(
                key("channels"),
                r#"must list "chat", "voice" or both"#,
            ));
        }
        let staffing = validate_staffing(i, pool, interval, file)?;
        total_agents += u64::from(staffing.agents());
        let absence = probability(key("absence"), pool.absence)?;
        if absence >= 1.0 {
            return Err(invalid(
                key("absence"),
                "must be below 1 (a share of scheduled agents who do not show up)",
            ));
        }
        let off_phone_per_hour_s = pool.unplanned_off_phone.map_or(0.0, |d| d.secs());
        if off_phone_per_hour_s >= 3600.0 {
            return Err(invalid(
                key("unplanned_off_phone"),
                "is time off the phone per hour on duty: must be below 1h",
            ));
        }
        let wrap_up = match &pool.wrap_up {
            Some(spec) => Some(dist(key("wrap_up"), spec)?),
            None => None,
        };
        let mut channels: Vec<Channel> = pool
            .channels
            .iter()
            .map(|c| match c {
                RawChannel::Chat => Channel::Chat,
                RawChannel::Voice => Channel::Voice,
            })
            .collect();
        channels.sort();
        channels.dedup();
        pools.push(Pool {
            name: pool.name.clone(),
            staffing,
            absence,
            off_phone_per_hour_s,
            shift_end: match pool.shift_end {
                RawShiftEnd::FinishContact => ShiftEnd::FinishContact,
                RawShiftEnd::HandBack => ShiftEnd::HandBack,
            },
            proficiency: {
                let mut by_skill = Vec::new();
                for (name, &p) in &pool.proficiency {
                    if !pool.skills.contains(name) {
                        return Err(invalid(
                            format!("agents[{i}].proficiency.{name}"),
                            format!("`{name}` is not one of this pool's skills ({})", pool.skills.join(", ")),
                        ));
                    }
                    if !(p.is_finite() && p > 0.0 && p <= 3.0) {
                        return Err(invalid(
                            format!("agents[{i}].proficiency.{name}"),
                            format!("must be in (0, 3] (1 = standard; 0.8 = 25 % longer handling and 0.8 × the resolution probability), got {p}"),
                        ));
                    }
                    by_skill.push((skill_id(name), p));
                }
                by_skill
            },
            concurrency_stretch: {
                let s = pool.concurrency_stretch;
                if !(s.is_finite() && (0.0..=2.0).contains(&s)) {
                    return Err(invalid(key("concurrency_stretch"), format!(
                        "must be in [0, 2] (extra handle time per additional chat in hand, e.g. 0.15), got {s}"
                    )));
                }
                s
            },
            skills: pool.skills.iter().map(|s| skill_id(s)).collect(),
            chat_concurrency: pool.chat_concurrency,
            channels,
            wrap_up,
        });
    }
    if total_agents > MAX_AGENTS {
        return Err(invalid(
            "agents",
            format!("at most {MAX_AGENTS} agents over all pools, got {total_agents}"),
        ));
    }

    // Arrivals are validated positive above, so some contact will need a human.
    if total_agents == 0 {
        return Err(invalid(
            "agents",
            "every pool has no agents but contacts arrive: at least one agent is required",
        ));
    }

    let mut intents = Vec::with_capacity(raw.intents.len());
    let mut intent_names = BTreeSet::new();
    for (i, intent) in raw.intents.iter().enumerate() {
        let key = |field: &str| format!("intents[{i}].{field}");
        if intent.name.trim().is_empty() || !intent_names.insert(intent.name.clone()) {
            return Err(invalid(
                key("name"),
                "must be non-empty and unique among intents",
            ));
        }
        if !(intent.share.is_finite() && intent.share >= 0.0) {
            return Err(invalid(
                key("share"),
                format!("must be >= 0, got {}", intent.share),
            ));
        }
        let skill = skill_id(&intent.skill);
        let served_by = |channel: Channel| {
            pools
                .iter()
                .any(|p| p.count() > 0 && p.serves(channel, skill))
        };
        if !pools.iter().any(|p| p.skills.contains(&skill)) {
            return Err(invalid(
                key("skill"),
                format!(
                    "no [[agents]] pool has skill `{}`; pools have: {}",
                    intent.skill,
                    pool_skill_list(&raw.agents)
                ),
            ));
        }
        for channel in Channel::ALL {
            // Contacts come on this channel by `[channels]`, or in some
            // interval of a forecast with a channel column.
            let by_channels = match channel {
                Channel::Chat => chat_share > 0.0,
                Channel::Voice => chat_share < 1.0,
            };
            let in_forecast = arrivals
                .chat_share
                .iter()
                .flatten()
                .any(|&s| match channel {
                    Channel::Chat => s > 0.0,
                    Channel::Voice => s < 1.0,
                });
            let arrives = by_channels || in_forecast;
            if arrives && intent.share > 0.0 && arrivals.base_rate > 0.0 && !served_by(channel) {
                return Err(invalid(
                    key("skill"),
                    format!(
                        "no pool with agents serves skill `{}` on {} (channels.{} > 0)",
                        intent.skill,
                        channel.name(),
                        channel.name()
                    ),
                ));
            }
        }
        intents.push(Intent {
            name: intent.name.clone(),
            share: intent.share,
            ai_resolve_probability: probability(
                key("ai_resolve_probability"),
                intent.ai_resolve_probability,
            )?,
            human_resolve_probability: probability(
                key("human_resolve_probability"),
                intent.human_resolve_probability,
            )?,
            requires_human_probability: probability(
                key("requires_human_probability"),
                intent.requires_human_probability,
            )?,
            complexity: probability(key("complexity"), intent.complexity)?,
            regulated: intent.regulated,
            handle_time: dist(key("handle_time"), &intent.handle_time)?,
            skill,
        });
    }
    let share_sum: f64 = intents.iter().map(|i| i.share).sum();
    if (share_sum - 1.0).abs() > SHARE_TOLERANCE {
        return Err(invalid(
            "intents",
            format!("the `share` values must sum to 1 (within 1e-6), they sum to {share_sum}"),
        ));
    }

    let process = crate::arrivals::ArrivalProcess::new(&arrivals);
    let expected = process.expected_count(duration);
    if expected > MAX_EXPECTED_ARRIVALS {
        return Err(invalid(
            if raw.arrivals.forecast_file.is_some() {
                "arrivals.forecast_file"
            } else {
                "arrivals.rate_per_hour"
            },
            format!(
                "the run would expect {expected:.0} arrivals; at most {MAX_EXPECTED_ARRIVALS:.0} are allowed (shorten simulation.duration or lower the rate)"
            ),
        ));
    }

    let customers = validate_customers(&raw.customers)?;
    let ai = validate_ai(&raw.ai_agent)?;
    let mut triggers = validate_triggers(&raw.triggers, &intents)?;
    let handoff = validate_handoff(&raw.handoff)?;
    // The intent-aware policy and the structured package read each message's
    // sentiment, so the engine scores it even with no sentiment rule on.
    triggers.score_sentiment = handoff.policy.rule == PolicyRule::IntentAware
        || handoff.context == ContextMode::Structured;

    let experiment = validate_experiment(&raw, source)?;
    Ok(Scenario {
        experiment,
        name: sim.name.clone(),
        seed: sim.seed,
        duration,
        warm_up,
        service_level_threshold,
        interval,
        calendar,
        arrivals,
        chat_share,
        intents,
        skills,
        customers,
        ai,
        triggers,
        handoff,
        select: match raw.routing.select {
            RawSelect::PoolOrder => Select::PoolOrder,
            RawSelect::LongestIdle => Select::LongestIdle,
            RawSelect::MostProficient => Select::MostProficient,
        },
        pools,
        source: source.to_string(),
    })
}

/// Most replications a scenario or `--replications` may ask for.
pub const MAX_REPLICATIONS: u32 = 10_000;

fn validate_experiment(raw: &RawScenario, source: &str) -> Result<Experiment, Invalid> {
    let replications = raw.experiment.replications.unwrap_or(1);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(invalid(
            "experiment.replications",
            format!("must be 1 to {MAX_REPLICATIONS}, got {replications}"),
        ));
    }
    let mut names = BTreeSet::new();
    let mut variants = Vec::new();
    for (i, v) in raw.variants.iter().enumerate() {
        let key = format!("variants[{i}].name");
        if v.name.trim().is_empty()
            || !v
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(invalid(
                key,
                "must be non-empty and use only letters, digits, `_` and `-`",
            ));
        }
        if !names.insert(v.name.as_str()) {
            return Err(invalid(key, format!("`{}` is declared twice", v.name)));
        }
        let overrides = v
            .overrides
            .iter()
            .map(|(path, value)| {
                let text = value.to_string();
                let parsed = text.parse::<toml_edit::Value>().map_err(|e| {
                    invalid(
                        format!("variants[{i}].{path}"),
                        format!("not a TOML value: {e}"),
                    )
                })?;
                Ok((path.clone(), parsed))
            })
            .collect::<Result<Vec<_>, Invalid>>()?;
        variants.push(VariantSpec {
            name: v.name.clone(),
            overrides,
            line: super::locate::line_of_key(source, &key),
        });
    }
    let mut thresholds = Vec::new();
    let mut threshold_on = crate::thresholds::On::default();
    for (metric, condition) in &raw.thresholds {
        let key = format!("thresholds.{metric}");
        if metric == "on" {
            threshold_on = crate::thresholds::On::parse(condition).map_err(|m| invalid(key, m))?;
            continue;
        }
        thresholds.push(
            crate::thresholds::Threshold::parse(metric, condition).map_err(|m| invalid(key, m))?,
        );
    }
    let mut sweep = Vec::new();
    for (path, spec) in &raw.sweep {
        let key = format!("sweep.{path}");
        let parameter = match spec {
            toml::Value::String(text) => crate::overrides::parse_values(path, text),
            toml::Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|v| {
                    v.to_string()
                        .parse::<toml_edit::Value>()
                        .map_err(|e| format!("not a TOML value: {e}"))
                })
                .collect::<Result<Vec<_>, String>>()
                .map(|values| crate::overrides::Parameter {
                    path: path.clone(),
                    values,
                }),
            toml::Value::Array(_) => Err("an empty list: give at least one value".to_string()),
            other => Err(format!(
                "must be a range such as \"8..16:2\", a list such as \"0.3,0.4\" or an array, got {other}"
            )),
        }
        .map_err(|m| invalid(key, m))?;
        sweep.push(parameter);
    }
    Ok(Experiment {
        replications,
        variants,
        thresholds,
        threshold_on,
        sweep,
    })
}

/// Head counts per interval from a CSV file whose intervals start at 0.
/// Errors name the file, line and column.
fn read_head_counts(path: &Path, column: &str) -> Result<(f64, Vec<u32>), String> {
    let located = |e: crate::roster::HeadCountError| {
        format!(
            "{}{}: {}{}",
            path.display(),
            e.line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.column.map(|c| format!("`{c}`: ")).unwrap_or_default(),
            e.message
        )
    };
    let file = crate::roster::HeadCounts::read(path, column).map_err(located)?;
    if file.rows[0].0 != 0.0 {
        return Err(located(crate::roster::HeadCountError {
            line: Some(2),
            column: Some("interval_start_s".into()),
            message: "the first interval must start at 0".into(),
        }));
    }
    Ok((
        file.interval_s,
        file.rows.into_iter().map(|(_, c)| c).collect(),
    ))
}

/// `HH:MM` (or `HH:MM:SS`) as seconds after midnight; `24:00` only where
/// `allow_midnight_end`.
fn time_of_day(key: String, text: &str, allow_midnight_end: bool) -> Result<f64, Invalid> {
    if allow_midnight_end && text.trim() == "24:00" {
        return Ok(crate::roster::DAY);
    }
    text.trim()
        .parse::<jiff::civil::Time>()
        .map(|t| {
            f64::from(t.hour()) * 3600.0 + f64::from(t.minute()) * 60.0 + f64::from(t.second())
        })
        .map_err(|_| {
            invalid(
                key,
                format!("must be a time of day like \"08:30\", got \"{text}\""),
            )
        })
}

/// A pool's staffing: exactly one of `count`, `shifts` and `staffing`.
fn validate_staffing(
    i: usize,
    pool: &RawPool,
    interval: Duration,
    scenario_file: &Path,
) -> Result<Staffing, Invalid> {
    let key = |field: &str| format!("agents[{i}].{field}");
    let given = [
        pool.count.is_some(),
        pool.shifts.is_some(),
        pool.staffing.is_some(),
        pool.staffing_file.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(invalid(
            key("count"),
            "give exactly one of `count` (a fixed head count), `shifts` ([[agents.shifts]]), `staffing` (head counts per interval) and `staffing_file` (the same from a CSV file)",
        ));
    }
    if pool.staffing_column.is_some() && pool.staffing_file.is_none() {
        return Err(invalid(
            key("staffing_column"),
            "only applies with `staffing_file`",
        ));
    }
    if let Some(name) = &pool.staffing_file {
        let path = scenario_file
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(name);
        let column = pool.staffing_column.as_deref().unwrap_or("agents");
        let (interval_s, counts) = read_head_counts(&path, column)
            .map_err(|message| invalid(key("staffing_file"), message))?;
        return Ok(Staffing::ByInterval { interval_s, counts });
    }
    if pool.staffing_interval.is_some() && pool.staffing.is_none() {
        return Err(invalid(
            key("staffing_interval"),
            "only applies with `staffing`",
        ));
    }
    if let Some(count) = pool.count {
        return Ok(Staffing::Fixed(count));
    }
    if let Some(counts) = &pool.staffing {
        if counts.is_empty() || counts.len() > 200_000 {
            return Err(invalid(
                key("staffing"),
                "must hold between 1 and 200 000 head counts",
            ));
        }
        let interval_s = match pool.staffing_interval {
            Some(d) => positive_duration(&key("staffing_interval"), d)?.as_secs_f64(),
            None => interval.as_secs_f64(),
        };
        return Ok(Staffing::ByInterval {
            interval_s,
            counts: counts.clone(),
        });
    }
    let raw_shifts = pool.shifts.as_deref().unwrap_or_default();
    if raw_shifts.is_empty() {
        return Err(invalid(
            key("shifts"),
            "must hold at least one [[agents.shifts]] entry",
        ));
    }
    let mut shifts = Vec::with_capacity(raw_shifts.len());
    for (j, shift) in raw_shifts.iter().enumerate() {
        let key = |field: &str| format!("agents[{i}].shifts[{j}].{field}");
        let start_s = time_of_day(key("start"), &shift.start, false)?;
        // A shift ending at midnight may be written "00:00" or "24:00".
        let end_s = match time_of_day(key("end"), &shift.end, true)? {
            0.0 if start_s > 0.0 && !shift.overnight => crate::roster::DAY,
            end => end,
        };
        let length_s = if end_s > start_s {
            if shift.overnight {
                return Err(invalid(
                    key("overnight"),
                    format!(
                        "the shift {}–{} does not pass midnight; remove `overnight`",
                        shift.start, shift.end
                    ),
                ));
            }
            end_s - start_s
        } else if end_s == start_s && shift.overnight {
            // Round the clock: from the start to the same time next day.
            crate::roster::DAY
        } else if end_s == start_s {
            return Err(invalid(
                key("end"),
                format!("the shift ends when it starts ({})", shift.end),
            ));
        } else if shift.overnight {
            end_s + crate::roster::DAY - start_s
        } else {
            return Err(invalid(
                key("end"),
                format!(
                    "the shift ends ({}) before it starts ({}); for a shift past midnight set `overnight = true`",
                    shift.end, shift.start
                ),
            ));
        };
        let days = match &shift.days {
            None => [true; 7],
            Some(names) => {
                let mut days = [false; 7];
                for name in names {
                    let Some(d) = crate::roster::WEEKDAYS
                        .iter()
                        .position(|w| w.eq_ignore_ascii_case(name.trim()))
                    else {
                        return Err(invalid(
                            key("days"),
                            format!(
                                "unknown weekday \"{name}\"; use {}",
                                crate::roster::WEEKDAYS.join(", ")
                            ),
                        ));
                    };
                    days[d] = true;
                }
                if !days.iter().any(|d| *d) {
                    return Err(invalid(
                        key("days"),
                        "must name at least one weekday (or leave `days` out for every day)",
                    ));
                }
                days
            }
        };
        let mut breaks: Vec<(f64, f64)> = Vec::with_capacity(shift.breaks.len());
        for (b, brk) in shift.breaks.iter().enumerate() {
            let key = |field: &str| format!("agents[{i}].shifts[{j}].breaks[{b}].{field}");
            let at = time_of_day(key("at"), &brk.at, false)?;
            let length = positive_duration(&key("length"), brk.length)?.as_secs_f64();
            // Offset from the shift start, past midnight for overnight shifts.
            let offset = (at - start_s).rem_euclid(crate::roster::DAY);
            // A break must lie strictly inside its shift: one that opens or
            // closes it is a shorter shift, and would hide the shift's start
            // or end from the roster.
            if offset == 0.0 || offset + length >= length_s {
                return Err(invalid(
                    key("at"),
                    format!(
                        "the break at {} ({}s long) lies outside its shift {}–{} (a break must start after the shift starts and end before it ends)",
                        brk.at, length, shift.start, shift.end
                    ),
                ));
            }
            if let Some(&(prev, prev_len)) = breaks.last()
                && offset < prev + prev_len
            {
                return Err(invalid(
                    key("at"),
                    "breaks must be listed in time order and must not overlap",
                ));
            }
            breaks.push((offset, length));
        }
        shifts.push(crate::roster::Shift {
            start_s,
            length_s,
            count: shift.count,
            days,
            breaks,
        });
    }
    Ok(Staffing::Shifts(shifts))
}

fn pool_skill_list(pools: &[RawPool]) -> String {
    let skills: BTreeSet<&str> = pools
        .iter()
        .flat_map(|p| p.skills.iter().map(String::as_str))
        .collect();
    skills.into_iter().collect::<Vec<_>>().join(", ")
}

fn validate_arrivals(
    raw: &RawArrivals,
    calendar: &Calendar,
    duration: Duration,
    scenario_file: &Path,
) -> Result<Arrivals, Invalid> {
    let rate_per_hour = match (raw.rate_per_hour, &raw.forecast_file) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "arrivals.forecast_file",
                "give either `rate_per_hour` (with an optional `profile`) or `forecast_file`, not both",
            ));
        }
        (None, None) => {
            return Err(invalid(
                "arrivals.rate_per_hour",
                "is required (arrivals per hour), unless `forecast_file` names a forecast",
            ));
        }
        (None, Some(file)) => {
            if raw.profile.is_some() || raw.profile_interval.is_some() {
                return Err(invalid(
                    "arrivals.profile",
                    "does not apply with `forecast_file`: the forecast gives the rate per interval",
                ));
            }
            return forecast_arrivals(file, calendar, duration, scenario_file);
        }
        (Some(rate), None) => rate,
    };
    if !(rate_per_hour.is_finite() && rate_per_hour > 0.0) {
        return Err(invalid(
            "arrivals.rate_per_hour",
            format!("must be a number > 0 (arrivals per hour), got {rate_per_hour}"),
        ));
    }
    let profile = raw.profile.clone().unwrap_or_else(|| vec![1.0]);
    if profile.is_empty() || profile.len() > 10_000 {
        return Err(invalid(
            "arrivals.profile",
            "must hold between 1 and 10 000 multipliers",
        ));
    }
    if let Some(i) = profile.iter().position(|m| !(m.is_finite() && *m >= 0.0)) {
        return Err(invalid(
            format!("arrivals.profile[{i}]"),
            format!("multipliers must be numbers >= 0, got {}", profile[i]),
        ));
    }
    if profile.iter().all(|m| *m == 0.0) {
        return Err(invalid(
            "arrivals.profile",
            "at least one multiplier must be > 0",
        ));
    }
    let profile_interval = match raw.profile_interval {
        Some(d) => positive_duration("arrivals.profile_interval", d)?,
        None => Duration::from_secs(3600),
    };
    Ok(Arrivals {
        base_rate: rate_per_hour / 3600.0,
        profile,
        profile_interval,
        chat_share: Vec::new(),
        aht_s: Vec::new(),
    })
}

/// Arrivals from a forecast file: one profile segment per forecast interval
/// from the start of the run (a daily forecast repeats), rate = contacts /
/// interval length.
fn forecast_arrivals(
    file: &str,
    calendar: &Calendar,
    duration: Duration,
    scenario_file: &Path,
) -> Result<Arrivals, Invalid> {
    let key = "arrivals.forecast_file";
    let path = scenario_file
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join(file);
    let forecast = crate::forecast::load(&path).map_err(|e| invalid(key, e.to_string()))?;
    let segments = forecast
        .segments(calendar.start, duration.as_secs_f64(), &path)
        .map_err(|e| invalid(key, e.to_string()))?;
    if segments.rate.iter().all(|r| *r == 0.0) {
        return Err(invalid(
            key,
            format!(
                "{}: the forecast has no contacts within the run ({}s from {})",
                path.display(),
                duration.as_secs_f64(),
                calendar.start
            ),
        ));
    }
    let has_shares = segments.chat_share.iter().any(Option::is_some);
    let has_aht = segments.aht_s.iter().any(Option::is_some);
    Ok(Arrivals {
        base_rate: 1.0,
        profile: segments.rate,
        profile_interval: Duration::from_secs_f64(segments.width_s),
        chat_share: if has_shares {
            segments.chat_share
        } else {
            Vec::new()
        },
        aht_s: if has_aht { segments.aht_s } else { Vec::new() },
    })
}

fn validate_channels(raw: &RawChannels) -> Result<f64, Invalid> {
    let chat = probability("channels.chat".into(), raw.chat)?;
    let voice = probability("channels.voice".into(), raw.voice)?;
    if (chat + voice - 1.0).abs() > SHARE_TOLERANCE {
        return Err(invalid(
            "channels",
            format!(
                "`chat` + `voice` must sum to 1 (within 1e-6), got {}",
                chat + voice
            ),
        ));
    }
    Ok(chat)
}

fn validate_customers(raw: &RawCustomers) -> Result<Customers, Invalid> {
    Ok(Customers {
        patience: match &raw.patience {
            Some(spec) => Some(dist("customers.patience".into(), spec)?),
            None => None,
        },
        request_human_probability: probability(
            "customers.request_human_probability".into(),
            raw.request_human_probability,
        )?,
        bot_give_up_probability: probability(
            "customers.bot_give_up_probability".into(),
            raw.bot_give_up_probability,
        )?,
        think_time: dist("customers.think_time".into(), &raw.think_time)?,
        frustration_per_failed_turn: probability(
            "customers.frustration_per_failed_turn".into(),
            raw.frustration_per_failed_turn,
        )?,
        repeat_probability: probability(
            "customers.repeat_probability".into(),
            raw.repeat_probability,
        )?,
        repeat_delay: dist("customers.repeat_delay".into(), &raw.repeat_delay)?,
    })
}

fn validate_ai(raw: &RawAiAgent) -> Result<Option<AiAgent>, Invalid> {
    if !raw.enabled {
        return Ok(None);
    }
    let Some(response_time) = &raw.response_time else {
        return Err(invalid(
            "ai_agent.response_time",
            "is required when ai_agent.enabled = true (e.g. { dist = \"lognormal\", median = \"2s\", p95 = \"6s\" })",
        ));
    };
    if raw.max_turns == 0 || raw.max_turns > 100 {
        return Err(invalid(
            "ai_agent.max_turns",
            format!("must be between 1 and 100, got {}", raw.max_turns),
        ));
    }
    if !(raw.confidence_noise.is_finite()
        && raw.confidence_noise >= 0.0
        && raw.confidence_noise <= 1.0)
    {
        return Err(invalid(
            "ai_agent.confidence_noise",
            format!("must be in [0, 1], got {}", raw.confidence_noise),
        ));
    }
    Ok(Some(AiAgent {
        response_time: dist("ai_agent.response_time".into(), response_time)?,
        max_turns: raw.max_turns,
        turn_success_probability: probability(
            "ai_agent.turn_success_probability".into(),
            raw.turn_success_probability,
        )?,
        confidence_when_right: probability(
            "ai_agent.confidence_when_right".into(),
            raw.confidence_when_right,
        )?,
        confidence_when_wrong: probability(
            "ai_agent.confidence_when_wrong".into(),
            raw.confidence_when_wrong,
        )?,
        confidence_noise: raw.confidence_noise,
        intent_error_rate: probability("ai_agent.intent_error_rate".into(), raw.intent_error_rate)?,
    }))
}

fn validate_triggers(raw: &RawTriggers, intents: &[Intent]) -> Result<TriggerConfig, Invalid> {
    let threshold = probability(
        "triggers.confidence_threshold".into(),
        raw.confidence_threshold,
    )?;
    for (key, value) in [
        ("triggers.max_failed_attempts", raw.max_failed_attempts),
        ("triggers.max_failed_in_a_row", raw.max_failed_in_a_row),
        ("triggers.circular_repeats", raw.circular_repeats),
    ] {
        if value > 100 {
            return Err(invalid(
                key,
                format!("must be between 0 (off) and 100, got {value}"),
            ));
        }
    }
    if raw.circular_repeats == 1 {
        return Err(invalid(
            "triggers.circular_repeats",
            "must be 0 (off) or at least 2 (a message restated once is said twice)",
        ));
    }
    if let Some(t) = raw.sentiment_threshold
        && !(-1.0..=1.0).contains(&t)
    {
        return Err(invalid(
            "triggers.sentiment_threshold",
            format!("must be in [-1, 1], got {t}"),
        ));
    }
    if let Some(d) = raw.sentiment_drop
        && !(d > 0.0 && d <= 2.0)
    {
        return Err(invalid(
            "triggers.sentiment_drop",
            format!("must be in (0, 2], got {d}"),
        ));
    }
    let mut topics = Vec::with_capacity(raw.topics.len());
    for (i, topic) in raw.topics.iter().enumerate() {
        let key = |field: &str| format!("triggers.topics[{i}].{field}");
        if !intents.iter().any(|it| it.name == topic.intent) {
            return Err(invalid(
                key("intent"),
                format!(
                    "`{}` is not an intent; intents are: {}",
                    topic.intent,
                    intents
                        .iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let action = match (topic.always, topic.confidence_below) {
            (true, None) => TopicAction::Always,
            (false, Some(t)) => {
                TopicAction::ConfidenceBelow(probability(key("confidence_below"), t)?)
            }
            _ => {
                return Err(invalid(
                    format!("triggers.topics[{i}]"),
                    "set exactly one of `always = true` or `confidence_below = <0..1>`",
                ));
            }
        };
        topics.push(TopicRule {
            intent: topic.intent.clone(),
            action,
        });
    }
    let window = raw
        .repeat_contact_window
        .map_or(48.0 * 3600.0, |d| d.secs());
    if raw.repeat_contact_window.is_some() && !raw.repeat_contact {
        return Err(invalid(
            "triggers.repeat_contact_window",
            "is set but `triggers.repeat_contact` is false; switch the rule on or drop the window",
        ));
    }
    Ok(TriggerConfig {
        explicit_request: raw.explicit_request,
        confidence_threshold: (threshold > 0.0).then_some(threshold),
        max_failed_attempts: (raw.max_failed_attempts > 0).then_some(raw.max_failed_attempts),
        max_failed_in_a_row: (raw.max_failed_in_a_row > 0).then_some(raw.max_failed_in_a_row),
        sentiment_threshold: raw.sentiment_threshold,
        sentiment_drop: raw.sentiment_drop,
        urgency: raw.urgency,
        topics,
        repeat_contact_window: raw.repeat_contact.then_some(window),
        circular_repeats: (raw.circular_repeats > 0).then_some(raw.circular_repeats),
        score_sentiment: false,
        sentiment_model: raw.sentiment_model,
    })
}

fn validate_handoff(raw: &RawHandoff) -> Result<Handoff, Invalid> {
    if !(raw.expectation_patience_boost.is_finite()
        && (0.5..=5.0).contains(&raw.expectation_patience_boost))
    {
        return Err(invalid(
            "handoff.expectation_patience_boost",
            format!(
                "must be in [0.5, 5], got {}",
                raw.expectation_patience_boost
            ),
        ));
    }
    if !(-1.0..=1.0).contains(&raw.warm_sentiment_below) {
        return Err(invalid(
            "handoff.warm_sentiment_below",
            format!("must be in [-1, 1], got {}", raw.warm_sentiment_below),
        ));
    }
    Ok(Handoff {
        context: match raw.context {
            RawContextMode::Structured => ContextMode::Structured,
            RawContextMode::TranscriptOnly => ContextMode::TranscriptOnly,
        },
        account_lookup_success: probability(
            "handoff.account_lookup_success".into(),
            raw.account_lookup_success,
        )?,
        clarification_time: raw.clarification_time.secs(),
        missing_context_resolution_penalty: probability(
            "handoff.missing_context_resolution_penalty".into(),
            raw.missing_context_resolution_penalty,
        )?,
        policy: TransferPolicy {
            rule: match raw.policy {
                RawPolicy::IntentAware => PolicyRule::IntentAware,
                RawPolicy::AlwaysCold => PolicyRule::AlwaysCold,
                RawPolicy::AlwaysWarm => PolicyRule::AlwaysWarm,
            },
            warm_sentiment_below: raw.warm_sentiment_below,
            warm_complexity_above: probability(
                "handoff.warm_complexity_above".into(),
                raw.warm_complexity_above,
            )?,
            warm_briefing: raw.warm_briefing.secs(),
            voice_whisper: raw.voice_whisper.secs(),
        },
        expectation_message: raw.expectation_message,
        expectation_patience_boost: raw.expectation_patience_boost,
        when_closed: match raw.when_closed {
            RawWhenClosed::Wait => WhenClosed::Wait,
            RawWhenClosed::ClosedMessage => WhenClosed::ClosedMessage,
        },
    })
}

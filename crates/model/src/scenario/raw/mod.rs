//! The scenario as written (serde structs that reject unknown keys) and its
//! validation into the typed [`Scenario`].

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::dist::{DistSpec, HumanDuration};
use super::locate::line_of_offset;
use super::*;

mod arrivals;
mod behaviour;
mod experiment;
mod staffing;
mod validate;

pub use validate::validate;

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
    learning: RawLearning,
    #[serde(default)]
    voice: Option<RawVoice>,
    #[serde(default)]
    callbacks: Option<RawCallbacks>,
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
    /// A bot resolution is durable if the customer does not come back
    /// within this window (default 24 h).
    #[serde(default)]
    durable_window: Option<HumanDuration>,
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
    #[serde(default)]
    ai_relapse_probability: f64,
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
            ai_relapse_probability: 0.0,
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
    #[serde(default)]
    pub(super) incidents: Vec<RawIncident>,
    #[serde(default)]
    pub(super) incident_processes: Vec<RawIncidentProcess>,
}

/// `[[ai_agent.incidents]]`: one written incident window.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIncident {
    pub(super) start: HumanDuration,
    pub(super) length: HumanDuration,
    pub(super) effect: RawEffect,
    #[serde(default)]
    pub(super) slow_factor: Option<f64>,
    #[serde(default)]
    pub(super) confidence_shift: Option<f64>,
}

/// `[[ai_agent.incident_processes]]`: incidents drawn at random.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIncidentProcess {
    pub(super) rate_per_day: f64,
    pub(super) length: DistSpec,
    pub(super) effect: RawEffect,
    #[serde(default)]
    pub(super) slow_factor: Option<f64>,
    #[serde(default)]
    pub(super) confidence_shift: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawEffect {
    Outage,
    Slow,
    Miscalibrated,
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
            incidents: Vec::new(),
            incident_processes: Vec::new(),
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
    #[serde(default)]
    effects: RawEffects,
}

/// `[learning]` as written: off unless `enabled = true`; the other keys are
/// checked either way, so a variant can switch learning on or off.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLearning {
    #[serde(default)]
    enabled: bool,
    #[serde(default = "default_learning_rate")]
    rate_per_day: f64,
    #[serde(default = "default_learning_ceiling")]
    ceiling: f64,
    #[serde(default = "default_full_step_escalations")]
    full_step_escalations: u32,
    #[serde(default)]
    target_precision: Option<f64>,
    #[serde(default = "half")]
    threshold_gain: f64,
}

/// About 10 % of the gap to the ceiling a month: from a 30 % go-live with a
/// 70 % ceiling, +4 points in the first month (the vendor anchor).
fn default_learning_rate() -> f64 {
    0.0035
}

/// The middle of the vendors' 60–80 % ceiling.
fn default_learning_ceiling() -> f64 {
    0.7
}

/// Assumed: 20 needed escalations of an intent in a day are enough examples
/// for a full day's step.
fn default_full_step_escalations() -> u32 {
    20
}

/// `[voice]`: written, it turns the voice model on with the cited defaults
/// (sources in `scenarios/README.md`); absent, voice is the model without it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVoice {
    /// Cascaded STT → LLM → TTS stacks: p50 1.2–1.4 s, p95 3.0–3.4 s.
    #[serde(default = "default_speech_latency")]
    pub(super) speech_latency: DistSpec,
    #[serde(default)]
    pub(super) on_hold: RawOnHold,
    #[serde(default = "default_repeat_after")]
    pub(super) repeat_after: HumanDuration,
    #[serde(default = "default_dead_second_frustration")]
    pub(super) frustration_per_dead_second: f64,
    #[serde(default = "default_line_dead_after")]
    pub(super) line_dead_after: HumanDuration,
    #[serde(default = "default_silent_hold_patience")]
    pub(super) silent_hold_patience_factor: f64,
    #[serde(default = "default_silent_hold_frustration")]
    pub(super) silent_hold_frustration_per_minute: f64,
    #[serde(default)]
    pub(super) transfer_failure_probability: f64,
    #[serde(default = "default_redial_delay")]
    pub(super) redial_delay: DistSpec,
    #[serde(default = "default_redial_frustration")]
    pub(super) redial_frustration: f64,
    #[serde(default)]
    pub(super) transcription: RawTranscription,
}

/// `[callbacks]`: offered to voice callers who would wait long.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCallbacks {
    #[serde(default)]
    pub(super) offer_over_quote: Option<HumanDuration>,
    #[serde(default)]
    pub(super) offer_over_queue: Option<u32>,
    /// Hathaway, Emadi & Deshpande: 37 % of callers offered accept.
    #[serde(default = "default_callback_accept")]
    pub(super) accept_probability: f64,
    #[serde(default)]
    pub(super) served: RawServed,
    /// Hathaway, Emadi & Deshpande: 7 % of callbacks go unanswered.
    #[serde(default = "default_callback_unanswered")]
    pub(super) unanswered_probability: f64,
    #[serde(default = "default_ring_time")]
    pub(super) ring_time: HumanDuration,
    #[serde(default = "default_retry_after")]
    pub(super) retry_after: HumanDuration,
    #[serde(default = "default_max_attempts")]
    pub(super) max_attempts: u32,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawServed {
    BeforeCallers,
    #[default]
    AfterCallers,
}

fn default_callback_accept() -> f64 {
    0.37
}

fn default_callback_unanswered() -> f64 {
    0.07
}

/// Assumed: an unanswered call rings for 30 s.
fn default_ring_time() -> HumanDuration {
    HumanDuration(Duration::from_secs(30))
}

/// Assumed.
fn default_retry_after() -> HumanDuration {
    HumanDuration(Duration::from_secs(600))
}

/// Assumed.
fn default_max_attempts() -> u32 {
    3
}

/// `[voice.transcription]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTranscription {
    #[serde(default = "default_transcription_available")]
    pub(super) available_probability: f64,
    /// 10–15 % on typical contact-centre audio.
    #[serde(default = "default_word_error_rate")]
    pub(super) word_error_rate: f64,
    #[serde(default = "default_noisy_share")]
    pub(super) noisy_share: f64,
    /// 25–35 % on noisy or accented calls.
    #[serde(default = "default_noisy_word_error_rate")]
    pub(super) noisy_word_error_rate: f64,
    #[serde(default = "default_key_words_per_field")]
    pub(super) key_words_per_field: u32,
}

/// Assumed.
fn default_transcription_available() -> f64 {
    0.95
}

fn default_word_error_rate() -> f64 {
    0.12
}

/// Assumed.
fn default_noisy_share() -> f64 {
    0.2
}

fn default_noisy_word_error_rate() -> f64 {
    0.3
}

/// Assumed.
fn default_key_words_per_field() -> u32 {
    2
}

impl Default for RawTranscription {
    fn default() -> Self {
        RawTranscription {
            available_probability: default_transcription_available(),
            word_error_rate: default_word_error_rate(),
            noisy_share: default_noisy_share(),
            noisy_word_error_rate: default_noisy_word_error_rate(),
            key_words_per_field: default_key_words_per_field(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawOnHold {
    #[default]
    Message,
    Music,
    Silence,
}

fn default_speech_latency() -> DistSpec {
    DistSpec::Lognormal {
        median: HumanDuration(Duration::from_millis(1300)),
        p95: HumanDuration(Duration::from_millis(3200)),
    }
}

/// Callers start repeating themselves after 0.8–1.5 s of silence.
fn default_repeat_after() -> HumanDuration {
    HumanDuration(Duration::from_secs(1))
}

/// Assumed: 10 s of dead air beyond the repeat point add 0.2.
fn default_dead_second_frustration() -> f64 {
    0.02
}

/// At 8–10 s of unexplained silence callers think the line dropped.
fn default_line_dead_after() -> HumanDuration {
    HumanDuration(Duration::from_secs(9))
}

/// Silent hold: hang-up within about 40 s against about 90 s with music or
/// messages.
fn default_silent_hold_patience() -> f64 {
    0.44
}

/// Assumed.
fn default_silent_hold_frustration() -> f64 {
    0.1
}

/// Assumed: a dropped caller rings back after 2 minutes on average.
fn default_redial_delay() -> DistSpec {
    DistSpec::Exponential {
        mean: HumanDuration(Duration::from_secs(120)),
    }
}

/// Assumed.
fn default_redial_frustration() -> f64 {
    0.2
}

impl Default for RawLearning {
    fn default() -> Self {
        RawLearning {
            enabled: false,
            rate_per_day: default_learning_rate(),
            ceiling: default_learning_ceiling(),
            full_step_escalations: default_full_step_escalations(),
            target_precision: None,
            threshold_gain: half(),
        }
    }
}

/// `[handoff.effects]`: the handoff's effects as stated hypotheses
/// ([`Effects`]; all off by default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEffects {
    #[serde(default)]
    frustration_per_bot_minute: f64,
    #[serde(default)]
    frustration_per_minute_over_quote: f64,
    #[serde(default = "zero_duration")]
    handle_time_per_minute_over_quote: HumanDuration,
    #[serde(default)]
    frustration_handle_factor: f64,
    #[serde(default)]
    cold_repetition: f64,
    #[serde(default = "half")]
    warm_repetition_relief: f64,
    #[serde(default = "zero_duration")]
    repetition_time: HumanDuration,
    #[serde(default)]
    repetition_frustration: f64,
    #[serde(default)]
    warm_frustration_relief: f64,
    #[serde(default)]
    warm_resolution_uplift: f64,
    #[serde(default)]
    warm_repeat_reduction: f64,
    #[serde(default)]
    warm_decline_probability: f64,
}

fn zero_duration() -> HumanDuration {
    HumanDuration(Duration::ZERO)
}

impl Default for RawEffects {
    fn default() -> Self {
        RawEffects {
            frustration_per_bot_minute: 0.0,
            frustration_per_minute_over_quote: 0.0,
            handle_time_per_minute_over_quote: zero_duration(),
            frustration_handle_factor: 0.0,
            cold_repetition: 0.0,
            warm_repetition_relief: half(),
            repetition_time: zero_duration(),
            repetition_frustration: 0.0,
            warm_frustration_relief: 0.0,
            warm_resolution_uplift: 0.0,
            warm_repeat_reduction: 0.0,
            warm_decline_probability: 0.0,
        }
    }
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
            effects: RawEffects::default(),
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
    /// Drop-offs mid-contact per agent-hour on duty (no public rate: 0).
    #[serde(default)]
    drop_off_per_hour: f64,
    #[serde(default = "default_drop_off_absence")]
    drop_off_absence: DistSpec,
}

/// Assumed: a reconnect or a restarted desktop takes 5 minutes on average.
fn default_drop_off_absence() -> DistSpec {
    DistSpec::Exponential {
        mean: HumanDuration(Duration::from_secs(300)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRouting {
    #[serde(default)]
    select: RawSelect,
    #[serde(default)]
    wait_estimator: RawWaitEstimator,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawWaitEstimator {
    #[default]
    Position,
    HeadOfLine,
    LastToEnter,
    QueueLength,
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

//! The configuration types of `[voice]`, `[callbacks]`, the AI incidents
//! and `[routing] wait_estimator`, as validated: plain data the model's
//! `voice`, `callbacks`, `incidents` and `routing` modules act on (their
//! formulas are there).

use serde::Serialize;

use super::Dist;

/// What a voice caller hears while waiting for the bot or for an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnHold {
    /// A hold message ("one moment…", the queue announcement).
    #[default]
    Message,
    /// Hold music (the cited figures do not tell it from a message: the
    /// model treats both alike).
    Music,
    /// Nothing: dead air.
    Silence,
}

impl OnHold {
    pub fn name(self) -> &'static str {
        match self {
            OnHold::Message => "message",
            OnHold::Music => "music",
            OnHold::Silence => "silence",
        }
    }
}

/// `[voice]`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Voice {
    /// Added to each voice bot turn (default lognormal, p50 1.3 s, p95
    /// 3.2 s). A scenario file always sets it; `None` (no speech-stack
    /// latency) only for a `Voice` built in code.
    pub speech_latency: Option<Dist>,
    pub on_hold: OnHold,
    /// Seconds of dead air after which callers start repeating themselves.
    pub repeat_after: f64,
    /// Frustration per second of dead air beyond `repeat_after`.
    pub frustration_per_dead_second: f64,
    /// Seconds of dead air after which the caller thinks the line dropped.
    pub line_dead_after: f64,
    /// Patience multiplier on silent hold in the queue.
    pub silent_hold_patience_factor: f64,
    /// Frustration per minute waited on silent hold.
    pub silent_hold_frustration_per_minute: f64,
    /// Probability that a voice transfer from the bot drops on the call path.
    pub transfer_failure_probability: f64,
    /// Time until a dropped caller rings back.
    pub redial_delay: Dist,
    /// Frustration a dropped call adds.
    pub redial_frustration: f64,
    pub transcription: LiveTranscription,
}

/// `[voice.transcription]`: the live transcription behind a voice package.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveTranscription {
    pub available_probability: f64,
    pub word_error_rate: f64,
    pub noisy_share: f64,
    pub noisy_word_error_rate: f64,
    pub key_words_per_field: u32,
}

/// Whether callbacks are served before or after the callers waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Served {
    BeforeCallers,
    /// Assumed default: a callback does not jump the callers on the line.
    #[default]
    AfterCallers,
}

/// `[callbacks]`, validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Callbacks {
    /// Offer when the quoted wait is over this many seconds.
    pub offer_over_quote: Option<f64>,
    /// Offer when more callers than this wait in the contact's queue.
    pub offer_over_queue: Option<u32>,
    pub accept_probability: f64,
    pub served: Served,
    pub unanswered_probability: f64,
    /// Agent seconds an unanswered attempt takes.
    pub ring_time: f64,
    pub retry_after: f64,
    pub max_attempts: u32,
}

/// What an incident does to the AI agent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    Outage,
    Slow { slow_factor: f64 },
    Miscalibrated { confidence_shift: f64 },
}

impl Effect {
    pub fn name(&self) -> &'static str {
        match self {
            Effect::Outage => "outage",
            Effect::Slow { .. } => "slow",
            Effect::Miscalibrated { .. } => "miscalibrated",
        }
    }
}

/// One incident: `[start, start + length)` in seconds from the start of the run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Window {
    pub start_s: f64,
    pub length_s: f64,
    #[serde(flatten)]
    pub effect: Effect,
    /// Drawn from an incident process (not written in the scenario).
    pub drawn: bool,
}

impl Window {
    pub fn end_s(&self) -> f64 {
        self.start_s + self.length_s
    }

    pub fn contains(&self, t: f64) -> bool {
        t >= self.start_s && t < self.end_s()
    }
}

/// `[[ai_agent.incident_processes]]`: incidents drawn at random.
#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    pub rate_per_day: f64,
    pub length: Dist,
    pub effect: Effect,
}

/// A wait estimator: what the expectation message quotes
/// (`[routing] wait_estimator`), and each one measured in shadow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum WaitEstimator {
    /// Contacts ahead plus one, times the mean holding time, over the slots.
    #[default]
    Position,
    /// The wait so far of the contact at the head of the queue.
    HeadOfLine,
    /// The wait of the last contact to enter service from the queue.
    LastToEnter,
    /// The queue-length estimator with an abandonment correction.
    QueueLength,
}

impl WaitEstimator {
    pub const ALL: [WaitEstimator; 4] = [
        WaitEstimator::Position,
        WaitEstimator::HeadOfLine,
        WaitEstimator::LastToEnter,
        WaitEstimator::QueueLength,
    ];

    /// The name in scenario files and summaries.
    pub fn name(self) -> &'static str {
        match self {
            WaitEstimator::Position => "position",
            WaitEstimator::HeadOfLine => "head_of_line",
            WaitEstimator::LastToEnter => "last_to_enter",
            WaitEstimator::QueueLength => "queue_length",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

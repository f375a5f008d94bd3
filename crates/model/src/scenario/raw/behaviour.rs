//! The behaviour tables: `[customers]`, `[ai_agent]`, `[triggers]` and
//! `[handoff]`, mapped onto the logic crate's configuration types.

use super::validate::{Invalid, dist, invalid, probability};
use super::*;
use handoff_logic::handoff::{ContextMode, PolicyRule, TransferPolicy};
use handoff_logic::triggers::{TopicAction, TopicRule, TriggerConfig};

pub(super) fn validate_customers(raw: &RawCustomers) -> Result<Customers, Invalid> {
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
        ai_relapse_probability: probability(
            "customers.ai_relapse_probability".into(),
            raw.ai_relapse_probability,
        )?,
    })
}

pub(super) fn validate_ai(raw: &RawAiAgent) -> Result<Option<AiAgent>, Invalid> {
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
        incidents: Vec::new(),
        incident_processes: Vec::new(),
    }))
}

pub(super) fn validate_triggers(
    raw: &RawTriggers,
    intents: &[Intent],
) -> Result<TriggerConfig, Invalid> {
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

pub(super) fn validate_handoff(raw: &RawHandoff) -> Result<Handoff, Invalid> {
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
        effects: validate_effects(&raw.effects)?,
    })
}

/// `[handoff.effects]`: shares and probabilities in [0, 1], frustration
/// rates in [0, 1] per minute, the handle-time factor in [0, 5], times at
/// most an hour; a decline at most 0.9, so a warm transfer always ends.
fn validate_effects(raw: &RawEffects) -> Result<Effects, Invalid> {
    let key = |name: &str| format!("handoff.effects.{name}");
    let share = |name: &str, v: f64| probability(key(name), v);
    let time = |name: &str, d: HumanDuration| {
        let s = d.secs();
        if s <= 3600.0 {
            Ok(s)
        } else {
            Err(invalid(key(name), format!("must be at most 1h, got {s} s")))
        }
    };
    if !(0.0..=5.0).contains(&raw.frustration_handle_factor) {
        return Err(invalid(
            key("frustration_handle_factor"),
            format!("must be in [0, 5], got {}", raw.frustration_handle_factor),
        ));
    }
    if !(0.0..=0.9).contains(&raw.warm_decline_probability) {
        return Err(invalid(
            key("warm_decline_probability"),
            format!(
                "must be in [0, 0.9] (a transfer declined every time would never end), got {}",
                raw.warm_decline_probability
            ),
        ));
    }
    Ok(Effects {
        frustration_per_bot_minute: share(
            "frustration_per_bot_minute",
            raw.frustration_per_bot_minute,
        )?,
        frustration_per_minute_over_quote: share(
            "frustration_per_minute_over_quote",
            raw.frustration_per_minute_over_quote,
        )?,
        handle_time_per_minute_over_quote: time(
            "handle_time_per_minute_over_quote",
            raw.handle_time_per_minute_over_quote,
        )?,
        frustration_handle_factor: raw.frustration_handle_factor,
        cold_repetition: share("cold_repetition", raw.cold_repetition)?,
        warm_repetition_relief: share("warm_repetition_relief", raw.warm_repetition_relief)?,
        repetition_time: time("repetition_time", raw.repetition_time)?,
        repetition_frustration: share("repetition_frustration", raw.repetition_frustration)?,
        warm_frustration_relief: share("warm_frustration_relief", raw.warm_frustration_relief)?,
        warm_resolution_uplift: share("warm_resolution_uplift", raw.warm_resolution_uplift)?,
        warm_repeat_reduction: share("warm_repeat_reduction", raw.warm_repeat_reduction)?,
        warm_decline_probability: raw.warm_decline_probability,
    })
}

/// `[learning]`: a rate in (0, 1], a ceiling and a target precision that are
/// probabilities (the target strictly inside), examples per full step in
/// 1 … 1 000 000, a gain in (0, 5]. Learning needs the bot; the nudge needs
/// the confidence rule it moves.
pub(super) fn validate_learning(
    raw: &RawLearning,
    bot_on: bool,
    triggers: &TriggerConfig,
) -> Result<Option<Learning>, Invalid> {
    let key = |name: &str| format!("learning.{name}");
    if !(raw.rate_per_day > 0.0 && raw.rate_per_day <= 1.0) {
        return Err(invalid(
            key("rate_per_day"),
            format!(
                "must be in (0, 1] (the share of the gap to the ceiling a day closes), got {}",
                raw.rate_per_day
            ),
        ));
    }
    let ceiling = probability(key("ceiling"), raw.ceiling)?;
    if !(1..=1_000_000).contains(&raw.full_step_escalations) {
        return Err(invalid(
            key("full_step_escalations"),
            format!(
                "must be between 1 and 1000000, got {}",
                raw.full_step_escalations
            ),
        ));
    }
    if !(raw.threshold_gain > 0.0 && raw.threshold_gain <= 5.0) {
        return Err(invalid(
            key("threshold_gain"),
            format!("must be in (0, 5], got {}", raw.threshold_gain),
        ));
    }
    let nudge = match raw.target_precision {
        None => None,
        Some(target) if target > 0.0 && target < 1.0 => Some(Nudge {
            target_precision: target,
            gain: raw.threshold_gain,
        }),
        Some(target) => {
            return Err(invalid(
                key("target_precision"),
                format!("must be strictly between 0 and 1, got {target}"),
            ));
        }
    };
    if !raw.enabled {
        return Ok(None);
    }
    if !bot_on {
        return Err(invalid(
            key("enabled"),
            "needs the AI agent (ai_agent.enabled = true): with the bot off there is nothing to learn",
        ));
    }
    if nudge.is_some() && triggers.confidence_threshold.is_none() {
        return Err(invalid(
            key("target_precision"),
            "nudges the confidence rule's threshold, so it needs the rule on (triggers.confidence_threshold > 0)",
        ));
    }
    Ok(Some(Learning {
        rate_per_day: raw.rate_per_day,
        ceiling,
        full_step_escalations: raw.full_step_escalations,
        nudge,
    }))
}

pub(super) fn validate_voice(raw: &RawVoice) -> Result<crate::scenario::Voice, Invalid> {
    use crate::scenario::{OnHold, Voice};
    let key = |name: &str| format!("voice.{name}");
    let at_most = |name: &str, value: f64, max: f64, what: &str| {
        if value.is_finite() && (0.0..=max).contains(&value) {
            Ok(value)
        } else {
            Err(invalid(
                key(name),
                format!("must be in [0, {max}] ({what}), got {value}"),
            ))
        }
    };
    let repeat_after = raw.repeat_after.secs();
    let line_dead_after = raw.line_dead_after.secs();
    if line_dead_after <= repeat_after {
        return Err(invalid(
            key("line_dead_after"),
            format!(
                "must be longer than voice.repeat_after ({repeat_after} s): callers repeat themselves before they think the line dropped"
            ),
        ));
    }
    let factor = raw.silent_hold_patience_factor;
    if !(factor.is_finite() && factor > 0.0 && factor <= 1.0) {
        return Err(invalid(
            key("silent_hold_patience_factor"),
            format!(
                "must be in (0, 1] (patience on silent hold over patience with a message), got {factor}"
            ),
        ));
    }
    Ok(Voice {
        speech_latency: Some(dist(key("speech_latency"), &raw.speech_latency)?),
        on_hold: match raw.on_hold {
            RawOnHold::Message => OnHold::Message,
            RawOnHold::Music => OnHold::Music,
            RawOnHold::Silence => OnHold::Silence,
        },
        repeat_after,
        frustration_per_dead_second: at_most(
            "frustration_per_dead_second",
            raw.frustration_per_dead_second,
            1.0,
            "frustration added per second of dead air past voice.repeat_after",
        )?,
        line_dead_after,
        silent_hold_patience_factor: factor,
        silent_hold_frustration_per_minute: at_most(
            "silent_hold_frustration_per_minute",
            raw.silent_hold_frustration_per_minute,
            1.0,
            "frustration added per minute on silent hold",
        )?,
        transfer_failure_probability: probability(
            key("transfer_failure_probability"),
            raw.transfer_failure_probability,
        )?,
        redial_delay: dist(key("redial_delay"), &raw.redial_delay)?,
        redial_frustration: probability(key("redial_frustration"), raw.redial_frustration)?,
        transcription: {
            let t = &raw.transcription;
            let key = |name: &str| format!("voice.transcription.{name}");
            if !(1..=20).contains(&t.key_words_per_field) {
                return Err(invalid(
                    key("key_words_per_field"),
                    format!("must be between 1 and 20, got {}", t.key_words_per_field),
                ));
            }
            crate::scenario::LiveTranscription {
                available_probability: probability(
                    key("available_probability"),
                    t.available_probability,
                )?,
                word_error_rate: probability(key("word_error_rate"), t.word_error_rate)?,
                noisy_share: probability(key("noisy_share"), t.noisy_share)?,
                noisy_word_error_rate: probability(
                    key("noisy_word_error_rate"),
                    t.noisy_word_error_rate,
                )?,
                key_words_per_field: t.key_words_per_field,
            }
        },
    })
}

/// An incident's effect with its parameter (`key` names the entry).
fn incident_effect(
    key: &str,
    effect: RawEffect,
    slow_factor: Option<f64>,
    confidence_shift: Option<f64>,
) -> Result<crate::scenario::Effect, Invalid> {
    use crate::scenario::Effect;
    let stray = |name: &str, what: &str| {
        invalid(
            format!("{key}.{name}"),
            format!("belongs to a `{what}` incident only"),
        )
    };
    match effect {
        RawEffect::Outage => {
            if slow_factor.is_some() {
                return Err(stray("slow_factor", "slow"));
            }
            if confidence_shift.is_some() {
                return Err(stray("confidence_shift", "miscalibrated"));
            }
            Ok(Effect::Outage)
        }
        RawEffect::Slow => {
            if confidence_shift.is_some() {
                return Err(stray("confidence_shift", "miscalibrated"));
            }
            match slow_factor {
                Some(k) if k.is_finite() && k > 1.0 && k <= 100.0 => {
                    Ok(Effect::Slow { slow_factor: k })
                }
                Some(k) => Err(invalid(
                    format!("{key}.slow_factor"),
                    format!("must be in (1, 100] (response time × k), got {k}"),
                )),
                None => Err(invalid(
                    format!("{key}.slow_factor"),
                    "is required for a `slow` incident (response time × k, e.g. 3.0)",
                )),
            }
        }
        RawEffect::Miscalibrated => {
            if slow_factor.is_some() {
                return Err(stray("slow_factor", "slow"));
            }
            match confidence_shift {
                Some(d) if d.is_finite() && d != 0.0 && (-1.0..=1.0).contains(&d) => {
                    Ok(Effect::Miscalibrated {
                        confidence_shift: d,
                    })
                }
                Some(d) => Err(invalid(
                    format!("{key}.confidence_shift"),
                    format!("must be in [−1, 1] and not 0 (added to each confidence), got {d}"),
                )),
                None => Err(invalid(
                    format!("{key}.confidence_shift"),
                    "is required for a `miscalibrated` incident (e.g. -0.2)",
                )),
            }
        }
    }
}

/// `[[ai_agent.incidents]]` and `[[ai_agent.incident_processes]]`: written
/// windows inside the horizon and not overlapping, processes with a
/// positive rate; both need the bot.
pub(super) fn validate_incidents(
    raw: &RawAiAgent,
    horizon: f64,
) -> Result<(Vec<crate::scenario::Window>, Vec<crate::scenario::Process>), Invalid> {
    use crate::scenario::{Process, Window};
    let any = !raw.incidents.is_empty() || !raw.incident_processes.is_empty();
    if any && !raw.enabled {
        let key = if raw.incidents.is_empty() {
            "ai_agent.incident_processes"
        } else {
            "ai_agent.incidents"
        };
        return Err(invalid(
            key,
            "needs the AI agent (ai_agent.enabled = true): with the bot off nothing can fail",
        ));
    }
    let mut windows: Vec<(usize, Window)> = Vec::new();
    for (i, w) in raw.incidents.iter().enumerate() {
        let key = format!("ai_agent.incidents[{i}]");
        let (start, length) = (w.start.secs(), w.length.secs());
        if length <= 0.0 {
            return Err(invalid(format!("{key}.length"), "must be longer than 0s"));
        }
        if start + length > horizon {
            return Err(invalid(
                format!("{key}.length"),
                format!(
                    "the window {start} s + {length} s ends past the end of the run (simulation.duration, {horizon} s)"
                ),
            ));
        }
        let effect = incident_effect(&key, w.effect, w.slow_factor, w.confidence_shift)?;
        let window = Window {
            start_s: start,
            length_s: length,
            effect,
            drawn: false,
        };
        if let Some((j, _)) = windows
            .iter()
            .find(|(_, o)| o.start_s < window.end_s() && window.start_s < o.end_s())
        {
            return Err(invalid(
                format!("{key}.start"),
                format!("overlaps ai_agent.incidents[{j}]: written incidents must not overlap"),
            ));
        }
        windows.push((i, window));
    }
    let mut processes = Vec::new();
    for (i, p) in raw.incident_processes.iter().enumerate() {
        let key = format!("ai_agent.incident_processes[{i}]");
        if !(p.rate_per_day.is_finite() && p.rate_per_day > 0.0 && p.rate_per_day <= 100.0) {
            return Err(invalid(
                format!("{key}.rate_per_day"),
                format!(
                    "must be in (0, 100] incidents a day (monthly ≈ 0.033), got {}",
                    p.rate_per_day
                ),
            ));
        }
        processes.push(Process {
            rate_per_day: p.rate_per_day,
            length: dist(format!("{key}.length"), &p.length)?,
            effect: incident_effect(&key, p.effect, p.slow_factor, p.confidence_shift)?,
        });
    }
    Ok((windows.into_iter().map(|(_, w)| w).collect(), processes))
}

pub(super) fn validate_callbacks(
    raw: &RawCallbacks,
) -> Result<crate::scenario::Callbacks, Invalid> {
    use crate::scenario::{Callbacks, Served};
    let key = |name: &str| format!("callbacks.{name}");
    if raw.offer_over_quote.is_none() && raw.offer_over_queue.is_none() {
        return Err(invalid(
            "callbacks",
            "needs `offer_over_quote` (a wait, e.g. \"3m\") or `offer_over_queue` (callers waiting, e.g. 20), or both",
        ));
    }
    let within = |name: &str, d: HumanDuration, max_s: f64| {
        let s = d.secs();
        if s > 0.0 && s <= max_s {
            Ok(s)
        } else {
            Err(invalid(
                key(name),
                format!(
                    "must be longer than 0s and at most {}h, got {s} s",
                    max_s / 3600.0
                ),
            ))
        }
    };
    if !(1..=10).contains(&raw.max_attempts) {
        return Err(invalid(
            key("max_attempts"),
            format!("must be between 1 and 10, got {}", raw.max_attempts),
        ));
    }
    Ok(Callbacks {
        offer_over_quote: raw.offer_over_quote.map(HumanDuration::secs),
        offer_over_queue: raw.offer_over_queue,
        accept_probability: probability(key("accept_probability"), raw.accept_probability)?,
        served: match raw.served {
            RawServed::BeforeCallers => Served::BeforeCallers,
            RawServed::AfterCallers => Served::AfterCallers,
        },
        unanswered_probability: probability(
            key("unanswered_probability"),
            raw.unanswered_probability,
        )?,
        ring_time: within("ring_time", raw.ring_time, 600.0)?,
        retry_after: within("retry_after", raw.retry_after, 86_400.0)?,
        max_attempts: raw.max_attempts,
    })
}

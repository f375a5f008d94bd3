//! Validation of the scenario as written into the typed [`Scenario`]: the
//! whole walk, and the small checks (probability, distribution, duration)
//! the other parts share. Every error is (key path, message).

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use super::arrivals::{validate_arrivals, validate_channels};
use super::behaviour::{
    validate_ai, validate_callbacks, validate_customers, validate_handoff, validate_incidents,
    validate_learning, validate_triggers, validate_voice,
};
use super::experiment::validate_experiment;
use super::staffing::{pool_skill_list, validate_staffing};
use super::*;
use crate::scenario::dist::{DistSpec, HumanDuration};
use handoff_logic::handoff::{ContextMode, PolicyRule};

pub(super) type Invalid = (String, String);

pub(super) fn invalid(key: impl Into<String>, message: impl Into<String>) -> Invalid {
    (key.into(), message.into())
}

pub(super) fn probability(key: String, value: f64) -> Result<f64, Invalid> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(
            key,
            format!("must be a probability in [0, 1], got {value}"),
        ))
    }
}

pub(super) fn dist(key: String, spec: &DistSpec) -> Result<Dist, Invalid> {
    spec.validate().map_err(|message| invalid(key, message))
}

pub(super) fn positive_duration(key: &str, d: HumanDuration) -> Result<Duration, Invalid> {
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
    let durable_window = match sim.durable_window {
        Some(d) => positive_duration("simulation.durable_window", d)?,
        None => Duration::from_secs(24 * 3600),
    };
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
            drop_off_per_hour: {
                let rate = pool.drop_off_per_hour;
                if !(rate.is_finite() && (0.0..=60.0).contains(&rate)) {
                    return Err(invalid(key("drop_off_per_hour"), format!(
                        "must be a rate per agent-hour on duty in [0, 60] (e.g. 0.05: one drop-off in 20 hours), got {rate}"
                    )));
                }
                rate
            },
            drop_off_absence: dist(key("drop_off_absence"), &pool.drop_off_absence)?,
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
    let mut ai = validate_ai(&raw.ai_agent)?;
    let (incidents, incident_processes) =
        validate_incidents(&raw.ai_agent, duration.as_secs_f64())?;
    if let Some(ai) = &mut ai {
        ai.incidents = incidents;
        ai.incident_processes = incident_processes;
    }
    let mut triggers = validate_triggers(&raw.triggers, &intents)?;
    let handoff = validate_handoff(&raw.handoff)?;
    // The intent-aware policy and the structured package read each message's
    // sentiment, so the engine scores it even with no sentiment rule on.
    triggers.score_sentiment = handoff.policy.rule == PolicyRule::IntentAware
        || handoff.context == ContextMode::Structured;

    let learning = validate_learning(&raw.learning, ai.is_some(), &triggers)?;
    let voice = raw.voice.as_ref().map(validate_voice).transpose()?;
    let callbacks = raw.callbacks.as_ref().map(validate_callbacks).transpose()?;

    let experiment = validate_experiment(&raw, source)?;
    Ok(Scenario {
        learning,
        voice,
        callbacks,
        experiment,
        name: sim.name.clone(),
        seed: sim.seed,
        duration,
        warm_up,
        service_level_threshold,
        durable_window,
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
        wait_estimator: match raw.routing.wait_estimator {
            RawWaitEstimator::Position => WaitEstimator::Position,
            RawWaitEstimator::HeadOfLine => WaitEstimator::HeadOfLine,
            RawWaitEstimator::LastToEnter => WaitEstimator::LastToEnter,
            RawWaitEstimator::QueueLength => WaitEstimator::QueueLength,
        },
        pools,
        source: source.to_string(),
    })
}

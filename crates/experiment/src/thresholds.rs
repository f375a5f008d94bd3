//! Judging thresholds ([`handoff_model::thresholds`]): a single run on its
//! value; replications on the mean or, with `on = "ci"`, on the pessimistic
//! end of the 95 % interval (the low end for `>=`, the high end for `<=`).
//! Any failure makes the binary exit with code 3.

use serde_json::Value;

use crate::pooling::{self, Aggregate};
use handoff_model::figures;
use handoff_model::thresholds::{On, Op, Threshold, Verdict};

/// Judges one run's summary. `Err` names a metric the run does not have.
pub fn judge_run(summary: &Value, thresholds: &[Threshold]) -> Result<Vec<Verdict>, String> {
    thresholds
        .iter()
        .map(|t| {
            let metric = figures::resolve(&t.metric);
            let value = figures::observe(summary, &metric.path)
                .ok_or_else(|| missing(&t.metric))?
                .value;
            Ok(Verdict {
                threshold: t.clone(),
                measured: value,
                judged: value,
                pass: t.op.holds(value, t.bound),
            })
        })
        .collect()
}

fn missing(metric: &str) -> String {
    format!(
        "threshold on `{metric}`: the run has no such figure (e.g. no bot, or a path not in summary.json)"
    )
}

/// Judges replicated runs (the summaries of each replication).
pub fn judge_replications(
    summaries: &[Value],
    thresholds: &[Threshold],
    on: On,
) -> Result<Vec<Verdict>, String> {
    thresholds
        .iter()
        .map(|t| {
            let metric = figures::resolve(&t.metric);
            let obs: Vec<_> = summaries
                .iter()
                .filter_map(|s| figures::observe(s, &metric.path))
                .collect();
            if obs.is_empty() {
                return Err(missing(&t.metric));
            }
            let a: Aggregate = pooling::aggregate_metric(&metric, &obs);
            let judged = match (on, t.op) {
                (On::Mean, _) => a.mean,
                (On::Ci, Op::Ge | Op::Gt) => a.low(),
                (On::Ci, Op::Le | Op::Lt) => a.high(),
            };
            Ok(Verdict {
                threshold: t.clone(),
                measured: a.mean,
                judged,
                pass: t.op.holds(judged, t.bound),
            })
        })
        .collect()
}

/// Checks, before anything runs, that every threshold names a figure this
/// scenario's summary will have: the summary of a run in which one
/// conversation of each kind happened (contained by the bot when it is on,
/// and handed to a human), so every optional part the scenario allows is
/// there. A misspelt path fails here, not after hours of runs.
pub fn check_paths(
    scenario: &handoff_model::Scenario,
    thresholds: &[Threshold],
) -> Result<(), String> {
    use handoff_logic::Channel;
    use handoff_logic::triggers::TriggerKind;
    use handoff_model::metrics::{
        ConversationRecord, Escalation, HandoffReason, Outcome, QueueExit, Recorder,
    };
    if thresholds.is_empty() {
        return Ok(());
    }
    let mut recorder = Recorder::new(scenario);
    let t = scenario.warm_up.as_secs_f64();
    let bot = scenario.ai.is_some();
    for (id, channel) in [(0, Channel::Voice), (1, Channel::Chat)] {
        recorder.arrived(id, t, channel, 0, false);
        let mut record = ConversationRecord {
            handoff: Some(if bot {
                HandoffReason::Trigger(TriggerKind::Explicit)
            } else {
                HandoffReason::Direct
            }),
            queued_at: Some(t),
            escalation: bot.then_some(Escalation {
                kind: TriggerKind::Explicit,
                turn: 1,
                after: 1.0,
            }),
            needs_human: true,
            context_completeness: bot.then_some(1.0),
            estimated_wait: Some(1.0),
            ..ConversationRecord::new(id, channel, 0, t)
        };
        recorder.handed_off(&record);
        recorder.left_queue(&QueueExit {
            channel,
            arrived_at: t,
            queued_at: t,
            waited: true,
            wait: 1.0,
            how: handoff_model::metrics::QueueLeft::Answered,
            estimated_wait: Some(1.0),
            wait_estimates: None,
        });
        record.outcome = Outcome::ResolvedByHuman;
        record.handle_time = Some(1.0);
        recorder.ended(&record);
    }
    if bot {
        recorder.arrived(2, t, Channel::Chat, 0, false);
        recorder.ended(&ConversationRecord {
            outcome: Outcome::ResolvedByAi,
            bot_turns: 1,
            ..ConversationRecord::new(2, Channel::Chat, 0, t)
        });
    }
    let pools: Vec<handoff_model::routing::PoolOccupancy> = scenario
        .pools
        .iter()
        .enumerate()
        .map(|(pool, p)| handoff_model::routing::PoolOccupancy {
            pool,
            agents: p.count(),
            slots_per_agent: 1,
            occupancy: handoff_model::metrics::Estimate::ratio(0.5, 1),
            agents_engaged: 0.5,
            mean_concurrency: 0.5,
            staffed_seconds: 1.0,
            overtime_seconds: 0.0,
            handed_back: 0,
            drop_offs: 0,
            returned_by_drop_off: 0,
            mean_holding_s: None,
            relaxation_s: None,
            used_by_interval: vec![0.5],
            capacity_by_interval: vec![1.0],
        })
        .collect();
    let summary = recorder.summary(scenario, 0, scenario.duration.as_secs_f64(), 0, &pools);
    let json = serde_json::to_value(&summary).expect("a summary serialises");
    for t in thresholds {
        let metric = figures::resolve(&t.metric);
        if figures::lookup(&json, &metric.path).is_none() {
            return Err(format!(
                "threshold on `{}`: this scenario's summary has no such figure (`{}`; e.g. a misspelt path, or a bot figure with the bot off)",
                t.metric, metric.path
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comparisons_numbers_and_durations() {
        let t = Threshold::parse("service_level", ">= 0.8").unwrap();
        assert_eq!((t.op, t.bound), (Op::Ge, 0.8));
        let t = Threshold::parse("p95_queue_wait", "<= 1m").unwrap();
        assert_eq!((t.op, t.bound), (Op::Le, 60.0));
        let t = Threshold::parse_flag("abandonment<0.05").unwrap();
        assert_eq!(
            (t.metric.as_str(), t.op, t.bound),
            ("abandonment", Op::Lt, 0.05)
        );
        let t = Threshold::parse("measured.by_channel.voice.asa_s", "< 30s").unwrap();
        assert_eq!(t.bound, 30.0);
    }

    #[test]
    fn a_bound_outside_its_metric_unit_is_refused() {
        // A percentage on a share passes every run (or none): refused, with
        // the fraction it meant.
        let err = Threshold::parse_flag("abandonment<=5").unwrap_err();
        assert_eq!(
            err,
            "`abandonment` is a share: the share must be in [0, 1], got 5: did you mean 0.05?"
        );
        let err = Threshold::parse_flag("service_level>=80").unwrap_err();
        assert!(err.ends_with("did you mean 0.8?"), "{err}");
        assert!(Threshold::parse_flag("measured.human_queue.service_level>=80").is_err());
        assert!(
            !Threshold::parse_flag("occupancy<=250")
                .unwrap_err()
                .contains("did you mean")
        );
        assert!(
            Threshold::parse_flag("service_level>=20s")
                .unwrap_err()
                .contains("not a time")
        );
        // A time needs its unit; a bare number could be seconds or minutes.
        let err = Threshold::parse_flag("asa<=20").unwrap_err();
        assert_eq!(err, "`asa` is a time: `20` needs its unit, e.g. 20s or 1m");
        assert!(Threshold::parse_flag("asa<=20s").is_ok());
        // The edges, a score and paths of unknown unit are left alone.
        assert!(Threshold::parse_flag("abandonment<=0").is_ok());
        assert!(Threshold::parse_flag("service_level>=1").is_ok());
        assert!(Threshold::parse_flag("csat_delta>=-1.5").is_ok());
        assert!(Threshold::parse_flag("measured.bot.turns_mean<=4").is_ok());
    }

    #[test]
    fn bad_thresholds_say_what_is_wrong() {
        assert!(
            Threshold::parse("speed", ">= 1")
                .unwrap_err()
                .contains("unknown metric `speed`")
        );
        assert!(
            Threshold::parse("asa", "about 20s")
                .unwrap_err()
                .contains("not a comparison")
        );
        assert!(
            Threshold::parse("asa", "<= soon")
                .unwrap_err()
                .contains("not a number or a duration")
        );
        assert!(
            Threshold::parse_flag("asa")
                .unwrap_err()
                .contains("no comparison")
        );
        assert!(
            On::parse("median")
                .unwrap_err()
                .contains("\"mean\" or \"ci\"")
        );
    }

    #[test]
    fn judges_a_run_and_replications() {
        let run = |sl: f64| serde_json::json!({"measured": {"human_queue": {"service_level": {"value": sl, "n": 100}}}});
        let t = vec![Threshold::parse("service_level", ">= 0.8").unwrap()];
        assert!(judge_run(&run(0.85), &t).unwrap()[0].pass);
        let v = &judge_run(&run(0.75), &t).unwrap()[0];
        assert!(!v.pass);
        assert!(
            v.line()
                .starts_with("FAIL service_level >= 0.8: measured 0.7500"),
            "{}",
            v.line()
        );
        // Replications: mean 0.82 passes; its interval's low end does not.
        let reps: Vec<Value> = [0.78, 0.86, 0.80, 0.84].iter().map(|&x| run(x)).collect();
        assert!(judge_replications(&reps, &t, On::Mean).unwrap()[0].pass);
        let ci = &judge_replications(&reps, &t, On::Ci).unwrap()[0];
        assert!(!ci.pass && ci.judged < 0.8, "{ci:?}");
        let other = vec![Threshold::parse("handoff_rate", "<= 0.5").unwrap()];
        assert!(
            judge_run(&run(0.9), &other)
                .unwrap_err()
                .contains("no such figure")
        );
    }
}

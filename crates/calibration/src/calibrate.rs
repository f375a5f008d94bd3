//! Trigger calibration (`handoff-sim calibrate`): how precision, recall,
//! needless escalations and detection delay move as one rule's threshold
//! moves, with the other rules as in the scenario, and where to set it for
//! a target.
//!
//! **Method.** For one rule, every labelled conversation is walked once
//! with the engine, the swept rule switched off and sentiment scored
//! ([`replay::walk`]): for each customer turn, whether another rule fires
//! and the swept rule's *statistic* (the reply's confidence, the failed
//! count, the message's sentiment, the fall from the best earlier message,
//! the restatement count). A rule fires when its statistic crosses the
//! threshold ([`Direction`]), so for any threshold the escalation turn is
//! the first turn where another rule fires or the statistic crosses —
//! exactly what a replay with that threshold gives (a test holds the two
//! against each other). The thresholds swept are the ones the data can tell
//! apart: midpoints between neighbouring observed values plus one beyond
//! each end, within the values the scenario accepts. Every one is counted
//! (the recommendation is chosen among all); intervals and the charts use
//! at most [`MAX_THRESHOLDS`] of them, evenly by rank, plus the setting and
//! the recommendation.
//!
//! **Metrics** (one definition with `replay` and the simulation): precision
//! = needed / (needed + premature + needless), recall = needed / (needed +
//! premature + missed), F1, the needless-escalation rate = needless /
//! conversations that needed no human, and the mean detection delay in
//! turns over needed escalations.
//!
//! **Uncertainty.** Labelled sets are small, so precision and recall carry
//! 95 % Wilson score intervals, each with its denominator as n. A
//! percentile bootstrap was measured first and dropped: over 2 000 labelled
//! sets drawn from known shares it held the truth 44–78 % of the time with
//! 15 conversations and 80 % with 40 at a true precision of 0.9 (it
//! collapses to a point when every escalation was right); the Wilson
//! interval's coverage is in the tests (`interval_coverage`).
//!
//! **Operating point.** For a target precision p: of the thresholds whose
//! precision is at least p, the one with the highest recall (ties: the
//! higher precision). For a target recall r: of those with recall at least
//! r, the one with the highest precision; among equals, the one nearest the
//! scenario's setting. A *conservative* point asks the same of the
//! interval's lower bound. Every threshold between two neighbouring
//! observed statistics gives the same figures, and neighbouring cells may
//! too, so a chosen point stands for a *tied range* ([`TiedRange`]): the
//! recommendation is its middle (the scenario's setting when that already
//! lies in it), never a value on one message's score, and the range is
//! reported. `topic_confidence` sets every topic rule's `confidence_below`
//! to one value, so it is refused when they differ.
//!
//! **One rule alone** ([`calibrate_only`], `--only`): the rule at the
//! scenario's setting with every other rule off ([`AnyRule::alone`]); a
//! thresholded rule is swept, a rule without a threshold
//! ([`PointRule`]) is one point. Without `--only`, each rule without a
//! threshold that is on is measured alone as a point too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::replay::{self, Label, RecordedConversation};
pub use crate::rules::{AnyRule, Direction, PointRule, Rule, parse_only};
pub use crate::score::{Counts, Interval, Point, Score};
use handoff_logic::triggers::{TriggerConfig, TriggerEngine};
use handoff_model::error::{Error, Result};
use handoff_model::progress::Progress;

/// At most this many thresholds per rule are shown (the data's distinct
/// values, thinned evenly by rank); every one is evaluated.
pub const MAX_THRESHOLDS: usize = 120;

/// One conversation as the sweep sees it.
#[derive(Debug, Clone)]
struct Trace {
    label: Label,
    /// First turn at which another rule fires.
    other: Option<u32>,
    /// The swept rule's statistic per turn (1-based turn, value).
    statistics: Vec<(u32, f64)>,
}

impl Trace {
    fn escalation(&self, direction: Direction, threshold: Option<f64>) -> Option<u32> {
        let own = threshold.and_then(|t| {
            self.statistics
                .iter()
                .find(|(_, s)| direction.fires(*s, t))
                .map(|(turn, _)| *turn)
        });
        match (own, self.other) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

fn traces(
    rule: Rule,
    config: &TriggerConfig,
    labelled: &[&RecordedConversation],
    progress: &dyn Progress,
) -> Vec<Trace> {
    let mut walk_config = rule.with(config, None);
    walk_config.score_sentiment = true;
    let engine = TriggerEngine::new(walk_config);
    labelled
        .iter()
        .map(|c| {
            let mut trace = Trace {
                label: c.label.expect("only labelled conversations"),
                other: None,
                statistics: Vec::new(),
            };
            replay::walk(&engine, c, |turn, observation, decision| {
                if decision.escalate() && trace.other.is_none() {
                    trace.other = Some(turn);
                }
                if let Some(s) = rule.statistic(config, observation, &decision.signals) {
                    trace.statistics.push((turn, s));
                }
                // Past the first other escalation nothing can change.
                trace.other.is_none()
            });
            progress.advance(1);
            trace
        })
        .collect()
}

/// Every threshold worth trying: between neighbouring observed values (so
/// each one separates the data differently), plus one beyond each end (the
/// rule never fires / fires on every turn), kept within the values the
/// scenario accepts for the key ([`Rule::valid`]).
fn cuts(rule: Rule, values: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = if rule.integer() {
        let max = values.last().copied().unwrap_or(0.0).max(1.0) as u32;
        let lowest = if rule == Rule::CircularRepeats { 2 } else { 1 };
        (lowest..=max + 1).map(f64::from).collect()
    } else {
        let mut cuts = Vec::with_capacity(values.len() + 1);
        if let (Some(first), Some(last)) = (values.first(), values.last()) {
            // Below and above everything observed.
            cuts.push(match rule.direction() {
                Direction::Below => *first,
                Direction::AtOrBelow => first - 1e-6,
                Direction::AtOrAbove => last + 1e-6,
            });
            cuts.extend(values.windows(2).map(|w| 0.5 * (w[0] + w[1])));
            cuts.push(match rule.direction() {
                Direction::Below => last + 1e-6,
                Direction::AtOrBelow => *last,
                Direction::AtOrAbove => *first,
            });
        }
        let (lo, hi) = rule.valid();
        cuts.into_iter()
            .map(|c| c.clamp(lo, hi))
            .filter(|c| rule != Rule::SentimentDrop || *c > 0.0)
            .collect()
    };
    out.sort_by(f64::total_cmp);
    out.dedup();
    out
}

/// The statistic's distinct values over every trace, ascending.
fn observed(traces: &[Trace]) -> Vec<f64> {
    let values: BTreeSet<u64> = traces
        .iter()
        .flat_map(|t| t.statistics.iter().map(|(_, s)| s.to_bits()))
        .collect();
    let mut values: Vec<f64> = values.into_iter().map(f64::from_bits).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    values
}

/// At most `n` values, evenly spread by rank, keeping both ends.
fn thin(values: Vec<f64>, n: usize) -> Vec<f64> {
    if values.len() <= n {
        return values;
    }
    let last = values.len() - 1;
    (0..n).map(|k| values[k * last / (n - 1)]).collect()
}

/// The target an operating point is chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "metric", content = "value")]
pub enum Target {
    Precision(f64),
    Recall(f64),
}

impl Target {
    /// Checks the target is in (0, 1].
    pub fn new_checked(self) -> Result<Target> {
        let (name, v) = match self {
            Target::Precision(v) => ("target-precision", v),
            Target::Recall(v) => ("target-recall", v),
        };
        if !(v > 0.0 && v <= 1.0) {
            return Err(Error::InvalidArgument {
                name,
                message: format!("must be in (0, 1], got {v}"),
            });
        }
        Ok(self)
    }

    pub fn describe(self) -> String {
        match self {
            Target::Precision(v) => format!("precision ≥ {v}"),
            Target::Recall(v) => format!("recall ≥ {v}"),
        }
    }
}

/// The thresholds that decide every labelled conversation as one chosen
/// threshold does: from `low` to `high`, each end included or not as the
/// rule's [`Direction`] makes it (`< t` changes where t passes an observed
/// value; `≤ t` just after it). For a count, the whole numbers `low` to
/// `high` among those the data reaches (one past the largest count seen;
/// every count above that ties with it too).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TiedRange {
    pub low: f64,
    pub high: f64,
    pub low_included: bool,
    pub high_included: bool,
}

impl TiedRange {
    /// The middle of the range, rounded to the fewest decimals that keep it
    /// inside (0.345 of (0.31, 0.38] reads 0.35): a threshold a person can
    /// type, and one that prints as itself.
    pub fn round_middle(&self) -> f64 {
        let middle = 0.5 * (self.low + self.high);
        (1..=10)
            .map(|d| {
                let scale = 10f64.powi(d);
                (middle * scale).round() / scale
            })
            .find(|&t| self.contains(t))
            .unwrap_or(middle)
    }

    pub fn contains(&self, t: f64) -> bool {
        (if self.low_included {
            t >= self.low
        } else {
            t > self.low
        }) && (if self.high_included {
            t <= self.high
        } else {
            t < self.high
        })
    }

    /// "(0.2636, 0.5808]" for a continuous rule, "3–5" for a count.
    pub fn describe(&self, rule: Rule) -> String {
        if rule.integer() {
            return if self.low == self.high {
                format!("{}", self.low)
            } else {
                format!("{}–{}", self.low, self.high)
            };
        }
        // Enough decimals to tell the two ends apart (4 at least).
        let decimals = (4..=10)
            .find(|&d| format!("{:.d$}", self.low) != format!("{:.d$}", self.high))
            .unwrap_or(10);
        format!(
            "{}{:.*}, {:.*}{}",
            if self.low_included { '[' } else { '(' },
            decimals,
            self.low,
            decimals,
            self.high,
            if self.high_included { ']' } else { ')' },
        )
    }
}

/// The recommended threshold for the target, if any meets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatingPoint {
    /// The scenario's setting when it lies in the tied range (a
    /// recommendation changes nothing it need not), else the range's
    /// middle: never a value that sits on one message's score.
    pub threshold: f64,
    /// Every threshold that gives the same figures.
    pub range: TiedRange,
    pub point: Point,
}

/// One rule's sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSweep {
    pub rule: Rule,
    pub direction: Direction,
    /// The scenario's setting.
    pub current: f64,
    /// Its figures on this data.
    pub at_current: Point,
    /// Thresholds counted (every one the data tells apart).
    pub counted: usize,
    /// Whether any two thresholds give different figures: `false` when the
    /// rule never decides an escalation on this data (it never fires, or
    /// another rule always fires first).
    pub decides: bool,
    /// The thresholds shown, with intervals; ordered by threshold.
    pub points: Vec<Point>,
    /// Meets the target at the point estimate.
    pub recommended: Option<OperatingPoint>,
    /// Meets it at the lower bound of the 95 % interval.
    pub conservative: Option<OperatingPoint>,
}

/// A rule without a threshold, measured alone on the labelled set: one
/// point, not a curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulePoint {
    pub rule: PointRule,
    /// Its setting in words ("on", "window 48 h", the topics).
    pub setting: String,
    pub score: Score,
}

/// The whole calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub transcripts: PathBuf,
    pub conversations: usize,
    pub labelled: usize,
    pub needed_human: usize,
    pub target: Target,
    /// `--only`: the one rule measured, every other rule switched off.
    /// `None`: each thresholded rule swept with the others as in the
    /// scenario.
    pub only: Option<AnyRule>,
    pub sweeps: Vec<RuleSweep>,
    /// The rules without a threshold that are on, each measured alone.
    pub points: Vec<RulePoint>,
}

/// The rules to sweep, checked against the scenario: an unknown name, or a
/// rule that is off, is an error that names it.
pub fn select_rules(
    names: &[String],
    config: &TriggerConfig,
    scenario: &Path,
) -> Result<Vec<Rule>> {
    if names.is_empty() {
        return Ok(Rule::ALL
            .into_iter()
            .filter(|r| r.setting(config).is_some())
            .collect());
    }
    let mut rules = Vec::new();
    for name in names {
        let rule = Rule::parse(name).ok_or_else(|| {
            let hint = if PointRule::parse(name).is_some() {
                format!("; `{name}` has no threshold to sweep: `--only {name}` measures it alone")
            } else {
                String::new()
            };
            Error::InvalidArgument {
                name: "rule",
                message: format!(
                    "unknown thresholded rule `{name}`; thresholded rules: {}{hint}",
                    rule_names()
                ),
            }
        })?;
        if rule.setting(config).is_none() {
            return Err(Error::InvalidArgument {
                name: "rule",
                message: format!(
                    "rule `{name}` is off in {}: set it in [triggers] to calibrate it (the sweep keeps the other rules as the scenario has them)",
                    scenario.display()
                ),
            });
        }
        crate::rules::check_topic_thresholds(rule, config, scenario)?;
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    Ok(rules)
}

fn rule_names() -> String {
    Rule::ALL
        .iter()
        .map(|r| r.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn labelled<'a>(
    conversations: &'a [RecordedConversation],
    transcripts: &Path,
) -> Result<Vec<&'a RecordedConversation>> {
    let labelled: Vec<&RecordedConversation> =
        conversations.iter().filter(|c| c.label.is_some()).collect();
    if labelled.is_empty() {
        return Err(Error::Input {
            file: transcripts.to_path_buf(),
            line: None,
            field: Some("label".into()),
            message: "no conversation has a label; calibration needs labelled conversations (`\"label\": {\"needs_human\": true, \"from_turn\": 2}`)".into(),
        });
    }
    Ok(labelled)
}

fn calibration(
    conversations: &[RecordedConversation],
    labelled: &[&RecordedConversation],
    transcripts: &Path,
    target: Target,
    only: Option<AnyRule>,
    sweeps: Vec<RuleSweep>,
    points: Vec<RulePoint>,
) -> Calibration {
    Calibration {
        transcripts: transcripts.to_path_buf(),
        conversations: conversations.len(),
        labelled: labelled.len(),
        needed_human: labelled
            .iter()
            .filter(|c| c.label.is_some_and(|l| l.needs_human))
            .count(),
        target,
        only,
        sweeps,
        points,
    }
}

/// Sweeps each rule over the labelled conversations with the other rules
/// as in the scenario, and measures each rule without a threshold that is
/// on, alone.
pub fn calibrate(
    conversations: &[RecordedConversation],
    transcripts: &Path,
    config: &TriggerConfig,
    rules: &[Rule],
    target: Target,
    progress: &dyn Progress,
) -> Result<Calibration> {
    let labelled = labelled(conversations, transcripts)?;
    if rules.is_empty() && !PointRule::ALL.iter().any(|r| r.is_on(config)) {
        return Err(Error::InvalidArgument {
            name: "rule",
            message: format!(
                "no trigger rule is on in the scenario; switch one on in [triggers] ({}, {})",
                rule_names(),
                crate::rules::point_names()
            ),
        });
    }
    let on: Vec<PointRule> = PointRule::ALL
        .into_iter()
        .filter(|r| r.is_on(config))
        .collect();
    progress.phase(
        &format!(
            "{} rules over {} labelled conversations",
            rules.len() + on.len(),
            labelled.len()
        ),
        Some(((rules.len() + on.len()) * labelled.len()) as u64),
    );
    use rayon::prelude::*;
    let sweeps = rules
        .par_iter()
        .map(|&rule| sweep(rule, config, &labelled, target, progress))
        .collect();
    let points = on
        .into_iter()
        .map(|r| measure(r, config, &labelled, progress))
        .collect();
    Ok(calibration(
        conversations,
        &labelled,
        transcripts,
        target,
        None,
        sweeps,
        points,
    ))
}

/// `--only`: the one rule with every other rule switched off; a sweep for
/// a thresholded rule, a point for one without a threshold. `only` as
/// [`parse_only`] checked it against the scenario.
pub fn calibrate_only(
    conversations: &[RecordedConversation],
    transcripts: &Path,
    config: &TriggerConfig,
    only: AnyRule,
    target: Target,
    progress: &dyn Progress,
) -> Result<Calibration> {
    let labelled = labelled(conversations, transcripts)?;
    let alone = only.alone(config);
    progress.phase(
        &format!(
            "{} over {} labelled conversations",
            only.name(),
            labelled.len()
        ),
        Some(labelled.len() as u64),
    );
    let (sweeps, points) = match only {
        AnyRule::Swept(rule) => (
            vec![sweep(rule, &alone, &labelled, target, progress)],
            Vec::new(),
        ),
        AnyRule::Point(rule) => (Vec::new(), vec![measure(rule, &alone, &labelled, progress)]),
    };
    Ok(calibration(
        conversations,
        &labelled,
        transcripts,
        target,
        Some(only),
        sweeps,
        points,
    ))
}

/// A rule without a threshold, alone: a replay with every other rule off.
fn measure(
    rule: PointRule,
    config: &TriggerConfig,
    labelled: &[&RecordedConversation],
    progress: &dyn Progress,
) -> RulePoint {
    let engine = TriggerEngine::new(AnyRule::Point(rule).alone(config));
    let score = Score::of(labelled.iter().filter_map(|c| {
        progress.advance(1);
        replay::replay_conversation(&engine, c).truth
    }));
    RulePoint {
        rule,
        setting: rule.describe_setting(config),
        score,
    }
}

fn sweep(
    rule: Rule,
    config: &TriggerConfig,
    labelled: &[&RecordedConversation],
    target: Target,
    progress: &dyn Progress,
) -> RuleSweep {
    let current = rule.setting(config).expect("only rules that are on");
    let traces = traces(rule, config, labelled, progress);
    let direction = rule.direction();
    let evaluate = |threshold: f64| {
        // Counts thresholds are whole numbers: `with` rounds them up.
        let effective = if rule.integer() {
            threshold.ceil()
        } else {
            threshold
        };
        let score =
            Score::of(traces.iter().map(|trace| {
                replay::judge(trace.label, trace.escalation(direction, Some(effective)))
            }));
        Point { threshold, score }
    };
    // Every cut is evaluated (cheap) and both operating points are chosen
    // among all of them.
    let observed = observed(&traces);
    let mut thresholds = cuts(rule, &observed);
    thresholds.push(current);
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    let all: Vec<Point> = thresholds.into_iter().map(evaluate).collect();
    let decides = all.windows(2).any(|w| w[0].score != w[1].score);
    let pick = |read: fn(&Interval) -> f64| {
        let i = choose(&all, target, current, read)?;
        let range = tied_range(rule, &observed, &all, i);
        let threshold = if range.contains(current) {
            current
        } else if rule.integer() {
            (0.5 * (range.low + range.high)).floor()
        } else {
            range.round_middle()
        };
        Some(OperatingPoint {
            threshold,
            range,
            point: Point {
                threshold,
                score: all[i].score.clone(),
            },
        })
    };
    let recommended = pick(|i| i.value);
    let conservative = pick(|i| i.low);
    // The points shown (JSON, charts): thinned evenly by rank, plus the
    // setting and both operating points.
    let mut shown: Vec<f64> = thin(all.iter().map(|p| p.threshold).collect(), MAX_THRESHOLDS);
    shown.push(current);
    let counted = all.len();
    let mut points: Vec<Point> = all
        .into_iter()
        .filter(|p| shown.contains(&p.threshold))
        .chain(
            recommended
                .iter()
                .chain(&conservative)
                .map(|o| o.point.clone()),
        )
        .collect();
    points.sort_by(|a, b| a.threshold.total_cmp(&b.threshold));
    points.dedup_by(|a, b| a.threshold == b.threshold);
    let at_current = points
        .iter()
        .find(|p| p.threshold == current)
        .cloned()
        .expect("the current setting is among the points");
    RuleSweep {
        rule,
        direction,
        current,
        at_current,
        counted,
        decides,
        points,
        recommended,
        conservative,
    }
}

/// The thresholds tied with `all[chosen]`: its neighbours among the
/// evaluated cuts with the same figures, widened to the observed values
/// (or the key's limits) that bound them.
fn tied_range(rule: Rule, observed: &[f64], all: &[Point], chosen: usize) -> TiedRange {
    let same = |k: usize| all[k].score == all[chosen].score;
    let mut first = chosen;
    while first > 0 && same(first - 1) {
        first -= 1;
    }
    let mut last = chosen;
    while last + 1 < all.len() && same(last + 1) {
        last += 1;
    }
    let (lo, hi) = rule.valid();
    if rule.integer() {
        return TiedRange {
            low: all[first].threshold.ceil(),
            high: all[last].threshold.ceil(),
            low_included: true,
            high_included: true,
        };
    }
    // The observed values strictly below / at-or-below a threshold decide
    // it: `< t` and `≥ t` fire on the values below t, `≤ t` on those at or
    // below it.
    let at_or_below = rule.direction() == Direction::AtOrBelow;
    let rank = |t: f64| {
        observed
            .iter()
            .take_while(|&&v| if at_or_below { v <= t } else { v < t })
            .count()
    };
    let (k_low, k_high) = (rank(all[first].threshold), rank(all[last].threshold));
    // An observed value bounds the range on its own side even where it
    // sits on the key's limit (a confidence of exactly 0 makes `< 0` and
    // `< 0.1` differ); only past every observed value does the key's limit
    // close it.
    let (low, low_included) = match k_low.checked_sub(1).map(|k| observed[k]) {
        Some(v) => (v, at_or_below),
        None => (lo, true),
    };
    let (high, high_included) = match observed.get(k_high) {
        Some(&v) => (v, !at_or_below),
        None => (hi, true),
    };
    TiedRange {
        low,
        high,
        low_included,
        high_included,
    }
}

/// The operating point for `target`, reading each interval through `read`
/// (its value: recommended; its lower bound: conservative): the index of
/// the point that reaches the target with the best other metric, then the
/// best target metric, then the one nearest the scenario's setting
/// (`current`).
fn choose(
    points: &[Point],
    target: Target,
    current: f64,
    read: impl Fn(&Interval) -> f64,
) -> Option<usize> {
    type Read = fn(&Score) -> Option<Interval>;
    let (goal, other): (Read, Read) = match target {
        Target::Precision(_) => (|s| s.precision, |s| s.recall),
        Target::Recall(_) => (|s| s.recall, |s| s.precision),
    };
    let level = match target {
        Target::Precision(v) | Target::Recall(v) => v,
    };
    points
        .iter()
        .enumerate()
        .filter(|(_, p)| goal(&p.score).is_some_and(|i| read(&i) >= level - 1e-12))
        .max_by(|(_, a), (_, b)| {
            let key = |p: &Point| {
                (
                    other(&p.score).map_or(-1.0, |i| i.value),
                    goal(&p.score).map_or(-1.0, |i| i.value),
                    -(p.threshold - current).abs(),
                )
            };
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0)
                .then(ka.1.total_cmp(&kb.1))
                .then(ka.2.total_cmp(&kb.2))
        })
        .map(|(i, _)| i)
}

/// What a threshold means, for tables: "< 0.42", "≥ 3".
pub fn describe_threshold(rule: Rule, threshold: f64) -> String {
    let value = if rule.integer() {
        format!("{}", threshold.ceil())
    } else {
        // Four decimals, more when the threshold has them (a recommended
        // value inside a narrow tied range), so it prints as itself.
        let decimals = (4..=10)
            .find(|&d| {
                let scale = 10f64.powi(d as i32);
                ((threshold * scale).round() / scale - threshold).abs() < 1e-12
            })
            .unwrap_or(10);
        format!("{threshold:.decimals$}")
    };
    match rule.direction() {
        Direction::Below => format!("< {value}"),
        Direction::AtOrBelow => format!("≤ {value}"),
        Direction::AtOrAbove => format!("≥ {value}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_logic::triggers::TopicAction;

    fn point(threshold: f64, needed: u64) -> Point {
        Point {
            threshold,
            score: Counts {
                needed,
                ..Counts::default()
            }
            .score(),
        }
    }

    #[test]
    fn a_tied_range_is_bounded_by_observed_values_even_on_the_keys_limit() {
        // Confidences 0.0 and 0.5 observed; cuts below, between and above.
        let observed = [0.0, 0.5];
        let all = [point(0.0, 0), point(0.25, 1), point(0.5 + 1e-6, 2)];
        let r = tied_range(Rule::ConfidenceThreshold, &observed, &all, 1);
        // `< t` for t in (0, 0.5] fires on the 0.0 only: t = 0 fires on
        // nothing, so 0 is not in the range.
        assert_eq!(
            (r.low, r.low_included, r.high, r.high_included),
            (0.0, false, 0.5, true)
        );
        assert!(!r.contains(0.0) && r.contains(0.5));
        assert_eq!(r.describe(Rule::ConfidenceThreshold), "(0.0000, 0.5000]");
        // `≤ t` (sentiment) with 1.0 observed: t = 1 fires on it, so the
        // range below it stops short of 1.
        let observed = [0.2, 1.0];
        let all = [point(0.1, 0), point(0.6, 1), point(1.0, 2)];
        let r = tied_range(Rule::SentimentThreshold, &observed, &all, 1);
        assert_eq!(
            (r.low, r.low_included, r.high, r.high_included),
            (0.2, true, 1.0, false)
        );
        assert!(!r.contains(1.0));
        // Past every observed value the key's limit closes it.
        let r = tied_range(Rule::SentimentThreshold, &observed, &all, 2);
        assert_eq!(
            (r.low, r.low_included, r.high, r.high_included),
            (1.0, true, 1.0, true)
        );
    }

    #[test]
    fn the_recommended_value_is_a_short_number_inside_the_range() {
        let range = TiedRange {
            low: 0.31,
            high: 0.38,
            low_included: false,
            high_included: true,
        };
        assert_eq!(range.round_middle(), 0.35);
        let narrow = TiedRange {
            low: 0.393_681,
            high: 0.393_689,
            low_included: false,
            high_included: true,
        };
        let t = narrow.round_middle();
        assert!(narrow.contains(t));
        assert_eq!(
            describe_threshold(Rule::ConfidenceThreshold, t),
            "< 0.393685"
        );
        assert_eq!(
            describe_threshold(Rule::ConfidenceThreshold, 0.4),
            "< 0.4000"
        );
    }

    #[test]
    fn thinning_keeps_the_ends() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let t = thin(v, 11);
        assert_eq!(t.len(), 11);
        assert_eq!((t[0], t[10]), (0.0, 999.0));
    }

    #[test]
    fn counts_give_the_replay_definitions() {
        let c = Counts {
            needed: 6,
            premature: 1,
            needless: 3,
            missed: 2,
            correct_stay: 8,
        };
        assert_eq!(c.precision(), Some(0.6));
        assert_eq!(c.recall(), Some(6.0 / 9.0));
        assert_eq!(c.needless_rate(), Some(3.0 / 11.0));
        let f1 = c.f1().unwrap();
        assert!((f1 - 2.0 * 0.6 * (6.0 / 9.0) / (0.6 + 6.0 / 9.0)).abs() < 1e-12);
    }

    #[test]
    fn intervals_hold_the_estimate_and_narrow_with_n() {
        let small = Counts {
            needed: 8,
            needless: 2,
            missed: 2,
            correct_stay: 8,
            ..Counts::default()
        };
        let large = Counts::from_array(small.as_array().map(|x| x * 25));
        let width = |c: Counts| {
            let p = c.score();
            let i = p.precision.unwrap();
            assert!(i.low <= i.value && i.value <= i.high);
            i.high - i.low
        };
        let (ws, wl) = (width(small), width(large));
        // √25 = 5 times narrower, roughly.
        assert!(ws > 3.0 * wl, "{ws} vs {wl}");
        // Binomial se at p = 0.8, n = 10: 0.126; the 95 % width ≈ 0.5.
        assert!((0.3..0.7).contains(&ws), "{ws}");
    }

    /// Coverage of the printed 95 % intervals: conversations drawn from
    /// known verdict shares (true precision and recall 0.75, and 0.9), many
    /// labelled sets per size; how often does each interval hold the truth?
    fn coverage(n: u64, shares: [f64; 5], sets: u64) -> (f64, f64) {
        use rand::RngExt;
        let truth = Counts::from_array(shares.map(|s| (s * 1e6) as u64));
        let (p_true, r_true) = (truth.precision().unwrap(), truth.recall().unwrap());
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(99);
        let (mut p_in, mut r_in, mut p_n, mut r_n) = (0, 0, 0, 0);
        for _ in 0..sets {
            let mut cells = [0u64; 5];
            for _ in 0..n {
                let u: f64 = rng.random();
                let mut acc = 0.0;
                let k = shares
                    .iter()
                    .position(|s| {
                        acc += s;
                        u < acc
                    })
                    .unwrap_or(4);
                cells[k] += 1;
            }
            let point = Counts::from_array(cells).score();
            if let Some(i) = point.precision {
                p_n += 1;
                p_in += u64::from(i.low <= p_true && p_true <= i.high);
            }
            if let Some(i) = point.recall {
                r_n += 1;
                r_in += u64::from(i.low <= r_true && r_true <= i.high);
            }
        }
        (p_in as f64 / p_n as f64, r_in as f64 / r_n as f64)
    }

    #[test]
    fn intervals_cover_on_small_labelled_sets() {
        // needed, premature, needless, missed, correct stay.
        let shares = [0.3, 0.0, 0.1, 0.1, 0.5];
        // Wilson: 95–97 % measured over 2 000 sets (`interval_coverage`).
        for n in [15, 40, 200] {
            let (p, r) = coverage(n, shares, 300);
            assert!(p >= 0.92 && r >= 0.92, "n={n}: precision {p}, recall {r}");
        }
    }

    /// `cargo test --release --lib -- --ignored --nocapture interval_coverage`
    #[test]
    #[ignore]
    fn interval_coverage() {
        for shares in [[0.3, 0.0, 0.1, 0.1, 0.5], [0.36, 0.0, 0.04, 0.04, 0.56]] {
            for n in [15, 40, 100, 400, 2000] {
                let (p, r) = coverage(n, shares, 2000);
                eprintln!("shares {shares:?} n={n}: precision {p:.3}, recall {r:.3}");
            }
        }
    }

    #[test]
    fn topic_thresholds_must_agree_to_be_swept_together() {
        use handoff_logic::triggers::TopicRule;
        let topic = |intent: &str, c: f64| TopicRule {
            intent: intent.into(),
            action: TopicAction::ConfidenceBelow(c),
        };
        let mut config = TriggerConfig {
            topics: vec![topic("billing", 0.7), topic("dispute", 0.5)],
            ..TriggerConfig::default()
        };
        let names = vec!["topic_confidence".to_string()];
        let err = select_rules(&names, &config, Path::new("s.toml")).unwrap_err();
        assert!(err.to_string().contains("different values"), "{err}");
        config.topics[1] = topic("dispute", 0.7);
        assert_eq!(
            select_rules(&names, &config, Path::new("s.toml")).unwrap(),
            [Rule::TopicConfidence]
        );
    }

    #[test]
    fn targets_outside_the_unit_interval_are_refused() {
        for v in [0.0, -0.1, 1.01, f64::NAN] {
            assert!(Target::Precision(v).new_checked().is_err());
            assert!(Target::Recall(v).new_checked().is_err());
        }
        assert!(Target::Recall(1.0).new_checked().is_ok());
    }
}

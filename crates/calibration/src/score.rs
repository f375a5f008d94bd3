//! How a labelled set scores an engine: each conversation's verdict
//! ([`Truth`], from its label and the turn the engine escalated at), the
//! five verdicts' [`Counts`], and one operating [`Point`] with 95 % Wilson
//! intervals on precision and recall. One definition for `replay` and
//! `calibrate` (and the simulation's `metrics::quality`): precision =
//! needed / (needed + premature + needless), recall = needed / (needed +
//! premature + missed).

use serde::Serialize;

/// A labelled conversation's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Truth {
    /// Escalated at or after `from_turn`; delay in turns from `from_turn`.
    Needed {
        delay_turns: u32,
    },
    /// Escalated before `from_turn`: a human was needed, but not yet.
    Premature {
        early_turns: u32,
    },
    Needless,
    Missed,
    CorrectStay,
}

/// The five verdicts' counts at one threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub needed: u64,
    pub premature: u64,
    pub needless: u64,
    pub missed: u64,
    pub correct_stay: u64,
}

impl Counts {
    fn add(&mut self, truth: Truth) {
        match truth {
            Truth::Needed { .. } => self.needed += 1,
            Truth::Premature { .. } => self.premature += 1,
            Truth::Needless => self.needless += 1,
            Truth::Missed => self.missed += 1,
            Truth::CorrectStay => self.correct_stay += 1,
        }
    }

    #[cfg(test)]
    pub(crate) fn as_array(self) -> [u64; 5] {
        [
            self.needed,
            self.premature,
            self.needless,
            self.missed,
            self.correct_stay,
        ]
    }

    /// Verdicts that count to `self` (no delay), for tests.
    #[cfg(test)]
    pub(crate) fn score(self) -> Score {
        let each = [
            (self.needed, Truth::Needed { delay_turns: 0 }),
            (self.premature, Truth::Premature { early_turns: 1 }),
            (self.needless, Truth::Needless),
            (self.missed, Truth::Missed),
            (self.correct_stay, Truth::CorrectStay),
        ];
        Score::of(
            each.into_iter()
                .flat_map(|(n, t)| std::iter::repeat_n(t, n as usize)),
        )
    }

    #[cfg(test)]
    pub(crate) fn from_array(a: [u64; 5]) -> Counts {
        Counts {
            needed: a[0],
            premature: a[1],
            needless: a[2],
            missed: a[3],
            correct_stay: a[4],
        }
    }

    pub fn escalations(&self) -> u64 {
        self.needed + self.premature + self.needless
    }

    pub fn needed_human(&self) -> u64 {
        self.needed + self.premature + self.missed
    }

    pub fn precision(&self) -> Option<f64> {
        ratio(self.needed, self.escalations())
    }

    pub fn recall(&self) -> Option<f64> {
        ratio(self.needed, self.needed_human())
    }

    /// needless / conversations that needed no human.
    pub fn needless_rate(&self) -> Option<f64> {
        ratio(self.needless, self.needless + self.correct_stay)
    }

    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        (p + r > 0.0).then(|| 2.0 * p * r / (p + r))
    }
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// An estimate with its 95 % Wilson interval and n (its denominator).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub n: u64,
}

/// How the engine did on the labelled set: the counts, precision and
/// recall with their 95 % Wilson intervals (each a proportion of its own
/// denominator, which is the n given), F1, the needless-escalation rate
/// and the detection delay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub counts: Counts,
    /// `None` when nothing escalated (precision) or nobody needed a human
    /// (recall).
    pub precision: Option<Interval>,
    pub recall: Option<Interval>,
    pub f1: Option<f64>,
    pub needless_rate: Option<f64>,
    /// Mean turns from the need to the escalation, over needed escalations.
    pub mean_delay_turns: Option<f64>,
}

impl Score {
    /// The score of a set of verdicts.
    pub fn of(truths: impl IntoIterator<Item = Truth>) -> Score {
        let mut counts = Counts::default();
        let (mut delay, mut delayed) = (0u64, 0u64);
        for truth in truths {
            if let Truth::Needed { delay_turns } = truth {
                delay += u64::from(delay_turns);
                delayed += 1;
            }
            counts.add(truth);
        }
        let interval = |part: u64, whole: u64| {
            (whole > 0).then(|| {
                let (low, high) = wilson(part, whole);
                Interval {
                    value: part as f64 / whole as f64,
                    low,
                    high,
                    n: whole,
                }
            })
        };
        let c = counts;
        Score {
            precision: interval(c.needed, c.escalations()),
            recall: interval(c.needed, c.needed_human()),
            f1: c.f1(),
            needless_rate: c.needless_rate(),
            mean_delay_turns: (delayed > 0).then(|| delay as f64 / delayed as f64),
            counts,
        }
    }
}

/// One threshold's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub threshold: f64,
    #[serde(flatten)]
    pub score: Score,
}

pub use handoff_model::stats::wilson;

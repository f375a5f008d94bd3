//! AI incidents (`[[ai_agent.incidents]]`, `[[ai_agent.incident_processes]]`):
//! windows of time in which the AI agent is out, slow or miscalibrated.
//!
//! - `outage`: the bot is unavailable. A conversation that arrives, or
//!   would send its next message to the bot, inside the window hears
//!   [`OUTAGE_MESSAGE`] and goes straight to the human queue (handoff
//!   reason `ai_outage`); its package carries what the bot had noted so far.
//!   A reply already on its way when the outage starts still arrives.
//! - `slow`: each response time × `slow_factor` (on voice the caller's
//!   dead air grows with it: `voice`).
//! - `miscalibrated`: each reported confidence + `confidence_shift`, kept
//!   in [0, 1].
//!
//! Windows are written (start and length, validated inside the horizon and
//! not overlapping) or drawn per replication from a Poisson process of
//! starts (`rate_per_day`) with a length distribution, on their own stream:
//! drawn windows may overlap any other; where they do, an outage wins, slow
//! factors multiply and shifts add. Pure: the run asks [`Incidents::at`].

use crate::rng::{Purpose, Streams};
use crate::scenario::Dist;
pub use crate::scenario::{Effect, Process, Window};

/// What the customer hears when the bot is out.
pub const OUTAGE_MESSAGE: &str = "Our virtual assistant is unavailable right now, so I'm connecting you with a member of our team.";

/// The state of the AI agent at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    pub outage: bool,
    pub slow_factor: f64,
    pub confidence_shift: f64,
}

impl State {
    pub const NORMAL: State = State {
        outage: false,
        slow_factor: 1.0,
        confidence_shift: 0.0,
    };

    /// A reported confidence under this state.
    pub fn confidence(&self, confidence: f64) -> f64 {
        (confidence + self.confidence_shift).clamp(0.0, 1.0)
    }
}

/// Every incident window of one run, by start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incidents {
    windows: Vec<Window>,
}

impl Incidents {
    /// The written windows and, for replication `streams`, the drawn ones,
    /// inside `[0, horizon)`.
    pub fn for_run(
        written: &[Window],
        processes: &[Process],
        streams: &Streams,
        horizon: f64,
    ) -> Incidents {
        let mut windows = written.to_vec();
        for (p, process) in processes.iter().enumerate() {
            let mean_gap = 86_400.0 / process.rate_per_day;
            let gap = Dist::exponential(mean_gap);
            let mut t = 0.0;
            for k in 0u64.. {
                let mut rng = streams.stream(Purpose::Incidents, p as u64, k);
                t += gap.sample_secs(&mut rng);
                if t >= horizon {
                    break;
                }
                let length = process.length.sample_secs(&mut rng).min(horizon - t);
                windows.push(Window {
                    start_s: t,
                    length_s: length,
                    effect: process.effect,
                    drawn: true,
                });
            }
        }
        windows.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        Incidents { windows }
    }

    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// Whether `t` falls inside any window.
    pub fn inside(&self, t: f64) -> bool {
        self.windows.iter().any(|w| w.contains(t))
    }

    /// The AI agent's state at `t`.
    pub fn at(&self, t: f64) -> State {
        let mut state = State::NORMAL;
        for w in self.windows.iter().filter(|w| w.contains(t)) {
            match w.effect {
                Effect::Outage => state.outage = true,
                Effect::Slow { slow_factor } => state.slow_factor *= slow_factor,
                Effect::Miscalibrated { confidence_shift } => {
                    state.confidence_shift += confidence_shift
                }
            }
        }
        state
    }

    /// Seconds of `[from, to)` inside a window (overlaps counted once).
    pub fn seconds_inside(&self, from: f64, to: f64) -> f64 {
        let mut covered = 0.0;
        let mut reach = from;
        for w in &self.windows {
            let (start, end) = (w.start_s.max(reach), w.end_s().min(to));
            if end > start {
                covered += end - start;
                reach = end;
            }
        }
        covered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: f64, length: f64, effect: Effect) -> Window {
        Window {
            start_s: start,
            length_s: length,
            effect,
            drawn: false,
        }
    }

    #[test]
    fn the_state_combines_the_windows_in_force() {
        let incidents = Incidents::for_run(
            &[
                window(100.0, 50.0, Effect::Outage),
                window(120.0, 100.0, Effect::Slow { slow_factor: 3.0 }),
                window(130.0, 10.0, Effect::Slow { slow_factor: 2.0 }),
                window(
                    300.0,
                    10.0,
                    Effect::Miscalibrated {
                        confidence_shift: -0.3,
                    },
                ),
            ],
            &[],
            &Streams::new(1, 0),
            1000.0,
        );
        assert_eq!(incidents.at(99.0), State::NORMAL);
        assert!(incidents.at(100.0).outage);
        let s = incidents.at(135.0);
        assert!(s.outage && s.slow_factor == 6.0);
        assert!(!incidents.at(150.0).outage);
        assert_eq!(incidents.at(305.0).confidence(0.2), 0.0);
        assert_eq!(incidents.at(305.0).confidence(0.8), 0.5);
        assert!(!incidents.inside(310.0));
        // 100–220 and 300–310, overlaps once.
        assert_eq!(incidents.seconds_inside(0.0, 1000.0), 130.0);
        assert_eq!(incidents.seconds_inside(200.0, 305.0), 25.0);
    }

    #[test]
    fn drawn_incidents_follow_their_rate_and_length_and_differ_by_replication() {
        let process = Process {
            rate_per_day: 2.0,
            length: Dist::exponential(3600.0),
            effect: Effect::Outage,
        };
        let days = 2000.0;
        let horizon = days * 86_400.0;
        let run = |replication| {
            Incidents::for_run(
                &[],
                std::slice::from_ref(&process),
                &Streams::new(3, replication),
                horizon,
            )
        };
        let a = run(0);
        let n = a.windows().len() as f64;
        // Poisson: 4000 ± 4 × 63.
        assert!((n - 2.0 * days).abs() < 4.0 * (2.0 * days).sqrt(), "{n}");
        let mean = a.windows().iter().map(|w| w.length_s).sum::<f64>() / n;
        assert!((mean - 3600.0).abs() < 4.0 * 3600.0 / n.sqrt(), "{mean}");
        assert!(a.windows().iter().all(|w| w.drawn && w.end_s() <= horizon));
        assert_eq!(a, run(0));
        assert_ne!(a, run(1));
    }
}

//! The clock seam: the only place the model reads time or turns a model
//! duration into a timer.
//!
//! Time comes from tokio. On a runtime built with `start_paused(true)` tokio's
//! clock is virtual: it stands still while any task can run and jumps to the
//! next timer when every actor is idle, so a day is simulated as fast as the
//! events can be processed. On a normal runtime the same code runs on the
//! wall clock, optionally accelerated by `speed`. The model never knows which.

use std::time::Duration;

use tokio::time::Instant;

/// Simulated time since the start of the run, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
    /// Simulated seconds per real second (1 for virtual time).
    speed: f64,
}

impl Clock {
    /// Starts the clock now, at simulated time 0.
    pub fn start(speed: f64) -> Clock {
        Clock {
            origin: Instant::now(),
            speed,
        }
    }

    /// Simulated seconds since the start.
    pub fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64() * self.speed
    }

    /// The runtime duration of a model delay of `seconds`.
    pub fn delay(&self, seconds: f64) -> Duration {
        Duration::from_secs_f64((seconds / self.speed).max(0.0))
    }

    /// The runtime instant of simulated time `t`.
    pub fn instant_at(&self, t: f64) -> Instant {
        self.origin + self.delay(t)
    }

    /// The runtime duration from now until simulated time `t` (zero if past).
    pub fn until(&self, t: f64) -> Duration {
        self.instant_at(t).saturating_duration_since(Instant::now())
    }
}

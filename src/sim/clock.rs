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

/// Longest timer the model sets (about a century), in seconds.
const MAX_DELAY_SECONDS: f64 = 3.2e9;

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

    /// The runtime duration of a model delay of `seconds`. Delays beyond a
    /// century (a heavy-tailed draw) are capped: they outlast any run.
    pub fn delay(&self, seconds: f64) -> Duration {
        let seconds = seconds / self.speed;
        if seconds.is_nan() {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(seconds.clamp(0.0, MAX_DELAY_SECONDS))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn delays_are_scaled_and_capped() {
        let clock = Clock::start(60.0);
        assert_eq!(clock.delay(120.0), Duration::from_secs(2));
        assert_eq!(clock.delay(-5.0), Duration::ZERO);
        // A NaN (never produced by a validated distribution) must not panic.
        assert_eq!(clock.delay(f64::NAN), Duration::ZERO);
        assert_eq!(
            clock.delay(f64::INFINITY),
            Duration::from_secs_f64(MAX_DELAY_SECONDS)
        );
        tokio::time::advance(Duration::from_secs(3)).await;
        assert!((clock.now() - 180.0).abs() < 1e-6);
    }
}

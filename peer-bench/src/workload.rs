//! The shared workload and what each engine reports.

/// Arrivals per second.
pub const ARRIVAL_RATE: f64 = 1.0;
/// Mean handle time, seconds.
pub const MEAN_HANDLE: f64 = 240.0;
/// Mean patience, seconds.
pub const MEAN_PATIENCE: f64 = 120.0;
/// Agents.
pub const AGENTS: u32 = 260;
/// Simulated horizon: 10 days, in seconds.
pub const HORIZON_SECS: u64 = 864_000;

/// One run: counts and the wall time of the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub calls: u64,
    pub waited: u64,
    pub abandoned: u64,
    pub seconds: f64,
}

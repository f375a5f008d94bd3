//! What a long computation tells its caller as it goes, so a terminal can
//! show it: the phase it is in (with the amount of work, when known) and
//! each unit done. The library never draws anything: the binary implements
//! [`Progress`] over a progress bar, and a library caller that does not
//! care passes [`Silent`].

/// Progress reports from a long computation. Both methods may be called
/// from worker threads.
pub trait Progress: Sync {
    /// A new phase begins: `name` in words, `total` units of work when
    /// known (`None`: a count without an end).
    fn phase(&self, name: &str, total: Option<u64>) {
        let _ = (name, total);
    }

    /// `n` more units of the phase are done.
    fn advance(&self, n: u64) {
        let _ = n;
    }
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A recorder: the calls a computation made, in order.
    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);

    impl Progress for Log {
        fn phase(&self, name: &str, total: Option<u64>) {
            self.0.lock().unwrap().push(format!("{name}/{total:?}"));
        }
        fn advance(&self, n: u64) {
            self.0.lock().unwrap().push(format!("+{n}"));
        }
    }

    #[test]
    fn silent_does_nothing_and_a_recorder_sees_every_call() {
        Silent.phase("x", Some(3));
        Silent.advance(1);
        let log = Log::default();
        let p: &dyn Progress = &log;
        p.phase("measuring", Some(2));
        p.advance(1);
        p.advance(1);
        assert_eq!(*log.0.lock().unwrap(), ["measuring/Some(2)", "+1", "+1"]);
    }
}

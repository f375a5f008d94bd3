//! Callbacks (`[callbacks]`): a voice caller who would wait long is offered
//! a call back instead of holding.
//!
//! A caller who must queue is offered a callback when the quoted wait is
//! over `offer_over_quote` or the callers ahead of it in its queue (all
//! those waiting there) are more than `offer_over_queue`. They accept with `accept_probability` (37 % in
//! Hathaway, Emadi & Deshpande's US bank) and leave the line: they no
//! longer abandon. The callback waits in a lane of its own, served by the
//! same agents before or after the callers waiting (`served`). An agent
//! who calls reaches the customer unless the call goes unanswered
//! (`unanswered_probability`, 7 % in the same study); an unanswered attempt
//! holds the agent for `ring_time` and is retried after `retry_after`, up
//! to `max_attempts` in all; after the last the callback is never reached
//! (outcome `callback_missed`).
//!
//! Measured (`metrics`): callbacks offered, accepted, reached, never
//! reached, unanswered attempts, and the time to callback (acceptance to
//! reaching the customer). The queue's service level leaves accepted
//! callbacks out of its base (they were answered by the callback, measured
//! apart); they stay in `offered`, so the abandonment rate counts them as
//! not abandoned.

use rand::RngExt;

use crate::customer::ConversationId;
use crate::rng::{Purpose, Streams};
pub use crate::scenario::{Callbacks, Served};

/// Draw indices in the conversation's callback stream: the acceptance, then
/// one per attempt from 1.
const ACCEPT: u64 = 0;

impl Callbacks {
    /// Whether a caller quoted `quote` seconds, with `waiting` callers ahead
    /// in its queue, is offered a callback.
    pub fn offered(&self, quote: f64, waiting: usize) -> bool {
        self.offer_over_quote.is_some_and(|q| quote > q)
            || self
                .offer_over_queue
                .is_some_and(|cap| waiting > cap as usize)
    }

    /// Whether `conversation`'s caller accepts the offer.
    pub fn accepts(&self, streams: &Streams, conversation: ConversationId) -> bool {
        streams
            .stream(Purpose::Callback, conversation, ACCEPT)
            .random::<f64>()
            < self.accept_probability
    }

    /// Whether attempt `attempt` (from 1) reaches the customer.
    pub fn answered(&self, streams: &Streams, conversation: ConversationId, attempt: u32) -> bool {
        streams
            .stream(Purpose::Callback, conversation, u64::from(attempt))
            .random::<f64>()
            >= self.unanswered_probability
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callbacks() -> Callbacks {
        Callbacks {
            offer_over_quote: Some(120.0),
            offer_over_queue: Some(10),
            accept_probability: 0.37,
            served: Served::AfterCallers,
            unanswered_probability: 0.07,
            ring_time: 30.0,
            retry_after: 600.0,
            max_attempts: 3,
        }
    }

    #[test]
    fn offered_past_either_bound() {
        let c = callbacks();
        assert!(!c.offered(120.0, 10));
        assert!(c.offered(121.0, 0));
        assert!(c.offered(0.0, 11));
        let quote_only = Callbacks {
            offer_over_queue: None,
            ..c
        };
        assert!(!quote_only.offered(60.0, 1000));
    }

    #[test]
    fn acceptance_and_answers_at_their_rates_on_their_own_draws() {
        let c = callbacks();
        let streams = Streams::new(4, 0);
        let n = 20_000u64;
        let accepted = (0..n).filter(|&id| c.accepts(&streams, id)).count() as f64 / n as f64;
        assert!(
            (accepted - 0.37).abs() < 4.0 * (0.37f64 * 0.63 / n as f64).sqrt(),
            "{accepted}"
        );
        let unanswered =
            (0..n).filter(|&id| !c.answered(&streams, id, 1)).count() as f64 / n as f64;
        assert!(
            (unanswered - 0.07).abs() < 4.0 * (0.07f64 * 0.93 / n as f64).sqrt(),
            "{unanswered}"
        );
        // Attempts are independent draws.
        let both = (0..n)
            .filter(|&id| !c.answered(&streams, id, 1) && !c.answered(&streams, id, 2))
            .count() as f64
            / n as f64;
        assert!((both - 0.0049).abs() < 0.003, "{both}");
    }
}

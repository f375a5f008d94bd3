//! Voice: what makes a voice handoff fail (`[voice]`), as formulas.
//!
//! Voice is real time, so silence is felt. Each voice bot turn takes the
//! bot's response time plus the speech stack's latency (speech-to-text →
//! LLM → text-to-speech, `speech_latency`). What the caller hears meanwhile
//! is `on_hold`: a hold message or music covers the wait; `silence` is dead
//! air, and:
//!
//! - **a turn's dead air** `d` (from the end of the caller's speech to the
//!   bot's first audio) adds `frustration_per_dead_second × max(0, d −
//!   repeat_after)` (callers start repeating themselves after 0.8–1.5 s);
//!   at `d ≥ line_dead_after` (8–10 s of unexplained silence) the caller
//!   thinks the line dropped and hangs up: abandoned in the bot;
//! - **silent hold in the queue** multiplies the caller's patience by
//!   `silent_hold_patience_factor` (they hang up within about 40 s on silent
//!   hold against about 1.5 min with music or messages: 40 / 90 ≈ 0.44,
//!   industry figures), and adds `silent_hold_frustration_per_minute` per
//!   minute waited (assumed).
//!
//! A voice transfer from the bot can fail on the call path
//! (`transfer_failure_probability`, default 0: no public rate exists): the
//! call drops before it reaches the queue (outcome `dropped`), and the
//! caller rings back after `redial_delay`, `redial_frustration` more
//! frustrated, as a repeat contact.
//!
//! **Live transcription** (`[voice.transcription]`) is what carries the
//! caller's words into the context package: it is available with
//! `available_probability`; a call is noisy or accented with `noisy_share`,
//! and its word error rate w is `word_error_rate` or
//! `noisy_word_error_rate`. Each field built from it (summary, sentiment
//! trajectory, transcript) is spoiled when an error hits one of its
//! `key_words_per_field` key words: P(spoiled) = 1 − (1 − w)^k. Without a
//! transcription only the bot's own notes pass on (`handoff::context`).
//!
//! Without a `[voice]` table none of this happens (voice is the model
//! without it); every default, with its source, is in `scenarios/README.md`.

use rand::RngExt;

use crate::customer::ConversationId;
use crate::rng::{Purpose, Streams};
pub use crate::scenario::{LiveTranscription, OnHold, Voice};
use handoff_logic::handoff::{Spoiled, Transcription};

/// What one voice bot turn's wait did to the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeadAir {
    /// Seconds of silence the caller heard (0 when a message or music played).
    pub seconds: f64,
    pub frustration: f64,
    /// The caller thought the line dropped and hung up.
    pub hung_up: bool,
}

/// Draw index for the redial delay in the conversation's voice stream
/// (turns use their own index, from 1).
const REDIAL: u64 = 0;
/// Draw index base for the transfer-failure draw.
const TRANSFER: u64 = u64::MAX;
/// Draw index for the transcription.
const TRANSCRIPT: u64 = u64::MAX - 1;

impl Voice {
    /// The speech stack's latency of turn `turn` of `conversation` (0
    /// without `speech_latency`): its own stream, so no other draw moves.
    pub fn speech_latency(
        &self,
        streams: &Streams,
        conversation: ConversationId,
        turn: u32,
    ) -> f64 {
        self.speech_latency.map_or(0.0, |d| {
            d.sample_secs(&mut streams.stream(Purpose::Voice, conversation, u64::from(turn)))
        })
    }

    /// A voice bot turn that took `waited` seconds, from the end of the
    /// caller's speech to the bot's first audio, for a caller at
    /// `frustration`.
    pub fn dead_air(&self, waited: f64, frustration: f64) -> DeadAir {
        let seconds = if self.on_hold == OnHold::Silence {
            waited.max(0.0)
        } else {
            0.0
        };
        DeadAir {
            seconds,
            frustration: (frustration
                + self.frustration_per_dead_second * (seconds - self.repeat_after).max(0.0))
            .min(1.0),
            hung_up: seconds >= self.line_dead_after,
        }
    }

    /// A voice caller's patience in the queue.
    pub fn queue_patience(&self, patience: f64) -> f64 {
        match self.on_hold {
            OnHold::Silence => patience * self.silent_hold_patience_factor,
            OnHold::Message | OnHold::Music => patience,
        }
    }

    /// The frustration a voice caller brings to the agent after `waited`
    /// seconds on hold.
    pub fn after_hold(&self, frustration: f64, waited: f64) -> f64 {
        match self.on_hold {
            OnHold::Silence => (frustration
                + self.silent_hold_frustration_per_minute * waited.max(0.0) / 60.0)
                .min(1.0),
            OnHold::Message | OnHold::Music => frustration,
        }
    }

    /// The live transcription of `conversation`'s call: whether there is
    /// one, and which fields built from it its errors spoiled.
    pub fn transcribe(&self, streams: &Streams, conversation: ConversationId) -> Transcription {
        let t = &self.transcription;
        let mut rng = streams.stream(Purpose::Voice, conversation, TRANSCRIPT);
        let available = rng.random::<f64>() < t.available_probability;
        let noisy = rng.random::<f64>() < t.noisy_share;
        let draws: [f64; 3] = [rng.random(), rng.random(), rng.random()];
        if !available {
            return Transcription::Missing;
        }
        let w = if noisy {
            t.noisy_word_error_rate
        } else {
            t.word_error_rate
        };
        let p = t.spoil_probability(w);
        Transcription::Live(Spoiled {
            summary: draws[0] < p,
            sentiment: draws[1] < p,
            transcript: draws[2] < p,
        })
    }

    /// Whether the bot's transfer of `conversation` drops on the call path.
    pub fn transfer_fails(&self, streams: &Streams, conversation: ConversationId) -> bool {
        self.transfer_failure_probability > 0.0
            && streams
                .stream(Purpose::Voice, conversation, TRANSFER)
                .random::<f64>()
                < self.transfer_failure_probability
    }

    /// When a dropped caller rings back, seconds after the drop, and the
    /// frustration they ring back with.
    pub fn redial(
        &self,
        streams: &Streams,
        conversation: ConversationId,
        frustration: f64,
    ) -> (f64, f64) {
        let delay = self.redial_delay.sample_secs(&mut streams.stream(
            Purpose::Voice,
            conversation,
            REDIAL,
        ));
        (delay, (frustration + self.redial_frustration).min(1.0))
    }
}

impl LiveTranscription {
    /// P(a field is spoiled) at word error rate `w`: 1 − (1 − w)^k.
    pub fn spoil_probability(&self, w: f64) -> f64 {
        1.0 - (1.0 - w).powi(self.key_words_per_field as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Dist;

    fn voice(on_hold: OnHold) -> Voice {
        Voice {
            speech_latency: Some(Dist::exponential(1.3)),
            on_hold,
            repeat_after: 1.0,
            frustration_per_dead_second: 0.02,
            line_dead_after: 9.0,
            silent_hold_patience_factor: 0.44,
            silent_hold_frustration_per_minute: 0.1,
            transfer_failure_probability: 0.25,
            redial_delay: Dist::exponential(120.0),
            redial_frustration: 0.2,
            transcription: LiveTranscription {
                available_probability: 0.95,
                word_error_rate: 0.12,
                noisy_share: 0.2,
                noisy_word_error_rate: 0.3,
                key_words_per_field: 2,
            },
        }
    }

    #[test]
    fn transcription_spoils_fields_at_the_formula_rate_and_is_missing_at_its_rate() {
        let v = voice(OnHold::Message);
        let t = v.transcription;
        assert!((t.spoil_probability(0.12) - (1.0 - 0.88f64.powi(2))).abs() < 1e-12);
        let streams = Streams::new(9, 0);
        let n = 40_000;
        let (mut missing, mut spoiled) = (0, 0);
        for id in 0..n {
            match v.transcribe(&streams, id) {
                Transcription::Missing => missing += 1,
                Transcription::Live(s) => spoiled += u32::from(s.summary),
                Transcription::Exact => unreachable!(),
            }
        }
        let live = n as f64 - f64::from(missing);
        let expected = 0.8 * t.spoil_probability(0.12) + 0.2 * t.spoil_probability(0.3);
        let p = f64::from(spoiled) / live;
        let se = (expected * (1.0 - expected) / live).sqrt();
        assert!((p - expected).abs() < 4.0 * se, "{p} vs {expected}");
        let m = f64::from(missing) / n as f64;
        assert!(
            (m - 0.05).abs() < 4.0 * (0.05f64 * 0.95 / n as f64).sqrt(),
            "{m}"
        );
    }

    #[test]
    fn dead_air_frustrates_past_the_repeat_point_and_hangs_up_at_the_line_dead_point() {
        let v = voice(OnHold::Silence);
        let short = v.dead_air(0.8, 0.1);
        assert_eq!(
            (short.seconds, short.frustration, short.hung_up),
            (0.8, 0.1, false)
        );
        let long = v.dead_air(4.0, 0.1);
        assert!((long.frustration - (0.1 + 0.02 * 3.0)).abs() < 1e-12);
        assert!(!long.hung_up);
        assert!(v.dead_air(9.0, 0.0).hung_up);
        // A message or music covers the wait.
        for hold in [OnHold::Message, OnHold::Music] {
            let covered = voice(hold).dead_air(20.0, 0.1);
            assert_eq!(
                (covered.seconds, covered.frustration, covered.hung_up),
                (0.0, 0.1, false)
            );
        }
    }

    #[test]
    fn silent_hold_shortens_patience_and_frustrates() {
        let silent = voice(OnHold::Silence);
        assert!((silent.queue_patience(90.0) - 39.6).abs() < 1e-9);
        assert!((silent.after_hold(0.2, 120.0) - 0.4).abs() < 1e-12);
        let music = voice(OnHold::Music);
        assert_eq!(music.queue_patience(90.0), 90.0);
        assert_eq!(music.after_hold(0.2, 120.0), 0.2);
    }

    #[test]
    fn transfers_fail_at_the_stated_rate_and_draw_on_their_own_stream() {
        let streams = Streams::new(5, 0);
        let v = voice(OnHold::Message);
        let n = 20_000;
        let failed = (0..n).filter(|&id| v.transfer_fails(&streams, id)).count();
        let p = failed as f64 / n as f64;
        // 0.25 ± 4 standard errors.
        assert!(
            (p - 0.25).abs() < 4.0 * (0.25f64 * 0.75 / n as f64).sqrt(),
            "{p}"
        );
        let off = Voice {
            transfer_failure_probability: 0.0,
            ..v.clone()
        };
        assert!((0..1000).all(|id| !off.transfer_fails(&streams, id)));
        // The redial draw does not depend on the failure probability.
        assert_eq!(v.redial(&streams, 7, 0.5), off.redial(&streams, 7, 0.5));
        assert_eq!(v.redial(&streams, 7, 0.9).1, 1.0);
    }
}

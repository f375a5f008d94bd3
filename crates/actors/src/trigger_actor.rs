//! The trigger-engine actor: a thin shell over [`TriggerEngine`]. It sees
//! only observable signals; the ground-truth `correct` flag passes through
//! untouched to the customer, who experiences it.
//!
//! Simulated customers speak from a phrasebook, so the same texts come back
//! again and again. The actor keeps the engine's reading of each text
//! ([`TriggerEngine::read_text`], a pure function of the text) and decides
//! with it ([`TriggerEngine::decide`]): the same decision as a full
//! evaluation, without re-reading the text.
//!
//! It also measures the engine's decision latency on the wall clock — a
//! measurement of the engine, never an input to the model. A cached reading
//! would time the cache, not the engine, so every [`TIMING_EVERY`]-th
//! decision is instead evaluated in full, as a production system would
//! evaluate a new message, and timed part by part; the histograms hold that
//! systematic sample.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;
use std::time::Instant;

use actix::prelude::*;
use hdrhistogram::Histogram;

use crate::messages::{AiReplied, DecisionLatency, SetConfidenceThreshold, TurnOutcome};
use handoff_logic::triggers::Decision;
use handoff_logic::triggers::text::Fnv;
use handoff_logic::triggers::{NoProbe, Observation, Part, Probe, TextReading, TriggerEngine};
use handoff_model::scenario::Scenario;

/// One decision in this many is evaluated in full and timed.
pub const TIMING_EVERY: u64 = 8;

pub struct TriggerActor {
    engine: TriggerEngine,
    scenario: Arc<Scenario>,
    /// The engine's reading of each text seen so far.
    readings: HashMap<&'static str, TextReading, BuildHasherDefault<Fnv>>,
    /// Decisions so far.
    decisions: u64,
    latency: Latency,
}

/// Wall-clock nanoseconds of the decisions timed: whole, and per part of
/// the evaluation ([`Part::ALL`] order).
struct Latency {
    whole: Histogram<u64>,
    parts: [Histogram<u64>; 4],
}

impl TriggerActor {
    pub fn new(engine: TriggerEngine, scenario: Arc<Scenario>) -> TriggerActor {
        let histogram = || Histogram::new(3).expect("valid histogram precision");
        TriggerActor {
            engine,
            scenario,
            readings: HashMap::default(),
            decisions: 0,
            latency: Latency {
                whole: histogram(),
                parts: std::array::from_fn(|_| histogram()),
            },
        }
    }
}

impl Latency {
    /// A full evaluation, timed part by part.
    fn timed(&mut self, engine: &TriggerEngine, observation: &Observation<'_>) -> Decision {
        let mut probe = WallProbe {
            last: Instant::now(),
            ns: [0; 4],
        };
        let decision = engine.evaluate_probed(observation, &mut probe);
        // The parts tile the evaluation: their sum is the whole.
        let elapsed = probe.ns.iter().sum::<u64>();
        self.whole
            .record(elapsed.max(1))
            .expect("auto-resizing histogram");
        for (histogram, ns) in self.parts.iter_mut().zip(probe.ns) {
            histogram
                .record(ns.max(1))
                .expect("auto-resizing histogram");
        }
        decision
    }
}

/// Times each part of one evaluation on the wall clock.
struct WallProbe {
    last: Instant,
    ns: [u64; 4],
}

impl Probe for WallProbe {
    fn mark(&mut self, part: Part) {
        let now = Instant::now();
        self.ns[part as usize] = (now - self.last).as_nanos().min(u128::from(u64::MAX)) as u64;
        self.last = now;
    }
}

impl Actor for TriggerActor {
    type Context = Context<Self>;
}

impl Handler<AiReplied> for TriggerActor {
    type Result = ();

    fn handle(&mut self, reply: AiReplied, _: &mut Context<Self>) {
        let observation = Observation {
            utterance: reply.utterance,
            ai_confidence: reply.confidence,
            recognised_intent: Some(self.scenario.intents[reply.recognised_intent].name.as_str()),
            failed_attempts: reply.failed_attempts,
            failed_in_a_row: reply.failed_in_a_row,
            history: &reply.history,
            previous_contact_age: reply.previous_contact_age,
        };
        let decision = if self.decisions.is_multiple_of(TIMING_EVERY) {
            self.latency.timed(&self.engine, &observation)
        } else {
            let engine = &self.engine;
            let reading = *self
                .readings
                .entry(reply.utterance)
                .or_insert_with(|| engine.read_text(reply.utterance, &mut NoProbe));
            engine.decide(&observation, &reading, &mut NoProbe)
        };
        self.decisions += 1;
        reply.customer.do_send(TurnOutcome {
            conversation: reply.conversation,
            turn: reply.turn,
            correct: reply.correct,
            confidence: reply.confidence,
            recognised_intent: reply.recognised_intent,
            decision,
        });
    }
}

impl Handler<DecisionLatency> for TriggerActor {
    type Result = MessageResult<DecisionLatency>;

    fn handle(&mut self, _: DecisionLatency, _: &mut Context<Self>) -> Self::Result {
        MessageResult((
            self.latency.whole.clone(),
            self.latency.parts.clone(),
            self.decisions,
        ))
    }
}

impl Handler<SetConfidenceThreshold> for TriggerActor {
    type Result = ();

    fn handle(
        &mut self,
        SetConfidenceThreshold(threshold): SetConfidenceThreshold,
        _: &mut Context<Self>,
    ) {
        self.engine.set_confidence_threshold(threshold);
    }
}

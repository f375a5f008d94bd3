//! The trigger-engine actor: a thin shell over [`TriggerEngine::evaluate`].
//! It sees only observable signals; the ground-truth `correct` flag passes
//! through untouched to the customer, who experiences it. It also times each
//! evaluation on the wall clock (the engine's own decision latency) — a
//! measurement of the engine, never an input to the model.

use std::sync::Arc;
use std::time::Instant;

use actix::prelude::*;
use hdrhistogram::Histogram;

use super::messages::{AiReplied, DecisionLatency, TurnOutcome};
use crate::scenario::Scenario;
use crate::triggers::{Observation, Part, Probe, TriggerEngine};

pub struct TriggerActor {
    pub engine: TriggerEngine,
    pub scenario: Arc<Scenario>,
    pub latency_ns: Histogram<u64>,
    /// Per part of the evaluation ([`Part::ALL`] order).
    pub part_latency_ns: [Histogram<u64>; 4],
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
        let started = Instant::now();
        let mut probe = WallProbe {
            last: started,
            ns: [0; 4],
        };
        let decision = self.engine.evaluate_probed(&observation, &mut probe);
        // The parts tile the evaluation: their sum is the whole.
        let elapsed = probe.ns.iter().sum::<u64>();
        self.latency_ns
            .record(elapsed.max(1))
            .expect("auto-resizing histogram");
        for (histogram, ns) in self.part_latency_ns.iter_mut().zip(probe.ns) {
            histogram
                .record(ns.max(1))
                .expect("auto-resizing histogram");
        }
        reply.customer.do_send(TurnOutcome {
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
        MessageResult((self.latency_ns.clone(), self.part_latency_ns.clone()))
    }
}

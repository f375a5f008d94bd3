//! The trigger-engine actor: a thin shell over [`TriggerEngine::evaluate`].
//! It sees only observable signals; the ground-truth `correct` flag passes
//! through untouched to the customer, who experiences it.

use actix::prelude::*;

use super::messages::{AiReplied, TurnOutcome};
use crate::triggers::{Observation, TriggerEngine};

pub struct TriggerActor {
    pub engine: TriggerEngine,
}

impl Actor for TriggerActor {
    type Context = Context<Self>;
}

impl Handler<AiReplied> for TriggerActor {
    type Result = ();

    fn handle(&mut self, reply: AiReplied, _: &mut Context<Self>) {
        let decision = self.engine.evaluate(&Observation {
            utterance: reply.utterance,
            ai_confidence: reply.confidence,
            failed_attempts: reply.failed_attempts,
        });
        reply.customer.do_send(TurnOutcome {
            turn: reply.turn,
            correct: reply.correct,
            decision,
        });
    }
}

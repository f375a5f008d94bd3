//! The AI agent actor: answers each bot turn after its response time.
//!
//! The answer comes from the pure [`handoff_model::ai::answer`]; the reply reaches
//! the trigger engine after the response time (plus, on voice, the speech
//! stack's latency: [`handoff_model::voice`]), on a clock timer (the bot
//! serves thousands of conversations at once, and holds none of them).

use actix::prelude::*;

use crate::messages::{AiReplied, CustomerTurn};
use crate::{Clock, TriggerActor};
use handoff_logic::Channel;
use handoff_model::ai::answer;
use handoff_model::incidents::Incidents;
use handoff_model::rng::Streams;
use handoff_model::scenario::AiAgent as AiModel;
use handoff_model::voice::Voice;

pub struct AiAgent {
    pub model: AiModel,
    pub intents: usize,
    pub streams: Streams,
    pub clock: Clock,
    pub triggers: Addr<TriggerActor>,
    /// `[voice]`: a voice turn adds the speech stack's latency.
    pub voice: Option<Voice>,
    /// Slow and miscalibrated windows change its answers.
    pub incidents: Incidents,
}

impl Actor for AiAgent {
    type Context = Context<Self>;
}

impl Handler<CustomerTurn> for AiAgent {
    type Result = ();

    fn handle(&mut self, turn: CustomerTurn, _: &mut Context<Self>) {
        let reply = answer(
            &self.model,
            &self.streams,
            turn.conversation,
            turn.turn,
            turn.ai_can_solve,
            turn.intent,
            self.intents,
        );
        let state = self.incidents.at(self.clock.now());
        let message = AiReplied {
            conversation: turn.conversation,
            turn: turn.turn,
            utterance: turn.utterance,
            confidence: state.confidence(reply.confidence),
            recognised_intent: reply.recognised_intent,
            failed_attempts: turn.failed_attempts,
            failed_in_a_row: turn.failed_in_a_row,
            history: turn.history,
            previous_contact_age: turn.previous_contact_age,
            correct: reply.correct,
            customer: turn.customer,
        };
        let speech = match (&self.voice, turn.channel) {
            (Some(voice), Channel::Voice) => {
                voice.speech_latency(&self.streams, turn.conversation, turn.turn)
            }
            _ => 0.0,
        };
        let triggers = self.triggers.clone();
        self.clock.after(
            reply.response_time * state.slow_factor + speech,
            move || triggers.do_send(message),
        );
    }
}

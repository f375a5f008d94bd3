//! The human agent actor: one per agent. Handles each assigned contact —
//! briefing first for a warm transfer, clarifying questions for whatever the
//! context package lacks — tells the customer, does its wrap-up, then tells
//! the router the slot is free. Chat agents run several contacts at once,
//! each on its own timer in this actor's context.

use std::sync::Arc;

use actix::prelude::*;
use rand::RngExt;

use super::Wiring;
use super::messages::*;
use crate::handoff::TransferMode;
use crate::rng::Purpose;
use crate::routing::AgentId;

pub struct HumanAgent {
    pub id: AgentId,
    pub pool: usize,
    pub wiring: Arc<Wiring>,
    /// Contacts taken so far; numbers this agent's wrap-up draws.
    pub contacts: u64,
}

impl Actor for HumanAgent {
    type Context = Context<Self>;
}

impl Handler<Assign> for HumanAgent {
    type Result = ();

    fn handle(&mut self, assign: Assign, ctx: &mut Context<Self>) {
        let wiring = &self.wiring;
        let request = &assign.request;
        let intent = &wiring.scenario.intents[request.intent];
        let handoff = &wiring.scenario.handoff;
        // The handling draws belong to the conversation, so the same customer
        // gets the same base handle time whichever agent takes it.
        let mut rng = wiring
            .streams
            .stream(Purpose::Handling, assign.conversation, 0);
        let base = intent.handle_time.sample_secs(&mut rng);
        // Only a handoff from the bot can lose context: the customer already
        // explained once. A direct contact is the handle-time baseline.
        let missing = request.context_completeness.map_or(0.0, |c| 1.0 - c);
        // A briefed agent asks fewer clarifying questions.
        let clarify_share = if request.plan.mode == TransferMode::Cold {
            1.0
        } else {
            0.5
        };
        let clarification = missing * handoff.clarification_time * clarify_share;
        let handle_time = base + request.plan.briefing + clarification;
        let resolve = intent.human_resolve_probability
            * (1.0 - handoff.missing_context_resolution_penalty * missing);
        let resolved = rng.random::<f64>() < resolve;
        let wrap_up = wiring.scenario.pools[self.pool].wrap_up.map_or(0.0, |d| {
            d.sample_secs(
                &mut wiring
                    .streams
                    .stream(Purpose::Agent, self.id as u64, self.contacts),
            )
        });
        self.contacts += 1;
        let (agent, channel) = (self.id, assign.channel);
        let customer = assign.request.customer;
        ctx.run_later(wiring.clock.delay(handle_time), move |this, ctx| {
            customer.do_send(HumanFinished {
                resolved,
                handle_time,
                clarification,
            });
            let router = this.wiring.router.clone();
            if wrap_up > 0.0 {
                ctx.run_later(this.wiring.clock.delay(wrap_up), move |_, _| {
                    router.do_send(Released { agent, channel });
                });
            } else {
                router.do_send(Released { agent, channel });
            }
        });
    }
}

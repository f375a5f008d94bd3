//! The router actor: owns the pure [`Router`] state and the addresses of the
//! customers waiting and of the human agents, and turns its decisions into
//! messages. It holds no timers.

use std::collections::BTreeMap;

use actix::prelude::*;

use super::Clock;
use super::customer::Customer;
use super::human_agent::HumanAgent;
use super::messages::*;
use crate::routing::{AgentId, ConversationId, Routed, Router};

pub struct RouterActor {
    pub router: Router,
    pub agents: Vec<Addr<HumanAgent>>,
    pub clock: Clock,
    /// Address and intent of every waiting conversation.
    pub waiting: BTreeMap<ConversationId, (Addr<Customer>, usize)>,
}

impl RouterActor {
    fn connect(
        &self,
        agent: AgentId,
        conversation: ConversationId,
        request: (Addr<Customer>, usize),
        channel: crate::Channel,
        waited: bool,
    ) {
        let (customer, intent) = request;
        customer.do_send(Connected { agent, waited });
        self.agents[agent].do_send(Assign {
            conversation,
            channel,
            intent,
            customer,
        });
    }
}

impl Actor for RouterActor {
    type Context = Context<Self>;
}

impl Handler<RequestHuman> for RouterActor {
    type Result = ();

    fn handle(&mut self, request: RequestHuman, _: &mut Context<Self>) {
        let now = self.clock.now();
        match self
            .router
            .arrive(now, request.conversation, request.channel, request.skill)
        {
            Routed::Assigned(agent) => self.connect(
                agent,
                request.conversation,
                (request.customer, request.intent),
                request.channel,
                false,
            ),
            Routed::Queued => {
                self.waiting
                    .insert(request.conversation, (request.customer, request.intent));
            }
        }
    }
}

impl Handler<Abandon> for RouterActor {
    type Result = ();

    fn handle(&mut self, abandon: Abandon, _: &mut Context<Self>) {
        if self.router.abandon(abandon.conversation)
            && let Some((customer, _)) = self.waiting.remove(&abandon.conversation)
        {
            customer.do_send(LeftQueue);
        }
    }
}

impl Handler<Released> for RouterActor {
    type Result = ();

    fn handle(&mut self, released: Released, _: &mut Context<Self>) {
        let now = self.clock.now();
        for next in self.router.release(now, released.agent, released.channel) {
            let request = self
                .waiting
                .remove(&next.conversation)
                .expect("the router assigns only conversations it holds");
            self.connect(next.agent, next.conversation, request, next.channel, true);
        }
    }
}

impl Handler<Snapshot> for RouterActor {
    type Result = MessageResult<Snapshot>;

    fn handle(&mut self, _: Snapshot, _: &mut Context<Self>) -> Self::Result {
        let now = self.clock.now();
        MessageResult(RouterSnapshot {
            occupancy: self.router.occupancy(now),
            waiting: self.router.queue_len(),
            held_contacts: self.router.held_contacts(),
        })
    }
}

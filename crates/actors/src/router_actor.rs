//! The router actor: owns the pure [`Router`] state and the requests of the
//! customers waiting, and turns its decisions into messages: `Connected` or
//! `Queued` (with the estimated wait) to the customer, `Assign` to an agent.
//! It holds no timers.

use std::collections::BTreeMap;

use actix::prelude::*;

use crate::Clock;
use crate::human_agent::HumanAgent;
use crate::messages::*;
use handoff_logic::Channel;
use handoff_model::customer::ConversationId;
use handoff_model::metrics::StillWaiting;
use handoff_model::routing::{AgentId, EstimateInputs, Routed, Router};
use handoff_model::scenario::Scenario;
use std::sync::Arc;

pub struct RouterActor {
    pub router: Router,
    pub agents: Vec<Addr<HumanAgent>>,
    pub clock: Clock,
    pub scenario: Arc<Scenario>,
    /// The request of every waiting conversation.
    pub waiting: BTreeMap<ConversationId, HandoffRequest>,
    /// For the callback acceptance draws.
    pub streams: handoff_model::rng::Streams,
}

impl RouterActor {
    fn connect(
        &self,
        agent: AgentId,
        conversation: ConversationId,
        channel: Channel,
        request: HandoffRequest,
        waited: bool,
        since: f64,
    ) {
        request.customer.do_send(Connected { agent, waited });
        self.agents[agent].do_send(Assign {
            conversation,
            channel,
            request,
            since,
        });
    }

    /// Under `when_closed = "closed_message"`: when the last shift serving a
    /// queue has ended, its waiting contacts hear the closed message and
    /// leave (counted as abandoned: they waited and were not answered).
    fn close_empty_queues(&mut self, now: f64) {
        for conversation in self.router.close_empty_queues(now) {
            if let Some(request) = self.waiting.remove(&conversation) {
                request.customer.do_send(LeftQueue);
            }
        }
    }

    fn connect_all(&mut self, assignments: Vec<handoff_model::routing::Assignment>) {
        for next in assignments {
            let request = self
                .waiting
                .remove(&next.conversation)
                .expect("the router assigns only conversations it holds");
            self.connect(
                next.agent,
                next.conversation,
                next.channel,
                request,
                true,
                next.since,
            );
        }
    }
}

impl Actor for RouterActor {
    type Context = Context<Self>;
}

impl Handler<RequestHuman> for RouterActor {
    type Result = ();

    fn handle(&mut self, message: RequestHuman, _: &mut Context<Self>) {
        let now = self.clock.now();
        let RequestHuman {
            conversation,
            channel,
            skill,
            request,
        } = message;
        // Before any slot has been released, the configured mean handle time
        // stands in for the observed holding time.
        let mean_handle = self.scenario.intents[request.intent]
            .handle_time
            .mean_secs();
        let from_bot = request.context_completeness.is_some();
        let heard_message = self.scenario.handoff.quoted_wait(from_bot, 0.0).is_some();
        let estimates = self.router.estimate_waits(
            now,
            &EstimateInputs {
                channel,
                skill,
                priority: request.plan.priority,
                fallback_holding: mean_handle,
                abandonment_rate: self.scenario.abandonment_rate(heard_message, channel),
            },
        );
        let estimated_wait = estimates.get(self.scenario.wait_estimator);
        let priority = request.plan.priority;
        match self
            .router
            .arrive(now, conversation, channel, skill, priority)
        {
            Routed::Assigned(agent) => {
                self.connect(agent, conversation, channel, request, false, now)
            }
            Routed::Closed => request.customer.do_send(CentreClosed),
            Routed::Queued => {
                let quoted_wait = self.scenario.handoff.quoted_wait(from_bot, estimated_wait);
                // A voice caller facing a long wait is offered a callback.
                let callback = self.scenario.callbacks.as_ref().and_then(|c| {
                    let ahead = self
                        .router
                        .callers_waiting(channel, skill)
                        .saturating_sub(1);
                    (channel == Channel::Voice && c.offered(estimated_wait, ahead))
                        .then(|| c.accepts(&self.streams, conversation))
                });
                let accepted = callback == Some(true);
                if accepted {
                    self.router.to_callback(now, conversation);
                }
                request.customer.do_send(Queued {
                    estimated_wait,
                    callback,
                    estimates,
                    quoted_wait,
                });
                self.waiting.insert(
                    conversation,
                    HandoffRequest {
                        quoted_wait,
                        callback: accepted.then_some(0),
                        ..request
                    },
                );
            }
        }
    }
}

impl Handler<RetryCallback> for RouterActor {
    type Result = ();

    fn handle(&mut self, retry: RetryCallback, _: &mut Context<Self>) {
        let now = self.clock.now();
        match self
            .router
            .callback(now, retry.conversation, retry.channel, retry.skill)
        {
            Some(agent) => self.connect(
                agent,
                retry.conversation,
                retry.channel,
                retry.request,
                true,
                now,
            ),
            None => {
                self.waiting.insert(retry.conversation, retry.request);
            }
        }
    }
}

impl Handler<Abandon> for RouterActor {
    type Result = ();

    fn handle(&mut self, abandon: Abandon, _: &mut Context<Self>) {
        if self.router.abandon(self.clock.now(), abandon.conversation)
            && let Some(request) = self.waiting.remove(&abandon.conversation)
        {
            request.customer.do_send(LeftQueue);
        }
    }
}

impl Handler<Released> for RouterActor {
    type Result = ();

    fn handle(&mut self, released: Released, _: &mut Context<Self>) {
        let now = self.clock.now();
        let next = if released.finished {
            self.router.release(now, released.agent, released.channel)
        } else {
            self.router
                .release_unfinished(now, released.agent, released.channel)
        };
        self.connect_all(next);
    }
}

impl Handler<Duty> for RouterActor {
    type Result = ();

    fn handle(&mut self, duty: Duty, _: &mut Context<Self>) {
        let now = self.clock.now();
        if duty.drop_off {
            self.router.dropped_off(duty.agent);
        }
        let next = self
            .router
            .set_duty(now, duty.agent, duty.on, duty.shift_end);
        self.connect_all(next);
        self.close_empty_queues(now);
    }
}

impl Handler<HandBack> for RouterActor {
    type Result = ();

    fn handle(&mut self, back: HandBack, _: &mut Context<Self>) {
        let now = self.clock.now();
        let skill = self.scenario.intents[back.request.intent].skill;
        let priority = back.request.plan.priority;
        let returned = handoff_model::routing::HandedBack {
            conversation: back.conversation,
            channel: back.channel,
            skill,
            priority,
            since: back.since,
            why: back.why,
            callback: back.request.callback.is_some(),
        };
        match self.router.hand_back(now, back.agent, returned) {
            Some(to) => self.connect(
                to.agent,
                back.conversation,
                back.channel,
                back.request,
                true,
                back.since,
            ),
            None => {
                self.waiting.insert(back.conversation, back.request);
                // Handed back after the last shift serving it ended.
                self.close_empty_queues(now);
            }
        }
    }
}

impl Handler<Snapshot> for RouterActor {
    type Result = MessageResult<Snapshot>;

    fn handle(&mut self, _: Snapshot, _: &mut Context<Self>) -> Self::Result {
        let now = self.clock.now();
        MessageResult(RouterSnapshot {
            occupancy: self.router.occupancy(now),
            series: self.router.interval_series(now),
            waiting: self
                .router
                .waiting_contacts()
                .into_iter()
                .filter_map(|(conversation, channel, since)| {
                    Some(StillWaiting {
                        channel,
                        arrived_at: self.waiting.get(&conversation)?.arrived_at,
                        queued_at: since,
                    })
                })
                .collect(),
            held_contacts: self.router.held_contacts(),
        })
    }
}

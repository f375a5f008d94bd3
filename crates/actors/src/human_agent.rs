//! The human agent actor: one per agent. Handles each assigned contact —
//! briefing first for a warm transfer, clarifying questions for whatever the
//! context package lacks — tells the customer, does its wrap-up, then tells
//! the router the slot is free. Chat agents run several contacts at once,
//! each on its own timer in this actor's context.
//!
//! It also walks its own duty periods ([`handoff_model::roster::duty_periods`]):
//! one timer for the next change, a `Duty` message to the router at each.
//! At a shift end under `shift_end = "hand_back"` it cancels the contacts it
//! is still handling (not those in wrap-up) and returns them to the router
//! with their context package.

use std::collections::BTreeMap;
use std::rc::Rc;

use actix::prelude::*;
use rand::RngExt;

use crate::Wiring;
use crate::clock::Timer;
use crate::messages::*;
use handoff_logic::Channel;
use handoff_logic::handoff::TransferMode;
use handoff_model::customer::ConversationId;
use handoff_model::rng::Purpose;
use handoff_model::roster::{DutyPeriod, ShiftEnd};
use handoff_model::routing::AgentId;

/// A contact this agent is handling (wrap-up not included).
struct InHand {
    timer: Timer,
    channel: Channel,
    request: HandoffRequest,
    since: f64,
    /// What the customer hears when the handle time is over, decided at
    /// assignment.
    done: Done,
}

struct Done {
    resolved: bool,
    handle_time: f64,
    clarification: f64,
    wrap_up: f64,
}

pub struct HumanAgent {
    pub id: AgentId,
    pub pool: usize,
    pub wiring: Rc<Wiring>,
    /// Contacts taken so far; numbers this agent's wrap-up draws.
    pub contacts: u64,
    /// When this agent takes contacts, in time order; the router starts
    /// with the agent on duty iff the first period starts at 0.
    pub periods: Vec<DutyPeriod>,
    /// Index of the current (on duty) or next (off duty) period.
    pub period: usize,
    pub on_duty: bool,
    in_hand: BTreeMap<ConversationId, InHand>,
}

impl HumanAgent {
    pub fn new(id: AgentId, pool: usize, wiring: Rc<Wiring>, periods: Vec<DutyPeriod>) -> Self {
        let on_duty = periods.first().is_some_and(|p| p.from <= 0.0);
        HumanAgent {
            id,
            pool,
            wiring,
            contacts: 0,
            periods,
            period: 0,
            on_duty,
            in_hand: BTreeMap::new(),
        }
    }

    /// Sets the timer for the next duty change, if it falls inside the run.
    fn schedule_duty(&mut self, ctx: &mut Context<Self>) {
        let Some(period) = self.periods.get(self.period) else {
            return;
        };
        let at = if self.on_duty { period.to } else { period.from };
        if at >= self.wiring.scenario.duration.as_secs_f64() {
            return;
        }
        let me = ctx.address();
        self.wiring.clock.at(at, move || me.do_send(DutyChange));
    }

    fn change_duty(&mut self, ctx: &mut Context<Self>) {
        let period = self.periods[self.period];
        self.on_duty = !self.on_duty;
        let router = self.wiring.router.clone();
        router.do_send(Duty {
            agent: self.id,
            on: self.on_duty,
            shift_end: !self.on_duty && period.ends_shift,
        });
        if !self.on_duty {
            let hand_back = period.ends_shift
                && self.wiring.scenario.pools[self.pool].shift_end == ShiftEnd::HandBack;
            if hand_back {
                for (conversation, contact) in std::mem::take(&mut self.in_hand) {
                    self.wiring.clock.cancel(contact.timer);
                    contact.request.customer.do_send(HandedBack);
                    router.do_send(HandBack {
                        agent: self.id,
                        conversation,
                        channel: contact.channel,
                        request: contact.request,
                        since: contact.since,
                        bounced: false,
                    });
                }
            }
            self.period += 1;
        }
        self.schedule_duty(ctx);
    }
}

impl Actor for HumanAgent {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.schedule_duty(ctx);
    }
}

impl Handler<Assign> for HumanAgent {
    type Result = ();

    fn handle(&mut self, assign: Assign, ctx: &mut Context<Self>) {
        // The router assigned this contact before it read this agent's
        // going off duty (both in the same instant): the agent takes no new
        // work off duty, so the contact goes straight back.
        if !self.on_duty {
            assign.request.customer.do_send(HandedBack);
            self.wiring.router.do_send(HandBack {
                agent: self.id,
                conversation: assign.conversation,
                channel: assign.channel,
                request: assign.request,
                since: assign.since,
                bounced: true,
            });
            return;
        }
        let wiring = &self.wiring;
        let request = &assign.request;
        let intent = &wiring.scenario.intents[request.intent];
        let handoff = &wiring.scenario.handoff;
        // The handling draws belong to the conversation, so the same customer
        // gets the same base handle time whichever agent takes it.
        let mut rng = wiring
            .streams
            .stream(Purpose::Handling, assign.conversation, 0);
        let pool = &wiring.scenario.pools[self.pool];
        let proficiency = pool.proficiency(intent.skill);
        // Concurrency stretch: this chat is the k-th in hand.
        let stretch = if assign.channel == Channel::Chat {
            let in_hand = self
                .in_hand
                .values()
                .filter(|c| c.channel == Channel::Chat)
                .count();
            1.0 + pool.concurrency_stretch * in_hand as f64
        } else {
            1.0
        };
        let base = intent.handle_time.sample_secs(&mut rng)
            * wiring.scenario.handle_time_factor(request.arrived_at)
            * stretch
            / proficiency;
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
        let resolve = (intent.human_resolve_probability * proficiency).min(1.0)
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
        let (channel, conversation) = (assign.channel, assign.conversation);
        let me = ctx.address();
        let timer = wiring.clock.after(handle_time, move || {
            me.do_send(HandlingDone { conversation })
        });
        self.in_hand.insert(
            conversation,
            InHand {
                timer,
                channel,
                request: assign.request,
                since: assign.since,
                done: Done {
                    resolved,
                    handle_time,
                    clarification,
                    wrap_up,
                },
            },
        );
    }
}

impl Handler<HandlingDone> for HumanAgent {
    type Result = ();

    /// The contact is over: the customer hears it; the slot is free again
    /// after wrap-up.
    fn handle(&mut self, HandlingDone { conversation }: HandlingDone, _: &mut Context<Self>) {
        let Some(contact) = self.in_hand.remove(&conversation) else {
            return;
        };
        let done = contact.done;
        contact.request.customer.do_send(HumanFinished {
            resolved: done.resolved,
            handle_time: done.handle_time,
            clarification: done.clarification,
        });
        let router = self.wiring.router.clone();
        let released = Released {
            agent: self.id,
            channel: contact.channel,
        };
        if done.wrap_up > 0.0 {
            self.wiring
                .clock
                .after(done.wrap_up, move || router.do_send(released));
        } else {
            router.do_send(released);
        }
    }
}

impl Handler<DutyChange> for HumanAgent {
    type Result = ();

    fn handle(&mut self, _: DutyChange, ctx: &mut Context<Self>) {
        self.change_duty(ctx);
    }
}

//! The human agent actor: one per agent. Handles each assigned contact as
//! [`handoff_model::handling`] decides (briefing first for a warm transfer,
//! clarifying questions for whatever the context package lacks, the
//! handoff effects), tells the customer, does its wrap-up, then tells the
//! router the slot is free. A warm transfer it declines goes back to the
//! router when the briefing is over. Chat agents run several contacts at once,
//! each on its own timer in this actor's context.
//!
//! It also walks its own duty periods ([`handoff_model::roster::duty_periods`]):
//! one timer for the next change, a `Duty` message to the router at each.
//! At a shift end under `shift_end = "hand_back"` it cancels the contacts it
//! is still handling (not those in wrap-up) and returns them to the router
//! with their context package.
//!
//! With `drop_off_per_hour` it drops off at the times of a Poisson process
//! (its own stream; only the events that find it on duty count, so the
//! rate is per agent-hour on duty): it returns what it is handling to the
//! head of the queue the same way, is away for a `drop_off_absence` draw,
//! and comes back if its roster still has it on duty.

use std::collections::BTreeMap;
use std::rc::Rc;

use actix::prelude::*;

use crate::Wiring;
use crate::clock::Timer;
use crate::messages::*;
use handoff_logic::Channel;
use handoff_model::customer::ConversationId;
use handoff_model::handling::{self, Handled};
use handoff_model::rng::Purpose;
use handoff_model::roster::{DutyPeriod, ShiftEnd};
use handoff_model::routing::{AgentId, Returned};

/// A contact this agent is handling (wrap-up not included).
struct InHand {
    timer: Timer,
    channel: Channel,
    request: HandoffRequest,
    since: f64,
    /// What the customer hears when the handle time is over, decided at
    /// assignment; `None` for a warm transfer this agent declines when its
    /// briefing is over.
    done: Option<Done>,
    /// A callback attempt nobody answers: the agent lets it ring.
    ringing: bool,
}

struct Done {
    handled: Handled,
    frustration_at_connection: f64,
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
    /// Dropped off and not back yet: off duty for the router whatever the
    /// roster says.
    away: bool,
    /// Drop-off events drawn so far; numbers their draws.
    drop_off_events: u64,
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
            away: false,
            drop_off_events: 0,
            in_hand: BTreeMap::new(),
        }
    }

    /// Sets the timer for the next drop-off event, `gap` after `from`
    /// (exponential, mean 1 / rate), if the pool has drop-offs and it falls
    /// inside the run.
    fn schedule_drop_off(&mut self, ctx: &mut Context<Self>, from: f64) {
        let rate = self.wiring.scenario.pools[self.pool].drop_off_per_hour;
        if rate <= 0.0 {
            return;
        }
        let mut rng =
            self.wiring
                .streams
                .stream(Purpose::DropOff, self.id as u64, 2 * self.drop_off_events);
        let gap = handoff_model::scenario::Dist::exponential(3600.0 / rate).sample_secs(&mut rng);
        let at = from + gap;
        if at >= self.wiring.scenario.duration.as_secs_f64() {
            return;
        }
        let me = ctx.address();
        self.wiring
            .clock
            .at(at, move || me.do_send(DropOff { back: false }));
    }

    /// Returns every contact this agent is handling to the head of the
    /// queue, with its package (a shift end or a drop-off).
    fn hand_back_all(&mut self, why: Returned) {
        let router = self.wiring.router.clone();
        for (conversation, mut contact) in std::mem::take(&mut self.in_hand) {
            self.wiring.clock.cancel(contact.timer);
            // A callback attempt cut off while ringing was not made: it
            // does not use up one of the customer's attempts.
            if contact.ringing {
                contact.request.callback = contact.request.callback.map(|a| a - 1);
            }
            contact
                .request
                .customer
                .do_send(HandedBack { declined: false });
            router.do_send(HandBack {
                agent: self.id,
                conversation,
                channel: contact.channel,
                request: contact.request,
                since: contact.since,
                why,
            });
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
        // Away after a drop-off, the router already has it off duty; it
        // comes on when it is back.
        router.do_send(Duty {
            agent: self.id,
            on: self.on_duty && !self.away,
            shift_end: !self.on_duty && period.ends_shift,
            drop_off: false,
        });
        if !self.on_duty {
            let hand_back = period.ends_shift
                && self.wiring.scenario.pools[self.pool].shift_end == ShiftEnd::HandBack;
            if hand_back {
                self.hand_back_all(Returned::ShiftEnd);
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
        self.schedule_drop_off(ctx, 0.0);
    }
}

impl Handler<Assign> for HumanAgent {
    type Result = ();

    fn handle(&mut self, assign: Assign, ctx: &mut Context<Self>) {
        // The router assigned this contact before it read this agent's
        // going off duty (both in the same instant): the agent takes no new
        // work off duty, so the contact goes straight back.
        if !self.on_duty || self.away {
            assign
                .request
                .customer
                .do_send(HandedBack { declined: false });
            self.wiring.router.do_send(HandBack {
                agent: self.id,
                conversation: assign.conversation,
                channel: assign.channel,
                request: assign.request,
                since: assign.since,
                why: Returned::Bounced,
            });
            return;
        }
        let (conversation, channel) = (assign.conversation, assign.channel);
        // A callback: the agent calls, and the customer answers or not.
        let mut assign = assign;
        let mut reached_callback = false;
        if let (Some(attempts), Some(callbacks)) =
            (assign.request.callback, self.wiring.scenario.callbacks)
        {
            let attempt = attempts + 1;
            if !callbacks.answered(&self.wiring.streams, conversation, attempt) {
                let me = ctx.address();
                let timer = self.wiring.clock.after(callbacks.ring_time, move || {
                    me.do_send(HandlingDone { conversation })
                });
                assign.request.callback = Some(attempt);
                self.in_hand.insert(
                    conversation,
                    InHand {
                        timer,
                        channel,
                        request: assign.request,
                        since: assign.since,
                        done: None,
                        ringing: true,
                    },
                );
                return;
            }
            assign.request.customer.do_send(CallbackAnswered);
            // On the line now: handed back later, it queues as a caller.
            assign.request.callback = None;
            reached_callback = true;
        }
        let plan = assign.request.plan;
        // A declined warm transfer: the agent is briefed, then sends the
        // contact back to the head of the queue.
        let declines = self.wiring.scenario.handoff.effects.declines(
            &plan,
            &self.wiring.streams,
            conversation,
            assign.request.declines,
        );
        let done = (!declines).then(|| self.decide(&assign, reached_callback));
        let length = done
            .as_ref()
            .map_or(plan.briefing, |d| d.handled.handle_time);
        let me = ctx.address();
        let timer = self
            .wiring
            .clock
            .after(length, move || me.do_send(HandlingDone { conversation }));
        self.in_hand.insert(
            conversation,
            InHand {
                timer,
                channel,
                request: assign.request,
                since: assign.since,
                done,
                ringing: false,
            },
        );
    }
}

impl HumanAgent {
    /// The handling of an assigned contact this agent takes (the model
    /// decides it: [`handling::handle`]), and its wrap-up draw.
    fn decide(&mut self, assign: &Assign, reached_callback: bool) -> Done {
        let wiring = &self.wiring;
        let request = &assign.request;
        let scenario = &wiring.scenario;
        let intent = &scenario.intents[request.intent];
        let handoff = &scenario.handoff;
        let effects = &handoff.effects;
        let (channel, conversation) = (assign.channel, assign.conversation);
        let pool = &scenario.pools[self.pool];
        // Concurrency stretch: this chat is the k-th in hand.
        let stretch = if channel == Channel::Chat {
            let in_hand = self
                .in_hand
                .values()
                .filter(|c| c.channel == Channel::Chat)
                .count();
            1.0 + pool.concurrency_stretch * in_hand as f64
        } else {
            1.0
        };
        // A reached callback waited off the line: no hold was heard and no
        // quote was overrun, so the hold effects see no wait.
        let waited = if reached_callback {
            0.0
        } else {
            wiring.clock.now() - assign.since
        };
        let over_quote = handling::minutes_over_quote(waited, request.quoted_wait);
        let mut frustration_at_connection =
            effects.frustration_at_connection(request.frustration, over_quote);
        // A voice caller on silent hold comes to the agent more frustrated.
        if channel == Channel::Voice
            && let Some(voice) = &scenario.voice
        {
            frustration_at_connection = voice.after_hold(frustration_at_connection, waited);
        }
        // The handling draws belong to the conversation, so the same customer
        // gets the same base handle time whichever agent takes it.
        let handled = handling::handle(
            handoff,
            &wiring.streams,
            &handling::Assigned {
                conversation,
                intent,
                proficiency: pool.proficiency(intent.skill),
                aht_factor: scenario.handle_time_factor(request.arrived_at),
                stretch,
                plan: request.plan,
                completeness: request.context_completeness,
                frustration: frustration_at_connection,
                minutes_over_quote: over_quote,
            },
        );
        let wrap_up = pool.wrap_up.map_or(0.0, |d| {
            d.sample_secs(
                &mut wiring
                    .streams
                    .stream(Purpose::Agent, self.id as u64, self.contacts),
            )
        });
        self.contacts += 1;
        Done {
            handled,
            frustration_at_connection,
            wrap_up,
        }
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
        let router = self.wiring.router.clone();
        if contact.ringing {
            // Nobody answered: the slot is free, the customer waits for
            // the next attempt.
            router.do_send(Released {
                agent: self.id,
                channel: contact.channel,
                finished: false,
            });
            let customer = contact.request.customer.clone();
            customer.do_send(CallbackUnanswered {
                request: contact.request,
            });
            return;
        }
        let Some(done) = contact.done else {
            contact
                .request
                .customer
                .do_send(HandedBack { declined: true });
            let request = HandoffRequest {
                declines: contact.request.declines + 1,
                ..contact.request
            };
            router.do_send(HandBack {
                agent: self.id,
                conversation,
                channel: contact.channel,
                request,
                since: contact.since,
                why: Returned::Bounced,
            });
            return;
        };
        let handled = done.handled;
        contact.request.customer.do_send(HumanFinished {
            resolved: handled.resolved,
            handle_time: handled.handle_time,
            clarification: handled.clarification,
            repeated: handled.repeated,
            frustration_at_connection: done.frustration_at_connection,
            frustration: handled.frustration,
            wrap_up: done.wrap_up,
        });
        let released = Released {
            agent: self.id,
            channel: contact.channel,
            finished: true,
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

impl Handler<DropOff> for HumanAgent {
    type Result = ();

    /// A drop-off event: on duty, the agent drops off — off duty for the
    /// router, its contacts back at the head of the queue — and is away
    /// for an absence draw. Back, it comes on duty if its roster has it on.
    fn handle(&mut self, DropOff { back }: DropOff, ctx: &mut Context<Self>) {
        let now = self.wiring.clock.now();
        let router = self.wiring.router.clone();
        if back {
            self.away = false;
            if self.on_duty {
                router.do_send(Duty {
                    agent: self.id,
                    on: true,
                    shift_end: false,
                    drop_off: false,
                });
            }
            return self.schedule_drop_off(ctx, now);
        }
        let event = self.drop_off_events;
        self.drop_off_events += 1;
        if !self.on_duty || self.away {
            return self.schedule_drop_off(ctx, now);
        }
        self.away = true;
        router.do_send(Duty {
            agent: self.id,
            on: false,
            shift_end: false,
            drop_off: true,
        });
        self.hand_back_all(Returned::DropOff);
        let absence = self.wiring.scenario.pools[self.pool]
            .drop_off_absence
            .sample_secs(&mut self.wiring.streams.stream(
                Purpose::DropOff,
                self.id as u64,
                2 * event + 1,
            ));
        let me = ctx.address();
        self.wiring
            .clock
            .after(absence, move || me.do_send(DropOff { back: true }));
    }
}

impl Handler<DutyChange> for HumanAgent {
    type Result = ();

    fn handle(&mut self, _: DutyChange, ctx: &mut Context<Self>) {
        self.change_duty(ctx);
    }
}

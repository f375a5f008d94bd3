//! The customer actor: one per conversation, alive from arrival to its
//! terminal outcome, so memory follows concurrency, not volume.
//!
//! It owns the conversation's state machine (bot → queue → agent → done) and
//! its own timers (think time, patience); decisions come from the pure
//! [`crate::customer`] functions and from the router, which alone decides
//! whether an abandonment took effect. It reports exactly one record.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use actix::prelude::*;

use super::Wiring;
use super::messages::*;
use crate::customer::{CustomerProfile, NextStep, after_failed_turn, opening};
use crate::metrics::{ConversationRecord, HandoffReason, Outcome};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Bot { turn: u32, failed: u32 },
    Queued { since: f64 },
    WithAgent,
    Done,
}

pub struct Customer {
    profile: CustomerProfile,
    wiring: Arc<Wiring>,
    arrived_at: f64,
    stage: Stage,
    patience_timer: Option<SpawnHandle>,
    record: ConversationRecord,
}

impl Customer {
    pub fn new(profile: CustomerProfile, wiring: Arc<Wiring>, arrived_at: f64) -> Customer {
        let record = ConversationRecord {
            id: profile.id,
            channel: profile.channel,
            intent: profile.intent,
            arrived_at,
            outcome: Outcome::AbandonedInBot,
            bot_turns: 0,
            handoff: None,
            queued_at: None,
            waited: false,
            queue_wait: None,
            handle_time: None,
        };
        Customer {
            profile,
            wiring,
            arrived_at,
            stage: Stage::Bot { turn: 0, failed: 0 },
            patience_timer: None,
            record,
        }
    }

    fn say(&mut self, ctx: &mut Context<Self>, turn: u32, failed: u32, utterance: &'static str) {
        self.stage = Stage::Bot { turn, failed };
        self.record.bot_turns = turn;
        if let Some(ai) = &self.wiring.ai {
            ai.do_send(CustomerTurn {
                conversation: self.profile.id,
                turn,
                utterance,
                failed_attempts: failed,
                ai_can_solve: self.profile.ai_can_solve,
                customer: ctx.address(),
            });
        }
    }

    fn hand_off(&mut self, ctx: &mut Context<Self>, reason: HandoffReason) {
        let now = self.wiring.clock.now();
        self.stage = Stage::Queued { since: now };
        self.record.handoff = Some(reason);
        self.record.queued_at = Some(now);
        let intent = &self.wiring.scenario.intents[self.profile.intent];
        self.wiring.router.do_send(RequestHuman {
            conversation: self.profile.id,
            channel: self.profile.channel,
            skill: intent.skill,
            intent: self.profile.intent,
            customer: ctx.address(),
        });
        if let Some(patience) = self.profile.patience {
            let router = self.wiring.router.clone();
            let conversation = self.profile.id;
            self.patience_timer = Some(ctx.run_later(
                self.wiring.clock.delay(patience),
                move |_, _| {
                    router.do_send(Abandon { conversation });
                },
            ));
        }
    }

    fn finish(&mut self, ctx: &mut Context<Self>, outcome: Outcome) {
        self.stage = Stage::Done;
        self.record.outcome = outcome;
        self.wiring.recorder.do_send(Ended(self.record.clone()));
        ctx.stop();
    }
}

impl Actor for Customer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.wiring.live.fetch_add(1, Ordering::Relaxed);
        self.wiring.recorder.do_send(Arrived {
            conversation: self.profile.id,
            at: self.arrived_at,
            channel: self.profile.channel,
            intent: self.profile.intent,
        });
        if self.wiring.ai.is_some() {
            let utterance = opening(&self.wiring.streams, self.profile.id);
            self.say(ctx, 1, 0, utterance);
        } else {
            self.hand_off(ctx, HandoffReason::Direct);
        }
    }

    fn stopped(&mut self, _: &mut Context<Self>) {
        self.wiring.live.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Handler<TurnOutcome> for Customer {
    type Result = ();

    fn handle(&mut self, outcome: TurnOutcome, ctx: &mut Context<Self>) {
        let Stage::Bot { turn, failed } = self.stage else {
            return;
        };
        debug_assert_eq!(turn, outcome.turn);
        if let Some(kind) = outcome.decision.primary() {
            return self.hand_off(ctx, HandoffReason::Trigger(kind));
        }
        if outcome.correct {
            return self.finish(ctx, Outcome::ResolvedByAi);
        }
        let wiring = Arc::clone(&self.wiring);
        let max_turns = wiring.scenario.ai.as_ref().map_or(0, |ai| ai.max_turns);
        match after_failed_turn(&wiring.scenario, &wiring.streams, self.profile.id, turn) {
            NextStep::GiveUp => self.finish(ctx, Outcome::AbandonedInBot),
            NextStep::Reply { .. } if turn >= max_turns => {
                self.hand_off(ctx, HandoffReason::BotFallback)
            }
            NextStep::Reply {
                think_time,
                utterance,
            } => {
                ctx.run_later(wiring.clock.delay(think_time), move |customer, ctx| {
                    customer.say(ctx, turn + 1, failed + 1, utterance);
                });
            }
        }
    }
}

impl Handler<Connected> for Customer {
    type Result = ();

    fn handle(&mut self, connected: Connected, ctx: &mut Context<Self>) {
        let Stage::Queued { since } = self.stage else {
            unreachable!(
                "router connected conversation {} that was not queued",
                self.profile.id
            );
        };
        if let Some(timer) = self.patience_timer.take() {
            ctx.cancel_future(timer);
        }
        let _ = connected.agent;
        self.record.waited = connected.waited;
        self.record.queue_wait = Some(self.wiring.clock.now() - since);
        self.stage = Stage::WithAgent;
    }
}

impl Handler<LeftQueue> for Customer {
    type Result = ();

    fn handle(&mut self, _: LeftQueue, ctx: &mut Context<Self>) {
        let Stage::Queued { since } = self.stage else {
            unreachable!(
                "conversation {} left a queue it was not in",
                self.profile.id
            );
        };
        self.record.waited = true;
        self.record.queue_wait = Some(self.wiring.clock.now() - since);
        self.finish(ctx, Outcome::AbandonedInQueue);
    }
}

impl Handler<HumanFinished> for Customer {
    type Result = ();

    fn handle(&mut self, done: HumanFinished, ctx: &mut Context<Self>) {
        debug_assert_eq!(self.stage, Stage::WithAgent);
        self.record.handle_time = Some(done.handle_time);
        let outcome = if done.resolved {
            Outcome::ResolvedByHuman
        } else {
            Outcome::Unresolved
        };
        self.finish(ctx, outcome);
    }
}

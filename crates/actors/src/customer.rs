//! The customer actor: one conversation at a time, from arrival to its
//! terminal outcome. An actor whose conversation has ended waits in the
//! wiring's idle list for the next arrival ([`start_conversation`]), so the
//! number of actors follows the peak concurrency, not the volume, and a
//! conversation costs one message instead of an actor started and stopped.
//!
//! It owns the conversation's state machine (bot → queue → agent → done),
//! what the conversation has accumulated (message signals, failed attempts,
//! frustration) and its own timers (think time, patience). Decisions come
//! from the pure core: [`handoff_model::customer`] for behaviour, [`handoff_logic::handoff`]
//! for the context package, transfer plan and expectation message, and the
//! router, which alone decides whether an abandonment took effect. It reports
//! exactly one record, and an unresolved customer may come back later as a
//! new conversation (a repeat contact).

use std::rc::Rc;
use std::sync::Arc;

use actix::prelude::*;

use crate::Wiring;
use crate::clock::Timer;
use crate::messages::*;
use crate::transcript::{BotEnd, BotTranscript, BotTurnLog};
use handoff_logic::Channel;
use handoff_logic::handoff::{
    ContextFacts, ContextMode, ContextPackage, Transcription, TransferInputs, TransferPlan,
    expectation_message,
};
use handoff_logic::triggers::TurnSignals;
use handoff_model::customer::{CustomerProfile, NextStep, after_failed_turn, opening};
use handoff_model::handling;
use handoff_model::metrics::{
    ConversationRecord, Escalation, HandoffReason, Outcome, QueueExit, QueueLeft, durability,
};
use handoff_model::voice::OnHold;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Bot {
        turn: u32,
    },
    Queued {
        since: f64,
    },
    WithAgent,
    /// Back in the queue after the agent's shift ended (`hand_back`): its
    /// wait was already recorded when it was first answered.
    HandedBack,
    /// Off the line, waiting for the callback it accepted.
    Callback {
        accepted_at: f64,
    },
    Done,
}

/// What the conversation has accumulated in the bot.
#[derive(Debug, Clone, Default)]
struct BotState {
    /// Shared with the turn in flight; appended to when it comes back.
    history: Arc<Vec<TurnSignals>>,
    failed_attempts: u32,
    failed_in_a_row: u32,
    frustration: f64,
    /// The intent the bot recognised last.
    recognised_intent: Option<usize>,
    /// The message of the turn in progress.
    utterance: &'static str,
    /// Every turn so far, when the run keeps transcripts.
    transcript: Option<Vec<BotTurnLog>>,
    /// When the message of the turn in progress reached the bot (the end
    /// of the caller's speech, on voice).
    turn_sent_at: f64,
}

pub struct Customer {
    profile: CustomerProfile,
    wiring: Rc<Wiring>,
    arrived_at: f64,
    stage: Stage,
    bot: BotState,
    patience_timer: Option<Timer>,
    /// A voice caller on silence hangs up when this fires, unless the
    /// bot's reply comes first.
    line_dead_timer: Option<Timer>,
    /// The transfer plan, once handed off.
    plan: Option<TransferPlan>,
    record: ConversationRecord,
}

/// Starts a conversation: on an idle customer actor if there is one, else
/// on a new one.
pub fn start_conversation(wiring: &Rc<Wiring>, profile: CustomerProfile, arrived_at: f64) {
    let idle = wiring.idle_customers.borrow_mut().pop();
    match idle {
        Some(actor) => actor.do_send(Begin {
            profile,
            arrived_at,
        }),
        None => {
            Customer::new(profile, Rc::clone(wiring), arrived_at).start();
        }
    }
}

impl Customer {
    fn new(profile: CustomerProfile, wiring: Rc<Wiring>, arrived_at: f64) -> Customer {
        let record = ConversationRecord {
            needs_human: profile.needs_human(),
            previous_contact_age: profile.previous_contact_at.map(|t| arrived_at - t),
            frustration: profile.frustration,
            ..ConversationRecord::new(profile.id, profile.channel, profile.intent, arrived_at)
        };
        let bot = BotState {
            frustration: profile.frustration,
            transcript: wiring.transcripts.is_some().then(Vec::new),
            ..BotState::default()
        };
        Customer {
            profile,
            wiring,
            arrived_at,
            stage: Stage::Bot { turn: 0 },
            bot,
            patience_timer: None,
            line_dead_timer: None,
            plan: None,
            record,
        }
    }

    /// Sends the message of bot turn `turn` to the bot now, or after
    /// `think_time` seconds (it reaches the bot when the customer has
    /// written it).
    fn say(
        &mut self,
        ctx: &mut Context<Self>,
        turn: u32,
        utterance: &'static str,
        think_time: f64,
    ) {
        self.stage = Stage::Bot { turn };
        self.bot.utterance = utterance;
        self.bot.turn_sent_at = self.wiring.clock.now() + think_time;
        // The bot is out when the message would reach it: the outage
        // message plays and the customer goes to a human. The bot never
        // received this turn, so `bot_turns` stays at the turns it did.
        if self.wiring.ai.is_some() && self.wiring.incidents.at(self.bot.turn_sent_at).outage {
            if think_time > 0.0 {
                let me = ctx.address();
                self.wiring
                    .clock
                    .after(think_time, move || me.do_send(BotUnavailable));
            } else {
                self.bot_phase_ended(BotEnd::AiOutage);
                self.hand_off(ctx, HandoffReason::AiOutage);
            }
            return;
        }
        self.record.bot_turns = turn;
        // On silence the caller waits for the bot's reply only until the
        // line seems dead.
        if self.profile.channel == Channel::Voice
            && let Some(voice) = &self.wiring.scenario.voice
            && voice.on_hold == OnHold::Silence
        {
            let me = ctx.address();
            let conversation = self.profile.id;
            self.line_dead_timer = Some(
                self.wiring
                    .clock
                    .at(self.bot.turn_sent_at + voice.line_dead_after, move || {
                        me.do_send(LineDead { conversation, turn })
                    }),
            );
        }
        if let Some(ai) = &self.wiring.ai {
            let message = CustomerTurn {
                conversation: self.profile.id,
                channel: self.profile.channel,
                turn,
                utterance,
                failed_attempts: self.bot.failed_attempts,
                failed_in_a_row: self.bot.failed_in_a_row,
                history: Arc::clone(&self.bot.history),
                previous_contact_age: self.record.previous_contact_age,
                ai_can_solve: self.profile.ai_can_solve,
                intent: self.profile.intent,
                customer: ctx.address(),
            };
            if think_time > 0.0 {
                let ai = ai.clone();
                self.wiring
                    .clock
                    .after(think_time, move || ai.do_send(message));
            } else {
                ai.do_send(message);
            }
        }
    }

    fn hand_off(&mut self, ctx: &mut Context<Self>, reason: HandoffReason) {
        let wiring = Rc::clone(&self.wiring);
        let scenario = &wiring.scenario;
        let now = wiring.clock.now();
        let intent = &scenario.intents[self.profile.intent];
        let handoff = &scenario.handoff;
        // A direct contact (no bot) is not a transfer: nothing was said
        // before, so there is no package, briefing or queue priority.
        let (plan, completeness) = if reason == HandoffReason::Direct {
            (TransferPlan::direct(), None)
        } else {
            let sentiments: Vec<f64> = self
                .bot
                .history
                .iter()
                .filter_map(|h| h.sentiment)
                .collect();
            let account_found = {
                use rand::RngExt;
                let mut rng = wiring.streams.stream(
                    handoff_model::rng::Purpose::Customer,
                    self.profile.id,
                    2,
                );
                rng.random::<f64>() < handoff.account_lookup_success
            };
            let package = ContextPackage::build(
                handoff.context,
                &ContextFacts {
                    bot_turns: self.record.bot_turns,
                    recognised_intent: self
                        .bot
                        .recognised_intent
                        .map(|i| scenario.intents[i].name.as_str()),
                    intent_correct: self.bot.recognised_intent == Some(self.profile.intent),
                    sentiments: &sentiments,
                    failed_attempts: self.bot.failed_attempts,
                    account_found,
                    transcription: match (&scenario.voice, self.profile.channel) {
                        (Some(voice), Channel::Voice) => {
                            voice.transcribe(&wiring.streams, self.profile.id)
                        }
                        _ => Transcription::Exact,
                    },
                },
            );
            let plan = handoff.policy.decide(&TransferInputs {
                channel: self.profile.channel,
                sentiment: sentiments.last().copied().unwrap_or(0.0),
                complexity: intent.complexity,
                regulated: intent.regulated,
            });
            self.record.transfer = Some(plan.mode);
            (plan, Some(package.completeness()))
        };
        // The frustration the customer takes to the queue.
        self.bot.frustration = handoff
            .effects
            .frustration_at_handoff(self.bot.frustration, now - self.arrived_at);
        self.plan = Some(plan);
        self.stage = Stage::Queued { since: now };
        self.record.handoff = Some(reason);
        self.record.queued_at = Some(now);
        self.record.context_completeness = completeness;
        // Recorded now, when it is decided, not when the conversation ends.
        wiring.records.borrow_mut().handed_off(&self.record);
        if reason != HandoffReason::Direct
            && let Some(learner) = wiring.learning.borrow_mut().as_mut()
        {
            learner.handed_off(
                self.profile.intent,
                self.profile.needs_human(),
                self.record.escalation.is_some(),
            );
        }
        // A voice transfer from the bot can drop on the call path: the call
        // never reaches the queue.
        if reason != HandoffReason::Direct
            && self.profile.channel == Channel::Voice
            && let Some(voice) = &scenario.voice
            && voice.transfer_fails(&wiring.streams, self.profile.id)
        {
            return self.finish(ctx, Outcome::Dropped);
        }
        wiring.router.do_send(RequestHuman {
            conversation: self.profile.id,
            channel: self.profile.channel,
            skill: intent.skill,
            request: HandoffRequest {
                intent: self.profile.intent,
                arrived_at: self.arrived_at,
                plan,
                context_completeness: completeness,
                frustration: self.bot.frustration,
                quoted_wait: None,
                declines: 0,
                callback: None,
                customer: ctx.address(),
            },
        });
    }

    /// Starts losing patience in the queue: after `patience` seconds (if
    /// any) the customer asks the router to let it go.
    fn start_patience(&mut self, patience: Option<f64>) {
        let Some(patience) = patience else { return };
        let router = self.wiring.router.clone();
        let conversation = self.profile.id;
        self.patience_timer = Some(
            self.wiring
                .clock
                .after(patience, move || router.do_send(Abandon { conversation })),
        );
    }

    /// The customer's patience in the queue: on voice, what the caller
    /// hears on hold changes it ([`handoff_model::voice`]).
    fn queue_patience(&self) -> Option<f64> {
        let patience = self.profile.patience?;
        Some(match (&self.wiring.scenario.voice, self.profile.channel) {
            (Some(voice), Channel::Voice) => voice.queue_patience(patience),
            _ => patience,
        })
    }

    fn stop_patience(&mut self) {
        if let Some(timer) = self.patience_timer.take() {
            self.wiring.clock.cancel(timer);
        }
    }

    /// Records the wait now, so a contact still with an agent at the end of
    /// the run counts as answered.
    fn left_queue(&mut self, since: f64, abandoned: bool) {
        let how = if abandoned {
            QueueLeft::Abandoned
        } else {
            QueueLeft::Answered
        };
        self.left_queue_for(since, how);
    }

    fn left_queue_for(&mut self, since: f64, how: QueueLeft) {
        let wait = self.wiring.clock.now() - since;
        self.record.queue_wait = Some(wait);
        self.wiring.records.borrow_mut().left_queue(&QueueExit {
            channel: self.profile.channel,
            arrived_at: self.arrived_at,
            queued_at: since,
            waited: self.record.waited,
            wait,
            how,
            estimated_wait: self.record.estimated_wait,
            wait_estimates: self.record.wait_estimates,
        });
    }

    /// The bot phase is over: hands its turns to the run's transcripts, if
    /// it keeps them.
    fn bot_phase_ended(&mut self, end: BotEnd) {
        let (Some(turns), Some(sink)) = (self.bot.transcript.take(), &self.wiring.transcripts)
        else {
            return;
        };
        let transcript = BotTranscript {
            replication: 0,
            id: self.profile.id,
            customer: self.profile.customer,
            contact: self.profile.contact,
            arrived_at: self.arrived_at,
            channel: self.profile.channel,
            previous_contact_age: self.record.previous_contact_age,
            needs_human: self.profile.needs_human(),
            turns,
            end,
        };
        sink.borrow_mut().push(transcript);
    }

    fn finish(&mut self, ctx: &mut Context<Self>, outcome: Outcome) {
        self.stage = Stage::Done;
        self.record.outcome = outcome;
        self.record.frustration = self.bot.frustration;
        let wiring = Rc::clone(&self.wiring);
        let (scenario, streams) = (&wiring.scenario, &wiring.streams);
        let mut redial_frustration = 0.0;
        let returns_after = match outcome {
            Outcome::ResolvedByHuman => None,
            // A dropped caller rings back, more frustrated.
            Outcome::Dropped => scenario.voice.as_ref().map(|voice| {
                let (delay, frustration) =
                    voice.redial(streams, self.profile.id, self.bot.frustration);
                redial_frustration = frustration - self.bot.frustration;
                delay
            }),
            Outcome::ResolvedByAi => {
                let after = self.profile.relapses(scenario, streams);
                self.record.durability = Some(durability(
                    wiring.clock.now(),
                    after,
                    scenario.durable_window.as_secs_f64(),
                    scenario.duration.as_secs_f64(),
                ));
                after
            }
            _ => self
                .profile
                .comes_back(scenario, streams, self.plan.as_ref()),
        };
        if let Some(delay) = returns_after {
            self.record.came_back = self.come_back(delay, redial_frustration);
        }
        wiring.records.borrow_mut().ended(&self.record);
        wiring.live.set(wiring.live.get() - 1);
        // Nobody holds this conversation any more (the router and the agent
        // let go before they tell the customer it is over): the actor is
        // free for the next one.
        self.wiring.idle_customers.borrow_mut().push(ctx.address());
    }

    /// The conversation begins: the customer is counted and writes to the
    /// bot (or, with the bot off, asks for a human).
    fn begin(&mut self, ctx: &mut Context<Self>) {
        self.wiring.live.set(self.wiring.live.get() + 1);
        self.wiring.records.borrow_mut().arrived(
            self.profile.id,
            self.arrived_at,
            self.profile.channel,
            self.profile.intent,
            self.profile.contact > 1,
        );
        if self.wiring.ai.is_some() {
            let utterance = opening(&self.wiring.streams, self.profile.id);
            self.say(ctx, 1, utterance, 0.0);
        } else {
            self.hand_off(ctx, HandoffReason::Direct);
        }
    }

    /// A message for a conversation that has ended would be a routing bug:
    /// with reused actors it would land on the next conversation.
    fn expect_in_progress(&self) {
        assert!(
            self.stage != Stage::Done,
            "a message for conversation {}, which has ended",
            self.profile.id
        );
    }

    /// The customer comes back `delay` seconds from now as a new
    /// conversation, if that is inside the run (then `true`), with `extra`
    /// frustration beyond a repeat contact's.
    fn come_back(&self, delay: f64, extra: f64) -> bool {
        let wiring = Rc::clone(&self.wiring);
        let at = wiring.clock.now() + delay;
        if at >= wiring.scenario.duration.as_secs_f64() {
            return false;
        }
        let mut profile = self
            .profile
            .repeat(&wiring.scenario, &wiring.streams, self.arrived_at);
        profile.frustration = (profile.frustration + extra).min(1.0);
        let clock = wiring.clock.clone();
        clock.at(at, move || start_conversation(&wiring, profile, at));
        true
    }
}

impl Actor for Customer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.begin(ctx);
    }
}

impl Handler<Begin> for Customer {
    type Result = ();

    fn handle(&mut self, begin: Begin, ctx: &mut Context<Self>) {
        debug_assert_eq!(self.stage, Stage::Done);
        *self = Customer::new(begin.profile, Rc::clone(&self.wiring), begin.arrived_at);
        self.begin(ctx);
    }
}

impl Handler<TurnOutcome> for Customer {
    type Result = ();

    fn handle(&mut self, outcome: TurnOutcome, ctx: &mut Context<Self>) {
        // The caller hung up on dead air before the reply came (the only
        // way a conversation ends with a reply in flight): the reply is for
        // a conversation that has ended, and this actor may be on the next.
        if outcome.conversation != self.profile.id || self.stage == Stage::Done {
            return;
        }
        if let Some(timer) = self.line_dead_timer.take() {
            self.wiring.clock.cancel(timer);
        }
        let Stage::Bot { turn } = self.stage else {
            unreachable!(
                "a bot reply for conversation {}, which is not in the bot ({:?})",
                self.profile.id, self.stage
            );
        };
        debug_assert_eq!(turn, outcome.turn);
        // On voice the caller heard the turn's wait: dead air on silence.
        if self.profile.channel == Channel::Voice
            && let Some(voice) = &self.wiring.scenario.voice
        {
            let waited = self.wiring.clock.now() - self.bot.turn_sent_at;
            let dead = voice.dead_air(waited, self.bot.frustration);
            self.bot.frustration = dead.frustration;
            self.record.dead_air += dead.seconds;
            if dead.hung_up {
                // The caller thought the line dropped and hung up before
                // the bot's reply.
                self.record.hung_up_on_dead_air = true;
                self.bot_phase_ended(BotEnd::AbandonedInBot);
                return self.finish(ctx, Outcome::AbandonedInBot);
            }
        }
        // The turn in flight has come back, so the history is not shared
        // any more and this does not copy it.
        Arc::make_mut(&mut self.bot.history).push(outcome.decision.signals);
        self.bot.recognised_intent = Some(outcome.recognised_intent);
        if let Some(turns) = &mut self.bot.transcript {
            turns.push(BotTurnLog {
                utterance: self.bot.utterance,
                confidence: outcome.confidence,
                recognised_intent: outcome.recognised_intent,
                correct: outcome.correct,
            });
        }
        if let Some(kind) = outcome.decision.primary() {
            self.record.escalation = Some(Escalation {
                kind,
                turn,
                after: self.wiring.clock.now() - self.arrived_at,
            });
            self.bot_phase_ended(BotEnd::Escalated(kind));
            return self.hand_off(ctx, HandoffReason::Trigger(kind));
        }
        if outcome.correct {
            self.bot_phase_ended(BotEnd::ResolvedByAi);
            return self.finish(ctx, Outcome::ResolvedByAi);
        }
        self.bot.failed_attempts += 1;
        self.bot.failed_in_a_row += 1;
        let wiring = Rc::clone(&self.wiring);
        let max_turns = wiring.scenario.ai.as_ref().map_or(0, |ai| ai.max_turns);
        let next = after_failed_turn(
            &wiring.scenario,
            &wiring.streams,
            self.profile.id,
            turn,
            self.bot.frustration,
        );
        match next {
            NextStep::GiveUp { frustration } => {
                self.bot.frustration = frustration;
                self.bot_phase_ended(BotEnd::AbandonedInBot);
                self.finish(ctx, Outcome::AbandonedInBot)
            }
            NextStep::Reply { frustration, .. } if turn >= max_turns => {
                self.bot.frustration = frustration;
                self.bot_phase_ended(BotEnd::BotFallback);
                self.hand_off(ctx, HandoffReason::BotFallback)
            }
            NextStep::Reply {
                think_time,
                utterance,
                frustration,
                ..
            } => {
                self.bot.frustration = frustration;
                self.say(ctx, turn + 1, utterance, think_time);
            }
        }
    }
}

impl Handler<CallbackAnswered> for Customer {
    type Result = ();

    fn handle(&mut self, _: CallbackAnswered, _: &mut Context<Self>) {
        let Stage::Callback { accepted_at } = self.stage else {
            unreachable!(
                "conversation {} answered a callback it did not wait for",
                self.profile.id
            );
        };
        let after = self.wiring.clock.now() - accepted_at;
        self.wiring
            .records
            .borrow_mut()
            .recorder
            .callback_reached(self.arrived_at, after);
        self.record.callback_reached_after = Some(after);
        self.stage = Stage::WithAgent;
    }
}

impl Handler<CallbackUnanswered> for Customer {
    type Result = ();

    /// The call back went unanswered: another try after `retry_after`, or,
    /// after the last attempt, the callback is never reached.
    fn handle(&mut self, unanswered: CallbackUnanswered, ctx: &mut Context<Self>) {
        debug_assert!(matches!(self.stage, Stage::Callback { .. }));
        let wiring = Rc::clone(&self.wiring);
        wiring
            .records
            .borrow_mut()
            .recorder
            .callback_unanswered(self.arrived_at);
        let callbacks = wiring
            .scenario
            .callbacks
            .expect("only a scenario with callbacks calls back");
        let attempts = unanswered.request.callback.unwrap_or(0);
        if attempts >= callbacks.max_attempts {
            return self.finish(ctx, Outcome::CallbackMissed);
        }
        let retry = RetryCallback {
            conversation: self.profile.id,
            channel: self.profile.channel,
            skill: wiring.scenario.intents[self.profile.intent].skill,
            request: unanswered.request,
        };
        let router = wiring.router.clone();
        wiring
            .clock
            .after(callbacks.retry_after, move || router.do_send(retry));
    }
}

impl Handler<LineDead> for Customer {
    type Result = ();

    /// `line_dead_after` seconds of silence since the caller spoke and no
    /// reply: the caller thinks the line dropped and hangs up, having
    /// heard exactly that much dead air on this turn.
    fn handle(&mut self, LineDead { conversation, turn }: LineDead, ctx: &mut Context<Self>) {
        if conversation != self.profile.id || self.stage != (Stage::Bot { turn }) {
            return;
        }
        self.line_dead_timer = None;
        let wiring = Rc::clone(&self.wiring);
        let Some(voice) = &wiring.scenario.voice else {
            return;
        };
        let dead = voice.dead_air(voice.line_dead_after, self.bot.frustration);
        self.bot.frustration = dead.frustration;
        self.record.dead_air += dead.seconds;
        self.record.hung_up_on_dead_air = true;
        self.bot_phase_ended(BotEnd::AbandonedInBot);
        self.finish(ctx, Outcome::AbandonedInBot);
    }
}

impl Handler<BotUnavailable> for Customer {
    type Result = ();

    fn handle(&mut self, _: BotUnavailable, ctx: &mut Context<Self>) {
        self.expect_in_progress();
        debug_assert!(matches!(self.stage, Stage::Bot { .. }));
        self.bot_phase_ended(BotEnd::AiOutage);
        self.hand_off(ctx, HandoffReason::AiOutage);
    }
}

impl Handler<Queued> for Customer {
    type Result = ();

    /// No agent was free: a customer handed over by the bot hears the
    /// expectation message (if the platform sends one) and is patient for
    /// longer; then it starts to lose patience. A direct contact (bot off)
    /// hears no handoff message: its patience is the configured one. The
    /// router's estimate is recorded either way, to measure the estimator.
    fn handle(&mut self, queued: Queued, _: &mut Context<Self>) {
        self.expect_in_progress();
        let handoff = &self.wiring.scenario.handoff;
        let mut patience = self.queue_patience();
        self.record.estimated_wait = Some(queued.estimated_wait);
        self.record.wait_estimates = Some(queued.estimates);
        if let Some(accepted) = queued.callback {
            self.wiring
                .records
                .borrow_mut()
                .recorder
                .callback_offered(self.arrived_at, accepted);
            if accepted {
                // Off the line: it leaves the queue for the callback lane
                // and no longer abandons.
                let Stage::Queued { since } = self.stage else {
                    unreachable!("a callback for conversation {} not queued", self.profile.id);
                };
                self.record.waited = true;
                self.left_queue_for(since, QueueLeft::Callback);
                self.stage = Stage::Callback {
                    accepted_at: self.wiring.clock.now(),
                };
                return;
            }
        }
        if let Some(quote) = queued.quoted_wait {
            let message = expectation_message(quote, handoff.context == ContextMode::Structured);
            self.record.estimated_wait = Some(message.estimated_wait);
            patience = patience.map(|p| p * handoff.expectation_patience_boost);
        }
        self.start_patience(patience);
    }
}

impl Handler<Connected> for Customer {
    type Result = ();

    fn handle(&mut self, connected: Connected, _: &mut Context<Self>) {
        // The agent calls back: reached or not, the agent says
        // (`CallbackAnswered` / `CallbackUnanswered`); no bot line is held.
        if matches!(self.stage, Stage::Callback { .. }) {
            return;
        }
        // A voice whisper holds the bot's line too, for its length.
        if let Some(plan) = self.plan
            && self.profile.channel == Channel::Voice
            && handling::briefed(&plan)
        {
            self.record.consult_line += plan.briefing;
        }
        if self.stage == Stage::HandedBack {
            self.stop_patience();
            self.stage = Stage::WithAgent;
            return;
        }
        let Stage::Queued { since } = self.stage else {
            unreachable!(
                "router connected conversation {} that was not queued",
                self.profile.id
            );
        };
        self.stop_patience();
        let _ = connected.agent;
        self.record.waited = connected.waited;
        self.left_queue(since, false);
        self.stage = Stage::WithAgent;
    }
}

impl Handler<LeftQueue> for Customer {
    type Result = ();

    fn handle(&mut self, _: LeftQueue, ctx: &mut Context<Self>) {
        if self.stage == Stage::HandedBack {
            // Answered once already (its queue exit is recorded); it now
            // gives up waiting for a second agent.
            return self.finish(ctx, Outcome::AbandonedInQueue);
        }
        let Stage::Queued { since } = self.stage else {
            unreachable!(
                "conversation {} left a queue it was not in",
                self.profile.id
            );
        };
        self.record.waited = true;
        self.left_queue(since, true);
        self.finish(ctx, Outcome::AbandonedInQueue);
    }
}

impl Handler<HandedBack> for Customer {
    type Result = ();

    /// Back in the queue: the customer is patient again, for the
    /// configured patience (no second expectation message).
    fn handle(&mut self, back: HandedBack, _: &mut Context<Self>) {
        self.expect_in_progress();
        // A callback attempt cut short (the agent went off duty): it waits
        // in its lane for the next agent.
        if matches!(self.stage, Stage::Callback { .. }) {
            return;
        }
        if back.declined {
            self.record.declines += 1;
            self.record.agent_time += self.plan.map_or(0.0, |p| p.briefing);
        }
        debug_assert_eq!(self.stage, Stage::WithAgent);
        self.stage = Stage::HandedBack;
        self.start_patience(self.queue_patience());
    }
}

impl Handler<CentreClosed> for Customer {
    type Result = ();

    /// Nobody who could take the contact is on duty: the closed message
    /// plays and the conversation ends.
    fn handle(&mut self, _: CentreClosed, ctx: &mut Context<Self>) {
        self.expect_in_progress();
        debug_assert!(matches!(self.stage, Stage::Queued { .. }));
        self.finish(ctx, Outcome::Closed);
    }
}

impl Handler<HumanFinished> for Customer {
    type Result = ();

    fn handle(&mut self, done: HumanFinished, ctx: &mut Context<Self>) {
        self.expect_in_progress();
        debug_assert_eq!(self.stage, Stage::WithAgent);
        self.record.handle_time = Some(done.handle_time);
        self.record.clarification = Some(done.clarification);
        self.record.repeated = done.repeated;
        self.record.frustration_at_connection = Some(done.frustration_at_connection);
        self.record.agent_time += done.handle_time + done.wrap_up;
        self.bot.frustration = done.frustration;
        let outcome = if done.resolved {
            Outcome::ResolvedByHuman
        } else {
            Outcome::Unresolved
        };
        self.finish(ctx, outcome);
    }
}

//! The clock seam: the only place the model reads time or sets a timer.
//!
//! Two clocks behind one API ([`Clock::now`], [`Clock::at`], [`Clock::after`],
//! [`Clock::cancel`]); the model never knows which it runs on.
//!
//! - **Virtual time** ([`Timeline`]): an event heap of timer actions keyed by
//!   (time in nanoseconds, order of setting). [`Timeline::run`] drives the
//!   actors' `LocalSet` itself: it polls it until every actor is idle, then
//!   advances the clock to the earliest timer and fires every action due at
//!   that instant, in the order they were set. No tokio timer, no runtime park
//!   and no system clock read is involved, so a simulated day runs as fast as
//!   the events can be processed, and times are exact to the nanosecond.
//! - **Wall clock** (load mode): the same actions on tokio timers, optionally
//!   accelerated by `speed` simulated seconds per real second.
//!
//! A timer action is a closure that sends a message (or starts an actor); it
//! runs outside any actor, so an action never holds an actor's state.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use tokio::task::{JoinHandle, LocalSet};
use tokio::time::Instant;

/// Longest timer the model sets (about a century), in seconds.
const MAX_DELAY_SECONDS: f64 = 3.2e9;

/// Nanoseconds per second.
const NS: f64 = 1e9;

type Action = Box<dyn FnOnce()>;

/// Simulated time since the start of the run, and timers.
#[derive(Clone)]
pub struct Clock(Kind);

#[derive(Clone)]
enum Kind {
    Virtual(Rc<Timeline>),
    Wall {
        origin: Instant,
        /// Simulated seconds per real second.
        speed: f64,
    },
}

/// A timer set with [`Clock::at`] or [`Clock::after`], for [`Clock::cancel`].
#[derive(Debug)]
pub enum Timer {
    Virtual(TimerKey),
    Wall(JoinHandle<()>),
}

/// A slot of the timeline's action table and its generation: a cancelled
/// or fired timer's key never matches a later timer in the same slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimerKey {
    slot: u32,
    generation: u32,
}

impl Clock {
    /// A virtual clock reading the timeline.
    pub fn virtual_time(timeline: Rc<Timeline>) -> Clock {
        Clock(Kind::Virtual(timeline))
    }

    /// The wall clock from now (simulated time 0), sped up by `speed`.
    /// Must be called inside a tokio runtime with time enabled.
    pub fn wall(speed: f64) -> Clock {
        Clock(Kind::Wall {
            origin: Instant::now(),
            speed,
        })
    }

    /// Simulated seconds since the start.
    pub fn now(&self) -> f64 {
        match &self.0 {
            Kind::Virtual(timeline) => timeline.now_ns() as f64 / NS,
            Kind::Wall { origin, speed } => origin.elapsed().as_secs_f64() * speed,
        }
    }

    /// Runs `action` after a model delay of `seconds`. Delays beyond a
    /// century (a heavy-tailed draw) are capped: they outlast any run; a
    /// negative or NaN delay (never produced by a validated distribution)
    /// counts as zero.
    pub fn after(&self, seconds: f64, action: impl FnOnce() + 'static) -> Timer {
        let seconds = if seconds.is_nan() {
            0.0
        } else {
            seconds.clamp(0.0, MAX_DELAY_SECONDS)
        };
        match &self.0 {
            Kind::Virtual(timeline) => {
                let at = timeline.now_ns() + (seconds * NS).round() as u64;
                Timer::Virtual(timeline.set(at, Box::new(action)))
            }
            Kind::Wall { speed, .. } => {
                let sleep = Duration::from_secs_f64(seconds / speed);
                Timer::Wall(tokio::task::spawn_local(async move {
                    tokio::time::sleep(sleep).await;
                    action();
                }))
            }
        }
    }

    /// Runs `action` at simulated time `t` (at once, after the work of this
    /// instant, if `t` has passed).
    pub fn at(&self, t: f64, action: impl FnOnce() + 'static) -> Timer {
        self.after(t - self.now(), action)
    }

    /// Cancels a timer that has not fired (a fired one is left alone).
    pub fn cancel(&self, timer: Timer) {
        match (&self.0, timer) {
            (Kind::Virtual(timeline), Timer::Virtual(key)) => timeline.cancel(key),
            (_, Timer::Wall(handle)) => handle.abort(),
            (Kind::Wall { .. }, Timer::Virtual(_)) => {
                unreachable!("a virtual timer on the wall clock")
            }
        }
    }
}

/// Virtual time: pending timer actions in (time, order set) order.
pub struct Timeline {
    now: Cell<u64>,
    order: Cell<u64>,
    heap: RefCell<BinaryHeap<Reverse<Entry>>>,
    slots: RefCell<Slots>,
}

/// A pending timer in the heap: when, in what order it was set, and where its
/// action is.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    at: u64,
    order: u64,
    key: TimerKey,
}

/// The actions of pending timers, in reusable slots.
#[derive(Default)]
struct Slots {
    actions: Vec<(u32, Option<Action>)>,
    free: Vec<u32>,
}

impl Slots {
    fn insert(&mut self, action: Action) -> TimerKey {
        match self.free.pop() {
            Some(slot) => {
                let entry = &mut self.actions[slot as usize];
                entry.1 = Some(action);
                TimerKey {
                    slot,
                    generation: entry.0,
                }
            }
            None => {
                let slot = u32::try_from(self.actions.len()).expect("fewer than 2^32 timers");
                self.actions.push((0, Some(action)));
                TimerKey {
                    slot,
                    generation: 0,
                }
            }
        }
    }

    /// Takes the action out if the key is current, and frees the slot.
    fn take(&mut self, key: TimerKey) -> Option<Action> {
        let entry = &mut self.actions[key.slot as usize];
        if entry.0 != key.generation {
            return None;
        }
        entry.0 = entry.0.wrapping_add(1);
        self.free.push(key.slot);
        entry.1.take()
    }
}

/// Records whether the `LocalSet` asked to be polled again.
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Timeline {
    pub fn new() -> Timeline {
        Timeline {
            now: Cell::new(0),
            order: Cell::new(0),
            heap: RefCell::new(BinaryHeap::new()),
            slots: RefCell::new(Slots::default()),
        }
    }

    fn now_ns(&self) -> u64 {
        self.now.get()
    }

    fn set(&self, at: u64, action: Action) -> TimerKey {
        let key = self.slots.borrow_mut().insert(action);
        let order = self.order.get();
        self.order.set(order + 1);
        self.heap
            .borrow_mut()
            .push(Reverse(Entry { at, order, key }));
        TimerKey {
            slot: key.slot,
            generation: key.generation,
        }
    }

    fn cancel(&self, key: TimerKey) {
        // The heap entry stays until its time comes; its action is gone.
        drop(self.slots.borrow_mut().take(key));
    }

    /// Timers still pending (cancelled ones not counted).
    pub fn pending(&self) -> usize {
        let slots = self.slots.borrow();
        slots.actions.len() - slots.free.len()
    }

    /// Runs the actors of `local` in virtual time until simulated time
    /// `end` (seconds): every timer due before `end` fires; the clock then
    /// reads `end`, with every actor idle. Must be called inside a tokio
    /// runtime context.
    pub fn run(&self, local: &mut LocalSet, end: f64) {
        let end = (end.max(0.0) * NS).round() as u64;
        let woken = Arc::new(Woken(AtomicBool::new(false)));
        let waker = Waker::from(Arc::clone(&woken));
        let mut cx = Context::from_waker(&waker);
        loop {
            // Every actor runs until it waits for a message or a timer.
            loop {
                woken.0.store(false, Ordering::Relaxed);
                match Pin::new(&mut *local).poll(&mut cx) {
                    Poll::Ready(()) => break,
                    Poll::Pending if !woken.0.load(Ordering::Relaxed) => break,
                    Poll::Pending => {}
                }
            }
            // Then the clock moves to the next instant with a live timer.
            let _inside = local.enter();
            let Some(at) = self.next_live(end) else {
                self.now.set(self.now.get().max(end));
                return;
            };
            self.now.set(at);
            while let Some(action) = self.take_due(at) {
                action();
            }
        }
    }

    /// The time of the earliest timer not cancelled, if before `end`.
    fn next_live(&self, end: u64) -> Option<u64> {
        let mut heap = self.heap.borrow_mut();
        let slots = self.slots.borrow();
        while let Some(Reverse(entry)) = heap.peek() {
            let (generation, action) = &slots.actions[entry.key.slot as usize];
            if *generation == entry.key.generation && action.is_some() {
                return (entry.at < end).then_some(entry.at);
            }
            heap.pop();
        }
        None
    }

    /// The next action due at `at` (skipping cancelled ones), in the order
    /// the timers were set. Actions that set timers for this same instant
    /// run in this pass too, after those set before them.
    fn take_due(&self, at: u64) -> Option<Action> {
        loop {
            let entry = {
                let mut heap = self.heap.borrow_mut();
                match heap.peek() {
                    Some(Reverse(entry)) if entry.at <= at => heap.pop()?.0,
                    _ => return None,
                }
            };
            if let Some(action) = self.slots.borrow_mut().take(entry.key) {
                return Some(action);
            }
        }
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn timers_fire_in_time_then_setting_order_and_cancelled_ones_never() {
        let rt = runtime();
        let _rt = rt.enter();
        let mut local = LocalSet::new();
        let timeline = Rc::new(Timeline::new());
        let clock = Clock::virtual_time(Rc::clone(&timeline));
        let log = Rc::new(RefCell::new(Vec::new()));
        let note = |name: &'static str| {
            let (log, clock) = (Rc::clone(&log), clock.clone());
            move || log.borrow_mut().push((name, clock.now()))
        };
        clock.after(2.0, note("b"));
        clock.after(1.0, note("a"));
        clock.after(2.0, note("c"));
        let gone = clock.after(1.5, note("cancelled"));
        clock.cancel(gone);
        // A timer set by an action, for the same instant, runs after it.
        {
            let (clock2, log2) = (clock.clone(), Rc::clone(&log));
            clock.at(3.0, move || {
                log2.borrow_mut().push(("d", clock2.now()));
                let log3 = Rc::clone(&log2);
                clock2.after(0.0, move || log3.borrow_mut().push(("e", 3.0)));
            });
        }
        clock.after(10.0, note("after the end"));
        timeline.run(&mut local, 5.0);
        assert_eq!(
            *log.borrow(),
            vec![("a", 1.0), ("b", 2.0), ("c", 2.0), ("d", 3.0), ("e", 3.0)]
        );
        assert_eq!(clock.now(), 5.0);
        assert_eq!(timeline.pending(), 1);
    }

    #[test]
    fn delays_are_capped_and_bad_ones_are_zero() {
        let rt = runtime();
        let _rt = rt.enter();
        let mut local = LocalSet::new();
        let timeline = Rc::new(Timeline::new());
        let clock = Clock::virtual_time(Rc::clone(&timeline));
        let fired = Rc::new(Cell::new(0));
        for delay in [-5.0, f64::NAN, f64::INFINITY] {
            let fired = Rc::clone(&fired);
            clock.after(delay, move || fired.set(fired.get() + 1));
        }
        timeline.run(&mut local, 1.0);
        assert_eq!(fired.get(), 2);
        timeline.run(&mut local, MAX_DELAY_SECONDS + 1.0);
        assert_eq!(fired.get(), 3);
    }

    #[test]
    fn actors_run_to_idle_before_the_clock_moves() {
        use actix::prelude::*;

        struct Counter(Rc<Cell<u32>>, Clock, Rc<RefCell<Vec<(u32, f64)>>>);
        impl Actor for Counter {
            type Context = actix::Context<Self>;
        }
        #[derive(Message)]
        #[rtype(result = "()")]
        struct Bump(u32);
        impl Handler<Bump> for Counter {
            type Result = ();
            fn handle(&mut self, Bump(left): Bump, ctx: &mut actix::Context<Self>) {
                self.0.set(self.0.get() + 1);
                self.2.borrow_mut().push((self.0.get(), self.1.now()));
                if left > 0 {
                    // A chain of messages in one instant, then a timer.
                    ctx.address().do_send(Bump(left - 1));
                } else if self.0.get() < 6 {
                    let me = ctx.address();
                    self.1.after(1.0, move || me.do_send(Bump(2)));
                }
            }
        }
        let rt = runtime();
        let _rt = rt.enter();
        let mut local = LocalSet::new();
        let timeline = Rc::new(Timeline::new());
        let clock = Clock::virtual_time(Rc::clone(&timeline));
        let log = Rc::new(RefCell::new(Vec::new()));
        {
            let _inside = local.enter();
            let counter = Counter(Rc::new(Cell::new(0)), clock.clone(), Rc::clone(&log)).start();
            counter.do_send(Bump(2));
        }
        timeline.run(&mut local, 100.0);
        assert_eq!(
            *log.borrow(),
            vec![(1, 0.0), (2, 0.0), (3, 0.0), (4, 1.0), (5, 1.0), (6, 1.0)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn wall_clock_delays_are_scaled() {
        let local = LocalSet::new();
        local
            .run_until(async {
                let clock = Clock::wall(60.0);
                let fired = Rc::new(Cell::new(None));
                let (f, c) = (Rc::clone(&fired), clock.clone());
                clock.after(120.0, move || f.set(Some(c.now())));
                let (f2, c2) = (Rc::new(Cell::new(false)), clock.clone());
                let cancelled = clock.after(60.0, {
                    let f2 = Rc::clone(&f2);
                    move || f2.set(true)
                });
                c2.cancel(cancelled);
                tokio::time::sleep(Duration::from_secs(3)).await;
                let at = fired.get().expect("fired after 2 real seconds");
                assert!((at - 120.0).abs() < 0.1, "{at}");
                assert!(!f2.get());
                assert!((clock.now() - 180.0).abs() < 1e-6);
            })
            .await;
    }
}

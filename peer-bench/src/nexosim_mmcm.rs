//! M/M/c+M (Erlang A) call centre on nexosim 1.0, "two models, one thread".
//!
//! * `Source` owns the single RNG (`Pcg64Mcg`). It self-schedules its next
//!   arrival and, for each call, draws the handle time and the patience and
//!   sends the call to the `Centre` through an `Output<Call>`.
//! * `Centre` holds the agents and the FIFO queue. It self-schedules
//!   departures (plain events) and abandonments (keyed, cancellable events:
//!   the key is cancelled when a waiting call reaches an agent, so patience
//!   only runs while the call waits).
//!
//! Counters (arrivals, waited, abandoned) live in `Centre` and are read back
//! after the run with a query (`QuerySource` -> replier method).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::{Output, QuerySource};
use nexosim::simulation::{EventKey, Mailbox, SimInit};
use nexosim::time::MonotonicTime;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::workload::{AGENTS, ARRIVAL_RATE, HORIZON_SECS, MEAN_HANDLE, MEAN_PATIENCE, Outcome};

/// Converts a sampled duration in seconds to a `Duration` that is strictly
/// positive (nexosim refuses to schedule an event at the current time).
#[inline]
fn delay(secs: f64) -> Duration {
    Duration::from_secs_f64(secs).max(Duration::from_nanos(1))
}

/// A call as sent from the source to the centre.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Call {
    pub id: u64,
    pub handle: Duration,
    pub patience: Duration,
}

// ---------------------------------------------------------------- Source ---

#[derive(Serialize, Deserialize)]
pub struct Source {
    /// Calls to the centre -- output port.
    pub call_out: Output<Call>,
    rng: Pcg64Mcg,
    next_id: u64,
}

#[Model]
impl Source {
    pub fn new(seed: u64) -> Self {
        Self {
            call_out: Output::default(),
            rng: Pcg64Mcg::seed_from_u64(seed),
            next_id: 0,
        }
    }

    #[inline]
    fn exp(&mut self, mean: f64) -> f64 {
        let x: f64 = Exp1.sample(&mut self.rng);
        x * mean
    }

    /// Schedules the first arrival.
    #[nexosim(init)]
    async fn init(&mut self, cx: &Context<Self>) {
        let dt = delay(self.exp(1.0 / ARRIVAL_RATE));
        cx.schedule_event(dt, schedulable!(Self::arrive), ())
            .unwrap();
    }

    /// One arrival: emit the call, then self-schedule the next arrival.
    #[nexosim(schedulable)]
    async fn arrive(&mut self, _: (), cx: &Context<Self>) {
        let call = Call {
            id: self.next_id,
            handle: delay(self.exp(MEAN_HANDLE)),
            patience: delay(self.exp(MEAN_PATIENCE)),
        };
        self.next_id += 1;
        let dt = delay(self.exp(1.0 / ARRIVAL_RATE));
        cx.schedule_event(dt, schedulable!(Self::arrive), ())
            .unwrap();
        self.call_out.send(call).await;
    }
}

// ---------------------------------------------------------------- Centre ---

#[derive(Serialize, Deserialize)]
struct Waiting {
    id: u64,
    handle: Duration,
    abandon_key: EventKey,
}

#[derive(Serialize, Deserialize)]
pub struct Centre {
    agents: u32,
    busy: u32,
    /// FIFO queue; ids are strictly increasing front to back.
    queue: VecDeque<Waiting>,
    arrivals: u64,
    waited: u64,
    abandoned: u64,
}

#[Model]
impl Centre {
    pub fn new(agents: u32) -> Self {
        Self {
            agents,
            busy: 0,
            queue: VecDeque::new(),
            arrivals: 0,
            waited: 0,
            abandoned: 0,
        }
    }

    /// Incoming call -- input port.
    pub fn call_in(&mut self, call: Call, cx: &Context<Self>) {
        self.arrivals += 1;
        if self.busy < self.agents {
            self.busy += 1;
            cx.schedule_event(call.handle, schedulable!(Self::depart), ())
                .unwrap();
        } else {
            self.waited += 1;
            let abandon_key = cx
                .schedule_keyed_event(call.patience, schedulable!(Self::abandon), call.id)
                .unwrap();
            self.queue.push_back(Waiting {
                id: call.id,
                handle: call.handle,
                abandon_key,
            });
        }
    }

    /// An agent finishes a call: take the head of the queue, if any.
    #[nexosim(schedulable)]
    fn depart(&mut self, _: (), cx: &Context<Self>) {
        if let Some(w) = self.queue.pop_front() {
            // The call is now in service: its patience no longer counts.
            w.abandon_key.cancel();
            cx.schedule_event(w.handle, schedulable!(Self::depart), ())
                .unwrap();
        } else {
            self.busy -= 1;
        }
    }

    /// Patience of a waiting call runs out.
    #[nexosim(schedulable)]
    fn abandon(&mut self, id: u64) {
        // Defensive: if the key was cancelled the event never fires, but a
        // call no longer in the queue is simply ignored.
        if let Ok(i) = self.queue.binary_search_by_key(&id, |w| w.id) {
            self.queue.remove(i);
            self.abandoned += 1;
        }
    }

    /// (arrivals, waited, abandoned) -- replier port.
    pub async fn stats(&mut self) -> (u64, u64, u64) {
        (self.arrivals, self.waited, self.abandoned)
    }
}

// ------------------------------------------------------------------ Runner ---

/// Builds the two-model bench on one thread, runs it to the 10-day horizon
/// and returns the counts and the wall time of the run.
pub fn run_nexosim(seed: u64) -> Outcome {
    let mut source = Source::new(seed);
    let centre = Centre::new(AGENTS);

    let source_mbox = Mailbox::new();
    let centre_mbox = Mailbox::new();

    source.call_out.connect(Centre::call_in, &centre_mbox);

    let mut bench = SimInit::with_num_threads(1);
    let stats = QuerySource::new()
        .connect(Centre::stats, &centre_mbox)
        .register(&mut bench);

    let t0 = MonotonicTime::EPOCH;
    let mut simu = bench
        .add_model(source, source_mbox, "source")
        .add_model(centre, centre_mbox, "centre")
        .init(t0)
        .expect("simulation init");

    let start = Instant::now();
    simu.step_until(t0 + Duration::from_secs(HORIZON_SECS))
        .expect("simulation run");
    let seconds = start.elapsed().as_secs_f64();

    let (calls, waited, abandoned) = simu.process_query(&stats, ()).expect("stats query");

    Outcome {
        calls,
        waited,
        abandoned,
        seconds,
    }
}

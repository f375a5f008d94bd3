//! Queueing theory for validation and staffing estimates: Erlang B, Erlang C
//! (M/M/c) and Erlang A (M/M/c+M, Palm's model with exponential patience).
//!
//! Numerically stable for thousands of agents: Erlang B by its recursion
//! B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) (no factorials, no powers),
//! Erlang C from B, and Erlang A from the birth–death stationary distribution
//! computed as ratios to the state with all agents busy. Pure functions.
//!
//! A staffing curve ([`StaffingCurve`]) costs time linear in its length: it
//! carries the Erlang B recursion from one number of agents to the next and
//! evaluates Erlang A in closed form (a confluent hypergeometric function,
//! i.e. an incomplete gamma function) instead of walking the queue's chain,
//! which grows with the overload.
//!
//! Time unit: whatever the caller uses for `arrival_rate`, `mean_handle` and
//! `mean_patience` (the CLI uses seconds). `service_level(t)` is the
//! probability that a contact is *answered* within `t`; an abandoned contact
//! counts as not answered.

use serde::Serialize;

/// An M/M/c (+M) queue.
///
/// ```
/// use handoff_model::theory::Queue;
///
/// // 720 calls an hour, 4-minute calls (48 Erl) on 55 agents.
/// let erlang_c = Queue { arrival_rate: 0.2, mean_handle: 240.0, agents: 55, mean_patience: None };
/// let p = erlang_c.predict(15.0).unwrap();
/// assert!((p.probability_wait - 0.2387).abs() < 1e-4);
///
/// // The same queue with customers who wait 3 minutes on average (Erlang A).
/// let erlang_a = Queue { mean_patience: Some(180.0), ..erlang_c };
/// let a = erlang_a.predict(15.0).unwrap();
/// assert!(a.probability_wait < p.probability_wait && a.probability_abandon > 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    /// λ: arrivals per time unit.
    pub arrival_rate: f64,
    /// 1/μ: mean handle time.
    pub mean_handle: f64,
    /// c: number of agents.
    pub agents: u32,
    /// 1/θ: mean patience; `None` = infinite (Erlang C).
    pub mean_patience: Option<f64>,
}

/// What the models predict for one queue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prediction {
    /// Offered load a = λ/μ in Erlangs.
    pub offered_load: f64,
    /// a / c.
    pub load_per_agent: f64,
    /// P(wait > 0): probability an arrival finds every agent busy.
    pub probability_wait: f64,
    /// Mean time in queue over all arrivals (those served at once count 0).
    pub mean_wait: f64,
    /// Probability an arrival abandons (0 for Erlang C).
    pub probability_abandon: f64,
    /// P(answered within `threshold`).
    pub service_level: f64,
    pub threshold: f64,
    /// Fraction of agent time spent serving.
    pub occupancy: f64,
}

/// Relaxation time, in seconds, of a pool of `slots` servers each holding a
/// contact for `mean_holding` seconds on average, at `utilisation` (0 … 1):
/// the time scale on which the queue forgets where it was,
/// 1 / (μ (√c − √a)²) with a = utilisation · c, the spectral-gap
/// approximation for M/M/c (Abate and Whitt, "Transient behavior of the
/// M/M/1 queue", 1987; Whitt, "Planning queueing simulations", *Management
/// Science* 35, 1989). Output statistics of a run are correlated over a few
/// relaxation times, so batches must be longer than that. Infinite at or
/// above saturation; `None` without the data to say (no slots, no holding
/// time).
pub fn relaxation_time(mean_holding: f64, slots: f64, utilisation: f64) -> Option<f64> {
    if !(mean_holding > 0.0 && slots > 0.0 && utilisation.is_finite()) {
        return None;
    }
    let gap = slots.sqrt() - (utilisation.clamp(0.0, 1.0) * slots).sqrt();
    Some(if gap <= 0.0 {
        f64::INFINITY
    } else {
        mean_holding / (gap * gap)
    })
}

/// Erlang B blocking probability for offered load `a` on `c` servers.
pub fn erlang_b(a: f64, c: u32) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Erlang C probability of waiting; 1 when the queue is unstable (a ≥ c).
pub fn erlang_c(a: f64, c: u32) -> f64 {
    let c_f = f64::from(c);
    if a >= c_f {
        return 1.0;
    }
    let b = erlang_b(a, c);
    c_f * b / (c_f - a * (1.0 - b))
}

impl Queue {
    pub fn offered_load(&self) -> f64 {
        self.arrival_rate * self.mean_handle
    }

    /// Erlang C (infinite patience) or Erlang A predictions at `threshold`.
    /// Returns `None` for an unstable Erlang C queue (load ≥ agents), where no
    /// steady state exists, and for an Erlang A queue whose queue-length law
    /// does not fall off within ten million waiting contacts (patience so long
    /// against the overload that the truncation would be wrong).
    pub fn predict(&self, threshold: f64) -> Option<Prediction> {
        match self.mean_patience {
            None => self.erlang_c(threshold),
            Some(patience) => self.erlang_a(patience, threshold),
        }
    }

    fn erlang_c(&self, threshold: f64) -> Option<Prediction> {
        self.erlang_c_with_blocking(erlang_b(self.offered_load(), self.agents), threshold)
    }

    /// Erlang C from this queue's Erlang B blocking probability, so a
    /// staffing curve can carry the B recursion from one row to the next.
    fn erlang_c_with_blocking(&self, blocking: f64, threshold: f64) -> Option<Prediction> {
        let a = self.offered_load();
        let c = f64::from(self.agents);
        if a >= c {
            return None;
        }
        let pw = c * blocking / (c - a * (1.0 - blocking));
        // Gross, Shortle, Thompson & Harris, Fundamentals of Queueing Theory
        // (4th ed.), §2.3: Wq = C/(cμ − λ); P(Wq > t) = C·e^{−(cμ−λ)t}.
        let drain = (c - a) / self.mean_handle;
        Some(Prediction {
            offered_load: a,
            load_per_agent: a / c,
            probability_wait: pw,
            mean_wait: pw / drain,
            probability_abandon: 0.0,
            service_level: 1.0 - pw * (-drain * threshold).exp(),
            threshold,
            occupancy: a / c,
        })
    }

    /// Erlang A via the birth–death chain: birth λ, death min(n,c)μ + (n−c)⁺θ
    /// (Garnett, Mandelbaum & Reiman, "Designing a call center with impatient
    /// customers", MSOM 4(3), 2002). Arrivals see the stationary law (PASTA).
    fn erlang_a(&self, mean_patience: f64, threshold: f64) -> Option<Prediction> {
        let (lambda, mu, theta) = (
            self.arrival_rate,
            1.0 / self.mean_handle,
            1.0 / mean_patience,
        );
        let c = self.agents as usize;
        // Log-weights of the stationary law: ln π_n − ln π_0, from
        // π_n = π_{n−1} · λ / (min(n, c)μ + (n − c)⁺θ). Logs, rescaled by
        // their maximum, cannot overflow for light or heavy loads alike.
        let mut log_weights = vec![0.0f64];
        let mut peak = 0.0f64;
        for n in 1usize.. {
            let death = n.min(c) as f64 * mu + n.saturating_sub(c) as f64 * theta;
            let lw = log_weights[n - 1] + lambda.ln() - death.ln();
            log_weights.push(lw);
            peak = peak.max(lw);
            // From here on every step multiplies by λ / death < 1: the tail
            // only falls, so it can be cut once it is negligible.
            let tail_falls = n > c && death > lambda;
            if tail_falls && lw < peak - 50.0 {
                break;
            }
            if n > c + 10_000_000 {
                return None;
            }
        }
        // Turn the log-weights into weights in place.
        let mut weights = log_weights;
        weights.iter_mut().for_each(|w| *w = (*w - peak).exp());
        let below: f64 = weights[..c].iter().sum();
        let busy_below: f64 = weights[..c]
            .iter()
            .enumerate()
            .map(|(n, w)| n as f64 * w)
            .sum();
        let queue_weights = &weights[c..];
        let at_or_above: f64 = queue_weights.iter().sum();
        let total = below + at_or_above;
        let probability_wait = at_or_above / total;
        let mean_queue: f64 = queue_weights
            .iter()
            .enumerate()
            .map(|(k, w)| k as f64 * w)
            .sum::<f64>()
            / total;
        let busy = (busy_below + c as f64 * at_or_above) / total;
        let served_in_time = answered_within(queue_weights, total, c as f64 * mu, theta, threshold);
        Some(Prediction {
            offered_load: self.offered_load(),
            load_per_agent: self.offered_load() / c as f64,
            probability_wait,
            // Little's law on the queue: E[Wq] = E[Q]/λ.
            mean_wait: mean_queue / lambda,
            // Abandonment flow θ·E[Q] over the arrival flow λ.
            probability_abandon: theta * mean_queue / lambda,
            service_level: (1.0 - probability_wait) + served_in_time,
            threshold,
            occupancy: busy / c as f64,
        })
    }
}

/// P(an arrival waits, is answered, and waited ≤ t) in Erlang A.
///
/// A tagged arrival that finds `j` waiting ahead reaches an agent when the
/// `j` ahead have left (each step at rate cμ + kθ with k ahead) and one more
/// service completes (rate cμ), unless its own patience (rate θ) runs out
/// first. That is a pure-death chain with killing; its absorption probability
/// by time t is computed by uniformization (Grassmann, "Transient solutions
/// in Markovian queueing systems", Comput. Oper. Res. 4, 1977), all starting
/// states at once.
fn answered_within(
    queue_weights: &[f64],
    total: f64,
    service_rate: f64,
    theta: f64,
    t: f64,
) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    // mass[k] = P(arrival finds the queue at state c + k and has k ahead).
    let mut mass: Vec<f64> = queue_weights.iter().map(|w| w / total).collect();
    while mass.len() > 1 && *mass.last().unwrap_or(&0.0) < 1e-16 {
        mass.pop();
    }
    let ahead_max = (mass.len() - 1) as f64;
    let uniform_rate = service_rate + ahead_max * theta + theta;
    let lt = uniform_rate * t;
    // Poisson(lt) weights, walked forward in log space to avoid overflow.
    let steps = (lt + 12.0 * lt.sqrt() + 30.0).ceil() as usize;
    let mut log_poisson = -lt;
    let mut served_by_step = 0.0; // probability absorbed as "served" after n steps
    let mut result = 0.0;
    let mut next = vec![0.0; mass.len()];
    for n in 0..=steps {
        result += log_poisson.exp() * served_by_step;
        // One uniformized step.
        next.iter_mut().for_each(|x| *x = 0.0);
        for (k, &m) in mass.iter().enumerate() {
            if m == 0.0 {
                continue;
            }
            let advance = service_rate + k as f64 * theta;
            let p_advance = advance / uniform_rate;
            let p_stay = 1.0 - p_advance - theta / uniform_rate;
            if k == 0 {
                served_by_step += m * p_advance;
            } else {
                next[k - 1] += m * p_advance;
            }
            next[k] += m * p_stay;
        }
        std::mem::swap(&mut mass, &mut next);
        log_poisson += lt.ln() - ((n + 1) as f64).ln();
    }
    result
}

/// The most agents a staffing curve goes up to (the scenario's limit too).
pub const MAX_CURVE_AGENTS: u32 = 100_000;

/// A goal a staffing curve is read against: the smallest number of agents
/// meeting it is what a planner looks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StaffingTarget {
    /// Service level at the curve's threshold at least this share.
    ServiceLevelAtLeast(f64),
    /// Abandonment at most this share (Erlang A).
    AbandonmentAtMost(f64),
    /// Occupancy at most this share (agents not run into the ground).
    OccupancyAtMost(f64),
    /// Erlang C's ASA (mean wait; every arrival is answered) at most this
    /// many seconds. Not for Erlang A, whose mean wait counts abandoners
    /// and is not the ASA of answered contacts.
    AsaAtMost(f64),
}

impl StaffingTarget {
    /// The usual planning goals: 80 % answered within the threshold (the
    /// "80/20" convention), at most 5 % abandoning (only when customers
    /// abandon, i.e. Erlang A) and occupancy at most 85 %.
    pub fn defaults(with_patience: bool) -> Vec<StaffingTarget> {
        let mut targets = vec![StaffingTarget::ServiceLevelAtLeast(0.80)];
        if with_patience {
            targets.push(StaffingTarget::AbandonmentAtMost(0.05));
        }
        targets.push(StaffingTarget::OccupancyAtMost(0.85));
        targets
    }

    /// `erlang --target`: "service_level>=0.8", "abandonment<=0.05" (with
    /// patience), "occupancy<=0.85", "asa<=30s" (Erlang C), read as any
    /// threshold is ([`crate::thresholds::Threshold`]: the value checked
    /// against the metric's unit).
    pub fn parse(text: &str, with_patience: bool) -> Result<StaffingTarget, String> {
        use crate::thresholds::{Op, Threshold};
        let t = Threshold::parse_flag(text)?;
        let at_least = matches!(t.op, Op::Ge | Op::Gt);
        Ok(match (t.metric.as_str(), at_least) {
            ("service_level", true) => StaffingTarget::ServiceLevelAtLeast(t.bound),
            ("abandonment", false) if with_patience => StaffingTarget::AbandonmentAtMost(t.bound),
            ("abandonment", false) => {
                return Err(format!(
                    "`{text}`: without --patience nobody abandons (Erlang C); give --patience to staff for abandonment"
                ));
            }
            ("occupancy", false) => StaffingTarget::OccupancyAtMost(t.bound),
            ("asa", false) if !with_patience => StaffingTarget::AsaAtMost(t.bound),
            ("asa", false) => {
                return Err(format!(
                    "`{text}`: with --patience the model's mean wait counts those who abandon, not the ASA of answered contacts; target service_level or abandonment instead"
                ));
            }
            _ => {
                return Err(format!(
                    "`{text}`: the calculator staffs for service_level>=, abandonment<= (with --patience), occupancy<= or asa<= (Erlang C)"
                ));
            }
        })
    }

    pub fn met_by(&self, p: &Prediction) -> bool {
        match *self {
            StaffingTarget::ServiceLevelAtLeast(share) => p.service_level >= share,
            StaffingTarget::AbandonmentAtMost(share) => p.probability_abandon <= share,
            StaffingTarget::OccupancyAtMost(share) => p.occupancy <= share,
            StaffingTarget::AsaAtMost(seconds) => p.mean_wait <= seconds,
        }
    }
}

/// The fewest agents meeting every target (the inverse of a staffing
/// curve, as workforce calculators give it): the curve is computed over a
/// growing range until a row meets them all. `None` when no number up to
/// `max_agents` does. Every target here is met from some head count on
/// (service level and ASA improve, abandonment and occupancy fall, as
/// agents are added), so the first row meeting all is the answer.
pub fn agents_needed(
    arrival_rate: f64,
    mean_handle: f64,
    mean_patience: Option<f64>,
    threshold: f64,
    targets: &[StaffingTarget],
    max_agents: u32,
) -> Option<(u32, Prediction)> {
    let mut end = ((arrival_rate * mean_handle).ceil() as u32).clamp(1, max_agents);
    loop {
        let end_now = end.saturating_mul(2).saturating_add(8).min(max_agents);
        let curve = StaffingCurve::compute(
            arrival_rate,
            mean_handle,
            mean_patience,
            1..=end_now,
            threshold,
        );
        let found = curve.rows.iter().find_map(|(c, p)| {
            let p = p.as_ref()?;
            targets.iter().all(|t| t.met_by(p)).then_some((*c, *p))
        });
        if found.is_some() || end_now >= max_agents {
            return found;
        }
        end = end_now;
    }
}

/// Predictions for one demand (arrival rate, handle time, patience) over a
/// range of agents: a staffing curve.
///
/// Computed in time linear in the range's end: Erlang B is carried from one
/// row to the next by its recursion, Erlang C follows from it, and Erlang A
/// is evaluated in closed form at a cost that does not grow with the queue
/// (`erlang_a_closed_form`). [`Queue::predict`] gives the same figures
/// one queue at a time (unit tests compare them).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingCurve {
    pub arrival_rate: f64,
    pub mean_handle: f64,
    pub mean_patience: Option<f64>,
    pub threshold: f64,
    /// One row per number of agents, ascending; `None` where there is no
    /// steady state (Erlang C with load ≥ agents) or, for Erlang A, where the
    /// evaluation does not converge (patience millions of times the handle
    /// time).
    pub rows: Vec<(u32, Option<Prediction>)>,
}

impl StaffingCurve {
    /// The curve for `agents` (a range starting at 0 starts at 1).
    pub fn compute(
        arrival_rate: f64,
        mean_handle: f64,
        mean_patience: Option<f64>,
        agents: std::ops::RangeInclusive<u32>,
        threshold: f64,
    ) -> StaffingCurve {
        let a = arrival_rate * mean_handle;
        let (first, last) = ((*agents.start()).max(1), *agents.end());
        let mut rows = Vec::with_capacity(last.saturating_sub(first) as usize + 1);
        let mut blocking = 1.0; // Erlang B on 0 agents
        for c in 1..=last {
            // The recursion of `erlang_b`, one step per agent.
            blocking = a * blocking / (f64::from(c) + a * blocking);
            if c < first {
                continue;
            }
            let queue = Queue {
                arrival_rate,
                mean_handle,
                agents: c,
                mean_patience,
            };
            let prediction = match mean_patience {
                None => queue.erlang_c_with_blocking(blocking, threshold),
                Some(patience) => erlang_a_closed_form(&queue, patience, blocking, threshold),
            };
            rows.push((c, prediction));
        }
        StaffingCurve {
            arrival_rate,
            mean_handle,
            mean_patience,
            threshold,
            rows,
        }
    }

    /// Index into `rows` of the first row meeting `target`.
    pub fn first_meeting(&self, target: StaffingTarget) -> Option<usize> {
        self.rows
            .iter()
            .position(|(_, p)| p.as_ref().is_some_and(|p| target.met_by(p)))
    }
}

/// Erlang A for one queue in closed form, given its Erlang B blocking.
///
/// With x = cμ/θ and y = λ/θ, the stationary law above c agents is
/// π_{c+j} = π_c · y^j / ((x+1)…(x+j)), so the waiting states weigh
/// A = Σ_j y^j / ((x+1)…(x+j)) = ₁F₁(1; x+1; y) against π_c, and the states
/// below c weigh 1/B − 1 (B = Erlang B). Hence P(wait) = B / (B + (1 − B)/A)
/// and, among those who wait, the share served is (x/y)(1 − 1/A)
/// (Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of performance
/// measures", Technion note, 2009; Garnett, Mandelbaum & Reiman, MSOM 4(3),
/// 2002). Mean wait is P(abandon)/θ, occupancy λ(1 − P(abandon))/(cμ).
///
/// Answered within t: a contact finding j waiting ahead reaches an agent
/// after a sum of exponentials with rates θ(x + k), k = 0…j, whose
/// transform makes e^{−θV} a Beta(x, j + 1) variable; weighing by e^{−θV}
/// (its own patience must outlast V) and summing over j gives
/// x/(x+1) · [G(x+1, y) − G(x+1, y·e^{−θt}) · e^{y(1−e^{−θt})} e^{−(x+1)θt}]
/// relative to A, with G(x, z) = ₁F₁(1; x+1; z).
fn erlang_a_closed_form(
    queue: &Queue,
    mean_patience: f64,
    blocking: f64,
    threshold: f64,
) -> Option<Prediction> {
    let theta = 1.0 / mean_patience;
    let c = f64::from(queue.agents);
    let x = c / queue.mean_handle / theta;
    let y = queue.arrival_rate / theta;
    let (ln_a, abandon_share) = waiting_weight(x, y)?;
    let probability_wait = blocking / (blocking + (1.0 - blocking) * (-ln_a).exp());
    let served_share = 1.0 - abandon_share;
    let answered_within = if threshold > 0.0 {
        let decay = theta * threshold;
        let later = ln_hypergeometric(x + 1.0, y * (-decay).exp())?
            - y * (-decay).exp_m1()
            - (x + 1.0) * decay
            - ln_a;
        (served_share - x / (x + 1.0) * later.exp()).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let probability_abandon = probability_wait * abandon_share;
    let a = queue.offered_load();
    Some(Prediction {
        offered_load: a,
        load_per_agent: a / c,
        probability_wait,
        mean_wait: probability_abandon * mean_patience,
        probability_abandon,
        service_level: (1.0 - probability_wait) + probability_wait * answered_within,
        threshold,
        occupancy: a * (1.0 - probability_abandon) / c,
    })
}

/// Terms beyond this many mean the evaluation is declined (patience so long
/// against the handle time that x and y run into the trillions).
const MAX_TERMS: usize = 10_000_000;

/// ln A and the share of waiting contacts that abandon, θE[Q]/(λ·P(wait)).
/// Where the series converges (y < x + 1) the abandoning share comes from
/// Σ j·(term j) directly, which avoids the cancellation in
/// 1 − (x/y)(1 − 1/A) when agents are plentiful.
fn waiting_weight(x: f64, y: f64) -> Option<(f64, f64)> {
    if y < x + 1.0 {
        let (sum, first_moment) = series(x, y)?;
        Some((sum.ln(), first_moment / (y * sum)))
    } else {
        let ln_a = ln_hypergeometric(x, y)?;
        Some((ln_a, 1.0 - x / y * (1.0 - (-ln_a).exp())))
    }
}

/// ln G(x, z), G(x, z) = ₁F₁(1; x+1; z) = Σ_k z^k / ((x+1)…(x+k))
/// = x·e^z·z^−x·γ(x, z), for x > 0, z > 0.
fn ln_hypergeometric(x: f64, z: f64) -> Option<f64> {
    if z < x + 1.0 {
        series(x, z).map(|(sum, _)| sum.ln())
    } else {
        // G = Γ(x+1)·e^z·z^−x·(1 − Q(x, z)), and Q(x, z) = Γ(x, z)/Γ(x)
        // is at most about ½ here, so the logarithm loses nothing.
        let ln_scale = ln_gamma_scaled(x, z);
        let upper = x * upper_gamma_scaled(x, z)? * (-ln_scale).exp();
        Some(ln_scale + (-upper).ln_1p())
    }
}

/// (Σ_k t_k, Σ_k k·t_k) with t_k = z^k / ((x+1)…(x+k)), for z < x + 1,
/// where the terms only fall. About 9·√x terms at worst (z near x), a few
/// dozen when agents are plentiful.
fn series(x: f64, z: f64) -> Option<(f64, f64)> {
    let (mut term, mut sum, mut first_moment) = (1.0f64, 1.0f64, 0.0f64);
    for k in 1..MAX_TERMS {
        term *= z / (x + k as f64);
        sum += term;
        first_moment += k as f64 * term;
        if term <= sum * 1e-17 {
            return Some((sum, first_moment));
        }
    }
    None
}

/// e^z·z^−x·Γ(x, z) by its continued fraction (Legendre; modified Lentz,
/// Press et al., Numerical Recipes, 3rd ed., §6.2), for z ≥ x + 1.
fn upper_gamma_scaled(x: f64, z: f64) -> Option<f64> {
    const TINY: f64 = 1e-300;
    let mut b = z + 1.0 - x;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..MAX_TERMS {
        let i = i as f64;
        let an = -i * (i - x);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() <= f64::EPSILON {
            return Some(h);
        }
    }
    None
}

/// ln Γ(x+1) + z − x·ln z, without the cancellation of its large terms when
/// x and z are close: for x ≥ 15 by Stirling's series, as
/// z·φ((x − z)/z) + ½·ln(2πx) + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷)
/// with φ(d) = (1 + d)·ln(1 + d) − d (Abramowitz & Stegun 6.1.41).
fn ln_gamma_scaled(x: f64, z: f64) -> f64 {
    if x < 15.0 {
        return statrs::function::gamma::ln_gamma(x + 1.0) + z - x * z.ln();
    }
    let d = (x - z) / z;
    let phi = if d.abs() < 0.1 {
        // Σ_{k≥2} (−d)^k / (k(k − 1)): |d| < 0.1, so 20 terms reach 1e-20.
        (2..22)
            .map(|k| (-d).powi(k) / f64::from(k * (k - 1)))
            .rev()
            .sum::<f64>()
    } else {
        (1.0 + d) * d.ln_1p() - d
    };
    let (x2, inv) = (x * x, 1.0 / x);
    let stirling = inv / 12.0
        * (1.0 - 1.0 / (30.0 * x2) * (1.0 - 2.0 / (7.0 * x2) * (1.0 - 3.0 / (4.0 * x2))));
    z * phi + 0.5 * (std::f64::consts::TAU * x).ln() + stirling
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxation_time_of_mmc() {
        // M/M/20, AHT 300 s: 0.95 Erl/agent relaxes in about 6.5 h, 0.85 in
        // about 0.7 h; a saturated pool never does.
        let slow = relaxation_time(300.0, 20.0, 0.95).unwrap();
        assert!((slow / 3600.0 - 6.499).abs() < 0.001, "{slow}");
        let fast = relaxation_time(300.0, 20.0, 0.85).unwrap();
        assert!((fast / 3600.0 - 0.684).abs() < 0.001, "{fast}");
        assert_eq!(relaxation_time(300.0, 20.0, 1.0), Some(f64::INFINITY));
        assert_eq!(relaxation_time(0.0, 20.0, 0.5), None);
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    // Erlang B tables (e.g. the ITU-T "Teletraffic Engineering Handbook",
    // Iversen, 2005, Table of the Erlang B formula): 10 servers carry 4.46 Erl
    // at 1 % blocking, 20 servers 12.03 Erl, 100 servers 84.06 Erl.
    #[test]
    fn erlang_b_matches_published_tables() {
        assert!(
            close(erlang_b(4.46, 10), 0.01, 0.0005),
            "{}",
            erlang_b(4.46, 10)
        );
        assert!(
            close(erlang_b(12.03, 20), 0.01, 0.0005),
            "{}",
            erlang_b(12.03, 20)
        );
        assert!(
            close(erlang_b(84.06, 100), 0.01, 0.0005),
            "{}",
            erlang_b(84.06, 100)
        );
    }

    // Exact small case (the Wolfram Language `ErlangC[3, 2]` documentation
    // example): a = 2 Erl on c = 3 servers gives C = 4/9, and with μ = 1,
    // Wq = C/(c − a) = 4/9, P(Wq > t) = (4/9)·e^{−t}.
    #[test]
    fn erlang_c_matches_the_exact_small_case() {
        let q = Queue {
            arrival_rate: 2.0,
            mean_handle: 1.0,
            agents: 3,
            mean_patience: None,
        };
        let p = q.predict(0.5).unwrap();
        assert!(close(p.probability_wait, 4.0 / 9.0, 1e-12));
        assert!(close(p.mean_wait, 4.0 / 9.0, 1e-12));
        assert!(close(
            p.service_level,
            1.0 - 4.0 / 9.0 * (-0.5_f64).exp(),
            1e-12
        ));
    }

    // The textbook sum-of-factorials form, evaluated in exact-enough f64 for
    // a = 48 Erl on 55 agents (4-minute calls, 360 per half hour):
    // C = 0.238700936378009, ASA = C·240/(55 − 48) = 8.18403 s,
    // SL(15 s) = 1 − C·e^{−7·15/240} = 0.845883.
    #[test]
    fn erlang_c_matches_the_factorial_form_at_48_erlangs() {
        let q = Queue {
            arrival_rate: 360.0 / 1800.0,
            mean_handle: 240.0,
            agents: 55,
            mean_patience: None,
        };
        let p = q.predict(15.0).unwrap();
        assert!(close(p.offered_load, 48.0, 1e-9));
        assert!(close(p.probability_wait, 0.238_700_936_378_009, 1e-12));
        assert!(close(p.mean_wait, 8.184_032_104_388_9, 1e-9));
        assert!(close(p.service_level, 0.845_883_092_170_580, 1e-12));
    }

    #[test]
    fn erlang_c_is_stable_for_thousands_of_agents() {
        let p = erlang_c(4750.0, 5000);
        assert!(p.is_finite() && p > 0.0 && p < 1.0, "{p}");
        assert_eq!(erlang_c(10.0, 10), 1.0);
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows() {
        let base = Queue {
            arrival_rate: 0.9,
            mean_handle: 20.0,
            agents: 20,
            mean_patience: None,
        };
        let c = base.predict(20.0).unwrap();
        let a = Queue {
            mean_patience: Some(1e9),
            ..base
        }
        .predict(20.0)
        .unwrap();
        assert!(close(a.probability_wait, c.probability_wait, 1e-5));
        assert!(close(a.mean_wait, c.mean_wait, 1e-3 * c.mean_wait));
        assert!(
            close(a.service_level, c.service_level, 1e-5),
            "{} {}",
            a.service_level,
            c.service_level
        );
        assert!(a.probability_abandon < 1e-6);
    }

    // With θ = μ the number in system is Poisson(a) (it behaves as M/M/∞):
    // P(wait) = P(N ≥ c), E[Q] = E[(N − c)⁺].
    #[test]
    fn erlang_a_with_patience_equal_to_handle_time_is_poisson() {
        let (a, c) = (12.0_f64, 10u32);
        let q = Queue {
            arrival_rate: a / 5.0,
            mean_handle: 5.0,
            agents: c,
            mean_patience: Some(5.0),
        };
        let p = q.predict(0.0).unwrap();
        let pmf = |n: u32| {
            (-a + f64::from(n) * a.ln() - (1..=n).map(|k| f64::from(k).ln()).sum::<f64>()).exp()
        };
        let below: f64 = (0..c).map(pmf).sum();
        let excess: f64 = (c..200).map(|n| f64::from(n - c) * pmf(n)).sum();
        assert!(
            close(p.probability_wait, 1.0 - below, 1e-9),
            "{}",
            p.probability_wait
        );
        assert!(close(p.mean_wait, excess / q.arrival_rate, 1e-9));
        assert!(close(
            p.probability_abandon,
            excess / 5.0 / q.arrival_rate,
            1e-9
        ));
        // Served at once is answered within 0.
        assert!(close(p.service_level, below, 1e-9));
    }

    #[test]
    fn erlang_a_is_finite_for_very_light_and_very_heavy_loads() {
        for (rate, agents) in [(10.0 / 3600.0, 200), (40.0, 50), (1.0, 5000)] {
            let p = Queue {
                arrival_rate: rate,
                mean_handle: 300.0,
                agents,
                mean_patience: Some(180.0),
            }
            .predict(20.0)
            .unwrap();
            for x in [
                p.probability_wait,
                p.mean_wait,
                p.probability_abandon,
                p.service_level,
                p.occupancy,
            ] {
                assert!(x.is_finite() && x >= 0.0, "{p:?}");
            }
            assert!(
                p.service_level <= 1.0 + 1e-9 && p.occupancy <= 1.0 + 1e-9,
                "{p:?}"
            );
        }
    }

    #[test]
    fn erlang_a_declines_when_the_queue_would_not_converge() {
        // Twice overloaded, customers wait ~3 years on average: the queue
        // law peaks beyond ten million waiting contacts.
        let q = Queue {
            arrival_rate: 2.0,
            mean_handle: 1.0,
            agents: 1,
            mean_patience: Some(1e8),
        };
        assert_eq!(q.predict(20.0), None);
    }

    #[test]
    fn erlang_a_service_level_grows_with_threshold_towards_served_share() {
        let q = Queue {
            arrival_rate: 1.0,
            mean_handle: 30.0,
            agents: 30,
            mean_patience: Some(60.0),
        };
        let sl: Vec<f64> = [0.0, 10.0, 30.0, 120.0, 5000.0]
            .iter()
            .map(|t| q.predict(*t).unwrap().service_level)
            .collect();
        assert!(sl.windows(2).all(|w| w[0] <= w[1] + 1e-12), "{sl:?}");
        let p = q.predict(0.0).unwrap();
        assert!(
            close(sl[4], 1.0 - p.probability_abandon, 1e-6),
            "{sl:?} {}",
            p.probability_abandon
        );
    }

    /// Every row of the curve against `Queue::predict` for the same queue.
    fn assert_curve_matches_predict(
        arrival_rate: f64,
        mean_handle: f64,
        mean_patience: Option<f64>,
        agents: std::ops::RangeInclusive<u32>,
        threshold: f64,
    ) {
        let curve = StaffingCurve::compute(
            arrival_rate,
            mean_handle,
            mean_patience,
            agents.clone(),
            threshold,
        );
        assert_eq!(curve.rows.len(), agents.clone().count());
        for (c, row) in &curve.rows {
            let expected = Queue {
                arrival_rate,
                mean_handle,
                agents: *c,
                mean_patience,
            }
            .predict(threshold);
            let (Some(got), Some(want)) = (row, expected) else {
                assert_eq!(row.is_some(), expected.is_some(), "c = {c}");
                continue;
            };
            let case = format!("c = {c}: {got:?}\n vs {want:?}");
            for (g, w) in [
                (got.probability_wait, want.probability_wait),
                (got.probability_abandon, want.probability_abandon),
                (got.service_level, want.service_level),
                (got.occupancy, want.occupancy),
            ] {
                assert!(close(g, w, 1e-9), "{case}");
            }
            assert!(
                close(
                    got.mean_wait,
                    want.mean_wait,
                    1e-9 * want.mean_wait.max(1.0)
                ),
                "{case}"
            );
            assert_eq!(got.offered_load, want.offered_load);
        }
    }

    #[test]
    fn erlang_c_curve_matches_the_per_queue_formula() {
        assert_curve_matches_predict(0.2, 240.0, None, 40..=70, 15.0);
        assert_curve_matches_predict(2.0, 1.0, None, 1..=6, 0.5);
        assert_curve_matches_predict(1.0, 4750.0, None, 4740..=4800, 20.0);
    }

    #[test]
    fn erlang_a_curve_matches_the_per_queue_formula() {
        // The README's queue: 720 calls/h, 4-minute calls, 3-minute patience.
        assert_curve_matches_predict(0.2, 240.0, Some(180.0), 30..=70, 15.0);
        // The Erlang A validation queue (P(abandon) 7.37 % at 20 agents).
        assert_curve_matches_predict(1200.0 / 3600.0, 60.0, Some(120.0), 10..=30, 20.0);
        // Patience equal to the handle time (the M/M/∞ case), threshold 0.
        assert_curve_matches_predict(2.4, 5.0, Some(5.0), 1..=25, 0.0);
        // Very light load, and a heavy overload with a long queue.
        assert_curve_matches_predict(10.0 / 3600.0, 300.0, Some(180.0), 1..=8, 20.0);
        assert_curve_matches_predict(2.0, 300.0, Some(180.0), 1..=40, 20.0);
        // Impatient customers (patience a tenth of the handle time) and
        // patient ones (a hundred times the handle time).
        assert_curve_matches_predict(0.1, 600.0, Some(60.0), 40..=80, 30.0);
        assert_curve_matches_predict(0.9, 20.0, Some(2000.0), 12..=30, 20.0);
    }

    #[test]
    fn erlang_a_curve_tends_to_erlang_c_as_patience_grows() {
        let c = StaffingCurve::compute(0.9, 20.0, None, 19..=25, 20.0);
        let a = StaffingCurve::compute(0.9, 20.0, Some(1e9), 19..=25, 20.0);
        for ((_, c), (_, a)) in c.rows.iter().zip(&a.rows) {
            let (c, a) = (c.unwrap(), a.unwrap());
            assert!(close(a.probability_wait, c.probability_wait, 1e-5));
            assert!(close(a.service_level, c.service_level, 1e-5));
            assert!(close(a.mean_wait, c.mean_wait, 1e-3 * c.mean_wait));
        }
    }

    #[test]
    fn a_long_erlang_a_curve_is_computed_row_by_row_in_constant_time() {
        // 48 000 Erl over 1..100 000 agents: the per-queue chain would walk a
        // queue of tens of thousands per row; the closed form does not.
        let curve = StaffingCurve::compute(200.0, 240.0, Some(180.0), 1..=100_000, 20.0);
        assert_eq!(curve.rows.len(), 100_000);
        let rows: Vec<Prediction> = curve.rows.iter().map(|(_, p)| p.unwrap()).collect();
        for p in &rows {
            for v in [
                p.probability_wait,
                p.probability_abandon,
                p.service_level,
                p.occupancy,
                p.mean_wait,
            ] {
                assert!(v.is_finite() && v >= 0.0, "{p:?}");
            }
        }
        // Heavily understaffed: nearly everyone waits and most abandon;
        // overstaffed: nobody waits.
        assert!(rows[0].probability_wait > 0.999_999 && rows[0].probability_abandon > 0.99);
        assert!(rows[99_999].probability_wait < 1e-12);
        // Spot checks against the per-queue formula around the targets.
        for c in [47_900u32, 48_000, 48_100] {
            let want = Queue {
                arrival_rate: 200.0,
                mean_handle: 240.0,
                agents: c,
                mean_patience: Some(180.0),
            }
            .predict(20.0)
            .unwrap();
            let got = rows[c as usize - 1];
            assert!(
                close(got.probability_wait, want.probability_wait, 1e-8),
                "{got:?} {want:?}"
            );
            assert!(close(
                got.probability_abandon,
                want.probability_abandon,
                1e-8
            ));
            assert!(close(got.service_level, want.service_level, 1e-8));
        }
        let sl = curve
            .first_meeting(StaffingTarget::ServiceLevelAtLeast(0.8))
            .unwrap();
        assert!(curve.rows[sl].1.unwrap().service_level >= 0.8);
        assert!(curve.rows[sl - 1].1.unwrap().service_level < 0.8);
    }

    #[test]
    fn targets_pick_the_smallest_staffing_that_meets_them() {
        let curve = StaffingCurve::compute(0.2, 240.0, None, 40..=70, 20.0);
        // Unstable rows (≤ 48 agents) meet nothing.
        let sl = curve
            .first_meeting(StaffingTarget::ServiceLevelAtLeast(0.8))
            .unwrap();
        assert_eq!(curve.rows[sl].0, 54);
        let occupancy = curve
            .first_meeting(StaffingTarget::OccupancyAtMost(0.85))
            .unwrap();
        // 48 / 57 = 0.842 ≤ 0.85 < 48 / 56.
        assert_eq!(curve.rows[occupancy].0, 57);
        assert_eq!(
            curve.first_meeting(StaffingTarget::OccupancyAtMost(0.1)),
            None
        );
        assert_eq!(StaffingTarget::defaults(false).len(), 2);
        assert_eq!(StaffingTarget::defaults(true).len(), 3);
    }

    #[test]
    fn stirling_form_matches_ln_gamma() {
        for (x, z) in [
            (15.0, 14.0),
            (20.5, 30.0),
            (1000.0, 1001.0),
            (75_000.0, 36_000.0),
        ] {
            let direct = statrs::function::gamma::ln_gamma(x + 1.0) + z - x * f64::ln(z);
            let stable = ln_gamma_scaled(x, z);
            assert!(
                close(stable, direct, 1e-12 * direct.abs().max(1.0) + 1e-9),
                "{x} {z}: {stable} {direct}"
            );
        }
    }
}

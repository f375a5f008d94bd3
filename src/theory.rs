//! Queueing theory for validation and staffing estimates: Erlang B, Erlang C
//! (M/M/c) and Erlang A (M/M/c+M, Palm's model with exponential patience).
//!
//! Numerically stable for thousands of agents: Erlang B by its recursion
//! B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) (no factorials, no powers),
//! Erlang C from B, and Erlang A from the birth–death stationary distribution
//! computed as ratios to the state with all agents busy. Pure functions.
//!
//! Time unit: whatever the caller uses for `arrival_rate`, `mean_handle` and
//! `mean_patience` (the CLI uses seconds). `service_level(t)` is the
//! probability that a contact is *answered* within `t`; an abandoned contact
//! counts as not answered.

use serde::Serialize;

/// An M/M/c (+M) queue.
///
/// ```
/// use handoff_sim::theory::Queue;
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
        let a = self.offered_load();
        let c = f64::from(self.agents);
        if a >= c {
            return None;
        }
        let pw = erlang_c(a, self.agents);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! Seeded random-number streams, one per (seed, replication, purpose, entity).
//!
//! Every random draw in the model comes from a stream derived here, never from
//! a global or thread RNG. Because a customer's draws depend only on the seed
//! and the customer's id, two variants of a scenario (say, with different
//! staffing) see exactly the same customers: common random numbers.

use rand_pcg::Pcg64Mcg;

/// What a stream is for; part of the stream's identity so that adding a draw
/// for one purpose never shifts the draws of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Inter-arrival times of the whole arrival process.
    Arrivals = 1,
    /// A customer's attributes: channel, intent, ground truth, patience.
    Customer = 2,
    /// A customer's behaviour during the bot conversation, per turn.
    CustomerTurn = 3,
    /// The AI agent's answer to one turn of one conversation.
    AiTurn = 4,
    /// The human handling of one conversation (handle time, resolution).
    Handling = 5,
    /// An agent's own draws (wrap-up), per agent and contact count.
    Agent = 6,
    /// Whether an agent shows up, per agent and calendar day.
    Absence = 7,
    /// When in each hour an agent is off the phone, per agent and hour.
    OffPhone = 8,
    /// A voice conversation's draws (speech latency per turn, transfer
    /// failure, redial delay).
    Voice = 9,
    /// When an agent drops off mid-contact and for how long, per agent and
    /// event.
    DropOff = 10,
    /// Incident windows drawn from `[[ai_agent.incident_processes]]`, per
    /// process and incident.
    Incidents = 11,
    /// A conversation's callback draws (acceptance, each attempt answered).
    Callback = 12,
}

/// SplitMix64 finaliser (Steele, Lea & Flood, "Fast splittable pseudorandom
/// number generators", OOPSLA 2014): a bijective 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Identity of a stream. Streams with different keys are statistically
/// independent for all practical purposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamKey {
    pub seed: u64,
    pub replication: u64,
    pub purpose: Purpose,
    pub entity: u64,
    pub sub: u64,
}

impl StreamKey {
    /// The generator for this key. Cheap enough (a few multiplications) to
    /// build per turn rather than store.
    pub fn rng(self) -> Pcg64Mcg {
        let mut h = mix(self.seed ^ 0x6a09_e667_f3bc_c908);
        for part in [self.replication, self.purpose as u64, self.entity, self.sub] {
            h = mix(h ^ mix(part.wrapping_add(0x9e37_79b9_7f4a_7c15)));
        }
        let lo = mix(h ^ 0x3c6e_f372_fe94_f82b);
        let state = (u128::from(h) << 64) | u128::from(lo);
        // An MCG needs an odd state.
        Pcg64Mcg::new(state | 1)
    }
}

/// Stream factory for one run (seed and replication fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streams {
    pub seed: u64,
    pub replication: u64,
}

impl Streams {
    pub fn new(seed: u64, replication: u64) -> Self {
        Streams { seed, replication }
    }

    pub fn stream(&self, purpose: Purpose, entity: u64, sub: u64) -> Pcg64Mcg {
        StreamKey {
            seed: self.seed,
            replication: self.replication,
            purpose,
            entity,
            sub,
        }
        .rng()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn same_key_same_numbers() {
        let s = Streams::new(42, 0);
        let draws = || {
            let mut rng = s.stream(Purpose::Customer, 7, 0);
            (0..5).map(|_| rng.random::<u64>()).collect::<Vec<_>>()
        };
        let (a, b) = (draws(), draws());
        assert_eq!(a, b);
    }

    #[test]
    fn neighbouring_keys_differ() {
        let s = Streams::new(42, 0);
        let first = |p, e, sub| s.stream(p, e, sub).random::<u64>();
        let base = first(Purpose::Customer, 7, 0);
        assert_ne!(base, first(Purpose::Customer, 8, 0));
        assert_ne!(base, first(Purpose::Customer, 7, 1));
        assert_ne!(base, first(Purpose::Handling, 7, 0));
        assert_ne!(
            base,
            Streams::new(43, 0)
                .stream(Purpose::Customer, 7, 0)
                .random::<u64>()
        );
        assert_ne!(
            base,
            Streams::new(42, 1)
                .stream(Purpose::Customer, 7, 0)
                .random::<u64>()
        );
    }

    #[test]
    fn streams_look_uniform() {
        // Mean of first uniform draws across 20 000 entity streams ≈ 0.5.
        let s = Streams::new(1, 0);
        let n = 20_000;
        let mean: f64 = (0..n)
            .map(|e| s.stream(Purpose::AiTurn, e, 0).random::<f64>())
            .sum::<f64>()
            / n as f64;
        // Standard error 1/sqrt(12 n) ≈ 0.002; allow 4 standard errors.
        assert!((mean - 0.5).abs() < 0.008, "mean {mean}");
    }
}

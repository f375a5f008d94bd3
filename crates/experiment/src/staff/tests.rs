use crate::pooling::{Aggregate, Scale, Spread};
use handoff_model::theory::{StaffingCurve, StaffingTarget};

use super::measure::*;
use super::*;

#[test]
fn targets_parse_and_reject_what_they_cannot_mean() {
    assert_eq!(
        Target::parse("service_level >= 0.8"),
        Ok(Target::ServiceLevel(0.8))
    );
    assert_eq!(
        Target::parse("abandonment <= 0.05"),
        Ok(Target::Abandonment(0.05))
    );
    assert!(Target::parse("service_level <= 0.8").is_err());
    assert!(Target::parse("asa <= 20").is_err());
    assert!(Target::parse("service_level >= 1.5").is_err());
    // Written as `--threshold` takes it, too.
    assert_eq!(
        Target::parse("service_level>=0.8"),
        Ok(Target::ServiceLevel(0.8))
    );
    // A percentage is refused with the fraction it meant, as for every
    // threshold.
    let err = Target::parse("abandonment <= 5").unwrap_err();
    assert!(
        err.contains("the share must be in [0, 1], got 5: did you mean 0.05?"),
        "{err}"
    );
    assert!(
        Target::parse("abandonment <= 0")
            .unwrap_err()
            .contains("(0, 1]")
    );
}

#[test]
fn erlang_requirement_matches_the_staffing_curve() {
    // 204 calls an hour of 5 minutes: 17 Erlang. Erlang C needs 20
    // agents for 80 % within 20 s (the `erlang` command's figure).
    let rate = 204.0 / 3600.0;
    let targets = [Target::ServiceLevel(0.8)];
    let c = erlang_requirement(rate, 300.0, None, 20.0, 1, &targets);
    let curve = StaffingCurve::compute(rate, 300.0, None, 1..=40, 20.0);
    let first = curve
        .first_meeting(StaffingTarget::ServiceLevelAtLeast(0.8))
        .unwrap();
    assert_eq!(c, curve.rows[first].0);
    // Chat with three slots per agent: the slots, rounded up to agents.
    assert_eq!(
        erlang_requirement(rate, 300.0, None, 20.0, 3, &targets),
        c.div_ceil(3)
    );
    // Patience lowers the requirement (abandoners free agents).
    let a = erlang_requirement(rate, 300.0, Some(120.0), 20.0, 1, &targets);
    assert!(a <= c, "{a} vs {c}");
    assert_eq!(erlang_requirement(0.0, 300.0, None, 20.0, 1, &targets), 0);
}

#[test]
fn standing_needs_the_whole_interval_to_clear() {
    let agg = |mean: f64, low: f64, high: f64| Aggregate {
        mean,
        ci95: None,
        ci95_range: Some([low, high]),
        n: 10,
        spread: None,
    };
    let t = [Target::ServiceLevel(0.8), Target::Abandonment(0.05)];
    let sl = Some(agg(0.85, 0.82, 0.88));
    let judge = |sl, ab| standing(&t, sl, ab, 0.5);
    assert_eq!(judge(sl, Some(agg(0.02, 0.01, 0.03))), Standing::Clear);
    assert_eq!(judge(sl, Some(agg(0.04, 0.03, 0.06))), Standing::Met);
    assert_eq!(judge(sl, Some(agg(0.06, 0.05, 0.07))), Standing::Missed);
    assert_eq!(judge(Some(agg(0.81, 0.78, 0.84)), None), Standing::Met);
    assert_eq!(judge(None, None), Standing::Empty);
    // At 90 % confidence, 0.81 ± 0.03 (n = 10) is not enough: the mean
    // minus 1.38 standard errors (se = 0.03 / 2.26) is 0.7917.
    let plain = Aggregate {
        ci95: Some(0.03),
        spread: Some(Spread {
            se: 0.03 / 2.262,
            df: 9,
            scale: Scale::Plain,
        }),
        ..agg(0.81, 0.78, 0.84)
    };
    assert!((plain.one_sided(0.9)[0] - 0.7917).abs() < 1e-3);
    assert_eq!(standing(&t, Some(plain), None, 0.9), Standing::Missed);
    assert_eq!(standing(&t, Some(plain), None, 0.5), Standing::Met);
    // A share's bound is on the logit scale: the same standard error reaches less far
    // towards the bound at 1 than the symmetric one would.
    let high = Aggregate {
        spread: Some(Spread {
            se: 0.01,
            df: 9,
            scale: Scale::Share { trials: None },
        }),
        ..agg(0.985, 0.96, 0.995)
    };
    let [low, up] = high.one_sided(0.9);
    assert!(up < 1.0 && up - 0.985 < 0.985 - low, "{low} {up}");
    assert!(up < 0.985 + 1.383 * 0.01);
}

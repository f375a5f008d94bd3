//! Same scenario and seed ⇒ byte-identical summary; customers do not depend
//! on staffing (common random numbers).

mod common;

use handoff_sim::{report, sim};

#[test]
fn two_runs_give_identical_summary_bytes() {
    let scenario = common::bundled("basic.toml");
    let a = report::summary_json(&sim::run(&scenario, 0).unwrap().summary);
    let b = report::summary_json(&sim::run(&scenario, 0).unwrap().summary);
    assert_eq!(a, b);
    assert_eq!(
        report::summary_table(&sim::run(&scenario, 0).unwrap().summary),
        report::summary_table(&sim::run(&scenario, 0).unwrap().summary)
    );
}

#[test]
fn two_runs_of_the_binary_write_identical_files() {
    let out = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["run", "scenarios/basic.toml", "--out"])
            .arg(out.path())
            .output()
            .unwrap()
            .status;
        assert!(status.success());
    }
    let files: Vec<Vec<u8>> = std::fs::read_dir(out.path().join("basic"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path().join("summary.json")).unwrap())
        .collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0], files[1]);
}

#[test]
fn another_seed_or_replication_gives_other_customers() {
    let mut scenario = common::bundled("basic.toml");
    let base = sim::run(&scenario, 0).unwrap().summary;
    let replication = sim::run(&scenario, 1).unwrap().summary;
    scenario.seed += 1;
    let reseeded = sim::run(&scenario, 0).unwrap().summary;
    assert_ne!(base.arrival_fingerprint, replication.arrival_fingerprint);
    assert_ne!(base.arrival_fingerprint, reseeded.arrival_fingerprint);
}

#[test]
fn staffing_changes_leave_the_arrivals_unchanged() {
    let scenario = common::bundled("basic.toml");
    let mut more_staff = scenario.clone();
    more_staff
        .pools
        .iter_mut()
        .for_each(|p| p.staffing = handoff_sim::roster::Staffing::Fixed(p.count() * 2));
    let mut no_bot = scenario.clone();
    no_bot.ai = None;
    let base = sim::run(&scenario, 0).unwrap().summary;
    let staffed = sim::run(&more_staff, 0).unwrap().summary;
    let direct = sim::run(&no_bot, 0).unwrap().summary;
    // Same customers, in the same order, at the same times...
    assert_eq!(base.arrival_fingerprint, staffed.arrival_fingerprint);
    assert_eq!(base.arrival_fingerprint, direct.arrival_fingerprint);
    let first_contacts = |s: &handoff_sim::metrics::Summary| {
        s.conversations.arrivals - s.conversations.repeat_arrivals
    };
    assert_eq!(first_contacts(&base), first_contacts(&staffed));
    assert_eq!(first_contacts(&base), first_contacts(&direct));
    // ...but a different experience of the queue.
    let (q0, q1) = (&base.measured.human_queue, &staffed.measured.human_queue);
    assert!(q1.service_level.value > q0.service_level.value);
    assert!(q1.asa_s.value < q0.asa_s.value);
}

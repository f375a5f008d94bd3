//! An interrupted `handoff-sim run` (Ctrl-C, SIGTERM) removes its partial
//! run folder and exits with 130. Each test starts the real binary on a long
//! run, waits until the run folder is being written, signals the process with
//! `kill` and checks that nothing is left under `--out`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Kills the child if a test fails before it ends, so no run is left behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// `scenarios/stress.toml` (about 33 000 conversations an hour) over 200
/// hours instead of 10: minutes of work even on a fast machine, so the run
/// is still going when the signal comes.
fn long_scenario(dir: &Path) -> PathBuf {
    let stress = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stress.toml"),
    )
    .unwrap();
    let long = stress.replace("duration = \"10h\"", "duration = \"200h\"");
    assert_ne!(long, stress, "stress.toml no longer has duration = \"10h\"");
    let path = dir.join("long.toml");
    std::fs::write(&path, long).unwrap();
    path
}

fn start_run(scenario: &Path, out: &Path, conversations: bool) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handoff-sim"));
    command
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if conversations {
        command.arg("--conversations");
    }
    Running(command.spawn().unwrap())
}

/// Polls `ready` every 20 ms for up to two minutes (a slow, busy machine).
fn wait_until(
    what: &str,
    run: &mut Running,
    mut ready: impl FnMut() -> Option<PathBuf>,
) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(found) = ready() {
            return found;
        }
        if let Some(status) = run.0.try_wait().unwrap() {
            panic!("the run ended ({status}) before {what}");
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The run folder `<out>/stress/<run-id>`, once it exists.
fn run_folder(out: &Path) -> Option<PathBuf> {
    std::fs::read_dir(out.join("stress"))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir())
}

fn signal(run: &Running, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(run.0.id().to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} failed");
}

/// Waits up to a minute for the process to exit; returns its status and
/// what it wrote on stderr.
fn wait_for_exit(run: &mut Running) -> (ExitStatus, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = run.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the run did not exit after the signal"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = run.0.stderr.take() {
        use std::io::Read as _;
        pipe.read_to_string(&mut stderr).unwrap();
    }
    (status, stderr)
}

#[test]
fn ctrl_c_removes_the_partial_run_folder_and_its_conversations_file() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = long_scenario(dir.path());
    let out = dir.path().join("out");
    let mut run = start_run(&scenario, &out, true);
    // The export streams while the simulation runs: wait until it has rows.
    let partial = wait_until("conversations.csv.tmp has rows", &mut run, || {
        let file = run_folder(&out)?.join("conversations.csv.tmp");
        let len = std::fs::metadata(&file).ok()?.len();
        (len > 0).then_some(file)
    });
    signal(&run, "INT");
    let (status, stderr) = wait_for_exit(&mut run);
    assert_eq!(status.code(), Some(130), "{status}: {stderr}");
    assert!(
        stderr.contains("interrupted: removed the partial run folder"),
        "{stderr}"
    );
    assert!(!partial.exists());
    // Nothing under --out: the run folder and the folders made for it are gone.
    assert!(
        !out.exists(),
        "{:?}",
        std::fs::read_dir(&out).map(|d| d.count())
    );
    assert!(scenario.exists());
}

#[test]
fn sigterm_removes_the_partial_run_folder() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = long_scenario(dir.path());
    let out = dir.path().join("out");
    // An --out that already holds something is kept, with only the run removed.
    std::fs::create_dir_all(out.join("earlier")).unwrap();
    let mut run = start_run(&scenario, &out, false);
    let folder = wait_until("the run folder exists", &mut run, || run_folder(&out));
    // Let the simulation get going.
    std::thread::sleep(Duration::from_millis(300));
    signal(&run, "TERM");
    let (status, stderr) = wait_for_exit(&mut run);
    assert_eq!(status.code(), Some(130), "{status}: {stderr}");
    assert!(stderr.contains(&folder.display().to_string()), "{stderr}");
    assert!(!folder.exists());
    let left: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(left, vec![out.join("earlier")]);
}

#[test]
fn ctrl_c_stops_a_sweep_and_removes_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = long_scenario(dir.path());
    let out = dir.path().join("out");
    let mut run = Running(
        Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
            .args(["sweep"])
            .arg(&scenario)
            .args(["--set", "simulation.seed=1,2,3,4", "--jobs", "2", "--out"])
            .arg(&out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let folder = wait_until("the sweep folder exists", &mut run, || {
        std::fs::read_dir(out.join("stress-sweep"))
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.is_dir())
    });
    std::thread::sleep(Duration::from_millis(300));
    signal(&run, "INT");
    let (status, stderr) = wait_for_exit(&mut run);
    assert_eq!(status.code(), Some(130), "{status}: {stderr}");
    assert!(!folder.exists());
    assert!(!out.exists(), "the folders made for the sweep are gone too");
}

/// Starts `handoff-sim ARGS --out OUT`, lets it work for `after`, sends
/// SIGTERM and checks the exit code is 130; returns its stderr.
fn terminated_leaves_nothing(args: &[&str], out: &Path, after: Duration) -> String {
    let child = Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut run = Running(child);
    std::thread::sleep(after);
    assert!(
        run.0.try_wait().unwrap().is_none(),
        "{args:?} ended before the signal: make it longer"
    );
    signal(&run, "TERM");
    let (status, stderr) = wait_for_exit(&mut run);
    assert_eq!(status.code(), Some(130), "{args:?}: {status}: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    stderr
}

#[test]
fn sigterm_stops_staff_schedule_and_transcripts_with_130_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    // staff: 1 000 replications per iteration, minutes of work.
    let out = dir.path().join("staff");
    terminated_leaves_nothing(
        &[
            "staff",
            "scenarios/telco_voice.toml",
            "--replications",
            "1000",
            "--jobs",
            "1",
            "--quiet",
        ],
        &out,
        Duration::from_millis(1500),
    );
    assert!(!out.exists(), "staff left {out:?}");
    // schedule: the committed requirement, simulated 1 000 times.
    let out = dir.path().join("schedule");
    terminated_leaves_nothing(
        &[
            "schedule",
            "scenarios/telco_voice.toml",
            "--requirement",
            "reports/example-staffing/staffing.csv",
            "--shift-templates",
            "scenarios/telco_shift_templates.toml",
            "--replications",
            "1000",
            "--jobs",
            "1",
            "--quiet",
        ],
        &out,
        Duration::from_millis(1500),
    );
    assert!(!out.exists(), "schedule left {out:?}");
    // transcripts: far more conversations than a second generates; its
    // --out is a file.
    let file = dir.path().join("conversations.jsonl");
    terminated_leaves_nothing(
        &[
            "transcripts",
            "scenarios/stress.toml",
            "--conversations",
            "1000000",
        ],
        &file,
        Duration::from_millis(1500),
    );
    assert!(!file.exists() && !file.with_extension("tmp").exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

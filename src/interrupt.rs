//! Interrupts (Ctrl-C, SIGTERM, SIGHUP) for every command: one handler,
//! installed at start, removes whatever partial output there is — a run
//! folder being written, or a file's temporary copy — and exits with 130.
//! A command registers its output here while it writes it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use handoff_sim::report::RunFolder;

/// The run folder while `run` writes it. The interrupt handler takes it,
/// removes it and exits; `run` takes it back when the run is complete (or
/// failed), so a complete run is never removed.
static PARTIAL_RUN: Mutex<Option<RunFolder>> = Mutex::new(None);

/// A file being written outside a run folder (`transcripts --out`): its
/// temporary path, removed on an interrupt.
static PARTIAL_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Installs the handler (once, before any command runs).
pub(crate) fn install() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(discard_partial_run_and_exit)
}

/// Runs `write` with `tmp` registered as a partial file: removed if the
/// process is interrupted now, or if `write` fails.
pub(crate) fn with_partial_file<T, E>(
    tmp: &Path,
    write: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    *PARTIAL_FILE.lock().unwrap_or_else(PoisonError::into_inner) = Some(tmp.to_path_buf());
    let written = write();
    let mut partial = PARTIAL_FILE.lock().unwrap_or_else(PoisonError::into_inner);
    if written.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    partial.take();
    written
}

/// Runs `work` in a new run folder under `out`, which is removed if the
/// work fails or the process is interrupted (Ctrl-C, SIGTERM: exit 130).
pub(crate) fn in_run_folder<T>(
    out: &Path,
    name: &str,
    seed: u64,
    work: impl FnOnce(&Path) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let folder = RunFolder::create(out, name, seed)?;
    *partial_run() = Some(folder.clone());
    let result = work(folder.path());
    // Complete or failed, the run is no longer the handler's to remove; a
    // failed one goes here, under the lock, so an interrupt now cannot exit
    // before it is gone.
    let mut partial = partial_run();
    partial.take();
    if result.is_err() {
        let _ = folder.discard();
    }
    result
}

fn partial_run() -> std::sync::MutexGuard<'static, Option<RunFolder>> {
    PARTIAL_RUN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// On SIGINT, SIGTERM or SIGHUP during `run`: removes the partial run folder
/// and exits with 130. It keeps the lock until the process ends, so `run`
/// cannot report a run whose folder is being removed.
fn discard_partial_run_and_exit() {
    // Held until the process ends, like the run folder's lock.
    let file = PARTIAL_FILE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(tmp) = file.as_ref()
        && std::fs::remove_file(tmp).is_ok()
    {
        eprintln!("\ninterrupted: removed the partial file {}", tmp.display());
        std::process::exit(130);
    }
    let mut partial = partial_run();
    match partial.take() {
        Some(folder) => {
            let removed = folder.discard();
            match removed {
                Ok(()) => eprintln!(
                    "\ninterrupted: removed the partial run folder {}",
                    folder.path().display()
                ),
                Err(e) => eprintln!(
                    "\ninterrupted: could not remove the partial run folder {}: {e}",
                    folder.path().display()
                ),
            }
        }
        None => eprintln!("\ninterrupted"),
    }
    std::process::exit(130);
}

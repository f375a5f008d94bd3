//! Library error types.
//!
//! Every error a user can cause carries what they need to fix it: the file, the
//! key path inside the scenario, the line when it is known, and what is allowed.
//! The binary maps bad input ([`Error::is_bad_input`]: the scenario, arguments,
//! data files, an output path that cannot be a folder) to exit code 2 and
//! everything else to 1.

use std::path::PathBuf;

use thiserror::Error;

/// A problem with a scenario file: unreadable, not TOML, unknown key, wrong type
/// or a value outside what the model allows.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{file}{}: `{key}`: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ScenarioError {
    /// The scenario file as the user named it.
    pub file: PathBuf,
    /// Dotted key path, e.g. `intents[2].share`; `(document)` for the whole file.
    pub key: String,
    /// 1-based line of the offending key or value, when it could be located.
    pub line: Option<usize>,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Everything the library can fail with.
#[derive(Debug, Error)]
pub enum Error {
    /// The scenario is invalid (the binary exits with code 2).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Command-line or API arguments outside what is allowed (exit code 2).
    #[error("invalid argument `{name}`: {message}")]
    InvalidArgument { name: &'static str, message: String },
    /// A data file (e.g. transcripts for replay) is unreadable or malformed.
    #[error(
        "{}{}: {}{message}",
        file.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default(),
        field.as_ref().map(|f| format!("`{f}`: ")).unwrap_or_default()
    )]
    Input {
        file: PathBuf,
        /// 1-based line; `None` for the file as a whole.
        line: Option<usize>,
        /// Path of the offending field inside the line, e.g. `turns[2].speaker`.
        field: Option<String>,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A data file holds nothing to work on (empty, or only comments).
    #[error("no conversations in {}", file.display())]
    NoConversations { file: PathBuf },
    /// The run folder cannot go where asked: `file` (the output folder or
    /// one of its parents) is a file.
    #[error("{}", output_is_a_file(out, file))]
    OutputIsAFile { out: PathBuf, file: PathBuf },
    /// Writing the run's output failed. The OS error is the `source` (shown
    /// after the message by error reporters, so it is not repeated here).
    #[error("cannot write {}", path.display())]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Drawing a chart failed.
    #[error("cannot draw chart {0}")]
    Chart(String),
    /// A `[[variants]]` entry (or a `--set` override) does not apply or does
    /// not validate (exit code 2).
    #[error(
        "{}{}: variant `{variant}`: `{path}`: {message}",
        file.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default()
    )]
    Variant {
        file: PathBuf,
        variant: String,
        /// The override's key path, or the scenario key that failed.
        path: String,
        /// Line of the variant in the scenario file.
        line: Option<usize>,
        message: String,
    },
    /// A threshold names a figure the run does not have (exit code 2).
    #[error("{0}")]
    Threshold(String),
    /// The actor runtime failed (a bug, not a user error).
    #[error("simulation runtime failure: {0}")]
    Runtime(String),
}

impl Error {
    /// True when the error is the user's input (scenario, arguments, data), which
    /// the binary reports with exit code 2.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Scenario(_)
                | Error::InvalidArgument { .. }
                | Error::Input { .. }
                | Error::NoConversations { .. }
                | Error::OutputIsAFile { .. }
                | Error::Variant { .. }
                | Error::Threshold(_)
        )
    }
}

fn output_is_a_file(out: &std::path::Path, file: &std::path::Path) -> String {
    if out == file {
        format!(
            "cannot create the run folder in {}: it is a file, not a folder",
            out.display()
        )
    } else {
        format!(
            "cannot create the run folder in {}: {} is a file, not a folder",
            out.display(),
            file.display()
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

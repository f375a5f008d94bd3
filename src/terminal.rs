//! The terminal side of long commands: the progress bar `staff`,
//! `schedule` and `calibrate` draw through the library's `Progress` trait.

/// The progress of `staff`, `schedule` and `calibrate` on stderr: the phase
/// and a bar when its amount of work is known, a spinner and a count when
/// not. Nothing is drawn with `--quiet` or when stderr is not a terminal.
pub(crate) struct TerminalProgress {
    bar: Option<indicatif::ProgressBar>,
    unit: &'static str,
}

impl TerminalProgress {
    pub(crate) fn new(quiet: bool, unit: &'static str) -> TerminalProgress {
        use std::io::IsTerminal as _;
        let shown = !quiet && std::io::stderr().is_terminal();
        TerminalProgress {
            bar: shown.then(|| {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar
            }),
            unit,
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for TerminalProgress {
    /// Also on an error: no half-drawn bar is left above the message.
    fn drop(&mut self) {
        self.finish();
    }
}

impl handoff_sim::progress::Progress for TerminalProgress {
    fn phase(&self, name: &str, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        let template = match total {
            Some(_) => format!(
                "{{msg}}  {{bar:30}} {{pos}}/{{len}} {}  {{elapsed}}",
                self.unit
            ),
            None => "{spinner} {msg}  {elapsed}".to_string(),
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        bar.set_position(0);
        match total {
            Some(n) => bar.set_length(n),
            None => bar.unset_length(),
        }
        bar.set_message(name.to_string());
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }
}

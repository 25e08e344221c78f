//! A download progress line on stderr: redrawn in place (`\r`) on a
//! terminal, a single summary line otherwise (logs and pipes stay clean).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Redraws at most this often.
const REDRAW: Duration = Duration::from_millis(200);

/// Progress of fetching `total` items.
#[derive(Debug)]
pub struct Progress {
    what: &'static str,
    total: u64,
    started: Instant,
    drawn: Option<Instant>,
    live: bool,
}

/// Items per second over `elapsed`, in integers (no floats in reports).
pub fn rate(done: u64, elapsed: Duration) -> u64 {
    let ms = u64::try_from(elapsed.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    done.saturating_mul(1000) / ms
}

impl Progress {
    /// Starts counting `total` items of `what` (e.g. "entries").
    pub fn new(what: &'static str, total: u64) -> Progress {
        Progress {
            what,
            total,
            started: Instant::now(),
            drawn: None,
            live: std::io::stderr().is_terminal(),
        }
    }

    /// `done` items so far.
    pub fn update(&mut self, done: u64) {
        if !self.live || self.drawn.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        self.drawn = Some(Instant::now());
        let rate = rate(done, self.started.elapsed());
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\rdownloading: {done}/{} {} ({rate}/s)   ",
            self.total, self.what
        );
        let _ = err.flush();
    }

    /// All done: one final line.
    pub fn finish(&self, done: u64) {
        let elapsed = self.started.elapsed();
        let ms = elapsed.as_millis();
        eprintln!(
            "{}downloaded {done} {} in {}.{:03} s ({}/s)",
            if self.live && self.drawn.is_some() {
                "\r"
            } else {
                ""
            },
            self.what,
            ms / 1000,
            ms % 1000,
            rate(done, elapsed)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::rate;
    use std::time::Duration;

    #[test]
    fn rate_is_per_second_and_survives_zero_time() {
        assert_eq!(rate(5000, Duration::from_millis(2500)), 2000);
        assert_eq!(rate(7, Duration::ZERO), 7000);
    }
}

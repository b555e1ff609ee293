//! Progress of long steps: nothing for a step that ends within 2 s; then,
//! when stderr is a terminal (an administrator at a shell), an `indicatif`
//! bar with the rate and ETA; otherwise (apt, syslog, a pipe) at most one
//! log line every 3 s with what is done, the percentage and an ETA
//! extrapolated from the rate so far. The closing line is logged either way.
//! Never fails and never blocks the work it reports on.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const QUIET_START: Duration = Duration::from_secs(2);
const EVERY: Duration = Duration::from_secs(3);

pub struct Progress {
    what: String,
    unit: &'static str,
    total: u64,
    started: Instant,
    last: Option<Instant>,
    /// On a terminal: the bar, made at the first update past QUIET_START.
    terminal: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// `total` is an estimate; percentages are capped at 99 until `finish`.
    pub fn new(what: impl Into<String>, unit: &'static str, total: u64) -> Progress {
        Progress {
            what: what.into(),
            unit,
            total,
            started: Instant::now(),
            last: None,
            terminal: std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    fn make_bar(&self, target: ProgressDrawTarget) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(self.total), target);
        // The template is a constant: it parses; a plain bar if it ever did not.
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "{{msg}} [{{bar:30}}] {{human_pos}}/~{{human_len}} {unit} ({{percent}}%), \
             {{per_sec}}, ETA {{eta}}",
            unit = self.unit
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(self.what.clone());
        bar
    }

    /// Report `done` units; prints only when due.
    pub fn update(&mut self, done: u64) {
        let now = Instant::now();
        let elapsed = now - self.started;
        if elapsed < QUIET_START {
            return;
        }
        if self.terminal {
            if self.bar.is_none() {
                self.bar = Some(self.make_bar(ProgressDrawTarget::stderr()));
                self.last = Some(now);
            }
            if let Some(bar) = &self.bar {
                // The total is an estimate: never let the bar overflow.
                if done > bar.length().unwrap_or(0) {
                    bar.set_length(done);
                }
                bar.set_position(done);
            }
            return;
        }
        if self.last.is_some_and(|l| now - l < EVERY) {
            return;
        }
        self.last = Some(now);
        log::info!("{}", self.line(done, elapsed));
    }

    /// The last line, only if progress was shown at all.
    pub fn finish(&mut self, done: u64) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.last.is_some() {
            log::info!(
                "{}: {} {} done in {:.1} s",
                self.what,
                thousands(done),
                self.unit,
                self.started.elapsed().as_secs_f64()
            );
        }
    }

    fn line(&self, done: u64, elapsed: Duration) -> String {
        if self.total == 0 {
            return format!("{}: {} {} done", self.what, thousands(done), self.unit);
        }
        let fraction = (done as f64 / self.total as f64).min(0.99);
        let eta = if fraction > 0.0 {
            elapsed.as_secs_f64() * (1.0 - fraction) / fraction
        } else {
            f64::NAN
        };
        let eta = if eta.is_finite() {
            format!("ETA {}", duration(eta))
        } else {
            "ETA unknown".into()
        };
        format!(
            "{}: {} of ~{} {} ({:.0}%), {eta}",
            self.what,
            thousands(done),
            thousands(self.total),
            self.unit,
            fraction * 100.0
        )
    }
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 75.2 -> "1 min 15 s".
pub fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(duration(75.2), "1 min 15 s");
        let p = Progress::new("copying", "rows", 1000);
        let line = p.line(250, Duration::from_secs(10));
        assert_eq!(line, "copying: 250 of ~1,000 rows (25%), ETA 30 s");
    }

    #[test]
    fn on_a_terminal_a_bar_follows_the_work() {
        let mut p = Progress::new("copying", "rows", 1000);
        p.terminal = true;
        p.started = Instant::now() - Duration::from_secs(5);
        // A hidden target stands for the terminal.
        p.bar = Some(p.make_bar(ProgressDrawTarget::hidden()));
        p.last = Some(Instant::now());
        p.update(250);
        let bar = p.bar.clone().expect("bar");
        assert_eq!((bar.position(), bar.length()), (250, Some(1000)));
        // An estimate exceeded: the length follows.
        p.update(1500);
        assert_eq!((bar.position(), bar.length()), (1500, Some(1500)));
        p.finish(1500);
        assert!(p.bar.is_none() && bar.is_finished());
    }

    #[test]
    fn off_a_terminal_no_bar_is_made() {
        let mut p = Progress::new("copying", "rows", 1000);
        p.terminal = false;
        p.started = Instant::now() - Duration::from_secs(5);
        p.update(250);
        assert!(p.bar.is_none() && p.last.is_some());
    }
}

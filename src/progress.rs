//! Progress of long steps: nothing for a step that ends within 2 s; then,
//! when stderr is a terminal (an administrator at a shell), one line redrawn
//! in place at most 4 times a second; otherwise (apt, syslog, a pipe) at
//! most one log line every 3 s. Both say what is done, the percentage, a
//! rate in human units (`pages/s`, `MB/s`) and an ETA from a smoothed rate
//! that only moves when the work does. The terminal line fits the
//! terminal's width (TIOCGWINSZ, 80 columns when unknown) and ends at 100%.
//! The closing line is logged either way. Never fails and never blocks the
//! work it reports on.

use std::io::{IsTerminal, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

const QUIET_START: Duration = Duration::from_secs(2);
const EVERY: Duration = Duration::from_secs(3);
const REDRAW: Duration = Duration::from_millis(250);
/// Time constant of the smoothed rate: a few seconds of history.
const SMOOTHING_SECS: f64 = 5.0;
const BAR_WIDTH: usize = 30;
/// The fewest characters of the step's name a terminal line keeps.
const MIN_NAME: usize = 8;

/// Where the terminal line is drawn: stderr, or a test's pseudo-terminal.
type Screen = Box<dyn Write + Send>;

pub struct Progress {
    what: String,
    unit: &'static str,
    total: u64,
    started: Instant,
    /// The last log line (off a terminal) or the first draw (on one).
    last: Option<Instant>,
    /// On a terminal: where to draw, and the fd whose width is asked.
    screen: Option<(Screen, i32)>,
    last_draw: Option<Instant>,
    rate: Rate,
}

/// The rate, smoothed, and the ETA it gave when the work last moved.
#[derive(Default)]
struct Rate {
    /// (when, done) of the last sample that moved.
    sample: Option<(Instant, u64)>,
    per_sec: Option<f64>,
    /// When the work should end, as of the last move.
    end: Option<Instant>,
}

impl Progress {
    /// `total` is an estimate; percentages are capped at 99 until `finish`.
    pub fn new(what: impl Into<String>, unit: &'static str, total: u64) -> Progress {
        let stderr = std::io::stderr();
        let screen = stderr
            .is_terminal()
            .then(|| (Box::new(std::io::stderr()) as Screen, stderr.as_raw_fd()));
        Progress::with_screen(what, unit, total, screen)
    }

    fn with_screen(
        what: impl Into<String>,
        unit: &'static str,
        total: u64,
        screen: Option<(Screen, i32)>,
    ) -> Progress {
        Progress {
            what: what.into(),
            unit,
            total,
            started: Instant::now(),
            last: None,
            screen,
            last_draw: None,
            rate: Rate::default(),
        }
    }

    /// Report `done` units; prints only when due.
    pub fn update(&mut self, done: u64) {
        self.update_at(done, Instant::now());
    }

    fn update_at(&mut self, done: u64, now: Instant) {
        self.rate.sample(self.started, done, self.total, now);
        let elapsed = now.saturating_duration_since(self.started);
        if elapsed < QUIET_START {
            return;
        }
        if self.screen.is_some() {
            if self.last_draw.is_some_and(|l| now - l < REDRAW) {
                return;
            }
            self.last.get_or_insert(now);
            self.last_draw = Some(now);
            let line = self.terminal_line(done, now, None);
            self.draw(&line, false);
            return;
        }
        if self.last.is_some_and(|l| now - l < EVERY) {
            return;
        }
        self.last = Some(now);
        log::info!("{}", self.line(done, now));
    }

    /// The last line, only if progress was shown at all: on a terminal the
    /// line at 100%, kept on the screen.
    pub fn finish(&mut self, done: u64) {
        if self.last.is_none() {
            return;
        }
        let took = self.started.elapsed().as_secs_f64();
        let closing = format!(
            "{}: {} {} done in {}",
            self.what,
            self.amount(done),
            self.unit_name(),
            duration(took)
        );
        if self.screen.is_some() {
            let line = self.terminal_line(done, Instant::now(), Some(took));
            self.draw(&line, true);
            // The screen has it; syslog keeps it.
            log::info!(target: crate::logging::SYSLOG_ONLY, "{closing}");
        } else {
            log::info!("{closing}");
        }
    }

    fn draw(&mut self, line: &str, last: bool) {
        if let Some((out, _)) = &mut self.screen {
            let end = if last { "\n" } else { "" };
            // A terminal gone away must not stop the work.
            let _ = write!(out, "\r{line}\x1b[K{end}");
            let _ = out.flush();
        }
    }

    /// `bytes` are shown in MB, anything else counted.
    fn amount(&self, n: u64) -> String {
        if self.unit == "bytes" {
            megabytes(n as f64)
        } else {
            thousands(n)
        }
    }

    fn unit_name(&self) -> &'static str {
        if self.unit == "bytes" {
            "MB"
        } else {
            self.unit
        }
    }

    fn rate_text(&self) -> Option<String> {
        let r = self.rate.per_sec?;
        Some(if self.unit == "bytes" {
            format!("{} MB/s", megabytes(r))
        } else {
            format!("{} {}/s", thousands(r.round() as u64), self.unit)
        })
    }

    /// What the ETA says at `now`: counting down from the last move, never
    /// `0 s` before the end.
    fn eta_text(&self, done: u64, now: Instant) -> String {
        if self.total > 0 && done >= self.total {
            return "finishing".into();
        }
        match self.rate.end {
            Some(end) if end > now => format!("ETA {}", duration_up((end - now).as_secs_f64())),
            Some(_) => "finishing".into(),
            None => "ETA unknown".into(),
        }
    }

    /// The log line (off a terminal).
    fn line(&self, done: u64, now: Instant) -> String {
        if self.total == 0 {
            return format!(
                "{}: {} {} done",
                self.what,
                self.amount(done),
                self.unit_name()
            );
        }
        let rate = self
            .rate_text()
            .map(|r| format!(", {r}"))
            .unwrap_or_default();
        format!(
            "{}: {} of ~{} {} ({:.0}%){rate}, {}",
            self.what,
            self.amount(done),
            self.amount(self.total),
            self.unit_name(),
            self.percent(done),
            self.eta_text(done, now)
        )
    }

    fn percent(&self, done: u64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        (done as f64 / self.total as f64).min(0.99) * 100.0
    }

    /// The terminal line, cut to the width: with a bar when there is room.
    /// `took`: the step is over (100%, its time instead of the ETA).
    fn terminal_line(&self, done: u64, now: Instant, took: Option<f64>) -> String {
        let width = self.screen.as_ref().map_or(80, |(_, fd)| width_of(*fd));
        let (percent, tail) = match took {
            Some(secs) => (100.0, format!("done in {}", duration(secs))),
            None => (self.percent(done), self.eta_text(done, now)),
        };
        let counts = if self.total == 0 || took.is_some() {
            format!("{} {}", self.amount(done), self.unit_name())
        } else {
            format!(
                "{} of ~{} {}",
                self.amount(done),
                self.amount(self.total),
                self.unit_name()
            )
        };
        let rate = match (took, self.rate_text()) {
            (None, Some(r)) => format!(", {r}"),
            _ => String::new(),
        };
        let room = width.saturating_sub(1);
        // The rate goes first when the numbers and a short name do not fit.
        let full = format!("{counts} ({percent:.0}%){rate}, {tail}");
        let text = if full.chars().count() + 2 + MIN_NAME <= room {
            full
        } else {
            format!("{counts} ({percent:.0}%), {tail}")
        };
        // One column spare (above): a full last column makes some terminals wrap.
        // The numbers matter most: the name is cut first, the bar only
        // drawn in the room left.
        let text_len = text.chars().count();
        let name = cut(&self.what, room.saturating_sub(text_len + 2).max(MIN_NAME));
        let head = format!("{name}: ");
        let fixed = head.chars().count() + text_len + 3;
        let bar = if fixed + 10 <= room {
            let w = (room - fixed).min(BAR_WIDTH);
            let filled = ((percent / 100.0) * w as f64).round() as usize;
            format!("[{}{}] ", "=".repeat(filled), " ".repeat(w - filled.min(w)))
        } else {
            String::new()
        };
        cut(&format!("{head}{bar}{text}"), room)
    }
}

impl Rate {
    /// Fold in a sample; the ETA moves only when the work does.
    fn sample(&mut self, started: Instant, done: u64, total: u64, now: Instant) {
        let (t0, d0) = self.sample.unwrap_or((started, 0));
        if done <= d0 || now <= t0 {
            return;
        }
        let dt = (now - t0).as_secs_f64();
        let instant = (done - d0) as f64 / dt;
        let alpha = 1.0 - (-dt / SMOOTHING_SECS).exp();
        let rate = match self.per_sec {
            Some(r) => r + alpha * (instant - r),
            None => instant,
        };
        self.per_sec = Some(rate);
        self.sample = Some((now, done));
        self.end = (total > done && rate > 0.0)
            .then(|| now + Duration::from_secs_f64(((total - done) as f64 / rate).min(1e7)));
    }
}

/// The terminal's width in columns, 80 when it cannot be told.
fn width_of(fd: i32) -> usize {
    // SAFETY: TIOCGWINSZ writes a `winsize` we own; any failure leaves
    // ws_col at 0, read as unknown.
    let mut ws: nix::libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { nix::libc::ioctl(fd, nix::libc::TIOCGWINSZ, &mut ws) } == 0;
    if ok && ws.ws_col > 0 {
        usize::from(ws.ws_col)
    } else {
        80
    }
}

/// At most `room` characters, an ellipsis for what is cut.
fn cut(line: &str, room: usize) -> String {
    if line.chars().count() <= room {
        return line.to_string();
    }
    let mut out: String = line.chars().take(room.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Bytes as MB: `0.5`, `12.3`, `1,234` (one decimal under 100 MB).
fn megabytes(bytes: f64) -> String {
    let mb = bytes / 1e6;
    if mb < 100.0 {
        format!("{mb:.1}")
    } else {
        thousands(mb.round() as u64)
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

/// An estimate or a time taken, in the one format (`crate::duration`).
pub fn duration(secs: f64) -> String {
    crate::duration::seconds(secs)
}

/// An ETA, rounded up to the second: never "0 s" while something is left.
fn duration_up(secs: f64) -> String {
    duration(secs.ceil().max(1.0))
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;

//! Tests of `progress`: the lines it makes, and what a pseudo-terminal
//! receives (width, units, ETA, the 100% line).

use std::io::Read;
use std::os::fd::AsRawFd;

use super::*;

const T: fn(f64) -> Duration = Duration::from_secs_f64;

#[test]
fn formats() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(1234567), "1,234,567");
    assert_eq!(duration(75.2), "1 min 15 s");
    assert_eq!(duration_up(0.2), "1 s");
    assert_eq!(megabytes(30_420_030.0), "30.4");
    assert_eq!(megabytes(1_234_567_890.0), "1,235");
    let mut p = Progress::with_screen("copying", "rows", 1000, None);
    let t0 = p.started;
    p.update_at(250, t0 + T(10.0));
    assert_eq!(
        p.line(250, t0 + T(10.0)),
        "copying: 250 of ~1,000 rows (25%), 25 rows/s, ETA 30 s"
    );
    let mut p = Progress::with_screen("restoring", "bytes", 30_420_030, None);
    let t0 = p.started;
    p.update_at(10_000_000, t0 + T(4.0));
    assert_eq!(
        p.line(10_000_000, t0 + T(4.0)),
        "restoring: 10.0 of ~30.4 MB (33%), 2.5 MB/s, ETA 9 s"
    );
    // Past the estimate: no ETA of 0 s, the percentage capped.
    p.update_at(30_420_030, t0 + T(12.0));
    assert_eq!(
        p.line(30_420_030, t0 + T(13.0)),
        "restoring: 30.4 of ~30.4 MB (99%), 2.5 MB/s, finishing"
    );
}

#[test]
fn the_eta_counts_down_while_the_work_stalls_and_never_says_0_s_early() {
    let mut p = Progress::with_screen("rewriting queue_log", "rows", 1000, None);
    let t0 = p.started;
    p.update_at(700, t0 + T(7.0));
    let etas: Vec<String> = [7.5, 8.0, 9.0, 9.9, 10.5]
        .iter()
        .map(|s| {
            p.update_at(700, t0 + T(*s));
            p.eta_text(700, t0 + T(*s))
        })
        .collect();
    assert_eq!(
        etas,
        ["ETA 3 s", "ETA 2 s", "ETA 1 s", "ETA 1 s", "finishing"]
    );
    // A burst at the start does not make the ETA 0 s far from the end.
    let mut p = Progress::with_screen("prepare", "pages", 22_703, None);
    let t0 = p.started;
    p.update_at(6_000, t0 + T(0.001));
    p.update_at(6_100, t0 + T(2.5));
    assert_ne!(p.eta_text(6_100, t0 + T(2.5)), "ETA 0 s");
    assert!(
        p.eta_text(6_100, t0 + T(2.5)).starts_with("ETA "),
        "{}",
        p.eta_text(6_100, t0 + T(2.5))
    );
}

/// Drawn on a 60-column pseudo-terminal: every line fits, rates in
/// human units, no ETA of 0 s before the end, and a last line at 100%.
#[test]
fn on_a_pseudo_terminal_each_line_fits_and_the_last_says_100_percent() {
    let size = nix::pty::Winsize {
        ws_row: 24,
        ws_col: 60,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = nix::pty::openpty(Some(&size), None).expect("openpty");
    let slave = std::fs::File::from(pty.slave);
    let fd = slave.as_raw_fd();
    assert_eq!(width_of(fd), 60);
    let what = "adding the id of queue_log in the 14.07 database 'asterisk'";
    let mut p = Progress::with_screen(what, "pages", 22_703, Some((Box::new(slave), fd)));
    p.started = Instant::now() - Duration::from_secs(60);
    let t0 = p.started;
    for i in 0..=40u64 {
        p.update_at(i * 500, t0 + T(2.0 + i as f64 * 0.3));
    }
    p.finish(22_703);
    drop(p);
    let mut master = std::fs::File::from(pty.master);
    let mut raw = Vec::new();
    // EIO once the slave is closed and everything was read.
    let _ = master.read_to_end(&mut raw);
    let text = String::from_utf8(raw).expect("utf-8");
    let lines: Vec<&str> = text
        .split(['\r', '\n'])
        .map(|l| l.trim_end_matches("\x1b[K"))
        .filter(|l| !l.is_empty())
        .collect();
    assert!(lines.len() > 10, "{text:?}");
    for l in &lines {
        assert!(l.chars().count() < 60, "too wide: {l:?}");
        assert!(!l.contains("ETA 0 s"), "{l:?}");
        // Cut in the name, never in the numbers.
        assert!(
            l.contains("ETA ") || l.contains("finishing") || l.contains("done in "),
            "{l:?}"
        );
    }
    // A rate when there is room for it (80 columns when the width is
    // unknown): a shorter name, a bar in what is left.
    let mut p = Progress::with_screen("prepare", "pages", 22_703, None);
    let t0 = p.started;
    p.update_at(6_000, t0 + T(4.0));
    assert_eq!(
        p.terminal_line(6_000, t0 + T(4.0), None),
        "prepare: [====          ] 6,000 of ~22,703 pages (26%), 1,500 pages/s, ETA 12 s"
    );
    let last = lines.last().expect("a last line");
    assert!(last.contains("22,703 pages (100%), done in "), "{last:?}");
    assert!(text.ends_with('\n'), "{text:?}");
    // A wide terminal gets the bar, whole and full at the end.
    let wide = Progress::with_screen("copying", "rows", 1000, None);
    let line = wide.terminal_line(1000, Instant::now(), Some(3.21));
    assert_eq!(
        line,
        format!(
            "copying: [{}] 1,000 rows (100%), done in 3.2 s",
            "=".repeat(30)
        )
    );
}

#[test]
fn width_is_80_when_not_a_terminal() {
    let f = std::fs::File::open("/dev/null").expect("/dev/null");
    assert_eq!(width_of(f.as_raw_fd()), 80);
}

#[test]
fn off_a_terminal_a_log_line_every_few_seconds() {
    let mut p = Progress::with_screen("copying", "rows", 1000, None);
    let t0 = p.started;
    p.update_at(100, t0 + T(1.0));
    assert!(p.last.is_none(), "quiet for the first 2 s");
    p.update_at(250, t0 + T(5.0));
    assert_eq!(p.last, Some(t0 + T(5.0)));
    p.update_at(300, t0 + T(6.0));
    assert_eq!(p.last, Some(t0 + T(5.0)), "not again within 3 s");
}

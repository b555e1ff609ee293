//! The one format of every duration the commands print and log (times
//! taken, estimates, the history's timings): two significant figures under
//! a minute ("0.12 s", "1.2 s", "12 s"), minutes and whole seconds from
//! there ("1 min 15 s"). A reader compares any two lines at a glance.

use std::time::Duration;

/// `d` in the one format.
pub fn human(d: Duration) -> String {
    seconds(d.as_secs_f64())
}

/// `secs` in the one format (0 for a negative or unknown time).
pub fn seconds(secs: f64) -> String {
    if !secs.is_finite() || secs <= 0.0 {
        return "0 s".into();
    }
    let rounded = two_figures(secs);
    if rounded < 59.5 {
        // Decimals left once rounded: 2 for 0.12, 1 for 1.2, 0 for 12.
        let decimals = (1 - rounded.log10().floor() as i32).max(0) as usize;
        let text = format!("{rounded:.decimals$}");
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        return format!("{text} s");
    }
    let whole = secs.round() as u64;
    format!("{} min {} s", whole / 60, whole % 60)
}

/// `secs` rounded to two significant figures.
fn two_figures(secs: f64) -> f64 {
    let scale = 10f64.powi(secs.log10().floor() as i32 - 1);
    (secs / scale).round() * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_duration() {
        for (secs, shown) in [
            (0.0, "0 s"),
            (-1.0, "0 s"),
            (0.0042, "0.0042 s"),
            (0.1234, "0.12 s"),
            (0.1, "0.1 s"),
            (0.996, "1 s"),
            (1.23, "1.2 s"),
            (3.0, "3 s"),
            (9.96, "10 s"),
            (12.4, "12 s"),
            (59.4, "59 s"),
            (59.6, "1 min 0 s"),
            (75.2, "1 min 15 s"),
            (3725.0, "62 min 5 s"),
        ] {
            assert_eq!(seconds(secs), shown, "{secs}");
        }
        assert_eq!(human(Duration::from_millis(850)), "0.85 s");
    }

    /// No duration formatted by hand elsewhere: `{:.2} s`, `{secs:.1} s`.
    #[test]
    fn no_other_duration_format_in_the_sources() {
        let mut found = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read");
                    for (n, line) in text.lines().enumerate() {
                        let hand_made = line.contains("} s") && line.contains(":.")
                            || line.contains("} ms\"")
                            || line.contains("} min {");
                        if hand_made && !path.ends_with("duration.rs") {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "use duration::human:\n{}",
            found.join("\n")
        );
    }
}

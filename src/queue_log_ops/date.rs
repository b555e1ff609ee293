//! The DATE of `queue-log prune --before DATE`: `YYYY-MM-DD` or
//! `YYYY-MM-DD HH:MM[:SS]`, checked here (calendar included) before anything
//! connects, and turned into the text form of 14.07's `queue_log."time"`
//! (`YYYY-MM-DD HH:MM:SS.ffffff`, a VARCHAR), which compares in byte order
//! ("C" collation) as the times it stands for.

/// A parsed DATE, as the prefix `queue_log."time"` values are compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoff(pub String);

pub fn parse(text: &str) -> Result<Cutoff, String> {
    let bad = || {
        format!("--before '{text}' is not a date: give YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]' (e.g. 2014-03-01)")
    };
    let t = text.trim();
    let (day, time) = match t.split_once([' ', 'T']) {
        Some((d, h)) => (d, Some(h)),
        None => (t, None),
    };
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let d: Vec<&str> = day.split('-').collect();
    let [y, m, dd] = d.as_slice() else {
        return Err(bad());
    };
    let (y, m, dd) = (
        num(y, 4).ok_or_else(bad)?,
        num(m, 2).ok_or_else(bad)?,
        num(dd, 2).ok_or_else(bad)?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if y < 1970 || dd == 0 || dd > days {
        return Err(bad());
    }
    let (h, mi, s) = match time {
        None => (0, 0, 0),
        Some(time) => {
            let p: Vec<&str> = time.split(':').collect();
            let (h, mi, s) = match p.as_slice() {
                [h, mi] => (num(h, 2), num(mi, 2), Some(0)),
                [h, mi, s] => (num(h, 2), num(mi, 2), num(s, 2)),
                _ => return Err(bad()),
            };
            match (h, mi, s) {
                (Some(h), Some(mi), Some(s)) if h < 24 && mi < 60 && s < 60 => (h, mi, s),
                _ => return Err(bad()),
            }
        }
    };
    Ok(Cutoff(format!(
        "{y:04}-{m:02}-{dd:02} {h:02}:{mi:02}:{s:02}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_into_queue_log_time_text() {
        assert_eq!(parse("2014-03-01").unwrap().0, "2014-03-01 00:00:00");
        assert_eq!(parse("2016-02-29 23:59").unwrap().0, "2016-02-29 23:59:00");
        assert_eq!(
            parse("2014-03-01T08:05:09").unwrap().0,
            "2014-03-01 08:05:09"
        );
    }

    #[test]
    fn non_dates_are_refused() {
        for bad in [
            "",
            "yesterday",
            "2014-3-1",
            "2014-02-29",
            "2014-13-01",
            "2014-00-10",
            "2014-04-31",
            "1900-01-01",
            "2014-03-01 24:00",
            "2014-03-01 12:60",
            "2014-03-01 12",
            "2014/03/01",
            "20140301",
            "2014-03-01 12:00:00:00",
            "２０１４-03-01",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("is not a date"), "{bad}: {e}");
        }
    }
}

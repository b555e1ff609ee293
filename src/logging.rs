//! Logging: the `log` facade to syslog (ident `xivo-manage-db`, facility
//! daemon) with every line echoed to stderr, and masking of secrets in every
//! line that leaves the process.
//!
//! Without `/dev/log` (chroots, containers, tests) it logs to stderr only; a
//! missing syslog must never fail an upgrade.

use std::io::Write;
use std::sync::Mutex;

use log::{Level, LevelFilter, Log, Metadata, Record};

/// The syslog ident every command and hook logs under.
pub const IDENT: &str = "xivo-manage-db";

struct Logger {
    program: String,
    stderr_level: LevelFilter,
    syslog: Option<Mutex<syslog::Logger<syslog::LoggerBackend, syslog::Formatter3164>>>,
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        // Other crates (tokio-postgres logs every statement at debug) only
        // speak up for warnings.
        if !metadata.target().starts_with("xivo_manage_db") {
            return metadata.level() <= Level::Warn;
        }
        metadata.level() <= LevelFilter::Info || metadata.level() <= self.stderr_level
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = mask(&record.args().to_string());
        if record.level() <= self.stderr_level {
            let prefix = match record.level() {
                Level::Error => "error: ",
                Level::Warn => "warning: ",
                _ => "",
            };
            // stderr may be a closed pipe (apt's terminal gone): ignore.
            let _ = writeln!(std::io::stderr(), "{}: {prefix}{line}", self.program);
        }
        if let Some(syslog) = &self.syslog {
            if let Ok(mut w) = syslog.lock() {
                let msg = format!("{}: {line}", self.program);
                let _ = match record.level() {
                    Level::Error => w.err(msg),
                    Level::Warn => w.warning(msg),
                    Level::Info => w.info(msg),
                    Level::Debug | Level::Trace => w.debug(msg),
                };
            }
        }
    }

    fn flush(&self) {}
}

/// Install the logger once per process. `stderr_level` decides what is echoed
/// to the terminal; syslog always gets Info and above.
pub fn init(program: &str, stderr_level: LevelFilter) {
    let formatter = syslog::Formatter3164 {
        facility: syslog::Facility::LOG_DAEMON,
        hostname: None,
        process: IDENT.into(),
        pid: std::process::id(),
    };
    let syslog = if std::path::Path::new(crate::config::SYSLOG_SOCKET).exists() {
        syslog::unix(formatter).ok().map(Mutex::new)
    } else {
        None
    };
    let logger = Logger {
        program: program.to_string(),
        stderr_level,
        syslog,
    };
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(stderr_level.max(LevelFilter::Info));
    }
}

/// Hide secrets in a line of text: `password=...` in libpq key/value strings,
/// `user:password@` in URIs, and `PASSWORD '...'` in SQL.
pub fn mask(text: &str) -> String {
    let masked = mask_after_key(text, "password=");
    let masked = mask_uri_userinfo(&masked);
    mask_after_key(&masked, "PASSWORD ")
}

fn mask_after_key(text: &str, key: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let key_lower = key.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find(&key_lower) {
        let start = i + found + key.len();
        out.push_str(&text[i..start]);
        let rest = &text[start..];
        let end = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => rest[1..].find(q).map(|e| e + 2).unwrap_or(rest.len()),
            _ => rest
                .find(|c: char| c.is_whitespace() || c == '&')
                .unwrap_or(rest.len()),
        };
        if end > 0 {
            out.push_str("********");
        }
        i = start + end;
    }
    out.push_str(&text[i..]);
    out
}

fn mask_uri_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c == '/' || c == '?' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":********");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_every_form() {
        let cases = [
            ("host=/tmp password=abc user=x", "abc"),
            ("host=/tmp password='a b c' user=x", "a b c"),
            ("postgresql://postgres:s3cr3t@localhost:5432/db", "s3cr3t"),
            (
                "CREATE ROLE x LOGIN PASSWORD 'proformatique'",
                "proformatique",
            ),
            ("postgres://h/db?password=zz&user=q", "zz"),
        ];
        for (text, secret) in cases {
            let m = mask(text);
            assert!(!m.contains(secret), "{text} -> {m}");
            assert!(m.contains("********"), "{text} -> {m}");
        }
        assert_eq!(mask("nothing secret here"), "nothing secret here");
        assert_eq!(
            mask("postgresql://localhost/db"),
            "postgresql://localhost/db"
        );
    }
}

//! Logging: the `log` facade to syslog (ident `xivo-manage-db`, facility
//! daemon) with every line echoed to stderr, every line masked by
//! `secrets::mask` before it leaves the process.
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
        let line = crate::secrets::mask(&record.args().to_string());
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

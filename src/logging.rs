//! Logging: the `log` facade to syslog (ident `xivo-manage-db`, facility
//! daemon) with every line echoed to stderr, every line masked by
//! `secrets::mask` before it leaves the process. Also the run's `-q` (quiet:
//! no info lines on stderr, no success line on stdout; warnings and errors
//! still printed), and the target of lines that go to syslog only (a
//! success line the command already prints on stdout).
//!
//! Without `/dev/log` (chroots, containers, tests) it logs to stderr only; a
//! missing syslog must never fail an upgrade. A `/dev/log` that is there but
//! takes nothing (its daemon stopped, or stuck with a full queue) costs one
//! warning, then stderr only: a write never waits more than
//! `SYSLOG_WRITE_TIMEOUT`, so a hung syslog daemon can never hang a hook.

use std::fmt::Display;
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use log::{Level, LevelFilter, Log, Metadata, Record};

/// The syslog ident every command and hook logs under.
pub const IDENT: &str = "xivo-manage-db";

/// Longest a line may wait for the syslog socket (its queue holds only
/// `net.unix.max_dgram_qlen` lines, 10 by default, when nobody reads).
const SYSLOG_WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// The target of a line for syslog only: `log::info!(target: SYSLOG_ONLY, ..)`.
pub const SYSLOG_ONLY: &str = "xivo_manage_db::syslog_only";

static QUIET: AtomicBool = AtomicBool::new(false);

/// `-q` was given: call before `init`.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

type Syslog = syslog::Logger<syslog::LoggerBackend, syslog::Formatter3164>;

struct Logger {
    program: String,
    stderr_level: LevelFilter,
    /// `None` inside once a write failed: syslog is given up for the run.
    syslog: Option<Mutex<Option<Syslog>>>,
}

impl Logger {
    /// The one warning of a run whose syslog stopped taking lines.
    fn syslog_lost(&self, why: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "{}: warning: syslog ({}) {why}: logging to stderr only",
            self.program,
            crate::config::SYSLOG_SOCKET
        );
    }
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
        if record.level() <= self.stderr_level && record.target() != SYSLOG_ONLY {
            let prefix = match record.level() {
                Level::Error => "error: ",
                Level::Warn => "warning: ",
                _ => "",
            };
            // stderr may be a closed pipe (apt's terminal gone): ignore.
            let _ = writeln!(std::io::stderr(), "{}: {prefix}{line}", self.program);
        }
        if let Some(syslog) = &self.syslog {
            if let Ok(mut slot) = syslog.lock() {
                if let Some(w) = slot.as_mut() {
                    let msg = format!("{}: {line}", self.program);
                    let sent = match record.level() {
                        Level::Error => w.err(msg),
                        Level::Warn => w.warning(msg),
                        Level::Info => w.info(msg),
                        Level::Debug | Level::Trace => w.debug(msg),
                    };
                    if let Err(e) = sent {
                        *slot = None;
                        self.syslog_lost(&format!("stopped taking lines ({e})"));
                    }
                }
            }
        }
    }

    fn flush(&self) {}
}

/// Install the logger once per process. `stderr_level` decides what is echoed
/// to the terminal (at most warnings under `-q`); syslog always gets Info
/// and above.
pub fn init(program: &str, stderr_level: LevelFilter) {
    let stderr_level = if quiet() {
        stderr_level.min(LevelFilter::Warn)
    } else {
        stderr_level
    };
    let formatter = syslog::Formatter3164 {
        facility: syslog::Facility::LOG_DAEMON,
        hostname: None,
        process: IDENT.into(),
        pid: std::process::id(),
    };
    let mut logger = Logger {
        program: program.to_string(),
        stderr_level,
        syslog: None,
    };
    if std::path::Path::new(crate::config::SYSLOG_SOCKET).exists() {
        match syslog::unix(formatter) {
            Ok(w) => {
                bound_writes(&w);
                logger.syslog = Some(Mutex::new(Some(w)));
            }
            Err(e) => logger.syslog_lost(&format!("cannot be used ({e})")),
        }
    }
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(stderr_level.max(LevelFilter::Info));
    }
}

/// A write to syslog waits at most SYSLOG_WRITE_TIMEOUT, then fails.
fn bound_writes(w: &Syslog) {
    let _ = match &w.backend {
        syslog::LoggerBackend::Unix(s) => s.set_write_timeout(Some(SYSLOG_WRITE_TIMEOUT)),
        syslog::LoggerBackend::UnixStream(s) => {
            s.get_ref().set_write_timeout(Some(SYSLOG_WRITE_TIMEOUT))
        }
        _ => Ok(()),
    };
}

/// Run one step, logging it ("what...", then "what: done in N s" or
/// "what: failed after N s: error"). Shared by the hooks and restore.
pub async fn timed<T, E: Display>(
    what: &str,
    f: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    log::info!("{what}...");
    let r = f.await;
    let secs = crate::duration::human(started.elapsed());
    match &r {
        Ok(_) => log::info!("{what}: done in {secs}"),
        Err(e) => log::error!("{what}: failed after {secs}: {e}"),
    }
    r
}

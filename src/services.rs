//! Stopping and starting the services that hold database connections, through
//! `SERVICE_COMMAND <service> status|stop|start` (`invoke-rc.d` by default, so
//! that `policy-rc.d` is honoured in chroots and containers) and its LSB exit
//! codes.
//!
//! Only services found running are stopped, and each is written to
//! `$STATE_DIR/stopped-services` *before* it is stopped: a hook killed at any
//! point leaves a list that the next run starts again (starting a running
//! service is a no-op for LSB scripts). This module never decides *when* to
//! stop; the hooks do.
//!
//! A started service must not inherit any descriptor of the hook: not the
//! lock file (it would hold the lock for as long as the daemon lives), not
//! apt's stdout/stderr pipe (apt would wait for EOF forever). The command runs
//! with stdio on /dev/null and every descriptor above 2 closed at exec.

use std::fmt;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::config::Config;

/// An init script that takes longer than this is considered hung.
const ACTION_TIMEOUT: Duration = Duration::from_secs(300);

/// `invoke-rc.d`: the init script does not exist (the service is not installed).
const UNKNOWN_SERVICE: i32 = 100;
/// LSB status: "program or service status is unknown".
const LSB_STATUS_UNKNOWN: i32 = 4;
/// Where an init script or a systemd unit of a service would be.
const INIT_DIRS: [&str; 1] = ["/etc/init.d"];
const UNIT_DIRS: [&str; 3] = [
    "/etc/systemd/system",
    "/lib/systemd/system",
    "/usr/lib/systemd/system",
];

/// Does this host have an init script or a systemd unit for `name`?
fn init_script_or_unit_exists(name: &str) -> bool {
    INIT_DIRS
        .iter()
        .any(|d| std::path::Path::new(d).join(name).exists())
        || UNIT_DIRS.iter().any(|d| {
            std::path::Path::new(d)
                .join(format!("{name}.service"))
                .exists()
        })
}

/// `invoke-rc.d`: `policy-rc.d` forbids the action.
const FORBIDDEN_BY_POLICY: i32 = 101;

/// Why services could not be stopped or started.
#[derive(Debug)]
pub enum ServiceError {
    /// `SERVICE_COMMAND` is not an executable we can find.
    NoCommand { command: String, reason: String },
    /// The state file of stopped services cannot be read or written.
    StateFile { path: PathBuf, reason: String },
    /// A service did not stop; the ones stopped before it were started again.
    StopFailed {
        service: String,
        status: String,
        restarted: Vec<String>,
    },
    /// Services did not start; the others were started. They stay recorded,
    /// so the next hook run tries again.
    StartFailed { failed: Vec<(String, String)> },
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceError::NoCommand { command, reason } => write!(
                f,
                "cannot find SERVICE_COMMAND '{command}': {reason}; install it or fix SERVICE_COMMAND in the config"
            ),
            ServiceError::StateFile { path, reason } => {
                write!(f, "cannot use the service state file {}: {reason}", path.display())
            }
            ServiceError::StopFailed { service, status, restarted } => {
                write!(f, "service {service} did not stop ({status}); nothing was changed")?;
                if !restarted.is_empty() {
                    write!(f, ", {} started again", restarted.join(", "))?;
                }
                write!(f, "; stop {service} by hand, then retry")
            }
            ServiceError::StartFailed { failed } => {
                let list: Vec<String> = failed.iter().map(|(s, why)| format!("{s} ({why})")).collect();
                write!(
                    f,
                    "service(s) did not start: {}; the database step is done; start them by hand \
                     (or re-run the configuration, which tries again)",
                    list.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ServiceError {}

/// What `status` said about a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Running,
    Stopped,
    /// Not installed on this host (`invoke-rc.d` exit 100).
    NotInstalled,
    /// LSB 4 or anything else: we cannot tell, so we leave it alone.
    Unknown(i32),
}

/// The configured service command, resolved once.
pub struct Services {
    command: PathBuf,
    names: Vec<String>,
    state_file: PathBuf,
}

impl Services {
    pub fn new(config: &Config) -> Result<Services, ServiceError> {
        let state_file = config.stopped_services_path();
        let command = match which::which(&config.service_command) {
            Ok(path) => path,
            // Nothing to stop and nothing to start (SERVICES='' in a
            // container without invoke-rc.d): the command is never run.
            Err(_) if config.services.is_empty() && !state_file.exists() => {
                PathBuf::from(&config.service_command)
            }
            Err(e) => {
                return Err(ServiceError::NoCommand {
                    command: config.service_command.clone(),
                    reason: e.to_string(),
                })
            }
        };
        Ok(Services {
            command,
            names: config.services.clone(),
            state_file,
        })
    }

    fn is_invoke_rc_d(&self) -> bool {
        self.command.file_name().is_some_and(|f| f == "invoke-rc.d")
    }

    /// The state of one service.
    pub fn state(&self, name: &str) -> State {
        match self.run(name, "status") {
            Ok(0) => State::Running,
            Ok(1..=3) => State::Stopped,
            Ok(UNKNOWN_SERVICE) => State::NotInstalled,
            // invoke-rc.d passes on systemctl's 4 ("no such unit") for a
            // daemon this host does not have: not installed, not unknown.
            Ok(LSB_STATUS_UNKNOWN)
                if self.is_invoke_rc_d() && !init_script_or_unit_exists(name) =>
            {
                State::NotInstalled
            }
            Ok(code) => State::Unknown(code),
            Err(why) => {
                log::warn!("cannot get the status of service {name}: {why}");
                State::Unknown(-1)
            }
        }
    }

    /// The configured services that are running now.
    pub fn running(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|n| self.state(n) == State::Running)
            .cloned()
            .collect()
    }

    /// Stop the configured services that are running, recording each before
    /// stopping it. On a failure, start again every service this call
    /// stopped and report the one that failed. Returns the services stopped
    /// by this call (earlier records are kept).
    pub fn stop_running(&self) -> Result<Vec<String>, ServiceError> {
        let mut stopped: Vec<String> = Vec::new();
        for name in &self.names {
            match self.state(name) {
                State::Running => {}
                State::Stopped => {
                    log::info!("service {name}: not running, left alone");
                    continue;
                }
                State::NotInstalled => {
                    log::info!("service {name}: not installed, skipped");
                    continue;
                }
                State::Unknown(code) => {
                    log::warn!(
                        "service {name}: status unknown (exit {code}), left alone; its connections are ended with the others"
                    );
                    continue;
                }
            }
            self.record(name)?;
            let started = Instant::now();
            let outcome = self.run(name, "stop");
            let failed = match outcome {
                Ok(0) => None,
                Ok(code) => Some(format!("`{} {name} stop` exited with {code}", self.shown())),
                Err(why) => Some(why),
            };
            if let Some(status) = failed {
                log::error!("service {name}: stop failed: {status}");
                // Never leave services stopped because of another one: start
                // again those this call stopped, and this one if half-stopped.
                let mut again = stopped.clone();
                again.push(name.clone());
                let mut restarted = Vec::new();
                for s in &again {
                    if self.start_one(s).is_ok() {
                        self.forget(s)?;
                        if s != name {
                            restarted.push(s.clone());
                        }
                    }
                }
                return Err(ServiceError::StopFailed {
                    service: name.clone(),
                    status,
                    restarted,
                });
            }
            log::info!(
                "service {name}: stopped in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            stopped.push(name.clone());
        }
        Ok(stopped)
    }

    /// Start exactly the recorded services; a service that fails does not
    /// keep the others from starting, and stays recorded.
    pub fn start_recorded(&self) -> Result<Vec<String>, ServiceError> {
        let recorded = self.recorded()?;
        let mut started = Vec::new();
        let mut failed = Vec::new();
        for name in &recorded {
            match self.start_one(name) {
                Ok(()) => {
                    self.forget(name)?;
                    started.push(name.clone());
                }
                Err(why) => failed.push((name.clone(), why)),
            }
        }
        if failed.is_empty() {
            if recorded.is_empty() {
                log::debug!("no service to start");
            }
            let _ = std::fs::remove_file(&self.state_file);
            Ok(started)
        } else {
            Err(ServiceError::StartFailed { failed })
        }
    }

    fn start_one(&self, name: &str) -> Result<(), String> {
        let started = Instant::now();
        match self.run(name, "start") {
            Ok(0) => {
                log::info!(
                    "service {name}: started in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            }
            Ok(FORBIDDEN_BY_POLICY) => {
                log::warn!("service {name}: start forbidden by policy-rc.d, not started");
                Ok(())
            }
            Ok(code) => {
                let why = format!("`{} {name} start` exited with {code}", self.shown());
                log::error!("service {name}: {why}");
                Err(why)
            }
            Err(why) => {
                log::error!("service {name}: start failed: {why}");
                Err(why)
            }
        }
    }

    /// The services recorded as stopped by a hook, in stop order.
    pub fn recorded(&self) -> Result<Vec<String>, ServiceError> {
        match std::fs::read_to_string(&self.state_file) {
            Ok(text) => Ok(text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(self.state_error(e)),
        }
    }

    fn record(&self, name: &str) -> Result<(), ServiceError> {
        let mut list = self.recorded()?;
        if !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
        self.write_list(&list)
    }

    fn forget(&self, name: &str) -> Result<(), ServiceError> {
        let list: Vec<String> = self.recorded()?.into_iter().filter(|n| n != name).collect();
        if list.is_empty() {
            return match std::fs::remove_file(&self.state_file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.state_error(e)),
                _ => Ok(()),
            };
        }
        self.write_list(&list)
    }

    fn write_list(&self, list: &[String]) -> Result<(), ServiceError> {
        let text: String = list.iter().map(|n| format!("{n}\n")).collect();
        write_atomically(&self.state_file, text.as_bytes()).map_err(|e| self.state_error(e))
    }

    fn state_error(&self, e: std::io::Error) -> ServiceError {
        ServiceError::StateFile {
            path: self.state_file.clone(),
            reason: e.to_string(),
        }
    }

    fn shown(&self) -> String {
        self.command.display().to_string()
    }

    /// Run `<command> <name> <action>` detached from every descriptor of
    /// ours; the exit code, or why there is none.
    fn run(&self, name: &str, action: &str) -> Result<i32, String> {
        let mut cmd = Command::new(&self.command);
        cmd.arg(name)
            .arg(action)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(close_inherited_fds);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.shown()))?;
        let deadline = Instant::now() + ACTION_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    return status.code().ok_or_else(|| {
                        format!("`{} {name} {action}` was killed by a signal", self.shown())
                    })
                }
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "`{} {name} {action}` still running after {} s: killed",
                        self.shown(),
                        ACTION_TIMEOUT.as_secs()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(format!("waiting for {}: {e}", self.shown())),
            }
        }
    }
}

/// Make every descriptor above stderr close-on-exec in the child. Rust opens
/// its own files close-on-exec, but a library (or a future change) might not:
/// this makes the guarantee independent of them. Marking rather than closing
/// keeps std's own close-on-exec pipe that reports a failed exec.
fn close_inherited_fds() -> std::io::Result<()> {
    // close_range(2) with CLOSE_RANGE_CLOEXEC (Linux 5.11) marks them all in
    // one call; the syscall is made directly so that an older libc does not
    // matter.
    const CLOSE_RANGE_CLOEXEC: u32 = 1 << 2;
    // SAFETY: a plain syscall with integer arguments.
    let rc = unsafe {
        nix::libc::syscall(
            nix::libc::SYS_close_range,
            3u32,
            u32::MAX,
            CLOSE_RANGE_CLOEXEC,
        )
    };
    if rc != 0 {
        // Older kernel: one by one up to the descriptor limit.
        // SAFETY: sysconf and fcntl are async-signal-safe; EBADF is ignored.
        let max = unsafe { nix::libc::sysconf(nix::libc::_SC_OPEN_MAX) };
        let max = if max <= 0 { 1024 } else { max.min(65536) } as i32;
        for fd in 3..max {
            unsafe {
                nix::libc::fcntl(fd, nix::libc::F_SETFD, nix::libc::FD_CLOEXEC);
            }
        }
    }
    Ok(())
}

/// Write `bytes` to `path` through a temporary file, synced and renamed, so a
/// crash leaves the old content or the new, never half of it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_daemon_has_no_init_script_or_unit() {
        assert!(!init_script_or_unit_exists("xivo-manage-db-no-such-daemon"));
        let mut c = Config::defaults("/x".into());
        c.services = vec!["xivo-manage-db-no-such-daemon".into()];
        c.service_command = "/bin/sh".into();
        c.state_dir = std::env::temp_dir().join(format!("xmdb-svc-{}", std::process::id()));
        let s = Services::new(&c).expect("services");
        assert!(
            !s.is_invoke_rc_d(),
            "only invoke-rc.d's exit 4 means 'no such unit'"
        );
    }
}

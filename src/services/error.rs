//! Why services could not be stopped or started, each outcome named for
//! what it is: denied by the local policy, failed, or claimed done but not
//! done. Every message names the service and the fix.

use std::fmt;
use std::path::PathBuf;

/// Why one action on one service did not do what it should.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// Forbidden by policy-rc.d (invoke-rc.d `--disclose-deny`'s 101):
    /// nothing was run.
    Denied { action: &'static str },
    /// The command failed, or could not be run.
    Failed(String),
    /// The command exited 0, but the service's status says otherwise.
    NotDone(String),
}

impl fmt::Display for Trouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trouble::Denied { action } => write!(f, "{action} denied by policy-rc.d"),
            Trouble::Failed(why) | Trouble::NotDone(why) => f.write_str(why),
        }
    }
}

/// Why a service was not stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// policy-rc.d denies its `status`: whether it runs (and would write
    /// during the upgrade) cannot be known. Found before anything stopped.
    StatusDenied,
    /// It runs, but invoke-rc.d would not start it again after the upgrade
    /// (`--query` answered `code`). Found before anything stopped.
    WouldNotStartAgain { code: i32, meaning: &'static str },
    /// Its stop was denied (it still runs), failed, or left it running.
    Stop(Trouble),
}

/// A service that was not stopped, and what was undone because of it.
#[derive(Debug)]
pub struct StopFailure {
    pub service: String,
    pub reason: StopReason,
    /// The command that said so, as shown.
    pub command: String,
    /// Stopped by this run before it, and started again.
    pub restarted: Vec<String>,
    /// Stopped by this run before it, and not started again: they stay
    /// recorded for the next run.
    pub not_restarted: Vec<(String, Trouble)>,
}

#[derive(Debug)]
pub enum ServiceError {
    /// `SERVICE_COMMAND` is not an executable we can find.
    NoCommand { command: String, reason: String },
    /// The state file of stopped services cannot be read: found when the
    /// services are set up, before anything is stopped, started or changed.
    Unreadable { path: PathBuf, reason: String },
    /// The state file of stopped services cannot be read or written while
    /// services are stopped or started.
    StateFile { path: PathBuf, reason: String },
    /// A service was not stopped, so the upgrade must not go on; the
    /// services this run stopped were started again.
    StopFailed(Box<StopFailure>),
    /// Services did not start; the others were started. They stay recorded,
    /// so the next hook run tries again.
    StartFailed { failed: Vec<(String, Trouble)> },
}

fn list(items: &[(String, Trouble)]) -> String {
    items
        .iter()
        .map(|(s, why)| format!("{s} ({why})"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for StopFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let StopFailure {
            service,
            reason,
            command,
            restarted,
            not_restarted,
        } = self;
        match reason {
            StopReason::StatusDenied => write!(
                f,
                "service {service}: its status was denied by policy-rc.d (`{command}` exited 101), so \
                 whether it runs cannot be known; the upgrade is refused, nothing was stopped or changed"
            )?,
            StopReason::WouldNotStartAgain { code, meaning } => write!(
                f,
                "service {service} runs, but invoke-rc.d would not start it again after the upgrade \
                 (`{command}` answered {code}: {meaning}); the upgrade is refused, nothing was stopped \
                 or changed"
            )?,
            StopReason::Stop(Trouble::Denied { .. }) => write!(
                f,
                "service {service}: its stop was denied by policy-rc.d (`{command}` exited 101), so it \
                 still runs; the upgrade is refused, nothing was changed"
            )?,
            StopReason::Stop(trouble) => {
                write!(f, "service {service} did not stop ({trouble}); nothing was changed")?
            }
        }
        if !restarted.is_empty() {
            write!(f, ", {} started again", restarted.join(", "))?;
        }
        if !not_restarted.is_empty() {
            write!(
                f,
                ", but {} did not start again (start them by hand)",
                list(not_restarted)
            )?;
        }
        match reason {
            StopReason::StatusDenied => write!(
                f,
                "; allow {service} in policy-rc.d (or take it out of SERVICES in the config if it does \
                 not run here), then retry"
            ),
            StopReason::WouldNotStartAgain { .. } => write!(
                f,
                "; allow its start in policy-rc.d, or stop {service} by hand (it then stays stopped), \
                 then retry"
            ),
            StopReason::Stop(Trouble::Denied { .. }) => write!(
                f,
                "; stop {service} by hand or allow its stop in policy-rc.d, then retry"
            ),
            StopReason::Stop(_) => write!(f, "; stop {service} by hand, then retry"),
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceError::NoCommand { command, reason } => write!(
                f,
                "cannot find SERVICE_COMMAND '{command}': {reason}; install it or fix SERVICE_COMMAND in the config"
            ),
            ServiceError::Unreadable { path, reason } => write!(
                f,
                "service state file {} is unusable: {reason}; it lists the services a hook stopped, one name \
                 a line: start by hand those of SERVICES that are stopped, remove the file, then retry",
                path.display()
            ),
            ServiceError::StateFile { path, reason } => {
                write!(f, "cannot use the service state file {}: {reason}", path.display())
            }
            ServiceError::StopFailed(failure) => failure.fmt(f),
            ServiceError::StartFailed { failed } => {
                write!(f, "service(s) did not start: {}; ", list(failed))?;
                if failed.iter().any(|(_, t)| matches!(t, Trouble::Denied { .. })) {
                    write!(f, "allow it in policy-rc.d or start them by hand")?;
                } else {
                    write!(f, "start them by hand")?;
                }
                write!(
                    f,
                    "; they stay recorded, so re-running the configuration (dpkg --configure -a) tries again"
                )
            }
        }
    }
}

impl std::error::Error for ServiceError {}

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for ServiceError {
    fn from(i: crate::failpoints::Injected) -> Self {
        ServiceError::StateFile {
            path: i.0.into(),
            reason: i.to_string(),
        }
    }
}

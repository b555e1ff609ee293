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

/// A service that did not stop, and what was undone because of it.
#[derive(Debug)]
pub struct StopFailure {
    pub service: String,
    pub trouble: Trouble,
    /// The stop command, as shown.
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
    /// The state file of stopped services cannot be read or written.
    StateFile { path: PathBuf, reason: String },
    /// policy-rc.d denies `status`: whether the service runs cannot be
    /// known. Nothing was stopped.
    StatusDenied { service: String, command: String },
    /// The service runs, but invoke-rc.d would not start it again after the
    /// upgrade. Nothing was stopped.
    WouldNotStartAgain {
        service: String,
        code: i32,
        meaning: &'static str,
    },
    /// A service did not stop; nothing else was done.
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
            ServiceError::StatusDenied { service, command } => write!(
                f,
                "service {service}: its status was denied by policy-rc.d (`{command}` exited 101), so whether \
                 it runs cannot be known; the upgrade is refused, nothing was stopped or changed; allow \
                 {service} in policy-rc.d (or take it out of SERVICES in the config if it does not run \
                 here), then retry"
            ),
            ServiceError::WouldNotStartAgain { service, code, meaning } => write!(
                f,
                "service {service} runs, but invoke-rc.d would not start it again after the upgrade \
                 (`invoke-rc.d --query {service} start` answered {code}: {meaning}); the upgrade is refused, \
                 nothing was stopped or changed; allow its start in policy-rc.d, or stop {service} by hand \
                 (it then stays stopped), then retry"
            ),
            ServiceError::StopFailed(failure) => {
                let StopFailure {
                    service,
                    trouble,
                    command,
                    restarted,
                    not_restarted,
                } = failure.as_ref();
                match trouble {
                    Trouble::Denied { .. } => write!(
                        f,
                        "service {service}: its stop was denied by policy-rc.d (`{command}` exited 101), so it \
                         still runs; the upgrade is refused, nothing was changed"
                    )?,
                    _ => write!(f, "service {service} did not stop ({trouble}); nothing was changed")?,
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
                match trouble {
                    Trouble::Denied { .. } => write!(
                        f,
                        "; stop {service} by hand or allow its stop in policy-rc.d, then retry"
                    ),
                    _ => write!(f, "; stop {service} by hand, then retry"),
                }
            }
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

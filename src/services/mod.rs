//! Stopping and starting the services that hold database connections, through
//! `SERVICE_COMMAND <service> status|stop|start` (`invoke-rc.d` by default, so
//! that `policy-rc.d` is honoured in chroots and containers) and its LSB exit
//! codes; and what became of each service: stopped, left alone (not running,
//! not installed, status unknown), denied by policy-rc.d, failed, started.
//!
//! Only services found running are stopped, and each is written to
//! `$STATE_DIR/stopped-services` *before* it is stopped (see `record`).
//! Before anything is stopped every configured service is looked at, and the
//! upgrade is refused, nothing stopped, when one's status is denied (it may
//! run and write during the upgrade) or one that runs would not be started
//! again. A stop or start is only taken as done when the status then agrees:
//! invoke-rc.d exits 0 for the start of a masked unit without starting it.
//!
//! This module never decides *when* to stop or start; the hooks do. It never
//! starts a service it did not stop, and never reports a denial or a failure
//! as done.

mod command;
mod error;
mod record;

use std::time::{Duration, Instant};

use command::{ServiceCommand, StartQuery, FORBIDDEN, LSB_STATUS_UNKNOWN, UNKNOWN_SERVICE};
pub use error::{ServiceError, StopFailure, StopReason, Trouble};
use record::StoppedList;

use crate::config::Config;

/// How long a service may take, after its stop or start exited 0, to show
/// the state asked for.
const SETTLE: Duration = Duration::from_secs(10);

/// What `status` said about a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Running,
    Stopped,
    /// Not installed on this host: no init script and no unit (invoke-rc.d's
    /// 101 under sysvinit, systemctl's 4 under systemd), or policy-rc.d's 100.
    NotInstalled,
    /// policy-rc.d forbids `status` of an installed service: it may run.
    Denied,
    /// LSB 4 or anything else: we cannot tell, so we leave it alone.
    Unknown(i32),
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            State::Running => f.write_str("running"),
            State::Stopped => f.write_str("stopped"),
            State::NotInstalled => f.write_str("not installed"),
            State::Denied => f.write_str("status denied by policy-rc.d"),
            State::Unknown(code) => write!(f, "status unknown, exit {code}"),
        }
    }
}

pub struct Services {
    command: ServiceCommand,
    names: Vec<String>,
    stopped: StoppedList,
}

impl Services {
    /// Refused when `stopped-services` cannot be read: every caller builds
    /// this before it changes anything.
    pub fn new(config: &Config) -> Result<Services, ServiceError> {
        let stopped = StoppedList::new(config.stopped_services_path());
        stopped.check()?;
        let command = ServiceCommand::new(config, stopped.exists())?;
        Ok(Services {
            command,
            names: config.services.clone(),
            stopped,
        })
    }

    /// The state of one service.
    pub fn state(&self, name: &str) -> State {
        let invoke_rc_d = self.command.is_invoke_rc_d();
        match self.command.action(name, "status") {
            Ok(0) => State::Running,
            Ok(1..=3) => State::Stopped,
            Ok(UNKNOWN_SERVICE) => State::NotInstalled,
            // invoke-rc.d --disclose-deny says 101 for a missing init script
            // (sysvinit) and passes on systemctl's 4 for a missing unit.
            Ok(FORBIDDEN | LSB_STATUS_UNKNOWN)
                if invoke_rc_d && !command::init_script_or_unit_exists(name) =>
            {
                State::NotInstalled
            }
            Ok(FORBIDDEN) => State::Denied,
            Ok(code) => State::Unknown(code),
            Err(why) => {
                log::warn!("cannot get the status of service {name}: {why}");
                State::Unknown(-1)
            }
        }
    }

    /// The configured services that run now, or may: one whose status
    /// policy-rc.d denies counts, since the hooks ask this to judge whether
    /// the database may have been written to since a snapshot.
    pub fn running(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|n| match self.state(n) {
                State::Running => true,
                State::Denied => {
                    log::warn!("service {n}: status denied by policy-rc.d: counted as running");
                    true
                }
                _ => false,
            })
            .cloned()
            .collect()
    }

    /// Stop the configured services that are running, recording each before
    /// stopping it. Refused before anything is stopped when a service's
    /// status is denied or a running one would not be started again. When a
    /// stop is denied or fails, every service this call stopped is started
    /// again and the one that did not stop is named. Earlier records are kept.
    pub fn stop_running(&self) -> Result<Vec<String>, ServiceError> {
        let running = self.check_stoppable()?;
        let mut stopped: Vec<String> = Vec::new();
        for name in &running {
            fail_point!("services.each_stop");
            self.stopped.add(name)?;
            fail_point!("services.each_stop_recorded");
            if let Err(trouble) = self.stop_one(name) {
                return Err(self.undo_stops(name, trouble, &stopped));
            }
            stopped.push(name.clone());
            fail_point!("services.each_stopped");
        }
        Ok(stopped)
    }

    /// What `stop_running` asks before it stops anything, asked on its own
    /// too (before the work preinst does with the services running): the
    /// running services, or the refusal of one whose status or stop is
    /// denied, or that would not be started again. Changes nothing.
    pub fn check_stoppable(&self) -> Result<Vec<String>, ServiceError> {
        let mut running = Vec::new();
        for name in &self.names {
            match self.state(name) {
                State::Running => {
                    self.check_stop_allowed(name)?;
                    self.check_start_allowed(name)?;
                    running.push(name.clone());
                }
                State::Denied => {
                    log::error!("service {name}: status denied by policy-rc.d");
                    return Err(refused(
                        name,
                        StopReason::StatusDenied,
                        self.command.shown(name, "status"),
                    ));
                }
                State::Stopped => {
                    log::info!("service {name}: not running, left alone");
                }
                State::NotInstalled => {
                    log::info!("service {name}: not installed, skipped");
                }
                State::Unknown(code) => {
                    log::warn!(
                        "service {name}: status unknown (exit {code}), left alone; its connections are \
                         ended with the others"
                    );
                }
            }
        }
        Ok(running)
    }

    /// A stop policy-rc.d denies is known before anything is stopped or
    /// changed: asked (`invoke-rc.d --query NAME stop`), only an explicit
    /// denial refuses; any other answer leaves it to the stop itself.
    fn check_stop_allowed(&self, name: &str) -> Result<(), ServiceError> {
        match self.command.may_stop(name) {
            Some(Ok(false)) => {
                log::error!("service {name}: its stop is denied by policy-rc.d");
                Err(refused(
                    name,
                    StopReason::Stop(Trouble::Denied { action: "stop" }),
                    self.command.shown_query(name, "stop"),
                ))
            }
            Some(Err(why)) => {
                log::warn!("service {name}: cannot ask invoke-rc.d about its stop ({why})");
                Ok(())
            }
            None | Some(Ok(true)) => Ok(()),
        }
    }

    /// A running service is only stopped if it will be allowed to start
    /// again: asked now, while it runs, invoke-rc.d answers for policy-rc.d
    /// (and the runlevel links); once stopped, a disabled systemd unit would
    /// be refused as well (see `start_one`).
    fn check_start_allowed(&self, name: &str) -> Result<(), ServiceError> {
        let shown = self.command.shown_query(name, "start");
        match self.command.may_start(name) {
            None | Some(Ok(StartQuery::Allowed)) => Ok(()),
            Some(Ok(StartQuery::Refused(code, meaning))) => {
                log::error!(
                    "service {name}: runs, but invoke-rc.d would not start it again ({code}: {meaning})"
                );
                Err(refused(
                    name,
                    StopReason::WouldNotStartAgain { code, meaning },
                    shown,
                ))
            }
            Some(Err(why)) => Err(refused(name, StopReason::Stop(Trouble::Failed(why)), shown)),
        }
    }

    fn stop_one(&self, name: &str) -> Result<(), Trouble> {
        let started = Instant::now();
        let shown = self.command.shown(name, "stop");
        let trouble = match self.command.action(name, "stop") {
            Ok(0) => match self.settle(name, false) {
                State::Running => {
                    Trouble::NotDone(format!("`{shown}` exited 0 but {name} still runs"))
                }
                _ => {
                    log::info!(
                        "service {name}: stopped in {}",
                        crate::duration::human(started.elapsed())
                    );
                    return Ok(());
                }
            },
            Ok(FORBIDDEN) => Trouble::Denied { action: "stop" },
            Ok(code) => Trouble::Failed(format!("`{shown}` exited with {code}")),
            Err(why) => Trouble::Failed(why),
        };
        log::error!("service {name}: not stopped: {trouble}");
        Err(trouble)
    }

    /// `name` did not stop: never leave services stopped because of another
    /// one. Start again those this call stopped, and `name` itself if it may
    /// be half-stopped (a denied stop ran nothing: it is only forgotten).
    fn undo_stops(&self, name: &str, trouble: Trouble, stopped: &[String]) -> ServiceError {
        let mut again: Vec<String> = stopped.to_vec();
        if matches!(trouble, Trouble::Denied { .. }) {
            if let Err(e) = self.stopped.remove(name) {
                return e;
            }
        } else {
            again.push(name.to_string());
        }
        let mut restarted = Vec::new();
        let mut not_restarted = Vec::new();
        for s in &again {
            match self.start_one(s) {
                Ok(_) => {
                    if let Err(e) = self.stopped.remove(s) {
                        return e;
                    }
                    if s != name {
                        restarted.push(s.clone());
                    }
                }
                Err(t) if s != name => not_restarted.push((s.clone(), t)),
                Err(_) => {}
            }
        }
        ServiceError::StopFailed(Box::new(StopFailure {
            service: name.to_string(),
            command: self.command.shown(name, "stop"),
            reason: StopReason::Stop(trouble),
            restarted,
            not_restarted,
        }))
    }

    /// Start exactly the recorded services; a service that does not start
    /// (denied, failed, or not running after a start that exited 0) does not
    /// keep the others from starting, and stays recorded.
    pub fn start_recorded(&self) -> Result<Vec<String>, ServiceError> {
        let recorded = self.recorded()?;
        if recorded.is_empty() {
            log::debug!("no service to start");
        }
        let mut started = Vec::new();
        let mut failed = Vec::new();
        let mut unrecorded = None;
        for name in &recorded {
            fail_point!("services.each_start");
            match self.start_one(name) {
                Ok(()) => {
                    fail_point!("services.each_started");
                    // A state file that cannot be updated (read-only) must
                    // not keep the other daemons down: a started service
                    // left in the file is only started again, a no-op.
                    if let Err(e) = self.stopped.remove(name) {
                        unrecorded.get_or_insert(e);
                    }
                    started.push(name.clone());
                }
                Err(trouble) => failed.push((name.clone(), trouble)),
            }
        }
        if !failed.is_empty() {
            return Err(ServiceError::StartFailed { failed });
        }
        match unrecorded {
            Some(e) => Err(e),
            None => Ok(started),
        }
    }

    fn start_one(&self, name: &str) -> Result<(), Trouble> {
        let started = Instant::now();
        let shown = self.command.shown(name, "start");
        let (with_systemctl, shown) = match self.command.action(name, "start") {
            Ok(0) => (false, shown),
            // Only we stop a service that runs; a disabled unit we stopped is
            // one invoke-rc.d will not start, and no policy-rc.d forbids it:
            // start it as invoke-rc.d would have, had it still been active.
            Ok(FORBIDDEN)
                if self.command.is_invoke_rc_d() && command::systemd_without_policy_helper() =>
            {
                let unit = command::unit_name(name);
                log::warn!(
                    "service {name}: invoke-rc.d starts only enabled units, and {unit} is disabled; it ran \
                     before the upgrade, and no policy-rc.d forbids it: starting it with systemctl"
                );
                let shown = format!("systemctl start {unit}");
                match command::systemctl_start(&unit) {
                    Ok(0) => (true, shown),
                    Ok(code) => {
                        return Err(start_error(
                            name,
                            Trouble::Failed(format!("`{shown}` exited with {code}")),
                        ))
                    }
                    Err(why) => return Err(start_error(name, Trouble::Failed(why))),
                }
            }
            Ok(FORBIDDEN) => return Err(start_error(name, Trouble::Denied { action: "start" })),
            Ok(code) => {
                return Err(start_error(
                    name,
                    Trouble::Failed(format!("`{shown}` exited with {code}")),
                ))
            }
            Err(why) => return Err(start_error(name, Trouble::Failed(why))),
        };
        match self.settle(name, true) {
            State::Running => {}
            State::Stopped | State::NotInstalled => {
                return Err(start_error(
                    name,
                    Trouble::NotDone(format!("`{shown}` exited 0 but {name} is not running")),
                ))
            }
            // Nothing says it did not start: take the command's word.
            state @ (State::Denied | State::Unknown(_)) => log::warn!(
                "service {name}: its status cannot be read after the start ({state}): not verified"
            ),
        }
        let secs = crate::duration::human(started.elapsed());
        if with_systemctl {
            log::info!("service {name}: started with `{shown}` in {secs}");
        } else {
            log::info!("service {name}: started in {secs}");
        }
        Ok(())
    }

    /// The state of `name` once it reached the one asked for, or status is
    /// denied (waiting will not tell more), or `SETTLE` passed.
    fn settle(&self, name: &str, running: bool) -> State {
        let deadline = Instant::now() + SETTLE;
        loop {
            let state = self.state(name);
            if (state == State::Running) == running
                || state == State::Denied
                || Instant::now() >= deadline
            {
                return state;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The services recorded as stopped by a hook, in stop order.
    pub fn recorded(&self) -> Result<Vec<String>, ServiceError> {
        self.stopped.read()
    }
}

/// A service not stopped, found before anything was stopped.
fn refused(name: &str, reason: StopReason, command: String) -> ServiceError {
    ServiceError::StopFailed(Box::new(StopFailure {
        service: name.to_string(),
        reason,
        command,
        restarted: Vec::new(),
        not_restarted: Vec::new(),
    }))
}

fn start_error(name: &str, trouble: Trouble) -> Trouble {
    log::error!("service {name}: not started: {trouble}");
    trouble
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Services driven by a fake command called `name`, whose status exits
    /// with the code written in `<dir>/code`.
    fn services_with(name: &str) -> (std::path::PathBuf, Services) {
        let dir = std::env::temp_dir().join(format!("xmdb-svc-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let script = dir.join(name);
        std::fs::write(
            &script,
            format!("#!/bin/sh\nexit $(cat {}/code)\n", dir.display()),
        )
        .expect("script");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let mut c = Config::defaults("/x".into());
        c.state_dir = dir.clone();
        c.services = vec!["svc".into()];
        c.service_command = script.display().to_string();
        (dir, Services::new(&c).expect("services"))
    }

    /// invoke-rc.d's status 4 (systemctl's "no such unit") and 101 (no init
    /// script under sysvinit) mean "not installed" only when the host has
    /// neither an init script nor a unit; otherwise 4 is "unknown" and 101 a
    /// denial. From any other command, 4 is only "unknown".
    #[test]
    fn status_4_means_not_installed_only_from_invoke_rc_d_for_a_missing_service() {
        let absent = "xivo-manage-db-no-such-daemon";
        // Installed here: the tests need PostgreSQL, and its init script.
        let present = "postgresql";
        assert!(
            command::init_script_or_unit_exists(present),
            "this test needs /etc/init.d/postgresql (apt-get install postgresql)"
        );
        let (dir, s) = services_with("invoke-rc.d");
        for (code, name, want) in [
            (4, absent, State::NotInstalled),
            (4, present, State::Unknown(4)),
            (101, absent, State::NotInstalled),
            (101, present, State::Denied),
            (100, present, State::NotInstalled),
            (0, present, State::Running),
            (3, present, State::Stopped),
            (1, absent, State::Stopped),
            (7, absent, State::Unknown(7)),
        ] {
            std::fs::write(dir.join("code"), code.to_string()).expect("code");
            assert_eq!(
                s.state(name),
                want,
                "invoke-rc.d status exit {code} for {name}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
        let (dir, s) = services_with("service-command");
        for (code, want) in [
            (4, State::Unknown(4)),
            (101, State::Denied),
            (100, State::NotInstalled),
        ] {
            std::fs::write(dir.join("code"), code.to_string()).expect("code");
            assert_eq!(
                s.state(absent),
                want,
                "another command's status exit {code}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

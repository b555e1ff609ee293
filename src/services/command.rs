//! Running `SERVICE_COMMAND <service> <action>` and reading its exit code;
//! what `invoke-rc.d` (Debian's, as found in /usr/sbin) means by its codes.
//!
//! invoke-rc.d hides every denial unless asked: without `--disclose-deny` a
//! stop or start that policy-rc.d (or, for start, the runlevel links or
//! systemd's enabled state) forbids exits 0, exactly like one that worked,
//! and a denied status exits 4. So it is always run with `--disclose-deny
//! --no-fallback`: a denial is 101, and an action other than the one asked
//! (policy-rc.d's fallback) is a denial too.
//!
//! The command never inherits a descriptor of the hook: not the lock file (a
//! daemon it starts would hold the lock for as long as it lives), not apt's
//! stdout/stderr pipe (apt would wait for EOF forever). It runs with stdio on
//! /dev/null and every descriptor above 2 closed at exec. This module never
//! decides what to do with a service; `super` does.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::error::ServiceError;
use crate::config::Config;

/// An init script that takes longer than this is considered hung.
const ACTION_TIMEOUT: Duration = Duration::from_secs(300);

/// policy-rc.d's "unknown initscript id", passed on by invoke-rc.d.
pub const UNKNOWN_SERVICE: i32 = 100;
/// `--disclose-deny`: the action is forbidden (policy-rc.d, runlevel links,
/// a disabled systemd unit for start) or, under sysvinit, there is no
/// executable init script.
pub const FORBIDDEN: i32 = 101;
/// LSB status: "program or service status is unknown"; also systemctl's
/// "no such unit", which invoke-rc.d passes on under systemd.
pub const LSB_STATUS_UNKNOWN: i32 = 4;
/// `--query`: the action would run (104), or policy-rc.d said "behaviour
/// undefined", which invoke-rc.d takes as allowed (105).
const QUERY_RUN: [i32; 2] = [104, 105];

use crate::config::{INIT_SCRIPT_DIRS, POLICY_RC_D, SYSTEMD_RUNNING_DIR, SYSTEMD_UNIT_DIRS};

/// The configured service command, resolved once.
pub struct ServiceCommand {
    path: PathBuf,
    /// As configured, for messages.
    name: String,
    invoke_rc_d: bool,
}

/// What `invoke-rc.d --query <service> start` said.
pub enum StartQuery {
    Allowed,
    /// The exit code and what it means.
    Refused(i32, &'static str),
}

impl ServiceCommand {
    pub fn new(config: &Config, anything_recorded: bool) -> Result<ServiceCommand, ServiceError> {
        let path = match which::which(&config.service_command) {
            Ok(path) => path,
            // Nothing to stop and nothing to start (SERVICES='' in a
            // container without invoke-rc.d): the command is never run.
            Err(_) if config.services.is_empty() && !anything_recorded => {
                PathBuf::from(&config.service_command)
            }
            Err(e) => {
                return Err(ServiceError::NoCommand {
                    command: config.service_command.clone(),
                    reason: e.to_string(),
                })
            }
        };
        let invoke_rc_d = path.file_name().is_some_and(|f| f == "invoke-rc.d");
        Ok(ServiceCommand {
            path,
            name: config.service_command.clone(),
            invoke_rc_d,
        })
    }

    pub fn is_invoke_rc_d(&self) -> bool {
        self.invoke_rc_d
    }

    /// `<command> <service> <action>` as the messages show it.
    pub fn shown(&self, service: &str, action: &str) -> String {
        format!("{} {service} {action}", self.name)
    }

    /// `<command> --query <service> <action>` as the messages show it.
    pub fn shown_query(&self, service: &str, action: &str) -> String {
        format!("{} --query {service} {action}", self.name)
    }

    /// Run `action` (status, stop, start) on `service`: its exit code, or
    /// why there is none.
    pub fn action(&self, service: &str, action: &str) -> Result<i32, String> {
        let mut args: Vec<&str> = Vec::new();
        if self.invoke_rc_d {
            args.extend(["--disclose-deny", "--no-fallback"]);
        }
        args.extend([service, action]);
        run(&self.path, &args, &self.shown(service, action))
    }

    /// Would invoke-rc.d start `service` now? `None` for another command,
    /// which has no way to tell. Asked while the service runs, the answer is
    /// policy-rc.d's (under sysvinit, the runlevel links' too): under
    /// systemd an active unit passes the enabled-unit check.
    pub fn may_start(&self, service: &str) -> Option<Result<StartQuery, String>> {
        if !self.invoke_rc_d {
            return None;
        }
        let shown = self.shown_query(service, "start");
        Some(
            run(&self.path, &["--query", service, "start"], &shown).map(|code| {
                if QUERY_RUN.contains(&code) {
                    StartQuery::Allowed
                } else {
                    StartQuery::Refused(code, query_meaning(code))
                }
            }),
        )
    }

    /// Would invoke-rc.d stop `service` now? `Some(Ok(false))` only for an
    /// explicit denial (101); `None` for another command.
    pub fn may_stop(&self, service: &str) -> Option<Result<bool, String>> {
        if !self.invoke_rc_d {
            return None;
        }
        let shown = self.shown_query(service, "stop");
        Some(run(&self.path, &["--query", service, "stop"], &shown).map(|code| code != FORBIDDEN))
    }
}

fn query_meaning(code: i32) -> &'static str {
    match code {
        FORBIDDEN => "denied by policy-rc.d, or by its runlevel links",
        106 => "policy-rc.d asks for another action instead",
        UNKNOWN_SERVICE => "policy-rc.d does not know it",
        _ => "policy-rc.d failed",
    }
}

/// Does this host have an init script or a systemd unit for `name`?
pub fn init_script_or_unit_exists(name: &str) -> bool {
    INIT_SCRIPT_DIRS
        .iter()
        .any(|d| Path::new(d).join(name).exists())
        || SYSTEMD_UNIT_DIRS
            .iter()
            .any(|d| Path::new(d).join(unit_name(name)).exists())
}

/// The unit invoke-rc.d drives for `name` under systemd.
pub fn unit_name(name: &str) -> String {
    format!("{}.service", name.strip_suffix(".sh").unwrap_or(name))
}

/// invoke-rc.d's systemd branch starts a unit that is neither enabled nor
/// active only when a policy-rc.d says yes; with no policy-rc.d it refuses
/// (101). So on such a host a 101 for the start of a unit we stopped means
/// "disabled", not "forbidden by the local policy".
pub fn systemd_without_policy_helper() -> bool {
    let helper = crate::config::rooted(POLICY_RC_D);
    // invoke-rc.d's `test -x`, as root: a regular file with an x bit.
    let executable = std::fs::metadata(&helper)
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    Path::new(SYSTEMD_RUNNING_DIR).is_dir() && !executable
}

/// `systemctl start <unit>`: its exit code, or why there is none.
pub fn systemctl_start(unit: &str) -> Result<i32, String> {
    let shown = format!("systemctl start {unit}");
    let path = which::which("systemctl").map_err(|e| format!("cannot find systemctl: {e}"))?;
    run(&path, &["start", unit], &shown)
}

/// Run `program args` detached from every descriptor of ours; the exit code,
/// or why there is none. `shown` names the command in messages.
fn run(program: &Path, args: &[&str], shown: &str) -> Result<i32, String> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(close_inherited_fds);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    let deadline = Instant::now() + ACTION_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return status
                    .code()
                    .ok_or_else(|| format!("`{shown}` was killed by a signal"))
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{shown}` still running after {} s: killed",
                    ACTION_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `{shown}`: {e}")),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake `invoke-rc.d` (named so, as the code detects it by name) in
    /// its own directory: logs its arguments, exits with the code in `code`.
    fn fake(name: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("xmdb-cmd-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let script = dir.join(name);
        let text = format!(
            "#!/bin/sh\necho \"$*\" >> {0}/args\nexit $(cat {0}/code)\n",
            dir.display()
        );
        std::fs::write(&script, text).expect("script");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        (dir, script)
    }

    #[test]
    fn invoke_rc_d_is_asked_to_disclose_denials_and_its_query_codes_are_read() {
        let (dir, script) = fake("invoke-rc.d");
        let mut c = Config::defaults("/x".into());
        c.services = vec!["svc".into()];
        c.service_command = script.display().to_string();
        let s = ServiceCommand::new(&c, false).expect("command");
        assert!(s.is_invoke_rc_d());
        for (code, allowed) in [
            (104, true),
            (105, true),
            (101, false),
            (106, false),
            (100, false),
            (0, false),
        ] {
            std::fs::write(dir.join("code"), code.to_string()).expect("code");
            let q = s
                .may_start("svc")
                .expect("invoke-rc.d has --query")
                .expect("ran");
            assert_eq!(
                matches!(q, StartQuery::Allowed),
                allowed,
                "--query exit {code}"
            );
        }
        std::fs::write(dir.join("code"), "3").expect("code");
        assert_eq!(s.action("svc", "status"), Ok(3));
        let args = std::fs::read_to_string(dir.join("args")).expect("args");
        assert_eq!(
            args.lines().last(),
            Some("--disclose-deny --no-fallback svc status"),
            "{args}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn units_are_named_as_invoke_rc_d_names_them() {
        assert_eq!(unit_name("asterisk"), "asterisk.service");
        assert_eq!(unit_name("hwclock.sh"), "hwclock.service");
    }
}

//! The services driven through the machine's real `/usr/sbin/invoke-rc.d`,
//! with `SERVICE_COMMAND=invoke-rc.d` as in production. Each hook runs in a
//! private mount namespace (`unshare --mount`) where the test binds its own
//! `/etc/init.d` (links to tests/fixtures/services/init-script, an LSB init
//! script over the daemons of service-command), and with `DPKG_ROOT` set to
//! a directory of the test, whose `usr/sbin/policy-rc.d` is what invoke-rc.d
//! asks (tests/fixtures/services/policy-rc.d, which denies what
//! `$XMDB_SVC_DIR/policy` says); the machine's files are never touched.
//! invoke-rc.d's systemd branch is reached by giving the namespace a
//! `/run/systemd/system` and a systemctl (tests/fixtures/services/systemctl)
//! first in PATH, since this machine does not run systemd.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::host::*;
use common::{add_version, repo_head, MigrationsDir, Run};

/// `absent` has neither init script nor unit; `idle` is installed, never runs.
const SERVICES_HERE: &str = "absent pbx-a dbclient pbx-b idle";
const INSTALLED: [&str; 4] = ["pbx-a", "dbclient", "pbx-b", "idle"];

const NAMESPACE_SCRIPT: &str = r#"
set -e
ns=$1 systemd=$2
shift 2
mount --bind "$ns/init.d" /etc/init.d
if [ "$systemd" = yes ]; then
    mount -t tmpfs xmdb-test /run/systemd
    mkdir /run/systemd/system
    mount --bind "$ns/units" /etc/systemd/system
    PATH=$ns/bin:$PATH
    export PATH
fi
exec "$@"
"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/services")
        .join(name)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Init {
    SysV,
    Systemd,
}

/// A miniature XiVO host whose services are driven by the real invoke-rc.d.
struct Rc {
    h: Host,
    ns: PathBuf,
    init: Init,
    /// Without one, $DPKG_ROOT/usr/sbin/policy-rc.d is a non-executable
    /// file, which invoke-rc.d takes for "no policy layer" (a normal systemd
    /// host).
    policy_helper: bool,
}

impl Rc {
    /// A database behind head, pbx-a, dbclient and pbx-b running.
    fn new(init: Init) -> Rc {
        let h = older_host();
        h.c.write_config(&format!(
            "SERVICES='{SERVICES_HERE}'\nSERVICE_COMMAND=invoke-rc.d"
        ));
        let ns = h.c.dir.join("ns");
        for d in ["init.d", "units/multi-user.target.wants", "bin"] {
            std::fs::create_dir_all(ns.join(d)).expect("ns dir");
        }
        if init == Init::SysV {
            for s in INSTALLED {
                std::os::unix::fs::symlink(fixture("init-script"), ns.join("init.d").join(s))
                    .expect("init script");
            }
        } else {
            for s in INSTALLED {
                std::fs::write(
                    ns.join(format!("units/{s}.service")),
                    format!("[Service]\nExecStart=/usr/sbin/{s}\n"),
                )
                .expect("unit");
            }
            std::os::unix::fs::symlink(fixture("systemctl"), ns.join("bin/systemctl"))
                .expect("systemctl");
        }
        Rc {
            h,
            ns,
            init,
            policy_helper: true,
        }
    }

    fn enable(&self, unit: &str) {
        std::fs::write(
            self.ns
                .join(format!("units/multi-user.target.wants/{unit}.service")),
            "",
        )
        .expect("enable");
    }

    fn mask(&self, unit: &str, masked: bool) {
        let file = self.ns.join(format!("units/{unit}.service"));
        std::fs::remove_file(&file).expect("unit file");
        if masked {
            std::os::unix::fs::symlink("/dev/null", &file).expect("mask");
        } else {
            std::fs::write(&file, "[Service]\n").expect("unmask");
        }
    }

    /// The rules of the test's policy-rc.d: lines "deny <service> <action>".
    fn policy(&self, rules: &str) {
        std::fs::write(self.h.svc.join("policy"), rules).expect("policy");
    }

    fn policy_queries(&self) -> String {
        std::fs::read_to_string(self.h.svc.join("policy-queries")).unwrap_or_default()
    }

    fn systemctl_calls(&self) -> String {
        std::fs::read_to_string(self.h.svc.join("systemctl")).unwrap_or_default()
    }

    /// invoke-rc.d's policy layer is `$DPKG_ROOT/usr/sbin/policy-rc.d`: the
    /// test's own root (the one tests/common gives the hooks for their
    /// built-in paths), with the test's policy-rc.d in it, or none.
    fn dpkg_root(&self) -> PathBuf {
        let root = self.h.c.dir.join("root");
        let sbin = root.join("usr/sbin");
        std::fs::create_dir_all(&sbin).expect("DPKG_ROOT");
        let helper = sbin.join("policy-rc.d");
        let _ = std::fs::remove_file(&helper);
        if self.policy_helper {
            std::os::unix::fs::symlink(fixture("policy-rc.d"), &helper).expect("policy-rc.d");
        } else {
            std::fs::write(&helper, "").expect("no policy-rc.d");
        }
        root
    }

    /// `inner` (program, arguments, environment, stdio) run in this host's
    /// private mount namespace, with this host's `DPKG_ROOT`.
    fn in_namespace(&self, inner: &Command) -> Command {
        let mut c = Command::new("unshare");
        c.args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg(NAMESPACE_SCRIPT)
            .arg("sh")
            .arg(&self.ns)
            .arg(if self.init == Init::Systemd {
                "yes"
            } else {
                "no"
            })
            .arg(inner.get_program())
            .args(inner.get_args());
        for (k, v) in inner.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.env("DPKG_ROOT", self.dpkg_root());
        c
    }

    fn hook(&self, hook: &str, args: &[&str]) -> Run {
        self.hook_with(hook, args, None)
    }

    fn hook_with(&self, hook: &str, args: &[&str], migrations: Option<&Path>) -> Run {
        let mut c = self.in_namespace(&self.h.hook_cmd(hook, args, migrations));
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        finish(c.spawn().expect("spawn hook"))
    }

    /// The real invoke-rc.d, as the hooks would run it here: its exit code.
    fn invoke(&self, args: &[&str]) -> i32 {
        let mut inner = Command::new("/usr/sbin/invoke-rc.d");
        inner
            .args(args)
            .env("XMDB_SVC_DIR", &self.h.svc)
            .env("XMDB_SVC_PGHOST", &self.h.c.dir)
            .env("XMDB_SVC_PGPORT", self.h.c.port.to_string());
        let out = self
            .in_namespace(&inner)
            .stdin(Stdio::null())
            .output()
            .expect("invoke-rc.d");
        out.status.code().expect("invoke-rc.d exit code")
    }

    fn assert_unchanged(&self, before: &(String, Vec<String>)) {
        assert_eq!(&self.h.c.fingerprint(DB), before, "the database changed");
        assert_no_leftovers(&self.h);
    }
}

fn last_line(r: &Run) -> &str {
    r.stderr.lines().last().unwrap_or_default()
}

/// The cause, pinned on the machine's invoke-rc.d: without --disclose-deny a
/// denied stop or start exits 0 and a denied status 4, exactly like a stop
/// that worked and an unknown status; and a missing init script is "denied".
#[test]
fn invoke_rc_d_takes_a_denial_for_success_unless_asked_to_disclose_it() {
    let rc = Rc::new(Init::SysV);
    rc.policy("deny * *\n");
    for action in ["stop", "start"] {
        assert_eq!(rc.invoke(&["dbclient", action]), 0, "denied {action}");
        assert_eq!(
            rc.invoke(&["--disclose-deny", "dbclient", action]),
            101,
            "disclosed denied {action}"
        );
    }
    assert_eq!(rc.invoke(&["dbclient", "status"]), 4, "denied status");
    assert_eq!(rc.invoke(&["--disclose-deny", "dbclient", "status"]), 101);
    assert_eq!(rc.invoke(&["--query", "dbclient", "start"]), 101);
    assert_eq!(rc.h.actions(), "", "nothing denied may run the init script");
    assert!(rc.h.running().contains(&"dbclient".to_string()));

    rc.policy("");
    assert_eq!(rc.invoke(&["--disclose-deny", "dbclient", "status"]), 0);
    assert_eq!(rc.invoke(&["--query", "dbclient", "start"]), 104);
    assert_eq!(rc.invoke(&["absent", "status"]), 4, "no init script");
    assert_eq!(rc.invoke(&["--disclose-deny", "absent", "status"]), 101);
    assert!(
        rc.policy_queries().contains("dbclient status\n"),
        "invoke-rc.d asked the test's policy-rc.d: {}",
        rc.policy_queries()
    );
}

#[test]
fn a_denied_stop_of_a_running_daemon_refuses_the_upgrade_before_anything_stops() {
    let rc = Rc::new(Init::SysV);
    rc.policy("deny dbclient stop\n");
    let before = rc.h.c.fingerprint(DB);
    let r = rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"]);
    r.assert_code(1);
    let last = last_line(&r);
    assert!(
        last.contains("service dbclient")
            && last.contains("stop was denied by policy-rc.d")
            && last.contains("nothing was changed")
            && last.contains("--query dbclient stop")
            && !last.contains("started again")
            && last.contains("stop dbclient by hand or allow its stop in policy-rc.d"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("service dbclient: stopped"),
        "a denied stop reported as done: {}",
        r.stderr
    );
    // Asked before anything stops (invoke-rc.d --query): no daemon was
    // stopped, none started.
    assert_eq!(rc.h.actions(), "");
    assert_eq!(sorted(rc.h.running()), running_set());
    assert_eq!(rc.h.sessions(), 1, "dbclient keeps its session");
    rc.assert_unchanged(&before);
    // Once allowed, the same upgrade goes through and every daemon runs again.
    rc.policy("");
    rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"])
        .assert_code(0);
    assert!(rc.h.running().is_empty());
    rc.hook("postinst", &["configure", "14.7.0"]).assert_code(0);
    assert_eq!(rc.h.c.revisions(DB), repo_head());
    assert_eq!(sorted(rc.h.running()), running_set());
    assert_no_leftovers(&rc.h);
}

#[test]
fn a_denied_status_refuses_the_upgrade_before_anything_stops() {
    let rc = Rc::new(Init::SysV);
    rc.policy("deny * *\n");
    let before = rc.h.c.fingerprint(DB);
    let r = rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"]);
    r.assert_code(1);
    assert!(
        r.stderr.contains("service absent: not installed"),
        "{}",
        r.stderr
    );
    let last = last_line(&r);
    assert!(
        last.contains("service pbx-a")
            && last.contains("status was denied by policy-rc.d")
            && last.contains("nothing was stopped or changed")
            && last.contains("allow pbx-a in policy-rc.d"),
        "{}",
        r.stderr
    );
    assert_eq!(rc.h.actions(), "", "nothing stopped");
    assert_eq!(sorted(rc.h.running()), running_set());
    assert_eq!(rc.h.sessions(), 1, "dbclient keeps its session");
    rc.assert_unchanged(&before);
}

#[test]
fn a_running_daemon_policy_would_not_start_again_is_not_stopped() {
    let rc = Rc::new(Init::SysV);
    rc.policy("deny dbclient start\n");
    let before = rc.h.c.fingerprint(DB);
    let r = rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"]);
    r.assert_code(1);
    let last = last_line(&r);
    assert!(
        last.contains("service dbclient runs")
            && last.contains("would not start it again")
            && last.contains("nothing was stopped or changed")
            && last.contains("allow its start in policy-rc.d, or stop dbclient by hand"),
        "{}",
        r.stderr
    );
    assert_eq!(rc.h.actions(), "", "nothing stopped");
    assert_eq!(sorted(rc.h.running()), running_set());
    rc.assert_unchanged(&before);
}

#[test]
fn a_denied_start_after_the_upgrade_is_an_error_and_the_next_run_starts_it() {
    let rc = Rc::new(Init::SysV);
    rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"])
        .assert_code(0);
    assert!(rc.h.running().is_empty());
    rc.policy("deny dbclient start\n");
    let r = rc.hook("postinst", &["configure", "14.7.0"]);
    r.assert_code(1);
    let last = last_line(&r);
    assert!(
        last.contains("the database was upgraded")
            && last.contains("dbclient (start denied by policy-rc.d)")
            && !last.contains("pbx-a")
            && last.contains("allow it in policy-rc.d"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("service dbclient: started"),
        "{}",
        r.stderr
    );
    assert_eq!(rc.h.c.revisions(DB), repo_head());
    assert_eq!(sorted(rc.h.running()), vec!["pbx-a", "pbx-b"]);
    assert_eq!(
        std::fs::read_to_string(rc.h.c.state_dir().join("stopped-services")).expect("record"),
        "dbclient\n",
        "the service that did not start stays recorded"
    );
    // The next run (dpkg --configure -a), once allowed, starts it.
    rc.policy("");
    rc.hook("postinst", &["configure", "14.7.0"]).assert_code(0);
    assert_eq!(sorted(rc.h.running()), running_set());
    assert_no_leftovers(&rc.h);
}

/// invoke-rc.d starts a disabled unit only while it is active: once the
/// hook stopped it, `invoke-rc.d dbclient start` is denied (exit 0 without
/// --disclose-deny), and a daemon that ran before the upgrade would not run
/// after it.
#[test]
fn a_running_but_disabled_systemd_unit_runs_again_after_the_upgrade() {
    let mut rc = Rc::new(Init::Systemd);
    rc.policy_helper = false;
    for s in ["pbx-a", "pbx-b", "idle"] {
        rc.enable(s);
    }
    let r = rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"]);
    r.assert_code(0);
    assert!(rc.h.running().is_empty(), "{}", r.stderr);
    assert_eq!(
        rc.invoke(&["--disclose-deny", "dbclient", "start"]),
        101,
        "the real invoke-rc.d refuses to start the stopped disabled unit"
    );
    let r = rc.hook("postinst", &["configure", "14.7.0"]);
    r.assert_code(0);
    assert_eq!(
        sorted(rc.h.running()),
        running_set(),
        "running after the upgrade; {}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("service dbclient: started with `systemctl start dbclient.service`"),
        "{}",
        r.stderr
    );
    assert_eq!(rc.h.c.revisions(DB), repo_head());
    assert_eq!(
        rc.systemctl_calls()
            .lines()
            .filter(|l| *l == "start dbclient.service")
            .count(),
        1,
        "{}",
        rc.systemctl_calls()
    );
    assert_no_leftovers(&rc.h);
}

/// invoke-rc.d exits 0 for the start of a masked unit without starting it.
#[test]
fn a_start_that_exits_0_without_starting_is_an_error() {
    let rc = Rc::new(Init::Systemd);
    for s in INSTALLED {
        rc.enable(s);
    }
    rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"])
        .assert_code(0);
    assert!(rc.h.running().is_empty());
    rc.mask("pbx-b", true);
    assert_eq!(rc.invoke(&["--disclose-deny", "pbx-b", "start"]), 0);
    assert!(!rc.h.running().contains(&"pbx-b".to_string()));
    let r = rc.hook("postinst", &["configure", "14.7.0"]);
    r.assert_code(1);
    let last = last_line(&r);
    assert!(
        last.contains("the database was upgraded")
            && last.contains("pbx-b (`invoke-rc.d pbx-b start` exited 0 but pbx-b is not running"),
        "{}",
        r.stderr
    );
    assert_eq!(sorted(rc.h.running()), vec!["dbclient", "pbx-a"]);
    assert_eq!(
        std::fs::read_to_string(rc.h.c.state_dir().join("stopped-services")).expect("record"),
        "pbx-b\n"
    );
    rc.mask("pbx-b", false);
    rc.hook("postinst", &["configure", "14.7.0"]).assert_code(0);
    assert_eq!(sorted(rc.h.running()), running_set());
    assert_no_leftovers(&rc.h);
}

/// invoke-rc.d says 4 (or, with --disclose-deny, 101) for a service without
/// init script under sysvinit, systemctl's 4 under systemd: not installed.
#[test]
fn an_absent_daemon_is_not_installed_for_the_real_invoke_rc_d() {
    for init in [Init::SysV, Init::Systemd] {
        let rc = Rc::new(init);
        for s in INSTALLED {
            rc.enable(s);
        }
        assert_eq!(rc.invoke(&["absent", "status"]), 4);
        assert_eq!(
            rc.invoke(&["--disclose-deny", "absent", "status"]),
            if init == Init::SysV { 101 } else { 4 }
        );
        let r = rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"]);
        r.assert_code(0);
        for (service, outcome) in [
            ("absent", "not installed, skipped"),
            ("idle", "not running, left alone"),
            ("pbx-a", "stopped"),
            ("dbclient", "stopped"),
            ("pbx-b", "stopped"),
        ] {
            assert!(
                r.stderr.contains(&format!("service {service}: {outcome}")),
                "{service}: {}",
                r.stderr
            );
        }
        rc.hook("postinst", &["configure", "14.7.0"]).assert_code(0);
        assert_eq!(sorted(rc.h.running()), running_set());
        assert_no_leftovers(&rc.h);
    }
}

#[test]
fn a_failing_stop_through_invoke_rc_d_is_named_and_the_others_run_again() {
    let rc = Rc::new(Init::SysV);
    std::fs::write(rc.h.svc.join("pbx-b.fail-stop"), "").expect("touch");
    let before = rc.h.c.fingerprint(DB);
    let r = rc.hook("preinst", &["upgrade", "14.7.0", "14.8.0"]);
    r.assert_code(1);
    let last = last_line(&r);
    assert!(
        last.contains("service pbx-b did not stop")
            && last.contains("pbx-b stop` exited with 1")
            && last.contains("pbx-a, dbclient started again"),
        "{}",
        r.stderr
    );
    assert_eq!(sorted(rc.h.running()), running_set());
    rc.assert_unchanged(&before);
}

/// A service whose status policy-rc.d denies may have run (and written)
/// since preinst's snapshot: that snapshot must not be used, or a failed
/// upgrade's rollback would throw away what it wrote.
#[test]
fn a_daemon_whose_status_is_denied_may_have_written_since_the_snapshot() {
    let rc = Rc::new(Init::SysV);
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fa11ed000001",
        &repo_head(),
        "UPDATE queue_log SET no_such_column = 1;",
    );
    rc.hook_with(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&broken.path),
    )
    .assert_code(0);
    assert!(rc.h.running().is_empty());
    // Started again outside invoke-rc.d, it writes; then status is denied.
    rc.h.start_only(&["dbclient"]);
    rc.h.c.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event) \
         VALUES ('2014-08-08 09:00:00.000000', 'after-snapshot', 'q', 'Agent/1', 'CONNECT')",
    );
    rc.policy("deny * status\n");
    let r = rc.hook_with("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert_eq!(
        rc.h.c.psql(
            DB,
            "SELECT count(*) FROM queue_log WHERE callid = 'after-snapshot'"
        ),
        "1",
        "the row written after the snapshot is kept; {}",
        r.stderr
    );
    assert!(
        last_line(&r).contains("status was denied by policy-rc.d"),
        "{}",
        r.stderr
    );
    assert!(rc.h.snapshots().is_empty(), "{:?}", rc.h.snapshots());
    // Started again (their status unreadable, the start is taken at its word).
    assert_eq!(sorted(rc.h.running()), running_set());
    assert!(
        r.stderr.contains(
            "service pbx-a: its status cannot be read after the start (status denied by policy-rc.d)"
        ) && !r.stderr.contains("is not running"),
        "{}",
        r.stderr
    );
}

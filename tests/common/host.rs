//! A XiVO host in miniature for the hook tests: a cluster, fake services
//! driven by tests/fixtures/services/service-command (one of them holding a
//! connection to the database), and the maintainer scripts run as dpkg runs
//! them (same arguments, DPKG_MAINTSCRIPT_* variables, pipes).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{older_set, Cluster, Run};
pub const DB: &str = "asterisk";
/// Configured services; `idle` is never running, so it must never be started.
pub const SERVICES: &str = "pbx-a dbclient pbx-b idle";
pub const RUNNING: [&str; 3] = ["pbx-a", "dbclient", "pbx-b"];

/// Path of one of the maintainer scripts: a symlink by that name to the
/// binary, which dpkg runs with the script's name as argv[0].
pub fn hook_path(hook: &str) -> PathBuf {
    assert!(
        ["preinst", "postinst", "prerm", "postrm"].contains(&hook),
        "unknown hook {hook}"
    );
    super::bin_path(hook)
}

pub fn service_command() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/services/service-command")
}

/// A XiVO host in miniature: a cluster, services, the config naming both.
pub struct Host {
    pub c: Cluster,
    pub svc: PathBuf,
}

impl Host {
    pub fn new() -> Host {
        Host::on(Cluster::start())
    }

    pub fn on(c: Cluster) -> Host {
        let svc = c.dir.join("svc");
        std::fs::create_dir_all(&svc).expect("svc dir");
        c.write_config(&format!(
            "SERVICES='{SERVICES}'\nSERVICE_COMMAND={}",
            service_command().display()
        ));
        Host { c, svc }
    }

    pub fn service(&self, name: &str, action: &str) -> i32 {
        Command::new(service_command())
            .args([name, action])
            .env("XMDB_SVC_DIR", &self.svc)
            .env("XMDB_SVC_PGHOST", &self.c.dir)
            .env("XMDB_SVC_PGPORT", self.c.port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("service-command")
            .code()
            .unwrap_or(-1)
    }

    /// Start the usual services, wait for dbclient's session, forget the
    /// actions so far.
    pub fn start_services(&self) {
        self.start_only(&RUNNING);
        self.wait_for_sessions(1);
    }

    /// Start these services and forget the actions so far.
    pub fn start_only(&self, names: &[&str]) {
        for s in names {
            assert_eq!(self.service(s, "start"), 0, "start {s}");
        }
        let _ = std::fs::remove_file(self.svc.join("actions"));
    }

    pub fn wait_for_sessions(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.sessions() < n {
            assert!(Instant::now() < deadline, "no session from dbclient");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn sessions(&self) -> usize {
        self.c
            .psql(
                "postgres",
                "SELECT count(*) FROM pg_stat_activity WHERE datname = 'asterisk' AND pid <> pg_backend_pid()",
            )
            .parse()
            .expect("count")
    }

    pub fn running(&self) -> Vec<String> {
        SERVICES
            .split_whitespace()
            .filter(|s| self.service(s, "status") == 0)
            .map(String::from)
            .collect()
    }

    pub fn actions(&self) -> String {
        std::fs::read_to_string(self.svc.join("actions")).unwrap_or_default()
    }

    /// A hook as dpkg starts it: pipes for stdout and stderr.
    pub fn hook_cmd(&self, hook: &str, args: &[&str], migrations: Option<&Path>) -> Command {
        let mut c = Command::new(hook_path(hook));
        c.args(args)
            .env("XIVO_MANAGE_DB_CONFIG", self.c.config_path())
            .env_remove("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR")
            .env("DPKG_MAINTSCRIPT_NAME", hook)
            .env("DPKG_MAINTSCRIPT_PACKAGE", "xivo-manage-db")
            .env("DPKG_MAINTSCRIPT_ARCH", "amd64")
            // The hooks' built-in paths (older state directories, the list
            // of state directories) live under it, never on this machine's.
            .env("DPKG_ROOT", self.c.dir.join("root"))
            .env("XMDB_SVC_DIR", &self.svc)
            .env("XMDB_SVC_PGHOST", &self.c.dir)
            .env("XMDB_SVC_PGPORT", self.c.port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(m) = migrations {
            c.env("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR", m);
        }
        c
    }

    /// One of the commands, with the services' environment (for the
    /// subcommands that start or stop them).
    pub fn run(&self, bin: &str, args: &[&str]) -> Run {
        let mut c = self.c.cmd(bin);
        c.args(args)
            .env("XMDB_SVC_DIR", &self.svc)
            .env("XMDB_SVC_PGHOST", &self.c.dir)
            .env("XMDB_SVC_PGPORT", self.c.port.to_string());
        Run::from(c.output().expect("run binary"))
    }

    pub fn hook(&self, hook: &str, args: &[&str], migrations: Option<&Path>) -> Run {
        finish(
            self.hook_cmd(hook, args, migrations)
                .spawn()
                .expect("spawn hook"),
        )
    }

    pub fn snapshots(&self) -> Vec<String> {
        let out = self.c.psql(
            "postgres",
            "SELECT datname FROM pg_database WHERE datname LIKE '%\\_snapshot\\_%' ORDER BY 1",
        );
        out.lines().map(String::from).collect()
    }

    /// Roles as pg_authid has them, password hashes included, with their
    /// memberships (both ways) and `ALTER ROLE ... SET` settings.
    pub fn roles(&self) -> String {
        roles_of(&self.c)
    }

    /// The files under $STATE_DIR (path and content), lock file aside.
    pub fn state_files(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        walk(&self.c.state_dir(), &mut out);
        out.retain(|(p, _)| !p.ends_with("/lock"));
        out.sort();
        out
    }

    pub fn record(&self) -> Option<String> {
        std::fs::read_to_string(self.c.state_dir().join("rollback/record")).ok()
    }

    pub fn wait_for_phase(&self, phase: &str, child: &mut Child) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if self
                .record()
                .is_some_and(|r| r.contains(&format!("phase\t{phase}\n")))
            {
                return;
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                panic!("hook ended ({status}) before phase {phase}: {err}");
            }
            assert!(Instant::now() < deadline, "phase {phase} never reached");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The pids of the running services' processes.
    pub fn pids(&self) -> Vec<u32> {
        RUNNING
            .iter()
            .filter_map(|s| std::fs::read_to_string(self.svc.join(format!("{s}.pid"))).ok())
            .filter_map(|p| p.trim().parse().ok())
            .collect()
    }
}

/// `Host::roles` of any cluster.
pub fn roles_of(c: &Cluster) -> String {
    c.psql(
        "postgres",
        "SELECT a.rolname, a.rolsuper, a.rolinherit, a.rolcreaterole, a.rolcreatedb, a.rolcanlogin, \
         a.rolreplication, a.rolbypassrls, a.rolconnlimit, a.rolvaliduntil, a.rolpassword, \
         (SELECT string_agg(g.rolname || ':' || m.admin_option, ',' ORDER BY g.rolname) \
            FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = a.oid), \
         (SELECT string_agg(u.rolname || ':' || m.admin_option, ',' ORDER BY u.rolname) \
            FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member WHERE m.roleid = a.oid), \
         (SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s \
           WHERE s.setrole = a.oid AND s.setdatabase = 0) \
         FROM pg_authid a WHERE a.rolname IN ('asterisk', 'xivo') ORDER BY 1",
    )
}

impl Drop for Host {
    fn drop(&mut self) {
        for pid in self.pids() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

pub fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.expect("entry").path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            let content = std::fs::read_to_string(&p).unwrap_or_default();
            out.push((p.display().to_string(), content));
        }
    }
}

/// Wait for a hook, reading its pipes; a hook whose output never closes
/// (a daemon inherited apt's pipe) fails the test instead of hanging it.
pub fn finish(mut child: Child) -> Run {
    let read = |mut pipe: Box<dyn Read + Send>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = pipe.read_to_string(&mut s);
            let _ = tx.send(s);
        });
        rx
    };
    let stdout = read(Box::new(child.stdout.take().expect("stdout")));
    let stderr = read(Box::new(child.stderr.take().expect("stderr")));
    let status = child.wait().expect("wait hook");
    let closed = |rx: std::sync::mpsc::Receiver<String>| {
        rx.recv_timeout(Duration::from_secs(30)).expect(
            "a pipe of the hook stayed open after it exited: a started service inherited it",
        )
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: closed(stdout),
        stderr: closed(stderr),
    }
}

/// A host whose database is at the older head, with rows, running services.
pub fn older_host() -> Host {
    let h = Host::new();
    let (older, older_head) = older_set();
    h.c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), older_head);
    h.c.psql(DB, "INSERT INTO queue_log (time, callid, queuename, agent, event) VALUES ('2014-06-01 10:00:00.000000', 'c1', 'q', 'Agent/1', 'CONNECT')");
    h.c.set_non_defaults(DB, "asterisk");
    h.start_services();
    h
}

pub fn assert_no_leftovers(h: &Host) {
    assert!(
        h.snapshots().is_empty(),
        "snapshots left: {:?}",
        h.snapshots()
    );
    assert!(h.record().is_none(), "record left: {:?}", h.record());
    assert!(
        !h.c.state_dir().join("stopped-services").exists(),
        "stopped-services left"
    );
}

pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

pub fn running_set() -> Vec<String> {
    sorted(RUNNING.iter().map(|s| s.to_string()).collect())
}

/// A small tmpfs, unmounted on drop (after the cluster on it is stopped).
pub struct Tmpfs(pub PathBuf);

impl Tmpfs {
    pub fn mount(mib: u64) -> Option<Tmpfs> {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xmdb-tmpfs-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("mount point");
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={mib}m,mode=0755"),
                "tmpfs",
            ])
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then_some(Tmpfs(dir))
    }

    /// Give the file system `bytes` of room in all (what is used included).
    pub fn resize(&self, bytes: u64) {
        let kib = bytes.div_ceil(1024);
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={kib}k")])
            .arg(&self.0)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "remount {} to {kib} KiB", self.0.display());
    }

    /// Bytes in use.
    pub fn used(&self) -> u64 {
        let s = nix::sys::statvfs::statvfs(&self.0).expect("statvfs");
        (s.blocks() - s.blocks_free()) * s.fragment_size()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

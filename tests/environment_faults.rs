//! Faults of the machine around an upgrade, each with its documented outcome
//! (docs/environment-faults.md) and nothing lost: PostgreSQL restarted (fast
//! shutdown, and immediate: a crash) in the middle of the 14.07 merge, of the
//! queue_log rewrite, of the snapshot copy and of the rollback; the cluster's
//! file system full; `STATE_DIR` read-only; `/dev/log` absent or dead; the
//! lock file deleted during a run; hooks and `xivo-update-db` started
//! together.
//!
//! The exact moment is reached without timing guesses: the run is blocked on
//! a lock the test holds (a gate: an `ACCESS EXCLUSIVE` lock on the unused
//! shared catalog `pg_shseclabel`, which a gate function reads, or a
//! `COMMENT ON DATABASE` held open), and the fault strikes while it waits.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::host::*;
use common::{repo_head, Cluster, Host1407, MigrationsDir, Rows, PG_BIN};

/// How the cluster goes down: `fast` (clients disconnected, a clean
/// shutdown) or `immediate` (a crash: recovery from WAL on the next start).
fn restart(c: &Cluster, mode: &str) {
    let mut stop = common::as_owner(format!("{PG_BIN}/pg_ctl"));
    stop.arg("-D")
        .arg(c.data())
        .args(["-m", mode, "-w", "stop"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    assert!(
        stop.status().expect("pg_ctl stop").success(),
        "pg_ctl stop -m {mode}"
    );
    c.pg_ctl_start();
}

/// A lock the test holds from a session on `postgres` (never ended by the
/// hooks, which end the sessions of the upgraded databases only): `sql`
/// takes it, then the session sleeps until it is terminated or the cluster
/// goes down.
struct Held(Child);

impl Held {
    fn take(c: &Cluster, sql: &str) -> Held {
        let child = c
            .psql_cmd(
                "postgres",
                &format!("BEGIN; {sql}; SELECT pg_sleep(600); ROLLBACK;"),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("psql");
        wait_until(
            c,
            "query LIKE '%pg_sleep(600)%' AND wait_event = 'PgSleep'",
            "the lock holder never started",
            None,
        );
        Held(child)
    }

    /// The gate: what calls `xmdb_gate...` waits until it opens.
    fn gate(c: &Cluster) -> Held {
        Held::take(
            c,
            "LOCK TABLE pg_catalog.pg_shseclabel IN ACCESS EXCLUSIVE MODE",
        )
    }

    fn release(mut self, c: &Cluster) {
        let _ = c.psql(
            "postgres",
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()",
        );
        let _ = self.0.wait();
    }

    /// The cluster restarted under it: its session is gone.
    fn reap(mut self) {
        let _ = self.0.wait();
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Wait until a backend other than ours matches `filter` (on
/// pg_stat_activity joined with nothing; `a` is its alias), failing the test
/// if `child` ended first.
fn wait_until(c: &Cluster, filter: &str, what: &str, mut child: Option<&mut Child>) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let n = c.psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_stat_activity a WHERE {filter} AND pid <> pg_backend_pid()"),
        );
        if n != "0" {
            return;
        }
        if let Some(ch) = child.as_deref_mut() {
            if let Ok(Some(status)) = ch.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = ch.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                panic!("{what}: the run ended first ({status}): {err}");
            }
        }
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// A backend of `db` waits for the gate.
fn wait_at_gate(c: &Cluster, db: &str, child: &mut Child) {
    wait_until(
        c,
        &format!(
            "datname = '{db}' AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted \
             AND l.relation = 'pg_catalog.pg_shseclabel'::regclass)"
        ),
        "the run never reached the gate",
        Some(child),
    );
}

/// The gate as a row trigger function and as an (immutable, for an index)
/// function of a text.
const GATE_FUNCTIONS: &str = "\
    CREATE FUNCTION xmdb_gate_row() RETURNS trigger LANGUAGE plpgsql AS \
      $$ BEGIN PERFORM 1 FROM pg_catalog.pg_shseclabel LIMIT 1; RETURN NEW; END $$; \
    CREATE FUNCTION xmdb_gate(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS \
      $$ BEGIN PERFORM 1 FROM pg_catalog.pg_shseclabel LIMIT 1; RETURN t; END $$";

/// Rows of every table of both 14.07 databases (both merge into asterisk),
/// less what 14.08's scripts drop or move on purpose (the tables they drop,
/// the meetme keys).
fn all_rows_1407(c: &Cluster) -> Rows {
    let mut rows = c.rows(DB);
    for (table, (columns, xivo_rows)) in c.rows("xivo") {
        let entry = rows
            .entry(table.clone())
            .or_insert_with(|| (columns.clone(), Vec::new()));
        assert_eq!(entry.0, columns, "{table} in both 14.07 databases");
        entry.1.extend(xivo_rows);
    }
    common::without_1408_removals(&mut rows);
    rows
}

/// Converged after a 14.07 upgrade: at head, `xivo` and its role gone, no
/// snapshot, record or stopped-services left, services running, every row
/// of both databases in `asterisk` over every column it had.
fn assert_upgraded_1407(h: &Host, rows: &Rows) {
    assert_eq!(h.c.revisions(DB), repo_head());
    assert!(!h.c.exists("xivo") && !h.c.role_exists("xivo"), "xivo left");
    assert!(
        h.c.state_file("asterisk-last").is_none(),
        "14.07 state files left"
    );
    assert_no_leftovers(h);
    assert_eq!(sorted(h.running()), running_set());
    common::assert_no_row_lost(&h.c, DB, rows, &common::BOOKKEEPING);
    common::assert_1408_removals_gone(&h.c, DB);
    // Each revision applied once.
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) - count(DISTINCT revision) FROM xivo_manage_db_history"
        ),
        "0"
    );
}

/// Everything a rollback must put back as it was: both databases (when
/// there), the roles, the 14.07 state files.
type Before = (Vec<(String, Vec<String>)>, String, Vec<(String, String)>);

fn before(h: &Host) -> Before {
    let dbs = [DB, "xivo"]
        .iter()
        .filter(|d| h.c.exists(d))
        .map(|d| h.c.fingerprint(d))
        .collect();
    (dbs, h.roles(), h.state_files())
}

/// The run the fault struck: it failed, and rolled everything back itself
/// once the cluster was back (services running again, nothing left), as
/// when the upgrade itself fails.
fn assert_rolled_back(h: &Host, r: &common::Run, was: &Before) {
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("were restored from snapshot") && last.contains("services restarted"),
        "{}",
        r.stderr
    );
    assert_eq!(sorted(h.running()), running_set(), "{}", r.stderr);
    assert_no_leftovers(h);
    assert!(
        !h.c.state_dir().join("merge-xivo-connlimit").exists(),
        "the remembered connection limit of xivo left"
    );
    let now = before(h);
    for (a, b) in was.0.iter().zip(now.0.iter()) {
        assert!(
            a.0 == b.0,
            "schema or settings: {}",
            common::first_difference(&a.0, &b.0)
        );
        assert_eq!(a.1, b.1, "rows or sequences");
    }
    assert_eq!(was.0.len(), now.0.len(), "databases");
    assert_eq!(was.1, now.1, "roles");
    assert_eq!(was.2, now.2, "state files");
}

/// Small 14.07 data (the default fill is for benchmarks): every table has
/// rows, the upgrade stays quick.
const SMALL_FILL: [&str; 6] = ["--users", "100", "--cel-rows", "500", "--sessions", "20"];

// ---- PostgreSQL restarted in the middle of the merge ----------------------
//
// Each phase is struck twice on the same host, first by a fast shutdown, then
// by a crash (the retry dpkg --configure -a makes meets the second), and
// the third run converges.

const MODES: [&str; 2] = ["fast", "immediate"];

#[test]
fn postgres_restarted_during_the_merge_is_rolled_back_by_the_same_run() {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 2000,
        extra: &SMALL_FILL,
        ..Default::default()
    });
    // asterisk-163 inserts the conference rooms' function keys, inside the
    // merge's transaction: the merge waits there.
    h.c.psql(
        DB,
        &format!(
            "{GATE_FUNCTIONS}; CREATE TRIGGER xmdb_gate BEFORE INSERT ON func_key \
             FOR EACH ROW EXECUTE FUNCTION xmdb_gate_row()"
        ),
    );
    h.start_services();
    let rows = all_rows_1407(&h.c);
    let was = before(&h);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    for mode in MODES {
        let gate = Held::gate(&h.c);
        let mut child = h
            .hook_cmd("postinst", &["configure", "14.7.0"], None)
            .spawn()
            .expect("postinst");
        wait_at_gate(&h.c, DB, &mut child);
        restart(&h.c, mode);
        gate.reap();
        let r = finish(child);
        assert_rolled_back(&h, &r, &was);
    }
    // What the administrator runs: dpkg --configure -a.
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_upgraded_1407(&h, &rows);
}

// ---- ... of the queue_log rewrite -----------------------------------------

#[test]
fn postgres_restarted_during_the_queue_log_rewrite_is_rolled_back_by_the_same_run() {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 300_000,
        extra: &SMALL_FILL,
        ..Default::default()
    });
    // An index of the administrator's on queue_log: the ALTER rebuilds it
    // after writing the new heap, and waits at the gate there.
    h.c.psql(
        DB,
        &format!("{GATE_FUNCTIONS}; CREATE INDEX xmdb_gate ON queue_log (xmdb_gate(callid))"),
    );
    h.start_services();
    let rows = all_rows_1407(&h.c);
    let was = before(&h);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    for mode in MODES {
        let gate = Held::gate(&h.c);
        let mut child = h
            .hook_cmd("postinst", &["configure", "14.7.0"], None)
            .spawn()
            .expect("postinst");
        wait_at_gate(&h.c, DB, &mut child);
        // It is the rewrite that waits: its backend holds queue_log.
        assert_eq!(
            h.c.psql(
                DB,
                "SELECT count(*) FROM pg_locks l JOIN pg_locks g ON g.pid = l.pid \
                  WHERE l.relation = 'public.queue_log'::regclass AND l.mode = 'AccessExclusiveLock' AND l.granted \
                    AND g.relation = 'pg_catalog.pg_shseclabel'::regclass AND NOT g.granted"
            ),
            "1"
        );
        restart(&h.c, mode);
        gate.reap();
        let r = finish(child);
        assert_rolled_back(&h, &r, &was);
    }
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_upgraded_1407(&h, &rows);
    assert_eq!(h.c.psql(DB, "SELECT count(*) FROM queue_log"), "300000");
}

// ---- ... of the snapshot copy ---------------------------------------------

#[test]
fn postgres_restarted_during_the_snapshot_copy_is_undone_by_the_same_run() {
    let h = older_host();
    let rows = h.c.rows(DB);
    let was = before(&h);
    for mode in MODES {
        // The copy waits for its template, which the test holds.
        let held = Held::take(&h.c, "COMMENT ON DATABASE asterisk IS 'held'");
        let mut child = h
            .hook_cmd("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
            .spawn()
            .expect("preinst");
        wait_until(
            &h.c,
            "query LIKE 'CREATE DATABASE%' AND wait_event_type = 'Lock'",
            "the copy never started",
            Some(&mut child),
        );
        restart(&h.c, mode);
        held.reap();
        let r = finish(child);
        // preinst failed and undid what it did: services started again, no
        // copy, no record; dpkg stops the upgrade there.
        r.assert_code(1);
        // A fast shutdown may tell the client why before it closes.
        assert!(
            r.stderr.contains("connection closed")
                || r.stderr
                    .contains("terminating connection due to administrator command"),
            "{}",
            r.stderr
        );
        assert_eq!(sorted(h.running()), running_set(), "{}", r.stderr);
        assert_no_leftovers(&h);
        assert_eq!(before(&h), was, "nothing changed");
        // dpkg's unwinding after a failed preinst.
        h.hook("postrm", &["abort-upgrade", "14.7.0", "14.8.0"], None)
            .assert_code(0);
    }
    // The administrator runs apt again.
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
    common::assert_no_row_lost(&h.c, DB, &rows, &common::BOOKKEEPING);
}

// ---- ... of the rollback --------------------------------------------------

#[test]
fn postgres_restarted_during_the_rollback_is_finished_by_the_same_run() {
    let h = older_host();
    let rows = h.c.rows(DB);
    let was = before(&h);
    let failing = MigrationsDir::copy_of_repo().overlay("migrations_failing_last");
    for mode in MODES {
        h.hook(
            "preinst",
            &["upgrade", "14.7.0", "14.8.0"],
            Some(&failing.path),
        )
        .assert_code(0);
        // The rollback has reset the roles and waits to drop the upgraded
        // database, which the test holds.
        let held = Held::take(&h.c, "COMMENT ON DATABASE asterisk IS 'held'");
        let mut child = h
            .hook_cmd("postinst", &["configure", "14.7.0"], Some(&failing.path))
            .spawn()
            .expect("postinst");
        wait_until(
            &h.c,
            "query LIKE 'DROP DATABASE%' AND wait_event_type = 'Lock'",
            "the rollback never reached its drop",
            Some(&mut child),
        );
        assert!(h
            .record()
            .is_some_and(|r| r.contains("phase\trolling-back\n")));
        restart(&h.c, mode);
        held.reap();
        let r = finish(child);
        assert_rolled_back(&h, &r, &was);
        assert!(
            r.stderr.contains("failing migration for tests"),
            "{}",
            r.stderr
        );
    }
    // The package fixed, dpkg --configure -a.
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
    common::assert_no_row_lost(&h.c, DB, &rows, &common::BOOKKEEPING);
}

// ---- the cluster's file system full ---------------------------------------

/// The cluster, `STATE_DIR` and the services' files on one small file system
/// (as on a XiVO host, where all of them are on /), except `pg_wal`: a WAL
/// write that finds no room makes PostgreSQL PANIC, which is the crash
/// above; here the upgrade's own writes find none.
#[test]
fn a_full_file_system_during_the_merge_is_rolled_back_and_the_next_run_converges() {
    let fs = Tmpfs::mount(1024).expect("mount tmpfs (needs root)");
    let c = Cluster::start_in(&fs.0);
    let wal = MigrationsDir::copy_of_repo(); // a scratch directory off the tmpfs
    let wal_dir = wal.path.with_file_name("pg_wal");
    c.stop();
    let mut mv = common::as_owner("mv");
    mv.arg(c.data().join("pg_wal")).arg(&wal_dir);
    assert!(mv.status().expect("mv").success());
    std::os::unix::fs::symlink(&wal_dir, c.data().join("pg_wal")).expect("symlink pg_wal");
    c.pg_ctl_start();
    let h = Host::on(c);
    h.c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 20_000,
        extra: &SMALL_FILL,
        ..Default::default()
    });
    h.start_services();
    let rows = all_rows_1407(&h.c);
    let was = before(&h);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    // Then the disk fills up (logs, recordings...): 1 MiB left.
    let ballast = fs.0.join("ballast");
    let free = nix::sys::statvfs::statvfs(&fs.0).expect("statvfs");
    let room = free.blocks_available() * free.fragment_size();
    std::fs::write(&ballast, vec![0u8; (room - 1024 * 1024) as usize]).expect("ballast");
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    assert_rolled_back(&h, &r, &was);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    // The administrator frees space, then dpkg --configure -a.
    std::fs::remove_file(&ballast).expect("free space");
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_upgraded_1407(&h, &rows);
    drop(h);
}

// ---- STATE_DIR read-only --------------------------------------------------

/// `dir` bind-mounted read-only onto itself until dropped.
struct ReadOnly(std::path::PathBuf);

impl ReadOnly {
    fn mount(dir: &std::path::Path) -> ReadOnly {
        let ok = |c: &mut Command| c.status().map(|s| s.success()).unwrap_or(false);
        assert!(
            ok(Command::new("mount").arg("--bind").arg(dir).arg(dir)),
            "bind {}",
            dir.display()
        );
        let ro = ReadOnly(dir.to_path_buf());
        assert!(
            ok(Command::new("mount")
                .args(["-o", "remount,bind,ro"])
                .arg(dir)),
            "remount ro"
        );
        ro
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_state_dir_is_refused_before_anything_stops() {
    let h = older_host();
    let was = before(&h);
    let ro = ReadOnly::mount(&h.c.state_dir());
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    // Nothing attempted: 2, as for every lock file that cannot be opened.
    r.assert_code(2);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains(&format!("{}/lock", h.c.state_dir().display()))
            && last.contains("Read-only file system"),
        "{}",
        r.stderr
    );
    let u = h.run("xivo-update-db", &[]);
    u.assert_code(2);
    assert!(u.stderr.contains("Read-only file system"), "{}", u.stderr);
    assert_eq!(h.actions(), "", "nothing stopped");
    assert_eq!(sorted(h.running()), running_set());
    assert_eq!(before(&h), was, "nothing changed");
    drop(ro);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(&h);
}

/// The file system goes read-only in the middle (the kernel does that after
/// an I/O error): while preinst copies the database, so that its record
/// cannot say the snapshot is ready.
#[test]
fn a_state_dir_turned_read_only_during_the_snapshot_leaves_the_services_running() {
    let h = older_host();
    let rows = h.c.rows(DB);
    let held = Held::take(&h.c, "COMMENT ON DATABASE asterisk IS 'held'");
    let mut child = h
        .hook_cmd("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .spawn()
        .expect("preinst");
    wait_until(
        &h.c,
        "query LIKE 'CREATE DATABASE%' AND wait_event_type = 'Lock'",
        "the copy never started",
        Some(&mut child),
    );
    let ro = ReadOnly::mount(&h.c.state_dir());
    held.release(&h.c);
    let r = finish(child);
    r.assert_code(1);
    assert!(r.stderr.contains("Read-only file system"), "{}", r.stderr);
    // The services run again (what they write is what matters); the
    // record and its copy stay for the next run.
    assert_eq!(sorted(h.running()), running_set(), "{}", r.stderr);
    assert_eq!(h.c.revisions(DB), common::older_set().1);
    drop(ro);
    // dpkg's unwinding, then apt again.
    h.hook("postrm", &["abort-upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    assert_no_leftovers(&h);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
    common::assert_no_row_lost(&h.c, DB, &rows, &common::BOOKKEEPING);
}

// ---- /dev/log absent, dead or stuck ---------------------------------------

/// Run in a private mount namespace whose /dev is a tmpfs with the usual
/// device nodes bound back, and /dev/log: absent (`absent`), a plain file
/// (`file`), or a symlink to the path given (as journald's is).
const PRIVATE_DEV: &str = r#"set -e
kind=$1; shift
old=$(mktemp -d)
mount --bind /dev "$old"
mount -t tmpfs -o size=1m,mode=0755 tmpfs /dev
for n in null zero full random urandom tty; do
    [ -e "$old/$n" ] || continue
    touch "/dev/$n"
    mount --bind "$old/$n" "/dev/$n"
done
ln -s /proc/self/fd /dev/fd
umount -l "$old"
rmdir "$old"
case $kind in
absent) ;;
file) : > /dev/log ;;
*) ln -s "$kind" /dev/log ;;
esac
exec "$@"
"#;

/// A hook as dpkg runs it, with /dev/log as `dev_log` says (PRIVATE_DEV).
fn hook_with_dev_log(h: &Host, dev_log: &str, hook: &str, args: &[&str]) -> Child {
    let inner = h.hook_cmd(hook, args, None);
    let mut c = Command::new("unshare");
    c.args([
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        PRIVATE_DEV,
        "sh",
        dev_log,
    ])
    .arg(inner.get_program())
    .args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn().expect("unshare")
}

/// A full upgrade (preinst, postinst) of an older host with /dev/log as
/// `dev_log` says: it goes through whatever syslog does. Returns the
/// hooks' stderr.
fn upgrade_with_dev_log(h: &Host, dev_log: &str) -> String {
    let rows = h.c.rows(DB);
    let mut err = String::new();
    for (hook, args) in [
        ("preinst", &["upgrade", "14.7.0", "14.8.0"][..]),
        ("postinst", &["configure", "14.7.0"][..]),
    ] {
        let r = finish(hook_with_dev_log(h, dev_log, hook, args));
        r.assert_code(0);
        assert!(r.stderr.contains(&format!("{hook}: ")), "{}", r.stderr);
        err.push_str(&r.stderr);
    }
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(h);
    assert_eq!(sorted(h.running()), running_set());
    common::assert_no_row_lost(&h.c, DB, &rows, &common::BOOKKEEPING);
    err
}

fn syslog_warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("warning: syslog"))
        .collect()
}

/// Without /dev/log (a chroot, a container): stderr only, as documented,
/// and quietly: that is no fault.
#[test]
fn without_dev_log_the_hooks_log_to_stderr_only() {
    let h = older_host();
    let err = upgrade_with_dev_log(&h, "absent");
    assert!(err.contains("taking the snapshot: done"), "{err}");
    assert_eq!(syslog_warnings(&err), Vec::<&str>::new());
}

/// The control: with a listening /dev/log, the lines reach it (so the
/// namespace above really hides or replaces it).
#[test]
fn with_a_listening_dev_log_the_hooks_log_to_syslog() {
    let h = older_host();
    let sock = h.c.dir.join("syslog");
    let listener = std::os::unix::net::UnixDatagram::bind(&sock).expect("bind syslog");
    listener
        .set_read_timeout(Some(Duration::from_secs(600)))
        .expect("timeout");
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = listener.recv(&mut buf) {
            let line = String::from_utf8_lossy(&buf[..n]).into_owned();
            let last = line.contains("postinst configure 14.7.0: done");
            lines.push(line);
            if last {
                break;
            }
        }
        lines
    });
    let err = upgrade_with_dev_log(&h, &sock.display().to_string());
    let lines = reader.join().expect("reader");
    // daemon.info is <30>; the ident, then the hook's own prefix.
    assert!(
        lines.iter().any(|l| l.starts_with("<30>")
            && l.contains("xivo-manage-db")
            && l.contains("preinst: taking the snapshot")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("postinst: dropping the snapshot")),
        "{lines:?}"
    );
    assert_eq!(syslog_warnings(&err), Vec::<&str>::new());
}

/// /dev/log there, nobody behind it (syslog daemon stopped, its socket
/// left): one warning, then stderr only.
#[test]
fn a_dead_dev_log_costs_one_warning_and_nothing_else() {
    let h = older_host();
    let sock = h.c.dir.join("syslog");
    drop(std::os::unix::net::UnixDatagram::bind(&sock).expect("bind syslog"));
    let err = upgrade_with_dev_log(&h, &sock.display().to_string());
    // One per process: preinst and postinst.
    let warnings = syslog_warnings(&err);
    assert_eq!(warnings.len(), 2, "{err}");
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("/dev/log") && w.contains("stderr only")),
        "{err}"
    );
}

/// A syslog daemon that stopped reading (hung, or its disk full): its
/// socket's queue fills up after a few lines. The hook must neither hang on
/// it nor stop: one warning, then stderr only.
#[test]
fn a_stuck_syslog_neither_hangs_nor_stops_the_upgrade() {
    let h = older_host();
    let sock = h.c.dir.join("syslog");
    let stuck = std::os::unix::net::UnixDatagram::bind(&sock).expect("bind syslog");
    let mut child = hook_with_dev_log(
        &h,
        &sock.display().to_string(),
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
    );
    // A hung hook fails the test instead of hanging it.
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("preinst hung on a syslog that does not read");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let r = finish(child);
    r.assert_code(0);
    let warnings = syslog_warnings(&r.stderr);
    assert_eq!(warnings.len(), 1, "{}", r.stderr);
    assert!(warnings[0].contains("stderr only"), "{}", r.stderr);
    drop(stuck);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(&h);
}

// ---- the lock file deleted during a run ------------------------------------

/// Someone removes `$STATE_DIR/lock` while preinst holds it: a second run
/// creates a new file and gets its flock at once, but the advisory lock in
/// the cluster, held by the first run's own connection, still keeps it out
/// until the first run is done.
#[test]
fn a_lock_file_deleted_during_a_run_still_excludes_a_second_run() {
    let h = older_host();
    // However slow the machine, the second run must not give up first.
    let config = std::fs::read_to_string(h.c.config_path()).expect("config");
    std::fs::write(
        h.c.config_path(),
        config.replace("LOCK_TIMEOUT=60", "LOCK_TIMEOUT=900"),
    )
    .expect("config");
    let rows = h.c.rows(DB);
    let held = Held::take(&h.c, "COMMENT ON DATABASE asterisk IS 'held'");
    let mut first = h
        .hook_cmd("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .spawn()
        .expect("preinst");
    wait_until(
        &h.c,
        "query LIKE 'CREATE DATABASE%' AND wait_event_type = 'Lock'",
        "the copy never started",
        Some(&mut first),
    );
    let lock = h.c.state_dir().join("lock");
    std::fs::remove_file(&lock).expect("remove the lock file");
    let mut second = h.c.cmd("xivo-update-db");
    let second = second
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xivo-update-db");
    // It took the new file's flock (its pid is written there)...
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&lock)
        .unwrap_or_default()
        .contains(&format!("pid {} ", second.id()))
    {
        assert!(
            Instant::now() < deadline,
            "the second run never took the new lock file"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    // ... and now waits for the advisory lock the first run holds.
    wait_until(
        &h.c,
        "(SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_try_advisory_lock%' \
           AND datname = 'postgres') = 2",
        "the second run never asked for the advisory lock",
        None,
    );
    // No new connection to asterisk here: it would queue behind preinst's
    // CREATE DATABASE (itself behind the held COMMENT) until the holder's
    // pg_sleep(600) ended, and preinst ends the sessions opened before. That
    // the second run changed nothing is checked once it is done, below.
    held.release(&h.c);
    let r1 = finish(first);
    r1.assert_code(0);
    let r2 = finish(second);
    assert!(
        r2.stderr
            .contains("waiting for the advisory lock of database 'asterisk' held by"),
        "{}",
        r2.stderr
    );
    // Once in, the second run finds the snapshot the first one recorded:
    // the pending-work policy refuses it, changing nothing.
    r2.assert_code(1);
    assert!(
        r2.stderr.contains("phase ready") && r2.stderr.contains("dpkg --configure -a"),
        "{}",
        r2.stderr
    );
    assert_eq!(h.c.revisions(DB), common::older_set().1);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) - count(DISTINCT revision) FROM xivo_manage_db_history"
        ),
        "0"
    );
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
    common::assert_no_row_lost(&h.c, DB, &rows, &common::BOOKKEEPING);
}

// ---- two postinst configure and an xivo-update-db at once ------------------

/// dpkg --configure -a in two terminals and an administrator's
/// xivo-update-db, on a 14.07 host preinst prepared: one runs the merge,
/// the others wait for the lock and find the database at head; the merge
/// happens once, the services are started once.
#[test]
fn two_configures_and_an_update_at_once_merge_once() {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 2000,
        extra: &SMALL_FILL,
        ..Default::default()
    });
    h.start_services();
    let rows = all_rows_1407(&h.c);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    let mut update = h.c.cmd("xivo-update-db");
    update.stdout(Stdio::piped()).stderr(Stdio::piped());
    let runs = vec![
        h.hook_cmd("postinst", &["configure", "14.7.0"], None)
            .spawn()
            .expect("a"),
        update.spawn().expect("update"),
        h.hook_cmd("postinst", &["configure", "14.7.0"], None)
            .spawn()
            .expect("b"),
    ];
    let results: Vec<common::Run> = runs.into_iter().map(finish).collect();
    results[0].assert_code(0);
    results[2].assert_code(0);
    // The update, in before both configures, finds preinst's snapshot
    // pending and is refused (the pending-work policy), changing nothing;
    // after one, it finds the database at head.
    let update = &results[1];
    assert!(
        update.code == 0
            || (update.code == 1
                && update.stderr.contains("phase ready")
                && !update.stderr.contains("merging")),
        "{update:?}"
    );
    let merged = results
        .iter()
        .filter(|r| r.stderr.contains("merging 21 tables of 'xivo'"))
        .count();
    assert_eq!(merged, 1, "the merge ran once");
    let waited = results
        .iter()
        .filter(|r| r.stderr.contains("waiting for lock"))
        .count();
    // Two if the update waited too; one or two when it was refused first
    // (a configure may have waited for its short hold of the lock).
    assert!(
        waited == 2 || (waited == 1 && update.code == 1),
        "{waited} runs waited for the lock"
    );
    assert_upgraded_1407(&h, &rows);
    assert_eq!(
        h.actions(),
        "stop pbx-a\nstop dbclient\nstop pbx-b\nstart pbx-a\nstart dbclient\nstart pbx-b\n"
    );
}

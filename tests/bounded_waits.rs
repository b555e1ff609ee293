//! Lock waits that only a failpoint can line up: a session takes a lock
//! at a precise step boundary of a run (the run sleeps there, a
//! `sleep(ms)` failpoint), and the run must give up on that lock after
//! LOCK_TIMEOUT and carry on, never hang. Built with the `failpoints`
//! feature only (Cargo.toml), run as the crash matrix is:
//! `cargo test --features failpoints --test bounded_waits`.

mod common;

use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::host::{Host, DB};
use common::{Cluster, Host1407};

const COLUMNS: &str =
    "\"time\", callid, queuename, agent, event, data1, data2, data3, data4, data5";

/// A psql session on the 14.07 database named `app`, idle (no
/// transaction), open until its stdin is dropped.
fn session(c: &Cluster, app: &str) -> Child {
    common::as_owner("psql")
        .args(["-X", "-q", "-h"])
        .arg(&c.dir)
        .args(["-p", &c.port.to_string(), "-d", DB])
        .env("PGAPPNAME", app)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("psql session")
}

fn tell(session: &mut Child, sql: &str) {
    let stdin = session.stdin.as_mut().expect("stdin");
    writeln!(stdin, "{sql}").expect("sql");
    stdin.flush().expect("flush");
}

/// Wait (at most a minute) until `sql` answers `t` on `db`.
fn wait_until(c: &Cluster, db: &str, sql: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while c.psql(db, sql) != "t" {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The run, or killed (and the test failed) if it still runs long after
/// every wait it may do.
fn finish_or_hang(mut child: Child, what: &str) -> common::Run {
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("ends");
            panic!(
                "{what} still waits, 120 s on: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    common::Run::from(child.wait_with_output().expect("ends"))
}

fn queue_log_rows(c: &Cluster) -> Vec<String> {
    let cols: Vec<String> = COLUMNS.split(", ").map(String::from).collect();
    c.rows_of(DB, "queue_log", &cols)
}

/// Issue 20: preinst's online step ends with `VACUUM (ANALYZE)` of
/// queue_log, which waited without bound (lock_timeout 0) for a session
/// holding a lock that conflicts with it, taken after the id was added:
/// apt hung, and the PBX's inserts would queue behind the vacuum's wait.
/// Now it waits LOCK_TIMEOUT at most, names the session, and the upgrade
/// goes on; the id stays added.
#[test]
fn preinst_vacuum_behind_a_lock_taken_after_the_id_was_added_gives_up_after_lock_timeout() {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        layout: "superuser-owned",
        ..Default::default()
    });
    h.c.psql(
        DB,
        &format!(
            "INSERT INTO queue_log ({COLUMNS}) \
             SELECT '2014-01-01 00:00:00.' || g, 'call-' || g, 'q', 'Agent/' || g % 5, 'CONNECT', \
                    g::text, '', NULL, 'x', '' FROM generate_series(1, 500) g"
        ),
    );
    let before = queue_log_rows(&h.c);
    let mut text = std::fs::read_to_string(h.c.config_path()).expect("config");
    text.push_str("LOCK_TIMEOUT=2\n");
    std::fs::write(h.c.config_path(), text).expect("config");
    h.start_only(&["pbx-a", "pbx-b"]);
    // Idle, no transaction: the probe for long transactions lets the step run.
    let mut other = session(&h.c, "a-maintenance");
    let hook = h
        .hook_cmd("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .env("FAILPOINTS", "prepare.after_primary_key=sleep(3000)")
        .spawn()
        .expect("preinst");
    wait_until(
        &h.c,
        DB,
        "SELECT EXISTS (SELECT FROM pg_constraint WHERE conname = 'queue_log_pkey')",
        "queue_log's primary key",
    );
    // The lock a manual ANALYZE (or VACUUM) in a transaction holds.
    tell(
        &mut other,
        "BEGIN; LOCK TABLE queue_log IN SHARE UPDATE EXCLUSIVE MODE;",
    );
    let r = finish_or_hang(hook, "preinst");
    drop(other.stdin.take());
    let _ = other.wait();
    r.assert_code(0);
    assert!(
        r.stderr
            .contains("queue_log not vacuumed after adding its id")
            && r.stderr.contains("waited 2 s (LOCK_TIMEOUT)")
            && r.stderr.contains("application 'a-maintenance'")
            && r.stderr.contains("adding queue_log's id online: done"),
        "{}",
        r.stderr
    );
    assert_eq!(h.actions(), "stop pbx-a\nstop pbx-b\n");
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) = count(DISTINCT id) AND count(id) = count(*) FROM queue_log"
        ),
        "t"
    );
    assert_eq!(queue_log_rows(&h.c), before);
}

//! Regression tests for the ways a snapshot or its rollback could lose the
//! live database or the 14.07 state (each test is named after the defect it
//! pins): how a snapshot is recognised, what can connect to it, its name,
//! copies that vanished or were left by a killed run, and the rollback's
//! own crashes.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::host::*;
use common::{add_version, repo_head, Host1407, MigrationsDir};

/// The real set plus a migration that commits (a new table and a row), then
/// a non-transactional one that fails: the rollback has something to undo.
fn failing_after_a_commit() -> MigrationsDir {
    let d = MigrationsDir::copy_of_repo();
    add_version(
        &d.path,
        "c0ffee000001",
        &repo_head(),
        "CREATE TABLE half_done (id integer);\nINSERT INTO half_done VALUES (1);",
    );
    std::fs::write(
        d.path.join("versions/c0ffee000002_test.sql"),
        "-- revision: c0ffee000002\n-- down_revision: c0ffee000001\n-- message: fails alone\n\
         -- transactional: false\n\nUPDATE queue_log SET no_such_column = 1;\n",
    )
    .expect("write version");
    d
}

fn preinst(h: &Host) {
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
}

/// Rewrite the recorded snapshot's phase from `ready` (what preinst leaves)
/// to `phase`, as a run killed at that point leaves it; the new record.
fn set_phase(h: &Host, phase: &str) -> String {
    let record = h.record().expect("record");
    assert!(record.contains("phase\tready"), "{record}");
    let changed = record.replace("phase\tready", &format!("phase\t{phase}"));
    std::fs::write(h.c.state_dir().join("rollback/record"), &changed).expect("record");
    changed
}

#[test]
fn live_database_is_never_dropped_as_a_snapshot() {
    let h = older_host();
    // Anyone who owns the database can write this comment.
    h.c.psql(
        DB,
        "COMMENT ON DATABASE asterisk IS 'xivo-manage-db rollback snapshot of asterisk x'",
    );
    let before = h.c.table_sums(DB);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    assert!(
        h.c.exists(DB),
        "the live database was dropped: {}",
        r.stderr
    );
    assert_eq!(h.c.table_sums(DB), before);
    r.assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(h.c.psql(DB, "SELECT count(*) FROM queue_log"), "1");
    assert_no_leftovers(&h);
}

#[test]
fn xivo_is_never_dropped_as_a_snapshot_on_a_14_07_host() {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        fill: true,
        ..Default::default()
    });
    for db in ["asterisk", "xivo"] {
        h.c.psql(
            "postgres",
            &format!("COMMENT ON DATABASE {db} IS 'xivo-manage-db rollback snapshot of {db} 1'"),
        );
    }
    let before = (h.c.table_sums("asterisk"), h.c.table_sums("xivo"));
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    assert!(
        h.c.exists("asterisk") && h.c.exists("xivo"),
        "a live database was dropped: {}",
        r.stderr
    );
    assert_eq!((h.c.table_sums("asterisk"), h.c.table_sums("xivo")), before);
    r.assert_code(0);
}

/// The old rollback renamed the copy back, then set the comment in a second
/// statement: a kill in between left the live database carrying the
/// snapshot's comment, and the next run dropped it as a left-over. The next
/// run gives the database back its own properties (comment, connection
/// limit, settings, grants), its roles and every row.
#[test]
fn live_database_is_never_dropped_after_a_rollback_killed_between_rename_and_comment() {
    let h = older_host();
    let before = (h.c.database_settings(DB), h.roles());
    let rows = h.c.rows(DB);
    preinst(&h);
    let snap = h.snapshots().pop().expect("a snapshot");
    // What the killed rollback had done: upgraded database dropped, copy
    // renamed back with everything the copy carries, record still rolling back.
    h.c.psql("postgres", "DROP DATABASE asterisk");
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{snap}\" RENAME TO asterisk"),
    );
    set_phase(&h, "rolling-back");
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    assert!(
        h.c.exists(DB),
        "the live database was dropped: {}",
        r.stderr
    );
    r.assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(
        (h.c.database_settings(DB), h.roles()),
        before,
        "the database's own properties and its roles"
    );
    for (table, (columns, want)) in &rows {
        if !common::BOOKKEEPING.contains(&table.as_str()) {
            assert_eq!(&h.c.rows_of(DB, table, columns), want, "{table}");
        }
    }
    assert_no_leftovers(&h);
}

#[test]
fn nobody_can_connect_to_a_snapshot_so_the_rollback_cannot_be_blocked() {
    let h = older_host();
    let before = h.c.fingerprint(DB);
    let broken = failing_after_a_commit();
    preinst(&h);
    let snap = h.snapshots().pop().expect("a snapshot");
    let direct = h.c.psql_cmd(&snap, "SELECT 1").output().expect("psql");
    assert!(
        !direct.status.success()
            && String::from_utf8_lossy(&direct.stderr)
                .contains("is not currently accepting connections"),
        "could connect to snapshot {snap}: {}",
        String::from_utf8_lossy(&direct.stderr)
    );
    // A backup or a monitoring probe at the wrong moment.
    let mut probe =
        h.c.psql_cmd(&snap, "SELECT pg_sleep(60)")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("psql");
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    let _ = probe.kill();
    let probe = probe.wait_with_output().expect("probe");
    r.assert_code(1);
    assert!(h.c.exists(DB), "no database left: {}", r.stderr);
    assert_eq!(h.c.fingerprint(DB), before, "{}", r.stderr);
    assert!(
        String::from_utf8_lossy(&probe.stderr).contains("is not currently accepting connections"),
        "the probe was not refused: {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    assert_no_leftovers(&h);
}

/// A role the snapshot recorded and the upgrade dropped (the cleanup drops a
/// role `xivo` left from 14.07 once nothing holds it) is created again by
/// the rollback, with every attribute, its password hash, memberships and
/// settings, as it was.
#[test]
fn a_role_the_upgrade_dropped_comes_back_with_every_attribute_on_rollback() {
    let h = older_host();
    h.c.psql(
        "postgres",
        "CREATE ROLE xivo LOGIN CREATEDB NOINHERIT CONNECTION LIMIT 7 \
           VALID UNTIL '2098-06-30 12:00:00+00' PASSWORD 'xivo-secret'; \
         ALTER ROLE xivo SET search_path = '$user', public; \
         ALTER ROLE xivo IN DATABASE asterisk SET work_mem = '3MB'; \
         GRANT fixture_asterisk_group TO xivo; \
         CREATE ROLE fixture_xivo_member NOLOGIN; \
         GRANT xivo TO fixture_xivo_member WITH ADMIN OPTION",
    );
    let before = (h.roles(), h.c.fingerprint(DB));
    assert!(before.0.contains("xivo|"), "{}", before.0);
    let broken = failing_after_a_commit();
    preinst(&h);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert!(
        r.stderr.contains("dropped role 'xivo'") && r.stderr.contains("role 'xivo' recreated"),
        "{}",
        r.stderr
    );
    assert_eq!((h.roles(), h.c.fingerprint(DB)), before, "{}", r.stderr);
    assert_no_leftovers(&h);
}

#[test]
fn long_database_names_get_a_snapshot_that_is_really_restored() {
    let h = Host::new();
    let long = format!("pbx_{}", "x".repeat(50));
    assert!(long.len() > 36 && long.len() <= 63);
    h.c.write_config(&format!(
        "SERVICES='{SERVICES}'\nSERVICE_COMMAND={}\nDB_NAME={long}",
        service_command().display()
    ));
    let (older, _) = common::older_set();
    h.c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    h.c.psql(&long, "INSERT INTO queue_log (time, callid, queuename, agent, event) VALUES ('2014-06-01 10:00:00.000000', 'c1', 'q', 'Agent/1', 'CONNECT')");
    let before = h.c.fingerprint(&long);
    let broken = failing_after_a_commit();
    preinst(&h);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert_eq!(
        h.c.fingerprint(&long),
        before,
        "said restored, but: {}",
        r.stderr
    );
    assert_no_leftovers(&h);
}

#[test]
fn a_recorded_snapshot_that_vanished_is_taken_again_not_reused() {
    let h = older_host();
    let before = h.c.fingerprint(DB);
    let broken = failing_after_a_commit();
    preinst(&h);
    for snap in h.snapshots() {
        h.c.psql("postgres", &format!("DROP DATABASE \"{snap}\""));
    }
    let again = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    again.assert_code(0);
    assert_eq!(h.snapshots().len(), 1, "{}", again.stderr);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert_eq!(h.c.fingerprint(DB), before, "{}", r.stderr);
    assert_no_leftovers(&h);
}

/// Holds a lock that CREATE DATABASE ... TEMPLATE asterisk waits for, so
/// that a hook can be killed while its copy is still being made. The lock
/// is held until `release_template`, never for a fixed time: on a loaded
/// machine the hook may need long to reach its copy.
fn hold_template(h: &Host) -> std::process::Child {
    let child =
        h.c.psql_cmd(
            "postgres",
            "BEGIN; COMMENT ON DATABASE asterisk IS 'held'; SELECT pg_sleep(600); ROLLBACK;",
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("psql");
    wait_for(
        h,
        "query LIKE '%pg_sleep(600)%'",
        1,
        "the lock holder never started",
    );
    child
}

fn release_template(h: &Host, mut holder: std::process::Child) {
    h.c.psql(
        "postgres",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()",
    );
    let _ = holder.wait();
}

/// Waits until `want` backends other than ours match `filter`.
fn wait_for(h: &Host, filter: &str, want: u32, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while h.c.psql(
        "postgres",
        &format!(
            "SELECT count(*) FROM pg_stat_activity WHERE {filter} AND pid <> pg_backend_pid()"
        ),
    ) != want.to_string()
    {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn snapshot_copy_finished_by_a_killed_run_is_found_and_dropped() {
    let h = older_host();
    let holder = hold_template(&h);
    let mut first = h
        .hook_cmd("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .spawn()
        .expect("preinst");
    // Killed while its CREATE DATABASE waits: the backend goes on.
    wait_for(
        &h,
        "query LIKE 'CREATE DATABASE%'",
        1,
        "the copy never started",
    );
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    // The orphaned backend now finishes the copy nobody will record.
    release_template(&h, holder);
    wait_for(
        &h,
        "query LIKE 'CREATE DATABASE%'",
        0,
        "the orphaned copy never ended",
    );
    let second = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    second.assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    let third = h.hook("postinst", &["configure", "14.7.0"], None);
    third.assert_code(0);
    assert_no_leftovers(&h);
    assert_eq!(
        h.c.psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1', 'asterisk')"
        ),
        "0",
        "{}",
        second.stderr
    );
}

#[test]
fn state_files_of_14_07_survive_a_rollback_killed_while_forgetting_it() {
    let h = Host::new();
    // Every row of both databases must be found again as it was, but what
    // 14.08's scripts drop or move on purpose (checked gone).
    h.c.make_1407_host(Host1407 {
        release: "14.07",
        fill: true,
        ..Default::default()
    });
    let mut rows = h.c.rows("xivo");
    rows.extend(h.c.rows(DB));
    common::without_1408_removals(&mut rows);
    preinst(&h);
    // The old forget() removed the copy of the state files, then the
    // record: a kill in between left a rolling-back record without them.
    set_phase(&h, "rolling-back");
    std::fs::remove_dir_all(h.c.state_dir().join("rollback/update-db")).expect("rm copy");
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head(), "{}", r.stderr);
    for (table, (cols, before_rows)) in rows {
        let now = h.c.rows_of(DB, &table, &cols);
        let missing = common::missing_rows(&before_rows, &now);
        assert!(missing.is_empty(), "{table} lost {missing:?}");
    }
    common::assert_1408_removals_gone(&h.c, DB);
    assert_no_leftovers(&h);
}

/// A rollback that failed, then an administrator who repaired by hand and
/// started the services: the next hook run must not throw away what was
/// written since.
#[test]
fn stale_rolling_back_record_is_not_applied_over_a_database_that_lived_since() {
    let h = older_host();
    preinst(&h);
    set_phase(&h, "rolling-back");
    // Repaired by hand: services started, a call recorded.
    let _ = std::fs::remove_file(h.c.state_dir().join("stopped-services"));
    h.start_services();
    h.c.psql(DB, "INSERT INTO queue_log (time, callid, queuename, agent, event) VALUES ('2014-06-02 10:00:00.000000', 'since', 'q', 'Agent/1', 'CONNECT')");
    let written_since = || {
        h.c.psql(DB, "SELECT count(*) FROM queue_log WHERE callid = 'since'")
    };
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    assert_eq!(written_since(), "1", "lost: {}", r.stderr);
    r.assert_code(1);
    assert!(
        r.stderr.contains("xivo-manage-db rollback finish")
            && r.stderr.contains("xivo-manage-db rollback discard"),
        "{}",
        r.stderr
    );
    // The commands refuse too, saying the same.
    for (bin, args) in [
        ("xivo-update-db", &[][..]),
        ("xivo-init-db", &["--init"][..]),
        // Refused before the slave is even reached.
        ("xivo-manage-db", &["replicate", "127.0.0.1:1"][..]),
    ] {
        let r = h.c.run(bin, args, None);
        r.assert_code(1);
        assert!(
            r.stderr.contains("xivo-manage-db rollback discard"),
            "{bin}: {}",
            r.stderr
        );
        assert_eq!(written_since(), "1");
    }
    // Keeping the database as it is resolves it.
    let r = h.run("xivo-manage-db", &["rollback", "discard"]);
    r.assert_code(0);
    assert!(h.record().is_none() && h.snapshots().is_empty());
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(written_since(), "1");
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(&h);
}

#[test]
fn a_pending_rollback_can_be_finished_by_hand() {
    let h = older_host();
    let before = h.c.fingerprint(DB);
    preinst(&h);
    // The rollback of a failed upgrade died: the database is half-changed,
    // the record says rolling back, the services are still stopped.
    h.c.psql(DB, "CREATE TABLE half_done (id integer)");
    set_phase(&h, "rolling-back");
    let status = h.run("xivo-manage-db", &["rollback", "status"]);
    status.assert_code(1);
    assert!(
        status.stdout.contains("rolling-back")
            && status.stdout.contains("xivo_manage_db_snapshot_"),
        "{}",
        status.stdout
    );
    let r = h.run("xivo-manage-db", &["rollback", "finish"]);
    r.assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before, "{}", r.stderr);
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set(), "{}", r.stderr);
    // Nothing pending any more: both say so, exit 0.
    h.run("xivo-manage-db", &["rollback", "status"])
        .assert_code(0);
    h.run("xivo-manage-db", &["rollback", "finish"])
        .assert_code(0);
}

/// A pending rollback whose copy was dropped by hand cannot be finished:
/// the database that lived since is kept as it is (never taken for the
/// copy, never given the copy's place), the record stays, and the error
/// says what happened and what to run. Found by a mutation of the
/// "already renamed back" check in `swap_back` that no test saw.
#[test]
fn a_pending_rollback_whose_snapshot_was_dropped_by_hand_keeps_the_database_and_says_so() {
    let h = older_host();
    preinst(&h);
    let snap = h.snapshots().pop().expect("a snapshot");
    // The upgrade wrote, its rollback died, then someone dropped the copy.
    h.c.psql(DB, "CREATE TABLE written_since (id integer)");
    h.c.psql(DB, "COMMENT ON DATABASE asterisk IS 'lived since'");
    let pending = set_phase(&h, "rolling-back");
    h.c.psql("postgres", &format!("DROP DATABASE \"{snap}\""));
    let properties = || {
        h.c.psql(
            "postgres",
            "SELECT oid || ' ' || datallowconn || ' ' || coalesce(shobj_description(oid, 'pg_database'), '-') \
               FROM pg_database WHERE datname = 'asterisk'",
        )
    };
    let before = (h.c.fingerprint(DB), properties());
    let r = h.run("xivo-manage-db", &["rollback", "finish"]);
    r.assert_code(1);
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains(&format!("snapshot '{snap}' is gone (dropped by hand?)"))
            && errors[0].contains("xivo-manage-db rollback discard"),
        "{}",
        r.stderr
    );
    assert_eq!((h.c.fingerprint(DB), properties()), before, "{}", r.stderr);
    assert_eq!(h.record().as_deref(), Some(pending.as_str()));
    // The way out it names works: the database kept, nothing left behind.
    h.run("xivo-manage-db", &["rollback", "discard"])
        .assert_code(0);
    assert_eq!((h.c.fingerprint(DB), properties()), before);
    assert!(h.record().is_none());
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
}

/// An upgrade that died midway is rolled back by the unwinding calls only
/// while nothing can have written since: once the services ran again,
/// `prerm remove` keeps the database as they left it and drops the
/// snapshot. Found by a mutation of `settle` (`&&` to `||`) that threw
/// their writes away and that no test saw.
#[test]
fn an_unfinished_upgrade_is_not_rolled_back_over_what_services_wrote_since() {
    let h = older_host();
    preinst(&h);
    set_phase(&h, "upgrading");
    // The administrator started the services again; they wrote.
    h.start_services();
    h.c.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event) \
         VALUES ('2014-06-02 10:00:00.000000', 'since', 'q', 'Agent/2', 'CONNECT')",
    );
    let before = h.c.fingerprint(DB);
    let r = h.hook("prerm", &["remove"], None);
    r.assert_code(0);
    assert!(
        r.stderr.contains("services ran since")
            && r.stderr.contains("keeping the database as it is"),
        "{}",
        r.stderr
    );
    assert_eq!(h.c.fingerprint(DB), before, "{}", r.stderr);
    assert_eq!(
        h.c.psql(DB, "SELECT count(*) FROM queue_log WHERE callid = 'since'"),
        "1"
    );
    assert!(h.record().is_none());
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
}

/// A database put in the place of the copy (the copy dropped, another made
/// with its name: another oid, open to connections) is never taken for it:
/// a pending rollback refuses in one line, and neither the live database
/// nor that one is touched. Found by a mutation of `swap_back`'s
/// "is this the recorded copy" guard that no test saw.
#[test]
fn a_database_put_in_place_of_the_snapshot_is_never_rolled_back_to() {
    let h = older_host();
    preinst(&h);
    let snap = h.snapshots().pop().expect("a snapshot");
    let pending = set_phase(&h, "rolling-back");
    h.c.psql(DB, "CREATE TABLE written_since (id integer)");
    h.c.psql("postgres", &format!("DROP DATABASE \"{snap}\""));
    h.c.psql("postgres", &format!("CREATE DATABASE \"{snap}\""));
    h.c.psql(&snap, "CREATE TABLE impostor (id integer)");
    let databases = || {
        h.c.psql(
            "postgres",
            "SELECT string_agg(datname || ' ' || oid || ' ' || datallowconn, ',' ORDER BY datname) \
               FROM pg_database",
        )
    };
    let before = (h.c.fingerprint(DB), h.c.fingerprint(&snap), databases());
    let r = h.run("xivo-manage-db", &["rollback", "finish"]);
    r.assert_code(1);
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains(&format!(
            "database '{snap}' is named like a snapshot but is not one of ours"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        (h.c.fingerprint(DB), h.c.fingerprint(&snap), databases()),
        before,
        "{}",
        r.stderr
    );
    assert_eq!(h.record().as_deref(), Some(pending.as_str()));
}

/// Issue 20: a database that only looks like a snapshot copy (the exact
/// name, closed to connections) but that no record names was dropped as
/// "left by a run that died", on its name and closedness alone. Only a
/// record's oid makes a copy ours (`snapshot::name::is_ours`): this one is
/// kept with its rows, and each hook warns naming it and how to drop it by
/// hand; the upgrade itself goes on.
#[test]
fn a_database_that_only_looks_like_a_snapshot_copy_is_never_dropped() {
    let h = older_host();
    let lookalike = "xivo_manage_db_snapshot_20200101T000000Z_main";
    h.c.psql(
        "postgres",
        &format!("CREATE DATABASE \"{lookalike}\" TEMPLATE template0"),
    );
    h.c.psql(
        lookalike,
        "CREATE TABLE keep (id integer, what text); INSERT INTO keep VALUES (1, 'one'), (2, 'two')",
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{lookalike}\" ALLOW_CONNECTIONS false"),
    );
    let rows = |h: &Host| {
        h.c.psql(
            "postgres",
            &format!("ALTER DATABASE \"{lookalike}\" ALLOW_CONNECTIONS true"),
        );
        let r = h.c.psql(
            lookalike,
            "SELECT string_agg(id || ' ' || what, ',' ORDER BY id) FROM keep",
        );
        h.c.psql(
            "postgres",
            &format!("ALTER DATABASE \"{lookalike}\" ALLOW_CONNECTIONS false"),
        );
        r
    };
    let pre = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    pre.assert_code(0);
    assert!(h.c.exists(lookalike), "dropped: {}", pre.stderr);
    let warning = format!(
        "database '{lookalike}' looks like a snapshot copy, but no record names it: kept; if it \
         is not needed, drop it by hand: DROP DATABASE \"{lookalike}\""
    );
    assert!(pre.stderr.contains(&warning), "{}", pre.stderr);
    let post = h.hook("postinst", &["configure", "14.7.0"], None);
    post.assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(h.snapshots(), vec![lookalike.to_string()]);
    assert_eq!(rows(&h), "1 one,2 two");
}

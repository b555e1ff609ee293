//! An upgrade through the maintainer scripts, as dpkg runs them: stop the
//! services, snapshot, upgrade, restart, drop the snapshot; a failure (a
//! broken migration, also after the 14.07 merge committed, a database dropped
//! by hand, dpkg unwinding with abort-upgrade) restores the database, roles
//! and state files from the snapshot, and the next run converges. On the
//! miniature host of tests/common/host.rs.

mod common;

use common::host::*;
use common::{add_version, repo_head, Cluster, MigrationsDir};

#[test]
fn upgrade_from_an_older_revision_stops_snapshots_upgrades_and_restarts() {
    let h = older_host();
    let rows = h.c.table_sums(DB);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(0);
    // Only the running services were stopped; dbclient's session, left
    // behind by its killed psql, was ended and named.
    assert_eq!(h.actions(), "stop pbx-a\nstop dbclient\nstop pbx-b\n");
    assert!(h.running().is_empty());
    assert!(
        r.stderr.contains("ended session pid") && r.stderr.contains("application 'psql'"),
        "{}",
        r.stderr
    );
    let snaps = h.snapshots();
    assert_eq!(snaps.len(), 1, "{snaps:?}");
    assert!(
        snaps[0].starts_with("xivo_manage_db_snapshot_") && snaps[0].ends_with("_main"),
        "{snaps:?}"
    );
    assert!(h
        .record()
        .is_some_and(|r| r.contains("phase\tready") && r.contains(&snaps[0])));
    // The copy is the database as it was (nobody may connect to it: let
    // this check in for a moment).
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{}\" ALLOW_CONNECTIONS true", snaps[0]),
    );
    assert_eq!(h.c.table_sums(&snaps[0]), rows);
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{}\" ALLOW_CONNECTIONS false", snaps[0]),
    );
    // Idempotent: a second preinst uses that snapshot, stops nothing more.
    let again = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    again.assert_code(0);
    assert!(again.stderr.contains("using snapshot"), "{}", again.stderr);
    assert_eq!(h.snapshots(), snaps);
    assert_eq!(h.actions(), "stop pbx-a\nstop dbclient\nstop pbx-b\n");
    // The record holds password hashes: root only.
    let mode = std::fs::metadata(h.c.state_dir().join("rollback/record"))
        .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
        .expect("record");
    assert_eq!(mode, 0o600);

    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(r.stderr.contains("dropped snapshot"), "{}", r.stderr);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_no_leftovers(&h);
    assert_eq!(
        h.actions(),
        "stop pbx-a\nstop dbclient\nstop pbx-b\nstart pbx-a\nstart dbclient\nstart pbx-b\n"
    );
    assert_eq!(sorted(h.running()), running_set(), "idle never started");
    let count = h.c.psql(DB, "SELECT count(*) FROM queue_log");
    assert_eq!(count, "1");
    // Every step is logged with its duration; no password anywhere.
    assert!(
        r.stderr.contains("upgrading the database: done in"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("proformatique") && !r.stderr.contains("SCRAM-SHA-256$"));
    // A started service inherits no descriptor of the hook: only stdio, on /dev/null.
    for pid in h.pids() {
        let fds: Vec<(String, String)> = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .expect("fds")
            .map(|e| {
                let e = e.expect("fd");
                let target = std::fs::read_link(e.path())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                (e.file_name().to_string_lossy().into_owned(), target)
            })
            .filter(|(_, t)| !t.starts_with("socket:"))
            .collect();
        for (fd, target) in &fds {
            assert!(
                ["0", "1", "2"].contains(&fd.as_str()) && target == "/dev/null",
                "pid {pid} inherited fd {fd} -> {target}: {fds:?}"
            );
        }
    }
}

#[test]
fn failing_migration_restores_everything_then_a_fixed_retry_succeeds() {
    let h = older_host();
    let legacy = h.c.state_dir().join("update-db");
    std::fs::create_dir_all(&legacy).expect("mkdir");
    std::fs::write(legacy.join("asterisk-last"), "161.sql\n").expect("write");
    std::fs::write(legacy.join("xivo-last"), "008.sql\n").expect("write");
    let before = (h.c.fingerprint(DB), h.roles(), h.state_files());
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fa11ed000001",
        &repo_head(),
        "CREATE TABLE half_done (id integer);\nINSERT INTO half_done VALUES (1);\nUPDATE queue_log SET no_such_column = 1;",
    );
    h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&broken.path),
    )
    .assert_code(0);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("fa11ed000001") && last.contains("no_such_column"),
        "{}",
        r.stderr
    );
    assert!(
        last.contains("restored from snapshot xivo_manage_db_snapshot_"),
        "{}",
        r.stderr
    );
    assert_eq!(
        (h.c.fingerprint(DB), h.roles(), h.state_files()),
        before,
        "database, roles and state files as before"
    );
    assert_eq!(sorted(h.running()), running_set(), "services restarted");
    assert_no_leftovers(&h);

    // dpkg --configure -a with the fix: no preinst before, services running.
    let _ = std::fs::remove_file(h.svc.join("actions"));
    h.wait_for_sessions(1);
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(r.stderr.contains("taking the snapshot"), "{}", r.stderr);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(
        h.actions(),
        "stop pbx-a\nstop dbclient\nstop pbx-b\nstart pbx-a\nstart dbclient\nstart pbx-b\n"
    );
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);
    assert_eq!(h.c.psql(DB, "SELECT count(*) FROM queue_log"), "1");
}

#[test]
fn abort_upgrade_after_preinst_drops_the_snapshot_and_restarts() {
    let h = older_host();
    let before = h.c.fingerprint(DB);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    assert_eq!(h.snapshots().len(), 1);
    // The unpack failed: dpkg runs the new postrm, then the old postinst.
    h.hook("postrm", &["abort-upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["abort-upgrade", "14.8.0"], None)
        .assert_code(0);
    h.hook("preinst", &["abort-upgrade", "14.8.0"], None)
        .assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before);
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);
}

#[test]
fn a_database_dropped_during_a_failed_upgrade_comes_back_from_its_snapshot() {
    let h = older_host();
    let before = h.c.fingerprint(DB);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    // Somebody "cleans up" by hand.
    h.c.psql("postgres", "DROP DATABASE asterisk WITH (FORCE)");
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(
        r.stderr.contains("is missing but its snapshot") && !r.stderr.contains("provisioning"),
        "{}",
        r.stderr
    );
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(h.c.psql(DB, "SELECT count(*) FROM queue_log"), "1");
    assert_ne!(h.c.fingerprint(DB), before, "upgraded");
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
}

/// Rows of every table of both 14.07 databases (both merge into asterisk),
/// to check none is lost.
fn all_rows(c: &Cluster) -> common::Rows {
    let mut rows = c.rows(DB);
    for (table, (columns, xivo_rows)) in c.rows("xivo") {
        let entry = rows
            .entry(table.clone())
            .or_insert_with(|| (columns.clone(), Vec::new()));
        assert_eq!(entry.0, columns, "{table} in both 14.07 databases");
        entry.1.extend(xivo_rows);
    }
    rows
}

#[test]
fn upgrade_of_a_14_07_host_through_the_hooks() {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407 {
        fill: true,
        queue_log_rows: 5000,
        ..Default::default()
    });
    h.start_services();
    let mut rows = all_rows(&h.c);
    // Less what 14.08's scripts drop or move on purpose.
    common::without_1408_removals(&mut rows);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(0);
    let snaps = h.snapshots();
    assert_eq!(snaps.len(), 2, "asterisk and xivo copied: {snaps:?}");
    assert!(
        snaps[0].ends_with("_main") && snaps[1].ends_with("_xivo"),
        "{snaps:?}"
    );
    assert!(h
        .record()
        .is_some_and(|r| r.contains("role\tasterisk\t") && r.contains("role\txivo\t")));
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    // The copy of xivo held objects of role xivo: the role goes once it is gone.
    assert!(
        !h.c.exists("xivo") && !h.c.role_exists("xivo"),
        "{}",
        r.stderr
    );
    assert!(h.c.state_file("asterisk-last").is_none());
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
    common::assert_no_row_lost(&h.c, DB, &rows, &common::BOOKKEEPING);
    common::assert_1408_removals_gone(&h.c, DB);
}

#[test]
fn a_14_07_upgrade_failing_after_the_merge_committed_is_rolled_back() {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407 {
        fill: true,
        queue_log_rows: 2000,
        ..Default::default()
    });
    // What pg_dump --schema-only does not show must come back too.
    h.c.set_non_defaults(DB, "asterisk");
    h.c.set_non_defaults("xivo", "xivo");
    h.start_services();
    let before = (
        h.c.fingerprint(DB),
        h.c.fingerprint("xivo"),
        h.roles(),
        h.state_files(),
    );
    // Fails after the merge's commit and its cleanup (database xivo dropped,
    // state files removed): only the snapshot can bring the host back.
    let broken = MigrationsDir::copy_of_repo();
    std::fs::write(
        broken.path.join("versions/fa11ed000003_test.sql"),
        format!(
            "-- revision: fa11ed000003\n-- down_revision: {}\n-- message: fails alone\n-- transactional: false\n\nSELECT 1/0;\n",
            repo_head()
        ),
    )
    .expect("write version");
    h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&broken.path),
    )
    .assert_code(0);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert!(
        r.stderr.contains("division by zero") && r.stderr.contains("restored from snapshot"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("merge committed") && r.stderr.contains("dropped database 'xivo'"),
        "the failure came after the merge's commit and cleanup: {}",
        r.stderr
    );
    assert_eq!(
        (
            h.c.fingerprint(DB),
            h.c.fingerprint("xivo"),
            h.roles(),
            h.state_files()
        ),
        before,
        "both databases, the roles and the state files as before"
    );
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);
    // The fixed package (dpkg --configure -a) converges.
    h.wait_for_sessions(1);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert!(!h.c.exists("xivo") && !h.c.role_exists("xivo"));
    assert_no_leftovers(&h);
}

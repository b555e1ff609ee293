//! The pending-work policy (`src/pending.rs`): while a maintainer script's
//! snapshot is recorded (any phase) or a restore's record is left, the
//! administrator's commands that write the database refuse in one line
//! naming how to settle it, and change nothing; the read-only ones keep
//! working, and `status`, `status --json` and `rollback status` show the
//! record. A recorded database that is gone makes its snapshot the only
//! copy: `rollback discard` refuses to drop it, and the hooks do not take a
//! running service for a sign that it was used since. Each test is named
//! after the defect it pins.

mod common;

use std::path::PathBuf;

use common::host::*;
use common::{as_owner, owner, repo_head, Host1407, Run, PG_BIN};

fn preinst(h: &Host) {
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
}

/// Rewrite the recorded phase from `ready` (what preinst leaves) to
/// `phase`, as a run killed at that point leaves it; the new record.
fn set_phase(h: &Host, phase: &str) -> String {
    let record = h.record().expect("record");
    let now = record
        .lines()
        .find(|l| l.starts_with("phase\t"))
        .expect("phase line")
        .to_string();
    let changed = record.replace(&now, &format!("phase\t{phase}"));
    std::fs::write(h.c.state_dir().join("rollback/record"), &changed).expect("record");
    changed
}

/// The one `error:` line of a refusal, checked to be the only one.
fn one_error(r: &Run) -> String {
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    errors[0].to_string()
}

fn databases(h: &Host) -> String {
    h.c.psql(
        "postgres",
        "SELECT string_agg(datname || ' ' || oid || ' ' || datallowconn, ',' ORDER BY datname) FROM pg_database",
    )
}

/// What a rollback killed during its `DROP DATABASE` leaves: the record
/// says rolling back, the database is gone, the snapshot is intact. Then a
/// service is started (at boot, say): it finds no database.
fn rollback_killed_in_its_drop(h: &Host) {
    preinst(h);
    set_phase(h, "rolling-back");
    h.c.psql("postgres", &format!("DROP DATABASE {DB}"));
    h.start_only(&RUNNING);
}

#[test]
fn rollback_discard_never_drops_the_only_copy_of_a_missing_database() {
    let h = older_host();
    let before = h.c.fingerprint(DB);
    rollback_killed_in_its_drop(&h);
    let pending = h.record().expect("record");
    let state = databases(&h);
    let status = h.run("xivo-manage-db", &["rollback", "status"]);
    status.assert_code(1);
    assert!(status.stdout.contains("rolling-back"), "{}", status.stdout);
    let r = h.run("xivo-manage-db", &["rollback", "discard"]);
    r.assert_code(1);
    let line = one_error(&r);
    assert!(
        line.contains(&format!("database '{DB}'"))
            && line.contains("xivo-manage-db rollback finish"),
        "{line}"
    );
    assert_eq!(databases(&h), state, "{}", r.stderr);
    assert_eq!(h.record().as_deref(), Some(pending.as_str()));
    // The way out it names restores the database as it was.
    let r = h.run("xivo-manage-db", &["rollback", "finish"]);
    r.assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before, "{}", r.stderr);
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
}

/// Nothing can have been written to a database that does not exist: the
/// next configure finishes the rollback (then upgrades) instead of asking
/// a person whether to throw the snapshot away.
#[test]
fn a_missing_database_was_not_used_since_so_the_hook_finishes_the_rollback() {
    let h = older_host();
    rollback_killed_in_its_drop(&h);
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head(), "{}", r.stderr);
    assert_eq!(
        h.c.psql(DB, "SELECT count(*) FROM queue_log WHERE callid = 'c1'"),
        "1"
    );
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
}

/// On a 14.07 host the rollback puts back `asterisk`, then `xivo`: killed
/// between the two (xivo dropped, its copy not yet renamed), the snapshot
/// is the only copy of `xivo`.
#[test]
fn rollback_discard_never_drops_the_only_copy_of_xivo_after_a_kill_between_the_two_copies() {
    let h = Host::new();
    h.c.make_1407_host(Host1407::default());
    h.c.psql(
        "xivo",
        "CREATE TABLE only_here (id integer); INSERT INTO only_here VALUES (7)",
    );
    preinst(&h);
    // As the snapshot has them (preinst gave queue_log its id first).
    let before = (h.c.fingerprint(DB), h.c.fingerprint("xivo"));
    set_phase(&h, "rolling-back");
    let main = h
        .snapshots()
        .into_iter()
        .find(|s| s.ends_with("_main"))
        .expect("main snapshot");
    // What the killed rollback had done: asterisk back, xivo dropped.
    h.c.psql("postgres", &format!("DROP DATABASE {DB}"));
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{main}\" RENAME TO {DB}"),
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE {DB} ALLOW_CONNECTIONS true"),
    );
    h.c.psql("postgres", "DROP DATABASE xivo");
    h.start_only(&RUNNING);
    let state = databases(&h);
    let r = h.run("xivo-manage-db", &["rollback", "discard"]);
    r.assert_code(1);
    let line = one_error(&r);
    assert!(
        line.contains("database 'xivo'") && line.contains("xivo-manage-db rollback finish"),
        "{line}"
    );
    assert_eq!(databases(&h), state, "{}", r.stderr);
    h.run("xivo-manage-db", &["rollback", "finish"])
        .assert_code(0);
    assert_eq!(
        (h.c.fingerprint(DB), h.c.fingerprint("xivo")),
        before,
        "xivo not restored"
    );
    assert_no_leftovers(&h);
}

/// A record at `done` (the upgrade committed, its snapshot not yet dropped)
/// while the database was dropped by hand: the snapshot is the only copy
/// left. `discard` refuses, and the next configure puts it back and
/// upgrades it rather than drop it and provision an empty database.
#[test]
fn a_finished_upgrades_snapshot_is_not_dropped_while_it_is_the_only_copy() {
    let h = older_host();
    preinst(&h);
    set_phase(&h, "done");
    h.c.psql("postgres", &format!("DROP DATABASE {DB}"));
    let r = h.run("xivo-manage-db", &["rollback", "discard"]);
    r.assert_code(1);
    assert!(one_error(&r).contains("rollback finish"), "{}", r.stderr);
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(
        r.stderr.contains("is missing but its snapshot exists"),
        "{}",
        r.stderr
    );
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(
        h.c.psql(DB, "SELECT count(*) FROM queue_log WHERE callid = 'c1'"),
        "1"
    );
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
}

/// The other side of the rule: once an upgrade started, a missing `xivo`
/// is what the merge's cleanup leaves after its commit put every row of it
/// in `asterisk` (still the upgraded database, not the copy put back):
/// keeping the database as it is loses nothing, and `discard` does it.
/// Before the upgrade started (`ready`), `xivo` gone is a loss: refused.
#[test]
fn rollback_discard_keeps_a_database_the_merge_committed_xivo_into() {
    let h = Host::new();
    h.c.make_1407_host(Host1407::default());
    preinst(&h);
    h.c.psql("postgres", "DROP DATABASE xivo");
    let r = h.run("xivo-manage-db", &["rollback", "discard"]);
    r.assert_code(1);
    assert!(one_error(&r).contains("database 'xivo'"), "{}", r.stderr);
    set_phase(&h, "upgrading");
    let before = h.c.fingerprint(DB);
    let r = h.run("xivo-manage-db", &["rollback", "discard"]);
    r.assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before, "{}", r.stderr);
    assert!(h.record().is_none() && h.snapshots().is_empty());
}

/// Steps of the report: `preinst upgrade` (record `ready`), the database
/// dropped by hand, `xivo-update-db` provisioned an empty one, and the next
/// configure, finding it at head, dropped the snapshot: every row lost.
#[test]
fn xivo_update_db_never_provisions_over_a_pending_snapshot() {
    let h = older_host();
    preinst(&h);
    h.c.psql("postgres", &format!("DROP DATABASE {DB}"));
    let state = databases(&h);
    let actions = h.actions();
    for phase in [
        "creating",
        "ready",
        "upgrading",
        "rolling-back",
        "done",
        "ready",
    ] {
        let pending = set_phase(&h, phase);
        for (bin, args) in [
            ("xivo-update-db", &[][..]),
            ("xivo-init-db", &["--init"][..]),
            ("xivo-init-db", &["--drop", "--init"][..]),
        ] {
            let r = h.run(bin, args);
            r.assert_code(1);
            let line = one_error(&r);
            assert!(
                line.contains(&format!("phase {phase}"))
                    && line.contains("xivo-manage-db rollback status"),
                "{bin} {args:?} at {phase}: {line}"
            );
            assert_eq!(databases(&h), state, "{bin} {args:?} at {phase}");
            assert_eq!(h.record().as_deref(), Some(pending.as_str()));
        }
    }
    assert_eq!(h.actions(), actions, "services touched");
    // The hook that owns the record puts the copy back and upgrades it.
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head(), "{}", r.stderr);
    assert_eq!(
        h.c.psql(DB, "SELECT count(*) FROM queue_log WHERE callid = 'c1'"),
        "1"
    );
    assert_no_leftovers(&h);
}

/// `docs/queue-log.md` promises that prune and prepare refuse while a
/// snapshot is pending: a later rollback would bring the pruned rows back.
#[test]
fn queue_log_prune_and_prepare_refuse_while_a_hooks_snapshot_is_pending() {
    let h = older_host();
    h.c.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event) \
           SELECT '2013-01-01 10:00:00'::timestamp + i * interval '1 min', 'old-' || i, 'q', 'Agent/1', 'CONNECT' \
             FROM generate_series(1, 500) i",
    );
    let count = || h.c.psql(DB, "SELECT count(*) FROM queue_log");
    assert_eq!(count(), "501");
    preinst(&h);
    let before = h.c.fingerprint(DB);
    for phase in ["ready", "upgrading", "done"] {
        set_phase(&h, phase);
        for args in [
            &["queue-log", "prune", "--before", "2014-01-01"][..],
            &["queue-log", "prepare"][..],
        ] {
            let r = h.run("xivo-manage-db", args);
            r.assert_code(1);
            let line = one_error(&r);
            assert!(
                line.contains(&format!("phase {phase}"))
                    && line.contains("xivo-manage-db rollback status"),
                "{args:?} at {phase}: {line}"
            );
            assert_eq!(h.c.fingerprint(DB), before, "{args:?} at {phase}");
        }
        // Read-only: still answered.
        let dry = h.run(
            "xivo-manage-db",
            &["queue-log", "prune", "--before", "2014-01-01", "--dry-run"],
        );
        dry.assert_code(0);
        assert!(dry.stdout.contains("would delete 500"), "{}", dry.stdout);
        h.run("xivo-manage-db", &["queue-log", "stats"])
            .assert_code(0);
    }
    set_phase(&h, "ready");
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    // Settled: prune runs.
    h.run(
        "xivo-manage-db",
        &["queue-log", "prune", "--before", "2014-01-01"],
    )
    .assert_code(0);
    assert_eq!(count(), "1");
}

/// `pg_dump -Fc` of `db` into the cluster's directory.
fn dump(h: &Host, db: &str) -> PathBuf {
    let path = h.c.dir.join("backup.dump");
    let mut c = as_owner(format!("{PG_BIN}/pg_dump"));
    c.args(["-Fc", "-h"])
        .arg(&h.c.dir)
        .args(["-p", &h.c.port.to_string(), "-U", &owner().name, "-f"])
        .arg(&path)
        .arg(db);
    let out = c.output().expect("pg_dump");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// The suspected defect: a restore during a hook's upgrade started the
/// services preinst stopped (on a half-upgraded database if it failed),
/// and the hook's settle then rolled back over the restored database.
#[test]
fn restore_is_refused_while_a_hooks_snapshot_is_pending() {
    let h = older_host();
    let backup = dump(&h, DB);
    preinst(&h);
    // The upgrade started and wrote.
    h.c.psql(DB, "CREATE TABLE half_done (id integer)");
    let before = h.c.fingerprint(DB);
    let (state, actions) = (databases(&h), h.actions());
    let stopped = std::fs::read_to_string(h.c.state_dir().join("stopped-services"))
        .expect("stopped-services");
    for phase in ["ready", "upgrading"] {
        set_phase(&h, phase);
        let r = h.run(
            "xivo-manage-db",
            &["restore", backup.to_str().expect("utf-8 path")],
        );
        r.assert_code(1);
        let line = one_error(&r);
        assert!(
            line.contains(&format!("phase {phase}"))
                && line.contains("xivo-manage-db rollback status"),
            "{line}"
        );
        assert_eq!(h.c.fingerprint(DB), before, "{}", r.stderr);
        assert_eq!(databases(&h), state);
        assert!(h.running().is_empty(), "services started: {}", r.stderr);
        assert_eq!(h.actions(), actions, "services touched");
        assert_eq!(
            std::fs::read_to_string(h.c.state_dir().join("stopped-services")).ok(),
            Some(stopped.clone())
        );
    }
}

#[test]
fn status_and_rollback_status_show_a_pending_snapshot() {
    let h = older_host();
    preinst(&h);
    let snap = h.snapshots().pop().expect("a snapshot");
    let r = h.run("xivo-manage-db", &["status"]);
    r.assert_code(1);
    assert!(
        r.stdout.contains("pending:")
            && r.stdout.contains("phase ready")
            && r.stdout.contains(&snap)
            && r.stdout.contains("xivo-manage-db rollback status"),
        "{}",
        r.stdout
    );
    let r = h.run("xivo-manage-db", &["status", "--json"]);
    r.assert_code(1);
    assert!(
        r.stdout.contains(
            "\"snapshot_pending\": true, \"snapshot_phase\": \"ready\", \"restore_pending\": false"
        ),
        "{}",
        r.stdout
    );
    let r = h.run("xivo-manage-db", &["rollback", "status"]);
    r.assert_code(1);
    assert!(
        r.stdout.contains("ready") && r.stdout.contains(&snap),
        "{}",
        r.stdout
    );
    let r = h.run("xivo-manage-db", &["rollback", "status", "--json"]);
    r.assert_code(1);
    assert!(
        r.stdout.starts_with("{\"code\": 1, \"pending\": true, \"phase\": \"ready\", \"taken_at\": \"")
            && r.stdout.contains(&format!(
                "\"snapshots\": [{{\"database\": \"asterisk\", \"snapshot\": \"{snap}\"}}], \"state_files\": "
            ))
            && r.stdout.ends_with(
                "\"to_do\": \"dpkg --configure -a finishes the upgrade (or rollback finish|discard by hand)\", \"restore\": null}\n"
            ),
        "{}",
        r.stdout
    );
    // Read-only commands keep working.
    for args in [&["history"][..], &["migrations"][..]] {
        h.run("xivo-manage-db", args).assert_code(0);
    }
    h.run("xivo-check-db", &[]).assert_code(1);
    // rollback finish asks on a terminal; unconfirmed, nothing changes.
    let record = h.record();
    let state = databases(&h);
    let mut cmd = h.c.cmd("xivo-manage-db");
    cmd.args(["rollback", "finish"])
        .env("XMDB_SVC_DIR", &h.svc)
        .env("XMDB_SVC_PGHOST", &h.c.dir)
        .env("XMDB_SVC_PGPORT", h.c.port.to_string());
    let r = common::on_terminal(cmd, "n\n");
    r.assert_code(1);
    assert!(
        r.stderr.starts_with("Restore the snapshot taken at ")
            && r.stderr.ends_with(
                " over database 'asterisk'? What was written to it since is lost. [y/N] \
                 xivo-manage-db: error: not confirmed: nothing was done (--yes skips the question)\n"
            ),
        "{}",
        r.stderr
    );
    assert_eq!((h.record(), databases(&h)), (record, state));
}

/// A restore's record (left by a restore that died) blocks the commands
/// that never converge it; `xivo-update-db`, which does, settles it. All
/// three status outputs show it meanwhile.
#[test]
fn a_dead_restores_record_blocks_queue_log_and_replicate_until_xivo_update_db_converges_it() {
    let h = Host::new();
    h.c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let leftover = "xivo_manage_db_restore_20200101T000000Z_new";
    h.c.psql("postgres", &format!("CREATE DATABASE {leftover}"));
    let record = format!(
        "phase restoring\nnew {leftover}\nold xivo_manage_db_restore_20200101T000000Z_old\n"
    );
    let path = h.c.state_dir().join("restore-record");
    std::fs::write(&path, &record).expect("restore record");
    let before = (h.c.fingerprint(DB), databases(&h));
    for args in [
        &["queue-log", "prune", "--before", "2014-01-01"][..],
        &["queue-log", "prepare"][..],
        &["replicate", "127.0.0.1:1"][..],
    ] {
        let r = h.run("xivo-manage-db", args);
        r.assert_code(1);
        let line = one_error(&r);
        assert!(
            line.contains("restore") && line.contains("xivo-update-db"),
            "{args:?}: {line}"
        );
        assert_eq!((h.c.fingerprint(DB), databases(&h)), before, "{args:?}");
    }
    for (args, want) in [
        (&["status"][..], "xivo-update-db"),
        (
            &["status", "--json"][..],
            "\"snapshot_pending\": false, \"snapshot_phase\": null, \"restore_pending\": true",
        ),
        (&["rollback", "status"][..], leftover),
    ] {
        let r = h.run("xivo-manage-db", args);
        r.assert_code(1);
        assert!(r.stdout.contains(want), "{args:?}: {}", r.stdout);
    }
    h.run("xivo-update-db", &[]).assert_code(0);
    assert!(!path.exists());
    assert!(!h.c.exists(leftover));
    h.run(
        "xivo-manage-db",
        &["queue-log", "prune", "--before", "2014-01-01"],
    )
    .assert_code(0);
    h.run("xivo-manage-db", &["rollback", "status"])
        .assert_code(0);
}

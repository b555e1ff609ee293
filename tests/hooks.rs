//! The maintainer scripts as dpkg runs them (same arguments, DPKG_MAINTSCRIPT_*
//! variables, stdout and stderr on pipes) against real clusters, with real
//! services: background processes driven by tests/fixtures/services/
//! service-command, one of them holding a connection to the database.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::host::*;
use common::{add_version, older_set, repo_head, Cluster, MigrationsDir, Run};

#[test]
fn unknown_arguments_are_refused() {
    let cases: [(&str, &[&str]); 9] = [
        ("preinst", &["configure"]),
        ("preinst", &["bogus", "1.0"]),
        ("preinst", &[]),
        ("postinst", &["install"]),
        ("postinst", &["triggered", "x"]),
        ("prerm", &["purge"]),
        ("prerm", &["abort-upgrade", "1.0"]),
        ("postrm", &["configure"]),
        ("postrm", &["PURGE"]),
    ];
    for (hook, args) in cases {
        // No config and no cluster: the argument is refused before either is looked at.
        let out = Command::new(hook_path(hook))
            .args(args)
            .env("XIVO_MANAGE_DB_CONFIG", "/nonexistent/config")
            .env("DPKG_MAINTSCRIPT_NAME", hook)
            .env("DPKG_MAINTSCRIPT_PACKAGE", "xivo-manage-db")
            .stdin(Stdio::null())
            .output()
            .expect("run hook");
        let r = Run::from(out);
        assert_eq!(r.code, 1, "{hook} {args:?}: {r:?}");
        assert_eq!(
            r.stderr,
            format!(
                "{hook} called with unknown argument '{}'\n",
                args.first().unwrap_or(&"")
            ),
            "{hook} {args:?}"
        );
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn fresh_install_provisions_and_leaves_services_alone() {
    let h = Host::new();
    h.start_only(&["pbx-a", "pbx-b"]);
    h.hook("preinst", &["install"], None).assert_code(0);
    let r = h.hook("postinst", &["configure", ""], None);
    r.assert_code(0);
    assert!(r.stderr.contains("provisioning"), "{}", r.stderr);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert_eq!(h.actions(), "", "no service stopped or started");
    assert_eq!(h.running(), vec!["pbx-a", "pbx-b"]);
    assert_no_leftovers(&h);
    // Configuring again changes nothing.
    let before = h.c.fingerprint(DB);
    h.hook("postinst", &["configure", "14.8.0"], None)
        .assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before);
}

#[test]
fn upgrade_at_head_stops_nothing_and_changes_nothing() {
    let h = Host::new();
    h.c.run("xivo-init-db", &["--init"], None).assert_code(0);
    h.start_services();
    let before = (h.c.fingerprint(DB), h.roles());
    h.hook("prerm", &["upgrade", "14.8.0"], None).assert_code(0);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postrm", &["upgrade", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.actions(), "");
    assert_eq!(sorted(h.running()), running_set());
    assert_eq!((h.c.fingerprint(DB), h.roles()), before);
    assert_no_leftovers(&h);
}

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
    std::fs::write(legacy.join("asterisk-last"), "193\n").expect("write");
    std::fs::write(legacy.join("xivo-last"), "123\n").expect("write");
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

/// A set whose next migration sleeps: hooks stay inside the upgrade long
/// enough to be raced or killed.
fn slow_set(seconds: u32) -> MigrationsDir {
    let dir = MigrationsDir::copy_of_repo();
    add_version(
        &dir.path,
        "5104e0000001",
        &repo_head(),
        &format!("SELECT pg_sleep({seconds});\nCREATE TABLE only_once (id int);"),
    );
    dir
}

#[test]
fn two_hooks_at_once_are_serialised() {
    let h = older_host();
    let set = slow_set(1);
    let a = h
        .hook_cmd("postinst", &["configure", "14.7.0"], Some(&set.path))
        .spawn()
        .expect("a");
    let b = h
        .hook_cmd("postinst", &["configure", "14.7.0"], Some(&set.path))
        .spawn()
        .expect("b");
    let (ra, rb) = (finish(a), finish(b));
    ra.assert_code(0);
    rb.assert_code(0);
    assert_eq!(h.c.revisions(DB), "5104e0000001");
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) FROM xivo_manage_db_history WHERE revision = '5104e0000001'"
        ),
        "1"
    );
    // One stop/start cycle: the second hook found the database at head.
    assert_eq!(
        h.actions(),
        "stop pbx-a\nstop dbclient\nstop pbx-b\nstart pbx-a\nstart dbclient\nstart pbx-b\n"
    );
    assert_no_leftovers(&h);
}

#[test]
fn hook_killed_with_sigkill_is_recovered_by_the_next_run() {
    let h = older_host();
    let rows = h.c.table_sums(DB);
    let slow = slow_set(600);
    let mut child = h
        .hook_cmd("postinst", &["configure", "14.7.0"], Some(&slow.path))
        .spawn()
        .expect("spawn");
    h.wait_for_phase("upgrading", &mut child);
    std::thread::sleep(Duration::from_millis(300));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(h.running().is_empty(), "services still stopped");
    assert_eq!(h.snapshots().len(), 1);
    // The next run (its migration is quick now) gets the lock at once, ends
    // the killed run's orphaned backend and finishes the upgrade.
    let fast = MigrationsDir::copy_of_repo();
    add_version(
        &fast.path,
        "5104e0000001",
        &repo_head(),
        "CREATE TABLE only_once (id int);",
    );
    let started = Instant::now();
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&fast.path));
    r.assert_code(0);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "waited for the dead holder"
    );
    assert!(r.stderr.contains("using snapshot"), "{}", r.stderr);
    assert_eq!(h.c.revisions(DB), "5104e0000001");
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
    let after: Vec<String> =
        h.c.table_sums(DB)
            .into_iter()
            .filter(|t| {
                rows.iter()
                    .any(|r| r.split(' ').next() == t.split(' ').next())
            })
            .filter(|t| {
                !t.starts_with("public.alembic_version")
                    && !t.starts_with("public.xivo_manage_db_history")
            })
            .collect();
    let kept: Vec<String> = rows
        .into_iter()
        .filter(|t| {
            !t.starts_with("public.alembic_version")
                && !t.starts_with("public.xivo_manage_db_history")
        })
        .collect();
    assert_eq!(after.len(), kept.len());
}

#[test]
fn sigterm_during_the_upgrade_rolls_back_and_restarts() {
    let h = older_host();
    let before = (h.c.fingerprint(DB), h.roles());
    let slow = slow_set(600);
    h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&slow.path),
    )
    .assert_code(0);
    let mut child = h
        .hook_cmd("postinst", &["configure", "14.7.0"], Some(&slow.path))
        .spawn()
        .expect("spawn");
    h.wait_for_phase("upgrading", &mut child);
    std::thread::sleep(Duration::from_millis(300));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM");
    let started = Instant::now();
    let r = finish(child);
    r.assert_code(1);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(
        r.stderr.contains("SIGTERM") && r.stderr.contains("restored from snapshot"),
        "{}",
        r.stderr
    );
    assert_eq!((h.c.fingerprint(DB), h.roles()), before);
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);
}

#[test]
fn not_enough_disk_for_the_snapshot_is_refused_before_anything_stops() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("skipped: mounting a small file system needs root");
        return;
    }
    // About 45 MiB for the cluster, about 8 of them the database: room to
    // run, not for a copy and its margin.
    let fs = Tmpfs::mount(90).expect("mount tmpfs");
    let h = Host::on(Cluster::start_in(&fs.0));
    let (older, _) = older_set();
    h.c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    h.start_services();
    let before = h.c.fingerprint(DB);
    for (hook, args) in [
        ("preinst", &["upgrade", "14.7.0", "14.8.0"][..]),
        ("postinst", &["configure", "14.7.0"][..]),
    ] {
        let r = h.hook(hook, args, None);
        assert_eq!(r.code, 1, "{hook}: {r:?}");
        let last = r.stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains("not enough free space")
                && last.contains("MiB free")
                && last.contains("needs")
                && last.contains("nothing was stopped"),
            "{hook}: {}",
            r.stderr
        );
        assert_eq!(h.actions(), "", "{hook}: nothing stopped");
        assert_eq!(sorted(h.running()), running_set());
        assert_no_leftovers(&h);
    }
    assert_eq!(h.c.fingerprint(DB), before);
    drop(h);
}

#[test]
fn cluster_down_is_skipped_cleanly() {
    let h = Host::new();
    let (older, _) = older_set();
    h.c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    h.start_only(&["pbx-a", "pbx-b"]);
    h.c.stop();
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(0);
    assert!(r.stderr.contains("not running"), "{}", r.stderr);
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(
        r.stderr.contains("database step skipped") && r.stderr.contains("xivo-update-db"),
        "{}",
        r.stderr
    );
    assert_eq!(h.actions(), "");
    assert_eq!(h.running(), vec!["pbx-a", "pbx-b"]);
    assert!(h.record().is_none());
}

#[test]
fn downgrade_is_refused_before_anything_stops() {
    let h = Host::new();
    let newer = MigrationsDir::copy_of_repo();
    add_version(
        &newer.path,
        "ffee00000001",
        &repo_head(),
        "CREATE TABLE from_the_future (id int);",
    );
    h.c.run("xivo-init-db", &["--init"], Some(&newer.path))
        .assert_code(0);
    h.start_services();
    let before = h.c.fingerprint(DB);
    for (hook, args) in [
        ("preinst", &["upgrade", "14.9.0", "14.8.0"][..]),
        ("postinst", &["configure", "14.9.0"][..]),
    ] {
        let r = h.hook(hook, args, None);
        // Nothing attempted, as for the commands (README).
        assert_eq!(r.code, 2, "{hook}: {r:?}");
        let last = r.stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains("ffee00000001")
                && last.contains(&repo_head())
                && last.contains("downgrading is not supported"),
            "{hook}: {}",
            r.stderr
        );
        assert_eq!(h.actions(), "", "{hook}: nothing stopped");
    }
    assert_eq!(h.c.fingerprint(DB), before);
    assert_no_leftovers(&h);
}

#[test]
fn a_service_that_does_not_stop_is_named_and_the_others_run_again() {
    let h = older_host();
    std::fs::write(h.svc.join("pbx-b.fail-stop"), "").expect("touch");
    let before = h.c.fingerprint(DB);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("service pbx-b did not stop")
            && last.contains("pbx-a, dbclient started again"),
        "{}",
        r.stderr
    );
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);
    assert_eq!(h.c.fingerprint(DB), before);
    // dpkg's unwinding after a failed preinst: both succeed, nothing to undo.
    h.hook("postrm", &["abort-upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["abort-upgrade", "14.8.0"], None)
        .assert_code(0);
    assert_eq!(sorted(h.running()), running_set());
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
fn every_policy_argument_works_twice_and_none_drops_the_database() {
    let h = Host::new();
    h.c.run("xivo-init-db", &["--init"], None).assert_code(0);
    h.start_services();
    let before = h.c.fingerprint(DB);
    let calls: [(&str, &[&str]); 20] = [
        ("preinst", &["install"]),
        ("preinst", &["install", "14.7.0", "14.8.0"]),
        ("preinst", &["upgrade", "14.7.0", "14.8.0"]),
        ("preinst", &["abort-upgrade", "14.8.0"]),
        ("postinst", &["configure", "14.7.0"]),
        ("postinst", &["abort-upgrade", "14.8.0"]),
        ("postinst", &["abort-remove"]),
        ("postinst", &["abort-remove", "in-favour", "other", "1.0"]),
        (
            "postinst",
            &[
                "abort-deconfigure",
                "in-favour",
                "other",
                "1.0",
                "removing",
                "x",
                "2",
            ],
        ),
        ("prerm", &["remove"]),
        ("prerm", &["upgrade", "14.8.0"]),
        ("prerm", &["deconfigure", "in-favour", "other", "1.0"]),
        ("prerm", &["failed-upgrade", "14.7.0", "14.8.0"]),
        ("postrm", &["remove"]),
        ("postrm", &["upgrade", "14.8.0"]),
        ("postrm", &["disappear", "other", "1.0"]),
        ("postrm", &["failed-upgrade", "14.7.0", "14.8.0"]),
        ("postrm", &["abort-install"]),
        ("postrm", &["abort-install", "14.7.0", "14.8.0"]),
        ("postrm", &["abort-upgrade", "14.7.0", "14.8.0"]),
    ];
    for (hook, args) in calls {
        for round in 0..2 {
            let r = h.hook(hook, args, None);
            assert_eq!(r.code, 0, "{hook} {args:?} (round {round}): {r:?}");
        }
    }
    assert_eq!(h.actions(), "");
    assert_eq!(sorted(h.running()), running_set());
    assert_eq!(h.c.fingerprint(DB), before);
    // Purge removes our state files and nothing else.
    let legacy = h.c.state_dir().join("update-db");
    std::fs::create_dir_all(&legacy).expect("mkdir");
    std::fs::write(legacy.join("asterisk-last"), "193\n").expect("write");
    for _ in 0..2 {
        h.hook("postrm", &["purge"], None).assert_code(0);
        assert!(!h.c.state_dir().exists(), "state dir removed");
    }
    assert_eq!(h.c.fingerprint(DB), before);
    assert!(h.c.role_exists("asterisk"));
    assert_eq!(sorted(h.running()), running_set());
}

/// Rows of every table of both 14.07 databases, to check none is lost.
fn all_rows(c: &Cluster) -> usize {
    [DB, "xivo"]
        .iter()
        .map(|db| c.rows(db).values().map(|(_, r)| r.len()).sum::<usize>())
        .sum()
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
    let rows = all_rows(&h.c);
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
    let after: usize = h.c.rows(DB).values().map(|(_, r)| r.len()).sum();
    assert!(after >= rows, "rows: {rows} before, {after} after");
}

#[test]
fn a_14_07_upgrade_failing_after_the_merge_committed_is_rolled_back() {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407 {
        fill: true,
        queue_log_rows: 2000,
        ..Default::default()
    });
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

/// Another process holding the host lock, naming itself in the file as
/// our lock does; in a process group of its own, ended by `release`.
fn hold_lock(h: &Host) -> Child {
    use std::os::unix::process::CommandExt;
    let lock = h.c.state_dir().join("lock");
    // -o: flock itself holds the lock, not the sleep it runs.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("echo \"pid $$ (test holder)\" > \"$1\"; exec flock -o \"$1\" sleep 120")
        .arg("sh")
        .arg(&lock)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("holder");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let free = Command::new("flock")
            .arg("-n")
            .arg(&lock)
            .arg("true")
            .status()
            .expect("flock -n")
            .success();
        if !free {
            return child;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    release(&mut child);
    panic!("the holder never took the lock");
}

fn release(holder: &mut Child) {
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(holder.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    );
    let _ = holder.wait();
}

#[test]
fn a_busy_lock_names_its_holder_and_times_out_before_anything_stops() {
    let h = older_host();
    h.c.write_config(&format!(
        "SERVICES='{SERVICES}'\nSERVICE_COMMAND={}\nLOCK_TIMEOUT=2",
        service_command().display()
    ));
    let mut holder = hold_lock(&h);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    assert_eq!(r.code, 1, "{r:?}");
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("test holder") && last.contains("LOCK_TIMEOUT"),
        "{}",
        r.stderr
    );
    assert_eq!(h.actions(), "");
    assert_no_leftovers(&h);
    release(&mut holder);
    // The holder gone (killed: the kernel drops its lock), the hook runs.
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
}

#[test]
fn sigterm_while_waiting_for_the_lock_ends_the_hook_at_once() {
    let h = older_host();
    let mut holder = hold_lock(&h);
    let child = h
        .hook_cmd("postinst", &["configure", "14.7.0"], None)
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(1500));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM");
    let started = Instant::now();
    let r = finish(child);
    assert!(started.elapsed() < Duration::from_secs(10), "{r:?}");
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("waiting for lock") && r.stderr.contains("interrupted by SIGTERM"),
        "{}",
        r.stderr
    );
    assert_eq!(h.actions(), "");
    assert_eq!(sorted(h.running()), running_set());
    release(&mut holder);
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

#[test]
fn an_upgrade_killed_midway_is_undone_when_the_package_is_removed() {
    let h = older_host();
    let before = (h.c.fingerprint(DB), h.roles(), h.state_files());
    let slow = slow_set(600);
    let mut child = h
        .hook_cmd("postinst", &["configure", "14.7.0"], Some(&slow.path))
        .spawn()
        .expect("spawn");
    h.wait_for_phase("upgrading", &mut child);
    std::thread::sleep(Duration::from_millis(300));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    // The administrator gives up on the half-configured package.
    let r = h.hook("prerm", &["remove"], Some(&slow.path));
    r.assert_code(0);
    assert!(r.stderr.contains("rolling back"), "{}", r.stderr);
    assert_eq!((h.c.fingerprint(DB), h.roles(), h.state_files()), before);
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);
    h.hook("postrm", &["remove"], None).assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before.0);
}

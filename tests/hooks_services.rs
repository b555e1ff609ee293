//! Which services the maintainer scripts stop and start: none when there is
//! nothing to upgrade (fresh install, database at head, cluster down) or when
//! the upgrade is refused (a downgrade, not enough disk for the snapshot),
//! and when one service does not stop, that one named and the others running
//! again. The services are the background processes of
//! tests/fixtures/services/service-command, one of them holding a session on
//! the database (tests/common/host.rs); the real invoke-rc.d is
//! tests/services_invoke_rc_d.rs.

mod common;

use common::host::*;
use common::{add_version, older_set, repo_head, Cluster, MigrationsDir};

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
fn not_enough_disk_for_the_snapshot_is_refused_before_anything_stops() {
    if common::skip_unless_root("mounting a small file system") {
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

//! The free-space check before an upgrade, on a small file system holding
//! the cluster (a tmpfs the test mounts and sizes): refused before anything
//! stops when the snapshot and the upgrade would not fit; enough when it
//! says so.

mod common;

use common::host::*;
use common::{repo_head, Cluster, Host1407};

fn database_bytes(h: &Host) -> u64 {
    h.c.psql(
        "postgres",
        "SELECT sum(pg_database_size(datname)) FROM pg_database WHERE datname IN ('asterisk', 'xivo')",
    )
    .parse()
    .expect("size")
}

/// The old check asked for the copies plus 10% and 64 MiB, while the
/// queue_log rewrite writes a new heap, its index and their WAL beside them.
#[test]
fn a_14_07_upgrade_that_would_not_fit_is_refused_before_anything_stops() {
    let fs = Tmpfs::mount(4096).expect("mount tmpfs (needs root)");
    let h = Host::on(Cluster::start_in(&fs.0));
    h.c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 600_000,
        ..Default::default()
    });
    h.c.psql("asterisk", "ANALYZE queue_log");
    h.c.psql("postgres", "CHECKPOINT");
    h.start_services();
    let db = database_bytes(&h);
    let before = (h.c.fingerprint("asterisk"), h.c.fingerprint("xivo"));
    fs.resize(fs.used() + db * 115 / 100 + 64 * 1024 * 1024);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default().to_string();
    assert!(
        last.contains("not enough free space")
            && last.contains("WAL")
            && last.contains("nothing was stopped"),
        "{}",
        r.stderr
    );
    assert_eq!(h.actions(), "", "nothing stopped");
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);
    assert_eq!(
        (h.c.fingerprint("asterisk"), h.c.fingerprint("xivo")),
        before
    );
    // Given what it asked for, the upgrade goes through.
    let needed: f64 = last
        .split(" needs ")
        .nth(1)
        .and_then(|t| t.split(" MiB").next())
        .and_then(|n| n.parse().ok())
        .expect("the needed MiB in the message");
    fs.resize(fs.used() + (needed * 1024.0 * 1024.0) as u64 + 1024 * 1024);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_eq!(h.c.revisions("asterisk"), repo_head());
    assert_no_leftovers(&h);
    drop(h);
}

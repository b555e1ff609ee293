//! What dpkg may ask of each maintainer script (Debian Policy ch. 6), and
//! the defects found there, each test named after the one it pins: calls
//! with nothing to do must never depend on the configuration or the server,
//! purge must find what the package created wherever it is, unwinding must
//! restart what was stopped, and a 14.07 host's state files are found in the
//! directories older releases used.

mod common;

use std::path::PathBuf;

use common::host::*;
use common::{repo_head, Host1407};

/// `$DPKG_ROOT` of the host's hooks (see `Host::hook_cmd`).
fn dpkg_root(h: &Host) -> PathBuf {
    h.c.dir.join("root")
}

#[test]
fn preinst_finds_the_14_07_state_files_in_the_older_directories() {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        fill: true,
        ..Default::default()
    });
    // A host that comes from before 14.07: each file where an older
    // release left it.
    let new = h.c.state_dir().join("update-db");
    let old1 = dpkg_root(&h).join("var/lib/xivo-update-db");
    let old2 = dpkg_root(&h).join("var/lib/xivo-upgrade/update-db");
    for (dir, file) in [(&old1, "asterisk-last"), (&old2, "xivo-last")] {
        std::fs::create_dir_all(dir).expect("mkdir");
        std::fs::rename(new.join(file), dir.join(file)).expect("move");
    }
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert!(!h.c.exists("xivo"));
    assert!(!old1.exists() && !old2.exists(), "old directories left");
    assert_no_leftovers(&h);
}

#[test]
fn xivo_check_db_reads_the_14_07_state_files_in_the_older_directories() {
    let h = Host::new();
    h.c.make_1407_host(Host1407::default());
    let new = h.c.state_dir().join("update-db");
    let old = dpkg_root(&h).join("var/lib/xivo-update-db");
    std::fs::create_dir_all(&old).expect("mkdir");
    for file in ["asterisk-last", "xivo-last"] {
        std::fs::rename(new.join(file), old.join(file)).expect("move");
    }
    let mut c = h.c.cmd("xivo-check-db");
    c.env("DPKG_ROOT", dpkg_root(&h));
    let r = common::Run::from(c.output().expect("run"));
    r.assert_code(1);
    assert!(
        r.stdout.contains("Checking asterisk database...") && r.stdout.contains("NOK (last is"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
}

/// The calls dpkg makes that have nothing to do, or nothing to undo when
/// nothing is recorded.
const IDLE_CALLS: [(&str, &[&str]); 14] = [
    ("preinst", &["install"]),
    ("preinst", &["abort-upgrade", "14.8.0"]),
    ("postinst", &["abort-upgrade", "14.8.0"]),
    ("postinst", &["abort-remove"]),
    ("postinst", &["abort-deconfigure", "in-favour", "x", "1"]),
    ("prerm", &["remove"]),
    ("prerm", &["upgrade", "14.9.0"]),
    ("prerm", &["deconfigure", "in-favour", "x", "1"]),
    ("prerm", &["failed-upgrade", "14.7.0"]),
    ("postrm", &["remove"]),
    ("postrm", &["upgrade", "14.9.0"]),
    ("postrm", &["disappear", "x", "1"]),
    ("postrm", &["failed-upgrade", "14.7.0"]),
    ("postrm", &["abort-install"]),
];

#[test]
fn verbs_with_nothing_to_do_never_read_the_config() {
    let h = Host::new();
    // Installed once: the hooks know this host's state directory.
    h.hook("postinst", &["configure", ""], None).assert_code(0);
    let config = std::fs::read_to_string(h.c.config_path()).expect("config");
    std::fs::write(h.c.config_path(), format!("{config}NO_SUCH_KEY=1\n")).expect("config");
    let mut failed = Vec::new();
    for (hook, args) in IDLE_CALLS
        .iter()
        .chain([("postrm", &["abort-upgrade", "14.7.0"][..])].iter())
    {
        let r = h.hook(hook, args, None);
        if r.code != 0 {
            failed.push(format!(
                "{hook} {}: {}: {}",
                args.join(" "),
                r.code,
                r.stderr.lines().last().unwrap_or_default()
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
    // With something to undo, the broken configuration is reported.
    std::fs::write(h.c.state_dir().join("stopped-services"), "pbx-a\n").expect("write");
    let r = h.hook("postrm", &["abort-upgrade", "14.7.0"], None);
    r.assert_code(2);
    assert!(r.stderr.contains("NO_SUCH_KEY"), "{}", r.stderr);
}

#[test]
fn unwind_calls_with_nothing_recorded_never_connect() {
    let h = Host::new();
    // A server that refuses the admin login.
    h.c.write_config(&format!(
        "SERVICES='{SERVICES}'\nSERVICE_COMMAND={}",
        service_command().display()
    ));
    let config = std::fs::read_to_string(h.c.config_path()).expect("config");
    let config = config.replace(
        &format!("user={}", common::owner().name),
        "user=nobody_here password=wrong",
    );
    std::fs::write(h.c.config_path(), config).expect("config");
    let mut failed = Vec::new();
    for (hook, args) in IDLE_CALLS
        .iter()
        .chain([("postrm", &["abort-upgrade", "14.7.0"][..])].iter())
    {
        let r = h.hook(hook, args, None);
        if r.code != 0 {
            failed.push(format!(
                "{hook} {}: {}: {}",
                args.join(" "),
                r.code,
                r.stderr.lines().last().unwrap_or_default()
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn abort_remove_starts_what_prerm_remove_left_stopped() {
    let h = Host::new();
    h.c.run("xivo-init-db", &["--init"], None).assert_code(0);
    h.start_services();
    // prerm remove stopped these, recorded them, then failed.
    for s in ["pbx-a", "dbclient"] {
        assert_eq!(h.service(s, "stop"), 0);
    }
    std::fs::write(
        h.c.state_dir().join("stopped-services"),
        "pbx-a\ndbclient\n",
    )
    .expect("write");
    let r = h.hook("postinst", &["abort-remove"], None);
    r.assert_code(0);
    assert_eq!(sorted(h.running()), running_set(), "{}", r.stderr);
    assert!(!h.c.state_dir().join("stopped-services").exists());
}

#[test]
fn purge_finds_a_custom_state_dir_after_dpkg_removed_the_conffile() {
    let h = Host::new();
    h.hook("preinst", &["install"], None).assert_code(0);
    h.hook("postinst", &["configure", ""], None).assert_code(0);
    let state = h.c.state_dir();
    assert!(state.join("lock").exists());
    // What the package created there, and a file of the administrator's.
    std::fs::create_dir_all(state.join("rollback")).expect("mkdir");
    std::fs::write(state.join("rollback/record"), "phase\tdone\n").expect("write");
    std::fs::write(state.join("notes.txt"), "mine\n").expect("write");
    // dpkg removes the conffiles before it calls postrm purge.
    std::fs::remove_file(h.c.config_path()).expect("rm config");
    let r = h.hook("postrm", &["purge"], None);
    r.assert_code(0);
    assert!(!state.join("lock").exists(), "{}", r.stderr);
    assert!(!state.join("rollback").exists(), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(state.join("notes.txt")).expect("kept"),
        "mine\n",
        "{}",
        r.stderr
    );
    assert!(h.c.exists(DB), "purge never drops the database");
    // Twice: nothing left to do, still fine.
    h.hook("postrm", &["purge"], None).assert_code(0);
}

#[test]
fn purge_removes_only_what_the_package_created() {
    let h = Host::new();
    h.hook("postinst", &["configure", ""], None).assert_code(0);
    let state = h.c.state_dir();
    std::fs::write(state.join("notes.txt"), "mine\n").expect("write");
    std::fs::create_dir_all(state.join("backups")).expect("mkdir");
    std::fs::write(state.join("backups/a.dump"), "x").expect("write");
    h.hook("postrm", &["purge"], None).assert_code(0);
    assert!(!state.join("lock").exists());
    assert!(state.join("notes.txt").exists() && state.join("backups/a.dump").exists());
}

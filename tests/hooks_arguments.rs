//! The maintainer scripts' arguments: every call Debian Policy (ch. 6) lets
//! dpkg make succeeds, twice in a row, without touching a service or the
//! database (purge removes only our state files), and anything else is
//! refused with one line before the config or the cluster is looked at.
//! The hooks run as dpkg runs them, on the miniature host of
//! tests/common/host.rs.

mod common;

use std::process::{Command, Stdio};

use common::host::*;
use common::Run;

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
    std::fs::write(legacy.join("asterisk-last"), "161.sql\n").expect("write");
    for _ in 0..2 {
        h.hook("postrm", &["purge"], None).assert_code(0);
        assert!(!h.c.state_dir().exists(), "state dir removed");
    }
    assert_eq!(h.c.fingerprint(DB), before);
    assert!(h.c.role_exists("asterisk"));
    assert_eq!(sorted(h.running()), running_set());
}

/// `hook args` twice: exit 0 both times, and the second run stops, starts
/// and changes nothing (same database, roles, state files and snapshots).
fn twice(h: &Host, hook: &str, args: &[&str]) {
    let r = h.hook(hook, args, None);
    assert_eq!(r.code, 0, "{hook} {args:?} (first run): {r:?}");
    let after_first = (
        h.c.exists(DB).then(|| h.c.fingerprint(DB)),
        h.roles(),
        h.state_files(),
        h.snapshots(),
        sorted(h.running()),
    );
    let actions = h.actions();
    let r = h.hook(hook, args, None);
    assert_eq!(r.code, 0, "{hook} {args:?} (second run): {r:?}");
    assert_eq!(
        h.actions(),
        actions,
        "{hook} {args:?}: the second run stopped or started services"
    );
    assert_eq!(
        (
            h.c.exists(DB).then(|| h.c.fingerprint(DB)),
            h.roles(),
            h.state_files(),
            h.snapshots(),
            sorted(h.running()),
        ),
        after_first,
        "{hook} {args:?}: the second run changed the host"
    );
}

#[test]
fn every_state_changing_call_works_twice_and_converges() {
    // Upgrade prepared, then unwound by dpkg (settle rolls back).
    let h = older_host();
    let before = (h.c.fingerprint(DB), h.roles());
    twice(&h, "preinst", &["upgrade", "14.7.0", "14.8.0"]);
    assert_eq!(h.actions(), "stop pbx-a\nstop dbclient\nstop pbx-b\n");
    assert_eq!(h.snapshots().len(), 1, "{:?}", h.snapshots());
    twice(&h, "postrm", &["abort-upgrade", "14.7.0", "14.8.0"]);
    twice(&h, "postinst", &["abort-upgrade", "14.8.0"]);
    twice(&h, "preinst", &["abort-upgrade", "14.8.0"]);
    assert_eq!((h.c.fingerprint(DB), h.roles()), before);
    assert_eq!(
        h.actions(),
        "stop pbx-a\nstop dbclient\nstop pbx-b\nstart pbx-a\nstart dbclient\nstart pbx-b\n"
    );
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);

    // Upgrade prepared, then the package removed instead (prerm remove settles).
    h.wait_for_sessions(1);
    twice(&h, "preinst", &["upgrade", "14.7.0", "14.8.0"]);
    twice(&h, "prerm", &["remove"]);
    assert_eq!((h.c.fingerprint(DB), h.roles()), before);
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);

    // The upgrade itself: the second configure finds the database at head.
    h.wait_for_sessions(1);
    twice(&h, "preinst", &["upgrade", "14.7.0", "14.8.0"]);
    twice(&h, "postinst", &["configure", "14.7.0"]);
    assert_eq!(h.c.revisions(DB), common::repo_head());
    assert_ne!(h.c.fingerprint(DB), before.0, "upgraded");
    assert_eq!(sorted(h.running()), running_set());
    assert_no_leftovers(&h);

    // A fresh install: the second configure finds the database provisioned.
    let fresh = Host::new();
    fresh.start_only(&["pbx-a"]);
    twice(&fresh, "preinst", &["install"]);
    twice(&fresh, "postinst", &["configure", ""]);
    assert_eq!(fresh.c.revisions(DB), common::repo_head());
    assert_eq!(fresh.actions(), "", "a fresh install stops nothing");
    assert_no_leftovers(&fresh);
}

//! Maintainer scripts that overlap or die: two at once are serialised by the
//! host lock, a busy lock names its holder and times out before anything
//! stops, SIGTERM (during the upgrade or while waiting for the lock) ends the
//! hook cleanly, and a run killed with SIGKILL is recovered by the next
//! configure, or undone by prerm remove. A migration that sleeps keeps the
//! hook inside the upgrade long enough to be raced or killed. On the
//! miniature host of tests/common/host.rs.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::host::*;
use common::{add_version, repo_head, MigrationsDir};

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
    let rows = h.c.rows(DB);
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
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&fast.path));
    r.assert_code(0);
    // The dead run's locks went with it: no wait for either lock.
    assert!(
        !r.stderr.contains("waiting for"),
        "waited for the dead holder: {}",
        r.stderr
    );
    assert!(r.stderr.contains("using snapshot"), "{}", r.stderr);
    assert_eq!(h.c.revisions(DB), "5104e0000001");
    assert_no_leftovers(&h);
    assert_eq!(sorted(h.running()), running_set());
    // Every row of every table, over every column it had, is still there.
    common::assert_no_row_lost(&h.c, DB, &rows, &common::BOOKKEEPING);
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
    let r = finish(child);
    r.assert_code(1);
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
    let r = finish(child);
    assert_eq!(r.code, 1, "{r:?}");
    // Ended by the signal, not by LOCK_TIMEOUT running out.
    assert!(!r.stderr.contains("is still held by"), "{}", r.stderr);
    assert!(
        r.stderr.contains("waiting for lock") && r.stderr.contains("interrupted by SIGTERM"),
        "{}",
        r.stderr
    );
    assert_eq!(h.actions(), "");
    assert_eq!(sorted(h.running()), running_set());
    release(&mut holder);
}

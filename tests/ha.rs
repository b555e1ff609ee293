//! `xivo-manage-db ha ...` between two real clusters: the master (unix
//! socket, `wal_level = logical`) and a slave listening on 127.0.0.1 with
//! XiVO's HA pg_hba.conf line. The slave's subscription reaches the master
//! through the master's ADMIN_URI (its socket directory). Each test is
//! named after what it pins; waits poll, never sleep a fixed time.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::ha::*;
use common::*;

#[test]
fn enable_refuses_without_logical_wal_level_and_changes_nothing() {
    let m = Cluster::start();
    m.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = m.run(
        "xivo-manage-db",
        &[
            "ha",
            "enable",
            "--master",
            &master_conninfo(&m),
            "127.0.0.1:1",
        ],
        None,
    );
    r.assert_code(2);
    let conf = m.data().join("postgresql.conf");
    assert!(r.stderr.contains("wal_level is 'replica'"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&conf.display().to_string()),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("ALTER SYSTEM SET wal_level = logical"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("restart PostgreSQL"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(objects(&m), "0 0 0");
    assert_eq!(
        m.psql("postgres", "SHOW wal_level"),
        "replica",
        "never restarted"
    );
    // Not enabled: status has nothing to look at.
    let s = status(&m);
    s.assert_code(2);
    assert!(s.stderr.contains("not enabled"), "{}", s.stderr);
}

#[test]
fn enable_copies_once_then_replicates_converges_and_disable_removes_everything() {
    let (m, s) = (master(), slave());
    m.psql(
        "asterisk",
        "INSERT INTO ha_probe (tag) SELECT 'before ' || i FROM generate_series(1, 5) i",
    );
    s.psql(
        "asterisk",
        "INSERT INTO ha_probe (tag) VALUES ('slave own, replaced')",
    );
    // The slave's own rows in an excluded table, which nothing may touch.
    s.psql(
        "asterisk",
        "INSERT INTO mail (mydomain, origin, canonical) VALUES ('slave.example', 'slave', '')",
    );
    m.psql(
        "asterisk",
        "INSERT INTO mail (mydomain, origin, canonical) VALUES ('master.example', 'master', '')",
    );
    let slave_excluded = excluded_rows(&s);
    // Without --master, ADMIN_URI's socket would be the slave's own.
    let r = m.run("xivo-manage-db", &["ha", "enable", &slave_arg(&s)], None);
    r.assert_code(2);
    assert!(r.stderr.contains("give --master"), "{}", r.stderr);
    assert_eq!(objects(&m), "0 0 0");
    assert_eq!(objects(&s), "0 0 0");
    let r = enable(&m, &s);
    r.assert_code(0);
    assert!(
        r.stdout.contains("continuous replication enabled"),
        "{}",
        r.stdout
    );
    assert_eq!(probe_rows(&s), probe_rows(&m));
    assert_eq!(objects(&m), "1 1 0");
    assert_eq!(objects(&s), "0 0 1");
    // The publication lists every table but the excluded ones.
    let published = m.psql(
        "asterisk",
        &format!(
            "SELECT string_agg(tablename, ' ') FROM pg_publication_tables WHERE pubname = '{NAME}'"
        ),
    );
    for e in exclusions()
        .into_iter()
        .chain(["alembic_version".into(), "xivo_manage_db_history".into()])
    {
        assert!(
            !published.split(' ').any(|t| t == e),
            "{e} published: {published}"
        );
    }
    assert!(published.split(' ').any(|t| t == "ha_probe"), "{published}");

    // Continuously: an insert, an update and a delete on the master.
    m.psql("asterisk", "INSERT INTO ha_probe (tag) VALUES ('after'); UPDATE ha_probe SET tag = 'changed' WHERE id = 1; DELETE FROM ha_probe WHERE id = 2");
    until("the slave has the master's changes", || {
        probe_rows(&s) == probe_rows(&m)
    });

    // Twice converges, without a second copy.
    let r = enable(&m, &s);
    r.assert_code(0);
    assert!(r.stdout.contains("nothing to do"), "{}", r.stdout);
    assert_eq!(objects(&m), "1 1 0");
    assert_eq!(objects(&s), "0 0 1");

    // Healthy, as one JSON object, from either host.
    until_status(&m, 0);
    let j = status(&m);
    assert_eq!(j.stdout.lines().count(), 1, "{}", j.stdout);
    for field in [
        "\"host\": \"master\"",
        "\"healthy\": true",
        "\"slot_active\": true",
        "\"slot_wal_status\": \"reserved\"",
        "\"subscription_enabled\": true",
        "\"tables_not_ready\": []",
        "\"apply_error_count\": 0",
    ] {
        assert!(j.stdout.contains(field), "{field} in {}", j.stdout);
    }
    assert!(status(&s).stdout.contains("\"host\": \"slave\""));

    // Sequences: the slave's behind after the master's inserts, brought up,
    // never backwards.
    assert!(
        j.stdout.contains("\"sequences_current\": false") && j.stdout.contains("ha_probe_id_seq"),
        "{}",
        j.stdout
    );
    let r = m.run("xivo-manage-db", &["ha", "sync-sequences"], None);
    r.assert_code(0);
    let seq = "SELECT last_value FROM ha_probe_id_seq";
    assert_eq!(s.psql("asterisk", seq), m.psql("asterisk", seq));
    assert!(status(&m).stdout.contains("\"sequences_current\": true"));
    s.psql("asterisk", "SELECT setval('ha_probe_id_seq', 1000)");
    s.run("xivo-manage-db", &["ha", "sync-sequences"], None)
        .assert_code(0);
    assert_eq!(s.psql("asterisk", seq), "1000", "never moved backwards");

    // A conflicting row written on the slave: the apply fails, status says 1.
    s.psql(
        "asterisk",
        "INSERT INTO ha_probe VALUES (500, 'slave conflict')",
    );
    m.psql("asterisk", "INSERT INTO ha_probe VALUES (500, 'master')");
    until_status(&m, 1);
    let j = status(&s);
    assert!(j.stdout.contains("apply errors"), "{}", j.stdout);
    assert!(
        !j.stdout.contains("\"apply_error_count\": 0"),
        "{}",
        j.stdout
    );
    // Removed: the apply resumes by itself.
    s.psql("asterisk", "DELETE FROM ha_probe WHERE id = 500");
    until("the apply resumes", || probe_rows(&s) == probe_rows(&m));
    until_status(&m, 0);

    // The slave down for a while, then back: it catches up.
    s.stop();
    m.psql(
        "asterisk",
        "INSERT INTO ha_probe (tag) SELECT 'while down ' || i FROM generate_series(1, 50) i",
    );
    let down = status(&m);
    down.assert_code(1);
    assert!(
        down.stdout.contains("the slave cannot be reached"),
        "{}",
        down.stdout
    );
    s.pg_ctl_start();
    until("the slave catches up", || probe_rows(&s) == probe_rows(&m));

    assert_eq!(
        excluded_rows(&s),
        slave_excluded,
        "the slave's excluded tables untouched"
    );

    // Disable: everything gone on both hosts; again: nothing to do.
    let r = m.run("xivo-manage-db", &["ha", "disable"], None);
    r.assert_code(0);
    assert_eq!(objects(&m), "0 0 0");
    assert_eq!(objects(&s), "0 0 0");
    let r = m.run("xivo-manage-db", &["ha", "disable"], None);
    r.assert_code(0);
    assert!(r.stdout.contains("nothing to do"), "{}", r.stdout);
    // The slave's rows stay (it is not emptied).
    assert_eq!(probe_rows(&s), probe_rows(&m));
}

#[test]
fn promote_works_without_the_master_and_disable_says_what_is_left() {
    let (m, s) = (master(), slave());
    m.psql(
        "asterisk",
        "INSERT INTO ha_probe (tag) SELECT 'row ' || i FROM generate_series(1, 20) i",
    );
    enable(&m, &s).assert_code(0);
    m.psql(
        "asterisk",
        "INSERT INTO ha_probe (tag) SELECT 'late ' || i FROM generate_series(1, 20) i",
    );
    until("the slave has every row", || {
        probe_rows(&s) == probe_rows(&m)
    });
    m.stop();
    let st = status(&s);
    st.assert_code(1);
    assert!(
        st.stdout.contains("the master cannot be reached"),
        "{}",
        st.stdout
    );
    let started = Instant::now();
    let r = s.run("xivo-manage-db", &["ha", "promote"], None);
    r.assert_code(0);
    assert!(r.stdout.contains("promoted"), "{}", r.stdout);
    // The first write after promotion takes the next id past the rows.
    let id = s.psql(
        "asterisk",
        "INSERT INTO ha_probe (tag) VALUES ('first write') RETURNING id",
    );
    eprintln!("failover: promote to first write {:?}", started.elapsed());
    assert_eq!(id, "41");
    assert_eq!(objects(&s), "0 0 0");
    // Promote again: converged.
    s.run("xivo-manage-db", &["ha", "promote"], None)
        .assert_code(0);
    // The old master is gone: disable there is for later; its slot remains.
    m.pg_ctl_start();
    assert_eq!(objects(&m), "1 1 0");
    let r = m.run("xivo-manage-db", &["ha", "disable"], None);
    // The slave has no subscription any more: both removed here.
    r.assert_code(0);
    assert_eq!(objects(&m), "0 0 0");
}

#[test]
fn disable_on_the_slave_with_the_master_gone_says_what_is_left() {
    let (m, s) = (master(), slave());
    enable(&m, &s).assert_code(0);
    m.stop();
    let r = s.run("xivo-manage-db", &["ha", "disable"], None);
    r.assert_code(1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("the master could not be reached"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("pg_drop_replication_slot('xivo_manage_db_ha')"),
        "{}",
        r.stderr
    );
    assert_eq!(objects(&s), "0 0 0");
    m.pg_ctl_start();
    assert_eq!(objects(&m), "1 1 0");
    // Run on the master, it removes what is left there.
    let r = m.run("xivo-manage-db", &["ha", "disable"], None);
    r.assert_code(0);
    assert_eq!(objects(&m), "0 0 0");
}

#[test]
fn sigkill_during_enable_or_disable_then_rerun_converges() {
    let (m, s) = (master(), slave());
    m.psql(
        "asterisk",
        "INSERT INTO ha_probe (tag) SELECT 'row ' || i FROM generate_series(1, 1000) i",
    );
    // Killed at each point it can be seen at: publication made, slot made,
    // subscription made.
    let points = [
        format!("SELECT count(*) FROM pg_publication WHERE pubname = '{NAME}'"),
        format!("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{NAME}'"),
    ];
    for point in &points {
        let mut child = m.cmd("xivo-manage-db");
        child
            .args([
                "ha",
                "enable",
                "--master",
                &master_conninfo(&m),
                &slave_arg(&s),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = child.spawn().expect("spawn");
        let start = Instant::now();
        while m.psql("asterisk", point) != "1" && child.try_wait().expect("wait").is_none() {
            assert!(start.elapsed() < Duration::from_secs(60));
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill();
        let _ = child.wait();
        let r = enable(&m, &s);
        r.assert_code(0);
        assert_eq!(objects(&m), "1 1 0");
        assert_eq!(objects(&s), "0 0 1");
        m.psql(
            "asterisk",
            "INSERT INTO ha_probe (tag) VALUES ('after a kill')",
        );
        until("replicating after the kill", || {
            probe_rows(&s) == probe_rows(&m)
        });
        // Killed during disable: the rerun converges.
        let mut child = m.cmd("xivo-manage-db");
        child
            .args(["ha", "disable"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = child.spawn().expect("spawn");
        let start = Instant::now();
        while objects(&s) != "0 0 0" && child.try_wait().expect("wait").is_none() {
            assert!(start.elapsed() < Duration::from_secs(60));
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();
        m.run("xivo-manage-db", &["ha", "disable"], None)
            .assert_code(0);
        assert_eq!(objects(&m), "0 0 0");
        assert_eq!(objects(&s), "0 0 0");
    }
}

#[test]
fn slave_away_past_max_slot_wal_keep_size_loses_the_slot_status_says_what_to_run() {
    let (m, s) = (master(), slave());
    enable(&m, &s).assert_code(0);
    m.psql(
        "postgres",
        "ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'",
    );
    m.psql("postgres", "SELECT pg_reload_conf()");
    s.stop();
    // Past the bound: the checkpoint removes the WAL the slot kept.
    until("the slot is lost", || {
        m.psql(
            "asterisk",
            "INSERT INTO ha_probe (tag) SELECT 'wal ' || i FROM generate_series(1, 2000) i; \
             SELECT pg_switch_wal(); CHECKPOINT",
        );
        m.psql(
            "asterisk",
            &format!("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '{NAME}'"),
        ) == "lost"
    });
    s.pg_ctl_start();
    let r = until_status(&m, 1);
    assert!(
        r.stdout.contains("\"slot_wal_status\": \"lost\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("lost WAL the slave needed"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("ha disable, then ha enable SLAVE"),
        "{}",
        r.stdout
    );
    // What it says to run: a new copy, replicating again.
    m.run("xivo-manage-db", &["ha", "disable"], None)
        .assert_code(0);
    enable(&m, &s).assert_code(0);
    assert_eq!(probe_rows(&s), probe_rows(&m));
    m.psql("asterisk", "INSERT INTO ha_probe (tag) VALUES ('after')");
    until("replicating again", || probe_rows(&s) == probe_rows(&m));
    until_status(&m, 0);
}

//! Two real clusters for `xivo-manage-db ha ...`: a master with
//! `wal_level = logical`, a slave reachable over TCP; polling helpers.

use std::time::{Duration, Instant};

use super::*;

pub const EXCLUDE: &str = include_str!("../../migrations/replication-exclude.txt");
pub const NAME: &str = "xivo_manage_db_ha";

pub fn exclusions() -> Vec<String> {
    EXCLUDE
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// A probe table on both hosts (published: not excluded).
pub const PROBE: &str = "CREATE TABLE ha_probe (id serial PRIMARY KEY, tag text NOT NULL); \
                     ALTER TABLE ha_probe OWNER TO asterisk";

pub fn master() -> Cluster {
    let c = Cluster::start();
    c.restart_with("wal_level = logical\nmax_slot_wal_keep_size = '256MB'");
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    c.psql("asterisk", PROBE);
    c
}

/// The slave: reachable over TCP as the superuser (`trust`), its apply
/// worker retrying every 200 ms after an error (5 s by default).
pub fn slave() -> Cluster {
    let c = Cluster::start();
    let hba = std::fs::read_to_string(c.data().join("pg_hba.conf")).expect("pg_hba");
    let line = format!("host asterisk {} 127.0.0.1/32 trust\n", owner().name);
    std::fs::write(c.data().join("pg_hba.conf"), format!("{line}{hba}")).expect("pg_hba");
    c.restart_with("listen_addresses = '127.0.0.1'\nwal_retrieve_retry_interval = '200ms'");
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    c.psql("asterisk", PROBE);
    c
}

pub fn slave_arg(s: &Cluster) -> String {
    format!("127.0.0.1:{}", s.port)
}

/// Poll `f` every 100 ms until it holds, at most 60 s.
pub fn until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn probe_rows(c: &Cluster) -> String {
    c.psql(
        "asterisk",
        "SELECT string_agg(id || ':' || tag, ',' ORDER BY id) FROM ha_probe",
    )
}

/// Our objects on a host: publication, slot, subscription.
pub fn objects(c: &Cluster) -> String {
    c.psql(
        "asterisk",
        &format!(
            "SELECT (SELECT count(*) FROM pg_publication WHERE pubname = '{NAME}') || ' ' || \
                    (SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{NAME}') || ' ' || \
                    (SELECT count(*) FROM pg_subscription WHERE subname = '{NAME}')"
        ),
    )
}

/// The excluded tables' rows of `c`.
pub fn excluded_rows(c: &Cluster) -> Vec<(String, Vec<String>)> {
    let ex = exclusions();
    c.rows("asterisk")
        .into_iter()
        .filter(|(t, _)| {
            ex.iter()
                .any(|e| t.trim_start_matches("public.").trim_matches('"') == e)
        })
        .map(|(t, (_, rows))| (t, rows))
        .collect()
}

pub fn status(c: &Cluster) -> Run {
    c.run("xivo-manage-db", &["ha", "status", "--json"], None)
}

/// Poll `ha status` on `c` until it exits `code`; the last output if never.
pub fn until_status(c: &Cluster, code: i32) -> Run {
    let start = Instant::now();
    loop {
        let r = status(c);
        if r.code == code {
            return r;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "status never {code}: {}{}",
            r.stdout,
            r.stderr
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// How the slave's subscription reaches the master: its socket directory.
pub fn master_conninfo(m: &Cluster) -> String {
    format!("{} dbname=asterisk", m.admin_uri())
}

/// `ha enable` on the master `m` for the slave `s`.
pub fn enable(m: &Cluster, s: &Cluster) -> Run {
    m.run(
        "xivo-manage-db",
        &[
            "ha",
            "enable",
            "--master",
            &master_conninfo(m),
            &slave_arg(s),
        ],
        None,
    )
}

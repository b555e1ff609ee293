//! `xivo-manage-db replicate SLAVE` between two real clusters: the master
//! (reached as the other tests reach their cluster, unix socket, peer) and a
//! slave listening on 127.0.0.1 and ::1 with XiVO's HA pg_hba.conf line
//! (`host asterisk postgres MASTER/32 trust`). Each test is named after what
//! it pins: every non-excluded table copied exactly, excluded tables and
//! their sequences untouched, a run killed midway or refused leaves the slave
//! as it was, bad arguments and an unreachable slave are one line and exit
//! 2, no password ever printed.

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

const EXCLUDE: &str = include_str!("../migrations/replication-exclude.txt");

/// The exclusion list, as the package ships it.
fn exclusions() -> Vec<String> {
    EXCLUDE
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn is_excluded(qualified: &str) -> bool {
    let name = qualified.trim_start_matches("public.").trim_matches('"');
    exclusions().iter().any(|e| e == name)
}

/// A provisioned database on a fresh cluster.
fn provisioned() -> Cluster {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    c
}

/// The cluster also listens on 127.0.0.1 and ::1, and lets the superuser
/// into `asterisk` from there as XiVO's HA set-up does on a slave (`trust`),
/// or with a password (`scram-sha-256`).
fn listen_on_tcp(c: &Cluster, method: &str) {
    let line = |addr: &str| format!("host asterisk {} {addr} {method}\n", owner().name);
    let mut hba = std::fs::read_to_string(c.data().join("pg_hba.conf")).expect("pg_hba");
    hba = format!("{}{}{hba}", line("127.0.0.1/32"), line("::1/128"));
    std::fs::write(c.data().join("pg_hba.conf"), hba).expect("pg_hba");
    c.restart_with("listen_addresses = '127.0.0.1,::1'");
}

/// A master and a slave, both provisioned, the slave reachable over TCP.
fn pair() -> (Cluster, Cluster) {
    let master = provisioned();
    let slave = provisioned();
    listen_on_tcp(&slave, "trust");
    (master, slave)
}

fn slave_arg(slave: &Cluster) -> String {
    format!("127.0.0.1:{}", slave.port)
}

/// A table of every kind of value the catalog offers and the schema does
/// not use (bytea, arrays, an enum array, time zones, numeric, json, uuid,
/// NULLs, text COPY's special characters), made on both sides. Its enum is
/// made after another type on the slave, so that its OID differs there:
/// binary COPY of the enum array would fail; it must travel as text.
fn add_types_table(c: &Cluster, is_slave: bool) {
    let shift = if is_slave {
        "CREATE TYPE replication_shift AS ENUM ('x'); "
    } else {
        ""
    };
    c.psql(
        "asterisk",
        &format!(
            "{shift}CREATE TYPE replication_mood AS ENUM ('calm', 'busy', 'on fire'); \
             CREATE TABLE replication_types (id serial PRIMARY KEY, b bytea, ia integer[], ta text[], \
                moods replication_mood[], mood replication_mood, tz timestamptz, ts timestamp, \
                n numeric(20,6), j jsonb, u uuid, t text, f double precision, r real, \
                iv interval, ip inet, d date, bo boolean, big bigint, ch char(3)); \
             ALTER TABLE replication_types OWNER TO asterisk; \
             ALTER TYPE replication_mood OWNER TO asterisk; {INDEXES}"
        ),
    );
}

/// Indexes of every kind on `replication_types`: those the load builds
/// after the copy (an expression and partial one, one with a storage
/// parameter, a unique constraint, an exclusion constraint) and those it
/// must leave alone (a comment, a statistics target, the CLUSTER index, a
/// constraint whose index has a storage parameter, which
/// `pg_get_constraintdef` leaves out).
const INDEXES: &str = "CREATE INDEX replication_types_lower_t ON replication_types (lower(t)) \
        WHERE t IS NOT NULL; \
     ALTER TABLE replication_types ADD CONSTRAINT replication_types_u_u UNIQUE (u); \
     CREATE INDEX replication_types_big ON replication_types (big) WITH (fillfactor = 70); \
     ALTER TABLE replication_types ADD CONSTRAINT replication_types_u_big UNIQUE (big) \
        WITH (fillfactor = 70); \
     ALTER TABLE replication_types ADD CONSTRAINT replication_types_ch_excl \
        EXCLUDE USING btree (ch WITH =); \
     CREATE INDEX replication_types_d ON replication_types (d); \
     COMMENT ON INDEX replication_types_d IS 'kept as it is'; \
     CREATE INDEX replication_types_ip ON replication_types ((host(ip))); \
     ALTER INDEX replication_types_ip ALTER COLUMN 1 SET STATISTICS 500; \
     ALTER TABLE replication_types CLUSTER ON replication_types_pkey";

/// Every index of the database with its OID, by name: an index dropped and
/// built again gets a new OID.
fn index_oids(c: &Cluster) -> BTreeMap<String, String> {
    c.psql(
        "asterisk",
        "SELECT indexrelid::regclass::text || ' ' || indexrelid::oid::text \
           || CASE WHEN indisvalid AND indisready THEN '' ELSE ' INVALID' END \
           FROM pg_index JOIN pg_class ON pg_class.oid = indrelid \
          WHERE relnamespace = 'public'::regnamespace ORDER BY 1",
    )
    .lines()
    .map(|l| {
        let (name, oid) = l.split_once(' ').expect("name and oid");
        (name.to_string(), oid.to_string())
    })
    .collect()
}

/// Rows on the master in every table, every column
/// (`fixtures/replication-fill.sql`): `per_table` rows each.
fn fill(c: &Cluster, per_table: u32) {
    c.psql(
        "asterisk",
        &format!(
            "SET fill.rows = {per_table}; {}",
            include_str!("fixtures/replication-fill.sql")
        ),
    );
}

/// `table_sums` by table name.
fn sums(c: &Cluster) -> BTreeMap<String, String> {
    c.table_sums("asterisk")
        .into_iter()
        .map(|l| {
            let (t, s) = l.split_once(' ').expect("table and sum");
            (t.to_string(), s.to_string())
        })
        .collect()
}

/// The tables of `c` that `replicate` copies (what the master has, minus the
/// exclusions and our bookkeeping, which is equal on both sides anyway).
fn copied_tables(c: &Cluster) -> Vec<String> {
    sums(c).into_keys().filter(|t| !is_excluded(t)).collect()
}

/// Rows in every excluded table of the slave, unlike any the master has.
fn prefill_excluded_tables_on_the_slave(slave: &Cluster) {
    slave.psql(
        "asterisk",
        "SET session_replication_role = replica; \
         INSERT INTO netiface (ifname, networktype, type, family, method, address, options, description) \
              SELECT 'eth-slave', (enum_range(NULL::netiface_networktype))[1], (enum_range(NULL::netiface_type))[1], \
                     (enum_range(NULL::netiface_family))[1], NULL, '10.9.9.9', '', 'the slave''s own'; \
         INSERT INTO queue_log (time, callid, queuename, agent, event) \
              SELECT '2014-09-01 ' || g || ':00', 'slave-' || g, 'q', 'Agent/1', 'ENTERQUEUE' \
                FROM generate_series(1, 9) g; \
         INSERT INTO stat_queue (name) VALUES ('slave-queue'); \
         INSERT INTO session (sessid, start, expire, identifier, data) \
              VALUES ('slave-session', 1, 2, 'x', 'y')",
    );
}

fn run_replicate(master: &Cluster, slave: &str) -> Run {
    master.run("xivo-manage-db", &["replicate", slave], None)
}

#[test]
fn replication_copies_every_table_but_the_exclusions_exactly() {
    let (master, slave) = pair();
    add_types_table(&master, false);
    add_types_table(&slave, true);
    fill(&master, 40);
    master.psql(
        "asterisk",
        "INSERT INTO replication_types (b, ia, ta, moods, mood, tz, ts, n, j, u, t, f, r, iv, ip, d, bo, big, ch) VALUES \
         ('\\x00ff0a0d5c'::bytea, '{1,NULL,-3}', '{\"a b\",NULL,\"q\\\"uote\"}', '{calm,\"on fire\"}', 'busy', \
          '2014-08-01 09:00:00.123456+05:30', '1999-12-31 23:59:59.999999', 123456.000001, '{\"k\": [1, null, \"v\"]}', \
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', E'tab\\there\\nnew line \\\\ back', 1e-300, 3.4e38, '-1 day 02:03:04.5', \
          '::1/128', '0001-01-01', true, 9223372036854775807, 'ab'), \
         (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), \
         ('', '{}', '{}', '{}', 'calm', 'infinity', '-infinity', 'NaN', 'null', '00000000-0000-0000-0000-000000000000', '', \
          'Infinity', '-0', '0', '0.0.0.0/0', 'infinity', false, -9223372036854775808, '')",
    );
    // The slave had rows of its own in the replicated tables too: they go.
    slave.psql(
        "asterisk",
        "INSERT INTO replication_types (t) VALUES ('only on the slave')",
    );
    prefill_excluded_tables_on_the_slave(&slave);
    let master_sums = sums(&master);
    let slave_before = sums(&slave);
    let slave_seqs_before = slave.sequences("asterisk");
    let slave_schema_before = slave.schema("asterisk");
    let slave_indexes_before = index_oids(&slave);
    // Every copied table holds rows: a table the filler could not fill
    // would make its checksum comparison prove nothing.
    let empty: Vec<&String> = master_sums
        .iter()
        .filter(|(t, s)| {
            !is_excluded(t) && s.starts_with("0 ") && !BOOKKEEPING.contains(&t.as_str())
        })
        .map(|(t, _)| t)
        .collect();
    assert!(
        empty.is_empty(),
        "master tables left empty by the fill: {empty:?}"
    );

    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(0);
    let copied = copied_tables(&master);
    assert!(
        r.stdout
            .starts_with(&format!("replicated {} tables (", copied.len()))
            && r.stdout.contains(&format!(" to {} in ", slave_arg(&slave)))
            && r.stdout.contains(&format!(
                "{} tables excluded",
                master_sums.len() - copied.len()
            )),
        "report: {}",
        r.stdout
    );
    // Once on a terminal: the report is on stdout, not echoed on stderr.
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(!r.stderr.contains("replicated "), "{}", r.stderr);

    let slave_after = sums(&slave);
    for (table, sum) in &master_sums {
        if is_excluded(table) {
            assert_eq!(
                slave_after.get(table),
                slave_before.get(table),
                "excluded table {table} changed on the slave"
            );
        } else {
            assert_eq!(
                slave_after.get(table),
                Some(sum),
                "table {table} differs from the master"
            );
        }
    }
    let (m_seqs, s_seqs) = (master.sequences("asterisk"), slave.sequences("asterisk"));
    for (seq, v) in &s_seqs {
        let table = seq
            .trim_start_matches("public.")
            .trim_end_matches("_id_seq");
        if is_excluded(table) {
            assert_eq!(
                Some(v),
                slave_seqs_before.get(seq),
                "sequence {seq} of an excluded table changed"
            );
        } else {
            assert_eq!(
                Some(v),
                m_seqs.get(seq),
                "sequence {seq} differs from the master"
            );
        }
    }
    // The slave's own rows in excluded tables are still there, and the
    // master's never arrived (checksums above; one readable witness here).
    assert_eq!(
        slave.psql("asterisk", "SELECT description FROM netiface"),
        "the slave's own"
    );

    // The indexes the load built after the copy are the slave's own, as
    // they were (pg_dump shows every definition, comment, statistics
    // target and CLUSTER mark); those it must leave alone kept their OID.
    let slave_schema = slave.schema("asterisk");
    let (gone, new): (Vec<&str>, Vec<&str>) = (
        slave_schema_before
            .lines()
            .filter(|l| !slave_schema.lines().any(|a| a == *l))
            .collect(),
        slave_schema
            .lines()
            .filter(|l| !slave_schema_before.lines().any(|b| b == *l))
            .collect(),
    );
    assert!(
        slave_schema == slave_schema_before,
        "the slave's schema changed: lost {gone:#?}, gained {new:#?}"
    );
    let slave_indexes = index_oids(&slave);
    assert_eq!(
        slave_indexes.keys().collect::<Vec<_>>(),
        slave_indexes_before.keys().collect::<Vec<_>>(),
        "the slave's indexes are not the same set"
    );
    for (name, oid) in &slave_indexes {
        assert!(!oid.ends_with("INVALID"), "{name} is not valid: {oid}");
    }
    let rebuilt = |name: &str| slave_indexes.get(name) != slave_indexes_before.get(name);
    for name in [
        "replication_types_lower_t",
        "replication_types_u_u",
        "replication_types_big",
        "replication_types_ch_excl",
        "accessfeatures_pkey",
    ] {
        assert!(rebuilt(name), "{name} was not built after the copy");
    }
    for name in [
        "replication_types_d",
        "replication_types_ip",
        "replication_types_u_big",
        "replication_types_pkey",
        // Excluded table: never touched.
        "queue_log_pkey",
    ] {
        assert!(!rebuilt(name), "{name} was dropped and built again");
    }
    // A key a foreign key references stays: dropping it would mean
    // dropping and validating the foreign key again.
    let referencing = slave.psql(
        "asterisk",
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f' \
            AND conindid = 'userfeatures_pkey'::regclass",
    );
    assert_ne!(referencing, "0", "no foreign key references userfeatures");
    assert!(
        !rebuilt("userfeatures_pkey"),
        "userfeatures_pkey, referenced by a foreign key, was built again"
    );

    // Again: it converges to the same state.
    run_replicate(&master, &slave_arg(&slave)).assert_code(0);
    assert_eq!(sums(&slave), slave_after, "a second run changed the slave");
}

/// The lines of `stderr` but the progress of the copy, which a run that
/// lasts over 2 s prints before it fails (a loaded machine): the failure
/// itself must be one line.
fn failure_lines(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| !l.starts_with("xivo-manage-db: replicating to the slave: "))
        .count()
}

/// A psql session on `c`'s asterisk, named `app`, that ran `sql` and stays
/// open (its transaction too) until its stdin is dropped.
fn session(c: &Cluster, app: &str, sql: &str) -> Child {
    let mut holder = as_owner("psql")
        .args(["-X", "-q", "-h"])
        .arg(&c.dir)
        .args(["-p", &c.port.to_string(), "-d", "asterisk"])
        .env("PGAPPNAME", app)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("psql session");
    use std::io::Write;
    let stdin = holder.stdin.as_mut().expect("stdin");
    writeln!(stdin, "{sql}").expect("sql");
    stdin.flush().expect("flush");
    holder
}

/// The table the replication copies last (they go in name order).
fn last_copied_table(master: &Cluster) -> String {
    master.psql(
        "asterisk",
        &format!(
            "SELECT max(format('%I.%I', schemaname, tablename) COLLATE \"C\") FROM pg_tables \
              WHERE schemaname = 'public' AND tablename NOT IN ({})",
            exclusions()
                .iter()
                .map(|e| format!("'{e}'"))
                .collect::<Vec<_>>()
                .join(",")
        ),
    )
}

/// Lock the last table the replication copies on the master (a session
/// holding it until its stdin is dropped), then start a replication, which
/// stops in that table's COPY. Returns the table, the holder, the run.
fn replicate_behind_a_lock_on_the_last_table(
    master: &Cluster,
    slave: &Cluster,
) -> (String, Child, Child) {
    let last = last_copied_table(master);
    let holder = session(
        master,
        "lock-holder",
        &format!("BEGIN; LOCK TABLE {last} IN ACCESS EXCLUSIVE MODE;"),
    );
    let child = master
        .cmd("xivo-manage-db")
        .args(["replicate", &slave_arg(slave)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("replicate");
    (last, holder, child)
}

#[test]
fn replication_killed_midway_leaves_the_slave_unchanged() {
    stopped_midway(Stop::KillClient);
}

/// The master's half of the load fails while the slave's has rows in its
/// transaction already: nothing of it may be committed.
#[test]
fn replication_whose_master_session_ends_midway_leaves_the_slave_unchanged() {
    stopped_midway(Stop::EndMasterSession);
}

enum Stop {
    /// SIGKILL of xivo-manage-db: the slave rolls back the dead client's work.
    KillClient,
    /// The master's session ended in the middle of a COPY (an administrator's
    /// pg_terminate_backend, a master restart): exit 1, one error line.
    EndMasterSession,
}

fn stopped_midway(stop: Stop) {
    let (master, slave) = pair();
    fill(&master, 20);
    prefill_excluded_tables_on_the_slave(&slave);
    let before = slave.fingerprint("asterisk");
    let indexes_before = index_oids(&slave);
    // The last table copied is locked on the master: the run stops in its
    // COPY after every earlier table went into the slave's transaction.
    let (last, mut holder, mut child) = replicate_behind_a_lock_on_the_last_table(&master, &slave);
    // Wait until the master side waits on that lock in its COPY, and the
    // slave side holds the emptied tables in its open transaction.
    let started = Instant::now();
    loop {
        let waiting = master.psql(
            "asterisk",
            &format!(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
                   AND query LIKE 'COPY {} %'",
                last.replace('\'', "''")
            ),
        );
        let slave_tx = slave.psql(
            "asterisk",
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'xivo-manage-db replicate' \
               AND xact_start IS NOT NULL",
        );
        if waiting == "1" && slave_tx == "1" {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("replicate ended before it could be killed: {status:?}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "replicate never reached the locked table {last}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Rows have gone into the slave's transaction already.
    let inserted = slave.psql(
        "asterisk",
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
          WHERE a.application_name = 'xivo-manage-db replicate' AND l.mode = 'AccessExclusiveLock' \
            AND l.locktype = 'relation'",
    );
    assert_ne!(inserted, "0", "the slave's tables were not truncated yet");
    match stop {
        Stop::KillClient => {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
        Stop::EndMasterSession => {
            let ended = master.psql(
                "asterisk",
                &format!(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                      WHERE wait_event_type = 'Lock' AND query LIKE 'COPY {} %'",
                    last.replace('\'', "''")
                ),
            );
            assert_eq!(ended, "1");
            let out = child.wait_with_output().expect("replicate ends");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            assert_eq!(failure_lines(&stderr), 1, "one line: {stderr}");
            assert!(
                stderr.contains(&format!("reading the rows of {last} on the master"))
                    && stderr.contains("rolled back"),
                "{stderr}"
            );
        }
    }
    drop(holder.stdin.take());
    let _ = holder.wait();
    // The slave ends the dead client's session (and its transaction).
    let started = Instant::now();
    while slave.psql(
        "asterisk",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'xivo-manage-db replicate'",
    ) != "0"
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the slave kept the killed run's session"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let after = slave.fingerprint("asterisk");
    assert_eq!(after.0, before.0, "the slave's schema changed");
    assert_eq!(after.1, before.1, "the slave's rows or sequences changed");
    // The indexes dropped to be built after the copy are the very ones
    // that were there (the transaction rolled back), not copies.
    assert_eq!(
        index_oids(&slave),
        indexes_before,
        "the slave's indexes changed"
    );
    // And the next run completes.
    run_replicate(&master, &slave_arg(&slave)).assert_code(0);
}

/// A session of the slave's own (a report left in an open transaction)
/// holds a replicated table: the run waits LOCK_TIMEOUT, then fails naming
/// that session, the slave unchanged; once it is gone, the run goes through.
#[test]
fn a_slave_session_holding_a_table_is_waited_for_lock_timeout_then_named() {
    let (master, slave) = pair();
    fill(&master, 5);
    prefill_excluded_tables_on_the_slave(&slave);
    master.write_config("LOCK_TIMEOUT=2");
    let before = slave.fingerprint("asterisk");
    let mut holder = session(
        &slave,
        "slave-report",
        "BEGIN; SELECT count(*) FROM voicemail;",
    );
    let started = Instant::now();
    while slave.psql(
        "asterisk",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'slave-report' \
           AND state = 'idle in transaction'",
    ) != "1"
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no report session"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(1);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(
        r.stderr.contains("waited 2 s (LOCK_TIMEOUT)")
            && r.stderr.contains("application 'slave-report'")
            && r.stderr.contains("rolled back"),
        "{}",
        r.stderr
    );
    assert_eq!(slave.fingerprint("asterisk"), before, "the slave changed");
    drop(holder.stdin.take());
    let _ = holder.wait();
    run_replicate(&master, &slave_arg(&slave)).assert_code(0);
    assert_ne!(
        slave.fingerprint("asterisk").1,
        before.1,
        "nothing replicated"
    );
}

/// Filled clusters where only the slave has a unique index (on voicemail)
/// that the master's rows cannot satisfy: `slave_only_one_voicemail`.
fn pair_with_a_unique_index_only_the_slave_has() -> (Cluster, Cluster) {
    let (master, slave) = pair();
    fill(&master, 5);
    prefill_excluded_tables_on_the_slave(&slave);
    slave.psql(
        "asterisk",
        "CREATE UNIQUE INDEX slave_only_one_voicemail ON voicemail ((1))",
    );
    (master, slave)
}

/// The slave fails (a unique index only it has, on an early table) while
/// the master's side waits on a lock someone holds on the last table: the
/// failure is reported at once, not when that lock is released.
#[test]
fn a_slave_failure_is_reported_without_waiting_for_the_masters_side() {
    let (master, slave) = pair_with_a_unique_index_only_the_slave_has();
    let before = slave.fingerprint("asterisk");
    let (last, mut holder, mut child) = replicate_behind_a_lock_on_the_last_table(&master, &slave);
    assert!(last.as_str() > "public.voicemail", "{last}");
    let started = Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("replicate still waits for the master's lock after the slave failed");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("replicate");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("slave_only_one_voicemail") && stderr.contains("rolled back"),
        "{stderr}"
    );
    drop(holder.stdin.take());
    let _ = holder.wait();
    assert_eq!(slave.fingerprint("asterisk"), before, "the slave changed");
}

#[test]
fn a_unique_index_the_masters_rows_break_rolls_everything_back() {
    // Built again after the copy, it fails there, after every table was
    // loaded.
    let (master, slave) = pair_with_a_unique_index_only_the_slave_has();
    let before = slave.fingerprint("asterisk");
    let indexes_before = index_oids(&slave);
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(1);
    assert_eq!(failure_lines(&r.stderr), 1, "one line: {}", r.stderr);
    assert!(
        r.stderr.contains("slave_only_one_voicemail") && r.stderr.contains("rolled back"),
        "{}",
        r.stderr
    );
    assert_eq!(slave.fingerprint("asterisk"), before);
    assert_eq!(index_oids(&slave), indexes_before);
}

#[test]
fn replication_to_a_slave_at_another_revision_is_refused_and_changes_nothing() {
    let master = provisioned();
    let (older, _) = older_set();
    let slave = Cluster::start();
    slave
        .run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    listen_on_tcp(&slave, "trust");
    fill(&master, 5);
    let before = slave.fingerprint("asterisk");
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(
        r.stderr.contains("is at revision") && r.stderr.contains("xivo-update-db"),
        "{}",
        r.stderr
    );
    assert_eq!(slave.fingerprint("asterisk"), before);
}

#[test]
fn replication_refuses_a_slave_whose_tables_differ_and_changes_nothing() {
    let (master, slave) = pair();
    fill(&master, 5);
    // A column the master does not have.
    slave.psql(
        "asterisk",
        "ALTER TABLE voicemail ADD COLUMN slave_only integer",
    );
    let before = slave.fingerprint("asterisk");
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(
        r.stderr.contains(
            "public.voicemail differs between the master and the slave (database 'asterisk' as "
        ) && r.stderr.contains(
            "): column(s) only on the slave: slave_only integer; give both the same schema"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(slave.fingerprint("asterisk"), before);
    // A table the slave does not have.
    slave.psql("asterisk", "ALTER TABLE voicemail DROP COLUMN slave_only");
    master.psql("asterisk", "CREATE TABLE master_only (x int)");
    let before = slave.fingerprint("asterisk");
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(2);
    assert!(
        r.stderr
            .contains("public.master_only of the master is missing on the slave"),
        "{}",
        r.stderr
    );
    assert_eq!(slave.fingerprint("asterisk"), before);
}

#[test]
fn replication_refuses_a_foreign_key_across_the_exclusions() {
    let (master, slave) = pair();
    for c in [&master, &slave] {
        c.psql(
            "asterisk",
            "CREATE TABLE ha_note (id int PRIMARY KEY, netiface_id int REFERENCES netiface (id))",
        );
    }
    fill(&master, 5);
    prefill_excluded_tables_on_the_slave(&slave);
    let before = slave.fingerprint("asterisk");
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(
        r.stderr.contains("ha_note_netiface_id_fkey")
            && r.stderr.contains("public.netiface is not replicated"),
        "{}",
        r.stderr
    );
    assert_eq!(slave.fingerprint("asterisk"), before);
}

#[test]
fn replication_to_the_masters_own_database_is_refused() {
    let master = provisioned();
    listen_on_tcp(&master, "trust");
    fill(&master, 5);
    let before = master.fingerprint("asterisk");
    let r = run_replicate(&master, &format!("[::1]:{}", master.port));
    r.assert_code(2);
    assert!(
        r.stderr.contains("is the master's own database"),
        "{}",
        r.stderr
    );
    assert_eq!(master.fingerprint("asterisk"), before);
}

#[test]
fn replication_to_an_unreachable_slave_is_one_line_and_exit_2() {
    let master = provisioned();
    // A port nobody listens on: the master's, on TCP (it listens on its
    // socket only).
    let r = run_replicate(&master, &format!("127.0.0.1:{}", master.port));
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    let want = format!(
        "xivo-manage-db: error: replication failed: cannot connect to the slave, \
         database 'asterisk' as '{}' on 127.0.0.1 port {}: ",
        owner().name,
        master.port
    );
    assert!(r.stderr.starts_with(&want), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn replicate_bad_arguments_exit_2_in_one_line() {
    let master = Cluster::start();
    for args in [
        &["replicate"][..],
        &["replicate", "--no-such-flag", "10.0.0.1"],
        &["replicate", "10.0.0.1", "10.0.0.2"],
        &[
            "replicate",
            "postgresql://postgres:pw-in-junk@host:notaport/asterisk",
        ],
        &["replicate", "not a host"],
        &["replicate", "10.0.0.1:99999"],
        &["replicate", "[fe80::1"],
    ] {
        let r = master.run("xivo-manage-db", args, None);
        r.assert_code(2);
        assert_eq!(
            r.stderr.lines().count(),
            1,
            "{args:?}: one line: {}",
            r.stderr
        );
        assert!(
            r.stderr.starts_with("xivo-manage-db: error: "),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("pw-in-junk"), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        // A usage error, said as one.
        assert!(
            !r.stderr.contains("replication failed"),
            "{args:?}: {}",
            r.stderr
        );
    }
    let r = master.run("xivo-manage-db", &["replicate", "bad host!"], None);
    assert_eq!(
        r.stderr,
        "xivo-manage-db: error: 'bad host!' is not a slave: not a host name or an IP address \
         (give a host name, an IPv4 or IPv6 address, optionally with :PORT, or a postgresql:// URI)\n"
    );
}

/// `-q`: a replication that works prints nothing (an hourly cron job mails
/// nothing); a failure still prints its line.
#[test]
fn quiet_replication_prints_nothing_but_errors() {
    let (master, slave) = pair();
    let r = master.run(
        "xivo-manage-db",
        &["replicate", "-q", &slave_arg(&slave)],
        None,
    );
    r.assert_code(0);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    slave.psql(
        "asterisk",
        "ALTER TABLE voicemail ADD COLUMN slave_only integer",
    );
    let r = master.run(
        "xivo-manage-db",
        &["-q", "replicate", &slave_arg(&slave)],
        None,
    );
    r.assert_code(2);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn replication_never_prints_a_password() {
    let (master, slave) = pair();
    // Password authentication on the slave, over both addresses.
    let hba = std::fs::read_to_string(slave.data().join("pg_hba.conf")).expect("pg_hba");
    std::fs::write(
        slave.data().join("pg_hba.conf"),
        hba.replace(" trust\n", " scram-sha-256\n"),
    )
    .expect("pg_hba");
    slave.psql("postgres", "SELECT pg_reload_conf()");
    slave.psql(
        "postgres",
        &format!("ALTER ROLE {} PASSWORD 'Slave-Secret-42'", owner().name),
    );
    fill(&master, 5);
    // The password of ADMIN_URI reaches a bare-host slave.
    master.write_config("");
    let config = std::fs::read_to_string(master.config_path()).expect("config");
    std::fs::write(
        master.config_path(),
        config.replace(
            &format!("user={}'", owner().name),
            &format!("user={} password=Slave-Secret-42'", owner().name),
        ),
    )
    .expect("config");
    let mut perms = std::fs::metadata(master.config_path())
        .expect("stat")
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
    std::fs::set_permissions(master.config_path(), perms).expect("chmod");
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(0);
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains("Slave-Secret-42"), "{text}");
    }
    // A URI's password, right and wrong.
    master.write_config("");
    let uri = |pw: &str| {
        format!(
            "postgresql://{}:{pw}@[::1]:{}/asterisk",
            owner().name,
            slave.port
        )
    };
    let r = run_replicate(&master, &uri("Slave-Secret-42"));
    r.assert_code(0);
    assert!(!r.stdout.contains("Slave-Secret-42") && !r.stderr.contains("Slave-Secret-42"));
    let r = run_replicate(&master, &uri("Wrong-Secret-43"));
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(r.stderr.contains("failed for user"), "{}", r.stderr);
    assert!(!r.stderr.contains("Wrong-Secret-43"), "{}", r.stderr);
    // Without any password: refused by the slave, exit 2, nothing printed of it.
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(2);
}

/// The failure reaches syslog at error level (LOG_ERR, facility daemon:
/// `<27>`), where monitoring looks. The command runs in a private mount
/// namespace whose /dev/log is a datagram socket this test reads.
#[test]
fn replication_failure_is_logged_to_syslog_at_error_level() {
    if skip_unless_root("a private /dev/log (unshare --mount)") {
        return;
    }
    let master = provisioned();
    let sock_dir = master.dir.join("syslog");
    std::fs::create_dir_all(&sock_dir).expect("syslog dir");
    let sock_path = sock_dir.join("log");
    let sock = std::os::unix::net::UnixDatagram::bind(&sock_path).expect("bind syslog socket");
    let script = format!(
        "mount -t tmpfs none /dev && : > /dev/log && mount --bind '{}' /dev/log && exec '{}' replicate 127.0.0.1:{}",
        sock_path.display(),
        bin_path("xivo-manage-db").display(),
        master.port
    );
    let out = std::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .env("XIVO_MANAGE_DB_CONFIG", master.config_path())
        .stdin(Stdio::null())
        .output()
        .expect("unshare");
    let r = Run::from(out);
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    sock.set_nonblocking(true).expect("nonblocking");
    let mut lines = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = sock.recv(&mut buf) {
        lines.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert!(
        lines.iter().any(|l| l.starts_with("<27>")
            && l.contains("replication failed: cannot connect to the slave")),
        "no error-level syslog line about the failure; got {lines:?}"
    );
}

/// The rows of `table` alone (not those of tables inheriting from it), every
/// column, sorted: one text line per row.
fn rows_only(c: &Cluster, table: &str) -> String {
    c.psql(
        "asterisk",
        &format!(
            "SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM ONLY {table} x"
        ),
    )
}

/// Issue 20, defect 3: the tables a replication touches are exactly the ones
/// it copies. A table of the slave's own that inherits from a copied table
/// (`slave_local`), and an excluded table inheriting from one (`ha.cel`:
/// the exclusion `cel` names it in any schema), keep their rows; a
/// session of the slave reading `slave_local` does not stop the run (the
/// copied tables are locked, not their children).
#[test]
fn replication_leaves_tables_inheriting_from_a_copied_table_alone() {
    let (master, slave) = pair();
    fill(&master, 5);
    master.write_config("LOCK_TIMEOUT=2");
    for c in [&master, &slave] {
        c.psql(
            "asterisk",
            "CREATE SCHEMA ha; CREATE TABLE ha.cel (note text) INHERITS (public.voicemail)",
        );
    }
    slave.psql(
        "asterisk",
        "CREATE TABLE public.slave_local (note text) INHERITS (public.voicemail)",
    );
    let child_row = |note: &str| {
        format!(
            "SET session_replication_role = replica; \
             INSERT INTO {{}} (context, mailbox, fullname, note) \
             SELECT 'default', '9' || g, '{note} ' || g, '{note}' \
               FROM generate_series(1, 2) g"
        )
    };
    master.psql("asterisk", &child_row("master").replace("{}", "ha.cel"));
    for table in ["ha.cel", "public.slave_local"] {
        slave.psql("asterisk", &child_row("slave").replace("{}", table));
    }
    let before: Vec<String> = ["ha.cel", "public.slave_local"]
        .iter()
        .map(|t| rows_only(&slave, t))
        .collect();
    assert!(before.iter().all(|r| r.lines().count() == 2), "{before:?}");
    // A report of the slave's own, reading its local table.
    let mut holder = session(
        &slave,
        "slave-report",
        "BEGIN; SELECT count(*) FROM ONLY public.slave_local;",
    );
    let started = Instant::now();
    while slave.psql(
        "asterisk",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'slave-report' \
           AND state = 'idle in transaction'",
    ) != "1"
    {
        assert!(started.elapsed() < Duration::from_secs(30), "no report");
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = run_replicate(&master, &slave_arg(&slave));
    drop(holder.stdin.take());
    let _ = holder.wait();
    r.assert_code(0);
    let after: Vec<String> = ["ha.cel", "public.slave_local"]
        .iter()
        .map(|t| rows_only(&slave, t))
        .collect();
    assert_eq!(after, before, "the inheriting tables of the slave changed");
    assert_eq!(
        rows_only(&slave, "public.voicemail"),
        rows_only(&master, "public.voicemail"),
        "voicemail itself was not copied"
    );
}

/// Issue 20: a sequence the slave shares between a copied table and tables
/// of its own (a slave-only table inheriting the copied one's default, a
/// slave-only table whose default draws from it) was set to the master's
/// value, below the ids the slave's own rows already hold: the slave's next
/// inserts reused them. It never goes below what the slave's own users
/// drew; the copied rows and the slave's own rows are as they should be.
#[test]
fn replication_never_moves_a_sequence_below_the_ids_of_the_slaves_own_tables() {
    let (master, slave) = pair();
    fill(&master, 5);
    slave.psql(
        "asterisk",
        "CREATE TABLE public.slave_local (note text) INHERITS (public.voicemail); \
         CREATE TABLE public.slave_audit (id integer DEFAULT nextval('public.voicemail_uniqueid_seq'), what text); \
         SELECT setval('public.voicemail_uniqueid_seq', 9000); \
         SET session_replication_role = replica; \
         INSERT INTO public.slave_local (context, mailbox, fullname, note) \
         SELECT 'default', '9' || g, 'local ' || g, 'slave' FROM generate_series(1, 40) g; \
         INSERT INTO public.slave_audit (what) SELECT 'audit ' || g FROM generate_series(1, 3) g",
    );
    let own = |c: &Cluster| {
        [
            rows_only(c, "public.slave_local"),
            rows_only(c, "public.slave_audit"),
        ]
    };
    let before = own(&slave);
    let master_seq = master.psql(
        "asterisk",
        "SELECT last_value FROM public.voicemail_uniqueid_seq",
    );
    // The slave's own rows drew past the master's value (fill sets 5,000 and
    // some), where a replication that copies the master's value would lead
    // the slave's next inserts back over them.
    assert!(master_seq.parse::<i64>().expect("a value") < 9_000);
    run_replicate(&master, &slave_arg(&slave)).assert_code(0);
    assert_eq!(own(&slave), before, "the slave's own tables changed");
    assert_eq!(
        rows_only(&slave, "public.voicemail"),
        rows_only(&master, "public.voicemail")
    );
    // Every id the slave holds (copied, inherited, its own table's) is
    // below the sequence's next value: the next inserts reuse none.
    assert_eq!(
        slave.psql(
            "asterisk",
            "SELECT nextval('public.voicemail_uniqueid_seq') > greatest( \
                    (SELECT max(uniqueid) FROM public.voicemail), \
                    (SELECT max(id) FROM public.slave_audit))",
        ),
        "t",
        "the slave's sequence went below its own rows' ids"
    );
    assert_eq!(
        master.psql(
            "asterisk",
            "SELECT last_value FROM public.voicemail_uniqueid_seq",
        ),
        master_seq,
        "the master's sequence moved"
    );
}

/// Every row of `table`, every column, by name (a JSON object per row, its
/// keys in a fixed order whatever the table's column order), sorted.
fn rows_by_name(c: &Cluster, table: &str) -> String {
    c.psql(
        "asterisk",
        &format!(
            "SELECT coalesce(string_agg(to_jsonb(x)::text, E'\\n' ORDER BY to_jsonb(x)::text), '') \
               FROM ONLY {table} x"
        ),
    )
}

/// A slave whose `"user"` has its columns in another order than the
/// master's (a 14.06 host has `entity_id` last, a 14.07 host second): every
/// row arrives with every value in its own column (COPY names the columns).
#[test]
fn replication_to_a_slave_whose_columns_are_in_another_order_copies_by_name() {
    let (master, slave) = pair();
    slave.psql(
        "asterisk",
        "ALTER TABLE \"user\" DROP COLUMN entity_id; \
         ALTER TABLE \"user\" ADD COLUMN entity_id INTEGER DEFAULT NULL \
            REFERENCES entity (id) ON DELETE RESTRICT",
    );
    let order = |c: &Cluster| {
        c.psql(
            "asterisk",
            "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute \
              WHERE attrelid = '\"user\"'::regclass AND attnum > 0 AND NOT attisdropped",
        )
    };
    assert!(
        order(&master).starts_with("id,entity_id,"),
        "{}",
        order(&master)
    );
    assert!(order(&slave).ends_with(",entity_id"), "{}", order(&slave));
    fill(&master, 5);
    let want = rows_by_name(&master, "\"user\"");
    assert_eq!(want.lines().count(), 5, "{want}");
    run_replicate(&master, &slave_arg(&slave)).assert_code(0);
    assert_eq!(rows_by_name(&slave, "\"user\""), want);
}

/// The simple-query message `COMMIT` as the client sends it: 'Q', its
/// length (4 + 7), the text and its NUL.
const COMMIT_MESSAGE: &[u8] = b"Q\0\0\0\x0bCOMMIT\0";

/// Where a `CommitCutter` cuts the connection.
#[derive(Clone, Copy)]
enum Cut {
    /// Before the COMMIT reaches the slave: it rolls back.
    BeforeCommit,
    /// After the slave answered the COMMIT, before the answer reaches the
    /// client: the slave committed, the client cannot know.
    AfterCommit,
}

/// Forward everything between `a` and `b` until either side closes.
fn pipe(a: std::net::TcpStream, b: std::net::TcpStream) {
    let (mut a2, mut b2) = (a.try_clone().expect("clone"), b.try_clone().expect("clone"));
    let (mut a, mut b) = (a, b);
    let there = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a, &mut b2);
        let _ = b2.shutdown(std::net::Shutdown::Both);
    });
    let _ = std::io::copy(&mut b, &mut a2);
    let _ = a2.shutdown(std::net::Shutdown::Both);
    let _ = there.join();
}

/// A TCP proxy to the slave that forwards everything of its first
/// connection until the client's COMMIT and cuts both sides there. With
/// `reconnect`, it then forwards one more connection as it is (the run
/// asking the slave what became of its transaction); without, it listens
/// no more (the slave unreachable). Returns the port it listens on and its
/// thread, which ends once the first connection is cut.
fn commit_cutter(
    slave: &Cluster,
    cut: Cut,
    reconnect: bool,
) -> (u16, std::thread::JoinHandle<bool>) {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
    let port = listener.local_addr().expect("proxy address").port();
    let slave_port = slave.port;
    let handle = std::thread::spawn(move || {
        let (client, _) = listener.accept().expect("accept");
        if reconnect {
            // Left running: the test process ends it.
            std::thread::spawn(move || {
                if let Ok((again, _)) = listener.accept() {
                    let server = TcpStream::connect(("127.0.0.1", slave_port)).expect("slave");
                    pipe(again, server);
                }
            });
        } else {
            drop(listener);
        }
        let server = TcpStream::connect(("127.0.0.1", slave_port)).expect("connect to the slave");
        let committed = Arc::new(AtomicBool::new(false));
        let (mut c_in, mut s_out) = (
            client.try_clone().expect("clone"),
            server.try_clone().expect("clone"),
        );
        let (mut s_in, mut c_out) = (
            server.try_clone().expect("clone"),
            client.try_clone().expect("clone"),
        );
        let flag = committed.clone();
        // The slave's answers, to the client, until the COMMIT was sent:
        // its answer is read and dropped, and both sides cut.
        let answers = std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match s_in.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                if flag.load(Ordering::SeqCst) {
                    let _ = s_in.shutdown(Shutdown::Both);
                    let _ = c_out.shutdown(Shutdown::Both);
                    return;
                }
                if c_out.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        });
        let mut buf = vec![0u8; 64 * 1024];
        let mut tail: Vec<u8> = Vec::new();
        let mut seen = false;
        loop {
            let n = match c_in.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            // The last bytes of the previous read too: a message split
            // over two reads is still seen.
            let mut window = std::mem::take(&mut tail);
            window.extend_from_slice(&buf[..n]);
            let at = window
                .windows(COMMIT_MESSAGE.len())
                .position(|w| w == COMMIT_MESSAGE);
            if at.is_some() {
                seen = true;
                match cut {
                    Cut::BeforeCommit => {
                        let _ = s_out.shutdown(Shutdown::Both);
                        let _ = c_in.shutdown(Shutdown::Both);
                    }
                    Cut::AfterCommit => {
                        committed.store(true, Ordering::SeqCst);
                        let _ = s_out.write_all(&buf[..n]);
                    }
                }
                break;
            }
            if s_out.write_all(&buf[..n]).is_err() {
                break;
            }
            let keep = window.len().min(COMMIT_MESSAGE.len() - 1);
            tail = window[window.len() - keep..].to_vec();
        }
        let _ = answers.join();
        seen
    });
    (port, handle)
}

/// Issue 20: the connection to the slave is cut during the COMMIT. The run
/// asks the slave, on a new connection, what became of its transaction:
/// committed, it is done (exit 0); aborted, it was rolled back (exit 1).
/// When the slave cannot be reached again, whether it committed is unknown
/// and the run says so (exit 1, "check the slave"), never "rolled back,
/// nothing changed": cut before the COMMIT arrived the slave is unchanged
/// (its sequences too), cut after it committed it holds the master's rows.
#[test]
fn replication_whose_connection_is_cut_at_commit_says_the_outcome_is_unknown() {
    let (master, slave) = pair();
    fill(&master, 5);
    prefill_excluded_tables_on_the_slave(&slave);
    let unchanged = |before: &(String, Vec<String>)| {
        let after = slave.fingerprint("asterisk");
        assert!(after.0 == before.0, "the slave's schema changed");
        let changed: Vec<&String> = after.1.iter().filter(|l| !before.1.contains(l)).collect();
        assert!(changed.is_empty(), "the slave changed: {changed:?}");
    };
    let run = |cut: Cut, reconnect: bool| {
        let (port, proxy) = commit_cutter(&slave, cut, reconnect);
        let r = run_replicate(&master, &format!("127.0.0.1:{port}"));
        assert!(proxy.join().expect("proxy"), "the proxy saw no COMMIT");
        r
    };
    // The slave unreachable after the cut: unknown.
    for (cut, committed) in [(Cut::BeforeCommit, false), (Cut::AfterCommit, true)] {
        let before = slave.fingerprint("asterisk");
        let r = run(cut, false);
        r.assert_code(1);
        // One error line (progress and warnings aside).
        let errors: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.contains(": error: "))
            .collect();
        assert_eq!(errors.len(), 1, "one error line: {}", r.stderr);
        assert!(
            errors[0].contains("committing on the slave")
                && errors[0].contains("unknown")
                && errors[0].contains("check the slave")
                && !r.stderr.contains("rolled back"),
            "{}",
            r.stderr
        );
        if committed {
            assert_eq!(
                rows_only(&slave, "public.voicemail"),
                rows_only(&master, "public.voicemail")
            );
        } else {
            unchanged(&before);
        }
    }
    // Reachable again: the slave's own answer. A row more on the master
    // first, so that a commit shows.
    master.psql(
        "asterisk",
        "INSERT INTO voicemail (context, mailbox, fullname) VALUES ('default', '7777', 'late')",
    );
    let before = slave.fingerprint("asterisk");
    let r = run(Cut::BeforeCommit, true);
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("committing on the slave") && last.contains("rolled back, nothing changed"),
        "{}",
        r.stderr
    );
    unchanged(&before);
    let r = run(Cut::AfterCommit, true);
    r.assert_code(0);
    assert!(
        r.stderr
            .contains("the slave says the transaction committed")
            && r.stdout.starts_with("replicated "),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(
        rows_only(&slave, "public.voicemail"),
        rows_only(&master, "public.voicemail")
    );
}

/// `repair --accept-checksum` on the master records the old checksum, when
/// and who in the history table; the slave, at the same revision and never
/// repaired, has the same history table (its columns come with the table),
/// so the replication goes through and carries the master's history. A
/// slave whose history table predates those columns gets them from
/// `xivo-update-db`, even with nothing to apply.
#[test]
fn replication_after_a_repair_on_the_master_works() {
    let (master, slave) = pair();
    let edited = MigrationsDir::copy_of_repo();
    let file = std::fs::read_dir(edited.path.join("versions"))
        .expect("versions")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains(&repo_head()))
        .expect("head file");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("{text}\n-- edited after release\n")).expect("write");
    master
        .run(
            "xivo-manage-db",
            &["repair", "--accept-checksum", &repo_head()],
            Some(&edited.path),
        )
        .assert_code(0);
    fill(&master, 3);
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(0);
    let history = "SELECT revision, checksum, previous_checksum, repaired_at, repaired_by \
                     FROM xivo_manage_db_history ORDER BY revision";
    assert_eq!(
        slave.psql("asterisk", history),
        master.psql("asterisk", history)
    );
    let copied = |c: &Cluster| {
        let mut s = sums(c);
        s.retain(|t, _| !is_excluded(t));
        s
    };
    assert_eq!(copied(&slave), copied(&master));

    // A history table made by an earlier package, without the columns.
    slave.psql(
        "asterisk",
        "ALTER TABLE xivo_manage_db_history DROP COLUMN previous_checksum, \
           DROP COLUMN repaired_at, DROP COLUMN repaired_by",
    );
    slave.run("xivo-update-db", &[], None).assert_code(0);
    let r = run_replicate(&master, &slave_arg(&slave));
    r.assert_code(0);
    assert_eq!(
        slave.psql("asterisk", history),
        master.psql("asterisk", history)
    );
}

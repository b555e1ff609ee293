//! `xivo-manage-db queue-log stats|prune|prepare` and the preinst's online
//! prepare, on 14.07 hosts built by scripts/make-1407-host: each command's
//! normal case, concurrent inserts (by role asterisk, as the PBX does) during
//! prune and prepare (none lost, the longest wait printed), bad arguments,
//! the `--json` outputs, schema parity between `prepare` and the upgrade's
//! own step (asterisk-166's queue_log section), a prepare killed at any
//! point, an upgrade after a partial prepare, and the preinst path with its
//! rollback.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::host::{Host, DB};
use common::{missing_rows, Cluster, Host1407, MigrationsDir, LAYOUTS_1407};

const COLUMNS: &str =
    "\"time\", callid, queuename, agent, event, data1, data2, data3, data4, data5";

/// A 14.07 host (no fill) whose queue_log holds `rows` rows, their times
/// spread over 2013-2014, plus a few with the column's default ''.
fn host_1407(layout: &str, rows: u64) -> Host {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        layout,
        ..Default::default()
    });
    insert_rows(&h.c, rows);
    h
}

fn insert_rows(c: &Cluster, rows: u64) {
    c.psql(
        DB,
        &format!(
            "INSERT INTO queue_log ({COLUMNS}) \
             SELECT to_char(timestamp '2013-01-01' + g * interval '37 seconds', 'YYYY-MM-DD HH24:MI:SS.US'), \
                    'call-' || g, 'q' || g % 7, 'Agent/' || g % 50, \
                    (ARRAY['ENTERQUEUE','CONNECT','COMPLETECALLER'])[1 + g % 3], g::text, '', NULL, 'x', '' \
               FROM generate_series(1, {rows}) g; \
             INSERT INTO queue_log (callid, event) VALUES ('no-time-1', 'CONFIGRELOAD'), ('no-time-2', 'CONFIGRELOAD'); \
             ANALYZE queue_log"
        ),
    );
}

/// queue_log's rows over its 14.07 columns, sorted.
fn rows_1407(c: &Cluster, db: &str) -> Vec<String> {
    let cols: Vec<String> = COLUMNS.split(", ").map(String::from).collect();
    c.rows_of(db, "queue_log", &cols)
}

fn manage(c: &Cluster, args: &[&str]) -> common::Run {
    c.run("xivo-manage-db", args, None)
}

/// What the upgrade's step leaves vs what prepare leaves: the whole schema
/// dump, plus the sequence's definition, value and owner.
fn id_schema(c: &Cluster, db: &str) -> (String, String) {
    (
        c.schema(db),
        c.psql(
            db,
            "SELECT data_type, start_value, min_value, max_value, increment_by, cycle, cache_size, \
                    last_value, sequenceowner FROM pg_sequences WHERE sequencename = 'queue_log_id_seq'",
        ),
    )
}

/// What the upgrade does to queue_log, as the merge runs it: the queue_log
/// section of asterisk-166.sql (its last; no other part of the script
/// touches queue_log) as the superuser, once the merge has made the owner
/// role (asterisk) the database's owner (the script grants to the
/// database's owner); the database's owner is put back after, in the same
/// transaction.
fn upgrade_step(c: &Cluster, db: &str) {
    let file = common::repo_migrations().join("legacy/asterisk-166.sql");
    let script = std::fs::read_to_string(&file).expect("asterisk-166.sql");
    let (rest, section) = script
        .split_once("-- 5. queue_log")
        .expect("asterisk-166's queue_log section");
    assert!(
        !rest.contains("queue_log"),
        "only asterisk-166's last section touches queue_log"
    );
    let section = format!("-- 5. queue_log{section}");
    let was = c
        .psql(
            "postgres",
            &format!("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{db}'"),
        )
        .trim()
        .to_string();
    let mut cmd = common::as_owner("psql");
    cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
        .arg(&c.dir)
        .args([
            "-p",
            &c.port.to_string(),
            "-U",
            &common::owner().name,
            "-d",
            db,
            "-1",
            "-c",
            &format!("ALTER DATABASE \"{db}\" OWNER TO asterisk"),
            "-c",
            &section,
            "-c",
            &format!("ALTER DATABASE \"{db}\" OWNER TO \"{was}\""),
        ]);
    let out = cmd.output().expect("psql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy_database(c: &Cluster, from: &str, to: &str) {
    c.psql("postgres", &format!("CREATE DATABASE {to} TEMPLATE {from}"));
}

/// Every row has a distinct id, and the table is in the upgrade's state.
fn assert_prepared(c: &Cluster, db: &str) {
    assert_eq!(
        c.psql(
            db,
            "SELECT count(*) = count(id) AND count(id) = count(DISTINCT id) FROM queue_log"
        ),
        "t",
        "every row has a distinct id"
    );
    assert_eq!(
        c.psql(
            db,
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint \
              WHERE conrelid = 'queue_log'::regclass ORDER BY 1"
        ),
        "queue_log_pkey PRIMARY KEY (id)"
    );
}

/// An inserter as the PBX is one: role asterisk, one short transaction per
/// row, in a loop, timing each insert.
struct Inserter {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<Inserted>,
}

#[derive(Debug)]
struct Inserted {
    callids: Vec<String>,
    max_wait: Duration,
    errors: Vec<String>,
}

impl Inserter {
    fn start(c: &Cluster, tag: &str) -> Inserter {
        let stop = Arc::new(AtomicBool::new(false));
        let conn = format!(
            "host={} port={} user=asterisk password=proformatique dbname={DB}",
            c.dir.display(),
            c.port
        );
        let (stop2, tag) = (stop.clone(), tag.to_string());
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let (client, connection) = tokio_postgres::connect(&conn, tokio_postgres::NoTls)
                    .await
                    .expect("connect as asterisk");
                tokio::spawn(connection);
                let mut out = Inserted {
                    callids: Vec::new(),
                    max_wait: Duration::ZERO,
                    errors: Vec::new(),
                };
                let mut n = 0u64;
                while !stop2.load(Ordering::SeqCst) {
                    n += 1;
                    let callid = format!("{tag}-{n}");
                    let started = Instant::now();
                    let r = client
                        .execute(
                            "INSERT INTO queue_log (\"time\", callid, queuename, agent, event) \
                             VALUES (to_char(now(), 'YYYY-MM-DD HH24:MI:SS.US'), $1, 'live', 'Agent/9', 'CONNECT')",
                            &[&callid],
                        )
                        .await;
                    out.max_wait = out.max_wait.max(started.elapsed());
                    match r {
                        Ok(_) => out.callids.push(callid),
                        Err(e) => out.errors.push(format!(
                            "{callid}: {}",
                            e.as_db_error().map_or(e.to_string(), |d| d.message().to_string())
                        )),
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                out
            })
        });
        // Running before the command under test starts.
        std::thread::sleep(Duration::from_millis(300));
        Inserter { stop, handle }
    }

    fn finish(self) -> Inserted {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.join().expect("inserter")
    }
}

/// Every row the inserter committed is there, with an id.
fn assert_inserted_kept(c: &Cluster, ins: &Inserted, tag: &str) {
    assert!(
        ins.errors.is_empty(),
        "inserts failed: {:?}",
        &ins.errors[..ins.errors.len().min(3)]
    );
    assert!(!ins.callids.is_empty(), "the inserter inserted nothing");
    let there: Vec<String> = c
        .psql(
            DB,
            &format!("SELECT callid FROM queue_log WHERE callid LIKE '{tag}-%' ORDER BY callid"),
        )
        .lines()
        .map(String::from)
        .collect();
    let mut want = ins.callids.clone();
    want.sort();
    assert_eq!(there, want, "rows inserted during the command");
}

// ------------------------------------------------------------------ prepare

#[test]
fn prepare_leaves_exactly_what_the_upgrade_step_leaves() {
    for layout in LAYOUTS_1407 {
        let h = Host::new();
        h.c.make_1407_host(Host1407 {
            layout,
            fill: true,
            queue_log_rows: 20_000,
            ..Default::default()
        });
        let before = rows_1407(&h.c, DB);
        copy_database(&h.c, DB, "via_upgrade_step");
        upgrade_step(&h.c, "via_upgrade_step");
        let r = manage(&h.c, &["queue-log", "prepare"]);
        r.assert_code(0);
        assert!(r.stdout.contains("has its id primary key"), "{}", r.stdout);
        let (prepared, stepped) = (id_schema(&h.c, DB), id_schema(&h.c, "via_upgrade_step"));
        assert!(
            prepared.0 == stepped.0,
            "{layout}: schema after prepare differs from the upgrade step's: {}",
            common::first_difference(&stepped.0, &prepared.0)
        );
        assert_eq!(prepared.1, stepped.1, "{layout}: sequence");
        assert!(
            prepared.1.starts_with("integer|1|1|2147483647|1|f|1|"),
            "{}",
            prepared.1
        );
        // Same rows, same ids (both number the rows in physical order).
        let all: Vec<String> = format!("id, {COLUMNS}")
            .split(", ")
            .map(String::from)
            .collect();
        assert_eq!(
            h.c.rows_of(DB, "queue_log", &all),
            h.c.rows_of("via_upgrade_step", "queue_log", &all),
            "{layout}: rows and ids"
        );
        assert_eq!(rows_1407(&h.c, DB), before, "{layout}: no row changed");
        assert_prepared(&h.c, DB);
        // Idempotent: the second run has nothing to do.
        let again = manage(&h.c, &["queue-log", "prepare"]);
        again.assert_code(0);
        assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);
        assert_eq!(id_schema(&h.c, DB), prepared);
    }
}

#[test]
fn prepare_under_concurrent_inserts_loses_nothing_and_blocks_nobody() {
    let h = host_1407("superuser-owned", 300_000);
    let before = rows_1407(&h.c, DB);
    let ins = Inserter::start(&h.c, "during-prepare");
    let r = manage(&h.c, &["queue-log", "prepare"]);
    let ins = ins.finish();
    r.assert_code(0);
    println!(
        "prepare of 300,000 rows with a concurrent inserter: {} inserts, longest insert {:.1} ms",
        ins.callids.len(),
        ins.max_wait.as_secs_f64() * 1000.0
    );
    assert_inserted_kept(&h.c, &ins, "during-prepare");
    let after = rows_1407(&h.c, DB);
    let missing = missing_rows(&before, &after);
    assert!(
        missing.is_empty(),
        "{} rows lost, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    assert_eq!(after.len(), before.len() + ins.callids.len());
    assert_prepared(&h.c, DB);
    // Rows inserted afterwards, by the PBX's role, get ids too.
    h.c.psql(
        DB,
        "SET ROLE asterisk; INSERT INTO queue_log (callid) VALUES ('after')",
    );
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT id IS NOT NULL FROM queue_log WHERE callid = 'after'"
        ),
        "t"
    );
}

/// What a prepare left: id column, rows without id, invalid indexes, constraints.
fn prepare_state(c: &Cluster) -> String {
    c.psql(
        DB,
        "SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = 'queue_log'::regclass AND attname = 'id' \
                    AND NOT attisdropped) || ' id, ' || \
                (SELECT count(*) FROM pg_index WHERE indrelid = 'queue_log'::regclass AND NOT indisvalid) \
                    || ' invalid index, constraints: ' || \
                coalesce((SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint \
                           WHERE conrelid = 'queue_log'::regclass), 'none')",
    )
}

#[test]
fn prepare_killed_at_any_point_resumes_and_converges() {
    let h = host_1407("superuser-owned", 200_000);
    let before = rows_1407(&h.c, DB);
    copy_database(&h.c, DB, "via_upgrade_step");
    upgrade_step(&h.c, "via_upgrade_step");
    let want = id_schema(&h.c, "via_upgrade_step").0;
    // 1. A real SIGKILL in the middle of the backfill: once the column is
    // there and some rows still have no id.
    let mut child = h.c.cmd("xivo-manage-db");
    child.args(["queue-log", "prepare"]);
    let mut child = child.spawn().expect("spawn prepare");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "the backfill never showed");
        let partial = h.c.psql(
            DB,
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'queue_log'::regclass AND attname = 'id') \
                AND EXISTS (SELECT 1 FROM queue_log WHERE id IS NOT NULL) \
                AND EXISTS (SELECT 1 FROM queue_log WHERE id IS NULL)",
        );
        if partial == "t" {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let left = prepare_state(&h.c);
    assert_eq!(left, "1 id, 0 invalid index, constraints: none");
    let r = manage(&h.c, &["queue-log", "stats"]);
    assert!(r.stdout.contains("id column being added"), "{}", r.stdout);
    manage(&h.c, &["queue-log", "prepare"]).assert_code(0);
    assert_prepared(&h.c, DB);
    assert_eq!(rows_1407(&h.c, DB), before, "killed in the backfill: rows");
    let got = id_schema(&h.c, DB).0;
    assert!(got == want, "{}", common::first_difference(&want, &got));

    // 2. Killed during the concurrent index build (an invalid index left)
    // and 3. after the NOT VALID check: the states those kills leave.
    for (case, sql) in [
        (
            "invalid index",
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'queue_log_pkey'::regclass",
        ),
        (
            "check not validated",
            "ALTER TABLE queue_log ADD CONSTRAINT queue_log_id_not_null CHECK (id IS NOT NULL) NOT VALID",
        ),
    ] {
        h.c.psql(
            DB,
            &format!(
                "ALTER TABLE queue_log DROP CONSTRAINT queue_log_pkey; \
                 ALTER TABLE queue_log ALTER COLUMN id DROP NOT NULL; \
                 CREATE UNIQUE INDEX queue_log_pkey ON queue_log (id); {sql}"
            ),
        );
        assert!(prepare_state(&h.c).starts_with("1 id"), "{case}");
        manage(&h.c, &["queue-log", "prepare"]).assert_code(0);
        assert_prepared(&h.c, DB);
        assert_eq!(rows_1407(&h.c, DB), before, "{case}: rows");
        let got = id_schema(&h.c, DB).0;
        assert!(got == want, "{case}: {}", common::first_difference(&want, &got));
    }
}

/// queue_log's indexes other than the primary key: name, validity, size.
fn other_indexes(c: &Cluster) -> Vec<(String, bool, i64)> {
    c.psql(
        DB,
        "SELECT ic.relname || ' ' || i.indisvalid || ' ' || pg_relation_size(ic.oid) \
           FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
          WHERE i.indrelid = 'queue_log'::regclass AND ic.relname <> 'queue_log_pkey' ORDER BY 1",
    )
    .lines()
    .map(|l| {
        let f: Vec<&str> = l.split(' ').collect();
        (
            f[0].to_string(),
            f[1] == "true",
            f[2].parse().expect("size"),
        )
    })
    .collect()
}

/// The indexes of queue_log on a real 14.07 host, its primary key aside.
const QUEUE_LOG_INDEXES: [&str; 5] = [
    "queue_log__idx_agent",
    "queue_log__idx_callid",
    "queue_log__idx_event",
    "queue_log__idx_queuename",
    "queue_log__idx_time",
];

/// `validity` expected: those indexes valid, and `invalid` ones (sorted
/// in with them) left invalid.
fn all_valid(invalid: &[&str]) -> Vec<(String, bool)> {
    let mut v: Vec<(String, bool)> = QUEUE_LOG_INDEXES
        .iter()
        .map(|n| (n.to_string(), true))
        .chain(invalid.iter().map(|n| (n.to_string(), false)))
        .collect();
    v.sort();
    v
}

/// `other_indexes` without the sizes.
fn validity(c: &Cluster) -> Vec<(String, bool)> {
    other_indexes(c)
        .into_iter()
        .map(|(n, v, _)| (n, v))
        .collect()
}

#[test]
fn prepare_rebuilds_the_indexes_the_backfill_doubled_and_what_a_killed_rebuild_leaves_is_dropped() {
    let h = host_1407("superuser-owned", 200_000);
    let before_rows = rows_1407(&h.c, DB);
    let before = other_indexes(&h.c);
    let names: Vec<&str> = before.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, QUEUE_LOG_INDEXES);
    // 1. Rebuilt after the backfill: no bigger than before it (without the
    // rebuild each is about twice its size), same names, valid.
    let r = manage(&h.c, &["queue-log", "prepare"]);
    r.assert_code(0);
    for name in &names {
        assert!(
            r.stderr.contains(&format!(
                "rebuilding index {name} of queue_log concurrently: done"
            )),
            "{}",
            r.stderr
        );
    }
    let after = other_indexes(&h.c);
    for ((name, _, was), (now_name, valid, now)) in before.iter().zip(&after) {
        assert_eq!((name, true), (now_name, *valid));
        assert!(
            *now <= was + was / 10,
            "{name}: {now} bytes after the prepare, {was} before it"
        );
    }
    assert_prepared(&h.c, DB);
    assert_eq!(rows_1407(&h.c, DB), before_rows);

    // 2. The rebuild's session ended in the middle (what a kill of the
    // server process, or an administrator's pg_terminate_backend, does):
    // the prepare itself is done (exit 0, a warning); the invalid copy is
    // dropped by the next run, here preinst's online step.
    h.c.psql(DB, "ALTER TABLE queue_log DROP COLUMN id");
    let mut child = h.c.cmd("xivo-manage-db");
    child.args(["queue-log", "prepare"]);
    child.stderr(std::process::Stdio::piped());
    let mut child = child.spawn().expect("spawn prepare");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("prepare ends");
            panic!(
                "the rebuild never showed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let ended = h.c.psql(
            DB,
            "SELECT coalesce(bool_or(pg_terminate_backend(a.pid)), false) FROM pg_stat_activity a \
              WHERE a.backend_type = 'client backend' \
                AND a.query LIKE 'REINDEX INDEX CONCURRENTLY%' AND EXISTS \
                    (SELECT 1 FROM pg_class c WHERE c.relname ~ '^queue_log__idx_.*_ccnew$')",
        );
        if ended == "t" {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("prepare ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("rebuilding queue_log's indexes failed"),
        "{stderr}"
    );
    assert_prepared(&h.c, DB);
    let left = validity(&h.c);
    assert!(
        left.iter().any(|(n, v)| n.ends_with("_ccnew") && !v),
        "the kill left an invalid copy: {left:?}"
    );
    h.start_only(&["pbx-a", "pbx-b"]);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(0);
    assert!(
        r.stderr.contains("left invalid by an interrupted rebuild"),
        "{}",
        r.stderr
    );
    let left = validity(&h.c);
    assert_eq!(left, all_valid(&[]));
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);

    // 3. `queue-log prepare` drops such leftovers too, and only them: an
    // invalid index of another name is the administrator's.
    for name in ["queue_log__idx_time_ccold", "admin_unfinished"] {
        // A unique index on a constant fails on the second row, invalid.
        let out =
            h.c.psql_cmd(
                DB,
                &format!("CREATE UNIQUE INDEX CONCURRENTLY {name} ON queue_log ((1))"),
            )
            .output()
            .expect("psql");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("could not create unique index"), "{err}");
    }
    let r = manage(&h.c, &["queue-log", "prepare"]);
    r.assert_code(0);
    let left = validity(&h.c);
    assert_eq!(left, all_valid(&["admin_unfinished"]));
    assert_eq!(rows_1407(&h.c, DB), before_rows);
}

#[test]
fn upgrade_after_a_partial_prepare_finishes_it() {
    let h = host_1407("superuser-owned", 50_000);
    let before = rows_1407(&h.c, DB);
    // What a prepare killed after its first steps leaves: the column, some
    // ids, an invalid index (a killed concurrent build) and the NOT VALID check.
    h.c.psql(
        DB,
        "CREATE SEQUENCE queue_log_id_seq AS integer; \
         ALTER TABLE queue_log ADD COLUMN id integer; \
         ALTER TABLE queue_log ALTER COLUMN id SET DEFAULT nextval('queue_log_id_seq'::regclass); \
         ALTER SEQUENCE queue_log_id_seq OWNED BY queue_log.id; \
         GRANT ALL ON SEQUENCE queue_log_id_seq TO asterisk; \
         UPDATE queue_log SET id = DEFAULT WHERE ctid < '(100,0)'::tid; \
         CREATE UNIQUE INDEX queue_log_pkey ON queue_log (id); \
         UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'queue_log_pkey'::regclass; \
         ALTER TABLE queue_log ADD CONSTRAINT queue_log_id_not_null CHECK (id IS NOT NULL) NOT VALID",
    );
    let r = manage(&h.c, &["queue-log", "stats"]);
    r.assert_code(0);
    assert!(r.stdout.contains("id column being added"), "{}", r.stdout);
    h.c.run("xivo-update-db", &[], None).assert_code(0);
    h.c.run("xivo-check-db", &[], None).assert_code(0);
    assert_prepared(&h.c, DB);
    assert_eq!(rows_1407(&h.c, DB), before);
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'queue_log_pkey'::regclass"
        ),
        "t"
    );
}

// ------------------------------------------------------------------ preinst

/// A failing version after head: the upgrade fails after the merge committed.
fn broken_migrations() -> MigrationsDir {
    let broken = MigrationsDir::copy_of_repo();
    std::fs::write(
        broken.path.join("versions/fa11ed000003_test.sql"),
        format!(
            "-- revision: fa11ed000003\n-- down_revision: {}\n-- message: fails alone\n-- transactional: false\n\nSELECT 1/0;\n",
            common::repo_head()
        ),
    )
    .expect("write version");
    broken
}

#[test]
fn preinst_prepares_queue_log_online_and_a_rollback_keeps_it() {
    let h = host_1407("superuser-owned", 100_000);
    // Services whose sessions are short (the PBX's daemons): dbclient's
    // hour-long query is the other test's case.
    h.start_only(&["pbx-a", "pbx-b"]);
    let before = rows_1407(&h.c, DB);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(0);
    let online = r
        .stderr
        .find("adding queue_log's id online: done")
        .unwrap_or_else(|| panic!("no online prepare: {}", r.stderr));
    let stop = r
        .stderr
        .find("stopping the services...")
        .expect("services stopped");
    assert!(
        online < stop,
        "the prepare ran before any service stopped: {}",
        r.stderr
    );
    assert_eq!(h.actions(), "stop pbx-a\nstop pbx-b\n");
    assert_prepared(&h.c, DB);
    let prepared = (h.c.fingerprint(DB), h.c.fingerprint("xivo"));
    // A failing upgrade is rolled back to the snapshot, taken after the
    // prepare: queue_log keeps its id, the rest is as before.
    let broken = broken_migrations();
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert!(r.stderr.contains("restored from snapshot"), "{}", r.stderr);
    assert_eq!((h.c.fingerprint(DB), h.c.fingerprint("xivo")), prepared);
    assert_prepared(&h.c, DB);
    assert_eq!(rows_1407(&h.c, DB), before);
    // The fixed package converges, with nothing left to do on queue_log.
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(!r.stderr.contains("queue_log holds about"), "{}", r.stderr);
    assert_prepared(&h.c, DB);
    assert_eq!(rows_1407(&h.c, DB), before);
    assert_eq!(
        common::host::sorted(h.running()),
        vec!["pbx-a".to_string(), "pbx-b".to_string()]
    );
}

#[test]
fn preinst_behind_a_long_transaction_leaves_queue_log_alone_and_the_upgrade_adds_the_id_offline() {
    let h = host_1407("superuser-owned", 30_000);
    // dbclient sits in a one-hour query: the concurrent index build would
    // wait for it, so preinst does not start the online step at all.
    h.start_services();
    let before = rows_1407(&h.c, DB);
    let schema = h.c.fingerprint(DB);
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None);
    r.assert_code(0);
    assert!(
        r.stderr
            .contains("not adding queue_log's id online: session pid")
            && r.stderr.contains("application 'psql'")
            && r.stderr
                .contains("the upgrade adds it with the services stopped"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("adding queue_log's id online..."),
        "{}",
        r.stderr
    );
    assert_eq!(
        h.c.fingerprint(DB),
        schema,
        "preinst left queue_log as it was"
    );
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(r.stderr.contains("queue_log holds about"), "{}", r.stderr);
    assert_prepared(&h.c, DB);
    assert_eq!(rows_1407(&h.c, DB), before);
    assert_eq!(
        common::host::sorted(h.running()),
        common::host::running_set()
    );
}

// ------------------------------------------------------------------ prune

/// `n` with a comma every three digits, as every count is printed.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn prune_deletes_only_older_rows_under_concurrent_inserts() {
    let h = host_1407("superuser-owned", 200_000);
    let cutoff = "2013-02-01";
    let before = rows_1407(&h.c, DB);
    let (old, keep): (Vec<String>, Vec<String>) = before
        .iter()
        .cloned()
        .partition(|r| r.as_bytes()[0].is_ascii_digit() && r[..10] < *cutoff);
    assert!(!old.is_empty() && !keep.is_empty());
    // --dry-run says what would go, changes nothing.
    let r = manage(
        &h.c,
        &["queue-log", "prune", "--before", cutoff, "--dry-run"],
    );
    r.assert_code(0);
    assert!(
        r.stdout.contains(&format!(
            "would delete {} queue_log rows",
            grouped(old.len())
        )),
        "{}",
        r.stdout
    );
    assert_eq!(rows_1407(&h.c, DB), before);

    let ins = Inserter::start(&h.c, "during-prune");
    let r = manage(&h.c, &["queue-log", "prune", "--before", cutoff]);
    let ins = ins.finish();
    r.assert_code(0);
    assert!(
        r.stdout
            .contains(&format!("deleted {} queue_log rows", grouped(old.len()))),
        "{}",
        r.stdout
    );
    println!(
        "prune of {} rows with a concurrent inserter: {} inserts, longest insert {:.1} ms",
        old.len(),
        ins.callids.len(),
        ins.max_wait.as_secs_f64() * 1000.0
    );
    assert_inserted_kept(&h.c, &ins, "during-prune");
    let after: Vec<String> = rows_1407(&h.c, DB)
        .into_iter()
        .filter(|r| !r.contains("during-prune-"))
        .collect();
    assert_eq!(
        after, keep,
        "exactly the rows before the date went ('' times kept)"
    );
}

#[test]
fn bad_arguments_are_refused_before_anything() {
    let h = host_1407("superuser-owned", 1000);
    let before = (h.c.fingerprint(DB), rows_1407(&h.c, DB));
    for (args, says) in [
        (
            &["queue-log", "prune", "--before", "2014-02-30"][..],
            "is not a date",
        ),
        (
            &["queue-log", "prune", "--before", "yesterday"][..],
            "is not a date",
        ),
        (
            &["queue-log", "prune", "--before"][..],
            "a value is required",
        ),
        (&["queue-log", "prune"][..], "--before"),
        (
            &["queue-log", "prune", "--before", "2014-01-01", "--force"][..],
            "--force",
        ),
        (&["queue-log", "stats", "--fast"][..], "--fast"),
        (&["queue-log", "prepare", "now"][..], "now"),
        (&["queue-log"][..], "Usage"),
        (&["status", "--yaml"][..], "--yaml"),
    ] {
        let r = manage(&h.c, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    let r = manage(&h.c, &["queue-log", "prune", "--before", "2014-13-01"]);
    assert_eq!(
        r.stderr.trim(),
        "xivo-manage-db: error: --before '2014-13-01' is not a date: give YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]' (e.g. 2014-03-01)"
    );
    assert_eq!(
        (h.c.fingerprint(DB), rows_1407(&h.c, DB)),
        before,
        "nothing changed"
    );
}

// ------------------------------------------------------------------ stats

/// The fields of a flat JSON object (strings, numbers, booleans, null, arrays
/// of strings), strictly: anything else fails the test.
fn parse_json_object(text: &str) -> BTreeMap<String, String> {
    fn string(s: &mut std::iter::Peekable<std::str::Chars>) -> String {
        assert_eq!(s.next(), Some('"'));
        let mut out = String::new();
        loop {
            match s.next().expect("unterminated string") {
                '"' => return out,
                '\\' => match s.next().expect("escape") {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'u' => {
                        let hex: String = (0..4).map(|_| s.next().expect("hex")).collect();
                        out.push(
                            char::from_u32(u32::from_str_radix(&hex, 16).expect("hex"))
                                .expect("char"),
                        );
                    }
                    c @ ('"' | '\\' | '/') => out.push(c),
                    c => panic!("bad escape \\{c}"),
                },
                c => {
                    assert!(c as u32 >= 0x20, "raw control character in a string");
                    out.push(c)
                }
            }
        }
    }
    let text = text.trim_end_matches('\n');
    assert!(!text.contains('\n'), "one line: {text}");
    let mut s = text.chars().peekable();
    let mut out = BTreeMap::new();
    let skip_ws = |s: &mut std::iter::Peekable<std::str::Chars>| {
        while s.peek() == Some(&' ') {
            s.next();
        }
    };
    assert_eq!(s.next(), Some('{'), "{text}");
    loop {
        skip_ws(&mut s);
        let key = string(&mut s);
        skip_ws(&mut s);
        assert_eq!(s.next(), Some(':'));
        skip_ws(&mut s);
        let value = match s.peek() {
            Some('"') => string(&mut s),
            Some('[') => {
                s.next();
                let mut items = Vec::new();
                loop {
                    skip_ws(&mut s);
                    if s.peek() == Some(&']') {
                        s.next();
                        break;
                    }
                    items.push(string(&mut s));
                    skip_ws(&mut s);
                    if s.peek() == Some(&',') {
                        s.next();
                    }
                }
                format!("[{}]", items.join("|"))
            }
            _ => {
                let mut v = String::new();
                while let Some(&c) = s.peek() {
                    if c == ',' || c == '}' || c == ' ' {
                        break;
                    }
                    v.push(c);
                    s.next();
                }
                assert!(
                    v == "true" || v == "false" || v == "null" || v.parse::<f64>().is_ok(),
                    "bad value {v:?} in {text}"
                );
                v
            }
        };
        assert!(out.insert(key.clone(), value).is_none(), "duplicate {key}");
        skip_ws(&mut s);
        match s.next() {
            Some(',') => continue,
            Some('}') => break,
            c => panic!("expected , or }} in {text}, got {c:?}"),
        }
    }
    assert_eq!(s.next(), None, "trailing text: {text}");
    out
}

#[test]
fn stats_reports_rows_size_times_and_upgrade_cost() {
    let h = host_1407("superuser-owned", 250_000);
    // Stale statistics (a tenth of the rows added since ANALYZE): stats analyses.
    h.c.psql(
        DB,
        &format!(
            "INSERT INTO queue_log ({COLUMNS}) SELECT '2015-06-0' || (1 + g % 9) || ' 10:00:00.000000', 'late-' || g, \
             'q', 'a', 'CONNECT', '', '', '', '', '' FROM generate_series(1, 25000) g"
        ),
    );
    let exact: u64 =
        h.c.psql(DB, "SELECT count(*) FROM queue_log")
            .parse()
            .expect("count");
    let r = manage(&h.c, &["queue-log", "stats", "--json"]);
    r.assert_code(0);
    let j = parse_json_object(&r.stdout);
    let rows: f64 = j["rows"].parse().expect("rows");
    assert!(
        (rows - exact as f64).abs() <= exact as f64 * 0.01,
        "estimate {rows} vs {exact}: {}",
        r.stdout
    );
    assert_eq!(j["rows_exact"], "false");
    assert_eq!(j["analyzed"], "true", "stale statistics were refreshed");
    assert_eq!(j["database"], DB);
    assert_eq!(j["has_id"], "false");
    assert_eq!(j["id_state"], "no-id");
    let (oldest, newest) = h
        .c
        .psql(
            DB,
            "SELECT min(\"time\" COLLATE \"C\") || '|' || max(\"time\" COLLATE \"C\") FROM queue_log WHERE \"time\" <> ''",
        )
        .split_once('|')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .expect("times");
    assert_eq!(
        (j["oldest_time"].as_str(), j["newest_time"].as_str()),
        (oldest.as_str(), newest.as_str())
    );
    assert_eq!(oldest, "2013-01-01 00:00:37.000000");
    assert_eq!(newest, "2015-06-09 10:00:00.000000");
    let size: i64 =
        h.c.psql(DB, "SELECT pg_total_relation_size('queue_log')")
            .parse()
            .expect("size");
    assert_eq!(j["total_bytes"], size.to_string());
    let secs: f64 = j["upgrade_seconds"].parse().expect("upgrade_seconds");
    assert!(secs > 0.0, "{}", r.stdout);

    // The measured throughput is kept for a day: a second run measures
    // nothing and quotes it (rows / rate x 2.5, the full-size penalty); a
    // junk or day-old file is measured again and rewritten.
    let kept = h.c.state_dir().join("queue-log-throughput");
    let text = std::fs::read_to_string(&kept).expect("throughput kept");
    let (rate, _at) = text.trim().split_once(' ').expect("rate and time");
    assert!(rate.parse::<f64>().expect("rate") > 0.0, "{text}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    std::fs::write(&kept, format!("1000.0 {now}\n")).expect("write");
    let quoted = |r: &common::Run| -> f64 {
        parse_json_object(&r.stdout)["upgrade_seconds"]
            .parse()
            .expect("upgrade_seconds")
    };
    let r = manage(&h.c, &["queue-log", "stats", "--json"]);
    r.assert_code(0);
    let rows: f64 = parse_json_object(&r.stdout)["rows"].parse().expect("rows");
    assert!(
        (quoted(&r) - rows / 1000.0 * 2.5).abs() < 0.01,
        "the kept rate was used: {}",
        r.stdout
    );
    for stale in ["junk".to_string(), format!("1000.0 {}\n", now - 2 * 86_400)] {
        std::fs::write(&kept, &stale).expect("write");
        let r = manage(&h.c, &["queue-log", "stats", "--json"]);
        r.assert_code(0);
        assert!(
            (quoted(&r) - rows / 1000.0 * 2.5).abs() > 0.01,
            "{stale:?} was measured again: {}",
            r.stdout
        );
        let again = std::fs::read_to_string(&kept).expect("rewritten");
        assert!(again != stale && again.ends_with('\n'), "{again:?}");
    }

    // Text, and --exact.
    let r = manage(&h.c, &["queue-log", "stats", "--exact"]);
    r.assert_code(0);
    assert!(
        r.stdout.contains(&format!(
            "rows:\t\t{} (exact count)",
            exact
                .to_string()
                .as_bytes()
                .rchunks(3)
                .rev()
                .map(|c| std::str::from_utf8(c).expect("utf8"))
                .collect::<Vec<_>>()
                .join(",")
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("oldest time:\t2013-01-01 00:00:37.000000"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("id column:\tno id column"),
        "{}",
        r.stdout
    );

    // After prepare: no upgrade cost left.
    manage(&h.c, &["queue-log", "prepare"]).assert_code(0);
    let j = parse_json_object(&manage(&h.c, &["queue-log", "stats", "--json"]).stdout);
    assert_eq!(
        (j["has_id"].as_str(), j["id_state"].as_str()),
        ("true", "done")
    );
    assert_eq!(j["upgrade_seconds"], "0.000");
}

#[test]
fn status_json_is_one_object_with_the_exit_code() {
    let h = host_1407("superuser-owned", 10);
    let r = manage(&h.c, &["status", "--json"]);
    let j = parse_json_object(&r.stdout);
    assert_eq!(j["code"], r.code.to_string());
    assert_eq!(r.code, 1, "a 14.07 host is behind: {}", r.stdout);
    assert_eq!(j["up_to_date"], "false");
    assert_eq!(j["database"], DB);
    assert_eq!(j["head"], common::repo_head());
    assert_eq!(j["state"], "legacy");
    assert_eq!(j["error"], "null");
    assert!(j["pending"].contains(&common::repo_head()), "{}", r.stdout);
    assert_eq!(j["state_dir"], h.c.state_dir().display().to_string());
    // The text form says the same state, with the 14.07 lines.
    let t = manage(&h.c, &["status"]);
    assert_eq!(t.code, 1);
    assert!(
        t.stdout.contains("state:\t\tNOK (14.07 system") && t.stdout.contains("asterisk"),
        "{}",
        t.stdout
    );
}

// ------------------------------------------- bounded waits (issue 20)

/// A psql session on the 14.07 database, named `app`, that ran `sql` and
/// stays open (its transaction too) until its stdin is dropped.
fn holder(c: &Cluster, app: &str, sql: &str) -> std::process::Child {
    use std::io::Write;
    let mut child = common::as_owner("psql")
        .args(["-X", "-q", "-h"])
        .arg(&c.dir)
        .args(["-p", &c.port.to_string(), "-d", DB])
        .env("PGAPPNAME", app)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("psql session");
    let stdin = child.stdin.as_mut().expect("stdin");
    writeln!(stdin, "{sql}").expect("sql");
    stdin.flush().expect("flush");
    child
}

/// Send `sql` to a `holder` session.
fn tell(holder: &mut std::process::Child, sql: &str) {
    use std::io::Write;
    let stdin = holder.stdin.as_mut().expect("stdin");
    writeln!(stdin, "{sql}").expect("sql");
    stdin.flush().expect("flush");
}

/// Wait until `c` shows a session for which `condition` (over
/// pg_stat_activity) holds.
fn wait_for_session(c: &Cluster, condition: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while c.psql(
        "postgres",
        &format!("SELECT count(*) FROM pg_stat_activity WHERE {condition}"),
    ) == "0"
    {
        assert!(Instant::now() < deadline, "{what} never showed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The run, waited for, or killed (and the test failed) if it still runs
/// long after every wait it may do (LOCK_TIMEOUT, a few seconds here).
fn finish_or_hang(mut child: std::process::Child, what: &str) -> common::Run {
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("ends");
            panic!(
                "{what} still waits, 120 s on: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    common::Run::from(child.wait_with_output().expect("ends"))
}

/// A prepared queue_log put back in the state a prepare killed during its
/// index build leaves: the id column, nullable, an invalid queue_log_pkey.
fn killed_in_the_index_build(c: &Cluster) {
    c.psql(
        DB,
        "ALTER TABLE queue_log DROP CONSTRAINT queue_log_pkey; \
         ALTER TABLE queue_log ALTER COLUMN id DROP NOT NULL; \
         CREATE UNIQUE INDEX queue_log_pkey ON queue_log (id); \
         UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'queue_log_pkey'::regclass",
    );
    assert_eq!(prepare_state(c), "1 id, 1 invalid index, constraints: none");
}

fn set_lock_timeout(c: &Cluster, seconds: u32) {
    let mut text = std::fs::read_to_string(c.config_path()).expect("config");
    text.push_str(&format!("LOCK_TIMEOUT={seconds}\n"));
    std::fs::write(c.config_path(), text).expect("config");
}

/// Issue 20: every lock `queue-log prepare` waits for is bounded by
/// LOCK_TIMEOUT. The column is added under a short exclusive lock tried
/// again while queue_log is busy: for LOCK_TIMEOUT in all. The invalid
/// index a killed run left is dropped
/// concurrently, which waits for every transaction using queue_log; the
/// validation of the NOT NULL check waits for a session holding a lock
/// that conflicts with it. Behind a session in such a transaction, each
/// gives up after LOCK_TIMEOUT naming it (exit 1), and the next run, once
/// it is gone, finishes.
#[test]
fn prepare_behind_a_transaction_holding_queue_log_gives_up_after_lock_timeout_instead_of_hanging() {
    let h = host_1407("superuser-owned", 2_000);
    let before = rows_1407(&h.c, DB);
    manage(&h.c, &["queue-log", "prepare"]).assert_code(0);
    set_lock_timeout(&h.c, 2);
    for (case, leave, lock) in [
        (
            // Its short exclusive lock, tried again and again while a
            // session holds queue_log: LOCK_TIMEOUT in all, not more.
            "adding the column",
            Some("ALTER TABLE queue_log DROP COLUMN id"),
            "SELECT count(*) FROM queue_log;",
        ),
        (
            "dropping the invalid index",
            None,
            "SELECT count(*) FROM queue_log;",
        ),
        (
            "validating the check",
            Some(
                "ALTER TABLE queue_log DROP CONSTRAINT queue_log_pkey; \
                 ALTER TABLE queue_log ALTER COLUMN id DROP NOT NULL; \
                 CREATE UNIQUE INDEX queue_log_pkey ON queue_log (id); \
                 ALTER TABLE queue_log ADD CONSTRAINT queue_log_id_not_null \
                    CHECK (id IS NOT NULL) NOT VALID",
            ),
            // Blocks neither inserts nor the index, only what conflicts
            // with VALIDATE (a manual VACUUM or ANALYZE does the same).
            "LOCK TABLE queue_log IN SHARE UPDATE EXCLUSIVE MODE;",
        ),
    ] {
        match leave {
            None => killed_in_the_index_build(&h.c),
            Some(sql) => h.c.psql(DB, sql).truncate(0),
        }
        let mut report = holder(&h.c, "a-report", &format!("BEGIN; {lock}"));
        wait_for_session(
            &h.c,
            "application_name = 'a-report' AND state = 'idle in transaction'",
            "the report's transaction",
        );
        let mut child = h.c.cmd("xivo-manage-db");
        child
            .args(["queue-log", "prepare"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let r = finish_or_hang(child.spawn().expect("prepare"), case);
        drop(report.stdin.take());
        let _ = report.wait();
        r.assert_code(1);
        let last = r.stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains("waited 2 s") && last.contains("application 'a-report'"),
            "{case}: {}",
            r.stderr
        );
        manage(&h.c, &["queue-log", "prepare"]).assert_code(0);
        assert_prepared(&h.c, DB);
        assert_eq!(rows_1407(&h.c, DB), before, "{case}: rows");
    }
}

/// Issue 20: preinst's online step checks, before it starts, that no
/// session stays in a transaction for a second; a transaction begun after
/// that probe, on queue_log, holds the drop of the invalid index a killed
/// prepare left. The step gives up after LOCK_TIMEOUT with a warning, and
/// preinst carries on (services stopped, the upgrade finishes queue_log).
#[test]
fn preinst_behind_a_transaction_begun_after_its_probe_gives_up_after_lock_timeout_and_carries_on() {
    let h = host_1407("superuser-owned", 2_000);
    let before = rows_1407(&h.c, DB);
    manage(&h.c, &["queue-log", "prepare"]).assert_code(0);
    killed_in_the_index_build(&h.c);
    set_lock_timeout(&h.c, 2);
    h.start_only(&["pbx-a", "pbx-b"]);
    // In a transaction that touches nothing: the probe sees it, and a
    // second later, a new one of the same session, on queue_log.
    let mut report = holder(&h.c, "a-report", "BEGIN; SELECT 1;");
    wait_for_session(
        &h.c,
        "application_name = 'a-report' AND state = 'idle in transaction'",
        "the report's transaction",
    );
    let hook = h
        .hook_cmd("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .spawn()
        .expect("preinst");
    // The probe's first look has been taken: it now sleeps a second.
    wait_for_session(
        &h.c,
        "query LIKE 'SELECT pid, xact_start::text FROM pg_stat_activity%' AND state = 'idle'",
        "the probe",
    );
    tell(
        &mut report,
        "COMMIT; BEGIN; SELECT count(*) FROM queue_log;",
    );
    let r = finish_or_hang(hook, "preinst");
    drop(report.stdin.take());
    let _ = report.wait();
    r.assert_code(0);
    assert!(
        r.stderr
            .contains("adding queue_log's id online, before any service is stopped")
            && !r.stderr.contains("not adding queue_log's id online"),
        "the probe saw the report's new transaction as old: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("adding queue_log's id online failed")
            && r.stderr.contains("waited 2 s")
            && r.stderr.contains("application 'a-report'")
            && r.stderr
                .contains("the upgrade does it with the services stopped"),
        "{}",
        r.stderr
    );
    assert_eq!(h.actions(), "stop pbx-a\nstop pbx-b\n");
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_prepared(&h.c, DB);
    assert_eq!(rows_1407(&h.c, DB), before);
}

/// The promise of the module (src/queue_log_ops/prepare.rs) for its index:
/// built `CONCURRENTLY`, it takes no lock that blocks an insert, however
/// long it lasts. Proven structurally: the build is held in progress (it
/// waits for a transaction that inserted a row and stays open, as a PBX
/// insert in flight is), and an insert made then must complete. Had the
/// build taken its table's SHARE lock (no CONCURRENTLY), the insert would
/// queue behind it, blocked by the prepare's session: seen in pg_locks.
#[test]
fn prepare_index_build_in_progress_does_not_block_an_insert() {
    let h = host_1407("superuser-owned", 2_000);
    manage(&h.c, &["queue-log", "prepare"]).assert_code(0);
    // Back to the state of a prepare stopped after its backfill: the id
    // column, every row numbered, no index yet.
    h.c.psql(
        DB,
        "ALTER TABLE queue_log DROP CONSTRAINT queue_log_pkey; \
         ALTER TABLE queue_log ALTER COLUMN id DROP NOT NULL",
    );
    assert_eq!(
        prepare_state(&h.c),
        "1 id, 0 invalid index, constraints: none"
    );
    let mut in_flight = holder(
        &h.c,
        "in-flight",
        "BEGIN; INSERT INTO queue_log (callid, event) VALUES ('in-flight', 'CONNECT');",
    );
    wait_for_session(
        &h.c,
        "application_name = 'in-flight' AND state = 'idle in transaction'",
        "the insert in flight",
    );
    let mut child = h.c.cmd("xivo-manage-db");
    child
        .args(["queue-log", "prepare"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let prepare = child.spawn().expect("prepare");
    // The build, in progress: waiting for the transaction in flight.
    let build =
        "query LIKE 'CREATE UNIQUE INDEX %queue_log_pkey ON %' AND wait_event_type = 'Lock'";
    wait_for_session(&h.c, build, "the index build waiting");
    let build_pid = h.c.psql(
        DB,
        &format!("SELECT pid FROM pg_stat_activity WHERE {build}"),
    );
    let mut insert = common::as_owner("psql");
    insert
        .args(["-X", "-q", "-h"])
        .arg(&h.c.dir)
        .args(["-p", &h.c.port.to_string(), "-d", DB, "-c"])
        .arg(
            "SET ROLE asterisk; \
             INSERT INTO queue_log (callid, event) VALUES ('during-the-build', 'CONNECT')",
        )
        .env("PGAPPNAME", "pbx-insert")
        .stdout(std::process::Stdio::null());
    let mut insert = insert.spawn().expect("insert");
    // Either the insert completes, or it waits for a lock: then say whose.
    let blocked_by = loop {
        if let Some(status) = insert.try_wait().expect("try_wait") {
            assert!(status.success(), "the insert failed");
            break None;
        }
        let blockers = h.c.psql(
            DB,
            "SELECT coalesce(string_agg(b::text, ','), '') FROM pg_stat_activity a, \
                    unnest(pg_blocking_pids(a.pid)) b \
              WHERE a.application_name = 'pbx-insert' AND a.wait_event_type = 'Lock'",
        );
        if !blockers.is_empty() {
            break Some(blockers);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The build was still in progress all along: it waits for the
    // transaction in flight, which has not ended.
    assert_eq!(
        h.c.psql(
            DB,
            &format!("SELECT count(*) FROM pg_stat_activity WHERE pid = {build_pid} AND {build}")
        ),
        "1",
        "the build ended before the insert was judged"
    );
    tell(&mut in_flight, "COMMIT;");
    drop(in_flight.stdin.take());
    let _ = in_flight.wait();
    let _ = insert.wait();
    let r = finish_or_hang(prepare, "prepare");
    assert_eq!(
        blocked_by, None,
        "an insert made during the index build waited for a lock held by session(s) {blocked_by:?} \
         (the build's is {build_pid})"
    );
    r.assert_code(0);
    assert_prepared(&h.c, DB);
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT string_agg(callid, ',' ORDER BY callid) FROM queue_log \
              WHERE callid IN ('in-flight', 'during-the-build') AND id IS NOT NULL"
        ),
        "during-the-build,in-flight"
    );
}

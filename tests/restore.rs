//! `xivo-manage-db restore`: a backup (`pg_dump -Fc`) takes the database's
//! place, on a miniature host (a cluster and fake services). Every row of
//! the backup comes back over every column; with `--keep-system-config` the
//! system tables keep this host's rows; a bad backup is refused before
//! anything is touched; a failure or a kill leaves the database as it was
//! and the next run converges.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::host::{Host, DB, RUNNING};
use common::{as_owner, owner, MigrationsDir, Run, BOOKKEEPING, PG_BIN};

const SYSTEM: [&str; 3] = ["public.dhcp", "public.netiface", "public.resolvconf"];

/// A provisioned host at head with rows in the system tables and elsewhere,
/// its services running.
fn host() -> Host {
    let h = Host::new();
    h.c.run("xivo-init-db", &["--init"], None).assert_code(0);
    fill(&h, "backup");
    h.start_services();
    h
}

/// Rows that say where they come from (`tag`).
fn fill(h: &Host, tag: &str) {
    h.c.psql(
        DB,
        &format!(
            "INSERT INTO queue_log (time, callid, queuename, agent, event) \
               SELECT '2014-06-01 10:00:00'::timestamp + i * interval '1 s', '{tag}-' || i, 'q', 'Agent/1', 'CONNECT' \
                 FROM generate_series(1, 50) i; \
             INSERT INTO dhcp (active, pool_start, pool_end) VALUES (1, '10.0.{n}.10', '10.0.{n}.99'); \
             INSERT INTO netiface (ifname, networktype, type, family, method, address, options, description) \
               VALUES ('eth-{tag}', 'voip', 'iface', 'inet', 'static', '10.0.{n}.1', '', '{tag}'); \
             INSERT INTO resolvconf (hostname, domain, description) VALUES ('{tag}', '{tag}.example', '{tag}')",
            n = tag.len()
        ),
    );
}

/// `pg_dump -Fc` of `db` into the cluster's directory.
fn dump(h: &Host, db: &str, name: &str) -> PathBuf {
    dump_with(h, db, name, &[])
}

/// `pg_dump -Fc <options>` of `db` into the cluster's directory.
fn dump_with(h: &Host, db: &str, name: &str, options: &[&str]) -> PathBuf {
    let path = h.c.dir.join(name);
    let mut c = as_owner(format!("{PG_BIN}/pg_dump"));
    c.args(options)
        .args(["-Fc", "-h"])
        .arg(&h.c.dir)
        .args(["-p", &h.c.port.to_string(), "-U", &owner().name, "-f"])
        .arg(&path)
        .arg(db);
    let out = c.output().expect("pg_dump");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// `xivo-manage-db restore <args>` as an administrator runs it.
fn restore_cmd(h: &Host, args: &[&str], migrations: Option<&Path>) -> Command {
    let mut c = h.c.cmd("xivo-manage-db");
    c.arg("restore")
        .args(args)
        .env("XMDB_SVC_DIR", &h.svc)
        .env("XMDB_SVC_PGHOST", &h.c.dir)
        .env("XMDB_SVC_PGPORT", h.c.port.to_string());
    if let Some(m) = migrations {
        c.env("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR", m);
    }
    c
}

fn restore(h: &Host, args: &[&str]) -> Run {
    Run::from(restore_cmd(h, args, None).output().expect("run restore"))
}

/// Databases a restore made and left.
fn restore_dbs(h: &Host) -> Vec<String> {
    h.c.psql(
        "postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE 'xivo\\_manage\\_db\\_restore\\_%' ORDER BY 1",
    )
    .lines()
    .map(String::from)
    .collect()
}

fn record(h: &Host) -> Option<String> {
    std::fs::read_to_string(h.c.state_dir().join("restore-record")).ok()
}

/// Nothing of a restore is left, the services run again.
fn assert_converged(h: &Host) {
    assert_eq!(
        restore_dbs(h),
        Vec::<String>::new(),
        "restore databases left"
    );
    assert_eq!(record(h), None, "restore record left");
    assert!(
        !h.c.state_dir().join("stopped-services").exists(),
        "stopped-services left"
    );
    assert_eq!(
        common::host::sorted(h.running()),
        common::host::running_set()
    );
}

/// Table sums of everything but `skip`.
fn sums_without(h: &Host, db: &str, skip: &[&str]) -> Vec<String> {
    h.c.table_sums(db)
        .into_iter()
        .filter(|l| !skip.iter().any(|s| l.starts_with(&format!("{s} "))))
        .collect()
}

fn sums_of(h: &Host, db: &str, only: &[&str]) -> Vec<String> {
    h.c.table_sums(db)
        .into_iter()
        .filter(|l| only.iter().any(|s| l.starts_with(&format!("{s} "))))
        .collect()
}

/// Change the database after the backup was made: rows added, changed and
/// removed everywhere, the system tables included.
fn live_on(h: &Host) {
    fill(h, "live-after-backup");
    h.c.psql(
        DB,
        "DELETE FROM queue_log WHERE callid = 'backup-7'; \
         UPDATE resolvconf SET domain = 'changed.example' WHERE hostname = 'backup'",
    );
}

fn one_line(r: &Run) -> &str {
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got {:?}", r.stderr);
    lines[0]
}

#[test]
fn restore_of_a_head_dump_brings_back_every_row_owned_as_provisioned() {
    let h = host();
    let source = h.c.table_sums(DB);
    let sequences = h.c.sequences(DB);
    let schema = h.c.schema(DB);
    let file = dump(&h, DB, "backup.dump");
    live_on(&h);
    h.c.set_non_defaults(DB, "asterisk");
    let settings = h.c.database_settings(DB);
    assert_ne!(
        h.c.sequences(DB),
        sequences,
        "the sequences moved since the backup"
    );
    assert_ne!(
        h.c.table_sums(DB),
        source,
        "the database changed since the backup"
    );

    let r = restore(&h, &[file.to_str().expect("path")]);
    r.assert_code(0);
    assert!(r.stdout.contains("restored"), "{}", r.stdout);
    assert!(
        r.stderr.contains("(parallel jobs reading the file)"),
        "a file the server's user can read is loaded by parallel jobs: {}",
        r.stderr
    );

    assert_eq!(
        h.c.table_sums(DB),
        source,
        "every row of the backup, over every column"
    );
    assert_eq!(
        h.c.sequences(DB),
        sequences,
        "every sequence where it was in the backup's source"
    );
    assert_eq!(h.c.schema(DB), schema, "schema and owners as provisioned");
    assert_eq!(
        h.c.database_settings(DB),
        settings,
        "the database's own settings are this host's"
    );
    assert_eq!(h.c.revisions(DB), common::repo_head());
    let actions = h.actions();
    for s in RUNNING {
        assert!(
            actions.contains(&format!("stop {s}")),
            "{s} stopped: {actions}"
        );
        assert!(
            actions.contains(&format!("start {s}")),
            "{s} started: {actions}"
        );
    }
    assert_converged(&h);
}

#[test]
fn keep_system_config_takes_the_system_tables_from_the_current_database() {
    let h = host();
    let backup_rest = sums_without(&h, DB, &SYSTEM);
    let file = dump(&h, DB, "backup.dump");
    live_on(&h);
    let here_system = sums_of(&h, DB, &SYSTEM);
    let netiface_max = h.c.psql(DB, "SELECT max(id) FROM netiface");

    restore(&h, &[file.to_str().expect("path"), "--keep-system-config"]).assert_code(0);

    assert_eq!(
        sums_of(&h, DB, &SYSTEM),
        here_system,
        "system tables: this host's rows"
    );
    assert_eq!(
        sums_without(&h, DB, &SYSTEM),
        backup_rest,
        "everything else: the backup's"
    );
    // The next row gets an id past this host's rows.
    h.c.psql(
        DB,
        "INSERT INTO netiface (ifname, networktype, type, family, options, description) \
         VALUES ('eth-next', 'data', 'iface', 'inet', '', '')",
    );
    let next: i64 =
        h.c.psql(DB, "SELECT id FROM netiface WHERE ifname = 'eth-next'")
            .parse()
            .expect("id");
    assert!(
        next > netiface_max.parse::<i64>().expect("max"),
        "{next} after {netiface_max}"
    );
    assert_converged(&h);
}

#[test]
fn without_keep_system_config_the_system_tables_are_the_backups() {
    let h = host();
    let backup = h.c.table_sums(DB);
    let file = dump(&h, DB, "backup.dump");
    live_on(&h);
    restore(&h, &[file.to_str().expect("path")]).assert_code(0);
    assert_eq!(sums_of(&h, DB, &SYSTEM), sums_of_list(&backup, &SYSTEM));
    assert_converged(&h);
}

fn sums_of_list(sums: &[String], only: &[&str]) -> Vec<String> {
    sums.iter()
        .filter(|l| only.iter().any(|s| l.starts_with(&format!("{s} "))))
        .cloned()
        .collect()
}

/// A bad backup: exit 2, one line naming the file, the database untouched,
/// no service stopped.
fn assert_refused(h: &Host, file: &Path, args: &[&str], says: &str) {
    let r = refused_run(h, file, args);
    let line = one_line(&r);
    assert_names(&r, file, line, says);
}

/// A backup whose data is cut or corrupt: the load into the new database
/// finds it, after the lines of its progress; then as `assert_refused`,
/// the refusal the one error line, the last.
fn assert_refused_by_load(h: &Host, file: &Path, says: &str) {
    let r = refused_run(h, file, &[]);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("error") || l.contains("warning"))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {}", r.stderr);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert_eq!(errors[0], last, "the refusal comes last: {}", r.stderr);
    assert_names(&r, file, last, says);
}

/// Exit 2, the database, the services, the restore databases and the
/// record as they were.
fn refused_run(h: &Host, file: &Path, args: &[&str]) -> Run {
    let before = h.c.fingerprint(DB);
    let mut all = vec![file.to_str().expect("path")];
    all.extend_from_slice(args);
    let r = restore(h, &all);
    r.assert_code(2);
    assert_eq!(h.c.fingerprint(DB), before, "database untouched");
    assert_eq!(h.actions(), "", "no service touched");
    assert_eq!(restore_dbs(h), Vec::<String>::new());
    assert_eq!(record(h), None);
    r
}

fn assert_names(r: &Run, file: &Path, line: &str, says: &str) {
    assert!(
        line.contains(&file.display().to_string()),
        "names the file: {line}"
    );
    assert!(line.contains(says), "says {says}: {line}");
    assert!(line.contains("nothing changed"), "{line}: {}", r.stderr);
}

#[test]
fn a_truncated_or_corrupt_dump_is_refused_before_anything_is_touched() {
    let h = host();
    // Enough data that the cut falls in the table data, after the TOC.
    h.c.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event, data1) \
           SELECT '2014-06-01 10:00:00.000000', 'bulk-' || i, 'q', 'Agent/1', 'CONNECT', left(md5(i::text), 20) FROM generate_series(1, 20000) i",
    );
    let file = dump(&h, DB, "good.dump");
    let bytes = std::fs::read(&file).expect("dump");

    let half = h.c.dir.join("half.dump");
    std::fs::write(&half, &bytes[..bytes.len() / 2]).expect("write");
    assert_refused_by_load(&h, &half, "not a complete pg_dump custom-format archive");

    // The table of contents intact, the data overwritten with junk.
    let mut corrupt = bytes.clone();
    let from = bytes.len() * 2 / 3;
    for (i, b) in corrupt[from..from + 4096].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    let junk_inside = h.c.dir.join("junk-inside.dump");
    std::fs::write(&junk_inside, &corrupt).expect("write");
    assert_refused_by_load(
        &h,
        &junk_inside,
        "not a complete pg_dump custom-format archive",
    );

    let junk = h.c.dir.join("junk.dump");
    std::fs::write(&junk, b"\x00\x17 not a dump at all \xff\xfe".repeat(100)).expect("write");
    assert_refused(
        &h,
        &junk,
        &["--keep-system-config"],
        "not a pg_dump custom-format archive",
    );

    // A plain SQL dump is not a custom-format archive either.
    let plain = h.c.dir.join("plain.sql");
    std::fs::write(&plain, "SELECT 1;\n").expect("write");
    assert_refused(&h, &plain, &[], "not a pg_dump custom-format archive");
}

/// `pg_restore -j` workers reopen the file by name as the user pg_restore
/// runs as (the server's, when root runs the restore): a backup only root
/// can read is loaded by one process from stdin, rows and owners as with
/// parallel jobs, and a cut in it is found the same way.
#[test]
fn a_backup_only_root_can_read_is_loaded_from_stdin() {
    use std::os::unix::fs::PermissionsExt;
    let h = host();
    let source = h.c.table_sums(DB);
    let sequences = h.c.sequences(DB);
    let schema = h.c.schema(DB);
    let file = dump(&h, DB, "backup.dump");
    let private = h.c.dir.join("root-only");
    std::fs::create_dir(&private).expect("mkdir");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let bytes = std::fs::read(&file).expect("dump");
    let copy = private.join("backup.dump");
    std::fs::write(&copy, &bytes).expect("write");
    let cut = private.join("cut.dump");
    std::fs::write(&cut, &bytes[..bytes.len() - 64]).expect("write");
    let listed = as_owner(format!("{PG_BIN}/pg_restore"))
        .arg("--list")
        .arg(&copy)
        .output()
        .expect("pg_restore");
    assert!(
        !listed.status.success(),
        "the server's user cannot read the copy"
    );
    live_on(&h);

    assert_refused_by_load(&h, &cut, "not a complete pg_dump custom-format archive");
    let r = restore(&h, &[copy.to_str().expect("path")]);
    r.assert_code(0);
    assert!(
        r.stderr.contains("(one process reading it on stdin)"),
        "{}",
        r.stderr
    );
    assert_eq!(h.c.table_sums(DB), source, "every row, over every column");
    assert_eq!(
        h.c.sequences(DB),
        sequences,
        "every sequence as in the source"
    );
    assert_eq!(h.c.schema(DB), schema, "schema and owners as provisioned");
    assert_eq!(h.c.revisions(DB), common::repo_head());
    assert_converged(&h);
}

#[test]
fn a_dump_of_another_database_or_a_newer_package_is_refused() {
    let h = host();
    h.c.psql("postgres", "CREATE DATABASE other");
    let other = dump(&h, "other", "other.dump");
    assert_refused(&h, &other, &[], "backup of database 'other'");

    h.c.psql(
        DB,
        "UPDATE alembic_version SET version_num = 'ffffffffffff'",
    );
    let newer = dump(&h, DB, "newer.dump");
    h.c.psql(
        DB,
        &format!(
            "UPDATE alembic_version SET version_num = '{}'",
            common::repo_head()
        ),
    );
    assert_refused(&h, &newer, &[], "revision ffffffffffff");
}

#[test]
fn bad_arguments_of_restore_exit_2_with_one_line() {
    let h = host();
    let before = h.c.fingerprint(DB);
    let missing = h.c.dir.join("no-such.dump");
    for (args, says) in [
        (vec![missing.to_str().expect("path")], "no-such.dump"),
        (vec![h.c.dir.to_str().expect("path")], "not a regular file"),
        (vec!["x.dump", "--frobnicate"], "--frobnicate"),
        (vec![], "<DUMP>"),
        (vec!["a.dump", "b.dump"], "b.dump"),
    ] {
        let r = restore(&h, &args);
        r.assert_code(2);
        assert_eq!(r.stdout, "", "{args:?}");
        let line = one_line(&r);
        assert!(line.contains(says), "{args:?}: {line}");
    }
    assert_eq!(h.c.fingerprint(DB), before);
    assert_eq!(h.actions(), "");
}

#[test]
fn a_failing_restore_leaves_the_database_as_it_was_and_services_running() {
    let h = host();
    // A row-level security policy names a role: --no-owner and --no-acl do
    // not take that away, and the role is gone when the backup comes back.
    h.c.psql(
        DB,
        "CREATE ROLE restore_gone; ALTER TABLE dhcp ENABLE ROW LEVEL SECURITY; \
         CREATE POLICY p ON dhcp TO restore_gone USING (true)",
    );
    let file = dump(&h, DB, "backup.dump");
    h.c.psql(DB, "DROP POLICY p ON dhcp; ALTER TABLE dhcp DISABLE ROW LEVEL SECURITY; DROP ROLE restore_gone");
    live_on(&h);
    let before = h.c.fingerprint(DB);

    let r = restore(&h, &[file.to_str().expect("path")]);
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(last.contains("restore_gone"), "names the cause: {last}");
    assert!(last.contains("left as it was"), "{last}");
    assert_eq!(h.c.fingerprint(DB), before, "database exactly as it was");
    assert_converged(&h);
}

#[test]
fn a_failing_upgrade_of_the_backup_leaves_the_database_as_it_was() {
    let h = host();
    let file = dump(&h, DB, "backup.dump");
    live_on(&h);
    let before = h.c.fingerprint(DB);
    let failing = common::MigrationsDir::copy_of_repo().overlay("migrations_failing_last");
    let r = Run::from(
        restore_cmd(&h, &[file.to_str().expect("path")], Some(&failing.path))
            .output()
            .expect("run"),
    );
    r.assert_code(1);
    assert!(
        r.stderr.contains("failing migration for tests"),
        "{}",
        r.stderr
    );
    assert_eq!(h.c.fingerprint(DB), before);
    assert_converged(&h);
}

#[test]
fn an_older_dump_is_upgraded_to_head() {
    let h = common::host::older_host();
    let old_rows = h.c.rows(DB);
    let file = dump(&h, DB, "older.dump");
    // A concurrent index waits for the services' open transactions.
    stop_services(&h);
    h.run("xivo-update-db", &[]).assert_code(0);
    h.start_services();
    live_on(&h);

    restore(&h, &[file.to_str().expect("path")]).assert_code(0);
    assert_eq!(h.c.revisions(DB), common::repo_head());
    common::assert_no_row_lost(&h.c, DB, &old_rows, &BOOKKEEPING);
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) FROM queue_log WHERE callid LIKE 'live-after-backup-%'"
        ),
        "0",
        "nothing of the replaced database"
    );
    assert_converged(&h);
}

#[test]
fn a_1407_backup_is_refused_naming_what_to_do() {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407::default());
    let file = dump(&h, DB, "asterisk-1407.dump");
    h.c.run("xivo-update-db", &[], None).assert_code(0);
    h.start_services();
    assert_refused(&h, &file, &[], "14.07");
}

fn stop_services(h: &Host) {
    for s in RUNNING {
        assert_eq!(h.service(s, "stop"), 0, "stop {s}");
    }
    h.c.psql(
        "postgres",
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'asterisk' AND pid <> pg_backend_pid()",
    );
    wait_for("the sessions to end", || h.sessions() == 0);
}

/// Wait until `what` holds, or fail.
fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let started = Instant::now();
    while !f() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A restore SIGKILLed while pg_restore runs; returns the fingerprint of
/// the database before, and the table sums of the backup's source.
fn killed_restore(h: &Host) -> ((String, Vec<String>), Vec<String>) {
    h.c.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event, data1) \
           SELECT '2014-06-01 10:00:00.000000', 'bulk-' || i, 'q', 'Agent/1', 'CONNECT', left(md5(i::text), 20) FROM generate_series(1, 400000) i",
    );
    let source = h.c.table_sums(DB);
    let file = dump(h, DB, "big.dump");
    live_on(h);
    let before = h.c.fingerprint(DB);
    let mut child = restore_cmd(h, &[file.to_str().expect("path")], None)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn restore");
    wait_for("the restore to load its new database", || {
        h.c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'xivo\\_manage\\_db\\_restore\\_%' \
               AND query LIKE 'COPY%'",
        ) != "0"
    });
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    assert!(record(h).is_some(), "the record stays after a kill");
    assert_eq!(h.c.fingerprint(DB), before, "untouched by the killed run");
    (before, source)
}

#[test]
fn a_restore_killed_midway_is_undone_by_the_next_restore() {
    let h = host();
    let (before, source) = killed_restore(&h);
    let file = h.c.dir.join("big.dump");
    assert_ne!(
        h.c.table_sums(DB),
        source,
        "the database moved on since the backup"
    );
    restore(&h, &[file.to_str().expect("path")]).assert_code(0);
    assert_ne!(h.c.fingerprint(DB), before);
    assert_eq!(
        h.c.table_sums(DB),
        source,
        "every row of the backup, over every column"
    );
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) FROM queue_log WHERE callid LIKE 'live-after-backup-%'"
        ),
        "0"
    );
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) FROM queue_log WHERE callid LIKE 'bulk-%'"
        ),
        "400000"
    );
    assert_converged(&h);
}

#[test]
fn a_restore_killed_midway_is_undone_by_the_next_hook() {
    let h = host();
    let (before, _) = killed_restore(&h);
    let r = h.hook("postinst", &["abort-upgrade", "14.8.0"], None);
    r.assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before);
    assert_converged(&h);
}

#[test]
fn a_restore_killed_midway_is_undone_by_xivo_init_db() {
    let h = host();
    let (before, _) = killed_restore(&h);
    let r = h.run("xivo-init-db", &["--init"]);
    r.assert_code(1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(h.c.fingerprint(DB), before);
    assert_converged(&h);
}

/// A run killed right after its swap committed: the record says
/// `swapping` and `DB_NAME` has the recorded oid.
#[test]
fn a_restore_killed_after_its_swap_is_completed_by_xivo_update_db() {
    let h = host();
    let new = "xivo_manage_db_restore_20260101T000000Z_new";
    let old = "xivo_manage_db_restore_20260101T000000Z_old";
    h.c.psql(
        DB,
        // Its own domain: 14.08's resolvconf takes a domain once, and the
        // default row has ''.
        "INSERT INTO resolvconf (hostname, domain, description) VALUES ('restored', 'restored.example', '')",
    );
    stop_services(&h);
    h.c.psql(
        "postgres",
        &format!("CREATE DATABASE \"{new}\" TEMPLATE {DB}"),
    );
    let restored = h.c.fingerprint(new);
    let oid = h.c.psql(
        "postgres",
        &format!("SELECT oid FROM pg_database WHERE datname = '{new}'"),
    );
    let old_oid = h.c.psql(
        "postgres",
        &format!("SELECT oid FROM pg_database WHERE datname = '{DB}'"),
    );
    std::fs::write(
        h.c.state_dir().join("restore-record"),
        format!("phase swapping\nnew {new}\nold {old}\nnew_oid {oid}\nold_oid {old_oid}\n"),
    )
    .expect("record");
    // The swap sets the replaced database aside closed to connections.
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE {DB} RENAME TO \"{old}\"; ALTER DATABASE \"{old}\" ALLOW_CONNECTIONS false"),
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{new}\" RENAME TO {DB}"),
    );

    h.run("xivo-update-db", &[]).assert_code(0);
    assert_eq!(h.c.fingerprint(DB), restored, "the restored database stays");
    assert_eq!(
        restore_dbs(&h),
        Vec::<String>::new(),
        "the replaced one is dropped"
    );
    assert_eq!(record(&h), None);
}

/// Killed after the record said `swapping` but before the swap committed.
#[test]
fn a_restore_killed_before_its_swap_committed_is_undone_by_xivo_update_db() {
    let h = host();
    let new = "xivo_manage_db_restore_20260101T000000Z_new";
    let old = "xivo_manage_db_restore_20260101T000000Z_old";
    stop_services(&h);
    let before = h.c.fingerprint(DB);
    h.c.psql(
        "postgres",
        &format!("CREATE DATABASE \"{new}\" TEMPLATE {DB}"),
    );
    let oid = h.c.psql(
        "postgres",
        &format!("SELECT oid FROM pg_database WHERE datname = '{new}'"),
    );
    std::fs::write(
        h.c.state_dir().join("restore-record"),
        format!("phase swapping\nnew {new}\nold {old}\nnew_oid {oid}\n"),
    )
    .expect("record");

    h.run("xivo-update-db", &[]).assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before);
    assert_eq!(restore_dbs(&h), Vec::<String>::new());
    assert_eq!(record(&h), None);
}

// A pre-14.08 backup: a dump of asterisk and a dump of xivo, merged.

/// A pre-14.08 backup taken on a 14.07 host, and that host as the hooks
/// upgrade it (the reference), its services running.
struct Pair {
    h: Host,
    asterisk: PathBuf,
    xivo: PathBuf,
    /// `--levels`, from the 14.07 host's state files.
    levels: String,
    /// Every row of both dumps.
    rows: Vec<common::Rows>,
    /// The hook merge of the same 14.07 host.
    merged_schema: String,
    merged_sums: Vec<String>,
}

fn pair(level: &str) -> Pair {
    pair_with(level, 500)
}

fn pair_with(level: &str, queue_log_rows: u64) -> Pair {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407 {
        release: level,
        fill: true,
        queue_log_rows,
        extra: &["--users", "100", "--cel-rows", "300", "--sessions", "30"],
        ..Default::default()
    });
    let state = |f: &str| h.c.state_file(f).expect("state file").trim().to_string();
    let levels = format!("{},{}", state("asterisk-last"), state("xivo-last"));
    let rows = vec![h.c.rows(DB), h.c.rows("xivo")];
    let asterisk = dump(&h, DB, "asterisk-1407.dump");
    let xivo = dump(&h, "xivo", "xivo-1407.dump");
    h.c.run("xivo-update-db", &[], None).assert_code(0);
    h.start_services();
    let merged_schema = h.c.schema(DB);
    let merged_sums = sums_without(&h, DB, &BOOKKEEPING);
    Pair {
        h,
        asterisk,
        xivo,
        levels,
        rows,
        merged_schema,
        merged_sums,
    }
}

impl Pair {
    fn args<'a>(&'a self, more: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec![
            self.asterisk.to_str().expect("path"),
            "--xivo",
            self.xivo.to_str().expect("path"),
            "--levels",
            &self.levels,
        ];
        a.extend_from_slice(more);
        a
    }
}

#[test]
fn a_pre_1408_backup_pair_is_merged_as_the_hooks_merge_it() {
    let p = pair("14.06");
    let h = &p.h;
    assert_eq!(
        p.levels, "161.sql,007.sql",
        "14.06's levels, as its state files hold them: every script runs"
    );
    // A database and a role named xivo the host kept: never touched.
    h.c.psql("postgres", "CREATE ROLE xivo NOLOGIN");
    h.c.psql("postgres", "CREATE DATABASE xivo OWNER xivo");
    h.c.psql(
        "xivo",
        "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('mine')",
    );
    let kept = h.c.fingerprint("xivo");
    live_on(h);

    let r = restore(h, &p.args(&[]));
    r.assert_code(0);
    assert!(r.stdout.contains("restored"), "{}", r.stdout);

    assert_eq!(h.c.revisions(DB), common::repo_head());
    let schema = h.c.schema(DB);
    assert!(
        schema == p.merged_schema,
        "schema differs from the hook merge of the same host: {}",
        common::first_difference(&schema, &p.merged_schema)
    );
    assert_eq!(
        sums_without(h, DB, &BOOKKEEPING),
        p.merged_sums,
        "every table over every column as the hook merge made it"
    );
    for before in &p.rows {
        let mut before = before.clone();
        common::without_1408_removals(&mut before);
        common::assert_no_row_lost(&h.c, DB, &before, &[]);
    }
    common::assert_1408_removals_gone(&h.c, DB);
    assert_eq!(h.c.psql(DB, common::NOT_OWNED_BY_ASTERISK), "0", "owners");
    assert_eq!(h.c.fingerprint("xivo"), kept, "the host's xivo untouched");
    assert!(h.c.role_exists("xivo"), "the host's role xivo kept");
    assert_eq!(
        h.c.state_file("asterisk-last"),
        None,
        "no 14.07 state file made"
    );
    h.c.run("xivo-check-db", &[], None).assert_code(0);
    assert_converged(h);
}

#[test]
fn a_pre_1408_backup_pair_keeps_this_hosts_system_config() {
    let p = pair("14.07");
    let h = &p.h;
    live_on(h);
    let here_system = sums_of(h, DB, &SYSTEM);
    let r = restore(h, &p.args(&["--keep-system-config"]));
    r.assert_code(0);
    assert_eq!(
        sums_of(h, DB, &SYSTEM),
        here_system,
        "this host's system tables"
    );
    assert_eq!(
        sums_without(h, DB, &[&BOOKKEEPING[..], &SYSTEM[..]].concat()),
        sums_of_list_without(&p.merged_sums, &SYSTEM),
        "the rest is the backup's"
    );
    assert_converged(h);
}

fn sums_of_list_without(sums: &[String], skip: &[&str]) -> Vec<String> {
    sums.iter()
        .filter(|l| !skip.iter().any(|s| l.starts_with(&format!("{s} "))))
        .cloned()
        .collect()
}

#[test]
fn a_bad_pre_1408_backup_pair_is_refused_before_anything_changed() {
    let p = pair("14.07");
    let h = &p.h;
    let bytes = std::fs::read(&p.xivo).expect("dump");
    let cut = h.c.dir.join("xivo-cut.dump");
    // The table of contents is at the start: only reading the data finds the cut.
    std::fs::write(&cut, &bytes[..bytes.len() - 64]).expect("write");
    let a = p.asterisk.to_str().expect("path");
    let x = p.xivo.to_str().expect("path");
    let c = cut.to_str().expect("path");
    let head = dump(h, DB, "head.dump");
    let head = head.to_str().expect("path");
    for (args, says) in [
        (
            vec![a, "--xivo", c, "--levels", "161,008"],
            "not a complete pg_dump custom-format archive",
        ),
        (vec![a, "--xivo", x], "--levels ASTERISK_LEVEL,XIVO_LEVEL"),
        (vec![a, "--xivo", x, "--levels", "161"], "asterisk-last"),
        (
            vec![a, "--xivo", x, "--levels", "161,9"],
            "asterisk 161 with xivo 009 is not a release this package upgrades from",
        ),
        (
            vec![x, "--xivo", a, "--levels", "161,008"],
            "it is a backup of database 'xivo', not of 'asterisk'",
        ),
        (vec![a, "--xivo", a, "--levels", "161,008"], "not of 'xivo'"),
        (
            vec![head, "--xivo", x, "--levels", "161,008"],
            "14.08 system or later",
        ),
        (
            vec![a, "--levels", "161,008"],
            "--levels is for a pre-14.08 backup",
        ),
    ] {
        let before = h.c.fingerprint(DB);
        let r = restore(h, &args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        let line = one_line(&r);
        assert!(line.contains(says), "{args:?} says {says}: {line}");
        assert!(line.contains("nothing changed"), "{line}");
        assert_eq!(h.c.fingerprint(DB), before, "database untouched");
        assert_eq!(h.actions(), "", "no service touched");
        assert_eq!(restore_dbs(h), Vec::<String>::new());
        assert_eq!(record(h), None);
    }
}

#[test]
fn a_pre_1408_backup_pair_failing_in_the_merge_leaves_the_database_as_it_was() {
    let p = pair("14.07");
    let h = &p.h;
    live_on(h);
    let before = h.c.fingerprint(DB);
    // A numbered script that fails inside the merge's transaction, after
    // both dumps were restored: asterisk-166 ending on an error.
    let broken = MigrationsDir::copy_of_repo();
    let script = broken.path.join("legacy/asterisk-166.sql");
    let mut sql = std::fs::read_to_string(&script).expect("asterisk-166");
    sql.push_str("\nSELECT 1/0;\n");
    std::fs::write(&script, sql).expect("write");
    let r = Run::from(
        restore_cmd(h, &p.args(&[]), Some(&broken.path))
            .output()
            .expect("run restore"),
    );
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("asterisk-166") && last.contains("division by zero"),
        "names the script: {last}"
    );
    assert!(last.contains("left as it was"), "{last}");
    assert_eq!(h.c.fingerprint(DB), before, "database exactly as it was");
    assert_converged(h);
}

#[test]
fn a_pre_1408_backup_pair_on_a_1407_host_is_refused() {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407::default());
    let a = dump(&h, DB, "asterisk-1407.dump");
    let x = dump(&h, "xivo", "xivo-1407.dump");
    let before = (h.c.fingerprint(DB), h.c.fingerprint("xivo"));
    let r = restore(
        &h,
        &[
            a.to_str().expect("path"),
            "--xivo",
            x.to_str().expect("path"),
            "--levels",
            "161,008",
        ],
    );
    r.assert_code(2);
    let line = one_line(&r);
    assert!(
        line.contains("still on 14.07") && line.contains("xivo-update-db"),
        "{line}"
    );
    assert_eq!((h.c.fingerprint(DB), h.c.fingerprint("xivo")), before);
    assert!(h.c.state_file("asterisk-last").is_some());
    assert_eq!(restore_dbs(&h), Vec::<String>::new());
}

#[test]
fn a_pre_1408_restore_killed_during_the_merge_is_undone_by_xivo_update_db() {
    // queue_log's rewrite by asterisk-166 keeps the merge running a while.
    let p = pair_with("14.07", 200_000);
    let h = &p.h;
    live_on(h);
    let before = h.c.fingerprint(DB);
    let mut child = restore_cmd(h, &p.args(&[]), None)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn restore");
    wait_for("the merge of the xivo copy", || {
        h.c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'xivo\\_manage\\_db\\_restore\\_%\\_new' \
               AND query LIKE '%asterisk-166%'",
        ) != "0"
    });
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let rec = record(h).expect("the record stays after a kill");
    assert!(rec.contains("\nxivo xivo_manage_db_restore_"), "{rec}");
    assert_eq!(
        restore_dbs(h).len(),
        2,
        "the new database and the xivo copy"
    );
    assert_eq!(h.c.fingerprint(DB), before, "untouched by the killed run");

    stop_services(h);
    h.run("xivo-update-db", &[]).assert_code(0);
    assert_eq!(h.c.fingerprint(DB), before, "the killed restore undone");
    assert_eq!(restore_dbs(h), Vec::<String>::new());
    assert_eq!(record(h), None);
    h.start_services();
    restore(h, &p.args(&[])).assert_code(0);
    assert_eq!(sums_without(h, DB, &BOOKKEEPING), p.merged_sums);
    assert_converged(h);
}

// Defect 6, and the suspected swap defect: a restore signalled or killed
// with every service stopped. A transaction holding a lock on the database
// object holds the swap's RENAME, and the name it sets the database aside
// under is taken, so that once the lock is free the RENAME fails: the
// restore is caught in its swap for as long as the test needs (no timing),
// and whatever it then does leaves the database as it was.

/// A restore caught in its swap as above, every running service stopped.
struct CaughtInSwap {
    child: std::process::Child,
    /// Its stderr, line by line.
    lines: std::sync::mpsc::Receiver<String>,
    /// The database's fingerprint before.
    before: (String, Vec<String>),
    /// The name the swap sets the database aside under, taken.
    old: String,
}

const HOLDER: &str = "BEGIN; COMMENT ON DATABASE";

fn restore_caught_in_its_swap(h: &Host) -> CaughtInSwap {
    use std::io::BufRead;
    let file = dump(h, DB, "backup.dump");
    live_on(h);
    let before = h.c.fingerprint(DB);
    // Ended by `release` (its backend, which holds the lock).
    #[allow(clippy::zombie_processes)]
    let _holder =
        h.c.psql_cmd(
            "postgres",
            &format!("{HOLDER} {DB} IS 'held'; SELECT pg_sleep(600)"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the lock holder");
    wait_for("the lock holder", || {
        h.c.psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '{HOLDER}%'"),
        ) == "1"
    });
    let mut child = restore_cmd(h, &[file.to_str().expect("path")], None)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn restore");
    let (tx, lines) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    wait_for("the swap to wait for the lock", || {
        h.c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%RENAME TO%' AND wait_event_type = 'Lock'",
        ) == "1"
    });
    assert!(h.running().is_empty(), "every service is stopped");
    // (A session on the database would not do: it cannot connect while
    // the RENAME waits.)
    let old = record(h)
        .and_then(|r| {
            r.lines()
                .find_map(|l| l.strip_prefix("old ").map(String::from))
        })
        .expect("the record names the old database");
    h.c.psql("postgres", &format!("CREATE DATABASE \"{old}\""));
    CaughtInSwap {
        child,
        lines,
        before,
        old,
    }
}

/// Free the lock: the RENAME, if still there, fails on the taken name.
fn release(h: &Host) {
    h.c.psql(
        "postgres",
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '{HOLDER}%'"
        ),
    );
}

/// Send `signal`, wait for the restore to say it undoes itself, free the
/// lock; its exit code and stderr.
fn signalled(
    h: &Host,
    caught: CaughtInSwap,
    signal: nix::sys::signal::Signal,
) -> (Option<i32>, String) {
    let CaughtInSwap {
        mut child, lines, ..
    } = caught;
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal).expect("signal");
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.contains("undoing it")) {
        seen.push(
            lines
                .recv_timeout(Duration::from_secs(120))
                .expect("the restore says it undoes itself"),
        );
    }
    release(h);
    let status = child.wait().expect("reap restore");
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(10)) {
        seen.push(line);
    }
    (status.code(), seen.join("\n"))
}

#[test]
fn restore_hit_by_sighup_starts_the_services_again() {
    let h = host();
    let caught = restore_caught_in_its_swap(&h);
    let (before, old) = (caught.before.clone(), caught.old.clone());
    let (code, stderr) = signalled(&h, caught, nix::sys::signal::Signal::SIGHUP);
    assert_eq!(code, Some(129), "128 + SIGHUP: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("interrupted by SIGHUP")
            && last.contains("left as it was")
            && last.contains("run xivo-manage-db restore again"),
        "its last line names the signal, what was left and what to run: {stderr}"
    );
    h.c.psql("postgres", &format!("DROP DATABASE \"{old}\""));
    assert_eq!(h.c.fingerprint(DB), before, "database exactly as it was");
    assert_converged(&h);
}

#[test]
fn restore_killed_with_the_services_stopped_is_shown_and_has_them_started_by_xivo_update_db() {
    let h = host();
    let mut caught = restore_caught_in_its_swap(&h);
    caught.child.kill().expect("SIGKILL");
    caught.child.wait().expect("reap");
    release(&h);
    assert!(h.running().is_empty(), "the kill left the services stopped");

    let status = h.run("xivo-manage-db", &["rollback", "status"]);
    status.assert_code(1);
    let shown = record(&h).expect("the record");
    let new = shown
        .lines()
        .find_map(|l| l.strip_prefix("new "))
        .expect("the record names the new database");
    assert!(
        status.stdout.contains(new)
            && status.stdout.contains("restore-record")
            && status.stdout.contains("xivo-update-db")
            && !status.stdout.contains("nothing pending"),
        "rollback status shows the restore's record and how to settle it: {}",
        status.stdout
    );

    h.run("xivo-update-db", &[]).assert_code(0);
    h.c.psql("postgres", &format!("DROP DATABASE \"{}\"", caught.old));
    assert_eq!(
        h.c.fingerprint(DB),
        caught.before,
        "database exactly as it was"
    );
    assert_converged(&h);
}

/// Suspected in issue 20, confirmed: a signal while a swap attempt is in
/// flight, the attempt then failing, left the connection in an aborted
/// transaction (no ROLLBACK was ever sent) and the undo failed on it.
#[test]
fn a_signal_during_a_swap_attempt_that_then_fails_still_lets_the_restore_undo_itself() {
    let h = host();
    let caught = restore_caught_in_its_swap(&h);
    let (before, old) = (caught.before.clone(), caught.old.clone());
    let (code, stderr) = signalled(&h, caught, nix::sys::signal::Signal::SIGTERM);
    assert_eq!(code, Some(143), "128 + SIGTERM: {stderr}");
    assert!(
        stderr.contains("left as it was") && !stderr.contains("failed too"),
        "the undo went through: {stderr}"
    );
    h.c.psql("postgres", &format!("DROP DATABASE \"{old}\""));
    assert_eq!(h.c.fingerprint(DB), before, "database exactly as it was");
    assert_converged(&h);
}

// Defect 4: a database is the restore's only by the one rule the snapshots
// follow (reserved name, closed to connections, oid in the record), never by
// its name alone.

/// `name`, made by someone else, with a row in it; `closed` as a restore
/// makes its databases.
fn someone_elses(h: &Host, name: &str, closed: bool) {
    h.c.psql("postgres", &format!("CREATE DATABASE \"{name}\""));
    h.c.psql(
        name,
        "CREATE TABLE mine (v text); INSERT INTO mine VALUES ('keep me')",
    );
    if closed {
        h.c.psql(
            "postgres",
            &format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"),
        );
    }
}

fn row_of(h: &Host, name: &str) -> String {
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"),
    );
    h.c.psql(name, "SELECT v FROM mine")
}

#[test]
fn a_database_that_only_has_a_restores_name_is_never_dropped() {
    let h = host();
    let open = "xivo_manage_db_restore_20200101T000000Z_old";
    let closed = "xivo_manage_db_restore_20200101T000000Z_new";
    someone_elses(&h, open, false);
    someone_elses(&h, closed, true);
    let before = h.c.fingerprint(DB);

    let r = h.run("xivo-update-db", &[]);
    r.assert_code(0);
    assert_eq!(restore_dbs(&h), vec![closed.to_string(), open.to_string()]);
    for name in [open, closed] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(name) && l.contains("by hand")),
            "one line says '{name}' is left alone and what to do: {}",
            r.stderr
        );
        assert_eq!(row_of(&h, name), "keep me");
    }
    assert_eq!(h.c.fingerprint(DB), before);
}

#[test]
fn a_database_with_a_restores_old_name_is_never_renamed_into_a_missing_database() {
    let h = host();
    let old = "xivo_manage_db_restore_20200101T000000Z_old";
    stop_services(&h);
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE {DB} RENAME TO asterisk_aside"),
    );
    someone_elses(&h, old, true);

    let r = h.run("xivo-update-db", &[]);
    r.assert_code(0);
    assert_eq!(restore_dbs(&h), vec![old.to_string()]);
    assert_eq!(row_of(&h, old), "keep me");
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) FROM pg_tables WHERE tablename = 'mine'"
        ),
        "0",
        "'{DB}' was provisioned, not taken from '{old}'"
    );
}

// Defect 5: a dump is held against the tables, rows and columns its
// revision has before it replaces anything.

#[test]
fn a_dump_lacking_tables_rows_or_columns_is_refused_naming_them() {
    let h = host();
    h.c.psql(DB, "ALTER TABLE resolvconf DROP COLUMN description");
    let file = dump_with(
        &h,
        DB,
        "partial.dump",
        &[
            "-T",
            "queue_log",
            "-T",
            "cel",
            "--exclude-table-data",
            "dhcp",
        ],
    );
    let r = refused_run(&h, &file, &[]);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert_names(&r, &file, last, "lacks what revision");
    for lacking in [
        "table cel",
        "table queue_log",
        "the rows of table dhcp",
        "column resolvconf.description",
    ] {
        assert!(last.contains(lacking), "names {lacking}: {last}");
    }
}

/// The swap had committed, then the restored database was dropped before
/// the record was settled: the database the swap set aside comes back
/// (the only copy of the data left).
#[test]
fn a_restored_database_dropped_after_its_swap_gets_the_replaced_one_back() {
    let h = host();
    let new = "xivo_manage_db_restore_20260101T000000Z_new";
    let old = "xivo_manage_db_restore_20260101T000000Z_old";
    stop_services(&h);
    let before = h.c.fingerprint(DB);
    h.c.psql(
        "postgres",
        &format!("CREATE DATABASE \"{new}\" TEMPLATE {DB}"),
    );
    let oid_of = |name: &str| {
        h.c.psql(
            "postgres",
            &format!("SELECT oid FROM pg_database WHERE datname = '{name}'"),
        )
    };
    let (new_oid, old_oid) = (oid_of(new), oid_of(DB));
    std::fs::write(
        h.c.state_dir().join("restore-record"),
        format!("phase swapping\nnew {new}\nold {old}\nnew_oid {new_oid}\nold_oid {old_oid}\n"),
    )
    .expect("record");
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE {DB} RENAME TO \"{old}\"; ALTER DATABASE \"{old}\" ALLOW_CONNECTIONS false"),
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{new}\" RENAME TO {DB}"),
    );
    h.c.psql("postgres", &format!("DROP DATABASE {DB}"));

    let r = h.run("xivo-update-db", &[]);
    r.assert_code(0);
    assert!(r.stderr.contains("putting it back"), "{}", r.stderr);
    assert_eq!(oid_of(DB), old_oid, "the replaced database is back");
    assert_eq!(h.c.fingerprint(DB), before, "exactly as it was");
    assert_eq!(restore_dbs(&h), Vec::<String>::new());
    assert_eq!(record(&h), None);
}

/// Found with issue 20: the restore's record was read with a plain read,
/// so a FIFO in its place hung every run that settles it (xivo-update-db,
/// the hooks, and now `rollback status`) instead of refusing.
#[test]
fn a_restore_record_that_is_a_fifo_is_refused_not_waited_on() {
    let h = Host::new();
    let path = h.c.state_dir().join("restore-record");
    nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o600)).expect("mkfifo");
    for (bin, args) in [
        ("xivo-manage-db", &["rollback", "status"][..]),
        ("xivo-update-db", &[][..]),
    ] {
        let mut child =
            h.c.cmd(bin)
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
        // A guard against a hang, not a timing assert: a refusal takes
        // well under a second.
        let started = Instant::now();
        while child.try_wait().expect("wait").is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{bin} {args:?} hangs on a FIFO record");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let r = Run::from(child.wait_with_output().expect("output"));
        r.assert_code(1);
        assert!(
            one_line(&r).contains("not a regular file") && r.stderr.contains("restore-record"),
            "{bin}: {}",
            r.stderr
        );
    }
}

/// A restore record of an earlier version (no `new_oid`/`old_oid` lines)
/// left by a restore killed after its swap committed: `DB_NAME` is the
/// restored database, the replaced one set aside closed. Without an oid
/// the set-aside database cannot be told from one someone made with that
/// name: it is never dropped; the run says so, naming it and how to drop
/// it by hand, and settles the record (DB_NAME is whole).
#[test]
fn an_earlier_versions_restore_record_never_drops_a_set_aside_database_it_cannot_recognise() {
    let h = host();
    let old = "xivo_manage_db_restore_20200101T000000Z_old";
    let new = "xivo_manage_db_restore_20200101T000000Z_new";
    stop_services(&h);
    let replaced = h.c.fingerprint(DB);
    h.c.psql(
        "postgres",
        &format!("CREATE DATABASE \"{new}\" TEMPLATE {DB}"),
    );
    // The restored database differs from the one it replaced.
    h.c.psql(
        new,
        "SET session_replication_role = replica; DELETE FROM queue_log",
    );
    std::fs::write(
        h.c.state_dir().join("restore-record"),
        format!("phase swapping\nnew {new}\nold {old}\n"),
    )
    .expect("record");
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE {DB} RENAME TO \"{old}\""),
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{old}\" ALLOW_CONNECTIONS false"),
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{new}\" RENAME TO {DB}"),
    );
    let restored = h.c.fingerprint(DB);

    let r = h.run("xivo-update-db", &[]);
    r.assert_code(0);
    assert!(
        r.stderr.contains(&format!(
            "database '{old}' is named by a restore record that holds no oid for it (a record of \
             an earlier version): it cannot be told from a database someone made, so it is left \
             alone; check it, then drop it by hand if it is not needed: DROP DATABASE \"{old}\""
        )),
        "{}",
        r.stderr
    );
    assert_eq!(h.c.fingerprint(DB), restored, "the restored database stays");
    assert_eq!(restore_dbs(&h), vec![old.to_string()]);
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{old}\" ALLOW_CONNECTIONS true"),
    );
    assert_eq!(h.c.fingerprint(old).1, replaced.1, "the set-aside rows");
    assert_eq!(record(&h), None);
}

/// The same record with `DB_NAME` missing: the set-aside database was
/// renamed back into its place on its name and closedness alone. Now
/// nothing is renamed or provisioned: exit 1, one line naming it and the
/// statements that put it back by hand, the record kept (writers stay
/// refused); once the administrator did so, the next run is whole.
#[test]
fn an_earlier_versions_restore_record_never_renames_an_unrecognised_database_into_a_missing_one() {
    let h = host();
    let old = "xivo_manage_db_restore_20200101T000000Z_old";
    let new = "xivo_manage_db_restore_20200101T000000Z_new";
    stop_services(&h);
    let replaced = h.c.fingerprint(DB);
    std::fs::write(
        h.c.state_dir().join("restore-record"),
        format!("phase swapping\nnew {new}\nold {old}\n"),
    )
    .expect("record");
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE {DB} RENAME TO \"{old}\""),
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{old}\" ALLOW_CONNECTIONS false"),
    );

    let r = h.run("xivo-update-db", &[]);
    r.assert_code(1);
    let fix = format!(
        "ALTER DATABASE \"{old}\" RENAME TO \"{DB}\"; ALTER DATABASE \"{DB}\" ALLOW_CONNECTIONS true"
    );
    assert!(
        one_line(&r).contains(&format!("database '{DB}' is missing and '{old}'"))
            && r.stderr.contains(&fix)
            && r.stderr.contains("restore-record"),
        "{}",
        r.stderr
    );
    assert!(!h.c.exists(DB), "something was put in DB_NAME's place");
    assert_eq!(restore_dbs(&h), vec![old.to_string()]);
    assert!(record(&h).is_some(), "the record was dropped");
    // What the administrator does, as told.
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE \"{old}\" RENAME TO {DB}"),
    );
    h.c.psql(
        "postgres",
        &format!("ALTER DATABASE {DB} ALLOW_CONNECTIONS true"),
    );
    std::fs::remove_file(h.c.state_dir().join("restore-record")).expect("record");
    h.run("xivo-update-db", &[]).assert_code(0);
    assert_eq!(h.c.fingerprint(DB), replaced);
}

/// `restore -` reads the backup from stdin (`pg_dump -Fc asterisk | ssh
/// host xivo-manage-db restore -`): every row comes back, and the copy it
/// spooled is gone after. From a terminal it is a usage error.
#[test]
fn restore_dash_reads_the_backup_from_stdin() {
    let h = host();
    let source = h.c.table_sums(DB);
    let file = dump(&h, DB, "piped.dump");
    live_on(&h);
    assert_ne!(h.c.table_sums(DB), source);
    let mut c = restore_cmd(&h, &["-"], None);
    c.stdin(std::fs::File::open(&file).expect("dump"));
    let r = Run::from(c.output().expect("run restore -"));
    r.assert_code(0);
    assert!(
        r.stdout
            .starts_with("backup '-' (stdin) restored as database 'asterisk'"),
        "{}",
        r.stdout
    );
    assert_eq!(h.c.table_sums(DB), source);
    let left: Vec<_> = std::fs::read_dir(h.c.state_dir())
        .expect("state dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("stdin"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // An empty stdin: refused, nothing changed.
    let before = h.c.fingerprint(DB);
    let r = restore(&h, &["-"]);
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(h.c.fingerprint(DB), before);
    // Not a backup: the error names what was given, '-', never the copy.
    let garbage = h.c.state_dir().join("../garbage.dump");
    std::fs::write(&garbage, "not a backup\n").expect("write");
    let mut c = restore_cmd(&h, &["-"], None);
    c.stdin(std::fs::File::open(&garbage).expect("garbage"));
    let r = Run::from(c.output().expect("run restore -"));
    r.assert_code(2);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("cannot restore '-' (stdin)") && !r.stderr.contains("restore-stdin"),
        "{}",
        r.stderr
    );
    assert_eq!(h.c.fingerprint(DB), before);
}

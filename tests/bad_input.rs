//! Bad input, and odd but valid input, for every command and maintainer
//! script (docs/bad-input.md is the table of the cases and outcomes).
//!
//! Bad input: unknown flags, missing values, config files that are garbage,
//! binary, one 10 MB line, missing, unreadable (a directory or a FIFO: we
//! run as root, so mode 000 would not stop us), state files that are empty,
//! junk, beyond the last script or without their newline, and migration sets
//! with each kind of error. Each gets one error line naming the object and
//! the fix, a non-zero exit as the README's contract says, and nothing
//! changed (databases, roles and the state directory compared before/after).
//!
//! Odd input: database and role names that need quoting (quotes, spaces,
//! unicode, backslash, `$`, 63 bytes, keywords) and a password with quotes,
//! backslashes and `$` go through provisioning, check, the 14.07 merge, the
//! hooks' snapshot and rollback; only what PostgreSQL cannot take (over 63
//! bytes, NUL, its reserved role names) is refused.

mod common;

use std::path::{Path, PathBuf};

use common::host::Host;
use common::{add_version, older_set, repo_baseline, repo_head, Cluster, MigrationsDir};

/// `value` written as the config file reads it back: double-quoted, with
/// `\`, `"`, `$` and `` ` `` escaped (src/config/value.rs `parse_value`).
fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for ch in value.chars() {
        if matches!(ch, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// `name` as an SQL identifier (for the test's own psql statements).
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` as an SQL literal (standard_conforming_strings is on in PG 15).
fn lit(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Database and role names PostgreSQL accepts (quoted) that a plain-name
/// rule would refuse: (what, database, owner).
fn odd_names() -> Vec<(&'static str, String, String)> {
    let long_db = format!("db_{}", "x".repeat(60));
    // 63 bytes with two-byte characters: 'é' x 31 + 'o'.
    let long_owner = format!("{}o", "é".repeat(31));
    assert_eq!(long_db.len(), 63);
    assert_eq!(long_owner.len(), 63);
    vec![
        (
            "double quotes and spaces",
            "pbx \"main\" db".into(),
            "pbx \"owner\"".into(),
        ),
        ("single quotes", "o'brien's db".into(), "o'brien".into()),
        ("unicode", "données €".into(), "rôle ünï".into()),
        ("backslash", "back\\slash".into(), "own\\er\\".into()),
        ("dollar", "$pay$".into(), "$1owner$".into()),
        ("63 bytes", long_db, long_owner),
        ("keywords", "table".into(), "user".into()),
        (
            "leading digit, dash, capitals",
            "1st-PBX".into(),
            "-Owner".into(),
        ),
        ("conninfo-like", "dbname=postgres".into(), "a=b c".into()),
    ]
}

/// psql as the superuser on database `db` named by PGDATABASE: given with
/// `-d`, a name holding `=` would be taken as a connection string.
fn q(c: &Cluster, db: &str, sql: &str) -> String {
    let mut cmd = c.psql_cmd("postgres", sql);
    let args: Vec<std::ffi::OsString> = cmd.get_args().map(|a| a.to_os_string()).collect();
    let mut fixed = common::as_owner("psql");
    let mut skip = false;
    for a in &args {
        if skip {
            skip = false;
            continue;
        }
        if a == "-d" {
            skip = true;
            continue;
        }
        fixed.arg(a);
    }
    fixed.env("PGDATABASE", db);
    let _ = &mut cmd;
    let out = fixed.output().expect("psql");
    assert!(
        out.status.success(),
        "psql on {db}: {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

fn revisions(c: &Cluster, db: &str) -> String {
    q(
        c,
        db,
        "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version",
    )
}

fn write_names(c: &Cluster, db: &str, owner: &str, extra: &str) {
    c.write_config(&format!(
        "DB_NAME={}\nDB_OWNER={}\n{extra}",
        quoted(db),
        quoted(owner)
    ));
}

fn owner_of(c: &Cluster, db: &str) -> String {
    c.psql(
        "postgres",
        &format!(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = {}",
            lit(db)
        ),
    )
}

/// Objects of `db`'s public schema not owned by `owner`.
fn foreign_objects(c: &Cluster, db: &str, owner: &str) -> String {
    q(
        c,
        db,
        &format!(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> {}",
            lit(owner)
        ),
    )
}

/// The owner logs in with its password, as the XiVO services do.
fn owner_logs_in(c: &Cluster, db: &str, owner: &str, password: &str) -> String {
    let mut login = common::as_owner("psql");
    login
        .env("PGPASSWORD", password)
        .env("PGDATABASE", db)
        .env("PGUSER", owner)
        .args(["-X", "-A", "-t", "-h"])
        .arg(&c.dir)
        .args(["-p", &c.port.to_string(), "-c"])
        .arg("SELECT current_user || '@' || current_database()");
    let out = login.output().expect("psql");
    assert!(
        out.status.success(),
        "{owner} cannot log in to {db}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn odd_database_and_role_names_are_provisioned_checked_updated_and_dropped() {
    let c = Cluster::start();
    for (what, db, owner) in odd_names() {
        write_names(&c, &db, &owner, "");
        let r = c.run("xivo-init-db", &["--init"], None);
        assert_eq!(r.code, 0, "{what}: init: {r:?}");
        assert_eq!(owner_of(&c, &db), owner, "{what}: database owner");
        assert_eq!(foreign_objects(&c, &db, &owner), "0", "{what}: ownership");
        assert_eq!(revisions(&c, &db), repo_head(), "{what}");
        assert_eq!(
            owner_logs_in(&c, &db, &owner, "proformatique"),
            format!("{owner}@{db}"),
            "{what}"
        );
        let r = c.run("xivo-check-db", &[], None);
        assert_eq!(r.code, 0, "{what}: check: {r:?}");
        let r = c.run("xivo-update-db", &[], None);
        assert_eq!(r.code, 0, "{what}: update: {r:?}");
        for sub in [&["status"][..], &["history"], &["rollback", "status"]] {
            let r = c.run("xivo-manage-db", sub, None);
            assert_eq!(r.code, 0, "{what}: {sub:?}: {r:?}");
        }
        let r = c.run("xivo-init-db", &["--drop"], None);
        assert_eq!(r.code, 0, "{what}: drop: {r:?}");
        assert!(!c.exists_named(&db), "{what}: database dropped");
        assert!(!c.role_named(&owner), "{what}: role dropped");
    }
}

impl ClusterExt for Cluster {
    fn exists_named(&self, db: &str) -> bool {
        self.psql(
            "postgres",
            &format!(
                "SELECT count(*) FROM pg_database WHERE datname = {}",
                lit(db)
            ),
        ) == "1"
    }
    fn role_named(&self, role: &str) -> bool {
        self.psql(
            "postgres",
            &format!(
                "SELECT count(*) FROM pg_roles WHERE rolname = {}",
                lit(role)
            ),
        ) == "1"
    }
}

/// `Cluster::exists` and `role_exists` put the name in a literal unquoted.
trait ClusterExt {
    fn exists_named(&self, db: &str) -> bool;
    fn role_named(&self, role: &str) -> bool;
}

/// A password with every character a shell, a conninfo or an SQL literal
/// treats specially.
const ODD_PASSWORD: &str = "p'a\"ss \\w$0rd$$`x`";

/// Everything a snapshot and its rollback must carry, for a database and
/// owner with any name: per-table checksums, the database's own settings,
/// the owner role as pg_authid has it.
fn state_of(c: &Cluster, db: &str, owner: &str) -> String {
    let tables = q(
        c,
        db,
        "SELECT t || ' ' || (xpath('/row/s/text()', query_to_xml(format( \
             'SELECT count(*) || %L || coalesce(md5(string_agg(x::text, %L ORDER BY x::text)), %L) AS s FROM %s x', \
             ' ', '|', '-', t), false, true, '')))[1]::text \
           FROM (SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS t FROM pg_tables \
                  WHERE schemaname NOT IN ('pg_catalog', 'information_schema')) q ORDER BY t",
    );
    let role = c.psql(
        "postgres",
        &format!(
            "SELECT rolname, rolcanlogin, rolconnlimit, rolvaliduntil, rolpassword FROM pg_authid \
             WHERE rolname = {}",
            lit(owner)
        ),
    );
    format!("{tables}\n{}\n{role}", c.database_settings(db))
}

/// Non-default database and role properties, with the names quoted.
fn set_non_defaults(c: &Cluster, db: &str, owner: &str) {
    let (d, o) = (ident(db), ident(owner));
    c.psql(
        "postgres",
        &format!(
            "COMMENT ON DATABASE {d} IS {}; ALTER DATABASE {d} CONNECTION LIMIT 137; \
             ALTER DATABASE {d} SET work_mem = '7MB'; \
             ALTER ROLE {o} IN DATABASE {d} SET statement_timeout = '17min'; \
             REVOKE TEMPORARY ON DATABASE {d} FROM PUBLIC; GRANT TEMPORARY ON DATABASE {d} TO {o}; \
             ALTER ROLE {o} CONNECTION LIMIT 41 VALID UNTIL '2099-12-31 00:00:00+00'",
            lit(&format!("fixture: {db}"))
        ),
    );
}

fn assert_never_shown(what: &str, text: &str, password: &str) {
    assert!(
        !text.contains(password),
        "{what} shows the password:\n{text}"
    );
}

/// An upgrade through the hooks of a database and owner with odd names: a
/// failing migration rolls back to the snapshot (everything as before), the
/// fixed retry upgrades, the password is never shown.
fn hooks_snapshot_and_rollback_with(db: &str, owner: &str) {
    let h = Host::new();
    let c = &h.c;
    c.restart_with("log_statement = 'all'");
    let services = format!(
        "SERVICES='pbx-a pbx-b'\nSERVICE_COMMAND={}\nDB_PASSWORD={}",
        common::host::service_command().display(),
        quoted(ODD_PASSWORD)
    );
    write_names(c, db, owner, &services);
    let (older, older_head) = older_set();
    let r = c.run("xivo-init-db", &["--init"], Some(&older.path));
    assert_eq!(r.code, 0, "init: {r:?}");
    assert_eq!(revisions(c, db), older_head);
    q(
        c,
        db,
        "INSERT INTO queue_log (time, callid, queuename, agent, event) \
         VALUES ('2014-06-01 10:00:00.000000', 'c1', 'q', 'Agent/1', 'CONNECT')",
    );
    set_non_defaults(c, db, owner);
    h.start_only(&["pbx-a", "pbx-b"]);
    let before = state_of(c, db, owner);
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fa11ed000001",
        &repo_head(),
        "CREATE TABLE half_done (id integer);\nUPDATE queue_log SET no_such_column = 1;",
    );
    let mut outputs = Vec::new();
    let r = h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&broken.path),
    );
    assert_eq!(r.code, 0, "preinst: {r:?}");
    assert_eq!(h.snapshots().len(), 1, "one snapshot");
    outputs.push(r);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    assert_eq!(r.code, 1, "postinst with a failing migration: {r:?}");
    assert!(r.stderr.contains("restored from snapshot"), "{}", r.stderr);
    assert_eq!(
        state_of(c, db, owner),
        before,
        "rolled back to the snapshot"
    );
    assert!(
        h.snapshots().is_empty() && h.record().is_none(),
        "no snapshot left"
    );
    assert_eq!(
        h.running(),
        vec!["pbx-a", "pbx-b"],
        "services running again"
    );
    outputs.push(r);
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    assert_eq!(r.code, 0, "postinst: {r:?}");
    outputs.push(r);
    assert_eq!(revisions(c, db), repo_head());
    assert!(
        h.snapshots().is_empty() && h.record().is_none(),
        "no snapshot left"
    );
    assert_eq!(foreign_objects(c, db, owner), "0", "ownership");
    assert_eq!(
        owner_logs_in(c, db, owner, ODD_PASSWORD),
        format!("{owner}@{db}")
    );
    let r = c.run("xivo-check-db", &[], None);
    assert_eq!(r.code, 0, "check: {r:?}");
    outputs.push(r);
    for r in &outputs {
        assert_never_shown("a hook", &format!("{}{}", r.stdout, r.stderr), ODD_PASSWORD);
    }
    let log = std::fs::read_to_string(c.dir.join("log")).expect("server log");
    assert!(
        log.contains("statement: CREATE ROLE"),
        "log_statement=all is on"
    );
    assert_never_shown("the server log", &log, ODD_PASSWORD);
}

/// 63 bytes holding a double and a single quote, spaces, a backslash, `$`
/// and two-byte characters.
fn everything_63(prefix: &str) -> String {
    let mut s = format!("{prefix} \"q\" o'q \\ $1 é");
    while s.len() < 63 {
        s.push('x');
    }
    assert_eq!(s.len(), 63, "{s}");
    s
}

#[test]
fn odd_names_go_through_the_hooks_snapshot_and_rollback() {
    hooks_snapshot_and_rollback_with(&everything_63("pbx"), &everything_63("own"));
}

#[test]
fn keyword_and_conninfo_like_names_go_through_the_hooks_snapshot_and_rollback() {
    hooks_snapshot_and_rollback_with("dbname=postgres user", "user");
}

#[test]
fn a_password_with_quotes_backslashes_and_dollars_works_and_is_never_shown() {
    let c = Cluster::start();
    c.restart_with("log_statement = 'all'");
    c.write_config(&format!("DB_PASSWORD={}", quoted(ODD_PASSWORD)));
    let r = c.run("xivo-init-db", &["--init", "-v"], None);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        owner_logs_in(&c, "asterisk", "asterisk", ODD_PASSWORD),
        "asterisk@asterisk"
    );
    let mut all = format!("{}{}", r.stdout, r.stderr);
    for (bin, args) in [
        ("xivo-check-db", &[][..]),
        ("xivo-update-db", &[]),
        ("xivo-manage-db", &["status"]),
        ("xivo-init-db", &["--init"]),
    ] {
        let r = c.run(bin, args, None);
        all.push_str(&r.stdout);
        all.push_str(&r.stderr);
    }
    assert_never_shown("the commands", &all, ODD_PASSWORD);
    let log = std::fs::read_to_string(c.dir.join("log")).expect("server log");
    assert!(
        log.contains("statement: CREATE ROLE"),
        "log_statement=all is on"
    );
    assert_never_shown("the server log", &log, ODD_PASSWORD);
}

/// A 14.07 host whose database and owner role have odd names (renamed from
/// `asterisk`): the hooks snapshot both databases, a failing migration
/// after the merge rolls everything back (database, `xivo`, roles, state
/// files), and the retry merges without losing a row.
#[test]
fn odd_names_on_a_1407_host_are_merged_and_rolled_back_through_the_hooks() {
    let (db, owner) = (everything_63("pbx"), everything_63("own"));
    let h = Host::new();
    let c = &h.c;
    c.make_1407_host(common::Host1407 {
        fill: true,
        queue_log_rows: 500,
        ..Default::default()
    });
    c.psql(
        "postgres",
        &format!(
            "ALTER DATABASE asterisk RENAME TO {}; ALTER ROLE asterisk RENAME TO {}",
            ident(&db),
            ident(&owner)
        ),
    );
    let services = format!(
        "SERVICES='pbx-a pbx-b'\nSERVICE_COMMAND={}",
        common::host::service_command().display()
    );
    write_names(c, &db, &owner, &services);
    h.start_only(&["pbx-a", "pbx-b"]);
    let rows = (c.rows(&db), c.rows("xivo"));
    let files_before = h.state_files();
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fa11ed000001",
        &repo_head(),
        "UPDATE queue_log SET no_such_column = 1;",
    );
    let r = h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&broken.path),
    );
    assert_eq!(r.code, 0, "preinst: {r:?}");
    assert_eq!(h.snapshots().len(), 2, "main and xivo: {:?}", h.snapshots());
    // preinst gave queue_log its id online (services running, odd names
    // quoted), then took the snapshot: the state a rollback comes back to.
    assert!(
        r.stderr.contains("adding queue_log's id online: done"),
        "{}",
        r.stderr
    );
    common::assert_no_row_lost(c, &db, &rows.0, &common::BOOKKEEPING);
    let before = (
        state_of(c, &db, &owner),
        c.fingerprint("xivo"),
        files_before,
    );
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    assert_eq!(r.code, 1, "postinst with a failing migration: {r:?}");
    assert!(r.stderr.contains("restored from snapshot"), "{}", r.stderr);
    let after = (
        state_of(c, &db, &owner),
        c.fingerprint("xivo"),
        h.state_files(),
    );
    assert!(after == before, "not as before the upgrade");
    assert!(
        h.snapshots().is_empty() && h.record().is_none(),
        "no snapshot left"
    );
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    assert_eq!(r.code, 0, "postinst: {r:?}");
    assert_eq!(revisions(c, &db), repo_head());
    // Less what 14.08's scripts drop or move on purpose.
    for rows in [&rows.0, &rows.1] {
        let mut rows = rows.clone();
        common::without_1408_removals(&mut rows);
        common::assert_no_row_lost(c, &db, &rows, &common::BOOKKEEPING);
    }
    common::assert_1408_removals_gone(c, &db);
    assert_eq!(foreign_objects(c, &db, &owner), "0", "ownership");
    assert!(
        !c.exists("xivo") && !c.role_exists("xivo"),
        "xivo merged away"
    );
    assert!(
        h.snapshots().is_empty() && h.record().is_none(),
        "no snapshot left"
    );
    assert_eq!(c.run("xivo-check-db", &[], None).code, 0);
    assert_eq!(h.running(), vec!["pbx-a", "pbx-b"]);
}

// ------------------------------------------------------------------ bad input

/// What a run did, with a bound on its time: a program that waits forever
/// (on a FIFO, say) is a failure, not a hung test.
fn bounded(mut cmd: std::process::Command) -> common::Run {
    use std::io::Read;
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let o = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let text = |v: Vec<u8>| String::from_utf8_lossy(&v).into_owned();
    let (stdout, stderr) = (
        text(o.join().expect("stdout")),
        text(e.join().expect("stderr")),
    );
    match status {
        Some(s) => common::Run {
            code: s.code().unwrap_or(-1),
            stdout,
            stderr,
        },
        None => common::Run {
            code: -9,
            stdout,
            stderr: format!("{stderr}[still running after 20 s: killed]"),
        },
    }
}

/// Everything a bad input must leave as it was: every database (its
/// settings, rows and sequences; `full` adds the schema, slower), the
/// roles, and the state directory (paths and contents; the lock file aside,
/// whose holder line each run rewrites).
fn world_with(c: &Cluster, full: bool) -> String {
    let databases = c.psql(
        "postgres",
        "SELECT string_agg(datname || ':' || datconnlimit || ':' || datallowconn, ',' ORDER BY datname) \
           FROM pg_database",
    );
    let mut out = format!("{databases}\n");
    out.push_str(&c.psql(
        "postgres",
        "SELECT string_agg(rolname || ':' || rolcanlogin || ':' || rolconnlimit || ':' || \
                coalesce(rolpassword, '-'), ',' ORDER BY rolname) FROM pg_authid",
    ));
    for db in ["asterisk", "xivo"] {
        if !databases
            .split(',')
            .any(|d| d.starts_with(&format!("{db}:")))
        {
            continue;
        }
        let sums = if full {
            let (schema, sums) = c.fingerprint(db);
            format!("{schema}\n{}", sums.join("\n"))
        } else {
            // Between two runs of one case, what an upgrade or a provisioning
            // changes: the catalog (any DDL, any table rewrite) and, on the
            // new system, the revision and the history. The whole
            // fingerprint (every row) is compared over each table.
            let catalog = c.psql(
                db,
                "SELECT string_agg(c.oid || ':' || c.relname || ':' || c.relfilenode, ',' ORDER BY c.oid) \
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')",
            );
            let versions = if catalog.contains(":alembic_version:") {
                c.psql(
                    db,
                    "SELECT md5(string_agg(t, ',' ORDER BY t)) FROM (SELECT version_num AS t FROM alembic_version \
                      UNION ALL SELECT revision || applied_at FROM xivo_manage_db_history) q",
                )
            } else {
                "-".into()
            };
            format!("{catalog} {versions}")
        };
        out.push_str(&format!("\n{db}\n{sums}"));
    }
    let mut files = Vec::new();
    walk(&c.state_dir(), &mut files);
    files.retain(|p| !p.contains("/lock "));
    files.sort();
    for f in files {
        out.push_str(&format!("\n{f}"));
    }
    out
}

/// Every entry under `dir`: a file with its size and a hash of its bytes,
/// a directory, or a FIFO (never opened: that would wait for a writer).
fn walk(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.expect("entry").path();
        let meta = std::fs::symlink_metadata(&p).expect("lstat");
        let shown = p.display();
        if meta.is_dir() {
            out.push(format!("{shown} dir"));
            walk(&p, out);
        } else if meta.is_file() {
            let bytes = std::fs::read(&p).unwrap_or_default();
            out.push(format!("{shown} {} bytes {:x}", bytes.len(), hash(&bytes)));
        } else {
            out.push(format!("{shown} special"));
        }
    }
}

/// `world_with`, schema included.
fn world(c: &Cluster) -> String {
    world_with(c, true)
}

fn hash(text: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// One call: a command or a hook with its arguments.
#[derive(Clone, Copy)]
struct Call {
    bin: &'static str,
    args: &'static [&'static str],
}

impl Call {
    fn is_hook(&self) -> bool {
        ["preinst", "postinst", "prerm", "postrm"].contains(&self.bin)
    }
    fn show(&self) -> String {
        format!("{} {}", self.bin, self.args.join(" "))
    }
}

/// Every call that reads the configuration and may change something.
const CALLS: [Call; 13] = [
    Call {
        bin: "xivo-init-db",
        args: &["--init"],
    },
    Call {
        bin: "xivo-init-db",
        args: &["--drop"],
    },
    Call {
        bin: "xivo-check-db",
        args: &[],
    },
    Call {
        bin: "xivo-update-db",
        args: &[],
    },
    Call {
        bin: "xivo-manage-db",
        args: &["status"],
    },
    Call {
        bin: "xivo-manage-db",
        args: &["history"],
    },
    Call {
        bin: "xivo-manage-db",
        args: &["rollback", "status"],
    },
    Call {
        bin: "xivo-manage-db",
        args: &["rollback", "finish"],
    },
    Call {
        bin: "xivo-manage-db",
        args: &["rollback", "discard"],
    },
    Call {
        bin: "preinst",
        args: &["upgrade", "14.7.0", "14.8.0"],
    },
    Call {
        bin: "postinst",
        args: &["configure", "14.7.0"],
    },
    Call {
        bin: "prerm",
        args: &["remove"],
    },
    Call {
        bin: "postrm",
        args: &["abort-upgrade", "14.7.0", "14.8.0"],
    },
];

/// The fixture: a host (services configured, not running) whose database
/// is at an older revision, so that an update or a hook would change it.
fn older_fixture() -> Host {
    let h = Host::new();
    let (older, _) = older_set();
    h.c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    h.c.psql(
        "asterisk",
        "INSERT INTO queue_log (time, callid, queuename, agent, event) \
         VALUES ('2014-06-01 10:00:00.000000', 'c1', 'q', 'Agent/1', 'CONNECT')",
    );
    std::fs::set_permissions(
        h.c.config_path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod config");
    h
}

fn command(
    h: &Host,
    call: Call,
    config: &Path,
    migrations: Option<&Path>,
) -> std::process::Command {
    let mut cmd = if call.is_hook() {
        h.hook_cmd(call.bin, call.args, migrations)
    } else {
        let mut c = h.c.cmd(call.bin);
        c.args(call.args)
            .env("XMDB_SVC_DIR", &h.svc)
            .env("XMDB_SVC_PGHOST", &h.c.dir)
            .env("XMDB_SVC_PGPORT", h.c.port.to_string());
        if let Some(m) = migrations {
            c.env("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR", m);
        }
        c
    };
    cmd.env("XIVO_MANAGE_DB_CONFIG", config);
    cmd
}

/// The error lines of a run: every stderr line of a command; the lines
/// saying `error:` of a hook (which logs each step on stderr too).
fn error_lines(call: Call, r: &common::Run) -> Vec<String> {
    r.stderr
        .lines()
        .filter(|l| !call.is_hook() || l.contains("error:"))
        .map(String::from)
        .collect()
}

/// Run `call`, check exit code `code`, one error line holding each of
/// `says`, nothing changed. Failures are collected, not raised, so that one
/// run of the table shows every case that is wrong.
#[allow(clippy::too_many_arguments)]
fn expect_refused(
    h: &Host,
    what: &str,
    call: Call,
    config: &Path,
    migrations: Option<&Path>,
    code: i32,
    says: &[&str],
    failures: &mut Vec<String>,
) {
    let before = world_with(&h.c, false);
    let r = bounded(command(h, call, config, migrations));
    let after = world_with(&h.c, false);
    let lines = error_lines(call, &r);
    let mut wrong = Vec::new();
    if r.code != code {
        wrong.push(format!("exit {} (want {code})", r.code));
    }
    if lines.len() != 1 {
        wrong.push(format!("{} error lines (want 1)", lines.len()));
    }
    // The input is never echoed whole: a 10 MB line must not become a
    // 10 MB error.
    if let Some(l) = lines.iter().find(|l| l.len() > 2000) {
        wrong.push(format!("an error line of {} bytes", l.len()));
    }
    for s in says {
        if !lines.iter().any(|l| l.contains(s)) {
            wrong.push(format!("no '{s}' in the error"));
        }
    }
    if after != before {
        wrong.push(format!(
            "something changed: {}",
            common::first_difference(&before, &after)
        ));
    }
    if !wrong.is_empty() {
        failures.push(format!(
            "{what} / {}: {}\n    stderr: {}",
            call.show(),
            wrong.join("; "),
            r.stderr
                .trim_end()
                .chars()
                .take(3000)
                .collect::<String>()
                .replace('\n', "\n            ")
        ));
    }
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} case(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Config files that cannot be used: (what, content or kind, words the
/// error must hold besides the file's path).
fn bad_configs(dir: &Path, good: &str) -> Vec<(&'static str, PathBuf, Vec<&'static str>)> {
    let mut out = Vec::new();
    let mut file = |what: &'static str, name: &str, bytes: Vec<u8>, says: Vec<&'static str>| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write config");
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .expect("chmod");
        out.push((what, p, says));
    };
    file(
        "garbage",
        "garbage",
        format!("{good}this is not a config file\n").into_bytes(),
        vec!["line", "KEY=VALUE"],
    );
    file(
        "binary junk",
        "binary",
        (0u8..=255).cycle().take(4096).collect(),
        vec!["UTF-8"],
    );
    file(
        "a 10 MB line",
        "huge-line",
        format!("{good}DB_NAME={}\n", "x".repeat(10 << 20)).into_bytes(),
        vec!["DB_NAME", "63 bytes"],
    );
    file(
        "a 10 MB line of garbage",
        "huge-garbage",
        format!("{good}{}\n", "#!".repeat(5 << 20).replacen('#', "x", 1)).into_bytes(),
        vec!["line"],
    );
    file(
        "an unknown key",
        "typo",
        format!("{good}DB_NAEM=pbx\n").into_bytes(),
        vec!["unknown key 'DB_NAEM'"],
    );
    file(
        "an unterminated quote",
        "quote",
        format!("{good}DB_PASSWORD='secret\n").into_bytes(),
        vec!["unterminated"],
    );
    file(
        "a NUL in a name",
        "nul",
        format!("{good}DB_NAME=\"a\0b\"\n").into_bytes(),
        vec!["DB_NAME", "NUL"],
    );
    file(
        "a 64-byte name",
        "long",
        format!("{good}DB_OWNER={}\n", "o".repeat(64)).into_bytes(),
        vec!["DB_OWNER", "63 bytes"],
    );
    file(
        "a reserved role name",
        "reserved",
        format!("{good}DB_OWNER=pg_pbx\n").into_bytes(),
        vec!["DB_OWNER", "reserved"],
    );
    let missing = dir.join("missing");
    out.push(("a missing file", missing, vec!["No such file"]));
    let is_dir = dir.join("a-directory");
    std::fs::create_dir_all(&is_dir).expect("mkdir");
    out.push(("a directory", is_dir, vec!["regular file"]));
    let fifo = dir.join("a-fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).expect("mkfifo");
    out.push(("a FIFO (nobody writes it)", fifo, vec!["regular file"]));
    out
}

#[test]
fn bad_config_files_get_one_error_line_exit_2_and_change_nothing() {
    let h = older_fixture();
    let good = std::fs::read_to_string(h.c.config_path()).expect("config");
    let dir = h.c.dir.join("configs");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let configs = bad_configs(&dir, &good);
    let mut failures = Vec::new();
    let start = world(&h.c);
    for (what, path, says) in &configs {
        for call in CALLS {
            // Unwinding with nothing recorded never reads the config (dpkg's
            // error path must not fail on it): it does nothing, exit 0.
            let settle = matches!(call.bin, "prerm" | "postrm");
            if settle {
                let before = world_with(&h.c, false);
                let r = bounded(command(&h, call, path, None));
                if r.code != 0 || world_with(&h.c, false) != before {
                    failures.push(format!(
                        "{what} / {}: want exit 0, nothing changed: {r:?}",
                        call.show()
                    ));
                }
                continue;
            }
            let file = path.display().to_string();
            let mut all: Vec<&str> = vec![file.as_str()];
            all.extend(says.iter().copied());
            expect_refused(&h, what, call, path, None, 2, &all, &mut failures);
        }
    }
    if world(&h.c) != start {
        failures.push("the schema, rows or state files changed over the whole table".into());
    }
    report(failures);
}

/// `bin` with raw (possibly non-UTF-8) arguments, against the fixture.
fn raw_call(h: &Host, bin: &'static str, args: &[std::ffi::OsString]) -> std::process::Command {
    let mut cmd = command(h, Call { bin, args: &[] }, &h.c.config_path(), None);
    cmd.args(args);
    cmd
}

#[test]
fn bad_arguments_get_one_error_line_and_change_nothing() {
    use std::os::unix::ffi::OsStringExt;
    let h = older_fixture();
    let bad = std::ffi::OsString::from_vec(vec![b'x', 0xff, b'y']);
    let s = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
    // (bin, arguments, exit code, words the one error line holds)
    let cases: Vec<(&'static str, Vec<std::ffi::OsString>, i32, Vec<&str>)> = vec![
        (
            "xivo-init-db",
            s(&["--bogus"]),
            2,
            vec!["--bogus", "--help"],
        ),
        (
            "xivo-init-db",
            s(&["--init", "extra"]),
            2,
            vec!["extra", "--help"],
        ),
        (
            "xivo-init-db",
            s(&["--init=yes"]),
            2,
            vec!["--init", "--help"],
        ),
        ("xivo-init-db", s(&[]), 2, vec!["--init", "--drop"]),
        ("xivo-init-db", vec![bad.clone()], 2, vec!["--help"]),
        (
            "xivo-check-db",
            s(&["--bogus"]),
            2,
            vec!["--bogus", "Usage"],
        ),
        ("xivo-check-db", s(&["extra"]), 2, vec!["extra", "Usage"]),
        ("xivo-check-db", vec![bad.clone()], 2, vec!["Usage"]),
        (
            "xivo-update-db",
            s(&["--bogus"]),
            2,
            vec!["--bogus", "--help"],
        ),
        ("xivo-update-db", s(&["extra"]), 2, vec!["extra", "--help"]),
        ("xivo-manage-db", s(&[]), 2, vec!["--help"]),
        ("xivo-manage-db", s(&["bogus"]), 2, vec!["bogus", "--help"]),
        (
            "xivo-manage-db",
            s(&["--bogus"]),
            2,
            vec!["--bogus", "--help"],
        ),
        (
            "xivo-manage-db",
            s(&["status", "--bogus"]),
            2,
            vec!["--bogus", "--help"],
        ),
        ("xivo-manage-db", s(&["show"]), 2, vec!["FILE", "--help"]),
        (
            "xivo-manage-db",
            s(&["show", "a", "b"]),
            2,
            vec!["'b'", "--help"],
        ),
        (
            "xivo-manage-db",
            s(&["show", "no-such.sql"]),
            2,
            vec!["no-such.sql", "xivo-manage-db migrations"],
        ),
        (
            "xivo-manage-db",
            vec!["show".into(), bad.clone()],
            2,
            vec!["--help"],
        ),
        (
            "xivo-manage-db",
            s(&["rollback"]),
            2,
            vec!["rollback", "--help"],
        ),
        (
            "xivo-manage-db",
            s(&["rollback", "bogus"]),
            2,
            vec!["bogus", "--help"],
        ),
        (
            "preinst",
            s(&["bogus"]),
            1,
            vec!["unknown argument 'bogus'"],
        ),
        ("preinst", s(&[]), 1, vec!["preinst"]),
        ("preinst", vec![bad.clone()], 1, vec!["unknown argument"]),
        (
            "postinst",
            s(&["--bogus"]),
            1,
            vec!["unknown argument '--bogus'"],
        ),
        (
            "postinst",
            s(&["triggered", "x"]),
            1,
            vec!["unknown argument 'triggered'"],
        ),
        (
            "postinst",
            vec![bad.clone(), "configure".into()],
            1,
            vec!["unknown argument"],
        ),
        ("prerm", s(&["purge"]), 1, vec!["unknown argument 'purge'"]),
        ("prerm", vec![bad.clone()], 1, vec!["unknown argument"]),
        (
            "postrm",
            s(&["configure"]),
            1,
            vec!["unknown argument 'configure'"],
        ),
        ("postrm", vec![bad], 1, vec!["unknown argument"]),
    ];
    let mut failures = Vec::new();
    let start = world(&h.c);
    for (bin, args, code, says) in cases {
        let shown = format!("{bin} {:?}", args);
        let before = world_with(&h.c, false);
        let r = bounded(raw_call(&h, bin, &args));
        let lines: Vec<&str> = r.stderr.lines().collect();
        let mut wrong = Vec::new();
        if r.code != code {
            wrong.push(format!("exit {} (want {code})", r.code));
        }
        if lines.len() != 1 {
            wrong.push(format!("{} stderr lines (want 1)", lines.len()));
        }
        for w in &says {
            if !lines.first().is_some_and(|l| l.contains(w)) {
                wrong.push(format!("no '{w}' in the first line"));
            }
        }
        if world_with(&h.c, false) != before {
            wrong.push("something changed".into());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{shown}: {}\n    stderr: {}",
                wrong.join("; "),
                r.stderr
                    .trim_end()
                    .lines()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join("\n            ")
            ));
        }
    }
    if world(&h.c) != start {
        failures.push("the schema, rows or state files changed over the whole table".into());
    }
    report(failures);
}

/// A bad state file: (what, its bytes or None for a missing or special
/// file, words the error holds).
type BadCase = (&'static str, Option<Vec<u8>>, Vec<&'static str>);

/// A state file's bad contents.
fn bad_contents(big: bool) -> Vec<BadCase> {
    let mut v: Vec<BadCase> = vec![
        ("empty", Some(Vec::new()), vec![]),
        ("junk", Some(b"garbage here\n".to_vec()), vec![]),
        (
            "binary junk",
            Some((0u8..=255).cycle().take(2048).collect()),
            vec![],
        ),
    ];
    if big {
        v.push(("a 10 MB line", Some(vec![b'7'; 10 << 20]), vec![]));
    }
    v
}

/// Make `path` a FIFO (nobody writes it) or a directory.
fn make_special(path: &Path, kind: &str) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir_all(path);
    match kind {
        "fifo" => nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600))
            .expect("mkfifo"),
        _ => std::fs::create_dir_all(path).expect("mkdir"),
    }
}

#[test]
fn bad_1407_state_files_get_one_error_line_and_change_nothing() {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407::default());
    std::fs::set_permissions(
        h.c.config_path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod config");
    let dir = h.c.state_dir().join("update-db");
    let good: Vec<(String, Vec<u8>)> = ["asterisk-last", "xivo-last"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(dir.join(f)).expect("state file"),
            )
        })
        .collect();
    let calls = [
        Call {
            bin: "xivo-update-db",
            args: &[],
        },
        Call {
            bin: "xivo-check-db",
            args: &[],
        },
        Call {
            bin: "xivo-manage-db",
            args: &["status"],
        },
        Call {
            bin: "preinst",
            args: &["upgrade", "14.7.0", "14.8.0"],
        },
        Call {
            bin: "postinst",
            args: &["configure", "14.7.0"],
        },
    ];
    let mut failures = Vec::new();
    let start = world(&h.c);
    for (file, _) in &good {
        let path = dir.join(file);
        let mut cases = bad_contents(true);
        cases.push((
            "beyond the last script",
            Some(b"999\n".to_vec()),
            vec![
                "999",
                "not one this package upgrades from",
                "14.06",
                "14.07",
            ],
        ));
        cases.push((
            "below the oldest level",
            Some(b"12\n".to_vec()),
            vec![
                "012",
                "not one this package upgrades from",
                "14.06",
                "14.07",
            ],
        ));
        cases.push(("negative", Some(b"-1\n".to_vec()), vec!["-1"]));
        cases.push((
            "too big a number",
            Some(b"99999999999999999999\n".to_vec()),
            vec!["99999999999999999999"],
        ));
        cases.push(("missing", None, vec!["missing"]));
        for kind in ["", "fifo", "directory"] {
            let cases_here: Vec<_> = if kind.is_empty() {
                cases.clone()
            } else {
                vec![(
                    if kind == "fifo" {
                        "a FIFO"
                    } else {
                        "a directory"
                    },
                    None,
                    vec![],
                )]
            };
            for (what, bytes, says) in cases_here {
                match (&bytes, kind) {
                    (Some(b), _) => std::fs::write(&path, b).expect("write"),
                    (None, "") => std::fs::remove_file(&path).expect("rm"),
                    (None, k) => make_special(&path, k),
                }
                let shown = path.display().to_string();
                let mut all = vec![shown.as_str(), "restore it"];
                all.extend(says.iter().copied());
                for call in calls {
                    let what = format!("{file} {what}");
                    expect_refused(
                        &h,
                        &what,
                        call,
                        &h.c.config_path(),
                        None,
                        2,
                        &all,
                        &mut failures,
                    );
                }
                make_special(&path, "none");
                let _ = std::fs::remove_dir_all(&path);
                let _ = std::fs::remove_file(&path);
                std::fs::write(
                    &path,
                    &good.iter().find(|(f, _)| f == file).expect("good").1,
                )
                .expect("restore");
            }
        }
    }
    if world(&h.c) != start {
        failures.push("the schema, rows or state files changed over the whole table".into());
    }
    report(failures);

    // A level without its newline is a level: the upgrade goes through.
    for (file, bytes) in &good {
        let text = String::from_utf8_lossy(bytes).trim().to_string();
        std::fs::write(dir.join(file), text.as_bytes()).expect("write");
    }
    let r = h.c.run("xivo-check-db", &[], None);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("NOK (last is"), "{r:?}");
    let r = h.c.run("xivo-update-db", &[], None);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(h.c.revisions("asterisk"), repo_head());
}

const fn call(bin: &'static str, args: &'static [&'static str]) -> Call {
    Call { bin, args }
}

/// Every call that reads `rollback/record`: each refuses a record it cannot
/// use before anything else. The last seven start or stop services; the
/// first and the last five put back `xivo`'s connection limit.
const READS_RECORD: [Call; 10] = [
    call("xivo-update-db", &[]),
    call("xivo-init-db", &["--init"]),
    call("xivo-manage-db", &["rollback", "status"]),
    call("xivo-manage-db", &["rollback", "finish"]),
    call("xivo-manage-db", &["rollback", "discard"]),
    call("preinst", &["upgrade", "14.7.0", "14.8.0"]),
    call("postinst", &["configure", "14.7.0"]),
    call("prerm", &["remove"]),
    call("postrm", &["abort-upgrade", "14.7.0", "14.8.0"]),
    call("preinst", &["abort-upgrade", "14.8.0"]),
];

/// Every call that starts or stops services: `stopped-services` is read by
/// each before it changes anything.
fn reads_stopped_services() -> &'static [Call] {
    &READS_RECORD[3..]
}

/// Every call that puts back the connection limit of `xivo` a killed merge
/// left (`merge-xivo-connlimit`), before anything else: xivo-update-db and
/// the hooks.
fn reads_connlimit() -> Vec<Call> {
    std::iter::once(READS_RECORD[0])
        .chain(READS_RECORD[5..].iter().copied())
        .collect()
}

/// Put a state file back as it was (mode 0600, as the package writes it).
fn put_back(path: &Path, good: &[u8]) {
    let _ = std::fs::remove_dir_all(path);
    let _ = std::fs::remove_file(path);
    std::fs::write(path, good).expect("put back");
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
}

/// Write `bytes` at `path`, or make it a FIFO or a directory (`bytes` None).
fn write_case(path: &Path, what: &str, bytes: &Option<Vec<u8>>) {
    match (bytes, what) {
        (Some(b), _) => {
            let _ = std::fs::remove_dir_all(path);
            std::fs::write(path, b).expect("write")
        }
        (None, "a FIFO") => make_special(path, "fifo"),
        (None, _) => make_special(path, "directory"),
    }
}

/// `expect_refused`, and the services left as they were (a hook that
/// started the stopped ones changed the host).
fn expect_refused_services_kept(
    h: &Host,
    what: &str,
    call: Call,
    says: &[&str],
    failures: &mut Vec<String>,
) {
    let running = h.running();
    expect_refused(h, what, call, &h.c.config_path(), None, 2, says, failures);
    let now = h.running();
    if now != running {
        failures.push(format!(
            "{what} / {}: services running {running:?} before, {now:?} after",
            call.show()
        ));
    }
}

/// The package's own state files, on a host whose upgrade preinst prepared
/// (a snapshot recorded, services stopped): a record, a stopped-services
/// list or a remembered connection limit that cannot be used stops every
/// call that reads it, in one line naming the file and the fix, exit 2,
/// before anything changes (databases, roles, state files, services).
#[test]
fn bad_package_state_files_get_one_error_line_and_change_nothing() {
    let h = older_fixture();
    h.start_services();
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    assert!(h.running().is_empty(), "preinst stopped the services");
    let state = h.c.state_dir();
    let record = state.join("rollback/record");
    let stopped = state.join("stopped-services");
    let connlimit = state.join("merge-xivo-connlimit");
    let good_record = std::fs::read(&record).expect("record");
    let good_stopped = std::fs::read(&stopped).expect("stopped-services");
    assert!(!good_stopped.is_empty(), "preinst recorded the services");
    let mut failures = Vec::new();
    let start = world(&h.c);

    let text = String::from_utf8_lossy(&good_record).into_owned();
    assert!(text.contains("phase\tready\n"), "{text}");
    let mut record_cases = bad_contents(false);
    record_cases.push((
        "an unknown phase",
        Some(
            text.replace("phase\tready", "phase\tsomewhere")
                .into_bytes(),
        ),
        vec!["unknown phase"],
    ));
    record_cases.push((
        "a snapshot name that is not one",
        Some(
            text.replace("xivo_manage_db_snapshot_", "asterisk_")
                .into_bytes(),
        ),
        vec!["not the name of a snapshot"],
    ));
    record_cases.push(("a FIFO", None, vec!["not a regular file"]));
    record_cases.push(("a directory", None, vec!["not a regular file"]));
    let shown = record.display().to_string();
    for (what, bytes, says) in record_cases {
        write_case(&record, what, &bytes);
        let mut all = vec![shown.as_str(), "remove it"];
        all.extend(says.iter().copied());
        for call in READS_RECORD {
            expect_refused_services_kept(&h, &format!("record {what}"), call, &all, &mut failures);
        }
        put_back(&record, &good_record);
    }
    // A record without its last newline is the same record.
    std::fs::write(&record, text.trim_end()).expect("write");
    let r = h.run("xivo-manage-db", &["rollback", "status"]);
    put_back(&record, &good_record);
    let whole = h.run("xivo-manage-db", &["rollback", "status"]);
    if r.code != 1 || r.stdout != whole.stdout || !r.stdout.contains("phase:\t\tready") {
        failures.push(format!(
            "record without its last newline: {r:?}, with it: {whole:?}"
        ));
    }

    let shown = stopped.display().to_string();
    for (what, bytes) in [
        (
            "binary junk",
            Some((0u8..=255).cycle().take(2048).collect::<Vec<u8>>()),
        ),
        ("a FIFO", None),
        ("a directory", None),
    ] {
        write_case(&stopped, what, &bytes);
        for &call in reads_stopped_services() {
            expect_refused_services_kept(
                &h,
                &format!("stopped-services {what}"),
                call,
                &[shown.as_str(), "by hand"],
                &mut failures,
            );
        }
        put_back(&stopped, &good_stopped);
    }

    let shown = connlimit.display().to_string();
    for (what, bytes) in [
        ("empty", Some(Vec::new())),
        ("junk", Some(b"lots\n".to_vec())),
        ("a number too big", Some(b"99999999999\n".to_vec())),
        (
            "binary junk",
            Some((0u8..=255).cycle().take(2048).collect::<Vec<u8>>()),
        ),
        ("a FIFO", None),
        ("a directory", None),
    ] {
        write_case(&connlimit, what, &bytes);
        for call in reads_connlimit() {
            expect_refused_services_kept(
                &h,
                &format!("merge-xivo-connlimit {what}"),
                call,
                &[shown.as_str(), "by hand", "CONNECTION LIMIT"],
                &mut failures,
            );
        }
        let _ = std::fs::remove_dir_all(&connlimit);
        let _ = std::fs::remove_file(&connlimit);
    }
    if world(&h.c) != start {
        failures.push("the schema, rows or state files changed over the whole table".into());
    }
    report(failures);

    // Fixed, the same host goes on: postinst upgrades and starts the services.
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions("asterisk"), repo_head());
    assert!(!record.exists() && !stopped.exists());
    assert_eq!(h.running(), common::host::RUNNING, "services started again");
}

#[test]
fn bad_migration_sets_get_one_error_line_and_change_nothing() {
    let h = older_fixture();
    let head = repo_head();
    type Break = Box<dyn Fn(&Path)>;
    let write = |name: &'static str, bytes: Vec<u8>| -> Break {
        Box::new(move |d: &Path| std::fs::write(d.join(name), &bytes).expect("write"))
    };
    let cases: Vec<(&str, Break, Vec<&str>)> = vec![
        (
            "duplicate revision",
            Box::new(move |d: &Path| add_version(d, &repo_head(), &repo_baseline(), "SELECT 1;")),
            vec!["claimed by both"],
        ),
        (
            "unknown parent",
            Box::new(|d: &Path| add_version(d, "abcabc000001", "ffffffffffff", "SELECT 1;")),
            vec!["versions/abcabc000001_test.sql", "ffffffffffff"],
        ),
        (
            "two heads",
            Box::new(|d: &Path| add_version(d, "abcabc000002", &repo_baseline(), "SELECT 1;")),
            vec!["head"],
        ),
        (
            "cycle",
            Box::new(|d: &Path| {
                add_version(d, "abcabc000003", "abcabc000004", "SELECT 1;");
                add_version(d, "abcabc000004", "abcabc000003", "SELECT 1;");
            }),
            vec!["cycle"],
        ),
        (
            "no header",
            write("versions/abcabc000005_x.sql", b"SELECT 1;\n".to_vec()),
            vec!["versions/abcabc000005_x.sql", "revision"],
        ),
        (
            "binary junk",
            write("versions/abcabc000006_x.sql", (0u8..=255).cycle().take(4096).collect()),
            vec!["versions/abcabc000006_x.sql", "UTF-8"],
        ),
        (
            "a 10 MB header line",
            write(
                "versions/abcabc000007_x.sql",
                format!("-- revision: {}\n", "a".repeat(10 << 20)).into_bytes(),
            ),
            vec!["versions/abcabc000007_x.sql"],
        ),
        (
            "file name and revision differ",
            write(
                "versions/abcabc000008_x.sql",
                format!("-- revision: abcabc000009\n-- down_revision: {head}\n-- message: m\n").into_bytes(),
            ),
            vec!["versions/abcabc000008_x.sql", "file name"],
        ),
        (
            "transactional neither true nor false",
            write(
                "versions/abcabc00000a_x.sql",
                format!("-- revision: abcabc00000a\n-- down_revision: {head}\n-- message: m\n-- transactional: maybe\n").into_bytes(),
            ),
            vec!["versions/abcabc00000a_x.sql", "transactional"],
        ),
        (
            "down_revision None in a version",
            write(
                "versions/abcabc00000b_x.sql",
                b"-- revision: abcabc00000b\n-- down_revision: None\n-- message: m\n".to_vec(),
            ),
            vec!["versions/abcabc00000b_x.sql", "None"],
        ),
        (
            "no baseline",
            Box::new(|d: &Path| std::fs::remove_file(d.join("baseline.sql")).expect("rm")),
            vec!["baseline.sql", "missing"],
        ),
        (
            "a dangling symlink",
            Box::new(|d: &Path| {
                std::os::unix::fs::symlink("/nonexistent/x", d.join("versions/abcabc00000c_x.sql"))
                    .expect("symlink")
            }),
            vec!["abcabc00000c_x.sql"],
        ),
        (
            "a FIFO",
            Box::new(|d: &Path| make_special(&d.join("versions/abcabc00000d_x.sql"), "fifo")),
            vec!["abcabc00000d_x.sql", "regular file"],
        ),
    ];
    let calls = [
        Call {
            bin: "xivo-init-db",
            args: &["--init"],
        },
        Call {
            bin: "xivo-update-db",
            args: &[],
        },
        Call {
            bin: "xivo-check-db",
            args: &[],
        },
        Call {
            bin: "xivo-manage-db",
            args: &["status"],
        },
        Call {
            bin: "xivo-manage-db",
            args: &["migrations"],
        },
        Call {
            bin: "preinst",
            args: &["upgrade", "14.7.0", "14.8.0"],
        },
        Call {
            bin: "postinst",
            args: &["configure", "14.7.0"],
        },
    ];
    let mut failures = Vec::new();
    let start = world(&h.c);
    for (what, breaker, says) in cases {
        let dir = MigrationsDir::copy_of_repo();
        breaker(&dir.path);
        for call in calls {
            expect_refused(
                &h,
                what,
                call,
                &h.c.config_path(),
                Some(&dir.path),
                2,
                &says,
                &mut failures,
            );
        }
    }
    if world(&h.c) != start {
        failures.push("the schema, rows or state files changed over the whole table".into());
    }
    report(failures);
}

/// Wrong permissions, honestly: we run as root, whom mode 000 does not stop,
/// so the commands run as another user (the cluster's, `postgres`) against
/// a config file only root may read, as an administrator without sudo would.
#[test]
fn a_config_file_other_users_cannot_read_is_refused_in_one_line() {
    if common::skip_unless_root("running the commands as another user") {
        return;
    }
    let h = older_fixture();
    let config = h.c.config_path();
    nix::unistd::chown(&config, Some(0.into()), Some(0.into())).expect("chown");
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
    let mut failures = Vec::new();
    let start = world(&h.c);
    for call in CALLS.iter().filter(|c| !c.is_hook()) {
        let mut cmd = common::as_owner(common::bin_path(call.bin));
        cmd.args(call.args).env("XIVO_MANAGE_DB_CONFIG", &config);
        let r = bounded(cmd);
        let lines: Vec<&str> = r.stderr.lines().collect();
        if r.code != 2
            || lines.len() != 1
            || !lines[0].contains(&config.display().to_string())
            || !lines[0].contains("Permission denied")
        {
            failures.push(format!("{}: {r:?}", call.show()));
        }
    }
    if world(&h.c) != start {
        failures.push("something changed".into());
    }
    report(failures);
}

/// The version the package displays is debian/changelog's (14.08), in the
/// preinst log (dpkg's new version missing) and in the snapshot record.
#[test]
fn preinst_says_the_package_version_as_debian_spells_it() {
    let h = older_fixture();
    let r = h.hook("preinst", &["upgrade", "14.07"], None);
    r.assert_code(0);
    assert!(
        r.stderr.contains("upgrading from 14.07 to 14.08"),
        "{}",
        r.stderr
    );
    let record = std::fs::read_to_string(h.c.state_dir().join("rollback/record")).expect("record");
    assert!(record.contains("package_version\t14.08\n"), "{record}");
    let r = h.run("xivo-manage-db", &["rollback", "status"]);
    r.assert_code(1);
    assert!(
        r.stdout.contains("by xivo-manage-db 14.08\n"),
        "{}",
        r.stdout
    );
}

/// A wrong 14.07 state file's fix names this host's STATE_DIR, not the
/// default one.
#[test]
fn a_bad_1407_state_file_names_the_configured_state_dir() {
    let h = Host::new();
    h.c.make_1407_host(common::Host1407::default());
    let path = h.c.state_dir().join("update-db/asterisk-last");
    std::fs::write(&path, b"999\n").expect("write");
    let r = h.run("xivo-check-db", &[]);
    r.assert_code(2);
    assert_eq!(r.stdout, "Checking database...\tERROR\n");
    assert!(
        r.stderr.contains(&format!(
            "restore it from the backup of {}, or upgrade",
            h.c.state_dir().display()
        )) && !r.stderr.contains("/var/lib/xivo-manage-db"),
        "{}",
        r.stderr
    );
}

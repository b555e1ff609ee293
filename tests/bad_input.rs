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
use common::{add_version, older_set, repo_head, Cluster, MigrationsDir};

/// `value` written as the config file reads it back: double-quoted, with
/// `\`, `"`, `$` and `` ` `` escaped (src/config.rs `parse_value`).
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
        ("double quotes and spaces", "pbx \"main\" db".into(), "pbx \"owner\"".into()),
        ("single quotes", "o'brien's db".into(), "o'brien".into()),
        ("unicode", "données €".into(), "rôle ünï".into()),
        ("backslash", "back\\slash".into(), "own\\er\\".into()),
        ("dollar", "$pay$".into(), "$1owner$".into()),
        ("63 bytes", long_db, long_owner),
        ("keywords", "table".into(), "user".into()),
        ("leading digit, dash, capitals", "1st-PBX".into(), "-Owner".into()),
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
            &format!("SELECT count(*) FROM pg_database WHERE datname = {}", lit(db)),
        ) == "1"
    }
    fn role_named(&self, role: &str) -> bool {
        self.psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_roles WHERE rolname = {}", lit(role)),
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
    assert!(!text.contains(password), "{what} shows the password:\n{text}");
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
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], Some(&broken.path));
    assert_eq!(r.code, 0, "preinst: {r:?}");
    assert_eq!(h.snapshots().len(), 1, "one snapshot");
    outputs.push(r);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    assert_eq!(r.code, 1, "postinst with a failing migration: {r:?}");
    assert!(
        r.stderr.contains("restored from snapshot"),
        "{}",
        r.stderr
    );
    assert_eq!(state_of(c, db, owner), before, "rolled back to the snapshot");
    assert!(h.snapshots().is_empty() && h.record().is_none(), "no snapshot left");
    assert_eq!(h.running(), vec!["pbx-a", "pbx-b"], "services running again");
    outputs.push(r);
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    assert_eq!(r.code, 0, "postinst: {r:?}");
    outputs.push(r);
    assert_eq!(revisions(c, db), repo_head());
    assert!(h.snapshots().is_empty() && h.record().is_none(), "no snapshot left");
    assert_eq!(foreign_objects(c, db, owner), "0", "ownership");
    assert_eq!(owner_logs_in(c, db, owner, ODD_PASSWORD), format!("{owner}@{db}"));
    let r = c.run("xivo-check-db", &[], None);
    assert_eq!(r.code, 0, "check: {r:?}");
    outputs.push(r);
    for r in &outputs {
        assert_never_shown("a hook", &format!("{}{}", r.stdout, r.stderr), ODD_PASSWORD);
    }
    let log = std::fs::read_to_string(c.dir.join("log")).expect("server log");
    assert!(log.contains("statement: CREATE ROLE"), "log_statement=all is on");
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
    assert!(log.contains("statement: CREATE ROLE"), "log_statement=all is on");
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
    let before = (
        state_of(c, &db, &owner),
        c.fingerprint("xivo"),
        h.state_files(),
    );
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fa11ed000001",
        &repo_head(),
        "UPDATE queue_log SET no_such_column = 1;",
    );
    let r = h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], Some(&broken.path));
    assert_eq!(r.code, 0, "preinst: {r:?}");
    assert_eq!(h.snapshots().len(), 2, "main and xivo: {:?}", h.snapshots());
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    assert_eq!(r.code, 1, "postinst with a failing migration: {r:?}");
    assert!(r.stderr.contains("restored from snapshot"), "{}", r.stderr);
    let after = (
        state_of(c, &db, &owner),
        c.fingerprint("xivo"),
        h.state_files(),
    );
    assert!(after == before, "not as before the upgrade");
    assert!(h.snapshots().is_empty() && h.record().is_none(), "no snapshot left");
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    assert_eq!(r.code, 0, "postinst: {r:?}");
    assert_eq!(revisions(c, &db), repo_head());
    common::assert_no_row_lost(c, &db, &rows.0, &common::BOOKKEEPING);
    common::assert_no_row_lost(c, &db, &rows.1, &["public.provisioning"]);
    assert_eq!(foreign_objects(c, &db, &owner), "0", "ownership");
    assert!(!c.exists("xivo") && !c.role_exists("xivo"), "xivo merged away");
    assert!(h.snapshots().is_empty() && h.record().is_none(), "no snapshot left");
    assert_eq!(c.run("xivo-check-db", &[], None).code, 0);
    assert_eq!(h.running(), vec!["pbx-a", "pbx-b"]);
}

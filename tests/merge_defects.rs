//! Defects of the 14.08 merge found by reading the code, each pinned by the
//! test named after it: the connection limit of `xivo` lost to an interrupt
//! or a kill, sequence values read before `xivo` was closed, DB_OWNER written
//! unquoted, pg_dump output edited line by line, and a 14.07 host laid out
//! as 14.07 laid it out (objects owned by the superuser) that could not be
//! upgraded.

mod common;

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::time::{Duration, Instant};

use common::host::Host;
use common::{add_version, as_owner, repo_head, Cluster, Host1407, MigrationsDir, Run};

const DB: &str = "asterisk";
/// Where the merge remembers the connection limit of `xivo` while it holds it.
const CONNLIMIT_FILE: &str = "merge-xivo-connlimit";

/// Wait for `cond`, failing the test (not timing it) if it never holds.
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !cond() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A psql session kept open, fed statement by statement on its stdin.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Session {
    /// Connect to `db` as the superuser, or as `role` (password auth).
    fn open(c: &Cluster, db: &str, role: Option<&str>, application: &str) -> Session {
        let mut cmd = as_owner("psql");
        let user = role
            .map(str::to_string)
            .unwrap_or_else(|| common::owner().name.clone());
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&c.dir)
            .args(["-p", &c.port.to_string(), "-U", &user, "-d", db])
            .env("PGAPPNAME", application)
            .env("PGPASSWORD", "proformatique")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().expect("psql session");
        let stdin = child.stdin.take();
        Session { child, stdin }
    }

    fn send(&mut self, sql: &str) {
        if let Some(stdin) = self.stdin.as_mut() {
            // The session may have been ended by the merge: that is a result,
            // not an error of the test.
            let _ = writeln!(stdin, "{sql}").and_then(|_| stdin.flush());
        }
    }

    /// End the session (its open transaction rolls back).
    fn close(mut self) {
        self.stdin.take();
        let _ = self.child.wait();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stdin.take();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Wait for a child with a deadline (a hang fails the test instead of
/// blocking it), reading its pipes.
fn finish(mut child: Child) -> Run {
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = pipe.read_to_string(&mut s);
            s
        })
    };
    let out = read(Box::new(child.stdout.take().expect("stdout")));
    let err = read(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not end: {:?}", child.wait());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

fn connlimit(c: &Cluster) -> String {
    c.psql(
        "postgres",
        "SELECT datconnlimit FROM pg_database WHERE datname = 'xivo'",
    )
}

/// Sessions of our tool still on the server.
fn our_sessions(c: &Cluster) -> usize {
    c.psql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'xivo-manage-db%' AND pid <> pg_backend_pid()",
    )
    .parse()
    .expect("count")
}

/// A 14.07 host whose `xivo` has connection limit 7, and `xivo-update-db`
/// stopped in the middle of the merge: another session holds a lock on
/// queue_log, so asterisk-166's ALTER waits for it inside the merge's
/// transaction (after `xivo` was closed). Returns the blocker (release it by
/// closing it) and the waiting process.
fn update_db_waiting_in_the_merge(c: &Cluster) -> (Session, Child) {
    c.psql("postgres", "ALTER DATABASE xivo CONNECTION LIMIT 7");
    let mut blocker = Session::open(c, DB, None, "merge-defects-blocker");
    blocker.send("BEGIN; LOCK TABLE queue_log IN ACCESS SHARE MODE;");
    wait_for("the blocker holds its lock on queue_log", || {
        c.psql(
            DB,
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) \
             WHERE a.application_name = 'merge-defects-blocker' AND l.relation = 'queue_log'::regclass AND l.granted",
        ) == "1"
    });
    let mut child = c
        .cmd("xivo-update-db")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xivo-update-db");
    wait_for("the merge waits for the lock on queue_log", || {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("xivo-update-db ended ({status}) before reaching the merge: {err}");
        }
        c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'asterisk' \
               AND application_name LIKE 'xivo-manage-db%' AND wait_event_type = 'Lock'",
        ) != "0"
    });
    assert_eq!(connlimit(c), "0", "the merge holds xivo closed");
    (blocker, child)
}

fn signal(child: &Child, sig: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).expect("kill");
}

/// Item 5: Ctrl-C during the merge used to kill the process between
/// `CONNECTION LIMIT 0` and its restore.
#[test]
fn interrupted_update_db_leaves_the_xivo_connection_limit_as_it_was() {
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 20_000,
        ..Default::default()
    });
    let states = (c.state_file("asterisk-last"), c.state_file("xivo-last"));
    // The limit update_db_waiting_in_the_merge gives xivo, set before the
    // fingerprint (which holds it) is taken.
    c.psql("postgres", "ALTER DATABASE xivo CONNECTION LIMIT 7");
    let a = c.fingerprint(DB);
    let x = c.fingerprint("xivo");
    for sig in [
        nix::sys::signal::Signal::SIGINT,
        nix::sys::signal::Signal::SIGTERM,
    ] {
        let (blocker, child) = update_db_waiting_in_the_merge(&c);
        signal(&child, sig);
        let r = finish(child);
        // 128 + the signal, as a shell reports it; the last line says what
        // was left and what to run next.
        assert_eq!(
            r.code,
            128 + sig as i32,
            "{sig}: exit code; stderr:\n{}",
            r.stderr
        );
        let last = r.stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("xivo-update-db: error: ")
                && last.contains(sig.as_str())
                && last.contains("run xivo-update-db again"),
            "{last}"
        );
        assert_eq!(
            connlimit(&c),
            "7",
            "{sig}: xivo's connection limit as before"
        );
        assert!(
            !c.state_dir().join(CONNLIMIT_FILE).exists(),
            "nothing left to restore"
        );
        assert_eq!(our_sessions(&c), 0, "{sig}: the merge's sessions are gone");
        blocker.close();
        assert_eq!(c.fingerprint(DB), a, "{sig}: asterisk as before");
        assert_eq!(c.fingerprint("xivo"), x, "{sig}: xivo as before");
        assert_eq!(
            (c.state_file("asterisk-last"), c.state_file("xivo-last")),
            states
        );
    }
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(c.revisions(DB), repo_head());
}

/// Item 5: after a SIGKILL (nothing can be caught) the next run of
/// xivo-update-db reopens `xivo` before anything else, even when it then
/// refuses to upgrade.
#[test]
fn killed_update_db_has_its_connection_limit_restored_by_the_next_run() {
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 20_000,
        ..Default::default()
    });
    let (blocker, child) = update_db_waiting_in_the_merge(&c);
    signal(&child, nix::sys::signal::Signal::SIGKILL);
    finish(child);
    assert_eq!(connlimit(&c), "0", "what a kill leaves");
    assert!(
        c.state_dir().join(CONNLIMIT_FILE).exists(),
        "the old limit is remembered"
    );
    blocker.close();
    wait_for("the killed run's sessions end", || our_sessions(&c) == 0);
    // A run that refuses before merging still reopens xivo.
    c.psql("xivo", "CREATE TABLE public.cel (id int)");
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(1);
    assert!(r.stderr.contains("table public.cel"), "{}", r.stderr);
    assert_eq!(connlimit(&c), "7", "xivo reopened with its old limit");
    assert!(!c.state_dir().join(CONNLIMIT_FILE).exists());
    c.psql("xivo", "DROP TABLE public.cel");
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(c.revisions(DB), repo_head());
}

/// Item 5: a killed run, then a package upgrade whose postinst fails and
/// rolls back: the snapshot must not have copied `xivo` while closed.
#[test]
fn a_hook_rollback_after_a_killed_run_keeps_the_old_connection_limit() {
    let h = Host::new();
    h.c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 20_000,
        ..Default::default()
    });
    let (blocker, child) = update_db_waiting_in_the_merge(&h.c);
    signal(&child, nix::sys::signal::Signal::SIGKILL);
    finish(child);
    blocker.close();
    wait_for("the killed run's sessions end", || our_sessions(&h.c) == 0);
    let broken = MigrationsDir::copy_of_repo();
    add_version(&broken.path, "fa11ed000005", &repo_head(), "SELECT 1/0;");
    h.hook("preinst", &["upgrade", "14.07"], Some(&broken.path))
        .assert_code(0);
    let r = h.hook("postinst", &["configure", "14.07"], Some(&broken.path));
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("division by zero"), "{}", r.stderr);
    assert!(h.snapshots().is_empty(), "rolled back: {:?}", h.snapshots());
    assert_eq!(connlimit(&h.c), "7", "xivo as it was before the killed run");
    assert!(!h.c.state_dir().join(CONNLIMIT_FILE).exists());
}

/// Item 10: rows written to `xivo` after the merge read its sequences, but
/// before it was closed, were copied with sequences set below them.
#[test]
fn sequences_are_read_after_xivo_is_closed() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    let xivo_tables = c.psql(
        "xivo",
        "SELECT string_agg(quote_literal(relname), ', ') FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
    );
    // A 14.07 daemon's session: it holds a lock pg_dump waits for, and
    // inserts rows once the upgrade is under way.
    let mut writer = Session::open(&c, "xivo", Some("xivo"), "merge-defects-writer");
    writer.send("BEGIN; LOCK TABLE netiface IN ACCESS EXCLUSIVE MODE;");
    wait_for("the writer holds its lock", || {
        c.psql(
            "xivo",
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) \
             WHERE a.application_name = 'merge-defects-writer' AND l.relation = 'netiface'::regclass AND l.granted",
        ) == "1"
    });
    let mut child = c
        .cmd("xivo-update-db")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xivo-update-db");
    // Either the upgrade reads xivo while the writer is still there (then
    // the writer commits its rows now), or it ended the writer first.
    let mut wrote = false;
    wait_for("the upgrade waits for the writer, or ended it", || {
        let waiting = c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'xivo' \
               AND application_name LIKE 'xivo-manage-db%' AND wait_event_type = 'Lock'",
        ) != "0";
        let writer_gone = c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'merge-defects-writer'",
        ) == "0";
        if waiting && !writer_gone {
            wrote = true;
        }
        waiting || writer_gone || matches!(child.try_wait(), Ok(Some(_)))
    });
    if wrote {
        writer.send(
            "INSERT INTO directories (uri, dirtype, name, tablename, description) \
             SELECT 'ldap://d' || g, 'ldap', 'late' || g, '', 'written during the upgrade' FROM generate_series(1, 5) g; COMMIT;",
        );
    }
    let r = finish(child);
    r.assert_code(0);
    writer.close();
    let late = c.psql(
        DB,
        "SELECT count(*) FROM directories WHERE name LIKE 'late%'",
    );
    if wrote {
        assert_eq!(late, "5", "the rows committed before the merge read xivo");
    } else {
        assert_eq!(late, "0", "the writer was ended before it committed");
        assert!(
            r.stderr
                .contains("application 'merge-defects-writer') on 'xivo' before the merge"),
            "{}",
            r.stderr
        );
    }
    // Every serial sequence of the tables of xivo is at or past its
    // column's highest value...
    let behind = c.psql(
        DB,
        &format!("SELECT string_agg(format('%s.%s (max %s, sequence %s)', t.relname, a.attname, m.max, m.last), '; ') \
           FROM pg_class t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped \
           CROSS JOIN LATERAL (SELECT pg_get_serial_sequence(quote_ident(t.relname), a.attname) AS seq) s \
           CROSS JOIN LATERAL (SELECT (xpath('/row/m/text()', query_to_xml(format('SELECT max(%I) AS m FROM %I', a.attname, t.relname), false, true, '')))[1]::text::bigint AS max, \
                                      (SELECT last_value FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename) = s.seq) AS last) m \
          WHERE t.relkind = 'r' AND t.relnamespace = 'public'::regnamespace AND t.relname IN ({xivo_tables}) \
            AND s.seq IS NOT NULL AND m.max > coalesce(m.last, 0)",
    ));
    assert_eq!(behind, "", "sequences behind their rows");
    // ... so the first insert after the upgrade works.
    c.psql(
        DB,
        "INSERT INTO directories (uri, dirtype, name, tablename, description) VALUES ('x', 'x', 'after', '', 'first insert after the upgrade')",
    );
}

/// Every object of `db` not owned by `owner`, the database included, from
/// the catalogs (indexes, row types and array types too: they follow their
/// table or type, so a miss there is a miss).
fn not_owned_by(c: &Cluster, db: &str, owner: &str) -> Vec<String> {
    let owner = owner.replace('\'', "''");
    let sql = format!(
        "WITH o AS (SELECT oid FROM pg_roles WHERE rolname = '{owner}'), \
              sys AS (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema') \
                         OR nspname LIKE 'pg\\_toast%' OR nspname LIKE 'pg\\_temp%') \
         SELECT kind || ' ' || name || ' (' || pg_get_userbyid(owner) || ')' FROM ( \
           SELECT 'database' AS kind, datname::text AS name, datdba AS owner FROM pg_database WHERE datname = current_database() \
           UNION ALL SELECT 'relation', oid::regclass::text, relowner FROM pg_class WHERE relnamespace NOT IN (SELECT oid FROM sys) \
           UNION ALL SELECT 'type', oid::regtype::text, typowner FROM pg_type WHERE typnamespace NOT IN (SELECT oid FROM sys) \
           UNION ALL SELECT 'routine', oid::regprocedure::text, proowner FROM pg_proc WHERE pronamespace NOT IN (SELECT oid FROM sys) \
           UNION ALL SELECT 'schema', nspname::text, nspowner FROM pg_namespace \
                      WHERE oid NOT IN (SELECT oid FROM sys) AND nspowner <> 'pg_database_owner'::regrole \
           UNION ALL SELECT 'collation', collname::text, collowner FROM pg_collation WHERE collnamespace NOT IN (SELECT oid FROM sys) \
           UNION ALL SELECT 'operator', oid::regoperator::text, oprowner FROM pg_operator WHERE oprnamespace NOT IN (SELECT oid FROM sys) \
           UNION ALL SELECT 'text search configuration', cfgname::text, cfgowner FROM pg_ts_config WHERE cfgnamespace NOT IN (SELECT oid FROM sys) \
           UNION ALL SELECT 'statistics', stxname::text, stxowner FROM pg_statistic_ext \
         ) x WHERE owner <> (SELECT oid FROM o) ORDER BY 1"
    );
    c.psql(db, &sql)
        .lines()
        .map(String::from)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Item 12: DB_OWNER was written unquoted into GRANTs; a name with '-' or
/// capitals broke the merge or granted to another role.
#[test]
fn db_owner_with_a_dash_and_capitals_owns_every_object_after_the_merge() {
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 1000,
        ..Default::default()
    });
    // Grants in xivo that the merge must carry over, to the new owner.
    c.psql(
        "postgres",
        "CREATE ROLE \"Pbx-Owner\" LOGIN PASSWORD 'proformatique'; CREATE ROLE reader; CREATE ROLE column_reader",
    );
    c.psql(
        "xivo",
        "GRANT SELECT ON netiface TO reader; GRANT SELECT (ifname) ON netiface TO column_reader; \
         ALTER DEFAULT PRIVILEGES FOR ROLE xivo GRANT SELECT ON TABLES TO reader",
    );
    c.write_config("DB_OWNER='Pbx-Owner'");
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert_eq!(c.revisions(DB), repo_head());
    assert_eq!(
        not_owned_by(&c, DB, "Pbx-Owner"),
        Vec::<String>::new(),
        "objects not owned by DB_OWNER"
    );
    assert_eq!(
        c.psql(
            DB,
            "SELECT has_table_privilege('reader', 'netiface', 'SELECT'), \
                    has_column_privilege('column_reader', 'netiface', 'ifname', 'SELECT'), \
                    has_table_privilege('column_reader', 'netiface', 'SELECT'), \
                    pg_get_userbyid(defaclrole), defaclacl::text LIKE '%reader=r/%' FROM pg_default_acl"
        ),
        "t|t|f|Pbx-Owner|t",
        "grants of xivo carried over, xivo's own ones to DB_OWNER"
    );
    assert!(!c.role_exists("xivo"), "role xivo dropped");
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT count(*) FROM pg_roles WHERE rolname ILIKE 'pbx%'"
        ),
        "1",
        "no role made from a mangled name"
    );
    c.run("xivo-check-db", &[], None).assert_code(0);
}

/// Item 12: lines of pg_dump's output starting with `--`, `\` or `GRANT `
/// were dropped or rewritten, also inside function bodies and literals.
#[test]
fn function_bodies_and_string_literals_move_verbatim() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    c.psql(
        "xivo",
        r#"CREATE FUNCTION public.site_banner(who text) RETURNS text LANGUAGE plpgsql AS $body$
DECLARE
    msg text := 'first line
-- not a comment: part of the literal
GRANT ALL ON TABLE netiface TO xivo;
\restrict not-a-meta-command
last line';
BEGIN
-- a comment inside the body
    RETURN msg || ' for ' || who || '
\N
REVOKE ALL ON netiface FROM xivo
GRANT SELECT ON netiface TO xivo';
END
$body$"#,
    );
    c.psql(
        "xivo",
        r#"CREATE TABLE public.site_motd (id serial PRIMARY KEY, text text NOT NULL DEFAULT 'welcome
-- to the PBX
GRANT ALL TO xivo
\q');
COMMENT ON TABLE public.site_motd IS 'motd
-- kept
GRANT USAGE ON SCHEMA public TO xivo;
\unrestrict x';
INSERT INTO public.site_motd DEFAULT VALUES"#,
    );
    let def = "SELECT pg_get_functiondef('public.site_banner(text)'::regprocedure)";
    let call = "SELECT md5(public.site_banner('x'))";
    let motd =
        "SELECT md5(text) || ' ' || md5(obj_description('public.site_motd'::regclass)) || ' ' || \
                md5(pg_get_expr(d.adbin, d.adrelid)) FROM public.site_motd, pg_attrdef d \
                JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
                WHERE d.adrelid = 'public.site_motd'::regclass AND a.attname = 'text'";
    let before = (
        c.psql("xivo", def),
        c.psql("xivo", call),
        c.psql("xivo", motd),
    );
    c.run("xivo-update-db", &[], None).assert_code(0);
    let after = (c.psql(DB, def), c.psql(DB, call), c.psql(DB, motd));
    assert_eq!(after.0, before.0, "function definition");
    assert_eq!(after.1, before.1, "function result");
    assert_eq!(after.2, before.2, "row, comment and default of site_motd");
}

/// Item 18: objects owned by the superuser (14.07's layout), by role xivo
/// or by any other role all end up owned by DB_OWNER.
#[test]
fn every_object_is_owned_by_db_owner_whoever_owned_it_before() {
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        release: "14.07",
        ..Default::default()
    });
    c.psql(
        "postgres",
        "CREATE ROLE reporting; GRANT CREATE ON DATABASE asterisk TO reporting; GRANT CREATE ON DATABASE xivo TO reporting",
    );
    for db in [DB, "xivo"] {
        c.psql(
            db,
            &format!(
                "GRANT CREATE ON SCHEMA public TO reporting; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting; \
                 SET ROLE reporting; \
                 CREATE SCHEMA reports_{db}; \
                 CREATE TABLE reports_{db}.daily (id serial PRIMARY KEY, day date); \
                 CREATE TYPE public.report_kind_{db} AS ENUM ('daily', 'weekly'); \
                 CREATE DOMAIN public.percent_{db} AS numeric CHECK (VALUE BETWEEN 0 AND 100); \
                 CREATE FUNCTION public.report_label_{db}(int) RETURNS text LANGUAGE sql AS $$ SELECT 'r' || $1 $$; \
                 CREATE VIEW public.report_view_{db} AS SELECT 1 AS one; \
                 CREATE MATERIALIZED VIEW public.report_mv_{db} AS SELECT 2 AS two; \
                 CREATE SEQUENCE public.report_seq_{db}; \
                 RESET ROLE"
            ),
        );
    }
    c.psql("xivo", "CREATE SCHEMA xivo_owned AUTHORIZATION xivo; CREATE TABLE xivo_owned.t (i int); ALTER TABLE xivo_owned.t OWNER TO xivo");
    for db in [DB, "xivo"] {
        assert!(
            !not_owned_by(&c, db, db).is_empty(),
            "the fixture has objects owned by others in {db}"
        );
    }
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(
        not_owned_by(&c, DB, DB),
        Vec::<String>::new(),
        "objects not owned by asterisk"
    );
    assert_eq!(c.psql(DB, "SELECT two FROM public.report_mv_xivo"), "2");
    assert!(!c.role_exists("xivo"));
}

/// The numbered scripts run with the rights 14.07 gave them: as a superuser,
/// on tables the superuser owns (14.07's layout).
#[test]
fn numbered_scripts_run_on_a_14_07_host_laid_out_as_14_07_did() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    assert_eq!(
        c.psql(
            DB,
            "SELECT pg_get_userbyid(relowner) || ' ' || has_table_privilege('asterisk', 'userfeatures', 'INSERT') \
             FROM pg_class WHERE relname = 'userfeatures'"
        ),
        format!("{} true", common::owner().name),
        "the fixture is laid out as 14.07 did"
    );
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert_eq!(c.revisions(DB), repo_head());
    assert_eq!(not_owned_by(&c, DB, DB), Vec::<String>::new());
}

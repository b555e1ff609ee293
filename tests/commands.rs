//! xivo-init-db, xivo-check-db and xivo-update-db against real clusters.

mod common;

use std::path::Path;

use common::{
    add_version, first_difference, older_set, repo_baseline, repo_graph, repo_head, Cluster,
    MigrationsDir,
};

const DB: &str = "asterisk";

#[test]
fn fresh_init_then_check_ok() {
    let c = Cluster::start();
    let r = c.run("xivo-init-db", &["--init"], None);
    r.assert_code(0);
    assert!(r.stdout.contains(&repo_head()), "{}", r.stdout);
    assert_eq!(c.revisions(DB), repo_head());
    // Every table, sequence, view and function belongs to the owner role.
    let foreign = c.psql(
        DB,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> 'asterisk'",
    );
    assert_eq!(foreign, "0");
    let tables: i64 = c
        .psql(
            DB,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        )
        .parse()
        .expect("count");
    assert!(tables >= 40, "only {tables} tables");
    for t in [
        "queue_log",
        "netiface",
        "\"user\"",
        "stats_conf_xivouser",
        "func_key_template",
    ] {
        c.psql(DB, &format!("SELECT count(*) FROM {t}"));
    }
    // Every migration is in the history with its checksum.
    let history: i64 = c
        .psql(
            DB,
            "SELECT count(*) FROM xivo_manage_db_history WHERE NOT stamped",
        )
        .parse()
        .expect("n");
    assert_eq!(history as usize, repo_graph().len() + 1);
    // The owner logs in with the password every XiVO service uses.
    let mut login = common::as_owner("psql");
    login
        .env("PGPASSWORD", "proformatique")
        .args(["-X", "-A", "-t", "-h"])
        .arg(&c.dir)
        .args([
            "-p",
            &c.port.to_string(),
            "-U",
            "asterisk",
            "-d",
            DB,
            "-c",
            "SELECT current_user",
        ]);
    let out = login.output().expect("psql as asterisk");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "asterisk",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = c.run("xivo-check-db", &[], None);
    r.assert_code(0);
    assert_eq!(r.stdout, "Checking database...\tOK\n");
    assert_eq!(
        c.psql(
            DB,
            "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'asterisk'"
        ),
        "UTF8"
    );
}

#[test]
fn init_over_existing_database_is_refused_and_changes_nothing() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    c.psql(DB, "INSERT INTO context (name, displayname, entity, contexttype, commented, description) VALUES ('mine', 'Mine', NULL, 'internal', 0, '')");
    let before = c.fingerprint(DB);
    let r = c.run("xivo-init-db", &["--init"], None);
    r.assert_code(1);
    assert!(
        r.stderr.contains("database 'asterisk' already exists")
            && r.stderr.contains("nothing changed"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert_eq!(c.fingerprint(DB), before);
}

#[test]
fn update_at_head_is_a_noop() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let before = c.fingerprint(DB);
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert_eq!(r.stdout, "Updating database...\nUpdating database done.\n");
    assert_eq!(c.fingerprint(DB), before, "history and data untouched");
}

#[test]
fn update_from_an_older_revision_applies_the_rest() {
    let c = Cluster::start();
    let (older, older_head) = older_set();
    c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    assert_eq!(c.revisions(DB), older_head);
    let r = c.run("xivo-check-db", &[], None);
    r.assert_code(1);
    assert_eq!(
        r.stdout,
        format!(
            "Checking database...\tNOK (current revision is {older_head}, head is {})\n",
            repo_head()
        )
    );
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    // The plan said once, with where the database stands.
    let head = repo_head();
    assert_eq!(
        r.stderr.lines().next(),
        Some(
            format!(
                "xivo-update-db: database 'asterisk' at {older_head}: 1 migration(s) to apply up to \
                 {head}: in one transaction: {head}"
            )
            .as_str()
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches(" plan: ").count() + r.stderr.matches("to apply").count(),
        1,
        "{}",
        r.stderr
    );
    assert_eq!(c.revisions(DB), repo_head());
    c.run("xivo-check-db", &[], None).assert_code(0);
    // Upgraded and fresh databases have the same schema.
    let fresh = Cluster::start();
    fresh.run("xivo-init-db", &["--init"], None).assert_code(0);
    let (a, b) = (c.schema(DB), fresh.schema(DB));
    assert!(a == b, "schema differs:\n{}", first_difference(&a, &b));
}

#[test]
fn failing_migration_rolls_back_everything() {
    let c = Cluster::start();
    // At head, so that the failing migration's segment is all that is
    // pending: earlier segments of a run commit on their own
    // (tests/migration_order.rs).
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    c.psql(DB, "INSERT INTO queue_log (time, callid, queuename, agent, event) VALUES ('2014-06-01 10:00:00.000000', 'c1', 'q', 'Agent/1', 'CONNECT')");
    let before = c.fingerprint(DB);
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fa11ed000001",
        &repo_head(),
        "CREATE TABLE half_done (id integer);\nINSERT INTO half_done VALUES (1);\nUPDATE queue_log SET no_such_column = 1;",
    );
    let r = c.run("xivo-update-db", &[], Some(&broken.path));
    r.assert_code(1);
    let err = r.stderr.lines().last().unwrap_or_default();
    assert!(
        err.contains("versions/fa11ed000001_test.sql"),
        "{}",
        r.stderr
    );
    assert!(
        err.contains("no_such_column") && err.contains("line 7"),
        "{}",
        r.stderr
    );
    assert!(err.contains("rolled back"), "{}", r.stderr);
    assert_eq!(
        c.fingerprint(DB),
        before,
        "schema, rows and alembic_version as before"
    );
}

#[test]
fn invalid_migration_sets_are_rejected_before_any_change() {
    let c = Cluster::start();
    let head = repo_head();
    type Break = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Break, &str)> = vec![
        (
            "duplicate revision",
            Box::new(|d: &Path| add_version(d, &repo_head(), &repo_baseline(), "SELECT 1;")),
            "claimed by both",
        ),
        (
            "unknown down_revision",
            Box::new(|d: &Path| add_version(d, "abcabc000001", "ffffffffffff", "SELECT 1;")),
            "versions/abcabc000001_test.sql",
        ),
        (
            "two heads",
            Box::new(|d: &Path| add_version(d, "abcabc000002", &repo_baseline(), "SELECT 1;")),
            "exactly one head",
        ),
        (
            "cycle",
            Box::new(|d: &Path| {
                add_version(d, "abcabc000003", "abcabc000004", "SELECT 1;");
                add_version(d, "abcabc000004", "abcabc000003", "SELECT 1;");
            }),
            "cycle",
        ),
        (
            "header-less file",
            Box::new(|d: &Path| {
                std::fs::write(d.join("versions/abcabc000005_x.sql"), "SELECT 1;").expect("write")
            }),
            "versions/abcabc000005_x.sql",
        ),
        (
            "unreadable file",
            Box::new(|d: &Path| {
                std::os::unix::fs::symlink(
                    "/nonexistent/target",
                    d.join("versions/abcabc000006_x.sql"),
                )
                .expect("symlink")
            }),
            "abcabc000006_x.sql",
        ),
    ];
    for (name, breaker, want) in cases {
        // On a missing database (nothing may be created) and on an existing one.
        let dir = MigrationsDir::copy_of_repo();
        breaker(&dir.path);
        for bin in ["xivo-init-db", "xivo-update-db", "xivo-check-db"] {
            let args: &[&str] = if bin == "xivo-init-db" {
                &["--init"]
            } else {
                &[]
            };
            let r = c.run(bin, args, Some(&dir.path));
            assert_eq!(r.code, 2, "{name} / {bin}: {r:?}");
            assert!(r.stderr.contains(want), "{name} / {bin}: {}", r.stderr);
            assert!(!c.exists(DB), "{name} / {bin}: database created");
        }
    }
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let before = c.fingerprint(DB);
    let dir = MigrationsDir::copy_of_repo();
    add_version(
        &dir.path,
        "abcabc000007",
        &repo_baseline(),
        "CREATE TABLE nope (id int);",
    );
    c.run("xivo-update-db", &[], Some(&dir.path)).assert_code(2);
    assert_eq!(c.fingerprint(DB), before);
    assert_eq!(c.revisions(DB), head);
}

#[test]
fn two_updates_at_once_apply_each_migration_once() {
    let c = Cluster::start();
    let (older, _) = older_set();
    c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    let dir = MigrationsDir::copy_of_repo();
    // A migration that would fail if run twice, and takes a moment.
    add_version(
        &dir.path,
        "c0c0c0000001",
        &repo_head(),
        "SELECT pg_sleep(1);\nCREATE TABLE only_once (id int);",
    );
    let spawn = || {
        c.cmd("xivo-update-db")
            .env("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR", &dir.path)
            .output()
            .expect("spawn")
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().expect("a"), b.join().expect("b"))
    });
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let applied_by: Vec<bool> = [&a, &b]
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).contains("applying c0c0c0000001"))
        .collect();
    assert_eq!(
        applied_by.iter().filter(|x| **x).count(),
        1,
        "exactly one run applied it"
    );
    assert_eq!(
        c.psql(
            DB,
            "SELECT count(*) FROM xivo_manage_db_history WHERE revision = 'c0c0c0000001'"
        ),
        "1"
    );
    assert_eq!(c.revisions(DB), "c0c0c0000001");
}

#[test]
fn bad_config_is_rejected_and_nothing_is_done() {
    let c = Cluster::start();
    for (extra, want) in [
        ("DB_NAEM=pbx", "unknown key 'DB_NAEM'"),
        ("DB_NAME", "no '='"),
        ("LOCK_TIMEOUT=soon", "LOCK_TIMEOUT"),
        ("SERVICES=a b", "quote"),
    ] {
        c.write_config(extra);
        for bin in ["xivo-init-db", "xivo-update-db", "xivo-check-db"] {
            let args: &[&str] = if bin == "xivo-init-db" {
                &["--init"]
            } else {
                &[]
            };
            let r = c.run(bin, args, None);
            assert_eq!(r.code, 2, "{extra} / {bin}: {r:?}");
            assert!(
                r.stderr.contains(&c.config_path().display().to_string()),
                "{}",
                r.stderr
            );
            assert!(
                r.stderr.contains("line 4") && r.stderr.contains(want),
                "{extra} / {bin}: {}",
                r.stderr
            );
            assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        }
    }
    assert!(!c.exists(DB));
    let r = common::Run::from(
        c.cmd("xivo-check-db")
            .env("XIVO_MANAGE_DB_CONFIG", c.dir.join("missing"))
            .output()
            .expect("run"),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read config file") && r.stderr.contains("missing"),
        "{}",
        r.stderr
    );
}

#[test]
fn passwords_are_never_printed() {
    let c = Cluster::start();
    // Every statement in the server log, so that one carrying the password
    // in clear would show there.
    c.restart_with("log_statement = 'all'");
    c.write_config("DB_PASSWORD='Sentinel-Pa55'");
    let r = c.run("xivo-init-db", &["--init", "-v"], None);
    r.assert_code(0);
    assert!(
        !r.stdout.contains("Sentinel-Pa55") && !r.stderr.contains("Sentinel-Pa55"),
        "{r:?}"
    );
    let log = std::fs::read_to_string(c.dir.join("log")).expect("server log");
    assert!(
        log.contains("statement: CREATE ROLE") || log.contains("statement: ALTER ROLE"),
        "the server log has the statements that set the password:\n{log}"
    );
    assert!(
        !log.contains("Sentinel-Pa55"),
        "server log shows the password"
    );
    // A password inside ADMIN_URI is masked in errors too.
    std::fs::write(
        c.config_path(),
        format!("ADMIN_URI='host=/nonexistent port={} user=postgres password=Uri-Secret-9'\nSTATE_DIR={}\n", c.port, c.state_dir().display()),
    )
    .expect("config");
    let r = c.run("xivo-update-db", &[], None);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        !r.stderr.contains("Uri-Secret-9") && !r.stdout.contains("Uri-Secret-9"),
        "{r:?}"
    );
    assert!(r.stderr.contains("cannot connect"), "{}", r.stderr);
}

#[test]
fn drop_is_refused_while_sessions_are_connected() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let mut holder = c
        .psql_cmd(DB, "SELECT pg_sleep(30)")
        .spawn()
        .expect("session");
    // Wait until the session is there.
    for _ in 0..100 {
        if c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'asterisk'",
        ) != "0"
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let r = c.run("xivo-init-db", &["--drop"], None);
    r.assert_code(1);
    assert!(
        r.stderr.contains("other session") && r.stderr.contains("pid "),
        "{}",
        r.stderr
    );
    assert!(c.exists(DB) && c.role_exists("asterisk"));
    let _ = holder.kill();
    let _ = holder.wait();
    c.psql(
        "postgres",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'asterisk'",
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    c.run("xivo-init-db", &["--drop"], None).assert_code(0);
    assert!(!c.exists(DB) && !c.role_exists("asterisk"));
    // Idempotent, and --drop --init starts over.
    c.run("xivo-init-db", &["--drop"], None).assert_code(0);
    c.run("xivo-init-db", &["--drop", "--init"], None)
        .assert_code(0);
    c.run("xivo-check-db", &[], None).assert_code(0);
}

#[test]
fn check_reports_missing_database_and_edited_migrations() {
    let c = Cluster::start();
    let r = c.run("xivo-check-db", &[], None);
    r.assert_code(1);
    assert!(
        r.stdout
            .starts_with("Checking database...\tNOK (database 'asterisk' does not exist"),
        "{}",
        r.stdout
    );
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let edited = MigrationsDir::copy_of_repo();
    let file = std::fs::read_dir(edited.path.join("versions"))
        .expect("versions")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains(&repo_head()))
        .expect("head file");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("{text}\n-- edited after release\n")).expect("write");
    let r = c.run("xivo-check-db", &[], Some(&edited.path));
    r.assert_code(0);
    assert!(
        r.stderr.contains(&format!("migration {} ", repo_head())) && r.stderr.contains("edited"),
        "{}",
        r.stderr
    );
    // CRLF line endings are not an edit.
    std::fs::write(&file, text.replace('\n', "\r\n")).expect("write");
    let r = c.run("xivo-check-db", &[], Some(&edited.path));
    r.assert_code(0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn interrupted_provisioning_is_resumed() {
    // CREATE DATABASE committed, schema never did (a crash in between).
    let c = Cluster::start();
    c.psql("postgres", "CREATE ROLE asterisk LOGIN");
    c.psql(
        "postgres",
        "CREATE DATABASE asterisk OWNER asterisk ENCODING 'UTF8' TEMPLATE template0",
    );
    c.run("xivo-check-db", &[], None).assert_code(1);
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    assert_eq!(c.revisions(DB), repo_head());
}

#[test]
fn manage_db_reports_status_history_and_replication_exclusions() {
    let c = Cluster::start();
    let r = c.run("xivo-manage-db", &["status"], None);
    r.assert_code(1);
    assert!(r.stdout.contains("does not exist"), "{}", r.stdout);
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = c.run("xivo-manage-db", &["status"], None);
    r.assert_code(0);
    assert!(
        r.stdout
            .contains(&format!("package head:\t{}", repo_head()))
            && r.stdout.contains("state:\t\tOK"),
        "{}",
        r.stdout
    );
    let r = c.run("xivo-manage-db", &["history"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout.lines().count(),
        repo_graph().len() + 2,
        "header + baseline + versions:\n{}",
        r.stdout
    );
    let r = c.run("xivo-manage-db", &["migrations"], None);
    r.assert_code(0);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with(&repo_head()) && l.contains("applied (current, head)")),
        "{}",
        r.stdout
    );
    let r = c.run("xivo-manage-db", &["replication-exclusions"], None);
    r.assert_code(0);
    let mut excluded: Vec<&str> = r.stdout.lines().collect();
    excluded.sort_unstable();
    // XiVO 14.08's list, as its replication package shipped it: the call
    // logs and statistics, the network and support settings, and their
    // sequences (provisioning and session are copied).
    assert_eq!(
        excluded,
        [
            "call_log",
            "cel",
            "dhcp",
            "mail",
            "monitoring",
            "netiface",
            "queue_log",
            "resolvconf",
            "stat_agent",
            "stat_agent_periodic",
            "stat_call_on_queue",
            "stat_queue",
            "stat_queue_periodic",
        ]
    );
    for t in &excluded {
        assert_eq!(c.psql(DB, &format!("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '{t}'")), "1", "{t} is not a table");
    }
    assert!(
        !excluded.contains(&"userfeatures")
            && !excluded.contains(&"user")
            && !excluded.contains(&"provisioning")
            && !excluded.contains(&"session"),
        "configuration is replicated"
    );
    let r = c.run("xivo-manage-db", &["show", "no-such-file"], None);
    r.assert_code(2);
}

/// `status --json` prints one object in every case, errors included, with
/// the exit code as `code` and the error line (as on stderr) as `error`.
#[test]
fn status_json_is_one_object_whatever_happens() {
    let c = Cluster::start();
    let head = repo_head();
    let n = repo_graph().len() + 1;
    let state_dir = c.state_dir().display().to_string();
    let tail = |db_known: bool| {
        if db_known {
            format!(
                r#""database": "asterisk", "owner": "asterisk", "migrations": {n}, "state_dir": "{state_dir}"}}"#
            )
        } else {
            r#""database": null, "owner": null, "migrations": null, "state_dir": null}"#.to_string()
        }
    };
    // Every revision of the repository's files, parents first (the shipped
    // set is one line: the baseline, then each version after its parent).
    let all: Vec<String> = {
        let graph = repo_graph();
        let mut order = vec![repo_baseline()];
        while let Some((rev, _)) = graph
            .iter()
            .find(|(_, down)| down.contains(order.last().expect("one")))
        {
            order.push(rev.clone());
        }
        assert_eq!(order.len(), graph.len() + 1, "a linear shipped set");
        order.iter().map(|r| format!("\"{r}\"")).collect()
    };
    let all = all.join(", ");
    // No database yet: behind, everything pending.
    let r = c.run("xivo-manage-db", &["status", "--json"], None);
    r.assert_code(1);
    assert_eq!(
        r.stdout,
        format!(
            r#"{{"code": 1, "error": null, "up_to_date": false, "state": "missing", "current": [], "head": "{head}", "pending": [{all}], "snapshot_pending": false, "snapshot_phase": null, "restore_pending": false, "edited": [], "history_recorded": false, {}"#,
            tail(true)
        ) + "\n"
    );
    assert_eq!(r.stderr, "");
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = c.run("xivo-manage-db", &["status", "--json"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        format!(
            r#"{{"code": 0, "error": null, "up_to_date": true, "state": "ok", "current": ["{head}"], "head": "{head}", "pending": [], "snapshot_pending": false, "snapshot_phase": null, "restore_pending": false, "edited": [], "history_recorded": true, {}"#,
            tail(true)
        ) + "\n"
    );
    // The text form names the current revision too.
    let r = c.run("xivo-manage-db", &["status"], None);
    r.assert_code(0);
    assert!(
        r.stdout
            .contains(&format!("state:\t\tOK\nrevision:\t{head}\n")),
        "{}",
        r.stdout
    );
    // Errors: exit 2, the object on stdout, the same line on stderr.
    let error_case = |r: common::Run, db_known: bool| {
        r.assert_code(2);
        let line = r
            .stderr
            .strip_prefix("xivo-manage-db: error: ")
            .and_then(|l| l.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("one error line: {}", r.stderr));
        assert!(!line.contains('\n'), "{}", r.stderr);
        let head = if db_known {
            format!("\"{head}\"")
        } else {
            "null".into()
        };
        assert_eq!(
            r.stdout,
            format!(
                r#"{{"code": 2, "error": "{}", "up_to_date": false, "state": null, "current": [], "head": {head}, "pending": [], "snapshot_pending": null, "snapshot_phase": null, "restore_pending": null, "edited": [], "history_recorded": null, {}"#,
                line.replace('\\', "\\\\").replace('"', "\\\""),
                tail(db_known)
            ) + "\n"
        );
        line.to_string()
    };
    // A revision newer than this package.
    c.psql(
        DB,
        "UPDATE alembic_version SET version_num = 'ffffffffffff'",
    );
    let line = error_case(c.run("xivo-manage-db", &["status", "--json"], None), true);
    assert!(line.contains("ffffffffffff"), "{line}");
    c.psql(
        DB,
        &format!("UPDATE alembic_version SET version_num = '{head}'"),
    );
    // The cluster down.
    c.stop();
    let line = error_case(c.run("xivo-manage-db", &["status", "--json"], None), true);
    assert!(!line.contains("proformatique"), "{line}");
    // A bad configuration file.
    c.write_config("DB_PASSWORD='secret\nNO_SUCH_KEY=1");
    error_case(c.run("xivo-manage-db", &["status", "--json"], None), false);
}

/// The commands that read only the package's own migrations work whatever
/// the configuration file holds; `show` takes a revision id too.
#[test]
fn package_only_commands_need_no_configuration() {
    let c = Cluster::start();
    let good: Vec<String> = ["migrations", "replication-exclusions"]
        .iter()
        .map(|cmd| {
            let r = c.run("xivo-manage-db", &[cmd], None);
            r.assert_code(0);
            r.stdout
        })
        .collect();
    let baseline = c.run("xivo-manage-db", &["show", "baseline.sql"], None);
    baseline.assert_code(0);
    c.write_config("NO_SUCH_KEY=1");
    c.run("xivo-manage-db", &["history"], None).assert_code(2);
    let r = c.run("xivo-manage-db", &["replication-exclusions"], None);
    r.assert_code(0);
    assert_eq!(r.stdout, good[1]);
    assert_eq!(r.stderr, "");
    // The merged view asks the database when it can: without a usable
    // configuration it lists the same revisions, their states unknown, and
    // says why on its last line.
    let r = c.run("xivo-manage-db", &["migrations"], None);
    r.assert_code(0);
    assert_eq!(r.stderr, "");
    let revisions = |out: &str| -> Vec<String> {
        // The rows: a revision id first; the header and the closing line not.
        out.lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| w.len() == 12 && w.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(revisions(&r.stdout), revisions(&good[0]));
    assert!(
        r.stdout
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with("states unknown"))
            .all(|l| l.contains("  unknown"))
            && revisions(&r.stdout).len() + 2 == r.stdout.lines().count(),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.lines().last().is_some_and(
            |l| l.starts_with("states unknown: config file ") && l.contains("NO_SUCH_KEY")
        ),
        "{}",
        r.stdout
    );
    let r = c.run("xivo-manage-db", &["show", &repo_baseline()], None);
    r.assert_code(0);
    assert_eq!(r.stdout, baseline.stdout);
    let head = repo_head();
    let r = c.run("xivo-manage-db", &["show", &head], None);
    r.assert_code(0);
    assert!(
        r.stdout.contains(&format!("revision: {head}")) || r.stdout.contains(&head),
        "{}",
        r.stdout
    );
    let r = c.run("xivo-manage-db", &["show", "nothing"], None);
    r.assert_code(2);
    assert_eq!(
        r.stderr,
        "xivo-manage-db: error: no file or revision 'nothing' in the migrations of this package \
         (see: xivo-manage-db migrations)\n"
    );
}

/// With the cluster down, `xivo-check-db` still gives a verdict on stdout
/// (`ERROR`, exit 2) and the reason on stderr, one line.
#[test]
fn xivo_check_db_says_error_when_the_cluster_is_down() {
    let c = Cluster::start();
    c.stop();
    let r = c.run("xivo-check-db", &[], None);
    r.assert_code(2);
    assert_eq!(r.stdout, "Checking database...\tERROR\n");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("xivo-check-db: error: "),
        "{}",
        r.stderr
    );
}

/// `-q` on every command: nothing on stdout or stderr when all is well, the
/// exit code says it; errors are still printed.
#[test]
fn quiet_commands_print_nothing_but_errors() {
    let c = Cluster::start();
    let quiet = |bin: &str, args: &[&str], code: i32| {
        let r = c.run(bin, args, None);
        r.assert_code(code);
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str()),
            ("", ""),
            "{bin} {args:?}"
        );
    };
    quiet("xivo-check-db", &["-q"], 1);
    quiet("xivo-init-db", &["--init", "-q"], 0);
    quiet("xivo-update-db", &["-q"], 0);
    quiet("xivo-check-db", &["-q"], 0);
    quiet("xivo-check-db", &["-q", "--"], 0);
    let r = c.run("xivo-update-db", &["-v"], None);
    r.assert_code(0);
    assert!(r.stdout.contains("Updating database done."), "{}", r.stdout);
    c.run("xivo-update-db", &["-q", "-v"], None).assert_code(2);
    // Errors are still said.
    c.stop();
    for (bin, args) in [
        ("xivo-check-db", &["-q"][..]),
        ("xivo-update-db", &["-q"][..]),
    ] {
        let r = c.run(bin, args, None);
        r.assert_code(2);
        assert_eq!(r.stdout, "", "{bin}");
        assert_eq!(r.stderr.lines().count(), 1, "{bin}: {}", r.stderr);
    }
}

/// An unreadable snapshot record is pending too: `status --json` says so
/// (exit 1), with no phase to give.
#[test]
fn status_json_counts_an_unreadable_snapshot_record_as_pending() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let dir = c.state_dir().join("rollback");
    std::fs::create_dir_all(&dir).expect("rollback dir");
    std::fs::write(dir.join("record"), "garbage\n").expect("record");
    let r = c.run("xivo-manage-db", &["status", "--json"], None);
    r.assert_code(1);
    assert!(
        r.stdout
            .contains(r#""code": 1, "error": null, "up_to_date": false, "state": "ok""#)
            && r.stdout.contains(
                r#""snapshot_pending": true, "snapshot_phase": null, "restore_pending": false"#
            ),
        "{}",
        r.stdout
    );
}

/// The start of each column in a header line of `table` output.
fn column_starts(header: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let b = header.as_bytes();
    for i in 2..b.len() {
        if b[i] != b' ' && b[i - 1] == b' ' && b[i - 2] == b' ' {
            starts.push(i);
        }
    }
    starts
}

#[test]
fn history_and_migrations_say_what_the_database_is_at_every_stage() {
    let c = Cluster::start();
    let all = repo_graph().len() + 1;
    // No database: one clear line, no advice on reaching the server.
    let r = c.run("xivo-manage-db", &["history"], None);
    r.assert_code(1);
    assert_eq!(
        r.stdout,
        "nothing recorded: database 'asterisk' does not exist (xivo-init-db --init creates it)\n"
    );
    assert_eq!(r.stderr, "");
    let r = c.run("xivo-manage-db", &["history", "--json"], None);
    r.assert_code(1);
    assert_eq!(
        r.stdout,
        "{\"database\": \"asterisk\", \"state\": \"missing\", \"current\": [], \"note\": \
         \"nothing recorded: database 'asterisk' does not exist (xivo-init-db --init creates it)\", \"history\": []}\n"
    );
    let r = c.run("xivo-manage-db", &["queue-log", "stats"], None);
    r.assert_code(2);
    assert!(
        r.stderr.contains("does not exist") && !r.stderr.contains("pg_hba"),
        "{}",
        r.stderr
    );
    let r = c.run("xivo-manage-db", &["migrations"], None);
    r.assert_code(0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), all + 2, "{}", r.stdout);
    assert!(lines[0].starts_with("REVISION"), "{}", r.stdout);
    assert_eq!(
        lines[1..=all]
            .iter()
            .filter(|l| l.contains("  pending"))
            .count(),
        all,
        "{}",
        r.stdout
    );
    assert_eq!(
        lines[all + 1],
        "nothing recorded: database 'asterisk' does not exist (xivo-init-db --init creates it); every migration is pending"
    );
    // An empty database, then one with tables and no versioning (14.07).
    c.psql("postgres", "CREATE DATABASE asterisk");
    let r = c.run("xivo-manage-db", &["history"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        "nothing recorded by this package yet: database 'asterisk' is empty (provisioning never finished; run xivo-init-db --init)\n"
    );
    c.psql(DB, "CREATE TABLE userfeatures (id int)");
    let r = c.run("xivo-manage-db", &["history"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        "nothing recorded by this package yet: database 'asterisk' is a XiVO 14.07 system (run xivo-update-db to upgrade it)\n"
    );
    assert_eq!(r.stderr, "");
    c.psql("postgres", "DROP DATABASE asterisk");
    // Provisioned: every revision applied, in columns that line up.
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = c.run("xivo-manage-db", &["history"], None);
    r.assert_code(0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), all + 1, "{}", r.stdout);
    assert_eq!(column_starts(lines[0]).len(), 3, "{}", r.stdout);
    let starts = column_starts(lines[0]);
    for l in &lines[1..] {
        for &s in &starts[1..] {
            assert!(
                l.as_bytes()[s - 1] == b' ' && l.as_bytes()[s] != b' ',
                "misaligned at {s}:\n{}",
                r.stdout
            );
        }
    }
    assert!(lines[all].starts_with(&repo_head()), "{}", r.stdout);
    let r = c.run("xivo-manage-db", &["history", "--json"], None);
    r.assert_code(0);
    assert!(
        r.stdout.starts_with(&format!(
            "{{\"database\": \"asterisk\", \"state\": \"recorded\", \"current\": [\"{}\"], \"note\": null, \"history\": [{{\"revision\": \"{}\", \"applied_at\": \"",
            repo_head(),
            repo_baseline()
        )),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("\"stamped\": false").count(), all);
    let r = c.run("xivo-manage-db", &["migrations"], None);
    r.assert_code(0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), all + 1, "{}", r.stdout);
    let head_line = lines
        .iter()
        .find(|l| l.starts_with(&repo_head()))
        .expect("head listed");
    assert!(
        head_line.contains("applied (current, head)") && head_line.contains(" s  "),
        "{}",
        r.stdout
    );
    assert_eq!(
        lines[1..]
            .iter()
            .filter(|l| l.contains("  applied"))
            .count(),
        all,
        "{}",
        r.stdout
    );
    let r = c.run("xivo-manage-db", &["migrations", "--json"], None);
    r.assert_code(0);
    assert_eq!(r.stdout.matches("\"state\": \"applied\"").count(), all);
    assert_eq!(r.stdout.matches("\"current\": true").count(), 1);
    assert!(r.stdout.ends_with("]}\n"), "{}", r.stdout);
    // One revision behind (set back by hand, its history row left): the
    // head is pending, with no time, its parent current.
    let (_older, older_head) = older_set();
    c.psql(
        DB,
        &format!("UPDATE alembic_version SET version_num = '{older_head}'"),
    );
    let r = c.run("xivo-manage-db", &["migrations"], None);
    r.assert_code(0);
    let head_line = r
        .stdout
        .lines()
        .find(|l| l.starts_with(&repo_head()))
        .expect("head listed")
        .to_string();
    let cells: Vec<&str> = head_line
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(cells[2..5], ["pending (head)", "-", "-"], "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with(&older_head) && l.contains("applied (current")),
        "{}",
        r.stdout
    );
    // The cluster down: the listing still comes, states unknown.
    c.stop();
    let r = c.run("xivo-manage-db", &["migrations"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout.lines().filter(|l| l.contains("  unknown")).count(),
        all,
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("states unknown: cannot connect to database 'asterisk'")),
        "{}",
        r.stdout
    );
}

#[test]
fn validate_names_edited_migrations_and_repair_accepts_one_on_purpose() {
    let c = Cluster::start();
    let all = repo_graph().len() + 1;
    let r = c.run("xivo-manage-db", &["validate"], None);
    r.assert_code(1);
    assert_eq!(
        r.stdout,
        "nothing to validate: database 'asterisk' does not exist (xivo-init-db --init creates it)\n"
    );
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = c.run("xivo-manage-db", &["validate"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        format!("validated: the {all} migrations applied to 'asterisk' match their files\n")
    );
    // The head's file edited after it was applied.
    let edited = MigrationsDir::copy_of_repo();
    let file = std::fs::read_dir(edited.path.join("versions"))
        .expect("versions")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains(&repo_head()))
        .expect("head file");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("{text}\n-- edited after release\n")).expect("write");
    let old_sum = c.psql(
        DB,
        &format!(
            "SELECT checksum FROM xivo_manage_db_history WHERE revision = '{}'",
            repo_head()
        ),
    );
    let name = format!(
        "versions/{}",
        file.file_name().expect("name").to_string_lossy()
    );
    let r = c.run("xivo-manage-db", &["validate"], Some(&edited.path));
    r.assert_code(1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0].starts_with(&format!(
            "migration {} ({name}) was edited after it was applied: applied checksum {old_sum}, file checksum ",
            repo_head()
        )) && lines[0].ends_with(&format!(
            "(check the change, then accept it with: xivo-manage-db repair --accept-checksum {})",
            repo_head()
        )),
        "{}",
        r.stdout
    );
    // Refused: a revision the package does not carry, and while a restore's
    // record is pending; nothing changes.
    let before = c.fingerprint(DB);
    let r = c.run(
        "xivo-manage-db",
        &["repair", "--accept-checksum", "deadbeef0000"],
        Some(&edited.path),
    );
    r.assert_code(2);
    assert!(
        r.stderr.contains("no migration 'deadbeef0000'"),
        "{}",
        r.stderr
    );
    let record = c.state_dir().join("restore-record");
    std::fs::write(
        &record,
        "phase restoring\nnew xivo_manage_db_restore_20200101T000000Z_new\nold xivo_manage_db_restore_20200101T000000Z_old\n",
    )
    .expect("restore record");
    let r = c.run(
        "xivo-manage-db",
        &["repair", "--accept-checksum", &repo_head()],
        Some(&edited.path),
    );
    r.assert_code(1);
    assert!(
        r.stderr.contains("a restore did not finish"),
        "{}",
        r.stderr
    );
    assert_eq!(c.fingerprint(DB), before, "nothing changed");
    std::fs::remove_file(&record).expect("remove record");
    // Accepted on purpose: the history keeps the old checksum, when and who.
    let r = c.run(
        "xivo-manage-db",
        &["repair", "--accept-checksum", &repo_head()],
        Some(&edited.path),
    );
    r.assert_code(0);
    assert!(
        r.stdout.starts_with(&format!(
            "accepted the new checksum of {} ({name}) in 'asterisk': {old_sum} -> ",
            repo_head()
        )),
        "{}",
        r.stdout
    );
    let row = c.psql(
        DB,
        &format!(
            "SELECT checksum <> previous_checksum, previous_checksum, repaired_at > now() - interval '1 hour', \
                    split_part(repaired_by, ' ', 1) \
               FROM xivo_manage_db_history WHERE revision = '{}'",
            repo_head()
        ),
    );
    let me = nix::unistd::User::from_uid(nix::unistd::getuid())
        .expect("passwd")
        .expect("user")
        .name;
    assert_eq!(row, format!("t|{old_sum}|t|{me}"));
    let r = c.run("xivo-manage-db", &["validate"], Some(&edited.path));
    r.assert_code(0);
    // Idempotent: a second repair has nothing to do.
    let after = c.fingerprint(DB);
    let r = c.run(
        "xivo-manage-db",
        &["repair", "--accept-checksum", &repo_head()],
        Some(&edited.path),
    );
    r.assert_code(0);
    assert!(r.stdout.starts_with("nothing to repair"), "{}", r.stdout);
    assert_eq!(c.fingerprint(DB), after);
    // The history table stays the owner's.
    assert_eq!(
        c.psql(
            DB,
            "SELECT tableowner FROM pg_tables WHERE tablename = 'xivo_manage_db_history'"
        ),
        "asterisk"
    );
}

#[test]
fn rollback_status_and_queue_log_prune_print_one_json_object() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = c.run("xivo-manage-db", &["rollback", "status", "--json"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        "{\"code\": 0, \"pending\": false, \"phase\": null, \"taken_at\": null, \"package_version\": null, \
         \"snapshots\": [], \"state_files\": null, \"to_do\": null, \"restore\": null}\n"
    );
    std::fs::write(
        c.state_dir().join("restore-record"),
        "phase restoring\nnew xivo_manage_db_restore_20200101T000000Z_new\nold xivo_manage_db_restore_20200101T000000Z_old\n",
    )
    .expect("restore record");
    let r = c.run("xivo-manage-db", &["rollback", "status", "--json"], None);
    r.assert_code(1);
    assert!(
        r.stdout.starts_with(
            "{\"code\": 1, \"pending\": true, \"phase\": null, \"taken_at\": null, \"package_version\": null, \
             \"snapshots\": [], \"state_files\": null, \"to_do\": null, \"restore\": \"a restore did not finish (phase restoring, new database 'xivo_manage_db_restore_20200101T000000Z_new'"
        ) && r.stdout.ends_with("\"}\n"),
        "{}",
        r.stdout
    );
    std::fs::remove_file(c.state_dir().join("restore-record")).expect("remove");
    c.psql(
        DB,
        "INSERT INTO queue_log (time, callid, event) VALUES \
           ('2013-01-05 10:00:00.000000', 'old-1', 'ENTERQUEUE'), \
           ('2013-01-20 10:00:00.000000', 'old-2', 'ENTERQUEUE'), \
           ('2013-03-01 10:00:00.000000', 'new-1', 'ENTERQUEUE')",
    );
    let r = c.run(
        "xivo-manage-db",
        &[
            "queue-log",
            "prune",
            "--before",
            "2013-02-01",
            "--dry-run",
            "--json",
        ],
        None,
    );
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        "{\"before\": \"2013-02-01 00:00:00\", \"dry_run\": true, \"rows\": 2, \
         \"oldest\": \"2013-01-05 10:00:00.000000\", \"newest\": \"2013-01-20 10:00:00.000000\"}\n"
    );
    let r = c.run(
        "xivo-manage-db",
        &["queue-log", "prune", "--before", "2013-02-01", "--json"],
        None,
    );
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        "{\"before\": \"2013-02-01 00:00:00\", \"dry_run\": false, \"rows\": 2, \"oldest\": null, \"newest\": null}\n"
    );
    assert_eq!(
        c.psql(DB, "SELECT string_agg(callid, ',') FROM queue_log"),
        "new-1"
    );
}

#[test]
fn drop_and_restore_ask_on_a_terminal_and_only_there() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let question =
        "Drop database 'asterisk' and its owner role 'asterisk'? Every row in it is lost. [y/N] ";
    let refused = "not confirmed: nothing was done (--yes skips the question)\n";
    for answer in ["n\n", "\n", "yep\n"] {
        let mut cmd = c.cmd("xivo-init-db");
        cmd.arg("--drop");
        let r = common::on_terminal(cmd, answer);
        r.assert_code(1);
        assert_eq!(
            r.stderr,
            format!("{question}xivo-init-db: error: {refused}"),
            "{answer:?}"
        );
        assert!(c.exists(DB) && c.role_exists("asterisk"), "{answer:?}");
    }
    let mut cmd = c.cmd("xivo-init-db");
    cmd.arg("--drop");
    let r = common::on_terminal(cmd, "y\n");
    r.assert_code(0);
    assert_eq!(r.stderr, question);
    assert!(!c.exists(DB) && !c.role_exists("asterisk"));
    // --yes: no question, also on a terminal; stdin not a terminal: none.
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let mut cmd = c.cmd("xivo-init-db");
    cmd.args(["--drop", "--yes"]);
    let r = common::on_terminal(cmd, "");
    r.assert_code(0);
    assert_eq!(r.stderr, "");
    assert!(!c.exists(DB));
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = c.run("xivo-init-db", &["--drop"], None);
    r.assert_code(0);
    assert_eq!(r.stderr, "");
    assert!(!c.exists(DB));
    // restore: refused unconfirmed before the backup is even read.
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let before = c.fingerprint(DB);
    let mut cmd = c.cmd("xivo-manage-db");
    cmd.args(["restore", "/nonexistent/backup.dump"]);
    let r = common::on_terminal(cmd, "no\n");
    r.assert_code(1);
    assert_eq!(
        r.stderr,
        format!(
            "Replace database 'asterisk' with the backup /nonexistent/backup.dump? \
             The current database is dropped once the restore has succeeded. [y/N] xivo-manage-db: error: {refused}"
        )
    );
    assert_eq!(c.fingerprint(DB), before);
    let mut cmd = c.cmd("xivo-manage-db");
    cmd.args(["restore", "--yes", "/nonexistent/backup.dump"]);
    let r = common::on_terminal(cmd, "");
    r.assert_code(2);
    assert!(!r.stderr.contains("[y/N]"), "{}", r.stderr);
}

#[test]
fn update_dry_run_says_what_would_run_and_changes_nothing() {
    let c = Cluster::start();
    let all = repo_graph().len() + 1;
    // No database: provisioning, every migration; nothing created.
    let r = c.run("xivo-update-db", &["--dry-run"], None);
    r.assert_code(1);
    assert!(
        r.stdout.starts_with(
            "database 'asterisk' does not exist: it would be provisioned (owner role 'asterisk' if absent, \
             the database, the baseline and every version)\n"
        ) && r
            .stdout
            .contains(&format!("\n{all} migration(s) in 1 segment(s), in order:\n  segment 1 (one transaction):\n    {} ", repo_baseline()))
            && r.stdout.ends_with("nothing was changed (dry run)\n"),
        "{}",
        r.stdout
    );
    assert!(!c.exists(DB) && !c.role_exists("asterisk"));
    let r = c.run("xivo-update-db", &["--dry-run", "--sql"], None);
    r.assert_code(1);
    assert!(
        r.stdout
            .starts_with(&format!("-- {} (baseline.sql)\n", repo_baseline())),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
    assert!(!c.exists(DB));
    // --sql alone is a usage error.
    c.run("xivo-update-db", &["--sql"], None).assert_code(2);
    // One version behind: the head in one segment, the snapshot's size.
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let (_older, older_head) = older_set();
    c.psql(
        DB,
        &format!(
            "UPDATE alembic_version SET version_num = '{older_head}'; \
             DELETE FROM xivo_manage_db_history WHERE revision = '{}'",
            repo_head()
        ),
    );
    let before = c.fingerprint(DB);
    let r = c.run("xivo-update-db", &["--dry-run"], None);
    r.assert_code(1);
    let head_message = r
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("    {}  ", repo_head())))
        .map(str::to_string);
    assert!(
        r.stdout.starts_with(&format!(
            "database 'asterisk' is at {older_head}; head is {}\n1 migration(s) in 1 segment(s), in order:\n  segment 1 (one transaction):\n    {}  ",
            repo_head(),
            repo_head()
        )) && head_message.is_some()
            && r.stdout.contains("\nsnapshot the maintainer scripts take first (a package upgrade): ")
            && r.stdout.contains(" MiB ('asterisk' ")
            && r.stdout.ends_with("nothing was changed (dry run)\n"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stderr, "");
    let r = c.run("xivo-update-db", &["--dry-run", "--sql"], None);
    r.assert_code(1);
    assert!(
        r.stdout
            .starts_with(&format!("-- {} (versions/{}_", repo_head(), repo_head())),
        "{}",
        r.stdout
    );
    assert_eq!(
        c.fingerprint(DB),
        before,
        "nothing changed, history included"
    );
    // A non-transactional migration is marked.
    let engine = common::engine_set();
    let r = c.run("xivo-update-db", &["--dry-run"], Some(&engine.path));
    r.assert_code(1);
    assert!(
        r.stdout.contains("(non-transactional, alone):"),
        "{}",
        r.stdout
    );
    assert_eq!(c.fingerprint(DB), before);
    // At head: nothing pending, exit 0.
    c.run("xivo-update-db", &[], None).assert_code(0);
    let r = c.run("xivo-update-db", &["--dry-run"], None);
    r.assert_code(0);
    assert_eq!(
        r.stdout,
        format!(
            "nothing to do: database 'asterisk' is at head ({})\n",
            repo_head()
        )
    );
    // The cluster down: an error, exit 2.
    c.stop();
    c.run("xivo-update-db", &["--dry-run"], None).assert_code(2);
}

#[test]
fn update_dry_run_on_a_1407_host_lists_its_steps() {
    let c = Cluster::start();
    c.make_1407_host(common::Host1407::default());
    let before = (c.fingerprint(DB), c.fingerprint("xivo"));
    let r = c.run("xivo-update-db", &["--dry-run"], None);
    r.assert_code(1);
    assert!(
        r.stdout.starts_with(
            "database 'asterisk' is a XiVO 14.07 system (levels asterisk 161, xivo 8): it would be upgraded in one transaction:\n  the 14.07 scripts of 'asterisk': "
        ) && r.stdout.contains("\n  the merge of database 'xivo' into 'asterisk' (its tables copied, then 'xivo' dropped)\n  queue_log's id column: a rewrite of about ")
            && r.stdout.contains("\nestimated time: ")
            && r.stdout.contains(" MiB ('asterisk' ")
            && r.stdout.contains(", 'xivo' ")
            && r.stdout.ends_with("nothing was changed (dry run)\n"),
        "{}",
        r.stdout
    );
    let r = c.run("xivo-update-db", &["--dry-run", "--sql"], None);
    r.assert_code(1);
    assert!(
        r.stdout
            .contains("-- the merge of 'xivo' into 'asterisk': made by the program"),
        "{}",
        r.stdout
    );
    assert_eq!((c.fingerprint(DB), c.fingerprint("xivo")), before);
}

/// Another process holding the host lock, in a process group of its own
/// (flock itself holds it, not the sleep it runs).
fn hold_lock(c: &Cluster) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let lock = c.state_dir().join("lock");
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg("echo \"pid $$ (test holder)\" > \"$1\"; exec flock -o \"$1\" sleep 120")
        .arg("sh")
        .arg(&lock)
        .process_group(0)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("holder");
    while std::process::Command::new("flock")
        .arg("-n")
        .arg(&lock)
        .arg("true")
        .status()
        .expect("flock -n")
        .success()
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child
}

/// Every command that changes the database, stopped by a real signal while
/// it waits for the lock: exit 128 + the signal, its last line names the
/// signal, says what was left and what to run next; nothing changed.
#[test]
fn a_signal_ends_each_writing_command_with_128_plus_it_and_one_line() {
    use nix::sys::signal::Signal;
    use std::io::BufRead;
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let cases: [(&str, &[&str], Signal, i32, &str); 4] = [
        (
            "xivo-init-db",
            &["--drop", "--init", "--yes"],
            Signal::SIGINT,
            130,
            "run xivo-init-db again",
        ),
        (
            "xivo-manage-db",
            &["queue-log", "prune", "--before", "2020-01-01"],
            Signal::SIGTERM,
            143,
            "run xivo-manage-db queue-log prune --before 2020-01-01 again",
        ),
        (
            "xivo-manage-db",
            &["queue-log", "prepare"],
            Signal::SIGHUP,
            129,
            "run xivo-manage-db queue-log prepare again",
        ),
        (
            "xivo-manage-db",
            &["queue-log", "prepare"],
            Signal::SIGINT,
            130,
            "what was done is kept",
        ),
    ];
    for (bin, args, signal, code, next) in cases {
        let before = c.fingerprint(DB);
        let mut holder = hold_lock(&c);
        let mut child = c
            .cmd(bin)
            .args(args)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
        let mut seen = String::new();
        while !seen.contains("waiting for lock") {
            let mut line = String::new();
            assert!(
                stderr.read_line(&mut line).expect("read") > 0,
                "{bin} {args:?} ended before waiting for the lock: {seen}"
            );
            seen.push_str(&line);
        }
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal)
            .expect("signal");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).expect("read");
        let status = child.wait().expect("reap");
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(holder.id() as i32),
            Signal::SIGKILL,
        );
        let _ = holder.wait();
        assert_eq!(status.code(), Some(code), "{bin} {args:?}: {seen}{rest}");
        assert_eq!(rest.lines().count(), 1, "one line: {rest}");
        assert!(
            rest.contains(&format!("interrupted by {}", signal.as_str())) && rest.contains(next),
            "{bin} {args:?}: {rest}"
        );
        assert_eq!(c.fingerprint(DB), before, "nothing changed");
    }
}

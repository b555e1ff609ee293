//! The contract every command and hook keeps with its caller: exit codes as
//! the README defines them (0 done, 1 the database is not in the wanted
//! state, 2 nothing attempted), a closed stdout that ends a command quietly,
//! the configuration file's secrets, literal quoting whatever the server's
//! settings, and "cluster down" meaning only that no server is there.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::host::*;
use common::{add_version, older_set, repo_head, Cluster, Host1407, MigrationsDir, Run};

use xivo_manage_db::config::ConfigError;
use xivo_manage_db::error::{Error, Left};
use xivo_manage_db::ha::HaError;
use xivo_manage_db::legacy::LegacyError;
use xivo_manage_db::lock::LockError;
use xivo_manage_db::maintscript::error::HookError;
use xivo_manage_db::merge::MergeError;
use xivo_manage_db::migrations::{MigrationError, Report};
use xivo_manage_db::pg::PgError;
use xivo_manage_db::services::{ServiceError, StopFailure, StopReason, Trouble};
use xivo_manage_db::snapshot::space::Need;
use xivo_manage_db::snapshot::SnapshotError;

// ---------------------------------------------------------------- item 11

fn pg_query() -> PgError {
    PgError::Query {
        what: "w".into(),
        reason: "r".into(),
    }
}

/// The contract, row by row, written out by hand from the README (never
/// computed from the table under test). The `covered_*` functions below
/// match every variant without a wildcard: a new variant does not compile
/// until it has its row here.
#[test]
fn every_error_variant_exits_as_the_readme_says() {
    let p = || PathBuf::from("/x");
    let s = || String::from("s");
    let mut rows: Vec<(&str, Error, u8)> = vec![
        // Configuration: nothing attempted.
        (
            "Config::Unreadable",
            Error::Config(ConfigError::Unreadable {
                path: p(),
                reason: s(),
            }),
            2,
        ),
        (
            "Config::Malformed",
            Error::Config(ConfigError::Malformed {
                path: p(),
                line: 1,
                reason: s(),
            }),
            2,
        ),
        (
            "Config::UnknownKey",
            Error::Config(ConfigError::UnknownKey {
                path: p(),
                line: 1,
                key: s(),
            }),
            2,
        ),
        (
            "Config::BadValue",
            Error::Config(ConfigError::BadValue {
                path: p(),
                line: 1,
                key: s(),
                reason: s(),
            }),
            2,
        ),
        // PostgreSQL, before any change: unreachable or unusable, nothing attempted.
        ("Pg::BadUri", Error::Pg(PgError::BadUri { reason: s() }), 2),
        (
            "Pg::Connect (no server)",
            Error::Pg(PgError::Connect {
                target: s(),
                reason: s(),
                sqlstate: None,
                no_server: true,
            }),
            2,
        ),
        (
            "Pg::Connect (permission denied...)",
            Error::Pg(PgError::Connect {
                target: s(),
                reason: s(),
                sqlstate: None,
                no_server: false,
            }),
            2,
        ),
        ("Pg::Query", Error::Pg(pg_query()), 2),
        (
            "Pg::Identity",
            Error::Pg(PgError::Identity {
                user: s(),
                reason: s(),
            }),
            2,
        ),
        // The migration set: nothing attempted; a failed migration: 1.
        (
            "Migration::Unreadable",
            Error::Migration(MigrationError::Unreadable {
                file: s(),
                reason: s(),
            }),
            2,
        ),
        (
            "Migration::BadFile",
            Error::Migration(MigrationError::BadFile {
                file: s(),
                reason: s(),
            }),
            2,
        ),
        (
            "Migration::DuplicateRevision",
            Error::Migration(MigrationError::DuplicateRevision {
                revision: s(),
                files: [s(), s()],
            }),
            2,
        ),
        (
            "Migration::UnknownParent",
            Error::Migration(MigrationError::UnknownParent {
                file: s(),
                parent: s(),
            }),
            2,
        ),
        (
            "Migration::Cycle",
            Error::Migration(MigrationError::Cycle { files: vec![s()] }),
            2,
        ),
        (
            "Migration::SeveralHeads",
            Error::Migration(MigrationError::SeveralHeads {
                heads: vec![s(), s()],
            }),
            2,
        ),
        (
            "Migration::UnknownRevision",
            Error::Migration(MigrationError::UnknownRevision {
                revision: s(),
                head: s(),
            }),
            2,
        ),
        (
            "Migration::NoRevision",
            Error::Migration(MigrationError::NoRevision { db: s() }),
            2,
        ),
        (
            "Migration::Failed (transactional)",
            Error::Migration(MigrationError::Failed {
                file: s(),
                revision: s(),
                reason: s(),
                report: Report::default(),
                transactional: true,
            }),
            1,
        ),
        (
            "Migration::Failed (alone)",
            Error::Migration(MigrationError::Failed {
                file: s(),
                revision: s(),
                reason: s(),
                report: Report::default(),
                transactional: false,
            }),
            1,
        ),
        (
            "Migration::Db",
            Error::Migration(MigrationError::Db(pg_query())),
            2,
        ),
        // Locks: a lock file that cannot be opened is nothing attempted; busy is 1.
        (
            "Lock::Io",
            Error::Lock(LockError::Io {
                path: p(),
                reason: s(),
            }),
            2,
        ),
        (
            "Lock::Busy",
            Error::Lock(LockError::Busy {
                path: p(),
                holder: s(),
                waited: Duration::ZERO,
            }),
            1,
        ),
        (
            "Lock::AdvisoryBusy",
            Error::Lock(LockError::AdvisoryBusy {
                db: s(),
                holder: s(),
                waited: Duration::ZERO,
            }),
            1,
        ),
        ("Lock::Db", Error::Lock(LockError::Db(pg_query())), 2),
        // 14.07 state files and scripts: nothing attempted.
        (
            "Legacy::StateFile",
            Error::Legacy(LegacyError::StateFile {
                path: p(),
                reason: s(),
            }),
            2,
        ),
        (
            "Legacy::Scripts",
            Error::Legacy(LegacyError::Scripts {
                file: s(),
                reason: s(),
            }),
            2,
        ),
        // The tree the numbered scripts come from: as the migrations'.
        (
            "Legacy::Migrations",
            Error::Legacy(LegacyError::Migrations(MigrationError::Unreadable {
                file: s(),
                reason: s(),
            })),
            2,
        ),
        // Moving the state files comes first; removing them after the
        // merge's commit is wrapped by the upgrade (Failed, below).
        (
            "Legacy::Io",
            Error::Legacy(LegacyError::Io {
                path: p(),
                reason: s(),
            }),
            2,
        ),
        (
            "Merge::Ownership",
            Error::Merge(MergeError::Ownership {
                object: s(),
                reason: s(),
            }),
            1,
        ),
        (
            "Merge::StateFile",
            Error::Merge(MergeError::StateFile {
                path: p(),
                reason: s(),
            }),
            2,
        ),
        ("Merge::Db", Error::Merge(MergeError::Db(pg_query())), 2),
        (
            "Merge::Migration",
            Error::Merge(MergeError::Migration(MigrationError::Failed {
                file: s(),
                revision: s(),
                reason: s(),
                report: Report::default(),
                transactional: true,
            })),
            1,
        ),
        (
            "Merge::Legacy",
            Error::Merge(MergeError::Legacy(LegacyError::Io {
                path: p(),
                reason: s(),
            })),
            2,
        ),
        // The merge: refused or rolled back is 1; pg_dump (before any change) 2.
        (
            "Merge::MissingLegacyDatabase",
            Error::Merge(MergeError::MissingLegacyDatabase { db: s() }),
            1,
        ),
        (
            "Merge::Conflict",
            Error::Merge(MergeError::Conflict {
                object: s(),
                reason: s(),
            }),
            1,
        ),
        // pg_dump that cannot run is found before xivo is closed...
        (
            "Merge::DumpProgram",
            Error::Merge(MergeError::DumpProgram { reason: s() }),
            2,
        ),
        // Users' conference keys asterisk-163 cannot move, found by the
        // read-only comparison: nothing attempted.
        (
            "Merge::ConferenceKeys",
            Error::Merge(MergeError::ConferenceKeys { keys: vec![s()] }),
            2,
        ),
        // ... a dump that fails after it is inside the change, rolled back.
        (
            "Merge::Dump",
            Error::Merge(MergeError::Dump { reason: s() }),
            1,
        ),
        (
            "Merge::Object",
            Error::Merge(MergeError::Object {
                kind: s(),
                name: s(),
                reason: s(),
            }),
            1,
        ),
        (
            "Merge::Script",
            Error::Merge(MergeError::Script {
                file: s(),
                reason: s(),
            }),
            1,
        ),
        ("Refused", Error::Refused(s()), 1),
        ("Ha Prerequisite", Error::Ha(HaError::Prerequisite(s())), 2),
        ("Ha NotEnabled", Error::Ha(HaError::NotEnabled(s())), 2),
        (
            "Ha Step",
            Error::Ha(HaError::Step {
                what: s(),
                reason: s(),
            }),
            1,
        ),
        ("Ha Left", Error::Ha(HaError::Left(s())), 1),
        // A change under way when something failed: never "nothing attempted".
        (
            "Failed (rolled back)",
            Error::Failed {
                cause: Box::new(Error::Pg(pg_query())),
                left: Left::RolledBack,
            },
            1,
        ),
        (
            "Failed (unfinished)",
            Error::Failed {
                cause: Box::new(Error::Other(s())),
                left: Left::Unfinished,
            },
            1,
        ),
        (
            "Failed (unknown: the connection lost during the commit)",
            Error::Failed {
                cause: Box::new(Error::Pg(pg_query())),
                left: Left::Unknown { check: "the slave" },
            },
            1,
        ),
        // The reader of stdout went away: ended quietly.
        ("StdoutClosed", Error::StdoutClosed, 0),
        (
            "Interrupted by SIGHUP",
            Error::Interrupted {
                signal: "SIGHUP",
                what: s(),
            },
            129,
        ),
        (
            "Interrupted by SIGINT",
            Error::Interrupted {
                signal: "SIGINT",
                what: s(),
            },
            130,
        ),
        (
            "Interrupted by SIGTERM",
            Error::Interrupted {
                signal: "SIGTERM",
                what: s(),
            },
            143,
        ),
        ("Usage", Error::Usage(s()), 2),
        ("Other", Error::Other(s()), 2),
    ];
    let mut wrong = Vec::new();
    // The commands' snapshot and service errors (xivo-manage-db rollback)
    // follow the hooks' rows below.
    rows.push((
        "Snapshot (rollback finish)",
        Error::Snapshot(SnapshotError::Gone {
            database: s(),
            snapshot: s(),
        }),
        1,
    ));
    rows.push((
        "Service::NoCommand (rollback finish)",
        Error::Service(ServiceError::NoCommand {
            command: s(),
            reason: s(),
        }),
        2,
    ));
    rows.push((
        "Snapshot::Unreadable (rollback status)",
        Error::Snapshot(SnapshotError::Unreadable {
            path: p(),
            reason: s(),
        }),
        2,
    ));
    rows.push((
        "Service::Unreadable (rollback discard)",
        Error::Service(ServiceError::Unreadable {
            path: p(),
            reason: s(),
        }),
        2,
    ));
    for (name, e, want) in &rows {
        covered_error(e);
        if e.exit_code() != *want {
            wrong.push(format!("{name}: {} (want {want})", e.exit_code()));
        }
        assert!(!e.to_string().is_empty(), "{name} says nothing");
    }

    let hook_rows: Vec<(&str, HookError, u8)> = vec![
        ("Core (a refusal)", HookError::Core(Error::Refused(s())), 1),
        ("Core (the config)", HookError::Core(Error::Usage(s())), 2),
        (
            "Service::NoCommand",
            HookError::Service(ServiceError::NoCommand {
                command: s(),
                reason: s(),
            }),
            2,
        ),
        // An unusable stopped-services or record: read before any change.
        (
            "Service::Unreadable",
            HookError::Service(ServiceError::Unreadable {
                path: p(),
                reason: s(),
            }),
            2,
        ),
        (
            "Snapshot::Unreadable",
            HookError::Snapshot(SnapshotError::Unreadable {
                path: p(),
                reason: s(),
            }),
            2,
        ),
        (
            "Service::StateFile",
            HookError::Service(ServiceError::StateFile {
                path: p(),
                reason: s(),
            }),
            1,
        ),
        (
            "Service::StopFailed",
            HookError::Service(ServiceError::StopFailed(Box::new(StopFailure {
                service: s(),
                reason: StopReason::Stop(Trouble::Failed(s())),
                command: s(),
                restarted: vec![],
                not_restarted: vec![],
            }))),
            1,
        ),
        (
            "Service::StartFailed",
            HookError::Service(ServiceError::StartFailed {
                failed: vec![(s(), Trouble::Failed(s()))],
            }),
            1,
        ),
        (
            "Snapshot::NoSpace",
            HookError::Snapshot(SnapshotError::NoSpace(Need {
                location: p(),
                shares: vec![],
                needed: 2,
                available: 1,
            })),
            1,
        ),
        (
            "Snapshot::Db",
            HookError::Snapshot(SnapshotError::Db {
                what: s(),
                reason: s(),
            }),
            1,
        ),
        (
            "Snapshot::Record",
            HookError::Snapshot(SnapshotError::Record {
                path: p(),
                reason: s(),
            }),
            1,
        ),
        (
            "Snapshot::StateFiles",
            HookError::Snapshot(SnapshotError::StateFiles {
                path: p(),
                reason: s(),
            }),
            1,
        ),
        (
            "Snapshot::Missing",
            HookError::Snapshot(SnapshotError::Missing {
                database: s(),
                snapshot: s(),
            }),
            1,
        ),
        (
            "Snapshot::Gone",
            HookError::Snapshot(SnapshotError::Gone {
                database: s(),
                snapshot: s(),
            }),
            1,
        ),
        (
            "Snapshot::NotOurs",
            HookError::Snapshot(SnapshotError::NotOurs {
                database: s(),
                why: s(),
            }),
            1,
        ),
        // A database newer than this package: nothing stopped or changed, as for the commands.
        (
            "Downgrade",
            HookError::Downgrade {
                current: s(),
                head: s(),
            },
            2,
        ),
        (
            "Interrupted",
            HookError::Interrupted { signal: "SIGTERM" },
            1,
        ),
        (
            "RolledBack",
            HookError::RolledBack {
                cause: Box::new(HookError::Core(Error::Usage(s()))),
                snapshot: s(),
            },
            1,
        ),
        (
            "RollbackFailed",
            HookError::RollbackFailed {
                cause: Box::new(HookError::Core(Error::Usage(s()))),
                rollback: SnapshotError::Db {
                    what: s(),
                    reason: s(),
                },
                snapshot: s(),
            },
            1,
        ),
        (
            "After",
            HookError::After {
                done: s(),
                cause: Box::new(HookError::Core(Error::Usage(s()))),
            },
            1,
        ),
    ];
    for (name, e, want) in &hook_rows {
        covered_hook_error(e);
        if e.exit_code() != *want {
            wrong.push(format!("hook {name}: {} (want {want})", e.exit_code()));
        }
    }
    assert!(
        wrong.is_empty(),
        "exit codes off the contract:\n{}",
        wrong.join("\n")
    );
}

/// Compile-time coverage: every variant of every error has a row above.
fn covered_error(e: &Error) {
    match e {
        Error::Config(c) => match c {
            ConfigError::Unreadable { .. }
            | ConfigError::Malformed { .. }
            | ConfigError::UnknownKey { .. }
            | ConfigError::BadValue { .. } => {}
        },
        Error::Pg(p) => covered_pg(p),
        Error::Migration(m) => match m {
            MigrationError::Unreadable { .. }
            | MigrationError::BadFile { .. }
            | MigrationError::DuplicateRevision { .. }
            | MigrationError::UnknownParent { .. }
            | MigrationError::Cycle { .. }
            | MigrationError::SeveralHeads { .. }
            | MigrationError::UnknownRevision { .. }
            | MigrationError::NoRevision { .. }
            | MigrationError::Failed { .. } => {}
            MigrationError::Db(p) => covered_pg(p),
        },
        Error::Lock(l) => match l {
            LockError::Io { .. } | LockError::Busy { .. } | LockError::AdvisoryBusy { .. } => {}
            LockError::Db(p) => covered_pg(p),
        },
        Error::Legacy(l) => covered_legacy(l),
        Error::Merge(m) => match m {
            MergeError::MissingLegacyDatabase { .. }
            | MergeError::Conflict { .. }
            | MergeError::DumpProgram { .. }
            | MergeError::ConferenceKeys { .. }
            | MergeError::Dump { .. }
            | MergeError::Object { .. }
            | MergeError::Ownership { .. }
            | MergeError::StateFile { .. }
            | MergeError::Script { .. } => {}
            MergeError::Db(p) => covered_pg(p),
            // Their own variants are covered under Error::Migration and covered_legacy.
            MergeError::Migration(_) => {}
            MergeError::Legacy(l) => covered_legacy(l),
        },
        Error::Failed { cause, left } => {
            covered_error(cause);
            match left {
                Left::RolledBack | Left::Unfinished | Left::Unknown { .. } => {}
            }
        }
        // Same tables as the hooks' (covered_hook_error).
        Error::Snapshot(_) | Error::Service(_) => {}
        Error::Ha(h) => match h {
            HaError::Prerequisite(_)
            | HaError::NotEnabled(_)
            | HaError::Step { .. }
            | HaError::Left(_) => {}
        },
        Error::Refused(_) | Error::Usage(_) | Error::Other(_) | Error::StdoutClosed => {}
        Error::Interrupted { .. } => {}
    }
}

fn covered_legacy(l: &LegacyError) {
    match l {
        LegacyError::StateFile { .. } | LegacyError::Scripts { .. } | LegacyError::Io { .. } => {}
        LegacyError::Migrations(_) => {}
    }
}

fn covered_pg(p: &PgError) {
    match p {
        PgError::BadUri { .. }
        | PgError::Connect { .. }
        | PgError::Query { .. }
        | PgError::Identity { .. } => {}
    }
}

fn covered_hook_error(e: &HookError) {
    match e {
        HookError::Core(c) => covered_error(c),
        HookError::Service(s) => match s {
            ServiceError::NoCommand { .. }
            | ServiceError::Unreadable { .. }
            | ServiceError::StateFile { .. }
            | ServiceError::StopFailed { .. }
            | ServiceError::StartFailed { .. } => {}
        },
        HookError::Snapshot(s) => match s {
            SnapshotError::NoSpace(_)
            | SnapshotError::Db { .. }
            | SnapshotError::Unreadable { .. }
            | SnapshotError::Record { .. }
            | SnapshotError::StateFiles { .. }
            | SnapshotError::Missing { .. }
            | SnapshotError::Gone { .. }
            | SnapshotError::NotOurs { .. } => {}
        },
        HookError::Downgrade { .. }
        | HookError::Interrupted { .. }
        | HookError::RolledBack { .. }
        | HookError::RollbackFailed { .. }
        | HookError::After { .. } => {}
    }
}

const DB: &str = "asterisk";

/// Everything a failed 14.07 upgrade must leave as it was.
fn legacy_state(c: &Cluster) -> (String, String, String, Vec<(String, String)>) {
    let mut files = Vec::new();
    walk(&c.state_dir().join("update-db"), &mut files);
    files.sort();
    (
        c.schema(DB) + &c.table_sums(DB).join("\n"),
        c.schema("xivo") + &c.table_sums("xivo").join("\n"),
        c.psql(
            "postgres",
            "SELECT datname || ' ' || datconnlimit FROM pg_database WHERE datname IN ('asterisk', 'xivo') ORDER BY 1",
        ),
        files,
    )
}

#[test]
fn a_failure_in_the_middle_of_the_merge_exits_1_and_changes_nothing() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    // The same table in both databases (merged row-wise), whose sequence
    // cannot take the value of xivo's: the merge fails after copying the
    // rows, on setval, inside its transaction.
    c.psql(
        DB,
        "SET ROLE asterisk; CREATE TABLE shared_counter (id serial PRIMARY KEY, v text); \
         ALTER SEQUENCE shared_counter_id_seq MAXVALUE 5",
    );
    c.psql(
        "xivo",
        "SET ROLE xivo; CREATE TABLE shared_counter (id serial PRIMARY KEY, v text); \
         INSERT INTO shared_counter (v) VALUES ('a'), ('b'); SELECT setval('shared_counter_id_seq', 100)",
    );
    let before = legacy_state(&c);
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("shared_counter_id_seq") && last.contains("out of bounds"),
        "{}",
        r.stderr
    );
    assert!(
        last.contains("rolled back"),
        "says what it left: {}",
        r.stderr
    );
    assert_eq!(
        legacy_state(&c),
        before,
        "both databases, their connection limits and the state files as before"
    );
}

/// Run `bin` with the PostgreSQL 15 client programs hidden (a private mount
/// namespace: an empty directory over /usr/lib/postgresql/15/bin), as on a
/// host where postgresql-client-15 was removed but pg_wrapper is left.
fn run_without_pg_client(c: &Cluster, bin: &str) -> Run {
    let empty = c.dir.join("empty-bin");
    std::fs::create_dir_all(&empty).expect("empty dir");
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "sh", "-c"])
        .arg(format!(
            "mount --bind {} {} && exec \"$0\"",
            empty.display(),
            common::PG_BIN
        ))
        .arg(common::bin_path(bin))
        .env("XIVO_MANAGE_DB_CONFIG", c.config_path())
        .env_remove("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR")
        .stdin(Stdio::null());
    Run::from(cmd.output().expect("unshare"))
}

#[test]
fn pg_dump_missing_exits_2_before_anything_is_attempted() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    let before = legacy_state(&c);
    let r = run_without_pg_client(&c, "xivo-update-db");
    r.assert_code(2);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("pg_dump") && last.contains("nothing changed"),
        "{}",
        r.stderr
    );
    assert_eq!(legacy_state(&c), before);
}

#[test]
fn a_lock_file_that_cannot_be_opened_exits_2() {
    let c = Cluster::start();
    // A directory where the lock file should be: open(2) fails with EISDIR.
    let lock = c.state_dir().join("lock");
    std::fs::create_dir_all(&lock).expect("mkdir");
    for (bin, args) in [
        ("xivo-update-db", &[][..]),
        ("xivo-init-db", &["--init"][..]),
    ] {
        let r = c.run(bin, args, None);
        assert_eq!(r.code, 2, "{bin}: {r:?}");
        assert!(
            r.stderr.contains(&lock.display().to_string()) && r.stderr.contains("lock file"),
            "{bin}: {}",
            r.stderr
        );
    }
    assert!(!c.exists(DB), "nothing provisioned");
}

/// Restart `c` with `lines` added to its postgresql.conf.
fn reconfigure(c: &Cluster, lines: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(c.data().join("postgresql.conf"))
        .expect("postgresql.conf");
    std::io::Write::write_all(&mut f, format!("\n{lines}\n").as_bytes()).expect("conf");
    c.stop();
    c.pg_ctl_start();
}

#[test]
fn drop_losing_the_race_to_a_new_user_of_the_database_is_refused_with_1() {
    let c = Cluster::start();
    reconfigure(&c, "max_prepared_transactions = 2");
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    // A prepared transaction holds the database without being a session:
    // the session check passes and DROP DATABASE then finds the database in
    // use, as when a client connects between the check and the DROP.
    c.psql(
        DB,
        "BEGIN; CREATE TABLE held (id int); PREPARE TRANSACTION 'held_by_test'",
    );
    let r = c.run("xivo-init-db", &["--drop"], None);
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("'asterisk'") && last.contains("nothing dropped") && last.contains("retry"),
        "{}",
        r.stderr
    );
    assert!(c.exists(DB) && c.role_exists("asterisk"), "nothing dropped");
    c.psql(DB, "ROLLBACK PREPARED 'held_by_test'");
    c.run("xivo-init-db", &["--drop"], None).assert_code(0);
    assert!(!c.exists(DB) && !c.role_exists("asterisk"));
}

#[test]
fn a_failed_non_transactional_migration_does_not_claim_a_rollback() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    c.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event) VALUES \
         ('2014-06-01 10:00:00.000000', 'c1', 'q', 'Agent/1', 'CONNECT'), \
         ('2014-06-01 10:00:01.000000', 'c2', 'q', 'Agent/1', 'CONNECT')",
    );
    // Fails on the duplicate, and leaves an invalid index behind: what a
    // non-transactional migration did is not rolled back.
    let set = MigrationsDir::copy_of_repo();
    std::fs::write(
        set.path.join("versions/c0ffee000001_test.sql"),
        format!(
            "-- revision: c0ffee000001\n-- down_revision: {}\n-- message: unique queue names\n-- transactional: false\n\n\
             CREATE UNIQUE INDEX CONCURRENTLY queue_log_unique_queuename ON queue_log (queuename);\n",
            repo_head()
        ),
    )
    .expect("write version");
    let r = c.run("xivo-update-db", &[], Some(&set.path));
    r.assert_code(1);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(last.contains("c0ffee000001"), "{}", r.stderr);
    assert!(!last.contains("rolled back"), "claims a rollback: {last}");
    assert!(
        last.contains("outside a transaction") && last.contains("xivo-update-db"),
        "says what stays and what to do: {last}"
    );
    assert_eq!(
        c.psql(
            DB,
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'queue_log_unique_queuename'::regclass"
        ),
        "f",
        "the failed CREATE INDEX CONCURRENTLY left its invalid index"
    );
}

// ---------------------------------------------------------------- item 13

/// Run `bin args` with stdout on a pipe whose reader has already gone.
fn run_into_closed_pipe(c: &Cluster, bin: &str, args: &[&str]) -> Run {
    let (reader, writer) = nix::unistd::pipe().expect("pipe");
    drop(reader);
    let out = c
        .cmd(bin)
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    Run::from(out)
}

#[test]
fn a_closed_stdout_ends_the_listings_quietly() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    for args in [
        &["replication-exclusions"][..],
        &["migrations"][..],
        &["history"][..],
        &["show", "baseline.sql"][..],
    ] {
        let r = run_into_closed_pipe(&c, "xivo-manage-db", args);
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
        assert_eq!(r.stderr, "", "{args:?}: quiet");
    }
    // As an administrator types it.
    let r = Run::from(
        Command::new("bash")
            .arg("-c")
            .arg("\"$0\" replication-exclusions | head -1; exit ${PIPESTATUS[0]}")
            .arg(common::bin_path("xivo-manage-db"))
            .env("XIVO_MANAGE_DB_CONFIG", c.config_path())
            .stdin(Stdio::null())
            .output()
            .expect("bash"),
    );
    r.assert_code(0);
    assert_eq!(r.stdout.lines().count(), 1, "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
}

#[test]
fn a_closed_stdout_neither_aborts_a_change_nor_hides_a_verdict() {
    let c = Cluster::start();
    let r = run_into_closed_pipe(&c, "xivo-init-db", &["--init"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
    assert_eq!(c.revisions(DB), repo_head(), "provisioned to the end");
    let r = run_into_closed_pipe(&c, "xivo-check-db", &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let (older, _) = older_set();
    let older_db = Cluster::start();
    older_db
        .run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    let r = run_into_closed_pipe(&older_db, "xivo-check-db", &[]);
    assert_eq!(r.code, 1, "the verdict is kept: {r:?}");
    let r = run_into_closed_pipe(&older_db, "xivo-update-db", &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(older_db.revisions(DB), repo_head(), "updated to the end");
}

// ---------------------------------------------------------------- item 14

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn warnings_about(r: &Run, path: &Path) -> Vec<String> {
    r.stderr
        .lines()
        .filter(|l| l.contains("warning") && l.contains(&path.display().to_string()))
        .map(String::from)
        .collect()
}

#[test]
fn a_config_holding_a_secret_readable_by_others_is_warned_about() {
    let h = Host::new();
    let c = &h.c;
    let path = c.config_path();
    let base = std::fs::read_to_string(&path).expect("config");
    let fix = format!("chmod 640 {}", path.display());
    let secret_uri = base.replacen(
        &format!("ADMIN_URI='{}'", c.admin_uri()),
        &format!("ADMIN_URI='{} password=Uri-Secret-7'", c.admin_uri()),
        1,
    );
    assert_ne!(secret_uri, base);
    for (text, secret) in [
        (format!("{base}DB_PASSWORD='Pa55-Secret'\n"), "Pa55-Secret"),
        (secret_uri, "Uri-Secret-7"),
    ] {
        std::fs::write(&path, &text).expect("config");
        chmod(&path, 0o644);
        // status reads the config twice: one warning each all the same.
        for (what, r) in [
            ("xivo-check-db", c.run("xivo-check-db", &[], None)),
            (
                "xivo-manage-db status",
                c.run("xivo-manage-db", &["status"], None),
            ),
            (
                // Reads the config (no database yet: nothing else to do).
                "preinst upgrade",
                h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None),
            ),
        ] {
            let w = warnings_about(&r, &path);
            assert_eq!(w.len(), 1, "{what}: one warning: {r:?}");
            assert!(
                w[0].contains(&fix) && w[0].contains("readable"),
                "{what}: {}",
                w[0]
            );
            assert!(
                !r.stderr.contains(secret) && !r.stdout.contains(secret),
                "{what}: {r:?}"
            );
        }
        chmod(&path, 0o640);
        let r = c.run("xivo-check-db", &[], None);
        assert!(warnings_about(&r, &path).is_empty(), "0640: {r:?}");
    }
    // No secret in it: readable by all is fine.
    std::fs::write(&path, &base).expect("config");
    chmod(&path, 0o644);
    let r = c.run("xivo-check-db", &[], None);
    assert!(warnings_about(&r, &path).is_empty(), "no secret: {r:?}");
}

#[test]
fn the_package_installs_the_config_unreadable_by_others() {
    assert!(
        Path::new("/usr/bin/dh_fixperms").exists(),
        "debhelper is needed for this test: apt-get install debhelper"
    );
    // dh_install then the package's own dh_fixperms step (debian/rules), in
    // a scratch copy of the packaging.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = std::env::temp_dir().join(format!("xmdb-{}-rules", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch");
    let copy = Command::new("cp")
        .arg("-a")
        .arg(root.join("debian"))
        .arg(root.join("migrations"))
        .arg(&scratch)
        .status()
        .expect("cp");
    assert!(copy.success());
    let make = |target: &str| {
        let out = Command::new("make")
            .args(["-f", "debian/rules", target])
            .current_dir(&scratch)
            .env("DH_VERBOSE", "1")
            .stdin(Stdio::null())
            .output()
            .expect("make");
        assert!(
            out.status.success(),
            "{target}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let install = Command::new("dh_install")
        .current_dir(&scratch)
        .status()
        .expect("dh_install");
    assert!(install.success());
    make("override_dh_fixperms");
    let installed = scratch.join("debian/xivo-manage-db/etc/xivo-manage-db/config");
    let meta = std::fs::metadata(&installed).expect("installed config");
    use std::os::unix::fs::MetadataExt;
    let (mode, uid, gid) = (meta.mode() & 0o7777, meta.uid(), meta.gid());
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(
        (mode, uid, gid),
        (0o640, 0, 0),
        "mode {mode:o}, owner {uid}:{gid}"
    );
}

// ---------------------------------------------------------------- item 17

fn standard_conforming_strings_off(c: &Cluster) {
    reconfigure(c, "standard_conforming_strings = off");
    assert_eq!(
        c.psql("postgres", "SHOW standard_conforming_strings"),
        "off"
    );
}

const TRICKY: [&str; 7] = [
    "it's",
    "C:\\new\\table",
    "\\'; SELECT 'injected",
    "\\\\",
    "ends with \\",
    "'",
    "O'Brien's \\PBX\\ \\'x'",
];

#[test]
fn quote_literal_is_safe_when_standard_conforming_strings_is_off() {
    let c = Cluster::start();
    standard_conforming_strings_off(&c);
    for text in TRICKY {
        let literal = xivo_manage_db::pg::quote_literal(text);
        let out = c
            .psql_cmd("postgres", &format!("SELECT {literal}"))
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{text:?} quoted as {literal}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end_matches('\n'),
            text,
            "quoted as {literal}"
        );
    }
}

#[test]
fn a_rollback_restores_a_database_comment_with_backslashes_and_quotes() {
    let c = Cluster::start();
    standard_conforming_strings_off(&c);
    let h = Host::on(c);
    let (older, _) = older_set();
    h.c.run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    // Dollar quoting: the comment as the database owner may write it.
    let comment = TRICKY[6];
    h.c.psql(
        DB,
        &format!("COMMENT ON DATABASE asterisk IS $c${comment}$c$"),
    );
    h.start_services();
    let read = || {
        h.c.psql(
            "postgres",
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'asterisk'",
        )
    };
    assert_eq!(read(), comment);
    let broken = MigrationsDir::copy_of_repo();
    add_version(&broken.path, "fa11ed000017", &repo_head(), "SELECT 1/0;");
    h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&broken.path),
    )
    .assert_code(0);
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert!(r.stderr.contains("restored from snapshot"), "{}", r.stderr);
    assert_eq!(read(), comment, "the comment as it was");
    assert_no_leftovers(&h);
}

#[test]
fn a_sequence_named_with_a_backslash_and_a_quote_is_merged() {
    let c = Cluster::start();
    standard_conforming_strings_off(&c);
    c.make_1407_host(Host1407::default());
    // A name role xivo chose.
    c.psql(
        "xivo",
        "SET ROLE xivo; CREATE SEQUENCE \"odd\\'seq\"; \
         SELECT setval(oid, 42) FROM pg_class WHERE relname = $n$odd\\'seq$n$",
    );
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert_eq!(
        c.psql(
            DB,
            "SELECT last_value FROM pg_sequences WHERE sequencename = $n$odd\\'seq$n$"
        ),
        "42"
    );
}

// ---------------------------------------------------------------- item 22

#[test]
fn permission_denied_on_the_socket_is_an_error_not_a_cluster_down() {
    let h = older_host();
    let socket = h.c.dir.join(format!(".s.PGSQL.{}", h.c.port));
    assert!(socket.exists(), "{}", socket.display());
    // The server runs, but its socket refuses the connecting user.
    chmod(&socket, 0o000);
    let hook = |name: &str, args: &[&str]| h.hook(name, args, None);
    let results = [
        (
            "preinst upgrade",
            hook("preinst", &["upgrade", "14.7.0", "14.8.0"]),
        ),
        (
            "postinst configure",
            hook("postinst", &["configure", "14.7.0"]),
        ),
        ("xivo-update-db", h.c.run("xivo-update-db", &[], None)),
    ];
    chmod(&socket, 0o777);
    for (what, r) in &results {
        assert_eq!(r.code, 2, "{what}: {r:?}");
        let last = r.stderr.lines().last().unwrap_or_default();
        assert!(last.contains("Permission denied"), "{what}: {}", r.stderr);
        assert!(!r.stderr.contains("skipped"), "{what}: {}", r.stderr);
    }
    assert_eq!(h.actions(), "", "nothing stopped");
    assert_eq!(sorted(h.running()), running_set());
    // The same host with no server at all is still "down": skipped, exit 0.
    h.c.stop();
    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert!(r.stderr.contains("database step skipped"), "{}", r.stderr);
}

/// Every man page's date and source are the package's: the date of the
/// newest debian/changelog entry and its version (they drifted apart once:
/// "2014-08" beside a changelog of 2026), and each page is installed.
#[test]
fn man_pages_carry_the_changelog_date_and_version() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let changelog = std::fs::read_to_string(root.join("debian/changelog")).expect("changelog");
    let first = changelog.lines().next().expect("an entry");
    let version = first
        .split_once('(')
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(v, _)| v)
        .expect("a version");
    let trailer = changelog
        .lines()
        .find(|l| l.starts_with(" -- "))
        .expect("a trailer line");
    let stamp = trailer.split("  ").last().expect("a date").trim();
    let out = std::process::Command::new("date")
        .args(["-u", "-d", stamp, "+%Y-%m-%d"])
        .output()
        .expect("date");
    assert!(out.status.success(), "date -d '{stamp}'");
    let date = String::from_utf8(out.stdout)
        .expect("utf8")
        .trim()
        .to_string();
    let rules = std::fs::read_to_string(root.join("debian/rules")).expect("rules");
    let mut pages = 0;
    for e in std::fs::read_dir(root.join("debian/man")).expect("debian/man") {
        let path = e.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("page");
        let th = text.lines().find(|l| l.starts_with(".TH ")).expect(".TH");
        assert!(
            th.contains(&format!("\"{date}\""))
                && th.contains(&format!("\"xivo-manage-db {version}\"")),
            "{name}: {th} (want date {date}, source xivo-manage-db {version})"
        );
        // Section 8 pages are installed through COMMANDS, others by name.
        let installed = match name.strip_suffix(".8") {
            Some(command) => rules
                .lines()
                .find(|l| l.starts_with("COMMANDS :="))
                .is_some_and(|l| l.split_whitespace().any(|w| w == command)),
            None => rules.contains(&format!("debian/man/{name}")),
        };
        assert!(installed, "{name} is not installed by debian/rules");
        pages += 1;
    }
    assert_eq!(
        pages, 5,
        "the four commands' pages and the configuration file's"
    );
}

/// ARCHITECTURE.md names every page of docs/ (it once listed 4 of 8).
#[test]
fn architecture_names_every_doc() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut missing = Vec::new();
    for e in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && !map.contains(&format!("`{name}`")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name docs/{missing:?}"
    );
}

/// tests/README.md describes every test file (it once missed three).
#[test]
fn the_tests_readme_describes_every_test_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("tests/README.md")).expect("tests/README.md");
    let mut missing = Vec::new();
    for e in std::fs::read_dir(root.join("tests")).expect("tests/") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") && !readme.contains(&format!("| `{name}` |")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "tests/README.md does not describe {missing:?}"
    );
}

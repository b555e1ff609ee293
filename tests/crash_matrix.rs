//! The crash matrix: every failpoint of the code base (found by scanning
//! src/ for `fail_point!("...")`, so a new one is covered without touching
//! this file) crashes every upgrade path that reaches it, then the next run
//! must converge: exit 0, `xivo-check-db` OK, the schema, database
//! settings and owner role of a clean run, the rows as multisets over the
//! fixture's columns (no fixture row lost or doubled, as many added as a
//! clean run adds), no `xivo`
//! database or role, no snapshot, no record, no stopped-services file, no
//! state file of a run at work (14.07 files, merge-xivo-connlimit,
//! rollback/), the services running.
//!
//! Paths (one fixture each, made once, its cluster directory copied per case):
//! - `14.07`: a filled 14.07 host, `preinst upgrade` + `postinst configure`;
//! - `fresh`: no database, `postinst configure` provisions;
//! - `new-system`: a database at the head before this package's, upgraded
//!   to the shipped set plus the test-only branches on top of it
//!   (`common::engine_set`: a non-transactional migration and a merge
//!   revision), so that the points of a non-transactional migration are
//!   reached whatever the shipped set's shape;
//! - `failed`: the 14.07 host with a migration that fails after the merge:
//!   the hook rolls back to its snapshot. It runs only the points a clean
//!   14.07 upgrade does not reach (the rollback and what follows it); the
//!   next run is the fixed package (`dpkg --configure -a`);
//! - `merge-failed`: the same with the last 14.07 script failing, inside the
//!   merge's transaction (xivo is reopened); only the points no other path
//!   reaches.
//! - `update-db`: the 14.07 host upgraded by `xivo-update-db` (no snapshot,
//!   so role `xivo` goes in the same run as the state files); the cleanup's
//!   points only; the next run is `xivo-update-db` again.
//! - `prepare`: the 14.07 host, `xivo-manage-db queue-log prepare` crashed,
//!   then the upgrade; its own points only (the 14.07 path reaches them too,
//!   in preinst's online step);
//! - `restore`: `xivo-manage-db restore` of a backup of `new-system`'s
//!   database one row short, its own points (panic and kill); the next run
//!   is `xivo-update-db`; it converges to the whole backup or the whole
//!   database as it was (upgraded), never a mix.
//!
//! - `replicate`, its own test: `xivo-manage-db replicate` from a master to
//!   a slave cluster, its own points (panic and kill); the slave is exactly
//!   as it was, or exactly the master's copy after the COMMIT, the master
//!   unchanged, and the next run converges.
//!
//! The crash is `panic` (unwinds: destructors run) on every path, and also
//! `kill` (a real SIGKILL at the point, src/failpoints.rs) on `failed`,
//! in the middle of the rollback, and on `restore`. A crash in `preinst` is
//! followed by what dpkg does, `preinst abort-upgrade`, then the whole
//! upgrade again; a crash in `postinst` by `postinst configure` again. A
//! clean run of each path, traced (`FAILPOINTS_TRACE`), tells which points
//! the path reaches: the others are "not reached" there, and a point no
//! path reaches fails the test (a dead failpoint). Cases run two at a time.
//!
//! Also here, as it needs a failpoint: the one test with `fsync = on` and a
//! real crash (cluster stopped `immediate`, hook SIGKILLed) after the
//! merge's commit.
//!
//! Needs `--features failpoints` (Cargo.toml makes it a required feature:
//! without it the target is not built, and `cargo test --test
//! crash_matrix` fails); scripts/test runs it as its own step.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use common::host::{Host, DB};
use common::{
    engine_set, missing_rows, older_set, repo_head, Cluster, Host1407, MigrationsDir, Rows, Run,
    ENGINE_MERGE,
};

const LEGACY: &str = "xivo";
/// The services each host runs, and must run again at the end. Not
/// dbclient: its session costs every hook the 5 s grace before sessions
/// are ended, and tests/hooks_* cover sessions.
const RUNNING: [&str; 2] = ["pbx-a", "pbx-b"];

/// Every failpoint named in src/, from the source text (comments aside).
fn failpoints_in_source() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).expect("read src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("read source");
                for line in text.lines() {
                    if line.trim_start().starts_with("//") {
                        continue;
                    }
                    let mut rest = line;
                    while let Some(i) = rest.find("fail_point!(\"") {
                        rest = &rest[i + "fail_point!(\"".len()..];
                        let end = rest.find('"').expect("closing quote of a failpoint name");
                        out.insert(rest[..end].to_string());
                        rest = &rest[end..];
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    Legacy,
    Fresh,
    NewSystem,
    Failed,
    MergeFailed,
    UpdateDb,
    Restore,
    Prepare,
}

/// In this order: `restore` needs `new-system`'s clean run.
const WAYS: [Way; 8] = [
    Way::Legacy,
    Way::Fresh,
    Way::NewSystem,
    Way::Failed,
    Way::MergeFailed,
    Way::UpdateDb,
    Way::Restore,
    Way::Prepare,
];

impl Way {
    fn name(self) -> &'static str {
        match self {
            Way::Legacy => "14.07",
            Way::Fresh => "fresh",
            Way::NewSystem => "new-system",
            Way::Failed => "failed",
            Way::MergeFailed => "merge-failed",
            Way::UpdateDb => "update-db",
            Way::Restore => "restore",
            Way::Prepare => "prepare",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crash {
    Panic,
    Kill,
}

impl Crash {
    fn action(self) -> &'static str {
        match self {
            Crash::Panic => "panic",
            Crash::Kill => "kill",
        }
    }
}

/// A cluster directory to copy, stopped, and what it held.
struct Fixture {
    cluster: Cluster,
    rows: Rows,
    /// `Cluster::database_settings` of `asterisk` and the owner role's line
    /// of `Host::roles` (empty on `fresh`): what `set_non_defaults` set up.
    settings: String,
    owner_role: String,
}

/// What a clean run of a path ends with, and every case of it must too.
struct Clean {
    schema: String,
    settings: String,
    owner_role: String,
    state_files: Vec<String>,
    /// The rows of the fixture's tables over the fixture's columns, sorted:
    /// the fixture's plus those the migrations add.
    rows: BTreeMap<String, Vec<String>>,
    /// `restore`: the rows of the database as it was (upgraded: a
    /// `new-system` clean run's). A killed restore converges to either, the
    /// whole backup or the whole database it replaces, never to a mix.
    or_rows: Option<BTreeMap<String, Vec<String>>>,
}

struct Fixtures {
    legacy: Fixture,
    fresh: Fixture,
    new_system: Fixture,
    /// The real set plus a migration that fails after the merge.
    broken: MigrationsDir,
    /// The real set plus one that fails inside the merge's transaction.
    broken_merge: MigrationsDir,
    /// `pg_dump -Fc` of `new-system`'s database, one queue_log row short
    /// of it (what `restore` restores).
    backup: std::path::PathBuf,
    /// The package of `new-system`: the real set plus the test-only
    /// branches (`common::engine_set`).
    engine: MigrationsDir,
}

impl Fixtures {
    /// The migrations of the first attempt (`None`: the package's own).
    fn first_migrations(&self, way: Way) -> Option<&Path> {
        match way {
            Way::Failed => Some(self.broken.path.as_path()),
            Way::MergeFailed => Some(self.broken_merge.path.as_path()),
            _ => self.fixed_migrations(way),
        }
    }

    /// The migrations of the fixed package, which runs after the crash or
    /// the failure (`None`: the package's own).
    fn fixed_migrations(&self, way: Way) -> Option<&Path> {
        match way {
            Way::NewSystem => Some(self.engine.path.as_path()),
            _ => None,
        }
    }

    /// The head the fixed package ends at.
    fn head(&self, way: Way) -> String {
        match way {
            Way::NewSystem => ENGINE_MERGE.to_string(),
            _ => repo_head(),
        }
    }

    /// What the first attempt of a failing path fails with.
    fn fails_with(&self, way: Way) -> Option<&'static str> {
        match way {
            Way::Failed => Some("division by zero"),
            Way::MergeFailed => Some("fails in the merge"),
            _ => None,
        }
    }

    fn of(&self, way: Way) -> &Fixture {
        match way {
            Way::Legacy | Way::Failed | Way::MergeFailed | Way::UpdateDb | Way::Prepare => {
                &self.legacy
            }
            Way::Fresh => &self.fresh,
            Way::NewSystem | Way::Restore => &self.new_system,
        }
    }
}

/// Rows of both 14.07 databases (both end up in `asterisk`), less
/// provisioning.net4_ip_rest (a value the merge may rewrite).
fn rows_1407(c: &Cluster) -> Rows {
    let mut rows = all_rows(c, DB);
    for (table, (columns, xivo_rows)) in all_rows(c, LEGACY) {
        let entry = rows
            .entry(table.clone())
            .or_insert_with(|| (columns.clone(), Vec::new()));
        assert_eq!(entry.0, columns, "{table} in both 14.07 databases");
        entry.1.extend(xivo_rows);
    }
    common::without_column(&mut rows, "public.provisioning", "net4_ip_rest");
    rows
}

fn make_fixtures() -> Fixtures {
    let legacy = Cluster::start();
    legacy.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 300,
        ..Default::default()
    });
    // What pg_dump --schema-only does not show must come through too.
    legacy.set_non_defaults(DB, "asterisk");
    legacy.set_non_defaults(LEGACY, LEGACY);
    // Privileges the merge carries over (merge.each_grant).
    legacy.psql(
        LEGACY,
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC",
    );
    let legacy_rows = rows_1407(&legacy);
    let legacy_settings = (legacy.database_settings(DB), owner_role_of(&legacy));
    legacy.stop();

    let fresh = Cluster::start();
    fresh.stop();

    let new_system = Cluster::start();
    let (older, older_head) = older_set();
    new_system
        .run("xivo-init-db", &["--init"], Some(&older.path))
        .assert_code(0);
    assert_eq!(new_system.revisions(DB), older_head);
    new_system.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event) \
         VALUES ('2014-06-01 10:00:00.000000', 'c1', 'q', 'Agent/1', 'CONNECT')",
    );
    new_system.set_non_defaults(DB, "asterisk");
    let backup = new_system.dir.join("backup.dump");
    let mut dump = common::as_owner(format!("{}/pg_dump", common::PG_BIN));
    dump.args(["-Fc", "-h"])
        .arg(&new_system.dir)
        .args([
            "-p",
            &new_system.port.to_string(),
            "-U",
            &common::owner().name,
            "-f",
        ])
        .arg(&backup)
        .arg(DB);
    assert!(dump.status().expect("pg_dump").success(), "pg_dump");
    // A row the backup has not: restored or not, the rows tell.
    new_system.psql(
        DB,
        "INSERT INTO queue_log (time, callid, queuename, agent, event) \
         VALUES ('2014-06-02 10:00:00.000000', 'c2', 'q', 'Agent/2', 'CONNECT')",
    );
    let new_rows = all_rows(&new_system, DB);
    let new_settings = (new_system.database_settings(DB), owner_role_of(&new_system));
    new_system.stop();

    let broken = MigrationsDir::copy_of_repo();
    std::fs::write(
        broken.path.join("versions/fa11ed000004_test.sql"),
        format!(
            "-- revision: fa11ed000004\n-- down_revision: {}\n-- message: fails alone\n\
             -- transactional: false\n\nSELECT 1/0;\n",
            repo_head()
        ),
    )
    .expect("write the failing version");
    // The last 14.07 script fails: it runs in the merge's own transaction,
    // after xivo was closed, so the merge itself fails and xivo reopens.
    let broken_merge = MigrationsDir::copy_of_repo();
    let last = broken_merge.path.join("legacy/xivo-009.sql");
    let mut sql = std::fs::read_to_string(&last).expect("read xivo-009.sql");
    sql.push_str("\nDO $$ BEGIN RAISE EXCEPTION 'fails in the merge'; END $$;\n");
    std::fs::write(&last, sql).expect("write xivo-009.sql");
    Fixtures {
        legacy: Fixture {
            cluster: legacy,
            rows: legacy_rows,
            settings: legacy_settings.0,
            owner_role: legacy_settings.1,
        },
        fresh: Fixture {
            cluster: fresh,
            rows: Rows::new(),
            settings: String::new(),
            owner_role: String::new(),
        },
        new_system: Fixture {
            cluster: new_system,
            rows: new_rows,
            settings: new_settings.0,
            owner_role: new_settings.1,
        },
        broken,
        broken_merge,
        engine: engine_set(),
        backup,
    }
}

/// A running copy of a fixture's cluster (data and state directory), with
/// the services started.
fn host_from(fx: &Fixture) -> Host {
    static N: AtomicU32 = AtomicU32::new(0);
    let src = &fx.cluster.dir;
    let n = N.fetch_add(1, Ordering::SeqCst);
    // Named like tests/common's directories, so that a killed run's are swept.
    let dir = src
        .parent()
        .expect("parent")
        .join(format!("xmdb-{}-crash{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("case dir");
    let cp = |what: &str| {
        let mut c = common::as_owner("cp");
        c.arg("-a").arg(src.join(what)).arg(dir.join(what));
        let out = c.output().expect("cp");
        assert!(out.status.success(), "cp {what}: {out:?}");
    };
    let mut chown = Command::new("chown");
    chown
        .arg(format!("{}:", common::owner().name))
        .arg(&dir)
        .status()
        .expect("chown");
    cp("data");
    cp("state");
    let c = Cluster {
        dir,
        port: 30000 + n as u16,
    };
    c.pg_ctl_start();
    let h = Host::on(c);
    h.start_only(&RUNNING);
    h
}

/// What a case came to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Converged,
    NotReached,
    /// Reached, but left out by XMDB_CRASH_ONLY.
    NotRun,
    LostRows(String),
    NotConverged(String),
}

impl Outcome {
    fn cell(&self) -> &'static str {
        match self {
            Outcome::Converged => "converged",
            Outcome::NotReached => "not reached",
            Outcome::NotRun => "not run",
            Outcome::LostRows(_) => "LOST ROWS",
            Outcome::NotConverged(_) => "NOT CONVERGED",
        }
    }
}

fn verbose(what: &str) {
    if std::env::var_os("XMDB_CRASH_VERBOSE").is_some() {
        eprintln!("{what}");
    }
}

fn show(what: &str, r: &Run) -> String {
    // XMDB_CRASH_VERBOSE=1: every run's whole stderr, for working on a case.
    if std::env::var_os("XMDB_CRASH_VERBOSE").is_some() {
        eprintln!("----- {what}: exit {}\n{}", r.code, r.stderr);
    }
    format!(
        "{what}: exit {}\n--- stderr:\n{}",
        r.code,
        r.stderr
            .lines()
            .rev()
            .take(15)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// The hooks of `way`'s upgrade, with `env` (the crash) on each, until one
/// fails: the runs, and whether preinst was the one.
fn upgrade(
    h: &Host,
    fxs: &Fixtures,
    way: Way,
    env: &[(&str, String)],
    migrations: Option<&Path>,
) -> (Vec<(String, Run)>, bool) {
    let hook = |name: &str, args: &[&str]| {
        let mut c = h.hook_cmd(name, args, migrations);
        for (k, v) in env {
            c.env(k, v);
        }
        common::host::finish(c.spawn().expect("spawn hook"))
    };
    let mut runs = Vec::new();
    if way == Way::Prepare && !env.is_empty() {
        // The administrator's step before the upgrade, the one crashed.
        let mut c = h.c.cmd("xivo-manage-db");
        c.args(["queue-log", "prepare"]);
        let r = Run::from(with_env(h, c, env).output().expect("queue-log prepare"));
        let failed = r.code != 0;
        runs.push(("queue-log prepare".to_string(), r));
        if failed {
            return (runs, false);
        }
    }
    if way == Way::UpdateDb {
        runs.push(("xivo-update-db".to_string(), update_db(h, env)));
        return (runs, false);
    }
    if way == Way::Restore {
        let mut c = h.c.cmd("xivo-manage-db");
        c.arg("restore").arg(&fxs.backup);
        runs.push((
            "restore".to_string(),
            Run::from(with_env(h, c, env).output().expect("restore")),
        ));
        return (runs, false);
    }
    let pre = match way {
        Way::Fresh => hook("preinst", &["install"]),
        _ => hook("preinst", &["upgrade", "14.7.0", "14.8.0"]),
    };
    let pre_failed = pre.code != 0;
    runs.push(("preinst".to_string(), pre));
    if pre_failed {
        return (runs, true);
    }
    let post = match way {
        Way::Fresh => hook("postinst", &["configure"]),
        _ => hook("postinst", &["configure", "14.7.0"]),
    };
    runs.push(("postinst".to_string(), post));
    (runs, false)
}

/// `xivo-update-db`, as the administrator runs it, with `env`.
fn update_db(h: &Host, env: &[(&str, String)]) -> Run {
    let mut c = with_env(h, h.c.cmd("xivo-update-db"), env);
    Run::from(c.output().expect("run xivo-update-db"))
}

/// A command with the services' environment and `env`.
fn with_env(h: &Host, mut c: Command, env: &[(&str, String)]) -> Command {
    c.env("XMDB_SVC_DIR", &h.svc)
        .env("XMDB_SVC_PGHOST", &h.c.dir)
        .env("XMDB_SVC_PGPORT", h.c.port.to_string());
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// The owner's line of `Host::roles` (attributes, password hash,
/// memberships, `ALTER ROLE ... SET`), or "" when it does not exist.
fn owner_role(h: &Host) -> String {
    owner_role_of(&h.c)
}

fn owner_role_of(c: &Cluster) -> String {
    common::host::roles_of(c)
        .lines()
        .find(|l| l.starts_with("asterisk|"))
        .unwrap_or_default()
        .to_string()
}

/// The owner role's line, but for its password hash when the fixture has
/// no such role (`fresh`): provisioning creates it, with a new salt each run.
fn without_hash(role: &str, fx: &Fixture) -> String {
    if !fx.owner_role.is_empty() {
        return role.to_string();
    }
    let mut fields: Vec<&str> = role.split('|').collect();
    if fields.len() > 10 {
        fields[10] = "(hash)";
    }
    fields.join("|")
}

/// The files under $STATE_DIR, relative, lock file aside.
fn state_file_names(h: &Host) -> Vec<String> {
    let root = format!("{}/", h.c.state_dir().display());
    h.state_files()
        .into_iter()
        .map(|(p, _)| p.strip_prefix(&root).unwrap_or(&p).to_string())
        .collect()
}

/// What the package writes under $STATE_DIR while it works, and must be
/// gone once a run converged: the 14.07 state files (removed by the
/// cleanup), the limit `xivo` had during the merge, the snapshot's copy of
/// the state files, a restore's record, and any half-written file.
fn leftover_state_file(name: &str) -> bool {
    name == "update-db/asterisk-last"
        || name == "update-db/xivo-last"
        || name == "merge-xivo-connlimit"
        || name == "restore-record"
        || name.starts_with("rollback/")
        || name.ends_with(".tmp")
}

/// What every path must end in; `None` when it did.
fn check_converged(h: &Host, fxs: &Fixtures, way: Way, clean: &Clean) -> Option<Outcome> {
    let fx = fxs.of(way);
    let mut problems = Vec::new();
    let check = h.c.run("xivo-check-db", &[], fxs.fixed_migrations(way));
    if check.code != 0 {
        problems.push(show("xivo-check-db", &check));
    }
    let head = fxs.head(way);
    if h.c.revisions(DB) != head {
        problems.push(format!("at revision {}, not {head}", h.c.revisions(DB)));
    }
    let now = h.c.schema(DB);
    if now != clean.schema {
        problems.push(format!(
            "schema differs from a clean run's: {}",
            common::first_difference(&clean.schema, &now)
        ));
    }
    // What pg_dump --schema-only leaves out: the non-default settings the
    // fixture set up, the same as a clean run's (which kept the fixture's:
    // `clean_run`).
    let settings = h.c.database_settings(DB);
    if settings != clean.settings {
        problems.push(format!(
            "database settings differ from a clean run's:\n  {settings}\n  {}",
            clean.settings
        ));
    }
    let role = owner_role(h);
    if without_hash(&role, fx) != without_hash(&clean.owner_role, fx) {
        problems.push(format!(
            "owner role differs from a clean run's:\n  {role}\n  {}",
            clean.owner_role
        ));
    }
    if h.c.exists(LEGACY) || h.c.role_exists(LEGACY) {
        problems.push("database or role 'xivo' left".into());
    }
    let restores = h.c.psql(
        "postgres",
        "SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'xivo\\_manage\\_db\\_restore\\_%'",
    );
    if !restores.is_empty() {
        problems.push(format!("restore databases left: {restores}"));
    }
    if !h.snapshots().is_empty() {
        problems.push(format!("snapshots left: {:?}", h.snapshots()));
    }
    if let Some(r) = h.record() {
        problems.push(format!("record left: {r:?}"));
    }
    if h.c.state_dir().join("stopped-services").exists() {
        problems.push("stopped-services left".into());
    }
    let files = state_file_names(h);
    let left: Vec<&String> = files.iter().filter(|f| leftover_state_file(f)).collect();
    if !left.is_empty() {
        problems.push(format!("state files left: {left:?}"));
    }
    if files != clean.state_files {
        problems.push(format!(
            "state files {files:?}, a clean run's {:?}",
            clean.state_files
        ));
    }
    let want: Vec<String> = RUNNING.iter().map(|s| s.to_string()).collect();
    if common::host::sorted(h.running()) != want {
        problems.push(format!(
            "services running: {:?}, want {want:?}",
            h.running()
        ));
    }
    // Multisets: a fixture row missing is LOST ROWS; a fixture row twice
    // (as a copy or a merge done again makes it), or more or fewer rows
    // added than a clean run adds, is NOT CONVERGED.
    let mut lost = Vec::new();
    let now = sorted_rows(rows_over(&h.c, &fx.rows));
    if let Some(was) = &clean.or_rows {
        let tables = |rows: &BTreeMap<String, Vec<String>>| -> BTreeMap<String, Vec<String>> {
            rows.iter()
                .filter(|(t, _)| !common::BOOKKEEPING.contains(&t.as_str()))
                .map(|(t, r)| (t.clone(), r.clone()))
                .collect()
        };
        let now = tables(&now);
        if now != tables(&clean.rows) && now != tables(was) {
            problems.push("rows neither the backup's nor the database's it replaced".into());
        }
    }
    for (table, (_, rows)) in fx.rows.iter().filter(|_| clean.or_rows.is_none()) {
        if common::BOOKKEEPING.contains(&table.as_str()) {
            continue;
        }
        let after = now.get(table).map_or(&[][..], Vec::as_slice);
        let want = clean.rows.get(table).map_or(&[][..], Vec::as_slice);
        // 14.08's scripts drop tables and delete rows on purpose (the
        // operator tables, the meetme keys they move): a row counts as lost
        // when a clean run keeps it and this one does not. That the clean
        // run itself keeps every row it must is tests/legacy_upgrade.rs's
        // and tests/real_upgrade.rs's to prove.
        let kept_by_clean = missing_rows(rows, &missing_rows(rows, want));
        let missing = missing_rows(&kept_by_clean, after);
        if !missing.is_empty() {
            lost.push(format!(
                "{table}: {} of {} rows lost, e.g. {:?}",
                missing.len(),
                rows.len(),
                missing[0]
            ));
        }
        // The rows the upgrade adds take sequence values, which a crashed
        // attempt may have used up: they are compared by number, and a
        // fixture row more often than a clean run has it is a double.
        let (added, added_clean) = (missing_rows(after, rows), missing_rows(want, rows));
        let doubled: Vec<String> = missing_rows(&added, &added_clean)
            .into_iter()
            .filter(|r| rows.contains(r))
            .collect();
        if added.len() != added_clean.len() || !doubled.is_empty() {
            problems.push(format!(
                "{table}: {} row(s) beyond the fixture's, a clean run {}; fixture rows twice: {:?}",
                added.len(),
                added_clean.len(),
                doubled.first()
            ));
        }
    }
    if !lost.is_empty() {
        return Some(Outcome::LostRows(lost.join("\n")));
    }
    (!problems.is_empty()).then(|| Outcome::NotConverged(problems.join("\n")))
}

fn sorted_rows(mut rows: BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    rows.values_mut().for_each(|r| r.sort());
    rows
}

/// The rows of every table of `before` now, over the columns it had
/// before, read by one psql (one per table is too slow for the matrix).
fn rows_over(c: &Cluster, before: &Rows) -> BTreeMap<String, Vec<String>> {
    rows_over_db(c, DB, before)
}

fn rows_over_db(c: &Cluster, db: &str, before: &Rows) -> BTreeMap<String, Vec<String>> {
    const MARK: &str = "@@crash-matrix-table ";
    let mut script = String::new();
    for (table, (columns, _)) in before {
        script.push_str(&format!(
            "\\echo '{MARK}{table}'\nCOPY (SELECT {} FROM {table}) TO STDOUT;\n",
            columns.join(",")
        ));
    }
    let file = c.dir.join("rows.sql");
    std::fs::write(&file, script).expect("rows script");
    let mut cmd = common::as_owner("psql");
    cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=0", "-h"])
        .arg(&c.dir)
        .args([
            "-p",
            &c.port.to_string(),
            "-U",
            &common::owner().name,
            "-d",
            db,
            "-f",
        ])
        .arg(&file);
    let out = cmd.output().expect("psql rows");
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = String::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(t) = line.strip_prefix(MARK) {
            current = t.to_string();
            rows.entry(current.clone()).or_default();
        } else if let Some(r) = rows.get_mut(&current) {
            r.push(line.to_string());
        }
    }
    rows
}

/// Every row of every user table of `db`, over its columns (as
/// `Cluster::rows`, in one psql for the rows).
fn all_rows(c: &Cluster, db: &str) -> Rows {
    let tables = c.psql(
        db,
        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) || ' ' || \
                string_agg(quote_ident(column_name), ',' ORDER BY ordinal_position) \
           FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
            AND (table_schema, table_name) IN (SELECT schemaname, tablename FROM pg_tables) \
          GROUP BY table_schema, table_name ORDER BY 1",
    );
    let mut skeleton = Rows::new();
    for line in tables.lines() {
        let (table, cols) = line.split_once(' ').expect("table and columns");
        skeleton.insert(
            table.to_string(),
            (cols.split(',').map(String::from).collect(), Vec::new()),
        );
    }
    let mut rows = rows_over_db(c, db, &skeleton);
    skeleton
        .into_iter()
        .map(|(t, (cols, _))| {
            let mut r = rows.remove(&t).unwrap_or_default();
            r.sort();
            (t, (cols, r))
        })
        .collect()
}

/// One case: crash `way` at `point`, then what comes next, then check.
fn run_case(fxs: &Fixtures, way: Way, point: &str, crash: Crash, clean: &Clean) -> Outcome {
    let fx = fxs.of(way);
    let t = Instant::now();
    let h = host_from(fx);
    verbose(&format!(
        "{point}: host ready in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    let trace = h.c.dir.join("trace");
    let env = [
        ("FAILPOINTS", format!("{point}={}", crash.action())),
        ("FAILPOINTS_TRACE", trace.display().to_string()),
    ];
    let first_migrations = fxs.first_migrations(way);
    let (runs, in_preinst) = upgrade(&h, fxs, way, &env, first_migrations);
    let reached = std::fs::read_to_string(&trace)
        .unwrap_or_default()
        .lines()
        .any(|l| l == point);
    if !reached {
        return Outcome::NotReached;
    }
    let mut log: Vec<String> = runs
        .iter()
        .map(|(n, r)| show(&format!("{n} (crashed at {point})"), r))
        .collect();
    let last = &runs[runs.len() - 1].1;
    let crashed = match crash {
        Crash::Panic => last.code == 101 && last.stderr.contains(point),
        Crash::Kill => last.code == -1,
    };
    if !crashed {
        log.push(format!("the run passed {point} without crashing"));
        return Outcome::NotConverged(log.join("\n"));
    }
    // What comes next, as dpkg and the administrator do it, with the fixed
    // package where the first attempt carried a failing migration.
    let recovery = if way == Way::Prepare && runs.len() == 1 {
        // The crashed `queue-log prepare`: the upgrade comes next.
        let (runs, _) = upgrade(&h, fxs, way, &[], fxs.fixed_migrations(way));
        for (n, r) in &runs {
            log.push(show(&format!("{n} after it"), r));
        }
        runs.into_iter().last().map(|(_, r)| r).expect("a run")
    } else if in_preinst {
        let abort = h.hook(
            "preinst",
            &["abort-upgrade", "14.8.0"],
            fxs.fixed_migrations(way),
        );
        log.push(show("preinst abort-upgrade", &abort));
        if abort.code != 0 {
            return Outcome::NotConverged(log.join("\n"));
        }
        let (runs, _) = upgrade(&h, fxs, way, &[], fxs.fixed_migrations(way));
        for (n, r) in &runs {
            log.push(show(&format!("{n} again"), r));
        }
        runs.into_iter().last().map(|(_, r)| r).expect("a run")
    } else if way == Way::UpdateDb || way == Way::Restore {
        // A killed restore is finished by the next run that takes the
        // lock: xivo-update-db here.
        let again = update_db(&h, &[]);
        log.push(show("xivo-update-db again", &again));
        again
    } else {
        let args: &[&str] = if way == Way::Fresh {
            &["configure"]
        } else {
            &["configure", "14.7.0"]
        };
        let again = h.hook("postinst", args, fxs.fixed_migrations(way));
        log.push(show("postinst configure again", &again));
        again
    };
    if recovery.code != 0 {
        return Outcome::NotConverged(log.join("\n"));
    }
    let t = Instant::now();
    let checked = check_converged(&h, fxs, way, clean);
    verbose(&format!(
        "{point}: checked in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    match checked {
        None => Outcome::Converged,
        Some(Outcome::LostRows(why)) => Outcome::LostRows(format!("{}\n{why}", log.join("\n"))),
        Some(Outcome::NotConverged(why)) => {
            Outcome::NotConverged(format!("{}\n{why}", log.join("\n")))
        }
        Some(other) => other,
    }
}

/// A clean run of `way`: the failpoints it passes, and what it ends with
/// (for `failed`: the fixed package's, after the rolled-back attempt). It
/// keeps the fixture's database settings and owner role (the ones
/// `set_non_defaults` made) as they were, but for what the upgrade changes
/// by design, spelled out here.
fn clean_run(
    fxs: &Fixtures,
    way: Way,
    or_rows: Option<BTreeMap<String, Vec<String>>>,
) -> (BTreeSet<String>, Clean) {
    let fx = fxs.of(way);
    let h = host_from(fx);
    let trace = h.c.dir.join("trace");
    let env = [("FAILPOINTS_TRACE", trace.display().to_string())];
    let first_migrations = fxs.first_migrations(way);
    let (runs, _) = upgrade(&h, fxs, way, &env, first_migrations);
    for (n, r) in &runs {
        eprintln!("--- clean {} {n}:\n{}", way.name(), r.stderr);
    }
    let last = &runs[runs.len() - 1].1;
    if let Some(why) = fxs.fails_with(way) {
        assert_eq!(last.code, 1, "{}", show("the failing upgrade", last));
        assert!(last.stderr.contains(why), "{}", last.stderr);
        h.hook("postinst", &["configure", "14.7.0"], None)
            .assert_code(0);
    } else {
        assert_eq!(last.code, 0, "{}", show("clean run", last));
    }
    let clean = Clean {
        schema: h.c.schema(DB),
        settings: h.c.database_settings(DB),
        owner_role: owner_role(&h),
        state_files: state_file_names(&h),
        rows: sorted_rows(rows_over(&h.c, &fx.rows)),
        or_rows,
    };
    if way != Way::Fresh {
        assert_eq!(
            (&clean.settings, &clean.owner_role),
            (&fx.settings, &fx.owner_role),
            "{}: the database settings and the owner role after a clean run",
            way.name()
        );
    }
    if let Some(o) = check_converged(&h, fxs, way, &clean) {
        panic!("the clean {} run does not converge: {o:?}", way.name());
    }
    let passed = std::fs::read_to_string(&trace)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    (passed, clean)
}

#[test]
fn every_failpoint_crash_on_every_path_converges() {
    let started = Instant::now();
    let mut points = failpoints_in_source();
    // replicate's points have their own path, with a slave cluster
    // (`every_replicate_failpoint_crash_...` below).
    points.retain(|p| !p.starts_with("replicate."));
    assert!(points.len() > 20, "failpoints found in src/: {points:?}");
    let fxs = make_fixtures();
    eprintln!("fixtures made in {:.0} s", started.elapsed().as_secs_f64());
    let mut reached: BTreeMap<Way, BTreeSet<String>> = BTreeMap::new();
    let mut cleans: BTreeMap<Way, Clean> = BTreeMap::new();
    for way in WAYS {
        let or_rows = (way == Way::Restore).then(|| cleans[&Way::NewSystem].rows.clone());
        let (passed, clean) = clean_run(&fxs, way, or_rows);
        eprintln!(
            "clean run of {} done at {:.0} s: {} failpoints passed",
            way.name(),
            started.elapsed().as_secs_f64(),
            passed.len()
        );
        for p in &passed {
            assert!(
                points.contains(p),
                "failpoint {p} passed but not found in src/"
            );
        }
        reached.insert(way, passed);
        cleans.insert(way, clean);
    }
    // A point no clean run passes can never crash anything: a dead
    // failpoint (or a path missing from this test). Said before any case.
    let never: Vec<&String> = points
        .iter()
        .filter(|p| !reached.values().any(|r| r.contains(*p)))
        .collect();
    assert!(
        never.is_empty(),
        "failpoints no path reaches (dead): {never:?}"
    );
    // `failed` runs what a clean 14.07 upgrade does not reach,
    // `merge-failed` what neither reaches.
    let clean_legacy = reached[&Way::Legacy].clone();
    reached
        .get_mut(&Way::Failed)
        .expect("failed")
        .retain(|p| !clean_legacy.contains(p));
    let failed = reached[&Way::Failed].clone();
    reached
        .get_mut(&Way::MergeFailed)
        .expect("merge-failed")
        .retain(|p| !clean_legacy.contains(p) && !failed.contains(p));
    // `update-db` runs the cleanup only: without a snapshot holding its
    // objects, role `xivo` is dropped in the same run as the 14.07 state
    // files, so a crash between them leaves only the files to tell.
    reached
        .get_mut(&Way::UpdateDb)
        .expect("update-db")
        .retain(|p| p.starts_with("cleanup."));
    // `prepare` runs its own points: the administrator's `queue-log
    // prepare` crashed, then the upgrade (whose preinst finishes it).
    reached
        .get_mut(&Way::Prepare)
        .expect("prepare")
        .retain(|p| p.starts_with("prepare."));
    // `restore` runs its own points (the backup's upgrade is `new-system`'s).
    reached
        .get_mut(&Way::Restore)
        .expect("restore")
        .retain(|p| p.starts_with("restore."));

    // Every point once first, on the cheapest path that reaches it; then
    // the other paths and the kills. The same cases, in an order that
    // shows a broken point as early as possible.
    let cost = |w: Way| match w {
        Way::Fresh => 0,
        Way::NewSystem => 1,
        Way::Legacy => 2,
        Way::Failed => 3,
        Way::MergeFailed => 4,
        Way::UpdateDb => 5,
        Way::Restore => 1,
        Way::Prepare => 6,
    };
    let mut by_cost = WAYS.to_vec();
    by_cost.sort_by_key(|w| cost(*w));
    let mut seen = BTreeSet::new();
    let mut first = Vec::new();
    let mut rest = Vec::new();
    for way in by_cost {
        for p in &reached[&way] {
            let case = (way, p.clone(), Crash::Panic);
            if seen.insert(p.clone()) {
                first.push(case);
            } else {
                rest.push(case);
            }
            // A panic unwinds, a SIGKILL does not; on this path the only
            // destructor that does anything is the run lock's (it clears
            // the holder line), and the server sees a closed connection
            // either way. So the kill is run where a crash matters most:
            // in the middle of a rollback.
            if way == Way::Failed || way == Way::Restore {
                rest.insert(0, (way, p.clone(), Crash::Kill));
            }
        }
    }
    let mut queue: VecDeque<_> = first.into_iter().chain(rest).collect();
    // For working on one area: only the points whose name contains this.
    // Such a run fails at the end: it is not the matrix.
    let only = std::env::var("XMDB_CRASH_ONLY").ok();
    if let Some(o) = &only {
        queue.retain(|(_, p, _)| o.split(',').any(|x| p.contains(x)));
    }
    let cases = queue.len();
    let queue = Mutex::new(queue);
    let results: Mutex<Vec<(Way, String, Crash, Outcome)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((way, point, crash)) = queue.lock().expect("queue").pop_front() else {
                    break;
                };
                let t = Instant::now();
                let outcome = run_case(&fxs, way, &point, crash, &cleans[&way]);
                eprintln!(
                    "{point} x {} ({}): {} in {:.1} s",
                    way.name(),
                    crash.action(),
                    outcome.cell(),
                    t.elapsed().as_secs_f64()
                );
                results
                    .lock()
                    .expect("results")
                    .push((way, point, crash, outcome));
            });
        }
    });
    let results = results.into_inner().expect("results");

    // The matrix: failpoint x path, each cell "panic / kill".
    let mut table = String::new();
    let width = points.iter().map(String::len).max().unwrap_or(10);
    table.push_str(&format!("{:width$}", "failpoint"));
    for way in WAYS {
        table.push_str(&format!(" | {:^27}", way.name()));
    }
    table.push('\n');
    let mut failures = Vec::new();
    let mut dead = Vec::new();
    for p in &points {
        table.push_str(&format!("{p:width$}"));
        let mut anywhere = false;
        for way in WAYS {
            let cell = |crash: Crash| {
                results
                    .iter()
                    .find(|(w, q, c, _)| *w == way && q == p && *c == crash)
                    .map(|(_, _, _, o)| o.clone())
                    .unwrap_or(
                        if reached[&way].contains(p)
                            && (crash == Crash::Panic || way == Way::Failed || way == Way::Restore)
                        {
                            Outcome::NotRun
                        } else {
                            Outcome::NotReached
                        },
                    )
            };
            let (panic, kill) = (cell(Crash::Panic), cell(Crash::Kill));
            anywhere |= panic != Outcome::NotReached || kill != Outcome::NotReached;
            let text = if panic == kill {
                panic.cell().to_string()
            } else {
                format!("{} / {}", panic.cell(), kill.cell())
            };
            table.push_str(&format!(" | {text:^27}"));
            for (crash, o) in [(Crash::Panic, panic), (Crash::Kill, kill)] {
                if let Outcome::LostRows(why) | Outcome::NotConverged(why) = o {
                    failures.push(format!(
                        "== {p} x {} ({}): {why}",
                        way.name(),
                        crash.action()
                    ));
                }
            }
        }
        if !anywhere {
            dead.push(p.clone());
        }
        table.push('\n');
    }
    let converged = results.iter().filter(|r| r.3 == Outcome::Converged).count();
    println!("{table}");
    println!(
        "{} failpoints, {} paths, {cases} cases (panic and kill): {converged} converged, {} not, {} not reached on a path \
         a clean run reaches, in {:.0} s",
        points.len(),
        WAYS.len(),
        failures.len(),
        results.iter().filter(|r| r.3 == Outcome::NotReached).count(),
        started.elapsed().as_secs_f64()
    );
    for f in &failures {
        println!("{f}\n");
    }
    assert!(
        only.is_none(),
        "XMDB_CRASH_ONLY={only:?}: a partial matrix never passes"
    );
    assert!(
        dead.is_empty(),
        "failpoints no path reaches (dead): {dead:?}"
    );
    assert!(
        failures.is_empty(),
        "{} case(s) did not converge:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// `=return` makes the point fail its function with an error of its own
/// type naming the failpoint: provisioning stops there (exit 1, nothing
/// half-made but the role), the next run finishes it.
#[test]
fn a_return_failpoint_fails_provisioning_with_its_name_and_the_next_run_finishes() {
    let h = Host::new();
    let r = common::host::finish(
        h.hook_cmd("postinst", &["configure"], None)
            .env("FAILPOINTS", "provision.before_database=return")
            .spawn()
            .expect("spawn"),
    );
    r.assert_code(1);
    assert!(
        r.stderr
            .contains("failpoint 'provision.before_database' injected a failure"),
        "{}",
        r.stderr
    );
    assert!(!h.c.exists(DB), "the database was not created");
    h.hook("postinst", &["configure"], None).assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
}

/// `=return` inside the merge's transaction: the hook rolls back to its
/// snapshot (exit 1, the error names the failpoint), the host is as before,
/// and the next run converges.
#[test]
fn a_return_failpoint_in_the_merge_is_rolled_back_and_the_next_run_converges() {
    let h = Host::new();
    h.c.make_1407_host(Host1407::default());
    h.c.set_non_defaults(DB, "asterisk");
    h.c.set_non_defaults(LEGACY, LEGACY);
    h.start_only(&RUNNING);
    let files = h.state_files();
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    // preinst may have given queue_log its id online (services running):
    // the snapshot, and so the rollback, come back to the host it left.
    let before = (
        h.c.fingerprint(DB),
        h.c.fingerprint(LEGACY),
        h.roles(),
        files,
    );
    let r = common::host::finish(
        h.hook_cmd("postinst", &["configure", "14.7.0"], None)
            .env("FAILPOINTS", "merge.before_commit=return")
            .spawn()
            .expect("spawn"),
    );
    r.assert_code(1);
    assert!(
        r.stderr
            .contains("failpoint 'merge.before_commit' injected a failure")
            && r.stderr.contains("restored from snapshot"),
        "{}",
        r.stderr
    );
    assert_eq!(
        (
            h.c.fingerprint(DB),
            h.c.fingerprint(LEGACY),
            h.roles(),
            h.state_files()
        ),
        before,
        "both databases, the roles and the state files as before"
    );
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert!(!h.c.exists(LEGACY) && !h.c.role_exists(LEGACY));
    assert!(h.snapshots().is_empty() && h.record().is_none());
    assert_eq!(common::host::sorted(h.running()), RUNNING.to_vec());
}

/// The one test with `fsync = on` (every other cluster runs without it) and
/// a real crash over the record and the state files: postinst stopped right
/// after the merge's commit, the cluster stopped `immediate` (no
/// checkpoint: the commit survives by its WAL alone), then the hook killed
/// (SIGKILL). Once the cluster is back, the next postinst converges: at
/// head, no row lost or doubled, `xivo` and the 14.07 state files gone,
/// nothing left, the services running.
#[test]
fn a_postinst_killed_with_the_cluster_crashed_after_the_merge_commit_converges_with_fsync_on() {
    let h = Host::new();
    h.c.restart_with("fsync = on\nsynchronous_commit = on\nfull_page_writes = on");
    assert_eq!(h.c.psql("postgres", "SHOW fsync"), "on");
    h.c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 100,
        extra: &["--users", "20", "--cel-rows", "100", "--sessions", "10"],
        ..Default::default()
    });
    let before = rows_1407(&h.c);
    h.start_only(&RUNNING);
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    let trace = h.c.dir.join("trace");
    let mut child = h
        .hook_cmd("postinst", &["configure", "14.7.0"], None)
        .env("FAILPOINTS", "merge.after_commit=pause")
        .env("FAILPOINTS_TRACE", &trace)
        .spawn()
        .expect("spawn postinst");
    let deadline = Instant::now() + std::time::Duration::from_secs(180);
    while !std::fs::read_to_string(&trace)
        .unwrap_or_default()
        .lines()
        .any(|l| l == "merge.after_commit")
    {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("postinst ended ({status}) before the merge's commit");
        }
        assert!(Instant::now() < deadline, "the merge never committed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut crash = common::as_owner(format!("{}/pg_ctl", common::PG_BIN));
    crash
        .arg("-D")
        .arg(h.c.data())
        .args(["-m", "immediate", "-w", "stop"]);
    assert!(
        crash.status().expect("pg_ctl").success(),
        "pg_ctl -m immediate stop"
    );
    child.kill().expect("SIGKILL postinst");
    let killed = common::host::finish(child);
    assert_eq!(killed.code, -1, "{}", killed.stderr);
    h.c.pg_ctl_start();

    let r = h.hook("postinst", &["configure", "14.7.0"], None);
    r.assert_code(0);
    assert_eq!(h.c.revisions(DB), repo_head());
    assert!(
        !h.c.exists(LEGACY) && !h.c.role_exists(LEGACY),
        "{}",
        r.stderr
    );
    common::host::assert_no_leftovers(&h);
    let left: Vec<String> = state_file_names(&h)
        .into_iter()
        .filter(|f| leftover_state_file(f))
        .collect();
    assert!(left.is_empty(), "state files left: {left:?}");
    assert_eq!(common::host::sorted(h.running()), RUNNING.to_vec());
    // Every row kept but what 14.08's scripts drop or move on purpose.
    common::assert_1408_removals_gone(&h.c, DB);
    let mut kept = before.clone();
    common::without_1408_removals(&mut kept);
    let now = rows_over(&h.c, &kept);
    for (table, (_, rows)) in &kept {
        if common::BOOKKEEPING.contains(&table.as_str()) {
            continue;
        }
        let after = now.get(table).map_or(&[][..], Vec::as_slice);
        assert_eq!(
            missing_rows(rows, after),
            Vec::<String>::new(),
            "{table}: lost"
        );
    }
    assert_eq!(
        now["public.queue_log"].len(),
        before["public.queue_log"].1.len(),
        "queue_log: a row doubled"
    );
}

/// The `replicate` path (`xivo-manage-db replicate`, its `replicate.*`
/// points, which no upgrade path reaches): a master and a slave cluster,
/// the slave reachable over TCP, with rows and sequence values of its own.
/// Each point is crashed with `panic` and with `kill`; then the slave is
/// exactly as it was (schema, database settings, every row over every
/// column, every sequence) when the crash came before its COMMIT, exactly
/// the master's copy (a clean run's result) when after; the master is
/// unchanged; and the next replication converges to the master's copy.
/// The slave is put back between cases from a template copy of itself
/// (cheaper than a cluster per case).
#[test]
fn every_replicate_failpoint_crash_leaves_the_slave_as_it_was_or_the_masters_copy() {
    let points: Vec<String> = failpoints_in_source()
        .into_iter()
        .filter(|p| p.starts_with("replicate."))
        .collect();
    assert!(points.len() >= 4, "replicate's failpoints: {points:?}");
    let fill = |c: &Cluster, rows: u32| {
        c.psql(
            DB,
            &format!(
                "SET fill.rows = {rows}; {}",
                include_str!("fixtures/replication-fill.sql")
            ),
        );
    };
    let master = Cluster::start();
    master.run("xivo-init-db", &["--init"], None).assert_code(0);
    fill(&master, 3);
    let slave = Cluster::start();
    slave.run("xivo-init-db", &["--init"], None).assert_code(0);
    fill(&slave, 1);
    slave.psql(
        DB,
        "SELECT count(setval(format('%I.%I', schemaname, sequencename), 7000)) FROM pg_sequences",
    );
    let user = &common::owner().name;
    let mut hba = std::fs::read_to_string(slave.data().join("pg_hba.conf")).expect("pg_hba");
    hba = format!("host {DB} {user} 127.0.0.1/32 trust\n{hba}");
    std::fs::write(slave.data().join("pg_hba.conf"), hba).expect("pg_hba");
    slave.restart_with("listen_addresses = '127.0.0.1'");
    let target = format!("127.0.0.1:{}", slave.port);
    slave.psql(
        "postgres",
        &format!("CREATE DATABASE slave_as_it_was TEMPLATE {DB}"),
    );
    let reset = || {
        // Two statements: neither runs in a transaction block.
        slave.psql("postgres", &format!("DROP DATABASE {DB} WITH (FORCE)"));
        slave.psql(
            "postgres",
            &format!("CREATE DATABASE {DB} TEMPLATE slave_as_it_was OWNER asterisk"),
        );
    };
    let replicate = |failpoint: Option<String>| -> Run {
        let mut c = master.cmd("xivo-manage-db");
        c.args(["replicate", &target]);
        if let Some(f) = failpoint {
            c.env("FAILPOINTS", f);
        }
        Run::from(c.output().expect("replicate"))
    };
    reset();
    let before = slave.fingerprint(DB);
    let master_before = master.fingerprint(DB);
    replicate(None).assert_code(0);
    let copied = slave.fingerprint(DB);
    assert_ne!(copied, before, "the clean run changed nothing");
    let mut failures = Vec::new();
    for point in &points {
        for crash in [Crash::Panic, Crash::Kill] {
            let case = format!("{point} x replicate ({})", crash.action());
            reset();
            let r = replicate(Some(format!("{point}={}", crash.action())));
            let after_commit = point == "replicate.after_commit";
            let (want, which) = if after_commit {
                (&copied, "the master's copy")
            } else {
                (&before, "as it was")
            };
            let mut problems = Vec::new();
            if r.code == 0 {
                problems.push("the crashed run exited 0".to_string());
            }
            let now = slave.fingerprint(DB);
            if &now != want {
                let differ: Vec<&String> = now.1.iter().filter(|l| !want.1.contains(l)).collect();
                problems.push(format!(
                    "the slave is not {which} (schema equal: {}; lines that differ: {differ:?})",
                    now.0 == want.0
                ));
            }
            if master.fingerprint(DB) != master_before {
                problems.push("the master changed".into());
            }
            let next = replicate(None);
            if next.code != 0 {
                problems.push(format!(
                    "the next run exited {}: {}",
                    next.code, next.stderr
                ));
            } else if slave.fingerprint(DB) != copied {
                problems.push("after the next run the slave is not the master's copy".into());
            }
            eprintln!(
                "{case}: {}",
                if problems.is_empty() {
                    "converged"
                } else {
                    "NOT converged"
                }
            );
            if !problems.is_empty() {
                failures.push(format!("== {case}: {}\n{}", problems.join("; "), r.stderr));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) did not converge:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

//! Migrations run in the order of their graph: a run of transactional
//! migrations, then the non-transactional one(s) that follow them, then the
//! next transactional run..., and `alembic_version` only ever names revisions
//! whose ancestors have all been applied (and recorded in the history table).
//! Checked on a fresh install, on a 14.07 upgrade, on runs stopped between
//! two segments by a failing migration, and on a graph where each segment
//! needs the work of the one before it. The graphs with branches, a merge
//! revision and non-transactional migrations are test-only sets on top of the
//! shipped head (`common::engine_set`), so that the engine stays tested on
//! them whatever shape the shipped set has.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::host::Host;
use common::{
    add_alone, engine_set, repo_head, repo_migrations, Cluster, Host1407, MigrationsDir,
    ENGINE_ALONE, ENGINE_MERGE,
};

const DB: &str = "asterisk";

/// revision -> parents, for every migration of a migrations tree (read from
/// the headers, independently of the code under test).
fn graph_of(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut files = vec![dir.join("baseline.sql")];
    for entry in std::fs::read_dir(dir.join("versions")).expect("versions dir") {
        files.push(entry.expect("entry").path());
    }
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("read migration");
            let value = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(&format!("-- {key}:")))
                    .map(|v| v.trim().to_string())
                    .unwrap_or_else(|| panic!("{}: no {key}", f.display()))
            };
            let down = value("down_revision");
            let parents = if down == "None" {
                Vec::new()
            } else {
                down.split(',').map(|p| p.trim().to_string()).collect()
            };
            (value("revision"), parents)
        })
        .collect()
}

/// `rev` and every revision it descends from.
fn with_ancestors(graph: &BTreeMap<String, Vec<String>>, rev: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![rev.to_string()];
    while let Some(r) = stack.pop() {
        if seen.insert(r.clone()) {
            stack.extend(graph.get(&r).cloned().unwrap_or_default());
        }
    }
    seen
}

/// The history table's revisions in the order they were applied.
fn history(c: &Cluster) -> Vec<String> {
    c.psql(
        DB,
        "SELECT revision FROM xivo_manage_db_history ORDER BY applied_at, revision",
    )
    .lines()
    .map(String::from)
    .collect()
}

fn has_version_table(c: &Cluster) -> bool {
    c.psql(
        DB,
        "SELECT to_regclass('public.alembic_version') IS NOT NULL",
    ) == "t"
}

/// Every revision of the history comes after all its parents.
fn assert_dependency_order(graph: &BTreeMap<String, Vec<String>>, applied: &[String]) {
    for (i, rev) in applied.iter().enumerate() {
        for parent in &graph[rev] {
            let at = applied.iter().position(|r| r == parent);
            assert!(
                at.is_some_and(|p| p < i),
                "{rev} was applied before its parent {parent}: history {applied:?}"
            );
        }
    }
}

/// `alembic_version` names exactly the heads of what the history says was
/// applied, and every ancestor of what it names has a history row.
fn assert_version_names_only_applied(c: &Cluster, graph: &BTreeMap<String, Vec<String>>) {
    if !has_version_table(c) {
        return;
    }
    let applied = history(c);
    let recorded: BTreeSet<String> = applied.iter().cloned().collect();
    let named: Vec<String> = c
        .psql(DB, "SELECT version_num FROM alembic_version ORDER BY 1")
        .lines()
        .map(String::from)
        .collect();
    for rev in &named {
        let missing: Vec<String> = with_ancestors(graph, rev)
            .difference(&recorded)
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "alembic_version names {rev} but {missing:?} never ran (history {applied:?})"
        );
    }
    let parents: BTreeSet<&String> = applied.iter().flat_map(|r| &graph[r]).collect();
    let heads: Vec<String> = applied
        .iter()
        .filter(|r| !parents.contains(r))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        named, heads,
        "alembic_version must be the heads of the history {applied:?}"
    );
}

/// Done, in order: every revision of the graph applied once, parents first,
/// alembic_version at head.
fn assert_at_head_in_order(c: &Cluster, graph: &BTreeMap<String, Vec<String>>, head: &str) {
    let applied = history(c);
    assert_eq!(
        applied.iter().cloned().collect::<BTreeSet<_>>(),
        graph.keys().cloned().collect::<BTreeSet<_>>(),
        "every revision recorded once: {applied:?}"
    );
    assert_eq!(applied.len(), graph.len(), "{applied:?}");
    assert_dependency_order(graph, &applied);
    assert_version_names_only_applied(c, graph);
    assert_eq!(c.revisions(DB), head);
}

/// Replace the body of `rev`'s file (header kept, so its transactional flag
/// too) with a statement that fails.
fn break_version(dir: &Path, rev: &str) {
    let file = std::fs::read_dir(dir.join("versions"))
        .expect("versions dir")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{rev}_")))
        })
        .unwrap_or_else(|| panic!("no file for {rev}"));
    let text = std::fs::read_to_string(&file).expect("read");
    let header: Vec<&str> = text.lines().take_while(|l| l.starts_with("--")).collect();
    std::fs::write(
        &file,
        format!(
            "{}\n\nSELECT 1/0; -- broken by the test\n",
            header.join("\n")
        ),
    )
    .expect("write");
}

/// Not at `head` of the set in `dir`: xivo-check-db and `xivo-manage-db
/// status` agree.
fn assert_behind(c: &Cluster, head: &str, dir: &Path) {
    let current = c.revisions(DB).replace(',', ", ");
    let verdict = format!("NOK (current revision is {current}, head is {head})");
    let check = c.run("xivo-check-db", &[], Some(dir));
    check.assert_code(1);
    assert!(check.stdout.contains(&verdict), "{}", check.stdout);
    let status = c.run("xivo-manage-db", &["status"], Some(dir));
    status.assert_code(1);
    assert!(status.stdout.contains(&verdict), "{}", status.stdout);
}

/// The shipped set, then the branches, merge and non-transactional
/// migration of the test-only set on top of it.
#[test]
fn fresh_init_applies_migrations_in_dependency_order() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    assert_at_head_in_order(&c, &graph_of(&repo_migrations()), &repo_head());
    c.run("xivo-check-db", &[], None).assert_code(0);
    c.run("xivo-init-db", &["--drop"], None).assert_code(0);
    let set = engine_set();
    c.run("xivo-init-db", &["--init"], Some(&set.path))
        .assert_code(0);
    assert_at_head_in_order(&c, &graph_of(&set.path), ENGINE_MERGE);
    c.run("xivo-check-db", &[], Some(&set.path)).assert_code(0);
}

#[test]
fn a_14_07_upgrade_applies_migrations_in_dependency_order() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    let set = engine_set();
    c.run("xivo-update-db", &[], Some(&set.path)).assert_code(0);
    let graph = graph_of(&set.path);
    assert_at_head_in_order(&c, &graph, ENGINE_MERGE);
    // The baseline was stamped, not run, and came first.
    let baseline = graph
        .iter()
        .find(|(_, parents)| parents.is_empty())
        .map(|(r, _)| r.clone())
        .expect("baseline");
    assert_eq!(
        c.psql(
            DB,
            "SELECT revision FROM xivo_manage_db_history WHERE stamped"
        ),
        baseline
    );
    assert_eq!(history(&c)[0], baseline);
    c.run("xivo-check-db", &[], Some(&set.path)).assert_code(0);
}

/// Stop a fresh install at each migration of the shipped set and of the
/// test-only branches on top of it in turn (that migration fails): what
/// committed before it must be recorded, and alembic_version must name
/// nothing beyond it; the fixed package then finishes the work, in order.
#[test]
fn a_run_stopped_between_segments_never_names_an_unapplied_revision() {
    let fixed = engine_set();
    let graph = graph_of(&fixed.path);
    let head = ENGINE_MERGE;
    for rev in graph.keys().filter(|r| !graph[*r].is_empty()) {
        let c = Cluster::start();
        let broken = engine_set();
        break_version(&broken.path, rev);
        let r = c.run("xivo-init-db", &["--init"], Some(&broken.path));
        r.assert_code(1);
        assert!(
            r.stderr.contains(&format!("migration {rev} ("))
                && r.stderr.contains("division by zero"),
            "{rev}: {}",
            r.stderr
        );
        let applied = if has_version_table(&c) {
            history(&c)
        } else {
            Vec::new()
        };
        assert!(
            !applied.contains(rev),
            "{rev} failed yet is recorded: {applied:?}"
        );
        // The error says what the run had committed before the failure.
        if !applied.is_empty() {
            let committed = format!("(already committed before it: {})", applied.join(", "));
            assert!(
                r.stderr.contains(&committed),
                "{rev}: {committed}: {}",
                r.stderr
            );
        }
        assert_version_names_only_applied(&c, &graph);
        assert_dependency_order(&graph, &applied);
        if has_version_table(&c) {
            assert_behind(&c, head, &fixed.path);
        }
        // The fixed package finishes what is left, in order.
        c.run("xivo-update-db", &[], Some(&fixed.path))
            .assert_code(0);
        assert_at_head_in_order(&c, &graph, head);
        let done = history(&c);
        assert_eq!(
            &done[..applied.len()],
            &applied[..],
            "{rev}: nothing committed before the failure is redone"
        );
    }
}

/// The merge's transaction holds the first transactional segment only: a
/// non-transactional migration (of the test-only set) failing after the
/// merge's commit leaves the database at the revisions applied so far, which
/// the next run finishes.
#[test]
fn a_14_07_upgrade_stopped_between_segments_never_names_an_unapplied_revision() {
    let fixed = engine_set();
    let graph = graph_of(&fixed.path);
    let head = ENGINE_MERGE;
    let alone = ENGINE_ALONE.to_string();
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    let broken = engine_set();
    break_version(&broken.path, &alone);
    let r = c.run("xivo-update-db", &[], Some(&broken.path));
    r.assert_code(1);
    assert!(
        r.stderr.contains(&format!("migration {alone} (")) && r.stderr.contains("merge committed"),
        "{}",
        r.stderr
    );
    let applied = history(&c);
    assert!(!applied.contains(&alone), "{applied:?}");
    // What the merge's transaction committed (after the stamped baseline).
    let committed = format!("(already committed before it: {})", applied[1..].join(", "));
    assert!(r.stderr.contains(&committed), "{committed}: {}", r.stderr);
    assert_version_names_only_applied(&c, &graph);
    assert_dependency_order(&graph, &applied);
    assert_behind(&c, head, &fixed.path);
    c.run("xivo-update-db", &[], Some(&fixed.path))
        .assert_code(0);
    assert_at_head_in_order(&c, &graph, head);
    assert!(!c.exists("xivo"));
}

/// On top of the real set, segments that each need the work of the one
/// before: a table, a unique index built CONCURRENTLY on it, a primary key
/// using that index, another concurrent index, its rename. Run in any other
/// order, a migration fails.
fn alternating_set() -> (MigrationsDir, String) {
    let dir = MigrationsDir::copy_of_repo();
    common::add_version(
        &dir.path,
        "a17e00000001",
        &repo_head(),
        "CREATE TABLE order_probe (id integer NOT NULL, tag text);\nINSERT INTO order_probe VALUES (1, 'a');",
    );
    add_alone(
        &dir.path,
        "a17e00000002",
        "a17e00000001",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS order_probe_id_idx ON order_probe (id);",
    );
    common::add_version(
        &dir.path,
        "a17e00000003",
        "a17e00000002",
        "ALTER TABLE order_probe ADD CONSTRAINT order_probe_pkey PRIMARY KEY USING INDEX order_probe_id_idx;",
    );
    add_alone(
        &dir.path,
        "a17e00000004",
        "a17e00000003",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS order_probe_tag_idx ON order_probe (tag);",
    );
    common::add_version(
        &dir.path,
        "a17e00000005",
        "a17e00000004",
        "ALTER INDEX order_probe_tag_idx RENAME TO order_probe__idx__tag;",
    );
    (dir, "a17e00000005".to_string())
}

fn assert_probe_built(c: &Cluster) {
    assert_eq!(
        c.psql(
            DB,
            "SELECT string_agg(indexname || ' ' || pg_get_userbyid(c.relowner), ',' ORDER BY indexname) \
               FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname WHERE tablename = 'order_probe'"
        ),
        "order_probe__idx__tag asterisk,order_probe_pkey asterisk"
    );
    assert_eq!(
        c.psql(DB, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"),
        "0"
    );
}

#[test]
fn alternating_segments_each_see_the_work_of_the_one_before() {
    let (dir, head) = alternating_set();
    let graph = graph_of(&dir.path);
    // A fresh install through the whole graph.
    let c = Cluster::start();
    let r = c.run("xivo-init-db", &["--init"], Some(&dir.path));
    r.assert_code(0);
    assert_at_head_in_order(&c, &graph, &head);
    assert_probe_built(&c);
    // An upgrade from the real head.
    c.run("xivo-init-db", &["--drop"], None).assert_code(0);
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let r = c.run("xivo-update-db", &[], Some(&dir.path));
    r.assert_code(0);
    assert_at_head_in_order(&c, &graph, &head);
    assert_probe_built(&c);
    let check = c.run("xivo-check-db", &[], Some(&dir.path));
    check.assert_code(0);
}

/// A database left at an intermediate revision (a non-transactional
/// migration of the test-only set failed after the first segment committed)
/// is behind for the hooks too: preinst snapshots it, postinst finishes the
/// work in order.
#[test]
fn the_hooks_see_an_intermediate_revision_as_pending_work() {
    let fixed = engine_set();
    let graph = graph_of(&fixed.path);
    let head = ENGINE_MERGE;
    let h = Host::new();
    let broken = engine_set();
    break_version(&broken.path, ENGINE_ALONE);
    h.c.run("xivo-init-db", &["--init"], Some(&broken.path))
        .assert_code(1);
    let current = h.c.revisions(DB);
    assert_ne!(current, head);
    assert_version_names_only_applied(&h.c, &graph);
    assert_behind(&h.c, head, &fixed.path);
    let r = h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&fixed.path),
    );
    r.assert_code(0);
    assert!(
        r.stderr.contains(&format!(
            "is at {}, this package's head is {head}",
            current.replace(',', ", ")
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        h.snapshots().len(),
        1,
        "preinst snapshots a database behind head"
    );
    h.hook("postinst", &["configure", "14.7.0"], Some(&fixed.path))
        .assert_code(0);
    assert_at_head_in_order(&h.c, &graph, head);
    assert!(h.snapshots().is_empty());
}

/// SIGKILL while a non-transactional migration runs, right after a
/// transactional segment committed: the database names only that segment,
/// is behind, and the next run finishes the rest in order.
#[test]
fn a_run_killed_between_segments_never_names_an_unapplied_revision() {
    let c = Cluster::start();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let dir = MigrationsDir::copy_of_repo();
    common::add_version(
        &dir.path,
        "4111ed000001",
        &repo_head(),
        "CREATE TABLE kill_probe (id integer NOT NULL);",
    );
    // Sleeps only while the test asks it to (a database setting), so the
    // run after the kill goes straight through.
    add_alone(
        &dir.path,
        "4111ed000002",
        "4111ed000001",
        "SELECT pg_sleep(coalesce(nullif(current_setting('xmdb_test.sleep', true), ''), '0')::float);",
    );
    common::add_version(
        &dir.path,
        "4111ed000003",
        "4111ed000002",
        "ALTER TABLE kill_probe ADD PRIMARY KEY (id);",
    );
    let graph = graph_of(&dir.path);
    c.psql(
        "postgres",
        "ALTER DATABASE asterisk SET xmdb_test.sleep = '120'",
    );
    let mut child = c
        .cmd("xivo-update-db")
        .env("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR", &dir.path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn xivo-update-db");
    let sleeping =
        "SELECT pid FROM pg_stat_activity WHERE datname = 'asterisk' AND wait_event = 'PgSleep'";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let pid = loop {
        let pid = c.psql("postgres", sleeping);
        if !pid.is_empty() {
            break pid;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "xivo-update-db ended before the slow migration ran"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the slow migration never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    c.psql(
        "postgres",
        &format!("SELECT pg_terminate_backend({pid}, 10000)"),
    );
    c.psql("postgres", "ALTER DATABASE asterisk RESET xmdb_test.sleep");

    assert_eq!(c.revisions(DB), "4111ed000001");
    let applied = history(&c);
    assert!(
        !applied.contains(&"4111ed000002".to_string()),
        "{applied:?}"
    );
    assert_version_names_only_applied(&c, &graph);
    assert_dependency_order(&graph, &applied);
    let check = c.run("xivo-check-db", &[], Some(&dir.path));
    check.assert_code(1);
    assert!(
        check
            .stdout
            .contains("NOK (current revision is 4111ed000001, head is 4111ed000003)"),
        "{}",
        check.stdout
    );
    c.run("xivo-update-db", &[], Some(&dir.path)).assert_code(0);
    assert_at_head_in_order(&c, &graph, "4111ed000003");
    assert_eq!(
        c.psql(
            DB,
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'kill_probe'::regclass"
        ),
        "PRIMARY KEY (id)"
    );
}

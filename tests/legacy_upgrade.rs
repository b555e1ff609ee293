//! Upgrading a 14.07 host: the numbered scripts, the xivo -> asterisk merge,
//! and what must never happen (a lost row, a half-done merge).

mod common;

use common::{
    add_version, first_difference, missing_rows, repo_baseline, repo_head, rows_where, Cluster,
    Host1407, MigrationsDir, LAYOUTS_1407, UPGRADE_DROPPED,
};

const DB: &str = "asterisk";
/// The columns of queue_log (id included) and its rows over them, sorted.
fn queue_log_rows(c: &Cluster) -> (Vec<String>, Vec<String>) {
    c.rows(DB)
        .remove("public.queue_log")
        .expect("a queue_log table")
}

/// A cluster with a freshly provisioned database, to compare with.
fn fresh_install() -> Cluster {
    let fresh = Cluster::start();
    fresh.run("xivo-init-db", &["--init"], None).assert_code(0);
    // The root web user's dcreate is the install time: the 14.07 host's
    // (its dump's, 1400000000) on the upgraded host, now on a fresh one.
    fresh.psql(
        DB,
        "UPDATE \"user\" SET dcreate = 1400000000 WHERE login = 'root'",
    );
    fresh
}

/// Fresh install and upgraded 14.07 host: same schema, same default data.
fn assert_parity_with_fresh(upgraded: &Cluster) {
    let fresh = fresh_install();
    let (a, b) = (upgraded.schema(DB), fresh.schema(DB));
    assert!(
        a == b,
        "schema of the upgraded host differs from a fresh install: {}",
        first_difference(&a, &b)
    );
    let (a, b) = (upgraded.rows(DB), fresh.rows(DB));
    for (table, (columns, rows)) in &b {
        let theirs = &a
            .get(table)
            .unwrap_or_else(|| panic!("{table} missing after upgrade"))
            .1;
        // Timestamps of our own history table differ by nature.
        if table == "public.xivo_manage_db_history" {
            assert_eq!(
                theirs.len(),
                rows.len(),
                "history: baseline (stamped or applied) + versions ({columns:?})"
            );
            continue;
        }
        assert_eq!(theirs, rows, "default data of {table} differs");
    }
    assert_eq!(a.len(), b.len(), "same tables");
}

#[test]
fn upgraded_1407_host_matches_a_fresh_install() {
    upgraded_host_matches_a_fresh_install("superuser-owned");
}

#[test]
fn upgraded_role_owned_1407_host_matches_a_fresh_install() {
    upgraded_host_matches_a_fresh_install("role-owned");
}

fn upgraded_host_matches_a_fresh_install(layout: &str) {
    assert!(LAYOUTS_1407.contains(&layout));
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        layout,
        ..Default::default()
    });
    let r = c.run("xivo-check-db", &[], None);
    r.assert_code(1);
    assert!(
        r.stdout
            .contains("Checking asterisk database...\tNOK (last is "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Checking xivo database...\tNOK (last is "),
        "{}",
        r.stdout
    );
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert!(
        r.stdout.ends_with("Updating database done.\n"),
        "{}",
        r.stdout
    );
    assert_eq!(c.revisions(DB), repo_head());
    assert!(
        !c.exists("xivo") && !c.role_exists("xivo"),
        "xivo database and role dropped"
    );
    assert!(
        c.state_file("asterisk-last").is_none() && c.state_file("xivo-last").is_none(),
        "state files removed"
    );
    c.run("xivo-check-db", &[], None).assert_code(0);
    assert_eq!(
        c.psql(DB, common::NOT_OWNED_BY_ASTERISK),
        "0",
        "{layout}: every object owned by asterisk"
    );
    assert_parity_with_fresh(&c);
    // Running it again changes nothing.
    let before = c.fingerprint(DB);
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(c.fingerprint(DB), before);
}

#[test]
fn queue_log_prepared_by_the_administrator_is_kept() {
    // The seed's optional procedure: ALTER TABLE queue_log ADD COLUMN id ... beforehand.
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 3000,
        extra: &["--prealter-queue-log"],
        ..Default::default()
    });
    let (columns, before) = queue_log_rows(&c);
    assert!(before.len() >= 3000, "{} rows", before.len());
    c.run("xivo-update-db", &[], None).assert_code(0);
    // Same rows over every column: existing ids kept, nothing else changed.
    let after = c.rows_of(DB, "public.queue_log", &columns);
    assert!(
        before == after,
        "queue_log changed: {} rows before, {} after; lost e.g. {:?}, new e.g. {:?}",
        before.len(),
        after.len(),
        missing_rows(&before, &after).first(),
        missing_rows(&after, &before).first()
    );
    let (a, b) = (c.schema(DB), fresh_install().schema(DB));
    assert!(a == b, "schema differs: {}", first_difference(&a, &b));
}

#[test]
fn queue_log_pruned_by_the_administrator_upgrades() {
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 3000,
        extra: &["--prune-queue-log"],
        ..Default::default()
    });
    let n = c.psql(DB, "SELECT count(*) FROM queue_log");
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(c.psql(DB, "SELECT count(*) FROM queue_log"), n);
    assert_eq!(
        c.psql(DB, "SELECT count(DISTINCT id) FROM queue_log"),
        n,
        "every row got an id"
    );
    assert_eq!(
        c.psql(
            DB,
            "SELECT count(*) FROM queue_log WHERE \"time\" < '2014-03-01'"
        ),
        "0"
    );
}

/// The owner role's line of `roles_of` (attributes, password hash,
/// memberships, settings).
fn owner_role(c: &Cluster) -> String {
    common::host::roles_of(c)
        .lines()
        .find(|l| l.starts_with("asterisk|"))
        .expect("role asterisk")
        .to_string()
}

#[test]
fn no_row_is_lost() {
    no_row_is_lost_from("superuser-owned");
}

#[test]
fn no_row_is_lost_from_a_role_owned_host() {
    no_row_is_lost_from("role-owned");
}

/// fill.sql with its default 2000 users: 3 + 2000 / 500 conference rooms,
/// one meetme key for one user in 20, one more for one in 40, and user 1's
/// key on the room deleted afterwards.
const FILL_ROOMS: usize = 7;
const FILL_MEETME_KEYS: usize = 2000 / 20 + 2000 / 40 + 1;

/// The sequences owned by `tables` (their serial columns), read before the
/// upgrade.
fn sequences_of(c: &Cluster, db: &str, tables: &[&str]) -> Vec<String> {
    let list = tables
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(",");
    c.psql(
        db,
        &format!(
            "SELECT 'public.' || s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid \
              JOIN pg_class t ON t.oid = d.refobjid \
             WHERE s.relkind = 'S' AND d.deptype = 'a' AND ('public.' || t.relname) IN ({list}) \
             ORDER BY 1"
        ),
    )
    .lines()
    .map(String::from)
    .collect()
}

fn no_row_is_lost_from(layout: &str) {
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        release: "14.07",
        layout,
        fill: true,
        queue_log_rows: 20_000,
        ..Default::default()
    });
    // What pg_dump leaves out is kept too: the database's own settings and
    // the owner role's (an owner change that also ran RESET ALL lost them).
    c.set_non_defaults(DB, "asterisk");
    let settings = (c.database_settings(DB), owner_role(&c));
    let before_a = c.rows(DB);
    let before_x = c.rows("xivo");
    let seq_a = c.sequences(DB);
    let seq_x = c.sequences("xivo");
    let dropped_seqs: Vec<String> = sequences_of(&c, DB, &UPGRADE_DROPPED)
        .into_iter()
        .chain(sequences_of(&c, "xivo", &UPGRADE_DROPPED))
        .collect();
    assert!(
        dropped_seqs.contains(&"public.server_id_seq".to_string()),
        "{dropped_seqs:?}"
    );
    // The conference keys asterisk-163 moves, as the fixture wrote them:
    // (template, room, label, position, blf) for the keys on a room that
    // still exists.
    let meetme_mappings = |c: &Cluster, sql: &str| -> Vec<String> {
        c.psql(DB, sql).lines().map(String::from).collect()
    };
    let expected_mappings = meetme_mappings(
        &c,
        "SELECT u.func_key_private_template_id || ' ' || k.typevalextenumbersright || ' ' \
                || coalesce(k.label, 'NULL') || ' ' || k.fknum || ' ' || (k.supervision <> 0) \
           FROM phonefunckey k JOIN userfeatures u ON u.id = k.iduserfeatures \
          WHERE k.typeextenumbersright = 'meetme' \
            AND k.typevalextenumbersright IN (SELECT id::text FROM meetmefeatures) ORDER BY 1",
    );
    assert_eq!(
        expected_mappings.len(),
        FILL_MEETME_KEYS - 1,
        "the fixture's keys"
    );
    let rooms = c.psql(
        DB,
        "SELECT string_agg(id::text, ',' ORDER BY id) FROM meetmefeatures",
    );
    let total: usize = before_a
        .values()
        .chain(before_x.values())
        .map(|(_, r)| r.len())
        .sum();
    assert!(total > 30_000, "a realistic fixture ({total} rows)");
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(
        c.psql(DB, common::NOT_OWNED_BY_ASTERISK),
        "0",
        "{layout}: owners"
    );
    assert_eq!(
        (c.database_settings(DB), owner_role(&c)),
        settings,
        "{layout}: the database's settings and the owner role's"
    );
    for (table, (columns, rows)) in before_a.iter().chain(before_x.iter()) {
        if UPGRADE_DROPPED.contains(&table.as_str()) {
            assert_eq!(
                c.psql(DB, &format!("SELECT to_regclass('{table}') IS NULL")),
                "t",
                "{table} is dropped by 14.08's scripts"
            );
            continue;
        }
        let after = c.rows_of(DB, table, columns);
        let missing = missing_rows(rows, &after);
        // Rows only removed: the meetme keys, now function keys.
        let may_go = if table == "public.phonefunckey" {
            let meetme = rows_where(columns, rows, "typeextenumbersright", "meetme");
            assert_eq!(meetme.len(), FILL_MEETME_KEYS, "the fixture's meetme keys");
            meetme
        } else {
            Vec::new()
        };
        let mut gone = missing.clone();
        gone.sort();
        let mut want_gone = may_go.clone();
        want_gone.sort();
        assert!(
            gone == want_gone,
            "{table}: {} of {} rows gone ({} expected to go); lost e.g. {:?}, kept although it should go e.g. {:?}",
            missing.len(),
            rows.len(),
            want_gone.len(),
            missing_rows(&gone, &want_gone).first(),
            missing_rows(&want_gone, &gone).first()
        );
        // Rows only added: the function keys of the conference rooms.
        let added = missing_rows(&after, rows);
        let want_added = match table.as_str() {
            "public.func_key" => FILL_ROOMS,
            "public.func_key_mapping" => FILL_MEETME_KEYS - 1,
            "public.func_key_destination_type" => 1,
            _ => 0,
        };
        assert_eq!(
            added.len(),
            want_added,
            "{table}: rows added, e.g. {:?}",
            added.first()
        );
    }
    // What was added is what the fixture's data asks for: the conference
    // destination type, one speed-dial key per room, each user's keys.
    assert_eq!(
        c.psql(
            DB,
            "SELECT name FROM func_key_destination_type WHERE id = 4"
        ),
        "conference"
    );
    assert_eq!(
        c.psql(
            DB,
            "SELECT string_agg(d.conference_id::text, ',' ORDER BY d.conference_id) \
               FROM func_key_dest_conference d JOIN func_key k ON k.id = d.func_key_id \
               JOIN func_key_type t ON t.id = k.type_id \
              WHERE t.name = 'speeddial' AND k.destination_type_id = 4"
        ),
        rooms,
        "one speed-dial key per conference room"
    );
    assert_eq!(
        meetme_mappings(
            &c,
            "SELECT m.template_id || ' ' || d.conference_id || ' ' || coalesce(m.label, 'NULL') \
                    || ' ' || m.position || ' ' || m.blf \
               FROM func_key_mapping m JOIN func_key_dest_conference d ON d.func_key_id = m.func_key_id \
              ORDER BY 1"
        ),
        expected_mappings,
        "each user's conference keys in the user's template"
    );
    for (seq, value) in seq_a.iter().chain(seq_x.iter()) {
        if dropped_seqs.contains(seq) {
            assert_eq!(
                c.psql(DB, &format!("SELECT to_regclass('{seq}') IS NULL")),
                "t",
                "{seq} goes with its table"
            );
            continue;
        }
        let now: i64 = c
            .psql(DB, &format!("SELECT coalesce(last_value, 0) FROM pg_sequences WHERE schemaname || '.' || sequencename = '{seq}'"))
            .parse()
            .unwrap_or_else(|_| panic!("sequence {seq} missing after the merge"));
        assert!(
            now >= *value,
            "sequence {seq} went back from {value} to {now}"
        );
    }
}

#[test]
fn bad_state_files_are_refused_and_nothing_changes() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    let state = c.state_dir().join("update-db");
    let a = c.fingerprint(DB);
    let x = c.fingerprint("xivo");
    for (file, content, want) in [
        (
            "asterisk-last",
            "garbage\n",
            "'garbage' is not a script level",
        ),
        ("asterisk-last", "", "empty"),
        (
            "xivo-last",
            "9\n",
            "level 009 is not one this package upgrades from",
        ),
        (
            "xivo-last",
            "99999\n",
            "level 99999 is not one this package upgrades from",
        ),
    ] {
        let good = std::fs::read_to_string(state.join(file)).expect("state file");
        std::fs::write(state.join(file), content).expect("write");
        for bin in ["xivo-update-db", "xivo-check-db"] {
            let r = c.run(bin, &[], None);
            assert_eq!(r.code, 2, "{file}={content:?} / {bin}: {r:?}");
            let line = r.stderr.lines().last().unwrap_or_default();
            assert!(
                line.contains(&state.join(file).display().to_string()) && line.contains(want),
                "{line}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(state.join(file)).expect("state"),
            content,
            "state file untouched"
        );
        std::fs::write(state.join(file), good).expect("restore");
    }
    std::fs::remove_file(state.join("xivo-last")).expect("rm");
    let r = c.run("xivo-update-db", &[], None);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("xivo-last") && r.stderr.contains("missing"),
        "{}",
        r.stderr
    );
    assert_eq!(c.fingerprint(DB), a);
    assert_eq!(c.fingerprint("xivo"), x);
}

#[test]
fn a_failure_late_in_the_upgrade_leaves_the_14_07_host_as_it_was() {
    let c = Cluster::start();
    c.make_1407_host(Host1407 {
        fill: true,
        queue_log_rows: 5000,
        ..Default::default()
    });
    let a = c.fingerprint(DB);
    let x = c.fingerprint("xivo");
    let states = (c.state_file("asterisk-last"), c.state_file("xivo-last"));
    // The failing migration sits in the first transactional segment of the
    // versions, the one the merge's transaction holds (later segments commit
    // after the merge: tests/migration_order.rs), whatever the shipped set's
    // shape: its only parent is the baseline, so it is ready from the start,
    // and the planner runs ready transactional migrations before any
    // non-transactional one. Its file name sorts after the shipped ones, so
    // it runs last in that transaction. A merge revision joins it to the
    // shipped head.
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fffa11ed0002",
        &repo_baseline(),
        "SELECT 1/0;",
    );
    add_version(
        &broken.path,
        "fffa11ed0003",
        &format!("{}, fffa11ed0002", repo_head()),
        "SELECT 1;",
    );
    let r = c.run("xivo-update-db", &[], Some(&broken.path));
    r.assert_code(1);
    assert!(
        r.stderr.contains("migration fffa11ed0002 (") && r.stderr.contains("division by zero"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("already committed"),
        "it failed in the merge's transaction: {}",
        r.stderr
    );
    c.assert_as_before_a_rollback(DB, &a);
    c.assert_as_before_a_rollback("xivo", &x);
    assert!(c.role_exists("xivo"));
    assert_eq!(
        (c.state_file("asterisk-last"), c.state_file("xivo-last")),
        states
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT datconnlimit FROM pg_database WHERE datname = 'xivo'"
        ),
        "-1",
        "xivo reopened"
    );
    // The fixed package then converges.
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(c.revisions(DB), repo_head());
}

#[test]
fn conflicting_table_is_refused_before_any_change() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    c.psql("xivo", "CREATE TABLE public.cel (id int)");
    let a = c.fingerprint(DB);
    let x = c.fingerprint("xivo");
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(1);
    let line = r.stderr.lines().last().unwrap_or_default();
    assert!(
        line.contains("table public.cel")
            && line.contains("different definitions")
            && line.contains("nothing changed"),
        "{line}"
    );
    assert_eq!(c.fingerprint(DB), a);
    assert_eq!(c.fingerprint("xivo"), x);
}

#[test]
fn identical_table_in_both_databases_is_merged_without_duplicates() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    for (db, rows) in [(DB, "(1, 'a'), (2, 'b')"), ("xivo", "(2, 'b'), (3, 'c')")] {
        c.psql(db, &format!("SET ROLE {db}; CREATE TABLE public.site_notes (id serial PRIMARY KEY, note text); INSERT INTO site_notes (id, note) VALUES {rows}; SELECT setval('site_notes_id_seq', 3)"));
    }
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(
        c.psql(
            DB,
            "SELECT string_agg(id || note, ',' ORDER BY id) FROM site_notes"
        ),
        "1a,2b,3c"
    );
    assert_eq!(c.psql(DB, "SELECT last_value FROM site_notes_id_seq"), "3");
}

#[test]
fn objects_an_administrator_added_to_xivo_move_too() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    c.psql(
        "xivo",
        "SET ROLE xivo; \
         CREATE TABLE local_acl (id serial PRIMARY KEY, cidr text NOT NULL UNIQUE, created timestamptz DEFAULT now()); \
         COMMENT ON TABLE local_acl IS 'site firewall'; \
         INSERT INTO local_acl (cidr) SELECT '10.0.' || g || '.0/24' FROM generate_series(1, 50) g; \
         CREATE VIEW local_acl_count AS SELECT count(*) AS n FROM local_acl; \
         CREATE FUNCTION acl_label(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'acl:' || $1 $$; \
         CREATE INDEX local_acl_created ON local_acl (created); \
         ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC",
    );
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_eq!(c.psql(DB, "SELECT n FROM local_acl_count"), "50");
    assert_eq!(c.psql(DB, "SELECT acl_label('x')"), "acl:x");
    assert_eq!(
        c.psql(DB, "SELECT obj_description('local_acl'::regclass)"),
        "site firewall"
    );
    assert_eq!(
        c.psql(
            DB,
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'local_acl_created'"
        ),
        "1"
    );
    assert_eq!(c.psql(DB, "SELECT nextval('local_acl_id_seq')"), "51");
    for (what, sql) in [
        (
            "table",
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'local_acl'",
        ),
        (
            "view",
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'local_acl_count'",
        ),
        (
            "function",
            "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'acl_label'",
        ),
        (
            "default privileges",
            "SELECT pg_get_userbyid(defaclrole) FROM pg_default_acl",
        ),
    ] {
        assert_eq!(c.psql(DB, sql), "asterisk", "{what} owner");
    }
    assert!(!c.role_exists("xivo"));
}

#[test]
fn sessions_on_xivo_are_ended_before_the_merge() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    let mut session = common::as_owner("psql");
    session
        .env("PGPASSWORD", "proformatique")
        .args(["-X", "-h"])
        .arg(&c.dir)
        .args([
            "-p",
            &c.port.to_string(),
            "-U",
            "xivo",
            "-d",
            "xivo",
            "-c",
            "SELECT pg_sleep(600)",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = session.spawn().expect("session");
    for _ in 0..100 {
        if c.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'xivo'",
        ) == "1"
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert!(
        r.stderr.contains("ended session pid") && r.stderr.contains("user xivo"),
        "{}",
        r.stderr
    );
    let status = child.wait().expect("session ended");
    assert!(!status.success(), "the session was terminated");
}

#[test]
fn a_merge_killed_after_its_commit_is_finished_not_redone() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    c.run("xivo-update-db", &[], None).assert_code(0);
    let after = c.fingerprint(DB);
    // What a kill -9 right after the commit leaves: xivo (marked), its role,
    // the state files.
    c.psql("postgres", "CREATE ROLE xivo LOGIN");
    c.psql("postgres", "CREATE DATABASE xivo OWNER xivo");
    c.psql(
        "postgres",
        "COMMENT ON DATABASE xivo IS 'xivo-manage-db: merged into asterisk'",
    );
    std::fs::create_dir_all(c.state_dir().join("update-db")).expect("mkdir");
    std::fs::write(c.state_dir().join("update-db/asterisk-last"), "161.sql\n").expect("write");
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert!(!c.exists("xivo") && !c.role_exists("xivo"));
    assert!(c.state_file("asterisk-last").is_none());
    assert_eq!(
        c.fingerprint(DB),
        after,
        "asterisk untouched: the merge is not redone"
    );
    // A xivo database we did not merge is never dropped.
    c.psql("postgres", "CREATE DATABASE xivo");
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(0);
    assert!(c.exists("xivo"), "unmarked xivo kept");
    assert!(
        r.stderr.contains("was not merged by this tool"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_object_that_cannot_move_is_named_and_nothing_changes() {
    let c = Cluster::start();
    c.make_1407_host(Host1407::default());
    let states = (c.state_file("asterisk-last"), c.state_file("xivo-last"));
    // Event triggers need a superuser; the merge creates objects as asterisk.
    c.psql(
        "xivo",
        "CREATE FUNCTION audit_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$; \
         CREATE EVENT TRIGGER site_audit ON ddl_command_end EXECUTE FUNCTION audit_ddl()",
    );
    let a = c.fingerprint(DB);
    let x = c.fingerprint("xivo");
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(1);
    let line = r.stderr.lines().last().unwrap_or_default();
    assert!(
        line.contains("site_audit") && line.contains("nothing changed"),
        "{line}"
    );
    c.assert_as_before_a_rollback(DB, &a);
    c.assert_as_before_a_rollback("xivo", &x);
    assert_eq!(
        (c.state_file("asterisk-last"), c.state_file("xivo-last")),
        states,
        "state files untouched"
    );
    assert_eq!(
        states.0.as_deref().map(str::trim),
        Some("161.sql"),
        "as 14.07 wrote it"
    );
}

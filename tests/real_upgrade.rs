//! "The same means the same": hosts built exactly as XiVO 14.06 and 14.07
//! built them (their own pg_dump files, tests/fixtures/xivo-real/, loaded as
//! the superuser; state files `161.sql` / `008.sql`), upgraded by
//! `xivo-update-db` and by the maintainer scripts as apt runs them, equal
//! the database upstream 14.08 left: `pg_dump -s`, every row of every
//! table, every sequence (0 lines of diff). `xivo-init-db --init` gives the
//! same schema and default rows. A host upstream 14.08 upgraded is accepted
//! as it is, and only a later version changes it.
//!
//! Outside the comparison, as the specification allows: this package's own
//! tables (`xivo_manage_db_*`), the definition of `alembic_version` (its
//! content must be 146ddf6c4b36) and the values of `queue_log.id` (unique,
//! the sequence past them). The root user's `dcreate` is the install time
//! on a fresh install; the dumps pin it to 1400000000, so the test does too.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::host::{Host, DB};
use common::{add_version, Cluster, MigrationsDir};

const HEAD: &str = "146ddf6c4b36";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xivo-real")
        .join(name)
}

/// The release a host is built as.
#[derive(Clone, Copy)]
enum Release {
    R1406,
    R1407,
}

impl Release {
    fn xivo_dump(self) -> &'static str {
        match self {
            Release::R1406 => "xivo-14.06-fresh-xivo.sql",
            Release::R1407 => "xivo-14.07-fresh-xivo.sql",
        }
    }

    fn xivo_state(self) -> &'static str {
        match self {
            Release::R1406 => "007.sql\n",
            Release::R1407 => "008.sql\n",
        }
    }

    /// The database upstream 14.08 made of such a host, loaded once per cluster.
    fn target(self) -> (&'static str, &'static str) {
        match self {
            Release::R1406 => (
                "target_from_1406",
                "xivo-14.08-upgraded-from-14.06-asterisk.sql",
            ),
            Release::R1407 => ("target_from_1407", "xivo-14.08-upgraded-asterisk.sql"),
        }
    }
}

fn psql_file(c: &Cluster, db: &str, file: &Path) {
    let out = c
        .psql_cmd(db, "SELECT 1")
        .args(["-f"])
        .arg(file)
        .output()
        .expect("psql -f");
    assert!(
        out.status.success(),
        "psql -f {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Roles asterisk and xivo (with a password, as the 14.07 package made
/// them), and `postgres`, which owns alembic_version in the target dump.
fn roles(c: &Cluster) {
    c.psql(
        "postgres",
        "DO $$ BEGIN \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'asterisk') THEN \
             CREATE ROLE asterisk LOGIN PASSWORD 'proformatique'; END IF; \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'xivo') THEN \
             CREATE ROLE xivo LOGIN PASSWORD 'proformatique'; END IF; \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postgres') THEN \
             CREATE ROLE postgres; END IF; \
         END $$",
    );
}

/// A host as `release` built it: the databases owned by their roles, the
/// dumps run as the superuser, `asterisk_sql` / `xivo_sql` (an
/// administrator's data) run on them, the state files as the old updater
/// wrote them. The `asterisk` dump is run once per cluster, into a template
/// database each host's `asterisk` is then copied from (`CREATE DATABASE
/// ... TEMPLATE`: the same objects, owners, grants and rows, in a fraction
/// of the time).
fn real_host(c: &Cluster, release: Release, asterisk_sql: &str, xivo_sql: &str) {
    roles(c);
    let asterisk = template(c, "xivo-14.07-fresh-asterisk.sql");
    c.psql(
        "postgres",
        &format!("CREATE DATABASE asterisk OWNER asterisk TEMPLATE {asterisk}"),
    );
    // Not from a template: its grants to role xivo would outlive the
    // upgrade's DROP ROLE xivo. It is the small one.
    c.psql("postgres", "CREATE DATABASE xivo OWNER xivo");
    psql_file(c, "xivo", &fixture(release.xivo_dump()));
    for (db, sql) in [("asterisk", asterisk_sql), ("xivo", xivo_sql)] {
        if !sql.is_empty() {
            c.psql(db, sql);
        }
    }
    let dir = c.state_dir().join("update-db");
    std::fs::create_dir_all(&dir).expect("state dir");
    std::fs::write(dir.join("asterisk-last"), "161.sql\n").expect("asterisk-last");
    std::fs::write(dir.join("xivo-last"), release.xivo_state()).expect("xivo-last");
}

/// A template database holding `dump` (run with `psql -f` as the
/// superuser), made on first use; its name.
fn template(c: &Cluster, dump: &str) -> String {
    let name = format!(
        "fixture_{}",
        dump.trim_end_matches(".sql").replace(['-', '.'], "_")
    );
    if !c.exists(&name) {
        c.psql("postgres", &format!("CREATE DATABASE {name}"));
        psql_file(c, &name, &fixture(dump));
        c.psql(
            "postgres",
            &format!("ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"),
        );
    }
    name
}

/// Upstream's result for a host, with its schema and rows read once.
struct Target {
    schema: String,
    rows: String,
}

/// Load upstream's result for `release`, plus `expected_sql` (the rows the
/// host's data must have become), into a database `name`, and read it.
fn target(c: &Cluster, release: Release, name: &str, expected_sql: &str) -> Target {
    roles(c);
    let (_, file) = release.target();
    c.psql(
        "postgres",
        &format!("CREATE DATABASE {name} OWNER asterisk"),
    );
    psql_file(c, name, &fixture(file));
    if !expected_sql.is_empty() {
        c.psql(name, expected_sql);
    }
    Target {
        schema: schema(c, name),
        rows: rows(c, name),
    }
}

/// `pg_dump -s` normalised, without this package's tables and alembic_version.
fn schema(c: &Cluster, db: &str) -> String {
    let mut cmd = common::as_owner("pg_dump");
    cmd.args(["--schema-only", "-h"]).arg(&c.dir).args([
        "-p",
        &c.port.to_string(),
        "-U",
        &common::owner().name,
        "--exclude-table=public.xivo_manage_db_*",
        "--exclude-table=public.alembic_version",
        db,
    ]);
    let out = cmd.output().expect("pg_dump");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::normalise_dump(&String::from_utf8_lossy(&out.stdout))
}

/// Every row of every table (as JSON, `queue_log` without its id), and every
/// sequence but queue_log's, one line each, sorted.
fn rows(c: &Cluster, db: &str) -> String {
    c.psql(
        db,
        "SELECT line FROM ( \
           SELECT c.relname || ': ' || r.line AS line \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, \
             LATERAL (SELECT unnest(xpath('/table/row/r/text()', query_to_xml(format( \
               'SELECT (to_jsonb(x) - %L)::text AS r FROM public.%I x', \
               CASE c.relname WHEN 'queue_log' THEN 'id' ELSE '' END, c.relname), \
               false, false, '')))::text AS line) r \
            WHERE n.nspname = 'public' AND c.relkind = 'r' \
              AND c.relname NOT LIKE 'xivo\\_manage\\_db\\_%' AND c.relname <> 'alembic_version' \
           UNION ALL \
           SELECT 'sequence ' || sequencename || ' ' || coalesce(last_value::text, 'unset') \
             FROM pg_sequences WHERE schemaname = 'public' AND sequencename <> 'queue_log_id_seq') q \
         ORDER BY line",
    )
}

/// `diff` of two texts: its output (empty when they are the same).
fn diff(a: &str, b: &str) -> String {
    let dir = std::env::temp_dir().join(format!("xmdb-real-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("diff dir");
    let (fa, fb) = (dir.join("expected"), dir.join("got"));
    std::fs::write(&fa, format!("{a}\n")).expect("write");
    std::fs::write(&fb, format!("{b}\n")).expect("write");
    let out = Command::new("diff")
        .arg(&fa)
        .arg(&fb)
        .output()
        .expect("diff");
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `db` equals `expected` in schema, rows and sequences (0 lines of diff);
/// alembic_version holds head; queue_log's ids are unique and its sequence
/// is past them.
fn assert_same(c: &Cluster, db: &str, expected: &Target, case: &str) {
    let d = diff(&expected.schema, &schema(c, db));
    assert!(
        d.is_empty(),
        "{case}: schema differs ({} lines):\n{d}",
        d.lines().count()
    );
    let d = diff(&expected.rows, &rows(c, db));
    assert!(
        d.is_empty(),
        "{case}: rows differ ({} lines):\n{d}",
        d.lines().count()
    );
    assert_eq!(
        c.psql(
            db,
            "SELECT string_agg(version_num, ',') FROM alembic_version"
        ),
        HEAD,
        "{case}"
    );
    assert_eq!(
        c.psql(
            db,
            "SELECT count(DISTINCT id) = count(*) AND count(id) = count(*) \
                AND coalesce(max(id), 0) <= (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END \
                                               FROM queue_log_id_seq) FROM queue_log"
        ),
        "t",
        "{case}: queue_log's ids unique, its sequence past them"
    );
    eprintln!("{case}: 0 lines of schema diff, 0 lines of row diff");
}

fn drop_host(c: &Cluster) {
    c.psql("postgres", "DROP DATABASE IF EXISTS asterisk");
    c.psql("postgres", "DROP DATABASE IF EXISTS xivo");
    let _ = std::fs::remove_dir_all(c.state_dir().join("update-db"));
}

/// On a real 14.07 host, state files of any other release: every command
/// exits 2 before changing anything, in one line naming the file and the
/// releases this package upgrades from.
fn other_levels_are_refused_before_anything_changes(c: &Cluster) {
    let dir = c.state_dir().join("update-db");
    let good =
        ["asterisk-last", "xivo-last"].map(|f| std::fs::read(dir.join(f)).expect("state file"));
    let before = (c.fingerprint(DB), c.fingerprint("xivo"));
    for (asterisk, xivo, file) in [
        ("166.sql\n", "009.sql\n", "asterisk-last"),
        ("160.sql\n", "008.sql\n", "asterisk-last"),
        ("161.sql\n", "009.sql\n", "xivo-last"),
        ("193\n", "123\n", "asterisk-last"),
    ] {
        std::fs::write(dir.join("asterisk-last"), asterisk).expect("write");
        std::fs::write(dir.join("xivo-last"), xivo).expect("write");
        for bin in ["xivo-update-db", "xivo-check-db"] {
            let r = c.run(bin, &[], None);
            r.assert_code(2);
            let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error")).collect();
            assert!(
                errors.len() == 1
                    && errors[0].contains(file)
                    && errors[0].contains("14.06")
                    && errors[0].contains("14.07"),
                "{bin} {asterisk:?} {xivo:?}: {}",
                r.stderr
            );
        }
    }
    assert_eq!((c.fingerprint(DB), c.fingerprint("xivo")), before);
    for (f, bytes) in ["asterisk-last", "xivo-last"].iter().zip(good) {
        std::fs::write(dir.join(f), bytes).expect("put back");
    }
}

#[test]
fn a_real_1407_host_upgrades_to_the_target_and_other_levels_are_refused() {
    let c = Cluster::start();
    let target_1407 = target(&c, Release::R1407, "target_from_1407", "");
    real_host(&c, Release::R1407, "", "");
    other_levels_are_refused_before_anything_changes(&c);
    c.run("xivo-check-db", &[], None).assert_code(1);
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_same(&c, DB, &target_1407, "fresh 14.07 host, xivo-update-db");
    assert!(!c.exists("xivo") && c.state_file("asterisk-last").is_none());
    c.run("xivo-check-db", &[], None).assert_code(0);
}

#[test]
fn a_real_1406_host_upgrades_to_its_target_and_init_db_gives_the_target() {
    let c = Cluster::start();
    let target_1406 = target(&c, Release::R1406, "target_from_1406", "");
    let target_1407 = target(&c, Release::R1407, "target_from_1407", "");
    real_host(&c, Release::R1406, "", "");
    // The bare form of the state files is read too.
    std::fs::write(c.state_dir().join("update-db/asterisk-last"), "161").expect("write");
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_same(&c, DB, &target_1406, "fresh 14.06 host, xivo-update-db");
    drop_host(&c);

    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    c.run("xivo-init-db", &["--init"], None).assert_code(0);
    let dcreate: u64 = c
        .psql(DB, "SELECT dcreate FROM \"user\" WHERE login = 'root'")
        .parse()
        .expect("dcreate");
    assert!(
        dcreate >= before && dcreate <= before + 600,
        "install time: {dcreate}"
    );
    c.psql(
        DB,
        "UPDATE \"user\" SET dcreate = 1400000000 WHERE login = 'root'",
    );
    assert_same(&c, DB, &target_1407, "xivo-init-db --init");
}

#[test]
fn the_maintainer_scripts_give_the_target_on_a_fresh_1407_host() {
    let h = Host::new();
    let expected = target(&h.c, Release::R1407, "target_from_1407", "");
    real_host(&h.c, Release::R1407, "", "");
    h.start_services();
    h.hook("preinst", &["upgrade", "14.7.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["configure", "14.7.0"], None)
        .assert_code(0);
    assert_same(&h.c, DB, &expected, "fresh 14.07 host, preinst + postinst");
    assert!(h.snapshots().is_empty() && !h.c.exists("xivo"));
}

/// Data an administrator's 14.07 host holds where the numbered scripts
/// change it: conference keys (one whose room is gone, one that is not a
/// conference key), access and server features, statistics ids ahead of
/// their sequence, queue_log rows, a web user with an entity.
const DATA_1407_ASTERISK: &str = "
    INSERT INTO func_key_template (id, name, private) VALUES (1, NULL, true), (2, NULL, true);
    SELECT setval('func_key_template_id_seq', 2);
    INSERT INTO userfeatures (id, firstname, description, func_key_private_template_id)
         VALUES (1, 'Alice', '', 1), (2, 'Bob', '', 2);
    SELECT setval('userfeatures_id_seq', 2);
    INSERT INTO meetmefeatures (id, meetmeid, name, confno, context, admin_identification,
                                admin_mode, admin_announcejoinleave, user_mode,
                                user_announcejoinleave, emailbody, description)
         VALUES (1, 1, 'sales', '4000', 'default', 'pin', 'all', 'no', 'all', 'no', '', ''),
                (2, 2, 'support', '4001', 'default', 'pin', 'all', 'no', 'all', 'no', '', '');
    SELECT setval('meetmefeatures_id_seq', 2);
    INSERT INTO phonefunckey (iduserfeatures, fknum, typeextenumbersright,
                              typevalextenumbersright, label, supervision)
         VALUES (1, 1, 'meetme', '2', 'Support room', 1),
                (1, 2, 'meetme', '9', 'Closed room', 0),
                (2, 3, 'meetme', '1', NULL, 0),
                (2, 4, 'user', '1', 'Alice', 1);
    INSERT INTO accessfeatures (host, feature, commented)
         VALUES ('10.0.0.0/8', 'phonebook', 0), ('192.168.1.0/24', 'phonebook', 1);
    INSERT INTO serverfeatures (serverid, feature, type, commented)
         VALUES (1, 'phonebook', 'xivo', 0), (2, 'phonebook', 'ldap', 1);
    INSERT INTO stat_agent_periodic (id, \"time\", agent_id)
         VALUES (7, '2014-05-01 10:00', NULL), (12, '2014-05-01 11:00', NULL);
    INSERT INTO queue_log (\"time\", callid, queuename, agent, event, data1)
         VALUES ('2014-05-01 10:00:00.000001', '1398938400.1', 'sales', 'Agent/1000', 'CONNECT', '5'),
                ('2014-05-01 10:01:00.000001', '1398938400.1', 'sales', 'Agent/1000', 'COMPLETEAGENT', '5'),
                ('2014-05-01 10:02:00.000001', '1398938520.2', 'sales', 'NONE', 'ABANDON', '1');
";

const DATA_1407_XIVO: &str = "
    INSERT INTO entity (id, name, displayname, description) VALUES (1, 'acme', 'Acme', '');
    SELECT setval('entity_id_seq', 1);
    INSERT INTO \"user\" (id, entity_id, login, passwd, meta, obj)
         VALUES (2, 1, 'operator', 'secret', 'admin', '');
    SELECT setval('user_id_seq', 2);
";

/// What upstream's scripts and revisions make of that data (FACTS of the
/// 14.08 scripts, written out by hand), on top of the target's own rows.
const EXPECTED_1408: &str = "
    INSERT INTO func_key_template (id, name, private) VALUES (1, NULL, true), (2, NULL, true);
    SELECT setval('func_key_template_id_seq', 2);
    -- Created under 14.07's default for enableclient (1).
    INSERT INTO userfeatures (id, firstname, description, func_key_private_template_id, enableclient)
         VALUES (1, 'Alice', '', 1, 1), (2, 'Bob', '', 2, 1);
    SELECT setval('userfeatures_id_seq', 2);
    INSERT INTO meetmefeatures (id, meetmeid, name, confno, context, admin_identification,
                                admin_mode, admin_announcejoinleave, user_mode,
                                user_announcejoinleave, emailbody, description)
         VALUES (1, 1, 'sales', '4000', 'default', 'pin', 'all', 'no', 'all', 'no', '', ''),
                (2, 2, 'support', '4001', 'default', 'pin', 'all', 'no', 'all', 'no', '', '');
    SELECT setval('meetmefeatures_id_seq', 2);
    -- asterisk-163: one speed-dial key (type 1) to a conference (4) per room,
    -- in the rooms' order; each user's conference key in the user's private
    -- template at its position; the phonefunckey rows of type meetme gone
    -- (the one to room 9 with them).
    INSERT INTO func_key (id, type_id, destination_type_id) VALUES (1, 1, 4), (2, 1, 4);
    SELECT setval('func_key_id_seq', 2);
    INSERT INTO func_key_dest_conference (func_key_id, destination_type_id, conference_id)
         VALUES (1, 4, 1), (2, 4, 2);
    INSERT INTO func_key_mapping (template_id, func_key_id, destination_type_id, label, \"position\", blf)
         VALUES (1, 2, 4, 'Support room', 1, true), (2, 1, 4, NULL, 3, false);
    INSERT INTO phonefunckey (iduserfeatures, fknum, typeextenumbersright,
                              typevalextenumbersright, label, supervision)
         VALUES (2, 4, 'user', '1', 'Alice', 1);
    -- asterisk-166: feature is 'phonebook' on every row.
    INSERT INTO accessfeatures (id, host, commented, feature)
         VALUES (1, '10.0.0.0/8', 0, 'phonebook'), (2, '192.168.1.0/24', 1, 'phonebook');
    SELECT setval('accessfeatures_id_seq', 2);
    INSERT INTO serverfeatures (id, serverid, type, commented, feature)
         VALUES (1, 1, 'xivo', 0, 'phonebook'), (2, 2, 'ldap', 1, 'phonebook');
    SELECT setval('serverfeatures_id_seq', 2);
    -- 108164f6117e: the sequence at the highest id.
    INSERT INTO stat_agent_periodic (id, \"time\", agent_id)
         VALUES (7, '2014-05-01 10:00', NULL), (12, '2014-05-01 11:00', NULL);
    SELECT setval('stat_agent_periodic_id_seq', 12);
    INSERT INTO queue_log (\"time\", callid, queuename, agent, event, data1)
         VALUES ('2014-05-01 10:00:00.000001', '1398938400.1', 'sales', 'Agent/1000', 'CONNECT', '5'),
                ('2014-05-01 10:01:00.000001', '1398938400.1', 'sales', 'Agent/1000', 'COMPLETEAGENT', '5'),
                ('2014-05-01 10:02:00.000001', '1398938520.2', 'sales', 'NONE', 'ABANDON', '1');
    INSERT INTO entity (id, name, displayname, description) VALUES (1, 'acme', 'Acme', '');
    SELECT setval('entity_id_seq', 1);
    INSERT INTO \"user\" (id, entity_id, login, passwd, meta, obj)
         VALUES (2, 1, 'operator', 'secret', 'admin', '');
    SELECT setval('user_id_seq', 2);
";

/// The 14.08 upgrade notes' step, taken by the administrator beforehand.
const ADMIN_ADDED_ID: &str = "
    ALTER TABLE queue_log ADD COLUMN id SERIAL PRIMARY KEY;
    GRANT ALL ON SEQUENCE queue_log_id_seq TO asterisk;
";

#[test]
fn hosts_holding_the_data_the_scripts_change_upgrade_as_14_08_did() {
    let c = Cluster::start();
    let expected = target(&c, Release::R1407, "expected", EXPECTED_1408);

    real_host(&c, Release::R1407, DATA_1407_ASTERISK, DATA_1407_XIVO);
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_same(
        &c,
        DB,
        &expected,
        "14.07 host with data, queue_log without id",
    );
    drop_host(&c);

    let data = format!("{DATA_1407_ASTERISK}{ADMIN_ADDED_ID}");
    real_host(&c, Release::R1407, &data, DATA_1407_XIVO);
    // And xivo-last saying 14.06's level (as `restore --levels 161,007` of a
    // 14.07 backup would): xivo-008 runs on 14.07 data and must keep the
    // user's entity.
    std::fs::write(c.state_dir().join("update-db/xivo-last"), "007.sql\n").expect("write");
    let ids = c.psql(
        DB,
        "SELECT string_agg(id || ' ' || \"time\", ',' ORDER BY id) FROM queue_log",
    );
    c.run("xivo-update-db", &[], None).assert_code(0);
    assert_same(
        &c,
        DB,
        &expected,
        "14.07 host with data, queue_log id added by the administrator, xivo-last 007",
    );
    assert_eq!(
        c.psql(
            DB,
            "SELECT string_agg(id || ' ' || \"time\", ',' ORDER BY id) FROM queue_log"
        ),
        ids,
        "the administrator's ids are kept"
    );
}

/// A host upstream 14.08 upgraded: its database as upstream left it, no
/// state files, none of this package's tables.
fn upstream_1408_host(c: &Cluster) {
    roles(c);
    c.psql("postgres", "CREATE DATABASE asterisk OWNER asterisk");
    psql_file(c, DB, &fixture("xivo-14.08-upgraded-asterisk.sql"));
}

#[test]
fn a_host_upstream_1408_upgraded_is_accepted_as_it_is_and_upgraded_by_a_later_version() {
    let h = Host::new();
    upstream_1408_host(&h.c);
    let before = h.c.fingerprint(DB);

    let r = h.c.run("xivo-check-db", &[], None);
    r.assert_code(0);
    assert!(r.stdout.contains("OK"), "{}", r.stdout);
    h.c.run("xivo-update-db", &[], None).assert_code(0);
    let status = h.c.run("xivo-manage-db", &["status"], None);
    status.assert_code(0);
    assert!(
        status.stdout.contains(HEAD) && status.stdout.contains("nothing recorded by this package"),
        "{}",
        status.stdout
    );
    let history = h.c.run("xivo-manage-db", &["history"], None);
    history.assert_code(0);
    assert!(
        history.stdout.contains("nothing recorded by this package")
            && history.stdout.contains(&format!("at revision {HEAD}")),
        "{}",
        history.stdout
    );
    // The hooks of this same package: nothing to do, no service stopped.
    h.start_services();
    h.hook("preinst", &["upgrade", "14.8.0", "14.8.0"], None)
        .assert_code(0);
    h.hook("postinst", &["configure", "14.8.0"], None)
        .assert_code(0);
    assert_eq!(h.actions(), "", "no service stopped or started");
    // Not even this package's history table.
    assert_eq!(h.c.fingerprint(DB), before, "nothing changed");

    // A later package: the hooks apply its version, and from then on the
    // history has it.
    let later = MigrationsDir::copy_of_repo();
    add_version(
        &later.path,
        "c0ffee140900",
        HEAD,
        "ALTER TABLE userfeatures ADD COLUMN test_later integer;",
    );
    h.start_services();
    h.hook(
        "preinst",
        &["upgrade", "14.8.0", "14.9.0"],
        Some(&later.path),
    )
    .assert_code(0);
    h.hook("postinst", &["configure", "14.8.0"], Some(&later.path))
        .assert_code(0);
    assert_eq!(h.c.revisions(DB), "c0ffee140900");
    assert_eq!(
        h.c.psql(
            DB,
            "SELECT count(*) FROM information_schema.columns WHERE column_name = 'test_later'"
        ),
        "1"
    );
    let history = h.c.run("xivo-manage-db", &["history"], Some(&later.path));
    history.assert_code(0);
    assert!(
        history.stdout.contains("c0ffee140900"),
        "{}",
        history.stdout
    );
}

/// A user holding two conference keys on one room: asterisk-163 maps both to
/// the room's one function key, which func_key_mapping's key (template,
/// function key) takes once; upstream's script fails on it too. The upgrade
/// refuses it before anything changes, naming the user, the room and the
/// fix, instead of PostgreSQL's duplicate key error from inside the merge.
#[test]
fn two_meetme_keys_of_a_user_on_one_room_are_refused_before_anything_changes() {
    let c = Cluster::start();
    // Alice (user 1) already has a key on room 2 ('support') at position 1;
    // a second one at position 5.
    let data = format!(
        "{DATA_1407_ASTERISK}
         INSERT INTO phonefunckey (iduserfeatures, fknum, typeextenumbersright,
                                   typevalextenumbersright, label, supervision)
              VALUES (1, 5, 'meetme', '2', 'Support again', 0);"
    );
    real_host(&c, Release::R1407, &data, DATA_1407_XIVO);
    let before = (c.fingerprint(DB), c.fingerprint("xivo"));
    let states = (c.state_file("asterisk-last"), c.state_file("xivo-last"));
    let r = c.run("xivo-update-db", &[], None);
    r.assert_code(2);
    let line = r.stderr.lines().last().unwrap_or_default();
    assert!(
        line.contains("user 1 (Alice)")
            && line.contains("room 2 (support)")
            && line.contains("positions 1 and 5")
            && line.contains("remove one of the two keys")
            && line.contains("nothing changed")
            && !line.contains("duplicate key"),
        "{}",
        r.stderr
    );
    assert_eq!((c.fingerprint(DB), c.fingerprint("xivo")), before);
    assert_eq!(
        (c.state_file("asterisk-last"), c.state_file("xivo-last")),
        states
    );
    // The administrator removes one of the two keys: the upgrade goes on.
    c.psql(
        DB,
        "DELETE FROM phonefunckey WHERE iduserfeatures = 1 AND fknum = 5",
    );
    c.run("xivo-update-db", &[], None).assert_code(0);
}

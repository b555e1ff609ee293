//! `scripts/make-1407-host`, which builds the hosts every upgrade test starts
//! from: a real 14.06 or 14.07 host is exactly its release's dumps
//! (tests/fixtures/xivo-real) with the state files its updater wrote; the
//! role-owned variant gives every object to the roles; `--fill` keeps the
//! schema, is deterministic and holds the data 14.08's scripts change.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::{as_owner, owner, Cluster, Host1407, NOT_OWNED_BY_ASTERISK};

const ASTERISK_DUMP: &str = "xivo-14.07-fresh-asterisk.sql";

/// A new database `db` holding the fixture dump `file`, loaded as
/// make-1407-host loads it (as the superuser, which then owns its objects).
fn load_dump(c: &Cluster, db: &str, file: &str) {
    c.psql("postgres", &format!("CREATE DATABASE {db}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xivo-real")
        .join(file);
    let sql = std::fs::read_to_string(&path).expect("fixture dump");
    let sql = sql.replace(
        " OWNER TO postgres;\n",
        &format!(" OWNER TO \"{}\";\n", owner().name),
    );
    let mut psql = as_owner("psql");
    psql.args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-h"])
        .arg(&c.dir)
        .args(["-p", &c.port.to_string(), "-U", &owner().name, "-d", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = psql.spawn().expect("psql");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sql.as_bytes())
        .expect("write dump");
    let out = child.wait_with_output().expect("psql");
    assert!(
        out.status.success(),
        "loading {file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Schema, every row and every sequence of `db`, against the same of the
/// fixture dump `file` loaded beside it.
fn assert_is_dump(c: &Cluster, db: &str, file: &str) {
    load_dump(c, "reference", file);
    assert_eq!(
        c.schema(db),
        c.schema("reference"),
        "schema of {db} against {file}"
    );
    assert_eq!(
        c.table_sums(db),
        c.table_sums("reference"),
        "rows of {db} against {file}"
    );
    assert_eq!(
        c.sequences(db),
        c.sequences("reference"),
        "sequences of {db} against {file}"
    );
    c.psql("postgres", "DROP DATABASE reference");
}

#[test]
fn a_real_host_is_its_release_dumps_with_the_state_files_its_updater_wrote() {
    let c = Cluster::start();
    for (release, xivo_dump, xivo_last) in [
        ("14.06", "xivo-14.06-fresh-xivo.sql", "007.sql\n"),
        ("14.07", "xivo-14.07-fresh-xivo.sql", "008.sql\n"),
    ] {
        c.make_1407_host(Host1407 {
            release,
            extra: &["--replace"],
            ..Default::default()
        });
        assert_eq!(
            c.state_file("asterisk-last").as_deref(),
            Some("161.sql\n"),
            "{release}"
        );
        assert_eq!(
            c.state_file("xivo-last").as_deref(),
            Some(xivo_last),
            "{release}"
        );
        assert_is_dump(&c, "asterisk", ASTERISK_DUMP);
        assert_is_dump(&c, "xivo", xivo_dump);
    }
    // The variant: the same objects, every one of them the role's.
    c.make_1407_host(Host1407 {
        layout: "role-owned",
        extra: &["--replace"],
        ..Default::default()
    });
    assert_eq!(c.psql("asterisk", NOT_OWNED_BY_ASTERISK), "0");
    assert_eq!(
        c.psql(
            "xivo",
            &NOT_OWNED_BY_ASTERISK.replace("'asterisk'", "'xivo'")
        ),
        "0"
    );
}

#[test]
fn the_fill_is_deterministic_keeps_the_schema_and_holds_what_14_08_changes() {
    let c = Cluster::start();
    let fill = |release| {
        c.make_1407_host(Host1407 {
            release,
            fill: true,
            queue_log_rows: 500,
            extra: &[
                "--replace",
                "--users",
                "100",
                "--cel-rows",
                "300",
                "--sessions",
                "30",
            ],
            ..Default::default()
        });
        (
            [c.table_sums("asterisk"), c.table_sums("xivo")],
            [c.sequences("asterisk"), c.sequences("xivo")],
        )
    };
    let first = fill("14.07");
    let again = fill("14.07");
    assert_eq!(first.0, again.0, "two fills of 14.07 differ in their rows");
    assert_eq!(
        first.1, again.1,
        "two fills of 14.07 differ in their sequences"
    );
    for (db, file) in [
        ("asterisk", ASTERISK_DUMP),
        ("xivo", "xivo-14.07-fresh-xivo.sql"),
    ] {
        load_dump(&c, "reference", file);
        assert_eq!(
            c.schema(db),
            c.schema("reference"),
            "schema of {db} after the fill"
        );
        c.psql("postgres", "DROP DATABASE reference");
    }
    let q = |db: &str, sql: &str| c.psql(db, sql);
    // asterisk-163's input: meetme keys on rooms, one on a room gone, and
    // rooms that a plain SELECT does not return in id order.
    assert_eq!(
        q(
            "asterisk",
            "SELECT count(*) > 5, count(*) FILTER (WHERE typevalextenumbersright::int \
                 NOT IN (SELECT id FROM meetmefeatures)) FROM phonefunckey \
              WHERE typeextenumbersright = 'meetme'"
        ),
        "t|1"
    );
    assert_eq!(
        q(
            "asterisk",
            "SELECT string_agg(id::text, ',') <> string_agg(id::text, ',' ORDER BY id) FROM meetmefeatures"
        ),
        "t"
    );
    assert_eq!(
        q(
            "asterisk",
            "SELECT (SELECT count(*) FROM phonefunckey WHERE typeextenumbersright IS NULL) > 0, \
                    (SELECT count(*) FROM accessfeatures) > 0, (SELECT count(*) FROM serverfeatures) > 0"
        ),
        "t|t|t"
    );
    // 108164f6117e's input: ids ahead of the sequence.
    assert_eq!(
        q(
            "asterisk",
            "SELECT max(id) > (SELECT last_value FROM stat_agent_periodic_id_seq) FROM stat_agent_periodic"
        ),
        "t"
    );
    assert_eq!(
        q(
            "xivo",
            "SELECT count(*) > 0 FROM \"user\" WHERE entity_id IS NOT NULL"
        ),
        "t"
    );
    // 14.06: the same data but "user".entity_id, which it does not have.
    fill("14.06");
    assert_eq!(
        q(
            "xivo",
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'user' AND column_name = 'entity_id'"
        ),
        "0"
    );
    assert_eq!(q("xivo", "SELECT count(*) FROM \"user\""), "6");
}

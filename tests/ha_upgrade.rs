//! Upgrades under `xivo-manage-db ha`: both hosts run xivo-update-db with
//! the test-only set that adds a column to queuefeatures and a table
//! (engine_probe), in either order; the new table joins the publication
//! and the slave's subscription, and each host's revision stays its own.
//! A failed upgrade rolled back by the maintainer scripts, on either host,
//! leaves replication working.

mod common;

use common::ha::*;
use common::host::Host;
use common::*;

/// Both hosts upgraded with the test-only set that adds a column to
/// queuefeatures and a table (engine_probe), in the order given; the
/// master writes to the new table after each step.
fn upgrade_in_order(slave_first: bool) {
    let (m, s) = (master(), slave());
    let set = engine_set();
    enable(&m, &s).assert_code(0);
    let (first, second) = if slave_first { (&s, &m) } else { (&m, &s) };
    first
        .run("xivo-update-db", &[], Some(&set.path))
        .assert_code(0);
    if slave_first {
        // The master's old schema still applies on the upgraded slave.
        m.psql(
            "asterisk",
            "INSERT INTO ha_probe (tag) VALUES ('slave upgraded')",
        );
        until("applied on the upgraded slave", || {
            probe_rows(&s) == probe_rows(&m)
        });
        until_status(&m, 0);
    } else {
        // The slave lacks the table and column: apply errors, shown.
        m.psql("asterisk", "INSERT INTO engine_probe VALUES (3, 'three')");
        let r = until_status(&s, 1);
        assert!(
            r.stdout.contains("apply errors") || r.stdout.contains("engine_probe"),
            "{}",
            r.stdout
        );
    }
    second
        .run("xivo-update-db", &[], Some(&set.path))
        .assert_code(0);
    // Each host's revision is its own: never replicated.
    assert_eq!(s.revisions("asterisk"), m.revisions("asterisk"));
    let published = m.psql("asterisk", &format!("SELECT count(*) FROM pg_publication_tables WHERE pubname = '{NAME}' AND tablename = 'engine_probe'"));
    assert_eq!(published, "1", "the new table joined the publication");
    m.psql("asterisk", "INSERT INTO engine_probe VALUES (4, 'four') ON CONFLICT DO NOTHING; UPDATE queuefeatures SET engine_probe_mark = 1");
    let rows = "SELECT string_agg(id || tag, ',' ORDER BY id) FROM engine_probe";
    until("the new table replicates", || {
        s.psql("asterisk", rows) == m.psql("asterisk", rows)
    });
    assert!(m.psql("asterisk", rows).contains("4four"));
    until_status(&m, 0);
}

#[test]
fn upgrade_slave_first_then_master_keeps_replicating_and_takes_in_the_new_table() {
    upgrade_in_order(true);
}

#[test]
fn upgrade_master_first_shows_apply_errors_that_resume_once_both_match() {
    upgrade_in_order(false);
}

/// The maintainer scripts run a failing migration on one host (the slave
/// or the master) of an enabled pair and roll it back; a row the master
/// writes while the upgrade is under way, and one written after, reach the
/// slave, and `ha status` is 0 on both hosts.
fn rolled_back_upgrade_on(slave_side: bool) {
    let (m, s) = (master(), slave());
    enable(&m, &s).assert_code(0);
    m.psql("asterisk", "INSERT INTO ha_probe (tag) VALUES ('before')");
    until("the first row replicates", || {
        probe_rows(&s) == probe_rows(&m)
    });
    let broken = MigrationsDir::copy_of_repo();
    add_version(
        &broken.path,
        "fa11ed000002",
        &repo_head(),
        "CREATE TABLE half_done (id integer);\nUPDATE queue_log SET no_such_column = 1;",
    );
    let (h, other) = if slave_side {
        (Host::on(s), m)
    } else {
        (Host::on(m), s)
    };
    let (m, s) = if slave_side {
        (&other, &h.c)
    } else {
        (&h.c, &other)
    };
    h.hook(
        "preinst",
        &["upgrade", "14.7.0", "14.8.0"],
        Some(&broken.path),
    )
    .assert_code(0);
    if slave_side {
        m.psql("asterisk", "INSERT INTO ha_probe (tag) VALUES ('during')");
    }
    let r = h.hook("postinst", &["configure", "14.7.0"], Some(&broken.path));
    r.assert_code(1);
    assert!(r.stderr.contains("restored from snapshot"), "{}", r.stderr);
    assert_eq!(h.record(), None, "the rollback finished: {}", r.stderr);
    m.psql("asterisk", "INSERT INTO ha_probe (tag) VALUES ('after')");
    until("every row replicates after the rollback", || {
        probe_rows(s) == probe_rows(m)
    });
    assert!(probe_rows(s).contains(":after"), "{}", probe_rows(s));
    until_status(m, 0);
    until_status(s, 0);
}

#[test]
fn upgrade_rolled_back_on_the_slave_leaves_replication_working() {
    rolled_back_upgrade_on(true);
}

#[test]
fn upgrade_rolled_back_on_the_master_leaves_replication_working() {
    rolled_back_upgrade_on(false);
}

/// A migration that adds a table an existing table's foreign key points to
/// (seeded by the migration on both hosts): the slave's refresh empties
/// the new table before the subscription copies it, which the foreign key
/// must not stop.
#[test]
fn a_new_table_referenced_by_an_existing_one_joins_the_subscription() {
    let (m, s) = (master(), slave());
    enable(&m, &s).assert_code(0);
    let set = MigrationsDir::copy_of_repo();
    add_version(
        &set.path,
        "fc0000000001",
        &repo_head(),
        "CREATE TABLE engine_kind (id integer PRIMARY KEY, tag text NOT NULL);\n\
         INSERT INTO engine_kind VALUES (1, 'seeded');\n\
         ALTER TABLE queuefeatures ADD COLUMN engine_kind_id integer REFERENCES engine_kind (id);",
    );
    s.run("xivo-update-db", &[], Some(&set.path)).assert_code(0);
    let r = m.run("xivo-update-db", &[], Some(&set.path));
    r.assert_code(0);
    assert!(r.stderr.contains("subscription refreshed"), "{}", r.stderr);
    m.psql("asterisk", "INSERT INTO engine_kind VALUES (2, 'two')");
    let rows = "SELECT string_agg(id || tag, ',' ORDER BY id) FROM engine_kind";
    until("the new table replicates", || {
        s.psql("asterisk", rows) == m.psql("asterisk", rows)
    });
    assert_eq!(s.psql("asterisk", rows), "1seeded,2two");
    until_status(&m, 0);
}

//! What the replication reads from the catalogs of the master and the slave,
//! and the checks that decide, before anything is written, whether the
//! slave can take the master's tables: same revision, every copied table
//! and sequence there with the same columns, no foreign key between a
//! copied table and one that is not copied. Read-only.

use std::collections::{BTreeMap, BTreeSet};

use tokio_postgres::GenericClient;

use crate::error::Error;
use crate::merge::copy::{self, CopyFormat, Table};
use crate::pg;

/// The heads in `alembic_version`, sorted and joined by ',', or None when
/// the database has no such table.
pub async fn revision(client: &impl GenericClient, side: &str) -> Result<Option<String>, Error> {
    let row = client
        .query_one(
            "SELECT to_regclass('public.alembic_version') IS NOT NULL",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the revision of the {side}"), &e))?;
    if !row.get::<_, bool>(0) {
        return Ok(None);
    }
    let row = client
        .query_one(
            "SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '') FROM public.alembic_version",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the revision of the {side}"), &e))?;
    Ok(Some(row.get(0)))
}

/// One ordinary table's columns as `name type [generated]`, by name, and
/// whether COPY may use the binary format for it.
pub struct Shape {
    pub columns: Vec<String>,
    pub binary: bool,
}

/// The shape of every ordinary table, by qualified name (quote_ident
/// spelling, as `copy::list_tables` writes it).
pub async fn shapes(
    client: &impl GenericClient,
    side: &str,
) -> Result<BTreeMap<String, Shape>, Error> {
    // Binary COPY of a value of an array or composite type carries the
    // element's type OID, which only matches between clusters for the
    // built-in types (OIDs below 16384); an enum travels as its label.
    let rows = client
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), \
                    array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) \
                              || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END \
                              ORDER BY a.attname), \
                    bool_and(CASE WHEN t.typtype = 'd' \
                                  THEN b.typtype <> 'd' AND (b.oid < 16384 OR b.typtype = 'e') \
                                  ELSE t.oid < 16384 OR t.typtype = 'e' END) \
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
               JOIN pg_type t ON t.oid = a.atttypid \
               LEFT JOIN pg_type b ON b.oid = t.typbasetype \
              WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' \
              GROUP BY n.nspname, c.relname",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the tables of the {side}"), &e))?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get::<_, String>(0),
                Shape {
                    columns: r.get(1),
                    binary: r.get(2),
                },
            )
        })
        .collect())
}

/// Is `table` named by the exclusion list? An entry `name` excludes the
/// table of that name in any schema, `schema.name` only that one.
pub fn excluded(table: &Table, exclusions: &[String]) -> bool {
    exclusions.iter().any(|e| match e.split_once('.') {
        Some((schema, name)) => schema == table.schema && name == table.name,
        None => *e == table.name,
    })
}

/// The format each copied table travels in.
pub fn format_of(shape: Option<&Shape>) -> CopyFormat {
    match shape {
        Some(s) if s.binary => CopyFormat::Binary,
        _ => CopyFormat::Text,
    }
}

/// Every copied table exists on the slave with the same columns.
pub fn check_tables(
    copied: &[Table],
    master: &BTreeMap<String, Shape>,
    slave: &BTreeMap<String, Shape>,
    slave_name: &str,
) -> Result<(), Error> {
    for t in copied {
        let q = t.qualified();
        let Some(theirs) = slave.get(&q) else {
            return Err(Error::Other(format!(
                "table {q} of the master is missing on the slave ({slave_name}): \
                 both must have the same schema (run xivo-update-db on the slave), \
                 or list the table in the replication exclusions"
            )));
        };
        let ours = master.get(&q).map(|s| &s.columns[..]).unwrap_or_default();
        if ours != &theirs.columns[..] {
            let only_master: Vec<&String> = ours
                .iter()
                .filter(|c| !theirs.columns.contains(c))
                .collect();
            let only_slave: Vec<&String> = theirs
                .columns
                .iter()
                .filter(|c| !ours.contains(c))
                .collect();
            return Err(Error::Other(format!(
                "table {q} differs between the master and the slave ({slave_name}): {}; \
                 give both the same schema before replicating",
                column_difference(&only_master, &only_slave)
            )));
        }
    }
    Ok(())
}

/// How two column lists differ, for a person: the columns only one side
/// has, or the same columns in another order.
fn column_difference(only_master: &[&String], only_slave: &[&String]) -> String {
    let side = |cols: &[&String], name: &str| {
        (!cols.is_empty()).then(|| {
            let cols: Vec<&str> = cols.iter().map(|c| c.as_str()).collect();
            format!("column(s) only on the {name}: {}", cols.join(", "))
        })
    };
    let parts: Vec<String> = [side(only_master, "master"), side(only_slave, "slave")]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        "the same columns in another order".into()
    } else {
        parts.join("; ")
    }
}

/// Foreign keys between a copied table and one that is not: TRUNCATE of the
/// referenced table cannot leave the other's rows dangling (only CASCADE
/// would, emptying a table the slave keeps), and rows copied from the
/// master would reference rows that are the slave's own. Refused, naming
/// the constraint, before anything is written.
pub async fn check_foreign_keys(
    slave: &impl GenericClient,
    copied: &BTreeSet<String>,
    slave_name: &str,
) -> Result<(), Error> {
    let rows = slave
        .query(
            "SELECT quote_ident(con.conname), \
                    quote_ident(fn.nspname) || '.' || quote_ident(f.relname), \
                    quote_ident(tn.nspname) || '.' || quote_ident(t.relname) \
               FROM pg_constraint con \
               JOIN pg_class f ON f.oid = con.conrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace \
               JOIN pg_class t ON t.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace \
              WHERE con.contype = 'f' ORDER BY 2, 1",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading the foreign keys of the slave", &e))?;
    for r in rows {
        let (name, from, to): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        let (from_copied, to_copied) = (copied.contains(&from), copied.contains(&to));
        if from_copied != to_copied {
            let (kept, _) = if from_copied {
                (&to, &from)
            } else {
                (&from, &to)
            };
            return Err(Error::Other(format!(
                "foreign key {name} of {from} references {to} on the slave ({slave_name}), \
                 but {kept} is not replicated: the copy would leave one side inconsistent. \
                 Exclude both tables or neither (migrations/replication-exclude.txt)"
            )));
        }
    }
    Ok(())
}

/// A sequence and the tables that use it (owner, or a column default
/// calling it).
pub struct SequenceUse {
    pub qualified: String,
    pub tables: Vec<String>,
}

/// Every sequence of the `side`'s database with the tables that use it.
pub async fn sequence_uses(
    client: &impl GenericClient,
    side: &str,
) -> Result<Vec<SequenceUse>, Error> {
    let rows = client
        .query(
            "SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname), \
                    ARRAY(SELECT quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) \
                            FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid \
                            JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid \
                             AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') \
                          UNION \
                          SELECT quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) \
                            FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid \
                            JOIN pg_class tc ON tc.oid = ad.adrelid \
                            JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
                           WHERE d.classid = 'pg_attrdef'::regclass \
                             AND d.refclassid = 'pg_class'::regclass AND d.refobjid = s.oid) \
               FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace \
              WHERE s.relkind = 'S' AND sn.nspname NOT IN ('pg_catalog', 'information_schema') \
              ORDER BY 1",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the sequences of the {side}"), &e))?;
    Ok(rows
        .iter()
        .map(|r| SequenceUse {
            qualified: r.get(0),
            tables: r.get(1),
        })
        .collect())
}

/// The sequences of the slave, by qualified name.
pub async fn sequence_names(client: &impl GenericClient) -> Result<BTreeSet<String>, Error> {
    let rows = client
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading the sequences of the slave", &e))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Our own session on the master (pid and start), to tell whether the
/// slave we reached is the master's own database.
pub async fn session_id(client: &impl GenericClient) -> Result<(i32, String), Error> {
    let row = client
        .query_one(
            "SELECT pid, backend_start::text FROM pg_stat_activity WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading our session on the master", &e))?;
    Ok((row.get(0), row.get(1)))
}

/// Does the slave's database see `session` (the master's connection)?
pub async fn sees_session(
    client: &impl GenericClient,
    session: &(i32, String),
) -> Result<bool, Error> {
    let row = client
        .query_one(
            "SELECT count(*) > 0 FROM pg_stat_activity \
              WHERE pid = $1 AND backend_start::text = $2 AND datname = current_database()",
            &[&session.0, &session.1],
        )
        .await
        .map_err(|e| pg::query_error("reading the sessions of the slave", &e))?;
    Ok(row.get(0))
}

/// The current value of every sequence named, in one statement (a
/// round trip per sequence would cost more than the copy of a small table),
/// read on the `side`'s database.
pub async fn sequence_values(
    client: &impl GenericClient,
    names: &[String],
    side: &str,
) -> Result<Vec<copy::Sequence>, Error> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    // The names are quote_ident spellings read from the catalog; each goes
    // as a literal too, to come back as the row's key.
    let union: Vec<String> = names
        .iter()
        .map(|n| {
            format!(
                "SELECT {}::text, last_value, is_called FROM {n}",
                pg::quote_literal(n)
            )
        })
        .collect();
    let rows = client
        .query(&union.join(" UNION ALL "), &[])
        .await
        .map_err(|e| pg::query_error(format!("reading the sequences of the {side}"), &e))?;
    Ok(rows
        .iter()
        .map(|r| copy::Sequence {
            qualified: r.get(0),
            last_value: r.get(1),
            is_called: r.get(2),
        })
        .collect())
}

/// Set every sequence to its master's value, so that a rollback undoes it:
/// `setval` alone is never rolled back, and a run that failed at its
/// COMMIT left the slave's own rows with the master's sequence values.
/// `ALTER SEQUENCE ... RESTART` gives each sequence new storage in this
/// transaction (dropped if it rolls back), which the `setval` then writes.
pub async fn set_sequences(
    client: &impl GenericClient,
    sequences: &[copy::Sequence],
) -> Result<(), Error> {
    if sequences.is_empty() {
        return Ok(());
    }
    // quote_ident spellings read from the catalog.
    let restart: Vec<String> = sequences
        .iter()
        .map(|s| format!("ALTER SEQUENCE {} RESTART", s.qualified))
        .collect();
    client
        .batch_execute(&restart.join("; "))
        .await
        .map_err(|e| pg::query_error("setting the sequences on the slave", &e))?;
    let names: Vec<&str> = sequences.iter().map(|s| s.qualified.as_str()).collect();
    let values: Vec<i64> = sequences.iter().map(|s| s.last_value).collect();
    let called: Vec<bool> = sequences.iter().map(|s| s.is_called).collect();
    client
        .query_one(
            "SELECT count(setval(n::regclass, v, c)) FROM unnest($1::text[], $2::int8[], $3::bool[]) AS s (n, v, c)",
            &[&names, &values, &called],
        )
        .await
        .map_err(|e| pg::query_error("setting the sequences on the slave", &e))?;
    Ok(())
}

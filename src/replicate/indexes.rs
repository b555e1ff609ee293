//! The slave's indexes that the load builds once after the rows are in
//! rather than maintaining them row by row (most of the slave's time went
//! to the per-row index inserts): dropped after the checks, re-created from
//! the slave's own definitions after the COPYs, all inside the slave's one
//! transaction, so a run that stops anywhere leaves them as they were.
//!
//! Only what can be re-created exactly from `pg_get_indexdef` /
//! `pg_get_constraintdef` is deferred: plain indexes, and primary key,
//! unique and exclusion constraints, that nothing else depends on (a
//! foreign key references the index, an extension owns it, it is a
//! partition's), with no comment, no tablespace of their own, no
//! per-column statistics target, no storage parameter on a constraint's
//! index (`pg_get_constraintdef` omits them), not the table's CLUSTER or REPLICA
//! IDENTITY index, valid. Everything else (foreign keys and the keys they
//! reference, first of all) stays and is maintained as before.

use tokio_postgres::GenericClient;

use crate::error::Error;
use crate::pg::{self, quote_ident};

/// One index the load drops and builds again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferred {
    /// Its table, as quote_ident spells it (`schema.name`).
    pub table: String,
    /// What messages call it: `index NAME of TABLE` or `constraint NAME of TABLE`.
    pub what: String,
    pub drop: String,
    pub create: String,
}

/// The indexes of `tables` (quote_ident spellings) on the slave that can
/// be deferred, in a stable order.
pub async fn deferrable(
    slave: &impl GenericClient,
    tables: &[String],
) -> Result<Vec<Deferred>, Error> {
    let rows = slave
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), n.nspname::text, \
                    ic.relname::text, k.conname::text, \
                    CASE WHEN k.oid IS NULL THEN pg_get_indexdef(i.indexrelid) \
                         ELSE pg_get_constraintdef(k.oid) END \
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
               JOIN pg_index i ON i.indrelid = c.oid \
               JOIN pg_class ic ON ic.oid = i.indexrelid \
               LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = c.oid \
                                        AND k.contype IN ('p', 'u', 'x') \
              WHERE c.relkind = 'r' \
                AND quote_ident(n.nspname) || '.' || quote_ident(c.relname) = ANY($1) \
                AND i.indisvalid AND i.indisready AND i.indislive \
                AND NOT i.indisclustered AND NOT i.indisreplident AND ic.reltablespace = 0 \
                AND NOT EXISTS (SELECT 1 FROM pg_attribute a \
                                 WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0) \
                AND NOT EXISTS (SELECT 1 FROM pg_description d \
                                 WHERE (d.classoid = 'pg_class'::regclass AND d.objoid = i.indexrelid) \
                                    OR (d.classoid = 'pg_constraint'::regclass AND d.objoid = k.oid)) \
                /* the index depends on its table's columns (a), what its \
                   expressions name (n) and its constraint (i); anything else \
                   (an extension, a partitioned parent) keeps it */ \
                AND NOT EXISTS (SELECT 1 FROM pg_depend d \
                                 WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid \
                                   AND NOT (d.deptype IN ('a', 'n') \
                                            OR (d.deptype = 'i' AND k.oid IS NOT NULL \
                                                AND d.refclassid = 'pg_constraint'::regclass \
                                                AND d.refobjid = k.oid))) \
                /* nothing depends on the index, nor on its constraint but the index */ \
                AND NOT EXISTS (SELECT 1 FROM pg_depend d \
                                 WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indexrelid) \
                AND NOT EXISTS (SELECT 1 FROM pg_depend d \
                                 WHERE d.refclassid = 'pg_constraint'::regclass AND d.refobjid = k.oid \
                                   AND NOT (d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid)) \
                /* a foreign key's conindid is the index it references */ \
                AND NOT EXISTS (SELECT 1 FROM pg_constraint f \
                                 WHERE f.conindid = i.indexrelid AND f.oid IS DISTINCT FROM k.oid) \
                /* a constraint of another kind on this index, or an index \
                   named apart from its constraint: not re-created the same */ \
                AND NOT EXISTS (SELECT 1 FROM pg_constraint o \
                                 WHERE o.conindid = i.indexrelid AND o.conrelid = c.oid \
                                   AND o.contype NOT IN ('p', 'u', 'x')) \
                /* pg_get_constraintdef leaves out the index's storage \
                   parameters (pg_get_indexdef has them) */ \
                AND (k.oid IS NULL OR (k.conname = ic.relname AND k.conparentid = 0 \
                                       AND k.conislocal AND k.coninhcount = 0 \
                                       AND ic.reloptions IS NULL)) \
              ORDER BY 1, 3",
            &[&tables],
        )
        .await
        .map_err(|e| pg::query_error("reading the indexes of the slave", &e))?;
    Ok(rows
        .iter()
        .map(|r| {
            let (table, schema, index): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let constraint: Option<String> = r.get(3);
            let definition: String = r.get(4);
            match constraint {
                Some(name) => Deferred {
                    table: table.clone(),
                    what: format!("constraint {} of {table}", quote_ident(&name)),
                    drop: format!(
                        "ALTER TABLE ONLY {table} DROP CONSTRAINT {}",
                        quote_ident(&name)
                    ),
                    create: format!(
                        "ALTER TABLE ONLY {table} ADD CONSTRAINT {} {definition}",
                        quote_ident(&name)
                    ),
                },
                None => Deferred {
                    table: table.clone(),
                    what: format!("index {} of {table}", quote_ident(&index)),
                    drop: format!(
                        "DROP INDEX {}.{}",
                        quote_ident(&schema),
                        quote_ident(&index)
                    ),
                    create: definition,
                },
            }
        })
        .collect())
}

/// Drop them all, in one round trip.
pub async fn drop_all(slave: &impl GenericClient, deferred: &[Deferred]) -> Result<(), Error> {
    if deferred.is_empty() {
        return Ok(());
    }
    let sql: Vec<&str> = deferred.iter().map(|d| d.drop.as_str()).collect();
    slave
        .batch_execute(&sql.join(";\n"))
        .await
        .map_err(|e| pg::query_error("dropping the indexes to build after the copy", &e))?;
    Ok(())
}

/// Ready the slave's session for the builds: a sort in memory for each
/// (SET LOCAL ends with the transaction).
pub async fn prepare_builds(slave: &impl GenericClient) -> Result<(), Error> {
    slave
        .batch_execute("SET LOCAL maintenance_work_mem = '256MB'")
        .await
        .map_err(|e| pg::query_error("raising maintenance_work_mem on the slave", &e))?;
    Ok(())
}

/// Build them again, one statement each so that a failure names its index
/// (rows the master holds that break a unique index only the slave has).
pub async fn create_all(slave: &impl GenericClient, deferred: &[&Deferred]) -> Result<(), Error> {
    for d in deferred {
        slave
            .batch_execute(&d.create)
            .await
            .map_err(|e| pg::query_error(format!("re-creating {} on the slave", d.what), &e))?;
    }
    Ok(())
}

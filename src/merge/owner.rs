//! Every object of the merged database owned by the owner role (DB_OWNER),
//! whoever owned it before: on a real 14.07 host that is `postgres` (14.07
//! ran its SQL files as postgres; the roles only hold grants), but objects
//! of role `xivo` or of any other role an administrator used end up the same
//! way, as with 14.08's own merge. Also the database itself and the schemas
//! (but `public`, owned by `pg_database_owner`, which is the database's
//! owner).
//!
//! Runs inside the merge's transaction, as the superuser. Never touches the
//! system schemas, objects of an extension, or what follows its table
//! (indexes, row types, a serial's sequence). Event triggers and foreign-data
//! wrappers can only belong to a superuser and are left as they are.

use tokio_postgres::Transaction;

use super::MergeError;
use crate::config::Config;
use crate::pg::{self, quote_ident, quote_literal};

/// Objects that carry an owner, by catalog, but those owned by `$1`. The
/// identity is PostgreSQL's own (quoted, schema-qualified, with argument
/// types), usable as is after ALTER <kind>.
const FOREIGN_OWNED: &str = "\
WITH objs AS ( \
  SELECT 'pg_class'::regclass AS classid, c.oid AS objid, c.relowner AS owner FROM pg_class c \
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') \
     AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
              AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))) \
  UNION ALL SELECT 'pg_type'::regclass, t.oid, t.typowner FROM pg_type t \
   WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r', 'm') \
     AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c') \
     AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid) \
  UNION ALL SELECT 'pg_proc'::regclass, oid, proowner FROM pg_proc \
  UNION ALL SELECT 'pg_namespace'::regclass, oid, nspowner FROM pg_namespace \
   WHERE nspowner <> 'pg_database_owner'::regrole \
     AND nspname NOT IN ('pg_catalog', 'information_schema') \
     AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%' \
  UNION ALL SELECT 'pg_collation'::regclass, oid, collowner FROM pg_collation \
  UNION ALL SELECT 'pg_conversion'::regclass, oid, conowner FROM pg_conversion \
  UNION ALL SELECT 'pg_ts_config'::regclass, oid, cfgowner FROM pg_ts_config \
  UNION ALL SELECT 'pg_ts_dict'::regclass, oid, dictowner FROM pg_ts_dict \
  UNION ALL SELECT 'pg_operator'::regclass, oid, oprowner FROM pg_operator \
  UNION ALL SELECT 'pg_opclass'::regclass, oid, opcowner FROM pg_opclass \
  UNION ALL SELECT 'pg_opfamily'::regclass, oid, opfowner FROM pg_opfamily \
  UNION ALL SELECT 'pg_statistic_ext'::regclass, oid, stxowner FROM pg_statistic_ext \
  UNION ALL SELECT 'pg_foreign_server'::regclass, oid, srvowner FROM pg_foreign_server \
  UNION ALL SELECT 'pg_publication'::regclass, oid, pubowner FROM pg_publication \
  UNION ALL SELECT 'pg_largeobject_metadata'::regclass, oid, lomowner FROM pg_largeobject_metadata \
), described AS ( \
  SELECT o.owner, pg_identify_object(o.classid, o.objid, 0) AS id FROM objs o \
   WHERE o.owner <> (SELECT oid FROM pg_roles WHERE rolname = $1) \
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.objid AND d.deptype = 'e') \
) \
SELECT (id).type, (id).identity, pg_get_userbyid(owner)::text FROM described \
 WHERE coalesce((id).schema, '') NOT IN ('pg_catalog', 'information_schema') \
   AND coalesce((id).schema, '') NOT LIKE 'pg\\_toast%' AND coalesce((id).schema, '') NOT LIKE 'pg\\_temp%' \
 ORDER BY 1, 2";

/// The keyword of ALTER ... OWNER TO for a type of pg_identify_object.
fn alter_keyword(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "table" => "TABLE",
        "view" => "VIEW",
        "materialized view" => "MATERIALIZED VIEW",
        "foreign table" => "FOREIGN TABLE",
        "sequence" => "SEQUENCE",
        "type" => "TYPE",
        "function" => "FUNCTION",
        "procedure" => "PROCEDURE",
        "aggregate" => "AGGREGATE",
        "schema" => "SCHEMA",
        "collation" => "COLLATION",
        "conversion" => "CONVERSION",
        "text search configuration" => "TEXT SEARCH CONFIGURATION",
        "text search dictionary" => "TEXT SEARCH DICTIONARY",
        "operator" => "OPERATOR",
        "operator class" => "OPERATOR CLASS",
        "operator family" => "OPERATOR FAMILY",
        "statistics object" => "STATISTICS",
        "server" => "SERVER",
        "publication" => "PUBLICATION",
        "large object" => "LARGE OBJECT",
        _ => return None,
    })
}

/// The owner role exists (created like `xivo-init-db` creates it: LOGIN,
/// the configured password sent as a SCRAM verifier) and owns the database
/// `db` (the merge's target), so that it may create the objects of `xivo`
/// in its schemas.
pub async fn prepare(tx: &Transaction<'_>, config: &Config, db: &str) -> Result<(), MergeError> {
    let owner = &config.db_owner;
    let exists = !tx
        .query("SELECT 1 FROM pg_roles WHERE rolname = $1", &[owner])
        .await
        .map_err(|e| pg::query_error(format!("looking up role '{owner}'"), &e))?
        .is_empty();
    if !exists {
        let verifier = postgres_protocol::password::scram_sha_256(config.db_password.as_bytes());
        tx.batch_execute(&format!(
            "CREATE ROLE {} WITH LOGIN PASSWORD {}",
            quote_ident(owner),
            quote_literal(&verifier)
        ))
        .await
        .map_err(|e| pg::query_error(format!("creating role '{owner}' (DB_OWNER)"), &e))?;
        log::info!("created role '{owner}' (DB_OWNER)");
    }
    tx.batch_execute(&format!(
        "ALTER DATABASE {} OWNER TO {}",
        quote_ident(db),
        quote_ident(owner)
    ))
    .await
    .map_err(|e| pg::query_error(format!("giving database '{db}' to role '{owner}'"), &e))?;
    Ok(())
}

/// Give every object not owned by the owner role to it. Returns how many
/// changed hands. All the `ALTER ... OWNER` go in one round trip (a
/// restored database has hundreds of objects); if that fails, they are
/// replayed one by one from a savepoint to name the object at fault.
/// (`REASSIGN OWNED` cannot: it refuses objects of the bootstrap superuser,
/// the usual owner of what was restored with `--no-owner`.)
pub async fn take_all(tx: &Transaction<'_>, owner: &str) -> Result<usize, MergeError> {
    let rows = tx
        .query(FOREIGN_OWNED, &[&owner])
        .await
        .map_err(|e| pg::query_error("listing the objects not owned by the owner role", &e))?;
    let mut by_role: std::collections::BTreeMap<String, usize> = Default::default();
    let mut alters = Vec::with_capacity(rows.len());
    for r in &rows {
        let (kind, identity, was): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        let keyword = alter_keyword(&kind).ok_or_else(|| MergeError::Ownership {
            object: format!("{kind} {identity} (owner '{was}')"),
            reason: format!(
                "cannot be given to role '{owner}': this kind of object is not supported"
            ),
        })?;
        let sql = format!("ALTER {keyword} {identity} OWNER TO {}", quote_ident(owner));
        alters.push((sql, format!("{kind} {identity} (owner '{was}')")));
        *by_role.entry(was).or_default() += 1;
    }
    if !alters.is_empty() {
        let all: String = alters.iter().map(|(sql, _)| format!("{sql};\n")).collect();
        let savepoint = |what: &'static str, sql: &'static str| async move {
            tx.batch_execute(sql)
                .await
                .map_err(|e| pg::query_error(what, &e))
        };
        savepoint("setting a savepoint", "SAVEPOINT take_all").await?;
        if tx.batch_execute(&all).await.is_err() {
            savepoint(
                "rolling back to a savepoint",
                "ROLLBACK TO SAVEPOINT take_all",
            )
            .await?;
            for (sql, object) in &alters {
                tx.batch_execute(sql).await.map_err(|e| {
                    pg::query_error(format!("giving {object} to role '{owner}'"), &e)
                })?;
            }
        }
        savepoint("releasing a savepoint", "RELEASE SAVEPOINT take_all").await?;
    }
    for (was, n) in &by_role {
        log::info!("gave {n} object(s) owned by '{was}' to '{owner}'");
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::alter_keyword;

    #[test]
    fn every_listed_kind_has_its_alter() {
        for kind in [
            "table",
            "view",
            "materialized view",
            "sequence",
            "type",
            "function",
            "procedure",
            "aggregate",
            "schema",
            "operator class",
            "statistics object",
        ] {
            assert!(alter_keyword(kind).is_some(), "{kind}");
        }
        assert_eq!(alter_keyword("index"), None, "indexes follow their table");
    }
}

//! The tables, with their columns, that a dump at a given revision must
//! hold: those of a database provisioned at that revision. They are not
//! kept anywhere to drift from the migrations: the baseline and every
//! version up to the dump's revision are run, in one transaction that is
//! then rolled back, into the restore's new database while it is still
//! empty, and the catalog read in between. A kill or a failure leaves the
//! database empty: the server rolls the transaction back.
//!
//! A non-transactional migration (`CREATE INDEX CONCURRENTLY`) cannot run
//! in that transaction and is left out: such migrations build indexes,
//! never tables or columns.

use std::collections::BTreeSet;

use tokio_postgres::Client;

use super::dump::Expected;
use crate::migrations::{begin_as, MigrationSet};
use crate::pg;

/// `public`'s tables and their columns (in order) after the migrations of
/// `revisions` and their ancestors, run into `empty` (connected to an empty
/// database) as `owner` and rolled back.
pub async fn expected(
    empty: &mut Client,
    set: &MigrationSet,
    revisions: &[String],
    owner: &str,
) -> Result<Expected, String> {
    let wanted = set.applied_set(revisions).map_err(|e| e.to_string())?;
    let plan = set.plan(&[], &BTreeSet::new()).map_err(|e| e.to_string())?;
    let tx = begin_as(empty, owner).await.map_err(|e| e.to_string())?;
    for m in plan
        .migrations()
        .filter(|m| m.transactional() && wanted.contains(m.revision()))
    {
        tx.batch_execute(m.sql()).await.map_err(|e| {
            format!(
                "provisioning revision {} to compare the backup with: {}",
                m.revision(),
                pg::describe(&e)
            )
        })?;
    }
    let rows = tx
        .query(
            "SELECT c.relname::text, a.attname::text FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' \
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
              WHERE c.relkind IN ('r', 'p') ORDER BY 1, a.attnum",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading the tables a revision has", &e).to_string())?;
    tx.rollback()
        .await
        .map_err(|e| pg::query_error("rolling back the provisioned revision", &e).to_string())?;
    let mut out = Expected::new();
    for r in rows {
        out.entry(r.get(0)).or_default().push(r.get(1));
    }
    Ok(out)
}

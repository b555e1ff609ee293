//! The master's side: the publication of every table but the exclusion
//! list, kept equal to that list after each upgrade, and the slave's
//! address, kept in the publication's comment (one place, no state file:
//! `ha status`, `sync-sequences` and `disable` on the master find it there).

use std::collections::BTreeSet;

use tokio_postgres::Client;

use super::{HaError, NAME};
use crate::error::Error;
use crate::merge::copy;
use crate::pg;
use crate::replicate::catalog;

/// The ordinary tables the publication must list: all but the excluded.
pub async fn wanted(master: &Client, exclusions: &[String]) -> Result<BTreeSet<String>, Error> {
    Ok(copy::list_tables(master)
        .await?
        .iter()
        .filter(|t| !catalog::excluded(t, exclusions))
        .map(copy::Table::qualified)
        .collect())
}

/// The tables it lists now, or None when there is no publication of ours.
pub async fn listed(master: &Client) -> Result<Option<BTreeSet<String>>, Error> {
    let row = master
        .query_opt("SELECT 1 FROM pg_publication WHERE pubname = $1", &[&NAME])
        .await
        .map_err(|e| HaError::step("reading the publication", &e))?;
    if row.is_none() {
        return Ok(None);
    }
    let rows = master
        .query(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) \
               FROM pg_publication_tables WHERE pubname = $1",
            &[&NAME],
        )
        .await
        .map_err(|e| HaError::step("reading the publication's tables", &e))?;
    Ok(Some(rows.iter().map(|r| r.get(0)).collect()))
}

/// Create it, or bring its list to `wanted` (tables added by an upgrade in,
/// dropped ones out). Returns the tables added.
pub async fn ensure(master: &Client, wanted: &BTreeSet<String>) -> Result<Vec<String>, Error> {
    let what = "creating or refreshing the publication on the master";
    let Some(now) = listed(master).await? else {
        let list = wanted.iter().cloned().collect::<Vec<_>>().join(", ");
        let sql = if list.is_empty() {
            format!("CREATE PUBLICATION {NAME}")
        } else {
            format!("CREATE PUBLICATION {NAME} FOR TABLE {list}")
        };
        master
            .batch_execute(&sql)
            .await
            .map_err(|e| HaError::step(what, &e))?;
        return Ok(wanted.iter().cloned().collect());
    };
    let add: Vec<String> = wanted.difference(&now).cloned().collect();
    let gone: Vec<String> = now.difference(wanted).cloned().collect();
    if !add.is_empty() {
        master
            .batch_execute(&format!(
                "ALTER PUBLICATION {NAME} ADD TABLE {}",
                add.join(", ")
            ))
            .await
            .map_err(|e| HaError::step(what, &e))?;
    }
    if !gone.is_empty() {
        master
            .batch_execute(&format!(
                "ALTER PUBLICATION {NAME} DROP TABLE {}",
                gone.join(", ")
            ))
            .await
            .map_err(|e| HaError::step(what, &e))?;
    }
    Ok(add)
}

/// Remember the slave's address (as given to `ha enable`, password masked).
pub async fn set_slave(master: &Client, slave: &str) -> Result<(), Error> {
    master
        .batch_execute(&format!(
            "COMMENT ON PUBLICATION {NAME} IS {}",
            pg::quote_literal(&crate::secrets::mask(slave))
        ))
        .await
        .map_err(|e| HaError::step("recording the slave's address on the master", &e))?;
    Ok(())
}

/// The slave's address recorded by `ha enable`.
pub async fn slave(master: &Client) -> Result<Option<String>, Error> {
    let row = master
        .query_opt(
            "SELECT obj_description(oid, 'pg_publication') FROM pg_publication WHERE pubname = $1",
            &[&NAME],
        )
        .await
        .map_err(|e| HaError::step("reading the publication", &e))?;
    Ok(row.and_then(|r| r.get(0)))
}

/// Drop it when it exists.
pub async fn drop(master: &Client) -> Result<(), Error> {
    master
        .batch_execute(&format!("DROP PUBLICATION IF EXISTS {NAME}"))
        .await
        .map_err(|e| HaError::step("dropping the publication on the master", &e))?;
    Ok(())
}

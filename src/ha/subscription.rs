//! The slave's side: the subscription to the master's publication, on
//! the slot `ha enable` made (no copy of its own: the initial copy was
//! done by `replicate` in the slot's snapshot). Dropped without needing the
//! master: disabled, detached from its slot, then dropped.

use tokio_postgres::Client;

use super::{HaError, NAME};
use crate::error::Error;
use crate::pg;

/// Our subscription in the slave's database.
pub struct Subscription {
    pub oid: u32,
    pub enabled: bool,
    /// How the slave reaches the master (has the password, if any).
    pub conninfo: String,
}

/// Ours, when the slave's database has it.
pub async fn find(slave: &Client) -> Result<Option<Subscription>, Error> {
    let row = slave
        .query_opt(
            "SELECT oid, subenabled, subconninfo FROM pg_subscription \
              WHERE subname = $1 AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[&NAME],
        )
        .await
        .map_err(|e| HaError::step("reading the subscription", &e))?;
    Ok(row.map(|r| Subscription {
        oid: r.get(0),
        enabled: r.get(1),
        conninfo: r.get(2),
    }))
}

/// Subscribe to the master (`conninfo`) on the existing slot, without copy.
pub async fn create(slave: &Client, conninfo: &str) -> Result<(), Error> {
    create_with(slave, conninfo, true).await
}

/// As `create`, not started yet (its position is set first).
pub async fn create_disabled(slave: &Client, conninfo: &str) -> Result<(), Error> {
    create_with(slave, conninfo, false).await
}

async fn create_with(slave: &Client, conninfo: &str, enabled: bool) -> Result<(), Error> {
    slave
        .batch_execute(&format!(
            "CREATE SUBSCRIPTION {NAME} CONNECTION {} PUBLICATION {NAME} \
             WITH (create_slot = false, slot_name = {NAME}, copy_data = false, enabled = {enabled})",
            pg::quote_literal(conninfo)
        ))
        .await
        .map_err(|e| HaError::step("creating the subscription on the slave", &e))?;
    Ok(())
}

/// Enable it again (after `ha promote` was not run, or by hand).
pub async fn enable(slave: &Client) -> Result<(), Error> {
    slave
        .batch_execute(&format!("ALTER SUBSCRIPTION {NAME} ENABLE"))
        .await
        .map_err(|e| HaError::step("enabling the subscription on the slave", &e))?;
    Ok(())
}

/// The tables our subscription knows (pg_subscription_rel), quoted as
/// `schema.table`.
pub async fn known_tables(
    slave: &Client,
) -> Result<std::collections::BTreeSet<String>, tokio_postgres::Error> {
    Ok(slave
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) \
               FROM pg_subscription_rel r JOIN pg_subscription p ON p.oid = r.srsubid \
               JOIN pg_class c ON c.oid = r.srrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE p.subname = $1",
            &[&NAME],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// Take in the tables the publication gained (after an upgrade) with the
/// master's rows: until the slave's subscription knows a table, the apply
/// skips its changes, so the slave's copy (its own migrations' rows) is
/// emptied and the table copied by the subscription. Only those tables:
/// the others are in sync already.
pub async fn refresh(master: &Client, slave: &Client) -> Result<(), Error> {
    let what = "refreshing the subscription on the slave";
    let published = super::publication::listed(master)
        .await?
        .unwrap_or_default();
    let known = known_tables(slave)
        .await
        .map_err(|e| HaError::step(what, &e))?;
    let new: Vec<String> = published.difference(&known).cloned().collect();
    if !new.is_empty() {
        // Emptied as the subscription fills it: foreign keys not enforced
        // (replica role), so an existing table's key pointing at a new
        // one does not stop it (TRUNCATE would refuse, CASCADE would empty
        // the existing table); the copy brings the master's rows back.
        let deletes: String = new
            .iter()
            .map(|t| format!("DELETE FROM ONLY {t}; "))
            .collect();
        let emptied = slave
            .batch_execute(&format!(
                "BEGIN; SET LOCAL session_replication_role = replica; {deletes}COMMIT"
            ))
            .await;
        if let Err(e) = emptied {
            // The session stays usable for the caller's next statement.
            let _ = slave.batch_execute("ROLLBACK").await;
            return Err(HaError::step(what, &e).into());
        }
    }
    slave
        .batch_execute(&format!(
            "ALTER SUBSCRIPTION {NAME} REFRESH PUBLICATION WITH (copy_data = true)"
        ))
        .await
        .map_err(|e| HaError::step(what, &e))?;
    Ok(())
}

/// Error counts start again from zero (after `enable` converged): `ha
/// status` reports the errors since.
pub async fn reset_stats(slave: &Client, oid: u32) -> Result<(), Error> {
    slave
        .query_one("SELECT pg_stat_reset_subscription_stats($1)", &[&oid])
        .await
        .map_err(|e| HaError::step("resetting the subscription's statistics", &e))?;
    Ok(())
}

/// Drop it without the master: disable (the apply worker stops), detach
/// from the slot (DROP would otherwise connect to the master to drop it),
/// drop. Each step alone: a kill between two leaves a state the next run
/// takes from there. Returns whether there was one.
pub async fn drop(slave: &Client) -> Result<bool, Error> {
    let Some(_) = find(slave).await? else {
        return Ok(false);
    };
    for sql in [
        format!("ALTER SUBSCRIPTION {NAME} DISABLE"),
        format!("ALTER SUBSCRIPTION {NAME} SET (slot_name = NONE)"),
        format!("DROP SUBSCRIPTION {NAME}"),
    ] {
        slave
            .batch_execute(&sql)
            .await
            .map_err(|e| HaError::step("dropping the subscription on the slave", &e))?;
    }
    Ok(true)
}

//! HA across the maintainer scripts' rollback snapshot: what the snapshot
//! copy (`CREATE DATABASE ... TEMPLATE`) and the swap back (drop the failed
//! database, rename the copy) cannot carry, done around them.
//!
//! - Slave: the subscription is a cluster-wide object tied to the
//!   database's oid, and PostgreSQL refuses to drop a database that has
//!   one. `pause` disables it before the copy is made, so the copy and the
//!   subscription's position (its replication origin) agree and the master's
//!   slot keeps everything since. Before the drop, `detach` notes the
//!   conninfo and the origin's position and drops it (off its slot);
//!   `reattach` re-creates it on the restored database on the same slot,
//!   its origin advanced to that position, without a copy: nothing twice,
//!   nothing missed. `resume` enables it when the snapshot goes away
//!   (upgrade done or aborted).
//! - Master: a database's logical slot cannot outlive it (an active one
//!   even blocks the drop), and the copy has the publication but no slot.
//!   `detach` drops the slot, `reattach` makes it again, same name, in the
//!   restored database: the slave's subscription reconnects to it by name.
//!   The master's upgrade runs with its services stopped and a failing
//!   migration's transaction is undone; rows of a part of the set committed
//!   before the failure reached the slave and stay there (docs/ha.md).

use tokio_postgres::Client;

use super::{slot, subscription, HaError, NAME};
use crate::config::Config;
use crate::error::Error;
use crate::pg::Superuser;

/// What `detach` removed, for `reattach` to put back.
#[derive(Debug)]
pub enum Detached {
    Subscription {
        conninfo: String,
        origin_lsn: Option<String>,
    },
    Slot,
}

/// A connection to `db` when it has our subscription or slot (both seen
/// from any database); none otherwise, so a host without HA (or a database
/// the failed upgrade dropped) gets no session more.
async fn connect(config: &Config, postgres: &Client, db: &str) -> Result<Option<Client>, Error> {
    let ours = postgres
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid \
                             WHERE d.datname = $1 AND d.datallowconn AND s.subname = $2) \
                 OR EXISTS (SELECT 1 FROM pg_replication_slots r JOIN pg_database d ON d.datname = r.database \
                             WHERE r.database = $1 AND d.datallowconn AND r.slot_name = $2)",
            &[&db, &NAME],
        )
        .await
        .map_err(|e| HaError::step(format!("looking for replication on database '{db}'"), &e))?
        .get::<_, bool>(0);
    if !ours {
        return Ok(None);
    }
    Ok(Some(Superuser::from_config(config)?.connect(db).await?))
}

/// Disable the subscription of `db`, if it has ours and it is enabled.
pub async fn pause(config: &Config, postgres: &Client, db: &str) -> Result<(), Error> {
    let Some(c) = connect(config, postgres, db).await? else {
        return Ok(());
    };
    if subscription::find(&c).await?.is_some_and(|s| s.enabled) {
        c.batch_execute(&format!("ALTER SUBSCRIPTION {NAME} DISABLE"))
            .await
            .map_err(|e| HaError::step("disabling the subscription for the snapshot", &e))?;
        log::info!("subscription {NAME} disabled while the snapshot is kept");
    }
    Ok(())
}

/// Enable the subscription of `db` again, if it has ours and it is disabled.
pub async fn resume(config: &Config, postgres: &Client, db: &str) -> Result<(), Error> {
    let Some(c) = connect(config, postgres, db).await? else {
        return Ok(());
    };
    if subscription::find(&c).await?.is_some_and(|s| !s.enabled) {
        subscription::enable(&c).await?;
        log::info!("subscription {NAME} enabled again");
    }
    Ok(())
}

/// Remove what would block or not survive dropping `db`.
pub async fn detach(
    config: &Config,
    postgres: &Client,
    db: &str,
) -> Result<Option<Detached>, Error> {
    let Some(c) = connect(config, postgres, db).await? else {
        return Ok(None);
    };
    if let Some(s) = subscription::find(&c).await? {
        let origin_lsn: Option<String> = c
            .query_opt(
                "SELECT remote_lsn::text FROM pg_replication_origin_status \
                  WHERE external_id = 'pg_' || $1::oid::text",
                &[&s.oid],
            )
            .await
            .map_err(|e| HaError::step("reading the subscription's position", &e))?
            .and_then(|r| r.get(0));
        subscription::drop(&c).await?;
        log::info!("subscription {NAME} detached for the rollback");
        return Ok(Some(Detached::Subscription {
            conninfo: s.conninfo,
            origin_lsn,
        }));
    }
    let in_db = c
        .query_opt(
            "SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database()",
            &[&NAME],
        )
        .await
        .map_err(|e| HaError::step("reading the replication slot", &e))?
        .is_some();
    if in_db && slot::drop(&c).await? {
        log::info!("replication slot {NAME} dropped for the rollback");
        return Ok(Some(Detached::Slot));
    }
    Ok(None)
}

/// Put back on the restored `db` what `detach` removed.
pub async fn reattach(config: &Config, db: &str, d: Detached) -> Result<(), Error> {
    // Restored: nothing of ours there yet to look for.
    let c = Superuser::from_config(config)?.connect(db).await?;
    match d {
        Detached::Subscription {
            conninfo,
            origin_lsn,
        } => {
            let what = "subscribing the restored database again";
            subscription::create_disabled(&c, &conninfo).await?;
            if let Some(lsn) = origin_lsn {
                let s = subscription::find(&c).await?.ok_or_else(|| HaError::Step {
                    what: what.into(),
                    reason: "the subscription vanished".into(),
                })?;
                c.execute(
                    "SELECT pg_replication_origin_advance('pg_' || $1::oid::text, $2::text::pg_lsn)",
                    &[&s.oid, &lsn],
                )
                .await
                .map_err(|e| HaError::step(what, &e))?;
            }
            subscription::enable(&c).await?;
            log::info!("subscription {NAME} attached again to the master's slot");
        }
        Detached::Slot => {
            c.execute(
                "SELECT pg_create_logical_replication_slot($1, 'pgoutput')",
                &[&NAME],
            )
            .await
            .map_err(|e| HaError::step("making the replication slot again", &e))?;
            log::info!("replication slot {NAME} made again in the restored database");
        }
    }
    Ok(())
}

/// HA as the snapshot's bystander (`snapshot::Bystander`): the functions
/// above, at the moments the snapshot calls them. The orchestration that
/// takes, rolls back or discards a snapshot passes it in.
pub struct Replication<'a> {
    config: &'a Config,
}

impl<'a> Replication<'a> {
    pub fn new(config: &'a Config) -> Replication<'a> {
        Replication { config }
    }
}

impl crate::snapshot::Bystander for Replication<'_> {
    type Detached = Detached;

    async fn pause(&self, postgres: &Client, db: &str) -> Result<(), String> {
        pause(self.config, postgres, db)
            .await
            .map_err(|e| e.to_string())
    }

    async fn resume(&self, postgres: &Client, db: &str) -> Result<(), String> {
        resume(self.config, postgres, db)
            .await
            .map_err(|e| e.to_string())
    }

    async fn detach(&self, postgres: &Client, db: &str) -> Result<Option<Detached>, String> {
        detach(self.config, postgres, db)
            .await
            .map_err(|e| e.to_string())
    }

    async fn reattach(&self, db: &str, d: Detached) -> Result<(), String> {
        reattach(self.config, db, d)
            .await
            .map_err(|e| e.to_string())
    }
}

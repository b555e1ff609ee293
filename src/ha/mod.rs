//! `xivo-manage-db ha ...`: continuous replication of the master's
//! database to an HA slave with PostgreSQL's logical replication (the
//! orchestration; the engine does the copying). Owns the one name every
//! object it makes carries (publication, slot and subscription are all
//! `NAME`, recognised by `is_ours`), and the flows of `enable`, `disable`,
//! `promote`, `sync-sequences` and the upgrade's refresh.
//!
//! `enable`: prerequisites (wal_level = logical, never a restart), the
//! publication, a slot whose exported snapshot the one-shot `replicate`
//! copies from, then a subscription on that slot without a copy of its
//! own. Every step looks at what is there first: run again, or after a
//! SIGKILL anywhere, it converges. The slave's excluded tables are never
//! touched (the publication does not list them; `replicate` skips them).
//!
//! Which host is which: the master has the publication (its comment holds
//! the slave's address), the slave the subscription (its conninfo reaches
//! the master). Every command run on either host finds the other from there.

pub mod across_snapshot;
mod command;
mod error;
mod publication;
mod sequences;
mod slot;
pub mod status;
mod subscription;

pub use command::{run, Command};
pub use error::HaError;

use tokio_postgres::Client;

use crate::config::Config;
use crate::error::Error;
use crate::pg::{self, Superuser};
use crate::replicate::slave::Slave;

/// The name of the publication, the slot and the subscription.
pub const NAME: &str = "xivo_manage_db_ha";

/// Is this publication, slot or subscription one `ha enable` made?
pub fn is_ours(name: &str) -> bool {
    name == NAME
}

/// The tables each host keeps its own: the exclusion list, and the
/// schema's bookkeeping (its revision and history), which each host's own
/// upgrade writes: replicated, the master's upgrade would tell the slave it
/// is upgraded before its schema is.
pub fn exclusions(config: &Config) -> Result<Vec<String>, Error> {
    let mut list = crate::admin::replication_exclusions(config)?;
    list.push(crate::migrations::apply::VERSION_TABLE.to_string());
    list.push(crate::migrations::apply::HISTORY_TABLE.to_string());
    Ok(list)
}

/// What this host is in the pair.
pub enum Side {
    /// It publishes; the slave's address as `ha enable` was given it.
    Master {
        slave: Option<String>,
    },
    /// It subscribes; how it reaches the master.
    Slave {
        master: String,
    },
    None,
}

/// Which side the local database is.
pub async fn side(local: &Client) -> Result<Side, Error> {
    if publication::listed(local).await?.is_some() {
        return Ok(Side::Master {
            slave: publication::slave(local).await?,
        });
    }
    if let Some(s) = subscription::find(local).await? {
        return Ok(Side::Slave { master: s.conninfo });
    }
    Ok(Side::None)
}

/// Connect to the master named by a subscription's conninfo, as the
/// superuser settings would (peer identity when root).
pub async fn connect_master(config: &Config, conninfo: &str) -> Result<Client, Error> {
    let c = Config {
        admin_uri: conninfo.to_string(),
        ..config.clone()
    };
    let admin = Superuser::from_config(&c)?;
    let db = conninfo_db(conninfo).unwrap_or_else(|| config.db_name.clone());
    Ok(admin.connect(&db).await?)
}

fn conninfo_db(conninfo: &str) -> Option<String> {
    let parsed: tokio_postgres::Config = conninfo.parse().ok()?;
    parsed.get_dbname().map(String::from)
}

/// `wal_level = logical` on the master, else exit 2 naming the setting,
/// the file and what to run. Never restarts PostgreSQL.
async fn check_master(master: &Client) -> Result<(), Error> {
    let what = "reading the master's settings";
    let row = master
        .query_one(
            "SELECT current_setting('wal_level'), current_setting('config_file'), \
                    current_setting('max_slot_wal_keep_size')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(what, &e))?;
    let (level, file, keep): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    if level != "logical" {
        return Err(HaError::Prerequisite(format!(
            "wal_level is '{level}' on the master; continuous replication needs wal_level = logical: \
             set it in {file} (or run: sudo -u postgres psql -c \"ALTER SYSTEM SET wal_level = logical\"), \
             restart PostgreSQL (systemctl restart postgresql: this stops every service's connections), \
             then run ha enable again"
        ))
        .into());
    }
    if keep == "-1" {
        log::warn!(
            "max_slot_wal_keep_size is unlimited on the master: while the slave is down the slot keeps \
             every WAL file and the master's disk can fill; bound it, e.g. \
             sudo -u postgres psql -c \"ALTER SYSTEM SET max_slot_wal_keep_size = '4GB'\" -c \"SELECT pg_reload_conf()\" \
             (past it the slot is lost and ha status says so)"
        );
    }
    Ok(())
}

/// What `enable` did.
pub struct Enabled {
    pub copied: Option<crate::replicate::Report>,
    pub added: usize,
}

impl std::fmt::Display for Enabled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.copied {
            Some(r) => write!(f, "{r}; continuous replication enabled ({NAME})"),
            None if self.added > 0 => write!(
                f,
                "continuous replication was enabled; {} tables added to it",
                self.added
            ),
            None => write!(
                f,
                "continuous replication is enabled ({NAME}); nothing to do"
            ),
        }
    }
}

/// `ha enable SLAVE`, on the master.
pub async fn enable(
    config: &Config,
    admin: &Superuser,
    slave_arg: &str,
    slave: &Slave,
    master_conninfo: &str,
    exclusions: &[String],
) -> Result<Enabled, Error> {
    let master = admin.connect(&config.db_name).await?;
    check_master(&master).await?;
    let target = slave.connect().await?;
    if subscription::find(&master).await?.is_some() {
        return Err(HaError::Prerequisite(format!(
            "this host subscribes to another ({NAME}): it is a slave; run ha enable on the master, \
             or ha disable here first"
        ))
        .into());
    }
    // Before the slot: pgoutput looks the publication up as of each change.
    let wanted = publication::wanted(&master, exclusions).await?;
    let added = publication::ensure(&master, &wanted).await?;
    publication::set_slave(&master, slave_arg).await?;
    let sub = subscription::find(&target).await?;
    let slot = slot::active_pid(&master).await?;
    if let (Some(s), Some(_)) = (&sub, slot) {
        // Both ends there: converge (enable, take in new tables).
        if !s.enabled {
            subscription::enable(&target).await?;
        }
        subscription::refresh(&master, &target).await?;
        return Ok(Enabled {
            copied: None,
            // A publication made anew by this run lists everything: not "added".
            added: if added.len() == wanted.len() {
                0
            } else {
                added.len()
            },
        });
    }
    // One end without the other (a kill midway, a disable on one host):
    // start over from a new slot and a new copy.
    subscription::drop(&target).await?;
    slot::drop(&master).await?;
    std::mem::drop(target);
    let major = pg::server_major(&master).await?;
    let exported = slot::create_exported(admin, &config.db_name, major)?;
    let report =
        crate::replicate::replicate_at(config, admin, slave, exclusions, Some(&exported.snapshot))
            .await?;
    std::mem::drop(exported);
    let target = slave.connect().await?;
    subscription::create(&target, master_conninfo).await?;
    if let Some(s) = subscription::find(&target).await? {
        subscription::reset_stats(&target, s.oid).await?;
    }
    Ok(Enabled {
        copied: Some(report),
        added: 0,
    })
}

/// After an upgrade on this host (xivo-update-db, the maintainer
/// scripts): the master's publication takes in the tables the migrations
/// added (unless excluded) and asks the slave to refresh; the slave
/// refreshes its subscription. Whichever host is upgraded last makes both
/// match: the slave cannot take in a table it does not have yet (master
/// first), and the master adds it after the slave's refresh (slave first).
/// Neither side enabled: nothing. Returns what it did, for the log.
pub async fn after_upgrade(
    config: &Config,
    admin: &Superuser,
    exclusions: &[String],
) -> Result<Option<String>, Error> {
    let local = admin.connect(&config.db_name).await?;
    match side(&local).await? {
        Side::Master { slave } => {
            let wanted = publication::wanted(&local, exclusions).await?;
            let added = publication::ensure(&local, &wanted).await?;
            let refreshed = match connect_slave(config, slave.as_deref()).await {
                Ok(s) => subscription::refresh(&local, &s)
                    .await
                    .map(|()| "refreshed".to_string()),
                Err(e) => Err(e),
            }
            .unwrap_or_else(|e| format!("not refreshed ({e}): it refreshes after its own upgrade"));
            Ok(Some(format!(
                "publication {NAME}: {} tables added; the slave's subscription {refreshed}",
                added.len()
            )))
        }
        Side::Slave { master } => {
            // Disabled while the rollback snapshot was kept.
            across_snapshot::resume(config, &local, &config.db_name).await?;
            let m = connect_master(config, &master).await?;
            subscription::refresh(&m, &local).await?;
            Ok(Some(format!("subscription {NAME} refreshed")))
        }
        Side::None => Ok(None),
    }
}

/// `ha sync-sequences`, on either host.
pub async fn sync_sequences(
    config: &Config,
    admin: &Superuser,
    exclusions: &[String],
) -> Result<String, Error> {
    let local = admin.connect(&config.db_name).await?;
    let (master, slave) = match side(&local).await? {
        Side::Master { slave } => (local, connect_slave(config, slave.as_deref()).await?),
        Side::Slave { master } => (connect_master(config, &master).await?, local),
        Side::None => return Err(not_enabled()),
    };
    let moved = sequences::sync(&master, &slave, exclusions).await?;
    Ok(format!(
        "{moved} sequences of the slave brought up to the master's"
    ))
}

pub(crate) fn not_enabled() -> Error {
    HaError::NotEnabled(format!(
        "continuous replication is not enabled on this host (no publication or subscription {NAME}): \
         run xivo-manage-db ha enable SLAVE on the master"
    ))
    .into()
}

/// The slave as the publication's comment names it.
pub(crate) async fn connect_slave(config: &Config, slave: Option<&str>) -> Result<Client, Error> {
    let arg = slave.ok_or_else(|| HaError::Step {
        what: "finding the slave".into(),
        reason: format!("publication {NAME} records no slave address; run ha enable SLAVE again"),
    })?;
    Slave::parse(arg, config)?.connect().await
}

/// `ha promote`, on the slave: stop applying (without the master), every
/// replicated sequence past its table's rows, the database writable.
pub async fn promote(
    config: &Config,
    admin: &Superuser,
    exclusions: &[String],
) -> Result<String, Error> {
    let local = admin.connect(&config.db_name).await?;
    let had = subscription::drop(&local).await?;
    if !had && publication::listed(&local).await?.is_some() {
        return Err(HaError::Prerequisite(format!(
            "this host is the master (it has publication {NAME}): run ha promote on the slave"
        ))
        .into());
    }
    let moved = sequences::past_max(&local, exclusions).await?;
    // A database or server left read-only must take writes now.
    let ro: String = local
        .query_one(
            "SELECT current_setting('default_transaction_read_only')",
            &[],
        )
        .await
        .map_err(|e| HaError::step("reading default_transaction_read_only", &e))?
        .get(0);
    if ro == "on" {
        local
            .batch_execute(&format!(
                "ALTER DATABASE {} RESET default_transaction_read_only",
                pg::quote_ident(&config.db_name)
            ))
            .await
            .map_err(|e| HaError::step("making the database writable", &e))?;
    }
    Ok(format!(
        "promoted: {}; {moved} sequences set past their tables' rows; the database takes writes. \
         The old master still has slot {NAME} and publication {NAME}: run xivo-manage-db ha disable there \
         when it is back",
        if had {
            "the subscription was dropped"
        } else {
            "no subscription was left"
        }
    ))
}

/// `ha disable`, on either host: drops ours here, then on the other host
/// when reachable; else says what is left there and how to drop it.
pub async fn disable(config: &Config, admin: &Superuser) -> Result<String, Error> {
    let local = admin.connect(&config.db_name).await?;
    match side(&local).await? {
        Side::None => {
            // A slot alone (a kill during enable): ours to drop too.
            let slot = slot::drop(&local).await?;
            Ok(if slot {
                format!("slot {NAME} dropped; nothing else was enabled here")
            } else {
                "continuous replication was not enabled here; nothing to do".into()
            })
        }
        Side::Master { slave } => {
            // The subscription first, so that it stops asking for the slot.
            let other = connect_slave(config, slave.as_deref()).await;
            let left = match &other {
                Ok(s) => {
                    subscription::drop(s).await?;
                    None
                }
                Err(e) => Some(e.to_string()),
            };
            slot::drop(&local).await?;
            publication::drop(&local).await?;
            match left {
                None => Ok(format!(
                    "publication and slot {NAME} dropped here, subscription dropped on the slave"
                )),
                Some(why) => Err(HaError::Left(format!(
                    "publication and slot {NAME} dropped here; the slave could not be reached ({why}): \
                     its subscription is left; there run xivo-manage-db ha disable (or psql: \
                     ALTER SUBSCRIPTION {NAME} DISABLE; ALTER SUBSCRIPTION {NAME} SET (slot_name = NONE); \
                     DROP SUBSCRIPTION {NAME})"
                ))
                .into()),
            }
        }
        Side::Slave { master } => {
            subscription::drop(&local).await?;
            match connect_master(config, &master).await {
                Ok(m) => {
                    slot::drop(&m).await?;
                    publication::drop(&m).await?;
                    Ok(format!(
                        "subscription {NAME} dropped here, slot and publication dropped on the master"
                    ))
                }
                Err(e) => Err(HaError::Left(format!(
                    "subscription {NAME} dropped here; the master could not be reached ({e}): \
                     its slot and publication are left (the slot keeps WAL up to max_slot_wal_keep_size); \
                     there run xivo-manage-db ha disable (or psql: SELECT pg_drop_replication_slot('{NAME}'); \
                     DROP PUBLICATION {NAME})"
                ))
                .into()),
            }
        }
    }
}

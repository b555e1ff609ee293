//! The upgrade state machine behind `xivo-update-db` (and, later, postinst).
//! Decides from the database, not from files:
//! 1. database missing, or empty -> provision;
//! 2. `alembic_version` present -> apply pending versions;
//! 3. otherwise the 14.07 system -> legacy scripts, merge, stamp, then 2.

use crate::config::Config;
use crate::error::{Error, Left};
use crate::legacy::LegacyScripts;
use crate::lock::RunLock;
use crate::merge;
use crate::migrations::{self, MigrationSet, Report};
use crate::pg::{self, Admin};
use crate::provision::{self, Contents};

/// What an update did.
#[derive(Debug)]
pub enum Outcome {
    Provisioned(Report),
    Upgraded(Report),
    /// A 14.07 host: legacy scripts, merge, stamp, versions.
    Merged(Report),
    AlreadyAtHead,
}

/// Take the run lock, then bring the database to head.
pub async fn update(config: &Config, admin: &Admin, set: &MigrationSet) -> Result<Outcome, Error> {
    let _lock = RunLock::acquire(config, admin).await?;
    update_locked(config, admin, set).await
}

/// Same, the caller holding the run lock.
pub async fn update_locked(
    config: &Config,
    admin: &Admin,
    set: &MigrationSet,
) -> Result<Outcome, Error> {
    let db = &config.db_name;
    let postgres = admin.connect("postgres").await?;
    if !pg::database_exists(&postgres, db).await? {
        log::info!("database '{db}' does not exist: provisioning it");
        return Ok(Outcome::Provisioned(
            provision::init(config, admin, set).await?,
        ));
    }
    drop(postgres);
    let mut client = admin.connect(db).await?;
    match provision::contents(&client).await? {
        Contents::Empty => Ok(Outcome::Provisioned(
            provision::init(config, admin, set).await?,
        )),
        Contents::Versioned(current) => {
            // Leftovers of an interrupted merge are finished, never redone.
            merge::finish_cleanup(config, admin)
                .await
                .map_err(|e| e.during_change(Left::Unfinished))?;
            if current.is_empty() {
                return Err(Error::Other(format!(
                    "table {} of database '{db}' is empty: the revision of the schema is unknown; \
                     restore it from the backup, or insert the revision the schema is at",
                    migrations::VERSION_TABLE
                )));
            }
            let recorded = migrations::recorded_revisions(&client).await?;
            let (transactional, alone) = set.plan_split(&current, &recorded)?;
            let pending = transactional.len() + alone.len();
            if pending == 0 {
                log::info!("database '{db}' is at head {}", set.head());
                return Ok(Outcome::AlreadyAtHead);
            }
            log::info!(
                "database '{db}' at {}: {} migration(s) to apply up to {}",
                current.join(", "),
                pending,
                set.head()
            );
            Ok(Outcome::Upgraded(
                migrations::run(&mut client, set, &config.db_owner, &current)
                    .await
                    .map_err(|e| Error::from(e).during_change(Left::Unfinished))?,
            ))
        }
        Contents::Legacy => {
            // Everything validated before the first change.
            let scripts = LegacyScripts::load(config)?;
            let levels = scripts.read_levels(config)?;
            drop(client);
            Ok(Outcome::Merged(
                merge::upgrade_legacy(config, admin, set, &scripts, levels).await?,
            ))
        }
    }
}

/// Finish what a merge left for later: the `xivo` database and role, which
/// may outlive the merge's commit (an interrupted run, or a rollback snapshot
/// still holding objects owned by role `xivo`). Idempotent; never touches
/// `asterisk`. Call it again once a snapshot is dropped.
pub async fn finish_cleanup(config: &Config, admin: &Admin) -> Result<(), Error> {
    merge::finish_cleanup(config, admin).await
}

//! The upgrade's state machine, in one place: what `xivo-update-db` and the
//! maintainer scripts do to bring the database to head, decided from where
//! it stands (`standing`), and what a failure at each step leaves.
//!
//! | where it stands | what happens | a failure leaves |
//! |---|---|---|
//! | missing, or empty | provision (`provision`): role, database, baseline, versions | what committed; the next run resumes |
//! | the 14.07 system | merge (`merge`): compare (read-only), close `xivo`, the one transaction, commit; then the cleanup and the versions after the first segment | before the commit: everything as it was (`xivo` reopened); after it: the next run finishes, never redoes |
//! | behind head | the plan's segments, each committed with `alembic_version` | the segments before the failing one committed; the next run continues |
//! | at head | what a merge killed after its commit left (the cleanup) | the next run finishes it |
//! | newer than this package | refused (`MigrationError::UnknownRevision`) | nothing changed |
//!
//! Every error of a step that changes the database is wrapped here
//! (`Error::during_change`) so that its exit code says a change was made
//! (1), never "nothing attempted" (2).
//!
//! `update` (xivo-update-db) owns SIGINT, SIGTERM and SIGHUP once it holds the lock
//! (unless they were ignored when it started): the work is dropped (its
//! transaction rolls back), what a merge left running on the server is
//! ended and `xivo` reopened, and the command fails with one line. The
//! hooks call `update_locked` and handle signals themselves.

use tokio_postgres::Client;

use crate::config::{Config, LEGACY_DB_NAME};
use crate::error::{Error, Left};
use crate::interrupt::{Interrupt, Takeover};
use crate::legacy::LegacyScripts;
use crate::lock::RunLock;
use crate::merge;
use crate::migrations::{self, MigrationSet, Report};
use crate::pg::Superuser;
use crate::provision;
use crate::standing::{self, Standing};

/// What an update did.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to apply.
    AlreadyAtHead,
    /// Provisioned, merged or upgraded: what was applied.
    Applied(Report),
}

impl Outcome {
    /// The line that closes a run's log.
    pub fn log(&self, set: &MigrationSet) {
        match self {
            Outcome::AlreadyAtHead => log::info!("the database was already at {}", set.head()),
            Outcome::Applied(r) => log::info!(
                "applied {} migration(s), now at {}",
                r.applied.len(),
                set.head()
            ),
        }
    }
}

/// Take the run lock, then bring the database to head. A signal stops the
/// work: nothing it had not committed stays, `xivo` is reopened, and the
/// error says which signal (exit 1).
pub async fn update(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
) -> Result<Outcome, Error> {
    // Before the lock is ours a signal kills us as usual: nothing changed yet.
    let _lock = RunLock::acquire(config, superuser).await?;
    // What a killed merge left (`xivo` closed, its limit in a state file)
    // is put back first, as the hooks do: that file, unusable, is bad input
    // (exit 2) before any refusal, and reopening `xivo` writes no row.
    merge::reopen_legacy(config, &superuser.connect("postgres").await?).await?;
    crate::pending::refuse_if_pending(config)?;
    let mut interrupt = Interrupt::install(Takeover::Command)
        .map_err(|e| Error::Other(format!("cannot take over SIGINT/SIGTERM/SIGHUP: {e}")))?;
    match interrupt.race(update_locked(config, superuser, set)).await {
        Ok(result) => result,
        Err(name) => {
            log::error!("{name} received: stopping the upgrade");
            // The work was dropped with its connections; the server rolls
            // back what they had not committed.
            if let Err(e) = merge::stop_interrupted(config, superuser).await {
                log::error!("{e}; the next run of xivo-update-db finishes this");
            }
            Err(Error::Interrupted {
                signal: name,
                what: format!(
                    "interrupted by {name}: the upgrade was stopped and what it had not committed was rolled back; \
                     run xivo-update-db again"
                ),
            })
        }
    }
}

/// Same, the caller holding the run lock.
pub async fn update_locked(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
) -> Result<Outcome, Error> {
    let outcome = migrate_locked(config, superuser, set).await?;
    // Continuous replication follows the schema: tables a migration added
    // join the publication, the slave's subscription takes them in. Never
    // fails the upgrade: the warning says what to run, `ha status` shows it.
    match crate::ha::exclusions(config) {
        Ok(ex) => match crate::ha::after_upgrade(config, superuser, &ex).await {
            Ok(Some(done)) => log::info!("{done}"),
            Ok(None) => {}
            Err(e) => log::warn!(
                "continuous replication not brought up to the new schema: {e} \
                 (run xivo-manage-db ha enable SLAVE on the master once both hosts are upgraded)"
            ),
        },
        Err(e) => log::warn!("continuous replication not refreshed: {e}"),
    }
    Ok(outcome)
}

/// The migrations themselves, the lock held.
async fn migrate_locked(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
) -> Result<Outcome, Error> {
    let db = &config.db_name;
    let postgres = superuser.connect("postgres").await?;
    // A merge stopped by a kill left `xivo` closed to the 14.07 daemons.
    merge::reopen_legacy(config, &postgres).await?;
    // A restore killed midway: its leftovers go, a swap it committed stays,
    // the services it stopped start again.
    crate::restore::recover(config, &postgres)
        .await
        .map_err(Error::Refused)?;
    let target = standing::connect(superuser, db).await?;
    let standing = standing::classify(target.as_ref(), db, set).await?;
    let provision = || async {
        log::info!("database '{db}' does not exist or is empty: provisioning it");
        Ok(Outcome::Applied(
            provision::init(config, superuser, set).await?,
        ))
    };
    let Some(mut target) = target else {
        return provision().await;
    };
    match standing {
        Standing::Missing | Standing::Empty => {
            drop(target);
            provision().await
        }
        Standing::Legacy => Ok(Outcome::Applied(
            upgrade_legacy(config, superuser, set, postgres, target).await?,
        )),
        Standing::Versioned { current, plan, .. } => {
            // Leftovers of a merge killed after its commit: finished, never redone.
            merge::finish_cleanup(config, superuser, &postgres, Some(&target))
                .await
                .map_err(|e| Error::from(e).during_change(Left::Unfinished))?;
            if plan.is_empty() {
                // The history table of an earlier package still gets this
                // one's columns, so that every host has the same schema.
                migrations::ensure_version_tables_alone(&mut target, &config.db_owner)
                    .await
                    .map_err(|e| Error::from(e).during_change(Left::RolledBack))?;
                // Said once, by `Outcome::log`.
                return Ok(Outcome::AlreadyAtHead);
            }
            log::info!(
                "database '{db}' at {}: {} migration(s) to apply up to {}: {plan}",
                current.join(", "),
                plan.len(),
                set.head()
            );
            let report =
                migrations::run_plan(&mut target, set, &config.db_owner, &plan, Report::default())
                    .await
                    .map_err(|e| Error::from(e).during_change(Left::Unfinished))?;
            Ok(Outcome::Applied(report))
        }
    }
}

/// A 14.07 host: the merge's stages (see `merge`), then the cleanup and the
/// versions after the first segment.
async fn upgrade_legacy(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
    postgres: Client,
    target: Client,
) -> Result<Report, Error> {
    // Everything validated before the first change.
    let scripts = LegacyScripts::load(config)?;
    let levels = scripts.read_levels(config)?;
    let mut merge = merge::prepare(
        superuser,
        postgres,
        target,
        &scripts,
        levels,
        &config.db_name,
        LEGACY_DB_NAME,
    )
    .await?;
    // From here on the databases change: a failure is 1, never "nothing attempted".
    merge
        .close(config)
        .await
        .map_err(|e| Error::from(e).during_change(Left::Unfinished))?;
    let mut report = Report::default();
    merge
        .apply(config, superuser, set, &mut report)
        .await
        .map_err(|e| Error::from(e).during_change(Left::RolledBack))?;
    let (postgres, mut target) = merge.into_connections();
    merge::finish_cleanup(config, superuser, &postgres, Some(&target))
        .await
        .map_err(|e| Error::from(e).during_change(Left::Unfinished))?;
    drop(postgres);
    // The versions after the first transactional segment, in order.
    migrations::run(&mut target, set, &config.db_owner, report)
        .await
        .map_err(|e| Error::from(e).during_change(Left::Unfinished))
}

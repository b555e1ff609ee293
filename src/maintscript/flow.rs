//! The steps the hooks share: connecting (or skipping when the cluster is
//! down), deciding what work is pending, preparing an upgrade (stop the
//! services, end the sessions, snapshot), upgrading with rollback, and
//! settling whatever an earlier run left (the `abort-*` arguments).
//!
//! Every step is logged with its duration. Signals are looked at between
//! steps and raced against the upgrade itself; rollback and restart are never
//! interrupted.
//!
//! Preparing an upgrade (stop, sessions, snapshot, and its undo) is in
//! `super::prepare`, re-exported here; upgrading with rollback, settling,
//! and the reconnect after PostgreSQL cut the connection (`alive`,
//! `reconnect`, `rollback_to`: part of how the protocol finishes a
//! rollback) stay here, over the same snapshot record: why it is above 500
//! lines.

use std::time::{Duration, Instant};

use tokio_postgres::Client;

use super::error::HookError;
use crate::check;
use crate::config::Config;
use crate::error::Error;
use crate::ha::across_snapshot::Replication;
use crate::interrupt::Interrupt;
use crate::lock::RunLock;
use crate::migrations::{MigrationError, MigrationSet};
use crate::pg::{self, Superuser};
use crate::services::Services;
use crate::snapshot::{self, Phase, Record};
use crate::standing::Standing;
use crate::upgrade;

/// What a hook works with.
pub struct Ctx {
    pub config: Config,
    pub admin: Superuser,
    pub interrupt: Interrupt,
    /// Carried in snapshot names.
    pub version: String,
}

impl Ctx {
    /// Stop here if a signal came in.
    pub fn check_interrupt(&mut self) -> Result<(), HookError> {
        match self.interrupt.pending() {
            Some(signal) => Err(HookError::Interrupted { signal }),
            None => Ok(()),
        }
    }
}

pub use super::prepare::{prepare, prepare_or_undo};
pub use crate::logging::timed;

/// The run lock (host file lock, then the advisory lock), given up on a
/// signal: the hooks own SIGINT/SIGTERM/SIGHUP, so a wait of up to
/// LOCK_TIMEOUT must not make them deaf.
pub async fn lock(ctx: &mut Ctx) -> Result<RunLock, HookError> {
    let started = Instant::now();
    log::info!("taking the lock...");
    let lock = match ctx
        .interrupt
        .race(RunLock::acquire(&ctx.config, &ctx.admin))
        .await
    {
        Ok(r) => r?,
        Err(signal) => return Err(HookError::Interrupted { signal }),
    };
    log::info!(
        "taking the lock: done in {}",
        crate::duration::human(started.elapsed())
    );
    Ok(lock)
}

/// The superuser connection to `postgres`, or `None` when the cluster is not
/// running (an install from the ISO, before PostgreSQL is started).
pub async fn connect(ctx: &Ctx) -> Result<Option<Client>, HookError> {
    match ctx.admin.connect("postgres").await {
        Ok(c) => Ok(Some(c)),
        Err(e) if e.is_cluster_down() => {
            log::warn!("the PostgreSQL cluster is not running ({e}): database step skipped");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Where the database stands (read-only), logged. A database newer than
/// this package is refused here, before anything is stopped.
pub async fn standing<'a>(ctx: &Ctx, set: &'a MigrationSet) -> Result<Standing<'a>, HookError> {
    let db = &ctx.config.db_name;
    let standing = match check::check(&ctx.config, &ctx.admin, set).await {
        Ok(s) => s,
        Err(Error::Migration(MigrationError::UnknownRevision { revision, head })) => {
            return Err(HookError::Downgrade {
                current: revision,
                head,
            })
        }
        Err(e) => return Err(e.into()),
    };
    match &standing {
        s if s.at_head() => log::info!("database '{db}' is at head {}", set.head()),
        Standing::Missing | Standing::Empty => {
            log::info!("database '{db}' does not exist or is empty: it will be provisioned")
        }
        Standing::Versioned { current, .. } => log::info!(
            "database '{db}' is at {}, this package's head is {}",
            current.join(", "),
            set.head()
        ),
        Standing::Legacy => {
            // The 14.07 state files and scripts are checked here, before
            // anything is stopped or copied: a bad one is refused untouched.
            crate::legacy::check_lines(&ctx.config)?;
            log::info!("database '{db}' is on the 14.07 system: it will be merged and upgraded")
        }
    }
    Ok(standing)
}

/// Finish what an earlier run left half-done and that has only one right
/// ending: an interrupted rollback is finished (unless the database lived
/// since: then nothing is done and the administrator decides), a recorded
/// database gone while its copy is here is put back, copies of a committed
/// upgrade or of an unfinished snapshot are dropped. `Ready` and
/// `Upgrading` records are otherwise left to `prepare` and `settle`, which
/// judge them.
pub async fn recover(ctx: &Ctx, postgres: &Client, services: &Services) -> Result<(), HookError> {
    // Read first: an unusable record stops the hook before anything changes.
    let record = snapshot::load(&ctx.config)?;
    // Before any snapshot copies `xivo`: a killed merge left it closed.
    crate::merge::reopen_legacy(&ctx.config, postgres).await?;
    // A restore killed midway: its leftovers go, a swap it committed stays.
    crate::restore::recover(&ctx.config, postgres)
        .await
        .map_err(|e| HookError::Core(Error::Refused(e)))?;
    let Some(mut record) = record else {
        snapshot::drop_unrecorded_state_copy(&ctx.config)?;
        return Ok(());
    };
    if matches!(record.phase, Phase::Done | Phase::Ready | Phase::Upgrading)
        && restore_missing(ctx, postgres, &mut record).await?
    {
        return Ok(());
    }
    match record.phase {
        Phase::RollingBack => {
            if let Some(why) = lived_since(postgres, services, &record).await? {
                return Err(HookError::Core(Error::Refused(
                    crate::pending::rollback_pending_message(&ctx.config, &record, &why),
                )));
            }
            log::warn!(
                "an earlier rollback to snapshot {} was interrupted: finishing it",
                record.names()
            );
            timed(
                "finishing the rollback",
                snapshot::rollback(
                    &ctx.config,
                    postgres,
                    &mut record,
                    &Replication::new(&ctx.config),
                ),
            )
            .await?;
        }
        Phase::Done => {
            timed(
                "dropping the snapshot of the finished upgrade",
                snapshot::discard(
                    &ctx.config,
                    postgres,
                    &record,
                    &Replication::new(&ctx.config),
                ),
            )
            .await?;
            timed(
                "finishing the cleanup",
                crate::merge::finish_cleanup(&ctx.config, &ctx.admin, postgres, None),
            )
            .await?;
        }
        Phase::Creating => {
            timed(
                "dropping an unfinished snapshot",
                snapshot::discard(
                    &ctx.config,
                    postgres,
                    &record,
                    &Replication::new(&ctx.config),
                ),
            )
            .await?;
        }
        // Judged by `prepare` and `settle`.
        Phase::Ready | Phase::Upgrading => {}
    }
    Ok(())
}

/// A recorded database gone while its copy is here (dropped by hand during
/// or after an upgrade): provisioning an empty one, or dropping the
/// snapshot, would bury the only copy of the data, so the copy is put back.
/// A missing `xivo` whose rows the merge committed into `DB_NAME` is normal
/// (`pending::only_in_snapshot`). True when it rolled back.
async fn restore_missing(
    ctx: &Ctx,
    postgres: &Client,
    record: &mut Record,
) -> Result<bool, HookError> {
    let missing = crate::pending::only_in_snapshot(&ctx.config, postgres, record).await?;
    if missing.is_empty() || !snapshot::is_intact(postgres, record).await? {
        return Ok(false);
    }
    for db in &missing {
        log::warn!("database '{db}' is missing but its snapshot exists: restoring it");
    }
    timed(
        "rolling back",
        snapshot::rollback(
            &ctx.config,
            postgres,
            record,
            &Replication::new(&ctx.config),
        ),
    )
    .await?;
    Ok(true)
}

/// Has a database the rollback would still replace been used since it
/// started? Then finishing it would throw away what was written: a
/// configured service runs, or a session is connected to one. A recorded
/// database that is gone, or already the snapshot put back, loses nothing:
/// when none is left to replace, a running service (started at boot with
/// no database to use) is no sign of use.
async fn lived_since(
    postgres: &Client,
    services: &Services,
    record: &Record,
) -> Result<Option<String>, HookError> {
    let replaced = crate::pending::replaced_by_rollback(postgres, record).await?;
    if replaced.is_empty() {
        return Ok(None);
    }
    let running = services.running();
    if !running.is_empty() {
        return Ok(Some(format!("services {} run", running.join(", "))));
    }
    let sessions = pg::sessions(postgres, &replaced).await?;
    if let Some(s) = sessions.first() {
        return Ok(Some(format!(
            "{} session(s) are connected to '{}', the first {s}",
            sessions.len(),
            replaced.join("', '")
        )));
    }
    Ok(None)
}

/// How long a hook waits for a restarted cluster to take connections again
/// before it leaves the undoing to the next run.
const RECONNECT_WAIT: Duration = Duration::from_secs(60);

/// A new superuser connection once the cluster cut ours (restarted, or
/// crashed and recovering; the OOM killer ending one backend restarts them
/// all): retried up to RECONNECT_WAIT.
pub(super) async fn reconnect(ctx: &Ctx) -> Result<Client, HookError> {
    log::warn!("the connection to PostgreSQL was cut (restarted?): reconnecting");
    let deadline = Instant::now() + RECONNECT_WAIT;
    loop {
        match ctx.admin.connect("postgres").await {
            Ok(c) => return Ok(c),
            // A server going down or coming back also resets connections
            // (ECONNRESET) or says 57P03: everything is retried until then.
            Err(e) if Instant::now() < deadline => {
                log::debug!("{e}: retrying");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Does `postgres` still answer? Right after the server ended it ("FATAL:
/// terminating connection due to administrator command"), `is_closed` may
/// not know yet: ask.
pub(super) async fn alive(postgres: &Client) -> bool {
    !postgres.is_closed() && postgres.batch_execute("SELECT 1").await.is_ok()
}

/// Roll back to `record`; when the cluster cut the connection (before or
/// during the rollback), once more on a new one: the rollback resumes
/// where it stopped. Then the connection limit of `xivo` a cut merge could
/// not put back is put back.
async fn rollback_to(
    ctx: &Ctx,
    postgres: &Client,
    record: &mut Record,
) -> Result<(), snapshot::SnapshotError> {
    let first = timed(
        "rolling back",
        snapshot::rollback(
            &ctx.config,
            postgres,
            record,
            &Replication::new(&ctx.config),
        ),
    )
    .await;
    let Err(cut) = first else {
        return Ok(());
    };
    if alive(postgres).await {
        return Err(cut);
    }
    let fresh = match reconnect(ctx).await {
        Ok(c) => c,
        Err(e) => {
            log::error!("{e}");
            return Err(cut);
        }
    };
    timed(
        "rolling back on a new connection",
        snapshot::rollback(&ctx.config, &fresh, record, &Replication::new(&ctx.config)),
    )
    .await?;
    if let Err(e) = crate::merge::reopen_legacy(&ctx.config, &fresh).await {
        log::error!("{e}");
    }
    Ok(())
}

/// Apply the pending work with `record` as the way back. On success the
/// snapshot is dropped, the cleanup finished and the services started; on
/// failure (or a signal) everything is rolled back and the services started.
pub async fn upgrade_with_rollback(
    ctx: &mut Ctx,
    postgres: &Client,
    services: &Services,
    set: &MigrationSet,
    mut record: Record,
) -> Result<(), HookError> {
    snapshot::set_phase(&ctx.config, &mut record, Phase::Upgrading)?;
    fail_point!("hook.after_phase_upgrading");
    let result = {
        let work = timed(
            "upgrading the database",
            upgrade::update_locked(&ctx.config, &ctx.admin, set),
        );
        match ctx.interrupt.race(work).await {
            Ok(r) => r.map_err(HookError::from),
            Err(signal) => {
                log::error!("{signal} received: stopping the upgrade");
                Err(HookError::Interrupted { signal })
            }
        }
        // Leaving this block drops the upgrade's connection; the rollback's
        // DROP DATABASE ... WITH (FORCE) ends its backend if still busy.
    };
    match result {
        Ok(outcome) => {
            outcome.log(set);
            fail_point!("hook.after_upgrade");
            snapshot::set_phase(&ctx.config, &mut record, Phase::Done)?;
            fail_point!("hook.after_phase_done");
            finish_success(ctx, postgres, services, &record).await
        }
        Err(cause) => {
            let snapshot = record.names();
            log::error!("the upgrade failed: {cause}; rolling back to snapshot {snapshot}");
            fail_point!("hook.before_rollback");
            if let Err(rollback) = rollback_to(ctx, postgres, &mut record).await {
                // The services stay stopped: the next run finishes the
                // rollback, which would throw away what they wrote meanwhile.
                log::error!(
                    "services left stopped until the rollback is finished: {}",
                    services.recorded().unwrap_or_default().join(", ")
                );
                return Err(HookError::RollbackFailed {
                    cause: Box::new(cause),
                    rollback,
                    snapshot,
                });
            }
            fail_point!("hook.after_rollback");
            if let Err(e) = start(services).await {
                log::error!("{e}");
            }
            Err(HookError::RolledBack {
                cause: Box::new(cause),
                snapshot,
            })
        }
    }
}

/// The upgrade is committed (phase `Done`): start the services, then drop
/// the snapshot (only then can role `xivo` go) and finish the cleanup. The
/// services need neither: they use `DB_NAME`, and the merge closed `xivo`
/// to connections; so they come back first, and the drops (seconds for a
/// large snapshot) are not downtime. A drop that fails is finished by the
/// next run, which finds the record at `Done`.
pub async fn finish_success(
    ctx: &Ctx,
    postgres: &Client,
    services: &Services,
    record: &Record,
) -> Result<(), HookError> {
    fail_point!("hook.before_start_services");
    let started = start(services).await;
    let tail = async {
        timed(
            "dropping the snapshot",
            snapshot::discard(
                &ctx.config,
                postgres,
                record,
                &Replication::new(&ctx.config),
            ),
        )
        .await?;
        fail_point!("hook.after_discard");
        timed(
            "finishing the cleanup",
            crate::merge::finish_cleanup(&ctx.config, &ctx.admin, postgres, None),
        )
        .await?;
        Ok::<(), HookError>(())
    }
    .await;
    match started.and(tail) {
        Ok(()) => Ok(()),
        Err(e) => Err(HookError::After {
            done: "the database was upgraded".into(),
            cause: Box::new(e),
        }),
    }
}

/// Undo what an earlier hook left (the `abort-*` arguments, remove): a
/// snapshot the database was never changed against is dropped; one taken
/// before an upgrade that did not finish is rolled back to, unless a service
/// has run since (then the database is kept as it is); the recorded services
/// are started. The caller holds the run lock.
pub async fn settle(ctx: &Ctx, postgres: &Client, services: &Services) -> Result<(), HookError> {
    recover(ctx, postgres, services).await?;
    if let Some(mut record) = snapshot::load(&ctx.config)? {
        let upgrading = record.phase == Phase::Upgrading;
        let running = services.running();
        if upgrading && running.is_empty() {
            log::warn!(
                "an upgrade did not finish: rolling back to snapshot {}",
                record.names()
            );
            timed(
                "rolling back",
                snapshot::rollback(
                    &ctx.config,
                    postgres,
                    &mut record,
                    &Replication::new(&ctx.config),
                ),
            )
            .await?;
        } else {
            if upgrading {
                log::warn!(
                    "an upgrade did not finish, but services ran since ({}): keeping the database as it is",
                    running.join(", ")
                );
            }
            timed(
                "dropping the snapshot",
                snapshot::discard(
                    &ctx.config,
                    postgres,
                    &record,
                    &Replication::new(&ctx.config),
                ),
            )
            .await?;
        }
    }
    start(services).await
}

/// Start the recorded services, if any.
pub async fn start(services: &Services) -> Result<(), HookError> {
    if services.recorded()?.is_empty() {
        return Ok(());
    }
    timed("starting the services again", async {
        services.start_recorded()
    })
    .await?;
    Ok(())
}

/// Without the cluster only the services can be dealt with: start them,
/// unless a rollback may still throw away what they would write.
pub async fn start_without_cluster(config: &Config, services: &Services) -> Result<(), HookError> {
    if let Some(record) = snapshot::load(config)? {
        if matches!(record.phase, Phase::Upgrading | Phase::RollingBack) {
            let recorded = services.recorded()?;
            if !recorded.is_empty() {
                return Err(HookError::Core(Error::Refused(format!(
                    "an upgrade did not finish and the PostgreSQL cluster is not running: services {} stay \
                     stopped until it is rolled back; start PostgreSQL, then run dpkg --configure -a",
                    recorded.join(", ")
                ))));
            }
        }
    }
    start(services).await
}

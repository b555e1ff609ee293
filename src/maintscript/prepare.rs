//! Preparing an upgrade, the hooks' first step over the snapshot record:
//! a snapshot to roll back to (an earlier run's reused when nothing can have
//! written since, else dropped; a database only shaped as a copy is kept,
//! with a warning), the free space checked, preinst's online queue_log
//! step, the services stopped and the sessions ended, then the copies
//! taken; and its undo when it fails (`prepare_or_undo`). Split from
//! `flow`, which re-exports both and holds the upgrade and the settling.

use tokio_postgres::Client;

use super::error::HookError;
use super::flow::{alive, reconnect, settle, start, timed, Ctx};
use crate::config::LEGACY_DB_NAME;
use crate::ha::across_snapshot::Replication;
use crate::services::Services;
use crate::snapshot::{self, sessions, Phase, Record};

/// Everything the upgrade needs before it touches the database: a snapshot
/// to roll back to, taken with the services stopped and no session left. A
/// snapshot left by an earlier run is used when nothing can have written to
/// the database since (no configured service running), else dropped.
///
/// `online_queue_log`: preinst's run, in the normal apt flow, while the old
/// package's services run: a 14.07 queue_log gets its id first (postinst
/// prepares only when preinst could not, and leaves it to the upgrade).
pub async fn prepare(
    ctx: &mut Ctx,
    postgres: &Client,
    services: &Services,
    online_queue_log: bool,
) -> Result<Record, HookError> {
    let dbs = snapshot::databases(postgres, &ctx.config).await?;
    if let Some(record) = snapshot::load(&ctx.config)? {
        let running = services.running();
        let recorded: Vec<String> = record.copies.iter().map(|c| c.database.clone()).collect();
        if running.is_empty() && recorded == dbs && snapshot::is_intact(postgres, &record).await? {
            log::info!(
                "using snapshot {} taken by an earlier run at {} (phase {}): no service ran since",
                record.names(),
                record.taken_at,
                record.phase
            );
            timed(
                "ending the remaining sessions",
                sessions::end(postgres, &dbs, snapshot::SESSION_GRACE),
            )
            .await?;
            return Ok(record);
        }
        log::warn!(
            "snapshot {} of an earlier run cannot be used (running services: {}; its copies must all be \
             there): dropping it and taking a new one",
            record.names(),
            if running.is_empty() { "none".into() } else { running.join(", ") }
        );
        timed(
            "dropping the stale snapshot",
            snapshot::discard(
                &ctx.config,
                postgres,
                &record,
                &Replication::new(&ctx.config),
            ),
        )
        .await?;
    }
    for name in snapshot::lookalikes(postgres, &[]).await? {
        log::warn!(
            "database '{name}' looks like a snapshot copy, but no record names it: kept; if it is \
             not needed, drop it by hand: DROP DATABASE {}",
            crate::pg::quote_ident(&name)
        );
    }
    let writes = if dbs.iter().any(|d| d == LEGACY_DB_NAME) {
        let client = ctx.admin.connect(&ctx.config.db_name).await?;
        snapshot::space::legacy_upgrade_writes(
            postgres,
            &client,
            &ctx.config.db_name,
            LEGACY_DB_NAME,
        )
        .await?
    } else {
        // Migrations of the new system write little: the margin covers them.
        snapshot::space::UpgradeWrites::default()
    };
    timed(
        "checking the free space for the snapshot and the upgrade",
        snapshot::space::check(postgres, &dbs, &writes),
    )
    .await?;
    ctx.check_interrupt()?;
    // Whatever would refuse the stop is known first: a refused upgrade
    // changes nothing, the online step below included.
    services.check_stoppable()?;
    // While the services still run: a 14.07 queue_log gets its id online,
    // so the merge finds it done and the services stay down only for what
    // must be exclusive. Kept by a rollback (the change is one the 14.08
    // notes let administrators make on a live system); a failure here only
    // means the merge does it offline.
    if online_queue_log {
        let (db, wait) = (ctx.config.db_name.clone(), ctx.config.lock_timeout);
        crate::queue_log_ops::online_before_stop(&ctx.admin, &db, wait, &mut ctx.interrupt)
            .await
            .map_err(|signal| HookError::Interrupted { signal })?;
    }
    fail_point!("hook.before_stop_services");
    timed("stopping the services", async { services.stop_running() }).await?;
    ctx.check_interrupt()?;
    timed(
        "ending the remaining sessions",
        sessions::end(postgres, &dbs, snapshot::SESSION_GRACE),
    )
    .await?;
    ctx.check_interrupt()?;
    fail_point!("hook.before_snapshot");
    let record = timed(
        "taking the snapshot",
        snapshot::take(
            &ctx.config,
            postgres,
            &dbs,
            &ctx.version,
            &Replication::new(&ctx.config),
        ),
    )
    .await?;
    log::info!("snapshot {} ready", record.names());
    fail_point!("hook.after_snapshot");
    ctx.check_interrupt()?;
    Ok(record)
}

/// `prepare`, and on failure undo what it did (dpkg would call the abort
/// hooks to the same effect; doing it here keeps the run self-contained).
pub async fn prepare_or_undo(
    ctx: &mut Ctx,
    postgres: &Client,
    services: &Services,
    online_queue_log: bool,
) -> Result<Record, HookError> {
    match prepare(ctx, postgres, services, online_queue_log).await {
        Ok(r) => Ok(r),
        Err(e) => {
            log::error!("{e}: undoing the preparation");
            let mut settled = settle(ctx, postgres, services).await;
            if settled.is_err() && !alive(postgres).await {
                // The cluster restarted under us (during the copy, say):
                // undo on a new connection rather than leave services down.
                settled = match reconnect(ctx).await {
                    Ok(fresh) => settle(ctx, &fresh, services).await,
                    Err(again) => Err(again),
                };
            }
            if let Err(e2) = settled {
                log::error!("undoing the preparation failed too: {e2}");
                restart_if_untouched(ctx, services).await;
            }
            Err(e)
        }
    }
}

/// After a preparation whose undoing failed (its record cannot be removed
/// from a state directory gone read-only, say): the services still go
/// back up when the database cannot have been changed, i.e. no record
/// says an upgrade or a rollback started. The record stays for the next run.
async fn restart_if_untouched(ctx: &Ctx, services: &Services) {
    let untouched = match snapshot::load(&ctx.config) {
        Ok(None) => true,
        Ok(Some(r)) => matches!(r.phase, Phase::Creating | Phase::Ready),
        Err(_) => false,
    };
    if !untouched {
        return;
    }
    if let Err(e) = start(services).await {
        log::error!("{e}");
    }
}

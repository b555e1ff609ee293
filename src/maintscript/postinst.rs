//! postinst `configure [<most-recently-configured-version>]` (the
//! `abort-*` calls are in `unwind`).
//!
//! `configure` moves the legacy state directories, skips the database step
//! when the cluster is down (install from the ISO), then provisions or
//! upgrades. An upgrade always has a snapshot: preinst's, or (`dpkg
//! --configure -a` after a failure, services running again) one it takes
//! itself. On failure everything is rolled back and the hook exits non-zero.

use super::args::Invocation;
use super::error::HookError;
use super::flow::{self, Ctx};
use crate::migrations;
use crate::services::Services;
use crate::snapshot;
use crate::standing::Standing;
use crate::upgrade;

/// `postinst configure [<most-recently-configured-version>]`.
pub async fn configure(ctx: &mut Ctx, inv: &Invocation) -> Result<(), HookError> {
    match inv.arg(0) {
        Some(v) => log::info!("configuring after version {v}"),
        None => log::info!("first configuration"),
    }
    flow::timed("moving the legacy state directories", async {
        crate::legacy::relocate_state_dirs(&ctx.config)
    })
    .await?;
    let services = Services::new(&ctx.config)?;
    let Some(postgres) = flow::connect(ctx).await? else {
        log::warn!(
            "database '{}' not provisioned or upgraded: run xivo-update-db once PostgreSQL runs",
            ctx.config.db_name
        );
        return flow::start_without_cluster(&ctx.config, &services).await;
    };
    let set = migrations::load(&ctx.config)?;
    let _lock = flow::lock(ctx).await?;
    flow::recover(ctx, &postgres, &services).await?;
    let standing = match flow::standing(ctx, &set).await {
        Ok(s) => s,
        Err(e @ HookError::Downgrade { .. }) => {
            flow::settle(ctx, &postgres, &services).await?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    match standing {
        s if s.at_head() => {
            // At head, yet preinst may have stopped services and snapshotted
            // (someone ran xivo-update-db in between, or an earlier run died
            // after its commit): the snapshot has nothing left to protect.
            if let Some(record) = snapshot::load(&ctx.config)? {
                return flow::finish_success(ctx, &postgres, &services, &record).await;
            }
            flow::timed(
                "finishing the cleanup",
                crate::merge::finish_cleanup(&ctx.config, &ctx.admin, &postgres, None),
            )
            .await?;
            flow::start(&services).await
        }
        Standing::Missing | Standing::Empty => {
            // Nothing to lose, so no snapshot and no service stopped; an
            // interrupted provisioning is resumed by the next run.
            let result = {
                let work = flow::timed(
                    "provisioning the database",
                    upgrade::update_locked(&ctx.config, &ctx.admin, &set),
                );
                match ctx.interrupt.race(work).await {
                    Ok(r) => r.map(|_| ()).map_err(HookError::from),
                    Err(signal) => Err(HookError::Interrupted { signal }),
                }
            };
            let started = flow::start(&services).await;
            result.and(started)
        }
        Standing::Legacy | Standing::Versioned { .. } => {
            let record = flow::prepare_or_undo(ctx, &postgres, &services, false).await?;
            flow::upgrade_with_rollback(ctx, &postgres, &services, &set, record).await
        }
    }
}

//! preinst `upgrade <old> [<new>]` (`install` has nothing to do and
//! `abort-upgrade` is in `unwind`).
//!
//! `upgrade` prepares the upgrade while the old package's files are still in
//! place: when the database is behind this package's head it takes the lock,
//! gives a 14.07 queue_log its `id` online (`queue-log prepare`), checks
//! the free space, stops the running services (recording them), ends
//! the remaining sessions and snapshots the database(s). postinst does the
//! upgrade itself. A database newer than this package is refused before
//! anything is stopped.

use super::args::Invocation;
use super::error::HookError;
use super::flow::{self, Ctx};
use crate::migrations;
use crate::services::Services;
use crate::standing::Standing;

/// `preinst upgrade <old> [<new>]`.
pub async fn upgrade(ctx: &mut Ctx, inv: &Invocation) -> Result<(), HookError> {
    flow::timed("moving the legacy state directories", async {
        crate::legacy::relocate_state_dirs(&ctx.config)
    })
    .await?;
    log::info!(
        "upgrading from {} to {}",
        inv.arg(0).unwrap_or("an unknown version"),
        inv.arg(1).unwrap_or(&ctx.version)
    );
    let services = Services::new(&ctx.config)?;
    let Some(postgres) = flow::connect(ctx).await? else {
        log::info!("postinst will say what to do once the cluster runs");
        return Ok(());
    };
    let set = migrations::load(&ctx.config)?;
    let _lock = flow::lock(ctx).await?;
    flow::recover(ctx, &postgres, &services).await?;
    match flow::standing(ctx, &set).await? {
        s if s.at_head() => {
            log::info!("nothing to prepare: no service stopped, no snapshot taken");
            Ok(())
        }
        Standing::Missing | Standing::Empty => {
            log::info!("no data to keep: postinst provisions the database; no service stopped");
            Ok(())
        }
        Standing::Legacy | Standing::Versioned { .. } => {
            flow::prepare_or_undo(ctx, &postgres, &services, true).await?;
            log::info!("ready for the upgrade: postinst applies it");
            Ok(())
        }
    }
}

//! postrm: `remove`, `purge`, `upgrade <new>`, `disappear <pkg> <ver>`,
//! `failed-upgrade <old> [<new>]`, `abort-install [<old> <new>]`,
//! `abort-upgrade <old> [<new>]`.
//!
//! Never drops the database, not even on purge: purge removes our state
//! files only ($STATE_DIR), after taking the host lock so that no running
//! xivo-update-db loses its state under it.

use super::args::Invocation;
use super::error::HookError;
use super::flow::Ctx;
use crate::error::Error;
use crate::lock::FileLock;
use crate::snapshot;

pub async fn run(ctx: &mut Ctx, inv: &Invocation) -> Result<(), HookError> {
    match inv.verb {
        "purge" => purge(ctx),
        "abort-install" | "abort-upgrade" => super::preinst::abort_upgrade(ctx).await,
        "remove" | "upgrade" | "disappear" | "failed-upgrade" => {
            log::info!("nothing to do: the database and the state files are kept");
            Ok(())
        }
        other => unreachable!("verb {other} checked by args::parse"),
    }
}

fn purge(ctx: &Ctx) -> Result<(), HookError> {
    let dir = &ctx.config.state_dir;
    if !dir.exists() {
        log::info!("{} is already gone", dir.display());
        return Ok(());
    }
    let lock = FileLock::acquire(&ctx.config)?;
    if let Ok(Some(record)) = snapshot::load(&ctx.config) {
        log::warn!(
            "an unfinished upgrade left snapshot database(s) {}: kept (they hold your data); \
             drop them with DROP DATABASE once you no longer need them",
            super::flow::names(&record)
        );
    }
    let io = |p: &std::path::Path, e: std::io::Error| {
        HookError::Core(Error::Other(format!(
            "cannot remove {}: {e}; remove it by hand",
            p.display()
        )))
    };
    let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path == lock.path() {
            continue;
        }
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| io(&path, e))?;
    }
    // Last, while still holding it: nobody else can be waiting once the
    // package is gone.
    std::fs::remove_file(lock.path()).map_err(|e| io(lock.path(), e))?;
    drop(lock);
    let _ = std::fs::remove_dir(dir);
    log::info!("removed the state files in {}", dir.display());
    Ok(())
}

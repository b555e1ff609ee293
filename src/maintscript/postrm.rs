//! postrm `purge` (every other call is planned in `super::plan` or
//! `super::unwind`).
//!
//! Never drops the database, not even on purge: purge removes the files the
//! package created (`config::STATE_ENTRIES`, and the 14.07 state files) in
//! every state directory the hooks used, wherever the administrator put it:
//! dpkg has removed the conffile by then, so the directories come from the
//! list the hooks keep (`unwind::known_state_dirs`). Anything else there is
//! the administrator's and stays. The host lock is taken first, so that no
//! running xivo-update-db loses its state under it.

use std::path::Path;

use super::error::HookError;
use super::unwind;
use crate::config::{self, Config};
use crate::error::Error;
use crate::fsutil;
use crate::lock::FileLock;
use crate::snapshot;

pub async fn purge() -> Result<(), HookError> {
    // The list itself lives in the default directory: purge it last.
    let mut dirs = unwind::known_state_dirs();
    dirs.rotate_left(1);
    for dir in &dirs {
        purge_dir(dir).await?;
    }
    Ok(())
}

async fn purge_dir(dir: &Path) -> Result<(), HookError> {
    if !dir.exists() {
        log::info!("{} is already gone", dir.display());
        return Ok(());
    }
    let mut config = Config::defaults(dir.join("config"));
    config.state_dir = dir.to_path_buf();
    let lock = FileLock::acquire(&config).await?;
    if let Ok(Some(record)) = snapshot::load(&config) {
        log::warn!(
            "an unfinished upgrade left snapshot database(s) {}: kept (they hold your data); \
             drop them with DROP DATABASE once you no longer need them",
            record.names()
        );
    }
    let io = |(p, e): fsutil::Failure| {
        HookError::Core(Error::Other(format!(
            "cannot remove {}: {e}; remove it by hand",
            p.display()
        )))
    };
    let legacy = config.legacy_state_dir();
    for f in config::LEGACY_STATE_FILES {
        fsutil::remove(&legacy.join(f)).map_err(io)?;
    }
    let _ = std::fs::remove_dir(&legacy);
    for path in unwind::package_entries(dir) {
        if path != lock.path() {
            fsutil::remove(&path).map_err(io)?;
        }
    }
    // Last, while still holding it: nobody else can be waiting once the
    // package is gone.
    fsutil::remove(lock.path()).map_err(io)?;
    drop(lock);
    match std::fs::remove_dir(dir) {
        Ok(()) => log::info!("removed {}", dir.display()),
        Err(_) => log::info!(
            "removed the package's files in {}; the rest is yours and stays",
            dir.display()
        ),
    }
    Ok(())
}

//! The unwinding calls: prerm `remove`, postinst `abort-upgrade` and
//! `abort-remove`, preinst `abort-upgrade`, postrm `abort-install` and
//! `abort-upgrade`. Each undoes what an earlier hook left: a snapshot (dropped,
//! or rolled back to when an upgrade did not finish and nothing ran since),
//! services recorded as stopped (started again), `xivo` closed by a merge
//! (reopened by the next upgrade run).
//!
//! When nothing is recorded there is nothing to undo, and the call returns
//! before it reads the configuration or connects: dpkg's error unwinding
//! must never fail on a broken config file or a server that refuses us.
//! The state directories the hooks used are remembered outside the
//! configuration (`config::state_dirs_list`), for this and for purge.

use std::path::{Path, PathBuf};

use super::error::HookError;
use super::flow::{self, Ctx};
use crate::config::{self, Config};
use crate::services::Services;

/// Is anything recorded in `dir` that an unwinding call would act on?
fn recorded_in(config: &Config) -> bool {
    [
        config.rollback_record_path(),
        config.stopped_services_path(),
        config.connlimit_path(),
        // A restore killed while loading, before it stopped any service.
        config.restore_record_path(),
    ]
    .iter()
    .any(|p| p.exists())
}

/// The state directories to look in: the configured one when the
/// configuration can be read, else every one the hooks ever used.
pub fn anything_recorded(config: Option<&Config>) -> bool {
    match config {
        Some(c) => recorded_in(c),
        None => known_state_dirs().iter().any(|dir| {
            let mut c = Config::defaults(PathBuf::new());
            c.state_dir = dir.clone();
            recorded_in(&c)
        }),
    }
}

/// The default state directory and those in the list.
pub fn known_state_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![config::default_state_dir()];
    if let Ok(text) = std::fs::read_to_string(config::state_dirs_list()) {
        for line in text.lines().map(str::trim) {
            let p = PathBuf::from(line);
            if p.is_absolute() && !dirs.contains(&p) {
                dirs.push(p);
            }
        }
    }
    dirs
}

/// Add the configured state directory to the list when it is not the
/// default. A failure is only logged: the list serves purge, later.
pub fn remember_state_dir(config: &Config) {
    let dir = &config.state_dir;
    if known_state_dirs().contains(dir) {
        return;
    }
    let list = config::state_dirs_list();
    let mut text = std::fs::read_to_string(&list).unwrap_or_default();
    text.push_str(&format!("{}\n", dir.display()));
    if let Err(e) = crate::fsutil::write_durably(&list, text.as_bytes()) {
        log::warn!(
            "cannot remember state directory {} in {}: {e}; purge will not find it",
            dir.display(),
            list.display()
        );
    }
}

/// Undo what the earlier hooks left; the caller found something recorded.
pub async fn undo(ctx: &mut Ctx) -> Result<(), HookError> {
    let services = Services::new(&ctx.config)?;
    let Some(postgres) = flow::connect(ctx).await? else {
        return flow::start_without_cluster(&ctx.config, &services).await;
    };
    let _lock = flow::lock(ctx).await?;
    flow::settle(ctx, &postgres, &services).await
}

/// The entries of `dir` the package created (see `config::STATE_ENTRIES`).
pub fn package_entries(dir: &Path) -> Vec<PathBuf> {
    config::STATE_ENTRIES
        .iter()
        .map(|e| dir.join(e))
        .filter(|p| p.symlink_metadata().is_ok())
        .collect()
}

//! The pre-upgrade snapshot and the rollback to it.
//!
//! A snapshot is: a copy of each database the upgrade changes (`DB_NAME`, and
//! `xivo` on a 14.07 host) made with `CREATE DATABASE ... TEMPLATE`, a copy of
//! the state files (`$STATE_DIR/update-db`), and the roles as they were; all
//! named in `$STATE_DIR/rollback/record`. Names carry the package version and
//! the time: `xivo_manage_db_snapshot_<YYYYmmddTHHMMSSZ>_<main|xivo>` (see
//! `name`). A copy accepts no connection, ever, and is recognised by its
//! name, that, and its recorded oid: never by a comment (see `copy`).
//!
//! Rollback drops the upgraded database (ending its sessions), renames the
//! copy back, resets the roles and the state files. Every step is idempotent
//! and ordered so that a crash anywhere loses nothing: the next run finishes
//! it. State files are copied before anything replaces them, and the record
//! goes first when a snapshot is forgotten.
//!
//! A copy of `xivo` keeps objects owned by role `xivo`: that role can only be
//! dropped after `discard`. This module never decides whether to snapshot or
//! roll back (the hooks do), and never touches a database it did not copy.

pub mod bystander;
mod copy;
pub mod name;
pub mod record;
mod roles;
pub mod sessions;
pub mod space;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use tokio_postgres::Client;

use crate::config::{Config, LEGACY_DB_NAME};
use crate::{fsutil, pg};
pub use bystander::Bystander;
pub use copy::carry_properties;
pub use record::{Phase, Record};

/// Why a snapshot could not be taken, restored or dropped.
#[derive(Debug)]
pub enum SnapshotError {
    /// Not enough free space: nothing was stopped or copied.
    NoSpace(space::Need),
    /// A statement failed; `what` names the object.
    Db { what: String, reason: String },
    /// The record file cannot be read or parsed: found when it is loaded,
    /// before anything is changed.
    Unreadable { path: PathBuf, reason: String },
    /// The record file cannot be written or removed.
    Record { path: PathBuf, reason: String },
    /// The state files cannot be copied or restored.
    StateFiles { path: PathBuf, reason: String },
    /// A recorded copy is gone while its database is gone too.
    Missing { database: String, snapshot: String },
    /// A recorded copy is gone and the database is not that copy: it cannot
    /// be restored, and is not said to be.
    Gone { database: String, snapshot: String },
    /// A database named like a snapshot is not one of ours: never dropped.
    NotOurs { database: String, why: String },
}

impl SnapshotError {
    pub fn db(what: impl Into<String>, e: &tokio_postgres::Error) -> SnapshotError {
        SnapshotError::Db {
            what: what.into(),
            reason: pg::describe(e),
        }
    }

    fn io((path, e): fsutil::Failure) -> SnapshotError {
        SnapshotError::StateFiles {
            path,
            reason: e.to_string(),
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NoSpace(need) => write!(
                f,
                "not enough free space for the pre-upgrade snapshot and the upgrade: {}; nothing was stopped \
                 or changed; free some space (or prune queue_log) and retry",
                need.describe()
            ),
            SnapshotError::Db { what, reason } => write!(f, "{what}: {reason}"),
            SnapshotError::Unreadable { path, reason } => write!(
                f,
                "snapshot record {} is unusable: {reason}; check the snapshot databases it names, then remove it",
                path.display()
            ),
            SnapshotError::Record { path, reason } => write!(
                f,
                "cannot write or remove snapshot record {}: {reason}",
                path.display()
            ),
            SnapshotError::StateFiles { path, reason } => {
                write!(f, "state files {}: {reason}", path.display())
            }
            SnapshotError::Missing { database, snapshot } => write!(
                f,
                "neither database '{database}' nor its snapshot '{snapshot}' exists: restore '{database}' from the backup"
            ),
            SnapshotError::Gone { database, snapshot } => write!(
                f,
                "snapshot '{snapshot}' is gone (dropped by hand?), so database '{database}' cannot be rolled back; \
                 it was left as it is: check it, then run xivo-manage-db rollback discard"
            ),
            SnapshotError::NotOurs { database, why } => write!(
                f,
                "database '{database}' is named like a snapshot but is not one of ours ({why}): left alone; \
                 rename it, or drop it by hand if it is of no use"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// The record left by a previous run, if any.
pub fn load(config: &Config) -> Result<Option<Record>, SnapshotError> {
    let path = config.rollback_record_path();
    Record::load(&path).map_err(|reason| SnapshotError::Unreadable { path, reason })
}

fn save(config: &Config, record: &Record) -> Result<(), SnapshotError> {
    fail_point!("record.each_write");
    let path = config.rollback_record_path();
    fsutil::write_durably(&path, record.to_text().as_bytes()).map_err(|e| SnapshotError::Record {
        path,
        reason: e.to_string(),
    })
}

/// Move the record to `phase`.
pub fn set_phase(config: &Config, record: &mut Record, phase: Phase) -> Result<(), SnapshotError> {
    record.phase = phase;
    save(config, record)
}

/// The databases a snapshot must copy: `DB_NAME`, and `xivo` while it exists.
pub async fn databases(postgres: &Client, config: &Config) -> Result<Vec<String>, SnapshotError> {
    let mut dbs = Vec::new();
    for db in [config.db_name.as_str(), LEGACY_DB_NAME] {
        let exists = crate::pg::database_exists(postgres, db)
            .await
            .map_err(|e| SnapshotError::Db {
                what: format!("looking up database '{db}'"),
                reason: e.to_string(),
            })?;
        if exists {
            dbs.push(db.to_string());
        }
    }
    Ok(dbs)
}

/// Copy the databases, the state files and the roles. The record is written
/// before each copy is made (and again with each copy's oid), so a run
/// killed here leaves nothing unnamed. The caller has checked the space,
/// stopped the services and ended the sessions.
pub async fn take(
    config: &Config,
    postgres: &Client,
    dbs: &[String],
    version: &str,
    bystander: &impl Bystander,
) -> Result<Record, SnapshotError> {
    let stamp: String = postgres
        .query_one(
            "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')",
            &[],
        )
        .await
        .map_err(|e| SnapshotError::db("reading the server's clock", &e))?
        .get(0);
    if !name::is_stamp(&stamp) {
        return Err(SnapshotError::Db {
            what: "reading the server's clock".into(),
            reason: format!("unexpected time '{stamp}'"),
        });
    }
    let mut role_names = vec![config.db_owner.clone()];
    if !role_names.iter().any(|r| r == LEGACY_DB_NAME) {
        role_names.push(LEGACY_DB_NAME.to_string());
    }
    let roles = roles::capture(postgres, &role_names).await?;
    fail_point!("snapshot.after_roles");
    let mut record = Record {
        phase: Phase::Creating,
        package_version: version.to_string(),
        taken_at: stamp.clone(),
        copies: Vec::new(),
        roles,
        state_files: false,
    };
    for db in dbs {
        let slot = if db == &config.db_name {
            name::Slot::Main
        } else {
            name::Slot::Legacy
        };
        let m = copy::meta(postgres, db)
            .await?
            .ok_or_else(|| SnapshotError::Db {
                what: format!("copying database '{db}'"),
                reason: "it does not exist".into(),
            })?;
        record.copies.push(record::Copy {
            database: db.clone(),
            snapshot: name::make(&stamp, slot),
            comment: m.comment,
            allow_connections: m.allow_connections,
            oid: None,
        });
    }
    record.state_files = copy_state_files(config)?;
    fail_point!("snapshot.after_state_files");
    save(config, &record)?;
    for i in 0..record.copies.len() {
        let c = &record.copies[i];
        let comment = format!(
            "xivo-manage-db rollback snapshot of {} taken by xivo-manage-db {version} at {stamp}; \
             dropped after the upgrade",
            c.database
        );
        fail_point!("snapshot.each_copy");
        bystander
            .pause(postgres, &c.database)
            .await
            .map_err(|e| bystander_error(&c.database, e))?;
        let oid = copy::create(postgres, &c.database, &c.snapshot, &comment).await?;
        fail_point!("snapshot.each_copy_made");
        record.copies[i].oid = Some(oid);
        save(config, &record)?;
    }
    fail_point!("snapshot.before_ready");
    set_phase(config, &mut record, Phase::Ready)?;
    Ok(record)
}

/// Does every copy the record names still exist, as the copy it recorded?
/// A record whose copies vanished must not be relied on.
pub async fn is_intact(postgres: &Client, record: &Record) -> Result<bool, SnapshotError> {
    for c in &record.copies {
        let ok = match copy::meta(postgres, &c.snapshot).await? {
            Some(m) => c.oid == Some(m.oid) && !m.allow_connections,
            None => false,
        };
        if !ok {
            log::warn!(
                "snapshot '{}' of '{}' is not there as recorded",
                c.snapshot,
                c.database
            );
            return Ok(false);
        }
    }
    Ok(true)
}

/// Put everything back as the snapshot has it, then forget the snapshot.
pub async fn rollback(
    config: &Config,
    postgres: &Client,
    record: &mut Record,
    bystander: &impl Bystander,
) -> Result<(), SnapshotError> {
    // From here on, any run that finds the record finishes the rollback
    // (unless the database lived since: see the hooks).
    set_phase(config, record, Phase::RollingBack)?;
    // Roles first: a database coming back may refer to them.
    fail_point!("rollback.before_roles");
    roles::restore(postgres, &record.roles).await?;
    for c in &record.copies {
        fail_point!("rollback.each_database");
        let detached = bystander
            .detach(postgres, &c.database)
            .await
            .map_err(|e| bystander_error(&c.database, e))?;
        copy::swap_back(postgres, c).await?;
        if let Some(d) = detached {
            bystander
                .reattach(&c.database, d)
                .await
                .map_err(|e| bystander_error(&c.database, e))?;
        }
        log::warn!(
            "database '{}' restored from snapshot '{}' (verified)",
            c.database,
            c.snapshot
        );
    }
    // Settings for one database are kept by its oid: the copies' now.
    for role in &record.roles {
        roles::restore_settings(postgres, role, true).await?;
    }
    fail_point!("rollback.before_state_files");
    restore_state_files(config, record.state_files)?;
    fail_point!("rollback.before_forget");
    forget(config)
}

/// The bystander's part of a snapshot or rollback failed on `db`.
fn bystander_error(db: &str, reason: String) -> SnapshotError {
    SnapshotError::Db {
        what: format!("replication (ha) of database '{db}'"),
        reason,
    }
}

/// Drop the copies and forget the snapshot (the upgrade succeeded, or the
/// database was never touched).
pub async fn discard(
    config: &Config,
    postgres: &Client,
    record: &Record,
    bystander: &impl Bystander,
) -> Result<(), SnapshotError> {
    // A copy still being made for a run that died would land after the drop.
    copy::stop_unfinished(postgres).await?;
    for c in &record.copies {
        fail_point!("discard.each_copy");
        copy::drop_copy(postgres, c).await?;
        log::info!("dropped snapshot '{}'", c.snapshot);
        bystander
            .resume(postgres, &c.database)
            .await
            .map_err(|e| bystander_error(&c.database, e))?;
    }
    fail_point!("discard.before_forget");
    forget(config)
}

/// Databases shaped as copies (name, closed) that no record names, `keep`
/// being the recorded ones. Never dropped: without a record there is no
/// oid to hold them against (`name::is_ours`), and a copy of ours is always
/// named by a record from before its `CREATE DATABASE` until after its
/// drop, so one of these is a database someone made, or one whose record
/// was lost: only the administrator can say it is not needed.
pub async fn lookalikes(postgres: &Client, keep: &[String]) -> Result<Vec<String>, SnapshotError> {
    copy::stop_unfinished(postgres).await?;
    Ok(copy::all_copies(postgres)
        .await?
        .into_iter()
        .filter(|n| !keep.contains(n))
        .collect())
}

/// The record goes first: without it nothing relies on the copy of the state
/// files any more; a copy left by a crash right after is removed by the
/// next hook (`drop_unrecorded_state_copy`).
fn forget(config: &Config) -> Result<(), SnapshotError> {
    let path = config.rollback_record_path();
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(SnapshotError::Record {
                path,
                reason: e.to_string(),
            })
        }
        _ => fsutil::sync_dir(&config.rollback_dir()),
    }
    fail_point!("record.after_remove");
    fsutil::remove(&config.rollback_state_copy_dir()).map_err(SnapshotError::io)?;
    let _ = std::fs::remove_dir(config.rollback_dir());
    Ok(())
}

/// With no record, a copy of the state files is what a run killed inside
/// `forget` (or before its record was written) left: nothing relies on it,
/// so it goes, and the rollback directory with it when empty.
pub fn drop_unrecorded_state_copy(config: &Config) -> Result<(), SnapshotError> {
    let copy = config.rollback_state_copy_dir();
    if copy.exists() {
        log::info!("removing {}, left without a record", copy.display());
        fsutil::remove(&copy).map_err(SnapshotError::io)?;
    }
    let _ = std::fs::remove_dir(config.rollback_dir());
    Ok(())
}

/// Copy `$STATE_DIR/update-db` into the rollback directory; false when there
/// is no such directory (nothing to restore but its absence).
fn copy_state_files(config: &Config) -> Result<bool, SnapshotError> {
    let dest = config.rollback_state_copy_dir();
    fsutil::remove(&dest).map_err(SnapshotError::io)?;
    fsutil::mirror_files(&config.legacy_state_dir(), &dest).map_err(SnapshotError::io)
}

/// Make `$STATE_DIR/update-db` hold exactly the copied files again: each
/// copied file replaces the live one atomically first, and only then are
/// live files the copy does not have removed. A crash at any point leaves
/// the copy intact for the next run.
fn restore_state_files(config: &Config, existed: bool) -> Result<(), SnapshotError> {
    let live = config.legacy_state_dir();
    let copy = config.rollback_state_copy_dir();
    if !existed {
        // There were none: the upgrade never creates them, so whatever is
        // here is not ours to judge; an empty directory goes.
        let _ = std::fs::remove_dir(&live);
        return Ok(());
    }
    if !fsutil::mirror_files(&copy, &live).map_err(SnapshotError::io)? {
        // Only an older package's crash could leave this (it removed the
        // copy before the record): the restore had been done then.
        log::warn!(
            "the copy of the state files ({}) is gone: {} kept as it is",
            copy.display(),
            live.display()
        );
        return Ok(());
    }
    log::info!("state files in {} restored", live.display());
    Ok(())
}

/// Grace period for sessions to close after their service stopped.
pub const SESSION_GRACE: Duration = Duration::from_secs(5);

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for SnapshotError {
    fn from(i: crate::failpoints::Injected) -> Self {
        SnapshotError::Db {
            what: format!("failpoint '{}'", i.0),
            reason: i.to_string(),
        }
    }
}

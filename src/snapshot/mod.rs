//! The pre-upgrade snapshot and the rollback to it.
//!
//! A snapshot is: a copy of each database the upgrade changes (`DB_NAME`, and
//! `xivo` on a 14.07 host) made with `CREATE DATABASE ... TEMPLATE`, a copy of
//! the state files (`$STATE_DIR/update-db`), and the roles as they were; all
//! named in `$STATE_DIR/rollback/record`. Names carry the package version and
//! the time: `<db>_snapshot_<version>_<YYYYmmddTHHMMSSZ>`.
//!
//! Rollback drops the upgraded database (ending its sessions), renames the
//! copy back, resets the roles and the state files. Every step is idempotent,
//! so a rollback interrupted at any point is finished by the next run.
//!
//! A copy of `xivo` keeps objects owned by role `xivo`: that role can only be
//! dropped after `discard`. This module never decides whether to snapshot or
//! roll back (the hooks do), and never touches a database it did not copy.

mod copy;
pub mod record;
mod roles;
pub mod sessions;
pub mod space;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_postgres::Client;

use crate::config::{Config, LEGACY_DB_NAME};
use crate::pg;
pub use record::{Phase, Record};

/// Why a snapshot could not be taken, restored or dropped.
#[derive(Debug)]
pub enum SnapshotError {
    /// Not enough free space: nothing was stopped or copied.
    NoSpace(space::Need),
    /// A statement failed; `what` names the object.
    Db { what: String, reason: String },
    /// The record file cannot be read, parsed or written.
    Record { path: PathBuf, reason: String },
    /// The state files cannot be copied or restored.
    StateFiles { path: PathBuf, reason: String },
    /// A recorded copy is gone while its database is gone too.
    Missing { database: String, snapshot: String },
}

impl SnapshotError {
    pub fn db(what: impl Into<String>, e: &tokio_postgres::Error) -> SnapshotError {
        SnapshotError::Db {
            what: what.into(),
            reason: pg::describe(e),
        }
    }

    fn io(path: &Path, e: std::io::Error) -> SnapshotError {
        SnapshotError::StateFiles {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NoSpace(need) => write!(
                f,
                "not enough free space for the pre-upgrade snapshot: {}; nothing was stopped or changed; \
                 free some space (or prune queue_log) and retry",
                need.describe()
            ),
            SnapshotError::Db { what, reason } => write!(f, "{what}: {reason}"),
            SnapshotError::Record { path, reason } => write!(
                f,
                "snapshot record {} is unusable: {reason}; check the snapshot databases it names, then remove it",
                path.display()
            ),
            SnapshotError::StateFiles { path, reason } => {
                write!(f, "state files {}: {reason}", path.display())
            }
            SnapshotError::Missing { database, snapshot } => write!(
                f,
                "neither database '{database}' nor its snapshot '{snapshot}' exists: restore '{database}' from the backup"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}

fn record_path(config: &Config) -> PathBuf {
    config.rollback_dir().join("record")
}

fn state_copy_dir(config: &Config) -> PathBuf {
    config.rollback_dir().join("update-db")
}

/// The record left by a previous run, if any.
pub fn load(config: &Config) -> Result<Option<Record>, SnapshotError> {
    let path = record_path(config);
    Record::load(&path).map_err(|reason| SnapshotError::Record { path, reason })
}

fn save(config: &Config, record: &Record) -> Result<(), SnapshotError> {
    let path = record_path(config);
    crate::services::write_atomically(&path, record.to_text().as_bytes()).map_err(|e| {
        SnapshotError::Record {
            path,
            reason: e.to_string(),
        }
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
        if copy::exists(postgres, db).await? {
            dbs.push(db.to_string());
        }
    }
    Ok(dbs)
}

/// The name of a copy: the database, the package version and the time,
/// within PostgreSQL's 63 bytes.
pub fn snapshot_name(db: &str, version: &str, stamp: &str) -> String {
    let version: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let fixed = db.len() + "_snapshot__".len() + stamp.len();
    let room = 63usize.saturating_sub(fixed);
    let version: String = version.chars().take(room).collect();
    format!("{db}_snapshot_{version}_{stamp}")
}

/// Copy the databases, the state files and the roles. The record is written
/// before each copy is made, so a run killed here leaves nothing unnamed.
/// The caller has checked the space, stopped the services and ended the
/// sessions.
pub async fn take(
    config: &Config,
    postgres: &Client,
    dbs: &[String],
    version: &str,
) -> Result<Record, SnapshotError> {
    let stamp: String = postgres
        .query_one(
            "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')",
            &[],
        )
        .await
        .map_err(|e| SnapshotError::db("reading the server's clock", &e))?
        .get(0);
    let mut role_names = vec![config.db_owner.clone()];
    if !role_names.iter().any(|r| r == LEGACY_DB_NAME) {
        role_names.push(LEGACY_DB_NAME.to_string());
    }
    let roles = roles::capture(postgres, &role_names).await?;
    let mut record = Record {
        phase: Phase::Creating,
        package_version: version.to_string(),
        taken_at: stamp.clone(),
        copies: Vec::new(),
        roles,
        state_files: false,
    };
    for db in dbs {
        let comment: Option<String> = postgres
            .query_one(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
                &[db],
            )
            .await
            .map_err(|e| SnapshotError::db(format!("reading the comment of '{db}'"), &e))?
            .get(0);
        record.copies.push(record::Copy {
            database: db.clone(),
            snapshot: snapshot_name(db, version, &stamp),
            comment,
        });
    }
    record.state_files = copy_state_files(config)?;
    save(config, &record)?;
    for c in &record.copies {
        let comment = format!(
            "{}{} taken by xivo-manage-db {version} at {stamp}; dropped after the upgrade",
            copy::COMMENT_PREFIX,
            c.database
        );
        copy::create(postgres, &c.database, &c.snapshot, &comment).await?;
    }
    set_phase(config, &mut record, Phase::Ready)?;
    Ok(record)
}

/// Put everything back as the snapshot has it, then forget the snapshot.
pub async fn rollback(
    config: &Config,
    postgres: &Client,
    record: &mut Record,
) -> Result<(), SnapshotError> {
    // From here on, any run that finds the record finishes the rollback.
    set_phase(config, record, Phase::RollingBack)?;
    // Roles first: a database coming back may refer to them.
    roles::restore(postgres, &record.roles).await?;
    for c in &record.copies {
        copy::swap_back(postgres, &c.database, &c.snapshot, c.comment.as_deref()).await?;
        log::warn!(
            "database '{}' restored from snapshot '{}'",
            c.database,
            c.snapshot
        );
    }
    restore_state_files(config, record.state_files)?;
    forget(config)
}

/// Drop the copies and forget the snapshot (the upgrade succeeded, or the
/// database was never touched).
pub async fn discard(
    config: &Config,
    postgres: &Client,
    record: &Record,
) -> Result<(), SnapshotError> {
    for c in &record.copies {
        copy::drop_copy(postgres, &c.snapshot).await?;
        log::info!("dropped snapshot '{}'", c.snapshot);
    }
    forget(config)
}

/// Copies of our databases left without a record (a purged state directory):
/// recognised by their comment. `keep` are the recorded ones.
pub async fn unrecorded(
    postgres: &Client,
    dbs: &[String],
    keep: &[String],
) -> Result<Vec<String>, SnapshotError> {
    let mut out = Vec::new();
    for db in dbs {
        for name in copy::marked(postgres, db).await? {
            if !keep.contains(&name) {
                out.push(name);
            }
        }
    }
    Ok(out)
}

/// Drop a copy found by `unrecorded`.
pub async fn drop_unrecorded(postgres: &Client, name: &str) -> Result<(), SnapshotError> {
    copy::drop_copy(postgres, name).await
}

fn forget(config: &Config) -> Result<(), SnapshotError> {
    let copy = state_copy_dir(config);
    if copy.exists() {
        std::fs::remove_dir_all(&copy).map_err(|e| SnapshotError::io(&copy, e))?;
    }
    let path = record_path(config);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SnapshotError::Record {
            path,
            reason: e.to_string(),
        }),
        _ => {
            let _ = std::fs::remove_dir(config.rollback_dir());
            Ok(())
        }
    }
}

/// Copy `$STATE_DIR/update-db` into the rollback directory; false when there
/// is no such directory (nothing to restore but its absence).
fn copy_state_files(config: &Config) -> Result<bool, SnapshotError> {
    let src = config.legacy_state_dir();
    let dest = state_copy_dir(config);
    if dest.exists() {
        std::fs::remove_dir_all(&dest).map_err(|e| SnapshotError::io(&dest, e))?;
    }
    let entries = match std::fs::read_dir(&src) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(SnapshotError::io(&src, e)),
    };
    std::fs::create_dir_all(&dest).map_err(|e| SnapshotError::io(&dest, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| SnapshotError::io(&src, e))?;
        let from = entry.path();
        if from.is_file() {
            let to = dest.join(entry.file_name());
            std::fs::copy(&from, &to).map_err(|e| SnapshotError::io(&from, e))?;
            std::fs::File::open(&to)
                .and_then(|f| f.sync_all())
                .map_err(|e| SnapshotError::io(&to, e))?;
        }
    }
    Ok(true)
}

/// Make `$STATE_DIR/update-db` hold exactly the copied files again.
fn restore_state_files(config: &Config, existed: bool) -> Result<(), SnapshotError> {
    let live = config.legacy_state_dir();
    let copy = state_copy_dir(config);
    if live.exists() {
        for entry in std::fs::read_dir(&live).map_err(|e| SnapshotError::io(&live, e))? {
            let p = entry.map_err(|e| SnapshotError::io(&live, e))?.path();
            if p.is_file() {
                std::fs::remove_file(&p).map_err(|e| SnapshotError::io(&p, e))?;
            }
        }
    }
    if !existed {
        let _ = std::fs::remove_dir(&live);
        return Ok(());
    }
    std::fs::create_dir_all(&live).map_err(|e| SnapshotError::io(&live, e))?;
    for entry in std::fs::read_dir(&copy).map_err(|e| SnapshotError::io(&copy, e))? {
        let from = entry.map_err(|e| SnapshotError::io(&copy, e))?.path();
        if let Some(name) = from.file_name() {
            let to = live.join(name);
            std::fs::copy(&from, &to).map_err(|e| SnapshotError::io(&from, e))?;
        }
    }
    log::info!("state files in {} restored", live.display());
    Ok(())
}

/// Grace period for sessions to close after their service stopped.
pub const SESSION_GRACE: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::snapshot_name;

    #[test]
    fn names_carry_version_and_time_within_63_bytes() {
        assert_eq!(
            snapshot_name("asterisk", "14.8.0", "20140808T101500Z"),
            "asterisk_snapshot_14.8.0_20140808T101500Z"
        );
        let long = snapshot_name(
            "asterisk",
            "14.08~rc1+git20140808.1234567890abcdef-1",
            "20140808T101500Z",
        );
        assert!(long.len() <= 63, "{long}");
        assert!(
            long.starts_with("asterisk_snapshot_14.08_rc1_git")
                && long.ends_with("_20140808T101500Z")
        );
    }
}

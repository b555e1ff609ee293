//! The new (alembic-style) versioning system: migration files with a small
//! header, a validated revision graph, a planner that keeps the graph's order
//! and cuts the work in segments (a transactional run, a non-transactional
//! migration alone, the next transactional run...), and the runner that
//! commits each segment with its `alembic_version` update.
//!
//! This module never decides *whether* to upgrade (that is `upgrade.rs`) and
//! never takes host locks (that is `lock.rs`).

pub(crate) mod apply;
mod migration;
mod plan;
mod set;
pub mod source;

use std::fmt;

pub use apply::{
    applied_history, begin_as, current_revisions, edited_migrations, ensure_version_tables,
    ensure_version_tables_alone, recorded_revisions, run, run_in_transaction, run_plan, stamp,
    Applied, Edited, Report, HISTORY_TABLE, VERSION_TABLE,
};
pub use migration::{checksum, normalise, Migration};
pub use plan::{Plan, Segment};
pub use set::{MigrationSet, BASELINE_FILE, VERSIONS_DIR};

use crate::config::Config;
use crate::pg::PgError;

/// Load the migration set this binary carries (or, for tests, the directory
/// named by the dangerous override), validated.
pub fn load(config: &Config) -> Result<MigrationSet, MigrationError> {
    MigrationSet::from_files(&files(config)?)
}

/// Every file of the migrations tree this run uses (embedded, or the
/// dangerous test override).
pub fn files(config: &Config) -> Result<Vec<source::RawFile>, MigrationError> {
    match &config.migrations_dir {
        Some(dir) => source::from_dir(dir),
        None => Ok(source::embedded()),
    }
}

/// Everything that can go wrong with migrations. The validation variants are
/// returned before any database is touched.
#[derive(Debug)]
pub enum MigrationError {
    /// A file or directory of the set cannot be read.
    Unreadable { file: String, reason: String },
    /// A file's header or name is wrong.
    BadFile { file: String, reason: String },
    /// Two files claim the same revision.
    DuplicateRevision {
        revision: String,
        files: [String; 2],
    },
    /// A `down_revision` names a revision no file has.
    UnknownParent { file: String, parent: String },
    /// The graph has a cycle through these files.
    Cycle { files: Vec<String> },
    /// The graph does not end in exactly one head.
    SeveralHeads { heads: Vec<String> },
    /// The database is at a revision this set does not know: it was
    /// upgraded by a newer package (a downgrade is being attempted).
    UnknownRevision { revision: String, head: String },
    /// `alembic_version` exists but holds no revision: what the schema is
    /// cannot be known.
    NoRevision { db: String },
    /// A migration failed. A transactional one: everything of its segment
    /// was rolled back. A non-transactional one ran alone, so what it did
    /// before failing stays. `report` says what earlier segments of the run
    /// had committed.
    Failed {
        file: String,
        revision: String,
        reason: String,
        report: Report,
        transactional: bool,
    },
    /// Talking to PostgreSQL failed outside a migration.
    Db(PgError),
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrationError::Unreadable { file, reason } => write!(f, "cannot read migration file {file}: {reason}"),
            MigrationError::BadFile { file, reason } => write!(f, "invalid migration file {file}: {reason}"),
            MigrationError::DuplicateRevision { revision, files } => write!(
                f,
                "invalid migration set: revision {revision} is claimed by both {} and {}; give one of them a new revision",
                files[0], files[1]
            ),
            MigrationError::UnknownParent { file, parent } => write!(
                f,
                "invalid migration file {file}: down_revision {parent} is not the revision of any migration"
            ),
            MigrationError::Cycle { files } => {
                write!(f, "invalid migration set: the down_revision links form a cycle through {}", files.join(", "))
            }
            MigrationError::SeveralHeads { heads } => write!(
                f,
                "invalid migration set: it must end in exactly one head, found {}: {}; add a merge revision",
                heads.len(),
                heads.join(", ")
            ),
            MigrationError::UnknownRevision { revision, head } => write!(
                f,
                "the database is at revision {revision}, which this xivo-manage-db (head {head}) does not know: \
                 it was upgraded by a newer package; downgrading is not supported, reinstall the newer package"
            ),
            MigrationError::NoRevision { db } => write!(
                f,
                "table alembic_version of database '{db}' is empty: the revision of the schema is unknown; \
                 nothing changed; restore the database from the backup, or insert the revision the schema is at"
            ),
            MigrationError::Failed { file, revision, reason, report, transactional: true } => {
                write!(f, "migration {revision} ({file}) failed: {reason}; its changes were rolled back")?;
                if !report.applied.is_empty() {
                    write!(f, " (already committed before it: {})", report.revisions().join(", "))?;
                }
                Ok(())
            }
            MigrationError::Failed { file, revision, reason, report, transactional: false } => {
                write!(
                    f,
                    "migration {revision} ({file}) failed: {reason}; it runs outside a transaction, so what it did \
                     before failing stays; fix the cause, then run xivo-update-db again, which re-runs it (an \
                     invalid index it left is dropped first)"
                )?;
                if !report.applied.is_empty() {
                    write!(f, " (already committed before it: {})", report.revisions().join(", "))?;
                }
                Ok(())
            }
            MigrationError::Db(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MigrationError {}

impl From<PgError> for MigrationError {
    fn from(e: PgError) -> Self {
        MigrationError::Db(e)
    }
}

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for MigrationError {
    fn from(i: crate::failpoints::Injected) -> Self {
        MigrationError::Unreadable {
            file: i.0.into(),
            reason: i.to_string(),
        }
    }
}

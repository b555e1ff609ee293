//! The 14.08 merge: every object and row of the 14.07 `xivo` database moves
//! into `DB_NAME`, owned by the owner role; then `xivo` and role `xivo` go.
//!
//! In stages, so that the upgrade's state machine (`upgrade.rs`) says in one
//! place what happens when, and what a failure at each stage leaves:
//!
//! 1. [`prepare`] (read-only): compare both databases (a name in both with
//!    different definitions is refused), choose the numbered scripts still
//!    to run, check that pg_dump runs. Nothing has changed if it fails.
//! 2. [`Merge::close`]: `xivo` refuses new connections and every other
//!    session on it is ended (`lockout.rs`); its connection limit is
//!    remembered in a state file first, and put back by any later run.
//! 3. [`Merge::apply`]: one transaction on `DB_NAME` (`transaction.rs`)
//!    holds the remaining `asterisk-NNN` scripts, the objects of `xivo`
//!    (read after it was closed, in one snapshot pg_dump shares: `plan.rs`),
//!    the remaining `xivo-NNN` scripts, every object given to the owner
//!    role (`owner.rs`), a mark on `xivo`, the baseline stamp and the first
//!    transactional segment of the versions. A failure rolls it back and
//!    reopens `xivo`: `DB_NAME`, `xivo`, the roles and the state files are
//!    as they were.
//! 4. [`finish_cleanup`] (after the commit, `cleanup.rs`): drops `xivo` (only
//!    if it carries the mark), role `xivo`, the 14.07 state files;
//!    idempotent, so a run killed after the commit is finished by the next,
//!    never redone.
//!
//! The numbered scripts run as the superuser, with the rights 14.07 gave
//! them (it ran them as postgres, which owns every object of a real 14.07
//! host). A table present in both databases with an identical definition
//! (same columns, types, nullability and defaults, in the same order) gets
//! the rows of `xivo` it does not already have.
//!
//! This module never stops services, takes snapshots or locks: the caller
//! holds the run lock.

mod acl;
mod cleanup;
// Shared with `replicate`, which streams tables the same way.
pub mod copy;
mod ddl;
mod lockout;
mod owner;
mod plan;
pub mod queue_log;
pub mod queue_log_id;
mod transaction;

use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use tokio_postgres::Client;

use crate::config::{Config, LEGACY_DB_NAME};
use crate::legacy::{LegacyError, LegacyScripts, Levels};
use crate::migrations::{MigrationError, MigrationSet, Report};
use crate::pg::{self, PgError, Superuser};

pub use cleanup::finish_cleanup;
pub use lockout::reopen_legacy;
pub use owner::take_all;

/// The comment the merge puts on database `xivo`, in its transaction.
const MERGED_MARK: &str = "xivo-manage-db: merged into";

/// Why the merge did not happen, or did not finish.
#[derive(Debug)]
pub enum MergeError {
    /// `DB_NAME` is on the 14.07 system but `xivo` does not exist.
    MissingLegacyDatabase { db: String },
    /// A name exists in both databases with different definitions.
    Conflict { object: String, reason: String },
    /// pg_dump cannot run at all (the client programs missing): found
    /// before anything changes.
    DumpProgram { reason: String },
    /// Users with two conference keys on one room, which asterisk-163
    /// cannot move (found before anything changes).
    ConferenceKeys { keys: Vec<String> },
    /// pg_dump could not dump the schema of `xivo` (after it was closed:
    /// the merge is rolled back).
    Dump { reason: String },
    /// An object of `xivo` could not be created in `DB_NAME`.
    Object {
        kind: String,
        name: String,
        reason: String,
    },
    /// An object cannot be given to the owner role.
    Ownership { object: String, reason: String },
    /// A numbered script failed.
    Script { file: String, reason: String },
    /// The state file holding `xivo`'s connection limit cannot be used.
    StateFile { path: PathBuf, reason: String },
    /// A statement failed.
    Db(PgError),
    /// The migrations the merge's transaction holds failed.
    Migration(MigrationError),
    /// The 14.07 state files cannot be removed after the commit.
    Legacy(LegacyError),
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::MissingLegacyDatabase { db } => write!(
                f,
                "database '{db}' is on the 14.07 system but database '{LEGACY_DB_NAME}' does not exist: \
                 restore '{LEGACY_DB_NAME}' from the backup before upgrading; nothing changed"
            ),
            MergeError::Conflict { object, reason } => write!(
                f,
                "cannot merge '{LEGACY_DB_NAME}': {object} {reason}; rename or drop one of them, then retry; nothing changed"
            ),
            MergeError::ConferenceKeys { keys } => write!(
                f,
                "cannot upgrade: {}; 14.08 gives each conference room one function key, which a user can \
                 hold once: remove one of the two keys (the user's function keys in the web interface, \
                 or its row in table phonefunckey), then retry; nothing changed",
                keys.join("; ")
            ),
            MergeError::DumpProgram { reason } => {
                write!(f, "cannot run pg_dump, which the merge needs: {reason}; install the PostgreSQL client of the server's version; nothing changed")
            }
            MergeError::Dump { reason } => {
                write!(f, "cannot read the schema of database '{LEGACY_DB_NAME}' with pg_dump: {reason}")
            }
            MergeError::Object { kind, name, reason } => write!(
                f,
                "cannot move {} {name} of '{LEGACY_DB_NAME}': {reason}; the merge was rolled back, nothing changed",
                kind.to_lowercase()
            ),
            MergeError::Ownership { object, reason } => write!(
                f,
                "{object} {reason}; drop it or change its owner by hand, then retry; the merge was rolled back, nothing changed"
            ),
            MergeError::Script { file, reason } => {
                write!(f, "{file} failed: {reason}; the upgrade was rolled back, nothing changed")
            }
            MergeError::StateFile { path, reason } => write!(f, "{}: {reason}", path.display()),
            MergeError::Db(e) => e.fmt(f),
            MergeError::Migration(e) => e.fmt(f),
            MergeError::Legacy(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MergeError {}

impl From<PgError> for MergeError {
    fn from(e: PgError) -> Self {
        MergeError::Db(e)
    }
}
impl From<MigrationError> for MergeError {
    fn from(e: MigrationError) -> Self {
        match e {
            MigrationError::Db(p) => MergeError::Db(p),
            other => MergeError::Migration(other),
        }
    }
}
impl From<LegacyError> for MergeError {
    fn from(e: LegacyError) -> Self {
        MergeError::Legacy(e)
    }
}

/// A merge under way: its connections (`DB_NAME` for the transaction and
/// for watching it, `xivo` to read from, `postgres` for the lock-out) and
/// what was decided.
pub struct Merge {
    postgres: Client,
    target: Client,
    source: Client,
    /// Watches queue_log's rewrite, when the merge has one to do.
    monitor: Option<Client>,
    compared: plan::Compared,
    pg_dump: PathBuf,
    /// The database merged in (`xivo` on a 14.07 host, a restore's copy of
    /// a `xivo` backup) and the one it goes into (`DB_NAME`, a restore's
    /// new database).
    source_db: String,
    target_db: String,
    /// `xivo`'s connection limit before `close`.
    closed: Option<i32>,
    started: Instant,
}

/// Stage 1, read-only: connect, compare both databases (conflicts refused),
/// choose the scripts, check pg_dump. `target` is a connection to `db`
/// (`DB_NAME` for the hooks); `source_db` is merged into it (`xivo` for the
/// hooks, a restore's copy of a `xivo` backup), after the scripts of
/// `levels`. Nothing has changed when this fails.
#[allow(clippy::too_many_arguments)]
pub async fn prepare(
    superuser: &Superuser,
    postgres: Client,
    target: Client,
    scripts: &LegacyScripts,
    levels: Levels,
    db: &str,
    source_db: &str,
) -> Result<Merge, MergeError> {
    let started = Instant::now();
    if !pg::database_exists(&postgres, source_db).await? {
        return Err(MergeError::MissingLegacyDatabase { db: db.into() });
    }
    let source = superuser.connect(source_db).await?;
    for c in [&target, &source] {
        lockout::tag(c).await?;
    }
    let step = Instant::now();
    fail_point!("merge.before_plan");
    let compared = plan::compare(&target, &source, scripts, levels).await?;
    log::info!(
        "compared the objects of both databases in {}",
        crate::duration::human(step.elapsed())
    );
    log::info!(
        "upgrading the XiVO {} host: asterisk {:03} -> {:03}, xivo {:03} -> {:03}, merging {} tables of '{source_db}' into '{db}'",
        crate::legacy::release_of(levels).map_or("14.07", |r| r.name),
        levels.asterisk,
        scripts.asterisk.last(),
        levels.xivo,
        scripts.xivo.last(),
        compared.tables
    );
    // A second connection to watch queue_log's rewrite, only when there is one.
    let monitor = match &compared.queue_log {
        Some(e) => {
            queue_log::announce(e);
            let monitor = superuser.connect(db).await?;
            lockout::tag(&monitor).await?;
            Some(monitor)
        }
        None => None,
    };
    // pg_dump runs after xivo is closed: make sure it can run at all first.
    let pg_dump = plan::dump_program(superuser, &postgres).await?;
    fail_point!("merge.after_plan");
    Ok(Merge {
        postgres,
        target,
        source,
        monitor,
        compared,
        pg_dump,
        source_db: source_db.to_string(),
        target_db: db.to_string(),
        closed: None,
        started,
    })
}

impl Merge {
    /// Stage 2: close `xivo` (its limit remembered on disk first). A failure
    /// may leave it closed: any later run reopens it.
    pub async fn close(&mut self, config: &Config) -> Result<(), MergeError> {
        let step = Instant::now();
        self.closed = Some(lockout::close(config, &self.postgres, &self.source).await?);
        log::info!(
            "closed '{LEGACY_DB_NAME}' to new connections in {}",
            crate::duration::human(step.elapsed())
        );
        Ok(())
    }

    /// Stage 3: read `xivo`, then the one transaction, committed. On
    /// failure it is rolled back and `xivo` reopened. `report` gets the
    /// migrations committed with it.
    pub async fn apply(
        &mut self,
        config: &Config,
        superuser: &Superuser,
        set: &MigrationSet,
        report: &mut Report,
    ) -> Result<(), MergeError> {
        let outcome = async {
            let compared = std::mem::take(&mut self.compared);
            let snapshot = plan::open_snapshot(&self.source).await?;
            // pg_dump reads the DDL while we read the catalog.
            let dump = plan::start_dump(
                superuser,
                &self.pg_dump,
                &self.source_db,
                &compared,
                &snapshot,
            );
            let plan = plan::read_source(&self.source, compared, &config.db_owner).await;
            let schema = dump.finish();
            let (plan, schema) = (plan?, schema?);
            fail_point!("merge.after_read_source");
            transaction::merge_in_transaction(
                config,
                set,
                &self.source_db,
                &self.target_db,
                &mut self.target,
                &self.source,
                self.monitor.as_ref(),
                &plan,
                &schema,
                report,
            )
            .await
        }
        .await;
        match (outcome, self.closed) {
            (Err(e), Some(before)) => {
                lockout::restore(config, &self.postgres, before).await;
                Err(e)
            }
            (Err(e), None) => Err(e),
            (Ok(()), closed) => {
                // Only a merge that closed the source remembered its limit
                // (a restore's private copy is never closed).
                if closed.is_some() {
                    lockout::forget(config);
                }
                fail_point!("merge.after_forget_limit");
                log::info!(
                    "merge committed in {}: '{}' is at {}",
                    crate::duration::human(self.started.elapsed()),
                    self.target_db,
                    crate::migrations::current_revisions(&self.target)
                        .await
                        .ok()
                        .flatten()
                        .unwrap_or_default()
                        .join(", ")
                );
                Ok(())
            }
        }
    }

    /// The committed merge's connections: `postgres` and `DB_NAME`, for
    /// the cleanup and the versions after the first segment (the others
    /// are closed).
    pub fn into_connections(self) -> (Client, Client) {
        (self.postgres, self.target)
    }
}

/// End what an interrupted merge left running (its sessions, so that the
/// server rolls their work back now), then reopen `xivo`. For a command
/// that caught SIGINT or SIGTERM; the caller still holds the run lock.
pub async fn stop_interrupted(config: &Config, superuser: &Superuser) -> Result<(), MergeError> {
    let postgres = superuser.connect("postgres").await?;
    lockout::end_own_sessions(&postgres).await?;
    reopen_legacy(config, &postgres).await
}

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for MergeError {
    fn from(i: crate::failpoints::Injected) -> Self {
        MergeError::Db(i.into())
    }
}

//! The error every command returns, and the exit-code contract shared by all
//! commands (README, man pages). `Error::exit_code` is the one table that maps
//! every error to it (the hooks' own errors have theirs in
//! `maintscript/error.rs`, on the same rules):
//!
//! * 0: done, or the database is OK (and a closed stdout: the reader went
//!   away, the command ends quietly like other Unix tools);
//! * 1: the database is not in the wanted state: `xivo-check-db` found it
//!   behind, a change was refused, or it failed (rolled back, or left for the
//!   next run to finish), or the lock is busy;
//! * 2: nothing was attempted: bad arguments, configuration, migration set,
//!   state files, the cluster cannot be reached, or the database is at a
//!   revision newer than this package.
//!
//! An error that would say 2 but happens while a change is under way is
//! wrapped by `during_change` into `Failed`, which says 1 and what the change
//! left: the type, not the message, tells "before" from "during".

use std::fmt;

use crate::config::ConfigError;
use crate::ha::HaError;
use crate::legacy::LegacyError;
use crate::lock::LockError;
use crate::merge::MergeError;
use crate::migrations::MigrationError;
use crate::pg::PgError;
use crate::services::ServiceError;
use crate::snapshot::SnapshotError;

#[derive(Debug)]
pub enum Error {
    Config(ConfigError),
    Pg(PgError),
    Migration(MigrationError),
    Lock(LockError),
    Legacy(LegacyError),
    Merge(MergeError),
    /// A snapshot could not be restored or dropped (`xivo-manage-db rollback`).
    Snapshot(SnapshotError),
    /// Services could not be stopped or started.
    Service(ServiceError),
    /// Continuous replication (`xivo-manage-db ha ...`).
    Ha(HaError),
    /// The database is in a state the command refuses to act on; nothing changed.
    Refused(String),
    /// The command line makes no sense; nothing changed.
    Usage(String),
    /// A change was under way when `cause` stopped it; `left` says in what
    /// state. Made by `during_change`.
    Failed {
        cause: Box<Error>,
        left: Left,
    },
    /// A command stopped by `signal` (SIGINT, SIGTERM, SIGHUP); `what` says
    /// what was left and what to run next. Exit 128 + the signal's number,
    /// as a shell reports a command the signal ended.
    Interrupted {
        signal: &'static str,
        what: String,
    },
    /// stdout is a pipe whose reader has gone (`... | head -1`): the command
    /// ends quietly, with success, as other Unix tools do.
    StdoutClosed,
    /// Anything else that must stop the run before it changes anything, with
    /// its context.
    Other(String),
}

/// What a failed change left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Its transaction was rolled back: nothing changed.
    RolledBack,
    /// Part of it may have committed (a step outside a transaction, or the
    /// cleanup after a commit): running the command again finishes it.
    Unfinished,
    /// The connection was lost during the COMMIT: it may or may not have
    /// happened. `check` names where to look.
    Unknown { check: &'static str },
}

impl Error {
    /// The exit code of the contract above. Every variant is listed: a new
    /// one does not compile until it has its row.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(e) => match e {
                ConfigError::Unreadable { .. }
                | ConfigError::Malformed { .. }
                | ConfigError::UnknownKey { .. }
                | ConfigError::BadValue { .. } => 2,
            },
            Error::Pg(e) => pg_exit_code(e),
            Error::Migration(e) => Error::migration_exit_code(e),
            Error::Lock(e) => match e {
                // The lock file cannot be opened: the state directory is
                // wrong, nothing was attempted.
                LockError::Io { .. } => 2,
                LockError::Busy { .. } | LockError::AdvisoryBusy { .. } => 1,
                LockError::Db(e) => pg_exit_code(e),
            },
            Error::Legacy(e) => Error::legacy_exit_code(e),
            Error::Merge(e) => match e {
                // The databases' state refuses the merge; nothing changed.
                MergeError::MissingLegacyDatabase { .. } | MergeError::Conflict { .. } => 1,
                // pg_dump runs before any change (the client programs
                // missing, say): nothing attempted.
                MergeError::DumpProgram { .. } => 2,
                // Users' conference keys asterisk-163 cannot move, found in
                // the read-only comparison: nothing attempted.
                MergeError::ConferenceKeys { .. } => 2,
                // Only after xivo was closed: the merge is rolled back.
                MergeError::Dump { .. } => 1,
                // Inside the merge's transaction: rolled back.
                MergeError::Object { .. }
                | MergeError::Script { .. }
                | MergeError::Ownership { .. } => 1,
                // Before any change by themselves; the upgrade wraps those
                // that happen during one (`during_change`).
                MergeError::StateFile { .. } => 2,
                MergeError::Db(e) => pg_exit_code(e),
                MergeError::Migration(e) => Error::migration_exit_code(e),
                MergeError::Legacy(e) => Error::legacy_exit_code(e),
            },
            Error::Snapshot(e) => snapshot_exit_code(e),
            Error::Service(e) => service_exit_code(e),
            Error::Ha(e) => e.exit_code(),
            Error::Refused(_) => 1,
            Error::Usage(_) => 2,
            Error::Failed { .. } => 1,
            Error::Interrupted { signal, .. } => match *signal {
                "SIGHUP" => 129,
                "SIGINT" => 130,
                "SIGTERM" => 143,
                _ => 1,
            },
            Error::StdoutClosed => 0,
            Error::Other(_) => 2,
        }
    }

    /// This error, raised while a change was under way: one that would claim
    /// "nothing attempted" (2) becomes `Failed` (1), saying what the change
    /// left; the others already say what happened (refused, rolled back).
    pub fn during_change(self, left: Left) -> Error {
        if self.exit_code() == 2 {
            Error::Failed {
                cause: Box::new(self),
                left,
            }
        } else {
            self
        }
    }
}

impl Error {
    fn legacy_exit_code(e: &LegacyError) -> u8 {
        match e {
            LegacyError::StateFile { .. } | LegacyError::Scripts { .. } => 2,
            LegacyError::Migrations(m) => Error::migration_exit_code(m),
            // Moving the state files comes before any change; removing
            // them after the merge's commit is wrapped (`during_change`).
            LegacyError::Io { .. } => 2,
        }
    }

    fn migration_exit_code(e: &MigrationError) -> u8 {
        match e {
            MigrationError::Unreadable { .. }
            | MigrationError::BadFile { .. }
            | MigrationError::DuplicateRevision { .. }
            | MigrationError::UnknownParent { .. }
            | MigrationError::Cycle { .. }
            | MigrationError::SeveralHeads { .. } => 2,
            // Upgraded by a newer package: nothing attempted.
            MigrationError::UnknownRevision { .. } => 2,
            // The database's versioning is broken: nothing attempted.
            MigrationError::NoRevision { .. } => 2,
            MigrationError::Failed { .. } => 1,
            MigrationError::Db(e) => pg_exit_code(e),
        }
    }
}

/// A snapshot that cannot be taken, restored or dropped: the database is
/// not in the wanted state (1). The record may fail to be written after
/// services stopped, so it is 1 too.
pub(crate) fn snapshot_exit_code(e: &SnapshotError) -> u8 {
    match e {
        // Refused before anything stopped, like a busy lock.
        SnapshotError::NoSpace(_) => 1,
        // A state file: read before anything changes, nothing attempted.
        SnapshotError::Unreadable { .. } => 2,
        SnapshotError::Record { .. }
        | SnapshotError::Db { .. }
        | SnapshotError::StateFiles { .. }
        | SnapshotError::Missing { .. }
        | SnapshotError::Gone { .. }
        | SnapshotError::NotOurs { .. } => 1,
    }
}

/// Services: SERVICE_COMMAND not found is the configuration, and an
/// unusable stopped-services a state file, both checked first (2); anything
/// else happens while stopping or starting (1).
pub(crate) fn service_exit_code(e: &ServiceError) -> u8 {
    match e {
        ServiceError::NoCommand { .. } | ServiceError::Unreadable { .. } => 2,
        ServiceError::StateFile { .. }
        | ServiceError::StopFailed { .. }
        | ServiceError::StartFailed { .. } => 1,
    }
}

/// PostgreSQL errors by themselves happen before any change (a change wraps
/// its own with `during_change`): the cluster unreachable, a bad URI, a query
/// that found the database unusable.
fn pg_exit_code(e: &PgError) -> u8 {
    match e {
        PgError::BadUri { .. }
        | PgError::Connect { .. }
        | PgError::Query { .. }
        | PgError::Identity { .. } => 2,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(e) => e.fmt(f),
            Error::Pg(e) => e.fmt(f),
            Error::Migration(e) => e.fmt(f),
            Error::Lock(e) => e.fmt(f),
            Error::Legacy(e) => e.fmt(f),
            Error::Merge(e) => e.fmt(f),
            Error::Snapshot(e) => e.fmt(f),
            Error::Service(e) => e.fmt(f),
            Error::Ha(e) => e.fmt(f),
            Error::Failed { cause, left } => match left {
                Left::RolledBack => write!(f, "{cause}; it was rolled back, nothing changed"),
                Left::Unfinished => write!(
                    f,
                    "{cause}; the change did not finish (what committed before stays): \
                     fix the cause, then run the command again, which finishes it"
                ),
                Left::Unknown { check } => write!(
                    f,
                    "{cause}; the connection was lost during the commit, so whether the change \
                     was committed is unknown: check {check}"
                ),
            },
            Error::Interrupted { what, .. } => f.write_str(what),
            Error::StdoutClosed => f.write_str("stdout was closed by its reader"),
            Error::Refused(m) | Error::Usage(m) | Error::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}
impl From<PgError> for Error {
    fn from(e: PgError) -> Self {
        Error::Pg(e)
    }
}
impl From<MigrationError> for Error {
    fn from(e: MigrationError) -> Self {
        match e {
            MigrationError::Db(p) => Error::Pg(p),
            other => Error::Migration(other),
        }
    }
}
impl From<LockError> for Error {
    fn from(e: LockError) -> Self {
        Error::Lock(e)
    }
}
impl From<LegacyError> for Error {
    fn from(e: LegacyError) -> Self {
        Error::Legacy(e)
    }
}
impl From<MergeError> for Error {
    fn from(e: MergeError) -> Self {
        Error::Merge(e)
    }
}
impl From<SnapshotError> for Error {
    fn from(e: SnapshotError) -> Self {
        Error::Snapshot(e)
    }
}
impl From<HaError> for Error {
    fn from(e: HaError) -> Self {
        Error::Ha(e)
    }
}
impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(e)
    }
}

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for Error {
    fn from(i: crate::failpoints::Injected) -> Self {
        Error::Pg(i.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn during_change_turns_nothing_attempted_into_failed() {
        let query = || {
            Error::Pg(PgError::Query {
                what: "committing".into(),
                reason: "connection closed".into(),
            })
        };
        let e = query().during_change(Left::RolledBack);
        assert_eq!(e.exit_code(), 1);
        assert_eq!(
            e.to_string(),
            "committing: connection closed; it was rolled back, nothing changed"
        );
        let e = query().during_change(Left::Unfinished);
        assert!(e.to_string().contains("run the command again"), "{e}");
        // Already saying what happened: kept as it is.
        let refused = Error::Refused("in use".into()).during_change(Left::Unfinished);
        assert!(matches!(refused, Error::Refused(_)), "{refused:?}");
    }
}

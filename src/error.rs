//! The error every command returns, and the exit-code contract shared by all
//! commands (README, man pages):
//!
//! * 0: done, or the database is OK;
//! * 1: the database is not in the wanted state: `xivo-check-db` found it
//!   behind, or a change was refused or failed and was rolled back;
//! * 2: nothing was attempted: bad arguments, configuration, migration set,
//!   state files, or the cluster cannot be reached.

use std::fmt;

use crate::config::ConfigError;
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
    /// The database is in a state the command refuses to act on; nothing changed.
    Refused(String),
    /// The command line makes no sense; nothing changed.
    Usage(String),
    /// Anything else that must stop the run, with its context.
    Other(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_)
            | Error::Pg(_)
            | Error::Usage(_)
            | Error::Other(_)
            | Error::Legacy(_) => 2,
            Error::Migration(MigrationError::Failed { .. }) => 1,
            Error::Migration(_) => 2,
            Error::Lock(LockError::Db(_)) => 2,
            Error::Lock(_) | Error::Refused(_) => 1,
            // Conflicts and a missing xivo are the database's state: refused, nothing changed.
            Error::Merge(_) => 1,
            Error::Snapshot(_) | Error::Service(_) => 1,
        }
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
impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(e)
    }
}

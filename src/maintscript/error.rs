//! What a hook can fail with. Every variant ends the hook non-zero, so that
//! dpkg leaves the package unconfigured and runs its error unwinding (or the
//! administrator runs `dpkg --configure -a` once the cause is fixed).

use std::fmt;

use crate::error::Error;
use crate::services::ServiceError;
use crate::snapshot::SnapshotError;

#[derive(Debug)]
pub enum HookError {
    /// Configuration, connection, lock, migration set or upgrade failure.
    Core(Error),
    Service(ServiceError),
    Snapshot(SnapshotError),
    /// The database is newer than this package: nothing was stopped or changed.
    Downgrade {
        current: String,
        head: String,
    },
    /// A signal stopped the hook.
    Interrupted {
        signal: &'static str,
    },
    /// The upgrade failed and the snapshot was put back; `cause` says why.
    RolledBack {
        cause: Box<HookError>,
        snapshot: String,
    },
    /// The upgrade failed and so did the rollback: the record is kept so
    /// that the next run finishes it.
    RollbackFailed {
        cause: Box<HookError>,
        rollback: SnapshotError,
        snapshot: String,
    },
    /// Something after a finished step failed: says what was done.
    After {
        done: String,
        cause: Box<HookError>,
    },
}

impl HookError {
    /// The commands' contract (`Error::exit_code`) for the hooks' own
    /// errors: 2 only where nothing was attempted, 1 for everything that may
    /// come after a step changed something. Every variant is listed.
    pub fn exit_code(&self) -> u8 {
        match self {
            HookError::Core(e) => e.exit_code(),
            HookError::Service(e) => crate::error::service_exit_code(e),
            HookError::Snapshot(e) => crate::error::snapshot_exit_code(e),
            // A database newer than this package: nothing stopped or changed.
            HookError::Downgrade { .. } => 2,
            HookError::Interrupted { .. }
            | HookError::RolledBack { .. }
            | HookError::RollbackFailed { .. }
            | HookError::After { .. } => 1,
        }
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HookError::Core(e) => e.fmt(f),
            HookError::Service(e) => e.fmt(f),
            HookError::Snapshot(e) => e.fmt(f),
            HookError::Downgrade { current, head } => write!(
                f,
                "the database is at revision {current}, which this xivo-manage-db (head {head}) does not know: \
                 it was upgraded by a newer package; downgrading is not supported; nothing was stopped or changed; \
                 install the newer xivo-manage-db again"
            ),
            HookError::Interrupted { signal } => write!(f, "interrupted by {signal}"),
            HookError::RolledBack { cause, snapshot } => write!(
                f,
                "{cause}; the database, roles and state files were restored from snapshot {snapshot} and the \
                 services restarted; fix the cause, then run dpkg --configure -a"
            ),
            HookError::RollbackFailed { cause, rollback, snapshot } => write!(
                f,
                "{cause}; the rollback to snapshot {snapshot} failed too: {rollback}; the next run of this hook \
                 (dpkg --configure -a) retries it; do not drop the snapshot databases by hand"
            ),
            HookError::After { done, cause } => write!(f, "{done}, but {cause}"),
        }
    }
}

impl std::error::Error for HookError {}

impl From<Error> for HookError {
    fn from(e: Error) -> Self {
        HookError::Core(e)
    }
}
impl From<ServiceError> for HookError {
    fn from(e: ServiceError) -> Self {
        HookError::Service(e)
    }
}
impl From<SnapshotError> for HookError {
    fn from(e: SnapshotError) -> Self {
        HookError::Snapshot(e)
    }
}
impl From<crate::pg::PgError> for HookError {
    fn from(e: crate::pg::PgError) -> Self {
        HookError::Core(e.into())
    }
}
impl From<crate::lock::LockError> for HookError {
    fn from(e: crate::lock::LockError) -> Self {
        HookError::Core(e.into())
    }
}
impl From<crate::migrations::MigrationError> for HookError {
    fn from(e: crate::migrations::MigrationError) -> Self {
        HookError::Core(e.into())
    }
}
impl From<crate::legacy::LegacyError> for HookError {
    fn from(e: crate::legacy::LegacyError) -> Self {
        HookError::Core(e.into())
    }
}
impl From<crate::merge::MergeError> for HookError {
    fn from(e: crate::merge::MergeError) -> Self {
        HookError::Core(e.into())
    }
}

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for HookError {
    fn from(i: crate::failpoints::Injected) -> Self {
        HookError::Core(i.into())
    }
}

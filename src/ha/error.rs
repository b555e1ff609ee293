//! The errors of `xivo-manage-db ha ...`, each with its exit code: a
//! prerequisite missing or the other host unreachable before anything was
//! done is 2; a step that failed, or replication found unhealthy, is 1.

use std::fmt;

#[derive(Debug)]
pub enum HaError {
    /// A server setting stops it before anything is done (`wal_level`).
    Prerequisite(String),
    /// Nothing of ours here or there: `ha status`, `promote` have nothing to act on.
    NotEnabled(String),
    /// A statement failed on one host, after something may have been done:
    /// running the command again converges.
    Step { what: String, reason: String },
    /// Done on the host reached; what is left on the other one, and how to
    /// remove it.
    Left(String),
}

impl HaError {
    pub fn exit_code(&self) -> u8 {
        match self {
            HaError::Prerequisite(_) | HaError::NotEnabled(_) => 2,
            HaError::Step { .. } | HaError::Left(_) => 1,
        }
    }

    /// A failed statement, with what it was doing.
    pub fn step(what: impl Into<String>, e: &tokio_postgres::Error) -> HaError {
        HaError::Step {
            what: what.into(),
            reason: crate::pg::describe(e),
        }
    }
}

impl fmt::Display for HaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HaError::Prerequisite(m) | HaError::NotEnabled(m) | HaError::Left(m) => f.write_str(m),
            HaError::Step { what, reason } => write!(
                f,
                "{what}: {reason}; fix the cause and run the command again, which converges"
            ),
        }
    }
}

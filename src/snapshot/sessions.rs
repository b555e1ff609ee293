//! Ending the sessions still connected to the databases we copy: CREATE
//! DATABASE ... TEMPLATE refuses while anyone is connected to the template,
//! and a session left open during the upgrade could write rows the rollback
//! would lose. Each ended session is named in the log.

use std::time::{Duration, Instant};

use tokio_postgres::Client;

use super::SnapshotError;

/// How often the sessions are listed while they close: a stopped service's
/// session is usually gone within milliseconds, and every poll the
/// services stay down for is downtime (the query is cheap).
const POLL: Duration = Duration::from_millis(20);

pub use crate::pg::Session;

/// Every session on `dbs` but our own.
pub async fn list(postgres: &Client, dbs: &[String]) -> Result<Vec<Session>, SnapshotError> {
    crate::pg::sessions(postgres, dbs).await.map_err(|e| {
        let reason = match e {
            crate::pg::PgError::Query { reason, .. } => reason,
            other => other.to_string(),
        };
        SnapshotError::Db {
            what: "listing the sessions on the databases".into(),
            reason,
        }
    })
}

/// Give the sessions on `dbs` up to `grace` to go away on their own (a
/// stopped service's last transaction), then terminate the rest. Returns the
/// sessions ended.
pub async fn end(
    postgres: &Client,
    dbs: &[String],
    grace: Duration,
) -> Result<Vec<Session>, SnapshotError> {
    let started = Instant::now();
    let mut left = list(postgres, dbs).await?;
    if !left.is_empty() {
        log::info!(
            "waiting up to {} s for {} session(s) to close",
            grace.as_secs(),
            left.len()
        );
    }
    while !left.is_empty() && started.elapsed() < grace {
        tokio::time::sleep(POLL).await;
        left = list(postgres, dbs).await?;
    }
    if !left.is_empty() {
        terminate(postgres, dbs).await?;
    }
    Ok(left)
}

/// End every session on `dbs` now (and the ones that came since we
/// looked), waiting until they are gone.
pub async fn terminate(postgres: &Client, dbs: &[String]) -> Result<(), SnapshotError> {
    let which = crate::pg::Which::On { dbs, except: None };
    let ended = crate::pg::end_sessions(postgres, which, Duration::from_secs(10))
        .await
        .map_err(|e| SnapshotError::Db {
            what: "ending the sessions on the databases".into(),
            reason: e.to_string(),
        })?;
    for e in ended {
        if e.gone {
            log::warn!("ended session {}", e.session);
        } else {
            log::warn!("session {} did not end within 10 s", e.session);
        }
    }
    Ok(())
}

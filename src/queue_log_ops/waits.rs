//! The lock waits of `queue-log prepare`, of its index rebuilds
//! (`compact`) and of preinst's online step, each bounded: a statement run
//! with `lock_timeout` at `wait` (LOCK_TIMEOUT), the short exclusive locks
//! tried again for `wait` in all, and the error that names the sessions in
//! a transaction when the wait ran out. No wait is without bound, whenever the session holding
//! the lock began.

use std::time::Duration;

use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

use crate::pg::{self, PgError};

/// How long a lock that blocks inserts may be waited for, per try.
const LOCK_TIMEOUT: Duration = Duration::from_millis(200);
/// Tries before giving up (a long transaction holding queue_log), within
/// `wait` (LOCK_TIMEOUT) in all.
const LOCK_TRIES: u32 = 150;

/// `waiting_at_most`, its error as `lock_waited` says it.
pub(crate) async fn bounded(
    client: &Client,
    wait: Duration,
    what: &str,
    sql: &str,
) -> Result<(), PgError> {
    match waiting_at_most(client, wait, sql).await {
        Ok(()) => Ok(()),
        Err(e) => Err(lock_waited(client, what, wait, e).await),
    }
}

/// The error of a statement run `waiting_at_most(wait)`: when the wait ran
/// out, naming the sessions in a transaction, which it waited for.
pub(crate) async fn lock_waited(
    client: &Client,
    what: &str,
    wait: Duration,
    e: tokio_postgres::Error,
) -> PgError {
    if e.code() != Some(&SqlState::LOCK_NOT_AVAILABLE) {
        return pg::query_error(what, &e);
    }
    PgError::Query {
        what: what.into(),
        reason: format!(
            "it waited {} s (LOCK_TIMEOUT) for other transactions to end: {}; end them (or wait \
             for them) and run queue-log prepare again, which resumes",
            wait.as_secs(),
            old_transactions(client).await
        ),
    }
}

/// The sessions of this database in a transaction, oldest first, as one
/// line for an error message.
pub(crate) async fn old_transactions(client: &Client) -> String {
    let rows = client
        .query(
            "SELECT format('session pid %s (user %s, application ''%s'', %s since %s)', pid, usename, \
                           application_name, state, to_char(xact_start, 'YYYY-MM-DD HH24:MI:SS')) \
               FROM pg_stat_activity \
              WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL \
              ORDER BY xact_start LIMIT 5",
            &[],
        )
        .await;
    match rows {
        Ok(rows) if !rows.is_empty() => rows
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "a transaction that has ended since".into(),
    }
}

/// Run `sql` (one statement: a concurrent build or drop cannot share a
/// query string) with `lock_timeout` set to `wait`, and reset it after;
/// the statement's own error comes first when both fail. A `wait` of 0
/// (LOCK_TIMEOUT=0) means "do not wait", as for the host lock, not
/// PostgreSQL's "wait forever".
pub(crate) async fn waiting_at_most(
    client: &Client,
    wait: Duration,
    sql: &str,
) -> Result<(), tokio_postgres::Error> {
    client
        .batch_execute(&format!(
            "SET lock_timeout = '{}ms'",
            wait.as_millis().max(1)
        ))
        .await?;
    let r = client.batch_execute(sql).await;
    let reset = client.batch_execute("SET lock_timeout = 0").await;
    r.and(reset)
}

/// Run `sql` in its own transaction with a short `lock_timeout`, retrying
/// while the lock is busy: inserters queue behind us for at most that long.
/// Retried for `wait` in all (LOCK_TIMEOUT; at least one try), and at most
/// `LOCK_TRIES` times: then an error naming the sessions in a transaction.
pub(crate) async fn briefly_locked(
    client: &Client,
    wait: Duration,
    what: &str,
    sql: &str,
) -> Result<(), PgError> {
    let timeout = LOCK_TIMEOUT.as_millis();
    let started = std::time::Instant::now();
    let mut attempt = 0;
    while attempt < LOCK_TRIES && (attempt == 0 || started.elapsed() < wait) {
        attempt += 1;
        let r = client
            .batch_execute(&format!(
                "BEGIN; SET LOCAL lock_timeout = '{timeout}ms'; {}; COMMIT;",
                sql.trim_end_matches(';')
            ))
            .await;
        let Err(e) = r else { return Ok(()) };
        let _ = client.batch_execute("ROLLBACK").await;
        let busy = matches!(
            e.code(),
            Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::T_R_DEADLOCK_DETECTED
        );
        if !busy {
            return Err(pg::query_error(what, &e));
        }
        log::debug!("{what}: queue_log is busy (try {attempt}), retrying");
        tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt.min(10)))).await;
    }
    Err(PgError::Query {
        what: what.into(),
        reason: format!(
            "it waited {} s (LOCK_TIMEOUT) for queue_log, {attempt} tries of {timeout} ms, held by \
             other transactions: {}; end them (or wait for them) and run queue-log prepare again, \
             which resumes",
            wait.as_secs(),
            old_transactions(client).await
        ),
    })
}

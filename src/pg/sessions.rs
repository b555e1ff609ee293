//! The sessions connected to the cluster: listing them, and ending them
//! with `pg_terminate_backend`, which waits until each backend is gone (its
//! transaction rolled back). Never ends our own session; never decides
//! whose sessions may be ended (the callers do, and log each one).

use std::fmt;
use std::time::Duration;

use tokio_postgres::Client;

use super::{query_error, PgError};

/// A session connected to a database.
#[derive(Debug, Clone)]
pub struct Session {
    pub pid: i32,
    pub database: String,
    pub user: String,
    pub application: String,
    pub client: String,
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pid {} on {} (user {}, application '{}', from {})",
            self.pid, self.database, self.user, self.application, self.client
        )
    }
}

/// Which sessions to end; our own is never among them.
pub enum Which<'a> {
    /// Every session on these databases, but the one with pid `except`.
    On {
        dbs: &'a [String],
        except: Option<i32>,
    },
    /// The sessions whose `application_name` is this.
    Named(&'a str),
    /// The sessions running a statement that matches this regular
    /// expression (case-insensitive).
    Running(&'a str),
}

/// A session asked to end, and whether it was gone within the wait.
#[derive(Debug)]
pub struct Ended {
    pub session: Session,
    pub gone: bool,
}

const COLUMNS: &str = "pid, coalesce(datname::text, ''), coalesce(usename::text, ''), \
                       coalesce(application_name, ''), coalesce(client_addr::text, 'local')";

fn session(r: &tokio_postgres::Row) -> Session {
    Session {
        pid: r.get(0),
        database: r.get(1),
        user: r.get(2),
        application: r.get(3),
        client: r.get(4),
    }
}

/// Every session on `dbs` but our own.
pub async fn sessions(client: &Client, dbs: &[String]) -> Result<Vec<Session>, PgError> {
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM pg_stat_activity \
                  WHERE datname = ANY($1) AND pid <> pg_backend_pid() ORDER BY pid"
            ),
            &[&dbs],
        )
        .await
        .map_err(|e| query_error(format!("listing the sessions on {}", dbs.join(", ")), &e))?;
    Ok(rows.iter().map(session).collect())
}

/// End the sessions `which` names, waiting up to `wait` for each backend to
/// exit. Returns every session asked to end.
pub async fn end_sessions(
    client: &Client,
    which: Which<'_>,
    wait: Duration,
) -> Result<Vec<Ended>, PgError> {
    let wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
    let select = |filter: &str| {
        format!(
            "SELECT {COLUMNS}, pg_terminate_backend(pid, $1) FROM pg_stat_activity \
              WHERE pid <> pg_backend_pid() AND {filter} ORDER BY pid"
        )
    };
    let (what, rows) = match which {
        Which::On { dbs, except } => (
            format!("ending the sessions on {}", dbs.join(", ")),
            client
                .query(
                    &select("datname = ANY($2) AND pid <> coalesce($3, 0)"),
                    &[&wait_ms, &dbs, &except],
                )
                .await,
        ),
        Which::Named(name) => (
            format!("ending the sessions named '{name}'"),
            client
                .query(&select("application_name = $2"), &[&wait_ms, &name])
                .await,
        ),
        Which::Running(pattern) => (
            "ending the sessions still running a statement of an earlier run".to_string(),
            client
                .query(
                    &select("state <> 'idle' AND query ~* $2"),
                    &[&wait_ms, &pattern],
                )
                .await,
        ),
    };
    let rows = rows.map_err(|e| query_error(what, &e))?;
    Ok(rows
        .iter()
        .map(|r| Ended {
            session: session(r),
            gone: r.get(5),
        })
        .collect())
}

//! Keeping `xivo` closed while the merge reads it, and open the rest of the
//! time. The merge sets its connection limit to 0 (superusers, i.e. us and
//! pg_dump, are exempt) and ends every other session, so no 14.07 daemon
//! writes a row the merge would not see.
//!
//! The limit `xivo` had is written to `$STATE_DIR/merge-xivo-connlimit`
//! (atomically, synced) before it is set to 0 and removed once it is put
//! back, or once the merge has committed. Whatever stops a run in between
//! (a failure, SIGINT, SIGKILL, a power loss) leaves the file, and
//! [`reopen_legacy`], which xivo-update-db and the hooks call before anything
//! else (before a snapshot copies `xivo`), puts the limit back. A merged
//! `xivo` (it carries the merge's mark) stays closed: it is dropped next.
//!
//! Also here: the merge's own sessions carry a name made of the process id,
//! so that an interrupted run can end them (`end_own_sessions`) instead of
//! leaving a transaction running on the server after it exits.

use std::path::PathBuf;
use std::time::Duration;

use tokio_postgres::Client;

use super::{MergeError, MERGED_MARK};
use crate::config::{Config, LEGACY_DB_NAME};
use crate::pg::{self, quote_ident, quote_literal};

/// The file that holds the connection limit of `xivo` while the merge holds it.
fn path(config: &Config) -> PathBuf {
    config.connlimit_path()
}

/// `application_name` of the merge's sessions in this process.
fn session_tag() -> String {
    format!("xivo-manage-db merge {}", std::process::id())
}

/// Name `client`'s session after this run (see [`end_own_sessions`]).
pub async fn tag(client: &Client) -> Result<(), MergeError> {
    client
        .batch_execute(&format!(
            "SET application_name = {}",
            quote_literal(&session_tag())
        ))
        .await
        .map_err(|e| pg::query_error("naming the merge's session", &e).into())
}

/// End the sessions this process opened for the merge (an interrupted run:
/// the server rolls their transaction back now instead of when it next
/// talks to the client). Waits for them to be gone.
pub async fn end_own_sessions(postgres: &Client) -> Result<(), MergeError> {
    let tag = session_tag();
    let ended = pg::end_sessions(postgres, pg::Which::Named(&tag), Duration::from_secs(30)).await?;
    for e in ended {
        let pid = e.session.pid;
        if e.gone {
            log::info!(
                "ended session pid {pid} of the interrupted merge: its transaction is rolled back"
            );
        } else {
            log::error!("session pid {pid} of the interrupted merge did not end within 30 s");
        }
    }
    Ok(())
}

/// Close `xivo`: remember its limit, set it to 0, end every other session
/// (`source` is ours). Returns the limit it had.
pub async fn close(config: &Config, postgres: &Client, source: &Client) -> Result<i32, MergeError> {
    // A file left by a killed run holds the real limit: never overwrite it
    // with the 0 that run left.
    reopen_legacy(config, postgres).await?;
    let row = postgres
        .query_one(
            "SELECT datconnlimit FROM pg_database WHERE datname = $1",
            &[&LEGACY_DB_NAME],
        )
        .await
        .map_err(|e| {
            pg::query_error(
                format!("reading the connection limit of '{LEGACY_DB_NAME}'"),
                &e,
            )
        })?;
    let before: i32 = row.get(0);
    // On disk before the limit changes: whatever stops us from here on, the
    // next run finds the value to put back.
    let file = path(config);
    fail_point!("merge.before_close_state_file");
    crate::fsutil::write_durably(&file, format!("{before}\n").as_bytes()).map_err(|e| {
        MergeError::StateFile {
            path: file.clone(),
            reason: format!(
                "cannot write it: {e}; nothing changed: make {} writable, then retry",
                config.state_dir.display()
            ),
        }
    })?;
    fail_point!("merge.before_close");
    postgres
        .batch_execute(&format!(
            "ALTER DATABASE {} CONNECTION LIMIT 0",
            quote_ident(LEGACY_DB_NAME)
        ))
        .await
        .map_err(|e| {
            pg::query_error(
                format!("closing database '{LEGACY_DB_NAME}' to new connections"),
                &e,
            )
        })?;
    fail_point!("merge.before_end_legacy_sessions");
    let ours: i32 = source
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .map_err(|e| pg::query_error("reading our backend pid", &e))?
        .get(0);
    let dbs = [LEGACY_DB_NAME.to_string()];
    let which = pg::Which::On {
        dbs: &dbs,
        except: Some(ours),
    };
    for e in pg::end_sessions(postgres, which, Duration::from_secs(5)).await? {
        let s = e.session;
        log::warn!(
            "ended session pid {} (user {}, application '{}') on '{LEGACY_DB_NAME}' before the merge",
            s.pid,
            s.user,
            s.application
        );
    }
    Ok(before)
}

/// Put the limit back after a failed merge. A failure to do so is logged
/// with the statement to run; the file stays, so the next run retries.
pub async fn restore(config: &Config, postgres: &Client, before: i32) {
    let sql = format!(
        "ALTER DATABASE {} CONNECTION LIMIT {before}",
        quote_ident(LEGACY_DB_NAME)
    );
    fail_point!("merge.before_reopen", no_return);
    match postgres.batch_execute(&sql).await {
        Ok(()) => forget(config),
        Err(e) => log::error!(
            "could not reopen '{LEGACY_DB_NAME}' to connections: {}; run: {sql}",
            pg::describe(&e)
        ),
    }
}

/// The merge committed (or the limit is back): nothing left to restore.
pub fn forget(config: &Config) {
    let file = path(config);
    match std::fs::remove_file(&file) {
        Ok(()) => {
            if let Ok(d) = std::fs::File::open(&config.state_dir) {
                let _ = d.sync_all();
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => log::warn!("cannot remove {}: {e}", file.display()),
    }
}

/// Put back the connection limit of `xivo` that an interrupted or killed
/// merge left at 0, as remembered in the state file, then remove the file.
/// Does nothing without the file. A limit someone (or a rollback) already
/// changed is left alone, and so is a merged `xivo` (it is dropped next).
/// The caller holds the run lock.
pub async fn reopen_legacy(config: &Config, postgres: &Client) -> Result<(), MergeError> {
    let file = path(config);
    // Not read_to_string: a FIFO there would wait for a writer forever.
    let text = match crate::fsutil::read_regular(&file) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(MergeError::StateFile {
                path: file,
                reason: format!(
                    "cannot read it: {e}; it holds the connection limit database '{LEGACY_DB_NAME}' had \
                     before an interrupted upgrade: set the limit of database '{LEGACY_DB_NAME}' by hand \
                     (ALTER DATABASE {LEGACY_DB_NAME} CONNECTION LIMIT -1 for none), then remove the file"
                ),
            })
        }
    };
    let remembered: i32 = text.trim().parse().map_err(|_| MergeError::StateFile {
        path: file.clone(),
        reason: format!(
            "holds '{}', not a connection limit; set the limit of database '{LEGACY_DB_NAME}' by hand \
             (ALTER DATABASE {LEGACY_DB_NAME} CONNECTION LIMIT -1 for none), then remove the file",
            text.trim().chars().take(40).collect::<String>().escape_debug()
        ),
    })?;
    let row = postgres
        .query_opt(
            "SELECT datconnlimit, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = $1",
            &[&LEGACY_DB_NAME],
        )
        .await
        .map_err(|e| pg::query_error(format!("looking up database '{LEGACY_DB_NAME}'"), &e))?;
    if let Some(r) = row {
        let (now, comment): (i32, String) = (r.get(0), r.get(1));
        if now == 0 && !comment.starts_with(MERGED_MARK) {
            postgres
                .batch_execute(&format!(
                    "ALTER DATABASE {} CONNECTION LIMIT {remembered}",
                    quote_ident(LEGACY_DB_NAME)
                ))
                .await
                .map_err(|e| {
                    pg::query_error(
                        format!("reopening database '{LEGACY_DB_NAME}' to connections"),
                        &e,
                    )
                })?;
            log::warn!(
                "database '{LEGACY_DB_NAME}' was left closed by an interrupted upgrade: connection limit {remembered} put back"
            );
        }
    }
    forget(config);
    Ok(())
}

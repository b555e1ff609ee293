//! The last step of `queue-log prepare` (and of preinst's online step):
//! queue_log's indexes other than the new primary key rebuilt with
//! `REINDEX INDEX ... CONCURRENTLY`. The backfill's UPDATEs cannot be HOT
//! (a 14.07 queue_log's pages are full), so each of those indexes got an
//! entry for both versions of every row and stays about twice its size
//! after vacuum; the snapshot the upgrade takes with the services stopped
//! copies all of it. A concurrent rebuild never takes a lock that blocks
//! inserts.
//!
//! An optimisation only: a failure is a warning and changes nothing the
//! upgrade needs. A rebuild that dies (its session ended, a timeout) leaves
//! an invalid index named after the original with `_ccnew` (the unfinished
//! copy) or `_ccold` (the replaced original) appended; `drop_leftovers`
//! removes them, here and at the start of every later run.

use std::time::Duration;

use tokio_postgres::Client;

use super::waits::waiting_at_most;
use crate::merge::queue_log_id::INDEX;
use crate::pg::{self, PgError};

/// Rebuild the indexes the backfill bloated; `wait` bounds how long each
/// rebuild waits for older transactions (as the primary key's build does).
pub async fn rebuild(client: &Client, wait: Duration) {
    if let Err(e) = rebuild_all(client, wait).await {
        log::warn!(
            "rebuilding queue_log's indexes failed ({e}): they stay larger, which only \
             makes the upgrade's snapshot slower"
        );
        // On the same session, if it still works; else the next run does it.
        if let Err(e) = drop_leftovers(client, wait).await {
            log::warn!("{e}; the next queue-log prepare or upgrade drops them");
        }
    }
}

async fn rebuild_all(client: &Client, wait: Duration) -> Result<(), PgError> {
    // REINDEX ... CONCURRENTLY exists from PostgreSQL 12 on; before it the
    // indexes stay as the backfill left them (not an error).
    let major = pg::server_major(client).await?;
    if major < 12 {
        log::info!(
            "PostgreSQL {major} cannot rebuild indexes concurrently: queue_log's stay as they are"
        );
        return Ok(());
    }
    let names = indexes(
        client,
        &format!("i.indisvalid AND NOT i.indisexclusion AND ic.relname <> '{INDEX}'"),
        "listing queue_log's indexes to rebuild",
    )
    .await?;
    for name in names {
        let what = format!("rebuilding index {name} of queue_log concurrently");
        let started = std::time::Instant::now();
        log::info!("{what}...");
        let sql = format!("REINDEX INDEX CONCURRENTLY public.{name}");
        waiting_at_most(client, wait, &sql)
            .await
            .map_err(|e| pg::query_error(&what, &e))?;
        log::info!(
            "{what}: done in {}",
            crate::duration::human(started.elapsed())
        );
    }
    Ok(())
}

/// queue_log's indexes matching `filter` (over `pg_index i`, `pg_class
/// ic`), as quote_ident spells them, in name order.
async fn indexes(client: &Client, filter: &str, what: &str) -> Result<Vec<String>, PgError> {
    Ok(client
        .query(
            &format!(
                "SELECT quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
                  WHERE i.indrelid = to_regclass('public.queue_log') AND {filter} ORDER BY 1"
            ),
            &[],
        )
        .await
        .map_err(|e| pg::query_error(what, &e))?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// Drop the invalid indexes an interrupted rebuild left on queue_log. Only
/// those: an invalid index of another name is not ours to judge. A drop
/// waits for the transactions using the table: `wait` at most.
pub async fn drop_leftovers(client: &Client, wait: Duration) -> Result<(), PgError> {
    let what = "dropping the invalid indexes an interrupted rebuild of queue_log's indexes left";
    let names = indexes(
        client,
        "NOT i.indisvalid AND ic.relname ~ '_cc(new|old)[0-9]*$'",
        what,
    )
    .await?;
    for name in names {
        log::info!("dropping index {name} of queue_log, left invalid by an interrupted rebuild");
        let sql = format!("DROP INDEX CONCURRENTLY IF EXISTS public.{name}");
        waiting_at_most(client, wait, &sql)
            .await
            .map_err(|e| pg::query_error(what, &e))?;
    }
    Ok(())
}

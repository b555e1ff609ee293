//! `queue-log prune --before DATE`: deletes the rows whose `time` is before
//! DATE while the services keep inserting. Each batch is a range of pages
//! (`ctid`), one autocommitted `DELETE`: it takes only the row locks of the
//! rows it deletes (services insert, never update), so no insert waits, and
//! no transaction stays open between batches. Rows whose `time` is not a
//! `YYYY-MM-DD...` time (the column's default is '') are never deleted.
//! `--dry-run` counts what would go and changes nothing.

use tokio_postgres::Client;

use super::date::Cutoff;
use crate::pg::{self, quote_literal, PgError};
use crate::progress::Progress;

/// Pages per batch: a few thousand rows, well under a second each.
const BATCH_PAGES: i64 = 100;

/// The rows to go, as a WHERE clause (byte order is time order: see date.rs).
fn older_than(cutoff: &Cutoff) -> String {
    format!(
        "\"time\" ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' AND \"time\" COLLATE \"C\" < {}",
        quote_literal(&cutoff.0)
    )
}

pub struct Pruned {
    pub rows: u64,
    pub oldest: Option<String>,
    pub newest: Option<String>,
}

/// What `prune` would delete.
pub async fn dry_run(client: &Client, cutoff: &Cutoff) -> Result<Pruned, PgError> {
    let row = client
        .query_one(
            &format!(
                "SELECT count(*), min(\"time\" COLLATE \"C\"), max(\"time\" COLLATE \"C\") \
                   FROM public.queue_log WHERE {}",
                older_than(cutoff)
            ),
            &[],
        )
        .await
        .map_err(|e| pg::query_error("counting the queue_log rows to prune", &e))?;
    Ok(Pruned {
        rows: row.get::<_, i64>(0).max(0) as u64,
        oldest: row.get(1),
        newest: row.get(2),
    })
}

/// Delete, batch after batch; returns the rows deleted.
pub async fn prune(client: &Client, cutoff: &Cutoff) -> Result<u64, PgError> {
    let what = format!("pruning queue_log before {}", cutoff.0);
    let pages: i64 = client
        .query_one(
            "SELECT (pg_relation_size('public.queue_log') / current_setting('block_size')::int)::bigint",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(&what, &e))?
        .get(0);
    let filter = older_than(cutoff);
    let mut p = Progress::new(what.clone(), "pages", pages.max(0) as u64);
    let mut deleted = 0u64;
    let mut start = 0i64;
    // Rows inserted meanwhile land past `pages`: they are new, never older
    // than DATE in practice, and a second run would catch any that are.
    while start < pages {
        let end = (start + BATCH_PAGES).min(pages);
        deleted += client
            .execute(
                &format!(
                    "DELETE FROM public.queue_log WHERE ctid >= '({start},0)'::tid \
                       AND ctid < '({end},0)'::tid AND {filter}"
                ),
                &[],
            )
            .await
            .map_err(|e| pg::query_error(&what, &e))?;
        start = end;
        p.update(start as u64);
    }
    p.finish(pages.max(0) as u64);
    Ok(deleted)
}

//! The expensive part of a 14.07 upgrade: giving `queue_log` its
//! `id SERIAL PRIMARY KEY` rewrites the whole table and builds an index. The
//! 14.08 notes quote "~10 minutes per 2.5 million rows" on 2014 hardware; we
//! measure this host instead, say how long it will take before starting, and
//! show progress while the ALTER runs (from a second connection: the size of
//! the rewritten heap, then pg_stat_progress_create_index).
//!
//! The ALTER itself is the one asterisk-166 runs (one rewrite, then every
//! index built from the new heap); around it the transaction sorts in memory
//! (`size_sorts`) and the rewritten pages are written out while the rest of
//! the merge runs (`flush_early`), not all at once by the checkpoint that
//! dropping `xivo` forces.

use std::time::{Duration, Instant};

use tokio_postgres::{Client, GenericClient};

use crate::pg::{self, PgError};
use crate::progress::{self, Progress};

/// Rows used to measure this host's throughput.
const SAMPLE_ROWS: i64 = 50_000;
/// The full table goes this much slower per row than the sample (WAL and
/// checkpoints, an index sort beyond memory): 2.7x in scripts/bench-upgrade
/// with 5 M rows, both with PostgreSQL's defaults and with 512 MB of buffers.
const SCALE_PENALTY: f64 = 2.5;
/// Below this, the rewrite is quick: no calibration.
pub const CALIBRATE_FROM: u64 = 200_000;

/// What the rewrite will cost.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub rows: u64,
    pub heap_bytes: i64,
    /// Measured rows per second, when calibrated.
    pub rows_per_second: Option<f64>,
}

impl Estimate {
    /// Seconds the rewrite will take on this host (the calibrated rate,
    /// scaled to the full table), or `None` when it is too small to measure.
    /// `announce` and `xivo-manage-db queue-log stats` both quote it.
    pub fn seconds(&self) -> Option<f64> {
        self.rows_per_second
            .map(|rate| self.rows as f64 / rate * SCALE_PENALTY)
    }
}

/// The most memory one index build of the rewrite may sort in.
const MAX_SORT_BYTES: i64 = 1 << 30;

/// For the rest of `tx`: `maintenance_work_mem` large enough to sort the
/// biggest of queue_log's indexes in memory (its heap's size, at most
/// 1 GB; never below the server's own setting). The rewrite builds six
/// indexes, each a sort of every row; with the default 64 MB, shared with
/// the parallel worker PostgreSQL adds (`max_parallel_maintenance_workers`),
/// each sort spills to disk.
pub async fn size_sorts(tx: &impl GenericClient, e: &Estimate) -> Result<(), PgError> {
    let what = "sizing the memory of queue_log's index builds";
    let current: i64 = tx
        .query_one(
            "SELECT setting::bigint * 1024 FROM pg_settings WHERE name = 'maintenance_work_mem'",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(what, &e))?
        .get(0);
    let wanted = e.heap_bytes.clamp(0, MAX_SORT_BYTES);
    if wanted <= current {
        return Ok(());
    }
    let kb = wanted / 1024;
    log::info!(
        "index builds of queue_log's rewrite: maintenance_work_mem {kb} kB for this transaction"
    );
    tx.batch_execute(&format!("SET LOCAL maintenance_work_mem = '{kb}kB'"))
        .await
        .map_err(|e| pg::query_error(what, &e))
}

/// A `CHECKPOINT` on `monitor` while the merge's transaction goes on: the
/// rewritten heap (hundreds of MB the ALTER left dirty) is written out
/// while the transaction copies `xivo`'s objects, instead of inside the
/// checkpoint that `DROP DATABASE xivo` forces after the commit. Writing
/// uncommitted pages is what any checkpoint does; nothing depends on it, so
/// a failure is only a warning.
pub async fn flush_early(monitor: &Client) {
    let started = Instant::now();
    match monitor.batch_execute("CHECKPOINT").await {
        Ok(()) => log::info!(
            "wrote out the rewritten queue_log (a checkpoint beside the merge) in {}",
            crate::duration::human(started.elapsed())
        ),
        Err(e) => log::warn!(
            "{}: the checkpoint after the merge writes it instead",
            pg::query_error("writing out the rewritten queue_log early", &e)
        ),
    }
}

/// Does `queue_log` still lack its `id` column?
pub async fn needs_id(client: &Client) -> Result<bool, PgError> {
    let row = client
        .query_one(
            "SELECT to_regclass('public.queue_log') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute \
              WHERE attrelid = to_regclass('public.queue_log') AND attname = 'id' AND attnum > 0 AND NOT attisdropped)",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("inspecting queue_log", &e))?;
    Ok(row.get(0))
}

/// Count the rows (the estimate when the table was analysed, else an exact
/// count) and, for a large table, time the same ALTER on a sample in a
/// transaction that is rolled back.
pub async fn estimate(client: &Client) -> Result<Estimate, PgError> {
    let row = client
        .query_one(
            "SELECT c.reltuples::bigint, pg_relation_size(c.oid) FROM pg_class c WHERE c.oid = 'public.queue_log'::regclass",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("sizing queue_log", &e))?;
    let (reltuples, heap_bytes): (i64, i64) = (row.get(0), row.get(1));
    let rows = if reltuples > 0 {
        reltuples as u64
    } else {
        let r = client
            .query_one("SELECT count(*) FROM public.queue_log", &[])
            .await
            .map_err(|e| pg::query_error("counting queue_log", &e))?;
        r.get::<_, i64>(0).max(0) as u64
    };
    let rows_per_second = if rows >= CALIBRATE_FROM {
        Some(calibrate(client).await?)
    } else {
        None
    };
    Ok(Estimate {
        rows,
        heap_bytes,
        rows_per_second,
    })
}

/// This host's rewrite throughput (rows per second), measured on a
/// sample in a transaction rolled back. `queue-log stats` keeps the figure
/// for a day (`queue_log_ops::throughput`); the upgrade always measures.
pub async fn calibrate(client: &Client) -> Result<f64, PgError> {
    let what = "measuring this host's queue_log throughput";
    client
        .batch_execute("BEGIN")
        .await
        .map_err(|e| pg::query_error(what, &e))?;
    let result = async {
        client
            .batch_execute(&format!(
                "CREATE TABLE xivo_manage_db_calibration AS SELECT * FROM public.queue_log LIMIT {SAMPLE_ROWS}"
            ))
            .await?;
        let started = Instant::now();
        client.batch_execute("ALTER TABLE xivo_manage_db_calibration ADD COLUMN id SERIAL PRIMARY KEY").await?;
        Ok::<Duration, tokio_postgres::Error>(started.elapsed())
    }
    .await;
    client
        .batch_execute("ROLLBACK")
        .await
        .map_err(|e| pg::query_error(what, &e))?;
    let took = result.map_err(|e| pg::query_error(what, &e))?;
    Ok(SAMPLE_ROWS as f64 / took.as_secs_f64().max(1e-6))
}

/// Say what the rewrite will cost, before it starts.
pub fn announce(e: &Estimate) {
    match (e.rows_per_second, e.seconds()) {
        (Some(rate), Some(secs)) => log::info!(
            "queue_log holds about {} rows: adding its id column will take about {} \
             (measured {} rows/s on a sample on this host, {SCALE_PENALTY}x slower at full size; \
             the 14.08 notes' figure was ~10 min per 2.5 M rows)",
            progress::thousands(e.rows),
            progress::duration(secs),
            progress::thousands(rate as u64)
        ),
        _ => log::info!(
            "queue_log holds about {} rows: adding its id column is quick",
            progress::thousands(e.rows)
        ),
    }
}

/// Poll the rewrite's progress from `monitor` (another connection to the
/// same database) until dropped.
pub async fn watch(monitor: &Client, e: Estimate) {
    let mut p = Progress::new("rewriting queue_log", "rows", e.rows);
    let start_size = db_size(monitor).await.unwrap_or(0);
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let Ok(row) = monitor
            .query_one(
                // Scanning the new heap is the first half of the index
                // build, loading the sorted tuples the second.
                "SELECT (SELECT CASE WHEN tuples_total > 0 THEN 0.5 + 0.5 * tuples_done::float8 / tuples_total \
                                     WHEN blocks_total > 0 THEN 0.5 * blocks_done::float8 / blocks_total \
                                     ELSE 0 END \
                           FROM pg_stat_progress_create_index WHERE datname = current_database() LIMIT 1), \
                        pg_database_size(current_database())",
                &[],
            )
            .await
        else {
            return;
        };
        let index_fraction: Option<f64> = row.get(0);
        let size: i64 = row.get(1);
        // Heap rewrite first (about 70% of the time here), then the index.
        let fraction = match index_fraction {
            Some(f) => 0.7 + 0.3 * f.clamp(0.0, 1.0),
            None => {
                0.7 * ((size - start_size) as f64 / (e.heap_bytes.max(1) as f64 * 1.05))
                    .clamp(0.0, 1.0)
            }
        };
        p.update((fraction * e.rows as f64) as u64);
    }
}

async fn db_size(c: &Client) -> Result<i64, PgError> {
    let r = c
        .query_one("SELECT pg_database_size(current_database())", &[])
        .await
        .map_err(|e| pg::query_error("sizing the database", &e))?;
    Ok(r.get(0))
}

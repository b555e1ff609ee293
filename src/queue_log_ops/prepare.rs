//! `queue-log prepare`: gives the 14.07 `queue_log` the `id SERIAL PRIMARY
//! KEY` (and the sequence grant) of legacy script asterisk-166 while the PBX
//! keeps inserting, so that the upgrade finds it done. The result is the
//! same catalog state the script's `ALTER TABLE ... ADD COLUMN id SERIAL
//! PRIMARY KEY` leaves (tests/queue_log_ops.rs compares both dumps).
//!
//! Steps, each idempotent so that a second run after a kill converges:
//! 1. one short transaction: the sequence (as the table's owner), the
//!    nullable column, its default, `OWNED BY` and the grant (metadata only);
//! 2. ids for the rows already there, in batches of pages (`ctid` ranges),
//!    each batch its own statement: no lock that blocks an insert; a plain
//!    `VACUUM` every tenth of the table keeps it from doubling in size;
//! 3. the unique index, `CONCURRENTLY` (an invalid one left by a kill is
//!    dropped and rebuilt);
//! 4. `CHECK (id IS NOT NULL) NOT VALID`, then `VALIDATE` (online);
//! 5. one short transaction: `SET NOT NULL` (instant: the validated check
//!    proves it), the check dropped, `PRIMARY KEY USING INDEX`, the grant;
//! 6. the other indexes, which the backfill left twice their size, rebuilt
//!    concurrently (`compact`; a failure there is only a warning).
//!
//! Every statement that takes a lock conflicting with inserts runs with a
//! short `lock_timeout` and is retried: an inserter never queues behind us
//! for longer than that; the tries last `wait` in all (LOCK_TIMEOUT; 10 s
//! in preinst). Every other wait for a lock (the backfill's, the
//! concurrent drop and build of the index, the validation) lasts at most
//! `wait` too, then fails naming the sessions in a transaction: no wait is
//! without bound, whenever the session that holds the lock began (those
//! waits: `waits`). The names, the state and the grant are the schema
//! layer's (`merge::queue_log_id`), which also finishes a partial run
//! inside the merge's transaction for an upgrade that comes after an
//! interrupted prepare. Never rewrites the table, never touches a row's
//! other columns.

use std::time::Duration;

use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

use super::compact;
use super::waits::{bounded, briefly_locked, lock_waited, waiting_at_most};
use crate::merge::queue_log_id::{check_ours, grant, GRANTEE, INDEX, NOT_NULL_CHECK, SEQUENCE};
use crate::pg::{self, quote_ident, PgError};
use crate::progress::Progress;

// For the commands, which ask where queue_log stands.
pub(super) use super::waits::old_transactions;
pub use crate::merge::queue_log_id::{state, State};
/// Pages per backfill batch (about 70 rows each on a 14.07 queue_log).
const BATCH_PAGES: u64 = 200;

/// What `online` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The table already had its id and primary key.
    AlreadyDone,
    /// Added now (or finished, after an interrupted run); rows given ids.
    Prepared { rows: u64 },
}

/// Run every step that is left, online. `client` is connected to the
/// database holding `queue_log`, as a superuser. `wait` bounds how long the
/// concurrent index build waits for older transactions (`LOCK_TIMEOUT` of
/// the config): a session in the middle of a long query or transaction
/// makes it wait that long, then fail naming it.
pub async fn online(client: &Client, wait: Duration) -> Result<Outcome, PgError> {
    match state(client).await? {
        State::Absent => {
            return Err(PgError::Query {
                what: "preparing queue_log".into(),
                reason: "this database has no table public.queue_log (check DB_NAME in the config)"
                    .into(),
            })
        }
        State::Done => {
            compact::drop_leftovers(client, wait).await?;
            grant(client).await?;
            return Ok(Outcome::AlreadyDone);
        }
        State::NoId => add_column(client, wait).await?,
        State::Partial => check_ours(client).await?,
    }
    fail_point!("prepare.after_column");
    compact::drop_leftovers(client, wait).await?;
    let rows = backfill(client, wait).await?;
    fail_point!("prepare.after_backfill");
    index(client, wait).await?;
    fail_point!("prepare.after_index");
    not_null(client, wait).await?;
    fail_point!("prepare.after_not_null");
    let sql = format!(
        "ALTER TABLE public.queue_log ALTER COLUMN id SET NOT NULL; \
         ALTER TABLE public.queue_log DROP CONSTRAINT {NOT_NULL_CHECK}; \
         ALTER TABLE public.queue_log ADD CONSTRAINT {INDEX} PRIMARY KEY USING INDEX {INDEX};"
    );
    briefly_locked(client, wait, "making queue_log.id its primary key", &sql).await?;
    fail_point!("prepare.after_primary_key");
    grant(client).await?;
    compact::rebuild(client, wait).await;
    Ok(Outcome::Prepared { rows })
}

/// Step 1: the sequence, the column and its default, in one short transaction.
async fn add_column(client: &Client, wait: Duration) -> Result<(), PgError> {
    let row = client
        .query_one(
            "SELECT pg_get_userbyid(relowner), to_regclass('public.queue_log_id_seq') IS NOT NULL, \
                    EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) \
               FROM pg_class WHERE oid = 'public.queue_log'::regclass",
            &[&GRANTEE],
        )
        .await
        .map_err(|e| pg::query_error("reading the owner of queue_log", &e))?;
    let (owner, seq_exists, grantee): (String, bool, bool) = (row.get(0), row.get(1), row.get(2));
    if seq_exists {
        return Err(PgError::Query {
            what: "preparing queue_log".into(),
            reason: format!(
                "a sequence public.{SEQUENCE} exists but queue_log has no id column: the upgrade's \
                 ALTER would name its sequence differently; drop or rename that sequence first"
            ),
        });
    }
    // As SERIAL does: an integer sequence owned by the table's owner, owned
    // by the column. Granted in the same transaction: the PBX inserts as
    // role asterisk, and from the default on, an insert draws from it.
    let grant = if grantee {
        format!("GRANT ALL ON SEQUENCE public.{SEQUENCE} TO {GRANTEE};")
    } else {
        String::new()
    };
    let sql = format!(
        "CREATE SEQUENCE public.{SEQUENCE} AS integer; \
         ALTER SEQUENCE public.{SEQUENCE} OWNER TO {owner}; \
         ALTER TABLE public.queue_log ADD COLUMN id integer; \
         ALTER TABLE public.queue_log ALTER COLUMN id SET DEFAULT nextval('public.{SEQUENCE}'::regclass); \
         ALTER SEQUENCE public.{SEQUENCE} OWNED BY public.queue_log.id; {grant}",
        owner = quote_ident(&owner)
    );
    briefly_locked(client, wait, "adding queue_log.id", &sql).await
}

/// Step 2: ids for the rows that have none, a range of pages at a time.
/// Rows inserted from step 1 on get theirs from the default; an updated
/// row's new version has its id wherever it lands. Every lock it waits
/// for (a row another session locked, a VACUUM behind a session holding a
/// conflicting lock) is waited for at most `wait`.
async fn backfill(client: &Client, wait: Duration) -> Result<u64, PgError> {
    let what = "giving queue_log's rows their id";
    client
        .batch_execute(&format!(
            "SET lock_timeout = '{}ms'",
            wait.as_millis().max(1)
        ))
        .await
        .map_err(|e| pg::query_error(what, &e))?;
    let rows = match batches(client).await {
        Ok(rows) => rows,
        Err((what, e)) => return Err(lock_waited(client, what, wait, e).await),
    };
    client
        .batch_execute("SET lock_timeout = 0")
        .await
        .map_err(|e| pg::query_error(what, &e))?;
    Ok(rows)
}

/// The backfill's statements; an error with what it was doing.
async fn batches(client: &Client) -> Result<u64, (&'static str, tokio_postgres::Error)> {
    let what = "giving queue_log's rows their id";
    let row = client
        .query_one(
            "SELECT (pg_relation_size('public.queue_log') / current_setting('block_size')::int)::bigint, \
                    greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'public.queue_log'::regclass",
            &[],
        )
        .await
        .map_err(|e| (what, e))?;
    let pages = row.get::<_, i64>(0).max(0) as u64;
    let estimate = row.get::<_, i64>(1).max(0) as u64;
    let mut progress = Progress::new(what, "pages", pages);
    let mut rows = 0;
    let mut start = 0;
    let mut vacuumed_at = 0;
    while start < pages {
        if start - vacuumed_at >= vacuum_every(pages) {
            vacuum(client).await?;
            vacuumed_at = start;
        }
        let end = (start + BATCH_PAGES).min(pages);
        rows += client
            .execute(
                &format!(
                    "UPDATE public.queue_log SET id = DEFAULT \
                      WHERE ctid >= '({start},0)'::tid AND ctid < '({end},0)'::tid AND id IS NULL"
                ),
                &[],
            )
            .await
            .map_err(|e| (what, e))?;
        start = end;
        progress.update(start);
    }
    progress.finish(pages);
    log::info!(
        "{what}: {} rows (about {} expected)",
        crate::progress::thousands(rows),
        crate::progress::thousands(estimate)
    );
    Ok(rows)
}

/// Pages updated between two vacuums of the backfill: a full page has no
/// room for a row's new version, so without them the table would end twice
/// its size, and the snapshot the upgrade takes would copy all of it.
fn vacuum_every(pages: u64) -> u64 {
    (pages / 10).max(2_000)
}

/// A plain `VACUUM` (no lock that blocks inserts): the space of the batches
/// updated so far goes back to the free space map, where the next batches'
/// new versions land.
async fn vacuum(client: &Client) -> Result<(), (&'static str, tokio_postgres::Error)> {
    client
        .batch_execute("VACUUM public.queue_log")
        .await
        .map_err(|e| ("vacuuming queue_log between batches", e))
}

/// Step 3: the unique index, built without blocking inserts.
async fn index(client: &Client, wait: Duration) -> Result<(), PgError> {
    let what = format!("building index {INDEX} concurrently");
    let valid: Option<bool> = client
        .query_opt(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass('public.queue_log_pkey')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(&what, &e))?
        .map(|r| r.get(0));
    match valid {
        Some(true) => return Ok(()),
        Some(false) => {
            // Left by a killed build: it slows inserts down and cannot be
            // used. The drop waits for every transaction using queue_log,
            // at most `wait`, as the build does (one that began after
            // preinst's probe must not hold it forever).
            let what = format!("dropping the invalid index {INDEX} a killed run left");
            log::info!("{what}");
            let drop = format!("DROP INDEX CONCURRENTLY public.{INDEX}");
            bounded(client, wait, &what, &drop).await?;
        }
        None => {}
    }
    log::info!("{what}...");
    // A concurrent build never blocks new transactions, but waits for every
    // older one in the database to end (their snapshots): bounded, so that
    // a session stuck in a long query cannot hold the run (or preinst)
    // forever. A timeout leaves an invalid index, which the next run drops.
    let r = waiting_at_most(
        client,
        wait,
        &format!("CREATE UNIQUE INDEX CONCURRENTLY {INDEX} ON public.queue_log (id)"),
    )
    .await;
    match r {
        Ok(()) => Ok(()),
        Err(e) => Err(lock_waited(client, &what, wait, e).await),
    }
}

/// Step 4: a validated `CHECK (id IS NOT NULL)`. Validation scans without
/// blocking inserts; a row left without an id (there should be none) gets
/// one and the validation is retried once.
async fn not_null(client: &Client, wait: Duration) -> Result<(), PgError> {
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.queue_log'::regclass \
                             AND conname = $1)",
            &[&NOT_NULL_CHECK],
        )
        .await
        .map_err(|e| pg::query_error("inspecting queue_log's constraints", &e))?
        .get(0);
    if !exists {
        briefly_locked(
            client,
            wait,
            "adding a NOT VALID check on queue_log.id",
            &format!(
                "ALTER TABLE public.queue_log ADD CONSTRAINT {NOT_NULL_CHECK} CHECK (id IS NOT NULL) NOT VALID"
            ),
        )
        .await?;
    }
    let what = "validating that every queue_log row has an id";
    // It waits for a session holding a lock that conflicts with it (a
    // manual VACUUM, an index build): at most `wait`.
    let validate = format!("ALTER TABLE public.queue_log VALIDATE CONSTRAINT {NOT_NULL_CHECK}");
    match waiting_at_most(client, wait, &validate).await {
        Err(e) if e.code() == Some(&SqlState::CHECK_VIOLATION) => {
            log::warn!("{what}: some rows had no id yet; giving them one");
            let fill = "UPDATE public.queue_log SET id = DEFAULT WHERE id IS NULL";
            bounded(client, wait, what, fill).await?;
            bounded(client, wait, what, &validate).await
        }
        Ok(()) => Ok(()),
        Err(e) => Err(lock_waited(client, what, wait, e).await),
    }
}

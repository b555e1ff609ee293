//! `xivo-manage-db queue-log ...`: the administrator's queue_log steps of the
//! 14.08 upgrade notes, done safely while the PBX runs: `stats` (how big,
//! what the upgrade will cost), `prune --before DATE` (batched deletes) and
//! `prepare` (the upgrade's `id SERIAL PRIMARY KEY`, online; the preinst
//! hook runs the same step before it stops any service).
//!
//! Owns those commands and the online prepare. Never holds a lock that
//! blocks the services' inserts for longer than a short `lock_timeout`, never
//! changes a row's columns other than the new `id`, and refuses to run while
//! anything is pending (`pending::refuse_writes`: a hook's snapshot in any
//! phase, whose rollback would undo the work, or a dead restore's record)
//! or another run holds the lock.

mod compact;
pub mod date;
pub mod prepare;
pub mod prune;
pub mod stats;
pub mod throughput;
mod waits;

use crate::config::Config;
use crate::error::{Error, Left};
use crate::interrupt::Interrupt;
use crate::lock::RunLock;
use crate::pg::Superuser;

/// `queue-log stats [--exact] [--json]`: the text to print.
pub async fn stats(
    config: &Config,
    admin: &Superuser,
    exact: bool,
    json: bool,
) -> Result<String, Error> {
    let client = admin.connect(&config.db_name).await?;
    let cache = throughput::Cache::new(config);
    let s = stats::stats(&client, &config.db_name, exact, &cache).await?;
    Ok(if json { s.json() } else { s.text() })
}

/// `queue-log prune --before DATE [--dry-run]`. `before` was parsed first.
pub async fn prune(
    config: &Config,
    admin: &Superuser,
    before: &date::Cutoff,
    dry_run: bool,
    json: bool,
) -> Result<String, Error> {
    let client = admin.connect(&config.db_name).await?;
    if prepare::state(&client).await? == prepare::State::Absent {
        return Err(Error::Other(format!(
            "database '{}' has no table public.queue_log (check DB_NAME in the config)",
            config.db_name
        )));
    }
    if dry_run {
        let p = prune::dry_run(&client, before).await?;
        if json {
            return Ok(prune_json(before, true, p.rows, p.oldest, p.newest));
        }
        return Ok(format!(
            "would delete {} queue_log rows with a time before {} (oldest {}, newest {}); nothing changed\n",
            crate::progress::thousands(p.rows),
            before.0,
            p.oldest.as_deref().unwrap_or("-"),
            p.newest.as_deref().unwrap_or("-")
        ));
    }
    let _lock = RunLock::acquire(config, admin).await?;
    crate::pending::refuse_writes(config, crate::pending::DeadRestore::Blocks)?;
    let rows = prune::prune(&client, before)
        .await
        .map_err(|e| Error::from(e).during_change(Left::Unfinished))?;
    if json {
        return Ok(prune_json(before, false, rows, None, None));
    }
    Ok(format!(
        "deleted {} queue_log rows with a time before {}\n",
        crate::progress::thousands(rows),
        before.0
    ))
}

/// `queue-log prune --json`: one object; `oldest` and `newest` (of the rows
/// that would go) only for a dry run.
fn prune_json(
    before: &date::Cutoff,
    dry_run: bool,
    rows: u64,
    oldest: Option<String>,
    newest: Option<String>,
) -> String {
    crate::json::object(vec![
        ("before", before.0.as_str().into()),
        ("dry_run", dry_run.into()),
        ("rows", rows.into()),
        ("oldest", oldest.into()),
        ("newest", newest.into()),
    ]) + "\n"
}

/// `queue-log prepare`.
pub async fn prepare(config: &Config, admin: &Superuser) -> Result<String, Error> {
    let client = admin.connect(&config.db_name).await?;
    let state = prepare::state(&client).await?;
    if state == prepare::State::Absent {
        return Err(Error::Other(format!(
            "database '{}' has no table public.queue_log (check DB_NAME in the config)",
            config.db_name
        )));
    }
    let _lock = RunLock::acquire(config, admin).await?;
    crate::pending::refuse_writes(config, crate::pending::DeadRestore::Blocks)?;
    let outcome = prepare::online(&client, config.lock_timeout)
        .await
        .map_err(|e| Error::from(e).during_change(Left::Unfinished))?;
    Ok(match outcome {
        prepare::Outcome::AlreadyDone => {
            "queue_log already has its id primary key: nothing to do\n".to_string()
        }
        prepare::Outcome::Prepared { rows } => format!(
            "queue_log has its id primary key ({rows} existing rows numbered): the upgrade has nothing left to do there\n"
        ),
    })
}

/// Benchmark and testing aid only (scripts/bench-downtime, docs/hooks.md):
/// set to 1, preinst skips the online prepare, so that the upgrade adds
/// queue_log's id the 14.07 way, with the services stopped. Never set on a
/// PBX: it only makes the downtime longer.
pub const SKIP_ONLINE_PREPARE_ENV: &str = "XIVO_MANAGE_DB_BENCH_SKIP_ONLINE_PREPARE";

/// How long preinst lets the concurrent index build wait for older
/// transactions (at most LOCK_TIMEOUT): a daemon stuck in a long query must
/// not hold apt for minutes; past it, the upgrade builds the index offline.
pub const PREINST_INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The preinst's step, before any service is stopped: a queue_log without
/// its `id` (or with a prepare left unfinished) gets it online, so the
/// services stay down only for what must be exclusive. A failure is logged
/// and the upgrade goes on: the merge then does it the 14.07 way (or
/// finishes the partial prepare), services stopped. Only a signal stops the
/// hook (`Err(signal)`); what was done is kept and resumed by the next run.
pub async fn online_before_stop(
    admin: &Superuser,
    db: &str,
    wait: std::time::Duration,
    interrupt: &mut Interrupt,
) -> Result<(), &'static str> {
    if std::env::var_os(SKIP_ONLINE_PREPARE_ENV).is_some_and(|v| v == "1") {
        log::warn!(
            "{SKIP_ONLINE_PREPARE_ENV}=1 (a benchmark aid): queue_log is not prepared online"
        );
        return Ok(());
    }
    let work = async {
        let client = admin.connect(db).await?;
        match prepare::state(&client).await? {
            prepare::State::NoId | prepare::State::Partial => {}
            prepare::State::Absent => return Ok(None),
            prepare::State::Done => {
                // Prepared earlier: only what an interrupted rebuild of its
                // indexes left, so the snapshot does not copy it.
                if let Err(e) = compact::drop_leftovers(&client, wait.min(PREINST_INDEX_WAIT)).await
                {
                    log::warn!("{e}: the snapshot copies them; the next run drops them");
                }
                return Ok(None);
            }
        }
        // The concurrent index build waits for every older transaction: a
        // session stuck in one (a forgotten psql, a pg_dump) would make the
        // step fail after its whole backfill. Known now, nothing is changed.
        if let Some(session) = long_transaction(&client).await? {
            log::warn!(
                "not adding queue_log's id online: {session} stays in a transaction, which the \
                 index build would wait for; the upgrade adds it with the services stopped"
            );
            return Ok(None);
        }
        let started = std::time::Instant::now();
        log::info!(
            "adding queue_log's id online, before any service is stopped (queue-log prepare)..."
        );
        prepare::online(&client, wait.min(PREINST_INDEX_WAIT)).await?;
        // The backfill left a dead version of every row and dirtied the
        // whole table: vacuum and flush it now, services running, rather
        // than have autovacuum read and write it during the snapshot's
        // FILE_COPY, and the copy start with that flush, once they are
        // stopped. Its lock wait is bounded as the steps before: a session
        // holding queue_log then must not hold apt (or queue the PBX's
        // inserts behind it); the id is added, only the vacuum is skipped.
        let vacuum_wait = wait.min(PREINST_INDEX_WAIT);
        let vacuum = "VACUUM (ANALYZE) public.queue_log";
        if let Err(e) = waits::waiting_at_most(&client, vacuum_wait, vacuum).await {
            let why = if e.code() == Some(&tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
                format!(
                    "it waited {} s (LOCK_TIMEOUT) for {}",
                    vacuum_wait.as_secs(),
                    prepare::old_transactions(&client).await
                )
            } else {
                crate::pg::query_error("vacuuming queue_log", &e).to_string()
            };
            log::warn!(
                "queue_log not vacuumed after adding its id ({why}): the id is added; \
                 autovacuum vacuums it later"
            );
        }
        client
            .batch_execute("CHECKPOINT")
            .await
            .map_err(|e| crate::pg::query_error("checkpoint after adding queue_log's id", &e))?;
        Ok::<_, crate::pg::PgError>(Some(started.elapsed()))
    };
    match interrupt.race(work).await? {
        Ok(Some(took)) => log::info!(
            "adding queue_log's id online: done in {}, services still running",
            crate::duration::human(took)
        ),
        Ok(None) => {}
        Err(e) => log::warn!(
            "adding queue_log's id online failed ({e}): the upgrade does it with the services stopped"
        ),
    }
    Ok(())
}

/// How long a transaction open when the preinst's online step is about to
/// start may last before it counts as one the index build would wait for.
const LONG_TRANSACTION: std::time::Duration = std::time::Duration::from_secs(1);

/// A session of this database whose transaction, open now, is still open
/// after `LONG_TRANSACTION` (the PBX's own transactions are short): its
/// description, or `None`.
async fn long_transaction(
    client: &tokio_postgres::Client,
) -> Result<Option<String>, crate::pg::PgError> {
    let what = "looking for sessions in a long transaction";
    let open = |rows: Vec<tokio_postgres::Row>| -> Vec<(i32, String)> {
        rows.iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    let sql = "SELECT pid, xact_start::text FROM pg_stat_activity \
                WHERE datname = current_database() AND pid <> pg_backend_pid() \
                  AND backend_type = 'client backend' AND xact_start IS NOT NULL";
    let first = open(
        client
            .query(sql, &[])
            .await
            .map_err(|e| crate::pg::query_error(what, &e))?,
    );
    if first.is_empty() {
        return Ok(None);
    }
    tokio::time::sleep(LONG_TRANSACTION).await;
    let now = open(
        client
            .query(sql, &[])
            .await
            .map_err(|e| crate::pg::query_error(what, &e))?,
    );
    if !now.iter().any(|t| first.contains(t)) {
        return Ok(None);
    }
    Ok(Some(prepare::old_transactions(client).await))
}

//! Applying migrations to a database: the `alembic_version` table (what
//! alembic itself uses, so the revision is readable by the tools admins know),
//! the history table (checksums and timings), and the runner.
//!
//! The work is applied in the planner's segments (`plan.rs`), in the graph's
//! order: each run of transactional migrations shares one transaction with
//! the `alembic_version` update, alembic's own default on PostgreSQL, so a
//! failure leaves the database as the previous segment left it; a
//! non-transactional migration runs alone and is recorded right after it.
//! `alembic_version` always holds the heads of what has been applied: never a
//! revision with an ancestor that has not run.
//!
//! Above 500 lines: the runner and the two tables it keeps in step
//! (`alembic_version` and the history, with repair's columns) must be read
//! together; the history table's DDL is the part that could move out.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use tokio_postgres::{Client, Transaction};

use super::{Migration, MigrationError, MigrationSet, Plan, Segment};
use crate::pg::{self, describe, quote_ident, PgError};

/// alembic's table: one row per current head.
pub const VERSION_TABLE: &str = "alembic_version";
/// Ours: one row per revision ever applied or stamped.
pub const HISTORY_TABLE: &str = "xivo_manage_db_history";

/// One migration applied (or stamped) by this run.
#[derive(Debug, Clone)]
pub struct Applied {
    pub revision: String,
    pub file: String,
    pub duration: Duration,
}

/// What a run did, also carried by its error so that a failure still says
/// what had been committed.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub applied: Vec<Applied>,
}

impl Report {
    pub fn revisions(&self) -> Vec<String> {
        self.applied.iter().map(|a| a.revision.clone()).collect()
    }
}

/// A migration whose file changed after it was applied.
#[derive(Debug, Clone)]
pub struct Edited {
    pub revision: String,
    pub file: String,
    pub applied_checksum: String,
    pub file_checksum: String,
}

/// Create the version and history tables if absent, and give a history
/// table of an earlier package the columns `repair --accept-checksum` fills.
/// Every host then has the same history table, whether or not it was ever
/// repaired, which `replicate` requires. Runs inside the caller's
/// transaction, after `SET LOCAL ROLE <owner>`, so the owner owns them.
pub async fn ensure_version_tables(tx: &Transaction<'_>) -> Result<(), PgError> {
    tx.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (\n\
             version_num VARCHAR(32) NOT NULL,\n\
             CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));\n\
         CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} (\n\
             revision VARCHAR(32) NOT NULL PRIMARY KEY,\n\
             checksum CHAR(64) NOT NULL,\n\
             applied_at TIMESTAMP WITH TIME ZONE NOT NULL,\n\
             duration_ms BIGINT NOT NULL,\n\
             stamped BOOLEAN NOT NULL DEFAULT false,\n\
             previous_checksum CHAR(64),\n\
             repaired_at TIMESTAMP WITH TIME ZONE,\n\
             repaired_by TEXT);\n\
         {REPAIR_COLUMNS}"
    ))
    .await
    .map_err(|e| pg::query_error(format!("creating {VERSION_TABLE} and {HISTORY_TABLE}"), &e))
}

/// Adds the repair columns to a history table that lacks them. Guarded, so
/// that the usual case (they exist) takes no lock and prints no notice.
const REPAIR_COLUMNS: &str = "DO $$ BEGIN \
       IF NOT EXISTS (SELECT 1 FROM pg_attribute \
                       WHERE attrelid = 'public.xivo_manage_db_history'::regclass \
                         AND attname = 'repaired_by' AND NOT attisdropped) THEN \
         ALTER TABLE public.xivo_manage_db_history \
           ADD COLUMN IF NOT EXISTS previous_checksum CHAR(64), \
           ADD COLUMN IF NOT EXISTS repaired_at TIMESTAMP WITH TIME ZONE, \
           ADD COLUMN IF NOT EXISTS repaired_by TEXT; \
       END IF; END $$;";

/// On a run with nothing to apply, still give a history table of an earlier
/// package the repair columns, in a transaction of its own as the owner.
/// Nothing is written when they are there (or there is no history table):
/// a run at head stays a read.
pub async fn ensure_version_tables_alone(client: &mut Client, owner: &str) -> Result<(), PgError> {
    let lacking: bool = client
        .query_one(
            "SELECT to_regclass('public.xivo_manage_db_history') IS NOT NULL AND NOT EXISTS \
               (SELECT 1 FROM pg_attribute \
                 WHERE attrelid = to_regclass('public.xivo_manage_db_history') \
                   AND attname = 'repaired_by' AND NOT attisdropped)",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the columns of {HISTORY_TABLE}"), &e))?
        .get(0);
    if !lacking {
        return Ok(());
    }
    let tx = begin_as(client, owner).await?;
    ensure_version_tables(&tx).await?;
    tx.commit()
        .await
        .map_err(|e| pg::query_error(format!("creating {HISTORY_TABLE}"), &e))
}

/// The rows of `alembic_version`, or `None` when the table does not exist
/// (a database of the old system, or one not provisioned yet).
pub async fn current_revisions(client: &Client) -> Result<Option<Vec<String>>, PgError> {
    // One round trip: a missing table is the undefined_table error itself.
    let messages = match client
        .simple_query(&format!("SELECT version_num FROM public.{VERSION_TABLE}"))
        .await
    {
        Ok(m) => m,
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => {
            return Ok(None)
        }
        Err(e) => return Err(pg::query_error(format!("reading {VERSION_TABLE}"), &e)),
    };
    let mut revisions: Vec<String> = messages
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(String::from),
            _ => None,
        })
        .collect();
    revisions.sort();
    Ok(Some(revisions))
}

/// (revision, checksum) of every row of the history table, or `None` when
/// there is none: a database that other tools versioned (a host upstream
/// XiVO 14.08 upgraded has `alembic_version` only).
pub async fn applied_history(client: &Client) -> Result<Option<Vec<(String, String)>>, PgError> {
    let rows = match client
        .simple_query(&format!(
            "SELECT revision, checksum FROM public.{HISTORY_TABLE} ORDER BY applied_at, revision"
        ))
        .await
    {
        Ok(rows) => rows,
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => {
            return Ok(None)
        }
        Err(e) => return Err(pg::query_error(format!("reading {HISTORY_TABLE}"), &e)),
    };
    Ok(Some(
        rows.into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some((
                    r.get(0).unwrap_or_default().to_string(),
                    r.get(1).unwrap_or_default().to_string(),
                )),
                _ => None,
            })
            .collect(),
    ))
}

/// Migrations whose file no longer matches what was applied.
pub fn edited_migrations(set: &MigrationSet, history: &[(String, String)]) -> Vec<Edited> {
    history
        .iter()
        .filter_map(|(rev, sum)| {
            let m = set.get(rev)?;
            (m.checksum() != sum.trim()).then(|| Edited {
                revision: rev.clone(),
                file: m.file().to_string(),
                applied_checksum: sum.trim().to_string(),
                file_checksum: m.checksum().to_string(),
            })
        })
        .collect()
}

async fn record(
    tx: &Transaction<'_>,
    m: &Migration,
    duration: Duration,
    stamped: bool,
) -> Result<(), PgError> {
    let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
    tx.execute(
        &format!(
            "INSERT INTO {HISTORY_TABLE} (revision, checksum, applied_at, duration_ms, stamped) \
             VALUES ($1, $2, clock_timestamp(), $3, $4) \
             ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, \
               applied_at = EXCLUDED.applied_at, duration_ms = EXCLUDED.duration_ms, stamped = EXCLUDED.stamped"
        ),
        &[&m.revision(), &m.checksum(), &ms, &stamped],
    )
    .await
    .map_err(|e| pg::query_error(format!("recording revision {} in {HISTORY_TABLE}", m.revision()), &e))?;
    Ok(())
}

async fn set_heads(tx: &Transaction<'_>, heads: &[String]) -> Result<(), PgError> {
    tx.execute(&format!("DELETE FROM {VERSION_TABLE}"), &[])
        .await
        .map_err(|e| pg::query_error(format!("updating {VERSION_TABLE}"), &e))?;
    for h in heads {
        tx.execute(
            &format!("INSERT INTO {VERSION_TABLE} (version_num) VALUES ($1)"),
            &[h],
        )
        .await
        .map_err(|e| pg::query_error(format!("updating {VERSION_TABLE}"), &e))?;
    }
    Ok(())
}

fn failure(m: &Migration, e: &tokio_postgres::Error, report: &Report) -> MigrationError {
    let mut reason = describe(e);
    if let Some(pos) = e.as_db_error().and_then(|d| match d.position() {
        Some(tokio_postgres::error::ErrorPosition::Original(p)) => Some(*p as usize),
        _ => None,
    }) {
        reason = format!("line {}: {reason}", pg::line_of_position(m.sql(), pos));
    }
    MigrationError::Failed {
        file: m.file().to_string(),
        revision: m.revision().to_string(),
        reason,
        report: report.clone(),
        transactional: m.transactional(),
    }
}

/// Record `m` as applied without running it (the baseline on a merged 14.07
/// host, whose schema came from the legacy scripts and the merge).
pub async fn stamp(tx: &Transaction<'_>, set: &MigrationSet, m: &Migration) -> Result<(), PgError> {
    fail_point!("stamp.before");
    ensure_version_tables(tx).await?;
    record(tx, m, Duration::ZERO, true).await?;
    fail_point!("stamp.after_record");
    let applied = set
        .applied_set(&[m.revision().to_string()])
        .map_err(|e| PgError::Query {
            what: "stamping".into(),
            reason: e.to_string(),
        })?;
    set_heads(
        tx,
        &set.heads_of_applied(applied.iter().map(String::as_str)),
    )
    .await
}

/// Apply, inside `tx` (which the caller commits), the first segment of what
/// is pending when it is transactional (nothing when the next migration must
/// run alone), and set `alembic_version` to the heads of what is then
/// applied. The caller has set the role that must own the new objects. This
/// is how provisioning and the 14.07 merge put the first segment in their own
/// transaction; `run` does the rest after their commit. Returns what it
/// applied, to be added to the report once the commit succeeds; a failure
/// carries `committed`, what earlier transactions of the run had committed.
pub async fn run_in_transaction(
    tx: &Transaction<'_>,
    set: &MigrationSet,
    committed: &Report,
) -> Result<Vec<Applied>, MigrationError> {
    ensure_version_tables(tx).await?;
    // The tables exist now, so reading them cannot abort the transaction.
    let current = current_revisions(tx.client()).await?.unwrap_or_default();
    let recorded = recorded_revisions(tx.client()).await?;
    let plan = set.plan(&current, &recorded)?;
    log::info!("plan: {plan}");
    match plan.segments.first() {
        Some(Segment::Transaction(ms)) => {
            apply_transactional(tx, set, ms, &plan.done, committed).await
        }
        _ => Ok(Vec::new()),
    }
}

/// Run `ms` in `tx`, record each, and set `alembic_version` to the heads of
/// `done` plus `ms`.
async fn apply_transactional(
    tx: &Transaction<'_>,
    set: &MigrationSet,
    ms: &[&Migration],
    done: &BTreeSet<String>,
    committed: &Report,
) -> Result<Vec<Applied>, MigrationError> {
    ensure_version_tables(tx).await?;
    let mut staged = Vec::with_capacity(ms.len());
    for m in ms {
        log::info!("applying {} ({}): {}", m.revision(), m.file(), m.message());
        fail_point!("migrate.each_before");
        let started = Instant::now();
        tx.batch_execute(m.sql())
            .await
            .map_err(|e| failure(m, &e, committed))?;
        let duration = started.elapsed();
        record(tx, m, duration, false).await?;
        fail_point!("migrate.each_after");
        log::info!(
            "applied {} in {}",
            m.revision(),
            crate::duration::human(duration)
        );
        staged.push(Applied {
            revision: m.revision().into(),
            file: m.file().into(),
            duration,
        });
    }
    set_heads(tx, &heads_after(set, done, ms)).await?;
    fail_point!("migrate.after_heads");
    Ok(staged)
}

/// What `alembic_version` holds once `ms` is applied on top of `done`.
fn heads_after(set: &MigrationSet, done: &BTreeSet<String>, ms: &[&Migration]) -> Vec<String> {
    set.heads_of_applied(
        done.iter()
            .map(String::as_str)
            .chain(ms.iter().map(|m| m.revision())),
    )
}

/// An interrupted `CREATE INDEX CONCURRENTLY` leaves an invalid index that
/// `IF NOT EXISTS` would then keep forever: drop the invalid indexes this
/// migration names before (re-)running it.
async fn drop_invalid_indexes_of(client: &Client, m: &Migration) -> Result<(), PgError> {
    let rows = client
        .query(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND n.nspname = 'public'",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("listing invalid indexes", &e))?;
    for row in rows {
        let name: String = row.get(0);
        if m.sql().contains(&name) {
            log::warn!(
                "dropping invalid index {name} left by an interrupted run of {}",
                m.revision()
            );
            client
                .batch_execute(&format!(
                    "DROP INDEX IF EXISTS public.{}",
                    quote_ident(&name)
                ))
                .await
                .map_err(|e| pg::query_error(format!("dropping invalid index {name}"), &e))?;
        }
    }
    Ok(())
}

/// Start a transaction in which new objects belong to `owner`. An
/// `alembic_version` that another role owns is given to `owner` first (as
/// the superuser, in the same transaction): upstream XiVO 14.08 ran alembic
/// as postgres, so on the hosts it upgraded the table is the only object
/// the owner role cannot update.
pub async fn begin_as<'a>(client: &'a mut Client, owner: &str) -> Result<Transaction<'a>, PgError> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| pg::query_error("starting a transaction", &e))?;
    tx.batch_execute(&format!(
        "DO $$ BEGIN \
           IF EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = 'public' \
                       AND tablename = '{VERSION_TABLE}' AND tableowner <> {lit}) THEN \
             ALTER TABLE public.{VERSION_TABLE} OWNER TO {ident}; \
           END IF; END $$",
        lit = pg::quote_literal(owner),
        ident = quote_ident(owner)
    ))
    .await
    .map_err(|e| pg::query_error(format!("giving {VERSION_TABLE} to role {owner}"), &e))?;
    tx.batch_execute(&format!("SET LOCAL ROLE {}", quote_ident(owner)))
        .await
        .map_err(|e| pg::query_error(format!("switching to role {owner}"), &e))?;
    Ok(tx)
}

/// The revisions recorded in the history table (empty when it does not exist).
pub async fn recorded_revisions(client: &Client) -> Result<BTreeSet<String>, PgError> {
    match client
        .simple_query(&format!("SELECT revision FROM public.{HISTORY_TABLE}"))
        .await
    {
        Ok(messages) => Ok(messages
            .into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(String::from),
                _ => None,
            })
            .collect()),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => {
            Ok(BTreeSet::new())
        }
        Err(e) => Err(pg::query_error(format!("reading {HISTORY_TABLE}"), &e)),
    }
}

/// Apply everything from where the database stands to head on `client`
/// (connected to the target database as a superuser, under the run lock),
/// objects owned by `owner`, in the graph's order, segment by segment (see
/// `plan.rs`): each run of transactional migrations in one transaction with
/// the `alembic_version` update (a failure changes nothing of that run),
/// each non-transactional one alone, then recorded with the
/// `alembic_version` update. Those must be idempotent (`IF NOT EXISTS`): a
/// run interrupted between one and its record re-runs it. Where it starts is
/// read from the database (`standing` does the same), so a run stopped
/// between two segments is finished by the next. `committed` is what the
/// caller committed before (the first segment, in its own transaction): the
/// returned report, and a failure's, start from it.
pub async fn run(
    client: &mut Client,
    set: &MigrationSet,
    owner: &str,
    committed: Report,
) -> Result<Report, MigrationError> {
    let current = current_revisions(client).await?.unwrap_or_default();
    let recorded = recorded_revisions(client).await?;
    let plan = set.plan(&current, &recorded)?;
    if !plan.is_empty() {
        log::info!("plan: {plan}");
    }
    run_plan(client, set, owner, &plan, committed).await
}

/// Apply `plan` (made from where the database stands now) as `run` does.
pub async fn run_plan(
    client: &mut Client,
    set: &MigrationSet,
    owner: &str,
    plan: &Plan<'_>,
    committed: Report,
) -> Result<Report, MigrationError> {
    let mut report = committed;
    if plan.is_empty() {
        ensure_version_tables_alone(client, owner).await?;
        return Ok(report);
    }
    // The caller says the plan, in its line on where the database stands.
    let mut done = plan.done.clone();
    for segment in &plan.segments {
        match segment {
            Segment::Transaction(ms) => {
                let tx = begin_as(client, owner).await?;
                let staged = apply_transactional(&tx, set, ms, &done, &report).await?;
                fail_point!("migrate.before_segment_commit");
                let last = ms[ms.len() - 1];
                tx.commit().await.map_err(|e| failure(last, &e, &report))?;
                fail_point!("migrate.after_segment_commit");
                report.applied.extend(staged);
            }
            Segment::Alone(m) => {
                report
                    .applied
                    .push(apply_alone(client, set, m, &done, owner, &report).await?);
            }
        }
        done.extend(
            segment
                .migrations()
                .iter()
                .map(|m| m.revision().to_string()),
        );
    }
    Ok(report)
}

/// Run a non-transactional migration alone, then commit its history row and
/// the `alembic_version` update.
async fn apply_alone(
    client: &mut Client,
    set: &MigrationSet,
    m: &Migration,
    done: &BTreeSet<String>,
    owner: &str,
    report: &Report,
) -> Result<Applied, MigrationError> {
    fail_point!("migrate.alone_before");
    drop_invalid_indexes_of(client, m).await?;
    log::info!(
        "applying {} ({}) outside a transaction: {}",
        m.revision(),
        m.file(),
        m.message()
    );
    let started = Instant::now();
    // Separate round trips: several statements in one query string form
    // an implicit transaction block, which is what this migration avoids.
    client
        .batch_execute(&format!("SET ROLE {}", quote_ident(owner)))
        .await
        .map_err(|e| pg::query_error(format!("switching to role {owner}"), &e))?;
    let outcome = client.batch_execute(m.sql()).await;
    client
        .batch_execute("RESET ROLE")
        .await
        .map_err(|e| pg::query_error("resetting the role", &e))?;
    outcome.map_err(|e| failure(m, &e, report))?;
    fail_point!("migrate.alone_after_run");
    let duration = started.elapsed();
    let tx = begin_as(client, owner).await?;
    ensure_version_tables(&tx).await?;
    record(&tx, m, duration, false).await?;
    set_heads(&tx, &heads_after(set, done, &[m])).await?;
    fail_point!("migrate.alone_before_commit");
    tx.commit().await.map_err(|e| failure(m, &e, report))?;
    fail_point!("migrate.alone_after_commit");
    log::info!(
        "applied {} in {}",
        m.revision(),
        crate::duration::human(duration)
    );
    Ok(Applied {
        revision: m.revision().into(),
        file: m.file().into(),
        duration,
    })
}

//! The merge's one transaction on `DB_NAME`: the owner role given the
//! database, the remaining `asterisk-NNN` scripts (as the superuser, as
//! 14.07 ran them), the objects of `xivo` (pre-data, rows by COPY, sequence
//! values, post-data, privileges), the remaining `xivo-NNN` scripts, every
//! object given to the owner role, the mark on `xivo`, the baseline stamp
//! and the first transactional segment of the versions; then the commit.

use std::time::Instant;

use tokio_postgres::{Client, Transaction};

use super::ddl::{Dump, Entry};
use super::plan::{Compared, Plan, Schema};
use super::{copy, owner, queue_log, queue_log_id, MergeError, MERGED_MARK};
use crate::config::{Config, LEGACY_DB_NAME};
use crate::legacy::Script;
use crate::migrations::{self, Applied, MigrationSet, Report};
use crate::pg::{self, quote_ident, quote_literal};
use crate::progress::{self, Progress};

#[allow(clippy::too_many_arguments)]
pub async fn merge_in_transaction(
    config: &Config,
    set: &MigrationSet,
    source_db: &str,
    target_db: &str,
    target: &mut Client,
    source: &Client,
    monitor: Option<&Client>,
    plan: &Plan,
    schema: &Schema,
    report: &mut Report,
) -> Result<(), MergeError> {
    let owner = &config.db_owner;
    let compared = &plan.compared;
    // As the superuser; the objects of xivo are created as the owner (2.).
    let tx = target
        .transaction()
        .await
        .map_err(|e| pg::query_error("starting a transaction", &e))?;

    // 0. The owner role owns the database and what is in it (on a real
    // 14.07 host, postgres does).
    fail_point!("merge.tx_begun");
    owner::prepare(&tx, config, target_db).await?;
    owner::take_all(&tx, owner).await?;

    // 1. The remaining asterisk-NNN scripts, watched when queue_log is
    // rewritten; an interrupted `queue-log prepare` is finished first (the
    // script only looks for the column).
    queue_log_id::finish_in_transaction(&tx).await?;
    if let Some(estimate) = &compared.queue_log {
        queue_log::size_sorts(&tx, estimate).await?;
    }
    fail_point!("merge.before_asterisk_scripts");
    run_asterisk_scripts(&tx, compared, monitor).await?;

    // 2.-5. While the rewritten queue_log is written out beside them.
    let flush = async {
        if let (Some(_), Some(monitor)) = (compared.queue_log, monitor) {
            queue_log::flush_early(monitor).await;
        }
    };
    let rest = finish_transaction(
        config,
        set,
        (source_db, target_db),
        tx,
        source,
        plan,
        schema,
        report,
    );
    let (staged, ()) = tokio::join!(rest, flush);
    let staged = staged?;
    fail_point!("merge.after_commit");
    report.applied.extend(staged);
    Ok(())
}

/// Steps 2 to 5 and the commit; the versions applied in the transaction.
#[allow(clippy::too_many_arguments)]
async fn finish_transaction(
    config: &Config,
    set: &MigrationSet,
    (source_db, target_db): (&str, &str),
    tx: Transaction<'_>,
    source: &Client,
    plan: &Plan,
    schema: &Schema,
    report: &Report,
) -> Result<Vec<Applied>, MergeError> {
    let owner = &config.db_owner;
    let compared = &plan.compared;
    // 2. The objects of xivo, rows, sequences, then indexes and constraints.
    fail_point!("merge.before_move_objects");
    move_objects(&tx, source, plan, schema, owner).await?;

    // 3. The remaining xivo-NNN scripts, on the merged tables; then what
    // they created as the superuser goes to the owner too.
    fail_point!("merge.before_xivo_scripts");
    for s in &compared.xivo_scripts {
        run_script(&tx, s).await?;
    }
    owner::take_all(&tx, owner).await?;

    // 4. The mark that lets a later run finish the cleanup, never redo the merge.
    fail_point!("merge.before_mark");
    mark_merged(&tx, source_db, target_db, owner).await?;

    // 5. The new system: stamp the baseline, apply the first transactional
    // segment of the versions (the rest runs after the commit, in order).
    fail_point!("merge.before_stamp");
    migrations::stamp(&tx, set, set.baseline()).await?;
    let staged = migrations::run_in_transaction(&tx, set, report).await?;
    fail_point!("merge.before_commit");
    tx.commit()
        .await
        .map_err(|e| pg::query_error("committing the upgrade", &e))?;
    Ok(staged)
}

/// Step 1: the remaining asterisk-NNN scripts, as the superuser; the one
/// that rewrites queue_log is watched so that its progress shows.
async fn run_asterisk_scripts(
    tx: &Transaction<'_>,
    compared: &Compared,
    monitor: Option<&Client>,
) -> Result<(), MergeError> {
    for s in &compared.asterisk_scripts {
        match (compared.queue_log, monitor) {
            (Some(estimate), Some(monitor)) => {
                let run = run_script(tx, s);
                tokio::pin!(run);
                let watch = queue_log::watch(monitor, estimate);
                tokio::pin!(watch);
                tokio::select! {
                    r = &mut run => r?,
                    _ = &mut watch => (&mut run).await?,
                }
            }
            _ => run_script(tx, s).await?,
        }
    }
    Ok(())
}

/// Step 2: as the owner, the objects of xivo (pre-data), its rows, its
/// sequences' values, then its indexes, constraints and triggers
/// (post-data), its materialized views, and, as the superuser again, its
/// privileges.
async fn move_objects(
    tx: &Transaction<'_>,
    source: &Client,
    plan: &Plan,
    schema: &Schema,
    owner: &str,
) -> Result<(), MergeError> {
    let compared = &plan.compared;
    tx.batch_execute(&format!("SET LOCAL ROLE {}", quote_ident(owner)))
        .await
        .map_err(|e| pg::query_error(format!("switching to role {owner}"), &e))?;

    let started = Instant::now();
    create_all(tx, &schema.pre_data, owner).await?;
    fail_point!("merge.after_pre_data");
    log::info!(
        "created {} tables, types, functions and views in {}",
        schema.pre_data.entries.len(),
        crate::duration::human(started.elapsed())
    );
    let step = Instant::now();
    let total: u64 = plan.tables.iter().map(|t| t.estimated_rows).sum();
    let mut progress = Progress::new(
        format!("copying the rows of '{LEGACY_DB_NAME}'"),
        "rows",
        total,
    );
    let mut rows = 0u64;
    for t in &plan.tables {
        fail_point!("merge.each_table");
        rows += if compared.identical.contains(&t.qualified()) {
            merge_rows(tx, source, t, &mut progress, rows).await?
        } else {
            copy::copy_table(source, tx, t, None, &mut progress, rows).await?
        };
    }
    progress.finish(rows);
    log::info!(
        "copied {} rows in {}",
        progress::thousands(rows),
        crate::duration::human(step.elapsed())
    );
    for s in &plan.sequences {
        fail_point!("merge.each_sequence");
        copy::set_sequence(tx, s, compared.shared_sequences.contains(&s.qualified)).await?;
    }
    let step = Instant::now();
    create_all(tx, &schema.post_data, owner).await?;
    fail_point!("merge.after_post_data");
    log::info!(
        "built {} indexes, constraints and triggers in {}",
        schema.post_data.entries.len(),
        crate::duration::human(step.elapsed())
    );
    for m in &plan.matviews {
        tx.batch_execute(&format!("REFRESH MATERIALIZED VIEW {m}"))
            .await
            .map_err(|e| pg::query_error(format!("refreshing materialized view {m}"), &e))?;
    }
    // pg_dump's preamble emptied search_path; back to the session defaults,
    // and to the superuser (RESET ALL leaves the role) for the privileges
    // and the scripts.
    tx.batch_execute("RESET ALL; RESET ROLE")
        .await
        .map_err(|e| pg::query_error("resetting the session after the merge", &e))?;
    for g in &plan.grants {
        fail_point!("merge.each_grant");
        tx.batch_execute(g).await.map_err(|e| {
            pg::query_error(
                format!("carrying over a privilege of '{LEGACY_DB_NAME}' ({g})"),
                &e,
            )
        })?;
    }
    log::info!(
        "moved {} tables ({} rows), {} sequences and {} privileges of '{LEGACY_DB_NAME}' in {}",
        plan.tables.len(),
        progress::thousands(rows),
        plan.sequences.len(),
        plan.grants.len(),
        crate::duration::human(started.elapsed())
    );
    Ok(())
}

/// Step 4: the mark on `xivo` that lets a later run finish the cleanup,
/// never redo the merge (commits with the merge).
async fn mark_merged(
    tx: &Transaction<'_>,
    source_db: &str,
    target_db: &str,
    owner: &str,
) -> Result<(), MergeError> {
    tx.batch_execute(&format!(
        "RESET ROLE; COMMENT ON DATABASE {} IS {}; SET LOCAL ROLE {}",
        quote_ident(source_db),
        quote_literal(&format!("{MERGED_MARK} {target_db}")),
        quote_ident(owner)
    ))
    .await
    .map_err(|e| pg::query_error(format!("marking '{source_db}' as merged"), &e))?;
    Ok(())
}

/// A numbered script, as the superuser (14.07 ran them as postgres).
async fn run_script(tx: &Transaction<'_>, s: &Script) -> Result<(), MergeError> {
    let started = Instant::now();
    log::info!("applying {} as a superuser, as 14.07 did", s.file);
    fail_point!("legacy.each_script");
    tx.batch_execute(&s.sql)
        .await
        .map_err(|e| MergeError::Script {
            file: s.file.clone(),
            reason: pg::describe(&e),
        })?;
    fail_point!("legacy.each_script_applied");
    log::info!(
        "applied {} in {}",
        s.file,
        crate::duration::human(started.elapsed())
    );
    Ok(())
}

/// Run `dump`'s preamble, then its entries in order, in as few round trips
/// as possible: runs of ordinary entries go as one piece of the dump (its
/// exact text); an error's position tells which entry failed. Extensions
/// (superuser only) run alone, outside the owner role.
async fn create_all(tx: &Transaction<'_>, dump: &Dump, owner: &str) -> Result<(), MergeError> {
    tx.batch_execute(dump.preamble())
        .await
        .map_err(|e| pg::query_error("preparing the session for the merge", &e))?;
    let mut rest: &[Entry] = &dump.entries;
    while let Some(first) = rest.first() {
        if first.needs_superuser() {
            let fail = |err: tokio_postgres::Error| MergeError::Object {
                kind: first.kind.clone(),
                name: first.name.clone(),
                reason: pg::describe(&err),
            };
            tx.batch_execute("RESET ROLE").await.map_err(fail)?;
            tx.batch_execute(dump.sql(&rest[..1])).await.map_err(fail)?;
            tx.batch_execute(&format!("SET LOCAL ROLE {}", quote_ident(owner)))
                .await
                .map_err(fail)?;
            rest = &rest[1..];
            continue;
        }
        let n = rest
            .iter()
            .position(Entry::needs_superuser)
            .unwrap_or(rest.len());
        let (group, tail) = rest.split_at(n);
        let text = dump.sql(group);
        if let Err(err) = tx.batch_execute(text).await {
            // PostgreSQL counts the position in characters of the whole string.
            let at = match err.as_db_error().and_then(|d| d.position()) {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => {
                    Some((*p as usize).saturating_sub(1))
                }
                _ => None,
            };
            let base = group[0].range.start;
            let failed = at.map(|at| {
                group
                    .iter()
                    .rposition(|e| dump.text[base..e.range.start].chars().count() <= at)
                    .unwrap_or(0)
            });
            let (kind, name) = match failed {
                Some(i) => (group[i].kind.clone(), group[i].name.clone()),
                None if group.len() == 1 => (group[0].kind.clone(), group[0].name.clone()),
                None => (
                    "objects".to_string(),
                    format!("{} ... {}", group[0].name, group[group.len() - 1].name),
                ),
            };
            return Err(MergeError::Object {
                kind,
                name,
                reason: pg::describe(&err),
            });
        }
        rest = tail;
    }
    Ok(())
}

/// Rows of a table both databases have: add those not already present.
async fn merge_rows(
    tx: &Transaction<'_>,
    source: &Client,
    t: &copy::Table,
    progress: &mut Progress,
    done: u64,
) -> Result<u64, MergeError> {
    let staging = "xivo_manage_db_merge_rows";
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE {staging} (LIKE {}) ON COMMIT DROP",
        t.qualified()
    ))
    .await
    .map_err(|e| pg::query_error(format!("staging the rows of {}", t.qualified()), &e))?;
    let n = copy::copy_table(source, tx, t, Some(staging), progress, done).await?;
    let cols = t
        .columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    tx.batch_execute(&format!(
        "INSERT INTO {q} ({cols}) SELECT {cols} FROM {staging} EXCEPT SELECT {cols} FROM {q}; DROP TABLE {staging}",
        q = t.qualified()
    ))
    .await
    .map_err(|e| MergeError::Object { kind: "TABLE".into(), name: t.qualified(), reason: pg::describe(&e) })?;
    Ok(n)
}

//! `xivo-manage-db replicate SLAVE`: the master's `asterisk` copied into the
//! slave's, every table but those of the exclusion list
//! (`migrations/replication-exclude.txt`), for a high-availability pair.
//!
//! The master is read in one REPEATABLE READ, READ ONLY snapshot; the slave
//! is written in one transaction: checks (same revision, same tables and
//! columns, no foreign key across the exclusion boundary, not the master
//! itself), the copied tables locked and their deferrable indexes dropped
//! (`indexes`), one TRUNCATE of every copied table, the rows streamed with
//! COPY FREEZE between the two connections, each table's indexes built
//! again right after its rows, the master reading ahead into a bounded
//! queue meanwhile (`pipeline`), the copied tables' sequences set to the
//! master's values (never below what a table of the slave's own that draws
//! from the same sequence has used: `sequences`), one COMMIT. The slave is either
//! fully updated or unchanged, whatever stops the run (an error, a signal,
//! SIGKILL: the server rolls back a transaction whose client went away).
//! Only a connection lost during the COMMIT leaves the run unable to tell
//! which from that connection: `commit` asks the slave on a new one, and
//! when that fails too says so (exit 1, "check the slave"), never "rolled
//! back".
//!
//! Must never: write the master, write a dump file anywhere, touch a table
//! of the exclusion list on the slave, or print a password. The tables it
//! touches are exactly the copied ones: every LOCK, TRUNCATE and ALTER names
//! each `ONLY`, so that a table inheriting from a copied one (the slave's
//! own, or an excluded one) is neither locked nor emptied; COPY reads and
//! writes the named table alone.
//!
//! Foreign keys: the load runs with `session_replication_role = replica`
//! (as logical replication does), so the slave checks no foreign key and
//! fires no trigger while the rows arrive, in any table order: the master's
//! snapshot is consistent and every foreign key links two copied tables
//! (one across the boundary is refused before anything is written).

pub(crate) mod catalog;
mod commit;
mod indexes;
mod pipeline;
mod sequences;
pub mod slave;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use tokio_postgres::Client;

use crate::config::Config;
use crate::error::{Error, Left};
use crate::merge::copy::{self, CopyFormat, Table};
use crate::pg::{self, Superuser};
use crate::progress::Progress;
use slave::Slave;

/// What a replication did.
#[derive(Debug)]
pub struct Report {
    pub slave: String,
    pub tables: usize,
    pub rows: u64,
    pub sequences: usize,
    pub excluded: usize,
    pub took: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "replicated {} tables ({} rows) and {} sequences to {} in {}; {} tables excluded",
            self.tables,
            crate::progress::thousands(self.rows),
            self.sequences,
            self.slave,
            crate::duration::human(self.took),
            self.excluded
        )
    }
}

/// Session settings on both sides so that text COPY (used for the tables
/// binary COPY cannot carry) means the same thing on both.
const SESSION_SETTINGS: &str = "SET DateStyle = ISO, YMD; SET IntervalStyle = postgres; \
     SET extra_float_digits = 3; SET bytea_output = hex";

/// Everything the master's snapshot gives.
struct MasterState {
    revision: String,
    tables: Vec<(Table, CopyFormat)>,
    shapes: std::collections::BTreeMap<String, catalog::Shape>,
    excluded: usize,
    sequences: Vec<copy::Sequence>,
    session: (i32, String),
}

/// Replicate the master's database (`admin`, `config.db_name`) to `slave`.
pub async fn replicate(
    config: &Config,
    admin: &Superuser,
    slave: &Slave,
    exclusions: &[String],
) -> Result<Report, Error> {
    replicate_at(config, admin, slave, exclusions, None).await
}

/// `replicate`, the master read in `snapshot` when given (one a logical
/// replication slot exported: `ha enable` starts the subscription exactly
/// where the copy ends; the exporting session must stay open until the
/// master's transaction has begun).
pub async fn replicate_at(
    config: &Config,
    admin: &Superuser,
    slave: &Slave,
    exclusions: &[String],
    snapshot: Option<&str>,
) -> Result<Report, Error> {
    let started = Instant::now();
    let master = admin.connect(&config.db_name).await?;
    let state = read_master(&master, exclusions, snapshot).await?;
    let target = slave.connect().await?;
    let mut target = target;
    let tx = target
        .transaction()
        .await
        .map_err(|e| pg::query_error("starting the transaction on the slave", &e))?;
    check_slave(&tx, &state, slave).await?;
    fail_point!("replicate.after_checks");
    let (rows, sequences) = load(&master, &tx, &state, config.lock_timeout)
        .await
        .map_err(|e| e.during_change(Left::RolledBack))?;
    fail_point!("replicate.before_commit");
    commit::commit(tx, slave).await?;
    fail_point!("replicate.after_commit");
    // The master's snapshot ends with its connection; say so explicitly.
    let _ = master.batch_execute("COMMIT").await;
    Ok(Report {
        slave: slave.host(),
        tables: state.tables.len(),
        rows,
        sequences,
        excluded: state.excluded,
        took: started.elapsed(),
    })
}

/// The master in one snapshot: revision, tables to copy, their shapes, the
/// sequences of the copied tables with their values.
async fn read_master(
    master: &Client,
    exclusions: &[String],
    snapshot: Option<&str>,
) -> Result<MasterState, Error> {
    // SET TRANSACTION SNAPSHOT must come before any query of the transaction.
    let import = snapshot
        .map(|s| format!("SET TRANSACTION SNAPSHOT {}; ", pg::quote_literal(s)))
        .unwrap_or_default();
    master
        .batch_execute(&format!(
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; {import}{SESSION_SETTINGS}"
        ))
        .await
        .map_err(|e| pg::query_error("opening a snapshot of the master", &e))?;
    let revision = catalog::revision(master, "master").await?.ok_or_else(|| {
        Error::Other(
            "the master's database has no alembic_version (a 14.07 database?): \
             run xivo-update-db on the master first"
                .into(),
        )
    })?;
    let session = catalog::session_id(master).await?;
    let all = copy::list_tables(master).await?;
    let shapes = catalog::shapes(master, "master").await?;
    let (excluded, kept): (Vec<Table>, Vec<Table>) = all
        .into_iter()
        .partition(|t| catalog::excluded(t, exclusions));
    let excluded_names: BTreeSet<String> = excluded.iter().map(Table::qualified).collect();
    let tables: Vec<(Table, CopyFormat)> = kept
        .into_iter()
        .map(|t| {
            let f = catalog::format_of(shapes.get(&t.qualified()));
            (t, f)
        })
        .collect();
    // A sequence used by an excluded table stays the slave's own: its
    // excluded table's rows there keep drawing from it.
    let uses = catalog::sequence_uses(master, "master").await?;
    let skip: BTreeSet<&str> = uses
        .iter()
        .filter(|u| u.tables.iter().any(|t| excluded_names.contains(t)))
        .map(|u| u.qualified.as_str())
        .collect();
    // Read after the snapshot was taken: at least the values its rows used.
    let names: Vec<String> = uses
        .iter()
        .filter(|u| !skip.contains(u.qualified.as_str()))
        .map(|u| u.qualified.clone())
        .collect();
    let sequences = catalog::sequence_values(master, &names, "master").await?;
    Ok(MasterState {
        revision,
        tables,
        shapes,
        excluded: excluded.len(),
        sequences,
        session,
    })
}

/// Everything that must hold before the slave is written. Nothing has
/// been written when one fails (exit 2).
async fn check_slave(
    tx: &tokio_postgres::Transaction<'_>,
    state: &MasterState,
    slave: &Slave,
) -> Result<(), Error> {
    let name = slave.describe();
    // Superuser only: refused here, before anything is written.
    tx.batch_execute(&format!(
        "SET LOCAL session_replication_role = replica; {SESSION_SETTINGS}"
    ))
    .await
    .map_err(|e| {
        Error::Other(format!(
            "preparing the slave ({name}) for the copy: {} (connect as a superuser: \
             the role of ADMIN_URI, or the user of the slave URI)",
            pg::describe(&e)
        ))
    })?;
    if catalog::sees_session(tx, &state.session).await? {
        return Err(Error::Other(format!(
            "the slave ({name}) is the master's own database: give the slave's address"
        )));
    }
    match catalog::revision(tx, "slave").await? {
        None => {
            return Err(Error::Other(format!(
                "the slave's database ({name}) has no alembic_version: provision it with \
                 xivo-init-db, or upgrade it with xivo-update-db, first"
            )))
        }
        Some(r) if r != state.revision => {
            return Err(Error::Other(format!(
                "the slave ({name}) is at revision {}, the master at {}: upgrade the one behind \
                 (xivo-update-db) so that both are at the same revision, then replicate",
                if r.is_empty() { "(none)" } else { &r },
                state.revision
            )))
        }
        Some(_) => {}
    }
    let copied: Vec<Table> = state.tables.iter().map(|(t, _)| t.clone()).collect();
    let shapes = catalog::shapes(tx, "slave").await?;
    catalog::check_tables(&copied, &state.shapes, &shapes, &name)?;
    let names: BTreeSet<String> = copied.iter().map(Table::qualified).collect();
    catalog::check_foreign_keys(tx, &names, &name).await?;
    let theirs = catalog::sequence_names(tx).await?;
    if let Some(s) = state
        .sequences
        .iter()
        .find(|s| !theirs.contains(&s.qualified))
    {
        return Err(Error::Other(format!(
            "sequence {} of the master is missing on the slave ({name}): give both the same schema",
            s.qualified
        )));
    }
    Ok(())
}

/// TRUNCATE, COPY, setval: the writes, inside the slave's transaction.
/// Returns the rows and sequences copied.
async fn load(
    master: &Client,
    tx: &tokio_postgres::Transaction<'_>,
    state: &MasterState,
    lock_timeout: Duration,
) -> Result<(u64, usize), Error> {
    let list: Vec<String> = state.tables.iter().map(|(t, _)| t.qualified()).collect();
    let mut deferred = Vec::new();
    if !list.is_empty() {
        // Locked before their indexes are read: nobody changes them until
        // the commit.
        lock_tables(tx, &list, lock_timeout).await?;
        deferred = indexes::deferrable(tx, &list).await?;
        // Dropped before the TRUNCATE, which would otherwise build each of
        // them empty (and fsync it) only to see it dropped.
        indexes::drop_all(tx, &deferred).await?;
        // One statement: foreign keys between copied tables do not stop it.
        tx.batch_execute(&format!("TRUNCATE {}", only(&list)))
            .await
            .map_err(|e| pg::query_error("emptying the replicated tables on the slave", &e))?;
    }
    let estimate: u64 = state.tables.iter().map(|(t, _)| t.estimated_rows).sum();
    let mut progress = Progress::new("replicating to the slave", "rows", estimate);
    indexes::prepare_builds(tx).await?;
    let rows = pipeline::load(master, tx, &state.tables, &deferred, &mut progress).await?;
    progress.finish(rows);
    let copied: BTreeSet<String> = list.iter().cloned().collect();
    let values = sequences::for_slave(tx, &state.sequences, &copied).await?;
    catalog::set_sequences(tx, &values).await?;
    Ok((rows, values.len()))
}

/// `list` as a LOCK or TRUNCATE names it: each table `ONLY`, so that a
/// table inheriting from one (the slave's own, or an excluded one) is
/// neither locked nor emptied. ONLY binds to one name, not to the list.
fn only(list: &[String]) -> String {
    list.iter()
        .map(|t| format!("ONLY {t}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `LOCK TABLE` of the replicated tables on the slave, waiting at most
/// `wait` (LOCK_TIMEOUT) for the slave's own sessions using them (a report,
/// a forgotten psql): past it, an error naming them, and nothing written.
async fn lock_tables(
    tx: &tokio_postgres::Transaction<'_>,
    list: &[String],
    wait: Duration,
) -> Result<(), Error> {
    let what = "locking the replicated tables on the slave";
    // For the whole transaction: once they are locked nothing else waits.
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = '{}ms'; SAVEPOINT xivo_manage_db_lock",
        wait.as_millis().max(1)
    ))
    .await
    .map_err(|e| pg::query_error(what, &e))?;
    let locked = tx
        .batch_execute(&format!(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
            only(list)
        ))
        .await;
    match locked {
        Ok(()) => Ok(()),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
            // Back to before the LOCK, to ask who holds them.
            tx.batch_execute("ROLLBACK TO SAVEPOINT xivo_manage_db_lock")
                .await
                .map_err(|e| pg::query_error(what, &e))?;
            let holders: Option<String> = tx
                .query_one(
                    "SELECT string_agg(DISTINCT format('session pid %s (user %s, application ''%s'', %s)', \
                                       a.pid, a.usename, a.application_name, a.state), ', ') \
                       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                      WHERE l.locktype = 'relation' AND l.granted AND a.pid <> pg_backend_pid() \
                        AND l.relation IN (SELECT to_regclass(t) FROM unnest($1::text[]) t)",
                    &[&list],
                )
                .await
                .map_err(|e| pg::query_error(what, &e))?
                .get(0);
            Err(Error::Other(format!(
                "{what}: waited {} s (LOCK_TIMEOUT) for {}; end those sessions on the slave, \
                 or run the replication again once they are done",
                wait.as_secs(),
                holders.unwrap_or_else(|| "sessions that have ended since".into())
            )))
        }
        Err(e) => Err(pg::query_error(what, &e).into()),
    }
}

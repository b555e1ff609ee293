//! The 14.08 merge: every object and row of the 14.07 `xivo` database moves
//! into `asterisk`, owned by the owner role; then `xivo` and role `xivo` go.
//!
//! One transaction on `asterisk` holds everything the upgrade of a 14.07 host
//! changes there: the remaining `asterisk-NNN` scripts, the objects of `xivo`
//! (DDL from `pg_dump --schema-only`: pre-data, rows by COPY, post-data), the
//! sequence values, the privileges, the remaining `xivo-NNN` scripts (run on
//! the merged tables), every object given to the owner role, the baseline
//! stamp and the first transactional segment of the later versions (the rest
//! runs after the commit, in the graph's order), and a mark on database
//! `xivo` saying it was merged. A failure before the commit leaves
//! `asterisk`, `xivo`, the roles and the state files as they were. What
//! cannot be transactional (dropping `xivo` and its role, removing the state
//! files) runs after the commit in `finish_cleanup`, which only drops a
//! `xivo` carrying the mark, so a run killed after the commit is finished by
//! the next one, never redone.
//!
//! The numbered scripts run as the superuser, with the rights 14.07 gave
//! them (it ran them as postgres, which owns every object of a real 14.07
//! host); the objects of `xivo` are created as the owner role; then
//! `owner.rs` gives whatever is left to the owner role.
//!
//! While the merge runs, `xivo` is closed (`lockout.rs`). Everything read
//! from `xivo` (the tables, their rows, the sequence values, the DDL, the
//! privileges) is read after it was closed, in one snapshot that pg_dump
//! shares, so no row can be copied that a sequence value does not cover.
//!
//! A table name present in both databases: with an identical definition
//! (same columns, types, nullability and defaults, in the same order) the
//! rows of `xivo` are added except those already present; otherwise the
//! merge refuses before any change, naming the table. Any other object name
//! present in both is refused the same way.

mod acl;
mod copy;
mod ddl;
mod lockout;
mod owner;
mod queue_log;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tokio_postgres::{Client, Transaction};

use crate::config::{Config, LEGACY_DB_NAME};
use crate::error::{Error, Left};
use crate::legacy::{self, LegacyScripts, Levels, Script};
use crate::migrations::{self, MigrationSet, Report};
use crate::pg::{self, quote_ident, quote_literal, PgError, Superuser};
use crate::progress::{self, Progress};

use ddl::{Dump, Entry};
pub use lockout::reopen_legacy;

/// The comment the merge puts on database `xivo`, in its transaction.
const MERGED_MARK: &str = "xivo-manage-db: merged into";

/// Why the merge did not happen. Nothing has been changed.
#[derive(Debug)]
pub enum MergeError {
    /// `asterisk` is on the 14.07 system but `xivo` does not exist.
    MissingLegacyDatabase { db: String },
    /// A name exists in both databases with different definitions.
    Conflict { object: String, reason: String },
    /// pg_dump cannot run at all (the client programs missing): found
    /// before anything changes.
    DumpProgram { reason: String },
    /// pg_dump could not dump the schema of `xivo` (after it was closed:
    /// the merge is rolled back).
    Dump { reason: String },
    /// An object of `xivo` could not be created in `asterisk`.
    Object {
        kind: String,
        name: String,
        reason: String,
    },
    /// A numbered script failed.
    Script { file: String, reason: String },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::MissingLegacyDatabase { db } => write!(
                f,
                "database '{db}' is on the 14.07 system but database '{LEGACY_DB_NAME}' does not exist: \
                 restore '{LEGACY_DB_NAME}' from the backup before upgrading; nothing changed"
            ),
            MergeError::Conflict { object, reason } => write!(
                f,
                "cannot merge '{LEGACY_DB_NAME}': {object} {reason}; rename or drop one of them, then retry; nothing changed"
            ),
            MergeError::DumpProgram { reason } => {
                write!(f, "cannot run pg_dump, which the merge needs: {reason}; install the PostgreSQL client of the server's version; nothing changed")
            }
            MergeError::Dump { reason } => {
                write!(f, "cannot read the schema of database '{LEGACY_DB_NAME}' with pg_dump: {reason}")
            }
            MergeError::Object { kind, name, reason } => write!(
                f,
                "cannot move {} {name} of '{LEGACY_DB_NAME}': {reason}; the merge was rolled back, nothing changed",
                kind.to_lowercase()
            ),
            MergeError::Script { file, reason } => {
                write!(f, "{file} failed: {reason}; the upgrade was rolled back, nothing changed")
            }
        }
    }
}

impl std::error::Error for MergeError {}

/// What the comparison of both databases decided, before `xivo` is closed.
struct Compared {
    /// Tables present in both with the same definition: rows are merged.
    identical: BTreeSet<String>,
    /// Sequences of the identical tables, present on both sides.
    shared_sequences: BTreeSet<String>,
    asterisk_scripts: Vec<Script>,
    xivo_scripts: Vec<Script>,
    queue_log: Option<queue_log::Estimate>,
    /// Tables of `xivo` when compared, for the log.
    tables: usize,
}

/// Everything the merge moves, read from `xivo` once it is closed, in the
/// snapshot of `source`'s open transaction.
struct Plan {
    compared: Compared,
    /// The exported snapshot, for pg_dump.
    snapshot: String,
    tables: Vec<copy::Table>,
    sequences: Vec<copy::Sequence>,
    matviews: Vec<String>,
    grants: Vec<String>,
}

/// The DDL of `xivo`: before the rows, after the rows.
struct Schema {
    pre_data: Dump,
    post_data: Dump,
}

/// Upgrade a 14.07 host to head: remaining asterisk scripts, the merge,
/// remaining xivo scripts, baseline stamp and the first transactional
/// segment of the versions, in one transaction; then the cleanup and the
/// other versions. The caller holds the run lock and has validated `levels`.
pub async fn upgrade_legacy(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
    scripts: &LegacyScripts,
    levels: Levels,
) -> Result<Report, Error> {
    let db = &config.db_name;
    let started = Instant::now();
    let postgres = admin.connect("postgres").await?;
    if !pg::database_exists(&postgres, LEGACY_DB_NAME).await? {
        return Err(MergeError::MissingLegacyDatabase { db: db.clone() }.into());
    }
    let mut target = admin.connect(db).await?;
    let source = admin.connect(LEGACY_DB_NAME).await?;
    let monitor = admin.connect(db).await?;
    for c in [&target, &source, &monitor] {
        lockout::tag(c).await?;
    }
    let step = Instant::now();
    let compared = compare(&target, &source, &monitor, scripts, levels).await?;
    log::info!(
        "compared the objects of both databases in {:.2} s",
        step.elapsed().as_secs_f64()
    );
    log::info!(
        "upgrading the 14.07 host: asterisk {} -> {}, xivo {} -> {}, merging {} tables of '{LEGACY_DB_NAME}' into '{db}'",
        levels.asterisk,
        scripts.asterisk.last(),
        levels.xivo,
        scripts.xivo.last(),
        compared.tables
    );
    if let Some(e) = &compared.queue_log {
        queue_log::announce(e);
    }
    // pg_dump runs after xivo is closed: make sure it can run at all first.
    let pg_dump = dump_program(admin, &postgres).await?;
    let step = Instant::now();
    // From here on the databases change: a failure is 1, never "nothing attempted".
    let before = lockout::close(config, &postgres, &source)
        .await
        .map_err(|e| e.during_change(Left::Unfinished))?;
    log::info!(
        "closed '{LEGACY_DB_NAME}' to new connections in {:.2} s",
        step.elapsed().as_secs_f64()
    );
    let mut report = Report::default();
    let outcome = async {
        let plan = read_source(&source, compared, &config.db_owner).await?;
        let schema = dump_schema(admin, &pg_dump, &plan).await?;
        merge_in_transaction(
            config,
            set,
            &mut target,
            &source,
            &monitor,
            &plan,
            &schema,
            &mut report,
        )
        .await
    }
    .await;
    if let Err(e) = outcome {
        lockout::restore(config, &postgres, before).await;
        return Err(e.during_change(Left::RolledBack));
    }
    lockout::forget(config);
    log::info!(
        "merge committed in {:.1} s: '{db}' is at {}",
        started.elapsed().as_secs_f64(),
        migrations::current_revisions(&target)
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
            .join(", ")
    );
    drop(source);
    drop(monitor);
    drop(postgres);
    finish_cleanup(config, admin)
        .await
        .map_err(|e| e.during_change(Left::Unfinished))?;
    // The versions after the first transactional segment, in order.
    migrations::run(&mut target, set, &config.db_owner, report)
        .await
        .map_err(|e| Error::from(e).during_change(Left::Unfinished))
}

/// End what an interrupted merge left running (its sessions, so that the
/// server rolls their work back now), then reopen `xivo`. For a command
/// that caught SIGINT or SIGTERM; the caller still holds the run lock.
pub async fn stop_interrupted(config: &Config, admin: &Superuser) -> Result<(), Error> {
    let postgres = admin.connect("postgres").await?;
    lockout::end_own_sessions(&postgres).await?;
    reopen_legacy(config, &postgres).await
}

/// Compare both databases (read-only; `xivo` still open): conflicts are
/// refused here, before anything changes.
async fn compare(
    target: &Client,
    source: &Client,
    monitor: &Client,
    scripts: &LegacyScripts,
    levels: Levels,
) -> Result<Compared, Error> {
    let tables = copy::list_tables(source).await?;
    let target_tables = copy::list_tables(target).await?;
    let target_names: BTreeSet<String> = target_tables.iter().map(|t| t.qualified()).collect();
    let mut identical = BTreeSet::new();
    for t in &tables {
        if target_names.contains(&t.qualified()) {
            let (a, b) = (definition(target, t).await?, definition(source, t).await?);
            if a != b {
                return Err(MergeError::Conflict {
                    object: format!("table {}", t.qualified()),
                    reason: "exists in both databases with different definitions".into(),
                }
                .into());
            }
            log::info!(
                "table {} exists in both databases with the same definition: its rows are merged",
                t.qualified()
            );
            identical.insert(t.qualified());
        }
    }
    let ours = objects(target).await?;
    let theirs = objects(source).await?;
    let mut shared_sequences = BTreeSet::new();
    for (name, (kind, owner_table)) in &theirs {
        if identical.contains(owner_table) {
            if kind == "sequence" && ours.contains_key(name) {
                shared_sequences.insert(name.clone());
            }
            continue;
        }
        if ours.contains_key(name) {
            return Err(MergeError::Conflict {
                object: format!("{kind} {name}"),
                reason: "exists in both databases".into(),
            }
            .into());
        }
    }
    let asterisk_scripts: Vec<Script> = scripts
        .asterisk
        .after(levels.asterisk)
        .into_iter()
        .cloned()
        .collect();
    let queue_log = if !asterisk_scripts.is_empty() && queue_log::needs_id(monitor).await? {
        Some(queue_log::estimate(monitor).await?)
    } else {
        None
    };
    Ok(Compared {
        identical,
        shared_sequences,
        asterisk_scripts,
        xivo_scripts: scripts
            .xivo
            .after(levels.xivo)
            .into_iter()
            .cloned()
            .collect(),
        queue_log,
        tables: tables.len(),
    })
}

/// Open the snapshot everything is read from (`xivo` is closed by now, so
/// the sequence values read here are at or past every row of it), export it
/// for pg_dump, and read the tables, sequences and privileges in it.
async fn read_source(source: &Client, compared: Compared, owner: &str) -> Result<Plan, Error> {
    let snapshot: String = source
        .simple_query(
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SELECT pg_export_snapshot()",
        )
        .await
        .map_err(|e| pg::query_error(format!("opening a snapshot of '{LEGACY_DB_NAME}'"), &e))?
        .into_iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(String::from),
            _ => None,
        })
        .ok_or_else(|| {
            Error::Other(format!(
                "opening a snapshot of '{LEGACY_DB_NAME}': no snapshot id returned"
            ))
        })?;
    let matviews = source
        .query(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(matviewname) FROM pg_matviews WHERE ispopulated ORDER BY 1",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("listing materialized views", &e))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let skip: BTreeSet<String> = compared
        .identical
        .iter()
        .chain(compared.shared_sequences.iter())
        .cloned()
        .collect();
    Ok(Plan {
        snapshot,
        tables: copy::list_tables(source).await?,
        sequences: copy::list_sequences(source).await?,
        matviews,
        grants: acl::statements(source, owner, &skip).await?,
        compared,
    })
}

/// Columns, types, nullability and defaults of a table, in order.
async fn definition(client: &Client, t: &copy::Table) -> Result<Vec<String>, PgError> {
    let rows = client
        .query(
            "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END \
                    || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') \
               FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
              WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&t.qualified()],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the definition of {}", t.qualified()), &e))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Every named object of the user schemas: name -> (kind, table it belongs to).
async fn objects(client: &Client) -> Result<BTreeMap<String, (String, String)>, PgError> {
    let rows = client
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), \
                    CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'i' THEN 'index' \
                         WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' \
                         WHEN 'c' THEN 'type' WHEN 'f' THEN 'foreign table' ELSE 'relation' END, \
                    quote_ident(n.nspname) || '.' || quote_ident(coalesce( \
                      (SELECT t.relname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = c.oid), \
                      (SELECT t.relname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid \
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1), \
                      c.relname)) \
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
                AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind <> 't' \
             UNION ALL \
             SELECT quote_ident(n.nspname) || '.' || quote_ident(t.typname), 'type', '' \
               FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
              WHERE t.typtype IN ('b', 'd', 'e', 'r', 'm') AND t.typcategory <> 'A' \
                AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
             UNION ALL \
             SELECT quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')', \
                    'function', '' \
               FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("listing the objects of both databases", &e))?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect())
}

/// The pg_dump matching the server, checked to run (`--version`): Debian's
/// `/usr/bin/pg_dump` is a wrapper that fails when no client is installed.
async fn dump_program(admin: &Superuser, postgres: &Client) -> Result<PathBuf, Error> {
    let major = pg::server_major(postgres).await?;
    let program = pg::client_program("pg_dump", major).map_err(|e| MergeError::DumpProgram {
        reason: e.to_string(),
    })?;
    let out = admin
        .client_command(&program, LEGACY_DB_NAME)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| MergeError::DumpProgram {
            reason: format!("cannot run {}: {e}", program.display()),
        })?;
    if !out.status.success() {
        let reason = String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("failed")
            .to_string();
        return Err(MergeError::DumpProgram {
            reason: format!("{}: {}", program.display(), crate::logging::mask(&reason)),
        }
        .into());
    }
    Ok(program)
}

/// `pg_dump --schema-only` of `xivo`, one run per section, in the merge's
/// snapshot; no owners, no privileges (`owner.rs`, `acl.rs` deal with
/// those); tables merged row-wise excluded.
async fn dump_schema(admin: &Superuser, program: &Path, plan: &Plan) -> Result<Schema, Error> {
    let started = Instant::now();
    let mut sections = Vec::with_capacity(2);
    for section in ["pre-data", "post-data"] {
        let mut cmd = admin.client_command(program, LEGACY_DB_NAME);
        cmd.args([
            "--schema-only",
            "--no-owner",
            "--no-acl",
            "--no-tablespaces",
            "--no-publications",
            "--no-subscriptions",
            "--no-security-labels",
        ])
        .arg(format!("--section={section}"))
        .arg(format!("--snapshot={}", plan.snapshot));
        // --exclude-table also matches sequences; pg_dump keeps a serial's
        // sequence even when its table is excluded.
        for t in plan
            .compared
            .identical
            .iter()
            .chain(plan.compared.shared_sequences.iter())
        {
            cmd.arg(format!("--exclude-table={t}"));
        }
        let out = cmd
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| MergeError::Dump {
                reason: format!("cannot run {}: {e}", program.display()),
            })?;
        if !out.status.success() {
            let reason = String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("failed")
                .to_string();
            return Err(MergeError::Dump {
                reason: crate::logging::mask(&reason),
            }
            .into());
        }
        let text = String::from_utf8(out.stdout).map_err(|_| MergeError::Dump {
            reason: "output is not UTF-8".into(),
        })?;
        sections.push(ddl::parse(&text).map_err(|reason| MergeError::Dump { reason })?);
    }
    let post_data = sections.pop().unwrap_or_default();
    let pre_data = sections.pop().unwrap_or_default();
    log::info!(
        "read the schema of '{LEGACY_DB_NAME}' ({} objects) in {:.2} s",
        pre_data.entries.len() + post_data.entries.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(Schema {
        pre_data,
        post_data,
    })
}

/// A numbered script, as the superuser (14.07 ran them as postgres).
async fn run_script(tx: &Transaction<'_>, s: &Script) -> Result<(), Error> {
    let started = Instant::now();
    log::info!("applying {} as a superuser, as 14.07 did", s.file);
    tx.batch_execute(&s.sql)
        .await
        .map_err(|e| MergeError::Script {
            file: s.file.clone(),
            reason: pg::describe(&e),
        })?;
    log::info!(
        "applied {} in {:.2} s",
        s.file,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Run `dump`'s preamble, then its entries in order, in as few round trips
/// as possible: runs of ordinary entries go as one piece of the dump (its
/// exact text); an error's position tells which entry failed. Extensions
/// (superuser only) run alone, outside the owner role.
async fn create_all(tx: &Transaction<'_>, dump: &Dump, owner: &str) -> Result<(), Error> {
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
            }
            .into());
        }
        rest = tail;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn merge_in_transaction(
    config: &Config,
    set: &MigrationSet,
    target: &mut Client,
    source: &Client,
    monitor: &Client,
    plan: &Plan,
    schema: &Schema,
    report: &mut Report,
) -> Result<(), Error> {
    let owner = &config.db_owner;
    let compared = &plan.compared;
    // As the superuser; the objects of xivo are created as the owner (2.).
    let tx = target
        .transaction()
        .await
        .map_err(|e| pg::query_error("starting a transaction", &e))?;

    // 0. The owner role owns the database and what is in it (on a real
    // 14.07 host, postgres does).
    owner::prepare(&tx, config).await?;
    owner::take_all(&tx, owner).await?;

    // 1. The remaining asterisk-NNN scripts, watched when queue_log is rewritten.
    for s in &compared.asterisk_scripts {
        match compared.queue_log {
            Some(estimate) => {
                let run = run_script(&tx, s);
                tokio::pin!(run);
                let watch = queue_log::watch(monitor, estimate);
                tokio::pin!(watch);
                tokio::select! {
                    r = &mut run => r?,
                    _ = &mut watch => (&mut run).await?,
                }
            }
            None => run_script(&tx, s).await?,
        }
    }
    tx.batch_execute(&format!("SET LOCAL ROLE {}", quote_ident(owner)))
        .await
        .map_err(|e| pg::query_error(format!("switching to role {owner}"), &e))?;

    // 2. The objects of xivo, rows, sequences, then indexes and constraints.
    let started = Instant::now();
    create_all(&tx, &schema.pre_data, owner).await?;
    log::info!(
        "created {} tables, types, functions and views in {:.2} s",
        schema.pre_data.entries.len(),
        started.elapsed().as_secs_f64()
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
        rows += if compared.identical.contains(&t.qualified()) {
            merge_rows(&tx, source, t, &mut progress, rows).await?
        } else {
            copy::copy_table(source, &tx, t, None, &mut progress, rows).await?
        };
    }
    progress.finish(rows);
    log::info!(
        "copied {} rows in {:.2} s",
        progress::thousands(rows),
        step.elapsed().as_secs_f64()
    );
    for s in &plan.sequences {
        copy::set_sequence(&tx, s, compared.shared_sequences.contains(&s.qualified)).await?;
    }
    let step = Instant::now();
    create_all(&tx, &schema.post_data, owner).await?;
    log::info!(
        "built {} indexes, constraints and triggers in {:.2} s",
        schema.post_data.entries.len(),
        step.elapsed().as_secs_f64()
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
        tx.batch_execute(g).await.map_err(|e| {
            pg::query_error(
                format!("carrying over a privilege of '{LEGACY_DB_NAME}' ({g})"),
                &e,
            )
        })?;
    }
    log::info!(
        "moved {} tables ({} rows), {} sequences and {} privileges of '{LEGACY_DB_NAME}' in {:.1} s",
        plan.tables.len(),
        progress::thousands(rows),
        plan.sequences.len(),
        plan.grants.len(),
        started.elapsed().as_secs_f64()
    );

    // 3. The remaining xivo-NNN scripts, on the merged tables; then what
    // they created as the superuser goes to the owner too.
    for s in &compared.xivo_scripts {
        run_script(&tx, s).await?;
    }
    owner::take_all(&tx, owner).await?;

    // 4. The mark that lets a later run finish the cleanup, never redo the merge.
    tx.batch_execute(&format!(
        "RESET ROLE; COMMENT ON DATABASE {} IS {}; SET LOCAL ROLE {}",
        quote_ident(LEGACY_DB_NAME),
        quote_literal(&format!("{MERGED_MARK} {}", config.db_name)),
        quote_ident(owner)
    ))
    .await
    .map_err(|e| pg::query_error(format!("marking '{LEGACY_DB_NAME}' as merged"), &e))?;

    // 5. The new system: stamp the baseline, apply the first transactional
    // segment of the versions (the rest runs after the commit, in order).
    migrations::stamp(&tx, set, set.baseline()).await?;
    let staged = migrations::run_in_transaction(&tx, set, report).await?;
    tx.commit()
        .await
        .map_err(|e| pg::query_error("committing the upgrade", &e))?;
    report.applied.extend(staged);
    Ok(())
}

/// Rows of a table both databases have: add those not already present.
async fn merge_rows(
    tx: &Transaction<'_>,
    source: &Client,
    t: &copy::Table,
    progress: &mut Progress,
    done: u64,
) -> Result<u64, Error> {
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

/// Finish a merge that committed: drop database `xivo` (only if it carries
/// the merge's mark), then role `xivo` (kept, with a warning, while anything
/// such as a rollback snapshot still depends on it), then the 14.07 state
/// files. Does nothing unless `DB_NAME` is on the new system. Idempotent.
pub async fn finish_cleanup(config: &Config, admin: &Superuser) -> Result<(), Error> {
    let postgres = admin.connect("postgres").await?;
    if !pg::database_exists(&postgres, &config.db_name).await? {
        return Ok(());
    }
    {
        let client = admin.connect(&config.db_name).await?;
        if migrations::current_revisions(&client).await?.is_none() {
            return Ok(());
        }
    }
    let row = postgres
        .query_opt("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = $1", &[
            &LEGACY_DB_NAME,
        ])
        .await
        .map_err(|e| pg::query_error(format!("looking up database '{LEGACY_DB_NAME}'"), &e))?;
    if let Some(r) = row {
        let comment: String = r.get(0);
        if comment.starts_with(MERGED_MARK) {
            let step = Instant::now();
            postgres
                .batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(LEGACY_DB_NAME)
                ))
                .await
                .map_err(|e| {
                    pg::query_error(
                        format!("dropping the merged database '{LEGACY_DB_NAME}'"),
                        &e,
                    )
                })?;
            log::info!(
                "dropped database '{LEGACY_DB_NAME}' (merged into '{}') in {:.2} s",
                config.db_name,
                step.elapsed().as_secs_f64()
            );
        } else {
            log::warn!(
                "database '{LEGACY_DB_NAME}' exists but was not merged by this tool: kept; drop it by hand once you no longer need it"
            );
        }
    }
    let legacy_db_left = pg::database_exists(&postgres, LEGACY_DB_NAME).await?;
    if !legacy_db_left
        && pg::role_exists(&postgres, LEGACY_DB_NAME).await?
        && LEGACY_DB_NAME != config.db_owner
    {
        match postgres.batch_execute(&format!("DROP ROLE {}", quote_ident(LEGACY_DB_NAME))).await {
            Ok(()) => log::info!("dropped role '{LEGACY_DB_NAME}'"),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DEPENDENT_OBJECTS_STILL_EXIST) => log::info!(
                "role '{LEGACY_DB_NAME}' still owns objects elsewhere (a rollback snapshot?): kept until they are gone"
            ),
            Err(e) => return Err(pg::query_error(format!("dropping role '{LEGACY_DB_NAME}'"), &e).into()),
        }
    }
    if legacy::state_files_present(config) {
        legacy::remove_state_files(config)?;
    }
    Ok(())
}

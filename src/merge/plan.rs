//! What the merge will do, decided before anything changes (`compare`:
//! conflicts refused, the numbered scripts chosen, queue_log's rewrite
//! estimated) and read once `xivo` is closed (`read`: tables, sequences,
//! materialized views, privileges, in one snapshot that pg_dump shares; and
//! the DDL, pg_dump's pre-data and post-data sections).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tokio_postgres::Client;

use super::ddl::{self, Dump};
use super::{acl, copy, queue_log, MergeError};
use crate::config::LEGACY_DB_NAME;
use crate::legacy::{LegacyScripts, Levels, Script};
use crate::pg::{self, PgError, Superuser};

/// What the comparison of both databases decided, before `xivo` is closed.
#[derive(Default)]
pub struct Compared {
    /// Tables present in both with the same definition: rows are merged.
    pub identical: BTreeSet<String>,
    /// Sequences of the identical tables, present on both sides.
    pub shared_sequences: BTreeSet<String>,
    pub asterisk_scripts: Vec<Script>,
    pub xivo_scripts: Vec<Script>,
    pub queue_log: Option<queue_log::Estimate>,
    /// Tables of `xivo` when compared, for the log.
    pub tables: usize,
}

/// Everything the merge moves, read from `xivo` once it is closed, in the
/// snapshot of `source`'s open transaction.
pub struct Plan {
    pub compared: Compared,
    pub tables: Vec<copy::Table>,
    pub sequences: Vec<copy::Sequence>,
    pub matviews: Vec<String>,
    pub grants: Vec<String>,
}

/// The DDL of `xivo`: before the rows, after the rows.
pub struct Schema {
    pub pre_data: Dump,
    pub post_data: Dump,
}

/// Compare both databases (read-only; `xivo` still open): conflicts are
/// refused here, before anything changes.
pub async fn compare(
    target: &Client,
    source: &Client,
    scripts: &LegacyScripts,
    levels: Levels,
) -> Result<Compared, MergeError> {
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
                });
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
            });
        }
    }
    let asterisk_scripts: Vec<Script> = scripts
        .asterisk
        .after(levels.asterisk)
        .into_iter()
        .cloned()
        .collect();
    if asterisk_scripts.iter().any(|s| s.number == 163) {
        conference_keys_fit(target).await?;
    }
    let queue_log = if !asterisk_scripts.is_empty() && queue_log::needs_id(target).await? {
        Some(queue_log::estimate(target).await?)
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

/// asterisk-163 maps each user's conference keys to the room's one function
/// key, and a user's template holds a function key once
/// (func_key_mapping's key): two keys of a user on one room would stop it
/// with a duplicate key, upstream's script too. Refused here instead, naming
/// the keys to remove.
async fn conference_keys_fit(target: &Client) -> Result<(), MergeError> {
    let rows = target
        .query(
            "SELECT u.id, trim(coalesce(u.firstname, '') || ' ' || coalesce(u.lastname, '')), \
                    m.id, m.name, array_agg(k.fknum::integer ORDER BY k.fknum) \
               FROM phonefunckey k \
               JOIN userfeatures u ON u.id = k.iduserfeatures \
               JOIN meetmefeatures m \
                 ON m.id = CASE WHEN k.typevalextenumbersright ~ '^[0-9]{1,9}$' \
                                THEN k.typevalextenumbersright::integer END \
              WHERE k.typeextenumbersright = 'meetme' \
              GROUP BY u.id, m.id HAVING count(*) > 1 ORDER BY u.id, m.id",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading the users' conference keys", &e))?;
    if rows.is_empty() {
        return Ok(());
    }
    let keys = rows
        .iter()
        .map(|r| {
            let positions: Vec<i32> = r.get(4);
            format!(
                "user {} ({}) has {} conference keys on room {} ({}), at positions {}",
                r.get::<_, i32>(0),
                r.get::<_, String>(1),
                positions.len(),
                r.get::<_, i32>(2),
                r.get::<_, String>(3),
                and_list(&positions)
            )
        })
        .collect();
    Err(MergeError::ConferenceKeys { keys })
}

/// `1, 2 and 3`.
fn and_list(items: &[i32]) -> String {
    let text: Vec<String> = items.iter().map(i32::to_string).collect();
    match text.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => text.concat(),
    }
}

/// Open the snapshot everything is read from (`xivo` is closed by now, so
/// the sequence values read here are at or past every row of it) and
/// export it, for pg_dump. The transaction stays open on `source` until the
/// merge ends.
pub async fn open_snapshot(source: &Client) -> Result<String, MergeError> {
    let snapshot = source
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
        .ok_or_else(|| PgError::Query {
            what: format!("opening a snapshot of '{LEGACY_DB_NAME}'"),
            reason: "no snapshot id returned".into(),
        })?;
    Ok(snapshot)
}

/// Read the tables, sequences, materialized views and privileges of `xivo`
/// in the snapshot `open_snapshot` opened on `source`.
pub async fn read_source(
    source: &Client,
    compared: Compared,
    owner: &str,
) -> Result<Plan, MergeError> {
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
pub async fn dump_program(admin: &Superuser, postgres: &Client) -> Result<PathBuf, MergeError> {
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
        return Err(MergeError::DumpProgram {
            reason: format!("{}: {}", program.display(), last_error_line(&out)),
        });
    }
    Ok(program)
}

/// `pg_dump --schema-only` of `xivo`, one run per section, started at once
/// in the merge's snapshot and running while the catalog is read; no
/// owners, no privileges (`owner.rs`, `acl.rs` deal with those); tables
/// merged row-wise excluded.
pub fn start_dump(
    admin: &Superuser,
    program: &Path,
    source_db: &str,
    compared: &Compared,
    snapshot: &str,
) -> DumpJob {
    let started = Instant::now();
    let sections = ["pre-data", "post-data"].map(|section| {
        let mut cmd = admin.client_command(program, source_db);
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
        .arg(format!("--snapshot={snapshot}"))
        .stdin(std::process::Stdio::null());
        // --exclude-table also matches sequences; pg_dump keeps a serial's
        // sequence even when its table is excluded.
        for t in compared
            .identical
            .iter()
            .chain(compared.shared_sequences.iter())
        {
            cmd.arg(format!("--exclude-table={t}"));
        }
        let program = program.to_path_buf();
        // A thread each: `output()` reads stdout and stderr to the end, so
        // neither pg_dump ever waits on a full pipe while we read the catalog.
        std::thread::spawn(move || run_dump(cmd, &program))
    });
    DumpJob { sections, started }
}

/// The two pg_dump runs `start_dump` started.
pub struct DumpJob {
    sections: [std::thread::JoinHandle<Result<Dump, MergeError>>; 2],
    started: Instant,
}

impl DumpJob {
    /// Wait for both sections.
    pub fn finish(self) -> Result<Schema, MergeError> {
        let [pre, post] = self.sections.map(|h| {
            h.join().unwrap_or_else(|_| {
                Err(MergeError::Dump {
                    reason: "the thread running pg_dump died".into(),
                })
            })
        });
        let (pre_data, post_data) = (pre?, post?);
        log::info!(
            "read the schema of '{LEGACY_DB_NAME}' ({} objects) in {}",
            pre_data.entries.len() + post_data.entries.len(),
            crate::duration::human(self.started.elapsed())
        );
        Ok(Schema {
            pre_data,
            post_data,
        })
    }
}

fn run_dump(mut cmd: std::process::Command, program: &Path) -> Result<Dump, MergeError> {
    let out = cmd.output().map_err(|e| MergeError::Dump {
        reason: format!("cannot run {}: {e}", program.display()),
    })?;
    if !out.status.success() {
        return Err(MergeError::Dump {
            reason: last_error_line(&out),
        });
    }
    let text = String::from_utf8(out.stdout).map_err(|_| MergeError::Dump {
        reason: "output is not UTF-8".into(),
    })?;
    ddl::parse(&text).map_err(|reason| MergeError::Dump { reason })
}

/// The last line pg_dump wrote on stderr (its error), masked.
fn last_error_line(out: &std::process::Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    crate::secrets::mask(text.lines().last().unwrap_or("failed"))
}

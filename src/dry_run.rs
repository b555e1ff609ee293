//! `xivo-update-db --dry-run [--sql]`: what `xivo-update-db` would do,
//! decided from where the database stands (`standing`) as the upgrade
//! decides it, and nothing done: no lock, no history table, no write (the
//! queue_log rewrite is timed on a sample in a transaction rolled back, as
//! `queue-log stats` does). Exit 0 when nothing is pending, 1 when something
//! is.
//!
//! It says: the 14.07 steps (the scripts after the state files' levels, the
//! merge of `xivo`, the queue_log rewrite and its estimated time), the
//! migrations' segments in order (non-transactional ones marked), and the
//! size of the snapshot the maintainer scripts take first. `--sql` prints
//! the SQL that would run instead, file by file.

use std::fmt::Write as _;

use tokio_postgres::Client;

use crate::config::{Config, LEGACY_DB_NAME};
use crate::error::Error;
use crate::legacy::LegacyScripts;
use crate::merge::queue_log as merge_queue_log;
use crate::migrations::{MigrationSet, Plan, Segment};
use crate::pg::{self, Superuser};
use crate::progress;
use crate::snapshot::space::mib;
use crate::standing::{self, Standing};

/// The report (or the SQL) and the exit code.
pub async fn dry_run(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
    sql: bool,
) -> Result<(String, u8), Error> {
    let db = &config.db_name;
    let target = standing::connect(admin, db).await?;
    let standing = standing::classify(target.as_ref(), db, set).await?;
    let mut out = String::new();
    let mut sql_out = String::new();
    let none = std::collections::BTreeSet::new();
    let legacy = matches!(standing, Standing::Legacy);
    let plan: Plan = match standing {
        Standing::Versioned { plan, current, .. } => {
            if plan.is_empty() {
                let _ = writeln!(
                    out,
                    "nothing to do: database '{db}' is at head ({})",
                    current.join(", ")
                );
                pending_lines(config, &mut out);
                return Ok((if sql { String::new() } else { out }, 0));
            }
            let _ = writeln!(
                out,
                "database '{db}' is at {}; head is {}",
                current.join(", "),
                set.head()
            );
            plan
        }
        Standing::Missing | Standing::Empty => {
            let _ = writeln!(
                out,
                "database '{db}' {}: it would be provisioned (owner role '{}' if absent, the database, the baseline and every version)",
                if matches!(standing, Standing::Missing) {
                    "does not exist"
                } else {
                    "is empty"
                },
                config.db_owner
            );
            set.plan(&[], &none)?
        }
        Standing::Legacy => {
            let client = target.as_ref().ok_or_else(|| {
                Error::Other(format!("database '{db}' went away while it was read"))
            })?;
            legacy_steps(config, client, &mut out, &mut sql_out).await?;
            // The merge leaves the database at the baseline.
            set.plan(&[set.baseline().revision().to_string()], &none)?
        }
    };
    segments(&plan, &mut out, &mut sql_out);
    if !legacy {
        let _ = writeln!(
            out,
            "estimated time: not known in advance (only the 14.07 queue_log rewrite is estimated)"
        );
    }
    snapshot_size(config, admin, &mut out).await?;
    pending_lines(config, &mut out);
    let _ = writeln!(out, "nothing was changed (dry run)");
    Ok((if sql { sql_out } else { out }, 1))
}

/// The 14.07 steps: scripts after the levels, the merge, the queue_log rewrite.
async fn legacy_steps(
    config: &Config,
    client: &Client,
    out: &mut String,
    sql: &mut String,
) -> Result<(), Error> {
    let db = &config.db_name;
    let scripts = LegacyScripts::load(config)?;
    let levels = scripts.read_levels(config)?;
    let _ = writeln!(
        out,
        "database '{db}' is a XiVO 14.07 system (levels asterisk {}, xivo {}): it would be upgraded in one transaction:",
        levels.asterisk, levels.xivo
    );
    for (db_scripts, level) in [
        (&scripts.asterisk, levels.asterisk),
        (&scripts.xivo, levels.xivo),
    ] {
        let after = db_scripts.after(level);
        let names: Vec<&str> = after.iter().map(|s| s.file.as_str()).collect();
        let _ = writeln!(
            out,
            "  the 14.07 scripts of '{}': {}",
            db_scripts.prefix,
            if names.is_empty() {
                "none left".to_string()
            } else {
                names.join(", ")
            }
        );
        for s in after {
            let _ = writeln!(
                sql,
                "-- {} (on database '{}')\n{}",
                s.file, db_scripts.prefix, s.sql
            );
        }
    }
    let _ = writeln!(
        out,
        "  the merge of database '{LEGACY_DB_NAME}' into '{db}' (its tables copied, then '{LEGACY_DB_NAME}' dropped)"
    );
    let _ = writeln!(
        sql,
        "-- the merge of '{LEGACY_DB_NAME}' into '{db}': made by the program (each table copied), no SQL file"
    );
    if merge_queue_log::needs_id(client).await? {
        let e = merge_queue_log::estimate(client).await?;
        let _ = writeln!(
            out,
            "  queue_log's id column: a rewrite of about {} rows",
            progress::thousands(e.rows)
        );
        let _ = writeln!(
            out,
            "estimated time: {}",
            match e.seconds() {
                Some(s) => format!(
                    "about {} for the queue_log rewrite (measured on a sample on this host), the rest is quick",
                    progress::duration(s)
                ),
                None => "quick (queue_log is small)".to_string(),
            }
        );
    } else {
        let _ = writeln!(
            out,
            "estimated time: quick (queue_log already has its id column)"
        );
    }
    Ok(())
}

/// The segments in order, each migration on a line; the SQL file by file.
fn segments(plan: &Plan, out: &mut String, sql: &mut String) {
    let _ = writeln!(
        out,
        "{} migration(s) in {} segment(s), in order:",
        plan.len(),
        plan.segments.len()
    );
    for (i, s) in plan.segments.iter().enumerate() {
        let kind = match s {
            Segment::Transaction(_) => "one transaction",
            Segment::Alone(_) => "non-transactional, alone",
        };
        let _ = writeln!(out, "  segment {} ({kind}):", i + 1);
        for m in s.migrations() {
            let _ = writeln!(out, "    {}  {}", m.revision(), m.message());
            let _ = writeln!(
                sql,
                "-- {} ({}){}\n{}",
                m.revision(),
                m.file(),
                if m.transactional() {
                    ""
                } else {
                    ", non-transactional"
                },
                m.sql()
            );
        }
    }
}

/// The snapshot preinst takes before an upgrade: the databases' sizes.
async fn snapshot_size(config: &Config, admin: &Superuser, out: &mut String) -> Result<(), Error> {
    let postgres = admin.connect("postgres").await?;
    let dbs = crate::snapshot::databases(&postgres, config).await?;
    if dbs.is_empty() {
        return Ok(());
    }
    let mut total = 0u64;
    let mut parts = Vec::new();
    for d in &dbs {
        let size: i64 = postgres
            .query_one("SELECT pg_database_size($1)", &[d])
            .await
            .map_err(|e| pg::query_error(format!("sizing database '{d}'"), &e))?
            .get(0);
        let size = size.max(0) as u64;
        total += size;
        parts.push(format!("'{d}' {}", mib(size)));
    }
    let _ = writeln!(
        out,
        "snapshot the maintainer scripts take first (a package upgrade): {} ({})",
        mib(total),
        parts.join(", ")
    );
    Ok(())
}

/// A record left by a hook or a restore: the real run would settle or refuse.
fn pending_lines(config: &Config, out: &mut String) {
    for p in crate::pending::summary(config) {
        let _ = writeln!(out, "pending: {p}");
    }
}

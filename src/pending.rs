//! Work left pending by the package, and the one policy every command that
//! writes the database obeys while it is: `xivo-manage-db rollback
//! status|finish|discard` for a snapshot a hook left, and `refuse_writes`.
//!
//! The policy: a snapshot record in any phase, or the record of a restore
//! that died, blocks every command of the administrator that writes the
//! database (`xivo-update-db`, `xivo-init-db --init|--drop`, `queue-log
//! prune|prepare`, `restore`, and `replicate`, which writes the slave but
//! would give it a master that is about to be rolled back or swapped). A
//! change made under a snapshot is undone by its rollback, or buries the
//! copy it would be rolled back to. The refusal is one line naming the
//! phase and how to settle it; nothing is changed. The read-only commands
//! keep working, and `status` and `rollback status` show the record. Only
//! whoever settles a record may run past it: the hooks continue their own
//! snapshot, `rollback finish|discard` settle it, and the commands that
//! converge a dead restore themselves (`restore::recover`: xivo-update-db,
//! xivo-init-db, restore) are not blocked by its record.
//!
//! A rollback that could not finish (its record says `rolling-back`) is
//! finished by the next hook run only when nothing used the database since;
//! otherwise finishing it would throw away what was written, so the hooks
//! and the commands stop and leave the choice to a person: `finish` restores
//! the snapshot (what was written since is lost), `discard` keeps the
//! database as it is and drops the snapshot. A recorded database that is
//! gone makes its snapshot the only copy: it cannot have been used since,
//! and `discard` refuses. Both start again the services a hook recorded as
//! stopped. This module never decides on its own to roll back.

use tokio_postgres::Client;

use crate::config::{Config, LEGACY_DB_NAME};
use crate::error::Error;
use crate::ha::across_snapshot::Replication;
use crate::lock::RunLock;
use crate::pg::{self, PgError, Superuser};
use crate::restore::record as restore_record;
use crate::services::Services;
use crate::snapshot::{self, sessions, Phase, Record};

/// What to tell whoever meets a pending rollback, and how to resolve it.
pub fn rollback_pending_message(config: &Config, record: &Record, why: &str) -> String {
    format!(
        "an unfinished rollback to snapshot {} (record {}) was not applied because the database \
         was used since it started ({why}); run `xivo-manage-db rollback finish` to restore the \
         snapshot (what was written since is lost) or `xivo-manage-db rollback discard` to keep \
         the database as it is, then retry",
        record.names(),
        config.rollback_record_path().display()
    )
}

/// Whether a command converges the record of a restore that died itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadRestore {
    /// It runs `restore::recover` before its work (xivo-update-db,
    /// xivo-init-db, restore): the record is its to settle.
    Converges,
    /// It never does (queue-log prune|prepare, replicate): refused.
    Blocks,
}

/// The pending-work policy (see the module header): the one check of every
/// administrator's command that writes the database, made holding the run
/// lock, before anything changes. Refused (exit 1) while any record is left.
pub fn refuse_writes(config: &Config, dead_restore: DeadRestore) -> Result<(), Error> {
    if let Some(r) = snapshot::load(config)? {
        return Err(Error::Refused(snapshot_pending(config, &r)));
    }
    if dead_restore == DeadRestore::Blocks {
        if let Some(line) = restore_pending(config) {
            return Err(Error::Refused(format!(
                "{line}; nothing that writes the database runs until it is settled"
            )));
        }
    }
    Ok(())
}

/// `refuse_writes` for the commands that converge a dead restore.
pub fn refuse_if_pending(config: &Config) -> Result<(), Error> {
    refuse_writes(config, DeadRestore::Converges)
}

/// The refusal while a hook's snapshot is recorded: its phase and the way
/// out that phase has.
fn snapshot_pending(config: &Config, r: &Record) -> String {
    let what = format!(
        "snapshot {} of a package upgrade is pending (phase {}, record {})",
        r.names(),
        r.phase,
        config.rollback_record_path().display()
    );
    let settle = match r.phase {
        Phase::RollingBack => {
            "its rollback did not finish: see `xivo-manage-db rollback status`, then run \
             `xivo-manage-db rollback finish` to restore the snapshot (what was written since is lost) \
             or `xivo-manage-db rollback discard` to keep the database as it is"
        }
        _ => {
            "what is written now would be undone by its rollback, or would stand in the place of the \
             database it restores: run `dpkg --configure -a` to finish the upgrade, or settle it by hand \
             with `xivo-manage-db rollback status|finish|discard`"
        }
    };
    format!("{what}: {settle}; then retry")
}

/// One line on a restore's record, if one is left (or cannot be read).
fn restore_pending(config: &Config) -> Option<String> {
    let converge = "`xivo-update-db` converges it (drops what the restore left, or finishes \
                    a swap that committed)";
    match restore_record::load(config) {
        Ok(None) => None,
        Ok(Some(r)) => Some(format!(
            "a restore did not finish ({}, new database '{}', record {}): {converge}",
            r.to_text().lines().next().unwrap_or_default(),
            r.new,
            config.restore_record_path().display()
        )),
        Err(e) => Some(format!("a restore did not finish: {e}")),
    }
}

/// What is pending, one line each, for `xivo-manage-db status`: never an
/// error, since status must answer whatever the records hold.
pub fn summary(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    match snapshot::load(config) {
        Ok(None) => {}
        Ok(Some(r)) => out.push(format!(
            "snapshot {} (phase {}, taken at {}): see `xivo-manage-db rollback status`",
            r.names(),
            r.phase,
            r.taken_at
        )),
        Err(e) => out.push(e.to_string()),
    }
    out.extend(restore_pending(config));
    out
}

/// `xivo-manage-db rollback status`: the recorded snapshot and the record
/// of a restore that died, if any. Exit 0 when nothing is pending, 1 when
/// something is (an upgrade in progress or interrupted, a rollback or a
/// restore to converge).
pub fn status(config: &Config, json: bool) -> Result<(String, u8), Error> {
    // An unusable restore record is an error of its own, as the snapshot's is.
    restore_record::load(config).map_err(Error::Refused)?;
    let restore_line = restore_pending(config);
    let snapshot = snapshot::load(config)?;
    let to_do = snapshot.as_ref().map(|r| match r.phase {
        Phase::RollingBack => {
            "xivo-manage-db rollback finish (restore the snapshot) or discard (keep the database)"
        }
        _ => "dpkg --configure -a finishes the upgrade (or rollback finish|discard by hand)",
    });
    let code = u8::from(snapshot.is_some() || restore_line.is_some());
    if json {
        use crate::json::{object, Value};
        let copies = snapshot
            .iter()
            .flat_map(|r| &r.copies)
            .map(|c| {
                object(vec![
                    ("database", c.database.as_str().into()),
                    ("snapshot", c.snapshot.as_str().into()),
                ])
            })
            .collect();
        let text = object(vec![
            ("code", i64::from(code).into()),
            ("pending", (code == 1).into()),
            (
                "phase",
                snapshot.as_ref().map(|r| r.phase.to_string()).into(),
            ),
            (
                "taken_at",
                snapshot.as_ref().map(|r| r.taken_at.to_string()).into(),
            ),
            (
                "package_version",
                snapshot
                    .as_ref()
                    .map(|r| r.package_version.to_string())
                    .into(),
            ),
            ("snapshots", Value::Objects(copies)),
            (
                "state_files",
                snapshot.as_ref().map(|r| r.state_files).into(),
            ),
            ("to_do", to_do.into()),
            ("restore", restore_line.into()),
        ]);
        return Ok((text + "\n", code));
    }
    let restore = restore_line.map(|l| format!("restore:\t{l}\n"));
    let Some(r) = snapshot else {
        return Ok(match restore {
            Some(text) => (text, 1),
            None => (
                "nothing pending: no snapshot or restore is recorded\n".into(),
                0,
            ),
        });
    };
    let mut out = format!(
        "phase:\t\t{}\ntaken at:\t{} by xivo-manage-db {}\n",
        r.phase, r.taken_at, r.package_version
    );
    for c in &r.copies {
        out.push_str(&format!("snapshot:\t{} of '{}'\n", c.snapshot, c.database));
    }
    out.push_str(&format!(
        "state files:\t{}\n",
        if r.state_files { "copied" } else { "none" }
    ));
    out.push_str(&format!("to do:\t\t{}\n", to_do.unwrap_or_default()));
    out.push_str(&restore.unwrap_or_default());
    Ok((out, 1))
}

/// Oid of database `name`, if it exists.
async fn oid(postgres: &Client, name: &str) -> Result<Option<u32>, PgError> {
    let row = postgres
        .query_opt("SELECT oid FROM pg_database WHERE datname = $1", &[&name])
        .await
        .map_err(|e| pg::query_error(format!("looking up database '{name}'"), &e))?;
    Ok(row.map(|r| r.get(0)))
}

/// Is the recorded copy of `c` there, as recorded (its oid, closed to
/// connections)?
async fn copy_is_there(postgres: &Client, c: &snapshot::record::Copy) -> Result<bool, PgError> {
    let row = postgres
        .query_opt(
            "SELECT oid, datallowconn FROM pg_database WHERE datname = $1",
            &[&c.snapshot],
        )
        .await
        .map_err(|e| pg::query_error(format!("looking up snapshot '{}'", c.snapshot), &e))?;
    Ok(match row {
        Some(r) => c.oid == Some(r.get::<_, u32>(0)) && !r.get::<_, bool>(1),
        None => false,
    })
}

/// The recorded databases whose only copy is now their snapshot: gone
/// (dropped by a rollback killed before its rename, or by hand) while the
/// snapshot is there as recorded. Dropping the snapshot would lose them.
/// `xivo` gone while `DB_NAME` is still the upgraded database (not the
/// snapshot put back) is not one: the merge's cleanup dropped it after its
/// commit had put every row of it in `DB_NAME`.
pub async fn only_in_snapshot(
    config: &Config,
    postgres: &Client,
    record: &Record,
) -> Result<Vec<String>, PgError> {
    let main = record.copies.iter().find(|c| c.database == config.db_name);
    // Only once an upgrade started can the merge have committed.
    let started = matches!(
        record.phase,
        Phase::Upgrading | Phase::RollingBack | Phase::Done
    );
    let merged = match main {
        Some(m) if started => match (oid(postgres, &m.database).await?, m.oid) {
            (Some(live), Some(copy)) => live != copy,
            _ => false,
        },
        _ => false,
    };
    let mut out = Vec::new();
    for c in &record.copies {
        if oid(postgres, &c.database).await?.is_some() || !copy_is_there(postgres, c).await? {
            continue;
        }
        if c.database == LEGACY_DB_NAME && merged {
            continue;
        }
        out.push(c.database.clone());
    }
    Ok(out)
}

/// The recorded databases that finishing the rollback would replace: those
/// that exist and are not already the snapshot put back. Only what was
/// written to them can be lost; a database that is gone cannot have been
/// used since.
pub async fn replaced_by_rollback(
    postgres: &Client,
    record: &Record,
) -> Result<Vec<String>, PgError> {
    let mut out = Vec::new();
    for c in &record.copies {
        match (oid(postgres, &c.database).await?, c.oid) {
            (None, _) => {}
            (Some(live), Some(copy)) if live == copy => {}
            _ => out.push(c.database.clone()),
        }
    }
    Ok(out)
}

async fn connect(config: &Config, admin: &Superuser) -> Result<(RunLock, Client), Error> {
    let lock = RunLock::acquire(config, admin).await?;
    let postgres = admin.connect("postgres").await?;
    Ok((lock, postgres))
}

/// Start the services a hook recorded as stopped; says which.
fn start_recorded(services: &Services) -> Result<String, Error> {
    let started = services.start_recorded()?;
    Ok(if started.is_empty() {
        String::new()
    } else {
        format!("; services started again: {}", started.join(", "))
    })
}

/// `xivo-manage-db rollback finish`: restore the recorded snapshot.
pub async fn finish(config: &Config, admin: &Superuser) -> Result<String, Error> {
    let (_lock, postgres) = connect(config, admin).await?;
    let services = Services::new(config)?;
    let Some(mut record) = snapshot::load(config)? else {
        return Ok("nothing to finish: no snapshot is recorded".into());
    };
    // A database gone while its snapshot is here: restored, whatever the
    // phase (dropping the snapshot would lose it).
    let missing = only_in_snapshot(config, &postgres, &record).await?;
    let what = match record.phase {
        Phase::Done if missing.is_empty() => {
            snapshot::discard(config, &postgres, &record, &Replication::new(config)).await?;
            crate::merge::finish_cleanup(config, admin, &postgres, None).await?;
            format!(
                "the upgrade had committed: snapshot {} dropped",
                record.names()
            )
        }
        Phase::Creating if missing.is_empty() => {
            snapshot::discard(config, &postgres, &record, &Replication::new(config)).await?;
            format!(
                "snapshot {} was never completed: dropped, the database kept",
                record.names()
            )
        }
        _ => {
            services.stop_running()?;
            let dbs: Vec<String> = record.copies.iter().map(|c| c.database.clone()).collect();
            let mut live = Vec::new();
            for db in dbs {
                if crate::pg::database_exists(&postgres, &db).await? {
                    live.push(db);
                }
            }
            sessions::end(&postgres, &live, snapshot::SESSION_GRACE).await?;
            snapshot::rollback(config, &postgres, &mut record, &Replication::new(config)).await?;
            format!("restored from snapshot {}", record.names())
        }
    };
    Ok(format!("{what}{}", start_recorded(&services)?))
}

/// `xivo-manage-db rollback discard`: keep the database as it is and drop
/// the recorded snapshot.
pub async fn discard(config: &Config, admin: &Superuser) -> Result<String, Error> {
    let (_lock, postgres) = connect(config, admin).await?;
    let services = Services::new(config)?;
    let Some(record) = snapshot::load(config)? else {
        return Ok("nothing to discard: no snapshot is recorded".into());
    };
    let missing = only_in_snapshot(config, &postgres, &record).await?;
    if !missing.is_empty() {
        let dbs: Vec<String> = missing.iter().map(|d| format!("database '{d}'")).collect();
        return Err(Error::Refused(format!(
            "{} no longer exist(s) and snapshot {} is the only copy: discarding it would lose it, so \
             nothing was changed; run `xivo-manage-db rollback finish`, which restores it",
            dbs.join(" and "),
            record.names()
        )));
    }
    snapshot::discard(config, &postgres, &record, &Replication::new(config)).await?;
    // Role xivo may have waited for the snapshot to go.
    crate::merge::finish_cleanup(config, admin, &postgres, None).await?;
    Ok(format!(
        "database kept as it is; snapshot {} dropped{}",
        record.names(),
        start_recorded(&services)?
    ))
}

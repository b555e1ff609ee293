//! Converging after a restore that failed or was killed, from its record:
//! whichever side of the swap lost is dropped, a `DB_NAME` gone while the
//! database it replaced is still set aside gets that one back, and the
//! services the restore stopped are started again (whoever settles a record
//! starts what it stopped).
//!
//! A database is dropped or renamed only when it is the very one the record
//! names, by the rule the snapshots follow (`snapshot::name::is_ours`):
//! the restore's name shape, the oid the record holds for it, and closed to
//! connections unless the restore opened it after recording that oid (`new`
//! and `xivo` while they are loaded; the set-aside `old` is closed by the
//! swap). Anything else with a restore's name is somebody's: left, and said
//! in one line with the fix. The set-aside `old` needs its oid (recorded
//! before the swap): a record without it (an earlier version's) leaves it
//! alone, and stops the run when `DB_NAME` is missing.
//!
//! The caller holds the run lock.

use std::time::Duration;

use tokio_postgres::Client;

use super::name;
use super::record::{self, Phase, Record};
use crate::config::Config;
use crate::pg::{self, quote_ident};
use crate::services::Services;
use crate::snapshot;

/// What `recover` found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovered {
    /// The swap had not committed: the new database was dropped, `DB_NAME`
    /// is as it was.
    Undone,
    /// The swap had committed: the replaced database was dropped.
    Completed,
}

/// Settle a restore's record (see the module header), then start the
/// services it stopped: what every run that meets the record calls.
pub async fn recover(config: &Config, postgres: &Client) -> Result<Option<Recovered>, String> {
    let outcome = settle(config, postgres).await?;
    if outcome.is_some() {
        start_services(config)?;
    }
    Ok(outcome)
}

/// The databases of a record put right and the record removed; the
/// services are the caller's (a failing restore starts them itself, and
/// says how that went).
pub(super) async fn settle(
    config: &Config,
    postgres: &Client,
) -> Result<Option<Recovered>, String> {
    let rec = record::load(config)?;
    // A killed run's `CREATE DATABASE` goes on in its backend: it would
    // land after we looked, unrecorded.
    end_unfinished_creates(postgres).await?;
    let outcome = match &rec {
        None => None,
        Some(r) => Some(settle_record(postgres, config, r).await?),
    };
    let named: Vec<&String> = rec
        .iter()
        .flat_map(|r| [&r.new, &r.old].into_iter().chain(r.xivo.as_ref()))
        .collect();
    for other in restore_named(postgres).await? {
        if !named.contains(&&other) {
            not_ours(&other, "no restore record names it");
        }
    }
    if rec.is_some() {
        record::remove(config)?;
    }
    Ok(outcome)
}

async fn settle_record(
    postgres: &Client,
    config: &Config,
    r: &Record,
) -> Result<Recovered, String> {
    let db = config.db_name.as_str();
    // A pre-14.08 backup's `xivo` copy is never kept, whatever the swap did.
    if let Some(xivo) = &r.xivo {
        log::warn!(
            "a restore of a pre-14.08 backup did not finish: dropping its xivo copy '{xivo}'"
        );
        drop_recorded(postgres, xivo, r.xivo_oid, true).await?;
    }
    let db_oid = seen(postgres, db).await?.map(|(oid, _)| oid);
    if r.old_oid.is_none() && seen(postgres, &r.old).await?.is_some() {
        unrecognised_old(&config.restore_record_path(), db, db_oid.is_some(), r)?;
    }
    if r.phase == Phase::Swapping && r.new_oid.is_some() && db_oid == r.new_oid {
        log::warn!(
            "a restore was interrupted after its swap: dropping the replaced database '{}'",
            r.old
        );
        if r.old_oid.is_some() {
            drop_recorded(postgres, &r.old, r.old_oid, false).await?;
        }
        return Ok(Recovered::Completed);
    }
    if db_oid.is_some() {
        log::warn!(
            "a restore did not finish: dropping '{}'; database '{db}' is kept as it is",
            r.new
        );
    } else {
        log::warn!(
            "a restore did not finish and database '{db}' is missing: dropping '{}'",
            r.new
        );
    }
    drop_recorded(postgres, &r.new, r.new_oid, true).await?;
    if db_oid.is_none() {
        put_back(postgres, db, r).await?;
    }
    Ok(Recovered::Undone)
}

/// `old` exists but the record holds no oid for it: the oid is recorded
/// before the swap sets `DB_NAME` aside, so this is a record of an earlier
/// version (or a database someone made while a restore was loading). It
/// cannot be told from anyone's database: never dropped or renamed. With
/// `DB_NAME` there, a warning with the way to drop it by hand, and the
/// record is settled; with `DB_NAME` missing, the run stops (the record
/// stays, writers stay refused) naming the statements that put it back.
fn unrecognised_old(
    record_path: &std::path::Path,
    db: &str,
    db_exists: bool,
    r: &Record,
) -> Result<(), String> {
    let old = &r.old;
    if db_exists {
        log::warn!(
            "database '{old}' is named by a restore record that holds no oid for it (a record of \
             an earlier version): it cannot be told from a database someone made, so it is left \
             alone; check it, then drop it by hand if it is not needed: DROP DATABASE {}",
            quote_ident(old)
        );
        return Ok(());
    }
    Err(format!(
        "database '{db}' is missing and '{old}' may be the database a restore set aside, but the \
         restore record ({}, of an earlier version) holds no oid to tell it from a database someone \
         made: nothing is renamed or created; check '{old}', put it back by hand (ALTER DATABASE \
         {} RENAME TO {}; ALTER DATABASE {} ALLOW_CONNECTIONS true) or drop it, then remove the \
         record and run again",
        record_path.display(),
        quote_ident(old),
        quote_ident(db),
        quote_ident(db)
    ))
}

/// `DB_NAME` is gone (dropped after a swap that had committed) while the
/// database the swap set aside is still there: it comes back rather than be
/// lost, open to connections again, in one transaction (one simple query:
/// no transaction is left open on a failure).
async fn put_back(postgres: &Client, db: &str, r: &Record) -> Result<(), String> {
    let Some(s) = seen(postgres, &r.old).await? else {
        return Ok(());
    };
    if !is_ours(&r.old, s, r.old_oid, false) {
        not_ours(&r.old, "it is not the database the restore set aside");
        return Ok(());
    }
    log::warn!(
        "database '{db}' is missing and '{}' was set aside by a restore: putting it back",
        r.old
    );
    postgres
        .batch_execute(&format!(
            "ALTER DATABASE {0} RENAME TO {1}; ALTER DATABASE {1} ALLOW_CONNECTIONS true",
            quote_ident(&r.old),
            quote_ident(db)
        ))
        .await
        .map_err(|e| format!("renaming '{}' back to '{db}': {}", r.old, pg::describe(&e)))
}

/// A record was settled: the services stopped are started again, unless
/// a hook's snapshot is pending too (then they are that upgrade's to start,
/// once it is settled).
fn start_services(config: &Config) -> Result<(), String> {
    if config.rollback_record_path().exists() {
        log::warn!(
            "a snapshot is recorded ({}): the stopped services are left for its upgrade or rollback to start",
            config.rollback_record_path().display()
        );
        return Ok(());
    }
    let services = Services::new(config).map_err(|e| e.to_string())?;
    match services.start_recorded() {
        Ok(started) if !started.is_empty() => {
            log::warn!(
                "services the unfinished restore stopped, started again: {}",
                started.join(", ")
            );
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(e) => Err(format!("the unfinished restore was settled, but {e}")),
    }
}

/// `name`'s oid and whether it accepts connections, or `None`.
pub(super) async fn seen(postgres: &Client, name: &str) -> Result<Option<(u32, bool)>, String> {
    Ok(postgres
        .query_opt(
            "SELECT oid, datallowconn FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .map_err(|e| format!("looking up database '{name}': {}", pg::describe(&e)))?
        .map(|r| (r.get::<_, u32>(0), r.get::<_, bool>(1))))
}

/// The snapshots' rule, for a restore's database (module header).
fn is_ours(name: &str, seen: (u32, bool), recorded_oid: Option<u32>, may_be_open: bool) -> bool {
    snapshot::name::is_ours(name::is_restore(name), seen, recorded_oid, may_be_open)
}

fn not_ours(name: &str, why: &str) {
    log::warn!(
        "database '{name}' has the name of a restore's database, but {why}: it is not ours and is left alone; \
         rename or drop it by hand"
    );
}

/// Drop `name` when it is the database the record has at `recorded_oid`
/// (`may_be_open`: the restore opened it once that oid was recorded);
/// fine when it does not exist. Anything else of that name is left, and
/// said.
pub(super) async fn drop_recorded(
    postgres: &Client,
    name: &str,
    recorded_oid: Option<u32>,
    may_be_open: bool,
) -> Result<(), String> {
    match seen(postgres, name).await? {
        None => Ok(()),
        Some(s) if is_ours(name, s, recorded_oid, may_be_open) => postgres
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(name)
            ))
            .await
            .map_err(|e| format!("dropping '{name}': {}", pg::describe(&e))),
        Some(_) => {
            not_ours(
                name,
                "it is not the one the restore record names (another oid, or open to connections)",
            );
            Ok(())
        }
    }
}

/// Every database with a restore's name.
async fn restore_named(postgres: &Client) -> Result<Vec<String>, String> {
    let rows = postgres
        .query(
            "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1",
            &[&name::PREFIX],
        )
        .await
        .map_err(|e| {
            format!(
                "looking for databases left by a restore: {}",
                pg::describe(&e)
            )
        })?;
    Ok(rows
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|n| name::is_restore(n))
        .collect())
}

/// End the `CREATE DATABASE` of a restore's database still running for a
/// run that died (SIGKILL leaves the backend going on).
async fn end_unfinished_creates(postgres: &Client) -> Result<(), String> {
    let pattern = format!("^\\s*CREATE DATABASE \"?{}", name::PREFIX);
    let ended = pg::end_sessions(
        postgres,
        pg::Which::Running(&pattern),
        Duration::from_secs(10),
    )
    .await
    .map_err(|e| format!("ending the unfinished creation of a restore's database: {e}"))?;
    for e in ended {
        log::warn!(
            "ended session pid {} still creating a database for a restore that died",
            e.session.pid
        );
    }
    Ok(())
}

//! The databases a restore makes and the swap of names: each made closed
//! to connections, its oid recorded, and only then opened
//! (`make_database`), so that a kill anywhere leaves it recognisable by the
//! snapshots' rule; then the record says `swapping` with `DB_NAME`'s oid,
//! and one implicit transaction renames `DB_NAME` aside, closed, and the
//! new database into its place (`swap`). Split from `mod.rs`, which runs
//! these steps and undoes them.

use tokio_postgres::Client;

use super::record::{self, Phase, Record};
use super::{load, name, recover};
use crate::config::Config;
use crate::logging::timed;
use crate::pg::{self, quote_ident};
use crate::snapshot;

/// `CREATE DATABASE` of the record's `slot`, closed to connections as the
/// snapshots' copies are, its oid written in the record, and only then
/// opened for the load: a kill anywhere leaves it recognisable as ours
/// (`recover`), and nothing else ever is.
pub(super) async fn make_database(
    postgres: &Client,
    config: &Config,
    rec: &mut Record,
    slot: name::Slot,
) -> Result<(), String> {
    let made = match slot {
        name::Slot::New => rec.new.clone(),
        _ => rec.xivo.clone().unwrap_or_default(),
    };
    timed(
        &format!("creating database '{made}'"),
        load::create(postgres, config, &made),
    )
    .await?;
    let (oid, _) = recover::seen(postgres, &made)
        .await?
        .ok_or_else(|| format!("database '{made}' vanished right after it was made"))?;
    match slot {
        name::Slot::New => rec.new_oid = Some(oid),
        _ => rec.xivo_oid = Some(oid),
    }
    record::save(config, rec)?;
    postgres
        .batch_execute(&format!(
            "ALTER DATABASE {} ALLOW_CONNECTIONS true",
            quote_ident(&made)
        ))
        .await
        .map_err(|e| format!("opening '{made}' for the load: {}", pg::describe(&e)))
}

/// The record says `swapping` with `DB_NAME`'s oid, then one transaction
/// renames `DB_NAME` aside, closed to connections (so that only the rule
/// of `recover` knows it), and the new one into its place.
pub(super) async fn swap(
    config: &Config,
    postgres: &Client,
    rec: &mut Record,
) -> Result<(), String> {
    let db = &config.db_name;
    rec.old_oid = recover::seen(postgres, db).await?.map(|(oid, _)| oid);
    rec.phase = Phase::Swapping;
    record::save(config, rec)?;
    fail_point!("restore.before_swap", no_return);
    // One simple query without BEGIN/COMMIT is one implicit transaction: a
    // failure rolls it back and leaves none open, even when a signal drops
    // this future before any ROLLBACK could be sent (the undo then uses the
    // same connection).
    let mut sql = String::new();
    if rec.old_oid.is_some() {
        sql.push_str(&format!(
            "ALTER DATABASE {0} RENAME TO {1};\nALTER DATABASE {1} ALLOW_CONNECTIONS false;\n",
            quote_ident(db),
            quote_ident(&rec.old)
        ));
    }
    sql.push_str(&format!(
        "ALTER DATABASE {} RENAME TO {};",
        quote_ident(&rec.new),
        quote_ident(db)
    ));
    let both = [db.clone(), rec.new.clone()];
    let mut last = String::new();
    // A session may connect between the termination and the rename (a
    // probe, a backup): end it and try again, a few times.
    for _ in 0..5 {
        snapshot::sessions::terminate(postgres, &both)
            .await
            .map_err(|e| e.to_string())?;
        match postgres.batch_execute(&sql).await {
            Ok(()) => {
                log::info!(
                    "database '{db}' is now the restored backup (the replaced one is '{}')",
                    rec.old
                );
                return Ok(());
            }
            Err(e) => last = pg::describe(&e),
        }
    }
    Err(format!("renaming '{}' to '{db}': {last}", rec.new))
}

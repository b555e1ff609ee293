//! `xivo-manage-db restore DUMP [--keep-system-config]`: put a backup made
//! by `pg_dump -Fc` of `DB_NAME` in place of the database, the way the
//! 14.08 notes did by hand (rename the database, `pg_restore -C`, copy back
//! dhcp, netiface and resolvconf, drop the old one), but so that the current
//! database stays whole until the restore has fully succeeded:
//!
//! 1. the backup is checked (`dump`): readable, its table of contents, of
//!    `DB_NAME`, at a revision this package knows; nothing is touched
//!    before (exit 2);
//! 2. the run lock, the record (`record`), then, the services still
//!    running, a new database `xivo_manage_db_restore_<time>_new` (`name`),
//!    made closed to connections, its oid recorded, then opened; the
//!    backup's tables, rows and columns held against those its revision
//!    has (`schema`: that revision provisioned into the empty new database
//!    and rolled back), refused as in step 1 when it lacks one (exit 2,
//!    once the new database is dropped); the backup restored into it
//!    (`load`; `-j` when the user `pg_restore` runs as can read the file),
//!    owned by `DB_OWNER`, upgraded to this package's head. This load is the backup's one full
//!    read: when it fails, `dump::read_all` tells whether the file is cut or
//!    corrupt, and it is then refused as in step 1 (exit 2) once the new
//!    database is dropped: `DB_NAME` was never touched, nothing stopped;
//! 3. the services stopped as the hooks stop them (recorded in
//!    `stopped-services`), the sessions ended, and with
//!    `--keep-system-config` the new database given this host's system
//!    tables (`system`): the services are down from here to the end only;
//! 4. the record says `swapping` (with `DB_NAME`'s oid), then one
//!    transaction renames `DB_NAME` to `..._old`, closed to connections,
//!    and the new one to `DB_NAME`; then the services are started, the old
//!    one dropped and the record removed.
//!
//! Any failure or signal (SIGINT, SIGTERM, SIGHUP) before the swap's commit
//! drops the new database and starts the services: `DB_NAME` is exactly as
//! it was (exit 1; 128 + the signal for a signal). A run killed anywhere leaves the record, and the next
//! restore, hook, `xivo-update-db` or `xivo-init-db` converges (`recover`):
//! before the swap the new database is dropped; after it (`DB_NAME` has the
//! recorded oid) the old one is; the services it stopped are started.
//!
//! A pre-14.08 backup (`--xivo XIVO_DUMP --levels A,X`, `pair`): both dumps
//! are checked in step 1, the `xivo` one is restored in step 3 into a
//! second database `..._xivo` (named in the record), merged into `..._new`
//! by the 14.08 merge before the upgrade, then dropped; `recover` drops it
//! whatever the swap did.
//!
//! Never runs without the run lock, never drops or renames a database but
//! the ones its record names, recognised by the snapshots' rule
//! (`snapshot::name::is_ours`), and never touches `DB_NAME` but by the
//! swap.
//!
//! The run and its undo are one protocol over the same record, read best
//! together here; the databases it makes and the swap are in `swap.rs`,
//! the load and the upgrade to head in `load.rs`, the pre-14.08 pair's
//! steps in `pair.rs`, `recover` in `recover.rs`. That is why it stays
//! above 500 lines.

pub mod dump;
mod load;
pub mod name;
mod pair;
pub mod record;
mod recover;
mod schema;
pub mod spool;
mod swap;
mod system;

pub use recover::{recover, Recovered};

use crate::logging::timed;
use std::path::PathBuf;

use tokio_postgres::Client;

use crate::config::Config;
use crate::error::Error;
use crate::interrupt::{Interrupt, Takeover};
use crate::lock::RunLock;
use crate::migrations::MigrationSet;
use crate::pg::{self, Superuser};
use crate::services::Services;
use crate::snapshot;
use crate::standing;

use record::{Phase, Record};

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub dump: PathBuf,
    pub keep_system_config: bool,
    /// A pre-14.08 backup: the dump of its `xivo` database (`dump` is then
    /// its `asterisk`).
    pub xivo: Option<PathBuf>,
    /// `ASTERISK_LEVEL,XIVO_LEVEL` of the 14.07 scripts, with `xivo`.
    pub levels: Option<String>,
}

/// The restore (see the module header). Returns the line to print.
pub async fn restore(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
    opts: &Options,
) -> Result<String, Error> {
    let db = &config.db_name;
    let (postgres, program, dump, pair, exists) = check_first(config, superuser, set, opts).await?;
    let services = Services::new(config)?;
    let _lock = RunLock::acquire(config, superuser).await?;
    crate::pending::refuse_if_pending(config)?;
    recover(config, &postgres).await.map_err(Error::Refused)?;
    let mut interrupt = Interrupt::install(Takeover::Command)
        .map_err(|e| Error::Other(format!("cannot take over SIGINT/SIGTERM/SIGHUP: {e}")))?;
    let stamp: String = postgres
        .query_one(
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading the server's clock", &e))?
        .get(0);
    let mut rec = Record {
        phase: Phase::Restoring,
        new: name::make(&stamp, name::Slot::New),
        old: name::make(&stamp, name::Slot::Old),
        new_oid: None,
        old_oid: None,
        xivo: pair.as_ref().map(|_| name::make(&stamp, name::Slot::Xivo)),
        xivo_oid: None,
    };
    let work = restore_into_new(
        config,
        superuser,
        set,
        opts,
        &postgres,
        &program,
        (&dump, pair.as_ref()),
        exists,
        &services,
        &mut rec,
    );
    let result = match interrupt.race(work).await {
        Ok(r) => r,
        Err(signal) => {
            log::error!("{signal} received: stopping the restore");
            Err(Failure::Interrupted(signal))
        }
    };
    match result {
        Ok(()) => {}
        Err(Failure::Load(cause)) => {
            return load_failed(
                config,
                &postgres,
                &services,
                &program,
                &cause,
                (&dump, &rec),
            )
            .await
        }
        Err(Failure::Refused(refusal)) => {
            return refuse(config, &postgres, &services, &refusal, (&dump, &rec)).await
        }
        Err(Failure::Other(cause)) => {
            return undo(config, &postgres, &services, &cause, &dump, None).await
        }
        Err(Failure::Interrupted(signal)) => {
            let cause = format!("interrupted by {signal}");
            return undo(config, &postgres, &services, &cause, &dump, Some(signal)).await;
        }
    }
    // Committed: from here on the backup is the database. The services
    // start first: dropping the replaced database does not concern them.
    fail_point!("restore.after_swap", no_return);
    let started = services.start_recorded();
    let dropped = timed(
        &format!("dropping the replaced database '{}'", rec.old),
        recover::drop_recorded(&postgres, &rec.old, rec.old_oid, false),
    )
    .await
    .and_then(|()| record::remove(config));
    if let Err(e) = dropped {
        return Err(Error::Refused(format!(
            "backup '{}' restored as '{db}', but {e}; the next run of xivo-manage-db restore or xivo-update-db \
             finishes this",
            dump.path.display()
        )));
    }
    after_swap_done(started, &dump, db)
}

/// What `check_first` found: the connection to `postgres`, pg_restore, the
/// checked backup (its `xivo` half for a pre-14.08 one), and whether
/// `DB_NAME` exists.
type Checked = (Client, PathBuf, dump::Dump, Option<pair::Pair>, bool);

/// Step 1: the backup and, with `--keep-system-config`, the current
/// database's system tables; nothing is touched.
async fn check_first(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
    opts: &Options,
) -> Result<Checked, Error> {
    let db = &config.db_name;
    let postgres = superuser.connect("postgres").await?;
    let program = pg::client_program("pg_restore", pg::server_major(&postgres).await?)?;
    let current = standing::connect(superuser, db).await?;
    let (dump, pair) = match &opts.xivo {
        None if opts.levels.is_some() => {
            return Err(Error::Other(
                "--levels is for a pre-14.08 backup, given with --xivo XIVO_DUMP; nothing changed"
                    .into(),
            ))
        }
        None => (
            dump::inspect(&program, &opts.dump, db, set).map_err(Error::Other)?,
            None,
        ),
        Some(xivo) => {
            let (dump, pair) = pair::check(
                config,
                &program,
                &opts.dump,
                xivo,
                opts.levels.as_deref(),
                current.as_ref(),
                set,
            )
            .await
            .map_err(Error::Other)?;
            log::info!(
                "14.07 backup '{}' checked with '{}' ({} bytes, {} entries), levels asterisk {}, xivo {}",
                dump.path.display(),
                pair.xivo.path.display(),
                pair.xivo.size,
                pair.xivo.entries,
                pair.levels.asterisk,
                pair.levels.xivo
            );
            (dump, Some(pair))
        }
    };
    log::info!(
        "backup '{}' checked: {} bytes, {} entries, revision {}",
        dump.path.display(),
        dump.size,
        dump.entries,
        if dump.revisions.is_empty() {
            "none (14.07)".to_string()
        } else {
            dump.revisions.join(", ")
        }
    );
    if opts.keep_system_config {
        let Some(current) = &current else {
            return Err(Error::Other(format!(
                "--keep-system-config: database '{db}' does not exist, there is no system configuration to keep; \
                 restore without --keep-system-config; nothing changed"
            )));
        };
        system::check(current, db).await.map_err(Error::Other)?;
    }
    // Sessions on DB_NAME are ended later: this one would be among them.
    Ok((postgres, program, dump, pair, current.is_some()))
}

/// The load of the backup failed. The full read that finds a file cut
/// short or corrupt is the load's own: if the file is to blame, it is
/// refused as `check_first` refuses one (exit 2, one error line) once the
/// new database is dropped; `DB_NAME` was never touched, no service was
/// stopped. Otherwise the failure is the load's (exit 1).
async fn load_failed(
    config: &Config,
    postgres: &Client,
    services: &Services,
    program: &std::path::Path,
    cause: &str,
    (dump, rec): (&dump::Dump, &Record),
) -> Result<String, Error> {
    log::info!("the load failed: reading the backup to its last byte to tell whether it is whole");
    let Err(refusal) = dump::read_all(program, &dump.path) else {
        return undo(config, postgres, services, cause, dump, None).await;
    };
    refuse(config, postgres, services, &refusal, (dump, rec)).await
}

/// The backup is refused once the run's work is gone: what this run made
/// is dropped quietly (the refusal is the one line) and the record
/// removed; `DB_NAME` was never touched, no service was stopped (exit 2).
async fn refuse(
    config: &Config,
    postgres: &Client,
    services: &Services,
    refusal: &str,
    (dump, rec): (&dump::Dump, &Record),
) -> Result<String, Error> {
    let mut dropped = recover::drop_recorded(postgres, &rec.new, rec.new_oid, true).await;
    if let Some(xivo) = &rec.xivo {
        dropped = dropped.and(recover::drop_recorded(postgres, xivo, rec.xivo_oid, true).await);
    }
    match dropped.and_then(|()| record::remove(config)) {
        Ok(()) => Err(Error::Other(refusal.to_string())),
        Err(e) => {
            undo(
                config,
                postgres,
                services,
                &format!("{refusal} ({e})"),
                dump,
                None,
            )
            .await
        }
    }
}

/// A failure or a signal before the swap was seen to commit: what the
/// record names is dropped (or, if the swap did commit, the replaced
/// database), the services start again. A `signal` exits 128 + its number,
/// the line saying what was left and to run the restore again.
async fn undo(
    config: &Config,
    postgres: &Client,
    services: &Services,
    cause: &str,
    dump: &dump::Dump,
    signal: Option<&'static str>,
) -> Result<String, Error> {
    let db = &config.db_name;
    log::error!("the restore failed: {cause}; undoing it");
    let undone = recover::settle(config, postgres).await;
    let started = services.start_recorded();
    let left = match undone {
        // The swap committed before the failure was seen.
        Ok(Some(Recovered::Completed)) => return after_swap_done(started, dump, db),
        Ok(_) => format!("database '{db}' was left as it was"),
        Err(e) => {
            format!("undoing it failed too ({e}): run xivo-manage-db restore again to clean up")
        }
    };
    let services_said = match started {
        Ok(_) => String::new(),
        Err(e) => format!("; {e}"),
    };
    let line = format!(
        "restoring '{}' failed: {cause}; {left}{services_said}",
        dump.path.display()
    );
    Err(match signal {
        Some(signal) => Error::Interrupted {
            signal,
            what: format!("{line}; run xivo-manage-db restore again to restore the backup"),
        },
        None => Error::Refused(line),
    })
}

/// The line of a restore whose swap committed, or what the services said.
fn after_swap_done(
    started: Result<Vec<String>, crate::services::ServiceError>,
    dump: &dump::Dump,
    db: &str,
) -> Result<String, Error> {
    match started {
        Ok(_) => {
            // Syslog only: the command prints the returned line on stdout.
            log::info!(
                target: crate::logging::SYSLOG_ONLY,
                "backup '{}' restored as '{db}'",
                dump.path.display()
            );
            Ok(format!(
                "backup '{}' restored as database '{db}'",
                dump.path.display()
            ))
        }
        Err(e) => Err(Error::Refused(format!(
            "backup '{}' restored as '{db}', but {e}",
            dump.path.display()
        ))),
    }
}

/// Why the run failed before the swap's commit.
enum Failure {
    /// `pg_restore` of the backup into the new database: maybe the file's
    /// fault (cut short, corrupt), which the caller asks `dump::read_all`.
    Load(String),
    /// The backup lacks what its revision has: refused as `check_first`
    /// refuses one (exit 2).
    Refused(String),
    /// SIGINT, SIGTERM or SIGHUP: undone as `Other`, exit 128 + signal.
    Interrupted(&'static str),
    Other(String),
}

impl From<String> for Failure {
    fn from(cause: String) -> Failure {
        Failure::Other(cause)
    }
}

/// Steps 2 to 4 of the module header, up to the swap's commit. The
/// services run while the new database is loaded, owned and upgraded (only
/// it is written); they are stopped for what reads or replaces `DB_NAME`.
#[allow(clippy::too_many_arguments)]
async fn restore_into_new(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
    opts: &Options,
    postgres: &Client,
    program: &std::path::Path,
    (dump, pair): (&dump::Dump, Option<&pair::Pair>),
    exists: bool,
    services: &Services,
    rec: &mut Record,
) -> Result<(), Failure> {
    let db = &config.db_name;
    record::save(config, rec)?;
    fail_point!("restore.after_record", no_return);
    swap::make_database(postgres, config, rec, name::Slot::New).await?;
    if !dump.revisions.is_empty() {
        check_contents(config, superuser, set, dump, &rec.new).await?;
    }
    // A pre-14.08 backup stays on one process: loaded by parallel jobs, its
    // merged queue_log differed from the hooks' merge in a test (not yet
    // explained).
    let reading = match pair {
        None => load::reading(superuser, program, &dump.path, &rec.new),
        Some(_) => load::Reading::Stdin,
    };
    let what = format!("restoring '{}' into '{}'", dump.path.display(), rec.new);
    log::info!(
        "{what} ({})...",
        match reading {
            load::Reading::Parallel => "parallel jobs reading the file",
            load::Reading::Stdin => "one process reading it on stdin",
        }
    );
    let started = std::time::Instant::now();
    load::pg_restore(superuser, program, dump, &rec.new, reading)
        .await
        .map_err(Failure::Load)?;
    log::info!(
        "{what}: done in {}",
        crate::duration::human(started.elapsed())
    );
    fail_point!("restore.after_load", no_return);
    if let Some(pair) = pair {
        swap::make_database(postgres, config, rec, name::Slot::Xivo).await?;
        let xivo = rec.xivo.as_deref().unwrap_or_default();
        pair::load_and_merge(config, superuser, set, program, pair, &rec.new, xivo).await?;
        recover::drop_recorded(postgres, xivo, rec.xivo_oid, true).await?;
    }
    let mut client = superuser
        .connect(&rec.new)
        .await
        .map_err(|e| e.to_string())?;
    timed(
        &format!("giving every object to '{}'", config.db_owner),
        load::own(&mut client, &config.db_owner),
    )
    .await?;
    load::upgrade(&mut client, &rec.new, set, &config.db_owner).await?;
    fail_point!("restore.before_stop", no_return);
    timed("stopping the services", async {
        services.stop_running().map_err(|e| e.to_string())
    })
    .await?;
    if exists {
        timed("ending the remaining sessions", async {
            snapshot::sessions::end(postgres, std::slice::from_ref(db), snapshot::SESSION_GRACE)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .await?;
    }
    if opts.keep_system_config {
        let current = superuser.connect(db).await.map_err(|e| e.to_string())?;
        timed(
            "keeping this host's system configuration",
            system::keep(&current, &mut client),
        )
        .await?;
    }
    drop(client);
    if exists {
        snapshot::carry_properties(postgres, db, &rec.new)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(swap::swap(config, postgres, rec).await?)
}

/// The backup holds every table its revision has, with its rows and its
/// columns (`schema`, run into `new` while it is still empty).
async fn check_contents(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
    dump: &dump::Dump,
    new: &str,
) -> Result<(), Failure> {
    let mut empty = superuser.connect(new).await.map_err(|e| e.to_string())?;
    let expected = timed(
        &format!(
            "listing the tables revision {} has",
            dump.revisions.join(", ")
        ),
        schema::expected(&mut empty, set, &dump.revisions, &config.db_owner),
    )
    .await?;
    let lacks = dump::missing(&dump.contents, &expected);
    if lacks.is_empty() {
        Ok(())
    } else {
        Err(Failure::Refused(dump::refuse_incomplete(dump, &lacks)))
    }
}

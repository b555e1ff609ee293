//! The upgrade state machine behind `xivo-update-db` (and, later, postinst).
//! Decides from the database, not from files:
//! 1. database missing, or empty -> provision;
//! 2. `alembic_version` present -> apply pending versions;
//! 3. otherwise the 14.07 system -> legacy scripts, merge, stamp, then 2.
//!
//! `update` (xivo-update-db) also owns SIGINT and SIGTERM once it holds the
//! lock (unless they were ignored when it started, as for a command started
//! in the background by a script): the work is dropped (its transaction
//! rolls back), what a merge left running on the server is ended and `xivo`
//! reopened, and the command fails with one line. SIGKILL cannot be caught:
//! the next run reopens `xivo` first. The hooks call `update_locked` and
//! handle signals themselves (maintscript/interrupt.rs).

use futures_util::future::{self, Either};
use tokio::signal::unix::{signal, SignalKind};

use crate::config::Config;
use crate::error::{Error, Left};
use crate::legacy::LegacyScripts;
use crate::lock::RunLock;
use crate::merge;
use crate::migrations::{self, MigrationSet, Report};
use crate::pg::{self, Superuser};
use crate::provision::{self, Contents};

/// What an update did.
#[derive(Debug)]
pub enum Outcome {
    Provisioned(Report),
    Upgraded(Report),
    /// A 14.07 host: legacy scripts, merge, stamp, versions.
    Merged(Report),
    AlreadyAtHead,
}

/// Take the run lock, then bring the database to head. A signal stops the
/// work: nothing it had not committed stays, `xivo` is reopened, and the
/// error says which signal (exit 1).
pub async fn update(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
) -> Result<Outcome, Error> {
    // Before the lock is ours a signal kills us as usual: nothing changed yet.
    let _lock = RunLock::acquire(config, admin).await?;
    crate::pending::refuse_if_pending(config)?;
    let caught = stop_signal()?;
    let work = Box::pin(update_locked(config, admin, set));
    match future::select(work, caught).await {
        Either::Left((result, _)) => result,
        Either::Right((name, work)) => {
            log::error!("{name} received: stopping the upgrade");
            // Dropping the work closes its connections; the server rolls
            // back what they had not committed.
            drop(work);
            if let Err(e) = merge::stop_interrupted(config, admin).await {
                log::error!("{e}; the next run of xivo-update-db finishes this");
            }
            Err(Error::Refused(format!(
                "interrupted by {name}: the upgrade was stopped and what it had not committed was rolled back; \
                 run xivo-update-db again"
            )))
        }
    }
}

/// The first of SIGINT and SIGTERM to arrive (never, for one that was
/// ignored when we started).
fn stop_signal() -> Result<impl std::future::Future<Output = &'static str>, Error> {
    let mut streams = Vec::new();
    for (kind, number, name) in [
        (SignalKind::interrupt(), nix::libc::SIGINT, "SIGINT"),
        (SignalKind::terminate(), nix::libc::SIGTERM, "SIGTERM"),
    ] {
        if ignored(number) {
            continue;
        }
        let s = signal(kind).map_err(|e| Error::Other(format!("cannot catch {name}: {e}")))?;
        streams.push((s, name));
    }
    Ok(Box::pin(async move {
        let waits: Vec<_> = streams
            .iter_mut()
            .map(|(s, name)| Box::pin(async move { s.recv().await.map(|_| *name) }))
            .collect();
        if waits.is_empty() {
            return future::pending().await;
        }
        let (got, _, _) = future::select_all(waits).await;
        got.unwrap_or("a signal")
    }))
}

/// Is `signal` ignored (SIG_IGN inherited from whoever started us)?
fn ignored(signal: nix::libc::c_int) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current one
    // into `old`, which is a plain C struct we own.
    unsafe {
        let mut old: nix::libc::sigaction = std::mem::zeroed();
        nix::libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == nix::libc::SIG_IGN
    }
}

/// Same, the caller holding the run lock.
pub async fn update_locked(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
) -> Result<Outcome, Error> {
    let db = &config.db_name;
    let postgres = admin.connect("postgres").await?;
    // A merge stopped by a kill left `xivo` closed to the 14.07 daemons.
    merge::reopen_legacy(config, &postgres).await?;
    if !pg::database_exists(&postgres, db).await? {
        log::info!("database '{db}' does not exist: provisioning it");
        return Ok(Outcome::Provisioned(
            provision::init(config, admin, set).await?,
        ));
    }
    drop(postgres);
    let mut client = admin.connect(db).await?;
    match provision::contents(&client).await? {
        Contents::Empty => Ok(Outcome::Provisioned(
            provision::init(config, admin, set).await?,
        )),
        Contents::Versioned(current) => {
            // Leftovers of an interrupted merge are finished, never redone.
            merge::finish_cleanup(config, admin)
                .await
                .map_err(|e| e.during_change(Left::Unfinished))?;
            if current.is_empty() {
                return Err(Error::Other(format!(
                    "table {} of database '{db}' is empty: the revision of the schema is unknown; \
                     restore it from the backup, or insert the revision the schema is at",
                    migrations::VERSION_TABLE
                )));
            }
            let recorded = migrations::recorded_revisions(&client).await?;
            let plan = set.plan(&current, &recorded)?;
            let pending = plan.len();
            if pending == 0 {
                log::info!("database '{db}' is at head {}", set.head());
                return Ok(Outcome::AlreadyAtHead);
            }
            log::info!(
                "database '{db}' at {}: {} migration(s) to apply up to {}",
                current.join(", "),
                pending,
                set.head()
            );
            Ok(Outcome::Upgraded(
                migrations::run(&mut client, set, &config.db_owner, Report::default())
                    .await
                    .map_err(|e| Error::from(e).during_change(Left::Unfinished))?,
            ))
        }
        Contents::Legacy => {
            // Everything validated before the first change.
            let scripts = LegacyScripts::load(config)?;
            let levels = scripts.read_levels(config)?;
            drop(client);
            Ok(Outcome::Merged(
                merge::upgrade_legacy(config, admin, set, &scripts, levels).await?,
            ))
        }
    }
}

/// Finish what a merge left for later: the `xivo` database and role, which
/// may outlive the merge's commit (an interrupted run, or a rollback snapshot
/// still holding objects owned by role `xivo`). Idempotent; never touches
/// `asterisk`. Call it again once a snapshot is dropped.
pub async fn finish_cleanup(config: &Config, admin: &Superuser) -> Result<(), Error> {
    merge::finish_cleanup(config, admin).await
}

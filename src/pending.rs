//! A snapshot left behind by a hook, as the administrator sees it:
//! `xivo-manage-db rollback status|finish|discard`, and the refusal the
//! commands give while a rollback is pending.
//!
//! A rollback that could not finish (its record says `rolling-back`) is
//! finished by the next hook run only when nothing used the database since;
//! otherwise finishing it would throw away what was written, so the hooks
//! and the commands stop and leave the choice to a person: `finish` restores
//! the snapshot (what was written since is lost), `discard` keeps the
//! database as it is and drops the snapshot. Both start again the services a
//! hook recorded as stopped. This module never decides on its own to roll
//! back.

use tokio_postgres::Client;

use crate::config::Config;
use crate::error::Error;
use crate::lock::RunLock;
use crate::pg::Superuser;
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

/// The commands that change the database refuse while a rollback is
/// pending: running them would be overwritten by it, or mix its state.
pub fn refuse_if_pending(config: &Config) -> Result<(), Error> {
    match snapshot::load(config)? {
        Some(r) if r.phase == Phase::RollingBack => Err(Error::Refused(rollback_pending_message(
            config,
            &r,
            "a rollback is pending",
        ))),
        _ => Ok(()),
    }
}

/// `xivo-manage-db rollback status`: the recorded snapshot and a restore's
/// record, if any. Exit 0 when nothing is pending, 1 when a snapshot is
/// recorded (an upgrade in progress or interrupted, or a rollback pending)
/// or a restore left its record.
pub fn status(config: &Config) -> Result<(String, u8), Error> {
    // A restore's record is pending work too (see `restore::record::pending`).
    let restore = crate::restore::record::pending(config).map_err(Error::Refused)?;
    let Some(r) = snapshot::load(config)? else {
        return Ok(match restore {
            Some(text) => (text, 1),
            None => ("nothing pending: no snapshot is recorded\n".into(), 0),
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
    out.push_str(match r.phase {
        Phase::RollingBack => {
            "to do:\t\txivo-manage-db rollback finish (restore the snapshot) or discard (keep the database)\n"
        }
        _ => "to do:\t\tdpkg --configure -a finishes the upgrade (or rollback finish|discard by hand)\n",
    });
    out.push_str(restore.as_deref().unwrap_or_default());
    Ok((out, 1))
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
    let what = match record.phase {
        Phase::Done => {
            snapshot::discard(config, &postgres, &record).await?;
            crate::merge::finish_cleanup(config, admin, &postgres, None).await?;
            format!(
                "the upgrade had committed: snapshot {} dropped",
                record.names()
            )
        }
        Phase::Creating => {
            snapshot::discard(config, &postgres, &record).await?;
            format!(
                "snapshot {} was never completed: dropped, the database kept",
                record.names()
            )
        }
        Phase::Ready | Phase::Upgrading | Phase::RollingBack => {
            services.stop_running()?;
            let dbs: Vec<String> = record.copies.iter().map(|c| c.database.clone()).collect();
            let mut live = Vec::new();
            for db in dbs {
                if crate::pg::database_exists(&postgres, &db).await? {
                    live.push(db);
                }
            }
            sessions::end(&postgres, &live, snapshot::SESSION_GRACE).await?;
            snapshot::rollback(config, &postgres, &mut record).await?;
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
    snapshot::discard(config, &postgres, &record).await?;
    // Role xivo may have waited for the snapshot to go.
    crate::merge::finish_cleanup(config, admin, &postgres, None).await?;
    Ok(format!(
        "database kept as it is; snapshot {} dropped{}",
        record.names(),
        start_recorded(&services)?
    ))
}

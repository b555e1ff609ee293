//! `xivo-manage-db validate` and `repair --accept-checksum`, as Flyway has
//! them: an applied migration whose file changed since (its checksum in the
//! history table differs from the file's) fails validation, naming it; an
//! administrator who checked that the edit changes nothing the database
//! needs accepts the new checksum on purpose, and the history table keeps
//! who did it, when, and the checksum it had (`previous_checksum`,
//! `repaired_at`, `repaired_by`, columns added by the first repair).

use std::fmt::Write as _;

use crate::config::Config;
use crate::error::Error;
use crate::migrations::{self, MigrationSet, HISTORY_TABLE};
use crate::pg::{self, Superuser};
use crate::standing;

/// The edited migrations of `db` as (validate's report, exit code): 1 when
/// any is edited or the database does not exist, 0 otherwise.
pub async fn validate(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
) -> Result<(String, u8), Error> {
    let db = &config.db_name;
    let Some(client) = standing::connect(admin, db).await? else {
        return Ok((
            format!("nothing to validate: database '{db}' does not exist (xivo-init-db --init creates it)\n"),
            1,
        ));
    };
    let Some(history) = migrations::applied_history(&client).await? else {
        return Ok((
            format!("nothing to validate: this package recorded no migration in database '{db}'\n"),
            0,
        ));
    };
    let edited = migrations::edited_migrations(set, &history);
    if edited.is_empty() {
        let known = history.iter().filter(|(r, _)| set.get(r).is_some()).count();
        return Ok((
            format!("validated: the {known} migrations applied to '{db}' match their files\n"),
            0,
        ));
    }
    let mut out = String::new();
    for e in &edited {
        let _ = writeln!(
            out,
            "migration {} ({}) was edited after it was applied: applied checksum {}, file checksum {} \
             (check the change, then accept it with: xivo-manage-db repair --accept-checksum {})",
            e.revision, e.file, e.applied_checksum, e.file_checksum, e.revision
        );
    }
    Ok((out, 1))
}

/// Who runs this: the OS user, and the one sudo was run by.
fn operator() -> String {
    let uid = nix::unistd::getuid();
    let name = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map_or_else(|| format!("uid {uid}"), |u| u.name);
    match std::env::var("SUDO_USER") {
        Ok(s) if !s.is_empty() && s != name => format!("{name} (sudo by {s})"),
        _ => name,
    }
}

/// `xivo-manage-db repair --accept-checksum REV`: record the file's checksum
/// for `revision`, keeping the old one, the time and the operator. Holds the
/// run lock; refused while a record is pending. Nothing to do (the checksums
/// already match) is success.
pub async fn accept_checksum(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
    revision: &str,
) -> Result<String, Error> {
    let db = &config.db_name;
    let Some(m) = set.get(revision) else {
        return Err(Error::Usage(format!(
            "no migration '{revision}' in this package (see: xivo-manage-db migrations)"
        )));
    };
    let _lock = crate::lock::RunLock::acquire(config, admin).await?;
    crate::pending::refuse_writes(config, crate::pending::DeadRestore::Blocks)?;
    let Some(mut client) = standing::connect(admin, db).await? else {
        return Err(Error::Refused(format!(
            "database '{db}' does not exist: there is no checksum to accept"
        )));
    };
    let history = migrations::applied_history(&client)
        .await?
        .unwrap_or_default();
    let Some((_, applied)) = history.iter().find(|(r, _)| r == revision) else {
        return Err(Error::Refused(format!(
            "migration {revision} was never applied to '{db}': there is no checksum to accept"
        )));
    };
    let applied = applied.trim().to_string();
    if applied == m.checksum() {
        return Ok(format!(
            "nothing to repair: the checksum of {revision} in '{db}' already matches {}",
            m.file()
        ));
    }
    let tx = migrations::begin_as(&mut client, &config.db_owner).await?;
    let what = || format!("recording the new checksum of {revision} in {HISTORY_TABLE}");
    // A history table of an earlier package may lack the columns filled here.
    migrations::ensure_version_tables(&tx).await?;
    let by = operator();
    tx.execute(
        &format!(
            "UPDATE public.{HISTORY_TABLE} SET previous_checksum = checksum, checksum = $2, \
                    repaired_at = clock_timestamp(), repaired_by = $3 WHERE revision = $1"
        ),
        &[&revision, &m.checksum(), &by],
    )
    .await
    .map_err(|e| pg::query_error(what(), &e))?;
    tx.commit().await.map_err(|e| pg::query_error(what(), &e))?;
    let done = format!(
        "accepted the new checksum of {revision} ({}) in '{db}': {applied} -> {} (recorded in {HISTORY_TABLE}, by {by})",
        m.file(),
        m.checksum()
    );
    log::info!("{done}");
    Ok(done)
}

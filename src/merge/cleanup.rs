//! After the merge committed: `xivo` (only if it carries the merge's
//! mark), then role `xivo` (kept while a rollback snapshot still holds its
//! objects), then the 14.07 state files. Idempotent: a run killed here is
//! finished by the next one, never redone.

use std::time::Instant;

use tokio_postgres::Client;

use super::{MergeError, MERGED_MARK};
use crate::config::{Config, LEGACY_DB_NAME};
use crate::legacy;
use crate::migrations;
use crate::pg::{self, quote_ident, Superuser};

/// Finish a merge that committed: drop database `xivo` (only if it carries
/// the merge's mark), then role `xivo` (kept, with a warning, while anything
/// such as a rollback snapshot still depends on it), then the 14.07 state
/// files. Does nothing unless `DB_NAME` is on the new system. Idempotent.
/// `target`, a connection to `DB_NAME` if the caller has one; else one is
/// opened, and only when something of the 14.07 system is left.
pub async fn finish_cleanup(
    config: &Config,
    superuser: &Superuser,
    postgres: &Client,
    target: Option<&Client>,
) -> Result<(), MergeError> {
    let left = pg::database_exists(postgres, LEGACY_DB_NAME).await?
        || (LEGACY_DB_NAME != config.db_owner && pg::role_exists(postgres, LEGACY_DB_NAME).await?)
        || legacy::state_files_present(config);
    if !left {
        return Ok(());
    }
    let versioned = match target {
        Some(c) => migrations::current_revisions(c).await?.is_some(),
        None => match crate::standing::connect(superuser, &config.db_name).await? {
            Some(c) => migrations::current_revisions(&c).await?.is_some(),
            None => false,
        },
    };
    if !versioned {
        return Ok(());
    }
    fail_point!("cleanup.before_drop_legacy_database");
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
                "dropped database '{LEGACY_DB_NAME}' (merged into '{}') in {}",
                config.db_name,
                crate::duration::human(step.elapsed())
            );
        } else {
            log::warn!(
                "database '{LEGACY_DB_NAME}' exists but was not merged by this tool: kept; drop it by hand once you no longer need it"
            );
        }
    }
    fail_point!("cleanup.before_drop_legacy_role");
    let legacy_db_left = pg::database_exists(postgres, LEGACY_DB_NAME).await?;
    if !legacy_db_left
        && pg::role_exists(postgres, LEGACY_DB_NAME).await?
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
    fail_point!("cleanup.before_remove_state_files");
    if legacy::state_files_present(config) {
        legacy::remove_state_files(config)?;
    }
    Ok(())
}

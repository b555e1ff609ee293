//! `xivo-check-db`: is the database at this package's head? Read-only, no
//! lock, one connection and two short queries, so that it is no slower than
//! `psql -c 'select 1'`.

use crate::config::Config;
use crate::error::Error;
use crate::migrations::{self, Edited, MigrationSet};
use crate::pg::Superuser;
use crate::provision::{self, Contents};

/// What the check found.
#[derive(Debug)]
pub enum Status {
    /// At head. `edited` lists applied migrations whose file changed since.
    UpToDate { edited: Vec<Edited> },
    /// Behind head (or partly applied).
    Behind { current: Vec<String>, head: String },
    /// The database does not exist.
    Missing,
    /// Exists but empty: provisioning never finished.
    Unprovisioned,
    /// The 14.07 system: per-database lines, as 14.07 printed them.
    Legacy { lines: Vec<String> },
}

impl Status {
    /// What follows `Checking database...` and a tab, and the exit code.
    pub fn verdict(&self, config: &Config) -> (String, u8) {
        match self {
            Status::UpToDate { .. } => ("OK".into(), 0),
            Status::Behind { current, head } => {
                let cur = if current.is_empty() {
                    "none".to_string()
                } else {
                    current.join(", ")
                };
                (
                    format!("NOK (current revision is {cur}, head is {head})"),
                    1,
                )
            }
            Status::Missing => (
                format!(
                    "NOK (database '{}' does not exist; run xivo-init-db --init)",
                    config.db_name
                ),
                1,
            ),
            Status::Unprovisioned => (
                format!(
                    "NOK (database '{}' is empty; run xivo-init-db --init)",
                    config.db_name
                ),
                1,
            ),
            Status::Legacy { lines } => (
                format!(
                    "NOK (14.07 system: the merge into '{}' is pending; run xivo-update-db)\n{}",
                    config.db_name,
                    lines.join("\n")
                ),
                1,
            ),
        }
    }
}

pub async fn check(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
) -> Result<Status, Error> {
    let client = match admin.connect(&config.db_name).await {
        Ok(c) => c,
        Err(e) if e.is_missing_database() => return Ok(Status::Missing),
        Err(e) => return Err(e.into()),
    };
    match provision::contents(&client).await? {
        Contents::Empty => Ok(Status::Unprovisioned),
        Contents::Legacy => Ok(Status::Legacy {
            lines: crate::legacy::check_lines(config)?,
        }),
        Contents::Versioned(current) => {
            let history = migrations::applied_history(&client).await?;
            let recorded = history.iter().map(|(r, _)| r.clone()).collect();
            // Behind as long as anything is pending, at an intermediate
            // head set (a run stopped between two segments) too.
            if !set.plan(&current, &recorded)?.is_empty() {
                return Ok(Status::Behind {
                    current,
                    head: set.head().to_string(),
                });
            }
            Ok(Status::UpToDate {
                edited: migrations::edited_migrations(set, &history),
            })
        }
    }
}

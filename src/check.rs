//! `xivo-check-db`'s verdict on where the database stands: one connection
//! and a few short queries (see `standing`), no lock, so that it is no
//! slower than `psql -c 'select 1'`.

use crate::config::Config;
use crate::error::Error;
use crate::migrations::MigrationSet;
use crate::pg::Superuser;
use crate::standing::{self, Standing};

/// Where the database stands (read-only).
pub async fn check<'a>(
    config: &Config,
    superuser: &Superuser,
    set: &'a MigrationSet,
) -> Result<Standing<'a>, Error> {
    let client = standing::connect(superuser, &config.db_name).await?;
    Ok(standing::classify(client.as_ref(), &config.db_name, set).await?)
}

/// What follows `Checking database...` and a tab, and the exit code: 0 at
/// head, 1 anything else. A 14.07 host gets one more line per database, as
/// 14.07 printed them.
pub fn verdict(
    standing: &Standing,
    config: &Config,
    set: &MigrationSet,
) -> Result<(String, u8), Error> {
    let db = &config.db_name;
    Ok(match standing {
        Standing::Versioned { plan, .. } if plan.is_empty() => ("OK".into(), 0),
        Standing::Versioned { current, .. } => (
            format!(
                "NOK (current revision is {}, head is {})",
                current.join(", "),
                set.head()
            ),
            1,
        ),
        Standing::Missing => (
            format!("NOK (database '{db}' does not exist; run xivo-init-db --init)"),
            1,
        ),
        Standing::Empty => (
            format!("NOK (database '{db}' is empty; run xivo-init-db --init)"),
            1,
        ),
        Standing::Legacy => (
            format!(
                "NOK (14.07 system: the merge into '{db}' is pending; run xivo-update-db)\n{}",
                crate::legacy::check_lines(config)?.join("\n")
            ),
            1,
        ),
    })
}

//! The old (14.07) system: numbered scripts and their state files.
//! Placeholder until the legacy upgrade lands: it only reports.

use crate::config::Config;
use crate::error::Error;
use crate::migrations::MigrationSet;

/// The 14.07-style per-database lines of `xivo-check-db`.
pub fn check_lines(config: &Config, _set: &MigrationSet) -> Result<Vec<String>, Error> {
    Ok(vec![format!(
        "{}: NOK (14.07 database, not yet merged)",
        config.db_name
    )])
}

//! `xivo-manage-db`, the administrator's view: where the database stands,
//! what was applied when, which migrations the package carries, and the
//! high-availability replication exclusion list (data shipped with the
//! migrations, so the replication tool and this package never disagree).
//! `status` is in `status`; `history` and `migrations` are in `revisions`.
//! Read-only: it takes no lock and changes nothing.

use crate::config::Config;
use crate::error::Error;
use crate::migrations::{self, source, MigrationSet};

/// The exclusion list inside the migrations tree.
pub const REPLICATION_EXCLUDE_FILE: &str = "replication-exclude.txt";

/// Table names never copied from the master to the slave.
pub fn replication_exclusions(config: &Config) -> Result<Vec<String>, Error> {
    let files = migrations::files(config)?;
    let file = files
        .iter()
        .find(|f| f.name == REPLICATION_EXCLUDE_FILE)
        .ok_or_else(|| {
            Error::Other(format!(
                "{REPLICATION_EXCLUDE_FILE} is missing from the migrations of this package"
            ))
        })?;
    Ok(String::from_utf8_lossy(&file.bytes)
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

/// What `status` and `history` say of a database this package never
/// upgraded (no history table: upstream XiVO 14.08's own upgrade, say).
pub const NOT_RECORDED: &str =
    "nothing recorded by this package (the database was versioned by other tools, such as XiVO 14.08's own upgrade)";

/// `xivo-manage-db show FILE|REVISION`: a file of the embedded migrations
/// tree, or the file of a revision of `set`.
pub fn show_file(name: &str, set: &MigrationSet) -> Result<String, Error> {
    let file = set
        .all()
        .iter()
        .find(|m| m.revision() == name)
        .map_or(name, |m| m.file());
    source::embedded_file(file)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .ok_or_else(|| {
            Error::Usage(format!(
                "no file or revision '{name}' in the migrations of this package (see: xivo-manage-db migrations)"
            ))
        })
}

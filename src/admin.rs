//! `xivo-manage-db`, the administrator's view: where the database stands,
//! what was applied when, which migrations the package carries, and the
//! high-availability replication exclusion list (data shipped with the
//! migrations, so the replication tool and this package never disagree).
//! `status` also shows what a hook or a restore left pending
//! (`pending::summary`); `history` and `migrations` are in `revisions`. Read-only: it takes no lock and changes nothing.

use std::fmt::Write as _;

use crate::check;
use crate::config::Config;
use crate::error::Error;
use crate::migrations::{self, source, MigrationSet};
use crate::pg::Superuser;
use crate::standing::Standing;

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

/// `xivo-manage-db status`: one line per fact, or (`json`) one JSON object
/// with the same facts for monitoring: `code` is the exit code.
pub async fn status(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
    json: bool,
) -> Result<(String, u8), Error> {
    let standing = check::check(config, admin, set).await?;
    let (verdict, code) = check::verdict(&standing, config, set)?;
    let mut lines = verdict.lines();
    let state = lines.next().unwrap_or_default().to_string();
    // The 14.07 lines, one per database.
    let legacy: Vec<String> = lines
        .map(|l| l.replace("Checking ", "").replace("...\t", ": "))
        .collect();
    let (revision, recorded) = match &standing {
        Standing::Versioned {
            current, recorded, ..
        } => (current.join(", "), *recorded),
        _ => (String::new(), true),
    };
    let edited: Vec<String> = match &standing {
        Standing::Versioned { edited, .. } => edited
            .iter()
            .map(|e| format!("{} ({}) changed since it was applied", e.revision, e.file))
            .collect(),
        _ => Vec::new(),
    };
    // A record left by a hook or a restore: not the wanted state either.
    let pending = crate::pending::summary(config);
    let code = if pending.is_empty() {
        code
    } else {
        code.max(1)
    };
    if json {
        let pending = if pending.is_empty() {
            crate::json::Value::Null
        } else {
            pending.join("; ").into()
        };
        let text = crate::json::object(vec![
            ("database", config.db_name.as_str().into()),
            ("owner", config.db_owner.as_str().into()),
            ("head", set.head().into()),
            ("migrations", (set.all().len() as u64).into()),
            ("state", state.into()),
            ("code", i64::from(code).into()),
            ("up_to_date", (code == 0).into()),
            ("legacy", crate::json::Value::StrList(legacy)),
            ("edited", crate::json::Value::StrList(edited)),
            ("revision", revision.as_str().into()),
            ("history_recorded", recorded.into()),
            ("pending", pending),
            ("state_dir", config.state_dir.display().to_string().into()),
        ]);
        return Ok((text + "\n", code));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "database:\t{} (owner {})",
        config.db_name, config.db_owner
    );
    let _ = writeln!(
        out,
        "package head:\t{} ({} migrations)",
        set.head(),
        set.all().len()
    );
    let _ = writeln!(out, "state:\t\t{state}");
    if !revision.is_empty() {
        let _ = writeln!(out, "revision:\t{revision}");
    }
    if !recorded {
        let _ = writeln!(out, "history:\t{NOT_RECORDED}");
    }
    for l in legacy {
        let _ = writeln!(out, "\t\t{l}");
    }
    for e in edited {
        let _ = writeln!(out, "edited:\t\t{e}");
    }
    for p in pending {
        let _ = writeln!(out, "pending:\t{p}");
    }
    let _ = writeln!(out, "state dir:\t{}", config.state_dir.display());
    Ok((out, code))
}

/// What `status` and `history` say of a database this package never
/// upgraded (no history table: upstream XiVO 14.08's own upgrade, say).
const NOT_RECORDED: &str =
    "nothing recorded by this package (the database was versioned by other tools, such as XiVO 14.08's own upgrade)";

/// `xivo-manage-db show FILE`: a file of the embedded migrations tree.
pub fn show_file(name: &str) -> Result<String, Error> {
    source::embedded_file(name)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .ok_or_else(|| Error::Usage(format!("no file '{name}' in the migrations of this package (see: xivo-manage-db migrations)")))
}

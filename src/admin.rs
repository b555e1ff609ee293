//! `xivo-manage-db`, the administrator's view: where the database stands,
//! what was applied when, which migrations the package carries, and the
//! high-availability replication exclusion list (data shipped with the
//! migrations, so the replication tool and this package never disagree).
//! `status` is in `status`. Read-only: it takes no lock and changes nothing.

use std::fmt::Write as _;

use crate::config::Config;
use crate::error::Error;
use crate::migrations::{self, source, MigrationSet};
use crate::pg::{self, Superuser};

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

/// `xivo-manage-db history`: what was applied (or stamped), when, how long;
/// on a database without the history table, that nothing was recorded and
/// the revision it is at.
pub async fn history(config: &Config, admin: &Superuser) -> Result<String, Error> {
    let db = &config.db_name;
    let client = admin.connect(db).await?;
    let has_history: bool = client
        .query_one(
            &format!(
                "SELECT to_regclass('public.{}') IS NOT NULL",
                migrations::HISTORY_TABLE
            ),
            &[],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the history of '{db}'"), &e))?
        .get(0);
    if !has_history {
        let current = migrations::current_revisions(&client).await?;
        return Ok(match current {
            Some(revisions) if !revisions.is_empty() => format!(
                "{NOT_RECORDED}; database '{db}' is at revision {}\n",
                revisions.join(", ")
            ),
            _ => format!("nothing recorded by this package: database '{db}' has no revision\n"),
        });
    }
    let rows = client
        .query(
            &format!(
                "SELECT revision, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS TZ'), duration_ms, stamped \
                   FROM {} ORDER BY applied_at, revision",
                migrations::HISTORY_TABLE
            ),
            &[],
        )
        .await
        .map_err(|e| pg::query_error(format!("reading the history of '{db}'"), &e))?;
    let mut out = String::from("revision\tapplied at\t\t\tduration\n");
    for r in rows {
        let stamped: bool = r.get(3);
        let _ = writeln!(
            out,
            "{}\t{}\t{}",
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            if stamped {
                "stamped".to_string()
            } else {
                format!("{} ms", r.get::<_, i64>(2))
            }
        );
    }
    Ok(out)
}

/// `xivo-manage-db migrations`: the graph this package carries.
pub fn list_migrations(set: &MigrationSet) -> String {
    let mut out = String::new();
    for m in set.all() {
        let parents = if m.down_revisions().is_empty() {
            "-".to_string()
        } else {
            m.down_revisions().join(",")
        };
        let flags = match (m.revision() == set.head(), m.transactional()) {
            (true, true) => " (head)",
            (true, false) => " (head, non-transactional)",
            (false, false) => " (non-transactional)",
            (false, true) => "",
        };
        let _ = writeln!(
            out,
            "{} <- {}\t{}{flags}\t{}",
            m.revision(),
            parents,
            m.file(),
            m.message()
        );
    }
    out
}

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

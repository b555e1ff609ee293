//! Is there room for the snapshot? Checked before anything is stopped: the
//! copies go where the databases are (the cluster's data directory, or their
//! tablespace), and the upgrade itself needs room too (rewritten tables, WAL).

use std::collections::BTreeMap;
use std::path::PathBuf;

use tokio_postgres::Client;

use super::SnapshotError;

/// Headroom on top of the copies: a tenth of their size, plus a fixed amount
/// for WAL segments and the upgrade's own writes on small databases.
const MARGIN_FIXED: u64 = 64 * MIB;
const MARGIN_PERCENT: u64 = 10;
pub const MIB: u64 = 1024 * 1024;

/// The space a snapshot needs on one file system.
#[derive(Debug, Clone)]
pub struct Need {
    pub location: PathBuf,
    pub databases: Vec<(String, u64)>,
    pub needed: u64,
    pub available: u64,
}

impl Need {
    pub fn describe(&self) -> String {
        let dbs: Vec<String> = self
            .databases
            .iter()
            .map(|(d, s)| format!("{d} {}", mib(*s)))
            .collect();
        format!(
            "{} needs {} (databases {}, plus {MARGIN_PERCENT}% and {} margin), {} free",
            self.location.display(),
            mib(self.needed),
            dbs.join(", "),
            mib(MARGIN_FIXED),
            mib(self.available)
        )
    }
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}

/// Check every file system the copies of `dbs` would land on.
pub async fn check(postgres: &Client, dbs: &[String]) -> Result<Vec<Need>, SnapshotError> {
    let data_dir: String = postgres
        .query_one("SELECT current_setting('data_directory')", &[])
        .await
        .map_err(|e| SnapshotError::db("reading the cluster's data_directory", &e))?
        .get(0);
    let rows = postgres
        .query(
            "SELECT d.datname, pg_database_size(d.oid), pg_tablespace_location(d.dattablespace) \
               FROM pg_database d WHERE d.datname = ANY($1) ORDER BY d.datname",
            &[&dbs],
        )
        .await
        .map_err(|e| SnapshotError::db("measuring the databases to copy", &e))?;
    let mut by_location: BTreeMap<PathBuf, Vec<(String, u64)>> = BTreeMap::new();
    for r in rows {
        let name: String = r.get(0);
        let size: i64 = r.get(1);
        let spc: String = r.get(2);
        let location = if spc.is_empty() {
            PathBuf::from(&data_dir)
        } else {
            PathBuf::from(spc)
        };
        by_location
            .entry(location)
            .or_default()
            .push((name, u64::try_from(size).unwrap_or(0)));
    }
    let mut needs = Vec::new();
    for (location, databases) in by_location {
        let total: u64 = databases.iter().map(|(_, s)| s).sum();
        let needed = total + total * MARGIN_PERCENT / 100 + MARGIN_FIXED;
        let available = match nix::sys::statvfs::statvfs(&location) {
            // The field types vary by target (u32 on 32-bit): widen explicitly.
            #[allow(clippy::useless_conversion)]
            Ok(s) => u64::from(s.blocks_available()) * u64::from(s.fragment_size()),
            Err(e) => {
                // A remote cluster (ADMIN_URI over TCP) or a directory we may
                // not read: we cannot know, and refusing would block every
                // such upgrade.
                log::warn!(
                    "cannot check the free space of {} ({e}): going on without the check",
                    location.display()
                );
                continue;
            }
        };
        let need = Need {
            location,
            databases,
            needed,
            available,
        };
        if needed > available {
            return Err(SnapshotError::NoSpace(need));
        }
        log::info!("free space for the snapshot: {}", need.describe());
        needs.push(need);
    }
    Ok(needs)
}

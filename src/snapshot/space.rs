//! Is there room for the snapshot and for the upgrade after it? Checked
//! before anything is stopped, on every file system that takes a share:
//!
//! * the copies land where the databases are (the data directory, or their
//!   tablespace): their size;
//! * on a 14.07 host the upgrade also writes, beside the copies and while the
//!   old files still exist (one transaction): the rows of `xivo` copied into
//!   `DB_NAME`, and the `queue_log` rewrite that gives it its `id` column (a
//!   new heap a little larger than the old one, plus its primary key index);
//! * the WAL those writes produce goes to `pg_wal` (maybe another file
//!   system): as much as they write, up to what checkpoints recycle
//!   (twice `max_wal_size`), plus `wal_keep_size`. A full `pg_wal` makes
//!   PostgreSQL stop (PANIC): this is the share that must never be short.
//!
//! On top, a tenth of the total and a fixed 64 MiB. The numbers are logged,
//! and given in the refusal.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use tokio_postgres::Client;

use super::SnapshotError;

/// Headroom on top of the needs: a tenth of them, plus a fixed amount for
/// WAL segments and the upgrade's own small writes.
const MARGIN_FIXED: u64 = 64 * MIB;
const MARGIN_PERCENT: u64 = 10;
pub const MIB: u64 = 1024 * 1024;
/// The `id SERIAL` column adds 4 bytes to each row, 8 with alignment.
const ID_BYTES_PER_ROW: u64 = 8;
/// A btree on an integer: a 16-byte tuple and its 4-byte line pointer per
/// row, leaf pages 90% full, plus the inner pages.
const INDEX_BYTES_PER_ROW: u64 = 24;

/// What one 14.07 upgrade writes besides the copies.
#[derive(Debug, Clone, Default)]
pub struct UpgradeWrites {
    /// Database (its tablespace decides where) and bytes written into it.
    pub into: Vec<(String, u64)>,
    /// Bytes of WAL those writes produce (before the checkpoint cap).
    pub wal: u64,
}

/// The space needed on one file system.
#[derive(Debug, Clone)]
pub struct Need {
    pub location: PathBuf,
    /// What takes a share, and how much.
    pub shares: Vec<(String, u64)>,
    pub needed: u64,
    pub available: u64,
}

impl Need {
    pub fn describe(&self) -> String {
        let shares: Vec<String> = self
            .shares
            .iter()
            .map(|(what, s)| format!("{what} {}", mib(*s)))
            .collect();
        format!(
            "{} needs {} ({}, plus {MARGIN_PERCENT}% and {} margin), {} free",
            self.location.display(),
            mib(self.needed),
            shares.join(", "),
            mib(MARGIN_FIXED),
            mib(self.available)
        )
    }
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}

/// What the 14.07 upgrade of `db` writes, measured on `client` (connected
/// to `db`): `xivo`'s size copied in, and the queue_log rewrite when its `id`
/// column is still missing.
pub async fn legacy_upgrade_writes(
    postgres: &Client,
    client: &Client,
    db: &str,
    legacy_db: &str,
) -> Result<UpgradeWrites, SnapshotError> {
    let what = "measuring what the upgrade will write";
    let xivo: i64 = postgres
        .query_opt(
            "SELECT pg_database_size(oid) FROM pg_database WHERE datname = $1",
            &[&legacy_db],
        )
        .await
        .map_err(|e| SnapshotError::db(what, &e))?
        .map(|r| r.get(0))
        .unwrap_or(0);
    let row = client
        .query_one(
            "SELECT coalesce((SELECT pg_table_size(q) WHERE NOT EXISTS (SELECT 1 FROM pg_attribute \
                                WHERE attrelid = q AND attname = 'id' AND attnum > 0 AND NOT attisdropped)), 0), \
                    coalesce((SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = q), 0) \
               FROM (SELECT to_regclass('public.queue_log') AS q) t",
            &[],
        )
        .await
        .map_err(|e| SnapshotError::db(what, &e))?;
    let (heap, mut rows): (i64, i64) = (row.get(0), row.get(1));
    if heap > 0 && rows == 0 {
        // Never analysed: count (once, before anything is stopped).
        rows = client
            .query_one("SELECT count(*) FROM public.queue_log", &[])
            .await
            .map_err(|e| SnapshotError::db(what, &e))?
            .get(0);
    }
    let (heap, rows) = (heap.max(0) as u64, rows.max(0) as u64);
    let rewrite = if heap > 0 {
        heap + rows * ID_BYTES_PER_ROW + rows * INDEX_BYTES_PER_ROW
    } else {
        0
    };
    let xivo = xivo.max(0) as u64;
    let mut into = vec![(db.to_string(), rewrite + xivo)];
    into.retain(|(_, b)| *b > 0);
    Ok(UpgradeWrites {
        into,
        wal: rewrite + xivo,
    })
}

/// Check every file system the copies of `dbs`, the upgrade's `writes` and
/// their WAL would land on.
pub async fn check(
    postgres: &Client,
    dbs: &[String],
    writes: &UpgradeWrites,
) -> Result<Vec<Need>, SnapshotError> {
    let settings = postgres
        .query_one(
            "SELECT current_setting('data_directory'), pg_size_bytes(current_setting('max_wal_size')), \
                    pg_size_bytes(current_setting('wal_keep_size'))",
            &[],
        )
        .await
        .map_err(|e| SnapshotError::db("reading the cluster's settings", &e))?;
    let data_dir: String = settings.get(0);
    let (max_wal, keep_wal): (i64, i64) = (settings.get(1), settings.get(2));
    let mut names: Vec<String> = dbs.to_vec();
    names.extend(writes.into.iter().map(|(d, _)| d.clone()));
    let rows = postgres
        .query(
            "SELECT d.datname::text, pg_database_size(d.oid), pg_tablespace_location(d.dattablespace) \
               FROM pg_database d WHERE d.datname = ANY($1) ORDER BY d.datname",
            &[&names],
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
        let shares = by_location.entry(location).or_default();
        if dbs.contains(&name) {
            shares.push((format!("copy of {name}"), size.max(0) as u64));
        }
        for (_, bytes) in writes.into.iter().filter(|(d, _)| *d == name) {
            shares.push((format!("upgrade of {name}"), *bytes));
        }
    }
    // pg_wal may be a link to another file system.
    let wal_dir = std::fs::canonicalize(PathBuf::from(&data_dir).join("pg_wal"))
        .unwrap_or_else(|_| PathBuf::from(&data_dir).join("pg_wal"));
    let wal = writes.wal.min(2 * max_wal.max(0) as u64) + keep_wal.max(0) as u64;
    if wal > 0 {
        let dev = |p: &PathBuf| std::fs::metadata(p).map(|m| m.dev()).ok();
        let same = by_location
            .keys()
            .find(|l| dev(l).is_some() && dev(l) == dev(&wal_dir))
            .cloned();
        by_location
            .entry(same.unwrap_or(wal_dir))
            .or_default()
            .push(("WAL".into(), wal));
    }
    compare_with_free_space(by_location)
}

/// Each file system's shares against its free space: the first one short
/// refuses the upgrade.
fn compare_with_free_space(
    by_location: BTreeMap<PathBuf, Vec<(String, u64)>>,
) -> Result<Vec<Need>, SnapshotError> {
    let mut needs = Vec::new();
    for (location, shares) in by_location {
        let total: u64 = shares.iter().map(|(_, s)| s).sum();
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
            shares,
            needed,
            available,
        };
        if needed > available {
            return Err(SnapshotError::NoSpace(need));
        }
        log::info!(
            "free space for the snapshot and the upgrade: {}",
            need.describe()
        );
        needs.push(need);
    }
    Ok(needs)
}

//! Mutual exclusion between every run that changes the database: an
//! exclusive `flock` on `$STATE_DIR/lock` (host-wide, released by the kernel
//! when the holder dies, even by SIGKILL) and a session-level
//! `pg_advisory_lock` held on its own connection (cluster-wide, released by the
//! server when that connection goes away).
//!
//! The lock file holds the holder's pid and command line, so a waiter can say
//! who it waits for. The file descriptor is close-on-exec (Rust's default), so
//! a service started by a hook never inherits the lock.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fs2::FileExt;
use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use crate::config::Config;
use crate::pg::{self, PgError, Superuser};

const POLL: Duration = Duration::from_millis(100);

/// Why a lock could not be taken. Nothing has been changed.
#[derive(Debug)]
pub enum LockError {
    /// The lock file (or its directory) cannot be created or opened.
    Io {
        path: PathBuf,
        reason: String,
    },
    /// Another run held the host lock for longer than `LOCK_TIMEOUT`.
    Busy {
        path: PathBuf,
        holder: String,
        waited: Duration,
    },
    /// Another session held the advisory lock for longer than `LOCK_TIMEOUT`.
    AdvisoryBusy {
        db: String,
        holder: String,
        waited: Duration,
    },
    Db(PgError),
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Io { path, reason } => write!(f, "cannot open lock file {}: {reason}", path.display()),
            LockError::Busy { path, holder, waited } => write!(
                f,
                "lock {} is still held by {holder} after {} s: wait for that run to finish, or raise LOCK_TIMEOUT in the config",
                path.display(),
                waited.as_secs()
            ),
            LockError::AdvisoryBusy { db, holder, waited } => write!(
                f,
                "the advisory lock of database '{db}' is still held by {holder} after {} s: wait for that run to finish, or raise LOCK_TIMEOUT",
                waited.as_secs()
            ),
            LockError::Db(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LockError {}

/// The host-wide lock; released on drop (or process death).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Take the lock on `config.lock_path()`, waiting up to `LOCK_TIMEOUT`.
    /// Async, polling a non-blocking `flock`: dropping the future gives up at
    /// once, so a caller can race it against a signal.
    pub async fn acquire(config: &Config) -> Result<FileLock, LockError> {
        let path = config.lock_path();
        let io = |e: std::io::Error| LockError::Io {
            path: path.clone(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(&config.state_dir).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let started = Instant::now();
        let mut announced = false;
        loop {
            match FileExt::try_lock_exclusive(&file) {
                Ok(()) => break,
                Err(e) if e.raw_os_error() == fs2::lock_contended_error().raw_os_error() => {
                    let holder = holder_of(&path);
                    if !announced {
                        log::warn!(
                            "waiting for lock {} held by {holder} (up to {} s)",
                            path.display(),
                            config.lock_timeout.as_secs()
                        );
                        announced = true;
                    }
                    if started.elapsed() >= config.lock_timeout {
                        return Err(LockError::Busy {
                            path,
                            holder,
                            waited: started.elapsed(),
                        });
                    }
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => return Err(io(e)),
            }
        }
        let me = format!("pid {} ({})\n", std::process::id(), command_line());
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(me.as_bytes()).map_err(io)?;
        let _ = file.sync_data();
        Ok(FileLock { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Leave the file (removing it would race with a waiter that opened it).
        let _ = self.file.set_len(0);
        let _ = FileExt::unlock(&self.file);
    }
}

fn holder_of(path: &Path) -> String {
    let mut text = String::new();
    match File::open(path).and_then(|mut f| f.read_to_string(&mut text)) {
        Ok(_) if !text.trim().is_empty() => text.trim().to_string(),
        _ => "another process".to_string(),
    }
}

fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// The advisory-lock key of a database name: stable across versions, so an
/// old and a new package exclude each other.
pub fn advisory_key(db_name: &str) -> i64 {
    let digest = Sha256::digest(format!("xivo-manage-db:{db_name}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// Hold `pg_advisory_lock` for `db_name` on a dedicated connection to the
/// `postgres` database (advisory locks are per database, and the target may
/// not exist yet). Dropping the returned client releases it.
pub async fn advisory(
    admin: &Superuser,
    db_name: &str,
    timeout: Duration,
) -> Result<Client, LockError> {
    let client = admin.connect("postgres").await.map_err(LockError::Db)?;
    let key = advisory_key(db_name);
    let started = Instant::now();
    let mut announced = false;
    loop {
        let row = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .await
            .map_err(|e| LockError::Db(pg::query_error("taking the advisory lock", &e)))?;
        if row.get::<_, bool>(0) {
            return Ok(client);
        }
        let holder = client
            .query_opt(
                "SELECT a.pid, coalesce(a.application_name, '') FROM pg_locks l JOIN pg_stat_activity a USING (pid) \
                 WHERE l.locktype = 'advisory' AND l.granted \
                   AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 LIMIT 1",
                &[&key],
            )
            .await
            .ok()
            .flatten()
            .map(|r| format!("session pid {} ('{}')", r.get::<_, i32>(0), r.get::<_, String>(1)))
            .unwrap_or_else(|| "another session".into());
        if !announced {
            log::warn!("waiting for the advisory lock of database '{db_name}' held by {holder}");
            announced = true;
        }
        if started.elapsed() >= timeout {
            return Err(LockError::AdvisoryBusy {
                db: db_name.into(),
                holder,
                waited: started.elapsed(),
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Both locks, for one run. Taking them can be raced against a signal
/// (`Interrupt::race`): nothing is held until the future completes.
pub struct RunLock {
    _file: FileLock,
    _advisory: Client,
}

impl RunLock {
    pub async fn acquire(config: &Config, admin: &Superuser) -> Result<RunLock, LockError> {
        let file = FileLock::acquire(config).await?;
        let advisory = advisory(admin, &config.db_name, config.lock_timeout).await?;
        Ok(RunLock {
            _file: file,
            _advisory: advisory,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key is a contract between package versions: an old package
    /// still running and a new one must take the same lock, so its value is
    /// pinned here (the first 8 bytes, big-endian, of
    /// sha256("xivo-manage-db:<db>")), never computed by the code under test.
    #[test]
    fn advisory_key_is_pinned_across_versions() {
        assert_eq!(advisory_key("asterisk"), -5_722_559_317_592_771_556);
        assert_eq!(advisory_key("xivo"), 3_864_966_905_108_332_433);
        assert_eq!(advisory_key("other"), -7_379_671_939_801_333_369);
    }

    #[tokio::test]
    async fn second_comer_times_out_naming_the_holder() {
        let dir = std::env::temp_dir().join(format!("xmdb-lock-{}", std::process::id()));
        let mut c = Config::defaults("/x".into());
        c.state_dir = dir.clone();
        c.lock_timeout = Duration::from_millis(300);
        let first = FileLock::acquire(&c).await.expect("first lock");
        // flock locks belong to the open file description: a second open in
        // the same process contends like another process would.
        let e = FileLock::acquire(&c).await.expect_err("second refused");
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        FileLock::acquire(&c).await.expect("free again");
        let _ = std::fs::remove_dir_all(dir);
    }
}

//! Loading a checked backup into a new database: `CREATE DATABASE` (owned
//! by `DB_OWNER`, the encoding and locale of the database it will replace),
//! `pg_restore --no-owner --no-acl` into it (`-j` workers when the user it
//! runs as can read the file, else one process reading stdin), with progress,
//! then every object given to `DB_OWNER` and the grants `xivo-init-db`
//! gives, so that the result is owned as a provisioned database is.
//!
//! Only ever writes to the new database it is given; never to `DB_NAME`.

use std::io::{BufRead, BufReader, Seek};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_postgres::Client;

use super::dump::Dump;
use crate::config::Config;
use crate::logging::timed;
use crate::migrations::{self, MigrationSet, Report};
use crate::pg::{self, quote_ident, quote_literal, Superuser};
use crate::progress::Progress;
use crate::standing::{self, Standing};

/// `CREATE DATABASE new`, like `DB_NAME` (or, without one, like
/// `xivo-init-db` makes it) but closed to connections (the caller records
/// its oid, then opens it); the owner role is created when missing.
pub async fn create(postgres: &Client, config: &Config, new: &str) -> Result<(), String> {
    let owner = &config.db_owner;
    if crate::provision::ensure_owner_role(config, postgres)
        .await
        .map_err(|e| e.to_string())?
    {
        log::info!("created role '{owner}' (DB_OWNER)");
    }
    let like = postgres
        .query_opt(
            "SELECT datcollate::text, datctype::text FROM pg_database WHERE datname = $1",
            &[&config.db_name],
        )
        .await
        .map_err(|e| {
            format!(
                "reading the locale of '{}': {}",
                config.db_name,
                pg::describe(&e)
            )
        })?;
    let locale = match like {
        Some(r) => format!(
            " LC_COLLATE {} LC_CTYPE {}",
            quote_literal(&r.get::<_, String>(0)),
            quote_literal(&r.get::<_, String>(1))
        ),
        None => crate::provision::utf8_locale(postgres)
            .await
            .map_err(|e| e.to_string())?,
    };
    let closed = format!("{locale} ALLOW_CONNECTIONS false");
    crate::provision::create_utf8_database(postgres, new, owner, &closed)
        .await
        .map_err(|e| e.to_string())
}

/// Kills `pg_restore` when the restore is dropped (a signal, an error):
/// it must not go on writing into a database about to be dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// How `pg_restore` reads the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// `-j JOBS` from the file by name: data loaded and indexes built by
    /// parallel workers. Progress in table-of-contents entries.
    Parallel,
    /// One process, the archive on its stdin, opened by us. Progress in
    /// bytes read.
    Stdin,
}

/// Parallel workers: the host has few cores, and the PBX keeps running
/// during the load.
const JOBS: &str = "2";

/// `-j` workers reopen the archive by name, as the user `pg_restore` runs
/// as (the peer user when we are root), who may not be allowed to read a
/// file we can: the same command, as that user, must list it first.
/// Otherwise (or if the probe cannot run) the archive goes on stdin.
pub fn reading(superuser: &Superuser, program: &Path, path: &Path, new: &str) -> Reading {
    let listed = superuser
        .client_command(program, new)
        .args(["--list", "--file=/dev/null"])
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if listed {
        Reading::Parallel
    } else {
        Reading::Stdin
    }
}

/// Where the progress comes from.
enum Source {
    /// The archive's offset, shared with the child through the file
    /// description.
    Offset(std::fs::File),
    /// Entries the verbose output says are done, counted by the reader of
    /// stderr.
    Entries(Arc<AtomicU64>),
}

/// `pg_restore --no-owner --no-acl --exit-on-error -d new`, read as
/// `reading` says. Its first error line on failure; not logged here: a
/// failure may be the backup's, which the caller then tells apart.
pub async fn pg_restore(
    superuser: &Superuser,
    program: &Path,
    dump: &Dump,
    new: &str,
    reading: Reading,
) -> Result<(), String> {
    let mut cmd = superuser.client_command(program, new);
    cmd.args([
        "--no-owner",
        "--no-acl",
        "--exit-on-error",
        "--verbose",
        "--dbname",
        new,
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let done = Arc::new(AtomicU64::new(0));
    let (source, unit, total) = match reading {
        Reading::Parallel => {
            cmd.args(["--jobs", JOBS])
                .arg(&dump.path)
                .stdin(Stdio::null());
            (Source::Entries(Arc::clone(&done)), "entries", dump.entries)
        }
        Reading::Stdin => {
            let file = std::fs::File::open(&dump.path)
                .map_err(|e| format!("cannot open '{}': {e}", dump.path.display()))?;
            let offset = file
                .try_clone()
                .map_err(|e| format!("cannot open '{}': {e}", dump.path.display()))?;
            cmd.stdin(Stdio::from(file));
            (Source::Offset(offset), "bytes", dump.size)
        }
    };
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    if let Some(stderr) = child.stderr.take() {
        let errors = Arc::clone(&errors);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("error:") || line.contains("FATAL") || line.contains("ERROR") {
                    if let Ok(mut e) = errors.lock() {
                        e.push(line);
                    }
                } else if line.contains(": creating ") || line.contains(": finished item ") {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    let mut running = Running(child);
    let mut progress = Progress::new(format!("restoring '{}'", dump.path.display()), unit, total);
    let status = loop {
        match running.0.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {
                let at = match &source {
                    Source::Offset(f) => {
                        let mut f = f;
                        f.stream_position().unwrap_or(0)
                    }
                    Source::Entries(n) => n.load(Ordering::Relaxed),
                };
                progress.update(at);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(format!("waiting for pg_restore: {e}")),
        }
    };
    if !status.success() {
        // Give the reader thread a moment to take the last lines.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let why = errors
            .lock()
            .ok()
            .and_then(|e| e.first().cloned())
            .unwrap_or_else(|| format!("pg_restore exited with {status}"));
        return Err(format!("pg_restore into '{new}' failed: {}", why.trim()));
    }
    progress.finish(total);
    Ok(())
}

/// Every object of `new` given to `DB_OWNER`, and the grants `xivo-init-db`
/// gives, in one transaction.
pub async fn own(new_client: &mut Client, owner: &str) -> Result<(), String> {
    let tx = new_client
        .transaction()
        .await
        .map_err(|e| format!("starting a transaction: {}", pg::describe(&e)))?;
    crate::merge::take_all(&tx, owner)
        .await
        .map_err(|e| e.to_string())?;
    let q = quote_ident(owner);
    tx.batch_execute(&format!(
        "GRANT ALL ON ALL TABLES IN SCHEMA public TO {q};\n\
         GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {q};\n\
         GRANT ALL ON ALL FUNCTIONS IN SCHEMA public TO {q};"
    ))
    .await
    .map_err(|e| format!("granting rights to role '{owner}': {}", pg::describe(&e)))?;
    tx.commit().await.map_err(|e| {
        format!(
            "giving the restored objects to '{owner}': {}",
            pg::describe(&e)
        )
    })
}

/// The restored database to this package's head.
pub(super) async fn upgrade(
    client: &mut Client,
    new: &str,
    set: &MigrationSet,
    owner: &str,
) -> Result<(), String> {
    let standing = standing::classify(Some(client), new, set)
        .await
        .map_err(|e| e.to_string())?;
    let Standing::Versioned { current, plan, .. } = standing else {
        return Err("the restored database holds no versioned schema".into());
    };
    if plan.is_empty() {
        log::info!("the backup is at head {}", set.head());
        return Ok(());
    }
    log::info!(
        "the backup is at {}: {} migration(s) to apply up to {}: {plan}",
        current.join(", "),
        plan.len(),
        set.head()
    );
    timed("upgrading the restored database", async {
        migrations::run_plan(client, set, owner, &plan, Report::default())
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await
}

//! The master's replication slot: created with an exported snapshot (the
//! initial copy reads exactly that snapshot, so the subscription starts
//! where the copy ends: no row twice, none missed), inspected, dropped.
//!
//! Only the replication protocol exports a slot's snapshot
//! (`CREATE_REPLICATION_SLOT ... (SNAPSHOT 'export')`), and the snapshot
//! lives as long as that session stays idle: a psql in `replication=database`
//! mode is kept open on a pipe for the length of the copy.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};

use tokio_postgres::Client;

use super::{HaError, NAME};
use crate::error::Error;
use crate::pg::{self, Superuser};

/// Our slot on the master: whether a walsender uses it (its pid).
pub async fn active_pid(master: &Client) -> Result<Option<Option<i32>>, Error> {
    let row = master
        .query_opt(
            "SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1",
            &[&NAME],
        )
        .await
        .map_err(|e| HaError::step("reading the replication slot on the master", &e))?;
    Ok(row.map(|r| r.get(0)))
}

/// Drop it when it exists, ending the walsender using it first (its
/// subscriber retries, and finds no slot: that is the point).
pub async fn drop(master: &Client) -> Result<bool, Error> {
    let what = "dropping the replication slot on the master";
    for _ in 0..50 {
        match active_pid(master).await? {
            None => return Ok(false),
            Some(Some(pid)) => {
                master
                    .query_one("SELECT pg_terminate_backend($1)", &[&pid])
                    .await
                    .map_err(|e| HaError::step(what, &e))?;
            }
            Some(None) => {
                match master
                    .query_one("SELECT pg_drop_replication_slot($1)", &[&NAME])
                    .await
                {
                    Ok(_) => return Ok(true),
                    // Taken again between the two statements: once more.
                    Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::OBJECT_IN_USE) => {
                    }
                    Err(e) => return Err(HaError::step(what, &e).into()),
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(HaError::Step {
        what: what.into(),
        reason: format!("slot {NAME} stays in use"),
    }
    .into())
}

/// The session holding a new slot's exported snapshot; the snapshot ends
/// with it (dropped: psql's stdin closes, psql exits).
pub struct Exported {
    child: Child,
    pub snapshot: String,
}

impl Drop for Exported {
    fn drop(&mut self) {
        std::mem::drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Create the slot (pgoutput) and export its snapshot.
pub fn create_exported(admin: &Superuser, db: &str, server_major: u32) -> Result<Exported, Error> {
    let what = "creating the replication slot on the master";
    let psql = pg::client_program("psql", server_major)?;
    let mut cmd = admin.client_command(&psql, db);
    cmd.args(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(format!(
            "dbname='{}' replication=database",
            db.replace('\\', "\\\\").replace('\'', "\\'")
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| HaError::Step {
        what: what.into(),
        reason: format!("cannot run {}: {e}", psql.display()),
    })?;
    let sent = child.stdin.as_mut().map(|i| {
        i.write_all(
            format!("CREATE_REPLICATION_SLOT {NAME} LOGICAL pgoutput (SNAPSHOT 'export');\n")
                .as_bytes(),
        )
        .and_then(|()| i.flush())
    });
    let mut line = String::new();
    if let (Some(Ok(())), Some(out)) = (sent, child.stdout.as_mut()) {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    // slot_name|consistent_point|snapshot_name|output_plugin
    let snapshot = line
        .trim()
        .split('|')
        .nth(2)
        .unwrap_or_default()
        .to_string();
    if snapshot.is_empty() {
        std::mem::drop(child.stdin.take());
        let out = child.wait_with_output();
        let reason = out
            .map(|o| String::from_utf8_lossy(&o.stderr).trim().replace('\n', " "))
            .unwrap_or_else(|e| e.to_string());
        return Err(HaError::Step {
            what: what.into(),
            reason: crate::secrets::mask(&reason),
        }
        .into());
    }
    Ok(Exported { child, snapshot })
}

//! The load's two halves, run at once: the master's tables read one after
//! the other on its connection into a bounded queue, and the slave writing
//! them as they come (COPY FROM, then that table's deferred indexes). With
//! one stream per table taken in turn, the master sat idle whenever the
//! slave finished a COPY or built an index, and the slave whenever the
//! master started its next COPY; the queue lets each run at its own pace,
//! within `QUEUE_PIECES` pieces of `PIECE_BYTES` (memory stays bounded).
//!
//! Whatever stops either half stops the other and the slave's transaction
//! is never committed: a table whose rows did not all arrive is never
//! finished (its COPY is abandoned with the transaction).

use std::collections::BTreeMap;

use bytes::{Bytes, BytesMut};
use futures_util::{pin_mut, SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_postgres::{Client, Transaction};

use super::indexes::{self, Deferred};
use crate::error::Error;
use crate::merge::copy::{CopyFormat, Table};
use crate::pg;
use crate::progress::Progress;

/// Bytes gathered from the master before they are queued for the slave.
const PIECE_BYTES: usize = 256 * 1024;
/// Pieces the queue holds: 64 MiB at most between the two halves.
const QUEUE_PIECES: usize = 256;

enum Piece {
    /// Rows of the current table (the master's messages, concatenated), and
    /// how many messages they were (binary COPY: one per row, near enough
    /// for progress).
    Rows(Bytes, u64),
    /// The current table is complete; the next piece starts the next one.
    End,
}

/// Copy `tables` (in order) from `master` into `slave`, building each
/// table's `deferred` indexes right after its rows. Every COPY into the
/// slave is `FREEZE` (the tables were truncated in this transaction).
/// Returns the rows copied, as the slave counted them.
pub async fn load(
    master: &Client,
    slave: &Transaction<'_>,
    tables: &[(Table, CopyFormat)],
    deferred: &[Deferred],
    progress: &mut Progress,
) -> Result<u64, Error> {
    let (queue, mut arrivals) = mpsc::channel::<Piece>(QUEUE_PIECES);
    let read = async move {
        for (table, format) in tables {
            let options = match format {
                CopyFormat::Text => "",
                CopyFormat::Binary => " (FORMAT binary)",
            };
            let what = format!("reading the rows of {} on the master", table.qualified());
            let out = master
                .copy_out(&format!(
                    "COPY {} ({}) TO STDOUT{options}",
                    table.qualified(),
                    table.column_list()
                ))
                .await
                .map_err(|e| pg::query_error(&what, &e))?;
            pin_mut!(out);
            let mut piece = BytesMut::with_capacity(PIECE_BYTES);
            let mut messages = 0u64;
            while let Some(chunk) = out.next().await {
                let chunk = chunk.map_err(|e| pg::query_error(&what, &e))?;
                piece.extend_from_slice(&chunk);
                messages += match format {
                    CopyFormat::Text => chunk.iter().filter(|&&b| b == b'\n').count() as u64,
                    CopyFormat::Binary => 1,
                };
                if piece.len() >= PIECE_BYTES {
                    let full = Piece::Rows(piece.split().freeze(), messages);
                    messages = 0;
                    if queue.send(full).await.is_err() {
                        // The slave's half stopped: its error is the story.
                        return Ok(());
                    }
                }
            }
            if !piece.is_empty()
                && queue
                    .send(Piece::Rows(piece.freeze(), messages))
                    .await
                    .is_err()
            {
                return Ok(());
            }
            if queue.send(Piece::End).await.is_err() {
                return Ok(());
            }
        }
        Ok::<(), Error>(())
    };
    let mut by_table: BTreeMap<String, Vec<&Deferred>> = BTreeMap::new();
    for d in deferred {
        by_table.entry(d.table.clone()).or_default().push(d);
    }
    let write = async move {
        let mut copied = 0u64;
        let mut seen = 0u64;
        for (table, format) in tables {
            let what = format!("copying the rows of {} into the slave", table.qualified());
            let options = match format {
                CopyFormat::Text => " (FREEZE)",
                CopyFormat::Binary => " (FORMAT binary, FREEZE)",
            };
            let sink = slave
                .copy_in::<_, Bytes>(&format!(
                    "COPY {} ({}) FROM STDIN{options}",
                    table.qualified(),
                    table.column_list()
                ))
                .await
                .map_err(|e| pg::query_error(&what, &e))?;
            pin_mut!(sink);
            loop {
                match arrivals.recv().await {
                    Some(Piece::Rows(bytes, messages)) => {
                        sink.send(bytes)
                            .await
                            .map_err(|e| pg::query_error(&what, &e))?;
                        seen += messages;
                        progress.update(seen);
                    }
                    Some(Piece::End) => break,
                    // Only when the master's half failed, whose error wins.
                    None => {
                        return Err(Error::Other(format!(
                            "the master's rows of {} stopped before their end",
                            table.qualified()
                        )))
                    }
                }
            }
            copied += sink
                .as_mut()
                .finish()
                .await
                .map_err(|e| pg::query_error(&what, &e))?;
            if let Some(list) = by_table.get(&table.qualified()) {
                indexes::create_all(slave, list).await?;
            }
            fail_point!("replicate.each_table");
        }
        Ok::<u64, Error>(copied)
    };
    // The first error ends both halves: a reader waiting on the master
    // (a lock held there) must not delay the report of the slave's failure.
    tokio::pin!(read, write);
    let mut read_done = false;
    loop {
        tokio::select! {
            // The reader first: when it fails, the writer sees its queue
            // closed, and the reader's error is the one to report.
            biased;
            r = &mut read, if !read_done => {
                r?;
                read_done = true;
            }
            // Done only after the last table's end, which the reader sent.
            w = &mut write => return w,
        }
    }
}

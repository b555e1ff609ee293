//! Moving rows and sequence values between two connections: one COPY stream
//! per table, inside the caller's transaction on the target side; no SQL
//! text, no process in between. The merge moves `xivo` into `asterisk` in
//! text format (`copy_table`); `replicate` moves the master's tables to the
//! slave in binary format where the types allow it (`CopyFormat`), through
//! its own pipeline (src/replicate/pipeline.rs).

use bytes::{Bytes, BytesMut};
use futures_util::{pin_mut, SinkExt, StreamExt};
use tokio_postgres::{Client, Transaction};

use crate::pg::{self, quote_ident, PgError};
use crate::progress::Progress;

/// Bytes gathered before each write to the target.
const BATCH_BYTES: usize = 256 * 1024;

/// How the rows travel: PostgreSQL's text format, or its binary format
/// (faster: no formatting and parsing of every value, but only between
/// identical types, and a value of an array or composite type carries the
/// type's OID, which differs between clusters for types made after initdb).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyFormat {
    Text,
    Binary,
}

/// A table whose rows move.
#[derive(Debug, Clone)]
pub struct Table {
    /// As PostgreSQL's quote_ident writes it, e.g. `public."user"`: the
    /// same spelling as every other name the merge compares.
    qualified: String,
    /// Its schema and name as stored (unquoted).
    pub schema: String,
    pub name: String,
    /// Columns COPY can write (no dropped or generated ones), in order.
    pub columns: Vec<String>,
    /// Planner estimate, for progress only.
    pub estimated_rows: u64,
}

impl Table {
    pub fn qualified(&self) -> String {
        self.qualified.clone()
    }
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every ordinary table of the database, with its copyable columns.
pub async fn list_tables(client: &Client) -> Result<Vec<Table>, PgError> {
    let rows = client
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), greatest(c.reltuples, 0)::bigint, \
                    array_agg(a.attname::text ORDER BY a.attnum), n.nspname::text, c.relname::text \
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
                                  AND a.attgenerated = '' \
              WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' \
              GROUP BY n.nspname, c.relname, c.reltuples ORDER BY 1",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("listing the tables of the database to merge", &e))?;
    Ok(rows
        .iter()
        .map(|r| Table {
            qualified: r.get(0),
            estimated_rows: r.get::<_, i64>(1).max(0) as u64,
            columns: r.get(2),
            schema: r.get(3),
            name: r.get(4),
        })
        .collect())
}

/// Stream the rows of `table` from `source` into `target` (the same name
/// there, or `into` when given), in text format. Returns the rows copied,
/// as the target counted them.
pub async fn copy_table(
    source: &Client,
    target: &Transaction<'_>,
    table: &Table,
    into: Option<&str>,
    progress: &mut Progress,
    done_before: u64,
) -> Result<u64, PgError> {
    let what = format!("copying the rows of {}", table.qualified());
    let columns = table.column_list();
    let out = source
        .copy_out(&format!("COPY {} ({columns}) TO STDOUT", table.qualified()))
        .await
        .map_err(|e| pg::query_error(&what, &e))?;
    let destination = into
        .map(str::to_string)
        .unwrap_or_else(|| table.qualified());
    let sink = target
        .copy_in::<_, Bytes>(&format!("COPY {destination} ({columns}) FROM STDIN"))
        .await
        .map_err(|e| pg::query_error(&what, &e))?;
    pin_mut!(out);
    pin_mut!(sink);
    // The source yields one message per row; batching them saves a write
    // (and a flush) per row on the target connection.
    let mut batch = BytesMut::with_capacity(BATCH_BYTES);
    let mut rows_seen = 0u64;
    while let Some(chunk) = out.next().await {
        let chunk = chunk.map_err(|e| pg::query_error(&what, &e))?;
        // One line per row (newlines inside values are escaped).
        rows_seen += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        batch.extend_from_slice(&chunk);
        if batch.len() >= BATCH_BYTES {
            sink.send(batch.split().freeze())
                .await
                .map_err(|e| pg::query_error(&what, &e))?;
            progress.update(done_before + rows_seen);
        }
    }
    if !batch.is_empty() {
        sink.send(batch.freeze())
            .await
            .map_err(|e| pg::query_error(&what, &e))?;
    }
    progress.update(done_before + rows_seen);
    sink.as_mut()
        .finish()
        .await
        .map_err(|e| pg::query_error(&what, &e))
}

/// A sequence and where it stands.
#[derive(Debug, Clone)]
pub struct Sequence {
    pub qualified: String,
    pub last_value: i64,
    pub is_called: bool,
}

/// Every sequence of the database with its current value.
pub async fn list_sequences(client: &Client) -> Result<Vec<Sequence>, PgError> {
    let names = client
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("listing the sequences of the database to merge", &e))?;
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let qualified: String = n.get(0);
        let row = client
            .query_one(
                &format!("SELECT last_value, is_called FROM {qualified}"),
                &[],
            )
            .await
            .map_err(|e| pg::query_error(format!("reading sequence {qualified}"), &e))?;
        out.push(Sequence {
            qualified,
            last_value: row.get(0),
            is_called: row.get(1),
        });
    }
    Ok(out)
}

/// Set `seq` in the target to at least its value in the source.
pub async fn set_sequence(
    target: &Transaction<'_>,
    seq: &Sequence,
    keep_higher: bool,
) -> Result<(), PgError> {
    // The name and the values go as parameters: no quoting to get wrong.
    let result = if keep_higher {
        // A sequence both databases had (an identical table merged): never
        // go back below either side.
        target
            .execute(
                "SELECT setval($1::text::regclass, greatest($2::bigint, \
                        coalesce(pg_sequence_last_value($1::text::regclass), 0)), true)",
                &[&seq.qualified, &seq.last_value],
            )
            .await
    } else {
        target
            .execute(
                "SELECT setval($1::text::regclass, $2::bigint, $3::bool)",
                &[&seq.qualified, &seq.last_value, &seq.is_called],
            )
            .await
    };
    result
        .map(|_| ())
        .map_err(|e| pg::query_error(format!("setting sequence {}", seq.qualified), &e))
}

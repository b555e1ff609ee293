//! `--keep-system-config`: the host's own configuration (network
//! interfaces, resolver, DHCP server) stays what it is on this machine, not
//! what the backup's machine had. The rows of the system tables are taken
//! from the current `DB_NAME` into the restored database, replacing the
//! backup's, streamed by `COPY` between two connections in one transaction
//! on the restored database, and each serial's sequence is set past its
//! column's highest value.
//!
//! Reads `DB_NAME`, writes only the restored database.

use futures_util::{pin_mut, SinkExt, StreamExt};
use tokio_postgres::{Client, GenericClient};

use crate::pg::{self, quote_ident};

/// The tables of the system configuration (the 14.08 restore notes: the
/// current dhcp, netiface and resolvconf are kept).
pub const SYSTEM_TABLES: [&str; 3] = ["dhcp", "netiface", "resolvconf"];

/// The copyable columns of `public.<table>`, in order; empty when there is
/// no such table.
async fn columns(client: &impl GenericClient, table: &str) -> Result<Vec<String>, String> {
    let rows = client
        .query(
            "SELECT a.attname::text FROM pg_attribute a \
              WHERE a.attrelid = to_regclass('public.' || quote_ident($1)) \
                AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum",
            &[&table],
        )
        .await
        .map_err(|e| format!("reading the columns of {table}: {}", pg::describe(&e)))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Before anything changes: `current` has every system table.
pub async fn check(current: &Client, db: &str) -> Result<(), String> {
    for t in SYSTEM_TABLES {
        if columns(current, t).await?.is_empty() {
            return Err(format!(
                "--keep-system-config: database '{db}' has no table {t} to keep; restore without \
                 --keep-system-config; nothing changed"
            ));
        }
    }
    Ok(())
}

/// Replace the system tables' rows of `restored` by those of `current`.
pub async fn keep(current: &Client, restored: &mut Client) -> Result<(), String> {
    let tx = restored
        .transaction()
        .await
        .map_err(|e| format!("starting a transaction: {}", pg::describe(&e)))?;
    for t in SYSTEM_TABLES {
        let theirs = columns(&tx, t).await?;
        if theirs.is_empty() {
            return Err(format!(
                "--keep-system-config: the backup has no table {t}: restore without --keep-system-config"
            ));
        }
        // Columns of both: one the backup lacks cannot be kept; one only
        // the backup has takes its default.
        let cols: Vec<String> = columns(current, t)
            .await?
            .into_iter()
            .filter(|c| theirs.contains(c))
            .collect();
        let list = cols
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let qualified = format!("public.{}", quote_ident(t));
        tx.batch_execute(&format!("DELETE FROM {qualified}"))
            .await
            .map_err(|e| format!("emptying {t} of the backup: {}", pg::describe(&e)))?;
        let failed =
            |e: tokio_postgres::Error| format!("copying the rows of {t}: {}", pg::describe(&e));
        let out = current
            .copy_out(&format!("COPY {qualified} ({list}) TO STDOUT"))
            .await
            .map_err(failed)?;
        let sink = tx
            .copy_in::<_, bytes::Bytes>(&format!("COPY {qualified} ({list}) FROM STDIN"))
            .await
            .map_err(failed)?;
        pin_mut!(out);
        pin_mut!(sink);
        while let Some(chunk) = out.next().await {
            sink.send(chunk.map_err(failed)?).await.map_err(failed)?;
        }
        let rows = sink.finish().await.map_err(failed)?;
        for c in &cols {
            let seq: Option<String> = tx
                .query_one("SELECT pg_get_serial_sequence($1, $2)", &[&qualified, c])
                .await
                .map_err(|e| format!("looking up the sequence of {t}.{c}: {}", pg::describe(&e)))?
                .get(0);
            let Some(seq) = seq else { continue };
            tx.execute(
                &format!(
                    "SELECT setval($1::text::regclass, m) FROM (SELECT max({})::bigint AS m FROM {qualified}) q \
                      WHERE m IS NOT NULL",
                    quote_ident(c)
                ),
                &[&seq],
            )
            .await
            .map_err(|e| format!("setting sequence {seq} past {t}.{c}: {}", pg::describe(&e)))?;
        }
        log::info!("kept the {rows} row(s) of {t} of this host");
    }
    tx.commit()
        .await
        .map_err(|e| format!("keeping the system configuration: {}", pg::describe(&e)))
}

//! The slave's COMMIT, and what to say when the connection is lost during
//! it: the slave may have committed or not, and the run cannot tell from
//! that connection. The transaction's id, read before the COMMIT, is asked
//! about on a new connection (`txid_status`, which PostgreSQL keeps for
//! this very case): committed, the run is done; aborted, it was rolled
//! back; the slave unreachable again, or still deciding, the outcome is
//! unknown and the message says to check the slave (exit 1). Never
//! "rolled back" without the slave saying so.

use std::time::Duration;

use tokio_postgres::Transaction;

use super::slave::Slave;
use crate::error::{Error, Left};
use crate::pg;

/// How long a transaction the slave still reports "in progress" (its
/// session has not yet seen the connection go) is asked about again.
const SETTLE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// Commit `tx` on `slave`. Ok when the slave committed, even if the
/// connection was lost before it said so.
pub async fn commit(tx: Transaction<'_>, slave: &Slave) -> Result<(), Error> {
    let what = "committing on the slave";
    let xid: i64 = tx
        .query_one("SELECT txid_current()", &[])
        .await
        .map_err(|e| Error::Pg(pg::query_error(what, &e)).during_change(Left::RolledBack))?
        .get(0);
    let lost = match tx.commit().await {
        Ok(()) => return Ok(()),
        // The slave answered with an error: it rolled back.
        Err(e) if e.as_db_error().is_some() => {
            return Err(Error::Pg(pg::query_error(what, &e)).during_change(Left::RolledBack))
        }
        Err(e) => Error::Pg(pg::query_error(what, &e)),
    };
    match status(slave, xid).await {
        Ok(Some(s)) if s == "committed" => {
            log::warn!("{lost}; the slave says the transaction committed");
            Ok(())
        }
        Ok(Some(s)) if s == "aborted" => Err(lost.during_change(Left::RolledBack)),
        Ok(other) => {
            log::warn!(
                "the slave reports the transaction as {}",
                other.as_deref().unwrap_or("too old to know")
            );
            Err(unknown(lost))
        }
        Err(e) => {
            log::warn!("asking the slave what became of the transaction: {e}");
            Err(unknown(lost))
        }
    }
}

fn unknown(lost: Error) -> Error {
    lost.during_change(Left::Unknown {
        check: "the slave (its replicated tables hold either the master's rows or \
                their own; running the replication again makes them the master's)",
    })
}

/// `txid_status` of `xid` on a new connection, asked again while it is
/// "in progress", up to `SETTLE`.
async fn status(slave: &Slave, xid: i64) -> Result<Option<String>, Error> {
    let client = slave.connect().await?;
    let started = std::time::Instant::now();
    loop {
        let s: Option<String> = client
            .query_one("SELECT txid_status($1)", &[&xid])
            .await
            .map_err(|e| pg::query_error("asking the slave about the transaction", &e))?
            .get(0);
        if s.as_deref() != Some("in progress") || started.elapsed() >= SETTLE {
            return Ok(s);
        }
        tokio::time::sleep(POLL).await;
    }
}

//! What shares a database with the snapshot and must step aside while the
//! copy is made or swapped back: the snapshot only calls it at those
//! moments, never knowing what it is. The orchestration that takes, rolls
//! back or discards a snapshot passes one in (continuous replication:
//! `ha::across_snapshot::Replication`).

use std::future::Future;

use tokio_postgres::Client;

/// The moments of a snapshot something else must act at, on one database.
/// Errors are one line of text: the snapshot reports them as its own.
pub trait Bystander {
    /// What `detach` removed, for `reattach` to put back.
    type Detached;
    /// Before the copy of `db` is made.
    fn pause(&self, postgres: &Client, db: &str) -> impl Future<Output = Result<(), String>>;
    /// After the copy of `db` is dropped (the snapshot is no longer needed).
    fn resume(&self, postgres: &Client, db: &str) -> impl Future<Output = Result<(), String>>;
    /// Before `db` is dropped to put its copy back.
    fn detach(
        &self,
        postgres: &Client,
        db: &str,
    ) -> impl Future<Output = Result<Option<Self::Detached>, String>>;
    /// After the copy is back as `db`.
    fn reattach(&self, db: &str, d: Self::Detached) -> impl Future<Output = Result<(), String>>;
}

//! The values the slave's sequences get: the master's, except that a
//! sequence the slave also uses from a table that is not copied (a table of
//! its own, one inheriting a copied table's default, an excluded one) never
//! goes below what the slave has drawn from it: its own rows keep their ids
//! and its next inserts reuse none of them.

use std::collections::BTreeSet;

use tokio_postgres::GenericClient;

use super::catalog;
use crate::error::Error;
use crate::merge::copy::Sequence;

/// `master`'s sequences as the slave is to have them; `copied` names the
/// tables the run copies. Read inside the slave's transaction, before
/// anything is set.
pub async fn for_slave(
    slave: &impl GenericClient,
    master: &[Sequence],
    copied: &BTreeSet<String>,
) -> Result<Vec<Sequence>, Error> {
    let wanted: BTreeSet<&str> = master.iter().map(|s| s.qualified.as_str()).collect();
    let shared: Vec<String> = catalog::sequence_uses(slave, "slave")
        .await?
        .into_iter()
        .filter(|u| wanted.contains(u.qualified.as_str()))
        .filter(|u| u.tables.iter().any(|t| !copied.contains(t)))
        .map(|u| u.qualified)
        .collect();
    if shared.is_empty() {
        return Ok(master.to_vec());
    }
    let theirs = catalog::sequence_values(slave, &shared, "slave").await?;
    Ok(master
        .iter()
        .map(
            |m| match theirs.iter().find(|t| t.qualified == m.qualified) {
                Some(t) if drawn(t) > drawn(m) => {
                    log::info!(
                        "sequence {} kept at the slave's {} (the master's is {}): tables of the \
                     slave's own draw from it",
                        m.qualified,
                        drawn(t),
                        drawn(m)
                    );
                    t.clone()
                }
                _ => m.clone(),
            },
        )
        .collect())
}

/// The last value a sequence handed out (or the one before its next, when
/// it has handed out none).
fn drawn(s: &Sequence) -> i64 {
    if s.is_called {
        s.last_value
    } else {
        s.last_value.saturating_sub(1)
    }
}

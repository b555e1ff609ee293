//! Where the database stands: the one classification `xivo-check-db`,
//! `xivo-manage-db status`, the maintainer scripts and `xivo-update-db` work
//! from, with the plan to head computed here and nowhere else.
//!
//! Read-only: it never changes the database. It knows the schema's
//! versioning (`alembic_version`, the history table) and the 14.07 system's
//! shape, nothing of services, snapshots or locks.

use tokio_postgres::Client;

use crate::migrations::{self, Edited, MigrationError, MigrationSet, Plan};
use crate::pg::{self, PgError, Superuser};

/// Where `DB_NAME` stands against a migration set.
#[derive(Debug)]
pub enum Standing<'a> {
    /// There is no such database.
    Missing,
    /// It exists with no relation in it: provisioning never committed.
    Empty,
    /// Tables but no `alembic_version`: the 14.07 system.
    Legacy,
    /// The new system: at `current`, with `plan` to reach head (empty at
    /// head, also for an intermediate set of heads left between segments),
    /// and the applied migrations whose file changed since. `recorded` is
    /// false when this package's history table is absent: other tools
    /// versioned it (a host upstream XiVO 14.08 upgraded), so nothing is
    /// known of how it got there.
    Versioned {
        current: Vec<String>,
        plan: Plan<'a>,
        edited: Vec<Edited>,
        recorded: bool,
    },
}

impl Standing<'_> {
    /// At the set's head, nothing pending.
    pub fn at_head(&self) -> bool {
        matches!(self, Standing::Versioned { plan, .. } if plan.is_empty())
    }
}

/// A connection to `db`, or `None` when it does not exist.
pub async fn connect(superuser: &Superuser, db: &str) -> Result<Option<Client>, PgError> {
    match superuser.connect(db).await {
        Ok(c) => Ok(Some(c)),
        Err(e) if e.is_missing_database() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Classify the database `client` is connected to (`None`: it does not
/// exist). A revision this set does not know (a newer package upgraded it)
/// is `MigrationError::UnknownRevision`; an empty `alembic_version` is
/// `MigrationError::NoRevision`.
pub async fn classify<'a>(
    client: Option<&Client>,
    db: &str,
    set: &'a MigrationSet,
) -> Result<Standing<'a>, MigrationError> {
    let Some(client) = client else {
        return Ok(Standing::Missing);
    };
    let Some(current) = migrations::current_revisions(client).await? else {
        return Ok(if has_relations(client).await? {
            Standing::Legacy
        } else {
            Standing::Empty
        });
    };
    if current.is_empty() {
        return Err(MigrationError::NoRevision { db: db.to_string() });
    }
    let history = migrations::applied_history(client).await?;
    let revisions = history.iter().flatten().map(|(r, _)| r.clone()).collect();
    let plan = set.plan(&current, &revisions)?;
    Ok(Standing::Versioned {
        edited: migrations::edited_migrations(set, history.as_deref().unwrap_or_default()),
        recorded: history.is_some(),
        current,
        plan,
    })
}

/// True when the connected database holds any relation of its own.
pub async fn has_relations(client: &Client) -> Result<bool, PgError> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
               AND n.nspname NOT LIKE 'pg_temp%')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("listing relations", &e))?;
    Ok(row.get(0))
}

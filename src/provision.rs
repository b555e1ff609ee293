//! Provisioning (`xivo-init-db`): the owner role, the database, the baseline,
//! every later version, the grants; and `--drop`.
//!
//! Resumable: a database that exists but is empty (a run interrupted between
//! CREATE DATABASE and the commit of the schema) is provisioned in place. A
//! database with anything in it is never touched here. A failure once the
//! first change is made says so (`Left::Unfinished`, exit 1): the next run
//! resumes.

use std::fmt;

use tokio_postgres::Client;

use crate::config::Config;
use crate::error::{Error, Left};
use crate::migrations::{self, MigrationError, MigrationSet, Report};
use crate::pg::{self, quote_ident, quote_literal, PgError, Superuser};
use crate::standing::{self, Standing};

/// What provisioning or dropping the database can meet.
#[derive(Debug)]
pub enum ProvisionError {
    /// The database exists and is not empty, or is in use: nothing changed.
    Refused(String),
    /// A query failed or the cluster could not be reached.
    Db(PgError),
    /// The baseline or a version failed, or the database is at a revision
    /// the set does not know.
    Migration(MigrationError),
    /// `0` stopped the run after its first change: the next run resumes.
    Unfinished(Box<ProvisionError>),
}

impl ProvisionError {
    /// This error, met once the first change was made.
    fn unfinished(self) -> ProvisionError {
        match self {
            ProvisionError::Refused(_) | ProvisionError::Unfinished(_) => self,
            other => ProvisionError::Unfinished(Box::new(other)),
        }
    }
}

impl fmt::Display for ProvisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProvisionError::Refused(reason) => f.write_str(reason),
            ProvisionError::Db(e) => e.fmt(f),
            ProvisionError::Migration(e) => e.fmt(f),
            ProvisionError::Unfinished(cause) => cause.fmt(f),
        }
    }
}

impl std::error::Error for ProvisionError {}

impl From<PgError> for ProvisionError {
    fn from(e: PgError) -> Self {
        ProvisionError::Db(e)
    }
}

impl From<MigrationError> for ProvisionError {
    fn from(e: MigrationError) -> Self {
        ProvisionError::Migration(e)
    }
}

/// The commands' exit codes: refused 1, unreachable 2, a failure after the
/// first change 1 saying the next run resumes.
impl From<ProvisionError> for Error {
    fn from(e: ProvisionError) -> Self {
        match e {
            ProvisionError::Refused(reason) => Error::Refused(reason),
            ProvisionError::Db(e) => Error::Pg(e),
            ProvisionError::Migration(e) => Error::Migration(e),
            ProvisionError::Unfinished(cause) => {
                Error::from(*cause).during_change(Left::Unfinished)
            }
        }
    }
}

#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for ProvisionError {
    fn from(i: crate::failpoints::Injected) -> Self {
        ProvisionError::Db(i.into())
    }
}

/// `xivo-init-db --init`, the caller holding the run lock. Refuses (changing
/// nothing) when the database exists and is not empty.
pub async fn init(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
) -> Result<Report, ProvisionError> {
    let db = &config.db_name;
    let postgres = admin.connect("postgres").await?;
    let client = standing::connect(admin, db).await?;
    // The set does not matter to tell an empty database from a full one,
    // but a newer revision must still say "already exists".
    let standing = match standing::classify(client.as_ref(), db, set).await {
        Err(MigrationError::UnknownRevision { revision, .. }) => {
            return Err(already_exists(db, &revision))
        }
        other => other?,
    };
    drop(client);
    match standing {
        Standing::Empty => {
            log::info!("database '{db}' exists but is empty (interrupted provisioning): continuing");
            drop(postgres);
        }
        Standing::Versioned { current, .. } => return Err(already_exists(db, &current.join(", "))),
        Standing::Legacy => {
            return Err(ProvisionError::Refused(format!(
                "database '{db}' already exists and holds the 14.07 schema: nothing changed; run xivo-update-db to upgrade it"
            )))
        }
        Standing::Missing => {
            create_role_and_database(config, &postgres)
                .await
                .map_err(ProvisionError::unfinished)?;
            drop(postgres);
        }
    }
    apply_schema(config, admin, set)
        .await
        .map_err(ProvisionError::unfinished)
}

fn already_exists(db: &str, revision: &str) -> ProvisionError {
    ProvisionError::Refused(format!(
        "database '{db}' already exists (revision {revision}): nothing changed; \
         run xivo-update-db to upgrade it, or xivo-init-db --drop --init to recreate it (its data is lost)"
    ))
}

/// The baseline, every version and the grants, in the existing empty database.
async fn apply_schema(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
) -> Result<Report, ProvisionError> {
    let db = &config.db_name;
    let owner = &config.db_owner;
    let mut client = admin.connect(db).await?;
    let mut report = Report::default();
    {
        // The baseline and the transactional migrations that follow it
        // commit with the grants; the rest runs after, in order.
        let tx = migrations::begin_as(&mut client, owner).await?;
        let staged = migrations::run_in_transaction(&tx, set, &report).await?;
        fail_point!("provision.before_grants");
        let q = quote_ident(owner);
        tx.batch_execute(&format!(
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO {q};\n\
             GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {q};\n\
             GRANT ALL ON ALL FUNCTIONS IN SCHEMA public TO {q};"
        ))
        .await
        .map_err(|e| pg::query_error(format!("granting rights to role '{owner}'"), &e))?;
        tx.commit()
            .await
            .map_err(|e| pg::query_error(format!("committing the schema of '{db}'"), &e))?;
        fail_point!("provision.after_commit");
        report.applied.extend(staged);
    }
    let report = migrations::run(&mut client, set, owner, report).await?;
    log::info!("database '{db}' provisioned at revision {}", set.head());
    Ok(report)
}

async fn create_role_and_database(
    config: &Config,
    postgres: &Client,
) -> Result<(), ProvisionError> {
    let db = &config.db_name;
    let owner = &config.db_owner;
    fail_point!("provision.before_role");
    if ensure_owner_role(config, postgres).await? {
        log::info!("created role '{owner}'");
    } else {
        log::info!("role '{owner}' exists: kept as it is");
    }
    fail_point!("provision.before_database");
    let locale = utf8_locale(postgres).await?;
    create_utf8_database(postgres, db, owner, &locale).await?;
    log::info!("created database '{db}' owned by '{owner}'");
    Ok(())
}

/// Create the `DB_OWNER` role (LOGIN, `DB_PASSWORD`) unless it exists;
/// true when it was created. Shared with the restore's new database.
pub async fn ensure_owner_role(config: &Config, postgres: &Client) -> Result<bool, PgError> {
    let owner = &config.db_owner;
    if pg::role_exists(postgres, owner).await? {
        return Ok(false);
    }
    // Send a SCRAM verifier, never the password itself, so that not even
    // the server's statement log can show it.
    let verifier = postgres_protocol::password::scram_sha_256(config.db_password.as_bytes());
    postgres
        .batch_execute(&format!(
            "CREATE ROLE {} WITH LOGIN PASSWORD {}",
            quote_ident(owner),
            quote_literal(&verifier)
        ))
        .await
        .map_err(|e| pg::query_error(format!("creating role '{owner}'"), &e))?;
    Ok(true)
}

/// The locale clause of a new UTF8 database made from template0: none when
/// the cluster's is UTF-8 (or C), else C.UTF-8, which every Debian system has.
pub async fn utf8_locale(postgres: &Client) -> Result<String, PgError> {
    let ctype: String = postgres
        .query_one(
            "SELECT datctype::text FROM pg_database WHERE datname = 'template0'",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading the cluster's locale", &e))?
        .get(0);
    let lower = ctype.to_ascii_lowercase();
    Ok(
        if lower == "c" || lower == "posix" || lower.contains("utf8") || lower.contains("utf-8") {
            String::new()
        } else {
            " LOCALE 'C.UTF-8'".to_string()
        },
    )
}

/// `CREATE DATABASE name OWNER owner ENCODING 'UTF8' TEMPLATE template0`,
/// plus `locale` (a clause from `utf8_locale`, or one copied from another
/// database).
pub async fn create_utf8_database(
    postgres: &Client,
    name: &str,
    owner: &str,
    locale: &str,
) -> Result<(), PgError> {
    postgres
        .batch_execute(&format!(
            "CREATE DATABASE {} WITH OWNER {} ENCODING 'UTF8' TEMPLATE template0{locale}",
            quote_ident(name),
            quote_ident(owner)
        ))
        .await
        .map_err(|e| pg::query_error(format!("creating database '{name}'"), &e))
}

/// `xivo-init-db --drop`: drop the database and its owner role. Refuses,
/// naming them, while other sessions are connected.
pub async fn drop_database(config: &Config, admin: &Superuser) -> Result<(), ProvisionError> {
    let db = &config.db_name;
    let owner = &config.db_owner;
    let postgres = admin.connect("postgres").await?;
    if pg::database_exists(&postgres, db).await? {
        let sessions: Vec<String> = pg::sessions(&postgres, std::slice::from_ref(db))
            .await?
            .iter()
            .map(ToString::to_string)
            .collect();
        if !sessions.is_empty() {
            return Err(ProvisionError::Refused(format!(
                "database '{db}' has {} other session(s): {}; stop the services using it, then retry; nothing dropped",
                sessions.len(),
                sessions.join("; ")
            )));
        }
        match postgres
            .batch_execute(&format!("DROP DATABASE {}", quote_ident(db)))
            .await
        {
            Ok(()) => {}
            // Something took the database between the check and the DROP
            // (a new session, a prepared transaction): refused as above.
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::OBJECT_IN_USE) => {
                return Err(ProvisionError::Refused(format!(
                    "database '{db}' is in use: {}; stop the services using it (and end its prepared \
                     transactions, if any: see pg_prepared_xacts), then retry; nothing dropped",
                    pg::describe(&e)
                )))
            }
            Err(e) => {
                return Err(pg::query_error(format!("dropping database '{db}'"), &e).into())
            }
        }
        log::info!("dropped database '{db}'");
    } else {
        log::info!("database '{db}' does not exist: nothing to drop");
    }
    if pg::role_exists(&postgres, owner).await? {
        postgres.batch_execute(&format!("DROP ROLE {}", quote_ident(owner))).await.map_err(|e| {
            ProvisionError::from(pg::query_error(
                format!("dropping role '{owner}' (it may still own objects in other databases: reassign or drop them first)"),
                &e,
            ))
            .unfinished()
        })?;
        log::info!("dropped role '{owner}'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_say_whether_anything_changed() {
        let query = || PgError::Query {
            what: "creating database 'asterisk'".into(),
            reason: "disk full".into(),
        };
        // Before the first change: nothing attempted.
        assert_eq!(Error::from(ProvisionError::from(query())).exit_code(), 2);
        // After it: failed, and the next run resumes.
        let e = Error::from(ProvisionError::from(query()).unfinished());
        assert_eq!(e.exit_code(), 1);
        assert!(e.to_string().contains("run the command again"), "{e}");
        // Refused stays refused, also when met after a change.
        let refused = ProvisionError::Refused("in use".into()).unfinished();
        assert_eq!(Error::from(refused).exit_code(), 1);
        assert_eq!(
            ProvisionError::from(query())
                .unfinished()
                .unfinished()
                .to_string(),
            query().to_string()
        );
    }
}

//! One database's copy: `CREATE DATABASE <copy> TEMPLATE <db>`, with what a
//! template copy does not carry (owner, connection limit, privileges,
//! per-database settings) set to match, so that renaming the copy back gives
//! the database exactly as it was.
//!
//! How a copy is recognised, and why the live database can never be taken
//! for one: its name has our reserved prefix and a fixed shape (see
//! `super::name`), it was created with `ALLOW_CONNECTIONS false` (so nobody,
//! superusers included, can connect to it: a backup or a monitoring probe
//! can never block the rollback's RENAME), and a recorded copy is also
//! matched by its oid. A database comment, which the database's owner can
//! write, plays no part. The live database (`DB_NAME`) and `xivo` never match
//! the name, and the rename back sets their properties in the same
//! transaction, so no crash leaves a live database that looks like a copy.
//!
//! Above 400 lines: making a copy, recognising one and swapping it back
//! share one definition of what a copy is; split, they could drift apart.

use std::time::{Duration, Instant};

use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

use super::record::Copy;
use super::{name, sessions, SnapshotError};
use crate::pg::quote_ident;

/// CREATE DATABASE fails while a session is connected to the template; a
/// client reconnecting in a loop gets this many chances to lose the race.
const ATTEMPTS: u32 = 10;

/// What `pg_database` says about one database.
pub struct Meta {
    pub oid: u32,
    pub owner: String,
    pub connection_limit: i32,
    pub allow_connections: bool,
    pub comment: Option<String>,
    acl: Vec<(String, String, bool)>,
    has_acl: bool,
}

/// The properties of `db`, or `None` when it does not exist.
pub async fn meta(postgres: &Client, db: &str) -> Result<Option<Meta>, SnapshotError> {
    let what = || format!("reading the properties of database '{db}'");
    let Some(row) = postgres
        .query_opt(
            "SELECT oid, pg_get_userbyid(datdba)::text, datconnlimit, datallowconn, datacl IS NOT NULL, \
                    shobj_description(oid, 'pg_database') \
               FROM pg_database WHERE datname = $1",
            &[&db],
        )
        .await
        .map_err(|e| SnapshotError::db(what(), &e))?
    else {
        return Ok(None);
    };
    let acl = postgres
        .query(
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END, \
                    a.privilege_type, a.is_grantable \
               FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1 ORDER BY 1, 2",
            &[&db],
        )
        .await
        .map_err(|e| SnapshotError::db(what(), &e))?;
    Ok(Some(Meta {
        oid: row.get(0),
        owner: row.get(1),
        connection_limit: row.get(2),
        allow_connections: row.get(3),
        has_acl: row.get(4),
        comment: row.get(5),
        acl: acl.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect(),
    }))
}

/// Copy `db` to `copy` (no connection allowed to it, ever) and return the
/// copy's oid. The caller has stopped the services; sessions that come back
/// are ended (and logged) before each attempt.
pub async fn create(
    postgres: &Client,
    db: &str,
    copy: &str,
    comment: &str,
) -> Result<u32, SnapshotError> {
    let m = meta(postgres, db).await?.ok_or_else(|| SnapshotError::Db {
        what: format!("copying database '{db}'"),
        reason: "it does not exist".into(),
    })?;
    copy_files(postgres, db, copy, &m).await?;
    fail_point!("snapshot.each_copy_created");
    let setup =
        |e: tokio_postgres::Error| SnapshotError::db(format!("setting up snapshot '{copy}'"), &e);
    // The comment is for people listing the databases; it is never read.
    comment_on(postgres, copy, Some(comment))
        .await
        .map_err(setup)?;
    if m.has_acl {
        copy_grants(postgres, copy, &m).await.map_err(setup)?;
    }
    copy_settings(postgres, db, copy).await?;
    fail_point!("snapshot.each_copy_set_up");
    let oid = meta(postgres, copy)
        .await?
        .map(|m| m.oid)
        .ok_or_else(|| SnapshotError::Db {
            what: format!("looking up snapshot '{copy}'"),
            reason: "it vanished right after it was made".into(),
        })?;
    Ok(oid)
}

/// Give `to` the properties of `db` a database keeps apart from its
/// contents (owner, connection limit, comment, grants, per-database
/// settings): for a database about to take `db`'s place (`restore`).
pub async fn carry_properties(postgres: &Client, db: &str, to: &str) -> Result<(), SnapshotError> {
    let Some(m) = meta(postgres, db).await? else {
        return Ok(());
    };
    let setup = |e: tokio_postgres::Error| {
        SnapshotError::db(format!("giving '{to}' the properties of '{db}'"), &e)
    };
    postgres
        .batch_execute(&format!(
            "ALTER DATABASE {0} OWNER TO {1}; ALTER DATABASE {0} CONNECTION LIMIT {2}",
            quote_ident(to),
            quote_ident(&m.owner),
            m.connection_limit
        ))
        .await
        .map_err(setup)?;
    comment_on(postgres, to, m.comment.as_deref())
        .await
        .map_err(setup)?;
    if m.has_acl {
        copy_grants(postgres, to, &m).await.map_err(setup)?;
    }
    copy_settings(postgres, db, to).await
}

/// `CREATE DATABASE copy TEMPLATE db`, ending the sessions on `db` first
/// (and again if one slips in before the statement starts).
async fn copy_files(
    postgres: &Client,
    db: &str,
    copy: &str,
    m: &Meta,
) -> Result<(), SnapshotError> {
    // FILE_COPY (PostgreSQL 15; the only strategy before) copies the files
    // after a checkpoint instead of writing the whole database into WAL: on
    // a large queue_log it is both faster and lighter on disk.
    let major = crate::pg::server_major(postgres)
        .await
        .map_err(|e| SnapshotError::Db {
            what: "reading the server version".into(),
            reason: e.to_string(),
        })?;
    let strategy = if major >= 15 {
        " STRATEGY FILE_COPY"
    } else {
        ""
    };
    // Not connectable from the first moment it exists: a copy whose client
    // died before the statement ended is still recognisable, and nothing can
    // ever hold a session on it.
    let sql = format!(
        "CREATE DATABASE {} WITH TEMPLATE {} OWNER {}{strategy} ALLOW_CONNECTIONS false CONNECTION LIMIT {}",
        quote_ident(copy),
        quote_ident(db),
        quote_ident(&m.owner),
        m.connection_limit
    );
    let started = Instant::now();
    let dbs = vec![db.to_string()];
    let mut attempt = 0;
    loop {
        attempt += 1;
        sessions::terminate(postgres, &dbs).await?;
        match postgres.batch_execute(&sql).await {
            Ok(()) => break,
            Err(e) if e.code() == Some(&SqlState::OBJECT_IN_USE) && attempt < ATTEMPTS => {
                log::warn!("database '{db}' is in use again, retrying the copy");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => {
                return Err(SnapshotError::db(
                    format!("copying database '{db}' to '{copy}'"),
                    &e,
                ))
            }
        }
    }
    log::info!(
        "copied database '{db}' to '{copy}' in {}",
        crate::duration::human(started.elapsed())
    );
    Ok(())
}

/// The database-level grants of the original. A NULL acl means the
/// defaults, which the copy has already; an explicit one is rebuilt grant by
/// grant so that the role dependencies are recorded as for the original.
async fn copy_grants(postgres: &Client, copy: &str, m: &Meta) -> Result<(), tokio_postgres::Error> {
    let mut sql = vec![format!(
        "REVOKE ALL ON DATABASE {} FROM PUBLIC, {}",
        quote_ident(copy),
        quote_ident(&m.owner)
    )];
    for (grantee, privilege, grantable) in &m.acl {
        let to = if grantee == "PUBLIC" {
            "PUBLIC".to_string()
        } else {
            quote_ident(grantee)
        };
        sql.push(format!(
            "GRANT {privilege} ON DATABASE {} TO {to}{}",
            quote_ident(copy),
            if *grantable { " WITH GRANT OPTION" } else { "" }
        ));
    }
    for s in sql {
        postgres.batch_execute(&s).await?;
    }
    Ok(())
}

/// The per-database settings of the original.
async fn copy_settings(postgres: &Client, db: &str, copy: &str) -> Result<(), SnapshotError> {
    // Per-database settings (ALTER DATABASE ... SET, ALTER ROLE ... IN
    // DATABASE ... SET) live in pg_db_role_setting keyed by the database's
    // oid. Re-issuing them through SQL would re-quote list values such as
    // search_path, so the rows are copied as they are; no dependency is
    // recorded for them, so this is exactly what ALTER DATABASE SET does.
    postgres
        .execute(
            "INSERT INTO pg_db_role_setting (setdatabase, setrole, setconfig) \
             SELECT c.oid, s.setrole, s.setconfig FROM pg_db_role_setting s \
               JOIN pg_database d ON d.oid = s.setdatabase AND d.datname = $1 \
               CROSS JOIN pg_database c WHERE c.datname = $2",
            &[&db, &copy],
        )
        .await
        .map_err(|e| {
            SnapshotError::db(
                format!("copying the settings of database '{db}' to '{copy}'"),
                &e,
            )
        })?;
    Ok(())
}

/// `COMMENT ON DATABASE`, the text passed as a bind parameter and quoted by
/// the server (`format('%L')`), so no client-side quoting and no server
/// setting can change what the statement says.
async fn comment_on(
    postgres: &Client,
    db: &str,
    comment: Option<&str>,
) -> Result<(), tokio_postgres::Error> {
    let sql: String = postgres
        .query_one(
            "SELECT format('COMMENT ON DATABASE %I IS %s', $1::text, coalesce(quote_literal($2::text), 'NULL'))",
            &[&db, &comment],
        )
        .await?
        .get(0);
    postgres.batch_execute(&sql).await
}

/// Is `m`, named `snapshot`, the copy `c` recorded? `name::is_ours`, the
/// rule restores follow too: a copy is never opened.
fn is_the_copy(c: &Copy, snapshot: &str, m: &Meta) -> bool {
    name::is_ours(
        name::is_snapshot(snapshot),
        (m.oid, m.allow_connections),
        c.oid,
        false,
    )
}

/// Put the copy `c` back in place of its database: the (possibly
/// half-upgraded) database is dropped, ending any session on it, then the
/// copy is renamed and given the database's own properties in one
/// transaction. Says "restored" only once the database is verified to be
/// the copy. Idempotent: a rollback killed anywhere here is finished by the
/// next run.
pub async fn swap_back(postgres: &Client, c: &Copy) -> Result<(), SnapshotError> {
    let db = c.database.as_str();
    let copy = c.snapshot.as_str();
    match meta(postgres, copy).await? {
        Some(m) if is_the_copy(c, copy, &m) => {
            fail_point!("rollback.each_drop");
            postgres
                .batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(db)
                ))
                .await
                .map_err(|e| {
                    SnapshotError::db(format!("dropping the upgraded database '{db}'"), &e)
                })?;
            fail_point!("rollback.each_rename");
            rename_back(postgres, c).await?;
        }
        Some(_) => {
            return Err(SnapshotError::NotOurs {
                database: copy.to_string(),
                why: "it accepts connections or is not the recorded copy".into(),
            })
        }
        None => match (meta(postgres, db).await?, c.oid) {
            // An earlier rollback renamed it back (the rename commits
            // together with the properties): nothing left to do but make
            // sure, should the record predate that, of the properties.
            (Some(live), Some(oid)) if live.oid == oid => {
                log::info!("snapshot '{copy}' was already renamed back to '{db}'");
                set_properties(postgres, db, c).await?;
            }
            (Some(_), Some(_)) => {
                return Err(SnapshotError::Gone {
                    database: db.into(),
                    snapshot: copy.into(),
                })
            }
            // A record without the copy's oid (written by an older
            // package): the best we can tell.
            (Some(_), None) => {
                log::warn!(
                    "snapshot '{copy}' is gone and '{db}' exists: taking it as renamed back already"
                );
                set_properties(postgres, db, c).await?;
                return Ok(());
            }
            (None, _) => {
                return Err(SnapshotError::Missing {
                    database: db.into(),
                    snapshot: copy.into(),
                })
            }
        },
    }
    fail_point!("rollback.each_verify");
    verify_restored(postgres, c).await
}

/// Rename the copy to its database and give it the database's own
/// connectability and comment, atomically: either the live name still
/// belongs to nothing, or it belongs to a fully restored database.
async fn rename_back(postgres: &Client, c: &Copy) -> Result<(), SnapshotError> {
    let db = c.database.as_str();
    let fail = |e: tokio_postgres::Error| {
        SnapshotError::db(format!("renaming snapshot '{}' to '{db}'", c.snapshot), &e)
    };
    postgres.batch_execute("BEGIN").await.map_err(fail)?;
    let result = async {
        postgres
            .batch_execute(&format!(
                "ALTER DATABASE {} RENAME TO {}",
                quote_ident(&c.snapshot),
                quote_ident(db)
            ))
            .await?;
        postgres
            .batch_execute(&format!(
                "ALTER DATABASE {} ALLOW_CONNECTIONS {}",
                quote_ident(db),
                c.allow_connections
            ))
            .await?;
        fail_point!("rollback.each_properties", no_return);
        comment_on(postgres, db, c.comment.as_deref()).await?;
        fail_point!("rollback.each_before_rename_commit", no_return);
        postgres.batch_execute("COMMIT").await
    }
    .await;
    if let Err(e) = result {
        let _ = postgres.batch_execute("ROLLBACK").await;
        return Err(fail(e));
    }
    Ok(())
}

async fn set_properties(postgres: &Client, db: &str, c: &Copy) -> Result<(), SnapshotError> {
    let fail = |e: tokio_postgres::Error| {
        SnapshotError::db(format!("restoring the properties of '{db}'"), &e)
    };
    postgres
        .batch_execute(&format!(
            "ALTER DATABASE {} ALLOW_CONNECTIONS {}",
            quote_ident(db),
            c.allow_connections
        ))
        .await
        .map_err(fail)?;
    comment_on(postgres, db, c.comment.as_deref())
        .await
        .map_err(fail)
}

/// The database is the copy (same oid), with its own properties, and the
/// copy's name is free.
async fn verify_restored(postgres: &Client, c: &Copy) -> Result<(), SnapshotError> {
    let live = meta(postgres, &c.database).await?;
    let ok = match &live {
        Some(m) => {
            c.oid.is_none_or(|o| o == m.oid)
                && m.allow_connections == c.allow_connections
                && meta(postgres, &c.snapshot).await?.is_none()
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(SnapshotError::Db {
            what: format!("verifying the restore of '{}'", c.database),
            reason: format!(
                "it is not the copy '{}' with the recorded properties",
                c.snapshot
            ),
        })
    }
}

/// Drop a copy; fine when it does not exist. Refuses anything that is not
/// one of our copies, whatever the caller says.
pub async fn drop_copy(postgres: &Client, c: &Copy) -> Result<(), SnapshotError> {
    match meta(postgres, &c.snapshot).await? {
        None => Ok(()),
        Some(m) if is_the_copy(c, &c.snapshot, &m) => drop_named(postgres, &c.snapshot).await,
        Some(_) => Err(SnapshotError::NotOurs {
            database: c.snapshot.clone(),
            why: "it accepts connections or is not the recorded copy".into(),
        }),
    }
}

async fn drop_named(postgres: &Client, name: &str) -> Result<(), SnapshotError> {
    postgres
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(name)
        ))
        .await
        .map_err(|e| SnapshotError::db(format!("dropping snapshot '{name}'"), &e))
}

/// Every database in the cluster shaped as a copy: our name shape, no
/// connection allowed. Only a listing: a record's oid, never this, makes
/// one of them ours (`name::is_ours`).
pub async fn all_copies(postgres: &Client) -> Result<Vec<String>, SnapshotError> {
    let rows = postgres
        .query(
            "SELECT datname::text FROM pg_database WHERE NOT datallowconn AND starts_with(datname, $1) ORDER BY 1",
            &[&name::PREFIX],
        )
        .await
        .map_err(|e| SnapshotError::db("looking for left-over snapshots", &e))?;
    Ok(rows
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|n| name::is_snapshot(n))
        .collect())
}

/// End the `CREATE DATABASE` of a copy still running for a run that died
/// (SIGKILL leaves the backend going on until the copy is made): otherwise
/// it would finish after we looked, and leak.
pub async fn stop_unfinished(postgres: &Client) -> Result<(), SnapshotError> {
    let pattern = format!("^\\s*CREATE DATABASE \"?{}", name::PREFIX);
    let which = crate::pg::Which::Running(&pattern);
    let ended = crate::pg::end_sessions(postgres, which, Duration::from_secs(10))
        .await
        .map_err(|e| SnapshotError::Db {
            what: "ending unfinished snapshot copies".into(),
            reason: e.to_string(),
        })?;
    for e in ended {
        log::warn!(
            "ended session pid {} still copying a snapshot for a run that died",
            e.session.pid
        );
    }
    Ok(())
}

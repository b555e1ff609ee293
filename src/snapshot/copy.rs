//! One database's copy: `CREATE DATABASE <copy> TEMPLATE <db>`, with what a
//! template copy does not carry (owner, connection limit, privileges,
//! per-database settings) set to match, so that renaming the copy back gives
//! the database exactly as it was.

use std::time::{Duration, Instant};

use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

use super::{sessions, SnapshotError};
use crate::pg::{quote_ident, quote_literal};

/// Marks our copies, so that one left behind without a record is still
/// recognised (`COMMENT ON DATABASE`).
pub const COMMENT_PREFIX: &str = "xivo-manage-db rollback snapshot of ";

/// CREATE DATABASE fails while a session is connected to the template; a
/// client reconnecting in a loop gets this many chances to lose the race.
const ATTEMPTS: u32 = 10;

/// What `pg_database` says about one database.
struct Meta {
    owner: String,
    connection_limit: i32,
    acl: Vec<(String, String, bool)>,
    has_acl: bool,
}

async fn meta(postgres: &Client, db: &str) -> Result<Meta, SnapshotError> {
    let what = || format!("reading the properties of database '{db}'");
    let row = postgres
        .query_one(
            "SELECT pg_get_userbyid(datdba)::text, datconnlimit, datacl IS NOT NULL \
               FROM pg_database WHERE datname = $1",
            &[&db],
        )
        .await
        .map_err(|e| SnapshotError::db(what(), &e))?;
    let acl = postgres
        .query(
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END, \
                    a.privilege_type, a.is_grantable \
               FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1 ORDER BY 1, 2",
            &[&db],
        )
        .await
        .map_err(|e| SnapshotError::db(what(), &e))?;
    Ok(Meta {
        owner: row.get(0),
        connection_limit: row.get(1),
        has_acl: row.get(2),
        acl: acl.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect(),
    })
}

/// Copy `db` to `copy`. The caller has stopped the services; sessions that
/// come back are ended (and logged) before each attempt.
pub async fn create(
    postgres: &Client,
    db: &str,
    copy: &str,
    comment: &str,
) -> Result<(), SnapshotError> {
    let m = meta(postgres, db).await?;
    let version: i32 = postgres
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .map_err(|e| SnapshotError::db("reading the server version", &e))?
        .get(0);
    // FILE_COPY (PostgreSQL 15; the only strategy before) copies the files
    // after a checkpoint instead of writing the whole database into WAL: on
    // a large queue_log it is both faster and lighter on disk.
    let strategy = if version >= 150000 {
        " STRATEGY FILE_COPY"
    } else {
        ""
    };
    let sql = format!(
        "CREATE DATABASE {} WITH TEMPLATE {} OWNER {}{strategy}",
        quote_ident(copy),
        quote_ident(db),
        quote_ident(&m.owner)
    );
    let started = Instant::now();
    let dbs = vec![db.to_string()];
    let mut attempt = 0;
    loop {
        attempt += 1;
        let left = sessions::list(postgres, &dbs).await?;
        sessions::terminate(postgres, &dbs, &left).await?;
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
        "copied database '{db}' to '{copy}' in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut extra = vec![format!(
        "COMMENT ON DATABASE {} IS {}",
        quote_ident(copy),
        quote_literal(comment)
    )];
    if m.connection_limit != -1 {
        extra.push(format!(
            "ALTER DATABASE {} CONNECTION LIMIT {}",
            quote_ident(copy),
            m.connection_limit
        ));
    }
    if m.has_acl {
        // A NULL acl means the defaults, which the copy has already; an
        // explicit one is rebuilt grant by grant so that the role
        // dependencies are recorded as for the original.
        extra.push(format!(
            "REVOKE ALL ON DATABASE {} FROM PUBLIC, {}",
            quote_ident(copy),
            quote_ident(&m.owner)
        ));
        for (grantee, privilege, grantable) in &m.acl {
            let to = if grantee == "PUBLIC" {
                "PUBLIC".to_string()
            } else {
                quote_ident(grantee)
            };
            extra.push(format!(
                "GRANT {privilege} ON DATABASE {} TO {to}{}",
                quote_ident(copy),
                if *grantable { " WITH GRANT OPTION" } else { "" }
            ));
        }
    }
    for sql in extra {
        postgres
            .batch_execute(&sql)
            .await
            .map_err(|e| SnapshotError::db(format!("setting up snapshot '{copy}'"), &e))?;
    }
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

/// Put `copy` back in place of `db`: the (possibly half-upgraded) database is
/// dropped, ending any session on it, and the copy renamed.
pub async fn swap_back(
    postgres: &Client,
    db: &str,
    copy: &str,
    comment: Option<&str>,
) -> Result<(), SnapshotError> {
    if !exists(postgres, copy).await? {
        if exists(postgres, db).await? {
            // A previous rollback got past the rename and died before
            // updating the record: it is already done.
            log::info!("snapshot '{copy}' already renamed back to '{db}'");
            return Ok(());
        }
        return Err(SnapshotError::Missing {
            database: db.into(),
            snapshot: copy.into(),
        });
    }
    postgres
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(db)
        ))
        .await
        .map_err(|e| SnapshotError::db(format!("dropping the upgraded database '{db}'"), &e))?;
    postgres
        .batch_execute(&format!(
            "ALTER DATABASE {} RENAME TO {}",
            quote_ident(copy),
            quote_ident(db)
        ))
        .await
        .map_err(|e| SnapshotError::db(format!("renaming snapshot '{copy}' to '{db}'"), &e))?;
    let comment = match comment {
        Some(c) => quote_literal(c),
        None => "NULL".into(),
    };
    postgres
        .batch_execute(&format!(
            "COMMENT ON DATABASE {} IS {comment}",
            quote_ident(db)
        ))
        .await
        .map_err(|e| SnapshotError::db(format!("restoring the comment of '{db}'"), &e))?;
    Ok(())
}

/// Drop a copy (and any session on it); fine when it does not exist.
pub async fn drop_copy(postgres: &Client, copy: &str) -> Result<(), SnapshotError> {
    postgres
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(copy)
        ))
        .await
        .map_err(|e| SnapshotError::db(format!("dropping snapshot '{copy}'"), &e))
}

pub async fn exists(postgres: &Client, db: &str) -> Result<bool, SnapshotError> {
    Ok(!postgres
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&db])
        .await
        .map_err(|e| SnapshotError::db(format!("looking up database '{db}'"), &e))?
        .is_empty())
}

/// Our copies of `db` in the cluster, recognised by their comment.
pub async fn marked(postgres: &Client, db: &str) -> Result<Vec<String>, SnapshotError> {
    let prefix = format!("{COMMENT_PREFIX}{db} ");
    let rows = postgres
        .query(
            "SELECT datname::text FROM pg_database \
              WHERE starts_with(coalesce(shobj_description(oid, 'pg_database'), ''), $1) ORDER BY 1",
            &[&prefix],
        )
        .await
        .map_err(|e| SnapshotError::db("looking for left-over snapshots", &e))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

//! The roles of the databases (the owner, and `xivo` on a 14.07 host) as
//! `pg_authid` has them, so that a rollback puts back exactly what was there:
//! attributes, connection limit, expiry and password hash. The hash is used
//! as stored (PostgreSQL accepts a SCRAM verifier or md5 hash as the
//! password); it is never logged.

use tokio_postgres::Client;

use super::record::Role;
use super::SnapshotError;
use crate::pg::{quote_ident, quote_literal};

/// The roles among `names` that exist, as they are now.
pub async fn capture(postgres: &Client, names: &[String]) -> Result<Vec<Role>, SnapshotError> {
    let rows = postgres
        .query(
            "SELECT rolname::text, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, \
                    rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil::text, rolpassword \
               FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname",
            &[&names],
        )
        .await
        .map_err(|e| SnapshotError::db("reading the roles to keep", &e))?;
    Ok(rows
        .iter()
        .map(|r| {
            let flag = |i: usize, yes: &str, no: &str| {
                if r.get::<_, bool>(i) { yes } else { no }.to_string()
            };
            Role {
                name: r.get(0),
                attributes: vec![
                    flag(1, "SUPERUSER", "NOSUPERUSER"),
                    flag(2, "INHERIT", "NOINHERIT"),
                    flag(3, "CREATEROLE", "NOCREATEROLE"),
                    flag(4, "CREATEDB", "NOCREATEDB"),
                    flag(5, "LOGIN", "NOLOGIN"),
                    flag(6, "REPLICATION", "NOREPLICATION"),
                    flag(7, "BYPASSRLS", "NOBYPASSRLS"),
                ],
                connection_limit: r.get(8),
                valid_until: r.get(9),
                password: r.get(10),
            }
        })
        .collect())
}

/// Put each role back as recorded: recreate it when it was dropped, reset
/// its attributes and password hash when it exists.
pub async fn restore(postgres: &Client, roles: &[Role]) -> Result<(), SnapshotError> {
    for role in roles {
        fail_point!("rollback.each_role");
        let exists = !postgres
            .query("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role.name])
            .await
            .map_err(|e| SnapshotError::db(format!("looking up role '{}'", role.name), &e))?
            .is_empty();
        let mut sql = format!(
            "{} ROLE {} WITH {} CONNECTION LIMIT {}",
            if exists { "ALTER" } else { "CREATE" },
            quote_ident(&role.name),
            role.attributes.join(" "),
            role.connection_limit
        );
        sql.push_str(&match &role.password {
            Some(hash) => format!(" PASSWORD {}", quote_literal(hash)),
            None => " PASSWORD NULL".to_string(),
        });
        if let Some(v) = &role.valid_until {
            sql.push_str(&format!(" VALID UNTIL {}", quote_literal(v)));
        }
        // The statement holds the hash: it is never logged, and describe()
        // masks PASSWORD '...' should the server quote it back.
        postgres.batch_execute(&sql).await.map_err(|e| {
            SnapshotError::db(
                format!(
                    "{} role '{}' as it was before the upgrade",
                    if exists { "resetting" } else { "recreating" },
                    role.name
                ),
                &e,
            )
        })?;
        log::info!(
            "role '{}' {} as before the upgrade",
            role.name,
            if exists { "reset" } else { "recreated" }
        );
    }
    Ok(())
}

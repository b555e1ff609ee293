//! The roles of the databases (the owner, and `xivo` on a 14.07 host) as
//! `pg_authid` has them, so that a rollback puts back exactly what was there:
//! attributes, connection limit, expiry and password hash, memberships (both
//! ways) and `ALTER ROLE ... SET` settings (which a `DROP ROLE` takes with
//! it). The hash is used as stored (PostgreSQL accepts a SCRAM verifier or
//! md5 hash as the password); it is never logged.

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
    let mut roles: Vec<Role> = rows
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
                groups: Vec::new(),
                members: Vec::new(),
                settings: Vec::new(),
            }
        })
        .collect();
    let memberships = postgres
        .query(
            "SELECT g.rolname::text, u.rolname::text, m.admin_option \
               FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid \
               JOIN pg_roles u ON u.oid = m.member \
              WHERE g.rolname = ANY($1) OR u.rolname = ANY($1) ORDER BY 1, 2",
            &[&names],
        )
        .await
        .map_err(|e| SnapshotError::db("reading the memberships of the roles to keep", &e))?;
    let settings = postgres
        .query(
            "SELECT r.rolname::text, d.datname::text, c \
               FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole \
               LEFT JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c \
              WHERE r.rolname = ANY($1) AND (s.setdatabase = 0 OR d.oid IS NOT NULL) ORDER BY 1, 2, 3",
            &[&names],
        )
        .await
        .map_err(|e| SnapshotError::db("reading the settings of the roles to keep", &e))?;
    for role in &mut roles {
        for m in &memberships {
            let (group, member, admin): (String, String, bool) = (m.get(0), m.get(1), m.get(2));
            if member == role.name {
                role.groups.push((group.clone(), admin));
            }
            if group == role.name {
                role.members.push((member, admin));
            }
        }
        for s in &settings {
            if s.get::<_, String>(0) == role.name {
                role.settings.push((s.get(1), s.get(2)));
            }
        }
    }
    Ok(roles)
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
        restore_memberships(postgres, role).await?;
        restore_settings(postgres, role, false).await?;
        log::info!(
            "role '{}' {} as before the upgrade",
            role.name,
            if exists { "reset" } else { "recreated" }
        );
    }
    Ok(())
}

/// Grant the recorded memberships again (a `DROP ROLE` revoked them; a
/// grant that is still there is left as it is); one whose other role is
/// gone is said and skipped.
async fn restore_memberships(postgres: &Client, role: &Role) -> Result<(), SnapshotError> {
    let grants = role
        .groups
        .iter()
        .map(|(g, admin)| (g, g.as_str(), role.name.as_str(), *admin))
        .chain(
            role.members
                .iter()
                .map(|(m, admin)| (m, role.name.as_str(), m.as_str(), *admin)),
        );
    for (other, group, member, admin) in grants {
        if !role_exists(postgres, other).await? {
            log::warn!(
                "role '{other}' no longer exists: membership of '{member}' in '{group}' not put back"
            );
            continue;
        }
        let sql = format!(
            "GRANT {} TO {}{}",
            quote_ident(group),
            quote_ident(member),
            if admin { " WITH ADMIN OPTION" } else { "" }
        );
        postgres.batch_execute(&sql).await.map_err(|e| {
            SnapshotError::db(
                format!("putting back the membership of '{member}' in '{group}'"),
                &e,
            )
        })?;
    }
    Ok(())
}

/// Put back the recorded `ALTER ROLE ... SET` settings: those of every
/// database (`in_databases` false, with the role), or those of one database
/// (true: once the databases are back, as their oids are the copies').
pub async fn restore_settings(
    postgres: &Client,
    role: &Role,
    in_databases: bool,
) -> Result<(), SnapshotError> {
    for (db, setting) in &role.settings {
        if db.is_some() != in_databases {
            continue;
        }
        let Some((name, value)) = setting.split_once('=') else {
            log::warn!(
                "setting '{setting}' of role '{}' unreadable: skipped",
                role.name
            );
            continue;
        };
        let scope = match db {
            Some(d) => {
                let found = !postgres
                    .query("SELECT 1 FROM pg_database WHERE datname = $1", &[d])
                    .await
                    .map_err(|e| SnapshotError::db(format!("looking up database '{d}'"), &e))?
                    .is_empty();
                if !found {
                    continue;
                }
                format!(" IN DATABASE {}", quote_ident(d))
            }
            None => String::new(),
        };
        let sql = format!(
            "ALTER ROLE {}{scope} SET {} TO {}",
            quote_ident(&role.name),
            quote_ident(name),
            setting_value(name, value)
        );
        postgres.batch_execute(&sql).await.map_err(|e| {
            SnapshotError::db(
                format!("putting back setting '{name}' of role '{}'", role.name),
                &e,
            )
        })?;
    }
    Ok(())
}

async fn role_exists(postgres: &Client, name: &str) -> Result<bool, SnapshotError> {
    Ok(!postgres
        .query("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&name])
        .await
        .map_err(|e| SnapshotError::db(format!("looking up role '{name}'"), &e))?
        .is_empty())
}

/// A value as `pg_db_role_setting` holds it, as SQL: one literal, or for
/// the list settings the server keeps quoted element by element (as
/// pg_dump's `variable_is_guc_list_quote`), one literal per element.
fn setting_value(name: &str, value: &str) -> String {
    const LIST_QUOTE: [&str; 6] = [
        "local_preload_libraries",
        "search_path",
        "session_preload_libraries",
        "shared_preload_libraries",
        "temp_tablespaces",
        "unix_socket_directories",
    ];
    if !LIST_QUOTE.contains(&name.to_ascii_lowercase().as_str()) {
        return quote_literal(value);
    }
    split_list(value)
        .iter()
        .map(|e| quote_literal(e))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `a, "b c", "d""e"` into `a`, `b c`, `d"e` (as the server's SplitGUCList).
fn split_list(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut item = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                    } else {
                        break;
                    }
                }
                item.push(c);
            }
            while chars.peek().is_some_and(|c| *c != ',') {
                chars.next();
            }
        } else {
            while let Some(c) = chars.peek().copied().filter(|c| *c != ',') {
                item.push(c);
                chars.next();
            }
            item = item.trim_end().to_string();
        }
        out.push(item);
        if chars.next().is_none() {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_settings_are_split_as_the_server_keeps_them() {
        assert_eq!(
            split_list(r#""$user", public, "a ""b"", c""#),
            ["$user", "public", r#"a "b", c"#]
        );
        assert_eq!(setting_value("search_path", "public"), "'public'");
        assert_eq!(setting_value("work_mem", "7MB"), "'7MB'");
        assert_eq!(
            setting_value("search_path", r#""$user", public"#),
            "'$user', 'public'"
        );
    }
}

//! Connecting to PostgreSQL and talking about it: the admin connection (peer
//! authentication as `postgres`, or `ADMIN_URI`), error text with the server's
//! message, detail and hint, telling "no server there" from other connection
//! failures, identifier/literal quoting, and the sessions connected to a
//! database (`sessions`: listing and ending them, the one place that calls
//! `pg_terminate_backend`).
//!
//! Never prints a password: connection targets are described by host, port,
//! user and database only. Never builds a literal whose meaning depends on
//! the server's settings: our sessions force `standard_conforming_strings`
//! on, and `quote_literal` is right whatever it says.
//!
//! Above 400 lines only with its unit tests (quoting and error text).

use std::fmt;

use nix::unistd::{Uid, User};
use tokio_postgres::config::Host;
use tokio_postgres::{Client, NoTls};

use crate::config::Config;

mod sessions;
pub use sessions::{end_sessions, sessions, Ended, Session, Which};

/// A PostgreSQL error, with what we were doing and on which object.
#[derive(Debug)]
pub enum PgError {
    /// `ADMIN_URI` does not parse.
    BadUri { reason: String },
    /// The connection could not be made (cluster down, auth refused...).
    Connect {
        target: String,
        reason: String,
        sqlstate: Option<String>,
        /// Nothing listens there: no socket file, or the connection was
        /// refused. Every other failure (permission denied, timeout,
        /// authentication) means a server may be there and is an error.
        no_server: bool,
    },
    /// A statement failed.
    Query { what: String, reason: String },
    /// Switching to the peer-authentication identity failed.
    Identity { user: String, reason: String },
}

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PgError::BadUri { reason } => {
                write!(f, "ADMIN_URI in the config file does not parse: {reason}")
            }
            PgError::Connect {
                target,
                reason,
                no_server: true,
                ..
            } => {
                write!(f, "cannot connect to {target}: {reason} (is the cluster running? check ADMIN_URI)")
            }
            // The server answered: no advice on reaching it.
            PgError::Connect {
                target,
                reason,
                sqlstate: Some(s),
                ..
            } if s == "3D000" => write!(
                f,
                "cannot connect to {target}: {reason} (xivo-init-db --init creates it; check DB_NAME)"
            ),
            PgError::Connect { target, reason, .. } => write!(
                f,
                "cannot connect to {target}: {reason} (check ADMIN_URI, the permissions of the socket \
                 and its directory, and pg_hba.conf)"
            ),
            PgError::Query { what, reason } => write!(f, "{what}: {reason}"),
            PgError::Identity { user, reason } => {
                write!(
                    f,
                    "cannot act as OS user '{user}' for peer authentication: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for PgError {}

impl PgError {
    /// True when the database named in the connection does not exist.
    pub fn is_missing_database(&self) -> bool {
        matches!(self, PgError::Connect { sqlstate: Some(s), .. } if s == "3D000")
    }

    /// True only when no server is there (socket missing, connection
    /// refused): a cluster that is not running. A server that is there but
    /// cannot be reached (permission denied, timeout, authentication) is not
    /// "down": skipping the database step for it would leave the schema
    /// behind while dpkg calls the package configured.
    pub fn is_cluster_down(&self) -> bool {
        matches!(
            self,
            PgError::Connect {
                no_server: true,
                ..
            }
        )
    }
}

/// The server's message, detail and hint, on one line. tokio-postgres's
/// `Display` says only "db error", which helps nobody.
pub fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = format!("{}: {}", db.severity(), db.message());
        if let Some(d) = db.detail() {
            s.push_str(&format!(" (detail: {d})"));
        }
        if let Some(h) = db.hint() {
            s.push_str(&format!(" (hint: {h})"));
        }
        return crate::secrets::mask(&s);
    }
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    crate::secrets::mask(&s)
}

/// Did the connection fail because nothing listens there? The io error at
/// the bottom of the chain says: ENOENT (no socket file) or ECONNREFUSED (no
/// listener on the socket or port).
fn no_server(e: &tokio_postgres::Error) -> bool {
    if e.code().is_some() {
        return false;
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            );
        }
        source = inner.source();
    }
    false
}

/// Shorthand for a failed statement.
pub fn query_error(what: impl Into<String>, e: &tokio_postgres::Error) -> PgError {
    PgError::Query {
        what: what.into(),
        reason: describe(e),
    }
}

/// How to reach the cluster as a superuser.
#[derive(Clone)]
pub struct Superuser {
    config: tokio_postgres::Config,
    /// OS user to become while connecting (peer auth), when running as root.
    peer_user: Option<User>,
}

impl Superuser {
    pub fn from_config(c: &Config) -> Result<Superuser, PgError> {
        let mut config: tokio_postgres::Config = if c.admin_uri.trim().is_empty() {
            let mut d = tokio_postgres::Config::new();
            d.host(crate::config::PG_SOCKET_DIR)
                .port(5432)
                .user("postgres");
            d
        } else {
            c.admin_uri
                .parse()
                .map_err(|e: tokio_postgres::Error| PgError::BadUri {
                    reason: crate::secrets::mask(&e.to_string()),
                })?
        };
        if config.get_hosts().is_empty() {
            config.host(crate::config::PG_SOCKET_DIR);
        }
        if config.get_user().is_none() {
            config.user("postgres");
        }
        config.application_name("xivo-manage-db");
        // NOTICEs ("already exists, skipping") are noise on an admin's
        // terminal. standard_conforming_strings is forced on: the server's
        // or a role's setting must not change what a literal means. Options
        // of ADMIN_URI are kept, ours come last and win.
        let ours = "-c client_min_messages=warning -c standard_conforming_strings=on";
        let options = match config.get_options() {
            Some(theirs) if !theirs.trim().is_empty() => format!("{theirs} {ours}"),
            _ => ours.to_string(),
        };
        config.options(&options);
        config.connect_timeout(std::time::Duration::from_secs(10));
        let all_unix = config
            .get_hosts()
            .iter()
            .all(|h| matches!(h, Host::Unix(_)));
        // Peer authentication checks the client's effective uid at connect
        // time; root takes the identity of the database user for that moment.
        let peer_user = if all_unix && Uid::effective().is_root() {
            let name = config.get_user().unwrap_or("postgres");
            User::from_name(name)
                .ok()
                .flatten()
                .filter(|u| !u.uid.is_root())
        } else {
            None
        };
        Ok(Superuser { config, peer_user })
    }

    /// Human description of the target, without any secret.
    pub fn target(&self, dbname: &str) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Unix(p)) => p.display().to_string(),
            Some(Host::Tcp(h)) => h.clone(),
            None => crate::config::PG_SOCKET_DIR.to_string(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "database '{dbname}' as '{}' on {host} port {port}",
            self.config.get_user().unwrap_or("postgres")
        )
    }

    /// Connect to `dbname`. The connection task is spawned on the current
    /// (single-threaded) runtime.
    pub async fn connect(&self, dbname: &str) -> Result<Client, PgError> {
        let mut config = self.config.clone();
        config.dbname(dbname);
        let guard = match &self.peer_user {
            Some(u) => Some(EuidGuard::become_user(u)?),
            None => None,
        };
        let result = config.connect(NoTls).await;
        drop(guard);
        let (client, connection) = result.map_err(|e| PgError::Connect {
            target: self.target(dbname),
            reason: describe(&e),
            sqlstate: e.code().map(|c| c.code().to_string()),
            no_server: no_server(&e),
        })?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                log::debug!("connection closed: {}", describe(&e));
            }
        });
        Ok(client)
    }

    /// A libpq client program (pg_dump...) reaching `dbname` as we do: the
    /// connection in PG* variables (the password never on a command line),
    /// our session options (pg_dump writes its literals, and the `SET
    /// standard_conforming_strings` of its preamble, after the session's
    /// setting), and the peer-authentication identity when running as root.
    pub fn client_command(&self, program: &std::path::Path, dbname: &str) -> std::process::Command {
        use std::os::unix::process::CommandExt;
        let mut c = std::process::Command::new(program);
        for var in ["PGSERVICE", "PGSERVICEFILE", "PGPASSFILE"] {
            c.env_remove(var);
        }
        match self.config.get_options() {
            Some(o) => c.env("PGOPTIONS", o),
            None => c.env_remove("PGOPTIONS"),
        };
        if let Some(h) = self.config.get_hosts().first() {
            let host = match h {
                Host::Unix(p) => p.display().to_string(),
                Host::Tcp(h) => h.clone(),
            };
            c.env("PGHOST", host);
        }
        if let Some(p) = self.config.get_ports().first() {
            c.env("PGPORT", p.to_string());
        }
        c.env("PGUSER", self.user())
            .env("PGDATABASE", dbname)
            .env("PGAPPNAME", "xivo-manage-db");
        match self.config.get_password() {
            Some(pw) => c.env("PGPASSWORD", String::from_utf8_lossy(pw).into_owned()),
            None => c.env_remove("PGPASSWORD"),
        };
        if let Some(u) = &self.peer_user {
            c.uid(u.uid.as_raw()).gid(u.gid.as_raw());
        }
        c
    }

    /// A libpq keyword string reaching `dbname` as we do (host, port, user,
    /// password), for a server that connects back here: a logical
    /// replication subscription. Carries the password: never print it.
    pub fn conninfo(&self, dbname: &str) -> String {
        let quote = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
        let host = match self.config.get_hosts().first() {
            Some(Host::Unix(p)) => p.display().to_string(),
            Some(Host::Tcp(h)) => h.clone(),
            None => crate::config::PG_SOCKET_DIR.to_string(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let mut s = format!(
            "host={} port={port} user={} dbname={}",
            quote(&host),
            quote(self.user()),
            quote(dbname)
        );
        if let Some(pw) = self.config.get_password() {
            s.push_str(&format!(
                " password={}",
                quote(&String::from_utf8_lossy(pw))
            ));
        }
        s
    }

    /// The user name we connect as.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("postgres")
    }
}

/// Switches the effective uid for the duration of a connect, and back.
struct EuidGuard;

impl EuidGuard {
    fn become_user(u: &User) -> Result<EuidGuard, PgError> {
        nix::unistd::seteuid(u.uid).map_err(|e| PgError::Identity {
            user: u.name.clone(),
            reason: e.to_string(),
        })?;
        Ok(EuidGuard)
    }
}

impl Drop for EuidGuard {
    fn drop(&mut self) {
        // Back to root (the saved uid); failing here would leave us
        // unprivileged, which every later step reports on its own.
        if let Err(e) = nix::unistd::seteuid(Uid::from_raw(0)) {
            log::error!("cannot switch back to root after connecting: {e}");
        }
    }
}

/// `"name"` with embedded quotes doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` as an SQL literal that means the same whatever
/// `standard_conforming_strings` says (as PostgreSQL's own `quote_literal`
/// does): quotes doubled, and with a backslash, an escape string `E'...'`
/// with backslashes doubled, since in `'...'` a backslash is an escape
/// character when the setting is off.
pub fn quote_literal(text: &str) -> String {
    let quoted = text.replace('\'', "''");
    if text.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

/// Does database `name` exist?
pub async fn database_exists(client: &Client, name: &str) -> Result<bool, PgError> {
    let rows = client
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .map_err(|e| query_error(format!("looking up database '{name}'"), &e))?;
    Ok(!rows.is_empty())
}

/// Does role `name` exist?
pub async fn role_exists(client: &Client, name: &str) -> Result<bool, PgError> {
    let rows = client
        .query("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&name])
        .await
        .map_err(|e| query_error(format!("looking up role '{name}'"), &e))?;
    Ok(!rows.is_empty())
}

/// Find 1-based line of a 1-based character position in `sql`.
pub fn line_of_position(sql: &str, position: usize) -> usize {
    sql.chars()
        .take(position.saturating_sub(1))
        .filter(|&c| c == '\n')
        .count()
        + 1
}

/// The server's major version (15 for 15.14).
pub async fn server_major(client: &Client) -> Result<u32, PgError> {
    let row = client
        .query_one(
            "SELECT current_setting('server_version_num')::int / 10000",
            &[],
        )
        .await
        .map_err(|e| query_error("reading the server version", &e))?;
    Ok(row.get::<_, i32>(0).max(0) as u32)
}

/// A PostgreSQL client program matching the server's major version when
/// installed (Debian's layout), else the one on PATH.
pub fn client_program(name: &str, server_major: u32) -> Result<std::path::PathBuf, PgError> {
    let versioned = crate::config::pg_bin_dir(server_major).join(name);
    if versioned.is_file() {
        return Ok(versioned);
    }
    which::which(name).map_err(|e| PgError::Query {
        what: format!("finding {name}"),
        reason: format!("{e} (install postgresql-client-{server_major})"),
    })
}

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for PgError {
    fn from(i: crate::failpoints::Injected) -> Self {
        PgError::Query {
            what: format!("failpoint '{}'", i.0),
            reason: i.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\b'c"), "E'a\\\\b''c'");
        assert_eq!(quote_literal("\\"), "E'\\\\'");
    }

    #[test]
    fn positions_to_lines() {
        let sql = "SELECT 1;\nSELECT x;\n";
        assert_eq!(line_of_position(sql, 1), 1);
        assert_eq!(line_of_position(sql, 12), 2);
    }

    #[test]
    fn target_never_shows_password() {
        let mut c = Config::defaults("/x".into());
        c.admin_uri = "host=/tmp port=5433 user=postgres password=sekrit".into();
        let a = Superuser::from_config(&c).expect("parses");
        let t = a.target("asterisk");
        assert!(!t.contains("sekrit"), "{t}");
        assert!(t.contains("5433") && t.contains("asterisk"), "{t}");
    }
}

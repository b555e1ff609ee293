//! The slave of `xivo-manage-db replicate SLAVE`: reading the SLAVE argument
//! (a host name, an IPv4 or IPv6 address, either with `:PORT`, or a
//! `postgresql://` URI) into connection settings, and connecting.
//!
//! A host or address is reached as the 14.07 tool reached it: as the
//! superuser role of `ADMIN_URI` (`postgres` by default, which XiVO's HA
//! set-up lets in from the master with a `host asterisk postgres MASTER/32
//! trust` line in the slave's pg_hba.conf), with `ADMIN_URI`'s password if it
//! has one, on `ADMIN_URI`'s port (5432 by default), database `DB_NAME`. A
//! URI gives all of that itself; what it leaves out is the same default.
//!
//! Never prints a password: the slave is described by host, port, user and
//! database only.

use std::net::IpAddr;

use tokio_postgres::config::Host;
use tokio_postgres::{Client, NoTls};

use crate::config::Config;
use crate::error::Error;
use crate::pg;

/// How to reach the slave's database.
pub struct Slave {
    config: tokio_postgres::Config,
}

impl Slave {
    /// Read the SLAVE argument against the configuration. Refused (exit 2)
    /// before anything is attempted when it is neither a host, an address
    /// nor a URI that parses.
    pub fn parse(arg: &str, config: &Config) -> Result<Slave, Error> {
        let arg = arg.trim();
        let admin = admin_settings(config)?;
        let mut c = if arg.starts_with("postgresql://") || arg.starts_with("postgres://") {
            let c: tokio_postgres::Config = arg.parse().map_err(|e: tokio_postgres::Error| {
                Error::Usage(format!(
                    "the slave URI '{}' does not parse: {} (expected postgresql://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE])",
                    crate::secrets::mask(arg),
                    crate::secrets::mask(&e.to_string())
                ))
            })?;
            if c.get_hosts().is_empty() {
                return Err(Error::Usage(format!(
                    "the slave URI '{}' names no host (expected postgresql://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE])",
                    crate::secrets::mask(arg)
                )));
            }
            let mut c = c;
            if c.get_user().is_none() {
                c.user(admin.get_user().unwrap_or("postgres"));
            }
            c
        } else {
            let (host, port) = host_and_port(arg)?;
            let mut c = tokio_postgres::Config::new();
            c.host(&host)
                .port(port.unwrap_or_else(|| admin.get_ports().first().copied().unwrap_or(5432)))
                .user(admin.get_user().unwrap_or("postgres"));
            if let Some(pw) = admin.get_password() {
                c.password(pw);
            }
            c
        };
        if c.get_dbname().is_none() {
            c.dbname(&config.db_name);
        }
        c.application_name("xivo-manage-db replicate");
        c.options("-c client_min_messages=warning -c standard_conforming_strings=on");
        c.connect_timeout(std::time::Duration::from_secs(10));
        Ok(Slave { config: c })
    }

    /// The slave as messages name it, without any secret.
    pub fn describe(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "?".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "database '{}' as '{}' on {host} port {port}",
            self.config.get_dbname().unwrap_or("?"),
            self.config.get_user().unwrap_or("postgres")
        )
    }

    /// The host and port, for the report: `10.0.0.2:5432`, `[fe80::1]:5433`,
    /// `/run/postgresql port 5432`.
    pub fn host(&self) -> String {
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) if h.contains(':') => format!("[{h}]:{port}"),
            Some(Host::Tcp(h)) => format!("{h}:{port}"),
            Some(Host::Unix(p)) => format!("{} port {port}", p.display()),
            None => "?".into(),
        }
    }

    /// Connect; any failure is "nothing attempted" (exit 2), naming the
    /// slave and what to check there.
    pub async fn connect(&self) -> Result<Client, Error> {
        let (client, connection) = self.config.connect(NoTls).await.map_err(|e| {
            Error::Other(format!(
                "cannot connect to the slave, {}: {} (check that its PostgreSQL listens on that address, \
                 and that its pg_hba.conf lets this host in as that user)",
                self.describe(),
                pg::describe(&e)
            ))
        })?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                log::debug!("slave connection closed: {}", pg::describe(&e));
            }
        });
        Ok(client)
    }
}

/// `ADMIN_URI` parsed as `Superuser` parses it: the user, password and port
/// the slave is reached with when SLAVE is a bare host.
fn admin_settings(config: &Config) -> Result<tokio_postgres::Config, Error> {
    if config.admin_uri.trim().is_empty() {
        return Ok(tokio_postgres::Config::new());
    }
    config
        .admin_uri
        .parse()
        .map_err(|e: tokio_postgres::Error| {
            Error::Pg(pg::PgError::BadUri {
                reason: crate::secrets::mask(&e.to_string()),
            })
        })
}

/// `HOST`, `HOST:PORT`, `[IPV6]`, `[IPV6]:PORT` or a bare IPv6 address.
fn host_and_port(arg: &str) -> Result<(String, Option<u16>), Error> {
    let bad = |why: &str| {
        Error::Usage(format!(
            "'{}' is not a slave: {why} (give a host name, an IPv4 or IPv6 address, optionally with :PORT, \
             or a postgresql:// URI)",
            crate::secrets::mask(arg)
        ))
    };
    let port = |p: &str| -> Result<u16, Error> {
        p.parse::<u16>()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(|| bad("the port is not a number from 1 to 65535"))
    };
    let (host, port) = if let Some(rest) = arg.strip_prefix('[') {
        let (addr, after) = rest
            .split_once(']')
            .ok_or_else(|| bad("'[' without its ']'"))?;
        let p = match after {
            "" => None,
            _ => Some(port(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| bad("expected ':PORT' after ']'"))?,
            )?),
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(bad("not an IPv6 address between '[' and ']'"));
        }
        (addr.to_string(), p)
    } else if arg.matches(':').count() > 1 {
        // Bare IPv6: its colons are the address's own.
        if arg.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(bad("not an IPv6 address (write [ADDRESS]:PORT for a port)"));
        }
        (arg.to_string(), None)
    } else if let Some((h, p)) = arg.split_once(':') {
        (h.to_string(), Some(port(p)?))
    } else {
        (arg.to_string(), None)
    };
    if host.parse::<IpAddr>().is_err() && !is_host_name(&host) {
        return Err(bad("not a host name or an IP address"));
    }
    Ok((host, port))
}

/// RFC 1123 host name: dot-separated labels of letters, digits and '-', not
/// starting or ending with '-'.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(admin_uri: &str) -> Config {
        let mut c = Config::defaults("/x".into());
        c.admin_uri = admin_uri.into();
        c
    }

    #[test]
    fn hosts_addresses_and_ports() {
        let c = config("");
        for (arg, want) in [
            (
                "10.0.0.2",
                "database 'asterisk' as 'postgres' on 10.0.0.2 port 5432",
            ),
            (
                "slave.example.com:5433",
                "database 'asterisk' as 'postgres' on slave.example.com port 5433",
            ),
            ("::1", "database 'asterisk' as 'postgres' on ::1 port 5432"),
            (
                "[fd00::2]:6000",
                "database 'asterisk' as 'postgres' on fd00::2 port 6000",
            ),
            (
                "[::1]",
                "database 'asterisk' as 'postgres' on ::1 port 5432",
            ),
        ] {
            let s = Slave::parse(arg, &c).unwrap_or_else(|e| panic!("{arg}: {e}"));
            assert_eq!(s.describe(), want, "{arg}");
        }
    }

    #[test]
    fn a_bare_host_takes_the_admin_role_password_and_port() {
        let c = config("host=/run/x port=5439 user=admin password=sekrit");
        let s = Slave::parse("10.1.1.1", &c).expect("parses");
        assert_eq!(
            s.describe(),
            "database 'asterisk' as 'admin' on 10.1.1.1 port 5439"
        );
        assert_eq!(s.config.get_password(), Some(&b"sekrit"[..]));
    }

    #[test]
    fn a_uri_overrides_and_its_password_is_never_shown() {
        let c = config("user=admin password=other");
        let s =
            Slave::parse("postgresql://repl:pw0rd@10.2.2.2:6543/asterisk2", &c).expect("parses");
        assert_eq!(
            s.describe(),
            "database 'asterisk2' as 'repl' on 10.2.2.2 port 6543"
        );
        assert_eq!(s.config.get_password(), Some(&b"pw0rd"[..]));
        let s = Slave::parse("postgresql://10.2.2.2", &c).expect("parses");
        assert_eq!(
            s.describe(),
            "database 'asterisk' as 'admin' on 10.2.2.2 port 5432"
        );
        assert_eq!(s.config.get_password(), None);
    }

    #[test]
    fn junk_is_refused_with_exit_2() {
        let c = config("");
        for arg in [
            "",
            "not a host",
            "-h",
            "host:",
            "host:0",
            "host:99999",
            "[::1",
            "[nope]:5432",
            "1:2:3:zz",
            "postgresql://u:secretpw@h:notaport/db",
            "postgresql:///asterisk",
        ] {
            let e = match Slave::parse(arg, &c) {
                Ok(_) => panic!("{arg:?} accepted"),
                Err(e) => e,
            };
            assert_eq!(e.exit_code(), 2, "{arg:?}: {e}");
            assert!(!e.to_string().contains("secretpw"), "{e}");
        }
    }
}

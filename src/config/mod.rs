//! Paths and connection settings: the configuration file, its environment
//! override, and the fixed paths of the package. Nothing else reads the
//! environment or names a path.
//!
//! The file is shell-style `KEY=VALUE` lines, each value one POSIX sh word
//! (`parse_value`), so that administrators (and the
//! 14.07 habit of sourcing config files) keep working; it is parsed here, never
//! sourced, so nothing in it is executed.
//!
//! A file holding a secret (DB_PASSWORD, or a password in ADMIN_URI) that
//! every user can read is warned about, once per process, naming the file
//! and the fix; the package installs it mode 0640.
//!
//! Its parts: `paths.rs` the package's fixed paths, `value.rs` one value
//! as sh reads one word and the name rules; here the keys, their
//! validation and `Config`.
//!
//! Over 500 lines only with its unit tests (about 450 without): the keys,
//! their checks and the tests of each refusal are one contract with the
//! administrator.

use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

mod paths;
mod value;

pub use paths::*;
use value::{identifier, parse_value, role_name, Word};

const KEYS: [&str; 8] = [
    "ADMIN_URI",
    "DB_NAME",
    "DB_OWNER",
    "DB_PASSWORD",
    "STATE_DIR",
    "LOCK_TIMEOUT",
    "SERVICES",
    "SERVICE_COMMAND",
];

/// The settings every command and hook works from.
#[derive(Clone)]
pub struct Config {
    /// Where the settings came from (for messages).
    pub source: PathBuf,
    /// Superuser connection (libpq key/value or URI); empty = local socket as `postgres`.
    pub admin_uri: String,
    pub db_name: String,
    pub db_owner: String,
    /// Never printed: see `Debug` below.
    pub db_password: String,
    pub state_dir: PathBuf,
    pub lock_timeout: Duration,
    pub services: Vec<String>,
    pub service_command: String,
    /// Test-only override of the embedded migrations.
    pub migrations_dir: Option<PathBuf>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("source", &self.source)
            .field("admin_uri", &crate::secrets::mask(&self.admin_uri))
            .field("db_name", &self.db_name)
            .field("db_owner", &self.db_owner)
            .field("db_password", &"********")
            .field("state_dir", &self.state_dir)
            .finish_non_exhaustive()
    }
}

/// A configuration file that cannot be used. Nothing has been done when this
/// is returned.
#[derive(Debug)]
pub enum ConfigError {
    /// The file exists (or was named explicitly) but cannot be read.
    Unreadable { path: PathBuf, reason: String },
    /// A line is not `KEY=VALUE`, a comment or blank.
    Malformed {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// A key this version does not know (a typo would otherwise be ignored).
    UnknownKey {
        path: PathBuf,
        line: usize,
        key: String,
    },
    /// A known key with a value that cannot be used.
    BadValue {
        path: PathBuf,
        line: usize,
        key: String,
        reason: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Unreadable { path, reason } => {
                write!(
                    f,
                    "cannot read config file {}: {reason} (it must be a regular file of KEY=VALUE lines \
                     that root can read; fix it, or point {CONFIG_ENV} at one)",
                    path.display()
                )
            }
            ConfigError::Malformed { path, line, reason } => write!(
                f,
                "config file {} line {line}: {reason} (expected KEY=VALUE, a # comment or a blank line)",
                path.display()
            ),
            ConfigError::UnknownKey { path, line, key } => write!(
                f,
                "config file {} line {line}: unknown key '{key}' (known keys: {})",
                path.display(),
                KEYS.join(", ")
            ),
            ConfigError::BadValue { path, line, key, reason } => {
                write!(f, "config file {} line {line}: bad value for {key}: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The built-in defaults, as shipped in the commented conffile.
    pub fn defaults(source: PathBuf) -> Config {
        Config {
            source,
            admin_uri: String::new(),
            db_name: "asterisk".into(),
            db_owner: "asterisk".into(),
            db_password: "proformatique".into(),
            state_dir: default_state_dir(),
            lock_timeout: Duration::from_secs(600),
            services: DEFAULT_SERVICES
                .split_whitespace()
                .map(String::from)
                .collect(),
            service_command: "invoke-rc.d".into(),
            migrations_dir: None,
        }
    }

    /// Load from `$XIVO_MANAGE_DB_CONFIG`, else the default path. A missing
    /// default file means "all defaults" (a fresh host); a missing file named
    /// by the environment is an error, since somebody asked for it.
    pub fn load() -> Result<Config, ConfigError> {
        let (path, explicit) = match std::env::var_os(CONFIG_ENV) {
            Some(p) if !p.is_empty() => (PathBuf::from(p), true),
            _ => (rooted(DEFAULT_CONFIG_PATH), false),
        };
        // Only a regular file (fsutil::read_regular): a FIFO would wait
        // for a writer forever.
        let mut config = match crate::fsutil::read_regular(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| ConfigError::Unreadable {
                    path: path.clone(),
                    reason: "not valid UTF-8".into(),
                })?;
                let (config, secrets) = Config::parse_noting_secrets(&path, &text)?;
                warn_if_readable_by_others(&path, &secrets);
                config
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                Config::defaults(path)
            }
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path,
                    reason: e.to_string(),
                })
            }
        };
        config.migrations_dir = std::env::var_os(MIGRATIONS_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Ok(config)
    }

    /// The defaults and the test override of the migrations, without
    /// reading the file: for the commands that read only the package's own
    /// migrations (`migrations`, `show`, `replication-exclusions`), which
    /// must work whatever the file holds.
    pub fn without_file() -> Config {
        let mut config = Config::defaults(rooted(DEFAULT_CONFIG_PATH));
        config.migrations_dir = std::env::var_os(MIGRATIONS_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        config
    }

    /// Parse the text of a configuration file named `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        Config::parse_noting_secrets(path, text).map(|(c, _)| c)
    }

    /// `parse`, and the keys of the file that hold a secret.
    fn parse_noting_secrets(
        path: &Path,
        text: &str,
    ) -> Result<(Config, Vec<&'static str>), ConfigError> {
        let mut secrets = Vec::new();
        let mut c = Config::defaults(path.to_path_buf());
        let mut lines = text.lines().enumerate();
        while let Some((index, raw)) = lines.next() {
            let line = index + 1;
            let malformed = |reason: &str| ConfigError::Malformed {
                path: path.to_path_buf(),
                line,
                reason: reason.to_string(),
            };
            // Not trimmed at the end: a quote left open keeps its spaces.
            let trimmed = raw.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let trimmed = trimmed
                .strip_prefix("export ")
                .unwrap_or(trimmed)
                .trim_start();
            let (key, rest) = trimmed
                .split_once('=')
                .ok_or_else(|| malformed("no '=' on this line"))?;
            if key.is_empty()
                || !key
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
            {
                return Err(malformed(
                    "the key must be letters, digits and '_' directly before '='",
                ));
            }
            if !KEYS.contains(&key) {
                return Err(ConfigError::UnknownKey {
                    path: path.to_path_buf(),
                    line,
                    key: key.to_string(),
                });
            }
            // A quote left open, or a backslash ending the line: sh reads
            // the next lines into the same value.
            let mut text = rest.to_string();
            let value = loop {
                match parse_value(&text).map_err(|r| malformed(&format!("{key}: {r}")))? {
                    Word::Done(v) => break v,
                    Word::More => match lines.next() {
                        Some((_, next)) => {
                            text.push('\n');
                            text.push_str(next);
                        }
                        None => {
                            return Err(malformed(&format!(
                                "{key}: unterminated quote (or the last line ends with a backslash): close the quote"
                            )))
                        }
                    },
                }
            };
            c.set(key, value, &mut secrets)
                .map_err(|reason| ConfigError::BadValue {
                    path: path.to_path_buf(),
                    line,
                    key: key.to_string(),
                    reason,
                })?;
        }
        for (prefix, what) in [
            (SNAPSHOT_PREFIX, "rollback snapshots"),
            (RESTORE_PREFIX, "the databases of a restore"),
        ] {
            if c.db_name.starts_with(prefix) {
                return Err(ConfigError::BadValue {
                    path: path.to_path_buf(),
                    line: 0,
                    key: "DB_NAME".into(),
                    reason: format!("names starting with '{prefix}' are reserved for {what}"),
                });
            }
        }
        if c.db_name == LEGACY_DB_NAME {
            return Err(ConfigError::BadValue {
                path: path.to_path_buf(),
                line: 0,
                key: "DB_NAME".into(),
                reason: format!("'{LEGACY_DB_NAME}' is the 14.07 database that gets merged away"),
            });
        }
        Ok((c, secrets))
    }

    /// Set `key` (one of `KEYS`) to `value`, noting the keys that hold a
    /// secret; the error is the reason the value is refused.
    fn set(
        &mut self,
        key: &str,
        value: String,
        secrets: &mut Vec<&'static str>,
    ) -> Result<(), String> {
        match key {
            "ADMIN_URI" => {
                if uri_has_password(&value) && !secrets.contains(&"ADMIN_URI") {
                    secrets.push("ADMIN_URI");
                }
                self.admin_uri = value
            }
            "DB_NAME" => self.db_name = identifier(&value)?,
            "DB_OWNER" => self.db_owner = role_name(&value)?,
            "DB_PASSWORD" => {
                if value.is_empty() {
                    return Err("empty: every XiVO service logs in with a password".into());
                }
                if !secrets.contains(&"DB_PASSWORD") {
                    secrets.push("DB_PASSWORD");
                }
                self.db_password = value
            }
            "STATE_DIR" => {
                if !value.starts_with('/') {
                    return Err("must be an absolute path".into());
                }
                self.state_dir = PathBuf::from(value)
            }
            "LOCK_TIMEOUT" => {
                let secs: u64 = value
                    .parse()
                    .map_err(|_| "must be a whole number of seconds".to_string())?;
                self.lock_timeout = Duration::from_secs(secs)
            }
            "SERVICES" => self.services = value.split_whitespace().map(String::from).collect(),
            "SERVICE_COMMAND" => {
                if value.trim().is_empty() {
                    return Err("empty".into());
                }
                self.service_command = value
            }
            _ => return Err(format!("{key} is not a setting of this file")),
        }
        Ok(())
    }

    /// `$STATE_DIR/update-db`, where the 14.07 state files live.
    pub fn legacy_state_dir(&self) -> PathBuf {
        self.state_dir.join("update-db")
    }

    /// The host-wide lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.state_dir.join("lock")
    }

    /// The services a hook stopped and must start again, one per line.
    pub fn stopped_services_path(&self) -> PathBuf {
        self.state_dir.join("stopped-services")
    }

    /// The pre-upgrade snapshot: its record and the copy of the state files.
    pub fn rollback_dir(&self) -> PathBuf {
        self.state_dir.join("rollback")
    }

    /// The snapshot's record (see `snapshot::record`).
    pub fn rollback_record_path(&self) -> PathBuf {
        self.rollback_dir().join("record")
    }

    /// The copy of the 14.07 state files a snapshot keeps.
    pub fn rollback_state_copy_dir(&self) -> PathBuf {
        self.rollback_dir().join("update-db")
    }

    /// A 14.07 state file: `asterisk-last` or `xivo-last`.
    pub fn legacy_state_file(&self, prefix: &str) -> PathBuf {
        self.legacy_state_dir().join(format!("{prefix}-last"))
    }

    /// What a running `xivo-manage-db restore` made (see `restore::record`).
    pub fn restore_record_path(&self) -> PathBuf {
        self.state_dir.join("restore-record")
    }

    /// The connection limit of `xivo` while the merge holds it at 0.
    pub fn connlimit_path(&self) -> PathBuf {
        self.state_dir.join("merge-xivo-connlimit")
    }
}

/// What dpkg tells a maintainer script through its environment
/// (`DPKG_MAINTSCRIPT_*`); empty when run by hand.
#[derive(Debug, Clone, Default)]
pub struct DpkgEnv {
    pub package: String,
    pub arch: String,
    pub name: String,
}

impl DpkgEnv {
    pub fn read() -> DpkgEnv {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        DpkgEnv {
            package: var("DPKG_MAINTSCRIPT_PACKAGE"),
            arch: var("DPKG_MAINTSCRIPT_ARCH"),
            name: var("DPKG_MAINTSCRIPT_NAME"),
        }
    }
}

/// Does this ADMIN_URI carry a password (`password=` in key/value form,
/// `user:password@` or `?password=` in a URI)? One that does not parse
/// counts when it looks like it does: it is refused later anyway.
fn uri_has_password(uri: &str) -> bool {
    match uri.parse::<tokio_postgres::Config>() {
        Ok(c) => c.get_password().is_some(),
        Err(_) => crate::secrets::mask(uri) != uri,
    }
}

/// Say once per process (the commands may load the file twice) that `path`
/// holds `secrets` and every user can read it.
fn warn_if_readable_by_others(path: &Path, secrets: &[&str]) {
    static WARNED: Once = Once::new();
    if secrets.is_empty() {
        return;
    }
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.permissions().mode() & 0o004 == 0 {
        return;
    }
    WARNED.call_once(|| {
        log::warn!(
            "config file {} holds a password ({}) and is readable by every user of this host: \
             run chmod 640 {}",
            path.display(),
            secrets.join(", "),
            path.display()
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/etc/x/config"), text)
    }

    #[test]
    fn defaults_when_empty() {
        let c = parse("").expect("empty config");
        assert_eq!(c.db_name, "asterisk");
        assert_eq!(c.db_owner, "asterisk");
        assert_eq!(c.db_password, "proformatique");
        assert_eq!(c.state_dir, PathBuf::from("/var/lib/xivo-manage-db"));
        assert_eq!(c.lock_timeout, Duration::from_secs(600));
        assert_eq!(c.services.len(), 10);
    }

    #[test]
    fn values_quotes_and_comments() {
        let c = parse(
            "# comment\n\nDB_NAME=pbx # trailing\nADMIN_URI='host=/tmp/x user=postgres'\n\
             SERVICES=\"a b  c\"\nexport LOCK_TIMEOUT=5\nDB_PASSWORD=\"s\\\"e#cret\"\n",
        )
        .expect("valid config");
        assert_eq!(c.db_name, "pbx");
        assert_eq!(c.admin_uri, "host=/tmp/x user=postgres");
        assert_eq!(c.services, vec!["a", "b", "c"]);
        assert_eq!(c.lock_timeout, Duration::from_secs(5));
        assert_eq!(c.db_password, "s\"e#cret");
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let e = parse("DB_NAME=x\nDB_NAEM=y\n").expect_err("unknown key refused");
        let msg = e.to_string();
        assert!(msg.contains("/etc/x/config line 2"), "{msg}");
        assert!(msg.contains("unknown key 'DB_NAEM'"), "{msg}");
    }

    #[test]
    fn malformed_lines_refused() {
        for bad in [
            "just words",
            "DB_NAME = x",
            "DB_NAME=a b",
            "DB_NAME='open",
            "=x",
            "SERVICES=$(rm -rf /)",
        ] {
            let e = parse(bad)
                .err()
                .unwrap_or_else(|| panic!("accepted {bad:?}"));
            assert!(e.to_string().contains("line 1"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn bad_values_refused() {
        for bad in [
            "LOCK_TIMEOUT=soon",
            "STATE_DIR=relative",
            "DB_NAME=a234567890123456789012345678901234567890123456789012345678901234",
            "DB_NAME=\"a\0b\"",
            "DB_OWNER=pg_owner",
            "DB_OWNER=public",
            "DB_PASSWORD=",
            "DB_NAME=xivo",
            "DB_NAME=xivo_manage_db_snapshot_x",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn secrets_are_noted_by_key() {
        let secrets = |text: &str| {
            Config::parse_noting_secrets(Path::new("/etc/x/config"), text)
                .expect("valid")
                .1
        };
        assert!(secrets("DB_NAME=pbx\nADMIN_URI='host=/tmp user=postgres'\n").is_empty());
        assert_eq!(secrets("DB_PASSWORD=x\n"), vec!["DB_PASSWORD"]);
        for uri in [
            "ADMIN_URI='host=/tmp user=postgres password=x'",
            "ADMIN_URI='postgresql://postgres:x@localhost/postgres'",
            "ADMIN_URI='postgresql://localhost/postgres?password=x'",
        ] {
            assert_eq!(secrets(uri), vec!["ADMIN_URI"], "{uri}");
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let c = parse(
            "DB_PASSWORD=hunter2\nADMIN_URI='postgresql://postgres:topsecret@localhost/postgres'",
        )
        .expect("valid");
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("topsecret"),
            "{shown}"
        );
    }
}

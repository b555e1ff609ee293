//! The old (14.07) system: the numbered scripts `asterisk-NNN.sql` and
//! `xivo-NNN.sql`, and the state files `$STATE_DIR/update-db/asterisk-last`
//! and `xivo-last` that record the last one applied to each database.
//!
//! Everything here is validated before the database is touched: a state file
//! that is missing, empty, garbage, or names a level we have no scripts for
//! stops the run with the file's name.
//!
//! The remaining scripts are not committed one by one as 14.07 did: the
//! upgrade runs them inside the merge's single transaction on `asterisk`
//! (the `xivo-NNN` ones after the merge, on the merged tables), so a failure
//! anywhere leaves both databases and the state files as they were.
//!
//! Above 400 lines only with its unit tests (each state-file defect).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::config::{self, Config, LEGACY_DB_NAME};
use crate::fsutil;
use crate::migrations::{self, MigrationError};

/// Where the old system's files live in the migrations tree.
const LEGACY_DIR: &str = "legacy/";
const DATASTORAGE_DIR: &str = "legacy/datastorage/";

/// Something wrong with the old system's files.
#[derive(Debug)]
pub enum LegacyError {
    /// A state file is missing, unreadable, empty, garbage or out of range.
    StateFile { path: PathBuf, reason: String },
    /// The shipped numbered scripts are inconsistent (a packaging bug).
    Scripts { file: String, reason: String },
    /// The migrations tree the scripts come from cannot be read.
    Migrations(MigrationError),
    /// A state file cannot be moved or removed.
    Io { path: PathBuf, reason: String },
}

impl fmt::Display for LegacyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LegacyError::StateFile { path, reason } => {
                write!(f, "state file {}: {reason}", path.display())
            }
            LegacyError::Scripts { file, reason } => write!(f, "legacy script {file}: {reason}"),
            LegacyError::Migrations(e) => e.fmt(f),
            LegacyError::Io { path, reason } => write!(
                f,
                "cannot move or remove the 14.07 state file {}: {reason}; check the permissions of its directory",
                path.display()
            ),
        }
    }
}

impl std::error::Error for LegacyError {}

/// One numbered script.
#[derive(Debug, Clone)]
pub struct Script {
    pub number: u32,
    pub file: String,
    pub sql: String,
}

/// The scripts of one database, and the oldest level we upgrade from.
#[derive(Debug, Clone)]
pub struct DbScripts {
    /// `asterisk` or `xivo`: the prefix of the scripts and state file.
    pub prefix: &'static str,
    /// The level the 14.07 datastorage schema is at (oldest supported).
    pub base: u32,
    pub scripts: BTreeMap<u32, Script>,
}

impl DbScripts {
    /// The merge point: the last script.
    pub fn last(&self) -> u32 {
        self.scripts
            .keys()
            .next_back()
            .copied()
            .unwrap_or(self.base)
    }

    /// Scripts after `level`, in numeric order.
    pub fn after(&self, level: u32) -> Vec<&Script> {
        self.scripts.range(level + 1..).map(|(_, s)| s).collect()
    }
}

/// Both databases' scripts.
#[derive(Debug, Clone)]
pub struct LegacyScripts {
    pub asterisk: DbScripts,
    pub xivo: DbScripts,
}

/// The levels read from the state files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    pub asterisk: u32,
    pub xivo: u32,
}

impl LegacyScripts {
    pub fn load(config: &Config) -> Result<LegacyScripts, LegacyError> {
        let files = migrations::files(config).map_err(LegacyError::Migrations)?;
        let mut asterisk = DbScripts {
            prefix: "asterisk",
            base: 0,
            scripts: BTreeMap::new(),
        };
        let mut xivo = DbScripts {
            prefix: "xivo",
            base: 0,
            scripts: BTreeMap::new(),
        };
        for db in [&mut asterisk, &mut xivo] {
            let base_file = format!("{DATASTORAGE_DIR}{}-last", db.prefix);
            let f =
                files
                    .iter()
                    .find(|f| f.name == base_file)
                    .ok_or_else(|| LegacyError::Scripts {
                        file: base_file.clone(),
                        reason: "missing from the package".into(),
                    })?;
            db.base = parse_level(&String::from_utf8_lossy(&f.bytes)).map_err(|reason| {
                LegacyError::Scripts {
                    file: base_file.clone(),
                    reason,
                }
            })?;
            for f in &files {
                let Some(name) = f.name.strip_prefix(LEGACY_DIR) else {
                    continue;
                };
                let Some(number) = name
                    .strip_prefix(db.prefix)
                    .and_then(|r| r.strip_prefix('-'))
                    .and_then(|r| r.strip_suffix(".sql"))
                else {
                    continue;
                };
                let number: u32 = number.parse().map_err(|_| LegacyError::Scripts {
                    file: f.name.clone(),
                    reason: "the name must be <db>-<number>.sql".into(),
                })?;
                let sql = String::from_utf8(f.bytes.clone()).map_err(|_| LegacyError::Scripts {
                    file: f.name.clone(),
                    reason: "not valid UTF-8".into(),
                })?;
                let sql = crate::migrations::normalise(&sql);
                db.scripts.insert(
                    number,
                    Script {
                        number,
                        file: f.name.clone(),
                        sql,
                    },
                );
            }
            // Scripts must follow the base level without a gap, or a host
            // would silently skip one.
            for (i, n) in db.scripts.keys().enumerate() {
                let want = db.base + 1 + i as u32;
                if *n != want {
                    return Err(LegacyError::Scripts {
                        file: format!("{LEGACY_DIR}{}-{want}.sql", db.prefix),
                        reason: format!(
                            "missing: the scripts after level {} must be numbered without a gap",
                            db.base
                        ),
                    });
                }
            }
        }
        Ok(LegacyScripts { asterisk, xivo })
    }

    /// Read and validate both state files.
    pub fn read_levels(&self, config: &Config) -> Result<Levels, LegacyError> {
        Ok(Levels {
            asterisk: read_state_file(config, &self.asterisk)?,
            xivo: read_state_file(config, &self.xivo)?,
        })
    }
}

fn parse_level(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty".into());
    }
    t.parse::<u32>().map_err(|_| {
        format!(
            "'{}' is not a script number",
            // Escaped: binary junk must not break the one error line.
            t.chars().take(40).collect::<String>().escape_debug()
        )
    })
}

fn read_state_file(config: &Config, db: &DbScripts) -> Result<u32, LegacyError> {
    let path = config.legacy_state_file(db.prefix);
    let range = format!("{} to {}", db.base, db.last());
    let fix = format!(
        "it must hold the number of the last {}-NNN.sql applied ({range}); restore it from the backup of /var/lib/xivo-manage-db",
        db.prefix
    );
    let bad = |reason: String| LegacyError::StateFile {
        path: path.clone(),
        reason: format!("{reason}; {fix}"),
    };
    // Hosts that come from before 14.07 may still have it where an older
    // release left it (the hooks and xivo-update-db move it; reading it
    // there keeps xivo-check-db right meanwhile).
    let found = std::iter::once(path.clone())
        .chain(
            config::legacy_state_dirs()
                .into_iter()
                .map(|d| d.join(format!("{}-last", db.prefix))),
        )
        .find(|p| p.exists())
        .unwrap_or_else(|| path.clone());
    let text = match crate::fsutil::read_regular(&found) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(bad(
                "missing although the database is on the 14.07 system".into()
            ))
        }
        Err(e) => return Err(bad(format!("unreadable ({e})"))),
    };
    let level = parse_level(&text).map_err(bad)?;
    if level < db.base || level > db.last() {
        return Err(bad(format!("level {level} is unknown to this package")));
    }
    Ok(level)
}

/// Do any 14.07 state files remain?
pub fn state_files_present(config: &Config) -> bool {
    ["asterisk", LEGACY_DB_NAME]
        .iter()
        .any(|p| config.legacy_state_file(p).exists())
}

/// Remove the 14.07 state files (after the merge committed). Idempotent.
pub fn remove_state_files(config: &Config) -> Result<(), LegacyError> {
    for prefix in ["asterisk", LEGACY_DB_NAME] {
        fail_point!("cleanup.each_state_file");
        let path = config.legacy_state_file(prefix);
        match std::fs::remove_file(&path) {
            Ok(()) => log::info!("removed the 14.07 state file {}", path.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(LegacyError::Io {
                    path,
                    reason: e.to_string(),
                })
            }
        }
    }
    let _ = std::fs::remove_dir(config.legacy_state_dir());
    Ok(())
}

/// The 14.07-style lines of `xivo-check-db`, one per database.
pub fn check_lines(config: &Config) -> Result<Vec<String>, LegacyError> {
    let scripts = LegacyScripts::load(config)?;
    let levels = scripts.read_levels(config)?;
    Ok([
        (&scripts.asterisk, levels.asterisk),
        (&scripts.xivo, levels.xivo),
    ]
    .iter()
    .map(|(db, level)| {
        let verdict = if *level == db.last() {
            "OK".to_string()
        } else {
            format!("NOK (last is {level})")
        };
        format!("Checking {} database...\t{verdict}", db.prefix)
    })
    .collect())
}

/// Move the state files older releases kept in `/var/lib/xivo-update-db` or
/// `/var/lib/xivo-upgrade/update-db` into `$STATE_DIR/update-db`.
pub fn relocate_state_dirs(config: &Config) -> Result<Vec<PathBuf>, LegacyError> {
    relocate_state_dirs_from(config, &config::legacy_state_dirs())
}

/// Same, from the given directories. Idempotent: a file already at the new
/// place wins (it is the newer one), the old copy is removed; empty old
/// directories are removed. Returns the files moved.
pub fn relocate_state_dirs_from(
    config: &Config,
    sources: &[PathBuf],
) -> Result<Vec<PathBuf>, LegacyError> {
    let dest_dir = config.legacy_state_dir();
    let io = |(path, e): fsutil::Failure| LegacyError::Io {
        path,
        reason: e.to_string(),
    };
    let mut moved = Vec::new();
    for src_dir in sources {
        let Some(names) = fsutil::files_in(src_dir).map_err(io)? else {
            continue;
        };
        std::fs::create_dir_all(&dest_dir).map_err(|e| io((dest_dir.clone(), e)))?;
        for name in names {
            let (src, dest) = (src_dir.join(&name), dest_dir.join(&name));
            if dest.exists() {
                log::info!(
                    "{} already exists: dropping the older {}",
                    dest.display(),
                    src.display()
                );
                fsutil::remove(&src).map_err(io)?;
                continue;
            }
            fsutil::move_durably(&src, &dest).map_err(io)?;
            log::info!("moved {} to {}", src.display(), dest.display());
            moved.push(dest);
        }
        // Only removes it when empty; anything else of an admin's stays.
        let _ = std::fs::remove_dir(src_dir);
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relocation_is_idempotent_and_newest_wins() {
        let root = std::env::temp_dir().join(format!("xmdb-reloc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let old1 = root.join("var/lib/xivo-update-db");
        let old2 = root.join("var/lib/xivo-upgrade/update-db");
        std::fs::create_dir_all(&old1).expect("mkdir");
        std::fs::create_dir_all(&old2).expect("mkdir");
        std::fs::write(old1.join("asterisk-last"), "191\n").expect("write");
        std::fs::write(old2.join("xivo-last"), "121\n").expect("write");
        let mut config = Config::defaults("/x".into());
        config.state_dir = root.join("state");
        std::fs::create_dir_all(config.legacy_state_dir()).expect("mkdir");
        std::fs::write(config.legacy_state_dir().join("xivo-last"), "122\n").expect("write");
        let sources = [old1.clone(), old2.clone()];
        let moved = relocate_state_dirs_from(&config, &sources).expect("relocate");
        assert_eq!(moved, vec![config.legacy_state_dir().join("asterisk-last")]);
        let read =
            |f: &str| std::fs::read_to_string(config.legacy_state_dir().join(f)).expect("read");
        assert_eq!(read("asterisk-last"), "191\n");
        assert_eq!(read("xivo-last"), "122\n", "the file at the new place wins");
        assert!(!old1.exists() && !old2.exists(), "empty old dirs removed");
        assert!(relocate_state_dirs_from(&config, &sources)
            .expect("again")
            .is_empty());
        assert_eq!(read("asterisk-last"), "191\n");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn shipped_scripts_are_consistent() {
        let config = Config::defaults("/x".into());
        let s = LegacyScripts::load(&config).expect("embedded legacy scripts");
        assert!(s.asterisk.scripts.len() >= 3 && s.xivo.scripts.len() >= 3);
        assert_eq!(
            s.asterisk.after(s.asterisk.base).len(),
            s.asterisk.scripts.len()
        );
        assert!(s.asterisk.after(s.asterisk.last()).is_empty());
    }

    #[test]
    fn state_files_are_validated() {
        let root = std::env::temp_dir().join(format!("xmdb-state-{}", std::process::id()));
        let mut config = Config::defaults("/x".into());
        config.state_dir = root.clone();
        std::fs::create_dir_all(config.legacy_state_dir()).expect("mkdir");
        let s = LegacyScripts::load(&config).expect("embedded");
        let write = |db: &str, text: &str| {
            std::fs::write(config.legacy_state_file(db), text).expect("write")
        };
        write("xivo", &format!("{}\n", s.xivo.base));
        for (text, want) in [
            ("", "empty"),
            ("   \n", "empty"),
            ("garbage\n", "'garbage' is not a script number"),
            ("-3", "not a script number"),
            ("1\n", "level 1 is unknown"),
            ("99999", "level 99999 is unknown"),
        ] {
            write("asterisk", text);
            let e = s.read_levels(&config).expect_err("refused").to_string();
            assert!(
                e.contains("asterisk-last") && e.contains(want),
                "{text:?}: {e}"
            );
        }
        write("asterisk", &format!(" {}\n", s.asterisk.base + 1));
        let levels = s.read_levels(&config).expect("valid");
        assert_eq!(levels.asterisk, s.asterisk.base + 1);
        std::fs::remove_file(config.legacy_state_file("xivo")).expect("rm");
        let e = s.read_levels(&config).expect_err("missing").to_string();
        assert!(e.contains("xivo-last") && e.contains("missing"), "{e}");
        let _ = std::fs::remove_dir_all(root);
    }
}

//! The old (14.06/14.07) system: the numbered scripts `asterisk-NNN.sql` and
//! `xivo-NNN.sql`, and the state files `$STATE_DIR/update-db/asterisk-last`
//! and `xivo-last` that record the last one applied to each database, as
//! the old updater wrote them (`161.sql` and a newline: the script's file
//! name after its prefix) or bare (`161`).
//!
//! The hosts this package upgrades are data, in one place (`SUPPORTED`):
//! XiVO 14.06 (asterisk 161, xivo 007) and 14.07 (161, 008). Everything
//! here is validated before the database is touched: a state file that is
//! missing, empty, garbage, or a pair of levels that is not one of those
//! releases stops the run with the file's name and the releases it
//! upgrades from.
//!
//! The remaining scripts are not committed one by one as 14.07 did: the
//! upgrade runs them inside the merge's single transaction on `asterisk`
//! (the `xivo-NNN` ones after the merge, on the merged tables), so a failure
//! anywhere leaves both databases and the state files as they were. Their
//! numbers need not follow each other (14.08 shipped asterisk-162, 163 and
//! 166: 164 and 165 never existed).
//!
//! Above 500 lines only with its unit tests (each state-file defect; about
//! 435 lines without them).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::config::{self, Config, LEGACY_DB_NAME};
use crate::fsutil;
use crate::migrations::{self, MigrationError};

/// Where the old system's scripts live in the migrations tree.
const LEGACY_DIR: &str = "legacy/";

/// A release this package upgrades from, with the levels its state files hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub name: &'static str,
    pub levels: Levels,
}

/// The releases this package upgrades from. Hosts older than 14.06 had their
/// numbered scripts in another package; they are refused.
pub const SUPPORTED: [Release; 2] = [
    Release {
        name: "14.06",
        levels: Levels {
            asterisk: 161,
            xivo: 7,
        },
    },
    Release {
        name: "14.07",
        levels: Levels {
            asterisk: 161,
            xivo: 8,
        },
    },
];

/// "14.06 (asterisk 161, xivo 007) and 14.07 (asterisk 161, xivo 008)".
pub fn supported_releases() -> String {
    let names: Vec<String> = SUPPORTED
        .iter()
        .map(|r| {
            format!(
                "{} (asterisk {:03}, xivo {:03})",
                r.name, r.levels.asterisk, r.levels.xivo
            )
        })
        .collect();
    names.join(" and ")
}

/// The release whose state files hold `levels`, if this package upgrades it.
pub fn release_of(levels: Levels) -> Option<&'static Release> {
    SUPPORTED.iter().find(|r| r.levels == levels)
}

/// Something wrong with the old system's files.
#[derive(Debug)]
pub enum LegacyError {
    /// A state file is missing, unreadable, empty, garbage or names a level
    /// (or, with the other file, a pair) of no release this package upgrades.
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

/// The scripts of one database.
#[derive(Debug, Clone)]
pub struct DbScripts {
    /// `asterisk` or `xivo`: the prefix of the scripts and state file.
    pub prefix: &'static str,
    pub scripts: BTreeMap<u32, Script>,
}

impl DbScripts {
    /// The merge point: the last script.
    pub fn last(&self) -> u32 {
        self.scripts.keys().next_back().copied().unwrap_or(0)
    }

    /// Scripts after `level`, in numeric order.
    pub fn after(&self, level: u32) -> Vec<&Script> {
        self.scripts.range(level + 1..).map(|(_, s)| s).collect()
    }

    /// The level of this database in `levels`.
    fn level_in(&self, levels: Levels) -> u32 {
        if self.prefix == LEGACY_DB_NAME {
            levels.xivo
        } else {
            levels.asterisk
        }
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
            scripts: BTreeMap::new(),
        };
        let mut xivo = DbScripts {
            prefix: "xivo",
            scripts: BTreeMap::new(),
        };
        for db in [&mut asterisk, &mut xivo] {
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
            // Every supported release must have scripts to run, or its
            // hosts would be "merged" without them.
            for r in &SUPPORTED {
                if db.after(db.level_in(r.levels)).is_empty() {
                    return Err(LegacyError::Scripts {
                        file: format!("{LEGACY_DIR}{}-*.sql", db.prefix),
                        reason: format!(
                            "none after level {:03}, where XiVO {} leaves it",
                            db.level_in(r.levels),
                            r.name
                        ),
                    });
                }
            }
        }
        Ok(LegacyScripts { asterisk, xivo })
    }

    /// Read and validate both state files: each a level, the pair that of
    /// a release this package upgrades from.
    pub fn read_levels(&self, config: &Config) -> Result<Levels, LegacyError> {
        let asterisk = read_state_file(config, &self.asterisk)?;
        let xivo = read_state_file(config, &self.xivo)?;
        let levels = Levels {
            asterisk: asterisk.1,
            xivo: xivo.1,
        };
        if release_of(levels).is_some() {
            return Ok(levels);
        }
        // Name the file whose level no release has, else the xivo one (a
        // pair of known levels that no release left).
        let path = if SUPPORTED
            .iter()
            .all(|r| r.levels.asterisk != levels.asterisk)
        {
            asterisk.0
        } else {
            xivo.0
        };
        Err(LegacyError::StateFile {
            path,
            reason: format!(
                "asterisk level {:03} with xivo level {:03} is not a release this package upgrades from; \
                 it upgrades XiVO {}; {}",
                levels.asterisk,
                levels.xivo,
                supported_releases(),
                restore_hint(config)
            ),
        })
    }
}

/// The fix for a state file that is wrong, naming this host's state
/// directory (STATE_DIR may be elsewhere than the default).
fn restore_hint(config: &Config) -> String {
    format!(
        "restore it from the backup of {}, or upgrade the host to one of those releases first",
        config.state_dir.display()
    )
}

/// A state file's content: `161.sql` as the old updater wrote it (the
/// script's file name after its prefix), or a bare `161`; spaces and the
/// newline around it are ignored.
fn parse_level(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty".into());
    }
    // Escaped and cut: binary junk or a 10 MB line must not break (or
    // drown) the one error line.
    let not_a_level = || {
        format!(
            "'{}' is not a script level",
            t.chars().take(40).collect::<String>().escape_debug()
        )
    };
    let digits = t.strip_suffix(".sql").unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_level());
    }
    digits.parse::<u32>().map_err(|_| not_a_level())
}

/// The file read (it may be where an older release left it) and its level.
fn read_state_file(config: &Config, db: &DbScripts) -> Result<(PathBuf, u32), LegacyError> {
    let path = config.legacy_state_file(db.prefix);
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
    let fix = format!(
        "it must name the last {}-NNN.sql applied, as XiVO {} left it; {}",
        db.prefix,
        supported_releases(),
        restore_hint(config)
    );
    let bad = |reason: String| LegacyError::StateFile {
        path: found.clone(),
        reason: format!("{reason}; {fix}"),
    };
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
    if SUPPORTED.iter().all(|r| db.level_in(r.levels) != level) {
        return Err(bad(format!(
            "level {level:03} is not one this package upgrades from"
        )));
    }
    Ok((found, level))
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
            format!("NOK (last is {level:03})")
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

/// A failure a `return` failpoint injects (test builds): the variant that
/// carries a free message, so its exit code is that of a real failure there.
#[cfg(feature = "failpoints")]
impl From<crate::failpoints::Injected> for LegacyError {
    fn from(i: crate::failpoints::Injected) -> Self {
        LegacyError::Io {
            path: i.0.into(),
            reason: i.to_string(),
        }
    }
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
    fn shipped_scripts_are_those_of_14_08() {
        let config = Config::defaults("/x".into());
        let s = LegacyScripts::load(&config).expect("embedded legacy scripts");
        let numbers = |db: &DbScripts| db.scripts.keys().copied().collect::<Vec<_>>();
        assert_eq!(numbers(&s.asterisk), [162, 163, 166]);
        assert_eq!(numbers(&s.xivo), [8, 9]);
        assert_eq!((s.asterisk.last(), s.xivo.last()), (166, 9));
        assert_eq!(s.xivo.after(7).len(), 2, "a 14.06 host runs xivo-008 too");
        assert_eq!(s.xivo.after(8).len(), 1);
    }

    #[test]
    fn state_files_are_read_as_the_old_updater_wrote_them_and_bare() {
        for (text, want) in [
            ("161.sql\n", Ok(161)),
            ("008.sql\n", Ok(8)),
            ("161", Ok(161)),
            (" 007 \n", Ok(7)),
            ("", Err("empty")),
            ("   \n", Err("empty")),
            (".sql", Err("not a script level")),
            ("161.SQL", Err("not a script level")),
            ("garbage\n", Err("'garbage' is not a script level")),
            ("-3", Err("not a script level")),
            ("asterisk-161.sql", Err("not a script level")),
            ("99999999999999999999", Err("'99999999999999999999' is not")),
        ] {
            match (parse_level(text), want) {
                (Ok(n), Ok(w)) => assert_eq!(n, w, "{text:?}"),
                (Err(e), Err(w)) => assert!(e.contains(w), "{text:?}: {e}"),
                (got, _) => panic!("{text:?}: {got:?}"),
            }
        }
        let long = parse_level(&"7".repeat(10 << 20)).expect_err("too big");
        assert!(
            long.len() < 100,
            "cut to 40 characters: {} bytes",
            long.len()
        );
    }

    #[test]
    fn only_the_levels_of_14_06_and_14_07_are_accepted() {
        let root = std::env::temp_dir().join(format!("xmdb-state-{}", std::process::id()));
        let mut config = Config::defaults("/x".into());
        config.state_dir = root.clone();
        std::fs::create_dir_all(config.legacy_state_dir()).expect("mkdir");
        let s = LegacyScripts::load(&config).expect("embedded");
        let write = |db: &str, text: &str| {
            std::fs::write(config.legacy_state_file(db), text).expect("write")
        };
        for (a, x, release) in [("161.sql\n", "008.sql\n", "14.07"), ("161", "007", "14.06")] {
            write("asterisk", a);
            write("xivo", x);
            let levels = s.read_levels(&config).expect("supported");
            assert_eq!(release_of(levels).map(|r| r.name), Some(release));
        }
        for (a, x, file) in [
            ("160.sql\n", "008.sql\n", "asterisk-last"),
            ("166.sql\n", "009.sql\n", "asterisk-last"),
            ("161.sql\n", "009.sql\n", "xivo-last"),
            ("161.sql\n", "006.sql\n", "xivo-last"),
            ("99999", "008", "asterisk-last"),
        ] {
            write("asterisk", a);
            write("xivo", x);
            let e = s.read_levels(&config).expect_err("refused").to_string();
            assert!(
                e.contains(file) && e.contains("14.06") && e.contains("14.07") && !e.contains('\n'),
                "{a:?} {x:?}: {e}"
            );
        }
        write("asterisk", "161.sql\n");
        std::fs::remove_file(config.legacy_state_file("xivo")).expect("rm");
        let e = s.read_levels(&config).expect_err("missing").to_string();
        assert!(e.contains("xivo-last") && e.contains("missing"), "{e}");
        let _ = std::fs::remove_dir_all(root);
    }
}

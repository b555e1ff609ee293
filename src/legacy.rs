//! The old (14.07) system: numbered scripts and their state files.

use std::path::{Path, PathBuf};

use crate::config::{Config, LEGACY_STATE_DIRS};
use crate::error::Error;
use crate::migrations::MigrationSet;

/// The 14.07-style per-database lines of `xivo-check-db`.
pub fn check_lines(config: &Config, _set: &MigrationSet) -> Result<Vec<String>, Error> {
    Ok(vec![format!(
        "{}: NOK (14.07 database, not yet merged)",
        config.db_name
    )])
}

/// Move the state files older releases kept in `/var/lib/xivo-update-db` or
/// `/var/lib/xivo-upgrade/update-db` into `$STATE_DIR/update-db`.
pub fn relocate_state_dirs(config: &Config) -> Result<Vec<PathBuf>, Error> {
    let sources: Vec<PathBuf> = LEGACY_STATE_DIRS.iter().map(PathBuf::from).collect();
    relocate_state_dirs_from(config, &sources)
}

/// Same, from the given directories. Idempotent: a file already at the new
/// place wins (it is the newer one), the old copy is removed; empty old
/// directories are removed. Returns the files moved.
pub fn relocate_state_dirs_from(
    config: &Config,
    sources: &[PathBuf],
) -> Result<Vec<PathBuf>, Error> {
    let dest_dir = config.legacy_state_dir();
    let io = |what: &str, p: &Path, e: std::io::Error| {
        Error::Other(format!("{what} {}: {e}", p.display()))
    };
    let mut moved = Vec::new();
    for src_dir in sources {
        let entries = match std::fs::read_dir(src_dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io("cannot read legacy state directory", src_dir, e)),
        };
        std::fs::create_dir_all(&dest_dir).map_err(|e| io("cannot create", &dest_dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io("cannot read legacy state directory", src_dir, e))?;
            let src = entry.path();
            if !src.is_file() {
                continue;
            }
            let dest = dest_dir.join(entry.file_name());
            if dest.exists() {
                log::info!(
                    "{} already exists: dropping the older {}",
                    dest.display(),
                    src.display()
                );
                std::fs::remove_file(&src).map_err(|e| io("cannot remove", &src, e))?;
                continue;
            }
            if std::fs::rename(&src, &dest).is_err() {
                // Another file system: copy, sync, then remove.
                std::fs::copy(&src, &dest).map_err(|e| io("cannot copy", &src, e))?;
                std::fs::File::open(&dest)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| io("cannot sync", &dest, e))?;
                std::fs::remove_file(&src).map_err(|e| io("cannot remove", &src, e))?;
            }
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
}

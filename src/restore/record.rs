//! The record of a restore under way, `$STATE_DIR/restore-record` (mode
//! 0600, written durably): which databases it made (with a pre-14.08
//! backup, also the one holding its `xivo` dump) and their oids, and
//! whether the swap of names may have happened. Written before each change
//! it describes (the name before `CREATE DATABASE`, the oid before the
//! database is opened, the replaced database's oid before the swap),
//! removed only once nothing of the restore is left, so a run killed
//! anywhere leaves enough for the next one to put things right
//! (`super::recover`), which drops or renames only what the record names
//! by the snapshots' rule (`snapshot::name::is_ours`).
//!
//! Never touches a database.

use std::path::Path;

use crate::config::Config;
use crate::fsutil;

/// How far a restore got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The backup is being restored into `new`; `DB_NAME` is untouched.
    Restoring,
    /// The swap of names may have committed: `DB_NAME` is `new` when its
    /// oid is `new_oid`, else it is still the database we found.
    Swapping,
}

/// What a restore made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub phase: Phase,
    /// The database the backup is restored into.
    pub new: String,
    /// The name `DB_NAME` is set aside under by the swap.
    pub old: String,
    /// `new`'s oid, recorded once it is created (still closed).
    pub new_oid: Option<u32>,
    /// `DB_NAME`'s oid, recorded before the swap sets it aside as `old`.
    pub old_oid: Option<u32>,
    /// A pre-14.08 backup: the database its `xivo` dump is restored into,
    /// dropped once merged into `new` (or on undo).
    pub xivo: Option<String>,
    /// `xivo`'s oid, recorded once it is created (still closed).
    pub xivo_oid: Option<u32>,
}

impl Record {
    pub fn to_text(&self) -> String {
        let phase = match self.phase {
            Phase::Restoring => "restoring",
            Phase::Swapping => "swapping",
        };
        let mut t = format!("phase {phase}\nnew {}\nold {}\n", self.new, self.old);
        for (key, oid) in [
            ("new_oid", self.new_oid),
            ("old_oid", self.old_oid),
            ("xivo_oid", self.xivo_oid),
        ] {
            if let Some(oid) = oid {
                t.push_str(&format!("{key} {oid}\n"));
            }
        }
        if let Some(xivo) = &self.xivo {
            t.push_str(&format!("xivo {xivo}\n"));
        }
        t
    }

    pub fn parse(text: &str) -> Result<Record, String> {
        let (mut phase, mut new, mut old, mut xivo) = (None, None, None, None);
        let (mut new_oid, mut old_oid, mut xivo_oid) = (None, None, None);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (key, value) = line
                .split_once(' ')
                .ok_or_else(|| format!("malformed line '{line}'"))?;
            match key {
                "phase" => {
                    phase = Some(match value {
                        "restoring" => Phase::Restoring,
                        "swapping" => Phase::Swapping,
                        other => return Err(format!("unknown phase '{other}'")),
                    })
                }
                "new" | "old" | "xivo" if super::name::is_restore(value) => {
                    let slot = match key {
                        "new" => &mut new,
                        "old" => &mut old,
                        _ => &mut xivo,
                    };
                    *slot = Some(value.to_string());
                }
                "new_oid" | "old_oid" | "xivo_oid" => {
                    let oid = match key {
                        "new_oid" => &mut new_oid,
                        "old_oid" => &mut old_oid,
                        _ => &mut xivo_oid,
                    };
                    *oid = Some(
                        value
                            .parse::<u32>()
                            .map_err(|_| format!("bad oid '{value}'"))?,
                    )
                }
                _ => return Err(format!("unexpected line '{line}'")),
            }
        }
        let missing = |what: &str| format!("no '{what}' line");
        Ok(Record {
            phase: phase.ok_or_else(|| missing("phase"))?,
            new: new.ok_or_else(|| missing("new"))?,
            old: old.ok_or_else(|| missing("old"))?,
            new_oid,
            old_oid,
            xivo,
            xivo_oid,
        })
    }

    /// What `rollback status` shows of a restore record, one fact a line.
    pub fn describe(&self) -> String {
        let phase = match self.phase {
            Phase::Restoring => "restoring (the database was not replaced)",
            Phase::Swapping => "swapping (the database may have been replaced)",
        };
        let mut t = format!("restore:\t{phase}\nrestoring into:\t{}\n", self.new);
        if let Some(xivo) = &self.xivo {
            t.push_str(&format!("xivo copy:\t{xivo}\n"));
        }
        if self.phase == Phase::Swapping {
            t.push_str(&format!("set aside as:\t{}\n", self.old));
        }
        t
    }
}

fn problem(path: &Path, reason: impl std::fmt::Display) -> String {
    format!(
        "restore record {}: {reason}; look at the databases named '{}*' and remove the file by hand",
        path.display(),
        super::name::PREFIX
    )
}

/// The record a restore left, if any.
pub fn load(config: &Config) -> Result<Option<Record>, String> {
    let path = config.restore_record_path();
    // A FIFO or a directory in its place is an error, never a wait.
    match fsutil::read_regular(&path) {
        Ok(bytes) => Record::parse(&String::from_utf8_lossy(&bytes))
            .map(Some)
            .map_err(|e| problem(&path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(problem(&path, e)),
    }
}

/// Write the record durably, before the change it describes.
pub fn save(config: &Config, record: &Record) -> Result<(), String> {
    let path = config.restore_record_path();
    fsutil::write_durably(&path, record.to_text().as_bytes()).map_err(|e| problem(&path, e))
}

/// Forget the record, once nothing it names is left.
pub fn remove(config: &Config) -> Result<(), String> {
    let path = config.restore_record_path();
    fsutil::remove(&path).map_err(|(p, e)| problem(&p, e))?;
    fsutil::sync_dir(&config.state_dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written() {
        let r = Record {
            phase: Phase::Swapping,
            new: "xivo_manage_db_restore_20260101T101500Z_new".into(),
            old: "xivo_manage_db_restore_20260101T101500Z_old".into(),
            new_oid: Some(16384),
            old_oid: Some(16385),
            xivo: None,
            xivo_oid: None,
        };
        assert_eq!(Record::parse(&r.to_text()), Ok(r.clone()));
        let pair = Record {
            xivo: Some("xivo_manage_db_restore_20260101T101500Z_xivo".into()),
            xivo_oid: Some(16386),
            ..r
        };
        assert_eq!(Record::parse(&pair.to_text()), Ok(pair));
        assert!(Record::parse("phase restoring\nnew xivo_manage_db_restore_20260101T101500Z_new\nold xivo_manage_db_restore_20260101T101500Z_old\nxivo xivo\n").is_err());
        assert!(Record::parse("phase swapping\nnew asterisk\nold x\n").is_err());
        assert!(Record::parse("phase later\n").is_err());
    }
}

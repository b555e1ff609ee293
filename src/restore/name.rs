//! The names of the databases a restore makes:
//! `xivo_manage_db_restore_<time>_<slot>`, the time as the snapshot names
//! write it (`YYYYmmddTHHMMSSZ`, server clock, UTC) and the slot saying what
//! it holds: `new` the backup being restored, `old` the database it replaced,
//! set aside until it is dropped, `xivo` the `xivo` dump of a pre-14.08
//! backup, merged into `new` then dropped. 44 bytes whatever `DB_NAME` is (PostgreSQL
//! cuts identifiers at 63), and `DB_NAME` can never have this shape (the
//! configuration refuses it), so a leftover is recognised by its name alone.

use crate::snapshot::name::is_stamp;

pub use crate::config::RESTORE_PREFIX as PREFIX;

/// What a restore database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The backup, restored, until it takes `DB_NAME`.
    New,
    /// The database it replaced, until it is dropped.
    Old,
    /// A pre-14.08 backup's `xivo` database, until it is merged into `New`.
    Xivo,
}

impl Slot {
    fn as_str(self) -> &'static str {
        match self {
            Slot::New => "new",
            Slot::Old => "old",
            Slot::Xivo => "xivo",
        }
    }
}

/// The database of `slot` for the restore started at `stamp`.
pub fn make(stamp: &str, slot: Slot) -> String {
    format!("{PREFIX}{stamp}_{}", slot.as_str())
}

/// Does `name` have the exact shape of a restore database's name?
pub fn is_restore(name: &str) -> bool {
    let Some((stamp, slot)) = name.strip_prefix(PREFIX).and_then(|r| r.split_once('_')) else {
        return false;
    };
    is_stamp(stamp)
        && [Slot::New, Slot::Old, Slot::Xivo]
            .iter()
            .any(|s| s.as_str() == slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_and_are_recognised_exactly() {
        let n = make("20260101T101500Z", Slot::New);
        assert_eq!(n, "xivo_manage_db_restore_20260101T101500Z_new");
        assert!(n.len() <= 63);
        assert!(is_restore(&n));
        assert!(is_restore(&make("20260101T101500Z", Slot::Old)));
        assert!(is_restore(&make("20260101T101500Z", Slot::Xivo)));
        assert!(make("20260101T101500Z", Slot::Xivo).len() <= 63);
        for not in [
            "asterisk",
            "xivo",
            "xivo_manage_db_restore_",
            "xivo_manage_db_restore_20260101T101500Z",
            "xivo_manage_db_restore_20260101T101500Z_new2",
            "xivo_manage_db_restore_20260101T101500Z_xivo_",
            "xivo_manage_db_restore_2026010xT101500Z_old",
            "xivo_manage_db_snapshot_20260101T101500Z_main",
        ] {
            assert!(!is_restore(not), "{not}");
        }
    }
}

//! The names of snapshot databases: `xivo_manage_db_snapshot_<time>_<slot>`,
//! where the time is the server's clock in UTC (`YYYYmmddTHHMMSSZ`) and the
//! slot says which database it copies (`main` for `DB_NAME`, `xivo` for the
//! 14.07 database). 45 bytes whatever `DB_NAME` is, so PostgreSQL never
//! truncates one (it silently cuts identifiers at 63 bytes), and the one
//! string is used everywhere. Neither `DB_NAME` nor `xivo` can have this
//! shape (the configuration refuses such a DB_NAME).

/// Every snapshot name starts with this; nothing else of ours does.
pub use crate::config::SNAPSHOT_PREFIX as PREFIX;

/// Which database a copy is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `DB_NAME`.
    Main,
    /// The 14.07 `xivo` database.
    Legacy,
}

impl Slot {
    fn as_str(self) -> &'static str {
        match self {
            Slot::Main => "main",
            Slot::Legacy => "xivo",
        }
    }
}

/// The snapshot of `slot` taken at `stamp` (`YYYYmmddTHHMMSSZ`).
pub fn make(stamp: &str, slot: Slot) -> String {
    format!("{PREFIX}{stamp}_{}", slot.as_str())
}

/// Does `name` have the exact shape of a snapshot name?
pub fn is_snapshot(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(PREFIX) else {
        return false;
    };
    let Some((stamp, slot)) = rest.split_once('_') else {
        return false;
    };
    is_stamp(stamp) && (slot == Slot::Main.as_str() || slot == Slot::Legacy.as_str())
}

/// The one rule by which the package knows a database as one it made (a
/// snapshot's copy, a restore's database), the only databases it drops or
/// renames on its own: the name has a reserved shape (`reserved`: the
/// caller's `is_snapshot`, or the restore's check), a record names it, and
/// `pg_database` agrees with that record: the recorded oid (`seen_oid`), and
/// closed to connections (`open`: `datallowconn`) unless the protocol opened
/// it once its oid was recorded (`may_be_open`: a restore's database while it
/// is loaded). A database made whose oid is not yet recorded (a run killed in
/// between) qualifies only closed, as every one is created. A name alone,
/// however exact, never qualifies.
pub fn is_ours(
    reserved: bool,
    (seen_oid, open): (u32, bool),
    recorded_oid: Option<u32>,
    may_be_open: bool,
) -> bool {
    reserved
        && match recorded_oid {
            Some(oid) => oid == seen_oid && (may_be_open || !open),
            None => !open,
        }
}

/// `YYYYmmddTHHMMSSZ`.
pub fn is_stamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_and_are_recognised_exactly() {
        let n = make("20140808T101500Z", Slot::Main);
        assert_eq!(n, "xivo_manage_db_snapshot_20140808T101500Z_main");
        assert!(n.len() <= 63);
        assert!(is_snapshot(&n));
        assert!(is_snapshot(&make("20140808T101500Z", Slot::Legacy)));
        for not in [
            "asterisk",
            "xivo",
            "xivo_manage_db_snapshot_",
            "xivo_manage_db_snapshot_20140808T101500Z",
            "xivo_manage_db_snapshot_20140808T101500Z_main2",
            "xivo_manage_db_snapshot_2014080xT101500Z_main",
            "xivo_manage_db_snapshot_20140808T101500Z_asterisk",
            "asterisk_snapshot_14.8.0_20140808T101500Z",
        ] {
            assert!(!is_snapshot(not), "{not}");
        }
    }

    #[test]
    fn a_database_is_ours_by_name_oid_and_closedness_never_by_name_alone() {
        // Recorded oid, closed.
        assert!(is_ours(true, (7, false), Some(7), false));
        // Opened by the protocol after its oid was recorded.
        assert!(is_ours(true, (7, true), Some(7), true));
        // Not yet recorded: only closed, as created.
        assert!(is_ours(true, (7, false), None, true));
        assert!(!is_ours(true, (7, true), None, true));
        // Another oid, open where it must be closed, another name.
        assert!(!is_ours(true, (8, false), Some(7), false));
        assert!(!is_ours(true, (7, true), Some(7), false));
        assert!(!is_ours(false, (7, false), Some(7), false));
    }
}

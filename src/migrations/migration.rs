//! One migration file: its header, its SQL and its checksum.
//!
//! Header: the leading block of `-- key: value` lines.
//! ```text
//! -- revision: 4b7e2c1d9a03
//! -- down_revision: 1f2e3d4c5b6a          (None for the baseline; "a, b" for a merge)
//! -- message: add index on cel.linkedid
//! -- transactional: false                 (optional, default true)
//! ```

use sha2::{Digest, Sha256};

use super::MigrationError;

/// A parsed, not yet validated against the others, migration.
#[derive(Debug, Clone)]
pub struct Migration {
    revision: String,
    down_revisions: Vec<String>,
    message: String,
    transactional: bool,
    file: String,
    sql: String,
    checksum: String,
}

impl Migration {
    /// Parse `bytes`, the content of `file` (a path relative to the
    /// migrations root, used in every message).
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Migration, MigrationError> {
        let bad = |reason: String| MigrationError::BadFile {
            file: file.to_string(),
            reason,
        };
        let text = std::str::from_utf8(bytes).map_err(|e| bad(format!("not valid UTF-8 ({e})")))?;
        let sql = normalise(text);
        let mut revision = None;
        let mut down = None;
        let mut message = None;
        let mut transactional = true;
        for (index, line) in sql.lines().enumerate() {
            let Some(comment) = line.strip_prefix("--") else {
                break;
            };
            let comment = comment.trim();
            if comment.is_empty() {
                continue;
            }
            let Some((key, value)) = comment.split_once(':') else {
                break;
            };
            let value = value.trim();
            let line_no = index + 1;
            let dup = |k: &str| bad(format!("line {line_no}: '{k}' given twice in the header"));
            match key.trim() {
                "revision" => {
                    if revision.replace(value.to_string()).is_some() {
                        return Err(dup("revision"));
                    }
                }
                "down_revision" => {
                    let list: Vec<String> = if value == "None" {
                        Vec::new()
                    } else {
                        value.split(',').map(|s| s.trim().to_string()).collect()
                    };
                    if list.iter().any(|r| r.is_empty()) {
                        return Err(bad(format!(
                            "line {line_no}: empty revision in down_revision"
                        )));
                    }
                    if down.replace(list).is_some() {
                        return Err(dup("down_revision"));
                    }
                }
                "message" => {
                    if message.replace(value.to_string()).is_some() {
                        return Err(dup("message"));
                    }
                }
                "transactional" => {
                    transactional = match value {
                        "true" => true,
                        "false" => false,
                        other => {
                            return Err(bad(format!(
                            "line {line_no}: transactional must be true or false, not '{other}'"
                        )))
                        }
                    }
                }
                _ => break,
            }
        }
        let revision =
            revision.ok_or_else(|| bad("no '-- revision:' line in the header".into()))?;
        if revision.is_empty()
            || revision.len() > 32
            || !revision
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            // At most 40 characters of it: a broken file may hold megabytes.
            let shown: String = revision.chars().take(40).collect();
            return Err(bad(format!(
                "revision '{shown}' must be 1 to 32 letters, digits or '_'"
            )));
        }
        let down_revisions =
            down.ok_or_else(|| bad("no '-- down_revision:' line in the header".into()))?;
        let message = message.ok_or_else(|| bad("no '-- message:' line in the header".into()))?;
        let checksum = checksum(&sql);
        Ok(Migration {
            revision,
            down_revisions,
            message,
            transactional,
            file: file.to_string(),
            sql,
            checksum,
        })
    }

    pub fn revision(&self) -> &str {
        &self.revision
    }
    /// Parents; empty for the baseline, several for a merge revision.
    pub fn down_revisions(&self) -> &[String] {
        &self.down_revisions
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    /// False for statements PostgreSQL refuses in a transaction block
    /// (`CREATE INDEX CONCURRENTLY`...); such a migration runs alone.
    pub fn transactional(&self) -> bool {
        self.transactional
    }
    /// Path relative to the migrations root, e.g. `versions/4b7e..._x.sql`.
    pub fn file(&self) -> &str {
        &self.file
    }
    pub fn sql(&self) -> &str {
        &self.sql
    }
    /// Hex SHA-256 of the normalised text.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }
}

/// Drop a UTF-8 BOM and turn CRLF into LF, so that an editor or a git
/// setting never makes a migration look edited. The legacy scripts are read
/// through it too.
pub fn normalise(text: &str) -> String {
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n")
}

/// SHA-256 is pinned: checksums are stored in every database we ever
/// upgraded, so changing the algorithm would flag every migration as edited.
/// (Unlike a fast non-cryptographic hash, it is also stable across crate
/// versions and platforms by specification.)
pub fn checksum(normalised_sql: &str) -> String {
    let digest = Sha256::digest(normalised_sql.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "-- revision: abc123\n-- down_revision: 111, 222\n-- message: join\n\nSELECT 1;\n";

    #[test]
    fn parses_header() {
        let m = Migration::parse("versions/abc123_join.sql", GOOD.as_bytes()).expect("valid");
        assert_eq!(m.revision(), "abc123");
        assert_eq!(m.down_revisions(), ["111", "222"]);
        assert_eq!(m.message(), "join");
        assert!(m.transactional());
    }

    #[test]
    fn baseline_and_non_transactional() {
        let m = Migration::parse("b.sql", b"-- revision: r0\n-- down_revision: None\n-- message: base\n-- transactional: false\nSELECT 1;")
            .expect("valid");
        assert!(m.down_revisions().is_empty());
        assert!(!m.transactional());
    }

    #[test]
    fn crlf_and_bom_do_not_change_the_checksum() {
        let plain = Migration::parse("a.sql", GOOD.as_bytes()).expect("valid");
        let crlf = Migration::parse("a.sql", GOOD.replace('\n', "\r\n").as_bytes()).expect("valid");
        let bom = Migration::parse("a.sql", format!("\u{feff}{GOOD}").as_bytes()).expect("valid");
        assert_eq!(plain.checksum(), crlf.checksum());
        assert_eq!(plain.checksum(), bom.checksum());
        let edited = Migration::parse("a.sql", GOOD.replace("SELECT 1", "SELECT 2").as_bytes())
            .expect("valid");
        assert_ne!(plain.checksum(), edited.checksum());
    }

    #[test]
    fn pinned_checksum_value() {
        // sha256("SELECT 1;\n"): if this changes, every stored checksum breaks.
        assert_eq!(
            checksum("SELECT 1;\n"),
            "b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd"
        );
    }

    #[test]
    fn header_errors_name_the_file() {
        for (text, want) in [
            ("SELECT 1;", "no '-- revision:'"),
            ("-- revision: a\n-- message: m\n", "no '-- down_revision:'"),
            (
                "-- revision: a\n-- down_revision: None\n",
                "no '-- message:'",
            ),
            ("-- revision: a\n-- revision: b\n", "given twice"),
            (
                "-- revision: a b\n-- down_revision: None\n-- message: m",
                "must be",
            ),
            (
                "-- revision: a\n-- down_revision: x,\n-- message: m",
                "empty revision",
            ),
            (
                "-- revision: a\n-- down_revision: None\n-- message: m\n-- transactional: maybe",
                "true or false",
            ),
        ] {
            let e = Migration::parse("versions/f.sql", text.as_bytes()).expect_err("refused");
            let msg = e.to_string();
            assert!(
                msg.contains("versions/f.sql") && msg.contains(want),
                "{text:?}: {msg}"
            );
        }
        assert!(Migration::parse("x.sql", &[0xff, 0xfe]).is_err());
    }
}

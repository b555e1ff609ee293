//! Looking at a backup before anything is touched: the file is there and
//! readable, `pg_restore` reads its table of contents and then every byte
//! of its data (a custom-format archive cut short keeps a valid table of
//! contents at its start: only reading the data finds the cut, and a
//! corrupt compressed block), it is a dump of `DB_NAME` on the versioned
//! system, at a revision this package knows.
//!
//! Read-only: runs `pg_restore` without a connection (`--list`, `-f`), the
//! archive on its stdin, opened by us: the file may be readable by root
//! only. Never connects to the cluster, never changes anything.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::migrations::MigrationSet;

/// The fix every refusal of a backup file points to.
const FIX: &str = "give a complete backup made with 'pg_dump -Fc'";

/// A backup that passed every check.
#[derive(Debug)]
pub struct Dump {
    pub path: PathBuf,
    /// Its size in bytes (the progress total).
    pub size: u64,
    /// Its table-of-contents entries.
    pub entries: u64,
    /// `alembic_version` as it was dumped.
    pub revisions: Vec<String>,
}

/// One line naming the file, what is wrong and the fix.
fn refused(path: &Path, why: impl std::fmt::Display, fix: &str) -> String {
    format!(
        "cannot restore '{}': {why}; {fix}; nothing changed",
        path.display()
    )
}

/// The file, opened for `pg_restore`'s stdin.
fn open(path: &Path) -> Result<File, String> {
    let meta = std::fs::metadata(path).map_err(|e| refused(path, e, FIX))?;
    if !meta.is_file() {
        return Err(refused(path, "not a regular file", FIX));
    }
    File::open(path).map_err(|e| refused(path, e, FIX))
}

/// `pg_restore <args>` with the archive on stdin; its stdout, or its first
/// error line.
fn pg_restore(program: &Path, path: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::from(open(path)?))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let why = stderr
        .lines()
        .find(|l| l.contains("error:"))
        .or_else(|| stderr.lines().next())
        .unwrap_or("pg_restore failed")
        .trim()
        .to_string();
    Err(refused(
        path,
        format!("not a complete pg_dump custom-format archive ({why})"),
        FIX,
    ))
}

/// Check `path` as a backup of `db` for this package (see the module
/// header). Every refusal is one line naming the file and the fix.
pub fn inspect(
    pg_restore_program: &Path,
    path: &Path,
    db: &str,
    set: &MigrationSet,
) -> Result<Dump, String> {
    let mut head = [0u8; 5];
    let n = open(path)?
        .read(&mut head)
        .map_err(|e| refused(path, e, FIX))?;
    if &head[..n] != b"PGDMP" {
        return Err(refused(
            path,
            "not a pg_dump custom-format archive (it does not start with PGDMP)",
            FIX,
        ));
    }
    let size = std::fs::metadata(path)
        .map_err(|e| refused(path, e, FIX))?
        .len();
    let list = pg_restore(pg_restore_program, path, &["--list"])?;
    let dumped = list
        .lines()
        .find_map(|l| {
            let l = l.trim_start_matches(';').trim();
            l.get(..7)
                .filter(|k| k.eq_ignore_ascii_case("dbname:"))
                .map(|_| &l[7..])
        })
        .unwrap_or("")
        .trim()
        .to_string();
    if dumped != db {
        return Err(refused(
            path,
            format!("it is a backup of database '{dumped}', not of '{db}' (DB_NAME)"),
            &format!("give a backup made with 'pg_dump -Fc {db}'"),
        ));
    }
    let entries = list
        .lines()
        .filter(|l| !l.starts_with(';') && !l.trim().is_empty())
        .count() as u64;
    if !list.lines().any(|l| {
        l.contains(" TABLE public alembic_version ") || l.ends_with(" TABLE public alembic_version")
    }) {
        return Err(refused(
            path,
            "it has no table alembic_version: it is a backup of the 14.07 system, or of something else",
            "restoring a 14.07 backup is not supported by this command: restore it by hand on a 14.07 host, \
             then upgrade",
        ));
    }
    // Every data block, decompressed: the cut or the corruption the table
    // of contents cannot show.
    pg_restore(pg_restore_program, path, &["--file=/dev/null"])?;
    let data = pg_restore(
        pg_restore_program,
        path,
        &["--data-only", "--table=alembic_version", "--file=-"],
    )?;
    let revisions = alembic_rows(&data);
    if revisions.is_empty() {
        return Err(refused(path, "its alembic_version table is empty", FIX));
    }
    if let Some(unknown) = revisions.iter().find(|r| set.get(r).is_none()) {
        return Err(refused(
            path,
            format!(
                "it is at revision {unknown}, which this package does not know (its head is {}): \
                 it was made by a newer package",
                set.head()
            ),
            "upgrade this package first",
        ));
    }
    Ok(Dump {
        path: path.to_path_buf(),
        size,
        entries,
        revisions,
    })
}

/// The rows of `COPY public.alembic_version ... FROM stdin;` in a data-only script.
fn alembic_rows(script: &str) -> Vec<String> {
    script
        .lines()
        .skip_while(|l| !(l.starts_with("COPY ") && l.contains("alembic_version")))
        .skip(1)
        .take_while(|l| *l != "\\.")
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::alembic_rows;

    #[test]
    fn revisions_are_read_from_the_copy_block() {
        let script = "SET x = 1;\nCOPY public.alembic_version (version_num) FROM stdin;\nabc\ndef\n\\.\n\nSELECT 1;\n";
        assert_eq!(alembic_rows(script), vec!["abc", "def"]);
        assert!(alembic_rows("SET x = 1;\n").is_empty());
    }
}

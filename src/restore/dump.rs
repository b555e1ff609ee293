//! Looking at a backup before anything is touched: the file is there and
//! readable, `pg_restore` reads its table of contents, it is a dump of
//! `DB_NAME` on the versioned system, at a revision this package knows; and
//! what it holds (`Contents`: each table of `public`, whether its rows are
//! in it, its columns from its definition), which `missing` holds against
//! the tables and columns its revision must have (`super::schema`).
//! A custom-format archive cut short keeps a valid table of contents at its
//! start: only reading every data block finds the cut, or a corrupt
//! compressed block. That full read is the load's own, into a new database
//! (the restore drops it and asks `read_all` whether the file is to blame);
//! a 14.07 dump (`inspect_1407`) is read in full here.
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
    /// The tables of `public` it holds (empty for a 14.07 dump).
    pub contents: Contents,
}

/// One table of a dump's `public` schema.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dumped {
    /// A `TABLE DATA` entry: its rows are in the dump.
    pub rows: bool,
    /// Its columns, from its `CREATE TABLE` (none when it was not found).
    pub columns: Vec<String>,
}

/// The tables of a dump's `public` schema, by name.
pub type Contents = std::collections::BTreeMap<String, Dumped>;

/// The tables (each with its columns) a revision must have.
pub type Expected = std::collections::BTreeMap<String, Vec<String>>;

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

/// The file starts as a custom-format archive does, and `pg_restore`
/// reads its table of contents, which names `db` (`what`: how the refusal
/// names it). Returns the size and the list.
fn table_of_contents(
    program: &Path,
    path: &Path,
    db: &str,
    what: &str,
) -> Result<(u64, String), String> {
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
    let list = pg_restore(program, path, &["--list"])?;
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
            format!("it is a backup of database '{dumped}', not of '{db}'{what}"),
            &format!("give a backup made with 'pg_dump -Fc {db}'"),
        ));
    }
    Ok((size, list))
}

/// Does the table of contents hold table `public.<table>`?
fn has_table(list: &str, table: &str) -> bool {
    let entry = format!(" TABLE public {table} ");
    let last = format!(" TABLE public {table}");
    list.lines()
        .any(|l| l.contains(&entry) || l.ends_with(&last))
}

fn count_entries(list: &str) -> u64 {
    list.lines()
        .filter(|l| !l.starts_with(';') && !l.trim().is_empty())
        .count() as u64
}

/// Check `path` as a backup of `db` for this package (see the module
/// header). Every refusal is one line naming the file and the fix.
pub fn inspect(
    pg_restore_program: &Path,
    path: &Path,
    db: &str,
    set: &MigrationSet,
) -> Result<Dump, String> {
    let (size, list) = table_of_contents(pg_restore_program, path, db, " (DB_NAME)")?;
    let entries = count_entries(&list);
    if !has_table(&list, "alembic_version") {
        return Err(refused(
            path,
            "it has no table alembic_version: it is a backup of the 14.07 system, or of something else",
            "a 14.07 backup is restored with its xivo dump: xivo-manage-db restore ASTERISK_DUMP \
             --xivo XIVO_DUMP --levels ASTERISK_LEVEL,XIVO_LEVEL",
        ));
    }
    // The data blocks are read to the last byte by the load itself, into a
    // new database (`read_all` tells a bad backup from a failing load).
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
    let schema = pg_restore(
        pg_restore_program,
        path,
        &["--schema-only", "--section=pre-data", "--file=-"],
    )?;
    Ok(Dump {
        path: path.to_path_buf(),
        size,
        entries,
        revisions,
        contents: contents(&list, &schema),
    })
}

/// The tables of `public` in a table of contents (`TABLE` and `TABLE
/// DATA` entries: `ID; CATALOG OID TABLE public NAME OWNER`), each with
/// its columns from the `CREATE TABLE` of the pre-data script.
fn contents(list: &str, schema: &str) -> Contents {
    let mut tables = Contents::new();
    for line in list.lines().filter(|l| !l.starts_with(';')) {
        let words: Vec<&str> = line.split_whitespace().skip(3).collect();
        match words.as_slice() {
            ["TABLE", "DATA", "public", name, ..] => {
                tables.entry(name.to_string()).or_default().rows = true;
            }
            ["TABLE", "public", name, ..] => {
                tables.entry(name.to_string()).or_default();
            }
            _ => {}
        }
    }
    for (name, columns) in definitions(schema) {
        if let Some(t) = tables.get_mut(&name) {
            t.columns = columns;
        }
    }
    tables
}

/// Each `CREATE TABLE public.NAME (` of a pg_dump script, with its column
/// names (one a line, indented; `CONSTRAINT` lines are not columns).
fn definitions(script: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line
            .strip_prefix("CREATE TABLE public.")
            .or_else(|| line.strip_prefix("CREATE UNLOGGED TABLE public."))
        else {
            continue;
        };
        let Some(name) = rest.strip_suffix(" (").map(unquote) else {
            continue;
        };
        let columns = lines
            .by_ref()
            .take_while(|l| l.starts_with("    "))
            .map(str::trim_start)
            .filter(|l| !l.starts_with("CONSTRAINT "))
            .map(unquote)
            .collect();
        out.push((name, columns));
    }
    out
}

/// The identifier that starts `text`, as pg_dump writes one: bare up to a
/// space or a comma, or in double quotes (a quote doubled inside).
fn unquote(text: &str) -> String {
    let Some(quoted) = text.strip_prefix('"') else {
        return text
            .split([' ', ','])
            .next()
            .unwrap_or_default()
            .to_string();
    };
    let mut out = String::new();
    let mut chars = quoted.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
            } else {
                break;
            }
        }
        out.push(c);
    }
    out
}

/// What the dump lacks of `expected` (each table, its rows, its columns),
/// named; empty when it holds it all. A table whose definition was not
/// found has its columns left unchecked.
pub fn missing(contents: &Contents, expected: &Expected) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in expected {
        let Some(t) = contents.get(table) else {
            out.push(format!("table {table}"));
            continue;
        };
        if !t.rows {
            out.push(format!("the rows of table {table}"));
        }
        if !t.columns.is_empty() {
            out.extend(
                columns
                    .iter()
                    .filter(|c| !t.columns.contains(c))
                    .map(|c| format!("column {table}.{c}")),
            );
        }
    }
    out
}

/// The refusal of a dump that lacks what its revision has.
pub fn refuse_incomplete(dump: &Dump, lacks: &[String]) -> String {
    refused(
        &dump.path,
        format!(
            "it lacks what revision {} has: {}",
            dump.revisions.join(", "),
            lacks.join(", ")
        ),
        "give a backup of the whole database, made with 'pg_dump -Fc' without -t, -T or --exclude-table-data",
    )
}

/// Every data block of `path`, decompressed: the cut or the corruption the
/// table of contents cannot show. A refusal of the file if it is not whole.
pub fn read_all(pg_restore_program: &Path, path: &Path) -> Result<(), String> {
    pg_restore(pg_restore_program, path, &["--file=/dev/null"]).map(|_| ())
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
    use super::{alembic_rows, contents, missing, unquote, Dumped, Expected};

    #[test]
    fn a_dump_is_held_against_the_tables_columns_and_rows_expected() {
        let list = ";\n; Archive created at 2026-01-01\n;     dbname: asterisk\n;\n\
            215; 1259 16599 TABLE public queue_log asterisk\n\
            216; 1259 16600 TABLE public user asterisk\n\
            217; 1259 16601 TABLE public dhcp asterisk\n\
            3321; 0 16599 TABLE DATA public queue_log asterisk\n\
            3322; 0 16600 TABLE DATA public user asterisk\n";
        let schema = "SET x = 1;\n\nCREATE TABLE public.queue_log (\n    \"time\" character varying(26) DEFAULT ''::character varying NOT NULL,\n    callid text,\n    CONSTRAINT c CHECK (true)\n);\n\n\
            CREATE TABLE public.\"user\" (\n    id integer NOT NULL,\n    \"we\"\"ird\" integer\n);\n";
        let c = contents(list, schema);
        assert_eq!(
            c.get("queue_log"),
            Some(&Dumped {
                rows: true,
                columns: vec!["time".into(), "callid".into()]
            })
        );
        assert_eq!(c["user"].columns, vec!["id", "we\"ird"]);
        assert_eq!(c["dhcp"], Dumped::default());
        let expected: Expected = [
            ("queue_log", vec!["time", "callid", "agent"]),
            ("user", vec!["id"]),
            ("dhcp", vec!["id"]),
            ("cel", vec!["id"]),
        ]
        .into_iter()
        .map(|(t, cs)| (t.to_string(), cs.into_iter().map(String::from).collect()))
        .collect();
        assert_eq!(
            missing(&c, &expected),
            vec![
                "table cel",
                "the rows of table dhcp",
                "column queue_log.agent"
            ]
        );
        assert_eq!(unquote("plain integer,"), "plain");
    }

    #[test]
    fn revisions_are_read_from_the_copy_block() {
        let script = "SET x = 1;\nCOPY public.alembic_version (version_num) FROM stdin;\nabc\ndef\n\\.\n\nSELECT 1;\n";
        assert_eq!(alembic_rows(script), vec!["abc", "def"]);
        assert!(alembic_rows("SET x = 1;\n").is_empty());
    }
}

/// Which database of a 14.07 (pre-14.08) backup a dump should hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// `DB_NAME`, the 14.07 `asterisk`.
    Asterisk,
    /// The 14.07 `xivo`.
    Xivo,
}

/// Tables each 14.07 database has from its oldest supported level on (the
/// numbered scripts change them): a dump without them is of something else.
fn legacy_markers(which: Legacy) -> &'static [&'static str] {
    match which {
        Legacy::Asterisk => &["userfeatures", "extensions", "queue_log"],
        Legacy::Xivo => &[
            "ldapserver",
            "mail",
            "provisioning",
            "session",
            "directories",
        ],
    }
}

/// Check `path` as one dump of a 14.07 backup: of `db`, on the 14.07
/// system (no alembic_version, the tables of that database), complete.
/// Every refusal is one line naming the file and the fix.
pub fn inspect_1407(
    pg_restore_program: &Path,
    path: &Path,
    db: &str,
    which: Legacy,
) -> Result<Dump, String> {
    let what = match which {
        Legacy::Asterisk => " (DB_NAME)",
        Legacy::Xivo => " (the 14.07 xivo database)",
    };
    let (size, list) = table_of_contents(pg_restore_program, path, db, what)?;
    if has_table(&list, "alembic_version") {
        return Err(refused(
            path,
            "it has a table alembic_version: it is a backup of the 14.08 system or later",
            "restore it alone, without --xivo and --levels",
        ));
    }
    if let Some(missing) = legacy_markers(which).iter().find(|t| !has_table(&list, t)) {
        return Err(refused(
            path,
            format!("it has no table {missing}: it is not a dump of the 14.07 '{db}' database"),
            &format!("give the backup made with 'pg_dump -Fc {db}' on the 14.07 host"),
        ));
    }
    read_all(pg_restore_program, path)?;
    Ok(Dump {
        path: path.to_path_buf(),
        size,
        entries: count_entries(&list),
        revisions: Vec::new(),
        contents: super::dump::Contents::new(),
    })
}

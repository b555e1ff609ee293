//! What the database recorded of its revisions, and the two views an
//! alembic or Flyway user expects of it: `xivo-manage-db history` (what was
//! applied or stamped, when, how long; `alembic history`) and
//! `xivo-manage-db migrations` (every revision the package carries, applied,
//! current or pending, in graph order; `flyway info`). Both as aligned text
//! or one JSON object. Read-only: no lock, no change.

use std::collections::BTreeMap;

use tokio_postgres::Client;

use crate::config::Config;
use crate::error::Error;
use crate::json::{self, Value};
use crate::migrations::{self, MigrationSet};
use crate::pg::{self, Superuser};
use crate::standing;

/// One row of the history table.
pub struct Entry {
    pub revision: String,
    /// `YYYY-MM-DD HH:MM:SS TZ`.
    pub applied_at: String,
    pub duration_ms: i64,
    pub stamped: bool,
}

/// What a database says of its revisions.
pub enum Recorded {
    /// There is no such database.
    Missing,
    /// It exists with no relation in it.
    Empty,
    /// Tables but no `alembic_version`: the 14.07 system.
    Legacy,
    /// At `current`; `entries` is `None` without this package's history
    /// table (other tools versioned it).
    Versioned {
        current: Vec<String>,
        entries: Option<Vec<Entry>>,
    },
}

/// Read what `db` recorded.
pub async fn read(admin: &Superuser, db: &str) -> Result<Recorded, Error> {
    let Some(client) = standing::connect(admin, db).await? else {
        return Ok(Recorded::Missing);
    };
    let Some(current) = migrations::current_revisions(&client).await? else {
        return Ok(if standing::has_relations(&client).await? {
            Recorded::Legacy
        } else {
            Recorded::Empty
        });
    };
    let entries = entries(&client, db).await?;
    Ok(Recorded::Versioned { current, entries })
}

async fn entries(client: &Client, db: &str) -> Result<Option<Vec<Entry>>, Error> {
    let what = || format!("reading the history of '{db}'");
    let has_history: bool = client
        .query_one(
            &format!(
                "SELECT to_regclass('public.{}') IS NOT NULL",
                migrations::HISTORY_TABLE
            ),
            &[],
        )
        .await
        .map_err(|e| pg::query_error(what(), &e))?
        .get(0);
    if !has_history {
        return Ok(None);
    }
    let rows = client
        .query(
            &format!(
                "SELECT revision::text, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS TZ'), duration_ms, stamped \
                   FROM public.{} ORDER BY applied_at, revision",
                migrations::HISTORY_TABLE
            ),
            &[],
        )
        .await
        .map_err(|e| pg::query_error(what(), &e))?;
    Ok(Some(
        rows.iter()
            .map(|r| Entry {
                revision: r.get(0),
                applied_at: r.get(1),
                duration_ms: r.get(2),
                stamped: r.get(3),
            })
            .collect(),
    ))
}

/// The sentence for a database with nothing recorded by this package, or
/// `None` when there is a history to show.
fn nothing_recorded(recorded: &Recorded, db: &str) -> Option<String> {
    Some(match recorded {
        Recorded::Missing => {
            format!("nothing recorded: database '{db}' does not exist (xivo-init-db --init creates it)")
        }
        Recorded::Empty => format!(
            "nothing recorded by this package yet: database '{db}' is empty (provisioning never finished; run xivo-init-db --init)"
        ),
        Recorded::Legacy => format!(
            "nothing recorded by this package yet: database '{db}' is a XiVO 14.07 system (run xivo-update-db to upgrade it)"
        ),
        Recorded::Versioned { entries: Some(_), .. } => return None,
        Recorded::Versioned { current, .. } if current.is_empty() => format!(
            "nothing recorded by this package: database '{db}' has an empty alembic_version"
        ),
        Recorded::Versioned { current, .. } => format!(
            "nothing recorded by this package (the database was versioned by other tools, such as XiVO 14.08's own upgrade); database '{db}' is at revision {}",
            current.join(", ")
        ),
    })
}

/// What `Recorded` is, as one word for JSON.
fn state_word(recorded: &Recorded) -> &'static str {
    match recorded {
        Recorded::Missing => "missing",
        Recorded::Empty => "empty",
        Recorded::Legacy => "legacy",
        Recorded::Versioned { entries: None, .. } => "unrecorded",
        Recorded::Versioned { .. } => "recorded",
    }
}

/// `xivo-manage-db history [--json]` and its exit code: 1 when the
/// database does not exist, else 0.
pub async fn history(
    config: &Config,
    admin: &Superuser,
    json: bool,
) -> Result<(String, u8), Error> {
    let db = &config.db_name;
    let recorded = read(admin, db).await?;
    let code = u8::from(matches!(recorded, Recorded::Missing));
    let note = nothing_recorded(&recorded, db);
    let (current, entries) = match &recorded {
        Recorded::Versioned { current, entries } => {
            (current.clone(), entries.as_deref().unwrap_or_default())
        }
        _ => (Vec::new(), &[][..]),
    };
    if json {
        let list = entries
            .iter()
            .map(|e| {
                json::object(vec![
                    ("revision", e.revision.as_str().into()),
                    ("applied_at", e.applied_at.as_str().into()),
                    (
                        "duration_ms",
                        Value::from((!e.stamped).then_some(e.duration_ms)),
                    ),
                    ("stamped", e.stamped.into()),
                ])
            })
            .collect();
        let text = json::object(vec![
            ("database", db.as_str().into()),
            ("state", state_word(&recorded).into()),
            ("current", Value::StrList(current)),
            ("note", note.into()),
            ("history", Value::Objects(list)),
        ]);
        return Ok((text + "\n", code));
    }
    if let Some(note) = note {
        return Ok((note + "\n", code));
    }
    let mut rows = vec![vec![
        "REVISION".to_string(),
        "APPLIED AT".to_string(),
        "DURATION".to_string(),
    ]];
    for e in entries {
        rows.push(vec![
            e.revision.clone(),
            e.applied_at.clone(),
            if e.stamped {
                "stamped".to_string()
            } else {
                duration(e.duration_ms)
            },
        ]);
    }
    Ok((table(&rows), code))
}

/// `xivo-manage-db migrations [--json]`: every revision of `set` in graph
/// order with what the database says of it. Without a database to ask
/// (`recorded` is the reason it could not be read), every state is
/// "unknown". Always exit 0: it is a listing.
pub fn migrations_view(
    config: &Config,
    set: &MigrationSet,
    recorded: Result<Recorded, Error>,
    json: bool,
) -> String {
    let db = &config.db_name;
    let mut note = None;
    let mut current: Vec<String> = Vec::new();
    let mut applied = std::collections::BTreeSet::new();
    let mut when: BTreeMap<String, &Entry> = BTreeMap::new();
    let unknown;
    match &recorded {
        Err(e) => {
            unknown = true;
            note = Some(format!(
                "states unknown: {}",
                crate::secrets::mask(&e.to_string())
            ));
        }
        Ok(r @ (Recorded::Missing | Recorded::Empty | Recorded::Legacy)) => {
            unknown = false;
            note = nothing_recorded(r, db).map(|n| format!("{n}; every migration is pending"));
        }
        Ok(
            r @ Recorded::Versioned {
                current: c,
                entries,
            },
        ) => match set.applied_set(c) {
            Ok(a) => {
                unknown = false;
                current = c.clone();
                applied = a;
                for e in entries.iter().flatten() {
                    when.insert(e.revision.clone(), e);
                }
                if entries.is_none() {
                    note = nothing_recorded(r, db)
                        .map(|n| format!("{n}; no time or duration is known"));
                }
            }
            Err(e) => {
                unknown = true;
                current = c.clone();
                note = Some(format!("states unknown: {e}"));
            }
        },
    }
    let mut objects = Vec::new();
    let mut rows = vec![[
        "REVISION",
        "PARENTS",
        "STATE",
        "APPLIED AT",
        "DURATION",
        "MIGRATION",
    ]
    .map(String::from)
    .to_vec()];
    for m in set.all() {
        let rev = m.revision();
        let state = if unknown {
            "unknown"
        } else if !applied.contains(rev) {
            "pending"
        } else if when.get(rev).is_some_and(|e| e.stamped) {
            "stamped"
        } else {
            "applied"
        };
        let is_current = current.iter().any(|c| c == rev);
        let is_head = rev == set.head();
        // A history row of a revision not applied now (alembic_version set
        // back by hand) says nothing of this database's state.
        let entry = when.get(rev).filter(|_| applied.contains(rev));
        if json {
            objects.push(json::object(vec![
                ("revision", rev.into()),
                ("parents", Value::StrList(m.down_revisions().to_vec())),
                ("state", state.into()),
                ("current", is_current.into()),
                ("head", is_head.into()),
                ("transactional", m.transactional().into()),
                ("applied_at", entry.map(|e| e.applied_at.clone()).into()),
                (
                    "duration_ms",
                    entry.filter(|e| !e.stamped).map(|e| e.duration_ms).into(),
                ),
                ("file", m.file().into()),
                ("message", m.message().into()),
            ]));
            continue;
        }
        let mut flags: Vec<&str> = Vec::new();
        if is_current {
            flags.push("current");
        }
        if is_head {
            flags.push("head");
        }
        if !m.transactional() {
            flags.push("non-transactional");
        }
        let state = if flags.is_empty() {
            state.to_string()
        } else {
            format!("{state} ({})", flags.join(", "))
        };
        rows.push(vec![
            rev.to_string(),
            if m.down_revisions().is_empty() {
                "-".to_string()
            } else {
                m.down_revisions().join(",")
            },
            state,
            entry
                .map(|e| e.applied_at.clone())
                .unwrap_or_else(|| "-".into()),
            match entry {
                Some(e) if !e.stamped => duration(e.duration_ms),
                _ => "-".into(),
            },
            m.message().to_string(),
        ]);
    }
    if json {
        return json::object(vec![
            ("database", db.as_str().into()),
            ("head", set.head().into()),
            ("current", Value::StrList(current)),
            ("note", note.into()),
            ("migrations", Value::Objects(objects)),
        ]) + "\n";
    }
    let mut out = table(&rows);
    if let Some(n) = note {
        out.push_str(&n);
        out.push('\n');
    }
    out
}

/// A duration in milliseconds, in the one format (`crate::duration`).
fn duration(ms: i64) -> String {
    crate::duration::human(std::time::Duration::from_millis(
        u64::try_from(ms).unwrap_or(0),
    ))
}

/// Rows as columns padded to their widest cell, two spaces apart; the last
/// column unpadded.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_durations_read_well() {
        let rows = vec![
            vec!["A".to_string(), "bb".to_string(), "c".to_string()],
            vec!["aaaa".to_string(), "b".to_string(), "cc".to_string()],
        ];
        assert_eq!(table(&rows), "A     bb  c\naaaa  b   cc\n");
        assert_eq!(duration(850), "0.85 s");
        assert_eq!(duration(12_400), "12 s");
        assert_eq!(duration(185_000), "3 min 5 s");
    }
}

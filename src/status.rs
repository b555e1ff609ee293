//! `xivo-manage-db status`: where the database stands and what is pending,
//! as lines for an administrator or (`--json`) as one JSON object for
//! monitoring. The JSON object is printed in every case, errors included
//! (bad configuration, cluster down, a revision newer than this package):
//! a probe always gets `code` and `error` on stdout. Read-only: it takes no
//! lock and changes nothing.

use std::fmt::Write as _;

use crate::check;
use crate::config::Config;
use crate::error::Error;
use crate::json::{self, Value};
use crate::migrations::MigrationSet;
use crate::pg::Superuser;
use crate::snapshot::record::Record;
use crate::standing::Standing;

/// What `status` reports; every field a machine value but `notes` (the
/// text form's sentences on what is pending).
pub struct Facts {
    /// The exit code.
    pub code: u8,
    /// `ok`, `behind`, `missing`, `empty`, `legacy`.
    state: &'static str,
    /// The verdict line of `xivo-check-db` and the 14.07 lines.
    verdict: String,
    current: Vec<String>,
    pending: Vec<String>,
    edited: Vec<String>,
    recorded: bool,
    /// A snapshot record, readable or not (an unreadable one is pending
    /// too: `notes` says why).
    snapshot_pending: bool,
    snapshot: Option<Record>,
    restore_pending: bool,
    notes: Vec<String>,
}

/// Where the database stands, and what a hook or a restore left pending.
pub async fn facts(config: &Config, admin: &Superuser, set: &MigrationSet) -> Result<Facts, Error> {
    let standing = check::check(config, admin, set).await?;
    let (verdict, code) = check::verdict(&standing, config, set)?;
    let every = || set.all().iter().map(|m| m.revision().to_string()).collect();
    let (state, current, pending, edited, recorded) = match &standing {
        Standing::Versioned {
            current,
            plan,
            edited,
            recorded,
        } => (
            if plan.is_empty() { "ok" } else { "behind" },
            current.clone(),
            plan.migrations()
                .map(|m| m.revision().to_string())
                .collect(),
            edited.iter().map(|e| e.revision.clone()).collect(),
            *recorded,
        ),
        Standing::Missing => ("missing", Vec::new(), every(), Vec::new(), false),
        Standing::Empty => ("empty", Vec::new(), every(), Vec::new(), false),
        Standing::Legacy => ("legacy", Vec::new(), every(), Vec::new(), false),
    };
    // Records left by a hook or a restore: not the wanted state either. An
    // unreadable record counts as pending (its sentence says why).
    let notes = crate::pending::summary(config);
    let loaded = crate::snapshot::load(config);
    let snapshot_pending = !matches!(loaded, Ok(None));
    let snapshot = loaded.ok().flatten();
    let restore_pending = !matches!(crate::restore::record::load(config), Ok(None));
    let code = if notes.is_empty() { code } else { code.max(1) };
    Ok(Facts {
        code,
        state,
        verdict,
        current,
        pending,
        edited,
        recorded,
        snapshot_pending,
        snapshot,
        restore_pending,
        notes,
    })
}

/// The text form: one fact per line; `code` is the exit code.
pub async fn text(
    config: &Config,
    admin: &Superuser,
    set: &MigrationSet,
) -> Result<(String, u8), Error> {
    let f = facts(config, admin, set).await?;
    let mut lines = f.verdict.lines();
    let state = lines.next().unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "database:\t{} (owner {})",
        config.db_name, config.db_owner
    );
    let _ = writeln!(
        out,
        "package head:\t{} ({} migrations)",
        set.head(),
        set.all().len()
    );
    // The database's own verdict; a pending snapshot or restore is said
    // right under it, so that `OK` never reads as "nothing to do".
    let _ = writeln!(out, "state:\t\t{state}");
    if !f.current.is_empty() {
        let _ = writeln!(out, "revision:\t{}", f.current.join(", "));
    }
    if !f.recorded && f.state != "missing" && f.state != "empty" && f.state != "legacy" {
        let _ = writeln!(out, "history:\t{}", crate::admin::NOT_RECORDED);
    }
    // The 14.07 lines, one per database.
    for l in lines {
        let _ = writeln!(
            out,
            "\t\t{}",
            l.replace("Checking ", "").replace("...\t", ": ")
        );
    }
    for e in &f.edited {
        let _ = writeln!(out, "edited:\t\t{e} changed since it was applied");
    }
    for p in &f.notes {
        let _ = writeln!(out, "pending:\t{p}");
    }
    let _ = writeln!(out, "state dir:\t{}", config.state_dir.display());
    Ok((out, f.code))
}

/// What the JSON form knows before the database is asked: the
/// configuration and the migration set, when they loaded.
pub struct Known<'a> {
    pub config: Option<&'a Config>,
    pub set: Option<&'a MigrationSet>,
}

/// The JSON form, one line: the facts, or for an error `code` and `error`
/// (the error line as stderr has it, masked) with what `known` holds.
pub fn json(known: Known<'_>, result: Result<&Facts, &Error>) -> String {
    let config = known.config;
    let (code, error, f) = match result {
        Ok(f) => (f.code, Value::Null, Some(f)),
        Err(e) => (
            e.exit_code(),
            Value::Str(crate::secrets::mask(&e.to_string())),
            None,
        ),
    };
    let list =
        |pick: fn(&Facts) -> &Vec<String>| Value::StrList(f.map(pick).cloned().unwrap_or_default());
    let text = json::object(vec![
        ("code", i64::from(code).into()),
        ("error", error),
        ("up_to_date", (code == 0).into()),
        ("state", f.map(|f| f.state).into()),
        ("current", list(|f| &f.current)),
        ("head", known.set.map(|s| s.head()).into()),
        ("pending", list(|f| &f.pending)),
        ("snapshot_pending", f.map(|f| f.snapshot_pending).into()),
        (
            "snapshot_phase",
            f.and_then(|f| f.snapshot.as_ref())
                .map(|r| r.phase.to_string())
                .into(),
        ),
        ("restore_pending", f.map(|f| f.restore_pending).into()),
        ("edited", list(|f| &f.edited)),
        ("history_recorded", f.map(|f| f.recorded).into()),
        ("database", config.map(|c| c.db_name.as_str()).into()),
        ("owner", config.map(|c| c.db_owner.as_str()).into()),
        ("migrations", known.set.map(|s| s.all().len() as u64).into()),
        (
            "state_dir",
            config.map(|c| c.state_dir.display().to_string()).into(),
        ),
    ]);
    text + "\n"
}

//! A pre-14.08 backup: a dump of `asterisk` and a dump of `xivo`
//! (`restore ASTERISK_DUMP --xivo XIVO_DUMP --levels A,X`). Both dumps are
//! checked before anything is touched; the `xivo` one is restored into a
//! database of its own (`name::Slot::Xivo`) and merged into the new
//! database by the 14.08 merge (`merge`), after the 14.07 numbered scripts
//! above the given levels, then the versions run to head.
//!
//! The levels are the administrator's to give: the dumps do not hold them
//! (14.07 kept them in its state files `asterisk-last` and `xivo-last`), and
//! a script that only changes rows leaves nothing to detect them by. A wrong
//! guess would skip a script silently; the levels given must be those of a
//! release this package upgrades from (14.06: 161,007; 14.07: 161,008), and a
//! level too low makes a script fail inside the merge's transaction, which
//! rolls back.
//!
//! Never reads or writes this host's own 14.07 state files, database `xivo`
//! or role `xivo`: a host still on 14.07 is refused (upgrade it first).

use std::path::Path;

use tokio_postgres::Client;

use super::dump::{self, Dump, Legacy};
use super::load;
use crate::config::{Config, LEGACY_DB_NAME, LEGACY_STATE_DIRS};
use crate::legacy::{self, LegacyScripts, Levels};
use crate::logging::timed;
use crate::merge;
use crate::migrations::{self, MigrationSet, Report};
use crate::pg::Superuser;
use crate::standing::{self, Standing};

/// The `xivo` half of a checked pre-14.08 backup.
#[derive(Debug)]
pub struct Pair {
    pub xivo: Dump,
    pub levels: Levels,
    scripts: LegacyScripts,
}

/// Where the administrator finds the levels.
fn where_levels_are() -> String {
    format!(
        "they are the levels in the 14.06/14.07 host's state files asterisk-last and xivo-last (in {} \
         or {}, in that host's backup)",
        LEGACY_STATE_DIRS[0], LEGACY_STATE_DIRS[1]
    )
}

/// `ASTERISK_LEVEL,XIVO_LEVEL`: the levels of a release this package
/// upgrades from (`legacy::SUPPORTED`).
fn parse_levels(text: &str) -> Result<Levels, String> {
    let bad = |why: String| {
        format!(
            "--levels '{text}': {why}; give --levels ASTERISK_LEVEL,XIVO_LEVEL: {}; nothing changed",
            where_levels_are()
        )
    };
    let (a, x) = text
        .split_once(',')
        .ok_or_else(|| bad("not two numbers separated by a comma".into()))?;
    let mut levels = [0u32; 2];
    for (value, out) in [a, x].into_iter().zip(levels.iter_mut()) {
        let v = value.trim();
        let digits = v.strip_suffix(".sql").unwrap_or(v);
        *out = digits
            .parse()
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| bad(format!("'{v}' is not a script level")))?;
    }
    let levels = Levels {
        asterisk: levels[0],
        xivo: levels[1],
    };
    if legacy::release_of(levels).is_none() {
        return Err(bad(format!(
            "asterisk {:03} with xivo {:03} is not a release this package upgrades from (XiVO {})",
            levels.asterisk,
            levels.xivo,
            legacy::supported_releases()
        )));
    }
    Ok(levels)
}

/// Before anything is touched: the levels, this host (not on 14.07), then
/// both dumps. Returns the `asterisk` dump and the rest of the pair.
pub async fn check(
    config: &Config,
    program: &Path,
    asterisk: &Path,
    xivo: &Path,
    levels: Option<&str>,
    current: Option<&Client>,
    set: &MigrationSet,
) -> Result<(Dump, Pair), String> {
    let db = &config.db_name;
    let Some(levels) = levels else {
        return Err(format!(
            "--xivo needs --levels ASTERISK_LEVEL,XIVO_LEVEL, the levels of the 14.07 numbered scripts the \
             backup was at, which the dumps do not hold: {}; nothing changed",
            where_levels_are()
        ));
    };
    let scripts = LegacyScripts::load(config).map_err(|e| e.to_string())?;
    let levels = parse_levels(levels)?;
    let on_1407 = legacy::state_files_present(config)
        || matches!(
            standing::classify(current, db, set)
                .await
                .map_err(|e| e.to_string())?,
            Standing::Legacy
        );
    if on_1407 {
        return Err(format!(
            "this host is still on 14.07 (database '{db}' or the state files in {}): upgrade it first \
             with xivo-update-db, then restore the 14.07 backup; nothing changed",
            config.legacy_state_dir().display()
        ));
    }
    let asterisk = dump::inspect_1407(program, asterisk, db, Legacy::Asterisk)?;
    let xivo = dump::inspect_1407(program, xivo, LEGACY_DB_NAME, Legacy::Xivo)?;
    Ok((
        asterisk,
        Pair {
            xivo,
            levels,
            scripts,
        },
    ))
}

/// The `xivo` dump restored into `xivo` (a reserved name, made by the
/// caller and in the record), then merged into `new`; the caller drops it
/// (a kill before leaves it to `recover`).
pub async fn load_and_merge(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
    program: &Path,
    pair: &Pair,
    new: &str,
    xivo: &str,
) -> Result<(), String> {
    timed(
        &format!("restoring '{}' into '{xivo}'", pair.xivo.path.display()),
        load::pg_restore(
            superuser,
            program,
            &pair.xivo,
            xivo,
            // One process, as the asterisk dump (see `restore_into_new`).
            load::Reading::Stdin,
        ),
    )
    .await?;
    timed(
        &format!("merging '{xivo}' into '{new}' (the 14.08 merge)"),
        merge_into(config, superuser, set, pair, new, xivo),
    )
    .await
}

/// The 14.08 merge of the restored `xivo` copy (`source`) into the restored
/// `asterisk` (`target`), after the numbered scripts above the levels, then
/// the versions to head. The merge's one transaction commits or leaves
/// `target` as it was.
async fn merge_into(
    config: &Config,
    superuser: &Superuser,
    set: &MigrationSet,
    pair: &Pair,
    target: &str,
    source: &str,
) -> Result<(), String> {
    let postgres = superuser
        .connect("postgres")
        .await
        .map_err(|e| e.to_string())?;
    let client = superuser.connect(target).await.map_err(|e| e.to_string())?;
    let mut merge = merge::prepare(
        superuser,
        postgres,
        client,
        &pair.scripts,
        pair.levels,
        target,
        source,
    )
    .await
    .map_err(|e| e.to_string())?;
    // Not closed: nothing but this run knows `source`.
    let mut report = Report::default();
    merge
        .apply(config, superuser, set, &mut report)
        .await
        .map_err(|e| e.to_string())?;
    let (_, mut client) = merge.into_connections();
    migrations::run(&mut client, set, &config.db_owner, report)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_those_of_a_supported_release() {
        for (text, want) in [
            ("161,008", (161, 8)),
            ("161,7", (161, 7)),
            ("161.sql,008.sql", (161, 8)),
        ] {
            assert_eq!(
                parse_levels(text),
                Ok(Levels {
                    asterisk: want.0,
                    xivo: want.1
                })
            );
        }
        for bad in [
            "", "161", "a,b", "1,1", "161,009", "166,009", "161;008", "-1,008", "193,123",
        ] {
            let e = parse_levels(bad).expect_err(bad);
            assert!(
                e.contains("asterisk-last") && e.contains("nothing changed"),
                "{e}"
            );
        }
    }
}

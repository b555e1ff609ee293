//! What the command-line entry points share: the runtime, the logger, and
//! turning a result into one line on stderr and an exit code (see `error.rs`
//! for the contract). Each command is one function here, called by a
//! three-line `main`.
//!
//! Nothing here may panic on output: `println!` panics when stdout is a
//! closed pipe (`xivo-manage-db replication-exclusions | head -1`), and the
//! release profile aborts on panic. The listings end quietly with 0 when
//! their reader goes away, as other Unix tools do; the commands that change
//! the database or give a verdict (init, update, check, status) carry on,
//! their exit code saying what happened (stderr and syslog have the log).
//!
//! Over 500 lines: one short function per command, each the same shape
//! (logger, work, one line, exit code); `manage_db`'s match is the largest.
//! The `xivo-manage-db` subcommands could move to a `cli/manage.rs`.

use std::future::Future;
use std::io::Write;
use std::process::ExitCode;

use log::LevelFilter;

use crate::config::Config;
use crate::error::Error;
use crate::migrations::{self, MigrationSet};
use crate::pg::Superuser;
use crate::standing::Standing;
use crate::{check, provision, upgrade};

/// `runtime::block_on`, its failure to start as one of our errors.
fn block_on<F: Future>(f: F) -> Result<F::Output, Error> {
    crate::runtime::block_on(f)
        .map_err(|e| Error::Other(format!("cannot start the async runtime: {e}")))
}

/// Print the error as one line and map to the exit code.
pub fn finish(program: &str, result: Result<u8, Error>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed stdout: nothing to say, and nobody left to say it to.
        Err(e) if e.exit_code() == 0 => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::stdout().flush();
            let _ = writeln!(
                std::io::stderr(),
                "{program}: error: {}",
                crate::secrets::mask(&e.to_string())
            );
            ExitCode::from(e.exit_code())
        }
    }
}

/// Configuration, connection settings and the validated migration set:
/// everything is checked before anything is touched.
fn prepare() -> Result<(Config, Superuser, MigrationSet), Error> {
    let config = Config::load()?;
    let admin = Superuser::from_config(&config)?;
    let set = migrations::load(&config)?;
    Ok((config, admin, set))
}

/// Progress and results of a command that changes the database or gives a
/// verdict: a stdout nobody reads must not stop it halfway.
fn say(text: &str) {
    let mut out = std::io::stdout();
    let _ = write!(out, "{text}");
    let _ = out.flush();
}

/// A success line (`done`, `provisioned`, a report): not under `-q`.
fn success(text: &str) {
    if !crate::logging::quiet() {
        say(text);
    }
}

/// A listing: when its reader has gone (EPIPE), the command ends quietly
/// with success; any other failure to write is an error.
fn list(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Error::StdoutClosed),
        Err(e) => Err(Error::Other(format!("cannot write to stdout: {e}"))),
    }
}

/// `xivo-check-db`. Stdout has `Checking database...` and a verdict once
/// the configuration and the migrations are loaded: `OK`, `NOK (...)`, or
/// `ERROR` when the database could not be asked (exit 2, the reason on
/// stderr); an error before that prints nothing on stdout.
pub fn check_db(program: &str) -> ExitCode {
    crate::logging::init(program, LevelFilter::Warn);
    let asked = std::cell::Cell::new(false);
    let result = (|| {
        let (config, admin, set) = prepare()?;
        let quiet = crate::logging::quiet();
        if !quiet {
            say("Checking database...");
            asked.set(true);
        }
        let standing = block_on(check::check(&config, &admin, &set))??;
        let (verdict, code) = check::verdict(&standing, &config, &set)?;
        if !quiet {
            say(&format!("\t{verdict}\n"));
        }
        if let Standing::Versioned { edited, .. } = &standing {
            for e in edited {
                log::warn!(
                    "migration {} ({}) was edited after it was applied (applied checksum {}, file checksum {}): \
                     the schema may differ from what the files describe",
                    e.revision,
                    e.file,
                    &e.applied_checksum[..12.min(e.applied_checksum.len())],
                    &e.file_checksum[..12]
                );
            }
        }
        Ok(code)
    })();
    if result.is_err() && asked.get() {
        say("\tERROR\n");
    }
    finish(program, result)
}

/// `xivo-update-db [-q|-v] [--dry-run [--sql]]`: `-v` adds the debug lines.
pub fn update_db(program: &str, verbose: bool, dry_run: bool, sql: bool) -> ExitCode {
    if dry_run {
        crate::logging::init(program, LevelFilter::Warn);
        let result = (|| {
            let (config, admin, set) = prepare()?;
            let (text, code) = block_on(crate::dry_run::dry_run(&config, &admin, &set, sql))??;
            list(&text)?;
            Ok(code)
        })();
        return finish(program, result);
    }
    crate::logging::init(
        program,
        if verbose {
            LevelFilter::Debug
        } else {
            LevelFilter::Info
        },
    );
    let result = (|| {
        let (config, admin, set) = prepare()?;
        success("Updating database...\n");
        block_on(upgrade::update(&config, &admin, &set))??.log(&set);
        success("Updating database done.\n");
        Ok(0)
    })();
    finish(program, result)
}

/// `xivo-init-db [--drop] [--init]`.
pub fn init_db(program: &str, drop: bool, init: bool, verbose: bool, yes: bool) -> ExitCode {
    crate::logging::init(
        program,
        if verbose {
            LevelFilter::Info
        } else {
            LevelFilter::Warn
        },
    );
    let result = (|| {
        if !drop && !init {
            return Err(Error::Usage(
                "nothing to do: give --init, --drop, or both (see --help)".into(),
            ));
        }
        let (config, admin, set) = prepare()?;
        if drop {
            crate::confirm::confirm(
                &format!(
                    "Drop database '{}' and its owner role '{}'? Every row in it is lost.",
                    config.db_name, config.db_owner
                ),
                yes,
            )?;
        }
        let work = async {
            let _lock = crate::lock::RunLock::acquire(&config, &admin).await?;
            crate::pending::refuse_if_pending(&config)?;
            // A restore killed midway first, as xivo-update-db does: its
            // half-loaded database and record go (a swap it committed
            // stays, the services it stopped start again), so that --drop
            // and --init see the real database.
            {
                let postgres = admin.connect("postgres").await?;
                crate::restore::recover(&config, &postgres)
                    .await
                    .map_err(Error::Refused)?;
            }
            if drop {
                provision::drop_database(&config, &admin).await?;
            }
            if init {
                provision::init(&config, &admin, &set).await?;
                success(&format!(
                    "database '{}' provisioned at revision {}\n",
                    config.db_name,
                    set.head()
                ));
            }
            Ok::<u8, Error>(0)
        };
        block_on(crate::interrupt::or_interrupted(work, || {
            "the step in progress was rolled back, what was committed before it is kept; \
             run xivo-init-db again with the same options (if it then finds the database \
             provisioned, xivo-update-db finishes it)"
                .into()
        }))?
    })();
    finish(program, result)
}

/// `xivo-manage-db status --json`: one JSON object on stdout whatever
/// happens, the error (if any) also on stderr as one line.
fn status_json() -> Result<u8, Error> {
    use crate::status::{self, Known};
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            return status_failed(
                Known {
                    config: None,
                    set: None,
                },
                e.into(),
            )
        }
    };
    let set = match migrations::load(&config) {
        Ok(s) => s,
        Err(e) => {
            return status_failed(
                Known {
                    config: Some(&config),
                    set: None,
                },
                e.into(),
            )
        }
    };
    let known = Known {
        config: Some(&config),
        set: Some(&set),
    };
    let facts = Superuser::from_config(&config)
        .map_err(Error::from)
        .and_then(|admin| block_on(status::facts(&config, &admin, &set))?);
    match facts {
        Ok(f) => {
            say(&status::json(known, Ok(&f)));
            Ok(f.code)
        }
        Err(e) => status_failed(known, e),
    }
}

/// The JSON object of a `status --json` that failed; `finish` prints the
/// error line on stderr.
fn status_failed(known: crate::status::Known<'_>, e: Error) -> Result<u8, Error> {
    say(&crate::status::json(known, Err(&e)));
    Err(e)
}

/// `xivo-manage-db replicate SLAVE`. Every failure is logged at error level
/// (syslog LOG_ERR, where monitoring looks: the 14.07 tool mailed root),
/// which is also its one line on stderr.
pub fn replicate(program: &str, slave: &str) -> ExitCode {
    crate::logging::init(program, LevelFilter::Info);
    let result = (|| {
        let (config, admin, _set) = prepare()?;
        let slave = crate::replicate::slave::Slave::parse(slave, &config)?;
        let exclusions = crate::admin::replication_exclusions(&config)?;
        block_on(async {
            let mut interrupt = crate::interrupt::Interrupt::install(
                crate::interrupt::Takeover::Command,
            )
            .map_err(|e| Error::Other(format!("cannot take over SIGINT and SIGTERM: {e}")))?;
            let work = async {
                let _lock = crate::lock::RunLock::acquire(&config, &admin).await?;
                // Under a hook's snapshot the master is about to be
                // upgraded, rolled back or is half-way: not a state to give
                // the slave. A dead restore's record: the master is not
                // settled either, and replicate never converges it.
                crate::pending::refuse_writes(&config, crate::pending::DeadRestore::Blocks)?;
                crate::replicate::replicate(&config, &admin, &slave, &exclusions).await
            };
            match interrupt.race(work).await {
                Ok(done) => done,
                // The slave's transaction ends with its connection.
                Err(signal) => Err(Error::Interrupted {
                    signal,
                    what: format!(
                        "interrupted by {signal}: the slave's transaction was rolled back, nothing \
                         changed on it; run the replication again"
                    ),
                }),
            }
        })?
    })();
    match result {
        Ok(report) => {
            // Once on a terminal: stdout has it, syslog keeps it.
            log::info!(target: crate::logging::SYSLOG_ONLY, "{report}");
            success(&format!("{report}\n"));
            ExitCode::SUCCESS
        }
        // A SLAVE that is not one: a usage error, not a failed replication.
        Err(e @ Error::Usage(_)) => finish(program, Err(e)),
        Err(e) => {
            log::error!("replication failed: {e}");
            ExitCode::from(e.exit_code().max(1))
        }
    }
}

/// `xivo-manage-db ha ...`: continuous replication (`crate::ha`).
pub fn ha(program: &str, command: crate::ha::Command) -> ExitCode {
    crate::logging::init(program, LevelFilter::Info);
    let result = (|| {
        let (config, admin, _set) = prepare()?;
        let (text, code) = block_on(crate::ha::run(&config, &admin, command))??;
        say(&text);
        Ok(code)
    })();
    finish(program, result)
}

/// The subcommands of `xivo-manage-db`.
pub enum ManageCommand {
    Status {
        json: bool,
    },
    QueueLogStats {
        exact: bool,
        json: bool,
    },
    QueueLogPrune {
        before: String,
        dry_run: bool,
        json: bool,
    },
    QueueLogPrepare,
    History {
        json: bool,
    },
    Migrations {
        json: bool,
    },
    ReplicationExclusions,
    Show(String),
    Validate,
    RepairAcceptChecksum(String),
    RollbackStatus {
        json: bool,
    },
    RollbackFinish {
        yes: bool,
    },
    RollbackDiscard,
    Restore {
        options: crate::restore::Options,
        yes: bool,
    },
}

/// `xivo-manage-db <command>`.
pub fn manage_db(program: &str, command: ManageCommand) -> ExitCode {
    // Settling a snapshot reports its steps like the hooks do.
    let level = match command {
        ManageCommand::RollbackFinish { .. }
        | ManageCommand::RollbackDiscard
        | ManageCommand::QueueLogPrune { .. }
        | ManageCommand::QueueLogPrepare
        | ManageCommand::QueueLogStats { exact: true, .. }
        | ManageCommand::Restore { .. } => LevelFilter::Info,
        _ => LevelFilter::Warn,
    };
    crate::logging::init(program, level);
    let result = (|| {
        // The commands that only read the package's own files need no
        // configuration; `status --json` answers even a bad one.
        match command {
            ManageCommand::ReplicationExclusions => {
                let mut text = String::new();
                for t in crate::admin::replication_exclusions(&Config::without_file())? {
                    text.push_str(&t);
                    text.push('\n');
                }
                list(&text)?;
                return Ok(0);
            }
            ManageCommand::Migrations { json } => {
                // The merged view asks the database when the configuration
                // lets it; without one the listing still comes, its states
                // "unknown" and the reason under it.
                let (config, recorded) = match Config::load() {
                    Ok(config) => {
                        let recorded = Superuser::from_config(&config)
                            .map_err(Error::from)
                            .and_then(|admin| {
                                block_on(crate::revisions::read(&admin, &config.db_name))?
                            });
                        (config, recorded)
                    }
                    Err(e) => (Config::without_file(), Err(Error::from(e))),
                };
                let set = migrations::load(&config)?;
                list(&crate::revisions::migrations_view(
                    &config, &set, recorded, json,
                ))?;
                return Ok(0);
            }
            ManageCommand::Show(ref file) => {
                let set = migrations::load(&Config::without_file())?;
                list(&crate::admin::show_file(file, &set)?)?;
                return Ok(0);
            }
            ManageCommand::Status { json: true } => return status_json(),
            _ => {}
        }
        let config = Config::load()?;
        match command {
            ManageCommand::ReplicationExclusions
            | ManageCommand::Show(_)
            | ManageCommand::Migrations { .. }
            | ManageCommand::Status { json: true } => Ok(0),
            ManageCommand::Status { json: false } => {
                let (config, admin, set) = prepare()?;
                let (text, code) = block_on(crate::status::text(&config, &admin, &set))??;
                say(&text);
                Ok(code)
            }
            ManageCommand::QueueLogStats { exact, json } => {
                let admin = Superuser::from_config(&config)?;
                say(&block_on(crate::queue_log_ops::stats(
                    &config, &admin, exact, json,
                ))??);
                Ok(0)
            }
            ManageCommand::QueueLogPrune {
                before,
                dry_run,
                json,
            } => {
                // A DATE that does not parse is refused before anything connects.
                let cutoff = crate::queue_log_ops::date::parse(&before).map_err(Error::Usage)?;
                let admin = Superuser::from_config(&config)?;
                let text = block_on(crate::interrupt::or_interrupted(
                    crate::queue_log_ops::prune(&config, &admin, &cutoff, dry_run, json),
                    || {
                        format!(
                            "the batches already deleted stay deleted, the rest of the rows before \
                             {before} are still there; run xivo-manage-db queue-log prune --before \
                             {before} again"
                        )
                    },
                ))??;
                // A dry run's report or a JSON object is what was asked for.
                if dry_run || json {
                    say(&text);
                } else {
                    success(&text);
                }
                Ok(0)
            }
            ManageCommand::QueueLogPrepare => {
                let admin = Superuser::from_config(&config)?;
                success(&block_on(crate::interrupt::or_interrupted(
                    crate::queue_log_ops::prepare(&config, &admin),
                    || {
                        "what was done is kept (numbered rows, a built index); \
                         run xivo-manage-db queue-log prepare again to finish"
                            .into()
                    },
                ))??);
                Ok(0)
            }
            ManageCommand::RollbackStatus { json } => {
                let (text, code) = crate::pending::status(&config, json)?;
                say(&text);
                Ok(code)
            }
            ManageCommand::RollbackFinish { .. } | ManageCommand::RollbackDiscard => {
                let admin = Superuser::from_config(&config)?;
                if let ManageCommand::RollbackFinish { yes } = command {
                    // Only a snapshot to restore is worth the question.
                    if let Some(r) = crate::snapshot::load(&config)? {
                        crate::confirm::confirm(
                            &format!(
                                "Restore the snapshot taken at {} over database '{}'? What was written to it since is lost.",
                                r.taken_at, config.db_name
                            ),
                            yes,
                        )?;
                    }
                }
                let finishing = matches!(command, ManageCommand::RollbackFinish { .. });
                let left = || {
                    let verb = if finishing { "finish" } else { "discard" };
                    match crate::snapshot::load(&config) {
                        Ok(None) => "the record was settled before the signal; run \
                                     xivo-manage-db status to check"
                            .to_string(),
                        _ => format!(
                            "the snapshot record is still pending (services it stopped may \
                             still be stopped); run xivo-manage-db rollback {verb} again"
                        ),
                    }
                };
                let done = if finishing {
                    block_on(crate::interrupt::or_interrupted(
                        crate::pending::finish(&config, &admin),
                        left,
                    ))??
                } else {
                    block_on(crate::interrupt::or_interrupted(
                        crate::pending::discard(&config, &admin),
                        left,
                    ))??
                };
                success(&format!("{done}\n"));
                Ok(0)
            }
            ManageCommand::Restore { mut options, yes } => {
                let (config, admin, set) = prepare()?;
                crate::confirm::confirm(
                    &format!(
                        "Replace database '{}' with the backup {}? The current database is dropped once the restore has succeeded.",
                        config.db_name,
                        options.dump.display()
                    ),
                    yes,
                )?;
                // `restore -`: the backup piped in, copied to a file first.
                let spooled = if options.dump.as_os_str() == "-" {
                    let s = crate::restore::spool::from_stdin(&config)?;
                    options.dump = s.path().to_path_buf();
                    Some(s)
                } else {
                    None
                };
                let done = block_on(crate::restore::restore(&config, &admin, &set, &options))?
                    .map_err(|e| match &spooled {
                        Some(s) => s.shown_error(e),
                        None => e,
                    })?;
                let done = spooled.as_ref().map_or(done.clone(), |s| s.shown(&done));
                success(&format!("{done}\n"));
                Ok(0)
            }
            ManageCommand::Validate => {
                let (config, admin, set) = prepare()?;
                let (text, code) = block_on(crate::validate::validate(&config, &admin, &set))??;
                say(&text);
                Ok(code)
            }
            ManageCommand::RepairAcceptChecksum(revision) => {
                let (config, admin, set) = prepare()?;
                let done = block_on(crate::validate::accept_checksum(
                    &config, &admin, &set, &revision,
                ))??;
                say(&format!("{done}\n"));
                Ok(0)
            }
            ManageCommand::History { json } => {
                let admin = Superuser::from_config(&config)?;
                let (text, code) = block_on(crate::revisions::history(&config, &admin, json))??;
                list(&text)?;
                Ok(code)
            }
        }
    })();
    finish(program, result)
}

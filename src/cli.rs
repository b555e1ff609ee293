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

/// `xivo-check-db`.
pub fn check_db(program: &str) -> ExitCode {
    crate::logging::init(program, LevelFilter::Warn);
    let result = (|| {
        let (config, admin, set) = prepare()?;
        say("Checking database...");
        let standing = block_on(check::check(&config, &admin, &set))??;
        let (verdict, code) = check::verdict(&standing, &config, &set)?;
        say(&format!("\t{verdict}\n"));
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
    if result.is_err() {
        say("\n");
    }
    finish(program, result)
}

/// `xivo-update-db`.
pub fn update_db(program: &str) -> ExitCode {
    crate::logging::init(program, LevelFilter::Info);
    let result = (|| {
        let (config, admin, set) = prepare()?;
        say("Updating database...\n");
        block_on(upgrade::update(&config, &admin, &set))??.log(&set);
        say("Updating database done.\n");
        Ok(0)
    })();
    finish(program, result)
}

/// `xivo-init-db [--drop] [--init]`.
pub fn init_db(program: &str, drop: bool, init: bool, verbose: bool) -> ExitCode {
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
        block_on(async {
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
                say(&format!(
                    "database '{}' provisioned at revision {}\n",
                    config.db_name,
                    set.head()
                ));
            }
            Ok::<u8, Error>(0)
        })?
    })();
    finish(program, result)
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
                Err(signal) => Err(Error::Failed {
                    cause: Box::new(Error::Other(format!("interrupted by {signal}"))),
                    left: crate::error::Left::RolledBack,
                }),
            }
        })?
    })();
    match result {
        Ok(report) => {
            log::info!("{report}");
            say(&format!("{report}\n"));
            ExitCode::SUCCESS
        }
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
    Status { json: bool },
    QueueLogStats { exact: bool, json: bool },
    QueueLogPrune { before: String, dry_run: bool },
    QueueLogPrepare,
    History,
    Migrations,
    ReplicationExclusions,
    Show(String),
    RollbackStatus,
    RollbackFinish,
    RollbackDiscard,
    Restore(crate::restore::Options),
}

/// `xivo-manage-db <command>`.
pub fn manage_db(program: &str, command: ManageCommand) -> ExitCode {
    // Settling a snapshot reports its steps like the hooks do.
    let level = match command {
        ManageCommand::RollbackFinish
        | ManageCommand::RollbackDiscard
        | ManageCommand::QueueLogPrune { .. }
        | ManageCommand::QueueLogPrepare
        | ManageCommand::QueueLogStats { exact: true, .. }
        | ManageCommand::Restore(_) => LevelFilter::Info,
        _ => LevelFilter::Warn,
    };
    crate::logging::init(program, level);
    let result = (|| {
        let config = Config::load()?;
        match command {
            ManageCommand::ReplicationExclusions => {
                let mut text = String::new();
                for t in crate::admin::replication_exclusions(&config)? {
                    text.push_str(&t);
                    text.push('\n');
                }
                list(&text)?;
                Ok(0)
            }
            ManageCommand::Show(file) => {
                list(&crate::admin::show_file(&file)?)?;
                Ok(0)
            }
            ManageCommand::Migrations => {
                list(&crate::admin::list_migrations(&migrations::load(&config)?))?;
                Ok(0)
            }
            ManageCommand::Status { json } => {
                let (config, admin, set) = prepare()?;
                let (text, code) = block_on(crate::admin::status(&config, &admin, &set, json))??;
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
            ManageCommand::QueueLogPrune { before, dry_run } => {
                // A DATE that does not parse is refused before anything connects.
                let cutoff = crate::queue_log_ops::date::parse(&before).map_err(Error::Usage)?;
                let admin = Superuser::from_config(&config)?;
                say(&block_on(crate::queue_log_ops::prune(
                    &config, &admin, &cutoff, dry_run,
                ))??);
                Ok(0)
            }
            ManageCommand::QueueLogPrepare => {
                let admin = Superuser::from_config(&config)?;
                say(&block_on(crate::queue_log_ops::prepare(&config, &admin))??);
                Ok(0)
            }
            ManageCommand::RollbackStatus => {
                let (text, code) = crate::pending::status(&config)?;
                say(&text);
                Ok(code)
            }
            ManageCommand::RollbackFinish | ManageCommand::RollbackDiscard => {
                let admin = Superuser::from_config(&config)?;
                let done = if matches!(command, ManageCommand::RollbackFinish) {
                    block_on(crate::pending::finish(&config, &admin))??
                } else {
                    block_on(crate::pending::discard(&config, &admin))??
                };
                say(&format!("{done}\n"));
                Ok(0)
            }
            ManageCommand::Restore(options) => {
                let (config, admin, set) = prepare()?;
                let done = block_on(crate::restore::restore(&config, &admin, &set, &options))??;
                say(&format!("{done}\n"));
                Ok(0)
            }
            ManageCommand::History => {
                let admin = Superuser::from_config(&config)?;
                list(&block_on(crate::admin::history(&config, &admin))??)?;
                Ok(0)
            }
        }
    })();
    finish(program, result)
}

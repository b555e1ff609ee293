//! The command line of each command: clap's definitions (help, version,
//! usage errors with exit 2) and the call into `cli` that does the work.
//! Only parsing here; the options and exit codes are those of the man pages
//! in debian/man/.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cli::{self, ManageCommand};

/// clap's parse, with a usage error on one line, as every other error:
/// `<program>: error: <what> (usage: <usage>; see <program> --help)`, exit 2.
/// `--help` and `--version` print as clap prints them, exit 0.
fn parse_args<T: Parser>(program: &str) -> Result<T, ExitCode> {
    use clap::error::ErrorKind;
    let e = match T::try_parse() {
        Ok(args) => return Ok(args),
        Err(e) => e,
    };
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return Err(ExitCode::SUCCESS);
    }
    let text = e.render().to_string();
    let usage = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .unwrap_or(program)
        .to_string();
    let what = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        "a command is missing".to_string()
    } else {
        // The message, and the lines that complete it, up to the blank line.
        text.lines()
            .take_while(|l| !l.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
            .trim_start_matches("error: ")
            .to_string()
    };
    // Not eprintln!: it panics when stderr is closed.
    let _ = writeln!(
        std::io::stderr(),
        "{program}: error: {what} (Usage: {usage}; see {program} --help)"
    );
    Err(ExitCode::from(2))
}

/// Provision the XiVO database: owner role, database, schema, default data.
#[derive(Parser)]
#[command(name = "xivo-init-db", version)]
struct InitDb {
    /// Drop the database and its owner role first (refused while sessions are connected).
    #[arg(long)]
    drop: bool,
    /// Create the role and database and apply the schema; refused on an existing database.
    #[arg(long)]
    init: bool,
    /// Print each step.
    #[arg(short, long)]
    verbose: bool,
}

/// `xivo-init-db [--drop] [--init] [-v]`.
pub fn init_db() -> ExitCode {
    let a = match parse_args::<InitDb>("xivo-init-db") {
        Ok(a) => a,
        Err(code) => return code,
    };
    cli::init_db("xivo-init-db", a.drop, a.init, a.verbose)
}

/// `xivo-check-db`: takes no argument. Not clap: it has always answered any
/// argument with its usage (exit 0 for `-h`/`--help`, else 2).
pub fn check_db() -> ExitCode {
    if let Some(arg) = std::env::args_os().nth(1) {
        // Not eprintln!: it panics when stderr is closed.
        if arg == "-h" || arg == "--help" {
            let _ = std::io::stderr().write_all(
                b"usage: xivo-check-db\nChecks that the database is up to date (exit 0 OK, 1 NOK, 2 error).\n",
            );
            return ExitCode::SUCCESS;
        }
        let _ = writeln!(
            std::io::stderr(),
            "xivo-check-db: error: unexpected argument '{}' (Usage: xivo-check-db, without arguments)",
            arg.to_string_lossy()
        );
        return ExitCode::from(2);
    }
    cli::check_db("xivo-check-db")
}

/// Update the XiVO database to the revision this package carries.
#[derive(Parser)]
#[command(name = "xivo-update-db", version)]
struct UpdateDb {}

/// `xivo-update-db`.
pub fn update_db() -> ExitCode {
    if let Err(code) = parse_args::<UpdateDb>("xivo-update-db") {
        return code;
    }
    cli::update_db("xivo-update-db")
}

/// Where the XiVO database stands, and what this package carries.
#[derive(Parser)]
#[command(name = "xivo-manage-db", version)]
struct ManageDb {
    #[command(subcommand)]
    command: Manage,
}

#[derive(Subcommand)]
enum Manage {
    /// Database, revision, head, 14.07 state (exit 0 up to date, 1 not, 2 error).
    Status {
        /// One JSON object on stdout, for scripts and monitoring.
        #[arg(long)]
        json: bool,
    },
    /// Every revision applied or stamped, with its time and duration.
    History,
    /// The migrations this package carries, parents first.
    Migrations,
    /// Tables excluded from master-to-slave replication.
    ReplicationExclusions,
    /// Print one file of the embedded migrations (e.g. baseline.sql).
    Show { file: String },
    /// queue_log: its size, pruning old rows, adding its id online.
    QueueLog {
        #[command(subcommand)]
        action: QueueLog,
    },
    /// Put a backup (pg_dump -Fc of the database) in its place, upgraded to head;
    /// the current database is kept until the restore has succeeded. A
    /// pre-14.08 backup (dumps of asterisk and of xivo) is merged first.
    Restore {
        /// The backup file, made by `pg_dump -Fc asterisk`.
        dump: std::path::PathBuf,
        /// Keep this host's network configuration (dhcp, netiface, resolvconf).
        #[arg(long)]
        keep_system_config: bool,
        /// A pre-14.08 backup: its `pg_dump -Fc xivo` file (DUMP is then its
        /// asterisk); needs --levels.
        #[arg(long, value_name = "XIVO_DUMP")]
        xivo: Option<std::path::PathBuf>,
        /// With --xivo: the levels the backup's 14.07 host was at, the numbers
        /// in its state files asterisk-last and xivo-last (in
        /// /var/lib/xivo-update-db or /var/lib/xivo-upgrade/update-db).
        #[arg(long, value_name = "ASTERISK_LEVEL,XIVO_LEVEL")]
        levels: Option<String>,
    },
    /// Copy every table but the replication exclusions to an HA slave, in one
    /// transaction (exit 0 done, 1 failed, rolled back, 2 nothing attempted).
    Replicate {
        /// The slave: host name, IPv4 or IPv6 address (optionally with :PORT),
        /// or a postgresql:// URI.
        slave: String,
    },
    /// Continuous replication to an HA slave (PostgreSQL logical replication).
    Ha {
        #[command(subcommand)]
        action: Ha,
    },
    /// The pre-upgrade snapshot a hook left, and settling it by hand.
    Rollback {
        #[command(subcommand)]
        action: Rollback,
    },
}

#[derive(Subcommand)]
enum Ha {
    /// On the master: copy to SLAVE once, then replicate continuously
    /// (exit 0 done, 1 failed, 2 nothing attempted: wal_level, slave checks).
    Enable {
        /// The slave, as for replicate.
        slave: String,
        /// How the slave reaches this host (libpq conninfo); default: ADMIN_URI.
        #[arg(long, value_name = "CONNINFO")]
        master: Option<String>,
    },
    /// Slot, lag, tables, errors, sequences (exit 0 healthy, 1 not, 2 not enabled).
    Status {
        /// One JSON object on stdout, for monitoring.
        #[arg(long)]
        json: bool,
    },
    /// Bring the slave's sequences up to the master's (never backwards).
    SyncSequences,
    /// On the slave: stop applying, sequences past their tables' rows, writable.
    Promote,
    /// Remove the publication, slot and subscription on both hosts.
    Disable,
}

#[derive(Subcommand)]
enum Rollback {
    /// What is recorded (exit 0 nothing pending, 1 a snapshot is recorded).
    Status,
    /// Restore the snapshot: what was written since it was taken is lost.
    Finish,
    /// Keep the database as it is and drop the snapshot.
    Discard,
}

#[derive(Subcommand)]
enum QueueLog {
    /// Rows (estimated unless --exact), size, oldest and newest time, id column, upgrade cost.
    Stats {
        /// Count the rows (a full scan, with progress) instead of estimating.
        #[arg(long)]
        exact: bool,
        /// One JSON object on stdout, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Delete the rows older than DATE, in small batches, while services run.
    Prune {
        /// YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]': rows whose time is before it go.
        #[arg(long, value_name = "DATE")]
        before: String,
        /// Count what would go; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Add queue_log's id primary key (the upgrade's step) online, without stopping services.
    Prepare,
}

/// `xivo-manage-db <command>`.
pub fn manage_db() -> ExitCode {
    let parsed = match parse_args::<ManageDb>("xivo-manage-db") {
        Ok(a) => a,
        Err(code) => return code,
    };
    let command = match parsed.command {
        Manage::Replicate { slave } => return cli::replicate("xivo-manage-db", &slave),
        Manage::Ha { action } => {
            use crate::ha::Command as C;
            let c = match action {
                Ha::Enable { slave, master } => C::Enable { slave, master },
                Ha::Status { json } => C::Status { json },
                Ha::SyncSequences => C::SyncSequences,
                Ha::Promote => C::Promote,
                Ha::Disable => C::Disable,
            };
            return cli::ha("xivo-manage-db", c);
        }
        Manage::Status { json } => ManageCommand::Status { json },
        Manage::History => ManageCommand::History,
        Manage::Migrations => ManageCommand::Migrations,
        Manage::ReplicationExclusions => ManageCommand::ReplicationExclusions,
        Manage::Show { file } => ManageCommand::Show(file),
        Manage::QueueLog { action } => match action {
            QueueLog::Stats { exact, json } => ManageCommand::QueueLogStats { exact, json },
            QueueLog::Prune { before, dry_run } => ManageCommand::QueueLogPrune { before, dry_run },
            QueueLog::Prepare => ManageCommand::QueueLogPrepare,
        },
        Manage::Restore {
            dump,
            keep_system_config,
            xivo,
            levels,
        } => ManageCommand::Restore(crate::restore::Options {
            dump,
            keep_system_config,
            xivo,
            levels,
        }),
        Manage::Rollback { action } => match action {
            Rollback::Status => ManageCommand::RollbackStatus,
            Rollback::Finish => ManageCommand::RollbackFinish,
            Rollback::Discard => ManageCommand::RollbackDiscard,
        },
    };
    cli::manage_db("xivo-manage-db", command)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_lines_are_well_formed() {
        InitDb::command().debug_assert();
        UpdateDb::command().debug_assert();
        ManageDb::command().debug_assert();
    }
}

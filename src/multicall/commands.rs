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
    // "Did you mean" for a mistyped subcommand or option, on the one line.
    let tips = super::suggest::tip(&e, &T::command(), &usage)
        .map(|t| format!("; {t}"))
        .unwrap_or_default();
    // Not eprintln!: it panics when stderr is closed.
    let _ = writeln!(
        std::io::stderr(),
        "{program}: error: {what}{tips} (Usage: {usage}; see {program} --help)"
    );
    Err(ExitCode::from(2))
}

/// Provision the XiVO database: owner role, database, schema, default data.
#[derive(Parser)]
#[command(name = "xivo-init-db", version = crate::VERSION)]
struct InitDb {
    /// Drop the database and its owner role first (refused while sessions are connected).
    #[arg(long)]
    drop: bool,
    /// Create the role and database and apply the schema; refused on an existing database.
    #[arg(long)]
    init: bool,
    /// Print each step.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Print only warnings and errors.
    #[arg(short, long)]
    quiet: bool,
    /// Drop without asking (asked only when stdin is a terminal).
    #[arg(short = 'y', long)]
    yes: bool,
}

/// `xivo-init-db [--drop] [--init] [-v]`.
pub fn init_db() -> ExitCode {
    let a = match parse_args::<InitDb>("xivo-init-db") {
        Ok(a) => a,
        Err(code) => return code,
    };
    crate::logging::set_quiet(a.quiet);
    cli::init_db("xivo-init-db", a.drop, a.init, a.verbose, a.yes)
}

/// `xivo-check-db [-q] [--]`: takes no other argument but `--version`/`-V`,
/// as its siblings. Not clap: it has always answered any other argument
/// with its usage (exit 0 for `-h`/`--help`, else 2). `-q`: no verdict
/// line, the exit code says it.
pub fn check_db() -> ExitCode {
    let mut args = std::env::args_os().skip(1).peekable();
    // Not eprintln!/println!: they panic when the stream is closed.
    match args.peek() {
        Some(arg) if arg == "-h" || arg == "--help" => {
            let _ = std::io::stderr().write_all(
                b"usage: xivo-check-db [-q] [--version]\nChecks that the database is up to date (exit 0 OK, 1 NOK, 2 error); -q: the exit code only.\n",
            );
            return ExitCode::SUCCESS;
        }
        Some(arg) if arg == "-V" || arg == "--version" => {
            let _ = writeln!(std::io::stdout(), "xivo-check-db {}", crate::VERSION);
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    if args.peek().is_some_and(|a| a == "-q" || a == "--quiet") {
        crate::logging::set_quiet(true);
        args.next();
    }
    if args.peek().is_some_and(|a| a == "--") {
        args.next();
    }
    if let Some(arg) = args.next() {
        return check_db_usage(&arg);
    }
    cli::check_db("xivo-check-db")
}

fn check_db_usage(arg: &std::ffi::OsStr) -> ExitCode {
    let _ = writeln!(
        std::io::stderr(),
        "xivo-check-db: error: unexpected argument '{}' (Usage: xivo-check-db [-q] [--version], without other arguments)",
        arg.to_string_lossy()
    );
    ExitCode::from(2)
}

/// Update the XiVO database to the revision this package carries.
#[derive(Parser)]
#[command(name = "xivo-update-db", version = crate::VERSION)]
struct UpdateDb {
    /// Print the debug lines too.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Print only warnings and errors.
    #[arg(short, long)]
    quiet: bool,
    /// Say what would run and change nothing (exit 0 nothing pending, 1 something is).
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run: print the SQL that would run instead.
    #[arg(long, requires = "dry_run")]
    sql: bool,
}

/// `xivo-update-db [-q|-v] [--dry-run [--sql]]`.
pub fn update_db() -> ExitCode {
    let a = match parse_args::<UpdateDb>("xivo-update-db") {
        Ok(a) => a,
        Err(code) => return code,
    };
    crate::logging::set_quiet(a.quiet);
    cli::update_db("xivo-update-db", a.verbose, a.dry_run, a.sql)
}

/// Where the XiVO database stands, and what this package carries.
#[derive(Parser)]
#[command(name = "xivo-manage-db", version = crate::VERSION)]
struct ManageDb {
    /// Print only warnings, errors and what was asked for (no progress or success lines).
    #[arg(short, long, global = true)]
    quiet: bool,
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
    /// Every revision applied or stamped, with its time and duration
    /// (exit 1 when the database does not exist).
    History {
        /// One JSON object on stdout, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Every migration this package carries, parents first, as applied
    /// (when, how long), current or pending in the database.
    Migrations {
        /// One JSON object on stdout, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Exit 1 naming each applied migration whose file changed since it was
    /// applied (its checksum differs), 0 when none did.
    Validate,
    /// Accept on purpose what validate reports: record the file's checksum,
    /// with the old one, the time and who did it, in the history table.
    Repair {
        /// The revision whose edited file is accepted.
        #[arg(long, value_name = "REVISION")]
        accept_checksum: String,
    },
    /// Tables excluded from master-to-slave replication.
    ReplicationExclusions,
    /// Print one file of the embedded migrations (e.g. baseline.sql), or a revision's file.
    Show {
        #[arg(value_name = "FILE|REVISION")]
        file: String,
    },
    /// queue_log: its size, pruning old rows, adding its id online.
    QueueLog {
        #[command(subcommand)]
        action: QueueLog,
    },
    /// Put a backup (pg_dump -Fc of the database) in its place, upgraded to head;
    /// the current database is kept until the restore has succeeded. A
    /// pre-14.08 backup (dumps of asterisk and of xivo) is merged first.
    Restore {
        /// The backup file, made by `pg_dump -Fc asterisk`; `-` reads it from stdin.
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
        /// Do not ask for confirmation (asked only when stdin is a terminal).
        #[arg(short = 'y', long)]
        yes: bool,
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
    Status {
        /// One JSON object on stdout, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Restore the snapshot: what was written since it was taken is lost.
    Finish {
        /// Do not ask for confirmation (asked only when stdin is a terminal).
        #[arg(short = 'y', long)]
        yes: bool,
    },
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
        /// One JSON object on stdout, for scripts.
        #[arg(long)]
        json: bool,
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
    crate::logging::set_quiet(parsed.quiet);
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
        Manage::History { json } => ManageCommand::History { json },
        Manage::Migrations { json } => ManageCommand::Migrations { json },
        Manage::ReplicationExclusions => ManageCommand::ReplicationExclusions,
        Manage::Validate => ManageCommand::Validate,
        Manage::Repair { accept_checksum } => ManageCommand::RepairAcceptChecksum(accept_checksum),
        Manage::Show { file } => ManageCommand::Show(file),
        Manage::QueueLog { action } => match action {
            QueueLog::Stats { exact, json } => ManageCommand::QueueLogStats { exact, json },
            QueueLog::Prune {
                before,
                dry_run,
                json,
            } => ManageCommand::QueueLogPrune {
                before,
                dry_run,
                json,
            },
            QueueLog::Prepare => ManageCommand::QueueLogPrepare,
        },
        Manage::Restore {
            dump,
            keep_system_config,
            xivo,
            levels,
            yes,
        } => ManageCommand::Restore {
            options: crate::restore::Options {
                dump,
                keep_system_config,
                xivo,
                levels,
            },
            yes,
        },
        Manage::Rollback { action } => match action {
            Rollback::Status { json } => ManageCommand::RollbackStatus { json },
            Rollback::Finish { yes } => ManageCommand::RollbackFinish { yes },
            Rollback::Discard => ManageCommand::RollbackDiscard,
        },
    };
    cli::manage_db("xivo-manage-db", command)
}

/// Each command's line as clap defines it, by name: what the shell
/// completions are generated from (examples/completions.rs, checked by
/// tests/multicall.rs). `xivo-check-db` takes no argument.
pub fn definitions() -> Vec<(&'static str, clap::Command)> {
    use clap::CommandFactory;
    vec![
        ("xivo-init-db", InitDb::command()),
        (
            "xivo-check-db",
            clap::Command::new("xivo-check-db").disable_version_flag(true),
        ),
        ("xivo-update-db", UpdateDb::command()),
        ("xivo-manage-db", ManageDb::command()),
    ]
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

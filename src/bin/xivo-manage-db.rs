//! The administrator's read-only view of the XiVO database.
use clap::{Parser, Subcommand};

/// Where the XiVO database stands, and what this package carries.
#[derive(Parser)]
#[command(name = "xivo-manage-db", version)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Database, revision, head, 14.07 state (exit 0 up to date, 1 not, 2 error).
    Status,
    /// Every revision applied or stamped, with its time and duration.
    History,
    /// The migrations this package carries, parents first.
    Migrations,
    /// Tables excluded from master-to-slave replication.
    ReplicationExclusions,
    /// Print one file of the embedded migrations (e.g. baseline.sql).
    Show { file: String },
    /// The pre-upgrade snapshot a hook left, and settling it by hand.
    Rollback {
        #[command(subcommand)]
        action: Rollback,
    },
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

fn main() -> std::process::ExitCode {
    use xivo_manage_db::cli::ManageCommand as M;
    let command = match Args::parse().command {
        Command::Status => M::Status,
        Command::History => M::History,
        Command::Migrations => M::Migrations,
        Command::ReplicationExclusions => M::ReplicationExclusions,
        Command::Show { file } => M::Show(file),
        Command::Rollback { action } => match action {
            Rollback::Status => M::RollbackStatus,
            Rollback::Finish => M::RollbackFinish,
            Rollback::Discard => M::RollbackDiscard,
        },
    };
    xivo_manage_db::cli::manage_db("xivo-manage-db", command)
}

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
}

fn main() -> std::process::ExitCode {
    use xivo_manage_db::cli::ManageCommand as M;
    let command = match Args::parse().command {
        Command::Status => M::Status,
        Command::History => M::History,
        Command::Migrations => M::Migrations,
        Command::ReplicationExclusions => M::ReplicationExclusions,
        Command::Show { file } => M::Show(file),
    };
    xivo_manage_db::cli::manage_db("xivo-manage-db", command)
}

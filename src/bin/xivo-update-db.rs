//! Bring the database to this package's head (old system included).
use clap::Parser;

/// Update the XiVO database to the revision this package carries.
#[derive(Parser)]
#[command(name = "xivo-update-db", version)]
struct Args {}

fn main() -> std::process::ExitCode {
    Args::parse();
    xivo_manage_db::cli::update_db("xivo-update-db")
}

//! Provision (and/or drop) the XiVO database.
use clap::Parser;

/// Provision the XiVO database: owner role, database, schema, default data.
#[derive(Parser)]
#[command(name = "xivo-init-db", version)]
struct Args {
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

fn main() -> std::process::ExitCode {
    let a = Args::parse();
    xivo_manage_db::cli::init_db("xivo-init-db", a.drop, a.init, a.verbose)
}

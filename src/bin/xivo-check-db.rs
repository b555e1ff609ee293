//! Is the database at this package's head? Exit 0 OK, 1 NOK, 2 error.
fn main() -> std::process::ExitCode {
    if let Some(arg) = std::env::args().nth(1) {
        let help = matches!(arg.as_str(), "-h" | "--help");
        // Not eprintln!: it panics when stderr is closed.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"usage: xivo-check-db\nChecks that the database is up to date (exit 0 OK, 1 NOK, 2 error).\n",
        );
        return std::process::ExitCode::from(if help { 0 } else { 2 });
    }
    xivo_manage_db::cli::check_db("xivo-check-db")
}

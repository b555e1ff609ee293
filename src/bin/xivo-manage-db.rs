//! The one binary of the package: every command and maintainer script, run
//! by the name it is called by (see `xivo_manage_db::multicall`).
fn main() -> std::process::ExitCode {
    xivo_manage_db::multicall::main()
}

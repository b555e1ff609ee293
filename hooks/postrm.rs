//! The Debian postrm maintainer script (see docs/hooks.md).
fn main() -> std::process::ExitCode {
    xivo_manage_db::maintscript::main(xivo_manage_db::maintscript::Hook::Postrm)
}

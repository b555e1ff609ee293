//! The Debian preinst maintainer script (see docs/hooks.md).
fn main() -> std::process::ExitCode {
    xivo_manage_db::maintscript::main(xivo_manage_db::maintscript::Hook::Preinst)
}

//! One binary under many names, as busybox does: the four commands and the
//! four maintainer scripts are the same executable, and `main` runs the one
//! named by the last component of argv[0]. The package installs it once, as
//! `/usr/sbin/xivo-manage-db`, with the other commands as symlinks to it;
//! dpkg runs the copy in `DEBIAN/` as `preinst`, `postinst`, `prerm` or
//! `postrm` (the script's name is what dpkg passes as argv[0]).
//!
//! Owns the names and the commands' argument parsing (`commands`); never does
//! any work itself: the commands are in `cli`, the scripts in `maintscript`.
//! Dispatch never looks at the environment (`DPKG_MAINTSCRIPT_NAME` is
//! inherited by whatever a maintainer script runs).

pub mod commands;
mod suggest;

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::maintscript::{self, Hook};

/// What this binary is, given the name it was called by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    InitDb,
    CheckDb,
    UpdateDb,
    ManageDb,
    Hook(Hook),
}

/// Every name the binary answers to, commands first.
pub const NAMES: [(&str, Program); 8] = [
    ("xivo-init-db", Program::InitDb),
    ("xivo-check-db", Program::CheckDb),
    ("xivo-update-db", Program::UpdateDb),
    ("xivo-manage-db", Program::ManageDb),
    ("preinst", Program::Hook(Hook::Preinst)),
    ("postinst", Program::Hook(Hook::Postinst)),
    ("prerm", Program::Hook(Hook::Prerm)),
    ("postrm", Program::Hook(Hook::Postrm)),
];

/// The package's name, which prefixes the scripts dpkg keeps in its
/// database (`/var/lib/dpkg/info/xivo-manage-db.postinst`): an
/// administrator running one of those by hand gets the script too.
const PACKAGE: &str = "xivo-manage-db";

/// The program called `argv0`: its last path component, as a command or a
/// script name, or a script name after `xivo-manage-db.`.
pub fn program(argv0: &OsStr) -> Option<Program> {
    let name = Path::new(argv0).file_name()?.to_str()?;
    let script = name
        .strip_prefix(PACKAGE)
        .and_then(|rest| rest.strip_prefix('.'));
    NAMES
        .iter()
        .find(|(n, p)| *n == name || (matches!(p, Program::Hook(_)) && Some(*n) == script))
        .map(|(_, p)| *p)
}

/// The whole of the binary.
pub fn main() -> ExitCode {
    // Test builds only (docs/failpoints.md); kept to the end of the run.
    #[cfg(feature = "failpoints")]
    let _failpoints = crate::failpoints::setup();
    let argv0 = std::env::args_os().next().unwrap_or_default();
    match program(&argv0) {
        Some(Program::InitDb) => commands::init_db(),
        Some(Program::CheckDb) => commands::check_db(),
        Some(Program::UpdateDb) => commands::update_db(),
        Some(Program::ManageDb) => commands::manage_db(),
        Some(Program::Hook(hook)) => maintscript::main(hook),
        None => {
            let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
            // Not eprintln!: it panics when stderr is closed.
            let _ = writeln!(
                std::io::stderr(),
                "{PACKAGE}: called as '{}', a name it does not answer to; run it through a link named {}",
                argv0.to_string_lossy(),
                names.join(", ")
            );
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_path_finds_its_program() {
        for (name, p) in NAMES {
            assert_eq!(program(OsStr::new(name)), Some(p), "{name}");
            let path = format!("/usr/sbin/{name}");
            assert_eq!(program(OsStr::new(&path)), Some(p), "{path}");
        }
        assert_eq!(
            program(OsStr::new("/var/lib/dpkg/info/xivo-manage-db.postinst")),
            Some(Program::Hook(Hook::Postinst))
        );
        assert_eq!(
            program(OsStr::new("/var/lib/dpkg/tmp.ci/preinst")),
            Some(Program::Hook(Hook::Preinst))
        );
    }

    #[test]
    fn unknown_names_find_nothing() {
        for name in [
            "",
            "/",
            "xivo-manage-db-multicall",
            "xivo-manage-db.xivo-check-db",
            "xivo-manage-db.",
            "other.postinst",
            "postinst.dpkg-new",
            "xivo-check-db.bak",
            "XIVO-CHECK-DB",
        ] {
            assert_eq!(program(OsStr::new(name)), None, "{name:?}");
        }
    }
}

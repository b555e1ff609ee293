//! The Debian maintainer scripts (preinst, postinst, prerm, postrm): the
//! package's one binary, run by dpkg under a script's name, calls [`main`]
//! with it (`multicall`). Here: argument parsing,
//! logging, the runtime, and what each call asks for (`plan`): most have
//! nothing to do and touch neither the configuration nor the server; the
//! unwinding calls (`unwind`) act only when something is recorded; preinst
//! `upgrade` and postinst `configure` do the work; postrm `purge` removes the
//! package's files. The shared steps are in `flow`. docs/hooks.md has the
//! table of what each argument does.
//!
//! Exit status: 0 done (or nothing to do); 1 for an unknown argument and for
//! every failure, except those where nothing was attempted (bad config, an
//! unusable state file, cluster unreachable for another reason than being
//! down, a database newer than this package), which give 2 as the commands
//! do: the table is
//! `HookError::exit_code`. dpkg only looks at zero or not.

pub mod args;
pub mod error;
pub mod flow;
mod postinst;
mod postrm;
mod preinst;
mod prepare;
mod unwind;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use log::LevelFilter;

pub use args::Hook;
use args::Invocation;
use error::HookError;

use crate::config::{Config, DpkgEnv};
use crate::error::Error;
use crate::pg::Superuser;

/// The whole of a hook binary.
pub fn main(hook: Hook) -> ExitCode {
    // args() panics on an argument that is not UTF-8; such an argument is
    // one no dpkg gives, refused below like any other unknown one.
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let inv = match args::parse(hook, &argv) {
        Ok(inv) => inv,
        Err(unknown) => {
            // Not eprintln!: it panics (aborts, in a release build) when
            // stderr is closed.
            let _ = writeln!(std::io::stderr(), "{unknown}");
            return ExitCode::from(1);
        }
    };
    let dpkg = DpkgEnv::read();
    let package = if dpkg.package.is_empty() {
        crate::logging::IDENT.to_string()
    } else {
        dpkg.package.clone()
    };
    crate::logging::init(&format!("{package} {}", hook.name()), LevelFilter::Info);
    let started = Instant::now();
    log::info!(
        "{inv}: started (package {package}{}{})",
        if dpkg.arch.is_empty() {
            String::new()
        } else {
            format!(", arch {}", dpkg.arch)
        },
        if dpkg.name.is_empty() {
            String::new()
        } else {
            format!(", called by dpkg as {}", dpkg.name)
        }
    );
    let result = match crate::runtime::block_on(run(&inv)) {
        Ok(r) => r,
        Err(e) => Err(HookError::Core(Error::Other(format!(
            "cannot start the async runtime: {e}"
        )))),
    };
    let secs = crate::duration::human(started.elapsed());
    match result {
        Ok(()) => {
            log::info!("{inv}: done in {secs}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            log::error!("{inv}: failed after {secs}: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// What a call asks for, decided from the arguments alone: a call with
/// nothing to do reads neither the configuration nor the server.
enum Plan {
    /// Nothing to do, ever, for this call; says why.
    Nothing(&'static str),
    /// Undo what an earlier run left (snapshot, stopped services), if
    /// anything is recorded.
    Unwind,
    /// postrm purge: the package's own files, wherever they are.
    Purge,
    /// preinst upgrade, postinst configure.
    Work,
}

fn plan(inv: &Invocation) -> Plan {
    match (inv.hook, inv.verb) {
        (Hook::Preinst, "install") => Plan::Nothing("postinst provisions or upgrades the database"),
        (Hook::Preinst, "upgrade") | (Hook::Postinst, "configure") => Plan::Work,
        (Hook::Postinst, "abort-deconfigure") | (Hook::Prerm, "deconfigure") => {
            Plan::Nothing("the database is left to whoever replaces this package")
        }
        (Hook::Prerm, "upgrade") => Plan::Nothing("the new version's preinst prepares the upgrade"),
        (Hook::Prerm, "failed-upgrade") | (Hook::Postrm, "failed-upgrade") => {
            Plan::Nothing("this version has nothing to undo, the upgrade goes on")
        }
        (Hook::Postrm, "remove" | "upgrade" | "disappear") => {
            Plan::Nothing("the database and the state files are kept")
        }
        (Hook::Postrm, "purge") => Plan::Purge,
        // prerm remove settles a failed upgrade before the package goes;
        // the abort-* calls undo what preinst or prerm did.
        _ => Plan::Unwind,
    }
}

async fn run(inv: &Invocation) -> Result<(), HookError> {
    match plan(inv) {
        Plan::Nothing(why) => {
            log::info!("nothing to do: {why}");
            Ok(())
        }
        Plan::Purge => postrm::purge().await,
        Plan::Unwind => {
            let config = Config::load();
            if !unwind::anything_recorded(config.as_ref().ok()) {
                log::info!(
                    "nothing to undo: no snapshot, stopped service or closed database is recorded"
                );
                return Ok(());
            }
            let mut ctx = context(config.map_err(Error::from)?)?;
            unwind::undo(&mut ctx).await
        }
        Plan::Work => {
            let config = Config::load().map_err(Error::from)?;
            unwind::remember_state_dir(&config);
            let mut ctx = context(config)?;
            match inv.hook {
                Hook::Preinst => preinst::upgrade(&mut ctx, inv).await,
                _ => postinst::configure(&mut ctx, inv).await,
            }
        }
    }
}

fn context(config: Config) -> Result<flow::Ctx, HookError> {
    let admin = Superuser::from_config(&config)?;
    let interrupt = crate::interrupt::Interrupt::install(crate::interrupt::Takeover::Hook)
        .map_err(|e| Error::Other(format!("cannot take over SIGINT/SIGTERM/SIGHUP: {e}")))?;
    Ok(flow::Ctx {
        config,
        admin,
        interrupt,
        version: crate::VERSION.to_string(),
    })
}

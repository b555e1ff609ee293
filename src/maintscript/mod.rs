//! The Debian maintainer scripts (preinst, postinst, prerm, postrm): each
//! binary in `hooks/` calls [`main`] with its name. Here: argument parsing,
//! logging, the runtime, and dispatch to one file per script; the shared
//! steps are in `flow`. docs/hooks.md has the table of what each argument
//! does.
//!
//! Exit status: 0 done (or nothing to do); 1 for an unknown argument and for
//! every failure, except those where nothing was attempted (bad config,
//! cluster unreachable for another reason than being down, a database newer
//! than this package), which give 2 as the commands do: the table is
//! `HookError::exit_code`. dpkg only looks at zero or not.

pub mod args;
pub mod error;
pub mod flow;
pub mod interrupt;
mod postinst;
mod postrm;
mod preinst;
mod prerm;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use log::LevelFilter;

pub use args::Hook;
use args::Invocation;
use error::HookError;

use crate::config::{Config, DpkgEnv};
use crate::error::Error;
use crate::pg::Admin;

/// The whole of a hook binary.
pub fn main(hook: Hook) -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
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
    let result = match crate::cli::block_on(run(&inv)) {
        Ok(r) => r,
        Err(e) => Err(e.into()),
    };
    let secs = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => {
            log::info!("{inv}: done in {secs:.2} s");
            ExitCode::SUCCESS
        }
        Err(e) => {
            log::error!("{inv}: failed after {secs:.2} s: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

async fn run(inv: &Invocation) -> Result<(), HookError> {
    let config = Config::load().map_err(Error::from)?;
    let admin = Admin::from_config(&config)?;
    let interrupt = interrupt::Interrupt::install()
        .map_err(|e| Error::Other(format!("cannot take over SIGINT/SIGTERM/SIGHUP: {e}")))?;
    let mut ctx = flow::Ctx {
        config,
        admin,
        interrupt,
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    match inv.hook {
        Hook::Preinst => preinst::run(&mut ctx, inv).await,
        Hook::Postinst => postinst::run(&mut ctx, inv).await,
        Hook::Prerm => prerm::run(&mut ctx, inv).await,
        Hook::Postrm => postrm::run(&mut ctx, inv).await,
    }
}

//! xivo-manage-db: provisioning and in-place upgrade of the XiVO database.
//! The one binary (every command and maintainer script) is a thin shim over
//! this library. ARCHITECTURE.md, at the top of the repository, maps the
//! modules, their layers and the upgrade's state machine; docs/hooks.md says
//! what the maintainer scripts do.

// First: its `fail_point!` macro is used by the modules below.
#[macro_use]
pub mod failpoints;
pub mod admin;
pub mod check;
pub mod cli;
pub mod config;
pub mod confirm;
pub mod dry_run;
pub mod duration;
pub mod error;
pub mod fsutil;
pub mod ha;
pub mod interrupt;
pub mod json;
pub mod legacy;
pub mod lock;
pub mod logging;
pub mod maintscript;
pub mod merge;
pub mod migrations;
pub mod multicall;
pub mod pending;
pub mod pg;
pub mod progress;
pub mod provision;
pub mod queue_log_ops;
pub mod replicate;
pub mod restore;
pub mod revisions;
pub mod runtime;
pub mod secrets;
pub mod services;
pub mod snapshot;
pub mod standing;
pub mod status;
pub mod upgrade;
pub mod validate;

pub use error::Error;

/// The package's version as debian/changelog says it (`14.08`): what
/// `--version`, the logs and the snapshot records show. Cargo's version is
/// its semver spelling, never displayed.
pub const VERSION: &str = env!("XIVO_MANAGE_DB_VERSION");

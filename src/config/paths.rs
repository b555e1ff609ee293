//! The package's fixed paths and reserved names: the configuration file and
//! its environment override, the state directory and its entries, the
//! PostgreSQL and init-system paths, the snapshot and restore prefixes.
//! Every path the package uses is named here or built from `STATE_DIR` by
//! `Config`'s methods; nothing else names one.

use std::path::PathBuf;

/// Where the configuration lives unless `XIVO_MANAGE_DB_CONFIG` says otherwise.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/xivo-manage-db/config";
/// Environment variable naming another configuration file.
pub const CONFIG_ENV: &str = "XIVO_MANAGE_DB_CONFIG";
/// Test-only: load migrations from this directory instead of the embedded set.
/// Named so that nobody sets it by accident on a production host.
pub const MIGRATIONS_DIR_ENV: &str = "XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR";
/// The directories older releases kept the numbered-script state files in.
pub const LEGACY_STATE_DIRS: [&str; 2] =
    ["/var/lib/xivo-update-db", "/var/lib/xivo-upgrade/update-db"];
/// The Debian cluster's socket directory, used when `ADMIN_URI` is empty.
pub const PG_SOCKET_DIR: &str = "/var/run/postgresql";
/// Where syslog listens; without it the tools log to stderr only.
pub const SYSLOG_SOCKET: &str = "/dev/log";
/// Where an init script or a systemd unit of a service would be.
pub const INIT_SCRIPT_DIRS: [&str; 1] = ["/etc/init.d"];
pub const SYSTEMD_UNIT_DIRS: [&str; 3] = [
    "/etc/systemd/system",
    "/lib/systemd/system",
    "/usr/lib/systemd/system",
];
/// invoke-rc.d takes its systemd branch when this directory exists.
pub const SYSTEMD_RUNNING_DIR: &str = "/run/systemd/system";
/// invoke-rc.d's policy layer (taken under `$DPKG_ROOT`, as invoke-rc.d does).
pub const POLICY_RC_D: &str = "/usr/sbin/policy-rc.d";
/// Every snapshot database's name starts with this (see `snapshot::name`);
/// `DB_NAME` may not.
pub const SNAPSHOT_PREFIX: &str = "xivo_manage_db_snapshot_";
/// Every database `xivo-manage-db restore` creates or sets aside starts with
/// this (see `restore::name`); `DB_NAME` may not.
pub const RESTORE_PREFIX: &str = "xivo_manage_db_restore_";

/// Debian's directory of a PostgreSQL major version's client programs.
pub fn pg_bin_dir(major: u32) -> PathBuf {
    PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"))
}

/// `STATE_DIR` unless the configuration says otherwise.
pub const DEFAULT_STATE_DIR: &str = "/var/lib/xivo-manage-db";
/// Set by dpkg for maintainer scripts: the root of the installation they act
/// on (`dpkg --root`); empty or unset means `/`. The package's built-in paths
/// are taken under it; paths an administrator configured are taken as written.
pub const DPKG_ROOT_ENV: &str = "DPKG_ROOT";
/// What the package itself creates in a state directory: purge removes these
/// and nothing else (`update-db/` only loses the 14.07 state files).
pub const STATE_ENTRIES: [&str; 13] = [
    "lock",
    "stopped-services",
    "stopped-services.tmp",
    "rollback",
    "merge-xivo-connlimit",
    "merge-xivo-connlimit.tmp",
    "state-dirs",
    "state-dirs.tmp",
    "record.tmp",
    "restore-record",
    "restore-record.tmp",
    "queue-log-throughput",
    "queue-log-throughput.tmp",
];
/// The 14.07 state files, in `$STATE_DIR/update-db`.
pub const LEGACY_STATE_FILES: [&str; 2] = ["asterisk-last", "xivo-last"];

/// A built-in path, under `$DPKG_ROOT`.
pub fn rooted(path: &str) -> PathBuf {
    match std::env::var_os(DPKG_ROOT_ENV).filter(|r| !r.is_empty()) {
        Some(root) => PathBuf::from(root).join(path.trim_start_matches('/')),
        None => PathBuf::from(path),
    }
}

/// The older state directories, under `$DPKG_ROOT`.
pub fn legacy_state_dirs() -> Vec<PathBuf> {
    LEGACY_STATE_DIRS.iter().map(|d| rooted(d)).collect()
}

/// The default state directory, under `$DPKG_ROOT`.
pub fn default_state_dir() -> PathBuf {
    rooted(DEFAULT_STATE_DIR)
}

/// The list of the other state directories the hooks have used: the
/// conffile (and so STATE_DIR) is gone when dpkg calls postrm purge, so the
/// package remembers them here.
pub fn state_dirs_list() -> PathBuf {
    default_state_dir().join("state-dirs")
}

/// The 14.07 configuration database (and its owner role) merged into `DB_NAME`.
pub const LEGACY_DB_NAME: &str = "xivo";

/// The daemons that keep connections to the database open (XiVO 14.08).
pub const DEFAULT_SERVICES: &str = "asterisk xivo-agid xivo-ctid xivo-confd xivo-dird \
     xivo-call-logd xivo-agentd xivo-amid xivo-sysconfd xivo-provd";

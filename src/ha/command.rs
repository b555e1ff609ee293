//! The `ha` subcommands as the command line gives them, and running one:
//! the run lock and the pending-snapshot refusal for those that write, as
//! `replicate` has them.

use crate::config::Config;
use crate::error::Error;
use crate::pg::Superuser;
use crate::replicate::slave::Slave;

/// One `xivo-manage-db ha ...` command.
pub enum Command {
    Enable {
        slave: String,
        master: Option<String>,
    },
    Status {
        json: bool,
    },
    SyncSequences,
    Promote,
    Disable,
}

/// Run `command`; its output and exit code.
pub async fn run(
    config: &Config,
    admin: &Superuser,
    command: Command,
) -> Result<(String, u8), Error> {
    let exclusions = super::exclusions(config)?;
    if let Command::Status { json } = command {
        return super::status::status(config, admin, &exclusions, json).await;
    }
    let _lock = crate::lock::RunLock::acquire(config, admin).await?;
    // Under a hook's snapshot the database is about to change: not a state
    // to replicate from, nor to promote.
    crate::pending::refuse_writes(config, crate::pending::DeadRestore::Blocks)?;
    let text = match command {
        Command::Enable { slave, master } => {
            let target = Slave::parse(&slave, config)?;
            let conninfo = match master {
                Some(m) => m,
                None => own_address(admin, &config.db_name, &target)?,
            };
            super::enable(config, admin, &slave, &target, &conninfo, &exclusions)
                .await?
                .to_string()
        }
        Command::SyncSequences => super::sync_sequences(config, admin, &exclusions).await?,
        Command::Promote => super::promote(config, admin, &exclusions).await?,
        Command::Disable => super::disable(config, admin).await?,
        Command::Status { .. } => String::new(),
    };
    Ok((format!("{text}\n"), 0))
}

/// ADMIN_URI as the slave's way back here; refused (exit 2) when it is a
/// unix socket and the slave a network host: there the socket is the
/// slave's own, and it would subscribe to itself.
fn own_address(admin: &Superuser, db: &str, slave: &Slave) -> Result<String, Error> {
    let conninfo = admin.conninfo(db);
    let local = conninfo.starts_with("host='/");
    if local && !slave.host().starts_with('/') {
        return Err(super::HaError::Prerequisite(format!(
            "the slave reaches this host over the network, and ADMIN_URI names a unix socket: \
             give --master 'host=THIS_HOST_ADDRESS port=5432 user=postgres dbname={db}' \
             (and let the slave in, in this host's pg_hba.conf)"
        ))
        .into());
    }
    Ok(conninfo)
}

//! prerm: `remove [in-favour <pkg> <ver>]`, `upgrade <new>`,
//! `deconfigure in-favour <pkg> <ver> [removing <pkg> <ver>]`,
//! `failed-upgrade <old> [<new>]`.
//!
//! None of them touches the database: removing the package keeps the data.
//! `remove` settles what a failed upgrade may have left (snapshot, stopped
//! services) so that nothing stays behind once the package is gone.

use super::args::Invocation;
use super::error::HookError;
use super::flow::Ctx;

pub async fn run(ctx: &mut Ctx, inv: &Invocation) -> Result<(), HookError> {
    match inv.verb {
        "remove" => super::preinst::abort_upgrade(ctx).await,
        // The new preinst prepares the upgrade; the old prerm has nothing to do.
        "upgrade" => {
            log::info!("nothing to do: the new version's preinst prepares the upgrade");
            Ok(())
        }
        // Deconfiguring leaves the database to whoever replaces us.
        "deconfigure" => {
            log::info!("nothing to do: the database is left as it is");
            Ok(())
        }
        // The old prerm failed; this one has nothing to undo, so the upgrade
        // goes on.
        "failed-upgrade" => {
            log::info!("nothing to do: the upgrade goes on");
            Ok(())
        }
        other => unreachable!("verb {other} checked by args::parse"),
    }
}

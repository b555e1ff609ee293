//! The async runtime every command and hook runs on: one thread, because
//! each run is one sequential conversation with PostgreSQL and threads
//! would only cost start-up time.

use std::future::Future;

/// Run `f` to its end on a new current-thread runtime.
pub fn block_on<F: Future>(f: F) -> std::io::Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(rt.block_on(f))
}

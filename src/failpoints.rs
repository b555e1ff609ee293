//! Failpoints: named places on the upgrade path where a test (or anyone
//! with a build made with `--features failpoints`) can crash or fail the
//! program on purpose, to prove that every step boundary converges.
//!
//! Owns the `fail_point!` macro every module uses, the error a `return`
//! action injects, and the set-up the multicall `main` calls. A build
//! without the feature compiles every `fail_point!` to nothing: no name, no
//! check, no `fail` crate (scripts/build-release verifies the release binary
//! holds no failpoint name). Never changes what the code does when no
//! failpoint is configured.
//!
//! Naming (docs/failpoints.md): `<area>.<step>`, lower case, words joined
//! by `_`: the area is where it is (`legacy`, `merge`, `stamp`, `migrate`,
//! `provision`, `snapshot`, `record`, `state_files`, `rollback`, `discard`,
//! `services`, `cleanup`, `hook`, `restore`, `prepare`, `replicate`), the step says
//! where, with `before_`/`after_` for the boundaries of a step and
//! `each_` for a point inside a loop (hit once per iteration: `2*off->panic`
//! crashes at the third).
//!
//! Triggered from the environment, as the `fail` crate's
//! `FailScenario::setup` reads it: `FAILPOINTS='merge.before_commit=panic;
//! rollback.each_rename=return'`. One action is ours: `kill`, a real
//! SIGKILL of the process at that point (no unwinding, no destructor runs,
//! as an OOM kill or a power cut). `FAILPOINTS_TRACE=<file>` appends the
//! name of every failpoint passed, one a line (how the crash matrix learns
//! which points a path reaches).

/// A failpoint named `$name` (a string literal). With `return` configured
/// it returns `Err(Injected(name).into())` from the enclosing function,
/// which must return a `Result` whose error converts from [`Injected`];
/// `fail_point!("name", no_return)` is for a function that returns no
/// `Result` (a `return` action panics there).
#[cfg(feature = "failpoints")]
macro_rules! fail_point {
    ($name:literal) => {{
        $crate::failpoints::passed($name);
        ::fail::fail_point!($name, |_| Err($crate::failpoints::Injected($name).into()));
    }};
    ($name:literal, no_return) => {{
        $crate::failpoints::passed($name);
        ::fail::fail_point!($name);
    }};
}

/// Without the feature: nothing at all.
#[cfg(not(feature = "failpoints"))]
macro_rules! fail_point {
    ($name:literal) => {};
    ($name:literal, no_return) => {};
}

/// The failure a `return` action injects, named after its failpoint.
#[cfg(feature = "failpoints")]
#[derive(Debug, Clone, Copy)]
pub struct Injected(pub &'static str);

#[cfg(feature = "failpoints")]
impl std::fmt::Display for Injected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "failpoint '{}' injected a failure (FAILPOINTS); unset FAILPOINTS to run normally",
            self.0
        )
    }
}

#[cfg(feature = "failpoints")]
impl std::error::Error for Injected {}

// Each domain error converts from `Injected` in its own module.

/// Record that the failpoint `name` was passed (`FAILPOINTS_TRACE`).
#[cfg(feature = "failpoints")]
pub fn passed(name: &str) {
    use std::io::Write;
    static TRACE: std::sync::OnceLock<Option<std::sync::Mutex<std::fs::File>>> =
        std::sync::OnceLock::new();
    let trace = TRACE.get_or_init(|| {
        let path = std::env::var_os("FAILPOINTS_TRACE")?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
            .map(std::sync::Mutex::new)
    });
    if let Some(file) = trace {
        if let Ok(mut f) = file.lock() {
            // One write per line (O_APPEND): lines of concurrent runs never mix.
            let _ = f.write_all(format!("{name}\n").as_bytes());
        }
    }
}

/// Configure the failpoints from `FAILPOINTS` (the `fail` crate's syntax,
/// plus `kill`). Kept alive for the whole run: dropping it clears them.
#[cfg(feature = "failpoints")]
pub fn setup() -> fail::FailScenario<'static> {
    let spec = std::env::var("FAILPOINTS").unwrap_or_default();
    let (kills, rest): (Vec<&str>, Vec<&str>) = spec
        .split(';')
        .filter(|e| !e.trim().is_empty())
        .partition(|e| e.split_once('=').is_some_and(|(_, a)| a.trim() == "kill"));
    if !kills.is_empty() {
        // Before any thread exists: the runtime starts after this.
        std::env::set_var("FAILPOINTS", rest.join(";"));
    }
    let scenario = fail::FailScenario::setup();
    for entry in kills {
        let name = entry.split_once('=').map_or(entry, |(n, _)| n).trim();
        // Never fails (fail 0.5): it only adds the point to the registry.
        let _ = fail::cfg_callback(name, || {
            let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
        });
    }
    scenario
}

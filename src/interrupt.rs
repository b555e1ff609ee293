//! SIGINT, SIGTERM and SIGHUP during a run that changes the database (a
//! command is often run over ssh, whose end sends SIGHUP): they no longer
//! kill the process (that could leave services
//! stopped, a half-made snapshot, or `xivo` closed); the run stops at the
//! next safe point or drops the work at once (`race`), puts back what it
//! must, and exits non-zero. SIGKILL cannot be caught: the next run finds
//! what was left and finishes it.

use std::future::Future;

use futures_util::future::Either;
use futures_util::FutureExt;
use tokio::signal::unix::{signal, Signal, SignalKind};

pub struct Interrupt {
    signals: Vec<(Signal, &'static str)>,
    seen: Option<&'static str>,
}

/// Which signals a run takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takeover {
    /// A maintainer script: SIGINT, SIGTERM and SIGHUP, always (dpkg's
    /// terminal may go away in the middle of an upgrade).
    Hook,
    /// A command: SIGINT, SIGTERM and SIGHUP, each unless it was ignored
    /// when the command started (started in the background by a script, or
    /// under `nohup`, which asks for the run to outlive the terminal).
    Command,
}

impl Interrupt {
    /// Take over the signals; must run inside the runtime.
    pub fn install(takeover: Takeover) -> std::io::Result<Interrupt> {
        let mut signals = Vec::new();
        for (kind, number, name) in [
            (SignalKind::interrupt(), nix::libc::SIGINT, "SIGINT"),
            (SignalKind::terminate(), nix::libc::SIGTERM, "SIGTERM"),
            (SignalKind::hangup(), nix::libc::SIGHUP, "SIGHUP"),
        ] {
            let wanted = match takeover {
                Takeover::Hook => true,
                Takeover::Command => !ignored(number),
            };
            if wanted {
                signals.push((signal(kind)?, name));
            }
        }
        Ok(Interrupt {
            signals,
            seen: None,
        })
    }

    /// The signal received so far, if any (does not wait).
    pub fn pending(&mut self) -> Option<&'static str> {
        if self.seen.is_none() {
            for (s, name) in &mut self.signals {
                if s.recv().now_or_never().is_some() {
                    self.seen = Some(name);
                    break;
                }
            }
        }
        self.seen
    }

    /// Run `work` until it ends or a signal comes, whichever is first. On a
    /// signal `work` is dropped at its current await point.
    pub async fn race<T>(&mut self, work: impl Future<Output = T>) -> Result<T, &'static str> {
        let work = std::pin::pin!(work);
        let signal = std::pin::pin!(self.recv());
        match futures_util::future::select(work, signal).await {
            Either::Left((done, _)) => Ok(done),
            Either::Right((name, _)) => Err(name),
        }
    }

    /// Wait for any of the signals (forever, when none is taken over).
    pub async fn recv(&mut self) -> &'static str {
        if let Some(name) = self.seen {
            return name;
        }
        if self.signals.is_empty() {
            return futures_util::future::pending().await;
        }
        let futures = self
            .signals
            .iter_mut()
            .map(|(s, name)| Box::pin(async move { s.recv().await.map(|_| *name) }));
        let (got, _, _) = futures_util::future::select_all(futures).await;
        let name = got.unwrap_or("a signal");
        self.seen = Some(name);
        name
    }
}

/// Is `signal` ignored (SIG_IGN inherited from whoever started us)?
fn ignored(signal: nix::libc::c_int) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current one
    // into `old`, which is a plain C struct we own.
    unsafe {
        let mut old: nix::libc::sigaction = std::mem::zeroed();
        nix::libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == nix::libc::SIG_IGN
    }
}

/// Run a command's `work`, SIGINT, SIGTERM and SIGHUP taken over (each
/// unless ignored at start): on one, `work` is dropped at its await point
/// (as a SIGKILL would stop it, which every command is made to survive:
/// its transaction rolls back with the connection, the next run finds
/// what was left) and the command ends with `Error::Interrupted`, exit
/// 128 + the signal, whose line is "interrupted by SIG...: " and `left`:
/// what was left and what to run next.
pub async fn or_interrupted<T>(
    work: impl Future<Output = Result<T, crate::error::Error>>,
    left: impl FnOnce() -> String,
) -> Result<T, crate::error::Error> {
    let mut interrupt = Interrupt::install(Takeover::Command).map_err(|e| {
        crate::error::Error::Other(format!("cannot take over SIGINT/SIGTERM/SIGHUP: {e}"))
    })?;
    match interrupt.race(work).await {
        Ok(done) => done,
        Err(signal) => Err(crate::error::Error::Interrupted {
            signal,
            what: format!("interrupted by {signal}: {}", left()),
        }),
    }
}

//! SIGINT, SIGTERM and SIGHUP during a hook: they no longer kill the process
//! (that could leave services stopped and a half-made snapshot); instead the
//! hook stops at the next safe point, rolls back, restarts the services and
//! exits non-zero. SIGKILL cannot be caught: the next run finds the record
//! and recovers.

use std::future::Future;

use futures_util::future::Either;
use futures_util::FutureExt;
use tokio::signal::unix::{signal, Signal, SignalKind};

pub struct Interrupt {
    signals: Vec<(Signal, &'static str)>,
    seen: Option<&'static str>,
}

impl Interrupt {
    /// Take over the signals; must run inside the runtime.
    pub fn install() -> std::io::Result<Interrupt> {
        let mut signals = Vec::new();
        for (kind, name) in [
            (SignalKind::interrupt(), "SIGINT"),
            (SignalKind::terminate(), "SIGTERM"),
            (SignalKind::hangup(), "SIGHUP"),
        ] {
            signals.push((signal(kind)?, name));
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

    /// Wait for any of the signals.
    pub async fn recv(&mut self) -> &'static str {
        if let Some(name) = self.seen {
            return name;
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

//! This host's queue_log rewrite throughput, as `queue-log stats` last
//! measured it (`merge::queue_log::calibrate`: a timed `ALTER` on a
//! 50,000-row sample, a few hundred milliseconds), kept in
//! `STATE_DIR/queue-log-throughput` for a day so that `stats` run by a
//! monitoring script stays fast. It is a cache: a file that is missing,
//! unreadable, junk or older than a day is measured again and rewritten,
//! never an error. The upgrade itself always measures.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::Config;

const FILE: &str = "queue-log-throughput";
/// How long a measure stands (the host's disks and settings may change).
const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

pub struct Cache {
    path: PathBuf,
}

impl Cache {
    pub fn new(config: &Config) -> Cache {
        Cache {
            path: config.state_dir.join(FILE),
        }
    }

    /// Rows per second, when a measure younger than a day is there.
    pub fn read(&self) -> Option<f64> {
        let bytes = crate::fsutil::read_regular(&self.path).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let (rate, at) = text.trim().split_once(' ')?;
        let rate: f64 = rate.parse().ok()?;
        let at: u64 = at.parse().ok()?;
        let age = now()?.checked_sub(at)?;
        (rate.is_finite() && rate > 0.0 && age <= MAX_AGE.as_secs()).then_some(rate)
    }

    /// Keep `rate` (best effort: a read-only STATE_DIR only costs the next
    /// run a new measure).
    pub fn write(&self, rate: f64) {
        let Some(at) = now() else { return };
        if let Err(e) =
            crate::fsutil::write_durably(&self.path, format!("{rate:.1} {at}\n").as_bytes())
        {
            log::debug!(
                "cannot keep the measured throughput in {}: {e}",
                self.path.display()
            );
        }
    }
}

fn now() -> Option<u64> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

//! `$STATE_DIR/stopped-services`: the services a hook stopped and must start
//! again, one per line, in stop order. Each is written *before* it is
//! stopped, so a hook killed at any point leaves a list the next run starts
//! again; it is only removed from the list once it runs again (or, its stop
//! denied, was never touched).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::ServiceError;

pub struct StoppedList {
    path: PathBuf,
}

impl StoppedList {
    pub fn new(path: PathBuf) -> StoppedList {
        StoppedList { path }
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// The services recorded as stopped, in stop order.
    pub fn read(&self) -> Result<Vec<String>, ServiceError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Ok(text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(self.error(e)),
        }
    }

    pub fn add(&self, name: &str) -> Result<(), ServiceError> {
        let mut list = self.read()?;
        if !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
        self.write(&list)
    }

    pub fn remove(&self, name: &str) -> Result<(), ServiceError> {
        let list: Vec<String> = self.read()?.into_iter().filter(|n| n != name).collect();
        self.write(&list)
    }

    fn write(&self, list: &[String]) -> Result<(), ServiceError> {
        if list.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.error(e)),
                _ => Ok(()),
            };
        }
        let text: String = list.iter().map(|n| format!("{n}\n")).collect();
        write_atomically(&self.path, text.as_bytes()).map_err(|e| self.error(e))
    }

    fn error(&self, e: std::io::Error) -> ServiceError {
        ServiceError::StateFile {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }
}

/// Write `bytes` to `path` through a temporary file, synced and renamed, so a
/// crash leaves the old content or the new, never half of it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

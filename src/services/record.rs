//! `$STATE_DIR/stopped-services`: the services a hook stopped and must start
//! again, one per line, in stop order. Each is written *before* it is
//! stopped, so a hook killed at any point leaves a list the next run starts
//! again; it is only removed from the list once it runs again (or, its stop
//! denied, was never touched).

use std::path::PathBuf;

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
        crate::fsutil::write_durably(&self.path, text.as_bytes()).map_err(|e| self.error(e))
    }

    fn error(&self, e: std::io::Error) -> ServiceError {
        ServiceError::StateFile {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }
}

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

    /// Can the list be read? Asked before anything is stopped or started: a
    /// list we cannot read would otherwise be found only midway (a service
    /// stopped, a snapshot dropped) or not at all.
    pub fn check(&self) -> Result<(), ServiceError> {
        match self.read() {
            Ok(_) => Ok(()),
            Err(ServiceError::StateFile { path, reason }) => {
                Err(ServiceError::Unreadable { path, reason })
            }
            Err(e) => Err(e),
        }
    }

    /// The services recorded as stopped, in stop order.
    pub fn read(&self) -> Result<Vec<String>, ServiceError> {
        // Not read_to_string: a FIFO there would wait for a writer forever.
        match crate::fsutil::read_regular(&self.path).and_then(|b| {
            String::from_utf8(b).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8")
            })
        }) {
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

#[cfg(test)]
mod fuzz {
    //! Property tests (see scripts/fuzz): any bytes read without a panic;
    //! names added read back in the order they were stopped.
    use super::*;
    use proptest::prelude::*;

    fn list_in(name: &str) -> StoppedList {
        let dir = std::env::temp_dir().join(format!("xmdb-fuzz-stopped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        StoppedList::new(dir.join(name))
    }

    proptest! {
        #[test]
        fn fuzz_stopped_services_read_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let list = list_in("any");
            std::fs::write(&list.path, &bytes).expect("write");
            let _ = list.read();
        }

        #[test]
        fn fuzz_stopped_services_written_read_back(names in prop::collection::vec("[a-z][a-z0-9@._-]{0,15}", 0..6)) {
            let list = list_in("names");
            let _ = std::fs::remove_file(&list.path);
            let mut want: Vec<String> = Vec::new();
            for n in &names {
                list.add(n).expect("add");
                if !want.contains(n) {
                    want.push(n.clone());
                }
            }
            prop_assert_eq!(list.read().expect("read"), want);
        }
    }
}

//! `restore -`: the backup read from stdin into a file of STATE_DIR first,
//! since a restore reads it several times (the checks, then the load). The
//! file is only ours (mode 0600, a name with our pid) and is removed when
//! the restore ends, whatever its outcome.

use std::io::IsTerminal;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Error;

/// The spooled copy; removed on drop.
pub struct Spooled {
    path: PathBuf,
}

impl Spooled {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `text` with the copy's quoted name said as what the administrator
    /// gave: `'-' (stdin)`.
    pub fn shown(&self, text: &str) -> String {
        text.replace(&format!("'{}'", self.path.display()), "'-' (stdin)")
    }
}

impl Spooled {
    /// `e` with the copy's name said as what the administrator gave: the
    /// refusals and failures of a restore name the file they read.
    pub fn shown_error(&self, e: Error) -> Error {
        match e {
            Error::Refused(t) => Error::Refused(self.shown(&t)),
            Error::Usage(t) => Error::Usage(self.shown(&t)),
            Error::Other(t) => Error::Other(self.shown(&t)),
            Error::Interrupted { signal, what } => Error::Interrupted {
                signal,
                what: self.shown(&what),
            },
            Error::Failed { cause, left } => Error::Failed {
                cause: Box::new(self.shown_error(*cause)),
                left,
            },
            other => other,
        }
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Copy stdin into STATE_DIR. A terminal on stdin is a usage error: a
/// backup is piped in, never typed.
pub fn from_stdin(config: &Config) -> Result<Spooled, Error> {
    if std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "restore -: stdin is a terminal; pipe the backup in \
             (pg_dump -Fc asterisk | xivo-manage-db restore -), or give its file"
                .into(),
        ));
    }
    let path = config
        .state_dir
        .join(format!("restore-stdin.{}.dump", std::process::id()));
    let cannot = |e: std::io::Error| {
        Error::Other(format!(
            "cannot copy the backup from stdin into {}: {e} (check that STATE_DIR exists and has room \
             for the backup, or give the backup's file)",
            path.display()
        ))
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(cannot)?;
    let spooled = Spooled { path: path.clone() };
    std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(cannot)?;
    Ok(spooled)
}

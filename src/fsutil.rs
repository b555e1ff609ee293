//! File helpers whose point is durability: a crash (power cut, SIGKILL)
//! leaves either the old content or the new, never half of it, and what was
//! written survives once the call returns. Every state file of the package
//! is written, copied, moved or removed through here.

use std::ffi::OsString;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// An I/O failure and the path it happened on.
pub type Failure = (PathBuf, std::io::Error);

fn at(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |e| (path.to_path_buf(), e)
}

/// Copy `from` to `to` through a temporary file next to `to`, synced and
/// renamed; the mode of `from` is kept.
pub fn copy_durably(from: &Path, to: &Path) -> std::io::Result<()> {
    let tmp = tmp_path(to);
    std::fs::copy(from, &tmp)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, to)?;
    sync_parent(to);
    Ok(())
}

/// The bytes of `path`, which must be a regular file: opened without
/// blocking, so that a FIFO put where a state or config file belongs is
/// refused ("not a regular file") instead of waiting forever for a writer;
/// a directory or a device is refused the same way.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::new(
            ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Write `bytes` to `path` (mode 0600) through a temporary file, synced and
/// renamed.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = tmp_path(path);
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
    sync_parent(path);
    Ok(())
}

/// The regular files of `dir`, by name; `None` when `dir` does not exist.
pub fn files_in(dir: &Path) -> Result<Option<Vec<OsString>>, Failure> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err((dir.to_path_buf(), e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(at(dir))?;
        if entry.path().is_file() {
            names.push(entry.file_name());
        }
    }
    names.sort();
    Ok(Some(names))
}

/// Make `to` hold exactly the regular files of `from`: each is copied
/// durably first, and only then are the files of `to` that `from` does not
/// have removed. A crash at any point leaves `from` whole. Returns false
/// when `from` does not exist (nothing is touched then).
pub fn mirror_files(from: &Path, to: &Path) -> Result<bool, Failure> {
    let Some(names) = files_in(from)? else {
        return Ok(false);
    };
    std::fs::create_dir_all(to).map_err(at(to))?;
    for name in &names {
        let src = from.join(name);
        fail_point!("state_files.each_file", no_return);
        copy_durably(&src, &to.join(name)).map_err(at(&src))?;
    }
    for old in files_in(to)?.unwrap_or_default() {
        if !names.contains(&old) {
            let p = to.join(&old);
            std::fs::remove_file(&p).map_err(at(&p))?;
        }
    }
    sync_dir(to);
    Ok(true)
}

/// Move `src` to `dest` (a rename, or across file systems a durable copy
/// then the removal).
pub fn move_durably(src: &Path, dest: &Path) -> Result<(), Failure> {
    if std::fs::rename(src, dest).is_ok() {
        sync_parent(dest);
        return Ok(());
    }
    copy_durably(src, dest).map_err(at(src))?;
    std::fs::remove_file(src).map_err(at(src))
}

/// Remove a file or a whole directory; fine when it is not there.
pub fn remove(path: &Path) -> Result<(), Failure> {
    let result = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match result {
        Err(e) if e.kind() != ErrorKind::NotFound => Err((path.to_path_buf(), e)),
        _ => Ok(()),
    }
}

/// fsync a directory, so that the names in it (renames, removals) last.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_copies_then_removes_what_the_source_lacks() {
        let root = std::env::temp_dir().join(format!("xmdb-fsutil-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let (from, to) = (root.join("from"), root.join("to"));
        std::fs::create_dir_all(&from).expect("mkdir");
        std::fs::create_dir_all(&to).expect("mkdir");
        std::fs::write(from.join("a"), "1").expect("write");
        std::fs::write(to.join("a"), "old").expect("write");
        std::fs::write(to.join("b"), "gone").expect("write");
        assert!(mirror_files(&from, &to).expect("mirror"));
        assert_eq!(std::fs::read_to_string(to.join("a")).expect("a"), "1");
        assert!(!to.join("b").exists() && !to.join("a.tmp").exists());
        assert!(!mirror_files(&root.join("none"), &to).expect("absent"));
        assert!(to.join("a").exists(), "an absent source touches nothing");
        let _ = std::fs::remove_dir_all(root);
    }
}

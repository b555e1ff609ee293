//! File helpers whose point is durability: a crash (power cut, SIGKILL)
//! leaves either the old content or the new, never half of it, and what was
//! written survives once the call returns.

use std::io::Write;
use std::path::Path;

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

fn tmp_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

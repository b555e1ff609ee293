//! Where migration files come from: the set embedded at build time, or (for
//! tests) a directory with the same layout as `migrations/`.

use std::path::{Path, PathBuf};

use super::MigrationError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_migrations.rs"));
}

/// One file of the migrations tree, by path relative to its root.
pub struct RawFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The files compiled into this binary.
pub fn embedded() -> Vec<RawFile> {
    embedded::FILES
        .iter()
        .map(|(name, bytes)| RawFile {
            name: name.to_string(),
            bytes: bytes.to_vec(),
        })
        .collect()
}

/// A file compiled into this binary, by relative path.
pub fn embedded_file(name: &str) -> Option<&'static [u8]> {
    embedded::FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
}

/// Every file under `root`, relative names with `/` separators.
pub fn from_dir(root: &Path) -> Result<Vec<RawFile>, MigrationError> {
    let mut out = Vec::new();
    walk(root, root, &mut out)?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<RawFile>) -> Result<(), MigrationError> {
    let unreadable = |path: PathBuf, e: std::io::Error| MigrationError::Unreadable {
        file: path.display().to_string(),
        reason: e.to_string(),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| unreadable(dir.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| unreadable(dir.to_path_buf(), e))?;
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
            continue;
        }
        let bytes = crate::fsutil::read_regular(&path).map_err(|e| unreadable(path.clone(), e))?;
        let name = path
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.display().to_string());
        out.push(RawFile { name, bytes });
    }
    Ok(())
}

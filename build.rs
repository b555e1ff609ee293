//! Embeds every file under `migrations/` into the binaries, so a maintainer
//! script never depends on files dpkg has not unpacked yet.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut sets = vec![("migrations", root.join("migrations"))];
    // Test-only: a release build never has this feature (see debian/rules).
    if std::env::var_os("CARGO_FEATURE_FAILING_MIGRATION_FOR_TESTS").is_some() {
        sets.push((
            "migrations",
            root.join("tests/fixtures/migrations_failing_last"),
        ));
    }
    let mut files = Vec::new();
    for (_, dir) in &sets {
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut found = Vec::new();
        collect(dir, &mut found);
        for f in found {
            let rel = f
                .strip_prefix(dir)
                .expect("found under dir")
                .to_string_lossy()
                .into_owned();
            files.push((rel, f));
        }
    }
    files.sort();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_migrations.rs");
    let mut w = fs::File::create(&out).expect("write embedded_migrations.rs");
    writeln!(
        w,
        "/// Every file of the migrations directory: (relative path, bytes)."
    )
    .expect("write");
    writeln!(w, "pub static FILES: &[(&str, &[u8])] = &[").expect("write");
    for (rel, path) in files {
        writeln!(
            w,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write");
    }
    writeln!(w, "];").expect("write");
}

//! Embeds every file under `migrations/` into the binaries, so a maintainer
//! script never depends on files dpkg has not unpacked yet, and takes the
//! package's version (`14.08`, what `--version` and the logs display) from
//! debian/changelog: Cargo's must be semver, the package's is not.

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

/// A header value (`-- key: value`) of a migration file.
fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix("-- ")?.strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// The head of a migrations directory: the revision no other names as a
/// parent (the baseline when there are no versions).
fn head_of(dir: &Path) -> String {
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut found = Vec::new();
    collect(&dir.join("versions"), &mut found);
    let texts: Vec<String> = found.iter().map(|p| read(p)).collect();
    let parents: Vec<&str> = texts
        .iter()
        .filter_map(|t| header(t, "down_revision"))
        .flat_map(|d| d.split(',').map(str::trim))
        .collect();
    let heads: Vec<&str> = texts
        .iter()
        .filter_map(|t| header(t, "revision"))
        .filter(|r| !parents.contains(r))
        .collect();
    match heads.as_slice() {
        [] => header(&read(&dir.join("baseline.sql")), "revision")
            .expect("baseline.sql has a revision header")
            .to_string(),
        [head] => head.to_string(),
        more => panic!("{}: more than one head: {more:?}", dir.display()),
    }
}

/// Test-only: the failing fixture, its `SHIPPED_HEAD` placeholder replaced
/// by the head of migrations/, copied under OUT_DIR.
fn failing_fixture(root: &Path, out: &Path) -> PathBuf {
    let src = root.join("tests/fixtures/migrations_failing_last");
    println!("cargo:rerun-if-changed={}", src.display());
    let head = head_of(&root.join("migrations"));
    let dst = out.join("migrations_failing_last");
    let mut found = Vec::new();
    collect(&src, &mut found);
    for f in found {
        let rel = f.strip_prefix(&src).expect("found under src");
        let target = dst.join(rel);
        fs::create_dir_all(target.parent().expect("a file has a parent")).expect("mkdir");
        let text = fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        fs::write(&target, text.replace("SHIPPED_HEAD", &head)).expect("write fixture");
    }
    dst
}

/// The version of the first entry of debian/changelog, without an epoch.
fn package_version(root: &Path) -> String {
    let path = root.join("debian/changelog");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let first = text.lines().next().unwrap_or_default();
    let version = first
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(v, _)| v)
        .unwrap_or_else(|| panic!("{}: no version in its first line", path.display()));
    version.rsplit(':').next().unwrap_or(version).to_string()
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!(
        "cargo:rustc-env=XIVO_MANAGE_DB_VERSION={}",
        package_version(&root)
    );
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let migrations = root.join("migrations");
    println!("cargo:rerun-if-changed={}", migrations.display());
    let mut sets = vec![migrations];
    // Test-only: a release build never has this feature (see debian/rules).
    if std::env::var_os("CARGO_FEATURE_FAILING_MIGRATION_FOR_TESTS").is_some() {
        sets.push(failing_fixture(&root, &out_dir));
    }
    let mut files = Vec::new();
    for dir in &sets {
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
    let out = out_dir.join("embedded_migrations.rs");
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

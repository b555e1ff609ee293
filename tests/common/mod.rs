//! Shared by every integration test: a throwaway PostgreSQL 15 cluster per
//! test (initdb'd once per test binary into a template, then copied), unix
//! socket only, run as `postgres` when the tests run as root; the config file
//! pointing our binaries at it; psql, pg_dump and per-table checksums.
//!
//! The cluster is stopped and its directory removed on drop, also when the
//! test panics.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The OS user the clusters run as, and the superuser they have.
pub struct Owner {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

pub fn owner() -> &'static Owner {
    static OWNER: OnceLock<Owner> = OnceLock::new();
    OWNER.get_or_init(|| {
        let me = nix::unistd::Uid::effective();
        let user = if me.is_root() {
            nix::unistd::User::from_name("postgres")
                .expect("getpwnam")
                .expect("a postgres OS user (apt-get install postgresql)")
        } else {
            nix::unistd::User::from_uid(me)
                .expect("getpwuid")
                .expect("current user")
        };
        Owner {
            name: user.name,
            uid: user.uid.as_raw(),
            gid: user.gid.as_raw(),
        }
    })
}

/// A command run as the cluster's OS user.
pub fn as_owner(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new(program);
    if nix::unistd::Uid::effective().is_root() {
        c.uid(owner().uid).gid(owner().gid);
    }
    c.env_remove("PGHOST")
        .env_remove("PGPORT")
        .env_remove("PGDATABASE")
        .env_remove("PGUSER");
    c
}

fn run_ok(mut c: Command, what: &str) -> String {
    let out = c
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Where test directories go: `$XMDB_TEST_TMP`, else /tmp.
fn test_tmp_base() -> PathBuf {
    std::env::var_os("XMDB_TEST_TMP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"))
}

/// A new directory `xmdb-<pid>-<n>` under `base`, owned by the cluster's user
/// (the name is what `sweep_dead_runs` recognises).
fn tmp_dir_in(base: &Path) -> PathBuf {
    let dir = base.join(format!(
        "xmdb-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    chown_to_owner(&dir);
    dir
}

fn tmp_root() -> PathBuf {
    tmp_dir_in(&test_tmp_base())
}

fn chown_to_owner(p: &Path) {
    if nix::unistd::Uid::effective().is_root() {
        nix::unistd::chown(p, Some(owner().uid.into()), Some(owner().gid.into())).expect("chown");
    }
}

/// Remove what test processes that are gone left behind: their template
/// (kept for the whole life of a test binary, so never removed by a drop) and,
/// after a kill, their clusters, stopped first.
fn sweep_dead_runs() {
    let Ok(entries) = std::fs::read_dir(test_tmp_base()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("xmdb-")
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if alive || !entry.path().is_dir() {
            continue;
        }
        let data = entry.path().join("data");
        if data.join("postmaster.pid").exists() {
            let mut c = as_owner(format!("{PG_BIN}/pg_ctl"));
            c.arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "-w", "stop"]);
            let _ = c
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// A freshly initdb'd data directory, made once per test binary.
fn template() -> &'static PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        sweep_dead_runs();
        let dir = tmp_root();
        let data = dir.join("data");
        let mut c = as_owner(format!("{PG_BIN}/initdb"));
        c.args(["-D"]).arg(&data).args(["-E", "UTF8", "--locale=C.UTF-8", "-A", "peer", "--no-sync"]);
        run_ok(c, "initdb");
        // Superuser by peer auth; every other role (asterisk...) by password,
        // as on a XiVO host.
        let hba = format!("local all {} peer\nlocal all all scram-sha-256\n", owner().name);
        std::fs::write(data.join("pg_hba.conf"), hba).expect("pg_hba.conf");
        let conf = "listen_addresses = ''\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n\
                    shared_buffers = 64MB\nmax_connections = 50\nlog_min_messages = warning\n";
        let mut f = std::fs::OpenOptions::new().append(true).open(data.join("postgresql.conf")).expect("conf");
        std::io::Write::write_all(&mut f, conf.as_bytes()).expect("conf");
        dir
    })
}

/// One running cluster, gone on drop.
pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
}

impl Cluster {
    pub fn start() -> Cluster {
        Cluster::start_in(&test_tmp_base())
    }

    pub fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    pub fn pg_ctl_start(&self) {
        let mut c = as_owner(format!("{PG_BIN}/pg_ctl"));
        c.arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("log"))
            .arg("-w")
            .arg("-o")
            .arg(format!("-k {} -p {}", self.dir.display(), self.port));
        c.arg("start");
        run_ok(c, "pg_ctl start");
    }

    /// Restart the cluster with `lines` added to its postgresql.conf.
    pub fn restart_with(&self, lines: &str) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.data().join("postgresql.conf"))
            .expect("postgresql.conf");
        std::io::Write::write_all(&mut f, format!("\n{lines}\n").as_bytes()).expect("conf");
        self.stop();
        self.pg_ctl_start();
    }

    pub fn stop(&self) {
        let mut c = as_owner(format!("{PG_BIN}/pg_ctl"));
        c.arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "stop"]);
        let _ = c
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.join("state")
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config")
    }

    pub fn admin_uri(&self) -> String {
        format!(
            "host={} port={} user={}",
            self.dir.display(),
            self.port,
            owner().name
        )
    }

    /// (Re)write the config file: the cluster's settings plus `extra` lines.
    pub fn write_config(&self, extra: &str) {
        let text = format!(
            "ADMIN_URI='{}'\nSTATE_DIR={}\nLOCK_TIMEOUT=60\n{extra}\n",
            self.admin_uri(),
            self.state_dir().display()
        );
        std::fs::write(self.config_path(), text).expect("config");
    }

    /// One of our binaries, configured for this cluster.
    pub fn cmd(&self, bin: &str) -> Command {
        let mut c = Command::new(bin_path(bin));
        c.env("XIVO_MANAGE_DB_CONFIG", self.config_path());
        c.env_remove("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR");
        c.stdin(Stdio::null());
        c
    }

    /// Run one of our binaries with `args` (and optionally a migrations dir).
    pub fn run(&self, bin: &str, args: &[&str], migrations: Option<&Path>) -> Run {
        let mut c = self.cmd(bin);
        c.args(args);
        if let Some(m) = migrations {
            c.env("XIVO_MANAGE_DB_DANGEROUS_MIGRATIONS_DIR", m);
        }
        Run::from(c.output().expect("run binary"))
    }

    /// psql as the superuser; unaligned, tuples only.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        run_ok(self.psql_cmd(db, sql), &format!("psql {sql}"))
            .trim_end()
            .to_string()
    }

    pub fn psql_cmd(&self, db: &str, sql: &str) -> Command {
        let mut c = as_owner("psql");
        c.args(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                &owner().name,
                "-d",
                db,
                "-c",
                sql,
            ]);
        c
    }

    /// Run an SQL file with psql as `role` (SET ROLE after connecting as the superuser).
    pub fn psql_file_as(&self, db: &str, role: &str, file: &Path) {
        let mut c = as_owner("psql");
        c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", &owner().name, "-d", db])
            .arg("-c")
            .arg(format!("SET ROLE {role}"))
            .arg("-f")
            .arg(file);
        run_ok(c, &format!("psql -f {}", file.display()));
    }

    pub fn exists(&self, db: &str) -> bool {
        self.psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_database WHERE datname = '{db}'"),
        ) == "1"
    }

    pub fn role_exists(&self, role: &str) -> bool {
        self.psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_roles WHERE rolname = '{role}'"),
        ) == "1"
    }

    /// `pg_dump --schema-only`, normalised: no comments, no blank lines, no
    /// `\restrict` lines (random keys since 15.14), no SET noise.
    pub fn schema(&self, db: &str) -> String {
        let mut c = as_owner("pg_dump");
        c.args(["--schema-only", "-h"]).arg(&self.dir).args([
            "-p",
            &self.port.to_string(),
            "-U",
            &owner().name,
            db,
        ]);
        normalise_dump(&run_ok(c, "pg_dump"))
    }

    /// Per-table row count and content checksum of every user table.
    pub fn table_sums(&self, db: &str) -> Vec<String> {
        // One statement for every table (query_to_xml runs the per-table
        // query server-side): a psql per table made each fingerprint slow.
        self.psql(
            db,
            "SELECT t || ' ' || (xpath('/row/s/text()', query_to_xml(format( \
                 'SELECT count(*) || %L || coalesce(md5(string_agg(x::text, %L ORDER BY x::text)), %L) AS s FROM %s x', \
                 ' ', '|', '-', t), false, true, '')))[1]::text \
               FROM (SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS t FROM pg_tables \
                      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')) q ORDER BY t",
        )
        .lines()
        .map(String::from)
        .collect()
    }

    /// Everything a test compares before/after: the schema and what
    /// `pg_dump --schema-only` leaves out of it (the database's own settings),
    /// then table checksums and sequence values.
    pub fn fingerprint(&self, db: &str) -> (String, Vec<String>) {
        let mut sums = self.table_sums(db);
        sums.extend(
            self.psql(
                db,
                "SELECT 'sequence ' || schemaname || '.' || sequencename || ' ' || \
                        coalesce(last_value::text, 'unset') FROM pg_sequences ORDER BY 1",
            )
            .lines()
            .map(String::from),
        );
        (
            format!("{}\n{}", self.schema(db), self.database_settings(db)),
            sums,
        )
    }

    /// What belongs to the database itself: owner, comment, connection limit,
    /// whether it takes connections, its grants and its `ALTER DATABASE ...
    /// SET` / `ALTER ROLE ... IN DATABASE ... SET` settings.
    pub fn database_settings(&self, db: &str) -> String {
        self.psql(
            "postgres",
            &format!(
                "SELECT 'database owner=' || pg_get_userbyid(d.datdba) \
                        || ' comment=' || coalesce(shobj_description(d.oid, 'pg_database'), '-') \
                        || ' connlimit=' || d.datconnlimit || ' allowconn=' || d.datallowconn \
                        || ' acl=' || coalesce(d.datacl::text, '-') \
                        || ' settings=' || coalesce((SELECT string_agg(coalesce(r.rolname, '*') || ':' \
                               || array_to_string(s.setconfig, ','), ';' ORDER BY r.rolname NULLS FIRST) \
                          FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole \
                          WHERE s.setdatabase = d.oid), '-') \
                   FROM pg_database d WHERE d.datname = '{}'",
                db.replace('\'', "''")
            ),
        )
    }

    /// Give `db` and role `role` non-default values of everything a snapshot
    /// and a rollback must carry and `pg_dump --schema-only` does not show:
    /// database comment, connection limit, settings, grants, sequence values;
    /// role connection limit, expiry, settings and a membership.
    pub fn set_non_defaults(&self, db: &str, role: &str) {
        self.psql(
            "postgres",
            &format!(
                "COMMENT ON DATABASE {db} IS 'fixture: {db} of a XiVO host'; \
                 ALTER DATABASE {db} CONNECTION LIMIT 137; \
                 ALTER DATABASE {db} SET work_mem = '7MB'; \
                 ALTER ROLE {role} IN DATABASE {db} SET statement_timeout = '17min'; \
                 REVOKE TEMPORARY ON DATABASE {db} FROM PUBLIC; \
                 GRANT TEMPORARY ON DATABASE {db} TO {role}; \
                 ALTER ROLE {role} CONNECTION LIMIT 41 VALID UNTIL '2099-12-31 00:00:00+00'; \
                 ALTER ROLE {role} SET idle_session_timeout = '2h'"
            ),
        );
        self.psql(
            "postgres",
            &format!(
                "DO $$ BEGIN CREATE ROLE fixture_{role}_group NOLOGIN; \
                 EXCEPTION WHEN duplicate_object THEN NULL; END $$; \
                 GRANT fixture_{role}_group TO {role}"
            ),
        );
        // Every sequence well past where its table needs it.
        self.psql(
            db,
            "SELECT count(setval(format('%I.%I', schemaname, sequencename), 4242)) FROM pg_sequences",
        );
    }

    pub fn revisions(&self, db: &str) -> String {
        self.psql(
            db,
            "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version",
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut c = as_owner(format!("{PG_BIN}/pg_ctl"));
        c.arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"]);
        let _ = c
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if std::env::var_os("XMDB_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

pub fn normalise_dump(dump: &str) -> String {
    dump.lines()
        .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .filter(|l| !l.starts_with("SET ") && !l.starts_with("SELECT pg_catalog.set_config"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate's one binary (src/multicall/): it runs the command or
/// maintainer script its argv[0] names.
pub fn multicall_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_xivo-manage-db"))
}

/// Every name the package gives the binary: the commands in /usr/sbin, the
/// maintainer scripts in DEBIAN/.
pub const NAMES: [&str; 8] = [
    "xivo-init-db",
    "xivo-check-db",
    "xivo-update-db",
    "xivo-manage-db",
    "preinst",
    "postinst",
    "prerm",
    "postrm",
];

/// A directory of symlinks to the binary, one per name in `NAMES`, made
/// once per test process (and swept with the other `xmdb-<pid>-*`
/// directories once the process is gone): every test runs a command or hook
/// by its real name, as the package does.
pub fn names_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tmp_root();
        for name in NAMES {
            std::os::unix::fs::symlink(multicall_binary(), dir.join(name))
                .unwrap_or_else(|e| panic!("symlink {name} in {}: {e}", dir.display()));
        }
        dir
    })
}

/// Path of one of the crate's commands (or maintainer scripts): a symlink
/// by that name to the binary.
pub fn bin_path(bin: &str) -> PathBuf {
    assert!(NAMES.contains(&bin), "unknown binary {bin}");
    names_dir().join(bin)
}

/// What a binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn assert_code(&self, want: i32) -> &Run {
        assert_eq!(
            self.code, want,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The repository's migrations directory.
pub fn repo_migrations() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// A copy of the real migrations, changed by `edit` (a scenario), in a temp
/// dir removed on drop.
pub struct MigrationsDir {
    pub path: PathBuf,
}

impl MigrationsDir {
    pub fn copy_of_repo() -> MigrationsDir {
        let path = tmp_root().join("migrations");
        let mut c = Command::new("cp");
        c.arg("-a").arg(repo_migrations()).arg(&path);
        run_ok(c, "copy migrations");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        MigrationsDir { path }
    }

    /// Add the versions of a fixture folder (tests/fixtures/<name>/versions)
    /// to the copy, their `SHIPPED_HEAD` placeholder (the down_revision)
    /// replaced by the head of the shipped set, as build.rs does for the
    /// failing build.
    pub fn overlay(self, fixture: &str) -> MigrationsDir {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture)
            .join("versions");
        let head = repo_head();
        for entry in std::fs::read_dir(&src).expect("fixture versions") {
            let p = entry.expect("entry").path();
            let text = std::fs::read_to_string(&p).expect("read fixture");
            std::fs::write(
                self.path
                    .join("versions")
                    .join(p.file_name().expect("name")),
                text.replace(SHIPPED_HEAD, &head),
            )
            .expect("write fixture");
        }
        self
    }

    /// Remove the version files of `revisions`.
    pub fn without_versions(self, revisions: &[&str]) -> MigrationsDir {
        for entry in std::fs::read_dir(self.path.join("versions")).expect("versions dir") {
            let p = entry.expect("entry").path();
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            if revisions.iter().any(|r| name.starts_with(&format!("{r}_"))) {
                std::fs::remove_file(&p).expect("remove version");
            }
        }
        self
    }
}

impl Drop for MigrationsDir {
    fn drop(&mut self) {
        if let Some(parent) = self.path.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

/// The placeholder a fixture of tests/fixtures/migrations_* writes as its
/// down_revision: the head of the shipped set, whatever it is.
pub const SHIPPED_HEAD: &str = "SHIPPED_HEAD";

/// The baseline revision of the shipped set (`migrations/baseline.sql`).
pub fn repo_baseline() -> String {
    let text = std::fs::read_to_string(repo_migrations().join("baseline.sql")).expect("baseline");
    header(&text, "revision")
}

/// Revisions of the shipped set's versions: (revision, down_revisions) from
/// the headers (the baseline is not one of them).
pub fn repo_graph() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo_migrations().join("versions")).expect("versions") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        let rev = header(&text, "revision");
        let down = header(&text, "down_revision")
            .split(',')
            .map(|s| s.trim().to_string())
            .collect();
        out.push((rev, down));
    }
    out
}

fn header(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("-- {key}:")))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("no {key} header"))
}

/// The head revision of the shipped set (the one no other names as parent;
/// the baseline if there are no versions).
pub fn repo_head() -> String {
    let g = repo_graph();
    if g.is_empty() {
        return repo_baseline();
    }
    let parents: Vec<&String> = g.iter().flat_map(|(_, d)| d.iter()).collect();
    let heads: Vec<&String> = g
        .iter()
        .map(|(r, _)| r)
        .filter(|r| !parents.contains(r))
        .collect();
    assert_eq!(heads.len(), 1, "one head");
    heads[0].clone()
}

impl Cluster {
    /// Like `start`, with the cluster's directory under `base` (a small file
    /// system a test mounted, say).
    pub fn start_in(base: &Path) -> Cluster {
        let dir = tmp_dir_in(base);
        let mut cp = as_owner("cp");
        cp.arg("-a")
            .arg(template().join("data"))
            .arg(dir.join("data"));
        run_ok(cp, "copy template cluster");
        let port = 20000
            + (std::process::id() % 1000) as u16 * 10
            + (COUNTER.fetch_add(1, Ordering::SeqCst) % 10) as u16;
        let cluster = Cluster { dir, port };
        cluster.pg_ctl_start();
        std::fs::create_dir_all(cluster.state_dir()).expect("state dir");
        cluster.write_config("");
        cluster
    }
}

/// Options of `scripts/make-1407-host`.
pub struct Host1407<'a> {
    /// `14.07` (asterisk at 161, xivo at 008) or `14.06` (xivo at 007).
    pub release: &'a str,
    /// `superuser-owned` (what a real host has: objects owned by the
    /// superuser, roles holding grants) or `role-owned`.
    pub layout: &'a str,
    pub fill: bool,
    pub queue_log_rows: u64,
    pub extra: &'a [&'a str],
}

/// Both layouts of a 14.07 host (docs/1407-layout.md).
pub const LAYOUTS_1407: [&str; 2] = ["superuser-owned", "role-owned"];

impl Default for Host1407<'_> {
    fn default() -> Self {
        Host1407 {
            release: "14.07",
            layout: "superuser-owned",
            fill: false,
            queue_log_rows: 0,
            extra: &[],
        }
    }
}

impl Cluster {
    /// Build a real 14.06 or 14.07 host (databases asterisk and xivo loaded
    /// from tests/fixtures/xivo-real, roles, state files) with the
    /// repository's fixture builder.
    pub fn make_1407_host(&self, opts: Host1407) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-1407-host");
        let mut c = Command::new(script);
        c.arg("--host").arg(&self.dir).args([
            "--port",
            &self.port.to_string(),
            "--superuser",
            &owner().name,
        ]);
        c.arg("--state-dir")
            .arg(self.state_dir())
            .args(["--release", opts.release])
            .args(["--layout", opts.layout]);
        if opts.fill {
            c.arg("--fill")
                .args(["--queue-log-rows", &opts.queue_log_rows.to_string()]);
        }
        c.args(opts.extra);
        run_ok(c, "make-1407-host");
    }

    /// Contents of a 14.07 state file, if present.
    pub fn state_file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.state_dir().join("update-db").join(name)).ok()
    }

    /// Every row of every user table, as text over the columns it has now:
    /// table -> multiset of rows.
    pub fn rows(&self, db: &str) -> std::collections::BTreeMap<String, (Vec<String>, Vec<String>)> {
        let mut out = std::collections::BTreeMap::new();
        let tables = self.psql(
            db,
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) || ' ' || \
                    string_agg(quote_ident(column_name), ',' ORDER BY ordinal_position) \
               FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
                AND (table_schema, table_name) IN (SELECT schemaname, tablename FROM pg_tables) \
              GROUP BY table_schema, table_name ORDER BY 1",
        );
        for line in tables.lines() {
            let (table, cols) = line.split_once(' ').expect("table and columns");
            let columns: Vec<String> = cols.split(',').map(String::from).collect();
            let mut rows: Vec<String> = self
                .psql_raw(db, &format!("COPY (SELECT {cols} FROM {table}) TO STDOUT"))
                .lines()
                .map(String::from)
                .collect();
            rows.sort();
            out.insert(table.to_string(), (columns, rows));
        }
        out
    }

    /// The rows of `table` over `columns`, sorted.
    pub fn rows_of(&self, db: &str, table: &str, columns: &[String]) -> Vec<String> {
        let mut rows: Vec<String> = self
            .psql_raw(
                db,
                &format!("COPY (SELECT {} FROM {table}) TO STDOUT", columns.join(",")),
            )
            .lines()
            .map(String::from)
            .collect();
        rows.sort();
        rows
    }

    /// psql output without trimming (COPY text keeps its tabs).
    pub fn psql_raw(&self, db: &str, sql: &str) -> String {
        run_ok(self.psql_cmd(db, sql), &format!("psql {sql}"))
    }

    /// Every sequence of `db` with its last value.
    pub fn sequences(&self, db: &str) -> std::collections::BTreeMap<String, i64> {
        self.psql(
            db,
            "SELECT schemaname || '.' || sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences ORDER BY 1",
        )
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(n, v)| (n.to_string(), v.parse().expect("number"))))
        .collect()
    }
}

/// Is every row of `before` (a multiset) in `after`?
pub fn missing_rows(before: &[String], after: &[String]) -> Vec<String> {
    let mut counts: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for r in after {
        *counts.entry(r).or_default() += 1;
    }
    let mut missing = Vec::new();
    for r in before {
        let c = counts.entry(r).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            missing.push(r.clone());
        }
    }
    missing
}

/// Write a test migration `versions/<rev>_test.sql` into a migrations copy.
pub fn add_version(dir: &Path, rev: &str, down: &str, body: &str) {
    let text =
        format!("-- revision: {rev}\n-- down_revision: {down}\n-- message: test {rev}\n\n{body}\n");
    std::fs::write(dir.join("versions").join(format!("{rev}_test.sql")), text)
        .expect("write version");
}

/// The first line where two dumps differ, for a readable assertion.
pub fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}: {x:?} vs {y:?}", i + 1);
        }
    }
    format!("lengths {} vs {}", a.lines().count(), b.lines().count())
}

/// `rev` and every revision it descends from, in `graph`.
fn ancestors(graph: &[(String, Vec<String>)], rev: &str) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![rev.to_string()];
    while let Some(r) = stack.pop() {
        if seen.insert(r.clone()) {
            if let Some((_, parents)) = graph.iter().find(|(x, _)| *x == r) {
                stack.extend(parents.iter().cloned());
            }
        }
    }
    seen
}

/// An "older package": the shipped set cut back to the revision every path
/// from its head goes through first (the nearest common ancestor of the
/// head's parents: the parent on a straight line, the fork point of a
/// merge), so that it has one head. Returns the set and that older head
/// (the baseline when the shipped set has a single version).
pub fn older_set() -> (MigrationsDir, String) {
    let head = repo_head();
    assert_ne!(head, repo_baseline(), "the shipped set has versions");
    let graph = repo_graph();
    let (_, parents) = graph
        .iter()
        .find(|(r, _)| *r == head)
        .expect("head in graph");
    let mut common: Option<std::collections::BTreeSet<String>> = None;
    for p in parents {
        let a = ancestors(&graph, p);
        common = Some(match common {
            None => a,
            Some(c) => c.intersection(&a).cloned().collect(),
        });
    }
    let common = common.expect("the head has a parent");
    // The deepest of the common ancestors: the one with the most ancestors.
    let older_head = common
        .iter()
        .max_by_key(|r| ancestors(&graph, r).len())
        .expect("a common ancestor")
        .clone();
    let keep = ancestors(&graph, &older_head);
    let drop: Vec<&str> = graph
        .iter()
        .map(|(r, _)| r.as_str())
        .filter(|r| !keep.contains(*r))
        .collect();
    let dir = MigrationsDir::copy_of_repo().without_versions(&drop);
    (dir, older_head)
}

/// Test-only versions on top of the shipped head, in the shape the engine
/// must handle whatever shape the shipped set has: a branch, a
/// non-transactional migration (`CREATE INDEX CONCURRENTLY`) on one side,
/// and a merge revision with two parents:
///
/// ```text
///   <shipped head>
///     └ ENGINE_REVS[0]  queuefeatures.engine_probe_mark, table engine_probe
///         └ ENGINE_REVS[1]  default rows of engine_probe
///             ├ ENGINE_ALONE  index on cel, CONCURRENTLY (transactional: false)
///             └ ENGINE_BRANCH  index on call_log
///                 ENGINE_MERGE (head)  merge of both + CHECK on the new column
/// ```
///
/// The bodies touch only their own objects and tables every XiVO 14.08
/// schema has (`queuefeatures`, `cel`, `call_log`).
pub const ENGINE_REVS: [&str; 5] = [
    "e9e9e9000001",
    "e9e9e9000002",
    "e9e9e9000003",
    "e9e9e9000004",
    "e9e9e9000005",
];
pub const ENGINE_ALONE: &str = ENGINE_REVS[2];
pub const ENGINE_BRANCH: &str = ENGINE_REVS[3];
pub const ENGINE_MERGE: &str = ENGINE_REVS[4];

/// The shipped set plus the test-only graph of `ENGINE_REVS`; its head is
/// `ENGINE_MERGE`.
pub fn engine_set() -> MigrationsDir {
    let dir = MigrationsDir::copy_of_repo();
    let [first, rows, alone, branch, merge] = ENGINE_REVS;
    add_version(
        &dir.path,
        first,
        &repo_head(),
        "ALTER TABLE queuefeatures ADD COLUMN engine_probe_mark INTEGER NOT NULL DEFAULT 0;\n\
         CREATE TABLE engine_probe (id integer PRIMARY KEY, tag text NOT NULL);",
    );
    add_version(
        &dir.path,
        rows,
        first,
        "INSERT INTO engine_probe VALUES (1, 'one'), (2, 'two');",
    );
    add_alone(
        &dir.path,
        alone,
        rows,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS cel__idx__engine_probe ON cel (eventtype);",
    );
    add_version(
        &dir.path,
        branch,
        rows,
        "CREATE INDEX call_log__idx__engine_probe ON call_log (date);",
    );
    add_version(
        &dir.path,
        merge,
        &format!("{alone}, {branch}"),
        "ALTER TABLE queuefeatures ADD CONSTRAINT queuefeatures_engine_probe_mark_check \
         CHECK (engine_probe_mark IN (0, 1));",
    );
    dir
}

/// Write a test migration that must run outside a transaction.
pub fn add_alone(dir: &Path, rev: &str, down: &str, body: &str) {
    let text = format!(
        "-- revision: {rev}\n-- down_revision: {down}\n-- message: test {rev}\n-- transactional: false\n\n{body}\n"
    );
    std::fs::write(dir.join("versions").join(format!("{rev}_test.sql")), text)
        .expect("write version");
}

pub mod ha;
pub mod host;

/// Rows of every table as `Cluster::rows` returns them.
pub type Rows = std::collections::BTreeMap<String, (Vec<String>, Vec<String>)>;

/// Every row of `before` (from `Cluster::rows`, of any database) is still in
/// `db`, compared over every column the table had before; tables named in
/// `skip` (our own bookkeeping) aside. Panics naming the table and a lost row.
pub fn assert_no_row_lost(c: &Cluster, db: &str, before: &Rows, skip: &[&str]) {
    for (table, (columns, rows)) in before {
        if skip.contains(&table.as_str()) {
            continue;
        }
        let after = c.rows_of(db, table, columns);
        let missing = missing_rows(rows, &after);
        assert!(
            missing.is_empty(),
            "{table}: {} of {} rows lost, e.g. {:?}",
            missing.len(),
            rows.len(),
            missing.first()
        );
    }
}

/// The tables XiVO 14.08's scripts drop, with their rows and sequences
/// (asterisk-166: operator, dundi, parking lot and voice menu tables;
/// xivo-009: iproute and server), as `UPGRADE_DROPPED` in
/// tests/e2e/testbed/lib.sh.
pub const UPGRADE_DROPPED: [&str; 8] = [
    "public.operator",
    "public.operator_destination",
    "public.operator_trunk",
    "public.outcalldundipeer",
    "public.parkinglot",
    "public.voicemenu",
    "public.iproute",
    "public.server",
];

/// The rows of `rows` (COPY text over `columns`) whose `column` holds `value`.
pub fn rows_where(columns: &[String], rows: &[String], column: &str, value: &str) -> Vec<String> {
    let i = columns
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("column {column} in {columns:?}"));
    rows.iter()
        .filter(|r| r.split('\t').nth(i) == Some(value))
        .cloned()
        .collect()
}

/// `before` (the rows of a 14.06/14.07 host) without what 14.08's scripts
/// remove on purpose: the tables they drop, and phonefunckey's meetme keys
/// (asterisk-163 makes them function keys). The caller checks after the
/// upgrade that those are gone (`assert_1408_removals_gone`).
pub fn without_1408_removals(before: &mut Rows) {
    for t in UPGRADE_DROPPED {
        before.remove(t);
    }
    if let Some((columns, rows)) = before.get_mut("public.phonefunckey") {
        let meetme = rows_where(columns, rows, "typeextenumbersright", "meetme");
        rows.retain(|r| !meetme.contains(r));
    }
}

/// The tables 14.08's scripts drop and the meetme keys are gone from `db`.
pub fn assert_1408_removals_gone(c: &Cluster, db: &str) {
    for t in UPGRADE_DROPPED {
        assert_eq!(
            c.psql(db, &format!("SELECT to_regclass('{t}') IS NULL")),
            "t",
            "{t} is dropped by 14.08's scripts"
        );
    }
    assert_eq!(
        c.psql(
            db,
            "SELECT count(*) FROM phonefunckey WHERE typeextenumbersright = 'meetme'"
        ),
        "0",
        "the meetme keys became function keys"
    );
}

/// Our bookkeeping tables, whose rows an upgrade changes by design.
pub const BOOKKEEPING: [&str; 2] = ["public.alembic_version", "public.xivo_manage_db_history"];

/// For a test that needs root: true (skip it, saying so) when not root and
/// a developer runs it by hand; a failure under the test command
/// (`XMDB_REQUIRE_ALL=1`, which `scripts/test` exports), where a skip must
/// never count as a pass.
pub fn skip_unless_root(why: &str) -> bool {
    if nix::unistd::Uid::effective().is_root() {
        return false;
    }
    assert!(
        std::env::var_os("XMDB_REQUIRE_ALL").is_none_or(|v| v != "1"),
        "{why} needs root, and XMDB_REQUIRE_ALL=1 makes a skip a failure: run the tests as root"
    );
    eprintln!("SKIPPED (not root): {why} needs root");
    true
}

/// Leave `column` of `table` out of `rows` (from `Cluster::rows`): for a
/// value an upgrade rewrites by design (14.07's xivo-122 turns
/// provisioning.net4_ip_rest '' into 127.0.0.1).
pub fn without_column(rows: &mut Rows, table: &str, column: &str) {
    let (columns, table_rows) = rows
        .get_mut(table)
        .unwrap_or_else(|| panic!("no table {table}"));
    let i = columns
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no column {column} in {table}"));
    columns.remove(i);
    for r in table_rows.iter_mut() {
        let mut fields: Vec<&str> = r.split('\t').collect();
        fields.remove(i);
        *r = fields.join("\t");
    }
    table_rows.sort();
}

impl Cluster {
    /// `db` is as `before` (a `fingerprint`) after a transaction that
    /// rolled back, with no snapshot involved: everything equal but the
    /// sequences, which may only have moved forward (nextval() is not undone
    /// by a rollback: gaps, never a value handed out twice).
    pub fn assert_as_before_a_rollback(&self, db: &str, before: &(String, Vec<String>)) {
        let after = self.fingerprint(db);
        assert!(
            after.0 == before.0,
            "{db}: schema or database settings changed: {}",
            first_difference(&before.0, &after.0)
        );
        let split = |sums: &[String]| -> (Vec<String>, BTreeMap<String, i64>) {
            let mut tables = Vec::new();
            let mut seqs = BTreeMap::new();
            for s in sums {
                match s.strip_prefix("sequence ") {
                    Some(rest) => {
                        let (name, v) = rest.rsplit_once(' ').expect("name and value");
                        seqs.insert(name.to_string(), v.parse().unwrap_or(0));
                    }
                    None => tables.push(s.clone()),
                }
            }
            (tables, seqs)
        };
        let (tables_before, seqs_before) = split(&before.1);
        let (tables_after, seqs_after) = split(&after.1);
        assert_eq!(tables_after, tables_before, "{db}: table contents changed");
        assert_eq!(
            seqs_after.keys().collect::<Vec<_>>(),
            seqs_before.keys().collect::<Vec<_>>(),
            "{db}: sequences added or removed"
        );
        for (name, v) in &seqs_before {
            assert!(
                seqs_after[name] >= *v,
                "{db}: sequence {name} went back from {v} to {}",
                seqs_after[name]
            );
        }
    }
}
use std::collections::BTreeMap;

/// Objects of the user schemas (and the database) not owned by asterisk.
pub const NOT_OWNED_BY_ASTERISK: &str = "SELECT count(*) FROM ( \
      SELECT datdba AS owner FROM pg_database WHERE datname = current_database() \
      UNION ALL SELECT relowner FROM pg_class WHERE relnamespace = 'public'::regnamespace \
      UNION ALL SELECT typowner FROM pg_type WHERE typnamespace = 'public'::regnamespace \
      UNION ALL SELECT proowner FROM pg_proc WHERE pronamespace = 'public'::regnamespace \
    ) o WHERE pg_get_userbyid(owner) <> 'asterisk'";

/// Run `cmd` with its stdin on a pseudo-terminal, `answer` typed into it
/// beforehand (the confirmation questions ask only on a terminal).
pub fn on_terminal(mut cmd: Command, answer: &str) -> Run {
    use std::io::Write as _;
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let mut master = std::fs::File::from(pty.master);
    master
        .write_all(answer.as_bytes())
        .expect("type the answer");
    cmd.stdin(Stdio::from(pty.slave));
    let out = cmd.output().expect("run binary");
    drop(master);
    Run::from(out)
}

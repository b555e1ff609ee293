//! The record of a snapshot, `$STATE_DIR/rollback/record`: which copies were
//! made of which databases, the roles as they were, whether state files were
//! copied, and how far the run got. Written (atomically, mode 0600: it holds
//! password hashes) *before* each database is copied, so a run killed at any
//! point leaves a record that names everything it may have created.
//!
//! The format is tab-separated lines, parsed strictly: a record we cannot read
//! stops the hook before anything changes.

use std::fmt;
use std::path::Path;

/// How far the run that wrote the record got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Copies are being made; some may be missing or absent.
    Creating,
    /// Every copy exists; the database has not been touched since.
    Ready,
    /// The upgrade started: the database may differ from the copies.
    Upgrading,
    /// The upgrade committed: the copies only wait to be dropped.
    Done,
    /// A rollback started: whoever finds this finishes it.
    RollingBack,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Creating => "creating",
            Phase::Ready => "ready",
            Phase::Upgrading => "upgrading",
            Phase::Done => "done",
            Phase::RollingBack => "rolling-back",
        }
    }

    fn parse(s: &str) -> Option<Phase> {
        match s {
            "creating" => Some(Phase::Creating),
            "ready" => Some(Phase::Ready),
            "upgrading" => Some(Phase::Upgrading),
            "done" => Some(Phase::Done),
            "rolling-back" => Some(Phase::RollingBack),
            _ => None,
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One database and its copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub database: String,
    /// Always a name of `super::name`'s shape (checked when parsed).
    pub snapshot: String,
    /// The database's own comment, put back on rollback (the copy carries ours).
    pub comment: Option<String>,
    /// Whether the database accepted connections (the copy never does).
    pub allow_connections: bool,
    /// The copy's oid, once made: what tells the copy from any database
    /// that merely has its name.
    pub oid: Option<u32>,
}

/// A role as `pg_authid` had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    /// SQL keywords: `LOGIN NOSUPERUSER INHERIT ...`.
    pub attributes: Vec<String>,
    pub connection_limit: i32,
    pub valid_until: Option<String>,
    /// The stored hash (SCRAM verifier or md5), never a clear password.
    pub password: Option<String>,
    /// The roles it is a member of, and whether with ADMIN OPTION.
    pub groups: Vec<(String, bool)>,
    /// The roles that are members of it, and whether with ADMIN OPTION.
    pub members: Vec<(String, bool)>,
    /// Its `ALTER ROLE ... [IN DATABASE db] SET` settings: the database
    /// (`None`: every database) and `name=value` as `pg_db_role_setting`
    /// holds it. Dropping the role drops them all: a rollback that creates
    /// it again needs them.
    pub settings: Vec<(Option<String>, String)>,
}

/// Role attribute keywords a record may carry: anything else is refused, so a
/// tampered record cannot smuggle SQL into CREATE ROLE.
pub const ATTRIBUTE_KEYWORDS: [&str; 14] = [
    "SUPERUSER",
    "NOSUPERUSER",
    "INHERIT",
    "NOINHERIT",
    "CREATEROLE",
    "NOCREATEROLE",
    "CREATEDB",
    "NOCREATEDB",
    "LOGIN",
    "NOLOGIN",
    "REPLICATION",
    "NOREPLICATION",
    "BYPASSRLS",
    "NOBYPASSRLS",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub phase: Phase,
    pub package_version: String,
    pub taken_at: String,
    pub copies: Vec<Copy>,
    pub roles: Vec<Role>,
    /// Whether `$STATE_DIR/update-db` existed (and was copied).
    pub state_files: bool,
}

const HEADER: &str = "# xivo-manage-db rollback snapshot record; written by the hooks, do not edit";

impl Record {
    /// The copies' names, for messages: `a, b`.
    pub fn names(&self) -> String {
        self.copies
            .iter()
            .map(|c| c.snapshot.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\nphase\t{}\n", self.phase);
        out.push_str(&format!(
            "package_version\t{}\n",
            escape(&self.package_version)
        ));
        out.push_str(&format!("taken_at\t{}\n", escape(&self.taken_at)));
        out.push_str(&format!(
            "state_files\t{}\n",
            if self.state_files { "copied" } else { "absent" }
        ));
        for c in &self.copies {
            out.push_str(&format!(
                "database\t{}\t{}\t{}\t{}\t{}\n",
                escape(&c.database),
                escape(&c.snapshot),
                opt(&c.comment),
                c.oid.map_or("-".to_string(), |o| o.to_string()),
                if c.allow_connections { "allow" } else { "deny" }
            ));
        }
        for r in &self.roles {
            out.push_str(&format!(
                "role\t{}\t{}\t{}\t{}\t{}\n",
                escape(&r.name),
                r.attributes.join(" "),
                r.connection_limit,
                opt(&r.valid_until),
                opt(&r.password)
            ));
            // After the role's line: the parser attaches them to it.
            for (kind, list) in [("role_group", &r.groups), ("role_member", &r.members)] {
                for (other, admin) in list {
                    out.push_str(&format!(
                        "{kind}\t{}\t{}\t{}\n",
                        escape(&r.name),
                        escape(other),
                        if *admin { "admin" } else { "-" }
                    ));
                }
            }
            for (db, setting) in &r.settings {
                out.push_str(&format!(
                    "role_setting\t{}\t{}\t{}\n",
                    escape(&r.name),
                    opt(db),
                    escape(setting)
                ));
            }
        }
        out
    }

    pub fn parse(text: &str) -> Result<Record, String> {
        let mut phase = None;
        let mut rec = Record {
            phase: Phase::Creating,
            package_version: String::new(),
            taken_at: String::new(),
            copies: Vec::new(),
            roles: Vec::new(),
            state_files: false,
        };
        for (i, line) in text.lines().enumerate() {
            let bad = |why: &str| format!("line {}: {why}", i + 1);
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            match (f[0], f.len()) {
                ("phase", 2) => {
                    phase = Some(Phase::parse(f[1]).ok_or_else(|| bad("unknown phase"))?)
                }
                ("package_version", 2) => rec.package_version = unescape(f[1]),
                ("taken_at", 2) => rec.taken_at = unescape(f[1]),
                ("state_files", 2) => rec.state_files = f[1] == "copied",
                ("database", 6) => {
                    let snapshot = unescape(f[2]);
                    if !super::name::is_snapshot(&snapshot) {
                        return Err(bad(&format!("'{snapshot}' is not the name of a snapshot")));
                    }
                    rec.copies.push(Copy {
                        database: unescape(f[1]),
                        snapshot,
                        comment: unopt(f[3]),
                        oid: match f[4] {
                            "-" => None,
                            o => Some(o.parse().map_err(|_| bad("bad oid"))?),
                        },
                        allow_connections: match f[5] {
                            "allow" => true,
                            "deny" => false,
                            _ => return Err(bad("bad connectability")),
                        },
                    })
                }
                ("role", 6) => {
                    let attributes: Vec<String> =
                        f[2].split_whitespace().map(String::from).collect();
                    if let Some(a) = attributes
                        .iter()
                        .find(|a| !ATTRIBUTE_KEYWORDS.contains(&a.as_str()))
                    {
                        return Err(bad(&format!("unknown role attribute '{a}'")));
                    }
                    rec.roles.push(Role {
                        name: unescape(f[1]),
                        attributes,
                        connection_limit: f[3].parse().map_err(|_| bad("bad connection limit"))?,
                        valid_until: unopt(f[4]),
                        password: unopt(f[5]),
                        groups: Vec::new(),
                        members: Vec::new(),
                        settings: Vec::new(),
                    })
                }
                (kind @ ("role_group" | "role_member" | "role_setting"), 4) => {
                    let name = unescape(f[1]);
                    // Right after the role's own line (as written).
                    let role =
                        rec.roles
                            .last_mut()
                            .filter(|r| r.name == name)
                            .ok_or_else(|| {
                                bad(&format!("{kind} of role '{name}' not after its role line"))
                            })?;
                    let admin = match f[3] {
                        "admin" => true,
                        "-" => false,
                        _ if kind == "role_setting" => false,
                        _ => return Err(bad("bad admin option")),
                    };
                    match kind {
                        "role_group" => role.groups.push((unescape(f[2]), admin)),
                        "role_member" => role.members.push((unescape(f[2]), admin)),
                        _ => role.settings.push((unopt(f[2]), unescape(f[3]))),
                    }
                }
                _ => return Err(bad(&format!("unexpected '{}'", f[0]))),
            }
        }
        rec.phase = phase.ok_or("no phase line")?;
        Ok(rec)
    }

    /// Read the record at `path`; `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Record>, String> {
        // Not read_to_string: a FIFO there would wait for a writer forever.
        match crate::fsutil::read_regular(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string())?;
                Record::parse(&text).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// `-` stands for "none"; a real value starting with `-` or `\` is escaped.
fn opt(v: &Option<String>) -> String {
    match v {
        None => "-".into(),
        Some(s) if s.starts_with('-') => format!("\\{}", escape(s)),
        Some(s) => escape(s),
    }
}

fn unopt(s: &str) -> Option<String> {
    match s {
        "-" => None,
        s => Some(unescape(
            s.strip_prefix('\\')
                .filter(|r| r.starts_with('-'))
                .unwrap_or(s),
        )),
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record {
            phase: Phase::Ready,
            package_version: "14.8.0".into(),
            taken_at: "20140808T101500Z".into(),
            copies: vec![
                Copy {
                    database: "asterisk".into(),
                    snapshot: "xivo_manage_db_snapshot_20140808T101500Z_main".into(),
                    comment: Some("a\ttabbed\nline \\ -x".into()),
                    allow_connections: true,
                    oid: Some(16384),
                },
                Copy {
                    database: "xivo".into(),
                    snapshot: "xivo_manage_db_snapshot_20140808T101500Z_xivo".into(),
                    comment: None,
                    allow_connections: false,
                    oid: None,
                },
            ],
            roles: vec![Role {
                name: "asterisk".into(),
                attributes: vec!["LOGIN".into(), "NOSUPERUSER".into()],
                connection_limit: -1,
                valid_until: None,
                password: Some("SCRAM-SHA-256$4096:abc$def:ghi".into()),
                groups: vec![("fixture\tgroup".into(), false), ("g2".into(), true)],
                members: vec![("-m".into(), true)],
                settings: vec![
                    (None, "search_path=\"$user\", public".into()),
                    (Some("asterisk".into()), "statement_timeout=17min".into()),
                ],
            }],
            state_files: true,
        }
    }

    #[test]
    fn round_trip() {
        let r = sample();
        assert_eq!(Record::parse(&r.to_text()).expect("parses"), r);
        let mut dash = sample();
        dash.copies[1].comment = Some("-".into());
        assert_eq!(Record::parse(&dash.to_text()).expect("parses"), dash);
    }

    #[test]
    fn tampered_attributes_are_refused() {
        let text = sample()
            .to_text()
            .replace("LOGIN NOSUPERUSER", "LOGIN; DROP TABLE x");
        let e = Record::parse(&text).expect_err("refused");
        assert!(e.contains("unknown role attribute"), "{e}");
        assert!(Record::parse("phase\tready\nbogus\tx\n").is_err());
        assert!(Record::parse("database\ta\tb\t-\n").is_err(), "no phase");
        // A record cannot name the live database as the copy to drop.
        let live = sample()
            .to_text()
            .replace("xivo_manage_db_snapshot_20140808T101500Z_main", "asterisk");
        let e = Record::parse(&live).expect_err("refused");
        assert!(
            e.contains("'asterisk' is not the name of a snapshot"),
            "{e}"
        );
    }
}

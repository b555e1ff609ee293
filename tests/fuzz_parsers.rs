//! Property tests (proptest: the toolchain is stable, so no cargo fuzz) of
//! the parsers that read untrusted-ish input: the config file, the 14.07
//! state files, the snapshot record, the migration headers and the
//! migration set. Properties: no panic on arbitrary input (bytes or text),
//! and a value written as its writer writes it parses back to the same
//! value. The stopped-services list is covered by the unit tests next to
//! it (its module is private).
//!
//! `PROPTEST_CASES` sets the number of cases (default 256: a few seconds);
//! `scripts/fuzz` runs them with 100,000.

use std::path::Path;

use proptest::prelude::*;

use xivo_manage_db::config::Config;
use xivo_manage_db::legacy::LegacyScripts;
use xivo_manage_db::migrations::source::RawFile;
use xivo_manage_db::migrations::{Migration, MigrationSet};
use xivo_manage_db::snapshot::record::{Copy, Role, ATTRIBUTE_KEYWORDS};
use xivo_manage_db::snapshot::{Phase, Record};

/// `value` as the config file format quotes it (double quotes, with `\`,
/// `"`, `$` and `` ` `` escaped).
fn config_quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for ch in value.chars() {
        if matches!(ch, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// Text that looks like a config file: known keys, quotes, comments, junk.
fn configish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just(String::new()),
        "#[^\n]{0,20}",
        "(export )?(DB_NAME|DB_OWNER|DB_PASSWORD|STATE_DIR|LOCK_TIMEOUT|SERVICES|ADMIN_URI|SERVICE_COMMAND|X)=[^\n]{0,30}",
        "[A-Z_]{1,10}=['\"][^\n]{0,20}['\"]?( #[^\n]*)?",
        "[^\n]{0,40}",
    ];
    prop::collection::vec(line, 0..8).prop_map(|v| v.join("\n"))
}

/// A value a name may take in the config: any text without NUL or line ends.
fn name_value() -> impl Strategy<Value = String> {
    "[^\u{0}\n\r]{1,20}".prop_filter("at most 63 bytes", |s| s.len() <= 63)
}

fn record_text() -> impl Strategy<Value = String> {
    "[^\t\n\r\\\\]{0,12}"
}

fn snapshot_name() -> impl Strategy<Value = String> {
    (0u32..100000, prop::bool::ANY).prop_map(|(n, main)| {
        format!(
            "xivo_manage_db_snapshot_2014{:04}T{:06}Z_{}",
            101 + n % 1100,
            n,
            if main { "main" } else { "xivo" }
        )
    })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\t\n\\\\a-z-]{0,30}".prop_map(String::from)
    ]
}

fn record() -> impl Strategy<Value = Record> {
    let phase = prop_oneof![
        Just(Phase::Creating),
        Just(Phase::Ready),
        Just(Phase::Upgrading),
        Just(Phase::Done),
        Just(Phase::RollingBack),
    ];
    let copy = (
        any_text(),
        snapshot_name(),
        prop::option::of(any_text()),
        any::<bool>(),
        prop::option::of(any::<u32>()),
    )
        .prop_map(
            |(database, snapshot, comment, allow_connections, oid)| Copy {
                database,
                snapshot,
                comment,
                allow_connections,
                oid,
            },
        );
    let role = (
        any_text(),
        prop::collection::vec(prop::sample::select(ATTRIBUTE_KEYWORDS.to_vec()), 0..5),
        any::<i32>(),
        prop::option::of(any_text()),
        prop::option::of(any_text()),
        prop::collection::vec((any_text(), any::<bool>()), 0..3),
        prop::collection::vec((any_text(), any::<bool>()), 0..3),
        prop::collection::vec((prop::option::of(any_text()), any_text()), 0..3),
    )
        .prop_map(
            |(
                name,
                attributes,
                connection_limit,
                valid_until,
                password,
                groups,
                members,
                settings,
            )| {
                Role {
                    name,
                    attributes: attributes.into_iter().map(String::from).collect(),
                    connection_limit,
                    valid_until,
                    password,
                    groups,
                    members,
                    settings,
                }
            },
        );
    (
        phase,
        record_text(),
        record_text(),
        prop::collection::vec(copy, 0..3),
        prop::collection::vec(role, 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(phase, package_version, taken_at, copies, roles, state_files)| Record {
                phase,
                package_version,
                taken_at,
                copies,
                roles,
                state_files,
            },
        )
}

/// A migration file's header as the repository writes them.
fn header(rev: &str, down: &str, message: &str, transactional: Option<bool>) -> String {
    let mut h = format!("-- revision: {rev}\n-- down_revision: {down}\n-- message: {message}\n");
    if let Some(t) = transactional {
        h.push_str(&format!("-- transactional: {t}\n"));
    }
    h
}

proptest! {
    #[test]
    fn config_parser_never_panics_on_any_text(text in any::<String>()) {
        let _ = Config::parse(Path::new("/fuzz/config"), &text);
    }

    #[test]
    fn config_parser_never_panics_on_config_like_text(text in configish()) {
        let _ = Config::parse(Path::new("/fuzz/config"), &text);
    }

    #[test]
    fn config_values_written_quoted_read_back_the_same(
        db in name_value(),
        owner in name_value(),
        password in "[^\u{0}\n\r]{1,40}",
        services in prop::collection::vec("[a-z][a-z0-9.-]{0,12}", 0..5),
        timeout in any::<u32>(),
    ) {
        prop_assume!(!db.starts_with("xivo_manage_db_snapshot_") && db != "xivo");
        prop_assume!(owner != "public" && owner != "none" && !owner.starts_with("pg_"));
        let text = format!(
            "# fuzz\nDB_NAME={}\nexport DB_OWNER={}   # comment\nDB_PASSWORD={}\nSERVICES={}\nLOCK_TIMEOUT={timeout}\n",
            config_quoted(&db),
            config_quoted(&owner),
            config_quoted(&password),
            config_quoted(&services.join(" ")),
        );
        let c = Config::parse(Path::new("/fuzz/config"), &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&c.db_name, &db);
        prop_assert_eq!(&c.db_owner, &owner);
        prop_assert_eq!(&c.db_password, &password);
        prop_assert_eq!(&c.services, &services);
        prop_assert_eq!(c.lock_timeout.as_secs(), u64::from(timeout));
    }

    #[test]
    fn record_parser_never_panics(text in any::<String>()) {
        let _ = Record::parse(&text);
    }

    #[test]
    fn record_parser_never_panics_on_record_like_text(
        lines in prop::collection::vec(
            prop_oneof![
                "(phase|database|role|state_files|taken_at)(\t[^\t\n]{0,10}){0,6}",
                "[^\n]{0,30}",
            ],
            0..8,
        )
    ) {
        let _ = Record::parse(&lines.join("\n"));
    }

    #[test]
    fn a_written_record_reads_back_the_same(rec in record()) {
        let text = rec.to_text();
        let back = Record::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, rec);
    }

    #[test]
    fn migration_header_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Migration::parse("versions/abc_x.sql", &bytes);
    }

    #[test]
    fn migration_header_parser_never_panics_on_header_like_text(
        lines in prop::collection::vec(
            prop_oneof![
                "-- (revision|down_revision|message|transactional):[^\n]{0,20}",
                "[^\n]{0,30}",
                Just("\u{feff}".to_string()),
            ],
            0..8,
        ),
        crlf in any::<bool>(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let _ = Migration::parse("versions/abc_x.sql", text.as_bytes());
    }

    #[test]
    fn a_written_migration_header_reads_back_the_same(
        rev in "[0-9a-f]{12}",
        downs in prop::collection::vec("[0-9a-f]{12}", 1..3),
        message in "[a-zA-Z0-9 .,:_()-]{1,40}",
        transactional in prop::option::of(any::<bool>()),
        body in "[a-zA-Z0-9 ;()\n]{0,80}",
    ) {
        let message = message.trim().to_string();
        prop_assume!(!message.is_empty());
        let text = format!("{}\n{body}", header(&rev, &downs.join(", "), &message, transactional));
        let m = Migration::parse(&format!("versions/{rev}_x.sql"), text.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(m.revision(), rev.as_str());
        prop_assert_eq!(m.down_revisions(), &downs[..]);
        prop_assert_eq!(m.message(), message.as_str());
        prop_assert_eq!(m.transactional(), transactional.unwrap_or(true));
    }

    #[test]
    fn migration_set_validation_never_panics(
        files in prop::collection::vec(
            (
                prop_oneof![
                    Just("baseline.sql".to_string()),
                    "versions/[0-9a-f]{2}_[a-z]{1,3}\\.sql",
                    "versions/[a-z/]{0,6}",
                ],
                prop::collection::vec(
                    prop_oneof![
                        "-- revision: [0-9a-f]{2}",
                        "-- down_revision: (None|[0-9a-f]{2}(, [0-9a-f]{2})?)",
                        "-- message: [a-z ]{0,10}",
                        "-- transactional: (true|false|maybe)",
                        "[^\n]{0,20}",
                    ],
                    0..6,
                ),
            ),
            0..6,
        )
    ) {
        let raw: Vec<RawFile> = files
            .into_iter()
            .map(|(name, lines)| RawFile { name, bytes: lines.join("\n").into_bytes() })
            .collect();
        let _ = MigrationSet::from_files(&raw);
    }
}

/// The 14.07 state files, read by `LegacyScripts::read_levels` from a
/// directory: any bytes give a level or an error, never a panic, and a
/// level written as 14.07 wrote it (with or without its newline, with
/// spaces) reads back.
fn levels_from(dir: &Path, asterisk: &[u8], xivo: &[u8]) -> Result<(u32, u32), String> {
    let update_db = dir.join("update-db");
    std::fs::create_dir_all(&update_db).map_err(|e| e.to_string())?;
    std::fs::write(update_db.join("asterisk-last"), asterisk).map_err(|e| e.to_string())?;
    std::fs::write(update_db.join("xivo-last"), xivo).map_err(|e| e.to_string())?;
    let mut config = Config::defaults(dir.join("config"));
    config.state_dir = dir.to_path_buf();
    let scripts = LegacyScripts::load(&config).map_err(|e| e.to_string())?;
    scripts
        .read_levels(&config)
        .map(|l| (l.asterisk, l.xivo))
        .map_err(|e| e.to_string())
}

fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("xmdb-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

proptest! {
    #[test]
    fn state_file_reader_never_panics(
        asterisk in prop::collection::vec(any::<u8>(), 0..64),
        xivo in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let _ = levels_from(&scratch(), &asterisk, &xivo);
    }

    #[test]
    fn a_written_state_file_reads_back_the_same(
        release in 0usize..2,
        suffix in any::<bool>(),
        newline in any::<bool>(),
        pad in "[ \t]{0,3}",
    ) {
        // The levels of 14.06 and 14.07, as their updater wrote them
        // (`161.sql`) or bare.
        let (asterisk, xivo) = [(161u32, 7u32), (161, 8)][release];
        let end = if newline { "\n" } else { "" };
        let suffix = if suffix { ".sql" } else { "" };
        let a = format!("{pad}{asterisk}{suffix}{pad}{end}");
        let x = format!("{xivo:03}{suffix}{end}");
        let got = levels_from(&scratch(), a.as_bytes(), x.as_bytes())
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(got, (asterisk, xivo));
    }
}

// ---------------------------------------------- config values as sh reads them

/// What `sh` makes of `DB_PASSWORD=<word>` (None: sh fails on it).
fn sh_reads(word: &str) -> Option<String> {
    let script = format!("DB_PASSWORD={word}\nprintf %s \"$DB_PASSWORD\"\n");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .env_clear()
        .output()
        .expect("run sh");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).expect("utf-8"))
}

fn password_of(word: &str) -> Result<String, String> {
    Config::parse(Path::new("/fuzz/config"), &format!("DB_PASSWORD={word}\n"))
        .map(|c| c.db_password)
        .map_err(|e| e.to_string())
}

/// `value` quoted for sh the way `printf %q`-style tools quote it: single
/// quotes, each `'` written `'\''`.
fn sh_single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[test]
fn config_values_are_read_as_sh_reads_them() {
    for word in [
        r#"'p'\''a"ss\w;rd $x'"#,
        r#""a\"b\\c\$d\`e""#,
        r#"ab'c d'"e f"g"#,
        r"a\ b\x\;",
        "\"two\\\nlines\"",
        "'kept\nnewline'",
        "un\\\nquoted",
        r#""dollar $ alone""#,
        "x$",
        "'a' # comment",
        r#""back\slash""#,
    ] {
        let want = sh_reads(word).unwrap_or_else(|| panic!("sh refused {word:?}"));
        assert_eq!(password_of(word), Ok(want), "{word:?}");
    }
    assert_eq!(
        password_of(r#"'p'\''a"ss\w;rd $x'"#).as_deref(),
        Ok(r#"p'a"ss\w;rd $x"#)
    );
}

#[test]
fn config_values_sh_would_expand_are_refused_naming_key_and_line() {
    for word in [
        "$x",
        "a${x}",
        "$(id)",
        "`id`",
        r#""$HOME""#,
        r#""`id`""#,
        r#""$(id)""#,
        "a;b",
        "a|b",
        "a&b",
        "a>b",
        "(a)",
        "'open",
        "\"open",
        "ends\\",
        "a b",
    ] {
        let text = format!("# first\nDB_PASSWORD={word}\n");
        let e = Config::parse(Path::new("/fuzz/config"), &text)
            .err()
            .unwrap_or_else(|| panic!("accepted {word:?}"))
            .to_string();
        assert!(
            e.starts_with("config file /fuzz/config line 2: DB_PASSWORD: "),
            "{word:?}: {e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
        assert!(
            e.contains("single quotes") || e.contains("close the quote"),
            "{word:?}: {e}"
        );
        // Never the value itself (it is a password).
        if word.len() > 3 {
            assert!(!e.contains(word), "{word:?}: {e}");
        }
    }
}

proptest! {
    #[test]
    fn config_values_single_quoted_for_sh_read_back_the_same(
        password in "[^\u{0}\n\r]{1,40}",
    ) {
        prop_assert_eq!(password_of(&sh_single_quoted(&password)), Ok(password));
    }

    #[test]
    fn config_values_accepted_are_what_sh_reads(word in "[a-z'\"\\\\$ #;]{1,12}") {
        if let Ok(ours) = password_of(&word) {
            prop_assert_eq!(Some(ours), sh_reads(&word), "{:?}", word);
        }
    }
}

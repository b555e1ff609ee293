//! The one binary under its names (src/multicall/): each command and
//! maintainer script answers as itself when called by its name, as the
//! package installs it (symlinks in /usr/sbin, copies in DEBIAN/, dpkg's
//! `info/xivo-manage-db.<script>`), and any other name is refused with the
//! list of names, exit 2. No cluster: nothing here reaches a database.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{bin_path, multicall_binary, names_dir, Run, NAMES};

/// A symlink to the binary named `name`, next to the test process's others.
fn link(name: &str) -> PathBuf {
    let path = names_dir().join(name);
    if !path.exists() {
        std::os::unix::fs::symlink(multicall_binary(), &path).expect("symlink");
    }
    path
}

fn run(path: &Path, args: &[&str]) -> Run {
    Command::new(path)
        .args(args)
        // What each name does must not depend on dpkg's environment.
        .env_remove("DPKG_MAINTSCRIPT_NAME")
        .env(
            "XIVO_MANAGE_DB_CONFIG",
            "/nonexistent/xivo-manage-db-test-config",
        )
        .output()
        .expect("run the binary")
        .into()
}

#[test]
fn an_unknown_name_lists_the_names_and_exits_2() {
    for name in [
        "xivo-frobnicate-db",
        "xivo-manage-db-multicall",
        "postinst.dpkg-new",
    ] {
        let r = run(&link(name), &["status"]);
        r.assert_code(2);
        assert_eq!(r.stdout, "", "{name}");
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: one line, got {:?}", r.stderr);
        assert!(
            lines[0].contains(&format!("'{}'", names_dir().join(name).display())),
            "{name}: {}",
            lines[0]
        );
        for n in NAMES {
            assert!(
                lines[0].contains(n),
                "{name}: {n} missing from {}",
                lines[0]
            );
        }
    }
}

/// The package's version as debian/changelog has it (`14.08`), the one
/// every command displays.
fn package_version() -> String {
    let changelog =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("debian/changelog"))
            .expect("debian/changelog");
    let first = changelog.lines().next().expect("a first line");
    first
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(v, _)| v.to_string())
        .expect("a version in the first line")
}

#[test]
fn each_command_answers_version_and_help_under_its_own_name() {
    let version = package_version();
    assert_eq!(version, "14.08");
    for name in [
        "xivo-init-db",
        "xivo-update-db",
        "xivo-manage-db",
        "xivo-check-db",
    ] {
        for flag in ["--version", "-V"] {
            let r = run(&bin_path(name), &[flag]);
            r.assert_code(0);
            assert_eq!(r.stdout, format!("{name} {version}\n"), "{name} {flag}");
            assert_eq!(r.stderr, "", "{name} {flag}");
        }
        if name == "xivo-check-db" {
            continue;
        }
        let r = run(&bin_path(name), &["--help"]);
        r.assert_code(0);
        assert!(
            r.stdout.contains(&format!("Usage: {name}")),
            "{name}: {}",
            r.stdout
        );
        // A usage error is exit 2, nothing attempted, and names the command.
        let r = run(&bin_path(name), &["--no-such-option"]);
        r.assert_code(2);
        assert!(
            r.stderr.contains(&format!("Usage: {name}")),
            "{name}: {}",
            r.stderr
        );
    }
    let r = run(&bin_path("xivo-init-db"), &["--help"]);
    for option in ["--drop", "--init", "--verbose"] {
        assert!(r.stdout.contains(option), "xivo-init-db --help: {option}");
    }
    let r = run(&bin_path("xivo-manage-db"), &["--help"]);
    for command in [
        "status",
        "history",
        "migrations",
        "replication-exclusions",
        "show",
        "rollback",
    ] {
        assert!(
            r.stdout.contains(command),
            "xivo-manage-db --help: {command}"
        );
    }
}

#[test]
fn xivo_check_db_keeps_its_usage_and_exit_codes() {
    let r = run(&bin_path("xivo-check-db"), &["--help"]);
    r.assert_code(0);
    assert!(
        r.stderr
            .starts_with("usage: xivo-check-db [-q] [--version]\n"),
        "{}",
        r.stderr
    );
    run(&bin_path("xivo-check-db"), &["now"]).assert_code(2);
    let r = run(&bin_path("xivo-check-db"), &["--", "now"]);
    r.assert_code(2);
    assert_eq!(
        r.stderr,
        "xivo-check-db: error: unexpected argument 'now' (Usage: xivo-check-db [-q] [--version], without other arguments)\n"
    );
    // No argument, or only `--`: the check itself, which reads the config
    // first; a bad one is one line on stderr and nothing on stdout.
    for args in [&[][..], &["--"][..]] {
        let r = run(&bin_path("xivo-check-db"), args);
        r.assert_code(2);
        assert_eq!(r.stdout, "", "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("xivo-check-db: error: "),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("/nonexistent/xivo-manage-db-test-config"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn every_command_runs_as_itself_whatever_dpkg_maintscript_name_says() {
    // A maintainer script's environment reaches whatever it runs; the name
    // alone decides.
    let r: Run = Command::new(bin_path("xivo-check-db"))
        .env("DPKG_MAINTSCRIPT_NAME", "postinst")
        .env(
            "XIVO_MANAGE_DB_CONFIG",
            "/nonexistent/xivo-manage-db-test-config",
        )
        .output()
        .expect("run")
        .into();
    r.assert_code(2);
    assert!(r.stderr.starts_with("xivo-check-db: "), "{}", r.stderr);
}

#[test]
fn each_maintainer_script_answers_as_itself_under_dpkgs_names() {
    for hook in ["preinst", "postinst", "prerm", "postrm"] {
        // DEBIAN/<hook> and dpkg's tmp.ci/<hook>, and dpkg's database copy.
        for path in [bin_path(hook), link(&format!("xivo-manage-db.{hook}"))] {
            let r = run(&path, &["no-such-action"]);
            assert_ne!(r.code, 0, "{}", path.display());
            assert_eq!(
                r.stderr,
                format!("{hook} called with unknown argument 'no-such-action'\n"),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn a_mistyped_subcommand_or_option_gets_a_did_you_mean_on_its_one_line() {
    for (bin, args, want) in [
        (
            "xivo-manage-db",
            &["histroy"][..],
            "xivo-manage-db: error: unrecognized subcommand 'histroy'; a similar subcommand exists: 'history' \
             (Usage: xivo-manage-db [OPTIONS] <COMMAND>; see xivo-manage-db --help)\n",
        ),
        (
            "xivo-manage-db",
            &["rollback", "stauts"][..],
            "xivo-manage-db: error: unrecognized subcommand 'stauts'; a similar subcommand exists: 'status' \
             (Usage: xivo-manage-db rollback [OPTIONS] <COMMAND>; see xivo-manage-db --help)\n",
        ),
        (
            "xivo-update-db",
            &["--dry-rn"][..],
            "xivo-update-db: error: unexpected argument '--dry-rn' found; a similar argument exists: '--dry-run' \
             (Usage: xivo-update-db [OPTIONS]; see xivo-update-db --help)\n",
        ),
        (
            "xivo-manage-db",
            &["queue-log", "stats", "--jsno"][..],
            "xivo-manage-db: error: unexpected argument '--jsno' found; a similar argument exists: '--json' \
             (Usage: xivo-manage-db queue-log stats [OPTIONS]; see xivo-manage-db --help)\n",
        ),
        (
            "xivo-manage-db",
            &["frobnicate"][..],
            "xivo-manage-db: error: unrecognized subcommand 'frobnicate' \
             (Usage: xivo-manage-db [OPTIONS] <COMMAND>; see xivo-manage-db --help)\n",
        ),
    ] {
        let r = run(&bin_path(bin), args);
        r.assert_code(2);
        assert_eq!(r.stderr, want, "{args:?}");
        assert_eq!(r.stdout, "");
    }
}

/// The completion files the package installs (debian/completions/) are what
/// clap_complete generates from the command lines as they are now: rewrite
/// them with `cargo run --example completions -- debian/completions`.
#[test]
fn the_shipped_shell_completions_match_the_command_lines() {
    use clap_complete::{generate, Shell};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("debian/completions");
    let definitions = xivo_manage_db::multicall::commands::definitions();
    assert_eq!(definitions.len(), 4);
    for (shell, sub, prefix) in [(Shell::Bash, "bash", ""), (Shell::Zsh, "zsh", "_")] {
        for (name, mut command) in xivo_manage_db::multicall::commands::definitions() {
            let mut want = Vec::new();
            generate(shell, &mut command, name, &mut want);
            let path = dir.join(sub).join(format!("{prefix}{name}"));
            let have = std::fs::read(&path).unwrap_or_default();
            assert!(
                have == want,
                "{} is stale: run cargo run --example completions -- debian/completions",
                path.display()
            );
        }
    }
    // Every subcommand of xivo-manage-db is offered by bash.
    let bash = std::fs::read_to_string(dir.join("bash/xivo-manage-db")).expect("bash");
    for sub in [
        "history",
        "migrations",
        "validate",
        "repair",
        "rollback",
        "queue-log",
    ] {
        assert!(bash.contains(sub), "{sub}");
    }
}

//! The arguments dpkg gives each maintainer script (Debian Policy 6.5; the
//! version arguments vary with the dpkg release, so they are taken as they
//! come). Anything else is refused before the hook does anything.

use std::fmt;

/// The four maintainer scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    Preinst,
    Postinst,
    Prerm,
    Postrm,
}

impl Hook {
    pub fn name(self) -> &'static str {
        match self {
            Hook::Preinst => "preinst",
            Hook::Postinst => "postinst",
            Hook::Prerm => "prerm",
            Hook::Postrm => "postrm",
        }
    }

    /// Every first argument Policy gives this script.
    pub fn verbs(self) -> &'static [&'static str] {
        match self {
            Hook::Preinst => &["install", "upgrade", "abort-upgrade"],
            Hook::Postinst => &[
                "configure",
                "abort-upgrade",
                "abort-remove",
                "abort-deconfigure",
            ],
            Hook::Prerm => &["remove", "upgrade", "deconfigure", "failed-upgrade"],
            Hook::Postrm => &[
                "remove",
                "purge",
                "upgrade",
                "disappear",
                "failed-upgrade",
                "abort-install",
                "abort-upgrade",
            ],
        }
    }
}

/// One call: the script, its first argument, and the rest (versions,
/// `in-favour <package> <version>`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub hook: Hook,
    pub verb: &'static str,
    pub rest: Vec<String>,
}

impl Invocation {
    /// The n-th argument after the verb, if dpkg gave it.
    pub fn arg(&self, n: usize) -> Option<&str> {
        self.rest
            .get(n)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

impl fmt::Display for Invocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.hook.name(), self.verb)?;
        for a in &self.rest {
            write!(f, " {a}")?;
        }
        Ok(())
    }
}

/// An argument the script does not know; the message is what Debian's own
/// scripts print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownArgument {
    pub hook: Hook,
    pub arg: String,
}

impl fmt::Display for UnknownArgument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} called with unknown argument '{}'",
            self.hook.name(),
            self.arg
        )
    }
}

/// Parse the arguments after the program name.
pub fn parse(hook: Hook, args: &[String]) -> Result<Invocation, UnknownArgument> {
    let first = args.first().map(String::as_str).unwrap_or("");
    match hook.verbs().iter().find(|v| **v == first) {
        Some(verb) => Ok(Invocation {
            hook,
            verb,
            rest: args[1..].to_vec(),
        }),
        None => Err(UnknownArgument {
            hook,
            arg: first.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn policy_arguments_are_accepted() {
        let i = parse(Hook::Preinst, &v(&["upgrade", "14.07", "14.08"])).expect("ok");
        assert_eq!(
            (i.verb, i.arg(0), i.arg(1)),
            ("upgrade", Some("14.07"), Some("14.08"))
        );
        let i = parse(Hook::Postinst, &v(&["configure", ""])).expect("ok");
        assert_eq!(i.arg(0), None, "first configure has an empty version");
        parse(
            Hook::Postinst,
            &v(&[
                "abort-deconfigure",
                "in-favour",
                "p",
                "1",
                "removing",
                "q",
                "2",
            ]),
        )
        .expect("ok");
    }

    /// Debian Policy 6.5's calls, written out by hand (not read from the
    /// table under test): each hook takes exactly these first arguments and
    /// refuses every other hook's.
    #[test]
    fn every_policy_verb_and_only_those_per_hook() {
        let policy: [(Hook, &[&str]); 4] = [
            (Hook::Preinst, &["install", "upgrade", "abort-upgrade"]),
            (
                Hook::Postinst,
                &[
                    "configure",
                    "abort-upgrade",
                    "abort-remove",
                    "abort-deconfigure",
                ],
            ),
            (
                Hook::Prerm,
                &["remove", "upgrade", "deconfigure", "failed-upgrade"],
            ),
            (
                Hook::Postrm,
                &[
                    "remove",
                    "purge",
                    "upgrade",
                    "disappear",
                    "failed-upgrade",
                    "abort-install",
                    "abort-upgrade",
                ],
            ),
        ];
        // Every Policy verb, plus words no hook of this package takes
        // (`triggered`: the package declares no triggers).
        let mut every: Vec<&str> = policy
            .iter()
            .flat_map(|(_, vs)| vs.iter().copied())
            .collect();
        every.extend(["triggered", "bogus", "", "Configure", "configure "]);
        for (hook, verbs) in policy {
            for verb in &every {
                let got = parse(hook, &v(&[verb, "14.07"]));
                if verbs.contains(verb) {
                    let i = got.unwrap_or_else(|e| panic!("{} {verb}: {e}", hook.name()));
                    assert_eq!((i.hook, i.verb, i.arg(0)), (hook, *verb, Some("14.07")));
                } else {
                    assert_eq!(
                        got.map_err(|e| e.to_string()),
                        Err(format!(
                            "{} called with unknown argument '{verb}'",
                            hook.name()
                        )),
                    );
                }
            }
        }
    }

    #[test]
    fn anything_else_is_refused_with_the_debian_message() {
        let e = parse(Hook::Prerm, &v(&["purge"])).expect_err("prerm has no purge");
        assert_eq!(e.to_string(), "prerm called with unknown argument 'purge'");
        let e = parse(Hook::Postinst, &[]).expect_err("no argument");
        assert_eq!(e.to_string(), "postinst called with unknown argument ''");
        assert!(parse(Hook::Preinst, &v(&["configure"])).is_err());
        assert!(parse(Hook::Postrm, &v(&["Purge"])).is_err());
    }
}

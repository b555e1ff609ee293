//! The question an administrator answers before a command throws data
//! away (`xivo-init-db --drop`, `rollback finish`, `restore`): asked on
//! stderr only when stdin is a terminal, skipped by `--yes`. Scripts, cron
//! and the maintainer scripts (stdin never a terminal there, and they never
//! call this) are never asked.

use std::io::{BufRead, IsTerminal, Write};

use crate::error::Error;

/// Go on when `yes`, when stdin is not a terminal, or when the answer is
/// `y` or `yes`; anything else (end of input included) refuses, nothing done.
pub fn confirm(question: &str, yes: bool) -> Result<(), Error> {
    let stdin = std::io::stdin();
    if yes || !stdin.is_terminal() {
        return Ok(());
    }
    let mut err = std::io::stderr();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    if stdin.lock().read_line(&mut answer).is_err() {
        answer.clear();
    }
    if accepts(&answer) {
        Ok(())
    } else {
        Err(Error::Refused(
            "not confirmed: nothing was done (--yes skips the question)".into(),
        ))
    }
}

fn accepts(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn only_yes_goes_on() {
        for a in ["y\n", "Y", " yes \n", "YES"] {
            assert!(accepts(a), "{a:?}");
        }
        for a in ["", "\n", "n\n", "no", "yep", "oui", "y es"] {
            assert!(!accepts(a), "{a:?}");
        }
    }
}

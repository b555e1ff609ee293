//! "Did you mean": the known subcommand or long option closest to a
//! mistyped one (at most two edits away), for the one usage-error line.
//! Ours rather than clap's `suggestions` feature: a few lines instead of a
//! dependency and clap's code for it, in a binary with a size budget.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// `a similar subcommand exists: 'history'`, or `None`. `usage` (clap's,
/// `xivo-manage-db rollback <COMMAND>`) says which subcommand the error is
/// in: only its own subcommands or options are candidates.
pub fn tip(e: &clap::Error, command: &clap::Command, usage: &str) -> Option<String> {
    let (kind, what) = match e.kind() {
        ErrorKind::InvalidSubcommand => (ContextKind::InvalidSubcommand, "subcommand"),
        ErrorKind::UnknownArgument => (ContextKind::InvalidArg, "argument"),
        _ => return None,
    };
    let Some(ContextValue::String(bad)) = e.get(kind) else {
        return None;
    };
    let mut command = command;
    for word in usage.split_whitespace().skip(1) {
        match command.find_subcommand(word) {
            Some(sub) => command = sub,
            None => break,
        }
    }
    let names: Vec<String> = if what == "argument" {
        command
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(|l| format!("--{l}"))
            .collect()
    } else {
        command
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect()
    };
    names
        .into_iter()
        .map(|n| (distance(bad, &n), n))
        .filter(|(d, n)| *d <= 2 && *d < n.chars().count() / 2)
        .min()
        .map(|(_, n)| format!("a similar {what} exists: '{n}'"))
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("histroy", "history"), 2);
        assert_eq!(distance("--dry-rn", "--dry-run"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }
}

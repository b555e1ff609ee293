//! Masking of secrets in text that leaves the process: log lines, error
//! messages, `Debug` output of the configuration. The bottom layer: imports
//! nothing of the crate, so that every layer can mask what it prints.

/// Hide secrets in a line of text: `password=...` in libpq key/value strings,
/// `user:password@` in URIs, and `PASSWORD '...'` in SQL.
pub fn mask(text: &str) -> String {
    let masked = mask_after_key(text, "password=", false);
    let masked = mask_uri_userinfo(&masked);
    // In SQL the password is a string literal: only a quote after the
    // keyword starts one ("password authentication failed" stays as it is).
    mask_after_key(&masked, "PASSWORD ", true)
}

fn mask_after_key(text: &str, key: &str, literal_only: bool) -> String {
    let lower = text.to_ascii_lowercase();
    let key_lower = key.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find(&key_lower) {
        let start = i + found + key.len();
        out.push_str(&text[i..start]);
        let rest = &text[start..];
        // An escape-string literal (E'...') is masked whole as well.
        let literal = rest.starts_with('\'') || rest.starts_with("E'") || rest.starts_with("e'");
        if literal_only && !literal {
            i = start;
            continue;
        }
        let end = match rest.chars().next() {
            Some('E' | 'e') if literal => 1 + quoted_len(&rest[1..], '\''),
            Some(q @ ('\'' | '"')) => quoted_len(rest, q),
            _ => rest
                .find(|c: char| c.is_whitespace() || c == '&')
                .unwrap_or(rest.len()),
        };
        if end > 0 {
            out.push_str("********");
        }
        i = start + end;
    }
    out.push_str(&text[i..]);
    out
}

/// The length of the quoted string `text` starts with (its quotes
/// included); a doubled quote inside is one character of it, as in SQL.
/// Unterminated: all of `text`.
fn quoted_len(text: &str, quote: char) -> usize {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            if chars.peek().is_some_and(|&(_, n)| n == quote) {
                chars.next();
                continue;
            }
            return i + c.len_utf8();
        }
    }
    text.len()
}

fn mask_uri_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c == '/' || c == '?' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":********");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_every_form() {
        let cases = [
            ("host=/tmp password=abc user=x", "abc"),
            ("host=/tmp password='a b c' user=x", "a b c"),
            ("postgresql://postgres:s3cr3t@localhost:5432/db", "s3cr3t"),
            (
                "CREATE ROLE x LOGIN PASSWORD 'proformatique'",
                "proformatique",
            ),
            ("postgres://h/db?password=zz&user=q", "zz"),
        ];
        for (text, secret) in cases {
            let m = mask(text);
            assert!(!m.contains(secret), "{text} -> {m}");
            assert!(m.contains("********"), "{text} -> {m}");
        }
        assert_eq!(mask("nothing secret here"), "nothing secret here");
        // PostgreSQL's own words are not a secret.
        let refused = "FATAL: password authentication failed for user \"asterisk\"";
        assert_eq!(mask(refused), refused);
        for sql in [
            "ALTER ROLE x PASSWORD E'it''s' VALID",
            "ALTER ROLE x PASSWORD 'it''s' VALID",
        ] {
            assert_eq!(mask(sql), "ALTER ROLE x PASSWORD ******** VALID", "{sql}");
        }
        assert_eq!(
            mask("postgresql://localhost/db"),
            "postgresql://localhost/db"
        );
    }
}

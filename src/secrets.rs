//! Masking of secrets in text that leaves the process: log lines, error
//! messages, `Debug` output of the configuration. The bottom layer: imports
//! nothing of the crate, so that every layer can mask what it prints.

/// Hide secrets in a line of text: `password=...` in libpq key/value strings,
/// `user:password@` in URIs, and `PASSWORD '...'` in SQL.
pub fn mask(text: &str) -> String {
    let masked = mask_after_key(text, "password=");
    let masked = mask_uri_userinfo(&masked);
    mask_after_key(&masked, "PASSWORD ")
}

fn mask_after_key(text: &str, key: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let key_lower = key.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find(&key_lower) {
        let start = i + found + key.len();
        out.push_str(&text[i..start]);
        let rest = &text[start..];
        let end = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => rest[1..].find(q).map(|e| e + 2).unwrap_or(rest.len()),
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
        assert_eq!(
            mask("postgresql://localhost/db"),
            "postgresql://localhost/db"
        );
    }
}
